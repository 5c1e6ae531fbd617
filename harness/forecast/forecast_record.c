/* SPDX-License-Identifier: MIT */
/* forecast_record: a recorded run's limits — the nodes its policy confined memory to, its
 * cgroup's limit — read through record_view, for forecasts made after the fact. */
#include "forecast_record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The nodes of a "membind=1" (or "--membind=1") token in a requested policy spec, into
 * \p list; false when the spec binds no memory. */
static bool requested_bind(const char *spec, char *list, size_t len)
{
	for (const char *p = spec; p && (p = strstr(p, "membind=")); p += 8) {
		if (p != spec && p[-1] != ' ' && p[-1] != '-')
			continue;
		size_t n = strcspn(p + 8, " ");
		if (n == 0 || n >= len)
			return false;
		snprintf(list, len, "%.*s", (int)n, p + 8);
		return true;
	}
	return false;
}

/* What the record says of its run's cgroup. */
struct run_cgroup {
	double memory_max; /* NAN: none known */
	char name[32];	   /* its file: memory.max (v2), memory.limit_in_bytes (v1) */
	char why[192];	   /* none known: why */
	char mems[128];	   /* cpuset mems, "" when none narrows the run */
};

/* The run's cgroup limit and cpuset mems, as the record's run_cgroup says. */
static void run_cgroup_of(const nh_rv_t *rv, struct run_cgroup *cg)
{
	nh_rv_run_cgroup_t rc;
	cg->memory_max = NAN;
	cg->mems[0] = '\0';
	cg->why[0] = '\0';
	bool have = nh_rv_run_cgroup(rv, &rc);
	snprintf(cg->name, sizeof cg->name, "%s",
		 have && rc.version.present && rc.version.v == 1 ? "memory.limit_in_bytes" : "memory.max");
	if (!have) {
		nh_format_cut(cg->why, sizeof cg->why, "the run had no cgroup of its own: %s",
			      rc.why ? rc.why : "not recorded");
		return;
	}
	if (rc.memory_max.present)
		cg->memory_max = rc.memory_max.v;
	else
		snprintf(cg->why, sizeof cg->why, "no memory_limit was set for the run");
	if (rc.mems.present)
		snprintf(cg->mems, sizeof cg->mems, "%s", rc.mems.s);
}

void nh_fc_limits_from_record(const nh_rv_t *rv, nh_fc_limits_t *lim)
{
	nh_fc_limits_init(lim);
	nh_rv_applied_t applied = nh_rv_policy_applied(rv);
	nh_str_t requested = nh_rv_policy_requested(rv);
	struct run_cgroup cg;
	run_cgroup_of(rv, &cg);
	/* What the worker read back is what held; a run that never got that far, as asked. */
	char list[128];
	if (applied.mem_mode.present && applied.mem_nodes.present)
		nh_fc_limits_confine(lim, applied.mem_mode.s, applied.mem_nodes.s, cg.mems);
	else if (requested.present && requested_bind(requested.s, list, sizeof list))
		nh_fc_limits_confine(lim, "bind", list, cg.mems);
	else
		nh_fc_limits_confine(lim, NULL, NULL, cg.mems);
	lim->memory_max = cg.memory_max;
	snprintf(lim->memory_max_name, sizeof lim->memory_max_name, "%s", cg.name);
	snprintf(lim->memory_max_why, sizeof lim->memory_max_why, "%s", cg.why);
	nh_num_t page = nh_rv_memory(rv).numa_maps_page_bytes;
	lim->page_bytes = page.present && page.v > 0 ? page.v : 4096;
}
