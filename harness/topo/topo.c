/* SPDX-License-Identifier: MIT */
/* topo: discover the machine (sysfs + hwloc) or describe one (hwloc synthetic / XML) as data. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* also set by CMake; kept for standalone builds */
#endif
#include "topo.h"

#include <ctype.h>
#include <errno.h>
#include <hwloc.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_CACHES 32

enum topo_source { SRC_SYSTEM, SRC_SYSFS, SRC_SYNTHETIC, SRC_XML };

struct nh_topo {
	enum topo_source source;
	char sysfs_root[PATH_MAX]; /* "" unless memory is re-read from <root>/devices/system/node */
	nh_set_t sysfs_online;     /* columns of the nodeN/distance rows */
	unsigned n_nodes;
	nh_topo_node_t nodes[NH_MAX_NODES]; /* ascending id */
	unsigned dist[NH_MAX_NODES][NH_MAX_NODES];
	nh_set_t all_nodes;
	nh_set_t all_cpus;
	unsigned n_caches;
	nh_topo_cache_t caches[MAX_CACHES];
	nh_host_facts_t facts;
};

/* ---- small helpers ---- */

static nh_topo_t *topo_new(enum topo_source source, nh_err_t *err)
{
	nh_topo_t *t = calloc(1, sizeof *t);
	if (!t)
		nh_err_set(err, "out of memory");
	else
		t->source = source;
	return t;
}

/* Insert node \p id keeping ascending order; returns the node or NULL (E2BIG / EEXIST). */
static nh_topo_node_t *add_node(nh_topo_t *t, int id, nh_err_t *err)
{
	if (t->n_nodes == NH_MAX_NODES) {
		errno = E2BIG;
		nh_err_set(err, "more than %d NUMA nodes (node %d): not supported", NH_MAX_NODES,
			   id);
		return NULL;
	}
	if (id < 0 || id >= NH_SET_BITS) {
		errno = E2BIG;
		nh_err_set(err, "NUMA node id %d beyond the harness limit of %d", id,
			   NH_SET_BITS - 1);
		return NULL;
	}
	unsigned pos = 0;
	while (pos < t->n_nodes && t->nodes[pos].id < id)
		pos++;
	if (pos < t->n_nodes && t->nodes[pos].id == id) {
		errno = EEXIST;
		nh_err_set(err, "NUMA node %d listed twice", id);
		return NULL;
	}
	memmove(&t->nodes[pos + 1], &t->nodes[pos], (t->n_nodes - pos) * sizeof t->nodes[0]);
	memset(&t->nodes[pos], 0, sizeof t->nodes[pos]);
	t->nodes[pos].id = id;
	t->n_nodes++;
	return &t->nodes[pos];
}

static void default_distances(nh_topo_t *t)
{
	for (unsigned i = 0; i < t->n_nodes; i++)
		for (unsigned j = 0; j < t->n_nodes; j++)
			t->dist[i][j] = i == j ? 10 : 20;
}

static int node_index(const nh_topo_t *t, int id)
{
	for (unsigned i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].id == id)
			return (int)i;
	return -1;
}

/* Summary sets, computed once the node list is final. */
static void finish_sets(nh_topo_t *t)
{
	nh_set_clear(&t->all_nodes);
	nh_set_clear(&t->all_cpus);
	for (unsigned i = 0; i < t->n_nodes; i++) {
		nh_set_add(&t->all_nodes, (unsigned)t->nodes[i].id);
		nh_set_or(&t->all_cpus, &t->nodes[i].cpus);
	}
}

/* A described machine is not narrowed by the cgroup this process happens to run in. */
static void facts_for_described_machine(nh_topo_t *t)
{
	nh_host_facts_read(&t->facts);
	t->facts.allowed_cpus = t->all_cpus;
	t->facts.allowed_mems = t->all_nodes;
}

/* Parse a CPU / node list file body, where an empty body (or only a newline) is the empty set. */
static int parse_list_text(char *text, nh_set_t *s, nh_err_t *err)
{
	size_t n = strlen(text);
	while (n > 0 && isspace((unsigned char)text[n - 1]))
		text[--n] = '\0';
	if (n == 0) {
		nh_set_clear(s);
		return 0;
	}
	return nh_set_parse(s, text, err);
}

static int read_list_file(const char *path, nh_set_t *s, nh_err_t *err)
{
	char *text = nh_read_file(path, NULL, err);
	if (!text)
		return -1;
	int rc = parse_list_text(text, s, err);
	free(text);
	if (rc < 0)
		nh_err_prefix(err, "%s", path);
	return rc;
}

/* ---- meminfo (exposed for tests) ---- */

int nh_meminfo_bytes(const char *text, const char *field, uint64_t *bytes)
{
	size_t flen = strlen(field);
	for (const char *line = text; line && *line; line = nh_next_line(line)) {
		const char *p = line;
		if (strncmp(p, "Node ", 5) == 0) { /* a node's meminfo: "Node 1 FilePages: ..." */
			p += 5;
			while (isdigit((unsigned char)*p))
				p++;
			while (*p == ' ')
				p++;
		}
		if (strncmp(p, field, flen) != 0 || p[flen] != ':')
			continue;
		char *end;
		uint64_t v = strtoull(p + flen + 1, &end, 10);
		if (end == p + flen + 1)
			continue;
		while (*end == ' ')
			end++;
		*bytes = strncmp(end, "kB", 2) == 0 ? v * 1024 : v;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

int nh_topo_parse_meminfo(const char *text, uint64_t *total, uint64_t *free_bytes)
{
	if (nh_meminfo_bytes(text, "MemTotal", total) < 0 ||
	    nh_meminfo_bytes(text, "MemFree", free_bytes) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* ---- hwloc ---- */

static hwloc_topology_t hwloc_open(enum topo_source source, const char *arg)
{
	hwloc_topology_t topo;
	if (hwloc_topology_init(&topo) < 0)
		return NULL;
	/* The whole machine: the cgroup's narrowing is reported apart, as allowed CPUs / mems. */
	if (hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED) < 0)
		goto fail;
	/* Only CPUs, caches and NUMA nodes matter: skip PCI and OS devices. */
	hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_NONE);
	/* hwloc drops instruction caches by default; the table lists them like lstopo does. */
	hwloc_topology_set_icache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_ALL);
	if (source == SRC_SYNTHETIC && hwloc_topology_set_synthetic(topo, arg) < 0)
		goto fail;
	if (source == SRC_XML && hwloc_topology_set_xml(topo, arg) < 0)
		goto fail;
	if (hwloc_topology_load(topo) < 0)
		goto fail;
	return topo;
fail:;
	int saved = errno;
	hwloc_topology_destroy(topo);
	errno = saved ? saved : EINVAL;
	return NULL;
}

static int hwloc_nodes(nh_topo_t *t, hwloc_topology_t topo, nh_err_t *err)
{
	hwloc_obj_t obj = NULL;
	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj)) != NULL) {
		nh_topo_node_t *n = add_node(t, (int)obj->os_index, err);
		if (!n)
			return -1;
		int cpu;
		hwloc_bitmap_foreach_begin(cpu, obj->cpuset)
		{
			if (cpu >= NH_SET_BITS) {
				errno = E2BIG;
				return nh_err_set(err, "CPU %d beyond the harness limit of %d", cpu,
						  NH_SET_BITS - 1);
			}
			nh_set_add(&n->cpus, (unsigned)cpu);
		}
		hwloc_bitmap_foreach_end();
		n->mem_total_bytes = obj->attr->numanode.local_memory;
		n->mem_free_bytes = n->mem_total_bytes;
	}
	if (t->n_nodes == 0) {
		errno = ENOENT;
		return nh_err_set(err, "no NUMA node in the topology");
	}
	return 0;
}

static int cache_type_rank(const char *type)
{
	return strcmp(type, "data") == 0 ? 0 : strcmp(type, "instruction") == 0 ? 1 : 2;
}

static int cache_cmp(const void *a, const void *b)
{
	const nh_topo_cache_t *x = a, *y = b;
	if (x->level != y->level)
		return x->level - y->level;
	if (cache_type_rank(x->type) != cache_type_rank(y->type))
		return cache_type_rank(x->type) - cache_type_rank(y->type);
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return (int)x->line - (int)y->line;
}

/* Identical caches (level, type, size, line) become one entry with a count. */
static void hwloc_caches(nh_topo_t *t, hwloc_topology_t topo)
{
	for (hwloc_obj_type_t type = HWLOC_OBJ_L1CACHE; type <= HWLOC_OBJ_L3ICACHE; type++) {
		if (!hwloc_obj_type_is_cache(type))
			continue;
		hwloc_obj_t obj = NULL;
		while ((obj = hwloc_get_next_obj_by_type(topo, type, obj)) != NULL) {
			const struct hwloc_cache_attr_s *ca = &obj->attr->cache;
			nh_topo_cache_t c = {.level = (int)ca->depth,
					     .size = ca->size,
					     .count = 1,
					     .line = ca->linesize};
			snprintf(c.type, sizeof c.type, "%s",
				 ca->type == HWLOC_OBJ_CACHE_DATA          ? "data"
				 : ca->type == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
									   : "unified");
			unsigned i;
			for (i = 0; i < t->n_caches; i++) {
				nh_topo_cache_t *e = &t->caches[i];
				if (e->level == c.level && strcmp(e->type, c.type) == 0 &&
				    e->size == c.size && e->line == c.line) {
					e->count++;
					break;
				}
			}
			if (i == t->n_caches && t->n_caches < MAX_CACHES)
				t->caches[t->n_caches++] = c;
		}
	}
	qsort(t->caches, t->n_caches, sizeof t->caches[0], cache_cmp);
}

/* NUMA latency matrix of the topology (XML exports, Linux SLIT); false when it has none that
 * covers every node. */
static bool hwloc_distances(nh_topo_t *t, hwloc_topology_t topo)
{
	struct hwloc_distances_s *d[8];
	unsigned nr = NH_ARRAY_LEN(d);
	if (hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &nr, d,
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) < 0)
		return false;
	if (nr > NH_ARRAY_LEN(d))
		nr = NH_ARRAY_LEN(d);
	bool ok = false;
	for (unsigned k = 0; k < nr && !ok; k++) {
		int map[NH_MAX_NODES];
		unsigned covered = 0;
		if (d[k]->nbobjs > NH_MAX_NODES)
			continue;
		for (unsigned a = 0; a < d[k]->nbobjs; a++) {
			map[a] = node_index(t, (int)d[k]->objs[a]->os_index);
			covered += map[a] >= 0;
		}
		if (covered != t->n_nodes)
			continue;
		for (unsigned a = 0; a < d[k]->nbobjs; a++)
			for (unsigned b = 0; b < d[k]->nbobjs; b++)
				if (map[a] >= 0 && map[b] >= 0)
					t->dist[map[a]][map[b]] =
					    (unsigned)d[k]->values[a * d[k]->nbobjs + b];
		ok = true;
	}
	for (unsigned k = 0; k < nr; k++)
		hwloc_distances_release(topo, d[k]);
	return ok;
}

/* ---- sysfs ---- */

static int node_path(char *buf, size_t len, const char *root, int node, const char *file)
{
	int n = node < 0 ? snprintf(buf, len, "%s/devices/system/node/%s", root, file)
			 : snprintf(buf, len, "%s/devices/system/node/node%d/%s", root, node, file);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int sysfs_node_memory(const char *root, nh_topo_node_t *n, nh_err_t *err)
{
	char path[PATH_MAX];
	if (node_path(path, sizeof path, root, n->id, "meminfo") < 0)
		return nh_err_set(err, "%s: path too long", root);
	char *text = nh_read_file(path, NULL, err);
	if (!text)
		return -1;
	int rc = nh_topo_parse_meminfo(text, &n->mem_total_bytes, &n->mem_free_bytes);
	free(text);
	if (rc < 0)
		return nh_err_set(err, "%s: no MemTotal / MemFree line", path);
	return 0;
}

/* nodeN/distance lists the distance to every online node, in ascending id order. */
static int sysfs_distances(nh_topo_t *t, const char *root, const nh_set_t *online, nh_err_t *err)
{
	for (unsigned i = 0; i < t->n_nodes; i++) {
		char path[PATH_MAX];
		if (node_path(path, sizeof path, root, t->nodes[i].id, "distance") < 0)
			return nh_err_set(err, "%s: path too long", root);
		char *text = nh_read_file(path, NULL, err);
		if (!text)
			return -1;
		char *p = text;
		int col = nh_set_next(online, 0);
		for (; col >= 0; col = nh_set_next(online, col + 1)) {
			char *end;
			errno = 0;
			unsigned long v = strtoul(p, &end, 10);
			if (end == p || errno || v > UINT_MAX)
				break;
			p = end;
			int j = node_index(t, col);
			if (j >= 0)
				t->dist[i][j] = (unsigned)v;
		}
		free(text);
		if (col >= 0) {
			errno = EINVAL;
			return nh_err_set(err, "%s: fewer values than online nodes", path);
		}
	}
	return 0;
}

/* The sysfs half of discovery. Returns 0, -1 with a message, or 1 when \p root has no NUMA node
 * directory at all (a kernel without CONFIG_NUMA: the caller falls back to hwloc). */
static int load_sysfs_into(nh_topo_t *t, const char *root, nh_err_t *err)
{
	char path[PATH_MAX];
	nh_set_t online, has_cpu, has_memory;
	if (node_path(path, sizeof path, root, -1, "online") < 0)
		return nh_err_set(err, "%s: path too long", root);
	if (access(path, R_OK) < 0 && errno == ENOENT)
		return 1;
	if (read_list_file(path, &online, err) < 0)
		return -1;
	/* has_cpu / has_memory are missing on old kernels: then what the node shows decides. */
	if (node_path(path, sizeof path, root, -1, "has_cpu") < 0 ||
	    read_list_file(path, &has_cpu, NULL) < 0)
		nh_set_clear(&has_cpu);
	if (node_path(path, sizeof path, root, -1, "has_memory") < 0 ||
	    read_list_file(path, &has_memory, NULL) < 0)
		nh_set_clear(&has_memory);

	for (int id = nh_set_next(&online, 0); id >= 0; id = nh_set_next(&online, id + 1)) {
		nh_set_t cpus;
		nh_topo_node_t probe = {.id = id};
		if (node_path(path, sizeof path, root, id, "cpulist") < 0)
			return nh_err_set(err, "%s: path too long", root);
		if (read_list_file(path, &cpus, err) < 0)
			return -1;
		if (sysfs_node_memory(root, &probe, err) < 0)
			return -1;
		/* What numactl --hardware lists: nodes with CPUs or memory. */
		if (!nh_set_has(&has_cpu, (unsigned)id) && !nh_set_has(&has_memory, (unsigned)id) &&
		    nh_set_empty(&cpus) && probe.mem_total_bytes == 0)
			continue;
		nh_topo_node_t *n = add_node(t, id, err);
		if (!n)
			return -1;
		n->cpus = cpus;
		n->mem_total_bytes = probe.mem_total_bytes;
		n->mem_free_bytes = probe.mem_free_bytes;
	}
	if (t->n_nodes == 0) {
		errno = ENOENT;
		return nh_err_set(err, "%s/devices/system/node: no online node with CPUs or memory",
				  root);
	}
	snprintf(t->sysfs_root, sizeof t->sysfs_root, "%s", root);
	t->sysfs_online = online;
	return 0;
}

/* ---- loaders ---- */

nh_topo_t *nh_topo_load_sysfs(const char *root, nh_err_t *err)
{
	nh_topo_t *t = topo_new(SRC_SYSFS, err);
	if (!t)
		return NULL;
	int rc = load_sysfs_into(t, root, err);
	if (rc > 0) {
		errno = ENOENT;
		nh_err_set(err, "%s/devices/system/node: not present", root);
	}
	if (rc != 0 || sysfs_distances(t, root, &t->sysfs_online, err) < 0)
		goto fail;
	finish_sets(t);
	facts_for_described_machine(t);
	return t;
fail:
	nh_topo_free(t);
	return NULL;
}

nh_topo_t *nh_topo_load_system(nh_err_t *err)
{
	nh_topo_t *t = topo_new(SRC_SYSTEM, err);
	if (!t)
		return NULL;
	int rc = load_sysfs_into(t, "/sys", err);
	if (rc < 0)
		goto fail;

	/* Caches come from hwloc; so does everything when the kernel has no NUMA sysfs. */
	hwloc_topology_t topo = hwloc_open(SRC_SYSTEM, NULL);
	if (!topo && rc > 0) {
		nh_err_set(err,
			   "cannot discover the topology: no /sys/devices/system/node and hwloc "
			   "failed: %s",
			   strerror(errno));
		goto fail;
	}
	if (rc == 0) {
		nh_err_t derr;
		if (sysfs_distances(t, "/sys", &t->sysfs_online, &derr) < 0) {
			nh_log(NH_LOG_DEBUG, "%s: using hwloc's distances", derr.msg);
			if (!topo || !hwloc_distances(t, topo))
				default_distances(t);
		}
	}
	if (topo) {
		if (rc > 0) {
			if (hwloc_nodes(t, topo, err) < 0)
				goto fail_hwloc;
			if (!hwloc_distances(t, topo))
				default_distances(t);
		}
		hwloc_caches(t, topo);
	} else {
		nh_log(NH_LOG_DEBUG, "hwloc could not load this machine (%s): no cache information",
		       strerror(errno));
	}

	finish_sets(t);
	nh_host_facts_read(&t->facts);
	if (topo && strncmp(t->facts.cpu_model, "unavailable", 11) == 0) {
		/* e.g. arm64 /proc/cpuinfo has no model name; hwloc may still know it. */
		hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
		const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
		if (model)
			snprintf(t->facts.cpu_model, sizeof t->facts.cpu_model, "%s", model);
	}
	if (topo)
		hwloc_topology_destroy(topo);
	/* Unknown (unreadable status) is not "nothing allowed". */
	if (nh_set_empty(&t->facts.allowed_cpus))
		t->facts.allowed_cpus = t->all_cpus;
	if (nh_set_empty(&t->facts.allowed_mems))
		t->facts.allowed_mems = t->all_nodes;
	return t;

fail_hwloc:
	hwloc_topology_destroy(topo);
fail:
	nh_topo_free(t);
	return NULL;
}

/* Rewrite the harness's bare-size shorthand ("numa(4GB)", "l3:1(8MB)") into hwloc attributes
 * with exact byte counts; everything else is copied. Returns a malloc'd string or NULL. */
static char *synthetic_expand(const char *desc)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	if (!f)
		return NULL;
	const char *p = desc;
	while (*p) {
		if (*p != '(') {
			fputc(*p++, f);
			continue;
		}
		const char *type = p;
		while (type > desc && !isspace((unsigned char)type[-1]) && type[-1] != '[')
			type--;
		bool numa = strncasecmp(type, "numa", 4) == 0 || strncasecmp(type, "node", 4) == 0;
		const char *close = strchr(p, ')');
		fputc(*p++, f);
		if (!close) {
			fputs(p, f);
			break;
		}
		while (p < close) {
			if (isspace((unsigned char)*p)) {
				fputc(*p++, f);
				continue;
			}
			const char *attr = p;
			while (p < close && !isspace((unsigned char)*p))
				p++;
			int alen = (int)(p - attr);
			char tok[64];
			uint64_t bytes;
			if (isdigit((unsigned char)*attr) && !memchr(attr, '=', (size_t)alen) &&
			    alen < (int)sizeof tok &&
			    snprintf(tok, sizeof tok, "%.*s", alen, attr) > 0 &&
			    nh_parse_size(tok, &bytes, NULL) == 0)
				fprintf(f, "%s=%llu", numa ? "memory" : "size",
					(unsigned long long)bytes);
			else
				fprintf(f, "%.*s", alen, attr);
		}
		fputc(')', f);
		p = close + 1;
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* Synthetic or XML: \p arg goes to hwloc, \p shown is what messages quote. */
static nh_topo_t *load_described(enum topo_source source, const char *arg, const char *shown,
				 const unsigned *distances, nh_err_t *err)
{
	const char *what = source == SRC_SYNTHETIC ? "bad synthetic topology" : "bad topology XML";
	nh_topo_t *t = topo_new(source, err);
	if (!t)
		return NULL;
	hwloc_topology_t topo = hwloc_open(source, arg);
	if (!topo) {
		if (source == SRC_SYNTHETIC)
			nh_err_set(err,
				   "%s '%s': hwloc cannot parse it (expected e.g. "
				   "'pack:2 [numa(4GB)] core:2 pu:1')",
				   what, shown);
		else
			nh_err_set(err, "%s '%s': hwloc cannot load it (%s)", what, shown,
				   strerror(errno));
		goto fail;
	}
	if (hwloc_nodes(t, topo, err) < 0) {
		nh_err_prefix(err, "%s '%s'", what, shown);
		goto fail_hwloc;
	}
	if (distances) {
		for (unsigned i = 0; i < t->n_nodes; i++)
			for (unsigned j = 0; j < t->n_nodes; j++)
				t->dist[i][j] = distances[i * t->n_nodes + j];
	} else if (source == SRC_SYNTHETIC || !hwloc_distances(t, topo)) {
		default_distances(t);
	}
	hwloc_caches(t, topo);
	hwloc_topology_destroy(topo);
	finish_sets(t);
	facts_for_described_machine(t);
	return t;

fail_hwloc:
	hwloc_topology_destroy(topo);
fail:
	nh_topo_free(t);
	return NULL;
}

nh_topo_t *nh_topo_load_synthetic(const char *desc, const unsigned *distances, nh_err_t *err)
{
	if (!desc || !*desc) {
		errno = EINVAL;
		nh_err_set(err, "bad synthetic topology '': empty description");
		return NULL;
	}
	char *expanded = synthetic_expand(desc);
	if (!expanded) {
		nh_err_set(err, "out of memory");
		return NULL;
	}
	nh_topo_t *t = load_described(SRC_SYNTHETIC, expanded, desc, distances, err);
	int saved = errno;
	free(expanded);
	errno = saved;
	return t;
}

nh_topo_t *nh_topo_load_xml(const char *path, nh_err_t *err)
{
	if (!path || access(path, R_OK) < 0) {
		if (!path)
			errno = EINVAL;
		nh_err_set(err, "cannot read topology XML '%s': %s", path ? path : "",
			   strerror(errno));
		return NULL;
	}
	return load_described(SRC_XML, path, path, NULL, err);
}

void nh_topo_free(nh_topo_t *t) { free(t); }

/* ---- accessors ---- */

unsigned nh_topo_node_count(const nh_topo_t *t) { return t->n_nodes; }

const nh_topo_node_t *nh_topo_node(const nh_topo_t *t, unsigned i)
{
	return i < t->n_nodes ? &t->nodes[i] : NULL;
}

const nh_topo_node_t *nh_topo_node_by_id(const nh_topo_t *t, int id)
{
	int i = node_index(t, id);
	return i < 0 ? NULL : &t->nodes[i];
}

unsigned nh_topo_distance(const nh_topo_t *t, unsigned i, unsigned j)
{
	return i < t->n_nodes && j < t->n_nodes ? t->dist[i][j] : 0;
}

const nh_set_t *nh_topo_all_nodes(const nh_topo_t *t) { return &t->all_nodes; }
const nh_set_t *nh_topo_all_cpus(const nh_topo_t *t) { return &t->all_cpus; }

int nh_topo_node_of_cpu(const nh_topo_t *t, unsigned cpu)
{
	for (unsigned i = 0; i < t->n_nodes; i++)
		if (nh_set_has(&t->nodes[i].cpus, cpu))
			return t->nodes[i].id;
	return -1;
}

unsigned nh_topo_cache_count(const nh_topo_t *t) { return t->n_caches; }

const nh_topo_cache_t *nh_topo_cache(const nh_topo_t *t, unsigned i)
{
	return i < t->n_caches ? &t->caches[i] : NULL;
}

uint64_t nh_topo_llc_bytes(const nh_topo_t *t)
{
	/* Caches are sorted by level: the last data or unified one is the LLC. */
	for (unsigned i = t->n_caches; i-- > 0;)
		if (strcmp(t->caches[i].type, "instruction") != 0) {
			uint64_t total = 0;
			for (unsigned j = 0; j < t->n_caches; j++)
				if (t->caches[j].level == t->caches[i].level &&
				    strcmp(t->caches[j].type, "instruction") != 0)
					total += t->caches[j].size * t->caches[j].count;
			return total;
		}
	return 0;
}

const nh_host_facts_t *nh_topo_facts(const nh_topo_t *t) { return &t->facts; }
nh_host_facts_t *nh_topo_facts_mut(nh_topo_t *t) { return &t->facts; }

const char *nh_topo_source(const nh_topo_t *t)
{
	static const char *const names[] = {"system", "sysfs", "synthetic", "xml"};
	return names[t->source];
}

int nh_topo_refresh_memory(nh_topo_t *t, nh_err_t *err)
{
	if (!t->sysfs_root[0])
		return 0;
	for (unsigned i = 0; i < t->n_nodes; i++)
		if (sysfs_node_memory(t->sysfs_root, &t->nodes[i], err) < 0)
			return -1;
	return 0;
}
