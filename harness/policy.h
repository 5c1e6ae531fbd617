/* SPDX-License-Identifier: MIT */
/* policy: numactl-style policy specs — parse, validate against a topology, apply, read back. */
#ifndef NH_POLICY_H
#define NH_POLICY_H

#include "topo.h"

enum nh_mem_mode {
	NH_MEM_DEFAULT = 0,	     /* no memory policy given: the process default */
	NH_MEM_LOCAL,		     /* localalloc */
	NH_MEM_BIND,		     /* membind= */
	NH_MEM_PREFERRED,	     /* preferred= (one node) */
	NH_MEM_PREFERRED_MANY,	     /* preferred-many= (Linux 5.15+) */
	NH_MEM_INTERLEAVE,	     /* interleave= */
	NH_MEM_WEIGHTED_INTERLEAVE,  /* weighted-interleave= (Linux 6.9+) */
};

enum nh_cpu_mode {
	NH_CPU_ANY = 0,	     /* inherit the parent's affinity */
	NH_CPU_NODES,	     /* cpunodebind= */
	NH_CPU_LIST,	     /* physcpubind= */
};

typedef struct nh_policy {
	char spec[256];		 /* the requested spec, normalised spacing */
	enum nh_mem_mode mem_mode;
	nh_set_t mem_nodes;	 /* nodes named by the memory part ("all" expanded) */
	unsigned weights[64];	 /* weighted-interleave: weight per node id, 0 = not given */
	bool has_weights;
	enum nh_cpu_mode cpu_mode;
	nh_set_t cpu_nodes;	 /* cpunodebind nodes */
	nh_set_t cpus;		 /* physcpubind CPUs, or the CPUs of cpu_nodes */
} nh_policy_t;

/** \brief Parse a spec such as "membind=1", "cpunodebind=0 membind=1", "interleave=all",
 *  "weighted-interleave=0:3,1:1", "localalloc", "physcpubind=0-3", or "" / "default".
 *  `all` and node lists are resolved against \p topo (which may be NULL for a syntax-only parse;
 *  then `all` is resolved later by validate). Errors: "policy 'SPEC': what is wrong". */
int nh_policy_parse(nh_policy_t *p, const char *spec, const nh_topo_t *topo, nh_err_t *err);

/** \brief Check nodes and CPUs exist in \p topo and are allowed by the cgroup/cpuset
 *  (host facts). Example: "policy 'membind=7': node 7 does not exist (nodes: 0-1)". */
int nh_policy_validate(const nh_policy_t *p, const nh_topo_t *topo, nh_err_t *err);

/** \brief Whether this kernel can apply the policy. Returns true, or false with \p reason
 *  (e.g. "weighted interleave needs Linux 6.9+ (running 6.1.0)"). */
bool nh_policy_supported(const nh_policy_t *p, char *reason, size_t len);

/** \brief Apply to the calling process: CPU affinity first, then the memory policy, then
 *  weighted-interleave weights. Called in the forked child before exec. Returns 0, or -1 with
 *  errno from the failing syscall and a message. */
int nh_policy_apply(const nh_policy_t *p, nh_err_t *err);

/** \brief Weighted interleave weights are system-wide (sysfs); save the current ones for the
 *  nodes \p p names so they can be restored after the run. */
typedef struct nh_policy_saved_weights {
	bool saved;
	unsigned weights[64];
} nh_policy_saved_weights_t;
int nh_policy_set_weights(const nh_policy_t *p, nh_policy_saved_weights_t *saved, nh_err_t *err);
void nh_policy_restore_weights(const nh_policy_saved_weights_t *saved);

/* What the kernel says the calling thread's policy is (get_mempolicy + sched_getaffinity). */
typedef struct nh_policy_applied {
	enum nh_mem_mode mem_mode;
	nh_set_t mem_nodes;
	nh_set_t cpus;
	unsigned flags; /* MPOL_F_STATIC_NODES / MPOL_F_RELATIVE_NODES bits as read back */
} nh_policy_applied_t;

/** \brief Read back the calling thread's memory policy and CPU affinity. */
int nh_policy_read_back(nh_policy_applied_t *a, nh_err_t *err);

/** \brief "bind", "preferred", ... as used in records. */
const char *nh_policy_mem_mode_name(enum nh_mem_mode m);
/** \brief Canonical spec text of a read-back policy, e.g. "membind=1 physcpubind=0-3". */
char *nh_policy_applied_format(const nh_policy_applied_t *a, char *buf, size_t len);

/** \brief Nodes on which pages are expected: the memory nodes for bind / interleave /
 *  preferred(-many), empty for default/local (the caller then uses the touching CPU's node). */
void nh_policy_expected_nodes(const nh_policy_t *p, nh_set_t *out);

#endif
