/* SPDX-License-Identifier: MIT */
/* test_topo: topologies from hwloc synthetic strings, XML and sysfs fixtures; host-fact parsers;
 * the JSON contract; and a smoke test of the real machine. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <numa.h>
#include <sched.h>

#include "topo.h"
#include "topo_json.h"

#define GiB (UINT64_C(1) << 30)
#define MiB (UINT64_C(1) << 20)

static nh_topo_t *synthetic(const char *desc, const unsigned *dist)
{
	nh_err_t err = {{0}};
	nh_topo_t *t = nh_topo_load_synthetic(desc, dist, &err);
	if (!t)
		fail_msg("%s: %s", desc, err.msg);
	return t;
}

static void assert_cpus(const nh_topo_node_t *n, const char *list)
{
	char buf[256];
	assert_string_equal(nh_set_format(&n->cpus, buf, sizeof buf), list);
}

/* ---- synthetic ---- */

static void test_synthetic_two_nodes(void **state)
{
	nh_topo_t *t = synthetic("pack:2 [numa(4GB)] core:2 pu:1", NULL);
	assert_int_equal(nh_topo_node_count(t), 2);
	for (unsigned i = 0; i < 2; i++) {
		const nh_topo_node_t *n = nh_topo_node(t, i);
		assert_int_equal(n->id, (int)i);
		assert_int_equal(nh_set_count(&n->cpus), 2);
		assert_int_equal(n->mem_total_bytes, 4 * GiB); /* shorthand is binary */
		assert_int_equal(n->mem_free_bytes, n->mem_total_bytes);
	}
	assert_cpus(nh_topo_node(t, 0), "0-1");
	assert_cpus(nh_topo_node(t, 1), "2-3");
	assert_int_equal(nh_topo_distance(t, 0, 0), 10);
	assert_int_equal(nh_topo_distance(t, 0, 1), 20);
	assert_int_equal(nh_topo_distance(t, 1, 0), 20);
	assert_int_equal(nh_topo_distance(t, 1, 1), 10);
	assert_int_equal(nh_topo_node_of_cpu(t, 0), 0);
	assert_int_equal(nh_topo_node_of_cpu(t, 3), 1);
	assert_int_equal(nh_topo_node_of_cpu(t, 4), -1);
	assert_int_equal(nh_set_count(nh_topo_all_cpus(t)), 4);
	assert_int_equal(nh_set_count(nh_topo_all_nodes(t)), 2);
	assert_string_equal(nh_topo_source(t), "synthetic");
	assert_null(nh_topo_node(t, 2));
	assert_int_equal(nh_topo_refresh_memory(t, NULL), 0); /* no-op */
	assert_int_equal(nh_topo_node(t, 1)->mem_total_bytes, 4 * GiB);
	nh_topo_free(t);
}

static void test_synthetic_four_nodes_given_distances(void **state)
{
	static const unsigned dist[16] = {10, 16, 22, 22, 16, 10, 22, 22,
					  22, 22, 10, 16, 22, 22, 16, 10};
	nh_topo_t *t = synthetic("numa:4 core:2 pu:2", dist);
	assert_int_equal(nh_topo_node_count(t), 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(nh_set_count(&nh_topo_node(t, i)->cpus), 4);
		assert_int_equal(nh_topo_node(t, i)->mem_total_bytes, GiB); /* hwloc's default */
		for (unsigned j = 0; j < 4; j++)
			assert_int_equal(nh_topo_distance(t, i, j), dist[i * 4 + j]);
	}
	assert_cpus(nh_topo_node(t, 3), "12-15");
	assert_int_equal(nh_topo_node_of_cpu(t, 13), 3);
	nh_topo_free(t);
}

static void test_synthetic_hwloc_attributes_pass_through(void **state)
{
	/* hwloc's own memory= uses decimal GB; indexes= gives non-contiguous node ids. */
	nh_topo_t *t = synthetic("pack:2 [numa(memory=2GB indexes=1,4)] core:1 pu:2", NULL);
	assert_int_equal(nh_topo_node_count(t), 2);
	assert_int_equal(nh_topo_node(t, 0)->id, 1);
	assert_int_equal(nh_topo_node(t, 1)->id, 4);
	assert_int_equal(nh_topo_node(t, 0)->mem_total_bytes, UINT64_C(2000000000));
	assert_non_null(nh_topo_node_by_id(t, 4));
	assert_null(nh_topo_node_by_id(t, 0));
	assert_null(nh_topo_node_by_id(t, 2));
	assert_int_equal(nh_topo_node_by_id(t, 4)->id, 4);
	assert_int_equal(nh_topo_node_of_cpu(t, 2), 4);
	assert_true(nh_set_has(nh_topo_all_nodes(t), 4));
	assert_false(nh_set_has(nh_topo_all_nodes(t), 0));
	nh_topo_free(t);
}

static void test_synthetic_caches_and_llc(void **state)
{
	nh_topo_t *t = synthetic("pack:2 [numa(2GB)] l3:1(8MB) l2:2(1MB) core:1 pu:1", NULL);
	assert_int_equal(nh_topo_cache_count(t), 2);
	const nh_topo_cache_t *l2 = nh_topo_cache(t, 0), *l3 = nh_topo_cache(t, 1);
	assert_int_equal(l2->level, 2);
	assert_string_equal(l2->type, "unified");
	assert_int_equal(l2->size, MiB);
	assert_int_equal(l2->count, 4);
	assert_int_equal(l3->level, 3);
	assert_int_equal(l3->size, 8 * MiB);
	assert_int_equal(l3->count, 2);
	assert_int_equal(l3->line, 64);
	assert_int_equal(nh_topo_llc_bytes(t), 16 * MiB);
	assert_int_equal(nh_topo_node(t, 0)->mem_total_bytes, 2 * GiB);
	assert_null(nh_topo_cache(t, 2));
	nh_topo_free(t);

	t = synthetic("numa:2 core:1 pu:1", NULL);
	assert_int_equal(nh_topo_cache_count(t), 0);
	assert_int_equal(nh_topo_llc_bytes(t), 0);
	nh_topo_free(t);
}

static void test_synthetic_facts_allow_whole_machine(void **state)
{
	nh_topo_t *t = synthetic("pack:4 [numa] core:2 pu:1", NULL);
	const nh_host_facts_t *f = nh_topo_facts(t);
	char buf[64];
	assert_string_equal(nh_set_format(&f->allowed_cpus, buf, sizeof buf), "0-7");
	assert_string_equal(nh_set_format(&f->allowed_mems, buf, sizeof buf), "0-3");
	assert_true(f->kernel[0] != '\0');
	/* Tests narrow the "cgroup" through the mutable facts. */
	nh_set_parse(&nh_topo_facts_mut(t)->allowed_mems, "1", NULL);
	assert_string_equal(nh_set_format(&nh_topo_facts(t)->allowed_mems, buf, sizeof buf), "1");
	nh_topo_free(t);
}

static void test_synthetic_bad(void **state)
{
	static const char *const bad[] = {
	    "pack:2 [numa(4GB)] core:x pu:1", "bogus:3",          "numa:2 core:2 pu:1 )(",
	    "numa:2(memory=1.5XB) pu:1",      "numa:2(4QB) pu:1", "numa:0 pu:1"};
	for (size_t i = 0; i < NH_ARRAY_LEN(bad); i++) {
		nh_err_t err = {{0}};
		errno = 0;
		assert_null(nh_topo_load_synthetic(bad[i], NULL, &err));
		assert_int_equal(errno, EINVAL);
		char want[256];
		snprintf(want, sizeof want, "bad synthetic topology '%s': ", bad[i]);
		assert_memory_equal(err.msg, want, strlen(want));
	}
	nh_err_t err = {{0}};
	assert_null(nh_topo_load_synthetic("", NULL, &err));
	assert_string_equal(err.msg, "bad synthetic topology '': empty description");
	assert_null(nh_topo_load_synthetic("", NULL, NULL)); /* NULL err is allowed */
}

static void test_synthetic_too_many_nodes(void **state)
{
	nh_err_t err = {{0}};
	assert_null(nh_topo_load_synthetic("numa:65 pu:1", NULL, &err));
	assert_int_equal(errno, E2BIG);
	assert_non_null(strstr(err.msg, "more than 64 NUMA nodes"));
}

/* ---- XML ---- */

static void test_xml_non_contiguous_with_distances(void **state)
{
	nh_err_t err = {{0}};
	nh_topo_t *t = nh_topo_load_xml(NH_TEST_DATA "/topo/three-nodes-0-2-5.xml", &err);
	if (!t)
		fail_msg("%s", err.msg);
	static const unsigned want[3][3] = {{10, 21, 31}, {21, 10, 21}, {31, 21, 10}};
	static const int ids[3] = {0, 2, 5};
	static const char *const cpus[3] = {"0-1", "2-3", "4-5"};
	assert_int_equal(nh_topo_node_count(t), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(nh_topo_node(t, i)->id, ids[i]);
		assert_cpus(nh_topo_node(t, i), cpus[i]);
		assert_int_equal(nh_topo_node(t, i)->mem_total_bytes, 2 * GiB);
		for (unsigned j = 0; j < 3; j++)
			assert_int_equal(nh_topo_distance(t, i, j), want[i][j]);
	}
	assert_int_equal(nh_topo_node_of_cpu(t, 5), 5);
	assert_int_equal(nh_topo_node_by_id(t, 5), nh_topo_node(t, 2));
	assert_int_equal(nh_topo_llc_bytes(t), 3 * 16 * MiB);
	assert_string_equal(nh_topo_source(t), "xml");
	char buf[64];
	assert_string_equal(nh_set_format(&nh_topo_facts(t)->allowed_mems, buf, sizeof buf),
			    "0,2,5");
	nh_topo_free(t);
}

static void test_xml_without_distances(void **state)
{
	nh_topo_t *t = nh_topo_load_xml(NH_TEST_DATA "/topo/two-nodes-1-3-nodist.xml", NULL);
	assert_non_null(t);
	assert_int_equal(nh_topo_node(t, 0)->id, 1);
	assert_int_equal(nh_topo_node(t, 1)->id, 3);
	assert_int_equal(nh_topo_distance(t, 0, 1), 20);
	assert_int_equal(nh_topo_distance(t, 1, 1), 10);
	nh_topo_free(t);
}

static void test_xml_bad(void **state)
{
	nh_err_t err = {{0}};
	assert_null(nh_topo_load_xml(NH_TEST_DATA "/topo/missing.xml", &err));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err.msg, "cannot read topology XML"));
	assert_null(nh_topo_load_xml(NH_TEST_DATA "/topo/truncated.xml", &err));
	assert_non_null(strstr(err.msg, "bad topology XML"));
}

/* ---- sysfs fixture: nodes 0, 2 (CPUs + memory), 1 (online, empty: skipped), 4 (CPUs only) ---- */

static void test_sysfs_fixture(void **state)
{
	nh_err_t err = {{0}};
	nh_topo_t *t = nh_topo_load_sysfs(NH_TEST_DATA "/topo/sysfs-4node", &err);
	if (!t)
		fail_msg("%s", err.msg);
	assert_int_equal(nh_topo_node_count(t), 3);
	const nh_topo_node_t *n0 = nh_topo_node(t, 0), *n2 = nh_topo_node(t, 1),
			     *n4 = nh_topo_node(t, 2);
	assert_int_equal(n0->id, 0);
	assert_int_equal(n2->id, 2);
	assert_int_equal(n4->id, 4);
	assert_cpus(n0, "0-1,4-5");
	assert_cpus(n2, "2-3,6-7");
	assert_cpus(n4, "8-9");
	assert_int_equal(n0->mem_total_bytes, 8 * GiB);
	assert_int_equal(n0->mem_free_bytes, 4 * GiB);
	assert_int_equal(n2->mem_free_bytes, UINT64_C(16000000) * 1024);
	assert_int_equal(n4->mem_total_bytes, 0);
	/* Distance rows have a column per online node (0, 1, 2, 4); node 1's column is skipped. */
	assert_int_equal(nh_topo_distance(t, 0, 1), 21);
	assert_int_equal(nh_topo_distance(t, 0, 2), 31);
	assert_int_equal(nh_topo_distance(t, 1, 2), 21);
	assert_int_equal(nh_topo_distance(t, 2, 0), 31);
	assert_int_equal(nh_topo_distance(t, 2, 2), 10);
	assert_int_equal(nh_topo_node_of_cpu(t, 9), 4);
	assert_int_equal(nh_topo_node_of_cpu(t, 7), 2);
	assert_null(nh_topo_node_by_id(t, 1));
	assert_int_equal(nh_topo_cache_count(t), 0);
	assert_int_equal(nh_topo_refresh_memory(t, &err), 0);
	assert_int_equal(nh_topo_node(t, 0)->mem_total_bytes, 8 * GiB);
	nh_topo_free(t);

	assert_null(nh_topo_load_sysfs(NH_TEST_DATA "/topo/nowhere", &err));
	assert_int_equal(errno, ENOENT);
}

/* ---- host-fact parsers, on real-format text ---- */

static const char status_text[] =
    "Name:\tcat\nUmask:\t0022\nState:\tR (running)\nTgid:\t4242\n"
    "Threads:\t1\nCpus_allowed:\tff00ff\nCpus_allowed_list:\t0-7,16-23\n"
    "Mems_allowed:\t00000000,00000000,00000000,00000005\nMems_allowed_list:\t0,2\n"
    "voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n";

static void test_parse_status(void **state)
{
	nh_set_t cpus, mems;
	char buf[64];
	assert_int_equal(nh_host_parse_status(status_text, &cpus, &mems), 0);
	assert_string_equal(nh_set_format(&cpus, buf, sizeof buf), "0-7,16-23");
	assert_string_equal(nh_set_format(&mems, buf, sizeof buf), "0,2");
	/* Cpus_allowed (the mask) must not be mistaken for the list. */
	assert_int_equal(
	    nh_host_parse_status("Cpus_allowed:\t3\nMems_allowed_list:\t0\n", &cpus, &mems), -1);
	assert_true(nh_set_empty(&cpus));
	assert_string_equal(nh_set_format(&mems, buf, sizeof buf), "0");
	assert_int_equal(nh_host_parse_status("", &cpus, &mems), -1);
}

static void test_parse_selected(void **state)
{
	char out[32];
	assert_int_equal(nh_host_parse_selected("always [madvise] never", out, sizeof out), 0);
	assert_string_equal(out, "madvise");
	assert_int_equal(nh_host_parse_selected("[always] madvise never", out, sizeof out), 0);
	assert_string_equal(out, "always");
	assert_int_equal(
	    nh_host_parse_selected("always defer defer+madvise [madvise] never", out, sizeof out),
	    0);
	assert_string_equal(out, "madvise");
	assert_int_equal(nh_host_parse_selected("always madvise never", out, sizeof out), -1);
	assert_int_equal(nh_host_parse_selected("[]", out, sizeof out), -1);
	char small[4];
	assert_int_equal(nh_host_parse_selected("[madvise]", small, sizeof small), 0);
	assert_string_equal(small, "mad");
}

static void test_parse_cpu_model(void **state)
{
	char out[128];
	assert_int_equal(nh_host_parse_cpu_model("processor\t: 0\nvendor_id\t: GenuineIntel\n"
						 "cpu family\t: 6\nmodel\t\t: 207\n"
						 "model name\t: Intel(R) Xeon(R) Processor\n"
						 "stepping\t: 2\n\nprocessor\t: 1\n"
						 "model name\t: other\n",
						 out, sizeof out),
			 0);
	assert_string_equal(out, "Intel(R) Xeon(R) Processor");
	assert_int_equal(
	    nh_host_parse_cpu_model("processor\t: 0\nBogoMIPS\t: 50.00\n", out, sizeof out), -1);
}

static void test_parse_meminfo(void **state)
{
	uint64_t total, free_bytes;
	assert_int_equal(nh_topo_parse_meminfo("Node 0 MemTotal:        5597396 kB\n"
					       "Node 0 MemFree:         4156904 kB\n"
					       "Node 0 MemUsed:         1440492 kB\n",
					       &total, &free_bytes),
			 0);
	assert_int_equal(total, UINT64_C(5597396) * 1024);
	assert_int_equal(free_bytes, UINT64_C(4156904) * 1024);
	assert_int_equal(
	    nh_topo_parse_meminfo("MemTotal:       16318412 kB\nMemFree:          812344 kB\n"
				  "MemAvailable:   10022328 kB\n",
				  &total, &free_bytes),
	    0);
	assert_int_equal(free_bytes, UINT64_C(812344) * 1024);
	assert_int_equal(nh_topo_parse_meminfo("Node 0 MemUsed: 1 kB\n", &total, &free_bytes), -1);
}

static const char cgroup_hybrid[] = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/1e06\n"
				    "3:cpuset:/\n1:cpu,cpuacct:/\n0::/\n";
static const char mountinfo_hybrid[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
static const char mountinfo_v2[] =
    "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw\n"
    "26 23 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

static void test_describe_cgroup(void **state)
{
	char out[256];
	nh_host_describe_cgroup(cgroup_hybrid, mountinfo_hybrid, out, sizeof out);
	assert_string_equal(out, "hybrid (v1 memory:/process_api/1e06, v2 /)");
	nh_host_describe_cgroup("0::/user.slice/user-1000.slice/session-2.scope\n", mountinfo_v2,
				out, sizeof out);
	assert_string_equal(out, "v2 /user.slice/user-1000.slice/session-2.scope");
	/* v1 only: no cgroup2 mounted even though the kernel prints a 0:: line. */
	nh_host_describe_cgroup("4:memory:/docker/abc\n0::/\n",
				"35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
				out, sizeof out);
	assert_string_equal(out, "v1 memory:/docker/abc");
	nh_host_describe_cgroup("5:memory,cpu:/batch\n", NULL, out, sizeof out);
	assert_string_equal(out, "v1 memory:/batch");
	nh_host_describe_cgroup("", "", out, sizeof out);
	assert_memory_equal(out, "unavailable: ", 13);
}

static void test_host_facts_read(void **state)
{
	nh_host_facts_t f;
	nh_host_facts_read(&f);
	assert_true(f.kernel[0] != '\0');
	assert_true(f.cpu_model[0] != '\0');
	assert_true(f.thp_enabled[0] != '\0');
	assert_true(f.numa_balancing >= -1);
	assert_true(f.cgroup[0] != '\0');
	assert_false(nh_set_empty(&f.allowed_cpus));
	assert_false(nh_set_empty(&f.allowed_mems));
	assert_true(nh_set_has(&f.allowed_cpus, (unsigned)sched_getcpu()));
}

/* ---- JSON contract ---- */

static void check_json_contract(const nh_topo_t *t, bool with_facts)
{
	json_t *j = nh_topo_json(t, with_facts);
	assert_non_null(j);
	assert_true(json_is_object(j));
	json_t *nodes = json_object_get(j, "nodes"), *dist = json_object_get(j, "distances");
	assert_true(json_is_array(nodes));
	assert_true(json_is_array(dist));
	size_t n = json_array_size(nodes);
	assert_int_equal(n, nh_topo_node_count(t));
	assert_int_equal(json_array_size(dist), n);
	for (size_t i = 0; i < n; i++) {
		json_t *node = json_array_get(nodes, i), *row = json_array_get(dist, i);
		assert_true(json_is_integer(json_object_get(node, "id")));
		assert_int_equal(json_integer_value(json_object_get(node, "id")),
				 nh_topo_node(t, i)->id);
		json_t *cpus = json_object_get(node, "cpus");
		assert_true(json_is_array(cpus));
		assert_int_equal(json_array_size(cpus), nh_set_count(&nh_topo_node(t, i)->cpus));
		for (size_t c = 0; c < json_array_size(cpus); c++)
			assert_true(json_is_integer(json_array_get(cpus, c)));
		assert_true(json_is_integer(json_object_get(node, "mem_total_bytes")));
		assert_true(json_is_integer(json_object_get(node, "mem_free_bytes")));
		assert_true(json_is_array(row));
		assert_int_equal(json_array_size(row), n);
		for (size_t k = 0; k < n; k++)
			assert_int_equal(json_integer_value(json_array_get(row, k)),
					 nh_topo_distance(t, (unsigned)i, (unsigned)k));
	}
	json_t *caches = json_object_get(j, "caches");
	assert_true(json_is_array(caches));
	assert_int_equal(json_array_size(caches), nh_topo_cache_count(t));
	for (size_t i = 0; i < json_array_size(caches); i++) {
		json_t *c = json_array_get(caches, i);
		assert_true(json_is_integer(json_object_get(c, "level")));
		assert_true(json_is_string(json_object_get(c, "type")));
		assert_true(json_is_integer(json_object_get(c, "size_bytes")));
		assert_true(json_is_integer(json_object_get(c, "count")));
		assert_true(json_is_integer(json_object_get(c, "line_bytes")));
	}
	json_t *host = json_object_get(j, "host");
	if (!with_facts) {
		assert_null(host);
	} else {
		assert_true(json_is_object(host));
		static const char *const strings[] = {"kernel",      "cpu_model", "thp_enabled",
						      "thp_defrag",  "cgroup",    "allowed_cpus",
						      "allowed_mems"};
		for (size_t i = 0; i < NH_ARRAY_LEN(strings); i++)
			assert_true(json_is_string(json_object_get(host, strings[i])));
		json_t *nb = json_object_get(host, "numa_balancing");
		json_t *pp = json_object_get(host, "perf_event_paranoid");
		assert_true(json_is_boolean(nb) || json_is_null(nb));
		assert_true(json_is_integer(pp) || json_is_null(pp));
	}
	/* Key order is part of what people read: nodes first, host last. */
	char *dump = json_dumps(j, JSON_COMPACT);
	assert_non_null(dump);
	assert_memory_equal(dump, "{\"nodes\":", 9);
	assert_true(strstr(dump, "\"distances\"") < strstr(dump, "\"caches\""));
	free(dump);
	json_decref(j);
}

static void test_json_contract(void **state)
{
	nh_topo_t *t = synthetic("pack:2 [numa(2GB)] l3:1(8MB) core:2 pu:1", NULL);
	check_json_contract(t, true);
	check_json_contract(t, false);
	json_t *j = nh_topo_json(t, true);
	json_t *host = json_object_get(j, "host");
	assert_string_equal(json_string_value(json_object_get(host, "allowed_cpus")), "0-3");
	assert_string_equal(json_string_value(json_object_get(host, "allowed_mems")), "0-1");
	json_t *l3 = json_array_get(json_object_get(j, "caches"), 0);
	assert_int_equal(json_integer_value(json_object_get(l3, "size_bytes")), 8 * MiB);
	assert_int_equal(json_integer_value(json_object_get(l3, "count")), 2);
	json_decref(j);

	/* Unknowns are null, not 0. */
	nh_topo_facts_mut(t)->numa_balancing = -1;
	nh_topo_facts_mut(t)->perf_event_paranoid = INT_MIN;
	j = nh_topo_json(t, true);
	host = json_object_get(j, "host");
	assert_true(json_is_null(json_object_get(host, "numa_balancing")));
	assert_true(json_is_null(json_object_get(host, "perf_event_paranoid")));
	json_decref(j);
	nh_topo_facts_mut(t)->numa_balancing = 1;
	j = nh_topo_json(t, true);
	assert_true(json_is_true(json_object_get(json_object_get(j, "host"), "numa_balancing")));
	json_decref(j);
	nh_topo_free(t);

	nh_topo_t *x = nh_topo_load_xml(NH_TEST_DATA "/topo/three-nodes-0-2-5.xml", NULL);
	assert_non_null(x);
	check_json_contract(x, true);
	nh_topo_free(x);
}

/* ---- the real machine ---- */

static void test_system(void **state)
{
	nh_err_t err = {{0}};
	nh_topo_t *t = nh_topo_load_system(&err);
	if (!t)
		fail_msg("%s", err.msg);
	assert_true(nh_topo_node_count(t) >= 1);
	assert_string_equal(nh_topo_source(t), "system");
	int cpu = sched_getcpu();
	assert_true(cpu >= 0);
	int node = nh_topo_node_of_cpu(t, (unsigned)cpu);
	assert_true(node >= 0);
	assert_int_equal(node, numa_node_of_cpu(cpu));
	assert_true(nh_set_has(&nh_topo_node_by_id(t, node)->cpus, (unsigned)cpu));
	assert_int_equal(nh_topo_node_of_cpu(t, 0), numa_node_of_cpu(0));
	if (numa_available() >= 0)
		assert_int_equal(nh_topo_node_count(t), (unsigned)numa_num_configured_nodes());
	for (unsigned i = 0; i < nh_topo_node_count(t); i++) {
		assert_int_equal(nh_topo_distance(t, i, i), 10);
		if (i > 0)
			assert_true(nh_topo_node(t, i)->id > nh_topo_node(t, i - 1)->id);
		long long free_bytes;
		long long size = numa_node_size64(nh_topo_node(t, i)->id, &free_bytes);
		/* Same sysfs source, read a moment later: memory grows lazily on some VMs. */
		if (size > 0) {
			long long ours = (long long)nh_topo_node(t, i)->mem_total_bytes;
			assert_true(ours > 0);
			assert_true(llabs(ours - size) <= size / 10);
		}
	}
	assert_true(nh_topo_node_of_cpu(t, 0) >= 0);
	assert_true(nh_topo_cache_count(t) >= 1 || nh_topo_llc_bytes(t) == 0);
	assert_true(nh_set_subset(&nh_topo_facts(t)->allowed_mems, nh_topo_all_nodes(t)));
	assert_int_equal(nh_topo_refresh_memory(t, &err), 0);
	assert_true(nh_topo_node(t, 0)->mem_total_bytes > 0);
	check_json_contract(t, true);
	nh_topo_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_synthetic_two_nodes),
	    cmocka_unit_test(test_synthetic_four_nodes_given_distances),
	    cmocka_unit_test(test_synthetic_hwloc_attributes_pass_through),
	    cmocka_unit_test(test_synthetic_caches_and_llc),
	    cmocka_unit_test(test_synthetic_facts_allow_whole_machine),
	    cmocka_unit_test(test_synthetic_bad),
	    cmocka_unit_test(test_synthetic_too_many_nodes),
	    cmocka_unit_test(test_xml_non_contiguous_with_distances),
	    cmocka_unit_test(test_xml_without_distances),
	    cmocka_unit_test(test_xml_bad),
	    cmocka_unit_test(test_sysfs_fixture),
	    cmocka_unit_test(test_parse_status),
	    cmocka_unit_test(test_parse_selected),
	    cmocka_unit_test(test_parse_cpu_model),
	    cmocka_unit_test(test_parse_meminfo),
	    cmocka_unit_test(test_describe_cgroup),
	    cmocka_unit_test(test_host_facts_read),
	    cmocka_unit_test(test_json_contract),
	    cmocka_unit_test(test_system),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
