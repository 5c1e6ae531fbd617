/* SPDX-License-Identifier: MIT */
/* Fuzz target: a results directory as report/compare/expect read it — runs.jsonl records
 * (after a manifest.json and a form feed when the input has one: JSON never holds a raw form
 * feed, while a torn runs.jsonl may hold NULs) loaded from a scratch directory, grouped into
 * configurations, read back through every accessor, and compared with itself as `numaharness
 * compare` does (statistics, labels, table, Markdown, JSON). */
#include <string.h>
#include <unistd.h>

#include "compare.h"
#include "fuzz_common.h"
#include "results.h"

static char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dir = nh_fuzz_scratch_dir();
	nh_log_set_level(NH_LOG_ERROR); /* a torn last record is logged as a warning each time */
	return 0;
}

/* Every typed accessor of a record (NULL included: one past the end). */
static void read_record(const nh_rv_t *rv)
{
	(void)nh_rv_workload(rv), (void)nh_rv_run(rv), (void)nh_rv_config(rv), (void)nh_rv_rep(rv);
	(void)nh_rv_warmup(rv), (void)nh_rv_outcome(rv), (void)nh_rv_reason(rv);
	(void)nh_rv_started_at(rv), (void)nh_rv_duration_s(rv), (void)nh_rv_exit_status(rv);
	(void)nh_rv_signal(rv), (void)nh_rv_source(rv), (void)nh_rv_policy_requested(rv);
	(void)nh_rv_policy_applied(rv), (void)nh_rv_allocator(rv), (void)nh_rv_placement(rv);
	(void)nh_rv_numa_miss_ratio(rv), (void)nh_rv_counters_unavailable(rv);
	(void)nh_rv_memory(rv), (void)nh_rv_cgroup(rv), (void)nh_rv_series(rv);
	(void)nh_rv_metric(rv, "bandwidth"), (void)nh_rv_counter(rv, "cycles.cycles");
	(void)nh_rv_note(rv, "kernel"), (void)nh_rv_param(rv, "size");
	nh_rv_node_pages_t pages[8];
	nh_rv_pages_by_node(rv, false, pages, NH_ARRAY_LEN(pages));
	nh_rv_pages_by_node(rv, true, pages, NH_ARRAY_LEN(pages));
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_rv_param_t p, q;
	while (nh_rv_param_next(rv, &it, &p))
		if (nh_rv_param_find(rv, p.name, &q) && !nh_rv_param_equal(&p, &q) &&
		    strcmp(p.name, q.name) != 0)
			abort(); /* a name found again is the same parameter */
	it = NH_RV_ITER_INIT;
	nh_rv_metric_t m;
	while (nh_rv_metric_next(rv, &it, &m))
		;
	it = NH_RV_ITER_INIT;
	nh_rv_counter_t c;
	while (nh_rv_counter_next(rv, &it, &c))
		;
	it = NH_RV_ITER_INIT;
	nh_rv_numastat_node_t ns;
	(void)nh_rv_numastat_present(rv, NULL);
	while (nh_rv_numastat_next(rv, &it, &ns))
		;
	it = NH_RV_ITER_INIT;
	const char *key, *value;
	while (nh_rv_note_next(rv, &it, &key, &value))
		;
}

static void read_manifest(const nh_mv_t *mv)
{
	(void)nh_mv_schema_version(mv), (void)nh_mv_tool_version(mv), (void)nh_mv_command(mv);
	(void)nh_mv_status(mv), (void)nh_mv_started_at(mv), (void)nh_mv_finished_at(mv);
	(void)nh_mv_planned_runs(mv), (void)nh_mv_outcome_count(mv, "ok");
	(void)nh_mv_scenario_name(mv), (void)nh_mv_scenario_path(mv);
	(void)nh_mv_scenario_sha256(mv), (void)nh_mv_host(mv), (void)nh_mv_has_nodes(mv, NULL);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_mv_param_t p;
	(void)nh_mv_param_count(mv);
	while (nh_mv_param_next(mv, &it, &p))
		;
	for (unsigned i = 0; i <= nh_mv_node_count(mv); i++)
		(void)nh_mv_node(mv, i);
	for (unsigned i = 0; i <= nh_mv_distance_rows(mv); i++)
		for (unsigned k = 0; k <= nh_mv_distance_cols(mv, i); k++)
			(void)nh_mv_distance(mv, i, k);
	for (unsigned i = 0; i <= nh_mv_cache_count(mv); i++)
		(void)nh_mv_cache(mv, i);
}

/* Everything a reader asks of a loaded directory. */
static void read_back(nh_results_t *r)
{
	(void)nh_results_dir(r);
	(void)nh_results_warning(r);
	read_manifest(nh_results_manifest(r));
	for (unsigned i = 0; i <= nh_results_count(r); i++) /* one past the end: NULL */
		read_record(nh_results_record(r, i));
	for (unsigned i = 0; i <= nh_results_config_count(r); i++) {
		const nh_results_config_t *c = nh_results_config(r, i);
		if (!c)
			continue;
		if (nh_results_find(r, c->key) != c)
			abort(); /* the first configuration of a key is the one found */
		const char *names[64];
		unsigned n = nh_results_metric_names(r, c, names, NH_ARRAY_LEN(names));
		for (unsigned k = 0; k < n; k++) {
			double values[32];
			const char *unit;
			int better;
			nh_results_values(r, c, names[k], values, NH_ARRAY_LEN(values), &unit, &better);
		}
	}
	(void)nh_results_find(r, "stream||default|glibc");
}

static void compare_with_itself(const nh_results_t *r)
{
	/* Few resamples: the bootstrap's cost is not what is fuzzed. */
	const nh_compare_opts_t opts = {.resamples = 20};
	nh_compare_t *c;
	nh_err_t err;
	if (nh_compare_run(r, r, &opts, &c, &err) < 0)
		return;
	free(nh_compare_table(c));
	free(nh_compare_markdown(c));
	json_decref(nh_compare_json(c));
	nh_compare_regressions_beyond(c, 5);
	nh_compare_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input_split(&in, data, size, '\f');
	unsigned runs = in.parts > 1 ? 1 : 0;
	nh_fuzz_write(dir, "runs.jsonl", in.part[runs], in.len[runs]);
	char manifest[4200];
	snprintf(manifest, sizeof manifest, "%s/manifest.json", dir);
	if (in.parts > 1)
		nh_fuzz_write(dir, "manifest.json", in.part[0], in.len[0]);
	else
		unlink(manifest);
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	if (r) {
		read_back(r);
		compare_with_itself(r);
	}
	nh_results_free(r);
	nh_fuzz_input_free(&in);
	return 0;
}
