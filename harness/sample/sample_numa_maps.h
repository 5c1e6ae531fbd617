/* SPDX-License-Identifier: MIT */
/* sample_numa_maps: the one parser of /proc/PID/numa_maps lines (and of /proc/PID/maps extents),
 * shared by the worker's memory layer and placement check and by `inspect`. It reads what a line
 * says and nothing more: how its pages are classified (anon or file, by kind) is each user's
 * rule. */
#ifndef NH_SAMPLE_NUMA_MAPS_H
#define NH_SAMPLE_NUMA_MAPS_H

#include "topo.h"

/* One numa_maps line, as printed. Text fields point into the line (not terminated). */
typedef struct nh_numa_maps_entry {
	uintptr_t start;
	const char *policy; /* "default", "bind:1", "prefer (many):0-1", "interleave=static:0-1", ... */
	size_t policy_len;
	uint64_t pages_by_node[NH_MAX_NODES]; /* N<node>= counts, in pages of page_kb */
	uint64_t pages;			      /* their sum */
	uint64_t anon;			      /* anon= (0 when absent) */
	uint64_t page_kb;		      /* kernelpagesize_kB, the base page size when absent */
	const char *file;		      /* after file=, escaped as printed (' ' is \040); NULL: none */
	size_t file_len;
	bool huge;			      /* hugetlbfs ("huge") */
	bool heap, stack;
} nh_numa_maps_entry_t;

/** \brief Parse one line of \p len bytes (no newline). Returns 0, or -1 (EINVAL) with
 *  "numa_maps: cannot parse '...'" (no address, no policy), "numa_maps: bad count 'N0=x'", or
 *  "numa_maps: node 64 beyond the 64 nodes supported" (a node is never dropped silently). */
int nh_numa_maps_line(const char *line, size_t len, nh_numa_maps_entry_t *e, nh_err_t *err);

/** \brief Length of the policy text at the start of \p p (at most \p len bytes): "prefer (many)"
 *  and "weighted interleave" hold a space. For a caller that reads only the head of a line. */
size_t nh_numa_maps_policy_length(const char *p, size_t len);

/* /proc/PID/maps as [start, end) extents in address order, to give numa_maps lines their end. */
typedef struct nh_maps_extents {
	uintptr_t (*r)[2];
	size_t n;
} nh_maps_extents_t;

/** \brief Parse \p maps_text (lines that do not start with "lo-hi" are skipped). 0, or -1 ENOMEM.
 *  Free with nh_maps_extents_free. */
int nh_maps_extents_parse(const char *maps_text, nh_maps_extents_t *x);
/** \brief End of the extent starting at \p start, or 0 when there is none. */
uintptr_t nh_maps_extent_end(const nh_maps_extents_t *x, uintptr_t start);
void nh_maps_extents_free(nh_maps_extents_t *x);

#endif
