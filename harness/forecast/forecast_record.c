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

void nh_fc_limits_from_record(const nh_rv_t *rv, nh_fc_limits_t *lim)
{
	nh_fc_limits_init(lim);
	nh_rv_applied_t applied = nh_rv_policy_applied(rv);
	nh_str_t requested = nh_rv_policy_requested(rv);
	nh_rv_run_cgroup_t rc;
	bool have = nh_rv_run_cgroup(rv, &rc);
	const char *mems = have && rc.mems.present ? rc.mems.s : NULL;
	/* What the worker read back is what held; a run that never got that far, as asked. */
	char list[128];
	if (applied.mem_mode.present && applied.mem_nodes.present)
		nh_fc_limits_confine(lim, applied.mem_mode.s, applied.mem_nodes.s, mems);
	else if (requested.present && requested_bind(requested.s, list, sizeof list))
		nh_fc_limits_confine(lim, "bind", list, mems);
	else
		nh_fc_limits_confine(lim, NULL, NULL, mems);
	nh_fc_limits_cgroup(lim, have ? NULL : rc.why ? rc.why : "not recorded",
			    rc.version.present ? (int)rc.version.v : 2,
			    rc.memory_max.present ? rc.memory_max.v : NAN);
	nh_num_t page = nh_rv_memory(rv).numa_maps_page_bytes;
	lim->page_bytes = page.present && page.v > 0 ? page.v : 4096;
}
