/* SPDX-License-Identifier: MIT */
/* worker_report: the block the worker fills in shared memory (a memfd inherited across exec)
 * and the exit codes it uses. Private to run.c and worker.c. */
#ifndef NH_WORKER_REPORT_H
#define NH_WORKER_REPORT_H

#include "allocator.h"
#include "notes.h"
#include "policy.h"
#include "record.h"
#include "sample.h"
#include "sampler.h"

#define NH_REPORT_MAGIC 0x4e485231u /* "NHR1" */

/* How far the worker got: a crash report says which phase died. */
enum nh_worker_phase {
	NH_PHASE_STARTED = 1,
	NH_PHASE_POLICY_READ,
	NH_PHASE_RUNNING,
	NH_PHASE_PLACEMENT,
	NH_PHASE_DONE,
};

/* Worker exit codes (anything else, or a signal, is a crash). */
enum {
	NH_WORKER_EXIT_OK = 0,
	NH_WORKER_EXIT_FAILED = 1,
	NH_WORKER_EXIT_SKIPPED = 2,
	NH_WORKER_EXIT_USAGE = 3, /* the harness called it wrongly: a harness bug */
};

typedef struct nh_worker_report {
	uint32_t magic;
	uint32_t phase;
	char reason[512];
	bool applied_valid;
	nh_policy_applied_t applied;
	bool observed_valid;
	nh_placement_t placement;
	char expected_nodes[256];
	bool numa_maps_valid;
	uint64_t numa_maps_pages[NH_MAX_NODES];
	nh_set_t ran_on;
	unsigned metric_count;
	nh_metric_t metrics[NH_MAX_METRICS];
	nh_notes_t notes;
	bool allocator_valid; /* the worker identified what serves malloc */
	nh_allocator_found_t allocator;
	nh_sampler_report_t samplers; /* each layer's record section and derived metrics */
	int cgroup_join_errno;	      /* set by the child when it could not join the run's cgroup */
} nh_worker_report_t;

#endif
