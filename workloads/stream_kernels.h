/* SPDX-License-Identifier: MIT */
/* stream_kernels: the STREAM kernel variants and result check of workloads/stream.c, exposed
 * only so the unit test can compare every variant with a plain reference. */
#ifndef NH_STREAM_KERNELS_H
#define NH_STREAM_KERNELS_H

#include <stdbool.h>
#include <stddef.h>

/* STREAM's tolerance for 8-byte reals: average error relative to the expected value. */
#define NH_STREAM_EPSILON 1e-13

/* The four STREAM operations as dst = f(x, y): copy x; scale q*x; add x+y; triad x+q*y. */
enum nh_stream_op { NH_STREAM_COPY, NH_STREAM_SCALE, NH_STREAM_ADD, NH_STREAM_TRIAD };

/* dst[i] = op(x[i], y[i]) for i < n; y is not read (may be NULL) for copy and scale. Any
 * alignment and length; nt asks for non-temporal stores (ignored by "generic"). */
typedef void nh_stream_kernel_fn(enum nh_stream_op op, double *dst, const double *x,
				 const double *y, double q, size_t n, bool nt);

typedef struct nh_stream_variant {
	const char *name;     /* "avx512", "avx", "sse2", "generic" */
	const char *requires; /* what the CPU needs, for messages: "AVX-512F" */
	bool (*usable)(void); /* can this CPU (and OS) run it? */
	nh_stream_kernel_fn *run;
} nh_stream_variant_t;

/** \brief Number of compiled-in variants and the i-th one, best first (NULL past the end). */
unsigned nh_stream_variant_count(void);
const nh_stream_variant_t *nh_stream_variant_at(unsigned i);

/** \brief Values a, b, c hold after \p ntimes STREAM iterations from a=1, b=2, c=0. */
void nh_stream_expected(unsigned ntimes, double expected[3]);

/** \brief Check \p n elements of each array against the values after \p ntimes iterations as
 *  STREAM's checkSTREAMresults does (average absolute error relative to the expected value).
 *  Returns 0, or -1 when an array's error exceeds NH_STREAM_EPSILON (or is NaN) with \p why
 *  naming it. \p max_err (may be NULL) gets the largest relative error. */
int nh_stream_validate(const double *a, const double *b, const double *c, size_t n, unsigned ntimes,
		       double *max_err, char *why, size_t len);

#endif
