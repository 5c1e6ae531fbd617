/* Unit tests of the process and cgroup memory samplers on real-format fixtures (tests/data/memory,
 * provenance in its README) and on this host's own /proc and cgroup files. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc_snapshot.h"
#include "sample_memory.h"
#include "sample_numa_maps.h"

#define MEM_DATA NH_TEST_DATA "/memory"
#define KB(n) ((uint64_t)(n) * 1024)

static char *fixture(const char *rel)
{
	char path[512];
	nh_err_t err;
	snprintf(path, sizeof path, "%s/%s", MEM_DATA, rel);
	char *text = nh_read_file(path, NULL, &err);
	if (!text)
		fail_msg("%s", err.msg);
	return text;
}

/* Base pages of \p pages pages of \p kb KiB on this host. */
static uint64_t base_pages(uint64_t pages, uint64_t kb)
{
	return pages * kb * 1024 / (uint64_t)sysconf(_SC_PAGESIZE);
}

/* ---- /proc/PID/status ---- */

static void status_host(void **state)
{
	nh_proc_mem_t m = {0};
	nh_err_t err;
	char *text = fixture("proc/host-6.18-status");
	assert_int_equal(nh_proc_status_parse(text, &m, &err), 0);
	assert_true(m.status_valid);
	assert_int_equal(m.vm_size, KB(3060));
	assert_int_equal(m.vm_hwm, KB(1704));
	assert_int_equal(m.vm_rss, KB(1704));
	assert_int_equal(m.vm_data, KB(360));
	assert_int_equal(m.vm_swap, 0);
	assert_int_equal(m.threads, 1);
	assert_string_equal(m.reason, "");
	free(text);
	(void)state;
}

static void status_guest_threads(void **state)
{
	nh_proc_mem_t m = {0};
	char *text = fixture("proc/guest-6.1-status");
	assert_int_equal(nh_proc_status_parse(text, &m, NULL), 0);
	assert_int_equal(m.threads, 3);
	assert_int_equal(m.vm_rss, KB(6024));
	assert_int_equal(m.vm_data, KB(38128));
	free(text);
	(void)state;
}

static void status_without_vmhwm(void **state)
{
	nh_proc_mem_t m = {0};
	nh_err_t err;
	char *text = fixture("proc/edited-status-no-vmhwm");
	assert_int_equal(nh_proc_status_parse(text, &m, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_false(m.status_valid);
	assert_string_equal(err.msg, "status: VmHWM missing");
	assert_string_equal(m.reason, "status: VmHWM missing");
	free(text);
	(void)state;
}

static void status_kernel_thread(void **state)
{
	nh_proc_mem_t m = {0};
	nh_err_t err;
	char *text = fixture("proc/guest-6.1-kthreadd-status");
	assert_int_equal(nh_proc_status_parse(text, &m, &err), -1);
	assert_string_equal(err.msg, "status: VmSize, VmHWM, VmRSS, VmData, VmSwap missing");
	free(text);
	text = fixture("proc/host-6.18-kthreadd-status");
	memset(&m, 0, sizeof m);
	assert_int_equal(nh_proc_status_parse(text, &m, &err), -1);
	assert_false(m.status_valid);
	free(text);
	(void)state;
}

/* ---- /proc/PID/smaps_rollup ---- */

static void rollup_host(void **state)
{
	nh_proc_mem_t m = {0};
	char *text = fixture("proc/host-6.18-smaps_rollup");
	assert_int_equal(nh_proc_rollup_parse(text, &m, NULL), 0);
	assert_true(m.rollup_valid);
	assert_true(m.pss_split_valid);
	assert_int_equal(m.rss, KB(1784));
	assert_int_equal(m.pss, KB(544));
	assert_int_equal(m.pss_anon, KB(112));
	assert_int_equal(m.pss_file, KB(432));
	assert_int_equal(m.anonymous, KB(112));
	assert_int_equal(m.anon_huge_pages, 0);
	assert_int_equal(m.swap, 0);
	assert_string_equal(m.reason, "");
	free(text);
	(void)state;
}

/* THP (AnonHugePages) and a MAP_HUGETLB mapping (Private_Hugetlb, not in Rss) on Linux 6.1. */
static void rollup_huge_pages(void **state)
{
	nh_proc_mem_t m = {0};
	char *text = fixture("proc/guest-6.1-smaps_rollup");
	assert_int_equal(nh_proc_rollup_parse(text, &m, NULL), 0);
	assert_int_equal(m.anon_huge_pages, KB(4096));
	assert_int_equal(m.anonymous, KB(5252));
	assert_int_equal(m.pss_anon, KB(5252));
	assert_int_equal(m.rss, KB(6496));
	free(text);
	(void)state;
}

static void rollup_old_kernel(void **state)
{
	nh_proc_mem_t m = {0};
	nh_err_t err = {""};
	char *text = fixture("proc/edited-4.19-smaps_rollup");
	assert_int_equal(nh_proc_rollup_parse(text, &m, &err), 0);
	assert_true(m.rollup_valid);
	assert_false(m.pss_split_valid);
	assert_int_equal(m.pss, KB(544));
	assert_string_equal(m.reason, "smaps_rollup: Pss_Anon, Pss_File missing (kernel before 5.3)");
	free(text);
	(void)state;
}

static void rollup_missing_required(void **state)
{
	nh_proc_mem_t m = {0};
	nh_err_t err;
	assert_int_equal(nh_proc_rollup_parse("Rss:   12 kB\nPss_Anon: 4 kB\n", &m, &err), -1);
	assert_false(m.rollup_valid);
	assert_false(m.pss_split_valid);
	assert_string_equal(err.msg, "smaps_rollup: Pss, Anonymous, AnonHugePages, Swap missing");
	(void)state;
}

/* ---- /proc/PID/numa_maps ---- */

static void numa_maps_host(void **state)
{
	nh_proc_mem_t m = {0};
	char *text = fixture("proc/host-6.18-numa_maps");
	assert_int_equal(nh_proc_numa_maps_parse(text, &m, NULL), 0);
	assert_true(m.numa_valid);
	/* heap 4 + stack 4 + anonymous 1+2+5+1 + fully COW'd data of cat, libc, ld 1+1+4+2+2+2 */
	assert_int_equal(m.anon_pages_by_node[0], 28);
	assert_int_equal(m.file_pages_by_node[0], 407);
	assert_int_equal(m.anon_pages_by_node[1], 0);
	free(text);
	(void)state;
}

/* Two nodes, a 2 MiB MAP_HUGETLB mapping (kernelpagesize_kB=2048, 2 pages on node 0), a THP
 * region (counted in base pages already), a bind:1 mapping, shared anonymous memory
 * (file=/dev/zero) and a partly COW'd private file mapping (anon=2 of 4: file). */
static void numa_maps_huge_two_nodes(void **state)
{
	nh_proc_mem_t m = {0};
	char *text = fixture("proc/guest-6.1-numa_maps");
	assert_int_equal(nh_proc_numa_maps_parse(text, &m, NULL), 0);
	assert_int_equal(m.anon_pages_by_node[0], 1053 + base_pages(2, 2048));
	assert_int_equal(m.anon_pages_by_node[1], 258);
	assert_int_equal(m.file_pages_by_node[0], 18);
	assert_int_equal(m.file_pages_by_node[1], 294);
	free(text);
	(void)state;
}

static void numa_maps_four_nodes(void **state)
{
	nh_proc_mem_t m = {0};
	char *text = fixture("proc/guest-6.12-numa_maps");
	assert_int_equal(nh_proc_numa_maps_parse(text, &m, NULL), 0);
	assert_int_equal(m.anon_pages_by_node[0], 0);
	assert_int_equal(m.anon_pages_by_node[1], 257);
	assert_int_equal(m.anon_pages_by_node[2], 1053 + base_pages(1, 2048));
	assert_int_equal(m.anon_pages_by_node[3], 1 + base_pages(1, 2048));
	assert_int_equal(m.file_pages_by_node[2], 345);
	assert_int_equal(m.file_pages_by_node[3], 0);
	free(text);
	(void)state;
}

static void numa_maps_rule(void **state)
{
	nh_proc_mem_t m = {0};
	const char *text =
		/* file-backed, page cache only */
		"7f0000000000 default file=/data/input\\040set mapped=10 mapmax=2 N0=6 N1=4 "
		"kernelpagesize_kB=4\n"
		/* private file mapping written all over: anon */
		"7f0000100000 default file=/usr/lib/libx.so anon=3 dirty=3 N1=3 kernelpagesize_kB=4\n"
		/* partly written: file, anon pages included */
		"7f0000200000 default file=/usr/lib/libx.so anon=1 dirty=1 mapped=5 N0=5 "
		"kernelpagesize_kB=4\n"
		/* shared anonymous memory is shmem */
		"7f0000300000 default file=/dev/zero\\040(deleted) dirty=7 N1=7 kernelpagesize_kB=4\n"
		/* a mapping without pages and one without file= */
		"7f0000400000 default\n"
		"7f0000500000 interleave:0-1 anon=8 dirty=8 N0=4 N1=4 kernelpagesize_kB=4\n";
	assert_int_equal(nh_proc_numa_maps_parse(text, &m, NULL), 0);
	assert_int_equal(m.anon_pages_by_node[0], 4);
	assert_int_equal(m.anon_pages_by_node[1], 3 + 4);
	assert_int_equal(m.file_pages_by_node[0], 6 + 5);
	assert_int_equal(m.file_pages_by_node[1], 4 + 7);
	assert_int_equal(nh_proc_numa_maps_parse("", &m, NULL), 0);
	assert_true(m.numa_valid);
	assert_int_equal(m.file_pages_by_node[0], 0);
	(void)state;
}

static void numa_maps_bad(void **state)
{
	nh_proc_mem_t m = {0};
	nh_err_t err;
	assert_int_equal(nh_proc_numa_maps_parse("7f00 default anon=1 N64=1 kernelpagesize_kB=4\n",
						 &m, &err), -1);
	assert_false(m.numa_valid);
	assert_string_equal(err.msg, "numa_maps: node 64 beyond the 64 nodes supported");
	assert_int_equal(nh_proc_numa_maps_parse("garbage\n", &m, &err), -1);
	assert_string_equal(err.msg, "numa_maps: cannot parse 'garbage'");
	assert_int_equal(nh_proc_numa_maps_parse("7f00 default N0=x\n", &m, &err), -1);
	assert_string_equal(err.msg, "numa_maps: bad count 'N0=x'");
	(void)state;
}

/* One parser: a line read field by field, the policy with its space, the path as printed; the
 * memory layer and inspect then count the same pages per node, however each classifies them. */
static void numa_maps_one_parser(void **state)
{
	static const char line[] = "7f0000500000 prefer (many):0-1 file=/data/a\\040b anon=2 heap "
				   "N0=4 N3=1 kernelpagesize_kB=2048";
	nh_numa_maps_entry_t e;
	nh_err_t err;
	assert_int_equal(nh_numa_maps_line(line, strlen(line), &e, &err), 0);
	assert_true(e.start == 0x7f0000500000);
	assert_int_equal((int)e.policy_len, (int)strlen("prefer (many):0-1"));
	assert_memory_equal(e.file, "/data/a\\040b", e.file_len);
	assert_int_equal(e.pages_by_node[0], 4);
	assert_int_equal(e.pages_by_node[3], 1);
	assert_int_equal(e.pages, 5);
	assert_int_equal(e.anon, 2);
	assert_int_equal(e.page_kb, 2048);
	assert_true(e.heap && !e.stack && !e.huge);

	const char *fixtures[] = {"proc/host-6.18-numa_maps", "proc/guest-6.1-numa_maps",
				  "proc/guest-6.12-numa_maps"};
	const uint64_t base = (uint64_t)sysconf(_SC_PAGESIZE);
	for (size_t f = 0; f < sizeof fixtures / sizeof *fixtures; f++) {
		char *text = fixture(fixtures[f]);
		nh_proc_mem_t m = {0};
		nh_proc_snapshot_t s = {0};
		assert_int_equal(nh_proc_numa_maps_parse(text, &m, NULL), 0);
		assert_int_equal(nh_proc_parse_numa_maps(text, "", NULL, &s, &err), 0);
		for (unsigned n = 0; n < NH_MAX_NODES; n++) {
			uint64_t bytes = 0;
			for (unsigned k = 0; k < NH_MEM_KINDS; k++)
				bytes += s.bytes_by_kind_node[k][n];
			assert_int_equal((m.anon_pages_by_node[n] + m.file_pages_by_node[n]) * base, bytes);
		}
		nh_proc_snapshot_free(&s);
		free(text);
	}
	/* The same rules for inspect: a node is never dropped silently. */
	nh_proc_snapshot_t s = {0};
	assert_int_equal(nh_proc_parse_numa_maps("7f00 default N64=1\n", "", NULL, &s, &err), -1);
	assert_string_equal(err.msg, "numa_maps: node 64 beyond the 64 nodes supported");
	nh_proc_snapshot_free(&s);
	(void)state;
}

/* ---- reading a live process ---- */

static void proc_read_self(void **state)
{
	nh_proc_mem_t m;
	nh_proc_mem_read(0, true, &m);
	assert_true(m.status_valid);
	assert_true(m.rollup_valid);
	assert_true(m.vm_rss > 0);
	assert_true(m.vm_hwm >= m.vm_rss);
	assert_true(m.rss > 0);
	assert_true(m.threads >= 1);
	/* numa_maps needs CONFIG_NUMA: valid, or a reason that says so. */
	assert_true(m.numa_valid != (strstr(m.reason, "numa_maps") != NULL));
	int major, minor;
	if (nh_kernel_version(&major, &minor) == 0 && (major > 5 || (major == 5 && minor >= 3)))
		assert_true(m.pss_split_valid);
	if (m.numa_valid) {
		uint64_t anon = 0;
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			anon += m.anon_pages_by_node[n];
		assert_true(anon > 0); /* our stack and heap at least */
	}
	(void)state;
}

static void proc_read_gone(void **state)
{
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	nh_proc_mem_t m;
	nh_proc_mem_read(child, true, &m);
	assert_false(m.status_valid || m.rollup_valid || m.numa_valid);
	/* No kernel hints: every file is missing because the process is. */
	assert_string_equal(m.reason, "status: No such file or directory; smaps_rollup: No such file "
				      "or directory; numa_maps: No such file or directory");
	(void)state;
}

static void proc_read_without_numa_maps(void **state)
{
	nh_proc_mem_t m;
	nh_proc_mem_read(getpid(), false, &m);
	assert_true(m.status_valid);
	assert_true(m.numa_skipped);
	assert_false(m.numa_valid);
	json_t *j = nh_proc_mem_json(&m);
	assert_null(json_object_get(j, "numa_maps"));
	assert_true(json_integer_value(json_object_get(j, "vm_rss_bytes")) > 0);
	json_decref(j);
	(void)state;
}

/* ---- process JSON ---- */

static void proc_json_valid(void **state)
{
	nh_proc_mem_t m = {0};
	char *status = fixture("proc/guest-6.1-status"), *rollup = fixture("proc/guest-6.1-smaps_rollup"),
	     *numa = fixture("proc/guest-6.1-numa_maps");
	assert_int_equal(nh_proc_status_parse(status, &m, NULL), 0);
	assert_int_equal(nh_proc_rollup_parse(rollup, &m, NULL), 0);
	assert_int_equal(nh_proc_numa_maps_parse(numa, &m, NULL), 0);
	json_t *j = nh_proc_mem_json(&m);
	assert_int_equal(json_integer_value(json_object_get(j, "vm_rss_bytes")), KB(6024));
	assert_int_equal(json_integer_value(json_object_get(j, "threads")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "anon_huge_pages_bytes")), KB(4096));
	assert_int_equal(json_integer_value(json_object_get(j, "pss_file_bytes")), KB(1));
	assert_null(json_object_get(j, "unavailable"));
	json_t *nm = json_object_get(j, "numa_maps");
	assert_int_equal(json_integer_value(json_object_get(nm, "page_bytes")), sysconf(_SC_PAGESIZE));
	json_t *anon = json_object_get(nm, "anon_pages_by_node");
	assert_int_equal(json_object_size(anon), 2);
	assert_int_equal(json_integer_value(json_object_get(anon, "1")), 258);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(nm, "file_pages_by_node"),
							   "0")), 18);
	json_decref(j);
	free(status);
	free(rollup);
	free(numa);
	(void)state;
}

/* Unknown is null, never 0, and the reason travels with it. */
static void proc_json_unknown_is_null(void **state)
{
	nh_proc_mem_t m = {0};
	char *status = fixture("proc/edited-status-no-vmhwm");
	char *rollup = fixture("proc/edited-4.19-smaps_rollup");
	assert_int_equal(nh_proc_status_parse(status, &m, NULL), -1);
	assert_int_equal(nh_proc_rollup_parse(rollup, &m, NULL), 0);
	assert_int_equal(nh_proc_numa_maps_parse("not numa_maps\n", &m, NULL), -1);
	json_t *j = nh_proc_mem_json(&m);
	static const char *const nulls[] = {"vm_rss_bytes", "vm_hwm_bytes", "vm_data_bytes",
					    "vm_size_bytes", "vm_swap_bytes", "threads",
					    "pss_anon_bytes", "pss_file_bytes", "numa_maps"};
	for (size_t i = 0; i < NH_ARRAY_LEN(nulls); i++) {
		json_t *v = json_object_get(j, nulls[i]);
		assert_non_null(v);
		assert_true(json_is_null(v));
	}
	assert_int_equal(json_integer_value(json_object_get(j, "pss_bytes")), KB(544));
	assert_true(json_is_integer(json_object_get(j, "swap_bytes")));
	assert_string_equal(json_string_value(json_object_get(j, "unavailable")),
			    "status: VmHWM missing; smaps_rollup: Pss_Anon, Pss_File missing (kernel "
			    "before 5.3); numa_maps: cannot parse 'not numa_maps'");
	json_decref(j);
	free(status);
	free(rollup);
	(void)state;
}

/* ---- locating the cgroup ---- */

static int locate_fixture(const char *which, char *dir, size_t len, nh_err_t *err)
{
	char rel[128];
	snprintf(rel, sizeof rel, "cgroup/%s/proc-cgroup", which);
	char *cg = fixture(rel);
	snprintf(rel, sizeof rel, "cgroup/%s/mountinfo", which);
	char *mi = fixture(rel);
	int v = nh_cgroup_locate(cg, mi, dir, len, err);
	free(cg);
	free(mi);
	return v;
}

static void locate_hybrid_host(void **state)
{
	char dir[256];
	nh_err_t err;
	/* cgroup2 at /sys/fs/cgroup/unified without the memory controller, v1 memory beside it */
	assert_int_equal(locate_fixture("v1-host-6.18", dir, sizeof dir, &err), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/memory/process_api/d6adac14da56f0c3d6eb5ada4101a6cc");
	(void)state;
}

static void locate_pure_v2(void **state)
{
	char dir[256];
	nh_err_t err;
	assert_int_equal(locate_fixture("v2-guest-6.1", dir, sizeof dir, &err), 2);
	assert_string_equal(dir, "/sys/fs/cgroup/bench.slice/run1");
	/* a systemd host: optional "shared:N" fields before the separator */
	assert_int_equal(locate_fixture("v2-doc", dir, sizeof dir, &err), 2);
	assert_string_equal(dir, "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope");
	(void)state;
}

static void locate_neither(void **state)
{
	char dir[256];
	nh_err_t err;
	assert_int_equal(locate_fixture("none", dir, sizeof dir, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err.msg, "no cgroup2 mount and no v1 memory hierarchy");
	(void)state;
}

static void locate_containers(void **state)
{
	char dir[256];
	nh_err_t err;
	/* A container's mount shows its own subtree: root /docker/abc at /sys/fs/cgroup. */
	const char *sub = "30 25 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n";
	assert_int_equal(nh_cgroup_locate("0::/docker/abc\n", sub, dir, sizeof dir, &err), 2);
	assert_string_equal(dir, "/sys/fs/cgroup");
	assert_int_equal(nh_cgroup_locate("0::/docker/abc/job\n", sub, dir, sizeof dir, &err), 2);
	assert_string_equal(dir, "/sys/fs/cgroup/job");
	assert_int_equal(nh_cgroup_locate("0::/docker/abcd\n", sub, dir, sizeof dir, &err), -1);
	assert_string_equal(err.msg, "cgroup /docker/abcd is outside the hierarchy mounted at "
				     "/sys/fs/cgroup (root /docker/abc)");
	/* v1, the root cgroup, and a mount point with an escaped space */
	const char *v1 = "40 31 0:32 / /cg\\040v1/memory rw - cgroup cgroup rw,memory,hugetlb\n";
	assert_int_equal(nh_cgroup_locate("4:hugetlb,memory:/\n", v1, dir, sizeof dir, &err), 1);
	assert_string_equal(dir, "/cg v1/memory");
	/* mounted, but the process's cgroup file does not name it */
	assert_int_equal(nh_cgroup_locate("3:cpu:/\n", v1, dir, sizeof dir, &err), -1);
	assert_string_equal(err.msg,
			    "the process is in no mounted memory hierarchy (no memory line in its "
			    "cgroup file)");
	(void)state;
}

/* ---- cgroup file parsers ---- */

static void stat_v1(void **state)
{
	nh_cgroup_mem_t c = {0};
	char *text = fixture("cgroup/v1-host-6.18/memcg/memory.stat");
	assert_int_equal(nh_cgroup_parse_stat(text, &c, NULL), 0);
	assert_int_equal(c.stat_count, 42);
	assert_int_equal(nh_cgroup_stat(&c, "rss"), 1929216);
	assert_int_equal(nh_cgroup_stat(&c, "cache"), 10166272);
	assert_int_equal(nh_cgroup_stat(&c, "mapped_file"), 0);
	assert_int_equal(nh_cgroup_stat(&c, "total_pgfault"), 664357);
	assert_int_equal(nh_cgroup_stat(&c, "hierarchical_memory_limit"), 9223372036854771712ULL);
	assert_true(nh_cgroup_stat(&c, "anon") == UINT64_MAX);
	free(text);
	(void)state;
}

/* Every line is kept: 6.12 prints 65, the NUMA balancing counters last. */
static void stat_v2(void **state)
{
	nh_cgroup_mem_t c = {0};
	char *text = fixture("cgroup/v2-guest-6.12/run1/memory.stat");
	assert_int_equal(nh_cgroup_parse_stat(text, &c, NULL), 0);
	assert_int_equal(c.stat_count, 65);
	assert_int_equal(nh_cgroup_stat(&c, "anon"), 5394432);
	assert_int_equal(nh_cgroup_stat(&c, "anon_thp"), 4194304);
	assert_int_equal(nh_cgroup_stat(&c, "numa_hint_faults"), 0);
	free(text);
	text = fixture("cgroup/v2-doc/memcg/memory.stat");
	assert_int_equal(nh_cgroup_parse_stat(text, &c, NULL), 0);
	assert_int_equal(c.stat_count, 64);
	assert_int_equal(nh_cgroup_stat(&c, "numa_pages_migrated"), 1536);
	assert_int_equal(nh_cgroup_stat(&c, "hugetlb"), 0);
	free(text);
	(void)state;
}

static void stat_bad(void **state)
{
	nh_cgroup_mem_t c = {0};
	nh_err_t err;
	assert_int_equal(nh_cgroup_parse_stat("anon 1\nfile x\n", &c, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "memory.stat: cannot parse 'file x'");
	assert_int_equal(c.stat_count, 0);
	assert_int_equal(nh_cgroup_parse_stat("", &c, &err), -1);
	assert_string_equal(err.msg, "memory.stat: empty");
	/* a name longer than the record holds is left out, not truncated */
	assert_int_equal(nh_cgroup_parse_stat("a_field_name_longer_than_31_characters 5\nanon 7\n", &c,
					      &err), 0);
	assert_int_equal(c.stat_count, 1);
	assert_int_equal(nh_cgroup_stat(&c, "anon"), 7);
	(void)state;
}

static void events_v2(void **state)
{
	nh_cgroup_mem_t c = {.version = 2};
	char *text = fixture("cgroup/v2-doc/memcg/memory.events");
	assert_int_equal(nh_cgroup_parse_events(text, &c, NULL), 0);
	assert_int_equal(c.event_count, 6);
	assert_string_equal(c.events[4].name, "oom_kill");
	assert_int_equal(c.events[4].value, 1);
	assert_string_equal(c.events[1].name, "high");
	assert_int_equal(c.events[1].value, 12);
	free(text);
	text = fixture("cgroup/v2-guest-6.1/run1/memory.events");
	assert_int_equal(nh_cgroup_parse_events(text, &c, NULL), 0);
	assert_int_equal(c.event_count, 6);
	free(text);
	(void)state;
}

static void events_v1_oom_control(void **state)
{
	nh_cgroup_mem_t c = {.version = 1};
	nh_err_t err;
	char *text = fixture("cgroup/v1-host-6.18/memcg/memory.oom_control");
	assert_int_equal(nh_cgroup_parse_events(text, &c, NULL), 0);
	assert_int_equal(c.event_count, 1); /* oom_kill_disable and under_oom are not counters */
	assert_string_equal(c.events[0].name, "oom_kill");
	assert_int_equal(nh_cgroup_parse_events("oom_kill_disable 0\nunder_oom\n", &c, &err), -1);
	assert_string_equal(err.msg, "memory.oom_control: cannot parse 'under_oom'");
	free(text);
	(void)state;
}

static void numa_stat_v2(void **state)
{
	nh_cgroup_mem_t c = {0};
	char *text = fixture("cgroup/v2-guest-6.1/run1/memory.numa_stat");
	assert_int_equal(nh_cgroup_parse_numa_stat(text, 2, &c, NULL), 0);
	assert_true(c.numa_valid);
	assert_int_equal(c.numa_nodes, 0x3);
	assert_int_equal(c.anon_by_node[0], 4321280);
	assert_int_equal(c.anon_by_node[1], 1069056);
	assert_int_equal(c.file_by_node[0], 8454144);
	assert_int_equal(c.file_by_node[1], 0);
	free(text);
	text = fixture("cgroup/v2-guest-6.12/run1/memory.numa_stat");
	assert_int_equal(nh_cgroup_parse_numa_stat(text, 2, &c, NULL), 0);
	assert_int_equal(c.numa_nodes, 0xf);
	assert_int_equal(c.anon_by_node[3], 20480);
	assert_int_equal(c.file_by_node[2], 8454144);
	free(text);
	(void)state;
}

static void numa_stat_v1(void **state)
{
	nh_cgroup_mem_t c = {0};
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	char *text = fixture("cgroup/v1-host-6.18/memcg/memory.numa_stat");
	assert_int_equal(nh_cgroup_parse_numa_stat(text, 1, &c, NULL), 0);
	assert_int_equal(c.numa_nodes, 0x1);
	assert_int_equal(c.anon_by_node[0], 439 * page);
	assert_int_equal(c.file_by_node[0], 2483 * page);
	free(text);
	/* The hierarchical lines win over the cgroup's own; without them, the own ones. */
	const char *two = "total=30 N0=10 N1=20\nfile=5 N0=5 N1=0\nanon=25 N0=5 N1=20\n"
			  "hierarchical_total=60 N0=20 N1=40\nhierarchical_file=10 N0=10 N1=0\n"
			  "hierarchical_anon=50 N0=10 N1=40\n";
	assert_int_equal(nh_cgroup_parse_numa_stat(two, 1, &c, NULL), 0);
	assert_int_equal(c.anon_by_node[1], 40 * page);
	assert_int_equal(nh_cgroup_parse_numa_stat("file=5 N0=5 N1=0\nanon=25 N0=5 N1=20\n", 1, &c,
						   NULL), 0);
	assert_int_equal(c.anon_by_node[1], 20 * page);
	(void)state;
}

static void numa_stat_bad(void **state)
{
	nh_cgroup_mem_t c = {0};
	nh_err_t err;
	assert_int_equal(nh_cgroup_parse_numa_stat("anon N0=4096 N1=0\n", 2, &c, &err), -1);
	assert_false(c.numa_valid);
	assert_string_equal(err.msg, "memory.numa_stat: no 'file' line");
	assert_int_equal(nh_cgroup_parse_numa_stat("anon N0=1\nfile N0=x\n", 2, &c, &err), -1);
	assert_string_equal(err.msg, "memory.numa_stat: bad token 'N0=x'");
	assert_int_equal(nh_cgroup_parse_numa_stat("anon N0=1\nfile N0=1\n", 3, &c, &err), -1);
	assert_string_equal(err.msg, "memory.numa_stat: cgroup version 3");
	(void)state;
}

/* ---- reading cgroup directories ---- */

static void read_dir_v2(void **state)
{
	nh_cgroup_mem_t c;
	nh_cgroup_read_dir(2, MEM_DATA "/cgroup/v2-guest-6.1/run1", &c);
	assert_true(c.available);
	assert_string_equal(c.reason, "");
	assert_int_equal(c.version, 2);
	assert_int_equal(c.current, 14254080);
	assert_int_equal(c.stat_count, 51);
	assert_int_equal(nh_cgroup_stat(&c, "file"), 8454144);
	assert_int_equal(c.event_count, 6);
	assert_true(c.numa_valid);
	assert_int_equal(c.anon_by_node[1], 1069056);
	(void)state;
}

/* Real: a v2 cgroup whose parent did not enable +memory has no memory.* files but pressure. */
static void read_dir_v2_no_controller(void **state)
{
	nh_cgroup_mem_t c;
	nh_cgroup_read_dir(2, MEM_DATA "/cgroup/v2-guest-6.1/nomem", &c);
	assert_false(c.available);
	assert_string_equal(c.reason, MEM_DATA "/cgroup/v2-guest-6.1/nomem: no memory.current "
					       "(memory controller not enabled in the parent's "
					       "cgroup.subtree_control, or the root cgroup)");
	assert_int_equal(c.stat_count, 0);
	json_t *j = nh_cgroup_mem_json(&c, NULL);
	assert_int_equal(json_object_size(j), 1);
	assert_string_equal(json_string_value(json_object_get(j, "unavailable")), c.reason);
	json_decref(j);
	(void)state;
}

static void read_dir_v1(void **state)
{
	nh_cgroup_mem_t c;
	nh_cgroup_read_dir(1, MEM_DATA "/cgroup/v1-host-6.18/memcg", &c);
	assert_true(c.available);
	assert_int_equal(c.version, 1);
	assert_int_equal(c.current, 14028800);
	assert_int_equal(nh_cgroup_stat(&c, "rss"), 1929216);
	assert_int_equal(c.event_count, 2);
	assert_string_equal(c.events[0].name, "oom_kill");
	assert_string_equal(c.events[1].name, "failcnt");
	assert_true(c.numa_valid);
	(void)state;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Without memory.numa_stat (no CONFIG_NUMA, v2 before 5.10) the rest is still available. */
static void read_dir_without_numa_stat(void **state)
{
	char dir[] = "/tmp/nh-test-memcg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_text(dir, "memory.current", "4096\n");
	write_text(dir, "memory.stat", "anon 4096\nfile 0\n");
	write_text(dir, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
	nh_cgroup_mem_t c;
	nh_cgroup_read_dir(2, dir, &c);
	assert_true(c.available);
	assert_false(c.numa_valid);
	char want[256];
	snprintf(want, sizeof want, "%s/memory.numa_stat: No such file or directory", dir);
	assert_string_equal(c.numa_reason, want);
	json_t *j = nh_cgroup_mem_json(&c, NULL);
	assert_true(json_is_null(json_object_get(j, "numa_stat")));
	assert_string_equal(json_string_value(json_object_get(j, "numa_stat_unavailable")), want);
	assert_true(json_is_null(json_object_get(j, "events_delta")));
	json_decref(j);
	/* a memory.stat that does not parse makes the whole cgroup unavailable */
	write_text(dir, "memory.stat", "anon\n");
	nh_cgroup_read_dir(2, dir, &c);
	assert_false(c.available);
	assert_string_equal(c.reason, "memory.stat: cannot parse 'anon'");
	for (const char *f = "memory.current\0memory.stat\0memory.events\0"; *f; f += strlen(f) + 1) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s", dir, f);
		unlink(path);
	}
	rmdir(dir);
	(void)state;
}

/* This process's own cgroup: available, or unavailable with a reason, never both or neither;
 * on a host with a mounted v1 memory hierarchy (this project's machines) it is v1. */
static void read_self(void **state)
{
	nh_cgroup_mem_t c;
	nh_cgroup_read(0, &c);
	assert_true(c.available != (c.reason[0] != '\0'));
	char *cg = nh_read_file("/proc/self/cgroup", NULL, NULL);
	struct stat st;
	bool v1_host = cg && strstr(cg, ":memory:") && stat("/sys/fs/cgroup/memory", &st) == 0;
	free(cg);
	if (v1_host) {
		assert_true(c.available);
		assert_int_equal(c.version, 1);
		assert_true(c.current > 0);
		assert_true(nh_cgroup_stat(&c, "rss") != UINT64_MAX);
	}
	if (c.available) {
		json_t *j = nh_cgroup_mem_json(&c, &c);
		assert_int_equal(json_integer_value(json_object_get(j, "version")), c.version);
		assert_string_equal(json_string_value(json_object_get(j, "path")), c.path);
		json_decref(j);
	}
	(void)state;
}

/* ---- events delta and JSON ---- */

static void events_delta(void **state)
{
	nh_cgroup_mem_t before, after, delta;
	nh_cgroup_read_dir(2, MEM_DATA "/cgroup/v2-doc/memcg", &after);
	assert_true(after.available);
	before = after;
	assert_int_equal(nh_cgroup_parse_events("low 0\nhigh 2\nmax 1\noom 0\noom_kill 0\n", &before,
						NULL), 0);
	nh_cgroup_events_delta(&before, &after, &delta);
	assert_true(delta.available);
	assert_int_equal(delta.event_count, 5); /* oom_group_kill unknown at the start: left out */
	assert_string_equal(delta.events[1].name, "high");
	assert_int_equal(delta.events[1].value, 10);
	assert_int_equal(delta.events[3].value, 1);
	assert_int_equal(delta.current, after.current);
	/* in place */
	nh_cgroup_mem_t again = after;
	nh_cgroup_events_delta(&before, &again, &again);
	assert_int_equal(again.event_count, 5);
	/* the process moved */
	snprintf(before.path, sizeof before.path, "/sys/fs/cgroup/elsewhere");
	nh_cgroup_events_delta(&before, &after, &delta);
	assert_false(delta.available);
	assert_string_equal(delta.reason, "the process moved from cgroup /sys/fs/cgroup/elsewhere to "
					  MEM_DATA "/cgroup/v2-doc/memcg");
	/* two paths too long for the reason share it, each cut visibly */
	nh_cgroup_mem_t far = after;
	snprintf(before.path, sizeof before.path, "/%0200d", 1);
	snprintf(far.path, sizeof far.path, "/%0200d", 2);
	nh_cgroup_events_delta(&before, &far, &delta);
	assert_false(delta.available);
	char want[sizeof delta.reason];
	snprintf(want, sizeof want, "the process moved from cgroup /%074d... to /%075d...", 0, 0);
	assert_string_equal(delta.reason, want);
	/* no cgroup at the start */
	nh_cgroup_read_dir(2, MEM_DATA "/cgroup/v2-guest-6.1/nomem", &before);
	nh_cgroup_events_delta(&before, &after, &delta);
	assert_false(delta.available);
	assert_string_equal(delta.reason, before.reason);
	(void)state;
}

static void cgroup_json(void **state)
{
	nh_cgroup_mem_t before, after, delta;
	nh_cgroup_read_dir(2, MEM_DATA "/cgroup/v2-doc/memcg", &after);
	before = after;
	assert_int_equal(nh_cgroup_parse_events("low 0\nhigh 2\nmax 1\noom 0\noom_kill 0\n"
						"oom_group_kill 0\n", &before, NULL), 0);
	nh_cgroup_events_delta(&before, &after, &delta);
	json_t *j = nh_cgroup_mem_json(&after, &delta);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	assert_string_equal(json_string_value(json_object_get(j, "path")),
			    MEM_DATA "/cgroup/v2-doc/memcg");
	assert_int_equal(json_integer_value(json_object_get(j, "memory_current")), 1156841472);
	json_t *stat = json_object_get(j, "stat");
	assert_int_equal(json_object_size(stat), 64);
	assert_int_equal(json_integer_value(json_object_get(stat, "anon")), 1073741824);
	json_t *ev = json_object_get(j, "events_delta");
	assert_int_equal(json_integer_value(json_object_get(ev, "high")), 10);
	assert_int_equal(json_integer_value(json_object_get(ev, "oom_group_kill")), 0);
	json_t *ns = json_object_get(j, "numa_stat");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ns, "anon"), "0")),
			 805306368);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ns, "file"), "1")),
			 16777216);
	assert_null(json_object_get(j, "numa_stat_unavailable"));
	json_decref(j);
	/* a delta that could not be taken */
	delta.available = false;
	snprintf(delta.reason, sizeof delta.reason, "no start sample");
	j = nh_cgroup_mem_json(&after, &delta);
	assert_true(json_is_null(json_object_get(j, "events_delta")));
	assert_string_equal(json_string_value(json_object_get(j, "events_delta_unavailable")),
			    "no start sample");
	json_decref(j);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_host),
		cmocka_unit_test(status_guest_threads),
		cmocka_unit_test(status_without_vmhwm),
		cmocka_unit_test(status_kernel_thread),
		cmocka_unit_test(rollup_host),
		cmocka_unit_test(rollup_huge_pages),
		cmocka_unit_test(rollup_old_kernel),
		cmocka_unit_test(rollup_missing_required),
		cmocka_unit_test(numa_maps_host),
		cmocka_unit_test(numa_maps_one_parser),
		cmocka_unit_test(numa_maps_huge_two_nodes),
		cmocka_unit_test(numa_maps_four_nodes),
		cmocka_unit_test(numa_maps_rule),
		cmocka_unit_test(numa_maps_bad),
		cmocka_unit_test(proc_read_self),
		cmocka_unit_test(proc_read_gone),
		cmocka_unit_test(proc_read_without_numa_maps),
		cmocka_unit_test(proc_json_valid),
		cmocka_unit_test(proc_json_unknown_is_null),
		cmocka_unit_test(locate_hybrid_host),
		cmocka_unit_test(locate_pure_v2),
		cmocka_unit_test(locate_neither),
		cmocka_unit_test(locate_containers),
		cmocka_unit_test(stat_v1),
		cmocka_unit_test(stat_v2),
		cmocka_unit_test(stat_bad),
		cmocka_unit_test(events_v2),
		cmocka_unit_test(events_v1_oom_control),
		cmocka_unit_test(numa_stat_v2),
		cmocka_unit_test(numa_stat_v1),
		cmocka_unit_test(numa_stat_bad),
		cmocka_unit_test(read_dir_v2),
		cmocka_unit_test(read_dir_v2_no_controller),
		cmocka_unit_test(read_dir_v1),
		cmocka_unit_test(read_dir_without_numa_stat),
		cmocka_unit_test(read_self),
		cmocka_unit_test(events_delta),
		cmocka_unit_test(cgroup_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
