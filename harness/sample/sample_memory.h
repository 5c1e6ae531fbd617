/* SPDX-License-Identifier: MIT */
/* sample_memory: the process and cgroup memory layers — /proc/PID/status, smaps_rollup,
 * numa_maps (whole process, anon and file per node) and the cgroup's memory files (v2, or the
 * v1 memory controller where that is what the host has). Parsers take text, so real-format
 * fixtures test them. */
#ifndef NH_SAMPLE_MEMORY_H
#define NH_SAMPLE_MEMORY_H

#include <jansson.h>
#include <sys/types.h>

#include "topo.h"

/* Process memory; each part valid or not on its own (with the reason). Bytes unless noted. */
typedef struct nh_proc_mem {
	bool status_valid;
	uint64_t vm_rss, vm_hwm, vm_data, vm_size, vm_swap;
	unsigned threads;
	bool rollup_valid;
	uint64_t rss, pss, pss_anon, pss_file, anonymous, anon_huge_pages, swap;
	bool pss_split_valid; /* Pss_Anon/Pss_File exist on Linux 5.3+ */
	bool numa_valid;
	bool numa_skipped; /* numa_maps not asked for: left out of the JSON, not "unavailable" */
	uint64_t anon_pages_by_node[NH_MAX_NODES]; /* base pages */
	uint64_t file_pages_by_node[NH_MAX_NODES];
	char reason[192]; /* why a part (or the Pss split) is not valid, "; "-joined; "" when all are */
} nh_proc_mem_t;

/* The parsers fill their part of \p m (clear it first) and return 0, or -1 with errno EINVAL, the
 * part marked invalid and the message, which names the missing fields ("status: VmHWM missing"),
 * both in \p err and appended to m->reason. */
int nh_proc_status_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err);
/** \brief Rss, Pss, Anonymous, AnonHugePages and Swap are required; Pss_Anon/Pss_File are not
 *  (pss_split_valid false, the reason says so, the call still returns 0). */
int nh_proc_rollup_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err);
/** \brief Whole-process numa_maps, in base pages (huge mappings scaled by kernelpagesize_kB).
 *  N<node>= counts are per mapping, not split by page kind, so a whole mapping goes one way: to
 *  anon when it has no file= (heap, stack, anonymous mmap, THP) or when anon= equals its page
 *  total (a private file mapping written all over: .data/.bss, MAP_HUGETLB's /anon_hugepage);
 *  every other file= mapping to file, its COW'd anon pages included (they are few: relocations).
 *  Shared anonymous memory is shmem, file=/dev/zero, and counts as file as in the cgroup's
 *  "file". A node beyond NH_MAX_NODES is an error, not dropped. */
int nh_proc_numa_maps_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err);
/** \brief Read the three files of \p pid (0 = self). \p with_numa_maps: numa_maps walks page
 *  tables, so the time series may leave it out. Never fails: invalid parts carry the reason. */
void nh_proc_mem_read(pid_t pid, bool with_numa_maps, nh_proc_mem_t *m);
/** \brief {"vm_rss_bytes", ..., "numa_maps": {"page_bytes", "anon_pages_by_node": {"0": n},
 *  "file_pages_by_node": {...}}}: values of invalid parts are null, never 0; "unavailable" holds
 *  m->reason when it is not empty; "numa_maps" is absent when skipped and lists the nodes where
 *  the process has pages. NULL only when out of memory. */
json_t *nh_proc_mem_json(const nh_proc_mem_t *m);

/* memory.stat has 51 lines on Linux 6.1 and 65 on 6.12 (v1: 42); later lines are left out. */
#define NH_CGROUP_MAX_FIELDS 96
typedef struct nh_cgroup_kv {
	char name[32];
	uint64_t value;
} nh_cgroup_kv_t;

typedef struct nh_cgroup_mem {
	bool available;
	char reason[192];	/* why not available, e.g. "no cgroup v2 memory controller and no v1 memory hierarchy" */
	int version;		/* 2, or 1 for the v1 memory controller */
	char path[256];		/* the cgroup's directory */
	uint64_t current;	/* v2 memory.current, v1 memory.usage_in_bytes */
	unsigned stat_count;	/* memory.stat, v1 names kept as the kernel prints them */
	nh_cgroup_kv_t stat[NH_CGROUP_MAX_FIELDS];
	unsigned event_count;	/* v2 memory.events; v1: failcnt and memory.oom_control's oom_kill */
	nh_cgroup_kv_t events[12];
	bool numa_valid;	/* memory.numa_stat, in bytes per node */
	uint64_t numa_nodes;	/* bit n: node n was listed in memory.numa_stat */
	uint64_t anon_by_node[NH_MAX_NODES];
	uint64_t file_by_node[NH_MAX_NODES];
	char numa_reason[128];	/* why numa_valid is false while available (no CONFIG_NUMA, ...) */
} nh_cgroup_mem_t;

/* Locating the cgroup directory: nh_cgroup_locate in util.h. */
int nh_cgroup_parse_stat(const char *text, nh_cgroup_mem_t *c, nh_err_t *err);
int nh_cgroup_parse_events(const char *text, nh_cgroup_mem_t *c, nh_err_t *err);
/** \brief v2 numa_stat ("anon N0=bytes N1=..."), or v1 ("anon=pages N0=pages ..." / "total=...",
 *  converted to bytes with the page size; the hierarchical_ lines when present, as they count
 *  child cgroups like v2 and usage_in_bytes do). Only the anon and file lines are kept. */
int nh_cgroup_parse_numa_stat(const char *text, int version, nh_cgroup_mem_t *c, nh_err_t *err);
/** \brief Read the cgroup of \p pid (0 = self): locate, then nh_cgroup_read_dir. Never fails:
 *  unavailable carries the reason. */
void nh_cgroup_read(pid_t pid, nh_cgroup_mem_t *c);
/** \brief Read the memory files of one cgroup directory of \p version (1 or 2). A v2 directory
 *  without memory.current (controller not enabled in the parent's cgroup.subtree_control, or
 *  the root cgroup) is unavailable with that reason; a missing memory.numa_stat only clears
 *  numa_valid (numa_reason says why). Never fails. */
void nh_cgroup_read_dir(int version, const char *dir, nh_cgroup_mem_t *c);
/** \brief The cheap part of nh_cgroup_read_dir, for a tick of the series: memory.current (v1
 *  usage_in_bytes), memory.stat and memory.numa_stat, no events; \p c->path is left as it is.
 *  Never fails. */
void nh_cgroup_read_usage(int version, const char *dir, nh_cgroup_mem_t *c);
/** \brief Value of a memory.stat field (v1 names: "cache", "rss", ...), or UINT64_MAX. */
uint64_t nh_cgroup_stat(const nh_cgroup_mem_t *c, const char *name);
/** \brief Events after - before (memory.events counters only grow), matched by name; the rest
 *  of \p delta is \p after. Unavailable when either is, or when the cgroup changed between them.
 *  \p delta may be \p after. */
void nh_cgroup_events_delta(const nh_cgroup_mem_t *before, const nh_cgroup_mem_t *after, nh_cgroup_mem_t *delta);
/** \brief {"version", "path", "memory_current", "stat": {...}, "events_delta": {...},
 *  "numa_stat": {"anon": {"0": bytes}, "file": {...}}} or {"unavailable": "reason"}.
 *  "events_delta" is null when \p events_delta is NULL, and null with "events_delta_unavailable"
 *  when it is unavailable; "numa_stat" is null with "numa_stat_unavailable" when not valid. */
json_t *nh_cgroup_mem_json(const nh_cgroup_mem_t *at_end, const nh_cgroup_mem_t *events_delta);

#endif
