/* SPDX-License-Identifier: MIT */
/* forecast_record: a recorded run's limits — the nodes its policy confined memory to, its
 * cgroup's limit — read through record_view, for forecasts made after the fact. */
#include "forecast_record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The nodes of a "membind=1" (or "--membind=1") token in a requested policy spec; false when
 * the spec binds no memory. */
static bool requested_bind(const char *spec, nh_set_t *nodes)
{
	for (const char *p = spec; p && (p = strstr(p, "membind=")); p += 8) {
		if (p != spec && p[-1] != ' ' && p[-1] != '-')
			continue;
		char list[128];
		size_t n = strcspn(p + 8, " ");
		snprintf(list, sizeof list, "%.*s", (int)(n < sizeof list ? n : sizeof list - 1), p + 8);
		return nh_set_parse(nodes, list, NULL) == 0 && !nh_set_empty(nodes);
	}
	return false;
}

/* ---- STUB until helper "cgroup"'s nh_rv_run_cgroup lands in record_view.h ----
 * The run's cgroup limit (run_cgroup.memory_max) and cpuset mems (run_cgroup.mems) belong here,
 * and only here: replace the body with the accessor's figures (memory_max bytes or null, the
 * version's file name, mems narrowing lim->mem_nodes). Until then no cgroup limit is known, and
 * `numaharness forecast --limit BYTES` gives one by hand. */
static void run_cgroup_limits(const nh_rv_t *rv, nh_fc_limits_t *lim)
{
	(void)rv;
	lim->memory_max = NAN;
	snprintf(lim->memory_max_why, sizeof lim->memory_max_why,
		 "no cgroup limit known (this build does not read the record's run_cgroup yet; "
		 "--limit gives one)");
}

void nh_fc_limits_from_record(const nh_rv_t *rv, nh_fc_limits_t *lim)
{
	nh_fc_limits_init(lim);
	nh_rv_applied_t applied = nh_rv_policy_applied(rv);
	nh_str_t requested = nh_rv_policy_requested(rv);
	nh_set_t nodes;
	if (applied.mem_mode.present && applied.mem_nodes.present) {
		/* What the worker read back is what held. */
		if (strcmp(applied.mem_mode.s, "bind") == 0 &&
		    nh_set_parse(&nodes, applied.mem_nodes.s, NULL) == 0 && !nh_set_empty(&nodes)) {
			lim->mem_nodes = nodes;
			snprintf(lim->mem_nodes_from, sizeof lim->mem_nodes_from, "policy bind:%.80s",
				 applied.mem_nodes.s);
		}
	} else if (requested.present && requested_bind(requested.s, &nodes)) {
		lim->mem_nodes = nodes;
		nh_format_cut(lim->mem_nodes_from, sizeof lim->mem_nodes_from, "policy %s (as requested)",
			      requested.s);
	}
	nh_num_t page = nh_rv_memory(rv).numa_maps_page_bytes;
	lim->page_bytes = page.present && page.v > 0 ? page.v : 4096;
	run_cgroup_limits(rv, lim);
}
