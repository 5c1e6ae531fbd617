/* SPDX-License-Identifier: MIT */
/* sample_cgroup: the cgroup memory layer — find the process's memory cgroup (v2, or the v1
 * memory controller) and read memory.current/usage, memory.stat, events and memory.numa_stat. */
#include "sample_memory.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sampler.h"

_Static_assert(NH_MAX_NODES <= 64, "numa_nodes is a 64-bit mask");

/* One "name value" line (the name truncated to \p nlen - 1); false when it is not one. */
static bool name_value(const char *line, size_t llen, char *name, size_t nlen, uint64_t *v)
{
	size_t n = strcspn(line, " \n");
	if (n == 0 || n >= llen || line[n] != ' ' || !isdigit((unsigned char)line[n + 1]))
		return false;
	char *end;
	errno = 0;
	*v = strtoull(line + n + 1, &end, 10);
	if (errno || (*end != '\n' && *end != '\0'))
		return false;
	snprintf(name, nlen, "%.*s", (int)n, line);
	return true;
}

/* Parse "name value" lines into \p kv (up to \p cap entries; names too long are left out).
 * \p skip: names that are settings or states, not counters. Returns the count or -1. */
static int parse_kv(const char *text, const char *what, const char *const *skip,
		    nh_cgroup_kv_t *kv, unsigned cap, nh_err_t *err)
{
	unsigned count = 0, lines = 0;
	for (const char *line = text ? text : ""; line && *line; line = nh_next_line(line)) {
		size_t llen = strcspn(line, "\n");
		char name[64];
		uint64_t v;
		if (llen == 0)
			continue;
		lines++;
		if (!name_value(line, llen, name, sizeof name, &v)) {
			errno = EINVAL;
			return nh_err_set(err, "%s: cannot parse '%.*s'", what,
					  (int)(llen < 60 ? llen : 60), line);
		}
		bool skipped = false;
		for (const char *const *s = skip; s && *s; s++)
			skipped = skipped || strcmp(name, *s) == 0;
		/* A name the record cannot hold whole is left out rather than kept truncated. */
		if (skipped || strlen(name) >= sizeof kv->name || count >= cap)
			continue;
		memcpy(kv[count].name, name, strlen(name) + 1); /* fits: checked above */
		kv[count++].value = v;
	}
	if (lines == 0) {
		errno = EINVAL;
		return nh_err_set(err, "%s: empty", what);
	}
	return (int)count;
}

int nh_cgroup_parse_stat(const char *text, nh_cgroup_mem_t *c, nh_err_t *err)
{
	c->stat_count = 0;
	int n = parse_kv(text, "memory.stat", NULL, c->stat, NH_CGROUP_MAX_FIELDS, err);
	if (n < 0)
		return -1;
	c->stat_count = (unsigned)n;
	return 0;
}

int nh_cgroup_parse_events(const char *text, nh_cgroup_mem_t *c, nh_err_t *err)
{
	/* v1 memory.oom_control: oom_kill is a counter; the other two lines are a setting and a
	 * state, whose "delta" would mean nothing. */
	static const char *const not_counters[] = {"oom_kill_disable", "under_oom", NULL};
	c->event_count = 0;
	int n = parse_kv(text, c->version == 1 ? "memory.oom_control" : "memory.events",
			 not_counters, c->events, NH_ARRAY_LEN(c->events), err);
	if (n < 0)
		return -1;
	c->event_count = (unsigned)n;
	return 0;
}

/* Per-node values of one numa_stat line's " N<node>=<value>" tokens, from \p p on. */
static int parse_nodes(const char *p, const char *end, uint64_t scale, uint64_t *out,
		       uint64_t *mask, nh_err_t *err)
{
	while (p < end) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		char *q;
		unsigned long node;
		if (*p != 'N' || !isdigit((unsigned char)p[1]) ||
		    (node = strtoul(p + 1, &q, 10), *q != '=') || !isdigit((unsigned char)q[1])) {
			errno = EINVAL;
			return nh_err_set(err, "memory.numa_stat: bad token '%.*s'",
					  (int)strcspn(p, " \n") < 40 ? (int)strcspn(p, " \n") : 40, p);
		}
		if (node >= NH_MAX_NODES) {
			errno = EINVAL;
			return nh_err_set(err, "memory.numa_stat: node %lu beyond the %d nodes supported",
					  node, NH_MAX_NODES);
		}
		out[node] = strtoull(q + 1, &q, 10) * scale;
		*mask |= UINT64_C(1) << node;
		p = q;
	}
	return 0;
}

int nh_cgroup_parse_numa_stat(const char *text, int version, nh_cgroup_mem_t *c, nh_err_t *err)
{
	/* v1 prints the cgroup's own pages ("anon=") and those with its children
	 * ("hierarchical_anon="); v2 is always hierarchical, and so is v1's usage_in_bytes, so
	 * the hierarchical lines are the ones that match. */
	enum { ANON, FILE_, H_ANON, H_FILE, WANTED };
	static const char *const names[WANTED] = {"anon", "file", "hierarchical_anon",
						  "hierarchical_file"};
	uint64_t vals[WANTED][NH_MAX_NODES], masks[WANTED] = {0};
	bool seen[WANTED] = {false};
	uint64_t scale = version == 1 ? (uint64_t)sysconf(_SC_PAGESIZE) : 1;

	c->numa_valid = false;
	if (version != 1 && version != 2) {
		errno = EINVAL;
		return nh_err_set(err, "memory.numa_stat: cgroup version %d", version);
	}
	memset(vals, 0, sizeof vals);
	for (const char *line = text ? text : ""; line && *line; line = nh_next_line(line)) {
		size_t llen = strcspn(line, "\n");
		/* v2: "anon N0=bytes ..."; v1: "anon=pages N0=pages ..." */
		size_t nlen = strcspn(line, version == 1 ? "= \n" : " \n");
		for (int w = 0; w < WANTED; w++) {
			if (strlen(names[w]) != nlen || memcmp(line, names[w], nlen) != 0)
				continue;
			const char *p = line + nlen;
			if (version == 1 && *p == '=')
				p += strcspn(p, " \n"); /* the total: the node values say it all */
			if (parse_nodes(p, line + llen, scale, vals[w], &masks[w], err) < 0)
				return -1;
			seen[w] = true;
		}
	}
	int anon = seen[H_ANON] && seen[H_FILE] ? H_ANON : ANON;
	int file = anon == H_ANON ? H_FILE : FILE_;
	if (!seen[anon] || !seen[file]) {
		errno = EINVAL;
		return nh_err_set(err, "memory.numa_stat: no '%s' line", names[seen[anon] ? file : anon]);
	}
	memcpy(c->anon_by_node, vals[anon], sizeof c->anon_by_node);
	memcpy(c->file_by_node, vals[file], sizeof c->file_by_node);
	c->numa_nodes = masks[anon] | masks[file];
	c->numa_valid = true;
	return 0;
}

/* Read \p dir/\p name into a malloc'd string; NULL with the message "dir/name: error". */
static char *read_in(const char *dir, const char *name, nh_err_t *err)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return nh_read_file(path, NULL, err);
}

/* The single number of memory.current / memory.usage_in_bytes / memory.failcnt. */
static int read_number(const char *dir, const char *name, uint64_t *out, nh_err_t *err)
{
	char *text = read_in(dir, name, err);
	if (!text)
		return -1;
	char *end;
	errno = 0;
	*out = strtoull(text, &end, 10);
	int bad = errno || end == text || (*end != '\n' && *end != '\0');
	if (bad) {
		errno = EINVAL;
		nh_err_set(err, "%s/%s: not a number: '%.40s'", dir, name, text);
	}
	free(text);
	return bad ? -1 : 0;
}

/* The events of a v1 cgroup: memory.oom_control's oom_kill (4.13+) and memory.failcnt, the
 * times usage hit the limit — v1's nearest to v2's "max" event. */
static int read_v1_events(const char *dir, nh_cgroup_mem_t *c, nh_err_t *err)
{
	uint64_t failcnt;
	char *text = read_in(dir, "memory.oom_control", err);
	if (!text)
		return -1;
	int rc = nh_cgroup_parse_events(text, c, err);
	free(text);
	if (rc < 0 || read_number(dir, "memory.failcnt", &failcnt, err) < 0)
		return -1;
	if (c->event_count < NH_ARRAY_LEN(c->events)) {
		snprintf(c->events[c->event_count].name, sizeof c->events[0].name, "failcnt");
		c->events[c->event_count++].value = failcnt;
	}
	return 0;
}

/* The files of nh_cgroup_read_dir; -1 with the reason in \p err. */
static int read_parts(int version, const char *dir, nh_cgroup_mem_t *c, nh_err_t *err)
{
	if (version == 2) {
		if (read_number(dir, "memory.current", &c->current, err) < 0) {
			if (errno == ENOENT)
				nh_err_set(err, "%s: no memory.current (memory controller not enabled in "
						"the parent's cgroup.subtree_control, or the root cgroup)",
					   dir);
			return -1;
		}
	} else if (version == 1) {
		if (read_number(dir, "memory.usage_in_bytes", &c->current, err) < 0)
			return -1;
	} else {
		errno = EINVAL;
		return nh_err_set(err, "cgroup version %d", version);
	}
	char *text = read_in(dir, "memory.stat", err);
	int rc = text ? nh_cgroup_parse_stat(text, c, err) : -1;
	free(text);
	if (rc < 0)
		return -1;
	if (version == 1)
		return read_v1_events(dir, c, err);
	text = read_in(dir, "memory.events", err);
	rc = text ? nh_cgroup_parse_events(text, c, err) : -1;
	free(text);
	return rc;
}

void nh_cgroup_read_dir(int version, const char *dir, nh_cgroup_mem_t *c)
{
	nh_err_t err = {""};
	memset(c, 0, sizeof *c);
	c->version = version;
	snprintf(c->path, sizeof c->path, "%s", dir);
	if (read_parts(version, dir, c, &err) < 0) {
		/* Nothing half-read survives: unavailable means no values, only the reason. */
		c->stat_count = c->event_count = 0;
		c->current = 0;
		nh_format_cut(c->reason, sizeof c->reason, "%s", err.msg); /* a long one: cut visibly */
		return;
	}
	/* numa_stat is optional: no CONFIG_NUMA, or a v2 kernel before 5.10. */
	char *text = read_in(dir, "memory.numa_stat", &err);
	if (!text || nh_cgroup_parse_numa_stat(text, version, c, &err) < 0)
		nh_format_cut(c->numa_reason, sizeof c->numa_reason, "%s", err.msg); /* cut visibly */
	free(text);
	c->available = true;
}

void nh_cgroup_read_usage(int version, const char *dir, nh_cgroup_mem_t *c)
{
	nh_err_t err = {""};
	char *text = NULL;
	/* Not memset: the caller's tick reads into the same struct; what this fills is reset. */
	c->available = c->numa_valid = false;
	c->reason[0] = c->numa_reason[0] = '\0';
	c->stat_count = c->event_count = 0;
	c->version = version;
	if (read_number(dir, version == 2 ? "memory.current" : "memory.usage_in_bytes", &c->current, &err) < 0 ||
	    !(text = read_in(dir, "memory.stat", &err)) || nh_cgroup_parse_stat(text, c, &err) < 0) {
		free(text);
		c->stat_count = 0;
		nh_format_cut(c->reason, sizeof c->reason, "%s", err.msg); /* a long one: cut visibly */
		return;
	}
	free(text);
	text = read_in(dir, "memory.numa_stat", &err);
	if (!text || nh_cgroup_parse_numa_stat(text, version, c, &err) < 0)
		nh_format_cut(c->numa_reason, sizeof c->numa_reason, "%s", err.msg); /* cut visibly */
	free(text);
	c->available = true;
}

void nh_cgroup_read(pid_t pid, nh_cgroup_mem_t *c)
{
	char path[64], dir[sizeof c->path];
	nh_err_t err = {""};
	if (pid > 0)
		snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/cgroup");
	memset(c, 0, sizeof *c);
	char *cg = nh_read_file(path, NULL, &err);
	/* Our own mountinfo: the hierarchy is read through our mounts, whatever the target's are. */
	char *mi = cg ? nh_read_file("/proc/self/mountinfo", NULL, &err) : NULL;
	int version = mi ? nh_cgroup_locate(cg, mi, dir, sizeof dir, &err) : -1;
	free(cg);
	free(mi);
	if (version < 0) {
		nh_format_cut(c->reason, sizeof c->reason, "%s", err.msg); /* a long one: cut visibly */
		return;
	}
	nh_cgroup_read_dir(version, dir, c);
}

uint64_t nh_cgroup_stat(const nh_cgroup_mem_t *c, const char *name)
{
	for (unsigned i = 0; i < c->stat_count; i++)
		if (strcmp(c->stat[i].name, name) == 0)
			return c->stat[i].value;
	return UINT64_MAX;
}

/* "the process moved from cgroup FROM to TO": paths too long for the reason share its room, each
 * at least half when both are long, and are cut visibly ("..."). */
static void moved_reason(char *buf, size_t len, const char *from, const char *to)
{
#define MOVED_FMT "the process moved from cgroup %s to %s"
	size_t room = len - (sizeof MOVED_FMT - 2 * strlen("%s")); /* for the two paths, less the NUL */
	size_t lf = strlen(from), lt = strlen(to), keep_f = lf, keep_t = lt;
	if (lf + lt > room) {
		size_t half = room / 2;
		if (lf <= half)
			keep_t = room - lf;
		else if (lt <= room - half)
			keep_f = room - lt;
		else {
			keep_f = half;
			keep_t = room - half;
		}
	}
	char f[sizeof ((nh_cgroup_mem_t *)0)->path], t[sizeof f];
	nh_format_cut(f, keep_f + 1 < sizeof f ? keep_f + 1 : sizeof f, "%s", from);
	nh_format_cut(t, keep_t + 1 < sizeof t ? keep_t + 1 : sizeof t, "%s", to);
	nh_format_cut(buf, len, MOVED_FMT, f, t);
#undef MOVED_FMT
}

void nh_cgroup_events_delta(const nh_cgroup_mem_t *before, const nh_cgroup_mem_t *after,
			    nh_cgroup_mem_t *delta)
{
	nh_cgroup_mem_t d = *after;
	d.event_count = 0;
	if (!before->available || !after->available) {
		const nh_cgroup_mem_t *gone = before->available ? after : before;
		d.available = false;
		snprintf(d.reason, sizeof d.reason, "%s", gone->reason);
	} else if (before->version != after->version || strcmp(before->path, after->path) != 0) {
		d.available = false;
		moved_reason(d.reason, sizeof d.reason, before->path, after->path);
	} else {
		/* An event missing before, or smaller after, is unknown: left out, not made 0. */
		for (unsigned i = 0; i < after->event_count; i++) {
			for (unsigned j = 0; j < before->event_count; j++) {
				if (strcmp(after->events[i].name, before->events[j].name) != 0)
					continue;
				if (after->events[i].value >= before->events[j].value) {
					d.events[d.event_count] = after->events[i];
					d.events[d.event_count++].value -= before->events[j].value;
				}
				break;
			}
		}
	}
	*delta = d;
}

static json_t *json_u64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v);
}

static json_t *kv_json(const nh_cgroup_kv_t *kv, unsigned count)
{
	json_t *o = json_object();
	for (unsigned i = 0; o && i < count; i++)
		json_object_set_new(o, kv[i].name, json_u64(kv[i].value));
	return o;
}

static json_t *nodes_json(const uint64_t *by_node, uint64_t mask)
{
	json_t *o = json_object();
	for (unsigned n = 0; o && n < NH_MAX_NODES; n++) {
		if (!(mask >> n & 1))
			continue;
		char key[8];
		snprintf(key, sizeof key, "%u", n);
		json_object_set_new(o, key, json_u64(by_node[n]));
	}
	return o;
}

json_t *nh_cgroup_mem_json(const nh_cgroup_mem_t *at_end, const nh_cgroup_mem_t *events_delta)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (!at_end->available) {
		json_object_set_new(o, "unavailable", json_string(at_end->reason));
		return o;
	}
	json_object_set_new(o, "version", json_integer(at_end->version));
	json_object_set_new(o, "path", json_string(at_end->path));
	json_object_set_new(o, "memory_current", json_u64(at_end->current));
	json_object_set_new(o, "stat", kv_json(at_end->stat, at_end->stat_count));
	if (events_delta && events_delta->available) {
		json_object_set_new(o, "events_delta",
				    kv_json(events_delta->events, events_delta->event_count));
	} else {
		json_object_set_new(o, "events_delta", json_null());
		if (events_delta)
			json_object_set_new(o, "events_delta_unavailable",
					    json_string(events_delta->reason));
	}
	if (at_end->numa_valid) {
		json_t *ns = json_object();
		json_object_set_new(ns, "anon", nodes_json(at_end->anon_by_node, at_end->numa_nodes));
		json_object_set_new(ns, "file", nodes_json(at_end->file_by_node, at_end->numa_nodes));
		json_object_set_new(o, "numa_stat", ns);
	} else {
		json_object_set_new(o, "numa_stat", json_null());
		json_object_set_new(o, "numa_stat_unavailable", json_string(at_end->numa_reason));
	}
	return o;
}

/* ---- the sampler: the cgroup at the workload's snapshot, its events over the run ---- */

struct cgroup_sampler {
	nh_cgroup_mem_t before, at_end, events_delta;
};

static void cgroup_open(void *state, const nh_sampler_env_t *env, nh_samplers_t *all, nh_sampler_report_t *rep)
{
	struct cgroup_sampler *s = state;
	(void)env;
	(void)all;
	(void)rep;
	nh_cgroup_read(0, &s->before);
}

static void cgroup_snapshot(void *state, const nh_sampler_snapshot_t *snap, nh_sampler_report_t *rep)
{
	struct cgroup_sampler *s = state;
	(void)rep;
	if (snap->cgroup)
		s->at_end = *snap->cgroup;
	else
		nh_cgroup_read(0, &s->at_end);
}

static void cgroup_close(void *state, nh_sampler_report_t *rep)
{
	struct cgroup_sampler *s = state;
	nh_cgroup_events_delta(&s->before, &s->at_end, &s->events_delta);
	nh_sampler_put(rep, &nh_sampler_cgroup, nh_cgroup_mem_json(&s->at_end, &s->events_delta));
}

const nh_sampler_t nh_sampler_cgroup = {
	.name = "cgroup",
	.state_size = sizeof(struct cgroup_sampler),
	.open_first = true, /* memory.events before the counters count anything */
	.open = cgroup_open,
	.snapshot = cgroup_snapshot,
	.close = cgroup_close,
};
