/* SPDX-License-Identifier: MIT */
/* sample: what happened, read from the kernel — per-node NUMA counters and page placement. */
#ifndef NH_SAMPLE_H
#define NH_SAMPLE_H

#include "topo.h"

/* Per-node counters of /sys/devices/system/node/nodeN/numastat. */
enum nh_numastat_field {
	NH_NUMA_HIT,
	NH_NUMA_MISS,
	NH_NUMA_FOREIGN,
	NH_INTERLEAVE_HIT,
	NH_LOCAL_NODE,
	NH_OTHER_NODE,
	NH_NUMASTAT_FIELDS
};

typedef struct nh_numastat {
	unsigned count;
	int node[NH_MAX_NODES];
	uint64_t v[NH_MAX_NODES][NH_NUMASTAT_FIELDS];
} nh_numastat_t;

/** \brief Names as the kernel prints them ("numa_hit", ...). */
const char *nh_numastat_field_name(enum nh_numastat_field f);
/** \brief Parse one node's numastat text ("numa_hit 123\nnuma_miss 0\n..."). Unknown lines are
 *  ignored; a missing field is an error (EINVAL). */
int nh_numastat_parse(const char *text, uint64_t out[NH_NUMASTAT_FIELDS], nh_err_t *err);
/** \brief Read every node under \p sysfs_node_dir (normally "/sys/devices/system/node"). */
int nh_numastat_read(const char *sysfs_node_dir, nh_numastat_t *out, nh_err_t *err);
/** \brief after - before, node by node (nodes matched by id). */
void nh_numastat_delta(const nh_numastat_t *before, const nh_numastat_t *after, nh_numastat_t *delta);
/** \brief numa_miss / (numa_hit + numa_miss) over all nodes; -1 when there were no allocations. */
double nh_numastat_miss_ratio(const nh_numastat_t *delta);

/* Page placement of registered buffers, by move_pages(2) status query. */
typedef struct nh_placement {
	uint64_t pages_total;		 /* pages queried */
	uint64_t pages_by_node[NH_MAX_NODES]; /* indexed by node id */
	uint64_t pages_absent;		 /* -ENOENT: not (yet) faulted in */
	uint64_t pages_error;		 /* any other negative status */
	uint64_t pages_expected;	 /* pages on the node(s) they were expected on */
	uint64_t pages_checked;		 /* pages that had an expectation */
} nh_placement_t;

/** \brief Add the pages of [addr, addr+len) to \p pl. Pages are counted as expected when their
 *  node is in \p expected (if non-empty) or equals \p expected_node (if >= 0). Uses the calling
 *  process's address space. Returns 0 or -1 (errno from move_pages) with a message. */
int nh_placement_query(nh_placement_t *pl, const void *addr, size_t len, const nh_set_t *expected,
		       int expected_node, nh_err_t *err);

/** \brief The node of each of \p count pages of the calling process: move_pages(2) with no
 *  target nodes, which only queries. \p status[i] is the node or a negative errno (-ENOENT: not
 *  faulted in). 0, or -1 with errno. */
int nh_pages_query(void *const *pages, unsigned long count, int *status);

/* The kernel's own per-node page counts (/proc/PID/numa_maps) for the mappings that overlap
 * given address ranges: the second opinion beside move_pages. */
typedef struct nh_range {
	uintptr_t lo, hi; /* [lo, hi) */
} nh_range_t;

/** \brief Sum the N<node>=<pages> fields of every numa_maps entry whose mapping (extent taken
 *  from \p maps_text, the matching /proc/PID/maps) overlaps one of \p ranges. Counts are in base
 *  pages (huge-page mappings are scaled by kernelpagesize_kB). Returns the number of mappings
 *  matched, or -1 (EINVAL) when the texts cannot be parsed. */
int nh_numa_maps_pages(const char *numa_maps_text, const char *maps_text, const nh_range_t *ranges,
		       unsigned count, uint64_t pages_by_node[NH_MAX_NODES], nh_err_t *err);

#endif
