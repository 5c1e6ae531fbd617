/* SPDX-License-Identifier: MIT */
/* report: report.md and a self-contained report.html of a results directory, written together
 * from one walk over the results so the two always say the same. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "report.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "charts.h"
#include "stats.h"

/* Lists of single runs (failures, reasons) stop here: the records have the rest. */
enum { MAX_LISTED = 50 };

/* ---- one writer, two documents ---- */

struct w {
	FILE *md, *html;
	char *mdbuf, *htmlbuf;
	size_t mdlen, htmllen;
	unsigned cols, cell; /* the table being written */
	const char *align;   /* per column: 'l' or 'r' */
	bool head;           /* writing its header row */
};

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

/* Markdown: backslash what would otherwise be markup; a newline would end a table row. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
}

static void md_code(FILE *f, const char *s)
{
	/* A backtick inside needs a longer fence; a pipe is escaped even in code inside tables. */
	const char *fence = strchr(s, '`') ? "`` " : "`";
	fputs(fence, f);
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputs(strchr(fence, ' ') ? " ``" : "`", f);
}

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void text(struct w *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text(struct w *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	md_text(w->md, s);
	html_text(w->html, s);
	free(s);
}

static void code(struct w *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void code(struct w *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	md_code(w->md, s);
	fputs("<code>", w->html);
	html_text(w->html, s);
	fputs("</code>", w->html);
	free(s);
}

static void heading(struct w *w, int level, const char *id, const char *fmt, ...)
		__attribute__((format(printf, 4, 5)));
static void heading(struct w *w, int level, const char *id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	fprintf(w->md, "%.*s ", level, "######");
	md_text(w->md, s);
	fputs("\n\n", w->md);
	if (id)
		fprintf(w->html, "<h%d id=\"%s\">", level, id);
	else
		fprintf(w->html, "<h%d>", level);
	html_text(w->html, s);
	fprintf(w->html, "</h%d>\n", level);
	free(s);
}

static void p_begin(struct w *w) { fputs("<p>", w->html); }

static void p_end(struct w *w)
{
	fputs("\n\n", w->md);
	fputs("</p>\n", w->html);
}

static void ul_begin(struct w *w) { fputs("<ul>\n", w->html); }

static void ul_end(struct w *w)
{
	fputs("\n", w->md);
	fputs("</ul>\n", w->html);
}

static void li_begin(struct w *w)
{
	fputs("- ", w->md);
	fputs("<li>", w->html);
}

static void li_end(struct w *w)
{
	fputs("\n", w->md);
	fputs("</li>\n", w->html);
}

/* A table: headers given as a NULL-terminated list; align is one 'l' or 'r' per column. */
static void table_begin(struct w *w, const char *align, ...)
{
	va_list ap;
	w->cols = (unsigned)strlen(align);
	w->align = align;
	w->cell = 0;
	fputs("<table>\n<thead><tr>", w->html);
	fputc('|', w->md);
	va_start(ap, align);
	for (unsigned i = 0; i < w->cols; i++) {
		const char *h = va_arg(ap, const char *);
		fputc(' ', w->md);
		md_text(w->md, h);
		fputs(" |", w->md);
		fprintf(w->html, "<th%s>", align[i] == 'r' ? " class=\"num\"" : "");
		html_text(w->html, h);
		fputs("</th>", w->html);
	}
	va_end(ap);
	fputs("\n|", w->md);
	for (unsigned i = 0; i < w->cols; i++)
		fputs(align[i] == 'r' ? "--:|" : "---|", w->md);
	fputs("\n", w->md);
	fputs("</tr></thead>\n<tbody>\n", w->html);
}

static void cell_open(struct w *w, const char *cls)
{
	if (w->cell == 0) {
		fputc('|', w->md);
		fputs("<tr>", w->html);
	}
	fputc(' ', w->md);
	bool num = w->cell < w->cols && w->align[w->cell] == 'r';
	if (num || cls)
		fprintf(w->html, "<td class=\"%s%s%s\">", num ? "num" : "", num && cls ? " " : "",
			cls ? cls : "");
	else
		fputs("<td>", w->html);
}

static void cell_close(struct w *w)
{
	fputs(" |", w->md);
	fputs("</td>", w->html);
	if (++w->cell == w->cols) {
		fputc('\n', w->md);
		fputs("</tr>\n", w->html);
		w->cell = 0;
	}
}

static void cell(struct w *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cell(struct w *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vfmt(fmt, ap);
	va_end(ap);
	cell_open(w, NULL);
	if (s) {
		md_text(w->md, s);
		html_text(w->html, s);
	}
	cell_close(w);
	free(s);
}

static void cell_code(struct w *w, const char *s)
{
	cell_open(w, NULL);
	if (*s)
		code(w, "%s", s);
	cell_close(w);
}

/* A status word (pass, fail, ...) or a count, coloured in HTML and bold in Markdown when it
 * is bad news. */
static void cell_status(struct w *w, const char *status, bool bad)
{
	char cls[48];
	snprintf(cls, sizeof cls, "st-%s", status);
	for (char *p = cls; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			*p = '-';
	cell_open(w, bad ? "bad" : cls);
	if (bad)
		fputs("**", w->md);
	md_text(w->md, status);
	if (bad)
		fputs("**", w->md);
	html_text(w->html, status);
	cell_close(w);
}

static void table_end(struct w *w)
{
	while (w->cell) /* a short row is completed, never left open */
		cell(w, "%s", "");
	fputs("\n", w->md);
	fputs("</tbody>\n</table>\n", w->html);
}

/* ---- number formatting ---- */

/* Whole numbers for big values (MB/s, ops/s), 4 significant digits for small (ns, ratios). */
static const char *num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "–");
	else if (fabs(v) >= 1000)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

static const char *pct(char *buf, size_t len, double ratio)
{
	if (!isfinite(ratio))
		snprintf(buf, len, "–");
	else
		snprintf(buf, len, "%.1f%%", ratio * 100);
	return buf;
}

static const char *bytes(char *buf, size_t len, double v)
{
	if (!isfinite(v) || v < 0)
		snprintf(buf, len, "–");
	else
		nh_format_size((uint64_t)v, buf, len);
	return buf;
}

/* ---- reading the records ---- */

static const char *jstr(json_t *o, const char *dflt)
{
	const char *s = json_string_value(o);
	return s ? s : dflt;
}

static double jnum(json_t *o) { return json_is_number(o) ? json_number_value(o) : NAN; }

/* What the report knows of each configuration besides the results reader's fields. */
struct cfg {
	const nh_results_config_t *c;
	char label[256]; /* within its workload: what tells it apart */
	char name[300];  /* across workloads: "stream membind=0" */
};

struct rep {
	const nh_results_t *r;
	json_t *manifest;
	struct cfg *cfgs;
	unsigned nc;
	nh_charts_t charts;
	bool charts_made;
	bool no_charts;
};

static const char *const OUTCOMES[] = {"ok",      "failed",     "timeout",
				       "crashed", "oom-killed", "skipped"};
static const char *const VERDICTS[] = {"ok", "fallback", "violated", "unbalanced", "not-checked"};

static int outcome_index(const char *o)
{
	for (unsigned i = 0; o && i < NH_ARRAY_LEN(OUTCOMES); i++)
		if (strcmp(o, OUTCOMES[i]) == 0)
			return (int)i;
	return -1;
}

/* Labels per workload: a configuration is named by what differs from its neighbours. */
static int label_configs(struct rep *p, nh_err_t *err)
{
	p->nc = nh_results_config_count(p->r);
	p->cfgs = calloc(p->nc ? p->nc : 1, sizeof *p->cfgs);
	const nh_results_config_t **all = calloc(p->nc ? p->nc : 1, sizeof *all);
	char(*labels)[256] = calloc(p->nc ? p->nc : 1, sizeof *labels);
	int rc = 0;
	if (p->cfgs && all && labels) {
		for (unsigned i = 0; i < p->nc; i++)
			all[i] = p->cfgs[i].c = nh_results_config(p->r, i);
		rc = nh_charts_workload_labels(all, p->nc, labels);
	}
	if (!p->cfgs || !all || !labels || rc < 0) {
		free(all);
		free(labels);
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for the report");
	}
	for (unsigned i = 0; i < p->nc; i++) {
		struct cfg *c = &p->cfgs[i];
		snprintf(c->label, sizeof c->label, "%s", labels[i][0] ? labels[i] : c->c->policy);
		snprintf(c->name, sizeof c->name, "%s %s", c->c->workload, c->label);
	}
	free(all);
	free(labels);
	return 0;
}

/* ---- sections ---- */

static void section_title(struct w *w, struct rep *p)
{
	json_t *m = p->manifest;
	const char *scenario = jstr(nh_json_path(m, "scenario", "name", NULL), NULL);
	heading(w, 1, NULL, "numaharness report: %s", scenario ? scenario : nh_results_dir(p->r));
	ul_begin(w);
	li_begin(w);
	text(w, "Results: ");
	code(w, "%s", nh_results_dir(p->r));
	li_end(w);
	if (!m) {
		li_begin(w);
		text(w, "No manifest.json: the host, topology and command are unknown.");
		li_end(w);
	} else {
		const char *cmd = jstr(nh_json_path(m, "command", NULL, NULL), NULL);
		if (cmd) {
			li_begin(w);
			text(w, "Command: ");
			code(w, "numaharness %s", cmd);
			li_end(w);
		}
		const char *path = jstr(nh_json_path(m, "scenario", "path", NULL), NULL);
		if (path) {
			li_begin(w);
			text(w, "Scenario: ");
			code(w, "%s", path);
			const char *sha = jstr(nh_json_path(m, "scenario", "sha256", NULL), NULL);
			if (sha)
				text(w, " (SHA-256 %.16s…)", sha);
			li_end(w);
		}
		li_begin(w);
		text(w, "Started %s, finished %s; status %s; numaharness %s",
		     jstr(nh_json_path(m, "started_at", NULL, NULL), "?"),
		     jstr(nh_json_path(m, "finished_at", NULL, NULL), "—"),
		     jstr(nh_json_path(m, "status", NULL, NULL), "?"),
		     jstr(nh_json_path(m, "tool_version", NULL, NULL), "?"));
		li_end(w);
	}
	unsigned total = nh_results_count(p->r), warm = 0, counts[NH_ARRAY_LEN(OUTCOMES)] = {0};
	for (unsigned i = 0; i < total; i++) {
		json_t *rec = nh_results_record(p->r, i);
		if (json_is_true(json_object_get(rec, "warmup"))) {
			warm++;
			continue;
		}
		int o = outcome_index(jstr(json_object_get(rec, "outcome"), NULL));
		if (o >= 0)
			counts[o]++;
	}
	li_begin(w);
	text(w, "%u run%s in %u configuration%s", total - warm, total - warm == 1 ? "" : "s", p->nc,
	     p->nc == 1 ? "" : "s");
	if (warm)
		text(w, " (and %u warm-up runs, not counted)", warm);
	text(w, ": ");
	bool first = true;
	for (unsigned i = 0; i < NH_ARRAY_LEN(OUTCOMES); i++)
		if (counts[i]) {
			text(w, "%s%u %s", first ? "" : ", ", counts[i], OUTCOMES[i]);
			first = false;
		}
	if (first)
		text(w, "none");
	li_end(w);
	if (nh_results_warning(p->r)) { /* what the reader skipped belongs beside what it read */
		li_begin(w);
		text(w, "%s", nh_results_warning(p->r));
		li_end(w);
	}
	ul_end(w);
}

/* A parameter's value as `run --set` takes it: true/false, 3, 0.15, text; "" when empty. */
static const char *param_text(char *buf, size_t len, json_t *v)
{
	if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.15g", json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, len, "%s", *json_string_value(v) ? json_string_value(v) : "\"\"");
	else
		snprintf(buf, len, "?");
	return buf;
}

/* What the scenario was asked (manifest scenario.parameters, from its param() lines): a
 * reader of the verdicts needs the values the checks were run against, and which the
 * operator gave with --set rather than the scenario's defaults. */
static void section_parameters(struct w *w, struct rep *p)
{
	json_t *params = nh_json_path(p->manifest, "scenario", "parameters", NULL);
	if (!json_is_object(params) || json_object_size(params) == 0)
		return;
	p_begin(w);
	text(w, "Scenario parameters (");
	code(w, "run --set NAME=VALUE");
	text(w, " changes them; their help texts are in the scenario and in manifest.json):");
	p_end(w);
	table_begin(w, "llll", "parameter", "value", "default", "--set", NULL);
	const char *name;
	json_t *v;
	json_object_foreach(params, name, v)
	{
		char buf[512];
		cell_code(w, name);
		cell_code(w, param_text(buf, sizeof buf, json_object_get(v, "value")));
		cell_code(w, param_text(buf, sizeof buf, json_object_get(v, "default")));
		cell(w, "%s", json_is_true(json_object_get(v, "set")) ? "yes" : "no");
	}
	table_end(w);
}

static void kv_row(struct w *w, const char *k, const char *v)
{
	cell(w, "%s", k);
	cell(w, "%s", v);
}

static void section_host(struct w *w, struct rep *p)
{
	heading(w, 2, "host", "Host");
	json_t *h = nh_json_path(p->manifest, "host", "host", NULL);
	if (!json_is_object(h)) {
		p_begin(w);
		text(w, "The manifest has no host fingerprint.");
		p_end(w);
		return;
	}
	char buf[64];
	table_begin(w, "ll", "fact", "value", NULL);
	kv_row(w, "kernel", jstr(json_object_get(h, "kernel"), "?"));
	kv_row(w, "CPU model", jstr(json_object_get(h, "cpu_model"), "?"));
	snprintf(buf, sizeof buf, "enabled %s, defrag %s",
		 jstr(json_object_get(h, "thp_enabled"), "?"),
		 jstr(json_object_get(h, "thp_defrag"), "?"));
	kv_row(w, "transparent huge pages", buf);
	json_t *bal = json_object_get(h, "numa_balancing");
	kv_row(w, "automatic NUMA balancing",
	       json_is_true(bal)    ? "on (pages may migrate during runs)"
	       : json_is_false(bal) ? "off"
				    : "unknown");
	json_t *par = json_object_get(h, "perf_event_paranoid");
	if (json_is_integer(par))
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(par));
	else
		snprintf(buf, sizeof buf, "unknown");
	kv_row(w, "perf_event_paranoid", buf);
	kv_row(w, "cgroup", jstr(json_object_get(h, "cgroup"), "?"));
	kv_row(w, "allowed CPUs", jstr(json_object_get(h, "allowed_cpus"), "?"));
	kv_row(w, "allowed memory nodes", jstr(json_object_get(h, "allowed_mems"), "?"));
	kv_row(w, "topology source", jstr(nh_json_path(p->manifest, "host", "source", NULL), "?"));
	table_end(w);
}

static void cpu_list(json_t *cpus, char *buf, size_t len)
{
	nh_set_t s;
	nh_set_clear(&s);
	size_t i;
	json_t *v;
	json_array_foreach(cpus, i, v)
	{
		if (json_is_integer(v))
			nh_set_add(&s, (unsigned)json_integer_value(v));
	}
	nh_set_format(&s, buf, len);
	if (!buf[0])
		snprintf(buf, len, "none");
}

static void section_topology(struct w *w, struct rep *p)
{
	heading(w, 2, "topology", "Topology");
	json_t *host = json_object_get(p->manifest, "host");
	json_t *nodes = json_object_get(host, "nodes");
	if (!json_array_size(nodes)) {
		p_begin(w);
		text(w, "The manifest has no topology.");
		p_end(w);
		return;
	}
	table_begin(w, "rlrr", "node", "CPUs", "memory", "free at start", NULL);
	size_t i;
	json_t *n;
	json_array_foreach(nodes, i, n)
	{
		char cpus[256], mem[32], fr[32];
		cpu_list(json_object_get(n, "cpus"), cpus, sizeof cpus);
		cell(w, "%lld", (long long)json_integer_value(json_object_get(n, "id")));
		cell(w, "%s", cpus);
		cell(w, "%s", bytes(mem, sizeof mem, jnum(json_object_get(n, "mem_total_bytes"))));
		cell(w, "%s", bytes(fr, sizeof fr, jnum(json_object_get(n, "mem_free_bytes"))));
	}
	table_end(w);

	json_t *caches = json_object_get(host, "caches");
	if (json_array_size(caches)) {
		p_begin(w);
		text(w, "Caches: ");
		json_t *c;
		json_array_foreach(caches, i, c)
		{
			char sz[32];
			const char *type = jstr(json_object_get(c, "type"), "");
			text(w, "%sL%lld%s %s × %lld", i ? ", " : "",
			     (long long)json_integer_value(json_object_get(c, "level")),
			     strcmp(type, "data") == 0          ? "d"
			     : strcmp(type, "instruction") == 0 ? "i"
								: "",
			     bytes(sz, sizeof sz, jnum(json_object_get(c, "size_bytes"))),
			     (long long)json_integer_value(json_object_get(c, "count")));
		}
		text(w, ".");
		p_end(w);
	}

	/* The distance matrix as numactl --hardware prints it. */
	json_t *dist = json_object_get(host, "distances");
	size_t nn = json_array_size(nodes);
	if (json_array_size(dist) == nn && nn) {
		p_begin(w);
		text(w, "Distances (SLIT; 10 = local):");
		p_end(w);
		char *align = calloc(nn + 2, 1);
		if (!align)
			return;
		memset(align, 'r', nn + 1);
		/* Headers vary in number: write the header row by hand through the same writer. */
		w->cols = (unsigned)nn + 1;
		w->align = align;
		w->cell = 0;
		fputs("<table>\n<thead><tr><th class=\"num\">node</th>", w->html);
		fputs("| node |", w->md);
		json_array_foreach(nodes, i, n)
		{
			fprintf(w->md, " %lld |",
				(long long)json_integer_value(json_object_get(n, "id")));
			fprintf(w->html, "<th class=\"num\">%lld</th>",
				(long long)json_integer_value(json_object_get(n, "id")));
		}
		fputs("\n|", w->md);
		for (size_t k = 0; k <= nn; k++)
			fputs("--:|", w->md);
		fputs("\n", w->md);
		fputs("</tr></thead>\n<tbody>\n", w->html);
		json_t *row;
		json_array_foreach(dist, i, row)
		{
			cell(w, "%lld",
			     (long long)json_integer_value(
					     json_object_get(json_array_get(nodes, i), "id")));
			for (size_t k = 0; k < nn; k++) {
				json_t *d = json_array_get(row, k);
				if (json_is_integer(d))
					cell(w, "%lld", (long long)json_integer_value(d));
				else
					cell(w, "–");
			}
		}
		table_end(w);
		free(align);
		w->align = "";
	}
}

/* Per workload: an overview of the headline metric, then every metric of each configuration. */
static void section_results(struct w *w, struct rep *p)
{
	heading(w, 2, "results", "Results per workload and policy");
	p_begin(w);
	text(w, "Over the ok runs of each configuration (warm-ups left out): median, min, max, "
		"coefficient of "
		"variation (sample standard deviation / mean) and n.");
	p_end(w);
	if (!p->nc) {
		p_begin(w);
		text(w, "No counted runs.");
		p_end(w);
		return;
	}
	bool *done = calloc(p->nc, sizeof *done);
	const nh_results_config_t **same = calloc(p->nc, sizeof *same);
	char(*labels)[256] = calloc(p->nc, sizeof *labels);
	unsigned cap = 1;
	for (unsigned i = 0; i < p->nc; i++)
		cap = p->cfgs[i].c->run_count > cap ? p->cfgs[i].c->run_count : cap;
	double *vals = calloc(cap, sizeof *vals);
	if (!done || !same || !labels || !vals)
		goto out;
	for (unsigned i = 0; i < p->nc; i++) {
		if (done[i])
			continue;
		const char *wl = p->cfgs[i].c->workload;
		unsigned n = 0;
		for (unsigned k = i; k < p->nc; k++)
			if (strcmp(p->cfgs[k].c->workload, wl) == 0)
				same[n++] = p->cfgs[k].c;
		char common[512];
		nh_charts_labels(same, n, NULL, labels, common, sizeof common);
		heading(w, 3, NULL, "%s", wl);
		if (common[0]) {
			p_begin(w);
			text(w, "Every configuration: ");
			code(w, "%s", common);
			text(w, " (parameters not listed are at their defaults).");
			p_end(w);
		}
		const char *head = nh_charts_headline_metric(wl);
		if (head && n > 1) {
			table_begin(w, "lrrrrrl", "configuration", "ok / runs", head, "min", "max",
				    "CV", "unit", NULL);
			for (unsigned k = i; k < p->nc; k++) {
				const struct cfg *c = &p->cfgs[k];
				if (strcmp(c->c->workload, wl) != 0)
					continue;
				const char *unit = NULL;
				int better;
				unsigned m = nh_results_values(p->r, c->c, head, vals, cap, &unit,
							       &better);
				nh_summary_t s = {0};
				bool ok = m && nh_stats_summary(vals, m, &s, NULL) == 0;
				char a[32], b[32], d[32], e[32];
				cell_code(w, c->label);
				cell(w, "%u / %u", c->c->ok_count, c->c->run_count);
				cell(w, "%s", ok ? num(a, sizeof a, s.median) : "–");
				cell(w, "%s", ok ? num(b, sizeof b, s.min) : "–");
				cell(w, "%s", ok ? num(d, sizeof d, s.max) : "–");
				cell(w, "%s", ok ? pct(e, sizeof e, s.cv) : "–");
				cell(w, "%s", unit ? unit : "");
			}
			table_end(w);
		}
		for (unsigned k = i; k < p->nc; k++) {
			const struct cfg *c = &p->cfgs[k];
			if (strcmp(c->c->workload, wl) != 0)
				continue;
			done[k] = true;
			heading(w, 4, NULL, "%s %s", wl, c->label);
			const char *names[128];
			unsigned nm = nh_results_metric_names(p->r, c->c, names,
							      NH_ARRAY_LEN(names));
			if (!c->c->ok_count || !nm) {
				/* Say why, with the first reason a run gave. */
				const char *reason = "";
				const char *outcome = "";
				for (unsigned r = 0; r < c->c->run_count && !reason[0]; r++) {
					json_t *rec = nh_results_record(p->r, c->c->runs[r]);
					reason = jstr(json_object_get(rec, "reason"), "");
					outcome = jstr(json_object_get(rec, "outcome"), "");
				}
				p_begin(w);
				text(w, "No ok run of %u", c->c->run_count);
				if (reason[0])
					text(w, " — %s: %s", outcome, reason);
				text(w, ".");
				p_end(w);
				continue;
			}
			table_begin(w, "lllrrrrr", "metric", "unit", "better", "median", "min",
				    "max", "CV", "n", NULL);
			for (unsigned mi = 0; mi < nm; mi++) {
				const char *unit = NULL;
				int better = 0;
				unsigned m = nh_results_values(p->r, c->c, names[mi], vals, cap,
							       &unit, &better);
				nh_summary_t s = {0};
				bool ok = m && nh_stats_summary(vals, m, &s, NULL) == 0;
				char a[32], b[32], d[32], e[32];
				cell_code(w, names[mi]);
				cell(w, "%s", unit ? unit : "");
				cell(w, "%s", better > 0 ? "higher" : better < 0 ? "lower" : "");
				cell(w, "%s", ok ? num(a, sizeof a, s.median) : "–");
				cell(w, "%s", ok ? num(b, sizeof b, s.min) : "–");
				cell(w, "%s", ok ? num(d, sizeof d, s.max) : "–");
				cell(w, "%s", ok ? pct(e, sizeof e, s.cv) : "–");
				cell(w, "%u", ok ? s.n : 0);
			}
			table_end(w);
		}
	}
out:
	free(done);
	free(same);
	free(labels);
	free(vals);
}

static void section_placement(struct w *w, struct rep *p)
{
	heading(w, 2, "placement", "Placement");
	p_begin(w);
	text(w, "Where the pages of each run's buffers were (move_pages) against where the policy "
		"says they "
		"belong: ok, fallback (a preferred or local policy spilled), violated (a strict "
		"policy with pages "
		"elsewhere), unbalanced (interleave shares off), not-checked (the run did not get "
		"that far).");
	p_end(w);
	table_begin(w, "llrrrrrrr", "configuration", "expected nodes", "ok", "fallback", "violated",
		    "unbalanced", "not-checked", "on expected (median)", "lowest", NULL);
	unsigned listed = 0;
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		unsigned counts[NH_ARRAY_LEN(VERDICTS)] = {0};
		double *frac = calloc(c->c->run_count ? c->c->run_count : 1, sizeof *frac);
		unsigned nf = 0;
		const char *expected = "";
		for (unsigned r = 0; r < c->c->run_count; r++) {
			json_t *obs = nh_json_path(nh_results_record(p->r, c->c->runs[r]), "policy",
					   "observed", NULL);
			const char *v = jstr(json_object_get(obs, "verdict"), "not-checked");
			for (unsigned i = 0; i < NH_ARRAY_LEN(VERDICTS); i++)
				counts[i] += strcmp(v, VERDICTS[i]) == 0;
			double f = jnum(json_object_get(obs, "fraction_on_expected"));
			if (frac && isfinite(f))
				frac[nf++] = f;
			if (!expected[0])
				expected = jstr(json_object_get(obs, "expected_nodes"), "");
		}
		char a[32], b[32];
		double med = nf ? nh_stats_median(frac, nf) : NAN, lo = NAN;
		for (unsigned i = 0; i < nf; i++)
			lo = isnan(lo) || frac[i] < lo ? frac[i] : lo;
		free(frac);
		cell(w, "%s", c->name);
		cell(w, "%s", expected);
		for (unsigned i = 0; i < NH_ARRAY_LEN(VERDICTS); i++) {
			bool bad = counts[i] && (i == 2 || i == 3);
			char n[16];
			snprintf(n, sizeof n, "%u", counts[i]);
			if (bad)
				cell_status(w, n, true);
			else
				cell(w, "%s", n);
		}
		cell(w, "%s", pct(a, sizeof a, med));
		cell(w, "%s", pct(b, sizeof b, lo));
	}
	table_end(w);
	/* The first reason per configuration for a verdict other than ok. */
	bool any = false;
	for (unsigned k = 0; k < p->nc && listed < MAX_LISTED; k++) {
		const struct cfg *c = &p->cfgs[k];
		for (unsigned r = 0; r < c->c->run_count; r++) {
			json_t *rec = nh_results_record(p->r, c->c->runs[r]);
			json_t *obs = nh_json_path(rec, "policy", "observed", NULL);
			const char *v = jstr(json_object_get(obs, "verdict"), "not-checked");
			if (strcmp(v, "ok") == 0 || strcmp(v, "not-checked") == 0)
				continue;
			if (!any) {
				p_begin(w);
				text(w, "Verdicts other than ok (the first run of each "
					"configuration):");
				p_end(w);
				ul_begin(w);
				any = true;
			}
			li_begin(w);
			code(w, "%s", c->name);
			text(w, " run %lld: %s — %s",
			     (long long)json_integer_value(json_object_get(rec, "run")), v,
			     jstr(json_object_get(obs, "verdict_reason"), ""));
			li_end(w);
			listed++;
			break;
		}
	}
	if (any)
		ul_end(w);
}

static void section_outcomes(struct w *w, struct rep *p)
{
	heading(w, 2, "outcomes", "Outcomes");
	table_begin(w, "lrrrrrr", "configuration", "ok", "failed", "timeout", "crashed",
		    "oom-killed", "skipped", NULL);
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		unsigned counts[NH_ARRAY_LEN(OUTCOMES)] = {0};
		for (unsigned r = 0; r < c->c->run_count; r++) {
			int o = outcome_index(
					jstr(json_object_get(nh_results_record(p->r, c->c->runs[r]),
							     "outcome"),
					     NULL));
			if (o >= 0)
				counts[o]++;
		}
		cell(w, "%s", c->name);
		for (unsigned i = 0; i < NH_ARRAY_LEN(OUTCOMES); i++) {
			char n[16];
			snprintf(n, sizeof n, "%u", counts[i]);
			if (counts[i] && i > 0 && i < 5)
				cell_status(w, n, true);
			else
				cell(w, "%s", n);
		}
	}
	table_end(w);
	/* Every run that did not end ok, with its reason; skipped runs once per configuration and
	 * reason, since a skip repeats the same reason for every rep. */
	unsigned listed = 0, total = nh_results_count(p->r);
	bool any = false;
	for (unsigned i = 0; i < total; i++) {
		json_t *rec = nh_results_record(p->r, i);
		const char *o = jstr(json_object_get(rec, "outcome"), "?");
		if (strcmp(o, "ok") == 0)
			continue;
		const char *reason = jstr(json_object_get(rec, "reason"), "");
		bool repeat = false;
		if (strcmp(o, "skipped") == 0)
			for (unsigned k = 0; k < i && !repeat; k++) {
				json_t *prev = nh_results_record(p->r, k);
				repeat = strcmp(jstr(json_object_get(prev, "outcome"), ""),
						"skipped") == 0 &&
					 json_equal(json_object_get(prev, "config"),
						    json_object_get(rec, "config")) &&
					 strcmp(jstr(json_object_get(prev, "reason"), ""),
						reason) == 0;
			}
		if (repeat)
			continue;
		if (!any) {
			p_begin(w);
			text(w, "Runs that did not end ok:");
			p_end(w);
			ul_begin(w);
			any = true;
		}
		if (listed == MAX_LISTED) {
			li_begin(w);
			text(w, "… and more: see runs.jsonl.");
			li_end(w);
			break;
		}
		li_begin(w);
		text(w, "run %lld (%s %s, rep %lld%s): ",
		     (long long)json_integer_value(json_object_get(rec, "run")),
		     jstr(json_object_get(rec, "workload"), "?"),
		     jstr(nh_json_path(rec, "policy", "requested", NULL), "?"),
		     (long long)json_integer_value(json_object_get(rec, "rep")),
		     json_is_true(json_object_get(rec, "warmup")) ? ", warm-up" : "");
		text(w, "%s%s%s", o, reason[0] ? " — " : "", reason);
		li_end(w);
		listed++;
	}
	if (any)
		ul_end(w);
	else {
		p_begin(w);
		text(w, "Every run ended ok.");
		p_end(w);
	}
}

static const char *const NUMASTAT_FIELDS[] = {"numa_hit",       "numa_miss",  "numa_foreign",
					      "interleave_hit", "local_node", "other_node"};

static void section_numastat(struct w *w, struct rep *p)
{
	heading(w, 2, "numastat", "Kernel NUMA counters");
	p_begin(w);
	text(w, "numastat deltas around each run (pages; system-wide, so other activity on the "
		"host counts too), "
		"summed over the counted runs of each configuration. The numa_miss ratio is "
		"numa_miss / "
		"(numa_hit + numa_miss).");
	p_end(w);
	table_begin(w, "lrrrrrrrr", "configuration", "node", "numa_hit", "numa_miss",
		    "numa_foreign", "interleave_hit", "local_node", "other_node", "numa_miss ratio",
		    NULL);
	bool any = false;
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		json_t *sums = json_object(); /* node -> [fields] */
		unsigned runs = 0;
		for (unsigned r = 0; r < c->c->run_count; r++) {
			json_t *by = nh_json_path(nh_results_record(p->r, c->c->runs[r]), "numastat",
					  "delta_by_node", NULL);
			const char *node;
			json_t *v;
			runs += json_is_object(by);
			json_object_foreach(by, node, v)
			{
				json_t *acc = json_object_get(sums, node);
				if (!acc) {
					acc = json_array();
					for (unsigned f = 0; f < NH_ARRAY_LEN(NUMASTAT_FIELDS); f++)
						json_array_append_new(acc, json_real(0));
					json_object_set_new(sums, node, acc);
				}
				for (unsigned f = 0; f < NH_ARRAY_LEN(NUMASTAT_FIELDS); f++) {
					double d = jnum(json_object_get(v, NUMASTAT_FIELDS[f]));
					if (isfinite(d))
						json_real_set(json_array_get(acc, f),
							      json_real_value(json_array_get(acc,
											     f)) +
									      d);
				}
			}
		}
		if (!runs) {
			json_decref(sums);
			continue;
		}
		any = true;
		double tot[NH_ARRAY_LEN(NUMASTAT_FIELDS)] = {0};
		const char *node;
		json_t *acc;
		json_object_foreach(sums, node, acc)
		{
			char a[32];
			cell(w, "%s", c->name);
			cell(w, "%s", node);
			for (unsigned f = 0; f < NH_ARRAY_LEN(NUMASTAT_FIELDS); f++) {
				double d = json_real_value(json_array_get(acc, f));
				tot[f] += d;
				cell(w, "%.0f", d);
			}
			double hit = json_real_value(json_array_get(acc, 0)),
			       miss = json_real_value(json_array_get(acc, 1));
			cell(w, "%s", pct(a, sizeof a, hit + miss > 0 ? miss / (hit + miss) : NAN));
		}
		if (json_object_size(sums) > 1) {
			char a[32];
			cell(w, "%s", c->name);
			cell(w, "all");
			for (unsigned f = 0; f < NH_ARRAY_LEN(NUMASTAT_FIELDS); f++)
				cell(w, "%.0f", tot[f]);
			cell(w, "%s",
			     pct(a, sizeof a,
				 tot[0] + tot[1] > 0 ? tot[1] / (tot[0] + tot[1]) : NAN));
		}
		json_decref(sums);
	}
	table_end(w);
	if (!any) {
		p_begin(w);
		text(w, "No run recorded numastat deltas.");
		p_end(w);
	}
}

static void section_counters(struct w *w, struct rep *p)
{
	heading(w, 2, "counters", "Hardware counters");
	/* Available counters: median per configuration. Unavailable ones: each name once with its
	 * reason(s) — the same reason repeats in every run. */
	json_t *reasons = json_object(); /* name -> {reason: true} */
	json_t *events = json_object();  /* name -> event */
	bool table = false;
	double *vals = NULL;
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		free(vals);
		vals = calloc(c->c->run_count ? c->c->run_count : 1, sizeof *vals);
		if (!vals)
			break;
		json_t *names = json_array();
		for (unsigned r = 0; r < c->c->run_count; r++) {
			json_t *ctr = json_object_get(nh_results_record(p->r, c->c->runs[r]),
						      "counters");
			const char *name;
			json_t *v;
			if (json_is_string(json_object_get(ctr, "unavailable"))) {
				/* the whole layer: counters=none, or no perf at all */
				json_t *set = json_object_get(reasons, "(all counters)");
				if (!set) {
					set = json_object();
					json_object_set_new(reasons, "(all counters)", set);
				}
				json_object_set_new(set,
						    jstr(json_object_get(ctr, "unavailable"), ""),
						    json_true());
				continue;
			}
			json_object_foreach(ctr, name, v)
			{
				const char *why = jstr(json_object_get(v, "unavailable"), NULL);
				const char *ev = jstr(json_object_get(v, "event"), NULL);
				if (ev && !json_object_get(events, name))
					json_object_set_new(events, name, json_string(ev));
				if (why) {
					json_t *set = json_object_get(reasons, name);
					if (!set) {
						set = json_object();
						json_object_set_new(reasons, name, set);
					}
					json_object_set_new(set, why, json_true());
					continue;
				}
				bool seen = false;
				size_t i;
				json_t *n;
				json_array_foreach(names, i, n) seen |=
						strcmp(json_string_value(n), name) == 0;
				if (!seen && json_is_number(json_object_get(v, "value")))
					json_array_append_new(names, json_string(name));
			}
		}
		size_t i;
		json_t *n;
		json_array_foreach(names, i, n)
		{
			const char *name = json_string_value(n);
			unsigned m = 0;
			bool mux = false;
			const char *unit = NULL;
			for (unsigned r = 0; r < c->c->run_count; r++) {
				json_t *rec = nh_results_record(p->r, c->c->runs[r]);
				json_t *v = nh_json_path(rec, "counters", name, NULL);
				if (strcmp(jstr(json_object_get(rec, "outcome"), ""), "ok") != 0 ||
				    !json_is_number(json_object_get(v, "value")))
					continue;
				vals[m++] = json_number_value(json_object_get(v, "value"));
				mux |= json_is_true(json_object_get(v, "multiplexed"));
				unit = unit ? unit : jstr(json_object_get(v, "unit"), NULL);
			}
			nh_summary_t s;
			if (!m || nh_stats_summary(vals, m, &s, NULL) < 0)
				continue;
			if (!table) {
				table_begin(w, "lllrrrr", "configuration", "counter", "event",
					    "median", "min", "max", "n", NULL);
				table = true;
			}
			char a[32], b[32], d[32];
			cell(w, "%s", c->name);
			cell_open(w, NULL);
			code(w, "%s", name);
			if (unit)
				text(w, " (%s)", unit);
			if (mux)
				text(w, " (multiplexed: scaled estimate)");
			cell_close(w);
			cell(w, "%s", jstr(json_object_get(events, name), ""));
			cell(w, "%s", num(a, sizeof a, s.median));
			cell(w, "%s", num(b, sizeof b, s.min));
			cell(w, "%s", num(d, sizeof d, s.max));
			cell(w, "%u", s.n);
		}
		json_decref(names);
	}
	free(vals);
	if (table)
		table_end(w);
	if (json_object_size(reasons)) {
		p_begin(w);
		text(w, table ? "Not counted:" : "No counter could be counted:");
		p_end(w);
		ul_begin(w);
		const char *name;
		json_t *set;
		json_object_foreach(reasons, name, set)
		{
			li_begin(w);
			code(w, "%s", name);
			const char *ev = jstr(json_object_get(events, name), NULL);
			if (ev) {
				text(w, " (");
				code(w, "%s", ev);
				text(w, ")");
			}
			text(w, ": ");
			const char *why;
			json_t *t;
			bool first = true;
			json_object_foreach(set, why, t)
			{
				text(w, "%s%s", first ? "" : "; ", why);
				first = false;
			}
			li_end(w);
		}
		ul_end(w);
	} else if (!table) {
		p_begin(w);
		text(w, "No run recorded counters.");
		p_end(w);
	}
	json_decref(reasons);
	json_decref(events);
}

/* Largest value of a number at a path over a configuration's runs; NAN when none has it. */
static double max_over(const struct rep *p, const struct cfg *c, const char *a, const char *b,
		       const char *d)
{
	double m = NAN;
	for (unsigned r = 0; r < c->c->run_count; r++) {
		double v = jnum(nh_json_path(nh_results_record(p->r, c->c->runs[r]), a, b, d));
		if (isfinite(v) && (isnan(m) || v > m))
			m = v;
	}
	return m;
}

static void section_memory(struct w *w, struct rep *p)
{
	heading(w, 2, "memory", "Memory layers");
	p_begin(w);
	text(w, "Largest value over the counted runs of each configuration, at the end of the "
		"timed phase: the "
		"worker's peak RSS (VmHWM), its transparent huge pages (AnonHugePages), and its "
		"cgroup's memory "
		"(memory.current, or usage_in_bytes on cgroup v1) and page cache (file, or cache "
		"on v1).");
	p_end(w);
	table_begin(w, "lrrrrr", "configuration", "peak RSS (VmHWM)", "AnonHugePages",
		    "cgroup memory", "cgroup page cache", "series samples", NULL);
	json_t *cg_reasons = json_object();
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		char a[32], b[32], d[32], e[32];
		double file = max_over(p, c, "cgroup", "stat", "file");
		if (isnan(file))
			file = max_over(p, c, "cgroup", "stat", "cache");
		double samples = max_over(p, c, "series", "samples", NULL);
		cell(w, "%s", c->name);
		cell(w, "%s", bytes(a, sizeof a, max_over(p, c, "memory", "vm_hwm_bytes", NULL)));
		cell(w, "%s",
		     bytes(b, sizeof b, max_over(p, c, "memory", "anon_huge_pages_bytes", NULL)));
		cell(w, "%s", bytes(d, sizeof d, max_over(p, c, "cgroup", "memory_current", NULL)));
		cell(w, "%s", bytes(e, sizeof e, file));
		if (isfinite(samples))
			cell(w, "%.0f", samples);
		else
			cell(w, "–");
		for (unsigned r = 0; r < c->c->run_count; r++) {
			const char *why = jstr(nh_json_path(nh_results_record(p->r, c->c->runs[r]),
						    "cgroup", "unavailable", NULL),
					       NULL);
			if (why)
				json_object_set_new(cg_reasons, why, json_true());
		}
	}
	table_end(w);
	const char *why;
	json_t *t;
	json_object_foreach(cg_reasons, why, t)
	{
		p_begin(w);
		text(w, "cgroup memory unavailable: %s", why);
		p_end(w);
	}
	json_decref(cg_reasons);
}

/* DIR/NAME as JSON; NULL after a paragraph saying why not — \p absent when there is no such file
 * (a results directory need not have one), else where it could not be read. */
static json_t *load_optional(struct w *w, struct rep *p, const char *name, const char *absent)
{
	char path[PATH_MAX + 40];
	snprintf(path, sizeof path, "%s/%s", nh_results_dir(p->r), name);
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	if (doc)
		return doc;
	p_begin(w);
	if (access(path, F_OK) != 0)
		text(w, "%s", absent);
	else
		text(w, "%s could not be read: line %d: %s", name, je.line, je.text);
	p_end(w);
	return NULL;
}

static void section_expectations(struct w *w, struct rep *p)
{
	heading(w, 2, "expectations", "Expectations");
	json_t *doc = load_optional(w, p, "checks.json",
				    "No expectations (no checks.json in the results directory).");
	if (!doc)
		return;
	json_t *arr = json_is_array(doc) ? doc : json_object_get(doc, "checks");
	unsigned pass = 0, fail = 0, ne = 0;
	size_t i;
	json_t *k;
	json_array_foreach(arr, i, k)
	{
		const char *st = jstr(json_object_get(k, "status"), "");
		pass += strcmp(st, "pass") == 0;
		fail += strcmp(st, "fail") == 0;
		ne += strcmp(st, "not-evaluated") == 0;
	}
	p_begin(w);
	text(w, "%u passed, %u failed, %u not evaluated.", pass, fail, ne);
	p_end(w);
	if (json_array_size(arr)) {
		table_begin(w, "llll", "status", "check", "detail", "source", NULL);
		json_array_foreach(arr, i, k)
		{
			const char *st = jstr(json_object_get(k, "status"), "?");
			bool gate = json_is_true(json_object_get(k, "fails_gate")) ||
				    strcmp(st, "fail") == 0;
			cell_status(w, st, gate);
			cell(w, "%s", jstr(json_object_get(k, "name"), ""));
			cell(w, "%s", jstr(json_object_get(k, "detail"), ""));
			cell(w, "%s", jstr(json_object_get(k, "source"), ""));
		}
		table_end(w);
	}
	json_decref(doc);
}

static void section_compare(struct w *w, struct rep *p)
{
	heading(w, 2, "comparison", "Comparison with a baseline");
	char absent[PATH_MAX + 80];
	snprintf(absent, sizeof absent,
		 "No comparison (no compare.json; numaharness compare BASELINE %s writes one).",
		 nh_results_dir(p->r));
	json_t *doc = load_optional(w, p, "compare.json", absent);
	if (!doc)
		return;
	p_begin(w);
	text(w, "Baseline ");
	code(w, "%s", jstr(json_object_get(doc, "baseline"), "?"));
	text(w, ", candidate ");
	code(w, "%s", jstr(json_object_get(doc, "candidate"), "?"));
	json_t *sum = json_object_get(doc, "summary");
	if (json_object_size(sum)) {
		text(w, ":");
		const char *v;
		json_t *n;
		bool first = true;
		json_object_foreach(sum, v, n)
		{
			text(w, "%s %lld %s", first ? "" : ",", (long long)json_integer_value(n),
			     v);
			first = false;
		}
	}
	text(w, ".");
	const char *rule = jstr(json_object_get(doc, "rule"), NULL);
	if (rule)
		text(w, " A change is %s.", rule);
	p_end(w);
	json_t *rows = json_object_get(doc, "rows");
	if (json_array_size(rows)) {
		table_begin(w, "llrrrrrl", "configuration", "metric", "baseline", "candidate",
			    "change", "interval", "p (Mann-Whitney)", "verdict", NULL);
		size_t i;
		json_t *r;
		json_array_foreach(rows, i, r)
		{
			char a[32], b[32], d[32];
			const char *unit = jstr(json_object_get(r, "unit"), "");
			double ch = jnum(json_object_get(r, "change_pct"));
			json_t *ci = json_object_get(r, "interval_pct");
			double lo = jnum(json_array_get(ci, 0)), hi = jnum(json_array_get(ci, 1));
			const char *verdict = jstr(json_object_get(r, "verdict"), "?");
			cell(w, "%s",
			     jstr(json_object_get(r, "label"),
				  jstr(json_object_get(r, "key"), "?")));
			cell_open(w, NULL);
			code(w, "%s", jstr(json_object_get(r, "metric"), "?"));
			if (unit[0])
				text(w, " (%s)", unit);
			cell_close(w);
			cell(w, "%s", num(a, sizeof a, jnum(nh_json_path(r, "baseline", "median", NULL))));
			cell(w, "%s", num(b, sizeof b, jnum(nh_json_path(r, "candidate", "median", NULL))));
			if (isfinite(ch))
				cell(w, "%+.1f%%", ch);
			else
				cell(w, "–");
			if (isfinite(lo) && isfinite(hi))
				cell(w, "%+.1f%% .. %+.1f%%", lo, hi);
			else
				cell(w, "–");
			double pmw = jnum(json_object_get(r, "p_mann_whitney"));
			cell(w, "%s",
			     isfinite(pmw) ? (snprintf(d, sizeof d, "%.3g", pmw), d) : "–");
			cell_status(w, verdict, strcmp(verdict, "regression") == 0);
		}
		table_end(w);
	}
	for (int side = 0; side < 2; side++) {
		json_t *only = json_object_get(doc,
					       side ? "only_in_candidate" : "only_in_baseline");
		if (!json_array_size(only))
			continue;
		p_begin(w);
		text(w, "Only in the %s:", side ? "candidate" : "baseline");
		size_t i;
		json_t *o;
		json_array_foreach(only, i, o)
		{
			text(w, i ? ", " : " ");
			code(w, "%s",
			     jstr(json_object_get(o, "label"),
				  jstr(json_object_get(o, "key"), "?")));
		}
		text(w, ".");
		p_end(w);
	}
	json_t *notes = json_object_get(doc, "notes");
	if (json_array_size(notes)) {
		ul_begin(w);
		size_t i;
		json_t *n;
		json_array_foreach(notes, i, n)
		{
			li_begin(w);
			text(w, "Note: %s", jstr(n, ""));
			li_end(w);
		}
		ul_end(w);
	}
	json_decref(doc);
}

/* ---- charts ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(FILE *f, const unsigned char *d, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0) |
			     (i + 2 < n ? d[i + 2] : 0);
		fputc(B64[v >> 18 & 63], f);
		fputc(B64[v >> 12 & 63], f);
		fputc(i + 1 < n ? B64[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? B64[v & 63] : '=', f);
	}
}

/* gnuplot's SVG inline: its XML prolog dropped, its ids (gpPt0, textbox, ...) made unique per
 * chart since every chart defines the same ones and an HTML document shares one id space. */
static bool inline_svg(FILE *html, const char *path, unsigned n, const char *title)
{
	size_t len;
	char *svg = nh_read_file(path, &len, NULL);
	if (!svg)
		return false;
	char *start = strstr(svg, "<svg");
	if (!start) {
		free(svg);
		return false;
	}
	char prefix[16];
	snprintf(prefix, sizeof prefix, "c%u-", n);
	static const char *const refs[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
	fputs("<figure class=\"chart\">\n", html);
	for (const char *s = start; *s;) {
		if (strncmp(s, "<title>Gnuplot</title>", 22) == 0) {
			fputs("<title>", html);
			html_text(html, title);
			fputs("</title>", html);
			s += 22;
			continue;
		}
		bool hit = false;
		for (unsigned i = 0; i < NH_ARRAY_LEN(refs) && !hit; i++) {
			size_t l = strlen(refs[i]);
			if (strncmp(s, refs[i], l) == 0) {
				fwrite(s, 1, l, html);
				fputs(prefix, html);
				s += l;
				hit = true;
			}
		}
		if (!hit)
			fputc(*s++, html);
	}
	fputs("</figure>\n", html);
	free(svg);
	return true;
}

static bool inline_png(FILE *html, const char *path, const char *title)
{
	size_t len;
	char *png = nh_read_file(path, &len, NULL);
	if (!png)
		return false;
	fputs("<figure class=\"chart\"><img alt=\"", html);
	html_text(html, title);
	fputs("\" src=\"data:image/png;base64,", html);
	base64(html, (const unsigned char *)png, len);
	fputs("\"></figure>\n", html);
	free(png);
	return true;
}

static void section_charts(struct w *w, struct rep *p)
{
	heading(w, 2, "charts", "Charts");
	const nh_charts_t *ch = &p->charts;
	if (p->no_charts) {
		p_begin(w);
		text(w, "Charts were not drawn (--no-charts).");
		p_end(w);
		return;
	}
	if (!p->charts_made) {
		p_begin(w);
		text(w, "Charts could not be written: %s", ch->note);
		p_end(w);
		return;
	}
	if (!ch->count) {
		p_begin(w);
		text(w, "No chart applies to these results.");
		p_end(w);
		return;
	}
	if (!ch->gnuplot_ran) {
		p_begin(w);
		text(w, "%s: the data (.dat) and gnuplot templates (.gp) of %u charts are in ",
		     ch->note, ch->count);
		code(w, "charts/");
		text(w, "; draw one with the command under it, run in that directory.");
		p_end(w);
	} else {
		p_begin(w);
		text(w, "Drawn by ");
		code(w, "%s", ch->gnuplot);
		text(w, "; each chart's data and template are in ");
		code(w, "charts/");
		text(w, " beside its images.");
		p_end(w);
	}
	for (unsigned i = 0; i < ch->count; i++) {
		const nh_chart_t *c = &ch->charts[i];
		heading(w, 3, NULL, "%s", c->title);
		char path[PATH_MAX + 100];
		if (c->png)
			fprintf(w->md, "![");
		if (c->png) {
			md_text(w->md, c->title);
			fprintf(w->md, "](charts/%s.png)\n\n", c->name);
		}
		bool shown = false;
		if (c->svg) {
			snprintf(path, sizeof path, "%s/charts/%s.svg", nh_results_dir(p->r),
				 c->name);
			shown = inline_svg(w->html, path, i, c->title);
		}
		if (!shown && c->png) {
			snprintf(path, sizeof path, "%s/charts/%s.png", nh_results_dir(p->r),
				 c->name);
			shown = inline_png(w->html, path, c->title);
		}
		p_begin(w);
		if (c->error[0])
			text(w, "Not drawn: %s. ", c->error);
		text(w, "Data ");
		code(w, "charts/%s.dat", c->name);
		text(w, ", template ");
		code(w, "charts/%s.gp", c->kind);
		if (c->svg)
			text(w, ", SVG ");
		if (c->svg)
			code(w, "charts/%s.svg", c->name);
		text(w, "; again by hand: ");
		code(w, "%s", c->command);
		p_end(w);
	}
}

/* ---- the documents ---- */

static const char CSS[] =
		"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em "
		"auto;max-width:1100px;"
		"padding:0 1em;color:#222;line-height:1.45}\n"
		"h1{font-size:1.6em}h2{border-bottom:1px solid "
		"#ccc;padding-bottom:.2em;margin-top:2em}\n"
		"table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}\n"
		"th,td{border:1px solid #ccc;padding:.25em "
		".6em;text-align:left;vertical-align:top}\n"
		"th{background:#f3f3f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-"
		"nums}\n"
		"tbody tr:nth-child(even){background:#fafafa}\n"
		"code{background:#f2f2f2;padding:0 .2em;border-radius:3px;font-size:.92em}\n"
		".st-pass,.st-ok,.st-improvement{color:#1b7a1b}.bad{color:#b00020;font-weight:bold}"
		"\n"
		".st-not-evaluated,.st-insufficient,.st-changed{color:#8a6d00}\n"
		"figure.chart{margin:1em 0}figure.chart svg,figure.chart "
		"img{width:100%;height:auto;max-width:1000px;"
		"border:1px solid #eee}\n";

static int write_docs(struct rep *p, nh_report_info_t *info, nh_err_t *err)
{
	struct w w = {0};
	w.md = open_memstream(&w.mdbuf, &w.mdlen);
	w.html = open_memstream(&w.htmlbuf, &w.htmllen);
	if (!w.md || !w.html) {
		if (w.md)
			fclose(w.md);
		if (w.html)
			fclose(w.html);
		free(w.mdbuf);
		free(w.htmlbuf);
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for the report");
	}
	const char *scenario =
			jstr(nh_json_path(p->manifest, "scenario", "name", NULL), nh_results_dir(p->r));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<title>numaharness report: ",
	      w.html);
	html_text(w.html, scenario);
	fprintf(w.html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", CSS);

	section_title(&w, p);
	section_parameters(&w, p);
	section_host(&w, p);
	section_topology(&w, p);
	section_results(&w, p);
	section_placement(&w, p);
	section_outcomes(&w, p);
	section_numastat(&w, p);
	section_counters(&w, p);
	section_memory(&w, p);
	section_expectations(&w, p);
	section_compare(&w, p);
	section_charts(&w, p);

	fputs("</body>\n</html>\n", w.html);
	bool bad = ferror(w.md) || ferror(w.html);
	bad |= fclose(w.md) != 0;
	bad |= fclose(w.html) != 0;
	int rc = -1;
	if (bad || !w.mdbuf || !w.htmlbuf) {
		errno = ENOMEM;
		nh_err_set(err, "out of memory for the report");
		goto out;
	}
	char md[4200], html[4200];
	snprintf(md, sizeof md, "%s/report.md", nh_results_dir(p->r));
	snprintf(html, sizeof html, "%s/report.html", nh_results_dir(p->r));
	if (nh_write_file_atomic(md, w.mdbuf, w.mdlen, err) < 0 ||
	    nh_write_file_atomic(html, w.htmlbuf, w.htmllen, err) < 0)
		goto out;
	if (info) {
		snprintf(info->md, sizeof info->md, "%s", md);
		snprintf(info->html, sizeof info->html, "%s", html);
	}
	rc = 0;
out:
	free(w.mdbuf);
	free(w.htmlbuf);
	return rc;
}

int nh_report_write_results(const nh_results_t *r, const nh_report_opts_t *o,
			    nh_report_info_t *info, nh_err_t *err)
{
	struct rep p = {.r = r, .manifest = nh_results_manifest(r), .no_charts = o && o->no_charts};
	if (info)
		memset(info, 0, sizeof *info);
	if (label_configs(&p, err) < 0)
		return -1;
	int rc = -1;
	if (!p.no_charts) {
		/* A chart that cannot be written is the report's loss, not the report's end. */
		nh_err_t cerr;
		if (nh_charts_make(r, true, &p.charts, &cerr) == 0) {
			p.charts_made = true;
		} else {
			nh_charts_free(&p.charts);
			snprintf(p.charts.note, sizeof p.charts.note, "%s", cerr.msg);
		}
	}
	if (write_docs(&p, info, err) < 0)
		goto out;
	if (info) {
		info->charts = p.charts.count;
		for (unsigned i = 0; i < p.charts.count; i++)
			info->rendered += p.charts.charts[i].png || p.charts.charts[i].svg;
		if (p.no_charts)
			snprintf(info->charts_note, sizeof info->charts_note,
				 "charts not drawn (--no-charts)");
		else if (!p.charts_made || (p.charts.count && !p.charts.gnuplot_ran))
			snprintf(info->charts_note, sizeof info->charts_note, "%s", p.charts.note);
	}
	rc = 0;
out:
	nh_charts_free(&p.charts);
	free(p.cfgs);
	return rc;
}

int nh_report_write(const char *dir, const nh_report_opts_t *o, nh_report_info_t *info,
		    nh_err_t *err)
{
	nh_results_t *r = nh_results_load(dir, err);
	if (!r)
		return -1;
	int rc = nh_report_write_results(r, o, info, err);
	nh_results_free(r);
	return rc;
}
