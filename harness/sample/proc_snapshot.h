/* SPDX-License-Identifier: MIT */
/* proc_snapshot: what the kernel says about a live process — its threads (allowed CPUs and
 * nodes, last CPU, memory policy, scheduling class), its mappings' memory per node split by
 * kind, and its cgroup's cpuset — read from /proc and the cgroup filesystem. */
#ifndef NH_PROC_SNAPSHOT_H
#define NH_PROC_SNAPSHOT_H

#include <sys/types.h>

#include "topo.h"

/* What backs a mapping's pages, as far as placement goes: the process's own memory (anon, shmem,
 * huge) follows its memory policies; page cache of regular files is shared with every reader and
 * sits where the first reader faulted it. */
enum nh_mem_kind {
	NH_MEM_ANON,	/* private anonymous: heap, stacks, malloc arenas, anonymous guest RAM */
	NH_MEM_SHMEM,	/* memfd, /dev/shm, SysV shm: shared memory the process allocated */
	NH_MEM_HUGE,	/* hugetlbfs pages (numa_maps "huge") */
	NH_MEM_FILE,	/* page cache of regular files (binaries, libraries, data files) */
	NH_MEM_KINDS
};
/** \brief "anon", "shmem", "huge", "file". */
const char *nh_mem_kind_name(enum nh_mem_kind k);

/* A memory policy as numa_maps prints it: "default", "bind:1", "interleave:0-1", "prefer:1",
 * "prefer (many):0-1", "weighted interleave:0-1", "local", with "=static" / "=relative" flags. */
typedef struct nh_mempolicy_text {
	char text[96];		/* as printed */
	char mode[32];		/* "default", "bind", "interleave", "prefer", "prefer (many)", ... */
	nh_set_t nodes;		/* empty for default / local */
} nh_mempolicy_text_t;

/** \brief Split a numa_maps policy into mode and nodes. Returns 0, or -1 (EINVAL). */
int nh_mempolicy_text_parse(const char *text, nh_mempolicy_text_t *out, nh_err_t *err);

typedef struct nh_mapping {
	uintptr_t start, end;	/* end is 0 when /proc/PID/maps no longer had it */
	enum nh_mem_kind kind;
	char name[160];		/* file path, "[heap]", "[stack]", "" for anonymous */
	nh_mempolicy_text_t policy;
	bool own_policy;	/* policy differs from the thread's: a VMA policy (mbind) */
	uint64_t page_bytes;	/* kernelpagesize_kB × 1024 */
	uint64_t bytes_by_node[NH_MAX_NODES];
	uint64_t bytes;		/* resident, all nodes */
} nh_mapping_t;

typedef struct nh_thread {
	pid_t tid;
	pid_t tgid;		/* the process it belongs to (status Tgid) */
	char comm[32];
	char state;		/* stat field 3: 'R', 'S', ..., 'Z' for a zombie */
	bool kernel_thread;	/* stat field 9 (flags) has PF_KTHREAD: no user memory at all */
	nh_set_t cpus_allowed, mems_allowed;
	int last_cpu;		/* stat field 39; -1 unknown */
	int last_node;		/* node of last_cpu; -1 unknown */
	nh_mempolicy_text_t policy; /* the task policy, as its numa_maps shows it */
	bool policy_known;
	int sched_policy;	/* SCHED_OTHER, SCHED_FIFO, ... (stat field 41) */
	int rt_priority;	/* stat field 40 */
	uint64_t numa_pages_migrated; /* /proc/PID/task/TID/sched (NUMA balancing), UINT64_MAX unknown */
	char cgroup[256];	/* its cgroup (the v1 cpuset hierarchy's, else v2's): libvirt puts
				 * vCPU, iothread and emulator threads in cgroups of their own */
} nh_thread_t;

typedef struct nh_proc_snapshot {
	pid_t pid;
	char comm[32];
	char cmdline[512];
	double t;		/* nh_now() when taken */
	nh_thread_t *threads;
	unsigned thread_count;
	nh_mapping_t *mappings;
	unsigned mapping_count;
	uint64_t bytes_by_kind_node[NH_MEM_KINDS][NH_MAX_NODES];
	uint64_t bytes_by_kind[NH_MEM_KINDS];

	/* The effective cpuset (v2 cpuset.*.effective, v1 cpuset.effective_*): the union over the
	 * threads' cgroups, which libvirt makes differ (emulator, vcpuN, iothreadN). */
	bool cpuset_available;
	char cpuset_reason[256];	/* why not, when unavailable */
	char cgroup_path[256];		/* the main thread's cgroup directory */
	unsigned cgroup_count;		/* distinct cgroups among the threads */
	nh_set_t cgroup_cpus, cgroup_mems;
} nh_proc_snapshot_t;

/** \brief Take a snapshot of \p pid; \p topo maps CPUs to nodes. Returns 0, or -1 with errno and
 *  a one-line message: ESRCH "no process 123" (or "process 123 has exited" for a zombie), EACCES/EPERM naming the file and the missing
 *  capability ("reading another user's numa_maps needs CAP_SYS_PTRACE"). The cgroup part never
 *  fails: cpuset_available says whether it was read. Free with nh_proc_snapshot_free. */
int nh_proc_snapshot_take(pid_t pid, const nh_topo_t *topo, nh_proc_snapshot_t *s, nh_err_t *err);
void nh_proc_snapshot_free(nh_proc_snapshot_t *s);

/* Parsers of the /proc texts, for tests. */
/** \brief Parse /proc/PID/numa_maps (\p maps_text, the matching /proc/PID/maps, gives each
 *  mapping's end). Appends every mapping to s->mappings and adds to the per-kind totals;
 *  \p thread_policy (may be NULL) marks mappings whose policy differs as own_policy. Returns 0
 *  or -1 (EINVAL). */
int nh_proc_parse_numa_maps(const char *numa_maps_text, const char *maps_text,
			    const nh_mempolicy_text_t *thread_policy, nh_proc_snapshot_t *s,
			    nh_err_t *err);
/** \brief Re-classify file mappings by the filesystem they are on, from the process's
 *  /proc/PID/mountinfo: tmpfs / ramfs files are shared memory the process made (guest RAM in
 *  memory_backing_dir on a tmpfs), hugetlbfs files huge pages; the per-kind totals follow. */
void nh_proc_classify_files(nh_proc_snapshot_t *s, const char *mountinfo_text);
/** \brief Drop the mappings with nothing resident and no policy of their own (most of them). */
void nh_proc_prune_mappings(nh_proc_snapshot_t *s);
/** \brief The task policy from one thread's numa_maps: the policy its [stack] line shows (a
 *  stack never has a policy of its own), else the most common one. Returns 0 or -1 (EINVAL). */
int nh_proc_thread_policy(const char *numa_maps_text, nh_mempolicy_text_t *out, nh_err_t *err);
/** \brief /proc/PID/task/TID/stat: comm, last CPU, scheduling policy and RT priority. */
int nh_proc_parse_stat(const char *text, nh_thread_t *t, nh_err_t *err);
/** \brief /proc/PID/task/TID/status: Tgid, Cpus_allowed_list and Mems_allowed_list. */
int nh_proc_parse_status(const char *text, nh_thread_t *t, nh_err_t *err);

/** \brief Bytes of the process's own memory (anon + shmem + huge) on the nodes of \p nodes
 *  (NULL = all nodes). */
uint64_t nh_proc_own_bytes(const nh_proc_snapshot_t *s, const nh_set_t *nodes);

/** \brief "other", "fifo", "rr", "batch", "idle", "deadline". */
const char *nh_sched_policy_name(int policy);

#endif
