/* SPDX-License-Identifier: MIT */
/* A workload including a sampler's header: workloads see only the workload API. Must not compile. */
#include "workload.h"
#include "sample_memory.h"

int arch_probe_workload(void);
int arch_probe_workload(void) { return 0; }
