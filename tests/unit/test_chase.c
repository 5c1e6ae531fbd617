/* Unit tests of the chase workload: the chain is one cycle through every line and depends on the
 * seed alone; whole runs through a context (idle, loaded, page kinds) and the plan-time check. */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run_options.h"
#include "workload_ctx.h"
#include "../../workloads/chase_kernels.h"
#include "workload_testing.h"

extern const nh_workload_t nh_workload_chase;

/* ---- the chain ---- */

static void *chain_alloc(size_t n)
{
	void *buf = aligned_alloc(NH_CHASE_LINE, n * NH_CHASE_LINE);
	assert_non_null(buf);
	memset(buf, 0xa5, n * NH_CHASE_LINE);
	return buf;
}

/* The line a link points to, after checking it points at the start of a line of the buffer. */
static size_t line_of(const void *buf, size_t n, const void *p)
{
	ptrdiff_t off = (const char *)p - (const char *)buf;
	if (off < 0 || (size_t)off >= n * NH_CHASE_LINE || off % NH_CHASE_LINE)
		fail_msg("link to offset %td, outside the %zu lines or not on a line", off, n);
	return (size_t)off / NH_CHASE_LINE;
}

/* From line 0, n links must visit every line once and come back to 0 only at the n-th. */
static void check_one_cycle(size_t n, uint64_t seed)
{
	char *buf = chain_alloc(n);
	assert_int_equal(nh_chase_build(buf, n, seed), 0);
	unsigned char *seen = calloc(n, 1);
	assert_non_null(seen);
	void *p = buf;
	size_t steps = 0;
	do {
		size_t i = line_of(buf, n, p);
		if (seen[i])
			fail_msg("n=%zu seed=%llu: line %zu visited twice (step %zu)", n,
				 (unsigned long long)seed, i, steps);
		seen[i] = 1;
		p = *(void **)p;
		steps++;
	} while (p != buf && steps <= n);
	if (steps != n)
		fail_msg("n=%zu seed=%llu: back at line 0 after %zu steps", n,
			 (unsigned long long)seed, steps);
	assert_ptr_equal(nh_chase_walk(buf, n), buf);
	assert_ptr_equal(nh_chase_walk(buf, 3 * n), buf);
	free(seen);
	free(buf);
}

static void chain_is_one_cycle(void **state)
{
	static const size_t sizes[] = {2, 3, 5, 7, 8, 63, 64, 255, 1000, 4097, 65537, 262144};
	for (size_t i = 0; i < NH_ARRAY_LEN(sizes); i++)
		for (uint64_t seed = 0; seed < 4; seed++)
			check_one_cycle(sizes[i], seed * 7919 + 1);
	(void)state;
}

static void chain_edge_counts(void **state)
{
	/* One line: the only cycle through it is itself. */
	void *buf = chain_alloc(1);
	assert_int_equal(nh_chase_build(buf, 1, 1), 0);
	assert_ptr_equal(*(void **)buf, buf);
	errno = 0;
	assert_int_equal(nh_chase_build(buf, 0, 1), -1);
	assert_int_equal(errno, EINVAL);
	free(buf);
	/* Two lines: each points at the other. */
	char *two = chain_alloc(2);
	assert_int_equal(nh_chase_build(two, 2, 5), 0);
	assert_ptr_equal(*(void **)two, two + NH_CHASE_LINE);
	assert_ptr_equal(*(void **)(two + NH_CHASE_LINE), two);
	free(two);
	(void)state;
}

/* The chain as line numbers, comparable across buffers. */
static size_t *chain_lines(size_t n, uint64_t seed)
{
	char *buf = chain_alloc(n);
	assert_int_equal(nh_chase_build(buf, n, seed), 0);
	size_t *next = calloc(n, sizeof *next);
	assert_non_null(next);
	for (size_t i = 0; i < n; i++)
		next[i] = line_of(buf, n, *(void **)(buf + i * NH_CHASE_LINE));
	free(buf);
	return next;
}

static void chain_depends_on_seed(void **state)
{
	enum { N = 10007 };
	size_t *a = chain_lines(N, 42), *b = chain_lines(N, 42), *c = chain_lines(N, 43);
	assert_memory_equal(a, b, N * sizeof *a);
	size_t differ = 0, sequential = 0;
	for (size_t i = 0; i < N; i++) {
		differ += a[i] != c[i];
		/* a link to a neighbour: what a prefetcher could follow */
		sequential += a[i] == i + 1 || a[i] + 1 == i;
	}
	assert_true(differ > N * 9 / 10);
	assert_true(sequential < 20); /* about 2 expected from a random cycle */
	free(a);
	free(b);
	free(c);
	(void)state;
}

/* ---- runs through a context ---- */

#define run_chase(...) run_workload(&nh_workload_chase, 0, __VA_ARGS__)

/* An OK run: the latency metrics in order, the chain registered whole, touched by the first
 * allowed CPU. */
static void check_ok_run(const nh_wctx_t *ctx, const nh_set_t *cpus, size_t size)
{
	double mean = nh_wctx_metric_value(ctx, "ns_per_load");
	double p50 = nh_wctx_metric_value(ctx, "p50_ns"), p95 = nh_wctx_metric_value(ctx, "p95_ns");
	double p99 = nh_wctx_metric_value(ctx, "p99_ns");
	double p999 = nh_wctx_metric_value(ctx, "p999_ns");
	double min = nh_wctx_metric_value(ctx, "min_ns");
	double timer = nh_wctx_metric_value(ctx, "timer_ns");
	if (!(mean > 0 && min > 0 && min <= p50 && p50 <= p95 && p95 <= p99 && p99 <= p999))
		fail_msg("mean %g min %g p50 %g p95 %g p99 %g p999 %g", mean, min, p50, p95, p99,
			 p999);
	assert_true(timer >= 0 && timer < 1e5);
	assert_true(mean >= min);

	char want[64];
	snprintf(want, sizeof want, "elements=%zu", size / NH_CHASE_LINE);
	assert_true(has_note(ctx, want));
	int first = nh_set_next(cpus, 0);
	snprintf(want, sizeof want, "chase_cpu=%d", first);
	assert_true(has_note(ctx, want));
	bool found = false;
	for (unsigned i = 0; i < nh_wctx_region_count(ctx); i++) {
		const nh_wctx_region_t *r = nh_wctx_region(ctx, i);
		if (r->len == size && r->touch_cpu == first)
			found = true;
	}
	assert_true(found);
	assert_true(nh_set_has(nh_wctx_cpus_ran_on(ctx), (unsigned)first));
	/* The placement snapshot was taken while the buffers existed. */
	assert_non_null(nh_wctx_placement(ctx, NULL));
}

static void run_16k(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_chase(&cpus, NH_WL_OK, "size=16K", NULL);
	check_ok_run(ctx, &cpus, 16 * 1024);
	assert_true(has_note(ctx, "pages=4k"));
	assert_true(has_note(ctx, "load_threads=0"));
	assert_true(isnan(nh_wctx_metric_value(ctx, "load_MBps"))); /* only with load threads */
	assert_int_equal(nh_wctx_region_count(ctx), 1);
	nh_wctx_free(ctx);
	(void)state;
}

static void run_64m(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_chase(&cpus, NH_WL_OK, "size=64M", "seed=7", NULL);
	check_ok_run(ctx, &cpus, 64 << 20);
	nh_wctx_free(ctx);
	(void)state;
}

/* A size that is not a whole number of lines: the lines that fit, at least two. */
static void run_odd_size(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_chase(&cpus, NH_WL_OK, "size=130", "samples=10", "block=64", NULL);
	check_ok_run(ctx, &cpus, 128);
	nh_wctx_free(ctx);
	(void)state;
}

/* Not a timing assertion but an ordering one: a set far past the caches (and the TLB's reach)
 * costs several times what an L1-resident one does (DRAM vs L1 is 10-50x on any machine). */
static void dram_slower_than_l1(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *small = run_chase(&cpus, NH_WL_OK, "size=16K", NULL);
	nh_wctx_t *big = run_chase(&cpus, NH_WL_OK, "size=512M", "samples=500", NULL);
	double l1 = nh_wctx_metric_value(small, "p50_ns");
	double dram = nh_wctx_metric_value(big, "p50_ns");
	if (!(dram >= 3 * l1))
		fail_msg("p50 at 512M %.2f ns is not 3x p50 at 16K %.2f ns", dram, l1);
	nh_wctx_free(small);
	nh_wctx_free(big);
	(void)state;
}

static void run_thp(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_chase(&cpus, NH_WL_OK, "size=8M", "pages=thp", "samples=100", NULL);
	check_ok_run(ctx, &cpus, 8 << 20);
	assert_true(has_note(ctx, "pages=thp"));
	nh_wctx_free(ctx);
	(void)state;
}

/* hugetlb comes from the reserved pool: without one the run is skipped with the reason naming
 * the pool and how to reserve it; with one it runs. */
static void run_hugetlb(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	bool pool = nh_wctx_hugetlb_free_bytes() >= (2 << 20);
	nh_wctx_t *ctx = run_chase(&cpus, pool ? NH_WL_OK : NH_WL_SKIP, "size=2M", "pages=hugetlb",
				   "samples=100", NULL);
	if (pool) {
		check_ok_run(ctx, &cpus, 2 << 20);
	} else {
		const char *why = nh_wctx_reason_text(ctx);
		assert_non_null(strstr(why, "HugePages_Free"));
		assert_non_null(strstr(why, "vm.nr_hugepages"));
		assert_true(isnan(nh_wctx_metric_value(ctx, "ns_per_load")));
	}
	nh_wctx_free(ctx);
	(void)state;
}

/* Loaded latency: a load thread streams on another CPU (or shares the only one) while the
 * chase is timed, and its traffic is the run's load_MBps. */
static void run_loaded(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	static const char *const loads[] = {"load=read", "load=triad"};
	for (size_t k = 0; k < NH_ARRAY_LEN(loads); k++) {
		nh_wctx_t *ctx = run_chase(&cpus, NH_WL_OK, "size=16M", "samples=300",
					   "load_threads=1", "load_size=64M", loads[k], NULL);
		check_ok_run(ctx, &cpus, 16 << 20);
		double mbps = nh_wctx_metric_value(ctx, "load_MBps");
		if (!(mbps > 0))
			fail_msg("%s: load_MBps %g", loads[k], mbps);
		assert_true(has_note(ctx, "load_threads=1"));
		assert_true(has_note(ctx, loads[k]));
		assert_int_equal(nh_wctx_region_count(ctx), 2);
		if (nh_set_count(&cpus) > 1) {
			/* the load thread is on the second allowed CPU, not the chase's */
			int second = nh_set_next(&cpus, nh_set_next(&cpus, 0) + 1);
			assert_true(nh_set_has(nh_wctx_cpus_ran_on(ctx), (unsigned)second));
			assert_false(has_note(ctx, "shared_cpu"));
		}
		nh_wctx_free(ctx);
	}
	(void)state;
}

/* Throttled: the same thread, mostly pausing, moves far less. The timed phase (tens of ms)
 * holds many throttled chunks, each about a millisecond of pauses. */
static void run_throttled(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *full = run_chase(&cpus, NH_WL_OK, "size=1M", "samples=1000", "load_threads=1",
				    "load_size=64M", NULL);
	nh_wctx_t *slow = run_chase(&cpus, NH_WL_OK, "size=1M", "samples=1000", "load_threads=1",
				    "load_size=64M", "throttle=20000", NULL);
	double f = nh_wctx_metric_value(full, "load_MBps");
	double s = nh_wctx_metric_value(slow, "load_MBps");
	if (!(s > 0 && s < f / 4))
		fail_msg("throttled %g MB/s vs full %g MB/s", s, f);
	nh_wctx_free(full);
	nh_wctx_free(slow);
	(void)state;
}

/* One allowed CPU: the load thread shares it with the chase, and the record says so. The timed
 * phase (about 25 ms) spans several scheduler slices, so the load thread gets some of them. */
static void run_loaded_one_cpu(void **state)
{
	nh_set_t all, one;
	allowed_cpus(&all);
	nh_set_clear(&one);
	nh_set_add(&one, (unsigned)nh_set_next(&all, 0));
	nh_wctx_t *ctx = run_chase(&one, NH_WL_OK, "size=16K", "samples=4000", "load_threads=1",
				   "load_size=1M", NULL);
	check_ok_run(ctx, &one, 16 * 1024);
	assert_true(nh_wctx_metric_value(ctx, "load_MBps") > 0);
	assert_true(has_note(ctx, "shared_cpu=1 load threads share the chase thread's CPU"));
	nh_wctx_free(ctx);
	(void)state;
}

/* ---- checks before anything runs ---- */

static int plan_check(unsigned cpus, const char *load_threads, char *why, size_t len)
{
	char kv[64];
	snprintf(kv, sizeof kv, "load_threads=%s", load_threads);
	return workload_plan_check(&nh_workload_chase, cpus, why, len, kv, NULL);
}

static void plan_checks_load_threads(void **state)
{
	char why[256];
	assert_non_null(nh_workload_chase.check_plan);
	assert_int_equal(plan_check(2, "0", why, sizeof why), 0);
	assert_int_equal(plan_check(2, "1", why, sizeof why), 0);
	assert_int_equal(plan_check(8, "7", why, sizeof why), 0);
	assert_int_equal(plan_check(1, "1", why, sizeof why), 0); /* shares the one CPU */
	assert_int_equal(plan_check(2, "3", why, sizeof why), -1);
	assert_string_equal(why, "load_threads=3 needs 4 CPUs but the policy allows 2");
	assert_int_equal(plan_check(2, "2", why, sizeof why), -1);
	assert_string_equal(why, "load_threads=2 needs 3 CPUs but the policy allows 2");
	assert_int_equal(plan_check(1, "2", why, sizeof why), -1);
	assert_string_equal(why, "load_threads=2 needs 3 CPUs but the policy allows 1");
	(void)state;
}

static void params_rejected(void **state)
{
	static const char *const bad[] = {"samples=9",	    "block=63",	     "pages=2m",
					  "load=write",	    "throttle=100001", "load_threads=1025",
					  "load_size=4K",   "seed=-1",	       "colour=red"};
	nh_params_t p = {0};
	nh_err_t err;
	assert_int_equal(nh_params_set_kv(&p, "size=64", &err), 0);
	assert_int_equal(nh_workload_check_params(&nh_workload_chase, &p, &err), -1);
	assert_string_equal(err.msg, "chase: parameter 'size': 64 is outside 128 B .. 1 TiB");
	for (size_t i = 0; i < NH_ARRAY_LEN(bad); i++) {
		nh_params_t q = {0};
		assert_int_equal(nh_params_set_kv(&q, bad[i], &err), 0);
		if (nh_workload_check_params(&nh_workload_chase, &q, &err) != -1)
			fail_msg("%s accepted", bad[i]);
		assert_non_null(strstr(err.msg, "chase: "));
	}
	(void)state;
}

static void descriptor_metrics(void **state)
{
	static const char *const names[] = {"ns_per_load", "p50_ns",  "p95_ns",	  "p99_ns",
					    "p999_ns",	   "min_ns",  "timer_ns", "load_MBps"};
	for (size_t i = 0; i < NH_ARRAY_LEN(names); i++) {
		const nh_metric_def_t *m = nh_workload_metric(&nh_workload_chase, names[i]);
		assert_non_null(m);
		assert_string_equal(m->unit, strcmp(names[i], "load_MBps") ? "ns" : "MB/s");
	}
	assert_int_equal(nh_workload_metric(&nh_workload_chase, "ns_per_load")->better,
			 NH_BETTER_LOWER);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chain_is_one_cycle),
		cmocka_unit_test(chain_edge_counts),
		cmocka_unit_test(chain_depends_on_seed),
		cmocka_unit_test(params_rejected),
		cmocka_unit_test(descriptor_metrics),
		cmocka_unit_test(plan_checks_load_threads),
		cmocka_unit_test(run_16k),
		cmocka_unit_test(run_64m),
		cmocka_unit_test(run_odd_size),
		cmocka_unit_test(dram_slower_than_l1),
		cmocka_unit_test(run_thp),
		cmocka_unit_test(run_hugetlb),
		cmocka_unit_test(run_loaded),
		cmocka_unit_test(run_throttled),
		cmocka_unit_test(run_loaded_one_cpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
