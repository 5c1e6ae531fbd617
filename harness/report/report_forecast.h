/* SPDX-License-Identifier: MIT */
/* report_forecast: the report's section of forecasts — per run with a series, when its memory
 * reaches its nearest limit (or that it does not grow), with the chart of its series, fitted
 * trend and limit line. */
#ifndef NH_REPORT_FORECAST_H
#define NH_REPORT_FORECAST_H

#include "charts.h"
#include "report_writer.h"
#include "results.h"

/** \brief "Forecasts": a row per run whose forecast grows or has a limit (the record's
 *  "forecast" section, else made from its series and the record's policy), the runs with no
 *  growth counted, then each run's chart from \p charts (kind "forecast"; may be NULL). Nothing
 *  when no run has a series. */
void nh_report_section_forecast(struct rw *w, const nh_results_t *r, const nh_charts_t *charts);

#endif
