/* SPDX-License-Identifier: MIT */
/* Fuzz target: scenario-report.json as `numaharness report DIR` reads it — what a scenario's
 * nh.report calls left, or a hand-edited copy — beside one fixed record: every item through the
 * results reader, the scenario's charts written (not drawn) and the report written (its
 * Markdown through cmark, tables, chart references). */
#include <string.h>

#include "charts.h"
#include "fuzz_common.h"
#include "report.h"
#include "results.h"

static char *dir;

/* One ok STREAM run, so the report has a configuration beside the scenario's items. */
static const char RECORD[] =
		"{\"run\":0,\"config\":0,\"rep\":0,\"warmup\":false,\"workload\":\"stream\","
		"\"params\":{\"size\":\"1M\"},\"outcome\":\"ok\",\"reason\":\"\","
		"\"policy\":{\"requested\":\"default\"},"
		"\"metrics\":{\"triad\":{\"value\":1000,\"unit\":\"MB/s\",\"better\":\"higher\"}}}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dir = nh_fuzz_scratch_dir();
	nh_fuzz_write(dir, "runs.jsonl", RECORD, sizeof RECORD - 1);
	nh_log_set_level(NH_LOG_ERROR);
	(void)argc, (void)argv;
	return 0;
}

static void read_items(const nh_results_t *r)
{
	nh_results_doc_error_t why;
	nh_scen_view_t *v = nh_results_scenario_load(r, &why);
	if (!v)
		return;
	for (unsigned i = 0; i <= nh_scen_view_count(v); i++) { /* one past the end too */
		(void)nh_scen_view_item(v, i);
		for (unsigned c = 0; c <= nh_scen_view_columns(v, i); c++) {
			(void)nh_scen_view_column(v, i, c);
			for (unsigned row = 0; row <= nh_scen_view_rows(v, i) && row < 64; row++)
				(void)nh_scen_view_cell(v, i, row, c);
		}
		for (unsigned s = 0; s <= nh_scen_view_series(v, i); s++) {
			(void)nh_scen_view_series_name(v, i, s);
			for (unsigned k = 0; k <= nh_scen_view_points(v, i, s) && k < 256; k++)
				(void)nh_scen_view_point(v, i, s, k);
		}
	}
	nh_scen_view_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_write(dir, "scenario-report.json", (const char *)data, size);
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	if (!r)
		abort(); /* the record is fixed: only scenario-report.json varies */
	read_items(r);
	nh_charts_t charts;
	if (nh_charts_make(r, false, &charts, &err) == 0)
		nh_charts_free(&charts);
	const nh_report_opts_t opts = {.no_charts = true};
	(void)nh_report_write_results(r, &opts, NULL, &err);
	nh_results_free(r);
	return 0;
}
