/* SPDX-License-Identifier: MIT */
/* samplers: the worker's table of measurement layers and what runs it. */
#include "sampler.h"

#include <stdlib.h>
#include <string.h>

/* Record order: "counters", "memory", "cgroup", "series". The counters come before the series,
 * whose thread samples them every tick. */
const nh_sampler_t *const nh_samplers[] = {
	&nh_sampler_counters,
	&nh_sampler_memory,
	&nh_sampler_cgroup,
	&nh_sampler_series,
};
const unsigned nh_sampler_count = NH_ARRAY_LEN(nh_samplers);
_Static_assert(NH_ARRAY_LEN(nh_samplers) <= NH_SECTION_MAX, "one report slot per sampler");

/* The table the worker opened (nh_samplers, or a test's): a sampler's slot is its place in it. */
static const nh_sampler_t *const *open_table = nh_samplers;
static unsigned open_count = NH_ARRAY_LEN(nh_samplers);

struct nh_samplers {
	unsigned n;
	const nh_sampler_t *const *defs;
	void *state[NH_SECTION_MAX];
	bool snapshot_taken;
};

nh_samplers_t *nh_samplers_open(const nh_sampler_t *const *table, unsigned n, const nh_sampler_env_t *env,
				nh_sampler_report_t *rep)
{
	nh_samplers_t *s = calloc(1, sizeof *s);
	if (!s || n > NH_SECTION_MAX)
		goto fail;
	s->defs = table;
	open_table = table;
	open_count = n;
	for (unsigned i = 0; i < n; i++) {
		if (table[i]->state_size && !(s->state[i] = calloc(1, table[i]->state_size)))
			goto fail;
	}
	/* Baselines first, then the rest in table order; n grows as they open, so a sampler's
	 * series hooks see only those before it in the table. */
	for (unsigned i = 0; i < n; i++)
		if (table[i]->open_first && table[i]->open)
			table[i]->open(s->state[i], env, s, rep);
	for (unsigned i = 0; i < n; i++) {
		if (!table[i]->open_first && table[i]->open)
			table[i]->open(s->state[i], env, s, rep);
		s->n = i + 1;
	}
	return s;
fail:
	for (unsigned i = 0; s && i < NH_SECTION_MAX; i++)
		free(s->state[i]);
	free(s);
	return NULL;
}

void nh_samplers_snapshot(nh_samplers_t *s, const nh_sampler_snapshot_t *snap, nh_sampler_report_t *rep)
{
	if (s->snapshot_taken)
		return;
	s->snapshot_taken = true;
	for (unsigned i = 0; i < s->n; i++)
		if (s->defs[i]->snapshot)
			s->defs[i]->snapshot(s->state[i], snap, rep);
}

void nh_samplers_close(nh_samplers_t *s, nh_sampler_report_t *rep)
{
	const nh_sampler_snapshot_t now = {NULL, NULL};
	nh_samplers_snapshot(s, &now, rep);
	for (unsigned i = 0; i < s->n; i++)
		if (s->defs[i]->close)
			s->defs[i]->close(s->state[i], rep);
	for (unsigned i = 0; i < s->n; i++)
		free(s->state[i]);
	free(s);
}

unsigned nh_samplers_count(const nh_samplers_t *s) { return s->n; }
const nh_sampler_t *nh_samplers_def(const nh_samplers_t *s, unsigned i) { return i < s->n ? s->defs[i] : NULL; }
void *nh_samplers_state(const nh_samplers_t *s, unsigned i) { return i < s->n ? s->state[i] : NULL; }

/* The slot of a sampler: its place in the table. */
static int slot_of(const nh_sampler_t *sampler)
{
	for (unsigned i = 0; i < open_count; i++)
		if (open_table[i] == sampler)
			return (int)i;
	return -1;
}

void nh_sampler_put(nh_sampler_report_t *rep, const nh_sampler_t *sampler, json_t *section)
{
	int slot = slot_of(sampler);
	char *text = section ? json_dumps(section, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
	json_decref(section);
	if (slot < 0) {
		free(text);
		return; /* not in the table that was opened: it has no slot */
	}
	if (!text || nh_sections_put(&rep->sections, (unsigned)slot, sampler->name, text, strlen(text)) < 0) {
		char why[160];
		snprintf(why, sizeof why, "{\"unavailable\":\"the %s section (%zu bytes) does not fit the worker's report\"}",
			 sampler->name, text ? strlen(text) : (size_t)0);
		(void)nh_sections_put(&rep->sections, (unsigned)slot, sampler->name, why, strlen(why));
	}
	free(text);
}

void nh_sampler_metric(nh_sampler_report_t *rep, const char *name, const char *unit, int better, double value)
{
	if (rep->metric_count >= NH_SAMPLER_METRIC_MAX)
		return;
	nh_metric_set(&rep->metrics[rep->metric_count++], name, unit, better, value);
}

json_t *nh_sampler_unavailable(const char *why) { return json_pack("{s:s}", "unavailable", why); }

void nh_samplers_fill_unreported(const nh_sampler_t *const *table, unsigned n, nh_sections_t *sections,
				 const char *why)
{
	for (unsigned i = 0; i < n && i < NH_SECTION_MAX; i++) {
		if (nh_sections_has(sections, i))
			continue;
		const nh_sampler_t *d = table[i];
		json_t *section = d->unreported ? d->unreported(why) : nh_sampler_unavailable(why);
		char *text = json_dumps(section, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
		json_decref(section);
		if (text)
			(void)nh_sections_put(sections, i, d->name, text, strlen(text));
		free(text);
	}
}
