/* SPDX-License-Identifier: MIT */
/* hooks: the scenario's functions (setup, before_run, after_run, after_config, done) called by
 * the sweep between runs, in this process, each entry under the script's limits. A record is
 * handed over as a plain table shaped like its runs.jsonl line (null fields absent). */
#include "script_internal.h"

#include <errno.h>
#include <math.h>
#include <jansson.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"

/* ---- values into Lua ---- */

/* t[key] = value for the table on top of the stack. */
static void field_str(lua_State *L, const char *key, const char *value)
{
	lua_pushstring(L, value);
	lua_setfield(L, -2, key);
}

static void field_int(lua_State *L, const char *key, lua_Integer value)
{
	lua_pushinteger(L, value);
	lua_setfield(L, -2, key);
}

static void push_json(lua_State *L, json_t *v)
{
	luaL_checkstack(L, 4, "nested record");
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		lua_createtable(L, 0, (int)json_object_size(v));
		const char *k;
		json_t *m;
		json_object_foreach(v, k, m) {
			if (json_is_null(m))
				continue; /* absent, as nil is in Lua */
			push_json(L, m);
			lua_setfield(L, -2, k);
		}
		break;
	}
	case JSON_ARRAY: {
		lua_createtable(L, (int)json_array_size(v), 0);
		size_t i;
		json_t *m;
		json_array_foreach(v, i, m) {
			push_json(L, m);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		break;
	}
	case JSON_STRING: lua_pushlstring(L, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: lua_pushinteger(L, (lua_Integer)json_integer_value(v)); break;
	case JSON_REAL: lua_pushnumber(L, json_real_value(v)); break;
	case JSON_TRUE: lua_pushboolean(L, 1); break;
	case JSON_FALSE: lua_pushboolean(L, 0); break;
	default: lua_pushnil(L); break;
	}
}

/* The record as its runs.jsonl line says it: the one encoder, so hooks see what is stored. */
int nh_script_push_record(lua_State *L, const nh_record_t *rec)
{
	char *line = nh_record_to_json(rec);
	json_t *doc = line ? json_loads(line, 0, NULL) : NULL;
	free(line);
	if (!doc)
		return -1;
	push_json(L, doc);
	json_decref(doc);
	return 0;
}

/* workload, policy and params of a spec into the table on top: what names a configuration. */
static void set_identity(lua_State *L, const nh_run_spec_t *spec)
{
	field_str(L, "workload", spec->wl->name);
	field_str(L, "policy", spec->policy.spec);
	lua_createtable(L, 0, (int)spec->params.count);
	for (unsigned i = 0; i < spec->params.count; i++) {
		lua_pushstring(L, spec->params.kv[i].value);
		lua_setfield(L, -2, spec->params.kv[i].name);
	}
	lua_setfield(L, -2, "params");
}

static void push_spec(lua_State *L, const nh_run_spec_t *spec)
{
	lua_createtable(L, 0, 9);
	lua_pushinteger(L, spec->index); /* as the record's "run" */
	lua_setfield(L, -2, "run");
	field_int(L, "config", spec->config);
	field_int(L, "rep", spec->rep);
	lua_pushboolean(L, spec->warmup);
	lua_setfield(L, -2, "warmup");
	set_identity(L, spec);
	lua_pushnumber(L, spec->timeout_s);
	lua_setfield(L, -2, "timeout");
	field_str(L, "source", spec->source);
}

/* ---- calling one hook ---- */

bool nh_script_has_hook(const nh_script_t *s, const char *name)
{
	if (s->hooks_ref == LUA_NOREF)
		return false;
	lua_rawgeti(s->L, LUA_REGISTRYINDEX, s->hooks_ref);
	bool has = lua_getfield(s->L, -1, name) == LUA_TFUNCTION;
	lua_pop(s->L, 2);
	return has;
}

/* The start of one entry into Lua from a hook or derive: timed, under the limits. */
static void begin_entry(nh_script_t *s, lua_entry_t *e, struct timespec *t0)
{
	clock_gettime(CLOCK_MONOTONIC, t0);
	nh_script_enter(s, e);
}

/* The end of one entry: time counted, and a stop from outside (time, memory, Ctrl-C) said as
 * such, whatever the Lua code made of it. */
static int leave_entry(nh_script_t *s, lua_entry_t *e, const struct timespec *t0, const char *name,
		       int rc, nh_err_t *err)
{
	struct timespec t1;
	nh_script_leave(s, e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s->hook_seconds += (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
	s->hook_calls++;
	if (s->stop == NH_SCRIPT_RUNNING)
		return rc;
	if (!s->stop_msg[0])
		snprintf(s->stop_msg, sizeof s->stop_msg, "%s: interrupted", s->path);
	nh_err_set(err, "%s (in %s)", s->stop_msg, name);
	errno = s->stop == NH_SCRIPT_STOP_INTERRUPT ? EINTR : s->stop == NH_SCRIPT_STOP_MEMORY ? ENOMEM : ETIME;
	return -1;
}

typedef int (*push_args_fn)(lua_State *L, const void *arg); /* pushes the arguments: how many */
typedef int (*take_result_fn)(lua_State *L, void *out, nh_err_t *err); /* results at -2, -1 */

/* Call hook \p name with what \p push_args pushes; \p take reads its two results. An absent hook
 * is 0. A Lua error is "file:line: message (in NAME)", its traceback in the debug log. */
static int call_hook(nh_script_t *s, const char *name, push_args_fn push_args, const void *arg,
		     take_result_fn take, void *out, nh_err_t *err)
{
	if (!nh_script_has_hook(s, name))
		return 0;
	lua_State *L = s->L;
	struct timespec t0;
	lua_entry_t e;
	begin_entry(s, &e, &t0);
	int base = lua_gettop(L), rc = 0;
	lua_pushcfunction(L, nh_script_traceback);
	lua_rawgeti(L, LUA_REGISTRYINDEX, s->hooks_ref);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
	/* Where the hook is written: what its results are blamed on. */
	lua_Debug ar;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	int nargs = push_args ? push_args(L, arg) : 0;
	if (nargs < 0) {
		errno = ENOMEM;
		rc = nh_err_set(err, "%s: out of memory preparing the %s hook's arguments", s->path, name);
	} else if (lua_pcall(L, nargs, 2, base + 1) != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		nh_log(NH_LOG_DEBUG, "%s", msg ? msg : "?");
		errno = EINVAL;
		rc = nh_err_set(err, "%.*s (in %s)", (int)strcspn(msg ? msg : "?", "\n"), msg ? msg : "?",
				name);
	} else if (take) {
		rc = take(L, out, err);
		if (rc < 0)
			nh_err_prefix(err, "%s:%d: %s hook", s->path, ar.linedefined, name);
	}
	lua_settop(L, base);
	return leave_entry(s, &e, &t0, name, rc, err);
}

/* ---- the hooks ---- */

static int push_setup_ctx(lua_State *L, const void *arg)
{
	const nh_script_t *s = arg;
	lua_createtable(L, 0, 3);
	nh_script_push_topo(L, s->topo);
	lua_setfield(L, -2, "topo");
	const nh_host_facts_t *f = nh_topo_facts(s->topo);
	lua_createtable(L, 0, 6);
	field_str(L, "kernel", f->kernel);
	field_str(L, "cpu_model", f->cpu_model);
	field_str(L, "thp_enabled", f->thp_enabled);
	field_str(L, "thp_defrag", f->thp_defrag);
	if (f->numa_balancing >= 0) {
		field_int(L, "numa_balancing", f->numa_balancing);
	}
	field_str(L, "cgroup", f->cgroup);
	lua_setfield(L, -2, "host");
	/* The scenario's param() values, as the scenario itself got them. */
	lua_createtable(L, 0, 0);
	lua_getglobal(L, "require");
	lua_pushliteral(L, "nh.scenario");
	if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) {
		lua_getfield(L, -1, "declared");
		lua_Integer n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
		for (lua_Integer i = 1; i <= n; i++) {
			lua_rawgeti(L, -1, i);
			lua_getfield(L, -1, "name");
			lua_getfield(L, -2, "value");
			if (lua_type(L, -2) == LUA_TSTRING)
				lua_setfield(L, -6, lua_tostring(L, -2)); /* params, module, declared, entry, name, value */
			else
				lua_pop(L, 1);
			lua_pop(L, 2);
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_setfield(L, -2, "params");
	return 1;
}

/* setup returns nothing, or false/nil-and-reason... an abort is an error(): keep it that simple. */
int nh_script_hook_setup(nh_script_t *s, nh_err_t *err)
{
	return call_hook(s, "setup", push_setup_ctx, s, NULL, NULL, err);
}

static int push_spec_arg(lua_State *L, const void *arg)
{
	push_spec(L, arg);
	return 1;
}

struct skip_out {
	char *why;
	size_t len;
	bool skip;
};

/* before_run: nil (or true) runs it; a string, or false and a string, skips it with that reason. */
static int take_skip(lua_State *L, void *out, nh_err_t *err)
{
	struct skip_out *o = out;
	int t1 = lua_type(L, -2);
	if (t1 == LUA_TNIL || (t1 == LUA_TBOOLEAN && lua_toboolean(L, -2)))
		return 0;
	const char *why = NULL;
	if (t1 == LUA_TSTRING)
		why = lua_tostring(L, -2);
	else if (t1 == LUA_TBOOLEAN && lua_type(L, -1) == LUA_TSTRING)
		why = lua_tostring(L, -1);
	if (!why || !*why) {
		errno = EINVAL;
		return nh_err_set(err, "returned %s: nil runs the run; a reason string (or false, reason) "
				       "skips it", t1 == LUA_TBOOLEAN ? "false without a reason" : lua_typename(L, t1));
	}
	o->skip = true;
	nh_format_cut(o->why, o->len, "skipped by before_run: %s", why);
	return 0;
}

int nh_script_hook_before_run(nh_script_t *s, const nh_run_spec_t *spec, char *why, size_t len,
			      nh_err_t *err)
{
	struct skip_out o = {.why = why, .len = len};
	if (call_hook(s, "before_run", push_spec_arg, spec, take_skip, &o, err) < 0)
		return -1;
	return o.skip ? 1 : 0;
}

static int push_record_arg(lua_State *L, const void *arg)
{
	return nh_script_push_record(L, arg) < 0 ? -1 : 1;
}

int nh_script_hook_after_run(nh_script_t *s, const nh_record_t *rec, nh_err_t *err)
{
	return call_hook(s, "after_run", push_record_arg, rec, NULL, NULL, err);
}

struct config_arg {
	const nh_record_t *const *recs;
	unsigned n;
};

/* cfg = {config=, workload=, policy=, params=, records={...}} (warm-ups included, each marked). */
static int push_config_arg(lua_State *L, const void *arg)
{
	const struct config_arg *c = arg;
	const nh_run_spec_t *spec = &c->recs[c->n - 1]->spec;
	lua_createtable(L, 0, 5);
	field_int(L, "config", spec->config);
	set_identity(L, spec);
	lua_createtable(L, (int)c->n, 0);
	for (unsigned i = 0; i < c->n; i++) {
		if (nh_script_push_record(L, c->recs[i]) < 0)
			return -1;
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "records");
	return 1;
}

/* after_config: nil goes on; "again" asks for one more repetition of the configuration. */
static int take_again(lua_State *L, void *out, nh_err_t *err)
{
	bool *again = out;
	int t = lua_type(L, -2);
	if (t == LUA_TNIL)
		return 0;
	if (t == LUA_TSTRING && strcmp(lua_tostring(L, -2), "again") == 0) {
		*again = true;
		return 0;
	}
	errno = EINVAL;
	return nh_err_set(err, "returned %s: nil goes on, \"again\" runs one more repetition",
			  t == LUA_TSTRING ? lua_tostring(L, -2) : lua_typename(L, t));
}

int nh_script_hook_after_config(nh_script_t *s, const nh_record_t *const *recs, unsigned n, nh_err_t *err)
{
	if (n == 0)
		return 0;
	struct config_arg c = {recs, n};
	bool again = false;
	if (call_hook(s, "after_config", push_config_arg, &c, take_again, &again, err) < 0)
		return -1;
	return again ? 1 : 0;
}

static int push_done_arg(lua_State *L, const void *arg)
{
	const nh_script_done_t *d = arg;
	lua_createtable(L, 0, 4);
	field_str(L, "dir", d->dir);
	field_int(L, "planned", d->planned);
	field_int(L, "done", d->done);
	field_int(L, "went_wrong", d->went_wrong);
	return 1;
}

int nh_script_hook_done(nh_script_t *s, const nh_script_done_t *d, nh_err_t *err)
{
	return call_hook(s, "done", push_done_arg, d, NULL, NULL, err);
}

/* ---- derived metrics ---- */

/* One derive { }'s value for the record on the stack at \p rec_idx: 0 with *v (NAN and \p absent
 * filled when there is none), or -1 with the error. */
static int derive_one(lua_State *L, int d, int rec_idx, const char *name, double *v, char *absent,
		      size_t alen, nh_err_t *err)
{
	int base = lua_gettop(L);
	lua_pushcfunction(L, nh_script_traceback);
	lua_getfield(L, d, "from");
	lua_pushvalue(L, rec_idx);
	int rc = 0;
	*v = NAN;
	if (lua_pcall(L, 1, 1, base + 1) != LUA_OK) {
		const char *msg = lua_tostring(L, -1);
		nh_log(NH_LOG_DEBUG, "%s", msg ? msg : "?");
		errno = EINVAL;
		rc = nh_err_set(err, "%.*s (in derive %s)", (int)strcspn(msg ? msg : "?", "\n"),
				msg ? msg : "?", name);
	} else if (lua_isnil(L, -1)) {
		snprintf(absent, alen, "from returned nil");
	} else if (lua_type(L, -1) != LUA_TNUMBER) {
		lua_getfield(L, d, "source");
		errno = EINVAL;
		rc = nh_err_set(err, "%s: derive %s: from returned a %s, expected a number or nil",
				lua_tostring(L, -1), name, luaL_typename(L, -2));
	} else if (!isfinite(*v = lua_tonumber(L, -1))) {
		snprintf(absent, alen, "from returned %s", isnan(*v) ? "nan" : "an infinity");
		*v = NAN;
	}
	lua_settop(L, base);
	return rc;
}

int nh_script_derive(nh_script_t *s, nh_record_t *rec, nh_err_t *err)
{
	if (s->derives_ref == LUA_NOREF)
		return 0;
	lua_State *L = s->L;
	struct timespec t0;
	lua_entry_t e;
	begin_entry(s, &e, &t0);
	int base = lua_gettop(L), rc = 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, s->derives_ref);
	int list = lua_gettop(L);
	bool ok_run = rec->outcome == NH_OUTCOME_OK;
	if (ok_run && nh_script_push_record(L, rec) < 0) {
		errno = ENOMEM;
		rc = nh_err_set(err, "%s: out of memory for the record's table", s->path);
	}
	int rec_idx = lua_gettop(L);
	lua_Integer n = luaL_len(L, list);
	for (lua_Integer i = 1; i <= n && rc == 0 && rec->derived_count < NH_ARRAY_LEN(rec->derived); i++) {
		lua_rawgeti(L, list, i);
		int d = lua_gettop(L);
		lua_getfield(L, d, "name");
		lua_getfield(L, d, "unit");
		lua_getfield(L, d, "better");
		lua_getfield(L, d, "source");
		const char *name = lua_tostring(L, d + 1), *better = lua_tostring(L, d + 3);
		double v = NAN;
		char absent[128] = "";
		if (!ok_run)
			snprintf(absent, sizeof absent, "the run did not end ok (%s)", nh_outcome_name(rec->outcome));
		else
			rc = derive_one(L, d, rec_idx, name, &v, absent, sizeof absent, err);
		if (rc == 0) {
			nh_record_add_metric(rec, name, lua_tostring(L, d + 2),
					     strcmp(better, "higher") == 0 ? 1 : strcmp(better, "lower") == 0 ? -1 : 0, v);
			unsigned k = rec->derived_count++;
			nh_format_cut(rec->derived[k].name, sizeof rec->derived[k].name, "%s", name);
			nh_format_cut(rec->derived[k].source, sizeof rec->derived[k].source, "%s",
				      lua_tostring(L, d + 4));
			nh_format_cut(rec->derived[k].absent, sizeof rec->derived[k].absent, "%s", absent);
		}
		lua_settop(L, d - 1);
	}
	lua_settop(L, base);
	return leave_entry(s, &e, &t0, "derive", rc, err);
}

json_t *nh_script_convergence(nh_script_t *s)
{
	lua_State *L = s->L;
	int base = lua_gettop(L);
	json_t *out = NULL;
	lua_getglobal(L, "require");
	lua_pushliteral(L, "nh.scenario");
	if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) {
		lua_getfield(L, -1, "converged");
		lua_Integer n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
		if (n > 0)
			out = json_array();
		for (lua_Integer i = 1; i <= n && out; i++) {
			lua_rawgeti(L, -1, i);
			int c = lua_gettop(L);
			lua_getfield(L, c, "config");
			lua_getfield(L, c, "source");
			lua_getfield(L, c, "rule");
			lua_getfield(L, c, "n");
			lua_getfield(L, c, "cv");
			lua_getfield(L, c, "converged");
			json_t *o = json_object();
			json_object_set_new(o, "config", json_integer((json_int_t)lua_tointeger(L, c + 1)));
			json_object_set_new(o, "source", json_string(lua_tostring(L, c + 2) ? lua_tostring(L, c + 2) : ""));
			json_object_set_new(o, "rule", json_string(lua_tostring(L, c + 3) ? lua_tostring(L, c + 3) : ""));
			json_object_set_new(o, "n", json_integer((json_int_t)lua_tointeger(L, c + 4)));
			json_object_set_new(o, "cv", lua_isnumber(L, c + 5) ? json_real(lua_tonumber(L, c + 5)) : json_null());
			json_object_set_new(o, "converged", json_boolean(lua_toboolean(L, c + 6)));
			json_array_append_new(out, o);
			lua_settop(L, c - 1);
		}
	}
	lua_settop(L, base);
	return out;
}

void nh_script_hook_time(const nh_script_t *s, double *seconds, unsigned *calls)
{
	*seconds = s->hook_seconds;
	*calls = s->hook_calls;
}
