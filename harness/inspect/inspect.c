/* SPDX-License-Identifier: MIT */
/* inspect: checks of a live process against a numactl-style expectation, and drift over time. */
#include "inspect.h"
#include "inspect_checks.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

nh_icheck_t *nh_ichecks_add(nh_ichecks_t *c, enum nh_check_status status, const char *name,
			    const char *fmt, ...)
{
	if (c->count == c->cap) {
		unsigned cap = c->cap ? 2 * c->cap : 16;
		void *grown = realloc(c->items, cap * sizeof *c->items);
		if (!grown) {
			c->failed++;
			return NULL;
		}
		c->items = grown;
		c->cap = cap;
	}
	nh_icheck_t *k = &c->items[c->count++];
	memset(k, 0, sizeof *k);
	k->status = status;
	k->value = k->min = NAN;
	snprintf(k->name, sizeof k->name, "%s", name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->detail, sizeof k->detail, fmt, ap);
	va_end(ap);
	if (status == NH_CHECK_PASS)
		c->passed++;
	else if (status == NH_CHECK_FAIL)
		c->failed++;
	else
		c->not_evaluated++;
	return k;
}

void nh_ichecks_free(nh_ichecks_t *c)
{
	free(c->items);
	memset(c, 0, sizeof *c);
}

static json_t *number_or_null(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

json_t *nh_ichecks_json(const nh_ichecks_t *c)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < c->count; i++) {
		const nh_icheck_t *k = &c->items[i];
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:o, s:s}", "name", k->name,
						   "status", nh_check_status_name(k->status),
						   "value", number_or_null(k->value), "min",
						   number_or_null(k->min), "detail", k->detail));
	}
	return a;
}

/* ---- memory views and the checks shared with the libvirt translation ---- */

void nh_memview_of_process(const nh_proc_snapshot_t *s, nh_memview_t *v)
{
	memset(v, 0, sizeof *v);
	for (unsigned k = 0; k < NH_MEM_KINDS; k++) {
		if (k == NH_MEM_FILE)
			continue;
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			v->by_node[n] += s->bytes_by_kind_node[k][n];
	}
	for (unsigned n = 0; n < NH_MAX_NODES; n++)
		v->total += v->by_node[n];
}

void nh_memview_add_mapping(nh_memview_t *v, const nh_mapping_t *m)
{
	for (unsigned n = 0; n < NH_MAX_NODES; n++)
		v->by_node[n] += m->bytes_by_node[n];
	v->total += m->bytes;
}

void nh_memview_sub(nh_memview_t *v, const nh_memview_t *part)
{
	for (unsigned n = 0; n < NH_MAX_NODES; n++)
		v->by_node[n] -= part->by_node[n] < v->by_node[n] ? part->by_node[n] : v->by_node[n];
	v->total -= part->total < v->total ? part->total : v->total;
}

uint64_t nh_memview_on(const nh_memview_t *v, const nh_set_t *nodes)
{
	uint64_t on = 0;
	for (unsigned n = 0; n < NH_MAX_NODES; n++)
		if (nh_set_has(nodes, n))
			on += v->by_node[n];
	return on;
}

/* "node0 1.2 MiB, node1 24 MiB" for the nodes holding anything. */
char *nh_memview_format(const nh_memview_t *v, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned n = 0; n < NH_MAX_NODES && used < len; n++) {
		if (!v->by_node[n])
			continue;
		char sz[32];
		used += (size_t)snprintf(buf + used, len - used, "%snode%u %s", used ? ", " : "", n,
					 nh_format_size(v->by_node[n], sz, sizeof sz));
	}
	if (!used)
		snprintf(buf, len, "nothing resident");
	return buf;
}

void nh_check_share(nh_ichecks_t *out, const char *name, const nh_memview_t *v,
		    const nh_set_t *nodes, double min_share, const char *note)
{
	char where[512], nodes_text[64], total[32];
	nh_set_format(nodes, nodes_text, sizeof nodes_text);
	nh_memview_format(v, where, sizeof where);
	if (v->total == 0) {
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name, "no resident memory to judge%s%s",
			       note ? "; " : "", note ? note : "");
		return;
	}
	double share = (double)nh_memview_on(v, nodes) / (double)v->total;
	nh_icheck_t *k = nh_ichecks_add(out, share >= min_share ? NH_CHECK_PASS : NH_CHECK_FAIL, name,
					"%.1f%% of %s on node(s) %s (min %.0f%%): %s%s%s",
					100.0 * share, nh_format_size(v->total, total, sizeof total),
					nodes_text, 100.0 * min_share, where, note ? "; " : "",
					note ? note : "");
	if (k) {
		k->value = share;
		k->min = min_share;
	}
}

void nh_check_spread(nh_ichecks_t *out, const char *name, const nh_memview_t *v,
		     const nh_set_t *nodes)
{
	unsigned n_nodes = nh_set_count(nodes);
	uint64_t on = nh_memview_on(v, nodes);
	char where[512];
	nh_memview_format(v, where, sizeof where);
	/* Round-robin puts 1/n on each node; a few MiB are too few pages to judge. */
	if (n_nodes < 2 || on < (4u << 20)) {
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name,
			       n_nodes < 2 ? "one node: nothing to spread" :
					     "under 4 MiB on the nodes: too few pages to judge the spread (%s)",
			       where);
		return;
	}
	double even = (double)on / n_nodes, worst = INFINITY;
	int worst_node = -1;
	for (int n = nh_set_next(nodes, 0); n >= 0; n = nh_set_next(nodes, n + 1)) {
		double r = (double)v->by_node[n] / even;
		if (r < worst) {
			worst = r;
			worst_node = n;
		}
	}
	nh_icheck_t *k = nh_ichecks_add(out, worst >= 0.5 ? NH_CHECK_PASS : NH_CHECK_FAIL, name,
					"the emptiest node (node%d) holds %.0f%% of an even share "
					"(min 50%%): %s", worst_node, 100.0 * worst, where);
	if (k) {
		k->value = worst;
		k->min = 0.5;
	}
}

const char *nh_numa_maps_mode(enum nh_mem_mode m)
{
	switch (m) {
	case NH_MEM_BIND: return "bind";
	case NH_MEM_PREFERRED: return "prefer";
	case NH_MEM_PREFERRED_MANY: return "prefer (many)";
	case NH_MEM_INTERLEAVE: return "interleave";
	case NH_MEM_WEIGHTED_INTERLEAVE: return "weighted interleave";
	case NH_MEM_LOCAL: return "local";
	default: return "default";
	}
}

bool nh_policy_text_matches(const nh_mempolicy_text_t *p, const char *mode, const nh_set_t *nodes)
{
	if (strcmp(p->mode, mode) != 0)
		return false;
	return !nodes || nh_set_equal(&p->nodes, nodes) ||
	       /* bind to a subset still keeps memory on the nodes */
	       (strcmp(mode, "bind") == 0 && !nh_set_empty(&p->nodes) && nh_set_subset(&p->nodes, nodes));
}

/* Append "tid 12 (name): what" items to \p buf, at most five, then "and N more". */
void nh_list_thread(char *buf, size_t len, unsigned *listed, const nh_thread_t *t, const char *what)
{
	size_t used = strlen(buf);
	if (*listed < 5 && used < len)
		snprintf(buf + used, len - used, "%stid %d (%s): %s", *listed ? "; " : "", (int)t->tid,
			 t->comm, what);
	(*listed)++;
}

void nh_finish_list(char *buf, size_t len, unsigned listed)
{
	size_t used = strlen(buf);
	if (listed > 5 && used < len)
		snprintf(buf + used, len - used, "; and %u more", listed - 5);
}

void nh_check_thread_policy(nh_ichecks_t *out, const char *name, const nh_proc_snapshot_t *s,
			    const char *mode, const nh_set_t *nodes, bool cpuset_enforces)
{
	char nodes_text[64] = "", bad[768] = "";
	if (nodes)
		nh_set_format(nodes, nodes_text, sizeof nodes_text);
	unsigned ok = 0, by_cpuset = 0, unknown = 0, listed = 0;
	for (unsigned i = 0; i < s->thread_count; i++) {
		const nh_thread_t *t = &s->threads[i];
		if (!t->policy_known) {
			unknown++;
			continue;
		}
		if (nh_policy_text_matches(&t->policy, mode, nodes)) {
			ok++;
		} else if (cpuset_enforces && nodes && !nh_set_empty(&t->mems_allowed) &&
			   nh_set_subset(&t->mems_allowed, nodes)) {
			by_cpuset++;
		} else {
			char what[160], mems[64];
			snprintf(what, sizeof what, "policy %s, Mems_allowed %s", t->policy.text,
				 nh_set_format(&t->mems_allowed, mems, sizeof mems));
			nh_list_thread(bad, sizeof bad, &listed, t, what);
		}
	}
	nh_finish_list(bad, sizeof bad, listed);
	if (listed)
		nh_ichecks_add(out, NH_CHECK_FAIL, name, "%u of %u thread(s) neither %s%s%s%s: %s", listed,
			       s->thread_count, mode, nodes ? ":" : "", nodes_text,
			       cpuset_enforces ? " nor confined by their cpuset" : "", bad);
	else if (ok + by_cpuset == 0)
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name, "no thread's policy could be read");
	else {
		char extra[160] = "";
		if (by_cpuset)
			snprintf(extra, sizeof extra, "; %u confined to the nodes by their cpuset",
				 by_cpuset);
		if (unknown)
			snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
				 "; %u exiting, policy unread", unknown);
		nh_ichecks_add(out, NH_CHECK_PASS, name, "%u of %u thread(s) with policy %s%s%s%s", ok,
			       s->thread_count, mode, nodes ? ":" : "", nodes ? nodes_text : "", extra);
	}
}

void nh_check_affinity(nh_ichecks_t *out, const char *name, const nh_thread_t *const *threads,
		       unsigned count, const nh_set_t *cpus, bool exact, const char *note)
{
	char cpus_text[128], bad[768] = "", stale[256] = "";
	nh_set_format(cpus, cpus_text, sizeof cpus_text);
	unsigned listed = 0, off_cpu = 0;
	for (unsigned i = 0; i < count; i++) {
		const nh_thread_t *t = threads[i];
		bool fits = exact ? nh_set_equal(&t->cpus_allowed, cpus) :
				    nh_set_subset(&t->cpus_allowed, cpus);
		if (!fits) {
			char what[160], allowed[128];
			snprintf(what, sizeof what, "allowed CPUs %s",
				 nh_set_format(&t->cpus_allowed, allowed, sizeof allowed));
			nh_list_thread(bad, sizeof bad, &listed, t, what);
		} else if (t->last_cpu >= 0 && !nh_set_has(cpus, (unsigned)t->last_cpu)) {
			/* Pinned, but last seen elsewhere: it has not run since it was moved. */
			off_cpu++;
		}
	}
	nh_finish_list(bad, sizeof bad, listed);
	if (off_cpu)
		snprintf(stale, sizeof stale, "; %u of them last ran outside (not run since pinned)",
			 off_cpu);
	const char *sep = note ? "; " : "", *tail = note ? note : "";
	if (count == 0)
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name, "no such thread%s%s", sep, tail);
	else if (listed)
		nh_ichecks_add(out, NH_CHECK_FAIL, name, "%u of %u thread(s) not %s CPUs %s: %s%s%s",
			       listed, count, exact ? "pinned to exactly" : "confined to", cpus_text,
			       bad, sep, tail);
	else
		nh_ichecks_add(out, NH_CHECK_PASS, name, "%u thread(s) %s CPUs %s%s%s%s", count,
			       exact ? "pinned to exactly" : "confined to", cpus_text, stale, sep, tail);
}

/* ---- a numactl-style expectation ---- */

/* The nodes memory should be on: the policy's, else (default / local) the CPU nodes, since
 * first touch then places pages on the touching thread's node. */
static bool expected_memory_nodes(const nh_policy_t *want, nh_set_t *nodes)
{
	nh_policy_expected_nodes(want, nodes);
	if (!nh_set_empty(nodes))
		return true;
	if (want->cpu_mode == NH_CPU_NODES) {
		*nodes = want->cpu_nodes;
		return true;
	}
	return false;
}

void nh_inspect_expect(const nh_proc_snapshot_t *s, const nh_policy_t *want, double min_share,
		       nh_ichecks_t *out)
{
	nh_memview_t own;
	nh_memview_of_process(s, &own);
	nh_set_t nodes;
	char nodes_text[64], name[192];
	bool have_nodes = expected_memory_nodes(want, &nodes);
	nh_set_format(&nodes, nodes_text, sizeof nodes_text);
	if (have_nodes) {
		snprintf(name, sizeof name, "memory on node(s) %s", nodes_text);
		nh_check_share(out, name, &own, &nodes, min_share,
			       want->mem_mode == NH_MEM_PREFERRED || want->mem_mode == NH_MEM_PREFERRED_MANY ?
				       "preferred spills to other nodes when the preferred are full" :
				       NULL);
	} else if (want->mem_mode != NH_MEM_DEFAULT || want->cpu_mode != NH_CPU_ANY) {
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, "memory placement",
			       "%s places memory on each touching thread's node: no single node to "
			       "check against", want->mem_mode == NH_MEM_LOCAL ? "localalloc" : "the default policy");
	}
	if (want->mem_mode == NH_MEM_INTERLEAVE || want->mem_mode == NH_MEM_WEIGHTED_INTERLEAVE) {
		snprintf(name, sizeof name, "memory spread over node(s) %s", nodes_text);
		if (want->mem_mode == NH_MEM_WEIGHTED_INTERLEAVE)
			nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name, "weighted interleave spreads by "
				       "weight, not evenly: see the per-node figures");
		else
			nh_check_spread(out, name, &own, &nodes);
	}
	if (want->mem_mode != NH_MEM_DEFAULT) {
		const char *mode = nh_numa_maps_mode(want->mem_mode);
		snprintf(name, sizeof name, "memory policy %s%s%s", mode,
			 nh_set_empty(&want->mem_nodes) ? "" : ":", nodes_text);
		nh_check_thread_policy(out, name, s, mode,
				       nh_set_empty(&want->mem_nodes) ? NULL : &want->mem_nodes,
				       want->mem_mode == NH_MEM_BIND);
	}
	if (want->cpu_mode != NH_CPU_ANY) {
		const nh_thread_t **all = malloc((s->thread_count ? s->thread_count : 1) * sizeof *all);
		if (!all) {
			nh_ichecks_add(out, NH_CHECK_FAIL, "thread CPUs", "out of memory");
			return;
		}
		for (unsigned i = 0; i < s->thread_count; i++)
			all[i] = &s->threads[i];
		char cpus_text[128];
		snprintf(name, sizeof name, "threads on CPUs %s",
			 nh_set_format(&want->cpus, cpus_text, sizeof cpus_text));
		nh_check_affinity(out, name, all, s->thread_count, &want->cpus, false, NULL);
		free(all);
	}
	/* A cpuset forbidding the nodes makes the policy impossible, whatever the process asks. */
	if (!s->cpuset_available) {
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, "cgroup cpuset permits it", "%s",
			       s->cpuset_reason);
	} else {
		nh_set_t missing_nodes, missing_cpus;
		nh_set_clear(&missing_nodes);
		nh_set_clear(&missing_cpus);
		if (have_nodes)
			nh_set_minus(&missing_nodes, &nodes, &s->cgroup_mems);
		if (want->cpu_mode != NH_CPU_ANY)
			nh_set_minus(&missing_cpus, &want->cpus, &s->cgroup_cpus);
		char mems[64], cpus[128], mn[64], mc[128];
		nh_set_format(&s->cgroup_mems, mems, sizeof mems);
		nh_set_format(&s->cgroup_cpus, cpus, sizeof cpus);
		char where[320];
		if (s->cgroup_count > 1)
			snprintf(where, sizeof where, "the threads' %u cgroups together (main thread: %s)",
				 s->cgroup_count, s->cgroup_path);
		else
			snprintf(where, sizeof where, "%s", s->cgroup_path);
		if (nh_set_empty(&missing_nodes) && nh_set_empty(&missing_cpus))
			nh_ichecks_add(out, NH_CHECK_PASS, "cgroup cpuset permits it",
				       "%s: mems %s, cpus %s", where, mems, cpus);
		else
			nh_ichecks_add(out, NH_CHECK_FAIL, "cgroup cpuset permits it",
				       "%s: mems %s, cpus %s forbid%s%s%s%s", where, mems,
				       cpus, nh_set_empty(&missing_nodes) ? "" : " node(s) ",
				       nh_set_format(&missing_nodes, mn, sizeof mn),
				       nh_set_empty(&missing_cpus) ? "" : " CPU(s) ",
				       nh_set_format(&missing_cpus, mc, sizeof mc));
	}
}

/* ---- drift ---- */

static uint64_t migrated_sum(const nh_proc_snapshot_t *s, bool *known)
{
	uint64_t sum = 0;
	*known = false;
	for (unsigned i = 0; i < s->thread_count; i++)
		if (s->threads[i].numa_pages_migrated != UINT64_MAX) {
			sum += s->threads[i].numa_pages_migrated;
			*known = true;
		}
	return sum;
}

void nh_inspect_drift(const nh_proc_snapshot_t *a, const nh_proc_snapshot_t *b, nh_drift_t *d)
{
	memset(d, 0, sizeof *d);
	d->seconds = b->t - a->t;
	uint64_t lost = 0, gained = 0;
	for (unsigned k = 0; k < NH_MEM_KINDS; k++)
		for (unsigned n = 0; n < NH_MAX_NODES; n++) {
			int64_t delta = (int64_t)(b->bytes_by_kind_node[k][n] - a->bytes_by_kind_node[k][n]);
			d->delta_by_kind_node[k][n] = delta;
		}
	/* Movement of the own memory: what some nodes lost while others gained. */
	for (unsigned n = 0; n < NH_MAX_NODES; n++) {
		int64_t own = 0;
		for (unsigned k = 0; k < NH_MEM_KINDS; k++)
			if (k != NH_MEM_FILE)
				own += d->delta_by_kind_node[k][n];
		if (own < 0)
			lost += (uint64_t)-own;
		else
			gained += (uint64_t)own;
	}
	d->moved_bytes = lost < gained ? lost : gained;
	bool known_a, known_b;
	uint64_t ma = migrated_sum(a, &known_a), mb = migrated_sum(b, &known_b);
	/* Threads come and go; a shrinking sum means exited threads, not negative migration. */
	d->pages_migrated = known_a && known_b ? (mb > ma ? mb - ma : 0) : UINT64_MAX;
}

json_t *nh_drift_json(const nh_drift_t *d, const nh_topo_t *topo)
{
	json_t *kinds = json_object();
	for (unsigned k = 0; k < NH_MEM_KINDS; k++) {
		json_t *nodes = json_object();
		for (unsigned i = 0; i < nh_topo_node_count(topo); i++) {
			char key[16];
			int id = nh_topo_node(topo, i)->id;
			snprintf(key, sizeof key, "%d", id);
			json_object_set_new(nodes, key, json_integer(d->delta_by_kind_node[k][id]));
		}
		json_object_set_new(kinds, nh_mem_kind_name(k), nodes);
	}
	return json_pack("{s:f, s:o, s:I, s:o}", "seconds", d->seconds, "delta_bytes", kinds,
			 "moved_bytes_at_least", (json_int_t)d->moved_bytes, "numa_pages_migrated",
			 d->pages_migrated == UINT64_MAX ? json_null() : json_integer((json_int_t)d->pages_migrated));
}

/* ---- JSON of a snapshot ---- */

bool nh_inspect_mapping_notable(const nh_mapping_t *m, uint64_t own_bytes)
{
	return m->own_policy ||
	       (m->kind != NH_MEM_FILE && m->bytes >= (1u << 20) && m->bytes * 100 >= own_bytes);
}

/* /proc text (comm, cmdline, file names) need not be UTF-8, which jansson insists on: replace
 * the bytes that break it rather than lose the whole document. */
static json_t *text_json(const char *text)
{
	json_t *j = json_string(text);
	if (j)
		return j;
	char *copy = strdup(text);
	if (!copy)
		return NULL;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static json_t *set_json(const nh_set_t *s)
{
	char buf[1024];
	return json_string(nh_set_format(s, buf, sizeof buf));
}

static json_t *by_node_json(const uint64_t *by_node, const nh_topo_t *topo)
{
	json_t *o = json_object();
	for (unsigned i = 0; i < nh_topo_node_count(topo); i++) {
		char key[16];
		int id = nh_topo_node(topo, i)->id;
		snprintf(key, sizeof key, "%d", id);
		json_object_set_new(o, key, json_integer((json_int_t)by_node[id]));
	}
	return o;
}

static json_t *memory_json(const nh_proc_snapshot_t *s, const nh_topo_t *topo)
{
	json_t *memory = json_object();
	for (unsigned k = 0; k < NH_MEM_KINDS; k++)
		json_object_set_new(memory, nh_mem_kind_name(k),
				    json_pack("{s:I, s:o}", "bytes", (json_int_t)s->bytes_by_kind[k],
					      "by_node", by_node_json(s->bytes_by_kind_node[k], topo)));
	return memory;
}

json_t *nh_proc_sample_json(const nh_proc_snapshot_t *s, double t0, const nh_topo_t *topo)
{
	bool known;
	uint64_t migrated = migrated_sum(s, &known);
	return json_pack("{s:f, s:o, s:i, s:o}", "t", s->t - t0, "memory", memory_json(s, topo),
			 "threads", (int)s->thread_count, "numa_pages_migrated",
			 known ? json_integer((json_int_t)migrated) : json_null());
}

json_t *nh_proc_snapshot_json(const nh_proc_snapshot_t *s, const nh_topo_t *topo)
{
	json_t *threads = json_array();
	for (unsigned i = 0; i < s->thread_count; i++) {
		const nh_thread_t *t = &s->threads[i];
		json_array_append_new(
			threads,
			json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:i, s:o}", "tid", (int)t->tid,
				  "name", text_json(t->comm), "cpus_allowed", set_json(&t->cpus_allowed),
				  "mems_allowed", set_json(&t->mems_allowed), "last_cpu",
				  t->last_cpu >= 0 ? json_integer(t->last_cpu) : json_null(), "last_node",
				  t->last_node >= 0 ? json_integer(t->last_node) : json_null(), "mempolicy",
				  t->policy_known ? json_string(t->policy.text) : json_null(), "sched",
				  nh_sched_policy_name(t->sched_policy), "rt_priority", t->rt_priority,
				  "cgroup", t->cgroup[0] ? text_json(t->cgroup) : json_null()));
	}
	json_t *memory = memory_json(s, topo);
	uint64_t own = nh_proc_own_bytes(s, NULL);
	json_t *mappings = json_array();
	for (unsigned i = 0; i < s->mapping_count; i++) {
		const nh_mapping_t *m = &s->mappings[i];
		if (!nh_inspect_mapping_notable(m, own))
			continue;
		char range[64];
		snprintf(range, sizeof range, "%lx-%lx", (unsigned long)m->start, (unsigned long)m->end);
		json_array_append_new(
			mappings, json_pack("{s:s, s:o, s:s, s:s, s:b, s:I, s:I, s:o}", "range", range,
					    "name", text_json(m->name), "kind", nh_mem_kind_name(m->kind), "policy",
					    m->policy.text, "own_policy", m->own_policy, "size",
					    (json_int_t)(m->end > m->start ? m->end - m->start : 0),
					    "resident", (json_int_t)m->bytes, "by_node",
					    by_node_json(m->bytes_by_node, topo)));
	}
	json_t *cpuset = s->cpuset_available ?
				 json_pack("{s:o, s:i, s:o, s:o}", "cgroup", text_json(s->cgroup_path),
					   "cgroups", (int)s->cgroup_count, "cpus_effective",
					   set_json(&s->cgroup_cpus), "mems_effective",
					   set_json(&s->cgroup_mems)) :
				 json_pack("{s:s}", "unavailable", s->cpuset_reason);
	return json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o}", "pid", (int)s->pid, "name",
			 text_json(s->comm), "cmdline", text_json(s->cmdline), "threads", threads, "memory", memory, "mappings",
			 mappings, "cpuset", cpuset);
}
