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
	bool pss_split_valid; /* Pss_Anon/Pss_File exist on Linux 5.13+ */
	bool numa_valid;
	uint64_t anon_pages_by_node[NH_MAX_NODES]; /* base pages */
	uint64_t file_pages_by_node[NH_MAX_NODES];
	char reason[192]; /* why a part is not valid, "" when all are */
} nh_proc_mem_t;

int nh_proc_status_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err);
int nh_proc_rollup_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err);
/** \brief Whole-process numa_maps: N<node>= counts of mappings with anon= go to anon, those
 *  with file= to file (huge mappings scaled to base pages by kernelpagesize_kB). */
int nh_proc_numa_maps_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err);
/** \brief Read the three files of \p pid (0 = self). \p with_numa_maps: numa_maps walks page
 *  tables, so the time series may leave it out. Never fails: invalid parts carry the reason. */
void nh_proc_mem_read(pid_t pid, bool with_numa_maps, nh_proc_mem_t *m);
json_t *nh_proc_mem_json(const nh_proc_mem_t *m);

#define NH_CGROUP_MAX_FIELDS 40
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
	uint64_t anon_by_node[NH_MAX_NODES];
	uint64_t file_by_node[NH_MAX_NODES];
} nh_cgroup_mem_t;

/** \brief Find the memory cgroup directory of a process from /proc/PID/cgroup and
 *  /proc/self/mountinfo texts: the v2 directory when cgroup2 has the memory controller there,
 *  else the v1 memory hierarchy. Returns the version (1/2), or -1 with a message saying why
 *  none (so a host without either is "unavailable", with that reason). */
int nh_cgroup_locate(const char *proc_cgroup, const char *mountinfo, char *dir, size_t len, nh_err_t *err);
int nh_cgroup_parse_stat(const char *text, nh_cgroup_mem_t *c, nh_err_t *err);
int nh_cgroup_parse_events(const char *text, nh_cgroup_mem_t *c, nh_err_t *err);
/** \brief v2 numa_stat ("anon N0=bytes N1=..."), or v1 ("anon=pages N0=pages ..." / "total=...",
 *  converted to bytes with the page size). */
int nh_cgroup_parse_numa_stat(const char *text, int version, nh_cgroup_mem_t *c, nh_err_t *err);
/** \brief Read the cgroup of \p pid (0 = self). Never fails: unavailable carries the reason. */
void nh_cgroup_read(pid_t pid, nh_cgroup_mem_t *c);
/** \brief Value of a memory.stat field (v1 names: "cache", "rss", ...), or UINT64_MAX. */
uint64_t nh_cgroup_stat(const nh_cgroup_mem_t *c, const char *name);
/** \brief Events after - before (memory.events counters only grow). */
void nh_cgroup_events_delta(const nh_cgroup_mem_t *before, const nh_cgroup_mem_t *after, nh_cgroup_mem_t *delta);
/** \brief {"version", "path", "memory_current", "stat": {...}, "events_delta": {...},
 *  "numa_stat": {"anon": {"0": bytes}, "file": {...}}} or {"unavailable": "reason"}. */
json_t *nh_cgroup_mem_json(const nh_cgroup_mem_t *at_end, const nh_cgroup_mem_t *events_delta);

#endif
