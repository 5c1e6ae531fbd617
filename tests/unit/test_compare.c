/* Unit tests of results and compare: the fixtures under tests/data/compare/ (a planted 20 %
 * regression, a planted no-change, lower-is-better metrics, too few runs, unmatched
 * configurations), generated directories for the edges of the significance rule, and the
 * compare command's exit statuses when the binary is next to the tests. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "compare.h"
#include "results.h"

#define DATA NH_TEST_DATA "/compare"
#define assert_near(a, b, tol) assert_true(fabs((double)(a) - (double)(b)) <= (tol))

static const char STREAM_2T[] =
	"stream|size=256M ntimes=10 threads=2 nt=0 kernel=auto counters=default "
	"interval=100ms thp=inherit prefault=0 mlock=0|membind=0|glibc";

/* ---- results ---- */

static void results_fixture(void **state)
{
	nh_err_t err;
	nh_results_t *r = nh_results_load(DATA "/baseline/", &err);
	assert_non_null(r);
	assert_string_equal(nh_results_dir(r), DATA "/baseline"); /* trailing slash dropped */
	assert_non_null(nh_results_manifest(r));
	assert_int_equal(nh_results_count(r), 26); /* one warm-up + 5 configurations x 5 */
	assert_true(nh_flag_true(nh_rv_warmup(nh_results_record(r, 0))));
	assert_int_equal(nh_results_config_count(r), 5);
	const nh_results_config_t *c = nh_results_config(r, 0);
	assert_string_equal(c->key, STREAM_2T);
	assert_string_equal(c->workload, "stream");
	assert_string_equal(c->policy, "membind=0");
	assert_string_equal(c->allocator, "glibc");
	assert_int_equal(c->run_count, 5); /* the warm-up is not counted */
	assert_int_equal(c->ok_count, 5);
	assert_ptr_equal(nh_results_find(r, STREAM_2T), c);
	assert_null(nh_results_find(r, "stream|nothing|default|glibc"));
	/* the allocator keys apart configurations that are otherwise the same */
	const nh_results_config_t *je = nh_results_config(r, 4);
	assert_string_equal(je->allocator, "jemalloc");
	assert_string_equal(je->params, c->params);
	assert_string_not_equal(je->key, c->key);

	double v[16];
	const char *unit;
	int better;
	assert_int_equal(nh_results_values(r, c, "triad", v, 16, &unit, &better), 5);
	assert_near(v[0], 25000, 1e-9); /* not the warm-up's 1000 */
	assert_string_equal(unit, "MB/s");
	assert_int_equal(better, 1);
	assert_int_equal(nh_results_values(r, c, "first_touch_s", v, 16, &unit, &better), 5);
	assert_int_equal(better, -1);
	assert_int_equal(nh_results_values(r, c, "nosuch", v, 16, &unit, &better), 0);
	assert_null(unit);
	const char *names[16];
	unsigned n = nh_results_metric_names(r, c, names, 16);
	assert_int_equal(n, 7);
	assert_string_equal(names[0], "first_touch_s");
	assert_string_equal(names[5], "triad");
	nh_results_free(r);

	/* a failed run is counted but has no values */
	r = nh_results_load(DATA "/candidate", &err);
	assert_non_null(r);
	c = nh_results_config(r, 3);
	assert_int_equal(c->run_count, 3);
	assert_int_equal(c->ok_count, 2);
	assert_int_equal(nh_results_values(r, c, "triad", v, 16, NULL, NULL), 2);
	nh_results_free(r);
	(void)state;
}

static void results_errors(void **state)
{
	nh_err_t err;
	assert_null(nh_results_load(DATA "/nope", &err));
	assert_string_equal(err.msg, DATA "/nope: no such directory");
	assert_null(nh_results_load(DATA "/not-results", &err));
	assert_string_equal(err.msg, DATA "/not-results: not a results directory (no runs.jsonl)");
	assert_null(nh_results_load(DATA "/bad-json", &err));
	assert_non_null(strstr(err.msg, DATA "/bad-json/runs.jsonl:2: not JSON: "));
	assert_null(nh_results_load(DATA "/no-workload", &err));
	assert_string_equal(err.msg, DATA "/no-workload/runs.jsonl:2: record has no 'workload'");
	assert_null(nh_results_load(DATA "/baseline/runs.jsonl", &err));
	assert_string_equal(err.msg, DATA "/baseline/runs.jsonl: not a directory");
	(void)state;
}

/* ---- generated directories ---- */

static char *tmpdir(void);
static void rm_rf(const char *path);

/* A copy of the baseline fixture whose runs.jsonl ends in \p tail (appended as is). */
static char *baseline_with_tail(const char *tail, size_t tail_len)
{
	char *dir = tmpdir(), cmd[PATH_MAX * 2], path[PATH_MAX];
	snprintf(cmd, sizeof cmd, "cp '%s'/manifest.json '%s'/runs.jsonl '%s'/", DATA "/baseline", DATA "/baseline",
		 dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	assert_int_equal(fwrite(tail, 1, tail_len, f), tail_len);
	fclose(f);
	return dir;
}

/* A run killed mid-append, a full disk or a power loss leaves the last line torn (or NUL
 * padding after it): every complete record is still read, with one warning naming the line and
 * the bytes ignored. A bad line with records after it stays an error. */
static void results_torn_last_record(void **state)
{
	static const char torn[] = "{\"run\":26,\"config\":0,\"rep\":5,\"warmup\":false,\"workload\":\"str";
	static const char padded[] = "{\"run\":26,\"config\":0,\"re\0\0\0\0\0\0\0\0";
	static const char middle[] = "{\"run\":26,\"config\n{\"run\":27}\n";
	nh_err_t err;
	char *dir = baseline_with_tail(torn, sizeof torn - 1);
	nh_results_t *r = nh_results_load(dir, &err);
	assert_non_null(r);
	assert_int_equal(nh_results_count(r), 26);
	assert_int_equal(nh_results_config(r, 0)->run_count, 5);
	char want[PATH_MAX + 200];
	snprintf(want, sizeof want,
		 "%s/runs.jsonl:27: torn last record (%zu bytes) ignored; the 26 complete records before it are read",
		 dir, sizeof torn - 1);
	assert_string_equal(nh_results_warning(r), want);
	nh_results_free(r);
	rm_rf(dir);
	free(dir);

	dir = baseline_with_tail(padded, sizeof padded - 1);
	r = nh_results_load(dir, &err);
	assert_non_null(r);
	assert_int_equal(nh_results_count(r), 26);
	assert_non_null(strstr(nh_results_warning(r), "runs.jsonl:27: torn last record (32 bytes) ignored"));
	nh_results_free(r);
	rm_rf(dir);
	free(dir);

	dir = baseline_with_tail(middle, sizeof middle - 1);
	assert_null(nh_results_load(dir, &err));
	snprintf(want, sizeof want, "%s/runs.jsonl:27: not JSON: ", dir);
	assert_non_null(strstr(err.msg, want));
	rm_rf(dir);
	free(dir);

	/* A complete directory has no warning. */
	r = nh_results_load(DATA "/baseline", &err);
	assert_non_null(r);
	assert_null(nh_results_warning(r));
	nh_results_free(r);
	(void)state;
}

static char *tmpdir(void)
{
	char *path = strdup("/tmp/nh-compare-XXXXXX");
	assert_non_null(path);
	assert_non_null(mkdtemp(path));
	return path;
}

static void rm_rf(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* A results directory (no manifest) with one configuration, churn threads=\p threads, whose
 * runs have \p metric = v[i]. */
static char *write_dir_threads(const char *threads, const char *metric, const char *better,
			       const double *v, unsigned n)
{
	char *dir = tmpdir(), path[PATH_MAX];
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f,
			"{\"run\":%u,\"config\":0,\"rep\":%u,\"warmup\":false,\"workload\":"
			"\"churn\","
			"\"params\":{\"threads\":\"%s\",\"allocator\":\"glibc\"},\"outcome\":"
			"\"ok\",\"reason\":\"\","
			"\"policy\":{\"requested\":\"default\"},"
			"\"metrics\":{\"%s\":{\"value\":%.17g,\"unit\":\"x\",\"better\":\"%s\"}}}"
			"\n\n",
			i, i, threads, metric, v[i], better);
	fclose(f);
	return dir;
}

static char *write_dir(const char *metric, const char *better, const double *v, unsigned n)
{
	return write_dir_threads("2", metric, better, v, n);
}

static nh_compare_t *compare_dirs(const char *base, const char *cand, const nh_compare_opts_t *o)
{
	nh_err_t err;
	nh_results_t *b = nh_results_load(base, &err), *c = nh_results_load(cand, &err);
	assert_non_null(b);
	assert_non_null(c);
	assert_null(nh_results_manifest(b));
	nh_compare_t *cmp;
	assert_int_equal(nh_compare_run(b, c, o, &cmp, &err), 0);
	nh_results_free(b);
	nh_results_free(c); /* the comparison keeps copies of what it needs */
	return cmp;
}

static const nh_compare_row_t *only_row(const nh_compare_t *c)
{
	assert_int_equal(nh_compare_row_count(c), 1);
	return nh_compare_row(c, 0);
}

/* ---- compare on the fixtures ---- */

static const nh_compare_row_t *find_row(const nh_compare_t *c, const char *label,
					const char *metric)
{
	for (unsigned i = 0; i < nh_compare_row_count(c); i++) {
		const nh_compare_row_t *r = nh_compare_row(c, i);
		if (strcmp(r->label, label) == 0 && strcmp(r->metric, metric) == 0)
			return r;
	}
	fail_msg("no row %s / %s", label, metric);
	return NULL;
}

static nh_compare_t *fixture_compare(const char *cand, const nh_compare_opts_t *o,
				     nh_results_t **bp, nh_results_t **cp)
{
	nh_err_t err;
	*bp = nh_results_load(DATA "/baseline", &err);
	*cp = nh_results_load(cand, &err);
	assert_non_null(*bp);
	assert_non_null(*cp);
	nh_compare_t *c;
	assert_int_equal(nh_compare_run(*bp, *cp, o, &c, &err), 0);
	return c;
}

static void compare_planted(void **state)
{
	nh_results_t *b, *k;
	nh_compare_t *c = fixture_compare(DATA "/candidate", NULL, &b, &k);

	const nh_compare_row_t *r = find_row(c, "stream membind=0 glibc threads=2", "triad");
	assert_int_equal(r->verdict, NH_COMPARE_REGRESSION);
	assert_string_equal(r->key, STREAM_2T);
	assert_string_equal(r->unit, "MB/s");
	assert_int_equal(r->better, 1);
	assert_near(r->change, -0.2, 0.01);
	assert_true(r->ci_lo <= r->change && r->change <= r->ci_hi && r->ci_hi < 0);
	assert_near(r->p_mw, 2.0 / 252, 1e-12); /* complete separation of 5 and 5 */
	assert_true(r->p_welch < 0.001);
	assert_int_equal(r->base.n, 5);
	assert_near(r->base.median, 25000, 1e-6);
	assert_near(r->base.min, 24625, 1e-6);
	assert_near(r->base.max, 25475, 1e-6);
	assert_near(r->cand.median, 20060, 1e-6);
	/* the unchanged metrics of the same configuration */
	assert_int_equal(find_row(c, "stream membind=0 glibc threads=2", "copy")->verdict,
			 NH_COMPARE_SAME);
	assert_int_equal(
		find_row(c, "stream membind=0 glibc threads=2", "validation_error")->verdict,
		NH_COMPARE_SAME);
	/* the planted no-change, same spread */
	r = find_row(c, "stream interleave=all glibc threads=2", "triad");
	assert_int_equal(r->verdict, NH_COMPARE_SAME);
	assert_true(r->ci_lo < 0 && r->ci_hi > 0);
	assert_true(r->p_mw > 0.5);
	/* lower is better: +20 % ns is a regression, -25 % an improvement */
	r = find_row(c, "chase cpunodebind=0 membind=0", "ns_per_load");
	assert_int_equal(r->verdict, NH_COMPARE_REGRESSION);
	assert_int_equal(r->better, -1);
	assert_near(r->change, 0.2, 0.01);
	r = find_row(c, "chase cpunodebind=0 membind=0", "p99_ns");
	assert_int_equal(r->verdict, NH_COMPARE_IMPROVEMENT);
	assert_near(r->change, -0.25, 0.01);
	/* no better-direction: not compared unless asked for */
	for (unsigned i = 0; i < nh_compare_row_count(c); i++)
		assert_string_not_equal(nh_compare_row(c, i)->metric, "timer_ns");
	/* two ok runs and a failed one */
	r = find_row(c, "stream membind=0 glibc threads=1", "triad");
	assert_int_equal(r->verdict, NH_COMPARE_INSUFFICIENT);
	assert_int_equal(r->cand.n, 2);
	assert_true(isnan(r->p_mw));
	assert_string_equal(nh_compare_verdict_name(r->verdict), "insufficient");

	assert_int_equal(nh_compare_count(c, NH_COMPARE_REGRESSION), 2);
	assert_int_equal(nh_compare_count(c, NH_COMPARE_IMPROVEMENT), 1);
	assert_int_equal(nh_compare_count(c, NH_COMPARE_INSUFFICIENT), 7);
	assert_int_equal(nh_compare_regressions_beyond(c, 10), 2);
	assert_int_equal(nh_compare_regressions_beyond(c, 20), 1); /* -19.8 % stays under 20 */
	assert_int_equal(nh_compare_regressions_beyond(c, 25), 0);

	assert_int_equal(nh_compare_unmatched_count(c, true), 1);
	assert_string_equal(nh_compare_unmatched(c, true, 0)->label,
			    "stream membind=0 jemalloc threads=2");
	assert_int_equal(nh_compare_unmatched(c, true, 0)->ok_count, 5);
	assert_int_equal(nh_compare_unmatched_count(c, false), 1);
	assert_string_equal(nh_compare_unmatched(c, false, 0)->label,
			    "stream default glibc threads=1");
	assert_null(nh_compare_unmatched(c, false, 1));
	assert_int_equal(nh_compare_note_count(c), 1);
	assert_string_equal(
		nh_compare_note(c, 0),
		"kernel differs: 6.1.0-26-amd64 (baseline) vs 6.1.0-27-amd64 (candidate)");
	nh_compare_free(c);
	nh_results_free(b);
	nh_results_free(k);
	(void)state;
}

static void compare_outputs(void **state)
{
	nh_results_t *b, *k;
	nh_compare_t *c = fixture_compare(DATA "/candidate", NULL, &b, &k);
	char *table = nh_compare_table(c);
	assert_non_null(table);
	assert_non_null(strstr(table, "-19.8%"));
	assert_non_null(strstr(table, "regression"));
	assert_non_null(
		strstr(table, "only in the baseline: stream membind=0 jemalloc threads=2\n"));
	assert_non_null(strstr(table, "only in the candidate: stream default glibc threads=1\n"));
	assert_non_null(strstr(table, "2 regressions, 1 improvement, 13 same, 7 insufficient"));
	free(table);

	char *md = nh_compare_markdown(c);
	assert_non_null(md);
	assert_true(strncmp(md, "## Comparison with the baseline\n", 32) == 0);
	assert_non_null(strstr(
		md,
		"| stream membind=0 glibc threads=2 | triad (MB/s) | 25000 | 20060 | -19.8% |"));
	assert_non_null(strstr(md, "| **regression** |"));
	assert_non_null(strstr(md, "Only in the candidate: `stream default glibc threads=1`."));
	free(md);

	json_t *j = nh_compare_json(c);
	assert_non_null(j);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(j, "summary"), "regression")),
		2);
	json_t *rows = json_object_get(j, "rows");
	assert_int_equal(json_array_size(rows), nh_compare_row_count(c));
	json_t *row = NULL;
	size_t i;
	json_array_foreach(rows, i, row)
	{
		if (strcmp(json_string_value(json_object_get(row, "metric")), "triad") == 0)
			break;
	}
	assert_string_equal(json_string_value(json_object_get(row, "verdict")), "regression");
	assert_string_equal(json_string_value(json_object_get(row, "better")), "higher");
	assert_near(json_real_value(json_object_get(row, "change_pct")), -19.76, 0.01);
	assert_int_equal(json_array_size(json_object_get(row, "interval_pct")), 2);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(row, "candidate"), "n")), 5);
	assert_int_equal(json_array_size(json_object_get(j, "only_in_baseline")), 1);
	/* a row without a p-value writes null, never a number it does not have */
	json_array_foreach(rows, i, row)
	{
		if (strcmp(json_string_value(json_object_get(row, "verdict")), "insufficient") == 0)
			break;
	}
	assert_true(json_is_null(json_object_get(row, "p_mann_whitney")));
	char *text = json_dumps(j, 0);
	assert_non_null(text);
	free(text);
	json_decref(j);
	nh_compare_free(c);
	nh_results_free(b);
	nh_results_free(k);
	(void)state;
}

static void compare_same_vs_same(void **state)
{
	nh_err_t err;
	nh_results_t *a = nh_results_load(DATA "/candidate", &err),
		     *b = nh_results_load(DATA "/candidate-again", &err);
	assert_non_null(a);
	assert_non_null(b);
	nh_compare_t *c;
	assert_int_equal(nh_compare_run(a, b, NULL, &c, &err), 0);
	assert_int_equal(nh_compare_count(c, NH_COMPARE_REGRESSION), 0);
	assert_int_equal(nh_compare_count(c, NH_COMPARE_IMPROVEMENT), 0);
	assert_int_equal(nh_compare_count(c, NH_COMPARE_SAME) +
				 nh_compare_count(c, NH_COMPARE_INSUFFICIENT),
			 nh_compare_row_count(c));
	assert_int_equal(nh_compare_unmatched_count(c, true) + nh_compare_unmatched_count(c, false),
			 0);
	assert_int_equal(nh_compare_note_count(c), 0);
	nh_compare_free(c);
	nh_results_free(a);
	nh_results_free(b);
	(void)state;
}

static void compare_named_metrics(void **state)
{
	const char *const want[] = {"timer_ns", "triad"};
	nh_compare_opts_t o = {.metrics = want, .metric_count = 2};
	nh_results_t *b, *k;
	nh_compare_t *c = fixture_compare(DATA "/candidate", &o, &b, &k);
	assert_int_equal(nh_compare_row_count(c), 4); /* triad x 3 stream configs + timer_ns */
	const nh_compare_row_t *r = find_row(c, "chase cpunodebind=0 membind=0", "timer_ns");
	assert_int_equal(r->better, 0);
	assert_int_equal(r->verdict, NH_COMPARE_SAME);
	nh_compare_free(c);

	const char *const typo[] = {"triadd"};
	nh_compare_opts_t bad = {.metrics = typo, .metric_count = 1};
	nh_err_t err;
	assert_int_equal(nh_compare_run(b, k, &bad, &c, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "metric 'triadd' is in neither results directory");
	nh_compare_opts_t alpha = {.alpha = 0.7};
	assert_int_equal(nh_compare_run(b, k, &alpha, &c, &err), -1);
	nh_results_free(b);
	nh_results_free(k);
	(void)state;
}

/* ---- the edges of the rule ---- */

static void rule_noise(void **state)
{
	/* 49 runs a side spread evenly over +-10 %, the candidate 4.5 % higher: rank test and
	 * interval both say "different", but 4.5 % is inside the runs' own half-IQR (5 / 104.5 on
	 * the steadier, candidate side). */
	double base[49], cand[49];
	for (int i = 0; i < 49; i++) {
		base[i] = 90 + 20.0 * i / 48;
		cand[i] = base[i] + 4.5;
	}
	char *bd = write_dir("ops_per_s", "higher", base, 49),
	     *cd = write_dir("ops_per_s", "higher", cand, 49);
	nh_compare_t *c = compare_dirs(bd, cd, NULL);
	const nh_compare_row_t *r = only_row(c);
	assert_true(r->p_mw < 0.05);
	assert_true(r->ci_lo > 0);
	assert_near(r->noise, 5 / 104.5, 1e-9);
	assert_near(r->change, 0.045, 1e-9);
	assert_int_equal(r->verdict, NH_COMPARE_SAME);
	assert_non_null(strstr(r->reason, "within the noise"));
	nh_compare_free(c);
	/* the same shift with a tenth of the spread is an improvement */
	for (int i = 0; i < 49; i++) {
		base[i] = 99 + 2.0 * i / 48;
		cand[i] = base[i] + 4;
	}
	rm_rf(bd);
	rm_rf(cd);
	free(bd);
	free(cd);
	bd = write_dir("ops_per_s", "higher", base, 49);
	cd = write_dir("ops_per_s", "higher", cand, 49);
	c = compare_dirs(bd, cd, NULL);
	assert_int_equal(only_row(c)->verdict, NH_COMPARE_IMPROVEMENT);
	nh_compare_free(c);
	rm_rf(bd);
	rm_rf(cd);
	free(bd);
	free(cd);
	(void)state;
}

static void rule_noisy_degradation(void **state)
{
	/* Measured on a 2-CPU VM: STREAM triad (MB/s), then again with two busy loops competing.
	 * Every degraded run is below every normal one, but the hogs come and go, so the degraded
	 * side's half-IQR is 68 % of its median: the change is judged against the steadier side. */
	const double base[] = {53826, 52071, 52727, 52575, 52731},
		     cand[] = {16656, 51995, 16116, 39006, 16188};
	char *bd = write_dir("triad", "higher", base, 5),
	     *cd = write_dir("triad", "higher", cand, 5);
	nh_compare_t *c = compare_dirs(bd, cd, NULL);
	const nh_compare_row_t *r = only_row(c);
	assert_int_equal(r->verdict, NH_COMPARE_REGRESSION);
	assert_near(r->change, 16656.0 / 52727 - 1, 1e-12);
	assert_near(r->noise, (52731 - 52575) / 2.0 / 52727, 1e-12);
	nh_compare_free(c);
	/* and the other way round: an improvement, symmetrically */
	c = compare_dirs(cd, bd, NULL);
	assert_int_equal(only_row(c)->verdict, NH_COMPARE_IMPROVEMENT);
	nh_compare_free(c);
	rm_rf(bd);
	rm_rf(cd);
	free(bd);
	free(cd);
	(void)state;
}

static void rule_small_samples(void **state)
{
	const double base[] = {100, 101, 102, 103}, cand[] = {50, 51, 52, 53};
	/* 3 against 3 cannot reach p < 0.05 however far apart */
	char *bd = write_dir("ops_per_s", "higher", base, 3),
	     *cd = write_dir("ops_per_s", "higher", cand, 3);
	nh_compare_t *c = compare_dirs(bd, cd, NULL);
	const nh_compare_row_t *r = only_row(c);
	assert_int_equal(r->verdict, NH_COMPARE_INSUFFICIENT);
	assert_near(r->p_mw, 0.1, 1e-12);
	assert_non_null(strstr(r->reason, "cannot reach"));
	nh_compare_free(c);
	/* at alpha 0.2 it can, and the halving is a regression */
	nh_compare_opts_t o = {.alpha = 0.2};
	c = compare_dirs(bd, cd, &o);
	assert_int_equal(only_row(c)->verdict, NH_COMPARE_REGRESSION);
	nh_compare_free(c);
	rm_rf(cd);
	free(cd);
	/* 4 against 2: too few runs */
	cd = write_dir("ops_per_s", "higher", cand, 2);
	rm_rf(bd);
	free(bd);
	bd = write_dir("ops_per_s", "higher", base, 4);
	c = compare_dirs(bd, cd, NULL);
	r = only_row(c);
	assert_int_equal(r->verdict, NH_COMPARE_INSUFFICIENT);
	assert_near(r->change, 50.5 / 101.5 - 1, 1e-12); /* medians are still shown */
	assert_int_equal(nh_compare_regressions_beyond(c, 0), 0);
	nh_compare_free(c);
	rm_rf(bd);
	rm_rf(cd);
	free(bd);
	free(cd);
	(void)state;
}

static void rule_zero_baseline(void **state)
{
	/* rss_steps 0 every time, then 3..7: a regression with no finite relative change */
	const double base[] = {0, 0, 0, 0, 0}, cand[] = {3, 4, 5, 6, 7};
	char *bd = write_dir("rss_steps", "lower", base, 5),
	     *cd = write_dir("rss_steps", "lower", cand, 5);
	nh_compare_t *c = compare_dirs(bd, cd, NULL);
	const nh_compare_row_t *r = only_row(c);
	assert_int_equal(r->verdict, NH_COMPARE_REGRESSION);
	assert_true(isnan(r->change) && isnan(r->ci_lo));
	assert_int_equal(nh_compare_regressions_beyond(c, 1000), 1); /* unbounded counts */
	nh_compare_free(c);
	/* no better-direction, asked for by name: "changed" */
	const char *const want[] = {"hits"};
	nh_compare_opts_t o = {.metrics = want, .metric_count = 1};
	rm_rf(bd);
	rm_rf(cd);
	free(bd);
	free(cd);
	const double lo[] = {10, 11, 12, 13, 14}, hi[] = {20, 21, 22, 23, 24};
	bd = write_dir("hits", "none", lo, 5);
	cd = write_dir("hits", "none", hi, 5);
	c = compare_dirs(bd, cd, &o);
	assert_int_equal(only_row(c)->verdict, NH_COMPARE_CHANGED);
	assert_int_equal(nh_compare_regressions_beyond(c, 0), 0);
	nh_compare_free(c);
	c = compare_dirs(bd, cd, NULL);
	assert_int_equal(nh_compare_row_count(c), 0);
	nh_compare_free(c);
	rm_rf(bd);
	rm_rf(cd);
	free(bd);
	free(cd);
	(void)state;
}

/* ---- the command, when the binary is next to the tests (build/tests/../numaharness) ---- */

static int run_cli(const char *bin, char *const argv[], const char *err_path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY),
		    fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(null, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execv(bin, argv);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void unmatched_names_the_parameter(void **state)
{
	const double v[] = {1, 2, 3};
	char *bd = write_dir_threads("2", "ops_per_s", "higher", v, 3);
	char *cd = write_dir_threads("4", "ops_per_s", "higher", v, 3);
	nh_compare_t *c = compare_dirs(bd, cd, NULL);
	assert_int_equal(nh_compare_row_count(c), 0);
	assert_int_equal(nh_compare_unmatched_count(c, true), 1);
	assert_int_equal(nh_compare_unmatched_count(c, false), 1);
	assert_string_equal(nh_compare_unmatched(c, true, 0)->label, "churn default threads=2");
	assert_int_equal(nh_compare_note_count(c), 2);
	assert_non_null(strstr(nh_compare_note(c, 0), "has no manifest.json: hosts not compared"));
	assert_string_equal(nh_compare_note(c, 1),
			    "configurations match only on identical parameters; e.g. churn "
			    "default: threads=2 vs 4");
	char *table = nh_compare_table(c);
	assert_non_null(strstr(table, "(no configuration and metric in common)"));
	free(table);
	nh_compare_free(c);
	rm_rf(bd);
	rm_rf(cd);
	free(bd);
	free(cd);
	(void)state;
}

static void cli_exit_statuses(void **state)
{
	char self[PATH_MAX], bin[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	assert_true(n > 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(bin, sizeof bin, "%s/../numaharness", self);
	if (access(bin, X_OK) != 0)
		skip();
	char *tmp = tmpdir(), md[PATH_MAX], js[PATH_MAX], errf[PATH_MAX];
	snprintf(md, sizeof md, "%s/c.md", tmp);
	snprintf(js, sizeof js, "%s/c.json", tmp);
	snprintf(errf, sizeof errf, "%s/stderr", tmp);

	char *gate10[] = {bin,
			  "compare",
			  DATA "/baseline",
			  DATA "/candidate",
			  "--fail-on-regression",
			  "10",
			  "--md",
			  md,
			  "--json",
			  js,
			  NULL};
	assert_int_equal(run_cli(bin, gate10, errf), 1);
	char *text = nh_read_file(errf, NULL, NULL);
	assert_non_null(text);
	assert_string_equal(text,
			    "numaharness: compare: 2 regressions of 10% or more (worst: chase "
			    "cpunodebind=0 membind=0 ns_per_load +20.4%)\n");
	free(text);
	struct stat st;
	assert_int_equal(stat(md, &st), 0);
	json_t *j = json_load_file(js, 0, NULL);
	assert_non_null(j);
	json_decref(j);

	char *gate25[] = {bin,
			  "compare",
			  DATA "/baseline",
			  DATA "/candidate",
			  "--fail-on-regression",
			  "25%",
			  "--no-write",
			  "--quiet",
			  NULL};
	assert_int_equal(run_cli(bin, gate25, errf), 0);
	char *nogate[] = {bin, "compare", DATA "/baseline", DATA "/candidate", "--no-write", NULL};
	assert_int_equal(run_cli(bin, nogate, errf), 0);
	char *missing[] = {bin, "compare", DATA "/baseline", DATA "/nope", "--no-write", NULL};
	assert_int_equal(run_cli(bin, missing, errf), 2);
	char *one[] = {bin, "compare", DATA "/baseline", NULL};
	assert_int_equal(run_cli(bin, one, errf), 2);
	char *badpct[] = {
		bin, "compare", DATA "/baseline", DATA "/candidate", "--fail-on-regression",
		"x", NULL};
	assert_int_equal(run_cli(bin, badpct, errf), 2);
	/* an unwritable output is bad input too */
	char *unwritable[] = {bin,
			      "compare",
			      DATA "/baseline",
			      DATA "/candidate",
			      "--md",
			      "/proc/nh-no/c.md",
			      "--json",
			      js,
			      "--quiet",
			      NULL};
	assert_int_equal(run_cli(bin, unwritable, errf), 2);
	rm_rf(tmp);
	free(tmp);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(results_fixture),
		cmocka_unit_test(results_errors),
		cmocka_unit_test(results_torn_last_record),
		cmocka_unit_test(compare_planted),
		cmocka_unit_test(compare_outputs),
		cmocka_unit_test(compare_same_vs_same),
		cmocka_unit_test(compare_named_metrics),
		cmocka_unit_test(rule_noise),
		cmocka_unit_test(rule_noisy_degradation),
		cmocka_unit_test(rule_small_samples),
		cmocka_unit_test(rule_zero_baseline),
		cmocka_unit_test(unmatched_names_the_parameter),
		cmocka_unit_test(cli_exit_statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
