/* Multi-node placement tests against real Linux kernels: boots an emulated NUMA guest
 * (tests/guest/guest.sh) running a case script, then checks every case's records here.
 * usage: test_guest 2node|4node   — exits 77 (ctest: skipped) when no guest can be booted. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "guest_cases.h"

static const char *topology;

static long long pages_on(json_t *pages_by_node, int node)
{
	char key[16];
	snprintf(key, sizeof key, "%d", node);
	return (long long)json_integer_value(json_object_get(pages_by_node, key));
}

/* The record of a case that must have run ok. */
static json_t *ok_record(const char *name)
{
	guest_case_t *c = get_case(name);
	if (c->status != 0 || !c->json)
		fail_msg("%s: exit %d, output:\n%s", name, c->status, c->text);
	if (strcmp(str(c->json, "outcome"), "ok") != 0)
		fail_msg("%s: outcome %s (%s)", name, str(c->json, "outcome"), str(c->json, "reason"));
	return c->json;
}

/* move_pages and the kernel's numa_maps must agree node by node: numa_maps counts whole
 * mappings, so it may hold a few more pages (a merged neighbour), never fewer. */
static void views_agree(const char *name, json_t *rec, int nodes)
{
	json_t *ours = at(rec, "policy.observed.pages_by_node");
	json_t *kernel = at(rec, "policy.observed.numa_maps_pages_by_node");
	if (!json_is_object(kernel))
		fail_msg("%s: no numa_maps view", name);
	for (int n = 0; n < nodes; n++) {
		long long a = pages_on(ours, n), b = pages_on(kernel, n);
		if (b < a || b - a > 16)
			fail_msg("%s: node %d: move_pages %lld pages, numa_maps %lld", name, n, a, b);
	}
}

/* Every page on one node, by both views. */
static void check_membind(int node, int nodes)
{
	char name[32];
	snprintf(name, sizeof name, "membind-%d", node);
	json_t *rec = ok_record(name);
	json_t *pages = at(rec, "policy.observed.pages_by_node");
	long long total = num(rec, "policy.observed.pages_total");
	assert_true(total > 0);
	assert_true(pages_on(pages, node) >= total * 99 / 100);
	assert_true(json_real_value(at(rec, "policy.observed.fraction_on_expected")) >= 0.99);
	assert_string_equal(str(rec, "policy.observed.verdict"), "ok");
	assert_string_equal(str(rec, "policy.applied.mem_mode"), "bind");
	views_agree(name, rec, nodes);
	printf("# %s: %lld of %lld pages on node %d (numa_maps: %lld)\n", name, pages_on(pages, node), total,
	       node, pages_on(at(rec, "policy.observed.numa_maps_pages_by_node"), node));
}

/* Pages spread over \p nodes with shares \p weights (sum 1), each within 2 points. */
static void check_spread(const char *name, const int *nodes, const double *shares, int count, int all_nodes)
{
	json_t *rec = ok_record(name);
	json_t *pages = at(rec, "policy.observed.pages_by_node");
	double total = (double)num(rec, "policy.observed.pages_total");
	assert_true(total > 0);
	double placed = 0;
	printf("# %s:", name);
	for (int i = 0; i < count; i++) {
		double share = (double)pages_on(pages, nodes[i]) / total;
		placed += share;
		printf(" node %d %.2f%%", nodes[i], 100 * share);
		if (share < shares[i] - 0.02 || share > shares[i] + 0.02)
			fail_msg("%s: node %d holds %.2f%%, expected %.0f%% ± 2", name, nodes[i], 100 * share,
				 100 * shares[i]);
	}
	printf("\n");
	assert_true(placed >= 0.99); /* nothing on the other nodes */
	assert_string_equal(str(rec, "policy.observed.verdict"), "ok");
	views_agree(name, rec, all_nodes);
}

/* ---- the cases ---- */

/* topo --json against what the guest was given and the guest kernel's own sysfs. */
static void topology_as_given(void **state)
{
	json_t *t = get_case("topo")->json;
	assert_non_null(t);
	const char *sysfs = get_case("sysfs")->text;
	bool four = strcmp(topology, "4node") == 0;
	int n = four ? 4 : 2;
	const long long given_mb[4] = {four ? 256 : 640, four ? 256 : 320, 256, 256};
	json_t *nodes = json_object_get(t, "nodes");
	assert_int_equal(json_array_size(nodes), n);
	for (int i = 0; i < n; i++) {
		json_t *node = json_array_get(nodes, (size_t)i);
		assert_int_equal(num(node, "id"), i);
		json_t *cpus = json_object_get(node, "cpus");
		assert_int_equal(json_array_size(cpus), 1);
		assert_int_equal(json_integer_value(json_array_get(cpus, 0)), i);
		/* Exactly the kernel's MemTotal, and most of what qemu gave the node (the kernel keeps
		 * some for itself, more on node 0). */
		char key[32];
		snprintf(key, sizeof key, "node%d ", i);
		const char *line = strstr(sysfs, key);
		assert_non_null(line);
		long long kb = atoll(strstr(line, "memtotal_kb=") + 12);
		long long bytes = num(node, "mem_total_bytes");
		assert_int_equal(bytes, kb * 1024);
		assert_true(bytes <= given_mb[i] << 20);
		assert_true(bytes >= (given_mb[i] << 20) * 8 / 10);
		printf("# node %d: cpus [%d], MemTotal %lld MiB of %lld given\n", i, i, bytes >> 20, given_mb[i]);
	}
	json_t *dist = json_object_get(t, "distances");
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++) {
			long long want = i == j ? 10 : four ? 10 + 6 * abs(i - j) : 21;
			assert_int_equal(json_integer_value(json_array_get(json_array_get(dist, (size_t)i), (size_t)j)), want);
		}
	(void)state;
}

static void membind_every_node(void **state)
{
	int n = strcmp(topology, "4node") == 0 ? 4 : 2;
	for (int node = 0; node < n; node++)
		check_membind(node, n);
	(void)state;
}

static void interleave_all(void **state)
{
	if (strcmp(topology, "4node") == 0) {
		const int nodes[] = {0, 1, 2, 3};
		const double shares[] = {0.25, 0.25, 0.25, 0.25};
		check_spread("interleave-all", nodes, shares, 4, 4);
	} else {
		const int nodes[] = {0, 1};
		const double shares[] = {0.5, 0.5};
		check_spread("interleave-all", nodes, shares, 2, 2);
	}
	(void)state;
}

static void interleave_subset(void **state)
{
	const int nodes[] = {1, 3};
	const double shares[] = {0.5, 0.5};
	check_spread("interleave-1,3", nodes, shares, 2, 4);
	(void)state;
}

static void weighted_interleave_ratio(void **state)
{
	const int nodes[] = {0, 1};
	const double shares[] = {0.75, 0.25};
	check_spread("weighted", nodes, shares, 2, 4);
	(void)state;
}

/* Debian 12's 6.1 lacks MPOL_WEIGHTED_INTERLEAVE: skipped, with the reason. */
static void weighted_interleave_skipped(void **state)
{
	guest_case_t *c = get_case("weighted");
	assert_int_equal(c->status, 0);
	assert_non_null(c->json);
	assert_string_equal(str(c->json, "outcome"), "skipped");
	if (!strstr(str(c->json, "reason"), "weighted-interleave needs Linux 6.9 or later"))
		fail_msg("reason: %s", str(c->json, "reason"));
	printf("# weighted: skipped: %s\n", str(c->json, "reason"));
	(void)state;
}

static void preferred_with_room(void **state)
{
	json_t *rec = ok_record("preferred-room");
	json_t *pages = at(rec, "policy.observed.pages_by_node");
	long long total = num(rec, "policy.observed.pages_total");
	assert_true(pages_on(pages, 1) >= total * 99 / 100);
	assert_string_equal(str(rec, "policy.observed.verdict"), "ok");
	views_agree("preferred-room", rec, 2);
	printf("# preferred-room: %lld of %lld pages on node 1\n", pages_on(pages, 1), total);
	(void)state;
}

/* 480 MiB preferred on a 320 MiB node: the run succeeds, spills, and says so. */
static void preferred_spills(void **state)
{
	json_t *rec = ok_record("preferred-spill");
	json_t *pages = at(rec, "policy.observed.pages_by_node");
	long long total = num(rec, "policy.observed.pages_total");
	assert_true(pages_on(pages, 0) > 0);
	/* Node 1 was used first (how much of it before the kernel falls back varies with what else
	 * holds memory there: 51-62 % seen). */
	assert_true(pages_on(pages, 1) > total / 3);
	assert_string_equal(str(rec, "policy.observed.verdict"), "fallback");
	views_agree("preferred-spill", rec, 2);
	printf("# preferred-spill: node 0 %lld, node 1 %lld of %lld pages, verdict fallback (%.1f%% on node 1)\n",
	       pages_on(pages, 0), pages_on(pages, 1), total,
	       100 * json_real_value(at(rec, "policy.observed.fraction_on_expected")));
	(void)state;
}

/* cpunodebind=A membind=B: threads on A's CPU only, pages on B, and B's other_node counter grew
 * by about the buffer (allocations for a task running on another node). */
static void cpu_and_memory_apart(const char *name, int cpu_node, int mem_node)
{
	json_t *rec = ok_record(name);
	char cpu[8];
	snprintf(cpu, sizeof cpu, "%d", cpu_node);
	assert_string_equal(str(rec, "policy.applied.cpus"), cpu);
	assert_string_equal(str(rec, "policy.observed.threads_ran_on"), cpu);
	json_t *pages = at(rec, "policy.observed.pages_by_node");
	long long total = num(rec, "policy.observed.pages_total");
	assert_true(pages_on(pages, mem_node) >= total * 99 / 100);
	char path[64];
	snprintf(path, sizeof path, "numastat.delta_by_node.%d.other_node", mem_node);
	long long other = num(rec, path);
	if (other < total * 95 / 100 || other > total * 2)
		fail_msg("%s: node %d other_node grew by %lld, expected about %lld", name, mem_node, other, total);
	views_agree(name, rec, strcmp(topology, "4node") == 0 ? 4 : 2);
	printf("# %s: threads ran on CPU %s, %lld of %lld pages on node %d, other_node +%lld\n", name,
	       str(rec, "policy.observed.threads_ran_on"), pages_on(pages, mem_node), total, mem_node, other);
}

static void cpunodebind_membind_apart(void **state)
{
	if (strcmp(topology, "4node") == 0)
		cpu_and_memory_apart("cpunode3-mem0", 3, 0);
	else
		cpu_and_memory_apart("cpunode0-mem1", 0, 1);
	(void)state;
}

static void missing_node_is_an_error(void **state)
{
	guest_case_t *c = get_case("bad-node");
	assert_int_equal(c->status, 2);
	const char *want = strcmp(topology, "4node") == 0 ?
				   "numaharness: bench: policy 'membind=4': node 4 does not exist (nodes: 0-3)\n" :
				   "numaharness: bench: policy 'membind=5': node 5 does not exist (nodes: 0-1)\n";
	assert_string_equal(c->text, want);
	(void)state;
}

/* The middle run cannot fit under membind: OOM-killed (or failed), and the sweep goes on. */
static void oom_in_a_sweep(void **state)
{
	guest_case_t *c = get_case("oom-sweep");
	assert_non_null(strstr(c->text, "exit=1\n"));
	json_t *recs[3];
	unsigned n = 0;
	for (const char *p = strchr(c->text, '{'); p && n < 3; p = strchr(p, '{')) {
		json_error_t e;
		recs[n] = json_loadb(p, strcspn(p, "\n"), 0, &e);
		assert_non_null(recs[n]);
		n++;
		p += strcspn(p, "\n");
	}
	assert_int_equal(n, 3);
	assert_string_equal(str(recs[0], "outcome"), "ok");
	assert_string_equal(str(recs[0], "policy.observed.verdict"), "ok");
	const char *mid = str(recs[1], "outcome");
	if (strcmp(mid, "oom-killed") != 0 && strcmp(mid, "failed") != 0)
		fail_msg("middle run: outcome %s (%s)", mid, str(recs[1], "reason"));
	assert_true(strlen(str(recs[1], "reason")) > 10);
	assert_string_equal(str(recs[2], "outcome"), "ok");
	assert_string_equal(str(recs[2], "policy.observed.verdict"), "ok");
	printf("# oom-sweep: run 1 %s, run 2 %s (%s), run 3 %s\n", str(recs[0], "outcome"), mid,
	       str(recs[1], "reason"), str(recs[2], "outcome"));
	for (unsigned i = 0; i < n; i++)
		json_decref(recs[i]);
	(void)state;
}

/* Inside a real cgroup v2 memory controller: the run in a cgroup of its own under the default
 * parent (not the shell's /nh, which holds processes), the record's cgroup layer is that cgroup,
 * and its memory.numa_stat holds the arrays on node 1 — the run's own figures, a known
 * allocation. Every run's cgroup is gone afterwards. */
static void cgroup_v2_layer(void **state)
{
	json_t *rec = ok_record("cgroup-v2");
	json_t *cg = json_object_get(rec, "cgroup");
	if (json_object_get(cg, "unavailable"))
		fail_msg("cgroup unavailable: %s", str(cg, "unavailable"));
	if (json_object_get(json_object_get(rec, "run_cgroup"), "unavailable"))
		fail_msg("no cgroup of the run's own: %s", str(rec, "run_cgroup.unavailable"));
	assert_int_equal(num(cg, "version"), 2);
	assert_int_equal(num(rec, "run_cgroup.version"), 2);
	const char *path = str(rec, "run_cgroup.path");
	const char prefix[] = "/sys/fs/cgroup/numaharness/run-";
	if (strncmp(path, prefix, sizeof prefix - 1) != 0)
		fail_msg("the run's cgroup is %s", path);
	assert_string_equal(str(cg, "path"), path);
	long long arrays = num(rec, "policy.observed.pages_total") * 4096;
	long long anon1 = num(cg, "numa_stat.anon.1"), anon0 = num(cg, "numa_stat.anon.0");
	assert_true(num(cg, "memory_current") >= arrays);
	/* the arrays and the little else the worker allocated under membind=1 */
	if (anon1 < arrays * 97 / 100 || anon1 > arrays + (4 << 20))
		fail_msg("memory.numa_stat anon on node 1: %lld bytes, the arrays are %lld", anon1, arrays);
	assert_true(anon0 < (1 << 20));
	assert_true(num(rec, "run_cgroup.memory_peak") >= arrays);
	printf("# cgroup-v2: %s, memory.current %lld bytes, numa_stat anon node 1 %lld bytes (arrays %lld, "
	       "%+.1f%%), node 0 %lld bytes, memory.peak %lld bytes\n",
	       path, num(cg, "memory_current"), anon1, arrays, 100.0 * (double)(anon1 - arrays) / (double)arrays,
	       anon0, num(rec, "run_cgroup.memory_peak"));
	guest_case_t *gone = get_case("cgroup-v2-gone");
	assert_int_equal(gone->status, 0);
	if (strstr(gone->text, "run-"))
		fail_msg("cgroups left under /sys/fs/cgroup/numaharness:\n%s", gone->text);
	(void)state;
}

/* Over its memory.max, the run is killed inside its own cgroup, and the reason gives the cgroup's
 * own count. */
static void cgroup_v2_oom_kill(void **state)
{
	guest_case_t *c = get_case("cgroup-v2-oom");
	if (!c->json)
		fail_msg("cgroup-v2-oom: exit %d, output:\n%s", c->status, c->text);
	assert_string_equal(str(c->json, "outcome"), "oom-killed");
	assert_string_equal(str(c->json, "reason"),
			    "killed by the OOM killer in its cgroup (memory.max 48.0 MiB, cgroup oom_kill +1)");
	assert_int_equal(num(c->json, "run_cgroup.memory_max"), 48 << 20);
	assert_int_equal(num(c->json, "run_cgroup.oom_kill"), 1);
	printf("# cgroup-v2-oom: %s\n", str(c->json, "reason"));
	(void)state;
}

/* A ramp under membind=1: OOM-killed, and the harness's forecast of its series names node 1's
 * capacity (its bytes there and node 1's free memory: some 300 MiB), not the machine's. */
static void grow_fills_bound_node(void **state)
{
	guest_case_t *c = get_case("grow-membind-1");
	if (!c->json)
		fail_msg("grow-membind-1: exit %d, output:\n%s", c->status, c->text);
	assert_string_equal(str(c->json, "outcome"), "oom-killed");
	if (strcmp(str(c->json, "forecast.nearest"), "node1") != 0) {
		char *f = json_dumps(at(c->json, "forecast"), JSON_COMPACT);
		fail_msg("grow-membind-1: the nearest limit is not node 1's: forecast %s", f ? f : "(none)");
	}
	json_t *layers = at(c->json, "forecast.layers"), *l, *node1 = NULL;
	size_t i;
	json_array_foreach(layers, i, l)
		if (strcmp(json_string_value(json_object_get(l, "layer")), "node1") == 0)
			node1 = l;
	assert_non_null(node1);
	json_t *limit = json_object_get(node1, "limit");
	double cap = json_number_value(json_object_get(limit, "bytes"));
	double last = json_number_value(json_object_get(node1, "last"));
	/* node 1 is 320 MiB: its capacity is under that, and the run held most of it when killed —
	 * by its cgroup's peak, which the kernel keeps; the series' last row is a tick or more
	 * earlier (at 32 MiB/s, a few seconds late on a loaded host is 100 MiB), so it only has to
	 * show the growth well under way. */
	double peak = num(c->json, "run_cgroup.memory_peak");
	/* (what the guest kernel has made of node 1 so far varies: 267-311 MiB seen, less what
	 * other cases left in its page cache) */
	if (!(cap > 128.0 * (1 << 20) && cap < 320.0 * (1 << 20)))
		fail_msg("node 1's capacity for the run: %.0f bytes", cap);
	if (!(peak > 0.8 * cap && last > 0.4 * cap))
		fail_msg("grow-membind-1: cgroup peak %.1f MiB, last sample on node 1 %.1f MiB, "
			 "node 1's capacity %.1f MiB", peak / (1 << 20), last / (1 << 20), cap / (1 << 20));
	printf("# grow-membind-1: %s; node 1: %.1f of %.1f MiB at the last sample, cgroup peak "
	       "%.1f MiB, %s\n", str(c->json, "reason"), last / (1 << 20), cap / (1 << 20),
	       peak / (1 << 20), json_string_value(json_object_get(node1, "sentence")));
	(void)state;
}

/* cpuset.mems=1 of the run's cgroup alone (no memory policy): every page on node 1. */
static void cgroup_v2_cpuset_mems(void **state)
{
	json_t *rec = ok_record("cgroup-v2-mems");
	assert_string_equal(str(rec, "run_cgroup.mems"), "1");
	json_t *pages = at(rec, "policy.observed.pages_by_node");
	long long total = num(rec, "policy.observed.pages_total");
	assert_true(total > 0);
	if (pages_on(pages, 1) < total * 99 / 100) {
		char *obs = json_dumps(at(rec, "policy.observed"), JSON_COMPACT);
		fail_msg("cpuset.mems=1: %lld of %lld pages on node 1; observed %s", pages_on(pages, 1),
			 total, obs ? obs : "?");
	}
	printf("# cgroup-v2-mems: %lld of %lld pages on node 1 (threads ran on CPUs %s)\n", pages_on(pages, 1), total,
	       str(rec, "policy.observed.threads_ran_on"));
	(void)state;
}

/* Parse every JSON line of a case's text. */
static unsigned case_records(guest_case_t *c, json_t **recs, unsigned max)
{
	unsigned n = 0;
	for (const char *p = strchr(c->text, '{'); p && n < max; p = strchr(p, '{')) {
		json_error_t e;
		recs[n] = json_loadb(p, strcspn(p, "\n"), 0, &e);
		assert_non_null(recs[n]);
		n++;
		p += strcspn(p, "\n");
	}
	return n;
}

/* matrix latency in a 2-node guest: a 2x2 table, and each pair's run with its pages on the
 * memory node and its thread on the CPU node. */
static void latency_matrix_shape(void **state)
{
	guest_case_t *c = get_case("matrix-latency");
	assert_non_null(strstr(c->text, "exit=0\n"));
	json_t *recs[8];
	unsigned n = case_records(c, recs, 8);
	assert_int_equal(n, 4);
	for (unsigned i = 0; i < n; i++) {
		int cpu_node = (int)i / 2, mem_node = (int)i % 2;
		char spec[64], cpu[8];
		snprintf(spec, sizeof spec, "cpunodebind=%d membind=%d", cpu_node, mem_node);
		snprintf(cpu, sizeof cpu, "%d", cpu_node);
		assert_string_equal(str(recs[i], "policy.requested"), spec);
		assert_string_equal(str(recs[i], "outcome"), "ok");
		assert_string_equal(str(recs[i], "policy.observed.verdict"), "ok");
		assert_string_equal(str(recs[i], "policy.observed.threads_ran_on"), cpu);
		json_t *pages = at(recs[i], "policy.observed.pages_by_node");
		long long total = num(recs[i], "policy.observed.pages_total");
		assert_true(pages_on(pages, mem_node) >= total * 99 / 100);
		assert_true(json_number_value(at(recs[i], "metrics.ns_per_load.value")) > 0);
		printf("# matrix %s: %lld of %lld pages on node %d, %.0f ns/load (emulated)\n", spec,
		       pages_on(pages, mem_node), total, mem_node,
		       json_number_value(at(recs[i], "metrics.ns_per_load.value")));
		json_decref(recs[i]);
	}
	/* The table itself: a header with both memory nodes and a row per CPU node. */
	assert_non_null(strstr(c->text, "cpu\\mem"));
	(void)state;
}

/* xcache with its table local and remote: placement as asked (numbers: shape only). */
static void xcache_local_and_remote(void **state)
{
	const char *names[] = {"xcache-local", "xcache-remote"};
	for (int i = 0; i < 2; i++) {
		json_t *rec = ok_record(names[i]);
		json_t *pages = at(rec, "policy.observed.pages_by_node");
		long long total = num(rec, "policy.observed.pages_total");
		assert_true(pages_on(pages, i) >= total * 99 / 100);
		assert_string_equal(str(rec, "policy.observed.threads_ran_on"), "0");
		assert_true(json_number_value(at(rec, "metrics.ops_per_s.value")) > 0);
		assert_true(json_is_number(at(rec, "metrics.errors.value")));
		assert_true(json_number_value(at(rec, "metrics.errors.value")) == 0);
		printf("# %s: table %lld of %lld pages on node %d, %.0f ops/s, GET p50 %.0f ns (emulated)\n",
		       names[i], pages_on(pages, i), total, i, json_number_value(at(rec, "metrics.ops_per_s.value")),
		       json_number_value(at(rec, "metrics.get_p50_ns.value")));
	}
	(void)state;
}

/* "0:123,1:4" (a record's per-node note) → pages on \p node. */
static long long note_pages(json_t *rec, const char *note, int node)
{
	const char *text = str(rec, note);
	char key[16];
	snprintf(key, sizeof key, "%d:", node);
	for (const char *p = text; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, key, strlen(key)) == 0)
			return atoll(p + strlen(key));
	return 0;
}

/* Buffered reads from a real block device under membind: the record reports where the file's
 * cached pages are, per node, consistently with the resident bytes. What the kernel does is
 * reported (printed here), not assumed. */
static void page_cache_under_membind(void **state)
{
	assert_int_equal(get_case("pagecache-fs")->status, 0);
	for (int node = 0; node < 2; node++) {
		char name[32];
		snprintf(name, sizeof name, "pagecache-membind-%d", node);
		json_t *rec = ok_record(name);
		long long resident = (long long)json_number_value(at(rec, "metrics.resident_bytes.value"));
		long long on0 = note_pages(rec, "notes.resident_by_node", 0);
		long long on1 = note_pages(rec, "notes.resident_by_node", 1);
		assert_true(resident > 0);
		assert_int_equal((on0 + on1) * 4096, resident);
		printf("# %s (cold read of 48 MiB from ext4 on a RAM disk, CPU 0): file pages cached on node 0: %lld, "
		       "node 1: %lld (%.1f%% on the bound node)\n",
		       name, on0, on1, 100.0 * (node ? on1 : on0) / (double)(on0 + on1));
	}
	(void)state;
}

static int boot_guest(void **state)
{
	char args[1024];
	bool four = strcmp(topology, "4node") == 0;
	const char *kernel = four ? "linux-image-6.12-amd64" : "linux-image-amd64";
	/* The 2-node guest gets a 192 MiB RAM block device with ext4 for the page-cache cases. */
	const char *modules = four ? "" : "brd:rd_size=196608 crc32c_generic ext4";
	snprintf(args, sizeof args, "--topology %s --kernel %s --modules '%s' --script %s/tests/guest/cases-%s.sh",
		 topology, kernel, modules, NH_SOURCE_DIR, topology);
	(void)state;
	return guest_boot(args);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "2node") != 0 && strcmp(argv[1], "4node") != 0)) {
		fprintf(stderr, "usage: test_guest 2node|4node\n");
		return 2;
	}
	topology = argv[1];
	/* No guest possible here (not root, no qemu): say why and let ctest report SKIP. */
	if (guest_unavailable(strcmp(topology, "4node") == 0 ? "linux-image-6.12-amd64" :
							      "linux-image-amd64"))
		return 77;
	if (strcmp(topology, "2node") == 0) {
		const struct CMUnitTest tests[] = {
			cmocka_unit_test(topology_as_given),
			cmocka_unit_test(membind_every_node),
			cmocka_unit_test(interleave_all),
			cmocka_unit_test(preferred_with_room),
			cmocka_unit_test(preferred_spills),
			cmocka_unit_test(cpunodebind_membind_apart),
			cmocka_unit_test(weighted_interleave_skipped),
			cmocka_unit_test(missing_node_is_an_error),
			cmocka_unit_test(oom_in_a_sweep),
			cmocka_unit_test(cgroup_v2_layer),
			cmocka_unit_test(cgroup_v2_oom_kill),
			cmocka_unit_test(cgroup_v2_cpuset_mems),
			cmocka_unit_test(grow_fills_bound_node),
			cmocka_unit_test(latency_matrix_shape),
			cmocka_unit_test(xcache_local_and_remote),
			cmocka_unit_test(page_cache_under_membind),
		};
		return cmocka_run_group_tests_name("guest-2node (Linux 6.1)", tests, boot_guest, NULL);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(topology_as_given),
		cmocka_unit_test(membind_every_node),
		cmocka_unit_test(interleave_all),
		cmocka_unit_test(interleave_subset),
		cmocka_unit_test(weighted_interleave_ratio),
		cmocka_unit_test(cpunodebind_membind_apart),
		cmocka_unit_test(missing_node_is_an_error),
	};
	return cmocka_run_group_tests_name("guest-4node (Linux 6.12)", tests, boot_guest, NULL);
}
