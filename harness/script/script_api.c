/* SPDX-License-Identifier: MIT */
/* script_api: the `nh` table of a scenario's environment. */
#include "script_api.h"

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

void nh_lua_push_api(lua_State *L)
{
	lua_newtable(L);
	lua_pushcfunction(L, api_log);
	lua_setfield(L, -2, "log");
	nh_lua_push_stats(L);
	lua_setfield(L, -2, "stats");
	nh_lua_push_results(L);
	lua_setfield(L, -2, "results");
}
