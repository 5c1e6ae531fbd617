/* SPDX-License-Identifier: MIT */
/* results: a results directory read back (manifest.json, runs.jsonl) and its runs grouped into
 * configurations, for reports, comparisons and expectations. */
#ifndef NH_RESULTS_H
#define NH_RESULTS_H

#include <jansson.h>

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
/** \brief The manifest (borrowed; NULL when the directory has none). */
json_t *nh_results_manifest(const nh_results_t *r);
unsigned nh_results_count(const nh_results_t *r);
/** \brief The i-th record of runs.jsonl, warm-ups included (borrowed). */
json_t *nh_results_record(const nh_results_t *r, unsigned i);
/** \brief o[a][b][c] (b and c may be NULL): a record's or manifest's member, NULL when absent. */
json_t *nh_json_path(json_t *o, const char *a, const char *b, const char *c);
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

#endif
