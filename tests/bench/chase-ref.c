/* SPDX-License-Identifier: MIT */
/* chase-ref: a minimal, independent pointer-chase latency reference for tests/bench/chase-vs-ref.sh
 * — a linked random cycle of 64-byte nodes, walked for N loads under one clock_gettime pair.
 *
 * Deliberately written another way than workloads/chase.c: the cycle comes from a Fisher-Yates
 * shuffle of the visiting order (a PCG32 generator) whose neighbours are then linked, not from
 * Sattolo's permutation; nodes are a struct; the whole walk is timed at once, no blocks. What
 * must match is what the hardware sees: one cycle through every 64-byte line of the working set,
 * 4 KiB pages (MADV_NOHUGEPAGE) or transparent huge pages (MADV_HUGEPAGE, 2 MiB aligned), pages
 * faulted in sequentially by the walking thread, and a warm-up before timing.
 *
 * usage: chase-ref BYTES 4k|thp [LOADS [SEED]]   prints "ns_per_load <mean>"
 * Build: cc -O2 -o chase-ref chase-ref.c */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

struct node {
	struct node *next;
	char pad[64 - sizeof(struct node *)];
};

/* PCG32 (O'Neill), two draws for a 64-bit value. */
static uint64_t pcg_state = 0x853c49e6748fea9bULL;

static uint32_t pcg32(void)
{
	uint64_t old = pcg_state;
	pcg_state = old * 6364136223846793005ULL + 1442695040888963407ULL;
	uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
	uint32_t rot = (uint32_t)(old >> 59u);
	return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

/* Uniform in [0, bound) by rejection of the biased top of the range. */
static uint64_t below(uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound, x;
	do
		x = ((uint64_t)pcg32() << 32) | pcg32();
	while (x >= limit);
	return x % bound;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc < 3 || (strcmp(argv[2], "4k") != 0 && strcmp(argv[2], "thp") != 0)) {
		fprintf(stderr, "usage: chase-ref BYTES 4k|thp [LOADS [SEED]]\n");
		return 2;
	}
	size_t count = strtoull(argv[1], NULL, 0) / sizeof(struct node);
	uint64_t loads = argc > 3 ? strtoull(argv[3], NULL, 0) : 8192000;
	if (argc > 4)
		pcg_state += strtoull(argv[4], NULL, 0);
	if (count < 2) {
		fprintf(stderr, "chase-ref: need at least 2 nodes\n");
		return 2;
	}

	/* Map 2 MiB more and start on a 2 MiB boundary, so THP can back all of it. */
	size_t bytes = count * sizeof(struct node), align = 2u << 20;
	char *map = mmap(NULL, bytes + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (map == MAP_FAILED) {
		perror("chase-ref: mmap");
		return 1;
	}
	uintptr_t start = ((uintptr_t)map + align - 1) & ~(uintptr_t)(align - 1);
	struct node *nodes = (struct node *)start;
	if (madvise(nodes, bytes, strcmp(argv[2], "thp") == 0 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
		perror("chase-ref: madvise");
		return 1;
	}
	memset(nodes, 0, bytes); /* fault in sequentially */

	size_t *order = malloc(count * sizeof *order);
	if (!order) {
		perror("chase-ref: malloc");
		return 1;
	}
	for (size_t i = 0; i < count; i++)
		order[i] = i;
	for (size_t i = count - 1; i > 0; i--) {
		size_t j = below(i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (size_t i = 0; i < count; i++)
		nodes[order[i]].next = &nodes[order[(i + 1) % count]];
	free(order);

	struct node *p = &nodes[0];
	uint64_t warm = count < (1u << 20) ? (count > (1u << 16) ? count : 1u << 16) : 1u << 20;
	for (uint64_t i = 0; i < warm; i++)
		p = p->next;
	double t0 = seconds();
	for (uint64_t i = 0; i < loads; i++)
		p = p->next;
	double t1 = seconds();
	/* Print where the walk ended, so the compiler must do every load. */
	printf("ns_per_load %.3f end %zu\n", (t1 - t0) * 1e9 / (double)loads,
	       (size_t)(p - nodes));
	munmap(map, bytes + align);
	return 0;
}
