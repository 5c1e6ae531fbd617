/* SPDX-License-Identifier: MIT */
/* run_options: the table of harness-applied run parameters and their checking. */
#include "run_options.h"

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
	{.name = NULL},
};
/* clang-format on */

int nh_run_options_check(const nh_workload_t *wl, nh_params_t *p, nh_err_t *err)
{
	return nh_params_check(wl->name, wl->params, nh_run_options, p, err);
}
