/* SPDX-License-Identifier: MIT */
/* report_scenario: scenario-report.json in the report — a scenario's Markdown, tables and
 * charts where its code put them, each with the file:line that added it. */
#include "report_scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A table cell as text: a number as the report writes figures, a flag as yes/no, nothing as –. */
static void cell_text(nh_scen_cell_t c, char *buf, size_t len)
{
	switch (c.kind) {
	case NH_SCEN_TEXT: snprintf(buf, len, "%s", c.s); break;
	case NH_SCEN_NUMBER:
		if (fabs(c.v) < 1e15 && c.v == (double)(long long)c.v)
			snprintf(buf, len, "%lld", (long long)c.v); /* counts stay whole */
		else
			rw_num(buf, len, c.v);
		break;
	case NH_SCEN_FLAG: snprintf(buf, len, "%s", c.v ? "yes" : "no"); break;
	default: snprintf(buf, len, "–");
	}
}

static void item_table(struct rw *w, const nh_scen_view_t *v, unsigned i)
{
	unsigned nc = nh_scen_view_columns(v, i), nr = nh_scen_view_rows(v, i);
	if (nc > 32)
		nc = 32; /* the script refuses more; a hand-edited file is cut */
	if (!nc) {
		rw_p_begin(w);
		rw_text(w, "The table has no columns.");
		rw_p_end(w);
		return;
	}
	/* A column of numbers (and gaps) is right-aligned. */
	char align[33];
	const char *headers[32];
	for (unsigned c = 0; c < nc; c++) {
		bool numeric = nr > 0;
		for (unsigned r = 0; r < nr && numeric; r++) {
			nh_scen_cell_t cell = nh_scen_view_cell(v, i, r, c);
			numeric = cell.kind == NH_SCEN_NUMBER || cell.kind == NH_SCEN_EMPTY;
		}
		align[c] = numeric ? 'r' : 'l';
		headers[c] = nh_str_or(nh_scen_view_column(v, i, c), "?");
	}
	align[nc] = '\0';
	rw_table_begin_v(w, align, headers);
	for (unsigned r = 0; r < nr; r++)
		for (unsigned c = 0; c < nc; c++) {
			char text[1024];
			cell_text(nh_scen_view_cell(v, i, r, c), text, sizeof text);
			rw_cell(w, "%s", text);
		}
	rw_table_end(w);
	if (!nr) {
		rw_p_begin(w);
		rw_text(w, "No rows.");
		rw_p_end(w);
	}
}

static void item_chart(struct rw *w, const nh_results_t *r, unsigned i, const nh_charts_t *charts,
		       const char *charts_note)
{
	for (unsigned k = 0; charts && k < charts->count; k++)
		if (charts->charts[k].scenario_item == i + 1) {
			rw_chart(w, nh_results_dir(r), &charts->charts[k], k);
			return;
		}
	rw_p_begin(w);
	if (charts_note && *charts_note)
		rw_text(w, "Not drawn: %s.", charts_note);
	else
		rw_text(w, "Not drawn: no series has a value to draw.");
	rw_p_end(w);
}

static bool is_top(const nh_scen_item_view_t *it)
{
	return it->placement.present && strcmp(it->placement.s, "top") == 0;
}

/* One item under its title at heading \p level, with where the script added it. */
static void item(struct rw *w, const nh_results_t *r, const nh_scen_view_t *v, unsigned i,
		 int level, const nh_charts_t *charts, const char *charts_note)
{
	nh_scen_item_view_t it = nh_scen_view_item(v, i);
	const char *type = nh_str_or(it.type, "");
	rw_heading(w, level, NULL, "%s", nh_str_or(it.title, "(untitled)"));
	if (strcmp(type, "section") == 0) {
		if (!rw_markdown(w, nh_str_or(it.markdown, ""), level)) {
			rw_p_begin(w);
			rw_text(w, "The section's Markdown could not be rendered (out of memory).");
			rw_p_end(w);
		}
	} else if (strcmp(type, "table") == 0) {
		item_table(w, v, i);
	} else if (strcmp(type, "chart") == 0) {
		item_chart(w, r, i, charts, charts_note);
	} else {
		rw_p_begin(w);
		rw_text(w, "Item %u is a '%s', which this report does not know (section, table, "
			   "chart): left out.", i + 1, type);
		rw_p_end(w);
	}
	rw_p_begin(w);
	if (it.note.present && *it.note.s)
		rw_text(w, "%s ", it.note.s);
	rw_text(w, "Added by ");
	rw_code(w, "%s", nh_str_or(it.source, "?"));
	rw_text(w, ".");
	rw_p_end(w);
}

void nh_report_scenario_top(struct rw *w, const nh_results_t *r, const nh_charts_t *charts,
			    const char *charts_note)
{
	nh_results_doc_error_t why;
	nh_scen_view_t *v = nh_results_scenario_load(r, &why);
	if (!v) /* absent, or unreadable: the section after the results says why */
		return;
	for (unsigned i = 0; i < nh_scen_view_count(v); i++) {
		nh_scen_item_view_t it = nh_scen_view_item(v, i);
		if (is_top(&it))
			item(w, r, v, i, 2, charts, charts_note);
	}
	nh_scen_view_free(v);
}

void nh_report_section_scenario(struct rw *w, const nh_results_t *r, const nh_charts_t *charts,
				const char *charts_note)
{
	nh_results_doc_error_t why;
	nh_scen_view_t *v = nh_results_scenario_load(r, &why);
	if (!v && why.absent)
		return;
	unsigned n = v ? nh_scen_view_count(v) : 0, here = 0;
	for (unsigned i = 0; i < n; i++) {
		nh_scen_item_view_t it = nh_scen_view_item(v, i);
		here += !is_top(&it);
	}
	if (v && n && !here) { /* everything it added opens the report */
		nh_scen_view_free(v);
		return;
	}
	rw_heading(w, 2, "scenario", "From the scenario");
	if (!v) {
		rw_p_begin(w);
		rw_code(w, "scenario-report.json");
		if (why.line > 0)
			rw_text(w, " cannot be read (line %d: %s): ", why.line, why.text);
		else
			rw_text(w, " cannot be read (%s): ", why.text);
		rw_text(w, "what the scenario added to the report is left out.");
		rw_p_end(w);
		return;
	}
	if (!n) {
		rw_p_begin(w);
		rw_text(w, "The scenario added nothing to the report.");
		rw_p_end(w);
	}
	for (unsigned i = 0; i < n; i++) {
		nh_scen_item_view_t it = nh_scen_view_item(v, i);
		if (!is_top(&it))
			item(w, r, v, i, 3, charts, charts_note);
	}
	nh_scen_view_free(v);
}
