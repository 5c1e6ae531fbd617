/* SPDX-License-Identifier: MIT */
/* store: a results directory — manifest.json, runs.jsonl (appended + fsynced per run),
 * metrics.csv — written so an interrupted sweep leaves a readable directory. */
#ifndef NH_STORE_H
#define NH_STORE_H

#include "record.h"

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
} nh_manifest_info_t;

/** \brief Create a new run directory. With \p out_dir, that directory (created if missing; refused
 *  if it already holds results, so earlier results are never overwritten); otherwise
 *  <results_root>/<scenario>-<UTC stamp>[-N]. Writes manifest.json. */
nh_store_t *nh_store_create(const char *out_dir, const char *results_root, const nh_topo_t *topo,
			    const nh_manifest_info_t *info, nh_err_t *err);
/** \brief Append the record to runs.jsonl and metrics.csv, fsynced. */
int nh_store_append(nh_store_t *s, const nh_record_t *rec, nh_err_t *err);
/** \brief Rewrite manifest.json with the end time, outcome counts and status ("complete", or
 *  "interrupted" when the operator stopped the sweep). */
int nh_store_finish(nh_store_t *s, bool interrupted, nh_err_t *err);
const char *nh_store_dir(const nh_store_t *s);
void nh_store_free(nh_store_t *s);

#endif
