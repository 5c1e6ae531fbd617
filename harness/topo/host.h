/* SPDX-License-Identifier: MIT */
/* host: facts about the running host that change how results must be read. */
#ifndef NH_HOST_H
#define NH_HOST_H

#include "util.h"

/* Facts about the host that change how results must be read. Strings are "unavailable: reason"
 * when they could not be read. */
typedef struct nh_host_facts {
	char kernel[128];	 /* uname release */
	char cpu_model[128];
	char thp_enabled[32];	 /* selected value of transparent_hugepage/enabled */
	char thp_defrag[32];
	int numa_balancing;	 /* raw sysctl: 0 off, 1 on, 2 tiering, 3 both; -1 unknown */
	int perf_event_paranoid; /* -1..4, INT_MIN unknown */
	char cgroup[256];	 /* "v2 /p", "v1 memory:/p", "hybrid (v1 memory:/p, v2 /p)" */
	nh_set_t allowed_cpus;	 /* Cpus_allowed_list of this process */
	nh_set_t allowed_mems;	 /* Mems_allowed_list of this process */
} nh_host_facts_t;

/** \brief Read host facts of the running system into \p f (never fails: unknowns say why). */
void nh_host_facts_read(nh_host_facts_t *f);

/* ---- parsers (exposed for tests) ---- */

/** \brief Cpus_allowed_list / Mems_allowed_list of a /proc/PID/status text. Returns 0 when both
 *  were found and parsed, -1 (EINVAL) otherwise; a set that was not found is left empty. */
int nh_host_parse_status(const char *text, nh_set_t *cpus, nh_set_t *mems);
/** \brief The one parser of a status list line ("Cpus_allowed_list:\t0-3,8"), for the host facts
 *  and inspect's threads: 0, or -1 (EINVAL) with "status: no KEY line" or the list's error. */
int nh_status_list(const char *text, const char *key, nh_set_t *out, nh_err_t *err);
/** \brief The bracketed choice of a sysfs selector line ("always [madvise] never" → "madvise").
 *  Returns 0, or -1 (EINVAL) when there is no [choice]. */
int nh_host_parse_selected(const char *line, char *out, size_t len);
/** \brief The first "model name" of a /proc/cpuinfo text. 0, or -1 (ENOENT) when absent. */
int nh_host_parse_cpu_model(const char *cpuinfo, char *out, size_t len);
/** \brief Describe the cgroup setup from /proc/self/cgroup and /proc/self/mountinfo texts
 *  (\p mountinfo may be NULL: then /proc/self/cgroup alone decides): "v2 <path>",
 *  "v1 memory:<path>", "hybrid (v1 memory:<path>, v2 <path>)" or "unavailable: <reason>". */
void nh_host_describe_cgroup(const char *proc_cgroup, const char *mountinfo, char *out, size_t len);

#endif
