/* SPDX-License-Identifier: MIT */
/* Fuzz target: a memory cgroup's memory.stat, memory.events (v1: memory.oom_control) and
 * memory.numa_stat (NUL-separated parts; one part stands for all three), read as cgroup v2 and
 * as v1, then the events delta and the record's JSON. */
#include "fuzz_common.h"
#include "sample_memory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	const char *stat = in.part[0], *events = nh_fuzz_part(&in, 1);
	const char *numa_stat = nh_fuzz_part(&in, 2);
	static nh_cgroup_mem_t c, delta;
	for (int version = 1; version <= 2; version++) {
		nh_err_t err;
		memset(&c, 0, sizeof c);
		c.version = version;
		snprintf(c.path, sizeof c.path, "/sys/fs/cgroup/fuzz");
		c.available = nh_cgroup_parse_stat(stat, &c, &err) == 0 &&
			      nh_cgroup_parse_events(events, &c, &err) == 0;
		nh_cgroup_parse_numa_stat(numa_stat, version, &c, &err);
		nh_cgroup_stat(&c, "anon");
		nh_cgroup_events_delta(&c, &c, &delta);
		json_decref(nh_cgroup_mem_json(&c, &delta));
	}
	nh_fuzz_input_free(&in);
	return 0;
}
