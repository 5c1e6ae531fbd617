/* SPDX-License-Identifier: MIT */
/* run_forecast: after every run, its memory series against its limits (harness/forecast), into
 * the record's "forecast" section and the nearest limit's time_to_limit metrics. */
#ifndef NH_RUN_FORECAST_H
#define NH_RUN_FORECAST_H

#include "record.h"

/* The parent's own record section: the slot after the samplers'. */
#define NH_SECTION_FORECAST (NH_SECTION_MAX - 1)

/** \brief Forecast the run of \p rec from its series at \p series_path (rec->series_file set),
 *  whatever its outcome: an OOM-killed run's series is the evidence of how it got there. Limits:
 *  the run cgroup's memory_max, the nodes its applied policy or cpuset confined memory to, the
 *  harness's RLIMIT_AS (which the worker inherits). A series that cannot be read makes the
 *  section {"unavailable": why}; no metric is then added. */
void nh_run_forecast(nh_record_t *rec, const char *series_path);

#endif
