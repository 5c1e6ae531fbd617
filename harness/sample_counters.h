/* SPDX-License-Identifier: MIT */
/* sample_counters: hardware and software counters through libpfm4 + perf_event_open. Event sets
 * (llc, numa, latency, cycles, ...) are data files under harness/events/, chosen per PMU.
 * Unavailable is a state: every counter that cannot be counted carries the reason. */
#ifndef NH_SAMPLE_COUNTERS_H
#define NH_SAMPLE_COUNTERS_H

#include <jansson.h>

#include "util.h"

#define NH_MAX_COUNTERS 32
#define NH_MAX_DERIVED 16

/* One counter's result: plain data, so it travels in the worker's shared report. */
typedef struct nh_counter {
	char name[64];	     /* "llc.misses" for a set member, or the event as given */
	char event[96];	     /* the libpfm4 event string that was encoded */
	bool available;
	char reason[160];    /* why not available: "no PMU: ...", "perf_event_paranoid=3 ...", ... */
	uint64_t raw;	     /* count as read */
	uint64_t time_enabled, time_running; /* ns */
	double value;	     /* raw × enabled / running (the multiplexing estimate) */
	bool multiplexed;    /* time_running < time_enabled: value is an estimate */
} nh_counter_t;

/* A metric computed from a set's counters by the set's formula (e.g. llc.miss_ratio). */
typedef struct nh_derived {
	char name[64];
	char unit[16];
	bool available;
	char reason[160];
	double value;
} nh_derived_t;

typedef struct nh_counters nh_counters_t;

/** \brief Check a counters spec without opening anything: "none", "default", or a comma list
 *  of set names and libpfm4 / perf event names ("llc,numa,perf::PAGE-FAULTS"). Unknown set
 *  names and malformed lists are errors ("counters 'lcc': unknown event set 'lcc' (sets: ...)");
 *  unknown events are not (they are recorded as unavailable at run time). */
int nh_counters_check_spec(const char *spec, nh_err_t *err);

/** \brief Open the counters of \p spec for the calling process and every thread it creates
 *  afterwards (inherit), grouped per set where the PMU allows, enabled at once. Events that
 *  cannot be opened are kept as unavailable with the reason. NULL only for a bad spec or ENOMEM. */
nh_counters_t *nh_counters_open(const char *spec, nh_err_t *err);
/** \brief Read every counter (scaled) into \p out; returns how many (<= max). */
unsigned nh_counters_read(nh_counters_t *c, nh_counter_t *out, unsigned max);
/** \brief The sets' derived metrics from values read by nh_counters_read. */
unsigned nh_counters_derive(const nh_counters_t *c, const nh_counter_t *vals, unsigned n,
			    nh_derived_t *out, unsigned max);
void nh_counters_close(nh_counters_t *c);

/** \brief Record encodings: {"llc.misses": {"value", "raw", "time_enabled_ns", "time_running_ns",
 *  "multiplexed"} or {"unavailable": "reason"}, ...} and the derived metrics likewise. */
json_t *nh_counters_json(const nh_counter_t *vals, unsigned n, const nh_derived_t *derived, unsigned nd);

/** \brief For `numaharness events [PATTERN]`: print every set and event with whether this host
 *  can count it, and why not. Returns 0, or -1 when libpfm4 cannot initialise. */
int nh_counters_list(FILE *out, const char *pattern, nh_err_t *err);

#endif
