/* SPDX-License-Identifier: MIT */
/* topo: the machine as the harness sees it — nodes, CPUs, memory, distances, caches, host facts. */
#ifndef NH_TOPO_H
#define NH_TOPO_H

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

/* Facts about the host that change how results must be read. Strings are "unavailable: reason"
 * when they could not be read. */
typedef struct nh_host_facts {
	char kernel[128];	 /* uname release */
	char cpu_model[128];
	char thp_enabled[32];	 /* selected value of transparent_hugepage/enabled */
	char thp_defrag[32];
	int numa_balancing;	 /* 0/1, -1 unknown */
	int perf_event_paranoid; /* -1..4, INT_MIN unknown */
	char cgroup[256];	 /* "v2 /path", "v1 (memory: /path)", "hybrid ..." */
	nh_set_t allowed_cpus;	 /* Cpus_allowed_list of this process */
	nh_set_t allowed_mems;	 /* Mems_allowed_list of this process */
} nh_host_facts_t;

typedef struct nh_topo nh_topo_t;

/** \brief Discover the running system (hwloc for structure, sysfs for memory and host facts).
 *  Returns NULL with a message on failure. */
nh_topo_t *nh_topo_load_system(nh_err_t *err);
/** \brief Build a topology from an hwloc synthetic description, e.g.
 *  "pack:2 [numa(4GB)] core:4 pu:1"; memory free = total, host facts from this process.
 *  \p distances: optional n×n row-major matrix (NULL → 10 local / 20 remote). */
nh_topo_t *nh_topo_load_synthetic(const char *desc, const unsigned *distances, nh_err_t *err);
/** \brief Load an hwloc XML export. */
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

/** \brief Re-read per-node MemFree/MemTotal (memory grows lazily on some VMs). */
int nh_topo_refresh_memory(nh_topo_t *t, nh_err_t *err);

/** \brief Read host facts of the running system into \p f (never fails: unknowns say why). */
void nh_host_facts_read(nh_host_facts_t *f);

#endif
