/* SPDX-License-Identifier: MIT */
/* fleet_output: the fleet report — fleet.json (every host, the cohort medians a later
 * `--baseline` reads), fleet.csv (one row per host × node × metric), fleet.md (what to look at
 * first), fleet.xml (JUnit, one test case per host) and hosts-failed.txt (for ansible --limit
 * @file). Each is built in memory a host at a time and written atomically. */
#include "fleet_internal.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "charts.h"
#include "host_summary.h"
#include "report_writer.h"

/* ---- the output directory ---- */

static int empty_dir(const char *dir, bool *empty, nh_err_t *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return nh_err_set(err, "output directory %s: %s", dir, strerror(errno));
	*empty = true;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			*empty = false;
	closedir(d);
	return 0;
}

int nh_fleet_out_dir(const char *requested, char *out, size_t len, nh_err_t *err)
{
	struct stat st;
	if (requested) {
		if (snprintf(out, len, "%s", requested) >= (int)len) {
			errno = ENAMETOOLONG;
			return nh_err_set(err, "output directory: path too long (%zu bytes, at most %zu)",
					  strlen(requested), len - 1);
		}
		if (stat(out, &st) == 0) {
			bool empty = false;
			if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				return nh_err_set(err, "output directory %s is not a directory", out);
			}
			if (empty_dir(out, &empty, err) < 0)
				return -1;
			if (!empty) {
				errno = EEXIST;
				return nh_err_set(err, "output directory %s is not empty; choose a new one",
						  out);
			}
			return 0;
		}
		return nh_mkdir_p(out, err) < 0 ? nh_err_prefix(err, "output directory") : 0;
	}
	char stamp[32];
	nh_utc_stamp(stamp, sizeof stamp, false);
	for (int n = 1; n < 100; n++) {
		if (n == 1)
			snprintf(out, len, "fleet-%s", stamp);
		else
			snprintf(out, len, "fleet-%s-%d", stamp, n);
		if (mkdir(out, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return nh_err_set(err, "cannot create %s: %s", out, strerror(errno));
	}
	errno = EEXIST;
	return nh_err_set(err, "cannot find a free name for the output directory (fleet-%s-N)", stamp);
}

/* ---- text helpers ---- */

/* A memstream, and its file written atomically at the end. */
typedef struct doc {
	FILE *f;
	char *buf;
	size_t len;
} doc_t;

static int doc_open(doc_t *d, nh_err_t *err)
{
	d->buf = NULL;
	d->f = open_memstream(&d->buf, &d->len);
	return d->f ? 0 : nh_err_set(err, "out of memory");
}

static int doc_write(doc_t *d, const char *dir, const char *name, nh_err_t *err)
{
	char path[PATH_MAX];
	int rc = -1;
	if (fclose(d->f) != 0) {
		d->f = NULL;
		nh_err_set(err, "out of memory writing %s", name);
		goto out;
	}
	d->f = NULL;
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		nh_err_set(err, "%s/%s: path too long", dir, name);
		goto out;
	}
	rc = nh_write_file_atomic(path, d->buf, d->len, err);
out:
	free(d->buf);
	d->buf = NULL;
	return rc;
}

/* A JSON string of any bytes: text that is not UTF-8 (a directory name) keeps its ASCII and
 * shows '?' for the rest, rather than vanishing. */
static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (j)
		return j;
	char *copy = strdup(s);
	if (!copy)
		return json_null();
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j ? j : json_null();
}

static json_t *jnum(double v) { return isfinite(v) ? json_real(v) : json_null(); }
/* Rounded, and never "-0.0". */
static json_t *jround(double v, double scale)
{
	double r = round(v * scale) / scale;
	return isfinite(v) ? json_real(r == 0 ? 0 : r) : json_null();
}

static json_t *jstrv(const fleet_strv_t *v)
{
	json_t *a = json_array();
	for (unsigned i = 0; i < v->n; i++)
		json_array_append_new(a, jstr(v->s[i]));
	return a;
}

static const char *cohort_name(const nh_fleet_t *f, const fleet_host_t *h)
{
	return h->cohort < f->cohort_count ? fleet_str(f, f->cohorts[h->cohort].name) : NULL;
}

static const char *bad_way(const nh_fleet_metric_def_t *d)
{
	return d->bad < 0 ? "low" : d->bad > 0 ? "high" : "either way";
}

/* ---- fleet.json ---- */

static json_t *rules_json(const nh_fleet_t *f)
{
	json_t *th = json_object();
	for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
		const nh_fleet_metric_def_t *d = nh_fleet_metric_def(m);
		json_object_set_new(th, d->name,
				    json_pack("{s:f, s:s, s:f, s:s}", "pct", f->o.threshold_pct[m],
					      "bad", bad_way(d), "floor_pct", 100 * d->floor_frac, "unit",
					      d->unit));
	}
	return json_pack("{s:f, s:f, s:i, s:f, s:o}", "z_limit", NH_FLEET_Z_LIMIT, "z_scale",
			 NH_FLEET_Z_SCALE, "min_cohort", NH_FLEET_MIN_COHORT, "max_cv", f->o.max_cv,
			 "thresholds", th);
}

static json_t *cohort_json(const nh_fleet_t *f, unsigned c)
{
	const fleet_cohort_t *co = &f->cohorts[c];
	json_t *usual = json_object();
	for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++)
		json_object_set_new(usual, nh_fleet_fact_def(fact)->name,
				    jstr(fleet_str(f, co->usual[fact])));
	json_t *nodes = json_array();
	/* refs are made host by host: gather this cohort's by node */
	for (unsigned node = 0; node < NH_FLEET_MAX_NODES; node++) {
		json_t *metrics = NULL;
		for (unsigned i = 0; i < f->ref_count; i++) {
			const fleet_ref_t *r = &f->refs[i];
			if (r->cohort != c || r->node != node)
				continue;
			if (!metrics)
				metrics = json_object();
			const nh_fleet_metric_def_t *d = nh_fleet_metric_def(r->metric);
			json_object_set_new(
				metrics, d->name,
				json_pack("{s:i, s:o, s:o, s:s, s:o, s:o, s:o, s:i, s:b, s:i, s:i}", "n",
					  (int)r->n, "median", jnum(r->median), "mad", jnum(r->mad), "unit",
					  d->unit, "reference",
					  r->judged ? json_string(r->baseline ? "baseline" : "cohort")
						    : json_null(),
					  "reference_median", jnum(r->ref_median), "reference_mad",
					  jnum(r->ref_mad), "reference_n", (int)r->ref_n, "insufficient",
					  !r->judged, "low", (int)r->low, "high", (int)r->high));
		}
		if (metrics)
			json_array_append_new(nodes, json_pack("{s:i, s:o}", "node", (int)node,
							       "metrics", metrics));
	}
	return json_pack("{s:o, s:i, s:i, s:o, s:o, s:o}", "name", jstr(fleet_str(f, co->name)),
			 "hosts", (int)co->hosts, "errors", (int)co->errors, "usual", usual, "notes",
			 jstrv(&co->notes), "nodes", nodes);
}

static json_t *host_json(const nh_fleet_t *f, const fleet_host_t *h)
{
	json_t *readings = json_array();
	for (unsigned i = 0; i < h->readings.n; i++)
		json_array_append_new(readings, json_pack("{s:s, s:o}", "rule",
							  i < NH_FLEET_MAX_READINGS && h->rules[i]
								  ? h->rules[i]
								  : "?",
							  "text", jstr(h->readings.s[i])));
	json_t *drift = json_array();
	for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++)
		if (h->drift_facts & (1u << fact)) {
			const nh_fleet_fact_def_t *d = nh_fleet_fact_def(fact);
			json_array_append_new(
				drift, json_pack("{s:s, s:o, s:o, s:s}", "fact", d->name, "value",
						 jstr(fleet_str(f, h->fact[fact])), "usual",
						 jstr(fleet_str(f, f->cohorts[h->cohort].usual[fact])),
						 "effect", d->shape ? "verdict" : "note"));
		}
	json_t *nodes = json_array();
	for (unsigned k = 0; k < h->node_count; k++) {
		const fleet_node_t *n = &h->nodes[k];
		json_t *metrics = json_object();
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
			const fleet_value_t *v = &n->m[m];
			json_t *o = json_pack("{s:o, s:s, s:s}", "value",
					      v->present ? json_real(v->v) : json_null(), "unit",
					      nh_fleet_metric_def(m)->unit, "flag",
					      nh_fleet_flag_name(v->present ? v->flag : FL_ABSENT));
			if (v->present) {
				json_object_set_new(o, "runs", json_integer(v->n));
				json_object_set_new(o, "cv", jround(v->cv, 1e4));
				json_object_set_new(o, "spread", jnum(v->spread));
				json_object_set_new(o, "cohort_median", jnum(v->ref));
				json_object_set_new(o, "deviation_pct", jround(v->dev_pct, 100));
				json_object_set_new(o, "z", jround(v->z, 100));
			} else {
				json_object_set_new(o, "why", jstr(v->why));
			}
			json_object_set_new(metrics, nh_fleet_metric_def(m)->name, o);
		}
		json_array_append_new(nodes,
				      json_pack("{s:i, s:o}", "node", (int)n->id, "metrics", metrics));
	}
	char summary[NH_FLEET_SUMMARY_LEN];
	nh_fleet_host_summary(f, (unsigned)(h - f->hosts), summary, sizeof summary);
	return json_pack("{s:o, s:o, s:o, s:s, s:s, s:b, s:b, s:b, s:o, s:o, s:o, s:o, s:o}", "name",
			 jstr(h->name), "dir", jstr(h->dir), "cohort", jstr(cohort_name(f, h)),
			 "verdict", nh_fleet_verdict_name(h->verdict), "summary", summary, "drift",
			 h->drift, "planned", h->planned, "compared", h->compared, "reasons",
			 jstrv(&h->reasons), "readings", readings, "notes", jstrv(&h->notes),
			 "drift_facts", drift, "nodes", nodes);
}

/* "key": value, dumped and freed. */
static void put(FILE *o, const char *key, json_t *v, size_t flags, bool last)
{
	fprintf(o, "  \"%s\": ", key);
	json_dumpf(v, o, flags | JSON_ENCODE_ANY);
	fputs(last ? "\n" : ",\n", o);
	json_decref(v);
}

static int write_json(const nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	doc_t d;
	if (doc_open(&d, err) < 0)
		return -1;
	FILE *o = d.f;
	const size_t compact = JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12);
	const size_t pretty = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12);
	json_t *counts = json_object();
	for (unsigned v = 0; v < NH_FLEET_VERDICTS; v++)
		json_object_set_new(counts, nh_fleet_verdict_name(v), json_integer(f->counts[v]));
	char cohort_by[80];
	snprintf(cohort_by, sizeof cohort_by, "%s%s", f->o.cohort_label[0] ? "label:" : "none",
		 f->o.cohort_label);
	fputs("{\n", o);
	put(o, "format", json_string(NH_FLEET_FORMAT), compact, false);
	put(o, "tool_version", json_string(NH_VERSION), compact, false);
	put(o, "created_at", json_string(f->created_at), compact, false);
	put(o, "inputs", jstrv(&f->inputs), compact, false);
	put(o, "planned_hosts", f->planned_path[0] ? jstr(f->planned_path) : json_null(), compact,
	    false);
	put(o, "cohort_by", json_string(cohort_by), compact, false);
	put(o, "rules", rules_json(f), compact, false);
	put(o, "baseline",
	    f->baseline_path[0] ? json_pack("{s:o, s:o}", "path", jstr(f->baseline_path),
					    "created_at",
					    f->baseline_created[0] ? jstr(f->baseline_created)
								   : json_null())
				: json_null(),
	    compact, false);
	put(o, "gate", json_string(nh_fleet_gate_passed(f) ? "pass" : "fail"), compact, false);
	put(o, "counts", counts, compact, false);
	put(o, "warnings", jstrv(&f->warnings), pretty, false);
	put(o, "notes", jstrv(&f->notes), pretty, false);
	fputs("  \"cohorts\": [\n", o);
	for (unsigned c = 0; c < f->cohort_count; c++) {
		json_t *j = cohort_json(f, c);
		fputs("    ", o);
		json_dumpf(j, o, compact);
		fputs(c + 1 < f->cohort_count ? ",\n" : "\n", o);
		json_decref(j);
	}
	fputs("  ],\n  \"hosts\": [\n", o);
	/* one host a line, built and dropped one at a time */
	for (unsigned i = 0; i < f->host_count; i++) {
		json_t *j = host_json(f, &f->hosts[i]);
		fputs("    ", o);
		json_dumpf(j, o, compact);
		fputs(i + 1 < f->host_count ? ",\n" : "\n", o);
		json_decref(j);
	}
	fputs("  ]\n}\n", o);
	return doc_write(&d, dir, "fleet.json", err);
}

/* ---- fleet.csv ---- */

static void csv_field(FILE *o, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, o);
		return;
	}
	fputc('"', o);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', o);
		fputc(*s, o);
	}
	fputc('"', o);
}

/* A number with \p decimals after the point, or nothing for "not compared". */
static void csv_num(FILE *o, double v, int decimals)
{
	if (!isfinite(v))
		return;
	if (decimals < 0) {
		fprintf(o, "%.15g", v);
		return;
	}
	double scale = pow(10, decimals), r = round(v * scale) / scale;
	fprintf(o, "%.*f", decimals, r == 0 ? 0 : r); /* never "-0.00" */
}

static int write_csv(const nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	doc_t d;
	if (doc_open(&d, err) < 0)
		return -1;
	FILE *o = d.f;
	fputs("host,cohort,node,metric,value,cohort_median,deviation_pct,z,flag\n", o);
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		for (unsigned k = 0; k < h->node_count; k++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
				const fleet_value_t *v = &h->nodes[k].m[m];
				csv_field(o, h->name);
				fputc(',', o);
				csv_field(o, cohort_name(f, h));
				fprintf(o, ",%u,%s,", h->nodes[k].id, nh_fleet_metric_def(m)->name);
				if (v->present)
					fprintf(o, "%.15g", v->v);
				fputc(',', o);
				csv_num(o, v->ref, -1);
				fputc(',', o);
				csv_num(o, v->dev_pct, 2);
				fputc(',', o);
				csv_num(o, v->z, 2);
				fprintf(o, ",%s\n", nh_fleet_flag_name(v->present ? v->flag : FL_ABSENT));
			}
	}
	return doc_write(&d, dir, "fleet.csv", err);
}

/* ---- fleet.md and fleet.html: one writer, the same content ---- */

/* The fleet's status words, coloured; the rest of the style is the report writer's. */
static const char STATUS_CSS[] = ".st-PASS{color:#1b7a1b}\nli{margin:.25em 0}\n";

static void md_value(char *buf, size_t len, enum nh_fleet_metric m, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (m == NH_FLEET_TRIAD)
		snprintf(buf, len, "%.0f MB/s", v);
	else if (m == NH_FLEET_LATENCY)
		snprintf(buf, len, "%.1f ns", v);
	else if (m == NH_FLEET_MEMTOTAL)
		snprintf(buf, len, "%.2f GiB", v / (1024.0 * 1024 * 1024));
	else
		snprintf(buf, len, "%.3f", v);
}

/* Worst first: the order a reader acts in. */
static const enum nh_fleet_verdict SEVERITY[] = {NH_FLEET_ERROR, NH_FLEET_MISSING, NH_FLEET_FAIL,
						  NH_FLEET_OUTLIER, NH_FLEET_UNSTABLE};
enum { MD_MAX_FLAGGED = 500 };

static const char *const MEANING[NH_FLEET_VERDICTS] = {
	"its own checks pass and nothing sets it apart from its cohort",
	"a check of its own (checks.json) failed",
	"a figure off its cohort's, or another shape (node count, CPUs, distances)",
	"its own repetitions disagree too much to judge it",
	"it could not run, or what it left cannot be read",
	"planned, no results",
};

static void section_counts(struct rw *w, const nh_fleet_t *f)
{
	bool pass = nh_fleet_gate_passed(f);
	rw_heading(w, 1, NULL, "Fleet: %u hosts, %u cohort%s", f->host_count, f->cohort_count,
		   f->cohort_count == 1 ? "" : "s");
	rw_p_begin(w);
	rw_text(w, "Judged %s by numaharness %s, cohorts by %s%s. Gate: ", f->created_at,
		NH_VERSION, f->o.cohort_label[0] ? "label " : "none (one cohort)", f->o.cohort_label);
	fputs(pass ? "**pass**" : "**fail**", w->md);
	fprintf(w->html, "<strong class=\"%s\">%s</strong>", pass ? "st-PASS" : "bad",
		pass ? "pass" : "fail");
	rw_text(w, " (exit %d).", pass ? 0 : 1);
	rw_p_end(w);
	rw_table_begin(w, "lrl", "verdict", "hosts", "meaning");
	for (unsigned v = 0; v < NH_FLEET_VERDICTS; v++) {
		rw_cell_status(w, nh_fleet_verdict_name(v), v != NH_FLEET_PASS && f->counts[v]);
		rw_cell(w, "%u", f->counts[v]);
		rw_cell(w, "%s", MEANING[v]);
	}
	rw_table_end(w);
	if (!f->warnings.n)
		return;
	rw_heading(w, 2, "warnings", "Warnings: the comparison is not valid");
	rw_ul_begin(w);
	for (unsigned i = 0; i < f->warnings.n; i++) {
		rw_li_begin(w);
		rw_text(w, "%s", f->warnings.s[i]);
		rw_li_end(w);
	}
	rw_ul_end(w);
}

static void section_flagged(struct rw *w, const nh_fleet_t *f)
{
	rw_heading(w, 2, "flagged", "Flagged hosts");
	unsigned shown = 0, flagged = 0;
	for (unsigned s = 0; s < NH_ARRAY_LEN(SEVERITY); s++)
		for (unsigned i = 0; i < f->host_count; i++) {
			const fleet_host_t *h = &f->hosts[i];
			if (h->verdict != SEVERITY[s] || flagged++ >= MD_MAX_FLAGGED)
				continue;
			if (shown++ == 0)
				rw_ul_begin(w);
			rw_li_begin(w);
			fputs("**", w->md);
			fputs("<strong>", w->html);
			rw_text(w, "%s", h->name);
			fputs("**", w->md);
			fputs("</strong>", w->html);
			rw_text(w, " (%s) ", cohort_name(f, h) ? cohort_name(f, h) : "-");
			fputs("<span class=\"bad\">", w->html);
			rw_text(w, "%s%s", nh_fleet_verdict_name(h->verdict), h->drift ? " +DRIFT" : "");
			fputs("</span>", w->html);
			for (unsigned k = 0; k < h->readings.n; k++) {
				fputs(k ? "<br>" : ": ", w->md);
				fputs(k ? "<br>" : ": ", w->html);
				rw_text(w, "%s", h->readings.s[k]);
			}
			/* the evidence under it */
			fputs("\n<ul>", w->html);
			for (unsigned k = 0; k < h->reasons.n; k++) {
				fputs("\n  - ", w->md);
				fputs("<li>", w->html);
				rw_text(w, "%s", h->reasons.s[k]);
				fputs("</li>", w->html);
			}
			fputs("</ul>", w->html);
			rw_li_end(w);
		}
	if (shown)
		rw_ul_end(w);
	rw_p_begin(w);
	if (!flagged)
		rw_text(w, "None: every host passes.");
	else if (flagged > shown)
		rw_text(w, "... and %u more: every host is in fleet.json, fleet.csv and "
			   "hosts-failed.txt.", flagged - shown);
	else
		rw_text(w, "Their names, one a line, are in hosts-failed.txt (ansible-playbook --limit "
			   "@hosts-failed.txt reruns them).");
	rw_p_end(w);
}

static void section_drift(struct rw *w, const nh_fleet_t *f)
{
	rw_heading(w, 2, "drift", "Drift");
	rw_p_begin(w);
	rw_text(w, "By category, against the value most of the cohort's hosts share. A node count, "
		   "CPUs per node or distances that differ make the host OUTLIER; the others are "
		   "notes beside its verdict.");
	rw_p_end(w);
	unsigned drifted = 0;
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++) {
			if (!(h->drift_facts & (1u << fact)))
				continue;
			if (drifted++ == 0)
				rw_table_begin(w, "llllll", "host", "cohort", "what", "its value",
					       "the cohort's", "effect");
			if (drifted > MD_MAX_FLAGGED)
				continue;
			const nh_fleet_fact_def_t *fd = nh_fleet_fact_def(fact);
			rw_cell(w, "%s", h->name);
			rw_cell(w, "%s", cohort_name(f, h));
			rw_cell(w, "%s", fd->label);
			rw_cell(w, "%s", fleet_str(f, h->fact[fact]));
			rw_cell(w, "%s", fleet_str(f, f->cohorts[h->cohort].usual[fact]));
			rw_cell_status(w, fd->shape ? "verdict" : "note", fd->shape);
		}
	}
	if (drifted)
		rw_table_end(w);
	rw_p_begin(w);
	if (!drifted)
		rw_text(w, "None.");
	else if (drifted > MD_MAX_FLAGGED)
		rw_text(w, "... and %u more (fleet.json: drift_facts).", drifted - MD_MAX_FLAGGED);
	rw_p_end(w);
}

static void section_charts(struct rw *w, const char *dir, const nh_charts_t *charts,
			   const char *why_not)
{
	rw_heading(w, 2, "charts", "Charts");
	if (why_not) {
		rw_p_begin(w);
		rw_text(w, "No charts: %s.", why_not);
		rw_p_end(w);
		return;
	}
	if (charts->note[0]) {
		rw_p_begin(w);
		rw_text(w, "Not drawn: %s; their data and templates are in charts/.", charts->note);
		rw_p_end(w);
	}
	for (unsigned i = 0; i < charts->count; i++) {
		rw_heading(w, 3, NULL, "%s", charts->charts[i].title);
		rw_chart(w, dir, &charts->charts[i], i + 1);
	}
}

static void section_cohorts(struct rw *w, const nh_fleet_t *f)
{
	rw_heading(w, 2, "cohorts", "Cohorts");
	rw_p_begin(w);
	rw_text(w, "Per cohort × node × metric: the median and MAD of its hosts. A host is an "
		   "outlier when its modified z-score 0.6745 (x − reference) / floor exceeds %.1f and "
		   "it is at least the threshold off in the bad direction; floor = max(MAD, the "
		   "host's own MAD over its runs, a share of the reference). A cohort needs %u hosts "
		   "to be its own reference, else ",
		NH_FLEET_Z_LIMIT, NH_FLEET_MIN_COHORT);
	rw_code(w, "--baseline");
	rw_text(w, " (an earlier fleet.json). UNSTABLE: a repeated figure's CV above %.2f.",
		f->o.max_cv);
	rw_p_end(w);
	rw_table_begin(w, "lrlr", "metric", "threshold", "bad", "floor");
	for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
		const nh_fleet_metric_def_t *d = nh_fleet_metric_def(m);
		rw_cell(w, "%s", d->label);
		rw_cell(w, "%g %%", f->o.threshold_pct[m]);
		rw_cell(w, "%s", bad_way(d));
		rw_cell(w, "%g %%", 100 * d->floor_frac);
	}
	rw_table_end(w);
	for (unsigned c = 0; c < f->cohort_count; c++) {
		const fleet_cohort_t *co = &f->cohorts[c];
		rw_heading(w, 3, NULL, "%s (%u hosts, %u ERROR)", fleet_str(f, co->name), co->hosts,
			   co->errors);
		bool any = false;
		for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++)
			if (co->usual[fact]) {
				if (!any)
					rw_p_begin(w);
				rw_text(w, "%s %s: %s", any ? "," : "Usual", nh_fleet_fact_def(fact)->label,
					fleet_str(f, co->usual[fact]));
				any = true;
			}
		if (any) {
			rw_text(w, ".");
			rw_p_end(w);
		}
		if (co->notes.n) {
			rw_ul_begin(w);
			for (unsigned i = 0; i < co->notes.n; i++) {
				rw_li_begin(w);
				rw_text(w, "%s", co->notes.s[i]);
				rw_li_end(w);
			}
			rw_ul_end(w);
		}
		rw_table_begin(w, "rlrrrlrr", "node", "metric", "hosts", "median", "MAD", "reference",
			       "low", "high");
		for (unsigned node = 0; node < NH_FLEET_MAX_NODES; node++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
				for (unsigned i = 0; i < f->ref_count; i++) {
					const fleet_ref_t *r = &f->refs[i];
					if (r->cohort != c || r->node != node || r->metric != m)
						continue;
					char med[48], mad[48], ref[48];
					md_value(med, sizeof med, m, r->median);
					md_value(mad, sizeof mad, m, r->mad);
					md_value(ref, sizeof ref, m, r->ref_median);
					rw_cell(w, "%u", node);
					rw_cell(w, "%s", nh_fleet_metric_def(m)->label);
					rw_cell(w, "%u", r->n);
					rw_cell(w, "%s", med);
					rw_cell(w, "%s", mad);
					if (!r->judged)
						rw_cell_status(w, "insufficient", false);
					else
						rw_cell(w, "%s %s", r->baseline ? "baseline" : "this cohort",
							ref);
					rw_cell(w, "%u", r->low);
					rw_cell(w, "%u", r->high);
				}
		rw_table_end(w);
	}
	if (!f->notes.n)
		return;
	rw_heading(w, 2, "notes", "Notes");
	rw_ul_begin(w);
	for (unsigned i = 0; i < f->notes.n; i++) {
		rw_li_begin(w);
		rw_text(w, "%s", f->notes.s[i]);
		rw_li_end(w);
	}
	rw_ul_end(w);
}

static int write_report(const nh_fleet_t *f, const char *dir, const nh_charts_t *charts,
			const char *why_not, nh_err_t *err)
{
	struct rw w;
	char title[64], md[PATH_MAX], html[PATH_MAX];
	snprintf(title, sizeof title, "numaharness fleet: %u hosts", f->host_count);
	if (rw_begin(&w, title, STATUS_CSS, err) < 0)
		return -1;
	section_counts(&w, f);
	section_flagged(&w, f);
	section_drift(&w, f);
	section_charts(&w, dir, charts, why_not);
	section_cohorts(&w, f);
	nh_format_cut(md, sizeof md, "%s/fleet.md", dir);
	nh_format_cut(html, sizeof html, "%s/fleet.html", dir);
	return rw_finish(&w, md, html, err);
}

/* ---- fleet.xml (JUnit) ---- */

static void xml(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", o); break;
		case '<': fputs("&lt;", o); break;
		case '>': fputs("&gt;", o); break;
		case '"': fputs("&quot;", o); break;
		case '\'': fputs("&apos;", o); break;
		default:
			/* XML 1.0 has no place for other control characters */
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, o);
			else
				fputc(' ', o);
		}
	}
}

static int write_junit(const nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	doc_t d;
	if (doc_open(&d, err) < 0)
		return -1;
	FILE *o = d.f;
	unsigned failures = f->counts[NH_FLEET_FAIL] + f->counts[NH_FLEET_OUTLIER] +
			    f->counts[NH_FLEET_UNSTABLE] + (f->warnings.n > 0);
	unsigned errors = f->counts[NH_FLEET_ERROR] + f->counts[NH_FLEET_MISSING], skipped = 0;
	for (unsigned i = 0; i < f->host_count; i++)
		skipped += f->hosts[i].verdict == NH_FLEET_PASS && !f->hosts[i].compared;
	unsigned tests = f->host_count + 1;
	fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites name=\"numaharness fleet\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
		   "skipped=\"%u\">\n"
		   "  <testsuite name=\"fleet\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
		   "skipped=\"%u\" timestamp=\"%s\">\n",
		tests, failures, errors, skipped, tests, failures, errors, skipped, f->created_at);
	/* the fleet itself: is the comparison valid? */
	fputs("    <testcase classname=\"fleet\" name=\"comparison is valid (one tool version, one "
	      "scenario)\">\n", o);
	if (f->warnings.n) {
		fputs("      <failure type=\"invalid\" message=\"", o);
		xml(o, f->warnings.s[0]);
		fputs("\">", o);
		for (unsigned i = 0; i < f->warnings.n; i++) {
			xml(o, f->warnings.s[i]);
			fputs("\n", o);
		}
		fputs("</failure>\n", o);
	}
	fputs("    </testcase>\n", o);
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		fputs("    <testcase classname=\"fleet.", o);
		/* a host in no cohort: never started, or nothing of it could be read */
		xml(o, cohort_name(f, h)		       ? cohort_name(f, h)
		       : h->verdict == NH_FLEET_MISSING ? "missing"
							: "unknown");
		fputs("\" name=\"", o);
		xml(o, h->name);
		fputs("\">\n", o);
		const char *tag = NULL;
		switch (h->verdict) {
		case NH_FLEET_FAIL:
		case NH_FLEET_OUTLIER:
		case NH_FLEET_UNSTABLE: tag = "failure"; break;
		case NH_FLEET_ERROR:
		case NH_FLEET_MISSING: tag = "error"; break;
		default: tag = !h->compared ? "skipped" : NULL; break;
		}
		if (tag) {
			const char *message = h->readings.n	? h->readings.s[0]
					      : h->reasons.n	? h->reasons.s[0]
					      : h->notes.n	? h->notes.s[0]
								: "not compared";
			fprintf(o, "      <%s type=\"%s\" message=\"", tag,
				nh_fleet_verdict_name(h->verdict));
			xml(o, message);
			fputs("\">", o);
			for (unsigned k = 0; k < h->readings.n; k++) {
				xml(o, h->readings.s[k]);
				fputs("\n", o);
			}
			for (unsigned k = 0; k < h->reasons.n; k++) {
				xml(o, h->reasons.s[k]);
				fputs("\n", o);
			}
			fprintf(o, "</%s>\n", tag);
		}
		if (h->notes.n) {
			fputs("      <system-out>", o);
			for (unsigned k = 0; k < h->notes.n; k++) {
				xml(o, h->notes.s[k]);
				fputs("\n", o);
			}
			fputs("</system-out>\n", o);
		}
		fputs("    </testcase>\n", o);
	}
	fputs("  </testsuite>\n</testsuites>\n", o);
	return doc_write(&d, dir, "fleet.xml", err);
}

/* ---- hosts-failed.txt ---- */

static int write_failed(const nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	doc_t d;
	if (doc_open(&d, err) < 0)
		return -1;
	const char *last = NULL;
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		if (h->verdict == NH_FLEET_PASS || (last && strcmp(last, h->name) == 0))
			continue;
		fprintf(d.f, "%s\n", h->name);
		last = h->name;
	}
	return doc_write(&d, dir, "hosts-failed.txt", err);
}

/* ---- verdicts.tsv: a line per host, for scripts that act on the verdicts ---- */

static int write_verdicts(const nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	doc_t d;
	if (doc_open(&d, err) < 0)
		return -1;
	fputs("host\tverdict\tsummary\n", d.f);
	for (unsigned i = 0; i < f->host_count; i++) {
		char summary[NH_FLEET_SUMMARY_LEN];
		nh_fleet_host_summary(f, i, summary, sizeof summary);
		fprintf(d.f, "%s\t%s\t%s\n", f->hosts[i].name,
			nh_fleet_verdict_name(f->hosts[i].verdict), summary);
	}
	return doc_write(&d, dir, "verdicts.tsv", err);
}

int nh_fleet_write(const nh_fleet_t *f, const char *dir, bool charts, char *note, size_t len,
		   nh_err_t *err)
{
	int (*const writers[])(const nh_fleet_t *, const char *, nh_err_t *) = {
		write_json, write_csv, write_junit, write_failed, write_verdicts};
	for (unsigned i = 0; i < NH_ARRAY_LEN(writers); i++)
		if (writers[i](f, dir, err) < 0)
			return -1;
	nh_charts_t drawn = {0};
	if (charts && fleet_charts(f, dir, true, &drawn, err) < 0) {
		nh_charts_free(&drawn);
		return -1;
	}
	if (note)
		snprintf(note, len, "%s", !charts ? "--no-charts" : drawn.note);
	int rc = write_report(f, dir, &drawn, charts ? NULL : "--no-charts", err);
	nh_charts_free(&drawn);
	return rc;
}
