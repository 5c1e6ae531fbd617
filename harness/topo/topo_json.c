/* SPDX-License-Identifier: MIT */
/* topo_json: the topology and host facts as one JSON object (topo --json, manifest.json). */
#include "topo_json.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* Ownership: json_object_set_new / json_array_append_new take the value even when they fail and
 * reject a NULL value, so every new value is attached to its parent at once and a single
 * json_decref of the root cleans up after any failure. Members keep insertion order (jansson
 * >= 2.8), so the output reads in the same order as the table. */

/* /proc text is not guaranteed UTF-8, which json_string() rejects. */
static json_t *text(const char *s)
{
	json_t *str = json_string(s);
	return str ? str : json_string("unavailable: not valid UTF-8");
}

static json_t *list_string(const nh_set_t *s)
{
	/* Worst case "0,2,4,...": at most 5 characters per member below NH_SET_BITS. */
	size_t len = (size_t)NH_SET_BITS * 6 + 1;
	char *buf = malloc(len);
	if (!buf)
		return NULL;
	json_t *str = json_string(nh_set_format(s, buf, len));
	free(buf);
	return str;
}

static int add_nodes(json_t *root, const nh_topo_t *t)
{
	json_t *nodes = json_array();
	if (json_object_set_new(root, "nodes", nodes) < 0)
		return -1;
	for (unsigned i = 0; i < nh_topo_node_count(t); i++) {
		const nh_topo_node_t *n = nh_topo_node(t, i);
		json_t *node = json_object(), *cpus = json_array();
		if (json_array_append_new(nodes, node) < 0) {
			json_decref(cpus);
			return -1;
		}
		if (json_object_set_new(node, "id", json_integer(n->id)) < 0 ||
		    json_object_set_new(node, "cpus", cpus) < 0)
			return -1;
		for (int c = nh_set_next(&n->cpus, 0); c >= 0; c = nh_set_next(&n->cpus, c + 1))
			if (json_array_append_new(cpus, json_integer(c)) < 0)
				return -1;
		if (json_object_set_new(node, "mem_total_bytes",
					json_integer((json_int_t)n->mem_total_bytes)) < 0 ||
		    json_object_set_new(node, "mem_free_bytes",
					json_integer((json_int_t)n->mem_free_bytes)) < 0)
			return -1;
	}
	return 0;
}

static int add_distances(json_t *root, const nh_topo_t *t)
{
	json_t *rows = json_array();
	if (json_object_set_new(root, "distances", rows) < 0)
		return -1;
	for (unsigned i = 0; i < nh_topo_node_count(t); i++) {
		json_t *row = json_array();
		if (json_array_append_new(rows, row) < 0)
			return -1;
		for (unsigned j = 0; j < nh_topo_node_count(t); j++)
			if (json_array_append_new(row, json_integer(nh_topo_distance(t, i, j))) < 0)
				return -1;
	}
	return 0;
}

static int add_caches(json_t *root, const nh_topo_t *t)
{
	json_t *caches = json_array();
	if (json_object_set_new(root, "caches", caches) < 0)
		return -1;
	for (unsigned i = 0; i < nh_topo_cache_count(t); i++) {
		const nh_topo_cache_t *c = nh_topo_cache(t, i);
		json_t *cache = json_object();
		if (json_array_append_new(caches, cache) < 0 ||
		    json_object_set_new(cache, "level", json_integer(c->level)) < 0 ||
		    json_object_set_new(cache, "type", json_string(c->type)) < 0 ||
		    json_object_set_new(cache, "size_bytes", json_integer((json_int_t)c->size)) <
			0 ||
		    json_object_set_new(cache, "count", json_integer(c->count)) < 0 ||
		    json_object_set_new(cache, "line_bytes", json_integer(c->line)) < 0)
			return -1;
	}
	return 0;
}

static int add_host(json_t *root, const nh_host_facts_t *f)
{
	json_t *host = json_object();
	if (json_object_set_new(root, "host", host) < 0)
		return -1;
	/* Unknown numbers are null, never a made-up 0. */
	json_t *balancing =
	    f->numa_balancing < 0 ? json_null() : json_boolean(f->numa_balancing > 0);
	json_t *paranoid =
	    f->perf_event_paranoid == INT_MIN ? json_null() : json_integer(f->perf_event_paranoid);
	if (json_object_set_new(host, "kernel", text(f->kernel)) < 0 ||
	    json_object_set_new(host, "cpu_model", text(f->cpu_model)) < 0 ||
	    json_object_set_new(host, "thp_enabled", text(f->thp_enabled)) < 0 ||
	    json_object_set_new(host, "thp_defrag", text(f->thp_defrag)) < 0 ||
	    json_object_set_new(host, "numa_balancing", balancing) < 0 ||
	    json_object_set_new(host, "perf_event_paranoid", paranoid) < 0 ||
	    json_object_set_new(host, "cgroup", text(f->cgroup)) < 0 ||
	    json_object_set_new(host, "allowed_cpus", list_string(&f->allowed_cpus)) < 0 ||
	    json_object_set_new(host, "allowed_mems", list_string(&f->allowed_mems)) < 0)
		return -1;
	return 0;
}

/* A string member set only when the value is non-empty. */
static int set_if(json_t *obj, const char *key, const char *value)
{
	return *value ? json_object_set_new(obj, key, json_string(value)) : 0;
}

static int add_engine(json_t *host, const nh_engine_ctx_t *e)
{
	json_t *engine = json_object(), *a = NULL, *s = NULL, *k = NULL;
	if (json_object_set_new(host, "engine", engine) < 0)
		return -1;
	if (e->ansible && (json_object_set_new(engine, "ansible", a = json_object()) < 0 ||
			   set_if(a, "host", e->ansible_host) < 0))
		return -1;
	if (e->slurm && (json_object_set_new(engine, "slurm", s = json_object()) < 0 ||
			 set_if(s, "job_id", e->slurm_job_id) < 0 || set_if(s, "node", e->slurm_node) < 0 ||
			 set_if(s, "partition", e->slurm_partition) < 0))
		return -1;
	if (e->kubernetes && (json_object_set_new(engine, "kubernetes", k = json_object()) < 0 ||
			      set_if(k, "node", e->kubernetes_node) < 0))
		return -1;
	return 0;
}

static int add_firmware(json_t *host, const nh_firmware_t *fw)
{
	json_t *firmware = json_object(), *absent = json_object();
	if (json_object_set_new(host, "firmware", firmware) < 0) {
		json_decref(absent);
		return -1;
	}
	for (unsigned f = 0; f < NH_FW_FACTS; f++)
		if (set_if(firmware, nh_firmware_key(f), fw->value[f]) < 0)
			goto fail;
	if (json_object_set_new(firmware, "absent", absent) < 0)
		return -1;
	for (unsigned f = 0; f < NH_FW_FACTS; f++)
		if (!fw->value[f][0] && json_object_set_new(absent, nh_firmware_key(f),
							     text(fw->absent[f])) < 0)
			return -1;
	return 0;
fail:
	json_decref(absent);
	return -1;
}

int nh_identity_json_add(json_t *host, const nh_identity_t *idn)
{
	json_t *labels;
	if (json_object_set_new(host, "hostname", text(idn->hostname)) < 0 ||
	    json_object_set_new(host, "id", json_string(idn->id)) < 0 ||
	    json_object_set_new(host, "id_source", json_string(idn->id_source)) < 0 ||
	    json_object_set_new(host, "labels", labels = json_object()) < 0)
		goto fail;
	for (unsigned i = 0; i < idn->label_count; i++)
		if (json_object_set_new(labels, idn->labels[i].key, json_string(idn->labels[i].value)) < 0)
			goto fail;
	if (add_engine(host, &idn->engine) < 0 || add_firmware(host, &idn->firmware) < 0)
		goto fail;
	return 0;
fail:
	errno = ENOMEM;
	return -1;
}

json_t *nh_topo_json(const nh_topo_t *t, bool with_facts)
{
	json_t *root = json_object();
	if (!root)
		return NULL;
	if (add_nodes(root, t) < 0 || add_distances(root, t) < 0 || add_caches(root, t) < 0 ||
	    json_object_set_new(root, "source", json_string(nh_topo_source(t))) < 0)
		goto fail;
	if (with_facts && add_host(root, nh_topo_facts(t)) < 0)
		goto fail;
	return root;
fail:
	json_decref(root);
	errno = ENOMEM;
	return NULL;
}
