/* SPDX-License-Identifier: MIT */
/* record_view: the typed way to read a record of runs.jsonl and a manifest.json back — identity,
 * metrics, layers, placement, notes; host facts and scenario. Part of the results module: the
 * key names and the schema version live here and nowhere else, and a field a record lacks comes
 * back as an explicit absent value that says why, never as a silent NaN or "". */
#ifndef NH_RECORD_VIEW_H
#define NH_RECORD_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The manifest's schema_version this reader knows (store.c writes it). */
#define NH_RESULTS_SCHEMA_VERSION 1

/* ---- optional values: present, or absent with the reason ---- */

typedef struct nh_num {
	bool present;
	double v;	 /* finite or not, as recorded; 0 when absent */
	const char *why; /* absent: "policy.observed.fraction_on_expected: null (not measured)" */
} nh_num_t;

typedef struct nh_str {
	bool present;
	const char *s; /* borrowed from the loaded results; NULL when absent */
	const char *why;
} nh_str_t;

typedef struct nh_flag {
	bool present;
	bool v;
	const char *why;
} nh_flag_t;

/* What a reader falls back on is its own choice, and visible where it makes it. */
static inline double nh_num_or(nh_num_t n, double dflt) { return n.present ? n.v : dflt; }
static inline const char *nh_str_or(nh_str_t s, const char *dflt) { return s.present ? s.s : dflt; }
/* True only when present and true (an absent warmup flag is not a warm-up). */
static inline bool nh_flag_true(nh_flag_t f) { return f.present && f.v; }

/* Iteration over a record's named entries (params, metrics, counters, notes, numastat nodes):
 * start from NH_RV_ITER_INIT, call the *_next function until it returns false. */
typedef struct nh_rv_iter {
	void *it;
	bool started;
} nh_rv_iter_t;
#define NH_RV_ITER_INIT ((nh_rv_iter_t){0})

/* ---- a record ---- */

typedef struct nh_rv nh_rv_t; /* one record, borrowed from its nh_results_t */

/* Identity and outcome. */
nh_str_t nh_rv_workload(const nh_rv_t *rv);
nh_num_t nh_rv_run(const nh_rv_t *rv);	  /* index of the run in the sweep */
nh_num_t nh_rv_config(const nh_rv_t *rv); /* index of its configuration in the plan */
nh_num_t nh_rv_rep(const nh_rv_t *rv);
nh_flag_t nh_rv_warmup(const nh_rv_t *rv);
nh_str_t nh_rv_outcome(const nh_rv_t *rv); /* ok, failed, timeout, crashed, oom-killed, skipped */
nh_str_t nh_rv_reason(const nh_rv_t *rv);  /* "" when the run ended ok */
nh_str_t nh_rv_started_at(const nh_rv_t *rv);
nh_num_t nh_rv_duration_s(const nh_rv_t *rv);
nh_num_t nh_rv_exit_status(const nh_rv_t *rv); /* absent when it did not exit */
nh_num_t nh_rv_signal(const nh_rv_t *rv);      /* absent when no signal ended it */
nh_str_t nh_rv_source(const nh_rv_t *rv);      /* scenario file:line of its run { } */
nh_str_t nh_rv_origin(const nh_rv_t *rv);      /* "script" for nh.run's runs; absent: the plan's */
nh_str_t nh_rv_tag(const nh_rv_t *rv);         /* nh.run's tag, absent when none */

/* The policy as asked, as applied (read back in the worker). */
nh_str_t nh_rv_policy_requested(const nh_rv_t *rv);
typedef struct nh_rv_applied {
	nh_str_t spec, mem_mode, mem_nodes, cpus;
} nh_rv_applied_t;
nh_rv_applied_t nh_rv_policy_applied(const nh_rv_t *rv);

/* One parameter: the harness writes strings; a number another writer put there keeps its text
 * ("%lld", "%.17g") with is_string false. Pass it by pointer: text may point into num. */
typedef struct nh_rv_param {
	const char *name;
	const char *text;
	bool is_string;
	bool is_number; /* neither: "?" (not a value a configuration can be keyed on) */
	char num[32];	/* text of a number */
} nh_rv_param_t;
/** \brief Whether the record has its params object (every record the harness writes does). */
bool nh_rv_has_params(const nh_rv_t *rv);
bool nh_rv_param_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_param_t *out);
/** \brief A parameter's value when it is a string (what the harness writes). */
nh_str_t nh_rv_param(const nh_rv_t *rv, const char *name);
/** \brief Do two parameters hold the same value (the same text, both strings or both not)? */
bool nh_rv_param_equal(const nh_rv_param_t *a, const nh_rv_param_t *b);
/** \brief Parameter \p name of \p rv into \p out; false when the record has no such one. */
bool nh_rv_param_find(const nh_rv_t *rv, const char *name, nh_rv_param_t *out);

/* The allocator layer. */
typedef struct nh_rv_allocator {
	nh_str_t requested, preload, tunables, confirmed_name;
} nh_rv_allocator_t;
nh_rv_allocator_t nh_rv_allocator(const nh_rv_t *rv);

/* Metrics: value (absent when not measured), unit and better-direction. */
typedef struct nh_rv_metric {
	const char *name;
	bool present; /* the record has this metric */
	const char *why;
	nh_num_t value;
	nh_str_t unit;
	int better; /* +1 higher is better, -1 lower, 0 neither (or not said) */
} nh_rv_metric_t;
nh_rv_metric_t nh_rv_metric(const nh_rv_t *rv, const char *name);
bool nh_rv_metric_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_metric_t *out);

/* Placement: policy.observed — where the pages were against where the policy puts them. */
typedef struct nh_rv_placement {
	nh_str_t verdict; /* ok, fallback, violated, unbalanced, not-checked */
	nh_str_t verdict_reason;
	nh_str_t expected_nodes;
	nh_str_t threads_ran_on;
	nh_num_t fraction_on_expected;
	nh_num_t pages_total, pages_absent;
} nh_rv_placement_t;
nh_rv_placement_t nh_rv_placement(const nh_rv_t *rv);

/* Pages per node of the buffers: move_pages (false) or the kernel's numa_maps (true). */
typedef struct nh_rv_node_pages {
	unsigned node;
	double pages;
} nh_rv_node_pages_t;
/** \brief Up to \p max nodes into \p out; returns how many the record has (absent: 0). */
unsigned nh_rv_pages_by_node(const nh_rv_t *rv, bool numa_maps, nh_rv_node_pages_t *out,
			     unsigned max);

/* numastat deltas around the run. */
enum { NH_RV_NUMASTAT_FIELDS = 6 };
/** \brief numa_hit, numa_miss, numa_foreign, interleave_hit, local_node, other_node (i < 6). */
const char *nh_rv_numastat_field(unsigned i);
typedef struct nh_rv_numastat_node {
	const char *node; /* as recorded: "0" */
	nh_num_t field[NH_RV_NUMASTAT_FIELDS];
} nh_rv_numastat_node_t;
/** \brief Whether the record has numastat deltas per node; \p why says why not. */
bool nh_rv_numastat_present(const nh_rv_t *rv, const char **why);
bool nh_rv_numastat_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_numastat_node_t *out);
nh_num_t nh_rv_numa_miss_ratio(const nh_rv_t *rv);

/* Hardware and software counters, derived metrics among them. */
/** \brief Present when the whole layer could not count (counters=none, no perf): the reason. */
nh_str_t nh_rv_counters_unavailable(const nh_rv_t *rv);
typedef struct nh_rv_counter {
	const char *name;
	bool present; /* the record has this counter */
	nh_num_t value;
	nh_str_t unit, event;
	nh_str_t unavailable; /* present: why it was not counted */
	bool multiplexed;     /* a scaled estimate */
} nh_rv_counter_t;
nh_rv_counter_t nh_rv_counter(const nh_rv_t *rv, const char *name);
bool nh_rv_counter_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_counter_t *out);

/* The worker's process memory at the end of the timed phase. */
typedef struct nh_rv_memory {
	nh_num_t vm_rss_bytes, vm_hwm_bytes, anon_huge_pages_bytes;
	nh_num_t numa_maps_page_bytes;
	nh_str_t unavailable;
} nh_rv_memory_t;
nh_rv_memory_t nh_rv_memory(const nh_rv_t *rv);

/* Its cgroup's memory (v2, or v1's equivalents where v2 has none). */
typedef struct nh_rv_cgroup {
	nh_num_t version, memory_current;
	nh_num_t stat_file;  /* memory.stat file (v2) */
	nh_num_t stat_cache; /* memory.stat cache (v1) */
	nh_str_t unavailable;
} nh_rv_cgroup_t;
nh_rv_cgroup_t nh_rv_cgroup(const nh_rv_t *rv);

/* The run's own cgroup ("run_cgroup", harness/cgroup): where it was, its limits and cpuset as
 * the kernel held them, and what it saw. */
typedef struct nh_rv_run_cgroup {
	bool present;	 /* the run had a cgroup of its own */
	const char *why; /* !present: the record's reason ("cgroup parent ... is in no cgroup2
			  * mount ..."), or "run_cgroup: not recorded" (results from before) */
	nh_str_t path;
	nh_num_t version;		  /* 2, or 1 (the v1 memory controller) */
	nh_num_t memory_max, memory_high; /* bytes; absent (null): no limit */
	nh_str_t cpus, mems;		  /* cpuset lists; absent (null): not asked */
	nh_num_t oom_kill;		  /* OOM kills in the cgroup over the run */
	nh_num_t memory_peak;		  /* bytes; absent where the kernel has no peak */
} nh_rv_run_cgroup_t;
/** \brief Fill \p out from the record; returns out->present. */
bool nh_rv_run_cgroup(const nh_rv_t *rv, nh_rv_run_cgroup_t *out);

/* The series layer's summary. */
typedef struct nh_rv_series {
	nh_str_t file; /* relative to the results directory: series/run-N.csv */
	nh_num_t samples, interval_s, overhead;
	nh_str_t unavailable;
} nh_rv_series_t;
nh_rv_series_t nh_rv_series(const nh_rv_t *rv);

/* Workload notes: string values by key. */
nh_str_t nh_rv_note(const nh_rv_t *rv, const char *key);
bool nh_rv_note_next(const nh_rv_t *rv, nh_rv_iter_t *it, const char **key, const char **value);

/* ---- a manifest ---- */

/* NULL stands for "no manifest.json": every accessor then says so. */
typedef struct nh_mv nh_mv_t;

nh_num_t nh_mv_schema_version(const nh_mv_t *mv);
nh_str_t nh_mv_tool_version(const nh_mv_t *mv);
nh_str_t nh_mv_command(const nh_mv_t *mv);
nh_str_t nh_mv_status(const nh_mv_t *mv); /* complete, interrupted, ... */
nh_str_t nh_mv_started_at(const nh_mv_t *mv);
nh_str_t nh_mv_finished_at(const nh_mv_t *mv);
nh_num_t nh_mv_planned_runs(const nh_mv_t *mv);
/** \brief The manifest's count of runs with outcome \p outcome. */
nh_num_t nh_mv_outcome_count(const nh_mv_t *mv, const char *outcome);
nh_str_t nh_mv_scenario_name(const nh_mv_t *mv);
nh_str_t nh_mv_scenario_path(const nh_mv_t *mv);
nh_str_t nh_mv_scenario_sha256(const nh_mv_t *mv);

/* A scenario parameter (its param() line): values as `run --set` takes them — true, 3, 0.15,
 * text; "\"\"" for an empty string, "?" for what is none of these. */
typedef struct nh_mv_param {
	const char *name;
	char value[256], dflt[256];
	nh_flag_t set; /* given with --set */
} nh_mv_param_t;
/** \brief How many parameters the scenario declared (0 when none or no manifest). */
unsigned nh_mv_param_count(const nh_mv_t *mv);
bool nh_mv_param_next(const nh_mv_t *mv, nh_rv_iter_t *it, nh_mv_param_t *out);

/* Host facts (host.host) and the topology source. */
typedef struct nh_mv_host {
	bool present; /* the manifest has a host fingerprint */
	const char *why;
	nh_str_t kernel, cpu_model, thp_enabled, thp_defrag, cgroup, allowed_cpus, allowed_mems;
	nh_flag_t numa_balancing;
	nh_num_t perf_event_paranoid; /* present only as an integer */
	nh_str_t source;	      /* where the topology came from: system, xml, ... */
} nh_mv_host_t;
nh_mv_host_t nh_mv_host(const nh_mv_t *mv);

/* Who the host is (manifest host.hostname, host.id, host.labels, host.engine, host.firmware):
 * what a fleet report names and groups hosts by.
 *   "hostname": "web-17", "id": "web-17", "id_source": "hostname" | "--host-id" | "NH_HOST_ID",
 *   "labels": {"cohort": "gen3", ...},
 *   "engine": {"slurm": {"job_id": "42", "node": "n1"}, "ansible": {"host": "web-17"},
 *              "kubernetes": {"node": "k1"}}  (only the engines found; {} when none),
 *   "firmware": {"bios_vendor": ..., "bios_version": ..., "bios_date": ..., "product_name": ...,
 *                "board_vendor": ..., "board_name": ..., "absent": {"bios_date": "reason"}}
 * A firmware fact that could not be read is left out of firmware and its reason put in
 * firmware.absent: the accessor's why is that reason. */
typedef struct nh_mv_identity {
	nh_str_t hostname, id, id_source;
	nh_str_t bios_vendor, bios_version, bios_date, product_name, board_vendor, board_name;
} nh_mv_identity_t;
nh_mv_identity_t nh_mv_identity(const nh_mv_t *mv);
/** \brief The value of label \p name (host.labels), absent when the host has no such label. */
nh_str_t nh_mv_label(const nh_mv_t *mv, const char *name);
/** \brief The labels in their recorded order (values that are not strings are skipped). */
bool nh_mv_label_next(const nh_mv_t *mv, nh_rv_iter_t *it, const char **name, const char **value);
/** \brief host.engine.ENGINE.FIELD ("slurm", "job_id"); absent when that engine was not found. */
nh_str_t nh_mv_engine(const nh_mv_t *mv, const char *engine, const char *field);
/** \brief The engines found, in their recorded order ("slurm", "ansible", ...). */
bool nh_mv_engine_next(const nh_mv_t *mv, nh_rv_iter_t *it, const char **engine);

/* The topology: nodes, SLIT distances, caches. */
/** \brief Whether the manifest lists nodes at all (host.nodes); \p why says why not. */
bool nh_mv_has_nodes(const nh_mv_t *mv, const char **why);
unsigned nh_mv_node_count(const nh_mv_t *mv);
typedef struct nh_mv_node {
	nh_num_t id;	    /* integer */
	nh_set_t cpus;	    /* its integer CPU ids */
	unsigned cpu_count; /* entries of its CPU list */
	nh_num_t mem_total_bytes, mem_free_bytes;
} nh_mv_node_t;
nh_mv_node_t nh_mv_node(const nh_mv_t *mv, unsigned i);
unsigned nh_mv_distance_rows(const nh_mv_t *mv);
unsigned nh_mv_distance_cols(const nh_mv_t *mv, unsigned row);
/** \brief distances[row][col], present only as an integer. */
nh_num_t nh_mv_distance(const nh_mv_t *mv, unsigned row, unsigned col);
unsigned nh_mv_cache_count(const nh_mv_t *mv);
typedef struct nh_mv_cache {
	nh_str_t type;			     /* data, instruction, unified */
	nh_num_t level, size_bytes, count; /* integers */
} nh_mv_cache_t;
nh_mv_cache_t nh_mv_cache(const nh_mv_t *mv, unsigned i);

/* ---- the forecast section (harness/forecast writes it: nh_forecast_json) ---- */

/* "forecast": {"series", "rows", "until_s", "nearest", "note", "layers": [...]} or
 * {"unavailable": why}. */
typedef struct nh_rv_forecast {
	bool present;	      /* the record has the section */
	const char *why;      /* absent: why */
	nh_str_t unavailable; /* the section says why there is no forecast */
	nh_str_t series, nearest, note;
	nh_num_t rows, until_s;
	unsigned layer_count;
} nh_rv_forecast_t;
nh_rv_forecast_t nh_rv_forecast(const nh_rv_t *rv);

/* One layer of it: verdict and sentence, the slope (B/s) and its interval, the shape, the
 * nearest limit and the time to it (s; high absent and high_never true when the interval
 * allows never). */
typedef struct nh_rv_forecast_layer {
	nh_str_t layer, label, verdict, pattern, sentence, why;
	nh_num_t points, t_last_s, last, level;
	nh_num_t slope, slope_low, slope_high, intercept;
	nh_num_t steps_count, steps_size, steps_period_s;
	nh_str_t limit_name, no_limit;
	nh_num_t limit_node, limit_bytes;
	nh_num_t time_to_limit_s, low, high, limit_at_s;
	nh_flag_t high_never;
} nh_rv_forecast_layer_t;
/** \brief Layer \p i (< layer_count): every field absent with why past the end. */
nh_rv_forecast_layer_t nh_rv_forecast_layer(const nh_rv_t *rv, unsigned i);

#endif
