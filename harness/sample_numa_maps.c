/* SPDX-License-Identifier: MIT */
/* sample_numa_maps: per-node page counts from /proc/PID/numa_maps for chosen mappings. */
#include "sample.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* End address of the mapping starting at \p start, from /proc/PID/maps; 0 when absent. */
static uintptr_t mapping_end(const char *maps, uintptr_t start)
{
	for (const char *line = maps; line && *line;) {
		uintptr_t lo, hi;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) == 2 && lo == start)
			return hi;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return 0;
}

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
	const uint64_t base_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	int matched = 0;
	memset(pages_by_node, 0, sizeof(uint64_t) * NH_MAX_NODES);
	for (const char *line = numa_maps; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char buf[4096];
		snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
		line = eol ? eol + 1 : NULL;

		char *p = buf;
		errno = 0;
		uintptr_t start = (uintptr_t)strtoull(p, &p, 16);
		if (errno || *p != ' ') {
			errno = EINVAL;
			return nh_err_set(err, "numa_maps: cannot parse '%.60s'", buf);
		}
		uintptr_t end = mapping_end(maps, start);
		if (!end || !overlaps(start, end, ranges, count))
			continue;
		uint64_t counts[NH_MAX_NODES] = {0}, page_kb = base_kb;
		char *save = NULL;
		for (char *tok = strtok_r(p, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			unsigned node;
			uint64_t pages;
			if (sscanf(tok, "N%u=%" SCNu64, &node, &pages) == 2 && node < NH_MAX_NODES)
				counts[node] += pages;
			else if (sscanf(tok, "kernelpagesize_kB=%" SCNu64, &pages) == 1 && pages)
				page_kb = pages;
		}
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			pages_by_node[n] += counts[n] * (page_kb / base_kb);
		matched++;
	}
	return matched;
}
