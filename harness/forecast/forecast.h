/* SPDX-License-Identifier: MIT */
/* forecast: from a memory time series and the limits that bound it, whether it grows, how (a
 * ramp, stair-steps, a sawtooth whose troughs rise) and when it reaches the nearest limit, with
 * an interval. Theil–Sen's slope with Sen's confidence interval: robust to the outliers, steps
 * and reclaim dips a memory series has. Computation only, plus the reader of a series CSV. */
#ifndef NH_FORECAST_H
#define NH_FORECAST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Theil–Sen over at most this many points: a longer series is thinned to bins (each bin's
 * median t and median value), so a fit costs well under a millisecond whatever the length. */
#define NH_FC_MAX_POINTS 300
/* Fewer points than this say nothing about a trend. */
#define NH_FC_MIN_POINTS 8

/* ---- the trend ---- */

typedef struct nh_trend {
	unsigned n;	  /* points with a value */
	unsigned used;	  /* points the fit used: n, or the bins it was thinned to */
	double slope;	  /* median of the pairwise slopes, per second */
	double low, high; /* its confidence interval (Sen 1968, Hollander & Wolfe) */
	double intercept; /* median of y - slope * t: the value at t = 0 */
} nh_trend_t;

/** \brief Theil–Sen slope of \p y over \p t (NAN in y: not measured, skipped) and its
 *  \p confidence interval from the variance of Kendall's S with the tie correction. Returns 0,
 *  or -1 with errno EINVAL (fewer than 2 points at distinct times) or ENOMEM. */
int nh_trend_fit(const double *t, const double *y, unsigned n, double confidence, nh_trend_t *out);

/* ---- stair-steps and sawtooth ---- */

typedef struct nh_steps {
	unsigned count;	 /* jumps of at least max(min_step, 6 x the neighbour noise) within 3
			  * samples, with samples on both sides */
	double size;	 /* median step, NAN when none */
	double period_s; /* median time between consecutive steps, NAN with fewer than 2 */
	double total;	 /* sum of the steps */
} nh_steps_t;

/** \brief Stair-steps of \p y (NAN skipped). A steady ramp has none. Returns 0, or -1 ENOMEM. */
int nh_steps_detect(const double *t, const double *y, unsigned n, double min_step, nh_steps_t *out);

typedef struct nh_sawtooth {
	bool detected;	   /* at least 2 large drops, each followed by regrowth */
	unsigned drops;
	double drop;	   /* median drop */
	double amplitude;  /* median peak above its cycle's trough */
	double period_s;   /* median time between drops, NAN with fewer than 2 */
	unsigned troughs;  /* the start's minimum and the minimum after each drop */
	double *trough_t, *trough_y; /* malloc'd (NULL when not detected); nh_sawtooth_free */
} nh_sawtooth_t;

/** \brief A sawtooth (a garbage-collected heap: grows, frees most of it, grows again): drops of
 *  at least max(min_step, 6 x the neighbour noise), each cycle of at least 3 samples. Returns 0,
 *  or -1 ENOMEM. */
int nh_sawtooth_detect(const double *t, const double *y, unsigned n, double min_step,
		       nh_sawtooth_t *out);
void nh_sawtooth_free(nh_sawtooth_t *s);

/* ---- one layer against its limits ---- */

typedef struct nh_limit {
	char name[96]; /* "memory.max", "node 1 capacity", "RLIMIT_AS", "--limit" */
	int node;      /* the node whose capacity it is; -1 when not one node's */
	bool capacity; /* memory of a node (or nodes) the layer fills, not a set limit */
	double bytes;
} nh_limit_t;

enum nh_fc_verdict { NH_FC_INSUFFICIENT, NH_FC_NO_GROWTH, NH_FC_GROWTH, NH_FC_AT_LIMIT };
enum nh_fc_pattern { NH_FC_FLAT, NH_FC_RAMP, NH_FC_STEPS, NH_FC_SAWTOOTH };
/** \brief "insufficient data", "no growth", "growth", "at limit". */
const char *nh_fc_verdict_name(enum nh_fc_verdict v);
/** \brief "flat", "ramp", "steps", "sawtooth". */
const char *nh_fc_pattern_name(enum nh_fc_pattern p);

typedef struct nh_fc_opts {
	double confidence; /* of the slope's interval; 0: 0.95 */
	double min_step;   /* smallest step or drop that counts; 0: 1 MiB */
	unsigned min_points; /* 0: NH_FC_MIN_POINTS */
} nh_fc_opts_t;

typedef struct nh_fc_layer {
	char layer[80];	 /* key: "rss", "cgroup", "node1", "nodes0-1", "vm_size" */
	char label[96];	 /* in sentences: "RSS", "the cgroup", "node 1", "nodes 0-1" */
	enum nh_fc_verdict verdict;
	enum nh_fc_pattern pattern;
	char why[160];	 /* insufficient data: how many points; a plateau: since when; else "" */
	unsigned points; /* with a value */
	bool plateau;	 /* grew, then held: the trend is its last third's (why says since when) */
	bool thinned;	 /* a long series: looked at in bins (4096), its slope fit over
			  * trend.used of them, not each point */
	double t_first, t_last, last; /* last: the value at t_last */
	double level;	 /* where the trend is at t_last; for a sawtooth, where its peaks are */
	nh_trend_t trend; /* of the values, or of the troughs for a sawtooth */
	nh_steps_t steps;
	nh_sawtooth_t saw; /* the figures only: its trough arrays are freed */
	bool has_limit;
	nh_limit_t limit; /* the nearest of those given: the smallest */
	char no_limit[192]; /* why none applies */
	/* Seconds from t_last to the limit at the slope, and at the interval's ends (low from the
	 * high slope); NAN when unknown, INFINITY for never (a slope bound <= 0). 0 at the limit. */
	double ttl, ttl_low, ttl_high;
	double limit_at_s; /* t_last + ttl: when, on the series' clock */
	char sentence[384];
} nh_fc_layer_t;

/** \brief Forecast one layer: \p y over \p t (\p n points, NAN = not measured) against the
 *  nearest of \p limits (\p nlimits may be 0; \p no_limit says why none applies). \p layer and
 *  \p label name it. Never fails: an allocation failure reads as insufficient data with why. */
void nh_fc_layer(const char *layer, const char *label, const double *t, const double *y, unsigned n,
		 const nh_limit_t *limits, unsigned nlimits, const char *no_limit,
		 const nh_fc_opts_t *opts, nh_fc_layer_t *out);
/** \brief Rewrite \p l's sentence (after its figures changed). */
void nh_fc_sentence(nh_fc_layer_t *l);

/* Human forms: "3 h 20 min", "45 s", "never"; "1.2 MiB/min"; "−0.1 to +0.2 MiB/min"; "256 MiB"
 * (nh_format_size of any double: negative and NAN as 0, clamped to what a uint64_t holds). */
char *nh_fc_size(double bytes, char *buf, size_t len);
char *nh_fc_duration(double seconds, char *buf, size_t len);
char *nh_fc_rate(double bytes_per_s, char *buf, size_t len);
char *nh_fc_rate_range(double low, double high, char *buf, size_t len);

/* ---- a series CSV (harness/sample writes series/run-N.csv) ---- */

typedef struct nh_series_csv {
	unsigned cols, rows;
	char **names;	 /* the header's column names */
	double **col;	 /* col[c][r]; NAN: an empty cell (not measured) */
	bool torn;	 /* a last line without its newline (a killed run) was ignored */
	size_t torn_bytes;
} nh_series_csv_t;

/** \brief Parse a series CSV text (\p len bytes; \p name for messages). A header with a t_s
 *  column, then rows of as many cells: numbers, or empty for not measured; a last line without
 *  its newline is torn and ignored. Returns 0, or -1 with errno (EINVAL, ENOMEM) and a message
 *  "NAME:LINE: ...". */
int nh_series_csv_parse(const char *text, size_t len, const char *name, nh_series_csv_t *out,
			nh_err_t *err);
/** \brief nh_series_csv_parse of the file \p path. */
int nh_series_csv_read(const char *path, nh_series_csv_t *out, nh_err_t *err);
/** \brief The column named \p name, or -1. */
int nh_series_csv_find(const nh_series_csv_t *s, const char *name);
void nh_series_csv_free(nh_series_csv_t *s);

/* ---- a run: the layers of its series against its limits ---- */

/* A run's limits as plain values (NAN: none known). */
typedef struct nh_fc_limits {
	double memory_max;	 /* the run's cgroup limit */
	char memory_max_name[32]; /* "memory.max" (v2), "memory.limit_in_bytes" (v1) */
	char memory_max_why[192]; /* why none is known, when NAN */
	double extra;		 /* one more limit on the run's memory (--limit) */
	nh_set_t mem_nodes;	 /* the nodes memory is confined to; empty: all of them */
	char mem_nodes_from[96]; /* what confines it: "policy bind:1", "cpuset mems 1" */
	double rlimit_as;	 /* the address-space limit; the series has no VmSize to hold to it */
	double page_bytes;	 /* of node<N>_pages columns (older series); 0: 4096 */
} nh_fc_limits_t;
/** \brief No limit known, no confinement. */
void nh_fc_limits_init(nh_fc_limits_t *l);
/** \brief Confine \p l to where a run's memory may go: the nodes of its memory policy when it
 *  binds (\p mem_mode "bind", \p mem_nodes "1" as the worker read them back; preferred and
 *  interleave spill to other nodes, so they do not confine), within its cpuset's \p cpuset_mems
 *  ("0-1"; NULL or "" when none narrows it). Says what confined it in mem_nodes_from. */
void nh_fc_limits_confine(nh_fc_limits_t *l, const char *mem_mode, const char *mem_nodes,
			  const char *cpuset_mems);
/** \brief The run's cgroup limit into \p l: \p no_cgroup why the run had no cgroup of its own
 *  (NULL: it had one, of \p version 1 or 2), \p memory_max its limit in bytes (NAN: none set).
 *  Names the limit's file by version and says why none is known. */
void nh_fc_limits_cgroup(nh_fc_limits_t *l, const char *no_cgroup, int version, double memory_max);

typedef struct nh_forecast {
	nh_fc_layer_t *layers;
	unsigned count;
	int nearest;	    /* the layer nearest its limit (at it, soonest, else least room); -1 */
	unsigned rows;	    /* rows used (t <= until) */
	unsigned rows_total;
	double until_s;	    /* NAN: every row */
	bool torn;	    /* the series' torn last line was ignored */
	char note[256];	    /* what the forecast could not hold the series to, "" when nothing */
} nh_forecast_t;

/** \brief Forecast every layer of \p csv — process RSS (rss_bytes), the run's cgroup
 *  (cgroup_bytes), each node (cgroup_node<N>_bytes, else node<N>_pages) and, when memory is
 *  confined to several nodes, their sum — from its rows with t_s <= \p until_s (NAN: all), each
 *  against the limits of \p lim that bound it: the cgroup limit and \p lim->extra (the cgroup
 *  layer, else RSS), each node's capacity (its bytes + node<N>_free_bytes at the last sample)
 *  for a node memory is confined to alone, the confined nodes' capacities summed. Returns 0, or
 *  -1 ENOMEM. */
int nh_forecast_series(const nh_series_csv_t *csv, const nh_fc_limits_t *lim, double until_s,
		       const nh_fc_opts_t *opts, nh_forecast_t *out, nh_err_t *err);
/** \brief Read \p csv_path and forecast it (the harness after each run). -1 with the reader's
 *  message when the file cannot be read or parsed. */
int nh_forecast_file(const char *csv_path, const nh_fc_limits_t *lim, double until_s,
		     const nh_fc_opts_t *opts, nh_forecast_t *out, nh_err_t *err);
void nh_forecast_free(nh_forecast_t *f);

/** \brief The values of layer \p layer of \p csv row by row into \p y (csv->rows of them; NAN
 *  where not measured), as nh_forecast_series forecast it. False when the series has no such
 *  layer. For charts. */
bool nh_forecast_layer_values(const nh_series_csv_t *csv, const char *layer, double page_bytes,
			      double *y);

/* ---- records ---- */

/** \brief The record section "forecast": {"series", "rows", "until_s", "torn_last_line",
 *  "nearest", "note", "layers": [{"layer", "label", "verdict", "pattern", "why", "points",
 *  "thinned", "t_last_s", "last", "level", "slope", "slope_low", "slope_high", "intercept",
 *  "steps": {"count", "size", "period_s"}, "sawtooth": {...} | null, "limit": {"name", "node",
 *  "bytes"} | null, "no_limit", "time_to_limit_s", "low", "high", "limit_at_s", "sentence"}]}.
 *  Unknown values are null, never 0 (high is null for never, with "high_never": true). */
json_t *nh_forecast_json(const nh_forecast_t *f, const char *series_name);
/** \brief {"unavailable": why}. */
json_t *nh_forecast_json_unavailable(const char *why);
/** \brief The metrics of the nearest limit: time_to_limit_s, time_to_limit_low_s,
 *  time_to_limit_high_s (s, higher is better), each only when known (never 0 for unknown;
 *  0 at the limit). Returns how many were written to \p out (at most \p max). */
unsigned nh_forecast_metrics(const nh_forecast_t *f, nh_metric_t *out, unsigned max);

#endif
