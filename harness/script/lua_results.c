/* SPDX-License-Identifier: MIT */
/* lua_results: nh.results(dir), a read-only handle on another results directory (a baseline, an
 * earlier sweep) through the results module's typed reader: its configurations, the values of a
 * metric over a configuration's ok counted runs, a few manifest facts. Nothing is written. */
#include "lua_api_parts.h"

#include <lauxlib.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "results.h"
#include "stats.h"

/* The userdata's metatable in the registry. Its __metatable field hides it from the script, so
 * a scenario cannot take __gc or __close away. */
#define HANDLE_META "nh.results.handle"

typedef struct handle {
	nh_results_t *r; /* NULL once closed */
} handle_t;

/* The handle a method was called on: `h:values(...)`, not `h.values(...)`, and still open. */
static nh_results_t *check_open(lua_State *L, const char *method)
{
	handle_t *h = luaL_testudata(L, 1, HANDLE_META);
	if (!h)
		luaL_error(L, "nh.results: %s needs the handle, call it as h:%s(...)", method,
			   method);
	if (!h->r)
		luaL_error(L, "nh.results: handle is closed");
	return h->r;
}

static void close_handle(handle_t *h)
{
	nh_results_free(h->r);
	h->r = NULL;
}

/* What a value is, for a message: "a string", or "nil" (also for an argument not given). */
static const char *kind_of(lua_State *L, int idx)
{
	return lua_isnoneornil(L, idx) ? "nil"
				       : lua_pushfstring(L, "a %s", luaL_typename(L, idx));
}

/* A configuration named by its key (what configs() and find() give) or its 1-based index. */
static const nh_results_config_t *check_config(lua_State *L, nh_results_t *r, int arg)
{
	if (lua_type(L, arg) == LUA_TNUMBER) {
		int isint = 0;
		lua_Integer i = lua_tointegerx(L, arg, &isint);
		unsigned count = nh_results_config_count(r);
		if (!isint || i < 1 || i > (lua_Integer)count)
			luaL_error(L, "nh.results: configuration %s is not an index from 1 to %d",
				   luaL_tolstring(L, arg, NULL), (int)count);
		return nh_results_config(r, (unsigned)i - 1);
	}
	if (lua_type(L, arg) != LUA_TSTRING)
		luaL_error(L, "nh.results: the configuration is %s, expected its key or index",
			   kind_of(L, arg));
	const nh_results_config_t *c = nh_results_find(r, lua_tostring(L, arg));
	if (!c)
		luaL_error(L, "nh.results: no configuration '%s' in %s", lua_tostring(L, arg),
			   nh_results_dir(r));
	return c;
}

static const char *check_metric(lua_State *L, int arg)
{
	if (lua_type(L, arg) != LUA_TSTRING)
		luaL_error(L, "nh.results: the metric is %s, expected its name (e.g. \"triad\")",
			   kind_of(L, arg));
	return lua_tostring(L, arg);
}

static void set_string(lua_State *L, const char *name, const char *v)
{
	lua_pushstring(L, v);
	lua_setfield(L, -2, name);
}

static void set_integer(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

/* An optional fact: absent stays nil (the manifest of an older or hand-made directory). */
static void set_str(lua_State *L, const char *name, nh_str_t v)
{
	if (v.present)
		set_string(L, name, v.s);
}

static void set_num(lua_State *L, const char *name, nh_num_t v)
{
	if (!v.present)
		return;
	if (v.v == floor(v.v) && fabs(v.v) < 9e15)
		lua_pushinteger(L, (lua_Integer)v.v);
	else
		lua_pushnumber(L, v.v);
	lua_setfield(L, -2, name);
}

/* The tag of a configuration (nh.run's tag), or NULL when it has none. */
static const char *config_tag(const nh_results_t *r, const nh_results_config_t *c)
{
	nh_str_t tag = nh_rv_tag(nh_results_config_run(r, c, 0));
	return tag.present ? tag.s : NULL;
}

/* h:configs(): {key=, workload=, policy=, params={name=value}, allocator=, tag=, runs=, ok=,
 * metrics={names}} per configuration, in the order of the sweep. */
static int h_configs(lua_State *L)
{
	nh_results_t *r = check_open(L, "configs");
	unsigned count = nh_results_config_count(r);
	lua_createtable(L, (int)count, 0);
	for (unsigned i = 0; i < count; i++) {
		const nh_results_config_t *c = nh_results_config(r, i);
		lua_createtable(L, 0, 8);
		set_string(L, "key", c->key);
		set_string(L, "workload", c->workload);
		set_string(L, "policy", c->policy);
		set_string(L, "allocator", c->allocator);
		if (config_tag(r, c))
			set_string(L, "tag", config_tag(r, c));
		set_integer(L, "runs", c->run_count);
		set_integer(L, "ok", c->ok_count);
		/* the parameters as the first counted run recorded them; they are the key's, so the
		 * same in every run of the configuration (the allocator is its own field) */
		lua_newtable(L);
		const nh_rv_t *first = nh_results_config_run(r, c, 0);
		nh_rv_iter_t it = NH_RV_ITER_INIT;
		nh_rv_param_t p;
		while (first && nh_rv_param_next(first, &it, &p)) {
			if (strcmp(p.name, "allocator") == 0)
				continue;
			set_string(L, p.name, p.text);
		}
		lua_setfield(L, -2, "params");
		/* every name: a full buffer may have left some out, so it grows until one is not */
		const char **names;
		unsigned m, cap = 32;
		for (;;) {
			names = lua_newuserdatauv(L, sizeof *names * cap, 0);
			m = nh_results_metric_names(r, c, names, cap);
			if (m < cap)
				break;
			lua_pop(L, 1);
			cap *= 2;
		}
		lua_createtable(L, (int)m, 0);
		for (unsigned k = 0; k < m; k++) {
			lua_pushstring(L, names[k]);
			lua_rawseti(L, -2, (lua_Integer)k + 1);
		}
		lua_setfield(L, -3, "metrics");
		lua_pop(L, 1); /* the names */
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

/* The values of \p metric over the ok counted runs of \p c, in a buffer the Lua state owns
 * (left on the stack); \p unit from the first run that has it, NULL when none. */
static double *config_values(lua_State *L, nh_results_t *r, const nh_results_config_t *c,
			     const char *metric, unsigned *n, const char **unit)
{
	double *v = lua_newuserdatauv(L, sizeof *v * (c->run_count ? c->run_count : 1), 0);
	int better = 0;
	*unit = NULL;
	*n = nh_results_values(r, c, metric, v, c->run_count, unit, &better);
	return v;
}

/* h:values(cfg, metric): array of the metric over the ok counted runs, and its unit. */
static int h_values(lua_State *L)
{
	nh_results_t *r = check_open(L, "values");
	const nh_results_config_t *c = check_config(L, r, 2);
	const char *metric = check_metric(L, 3);
	unsigned n;
	const char *unit;
	const double *v = config_values(L, r, c, metric, &n, &unit);
	lua_createtable(L, (int)n, 0);
	for (unsigned i = 0; i < n; i++) {
		lua_pushnumber(L, v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	if (unit)
		lua_pushstring(L, unit);
	else
		lua_pushnil(L);
	return 2;
}

/* h:median(cfg, metric): as compare takes it; nil and why when no ok run has the metric. */
static int h_median(lua_State *L)
{
	nh_results_t *r = check_open(L, "median");
	const nh_results_config_t *c = check_config(L, r, 2);
	const char *metric = check_metric(L, 3);
	unsigned n;
	const char *unit;
	const double *v = config_values(L, r, c, metric, &n, &unit);
	if (n == 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "nh.results: no ok run of '%s' has a value of %s", c->key, metric);
		return 2;
	}
	lua_pushnumber(L, nh_stats_median(v, n));
	return 1;
}

/* A query's value as text, the way a record holds parameters ("2", "256M", "true"); the text
 * is left on the stack, which keeps it alive while it is compared. */
static const char *query_text(lua_State *L, int idx, const char *what)
{
	int type = lua_type(L, idx);
	if (type != LUA_TSTRING && type != LUA_TNUMBER && type != LUA_TBOOLEAN)
		luaL_error(L, "nh.results: find: %s is a %s, expected a string or number", what,
			   lua_typename(L, type));
	return luaL_tolstring(L, idx, NULL);
}

/* Does the first run of \p c (all its runs share the key's parameters) have every parameter of
 * the query table at \p params, with the same text? */
static bool config_has_params(lua_State *L, nh_results_t *r, const nh_results_config_t *c,
			      int params)
{
	const nh_rv_t *first = nh_results_config_run(r, c, 0);
	lua_pushnil(L);
	while (lua_next(L, params)) {
		const char *want = query_text(L, -1, lua_tostring(L, -2));
		nh_rv_param_t p;
		bool same = first && nh_rv_param_find(first, lua_tostring(L, -3), &p) &&
			    strcmp(p.text, want) == 0;
		lua_pop(L, 2);
		if (!same) {
			lua_pop(L, 1);
			return false;
		}
	}
	return true;
}

static const char *const find_fields[] = {"workload", "policy", "allocator"};
#define FIND_FIELDS (sizeof find_fields / sizeof *find_fields)

/* The query table at 2: only known fields, params a table of names. A misspelt field would
 * otherwise match more than the script meant. */
static void check_query(lua_State *L)
{
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		bool known = key && (strcmp(key, "params") == 0 || strcmp(key, "tag") == 0);
		for (unsigned f = 0; key && f < FIND_FIELDS; f++)
			known = known || strcmp(key, find_fields[f]) == 0;
		if (!known)
			luaL_error(L, "nh.results: find: unknown field %s (workload, policy, params, "
				      "allocator, tag)",
				   key ? lua_pushfstring(L, "'%s'", key) : luaL_typename(L, -2));
		lua_pop(L, 1);
	}
	if (lua_getfield(L, 2, "params") != LUA_TNIL) {
		if (!lua_istable(L, -1))
			luaL_error(L, "nh.results: find: params is a %s, expected a table",
				   luaL_typename(L, -1));
		lua_pushnil(L);
		while (lua_next(L, -2)) {
			if (lua_type(L, -2) != LUA_TSTRING)
				luaL_error(L, "nh.results: find: a params name is a %s, expected a "
					      "string", luaL_typename(L, -2));
			lua_pop(L, 1);
		}
	}
	lua_pop(L, 1);
	int t = lua_getfield(L, 2, "tag");
	if (t != LUA_TNIL && t != LUA_TSTRING && !(t == LUA_TBOOLEAN && !lua_toboolean(L, -1)))
		luaL_error(L, "nh.results: find: tag is a %s, expected a string (or false: untagged)",
			   luaL_typename(L, -1));
	lua_pop(L, 1);
}

/* h:find{workload=, policy=, params={...}, allocator=, tag=}: the key of the one configuration
 * that has every field given (tag = false: untagged only); nil and why when none has. Several
 * matching is an error: the query is too loose, and picking one would hide which was meant. */
static int h_find(lua_State *L)
{
	nh_results_t *r = check_open(L, "find");
	if (!lua_istable(L, 2))
		return luaL_error(L, "nh.results: find takes a table {workload=, policy=, params=, "
				     "allocator=}, got %s", kind_of(L, 2));
	lua_settop(L, 2);
	check_query(L);
	const char *want[FIND_FIELDS];
	for (unsigned f = 0; f < FIND_FIELDS; f++)
		want[f] = lua_getfield(L, 2, find_fields[f]) == LUA_TNIL
				  ? NULL
				  : query_text(L, -1, find_fields[f]);
	int tag_type = lua_getfield(L, 2, "tag");
	const char *want_tag = tag_type == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
	lua_getfield(L, 2, "params");
	int params = lua_istable(L, -1) ? lua_gettop(L) : 0;
	const nh_results_config_t *match[2] = {NULL, NULL};
	unsigned matches = 0;
	for (unsigned i = 0; i < nh_results_config_count(r); i++) {
		const nh_results_config_t *c = nh_results_config(r, i);
		const char *have[FIND_FIELDS] = {c->workload, c->policy, c->allocator};
		bool same = true;
		for (unsigned f = 0; f < FIND_FIELDS && same; f++)
			same = !want[f] || strcmp(want[f], have[f]) == 0;
		const char *tag = config_tag(r, c);
		if (tag_type != LUA_TNIL && (want_tag ? !tag || strcmp(tag, want_tag) != 0 : tag != NULL))
			continue;
		if (!same || (params && !config_has_params(L, r, c, params)))
			continue;
		if (matches < 2)
			match[matches] = c;
		matches++;
	}
	if (matches == 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "nh.results: find: no configuration of %s matches",
				nh_results_dir(r));
		return 2;
	}
	if (matches > 1)
		return luaL_error(L, "nh.results: find: %d configurations match, give more fields "
				     "to pick one (%s; %s%s)", (int)matches, match[0]->key,
				  match[1]->key, matches > 2 ? "; ..." : "");
	lua_pushstring(L, match[0]->key);
	return 1;
}

static int h_manifest(lua_State *L)
{
	nh_results_t *r = check_open(L, "manifest");
	const nh_mv_t *mv = nh_results_manifest(r);
	if (!mv) {
		lua_pushnil(L);
		lua_pushfstring(L, "nh.results: %s has no manifest.json", nh_results_dir(r));
		return 2;
	}
	lua_createtable(L, 0, 10);
	set_str(L, "scenario", nh_mv_scenario_name(mv));
	set_str(L, "status", nh_mv_status(mv));
	set_str(L, "tool_version", nh_mv_tool_version(mv));
	set_str(L, "command", nh_mv_command(mv));
	set_str(L, "started_at", nh_mv_started_at(mv));
	set_str(L, "finished_at", nh_mv_finished_at(mv));
	set_num(L, "planned_runs", nh_mv_planned_runs(mv));
	const char *why;
	if (nh_mv_has_nodes(mv, &why))
		set_integer(L, "nodes", nh_mv_node_count(mv));
	nh_mv_host_t host = nh_mv_host(mv);
	set_str(L, "kernel", host.kernel);
	set_str(L, "cpu_model", host.cpu_model);
	static const char *const outcomes[] = {"ok",	  "failed",	"timeout",
					       "crashed", "oom-killed", "skipped"};
	lua_createtable(L, 0, 6);
	for (unsigned i = 0; i < sizeof outcomes / sizeof *outcomes; i++)
		set_num(L, outcomes[i], nh_mv_outcome_count(mv, outcomes[i]));
	lua_setfield(L, -2, "outcomes");
	return 1;
}

static int h_warning(lua_State *L)
{
	const char *w = nh_results_warning(check_open(L, "warning"));
	if (w)
		lua_pushstring(L, w);
	else
		lua_pushnil(L);
	return 1;
}

static int h_dir(lua_State *L)
{
	lua_pushstring(L, nh_results_dir(check_open(L, "dir")));
	return 1;
}

/* close, __close and __gc: closing twice is no error, so h:close() inside a `<close>` scope
 * does not make the scope's end fail. */
static int h_close(lua_State *L)
{
	handle_t *h = luaL_testudata(L, 1, HANDLE_META);
	if (!h)
		return luaL_error(L, "nh.results: close needs the handle, call it as h:close()");
	close_handle(h);
	return 0;
}

static int h_tostring(lua_State *L)
{
	handle_t *h = luaL_checkudata(L, 1, HANDLE_META);
	if (h->r)
		lua_pushfstring(L, "nh.results(%s)", nh_results_dir(h->r));
	else
		lua_pushliteral(L, "nh.results(closed)");
	return 1;
}

/* nh.results(dir) */
static int results_open(lua_State *L)
{
	if (lua_type(L, 1) != LUA_TSTRING)
		return luaL_error(L, "nh.results: the directory is %s, expected a path",
				  kind_of(L, 1));
	const char *dir = lua_tostring(L, 1);
	/* the userdata first, so the loaded results are freed by __gc whatever happens next */
	handle_t *h = lua_newuserdatauv(L, sizeof *h, 0);
	h->r = NULL;
	luaL_setmetatable(L, HANDLE_META);
	nh_err_t err;
	h->r = nh_results_load(dir, &err);
	if (!h->r)
		return luaL_error(L, "nh.results: %s", err.msg);
	return 1;
}

void nh_lua_push_results(lua_State *L)
{
	static const luaL_Reg methods[] = {
		{"configs", h_configs}, {"values", h_values},	  {"median", h_median},
		{"find", h_find},	{"manifest", h_manifest}, {"warning", h_warning},
		{"dir", h_dir},		{"close", h_close},	  {NULL, NULL},
	};
	if (luaL_newmetatable(L, HANDLE_META)) {
		luaL_newlib(L, methods);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, h_close);
		lua_setfield(L, -2, "__close");
		lua_pushcfunction(L, h_close);
		lua_setfield(L, -2, "__gc");
		lua_pushcfunction(L, h_tostring);
		lua_setfield(L, -2, "__tostring");
		lua_pushliteral(L, "nh.results");
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);
	lua_pushcfunction(L, results_open);
}
