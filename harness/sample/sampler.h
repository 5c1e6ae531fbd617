/* SPDX-License-Identifier: MIT */
/* sampler: one measurement layer in the worker, behind one interface. The worker runs a table of
 * them (nh_samplers[]) around the workload: open before it starts its threads, sample on the
 * series thread every tick (for layers with series columns), snapshot at the workload's
 * snapshot (its buffers still live), close after it returns. Each writes its record section as
 * JSON into its own slot of the report (sections.h) and may add metrics; the parent and the
 * record embed both without knowing the layer. A new layer is one file defining an
 * nh_sampler_t and one entry in the table (samplers.c). */
#ifndef NH_SAMPLER_H
#define NH_SAMPLER_H

#include <jansson.h>
#include <stdio.h>

#include "sample_memory.h"
#include "sections.h"

/* Metrics a layer derives (the series' growth rates), appended after the workload's metrics. */
#define NH_SAMPLER_METRIC_MAX 8

/* What the samplers fill in the worker's shared report. Plain data. */
typedef struct nh_sampler_report {
	nh_sections_t sections; /* slot i: the section of table entry i */
	unsigned metric_count;
	nh_metric_t metrics[NH_SAMPLER_METRIC_MAX];
} nh_sampler_report_t;

typedef struct nh_samplers nh_samplers_t;

/* What the worker tells the samplers about this run. */
typedef struct nh_sampler_env {
	const char *counters;	 /* the counters= spec; "none": no counters */
	const char *series_path; /* the series CSV; NULL: no series (series_off says why) */
	const char *series_name; /* the same, relative to the results directory (the record's) */
	const char *series_off;	 /* why there is no series: "interval=off", "no series file given" */
	double interval_s;	 /* between ticks */
	const char *run_cgroup;	 /* the run's own (memory) cgroup directory; NULL: it has none */
} nh_sampler_env_t;

/* The memory state the workload context took at its snapshot; NULL members: read it now. */
typedef struct nh_sampler_snapshot {
	const nh_proc_mem_t *memory;
	const nh_cgroup_mem_t *cgroup;
} nh_sampler_snapshot_t;

/* Every hook but open may be NULL. \p state is the sampler's own, state_size bytes, zeroed. */
typedef struct nh_sampler {
	const char *name; /* its record section's key */
	size_t state_size;
	bool open_first;  /* opened before the others: a baseline the counters must not count */
	/** Before the workload starts its threads (counters must be inherited by them). \p all
	 *  holds the samplers opened before this one (the series thread samples their ticks). */
	void (*open)(void *state, const nh_sampler_env_t *env, nh_samplers_t *all, nh_sampler_report_t *rep);
	/** Series header: write ",name" per column to \p csv; returns how many. */
	unsigned (*columns)(void *state, FILE *csv);
	/** One tick on the series thread: write one ",value" (or ",") per column. Within the
	 *  series' 1% CPU budget: keep it to one read. */
	void (*sample)(void *state, FILE *csv);
	/** At the workload's snapshot, or after run() when it took none; called once. */
	void (*snapshot)(void *state, const nh_sampler_snapshot_t *snap, nh_sampler_report_t *rep);
	/** After run(): final reads, the section written (nh_sampler_put), resources released. */
	void (*close)(void *state, nh_sampler_report_t *rep);
	/** The section when the worker never wrote one (crashed, skipped, never started):
	 *  {"unavailable": why} unless the layer says otherwise. */
	json_t *(*unreported)(const char *why);
} nh_sampler_t;

/* The table, in record order. */
extern const nh_sampler_t *const nh_samplers[];
extern const unsigned nh_sampler_count;

/** \brief Open every sampler of \p table (\p n, at most NH_SECTION_MAX) in order. NULL on ENOMEM. */
nh_samplers_t *nh_samplers_open(const nh_sampler_t *const *table, unsigned n, const nh_sampler_env_t *env,
				nh_sampler_report_t *rep);
/** \brief The snapshot hooks, once (later calls do nothing). */
void nh_samplers_snapshot(nh_samplers_t *s, const nh_sampler_snapshot_t *snap, nh_sampler_report_t *rep);
/** \brief Snapshot when not yet done (state now), then close every sampler; frees \p s. */
void nh_samplers_close(nh_samplers_t *s, nh_sampler_report_t *rep);

/* For a layer's series hooks: the samplers opened so far that have columns. */
unsigned nh_samplers_count(const nh_samplers_t *s);
const nh_sampler_t *nh_samplers_def(const nh_samplers_t *s, unsigned i);
void *nh_samplers_state(const nh_samplers_t *s, unsigned i);

/** \brief Write \p section (reference stolen) as \p sampler's section into its slot of \p rep:
 *  its place in the table last opened.
 *  A section that does not fit becomes {"unavailable": "..."} saying so. */
void nh_sampler_put(nh_sampler_report_t *rep, const nh_sampler_t *sampler, json_t *section);
/** \brief Add a derived metric (ignored past NH_SAMPLER_METRIC_MAX). */
void nh_sampler_metric(nh_sampler_report_t *rep, const char *name, const char *unit, int better, double value);
/** \brief {"unavailable": why}: the default unreported section. */
json_t *nh_sampler_unavailable(const char *why);
/** \brief Fill every empty slot of \p sections with the unreported section of \p table's sampler
 *  there (the parent's side: the worker ended, or never started, before writing it). */
void nh_samplers_fill_unreported(const nh_sampler_t *const *table, unsigned n, nh_sections_t *sections,
				 const char *why);

/* The layers of the table (their own files). */
extern const nh_sampler_t nh_sampler_counters; /* sample_counters.c */
extern const nh_sampler_t nh_sampler_memory;	/* sample_memory.c */
extern const nh_sampler_t nh_sampler_cgroup;	/* sample_cgroup.c */
extern const nh_sampler_t nh_sampler_series;	/* sample_series.c */

#endif
