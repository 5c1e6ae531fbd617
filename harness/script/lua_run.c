/* SPDX-License-Identifier: MIT */
/* lua_run: the C half of nh.run — one configuration run now, through the same plan validation,
 * runner and store as the planned runs. lua/nh/ondemand.lua is the Lua half (arguments, the
 * configuration object it returns). Only while a sweep is on: from a hook. */
#include "script_internal.h"

#include <errno.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "record_store.h"
#include "script_api.h"

void nh_script_attach_sweep(nh_script_t *s, const nh_runner_opts_t *ro, nh_store_t *store,
			    unsigned first_index, unsigned first_config, unsigned max_runs)
{
	s->runner = ro;
	s->store = store;
	s->next_index = first_index;
	s->next_config = first_config;
	/* 0: what the plan limit (--max-runs, or the scenario's budget.runs when lower) leaves after
	 * the planned runs */
	unsigned limit = s->budget_runs && s->budget_runs < s->max_runs ? s->budget_runs : s->max_runs;
	s->max_script_runs = max_runs ? max_runs : limit > first_index ? limit - first_index : 0;
	clock_gettime(CLOCK_MONOTONIC, &s->sweep_started);
	/* What setup() and the scenario's load added to the report, now that there is a directory
	 * for it; a later nh.report call writes again, so a failure here is said, not fatal. */
	nh_err_t err;
	if (nh_script_report_flush(s, &err) < 0)
		nh_log(NH_LOG_ERROR, "nh.report: %s", err.msg);
}

unsigned nh_script_runs_made(const nh_script_t *s) { return s->script_runs; }

int nh_script_budget_check(const nh_script_t *s, unsigned runs_done, nh_err_t *err)
{
	if (!s->budget_time_s)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double spent = (double)(now.tv_sec - s->sweep_started.tv_sec) +
		       (double)(now.tv_nsec - s->sweep_started.tv_nsec) / 1e9;
	if (spent <= s->budget_time_s)
		return 0;
	errno = ETIME;
	return nh_err_set(err, "%s: budget: budget.time (%g s) spent after %u runs (%.1f s)",
			  s->budget_source, s->budget_time_s, runs_done, spent);
}

int nh_script_run_again(nh_script_t *s, const nh_run_spec_t *last, nh_record_t *rec, nh_err_t *err)
{
	if (!s->runner) {
		errno = EINVAL;
		return nh_err_set(err, "%s: after_config asked for \"again\" with no sweep on", last->source);
	}
	if (s->script_runs >= s->max_script_runs) {
		errno = E2BIG;
		return nh_err_set(err, "%s: after_config asked for \"again\": the run budget is spent (%u "
				       "runs made by the script)", last->source, s->script_runs);
	}
	if (nh_script_budget_check(s, s->next_index, err) < 0)
		return -1;
	nh_run_spec_t spec = *last;
	spec.index = s->next_index++;
	spec.rep++;
	spec.warmup = false;
	if (nh_run_one(s->runner, &spec, rec, err) < 0)
		return -1;
	if (nh_run_cancelled()) {
		errno = EINTR;
		return nh_err_set(err, "%s: interrupted during a repetition after_config asked for", last->source);
	}
	rec->from_script = true;
	nh_format_cut(rec->run_reason, sizeof rec->run_reason, "after_config returned \"again\"");
	if (nh_script_derive(s, rec, err) < 0 || nh_record_store_append(s->store, rec, err) < 0)
		return -1;
	s->script_runs++;
	return 0;
}

/* Errors already name the scenario's line (source): raised without Lua's own position. */
static int raise_at(lua_State *L, const char *fmt, const char *source)
{
	lua_pushfstring(L, fmt, source);
	return lua_error(L);
}

/* run_now(group, source, tag, reason): group is run { }'s normalised table. Returns the records
 * (each a table shaped like its runs.jsonl line), in run order. */
static int api_run_now(lua_State *L)
{
	nh_script_t *s = *(nh_script_t **)lua_getextraspace(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	const char *source = luaL_checkstring(L, 2);
	const char *tag = luaL_optstring(L, 3, "");
	const char *reason = luaL_optstring(L, 4, "");
	if (!s->runner || !s->entry)
		return raise_at(L, "%s: nh.run: runs only from a hook (before_run, after_run, after_config, "
				"done): there is no sweep to run it in now", source);
	nh_err_t err;
	nh_plan_t *plan = nh_plan_new(s->topo);
	if (!plan)
		return raise_at(L, "%s: nh.run: out of memory", source);
	unsigned left = s->max_script_runs > s->script_runs ? s->max_script_runs - s->script_runs : 0;
	nh_plan_set_max_runs(plan, left ? left : 1);
	lua_pushvalue(L, 1);
	int rc = nh_script_add_group(L, plan, &err);
	lua_pop(L, 1);
	if (rc == 0 && left == 0) {
		rc = -1;
		snprintf(err.msg, sizeof err.msg, "%s: nh.run: the run budget (%u runs made by the script) "
			 "is spent", source, s->script_runs);
	}
	if (rc < 0) {
		nh_plan_free(plan);
		lua_pushstring(L, err.msg);
		return lua_error(L);
	}
	unsigned n = nh_plan_count(plan);
	nh_record_t *rec = malloc(sizeof *rec);
	if (!rec) {
		nh_plan_free(plan);
		return raise_at(L, "%s: nh.run: out of memory", source);
	}
	lua_createtable(L, (int)n, 0);
	int out = lua_gettop(L);
	const char *failed = NULL;
	for (unsigned i = 0; i < n && !failed; i++) {
		if (nh_script_budget_check(s, s->next_index, &err) < 0) {
			failed = err.msg;
			break;
		}
		nh_run_spec_t spec = *nh_plan_run(plan, i);
		spec.index = s->next_index++;
		spec.config += s->next_config;
		nh_format_cut(spec.source, sizeof spec.source, "%s", source);
		/* The run's minutes are not Lua's: leave Lua (its budget, its Ctrl-C) while it runs,
		 * so Ctrl-C cancels the run as it does any other. */
		lua_entry_t *e = s->entry;
		nh_script_leave(s, e);
		int ran = nh_run_one(s->runner, &spec, rec, &err);
		if (ran == 0 && !nh_run_cancelled()) {
			rec->from_script = true;
			nh_format_cut(rec->tag, sizeof rec->tag, "%s", tag);
			nh_format_cut(rec->run_reason, sizeof rec->run_reason, "%s", reason);
			ran = nh_script_derive(s, rec, &err);
			if (ran == 0)
				ran = nh_record_store_append(s->store, rec, &err);
		}
		nh_script_enter(s, e);
		if (nh_run_cancelled()) {
			s->stop = NH_SCRIPT_STOP_INTERRUPT;
			failed = "interrupted";
		} else if (ran < 0) {
			failed = err.msg;
		} else {
			s->script_runs++;
			if (nh_script_push_record(L, rec) < 0)
				failed = "out of memory for the record's table";
			else
				lua_rawseti(L, out, (lua_Integer)i + 1);
		}
	}
	s->next_config += nh_plan_config_count(plan);
	nh_plan_free(plan);
	free(rec);
	if (failed) {
		lua_pushfstring(L, "%s: nh.run: %s", source, failed);
		return lua_error(L);
	}
	return 1;
}

void nh_lua_push_run_now(lua_State *L) { lua_pushcfunction(L, api_run_now); }
