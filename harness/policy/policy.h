/* SPDX-License-Identifier: MIT */
/* policy: numactl-style policy specs — parse, validate against a topology, apply, read back. */
#ifndef NH_POLICY_H
#define NH_POLICY_H

#include "topo.h"

/* Where the kernel keeps the system-wide weighted-interleave weights (Linux 6.9+). */
#define NH_POLICY_WI_DIR "/sys/kernel/mm/mempolicy/weighted_interleave"

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
	bool mem_all;		 /* memory part said "all": mem_nodes filled given a topology */
	bool cpu_all;		 /* CPU part said "all": cpu_nodes / cpus filled likewise */
} nh_policy_t;

/** \brief Parse a spec such as "membind=1", "cpunodebind=0 membind=1", "interleave=all",
 *  "weighted-interleave=0:3,1:1", "localalloc", "physcpubind=0-3", or "" / "default".
 *  `all` and node lists are resolved against \p topo (which may be NULL for a syntax-only parse;
 *  then mem_all / cpu_all record `all`, validate accepts it and nh_policy_resolve expands it).
 *  Also numactl's option forms: "--membind=0", "--interleave all", "-m 0", "-N0", "-l".
 *  Errors: "policy 'SPEC': what is wrong", e.g. "policy 'membind=x': bad node list 'x': ...". */
int nh_policy_parse(nh_policy_t *p, const char *spec, const nh_topo_t *topo, nh_err_t *err);

/** \brief Expand `all` and the CPUs of cpunodebind nodes against \p topo (parse does this when
 *  given a topology; call it after a syntax-only parse, before apply). Returns 0, or -1 with
 *  EINVAL when \p topo is NULL. */
int nh_policy_resolve(nh_policy_t *p, const nh_topo_t *topo, nh_err_t *err);

/** \brief Check nodes and CPUs exist in \p topo and are allowed by the cgroup/cpuset
 *  (host facts). Example: "policy 'membind=7': node 7 does not exist (nodes: 0-1)". */
int nh_policy_validate(const nh_policy_t *p, const nh_topo_t *topo, nh_err_t *err);

/** \brief Whether this host can apply the policy: kernel version (preferred-many 5.15+,
 *  weighted-interleave 6.9+ with its sysfs directory, and writable weight files when weights are
 *  given). Returns true, or false with \p reason, e.g.
 *  "weighted-interleave needs Linux 6.9 or later (this kernel: 6.1.0-13-amd64)". */
bool nh_policy_supported(const nh_policy_t *p, char *reason, size_t len);
/* For tests: the same check against a given kernel release and weighted-interleave directory. */
bool nh_policy_supported_on(const nh_policy_t *p, const char *release, const char *wi_dir,
			    char *reason, size_t len);

/** \brief Apply to the calling process: CPU affinity first, then the memory policy (the
 *  weighted-interleave weights are system-wide: the parent sets them with nh_policy_set_weights).
 *  Called in the forked child before exec. Returns 0, or -1 with errno from the failing syscall
 *  and a message naming it: "set_mempolicy(MPOL_BIND, nodes 1): Invalid argument". */
int nh_policy_apply(const nh_policy_t *p, nh_err_t *err);

/** \brief Weighted interleave weights are system-wide (sysfs); save the current ones for the
 *  nodes \p p names so they can be restored after the run. A policy without explicit weights
 *  changes nothing (saved->saved = false). Returns 0, or -1 with errno (ENOENT: no such
 *  directory, EACCES / EROFS: not writable) and a message; nothing is left changed then. */
typedef struct nh_policy_saved_weights {
	bool saved;
	unsigned weights[64];	/* old weight per node id, 0 = not touched */
	int auto_mode;		/* old value of the "auto" switch (Linux 6.16+): 0/1, -1 none */
	char dir[160];		/* the directory written */
} nh_policy_saved_weights_t;
int nh_policy_set_weights(const nh_policy_t *p, nh_policy_saved_weights_t *saved, nh_err_t *err);
/* For tests: the same in another directory laid out like NH_POLICY_WI_DIR. */
int nh_policy_set_weights_in(const char *dir, const nh_policy_t *p,
			     nh_policy_saved_weights_t *saved, nh_err_t *err);
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
