/* SPDX-License-Identifier: MIT */
/* health_checks: a node's facts against its entry — topology from sysfs (nh_topo_load_sysfs),
 * THP and NUMA balancing from their files, the validation record (health_validation.c). Facts
 * that cannot be read make a check UNKNOWN with the reason: never a guessed value. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "health_internal.h"

const char *nh_health_status_name(enum nh_health_status s)
{
	switch (s) {
	case NH_HEALTH_PASS: return "pass";
	case NH_HEALTH_FAIL: return "fail";
	case NH_HEALTH_UNKNOWN: return "unknown";
	case NH_HEALTH_SKIP: return "skip";
	}
	return "?";
}

void nh_health_printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			*s = '?';
}

void nh_health_set(nh_health_check_t *c, enum nh_health_status s, const char *fmt, ...)
{
	c->status = s;
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	nh_health_printable(c->detail);
}

/* \p root + \p rel ("" or "/" root: the running system). false when it does not fit. */
bool nh_health_path(char *buf, size_t len, const char *root, const char *rel)
{
	if (!root || strcmp(root, "/") == 0)
		root = "";
	int n = snprintf(buf, len, "%s%s", root, rel);
	return n >= 0 && (size_t)n < len;
}

static void check_nodes(const nh_topo_t *t, uint64_t want, nh_health_check_t *c)
{
	unsigned n = nh_topo_node_count(t);
	if (n == want)
		nh_health_set(c, NH_HEALTH_PASS, "%u", n);
	else
		nh_health_set(c, NH_HEALTH_FAIL, "%u NUMA node%s, expected %llu", n, n == 1 ? "" : "s",
			      (unsigned long long)want);
}

/* Every node that has CPUs: memory-only nodes (CXL, HBM) hold none by design. */
static void check_cpus(const nh_topo_t *t, uint64_t want, nh_health_check_t *c)
{
	unsigned with = 0, differ = 0, cpuless = 0;
	char first_bad[96] = "", none[96] = "";
	for (unsigned i = 0; i < nh_topo_node_count(t); i++) {
		const nh_topo_node_t *node = nh_topo_node(t, i);
		unsigned k = nh_set_count(&node->cpus);
		if (k == 0) {
			nh_format_cut(none + strlen(none), sizeof none - strlen(none), "%s%d",
				      cpuless++ ? ", " : "", node->id);
			continue;
		}
		with++;
		if (k != want && !differ++)
			snprintf(first_bad, sizeof first_bad, "node %d has %u CPU%s", node->id, k,
				 k == 1 ? "" : "s");
	}
	char note[128] = "";
	if (cpuless)
		nh_format_cut(note, sizeof note, " (node%s %s without CPUs not counted)",
			      cpuless > 1 ? "s" : "", none);
	if (!with)
		nh_health_set(c, NH_HEALTH_FAIL, "no node has CPUs, expected %llu each",
			      (unsigned long long)want);
	else if (differ)
		nh_health_set(c, NH_HEALTH_FAIL, "%s, expected %llu%s%s", first_bad,
			      (unsigned long long)want,
			      differ > 1 ? " (and other nodes differ too)" : "", note);
	else
		nh_health_set(c, NH_HEALTH_PASS, "%llu on each of %u node%s%s",
			      (unsigned long long)want, with, with == 1 ? "" : "s", note);
}

/* bios-check's meaning: MemTotal of every node, memory-less ones included — a socket whose DIMMs
 * are all missing is exactly what this is for. */
static void check_memory(const nh_topo_t *t, const nh_health_value_t *v, nh_health_check_t *c)
{
	char want[32], have[32];
	nh_format_size(v->num, want, sizeof want);
	const nh_topo_node_t *least = NULL;
	for (unsigned i = 0; i < nh_topo_node_count(t); i++) {
		const nh_topo_node_t *node = nh_topo_node(t, i);
		if (!least || node->mem_total_bytes < least->mem_total_bytes)
			least = node;
	}
	nh_format_size(least->mem_total_bytes, have, sizeof have);
	if (least->mem_total_bytes == 0)
		nh_health_set(c, NH_HEALTH_FAIL, "node %d has no memory, expected at least %s (%s)",
			      least->id, want, v->text);
	else if (least->mem_total_bytes < v->num)
		nh_health_set(c, NH_HEALTH_FAIL, "node %d has %s, expected at least %s (%s)",
			      least->id, have, want, v->text);
	else
		nh_health_set(c, NH_HEALTH_PASS, "least %s (node %d), at least %s (%s)", have,
			      least->id, want, v->text);
}

/* Every remote (off-diagonal) SLIT distance against a bound: \p at_least, or at most. */
static void check_distance_bound(const nh_topo_t *t, uint64_t bound, bool at_least,
				 nh_health_check_t *c)
{
	unsigned n = nh_topo_node_count(t), extreme = 0;
	int bad_from = -1, bad_to = -1;
	unsigned bad = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < n; j++) {
			if (i == j)
				continue;
			unsigned d = nh_topo_distance(t, i, j);
			if (!extreme || (at_least ? d < extreme : d > extreme))
				extreme = d;
			if (bad_from < 0 && (at_least ? d < bound : d > bound)) {
				bad_from = nh_topo_node(t, i)->id;
				bad_to = nh_topo_node(t, j)->id;
				bad = d;
			}
		}
	const char *rel = at_least ? "at least" : "at most";
	if (n < 2)
		nh_health_set(c, NH_HEALTH_PASS, "no remote distance (1 node)");
	else if (bad_from >= 0)
		nh_health_set(c, NH_HEALTH_FAIL, "distance %d->%d is %u, expected %s %llu", bad_from,
			      bad_to, bad, rel, (unsigned long long)bound);
	else
		nh_health_set(c, NH_HEALTH_PASS, "%s remote distance %u (%s %llu)",
			      at_least ? "least" : "largest", extreme, rel, (unsigned long long)bound);
}

/* The matrix as the match file writes it: "10,21/21,10". */
static void format_matrix(char *buf, size_t len, unsigned n, const nh_topo_t *t,
			  const nh_health_entry_t *e)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < n; j++) {
			unsigned d = t ? nh_topo_distance(t, i, j) : e->dist[i][j];
			int k = snprintf(buf + used, len - used, "%s%u",
					 j ? "," : (i ? "/" : ""), d);
			if (k < 0 || (size_t)k >= len - used)
				return;
			used += (size_t)k;
		}
}

static void check_matrix(const nh_topo_t *t, const nh_health_entry_t *e, nh_health_check_t *c)
{
	unsigned n = nh_topo_node_count(t);
	bool same = n == e->dist_n;
	for (unsigned i = 0; same && i < n; i++)
		for (unsigned j = 0; same && j < n; j++)
			same = nh_topo_distance(t, i, j) == e->dist[i][j];
	char have[160], want[160];
	format_matrix(have, sizeof have, n, t, NULL);
	if (same) {
		nh_health_set(c, NH_HEALTH_PASS, "%s", have);
		return;
	}
	format_matrix(want, sizeof want, e->dist_n, NULL, e);
	nh_health_set(c, NH_HEALTH_FAIL, "%s, expected %s", have, want);
}

/* A sysfs selector file ("always [madvise] never"): its selected value, or why not. */
static void check_selector(const char *root, const char *rel, const nh_health_value_t *v,
			   nh_health_check_t *c)
{
	char path[PATH_MAX], line[256], selected[64];
	if (!nh_health_path(path, sizeof path, root, rel)) {
		nh_health_set(c, NH_HEALTH_UNKNOWN, "--root path too long");
		return;
	}
	if (nh_read_line(path, line, sizeof line) < 0) {
		nh_health_set(c, NH_HEALTH_UNKNOWN, "cannot read %s: %s", path, strerror(errno));
		return;
	}
	if (nh_host_parse_selected(line, selected, sizeof selected) < 0) {
		nh_health_set(c, NH_HEALTH_UNKNOWN, "%s has no [selected] value: '%s'", path,
			      line);
		return;
	}
	if (strcmp(selected, v->text) == 0)
		nh_health_set(c, NH_HEALTH_PASS, "%s", selected);
	else
		nh_health_set(c, NH_HEALTH_FAIL, "%s, expected %s", selected, v->text);
}

static const char *balancing_word(uint64_t v)
{
	static const char *const words[] = {"off", "on", "memory tiering", "on and memory tiering"};
	return v < NH_ARRAY_LEN(words) ? words[v] : "?";
}

static void check_balancing(const char *root, const nh_health_value_t *v, nh_health_check_t *c)
{
	char path[PATH_MAX], line[64];
	uint64_t have;
	if (!nh_health_path(path, sizeof path, root, "/proc/sys/kernel/numa_balancing")) {
		nh_health_set(c, NH_HEALTH_UNKNOWN, "--root path too long");
		return;
	}
	/* Absent on a kernel without NUMA balancing: unknown, not "off". */
	if (nh_read_line(path, line, sizeof line) < 0) {
		nh_health_set(c, NH_HEALTH_UNKNOWN, "cannot read %s: %s", path, strerror(errno));
		return;
	}
	if (nh_parse_uint(line, 0, 1000, &have, NULL) < 0) {
		nh_health_set(c, NH_HEALTH_UNKNOWN, "%s holds '%s', not a number", path, line);
		return;
	}
	if (have == v->num)
		nh_health_set(c, NH_HEALTH_PASS, "%llu (%s)", (unsigned long long)have,
			      balancing_word(have));
	else
		nh_health_set(c, NH_HEALTH_FAIL, "%llu (%s), expected %llu (%s)",
			      (unsigned long long)have, balancing_word(have),
			      (unsigned long long)v->num, balancing_word(v->num));
}

static bool is_topology_key(enum nh_health_key k)
{
	return k == NH_HK_NODES || k == NH_HK_CPUS_PER_NODE || k == NH_HK_NODE_MEMORY ||
	       k == NH_HK_DISTANCE_MIN || k == NH_HK_DISTANCE_MAX || k == NH_HK_DISTANCES;
}

void nh_health_run(const nh_health_entry_t *e, const char *node, const nh_health_env_t *env,
		   nh_health_report_t *r)
{
	memset(r, 0, sizeof *r);
	bool want_topo = false;
	for (int k = 0; k < NH_HK_COUNT; k++)
		want_topo |= is_topology_key((enum nh_health_key)k) && e->v[k].set;
	nh_topo_t *t = NULL;
	nh_err_t topo_err = {""};
	char sys[PATH_MAX];
	if (want_topo) {
		if (!nh_health_path(sys, sizeof sys, env->root, "/sys"))
			snprintf(topo_err.msg, sizeof topo_err.msg, "--root path too long");
		else
			t = nh_topo_load_sysfs(sys, &topo_err);
	}
	for (int k = 0; k < NH_HK_COUNT; k++) {
		if (k == NH_HK_VALIDATION_MAX_AGE)
			continue; /* judged with validation */
		nh_health_check_t *c = &r->checks[r->count++];
		const nh_health_value_t *v = &e->v[k];
		c->key = (enum nh_health_key)k;
		if (!v->set) {
			nh_health_set(c, NH_HEALTH_SKIP, "not in the match entry");
			continue;
		}
		if (is_topology_key(c->key) && !t) {
			nh_health_set(c, NH_HEALTH_UNKNOWN, "%s", topo_err.msg);
			continue;
		}
		switch (c->key) {
		case NH_HK_NODES: check_nodes(t, v->num, c); break;
		case NH_HK_CPUS_PER_NODE: check_cpus(t, v->num, c); break;
		case NH_HK_NODE_MEMORY: check_memory(t, v, c); break;
		case NH_HK_DISTANCE_MIN: check_distance_bound(t, v->num, true, c); break;
		case NH_HK_DISTANCE_MAX: check_distance_bound(t, v->num, false, c); break;
		case NH_HK_DISTANCES: check_matrix(t, e, c); break;
		case NH_HK_THP:
			check_selector(env->root, "/sys/kernel/mm/transparent_hugepage/enabled", v, c);
			break;
		case NH_HK_THP_DEFRAG:
			check_selector(env->root, "/sys/kernel/mm/transparent_hugepage/defrag", v, c);
			break;
		case NH_HK_NUMA_BALANCING: check_balancing(env->root, v, c); break;
		case NH_HK_VALIDATION: nh_health_check_validation(e, node, env, c); break;
		default: break;
		}
	}
	nh_topo_free(t);
	for (unsigned i = 0; i < r->count; i++) {
		const nh_health_check_t *c = &r->checks[i];
		r->unknown |= c->status == NH_HEALTH_UNKNOWN;
		if (c->status == NH_HEALTH_FAIL && !r->failed) {
			r->failed = true;
			nh_format_cut(r->reason, sizeof r->reason, "%s: %s",
				      nh_health_key_name(c->key), c->detail);
		}
	}
}
