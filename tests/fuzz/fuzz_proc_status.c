/* SPDX-License-Identifier: MIT */
/* Fuzz target: /proc/PID/status and /proc/PID/task/TID/stat texts — the process memory fields
 * the worker records, a thread's allowed CPUs/nodes and scheduling for inspect, and the
 * host facts' cpuset lists. */
#include "fuzz_common.h"
#include "proc_snapshot.h"
#include "sample_memory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	nh_err_t err;
	nh_proc_mem_t m = {0};
	if (nh_proc_status_parse(in.text, &m, &err) == 0)
		json_decref(nh_proc_mem_json(&m));
	nh_thread_t t = {0};
	nh_proc_parse_status(in.text, &t, &err);
	if (nh_proc_parse_stat(in.text, &t, &err) == 0)
		(void)nh_sched_policy_name(t.sched_policy);
	nh_set_t cpus, mems;
	nh_host_parse_status(in.text, &cpus, &mems);
	nh_fuzz_input_free(&in);
	return 0;
}
