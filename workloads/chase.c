/* SPDX-License-Identifier: MIT */
/* chase: load-to-use latency from dependent loads around one random cycle of cache lines, timed
 * in blocks for percentiles, optionally under bandwidth load from threads on the other CPUs. */
#include "workload.h"
#include "chase_kernels.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CHASE_X86 1
#endif

#define CACHE_LINE 64
#define LOAD_CHUNK 4096		/* bytes of one load-traffic chunk; throttle pauses between */
#define WARM_MIN (UINT64_C(1) << 16) /* loads, so even a tiny set runs long enough to settle */
#define WARM_MAX (UINT64_C(1) << 20) /* loads; past this a pass adds nothing but time */
#define TIMER_READS 1001	/* back-to-back clock reads for the timer's own cost */
#define HUGE_ALIGN ((size_t)2 << 20) /* PMD size on x86-64: THP needs the buffer aligned to it */

/* ---- the chain ---- */

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64 so that neighbouring seeds give
 * unrelated streams. Any reasonable generator would do; this one is fast, which matters when a
 * large set needs billions of draws. */
struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, bound), bound > 0: Lemire's multiply-shift with rejection, so no index is
 * favoured (a plain modulo would be, slightly, for bounds that do not divide 2^64). */
static inline uint64_t rng_below(struct rng *r, uint64_t bound)
{
	unsigned __int128 m = (unsigned __int128)rng_next(r) * bound;
	if ((uint64_t)m < bound) {
		uint64_t floor = -bound % bound;
		while ((uint64_t)m < floor)
			m = (unsigned __int128)rng_next(r) * bound;
	}
	return (uint64_t)(m >> 64);
}

/* Sattolo's algorithm: like Fisher-Yates but j < i strictly, which yields a uniformly random
 * permutation with exactly one cycle, so the walk visits every line before it repeats. The
 * index width is a constant at each call site: 4-byte indices halve the array's footprint
 * (and its cache misses) for every set below 256 GiB. */
static inline __attribute__((always_inline)) void sattolo(void *idx, int wide, size_t n,
							  struct rng *r)
{
	uint32_t *n32 = idx;
	uint64_t *n64 = idx;
	for (size_t i = 0; i < n; i++) {
		if (wide)
			n64[i] = i;
		else
			n32[i] = (uint32_t)i;
	}
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)rng_below(r, i);
		if (wide) {
			uint64_t t = n64[i];
			n64[i] = n64[j];
			n64[j] = t;
		} else {
			uint32_t t = n32[i];
			n32[i] = n32[j];
			n32[j] = t;
		}
	}
}

int nh_chase_build(void *buf, size_t n, uint64_t seed)
{
	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	int wide = n > UINT32_MAX;
	void *idx = malloc(n * (wide ? sizeof(uint64_t) : sizeof(uint32_t)));
	if (!idx)
		return -1; /* errno ENOMEM from malloc */
	struct rng r;
	rng_seed(&r, seed);
	if (wide)
		sattolo(idx, 1, n, &r);
	else
		sattolo(idx, 0, n, &r);
	/* Line i points to line idx[i]. Written in address order: the first touch of the buffer,
	 * sequential so it is quick and every page is faulted in by this thread. */
	char *base = buf;
	const uint32_t *n32 = idx;
	const uint64_t *n64 = idx;
	for (size_t i = 0; i < n; i++) {
		size_t next = wide ? n64[i] : n32[i];
		*(void **)(base + i * NH_CHASE_LINE) = base + next * NH_CHASE_LINE;
	}
	free(idx);
	return 0;
}

/* Eight links a trip: the loop counter is independent of the chain, so unrolling only trims
 * branch and counter work that could otherwise compete with the loads in a small (L1) set. */
void *nh_chase_walk(void *start, uint64_t steps)
{
	void *p = start;
	uint64_t i = 0;
	for (; i + 8 <= steps; i += 8) {
		p = *(void **)p;
		p = *(void **)p;
		p = *(void **)p;
		p = *(void **)p;
		p = *(void **)p;
		p = *(void **)p;
		p = *(void **)p;
		p = *(void **)p;
	}
	for (; i < steps; i++)
		p = *(void **)p;
	return p;
}

/* ---- time ---- */

/* CLOCK_MONOTONIC through the vDSO: on a tsc clocksource it is an ordered TSC read (lfence;
 * rdtsc, so it waits for the block's loads to complete) scaled by the kernel's own calibration
 * of the TSC, in ns, with no system call. Raw rdtsc would cost less but need a calibration of
 * ours and a guess at whether the TSC is invariant; at the default 4096 loads a block the
 * clock's ~20 ns are under 1% even of an L1-resident block, and are subtracted anyway. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *l, const void *r)
{
	uint64_t a = *(const uint64_t *)l, b = *(const uint64_t *)r;
	return a < b ? -1 : a > b;
}

/* What one clock read adds to an interval between two reads: the median gap between
 * back-to-back reads (the median, so an interrupt during the measurement does not count). */
static uint64_t timer_cost_ns(void)
{
	uint64_t gaps[TIMER_READS - 1], prev = now_ns();
	for (unsigned i = 0; i < TIMER_READS - 1; i++) {
		uint64_t t = now_ns();
		gaps[i] = t - prev;
		prev = t;
	}
	qsort(gaps, TIMER_READS - 1, sizeof gaps[0], cmp_u64);
	return gaps[(TIMER_READS - 1) / 2];
}

/* The q-quantile of sorted values by nearest rank (no interpolation: every figure reported is
 * a block that actually happened). */
static double quantile(const double *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);
	return sorted[rank ? rank - 1 : 0];
}

static int cmp_double(const void *l, const void *r)
{
	double a = *(const double *)l, b = *(const double *)r;
	return a < b ? -1 : a > b;
}

/* ---- threads ---- */

static inline void cpu_relax(void)
{
#ifdef CHASE_X86
	_mm_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

enum gate { GATE_WAIT, GATE_GO, GATE_ABORT };
enum load_kind { LOAD_READ, LOAD_TRIAD };

struct run;

/* A bandwidth thread. `done` sits on a line of its own: its owner stores to it every chunk, and
 * only the chase thread reads it, twice. */
struct loader {
	alignas(CACHE_LINE) struct run *run;
	pthread_t tid;
	int cpu;     /* -1: not pinned */
	char *buf;   /* its own slice, first-touched by it */
	size_t bytes;
	int pin_errno;
	uint64_t sink;
	alignas(CACHE_LINE) _Atomic uint64_t done; /* bytes moved so far (STREAM counting) */
};

struct run {
	nh_wctx_t *ctx;
	char *buf;
	size_t n;
	uint64_t seed, warm;
	unsigned samples, block;
	int cpu; /* the chase thread's, -1: not pinned */
	uint64_t *block_ns; /* per block, raw interval between clock reads */
	uint64_t timer_ns;
	int chase_errno;
	const char *chase_failed; /* what the chase thread could not do, NULL: fine */
	void *volatile end;	  /* where the walk ended: keeps every load live */
	enum load_kind load;
	unsigned throttle, nload;
	struct loader *loaders;
	double load_bytes, load_window_ns;
	alignas(CACHE_LINE) atomic_int gate;
	atomic_int failed;
	atomic_uint ready;
	alignas(CACHE_LINE) atomic_int stop;
};

/* Spin politely, then yield: a thread sharing its CPU (one allowed CPU) must let the other run. */
static void wait_until(atomic_int *flag, int not_value)
{
	for (unsigned i = 0; atomic_load_explicit(flag, memory_order_acquire) == not_value; i++) {
		if (i < 1000)
			cpu_relax();
		else
			sched_yield();
	}
}

static bool wait_gate(struct run *r)
{
	wait_until(&r->gate, GATE_WAIT);
	return atomic_load(&r->gate) == GATE_GO;
}

static void throttle_pause(unsigned k)
{
	for (unsigned i = 0; i < k; i++)
		cpu_relax();
}

/* A read-only sum of 4 KiB: integer adds are associative, so it vectorises and the loop is
 * bound by memory, not by the adds. */
static uint64_t read_chunk(const uint64_t *restrict x)
{
	uint64_t s = 0;
	for (size_t i = 0; i < LOAD_CHUNK / sizeof *x; i++)
		s += x[i];
	return s;
}

static void triad_chunk(double *restrict a, const double *restrict b, const double *restrict c)
{
	for (size_t i = 0; i < LOAD_CHUNK / sizeof *a; i++)
		a[i] = b[i] + 3.0 * c[i];
}

static void *loader_thread(void *arg)
{
	struct loader *l = arg;
	struct run *r = l->run;
	if (!wait_gate(r))
		return NULL;
	/* Pin before the first touch, so the slice lands as the policy says for this CPU. */
	if (l->cpu >= 0 && nh_wctx_pin_thread(l->cpu) < 0) {
		l->pin_errno = errno;
		atomic_store(&r->failed, 1);
		atomic_fetch_add(&r->ready, 1);
		return NULL;
	}
	size_t chunks = l->bytes / LOAD_CHUNK, third = chunks / 3 * LOAD_CHUNK;
	for (size_t off = 0; off < chunks * LOAD_CHUNK; off += sizeof(double))
		*(double *)(l->buf + off) = 1.0;
	nh_wctx_add_region(r->ctx, l->buf, l->bytes, l->cpu);
	atomic_fetch_add_explicit(&r->ready, 1, memory_order_release);

	uint64_t done = 0, sum = 0;
	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		if (r->load == LOAD_READ) {
			for (size_t off = 0; off < chunks * LOAD_CHUNK; off += LOAD_CHUNK) {
				sum += read_chunk((const uint64_t *)(l->buf + off));
				atomic_store_explicit(&l->done, done += LOAD_CHUNK,
						      memory_order_relaxed);
				throttle_pause(r->throttle);
				if (atomic_load_explicit(&r->stop, memory_order_relaxed))
					break;
			}
		} else {
			/* a = b + s*c over three thirds of the slice: two lines read and one
			 * written per line of a, counted as STREAM does (24 bytes an element). */
			for (size_t off = 0; off < third; off += LOAD_CHUNK) {
				triad_chunk((double *)(l->buf + off),
					    (const double *)(l->buf + third + off),
					    (const double *)(l->buf + 2 * third + off));
				atomic_store_explicit(&l->done, done += 3 * LOAD_CHUNK,
						      memory_order_relaxed);
				throttle_pause(r->throttle);
				if (atomic_load_explicit(&r->stop, memory_order_relaxed))
					break;
			}
		}
	}
	l->sink = sum;
	nh_wctx_ran_on(r->ctx);
	return NULL;
}

static uint64_t load_done(const struct run *r)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < r->nload; i++)
		sum += atomic_load_explicit(&r->loaders[i].done, memory_order_relaxed);
	return sum;
}

static void chase_fail(struct run *r, const char *what)
{
	r->chase_errno = errno;
	r->chase_failed = what;
	atomic_store(&r->failed, 1);
}

static void *chase_thread(void *arg)
{
	struct run *r = arg;
	if (!wait_gate(r))
		return NULL;
	/* Pin before building: the build is the first touch, so the chain's pages follow the
	 * policy as seen from this CPU. */
	if (r->cpu >= 0 && nh_wctx_pin_thread(r->cpu) < 0) {
		chase_fail(r, "pin the chase thread");
		goto out;
	}
	if (nh_chase_build(r->buf, r->n, r->seed) < 0) {
		chase_fail(r, "allocate the chain's index array");
		goto out;
	}
	nh_wctx_add_region(r->ctx, r->buf, r->n * NH_CHASE_LINE, r->cpu);

	/* Load threads first touch their own buffers meanwhile; time nothing until all stream. */
	while (atomic_load_explicit(&r->ready, memory_order_acquire) < r->nload)
		sched_yield();
	if (atomic_load(&r->failed))
		goto out;

	r->timer_ns = timer_cost_ns();
	void *p = nh_chase_walk(r->buf, r->warm);
	uint64_t bytes0 = load_done(r), prev = now_ns(), first = prev;
	for (unsigned s = 0; s < r->samples; s++) {
		p = nh_chase_walk(p, r->block);
		uint64_t t = now_ns();
		r->block_ns[s] = t - prev;
		prev = t;
	}
	r->load_bytes = (double)(load_done(r) - bytes0);
	r->load_window_ns = (double)(prev - first);
	r->end = p;
	nh_wctx_ran_on(r->ctx);
out:
	atomic_store_explicit(&r->stop, 1, memory_order_release);
	return NULL;
}

/* ---- the workload ---- */

/* clang-format off */
static const nh_param_def_t chase_params[] = {
	{.name = "size", .type = NH_PARAM_SIZE, .def = "256M", .min = 2 * NH_CHASE_LINE,
	 .max = 1024.0 * 1024 * 1024 * 1024,
	 .help = "working set: bytes of the chain, one element per 64-byte line"},
	{.name = "pages", .type = NH_PARAM_ENUM, .def = "4k", .choices = "4k|thp|hugetlb",
	 .help = "pages of the chain: 4k (MADV_NOHUGEPAGE), thp (MADV_HUGEPAGE), hugetlb (the "
		 "reserved pool; skipped when it is short)"},
	{.name = "samples", .type = NH_PARAM_INT, .def = "2000", .min = 10, .max = 1000000,
	 .help = "timed blocks; the percentiles are over per-block ns per load"},
	{.name = "block", .type = NH_PARAM_INT, .def = "4096", .min = 64, .max = 1 << 26,
	 .help = "dependent loads per timed block"},
	{.name = "seed", .type = NH_PARAM_INT, .def = "1", .min = 0, .max = 9007199254740991.0,
	 .help = "seed of the random cycle; the same seed gives the same chain"},
	{.name = "load_threads", .type = NH_PARAM_INT, .def = "0", .min = 0, .max = 1024,
	 .help = "bandwidth threads on the other allowed CPUs while the chase runs (loaded "
		 "latency); at most one fewer than the CPUs, or 1 sharing a single CPU"},
	{.name = "load", .type = NH_PARAM_ENUM, .def = "read", .choices = "read|triad",
	 .help = "load traffic: read (streaming sum) or triad (a = b + s*c)"},
	{.name = "load_size", .type = NH_PARAM_SIZE, .def = "auto", .min = 3 * LOAD_CHUNK,
	 .max = 1024.0 * 1024 * 1024 * 1024, .keyword = "auto",
	 .help = "bytes per load thread; auto: 4x the last-level cache, at least 256M"},
	{.name = "throttle", .type = NH_PARAM_INT, .def = "0", .min = 0, .max = 100000,
	 .help = "pause instructions between 4 KiB chunks of load traffic (0: full speed)"},
	{.name = NULL},
};
/* clang-format on */

static const nh_metric_def_t chase_metrics[] = {
	{"ns_per_load", "ns", NH_BETTER_LOWER, "mean over every timed load, timer cost removed"},
	{"p50_ns", "ns", NH_BETTER_LOWER, "median of the per-block ns per load"},
	{"p95_ns", "ns", NH_BETTER_LOWER, "95th percentile of the per-block ns per load"},
	{"p99_ns", "ns", NH_BETTER_LOWER, "99th percentile of the per-block ns per load"},
	{"p999_ns", "ns", NH_BETTER_LOWER, "99.9th percentile of the per-block ns per load"},
	{"min_ns", "ns", NH_BETTER_LOWER, "fastest block's ns per load"},
	{"timer_ns", "ns", NH_BETTER_NONE,
	 "clock read cost removed from each block (median of back-to-back reads)"},
	{"load_MBps", "MB/s", NH_BETTER_NONE,
	 "traffic of the load threads while the chase was timed (10^6 B/s, STREAM counting); "
	 "only with load_threads > 0"},
	{.name = NULL},
};

static int chase_supported(char *reason, size_t len)
{
	(void)reason;
	(void)len;
	return 0;
}

/* Load threads go on the CPUs other than the chase thread's, one each: a load thread sharing a
 * CPU with another adds no bandwidth, and one sharing the chase's CPU measures the scheduler.
 * With a single CPU the one load thread must share it (allowed, and noted in the record). */
static int chase_check_plan(const nh_params_t *params, unsigned cpus, char *why, size_t len)
{
	const char *v = nh_params_get(params, "load_threads");
	unsigned long load = v ? strtoul(v, NULL, 10) : 0;
	unsigned long most = cpus > 1 ? cpus - 1 : 1;
	if (load <= most)
		return 0;
	snprintf(why, len, "load_threads=%lu needs %lu CPUs but the policy allows %u", load,
		 load + 1, cpus);
	return -1;
}

static enum nh_page_kind page_kind(const char *pages)
{
	if (strcmp(pages, "thp") == 0)
		return NH_PAGES_THP;
	if (strcmp(pages, "hugetlb") == 0)
		return NH_PAGES_HUGETLB;
	return NH_PAGES_4K;
}

static size_t load_slice_bytes(nh_wctx_t *ctx)
{
	uint64_t bytes;
	if (nh_wctx_param_is_keyword(ctx, "load_size")) {
		uint64_t llc4 = 4 * nh_wctx_llc_bytes(ctx);
		bytes = llc4 > (UINT64_C(256) << 20) ? llc4 : UINT64_C(256) << 20;
	} else {
		bytes = nh_wctx_param_size(ctx, "load_size");
	}
	return (size_t)(bytes / LOAD_CHUNK * LOAD_CHUNK);
}

static void record_latency(nh_wctx_t *ctx, const struct run *r, double *per_load)
{
	double total = 0;
	for (unsigned s = 0; s < r->samples; s++) {
		/* A clock that ran backwards or a block faster than the clock's own cost: 0, not a
		 * negative latency. */
		uint64_t raw = r->block_ns[s];
		double ns = raw > r->timer_ns ? (double)(raw - r->timer_ns) : 0;
		total += ns;
		per_load[s] = ns / r->block;
	}
	qsort(per_load, r->samples, sizeof *per_load, cmp_double);
	nh_wctx_metric(ctx, "ns_per_load", total / ((double)r->samples * r->block));
	nh_wctx_metric(ctx, "p50_ns", quantile(per_load, r->samples, 0.50));
	nh_wctx_metric(ctx, "p95_ns", quantile(per_load, r->samples, 0.95));
	nh_wctx_metric(ctx, "p99_ns", quantile(per_load, r->samples, 0.99));
	nh_wctx_metric(ctx, "p999_ns", quantile(per_load, r->samples, 0.999));
	nh_wctx_metric(ctx, "min_ns", per_load[0]);
	nh_wctx_metric(ctx, "timer_ns", (double)r->timer_ns);
	if (r->nload)
		nh_wctx_metric(ctx, "load_MBps",
			       r->load_window_ns > 0 ? r->load_bytes / r->load_window_ns * 1e3 : 0);
}

static void note_setup(nh_wctx_t *ctx, const struct run *r, const char *pages, unsigned ncpus)
{
	char line[32];
	nh_wctx_note(ctx, "elements", "%zu", r->n);
	nh_wctx_note(ctx, "pages", "%s", pages);
	nh_wctx_note(ctx, "chase_cpu", "%d", r->cpu);
	nh_wctx_note(ctx, "warmup_loads", "%llu", (unsigned long long)r->warm);
	if (nh_read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", line,
			 sizeof line) == 0)
		nh_wctx_note(ctx, "clocksource", "%s", line);
	nh_wctx_note(ctx, "load_threads", "%u", r->nload);
	if (!r->nload)
		return;
	nh_wctx_note(ctx, "load", "%s", r->load == LOAD_READ ? "read" : "triad");
	nh_wctx_note(ctx, "load_bytes", "%zu", r->loaders[0].bytes);
	if (ncpus <= 1)
		nh_wctx_note(ctx, "shared_cpu", "%u load threads share the chase thread's CPU",
			     r->nload);
	else if (r->nload > ncpus - 1)
		nh_wctx_note(ctx, "oversubscribed", "%u load threads share %u CPUs", r->nload,
			     ncpus - 1);
}

/* Start every thread, then open the gate (or close it, if one could not start: those that did
 * return at once). */
static int start_threads(nh_wctx_t *ctx, struct run *r, pthread_t *chase_tid, bool *chase_started,
			 unsigned *started)
{
	int rc = pthread_create(chase_tid, NULL, chase_thread, r);
	*chase_started = rc == 0;
	*started = 0;
	for (; rc == 0 && *started < r->nload; (*started)++) {
		rc = pthread_create(&r->loaders[*started].tid, NULL, loader_thread,
				    &r->loaders[*started]);
		if (rc)
			break;
	}
	atomic_store_explicit(&r->gate, rc ? GATE_ABORT : GATE_GO, memory_order_release);
	if (rc)
		nh_wctx_reason(ctx, "cannot start %s: %s",
			       *chase_started ? "a load thread" : "the chase thread", strerror(rc));
	return rc;
}

/* After the threads are joined: the first failure as the run's reason. */
static bool threads_failed(nh_wctx_t *ctx, const struct run *r)
{
	if (!atomic_load(&r->failed))
		return false;
	if (r->chase_failed) {
		nh_wctx_reason(ctx, "cannot %s (CPU %d): %s", r->chase_failed, r->cpu,
			       strerror(r->chase_errno));
		return true;
	}
	for (unsigned i = 0; i < r->nload; i++) {
		if (r->loaders[i].pin_errno) {
			nh_wctx_reason(ctx, "cannot pin load thread %u to CPU %d: %s", i,
				       r->loaders[i].cpu, strerror(r->loaders[i].pin_errno));
			break;
		}
	}
	return true;
}

static enum nh_wl_status chase_run(nh_wctx_t *ctx)
{
	enum nh_wl_status status = NH_WL_FAIL;
	unsigned ncpus = nh_wctx_cpu_count(ctx);
	const char *pages = nh_wctx_param(ctx, "pages");
	enum nh_page_kind kind = page_kind(pages);
	size_t n = (size_t)(nh_wctx_param_size(ctx, "size") / NH_CHASE_LINE);
	size_t bytes = n * NH_CHASE_LINE;
	char human[32], pool[32];

	struct run r = {
		.ctx = ctx,
		.n = n,
		.seed = (uint64_t)nh_wctx_param_int(ctx, "seed"),
		.samples = (unsigned)nh_wctx_param_int(ctx, "samples"),
		.block = (unsigned)nh_wctx_param_int(ctx, "block"),
		.cpu = ncpus ? nh_wctx_cpu(ctx, 0) : -1,
		.load = strcmp(nh_wctx_param(ctx, "load"), "triad") == 0 ? LOAD_TRIAD : LOAD_READ,
		.throttle = (unsigned)nh_wctx_param_int(ctx, "throttle"),
		.nload = (unsigned)nh_wctx_param_int(ctx, "load_threads"),
	};
	/* At least one whole pass for sets up to WARM_MAX lines (so caches and TLB hold what they
	 * can), never under WARM_MIN loads. */
	r.warm = n < WARM_MIN ? WARM_MIN : n > WARM_MAX ? WARM_MAX : n;
	atomic_init(&r.gate, GATE_WAIT);
	atomic_init(&r.failed, 0);
	atomic_init(&r.ready, 0);
	atomic_init(&r.stop, 0);

	if (kind == NH_PAGES_HUGETLB && nh_wctx_hugetlb_free_bytes() < bytes) {
		nh_wctx_reason(ctx,
			       "pages=hugetlb: the huge page pool has %s free (HugePages_Free), %s "
			       "needed; reserve pages with sysctl vm.nr_hugepages",
			       nh_format_size(nh_wctx_hugetlb_free_bytes(), pool, sizeof pool),
			       nh_format_size(bytes, human, sizeof human));
		return NH_WL_SKIP;
	}
	r.buf = nh_wctx_alloc_pages(ctx, bytes, kind == NH_PAGES_THP ? HUGE_ALIGN : 0, kind);
	if (!r.buf) /* the reason names the size, and for hugetlb the pool: a hugetlb mapping
		     * fails when the pool is short of it, an environment state, not an error */
		return kind == NH_PAGES_HUGETLB ? NH_WL_SKIP : NH_WL_FAIL;

	/* One mapping for every load thread (the context holds few buffers), each slice starting
	 * on a huge page boundary so no page, small or huge, is first touched by two threads. */
	char *load_base = NULL;
	size_t slice = load_slice_bytes(ctx);
	size_t stride = (slice + HUGE_ALIGN - 1) / HUGE_ALIGN * HUGE_ALIGN;
	r.block_ns = calloc(r.samples, sizeof *r.block_ns);
	double *per_load = calloc(r.samples, sizeof *per_load);
	if (!r.block_ns || !per_load) {
		nh_wctx_reason(ctx, "out of memory for %u samples", r.samples);
		goto out_free;
	}
	if (r.nload) {
		r.loaders = aligned_alloc(CACHE_LINE, r.nload * sizeof *r.loaders);
		if (!r.loaders) {
			nh_wctx_reason(ctx, "out of memory for %u load thread records", r.nload);
			goto out_free;
		}
		load_base = nh_wctx_alloc(ctx, r.nload * stride, HUGE_ALIGN);
		if (!load_base)
			goto out_free;
	}
	for (unsigned i = 0; i < r.nload; i++) {
		r.loaders[i] = (struct loader){.run = &r, .buf = load_base + i * stride,
					       .bytes = slice};
		atomic_init(&r.loaders[i].done, 0);
		/* Round robin over the allowed CPUs after the chase's; all on it if it is alone. */
		r.loaders[i].cpu = ncpus > 1 ? nh_wctx_cpu(ctx, 1 + i % (ncpus - 1))
				   : ncpus   ? nh_wctx_cpu(ctx, 0)
					     : -1;
	}
	note_setup(ctx, &r, pages, ncpus);

	pthread_t chase_tid;
	bool chase_started;
	unsigned started;
	int rc = start_threads(ctx, &r, &chase_tid, &chase_started, &started);
	if (chase_started)
		pthread_join(chase_tid, NULL);
	for (unsigned i = 0; i < started; i++)
		pthread_join(r.loaders[i].tid, NULL);
	if (rc || threads_failed(ctx, &r))
		goto out_free;

	/* The buffers go away below: take the placement snapshot while they exist. */
	nh_wctx_observe_placement(ctx);
	record_latency(ctx, &r, per_load);
	status = NH_WL_OK;
out_free:
	free(per_load);
	free(r.block_ns);
	free(r.loaders);
	if (load_base)
		nh_wctx_release(ctx, load_base);
	nh_wctx_release(ctx, r.buf);
	return status;
}

const nh_workload_t nh_workload_chase = {
	.name = "chase",
	.summary = "pointer-chase load latency over a random cycle of cache lines, idle or under "
		   "bandwidth load",
	.params = chase_params,
	.metrics = chase_metrics,
	.supported = chase_supported,
	.run = chase_run,
	.check_plan = chase_check_plan,
};
