/* SPDX-License-Identifier: MIT */
/* topo_json: the topology and host facts as JSON, shared by `topo --json` and manifest.json. */
#ifndef NH_TOPO_JSON_H
#define NH_TOPO_JSON_H

#include <jansson.h>

#include "identity.h"
#include "topo.h"

/** \brief New JSON object: {"nodes":[{"id","cpus":[..],"mem_total_bytes","mem_free_bytes"}],
 *  "distances":[[..]] (node order), "caches":[{"level","type","size_bytes","count","line_bytes"}],
 *  "source" ("system", "synthetic", ...), and with \p with_facts a "host" object: kernel,
 *  cpu_model, thp_enabled, thp_defrag, numa_balancing (bool, null when unknown),
 *  perf_event_paranoid (int or null), cgroup, allowed_cpus and allowed_mems (list strings "0-3").
 *  Returns NULL with errno ENOMEM. */
json_t *nh_topo_json(const nh_topo_t *t, bool with_facts);

/** \brief Add who the host is to \p host (the object nh_topo_json made, manifest.json's "host"):
 *  "hostname", "id", "id_source", "labels" {key: value} in the given order, "engine" with only
 *  the engines found ({"ansible": {"host"}, "slurm": {"job_id", "node", "partition"} (the
 *  variables set), "kubernetes": {"node"}}; {} when none), and "firmware" {the six DMI facts
 *  read, "absent": {key: reason} for the others} — the shape record_view.h's nh_mv_identity
 *  reads. Returns 0, or -1 with errno ENOMEM. */
int nh_identity_json_add(json_t *host, const nh_identity_t *idn);

#endif
