/* SPDX-License-Identifier: MIT */
/* report_forecast: the report's forecasts — for each run with a series, a sentence per run (its
 * nearest limit, else the layer that grows), from the record's "forecast" section or, for a
 * record without one, made here from its series and the record's limits; and a chart of the
 * layer with its fitted trend and its limit line. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "report_forecast.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "charts_internal.h"
#include "forecast_record.h"

/* Runs the section lists; the records have the rest. */
enum { MAX_FORECAST_RUNS = 50 };

/* What the report shows of one run's forecast, from either source. */
struct run_fc {
	bool made;	   /* a forecast exists (recorded, or made here) */
	bool recorded;	   /* from the record's section */
	char why[256];	   /* not made: why */
	char layer[80];	   /* the layer shown: the nearest limit's, else the first that grows */
	char label[96];	   /* its name in words: "node 1" */
	char sentence[400];
	char limit_name[96];
	double limit_bytes; /* NAN: none */
	double slope, intercept, t_last, limit_at_s;
	bool any_growth;
	char series[PATH_MAX]; /* the CSV, for the chart */
};

/* The series CSV of \p rec inside the results directory, or false with why. */
static bool series_of(const nh_results_t *r, const nh_rv_t *rec, char *path, size_t len,
		      char *why, size_t wlen)
{
	nh_rv_series_t s = nh_rv_series(rec);
	if (!s.file.present) {
		snprintf(why, wlen, "%s", s.unavailable.present ? s.unavailable.s : s.file.why);
		return false;
	}
	if (s.file.s[0] == '/' || strstr(s.file.s, "..")) {
		snprintf(why, wlen, "series.file is not inside the results directory");
		return false;
	}
	snprintf(path, len, "%s/%s", nh_results_dir(r), s.file.s);
	if (access(path, R_OK) != 0) {
		snprintf(why, wlen, "series file %s: %s", s.file.s, strerror(errno));
		return false;
	}
	return true;
}

static void from_record(const nh_rv_t *rec, const nh_rv_forecast_t *v, struct run_fc *fc)
{
	fc->recorded = true;
	if (v->unavailable.present) {
		snprintf(fc->why, sizeof fc->why, "%s", v->unavailable.s);
		return;
	}
	int pick = -1;
	for (unsigned i = 0; i < v->layer_count; i++) {
		nh_rv_forecast_layer_t l = nh_rv_forecast_layer(rec, i);
		bool grows = l.verdict.present && (strcmp(l.verdict.s, "growth") == 0 ||
						   strcmp(l.verdict.s, "at limit") == 0);
		fc->any_growth |= grows;
		if (v->nearest.present && l.layer.present && strcmp(l.layer.s, v->nearest.s) == 0)
			pick = (int)i;
		else if (pick < 0 && grows && !v->nearest.present)
			pick = (int)i;
	}
	if (pick < 0 && v->layer_count)
		pick = 0;
	fc->made = true;
	if (pick < 0) {
		snprintf(fc->sentence, sizeof fc->sentence, "no layer to forecast");
		return;
	}
	nh_rv_forecast_layer_t l = nh_rv_forecast_layer(rec, (unsigned)pick);
	snprintf(fc->layer, sizeof fc->layer, "%s", nh_str_or(l.layer, ""));
	snprintf(fc->label, sizeof fc->label, "%s", nh_str_or(l.label, fc->layer));
	snprintf(fc->sentence, sizeof fc->sentence, "%s", nh_str_or(l.sentence, ""));
	snprintf(fc->limit_name, sizeof fc->limit_name, "%s", nh_str_or(l.limit_name, ""));
	fc->limit_bytes = nh_num_or(l.limit_bytes, NAN);
	fc->slope = nh_num_or(l.slope, NAN);
	fc->intercept = nh_num_or(l.intercept, NAN);
	fc->t_last = nh_num_or(l.t_last_s, NAN);
	fc->limit_at_s = nh_num_or(l.limit_at_s, NAN);
}

static void from_forecast(const nh_forecast_t *f, struct run_fc *fc)
{
	int pick = f->nearest;
	for (unsigned i = 0; i < f->count; i++) {
		bool grows = f->layers[i].verdict == NH_FC_GROWTH || f->layers[i].verdict == NH_FC_AT_LIMIT;
		fc->any_growth |= grows;
		if (pick < 0 && grows)
			pick = (int)i;
	}
	if (pick < 0 && f->count)
		pick = 0;
	fc->made = true;
	if (pick < 0) {
		snprintf(fc->sentence, sizeof fc->sentence, "no layer to forecast");
		return;
	}
	const nh_fc_layer_t *l = &f->layers[pick];
	snprintf(fc->layer, sizeof fc->layer, "%s", l->layer);
	snprintf(fc->label, sizeof fc->label, "%s", l->label);
	snprintf(fc->sentence, sizeof fc->sentence, "%s", l->sentence);
	snprintf(fc->limit_name, sizeof fc->limit_name, "%s", l->has_limit ? l->limit.name : "");
	fc->limit_bytes = l->has_limit ? l->limit.bytes : NAN;
	fc->slope = l->trend.slope;
	fc->intercept = l->trend.intercept;
	fc->t_last = l->t_last;
	fc->limit_at_s = l->limit_at_s;
}

/* The forecast of \p rec: recorded, else made now; fc->made false (with why) when neither. */
static void run_forecast(const nh_results_t *r, const nh_rv_t *rec, struct run_fc *fc)
{
	memset(fc, 0, sizeof *fc);
	fc->limit_bytes = fc->slope = fc->intercept = fc->t_last = fc->limit_at_s = NAN;
	bool has_series = series_of(r, rec, fc->series, sizeof fc->series, fc->why, sizeof fc->why);
	if (!has_series)
		fc->series[0] = '\0';
	nh_rv_forecast_t v = nh_rv_forecast(rec);
	if (v.present) {
		from_record(rec, &v, fc);
		return;
	}
	if (!has_series)
		return;
	nh_fc_limits_t lim;
	nh_fc_limits_from_record(rec, &lim);
	nh_forecast_t f;
	nh_err_t err;
	if (nh_forecast_file(fc->series, &lim, NAN, NULL, &f, &err) < 0) {
		nh_format_cut(fc->why, sizeof fc->why, "%s", err.msg);
		return;
	}
	from_forecast(&f, fc);
	nh_forecast_free(&f);
}

/* ---- the chart: the series, its trend, its limit ---- */

static int forecast_chart(struct nh_charts_ctx *x, const nh_rv_t *rec, const struct run_fc *fc)
{
	nh_series_csv_t csv;
	if (!fc->series[0] || nh_series_csv_read(fc->series, &csv, NULL) < 0)
		return 0; /* a series that cannot be read makes no chart, not a failed report */
	int rc = 0;
	double *y = malloc((csv.rows ? csv.rows : 1) * sizeof *y);
	double page = nh_num_or(nh_rv_memory(rec).numa_maps_page_bytes, 4096);
	int tcol = nh_series_csv_find(&csv, "t_s");
	if (!y) {
		errno = ENOMEM;
		rc = nh_err_set(x->err, "out of memory for charts");
		goto out;
	}
	if (!nh_forecast_layer_values(&csv, fc->layer, page, y) || csv.rows < MIN_SERIES_ROWS)
		goto out;
	const double mib = 1048576.0;
	long run = (long)nh_num_or(nh_rv_run(rec), 0);
	char title[256];
	snprintf(title, sizeof title, "Forecast: run %ld, %s (%s %s)", run, fc->label,
		 nh_str_or(nh_rv_workload(rec), "?"), nh_str_or(nh_rv_policy_requested(rec), "?"));
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = nh_charts_dat_open(&buf, &blen, title,
				     "t_s MiB trend_MiB limit_MiB (\"?\" = none there)");
	if (!f) {
		errno = ENOMEM;
		rc = nh_err_set(x->err, "out of memory for charts");
		goto out;
	}
	bool trend = isfinite(fc->slope) && isfinite(fc->intercept);
	double t_first = csv.col[tcol][0], t_end = csv.col[tcol][csv.rows - 1];
	/* Column titles: the legend. */
	fputs("t_s ", f);
	nh_charts_dat_string(f, fc->label);
	fputs(" \"fitted trend\" ", f);
	nh_charts_dat_string(f, fc->limit_name[0] ? fc->limit_name : "no limit known");
	fputc('\n', f);
	for (unsigned i = 0; i < csv.rows; i++) {
		double t = csv.col[tcol][i];
		fprintf(f, "%.6g ", t);
		if (isfinite(y[i]))
			fprintf(f, "%.6g", y[i] / mib);
		else
			fputc('?', f);
		if (trend)
			fprintf(f, " %.6g", (fc->intercept + fc->slope * t) / mib);
		else
			fputs(" ?", f);
		if (isfinite(fc->limit_bytes))
			fprintf(f, " %.6g\n", fc->limit_bytes / mib);
		else
			fputs(" ?\n", f);
	}
	/* The trend carried on to where it meets the limit when that is within five times the
	 * series' length ahead, else for as long again as the series: its direction. */
	double span = t_end - t_first;
	if (trend && span > 0) {
		double to = isfinite(fc->limit_at_s) && fc->limit_at_s > t_end &&
					    fc->limit_at_s <= t_end + 5 * span
				    ? fc->limit_at_s
				    : t_end + span;
		fprintf(f, "%.6g ? %.6g ", to, (fc->intercept + fc->slope * to) / mib);
		if (isfinite(fc->limit_bytes))
			fprintf(f, "%.6g\n", fc->limit_bytes / mib);
		else
			fputs("?\n", f);
	}
	char ylabel[160];
	snprintf(ylabel, sizeof ylabel, "MiB (limit: %s)",
		 fc->limit_name[0] ? fc->limit_name : "none known");
	rc = nh_charts_dat_finish(x, f, &buf, &blen, "forecast", title, ylabel);
out:
	free(y);
	nh_series_csv_free(&csv);
	return rc;
}

int nh_charts_forecast(struct nh_charts_ctx *x)
{
	unsigned made = 0;
	for (unsigned i = 0; i < nh_results_count(x->r) && made < MAX_TIMESERIES; i++) {
		const nh_rv_t *rec = nh_results_record(x->r, i);
		struct run_fc fc;
		run_forecast(x->r, rec, &fc);
		/* A chart says something where a layer grows or a limit is near. */
		if (!fc.made || !fc.layer[0] || (!fc.any_growth && !isfinite(fc.limit_bytes)))
			continue;
		unsigned before = x->out->count;
		if (forecast_chart(x, rec, &fc) < 0)
			return -1;
		if (x->out->count > before) {
			/* Found again by the section: the chart names its run. */
			made++;
		}
	}
	return 0;
}

/* ---- the section ---- */

static const nh_chart_t *chart_of(const nh_charts_t *charts, long run, unsigned *index)
{
	char prefix[64];
	int n = snprintf(prefix, sizeof prefix, "Forecast: run %ld, ", run);
	for (unsigned k = 0; charts && k < charts->count; k++)
		if (strcmp(charts->charts[k].kind, "forecast") == 0 &&
		    strncmp(charts->charts[k].title, prefix, (size_t)n) == 0) {
			*index = k;
			return &charts->charts[k];
		}
	return NULL;
}

void nh_report_section_forecast(struct rw *w, const nh_results_t *r, const nh_charts_t *charts)
{
	unsigned total = nh_results_count(r), with_series = 0, flat = 0, listed = 0;
	struct run_fc *fcs = calloc(total ? total : 1, sizeof *fcs);
	if (!fcs)
		return;
	for (unsigned i = 0; i < total; i++) {
		const nh_rv_t *rec = nh_results_record(r, i);
		if (nh_rv_forecast(rec).present || nh_rv_series(rec).file.present) {
			run_forecast(r, rec, &fcs[i]);
			with_series++;
		}
	}
	if (!with_series) { /* nothing to forecast from: no section */
		free(fcs);
		return;
	}
	rw_heading(w, 2, "forecast", "Forecasts");
	rw_p_begin(w);
	rw_text(w, "Per run with a memory series: whether each layer grows (Theil–Sen slope and "
		   "its 95 %% interval; no growth when the interval includes zero), how (a ramp, "
		   "steps, a sawtooth whose troughs rise), and when it reaches its nearest limit (the "
		   "run's cgroup limit, the capacity of the nodes its policy binds it to). Shown: the "
		   "layer of the nearest limit, else the first that grows. ");
	rw_code(w, "numaharness forecast DIR");
	rw_text(w, " gives every layer.");
	rw_p_end(w);
	rw_table_begin(w, "llll", "run", "configuration", "outcome", "forecast", NULL);
	for (unsigned i = 0; i < total; i++) {
		const nh_rv_t *rec = nh_results_record(r, i);
		const struct run_fc *fc = &fcs[i];
		if (!fc->made && !fc->why[0])
			continue; /* no series */
		if (fc->made && !fc->any_growth && !isfinite(fc->limit_bytes)) {
			flat++;
			continue;
		}
		if (listed++ == MAX_FORECAST_RUNS)
			break;
		rw_cell(w, "%lld", (long long)nh_num_or(nh_rv_run(rec), i));
		rw_cell(w, "%s %s", nh_str_or(nh_rv_workload(rec), "?"),
			nh_str_or(nh_rv_policy_requested(rec), "?"));
		const char *outcome = nh_str_or(nh_rv_outcome(rec), "?");
		rw_cell_status(w, outcome, strcmp(outcome, "ok") != 0 && strcmp(outcome, "skipped") != 0);
		if (fc->made)
			rw_cell(w, "%s%s", fc->sentence, fc->recorded ? "" : " (made by the report)");
		else
			rw_cell(w, "no forecast: %s", fc->why);
	}
	rw_table_end(w);
	if (listed > MAX_FORECAST_RUNS) {
		rw_p_begin(w);
		rw_text(w, "… and more: see numaharness forecast DIR.");
		rw_p_end(w);
	}
	if (flat) {
		rw_p_begin(w);
		rw_text(w, "%u run%s where no layer grows (or has points enough to say) and no limit "
			   "is known: not listed.", flat, flat == 1 ? "" : "s");
		rw_p_end(w);
	}
	for (unsigned i = 0; i < total; i++) {
		const nh_rv_t *rec = nh_results_record(r, i);
		unsigned k;
		const nh_chart_t *c = chart_of(charts, (long)nh_num_or(nh_rv_run(rec), i), &k);
		if (!c)
			continue;
		rw_heading(w, 3, NULL, "%s", c->title);
		rw_p_begin(w);
		rw_text(w, "%s", fcs[i].sentence);
		rw_p_end(w);
		rw_chart(w, nh_results_dir(r), c, k);
	}
	free(fcs);
}
