/* Unit tests of inspect: the /proc parsers on real-format fixtures (tests/data/inspect: numa_maps
 * and maps of a qemu-shaped process with every policy spelling the kernel prints, thread stat
 * and status files), the checks against numactl-style expectations and libvirt domains, drift,
 * and the snapshot of this very process. */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "inspect.h"

#define DATA NH_TEST_DATA "/inspect"
#define MiB(n) ((uint64_t)(n) << 20)

static char *fixture(const char *name)
{
	char path[512];
	nh_err_t err;
	snprintf(path, sizeof path, "%s/%s", DATA, name);
	char *text = nh_read_file(path, NULL, &err);
	if (!text)
		fail_msg("%s", err.msg);
	return text;
}

static uint64_t pages(uint64_t n)
{
	return n * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Two nodes, CPUs 0-1 on node 0 and 2-3 on node 1. */
static nh_topo_t *two_nodes(void)
{
	nh_err_t err;
	nh_topo_t *t = nh_topo_load_synthetic("pack:2 [numa(2GB)] core:2 pu:1", NULL, &err);
	if (!t)
		fail_msg("%s", err.msg);
	return t;
}

static nh_mempolicy_text_t policy(const char *text)
{
	nh_mempolicy_text_t p;
	nh_err_t err;
	if (nh_mempolicy_text_parse(text, &p, &err) < 0)
		fail_msg("%s", err.msg);
	return p;
}

static const nh_mapping_t *mapping_at(const nh_proc_snapshot_t *s, uintptr_t start)
{
	for (unsigned i = 0; i < s->mapping_count; i++)
		if (s->mappings[i].start == start)
			return &s->mappings[i];
	fail_msg("no mapping at %lx", (unsigned long)start);
	return NULL;
}

/* The qemu-shaped fixture process: numa_maps parsed, two threads bound to node 1. */
static void fixture_process(nh_proc_snapshot_t *s)
{
	memset(s, 0, sizeof *s);
	char *nm = fixture("numa_maps"), *maps = fixture("maps");
	nh_err_t err;
	nh_mempolicy_text_t bind1 = policy("bind:1");
	if (nh_proc_parse_numa_maps(nm, maps, &bind1, s, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(s->mapping_count, 11);
	nh_proc_prune_mappings(s);
	free(nm);
	free(maps);
	s->pid = 4240;
	snprintf(s->comm, sizeof s->comm, "qemu-system-x86");
	s->threads = calloc(2, sizeof *s->threads);
	s->thread_count = 2;
	for (unsigned i = 0; i < 2; i++) {
		nh_thread_t *t = &s->threads[i];
		t->tid = 4240 + (pid_t)i;
		snprintf(t->comm, sizeof t->comm, i ? "CPU 0/KVM" : "qemu-system-x86");
		nh_set_add(&t->cpus_allowed, 1);
		nh_set_add(&t->mems_allowed, 0);
		nh_set_add(&t->mems_allowed, 1);
		t->policy = bind1;
		t->policy_known = true;
		t->last_cpu = 1;
		t->numa_pages_migrated = UINT64_MAX;
	}
}

static const nh_icheck_t *find_check(const nh_ichecks_t *c, const char *prefix)
{
	for (unsigned i = 0; i < c->count; i++)
		if (strncmp(c->items[i].name, prefix, strlen(prefix)) == 0)
			return &c->items[i];
	fail_msg("no check named '%s...'", prefix);
	return NULL;
}

static void assert_status(const nh_ichecks_t *c, const char *prefix, enum nh_check_status want)
{
	const nh_icheck_t *k = find_check(c, prefix);
	if (k->status != want)
		fail_msg("%s: %s, want %s (%s)", k->name, nh_check_status_name(k->status),
			 nh_check_status_name(want), k->detail);
}

/* ---- parsers ---- */

static void policy_spellings(void **state)
{
	nh_mempolicy_text_t p = policy("prefer (many):0-1");
	assert_string_equal(p.mode, "prefer (many)");
	assert_int_equal(nh_set_count(&p.nodes), 2);
	p = policy("bind=static:1");
	assert_string_equal(p.mode, "bind");
	assert_true(nh_set_has(&p.nodes, 1) && nh_set_count(&p.nodes) == 1);
	p = policy("default");
	assert_string_equal(p.mode, "default");
	assert_true(nh_set_empty(&p.nodes));
	nh_mempolicy_text_t bad;
	nh_err_t err;
	assert_int_equal(nh_mempolicy_text_parse("bind:x", &bad, &err), -1);
	(void)state;
}

static void numa_maps_kinds_and_policies(void **state)
{
	nh_proc_snapshot_t s;
	fixture_process(&s);
	/* Every mapping with pages, or with a policy of its own; the empty bind:1 guard page not. */
	assert_int_equal(s.mapping_count, 10);
	const nh_mapping_t *memfd = mapping_at(&s, 0x7f2a80000000);
	assert_int_equal(memfd->kind, NH_MEM_SHMEM);
	assert_string_equal(memfd->name, "/memfd:memory-backend-memfd (deleted)");
	assert_true(memfd->own_policy);
	assert_string_equal(memfd->policy.mode, "interleave");
	assert_int_equal(memfd->end - memfd->start, MiB(1024));
	assert_int_equal(memfd->bytes_by_node[0], pages(32768));
	assert_int_equal(memfd->bytes_by_node[1], pages(32768));
	const nh_mapping_t *huge = mapping_at(&s, 0x7f2ae0000000);
	assert_int_equal(huge->kind, NH_MEM_HUGE);
	assert_int_equal(huge->bytes_by_node[1], MiB(128)); /* 64 pages of 2 MiB */
	assert_true(huge->own_policy);			    /* "bind=static:1" is not the task's */
	assert_string_equal(mapping_at(&s, 0x7f2ac0000000)->policy.mode, "prefer (many)");
	assert_string_equal(mapping_at(&s, 0x7f2ad0000000)->policy.mode, "weighted interleave");
	const nh_mapping_t *heap = mapping_at(&s, 0x55d0ca1c4000);
	assert_string_equal(heap->name, "[heap]");
	assert_int_equal(heap->kind, NH_MEM_ANON);
	assert_false(heap->own_policy);
	/* Totals by kind: file mappings (even their private dirty pages) are page cache here. */
	assert_int_equal(s.bytes_by_kind_node[NH_MEM_FILE][0], pages(512 + 294));
	assert_int_equal(s.bytes_by_kind_node[NH_MEM_FILE][1], pages(16));
	assert_int_equal(s.bytes_by_kind_node[NH_MEM_ANON][0], pages(1024 + 384));
	assert_int_equal(s.bytes_by_kind_node[NH_MEM_ANON][1], pages(2048 + 131072 + 128 + 33));
	assert_int_equal(s.bytes_by_kind[NH_MEM_SHMEM], pages(65536));
	assert_int_equal(s.bytes_by_kind[NH_MEM_HUGE], MiB(128));
	nh_set_t node1;
	nh_set_clear(&node1);
	nh_set_add(&node1, 1);
	assert_int_equal(nh_proc_own_bytes(&s, &node1),
			 pages(2048 + 131072 + 128 + 33 + 32768) + MiB(128));
	nh_proc_snapshot_free(&s);
	(void)state;
}

static void numa_maps_garbage_is_an_error(void **state)
{
	nh_proc_snapshot_t s = {0};
	nh_err_t err;
	assert_int_equal(nh_proc_parse_numa_maps("zzzz default anon=1 N0=1\n", "", NULL, &s, &err), -1);
	assert_string_equal(err.msg, "numa_maps: cannot parse 'zzzz default anon=1 N0=1'");
	nh_proc_snapshot_free(&s);
	(void)state;
}

static void thread_policy_from_the_stack(void **state)
{
	char *nm = fixture("numa_maps");
	nh_mempolicy_text_t p;
	nh_err_t err;
	assert_int_equal(nh_proc_thread_policy(nm, &p, &err), 0);
	assert_string_equal(p.text, "bind:1");
	free(nm);
	/* No [stack] line: the most common policy. */
	assert_int_equal(nh_proc_thread_policy("1000 interleave:0-1 anon=1 N0=1\n2000 default N0=1\n"
					       "3000 interleave:0-1\n", &p, &err), 0);
	assert_string_equal(p.text, "interleave:0-1");
	assert_int_equal(nh_proc_thread_policy("", &p, &err), -1);
	(void)state;
}

static void stat_fields(void **state)
{
	nh_thread_t t = {0};
	nh_err_t err;
	char *text = fixture("stat-vcpu");
	assert_int_equal(nh_proc_parse_stat(text, &t, &err), 0);
	assert_string_equal(t.comm, "CPU 0/KVM");
	assert_int_equal(t.state, 'S');
	assert_int_equal(t.last_cpu, 3);
	assert_int_equal(t.rt_priority, 11);
	assert_int_equal(t.sched_policy, SCHED_FIFO);
	assert_false(t.kernel_thread); /* flags 4194368: PF_RANDOMIZE | PF_FORKNOEXEC */
	free(text);
	/* kthreadd: flags 2129984 has PF_KTHREAD (0x00200000) */
	text = fixture("stat-kthread");
	assert_int_equal(nh_proc_parse_stat(text, &t, &err), 0);
	assert_string_equal(t.comm, "kthreadd");
	assert_true(t.kernel_thread);
	free(text);
	/* A comm holding ") (" ends at the last parenthesis. */
	text = fixture("stat-odd-comm");
	assert_int_equal(nh_proc_parse_stat(text, &t, &err), 0);
	assert_string_equal(t.comm, "a) (b) c");
	assert_int_equal(t.last_cpu, 0);
	assert_int_equal(t.sched_policy, SCHED_OTHER);
	free(text);
	assert_int_equal(nh_proc_parse_stat("12 (x) S 1 2 3\n", &t, &err), -1);
	assert_non_null(strstr(err.msg, "stat: only"));
	(void)state;
}

static void status_lists(void **state)
{
	nh_thread_t t = {0};
	nh_err_t err;
	char *text = fixture("status");
	assert_int_equal(nh_proc_parse_status(text, &t, &err), 0);
	assert_int_equal(nh_set_count(&t.cpus_allowed), 2);
	assert_true(nh_set_has(&t.cpus_allowed, 2) && nh_set_has(&t.cpus_allowed, 3));
	assert_true(nh_set_has(&t.mems_allowed, 1) && nh_set_count(&t.mems_allowed) == 1);
	free(text);
	assert_int_equal(nh_proc_parse_status("Name:\tx\nMems_allowed_list:\t0\n", &t, &err), -1);
	assert_string_equal(err.msg, "status: no Cpus_allowed_list line");
	(void)state;
}

/* ---- numactl-style expectations ---- */

static void expect_checks(const nh_proc_snapshot_t *s, const char *spec, double min_share,
			  nh_ichecks_t *out)
{
	nh_topo_t *topo = two_nodes();
	nh_policy_t p;
	nh_err_t err;
	if (nh_policy_parse(&p, spec, topo, &err) < 0)
		fail_msg("%s", err.msg);
	memset(out, 0, sizeof *out);
	nh_inspect_expect(s, &p, min_share, out);
	nh_topo_free(topo);
}

static void membind_share_and_policy(void **state)
{
	nh_proc_snapshot_t s;
	fixture_process(&s);
	nh_ichecks_t c;
	/* node 1 holds the anon RAM and hugepages; the interleaved memfd and some anon are on 0. */
	double own = (double)nh_proc_own_bytes(&s, NULL);
	double on1 = (double)(pages(2048 + 131072 + 128 + 33 + 32768) + MiB(128));
	expect_checks(&s, "membind=1", 0.99, &c);
	const nh_icheck_t *share = find_check(&c, "memory on node(s) 1");
	assert_int_equal(share->status, NH_CHECK_FAIL);
	assert_true(fabs(share->value - on1 / own) < 1e-9);
	assert_status(&c, "memory policy bind:1", NH_CHECK_PASS);
	assert_status(&c, "cgroup cpuset", NH_CHECK_NOT_EVALUATED);
	assert_int_equal(c.failed, 1);
	nh_ichecks_free(&c);
	/* A looser share passes; the wrong node fails both placement and policy. */
	expect_checks(&s, "membind=1", 0.8, &c);
	assert_status(&c, "memory on node(s) 1", NH_CHECK_PASS);
	nh_ichecks_free(&c);
	expect_checks(&s, "membind=0", 0.99, &c);
	assert_status(&c, "memory on node(s) 0", NH_CHECK_FAIL);
	const nh_icheck_t *pol = find_check(&c, "memory policy bind:0");
	assert_int_equal(pol->status, NH_CHECK_FAIL);
	assert_non_null(strstr(pol->detail, "tid 4240 (qemu-system-x86): policy bind:1, Mems_allowed 0-1"));
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

static void cpuset_confines_instead_of_a_policy(void **state)
{
	nh_proc_snapshot_t s;
	fixture_process(&s);
	for (unsigned i = 0; i < s.thread_count; i++) {
		s.threads[i].policy = policy("default");
		nh_set_clear(&s.threads[i].mems_allowed);
		nh_set_add(&s.threads[i].mems_allowed, 1);
	}
	s.cpuset_available = true;
	snprintf(s.cgroup_path, sizeof s.cgroup_path, "/sys/fs/cgroup/machine.slice/vm");
	nh_set_add(&s.cgroup_mems, 1);
	for (unsigned cpu = 0; cpu < 4; cpu++)
		nh_set_add(&s.cgroup_cpus, cpu);
	nh_ichecks_t c;
	expect_checks(&s, "membind=1", 0.8, &c);
	const nh_icheck_t *pol = find_check(&c, "memory policy bind:1");
	assert_int_equal(pol->status, NH_CHECK_PASS);
	assert_non_null(strstr(pol->detail, "2 confined to the nodes by their cpuset"));
	assert_status(&c, "cgroup cpuset permits it", NH_CHECK_PASS);
	nh_ichecks_free(&c);
	/* The cgroup forbids node 0: membind=0 cannot be honoured whatever the process asks. */
	expect_checks(&s, "membind=0", 0.8, &c);
	const nh_icheck_t *cg = find_check(&c, "cgroup cpuset permits it");
	assert_int_equal(cg->status, NH_CHECK_FAIL);
	assert_non_null(strstr(cg->detail, "forbid node(s) 0"));
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

static void interleave_spread_and_cpus(void **state)
{
	nh_proc_snapshot_t s;
	fixture_process(&s);
	nh_ichecks_t c;
	expect_checks(&s, "interleave=0,1", 0.99, &c);
	assert_status(&c, "memory on node(s) 0-1", NH_CHECK_PASS);
	const nh_icheck_t *spread = find_check(&c, "memory spread over node(s) 0-1");
	assert_int_equal(spread->status, NH_CHECK_FAIL); /* node 0 holds far less than half */
	assert_true(spread->value < 0.5);
	assert_status(&c, "memory policy interleave:0-1", NH_CHECK_FAIL);
	nh_ichecks_free(&c);
	/* Threads allowed on CPU 1 only: inside node 0's CPUs, outside node 1's. */
	expect_checks(&s, "cpunodebind=0", 0.99, &c);
	assert_status(&c, "threads on CPUs 0-1", NH_CHECK_PASS);
	assert_status(&c, "memory on node(s) 0", NH_CHECK_FAIL); /* first touch would be local */
	nh_ichecks_free(&c);
	expect_checks(&s, "cpunodebind=1 membind=1", 0.8, &c);
	const nh_icheck_t *cpus = find_check(&c, "threads on CPUs 2-3");
	assert_int_equal(cpus->status, NH_CHECK_FAIL);
	assert_non_null(strstr(cpus->detail, "tid 4241 (CPU 0/KVM): allowed CPUs 1"));
	nh_ichecks_free(&c);
	expect_checks(&s, "localalloc", 0.99, &c);
	assert_status(&c, "memory placement", NH_CHECK_NOT_EVALUATED);
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

/* ---- libvirt domains ---- */

/* A qemu with two 512 MiB guest cells (memfd RAM): the one at 0x7f0000000000 on node 1, the one
 * at 0x7f4000000000 on node 0; vCPU 0 on CPU 2, vCPU 1 on CPU 3, the emulator on CPU 0. */
static void qemu_process(nh_proc_snapshot_t *s)
{
	static const char numa_maps[] =
		"55d0ca1c4000 default heap anon=1024 dirty=1024 N0=1024 kernelpagesize_kB=4\n"
		"7f0000000000 bind:1 file=/memfd:memory-backend-memfd\\040(deleted) dirty=131072 N1=131072 kernelpagesize_kB=4\n"
		"7f4000000000 bind:0 file=/memfd:memory-backend-memfd\\040(deleted) dirty=131072 N0=131072 kernelpagesize_kB=4\n"
		"7ffd5e7a1000 default stack anon=33 dirty=33 N0=33 kernelpagesize_kB=4\n";
	static const char maps[] =
		"55d0ca1c4000-55d0ca9c4000 rw-p 00000000 00:00 0 [heap]\n"
		"7f0000000000-7f0020000000 rw-s 00000000 00:01 2050 /memfd:memory-backend-memfd (deleted)\n"
		"7f4000000000-7f4020000000 rw-s 00000000 00:01 2051 /memfd:memory-backend-memfd (deleted)\n"
		"7ffd5e7a1000-7ffd5e7c2000 rw-p 00000000 00:00 0 [stack]\n";
	memset(s, 0, sizeof *s);
	nh_err_t err;
	nh_mempolicy_text_t def = policy("default");
	/* Only 4 KiB pages keep the fixture's arithmetic simple. */
	if (sysconf(_SC_PAGESIZE) != 4096)
		skip();
	if (nh_proc_parse_numa_maps(numa_maps, maps, &def, s, &err) < 0)
		fail_msg("%s", err.msg);
	s->pid = 4240;
	snprintf(s->comm, sizeof s->comm, "qemu-system-x86");
	static const char *const names[] = {"qemu-system-x86", "CPU 0/KVM", "CPU 1/KVM", "IO iothread1"};
	static const unsigned pins[] = {0, 2, 3, 1};
	s->threads = calloc(4, sizeof *s->threads);
	s->thread_count = 4;
	for (unsigned i = 0; i < 4; i++) {
		nh_thread_t *t = &s->threads[i];
		t->tid = 4240 + (pid_t)i;
		snprintf(t->comm, sizeof t->comm, "%s", names[i]);
		nh_set_add(&t->cpus_allowed, pins[i]);
		nh_set_add(&t->mems_allowed, 0);
		nh_set_add(&t->mems_allowed, 1);
		t->policy = def;
		t->policy_known = true;
		t->last_cpu = (int)pins[i];
	}
	s->threads[1].sched_policy = SCHED_FIFO;
	s->threads[1].rt_priority = 10;
}

static int libvirt_checks_at(const char *path, const nh_proc_snapshot_t *s, const char *numatune,
			     const char *cputune, nh_ichecks_t *out, nh_err_t *err)
{
	char xml[4096];
	snprintf(xml, sizeof xml,
		 "<domain type='kvm'>\n<name>vm</name>\n<vcpu placement='static'>2</vcpu>\n"
		 "<cputune>%s</cputune>\n<numatune>%s</numatune>\n"
		 "<cpu><numa>\n<cell id='0' cpus='0' memory='512' unit='MiB'/>\n"
		 "<cell id='1' cpus='1' memory='524288'/>\n</numa></cpu>\n</domain>\n",
		 cputune, numatune);
	nh_lv_domain_t *d = calloc(1, sizeof *d);
	if (nh_lv_domain_parse(xml, strlen(xml), path, d, err) < 0)
		fail_msg("%s", err->msg);
	nh_topo_t *topo = two_nodes();
	memset(out, 0, sizeof *out);
	int rc = nh_inspect_libvirt(s, d, topo, 0.99, out, err);
	nh_topo_free(topo);
	free(d);
	return rc;
}

static int libvirt_checks(const nh_proc_snapshot_t *s, const char *numatune, const char *cputune,
			  nh_ichecks_t *out, nh_err_t *err)
{
	return libvirt_checks_at("vm.xml", s, numatune, cputune, out, err);
}

static void memnodes_told_apart_by_placement(void **state)
{
	nh_proc_snapshot_t s;
	qemu_process(&s);
	nh_ichecks_t c;
	nh_err_t err;
	/* Same-size cells: cell 0 is the mapping on node 0, whatever the address order. */
	assert_int_equal(libvirt_checks(&s, "<memnode cellid='0' mode='strict' nodeset='0'/>"
					    "<memnode cellid='1' mode='strict' nodeset='1'/>", "", &c, &err), 0);
	const nh_icheck_t *cell0 = find_check(&c, "guest cell 0 memory on node(s) 0, strict");
	assert_int_equal(cell0->status, NH_CHECK_PASS);
	assert_non_null(strstr(cell0->detail, "2 mappings of 512 MiB, matched by placement"));
	assert_status(&c, "guest cell 1 memory on node(s) 1, strict", NH_CHECK_PASS);
	assert_status(&c, "guest cell 0 memory kept strict", NH_CHECK_PASS); /* by the mbind */
	assert_int_equal(c.failed, 0);
	nh_ichecks_free(&c);
	/* Both cells on node 1: no assignment fits, one cell fails. */
	assert_int_equal(libvirt_checks(&s, "<memnode cellid='0' mode='strict' nodeset='1'/>"
					    "<memnode cellid='1' mode='strict' nodeset='1'/>", "", &c, &err), 0);
	assert_true(c.failed >= 1);
	const nh_icheck_t *any0 = find_check(&c, "guest cell 0 memory on node(s) 1");
	const nh_icheck_t *any1 = find_check(&c, "guest cell 1 memory on node(s) 1");
	assert_true(any0->status == NH_CHECK_FAIL || any1->status == NH_CHECK_FAIL);
	assert_non_null(strstr(any0->detail, "in address order (no placement fits all)"));
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

static void domain_memory_modes(void **state)
{
	nh_proc_snapshot_t s;
	qemu_process(&s);
	nh_ichecks_t c;
	nh_err_t err;
	/* Half the RAM is on each node: strict on node 1 fails, and nothing enforces it. */
	assert_int_equal(libvirt_checks(&s, "<memory mode='strict' nodeset='1'/>", "", &c, &err), 0);
	assert_status(&c, "guest memory on node(s) 1, strict", NH_CHECK_FAIL);
	assert_status(&c, "guest memory kept strict on node(s) 1", NH_CHECK_FAIL);
	nh_ichecks_free(&c);
	/* interleave over both: on the nodes, and spread. */
	assert_int_equal(libvirt_checks(&s, "<memory mode='interleave' nodeset='0-1'/>", "", &c, &err), 0);
	assert_status(&c, "guest memory on node(s) 0-1, interleave", NH_CHECK_PASS);
	assert_status(&c, "guest memory spread over node(s) 0-1", NH_CHECK_PASS);
	nh_ichecks_free(&c);
	/* restrictive is the cpuset alone: Mems_allowed 0-1 is not within node 1. */
	for (unsigned i = 0; i < s.thread_count; i++)
		nh_set_del(&s.threads[i].mems_allowed, 0);
	assert_int_equal(libvirt_checks(&s, "<memory mode='restrictive' nodeset='0-1'/>", "", &c, &err), 0);
	assert_status(&c, "guest memory kept restrictive on node(s) 0-1", NH_CHECK_PASS);
	nh_ichecks_free(&c);
	assert_int_equal(libvirt_checks(&s, "<memory mode='restrictive' nodeset='0'/>", "", &c, &err), 0);
	assert_status(&c, "guest memory kept restrictive on node(s) 0", NH_CHECK_FAIL);
	nh_ichecks_free(&c);
	assert_int_equal(libvirt_checks(&s, "<memory mode='strict' placement='auto'/>", "", &c, &err), 0);
	assert_status(&c, "guest memory, placement auto", NH_CHECK_NOT_EVALUATED);
	assert_int_equal(c.failed, 0);
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

static void vcpu_pins_and_scheduling(void **state)
{
	nh_proc_snapshot_t s;
	qemu_process(&s);
	nh_ichecks_t c;
	nh_err_t err;
	assert_int_equal(libvirt_checks(&s, "",
					"<vcpupin vcpu='0' cpuset='2'/><vcpupin vcpu='1' cpuset='2'/>"
					"<emulatorpin cpuset='0-1'/><iothreadpin iothread='1' cpuset='1'/>"
					"<vcpusched vcpus='0' scheduler='fifo' priority='10'/>",
					&c, &err), 0);
	assert_status(&c, "vCPU 0 pinned to 2", NH_CHECK_PASS);
	const nh_icheck_t *v1 = find_check(&c, "vCPU 1 pinned to 2");
	assert_int_equal(v1->status, NH_CHECK_FAIL);
	assert_non_null(strstr(v1->detail, "tid 4242 (CPU 1/KVM): allowed CPUs 3"));
	/* The emulator is allowed on CPU 0 only, the pin says exactly 0-1. */
	assert_status(&c, "emulator threads pinned to 0-1", NH_CHECK_FAIL);
	assert_status(&c, "iothread 1 pinned to 1", NH_CHECK_PASS);
	assert_status(&c, "vCPU 0 scheduled fifo 10", NH_CHECK_PASS);
	assert_string_equal(find_check(&c, "vCPU 0 pinned to 2")->name, "vCPU 0 pinned to 2 (vm.xml:4)");
	nh_ichecks_free(&c);
	/* A path too long for the name gives way, keeping its tail and the line. */
	char path[240];
	memset(path, 'd', sizeof path);
	path[0] = '/';
	snprintf(path + sizeof path - 8, 8, "/vm.xml");
	assert_int_equal(libvirt_checks_at(path, &s, "", "<vcpupin vcpu='0' cpuset='2'/>", &c, &err), 0);
	const char *name = find_check(&c, "vCPU 0 pinned to 2 (...ddd")->name;
	assert_int_equal(strlen(name), sizeof c.items[0].name - 1);
	assert_string_equal(name + strlen(name) - 10, "/vm.xml:4)");
	nh_ichecks_free(&c);
	/* No vCPU threads at all: not this domain's qemu. */
	for (unsigned i = 0; i < s.thread_count; i++)
		snprintf(s.threads[i].comm, sizeof s.threads[i].comm, "postgres");
	assert_int_equal(libvirt_checks(&s, "", "<vcpupin vcpu='0' cpuset='2'/>", &c, &err), 0);
	const nh_icheck_t *gone = find_check(&c, "vCPU 0 pinned to 2");
	assert_int_equal(gone->status, NH_CHECK_FAIL);
	assert_non_null(strstr(gone->detail, "is this the domain's qemu process?"));
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

static void domain_naming_missing_nodes_is_an_error(void **state)
{
	nh_proc_snapshot_t s;
	qemu_process(&s);
	nh_ichecks_t c;
	nh_err_t err;
	assert_int_equal(libvirt_checks(&s, "<memory mode='strict' nodeset='1,3'/>", "", &c, &err), -1);
	assert_string_equal(err.msg, "vm.xml:5: numatune memory nodeset '1,3': node 3 does not exist "
				     "on this host (nodes: 0-1)");
	nh_ichecks_free(&c);
	assert_int_equal(libvirt_checks(&s, "", "<vcpupin vcpu='1' cpuset='6'/>", &c, &err), -1);
	assert_string_equal(err.msg, "vm.xml:4: vcpupin cpuset '6': CPU 6 does not exist on this host "
				     "(CPUs: 0-3)");
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

/* Under libvirt every thread sits in a cgroup of its role; a thread in a vCPU's cgroup without
 * qemu's name for it (KVM's kvm-nx-lpage-recovery, started from the vCPU) is its helper, not
 * part of the emulator. */
static void roles_from_libvirt_cgroups(void **state)
{
	nh_proc_snapshot_t s;
	qemu_process(&s);
	s.threads = realloc(s.threads, 5 * sizeof *s.threads);
	s.thread_count = 5;
	nh_thread_t *helper = &s.threads[4];
	*helper = s.threads[1];
	helper->tid = 4250;
	snprintf(helper->comm, sizeof helper->comm, "kvm-nx-lpage-re");
	static const char *const leaves[] = {"emulator", "vcpu0", "vcpu1", "iothread1", "vcpu0"};
	for (unsigned i = 0; i < 5; i++)
		snprintf(s.threads[i].cgroup, sizeof s.threads[i].cgroup,
			 "/sys/fs/cgroup/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt/%s", leaves[i]);
	nh_ichecks_t c;
	nh_err_t err;
	assert_int_equal(libvirt_checks(&s, "", "<vcpupin vcpu='0' cpuset='2'/><emulatorpin cpuset='0'/>",
					&c, &err), 0);
	assert_status(&c, "vCPU 0 pinned to 2", NH_CHECK_PASS);
	const nh_icheck_t *emu = find_check(&c, "emulator threads pinned to 0");
	assert_int_equal(emu->status, NH_CHECK_PASS);
	assert_non_null(strstr(emu->detail, "1 thread(s) pinned to exactly CPUs 0; 1 helper thread(s)"));
	nh_ichecks_free(&c);
	/* Without libvirt's cgroups, qemu's names decide: an unnamed thread on exactly an
	 * iothread's CPUs is a helper it started (qemu's "worker"); one elsewhere is the emulator's. */
	for (unsigned i = 0; i < 5; i++)
		s.threads[i].cgroup[0] = '\0';
	snprintf(helper->comm, sizeof helper->comm, "worker");
	nh_set_clear(&helper->cpus_allowed);
	nh_set_add(&helper->cpus_allowed, 1); /* the iothread's CPU */
	assert_int_equal(libvirt_checks(&s, "", "<emulatorpin cpuset='0'/>", &c, &err), 0);
	assert_status(&c, "emulator threads pinned to 0", NH_CHECK_PASS);
	nh_ichecks_free(&c);
	nh_set_add(&helper->cpus_allowed, 3);
	assert_int_equal(libvirt_checks(&s, "", "<emulatorpin cpuset='0'/>", &c, &err), 0);
	emu = find_check(&c, "emulator threads pinned to 0");
	assert_int_equal(emu->status, NH_CHECK_FAIL);
	assert_non_null(strstr(emu->detail, "tid 4250 (worker): allowed CPUs 1,3"));
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

/* libvirt and qemu ask for MPOL_PREFERRED_MANY wherever the kernel has it, even for one node. */
static void preferred_is_also_preferred_many(void **state)
{
	nh_proc_snapshot_t s;
	qemu_process(&s);
	for (unsigned i = 0; i < s.thread_count; i++)
		s.threads[i].policy = policy("prefer (many):0-1");
	nh_ichecks_t c;
	nh_err_t err;
	assert_int_equal(libvirt_checks(&s, "<memory mode='preferred' nodeset='0-1'/>", "", &c, &err), 0);
	assert_status(&c, "guest memory kept preferred on node(s) 0-1", NH_CHECK_PASS);
	nh_ichecks_free(&c);
	assert_int_equal(libvirt_checks(&s, "<memory mode='preferred' nodeset='1'/>", "", &c, &err), 0);
	assert_status(&c, "guest memory kept preferred on node(s) 1", NH_CHECK_FAIL);
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

/* Guest RAM in a regular file (memory_backing_dir on ext4) is page cache to the kernel but
 * guest memory to the check, and an mbind() on it enforces nothing. */
static void file_backed_guest_ram(void **state)
{
	static const char numa_maps[] =
		"55d0ca1c4000 default heap anon=256 dirty=256 N1=256 kernelpagesize_kB=4\n"
		"7f0000000000 bind:1 file=/var/lib/libvirt/qemu/ram/1-vm/pc.ram dirty=131072 N0=131072 kernelpagesize_kB=4\n"
		"7ffd5e7a1000 default stack anon=33 dirty=33 N1=33 kernelpagesize_kB=4\n";
	static const char maps[] =
		"55d0ca1c4000-55d0ca9c4000 rw-p 00000000 00:00 0 [heap]\n"
		"7f0000000000-7f0020000000 rw-s 00000000 fe:01 77 /var/lib/libvirt/qemu/ram/1-vm/pc.ram\n"
		"7ffd5e7a1000-7ffd5e7c2000 rw-p 00000000 00:00 0 [stack]\n";
	nh_proc_snapshot_t s;
	qemu_process(&s);
	free(s.mappings);
	s.mappings = NULL;
	s.mapping_count = 0;
	memset(s.bytes_by_kind_node, 0, sizeof s.bytes_by_kind_node);
	memset(s.bytes_by_kind, 0, sizeof s.bytes_by_kind);
	nh_mempolicy_text_t def = policy("default");
	nh_err_t err;
	assert_int_equal(nh_proc_parse_numa_maps(numa_maps, maps, &def, &s, &err), 0);
	assert_int_equal(s.mappings[1].kind, NH_MEM_FILE);
	nh_ichecks_t c;
	assert_int_equal(libvirt_checks(&s, "<memory mode='strict' nodeset='1'/>", "", &c, &err), 0);
	const nh_icheck_t *share = find_check(&c, "guest memory on node(s) 1, strict");
	assert_int_equal(share->status, NH_CHECK_FAIL); /* the 512 MiB file sits on node 0 */
	assert_true(share->value < 0.01);
	assert_status(&c, "guest memory kept strict on node(s) 1", NH_CHECK_FAIL);
	nh_ichecks_free(&c);
	nh_proc_snapshot_free(&s);
	(void)state;
}

/* Files on tmpfs are shared memory the process made, on hugetlbfs huge pages: by the process's
 * own mount table (its mount namespace, as numa_maps names the files). */
static void files_classified_by_filesystem(void **state)
{
	static const char numa_maps[] =
		"7f0000000000 default file=/run/qemu/guest.ram dirty=256 N1=256 kernelpagesize_kB=4\n"
		"7f1000000000 default file=/usr/lib/libc.so.6 mapped=100 N0=100 kernelpagesize_kB=4\n"
		"7f2000000000 default file=/runner/data.bin mapped=10 N0=10 kernelpagesize_kB=4\n";
	static const char mountinfo[] =
		"22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
		"25 22 0:23 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,size=1628996k,mode=755\n"
		"31 22 0:30 / /dev/hugepages rw,relatime shared:14 - hugetlbfs hugetlbfs rw,pagesize=2M\n";
	nh_proc_snapshot_t s = {0};
	nh_err_t err;
	assert_int_equal(nh_proc_parse_numa_maps(numa_maps, "", NULL, &s, &err), 0);
	nh_proc_classify_files(&s, mountinfo);
	assert_int_equal(s.mappings[0].kind, NH_MEM_SHMEM);
	assert_int_equal(s.mappings[1].kind, NH_MEM_FILE);
	assert_int_equal(s.mappings[2].kind, NH_MEM_FILE); /* /runner is not under /run */
	assert_int_equal(s.bytes_by_kind_node[NH_MEM_SHMEM][1], pages(256));
	assert_int_equal(s.bytes_by_kind[NH_MEM_FILE], pages(110));
	nh_proc_snapshot_free(&s);
	(void)state;
}

/* ---- drift and a live snapshot ---- */

static void drift_between_snapshots(void **state)
{
	nh_proc_snapshot_t a = {0}, b = {0};
	nh_thread_t ta = {.numa_pages_migrated = 10}, tb = {.numa_pages_migrated = 30};
	a.threads = &ta;
	b.threads = &tb;
	a.thread_count = b.thread_count = 1;
	a.t = 100;
	b.t = 102.5;
	a.bytes_by_kind_node[NH_MEM_ANON][0] = MiB(100);
	b.bytes_by_kind_node[NH_MEM_ANON][0] = MiB(60);
	b.bytes_by_kind_node[NH_MEM_ANON][1] = MiB(50);
	b.bytes_by_kind_node[NH_MEM_FILE][1] = MiB(500); /* page cache does not count as movement */
	nh_drift_t d;
	nh_inspect_drift(&a, &b, &d);
	assert_true(fabs(d.seconds - 2.5) < 1e-9);
	assert_int_equal(d.delta_by_kind_node[NH_MEM_ANON][0], -(int64_t)MiB(40));
	assert_int_equal(d.delta_by_kind_node[NH_MEM_ANON][1], (int64_t)MiB(50));
	assert_int_equal(d.moved_bytes, MiB(40));
	assert_int_equal(d.pages_migrated, 20);
	tb.numa_pages_migrated = UINT64_MAX;
	nh_inspect_drift(&a, &b, &d);
	assert_int_equal(d.pages_migrated, UINT64_MAX);
	(void)state;
}

static void this_process_live(void **state)
{
	nh_err_t err;
	nh_topo_t *topo = nh_topo_load_system(&err);
	assert_non_null(topo);
	/* 8 MiB touched here must show up as anon memory of this process. */
	size_t len = 8u << 20;
	volatile char *buf = malloc(len);
	for (size_t i = 0; i < len; i += 4096)
		buf[i] = 1; /* volatile: the stores must happen though nothing reads them */
	nh_proc_snapshot_t s;
	assert_int_equal(nh_proc_snapshot_take(getpid(), topo, &s, &err), 0);
	assert_true(s.thread_count >= 1);
	assert_int_equal(s.threads[0].tid, getpid());
	assert_true(s.threads[0].policy_known);
	assert_string_equal(s.threads[0].policy.text, "default");
	assert_true(s.bytes_by_kind[NH_MEM_ANON] >= len);
	assert_true(s.bytes_by_kind[NH_MEM_FILE] > 0); /* the binary and libc */
	json_t *j = nh_proc_snapshot_json(&s, topo);
	assert_int_equal(json_integer_value(json_object_get(j, "pid")), getpid());
	assert_true(json_array_size(json_object_get(j, "mappings")) >= 1); /* the 8 MiB buffer */
	json_decref(j);
	nh_proc_snapshot_free(&s);
	free((void *)buf);
	/* A process that does not exist. */
	assert_int_equal(nh_proc_snapshot_take(4194303, topo, &s, &err), -1);
	assert_int_equal(errno, ESRCH);
	assert_string_equal(err.msg, "no process 4194303");
	nh_topo_free(topo);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_spellings),
		cmocka_unit_test(numa_maps_kinds_and_policies),
		cmocka_unit_test(numa_maps_garbage_is_an_error),
		cmocka_unit_test(thread_policy_from_the_stack),
		cmocka_unit_test(stat_fields),
		cmocka_unit_test(status_lists),
		cmocka_unit_test(membind_share_and_policy),
		cmocka_unit_test(cpuset_confines_instead_of_a_policy),
		cmocka_unit_test(interleave_spread_and_cpus),
		cmocka_unit_test(memnodes_told_apart_by_placement),
		cmocka_unit_test(domain_memory_modes),
		cmocka_unit_test(vcpu_pins_and_scheduling),
		cmocka_unit_test(domain_naming_missing_nodes_is_an_error),
		cmocka_unit_test(roles_from_libvirt_cgroups),
		cmocka_unit_test(preferred_is_also_preferred_many),
		cmocka_unit_test(file_backed_guest_ram),
		cmocka_unit_test(files_classified_by_filesystem),
		cmocka_unit_test(drift_between_snapshots),
		cmocka_unit_test(this_process_live),
	};
	return cmocka_run_group_tests_name("inspect", tests, NULL, NULL);
}
