/* SPDX-License-Identifier: MIT */
/* xcache_internal: the xcache workload's table, value stamps, key samplers and latency histogram,
 * exposed for its unit tests only (the workload itself is used through its descriptor). */
#ifndef NH_XCACHE_INTERNAL_H
#define NH_XCACHE_INTERNAL_H

#include "lat_tools.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the table ----
 * An index of 2^k 16-byte buckets {key, seqlock count, slot} at load factor <= 0.75, linear
 * probing, followed (page-aligned) by a slab of `keys` values of value_size bytes rounded up to
 * whole 8-byte words. Keys are inserted only while building; afterwards only values change. */
typedef struct nh_xcache_table nh_xcache_table_t;

/** \brief Bytes of memory a table of \p keys values of \p value_size bytes needs. */
size_t nh_xcache_table_bytes(uint64_t keys, size_t value_size);
/** \brief A table in its own heap memory with keys 0..keys-1 inserted, each holding the stamp of
 *  version 0 (the workload builds the same way into its mapped buffer). NULL with errno ENOMEM. */
nh_xcache_table_t *nh_xcache_table_create(uint64_t keys, size_t value_size);
void nh_xcache_table_destroy(nh_xcache_table_t *t);
/** \brief Buckets in the index (a power of two). */
uint64_t nh_xcache_table_buckets(const nh_xcache_table_t *t);

/** \brief Store \p value (value_size bytes) under \p key: 0, or -1 with errno ENOENT when the key
 *  is not in the table. Safe against concurrent gets and sets of the same key. */
int nh_xcache_set(nh_xcache_table_t *t, uint64_t key, const void *value);
/** \brief The workload's SET: store the stamp of (key, next version). Returns the version written,
 *  or -1 with errno ENOENT. */
int64_t nh_xcache_set_stamp(nh_xcache_table_t *t, uint64_t key);
/** \brief Copy the value of \p key (value_size bytes) into \p out, consistent with \p *version
 *  (the number of sets of that key so far, modulo 2^31): 0, or -1 with errno ENOENT. */
int nh_xcache_get(const nh_xcache_table_t *t, uint64_t key, void *out, uint32_t *version);

/** \brief Does \p value hold the stamp of (key, version)? 0, or -1 with \p why saying which word
 *  is wrong and whose stamp it carries. */
int nh_xcache_check(uint64_t key, uint32_t version, const void *value, size_t value_size, char *why,
		    size_t len);

/* ---- keys ---- */
/** \brief splitmix64: the next 64 random bits of \p state. */
uint64_t nh_xcache_rand(uint64_t *state);

/* Zipf(n, s) by Hörmann and Derflinger's rejection-inversion: exact for every s > 0, O(1) a draw
 * and no table, so the sampler adds no memory traffic of its own. Ranks are scattered over the
 * keys by a multiplicative bijection, so the hot keys are not the first slab slots. */
typedef struct nh_xcache_zipf {
	uint64_t n;
	double s, h_x1, h_n, quick; /* exponent; H(1.5) - 1; H(n + 0.5); quick-accept width */
	uint64_t mult, offset; /* rank -> key: (rank * mult + offset) mod n, gcd(mult, n) = 1 */
	uint64_t inv;	       /* floor((2^64 - 1) / n), to take that mod without dividing */
} nh_xcache_zipf_t;

/** \brief Prepare a sampler over ranks 0..n-1 (n >= 1) with exponent \p s > 0. */
void nh_xcache_zipf_init(nh_xcache_zipf_t *z, uint64_t n, double s);
/** \brief A rank: 0 is the most popular, with probability 1 / H(n, s). */
uint64_t nh_xcache_zipf_rank(const nh_xcache_zipf_t *z, uint64_t *rng);
/** \brief The key of a rank below n (a bijection of 0..n-1). */
uint64_t nh_xcache_zipf_key(const nh_xcache_zipf_t *z, uint64_t rank);

/* ---- latency histogram ----
 * Log-linear (HDR-style): exact below 128, then 64 sub-buckets per power of two, so a value is
 * known within 1/64 and reported as its bucket's midpoint (within 0.8%), up to 2^48. */
typedef nh_lt_hist_t nh_xcache_hist_t; /* workloads/lat_tools.h */

void nh_xcache_hist_add(nh_xcache_hist_t *h, uint64_t value);
void nh_xcache_hist_merge(nh_xcache_hist_t *into, const nh_xcache_hist_t *from);
/** \brief The value at fraction \p q (0 < q <= 1) of the samples; NAN when there are none. */
double nh_xcache_hist_quantile(const nh_xcache_hist_t *h, double q);

#endif
