/* SPDX-License-Identifier: MIT */
/* host_summary: what a fleet is judged on, read without runs.jsonl — one host's manifest.json,
 * checks.json and metrics.csv (the files an engine fetches from each host), and the cohort
 * medians of an earlier fleet.json (`fleet --baseline`). A fleet has thousands of hosts: the
 * metrics.csv reader streams its rows one at a time, and the fleet.json reader keeps only the
 * medians. */
#ifndef NH_HOST_SUMMARY_H
#define NH_HOST_SUMMARY_H

#include <stdbool.h>

#include "record_view.h"
#include "results.h"
#include "util.h"

/** \brief Call once before reading hosts from several threads: the JSON parser sets up its
 *  hashing on first use, which is not safe to race. Each host's documents are its own after. */
void nh_host_summary_threads(void);

/* ---- manifest.json and checks.json of a directory ---- */

/** \brief DIR's manifest.json alone, read through the nh_mv_* accessors of record_view.h.
 *  NULL with errno ENOENT and "DIR/manifest.json: no such file" when there is none, or EINVAL
 *  and "DIR/manifest.json:LINE: not JSON: ..." / "...:1: not a JSON object". */
nh_mv_t *nh_mv_load(const char *dir, nh_err_t *err);
void nh_mv_free(nh_mv_t *mv);

/** \brief DIR/checks.json (as nh_results_checks_load, without a loaded results directory);
 *  NULL with \p why filled when absent or unreadable. */
nh_checks_view_t *nh_checks_view_load(const char *dir, nh_results_doc_error_t *why);

/* ---- metrics.csv, one row at a time ---- */

/* One row: run_id,run,config,rep,warmup,workload,params,policy,outcome,metric,value,unit,better
 * (RFC 4180 quoting undone). The strings live until the next call. */
typedef struct nh_metrics_row {
	unsigned line; /* in the file, for messages */
	const char *run_id, *workload, *params, *policy, *outcome, *metric, *unit;
	nh_num_t run, config, rep; /* integers */
	bool warmup;
	nh_num_t value; /* absent ("not measured") when the cell is empty */
	int better;	/* +1 higher, -1 lower, 0 none */
} nh_metrics_row_t;

typedef struct nh_metrics_csv nh_metrics_csv_t;

/** \brief Open DIR/metrics.csv and read its header, which must name at least workload, policy,
 *  outcome, metric and value (columns are found by name). NULL with errno ENOENT ("DIR/
 *  metrics.csv: no such file") or EINVAL ("DIR/metrics.csv:1: no 'metric' column"). */
nh_metrics_csv_t *nh_metrics_csv_open(const char *dir, nh_err_t *err);
/** \brief The next row into \p row: 1, 0 at the end, or -1 (EINVAL) with "DIR/metrics.csv:LINE:
 *  ..." for a damaged row. A torn last line (no newline at the end of the file, as a killed
 *  append leaves) ends the file with a warning instead (nh_metrics_csv_warning). */
int nh_metrics_csv_next(nh_metrics_csv_t *c, nh_metrics_row_t *row, nh_err_t *err);
/** \brief "DIR/metrics.csv:N: torn last row (B bytes) ignored" after the end, or NULL. */
const char *nh_metrics_csv_warning(const nh_metrics_csv_t *c);
void nh_metrics_csv_close(nh_metrics_csv_t *c);

/* ---- an earlier fleet.json: its cohort medians (`fleet --baseline`) ---- */

/* fleet.json's "format" (the fleet module writes it). */
#define NH_FLEET_FORMAT "numaharness-fleet/1"

typedef struct nh_fleet_doc nh_fleet_doc_t;

/* One reference figure: cohort × node × metric, as fleet.json's "cohorts" hold them. */
typedef struct nh_fleet_ref {
	const char *cohort, *metric;
	unsigned node;
	unsigned n;   /* hosts it was the median of */
	double median;
	nh_num_t mad; /* absent when the earlier run could not compute one */
} nh_fleet_ref_t;

/** \brief The cohort medians of fleet.json at \p path (the rest of the document is dropped at
 *  once). NULL with a message: "PATH: no such file", "PATH:LINE: not JSON: ...", "PATH: not a
 *  fleet.json (format ...)", "PATH: cohorts[2].nodes[0]: ...". */
nh_fleet_doc_t *nh_fleet_doc_load(const char *path, nh_err_t *err);
unsigned nh_fleet_doc_count(const nh_fleet_doc_t *d);
nh_fleet_ref_t nh_fleet_doc_ref(const nh_fleet_doc_t *d, unsigned i);
/** \brief When the earlier fleet was judged ("created_at"), or absent. */
nh_str_t nh_fleet_doc_created_at(const nh_fleet_doc_t *d);
void nh_fleet_doc_free(nh_fleet_doc_t *d);

#endif
