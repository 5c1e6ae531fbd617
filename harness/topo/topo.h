/* SPDX-License-Identifier: MIT */
/* topo: the machine as the harness sees it — nodes, CPUs, memory, distances, caches, host facts. */
#ifndef NH_TOPO_H
#define NH_TOPO_H

#include "host.h"
#include "util.h"

#define NH_MAX_NODES 64

typedef struct nh_topo_node {
	int id;			  /* OS node number (may be non-contiguous) */
	nh_set_t cpus;		  /* OS CPU numbers of this node */
	uint64_t mem_total_bytes; /* as the kernel reports it now (may undercount, see README) */
	uint64_t mem_free_bytes;
} nh_topo_node_t;

typedef struct nh_topo_cache {
	int level;	   /* 1, 2, 3, ... */
	char type[12];	   /* "data", "instruction", "unified" */
	uint64_t size;	   /* bytes per instance */
	unsigned count;	   /* instances in the machine */
	unsigned line;	   /* line size in bytes */
} nh_topo_cache_t;

typedef struct nh_topo nh_topo_t;

/** \brief Discover the running system: online nodes with memory or CPUs, their CPU lists, memory
 *  and distances from sysfs (what numactl --hardware shows), caches from hwloc; hwloc also
 *  stands in for sysfs when /sys/devices/system/node is absent. Host facts from this process.
 *  Returns NULL with errno and a message on failure (ENOMEM, E2BIG: more than NH_MAX_NODES). */
nh_topo_t *nh_topo_load_system(nh_err_t *err);
/** \brief Build a topology from an hwloc synthetic description, e.g.
 *  "pack:2 [numa(4GB)] core:4 pu:1". A bare size in parentheses is harness shorthand in binary
 *  units (numa(4GB) = memory of 4 GiB, l3:1(8MB) = an 8 MiB cache); hwloc's own key=value
 *  attributes ("memory=4GB" is 4e9 bytes, "4GiB", "indexes=0,2") pass through unchanged.
 *  Memory free = total; host facts from this process, but allowed CPUs / nodes are all of the
 *  described machine. \p distances: optional n×n row-major matrix in node order
 *  (NULL → 10 local / 20 remote). Returns NULL with errno (EINVAL, E2BIG, ENOMEM) and a message
 *  "bad synthetic topology '...': ...". */
nh_topo_t *nh_topo_load_synthetic(const char *desc, const unsigned *distances, nh_err_t *err);
/** \brief Load an hwloc XML export (lstopo --of xml). Distances from its NUMA latency matrix when
 *  it has one, else 10 / 20; memory free = total; allowed CPUs / nodes are all of the machine.
 *  Returns NULL with errno and a message. */
nh_topo_t *nh_topo_load_xml(const char *path, nh_err_t *err);
void nh_topo_free(nh_topo_t *t);

unsigned nh_topo_node_count(const nh_topo_t *t);
/** \brief The i-th node in ascending OS id order (0 <= i < count). */
const nh_topo_node_t *nh_topo_node(const nh_topo_t *t, unsigned i);
/** \brief The node with OS id \p id, or NULL. */
const nh_topo_node_t *nh_topo_node_by_id(const nh_topo_t *t, int id);
/** \brief Distance (SLIT, 10 = local) between node indexes i and j. */
unsigned nh_topo_distance(const nh_topo_t *t, unsigned i, unsigned j);
/** \brief Set of all node ids / all CPU ids. */
const nh_set_t *nh_topo_all_nodes(const nh_topo_t *t);
const nh_set_t *nh_topo_all_cpus(const nh_topo_t *t);
/** \brief Node id of a CPU, or -1. */
int nh_topo_node_of_cpu(const nh_topo_t *t, unsigned cpu);
/** \brief Caches, from L1 upward. */
unsigned nh_topo_cache_count(const nh_topo_t *t);
const nh_topo_cache_t *nh_topo_cache(const nh_topo_t *t, unsigned i);
/** \brief Total bytes of the last-level cache across the machine (0 when unknown). */
uint64_t nh_topo_llc_bytes(const nh_topo_t *t);
const nh_host_facts_t *nh_topo_facts(const nh_topo_t *t);
/** \brief Writable facts: tests use this to simulate a cgroup that narrows CPUs / nodes. */
nh_host_facts_t *nh_topo_facts_mut(nh_topo_t *t);

/** \brief Re-read per-node MemFree/MemTotal (memory grows lazily on some VMs). No-op (0) for
 *  synthetic and XML topologies. Returns 0, or -1 with errno and a message naming the file. */
int nh_topo_refresh_memory(nh_topo_t *t, nh_err_t *err);
/** \brief Where \p t came from: "system", "sysfs", "synthetic" or "xml". */
const char *nh_topo_source(const nh_topo_t *t);

/* ---- for tests: the sysfs half of nh_topo_load_system on a fixture tree ---- */

/** \brief Nodes, CPUs, memory and distances from \p root/devices/system/node (a sysfs-style tree;
 *  "/sys" is the real one); no caches; allowed CPUs / nodes are all of it. Source "sysfs".
 *  Returns NULL with errno (ENOENT when there is no node directory) and a message. */
nh_topo_t *nh_topo_load_sysfs(const char *root, nh_err_t *err);

/* ---- parsing helpers (exposed for tests) ---- */

/** \brief MemTotal / MemFree in bytes from a node meminfo ("Node 0 MemTotal: 5597396 kB") or
 *  /proc/meminfo text. Returns 0, or -1 (EINVAL) when either is missing. */
int nh_topo_parse_meminfo(const char *text, uint64_t *total, uint64_t *free_bytes);
/** \brief The one meminfo parser (node memory here, page-cache figures in the workload context):
 *  the value of \p field in bytes when it has a "kB" unit (counts such as HugePages_Free as they
 *  are), from /proc/meminfo ("Cached:  12 kB") or a node's meminfo ("Node 1 FilePages:  12 kB").
 *  Only the whole name matches. 0, or -1 (errno ENOENT) when absent. */
int nh_meminfo_bytes(const char *text, const char *field, uint64_t *bytes);

#endif
