/* SPDX-License-Identifier: MIT */
/* cgroup: every run in a cgroup of its own — the parent found or made (cgroup v2, or the v1
 * memory and cpuset hierarchies), a child per run made and configured (memory limits, cpuset),
 * joined by the worker before exec, read after the run and removed. Paths are taken from the
 * mountinfo text given, so a fake tree of real-format files in a temporary directory stands in
 * for /sys/fs/cgroup in the tests. */
#ifndef NH_CGROUP_H
#define NH_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

#define NH_CGROUP_PATH_MAX 512

/* Where runs' cgroups are made. */
typedef struct nh_cgroup_parent {
	bool available;
	char why[384];			   /* not available: why ("per-run cgroups are off", ...) */
	int version;			   /* 2, or 1 for the v1 memory controller */
	char dir[NH_CGROUP_PATH_MAX];	   /* v2: the parent; v1: the parent in the memory hierarchy */
	char cpuset_dir[NH_CGROUP_PATH_MAX]; /* v1: the same place in the cpuset hierarchy (made
					      * when a run asks for a cpuset); "" when there is none */
	bool cpuset;			   /* v2: cpuset enabled in dir's cgroup.subtree_control;
					    * v1: a cpuset hierarchy is mounted */
	char cpuset_why[256];		   /* !cpuset: why */
} nh_cgroup_parent_t;

/* What a run asks of its cgroup; zero / "" = not asked. */
typedef struct nh_cgroup_limits {
	uint64_t memory_max;  /* v2 memory.max, v1 memory.limit_in_bytes */
	uint64_t memory_high; /* v2 memory.high (v1 has none) */
	char cpus[128];	      /* cpuset.cpus, a CPU list */
	char mems[128];	      /* cpuset.mems, a node list */
} nh_cgroup_limits_t;

/* A run's cgroup: what it holds (read back from the kernel) and, after the run, what it saw. */
typedef struct nh_cgroup_run {
	bool available;
	char why[384];			    /* not available: why */
	int version;
	char path[NH_CGROUP_PATH_MAX];	    /* the run's (v1: memory) cgroup directory */
	char cpuset_path[NH_CGROUP_PATH_MAX]; /* v1: its cpuset cgroup, "" when no cpuset was asked */
	int procs_fd, cpuset_procs_fd;	    /* cgroup.procs, open for the child to join (-1: none) */
	bool has_memory_max, has_memory_high;
	uint64_t memory_max, memory_high;   /* as the kernel holds them (page-rounded) */
	char cpus[256], mems[256];	    /* cpuset.cpus / .mems as the kernel holds them; "" not asked */
	bool has_oom_kill;		    /* after nh_cgroup_run_read_final */
	uint64_t oom_kill;
	bool has_memory_peak;
	uint64_t memory_peak;		    /* v2 memory.peak (5.19+), v1 memory.max_usage_in_bytes */
} nh_cgroup_run_t;

/** \brief Find or make the parent of the runs' cgroups from \p setting: NULL or "" for the
 *  default (v2: <mount>/numaharness, made, with memory — and cpuset where the kernel offers it
 *  — enabled down to it in cgroup.subtree_control, as v2 lets no cgroup with processes of its
 *  own have children with controllers; v1: the process's own memory cgroup + /numaharness, and
 *  the same under its cpuset cgroup), "off", or an absolute path in a cgroup2 or v1 memory
 *  hierarchy (made when missing). \p proc_cgroup and \p mountinfo are the texts of
 *  /proc/self/cgroup and /proc/self/mountinfo. Never fails: unavailable carries the reason in
 *  \p p->why (the runs then run without a cgroup of their own). */
void nh_cgroup_parent_resolve_from(const char *setting, const char *proc_cgroup, const char *mountinfo,
				   nh_cgroup_parent_t *p);
/** \brief nh_cgroup_parent_resolve_from with this process's own files. */
void nh_cgroup_parent_resolve(const char *setting, nh_cgroup_parent_t *p);
/** \brief Is \p setting one nh_cgroup_parent_resolve takes ("off", or an absolute path of at most
 *  NH_CGROUP_PATH_MAX - 64 bytes)? 0, or -1 (EINVAL / ENAMETOOLONG) with a message quoting it. */
int nh_cgroup_parent_check(const char *setting, nh_err_t *err);

/** \brief Remove the run-PID-N cgroups under \p p whose harness PID no longer exists, that hold
 *  no process and were made over a minute ago (left by a harness that was killed; a younger one
 *  may be a run of a harness in another PID namespace). Returns how many were removed. */
unsigned nh_cgroup_remove_stale(const nh_cgroup_parent_t *p);

/** \brief Make run-\p harness_pid-\p index under \p p and apply \p lim: v2 memory.max (and
 *  memory.swap.max 0, so the limit is the run's memory as in a container without swap),
 *  memory.high, cpuset.cpus / .mems; v1 memory.limit_in_bytes (memory.memsw.limit_in_bytes the
 *  same where swap is accounted) and, for a cpuset, a cgroup in the cpuset hierarchy whose
 *  cpus and mems are the ones asked or else its parent's (a v1 cpuset cannot take tasks
 *  without both). cgroup.procs is left open for nh_cgroup_run_join. Returns 0, or -1 with
 *  \p run->available false, nothing left behind and the reason in \p err: ENOTSUP for what the
 *  hierarchy cannot do ("memory_high: cgroup v1 has no memory.high"), else the errno of the
 *  file that failed ("DIR/memory.max: Permission denied"). */
int nh_cgroup_run_create(const nh_cgroup_parent_t *p, pid_t harness_pid, unsigned index,
			 const nh_cgroup_limits_t *lim, nh_cgroup_run_t *run, nh_err_t *err);
/** \brief nh_cgroup_run_create's settings on an existing directory \p run->path (v1: also
 *  \p run->cpuset_path when set) of \p run->version, read back into \p run. For the tests'
 *  fixture trees, where a mkdir makes no files. 0, or -1 with the reason. */
int nh_cgroup_run_configure(nh_cgroup_run_t *run, const nh_cgroup_limits_t *lim, nh_err_t *err);
/** \brief In the child between fork and exec: move the calling process into the run's cgroup
 *  (writes "0" to the cgroup.procs opened by nh_cgroup_run_create). Async-signal-safe. 0, or
 *  -1 with errno. */
int nh_cgroup_run_join(const nh_cgroup_run_t *run);
/** \brief After the run: its OOM kills (v2 memory.events, v1 memory.oom_control oom_kill) and
 *  peak memory (v2 memory.peak, v1 memory.max_usage_in_bytes); what cannot be read is left
 *  unset. */
void nh_cgroup_run_read_final(nh_cgroup_run_t *run);
/** \brief Kill whatever is left in the run's cgroup (v2 cgroup.kill, else SIGKILL to each of
 *  cgroup.procs / v1 tasks), wait for it to empty and remove it (and the v1 cpuset one).
 *  Closes the join descriptors. 0, or -1 with what could not be removed. */
int nh_cgroup_run_remove(nh_cgroup_run_t *run, nh_err_t *err);
/** \brief Close the join descriptors (the child's copy: the parent keeps its own). */
void nh_cgroup_run_close(nh_cgroup_run_t *run);

#endif
