/* SPDX-License-Identifier: MIT */
/* cli_sweep: running a plan into a results directory, shared by run, bench and matrix. */
#ifndef NH_CLI_SWEEP_H
#define NH_CLI_SWEEP_H

#include "plan.h"
#include "record.h"
#include "store.h"

typedef struct nh_sweep_opts {
	const char *out_dir;
	const char *results_root;
	const char *scenario_path;
	const char *command_line;
	double placement_threshold;
	bool json;  /* records as JSON lines on stdout */
	bool quiet; /* no per-run lines */
	bool no_report; /* the caller writes the report itself (after the expectations) */
	const nh_manifest_param_t *params; /* the scenario's parameters, for the manifest */
	unsigned param_count;
} nh_sweep_opts_t;

/* The records of a finished sweep, for commands that print their own tables (matrix). */
typedef struct nh_sweep_result {
	nh_record_t *recs; /* malloc'd; free() it */
	unsigned count;
	char dir[4096];
} nh_sweep_result_t;

/** \brief Run every spec of \p plan, appending each record to a new results directory; print
 *  progress and the summary. Returns the exit status (0 ok, 1 some run went wrong, 2 the
 *  harness could not run, 130 interrupted). With \p result, hands the records back. */
int nh_sweep_execute(nh_plan_t *plan, const char *name, const nh_topo_t *topo, const nh_sweep_opts_t *o,
		     nh_sweep_result_t *result);

/** \brief The command line as one string (arguments with spaces quoted), malloc'd. */
char *nh_cli_join_args(int argc, char **argv);

/** \brief Median of metric \p name over the counted (non-warm-up, ok) runs of configuration
 *  \p config; NAN when none has it. */
double nh_sweep_median(const nh_record_t *recs, unsigned n, unsigned config, const char *name);

#endif
