/* SPDX-License-Identifier: MIT */
/* run_options: the table of harness-applied run parameters and their checking. */
#include "run_options.h"

#include <errno.h>
#include <string.h>

#include "allocator.h"
#include "sample_counters.h"

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
/* clang-format on */

bool nh_run_option_is_tunable(const char *name) { return strncmp(name, "glibc.", 6) == 0; }

int nh_run_options_check(const nh_workload_t *wl, nh_params_t *p, nh_err_t *err)
{
	/* glibc tunables (glibc.malloc.arena_max=2, ...) pass through to GLIBC_TUNABLES: set them
	 * aside while the declared parameters are checked. */
	nh_params_t declared = {0}, tunables = {0};
	for (unsigned i = 0; i < p->count; i++) {
		const char *name = p->kv[i].name, *value = p->kv[i].value;
		bool tunable = nh_run_option_is_tunable(name);
		if (tunable && (!*value || strpbrk(value, ":=") || strlen(name) < 8)) {
			errno = EINVAL;
			return nh_err_set(err, "%s: tunable '%s': '%s' is not a plain value", wl->name, name, value);
		}
		if (nh_params_set(tunable ? &tunables : &declared, name, value, err) < 0)
			return -1;
	}
	if (nh_params_check(wl->name, wl->params, nh_run_options, &declared, err) < 0)
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
