/* SPDX-License-Identifier: MIT */
/* sample_placement: which node every page of a buffer is on, as the kernel reports it
 * (move_pages(2) with a NULL node list only queries, it moves nothing). */
#include "sample.h"

#include <errno.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH 4096 /* pages per move_pages call: bounded stack use, few syscalls */

int nh_placement_query(nh_placement_t *pl, const void *addr, size_t len, const nh_set_t *expected,
		       int expected_node, nh_err_t *err)
{
	const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = (uintptr_t)addr & ~(page - 1);
	uintptr_t end = ((uintptr_t)addr + len + page - 1) & ~(page - 1);
	bool have_set = expected && !nh_set_empty(expected);
	bool have_expectation = have_set || expected_node >= 0;
	void *pages[BATCH];
	int status[BATCH];

	for (uintptr_t p = start; p < end;) {
		unsigned n = 0;
		for (; n < BATCH && p < end; n++, p += page)
			pages[n] = (void *)p;
		if (move_pages(0, n, pages, NULL, status, 0) < 0)
			return nh_err_set(err, "move_pages: %s", strerror(errno));
		for (unsigned i = 0; i < n; i++) {
			pl->pages_total++;
			int node = status[i];
			if (node == -ENOENT) {
				pl->pages_absent++;
				continue;
			}
			if (node < 0 || node >= NH_MAX_NODES) {
				pl->pages_error++;
				continue;
			}
			pl->pages_by_node[node]++;
			if (!have_expectation)
				continue;
			pl->pages_checked++;
			if (have_set ? nh_set_has(expected, (unsigned)node) : node == expected_node)
				pl->pages_expected++;
		}
	}
	return 0;
}

int nh_pages_query(void *const *pages, unsigned long count, int *status)
{
	return move_pages(0, count, (void **)pages, NULL, status, 0) < 0 ? -1 : 0;
}
