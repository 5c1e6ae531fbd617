/* Unit tests of the churn workload: size samplers within bounds, live-set orders, the latency
 * histogram, the engine's bookkeeping (live bytes within the target, everything freed exactly
 * once, cross-thread handoff) on small runs, parameter and plan checks, and whole runs through a
 * context with the process's own malloc. */
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
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "workload_testing.h"

#include "workload_ctx.h"
#include "../../workloads/churn_loop.h"

extern const nh_workload_t nh_workload_churn;

/* ---- sizes ---- */

/* Every draw within [lo, hi], both ends reached when the range is small enough to, and the
 * mean within `tol` of the sampler's own. */
static void draw_within(churn_sizer_t z, size_t lo, size_t hi, bool ends, double tol)
{
	enum { N = 2000000 };
	uint64_t rng = 42;
	size_t seen_lo = SIZE_MAX, seen_hi = 0;
	double sum = 0;
	assert_int_equal(churn_sizer_min(&z), lo);
	assert_int_equal(churn_sizer_max(&z), hi);
	for (unsigned i = 0; i < N; i++) {
		size_t s = churn_size_draw(&z, &rng);
		if (s < lo || s > hi)
			fail_msg("draw %u: %zu outside %zu .. %zu", i, s, lo, hi);
		seen_lo = s < seen_lo ? s : seen_lo;
		seen_hi = s > seen_hi ? s : seen_hi;
		sum += (double)s;
	}
	if (ends) {
		assert_int_equal(seen_lo, lo);
		assert_int_equal(seen_hi, hi);
	}
	double mean = sum / N, want = churn_sizer_mean(&z);
	if (fabs(mean - want) > tol * want)
		fail_msg("mean %.1f, want %.1f", mean, want);
}

static void sizes_within_bounds(void **state)
{
	draw_within(churn_sizer(CHURN_FIXED, 64, 0, 0), 64, 64, true, 0.01);
	draw_within(churn_sizer(CHURN_FIXED, 1, 0, 0), 1, 1, true, 0.01);
	draw_within(churn_sizer(CHURN_FIXED, 64 << 20, 0, 0), 64 << 20, 64 << 20, true, 0.01);
	draw_within(churn_sizer(CHURN_UNIFORM, 0, 16, 4096), 16, 4096, true, 0.01);
	draw_within(churn_sizer(CHURN_UNIFORM, 0, 100, 101), 100, 101, true, 0.01);
	draw_within(churn_sizer(CHURN_UNIFORM, 0, 7, 7), 7, 7, true, 0.01);
	draw_within(churn_sizer(CHURN_UNIFORM, 0, 1, 64 << 20), 1, 64 << 20, false, 0.01);
	/* The rare large class carries a quarter of the bytes: its mean is the noisiest (about
	 * 0.7% a standard deviation over these draws). */
	draw_within(churn_sizer(CHURN_MIXED, 0, 0, 0), 16, 256 << 10, false, 0.04);
	(void)state;
}

/* mixed: 90% 16-256 B, 9.9% 1-4 KiB, 0.1% 16-256 KiB, nothing in between, mean about 514 B. */
static void mixed_classes(void **state)
{
	enum { N = 4000000 };
	churn_sizer_t z = churn_sizer(CHURN_MIXED, 0, 0, 0);
	uint64_t rng = 7, small = 0, medium = 0, large = 0;
	for (unsigned i = 0; i < N; i++) {
		size_t s = churn_size_draw(&z, &rng);
		if (s >= 16 && s <= 256)
			small++;
		else if (s >= 1024 && s <= 4096)
			medium++;
		else if (s >= (16 << 10) && s <= (256 << 10))
			large++;
		else
			fail_msg("%zu is in no class", s);
	}
	double fs = (double)small / N, fm = (double)medium / N, fl = (double)large / N;
	if (fabs(fs - 0.900) > 0.002 || fabs(fm - 0.099) > 0.002 || fabs(fl - 0.001) > 0.0002)
		fail_msg("classes %.4f %.4f %.4f, want 0.900 0.099 0.001", fs, fm, fl);
	double mean = churn_sizer_mean(&z);
	assert_true(mean > 500 && mean < 530);
	(void)state;
}

/* ---- the live set ---- */

static void set_orders(void **state)
{
	churn_set_t s;
	uint64_t rng = 3;
	/* lifo: newest first; fifo: oldest first, across a growth and the ring's wrap. */
	for (int order = CHURN_LIFO; order <= CHURN_FIFO; order++) {
		assert_true(churn_set_init(&s, 1));
		assert_int_equal(s.cap, 64);
		for (uintptr_t i = 1; i <= 40; i++) /* move head off 0 so the wrap is exercised */
			assert_true(churn_set_push(&s, (void *)i, i));
		for (int i = 0; i < 40; i++)
			(void)churn_set_take(&s, CHURN_FIFO, &rng);
		for (uintptr_t i = 1; i <= 200; i++)
			assert_true(churn_set_push(&s, (void *)i, i));
		assert_int_equal(s.cap, 256);
		for (uintptr_t i = 1; i <= 200; i++) {
			churn_block_t b = churn_set_take(&s, (enum churn_order)order, &rng);
			uintptr_t want = order == CHURN_LIFO ? 201 - i : i;
			assert_int_equal((uintptr_t)b.p, want);
			assert_int_equal(b.size, want);
		}
		assert_int_equal(s.count, 0);
		churn_set_destroy(&s);
	}
	/* random: every block exactly once, and not in either fixed order. */
	enum { N = 1000 };
	static unsigned char seen[N + 1];
	memset(seen, 0, sizeof seen);
	assert_true(churn_set_init(&s, N));
	for (uintptr_t i = 1; i <= N; i++)
		assert_true(churn_set_push(&s, (void *)i, 1));
	unsigned in_order = 0;
	for (uintptr_t i = 1; i <= N; i++) {
		churn_block_t b = churn_set_take(&s, CHURN_RANDOM, &rng);
		assert_true((uintptr_t)b.p >= 1 && (uintptr_t)b.p <= N);
		assert_int_equal(seen[(uintptr_t)b.p]++, 0);
		in_order += (uintptr_t)b.p == i || (uintptr_t)b.p == N + 1 - i;
	}
	assert_true(in_order < N / 10);
	churn_set_destroy(&s);
	(void)state;
}

static void histogram_quantiles(void **state)
{
	nh_lt_hist_t *h = calloc(1, sizeof *h), *g = calloc(1, sizeof *g);
	assert_true(h && g);
	assert_true(isnan(nh_lt_hist_quantile(h, 0.5)));
	for (uint64_t v = 1; v <= 100; v++)
		nh_lt_hist_add(h, v);
	assert_true(nh_lt_hist_quantile(h, 0.5) == 50);
	assert_true(nh_lt_hist_quantile(h, 0.99) == 99);
	assert_true(nh_lt_hist_quantile(h, 1.0) == 100);
	for (uint64_t v = 1000; v < 1000000; v += 7)
		nh_lt_hist_add(g, v);
	double p50 = nh_lt_hist_quantile(g, 0.5);
	double want = 1000 + 7.0 * (double)((g->total + 1) / 2 - 1);
	assert_true(fabs(p50 - want) <= want / 128);
	uint64_t before = h->total;
	nh_lt_hist_merge(h, g);
	assert_int_equal(h->total, before + g->total);
	free(h);
	free(g);
	(void)state;
}

/* ---- the engine ---- */

static churn_config_t small_config(unsigned threads, churn_sizer_t z, enum churn_order order,
				   unsigned cross)
{
	return (churn_config_t){.threads = threads,
				.sizer = z,
				.live = 1 << 20,
				.order = order,
				.cross = cross,
				.duration = 0.03,
				.sample_every = 4,
				.touch = true,
				.seed = 5};
}

/* What every run must satisfy: the live bytes within the target, everything freed exactly once
 * (as many frees as mallocs, every byte back), the handoffs all arrived. */
static void check_bookkeeping(const churn_run_t *r, const char *what)
{
	const churn_config_t *c = &r->cfg;
	uint64_t largest = churn_sizer_max(&c->sizer);
	uint64_t mallocs = 0, frees = 0, alloc = 0, freed = 0, sent = 0, received = 0, timed = 0;
	for (unsigned i = 0; i < r->n; i++) {
		const churn_thread_t *t = &r->t[i];
		mallocs += t->mallocs;
		frees += t->frees_own + t->frees_received;
		alloc += t->alloc_bytes;
		freed += t->freed_bytes;
		sent += t->sent;
		received += t->frees_received;
		if (t->peak_usage > r->share)
			fail_msg("%s: thread %u peaked at %llu B, its share is %llu B", what, i,
				 (unsigned long long)t->peak_usage, (unsigned long long)r->share);
		assert_int_equal(t->own.count, 0);
		timed += t->timed_ops;
	}
	if (mallocs != frees || alloc != freed)
		fail_msg("%s: %llu mallocs, %llu frees; %llu B allocated, %llu B freed", what,
			 (unsigned long long)mallocs, (unsigned long long)frees,
			 (unsigned long long)alloc, (unsigned long long)freed);
	assert_int_equal(sent, received);
	assert_int_equal(r->mallocs, mallocs);
	assert_int_equal(r->frees, frees);
	assert_int_equal(r->live_after, 0);
	/* The exact live bytes at the snapshot, then the peak, never above the target (and so never
	 * above it by more than a largest block per thread). */
	if (!(r->live_at_peak <= r->peak_live && r->peak_live <= c->live &&
	      r->peak_live <= c->live + r->n * largest))
		fail_msg("%s: live at snapshot %llu, peak %llu, target %llu", what,
			 (unsigned long long)r->live_at_peak, (unsigned long long)r->peak_live,
			 (unsigned long long)c->live);
	/* Filled to within a couple of largest blocks of each budget (and the bytes live / n
	 * leaves over). */
	assert_true(r->live_at_peak + r->n * (r->slack + 2 * largest + 1) >= c->live);
	assert_true(timed > 0 && r->timed_ops == timed);
	assert_true(r->ops_per_s > 0);
	assert_true(r->alloc_hist.total > 0);
}

static void run_small(unsigned threads, churn_sizer_t z, enum churn_order order, unsigned cross)
{
	static const char *const orders[] = {"lifo", "fifo", "random"};
	churn_config_t cfg = small_config(threads, z, order, cross);
	if (z.kind == CHURN_MIXED)
		cfg.live = 4 << 20; /* room for 4 blocks of 256 KiB a thread */
	churn_run_t *r = calloc(1, sizeof *r);
	assert_non_null(r);
	if (churn_execute(r, &cfg) < 0)
		fail_msg("%s", r->error);
	char what[96];
	snprintf(what, sizeof what, "%s sizes %d threads %u cross %u", orders[order], z.kind,
		 threads, cross);
	check_bookkeeping(r, what);
	assert_int_equal(r->slack > 0, threads > 1 && cross > 0);
	if (threads == 1 || cross == 0)
		assert_int_equal(r->sent, 0);
	churn_destroy(r);
	free(r);
}

/* Every order x size distribution x 1-3 threads x no, some and all handoffs. */
static void bookkeeping_small_runs(void **state)
{
	const churn_sizer_t sizers[] = {
		churn_sizer(CHURN_FIXED, 64, 0, 0),
		churn_sizer(CHURN_UNIFORM, 0, 16, 4096),
		churn_sizer(CHURN_MIXED, 0, 0, 0),
	};
	static const unsigned crosses[] = {0, 30, 100};
	for (int o = CHURN_LIFO; o <= CHURN_RANDOM; o++)
		for (size_t z = 0; z < NH_ARRAY_LEN(sizers); z++)
			for (unsigned threads = 1; threads <= 3; threads++)
				for (size_t c = 0; c < NH_ARRAY_LEN(crosses); c++)
					run_small(threads, sizers[z], (enum churn_order)o,
						  crosses[c]);
	(void)state;
}

/* cross=100: every block a thread allocates is handed to the next thread, which frees it —
 * in the timed phase and the free-all alike; none is freed by the thread that allocated it. */
static void cross_thread_handoff(void **state)
{
	for (unsigned threads = 2; threads <= 3; threads++) {
		churn_config_t cfg = small_config(threads, churn_sizer(CHURN_UNIFORM, 0, 16, 1024),
						  CHURN_RANDOM, 100);
		cfg.duration = 0.1;
		churn_run_t *r = calloc(1, sizeof *r);
		assert_non_null(r);
		if (churn_execute(r, &cfg) < 0)
			fail_msg("%s", r->error);
		check_bookkeeping(r, "cross=100");
		for (unsigned i = 0; i < threads; i++) {
			const churn_thread_t *t = &r->t[i], *next = &r->t[(i + 1) % threads];
			assert_int_equal(t->frees_own, 0);
			assert_int_equal(t->sent, t->mallocs);
			assert_int_equal(next->frees_received, t->sent);
			assert_int_equal(next->freed_bytes, t->alloc_bytes);
			assert_true(t->sent > 1000);
		}
		churn_destroy(r);
		free(r);
	}

	/* cross=50: about half of the frees are the other thread's. */
	churn_config_t cfg =
		small_config(2, churn_sizer(CHURN_FIXED, 64, 0, 0), CHURN_FIFO, 50);
	cfg.duration = 0.1;
	churn_run_t *r = calloc(1, sizeof *r);
	assert_non_null(r);
	if (churn_execute(r, &cfg) < 0)
		fail_msg("%s", r->error);
	check_bookkeeping(r, "cross=50");
	double share = (double)r->sent / (double)r->frees;
	if (share < 0.45 || share > 0.55)
		fail_msg("%.3f of the frees were handed over, want about 0.5", share);
	churn_destroy(r);
	free(r);
	(void)state;
}

/* A share too small for the largest block is refused before anything runs. */
static void engine_refuses_tiny_shares(void **state)
{
	churn_config_t cfg = small_config(2, churn_sizer(CHURN_MIXED, 0, 0, 0), CHURN_RANDOM, 0);
	churn_run_t *r = calloc(1, sizeof *r);
	assert_non_null(r);
	assert_int_equal(churn_execute(r, &cfg), -1);
	assert_non_null(strstr(r->error, "fewer than 4 of the largest blocks (262144 B)"));
	churn_destroy(r);
	free(r);
	(void)state;
}

/* ---- parameters and plan ---- */

static void check_param(const char *kv, const char *want)
{
	check_workload_param(&nh_workload_churn, kv, want);
}

static void params_checked(void **state)
{
	check_param("sizes=zipf",
		    "churn: parameter 'sizes': 'zipf' is not one of fixed|uniform|mixed");
	check_param("order=stack",
		    "churn: parameter 'order': 'stack' is not one of lifo|fifo|random");
	check_param("size=0", "churn: parameter 'size': 0 is outside 1 B .. 64 MiB");
	check_param("max_size=65M", "churn: parameter 'max_size': 65M is outside 1 B .. 64 MiB");
	check_param("live=1K", "churn: parameter 'live': 1K is outside 64 KiB .. 1 TiB");
	check_param("cross=101", "churn: parameter 'cross': number 101 out of range [0, 100]");
	check_param("threads=0",
		    "churn: parameter 'threads': number 0 out of range [1, 4096] (or 'all')");
	check_param("sample_every=0",
		    "churn: parameter 'sample_every': number 0 out of range [1, 1048576]");
	check_param("duration=1ms", "churn: parameter 'duration': 1ms is outside 0.01 s .. 3600 s");
	check_param("touch=maybe",
		    "churn: parameter 'touch': 'maybe' is not a boolean (use 0/1, true/false)");
	check_param("sizes=uniform", NULL);
	check_param("live=1G", NULL);

	nh_params_t p = {0};
	nh_err_t err;
	assert_int_equal(nh_workload_check_params(&nh_workload_churn, &p, &err), 0);
	assert_string_equal(nh_params_get(&p, "sizes"), "mixed");
	assert_string_equal(nh_params_get(&p, "size"), "64");
	assert_string_equal(nh_params_get(&p, "min_size"), "16");
	assert_string_equal(nh_params_get(&p, "max_size"), "4K");
	assert_string_equal(nh_params_get(&p, "live"), "64M");
	assert_string_equal(nh_params_get(&p, "order"), "random");
	assert_string_equal(nh_params_get(&p, "threads"), "all");
	assert_string_equal(nh_params_get(&p, "cross"), "0");
	assert_string_equal(nh_params_get(&p, "duration"), "2s");
	assert_string_equal(nh_params_get(&p, "sample_every"), "64");
	assert_string_equal(nh_params_get(&p, "touch"), "1");
	(void)state;
}

#define plan_check(...) workload_plan_check(&nh_workload_churn, __VA_ARGS__)

static void plan_checks(void **state)
{
	char why[256];
	assert_non_null(nh_workload_churn.check_plan);
	assert_int_equal(plan_check(2, why, sizeof why, "threads=4", NULL), -1);
	assert_string_equal(why, "threads=4 is more than the 2 CPUs the policy allows");
	assert_int_equal(plan_check(1, why, sizeof why, "threads=2", NULL), -1);
	assert_string_equal(why, "threads=2 is more than the 1 CPU the policy allows");
	assert_int_equal(plan_check(2, why, sizeof why, "threads=2", NULL), 0);
	assert_int_equal(plan_check(64, why, sizeof why, NULL), 0);

	assert_int_equal(plan_check(2, why, sizeof why, "sizes=uniform", "min_size=8K", NULL), -1);
	assert_string_equal(why, "min_size=8K is more than max_size=4K");
	/* Ignored unless sizes=uniform. */
	assert_int_equal(plan_check(2, why, sizeof why, "min_size=8K", NULL), 0);
	assert_int_equal(plan_check(2, why, sizeof why, "sizes=uniform", "min_size=4K", NULL), 0);

	assert_int_equal(plan_check(2, why, sizeof why, "live=1M", NULL), -1);
	assert_string_equal(why, "live=1M is too small for 2 threads: each share (512 KiB) must "
				 "hold 4 of the largest blocks (256 KiB), so live must be at "
				 "least 2 MiB");
	assert_int_equal(plan_check(2, why, sizeof why, "live=2M", NULL), 0);
	assert_int_equal(plan_check(4, why, sizeof why, "live=2M", NULL), -1); /* threads=all */
	assert_int_equal(plan_check(4, why, sizeof why, "live=2M", "threads=2", NULL), 0);
	assert_int_equal(plan_check(1, why, sizeof why, "live=64K", "sizes=fixed", "size=16K",
				    NULL),
			 0);
	assert_int_equal(plan_check(1, why, sizeof why, "live=64K", "sizes=fixed", "size=17K",
				    NULL),
			 -1);
	(void)state;
}

/* ---- whole runs ---- */

#define run_churn(...) run_workload(&nh_workload_churn, 0, __VA_ARGS__)

static double metric(const nh_wctx_t *ctx, const char *name)
{
	double v = nh_wctx_metric_value(ctx, name);
	if (isnan(v))
		fail_msg("metric %s missing", name);
	return v;
}

/* With this process's own malloc: every metric, RSS at least the live bytes, the placement
 * snapshot taken over sampled blocks touched by the allowed CPUs, threads on allowed CPUs. */
static void real_run(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_churn(&cpus, NH_WL_OK, "live=16M", "duration=200ms", NULL);
	double ops = metric(ctx, "ops_per_s");
	double p50 = metric(ctx, "alloc_p50_ns"), p99 = metric(ctx, "alloc_p99_ns");
	double p999 = metric(ctx, "alloc_p999_ns");
	double live = metric(ctx, "peak_live_bytes"), rss = metric(ctx, "peak_rss_bytes");
	double over = metric(ctx, "rss_overhead"), after = metric(ctx, "rss_after_free_bytes");
	double back = metric(ctx, "returned_ratio");
	assert_true(metric(ctx, "free_p99_ns") >= 0);
	assert_true(ops > 0);
	assert_true(p50 >= 0 && p50 <= p99 && p99 <= p999);
	assert_true(live > 15.0 * (1 << 20) && live <= 16.0 * (1 << 20));
	if (!(over >= 1.0 && fabs(over - rss / live) < 1e-9))
		fail_msg("rss_overhead %g (peak RSS %g B, peak live %g B)", over, rss, live);
	assert_true(after > 0 && after <= rss);
	assert_true(back >= 0 && back <= 1 && fabs(back - (rss - after) / rss) < 1e-9);

	const nh_placement_t *pl = nh_wctx_placement(ctx, NULL);
	assert_non_null(pl);
	assert_true(pl->pages_total > 0);
	assert_true(nh_wctx_region_count(ctx) > 0 && nh_wctx_region_count(ctx) <= 4096);
	for (unsigned i = 0; i < nh_wctx_region_count(ctx); i++) {
		const nh_wctx_region_t *reg = nh_wctx_region(ctx, i);
		assert_true(reg->touch_cpu >= 0 && nh_set_has(&cpus, (unsigned)reg->touch_cpu));
		if (i) { /* in address order, no page counted twice */
			const nh_wctx_region_t *prev = nh_wctx_region(ctx, i - 1);
			assert_true((uintptr_t)reg->addr >= (uintptr_t)prev->addr + prev->len);
		}
	}
	const nh_proc_mem_t *mem;
	const nh_cgroup_mem_t *cg;
	assert_true(nh_wctx_memory(ctx, &mem, &cg));
	assert_true(nh_set_subset(nh_wctx_cpus_ran_on(ctx), &cpus));
	assert_false(nh_set_empty(nh_wctx_cpus_ran_on(ctx)));
	char want[32];
	snprintf(want, sizeof want, "threads=%u;", nh_set_count(&cpus));
	assert_true(has_note(ctx, want));
	assert_true(has_note(ctx, "sizes=mixed: 90% 16-256 B"));
	assert_true(has_note(ctx, "handoffs=0 (0 waits)"));
	nh_wctx_free(ctx);
	(void)state;
}

/* More threads than CPUs, every block handed over: the waits yield, so it still finishes. */
static void run_oversubscribed_cross(void **state)
{
	nh_set_t all, one;
	allowed_cpus(&all);
	nh_set_clear(&one);
	nh_set_add(&one, (unsigned)nh_set_next(&all, 0));
	nh_wctx_t *ctx = run_churn(&one, NH_WL_OK, "threads=3", "cross=100", "live=4M",
				   "sizes=uniform", "max_size=1K", "order=fifo",
				   "duration=100ms", NULL);
	assert_true(has_note(ctx, "oversubscribed=3 threads share 1 CPUs"));
	assert_true(metric(ctx, "ops_per_s") > 0);
	assert_true(metric(ctx, "peak_live_bytes") <= 4 << 20);
	assert_false(has_note(ctx, "handoffs=0 "));
	nh_wctx_free(ctx);

	ctx = run_churn(&one, NH_WL_OK, "threads=1", "cross=50", "live=1M", "sizes=fixed",
			"duration=30ms", "touch=0", NULL);
	assert_true(has_note(ctx, "cross=ignored"));
	assert_true(has_note(ctx, "sizes=fixed 64-64 B"));
	nh_wctx_free(ctx);
	(void)state;
}

/* Bad combinations not seen by a plan (a test context) fail the run with the plan's message. */
static void run_rejects_bad_combinations(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_churn(&cpus, NH_WL_FAIL, "sizes=uniform", "min_size=64K",
				   "max_size=1K", NULL);
	assert_string_equal(nh_wctx_reason_text(ctx), "min_size=64K is more than max_size=1K");
	assert_true(isnan(nh_wctx_metric_value(ctx, "ops_per_s")));
	nh_wctx_free(ctx);

	ctx = run_churn(&cpus, NH_WL_FAIL, "threads=1", "live=512K", NULL);
	assert_non_null(strstr(nh_wctx_reason_text(ctx), "live=512K is too small for 1 thread:"));
	nh_wctx_free(ctx);
	(void)state;
}

/* malloc returning NULL (address space exhausted) fails the run with the size and live bytes. */
static void malloc_failure(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
	skip(); /* ASan reserves terabytes of address space; a limit would break it */
#else
	struct rlimit old;
	limit_address_space((rlim_t)2 << 30, &old);
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_churn(&cpus, NH_WL_FAIL, "threads=1", "sizes=fixed", "size=64M",
				   "live=8G", "duration=10ms", NULL);
	restore_address_space(&old);
	const char *why = nh_wctx_reason_text(ctx);
	if (!strstr(why, "thread 0: malloc(67108864) failed with "))
		fail_msg("reason: %s", why);
	assert_true(isnan(nh_wctx_metric_value(ctx, "ops_per_s")));
	nh_wctx_free(ctx);
#endif
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_within_bounds),
		cmocka_unit_test(mixed_classes),
		cmocka_unit_test(set_orders),
		cmocka_unit_test(histogram_quantiles),
		cmocka_unit_test(bookkeeping_small_runs),
		cmocka_unit_test(cross_thread_handoff),
		cmocka_unit_test(engine_refuses_tiny_shares),
		cmocka_unit_test(params_checked),
		cmocka_unit_test(plan_checks),
		cmocka_unit_test(real_run),
		cmocka_unit_test(run_oversubscribed_cross),
		cmocka_unit_test(run_rejects_bad_combinations),
		cmocka_unit_test(malloc_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
