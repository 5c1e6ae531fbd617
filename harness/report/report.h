/* SPDX-License-Identifier: MIT */
/* report: a results directory as report.md and a self-contained report.html — host, topology,
 * per-configuration statistics, placement, outcomes, the kernel, hardware and memory layers,
 * expectations, the comparison with a baseline, and the charts. */
#ifndef NH_REPORT_H
#define NH_REPORT_H

#include <stdbool.h>

#include "results.h"
#include "util.h"

typedef struct nh_report_opts {
	bool no_charts; /* write no charts (and leave DIR/charts/ alone) */
} nh_report_opts_t;

/* What a report came to, for the command line to tell. */
typedef struct nh_report_info {
	char md[4200], html[4200]; /* the files written */
	unsigned charts;           /* charts with data */
	unsigned rendered;         /* of which gnuplot drew at least one image */
	char charts_note[512];     /* why no chart was drawn ("gnuplot not found ..."), or "" */
} nh_report_info_t;

/** \brief Write DIR/report.md and DIR/report.html for the loaded results \p r, and the charts
 *  into DIR/charts/ (see nh_charts_make) unless \p o says no. \p o and \p info may be NULL.
 *  Gnuplot missing or failing is no error: the report says so. Returns 0, or -1 with errno and
 *  a message when a file cannot be written (ENOMEM too). */
int nh_report_write_results(const nh_results_t *r, const nh_report_opts_t *o,
			    nh_report_info_t *info, nh_err_t *err);

/** \brief Load the results directory \p dir (nh_results_load) and write its report. Returns 0,
 *  or -1 with errno and a message ("DIR: not a results directory (no runs.jsonl)", ...). */
int nh_report_write(const char *dir, const nh_report_opts_t *o, nh_report_info_t *info,
		    nh_err_t *err);

#endif
