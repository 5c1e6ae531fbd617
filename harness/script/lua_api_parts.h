/* SPDX-License-Identifier: MIT */
/* lua_api_parts: the parts of the `nh` table that live in their own files of the script module;
 * script_api.c puts each under its name. */
#ifndef NH_LUA_API_PARTS_H
#define NH_LUA_API_PARTS_H

#include <lua.h>

/** \brief Push the `nh.stats` table: median, quantile, mean, stdev, cv, welch, mann_whitney,
 *  bootstrap_ci and bootstrap_change over Lua arrays of numbers, computed by report/stats.h
 *  (the code `compare` uses). */
void nh_lua_push_stats(lua_State *L);
/** \brief Push the `nh.results` function: nh.results(dir) opens a read-only handle on a results
 *  directory (the results module's typed reader), closable with `<close>`. */
void nh_lua_push_results(lua_State *L);

/** \brief Push the `nh.report` table: section, table and chart add to the report what the
 *  scenario's code says, kept in scenario-report.json (lua_report.c). */
void nh_lua_push_report(lua_State *L);

#endif
