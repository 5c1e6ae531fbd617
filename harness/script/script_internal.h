/* SPDX-License-Identifier: MIT */
/* script_internal: what the script module's files share — the state, and entering Lua with the
 * limits armed (every entry: loading a scenario, each hook). */
#ifndef NH_SCRIPT_INTERNAL_H
#define NH_SCRIPT_INTERNAL_H

#include <lua.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include <jansson.h>

#include "run.h"
#include "script.h"

/* A stop message's parts: the Lua location and what stopped the script. */
#define STOP_WHERE_LEN 256
#define STOP_WHAT_LEN 160

struct nh_script {
	lua_State *L;
	const nh_topo_t *topo;
	bool unsafe;
	/* `run --set NAME=VALUE`, split: names[i] = values[i] (malloc'd copies) */
	char *names[NH_SCRIPT_MAX_PARAMS], *values[NH_SCRIPT_MAX_PARAMS];
	unsigned param_count;
	/* Limits on evaluating Lua (nh_script_set_limits): memory the state may hold, and
	 * seconds one entry into Lua may run. */
	size_t mem_used, mem_cap;
	double time_budget;
	unsigned max_runs; /* the plan's limit */
	/* The first limit hit (time, memory, interrupt) as "file:line: message": once set, every
	 * pcall in the scenario re-raises it, so a script cannot swallow its own stop. */
	enum nh_script_stop stop;
	char stop_msg[STOP_WHERE_LEN + 2 + STOP_WHAT_LEN]; /* "where: what", whole (set_stop) */
	/* The scenario's hooks (a table in the registry; LUA_NOREF before a scenario with hooks is
	 * loaded), its path for messages, and the time spent in them. */
	int hooks_ref;
	int derives_ref; /* the scenario's derive { } entries, LUA_NOREF when none */
	char path[256];
	double hook_seconds;
	unsigned hook_calls;
	/* What nh.run runs with while a sweep is on (nh_script_attach_sweep; NULL otherwise), the
	 * next run and configuration numbers it gives, and the entry into Lua it suspends while a
	 * run goes on (so a run's minutes do not count against the script's time budget). */
	const nh_runner_opts_t *runner;
	nh_store_t *store;
	unsigned next_index, next_config, script_runs, max_script_runs;
	struct lua_entry *entry;
	/* The scenario's budget = { runs =, time = } (0: none), where it was written, and when the
	 * sweep started (for its time). */
	unsigned budget_runs;
	double budget_time_s;
	char budget_source[160];
	struct timespec sweep_started;
	/* nh.report items, in order (lua_report.c): NULL before the first; their size in the
	 * file, and whether the file lags behind them (no results directory yet). */
	json_t *report_items;
	size_t report_bytes;
	bool report_unwritten;
	/* nh.check calls, in order (lua_check.c). */
	nh_check_t *checks;
	unsigned check_count, check_cap;
};

/* One entry into Lua from C, with the limits armed; nh_script_leave restores the signal handlers. */
typedef struct lua_entry {
	struct sigaction old_int, old_term, old_alrm;
	struct itimerval old_timer; /* a timer the caller had running (a fuzzer's -timeout) */
	bool timed;		    /* a time budget is armed (else SIGALRM is left alone) */
} lua_entry_t;

void nh_script_enter(nh_script_t *s, lua_entry_t *e);
/** \brief A record as a table shaped like its runs.jsonl line (null fields absent). -1: no memory. */
int nh_script_push_record(lua_State *L, const nh_record_t *rec);
/** \brief A normalised run { } table (at the top of the stack) into \p plan. */
int nh_script_add_group(lua_State *L, nh_plan_t *plan, nh_err_t *err);
void nh_script_leave(nh_script_t *s, lua_entry_t *e);
/** \brief Message handler for lua_pcall: the message and a traceback. */
int nh_script_traceback(lua_State *L);
/** \brief A shallow copy of the table on top of the stack replaces it (a script's own copy of
 *  a module, so what it changes reaches no other scenario). */
void nh_script_copy_table(lua_State *L);
/** \brief The topology as the scenario's `topo` table. */
void nh_script_push_topo(lua_State *L, const nh_topo_t *t);

#endif
