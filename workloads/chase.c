/* SPDX-License-Identifier: MIT */
/* chase: in progress. */
#include "workload.h"

static enum nh_wl_status chase_run(nh_wctx_t *ctx)
{
	nh_wctx_reason(ctx, "not implemented yet");
	return NH_WL_SKIP;
}

static const nh_param_def_t chase_params[] = {{.name = NULL}};
static const nh_metric_def_t chase_metrics[] = {{.name = NULL}};

const nh_workload_t nh_workload_chase = {
	.name = "chase",
	.summary = "in progress",
	.params = chase_params,
	.metrics = chase_metrics,
	.run = chase_run,
};
