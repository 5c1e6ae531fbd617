/* SPDX-License-Identifier: MIT */
/* results: a results directory read back (manifest.json, runs.jsonl, and the checks.json and
 * compare.json written beside them) and its runs grouped into configurations, for reports,
 * comparisons and expectations. Records and the manifest are read through record_view.h: nothing
 * outside this module looks a key up by its string. */
#ifndef NH_RESULTS_H
#define NH_RESULTS_H

#include "record_view.h"
#include "util.h"

typedef struct nh_results nh_results_t;

/* One configuration: the runs that share workload, parameters, policy and allocator. */
typedef struct nh_results_config {
	char key[1024];	   /* "stream|size=1G threads=2 ...|membind=0|glibc": what compare matches on */
	char workload[32];
	char policy[256];  /* policy.requested */
	char params[640];  /* "name=value ..." in the records' order, allocator excluded */
	char allocator[64];
	unsigned run_count; /* counted runs: not warm-ups */
	unsigned ok_count;  /* of which outcome ok */
	unsigned *runs;	    /* indexes of the counted runs into the record list */
} nh_results_config_t;

/** \brief Load DIR/manifest.json and DIR/runs.jsonl. Errors name the file and line:
 *  "results/x/runs.jsonl:3: not JSON: ...", "results/x: not a results directory (no runs.jsonl)".
 *  A torn last line (a write cut short) is not an error: the complete records are loaded and
 *  nh_results_warning says what was skipped (also logged once as a warning). */
nh_results_t *nh_results_load(const char *dir, nh_err_t *err);
/** \brief "DIR/runs.jsonl:N: torn last record (B bytes) ignored; ..." or NULL. */
const char *nh_results_warning(const nh_results_t *r);
void nh_results_free(nh_results_t *r);
const char *nh_results_dir(const nh_results_t *r);
/** \brief The manifest (borrowed; NULL when the directory has none, which every nh_mv_*
 *  accessor takes and answers "absent: no manifest.json"). */
const nh_mv_t *nh_results_manifest(const nh_results_t *r);
unsigned nh_results_count(const nh_results_t *r);
/** \brief The i-th record of runs.jsonl, warm-ups included (borrowed; NULL past the end). */
const nh_rv_t *nh_results_record(const nh_results_t *r, unsigned i);
unsigned nh_results_config_count(const nh_results_t *r);
const nh_results_config_t *nh_results_config(const nh_results_t *r, unsigned i);
/** \brief The configuration with this key, or NULL. */
const nh_results_config_t *nh_results_find(const nh_results_t *r, const char *key);
/** \brief Values of \p metric over the ok counted runs of \p c (at most \p max); its unit and
 *  better-direction (+1 higher, -1 lower, 0 none) from the first record that has it. Returns
 *  how many. */
unsigned nh_results_values(const nh_results_t *r, const nh_results_config_t *c, const char *metric,
			   double *out, unsigned max, const char **unit, int *better);
/** \brief Names of the metrics the configuration's records carry, in first-seen order
 *  (borrowed strings); returns how many (<= max). */
unsigned nh_results_metric_names(const nh_results_t *r, const nh_results_config_t *c,
				 const char **names, unsigned max);
/** \brief The k-th counted run of configuration \p c (k < c->run_count). */
const nh_rv_t *nh_results_config_run(const nh_results_t *r, const nh_results_config_t *c,
				     unsigned k);

/* ---- the other documents of a results directory: checks.json, compare.json,
 *      scenario-report.json ---- */

/* Why a document that may be missing could not be read. */
typedef struct nh_results_doc_error {
	bool absent;	/* no such file: a results directory need not have one */
	int line;	/* else where it is not JSON, */
	char text[160]; /* and what was wrong */
} nh_results_doc_error_t;

/* checks.json, as nh_checks_write wrote it. */
typedef struct nh_checks_view nh_checks_view_t;
typedef struct nh_check_view {
	nh_str_t status; /* pass, fail, not-evaluated */
	nh_str_t name, detail, source;
	nh_flag_t fails_gate;
} nh_check_view_t;
/** \brief DIR/checks.json; NULL with \p why filled when absent or unreadable. */
nh_checks_view_t *nh_results_checks_load(const nh_results_t *r, nh_results_doc_error_t *why);
void nh_checks_view_free(nh_checks_view_t *v);
unsigned nh_checks_view_count(const nh_checks_view_t *v);
nh_check_view_t nh_checks_view_at(const nh_checks_view_t *v, unsigned i);

/* compare.json, as nh_compare_json wrote it. */
typedef struct nh_cmp_view nh_cmp_view_t;
typedef struct nh_cmp_row_view {
	nh_str_t label, key, metric, unit, verdict;
	nh_num_t base_median, cand_median;
	nh_num_t change_pct;		    /* absent from a baseline median of 0 */
	nh_num_t interval_lo_pct, interval_hi_pct; /* bootstrap interval of the change */
	nh_num_t p_mann_whitney;
} nh_cmp_row_view_t;
typedef struct nh_cmp_only_view {
	nh_str_t label, key;
} nh_cmp_only_view_t;
/** \brief DIR/compare.json; NULL with \p why filled when absent or unreadable. */
nh_cmp_view_t *nh_results_comparison_load(const nh_results_t *r, nh_results_doc_error_t *why);
void nh_cmp_view_free(nh_cmp_view_t *v);
nh_str_t nh_cmp_view_baseline(const nh_cmp_view_t *v);
nh_str_t nh_cmp_view_candidate(const nh_cmp_view_t *v);
nh_str_t nh_cmp_view_rule(const nh_cmp_view_t *v);
/** \brief The summary's verdict counts in their order ("regression" 2, ...). */
bool nh_cmp_view_summary_next(const nh_cmp_view_t *v, nh_rv_iter_t *it, const char **verdict,
			      long long *count);
unsigned nh_cmp_view_row_count(const nh_cmp_view_t *v);
nh_cmp_row_view_t nh_cmp_view_row(const nh_cmp_view_t *v, unsigned i);
unsigned nh_cmp_view_only_count(const nh_cmp_view_t *v, bool in_candidate);
nh_cmp_only_view_t nh_cmp_view_only(const nh_cmp_view_t *v, bool in_candidate, unsigned i);
unsigned nh_cmp_view_note_count(const nh_cmp_view_t *v);
nh_str_t nh_cmp_view_note(const nh_cmp_view_t *v, unsigned i);

/* scenario-report.json: what the scenario's code added to the report (nh.report.section, .table,
 * .chart), in call order, so `numaharness report DIR` shows it again without running Lua:
 *   {"format": "numaharness-scenario-report/1", "items": [
 *     {"type": "section", "title": T, "markdown": M, "source": "x.lua:12"},
 *     {"type": "table", "title": T, "columns": [C...], "rows": [[cell...]...], "note": N, ...},
 *     {"type": "chart", "title": T, "style": "lines"|"bars", "x": XLABEL, "y": YLABEL,
 *      "series": [{"name": S, "points": [[x, y, lo, hi]...]}...], ...}]}
 * Any item may have "placement": "top" (it opens the report) or "results" (the default: after
 * the results, in "From the scenario"). A cell is a string, number, boolean or null; a point's
 * x a number (or a label for bars), its y, lo and hi numbers or null. Every accessor takes a hand-edited document: what is not of its
 * type is absent with why. */
typedef struct nh_scen_view nh_scen_view_t;
typedef struct nh_scen_item_view {
	nh_str_t type; /* section, table, chart */
	nh_str_t title, source;
	nh_str_t markdown;		  /* section */
	nh_str_t note;			  /* table, chart: a line under it */
	nh_str_t style, xlabel, ylabel; /* chart */
	nh_str_t placement;		  /* "top" or "results"; absent: results */
} nh_scen_item_view_t;
/* A table cell or a point's x: absent (null), text, a number or a flag. */
typedef struct nh_scen_cell {
	enum { NH_SCEN_EMPTY, NH_SCEN_TEXT, NH_SCEN_NUMBER, NH_SCEN_FLAG } kind;
	const char *s; /* NH_SCEN_TEXT */
	double v;      /* NH_SCEN_NUMBER; NH_SCEN_FLAG: 0 or 1 */
} nh_scen_cell_t;
typedef struct nh_scen_point {
	nh_scen_cell_t x;
	nh_num_t y, lo, hi;
} nh_scen_point_t;
/** \brief DIR/scenario-report.json; NULL with \p why filled when absent or unreadable. */
nh_scen_view_t *nh_results_scenario_load(const nh_results_t *r, nh_results_doc_error_t *why);
void nh_scen_view_free(nh_scen_view_t *v);
unsigned nh_scen_view_count(const nh_scen_view_t *v);
nh_scen_item_view_t nh_scen_view_item(const nh_scen_view_t *v, unsigned i);
unsigned nh_scen_view_columns(const nh_scen_view_t *v, unsigned i);
nh_str_t nh_scen_view_column(const nh_scen_view_t *v, unsigned i, unsigned col);
unsigned nh_scen_view_rows(const nh_scen_view_t *v, unsigned i);
nh_scen_cell_t nh_scen_view_cell(const nh_scen_view_t *v, unsigned i, unsigned row, unsigned col);
unsigned nh_scen_view_series(const nh_scen_view_t *v, unsigned i);
nh_str_t nh_scen_view_series_name(const nh_scen_view_t *v, unsigned i, unsigned s);
unsigned nh_scen_view_points(const nh_scen_view_t *v, unsigned i, unsigned s);
nh_scen_point_t nh_scen_view_point(const nh_scen_view_t *v, unsigned i, unsigned s, unsigned k);

#endif
