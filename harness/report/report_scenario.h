/* SPDX-License-Identifier: MIT */
/* report_scenario: the report's section of what the scenario's code added (scenario-report.json:
 * nh.report.section, .table and .chart), in the order it was added. */
#ifndef NH_REPORT_SCENARIO_H
#define NH_REPORT_SCENARIO_H

#include "charts.h"
#include "report_writer.h"
#include "results.h"

/** \brief "From the scenario": each item under its title with where the script added it; the
 *  charts drawn from \p charts (those with a scenario_item), or why not (\p charts_note). Nothing
 *  when the directory has no scenario-report.json, or when every item is placed at the top; a
 *  line saying why when it cannot be read. Items placed at the top are left to
 *  nh_report_scenario_top. */
void nh_report_section_scenario(struct rw *w, const nh_results_t *r, const nh_charts_t *charts,
				const char *charts_note);
/** \brief The items the scenario placed at the top (placement = "top"), in the order added,
 *  each under its own level-2 heading: what opens the report. Nothing when there are none. */
void nh_report_scenario_top(struct rw *w, const nh_results_t *r, const nh_charts_t *charts,
			    const char *charts_note);

#endif
