/* SPDX-License-Identifier: MIT */
/* Unit tests of the fleet: the readers it uses (metrics.csv streamed, manifest.json alone, an
 * earlier fleet.json's medians), its options, the statistics on small hand-made fleets (the
 * modified z-score exactly, the noise floor, the practical threshold, direction, UNSTABLE,
 * insufficient cohorts, the baseline), and every plain-reading rule, one test each. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fleet.h"
#include "fleet_rules.h"
#include "host_summary.h"
#include "../e2e/proc.h"

/* ---- scratch files ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static const char HEADER[] =
	"run_id,run,config,rep,warmup,workload,params,policy,outcome,metric,value,unit,better\n";

/* ---- metrics.csv ---- */

static void test_csv_rows(void **state)
{
	(void)state;
	char *dir = nh_tmpdir();
	char text[2048];
	snprintf(text, sizeof text,
		 "%s"
		 "r,0,0,0,1,stream,\"size=1G threads=\"\"all\"\"\",\"cpunodebind=0 membind=0\",ok,triad,"
		 "90000.5,MB/s,higher\n"
		 "\n"
		 "r,1,0,0,0,stream,\"a,b\",\"cpunodebind=0 membind=0\",ok,triad,,MB/s,higher\r\n"
		 "r,2,1,0,0,chase,x,membind=1,crashed,ns_per_load,95,ns,lower\n",
		 HEADER);
	write_file(dir, "metrics.csv", text);
	nh_err_t err;
	nh_metrics_csv_t *c = nh_metrics_csv_open(dir, &err);
	assert_non_null(c);
	nh_metrics_row_t row;
	assert_int_equal(nh_metrics_csv_next(c, &row, &err), 1);
	assert_int_equal(row.line, 2);
	assert_true(row.warmup);
	assert_string_equal(row.params, "size=1G threads=\"all\"");
	assert_string_equal(row.policy, "cpunodebind=0 membind=0");
	assert_string_equal(row.metric, "triad");
	assert_true(row.value.present);
	assert_true(row.value.v == 90000.5);
	assert_int_equal(row.better, 1);
	assert_true(row.run.present && row.run.v == 0);
	/* the blank line is passed over; an empty value is "not measured", not 0 */
	assert_int_equal(nh_metrics_csv_next(c, &row, &err), 1);
	assert_int_equal(row.line, 4);
	assert_false(row.warmup);
	assert_string_equal(row.params, "a,b");
	assert_false(row.value.present);
	assert_non_null(strstr(row.value.why, "not measured"));
	assert_string_equal(row.better == 1 ? "higher" : "?", "higher");
	assert_int_equal(nh_metrics_csv_next(c, &row, &err), 1);
	assert_string_equal(row.outcome, "crashed");
	assert_int_equal(row.better, -1);
	assert_int_equal(nh_metrics_csv_next(c, &row, &err), 0);
	assert_null(nh_metrics_csv_warning(c));
	nh_metrics_csv_close(c);
	nh_rm_rf(dir);
	free(dir);
}

/* A killed append leaves a last line without its newline: the rows before it are read. */
static void test_csv_torn(void **state)
{
	(void)state;
	char *dir = nh_tmpdir();
	char text[1024];
	snprintf(text, sizeof text, "%sr,0,0,0,0,stream,p,default,ok,triad,1,MB/s,higher\nr,1,0,0,0,str",
		 HEADER);
	write_file(dir, "metrics.csv", text);
	nh_err_t err;
	nh_metrics_csv_t *c = nh_metrics_csv_open(dir, &err);
	assert_non_null(c);
	nh_metrics_row_t row;
	assert_int_equal(nh_metrics_csv_next(c, &row, &err), 1);
	assert_int_equal(nh_metrics_csv_next(c, &row, &err), 0);
	assert_non_null(nh_metrics_csv_warning(c));
	assert_non_null(strstr(nh_metrics_csv_warning(c), "metrics.csv:3: torn last row (13 bytes) ignored"));
	nh_metrics_csv_close(c);
	nh_rm_rf(dir);
	free(dir);
}

static void expect_csv_error(const char *body, const char *message)
{
	char *dir = nh_tmpdir();
	write_file(dir, "metrics.csv", body);
	nh_err_t err;
	nh_metrics_csv_t *c = nh_metrics_csv_open(dir, &err);
	int got = 1;
	if (c) {
		nh_metrics_row_t row;
		while ((got = nh_metrics_csv_next(c, &row, &err)) > 0)
			;
		nh_metrics_csv_close(c);
	}
	assert_true(!c || got < 0);
	if (!strstr(err.msg, message))
		fail_msg("'%s' does not say '%s'", err.msg, message);
	nh_rm_rf(dir);
	free(dir);
}

static void test_csv_damaged(void **state)
{
	(void)state;
	char text[1024];
	expect_csv_error("", "metrics.csv: empty (no header)");
	expect_csv_error("run_id,run,workload,policy,outcome,value\n",
			 "metrics.csv:1: no 'metric' column in the header");
	snprintf(text, sizeof text, "%sr,0,0,0,0,stream,p,default,ok,triad\nr,1,0,0,0,stream,p,"
		 "default,ok,triad,1,MB/s,higher\n", HEADER);
	expect_csv_error(text, "metrics.csv:2: 10 fields, the header has 13");
	snprintf(text, sizeof text, "%sr,0,0,0,0,stream,\"p,default,ok,triad,1,MB/s,higher\n", HEADER);
	expect_csv_error(text, "metrics.csv:2: a quoted field is not closed");
	snprintf(text, sizeof text, "%sr,0,0,0,0,stream,p,default,ok,triad,fast,MB/s,higher\n", HEADER);
	expect_csv_error(text, "metrics.csv:2: value 'fast' is not a number");
	nh_err_t err;
	assert_null(nh_metrics_csv_open("/nonexistent-nh", &err));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err.msg, "/nonexistent-nh/metrics.csv: no such file");
}

/* ---- manifest.json alone, an earlier fleet.json ---- */

static void test_manifest_load(void **state)
{
	(void)state;
	char *dir = nh_tmpdir();
	nh_err_t err;
	assert_null(nh_mv_load(dir, &err));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err.msg, "manifest.json: no such file"));
	write_file(dir, "manifest.json", "{\n  \"host\": {\n");
	assert_null(nh_mv_load(dir, &err));
	assert_non_null(strstr(err.msg, "manifest.json:3: not JSON"));
	write_file(dir, "manifest.json", "[1]");
	assert_null(nh_mv_load(dir, &err));
	assert_non_null(strstr(err.msg, "manifest.json:1: not a JSON object"));
	write_file(dir, "manifest.json",
		   "{\"tool_version\": \"0.1.0\", \"host\": {\"id\": \"web-1\", \"labels\": {\"cohort\": "
		   "\"gen3\"}, \"nodes\": [{\"id\": 0, \"cpus\": [0, 1], \"mem_total_bytes\": 1024}]}}");
	nh_mv_t *mv = nh_mv_load(dir, &err);
	assert_non_null(mv);
	assert_string_equal(nh_mv_identity(mv).id.s, "web-1");
	assert_string_equal(nh_mv_label(mv, "cohort").s, "gen3");
	assert_int_equal(nh_mv_node(mv, 0).cpu_count, 2);
	nh_mv_free(mv);
	nh_rm_rf(dir);
	free(dir);
}

static void test_fleet_doc(void **state)
{
	(void)state;
	char *dir = nh_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/fleet.json", dir);
	nh_err_t err;
	assert_null(nh_fleet_doc_load(path, &err));
	assert_non_null(strstr(err.msg, "fleet.json: no such file"));
	write_file(dir, "fleet.json", "{\"format\": \"something-else\", \"cohorts\": []}");
	assert_null(nh_fleet_doc_load(path, &err));
	assert_non_null(strstr(err.msg, "not a fleet.json (format is not \"numaharness-fleet/1\")"));
	write_file(dir, "fleet.json", "{\"format\": \"numaharness-fleet/1\",\n \"cohorts\": [");
	assert_null(nh_fleet_doc_load(path, &err));
	assert_non_null(strstr(err.msg, "fleet.json:2: not JSON"));
	write_file(dir, "fleet.json", "{\"format\": \"numaharness-fleet/1\", \"cohorts\": [{\"name\": "
		   "\"g\", \"nodes\": [{\"node\": \"zero\", \"metrics\": {}}]}]}");
	assert_null(nh_fleet_doc_load(path, &err));
	assert_non_null(strstr(err.msg, "cohorts[0].nodes[0]: \"node\" is not a node number"));
	write_file(dir, "fleet.json",
		   "{\"format\": \"numaharness-fleet/1\", \"created_at\": \"2026-01-01T00:00:00Z\", "
		   "\"cohorts\": [{\"name\": \"gen3\", \"nodes\": [{\"node\": 1, \"metrics\": {"
		   "\"triad\": {\"n\": 40, \"median\": 90000.0, \"mad\": 1200.0}, "
		   "\"latency\": {\"n\": 0, \"median\": null, \"mad\": null}, "
		   "\"memtotal\": {\"n\": 40, \"median\": 2e11, \"mad\": null}}}]}], \"hosts\": []}");
	nh_fleet_doc_t *d = nh_fleet_doc_load(path, &err);
	assert_non_null(d);
	assert_int_equal(nh_fleet_doc_count(d), 2); /* the median-less latency is no reference */
	nh_fleet_ref_t r = nh_fleet_doc_ref(d, 0);
	assert_string_equal(r.cohort, "gen3");
	assert_string_equal(r.metric, "triad");
	assert_int_equal(r.node, 1);
	assert_int_equal(r.n, 40);
	assert_true(r.median == 90000.0 && r.mad.present && r.mad.v == 1200.0);
	assert_false(nh_fleet_doc_ref(d, 1).mad.present);
	assert_string_equal(nh_fleet_doc_created_at(d).s, "2026-01-01T00:00:00Z");
	nh_fleet_doc_free(d);
	nh_rm_rf(dir);
	free(dir);
}

/* ---- options ---- */

static void test_options(void **state)
{
	(void)state;
	nh_fleet_opts_t o;
	nh_err_t err;
	nh_fleet_opts_default(&o);
	assert_string_equal(o.cohort_label, "cohort");
	assert_true(o.threshold_pct[NH_FLEET_TRIAD] == 15 && o.threshold_pct[NH_FLEET_LATENCY] == 10 &&
		    o.threshold_pct[NH_FLEET_MEMTOTAL] == 2 && o.threshold_pct[NH_FLEET_RATIO] == 10);
	assert_true(o.max_cv == 0.10);
	assert_int_equal(nh_fleet_parse_thresholds(&o, "triad=10,latency=5%,memtotal=1", &err), 0);
	assert_true(o.threshold_pct[NH_FLEET_TRIAD] == 10 && o.threshold_pct[NH_FLEET_LATENCY] == 5 &&
		    o.threshold_pct[NH_FLEET_MEMTOTAL] == 1 && o.threshold_pct[NH_FLEET_RATIO] == 10);
	assert_int_equal(nh_fleet_parse_thresholds(&o, "triad=x", &err), -1);
	assert_string_equal(err.msg, "--threshold: triad=x: expected a percentage in (0, 100]");
	assert_int_equal(nh_fleet_parse_thresholds(&o, "triad=0", &err), -1);
	assert_int_equal(nh_fleet_parse_thresholds(&o, "triad=101", &err), -1);
	assert_int_equal(nh_fleet_parse_thresholds(&o, "bandwidth=10", &err), -1);
	assert_string_equal(err.msg, "--threshold: unknown metric 'bandwidth' (metrics: triad, "
				     "latency, memtotal, ratio)");
	assert_int_equal(nh_fleet_parse_thresholds(&o, "triad", &err), -1);
	assert_non_null(strstr(err.msg, "'triad' is not metric=PCT"));
	assert_int_equal(nh_fleet_parse_thresholds(&o, "", &err), -1);

	assert_int_equal(nh_fleet_parse_cohort_by(&o, "label:rack", &err), 0);
	assert_string_equal(o.cohort_label, "rack");
	assert_int_equal(nh_fleet_parse_cohort_by(&o, "none", &err), 0);
	assert_string_equal(o.cohort_label, "");
	assert_int_equal(nh_fleet_parse_cohort_by(&o, "rack", &err), -1);
	assert_non_null(strstr(err.msg, "--cohort-by 'rack': expected label:NAME"));
	assert_int_equal(nh_fleet_parse_cohort_by(&o, "label:", &err), -1);
	assert_int_equal(nh_fleet_parse_cohort_by(&o, "label:a b", &err), -1);

	assert_int_equal(nh_fleet_parse_max_cv(&o, "0.2", &err), 0);
	assert_true(o.max_cv == 0.2);
	assert_int_equal(nh_fleet_parse_max_cv(&o, "5%", &err), 0);
	assert_true(fabs(o.max_cv - 0.05) < 1e-12);
	assert_int_equal(nh_fleet_parse_max_cv(&o, "0", &err), -1);
	assert_int_equal(nh_fleet_parse_max_cv(&o, "lots", &err), -1);
}

/* ---- small fleets written by hand ---- */

/* A host: its manifest (id, cohort label, nodes with MemTotal) and metrics.csv, whose rows the
 * caller gives (runs under cpunodebind=N membind=M). */
static char *host_dir(const char *root, const char *id, const char *cohort, unsigned nodes,
		      double mem, const char *rows)
{
	char *dir = malloc(512);
	assert_non_null(dir);
	snprintf(dir, 512, "%s/%s", root, id);
	assert_int_equal(mkdir(dir, 0755), 0);
	char manifest[4096], node[256];
	snprintf(manifest, sizeof manifest,
		 "{\"schema_version\": 1, \"tool_version\": \"0.1.0\", \"status\": \"complete\", "
		 "\"scenario\": {\"name\": \"bios-check\", \"sha256\": \"abc\"}, \"host\": "
		 "{\"id\": \"%s\", \"labels\": {\"cohort\": \"%s\"}, \"nodes\": [",
		 id, cohort);
	for (unsigned n = 0; n < nodes; n++) {
		snprintf(node, sizeof node, "%s{\"id\": %u, \"cpus\": [%u], \"mem_total_bytes\": %.0f}",
			 n ? ", " : "", n, n, mem);
		strncat(manifest, node, sizeof manifest - strlen(manifest) - 1);
	}
	strncat(manifest, "]}}", sizeof manifest - strlen(manifest) - 1);
	write_file(dir, "manifest.json", manifest);
	char csv[8192];
	snprintf(csv, sizeof csv, "%s%s", HEADER, rows);
	write_file(dir, "metrics.csv", csv);
	write_file(dir, "checks.json", "[]");
	return dir;
}

/* metrics.csv rows: \p n runs of the local triad of node \p node. */
static char *triad_rows(char *buf, size_t len, unsigned node, const double *v, unsigned n)
{
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		size_t used = strlen(buf);
		snprintf(buf + used, len - used,
			 "r,%u,0,%u,0,stream,p,\"cpunodebind=%u membind=%u\",ok,triad,%.17g,MB/s,higher\n",
			 i, i, node, node, v[i]);
	}
	return buf;
}

/* A fleet of \p count one-node hosts in cohort "c": each host's triad runs from \p runs (n
 * each); judged with \p thresholds (NULL: the defaults). */
static nh_fleet_t *judge(const char *root, const double *runs, unsigned count, unsigned n,
			 const char *thresholds)
{
	for (unsigned h = 0; h < count; h++) {
		char id[32], rows[4096];
		snprintf(id, sizeof id, "h%02u", h);
		free(host_dir(root, id, "c", 1, 1e11, triad_rows(rows, sizeof rows, 0, runs + h * n, n)));
	}
	nh_fleet_opts_t o;
	nh_fleet_opts_default(&o);
	nh_err_t err;
	if (thresholds)
		assert_int_equal(nh_fleet_parse_thresholds(&o, thresholds, &err), 0);
	nh_fleet_t *f = nh_fleet_new(&o, &err);
	assert_non_null(f);
	assert_int_equal(nh_fleet_add(f, root, &err), 0);
	assert_int_equal(nh_fleet_judge(f, &err), 0);
	return f;
}

static nh_fleet_value_view_t triad_of(const nh_fleet_t *f, const char *host)
{
	int i = nh_fleet_find(f, host);
	assert_true(i >= 0);
	return nh_fleet_value(f, (unsigned)i, 0, NH_FLEET_TRIAD);
}

static enum nh_fleet_verdict verdict_of(const nh_fleet_t *f, const char *host)
{
	int i = nh_fleet_find(f, host);
	assert_true(i >= 0);
	return nh_fleet_host(f, (unsigned)i).verdict;
}

/* Five hosts alike and one 20 % low: MAD 0, so the floor is 1 % of the median and
 * z = 0.6745 × (80 − 100) / 1 = −13.49; −20 % is past the 15 % threshold. */
static void test_z_exact(void **state)
{
	(void)state;
	char *root = nh_tmpdir();
	const double runs[] = {100, 100, 100, 100, 100, 80};
	nh_fleet_t *f = judge(root, runs, 6, 1, NULL);
	nh_fleet_value_view_t v = triad_of(f, "h05");
	assert_string_equal(v.flag, "low");
	assert_true(v.ref_median == 100);
	assert_true(fabs(v.deviation_pct + 20) < 1e-9);
	assert_true(fabs(v.z - 0.6745 * -20 / 1.0) < 1e-9);
	assert_int_equal(verdict_of(f, "h05"), NH_FLEET_OUTLIER);
	assert_true(isnan(v.cv)); /* one run: no CV, and the host says its steadiness is unknown */
	assert_int_equal(v.runs, 1);
	assert_string_equal(nh_fleet_host(f, (unsigned)nh_fleet_find(f, "h05")).reading,
			    "node 0: local triad \u221220.0 % against the cohort \u2192 node 0's bandwidth "
			    "alone is low: a memory channel degraded or populated unevenly (capacity "
			    "kept), or other work on node 0's CPUs");
	assert_string_equal(triad_of(f, "h00").flag, "ok");
	assert_true(triad_of(f, "h00").z == 0);
	assert_int_equal(nh_fleet_verdict_count(f, NH_FLEET_PASS), 5);
	assert_false(nh_fleet_gate_passed(f));
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);
}

/* A perfectly uniform fleet raises nothing, and a host 10 % low is past |z| > 3.5 (z = −6.7
 * over the 1 % floor) but not the 15 % threshold: PASS — until --threshold triad=5. */
static void test_threshold_binds(void **state)
{
	(void)state;
	const double runs[] = {100, 100, 100, 100, 100, 100, 90};
	char *root = nh_tmpdir();
	nh_fleet_t *f = judge(root, runs, 7, 1, NULL);
	assert_string_equal(triad_of(f, "h06").flag, "ok");
	assert_true(triad_of(f, "h06").z < -3.5);
	assert_int_equal(nh_fleet_verdict_count(f, NH_FLEET_PASS), 7);
	assert_true(nh_fleet_gate_passed(f));
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);

	root = nh_tmpdir();
	f = judge(root, runs, 7, 1, "triad=5");
	assert_string_equal(triad_of(f, "h06").flag, "low");
	assert_int_equal(verdict_of(f, "h06"), NH_FLEET_OUTLIER);
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);
}

/* A cohort spread as wide as the deviation: |z| stays small, nothing is flagged even 37 % low.
 * Median 95, MAD 15: z = 0.6745 × (60 − 95) / 15 = −1.57. */
static void test_z_binds(void **state)
{
	(void)state;
	const double runs[] = {100, 80, 120, 90, 110, 60};
	char *root = nh_tmpdir();
	nh_fleet_t *f = judge(root, runs, 6, 1, NULL);
	nh_fleet_value_view_t v = triad_of(f, "h05");
	assert_true(v.ref_median == 95);
	assert_true(fabs(v.z - 0.6745 * (60 - 95) / 15.0) < 1e-9);
	assert_string_equal(v.flag, "ok");
	assert_int_equal(nh_fleet_verdict_count(f, NH_FLEET_PASS), 6);
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);
}

/* The host's own spread raises its floor: runs 74, 80, 86 (MAD 6, CV 0.075) make −20 % a
 * z of −2.25, not an outlier; runs 79, 80, 81 (MAD 1 < the 1 % floor) leave it at −13.49. */
static void test_own_spread_floor(void **state)
{
	(void)state;
	const double spread[] = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100,
				 100, 100, 100, 74,  80,  86};
	char *root = nh_tmpdir();
	nh_fleet_t *f = judge(root, spread, 6, 3, NULL);
	nh_fleet_value_view_t v = triad_of(f, "h05");
	assert_true(v.spread == 6);
	assert_true(fabs(v.z - 0.6745 * -20 / 6.0) < 1e-9);
	assert_string_equal(v.flag, "ok");
	assert_int_equal(verdict_of(f, "h05"), NH_FLEET_PASS);
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);

	const double tight[] = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100,
				100, 100, 100, 79,  80,  81};
	root = nh_tmpdir();
	f = judge(root, tight, 6, 3, NULL);
	v = triad_of(f, "h05");
	assert_true(fabs(v.z - 0.6745 * -20 / 1.0) < 1e-9);
	assert_string_equal(v.flag, "low");
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);
}

/* Only the bad direction counts: a triad 30 % high is fine. */
static void test_direction(void **state)
{
	(void)state;
	const double runs[] = {100, 100, 100, 100, 100, 130};
	char *root = nh_tmpdir();
	nh_fleet_t *f = judge(root, runs, 6, 1, NULL);
	nh_fleet_value_view_t v = triad_of(f, "h05");
	assert_true(v.z > 3.5 && v.deviation_pct > 15);
	assert_string_equal(v.flag, "ok");
	assert_int_equal(verdict_of(f, "h05"), NH_FLEET_PASS);
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);
}

/* Runs 50, 80, 110 (CV 0.375): UNSTABLE, the deviation not trusted either way. */
static void test_unstable(void **state)
{
	(void)state;
	const double runs[] = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100,
			       100, 100, 100, 50,  80,  110};
	char *root = nh_tmpdir();
	nh_fleet_t *f = judge(root, runs, 6, 3, NULL);
	assert_string_equal(triad_of(f, "h05").flag, "noisy");
	assert_true(fabs(triad_of(f, "h05").cv - 0.375) < 1e-9);
	assert_int_equal(verdict_of(f, "h05"), NH_FLEET_UNSTABLE);
	int i = nh_fleet_find(f, "h05");
	assert_string_equal(nh_fleet_host_reason(f, (unsigned)i, 0),
			    "node 0 local triad: CV 0.38 over its 3 runs, above --max-cv 0.10");
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);
}

/* Four hosts: not compared, each says so, PASS; the gate is open. */
static void test_insufficient(void **state)
{
	(void)state;
	const double runs[] = {100, 100, 100, 50};
	char *root = nh_tmpdir();
	nh_fleet_t *f = judge(root, runs, 4, 1, NULL);
	assert_string_equal(triad_of(f, "h03").flag, "insufficient");
	assert_true(isnan(triad_of(f, "h03").z));
	assert_int_equal(verdict_of(f, "h03"), NH_FLEET_PASS);
	assert_false(nh_fleet_host(f, 3).compared);
	assert_true(nh_fleet_gate_passed(f));
	nh_fleet_free(f);
	nh_rm_rf(root);
	free(root);
}

/* The same four hosts judged against an earlier fleet.json's medians: h03 is an outlier. */
static void test_baseline(void **state)
{
	(void)state;
	char *base = nh_tmpdir(), path[512];
	snprintf(path, sizeof path, "%s/fleet.json", base);
	write_file(base, "fleet.json",
		   "{\"format\": \"numaharness-fleet/1\", \"cohorts\": [{\"name\": \"c\", \"nodes\": "
		   "[{\"node\": 0, \"metrics\": {\"triad\": {\"n\": 30, \"median\": 100.0, \"mad\": "
		   "2.0}, \"memtotal\": {\"n\": 3, \"median\": 1e11, \"mad\": 0}}}]}]}");
	const double runs[] = {100, 100, 100, 50};
	char *root = nh_tmpdir();
	for (unsigned h = 0; h < 4; h++) {
		char id[32], rows[1024];
		snprintf(id, sizeof id, "h%02u", h);
		free(host_dir(root, id, "c", 1, 1e11, triad_rows(rows, sizeof rows, 0, runs + h, 1)));
	}
	nh_fleet_opts_t o;
	nh_fleet_opts_default(&o);
	nh_err_t err;
	nh_fleet_t *f = nh_fleet_new(&o, &err);
	assert_int_equal(nh_fleet_baseline(f, path, &err), 0);
	assert_int_equal(nh_fleet_add(f, root, &err), 0);
	assert_int_equal(nh_fleet_judge(f, &err), 0);
	nh_fleet_value_view_t v = triad_of(f, "h03");
	assert_string_equal(v.flag, "low");
	assert_true(fabs(v.z - 0.6745 * -50 / 2.0) < 1e-9);
	assert_int_equal(verdict_of(f, "h03"), NH_FLEET_OUTLIER);
	int i = nh_fleet_find(f, "h03");
	assert_non_null(strstr(nh_fleet_host_reason(f, (unsigned)i, 0), "against the baseline's median"));
	/* the baseline's MemTotal of 3 hosts is too few to be a reference */
	assert_string_equal(nh_fleet_value(f, (unsigned)i, 0, NH_FLEET_MEMTOTAL).flag,
			    "insufficient");
	assert_true(nh_fleet_host(f, 0).compared);
	nh_fleet_free(f);
	nh_rm_rf(root);
	nh_rm_rf(base);
	free(root);
	free(base);
}

/* ---- the plain readings, one test per rule ---- */

static const char *tested_rules[32];
static unsigned tested_count;

/* Signals of a host with \p nodes nodes, each judged on every metric. */
static void signals(nh_fleet_signals_t *s, unsigned nodes)
{
	memset(s, 0, sizeof *s);
	s->node_count = nodes;
	s->max_cv = 0.10;
	for (unsigned i = 0; i < nodes; i++) {
		s->nodes[i].node = i;
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
			s->nodes[i].judged[m] = true;
	}
}

static void flag(nh_fleet_signals_t *s, unsigned node, unsigned sig, enum nh_fleet_metric m,
		 double pct)
{
	s->nodes[node].sig |= sig;
	s->nodes[node].dev_pct[m] = pct;
}

/* The one reading \p s gives must come from rule \p id and read \p text. */
static void expect_reading(const nh_fleet_signals_t *s, const char *id, const char *text)
{
	char out[NH_FLEET_MAX_READINGS][NH_FLEET_READING_LEN];
	const char *rules[NH_FLEET_MAX_READINGS];
	unsigned n = nh_fleet_readings(s, out, rules, NH_FLEET_MAX_READINGS);
	if (n != 1)
		fail_msg("%u readings, expected 1 (%s); first: %s", n, id, n ? out[0] : "-");
	assert_string_equal(rules[0], id);
	assert_string_equal(out[0], text);
	tested_rules[tested_count++] = id;
}

#define ARROW " \u2192 "
#define MINUS "\u2212"

/* One flagged signal: node, signal bit, metric and its deviation in percent. */
struct flagged {
	unsigned node, sig;
	enum nh_fleet_metric metric;
	double pct;
};

/* A host's signals and the one reading they must give. */
struct reading_case {
	const char *id;
	unsigned nodes;
	struct flagged flags[4]; /* up to the first with sig 0 */
	int fact;		 /* a drifted fact (drift_value set), or -1 */
	const char *drift_value, *drift_usual;
	const char *text;
};

#define T_LOW(n, v) {n, NH_SIG_TRIAD_LOW, NH_FLEET_TRIAD, v}
#define L_HIGH(n, v) {n, NH_SIG_LATENCY_HIGH, NH_FLEET_LATENCY, v}
#define M_LOW(n, v) {n, NH_SIG_MEM_LOW, NH_FLEET_MEMTOTAL, v}
#define R_HIGH(n, v) {n, NH_SIG_RATIO_HIGH, NH_FLEET_RATIO, v}
#define R_LOW(n, v) {n, NH_SIG_RATIO_LOW, NH_FLEET_RATIO, v}

/* clang-format off */
static const struct reading_case READINGS[] = {
	{"dimm", 2, {M_LOW(1, -8.3), T_LOW(1, -14.9)}, -1, NULL, NULL,
	 "node 1: MemTotal " MINUS "8.3 % and local triad " MINUS "14.9 % against the cohort" ARROW
	 "a missing or failed DIMM on node 1"},
	{"memory-only", 2, {M_LOW(0, -4.0)}, -1, NULL, NULL,
	 "node 0: MemTotal " MINUS "4.0 % against the cohort" ARROW "less memory on node 0 with its "
	 "bandwidth intact: a smaller or mapped-out DIMM, or memory reserved at boot (crashkernel=, "
	 "memmap=)"},
	{"slow-memory", 2, {T_LOW(1, -18), L_HIGH(1, 12.5)}, -1, NULL, NULL,
	 "node 1: local triad " MINUS "18.0 % and idle latency +12.5 % against the cohort" ARROW
	 "node 1's memory is slower: DIMMs at a lower speed or with slower timings, or a "
	 "memory-controller setting of that socket"},
	{"bandwidth-only", 2, {T_LOW(0, -25)}, -1, NULL, NULL,
	 "node 0: local triad " MINUS "25.0 % against the cohort" ARROW "node 0's bandwidth alone is "
	 "low: a memory channel degraded or populated unevenly (capacity kept), or other work on "
	 "node 0's CPUs"},
	{"latency-only", 2, {L_HIGH(1, 11)}, -1, NULL, NULL,
	 "node 1: idle latency +11.0 % against the cohort" ARROW "node 1's memory takes longer to "
	 "reach: slower DIMM timings or a memory power-saving setting of that socket"},
	{"ratio-high", 2, {R_HIGH(0, 22)}, -1, NULL, NULL,
	 "node 0: remote/local latency ratio +22.0 % against the cohort" ARROW "remote memory from "
	 "node 0 is slower than the cohort's: the link between the sockets runs degraded, or another "
	 "snoop-mode setting"},
	{"ratio-low", 2, {R_LOW(1, -35)}, -1, NULL, NULL,
	 "node 1: remote/local latency ratio " MINUS "35.0 % against the cohort" ARROW "remote memory "
	 "from node 1 is hardly slower than local: nodes without memory of their own (node "
	 "interleaving, SNC/NPS setting)"},
	{"all-triad", 2, {T_LOW(0, -20.1), T_LOW(1, -19.8)}, NH_FACT_BIOS, "2.1.0", "2.3.5",
	 "every node: local triad " MINUS "20.1 % (node 0), " MINUS "19.8 % (node 1) against the "
	 "cohort" ARROW "a BIOS power/memory setting or the CPU frequency (power profile, turbo, "
	 "C-states, memory speed), every node alike; its BIOS version 2.1.0 differs from the "
	 "cohort's 2.3.5"},
	{"all-latency", 2, {L_HIGH(0, 14), L_HIGH(1, 13)}, -1, NULL, NULL,
	 "every node: idle latency +14.0 % (node 0), +13.0 % (node 1) against the cohort" ARROW
	 "memory slower to reach on every node: memory timings or a power-saving setting (uncore "
	 "frequency, C-states)"},
	{"all-triad-latency", 2, {T_LOW(0, -30), L_HIGH(0, 15), T_LOW(1, -30), L_HIGH(1, 15)}, -1,
	 NULL, NULL,
	 "every node: local triad " MINUS "30.0 % (node 0), " MINUS "30.0 % (node 1) and idle latency "
	 "+15.0 % (node 0), +15.0 % (node 1) against the cohort" ARROW "memory slower on every node "
	 "alike: a lower memory speed, or the BIOS memory or power profile"},
	{"all-ratio-high", 2, {R_HIGH(0, 25), R_HIGH(1, 24)}, -1, NULL, NULL,
	 "every node: remote/local latency ratio +25.0 % (node 0), +24.0 % (node 1) against the "
	 "cohort" ARROW "the link between the sockets is slower: UPI / Infinity Fabric running "
	 "degraded (fewer lanes, lower speed) or another snoop-mode BIOS setting"},
	{"all-ratio-low", 2, {R_LOW(0, -38), R_LOW(1, -37)}, -1, NULL, NULL,
	 "every node: remote/local latency ratio " MINUS "38.0 % (node 0), " MINUS "37.0 % (node 1) "
	 "against the cohort" ARROW "remote memory hardly slower than local: the nodes may not have "
	 "memory of their own (node interleaving, SNC/NPS setting)"},
	/* node 2's MemTotal is not read: another shape */
	{"node-count", 4, {M_LOW(2, -50)}, NH_FACT_NODES, "4", "2",
	 "node count 4 against the cohort's 2" ARROW "the SNC/NPS (sub-NUMA clustering) or "
	 "node-interleaving BIOS setting differs, or a socket or its memory is not seen; its "
	 "per-node figures are not compared"},
	{"cpus-per-node", 2, {{0}}, NH_FACT_CPUS, "28,28", "56,56",
	 "CPUs per node 28,28 against the cohort's 56,56" ARROW "CPUs offline, or the SMT "
	 "(hyper-threading) or core-count BIOS setting differs"},
	{"distances", 2, {{0}}, NH_FACT_DISTANCES, "10 32/32 10", "10 21/21 10",
	 "SLIT distances 10 32/32 10 against the cohort's 10 21/21 10" ARROW "the firmware's distance "
	 "table (SLIT) differs: another BIOS version or SNC/NPS setting"},
	/* a confined host: the shape reading, and its nodes' own readings after it */
	{"allowed-cpus", 2, {{0}}, NH_FACT_ALLOWED, "0", "0-1",
	 "CPUs the runs could use 0 against the cohort's 0-1" ARROW "a cpuset, CPU affinity or "
	 "isolcpus confined the harness to other CPUs than the cohort's hosts: its figures are not "
	 "the whole machine's; rerun it unconfined"},
};
/* clang-format on */

static void test_rule_readings(void **state)
{
	(void)state;
	for (unsigned c = 0; c < NH_ARRAY_LEN(READINGS); c++) {
		const struct reading_case *rc = &READINGS[c];
		nh_fleet_signals_t s;
		signals(&s, rc->nodes);
		for (unsigned f = 0; f < NH_ARRAY_LEN(rc->flags) && rc->flags[f].sig; f++)
			flag(&s, rc->flags[f].node, rc->flags[f].sig, rc->flags[f].metric, rc->flags[f].pct);
		if (rc->drift_value) {
			s.drift_value[rc->fact] = rc->drift_value;
			s.drift_usual[rc->fact] = rc->drift_usual;
		}
		expect_reading(&s, rc->id, rc->text);
	}
}

static void test_rule_noisy(void **state)
{
	(void)state;
	nh_fleet_signals_t s;
	signals(&s, 2);
	s.nodes[1].noisy_cv[NH_FLEET_TRIAD] = 0.16;
	s.nodes[0].noisy_cv[NH_FLEET_LATENCY] = 0.23;
	s.nodes[0].runs[NH_FLEET_LATENCY] = 3;
	expect_reading(&s, "noisy",
		       "node 0: idle latency varies by CV 0.23 over its 3 runs (above 0.10)" ARROW
		       "other work ran during the measurement, or frequency scaling / power "
		       "management varies: rerun it on an idle host");
}

/* Combined: two nodes, each its own reading; a node without CPUs takes no part in "every
 * node"; nothing flagged, no reading. */
static void test_rule_combinations(void **state)
{
	(void)state;
	nh_fleet_signals_t s;
	char out[NH_FLEET_MAX_READINGS][NH_FLEET_READING_LEN];
	const char *rules[NH_FLEET_MAX_READINGS];
	signals(&s, 2);
	assert_int_equal(nh_fleet_readings(&s, out, rules, NH_FLEET_MAX_READINGS), 0);
	flag(&s, 0, NH_SIG_TRIAD_LOW, NH_FLEET_TRIAD, -20);
	flag(&s, 1, NH_SIG_MEM_LOW, NH_FLEET_MEMTOTAL, -8);
	flag(&s, 1, NH_SIG_TRIAD_LOW, NH_FLEET_TRIAD, -16);
	flag(&s, 1, NH_SIG_RATIO_HIGH, NH_FLEET_RATIO, 30);
	assert_int_equal(nh_fleet_readings(&s, out, rules, NH_FLEET_MAX_READINGS), 3);
	assert_string_equal(rules[0], "bandwidth-only");
	assert_string_equal(rules[1], "dimm");
	assert_string_equal(rules[2], "ratio-high");
	/* three nodes, the third without CPUs: the two with CPUs alike make "every node" */
	signals(&s, 3);
	s.nodes[2].judged[NH_FLEET_TRIAD] = s.nodes[2].judged[NH_FLEET_LATENCY] = false;
	s.nodes[2].judged[NH_FLEET_RATIO] = false;
	flag(&s, 0, NH_SIG_TRIAD_LOW, NH_FLEET_TRIAD, -20);
	flag(&s, 1, NH_SIG_TRIAD_LOW, NH_FLEET_TRIAD, -21);
	assert_int_equal(nh_fleet_readings(&s, out, rules, NH_FLEET_MAX_READINGS), 1);
	assert_string_equal(rules[0], "all-triad");
	/* one node alone is never "every node" */
	signals(&s, 1);
	flag(&s, 0, NH_SIG_TRIAD_LOW, NH_FLEET_TRIAD, -20);
	assert_int_equal(nh_fleet_readings(&s, out, rules, NH_FLEET_MAX_READINGS), 1);
	assert_string_equal(rules[0], "bandwidth-only");
}

/* Every rule of the table has its test above (the tests run in order; this one last). */
static void test_every_rule_tested(void **state)
{
	(void)state;
	for (unsigned r = 0; r < nh_fleet_rule_count(); r++) {
		bool found = false;
		for (unsigned t = 0; t < tested_count; t++)
			found |= strcmp(tested_rules[t], nh_fleet_rule_id(r)) == 0;
		if (!found)
			fail_msg("rule '%s' has no test", nh_fleet_rule_id(r));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_rows),
		cmocka_unit_test(test_csv_torn),
		cmocka_unit_test(test_csv_damaged),
		cmocka_unit_test(test_manifest_load),
		cmocka_unit_test(test_fleet_doc),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_z_exact),
		cmocka_unit_test(test_threshold_binds),
		cmocka_unit_test(test_z_binds),
		cmocka_unit_test(test_own_spread_floor),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_unstable),
		cmocka_unit_test(test_insufficient),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_rule_readings),
		cmocka_unit_test(test_rule_noisy),
		cmocka_unit_test(test_rule_combinations),
		cmocka_unit_test(test_every_rule_tested),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
