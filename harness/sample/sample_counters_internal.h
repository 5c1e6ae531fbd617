/* SPDX-License-Identifier: MIT */
/* sample_counters_internal: what the counter files share — the event-set model parsed from
 * harness/events/NAME.events, the formula scope, the open handle's layout, and the libpfm4 / host
 * helpers. Private to sample_counters*.c. */
#ifndef NH_SAMPLE_COUNTERS_INTERNAL_H
#define NH_SAMPLE_COUNTERS_INTERNAL_H

#include "sample_counters.h"

#include <perfmon/pfmlib_perf_event.h>

#define SET_MAX 16
#define VARIANT_MAX 8
#define VARIANT_PMUS 8
#define MEMBER_MAX 8
#define METRIC_MAX 4
#define WORD_LEN 32
#define EVENT_LEN sizeof(((nh_counter_t *)0)->event)
#define REASON_LEN sizeof(((nh_counter_t *)0)->reason)

struct ev_member {
	char name[WORD_LEN];
	char event[EVENT_LEN];
	bool kernel; /* only happens in kernel mode: no user-only fallback */
};

struct ev_metric {
	char name[WORD_LEN];
	char unit[16];
	char formula[160];
};

struct ev_variant {
	char pmus[VARIANT_PMUS][WORD_LEN];
	unsigned npmus;
	bool generic;
	struct ev_member members[MEMBER_MAX];
	unsigned nmembers;
	struct ev_metric metrics[METRIC_MAX];
	unsigned nmetrics;
};

struct ev_set {
	char name[WORD_LEN];
	char describe[200];
	char missing[REASON_LEN];
	struct ev_variant variants[VARIANT_MAX];
	unsigned nvariants;
	/* The most any variant needs: a spec is checked against these so that it is accepted or
	 * refused the same way on every host. */
	unsigned max_counters, max_metrics;
};

/* ---- formulas (sample_counters_formula.c) ---- */

/* The names a formula may use: values, or why a name has none (missing[i] non-NULL). */
struct eval_scope {
	const char *const *names;
	const double *values;
	const char *const *missing;
	unsigned n;
	const char *set; /* "llc": inputs are named "llc.misses" in reasons; NULL: bare names */
	bool check;	 /* syntax and names only: a zero divisor is not an error */
};

/** \brief Evaluate \p formula over \p scope (nh_counters_eval with the scope spelled out). */
int nh_counters_eval_scoped(const char *formula, const struct eval_scope *scope, double *out, nh_err_t *err);

/* ---- event sets (sample_counters_events.c) ---- */

/** \brief Parse the embedded event-set files once; -1 (EINVAL) naming the bad file and line. */
int nh_counters_load_sets(nh_err_t *err);
const struct ev_set *nh_counters_find_set(const char *name);
/** \brief "cycles, latency, llc, numa, software". */
void nh_counters_set_names(char *buf, size_t len);
unsigned nh_counters_set_count(void);
const struct ev_set *nh_counters_set_at(unsigned i);

/* A counters spec resolved against the sets: each item a set or a single event. */
struct spec_item {
	const struct ev_set *set; /* NULL: an event */
	char event[EVENT_LEN];
};

struct spec {
	struct spec_item items[NH_MAX_COUNTERS];
	unsigned n;
	unsigned counters, metrics; /* the most they can need */
};

/** \brief Parse and check a counters spec (nh_counters_check_spec keeps only the verdict). */
int nh_counters_parse_spec(const char *spec, struct spec *sp, nh_err_t *err);

/* ---- the open handle and the host (sample_counters.c) ---- */

struct counter {
	nh_counter_t r; /* name, event, availability and reason; counts are filled by reads */
	int fd;		/* -1 when unavailable */
};

struct open_set {
	const struct ev_set *def;
	const struct ev_variant *var; /* NULL: no variant for this host (one unavailable entry) */
	unsigned first;		      /* its first counter */
};

struct nh_counters {
	struct counter ctr[NH_MAX_COUNTERS];
	unsigned n;
	struct open_set sets[SET_MAX];
	unsigned nsets;
	int has_pmu;  /* hardware events can be opened at all: -1 not probed yet, 0, 1 */
	int paranoid; /* INT_MIN: unknown */
	char pmus[256];
};

int nh_counters_pfm_init(void);
bool nh_counters_pmu_info(pfm_pmu_t pmu, pfm_pmu_info_t *info);
/** \brief The PMUs libpfm4 detected, uncore ones left out: "spr, perf, perf_raw". */
void nh_counters_host_pmus(char *buf, size_t len);
/** \brief /proc/sys/kernel/perf_event_paranoid (or the test override); INT_MIN unknown. */
int nh_counters_read_paranoid(void);
const char *nh_counters_paranoid_text(int p, char *buf, size_t len);

#endif
