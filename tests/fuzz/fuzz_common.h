/* SPDX-License-Identifier: MIT */
/* fuzz_common: what the fuzz targets share — the input as a NUL-terminated text split into parts,
 * a scratch directory per process, lines of a text, and test topologies. */
#ifndef NH_FUZZ_COMMON_H
#define NH_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"

/* The entry points libFuzzer (or tests/fuzz/replay.c) calls. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A target that reads several texts (numa_maps and maps, /proc/PID/cgroup and mountinfo) takes
 * them from one input, separated by NUL bytes: no parser of a C string ever sees one, so the
 * parts are exactly the strings the parsers would get. Seeds: `cat a; printf '\0'; cat b`.
 * Readers of whole files, which must cope with NULs in them, split at another byte. */
#define NH_FUZZ_MAX_PARTS 4

typedef struct nh_fuzz_input {
	char *text;			     /* the input with a NUL appended (owned) */
	size_t size;			     /* bytes of input */
	const char *part[NH_FUZZ_MAX_PARTS]; /* the parts, each NUL-terminated; "" when not given */
	size_t len[NH_FUZZ_MAX_PARTS];	     /* their lengths (NULs inside count) */
	unsigned parts;			     /* how many the input had (>= 1) */
} nh_fuzz_input_t;

/* Copy the input and split it at each \p sep byte (replaced by a NUL in the copy). */
static inline void nh_fuzz_input_split(nh_fuzz_input_t *in, const uint8_t *data, size_t size,
				       char sep)
{
	in->text = malloc(size + 1);
	if (!in->text)
		abort();
	if (size)
		memcpy(in->text, data, size);
	in->text[size] = '\0';
	in->size = size;
	in->parts = 1;
	in->part[0] = in->text;
	size_t start = 0;
	for (size_t i = 0; i < size && in->parts < NH_FUZZ_MAX_PARTS; i++) {
		if (in->text[i] != sep)
			continue;
		in->text[i] = '\0';
		in->len[in->parts - 1] = i - start;
		start = i + 1;
		in->part[in->parts++] = in->text + start;
	}
	in->len[in->parts - 1] = size - start;
	for (unsigned i = in->parts; i < NH_FUZZ_MAX_PARTS; i++) {
		in->part[i] = "";
		in->len[i] = 0;
	}
}

/* The usual case: parts separated by NUL bytes. */
static inline void nh_fuzz_input(nh_fuzz_input_t *in, const uint8_t *data, size_t size)
{
	nh_fuzz_input_split(in, data, size, '\0');
}

/* Part i, or the first when the input has fewer: one text then stands for all of them. */
static inline const char *nh_fuzz_part(const nh_fuzz_input_t *in, unsigned i)
{
	return i < in->parts ? in->part[i] : in->part[0];
}

static inline void nh_fuzz_input_free(nh_fuzz_input_t *in) { free(in->text); }

/* Call fn on every line of text (newline removed; at most 4095 bytes, longer lines cut), at most
 * max lines: for targets whose parsers take one value at a time. */
static inline void nh_fuzz_lines(const char *text, unsigned max, void (*fn)(const char *line, void *arg),
				 void *arg)
{
	char line[4096];
	for (const char *p = text; *p && max > 0; max--) {
		size_t n = strcspn(p, "\n");
		size_t k = n < sizeof line ? n : sizeof line - 1;
		memcpy(line, p, k);
		line[k] = '\0';
		fn(line, arg);
		p += n;
		if (*p == '\n')
			p++;
	}
}

/* A directory of this process's own, made once and removed at exit: $TMPDIR when set, else
 * /dev/shm (tmpfs: per-input files cost little), else /tmp. Aborts when none can be made. */
char *nh_fuzz_scratch_dir(void);

/* Write len bytes of data to dir/name (replacing it); aborts on failure. */
void nh_fuzz_write(const char *dir, const char *name, const char *data, size_t len);

/* Topologies to validate against: a synthetic 2-socket machine with 2 nodes of 2 cores each, and
 * the 4-node sysfs fixture with node ids 0, 1, 2, 4 (tests/data/topo/sysfs-4node). Loaded once;
 * allowed CPUs and nodes widened to the whole machine (the fuzzer's own cpuset is not the
 * point). Aborts when they cannot be loaded. */
const nh_topo_t *nh_fuzz_topo_synthetic(void);
const nh_topo_t *nh_fuzz_topo_sysfs(void);

#endif
