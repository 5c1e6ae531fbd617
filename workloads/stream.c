/* SPDX-License-Identifier: MIT */
/* stream: McCalpin's STREAM (copy, scale, add, triad) run by pinned threads that each first-touch
 * their own page-aligned slices, with vector kernels picked at run time and STREAM's check. */
#include "workload.h"
#include "stream_kernels.h"

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
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define STREAM_X86 1
#endif

#define STREAM_SCALAR 3.0 /* STREAM's q */
#define STREAM_NKERNELS 4
#define CACHE_LINE 64

/* ---- kernels ---- */

/* One element of an operation; y is only read by add and triad. */
static inline __attribute__((always_inline)) double op_one(enum nh_stream_op op, const double *x,
							   const double *y, size_t i, double q)
{
	switch (op) {
	case NH_STREAM_COPY: return x[i];
	case NH_STREAM_SCALE: return q * x[i];
	case NH_STREAM_ADD: return x[i] + y[i];
	default: return x[i] + q * y[i];
	}
}

/* Plain C: the reference, and what non-x86 builds run. The compiler vectorises it for the
 * baseline ISA; it has no portable way to store non-temporally. */
static void kernel_generic(enum nh_stream_op op, double *restrict dst, const double *restrict x,
			   const double *restrict y, double q, size_t n, bool nt)
{
	(void)nt;
	switch (op) {
	case NH_STREAM_COPY:
		for (size_t i = 0; i < n; i++)
			dst[i] = x[i];
		break;
	case NH_STREAM_SCALE:
		for (size_t i = 0; i < n; i++)
			dst[i] = q * x[i];
		break;
	case NH_STREAM_ADD:
		for (size_t i = 0; i < n; i++)
			dst[i] = x[i] + y[i];
		break;
	case NH_STREAM_TRIAD:
		for (size_t i = 0; i < n; i++)
			dst[i] = x[i] + q * y[i];
		break;
	}
}

static bool usable_always(void) { return true; }

#ifdef STREAM_X86
/* Each x86 variant is one loop template inlined once per (op, nt) pair, both constant, so every
 * copy is a branch-free loop: a scalar head up to a 64-byte boundary of dst (aligned stores
 * never split a line, and streaming stores need it), four vectors a trip (enough independent
 * misses in flight), a scalar tail. Loads are unaligned-tolerant: the sources need not share
 * dst's alignment, and on aligned data they cost the same. */
#define STREAM_EXPAND(loop)                                                                        \
	do {                                                                                       \
		if (!y)                                                                            \
			y = x;                                                                     \
		switch (op) {                                                                      \
		case NH_STREAM_COPY:                                                               \
			nt ? loop(NH_STREAM_COPY, true) : loop(NH_STREAM_COPY, false);             \
			break;                                                                     \
		case NH_STREAM_SCALE:                                                              \
			nt ? loop(NH_STREAM_SCALE, true) : loop(NH_STREAM_SCALE, false);           \
			break;                                                                     \
		case NH_STREAM_ADD:                                                                \
			nt ? loop(NH_STREAM_ADD, true) : loop(NH_STREAM_ADD, false);               \
			break;                                                                     \
		case NH_STREAM_TRIAD:                                                              \
			nt ? loop(NH_STREAM_TRIAD, true) : loop(NH_STREAM_TRIAD, false);           \
			break;                                                                     \
		}                                                                                  \
		if (nt)                                                                            \
			_mm_sfence(); /* streaming stores are weakly ordered: publish them */      \
	} while (0)

#define AVX512 __attribute__((target("avx512f")))
#define AVX __attribute__((target("avx")))
#define INLINE static inline __attribute__((always_inline))

AVX512 INLINE __m512d vec512(enum nh_stream_op op, const double *x, const double *y, __m512d q)
{
	switch (op) {
	case NH_STREAM_COPY: return _mm512_loadu_pd(x);
	case NH_STREAM_SCALE: return _mm512_mul_pd(q, _mm512_loadu_pd(x));
	case NH_STREAM_ADD: return _mm512_add_pd(_mm512_loadu_pd(x), _mm512_loadu_pd(y));
	default: return _mm512_add_pd(_mm512_loadu_pd(x), _mm512_mul_pd(q, _mm512_loadu_pd(y)));
	}
}

AVX512 INLINE void loop512(enum nh_stream_op op, bool nt, double *dst, const double *x,
			   const double *y, double q, size_t n)
{
	size_t i = 0;
	for (; i < n && ((uintptr_t)(dst + i) & 63); i++)
		dst[i] = op_one(op, x, y, i, q);
	__m512d vq = _mm512_set1_pd(q);
	for (; i + 32 <= n; i += 32) {
		for (size_t k = i; k < i + 32; k += 8) {
			__m512d v = vec512(op, x + k, y + k, vq);
			if (nt)
				_mm512_stream_pd(dst + k, v);
			else
				_mm512_store_pd(dst + k, v);
		}
	}
	for (; i < n; i++)
		dst[i] = op_one(op, x, y, i, q);
}

AVX512 static void kernel_avx512(enum nh_stream_op op, double *dst, const double *x,
				 const double *y, double q, size_t n, bool nt)
{
#define L512(o, t) loop512(o, t, dst, x, y, q, n)
	STREAM_EXPAND(L512);
#undef L512
}

AVX INLINE __m256d vec256(enum nh_stream_op op, const double *x, const double *y, __m256d q)
{
	switch (op) {
	case NH_STREAM_COPY: return _mm256_loadu_pd(x);
	case NH_STREAM_SCALE: return _mm256_mul_pd(q, _mm256_loadu_pd(x));
	case NH_STREAM_ADD: return _mm256_add_pd(_mm256_loadu_pd(x), _mm256_loadu_pd(y));
	default: return _mm256_add_pd(_mm256_loadu_pd(x), _mm256_mul_pd(q, _mm256_loadu_pd(y)));
	}
}

AVX INLINE void loop256(enum nh_stream_op op, bool nt, double *dst, const double *x,
			const double *y, double q, size_t n)
{
	size_t i = 0;
	for (; i < n && ((uintptr_t)(dst + i) & 63); i++)
		dst[i] = op_one(op, x, y, i, q);
	__m256d vq = _mm256_set1_pd(q);
	for (; i + 16 <= n; i += 16) {
		for (size_t k = i; k < i + 16; k += 4) {
			__m256d v = vec256(op, x + k, y + k, vq);
			if (nt)
				_mm256_stream_pd(dst + k, v);
			else
				_mm256_store_pd(dst + k, v);
		}
	}
	for (; i < n; i++)
		dst[i] = op_one(op, x, y, i, q);
}

AVX static void kernel_avx(enum nh_stream_op op, double *dst, const double *x, const double *y,
			   double q, size_t n, bool nt)
{
#define L256(o, t) loop256(o, t, dst, x, y, q, n)
	STREAM_EXPAND(L256);
#undef L256
}

/* SSE2 is part of x86-64 itself: no target attribute needed. */
INLINE __m128d vec128(enum nh_stream_op op, const double *x, const double *y, __m128d q)
{
	switch (op) {
	case NH_STREAM_COPY: return _mm_loadu_pd(x);
	case NH_STREAM_SCALE: return _mm_mul_pd(q, _mm_loadu_pd(x));
	case NH_STREAM_ADD: return _mm_add_pd(_mm_loadu_pd(x), _mm_loadu_pd(y));
	default: return _mm_add_pd(_mm_loadu_pd(x), _mm_mul_pd(q, _mm_loadu_pd(y)));
	}
}

INLINE void loop128(enum nh_stream_op op, bool nt, double *dst, const double *x, const double *y,
		    double q, size_t n)
{
	size_t i = 0;
	for (; i < n && ((uintptr_t)(dst + i) & 63); i++)
		dst[i] = op_one(op, x, y, i, q);
	__m128d vq = _mm_set1_pd(q);
	for (; i + 8 <= n; i += 8) {
		for (size_t k = i; k < i + 8; k += 2) {
			__m128d v = vec128(op, x + k, y + k, vq);
			if (nt)
				_mm_stream_pd(dst + k, v);
			else
				_mm_store_pd(dst + k, v);
		}
	}
	for (; i < n; i++)
		dst[i] = op_one(op, x, y, i, q);
}

static void kernel_sse2(enum nh_stream_op op, double *dst, const double *x, const double *y,
			double q, size_t n, bool nt)
{
#define L128(o, t) loop128(o, t, dst, x, y, q, n)
	STREAM_EXPAND(L128);
#undef L128
}

/* libgcc's checks include the OS side (XCR0), so a CPU whose kernel does not save the wide
 * registers is not offered the variant. */
static bool usable_avx512(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f");
}

static bool usable_avx(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx");
}
#endif /* STREAM_X86 */

/* Best first: "auto" takes the first usable one. */
static const nh_stream_variant_t variants[] = {
#ifdef STREAM_X86
	{"avx512", "AVX-512F", usable_avx512, kernel_avx512},
	{"avx", "AVX", usable_avx, kernel_avx},
	{"sse2", "SSE2", usable_always, kernel_sse2},
#endif
	{"generic", "nothing", usable_always, kernel_generic},
};

unsigned nh_stream_variant_count(void) { return NH_ARRAY_LEN(variants); }

const nh_stream_variant_t *nh_stream_variant_at(unsigned i)
{
	return i < NH_ARRAY_LEN(variants) ? &variants[i] : NULL;
}

/* ---- validation ---- */

void nh_stream_expected(unsigned ntimes, double expected[3])
{
	double a = 1.0, b = 2.0, c = 0.0, q = STREAM_SCALAR;
	for (unsigned k = 0; k < ntimes; k++) {
		c = a;
		b = q * c;
		c = a + b;
		a = b + q * c;
	}
	expected[0] = a;
	expected[1] = b;
	expected[2] = c;
}

/* Sum of |x[i] - e|. The values grow 15-fold an iteration and reach infinity after about 260
 * iterations; equal values count as no error so inf == inf is not NaN. A NaN in the array makes
 * the sum NaN, which the check treats as a failure. */
static double abs_err_sum(const double *x, size_t n, double e)
{
	double sum = 0.0;
	for (size_t i = 0; i < n; i++)
		sum += x[i] == e ? 0.0 : fabs(x[i] - e);
	return sum;
}

/* STREAM's verdict from per-array error sums over n elements. */
static int check_errors(const double sums[3], size_t n, const double expected[3], double *max_err,
			char *why, size_t len)
{
	static const char names[3] = {'a', 'b', 'c'};
	double worst = 0.0;
	int rc = 0;
	for (int k = 0; k < 3 && n > 0; k++) {
		double avg = sums[k] / (double)n;
		double rel = avg == 0.0 ? 0.0 : expected[k] != 0.0 ? avg / fabs(expected[k]) : avg;
		if (!(rel <= worst))
			worst = rel; /* NaN sticks */
		if (rc == 0 && !(rel <= NH_STREAM_EPSILON)) {
			snprintf(why, len, "array %c: average relative error %.3g exceeds %.0e",
				 names[k], rel, NH_STREAM_EPSILON);
			rc = -1;
		}
	}
	if (max_err)
		*max_err = worst;
	return rc;
}

int nh_stream_validate(const double *a, const double *b, const double *c, size_t n, unsigned ntimes,
		       double *max_err, char *why, size_t len)
{
	double e[3], sums[3];
	nh_stream_expected(ntimes, e);
	sums[0] = abs_err_sum(a, n, e[0]);
	sums[1] = abs_err_sum(b, n, e[1]);
	sums[2] = abs_err_sum(c, n, e[2]);
	return check_errors(sums, n, e, max_err, why, len);
}

/* ---- threads ---- */

/* A sense-reversing spinning barrier: pthread_barrier's futex round trip is a visible share of a
 * small array's kernel time. Spinners yield after a while (at once when threads share CPUs), so
 * an oversubscribed run or a stray sampler thread on the same CPU still makes progress. */
struct barrier {
	alignas(CACHE_LINE) atomic_uint count;
	alignas(CACHE_LINE) atomic_uint sense;
	unsigned total;
	unsigned spin;
};

static inline void cpu_relax(void)
{
#ifdef STREAM_X86
	_mm_pause();
#endif
}

/* Wait for every thread. The last to arrive writes the time into *stamp (when given) just before
 * releasing the others: that instant is when the previous phase ended and the next one starts,
 * whichever thread the scheduler happens to run first afterwards. */
static void barrier_wait(struct barrier *b, unsigned *local_sense, double *stamp)
{
	unsigned s = *local_sense ^= 1u;
	if (atomic_fetch_sub_explicit(&b->count, 1, memory_order_acq_rel) == 1) {
		if (stamp)
			*stamp = nh_now();
		/* Re-arm first; nobody can arrive again before the release. */
		atomic_store_explicit(&b->count, b->total, memory_order_relaxed);
		atomic_store_explicit(&b->sense, s, memory_order_release);
		return;
	}
	for (unsigned i = 0; atomic_load_explicit(&b->sense, memory_order_acquire) != s; i++) {
		if (i < b->spin)
			cpu_relax();
		else
			sched_yield();
	}
}

enum gate { GATE_WAIT, GATE_GO, GATE_ABORT };

struct run;

/* Per-thread state, one cache line or more each so no two threads write the same line. */
struct worker {
	alignas(CACHE_LINE) struct run *run;
	pthread_t tid;
	unsigned index;
	int cpu;       /* -1: not pinned */
	size_t lo, hi; /* element range, on slice units except at the arrays' end */
	int pin_errno;
	double err_sum[3];
};

struct run {
	nh_wctx_t *ctx;
	nh_stream_kernel_fn *kernel;
	bool nt;
	double *a, *b, *c;
	unsigned ntimes;
	double expected[3];
	struct barrier bar;
	alignas(CACHE_LINE) atomic_int gate;
	atomic_int failed;
	double touch_start, touch_end;
	double *stamps; /* STREAM_NKERNELS + 1 per iteration, written by the barrier's last thread
			 */
};

static void wait_gate(struct run *r)
{
	for (unsigned i = 0; atomic_load_explicit(&r->gate, memory_order_acquire) == GATE_WAIT;
	     i++) {
		if (i < 1000)
			cpu_relax();
		else
			sched_yield();
	}
}

/* One STREAM iteration; stamps[0..4] get the start and the end of each kernel. */
static void run_kernels(struct run *r, struct worker *w, unsigned *sense, double *stamps)
{
	size_t lo = w->lo, n = w->hi - w->lo;
	double *a = r->a + lo, *b = r->b + lo, *c = r->c + lo, q = STREAM_SCALAR;
	bool nt = r->nt;

	barrier_wait(&r->bar, sense, &stamps[0]);
	r->kernel(NH_STREAM_COPY, c, a, NULL, q, n, nt);
	barrier_wait(&r->bar, sense, &stamps[1]);
	r->kernel(NH_STREAM_SCALE, b, c, NULL, q, n, nt);
	barrier_wait(&r->bar, sense, &stamps[2]);
	r->kernel(NH_STREAM_ADD, c, a, b, q, n, nt);
	barrier_wait(&r->bar, sense, &stamps[3]);
	r->kernel(NH_STREAM_TRIAD, a, b, c, q, n, nt);
	barrier_wait(&r->bar, sense, &stamps[4]);
}

static void *stream_thread(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	unsigned sense = 0;
	size_t lo = w->lo, n = w->hi - w->lo;

	wait_gate(r);
	if (atomic_load(&r->gate) == GATE_ABORT)
		return NULL;
	/* Pin before touching anything, so first touch places the pages on this CPU's node. */
	if (w->cpu >= 0 && nh_wctx_pin_thread(w->cpu) < 0) {
		w->pin_errno = errno;
		atomic_store(&r->failed, 1);
	}
	barrier_wait(&r->bar, &sense, NULL);
	if (atomic_load(&r->failed)) /* every thread reads it after the same barrier: all agree */
		return NULL;

	barrier_wait(&r->bar, &sense, &r->touch_start);
	for (size_t i = lo; i < lo + n; i++) {
		r->a[i] = 1.0;
		r->b[i] = 2.0;
		r->c[i] = 0.0;
	}
	barrier_wait(&r->bar, &sense, &r->touch_end);
	if (n) {
		nh_wctx_add_region(r->ctx, r->a + lo, n * sizeof(double), w->cpu);
		nh_wctx_add_region(r->ctx, r->b + lo, n * sizeof(double), w->cpu);
		nh_wctx_add_region(r->ctx, r->c + lo, n * sizeof(double), w->cpu);
	}

	for (unsigned k = 0; k < r->ntimes; k++)
		run_kernels(r, w, &sense, r->stamps + k * (STREAM_NKERNELS + 1));
	nh_wctx_ran_on(r->ctx);

	/* Each thread checks its own slice: the check reads as much memory as a kernel does. */
	w->err_sum[0] = abs_err_sum(r->a + lo, n, r->expected[0]);
	w->err_sum[1] = abs_err_sum(r->b + lo, n, r->expected[1]);
	w->err_sum[2] = abs_err_sum(r->c + lo, n, r->expected[2]);
	return NULL;
}

/* ---- the workload ---- */

/* clang-format off */
static const nh_param_def_t stream_params[] = {
	{.name = "size", .type = NH_PARAM_SIZE, .def = "auto", .min = 48 * 1024.0,
	 .max = 1024.0 * 1024 * 1024 * 1024, .keyword = "auto",
	 .help = "bytes of the three arrays together; auto: each array 4x the last-level cache"},
	{.name = "threads", .type = NH_PARAM_INT, .def = "all", .min = 1, .max = 4096,
	 .keyword = "all",
	 .help = "threads, pinned round-robin to the allowed CPUs; all: one per allowed CPU"},
	{.name = "ntimes", .type = NH_PARAM_INT, .def = "10", .min = 2, .max = 10000,
	 .help = "iterations of the four kernels; the first is a warm-up left out of the results"},
	{.name = "nt", .type = NH_PARAM_BOOL, .def = "0",
	 .help = "non-temporal (streaming) stores, bypassing the caches"},
	{.name = "kernel", .type = NH_PARAM_ENUM, .def = "auto",
	 .choices = "auto|avx512|avx|sse2|generic",
	 .help = "vector kernel variant; auto: the widest this CPU supports"},
	{.name = NULL},
};
/* clang-format on */

static const nh_metric_def_t stream_metrics[] = {
	{"copy", "MB/s", NH_BETTER_HIGHER, "c = a, best iteration, 16 bytes per element"},
	{"scale", "MB/s", NH_BETTER_HIGHER, "b = q*c, best iteration, 16 bytes per element"},
	{"add", "MB/s", NH_BETTER_HIGHER, "c = a + b, best iteration, 24 bytes per element"},
	{"triad", "MB/s", NH_BETTER_HIGHER, "a = b + q*c, best iteration, 24 bytes per element"},
	{"triad_avg", "MB/s", NH_BETTER_HIGHER,
	 "triad bytes over total triad time of the timed iterations (likwid-bench's measure)"},
	{"first_touch_s", "s", NH_BETTER_LOWER,
	 "time for the threads to fault in the three arrays"},
	{"validation_error", "ratio", NH_BETTER_LOWER,
	 "largest average relative error of the arrays after the run (STREAM fails above 1e-13)"},
	{.name = NULL},
};

static int stream_supported(char *reason, size_t len)
{
	(void)reason;
	(void)len;
	return 0;
}

static const nh_stream_variant_t *pick_variant(nh_wctx_t *ctx)
{
	const char *want = nh_wctx_param(ctx, "kernel");
	for (unsigned i = 0; i < NH_ARRAY_LEN(variants); i++) {
		if (strcmp(want, "auto") == 0 ? variants[i].usable()
					      : strcmp(want, variants[i].name) == 0)
			return &variants[i];
	}
	return NULL;
}

/* Elements per array: whole pages, so every thread's slice starts on a page of its own. */
static size_t array_elems(nh_wctx_t *ctx, size_t page)
{
	uint64_t bytes;
	if (nh_wctx_param_is_keyword(ctx, "size")) {
		uint64_t llc = nh_wctx_llc_bytes(ctx);
		bytes = 4 * (llc ? llc : UINT64_C(32) << 20);
		bytes = (bytes + page - 1) / page * page;
	} else {
		bytes = nh_wctx_param_size(ctx, "size") / 3 / page * page;
		if (bytes < page)
			bytes = page;
	}
	return (size_t)(bytes / sizeof(double));
}

/* The unit slices are cut in. Under transparent huge pages the first thread to touch a huge page
 * places all of it, so a huge page shared by two slices can land on the wrong node: cut on huge
 * page boundaries when slices are big enough that one unit more or less per thread costs little
 * balance (at least 32 units each), else on pages. */
static size_t slice_unit(size_t array_bytes, unsigned nthreads, size_t page)
{
	char line[32];
	size_t huge = 0;
	if (nh_read_line("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", line, sizeof line) ==
	    0)
		huge = (size_t)strtoull(line, NULL, 10);
	if (huge <= page || huge % page)
		huge = (size_t)2 << 20;
	return array_bytes / nthreads >= 32 * huge ? huge : page;
}

/* Bandwidth metrics from the barrier time stamps; iteration 0 is the warm-up. */
static void record_bandwidth(nh_wctx_t *ctx, const double *stamps, unsigned ntimes, size_t n)
{
	static const char *const names[STREAM_NKERNELS] = {"copy", "scale", "add", "triad"};
	static const double bytes_per_elem[STREAM_NKERNELS] = {16, 16, 24, 24};
	double best[STREAM_NKERNELS], total[STREAM_NKERNELS] = {0};
	for (int j = 0; j < STREAM_NKERNELS; j++)
		best[j] = INFINITY;
	for (unsigned k = 1; k < ntimes; k++) {
		const double *s = stamps + k * (STREAM_NKERNELS + 1);
		for (int j = 0; j < STREAM_NKERNELS; j++) {
			double t = s[j + 1] - s[j];
			t = t > 1e-9 ? t : 1e-9; /* a clock that did not move */
			best[j] = t < best[j] ? t : best[j];
			total[j] += t;
		}
	}
	for (int j = 0; j < STREAM_NKERNELS; j++)
		nh_wctx_metric(ctx, names[j], bytes_per_elem[j] * (double)n / best[j] / 1e6);
	nh_wctx_metric(ctx, "triad_avg", 24.0 * (double)n * (ntimes - 1) / total[3] / 1e6);
}

static enum nh_wl_status stream_run(nh_wctx_t *ctx)
{
	enum nh_wl_status status = NH_WL_FAIL;
	long sys_page = sysconf(_SC_PAGESIZE);
	size_t page = sys_page > 0 ? (size_t)sys_page : 4096;
	unsigned ncpus = nh_wctx_cpu_count(ctx);
	unsigned nthreads = nh_wctx_param_is_keyword(ctx, "threads")
				    ? (ncpus ? ncpus : 1)
				    : (unsigned)nh_wctx_param_int(ctx, "threads");
	unsigned ntimes = (unsigned)nh_wctx_param_int(ctx, "ntimes");
	bool nt = nh_wctx_param_bool(ctx, "nt");
	size_t n = array_elems(ctx, page), array_bytes = n * sizeof(double);

	const nh_stream_variant_t *v = pick_variant(ctx);
	if (!v) {
		nh_wctx_reason(ctx, "kernel %s is not built for this architecture",
			       nh_wctx_param(ctx, "kernel"));
		return NH_WL_SKIP;
	}
	if (!v->usable()) {
		nh_wctx_reason(ctx, "kernel %s needs %s, which this CPU lacks", v->name,
			       v->requires);
		return NH_WL_SKIP;
	}
	nh_wctx_note(ctx, "kernel", "%s", v->name);
	nh_wctx_note(ctx, "stores", "%s",
		     nt && strcmp(v->name, "generic") ? "non-temporal" : "normal");
	nh_wctx_note(ctx, "threads", "%u", nthreads);
	if (ncpus && nthreads > ncpus)
		nh_wctx_note(ctx, "oversubscribed", "%u threads share %u CPUs", nthreads, ncpus);
	nh_wctx_note(ctx, "array_bytes", "%zu", array_bytes);
	nh_wctx_note(ctx, "elements", "%zu", n);

	struct run r = {.ctx = ctx, .kernel = v->run, .nt = nt, .ntimes = ntimes};
	nh_stream_expected(ntimes, r.expected);
	r.bar.total = nthreads;
	r.bar.spin = ncpus && nthreads > ncpus ? 0 : 1u << 14;
	atomic_init(&r.bar.count, nthreads);
	atomic_init(&r.bar.sense, 0);
	atomic_init(&r.gate, GATE_WAIT);
	atomic_init(&r.failed, 0);

	/* One buffer, each array starting on a slice unit, so the same element index is a slice
	 * boundary in all three. Not touched here (unless the run asks for prefault): each thread
	 * faults in its own slices after pinning itself. */
	size_t unit = slice_unit(array_bytes, nthreads, page), unit_elems = unit / sizeof(double);
	size_t stride = (array_bytes + unit - 1) / unit * unit;
	char *base = nh_wctx_alloc(ctx, 3 * stride, unit);
	if (!base)
		return NH_WL_FAIL; /* the reason says what could not be allocated and why */
	nh_wctx_note(ctx, "slice_unit", "%zu", unit);
	r.a = (double *)base;
	r.b = (double *)(base + stride);
	r.c = (double *)(base + 2 * stride);

	struct worker *w = aligned_alloc(CACHE_LINE, nthreads * sizeof *w);
	r.stamps = calloc((size_t)ntimes * (STREAM_NKERNELS + 1), sizeof *r.stamps);
	if (!w || !r.stamps) {
		nh_wctx_reason(ctx, "out of memory for %u thread records", nthreads);
		goto out_free;
	}
	/* Whole units per thread, spread as evenly as they go; the last unit may be short. */
	size_t units = (n + unit_elems - 1) / unit_elems;
	for (unsigned i = 0; i < nthreads; i++) {
		w[i] = (struct worker){.run = &r, .index = i};
		w[i].cpu = ncpus ? nh_wctx_cpu(ctx, i % ncpus) : -1;
		w[i].lo = units * i / nthreads * unit_elems;
		w[i].hi = units * (i + 1) / nthreads * unit_elems;
		w[i].lo = w[i].lo < n ? w[i].lo : n;
		w[i].hi = w[i].hi < n ? w[i].hi : n;
	}

	unsigned started = 0;
	int rc = 0;
	for (; started < nthreads; started++) {
		rc = pthread_create(&w[started].tid, NULL, stream_thread, &w[started]);
		if (rc)
			break;
	}
	atomic_store_explicit(&r.gate, rc ? GATE_ABORT : GATE_GO, memory_order_release);
	for (unsigned i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	if (rc) {
		nh_wctx_reason(ctx, "cannot start thread %u of %u: %s", started + 1, nthreads,
			       strerror(rc));
		goto out_free;
	}
	if (atomic_load(&r.failed)) {
		for (unsigned i = 0; i < nthreads; i++) {
			if (w[i].pin_errno) {
				nh_wctx_reason(ctx, "cannot pin thread %u to CPU %d: %s", i,
					       w[i].cpu, strerror(w[i].pin_errno));
				break;
			}
		}
		goto out_free;
	}

	/* The buffers go away below: take the placement snapshot while they exist. */
	nh_wctx_observe_placement(ctx);
	nh_wctx_metric(ctx, "first_touch_s", r.touch_end - r.touch_start);

	double sums[3] = {0}, max_err;
	char why[256];
	for (unsigned i = 0; i < nthreads; i++)
		for (int k = 0; k < 3; k++)
			sums[k] += w[i].err_sum[k];
	rc = check_errors(sums, n, r.expected, &max_err, why, sizeof why);
	nh_wctx_metric(ctx, "validation_error", max_err);
	if (rc < 0) {
		/* Wrong results make the bandwidth meaningless: record none. */
		nh_wctx_reason(ctx, "validation failed: %s", why);
		goto out_free;
	}
	record_bandwidth(ctx, r.stamps, ntimes, n);
	status = NH_WL_OK;
out_free:
	free(r.stamps);
	free(w);
	nh_wctx_release(ctx, base);
	return status;
}

const nh_workload_t nh_workload_stream = {
	.name = "stream",
	.summary = "McCalpin STREAM copy/scale/add/triad bandwidth with per-thread first touch",
	.params = stream_params,
	.metrics = stream_metrics,
	.supported = stream_supported,
	.run = stream_run,
};
