/* SPDX-License-Identifier: MIT */
/* chase_kernels: the chain builder and walker of workloads/chase.c, exposed only so the unit test
 * can check that the chain is one cycle through every line and depends on the seed alone. */
#ifndef NH_CHASE_KERNELS_H
#define NH_CHASE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/* Bytes per chain element: one cache line, the pointer to the next element in its first 8. */
#define NH_CHASE_LINE 64

/** \brief Link the \p n lines at \p buf (NH_CHASE_LINE bytes each, \p buf line-aligned) into one
 *  random cycle through all of them (Sattolo's algorithm, xoshiro256** seeded from \p seed):
 *  the same seed gives the same chain. Writes the lines in address order (first touch).
 *  Returns 0, or -1 with errno EINVAL (n == 0) or ENOMEM (the temporary index array). */
int nh_chase_build(void *buf, size_t n, uint64_t seed);

/** \brief Follow \p steps links from \p start; returns the element reached. */
void *nh_chase_walk(void *start, uint64_t steps);

#endif
