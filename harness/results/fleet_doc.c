/* SPDX-License-Identifier: MIT */
/* fleet_doc: an earlier fleet.json read back for its cohort medians (`fleet --baseline`): the
 * reference a later fleet of too few hosts per cohort is judged against. Its key names are here,
 * beside the other documents' (the fleet module writes them). */
#include "host_summary.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct nh_fleet_doc {
	nh_fleet_ref_t *refs;
	unsigned count, cap;
	char **names; /* cohort and metric names the refs point to */
	unsigned name_count, name_cap;
	char created_at[64];
	bool has_created_at;
};

static const char *keep(nh_fleet_doc_t *d, const char *s)
{
	for (unsigned i = 0; i < d->name_count; i++)
		if (strcmp(d->names[i], s) == 0)
			return d->names[i];
	if (d->name_count == d->name_cap) {
		unsigned cap = d->name_cap ? 2 * d->name_cap : 16;
		char **grown = realloc(d->names, cap * sizeof *grown);
		if (!grown)
			return NULL;
		d->names = grown;
		d->name_cap = cap;
	}
	char *copy = strdup(s);
	if (copy)
		d->names[d->name_count++] = copy;
	return copy;
}

static int bad(nh_err_t *err, const char *path, const char *what, unsigned c, unsigned n)
{
	errno = EINVAL;
	return nh_err_set(err, "%s: cohorts[%u].nodes[%u]: %s", path, c, n, what);
}

/* One cohort's medians: {"name": C, "nodes": [{"node": N, "metrics": {M: {"n", "median",
 * "mad"}}}]}. A metric without a median (no host had it) is no reference and is skipped. */
static int read_cohort(nh_fleet_doc_t *d, const char *path, json_t *cohort, unsigned ci,
		       nh_err_t *err)
{
	json_t *name = json_object_get(cohort, "name"), *nodes = json_object_get(cohort, "nodes");
	if (!json_is_string(name) || !json_is_array(nodes)) {
		errno = EINVAL;
		return nh_err_set(err, "%s: cohorts[%u]: needs a \"name\" string and a \"nodes\" array",
				  path, ci);
	}
	const char *cname = keep(d, json_string_value(name));
	if (!cname)
		return nh_err_set(err, "out of memory");
	size_t ni;
	json_t *node;
	json_array_foreach(nodes, ni, node)
	{
		json_t *id = json_object_get(node, "node"), *metrics = json_object_get(node, "metrics");
		if (!json_is_integer(id) || json_integer_value(id) < 0 || json_integer_value(id) > 4095)
			return bad(err, path, "\"node\" is not a node number", ci, (unsigned)ni);
		if (!json_is_object(metrics))
			return bad(err, path, "\"metrics\" is not an object", ci, (unsigned)ni);
		const char *mname;
		json_t *m;
		json_object_foreach(metrics, mname, m)
		{
			json_t *median = json_object_get(m, "median"), *n = json_object_get(m, "n");
			json_t *mad = json_object_get(m, "mad");
			if (json_is_null(median) || !median)
				continue;
			if (!json_is_number(median) || !json_is_integer(n) || json_integer_value(n) < 0)
				return bad(err, path, "a metric needs \"median\" (a number) and \"n\"", ci,
					   (unsigned)ni);
			if (d->count == d->cap) {
				unsigned cap = d->cap ? 2 * d->cap : 32;
				nh_fleet_ref_t *grown = realloc(d->refs, cap * sizeof *grown);
				if (!grown)
					return nh_err_set(err, "out of memory");
				d->refs = grown;
				d->cap = cap;
			}
			const char *metric = keep(d, mname);
			if (!metric)
				return nh_err_set(err, "out of memory");
			d->refs[d->count++] = (nh_fleet_ref_t){
				.cohort = cname,
				.metric = metric,
				.node = (unsigned)json_integer_value(id),
				.n = (unsigned)json_integer_value(n),
				.median = json_number_value(median),
				.mad = json_is_number(mad)
					       ? (nh_num_t){.present = true, .v = json_number_value(mad)}
					       : (nh_num_t){.why = "baseline: no MAD recorded"},
			};
		}
	}
	return 0;
}

nh_fleet_doc_t *nh_fleet_doc_load(const char *path, nh_err_t *err)
{
	if (access(path, F_OK) != 0) {
		int saved = errno;
		nh_err_set(err, "%s: %s", path, saved == ENOENT ? "no such file" : strerror(saved));
		errno = saved;
		return NULL;
	}
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (!doc) {
		errno = EINVAL;
		nh_err_set(err, "%s:%d: not JSON: %s", path, je.line, je.text);
		return NULL;
	}
	nh_fleet_doc_t *d = calloc(1, sizeof *d);
	if (!d) {
		json_decref(doc);
		nh_err_set(err, "out of memory");
		return NULL;
	}
	json_t *format = json_object_get(doc, "format"), *cohorts = json_object_get(doc, "cohorts");
	if (!json_is_string(format) || strcmp(json_string_value(format), NH_FLEET_FORMAT) != 0) {
		errno = EINVAL;
		nh_err_set(err, "%s: not a fleet.json (format is not \"%s\")", path, NH_FLEET_FORMAT);
		goto fail;
	}
	if (!json_is_array(cohorts)) {
		errno = EINVAL;
		nh_err_set(err, "%s: no \"cohorts\" array", path);
		goto fail;
	}
	json_t *created = json_object_get(doc, "created_at");
	if (json_is_string(created)) {
		snprintf(d->created_at, sizeof d->created_at, "%s", json_string_value(created));
		d->has_created_at = true;
	}
	size_t ci;
	json_t *cohort;
	json_array_foreach(cohorts, ci, cohort)
	{
		if (read_cohort(d, path, cohort, (unsigned)ci, err) < 0)
			goto fail;
	}
	json_decref(doc);
	return d;
fail:
	json_decref(doc);
	nh_fleet_doc_free(d);
	return NULL;
}

unsigned nh_fleet_doc_count(const nh_fleet_doc_t *d) { return d->count; }

nh_fleet_ref_t nh_fleet_doc_ref(const nh_fleet_doc_t *d, unsigned i)
{
	return i < d->count ? d->refs[i] : (nh_fleet_ref_t){0};
}

nh_str_t nh_fleet_doc_created_at(const nh_fleet_doc_t *d)
{
	if (!d->has_created_at)
		return (nh_str_t){.why = "created_at: not recorded"};
	return (nh_str_t){.present = true, .s = d->created_at};
}

void nh_fleet_doc_free(nh_fleet_doc_t *d)
{
	if (!d)
		return;
	for (unsigned i = 0; i < d->name_count; i++)
		free(d->names[i]);
	free(d->names);
	free(d->refs);
	free(d);
}
