/* SPDX-License-Identifier: MIT */
/* inspect_checks: the building blocks shared by inspect.c (numactl-style expectations) and
 * inspect_libvirt.c (domain XML) — memory views over chosen mappings and the checks on them. */
#ifndef NH_INSPECT_CHECKS_H
#define NH_INSPECT_CHECKS_H

#include "inspect.h"

/* Resident bytes per node of some of a process's memory. */
typedef struct nh_memview {
	uint64_t by_node[NH_MAX_NODES];
	uint64_t total;
} nh_memview_t;

/** \brief The process's own memory: anon + shmem + hugetlb (page cache left out). */
void nh_memview_of_process(const nh_proc_snapshot_t *s, nh_memview_t *v);
void nh_memview_add_mapping(nh_memview_t *v, const nh_mapping_t *m);
/** \brief v -= part (clamped at 0). */
void nh_memview_sub(nh_memview_t *v, const nh_memview_t *part);
uint64_t nh_memview_on(const nh_memview_t *v, const nh_set_t *nodes);
/** \brief "node0 1.2 MiB, node1 24 MiB". */
char *nh_memview_format(const nh_memview_t *v, char *buf, size_t len);

/** \brief Share of \p v on \p nodes >= \p min_share; not evaluated when nothing is resident. */
void nh_check_share(nh_ichecks_t *out, const char *name, const nh_memview_t *v,
		    const nh_set_t *nodes, double min_share, const char *note);
/** \brief Interleave: every node of \p nodes holds at least half of an even share. */
void nh_check_spread(nh_ichecks_t *out, const char *name, const nh_memview_t *v,
		     const nh_set_t *nodes);
/** \brief Every thread's task policy is \p mode on \p nodes (NULL: any nodes); with
 *  \p cpuset_enforces a thread whose Mems_allowed lies within \p nodes also passes. */
void nh_check_thread_policy(nh_ichecks_t *out, const char *name, const nh_proc_snapshot_t *s,
			    const char *mode, const nh_set_t *nodes, bool cpuset_enforces);
/** \brief Each of \p threads allowed on \p cpus only (\p exact: on exactly \p cpus); \p note
 *  (may be NULL) is added to the detail. */
void nh_check_affinity(nh_ichecks_t *out, const char *name, const nh_thread_t *const *threads,
		       unsigned count, const nh_set_t *cpus, bool exact, const char *note);

/** \brief numa_maps' name of a policy mode ("bind", "prefer", "interleave", ...). */
const char *nh_numa_maps_mode(enum nh_mem_mode m);
/** \brief Does a printed policy say \p mode on \p nodes (NULL: any)? bind to a subset counts. */
bool nh_policy_text_matches(const nh_mempolicy_text_t *p, const char *mode, const nh_set_t *nodes);

/* "tid 12 (name): what; ..." lists of offenders, five at most. */
void nh_list_thread(char *buf, size_t len, unsigned *listed, const nh_thread_t *t, const char *what);
void nh_finish_list(char *buf, size_t len, unsigned listed);

#endif
