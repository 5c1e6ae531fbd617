/* SPDX-License-Identifier: MIT */
/* script: the one Lua state (parent process only) — sandboxed scenario loading into a plan. */
#ifndef NH_SCRIPT_H
#define NH_SCRIPT_H

#include "expect.h"
#include "plan.h"
#include "record.h"
#include "run.h"
#include "store.h"

/* At most this many param() declarations per scenario (and --set values per command). */
#define NH_SCRIPT_MAX_PARAMS 64

typedef struct nh_script nh_script_t;

/* Default limits on evaluating Lua: seconds one entry may run, bytes the state may hold. */
#define NH_SCRIPT_DEFAULT_TIME_S 60.0
#define NH_SCRIPT_DEFAULT_MEMORY ((size_t)512 << 20)

/* Why evaluating Lua was stopped from outside the script. */
enum nh_script_stop {
	NH_SCRIPT_RUNNING = 0,	    /* not stopped */
	NH_SCRIPT_STOP_TIME,	    /* over its time budget */
	NH_SCRIPT_STOP_MEMORY,	    /* over its memory cap */
	NH_SCRIPT_STOP_INTERRUPT,   /* SIGINT or SIGTERM */
};

typedef struct nh_scenario_info {
	char name[64];
	char description[256];
	double placement_threshold;
	/* The scenario's expect { ... } entries, checked against the plan already; owned by the
	 * caller (nh_expect_set_free), NULL when loading failed. */
	nh_expect_set_t *expects;
	/* The scenario's param() declarations with the values used, in declaration order. */
	nh_manifest_param_t params[NH_SCRIPT_MAX_PARAMS];
	unsigned param_count;
} nh_scenario_info_t;

/** \brief A Lua state with the harness's modules. \p unsafe lifts the sandbox (io, os, load).
 *  NULL with a message on failure. */
nh_script_t *nh_script_new(const nh_topo_t *topo, bool unsafe, nh_err_t *err);
void nh_script_free(nh_script_t *s);

/** \brief Limits for every later entry into Lua: \p time_s seconds (0: none) of one entry
 *  (loading a scenario), \p memory_bytes (0: none) held by the whole state. A script over
 *  either, or interrupted by SIGINT/SIGTERM, is stopped at once — its own pcall cannot catch
 *  that — and the entry fails with "file:line: stopped: ..." (errno ETIME, ENOMEM or EINTR).
 *  Code stuck inside one C call past the budget makes the process exit (status 2) after 5 s. */
void nh_script_set_limits(nh_script_t *s, double time_s, size_t memory_bytes);
/** \brief The largest plan nh_script_load_plan accepts (default NH_PLAN_DEFAULT_MAX_RUNS). */
void nh_script_set_max_runs(nh_script_t *s, unsigned max_runs);
/** \brief Why the last entry into Lua was stopped, or NH_SCRIPT_RUNNING. */
enum nh_script_stop nh_script_stopped(const nh_script_t *s);

/** \brief Values for the scenario's param() declarations, each "NAME=VALUE" as given to
 *  `run --set`, used by every later nh_script_load_plan (the strings are copied). Returns 0, or
 *  -1 (EINVAL, ENOMEM) with a message that starts with "--set": "--set nodes: expected
 *  NAME=VALUE", "--set nodes=2 and --set nodes=4: the same parameter twice". */
int nh_script_set_params(nh_script_t *s, char *const *assignments, unsigned n, nh_err_t *err);

/** \brief Run the scenario file and turn what it returns into a plan, and its expectations into
 *  info->expects. Every error names file:line ("x.lua:12: policy 'membind=7': node 7 does not
 *  exist (nodes: 0)"). Errors about --set values start with "--set" and name the param()
 *  line ("--set ratio=abc: not a number (x.lua:3)"), or list the declared parameters when a
 *  --set names none of them. */
nh_plan_t *nh_script_load_plan(nh_script_t *s, const char *path, nh_scenario_info_t *info, nh_err_t *err);

/* ---- hooks: the scenario's functions, called by the sweep between runs (script/hooks.c) ---- */

/* Each call returns 0, or -1 with "x.lua:12: message (in after_run)": errno EINTR when Ctrl-C
 * stopped it, ETIME or ENOMEM when a limit did (the message then says so), EINVAL for an error
 * of the hook's own. A hook the scenario does not give is 0. Each call is one entry into Lua,
 * under the limits of nh_script_set_limits. */
bool nh_script_has_hook(const nh_script_t *s, const char *name);
/** \brief setup(ctx) before any run: ctx.topo, ctx.host (kernel, cpu_model, thp_enabled,
 *  thp_defrag, numa_balancing, cgroup), ctx.params (the param() values). error() aborts. */
int nh_script_hook_setup(nh_script_t *s, nh_err_t *err);
/** \brief before_run(spec): 1 when the hook skips the run (\p why: "skipped by before_run:
 *  REASON"), 0 to run it. */
int nh_script_hook_before_run(nh_script_t *s, const nh_run_spec_t *spec, char *why, size_t len,
			      nh_err_t *err);
/** \brief after_run(record): the record as stored, a table shaped like its runs.jsonl line. */
int nh_script_hook_after_run(nh_script_t *s, const nh_record_t *rec, nh_err_t *err);
/** \brief after_config(cfg): a configuration's runs done (warm-ups included). 1 when it returned
 *  "again" (one more repetition wanted), 0 for nil. */
int nh_script_hook_after_config(nh_script_t *s, const nh_record_t *const *recs, unsigned n, nh_err_t *err);
/** \brief One more repetition of \p last's configuration (after_config's "again"), run and stored
 *  like nh.run's runs (counted against the same budget; the record's run_reason says why). */
int nh_script_run_again(nh_script_t *s, const nh_run_spec_t *last, nh_record_t *rec, nh_err_t *err);
typedef struct nh_script_done {
	const char *dir;
	unsigned planned, done, went_wrong;
} nh_script_done_t;
/** \brief done(results): the plan has run; results.dir, planned, done, went_wrong. */
int nh_script_hook_done(nh_script_t *s, const nh_script_done_t *d, nh_err_t *err);
/** \brief The scenario's derive { } metrics added to \p rec before it is stored: each with its
 *  file:line, absent (with the reason) when from() returned nil or the run did not end ok. */
int nh_script_derive(nh_script_t *s, nh_record_t *rec, nh_err_t *err);
/** \brief What reps = { cv = } reached per configuration (config, source, rule, n, cv,
 *  converged), for the manifest; NULL when no run { } asked for it. */
json_t *nh_script_convergence(nh_script_t *s);
/** \brief Seconds spent in hooks and how many calls, for the manifest. */
void nh_script_hook_time(const nh_script_t *s, double *seconds, unsigned *calls);

/* ---- checks the scenario's code made (nh.check) ---- */
unsigned nh_script_check_count(const nh_script_t *s);
const nh_check_t *nh_script_check_at(const nh_script_t *s, unsigned i);

/* ---- runs on demand (nh.run) ---- */

/** \brief While a sweep is on: nh.run runs its configurations with \p ro into \p store, numbered
 *  from \p first_index / \p first_config on, at most \p max_runs of them in all (0: what the
 *  plan limit leaves after the planned runs). NULL \p ro: no sweep (nh.run is then an error
 *  naming why). */
void nh_script_attach_sweep(nh_script_t *s, const nh_runner_opts_t *ro, nh_store_t *store,
			    unsigned first_index, unsigned first_config, unsigned max_runs);
/** \brief 0 while the scenario's budget.time is not spent since nh_script_attach_sweep; -1
 *  (ETIME) with "x.lua:3: budget: budget.time (7200 s) spent after N runs (7212.4 s)". */
int nh_script_budget_check(const nh_script_t *s, unsigned runs_done, nh_err_t *err);
/** \brief Write DIR/scenario-report.json (nh.report's items) when it lags behind them and a
 *  sweep is attached. 0, or -1 with a message. */
int nh_script_report_flush(nh_script_t *s, nh_err_t *err);
/** \brief How many runs nh.run has made. */
unsigned nh_script_runs_made(const nh_script_t *s);

#endif
