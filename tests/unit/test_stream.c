/* Unit tests of the stream workload: whole runs through a context, every kernel variant against a
 * plain reference, and STREAM's result check. */
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

#include "workload_ctx.h"
#include "../../workloads/stream_kernels.h"
#include "workload_testing.h"

extern const nh_workload_t nh_workload_stream;

static const char *const bandwidth_metrics[] = {"copy", "scale", "add", "triad", "triad_avg"};

#define run_stream(cpus, llc, ...) run_workload(&nh_workload_stream, llc, cpus, __VA_ARGS__)

static size_t note_size(const nh_wctx_t *ctx, const char *key)
{
	char pat[64];
	snprintf(pat, sizeof pat, "%s=", key);
	const char *at = strstr(nh_wctx_notes(ctx), pat);
	assert_non_null(at);
	return (size_t)strtoull(at + strlen(pat), NULL, 10);
}

static int cmp_region(const void *l, const void *r)
{
	uintptr_t a = (uintptr_t)((const nh_wctx_region_t *)l)->addr;
	uintptr_t b = (uintptr_t)((const nh_wctx_region_t *)r)->addr;
	return a < b ? -1 : a > b;
}

/* An OK run: all metrics positive, error zero, and the regions tile the three arrays exactly,
 * without overlap, cut on slice units, each touched by an allowed CPU. */
static void check_ok_run(const nh_wctx_t *ctx, const nh_set_t *cpus, size_t want_array_bytes)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(bandwidth_metrics); i++) {
		double v = nh_wctx_metric_value(ctx, bandwidth_metrics[i]);
		if (!(v > 0))
			fail_msg("metric %s = %g", bandwidth_metrics[i], v);
	}
	assert_true(nh_wctx_metric_value(ctx, "first_touch_s") >= 0);
	assert_true(nh_wctx_metric_value(ctx, "validation_error") == 0.0);

	size_t array_bytes = note_size(ctx, "array_bytes"), unit = note_size(ctx, "slice_unit");
	assert_int_equal(array_bytes, want_array_bytes);
	assert_int_equal(note_size(ctx, "elements"), array_bytes / sizeof(double));
	assert_int_equal(unit % (size_t)sysconf(_SC_PAGESIZE), 0);

	unsigned n = nh_wctx_region_count(ctx);
	assert_true(n >= 3);
	nh_wctx_region_t *rs = calloc(n, sizeof *rs);
	assert_non_null(rs);
	for (unsigned i = 0; i < n; i++)
		rs[i] = *nh_wctx_region(ctx, i);
	qsort(rs, n, sizeof *rs, cmp_region);
	size_t total = 0;
	for (unsigned i = 0; i < n; i++) {
		assert_true(rs[i].touch_cpu >= 0 && nh_set_has(cpus, (unsigned)rs[i].touch_cpu));
		assert_int_equal((uintptr_t)rs[i].addr % unit, 0);
		if (i > 0)
			assert_true((const char *)rs[i - 1].addr + rs[i - 1].len <=
				    (const char *)rs[i].addr);
		total += rs[i].len;
	}
	assert_int_equal(total, 3 * array_bytes);
	free(rs);
}

static void run_two_threads(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx =
		run_stream(&cpus, 0, NH_WL_OK, "size=3M", "ntimes=3", "threads=2", "nt=0", NULL);
	check_ok_run(ctx, &cpus, 1 << 20);
	assert_non_null(strstr(nh_wctx_notes(ctx), "threads=2"));
	assert_non_null(strstr(nh_wctx_notes(ctx), "stores=normal"));
	assert_non_null(strstr(nh_wctx_notes(ctx), "kernel="));
	nh_wctx_free(ctx);
	(void)state;
}

static void run_one_thread_nt(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx =
		run_stream(&cpus, 0, NH_WL_OK, "size=3M", "ntimes=3", "threads=1", "nt=1", NULL);
	check_ok_run(ctx, &cpus, 1 << 20);
	assert_int_equal(nh_wctx_region_count(ctx), 3);
	nh_wctx_free(ctx);
	(void)state;
}

/* Every variant this CPU runs, both store kinds, through the whole workload. */
static void run_each_variant(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	for (unsigned i = 0; i < nh_stream_variant_count(); i++) {
		const nh_stream_variant_t *v = nh_stream_variant_at(i);
		char kernel[64];
		snprintf(kernel, sizeof kernel, "kernel=%s", v->name);
		for (int nt = 0; nt < 2; nt++) {
			nh_wctx_t *ctx = run_stream(&cpus, 0, v->usable() ? NH_WL_OK : NH_WL_SKIP,
						    "size=600K", "ntimes=4", "threads=2", kernel,
						    nt ? "nt=1" : "nt=0", NULL);
			if (v->usable())
				check_ok_run(ctx, &cpus, 200 * 1024);
			else
				assert_non_null(strstr(nh_wctx_reason_text(ctx), v->requires));
			nh_wctx_free(ctx);
		}
	}
	(void)state;
}

/* More threads than CPUs and than pages: they share CPUs, some get no slice, and it still
 * finishes and validates (the barrier yields rather than spinning forever). */
static void run_oversubscribed(void **state)
{
	nh_set_t all, one;
	allowed_cpus(&all);
	nh_set_clear(&one);
	nh_set_add(&one, (unsigned)nh_set_next(&all, 0));
	/* 48K: 4 pages an array, so 4 of the 8 threads get one page each. */
	nh_wctx_t *ctx = run_stream(&one, 0, NH_WL_OK, "size=48K", "ntimes=5", "threads=8", NULL);
	check_ok_run(ctx, &one, 16 * 1024);
	assert_int_equal(nh_wctx_region_count(ctx), 4 * 3);
	assert_non_null(strstr(nh_wctx_notes(ctx), "oversubscribed=8 threads share 1 CPUs"));
	nh_wctx_free(ctx);
	(void)state;
}

/* Slices big enough are cut on transparent-huge-page boundaries, so under THP no huge page is
 * shared by two threads (whoever touched it first would place all of it). */
static void run_huge_slices(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_stream(&cpus, 0, NH_WL_OK, "size=192M", "ntimes=2", "threads=1", NULL);
	check_ok_run(ctx, &cpus, 64 << 20);
	assert_true(note_size(ctx, "slice_unit") >= (2 << 20));
	nh_wctx_free(ctx);
	ctx = run_stream(&cpus, 0, NH_WL_OK, "size=192M", "ntimes=2", "threads=2", NULL);
	check_ok_run(ctx, &cpus, 64 << 20);
	assert_int_equal(note_size(ctx, "slice_unit"), (size_t)sysconf(_SC_PAGESIZE));
	nh_wctx_free(ctx);
	(void)state;
}

/* size=auto: each array four times the LLC; threads=all: one per allowed CPU. */
static void run_auto_size(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_stream(&cpus, 256 * 1024, NH_WL_OK, "ntimes=2", NULL);
	check_ok_run(ctx, &cpus, 1 << 20);
	char want[32];
	snprintf(want, sizeof want, "threads=%u", nh_set_count(&cpus));
	assert_non_null(strstr(nh_wctx_notes(ctx), want));
	nh_wctx_free(ctx);
	(void)state;
}

static void params_rejected(void **state)
{
	static const char *const bad[] = {"ntimes=1", "size=1K",     "threads=0",
					  "nt=maybe", "kernel=avx9", "colour=red"};
	for (size_t i = 0; i < NH_ARRAY_LEN(bad); i++) {
		nh_params_t p = {0};
		nh_err_t err;
		assert_int_equal(nh_params_set_kv(&p, bad[i], &err), 0);
		assert_int_equal(nh_workload_check_params(&nh_workload_stream, &p, &err), -1);
		assert_non_null(strstr(err.msg, "stream: "));
	}
	(void)state;
}

/* A mapping the address-space limit refuses: a failed run whose reason names the size. */
static void map_failure(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
	skip(); /* ASan reserves terabytes of address space; a limit would break it */
#else
	struct rlimit old;
	limit_address_space((rlim_t)8 << 30, &old);
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_stream(&cpus, 0, NH_WL_FAIL, "size=48G", "threads=1", NULL);
	restore_address_space(&old);
	assert_non_null(strstr(nh_wctx_reason_text(ctx), "cannot map 48 GiB"));
	assert_true(isnan(nh_wctx_metric_value(ctx, "triad")));
	nh_wctx_free(ctx);
#endif
	(void)state;
}

/* ---- kernels against a plain reference ---- */

static double reference(enum nh_stream_op op, double x, double y, double q)
{
	switch (op) {
	case NH_STREAM_COPY: return x;
	case NH_STREAM_SCALE: return q * x;
	case NH_STREAM_ADD: return x + y;
	default: return x + q * y;
	}
}

/* Values with few significant bits, so q*y is exact and a fused multiply-add rounds exactly as
 * a multiply then add: any difference is a wrong element, not a rounding choice. */
static double input(size_t i, unsigned salt)
{
	return (double)((i * 7919 + salt) % 4096) * 0.125 - 100;
}

#define GUARD 16
#define MAX_LEN 4099
/* Room for the longest case, its offsets and guards; a multiple of 8 doubles for aligned_alloc. */
#define CAP ((MAX_LEN + 2 * GUARD + 8 + 7) / 8 * 8)

/* One kernel call on n elements, dst and sources each offset from a 64-byte boundary by off[]:
 * every element in range must equal the reference bit for bit, and nothing outside it may be
 * written. */
static void check_kernel_case(const nh_stream_variant_t *var, enum nh_stream_op op, bool nt,
			      size_t n, const size_t off[3], double *dst, double *x, double *y)
{
	const double q = 3.0, canary = -7.5e300;
	double *d = dst + GUARD + off[0];
	const double *xs = x + off[1], *ys = y + off[2];
	for (size_t i = 0; i < CAP; i++) {
		dst[i] = canary;
		x[i] = input(i, 1);
		y[i] = input(i, 2);
	}
	bool uses_y = op == NH_STREAM_ADD || op == NH_STREAM_TRIAD;
	var->run(op, d, xs, uses_y ? ys : NULL, q, n, nt);
	for (size_t i = 0; i < CAP; i++) {
		const double *at = dst + i;
		double want =
			at >= d && at < d + n ? reference(op, xs[at - d], ys[at - d], q) : canary;
		if (memcmp(at, &want, sizeof want) != 0)
			fail_msg("%s op %d nt %d n %zu off %zu/%zu/%zu: [%td] = %g, want %g",
				 var->name, op, nt, n, off[0], off[1], off[2], at - d, *at, want);
	}
}

static void kernels_match_reference(void **state)
{
	static const size_t lengths[] = {0, 1, 3, 7, 8, 15, 31, 33, 63, 64, 65, 1001, MAX_LEN};
	static const size_t offsets[][3] = {{0, 0, 0}, {1, 1, 1}, {3, 0, 5}, {0, 2, 1}, {7, 7, 7}};
	double *dst = aligned_alloc(64, CAP * sizeof(double));
	double *x = aligned_alloc(64, CAP * sizeof(double));
	double *y = aligned_alloc(64, CAP * sizeof(double));
	assert_true(dst && x && y);
	unsigned tested = 0;

	for (unsigned v = 0; v < nh_stream_variant_count(); v++) {
		const nh_stream_variant_t *var = nh_stream_variant_at(v);
		if (!var->usable())
			continue;
		tested++;
		for (int op = NH_STREAM_COPY; op <= NH_STREAM_TRIAD; op++)
			for (int nt = 0; nt < 2; nt++)
				for (size_t l = 0; l < NH_ARRAY_LEN(lengths); l++)
					for (size_t o = 0; o < NH_ARRAY_LEN(offsets); o++)
						check_kernel_case(var, (enum nh_stream_op)op, nt,
								  lengths[l], offsets[o], dst, x,
								  y);
	}
	assert_true(tested >= 1); /* "generic" always runs */
	free(dst);
	free(x);
	free(y);
	(void)state;
}

static void variants_named_and_best_first(void **state)
{
	unsigned n = nh_stream_variant_count();
	assert_true(n >= 1);
	assert_null(nh_stream_variant_at(n));
	assert_string_equal(nh_stream_variant_at(n - 1)->name, "generic");
#if defined(__x86_64__)
	assert_string_equal(nh_stream_variant_at(0)->name, "avx512");
	assert_true(n == 4);
	assert_true(nh_stream_variant_at(2)->usable()); /* sse2 is part of x86-64 */
#endif
	(void)state;
}

/* ---- STREAM's result check ---- */

static void fill3(double *a, double *b, double *c, size_t n, unsigned ntimes)
{
	double e[3];
	nh_stream_expected(ntimes, e);
	for (size_t i = 0; i < n; i++) {
		a[i] = e[0];
		b[i] = e[1];
		c[i] = e[2];
	}
}

static void expected_values(void **state)
{
	double e[3];
	nh_stream_expected(1, e);
	/* c = a = 1; b = 3c = 3; c = a + b = 4; a = b + 3c = 15 */
	assert_true(e[0] == 15.0 && e[1] == 3.0 && e[2] == 4.0);
	nh_stream_expected(2, e);
	assert_true(e[0] == 225.0 && e[1] == 45.0 && e[2] == 60.0);
	(void)state;
}

static void validation_accepts_and_rejects(void **state)
{
	enum { N = 1000 };
	static double a[N], b[N], c[N];
	char why[256] = "";
	double err = -1;

	fill3(a, b, c, N, 10);
	assert_int_equal(nh_stream_validate(a, b, c, N, 10, &err, why, sizeof why), 0);
	assert_true(err == 0.0);

	/* One element off by a part in a thousand: average error 1e-6, far above 1e-13. */
	b[N / 2] *= 1.001;
	assert_int_equal(nh_stream_validate(a, b, c, N, 10, &err, why, sizeof why), -1);
	assert_non_null(strstr(why, "array b: average relative error"));
	assert_non_null(strstr(why, "exceeds 1e-13"));
	assert_true(err > 1e-7 && err < 1e-5);

	/* The wrong iteration count is caught for every array; a names it first. */
	fill3(a, b, c, N, 10);
	assert_int_equal(nh_stream_validate(a, b, c, N, 9, &err, why, sizeof why), -1);
	assert_non_null(strstr(why, "array a:"));

	/* A NaN must not slip through a "greater than" comparison. */
	fill3(a, b, c, N, 10);
	c[3] = NAN;
	assert_int_equal(nh_stream_validate(a, b, c, N, 10, &err, why, sizeof why), -1);
	assert_non_null(strstr(why, "array c:"));

	/* Past ~260 iterations the values overflow: infinity everywhere is still "as expected",
	 * a finite element where infinity belongs is not. */
	fill3(a, b, c, N, 400);
	assert_true(isinf(a[0]));
	assert_int_equal(nh_stream_validate(a, b, c, N, 400, &err, why, sizeof why), 0);
	a[0] = 1.0;
	assert_int_equal(nh_stream_validate(a, b, c, N, 400, &err, why, sizeof why), -1);
	(void)state;
}

/* A long run (values overflow to infinity) still validates through the workload. */
static void run_many_iterations(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx =
		run_stream(&cpus, 0, NH_WL_OK, "size=48K", "ntimes=300", "threads=2", NULL);
	check_ok_run(ctx, &cpus, 16 * 1024);
	nh_wctx_free(ctx);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(variants_named_and_best_first),
		cmocka_unit_test(kernels_match_reference),
		cmocka_unit_test(expected_values),
		cmocka_unit_test(validation_accepts_and_rejects),
		cmocka_unit_test(params_rejected),
		cmocka_unit_test(run_two_threads),
		cmocka_unit_test(run_one_thread_nt),
		cmocka_unit_test(run_each_variant),
		cmocka_unit_test(run_oversubscribed),
		cmocka_unit_test(run_huge_slices),
		cmocka_unit_test(run_auto_size),
		cmocka_unit_test(run_many_iterations),
		cmocka_unit_test(map_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
