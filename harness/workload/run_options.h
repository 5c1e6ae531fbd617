/* SPDX-License-Identifier: MIT */
/* run_options: parameters every run has, whatever the workload — counters, the time-series
 * interval, THP, prefault, mlock, allocator, and the run's cgroup (limits, cpuset). They share
 * the workload parameters' namespace (and their matrix expansion) but the harness applies them. */
#ifndef NH_RUN_OPTIONS_H
#define NH_RUN_OPTIONS_H

#include "workload.h"

extern const nh_param_def_t nh_run_options[];
/* The run's own cgroup: memory_limit, memory_high, cpuset_cpus, cpuset_mems. Present in a run's
 * parameters only when asked (never filled in with their default "none"). */
extern const nh_param_def_t nh_run_cgroup_options[];

/** \brief Check a run's parameters: the workload's own plus the run options (and glibc tunables,
 *  any name starting "glibc."); fills defaults, except for the cgroup options, which stay absent
 *  unless asked (a "none" is dropped). */
int nh_run_options_check(const nh_workload_t *wl, nh_params_t *p, nh_err_t *err);
/** \brief Is \p name a glibc tunable (glibc.malloc.arena_max, ...)? */
bool nh_run_option_is_tunable(const char *name);
/** \brief The run's tunables as GLIBC_TUNABLES text ("glibc.malloc.arena_max=2:..."); returns its
 *  length (0: none), -1 when it does not fit. */
int nh_run_options_tunables(const nh_params_t *p, char *buf, size_t len);

#endif
