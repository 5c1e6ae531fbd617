/* SPDX-License-Identifier: MIT */
/* plan: scenario groups → a validated, expanded list of run specs
 * (workload × parameter combinations × policies × repetitions, warm-ups first). */
#ifndef NH_PLAN_H
#define NH_PLAN_H

#include "policy.h"
#include "workload.h"

typedef struct nh_run_spec {
	unsigned index;	 /* position in the plan, from 0 */
	unsigned config; /* configuration number: same workload, params and policy share one */
	unsigned rep;	 /* repetition within the configuration, from 0 (warm-ups have their own) */
	bool warmup;	 /* run but not counted */
	const nh_workload_t *wl;
	nh_params_t params;
	nh_policy_t policy;
	char allocator_path[256]; /* library to LD_PRELOAD, "" for glibc */
	bool skip;		/* known before running that it cannot run here */
	char skip_reason[256];
	double timeout_s;
	char source[160];	/* "scenario.lua:12" where the group was declared */
} nh_run_spec_t;

/* One declarative group as the scenario gives it. Each parameter may carry several values
 * (a list in Lua): every combination is run. */
#define NH_MAX_VALUES 32
typedef struct nh_plan_group {
	const char *workload;
	unsigned param_count;
	struct {
		const char *name;
		unsigned value_count;
		const char *values[NH_MAX_VALUES];
	} params[NH_MAX_PARAMS];
	unsigned policy_count;
	const char *const *policies; /* specs; none = one run with "default" */
	unsigned reps;		     /* >= 1 */
	unsigned warmup;	     /* warm-up runs per configuration */
	double timeout_s;
	const char *source;	     /* "file:line" for error messages */
} nh_plan_group_t;

typedef struct nh_plan nh_plan_t;

/* A plan over this many runs is refused before anything runs (nh_plan_set_max_runs). */
#define NH_PLAN_DEFAULT_MAX_RUNS 10000u

nh_plan_t *nh_plan_new(const nh_topo_t *topo);
void nh_plan_free(nh_plan_t *plan);
/** \brief Refuse groups that would take the plan over \p max runs (default
 *  NH_PLAN_DEFAULT_MAX_RUNS): nh_plan_add_group fails with E2BIG and the count with its factors,
 *  "x.lua:3: 360000 runs = 30 sizes x 2 threads x 30 ntimes x 2 policies x 100 reps, over the
 *  limit of 10000; --max-runs N to allow". */
void nh_plan_set_max_runs(nh_plan_t *plan, unsigned max);
/** \brief Validate a group against the workload registry and the topology, and append its
 *  runs. Errors carry the group's source: "x.lua:12: policy 'membind=7': node 7 does not exist
 *  (nodes: 0)". A policy the kernel cannot apply is not an error: those runs are marked skip. */
int nh_plan_add_group(nh_plan_t *plan, const nh_plan_group_t *g, nh_err_t *err);
unsigned nh_plan_count(const nh_plan_t *plan);
const nh_run_spec_t *nh_plan_run(const nh_plan_t *plan, unsigned i);
/** \brief Number of distinct configurations. */
unsigned nh_plan_config_count(const nh_plan_t *plan);

#endif
