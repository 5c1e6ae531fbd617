/* SPDX-License-Identifier: MIT */
/* Fuzz target: /proc/PID/numa_maps with the matching /proc/PID/maps and mountinfo (NUL-separated
 * parts) — the worker's per-process and per-range page counts and inspect's mappings by kind,
 * their policies, classification by filesystem and the thread policy. */
#include "fuzz_common.h"
#include "proc_snapshot.h"
#include "sample.h"
#include "sample_memory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	const char *numa_maps = in.part[0], *maps = in.part[1], *mountinfo = in.part[2];
	nh_err_t err;

	nh_proc_mem_t m = {0};
	if (nh_proc_numa_maps_parse(numa_maps, &m, &err) == 0)
		json_decref(nh_proc_mem_json(&m));

	/* The worker's ranges: everything, and a window in the middle of the address space. */
	const nh_range_t ranges[] = {{0, UINTPTR_MAX}, {0x7f0000000000, 0x7f0000100000}};
	uint64_t pages[NH_MAX_NODES];
	nh_numa_maps_pages(numa_maps, maps, ranges, NH_ARRAY_LEN(ranges), pages, &err);

	nh_mempolicy_text_t policy;
	bool have_policy = nh_proc_thread_policy(numa_maps, &policy, &err) == 0;
	nh_proc_snapshot_t s = {0};
	if (nh_proc_parse_numa_maps(numa_maps, maps, have_policy ? &policy : NULL, &s, &err) == 0) {
		nh_proc_classify_files(&s, mountinfo);
		nh_proc_prune_mappings(&s);
		nh_set_t some;
		nh_set_clear(&some);
		nh_set_add(&some, 1);
		nh_proc_own_bytes(&s, NULL);
		nh_proc_own_bytes(&s, &some);
	}
	nh_proc_snapshot_free(&s);
	nh_fuzz_input_free(&in);
	return 0;
}
