/* SPDX-License-Identifier: MIT */
/* workload_ctx: the harness side of nh_wctx_t — built by the worker (and by tests) around one
 * workload invocation, then read back for the run record. */
#ifndef NH_WORKLOAD_CTX_H
#define NH_WORKLOAD_CTX_H

#include "notes.h"
#include "sample.h"
#include "sample_memory.h"
#include "workload.h"

typedef struct nh_wctx_region {
	const void *addr;
	size_t len;
	int touch_cpu;
} nh_wctx_region_t;

typedef struct nh_wctx_metric {
	const nh_metric_def_t *def;
	double value;
} nh_wctx_metric_t;

/** \brief Context for one run of \p wl with checked parameters \p params on \p cpus.
 *  NULL on ENOMEM. */
nh_wctx_t *nh_wctx_new(const nh_workload_t *wl, const nh_params_t *params, const nh_set_t *cpus,
		       uint64_t llc_bytes);
void nh_wctx_free(nh_wctx_t *ctx);

/** \brief The run's scratch directory (the worker's --scratch); NULL or "" for none. */
void nh_wctx_set_scratch_dir(nh_wctx_t *ctx, const char *dir);
/** \brief What placement to expect: pages on \p nodes, or (empty set) on the node of the CPU
 *  that touched each region. */
void nh_wctx_set_expectation(nh_wctx_t *ctx, const nh_set_t *nodes);
/** \brief The placement snapshot, or NULL when none was taken (\p err_out: why it failed). */
const nh_placement_t *nh_wctx_placement(const nh_wctx_t *ctx, const char **err_out);
/** \brief The kernel's numa_maps page counts for the registered regions' mappings, taken with
 *  the snapshot; NULL when numa_maps could not be read. */
const uint64_t *nh_wctx_numa_maps_pages(const nh_wctx_t *ctx);
/** \brief Called at the snapshot, before the workload frees its buffers: the worker ends the
 *  time series there, so the run's growth is not blurred by its own teardown. */
void nh_wctx_set_snapshot_hook(nh_wctx_t *ctx, void (*hook)(void *arg), void *arg);

/** \brief Process and cgroup memory as taken with the snapshot; false when none was taken. */
bool nh_wctx_memory(const nh_wctx_t *ctx, const nh_proc_mem_t **mem, const nh_cgroup_mem_t **cgroup);
/** \brief CPUs the workload's threads reported running on (nh_wctx_ran_on). */
const nh_set_t *nh_wctx_cpus_ran_on(const nh_wctx_t *ctx);

unsigned nh_wctx_region_count(const nh_wctx_t *ctx);
const nh_wctx_region_t *nh_wctx_region(const nh_wctx_t *ctx, unsigned i);
unsigned nh_wctx_metric_count(const nh_wctx_t *ctx);
const nh_wctx_metric_t *nh_wctx_metric_at(const nh_wctx_t *ctx, unsigned i);
/** \brief Metric value by name; NAN when not recorded. */
double nh_wctx_metric_value(const nh_wctx_t *ctx, const char *name);
/** \brief The notes as typed entries (with what overflowed), for the worker's report. */
const nh_notes_t *nh_wctx_notes_table(const nh_wctx_t *ctx);
/** \brief The notes as one "key=value;key=value" string (nh_notes_format), for tests and logs;
 *  valid until the next call or nh_wctx_free. */
const char *nh_wctx_notes(const nh_wctx_t *ctx);
const char *nh_wctx_reason_text(const nh_wctx_t *ctx);

#endif
