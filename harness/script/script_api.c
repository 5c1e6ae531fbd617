/* SPDX-License-Identifier: MIT */
/* script_api: the `nh` table of a scenario's environment. */
#include "script_api.h"
#include "script_internal.h"

#include <lauxlib.h>
#include <stdio.h>

#include "lua_api_parts.h"
#include "util.h"

/* nh.log(fmt-less text...): one line to stderr, as print does, prefixed so it stands out from
 * the harness's own progress lines. */
static int api_log(lua_State *L)
{
	int n = lua_gettop(L);
	fputs("scenario: ", stderr);
	for (int i = 1; i <= n; i++) {
		fputs(luaL_tolstring(L, i, NULL), stderr);
		lua_pop(L, 1);
		if (i < n)
			fputc('\t', stderr);
	}
	fputc('\n', stderr);
	return 0;
}

/* __index of a stand-in nh.search when the module could not be loaded (out of memory): the
 * scenario that uses it fails at its line with why; one that does not is not affected. */
static int search_unavailable(lua_State *L)
{
	luaL_where(L, 1); /* the scenario's line that indexed nh.search */
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_concat(L, 2);
	return lua_error(L);
}

/* nh.search: a copy of the embedded module nh.search (lua/nh/search.lua), as script.c gives each
 * scenario its own policies, so a script that changes its nh.search changes no other's. The
 * embedded modules are in package.preload (register_embedded), so the global require, which
 * this C code reaches though the scenario's sandbox does not, loads it once per state. */
static void push_search(lua_State *L)
{
	lua_getglobal(L, "require");
	lua_pushliteral(L, "nh.search");
	if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
		lua_pushfstring(L, "nh.search is not available: %s", lua_tostring(L, -1));
		lua_remove(L, -2);
		lua_newtable(L);
		lua_createtable(L, 0, 1);
		lua_rotate(L, -3, -1); /* table, metatable, message: the closure's upvalue */
		lua_pushcclosure(L, search_unavailable, 1);
		lua_setfield(L, -2, "__index");
		lua_setmetatable(L, -2);
		return;
	}
	nh_script_copy_table(L);
}

/* nh.run: the Lua half (nh.ondemand) made with the C half and nh.stats (the nh table on top). */
static void push_run(lua_State *L)
{
	lua_getglobal(L, "require");
	lua_pushliteral(L, "nh.ondemand");
	if (lua_pcall(L, 1, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
		lua_pop(L, 1);
		lua_pushnil(L); /* nh.run stays absent: calling it says "attempt to call a nil value" */
		return;
	}
	lua_getfield(L, -1, "make");
	nh_lua_push_run_now(L);
	lua_getfield(L, -4, "stats");
	if (lua_pcall(L, 2, 1, 0) != LUA_OK)
		lua_pushnil(L), lua_remove(L, -2);
	lua_remove(L, -2);
}

void nh_lua_push_api(lua_State *L)
{
	lua_newtable(L);
	lua_pushcfunction(L, api_log);
	lua_setfield(L, -2, "log");
	nh_lua_push_check(L);
	lua_setfield(L, -2, "check");
	push_search(L);
	lua_setfield(L, -2, "search");
	nh_lua_push_stats(L);
	lua_setfield(L, -2, "stats");
	nh_lua_push_results(L);
	lua_setfield(L, -2, "results");
	push_run(L);
	lua_setfield(L, -2, "run");
	nh_lua_push_report(L);
	lua_setfield(L, -2, "report");
}
