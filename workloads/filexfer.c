/* SPDX-License-Identifier: MIT */
/* filexfer: in progress. */
#include "workload.h"

static enum nh_wl_status filexfer_run(nh_wctx_t *ctx)
{
	nh_wctx_reason(ctx, "not implemented yet");
	return NH_WL_SKIP;
}

static const nh_param_def_t filexfer_params[] = {{.name = NULL}};
static const nh_metric_def_t filexfer_metrics[] = {{.name = NULL}};

const nh_workload_t nh_workload_filexfer = {
	.name = "filexfer",
	.summary = "in progress",
	.params = filexfer_params,
	.metrics = filexfer_metrics,
	.run = filexfer_run,
};
