/* SPDX-License-Identifier: MIT */
/* registry: the one list of workloads. Add a workload by exporting its descriptor from
 * workloads/<name>.c and naming it here. */
#include "workload.h"

extern const nh_workload_t nh_workload_stream;

const nh_workload_t *const nh_workload_registry[] = {
	&nh_workload_stream,
	NULL,
};
