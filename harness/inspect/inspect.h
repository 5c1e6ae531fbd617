/* SPDX-License-Identifier: MIT */
/* inspect: verdicts on a live process — does its memory sit on the nodes a policy names, do its
 * threads run where they should, does something (policy or cpuset) keep it that way — from a
 * proc_snapshot, against a numactl-style expectation or a libvirt domain's <numatune>/<cputune>;
 * and the drift between two snapshots (--watch). */
#ifndef NH_INSPECT_H
#define NH_INSPECT_H

#include <jansson.h>

#include "expect.h"
#include "libvirt_xml.h"
#include "policy.h"
#include "proc_snapshot.h"

typedef struct nh_icheck {
	char name[192];		/* "memory on node 1", "vCPU 0 pinned (dom.xml:31)" */
	enum nh_check_status status;
	double value, min;	/* the share measured and its bound, NAN when not a share */
	char detail[1024];	/* the evidence, or why not evaluated */
} nh_icheck_t;

typedef struct nh_ichecks {
	nh_icheck_t *items;
	unsigned count, cap;
	unsigned passed, failed, not_evaluated;
} nh_ichecks_t;

/** \brief Append a check; returns the new item (or NULL on ENOMEM, counted as failed). */
nh_icheck_t *nh_ichecks_add(nh_ichecks_t *c, enum nh_check_status status, const char *name,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void nh_ichecks_free(nh_ichecks_t *c);
json_t *nh_ichecks_json(const nh_ichecks_t *c);

/** \brief Checks of the process against a numactl-style policy \p want (already parsed and
 *  validated against the host): memory share on the policy's nodes ≥ \p min_share (the process's
 *  own memory — anon, shmem, hugetlb; page cache is shared and reported only), the interleave
 *  spread, every thread's memory policy (or a cpuset confining it), thread CPU affinity, and
 *  whether the cgroup's cpuset permits the policy at all. */
void nh_inspect_expect(const nh_proc_snapshot_t *s, const nh_policy_t *want, double min_share,
		       nh_ichecks_t *out);

/** \brief Checks of a qemu process against a libvirt domain: <numatune> memory and memnodes
 *  (guest cells found by size, or by name for file-backed RAM), vcpupin / <vcpu cpuset>,
 *  emulatorpin, iothreadpin, vcpusched. Nodesets and cpusets naming what the host lacks are
 *  errors: returns -1 with "dom.xml:12: numatune memory nodeset '3': node 3 does not exist on
 *  this host (nodes: 0-1)"; otherwise 0. */
int nh_inspect_libvirt(const nh_proc_snapshot_t *s, const nh_lv_domain_t *d, const nh_topo_t *topo,
		       double min_share, nh_ichecks_t *out, nh_err_t *err);

/** \brief The validation nh_inspect_libvirt starts with, on its own: every nodeset and cpuset
 *  the domain names exists on this host. 0, or -1 with the message above. */
int nh_inspect_libvirt_validate(const nh_lv_domain_t *d, const nh_topo_t *topo, nh_err_t *err);

/* How the process's memory moved between two snapshots. */
typedef struct nh_drift {
	double seconds;
	int64_t delta_by_kind_node[NH_MEM_KINDS][NH_MAX_NODES]; /* bytes, last - first */
	uint64_t moved_bytes;	/* lower bound of bytes that changed node: min(lost, gained) */
	uint64_t pages_migrated; /* sum over threads of NUMA balancing's numa_pages_migrated
				  * growth; UINT64_MAX when the kernel does not say */
} nh_drift_t;

void nh_inspect_drift(const nh_proc_snapshot_t *first, const nh_proc_snapshot_t *last,
		      nh_drift_t *d);
json_t *nh_drift_json(const nh_drift_t *d, const nh_topo_t *topo);

/** \brief Worth listing: a mapping with a policy of its own, or own memory of at least 1 MiB
 *  and 1% of \p own_bytes (guest RAM, big heaps) — not the dozens of small ones every process has. */
bool nh_inspect_mapping_notable(const nh_mapping_t *m, uint64_t own_bytes);

/** \brief The snapshot as JSON: process, threads, memory by kind and node, mappings with their
 *  own policy or holding >= 1% of the memory, cpuset. */
json_t *nh_proc_snapshot_json(const nh_proc_snapshot_t *s, const nh_topo_t *topo);

/** \brief One --watch sample, compact: seconds since \p t0, memory by kind and node, thread
 *  count, NUMA balancing migrations so far (null when not reported). */
json_t *nh_proc_sample_json(const nh_proc_snapshot_t *s, double t0, const nh_topo_t *topo);

#endif
