/* SPDX-License-Identifier: MIT */
/* sample_numa_maps: per-node page counts from /proc/PID/numa_maps for chosen mappings. */
#include "sample.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc_snapshot.h"

static bool overlaps(uintptr_t lo, uintptr_t hi, const nh_range_t *ranges, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (lo < ranges[i].hi && ranges[i].lo < hi)
			return true;
	return false;
}

int nh_numa_maps_pages(const char *numa_maps, const char *maps, const nh_range_t *ranges,
		       unsigned count, uint64_t pages_by_node[NH_MAX_NODES], nh_err_t *err)
{
	const uint64_t base = (uint64_t)sysconf(_SC_PAGESIZE);
	nh_proc_snapshot_t s = {0};
	memset(pages_by_node, 0, sizeof(uint64_t) * NH_MAX_NODES);
	if (nh_proc_parse_numa_maps(numa_maps, maps, NULL, &s, err) < 0) {
		nh_proc_snapshot_free(&s);
		return -1;
	}
	int matched = 0;
	for (unsigned i = 0; i < s.mapping_count; i++) {
		const nh_mapping_t *m = &s.mappings[i];
		if (!m->end || !overlaps(m->start, m->end, ranges, count))
			continue;
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			pages_by_node[n] += m->bytes_by_node[n] / base;
		matched++;
	}
	nh_proc_snapshot_free(&s);
	return matched;
}
