/* SPDX-License-Identifier: MIT */
/* sample_series: the time series — a thread in the worker that samples memory layers and
 * counters every interval into a CSV, within a 1% CPU budget, and the derived growth rates and
 * stair-step count. */
#ifndef NH_SAMPLE_SERIES_H
#define NH_SAMPLE_SERIES_H

#include "sampler.h"

typedef struct nh_series nh_series_t;

typedef struct nh_series_summary {
	unsigned samples;	  /* rows written */
	double interval_s;	  /* as asked */
	double overhead;	  /* sampler CPU time / wall time */
	unsigned expensive_skipped; /* rows whose per-node / huge-page cells were left empty to stay in budget */
	unsigned ticks_skipped;	    /* ticks left out entirely to stay in budget (a stretched interval) */
	bool rss_growth_valid;
	double rss_growth_Bps;	  /* least-squares slope of RSS */
	bool file_growth_valid;
	double file_growth_Bps;	  /* slope of the cgroup's file bytes, else the process's RssFile */
	char file_source[32];	  /* "cgroup file" or "process RssFile" */
	unsigned rss_steps;	  /* stair steps in RSS */
} nh_series_summary_t;

/** \brief Start sampling into \p csv_path every \p interval_s. \p ticks (may be NULL): the
 *  samplers opened so far; those with series columns add theirs after the memory columns and are
 *  sampled every tick. Returns NULL with a message when the file or thread cannot be made. */
nh_series_t *nh_series_start(const char *csv_path, double interval_s, nh_samplers_t *ticks,
			     nh_err_t *err);
/** \brief nh_series_start for a worker in the run's own cgroup \p run_cgroup (NULL: none): the
 *  cgroup is located once here, and when it is that one, cgroup_bytes (memory.current, v1
 *  usage_in_bytes) and cgroup_node<N>_bytes (anon + file of memory.numa_stat) are read every
 *  tick; elsewhere those cells stay empty. node<N>_free_bytes (the node's MemFree) every tick. */
nh_series_t *nh_series_start_in(const char *csv_path, double interval_s, nh_samplers_t *ticks,
				const char *run_cgroup, nh_err_t *err);
/** \brief Take a last sample, stop the thread, close the file and compute the summary. */
void nh_series_stop(nh_series_t *s, nh_series_summary_t *summary);

/* Pure helpers (exposed for tests). */
/** \brief Least-squares slope dy/dt over n points; NAN when n < 2 or t is constant. */
double nh_series_slope(const double *t, const double *y, unsigned n);
/** \brief Stair steps: jumps of at least max(\p min_step, 6 × the series' own noise) lasting at
 *  most 3 intervals, with flat stretches (no such jump) before and after. A steady ramp is
 *  growth, not steps, so it counts 0. */
unsigned nh_series_steps(const double *y, unsigned n, double min_step);

#endif
