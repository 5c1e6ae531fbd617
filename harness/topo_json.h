/* SPDX-License-Identifier: MIT */
/* topo_json: the topology and host facts as JSON, shared by `topo --json` and manifest.json. */
#ifndef NH_TOPO_JSON_H
#define NH_TOPO_JSON_H

#include <jansson.h>

#include "topo.h"

/** \brief New JSON object: {"nodes":[{"id","cpus":[..],"mem_total_bytes","mem_free_bytes"}],
 *  "distances":[[..]], "caches":[..], and with \p with_facts a "host" object (kernel, cpu_model,
 *  thp, numa_balancing, perf_event_paranoid, cgroup, allowed_cpus, allowed_mems).
 *  Returns NULL on ENOMEM. */
json_t *nh_topo_json(const nh_topo_t *t, bool with_facts);

#endif
