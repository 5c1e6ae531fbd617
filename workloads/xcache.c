/* SPDX-License-Identifier: MIT */
/* xcache: in progress. */
#include "workload.h"

static enum nh_wl_status xcache_run(nh_wctx_t *ctx)
{
	nh_wctx_reason(ctx, "not implemented yet");
	return NH_WL_SKIP;
}

static const nh_param_def_t xcache_params[] = {{.name = NULL}};
static const nh_metric_def_t xcache_metrics[] = {{.name = NULL}};

const nh_workload_t nh_workload_xcache = {
	.name = "xcache",
	.summary = "in progress",
	.params = xcache_params,
	.metrics = xcache_metrics,
	.run = xcache_run,
};
