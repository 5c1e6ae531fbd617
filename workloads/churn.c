/* SPDX-License-Identifier: MIT */
/* churn: allocator churn — pinned threads malloc and free blocks of a size distribution around a
 * retained live set through the process's own malloc (so LD_PRELOAD picks the allocator), some
 * handed to another thread to free, measuring speed, latency and RSS against live bytes. */
#include "workload.h"
#include "churn_loop.h"

#include <inttypes.h>

#define CHURN_MAX_SIZE (64.0 * 1024 * 1024)
#define CHURN_REGION_SAMPLES 4096 /* live blocks whose pages the placement check covers */

/* clang-format off */
static const nh_param_def_t churn_params[] = {
	{.name = "sizes", .type = NH_PARAM_ENUM, .def = "mixed", .choices = "fixed|uniform|mixed",
	 .help = "block sizes: fixed (size), uniform (min_size .. max_size), or mixed: 90% "
		 "16-256 B, 9.9% 1-4 KiB, 0.1% 16-256 KiB"},
	{.name = "size", .type = NH_PARAM_SIZE, .def = "64", .min = 1, .max = CHURN_MAX_SIZE,
	 .help = "bytes of every block for sizes=fixed"},
	{.name = "min_size", .type = NH_PARAM_SIZE, .def = "16", .min = 1, .max = CHURN_MAX_SIZE,
	 .help = "smallest block for sizes=uniform"},
	{.name = "max_size", .type = NH_PARAM_SIZE, .def = "4K", .min = 1, .max = CHURN_MAX_SIZE,
	 .help = "largest block for sizes=uniform"},
	{.name = "live", .type = NH_PARAM_SIZE, .def = "64M", .min = 64 * 1024.0,
	 .max = 1024.0 * 1024 * 1024 * 1024,
	 .help = "live bytes retained (requested sizes), split evenly between the threads"},
	{.name = "order", .type = NH_PARAM_ENUM, .def = "random", .choices = "lifo|fifo|random",
	 .help = "which live block a thread frees to make room: newest, oldest, or any"},
	{.name = "threads", .type = NH_PARAM_INT, .def = "all", .min = 1, .max = 4096,
	 .keyword = "all",
	 .help = "threads, pinned round-robin to the allowed CPUs; all: one per allowed CPU"},
	{.name = "cross", .type = NH_PARAM_INT, .def = "0", .min = 0, .max = 100,
	 .help = "percent of freed blocks handed to the next thread to free (producer/consumer)"},
	{.name = "duration", .type = NH_PARAM_DURATION, .def = "2s", .min = 0.01, .max = 3600,
	 .help = "timed churn per run, after the untimed fill of the live set"},
	{.name = "sample_every", .type = NH_PARAM_INT, .def = "64", .min = 1, .max = 1 << 20,
	 .help = "time every Nth malloc and every Nth free of each thread on its own"},
	{.name = "touch", .type = NH_PARAM_BOOL, .def = "1",
	 .help = "write the first and last byte of every block, as an application would"},
	{.name = "seed", .type = NH_PARAM_INT, .def = "1", .min = 0, .max = 4294967295.0,
	 .help = "random seed of sizes, free order and handoff choices"},
	{.name = NULL},
};
/* clang-format on */

static const nh_metric_def_t churn_metrics[] = {
	{"ops_per_s", "ops/s", NH_BETTER_HIGHER,
	 "mallocs + frees of the timed phase, each thread's count over its own time, summed"},
	{"alloc_p50_ns", "ns", NH_BETTER_LOWER, "median malloc, the timer's cost removed"},
	{"alloc_p99_ns", "ns", NH_BETTER_LOWER, "99th percentile malloc"},
	{"alloc_p999_ns", "ns", NH_BETTER_LOWER, "99.9th percentile malloc"},
	{"free_p99_ns", "ns", NH_BETTER_LOWER, "99th percentile free (own and handed-over blocks)"},
	{"peak_live_bytes", "B", NH_BETTER_NONE,
	 "most live bytes (requested sizes), the sum of each thread's peak; at most live"},
	{"peak_rss_bytes", "B", NH_BETTER_LOWER, "VmHWM of the process at the snapshot"},
	{"rss_overhead", "ratio", NH_BETTER_LOWER, "peak_rss_bytes / peak_live_bytes"},
	{"rss_after_free_bytes", "B", NH_BETTER_LOWER,
	 "VmRSS once every block is freed (no malloc_trim: what the allocator gives back itself)"},
	{"returned_ratio", "ratio", NH_BETTER_HIGHER,
	 "share of the peak RSS given back by the free-all: (peak - after) / peak"},
	{.name = NULL},
};

static int churn_supported(char *reason, size_t len)
{
	(void)reason;
	(void)len;
	return 0;
}

static enum churn_sizes sizes_kind(const char *v)
{
	return strcmp(v, "fixed") == 0 ? CHURN_FIXED : strcmp(v, "uniform") == 0 ? CHURN_UNIFORM
										   : CHURN_MIXED;
}

static uint64_t size_of(const char *text)
{
	uint64_t v = 0;
	(void)nh_parse_size(text, &v, NULL);
	return v;
}

/* What only makes sense with the parameters together and the thread count: a uniform range the
 * right way round, and shares that hold a few of the largest blocks. Takes the texts, so the
 * plan check and the run say the same thing. 0, or -1 with a one-line reason. */
static int check_config(const char *sizes, const char *size, const char *min_size,
			const char *max_size, const char *live, unsigned threads, char *why,
			size_t len)
{
	churn_sizer_t z = churn_sizer(sizes_kind(sizes), size_of(size), size_of(min_size),
				      size_of(max_size));
	if (z.kind == CHURN_UNIFORM && size_of(min_size) > size_of(max_size)) {
		snprintf(why, len, "min_size=%s is more than max_size=%s", min_size, max_size);
		return -1;
	}
	uint64_t largest = churn_sizer_max(&z), need = largest * CHURN_SHARE_BLOCKS * threads;
	if (size_of(live) < need) {
		char share[32], big[32], want[32];
		snprintf(why, len,
			 "live=%s is too small for %u thread%s: each share (%s) must hold %d of "
			 "the largest blocks (%s), so live must be at least %s",
			 live, threads, threads == 1 ? "" : "s",
			 nh_format_size(size_of(live) / threads, share, sizeof share),
			 CHURN_SHARE_BLOCKS, nh_format_size(largest, big, sizeof big),
			 nh_format_size(need, want, sizeof want));
		return -1;
	}
	return 0;
}

static int churn_check_plan(const nh_params_t *params, unsigned cpus, char *why, size_t len)
{
	const char *v = nh_params_get(params, "threads");
	unsigned threads = cpus ? cpus : 1;
	if (v && strcmp(v, "all") != 0) {
		unsigned long long n = strtoull(v, NULL, 10);
		if (n > cpus) {
			snprintf(why, len,
				 "threads=%llu is more than the %u CPU%s the policy allows", n,
				 cpus, cpus == 1 ? "" : "s");
			return -1;
		}
		threads = (unsigned)n;
	}
	return check_config(nh_params_get(params, "sizes"), nh_params_get(params, "size"),
			    nh_params_get(params, "min_size"), nh_params_get(params, "max_size"),
			    nh_params_get(params, "live"), threads, why, len);
}

static int pin(int cpu) { return nh_wctx_pin_thread(cpu); }

struct sample {
	uintptr_t addr;
	size_t len;
	int cpu;
};

static int cmp_sample(const void *l, const void *r)
{
	uintptr_t a = ((const struct sample *)l)->addr, b = ((const struct sample *)r)->addr;
	return a < b ? -1 : a > b;
}

/* The malloc heap is not one buffer the harness could be handed: register an even sample of
 * every thread's live blocks instead, each with its allocating (and first-writing) thread's CPU,
 * so the placement verdict covers the heap. Blocks are merged to whole pages in address order,
 * each page counted once. The record's memory layer adds the process-wide view (numa_maps anon
 * pages per node). Returns the regions registered. */
static unsigned register_sample(churn_run_t *r, nh_wctx_t *ctx)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), cap = CHURN_REGION_SAMPLES, n = 0;
	struct sample *s = churn_map(cap * sizeof *s);
	if (!s)
		return 0;
	size_t quota = cap / r->n ? cap / r->n : 1;
	for (unsigned i = 0; i < r->n && n < cap; i++) {
		const churn_thread_t *t = &r->t[i];
		size_t step = t->own.count > quota ? t->own.count / quota : 1;
		for (size_t k = 0; k < t->own.count && n < cap; k += step) {
			const churn_block_t *b = churn_set_at(&t->own, k);
			s[n++] = (struct sample){(uintptr_t)b->p, b->size, t->cpu};
		}
	}
	qsort(s, n, sizeof *s, cmp_sample);
	uintptr_t covered = 0;
	unsigned regions = 0;
	for (size_t i = 0; i < n; i++) {
		uintptr_t lo = s[i].addr & ~(uintptr_t)(page - 1);
		uintptr_t hi = (s[i].addr + s[i].len + page - 1) & ~(uintptr_t)(page - 1);
		lo = lo < covered ? covered : lo;
		if (lo >= hi)
			continue;
		nh_wctx_add_region(ctx, (const void *)lo, hi - lo, s[i].cpu);
		covered = hi;
		regions++;
	}
	churn_unmap(s, cap * sizeof *s);
	return regions;
}

/* What the engine's hooks get: the context, and the regions registered at the snapshot. */
struct hook_arg {
	nh_wctx_t *ctx;
	unsigned regions;
};

static void ran_on(void *arg) { nh_wctx_ran_on(((struct hook_arg *)arg)->ctx); }

/* Every live block still allocated, the threads parked: placement, process and cgroup memory. */
static void at_peak(churn_run_t *r, void *arg)
{
	struct hook_arg *a = arg;
	a->regions = register_sample(r, a->ctx);
	nh_wctx_observe_placement(a->ctx);
}

static const char *const SIZES_TEXT[] = {
	[CHURN_FIXED] = "fixed",
	[CHURN_UNIFORM] = "uniform",
	[CHURN_MIXED] = "mixed: 90% 16-256 B, 9.9% 1-4 KiB, 0.1% 16-256 KiB",
};

static void note_run(nh_wctx_t *ctx, const churn_run_t *r, unsigned ncpus, unsigned regions)
{
	char a[32], b[32];
	nh_wctx_note(ctx, "threads", "%u", r->n);
	if (ncpus && r->n > ncpus)
		nh_wctx_note(ctx, "oversubscribed", "%u threads share %u CPUs", r->n, ncpus);
	if (r->cfg.sizer.kind == CHURN_MIXED)
		nh_wctx_note(ctx, "sizes", "%s", SIZES_TEXT[CHURN_MIXED]);
	else
		nh_wctx_note(ctx, "sizes", "%s %zu-%zu B", SIZES_TEXT[r->cfg.sizer.kind],
			     churn_sizer_min(&r->cfg.sizer), churn_sizer_max(&r->cfg.sizer));
	if (r->cfg.cross && r->n == 1)
		nh_wctx_note(ctx, "cross", "ignored: one thread has no one to hand blocks to");
	nh_wctx_note(ctx, "share", "%s per thread, %s of it for blocks in flight",
		     nh_format_size(r->share, a, sizeof a), nh_format_size(r->slack, b, sizeof b));
	nh_wctx_note(ctx, "mallocs", "%" PRIu64, r->mallocs);
	nh_wctx_note(ctx, "frees", "%" PRIu64, r->frees);
	nh_wctx_note(ctx, "handoffs", "%" PRIu64 " (%" PRIu64 " waits)", r->sent, r->waits);
	nh_wctx_note(ctx, "fill_s", "%.3f", r->fill_s);
	nh_wctx_note(ctx, "free_all_s", "%.3f", r->free_all_s);
	nh_wctx_note(ctx, "live_at_snapshot", "%" PRIu64, r->live_at_peak);
	nh_wctx_note(ctx, "rss_before", "%" PRIu64, r->rss_before);
	nh_wctx_note(ctx, "rss_at_snapshot", "%" PRIu64, r->rss_at_peak);
	nh_wctx_note(ctx, "bookkeeping_bytes", "%" PRIu64, r->bookkeeping_bytes);
	nh_wctx_note(ctx, "timer", "%s, %.1f ns overhead subtracted, every %u mallocs and frees",
		     r->tsc ? "tsc" : "clock_gettime", r->timer_ns * r->ns_per_tick,
		     r->cfg.sample_every);
	nh_wctx_note(ctx, "regions", "%u (pages of up to %d sampled live blocks)", regions,
		     CHURN_REGION_SAMPLES);
}

static void record_metrics(nh_wctx_t *ctx, const churn_run_t *r)
{
	const double tick = r->ns_per_tick;
	const nh_lt_hist_t *a = &r->alloc_hist;
	nh_wctx_metric(ctx, "ops_per_s", r->ops_per_s);
	if (a->total) {
		nh_wctx_metric(ctx, "alloc_p50_ns", nh_lt_hist_quantile(a, 0.50) * tick);
		nh_wctx_metric(ctx, "alloc_p99_ns", nh_lt_hist_quantile(a, 0.99) * tick);
		nh_wctx_metric(ctx, "alloc_p999_ns", nh_lt_hist_quantile(a, 0.999) * tick);
	}
	if (r->free_hist.total)
		nh_wctx_metric(ctx, "free_p99_ns", nh_lt_hist_quantile(&r->free_hist, 0.99) * tick);
	nh_wctx_metric(ctx, "peak_live_bytes", (double)r->peak_live);
	if (!r->peak_rss) /* /proc/self/status unreadable: no RSS figure rather than a wrong one */
		return;
	nh_wctx_metric(ctx, "peak_rss_bytes", (double)r->peak_rss);
	if (r->peak_live)
		nh_wctx_metric(ctx, "rss_overhead", (double)r->peak_rss / (double)r->peak_live);
	if (r->rss_after) {
		nh_wctx_metric(ctx, "rss_after_free_bytes", (double)r->rss_after);
		double back = r->rss_after < r->peak_rss ? (double)(r->peak_rss - r->rss_after) : 0;
		nh_wctx_metric(ctx, "returned_ratio", back / (double)r->peak_rss);
	}
}

static enum nh_wl_status churn_run(nh_wctx_t *ctx)
{
	unsigned ncpus = nh_wctx_cpu_count(ctx);
	unsigned nthreads = nh_wctx_param_is_keyword(ctx, "threads")
				    ? (ncpus ? ncpus : 1)
				    : (unsigned)nh_wctx_param_int(ctx, "threads");
	char why[256];
	if (check_config(nh_wctx_param(ctx, "sizes"), nh_wctx_param(ctx, "size"),
			 nh_wctx_param(ctx, "min_size"), nh_wctx_param(ctx, "max_size"),
			 nh_wctx_param(ctx, "live"), nthreads, why, sizeof why) < 0) {
		nh_wctx_reason(ctx, "%s", why);
		return NH_WL_FAIL;
	}
	double duration = 2.0;
	(void)nh_parse_duration(nh_wctx_param(ctx, "duration"), &duration, NULL);
	const char *order = nh_wctx_param(ctx, "order");

	int cpus[1024];
	unsigned n = ncpus < NH_ARRAY_LEN(cpus) ? ncpus : NH_ARRAY_LEN(cpus);
	for (unsigned i = 0; i < n; i++)
		cpus[i] = nh_wctx_cpu(ctx, i);
	struct hook_arg ha = {.ctx = ctx};
	churn_config_t cfg = {
		.threads = nthreads,
		.cpus = cpus,
		.ncpus = n,
		.sizer = churn_sizer(sizes_kind(nh_wctx_param(ctx, "sizes")),
				     nh_wctx_param_size(ctx, "size"),
				     nh_wctx_param_size(ctx, "min_size"),
				     nh_wctx_param_size(ctx, "max_size")),
		.live = nh_wctx_param_size(ctx, "live"),
		.order = strcmp(order, "lifo") == 0   ? CHURN_LIFO
			 : strcmp(order, "fifo") == 0 ? CHURN_FIFO
						      : CHURN_RANDOM,
		.cross = (unsigned)nh_wctx_param_int(ctx, "cross"),
		.duration = duration,
		.sample_every = (unsigned)nh_wctx_param_int(ctx, "sample_every"),
		.touch = nh_wctx_param_bool(ctx, "touch"),
		.seed = (uint64_t)nh_wctx_param_int(ctx, "seed"),
		.pin = pin,
		.ran_on = ran_on,
		.at_peak = at_peak,
		.arg = &ha,
	};
	/* The run record (two merged histograms) is too big for a thread's stack to spare. */
	churn_run_t *r = churn_map(sizeof *r);
	if (!r) {
		nh_wctx_reason(ctx, "cannot map the run's record: %s", strerror(errno));
		return NH_WL_FAIL;
	}
	enum nh_wl_status status = NH_WL_FAIL;
	if (churn_execute(r, &cfg) < 0) {
		nh_wctx_reason(ctx, "%s", r->error);
		goto out;
	}
	note_run(ctx, r, ncpus, ha.regions);
	if (r->live_after != 0) { /* the bookkeeping lost a block: the figures mean nothing */
		nh_wctx_reason(ctx, "%" PRIu64 " bytes still live after freeing every block",
			       r->live_after);
		goto out;
	}
	record_metrics(ctx, r);
	status = NH_WL_OK;
out:
	churn_destroy(r);
	churn_unmap(r, sizeof *r);
	return status;
}

const nh_workload_t nh_workload_churn = {
	.name = "churn",
	.summary = "allocator churn: malloc/free of a size mix around a retained live set, "
		   "cross-thread frees; speed, latency, RSS vs live bytes",
	.params = churn_params,
	.metrics = churn_metrics,
	.supported = churn_supported,
	.run = churn_run,
	.check_plan = churn_check_plan,
};
