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
