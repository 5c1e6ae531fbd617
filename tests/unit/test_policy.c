/* SPDX-License-Identifier: MIT */
/* Unit tests for policy: parsing, validation on synthetic topologies, kernel gates, weights,
 * and a real apply + read back in a forked child on this host. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy.h"

#define TOPO_2x2 "pack:2 [numa(2GB)] core:2 pu:1"
#define TOPO_4x2 "pack:4 [numa(1GB)] core:2 pu:1"

/* Synthetic topologies carry this process's cpuset facts; tests that are not about the cpuset
 * widen them to the whole synthetic machine. */
static nh_topo_t *load_topo(const char *desc)
{
	nh_err_t err = {{0}};
	nh_topo_t *t = nh_topo_load_synthetic(desc, NULL, &err);
	if (!t)
		fail_msg("nh_topo_load_synthetic(%s): %s", desc, err.msg);
	nh_host_facts_t *f = nh_topo_facts_mut(t);
	f->allowed_mems = *nh_topo_all_nodes(t);
	f->allowed_cpus = *nh_topo_all_cpus(t);
	return t;
}

static nh_set_t set_of(const char *list)
{
	nh_set_t s;
	nh_set_clear(&s);
	if (*list)
		assert_int_equal(nh_set_parse(&s, list, NULL), 0);
	return s;
}

static void assert_set(const nh_set_t *s, const char *expected)
{
	char buf[256];
	assert_string_equal(nh_set_format(s, buf, sizeof buf), expected);
}

static void parse_ok(nh_policy_t *p, const char *spec, const nh_topo_t *topo)
{
	nh_err_t err = {{0}};
	if (nh_policy_parse(p, spec, topo, &err) != 0)
		fail_msg("parse '%s': %s", spec ? spec : "(null)", err.msg);
}

/* Parse must fail with exactly \p msg (errno set). */
static void parse_fails(const char *spec, const char *msg)
{
	nh_policy_t p;
	nh_err_t err = {{0}};
	errno = 0;
	assert_int_equal(nh_policy_parse(&p, spec, NULL, &err), -1);
	assert_int_not_equal(errno, 0);
	assert_string_equal(err.msg, msg);
}

/* Parse must fail with a message starting with \p prefix. */
static void parse_fails_prefix(const char *spec, const char *prefix)
{
	nh_policy_t p;
	nh_err_t err = {{0}};
	assert_int_equal(nh_policy_parse(&p, spec, NULL, &err), -1);
	if (strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("parse '%s': got '%s', want prefix '%s'", spec, err.msg, prefix);
}

static void validate_fails(const char *spec, const nh_topo_t *topo, const char *msg)
{
	nh_policy_t p;
	nh_err_t err = {{0}};
	parse_ok(&p, spec, topo);
	errno = 0;
	assert_int_equal(nh_policy_validate(&p, topo, &err), -1);
	assert_int_not_equal(errno, 0);
	assert_string_equal(err.msg, msg);
}

static void validate_ok(const char *spec, const nh_topo_t *topo)
{
	nh_policy_t p;
	nh_err_t err = {{0}};
	parse_ok(&p, spec, topo);
	if (nh_policy_validate(&p, topo, &err) != 0)
		fail_msg("validate '%s': %s", spec, err.msg);
}

/* ---- parsing ---- */

static void test_parse_memory_modes(void **state)
{
	nh_policy_t p;
	parse_ok(&p, "membind=0,1", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_BIND);
	assert_set(&p.mem_nodes, "0-1");
	assert_int_equal(p.cpu_mode, NH_CPU_ANY);
	assert_string_equal(p.spec, "membind=0,1");

	parse_ok(&p, "membind=0-2,5", NULL);
	assert_set(&p.mem_nodes, "0-2,5");

	parse_ok(&p, "preferred=1", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_PREFERRED);
	assert_set(&p.mem_nodes, "1");

	parse_ok(&p, "preferred-many=0-1", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_PREFERRED_MANY);
	assert_set(&p.mem_nodes, "0-1");

	parse_ok(&p, "interleave=1,3", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_INTERLEAVE);
	assert_set(&p.mem_nodes, "1,3");

	parse_ok(&p, "weighted-interleave=0-1", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_WEIGHTED_INTERLEAVE);
	assert_false(p.has_weights);
	assert_set(&p.mem_nodes, "0-1");

	parse_ok(&p, "localalloc", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_LOCAL);
	assert_true(nh_set_empty(&p.mem_nodes));
	assert_string_equal(p.spec, "localalloc");

	parse_ok(&p, "local", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_LOCAL);
	assert_string_equal(p.spec, "localalloc");

	parse_ok(&p, "default", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_DEFAULT);
	assert_string_equal(p.spec, "default");
}

static void test_parse_empty_is_default(void **state)
{
	nh_policy_t p;
	parse_ok(&p, "", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_DEFAULT);
	assert_int_equal(p.cpu_mode, NH_CPU_ANY);
	assert_string_equal(p.spec, "default");
	parse_ok(&p, " \t ", NULL);
	assert_string_equal(p.spec, "default");
	parse_ok(&p, NULL, NULL);
	assert_string_equal(p.spec, "default");
}

static void test_parse_all(void **state)
{
	nh_policy_t p;
	nh_topo_t *t = load_topo(TOPO_2x2);

	/* without a topology "all" is recorded, not resolved */
	parse_ok(&p, "interleave=all", NULL);
	assert_true(p.mem_all);
	assert_true(nh_set_empty(&p.mem_nodes));
	assert_int_equal(nh_policy_resolve(&p, t, NULL), 0);
	assert_set(&p.mem_nodes, "0-1");

	parse_ok(&p, "interleave=all", t);
	assert_true(p.mem_all);
	assert_set(&p.mem_nodes, "0-1");
	assert_string_equal(p.spec, "interleave=all");

	parse_ok(&p, "physcpubind=all", t);
	assert_int_equal(p.cpu_mode, NH_CPU_LIST);
	assert_set(&p.cpus, "0-3");

	parse_ok(&p, "cpunodebind=all membind=all", t);
	assert_set(&p.cpu_nodes, "0-1");
	assert_set(&p.cpus, "0-3");
	assert_set(&p.mem_nodes, "0-1");
	nh_topo_free(t);
}

static void test_parse_weights(void **state)
{
	nh_policy_t p;
	parse_ok(&p, "weighted-interleave=0:3,1:1", NULL);
	assert_int_equal(p.mem_mode, NH_MEM_WEIGHTED_INTERLEAVE);
	assert_true(p.has_weights);
	assert_set(&p.mem_nodes, "0-1");
	assert_int_equal(p.weights[0], 3);
	assert_int_equal(p.weights[1], 1);
	assert_int_equal(p.weights[2], 0);
	assert_string_equal(p.spec, "weighted-interleave=0:3,1:1");

	parse_ok(&p, "weighted-interleave=0-1:2,3:255", NULL);
	assert_set(&p.mem_nodes, "0-1,3");
	assert_int_equal(p.weights[0], 2);
	assert_int_equal(p.weights[1], 2);
	assert_int_equal(p.weights[3], 255);
}

static void test_parse_cpu_modes(void **state)
{
	nh_policy_t p;
	nh_topo_t *t = load_topo(TOPO_2x2);

	parse_ok(&p, "cpunodebind=1", t);
	assert_int_equal(p.cpu_mode, NH_CPU_NODES);
	assert_set(&p.cpu_nodes, "1");
	assert_set(&p.cpus, "2-3");
	assert_int_equal(p.mem_mode, NH_MEM_DEFAULT);
	assert_string_equal(p.spec, "cpunodebind=1");

	/* without a topology the CPUs of the nodes are unknown until resolve */
	parse_ok(&p, "cpunodebind=0", NULL);
	assert_true(nh_set_empty(&p.cpus));
	assert_int_equal(nh_policy_resolve(&p, t, NULL), 0);
	assert_set(&p.cpus, "0-1");

	parse_ok(&p, "physcpubind=0-2,7", NULL);
	assert_int_equal(p.cpu_mode, NH_CPU_LIST);
	assert_set(&p.cpus, "0-2,7");

	parse_ok(&p, "cpubind=0", t); /* numactl's old name */
	assert_int_equal(p.cpu_mode, NH_CPU_NODES);
	assert_string_equal(p.spec, "cpunodebind=0");
	nh_topo_free(t);
}

static void test_parse_combined_and_normalised(void **state)
{
	nh_policy_t p;
	nh_topo_t *t = load_topo(TOPO_2x2);

	parse_ok(&p, "  cpunodebind=0 \t membind=1  ", t);
	assert_string_equal(p.spec, "cpunodebind=0 membind=1");
	assert_int_equal(p.mem_mode, NH_MEM_BIND);
	assert_set(&p.mem_nodes, "1");
	assert_set(&p.cpus, "0-1");

	parse_ok(&p, "physcpubind=1 localalloc", NULL);
	assert_string_equal(p.spec, "physcpubind=1 localalloc");
	assert_int_equal(p.mem_mode, NH_MEM_LOCAL);
	assert_set(&p.cpus, "1");

	/* numactl's option spellings */
	parse_ok(&p, "--membind=0", NULL);
	assert_string_equal(p.spec, "membind=0");
	assert_int_equal(p.mem_mode, NH_MEM_BIND);

	parse_ok(&p, "--interleave all --physcpubind=0-1", t);
	assert_string_equal(p.spec, "interleave=all physcpubind=0-1");
	assert_set(&p.mem_nodes, "0-1");

	parse_ok(&p, "-m 1 -N 0", t);
	assert_string_equal(p.spec, "membind=1 cpunodebind=0");

	parse_ok(&p, "-l -C0-1", NULL);
	assert_string_equal(p.spec, "localalloc physcpubind=0-1");
	assert_set(&p.cpus, "0-1");

	parse_ok(&p, "-p 1", NULL);
	assert_string_equal(p.spec, "preferred=1");
	parse_ok(&p, "-w 0:2,1:1", NULL);
	assert_string_equal(p.spec, "weighted-interleave=0:2,1:1");
	parse_ok(&p, "--localalloc", NULL);
	assert_string_equal(p.spec, "localalloc");
	parse_ok(&p, "default physcpubind=0", NULL);
	assert_string_equal(p.spec, "default physcpubind=0");
	nh_topo_free(t);
}

static void test_parse_errors_exact(void **state)
{
	parse_fails("membind=x", "policy 'membind=x': bad node list 'x': expected a number at 'x'");
	parse_fails("foo=1", "policy 'foo=1': unknown policy 'foo' (expected membind, preferred, "
			     "preferred-many, interleave, weighted-interleave, localalloc, "
			     "cpunodebind, physcpubind)");
	parse_fails(
		"preferred=0,1",
		"policy 'preferred=0,1': preferred takes exactly one node (use preferred-many)");
	parse_fails(
		"preferred=all",
		"policy 'preferred=all': preferred takes exactly one node (use preferred-many)");
	parse_fails("membind=0  interleave=1",
		    "policy 'membind=0 interleave=1': conflicting "
		    "memory policies 'membind' and 'interleave' (give one)");
	parse_fails("membind=0 membind=1", "policy 'membind=0 membind=1': membind given twice");
	parse_fails("cpunodebind=0 physcpubind=1",
		    "policy 'cpunodebind=0 physcpubind=1': "
		    "conflicting CPU bindings 'cpunodebind' and 'physcpubind' (give one)");
	parse_fails("localalloc membind=1", "policy 'localalloc membind=1': conflicting memory "
					    "policies 'localalloc' and 'membind' (give one)");
	parse_fails("membind", "policy 'membind': membind needs a node list (membind=NODES)");
	parse_fails("physcpubind", "policy 'physcpubind': physcpubind needs a CPU list "
				   "(physcpubind=CPUS)");
	parse_fails("localalloc=1", "policy 'localalloc=1': localalloc takes no value");
	parse_fails("membind=", "policy 'membind=': bad node list '': empty list");
	parse_fails("physcpubind=3-1", "policy 'physcpubind=3-1': bad CPU list '3-1': range 3-1 "
				       "is reversed");
	parse_fails(
		"membind=64",
		"policy 'membind=64': bad node list '64': node 64 is out of range (largest is 63)");
	parse_fails("-x 1", "policy '-x 1': unknown option '-x'");
	parse_fails("--membind", "policy '--membind': membind needs a node list (membind=NODES)");
}

static void test_parse_weight_errors(void **state)
{
	parse_fails("weighted-interleave=0:0,1:1",
		    "policy 'weighted-interleave=0:0,1:1': bad "
		    "weight list '0:0,1:1': weight '0' for node 0 is not a number from 1 to 255");
	parse_fails_prefix("weighted-interleave=0:256",
			   "policy 'weighted-interleave=0:256': bad weight list '0:256': weight "
			   "'256' for node 0");
	parse_fails_prefix("weighted-interleave=0:x", "policy 'weighted-interleave=0:x': bad "
						      "weight list '0:x': weight 'x'");
	parse_fails("weighted-interleave=0:3,1",
		    "policy 'weighted-interleave=0:3,1': bad weight "
		    "list '0:3,1': '1' has no weight (give NODE:WEIGHT for every node, or a plain "
		    "node list)");
	parse_fails("weighted-interleave=0:1,0:2", "policy 'weighted-interleave=0:1,0:2': bad "
						   "weight list '0:1,0:2': node 0 given twice");
	parse_fails_prefix("weighted-interleave=a:1", "policy 'weighted-interleave=a:1': bad "
						      "weight list 'a:1': bad node 'a'");
	parse_fails_prefix("weighted-interleave=", "policy 'weighted-interleave=': bad node list");
}

static void test_parse_other_errors(void **state)
{
	parse_fails_prefix("membind=0-", "policy 'membind=0-': bad node list '0-': ");
	parse_fails_prefix("interleave=0,,1", "policy 'interleave=0,,1': bad node list ");
	parse_fails_prefix("cpunodebind=x", "policy 'cpunodebind=x': bad node list 'x'");
	parse_fails_prefix("physcpubind=a", "policy 'physcpubind=a': bad CPU list 'a'");
	parse_fails_prefix("membind=1 bogus", "policy 'membind=1 bogus': unknown policy 'bogus'");
	parse_fails_prefix("-", "policy '-': unknown option '-'");

	char longspec[2048];
	memset(longspec, 'x', sizeof longspec - 1);
	longspec[sizeof longspec - 1] = '\0';
	parse_fails_prefix(longspec, "policy 'xxxx");

	/* normalised text longer than p->spec */
	char list[400];
	size_t used = 0;
	for (int i = 0; used < 300; i++)
		used += (size_t)snprintf(list + used, sizeof list - used, "%s%d", i ? "," : "",
					 i % 2);
	char spec[500];
	snprintf(spec, sizeof spec, "membind=%s", list);
	nh_policy_t p;
	nh_err_t err = {{0}};
	assert_int_equal(nh_policy_parse(&p, spec, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "spec is too long"));
}

/* ---- validation ---- */

static void test_validate_exists(void **state)
{
	nh_topo_t *t = load_topo(TOPO_2x2);
	validate_ok("membind=1", t);
	validate_ok("interleave=all", t);
	validate_ok("cpunodebind=0 membind=1", t);
	validate_ok("physcpubind=0-3 preferred=1", t);
	validate_ok("weighted-interleave=0:3,1:1", t);
	validate_ok("localalloc", t);
	validate_ok("default", t);

	validate_fails("membind=7", t, "policy 'membind=7': node 7 does not exist (nodes: 0-1)");
	validate_fails("interleave=0-2", t,
		       "policy 'interleave=0-2': node 2 does not exist (nodes: 0-1)");
	validate_fails("physcpubind=9", t,
		       "policy 'physcpubind=9': CPU 9 does not exist (CPUs: 0-3)");
	validate_fails("cpunodebind=3", t,
		       "policy 'cpunodebind=3': node 3 does not exist (nodes: 0-1)");
	validate_fails("weighted-interleave=0:1,5:2", t,
		       "policy 'weighted-interleave=0:1,5:2': node 5 does not exist (nodes: 0-1)");
	nh_topo_free(t);
}

static void test_validate_four_nodes(void **state)
{
	nh_topo_t *t = load_topo(TOPO_4x2);
	nh_policy_t p;
	validate_ok("membind=0-3", t);
	validate_ok("cpunodebind=2,3 interleave=0,2", t);
	parse_ok(&p, "cpunodebind=2,3", t);
	assert_set(&p.cpus, "4-7");
	validate_fails("preferred-many=1,4", t,
		       "policy 'preferred-many=1,4': node 4 does not exist (nodes: 0-3)");
	validate_fails("physcpubind=6-8", t,
		       "policy 'physcpubind=6-8': CPU 8 does not exist (CPUs: 0-7)");
	nh_topo_free(t);
}

/* "all" parsed without a topology validates against the topology it is given. */
static void test_validate_unresolved_all(void **state)
{
	nh_topo_t *t = load_topo(TOPO_2x2);
	nh_policy_t p;
	nh_err_t err = {{0}};
	parse_ok(&p, "interleave=all cpunodebind=all", NULL);
	assert_int_equal(nh_policy_validate(&p, t, &err), 0);
	nh_topo_facts_mut(t)->allowed_mems = set_of("0");
	assert_int_equal(nh_policy_validate(&p, t, &err), -1);
	assert_string_equal(err.msg, "policy 'interleave=all cpunodebind=all': node 1 is not "
				     "allowed by this process's cpuset (Mems_allowed: 0)");
	nh_topo_free(t);
}

static void test_validate_cpuset(void **state)
{
	nh_topo_t *t = load_topo(TOPO_2x2);
	nh_host_facts_t *f = nh_topo_facts_mut(t);
	f->allowed_mems = set_of("0");
	f->allowed_cpus = set_of("0-1");

	validate_ok("membind=0", t);
	validate_ok("cpunodebind=0 membind=0", t);
	validate_ok("physcpubind=1", t);
	validate_fails("membind=1", t,
		       "policy 'membind=1': node 1 is not allowed by this "
		       "process's cpuset (Mems_allowed: 0)");
	validate_fails("interleave=all", t,
		       "policy 'interleave=all': node 1 is not allowed by "
		       "this process's cpuset (Mems_allowed: 0)");
	validate_fails("physcpubind=0-2", t,
		       "policy 'physcpubind=0-2': CPU 2 is not allowed by "
		       "this process's cpuset (Cpus_allowed: 0-1)");
	validate_fails("cpunodebind=1", t,
		       "policy 'cpunodebind=1': none of node 1's CPUs (2-3) "
		       "is allowed by this process's cpuset (Cpus_allowed: 0-1)");
	/* a node narrowed to some of its CPUs is accepted: the read back shows what applied */
	f->allowed_cpus = set_of("0,2");
	validate_ok("cpunodebind=0,1", t);
	/* existence is reported before the cpuset */
	validate_fails("membind=5", t, "policy 'membind=5': node 5 does not exist (nodes: 0-1)");
	/* unknown cpuset facts (empty sets) narrow nothing */
	nh_set_clear(&f->allowed_mems);
	nh_set_clear(&f->allowed_cpus);
	validate_ok("membind=1 physcpubind=3", t);
	nh_topo_free(t);
}

static void test_validate_weights(void **state)
{
	nh_topo_t *t = load_topo(TOPO_2x2);
	nh_policy_t p;
	nh_err_t err = {{0}};

	parse_ok(&p, "weighted-interleave=0:3,1:1", t);
	assert_int_equal(nh_policy_validate(&p, t, &err), 0);

	/* a hand-built policy with a weight outside its node list */
	parse_ok(&p, "weighted-interleave=0:3", t);
	p.weights[1] = 2;
	assert_int_equal(nh_policy_validate(&p, t, &err), -1);
	assert_string_equal(err.msg, "policy 'weighted-interleave=0:3': weight given for node 1, "
				     "which weighted-interleave does not name");

	parse_ok(&p, "weighted-interleave=0:3", t);
	nh_set_add(&p.mem_nodes, 1);
	assert_int_equal(nh_policy_validate(&p, t, &err), -1);
	assert_string_equal(err.msg, "policy 'weighted-interleave=0:3': node 1 has no weight");

	parse_ok(&p, "membind=0", t);
	p.weights[0] = 1;
	assert_int_equal(nh_policy_validate(&p, t, &err), -1);
	assert_non_null(strstr(err.msg, "weight given for node 0"));
	nh_topo_free(t);
}

static void test_validate_empty_sets(void **state)
{
	nh_topo_t *t = load_topo(TOPO_2x2);
	nh_policy_t p;
	nh_err_t err = {{0}};

	parse_ok(&p, "membind=0", t);
	nh_set_clear(&p.mem_nodes);
	assert_int_equal(nh_policy_validate(&p, t, &err), -1);
	assert_string_equal(err.msg, "policy 'membind=0': bind names no nodes");

	parse_ok(&p, "preferred=0", t);
	nh_set_add(&p.mem_nodes, 1);
	assert_int_equal(nh_policy_validate(&p, t, &err), -1);
	assert_string_equal(err.msg, "policy 'preferred=0': preferred takes exactly one node (use "
				     "preferred-many)");
	nh_topo_free(t);
}

/* A sysfs-style tree with node 0 (CPUs 0-1) and node 1 with memory but no CPUs (as CXL memory
 * shows up), loaded through topo's fixture loader. */
static void write_file(const char *dir, const char *name, const char *text);

static void test_validate_memory_only_node(void **state)
{
	static const char *const files[][2] = {
		{"online", "0-1\n"},
		{"possible", "0-1\n"},
		{"has_cpu", "0\n"},
		{"has_memory", "0-1\n"},
		{"node0/cpulist", "0-1\n"},
		{"node0/distance", "10 20\n"},
		{"node0/meminfo", "Node 0 MemTotal:  1048576 kB\nNode 0 MemFree:  524288 kB\n"},
		{"node1/cpulist", "\n"},
		{"node1/distance", "20 10\n"},
		{"node1/meminfo", "Node 1 MemTotal:  2097152 kB\nNode 1 MemFree:  2097152 kB\n"},
	};
	char root[] = "/tmp/nh-test-sysfs-XXXXXX";
	char dir[512], path[600];
	nh_err_t err = {{0}};
	assert_non_null(mkdtemp(root));
	snprintf(dir, sizeof dir, "%s/devices/system/node", root);
	assert_int_equal(nh_mkdir_p(dir, &err), 0);
	for (int n = 0; n < 2; n++) {
		snprintf(path, sizeof path, "%s/node%d", dir, n);
		assert_int_equal(mkdir(path, 0755), 0);
	}
	for (size_t i = 0; i < NH_ARRAY_LEN(files); i++)
		write_file(dir, files[i][0], files[i][1]);

	nh_topo_t *t = nh_topo_load_sysfs(root, &err);
	if (!t)
		fail_msg("nh_topo_load_sysfs: %s", err.msg);
	assert_int_equal(nh_topo_node_count(t), 2);
	validate_ok("membind=1", t);
	validate_ok("cpunodebind=0 membind=1", t);
	validate_ok("interleave=all physcpubind=0-1", t);
	validate_fails("cpunodebind=1", t,
		       "policy 'cpunodebind=1': node 1 has no CPUs (memory-only node); "
		       "cpunodebind needs nodes with CPUs");
	validate_fails("cpunodebind=all", t,
		       "policy 'cpunodebind=all': node 1 has no CPUs (memory-only node); "
		       "cpunodebind needs nodes with CPUs");
	nh_topo_free(t);

	for (size_t i = 0; i < NH_ARRAY_LEN(files); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i][0]);
		unlink(path);
	}
	for (int n = 0; n < 2; n++) {
		snprintf(path, sizeof path, "%s/node%d", dir, n);
		rmdir(path);
	}
	rmdir(dir);
	snprintf(path, sizeof path, "%s/devices/system", root);
	rmdir(path);
	snprintf(path, sizeof path, "%s/devices", root);
	rmdir(path);
	rmdir(root);
}

/* ---- kernel gates ---- */

static void test_supported_gates(void **state)
{
	char reason[256];
	nh_policy_t p;
	char dir[] = "/tmp/nh-test-wi-XXXXXX";
	assert_non_null(mkdtemp(dir));

	parse_ok(&p, "weighted-interleave=0,1", NULL);
	assert_false(nh_policy_supported_on(&p, "6.1.0-13-amd64", dir, reason, sizeof reason));
	assert_string_equal(
		reason,
		"weighted-interleave needs Linux 6.9 or later (this kernel: 6.1.0-13-amd64)");
	assert_true(nh_policy_supported_on(&p, "6.9.0", dir, reason, sizeof reason));
	assert_string_equal(reason, "");
	assert_true(nh_policy_supported_on(&p, "7.0.1", dir, reason, sizeof reason));
	assert_false(nh_policy_supported_on(&p, "6.9.0", "/nonexistent/wi", reason, sizeof reason));
	assert_string_equal(reason, "weighted-interleave needs /nonexistent/wi, which this kernel "
				    "(6.9.0) does not have");

	parse_ok(&p, "preferred-many=0-1", NULL);
	assert_false(nh_policy_supported_on(&p, "5.10.0-28-amd64", dir, reason, sizeof reason));
	assert_string_equal(
		reason, "preferred-many needs Linux 5.15 or later (this kernel: 5.10.0-28-amd64)");
	assert_false(nh_policy_supported_on(&p, "4.19.0", dir, reason, sizeof reason));
	assert_true(nh_policy_supported_on(&p, "5.15.0", dir, reason, sizeof reason));
	assert_true(nh_policy_supported_on(&p, "6.1.0-13-amd64", dir, reason, sizeof reason));

	/* explicit weights need the node files to be writable */
	char path[512];
	parse_ok(&p, "weighted-interleave=0:2,1:1", NULL);
	snprintf(path, sizeof path, "%s/node0", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_false(nh_policy_supported_on(&p, "6.9.0", dir, reason, sizeof reason));
	snprintf(path, sizeof path,
		 "weighted-interleave weights cannot be set: %s/node1: No such "
		 "file or directory",
		 dir);
	assert_string_equal(reason, path);
	snprintf(path, sizeof path, "%s/node1", dir);
	if (symlink("/proc/sys/kernel/ngroups_max", path) == 0) { /* read-only even for root */
		assert_false(nh_policy_supported_on(&p, "6.9.0", dir, reason, sizeof reason));
		assert_non_null(strstr(reason, "/node1: "));
		unlink(path);
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	assert_true(nh_policy_supported_on(&p, "6.9.0", dir, reason, sizeof reason));
	unlink(path);
	snprintf(path, sizeof path, "%s/node0", dir);
	unlink(path);

	/* the old modes have no gate; an unreadable release blocks nothing */
	parse_ok(&p, "membind=0 physcpubind=0", NULL);
	assert_true(nh_policy_supported_on(&p, "3.10.0", "/nonexistent", reason, sizeof reason));
	parse_ok(&p, "weighted-interleave=0", NULL);
	assert_true(nh_policy_supported_on(&p, "garbage", dir, reason, sizeof reason));

	/* this host: Linux 6.18 with the sysfs directory */
	parse_ok(&p, "membind=0", NULL);
	assert_true(nh_policy_supported(&p, reason, sizeof reason));
	rmdir(dir);
}

/* ---- weights in a sysfs-like directory ---- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < sizeof path); /* a cut path would write another file */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void assert_file(const char *dir, const char *name, const char *expected)
{
	char path[512], line[64];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_int_equal(nh_read_line(path, line, sizeof line), 0);
	assert_string_equal(line, expected);
}

static void remove_dir(const char *dir)
{
	static const char *const names[] = {"node0", "node1", "node2", "auto"};
	char path[512];
	for (size_t i = 0; i < NH_ARRAY_LEN(names); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void test_weights_set_restore(void **state)
{
	char dir[] = "/tmp/nh-test-wi-XXXXXX";
	nh_policy_t p;
	nh_policy_saved_weights_t saved;
	nh_err_t err = {{0}};
	assert_non_null(mkdtemp(dir));
	write_file(dir, "node0", "1\n");
	write_file(dir, "node1", "4\n");
	write_file(dir, "node2", "1\n");
	write_file(dir, "auto", "true\n");

	parse_ok(&p, "weighted-interleave=0:3,1:1", NULL);
	assert_int_equal(nh_policy_set_weights_in(dir, &p, &saved, &err), 0);
	assert_true(saved.saved);
	assert_int_equal(saved.weights[0], 1);
	assert_int_equal(saved.weights[1], 4);
	assert_int_equal(saved.weights[2], 0);
	assert_int_equal(saved.auto_mode, 1);
	assert_file(dir, "node0", "3");
	assert_file(dir, "node1", "1");
	assert_file(dir, "node2", "1");

	write_file(dir, "auto", "false\n"); /* what the kernel does on a node write */
	nh_policy_restore_weights(&saved);
	assert_file(dir, "node0", "1");
	assert_file(dir, "node1", "4");
	assert_file(dir, "auto", "true");

	/* system weights: nothing to save or write */
	parse_ok(&p, "weighted-interleave=0-1", NULL);
	assert_int_equal(nh_policy_set_weights_in(dir, &p, &saved, &err), 0);
	assert_false(saved.saved);
	nh_policy_restore_weights(&saved);
	parse_ok(&p, "membind=0", NULL);
	assert_int_equal(nh_policy_set_weights_in(dir, &p, &saved, &err), 0);
	assert_false(saved.saved);
	remove_dir(dir);
}

static void test_weights_failures(void **state)
{
	char dir[] = "/tmp/nh-test-wi-XXXXXX";
	char path[512];
	nh_policy_t p;
	nh_policy_saved_weights_t saved;
	nh_err_t err = {{0}};
	assert_non_null(mkdtemp(dir));

	parse_ok(&p, "weighted-interleave=0:3,1:2", NULL);
	errno = 0;
	assert_int_equal(nh_policy_set_weights_in("/nonexistent/wi", &p, &saved, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(
		err.msg, "weighted-interleave weights: /nonexistent/wi: No such file or directory");

	/* node1 missing: read fails before anything is written */
	write_file(dir, "node0", "1\n");
	assert_int_equal(nh_policy_set_weights_in(dir, &p, &saved, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err.msg, "read "));
	assert_file(dir, "node0", "1");

	/* node1 readable but not writable, even for root: node0 must be put back */
	snprintf(path, sizeof path, "%s/node1", dir);
	if (symlink("/proc/sys/kernel/ngroups_max", path) == 0) {
		assert_int_equal(nh_policy_set_weights_in(dir, &p, &saved, &err), -1);
		assert_true(errno == EACCES || errno == EROFS || errno == EPERM);
		assert_non_null(strstr(err.msg, "weighted-interleave weights: write "));
		assert_false(saved.saved);
		assert_file(dir, "node0", "1");
	}
	remove_dir(dir);
}

/* ---- names and formats ---- */

static void test_names_and_format(void **state)
{
	assert_string_equal(nh_policy_mem_mode_name(NH_MEM_DEFAULT), "default");
	assert_string_equal(nh_policy_mem_mode_name(NH_MEM_LOCAL), "local");
	assert_string_equal(nh_policy_mem_mode_name(NH_MEM_BIND), "bind");
	assert_string_equal(nh_policy_mem_mode_name(NH_MEM_PREFERRED), "preferred");
	assert_string_equal(nh_policy_mem_mode_name(NH_MEM_PREFERRED_MANY), "preferred-many");
	assert_string_equal(nh_policy_mem_mode_name(NH_MEM_INTERLEAVE), "interleave");
	assert_string_equal(nh_policy_mem_mode_name(NH_MEM_WEIGHTED_INTERLEAVE),
			    "weighted-interleave");
	assert_string_equal(nh_policy_mem_mode_name((enum nh_mem_mode)42), "unknown");

	nh_policy_applied_t a;
	char buf[128];
	memset(&a, 0, sizeof a);
	assert_string_equal(nh_policy_applied_format(&a, buf, sizeof buf), "default");
	a.cpus = set_of("0-3");
	assert_string_equal(nh_policy_applied_format(&a, buf, sizeof buf), "physcpubind=0-3");
	a.mem_mode = NH_MEM_BIND;
	a.mem_nodes = set_of("1");
	assert_string_equal(nh_policy_applied_format(&a, buf, sizeof buf),
			    "membind=1 physcpubind=0-3");
	a.mem_mode = NH_MEM_LOCAL;
	nh_set_clear(&a.mem_nodes);
	assert_string_equal(nh_policy_applied_format(&a, buf, sizeof buf),
			    "localalloc physcpubind=0-3");
	a.mem_mode = NH_MEM_WEIGHTED_INTERLEAVE;
	a.mem_nodes = set_of("0-1");
	nh_set_clear(&a.cpus);
	assert_string_equal(nh_policy_applied_format(&a, buf, sizeof buf),
			    "weighted-interleave=0-1");
	a.mem_mode = NH_MEM_PREFERRED_MANY;
	assert_string_equal(nh_policy_applied_format(&a, buf, sizeof buf), "preferred-many=0-1");
	a.mem_mode = NH_MEM_INTERLEAVE;
	a.cpus = set_of("0");
	assert_string_equal(nh_policy_applied_format(&a, buf, 12), "interleave="); /* truncated */

	nh_policy_t p;
	nh_set_t s;
	parse_ok(&p, "interleave=0-1 physcpubind=0", NULL);
	nh_policy_expected_nodes(&p, &s);
	assert_set(&s, "0-1");
	parse_ok(&p, "localalloc", NULL);
	nh_policy_expected_nodes(&p, &s);
	assert_true(nh_set_empty(&s));
	parse_ok(&p, "cpunodebind=0", NULL);
	nh_policy_expected_nodes(&p, &s);
	assert_true(nh_set_empty(&s));
}

/* ---- real apply + read back, in a forked child so this process keeps its policy ---- */

struct expect {
	const char *spec;
	enum nh_mem_mode mode;
	const char *nodes;  /* read-back node list */
	const char *cpus;   /* read-back affinity, NULL = not checked */
	const char *format; /* nh_policy_applied_format, NULL = not checked */
};

static int child_apply(const struct expect *e, nh_topo_t *topo)
{
	nh_policy_t p;
	nh_policy_applied_t a;
	nh_err_t err = {{0}};
	char buf[256];
	if (nh_policy_parse(&p, e->spec, topo, &err) < 0 ||
	    nh_policy_validate(&p, topo, &err) < 0 || nh_policy_apply(&p, &err) < 0 ||
	    nh_policy_read_back(&a, &err) < 0) {
		fprintf(stderr, "%s: %s\n", e->spec, err.msg);
		return 1;
	}
	if (a.mem_mode != e->mode) {
		fprintf(stderr, "%s: mode %s, want %s\n", e->spec,
			nh_policy_mem_mode_name(a.mem_mode), nh_policy_mem_mode_name(e->mode));
		return 1;
	}
	if (strcmp(nh_set_format(&a.mem_nodes, buf, sizeof buf), e->nodes) != 0) {
		fprintf(stderr, "%s: nodes '%s', want '%s'\n", e->spec, buf, e->nodes);
		return 1;
	}
	if (e->cpus && strcmp(nh_set_format(&a.cpus, buf, sizeof buf), e->cpus) != 0) {
		fprintf(stderr, "%s: cpus '%s', want '%s'\n", e->spec, buf, e->cpus);
		return 1;
	}
	if (e->format && strcmp(nh_policy_applied_format(&a, buf, sizeof buf), e->format) != 0) {
		fprintf(stderr, "%s: format '%s', want '%s'\n", e->spec, buf, e->format);
		return 1;
	}
	if (a.flags != 0) {
		fprintf(stderr, "%s: flags %#x\n", e->spec, a.flags);
		return 1;
	}
	return 0;
}

static int run_child(const struct expect *e, nh_topo_t *topo)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_apply(e, topo));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_apply_read_back(void **state)
{
	nh_err_t err = {{0}};
	nh_topo_t *t = nh_topo_load_system(&err);
	if (!t)
		fail_msg("nh_topo_load_system: %s", err.msg);
	/* this host: node 0; CPU 0 is there on every machine */
	const struct expect cases[] = {
		{"membind=0", NH_MEM_BIND, "0", NULL, NULL},
		{"interleave=all", NH_MEM_INTERLEAVE, "0", NULL, NULL},
		{"localalloc", NH_MEM_LOCAL, "", NULL, NULL},
		{"preferred=0", NH_MEM_PREFERRED, "0", NULL, NULL},
		{"default", NH_MEM_DEFAULT, "", NULL, NULL},
		{"physcpubind=0", NH_MEM_DEFAULT, "", "0", "physcpubind=0"},
		{"physcpubind=0 membind=0", NH_MEM_BIND, "0", "0", "membind=0 physcpubind=0"},
		{"localalloc physcpubind=0", NH_MEM_LOCAL, "", "0", "localalloc physcpubind=0"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++)
		if (run_child(&cases[i], t) != 0)
			fail_msg("apply '%s' failed (see stderr)", cases[i].spec);

	/* cpunodebind=0 binds to node 0's CPUs as the topology (and cpuset) has them */
	char cpus[256];
	nh_set_t node0 = nh_topo_node_by_id(t, 0)->cpus;
	const nh_host_facts_t *f = nh_topo_facts(t);
	if (!nh_set_empty(&f->allowed_cpus))
		nh_set_and(&node0, &f->allowed_cpus);
	struct expect nodebind = {"cpunodebind=0", NH_MEM_DEFAULT, "",
				  nh_set_format(&node0, cpus, sizeof cpus), NULL};
	assert_int_equal(run_child(&nodebind, t), 0);

	/* the newer modes, where this kernel has them */
	char reason[256];
	nh_policy_t p;
	const struct expect newer[] = {
		{"preferred-many=0", NH_MEM_PREFERRED_MANY, "0", NULL, NULL},
		{"weighted-interleave=0", NH_MEM_WEIGHTED_INTERLEAVE, "0", NULL, NULL},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(newer); i++) {
		parse_ok(&p, newer[i].spec, t);
		if (!nh_policy_supported(&p, reason, sizeof reason)) {
			fprintf(stderr, "skipping %s: %s\n", newer[i].spec, reason);
			continue;
		}
		if (run_child(&newer[i], t) != 0)
			fail_msg("apply '%s' failed (see stderr)", newer[i].spec);
	}
	nh_topo_free(t);
}

/* The kernel's refusal comes back with errno and a message naming the call. */
static int child_apply_fails(const char *spec, int want_errno, const char *want_msg)
{
	nh_policy_t p;
	nh_err_t err = {{0}};
	if (nh_policy_parse(&p, spec, NULL, &err) < 0) {
		fprintf(stderr, "%s: %s\n", spec, err.msg);
		return 1;
	}
	errno = 0;
	if (nh_policy_apply(&p, &err) != -1 || errno != want_errno ||
	    strcmp(err.msg, want_msg) != 0) {
		fprintf(stderr, "%s: errno %d, message '%s'; want %d, '%s'\n", spec, errno, err.msg,
			want_errno, want_msg);
		return 1;
	}
	return 0;
}

static void test_apply_errors(void **state)
{
	static const struct {
		const char *spec;
		int err;
		const char *msg;
	} cases[] = {
		{"membind=63", EINVAL, "set_mempolicy(MPOL_BIND, nodes 63): Invalid argument"},
		{"interleave=40-41", EINVAL,
		 "set_mempolicy(MPOL_INTERLEAVE, nodes 40-41): Invalid argument"},
		{"physcpubind=4000", EINVAL, "sched_setaffinity(CPUs 4000): Invalid argument"},
		/* unresolved "all" is refused rather than guessed */
		{"membind=all", EINVAL,
		 "policy 'membind=all': nodes not resolved against a topology "
		 "(call nh_policy_resolve)"},
		{"cpunodebind=0", EINVAL,
		 "policy 'cpunodebind=0': CPUs not resolved against a "
		 "topology (call nh_policy_resolve)"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(child_apply_fails(cases[i].spec, cases[i].err, cases[i].msg));
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) != 0)
			fail_msg("apply '%s' did not fail as expected (see stderr)", cases[i].spec);
	}
}

/* This process has never set a policy: read back says default with its real affinity. */
static void test_read_back_default(void **state)
{
	nh_policy_applied_t a;
	nh_err_t err = {{0}};
	assert_int_equal(nh_policy_read_back(&a, &err), 0);
	assert_int_equal(a.mem_mode, NH_MEM_DEFAULT);
	assert_true(nh_set_empty(&a.mem_nodes));
	assert_false(nh_set_empty(&a.cpus));
	assert_int_equal(a.flags, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_memory_modes),
		cmocka_unit_test(test_parse_empty_is_default),
		cmocka_unit_test(test_parse_all),
		cmocka_unit_test(test_parse_weights),
		cmocka_unit_test(test_parse_cpu_modes),
		cmocka_unit_test(test_parse_combined_and_normalised),
		cmocka_unit_test(test_parse_errors_exact),
		cmocka_unit_test(test_parse_weight_errors),
		cmocka_unit_test(test_parse_other_errors),
		cmocka_unit_test(test_validate_exists),
		cmocka_unit_test(test_validate_four_nodes),
		cmocka_unit_test(test_validate_unresolved_all),
		cmocka_unit_test(test_validate_cpuset),
		cmocka_unit_test(test_validate_weights),
		cmocka_unit_test(test_validate_empty_sets),
		cmocka_unit_test(test_validate_memory_only_node),
		cmocka_unit_test(test_supported_gates),
		cmocka_unit_test(test_weights_set_restore),
		cmocka_unit_test(test_weights_failures),
		cmocka_unit_test(test_names_and_format),
		cmocka_unit_test(test_apply_read_back),
		cmocka_unit_test(test_apply_errors),
		cmocka_unit_test(test_read_back_default),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
