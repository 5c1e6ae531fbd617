/* SPDX-License-Identifier: MIT */
/* charts_internal: what the chart files share and nothing else sees — the state of one
 * nh_charts_make, the legibility limits, and the data-file helpers of charts_gnuplot.c. */
#ifndef NH_CHARTS_INTERNAL_H
#define NH_CHARTS_INTERNAL_H

#include <limits.h>
#include <stdio.h>

#include "charts.h"

/* Limits that keep a chart legible: more lines, bars or panels than this say nothing. */
enum {
	MAX_SERIES = 8,        /* lines per chart */
	MAX_BARS = 24,         /* bars per bandwidth chart */
	MAX_MATRICES = 6,      /* heatmaps per workload */
	MAX_TIMESERIES = 12,   /* configurations that get a memory time series */
	MAX_COMPARE_ROWS = 40, /* rows of the comparison chart */
	MIN_SERIES_ROWS = 3,   /* a time series of fewer samples is not a line */
	GNUPLOT_TIMEOUT_S = 60,
};

/* One nh_charts_make: where the charts go and what has been drawn. */
struct nh_charts_ctx {
	const nh_results_t *r;
	nh_charts_t *out;
	unsigned cap;
	char dir[PATH_MAX]; /* DIR/charts */
	bool render;
	int log_fd; /* charts/gnuplot.log: what gnuplot said */
	nh_err_t *err;
};

/* charts_labels.c: the parameter list without \p except (NULL: all of it). */
void nh_charts_params_without(const char *params, const char *except, char *buf, size_t len);

/* charts_gnuplot.c: a data file's string cell (a quote becomes '). */
void nh_charts_dat_string(FILE *f, const char *s);
/* Cut \p s to at most \p max characters, keeping both ends. */
void nh_charts_shorten(char *s, size_t max);
/* A memstream for one data file, with the header every .dat starts with. */
FILE *nh_charts_dat_open(char **buf, size_t *len, const char *title, const char *columns);
/* Close the memstream, write charts/<kind>-N.dat and charts/<kind>.gp, and draw it when
 * asked; \p ylabel (or NULL) is the y axis of templates whose unit depends on the data. */
int nh_charts_dat_finish(struct nh_charts_ctx *x, FILE *f, char **buf, size_t *len,
			 const char *kind, const char *title, const char *ylabel);
/* What a template is told besides the title: axis labels (NULL: its own) and, for templates
 * that cannot count them, the number of series (0: not said). */
typedef struct nh_chart_axes {
	const char *xlabel, *ylabel;
	unsigned series;
} nh_chart_axes_t;
int nh_charts_dat_finish_axes(struct nh_charts_ctx *x, FILE *f, char **buf, size_t *len,
			      const char *kind, const char *title, const nh_chart_axes_t *axes);

/* charts_scenario.c: the charts of scenario-report.json (nh.report.chart), each marked with the
 * item it draws. */
int nh_charts_scenario(struct nh_charts_ctx *x);

/* report_forecast.c: a chart per run whose forecast grows or has a limit (kind "forecast",
 * titled "Forecast: run N, LAYER (...)"): the series, its trend, its limit. */
int nh_charts_forecast(struct nh_charts_ctx *x);

#endif
