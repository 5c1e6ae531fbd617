/* SPDX-License-Identifier: MIT */
/* sample_numastat: per-node NUMA allocation counters from sysfs, and their deltas. */
#include "sample.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_names[NH_NUMASTAT_FIELDS] = {
	"numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node",
};

const char *nh_numastat_field_name(enum nh_numastat_field f)
{
	return f < NH_NUMASTAT_FIELDS ? field_names[f] : "?";
}

int nh_numastat_parse(const char *text, uint64_t out[NH_NUMASTAT_FIELDS], nh_err_t *err)
{
	unsigned seen = 0;
	for (const char *line = text; line && *line;) {
		char name[64];
		uint64_t value;
		if (sscanf(line, "%63s %" SCNu64, name, &value) == 2) {
			for (unsigned f = 0; f < NH_NUMASTAT_FIELDS; f++) {
				if (strcmp(name, field_names[f]) == 0) {
					out[f] = value;
					seen |= 1u << f;
				}
			}
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	for (unsigned f = 0; f < NH_NUMASTAT_FIELDS; f++) {
		if (!(seen & (1u << f))) {
			errno = EINVAL;
			return nh_err_set(err, "numastat: field '%s' missing", field_names[f]);
		}
	}
	return 0;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int nh_numastat_read(const char *dir, nh_numastat_t *out, nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	DIR *d = opendir(dir);
	if (!d)
		return nh_err_set(err, "%s: %s", dir, strerror(errno));
	int ids[NH_MAX_NODES];
	unsigned n = 0;
	for (struct dirent *e; (e = readdir(d)) && n < NH_MAX_NODES;) {
		int id;
		char tail;
		if (sscanf(e->d_name, "node%d%c", &id, &tail) == 1)
			ids[n++] = id;
	}
	closedir(d);
	qsort(ids, n, sizeof ids[0], cmp_int);
	for (unsigned i = 0; i < n; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/node%d/numastat", dir, ids[i]);
		char *text = nh_read_file(path, NULL, err);
		if (!text)
			return -1;
		int rc = nh_numastat_parse(text, out->v[i], err);
		free(text);
		if (rc < 0)
			return nh_err_prefix(err, "%s", path);
		out->node[i] = ids[i];
	}
	out->count = n;
	return 0;
}

void nh_numastat_delta(const nh_numastat_t *before, const nh_numastat_t *after, nh_numastat_t *delta)
{
	memset(delta, 0, sizeof *delta);
	for (unsigned i = 0; i < after->count; i++) {
		unsigned j = 0;
		while (j < before->count && before->node[j] != after->node[i])
			j++;
		delta->node[delta->count] = after->node[i];
		for (unsigned f = 0; f < NH_NUMASTAT_FIELDS; f++) {
			uint64_t b = j < before->count ? before->v[j][f] : 0;
			/* Counters only grow; a node that vanished and came back would wrap: clamp. */
			delta->v[delta->count][f] = after->v[i][f] >= b ? after->v[i][f] - b : 0;
		}
		delta->count++;
	}
}

double nh_numastat_miss_ratio(const nh_numastat_t *delta)
{
	uint64_t hit = 0, miss = 0;
	for (unsigned i = 0; i < delta->count; i++) {
		hit += delta->v[i][NH_NUMA_HIT];
		miss += delta->v[i][NH_NUMA_MISS];
	}
	return hit + miss ? (double)miss / (double)(hit + miss) : -1.0;
}
