/* SPDX-License-Identifier: MIT */
/* registry: the one list of workloads. Add a workload by exporting its descriptor from
 * workloads/<name>.c and naming it here. */
#include "workload.h"

extern const nh_workload_t nh_workload_stream;
extern const nh_workload_t nh_workload_chase;
extern const nh_workload_t nh_workload_xcache;
extern const nh_workload_t nh_workload_churn;
extern const nh_workload_t nh_workload_filexfer;

const nh_workload_t *const nh_workload_registry[] = {
	&nh_workload_stream,
	&nh_workload_chase,
	&nh_workload_xcache,
	&nh_workload_churn,
	&nh_workload_filexfer,
	NULL,
};
