/* SPDX-License-Identifier: MIT */
/* lua_check: nh.check(name, ok, detail, {value=, min=, max=}) — a check from the scenario's own
 * code, reported like the built-in ones (checks.json, JUnit, the PASS/FAIL table, the exit
 * status), with the file:line of the call. ok == nil is "not evaluated", the detail its reason. */
#include "script_internal.h"

#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "script_api.h"

static double opt_bound(lua_State *L, int opts, const char *key)
{
	if (lua_isnoneornil(L, opts))
		return NAN;
	lua_getfield(L, opts, key);
	double v = NAN;
	if (!lua_isnil(L, -1)) {
		if (!lua_isnumber(L, -1))
			luaL_error(L, "nh.check: %s must be a number, got %s", key, luaL_typename(L, -1));
		v = lua_tonumber(L, -1);
	}
	lua_pop(L, 1);
	return v;
}

static int api_check(lua_State *L)
{
	nh_script_t *s = *(nh_script_t **)lua_getextraspace(L);
	const char *name = luaL_checkstring(L, 1);
	if (!*name)
		return luaL_error(L, "nh.check: the name is empty");
	int t = lua_type(L, 2);
	if (t != LUA_TBOOLEAN && t != LUA_TNIL && t != LUA_TNONE)
		return luaL_error(L, "nh.check: ok must be true, false or nil (not evaluated), got %s",
				  lua_typename(L, t));
	const char *detail = luaL_optstring(L, 3, "");
	if (!lua_isnoneornil(L, 4))
		luaL_checktype(L, 4, LUA_TTABLE);
	if (t != LUA_TBOOLEAN && !*detail)
		return luaL_error(L, "nh.check: a check that is not evaluated (ok == nil) needs the reason "
				     "as its detail");
	if (s->check_count == s->check_cap) {
		unsigned cap = s->check_cap ? 2 * s->check_cap : 16;
		nh_check_t *grown = realloc(s->checks, cap * sizeof *grown);
		if (!grown)
			return luaL_error(L, "nh.check: out of memory");
		s->checks = grown;
		s->check_cap = cap;
	}
	nh_check_t c;
	memset(&c, 0, sizeof c);
	c.kind = NH_EXPECT_SCRIPT;
	c.status = t == LUA_TBOOLEAN ? (lua_toboolean(L, 2) ? NH_CHECK_PASS : NH_CHECK_FAIL)
				     : NH_CHECK_NOT_EVALUATED;
	c.value = opt_bound(L, 4, "value");
	c.min = opt_bound(L, 4, "min");
	c.max = opt_bound(L, 4, "max");
	nh_format_cut(c.name, sizeof c.name, "%s", name);
	nh_format_cut(c.detail, sizeof c.detail, "%s", detail);
	/* Where the scenario called it: "x.lua:12" */
	luaL_where(L, 1);
	const char *where = lua_tostring(L, -1);
	size_t n = strlen(where);
	nh_format_cut(c.source, sizeof c.source, "%.*s", (int)(n >= 2 ? n - 2 : n), where); /* ": " */
	lua_pop(L, 1);
	s->checks[s->check_count++] = c;
	lua_pushboolean(L, c.status == NH_CHECK_PASS);
	return 1;
}

void nh_lua_push_check(lua_State *L)
{
	lua_pushcfunction(L, api_check);
}

unsigned nh_script_check_count(const nh_script_t *s) { return s->check_count; }

const nh_check_t *nh_script_check_at(const nh_script_t *s, unsigned i)
{
	return i < s->check_count ? &s->checks[i] : NULL;
}
