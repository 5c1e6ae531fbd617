/* SPDX-License-Identifier: MIT */
/* forecast_record: a recorded run's limits for a forecast made after the fact (`numaharness
 * forecast`, the report), read through the results module's record_view. */
#ifndef NH_FORECAST_RECORD_H
#define NH_FORECAST_RECORD_H

#include "forecast.h"
#include "record_view.h"

/** \brief The limits a record shows for its run: the nodes its policy confined memory to (the
 *  policy as the worker read it back, else as requested: bind only — preferred and interleave
 *  spill to other nodes), the page size of its numa_maps counts, and its cgroup's limit. */
void nh_fc_limits_from_record(const nh_rv_t *rv, nh_fc_limits_t *lim);

#endif
