/* SPDX-License-Identifier: MIT */
/* record: one run's result — outcome, requested/applied/observed policy, metrics, counters —
 * and its JSON / CSV encodings. */
#ifndef NH_RECORD_H
#define NH_RECORD_H

#include "allocator.h"
#include "notes.h"
#include "plan.h"
#include "sample.h"
#include "sections.h"
#include "store.h"

#define NH_MAX_METRICS 48

/* Placement verdict: observed pages vs what the policy asked for. */
enum nh_verdict {
	NH_VERDICT_NOT_CHECKED, /* no pages registered, or the run did not get that far */
	NH_VERDICT_OK,		/* >= threshold of pages where the policy said */
	NH_VERDICT_FALLBACK,	/* preferred policy spilled to other nodes (allowed, but flagged) */
	NH_VERDICT_VIOLATED,	/* pages where a strict policy forbids them */
	NH_VERDICT_UNBALANCED,	/* interleave spread off by more than the tolerance */
};
const char *nh_verdict_name(enum nh_verdict v);

/* The run's own cgroup (harness/cgroup), as the record's "run_cgroup" says it. */
typedef struct nh_record_cgroup {
	bool available;
	char unavailable[384];	/* !available: why (the run ran without a cgroup of its own) */
	char path[512];
	int version;		/* 2, or 1 (the v1 memory controller) */
	bool has_memory_max, has_memory_high, has_memory_peak, has_oom_kill;
	uint64_t memory_max, memory_high; /* as the kernel holds them */
	uint64_t memory_peak, oom_kill;	  /* after the run */
	char cpus[256], mems[256];	  /* cpuset.cpus / .mems when asked, else "" */
} nh_record_cgroup_t;

typedef struct nh_record {
	nh_run_spec_t spec;
	enum nh_outcome outcome;
	char reason[512];
	char started_at[32]; /* ISO-8601 UTC */
	double duration_s;
	int exit_status;     /* worker exit code, or -1 */
	int term_signal;     /* signal that ended it, or 0 */

	bool applied_valid;
	char applied_spec[256];
	char applied_mem_mode[32];
	char applied_mem_nodes[256];
	char applied_cpus[256];

	bool observed_valid;
	nh_placement_t placement;
	double fraction_expected; /* pages_expected / pages_checked, -1 when nothing checked */
	char expected_nodes[256]; /* what "expected" meant, e.g. "1" or "cpu-local" */
	bool numa_maps_valid;
	uint64_t numa_maps_pages[NH_MAX_NODES]; /* the kernel's count for the same mappings */
	char ran_on[256];			/* CPUs the threads reported running on */
	enum nh_verdict verdict;
	char verdict_reason[256];

	bool numastat_valid;
	nh_numastat_t numastat_delta;

	nh_record_cgroup_t run_cgroup;

	unsigned metric_count;
	nh_metric_t metrics[NH_MAX_METRICS];
	nh_notes_t notes; /* the workload's notes */

	bool allocator_valid; /* the worker identified what serves malloc */
	nh_allocator_found_t allocator;
	/* The layers (counters, memory, cgroup, series, ...): each sampler's section as it wrote
	 * it, or as it reads when the worker did not (sampler.h); embedded in slot order. */
	nh_sections_t sections;
	char series_file[128]; /* relative to the results directory */
	/* A run the scenario's code asked for (nh.run) rather than its plan: "" for planned runs. */
	char tag[64];	       /* nh.run's tag: a configuration of its own for compare */
	char run_reason[256];  /* nh.run's reason: why the script ran it */
	bool from_script;
	/* Metrics a scenario derived (derive { }): where, and why one is absent. */
	unsigned derived_count;
	struct {
		char name[32];
		char source[160];
		char absent[128]; /* "" when it has a value */
	} derived[8];
} nh_record_t;

/** \brief Add a metric to a record (ignored when full). */
void nh_record_add_metric(nh_record_t *r, const char *name, const char *unit, int better, double value);
/** \brief The metric named \p name, or NULL. */
const nh_metric_t *nh_record_metric(const nh_record_t *r, const char *name);
/** \brief Decide the placement verdict from the observed pages and the requested policy. */
void nh_record_judge_placement(nh_record_t *r, double threshold);

/** \brief One JSON object on one line (no trailing newline), malloc'd. NULL on ENOMEM. */
char *nh_record_to_json(const nh_record_t *r);
/** \brief metrics.csv rows for this record (header via nh_record_csv_header). malloc'd. */
char *nh_record_to_csv(const nh_record_t *r, const char *run_id);
const char *nh_record_csv_header(void);

#endif
