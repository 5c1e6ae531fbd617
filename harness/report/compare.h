/* SPDX-License-Identifier: MIT */
/* compare: a candidate results directory against a baseline — per configuration and metric, the
 * medians, the change, its bootstrap interval, two tests and a noise-aware verdict. */
#ifndef NH_COMPARE_H
#define NH_COMPARE_H

#include <jansson.h>
#include <stdint.h>

#include "results.h"
#include "stats.h"

enum nh_compare_verdict {
	NH_COMPARE_SAME,         /* no significant change (see the rule in compare.c) */
	NH_COMPARE_IMPROVEMENT,  /* significant, in the metric's better direction */
	NH_COMPARE_REGRESSION,   /* significant, against it */
	NH_COMPARE_CHANGED,      /* significant, for a metric with no better direction */
	NH_COMPARE_INSUFFICIENT, /* too few ok runs on a side to tell */
};
#define NH_COMPARE_VERDICTS 5

/** \brief "same", "improvement", "regression", "changed", "insufficient". */
const char *nh_compare_verdict_name(enum nh_compare_verdict v);

/* One side of a row: the ok counted runs' values of the metric. */
typedef struct nh_compare_side {
	unsigned n;
	double median, min, max, mean, cv, iqr; /* NAN when n is 0; cv NAN when n < 2 */
} nh_compare_side_t;

/* One configuration × metric present in both directories. */
typedef struct nh_compare_row {
	char key[1024];  /* nh_results_config_t.key, the same in both directories */
	char label[256]; /* short name: workload, policy, allocator and the parameters that vary */
	char workload[32];
	char policy[256];
	char params[640];
	char allocator[64];
	char metric[64];
	char unit[32];
	int better; /* +1 higher is better, -1 lower, 0 none */
	nh_compare_side_t base, cand;
	double change;       /* cand median / base median - 1; NAN when the base median is 0 */
	double ci_lo, ci_hi; /* bootstrap percentile interval of change at 1 - alpha; NAN if none */
	double p_mw, p_welch; /* two-sided; NAN when a side has too few values */
	double noise; /* spread the change must exceed: the steadier side's half IQR / median */
	enum nh_compare_verdict verdict;
	char reason[160]; /* why this verdict, in a few words */
} nh_compare_row_t;

/* A configuration found on one side only. */
typedef struct nh_compare_unmatched {
	char key[1024];
	char label[256];
	unsigned ok_count;
} nh_compare_unmatched_t;

typedef struct nh_compare_opts {
	double alpha;               /* significance level; 0 = 0.05 */
	const char *const *metrics; /* compare only these (any better-direction); NULL = every
				       metric with a better-direction */
	unsigned metric_count;
	unsigned resamples; /* bootstrap resamples; 0 = 2000 */
	uint64_t seed;      /* bootstrap seed; 0 = the built-in one */
} nh_compare_opts_t;

typedef struct nh_compare nh_compare_t;

/** \brief Compare \p cand against \p base. Configurations are matched by key; rows follow the
 *  baseline's order of configurations and of metrics. Returns 0, or -1 with a message: EINVAL
 *  when a metric named in \p opts is in neither directory or alpha is not in (0, 0.5],
 *  ENOMEM. */
int nh_compare_run(const nh_results_t *base, const nh_results_t *cand,
		   const nh_compare_opts_t *opts, nh_compare_t **out, nh_err_t *err);
void nh_compare_free(nh_compare_t *c);

unsigned nh_compare_row_count(const nh_compare_t *c);
const nh_compare_row_t *nh_compare_row(const nh_compare_t *c, unsigned i);
/** \brief Configurations only in the baseline (\p in_base true) or only in the candidate. */
unsigned nh_compare_unmatched_count(const nh_compare_t *c, bool in_base);
const nh_compare_unmatched_t *nh_compare_unmatched(const nh_compare_t *c, bool in_base, unsigned i);
/** \brief Remarks about the comparison as a whole (different hosts, kernels, units...). */
unsigned nh_compare_note_count(const nh_compare_t *c);
const char *nh_compare_note(const nh_compare_t *c, unsigned i);
/** \brief How many rows have verdict \p v. */
unsigned nh_compare_count(const nh_compare_t *c, enum nh_compare_verdict v);
double nh_compare_alpha(const nh_compare_t *c);
const char *nh_compare_base_dir(const nh_compare_t *c);
const char *nh_compare_cand_dir(const nh_compare_t *c);

/** \brief Regressions whose |change| is at least \p pct percent (a regression from a baseline
 *  median of 0 counts: its change is unbounded). The gate of --fail-on-regression. */
unsigned nh_compare_regressions_beyond(const nh_compare_t *c, double pct);

/** \brief The terminal table, malloc'd (NULL with errno ENOMEM). */
char *nh_compare_table(const nh_compare_t *c);
/** \brief A Markdown section ("## Comparison with the baseline"), malloc'd. */
char *nh_compare_markdown(const nh_compare_t *c);
/** \brief The comparison as JSON (new reference). */
json_t *nh_compare_json(const nh_compare_t *c);

/** \brief One sentence stating the significance rule (for reports). */
const char *nh_compare_rule(void);

#endif
