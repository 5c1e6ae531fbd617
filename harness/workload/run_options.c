/* SPDX-License-Identifier: MIT */
/* run_options: the table of harness-applied run parameters and their checking. */
#include "run_options.h"

#include <errno.h>
#include <string.h>

#include "allocator.h"
#include "sample_counters.h"

/* A CPU or node list, as cpuset.cpus / cpuset.mems take them. */
static int check_list(const char *value, nh_err_t *err)
{
	nh_set_t set;
	if (nh_set_parse(&set, value, err) < 0)
		return -1;
	if (nh_set_empty(&set)) {
		errno = EINVAL;
		return nh_err_set(err, "'%s' names nothing", value);
	}
	return 0;
}

/* clang-format off */
const nh_param_def_t nh_run_options[] = {
	{.name = "counters", .type = NH_PARAM_STRING, .def = "default", .check = nh_counters_check_spec,
	 .help = "counter sets/events: default, none, or a list such as llc,numa,perf::PAGE-FAULTS"},
	{.name = "interval", .type = NH_PARAM_DURATION, .def = "100ms", .min = 0.001, .max = 3600,
	 .keyword = "off", .help = "time-series sampling interval (stretched to keep overhead under 1%); off: none"},
	{.name = "thp", .type = NH_PARAM_ENUM, .def = "inherit", .choices = "inherit|always|never",
	 .help = "transparent huge pages for the workload's buffers: madvise them, or disable THP for the process"},
	{.name = "prefault", .type = NH_PARAM_BOOL, .def = "0",
	 .help = "touch every page of each buffer when it is allocated (as a JVM's AlwaysPreTouch)"},
	{.name = "mlock", .type = NH_PARAM_BOOL, .def = "0",
	 .help = "lock the workload's buffers in memory"},
	{.name = "allocator", .type = NH_PARAM_STRING, .def = "glibc", .check = nh_allocator_check_spec,
	 .help = "malloc for the worker: glibc, jemalloc, tcmalloc, mimalloc or /path/to/lib.so (LD_PRELOAD)"},
	{.name = NULL},
};

/* The run's own cgroup (harness/cgroup): options that change nothing unless asked, so they are
 * never filled in with their default — records and configuration keys of runs without them stay
 * as they were, and "none" is dropped like a default. */
const nh_param_def_t nh_run_cgroup_options[] = {
	{.name = "memory_limit", .type = NH_PARAM_SIZE, .def = "none", .keyword = "none",
	 .min = 1024.0 * 1024, .max = 1024.0 * 1024 * 1024 * 1024 * 1024,
	 .help = "memory limit of the run's cgroup (v2 memory.max, v1 "
	 "memory.limit_in_bytes; swap capped to 0): over it the OOM killer ends the run; none: no limit"},
	{.name = "memory_high", .type = NH_PARAM_SIZE, .def = "none", .keyword = "none",
	 .min = 1024.0 * 1024, .max = 1024.0 * 1024 * 1024 * 1024 * 1024,
	 .help = "throttling limit of the run's cgroup (v2 memory.high; on v1 "
	 "the run is skipped); none: no limit"},
	{.name = "cpuset_cpus", .type = NH_PARAM_STRING, .def = "none", .keyword = "none",
	 .check = check_list, .help = "CPUs of the run's cgroup (cpuset.cpus, a list such as 0-3,8): "
	 "the policy and the workload see only these; none: the parent's"},
	{.name = "cpuset_mems", .type = NH_PARAM_STRING, .def = "none", .keyword = "none",
	 .check = check_list, .help = "memory nodes of the run's cgroup (cpuset.mems, a list such as "
	 "1 or 0-1); none: the parent's"},
	{.name = NULL},
};
/* clang-format on */

static const nh_param_def_t *cgroup_option(const char *name)
{
	for (const nh_param_def_t *d = nh_run_cgroup_options; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

/* "unknown parameter" for a name in none of the tables, listing all of them (the cgroup options
 * are checked apart, so nh_params_check alone would leave them out of the list). */
static int unknown_name(const nh_workload_t *wl, const nh_params_t *p, nh_err_t *err)
{
	const nh_param_def_t *const tables[] = {wl->params, nh_run_options, nh_run_cgroup_options};
	for (unsigned i = 0; i < p->count; i++) {
		bool known = false;
		for (unsigned t = 0; t < NH_ARRAY_LEN(tables) && !known; t++)
			for (const nh_param_def_t *d = tables[t]; d && d->name && !known; d++)
				known = strcmp(d->name, p->kv[i].name) == 0;
		if (known)
			continue;
		char names[512] = "";
		size_t used = 0;
		for (unsigned t = 0; t < NH_ARRAY_LEN(tables); t++)
			for (const nh_param_def_t *d = tables[t]; d && d->name; d++) {
				int n = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "", d->name);
				if (n > 0 && (size_t)n < sizeof names - used)
					used += (size_t)n;
			}
		errno = EINVAL;
		return nh_err_set(err, "%s: unknown parameter '%s' (known: %s)", wl->name, p->kv[i].name, names);
	}
	return 0;
}

bool nh_run_option_is_tunable(const char *name) { return strncmp(name, "glibc.", 6) == 0; }

int nh_run_options_check(const nh_workload_t *wl, nh_params_t *p, nh_err_t *err)
{
	/* glibc tunables (glibc.malloc.arena_max=2, ...) pass through to GLIBC_TUNABLES: set them
	 * aside while the declared parameters are checked. */
	nh_params_t declared = {0}, tunables = {0}, cgroup = {0};
	for (unsigned i = 0; i < p->count; i++) {
		const char *name = p->kv[i].name, *value = p->kv[i].value;
		bool tunable = nh_run_option_is_tunable(name);
		if (tunable && (!*value || strpbrk(value, ":=") || strlen(name) < 8)) {
			errno = EINVAL;
			return nh_err_set(err, "%s: tunable '%s': '%s' is not a plain value", wl->name, name, value);
		}
		nh_params_t *to = tunable ? &tunables : cgroup_option(name) ? &cgroup : &declared;
		if (nh_params_set(to, name, value, err) < 0)
			return -1;
	}
	if (unknown_name(wl, &declared, err) < 0 ||
	    nh_params_check(wl->name, wl->params, nh_run_options, &declared, err) < 0 ||
	    nh_params_check(wl->name, NULL, nh_run_cgroup_options, &cgroup, err) < 0)
		return -1;
	for (unsigned i = 0; i < cgroup.count; i++)
		if (strcmp(cgroup.kv[i].value, "none") != 0 &&
		    nh_params_set(&declared, cgroup.kv[i].name, cgroup.kv[i].value, err) < 0)
			return -1;
	for (unsigned i = 0; i < tunables.count; i++)
		if (nh_params_set(&declared, tunables.kv[i].name, tunables.kv[i].value, err) < 0)
			return -1;
	*p = declared;
	return 0;
}

int nh_run_options_tunables(const nh_params_t *p, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < p->count; i++) {
		if (!nh_run_option_is_tunable(p->kv[i].name))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s=%s", used ? ":" : "", p->kv[i].name, p->kv[i].value);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return (int)used;
}
