/* SPDX-License-Identifier: MIT */
/* Fuzz target: run parameters as `bench` and scenarios give them — one NAME=VALUE per line —
 * set, checked for every workload with the run options (counters specs, allocators, glibc
 * tunables, durations, enums), then the tunables text and the workloads' plan checks. */
#include "fuzz_common.h"
#include "run_options.h"

static void add_kv(const char *line, void *arg)
{
	nh_err_t err;
	nh_params_set_kv(arg, line, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	nh_params_t given = {0};
	nh_fuzz_lines(in.text, 2 * NH_MAX_PARAMS, add_kv, &given);
	for (unsigned w = 0; w < nh_workload_count(); w++) {
		const nh_workload_t *wl = nh_workload_at(w);
		nh_params_t p = given;
		nh_err_t err;
		if (nh_run_options_check(wl, &p, &err) < 0)
			continue;
		char tunables[1024], why[256];
		nh_run_options_tunables(&p, tunables, sizeof tunables);
		for (unsigned cpus = 1; wl->check_plan && cpus <= 4; cpus *= 2)
			wl->check_plan(&p, cpus, why, sizeof why);
	}
	nh_fuzz_input_free(&in);
	return 0;
}
