/* SPDX-License-Identifier: MIT */
/* registry: the one list of workloads. Add a workload by exporting its descriptor from
 * workloads/<name>.c and naming it here. */
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

extern const nh_workload_t nh_workload_stream;
extern const nh_workload_t nh_workload_chase;
extern const nh_workload_t nh_workload_xcache;
extern const nh_workload_t nh_workload_churn;
extern const nh_workload_t nh_workload_filexfer;
extern const nh_workload_t nh_workload_grow;

static const nh_workload_t *const nh_workload_registry[] = {
	&nh_workload_stream,
	&nh_workload_chase,
	&nh_workload_xcache,
	&nh_workload_churn,
	&nh_workload_filexfer,
	&nh_workload_grow,
	NULL,
};

/* ---- lookups: here, beside the list, so the workload module never reaches into workloads/ ---- */

unsigned nh_workload_count(void)
{
	unsigned n = 0;
	while (nh_workload_registry[n])
		n++;
	return n;
}

const nh_workload_t *nh_workload_at(unsigned i)
{
	return i < nh_workload_count() ? nh_workload_registry[i] : NULL;
}

const nh_workload_t *nh_workload_find(const char *name, nh_err_t *err)
{
	char known[256] = "";
	size_t used = 0;
	for (unsigned i = 0; nh_workload_registry[i]; i++) {
		if (strcmp(nh_workload_registry[i]->name, name) == 0)
			return nh_workload_registry[i];
		int n = snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "",
				 nh_workload_registry[i]->name);
		if (n > 0 && (size_t)n < sizeof known - used)
			used += (size_t)n;
	}
	errno = ENOENT;
	nh_err_set(err, "unknown workload '%s' (known: %s)", name, known);
	return NULL;
}
