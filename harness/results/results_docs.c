/* SPDX-License-Identifier: MIT */
/* results_docs: the documents written beside the records read back — checks.json (the
 * expectations' verdicts) and compare.json (a comparison with a baseline) — for the report and
 * its charts. Their key names are here, beside the records'. */
#include "host_summary.h"
#include "results.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WHY(path, what) path ": " what

static nh_str_t str_at(const json_t *o, const char *key, const char *absent)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return (nh_str_t){.why = absent};
	return (nh_str_t){.present = true, .s = json_string_value(v)};
}

static nh_num_t num_of(const json_t *v, const char *absent)
{
	if (!json_is_number(v))
		return (nh_num_t){.why = absent};
	return (nh_num_t){.present = true, .v = json_number_value(v)};
}

/* DIR/NAME as JSON, or NULL with why: no such file, or where it is not JSON. */
static json_t *load_doc(const char *dir, const char *name, nh_results_doc_error_t *why)
{
	char path[PATH_MAX + 40];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	json_error_t je;
	size_t len;
	/* read whole, then parsed: jansson's own file reader takes a byte at a time */
	char *text = nh_read_file(path, &len, NULL);
	memset(why, 0, sizeof *why);
	if (!text) {
		why->absent = errno == ENOENT;
		snprintf(why->text, sizeof why->text, "%s", strerror(errno));
		return NULL;
	}
	json_t *doc = json_loadb(text, len, 0, &je);
	free(text);
	if (doc)
		return doc;
	why->line = je.line;
	snprintf(why->text, sizeof why->text, "%s", je.text);
	return NULL;
}

/* A view of DIR/NAME: \p size bytes whose first member is the document, which the view then
 * owns; NULL with why when the file is absent, not JSON or memory runs out. */
static void *load_view(const char *dir, const char *name, size_t size,
		       nh_results_doc_error_t *why)
{
	json_t *doc = load_doc(dir, name, why);
	if (!doc)
		return NULL;
	json_t **v = calloc(1, size);
	if (!v) {
		json_decref(doc);
		snprintf(why->text, sizeof why->text, "out of memory");
		return NULL;
	}
	*v = doc;
	return v;
}

/* ---- checks.json ---- */

struct nh_checks_view {
	json_t *doc;
	json_t *checks; /* the array: the document itself, or its "checks" member */
};

nh_checks_view_t *nh_checks_view_load(const char *dir, nh_results_doc_error_t *why)
{
	nh_checks_view_t *v = load_view(dir, "checks.json", sizeof *v, why);
	if (v)
		v->checks = json_is_array(v->doc) ? v->doc : json_object_get(v->doc, "checks");
	return v;
}

nh_checks_view_t *nh_results_checks_load(const nh_results_t *r, nh_results_doc_error_t *why)
{
	return nh_checks_view_load(nh_results_dir(r), why);
}

void nh_checks_view_free(nh_checks_view_t *v)
{
	if (!v)
		return;
	json_decref(v->doc);
	free(v);
}

unsigned nh_checks_view_count(const nh_checks_view_t *v)
{
	return (unsigned)json_array_size(v->checks);
}

nh_check_view_t nh_checks_view_at(const nh_checks_view_t *v, unsigned i)
{
	const json_t *k = json_array_get(v->checks, i);
	const json_t *gate = json_object_get(k, "fails_gate");
	return (nh_check_view_t){
		.status = str_at(k, "status", WHY("checks[].status", "not a string")),
		.name = str_at(k, "name", WHY("checks[].name", "not a string")),
		.detail = str_at(k, "detail", WHY("checks[].detail", "not a string")),
		.source = str_at(k, "source", WHY("checks[].source", "not a string")),
		.fails_gate = json_is_boolean(gate)
				      ? (nh_flag_t){.present = true, .v = json_is_true(gate)}
				      : (nh_flag_t){.why = WHY("checks[].fails_gate",
							       "not true or false")},
	};
}

/* ---- compare.json ---- */

struct nh_cmp_view {
	json_t *doc;
};

nh_cmp_view_t *nh_results_comparison_load(const nh_results_t *r, nh_results_doc_error_t *why)
{
	return load_view(nh_results_dir(r), "compare.json", sizeof(nh_cmp_view_t), why);
}

void nh_cmp_view_free(nh_cmp_view_t *v)
{
	if (!v)
		return;
	json_decref(v->doc);
	free(v);
}

nh_str_t nh_cmp_view_baseline(const nh_cmp_view_t *v)
{
	return str_at(v->doc, "baseline", WHY("baseline", "not a string"));
}

nh_str_t nh_cmp_view_candidate(const nh_cmp_view_t *v)
{
	return str_at(v->doc, "candidate", WHY("candidate", "not a string"));
}

nh_str_t nh_cmp_view_rule(const nh_cmp_view_t *v)
{
	return str_at(v->doc, "rule", WHY("rule", "not a string"));
}

bool nh_cmp_view_summary_next(const nh_cmp_view_t *v, nh_rv_iter_t *it, const char **verdict,
			      long long *count)
{
	json_t *sum = json_object_get(v->doc, "summary");
	if (!json_is_object(sum))
		return false;
	it->it = it->started ? json_object_iter_next(sum, it->it) : json_object_iter(sum);
	it->started = true;
	if (!it->it)
		return false;
	*verdict = json_object_iter_key(it->it);
	*count = (long long)json_integer_value(json_object_iter_value(it->it));
	return true;
}

static json_t *rows(const nh_cmp_view_t *v) { return json_object_get(v->doc, "rows"); }

unsigned nh_cmp_view_row_count(const nh_cmp_view_t *v)
{
	return (unsigned)json_array_size(rows(v));
}

nh_cmp_row_view_t nh_cmp_view_row(const nh_cmp_view_t *v, unsigned i)
{
	const json_t *r = json_array_get(rows(v), i);
	const json_t *ci = json_object_get(r, "interval_pct");
	return (nh_cmp_row_view_t){
		.label = str_at(r, "label", WHY("rows[].label", "not a string")),
		.key = str_at(r, "key", WHY("rows[].key", "not a string")),
		.metric = str_at(r, "metric", WHY("rows[].metric", "not a string")),
		.unit = str_at(r, "unit", WHY("rows[].unit", "not a string")),
		.verdict = str_at(r, "verdict", WHY("rows[].verdict", "not a string")),
		.base_median = num_of(json_object_get(json_object_get(r, "baseline"), "median"),
				      WHY("rows[].baseline.median", "not a number")),
		.cand_median = num_of(json_object_get(json_object_get(r, "candidate"), "median"),
				      WHY("rows[].candidate.median", "not a number")),
		.change_pct = num_of(json_object_get(r, "change_pct"),
				     WHY("rows[].change_pct", "not a number")),
		.interval_lo_pct = num_of(json_array_get(ci, 0),
					  WHY("rows[].interval_pct[0]", "not a number")),
		.interval_hi_pct = num_of(json_array_get(ci, 1),
					  WHY("rows[].interval_pct[1]", "not a number")),
		.p_mann_whitney = num_of(json_object_get(r, "p_mann_whitney"),
					 WHY("rows[].p_mann_whitney", "not a number")),
	};
}

static json_t *only(const nh_cmp_view_t *v, bool in_candidate)
{
	return json_object_get(v->doc, in_candidate ? "only_in_candidate" : "only_in_baseline");
}

unsigned nh_cmp_view_only_count(const nh_cmp_view_t *v, bool in_candidate)
{
	return (unsigned)json_array_size(only(v, in_candidate));
}

nh_cmp_only_view_t nh_cmp_view_only(const nh_cmp_view_t *v, bool in_candidate, unsigned i)
{
	const json_t *o = json_array_get(only(v, in_candidate), i);
	return (nh_cmp_only_view_t){
		.label = str_at(o, "label", WHY("only_in_*[].label", "not a string")),
		.key = str_at(o, "key", WHY("only_in_*[].key", "not a string")),
	};
}

static json_t *notes(const nh_cmp_view_t *v) { return json_object_get(v->doc, "notes"); }

unsigned nh_cmp_view_note_count(const nh_cmp_view_t *v)
{
	return (unsigned)json_array_size(notes(v));
}

nh_str_t nh_cmp_view_note(const nh_cmp_view_t *v, unsigned i)
{
	const json_t *n = json_array_get(notes(v), i);
	if (!json_is_string(n))
		return (nh_str_t){.why = WHY("notes[]", "not a string")};
	return (nh_str_t){.present = true, .s = json_string_value(n)};
}

/* ---- scenario-report.json ---- */

struct nh_scen_view {
	json_t *doc;
	json_t *items;
};

nh_scen_view_t *nh_results_scenario_load(const nh_results_t *r, nh_results_doc_error_t *why)
{
	nh_scen_view_t *v = load_view(nh_results_dir(r), "scenario-report.json", sizeof *v, why);
	if (v && !json_is_array(v->items = json_object_get(v->doc, "items"))) {
		nh_scen_view_free(v);
		snprintf(why->text, sizeof why->text, "\"items\" is not an array");
		return NULL;
	}
	return v;
}

void nh_scen_view_free(nh_scen_view_t *v)
{
	if (!v)
		return;
	json_decref(v->doc);
	free(v);
}

unsigned nh_scen_view_count(const nh_scen_view_t *v) { return (unsigned)json_array_size(v->items); }

nh_scen_item_view_t nh_scen_view_item(const nh_scen_view_t *v, unsigned i)
{
	const json_t *it = json_array_get(v->items, i);
	return (nh_scen_item_view_t){
		.type = str_at(it, "type", WHY("items[].type", "not a string")),
		.title = str_at(it, "title", WHY("items[].title", "not a string")),
		.source = str_at(it, "source", WHY("items[].source", "not a string")),
		.markdown = str_at(it, "markdown", WHY("items[].markdown", "not a string")),
		.note = str_at(it, "note", WHY("items[].note", "not a string")),
		.style = str_at(it, "style", WHY("items[].style", "not a string")),
		.xlabel = str_at(it, "x", WHY("items[].x", "not a string")),
		.ylabel = str_at(it, "y", WHY("items[].y", "not a string")),
		.placement = str_at(it, "placement", WHY("items[].placement", "not a string")),
	};
}

static const json_t *item_array(const nh_scen_view_t *v, unsigned i, const char *key)
{
	const json_t *a = json_object_get(json_array_get(v->items, i), key);
	return json_is_array(a) ? a : NULL;
}

unsigned nh_scen_view_columns(const nh_scen_view_t *v, unsigned i)
{
	return (unsigned)json_array_size(item_array(v, i, "columns"));
}

nh_str_t nh_scen_view_column(const nh_scen_view_t *v, unsigned i, unsigned col)
{
	const json_t *c = json_array_get(item_array(v, i, "columns"), col);
	if (!json_is_string(c))
		return (nh_str_t){.why = WHY("items[].columns[]", "not a string")};
	return (nh_str_t){.present = true, .s = json_string_value(c)};
}

unsigned nh_scen_view_rows(const nh_scen_view_t *v, unsigned i)
{
	return (unsigned)json_array_size(item_array(v, i, "rows"));
}

static nh_scen_cell_t cell_of(const json_t *c)
{
	if (json_is_string(c))
		return (nh_scen_cell_t){.kind = NH_SCEN_TEXT, .s = json_string_value(c)};
	if (json_is_number(c))
		return (nh_scen_cell_t){.kind = NH_SCEN_NUMBER, .v = json_number_value(c)};
	if (json_is_boolean(c))
		return (nh_scen_cell_t){.kind = NH_SCEN_FLAG, .v = json_is_true(c)};
	return (nh_scen_cell_t){.kind = NH_SCEN_EMPTY};
}

nh_scen_cell_t nh_scen_view_cell(const nh_scen_view_t *v, unsigned i, unsigned row, unsigned col)
{
	return cell_of(json_array_get(json_array_get(item_array(v, i, "rows"), row), col));
}

unsigned nh_scen_view_series(const nh_scen_view_t *v, unsigned i)
{
	return (unsigned)json_array_size(item_array(v, i, "series"));
}

nh_str_t nh_scen_view_series_name(const nh_scen_view_t *v, unsigned i, unsigned s)
{
	return str_at(json_array_get(item_array(v, i, "series"), s), "name",
		      WHY("items[].series[].name", "not a string"));
}

static const json_t *series_points(const nh_scen_view_t *v, unsigned i, unsigned s)
{
	const json_t *p = json_object_get(json_array_get(item_array(v, i, "series"), s), "points");
	return json_is_array(p) ? p : NULL;
}

unsigned nh_scen_view_points(const nh_scen_view_t *v, unsigned i, unsigned s)
{
	return (unsigned)json_array_size(series_points(v, i, s));
}

nh_scen_point_t nh_scen_view_point(const nh_scen_view_t *v, unsigned i, unsigned s, unsigned k)
{
	const json_t *p = json_array_get(series_points(v, i, s), k);
	return (nh_scen_point_t){
		.x = cell_of(json_array_get(p, 0)),
		.y = num_of(json_array_get(p, 1), WHY("items[].series[].points[][1]", "not a number")),
		.lo = num_of(json_array_get(p, 2), WHY("items[].series[].points[][2]", "not a number")),
		.hi = num_of(json_array_get(p, 3), WHY("items[].series[].points[][3]", "not a number")),
	};
}
