/* SPDX-License-Identifier: MIT */
/* lat_tools: the small tools workloads share for timing operations — a splitmix64 PRNG, spin
 * back-off, an ordered TSC (or monotonic clock) tick with its own cost measured, and a
 * log-linear latency histogram. libc only and all static inline, so standalone benchmark
 * programs (tests/bench) can include it too. */
#ifndef NH_LAT_TOOLS_H
#define NH_LAT_TOOLS_H

#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__)
#include <immintrin.h>
#include <x86intrin.h>
#define NH_LT_X86 1
#endif

#define NH_LT_GOLDEN UINT64_C(0x9e3779b97f4a7c15)
#define NH_LT_SPINS_BEFORE_YIELD 1024

/* ---- random numbers: splitmix64 ---- */

/* splitmix64's finaliser: a bijection whose every output bit depends on every input bit. */
static inline uint64_t nh_lt_mix64(uint64_t x)
{
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static inline uint64_t nh_lt_rand(uint64_t *state) { return nh_lt_mix64(*state += NH_LT_GOLDEN); }

/* A uniform value below n from 64 random bits (Lemire's multiply-shift, no division). */
static inline uint64_t nh_lt_below(uint64_t x, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)x * n) >> 64);
}

/* ---- waiting ---- */

static inline void nh_lt_relax(void)
{
#ifdef NH_LT_X86
	_mm_pause();
#endif
}

/* Spin a while, then yield: the thread we wait for may share our CPU (more threads than CPUs,
 * or the harness's sampler) and can only get on if we get out of its way. */
static inline void nh_lt_backoff(unsigned *spins)
{
	if (++*spins < NH_LT_SPINS_BEFORE_YIELD)
		nh_lt_relax();
	else
		sched_yield();
}

/* ---- ticks ---- */

static inline uint64_t nh_lt_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The TSC when the kernel says it ticks at a constant rate through sleep states (what the
 * kernel's own clocksource relies on), else clock_gettime. The TSC costs a third as much, so
 * less of what is timed is the timer. */
static inline bool nh_lt_tsc_usable(void)
{
#ifdef NH_LT_X86
	static char info[1 << 16]; /* the first CPU's flags are early in the file */
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return false;
	size_t n = fread(info, 1, sizeof info - 1, f);
	fclose(f);
	info[n] = '\0';
	return strstr(info, " constant_tsc") && strstr(info, " nonstop_tsc");
#else
	return false;
#endif
}

/* lfence before rdtsc: the timed operation cannot start before the stamp; rdtscp then lfence:
 * the end stamp waits for the operation, and nothing after it starts early. */
static inline uint64_t nh_lt_tick_begin(bool tsc)
{
#ifdef NH_LT_X86
	if (tsc) {
		_mm_lfence();
		return __rdtsc();
	}
#endif
	(void)tsc;
	return nh_lt_clock_ns();
}

static inline uint64_t nh_lt_tick_end(bool tsc)
{
#ifdef NH_LT_X86
	if (tsc) {
		unsigned aux;
		uint64_t t = __rdtscp(&aux);
		_mm_lfence();
		return t;
	}
#endif
	(void)tsc;
	return nh_lt_clock_ns();
}

static inline int nh_lt_cmp_u64(const void *l, const void *r)
{
	uint64_t a = *(const uint64_t *)l, b = *(const uint64_t *)r;
	return a < b ? -1 : a > b;
}

/* What timing nothing costs, in ticks: the median of empty intervals, subtracted from every
 * sample. */
static inline uint64_t nh_lt_timer_overhead(bool tsc)
{
	enum { N = 255 };
	uint64_t d[N];
	for (unsigned i = 0; i < N; i++) {
		uint64_t t0 = nh_lt_tick_begin(tsc);
		d[i] = nh_lt_tick_end(tsc) - t0;
	}
	qsort(d, N, sizeof d[0], nh_lt_cmp_u64);
	return d[N / 2];
}

/* ---- latency histogram: 64 linear sub-buckets per power of two (about 0.8 % resolution) ---- */

#define NH_LT_HIST_SUB_BITS 6
#define NH_LT_HIST_SUB (1u << NH_LT_HIST_SUB_BITS)
#define NH_LT_HIST_EXPS 42
#define NH_LT_HIST_BUCKETS ((NH_LT_HIST_EXPS + 1) << NH_LT_HIST_SUB_BITS)

typedef struct nh_lt_hist {
	uint64_t total;
	uint64_t count[NH_LT_HIST_BUCKETS];
} nh_lt_hist_t;

static inline unsigned nh_lt_hist_index(uint64_t v)
{
	if (v < NH_LT_HIST_SUB)
		return (unsigned)v;
	unsigned e = 63 - (unsigned)__builtin_clzll(v) - NH_LT_HIST_SUB_BITS;
	if (e >= NH_LT_HIST_EXPS)
		return NH_LT_HIST_BUCKETS - 1;
	return (e << NH_LT_HIST_SUB_BITS) + (unsigned)(v >> e);
}

static inline void nh_lt_hist_add(nh_lt_hist_t *h, uint64_t v)
{
	h->count[nh_lt_hist_index(v)]++;
	h->total++;
}

static inline void nh_lt_hist_merge(nh_lt_hist_t *into, const nh_lt_hist_t *from)
{
	for (unsigned i = 0; i < NH_LT_HIST_BUCKETS; i++)
		into->count[i] += from->count[i];
	into->total += from->total;
}

/* The value at fraction q (0 < q <= 1) of the samples; NAN when there are none. */
static inline double nh_lt_hist_quantile(const nh_lt_hist_t *h, double q)
{
	if (!h->total)
		return NAN;
	uint64_t target = (uint64_t)ceil(q * (double)h->total), seen = 0;
	target = target < 1 ? 1 : target > h->total ? h->total : target;
	for (unsigned i = 0; i < NH_LT_HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen < target)
			continue;
		if (i < 2 * NH_LT_HIST_SUB)
			return i;
		unsigned e = (i >> NH_LT_HIST_SUB_BITS) - 1;
		uint64_t lower = (uint64_t)(i - (e << NH_LT_HIST_SUB_BITS)) << e;
		return (double)lower + (double)((UINT64_C(1) << e) - 1) / 2;
	}
	return NAN; /* not reached: the counts add up to total */
}

#endif
