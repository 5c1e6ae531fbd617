/* SPDX-License-Identifier: MIT */
/* store: a results directory — manifest.json, runs.jsonl (appended + fsynced per run),
 * metrics.csv — written so an interrupted sweep leaves a readable directory. */
#ifndef NH_STORE_H
#define NH_STORE_H

#include <jansson.h>

#include "util.h"

/* How a run ended: part of the record model (a record's "outcome", the manifest's counts). */
enum nh_outcome {
	NH_OUTCOME_OK,
	NH_OUTCOME_FAILED,
	NH_OUTCOME_TIMEOUT,
	NH_OUTCOME_CRASHED,
	NH_OUTCOME_OOM_KILLED,
	NH_OUTCOME_SKIPPED,
};
const char *nh_outcome_name(enum nh_outcome o);

typedef struct nh_store nh_store_t;

/* A scenario parameter (param() in the scenario, `run --set NAME=VALUE`) as it was used, so a
 * results directory says what it was run with. Values are text in Lua's spelling; type says how
 * the manifest writes them ("number", "boolean", "string"). */
typedef struct nh_manifest_param {
	char name[64];
	char type[8];
	char value[256];
	char def[256];
	char help[256];
	bool set; /* given with --set (else the default) */
} nh_manifest_param_t;

typedef struct nh_manifest_info {
	const char *scenario_name;
	const char *scenario_path;   /* NULL for ad-hoc bench runs */
	const char *command_line;
	unsigned planned_runs;
	const nh_manifest_param_t *params; /* scenario.parameters; NULL/0 for none */
	unsigned param_count;
	const char *csv_header; /* metrics.csv's first line, from the record's encoder */
} nh_manifest_info_t;

/** \brief Create a new run directory. With \p out_dir, that directory (created if missing; refused
 *  if it already holds results, so earlier results are never overwritten); otherwise
 *  <results_root>/<scenario>-<UTC stamp>[-N]. Writes manifest.json, with \p host (the host's
 *  facts as JSON, borrowed; NULL for none) as its "host". */
nh_store_t *nh_store_create(const char *out_dir, const char *results_root, json_t *host,
			    const nh_manifest_info_t *info, nh_err_t *err);
/** \brief Append one encoded record (one JSON line without its newline, and its metrics.csv
 *  rows) to runs.jsonl and metrics.csv, fsynced; \p outcome counts it for the manifest and
 *  \p run_number names it in errors. */
int nh_store_append(nh_store_t *s, const char *json_line, const char *csv_rows,
		    enum nh_outcome outcome, unsigned run_number, nh_err_t *err);
/* How a sweep ended, the manifest's "status". */
enum nh_store_end {
	NH_STORE_COMPLETE,    /* "complete": the plan ran to its end */
	NH_STORE_INTERRUPTED, /* "interrupted": the operator stopped it (Ctrl-C, SIGTERM) */
	NH_STORE_STOPPED,     /* "stopped": the scenario stopped it (a hook's error) */
};
/** \brief Rewrite manifest.json with the end time, outcome counts and status. */
int nh_store_finish(nh_store_t *s, enum nh_store_end end, nh_err_t *err);
/** \brief A member of manifest.json set now and written by nh_store_finish (\p value stolen;
 *  NULL: nothing), e.g. "hooks": what the scenario's hooks cost. */
void nh_store_set(nh_store_t *s, const char *key, json_t *value);
/** \brief The same with a status of the caller's: "stopped: host checks failed" when the sweep
 *  was not run at all. */
int nh_store_finish_as(nh_store_t *s, const char *status, nh_err_t *err);
const char *nh_store_dir(const nh_store_t *s);
/** \brief The run id: the directory's base name, the first column of metrics.csv. */
const char *nh_store_run_id(const nh_store_t *s);
void nh_store_free(nh_store_t *s);

#endif
