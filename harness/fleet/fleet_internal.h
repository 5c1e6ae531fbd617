/* SPDX-License-Identifier: MIT */
/* fleet_internal: what the fleet's files share — the per-host summary (a few numbers per node
 * and metric), cohorts and their reference figures, interned strings. */
#ifndef NH_FLEET_INTERNAL_H
#define NH_FLEET_INTERNAL_H

#include <stdbool.h>

#include "fleet.h"
#include "fleet_rules.h"

/* How one figure came out against its reference. */
enum fleet_flag {
	FL_ABSENT,	 /* not measured (why says why) */
	FL_OK,		 /* compared, within */
	FL_LOW,		 /* an outlier, low */
	FL_HIGH,	 /* an outlier, high */
	FL_NOISY,	 /* its runs disagree beyond --max-cv: not trusted either way */
	FL_INSUFFICIENT, /* its cohort too small and no baseline */
	FL_NOT_COMPARED, /* the host is of another shape (node count) or in ERROR */
};
const char *nh_fleet_flag_name(enum fleet_flag f);

typedef struct fleet_value {
	bool present;
	double v;
	double spread; /* the host's own: MAD of its runs (0 for one run or a count) */
	double cv;     /* over its runs; NAN when fewer than 2 or not repeated */
	unsigned n;    /* runs */
	const char *why; /* absent: why (static text) */
	enum fleet_flag flag;
	double ref, dev_pct, z; /* NAN when not compared */
	bool deviates;		/* past the z limit and the threshold, in the bad direction */
} fleet_value_t;

typedef struct fleet_node {
	unsigned id;
	fleet_value_t m[NH_FLEET_METRICS];
} fleet_node_t;

/* A growable list of owned strings. */
typedef struct fleet_strv {
	char **s;
	unsigned n, cap;
} fleet_strv_t;
int fleet_strv_add(fleet_strv_t *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fleet_strv_free(fleet_strv_t *v);

typedef struct fleet_host {
	char *name, *dir; /* dir NULL: MISSING */
	unsigned cohort;
	enum nh_fleet_verdict verdict;
	bool planned;
	bool error;	   /* ERROR: reasons[0] says why */
	bool drift, drift_shape, other_shape, compared, insufficient;
	fleet_node_t *nodes;
	unsigned node_count;
	unsigned fact[NH_FACT_COUNT]; /* interned values; 0 = unknown */
	unsigned tool_version, scenario_sha, status; /* interned; 0 = unknown */
	unsigned checks_failed;
	fleet_strv_t reasons, readings, notes;
	const char *rules[NH_FLEET_MAX_READINGS]; /* the rule of each reading */
	unsigned drift_facts;	  /* bits: facts differing from the cohort's usual value */
} fleet_host_t;

/* A cohort × node × metric: the hosts' median and MAD, and what the hosts are judged against. */
typedef struct fleet_ref {
	unsigned cohort, node;
	enum nh_fleet_metric metric;
	unsigned n;	    /* hosts with the figure */
	double median, mad; /* of this fleet; NAN when n is 0 */
	bool judged;	    /* a reference exists: n >= NH_FLEET_MIN_COHORT, or the baseline's */
	bool baseline;	    /* the reference is the baseline's */
	double ref_median, ref_mad;
	unsigned ref_n;
	unsigned low, high; /* hosts flagged */
	double *values;	    /* while judging */
	unsigned cap;
} fleet_ref_t;

typedef struct fleet_cohort {
	unsigned name; /* interned */
	unsigned hosts, errors;
	unsigned usual[NH_FACT_COUNT]; /* the cohort's usual value (a strict plurality); 0: none */
	fleet_strv_t notes;	       /* "kernel: no usual value (a: 2 hosts, b: 2 hosts)" */
} fleet_cohort_t;

struct nh_fleet {
	nh_fleet_opts_t o;
	fleet_host_t *hosts;
	unsigned host_count, host_cap;
	fleet_cohort_t *cohorts;
	unsigned cohort_count, cohort_cap;
	fleet_ref_t *refs;
	unsigned ref_count, ref_cap;
	/* interned strings: id i is strs[i] (id 0 is none) */
	char **strs;
	unsigned str_count, str_cap;
	unsigned *str_hash; /* open addressing: id or 0 */
	unsigned hash_cap;
	/* --planned-hosts */
	char **planned;
	unsigned planned_count, planned_cap;
	char planned_path[4096];
	/* --baseline */
	struct fleet_baseline_ref {
		unsigned cohort_name; /* interned */
		unsigned node;
		enum nh_fleet_metric metric;
		unsigned n;
		double median, mad; /* mad NAN when not recorded */
	} *base;
	unsigned base_count;
	char baseline_path[4096];
	char baseline_created[64];
	fleet_strv_t inputs, warnings, notes;
	unsigned counts[NH_FLEET_VERDICTS];
	bool judged;
	char created_at[32];
};

/* fleet.c */
unsigned fleet_intern(nh_fleet_t *f, const char *s); /* 0 when out of memory */
static inline const char *fleet_str(const nh_fleet_t *f, unsigned id)
{
	return id && id < f->str_count ? f->strs[id] : NULL;
}
fleet_host_t *fleet_new_host(nh_fleet_t *f);
unsigned fleet_cohort_of(nh_fleet_t *f, const char *name); /* index, created; UINT_MAX: ENOMEM */
double fleet_median(double *x, unsigned n);		   /* sorts x; NAN when n is 0 */
double fleet_mad(const double *x, unsigned n, double median, double *scratch);

/* fleet_host.c: read host directories into summaries (a few threads read, the fleet takes
 * them in the order given). -1 only when memory runs out. */
int fleet_read_hosts(nh_fleet_t *f, char *const *dirs, unsigned count, nh_err_t *err);
int fleet_read_host(nh_fleet_t *f, const char *dir, nh_err_t *err);

/* fleet_judge.c */
int fleet_judge(nh_fleet_t *f, nh_err_t *err);

/* fleet_charts.c: the charts into OUT/charts/ (the report module's gnuplot path). */
struct nh_charts;
int fleet_charts(const nh_fleet_t *f, const char *out_dir, bool render, struct nh_charts *charts,
		 nh_err_t *err);

#endif
