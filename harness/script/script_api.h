/* SPDX-License-Identifier: MIT */
/* script_api: the `nh` table a scenario sees (nh.log, nh.stats, nh.results, nh.search, ...).
 * Each part lives in its own file of the script module and is added here. */
#ifndef NH_SCRIPT_API_H
#define NH_SCRIPT_API_H

#include <lua.h>

/** \brief Push the `nh` table of a scenario's environment. */
void nh_lua_push_api(lua_State *L);
/** \brief nh.check (lua_check.c). */
void nh_lua_push_check(lua_State *L);
/** \brief nh.run's C half, run_now (lua_run.c). */
void nh_lua_push_run_now(lua_State *L);

#endif
