/* SPDX-License-Identifier: MIT */
/* churn: in progress. */
#include "workload.h"

static enum nh_wl_status churn_run(nh_wctx_t *ctx)
{
	nh_wctx_reason(ctx, "not implemented yet");
	return NH_WL_SKIP;
}

static const nh_param_def_t churn_params[] = {{.name = NULL}};
static const nh_metric_def_t churn_metrics[] = {{.name = NULL}};

const nh_workload_t nh_workload_churn = {
	.name = "churn",
	.summary = "in progress",
	.params = churn_params,
	.metrics = churn_metrics,
	.run = churn_run,
};
