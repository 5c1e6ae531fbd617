/* SPDX-License-Identifier: MIT */
/* run: execute one run spec in isolation — its own cgroup, fork, bind, exec the worker, enforce
 * the timeout, classify the outcome. The only module that forks. */
#ifndef NH_RUN_H
#define NH_RUN_H

#include "record.h"

typedef struct nh_runner_opts {
	const char *worker_path; /* the nh-worker executable */
	const nh_topo_t *topo;
	double placement_threshold; /* fraction of pages that must be where asked, e.g. 0.99 */
	int oom_score_adj;	    /* written for the worker (1000 = first in line), INT_MIN = leave */
	const char *scratch_dir;    /* temp space workloads may use (files), may be NULL */
	const char *results_dir;    /* time series go to <results_dir>/series/run-N.csv; NULL: none */
	/* Where each run's own cgroup is made: NULL or "" the default (v2 <mount>/numaharness, v1
	 * our memory cgroup + /numaharness), "off", or a path (nh_cgroup_parent_resolve). */
	const char *cgroup_parent;
} nh_runner_opts_t;

/** \brief Run \p spec and fill \p rec. Returns 0 whenever a record was produced — a failed,
 *  crashed, timed-out or OOM-killed workload is an outcome, not an error. -1 only when the
 *  harness itself could not run (fork/memfd failure), with a message. */
int nh_run_one(const nh_runner_opts_t *opts, const nh_run_spec_t *spec, nh_record_t *rec, nh_err_t *err);

/** \brief Async-signal-safe: kill the running worker's process group and make every later
 *  nh_run_one return at once. For SIGINT/SIGTERM handlers. */
void nh_run_cancel(void);
/** \brief true once nh_run_cancel was called. */
bool nh_run_cancelled(void);

/** \brief Path of the worker: $NH_WORKER, else nh-worker next to the running executable (a
 *  build tree), else in libexec/numaharness of the installed layout around it. Logs the one
 *  used at INFO (-v); not found: -1 (ENOENT) with a message naming both places. */
int nh_run_find_worker(char *buf, size_t len, nh_err_t *err);

#endif
