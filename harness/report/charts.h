/* SPDX-License-Identifier: MIT */
/* charts: gnuplot charts of a results directory — each chart's data as a .dat file beside a copy
 * of its plots/<kind>.gp template in DIR/charts/, rendered to PNG and SVG when gnuplot is there. */
#ifndef NH_CHARTS_H
#define NH_CHARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "results.h"
#include "util.h"

/* The longest gnuplot path nh_charts_t holds (with its NUL). */
#define NH_CHARTS_GNUPLOT_LEN 512

/* One chart: charts/<name>.dat (+ .png, .svg when rendered) drawn by charts/<kind>.gp. */
typedef struct nh_chart {
	char name[64]; /* file stem: "bandwidth-1" */
	char kind[32]; /* template: "bandwidth", "latency-matrix", "timeseries", ... */
	char title[256];
	char command[1024]; /* how to draw the PNG again by hand, run in DIR/charts */
	/* 1 + the index of the scenario-report.json item it draws (nh.report.chart); 0: one of
	 * the harness's own charts */
	unsigned scenario_item;
	bool png, svg;      /* rendered */
	/* why gnuplot did not render it ("" when it did or did not run); room for "cannot run
	 * <gnuplot>: <strerror>" whole */
	char error[NH_CHARTS_GNUPLOT_LEN + 128];
} nh_chart_t;

typedef struct nh_charts {
	nh_chart_t *charts; /* malloc'd; nh_charts_free() */
	unsigned count;
	bool gnuplot_ran;  /* gnuplot was found and run */
	char gnuplot[NH_CHARTS_GNUPLOT_LEN]; /* the gnuplot used; "" when none */
	char note[512];    /* why nothing was rendered ("gnuplot not found ..."), or "" */
} nh_charts_t;

/** \brief Empty DIR/charts/, then write the data (.dat) and template (.gp) of every chart the
 *  results have data for — bandwidth by policy, latency and bandwidth matrices, latency by
 *  working-set size, loaded latency, scaling with threads, memory time series, and the
 *  comparison of DIR/compare.json — and, when \p render, draw each as PNG and SVG with gnuplot.
 *  A missing gnuplot (see nh_charts_find_gnuplot) or a chart gnuplot fails on is no error: it is
 *  said in \p out's note or the chart's error, and the .dat and .gp stay. Returns 0, or -1 with
 *  errno and a message when DIR/charts/ or a file in it cannot be written (ENOMEM too). */
int nh_charts_make(const nh_results_t *r, bool render, nh_charts_t *out, nh_err_t *err);
void nh_charts_free(nh_charts_t *c);

/* Charts of data that is not a results directory's (the fleet's): each a .dat text its caller
 * made, drawn by a plots/<kind>.gp template into a directory of its own, exactly as the report's
 * charts are (the template copied beside the data, gnuplot spawned without a shell, PNG and
 * SVG, gnuplot.log kept only when gnuplot said something). */
typedef struct nh_charts_set nh_charts_set_t;
/** \brief Charts into \p dir (created, emptied), drawn when \p render and gnuplot is found
 *  (else \p out's note says why). NULL with a message when \p dir cannot be made. */
nh_charts_set_t *nh_charts_set_open(const char *dir, bool render, nh_charts_t *out, nh_err_t *err);
/** \brief One chart: \p data (its .dat text, \p len bytes) drawn by plots/<kind>.gp, with its
 *  title, axis labels (NULL: the template's own) and, for templates that size themselves by
 *  it, \p series (0: not said). 0, or -1 with a message (a file that cannot be written, no such
 *  template); a chart gnuplot cannot draw is no error (the chart's error says why). */
int nh_charts_set_add(nh_charts_set_t *s, const char *kind, const char *title, const char *xlabel,
		      const char *ylabel, unsigned series, const char *data, size_t len);
/** \brief Done: the log closed (and removed when empty). */
void nh_charts_set_close(nh_charts_set_t *s);

/** \brief The gnuplot to run: $NH_GNUPLOT when set (a path, or a name looked up on $PATH), else
 *  "gnuplot" on $PATH. Returns 0 with its path in \p path, or -1 with errno ENOENT (or
 *  ENAMETOOLONG: its path does not fit \p len) and a message starting "gnuplot not found". */
int nh_charts_find_gnuplot(char *path, size_t len, nh_err_t *err);

/** \brief The value of \p name in a "name=value ..." parameter list (nh_results_config_t
 *  params), copied into \p buf; NULL when absent. */
const char *nh_charts_param(const char *params, const char *name, char *buf, size_t len);

/** \brief The parameters of \p params whose value differs from the workload's (or the run
 *  option's) default, "size=16M ntimes=3", into \p buf; "" when all are defaults. Returns buf. */
char *nh_charts_short_params(const char *workload, const char *params, char *buf, size_t len);

/** \brief Labels that tell the \p n configurations apart — the policy, the allocator and the
 *  parameters that vary among them, leaving out \p except (an x axis; may be NULL) — into
 *  labels[i]; and what they all share (parameters off their defaults, the policy when it does not
 *  vary) into \p common. */
void nh_charts_labels(const nh_results_config_t *const *cfgs, unsigned n, const char *except,
		      char (*labels)[256], char *common, size_t common_len);

/** \brief Labels of configurations of any workloads: each labelled (nh_charts_labels, no x
 *  axis) among the configurations of its own workload only, so that one workload's parameters
 *  never name another's runs ("stream default samples=- size=-"). Returns 0, or -1 with errno
 *  ENOMEM. */
int nh_charts_workload_labels(const nh_results_config_t *const *cfgs, unsigned n,
			      char (*labels)[256]);

/** \brief The metric that stands for a run of \p workload: stream's triad, else the first metric
 *  the workload declares (NULL for an unknown workload). */
const char *nh_charts_headline_metric(const char *workload);

#endif
