/* SPDX-License-Identifier: MIT */
/* topo_json: the topology and host facts as JSON, shared by `topo --json` and manifest.json. */
#ifndef NH_TOPO_JSON_H
#define NH_TOPO_JSON_H

#include <jansson.h>

#include "topo.h"

/** \brief New JSON object: {"nodes":[{"id","cpus":[..],"mem_total_bytes","mem_free_bytes"}],
 *  "distances":[[..]] (node order), "caches":[{"level","type","size_bytes","count","line_bytes"}],
 *  "source" ("system", "synthetic", ...), and with \p with_facts a "host" object: kernel,
 *  cpu_model, thp_enabled, thp_defrag, numa_balancing (bool, null when unknown),
 *  perf_event_paranoid (int or null), cgroup, allowed_cpus and allowed_mems (list strings "0-3").
 *  Returns NULL with errno ENOMEM. */
json_t *nh_topo_json(const nh_topo_t *t, bool with_facts);

#endif
