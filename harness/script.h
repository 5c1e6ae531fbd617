/* SPDX-License-Identifier: MIT */
/* script: the one Lua state (parent process only) — sandboxed scenario loading into a plan. */
#ifndef NH_SCRIPT_H
#define NH_SCRIPT_H

#include "expect.h"
#include "plan.h"

typedef struct nh_script nh_script_t;

typedef struct nh_scenario_info {
	char name[64];
	char description[256];
	double placement_threshold;
	/* The scenario's expect { ... } entries, checked against the plan already; owned by the
	 * caller (nh_expect_set_free), NULL when loading failed. */
	nh_expect_set_t *expects;
} nh_scenario_info_t;

/** \brief A Lua state with the harness's modules. \p unsafe lifts the sandbox (io, os, load).
 *  NULL with a message on failure. */
nh_script_t *nh_script_new(const nh_topo_t *topo, bool unsafe, nh_err_t *err);
void nh_script_free(nh_script_t *s);

/** \brief Run the scenario file and turn what it returns into a plan, and its expectations into
 *  info->expects. Every error names file:line ("x.lua:12: policy 'membind=7': node 7 does not
 *  exist (nodes: 0)"). */
nh_plan_t *nh_script_load_plan(nh_script_t *s, const char *path, nh_scenario_info_t *info, nh_err_t *err);

#endif
