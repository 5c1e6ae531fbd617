/* SPDX-License-Identifier: MIT */
/* stats: medians, spreads, Welch's t-test, the Mann–Whitney U test and a bootstrap interval of
 * the change of medians — GSL for the distributions and the random generator. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* GSL's default error handler aborts the process; library code must return errors instead. */
static pthread_once_t gsl_once = PTHREAD_ONCE_INIT;
static void gsl_quiet_once(void) { gsl_set_error_handler_off(); }
static void gsl_quiet(void) { pthread_once(&gsl_once, gsl_quiet_once); }

static double *sorted_copy(const double *x, unsigned n)
{
	double *s = malloc(sizeof *s * (n ? n : 1));
	if (!s)
		return NULL;
	memcpy(s, x, sizeof *s * n);
	gsl_sort(s, 1, n);
	return s;
}

double nh_stats_quantile(const double *x, unsigned n, double q)
{
	if (n == 0 || !(q >= 0 && q <= 1))
		return NAN;
	double *s = sorted_copy(x, n);
	if (!s)
		return NAN;
	double v = gsl_stats_quantile_from_sorted_data(s, 1, n, q);
	free(s);
	return v;
}

double nh_stats_median(const double *x, unsigned n) { return nh_stats_quantile(x, n, 0.5); }

double nh_stats_mean(const double *x, unsigned n) { return n ? gsl_stats_mean(x, 1, n) : NAN; }

double nh_stats_stdev(const double *x, unsigned n) { return n >= 2 ? gsl_stats_sd(x, 1, n) : NAN; }

double nh_stats_cv(const double *x, unsigned n)
{
	double mean = nh_stats_mean(x, n);
	return n >= 2 && mean != 0 ? nh_stats_stdev(x, n) / fabs(mean) : NAN;
}

static int check_values(const double *x, unsigned n, nh_err_t *err)
{
	if (n == 0) {
		errno = EINVAL;
		return nh_err_set(err, "no values");
	}
	for (unsigned i = 0; i < n; i++)
		if (!isfinite(x[i])) {
			errno = EINVAL;
			return nh_err_set(err, "value %u is not a finite number", i + 1);
		}
	return 0;
}

int nh_stats_summary(const double *x, unsigned n, nh_summary_t *out, nh_err_t *err)
{
	if (check_values(x, n, err) < 0)
		return -1;
	double *s = sorted_copy(x, n);
	if (!s) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for %u values", n);
	}
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = gsl_stats_mean(s, 1, n);
	out->median = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.5);
	out->q1 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
	out->q3 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75);
	out->iqr = out->q3 - out->q1;
	out->stdev = n >= 2 ? gsl_stats_sd_m(s, 1, n, out->mean) : NAN;
	out->cv = n >= 2 && out->mean != 0 ? out->stdev / fabs(out->mean) : NAN;
	free(s);
	return 0;
}

int nh_stats_welch(const double *x, unsigned nx, const double *y, unsigned ny, nh_ttest_t *out,
		   nh_err_t *err)
{
	if (nx < 2 || ny < 2) {
		errno = EINVAL;
		return nh_err_set(err,
				  "Welch's t-test needs at least 2 values a side (have %u and %u)",
				  nx, ny);
	}
	if (check_values(x, nx, err) < 0 || check_values(y, ny, err) < 0)
		return -1;
	gsl_quiet();
	double mx = gsl_stats_mean(x, 1, nx), my = gsl_stats_mean(y, 1, ny);
	double vx = gsl_stats_variance_m(x, 1, nx, mx) / nx,
	       vy = gsl_stats_variance_m(y, 1, ny, my) / ny;
	double se2 = vx + vy;
	if (se2 == 0) {
		/* Constant samples: the test statistic is undefined; say what the data plainly
		 * show. */
		out->df = nx + ny - 2.0;
		out->t = mx == my ? 0 : mx > my ? INFINITY : -INFINITY;
		out->p = mx == my ? 1 : 0;
		return 0;
	}
	out->t = (mx - my) / sqrt(se2);
	out->df = se2 * se2 / (vx * vx / (nx - 1) + vy * vy / (ny - 1));
	out->p = fmin(1, 2 * gsl_cdf_tdist_Q(fabs(out->t), out->df));
	return 0;
}

double nh_stats_mann_whitney_min_p(unsigned nx, unsigned ny)
{
	/* C(nx + ny, nx) grows quickly; in doubles it is exact far beyond where p stops mattering.
	 */
	double c = 1;
	for (unsigned i = 1; i <= nx; i++)
		c = c * (ny + i) / i;
	return fmin(1, 2 / c);
}

/* Frequencies of U over the C(m + n, m) equally likely orderings of m x's and n y's, u = 0..mn.
 * The largest value is either an x, which beats all n y's (so U = u - n over m - 1 and n), or
 * a y (U = u over m and n - 1): c(m, n, u) = c(m - 1, n, u - n) + c(m, n - 1, u). Only additions,
 * so no cancellation; two layers over m keep the memory at 2 (n + 1)(mn + 1) doubles. */
static double *mwu_counts(unsigned m, unsigned n)
{
	size_t width = (size_t)m * n + 1;
	double *prev = calloc((n + 1) * width, sizeof *prev),
	       *cur = calloc((n + 1) * width, sizeof *cur);
	double *out = malloc(width * sizeof *out);
	if (!prev || !cur || !out) {
		free(prev);
		free(cur);
		free(out);
		return NULL;
	}
	for (unsigned j = 0; j <= n; j++)
		prev[j * width] = 1; /* no x: U is 0 whatever the y's */
	for (unsigned i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * width * sizeof *cur);
		cur[0] = 1; /* no y: U is 0 */
		for (unsigned j = 1; j <= n; j++) {
			double *c = cur + j * width, *left = cur + (j - 1) * width,
			       *up = prev + j * width;
			for (size_t u = 0; u <= (size_t)i * j; u++)
				c[u] = left[u] + (u >= j ? up[u - j] : 0);
		}
		double *t = prev;
		prev = cur;
		cur = t;
	}
	memcpy(out, prev + (size_t)n * width, width * sizeof *out);
	free(prev);
	free(cur);
	return out;
}

/* Two-sided exact p as R's wilcox.test: twice the smaller tail that holds the observed U. */
static int mwu_exact_p(double u, unsigned m, unsigned n, double *p)
{
	double *c = mwu_counts(m, n);
	if (!c)
		return -1;
	size_t width = (size_t)m * n + 1;
	double total = 0, tail = 0;
	for (size_t k = 0; k < width; k++)
		total += c[k];
	size_t q = (size_t)u;
	if (u > m * (double)n / 2)
		for (size_t k = q; k < width; k++)
			tail += c[k];
	else
		for (size_t k = 0; k <= q; k++)
			tail += c[k];
	free(c);
	*p = fmin(1, 2 * tail / total);
	return 0;
}

int nh_stats_mann_whitney(const double *x, unsigned nx, const double *y, unsigned ny, nh_mwu_t *out,
			  nh_err_t *err)
{
	if (check_values(x, nx, err) < 0 || check_values(y, ny, err) < 0)
		return nh_err_prefix(err, "Mann-Whitney test");
	gsl_quiet();
	double u = 0;
	for (unsigned i = 0; i < nx; i++)
		for (unsigned j = 0; j < ny; j++)
			u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
	unsigned n = nx + ny;
	double *pool = malloc(sizeof *pool * n);
	if (!pool) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for %u values", n);
	}
	memcpy(pool, x, sizeof *pool * nx);
	memcpy(pool + nx, y, sizeof *pool * ny);
	gsl_sort(pool, 1, n);
	double tie_sum = 0; /* sum of t^3 - t over groups of t equal values */
	for (unsigned i = 0; i < n;) {
		unsigned k = i + 1;
		while (k < n && pool[k] == pool[i])
			k++;
		double t = k - i;
		tie_sum += t * t * t - t;
		i = k;
	}
	free(pool);
	*out = (nh_mwu_t){.u = u, .z = NAN, .ties = tie_sum > 0};
	if (!out->ties && nx < NH_MWU_EXACT_MAX && ny < NH_MWU_EXACT_MAX) {
		if (mwu_exact_p(u, nx, ny, &out->p) < 0) {
			errno = ENOMEM;
			return nh_err_set(err, "out of memory for the U distribution of %u and %u",
					  nx, ny);
		}
		out->exact = true;
		return 0;
	}
	double mn = (double)nx * ny, z = u - mn / 2;
	double sigma = sqrt(mn / 12 * ((n + 1) - tie_sum / ((double)n * (n - 1))));
	if (!(sigma > 0)) {
		out->p = 1; /* every value the same: no evidence either way */
		return 0;
	}
	double correction = z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
	out->z = (z - correction) / sigma;
	out->p = fmin(1, 2 * gsl_cdf_ugaussian_Q(fabs(out->z)));
	return 0;
}

static double resampled_median(const gsl_rng *r, const double *x, unsigned n, double *buf)
{
	for (unsigned i = 0; i < n; i++)
		buf[i] = x[gsl_rng_uniform_int(r, n)];
	gsl_sort(buf, 1, n);
	return gsl_stats_median_from_sorted_data(buf, 1, n);
}

int nh_stats_bootstrap_medians(const double *x, unsigned nx, const double *y, unsigned ny,
			       unsigned resamples, double level, uint64_t seed, nh_boot_t *out,
			       nh_err_t *err)
{
	if (check_values(x, nx, err) < 0 || check_values(y, ny, err) < 0)
		return nh_err_prefix(err, "bootstrap");
	if (!(level > 0 && level < 1) || resamples < 2) {
		errno = EINVAL;
		return nh_err_set(
			err, "bootstrap: level %g must be in (0, 1) and resamples %u at least 2",
			level, resamples);
	}
	gsl_quiet();
	double mx = nh_stats_median(x, nx), my = nh_stats_median(y, ny);
	*out = (nh_boot_t){.change = mx != 0 ? my / mx - 1 : NAN, .diff = my - mx};
	double *ratio = malloc(sizeof *ratio * resamples), *diff = malloc(sizeof *diff * resamples);
	double *buf = malloc(sizeof *buf * (nx > ny ? nx : ny));
	/* Mersenne Twister with a fixed seed: a comparison must read the same every time. */
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int rc = -1;
	if (!ratio || !diff || !buf || !r) {
		errno = ENOMEM;
		nh_err_set(err, "bootstrap: out of memory for %u resamples", resamples);
		goto out;
	}
	gsl_rng_set(r, (unsigned long)seed);
	bool ratio_ok = true;
	for (unsigned b = 0; b < resamples; b++) {
		double bx = resampled_median(r, x, nx, buf);
		double by = resampled_median(r, y, ny, buf);
		diff[b] = by - bx;
		if (bx == 0)
			ratio_ok = false;
		else
			ratio[b] = by / bx - 1;
	}
	double lo = (1 - level) / 2, hi = 1 - lo;
	gsl_sort(diff, 1, resamples);
	out->diff_lo = gsl_stats_quantile_from_sorted_data(diff, 1, resamples, lo);
	out->diff_hi = gsl_stats_quantile_from_sorted_data(diff, 1, resamples, hi);
	out->change_lo = out->change_hi = NAN;
	if (ratio_ok) {
		gsl_sort(ratio, 1, resamples);
		out->change_lo = gsl_stats_quantile_from_sorted_data(ratio, 1, resamples, lo);
		out->change_hi = gsl_stats_quantile_from_sorted_data(ratio, 1, resamples, hi);
	}
	rc = 0;
out:
	if (r)
		gsl_rng_free(r);
	free(buf);
	free(diff);
	free(ratio);
	return rc;
}
