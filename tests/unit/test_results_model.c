/* SPDX-License-Identifier: MIT */
/* Unit tests of the typed results model (record_view.h, results.h): every accessor on a complete
 * record and manifest of the fixtures, and on records that lack a field, hold null or hold the
 * wrong type — each of those an absent value that names the field and says why, never a NaN;
 * the checks.json and compare.json readers, absent and unreadable included. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "results.h"

#define COMPARE NH_TEST_DATA "/compare"
#define REPORT NH_TEST_DATA "/report/stream"

/* A scratch results directory holding \p runs as runs.jsonl (and no manifest). */
static char *scratch(const char *runs)
{
	char *dir = strdup("/tmp/nh-results-model-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(runs, f);
	assert_int_equal(fclose(f), 0);
	return dir;
}

static void scratch_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void scratch_free(char *dir)
{
	static const char *const names[] = {"runs.jsonl", "checks.json", "compare.json"};
	char path[256];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	free(dir);
}

static void record_complete(void **state)
{
	(void)state;
	nh_err_t err;
	nh_results_t *r = nh_results_load(COMPARE "/baseline", &err);
	assert_non_null(r);
	const nh_rv_t *rec = nh_results_record(r, 0);
	assert_string_equal(nh_rv_workload(rec).s, "stream");
	assert_true(nh_flag_true(nh_rv_warmup(rec)));
	assert_true(nh_rv_run(rec).present && nh_rv_run(rec).v == 0);
	assert_true(nh_rv_rep(rec).present && nh_rv_config(rec).present);
	assert_string_equal(nh_rv_outcome(rec).s, "ok");
	assert_string_equal(nh_rv_reason(rec).s, "");
	assert_string_equal(nh_rv_started_at(rec).s, "2026-11-22T00:00:00Z");
	assert_true(nh_rv_duration_s(rec).v == 1.5);
	assert_true(nh_rv_exit_status(rec).present && nh_rv_exit_status(rec).v == 0);
	nh_num_t sig = nh_rv_signal(rec); /* null: no signal ended it */
	assert_false(sig.present);
	assert_string_equal(sig.why, "signal: null (not measured)");
	assert_string_equal(nh_rv_source(rec).s, "fixture:1");

	assert_string_equal(nh_rv_policy_requested(rec).s, "membind=0");
	nh_rv_applied_t a = nh_rv_policy_applied(rec);
	assert_string_equal(a.spec.s, "membind=0");
	assert_string_equal(a.mem_mode.s, "membind");
	assert_string_equal(a.mem_nodes.s, "0");
	assert_string_equal(a.cpus.s, "0-1");

	assert_true(nh_rv_has_params(rec));
	assert_string_equal(nh_rv_param(rec, "size").s, "256M");
	assert_false(nh_rv_param(rec, "nonesuch").present);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_rv_param_t p, q;
	assert_true(nh_rv_param_next(rec, &it, &p));
	assert_string_equal(p.name, "size");
	assert_true(p.is_string);
	unsigned n = 1;
	while (nh_rv_param_next(rec, &it, &p))
		n++;
	assert_int_equal(n, 11);
	assert_true(nh_rv_param_find(rec, "threads", &p));
	assert_true(nh_rv_param_find(nh_results_record(r, 1), "threads", &q));
	assert_true(nh_rv_param_equal(&p, &q));

	nh_rv_allocator_t al = nh_rv_allocator(rec);
	assert_string_equal(al.requested.s, "glibc");
	assert_false(al.preload.present);
	assert_string_equal(al.confirmed_name.s, "glibc");

	nh_rv_metric_t m = nh_rv_metric(rec, "triad");
	assert_true(m.present && m.value.present);
	assert_true(m.value.v == 1000.0);
	assert_string_equal(m.unit.s, "MB/s");
	assert_int_equal(m.better, 1);
	assert_int_equal(nh_rv_metric(rec, "first_touch_s").better, -1);
	it = NH_RV_ITER_INIT;
	assert_true(nh_rv_metric_next(rec, &it, &m));
	assert_string_equal(m.name, "first_touch_s");

	nh_rv_placement_t pl = nh_rv_placement(rec);
	assert_string_equal(pl.verdict.s, "ok");
	assert_string_equal(pl.expected_nodes.s, "0");
	assert_string_equal(pl.threads_ran_on.s, "0-1");
	assert_true(pl.fraction_on_expected.v == 1.0);
	assert_true(pl.pages_total.v == 65536 && pl.pages_absent.v == 0);
	nh_rv_node_pages_t pages[4];
	assert_int_equal(nh_rv_pages_by_node(rec, false, pages, 4), 1);
	assert_int_equal(pages[0].node, 0);
	assert_true(pages[0].pages == 65536);
	assert_int_equal(nh_rv_pages_by_node(rec, true, pages, 4), 1);

	const char *why = "unset";
	assert_true(nh_rv_numastat_present(rec, &why));
	assert_null(why);
	it = NH_RV_ITER_INIT;
	nh_rv_numastat_node_t ns;
	assert_true(nh_rv_numastat_next(rec, &it, &ns));
	assert_string_equal(ns.node, "0");
	assert_string_equal(nh_rv_numastat_field(0), "numa_hit");
	assert_true(ns.field[0].v == 66000 && ns.field[1].v == 0);
	assert_false(nh_rv_numastat_next(rec, &it, &ns));
	assert_true(nh_rv_numa_miss_ratio(rec).present);

	assert_false(nh_rv_counters_unavailable(rec).present);
	nh_rv_counter_t c = nh_rv_counter(rec, "cycles.cycles");
	assert_true(c.present);
	assert_string_equal(c.event.s, "perf::CYCLES");
	assert_string_equal(c.unavailable.s, "no hardware PMU available to this process");
	assert_false(c.value.present); /* and its reason is the counter's own */
	assert_string_equal(c.value.why, "no hardware PMU available to this process");
	assert_false(nh_rv_counter(rec, "nonesuch").present);

	nh_rv_memory_t mem = nh_rv_memory(rec);
	assert_true(mem.vm_rss_bytes.v == 270000000);
	assert_false(mem.vm_hwm_bytes.present);
	assert_string_equal(mem.vm_hwm_bytes.why, "memory.vm_hwm_bytes: not recorded");
	nh_rv_cgroup_t cg = nh_rv_cgroup(rec);
	assert_string_equal(cg.unavailable.s, "no cgroup memory controller");
	assert_false(cg.memory_current.present);
	nh_rv_series_t se = nh_rv_series(rec);
	assert_false(se.file.present);
	assert_string_equal(se.file.why, "series.file: null");
	assert_string_equal(se.unavailable.s, "interval=off");

	assert_null(nh_results_record(r, nh_results_count(r))); /* past the end */
	const nh_results_config_t *cfg = nh_results_config(r, 0);
	assert_ptr_equal(nh_results_config_run(r, cfg, 0), nh_results_record(r, cfg->runs[0]));
	assert_null(nh_results_config_run(r, cfg, cfg->run_count));
	nh_results_free(r);
}

/* Fields missing, null or of another type: absent, each with its field and why. */
static void record_absent_with_reason(void **state)
{
	(void)state;
	char *dir = scratch(
		"{\"workload\":\"stream\",\"params\":{\"size\":\"1M\",\"threads\":2},"
		"\"outcome\":\"ok\",\"policy\":{\"requested\":\"membind=0\",\"observed\":{"
		"\"verdict\":\"not-checked\",\"fraction_on_expected\":null}},"
		"\"metrics\":{\"triad\":{\"value\":null,\"unit\":\"MB/s\",\"better\":\"higher\"}},"
		"\"counters\":{\"unavailable\":\"counters=none\"},\"warmup\":\"no\","
		"\"notes\":{\"kernel\":\"avx512\",\"odd\":3}}\n");
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	assert_non_null(r);
	const nh_rv_t *rec = nh_results_record(r, 0);

	nh_num_t run = nh_rv_run(rec);
	assert_false(run.present);
	assert_string_equal(run.why, "run: not recorded");
	assert_true(isfinite(nh_num_or(run, 0)));
	nh_flag_t warm = nh_rv_warmup(rec);
	assert_false(warm.present);
	assert_string_equal(warm.why, "warmup: not true or false");
	assert_false(nh_flag_true(warm));

	nh_rv_placement_t pl = nh_rv_placement(rec);
	assert_false(pl.fraction_on_expected.present);
	assert_string_equal(pl.fraction_on_expected.why,
			    "policy.observed.fraction_on_expected: null (not measured)");
	assert_false(pl.expected_nodes.present);
	assert_string_equal(pl.expected_nodes.why, "policy.observed.expected_nodes: not recorded");
	assert_false(nh_rv_policy_applied(rec).cpus.present);

	nh_rv_metric_t m = nh_rv_metric(rec, "triad");
	assert_true(m.present);
	assert_false(m.value.present);
	assert_string_equal(m.value.why, "metrics.<name>.value: null (not measured)");
	nh_rv_metric_t none = nh_rv_metric(rec, "copy");
	assert_false(none.present);
	assert_string_equal(none.why, "metrics: not in the record");
	assert_false(none.value.present);

	const char *why = NULL;
	assert_false(nh_rv_numastat_present(rec, &why));
	assert_string_equal(why, "numastat: not recorded");
	nh_num_t ratio = nh_rv_numa_miss_ratio(rec);
	assert_false(ratio.present);
	assert_string_equal(ratio.why, "numastat.numa_miss_ratio: not recorded");
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_rv_numastat_node_t ns;
	assert_false(nh_rv_numastat_next(rec, &it, &ns));

	assert_string_equal(nh_rv_counters_unavailable(rec).s, "counters=none");
	assert_false(nh_rv_memory(rec).vm_rss_bytes.present);
	assert_string_equal(nh_rv_memory(rec).vm_rss_bytes.why, "memory.vm_rss_bytes: not recorded");

	/* a number among the parameters keeps its text, and is not a string */
	nh_rv_param_t p;
	assert_true(nh_rv_param_find(rec, "threads", &p));
	assert_false(p.is_string);
	assert_true(p.is_number);
	assert_string_equal(p.text, "2");
	nh_str_t threads = nh_rv_param(rec, "threads");
	assert_false(threads.present);
	assert_string_equal(threads.why, "params: parameter not a string");

	/* notes: string values only */
	assert_string_equal(nh_rv_note(rec, "kernel").s, "avx512");
	assert_false(nh_rv_note(rec, "odd").present);
	assert_string_equal(nh_rv_note(rec, "odd").why, "notes.<key>: not a string");
	it = NH_RV_ITER_INIT;
	const char *key, *value;
	assert_true(nh_rv_note_next(rec, &it, &key, &value));
	assert_string_equal(key, "kernel");
	assert_false(nh_rv_note_next(rec, &it, &key, &value));

	/* no manifest: every manifest accessor says so */
	const nh_mv_t *mv = nh_results_manifest(r);
	assert_null(mv);
	nh_str_t kernel = nh_mv_host(mv).kernel;
	assert_false(kernel.present);
	nh_mv_host_t host = nh_mv_host(mv);
	assert_false(host.present);
	assert_string_equal(host.why, "no manifest.json in the results directory");
	assert_string_equal(nh_mv_scenario_name(mv).why, "no manifest.json in the results directory");
	assert_false(nh_mv_has_nodes(mv, &why));
	assert_string_equal(why, "no manifest.json in the results directory");
	assert_int_equal(nh_mv_node_count(mv), 0);
	assert_int_equal(nh_mv_param_count(mv), 0);
	nh_results_free(r);
	scratch_free(dir);
}

/* A configuration field too long for its slot is refused with its line, never cut: two cut
 * policies could otherwise share one key and be compared as one configuration. */
static void config_field_too_long(void **state)
{
	(void)state;
	char policy[400];
	memset(policy, 'x', sizeof policy - 1);
	policy[sizeof policy - 1] = '\0';
	char runs[1024];
	snprintf(runs, sizeof runs,
		 "{\"workload\":\"stream\",\"params\":{},\"outcome\":\"ok\","
		 "\"policy\":{\"requested\":\"%s\"}}\n", policy);
	char *dir = scratch(runs);
	nh_err_t err;
	assert_null(nh_results_load(dir, &err));
	assert_non_null(strstr(err.msg, "runs.jsonl:1: policy.requested too long for a configuration "
					 "(399 bytes, at most 255)"));
	scratch_free(dir);
}

static void manifest_typed(void **state)
{
	(void)state;
	nh_err_t err;
	nh_results_t *r = nh_results_load(COMPARE "/baseline", &err);
	assert_non_null(r);
	const nh_mv_t *mv = nh_results_manifest(r);
	assert_non_null(mv);
	assert_true(nh_mv_schema_version(mv).v == NH_RESULTS_SCHEMA_VERSION);
	assert_string_equal(nh_mv_tool_version(mv).s, "0.1.0");
	assert_string_equal(nh_mv_command(mv).s, "run fixture.lua");
	assert_string_equal(nh_mv_status(mv).s, "complete");
	assert_string_equal(nh_mv_finished_at(mv).s, "2026-11-22T00:01:00Z");
	assert_true(nh_mv_planned_runs(mv).v == 26);
	assert_true(nh_mv_outcome_count(mv, "ok").v == 26);
	assert_string_equal(nh_mv_scenario_name(mv).s, "baseline");
	nh_str_t sha = nh_mv_scenario_sha256(mv);
	assert_false(sha.present);
	assert_string_equal(sha.why, "scenario.sha256: null");

	nh_mv_host_t h = nh_mv_host(mv);
	assert_true(h.present);
	assert_string_equal(h.kernel.s, "6.1.0-26-amd64");
	assert_string_equal(h.thp_enabled.s, "madvise");
	assert_false(h.thp_defrag.present);
	assert_true(h.numa_balancing.present && !h.numa_balancing.v);
	assert_false(h.perf_event_paranoid.present);
	assert_string_equal(h.source.s, "system");

	assert_true(nh_mv_has_nodes(mv, NULL));
	assert_int_equal(nh_mv_node_count(mv), 1);
	nh_mv_node_t node = nh_mv_node(mv, 0);
	assert_true(node.id.present && node.id.v == 0);
	assert_int_equal(node.cpu_count, 2);
	assert_true(nh_set_has(&node.cpus, 1));
	assert_true(node.mem_total_bytes.v == 10429353984.0);
	assert_int_equal(nh_mv_distance_rows(mv), 1);
	assert_int_equal(nh_mv_distance_cols(mv, 0), 1);
	assert_true(nh_mv_distance(mv, 0, 0).v == 10);
	nh_num_t off = nh_mv_distance(mv, 0, 1);
	assert_false(off.present);
	assert_string_equal(off.why, "host.distances: no such entry");
	assert_int_equal(nh_mv_cache_count(mv), 0);
	nh_results_free(r);

	/* scenario parameters, as `run --set` takes them */
	r = nh_results_load(REPORT, &err);
	assert_non_null(r);
	assert_int_equal(nh_mv_param_count(nh_results_manifest(r)), 0);
	nh_results_free(r);
}

static void checks_and_comparison(void **state)
{
	(void)state;
	nh_err_t err;
	nh_results_t *r = nh_results_load(REPORT, &err);
	assert_non_null(r);
	nh_results_doc_error_t why;
	nh_checks_view_t *checks = nh_results_checks_load(r, &why);
	assert_non_null(checks);
	assert_true(nh_checks_view_count(checks) > 0);
	nh_check_view_t k = nh_checks_view_at(checks, 0);
	assert_string_equal(k.status.s, "pass");
	assert_string_equal(k.name.s, "runs ok or skipped (stream default)");
	assert_string_equal(k.detail.s, "3 of 3 runs ok");
	assert_true(k.fails_gate.present && !k.fails_gate.v);
	nh_checks_view_free(checks);

	nh_cmp_view_t *cmp = nh_results_comparison_load(r, &why);
	assert_non_null(cmp);
	assert_true(nh_cmp_view_baseline(cmp).present);
	assert_true(nh_cmp_view_rule(cmp).present);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	const char *verdict;
	long long count = -1;
	assert_true(nh_cmp_view_summary_next(cmp, &it, &verdict, &count));
	assert_string_equal(verdict, "same");
	assert_int_equal(count, 0);
	assert_int_equal(nh_cmp_view_row_count(cmp), 18);
	nh_cmp_row_view_t row = nh_cmp_view_row(cmp, 0);
	assert_string_equal(row.label.s, "stream default");
	assert_string_equal(row.metric.s, "first_touch_s");
	assert_string_equal(row.verdict.s, "insufficient");
	assert_true(fabs(row.change_pct.v + 20.12380076) < 1e-6);
	assert_true(row.interval_lo_pct.present && row.interval_hi_pct.present);
	assert_true(row.base_median.present && row.cand_median.present);
	assert_true(row.p_mann_whitney.v == 0.7);
	assert_int_equal(nh_cmp_view_only_count(cmp, false), 0);
	assert_int_equal(nh_cmp_view_note_count(cmp), 0);
	nh_cmp_view_free(cmp);
	nh_results_free(r);

	/* absent, then unreadable with the line */
	char *dir = scratch("{\"workload\":\"stream\",\"params\":{},\"outcome\":\"ok\","
			    "\"policy\":{\"requested\":\"default\"}}\n");
	r = nh_results_load(dir, &err);
	assert_non_null(r);
	assert_null(nh_results_checks_load(r, &why));
	assert_true(why.absent);
	scratch_file(dir, "compare.json", "{\n\"rows\": [\n");
	assert_null(nh_results_comparison_load(r, &why));
	assert_false(why.absent);
	assert_int_equal(why.line, 3);
	assert_true(why.text[0] != '\0');
	nh_results_free(r);
	scratch_free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_complete),
		cmocka_unit_test(record_absent_with_reason),
		cmocka_unit_test(config_field_too_long),
		cmocka_unit_test(manifest_typed),
		cmocka_unit_test(checks_and_comparison),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
