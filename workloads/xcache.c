/* SPDX-License-Identifier: MIT */
/* xcache: a cache bound to the wrong node — a hash table built (first-touched) by one pinned
 * thread, then served GET/SET by pinned threads through per-entry seqlocks, every value checked. */
#include "workload.h"
#include "xcache_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#define XCACHE_X86 1
#endif

#define CACHE_LINE 64
#define EMPTY_KEY UINT64_MAX
#define ZIPF_S_MIN 0.01
#define ZIPF_S_MAX 5.0
#define MAX_KEYS (UINT64_C(1) << 30) /* slots fit 32 bits, and key << 32 keeps the key whole */

uint64_t nh_xcache_rand(uint64_t *state) { return nh_lt_rand(state); }

static size_t page_size(void)
{
	long page = sysconf(_SC_PAGESIZE);
	return page > 0 ? (size_t)page : 4096;
}

static size_t round_up(size_t x, size_t unit) { return (x + unit - 1) / unit * unit; }

/* ---- the table ---- */

/* 16 bytes, four to a line: a GET's probe usually stays in one line, and the seqlock sits next to
 * the key, so re-reading it after the copy costs no extra miss. */
struct bucket {
	uint64_t key;	      /* EMPTY_KEY when free; written only while building */
	_Atomic uint32_t seq; /* odd while a writer changes the value; twice the sets so far */
	uint32_t slot;	      /* the value's index in the slab */
};

struct nh_xcache_table {
	struct bucket *buckets;
	_Atomic uint64_t *slab; /* keys values, `words` 8-byte words each */
	uint64_t keys, mask;
	size_t value_size, words;
	size_t index_bytes, bytes;
	void *own; /* the heap memory of a table from nh_xcache_table_create */
};

/* The smallest power of two that keeps the load factor at or below 3/4. */
static uint64_t index_buckets(uint64_t keys)
{
	uint64_t want = (4 * keys + 2) / 3, n = 16;
	while (n < want)
		n <<= 1;
	return n;
}

/* The slab starts on a page of its own, so the index and the values can be told apart in
 * numa_maps and a page never mixes the two. */
static void layout(struct nh_xcache_table *t, uint64_t keys, size_t value_size)
{
	uint64_t nb = index_buckets(keys);
	*t = (struct nh_xcache_table){.keys = keys, .mask = nb - 1, .value_size = value_size};
	t->words = (value_size + 7) / 8;
	t->index_bytes = nb * sizeof(struct bucket);
	t->bytes = round_up(t->index_bytes, page_size()) + keys * t->words * 8;
}

size_t nh_xcache_table_bytes(uint64_t keys, size_t value_size)
{
	struct nh_xcache_table t;
	layout(&t, keys, value_size);
	return t.bytes;
}

uint64_t nh_xcache_table_buckets(const nh_xcache_table_t *t) { return t->mask + 1; }

/* Every 8-byte word of a value names its key, its version and its own position, so a torn copy
 * (words of two versions), another key's value or a shifted copy all differ from the stamp. */
static inline uint64_t stamp_word(uint64_t key, uint32_t version, size_t i)
{
	return (key << 32 | version) ^ (uint64_t)i * NH_LT_GOLDEN;
}

static inline _Atomic uint64_t *value_of(const struct nh_xcache_table *t, const struct bucket *b)
{
	return t->slab + (size_t)b->slot * t->words;
}

/* Lay a table out in mem (page-aligned, nh_xcache_table_bytes long), mark every bucket empty and
 * insert every key with its version-0 stamp. */
static void table_build(struct nh_xcache_table *t, void *mem, uint64_t keys, size_t value_size)
{
	layout(t, keys, value_size);
	t->buckets = mem;
	t->slab = (_Atomic uint64_t *)((char *)mem + round_up(t->index_bytes, page_size()));
	/* Every byte is written here, index first, then the slab in order: whoever calls this is
	 * the first toucher of the whole table. */
	for (uint64_t i = 0; i <= t->mask; i++) {
		t->buckets[i].key = EMPTY_KEY;
		atomic_init(&t->buckets[i].seq, 0);
		t->buckets[i].slot = 0;
	}
	for (uint64_t k = 0; k < keys; k++) {
		uint64_t i = nh_lt_mix64(k) & t->mask;
		while (t->buckets[i].key != EMPTY_KEY)
			i = (i + 1) & t->mask;
		t->buckets[i].key = k;
		t->buckets[i].slot = (uint32_t)k;
		_Atomic uint64_t *v = value_of(t, &t->buckets[i]);
		for (size_t w = 0; w < t->words; w++)
			atomic_store_explicit(&v[w], stamp_word(k, 0, w), memory_order_relaxed);
	}
}

nh_xcache_table_t *nh_xcache_table_create(uint64_t keys, size_t value_size)
{
	size_t page = page_size();
	struct nh_xcache_table *t = calloc(1, sizeof *t);
	void *mem = t ? aligned_alloc(page, round_up(nh_xcache_table_bytes(keys, value_size), page))
		      : NULL;
	if (!mem) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	table_build(t, mem, keys, value_size);
	t->own = mem;
	return t;
}

void nh_xcache_table_destroy(nh_xcache_table_t *t)
{
	if (!t)
		return;
	free(t->own);
	free(t);
}

/* Linear probing from the key's hash; keys are never removed, so an empty bucket ends a miss. */
static inline struct bucket *find(const struct nh_xcache_table *t, uint64_t key)
{
	for (uint64_t i = nh_lt_mix64(key) & t->mask;; i = (i + 1) & t->mask) {
		struct bucket *b = &t->buckets[i];
		if (b->key == key)
			return b;
		if (b->key == EMPTY_KEY)
			return NULL;
	}
}

/* Copy a value out under its seqlock: retry while a writer holds it (odd count) or when the
 * count moved during the copy. Relaxed atomic loads keep the racing copy defined behaviour in
 * C11 and are plain moves on x86. Returns the retries it took. */
static inline unsigned read_value(const struct nh_xcache_table *t, struct bucket *b,
				  unsigned char *out, uint32_t *version)
{
	const _Atomic uint64_t *src = value_of(t, b);
	size_t full = t->value_size / 8, tail = t->value_size % 8;
	unsigned retries = 0, spins = 0;
	for (;;) {
		uint32_t s1 = atomic_load_explicit(&b->seq, memory_order_acquire);
		if (!(s1 & 1)) {
			for (size_t i = 0; i < full; i++) {
				uint64_t w = atomic_load_explicit(&src[i], memory_order_relaxed);
				memcpy(out + 8 * i, &w, 8);
			}
			if (tail) {
				uint64_t w = atomic_load_explicit(&src[full], memory_order_relaxed);
				memcpy(out + 8 * full, &w, tail);
			}
			/* Orders the copy before the re-read: a word from a newer write implies we
			 * see that writer's odd count (Boehm's seqlock reader, fence-fence sync).
			 */
			atomic_thread_fence(memory_order_acquire);
			if (atomic_load_explicit(&b->seq, memory_order_relaxed) == s1) {
				*version = s1 >> 1;
				return retries;
			}
		}
		retries++;
		nh_lt_backoff(&spins);
	}
}

/* Writers exclude each other by moving the count from even to odd; the release fence makes
 * the odd count visible before any word of the value changes. Returns the even count taken. */
static inline uint32_t write_lock(struct bucket *b)
{
	unsigned spins = 0;
	uint32_t s = atomic_load_explicit(&b->seq, memory_order_relaxed);
	while ((s & 1) || !atomic_compare_exchange_weak_explicit(
				  &b->seq, &s, s + 1, memory_order_acquire, memory_order_relaxed)) {
		nh_lt_backoff(&spins);
		s = atomic_load_explicit(&b->seq, memory_order_relaxed);
	}
	atomic_thread_fence(memory_order_release);
	return s;
}

static inline void write_unlock(struct bucket *b, uint32_t s)
{
	atomic_store_explicit(&b->seq, s + 2, memory_order_release);
}

/* The version a reader will compute from the count after this write: (s + 2) / 2, wrapped as
 * the 32-bit count wraps. */
static inline uint32_t next_version(uint32_t s) { return (uint32_t)(s + 2) >> 1; }

static inline uint32_t write_stamp(const struct nh_xcache_table *t, struct bucket *b, uint64_t key)
{
	_Atomic uint64_t *dst = value_of(t, b);
	uint32_t s = write_lock(b), version = next_version(s);
	for (size_t i = 0; i < t->words; i++)
		atomic_store_explicit(&dst[i], stamp_word(key, version, i), memory_order_relaxed);
	write_unlock(b, s);
	return version;
}

int nh_xcache_set(nh_xcache_table_t *t, uint64_t key, const void *value)
{
	struct bucket *b = key == EMPTY_KEY ? NULL : find(t, key);
	if (!b) {
		errno = ENOENT;
		return -1;
	}
	const unsigned char *in = value;
	_Atomic uint64_t *dst = value_of(t, b);
	size_t full = t->value_size / 8, tail = t->value_size % 8;
	uint32_t s = write_lock(b);
	for (size_t i = 0; i < full; i++) {
		uint64_t w;
		memcpy(&w, in + 8 * i, 8);
		atomic_store_explicit(&dst[i], w, memory_order_relaxed);
	}
	if (tail) {
		uint64_t w = 0;
		memcpy(&w, in + 8 * full, tail);
		atomic_store_explicit(&dst[full], w, memory_order_relaxed);
	}
	write_unlock(b, s);
	return 0;
}

int64_t nh_xcache_set_stamp(nh_xcache_table_t *t, uint64_t key)
{
	struct bucket *b = key == EMPTY_KEY ? NULL : find(t, key);
	if (!b) {
		errno = ENOENT;
		return -1;
	}
	return write_stamp(t, b, key);
}

int nh_xcache_get(const nh_xcache_table_t *t, uint64_t key, void *out, uint32_t *version)
{
	struct bucket *b = key == EMPTY_KEY ? NULL : find(t, key);
	if (!b) {
		errno = ENOENT;
		return -1;
	}
	(void)read_value(t, b, out, version);
	return 0;
}

/* The fast check every GET makes: no branch per word, so it vectorises. */
static inline bool stamp_ok(uint64_t key, uint32_t version, const unsigned char *v, size_t size)
{
	uint64_t base = key << 32 | version, diff = 0;
	size_t full = size / 8, tail = size % 8;
	for (size_t i = 0; i < full; i++) {
		uint64_t w;
		memcpy(&w, v + 8 * i, 8);
		diff |= w ^ base ^ (uint64_t)i * NH_LT_GOLDEN;
	}
	if (tail) {
		uint64_t want = stamp_word(key, version, full);
		if (memcmp(v + 8 * full, &want, tail) != 0)
			return false;
	}
	return diff == 0;
}

int nh_xcache_check(uint64_t key, uint32_t version, const void *value, size_t value_size, char *why,
		    size_t len)
{
	const unsigned char *v = value;
	if (stamp_ok(key, version, v, value_size))
		return 0;
	for (size_t i = 0; i * 8 < value_size; i++) {
		uint64_t want = stamp_word(key, version, i), got = 0;
		size_t n = value_size - i * 8 < 8 ? value_size - i * 8 : 8;
		if (memcmp(v + 8 * i, &want, n) == 0)
			continue;
		memcpy(&got, v + 8 * i, n);
		got ^= (uint64_t)i * NH_LT_GOLDEN; /* what (key << 32 | version) the word was made from */
		if (n < 8)
			snprintf(why, len,
				 "key %" PRIu64 " version %" PRIu32
				 ": the last %zu bytes are not its stamp",
				 key, version, n);
		else
			snprintf(why, len,
				 "key %" PRIu64 " version %" PRIu32
				 ": word %zu holds the stamp of key %" PRIu64 " version %" PRIu32,
				 key, version, i, got >> 32, (uint32_t)got);
		return -1;
	}
	snprintf(why, len, "key %" PRIu64 ": value does not match its stamp", key);
	return -1;
}

/* ---- Zipf keys (Hörmann and Derflinger, "Rejection-inversion to generate variates from
 * monotone discrete distributions", 1996; as in Apache Commons RNG) ---- */

/* log1p(x) / x and expm1(x) / x, with their series near 0 where the quotients lose digits. */
static double helper1(double x)
{
	return fabs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

static double helper2(double x)
{
	return fabs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

/* H(x) = (x^(1-s) - 1) / (1 - s), the integral of x^-s, written so it is continuous at s = 1. */
static inline double zipf_hi(double s, double x)
{
	double lx = log(x);
	return helper2((1 - s) * lx) * lx;
}

static inline double zipf_h(double s, double x) { return exp(-s * log(x)); }

static inline double zipf_hi_inv(double s, double x)
{
	double t = x * (1 - s);
	return exp(helper1(t < -1 ? -1 : t) * x);
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

void nh_xcache_zipf_init(nh_xcache_zipf_t *z, uint64_t n, double s)
{
	*z = (nh_xcache_zipf_t){.n = n, .s = s};
	z->h_x1 = zipf_hi(s, 1.5) - 1;
	z->h_n = zipf_hi(s, (double)n + 0.5);
	z->quick = 2 - zipf_hi_inv(s, zipf_hi(s, 2.5) - zipf_h(s, 2));
	/* Consecutive ranks step by about 0.618 n through the keys, starting somewhere arbitrary,
	 * so the hottest keys are neither the first slab slots nor neighbours of each other. */
	uint64_t m = (uint64_t)((double)n * 0.6180339887498949) | 1;
	if (m >= n)
		m = 1;
	while (gcd(m, n) != 1)
		m += 2;
	z->mult = m;
	z->offset = n > 1 ? nh_lt_mix64(n) % n : 0;
	z->inv = UINT64_MAX / n;
}

static inline uint64_t zipf_rank(const nh_xcache_zipf_t *z, uint64_t *rng)
{
	const double s = z->s;
	for (;;) {
		double u01 = (double)(nh_lt_rand(rng) >> 11) * 0x1p-53;
		double u = z->h_n + u01 * (z->h_x1 - z->h_n);
		double x = zipf_hi_inv(s, u), kd = floor(x + 0.5);
		uint64_t k = kd < 1 ? 1 : kd > (double)z->n ? z->n : (uint64_t)kd;
		/* Most draws are accepted by the cheap test; the rest pay two more logs. */
		if ((double)k - x <= z->quick ||
		    u >= zipf_hi(s, (double)k + 0.5) - zipf_h(s, (double)k))
			return k - 1;
	}
}

/* (rank * mult + offset) mod n without a division (tens of cycles, as much as the rest of
 * the draw): with inv = floor(2^64 / n) the quotient estimate is short by at most 2 for
 * x < 2^64 - 1, so two conditional subtractions finish the remainder. */
static inline uint64_t zipf_key(const nh_xcache_zipf_t *z, uint64_t rank)
{
	uint64_t x = rank * z->mult + z->offset;
	uint64_t r = x - (uint64_t)(((unsigned __int128)x * z->inv) >> 64) * z->n;
	r = r >= z->n ? r - z->n : r;
	return r >= z->n ? r - z->n : r;
}

uint64_t nh_xcache_zipf_rank(const nh_xcache_zipf_t *z, uint64_t *rng) { return zipf_rank(z, rng); }

uint64_t nh_xcache_zipf_key(const nh_xcache_zipf_t *z, uint64_t rank) { return zipf_key(z, rank); }

/* ---- latency histogram ---- */

void nh_xcache_hist_add(nh_xcache_hist_t *h, uint64_t value) { nh_lt_hist_add(h, value); }

void nh_xcache_hist_merge(nh_xcache_hist_t *into, const nh_xcache_hist_t *from)
{
	nh_lt_hist_merge(into, from);
}

double nh_xcache_hist_quantile(const nh_xcache_hist_t *h, double q) { return nh_lt_hist_quantile(h, q); }

/* ---- threads ---- */

enum gate { GATE_WAIT, GATE_GO, GATE_ABORT };

struct run;

/* Per-thread state, a cache line or more each so no two threads write the same line. */
struct worker {
	alignas(CACHE_LINE) struct run *run;
	pthread_t tid;
	unsigned index;
	int cpu; /* -1: not pinned */
	int pin_errno;
	bool no_memory;
	bool no_table; /* the reason is already set, by nh_wctx_alloc */
	uint64_t rng;
	uint64_t timer_overhead; /* ticks */
	nh_xcache_hist_t *get_hist, *set_hist;
	unsigned char *value; /* where GETs copy values to */
	/* results */
	double seconds;
	uint64_t gets, hits, misses, sets, retries, errors;
	char bad_why[200];
};

struct run {
	nh_wctx_t *ctx;
	struct nh_xcache_table table;
	void *mem; /* index and slab in one buffer, mapped by the builder */
	size_t bytes;
	uint64_t keys;
	size_t value_size;
	unsigned set_pct, miss_pct, every;
	bool zipf, tsc;
	nh_xcache_zipf_t z;
	pthread_barrier_t bar; /* sleeping, not spinning: the builder must not share its CPU */
	double build_s;
	alignas(CACHE_LINE) atomic_int gate;
	atomic_int failed;
	alignas(CACHE_LINE) atomic_bool stop; /* read by every thread all the time: a line alone */
};

static void wait_gate(struct run *r)
{
	for (unsigned i = 0; atomic_load_explicit(&r->gate, memory_order_acquire) == GATE_WAIT;
	     i++) {
		if (i < 1000)
			nh_lt_relax();
		else
			sched_yield();
	}
}

/* Keep the first wrong result of a thread for the reason. */
static void record_error(struct worker *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void record_error(struct worker *w, const char *fmt, ...)
{
	if (w->errors++)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->bad_why, sizeof w->bad_why, fmt, ap);
	va_end(ap);
}

/* The timed phase: batches of `every` operations, the last of each timed alone (the key drawn
 * before the clock starts, the check after it stops), until the main thread says stop. */
static void serve(struct run *r, struct worker *w)
{
	const struct nh_xcache_table *t = &r->table;
	const uint64_t n = r->keys, ovh = w->timer_overhead;
	const unsigned every = r->every, set_pct = r->set_pct, miss_pct = r->miss_pct;
	const bool tsc = r->tsc, zipf = r->zipf;
	const size_t vsize = r->value_size;
	unsigned char *value = w->value;
	uint64_t rng = w->rng, gets = 0, hits = 0, misses = 0, sets = 0, retries = 0;
	double start = nh_now();

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		for (unsigned k = 1; k <= every; k++) {
			uint64_t x = nh_lt_rand(&rng);
			bool set = (x & 0xffffffffu) * 100 >> 32 < set_pct;
			bool miss = !set && (x >> 32) * 100 >> 32 < miss_pct;
			uint64_t key;
			if (miss)
				key = n + nh_lt_below(nh_lt_rand(&rng), n); /* never stored */
			else if (zipf)
				key = zipf_key(&r->z, zipf_rank(&r->z, &rng));
			else
				key = nh_lt_below(nh_lt_rand(&rng), n);
			bool timed = k == every;
			uint32_t version = 0;
			uint64_t t0 = timed ? nh_lt_tick_begin(tsc) : 0;
			struct bucket *b = find(t, key);
			if (b) {
				if (set)
					(void)write_stamp(t, b, key);
				else
					retries += read_value(t, b, value, &version);
			}
			if (timed && b) {
				uint64_t d = nh_lt_tick_end(tsc) - t0;
				nh_lt_hist_add(set ? w->set_hist : w->get_hist, d > ovh ? d - ovh : 0);
			}

			if (set) {
				sets++;
				if (!b)
					record_error(w, "SET: key %" PRIu64 " is missing", key);
				continue;
			}
			gets++;
			if (b && !miss) {
				hits++;
				if (!stamp_ok(key, version, value, vsize)) {
					char why[160];
					nh_xcache_check(key, version, value, vsize, why,
							sizeof why);
					record_error(w, "GET %s", why);
				}
			} else if (!b && miss) {
				misses++;
			} else {
				record_error(w, "GET: key %" PRIu64 " %s", key,
					     b ? "was never stored but was found" : "is missing");
			}
		}
	}
	w->seconds = nh_now() - start;
	w->gets = gets;
	w->hits = hits;
	w->misses = misses;
	w->sets = sets;
	w->retries = retries;
}

static void *xcache_thread(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;

	wait_gate(r);
	if (atomic_load(&r->gate) == GATE_ABORT)
		return NULL;
	/* Pin before touching anything: the builder's first touch places the table, and each
	 * thread's own small buffers land where it runs. Thread 0, on the first allowed CPU, is
	 * the builder; it maps the table too, so that prefault=1 touches it from there as well. */
	if (w->cpu >= 0 && nh_wctx_pin_thread(w->cpu) < 0) {
		w->pin_errno = errno;
		atomic_store(&r->failed, 1);
	} else if (w->index == 0 && !(r->mem = nh_wctx_alloc(r->ctx, r->bytes, 0))) {
		w->no_table = true;
		atomic_store(&r->failed, 1);
	} else {
		w->get_hist = calloc(1, sizeof *w->get_hist);
		w->set_hist = calloc(1, sizeof *w->set_hist);
		w->value = aligned_alloc(CACHE_LINE, round_up(r->value_size, CACHE_LINE));
		if (!w->get_hist || !w->set_hist || !w->value) {
			w->no_memory = true;
			atomic_store(&r->failed, 1);
		}
	}
	pthread_barrier_wait(&r->bar);
	if (atomic_load(&r->failed)) /* read by everyone after the same barrier: all agree */
		return NULL;

	/* The builder alone writes the table, so all of it is first-touched from its CPU under
	 * the run's memory policy. */
	if (w->index == 0) {
		double t0 = nh_now();
		table_build(&r->table, r->mem, r->keys, r->value_size);
		r->build_s = nh_now() - t0;
		nh_wctx_add_region(r->ctx, r->mem, r->table.bytes, w->cpu);
	}
	w->timer_overhead = nh_lt_timer_overhead(r->tsc);
	pthread_barrier_wait(&r->bar);

	serve(r, w);
	nh_wctx_ran_on(r->ctx);
	return NULL;
}

/* ---- the workload ---- */

static int check_zipf_s(const char *value, nh_err_t *err)
{
	char *end;
	double s = strtod(value, &end);
	if (end == value || *end || !(s >= ZIPF_S_MIN && s <= ZIPF_S_MAX)) {
		errno = EINVAL;
		return nh_err_set(err, "'%s' is not a number in %g .. %g", value, ZIPF_S_MIN,
				  ZIPF_S_MAX);
	}
	return 0;
}

/* clang-format off */
static const nh_param_def_t xcache_params[] = {
	{.name = "keys", .type = NH_PARAM_INT, .def = "1000000", .min = 16,
	 .max = (double)MAX_KEYS,
	 .help = "entries, keys 0..keys-1, all inserted while building (index at load <= 0.75)"},
	{.name = "value_size", .type = NH_PARAM_SIZE, .def = "64", .min = 8, .max = 65536,
	 .help = "bytes of each value, kept in whole 8-byte words in a slab after the index"},
	{.name = "threads", .type = NH_PARAM_INT, .def = "all", .min = 1, .max = 4096,
	 .keyword = "all",
	 .help = "threads, pinned round-robin to the allowed CPUs; all: one per allowed CPU"},
	{.name = "duration", .type = NH_PARAM_DURATION, .def = "2s", .min = 0.01, .max = 3600,
	 .help = "how long the threads serve (the build is not part of it)"},
	{.name = "set_ratio", .type = NH_PARAM_INT, .def = "10", .min = 0, .max = 100,
	 .help = "percent of operations that are SETs; the rest are GETs"},
	{.name = "miss_ratio", .type = NH_PARAM_INT, .def = "0", .min = 0, .max = 100,
	 .help = "percent of GETs for keys not in the table (each probes to an empty bucket)"},
	{.name = "dist", .type = NH_PARAM_ENUM, .def = "uniform", .choices = "uniform|zipf",
	 .help = "key popularity: uniform, or Zipf with the hot keys scattered over the table"},
	{.name = "zipf_s", .type = NH_PARAM_STRING, .def = "0.99", .check = check_zipf_s,
	 .help = "Zipf exponent for dist=zipf, 0.01 .. 5 (YCSB's zipfian constant is 0.99)"},
	{.name = "sample_every", .type = NH_PARAM_INT, .def = "16", .min = 1, .max = 4096,
	 .help = "time every Nth operation of each thread on its own, for the percentiles"},
	{.name = NULL},
};
/* clang-format on */

static const nh_metric_def_t xcache_metrics[] = {
	{"ops_per_s", "ops/s", NH_BETTER_HIGHER,
	 "GETs and SETs of all threads, each thread's count over its own serving time, summed"},
	{"get_p50_ns", "ns", NH_BETTER_LOWER, "median GET hit: probe, seqlock read, copy out"},
	{"get_p99_ns", "ns", NH_BETTER_LOWER, "99th percentile GET hit"},
	{"get_p999_ns", "ns", NH_BETTER_LOWER, "99.9th percentile GET hit"},
	{"set_p50_ns", "ns", NH_BETTER_LOWER, "median SET: probe, seqlock write of the value"},
	{"set_p99_ns", "ns", NH_BETTER_LOWER, "99th percentile SET"},
	{"hit_ratio", "ratio", NH_BETTER_NONE, "GETs that found their key (set by miss_ratio)"},
	{"errors", "count", NH_BETTER_LOWER,
	 "GETs that returned a value not stamped with their key and version, or lost keys"},
	{"table_bytes", "B", NH_BETTER_NONE, "index and value slab, as placed by the build"},
	{"build_s", "s", NH_BETTER_LOWER, "time for one thread to first-touch and fill the table"},
	{.name = NULL},
};

static int xcache_supported(char *reason, size_t len)
{
	(void)reason;
	(void)len;
	return 0;
}

static int xcache_check_plan(const nh_params_t *params, unsigned cpus, char *why, size_t len)
{
	const char *v = nh_params_get(params, "threads");
	if (!v || strcmp(v, "all") == 0)
		return 0;
	unsigned long long n = strtoull(v, NULL, 10);
	if (n <= cpus)
		return 0;
	snprintf(why, len, "threads=%llu is more than the %u CPU%s the policy allows", n, cpus,
		 cpus == 1 ? "" : "s");
	return -1;
}

static void sleep_for(double seconds)
{
	struct timespec ts = {.tv_sec = (time_t)seconds,
			      .tv_nsec = (long)((seconds - floor(seconds)) * 1e9)};
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* Percentiles of the merged histograms, ticks converted to ns; nothing when nothing was timed
 * (no SETs at set_ratio=0, no GET hits at set_ratio=100). */
static void record_latency(nh_wctx_t *ctx, const nh_xcache_hist_t *get, const nh_xcache_hist_t *set,
			   double ns_per_tick)
{
	if (get->total) {
		nh_wctx_metric(ctx, "get_p50_ns", nh_xcache_hist_quantile(get, 0.50) * ns_per_tick);
		nh_wctx_metric(ctx, "get_p99_ns", nh_xcache_hist_quantile(get, 0.99) * ns_per_tick);
		nh_wctx_metric(ctx, "get_p999_ns",
			       nh_xcache_hist_quantile(get, 0.999) * ns_per_tick);
	}
	if (set->total) {
		nh_wctx_metric(ctx, "set_p50_ns", nh_xcache_hist_quantile(set, 0.50) * ns_per_tick);
		nh_wctx_metric(ctx, "set_p99_ns", nh_xcache_hist_quantile(set, 0.99) * ns_per_tick);
	}
}

static void free_workers(struct worker *w, unsigned n)
{
	for (unsigned i = 0; w && i < n; i++) {
		free(w[i].get_hist);
		free(w[i].set_hist);
		free(w[i].value);
	}
	free(w);
}

static enum nh_wl_status xcache_run(nh_wctx_t *ctx)
{
	enum nh_wl_status status = NH_WL_FAIL;
	unsigned ncpus = nh_wctx_cpu_count(ctx);
	unsigned nthreads = nh_wctx_param_is_keyword(ctx, "threads")
				    ? (ncpus ? ncpus : 1)
				    : (unsigned)nh_wctx_param_int(ctx, "threads");
	double duration = 2.0;
	(void)nh_parse_duration(nh_wctx_param(ctx, "duration"), &duration, NULL);

	struct run r = {
		.ctx = ctx,
		.keys = (uint64_t)nh_wctx_param_int(ctx, "keys"),
		.value_size = (size_t)nh_wctx_param_size(ctx, "value_size"),
		.set_pct = (unsigned)nh_wctx_param_int(ctx, "set_ratio"),
		.miss_pct = (unsigned)nh_wctx_param_int(ctx, "miss_ratio"),
		.every = (unsigned)nh_wctx_param_int(ctx, "sample_every"),
		.zipf = strcmp(nh_wctx_param(ctx, "dist"), "zipf") == 0,
		.tsc = nh_lt_tsc_usable(),
	};
	if (r.zipf)
		nh_xcache_zipf_init(&r.z, r.keys, strtod(nh_wctx_param(ctx, "zipf_s"), NULL));
	atomic_init(&r.gate, GATE_WAIT);
	atomic_init(&r.failed, 0);
	atomic_init(&r.stop, false);

	r.bytes = nh_xcache_table_bytes(r.keys, r.value_size);
	struct worker *w = aligned_alloc(CACHE_LINE, nthreads * sizeof *w);
	nh_xcache_hist_t *get = calloc(1, sizeof *get), *set = calloc(1, sizeof *set);
	if (!w || !get || !set || pthread_barrier_init(&r.bar, NULL, nthreads + 1) != 0) {
		nh_wctx_reason(ctx, "out of memory for %u thread records", nthreads);
		free(w);
		w = NULL;
		goto out_free;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		w[i] = (struct worker){.run = &r, .index = i};
		w[i].cpu = ncpus ? nh_wctx_cpu(ctx, i % ncpus) : -1;
		w[i].rng = nh_lt_mix64(NH_LT_GOLDEN * (i + 1));
	}

	unsigned started = 0;
	int rc = 0;
	for (; started < nthreads; started++) {
		rc = pthread_create(&w[started].tid, NULL, xcache_thread, &w[started]);
		if (rc)
			break;
	}
	atomic_store_explicit(&r.gate, rc ? GATE_ABORT : GATE_GO, memory_order_release);
	uint64_t tick0 = 0, tick1 = 0;
	double now0 = 0, now1 = 0;
	if (!rc) {
		pthread_barrier_wait(&r.bar); /* pinned (or failed) */
		if (!atomic_load(&r.failed)) {
			pthread_barrier_wait(&r.bar); /* built */
			/* The serving time is also the TSC's calibration interval. */
			now0 = nh_now();
			tick0 = nh_lt_tick_end(r.tsc);
			sleep_for(duration);
			atomic_store_explicit(&r.stop, true, memory_order_relaxed);
		}
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(w[i].tid, NULL);
	tick1 = nh_lt_tick_end(r.tsc);
	now1 = nh_now();
	pthread_barrier_destroy(&r.bar);
	if (rc) {
		nh_wctx_reason(ctx, "cannot start thread %u of %u: %s", started + 1, nthreads,
			       strerror(rc));
		goto out_workers;
	}
	if (atomic_load(&r.failed)) {
		for (unsigned i = 0; i < nthreads; i++) {
			if (w[i].pin_errno) {
				nh_wctx_reason(ctx, "cannot pin thread %u to CPU %d: %s", i,
					       w[i].cpu, strerror(w[i].pin_errno));
				break;
			}
			if (w[i].no_table)
				break;
			if (w[i].no_memory) {
				nh_wctx_reason(ctx, "out of memory for thread %u's buffers", i);
				break;
			}
		}
		goto out_workers;
	}

	/* The table goes away below: take the placement snapshot while it exists. */
	nh_wctx_observe_placement(ctx);

	double ops_per_s = 0, ovh = 0;
	uint64_t gets = 0, hits = 0, sets = 0, retries = 0, errors = 0;
	const struct worker *bad = NULL;
	nh_set_t served;
	nh_set_clear(&served);
	for (unsigned i = 0; i < nthreads; i++) {
		ops_per_s += (double)(w[i].gets + w[i].sets) /
			     (w[i].seconds > 1e-9 ? w[i].seconds : 1e-9);
		gets += w[i].gets;
		hits += w[i].hits;
		sets += w[i].sets;
		retries += w[i].retries;
		errors += w[i].errors;
		ovh += (double)w[i].timer_overhead / nthreads;
		if (w[i].errors && !bad)
			bad = &w[i];
		if (w[i].cpu >= 0)
			nh_set_add(&served, (unsigned)w[i].cpu);
		nh_xcache_hist_merge(get, w[i].get_hist);
		nh_xcache_hist_merge(set, w[i].set_hist);
	}
	double ns_per_tick = r.tsc ? (now1 - now0) * 1e9 / (double)(tick1 - tick0) : 1.0;

	char cpus[256];
	nh_wctx_note(ctx, "build_cpu", "%d", w[0].cpu);
	nh_wctx_note(ctx, "serve_cpus", "%s", nh_set_format(&served, cpus, sizeof cpus));
	nh_wctx_note(ctx, "threads", "%u", nthreads);
	if (ncpus && nthreads > ncpus)
		nh_wctx_note(ctx, "oversubscribed", "%u threads share %u CPUs", nthreads, ncpus);
	nh_wctx_note(ctx, "buckets", "%" PRIu64, nh_xcache_table_buckets(&r.table));
	nh_wctx_note(ctx, "index_bytes", "%zu", r.table.index_bytes);
	nh_wctx_note(ctx, "value_stride", "%zu", r.table.words * 8);
	nh_wctx_note(ctx, "timer", "%s, %.1f ns overhead subtracted, every %u ops",
		     r.tsc ? "tsc" : "clock_gettime", ovh * ns_per_tick, r.every);
	nh_wctx_note(ctx, "ops", "%" PRIu64 " GET, %" PRIu64 " SET", gets, sets);
	nh_wctx_note(ctx, "seqlock_retries", "%" PRIu64, retries);

	nh_wctx_metric(ctx, "errors", (double)errors);
	nh_wctx_metric(ctx, "table_bytes", (double)r.table.bytes);
	nh_wctx_metric(ctx, "build_s", r.build_s);
	if (errors) {
		/* Wrong values make the speed meaningless: record none. */
		nh_wctx_reason(ctx,
			       "%" PRIu64 " wrong result%s in %" PRIu64 " operations (first: %s)",
			       errors, errors == 1 ? "" : "s", gets + sets, bad->bad_why);
		goto out_workers;
	}
	nh_wctx_metric(ctx, "ops_per_s", ops_per_s);
	if (gets)
		nh_wctx_metric(ctx, "hit_ratio", (double)hits / (double)gets);
	record_latency(ctx, get, set, ns_per_tick);
	status = NH_WL_OK;
out_workers:
	free_workers(w, nthreads);
out_free:
	free(get);
	free(set);
	if (r.mem)
		nh_wctx_release(ctx, r.mem);
	return status;
}

const nh_workload_t nh_workload_xcache = {
	.name = "xcache",
	.summary = "a cache bound to the wrong node: hash table built on one node, GET/SET from "
		   "threads on another",
	.params = xcache_params,
	.metrics = xcache_metrics,
	.supported = xcache_supported,
	.run = xcache_run,
	.check_plan = xcache_check_plan,
};
