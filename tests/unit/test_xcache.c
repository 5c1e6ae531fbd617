/* Unit tests of the xcache workload: the table's set/get and seqlock under concurrent writers,
 * value stamps, the Zipf sampler against exact probabilities, the latency histogram, parameter
 * and plan checks, and whole runs through a context. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
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
#include "../../workloads/xcache_internal.h"

extern const nh_workload_t nh_workload_xcache;

/* ---- the table ---- */

/* Distinct bytes for every (key, round, position), so a value from any other key, round or
 * offset compares unequal. */
static void fill_value(unsigned char *v, size_t size, uint64_t key, unsigned round)
{
	uint64_t state = key * 1000003 + round;
	for (size_t i = 0; i < size; i++)
		v[i] = (unsigned char)(nh_xcache_rand(&state) >> 56);
}

static void layout_and_load_factor(void **state)
{
	static const struct {
		uint64_t keys, buckets;
	} cases[] = {{16, 32}, {24, 32}, {25, 64}, {3072, 4096}, {3073, 8192}, {1000000, 1 << 21}};
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		nh_xcache_table_t *t = nh_xcache_table_create(cases[i].keys, 64);
		assert_non_null(t);
		uint64_t nb = nh_xcache_table_buckets(t);
		assert_int_equal(nb, cases[i].buckets);
		assert_true((double)cases[i].keys / (double)nb <= 0.75);
		nh_xcache_table_destroy(t);
	}
	/* Index (16 bytes a bucket) page-aligned, then whole 8-byte words per value. */
	size_t index = (size_t)64 * 16, index_pages = (index + page - 1) / page * page;
	assert_int_equal(nh_xcache_table_bytes(48, 8), index_pages + 48 * 8);
	assert_int_equal(nh_xcache_table_bytes(48, 13), index_pages + 48 * 16);
	assert_int_equal(nh_xcache_table_bytes(48, 1000), index_pages + 48 * 1000);
	(void)state;
}

/* Every key is there after building, stamped with version 0; every SET is read back exactly
 * by the next GET, whatever the value size; keys outside the set are absent. */
static void set_then_get_every_key(void **state)
{
	static const size_t sizes[] = {8, 13, 64, 1000, 65536};
	enum { KEYS = 4096 };
	for (size_t s = 0; s < NH_ARRAY_LEN(sizes); s++) {
		size_t size = sizes[s];
		uint64_t keys = size > 4096 ? 64 : KEYS;
		nh_xcache_table_t *t = nh_xcache_table_create(keys, size);
		unsigned char *in = malloc(size), *out = malloc(size);
		char why[256];
		uint32_t version = 99;
		assert_true(t && in && out);
		for (uint64_t k = 0; k < keys; k++) {
			assert_int_equal(nh_xcache_get(t, k, out, &version), 0);
			assert_int_equal(version, 0);
			if (nh_xcache_check(k, 0, out, size, why, sizeof why) != 0)
				fail_msg("size %zu: %s", size, why);
		}
		for (unsigned round = 1; round <= 2; round++) {
			for (uint64_t k = 0; k < keys; k++) {
				fill_value(in, size, k, round);
				assert_int_equal(nh_xcache_set(t, k, in), 0);
			}
			for (uint64_t k = 0; k < keys; k++) {
				fill_value(in, size, k, round);
				memset(out, 0xa5, size);
				assert_int_equal(nh_xcache_get(t, k, out, &version), 0);
				assert_int_equal(version, round);
				if (memcmp(in, out, size) != 0)
					fail_msg("size %zu key %llu round %u: value differs", size,
						 (unsigned long long)k, round);
			}
		}
		/* The workload's own SET: the next version, stamped. */
		for (uint64_t k = 0; k < keys; k++) {
			assert_int_equal(nh_xcache_set_stamp(t, k), 3);
			assert_int_equal(nh_xcache_get(t, k, out, &version), 0);
			assert_int_equal(version, 3);
			assert_int_equal(nh_xcache_check(k, 3, out, size, why, sizeof why), 0);
		}
		static const uint64_t absent[] = {KEYS, KEYS + 1, 1u << 31, UINT64_MAX - 1,
						  UINT64_MAX};
		for (size_t i = 0; i < NH_ARRAY_LEN(absent); i++) {
			errno = 0;
			assert_int_equal(nh_xcache_get(t, absent[i], out, &version), -1);
			assert_int_equal(errno, ENOENT);
			assert_int_equal(nh_xcache_set(t, absent[i], in), -1);
			assert_int_equal(nh_xcache_set_stamp(t, absent[i]), -1);
		}
		free(in);
		free(out);
		nh_xcache_table_destroy(t);
	}
	(void)state;
}

/* Another key's value, a value torn between two versions and a bad tail are all caught, and
 * the message says whose stamp was found. */
static void check_names_what_is_wrong(void **state)
{
	nh_xcache_table_t *t = nh_xcache_table_create(64, 64);
	unsigned char v0[64], v1[64], mixed[64];
	char why[256] = "";
	uint32_t version;
	assert_non_null(t);

	assert_int_equal(nh_xcache_get(t, 6, v0, &version), 0);
	assert_int_equal(nh_xcache_set(t, 5, v0), 0); /* key 5 now holds key 6's value */
	assert_int_equal(nh_xcache_get(t, 5, v1, &version), 0);
	assert_int_equal(version, 1);
	assert_int_equal(nh_xcache_check(5, 1, v1, 64, why, sizeof why), -1);
	assert_string_equal(why, "key 5 version 1: word 0 holds the stamp of key 6 version 0");

	assert_int_equal(nh_xcache_get(t, 7, v0, &version), 0);
	assert_int_equal(nh_xcache_set_stamp(t, 7), 1);
	assert_int_equal(nh_xcache_get(t, 7, v1, &version), 0);
	memcpy(mixed, v1, 32);
	memcpy(mixed + 32, v0 + 32, 32);
	assert_int_equal(nh_xcache_check(7, 1, v1, 64, why, sizeof why), 0);
	assert_int_equal(nh_xcache_check(7, 1, mixed, 64, why, sizeof why), -1);
	assert_string_equal(why, "key 7 version 1: word 4 holds the stamp of key 7 version 0");
	/* A copy shifted by one word is not the stamp either. */
	memcpy(mixed, v1 + 8, 56);
	memcpy(mixed + 56, v1, 8);
	assert_int_equal(nh_xcache_check(7, 1, mixed, 64, why, sizeof why), -1);
	nh_xcache_table_destroy(t);

	t = nh_xcache_table_create(16, 13);
	assert_non_null(t);
	assert_int_equal(nh_xcache_get(t, 3, v0, &version), 0);
	assert_int_equal(nh_xcache_check(3, 0, v0, 13, why, sizeof why), 0);
	v0[12] ^= 1;
	assert_int_equal(nh_xcache_check(3, 0, v0, 13, why, sizeof why), -1);
	assert_string_equal(why, "key 3 version 0: the last 5 bytes are not its stamp");
	nh_xcache_table_destroy(t);
	(void)state;
}

/* 2 writers and 2 readers on the same few keys: every GET is a whole value of one version, a
 * reader never sees a key's version go back, and no SET is lost (the final version of each key
 * is the number of SETs it got). */
enum { RACE_KEYS = 4, RACE_VALUE = 1000, RACE_SETS = 20000 };

struct race {
	nh_xcache_table_t *t;
	atomic_int writers_left;
	atomic_uint_fast64_t reads, errors;
	uint64_t sets[2][RACE_KEYS];
	char why[256 + sizeof " (last version 4294967295)"]; /* a reader's why, whole */
};

struct racer {
	struct race *race;
	unsigned index;
};

static void *race_writer(void *arg)
{
	struct racer *me = arg;
	struct race *r = me->race;
	uint64_t rng = 77 + me->index;
	for (unsigned i = 0; i < RACE_SETS; i++) {
		uint64_t k = nh_xcache_rand(&rng) % RACE_KEYS;
		if (nh_xcache_set_stamp(r->t, k) < 0)
			atomic_fetch_add(&r->errors, 1);
		r->sets[me->index][k]++;
	}
	atomic_fetch_sub(&r->writers_left, 1);
	return NULL;
}

static void *race_reader(void *arg)
{
	struct racer *me = arg;
	struct race *r = me->race;
	unsigned char value[RACE_VALUE];
	uint32_t last[RACE_KEYS] = {0}, version;
	uint64_t rng = 1234 + me->index, reads = 0;
	char why[256];
	while (atomic_load(&r->writers_left) > 0 || reads < 1000) {
		uint64_t k = nh_xcache_rand(&rng) % RACE_KEYS;
		reads++;
		if (nh_xcache_get(r->t, k, value, &version) < 0 ||
		    nh_xcache_check(k, version, value, RACE_VALUE, why, sizeof why) < 0 ||
		    version < last[k]) {
			if (atomic_fetch_add(&r->errors, 1) == 0)
				snprintf(r->why, sizeof r->why, "%s (last version %u)", why,
					 last[k]);
		}
		last[k] = version;
	}
	atomic_fetch_add(&r->reads, reads);
	return NULL;
}

static void concurrent_readers_see_whole_values(void **state)
{
	struct race r = {.t = nh_xcache_table_create(16, RACE_VALUE)};
	assert_non_null(r.t);
	atomic_init(&r.writers_left, 2);
	atomic_init(&r.reads, 0);
	atomic_init(&r.errors, 0);
	pthread_t tid[4];
	struct racer who[4];
	for (unsigned i = 0; i < 4; i++) {
		who[i] = (struct racer){&r, i % 2};
		assert_int_equal(
			pthread_create(&tid[i], NULL, i < 2 ? race_writer : race_reader, &who[i]),
			0);
	}
	for (unsigned i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	if (atomic_load(&r.errors))
		fail_msg("%llu bad reads; first: %s", (unsigned long long)atomic_load(&r.errors),
			 r.why);
	assert_true(atomic_load(&r.reads) >= 2000);
	unsigned char value[RACE_VALUE];
	uint32_t version;
	for (uint64_t k = 0; k < RACE_KEYS; k++) {
		assert_int_equal(nh_xcache_get(r.t, k, value, &version), 0);
		assert_int_equal(version, r.sets[0][k] + r.sets[1][k]);
	}
	nh_xcache_table_destroy(r.t);
	(void)state;
}

/* ---- Zipf ---- */

static double harmonic(uint64_t from, uint64_t to, double s)
{
	double h = 0;
	for (uint64_t k = to; k >= from && k > 0; k--) /* smallest terms first */
		h += pow((double)k, -s);
	return h;
}

static void assert_near(double got, double want, double rel, const char *what)
{
	if (!(fabs(got - want) <= rel * want))
		fail_msg("%s: %g, want %g within %.0f%%", what, got, want, rel * 100);
}

/* A count of draws against its expected probability: within 5 standard deviations of the
 * binomial (draws are seeded, so this never flickers; a biased sampler is off by far more). */
static void assert_frequency(uint64_t count, uint64_t draws, double p, const char *what)
{
	double want = (double)draws * p, sd = sqrt(want * (1 - p));
	if (!(fabs((double)count - want) <= 5 * sd))
		fail_msg("%s: %llu of %llu draws, want %.1f +- %.1f", what,
			 (unsigned long long)count, (unsigned long long)draws, want, 5 * sd);
}

/* Rank frequencies over 1M draws against 1/H(n,s) k^-s, for s below, near and above 1, plus
 * the mass of the far tail (ranks n/2 and up), which a wrong inversion gets wrong first. */
static void zipf_matches_exact_probabilities(void **state)
{
	static const double exponents[] = {0.5, 0.99, 1.2};
	enum { DRAWS = 1000000 };
	const uint64_t n = 1000000;
	for (size_t e = 0; e < NH_ARRAY_LEN(exponents); e++) {
		double s = exponents[e], h = harmonic(1, n, s);
		nh_xcache_zipf_t z;
		nh_xcache_zipf_init(&z, n, s);
		uint64_t rng = 42, c0 = 0, c1 = 0, c9 = 0, tail = 0;
		for (unsigned i = 0; i < DRAWS; i++) {
			uint64_t rank = nh_xcache_zipf_rank(&z, &rng);
			assert_true(rank < n);
			c0 += rank == 0;
			c1 += rank == 1;
			c9 += rank == 9;
			tail += rank >= n / 2;
		}
		char what[64];
		snprintf(what, sizeof what, "s=%g rank 1", s);
		assert_frequency(c0, DRAWS, 1 / h, what);
		snprintf(what, sizeof what, "s=%g rank 2", s);
		assert_frequency(c1, DRAWS, pow(2, -s) / h, what);
		snprintf(what, sizeof what, "s=%g rank 10", s);
		assert_frequency(c9, DRAWS, pow(10, -s) / h, what);
		snprintf(what, sizeof what, "s=%g ranks n/2..n", s);
		assert_frequency(tail, DRAWS, harmonic(n / 2 + 1, n, s) / h, what);
	}
	/* Skewed as expected: at s=0.99 the hottest key takes about 7% of the draws. */
	assert_true(1 / harmonic(1, n, 0.99) > 0.06 && 1 / harmonic(1, n, 0.99) < 0.08);
	(void)state;
}

/* A small n: every rank's frequency against its exact probability. */
static void zipf_small_n_every_rank(void **state)
{
	enum { N = 16, DRAWS = 400000 };
	nh_xcache_zipf_t z;
	nh_xcache_zipf_init(&z, N, 0.99);
	uint64_t count[N] = {0}, rng = 7;
	for (unsigned i = 0; i < DRAWS; i++) {
		uint64_t rank = nh_xcache_zipf_rank(&z, &rng);
		assert_true(rank < N);
		count[rank]++;
	}
	double h = harmonic(1, N, 0.99);
	for (unsigned k = 0; k < N; k++) {
		char what[32];
		snprintf(what, sizeof what, "rank %u", k + 1);
		assert_frequency(count[k], DRAWS, pow(k + 1, -0.99) / h, what);
	}
	(void)state;
}

/* Ranks map onto keys one to one, and the hottest ranks are spread over the key space rather
 * than being the first keys (which would be the first slab slots). */
static void zipf_keys_cover_and_scatter(void **state)
{
	static const uint64_t sizes[] = {16, 3000, 4096, 1000003, UINT64_C(1) << 30};
	for (size_t i = 0; i < NH_ARRAY_LEN(sizes); i++) {
		uint64_t n = sizes[i];
		nh_xcache_zipf_t z;
		nh_xcache_zipf_init(&z, n, 0.99);
		if (n <= 4096) {
			unsigned char *seen = calloc(n, 1);
			assert_non_null(seen);
			for (uint64_t r = 0; r < n; r++) {
				uint64_t k = nh_xcache_zipf_key(&z, r);
				assert_true(k < n);
				assert_false(seen[k]);
				seen[k] = 1;
			}
			free(seen);
		}
		/* The division-free remainder against the plain one. */
		uint64_t rng = 5;
		for (unsigned j = 0; j < 100000; j++) {
			uint64_t r = nh_xcache_rand(&rng) % n;
			assert_int_equal(nh_xcache_zipf_key(&z, r), (r * z.mult + z.offset) % n);
		}
		assert_int_equal(nh_xcache_zipf_key(&z, n - 1), ((n - 1) * z.mult + z.offset) % n);
		if (n < 4096)
			continue;
		unsigned low = 0;
		uint64_t lo = n, hi = 0;
		for (uint64_t r = 0; r < 64; r++) {
			uint64_t k = nh_xcache_zipf_key(&z, r);
			low += k < n / 16;
			lo = k < lo ? k : lo;
			hi = k > hi ? k : hi;
		}
		assert_true(low <= 16);
		assert_true(hi - lo > n / 2);
	}
	(void)state;
}

/* ---- latency histogram ---- */

static void histogram_quantiles(void **state)
{
	nh_xcache_hist_t *h = calloc(1, sizeof *h), *g = calloc(1, sizeof *g);
	assert_true(h && g);
	assert_true(isnan(nh_xcache_hist_quantile(h, 0.5)));

	/* Below 128 every value has a bucket of its own. */
	for (uint64_t v = 1; v <= 100; v++)
		nh_xcache_hist_add(h, v);
	assert_true(nh_xcache_hist_quantile(h, 0.5) == 50);
	assert_true(nh_xcache_hist_quantile(h, 0.99) == 99);
	assert_true(nh_xcache_hist_quantile(h, 1.0) == 100);
	assert_true(nh_xcache_hist_quantile(h, 0.001) == 1);

	/* Larger values: within 1/128 of the truth (midpoint of a 1/64-wide bucket). */
	for (uint64_t v = 1000; v < 1000000; v += 7)
		nh_xcache_hist_add(g, v);
	nh_xcache_hist_add(g, UINT64_C(1) << 62); /* beyond the range: the last bucket */
	uint64_t n = g->total;
	double want50 = 1000 + 7.0 * (double)((n + 1) / 2 - 1);
	assert_near(nh_xcache_hist_quantile(g, 0.5), want50, 1.0 / 128, "p50");
	assert_near(nh_xcache_hist_quantile(g, 0.99), 1000 + 7.0 * ((double)n * 0.99 - 1),
		    1.0 / 128, "p99");
	assert_true(nh_xcache_hist_quantile(g, 1.0) > 1e13);

	uint64_t before = h->total;
	nh_xcache_hist_merge(h, g);
	assert_int_equal(h->total, before + n);
	free(h);
	free(g);
	(void)state;
}

/* ---- parameters and plan ---- */

static void check_param(const char *kv, const char *want)
{
	check_workload_param(&nh_workload_xcache, kv, want);
}

static void params_checked(void **state)
{
	check_param("value_size=0", "xcache: parameter 'value_size': 0 is outside 8 B .. 64 KiB");
	check_param("set_ratio=101",
		    "xcache: parameter 'set_ratio': number 101 out of range [0, 100]");
	check_param("value_size=65537",
		    "xcache: parameter 'value_size': 65537 is outside 8 B .. 64 KiB");
	check_param("keys=15", "xcache: parameter 'keys': number 15 out of range [16, 1073741824]");
	check_param("miss_ratio=-1", "xcache: parameter 'miss_ratio': bad number '-1'");
	check_param("dist=pareto", "xcache: parameter 'dist': 'pareto' is not one of uniform|zipf");
	check_param("zipf_s=abc", "xcache: parameter 'zipf_s': 'abc' is not a number in 0.01 .. 5");
	check_param("zipf_s=0", "xcache: parameter 'zipf_s': '0' is not a number in 0.01 .. 5");
	check_param("zipf_s=nan", "xcache: parameter 'zipf_s': 'nan' is not a number in 0.01 .. 5");
	check_param("duration=1ms",
		    "xcache: parameter 'duration': 1ms is outside 0.01 s .. 3600 s");
	check_param("threads=0",
		    "xcache: parameter 'threads': number 0 out of range [1, 4096] (or 'all')");
	check_param("sample_every=0",
		    "xcache: parameter 'sample_every': number 0 out of range [1, 4096]");
	check_param("zipf_s=1.5", NULL);
	check_param("value_size=64K", NULL);
	check_param("threads=all", NULL);

	/* Defaults are filled in. */
	nh_params_t p = {0};
	nh_err_t err;
	assert_int_equal(nh_workload_check_params(&nh_workload_xcache, &p, &err), 0);
	assert_string_equal(nh_params_get(&p, "keys"), "1000000");
	assert_string_equal(nh_params_get(&p, "value_size"), "64");
	assert_string_equal(nh_params_get(&p, "threads"), "all");
	assert_string_equal(nh_params_get(&p, "duration"), "2s");
	assert_string_equal(nh_params_get(&p, "set_ratio"), "10");
	assert_string_equal(nh_params_get(&p, "dist"), "uniform");
	assert_string_equal(nh_params_get(&p, "zipf_s"), "0.99");
	(void)state;
}

static int plan_check(const char *threads, unsigned cpus, char *why, size_t len)
{
	char kv[64];
	snprintf(kv, sizeof kv, "threads=%s", threads ? threads : "all");
	return workload_plan_check(&nh_workload_xcache, cpus, why, len, kv, NULL);
}

static void plan_rejects_more_threads_than_cpus(void **state)
{
	char why[256] = "";
	assert_non_null(nh_workload_xcache.check_plan);
	assert_int_equal(plan_check("4", 2, why, sizeof why), -1);
	assert_string_equal(why, "threads=4 is more than the 2 CPUs the policy allows");
	assert_int_equal(plan_check("2", 1, why, sizeof why), -1);
	assert_string_equal(why, "threads=2 is more than the 1 CPU the policy allows");
	assert_int_equal(plan_check("2", 2, why, sizeof why), 0);
	assert_int_equal(plan_check("1", 64, why, sizeof why), 0);
	assert_int_equal(plan_check("all", 1, why, sizeof why), 0);
	assert_int_equal(plan_check(NULL, 3, why, sizeof why), 0);
	(void)state;
}

/* ---- whole runs ---- */

#define run_xcache(...) run_workload(&nh_workload_xcache, 0, __VA_ARGS__)
#define run_xcache_v(...) run_workload_v(&nh_workload_xcache, 0, __VA_ARGS__)

/* An OK run: no errors, a positive rate, ordered percentiles where there were operations of
 * that kind, one region (the table) touched by the first allowed CPU, threads on allowed CPUs. */
static void check_ok_run(const nh_wctx_t *ctx, const nh_set_t *cpus, uint64_t keys,
			 size_t value_size, unsigned set_ratio)
{
	assert_true(nh_wctx_metric_value(ctx, "errors") == 0);
	assert_true(nh_wctx_metric_value(ctx, "ops_per_s") > 0);
	assert_true(nh_wctx_metric_value(ctx, "build_s") >= 0);
	assert_true(nh_wctx_metric_value(ctx, "table_bytes") ==
		    (double)nh_xcache_table_bytes(keys, value_size));
	assert_int_equal(has_metric(ctx, "get_p50_ns"), set_ratio < 100);
	assert_int_equal(has_metric(ctx, "set_p50_ns"), set_ratio > 0);
	if (set_ratio < 100) {
		double p50 = nh_wctx_metric_value(ctx, "get_p50_ns");
		double p99 = nh_wctx_metric_value(ctx, "get_p99_ns");
		double p999 = nh_wctx_metric_value(ctx, "get_p999_ns");
		assert_true(p50 >= 0 && p50 <= p99 && p99 <= p999);
		assert_true(nh_wctx_metric_value(ctx, "hit_ratio") == 1.0);
	}
	if (set_ratio > 0) {
		double p50 = nh_wctx_metric_value(ctx, "set_p50_ns");
		assert_true(p50 >= 0 && p50 <= nh_wctx_metric_value(ctx, "set_p99_ns"));
	}
	assert_int_equal(nh_wctx_region_count(ctx), 1);
	const nh_wctx_region_t *reg = nh_wctx_region(ctx, 0);
	int first = nh_set_next(cpus, 0);
	assert_int_equal(reg->touch_cpu, first);
	assert_int_equal(reg->len, nh_xcache_table_bytes(keys, value_size));
	char note[32];
	snprintf(note, sizeof note, "build_cpu=%d;", first);
	assert_true(has_note(ctx, note));
	assert_true(has_note(ctx, "serve_cpus="));
	assert_true(nh_set_subset(nh_wctx_cpus_ran_on(ctx), cpus));
	assert_false(nh_set_empty(nh_wctx_cpus_ran_on(ctx)));
}

/* Value sizes x SET shares x key distributions x thread counts, 50 ms each. */
static void runs_ok_across_configurations(void **state)
{
	static const char *const sizes[] = {"8", "64", "1000"};
	static const unsigned ratios[] = {0, 10, 100};
	static const char *const dists[] = {"uniform", "zipf"};
	nh_set_t cpus;
	allowed_cpus(&cpus);
	for (size_t s = 0; s < NH_ARRAY_LEN(sizes); s++)
		for (size_t r = 0; r < NH_ARRAY_LEN(ratios); r++)
			for (size_t d = 0; d < NH_ARRAY_LEN(dists); d++)
				for (unsigned threads = 1; threads <= 2; threads++) {
					char vs[32], sr[32], ds[32], th[32];
					snprintf(vs, sizeof vs, "value_size=%s", sizes[s]);
					snprintf(sr, sizeof sr, "set_ratio=%u", ratios[r]);
					snprintf(ds, sizeof ds, "dist=%s", dists[d]);
					snprintf(th, sizeof th, "threads=%u", threads);
					nh_wctx_t *ctx =
						run_xcache(&cpus, NH_WL_OK, "keys=4096", vs, sr, ds,
							   th, "duration=50ms", NULL);
					check_ok_run(ctx, &cpus, 4096, strtoul(sizes[s], NULL, 10),
						     ratios[r]);
					snprintf(th, sizeof th, "threads=%u;", threads);
					assert_true(has_note(ctx, th));
					nh_wctx_free(ctx);
				}
	(void)state;
}

static void run_with_misses(void **state)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx = run_xcache(&cpus, NH_WL_OK, "keys=4096", "set_ratio=0", "miss_ratio=25",
				    "duration=100ms", "sample_every=1", NULL);
	double hit = nh_wctx_metric_value(ctx, "hit_ratio");
	if (!(hit > 0.73 && hit < 0.77))
		fail_msg("hit_ratio %g, want about 0.75", hit);
	assert_true(nh_wctx_metric_value(ctx, "errors") == 0);
	assert_true(has_metric(ctx, "get_p50_ns"));
	nh_wctx_free(ctx);

	/* Only misses: no hit latency to report, and that is not an error. */
	ctx = run_xcache(&cpus, NH_WL_OK, "keys=4096", "set_ratio=0", "miss_ratio=100",
			 "duration=30ms", NULL);
	assert_true(nh_wctx_metric_value(ctx, "hit_ratio") == 0);
	assert_false(has_metric(ctx, "get_p50_ns"));
	nh_wctx_free(ctx);
	(void)state;
}

/* threads=all is one per allowed CPU; more threads than CPUs share them and still finish (a
 * test context is not checked against the plan). */
static void run_threads_all_and_oversubscribed(void **state)
{
	nh_set_t all, one;
	allowed_cpus(&all);
	nh_wctx_t *ctx = run_xcache(&all, NH_WL_OK, "keys=1024", "duration=30ms", NULL);
	char want[32];
	snprintf(want, sizeof want, "threads=%u;", nh_set_count(&all));
	assert_true(has_note(ctx, want));
	check_ok_run(ctx, &all, 1024, 64, 10);
	nh_wctx_free(ctx);

	nh_set_clear(&one);
	nh_set_add(&one, (unsigned)nh_set_next(&all, 0));
	ctx = run_xcache(&one, NH_WL_OK, "keys=1024", "threads=3", "dist=zipf", "set_ratio=50",
			 "duration=50ms", NULL);
	assert_true(has_note(ctx, "oversubscribed=3 threads share 1 CPUs"));
	check_ok_run(ctx, &one, 1024, 64, 50);
	nh_wctx_free(ctx);
	(void)state;
}

/* A table the address-space limit refuses: a failed run whose reason names the size. */
static void map_failure(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
	skip(); /* ASan reserves terabytes of address space; a limit would break it */
#else
	struct rlimit old;
	limit_address_space((rlim_t)8 << 30, &old);
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_wctx_t *ctx =
		run_xcache(&cpus, NH_WL_FAIL, "keys=100000000", "value_size=1K", "threads=1", NULL);
	restore_address_space(&old);
	assert_non_null(strstr(nh_wctx_reason_text(ctx), "cannot map"));
	assert_false(has_metric(ctx, "ops_per_s"));
	nh_wctx_free(ctx);
#endif
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout_and_load_factor),
		cmocka_unit_test(set_then_get_every_key),
		cmocka_unit_test(check_names_what_is_wrong),
		cmocka_unit_test(concurrent_readers_see_whole_values),
		cmocka_unit_test(zipf_matches_exact_probabilities),
		cmocka_unit_test(zipf_small_n_every_rank),
		cmocka_unit_test(zipf_keys_cover_and_scatter),
		cmocka_unit_test(histogram_quantiles),
		cmocka_unit_test(params_checked),
		cmocka_unit_test(plan_rejects_more_threads_than_cpus),
		cmocka_unit_test(runs_ok_across_configurations),
		cmocka_unit_test(run_with_misses),
		cmocka_unit_test(run_threads_all_and_oversubscribed),
		cmocka_unit_test(map_failure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
