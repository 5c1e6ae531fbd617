/* Unit tests of the forecast module on synthetic series whose truth is known: a noisy ramp (the
 * slope's interval covers the rate; the time to a limit from the first third within 15 %),
 * stair-steps (count, size and period recovered), a sawtooth with and without a remainder
 * (growth and no growth), a flat noisy series, one ending at its limit, one too short; the
 * series CSV reader (empty cells, older columns, a torn last line, bad input); a run's layers
 * against its limits, its JSON section and metrics; the human forms. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "forecast.h"
#include "../e2e/proc.h"
#include "results.h"

#define MiB 1048576.0

static gsl_rng *rng;

static int setup(void **state)
{
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	(void)state;
	return rng ? 0 : -1;
}

static int teardown(void **state)
{
	gsl_rng_free(rng);
	(void)state;
	return 0;
}

/* n samples every dt from t = 0 of base + rate t + N(0, sigma). */
static void ramp(double *t, double *y, unsigned n, double dt, double base, double rate, double sigma)
{
	for (unsigned i = 0; i < n; i++) {
		t[i] = i * dt;
		y[i] = base + rate * t[i] + (sigma > 0 ? gsl_ran_gaussian(rng, sigma) : 0);
	}
}

/* ---- the trend ---- */

static void ramp_interval_covers_the_rate(void **state)
{
	enum { N = 600, SEEDS = 200 };
	static double t[N], y[N];
	const double rate = 1 * MiB; /* per second */
	unsigned covered = 0;
	for (unsigned seed = 1; seed <= SEEDS; seed++) {
		gsl_rng_set(rng, seed);
		ramp(t, y, N, 0.1, 200 * MiB, rate, 2 * MiB);
		nh_trend_t tr;
		assert_int_equal(nh_trend_fit(t, y, N, 0.95, &tr), 0);
		assert_int_equal(tr.n, N);
		assert_true(tr.low <= tr.slope && tr.slope <= tr.high);
		assert_true(fabs(tr.slope - rate) < 0.1 * rate);
		covered += tr.low <= rate && rate <= tr.high;
	}
	/* A 95 % interval: about 190 of 200 (binomial sd 3); far fewer means it is too narrow,
	 * all of them with a wide margin that it is too wide. */
	assert_true(covered >= 180);
	assert_true(covered <= 200);
	(void)state;
}

static void ramp_time_to_limit_from_the_first_third(void **state)
{
	enum { N = 900 };
	static double t[N], y[N];
	const double rate = 0.5 * MiB, base = 100 * MiB, limit = 150 * MiB;
	const double truth = (limit - base) / rate; /* 100 s: the ramp reaches the limit there */
	for (unsigned seed = 1; seed <= 20; seed++) {
		gsl_rng_set(rng, seed);
		ramp(t, y, N, truth / N, base, rate, 1 * MiB);
		nh_limit_t lim = {.name = "memory.max", .node = -1, .bytes = limit};
		nh_fc_layer_t l;
		nh_fc_layer("cgroup", "the cgroup", t, y, N / 3, &lim, 1, NULL, NULL, &l);
		assert_int_equal(l.verdict, NH_FC_GROWTH);
		assert_int_equal(l.pattern, NH_FC_RAMP);
		assert_true(fabs(l.limit_at_s - truth) <= 0.15 * truth);
		assert_true(l.ttl_low <= l.ttl && l.ttl <= l.ttl_high);
		assert_true(l.t_last + l.ttl_low <= truth * 1.15 && l.t_last + l.ttl_high >= truth * 0.85);
		assert_non_null(strstr(l.sentence, "the cgroup reaches memory.max 150 MiB in "));
		assert_non_null(strstr(l.sentence, " MiB/s")); /* about 0.5 */
	}
	(void)state;
}

/* 100,000 rows: thinned to bins, said so, and still right. */
static void long_series_is_thinned(void **state)
{
	enum { N = 100000 };
	double *t = malloc(N * sizeof *t), *y = malloc(N * sizeof *y);
	assert_non_null(t);
	assert_non_null(y);
	gsl_rng_set(rng, 7);
	const double rate = 64 * 1024; /* 64 KiB/s over 10,000 s */
	ramp(t, y, N, 0.1, 1e9, rate, 4 * MiB);
	nh_fc_layer_t l;
	nh_fc_layer("rss", "RSS", t, y, N, NULL, 0, "none", NULL, &l);
	assert_true(l.thinned);
	assert_int_equal(l.points, N);
	assert_true(l.trend.used <= NH_FC_MAX_POINTS && l.trend.used >= NH_FC_MAX_POINTS - 1);
	assert_true(l.trend.low <= rate && rate <= l.trend.high);
	assert_int_equal(l.verdict, NH_FC_GROWTH);
	free(t);
	free(y);
	(void)state;
}

static void flat_noisy_is_no_growth(void **state)
{
	enum { N = 300 };
	static double t[N], y[N];
	unsigned growth = 0, shrinking = 0;
	for (unsigned seed = 1; seed <= 100; seed++) {
		gsl_rng_set(rng, seed);
		ramp(t, y, N, 1, 500 * MiB, 0, 3 * MiB);
		nh_limit_t lim = {.name = "memory.max", .node = -1, .bytes = 1024 * MiB};
		nh_fc_layer_t l;
		nh_fc_layer("cgroup", "the cgroup", t, y, N, &lim, 1, NULL, NULL, &l);
		if (l.verdict == NH_FC_GROWTH) {
			growth++;
			continue;
		}
		assert_int_equal(l.verdict, NH_FC_NO_GROWTH);
		assert_int_equal(l.pattern, NH_FC_FLAT);
		shrinking += l.trend.high < 0; /* no growth either */
		assert_true(l.trend.low <= 0);
		assert_true(isnan(l.ttl));
		assert_true(isinf(l.ttl_high));
		assert_non_null(strstr(l.sentence, "the cgroup: no growth (slope "));
	}
	/* A rising or falling verdict on a flat series is one of the interval's 2.5 % tails. */
	assert_true(growth <= 8);
	assert_true(shrinking <= 8);
	(void)state;
}

/* A constant series: every slope 0, the interval [0, 0], no growth. */
/* Allocated at the start, then held (STREAM's first touch, a cache warmed once): it rose, but
 * it grows no more — no growth, saying since when, with the flat stretch's slope. */
static void growth_that_stopped(void **state)
{
	enum { N = 300 };
	static double t[N], y[N];
	gsl_rng_set(rng, 7);
	ramp(t, y, N, 1, 100 * MiB, 0, 1 * MiB);
	for (unsigned i = 0; i < N; i++)
		y[i] += 4 * MiB * (i < 150 ? i : 150); /* 4 MiB/s for 150 s, then held */
	nh_limit_t lim = {.name = "memory.max", .node = -1, .bytes = 2048 * MiB};
	nh_fc_layer_t l;
	nh_fc_layer("cgroup", "the cgroup", t, y, N, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.verdict, NH_FC_NO_GROWTH);
	assert_true(l.plateau);
	assert_true(l.trend.low <= 0 && l.trend.high >= 0);
	assert_non_null(strstr(l.sentence, "; grew until about t = "));
	/* still rising in its last third: growth, as before */
	for (unsigned i = 0; i < N; i++)
		y[i] = 100 * MiB + 4 * MiB * (i < 250 ? i : 250);
	nh_fc_layer("cgroup", "the cgroup", t, y, N, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.verdict, NH_FC_GROWTH);
	assert_false(l.plateau);
	(void)state;
}

static void constant_is_no_growth(void **state)
{
	double t[20], y[20];
	ramp(t, y, 20, 1, 64 * MiB, 0, 0);
	nh_fc_layer_t l;
	nh_fc_layer("rss", "RSS", t, y, 20, NULL, 0, "none", NULL, &l);
	assert_int_equal(l.verdict, NH_FC_NO_GROWTH);
	assert_true(l.trend.slope == 0 && l.trend.low == 0 && l.trend.high == 0);
	assert_string_equal(l.sentence, "RSS: no growth (slope 0 B/s)");
	(void)state;
}

/* ---- steps and sawtooth ---- */

static void steps_are_recovered(void **state)
{
	enum { N = 300 };
	static double t[N], y[N];
	gsl_rng_set(rng, 3);
	const double step = 16 * MiB, period = 30;
	for (unsigned i = 0; i < N; i++) {
		t[i] = i;					 /* 1 s samples */
		y[i] = 100 * MiB + step * floor((t[i] + 15) / period) /* a step at 15 s, 45 s, ... */
		       + gsl_ran_gaussian(rng, 64 * 1024);
	}
	nh_steps_t s;
	assert_int_equal(nh_steps_detect(t, y, N, MiB, &s), 0);
	assert_int_equal(s.count, 10); /* 15, 45, ..., 285 */
	assert_true(fabs(s.size - step) < 0.02 * step);
	assert_true(fabs(s.period_s - period) < 1e-9);
	nh_limit_t lim = {.name = "node 1 capacity", .node = 1, .capacity = true, .bytes = 400 * MiB};
	nh_fc_layer_t l;
	nh_fc_layer("node1", "node 1", t, y, N, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.pattern, NH_FC_STEPS);
	assert_int_equal(l.verdict, NH_FC_GROWTH);
	assert_true(fabs(l.trend.slope - step / period) < 0.1 * step / period);
	assert_non_null(strstr(l.sentence, "node 1 fills in "));
	assert_non_null(strstr(l.sentence, "; in 10 steps of 16.0 MiB every 30 s"));
	/* A steady ramp, however steep, has no steps. */
	ramp(t, y, N, 1, 0, 8 * MiB, 0);
	assert_int_equal(nh_steps_detect(t, y, N, MiB, &s), 0);
	assert_int_equal(s.count, 0);
	assert_true(isnan(s.size) && isnan(s.period_s));
	(void)state;
}

/* A heap that grows by \p cycle at \p rate, then frees all but \p retain of it, over and over:
 * samples every \p dt. */
static unsigned sawtooth(double *t, double *y, unsigned max, double dt, double cycle, double rate,
			 double retain, unsigned cycles, double sigma)
{
	unsigned n = 0;
	double base = 200 * MiB, now = 0;
	for (unsigned c = 0; c < cycles && n < max; c++) {
		double grown = 0;
		while (grown < cycle && n < max) {
			t[n] = now;
			y[n++] = base + grown + (sigma > 0 ? gsl_ran_gaussian(rng, sigma) : 0);
			grown += rate * dt;
			now += dt;
		}
		base += retain * cycle;
	}
	return n;
}

static void sawtooth_with_and_without_remainder(void **state)
{
	enum { MAX = 4000 };
	static double t[MAX], y[MAX];
	const double cycle = 64 * MiB, rate = 8 * MiB; /* 8 s a cycle */
	gsl_rng_set(rng, 11);
	unsigned n = sawtooth(t, y, MAX, 0.5, cycle, rate, 0.25, 12, 256 * 1024);
	nh_sawtooth_t s;
	assert_int_equal(nh_sawtooth_detect(t, y, n, MiB, &s), 0);
	assert_true(s.detected);
	assert_int_equal(s.drops, 11);
	assert_int_equal(s.troughs, 12);
	assert_true(fabs(s.drop - 0.75 * cycle) < 0.1 * cycle);
	assert_true(fabs(s.period_s - 8) < 0.6);
	nh_sawtooth_free(&s);
	nh_limit_t lim = {.name = "memory.max", .node = -1, .bytes = 1024 * MiB};
	nh_fc_layer_t l;
	nh_fc_layer("cgroup", "the cgroup", t, y, n, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.pattern, NH_FC_SAWTOOTH);
	assert_int_equal(l.verdict, NH_FC_GROWTH);
	/* The troughs rise by 16 MiB every 8 s. */
	assert_true(fabs(l.trend.slope - 2 * MiB) < 0.2 * MiB);
	/* The peaks reach the limit first: a cycle above the troughs. */
	assert_true(l.level > l.trend.intercept + l.trend.slope * l.t_last + 0.5 * cycle);
	assert_non_null(strstr(l.sentence, "a sawtooth freeing "));
	assert_non_null(strstr(l.sentence, "its troughs rising"));

	/* All of each cycle freed: no growth, however big the swings. */
	n = sawtooth(t, y, MAX, 0.5, cycle, rate, 0, 12, 256 * 1024);
	nh_fc_layer("cgroup", "the cgroup", t, y, n, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.pattern, NH_FC_SAWTOOTH);
	assert_int_equal(l.verdict, NH_FC_NO_GROWTH);
	assert_non_null(strstr(l.sentence, "its troughs level"));
	(void)state;
}

/* A few downward outliers are not a sawtooth. */
static void outliers_are_not_a_sawtooth(void **state)
{
	enum { N = 200 };
	static double t[N], y[N];
	gsl_rng_set(rng, 5);
	ramp(t, y, N, 1, 300 * MiB, 0.2 * MiB, 0.1 * MiB);
	y[50] -= 100 * MiB;
	y[120] -= 100 * MiB;
	y[121] -= 100 * MiB;
	nh_sawtooth_t s;
	assert_int_equal(nh_sawtooth_detect(t, y, N, MiB, &s), 0);
	assert_false(s.detected);
	nh_fc_layer_t l;
	nh_fc_layer("rss", "RSS", t, y, N, NULL, 0, "none", NULL, &l);
	assert_int_equal(l.pattern, NH_FC_RAMP);
	assert_true(l.trend.low <= 0.2 * MiB && 0.2 * MiB <= l.trend.high);
	(void)state;
}

/* ---- limits ---- */

static void ending_at_the_limit(void **state)
{
	enum { N = 100 };
	double t[N], y[N];
	const double limit = 256 * MiB;
	gsl_rng_set(rng, 9);
	for (unsigned i = 0; i < N; i++) {
		t[i] = i;
		/* up to the limit, then held just under it by reclaim */
		y[i] = fmin(100 * MiB + 4 * MiB * i, limit - 1 * MiB + gsl_ran_gaussian(rng, 0.2 * MiB));
	}
	nh_limit_t lim = {.name = "memory.max", .node = -1, .bytes = limit};
	nh_fc_layer_t l;
	nh_fc_layer("cgroup", "the cgroup", t, y, N, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.verdict, NH_FC_AT_LIMIT);
	assert_true(l.ttl == 0 && l.ttl_low == 0 && l.ttl_high == 0);
	assert_non_null(strstr(l.sentence, "the cgroup is at its limit already ("));
	assert_non_null(strstr(l.sentence, " of memory.max 256 MiB)"));
	(void)state;
}

static void too_short(void **state)
{
	double t[5], y[5];
	ramp(t, y, 5, 1, 10 * MiB, MiB, 0);
	nh_limit_t lim = {.name = "node 1 capacity", .node = 1, .capacity = true, .bytes = 320 * MiB};
	nh_fc_layer_t l;
	nh_fc_layer("node1", "node 1", t, y, 5, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.verdict, NH_FC_INSUFFICIENT);
	assert_string_equal(l.why, "5 points, at least 8 needed");
	assert_string_equal(l.sentence, "node 1: insufficient data (5 points, at least 8 needed)");
	assert_true(isnan(l.ttl));
	/* Every point at one time: no slope to take. */
	double same[10] = {0}, v[10];
	for (unsigned i = 0; i < 10; i++)
		v[i] = i * MiB;
	nh_fc_layer("node1", "node 1", same, v, 10, &lim, 1, NULL, NULL, &l);
	assert_int_equal(l.verdict, NH_FC_INSUFFICIENT);
	assert_string_equal(l.why, "10 points, but every point at the same time");
	(void)state;
}

/* Empty cells (NAN) are not measured: skipped, never zeros. */
static void empty_cells_are_skipped(void **state)
{
	enum { N = 120 };
	double t[N], y[N];
	ramp(t, y, N, 1, 50 * MiB, MiB, 0);
	for (unsigned i = 0; i < N; i += 3)
		y[i] = NAN;
	nh_fc_layer_t l;
	nh_fc_layer("rss", "RSS", t, y, N, NULL, 0, "none", NULL, &l);
	assert_int_equal(l.points, N - N / 3);
	assert_true(fabs(l.trend.slope - MiB) < 1e-6 * MiB);
	assert_int_equal(l.verdict, NH_FC_GROWTH);
	assert_string_equal(l.sentence, "RSS grows at 1.0 MiB/s (+1.0 to +1.0 MiB/s); no limit to reach: none");
	(void)state;
}

/* ---- human forms ---- */

static void human_forms(void **state)
{
	char b[64];
	assert_string_equal(nh_fc_duration(3 * 3600 + 20 * 60, b, sizeof b), "3 h 20 min");
	assert_string_equal(nh_fc_duration(4 * 3600 + 5 * 60 + 10, b, sizeof b), "4 h 05 min");
	assert_string_equal(nh_fc_duration(45, b, sizeof b), "45 s");
	assert_string_equal(nh_fc_duration(2.25, b, sizeof b), "2.2 s");
	assert_string_equal(nh_fc_duration(59.7, b, sizeof b), "1 min 00 s");
	assert_string_equal(nh_fc_duration(12 * 60 + 5, b, sizeof b), "12 min 05 s");
	assert_string_equal(nh_fc_duration(3 * 86400 + 7200, b, sizeof b), "3 d 02 h");
	assert_string_equal(nh_fc_duration(INFINITY, b, sizeof b), "never");
	assert_string_equal(nh_fc_duration(NAN, b, sizeof b), "unknown");
	assert_string_equal(nh_fc_rate(1.2 * MiB / 60, b, sizeof b), "1.2 MiB/min");
	assert_string_equal(nh_fc_rate(300 * MiB, b, sizeof b), "300 MiB/s");
	assert_string_equal(nh_fc_rate(2.5 * 1024 * MiB, b, sizeof b), "2.5 GiB/s");
	assert_string_equal(nh_fc_rate(10.0, b, sizeof b), "0.82 MiB/day");
	assert_string_equal(nh_fc_rate(1.0, b, sizeof b), "84 KiB/day");
	assert_string_equal(nh_fc_rate_range(-0.1 * MiB / 60, 0.2 * MiB / 60, b, sizeof b),
			    "\xe2\x88\x92" "0.1 to +0.2 MiB/min");
	(void)state;
}

/* ---- the series CSV ---- */

static nh_series_csv_t parse_ok(const char *text)
{
	nh_series_csv_t s;
	nh_err_t err = {""};
	if (nh_series_csv_parse(text, strlen(text), "run-0.csv", &s, &err) < 0)
		fail_msg("%s", err.msg);
	return s;
}

static void parse_fails(const char *text, const char *message)
{
	nh_series_csv_t s;
	nh_err_t err = {""};
	assert_int_equal(nh_series_csv_parse(text, strlen(text), "run-0.csv", &s, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, message);
}

static void csv_reader(void **state)
{
	/* An older series (no cgroup columns), empty cells, a torn last line. */
	nh_series_csv_t s = parse_ok("t_s,rss_bytes,cgroup_anon_bytes,node0_pages\n"
				     "0.001,5652480,,\n"
				     "0.105,23052288,22671360,100\r\n"
				     "\n"
				     "0.208,52682752,52178944,200\n"
				     "0.301,6540");
	assert_int_equal(s.cols, 4);
	assert_int_equal(s.rows, 3);
	assert_true(s.torn);
	assert_int_equal(s.torn_bytes, 10);
	assert_int_equal(nh_series_csv_find(&s, "rss_bytes"), 1);
	assert_int_equal(nh_series_csv_find(&s, "cgroup_bytes"), -1);
	assert_true(isnan(s.col[2][0]) && isnan(s.col[3][0]));
	assert_true(s.col[3][1] == 100 && s.col[1][2] == 52682752);
	nh_series_csv_free(&s);
	/* Header only: a series with no rows yet. */
	s = parse_ok("t_s,rss_bytes\n");
	assert_int_equal(s.rows, 0);
	assert_false(s.torn);
	nh_series_csv_free(&s);

	parse_fails("", "run-0.csv: empty (no header line)");
	parse_fails("t_s,rss_bytes", "run-0.csv: no complete header line");
	parse_fails("time,rss_bytes\n1,2\n", "run-0.csv:1: not a series CSV: no t_s column");
	parse_fails("t_s,,x\n", "run-0.csv:1: column 2 has no name");
	parse_fails("t_s,a,a\n", "run-0.csv:1: column 'a' twice");
	parse_fails("t_s,rss_bytes\n1,2\n2,3,4\n", "run-0.csv:3: 3 cells, the header has 2");
	parse_fails("t_s,rss_bytes\n1,2\n2,lots\n", "run-0.csv:3: column rss_bytes: not a number: 'lots'");
	parse_fails("t_s,rss_bytes\n1,inf\n", "run-0.csv:2: column rss_bytes: not a number: 'inf'");
	parse_fails("t_s,rss_bytes\n,5\n", "run-0.csv:2: t_s is empty");
	(void)state;
}

/* ---- a run ---- */

/* A membind=1 run on two nodes: the cgroup and node 1 grow at 1 MiB/s, node 1 has 200 MiB free
 * at the end, node 0 plenty; RSS is the same memory. */
static char *two_node_series(unsigned rows, bool old)
{
	size_t cap = 256 + rows * 160;
	char *text = malloc(cap);
	size_t used = (size_t)snprintf(text, cap, "%s",
				       old ? "t_s,rss_bytes,node0_pages,node1_pages\n"
					   : "t_s,rss_bytes,cgroup_bytes,cgroup_node0_bytes,"
					     "cgroup_node1_bytes,node0_free_bytes,node1_free_bytes\n");
	for (unsigned i = 0; i < rows; i++) {
		double t = i * 0.5, on1 = 10 * MiB + MiB * t;
		double free1 = 200 * MiB + MiB * (rows - 1) * 0.5 - MiB * t;
		if (old)
			used += (size_t)snprintf(text + used, cap - used, "%.3f,%.0f,%s,%.0f\n", t,
						 on1 + 4 * MiB, i % 2 ? "" : "1024", on1 / 4096);
		else
			used += (size_t)snprintf(text + used, cap - used,
						 "%.3f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f\n", t, on1 + 4 * MiB,
						 on1 + 6 * MiB, 6 * MiB, on1, 8000 * MiB, free1);
	}
	return text;
}

static void run_bound_to_node_1(void **state)
{
	char *text = two_node_series(121, false); /* 60 s */
	nh_series_csv_t csv = parse_ok(text);
	free(text);
	nh_fc_limits_t lim;
	nh_fc_limits_init(&lim);
	nh_set_add(&lim.mem_nodes, 1);
	snprintf(lim.mem_nodes_from, sizeof lim.mem_nodes_from, "policy bind:1");
	nh_forecast_t f;
	nh_err_t err;
	assert_int_equal(nh_forecast_series(&csv, &lim, NAN, NULL, &f, &err), 0);
	assert_int_equal(f.count, 4); /* rss, cgroup, node0, node1 */
	assert_string_equal(f.layers[0].layer, "rss");
	assert_string_equal(f.layers[1].layer, "cgroup");
	assert_string_equal(f.layers[2].layer, "node0");
	assert_string_equal(f.layers[3].layer, "node1");
	assert_int_equal(f.nearest, 3);
	const nh_fc_layer_t *n1 = &f.layers[3];
	assert_int_equal(n1->verdict, NH_FC_GROWTH);
	assert_true(n1->has_limit && n1->limit.capacity && n1->limit.node == 1);
	/* its 70 MiB there + 200 MiB free */
	assert_true(fabs(n1->limit.bytes - 270 * MiB) < 1);
	assert_true(fabs(n1->ttl - 200) < 1e-6);
	assert_string_equal(n1->sentence, "node 1 fills in 3 min 20 s (3 min 20 s \xe2\x80\x93 3 min 20 s) at 1.0 MiB/s");
	/* node 0 is not where memory may go; the cgroup has no limit known. */
	assert_false(f.layers[2].has_limit);
	assert_string_equal(f.layers[2].no_limit, "memory is confined to node 1 (policy bind:1)");
	assert_int_equal(f.layers[2].verdict, NH_FC_NO_GROWTH);
	assert_false(f.layers[1].has_limit);
	assert_string_equal(f.layers[1].no_limit, "no cgroup limit known");

	/* The JSON section and the metrics of the nearest limit. */
	json_t *j = nh_forecast_json(&f, "series/run-0.csv");
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "nearest")), "node1");
	json_t *jl = json_array_get(json_object_get(j, "layers"), 3);
	assert_string_equal(json_string_value(json_object_get(jl, "verdict")), "growth");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(jl, "limit"), "node")), 1);
	assert_true(fabs(json_number_value(json_object_get(jl, "time_to_limit_s")) - 200) < 1e-6);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(jl, "steps"), "count")), 0);
	assert_true(json_is_null(json_object_get(json_object_get(jl, "steps"), "size")));
	json_t *j0 = json_array_get(json_object_get(j, "layers"), 2);
	assert_true(json_is_null(json_object_get(j0, "time_to_limit_s")));
	assert_true(json_is_null(json_object_get(j0, "limit")));
	json_decref(j);
	nh_metric_t m[3];
	assert_int_equal(nh_forecast_metrics(&f, m, 3), 3);
	assert_string_equal(m[0].name, "time_to_limit_s");
	assert_string_equal(m[0].unit, "s");
	assert_true(fabs(m[0].value - 200) < 1e-6);
	assert_string_equal(m[2].name, "time_to_limit_high_s");
	nh_forecast_free(&f);

	/* What was known at t = 20 s: the same rate, 40 s more to go. */
	lim.extra = 100 * MiB; /* --limit: the cgroup layer's */
	assert_int_equal(nh_forecast_series(&csv, &lim, 20, NULL, &f, &err), 0);
	assert_int_equal(f.rows, 41);
	assert_true(fabs(f.layers[3].ttl - 240) < 1e-6);
	assert_true(f.layers[1].has_limit);
	assert_string_equal(f.layers[1].limit.name, "the given limit");
	/* the cgroup (36 MiB at 20 s, 1 MiB/s) reaches 100 MiB in 64 s: before node 1 fills */
	assert_true(fabs(f.layers[1].ttl - 64) < 1e-6);
	assert_int_equal(f.nearest, 1);
	nh_forecast_free(&f);

	/* Not confined: the nodes together against both capacities. */
	nh_fc_limits_init(&lim);
	assert_int_equal(nh_forecast_series(&csv, &lim, NAN, NULL, &f, &err), 0);
	assert_int_equal(f.count, 5);
	assert_string_equal(f.layers[4].layer, "nodes0-1");
	assert_string_equal(f.layers[4].label, "nodes 0-1");
	assert_true(fabs(f.layers[4].limit.bytes - (76 * MiB + 8200 * MiB)) < 1);
	assert_string_equal(f.layers[3].no_limit, "memory may use every node, nodes 0-1 together: see nodes 0-1");
	nh_forecast_free(&f);
	nh_series_csv_free(&csv);
	(void)state;
}

/* An older series: node<N>_pages, no cgroup or free columns; the run's limit goes to RSS. */
static void run_from_an_older_series(void **state)
{
	char *text = two_node_series(121, true);
	nh_series_csv_t csv = parse_ok(text);
	free(text);
	nh_fc_limits_t lim;
	nh_fc_limits_init(&lim);
	lim.extra = 200 * MiB;
	nh_set_add(&lim.mem_nodes, 1);
	nh_forecast_t f;
	assert_int_equal(nh_forecast_series(&csv, &lim, NAN, NULL, &f, NULL), 0);
	assert_int_equal(f.count, 3); /* rss, node0, node1 */
	assert_true(f.layers[0].has_limit);
	assert_true(fabs(f.layers[0].ttl - (200 - 74)) < 1e-6);
	assert_non_null(strstr(f.note, "RSS held to the cgroup's limit"));
	assert_int_equal(f.layers[1].points, 61); /* every other cell empty */
	assert_false(f.layers[2].has_limit);
	assert_string_equal(f.layers[2].no_limit, "the series has no node1_free_bytes (an older series): node 1's capacity is unknown");
	assert_true(fabs(f.layers[2].trend.slope - MiB) < 1);
	assert_int_equal(f.nearest, 0);
	double y[121];
	assert_true(nh_forecast_layer_values(&csv, "node1", 4096, y));
	assert_true(fabs(y[120] - 70 * MiB) < 1);
	assert_false(nh_forecast_layer_values(&csv, "cgroup", 4096, y));
	assert_false(nh_forecast_layer_values(&csv, "node7", 4096, y));
	assert_false(nh_forecast_layer_values(&csv, "node01", 4096, y));
	nh_forecast_free(&f);
	nh_series_csv_free(&csv);
	(void)state;
}

/* The section as records carry it, read back through record_view: a round trip. */
static void record_section_round_trip(void **state)
{
	char *text = two_node_series(121, false);
	nh_series_csv_t csv = parse_ok(text);
	free(text);
	nh_fc_limits_t lim;
	nh_fc_limits_init(&lim);
	nh_set_add(&lim.mem_nodes, 1);
	nh_forecast_t f;
	assert_int_equal(nh_forecast_series(&csv, &lim, NAN, NULL, &f, NULL), 0);
	json_t *rec = json_pack("{s:i, s:s, s:s, s:{}, s:{s:s}, s:o}", "run", 0, "workload", "grow",
				"outcome", "ok", "params", "policy", "requested", "membind=1", "forecast",
				nh_forecast_json(&f, "series/run-0.csv"));
	char *line = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	char *dir = nh_tmpdir(), path[600];
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
#define REC(n, more) "{\"run\":" #n ",\"workload\":\"grow\",\"outcome\":\"ok\",\"params\":{}," \
		     "\"policy\":{\"requested\":\"default\"}" more "}\n"
	fprintf(out, "%s\n" REC(1, "") REC(2, ",\"forecast\":{\"unavailable\":\"no series\"}"), line);
	fclose(out);
	free(line);
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	if (!r)
		fail_msg("%s", err.msg);
	const nh_rv_t *rv = nh_results_record(r, 0);
	nh_rv_forecast_t v = nh_rv_forecast(rv);
	assert_true(v.present);
	assert_false(v.unavailable.present);
	assert_string_equal(v.series.s, "series/run-0.csv");
	assert_string_equal(v.nearest.s, "node1");
	assert_int_equal(v.layer_count, 4);
	nh_rv_forecast_layer_t l = nh_rv_forecast_layer(rv, 3);
	assert_string_equal(l.layer.s, "node1");
	assert_string_equal(l.verdict.s, "growth");
	assert_string_equal(l.sentence.s, f.layers[3].sentence);
	assert_true(l.slope.present && fabs(l.slope.v - MiB) < 1);
	assert_int_equal((long)l.limit_node.v, 1);
	assert_true(fabs(l.limit_bytes.v - 270 * MiB) < 1);
	assert_true(fabs(l.time_to_limit_s.v - 200) < 1e-6);
	assert_int_equal((long)l.steps_count.v, 0);
	assert_false(l.steps_size.present);
	assert_string_equal(l.steps_size.why, "forecast.layers[].steps.size: null (not measured)");
	assert_true(l.high_never.present && !l.high_never.v);
	nh_rv_forecast_layer_t n0 = nh_rv_forecast_layer(rv, 2);
	assert_false(n0.limit_bytes.present);
	assert_string_equal(n0.no_limit.s, "memory is confined to node 1 ()");
	assert_false(n0.time_to_limit_s.present);
	/* past the end: absent with why */
	assert_false(nh_rv_forecast_layer(rv, 9).verdict.present);
	nh_rv_forecast_t none = nh_rv_forecast(nh_results_record(r, 1));
	assert_false(none.present);
	assert_string_equal(none.why, "forecast: not recorded");
	nh_rv_forecast_t un = nh_rv_forecast(nh_results_record(r, 2));
	assert_true(un.present && un.unavailable.present);
	assert_string_equal(un.unavailable.s, "no series");
	nh_results_free(r);
	nh_rm_rf(dir);
	free(dir);
	nh_forecast_free(&f);
	nh_series_csv_free(&csv);
	(void)state;
}

/* Where a run's memory may go: bind confines, within the cpuset; preferred spills. */
static void confinement(void **state)
{
	nh_fc_limits_t l;
	char nodes[32];
	nh_fc_limits_init(&l);
	nh_fc_limits_confine(&l, "bind", "1", "0-1");
	assert_string_equal(nh_set_format(&l.mem_nodes, nodes, sizeof nodes), "1");
	assert_string_equal(l.mem_nodes_from, "policy bind:1, cpuset mems 0-1");
	nh_fc_limits_confine(&l, "bind", "0-1", "1");
	assert_string_equal(nh_set_format(&l.mem_nodes, nodes, sizeof nodes), "1");
	nh_fc_limits_confine(&l, "preferred", "1", NULL);
	assert_true(nh_set_empty(&l.mem_nodes));
	assert_string_equal(l.mem_nodes_from, "");
	nh_fc_limits_confine(&l, "interleave", "0-1", "1");
	assert_string_equal(nh_set_format(&l.mem_nodes, nodes, sizeof nodes), "1");
	assert_string_equal(l.mem_nodes_from, "cpuset mems 1");
	nh_fc_limits_confine(&l, "default", "", "");
	assert_true(nh_set_empty(&l.mem_nodes));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ramp_interval_covers_the_rate),
		cmocka_unit_test(ramp_time_to_limit_from_the_first_third),
		cmocka_unit_test(long_series_is_thinned),
		cmocka_unit_test(flat_noisy_is_no_growth),
		cmocka_unit_test(growth_that_stopped),
		cmocka_unit_test(constant_is_no_growth),
		cmocka_unit_test(steps_are_recovered),
		cmocka_unit_test(sawtooth_with_and_without_remainder),
		cmocka_unit_test(outliers_are_not_a_sawtooth),
		cmocka_unit_test(ending_at_the_limit),
		cmocka_unit_test(too_short),
		cmocka_unit_test(empty_cells_are_skipped),
		cmocka_unit_test(human_forms),
		cmocka_unit_test(csv_reader),
		cmocka_unit_test(run_bound_to_node_1),
		cmocka_unit_test(run_from_an_older_series),
		cmocka_unit_test(record_section_round_trip),
		cmocka_unit_test(confinement),
	};
	return cmocka_run_group_tests_name("forecast", tests, setup, teardown);
}
