/* SPDX-License-Identifier: MIT */
/* sample_counters: hardware and software counters through libpfm4 + perf_event_open. Event sets
 * (llc, numa, latency, cycles, ...) are data files under harness/events/, chosen per PMU.
 * Unavailable is a state: every counter that cannot be counted carries the reason. */
#ifndef NH_SAMPLE_COUNTERS_H
#define NH_SAMPLE_COUNTERS_H

#include <jansson.h>
#include <stdio.h>

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
	bool user_only;	     /* kernel mode left out (perf_event_paranoid >= 2, no CAP_PERFMON) */
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

/** \brief Open the counters of \p spec for the calling thread and every thread or process it
 *  creates afterwards (inherit), grouped per set where the PMU allows, enabled at once: open
 *  before the workload starts its threads. Events that cannot be opened are kept as unavailable
 *  with the reason; a set with no variant for this host is one unavailable entry named after the
 *  set. NULL only for a bad spec (EINVAL) or ENOMEM. */
nh_counters_t *nh_counters_open(const char *spec, nh_err_t *err);
/** \brief Read every counter (scaled) into \p out; returns how many (<= max). A child thread's
 *  counts are added to these counters when it exits (after pthread_join returns, the kernel may
 *  take a moment more: see nh_counters_settle), so read after the workload's threads ended. */
unsigned nh_counters_read(nh_counters_t *c, nh_counter_t *out, unsigned max);
/** \brief The sets' derived metrics from values read by nh_counters_read. */
unsigned nh_counters_derive(const nh_counters_t *c, const nh_counter_t *vals, unsigned n,
			    nh_derived_t *out, unsigned max);
void nh_counters_close(nh_counters_t *c);

/** \brief Record encodings, one flat object: {"llc.misses": {"value", "raw", "time_enabled_ns",
 *  "time_running_ns", "multiplexed", "scope": "user+kernel" | "user", "event"} or
 *  {"unavailable": "reason", "event"}, ...} ("event" left out when empty), and the derived
 *  metrics likewise: {"llc.miss_ratio": {"value", "unit"} or {"unavailable": "reason", "unit"}}.
 *  An unavailable entry never has a "value". NULL with errno ENOMEM. */
json_t *nh_counters_json(const nh_counter_t *vals, unsigned n, const nh_derived_t *derived, unsigned nd);

/** \brief Wait until the calling process has at most \p max_threads threads, so that threads
 *  which were joined have also folded their counts into the inherited counters. Returns 0, or
 *  -1 with errno ETIMEDOUT after \p timeout_s seconds (or the errno of reading /proc/self). */
int nh_counters_settle(unsigned max_threads, double timeout_s);

/** \brief Evaluate a set formula ("misses / (references + 1) * 100": numbers, names, + - * /,
 *  parentheses, unary minus) with \p names[i] = \p values[i]. Returns 0, or -1 (EINVAL) with
 *  the reason: a syntax error, an unknown name, or a zero divisor ("no references counted"). */
int nh_counters_eval(const char *formula, const char *const *names, const double *values,
		     unsigned n, double *out, nh_err_t *err);

/** \brief Check the text of one event-set file as if it were harness/events/NAME.events (for
 *  tests: the embedded files are parsed once, on first use). Returns 0, or -1 (EINVAL) with
 *  "NAME.events:LINE: reason". */
int nh_counters_check_set_file(const char *name, const char *text, size_t len, nh_err_t *err);

/** \brief For `numaharness events [PATTERN]`: print every set and event with whether this host
 *  can count it, and why not. Returns 0, or -1 when libpfm4 cannot initialise. */
int nh_counters_list(FILE *out, const char *pattern, nh_err_t *err);

/* For tests: replace perf_event_open(2) (NULL restores the system call) and the value of
 * /proc/sys/kernel/perf_event_paranoid that reasons and the user-only fallback use (INT_MIN
 * reads the file again), so that permission and no-PMU reasons can be tested on any host. */
struct perf_event_attr;
typedef int (*nh_perf_open_fn)(struct perf_event_attr *attr, int pid, int cpu, int group_fd,
			       unsigned long flags);
void nh_counters_set_test_hooks(nh_perf_open_fn open_fn, int paranoid);

#endif
