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

/* ---- STUB until helper "cgroup"'s nh_rv_run_cgroup lands in record_view.h ----
 * The run's cgroup limit (run_cgroup.memory_max, bytes or null) and cpuset mems
 * (run_cgroup.mems) belong here, and only here: fill \p cg from the accessor (the name from its
 * version, the why from its "unavailable" or "no memory_max set"); nothing else needs to change.
 * Until then no cgroup limit is known, and `numaharness forecast --limit BYTES` gives one. */
static void run_cgroup_of(const nh_rv_t *rv, struct run_cgroup *cg)
{
	(void)rv;
	cg->memory_max = NAN;
	snprintf(cg->name, sizeof cg->name, "memory.max");
	snprintf(cg->why, sizeof cg->why,
		 "no cgroup limit known (this build does not read the record's run_cgroup yet; "
		 "--limit gives one)");
	cg->mems[0] = '\0';
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
