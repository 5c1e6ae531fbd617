/* SPDX-License-Identifier: MIT */
/* health_json: `healthcheck --json`, one object: the node, the match file and its lines, the
 * merged entry, every check of the entry, the verdict, its reason and what was done in Slurm.
 * Every text in it is printable ASCII already (node names and match values are checked, details
 * and reasons made so), but for the match file's name, made so here. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "health_internal.h"

static bool numeric_key(enum nh_health_key k)
{
	return k == NH_HK_NODES || k == NH_HK_CPUS_PER_NODE || k == NH_HK_DISTANCE_MIN ||
	       k == NH_HK_DISTANCE_MAX || k == NH_HK_NUMA_BALANCING;
}

char *nh_health_to_json(const char *node, const char *match, const nh_health_entry_t *e,
			const nh_health_report_t *r, const char *action)
{
	json_t *o = json_object(), *lines = json_array(), *entry = json_object(),
	       *checks = json_array();
	char *name = strdup(match);
	char *text = NULL;
	if (!o || !lines || !entry || !checks || !name)
		goto out;
	nh_health_printable(name);
	json_object_set_new(o, "node", json_string(node));
	json_object_set_new(o, "match", json_string(name));
	unsigned shown = e->line_count < NH_ARRAY_LEN(e->lines) ? e->line_count
								: (unsigned)NH_ARRAY_LEN(e->lines);
	for (unsigned i = 0; i < shown; i++)
		json_array_append_new(lines, json_integer(e->lines[i]));
	for (int k = 0; k < NH_HK_COUNT; k++) {
		const nh_health_value_t *v = &e->v[k];
		if (v->set)
			json_object_set_new(entry, nh_health_key_name((enum nh_health_key)k),
					    numeric_key((enum nh_health_key)k)
						? json_integer((json_int_t)v->num)
						: json_string(v->text));
	}
	for (unsigned i = 0; i < r->count; i++) {
		const nh_health_check_t *c = &r->checks[i];
		if (c->status == NH_HEALTH_SKIP)
			continue; /* not in the entry: nothing was checked */
		json_t *item = json_object();
		json_object_set_new(item, "name", json_string(nh_health_key_name(c->key)));
		json_object_set_new(item, "status", json_string(nh_health_status_name(c->status)));
		json_object_set_new(item, "detail", json_string(c->detail));
		json_array_append_new(checks, item);
	}
	json_object_set(o, "lines", lines);
	json_object_set(o, "entry", entry);
	json_object_set(o, "checks", checks);
	json_object_set_new(o, "verdict", json_string(r->failed ? "fail" : "pass"));
	json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "action", json_string(action));
	text = json_dumps(o, JSON_INDENT(2));
out:
	json_decref(o);
	json_decref(lines);
	json_decref(entry);
	json_decref(checks);
	free(name);
	return text;
}
