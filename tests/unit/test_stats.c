/* Unit tests of stats: summaries, Welch's t-test, Mann–Whitney U and the bootstrap interval
 * against published or independently computed values.
 *
 * Where the expected numbers come from:
 * - R's documented t.test(1:10, y = c(7:20)): t = -5.4349, df = 21.982, p-value = 1.855e-05.
 * - The two-vector Welch example was recomputed by hand (means 19.37 / 21.59, variances
 *   1.449 / 17.00305, t and df by their formulas, p by the regularized incomplete beta
 *   I_{df/(df+t^2)}(df/2, 1/2) evaluated with a continued fraction in Python, and checked by
 *   integrating the t density numerically): t = -2.225512, df = 24.52463, p = 0.0354845.
 *   (The t = -2.70, df = 27.0, p = 0.0116 sometimes quoted for these vectors do not follow from
 *   them.)
 * - Mann–Whitney exact p-values by brute-force enumeration of all C(nx + ny, nx) splits in
 *   Python; the R wilcox.test example (x of 10, y of 5) gives W = 35, one-sided p = 0.1272 as R
 *   documents, so two-sided 0.2544. Tied cases by R's normal approximation (tie correction,
 *   continuity correction) written out in Python.
 * - Quantiles are R's type 7 (quantile()'s default).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "stats.h"

#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static void summary_known_vector(void **state)
{
	const double v[] = {2, 4, 4, 4, 5, 5, 7, 9};
	nh_summary_t s;
	nh_err_t err;
	assert_int_equal(nh_stats_summary(v, 8, &s, &err), 0);
	assert_int_equal(s.n, 8);
	assert_near(s.min, 2, 0);
	assert_near(s.max, 9, 0);
	assert_near(s.mean, 5, 1e-12);
	assert_near(s.median, 4.5, 1e-12);
	assert_near(s.stdev, 2.138089935299395, 1e-12);
	assert_near(s.cv, 0.427617987059879, 1e-12);
	assert_near(s.q1, 4, 1e-12);
	assert_near(s.q3, 5.5, 1e-12);
	assert_near(s.iqr, 1.5, 1e-12);
	/* one value: no spread to speak of */
	assert_int_equal(nh_stats_summary(v, 1, &s, &err), 0);
	assert_true(isnan(s.stdev) && isnan(s.cv));
	assert_near(s.median, 2, 0);
	(void)state;
}

static void summary_rejects(void **state)
{
	const double v[] = {1, NAN, 3};
	nh_summary_t s;
	nh_err_t err;
	assert_int_equal(nh_stats_summary(v, 0, &s, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nh_stats_summary(v, 3, &s, &err), -1);
	assert_string_equal(err.msg, "value 2 is not a finite number");
	(void)state;
}

static void quantiles_type7(void **state)
{
	const double ten[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}; /* unsorted on purpose */
	assert_near(nh_stats_quantile(ten, 10, 0.25), 3.25, 1e-12);
	assert_near(nh_stats_quantile(ten, 10, 0.9), 9.1, 1e-12);
	assert_near(nh_stats_quantile(ten, 10, 0), 1, 0);
	assert_near(nh_stats_quantile(ten, 10, 1), 10, 0);
	assert_near(nh_stats_median(ten, 10), 5.5, 1e-12);
	assert_near(ten[0], 10, 0); /* the input is left alone */
	const double three[] = {3, 1, 2};
	assert_near(nh_stats_median(three, 3), 2, 0);
	assert_true(isnan(nh_stats_median(three, 0)));
	assert_true(isnan(nh_stats_quantile(three, 3, 1.5)));
	assert_near(nh_stats_mean(three, 3), 2, 1e-12);
	assert_near(nh_stats_stdev(three, 3), 1, 1e-12);
	assert_near(nh_stats_cv(three, 3), 0.5, 1e-12);
	assert_true(isnan(nh_stats_stdev(three, 1)));
	const double zero_mean[] = {-1, 1};
	assert_true(isnan(nh_stats_cv(zero_mean, 2)));
	(void)state;
}

static void welch_r_example(void **state)
{
	double x[10], y[14];
	for (int i = 0; i < 10; i++)
		x[i] = i + 1;
	for (int i = 0; i < 14; i++)
		y[i] = i + 7;
	nh_ttest_t t;
	nh_err_t err;
	assert_int_equal(nh_stats_welch(x, 10, y, 14, &t, &err), 0);
	assert_near(t.t, -5.434929763894, 1e-9);
	assert_near(t.df, 21.98221234019, 1e-8);
	assert_near(t.p, 1.855282e-05, 1e-10);
	/* swapping the sides flips t only */
	assert_int_equal(nh_stats_welch(y, 14, x, 10, &t, &err), 0);
	assert_near(t.t, 5.434929763894, 1e-9);
	assert_near(t.p, 1.855282e-05, 1e-10);
	(void)state;
}

static void welch_two_vectors(void **state)
{
	const double x[] = {19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0};
	const double y[] = {28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7,
			    23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3};
	nh_ttest_t t;
	nh_err_t err;
	assert_int_equal(nh_stats_welch(x, 10, y, 20, &t, &err), 0);
	assert_near(t.t, -2.22551203997, 1e-9);
	assert_near(t.df, 24.5246349443, 1e-8);
	assert_near(t.p, 0.0354845308300, 1e-9);
	(void)state;
}

static void welch_degenerate(void **state)
{
	const double a[] = {5, 5, 5}, b[] = {5, 5, 5, 5}, c[] = {6, 6, 6};
	nh_ttest_t t;
	nh_err_t err;
	assert_int_equal(nh_stats_welch(a, 3, b, 4, &t, &err), 0);
	assert_near(t.t, 0, 0);
	assert_near(t.p, 1, 0);
	assert_int_equal(nh_stats_welch(a, 3, c, 3, &t, &err), 0);
	assert_true(isinf(t.t) && t.t < 0);
	assert_near(t.p, 0, 0);
	assert_int_equal(nh_stats_welch(a, 1, c, 3, &t, &err), -1);
	assert_int_equal(errno, EINVAL);
	(void)state;
}

static void mann_whitney_exact_small(void **state)
{
	const double x[] = {1, 2, 3}, y[] = {4, 5, 6};
	nh_mwu_t m;
	nh_err_t err;
	assert_int_equal(nh_stats_mann_whitney(x, 3, y, 3, &m, &err), 0);
	assert_true(m.exact);
	assert_false(m.ties);
	assert_near(m.u, 0, 0);
	assert_near(m.p, 0.1, 1e-12); /* 2 * 1/20 */
	assert_true(isnan(m.z));
	assert_int_equal(nh_stats_mann_whitney(y, 3, x, 3, &m, &err), 0);
	assert_near(m.u, 9, 0);
	assert_near(m.p, 0.1, 1e-12);
	/* U in the middle of its range: p is capped at 1 */
	const double a[] = {1, 4}, b[] = {2, 3};
	assert_int_equal(nh_stats_mann_whitney(a, 2, b, 2, &m, &err), 0);
	assert_near(m.u, 2, 0);
	assert_near(m.p, 1, 0);
	(void)state;
}

static void mann_whitney_exact_r_example(void **state)
{
	const double x[] = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
	const double y[] = {1.15, 0.88, 0.90, 0.74, 1.21};
	nh_mwu_t m;
	nh_err_t err;
	assert_int_equal(nh_stats_mann_whitney(x, 10, y, 5, &m, &err), 0);
	assert_true(m.exact);
	assert_near(m.u, 35, 0);
	assert_near(m.p, 0.2544122544122544, 1e-12); /* 2 * 382 / 3003 */
	(void)state;
}

static void mann_whitney_ties(void **state)
{
	const double x[] = {1, 2, 2, 3, 4}, y[] = {2, 3, 5, 6, 7, 8};
	nh_mwu_t m;
	nh_err_t err;
	assert_int_equal(nh_stats_mann_whitney(x, 5, y, 6, &m, &err), 0);
	assert_false(m.exact);
	assert_true(m.ties);
	assert_near(m.u, 4.5, 0);
	assert_near(m.z, -1.846849401867487, 1e-9);
	assert_near(m.p, 0.06476896969888765, 1e-9);
	/* R's depression data, unpaired */
	const double d1[] = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
	const double d2[] = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
	assert_int_equal(nh_stats_mann_whitney(d1, 9, d2, 9, &m, &err), 0);
	assert_near(m.u, 58, 0);
	assert_near(m.p, 0.13291945818531886, 1e-9);
	/* all the same: no evidence */
	const double same[] = {7, 7, 7};
	assert_int_equal(nh_stats_mann_whitney(same, 3, same, 3, &m, &err), 0);
	assert_near(m.p, 1, 0);
	(void)state;
}

static void mann_whitney_large(void **state)
{
	double x[60], y[60];
	for (int i = 0; i < 60; i++)
		x[i] = i, y[i] = i + 10.5;
	nh_mwu_t m;
	nh_err_t err;
	assert_int_equal(nh_stats_mann_whitney(x, 60, y, 60, &m, &err), 0);
	assert_false(m.exact); /* beyond NH_MWU_EXACT_MAX: the normal approximation */
	assert_near(m.u, 1225, 0);
	assert_near(m.z, -3.015342996813091, 1e-9);
	assert_near(m.p, 0.0025668879435241797, 1e-9);
	/* and just below it the exact distribution, which the approximation should be close to */
	assert_int_equal(nh_stats_mann_whitney(x, 49, y, 49, &m, &err), 0);
	assert_true(m.exact);
	assert_true(m.p > 0 && m.p < 0.05);
	assert_int_equal(nh_stats_mann_whitney(x, 0, y, 3, &m, &err), -1);
	(void)state;
}

static void mann_whitney_min_p(void **state)
{
	assert_near(nh_stats_mann_whitney_min_p(3, 3), 0.1, 1e-12);
	assert_near(nh_stats_mann_whitney_min_p(3, 4), 2.0 / 35, 1e-12);
	assert_near(nh_stats_mann_whitney_min_p(4, 4), 2.0 / 70, 1e-12);
	assert_near(nh_stats_mann_whitney_min_p(5, 5), 2.0 / 252, 1e-12);
	assert_near(nh_stats_mann_whitney_min_p(1, 1), 1, 0);
	(void)state;
}

static void bootstrap_shift(void **state)
{
	const double base[] = {25000, 25300, 24625, 25475, 24825};
	double cand[5];
	for (int i = 0; i < 5; i++)
		cand[i] = base[i] * 0.8;
	nh_boot_t b, again;
	nh_err_t err;
	assert_int_equal(nh_stats_bootstrap_medians(base, 5, cand, 5, 2000, 0.95, 42, &b, &err), 0);
	assert_near(b.change, -0.2, 1e-12);
	assert_near(b.diff, -5000, 1e-9);
	assert_true(b.change_lo <= -0.2 && b.change_hi >= -0.2);
	assert_true(b.change_hi < 0); /* excludes 0 */
	assert_true(b.diff_hi < 0);
	/* a fixed seed: the same interval every time */
	assert_int_equal(nh_stats_bootstrap_medians(base, 5, cand, 5, 2000, 0.95, 42, &again, &err),
			 0);
	assert_near(again.change_lo, b.change_lo, 0);
	assert_near(again.change_hi, b.change_hi, 0);
	/* the same data on both sides: an interval around 0 */
	assert_int_equal(nh_stats_bootstrap_medians(base, 5, base, 5, 2000, 0.95, 42, &b, &err), 0);
	assert_near(b.change, 0, 0);
	assert_true(b.change_lo < 0 && b.change_hi > 0);
	(void)state;
}

static void bootstrap_zero_baseline(void **state)
{
	const double base[] = {0, 0, 0, 0}, cand[] = {1, 2, 1, 2};
	nh_boot_t b;
	nh_err_t err;
	assert_int_equal(nh_stats_bootstrap_medians(base, 4, cand, 4, 500, 0.95, 1, &b, &err), 0);
	assert_true(isnan(b.change) && isnan(b.change_lo) && isnan(b.change_hi));
	assert_near(b.diff, 1.5, 1e-12);
	assert_true(b.diff_lo >= 1 && b.diff_hi <= 2);
	assert_int_equal(nh_stats_bootstrap_medians(base, 4, cand, 4, 500, 1.5, 1, &b, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nh_stats_bootstrap_medians(base, 0, cand, 4, 500, 0.95, 1, &b, &err), -1);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(summary_known_vector),
		cmocka_unit_test(summary_rejects),
		cmocka_unit_test(quantiles_type7),
		cmocka_unit_test(welch_r_example),
		cmocka_unit_test(welch_two_vectors),
		cmocka_unit_test(welch_degenerate),
		cmocka_unit_test(mann_whitney_exact_small),
		cmocka_unit_test(mann_whitney_exact_r_example),
		cmocka_unit_test(mann_whitney_ties),
		cmocka_unit_test(mann_whitney_large),
		cmocka_unit_test(mann_whitney_min_p),
		cmocka_unit_test(bootstrap_shift),
		cmocka_unit_test(bootstrap_zero_baseline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
