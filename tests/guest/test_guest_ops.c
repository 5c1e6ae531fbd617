/* The operators' checks against a real 2-node kernel: boots the emulated guest with
 * tests/guest/cases-ops.sh — `numaharness inspect` on stand-in processes started under numactl
 * policies, the libvirt domain fixtures of tests/guest/numatune (passing and failing ones), a
 * watch that sees pages migrated behind the process's back — and checks what it printed.
 * Exits 77 (ctest: skipped) when no guest can be booted here. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guest_cases.h"

#define MiB (1ll << 20)

/* A case's exit status must be \p status and its output must hold each of the texts. */
static guest_case_t *expect_case(const char *name, int status, ...)
{
	guest_case_t *c = get_case(name);
	if (c->status != status)
		fail_msg("%s: exit %d, want %d; output:\n%s", name, c->status, status, c->text);
	va_list ap;
	va_start(ap, status);
	for (const char *want; (want = va_arg(ap, const char *));)
		if (!strstr(c->text, want))
			fail_msg("%s: no '%s' in:\n%s", name, want, c->text);
	va_end(ap);
	return c;
}

static json_t *check_named(json_t *doc, const char *prefix)
{
	json_t *checks = json_object_get(doc, "checks"), *k;
	size_t i;
	json_array_foreach(checks, i, k)
		if (strncmp(str(k, "name"), prefix, strlen(prefix)) == 0)
			return k;
	fail_msg("no check '%s...'", prefix);
	return NULL;
}

static void membind_1_passes_membind_0_fails(void **state)
{
	expect_case("inspect-membind-1", 0, "PASS  memory on node(s) 1: 100.0% of",
		    "PASS  memory policy bind:1: 5 of 5 thread(s) with policy bind:1", "verdict: PASS",
		    "CPU 0/KVM", NULL);
	expect_case("inspect-membind-0", 1, "FAIL  memory on node(s) 0: 0.0% of",
		    "FAIL  memory policy bind:0", "verdict: FAIL", NULL);
	/* The per-node figures: the 48 MiB of RAM on node 1, none on node 0. */
	guest_case_t *c = get_case("inspect-json");
	assert_int_equal(c->status, 0);
	assert_non_null(c->json);
	assert_string_equal(str(c->json, "verdict"), "pass");
	long long on1 = num(c->json, "memory.anon.by_node.1"), on0 = num(c->json, "memory.anon.by_node.0");
	assert_true(on1 >= 48 * MiB);
	assert_true(on0 < MiB);
	json_t *threads = json_object_get(c->json, "threads"), *t;
	size_t i;
	unsigned vcpus = 0;
	json_array_foreach(threads, i, t) {
		assert_string_equal(str(t, "mempolicy"), "bind:1");
		if (strncmp(str(t, "name"), "CPU ", 4) == 0) {
			vcpus++;
			assert_string_equal(str(t, "cpus_allowed"), "1");
		}
	}
	assert_int_equal(vcpus, 2);
	assert_string_equal(str(check_named(c->json, "memory on node(s) 1"), "status"), "pass");
	(void)state;
}

static void domains_on_a_bound_process(void **state)
{
	expect_case("lv-A-strict-node1", 0, "verdict: PASS", "PASS  guest memory on node(s) 1, strict",
		    "PASS  vCPU 0 pinned to 1", "PASS  emulator threads pinned to 0",
		    "1 helper thread(s) of vCPUs / iothreads (started by them, on their CPUs) not counted",
		    NULL);
	expect_case("lv-A-strict-node0", 1, "FAIL  guest memory on node(s) 0, strict",
		    "FAIL  guest memory kept strict on node(s) 0", NULL);
	expect_case("lv-A-vcpupin-wrong", 1, "FAIL  vCPU 0 pinned to 0", "PASS  vCPU 1 pinned to 1", NULL);
	expect_case("lv-A-emulatorpin-wrong", 1, "FAIL  emulator threads pinned to 0-1", NULL);
	expect_case("lv-A-placement-auto", 0, "N/A   guest memory, placement auto", NULL);
	/* Nothing confines the process to node 1 but its policy: restrictive wants the cpuset. */
	expect_case("lv-A-restrictive-node1", 1, "FAIL  guest memory kept restrictive on node(s) 1", NULL);
	expect_case("lv-A-missing-node", 2,
		    "numaharness: inspect: /tests/numatune/missing-node.xml:13: numatune memory nodeset "
		    "'1-2': node 2 does not exist on this host (nodes: 0-1)", NULL);
	expect_case("lv-A-malformed", 2, "numaharness: inspect: /tests/numatune/malformed.xml:", "malformed XML", NULL);
	(void)state;
}

static void domains_preferred_and_interleaved(void **state)
{
	expect_case("lv-B-preferred-node1", 0, "PASS  guest memory on node(s) 1, preferred",
		    "PASS  guest memory kept preferred on node(s) 1", NULL);
	expect_case("lv-B-preferred-many-node1", 0, "PASS  guest memory on node(s) 1, preferred",
		    "PASS  guest memory kept preferred on node(s) 1", "prefer (many):1", NULL);
	expect_case("lv-C-interleave-all", 0, "PASS  guest memory on node(s) 0-1, interleave",
		    "PASS  guest memory spread over node(s) 0-1", NULL);
	expect_case("lv-C-strict-node1", 1, "FAIL  guest memory on node(s) 1, strict", NULL);
	expect_case("inspect-interleave", 0, "PASS  memory spread over node(s) 0-1", NULL);
	(void)state;
}

static void domains_with_guest_cells(void **state)
{
	expect_case("lv-D-memnodes", 0, "PASS  guest cell 0 memory on node(s) 0, strict",
		    "PASS  guest cell 1 memory on node(s) 1, strict", "PASS  vCPU 0 scheduled fifo 10",
		    NULL);
	expect_case("lv-D-memnodes-swapped", 1, "FAIL  guest cell 0 memory on node(s) 1, strict",
		    "FAIL  guest cell 1 memory on node(s) 0, strict", NULL);
	expect_case("lv-D-vcpusched-wrong", 1, "FAIL  vCPU 0 scheduled rr 20", NULL);
	expect_case("lv-E-memnodes-same-size", 0, "matched by placement", "verdict: PASS", NULL);
	(void)state;
}

static void restrictive_by_cgroup_cpuset(void **state)
{
	expect_case("lv-F-restrictive-node1", 0, "PASS  guest memory kept restrictive on node(s) 1",
		    NULL);
	guest_case_t *c = expect_case("inspect-cpuset", 0, NULL);
	assert_non_null(c->json);
	assert_string_equal(str(c->json, "cpuset.mems_effective"), "1");
	assert_non_null(strstr(str(c->json, "cpuset.cgroup"), "/vm"));
	assert_string_equal(str(check_named(c->json, "memory policy bind:1"), "status"), "pass");
	(void)state;
}

static void watch_sees_migration(void **state)
{
	guest_case_t *c = expect_case("watch-migrate", 0, "watch-exit=1", NULL);
	assert_non_null(c->json);
	assert_true(json_array_size(json_object_get(c->json, "samples")) == 4);
	/* 48 MiB moved from node 1 to node 0 between the first and the last sample. */
	assert_true(num(c->json, "drift.moved_bytes_at_least") >= 40 * MiB);
	assert_true(num(c->json, "drift.delta_bytes.anon.0") >= 40 * MiB);
	json_t *share = check_named(c->json, "memory on node(s) 1");
	assert_string_equal(str(share, "status"), "fail");
	assert_string_equal(str(c->json, "verdict"), "fail");
	expect_case("inspect-gone", 2, "numaharness: inspect: no process", NULL);
	(void)state;
}

/* checks.json of a scenario case: the array after "exit=N". */
static json_t *case_checks(guest_case_t *c)
{
	const char *bracket = strchr(c->text, '[');
	json_error_t e;
	json_t *a = bracket ? json_loadb(bracket, strlen(bracket), JSON_DISABLE_EOF_CHECK, &e) : NULL;
	if (!json_is_array(a))
		fail_msg("%s: no checks.json in:\n%s", c->name, c->text);
	return a;
}

static const char *check_status(json_t *checks, const char *kind)
{
	json_t *k;
	size_t i;
	json_array_foreach(checks, i, k)
		if (strcmp(str(k, "kind"), kind) == 0)
			return str(k, "status");
	fail_msg("no %s check", kind);
	return "";
}

/* numatune-check inside the guest: its virtual nodes as declared pass, every policy's pages
 * land where they should; a wrong node count fails the gate with the real count as evidence. */
static void numatune_check_scenario(void **state)
{
	guest_case_t *c = get_case("numatune-check");
	json_t *checks = case_checks(c), *k;
	size_t i;
	json_array_foreach(checks, i, k)
		if (strcmp(str(k, "status"), "pass") != 0)
			print_message("%s: %s: %s\n", str(k, "name"), str(k, "status"), str(k, "detail"));
	if (!strstr(c->text, "exit=0"))
		fail_msg("numatune-check: %.300s", c->text);
	assert_string_equal(check_status(checks, "nodes"), "pass");
	assert_string_equal(check_status(checks, "cpus_per_node"), "pass");
	assert_string_equal(check_status(checks, "node_memory"), "pass");
	assert_string_equal(check_status(checks, "distance"), "pass");
	assert_string_equal(check_status(checks, "placement"), "pass");
	json_decref(checks);
	c = expect_case("numatune-check-wrong", 0, "exit=1", NULL);
	checks = case_checks(c);
	assert_string_equal(check_status(checks, "nodes"), "fail");
	json_decref(checks);
	(void)state;
}

static int boot(void **state)
{
	char args[1024];
	snprintf(args, sizeof args,
		 "--topology 2node --kernel linux-image-amd64 --extra '%s /usr/bin/numactl "
		 "/usr/bin/migratepages' --script %s/tests/guest/cases-ops.sh",
		 NH_STANDIN, NH_SOURCE_DIR);
	(void)state;
	return guest_boot(args);
}

int main(void)
{
	if (guest_unavailable("linux-image-amd64"))
		return 77;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(membind_1_passes_membind_0_fails),
		cmocka_unit_test(domains_on_a_bound_process),
		cmocka_unit_test(domains_preferred_and_interleaved),
		cmocka_unit_test(domains_with_guest_cells),
		cmocka_unit_test(restrictive_by_cgroup_cpuset),
		cmocka_unit_test(watch_sees_migration),
		cmocka_unit_test(numatune_check_scenario),
	};
	return cmocka_run_group_tests_name("guest-ops (Linux 6.1, 2 nodes)", tests, boot, NULL);
}
