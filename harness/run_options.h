/* SPDX-License-Identifier: MIT */
/* run_options: parameters every run has, whatever the workload — counters, the time-series
 * interval, THP, prefault, mlock. They share the workload parameters' namespace (and their
 * matrix expansion) but the harness applies them. */
#ifndef NH_RUN_OPTIONS_H
#define NH_RUN_OPTIONS_H

#include "workload.h"

extern const nh_param_def_t nh_run_options[];

/** \brief Check a run's parameters: the workload's own plus the run options; fills defaults. */
int nh_run_options_check(const nh_workload_t *wl, nh_params_t *p, nh_err_t *err);

#endif
