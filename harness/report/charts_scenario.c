/* SPDX-License-Identifier: MIT */
/* charts_scenario: the charts a scenario asked for with nh.report.chart, drawn from
 * scenario-report.json like the harness's own — a line per series over a numeric x
 * (scenario-lines.gp), or groups of bars over labels (scenario-bars.gp) — so `report DIR` draws
 * them again without running Lua. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "charts_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* More bar groups than this say nothing (the scenario's own table can list them). */
enum { MAX_BAR_LABELS = 48 };

struct xy {
	double x, y, lo, hi;
};

static int cmp_x(const void *a, const void *b)
{
	double d = ((const struct xy *)a)->x - ((const struct xy *)b)->x;
	return (d > 0) - (d < 0);
}

/* A point's y with its range; false when it has no y (a gap). */
static bool point_y(nh_scen_point_t p, struct xy *o)
{
	if (!p.y.present || !isfinite(p.y.v))
		return false;
	o->y = p.y.v;
	o->lo = p.lo.present && isfinite(p.lo.v) ? p.lo.v : o->y;
	o->hi = p.hi.present && isfinite(p.hi.v) ? p.hi.v : o->y;
	return true;
}

static void series_name(const nh_scen_view_t *v, unsigned i, unsigned s, char *buf, size_t len)
{
	nh_str_t name = nh_scen_view_series_name(v, i, s);
	if (name.present && *name.s)
		snprintf(buf, len, "%s", name.s);
	else
		snprintf(buf, len, "series %u", s + 1);
	nh_charts_shorten(buf, 48);
}

static int lines_chart(struct nh_charts_ctx *x, const nh_scen_view_t *v, unsigned i,
		       const char *title, const nh_chart_axes_t *axes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = nh_charts_dat_open(&buf, &len, title, "per series: x y lo hi");
	if (!f)
		return nh_err_set(x->err, "out of memory for chart data");
	unsigned drawn = 0;
	for (unsigned s = 0; s < axes->series; s++) {
		unsigned n = nh_scen_view_points(v, i, s);
		struct xy *pts = calloc(n ? n : 1, sizeof *pts);
		if (!pts) {
			fclose(f);
			free(buf);
			errno = ENOMEM;
			return nh_err_set(x->err, "out of memory for chart data");
		}
		unsigned np = 0;
		for (unsigned k = 0; k < n; k++) {
			nh_scen_point_t p = nh_scen_view_point(v, i, s, k);
			if (p.x.kind == NH_SCEN_NUMBER && isfinite(p.x.v) && point_y(p, &pts[np])) {
				pts[np].x = p.x.v;
				np++;
			}
		}
		qsort(pts, np, sizeof *pts, cmp_x);
		char name[256];
		series_name(v, i, s, name, sizeof name);
		if (s)
			fputs("\n\n", f);
		nh_charts_dat_string(f, name);
		fputc('\n', f);
		for (unsigned k = 0; k < np; k++)
			fprintf(f, "%.10g %.10g %.10g %.10g\n", pts[k].x, pts[k].y, pts[k].lo,
				pts[k].hi);
		drawn += np > 0;
		free(pts);
	}
	if (!drawn) { /* nothing to draw: no chart rather than an empty frame */
		fclose(f);
		free(buf);
		return 0;
	}
	return nh_charts_dat_finish_axes(x, f, &buf, &len, "scenario-lines", title, axes);
}

/* A point's x as a bar label: its text, or its number. */
static void bar_label(nh_scen_cell_t c, char *buf, size_t len)
{
	if (c.kind == NH_SCEN_TEXT)
		snprintf(buf, len, "%s", c.s);
	else if (c.kind == NH_SCEN_NUMBER)
		snprintf(buf, len, "%.10g", c.v);
	else if (c.kind == NH_SCEN_FLAG)
		snprintf(buf, len, "%s", c.v ? "true" : "false");
	else
		buf[0] = '\0';
	nh_charts_shorten(buf, 40);
}

static int bars_chart(struct nh_charts_ctx *x, const nh_scen_view_t *v, unsigned i,
		      const char *title, const nh_chart_axes_t *axes)
{
	/* The x labels in first-seen order over every series. */
	char(*labels)[64] = calloc(MAX_BAR_LABELS, sizeof *labels);
	if (!labels) {
		errno = ENOMEM;
		return nh_err_set(x->err, "out of memory for chart data");
	}
	unsigned nl = 0;
	for (unsigned s = 0; s < axes->series; s++)
		for (unsigned k = 0; k < nh_scen_view_points(v, i, s); k++) {
			char l[64];
			bar_label(nh_scen_view_point(v, i, s, k).x, l, sizeof l);
			bool seen = false;
			for (unsigned j = 0; j < nl && !seen; j++)
				seen = strcmp(labels[j], l) == 0;
			if (!seen && nl < MAX_BAR_LABELS)
				snprintf(labels[nl++], sizeof labels[0], "%s", l);
		}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = nh_charts_dat_open(&buf, &len, title,
				     "label, then per series: y lo hi (\"-\": no value)");
	if (!f) {
		free(labels);
		errno = ENOMEM;
		return nh_err_set(x->err, "out of memory for chart data");
	}
	nh_charts_dat_string(f, axes->xlabel ? axes->xlabel : "");
	for (unsigned s = 0; s < axes->series; s++) {
		char name[256];
		series_name(v, i, s, name, sizeof name);
		fputc(' ', f);
		nh_charts_dat_string(f, name);
		fputs(" \"-\" \"-\"", f);
	}
	fputc('\n', f);
	unsigned values = 0;
	for (unsigned j = 0; j < nl; j++) {
		nh_charts_dat_string(f, labels[j]);
		for (unsigned s = 0; s < axes->series; s++) {
			/* The series' first point with this label. */
			struct xy p;
			bool have = false;
			for (unsigned k = 0; k < nh_scen_view_points(v, i, s) && !have; k++) {
				nh_scen_point_t pt = nh_scen_view_point(v, i, s, k);
				char l[64];
				bar_label(pt.x, l, sizeof l);
				have = strcmp(l, labels[j]) == 0 && point_y(pt, &p);
			}
			if (have)
				fprintf(f, " %.10g %.10g %.10g", p.y, p.lo, p.hi);
			else
				fputs(" - - -", f);
			values += have;
		}
		fputc('\n', f);
	}
	free(labels);
	if (!values) {
		fclose(f);
		free(buf);
		return 0;
	}
	return nh_charts_dat_finish_axes(x, f, &buf, &len, "scenario-bars", title, axes);
}

int nh_charts_scenario(struct nh_charts_ctx *x)
{
	nh_results_doc_error_t why;
	nh_scen_view_t *v = nh_results_scenario_load(x->r, &why);
	if (!v)
		return 0; /* none, or unreadable: the report's scenario section says so */
	int rc = 0;
	for (unsigned i = 0; i < nh_scen_view_count(v) && rc == 0; i++) {
		nh_scen_item_view_t it = nh_scen_view_item(v, i);
		if (!it.type.present || strcmp(it.type.s, "chart") != 0)
			continue;
		unsigned series = nh_scen_view_series(v, i);
		nh_chart_axes_t axes = {
				.xlabel = nh_str_or(it.xlabel, NULL),
				.ylabel = nh_str_or(it.ylabel, NULL),
				.series = series < MAX_SERIES ? series : MAX_SERIES,
		};
		if (!axes.series)
			continue;
		const char *title = nh_str_or(it.title, "From the scenario");
		unsigned before = x->out->count;
		bool bars = it.style.present && strcmp(it.style.s, "bars") == 0;
		rc = bars ? bars_chart(x, v, i, title, &axes) : lines_chart(x, v, i, title, &axes);
		if (rc == 0 && x->out->count > before)
			x->out->charts[x->out->count - 1].scenario_item = i + 1;
	}
	nh_scen_view_free(v);
	return rc;
}
