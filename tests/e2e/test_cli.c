/* End-to-end tests of the real binary on this host: topo, bench and run write the records the
 * contract promises; crashing, hanging and failing workers become outcomes, not harness errors. */
#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"
#include "util.h"

/* Parse every line of a JSON-lines text. */
static unsigned parse_lines(const char *text, json_t **out, unsigned max)
{
	unsigned n = 0;
	char *copy = strdup(text), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line && n < max; line = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		out[n] = json_loads(line, 0, &e);
		if (!out[n])
			fail_msg("not JSON: %s (%s)", line, e.text);
		n++;
	}
	free(copy);
	return n;
}

static const char *str_at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	if (b)
		v = json_object_get(v, b);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* counters, memory, cgroup and series: each measured or unavailable with a reason. */
static void check_layers(json_t *rec)
{
	json_t *counters = json_object_get(rec, "counters");
	assert_true(json_is_object(counters));
	const char *key;
	json_t *c;
	json_object_foreach(counters, key, c) {
		/* Never a bare 0: a value with its scaling, or the reason it is missing. */
		if (json_object_get(c, "unavailable")) {
			assert_true(strlen(json_string_value(json_object_get(c, "unavailable"))) > 10);
			assert_null(json_object_get(c, "value"));
		} else {
			assert_true(json_is_number(json_object_get(c, "value")));
		}
	}
	/* Software events count everywhere: the faults of the first touch at least. */
	json_t *faults = json_object_get(counters, "software.page_faults");
	long long pages = (long long)json_integer_value(json_object_get(
		json_object_get(json_object_get(rec, "policy"), "observed"), "pages_total"));
	assert_true(json_number_value(json_object_get(faults, "value")) >= (double)pages);
	assert_true(json_is_integer(json_object_get(faults, "time_running_ns")));
	json_t *mem = json_object_get(rec, "memory");
	assert_true(json_integer_value(json_object_get(mem, "vm_rss_bytes")) >= pages * 4096);
	assert_true(json_is_object(json_object_get(json_object_get(mem, "numa_maps"), "anon_pages_by_node")));
	json_t *cg = json_object_get(rec, "cgroup");
	assert_true(json_is_integer(json_object_get(cg, "version")) ||
		    json_is_string(json_object_get(cg, "unavailable")));
	json_t *series = json_object_get(rec, "series");
	assert_true(json_integer_value(json_object_get(series, "samples")) >= 1);
	/* The 1% budget is about long runs (see tests/bench/samplers-overhead.sh); these last
	 * milliseconds, where the first and last rows alone weigh more. */
	double overhead = json_real_value(json_object_get(series, "overhead"));
	assert_true(overhead >= 0 && overhead < 1);
}

/* The record contract: requested/applied/observed policy, outcome, metrics with units. */
static void check_stream_record(json_t *rec, const char *requested, const char *applied_mode)
{
	assert_string_equal(str_at(rec, "workload", NULL), "stream");
	assert_string_equal(str_at(rec, "outcome", NULL), "ok");
	json_t *pol = json_object_get(rec, "policy");
	assert_string_equal(str_at(pol, "requested", NULL), requested);
	assert_string_equal(str_at(pol, "applied", "mem_mode"), applied_mode);
	json_t *obs = json_object_get(pol, "observed");
	json_t *pages = json_object_get(json_object_get(obs, "pages_by_node"), "0");
	assert_true(json_integer_value(pages) > 0);
	/* The kernel's own count (numa_maps of the worker) agrees with move_pages. numa_maps counts
	 * whole mappings, and the kernel may merge a neighbouring anonymous mapping into the
	 * arrays' one: allow a few pages more, never fewer. */
	json_int_t ours = json_integer_value(pages);
	json_int_t kernel = json_integer_value(json_object_get(json_object_get(obs, "numa_maps_pages_by_node"), "0"));
	if (kernel < ours || kernel - ours > 16 + ours / 100)
		fail_msg("numa_maps says %lld pages on node 0, move_pages %lld", (long long)kernel, (long long)ours);
	assert_true(json_is_string(json_object_get(obs, "threads_ran_on")));
	assert_true(json_real_value(json_object_get(obs, "fraction_on_expected")) >= 0.99);
	assert_string_equal(str_at(obs, "verdict", NULL), "ok");
	static const char *const kernels[] = {"copy", "scale", "add", "triad"};
	for (size_t i = 0; i < 4; i++) {
		json_t *m = json_object_get(json_object_get(rec, "metrics"), kernels[i]);
		assert_non_null(m);
		assert_true(json_number_value(json_object_get(m, "value")) > 0);
		assert_string_equal(str_at(m, "unit", NULL), "MB/s");
		assert_string_equal(str_at(m, "better", NULL), "higher");
	}
	assert_true(json_is_object(json_object_get(rec, "numastat")));
	assert_true(json_is_object(json_object_get(rec, "params")));
	check_layers(rec);
}

static void bench_membind_json(void **state)
{
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	char *argv[] = {NH_BIN, "bench", "stream", "--membind=0", "size=6M", "threads=2", "ntimes=3",
			"--reps", "2", "--out", out, "--json", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	json_t *recs[8];
	assert_int_equal(parse_lines(r.out, recs, 8), 2);
	for (int i = 0; i < 2; i++) {
		check_stream_record(recs[i], "membind=0", "bind");
		json_decref(recs[i]);
	}
	char *runs = nh_read_in(out, "runs.jsonl");
	assert_int_equal(nh_count_lines(runs), 2);
	assert_int_equal(parse_lines(runs, recs, 8), 2);
	check_stream_record(recs[0], "membind=0", "bind");
	json_decref(recs[0]);
	json_decref(recs[1]);
	char *manifest = nh_read_in(out, "manifest.json");
	json_t *m = json_loads(manifest, 0, NULL);
	assert_non_null(m);
	assert_string_equal(str_at(m, "status", NULL), "complete");
	assert_true(json_is_array(json_object_get(json_object_get(m, "host"), "nodes")));
	assert_true(json_is_string(json_object_get(json_object_get(m, "host"), "host") ?
					   json_object_get(json_object_get(json_object_get(m, "host"), "host"), "kernel") :
					   json_string("")));
	json_decref(m);
	/* The time series of each run, with a header and one row per sample. */
	char *series = nh_read_in(out, "series/run-0.csv");
	assert_true(strncmp(series, "t_s,rss_bytes,", 14) == 0);
	assert_true(nh_count_lines(series) >= 2);
	free(series);
	char *csv = nh_read_in(out, "metrics.csv");
	assert_true(strncmp(csv, "run_id,run,config,rep,warmup,workload,params,policy,outcome,metric,value,unit,better\n", 85) == 0);
	assert_non_null(strstr(csv, ",triad,"));
	free(runs);
	free(manifest);
	free(csv);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

static void run_scenario(void **state)
{
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	char *argv[] = {NH_BIN, "run", "tests/e2e/small.lua", "--out", out, "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	/* 2 sizes × 2 policies = 4 configurations × (1 warm-up + 2 reps) = 12 runs. */
	char *runs = nh_read_in(out, "runs.jsonl");
	json_t *recs[16];
	assert_int_equal(parse_lines(runs, recs, 16), 12);
	unsigned warmups = 0;
	for (int i = 0; i < 12; i++) {
		bool warm = json_is_true(json_object_get(recs[i], "warmup"));
		warmups += warm;
		const char *req = str_at(json_object_get(recs[i], "policy"), "requested", NULL);
		check_stream_record(recs[i], req, strcmp(req, "membind=0") == 0 ? "bind" : "local");
		assert_string_equal(str_at(recs[i], "source", NULL), "tests/e2e/small.lua:7");
		json_decref(recs[i]);
	}
	assert_int_equal(warmups, 4);
	char *manifest = nh_read_in(out, "manifest.json");
	json_t *m = json_loads(manifest, 0, NULL);
	assert_string_equal(str_at(m, "scenario", "name"), "e2e-small");
	assert_int_equal(strlen(str_at(m, "scenario", "sha256")), 64);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(m, "outcomes"), "ok")), 12);
	json_decref(m);
	assert_non_null(strstr(r.out, "results: "));
	free(runs);
	free(manifest);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* An --out longer than PATH_MAX is refused whole: a cut path would put results somewhere else. */
static void out_path_too_long(void **state)
{
	char *dir = nh_tmpdir();
	char out[PATH_MAX + 64], first[700];
	size_t len = (size_t)snprintf(out, sizeof out, "%s", dir);
	while (len + 10 < sizeof out - 1)
		len += (size_t)snprintf(out + len, sizeof out - len, "/d12345678");
	snprintf(first, sizeof first, "%s/d12345678", dir);
	char *argv[] = {NH_BIN, "bench", "stream", "size=1M", "ntimes=2", "--out", out, "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "output directory: path too long"));
	assert_int_equal(access(first, F_OK), -1);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* An NH_WORKER longer than PATH_MAX is refused, not cut to name (and exec) another file. */
static void worker_path_too_long(void **state)
{
	char *dir = nh_tmpdir();
	char out[600], env_worker[PATH_MAX + 64];
	snprintf(out, sizeof out, "%s/r", dir);
	size_t len = (size_t)snprintf(env_worker, sizeof env_worker, "NH_WORKER=");
	while (len + 10 < sizeof env_worker - 1)
		len += (size_t)snprintf(env_worker + len, sizeof env_worker - len, "/d12345678");
	char *env[] = {env_worker, NULL};
	char *argv[] = {NH_BIN, "bench", "stream", "size=1M", "--out", out, "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, env, &r), 0);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "worker path too long"));
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* Runs with a stand-in worker: each must become a record with the right outcome, and the sweep
 * must go on to the next run. */
static void outcome_with_worker(const char *worker, const char *timeout, const char *outcome,
				const char *reason_part)
{
	char *dir = nh_tmpdir();
	char out[600], env_worker[600];
	snprintf(out, sizeof out, "%s/r", dir);
	snprintf(env_worker, sizeof env_worker, "NH_WORKER=%s/tests/e2e/%s", NH_SOURCE_DIR, worker);
	char *env[] = {env_worker, NULL};
	char *argv[] = {NH_BIN, "bench", "stream", "size=1M", "--reps", "2", "--timeout", (char *)timeout,
			"--out", out, "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, env, &r), 0);
	assert_int_equal(r.status, 1); /* runs went wrong: status 1, not a harness error (2) */
	char *runs = nh_read_in(out, "runs.jsonl");
	json_t *recs[4];
	assert_int_equal(parse_lines(runs, recs, 4), 2);
	for (int i = 0; i < 2; i++) {
		assert_string_equal(str_at(recs[i], "outcome", NULL), outcome);
		if (!strstr(str_at(recs[i], "reason", NULL), reason_part))
			fail_msg("reason '%s' lacks '%s'", str_at(recs[i], "reason", NULL), reason_part);
		json_decref(recs[i]);
	}
	free(runs);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
}

static void crash_is_an_outcome(void **state)
{
	outcome_with_worker("fake-worker-crash.sh", "60", "crashed",
			    "killed by signal 11 (Segmentation fault): about to crash");
	(void)state;
}

static void hang_is_a_timeout(void **state)
{
	outcome_with_worker("fake-worker-hang.sh", "1s", "timeout", "killed after the 1 s timeout");
	(void)state;
}

static void failure_is_an_outcome(void **state)
{
	outcome_with_worker("fake-worker-fail.sh", "60", "failed", "nh-worker: disk on fire (exit status 1)");
	(void)state;
}

/* One bench run's record (parsed), with extra arguments. */
static json_t *bench_record(const char *a1, const char *a2)
{
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	char *argv[] = {NH_BIN, "bench", "stream", "size=96M", "ntimes=2", "--out", out, "--json", "--quiet",
			(char *)a1, (char *)a2, NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	json_t *rec = json_loads(r.out, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(rec);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	return rec;
}

/* thp=always / never change what the memory layer shows (unless the host disabled THP). */
static void thp_dimension(void **state)
{
	char mode[128] = "";
	(void)nh_read_line("/sys/kernel/mm/transparent_hugepage/enabled", mode, sizeof mode);
	json_t *always = bench_record("thp=always", "prefault=0");
	json_t *never = bench_record("thp=never", "mlock=1");
	json_int_t huge_always = json_integer_value(json_object_get(json_object_get(always, "memory"), "anon_huge_pages_bytes"));
	json_int_t huge_never = json_integer_value(json_object_get(json_object_get(never, "memory"), "anon_huge_pages_bytes"));
	assert_int_equal(huge_never, 0);
	if (strstr(mode, "[never]") == NULL)
		assert_true(huge_always >= 32 << 20); /* most of the 96 MiB */
	assert_string_equal(json_string_value(json_object_get(json_object_get(never, "params"), "mlock")), "1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(always, "params"), "thp")), "always");
	json_decref(always);
	json_decref(never);
	(void)state;
}

/* The allocator a run asks for is the one the worker finds serving malloc; a preload that does
 * not take (not a shared library) is a failed run that says so, never a glibc run in disguise. */
static void allocator_confirmed(void **state)
{
	json_t *rec = bench_record("allocator=jemalloc", "glibc.malloc.arena_max=2");
	json_t *a = json_object_get(rec, "allocator");
	assert_string_equal(json_string_value(json_object_get(a, "requested")), "jemalloc");
#ifdef __SANITIZE_ADDRESS__
	/* the sanitizer build cannot preload another allocator: skipped, saying why */
	assert_string_equal(json_string_value(json_object_get(rec, "outcome")), "skipped");
	assert_non_null(strstr(json_string_value(json_object_get(rec, "reason")),
			       "cannot be preloaded in a sanitizer build"));
	json_decref(rec);
	(void)state;
	return;
#endif
	if (access("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2", R_OK) == 0) {
		assert_string_equal(json_string_value(json_object_get(rec, "outcome")), "ok");
		assert_string_equal(json_string_value(json_object_get(json_object_get(a, "confirmed"), "name")), "jemalloc");
	} else {
		assert_string_equal(json_string_value(json_object_get(rec, "outcome")), "skipped");
	}
	assert_string_equal(json_string_value(json_object_get(a, "tunables")), "glibc.malloc.arena_max=2");
	json_decref(rec);

	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	char *argv[] = {NH_BIN, "bench", "stream", "size=1M", "ntimes=2", "allocator=/etc/hostname",
			"--out", out, "--json", "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 1);
	rec = json_loads(r.out, JSON_DISABLE_EOF_CHECK, NULL);
	assert_non_null(rec);
	assert_string_equal(json_string_value(json_object_get(rec, "outcome")), "failed");
	const char *reason = json_string_value(json_object_get(rec, "reason"));
	if (!strstr(reason, "allocator /etc/hostname requested, but malloc is served by") || !strstr(reason, "(glibc)"))
		fail_msg("reason: %s", reason);
	json_decref(rec);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* `run` with expectations: exit status, checks.xml and checks.json in the results directory. */
static nh_proc_result_t run_expect(const char *scenario, const char *out)
{
	char *argv[] = {NH_BIN, "run", (char *)scenario, "--out", (char *)out, "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	return r;
}

static void expectations_pass(void **state)
{
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	nh_proc_result_t r = run_expect("tests/e2e/expect-pass.lua", out);
	if (r.status != 0)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	char *xml = nh_read_in(out, "checks.xml");
	/* nodes, outcomes ×2, placement ×2, numa_miss ×2, triad, ratio, counter */
	if (!strstr(xml, "<testsuite name=\"numaharness.e2e-expect-pass\" tests=\"10\" failures=\"0\""))
		fail_msg("checks.xml:\n%s", xml);
	assert_null(strstr(xml, "<failure"));
	char *text = nh_read_in(out, "checks.json");
	json_t *checks = json_loads(text, 0, NULL);
	free(text);
	assert_int_equal(json_array_size(checks), 10);
	assert_string_equal(str_at(json_array_get(checks, 0), "source", NULL), "tests/e2e/expect-pass.lua:11");
	json_decref(checks);
	assert_non_null(strstr(r.out, "PASS   runs ok (stream membind=0)"));
	assert_non_null(strstr(r.out, "0 failed"));
	free(xml);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

static void expectations_fail(void **state)
{
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	nh_proc_result_t r = run_expect("tests/e2e/expect-fail.lua", out);
	if (r.status != 1)
		fail_msg("exit %d (want 1): %s%s", r.status, r.out, r.err);
	char *xml = nh_read_in(out, "checks.xml");
	/* implied outcomes and placement pass; the threshold fails */
	if (!strstr(xml, "<testsuite name=\"numaharness.e2e-expect-fail\" tests=\"3\" failures=\"1\""))
		fail_msg("checks.xml:\n%s", xml);
	assert_non_null(strstr(xml, "name=\"triad ≥ 1e+12 (stream membind=0)\" file=\"tests/e2e/expect-fail.lua\" "
				    "line=\"12\""));
	assert_non_null(strstr(xml, "<failure type=\"fail\" message=\"median "));
	if (!strstr(r.out, "FAIL   triad ≥ 1e+12 (stream membind=0)") || !strstr(r.out, "2 passed, 1 failed"))
		fail_msg("terminal table:\n%s", r.out);
	/* A failed check is not a harness error: nothing on stderr. */
	assert_int_equal(nh_count_lines(r.err), 0);
	free(xml);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* ---- the operator's validation scenario (scenarios/bios-check.lua) ---- */

/* This host's shape as topo --json reports it: what an operator would pass with --set.
 * cpus_per_node is 0 when the nodes with CPUs do not all have the same count. */
static void host_shape(unsigned *nodes, unsigned *cpus_per_node, long long *least_mem)
{
	char *argv[] = {NH_BIN, "topo", "--json", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	json_t *t = json_loads(r.out, 0, NULL);
	assert_non_null(t);
	json_t *arr = json_object_get(t, "nodes");
	*nodes = (unsigned)json_array_size(arr);
	*cpus_per_node = 0;
	*least_mem = -1;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *n = json_array_get(arr, i);
		unsigned k = (unsigned)json_array_size(json_object_get(n, "cpus"));
		long long mem = (long long)json_integer_value(json_object_get(n, "mem_total_bytes"));
		if (*least_mem < 0 || mem < *least_mem)
			*least_mem = mem;
		if (k && *cpus_per_node && k != *cpus_per_node)
			*cpus_per_node = UINT_MAX;
		else if (k && !*cpus_per_node)
			*cpus_per_node = k;
	}
	if (*cpus_per_node == UINT_MAX)
		*cpus_per_node = 0;
	json_decref(t);
	nh_proc_free(&r);
}

/* The one check of a kind in checks.json (host checks appear once). */
static json_t *check_of_kind(json_t *checks, const char *kind)
{
	for (size_t i = 0; i < json_array_size(checks); i++)
		if (strcmp(str_at(json_array_get(checks, i), "kind", NULL), kind) == 0)
			return json_array_get(checks, i);
	fail_msg("no %s check in checks.json", kind);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What the operator runs on a fresh host, with what they expect of it: the topology checks pass
 * when the --set values match this host, and the values are in the manifest. Quick mode is a
 * smoke test: about 1 s on this 2-CPU, 1-node host (7 runs). */
static void bios_check_matches_host(void **state)
{
	unsigned nodes, cpus;
	long long least_mem;
	host_shape(&nodes, &cpus, &least_mem);
	char *dir = nh_tmpdir();
	char out[600], set_nodes[64], set_cpus[64], set_mem[64];
	snprintf(out, sizeof out, "%s/r", dir);
	snprintf(set_nodes, sizeof set_nodes, "nodes=%u", nodes);
	snprintf(set_cpus, sizeof set_cpus, "cpus_per_node=%u", cpus);
	/* plenty of slack: MemTotal grows on hosts that initialise memory lazily */
	snprintf(set_mem, sizeof set_mem, "node_memory=%lld", least_mem / 2);
	/* Timing checks (latency ratio, balance between nodes) are the scenario's business on a
	 * real multi-node host, not this test's: there they are switched off. On one node the
	 * ratio must come out "not applicable", which is what this host shows. */
	char *argv[32] = {NH_BIN, "run", "scenarios/bios-check.lua", "--set", "quick=true",
			  "--set", set_nodes, "--set", set_mem, "--out", out, "--quiet"};
	int argc = 12;
	if (cpus) {
		argv[argc++] = "--set";
		argv[argc++] = set_cpus;
	}
	if (nodes > 1) {
		static char *timing[] = {"remote_local_ratio=0", "bandwidth_balance=0",
					 "latency_balance=0"};
		for (size_t i = 0; i < 3; i++) {
			argv[argc++] = "--set";
			argv[argc++] = timing[i];
		}
	}
	argv[argc] = NULL;
	nh_proc_result_t r;
	double t0 = now_s();
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	double took = now_s() - t0;
	if (r.status != 0)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	/* "well under a minute on 2 cores": the point of quick mode */
	if (took > 60)
		fail_msg("bios-check quick took %.1f s", took);
	print_message("bios-check --set quick=true: %.1f s\n", took);

	char *text = nh_read_in(out, "checks.json");
	json_t *checks = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(checks);
	json_t *c = check_of_kind(checks, "nodes");
	assert_string_equal(str_at(c, "status", NULL), "pass");
	assert_true(json_number_value(json_object_get(c, "value")) == nodes);
	c = check_of_kind(checks, "cpus_per_node");
	assert_string_equal(str_at(c, "status", NULL), cpus ? "pass" : "not-evaluated");
	c = check_of_kind(checks, "node_memory");
	assert_string_equal(str_at(c, "status", NULL), "pass");
	assert_non_null(strstr(str_at(c, "detail", NULL), "node 0: ")); /* every node's figure */
	assert_true(json_number_value(json_object_get(c, "value")) == (double)least_mem);
	c = check_of_kind(checks, "distance");
	assert_string_equal(str_at(c, "status", NULL), nodes > 1 ? "pass" : "not-evaluated");
	if (nodes == 1) {
		/* never a fake pass: no remote memory, so not applicable, saying why */
		c = check_of_kind(checks, "remote_local_latency_ratio");
		assert_string_equal(str_at(c, "status", NULL), "not-evaluated");
		assert_false(json_is_true(json_object_get(c, "fails_gate")));
		assert_true(json_is_null(json_object_get(c, "value")));
		assert_non_null(strstr(str_at(c, "detail", NULL), "not applicable: 1 NUMA node"));
	}
	/* placement and numa_miss were checked for every policy of the sweep */
	assert_true(json_array_size(checks) > 10);
	json_decref(checks);

	/* The manifest says what the run was asked to expect. */
	text = nh_read_in(out, "manifest.json");
	json_t *m = json_loads(text, 0, NULL);
	free(text);
	json_t *params = json_object_get(json_object_get(m, "scenario"), "parameters");
	json_t *p = json_object_get(params, "nodes");
	assert_int_equal(json_integer_value(json_object_get(p, "value")), nodes);
	assert_int_equal(json_integer_value(json_object_get(p, "default")), 0);
	assert_true(json_is_true(json_object_get(p, "set")));
	assert_true(json_is_true(json_object_get(json_object_get(params, "quick"), "value")));
	assert_string_equal(str_at(json_object_get(params, "node_memory"), "value", NULL),
			    set_mem + strlen("node_memory="));
	p = json_object_get(params, "numa_miss_max"); /* not given: its default, and says so */
	assert_true(json_real_value(json_object_get(p, "value")) == 0.15);
	assert_true(json_is_false(json_object_get(p, "set")));
	assert_true(strlen(str_at(p, "help", NULL)) > 10);
	json_decref(m);
	char *xml = nh_read_in(out, "checks.xml");
	assert_non_null(strstr(xml, "<testsuite name=\"numaharness.bios-check\""));
	free(xml);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* An operator scenario in quick mode with the timing checks (latency ratio, balance between
 * nodes) off — those are for real multi-node hosts — and \p set_nodes; results in \p out. */
static nh_proc_result_t run_operator_quick(const char *scenario, const char *set_nodes,
					   const char *out)
{
	char *argv[] = {NH_BIN, "run", (char *)scenario, "--set", "quick=true", "--set",
			(char *)set_nodes, "--set", "remote_local_ratio=0", "--set",
			"bandwidth_balance=0", "--set", "latency_balance=0", "--out", (char *)out,
			"--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	return r;
}

/* A host that is not what the operator said: exit 1, and the evidence names the real count. */
static void bios_check_wrong_node_count(void **state)
{
	unsigned nodes, cpus;
	long long least_mem;
	host_shape(&nodes, &cpus, &least_mem);
	unsigned wrong = nodes == 4 ? 5 : 4;
	char *dir = nh_tmpdir();
	char out[600], set_nodes[64], want[64];
	snprintf(out, sizeof out, "%s/r", dir);
	snprintf(set_nodes, sizeof set_nodes, "nodes=%u", wrong);
	nh_proc_result_t r = run_operator_quick("scenarios/bios-check.lua", set_nodes, out);
	if (r.status != 1)
		fail_msg("exit %d (want 1): %s%s", r.status, r.out, r.err);
	char *text = nh_read_in(out, "checks.json");
	json_t *checks = json_loads(text, 0, NULL);
	free(text);
	json_t *c = check_of_kind(checks, "nodes");
	assert_string_equal(str_at(c, "status", NULL), "fail");
	assert_true(json_is_true(json_object_get(c, "fails_gate")));
	snprintf(want, sizeof want, "%u node%s ≠ %u", nodes, nodes == 1 ? "" : "s", wrong);
	assert_string_equal(str_at(c, "detail", NULL), want);
	assert_true(json_number_value(json_object_get(c, "value")) == nodes);
	/* file:line of the expect { nodes = ... } in the scenario */
	const char *src = str_at(c, "source", NULL);
	assert_true(strncmp(src, "scenarios/bios-check.lua:", 25) == 0);
	char path[600];
	snprintf(path, sizeof path, "%s/scenarios/bios-check.lua", NH_SOURCE_DIR);
	char *lua = nh_read_file(path, NULL, NULL), *line = lua;
	assert_non_null(lua);
	for (int n = atoi(src + 25); n > 1 && line; n--)
		line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL;
	assert_non_null(line);
	if (strncmp(strstr(line, "expect {") ? strstr(line, "expect {") : "", "expect { nodes", 14))
		fail_msg("%s is not the nodes expectation: %.60s", src, line);
	free(lua);
	json_decref(checks);
	if (!strstr(r.out, "FAIL   nodes = ") || !strstr(r.out, want))
		fail_msg("terminal table:\n%s", r.out);
	assert_int_equal(nh_count_lines(r.err), 0); /* a failed check is not a harness error */
	/* A host check that fails stops the sweep before its first run (--keep-going runs it). */
	char *runs = nh_read_in(out, "runs.jsonl");
	assert_int_equal(nh_count_lines(runs), 0);
	free(runs);
	assert_non_null(strstr(r.out, "sweep not run: "));
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* ---- host checks first (tests/e2e/expect-host.lua) ---- */

/* expect-host.lua with --set nodes=\p nodes, and --keep-going when asked. */
static nh_proc_result_t run_expect_host(unsigned nodes, bool keep_going, const char *out,
					double *took)
{
	char set_nodes[64];
	snprintf(set_nodes, sizeof set_nodes, "nodes=%u", nodes);
	char *argv[] = {NH_BIN, "run", "tests/e2e/expect-host.lua", "--set", set_nodes, "--out",
			(char *)out, "--quiet", keep_going ? "--keep-going" : NULL, NULL};
	nh_proc_result_t r;
	double t0 = now_s();
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	*took = now_s() - t0;
	return r;
}

static json_t *load_json_in(const char *dir, const char *name)
{
	char *text = nh_read_in(dir, name);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	return j;
}

/* A host that is not what the scenario says fails in seconds: the host check before the first
 * run, no record, every run check not evaluated with the reason, one line saying how to run
 * the sweep anyway. */
static void host_checks_stop_the_sweep(void **state)
{
	unsigned nodes, cpus;
	long long least_mem;
	host_shape(&nodes, &cpus, &least_mem);
	unsigned wrong = nodes == 4 ? 5 : 4;
	char *dir = nh_tmpdir();
	char out[600], want[64];
	snprintf(out, sizeof out, "%s/r", dir);
	double took;
	nh_proc_result_t r = run_expect_host(wrong, false, out, &took);
	if (r.status != 1)
		fail_msg("exit %d (want 1): %s%s", r.status, r.out, r.err);
	if (took > 10)
		fail_msg("a failed host check took %.1f s to stop the run", took);
	char *runs = nh_read_in(out, "runs.jsonl");
	assert_int_equal(nh_count_lines(runs), 0);
	free(runs);
	json_t *checks = load_json_in(out, "checks.json");
	/* implied outcomes and placement, nodes, triad: every expectation has its check */
	assert_int_equal(json_array_size(checks), 4);
	json_t *c = check_of_kind(checks, "nodes");
	assert_string_equal(str_at(c, "status", NULL), "fail");
	assert_true(json_is_true(json_object_get(c, "fails_gate")));
	snprintf(want, sizeof want, "%u node%s ≠ %u", nodes, nodes == 1 ? "" : "s", wrong);
	assert_string_equal(str_at(c, "detail", NULL), want);
	static const char *const run_kinds[] = {"outcomes", "placement", "metric"};
	for (size_t i = 0; i < NH_ARRAY_LEN(run_kinds); i++) {
		c = check_of_kind(checks, run_kinds[i]);
		assert_string_equal(str_at(c, "status", NULL), "not-evaluated");
		assert_string_equal(str_at(c, "detail", NULL), "not run: the host checks failed first");
		assert_false(json_is_true(json_object_get(c, "fails_gate")));
	}
	assert_string_equal(str_at(check_of_kind(checks, "metric"), "name", NULL), "triad ≥ 1");
	json_decref(checks);
	char *xml = nh_read_in(out, "checks.xml");
	if (!strstr(xml, "tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"3\""))
		fail_msg("checks.xml:\n%s", xml);
	free(xml);
	json_t *m = load_json_in(out, "manifest.json");
	assert_string_equal(str_at(m, "status", NULL), "stopped: host checks failed");
	assert_int_equal(json_integer_value(json_object_get(m, "planned_runs")), 4);
	json_decref(m);
	char *md = nh_read_in(out, "report.md"); /* the report holds the host facts and the checks */
	assert_non_null(strstr(md, "1 node ≠"));
	free(md);
	if (!strstr(r.out, "FAIL   nodes = ") ||
	    !strstr(r.out, "\nsweep not run: the host is not what the scenario expects (see the "
			   "FAIL above), so none of its 4 runs ran; add --keep-going to run them "
			   "anyway\n"))
		fail_msg("stdout:\n%s", r.out);
	assert_int_equal(nh_count_lines(r.err), 0); /* a failed check is not a harness error */
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* --keep-going: the same host runs the sweep anyway, for evidence, and still fails the gate. */
static void host_checks_keep_going(void **state)
{
	unsigned nodes, cpus;
	long long least_mem;
	host_shape(&nodes, &cpus, &least_mem);
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	double took;
	nh_proc_result_t r = run_expect_host(nodes == 4 ? 5 : 4, true, out, &took);
	if (r.status != 1)
		fail_msg("exit %d (want 1): %s%s", r.status, r.out, r.err);
	char *runs = nh_read_in(out, "runs.jsonl");
	assert_int_equal(nh_count_lines(runs), 4);
	free(runs);
	json_t *checks = load_json_in(out, "checks.json");
	assert_string_equal(str_at(check_of_kind(checks, "nodes"), "status", NULL), "fail");
	assert_string_equal(str_at(check_of_kind(checks, "metric"), "status", NULL), "pass");
	json_decref(checks);
	json_t *m = load_json_in(out, "manifest.json");
	assert_string_equal(str_at(m, "status", NULL), "complete");
	json_decref(m);
	assert_null(strstr(r.out, "sweep not run"));
	if (!strstr(r.err, "running the sweep anyway (--keep-going)"))
		fail_msg("stderr:\n%s", r.err);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* Host checks that pass: the sweep as it always was. */
static void host_checks_pass_run_as_before(void **state)
{
	unsigned nodes, cpus;
	long long least_mem;
	host_shape(&nodes, &cpus, &least_mem);
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	double took;
	nh_proc_result_t r = run_expect_host(nodes, false, out, &took);
	if (r.status != 0)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	char *runs = nh_read_in(out, "runs.jsonl");
	assert_int_equal(nh_count_lines(runs), 4);
	free(runs);
	json_t *checks = load_json_in(out, "checks.json");
	assert_string_equal(str_at(check_of_kind(checks, "nodes"), "status", NULL), "pass");
	json_decref(checks);
	assert_null(strstr(r.out, "sweep not run"));
	assert_int_equal(nh_count_lines(r.err), 0);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* The guest-side scenario runs anywhere (a host is a guest with real nodes): quick mode with
 * this host's node count as "the domain XML's". The 2-node emulated guest runs it for real. */
static void numatune_check_quick(void **state)
{
	unsigned nodes, cpus;
	long long least_mem;
	host_shape(&nodes, &cpus, &least_mem);
	char *dir = nh_tmpdir();
	char out[600], set_nodes[64];
	snprintf(out, sizeof out, "%s/r", dir);
	snprintf(set_nodes, sizeof set_nodes, "nodes=%u", nodes);
	nh_proc_result_t r = run_operator_quick("scenarios/numatune-check.lua", set_nodes, out);
	if (r.status != 0)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	char *text = nh_read_in(out, "checks.json");
	json_t *checks = json_loads(text, 0, NULL);
	free(text);
	assert_string_equal(str_at(check_of_kind(checks, "nodes"), "status", NULL), "pass");
	/* not asked for: the guest's figure as evidence, not evaluated */
	json_t *mem = check_of_kind(checks, "node_memory");
	assert_string_equal(str_at(mem, "status", NULL), "not-evaluated");
	assert_non_null(strstr(str_at(mem, "detail", NULL), "evidence only"));
	json_decref(checks);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* topo --json agrees with the kernel's own sysfs view (what numactl --hardware prints). */
static void topo_json_matches_sysfs(void **state)
{
	char *argv[] = {NH_BIN, "topo", "--json", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	json_t *t = json_loads(r.out, 0, NULL);
	assert_non_null(t);
	json_t *nodes = json_object_get(t, "nodes");
	json_t *dist = json_object_get(t, "distances");
	assert_true(json_array_size(nodes) >= 1);
	assert_int_equal(json_array_size(dist), json_array_size(nodes));
	for (size_t i = 0; i < json_array_size(nodes); i++) {
		json_t *n = json_array_get(nodes, i);
		int id = (int)json_integer_value(json_object_get(n, "id"));
		char path[128], line[4096];
		snprintf(path, sizeof path, "/sys/devices/system/node/node%d/cpulist", id);
		assert_int_equal(nh_read_line(path, line, sizeof line), 0);
		nh_set_t want, got;
		nh_set_parse(&want, line, NULL);
		nh_set_clear(&got);
		json_t *cpus = json_object_get(n, "cpus");
		for (size_t k = 0; k < json_array_size(cpus); k++)
			nh_set_add(&got, (unsigned)json_integer_value(json_array_get(cpus, k)));
		assert_true(nh_set_equal(&want, &got));
		assert_true(json_integer_value(json_object_get(n, "mem_total_bytes")) > 0);
		assert_true(json_is_integer(json_object_get(n, "mem_free_bytes")));
		snprintf(path, sizeof path, "/sys/devices/system/node/node%d/distance", id);
		assert_int_equal(nh_read_line(path, line, sizeof line), 0);
		char *p = line;
		json_t *row = json_array_get(dist, i);
		for (size_t k = 0; k < json_array_size(row); k++)
			assert_int_equal(json_integer_value(json_array_get(row, k)), strtol(p, &p, 10));
	}
	json_decref(t);
	nh_proc_free(&r);
	(void)state;
}

/* A results directory whose last record was torn (a run killed mid-append, a full disk):
 * report and compare read every complete record, warn once naming the line, and exit 0. */
static void torn_results_still_read(void **state)
{
	char *dir = nh_tmpdir();
	char out[600], path[700];
	snprintf(out, sizeof out, "%s/r", dir);
	char *bench[] = {NH_BIN, "bench", "stream", "size=4M", "ntimes=2", "--reps", "3", "--out", out,
			 "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, bench, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	snprintf(path, sizeof path, "%s/runs.jsonl", out);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs("{\"run\":3,\"config\":0,\"rep\":3,\"warm", f);
	fclose(f);
	char want[sizeof path + 128];
	snprintf(want, sizeof want,
		 "numaharness: warning: %s:4: torn last record (33 bytes) ignored; the 3 complete records "
		 "before it are read\n", path);

	char *report[] = {NH_BIN, "report", out, "--no-charts", NULL};
	assert_int_equal(nh_proc_run(NULL, report, NULL, &r), 0);
	if (r.status != 0)
		fail_msg("report: exit %d: %s", r.status, r.err);
	assert_string_equal(r.err, want);
	nh_proc_free(&r);
	char *md = nh_read_in(out, "report.md");
	assert_non_null(strstr(md, "3 runs in 1 configuration: 3 ok"));
	assert_non_null(strstr(md, "torn last record (33 bytes) ignored"));
	free(md);

	char *compare[] = {NH_BIN, "compare", out, out, "--no-write", "--quiet", NULL};
	assert_int_equal(nh_proc_run(NULL, compare, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.err, "torn last record (33 bytes) ignored"));
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* A scenario's print goes to stderr: stdout is --json's, one record per line and nothing else. */
static void print_goes_to_stderr(void **state)
{
	char *dir = nh_tmpdir();
	char out[600], scenario[700];
	snprintf(out, sizeof out, "%s/r", dir);
	snprintf(scenario, sizeof scenario, "%s/print.lua", dir);
	FILE *f = fopen(scenario, "w");
	assert_non_null(f);
	fputs("print('hello from', 'the scenario', 42)\n"
	      "return scenario { run { workload = 'stream', params = { size = '2M', ntimes = 2 } } }\n", f);
	fclose(f);
	char *argv[] = {NH_BIN, "run", scenario, "--out", out, "--json", "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	json_t *recs[4];
	assert_int_equal(nh_count_lines(r.out), 3); /* the default 3 repetitions */
	assert_int_equal(parse_lines(r.out, recs, 4), 3);
	for (int i = 0; i < 3; i++)
		json_decref(recs[i]);
	assert_true(strncmp(r.err, "hello from\tthe scenario\t42\n", 27) == 0);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* nh.stats and nh.results at load time: tests/e2e/lua-api.lua prints a baseline fixture's median
 * and its interval before the sweep; a bad array is a file:line error, exit 2, nothing run. */
static void lua_api_at_load_time(void **state)
{
	char *dir = nh_tmpdir();
	char out[600], scenario[700];
	snprintf(out, sizeof out, "%s/r", dir);
	char *argv[] = {NH_BIN, "run", "tests/e2e/lua-api.lua", "--out", out, "--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	assert_true(strncmp(r.err, "baseline triad 12000.0 MB/s, 95% interval [", 43) == 0);
	nh_proc_free(&r);

	snprintf(scenario, sizeof scenario, "%s/bad.lua", dir);
	FILE *f = fopen(scenario, "w");
	assert_non_null(f);
	fputs("local spread = nh.stats.cv { 1, 2 }\n"
	      "local bad = nh.stats.median { 1, 'x' }\n"
	      "return scenario { run { workload = 'stream', params = { size = '2M' } } }\n", f);
	fclose(f);
	snprintf(out, sizeof out, "%s/bad", dir);
	char *bad_argv[] = {NH_BIN, "run", scenario, "--out", out, "--quiet", NULL};
	assert_int_equal(nh_proc_run(NULL, bad_argv, NULL, &r), 0);
	assert_int_equal(r.status, 2);
	char want[800];
	snprintf(want, sizeof want, "%s:2: nh.stats.median: element 2 is a string, expected a number",
		 scenario);
	if (!strstr(r.err, want))
		fail_msg("stderr lacks \"%s\": %s", want, r.err);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* Ctrl-C stops Lua code that would never end: exit 130, one line naming where it was. And an
 * endless loop is stopped by its time budget, well within a bound of the budget. */
static void lua_interrupted_and_budgeted(void **state)
{
	char *dir = nh_tmpdir();
	char errpath[700];
	snprintf(errpath, sizeof errpath, "%s/stderr", dir);
	char *endless[] = {NH_BIN, "run", "tests/e2e/endless-announced.lua", NULL};
	pid_t pid = nh_proc_start(NH_BIN, NH_SOURCE_DIR, errpath, endless);
	/* In the loop (its print came first), however long a sanitizer build takes to get there. */
	assert_true(nh_proc_wait_for(errpath, "looping\n", 60));
	assert_int_equal(nh_proc_interrupt(pid), 130);
	char *err = nh_read_file(errpath, NULL, NULL);
	assert_non_null(err);
	assert_string_equal(err, "looping\nnumaharness: tests/e2e/endless-announced.lua:5: interrupted\n");
	free(err);

	double t0 = now_s();
	char *argv[] = {NH_BIN, "run", "tests/badinput/lua_endless.lua", "--lua-time", "1", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	double took = now_s() - t0;
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "lua_endless.lua:3: stopped: still running after 1 s"));
	/* the budget is 1 s; a bound loose enough for a loaded 2-CPU machine */
	if (took > 15)
		fail_msg("a 1 s budget stopped the loop only after %.1f s", took);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* Ctrl-C during a sweep: the running worker is killed and left out, exit 130, the manifest says
 * "interrupted", and every run stored so far reads back. */
static void sweep_interrupted(void **state)
{
	char *dir = nh_tmpdir();
	char out[600], errpath[700];
	snprintf(out, sizeof out, "%s/r", dir);
	snprintf(errpath, sizeof errpath, "%s/stderr", dir);
	char *bench[] = {NH_BIN, "bench", "stream", "size=32M", "ntimes=4", "--reps", "200", "--out", out,
			 "--quiet", NULL};
	pid_t pid = nh_proc_start(NH_BIN, NULL, errpath, bench);
	/* until two runs are stored (or 60 s) */
	char runs[700];
	snprintf(runs, sizeof runs, "%s/runs.jsonl", out);
	for (int tries = 0; tries < 600; tries++) {
		char *text = nh_read_file(runs, NULL, NULL);
		unsigned n = text ? nh_count_lines(text) : 0;
		free(text);
		if (n >= 2)
			break;
		usleep(100 * 1000);
	}
	assert_int_equal(nh_proc_interrupt(pid), 130);
	char *err = nh_read_file(errpath, NULL, NULL);
	assert_non_null(strstr(err, "numaharness: interrupted after "));
	assert_non_null(strstr(err, " of 200 runs; results so far are in "));
	free(err);
	char *manifest = nh_read_in(out, "manifest.json");
	json_t *m = json_loads(manifest, 0, NULL);
	assert_non_null(m);
	assert_string_equal(str_at(m, "status", NULL), "interrupted");
	json_decref(m);
	free(manifest);
	char *text = nh_read_in(out, "runs.jsonl");
	json_t *recs[200];
	unsigned n = parse_lines(text, recs, 200);
	assert_true(n >= 2 && n < 200);
	for (unsigned i = 0; i < n; i++) {
		assert_string_equal(str_at(recs[i], "outcome", NULL), "ok");
		json_decref(recs[i]);
	}
	free(text);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(topo_json_matches_sysfs),
		cmocka_unit_test(bench_membind_json),
		cmocka_unit_test(run_scenario),
		cmocka_unit_test(out_path_too_long),
		cmocka_unit_test(worker_path_too_long),
		cmocka_unit_test(crash_is_an_outcome),
		cmocka_unit_test(hang_is_a_timeout),
		cmocka_unit_test(failure_is_an_outcome),
		cmocka_unit_test(thp_dimension),
		cmocka_unit_test(allocator_confirmed),
		cmocka_unit_test(expectations_pass),
		cmocka_unit_test(expectations_fail),
		cmocka_unit_test(bios_check_matches_host),
		cmocka_unit_test(bios_check_wrong_node_count),
		cmocka_unit_test(host_checks_stop_the_sweep),
		cmocka_unit_test(host_checks_keep_going),
		cmocka_unit_test(host_checks_pass_run_as_before),
		cmocka_unit_test(numatune_check_quick),
		cmocka_unit_test(torn_results_still_read),
		cmocka_unit_test(print_goes_to_stderr),
		cmocka_unit_test(lua_api_at_load_time),
		cmocka_unit_test(lua_interrupted_and_budgeted),
		cmocka_unit_test(sweep_interrupted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
