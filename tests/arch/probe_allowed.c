/* SPDX-License-Identifier: MIT */
/* A file of the report module using what report may use: results, workload (and core). Must
 * compile, so the failing probes fail for the reason they name and nothing else. */
#include "results.h"
#include "workload.h"

unsigned arch_probe_allowed(const nh_results_t *r);
unsigned arch_probe_allowed(const nh_results_t *r) { return nh_results_count(r) + nh_workload_count(); }
