/* SPDX-License-Identifier: MIT */
/* record: a run's result, its placement verdict, and its JSON line / CSV rows. */
#include "record.h"

#include "run_options.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *nh_verdict_name(enum nh_verdict v)
{
	static const char *const names[] = {"not-checked", "ok", "fallback", "violated", "unbalanced"};
	return v < NH_ARRAY_LEN(names) ? names[v] : "?";
}

static const char *better_name(int better)
{
	return better > 0 ? "higher" : better < 0 ? "lower" : "none";
}

void nh_record_add_metric(nh_record_t *r, const char *name, const char *unit, int better, double value)
{
	if (r->metric_count == NH_MAX_METRICS)
		return;
	nh_metric_set(&r->metrics[r->metric_count++], name, unit, better, value);
}

const nh_metric_t *nh_record_metric(const nh_record_t *r, const char *name)
{
	for (unsigned i = 0; i < r->metric_count; i++)
		if (strcmp(r->metrics[i].name, name) == 0)
			return &r->metrics[i];
	return NULL;
}

/* Interleave: every node of the set should hold its share (equal, or by weight) within 2%. */
#define INTERLEAVE_TOLERANCE 0.02

static bool interleave_balanced(const nh_record_t *r, char *why, size_t len)
{
	const nh_policy_t *p = &r->spec.policy;
	const nh_placement_t *pl = &r->placement;
	uint64_t placed = 0;
	double weight_sum = 0;
	for (int n = nh_set_next(&p->mem_nodes, 0); n >= 0; n = nh_set_next(&p->mem_nodes, n + 1)) {
		placed += n < NH_MAX_NODES ? pl->pages_by_node[n] : 0;
		weight_sum += p->has_weights && n < 64 ? p->weights[n] : 1;
	}
	if (placed == 0)
		return true;
	for (int n = nh_set_next(&p->mem_nodes, 0); n >= 0 && n < NH_MAX_NODES;
	     n = nh_set_next(&p->mem_nodes, n + 1)) {
		double want = (p->has_weights ? p->weights[n] : 1) / weight_sum;
		double got = (double)pl->pages_by_node[n] / (double)placed;
		if (fabs(got - want) > INTERLEAVE_TOLERANCE) {
			snprintf(why, len, "node %d holds %.1f%% of the pages, expected %.1f%% (±%.0f%%)", n,
				 100 * got, 100 * want, 100 * INTERLEAVE_TOLERANCE);
			return false;
		}
	}
	return true;
}

void nh_record_judge_placement(nh_record_t *r, double threshold)
{
	const nh_placement_t *pl = &r->placement;
	r->verdict = NH_VERDICT_NOT_CHECKED;
	r->fraction_expected = -1;
	if (!r->observed_valid || pl->pages_checked == 0) {
		snprintf(r->verdict_reason, sizeof r->verdict_reason, "%s",
			 r->observed_valid ? "no resident pages to check" : "placement not observed");
		return;
	}
	double frac = (double)pl->pages_expected / (double)pl->pages_checked;
	r->fraction_expected = frac;
	enum nh_mem_mode mode = r->spec.policy.mem_mode;
	if (frac >= threshold) {
		char why[160] = "";
		bool spread = mode == NH_MEM_INTERLEAVE || mode == NH_MEM_WEIGHTED_INTERLEAVE;
		if (spread && !interleave_balanced(r, why, sizeof why)) {
			r->verdict = NH_VERDICT_UNBALANCED;
			snprintf(r->verdict_reason, sizeof r->verdict_reason, "%s", why);
			return;
		}
		r->verdict = NH_VERDICT_OK;
		snprintf(r->verdict_reason, sizeof r->verdict_reason,
			 "%.2f%% of %llu pages on the expected node(s)", 100 * frac,
			 (unsigned long long)pl->pages_checked);
		return;
	}
	/* Preferred and local policies may legitimately fall back to other nodes; strict ones not. */
	bool may_fall_back = mode == NH_MEM_PREFERRED || mode == NH_MEM_PREFERRED_MANY ||
			     mode == NH_MEM_DEFAULT || mode == NH_MEM_LOCAL;
	r->verdict = may_fall_back ? NH_VERDICT_FALLBACK : NH_VERDICT_VIOLATED;
	/* A node list too long for the field is cut ("..."); the threshold stays. */
	char head[96], tail[48], nodes[sizeof r->expected_nodes];
	nh_format_cut(head, sizeof head, "only %.2f%% of %llu pages on the expected node(s) ",
		      100 * frac, (unsigned long long)pl->pages_checked);
	nh_format_cut(tail, sizeof tail, " (threshold %.0f%%)", 100 * threshold); /* fits in [0, 1] */
	size_t room = sizeof r->verdict_reason - strlen(head) - strlen(tail); /* nodes and the NUL */
	nh_format_cut(nodes, room < sizeof nodes ? room : sizeof nodes, "%s", r->expected_nodes);
	nh_format_cut(r->verdict_reason, sizeof r->verdict_reason, "%s%s%s", head, nodes, tail);
}

/* ---- JSON ---- */

static json_t *params_json(const nh_params_t *p)
{
	json_t *o = json_object();
	for (unsigned i = 0; i < p->count; i++)
		json_object_set_new(o, p->kv[i].name, json_string(p->kv[i].value));
	return o;
}

static json_t *number_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

/* {"0": pages, ...} for the nodes that hold any. */
static json_t *pages_json(const uint64_t pages[NH_MAX_NODES])
{
	json_t *o = json_object();
	for (int n = 0; n < NH_MAX_NODES; n++) {
		if (!pages[n])
			continue;
		char key[16];
		snprintf(key, sizeof key, "%d", n);
		json_object_set_new(o, key, json_integer((json_int_t)pages[n]));
	}
	return o;
}

static json_t *policy_json(const nh_record_t *r)
{
	json_t *pol = json_object();
	json_object_set_new(pol, "requested", json_string(r->spec.policy.spec));
	if (r->applied_valid) {
		json_t *a = json_object();
		json_object_set_new(a, "spec", json_string(r->applied_spec));
		json_object_set_new(a, "mem_mode", json_string(r->applied_mem_mode));
		json_object_set_new(a, "mem_nodes", json_string(r->applied_mem_nodes));
		json_object_set_new(a, "cpus", json_string(r->applied_cpus));
		json_object_set_new(pol, "applied", a);
	} else {
		json_object_set_new(pol, "applied", json_null());
	}
	json_t *obs = json_object();
	if (r->observed_valid) {
		json_object_set_new(obs, "pages_by_node", pages_json(r->placement.pages_by_node));
		json_object_set_new(obs, "numa_maps_pages_by_node",
				    r->numa_maps_valid ? pages_json(r->numa_maps_pages) : json_null());
		json_object_set_new(obs, "pages_total", json_integer((json_int_t)r->placement.pages_total));
		json_object_set_new(obs, "pages_absent", json_integer((json_int_t)r->placement.pages_absent));
		json_object_set_new(obs, "expected_nodes", json_string(r->expected_nodes));
		json_object_set_new(obs, "fraction_on_expected",
				    r->fraction_expected >= 0 ? json_real(r->fraction_expected) : json_null());
	} else {
		json_object_set_new(obs, "pages_by_node", json_object());
	}
	json_object_set_new(obs, "threads_ran_on", r->ran_on[0] ? json_string(r->ran_on) : json_null());
	json_object_set_new(obs, "verdict", json_string(nh_verdict_name(r->verdict)));
	json_object_set_new(obs, "verdict_reason", json_string(r->verdict_reason));
	json_object_set_new(pol, "observed", obs);
	return pol;
}

static json_t *numastat_json(const nh_record_t *r)
{
	if (!r->numastat_valid)
		return json_null();
	json_t *o = json_object();
	json_t *nodes = json_object();
	for (unsigned i = 0; i < r->numastat_delta.count; i++) {
		json_t *n = json_object();
		for (unsigned f = 0; f < NH_NUMASTAT_FIELDS; f++)
			json_object_set_new(n, nh_numastat_field_name(f),
					    json_integer((json_int_t)r->numastat_delta.v[i][f]));
		char key[16];
		snprintf(key, sizeof key, "%d", r->numastat_delta.node[i]);
		json_object_set_new(nodes, key, n);
	}
	json_object_set_new(o, "delta_by_node", nodes);
	double ratio = nh_numastat_miss_ratio(&r->numastat_delta);
	json_object_set_new(o, "numa_miss_ratio", ratio >= 0 ? json_real(ratio) : json_null());
	return o;
}

/* An object of strings, in the order the workload noted them; what did not fit is said last. */
static json_t *notes_json(const nh_notes_t *notes)
{
	json_t *o = json_object();
	for (unsigned i = 0; i < notes->count; i++)
		json_object_set_new(o, notes->entries[i].key, json_string(notes->entries[i].value));
	if (nh_notes_overflowed(notes)) {
		char why[256];
		json_object_set_new(o, NH_NOTES_TRUNCATED_KEY,
				    json_string(nh_notes_overflow_text(notes, why, sizeof why)));
	}
	return o;
}

/* What was asked for and what the worker found serving malloc. */
static json_t *allocator_json(const nh_record_t *r)
{
	const char *requested = nh_params_get(&r->spec.params, "allocator");
	char tunables[1024] = "";
	(void)nh_run_options_tunables(&r->spec.params, tunables, sizeof tunables);
	json_t *o = json_object();
	json_object_set_new(o, "requested", json_string(requested ? requested : "glibc"));
	json_object_set_new(o, "preload", r->spec.allocator_path[0] ? json_string(r->spec.allocator_path) : json_null());
	json_object_set_new(o, "tunables", tunables[0] ? json_string(tunables) : json_null());
	if (r->allocator_valid)
		json_object_set_new(o, "confirmed", json_pack("{s:s, s:s, s:s?}", "name", r->allocator.name, "library",
							      r->allocator.library, "version",
							      r->allocator.version[0] ? r->allocator.version : NULL));
	else
		json_object_set_new(o, "confirmed", json_null());
	return o;
}

static json_t *u64_json(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v);
}

/* {"path", "version", "memory_max", "memory_high", "cpus", "mems", "oom_kill", "memory_peak"}, a
 * value not set or not read null; or {"unavailable": why}. */
static json_t *run_cgroup_json(const nh_record_cgroup_t *c)
{
	if (!c->available)
		return json_pack("{s:s}", "unavailable", c->unavailable[0] ? c->unavailable : "not made");
	json_t *o = json_object();
	json_object_set_new(o, "path", json_string(c->path));
	json_object_set_new(o, "version", json_integer(c->version));
	json_object_set_new(o, "memory_max", c->has_memory_max ? u64_json(c->memory_max) : json_null());
	json_object_set_new(o, "memory_high", c->has_memory_high ? u64_json(c->memory_high) : json_null());
	json_object_set_new(o, "cpus", c->cpus[0] ? json_string(c->cpus) : json_null());
	json_object_set_new(o, "mems", c->mems[0] ? json_string(c->mems) : json_null());
	json_object_set_new(o, "oom_kill", c->has_oom_kill ? u64_json(c->oom_kill) : json_null());
	json_object_set_new(o, "memory_peak", c->has_memory_peak ? u64_json(c->memory_peak) : json_null());
	return o;
}

/* The layers' sections, each under its key in slot order, as the samplers wrote them: the record
 * knows no layer. Parsed back only to be embedded; the numbers print as they were written. */
static void sections_json(json_t *o, const nh_record_t *r)
{
	for (unsigned i = 0; i < NH_SECTION_MAX; i++) {
		const char *key, *text;
		size_t len;
		if (!nh_sections_get(&r->sections, i, &key, &text, &len))
			continue;
		json_t *section = json_loadb(text, len, 0, NULL);
		json_object_set_new(o, key, section ? section
						    : json_pack("{s:s}", "unavailable", "the worker's section did not parse"));
	}
}

char *nh_record_to_json(const nh_record_t *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "run", json_integer(r->spec.index));
	json_object_set_new(o, "config", json_integer(r->spec.config));
	json_object_set_new(o, "rep", json_integer(r->spec.rep));
	json_object_set_new(o, "warmup", json_boolean(r->spec.warmup));
	json_object_set_new(o, "workload", json_string(r->spec.wl ? r->spec.wl->name : ""));
	json_object_set_new(o, "params", params_json(&r->spec.params));
	json_object_set_new(o, "outcome", json_string(nh_outcome_name(r->outcome)));
	json_object_set_new(o, "reason", json_string(r->reason));
	json_object_set_new(o, "policy", policy_json(r));
	json_t *metrics = json_object();
	for (unsigned i = 0; i < r->metric_count; i++) {
		const nh_metric_t *m = &r->metrics[i];
		json_t *mo = json_object();
		json_object_set_new(mo, "value", number_or_null(m->value));
		json_object_set_new(mo, "unit", json_string(m->unit));
		json_object_set_new(mo, "better", json_string(better_name(m->better)));
		for (unsigned k = 0; k < r->derived_count && k < NH_ARRAY_LEN(r->derived); k++) {
			if (strcmp(r->derived[k].name, m->name) != 0)
				continue;
			json_object_set_new(mo, "derived", json_string(r->derived[k].source));
			if (r->derived[k].absent[0])
				json_object_set_new(mo, "absent", json_string(r->derived[k].absent));
		}
		json_object_set_new(metrics, m->name, mo);
	}
	json_object_set_new(o, "metrics", metrics);
	json_object_set_new(o, "numastat", numastat_json(r));
	json_object_set_new(o, "allocator", allocator_json(r));
	json_object_set_new(o, "run_cgroup", run_cgroup_json(&r->run_cgroup));
	sections_json(o, r);
	json_object_set_new(o, "notes", notes_json(&r->notes));
	json_object_set_new(o, "started_at", json_string(r->started_at));
	json_object_set_new(o, "duration_s", json_real(r->duration_s));
	json_object_set_new(o, "exit_status", r->exit_status >= 0 ? json_integer(r->exit_status) : json_null());
	json_object_set_new(o, "signal", r->term_signal ? json_integer(r->term_signal) : json_null());
	json_object_set_new(o, "source", json_string(r->spec.source));
	if (r->from_script) { /* only on runs a script asked for: planned records stay as they were */
		json_object_set_new(o, "origin", json_string("script"));
		json_object_set_new(o, "tag", r->tag[0] ? json_string(r->tag) : json_null());
		json_object_set_new(o, "run_reason", r->run_reason[0] ? json_string(r->run_reason) : json_null());
	}
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	return text;
}

/* ---- CSV: one row per metric, flat for gnuplot and spreadsheets ---- */

const char *nh_record_csv_header(void)
{
	return "run_id,run,config,rep,warmup,workload,params,policy,outcome,metric,value,unit,better\n";
}

/* RFC 4180 quoting for fields that may hold commas (params, policies). */
static void csv_field(char *out, size_t len, const char *text)
{
	size_t j = 0;
	if (j + 1 < len)
		out[j++] = '"';
	for (const char *c = text; *c && j + 3 < len; c++) {
		if (*c == '"')
			out[j++] = '"';
		out[j++] = *c;
	}
	if (j + 1 < len)
		out[j++] = '"';
	out[j] = '\0';
}

char *nh_record_to_csv(const nh_record_t *r, const char *run_id)
{
	char params[1024] = "", pq[1100], polq[300];
	size_t used = 0;
	for (unsigned i = 0; i < r->spec.params.count; i++) {
		int n = snprintf(params + used, sizeof params - used, "%s%s=%s", i ? " " : "",
				 r->spec.params.kv[i].name, r->spec.params.kv[i].value);
		if (n > 0 && (size_t)n < sizeof params - used)
			used += (size_t)n;
	}
	csv_field(pq, sizeof pq, params);
	csv_field(polq, sizeof polq, r->spec.policy.spec);
	size_t cap = 256 + (r->metric_count + 1) * (sizeof pq + sizeof polq + 160);
	char *out = malloc(cap);
	if (!out)
		return NULL;
	out[0] = '\0';
	used = 0;
	for (unsigned i = 0; i < r->metric_count; i++) {
		const nh_metric_t *m = &r->metrics[i];
		char value[64];
		if (isfinite(m->value))
			snprintf(value, sizeof value, "%.17g", m->value);
		else
			value[0] = '\0';
		int n = snprintf(out + used, cap - used, "%s,%u,%u,%u,%d,%s,%s,%s,%s,%s,%s,%s,%s\n", run_id,
				 r->spec.index, r->spec.config, r->spec.rep, r->spec.warmup,
				 r->spec.wl ? r->spec.wl->name : "", pq, polq, nh_outcome_name(r->outcome),
				 m->name, value, m->unit, better_name(m->better));
		if (n > 0 && (size_t)n < cap - used)
			used += (size_t)n;
	}
	return out;
}
