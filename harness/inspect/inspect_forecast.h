/* SPDX-License-Identifier: MIT */
/* inspect_forecast: `inspect --watch --forecast` — a live process's memory layers over the watch
 * (its RSS, its address space, its cgroup, its own memory on each node), a bounded history of
 * each, and after every sample the forecast of each against its limit: RLIMIT_AS, the cgroup's
 * limit (with its ancestors'), each node's capacity for it (its bytes there + the node's
 * MemFree) for the nodes its policy and cpuset confine it to. */
#ifndef NH_INSPECT_FORECAST_H
#define NH_INSPECT_FORECAST_H

#include <jansson.h>

#include "forecast.h"
#include "proc_snapshot.h"

/* Samples kept per layer: past it every other one is dropped, so the history spans the whole
 * watch at half the density. */
#define NH_LIVE_HISTORY 2048

typedef struct nh_live_forecast nh_live_forecast_t;

/** \brief A forecast over the samples of process \p pid on \p topo's nodes; NULL (ENOMEM). */
nh_live_forecast_t *nh_live_forecast_new(pid_t pid, const nh_topo_t *topo);
void nh_live_forecast_free(nh_live_forecast_t *lf);
/** \brief Add snapshot \p s (its own memory per node, its policy and cpuset) and what the watch
 *  reads beside it — the process's VmRSS and VmSize, its RLIMIT_AS, its cgroup's usage and
 *  limit, each node's MemFree — then forecast every layer. Returns 0, or -1 with errno ESRCH
 *  when the process is gone (its status cannot be read) and a message. */
int nh_live_forecast_add(nh_live_forecast_t *lf, const nh_proc_snapshot_t *s, nh_err_t *err);
/** \brief The forecast after the last sample (layers: rss, vm_size, cgroup, node<N>..., and the
 *  confined nodes together when several). */
const nh_forecast_t *nh_live_forecast_result(const nh_live_forecast_t *lf);
/** \brief One line: "forecast: nearest: SENTENCE | SENTENCE | ..." (the nearest limit's layer
 *  first, then RSS, the cgroup with its usage and limit, the nodes that hold memory), or
 *  "forecast: insufficient data (N points, at least 8 needed)" while every layer has too few. */
void nh_live_forecast_line(const nh_live_forecast_t *lf, char *buf, size_t len);

/* Parsers of what the watch reads, for tests. */
/** \brief The soft "Max address space" of a /proc/PID/limits text: bytes, or INFINITY when
 *  unlimited; NAN when the line is missing or unreadable. */
double nh_proc_limits_address_space(const char *text);

#endif
