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

#include "host_summary.h"

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
	return json_pack("{s:o, s:o, s:o, s:s, s:b, s:b, s:b, s:o, s:o, s:o, s:o, s:o}", "name",
			 jstr(h->name), "dir", jstr(h->dir), "cohort", jstr(cohort_name(f, h)),
			 "verdict", nh_fleet_verdict_name(h->verdict), "drift", h->drift, "planned",
			 h->planned, "compared", h->compared, "reasons", jstrv(&h->reasons),
			 "readings", readings, "notes", jstrv(&h->notes), "drift_facts", drift,
			 "nodes", nodes);
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

/* ---- fleet.md ---- */

/* Text for a Markdown table cell or list item: '|' escaped, line ends made blanks. */
static void md(FILE *o, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			fputs("\\|", o);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', o);
		else
			fputc(*s, o);
	}
}

static void md_value(FILE *o, enum nh_fleet_metric m, double v)
{
	if (!isfinite(v))
		fputs("-", o);
	else if (m == NH_FLEET_TRIAD)
		fprintf(o, "%.0f MB/s", v);
	else if (m == NH_FLEET_LATENCY)
		fprintf(o, "%.1f ns", v);
	else if (m == NH_FLEET_MEMTOTAL)
		fprintf(o, "%.2f GiB", v / (1024.0 * 1024 * 1024));
	else
		fprintf(o, "%.3f", v);
}

/* Worst first: the order a reader acts in. */
static const enum nh_fleet_verdict SEVERITY[] = {NH_FLEET_ERROR, NH_FLEET_MISSING, NH_FLEET_FAIL,
						  NH_FLEET_OUTLIER, NH_FLEET_UNSTABLE};
enum { MD_MAX_FLAGGED = 500 };

static int write_md(const nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	doc_t d;
	if (doc_open(&d, err) < 0)
		return -1;
	FILE *o = d.f;
	fprintf(o, "# Fleet: %u hosts, %u cohort%s\n\n", f->host_count, f->cohort_count,
		f->cohort_count == 1 ? "" : "s");
	fprintf(o, "Judged %s by numaharness %s, cohorts by %s%s. ", f->created_at, NH_VERSION,
		f->o.cohort_label[0] ? "label " : "none (one cohort)", f->o.cohort_label);
	fprintf(o, "Gate: **%s** (exit %d).\n\n", nh_fleet_gate_passed(f) ? "pass" : "fail",
		nh_fleet_gate_passed(f) ? 0 : 1);
	fputs("| verdict | hosts | meaning |\n|---|---:|---|\n", o);
	static const char *const meaning[NH_FLEET_VERDICTS] = {
		"its own checks pass and nothing sets it apart from its cohort",
		"a check of its own (checks.json) failed",
		"a figure off its cohort's, or another shape (node count, CPUs, distances)",
		"its own repetitions disagree too much to judge it",
		"it could not run, or what it left cannot be read",
		"planned, no results",
	};
	for (unsigned v = 0; v < NH_FLEET_VERDICTS; v++)
		fprintf(o, "| %s | %u | %s |\n", nh_fleet_verdict_name(v), f->counts[v], meaning[v]);
	fputs("\n", o);
	if (f->warnings.n) {
		fputs("## Warnings: the comparison is not valid\n\n", o);
		for (unsigned i = 0; i < f->warnings.n; i++) {
			fputs("- ", o);
			md(o, f->warnings.s[i]);
			fputs("\n", o);
		}
		fputs("\n", o);
	}

	fputs("## Flagged hosts\n\n", o);
	unsigned shown = 0, flagged = 0;
	for (unsigned s = 0; s < NH_ARRAY_LEN(SEVERITY); s++)
		for (unsigned i = 0; i < f->host_count; i++) {
			const fleet_host_t *h = &f->hosts[i];
			if (h->verdict != SEVERITY[s])
				continue;
			if (flagged++ >= MD_MAX_FLAGGED)
				continue;
			shown++;
			fputs("- **", o);
			md(o, h->name);
			fprintf(o, "** (%s) %s%s", cohort_name(f, h) ? cohort_name(f, h) : "-",
				nh_fleet_verdict_name(h->verdict), h->drift ? " +DRIFT" : "");
			for (unsigned k = 0; k < h->readings.n; k++) {
				fputs(k ? "<br>" : ": ", o);
				md(o, h->readings.s[k]);
			}
			fputs("\n", o);
			for (unsigned k = 0; k < h->reasons.n; k++) {
				fputs("  - ", o);
				md(o, h->reasons.s[k]);
				fputs("\n", o);
			}
		}
	if (!flagged)
		fputs("None: every host passes.\n", o);
	else if (flagged > shown)
		fprintf(o, "- ... and %u more (every host is in fleet.json, fleet.csv and "
			   "hosts-failed.txt)\n", flagged - shown);
	fputs("\n", o);

	fputs("## Drift\n\nBy category, against the value most of the cohort's hosts share. A "
	      "node count, CPUs per node or distances that differ make the host OUTLIER; the others "
	      "are notes beside its verdict.\n\n", o);
	unsigned drifted = 0;
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++) {
			if (!(h->drift_facts & (1u << fact)))
				continue;
			if (drifted++ == 0)
				fputs("| host | cohort | what | its value | the cohort's | effect |\n"
				      "|---|---|---|---|---|---|\n", o);
			if (drifted > MD_MAX_FLAGGED)
				continue;
			const nh_fleet_fact_def_t *fd = nh_fleet_fact_def(fact);
			fputs("| ", o);
			md(o, h->name);
			fputs(" | ", o);
			md(o, cohort_name(f, h));
			fprintf(o, " | %s | ", fd->label);
			md(o, fleet_str(f, h->fact[fact]));
			fputs(" | ", o);
			md(o, fleet_str(f, f->cohorts[h->cohort].usual[fact]));
			fprintf(o, " | %s |\n", fd->shape ? "verdict" : "note");
		}
	}
	if (!drifted)
		fputs("None.\n", o);
	else if (drifted > MD_MAX_FLAGGED)
		fprintf(o, "\n... and %u more (fleet.json: drift_facts)\n", drifted - MD_MAX_FLAGGED);
	fputs("\n", o);

	fputs("## Cohorts\n\n", o);
	fprintf(o, "Per cohort × node × metric: the median and MAD of its hosts. A host is an "
		   "outlier when its modified z-score 0.6745 (x − reference) / floor exceeds %.1f "
		   "and it is at least the threshold off in the bad direction; floor = max(MAD, the "
		   "host's own MAD over its runs, a share of the reference). A cohort needs %u hosts "
		   "to be its own reference, else `--baseline`. UNSTABLE: a repeated figure's CV "
		   "above %.2f.\n\n",
		NH_FLEET_Z_LIMIT, NH_FLEET_MIN_COHORT, f->o.max_cv);
	fputs("| metric | threshold | bad | floor |\n|---|---:|---|---:|\n", o);
	for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
		const nh_fleet_metric_def_t *md_ = nh_fleet_metric_def(m);
		fprintf(o, "| %s | %g %% | %s | %g %% |\n", md_->label, f->o.threshold_pct[m],
			bad_way(md_), 100 * md_->floor_frac);
	}
	fputs("\n", o);
	for (unsigned c = 0; c < f->cohort_count; c++) {
		const fleet_cohort_t *co = &f->cohorts[c];
		fputs("### ", o);
		md(o, fleet_str(f, co->name));
		fprintf(o, " (%u hosts, %u ERROR)\n\n", co->hosts, co->errors);
		bool any = false;
		for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++)
			if (co->usual[fact]) {
				fprintf(o, "%s %s: ", any ? "," : "Usual", nh_fleet_fact_def(fact)->label);
				md(o, fleet_str(f, co->usual[fact]));
				any = true;
			}
		fputs(any ? ".\n\n" : "", o);
		for (unsigned i = 0; i < co->notes.n; i++) {
			fputs("- ", o);
			md(o, co->notes.s[i]);
			fputs("\n", o);
		}
		if (co->notes.n)
			fputs("\n", o);
		fputs("| node | metric | hosts | median | MAD | reference | low | high |\n"
		      "|---:|---|---:|---:|---:|---|---:|---:|\n", o);
		for (unsigned node = 0; node < NH_FLEET_MAX_NODES; node++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
				for (unsigned i = 0; i < f->ref_count; i++) {
					const fleet_ref_t *r = &f->refs[i];
					if (r->cohort != c || r->node != node || r->metric != m)
						continue;
					fprintf(o, "| %u | %s | %u | ", node,
						nh_fleet_metric_def(m)->label, r->n);
					md_value(o, m, r->median);
					fputs(" | ", o);
					md_value(o, m, r->mad);
					fputs(" | ", o);
					if (!r->judged) {
						fprintf(o, "insufficient (< %u hosts)", NH_FLEET_MIN_COHORT);
					} else {
						fputs(r->baseline ? "baseline " : "this cohort ", o);
						md_value(o, m, r->ref_median);
					}
					fprintf(o, " | %u | %u |\n", r->low, r->high);
				}
		fputs("\n", o);
	}
	if (f->notes.n) {
		fputs("## Notes\n\n", o);
		for (unsigned i = 0; i < f->notes.n; i++) {
			fputs("- ", o);
			md(o, f->notes.s[i]);
			fputs("\n", o);
		}
	}
	return doc_write(&d, dir, "fleet.md", err);
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
		xml(o, cohort_name(f, h) ? cohort_name(f, h) : "missing");
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

int nh_fleet_write(const nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	int (*const writers[])(const nh_fleet_t *, const char *, nh_err_t *) = {
		write_json, write_csv, write_md, write_junit, write_failed};
	for (unsigned i = 0; i < NH_ARRAY_LEN(writers); i++)
		if (writers[i](f, dir, err) < 0)
			return -1;
	return 0;
}
