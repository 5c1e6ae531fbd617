/* SPDX-License-Identifier: MIT */
/* stats: summaries of repeated measurements and the two-sample tests that compare them (GSL). */
#ifndef NH_STATS_H
#define NH_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* What one side of a comparison looks like. Quantiles are R's default (type 7, linear
 * interpolation between order statistics), which is also what GSL computes. */
typedef struct nh_summary {
	unsigned n;
	double min, max, mean, median;
	double stdev; /* sample standard deviation (n - 1); NAN when n < 2 */
	double cv;    /* stdev / |mean|; NAN when n < 2 or the mean is 0 */
	double q1, q3, iqr;
} nh_summary_t;

/** \brief Summary of x[0..n). Returns 0, or -1 (EINVAL) when n is 0 or a value is not finite. */
int nh_stats_summary(const double *x, unsigned n, nh_summary_t *out, nh_err_t *err);
/** \brief Median of x[0..n) (x is not modified); NAN when n is 0. */
double nh_stats_median(const double *x, unsigned n);
/** \brief The q-quantile (0 <= q <= 1) of x[0..n), type 7; NAN when n is 0. */
double nh_stats_quantile(const double *x, unsigned n, double q);
double nh_stats_mean(const double *x, unsigned n);
/** \brief Sample standard deviation (divisor n - 1); NAN when n < 2. */
double nh_stats_stdev(const double *x, unsigned n);
/** \brief Coefficient of variation, stdev / |mean|; NAN when n < 2 or the mean is 0. */
double nh_stats_cv(const double *x, unsigned n);

/* Welch's unequal-variance t-test of mean(x) - mean(y). */
typedef struct nh_ttest {
	double t;  /* (mean x - mean y) / sqrt(var x / nx + var y / ny) */
	double df; /* Welch–Satterthwaite degrees of freedom */
	double p;  /* two-sided */
} nh_ttest_t;

/** \brief Welch's t-test. Both sides need at least 2 values. When both variances are 0 the test
 *  degenerates: t = 0, p = 1 for equal means, t = ±inf, p = 0 otherwise (df = nx + ny - 2).
 *  Returns 0, or -1 (EINVAL). */
int nh_stats_welch(const double *x, unsigned nx, const double *y, unsigned ny, nh_ttest_t *out,
		   nh_err_t *err);

/* Mann–Whitney U (Wilcoxon rank-sum) test, as R's wilcox.test(x, y) computes it. */
typedef struct nh_mwu {
	double u; /* U of x: pairs with x > y, ties counting one half (R's W) */
	double p; /* two-sided */
	double z; /* the normal deviate when approximated (with continuity correction); else NAN */
	bool exact; /* p from the exact permutation distribution */
	bool ties;  /* the pooled sample had ties */
} nh_mwu_t;

/* Exact p-values are used below this many values per side when there are no ties (as R). */
#define NH_MWU_EXACT_MAX 50

/** \brief Mann–Whitney U test of x against y. Exact (the permutation distribution of U, counted
 *  by recursion) when both sides have fewer than NH_MWU_EXACT_MAX values and there are no ties;
 *  otherwise the normal approximation with tie and continuity corrections. Returns 0, or -1
 *  (EINVAL) when a side is empty. */
int nh_stats_mann_whitney(const double *x, unsigned nx, const double *y, unsigned ny, nh_mwu_t *out,
			  nh_err_t *err);
/** \brief The smallest two-sided exact p the test can give with nx and ny values (complete
 *  separation): 2 / C(nx + ny, nx), at most 1. */
double nh_stats_mann_whitney_min_p(unsigned nx, unsigned ny);

/* Bootstrap percentile interval of the change of medians from x (baseline) to y (candidate). */
typedef struct nh_boot {
	double change;             /* median(y) / median(x) - 1 (the relative change); NAN when median(x) is 0 */
	double change_lo, change_hi; /* its interval; NAN when a resampled baseline median is 0 */
	double diff;               /* median(y) - median(x) */
	double diff_lo, diff_hi;   /* its interval */
} nh_boot_t;

/** \brief Resample both sides with replacement \p resamples times (a fixed-seed generator, so
 *  the same input always gives the same interval) and take the percentile interval at
 *  \p level (e.g. 0.95). Returns 0, or -1 (EINVAL when a side is empty or level is not in
 *  (0, 1), ENOMEM). */
int nh_stats_bootstrap_medians(const double *x, unsigned nx, const double *y, unsigned ny,
			       unsigned resamples, double level, uint64_t seed, nh_boot_t *out,
			       nh_err_t *err);

#endif
