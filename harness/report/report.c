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

/* A figure the report shows as "–" when the records do not have it. */
static double num_or_nan(nh_num_t n) { return nh_num_or(n, NAN); }

/* What the report knows of each configuration besides the results reader's fields. */
struct cfg {
	const nh_results_config_t *c;
	char label[256]; /* within its workload: what tells it apart */
	char name[300];  /* across workloads: "stream membind=0" */
};

struct rep {
	const nh_results_t *r;
	const nh_mv_t *manifest; /* NULL: no manifest.json */
	struct cfg *cfgs;
	unsigned nc;
	nh_charts_t charts;
	bool charts_made;
	bool no_charts;
};

static const char *const OUTCOMES[] = {"ok",      "failed",     "timeout",
				       "crashed", "oom-killed", "skipped"};
static const char *const VERDICTS[] = {"ok", "fallback", "violated", "unbalanced", "not-checked"};

static long long run_number(const nh_rv_t *rec) { return (long long)nh_num_or(nh_rv_run(rec), 0); }

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
	const nh_mv_t *m = p->manifest;
	const char *scenario = nh_str_or(nh_mv_scenario_name(m), NULL);
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
		const char *cmd = nh_str_or(nh_mv_command(m), NULL);
		if (cmd) {
			li_begin(w);
			text(w, "Command: ");
			code(w, "numaharness %s", cmd);
			li_end(w);
		}
		const char *path = nh_str_or(nh_mv_scenario_path(m), NULL);
		if (path) {
			li_begin(w);
			text(w, "Scenario: ");
			code(w, "%s", path);
			const char *sha = nh_str_or(nh_mv_scenario_sha256(m), NULL);
			if (sha)
				text(w, " (SHA-256 %.16s…)", sha);
			li_end(w);
		}
		li_begin(w);
		text(w, "Started %s, finished %s; status %s; numaharness %s",
		     nh_str_or(nh_mv_started_at(m), "?"), nh_str_or(nh_mv_finished_at(m), "—"),
		     nh_str_or(nh_mv_status(m), "?"), nh_str_or(nh_mv_tool_version(m), "?"));
		li_end(w);
	}
	unsigned total = nh_results_count(p->r), warm = 0, counts[NH_ARRAY_LEN(OUTCOMES)] = {0};
	for (unsigned i = 0; i < total; i++) {
		const nh_rv_t *rec = nh_results_record(p->r, i);
		if (nh_flag_true(nh_rv_warmup(rec))) {
			warm++;
			continue;
		}
		int o = outcome_index(nh_str_or(nh_rv_outcome(rec), NULL));
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

/* What the scenario was asked (manifest scenario.parameters, from its param() lines): a
 * reader of the verdicts needs the values the checks were run against, and which the
 * operator gave with --set rather than the scenario's defaults. */
static void section_parameters(struct w *w, struct rep *p)
{
	if (nh_mv_param_count(p->manifest) == 0)
		return;
	p_begin(w);
	text(w, "Scenario parameters (");
	code(w, "run --set NAME=VALUE");
	text(w, " changes them; their help texts are in the scenario and in manifest.json):");
	p_end(w);
	table_begin(w, "llll", "parameter", "value", "default", "--set", NULL);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_mv_param_t v;
	while (nh_mv_param_next(p->manifest, &it, &v)) {
		cell_code(w, v.name);
		cell_code(w, v.value);
		cell_code(w, v.dflt);
		cell(w, "%s", nh_flag_true(v.set) ? "yes" : "no");
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
	nh_mv_host_t h = nh_mv_host(p->manifest);
	if (!h.present) {
		p_begin(w);
		text(w, "The manifest has no host fingerprint.");
		p_end(w);
		return;
	}
	char buf[64];
	table_begin(w, "ll", "fact", "value", NULL);
	kv_row(w, "kernel", nh_str_or(h.kernel, "?"));
	kv_row(w, "CPU model", nh_str_or(h.cpu_model, "?"));
	snprintf(buf, sizeof buf, "enabled %s, defrag %s", nh_str_or(h.thp_enabled, "?"),
		 nh_str_or(h.thp_defrag, "?"));
	kv_row(w, "transparent huge pages", buf);
	kv_row(w, "automatic NUMA balancing",
	       !h.numa_balancing.present ? "unknown"
	       : h.numa_balancing.v	 ? "on (pages may migrate during runs)"
					 : "off");
	if (h.perf_event_paranoid.present)
		snprintf(buf, sizeof buf, "%lld", (long long)h.perf_event_paranoid.v);
	else
		snprintf(buf, sizeof buf, "unknown");
	kv_row(w, "perf_event_paranoid", buf);
	kv_row(w, "cgroup", nh_str_or(h.cgroup, "?"));
	kv_row(w, "allowed CPUs", nh_str_or(h.allowed_cpus, "?"));
	kv_row(w, "allowed memory nodes", nh_str_or(h.allowed_mems, "?"));
	kv_row(w, "topology source", nh_str_or(h.source, "?"));
	table_end(w);
}

static void cpu_list(const nh_set_t *cpus, char *buf, size_t len)
{
	nh_set_format(cpus, buf, len);
	if (!buf[0])
		snprintf(buf, len, "none");
}

static long long node_id(const nh_mv_t *m, unsigned i)
{
	return (long long)nh_num_or(nh_mv_node(m, i).id, 0);
}

static void section_topology(struct w *w, struct rep *p)
{
	heading(w, 2, "topology", "Topology");
	const nh_mv_t *m = p->manifest;
	unsigned nn = nh_mv_node_count(m);
	if (!nn) {
		p_begin(w);
		text(w, "The manifest has no topology.");
		p_end(w);
		return;
	}
	table_begin(w, "rlrr", "node", "CPUs", "memory", "free at start", NULL);
	for (unsigned i = 0; i < nn; i++) {
		nh_mv_node_t n = nh_mv_node(m, i);
		char cpus[256], mem[32], fr[32];
		cpu_list(&n.cpus, cpus, sizeof cpus);
		cell(w, "%lld", (long long)nh_num_or(n.id, 0));
		cell(w, "%s", cpus);
		cell(w, "%s", bytes(mem, sizeof mem, num_or_nan(n.mem_total_bytes)));
		cell(w, "%s", bytes(fr, sizeof fr, num_or_nan(n.mem_free_bytes)));
	}
	table_end(w);

	unsigned ncache = nh_mv_cache_count(m);
	if (ncache) {
		p_begin(w);
		text(w, "Caches: ");
		for (unsigned i = 0; i < ncache; i++) {
			nh_mv_cache_t c = nh_mv_cache(m, i);
			char sz[32];
			const char *type = nh_str_or(c.type, "");
			text(w, "%sL%lld%s %s × %lld", i ? ", " : "", (long long)nh_num_or(c.level, 0),
			     strcmp(type, "data") == 0          ? "d"
			     : strcmp(type, "instruction") == 0 ? "i"
								: "",
			     bytes(sz, sizeof sz, num_or_nan(c.size_bytes)),
			     (long long)nh_num_or(c.count, 0));
		}
		text(w, ".");
		p_end(w);
	}

	/* The distance matrix as numactl --hardware prints it. */
	if (nh_mv_distance_rows(m) == nn) {
		p_begin(w);
		text(w, "Distances (SLIT; 10 = local):");
		p_end(w);
		char *align = calloc(nn + 2, 1);
		if (!align)
			return;
		memset(align, 'r', nn + 1);
		/* Headers vary in number: write the header row by hand through the same writer. */
		w->cols = nn + 1;
		w->align = align;
		w->cell = 0;
		fputs("<table>\n<thead><tr><th class=\"num\">node</th>", w->html);
		fputs("| node |", w->md);
		for (unsigned i = 0; i < nn; i++) {
			fprintf(w->md, " %lld |", node_id(m, i));
			fprintf(w->html, "<th class=\"num\">%lld</th>", node_id(m, i));
		}
		fputs("\n|", w->md);
		for (size_t k = 0; k <= nn; k++)
			fputs("--:|", w->md);
		fputs("\n", w->md);
		fputs("</tr></thead>\n<tbody>\n", w->html);
		for (unsigned i = 0; i < nn; i++) {
			cell(w, "%lld", node_id(m, i));
			for (unsigned k = 0; k < nn; k++) {
				nh_num_t d = nh_mv_distance(m, i, k);
				if (d.present)
					cell(w, "%lld", (long long)d.v);
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
					const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
					reason = nh_str_or(nh_rv_reason(rec), "");
					outcome = nh_str_or(nh_rv_outcome(rec), "");
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
			const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
			nh_rv_placement_t obs = nh_rv_placement(rec);
			const char *v = nh_str_or(obs.verdict, "not-checked");
			for (unsigned i = 0; i < NH_ARRAY_LEN(VERDICTS); i++)
				counts[i] += strcmp(v, VERDICTS[i]) == 0;
			double f = num_or_nan(obs.fraction_on_expected);
			if (frac && isfinite(f))
				frac[nf++] = f;
			if (!expected[0])
				expected = nh_str_or(obs.expected_nodes, "");
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
			const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
			nh_rv_placement_t obs = nh_rv_placement(rec);
			const char *v = nh_str_or(obs.verdict, "not-checked");
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
			text(w, " run %lld: %s — %s", run_number(rec), v,
			     nh_str_or(obs.verdict_reason, ""));
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
			const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
			int o = outcome_index(nh_str_or(nh_rv_outcome(rec), NULL));
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
		const nh_rv_t *rec = nh_results_record(p->r, i);
		const char *o = nh_str_or(nh_rv_outcome(rec), "?");
		if (strcmp(o, "ok") == 0)
			continue;
		const char *reason = nh_str_or(nh_rv_reason(rec), "");
		nh_num_t config = nh_rv_config(rec);
		bool repeat = false;
		if (strcmp(o, "skipped") == 0)
			for (unsigned k = 0; k < i && !repeat; k++) {
				const nh_rv_t *prev = nh_results_record(p->r, k);
				nh_num_t prev_config = nh_rv_config(prev);
				repeat = strcmp(nh_str_or(nh_rv_outcome(prev), ""), "skipped") ==
						 0 &&
					 config.present && prev_config.present &&
					 config.v == prev_config.v &&
					 strcmp(nh_str_or(nh_rv_reason(prev), ""), reason) == 0;
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
		text(w, "run %lld (%s %s, rep %lld%s): ", run_number(rec),
		     nh_str_or(nh_rv_workload(rec), "?"),
		     nh_str_or(nh_rv_policy_requested(rec), "?"),
		     (long long)nh_num_or(nh_rv_rep(rec), 0),
		     nh_flag_true(nh_rv_warmup(rec)) ? ", warm-up" : "");
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

/* numastat sums of one configuration per node, nodes in the order the records first name them. */
struct node_sums {
	const char *node;
	double sum[NH_RV_NUMASTAT_FIELDS];
};

static struct node_sums *node_sums_at(struct node_sums **sums, unsigned *n, const char *node)
{
	for (unsigned i = 0; i < *n; i++)
		if (strcmp((*sums)[i].node, node) == 0)
			return &(*sums)[i];
	struct node_sums *grown = realloc(*sums, sizeof *grown * (*n + 1));
	if (!grown)
		return NULL;
	*sums = grown;
	grown[*n] = (struct node_sums){.node = node};
	return &grown[(*n)++];
}

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
		struct node_sums *sums = NULL;
		unsigned nodes = 0, runs = 0;
		for (unsigned r = 0; r < c->c->run_count; r++) {
			const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
			runs += nh_rv_numastat_present(rec, NULL);
			nh_rv_iter_t it = NH_RV_ITER_INIT;
			nh_rv_numastat_node_t v;
			while (nh_rv_numastat_next(rec, &it, &v)) {
				struct node_sums *acc = node_sums_at(&sums, &nodes, v.node);
				if (!acc)
					break; /* out of memory: the table shows what was summed */
				for (unsigned f = 0; f < NH_RV_NUMASTAT_FIELDS; f++)
					if (v.field[f].present && isfinite(v.field[f].v))
						acc->sum[f] += v.field[f].v;
			}
		}
		if (!runs) {
			free(sums);
			continue;
		}
		any = true;
		double tot[NH_RV_NUMASTAT_FIELDS] = {0};
		for (unsigned i = 0; i < nodes; i++) {
			const struct node_sums *acc = &sums[i];
			char a[32];
			cell(w, "%s", c->name);
			cell(w, "%s", acc->node);
			for (unsigned f = 0; f < NH_RV_NUMASTAT_FIELDS; f++) {
				tot[f] += acc->sum[f];
				cell(w, "%.0f", acc->sum[f]);
			}
			double hit = acc->sum[0], miss = acc->sum[1];
			cell(w, "%s", pct(a, sizeof a, hit + miss > 0 ? miss / (hit + miss) : NAN));
		}
		if (nodes > 1) {
			char a[32];
			cell(w, "%s", c->name);
			cell(w, "all");
			for (unsigned f = 0; f < NH_RV_NUMASTAT_FIELDS; f++)
				cell(w, "%.0f", tot[f]);
			cell(w, "%s",
			     pct(a, sizeof a,
				 tot[0] + tot[1] > 0 ? tot[1] / (tot[0] + tot[1]) : NAN));
		}
		free(sums);
	}
	table_end(w);
	if (!any) {
		p_begin(w);
		text(w, "No run recorded numastat deltas.");
		p_end(w);
	}
}

/* A list of strings in first-seen order, each once (borrowed from the records). */
struct strlist {
	const char **items;
	unsigned n;
};

static int strlist_find(const struct strlist *l, const char *s)
{
	for (unsigned i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return (int)i;
	return -1;
}

/* The index of \p s, added when new; -1 when out of memory. */
static int strlist_add(struct strlist *l, const char *s)
{
	int i = strlist_find(l, s);
	if (i >= 0)
		return i;
	const char **grown = realloc(l->items, sizeof *grown * (l->n + 1));
	if (!grown)
		return -1;
	l->items = grown;
	l->items[l->n] = s;
	return (int)l->n++;
}

/* Counters not counted: each name once, with its distinct reasons; and each name's event. */
struct counter_notes {
	struct strlist names;	 /* that were not counted somewhere */
	struct strlist *reasons; /* per name */
	struct {
		const char *name, *event;
	} *ev;
	unsigned nev;
};

static void counter_not_counted(struct counter_notes *cn, const char *name, const char *why)
{
	unsigned before = cn->names.n;
	int i = strlist_add(&cn->names, name);
	if (i < 0)
		return;
	if (cn->names.n > before) {
		struct strlist *grown = realloc(cn->reasons, sizeof *grown * cn->names.n);
		if (!grown) {
			cn->names.n--;
			return;
		}
		cn->reasons = grown;
		cn->reasons[i] = (struct strlist){0};
	}
	strlist_add(&cn->reasons[i], why);
}

static const char *counter_event_of(const struct counter_notes *cn, const char *name)
{
	for (unsigned i = 0; i < cn->nev; i++)
		if (strcmp(cn->ev[i].name, name) == 0)
			return cn->ev[i].event;
	return NULL;
}

/* The first event a counter was recorded with. */
static void counter_event(struct counter_notes *cn, const char *name, const char *event)
{
	if (counter_event_of(cn, name))
		return;
	void *grown = realloc(cn->ev, sizeof *cn->ev * (cn->nev + 1));
	if (!grown)
		return;
	cn->ev = grown;
	cn->ev[cn->nev].name = name;
	cn->ev[cn->nev++].event = event;
}

static void counter_notes_free(struct counter_notes *cn)
{
	for (unsigned i = 0; i < cn->names.n; i++)
		free(cn->reasons[i].items);
	free(cn->reasons);
	free(cn->names.items);
	free(cn->ev);
}

static void section_counters(struct w *w, struct rep *p)
{
	heading(w, 2, "counters", "Hardware counters");
	/* Available counters: median per configuration. Unavailable ones: each name once with its
	 * reason(s) — the same reason repeats in every run. */
	struct counter_notes cn = {0};
	bool table = false;
	double *vals = NULL;
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		free(vals);
		vals = calloc(c->c->run_count ? c->c->run_count : 1, sizeof *vals);
		if (!vals)
			break;
		struct strlist names = {0}; /* counted in some run of this configuration */
		for (unsigned r = 0; r < c->c->run_count; r++) {
			const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
			nh_str_t layer = nh_rv_counters_unavailable(rec);
			if (layer.present) {
				/* the whole layer: counters=none, or no perf at all */
				counter_not_counted(&cn, "(all counters)", layer.s);
				continue;
			}
			nh_rv_iter_t it = NH_RV_ITER_INIT;
			nh_rv_counter_t v;
			while (nh_rv_counter_next(rec, &it, &v)) {
				if (v.event.present)
					counter_event(&cn, v.name, v.event.s);
				if (v.unavailable.present) {
					counter_not_counted(&cn, v.name, v.unavailable.s);
					continue;
				}
				if (v.value.present)
					strlist_add(&names, v.name);
			}
		}
		for (unsigned i = 0; i < names.n; i++) {
			const char *name = names.items[i];
			unsigned m = 0;
			bool mux = false;
			const char *unit = NULL;
			for (unsigned r = 0; r < c->c->run_count; r++) {
				const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
				nh_rv_counter_t v = nh_rv_counter(rec, name);
				if (strcmp(nh_str_or(nh_rv_outcome(rec), ""), "ok") != 0 ||
				    !v.value.present)
					continue;
				vals[m++] = v.value.v;
				mux |= v.multiplexed;
				unit = unit ? unit : nh_str_or(v.unit, NULL);
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
			const char *ev = counter_event_of(&cn, name);
			cell(w, "%s", c->name);
			cell_open(w, NULL);
			code(w, "%s", name);
			if (unit)
				text(w, " (%s)", unit);
			if (mux)
				text(w, " (multiplexed: scaled estimate)");
			cell_close(w);
			cell(w, "%s", ev ? ev : "");
			cell(w, "%s", num(a, sizeof a, s.median));
			cell(w, "%s", num(b, sizeof b, s.min));
			cell(w, "%s", num(d, sizeof d, s.max));
			cell(w, "%u", s.n);
		}
		free(names.items);
	}
	free(vals);
	if (table)
		table_end(w);
	if (cn.names.n) {
		p_begin(w);
		text(w, table ? "Not counted:" : "No counter could be counted:");
		p_end(w);
		ul_begin(w);
		for (unsigned i = 0; i < cn.names.n; i++) {
			const char *name = cn.names.items[i];
			li_begin(w);
			code(w, "%s", name);
			const char *ev = counter_event_of(&cn, name);
			if (ev) {
				text(w, " (");
				code(w, "%s", ev);
				text(w, ")");
			}
			text(w, ": ");
			for (unsigned k = 0; k < cn.reasons[i].n; k++)
				text(w, "%s%s", k ? "; " : "", cn.reasons[i].items[k]);
			li_end(w);
		}
		ul_end(w);
	} else if (!table) {
		p_begin(w);
		text(w, "No run recorded counters.");
		p_end(w);
	}
	counter_notes_free(&cn);
}

/* Largest value of a layer's figure over a configuration's runs; NAN when none has it. */
static double max_over(const struct rep *p, const struct cfg *c,
		       nh_num_t (*figure)(const nh_rv_t *))
{
	double m = NAN;
	for (unsigned r = 0; r < c->c->run_count; r++) {
		double v = num_or_nan(figure(nh_results_config_run(p->r, c->c, r)));
		if (isfinite(v) && (isnan(m) || v > m))
			m = v;
	}
	return m;
}

static nh_num_t vm_hwm(const nh_rv_t *rec) { return nh_rv_memory(rec).vm_hwm_bytes; }
static nh_num_t anon_huge(const nh_rv_t *rec) { return nh_rv_memory(rec).anon_huge_pages_bytes; }
static nh_num_t cg_current(const nh_rv_t *rec) { return nh_rv_cgroup(rec).memory_current; }
static nh_num_t cg_file(const nh_rv_t *rec) { return nh_rv_cgroup(rec).stat_file; }
static nh_num_t cg_cache(const nh_rv_t *rec) { return nh_rv_cgroup(rec).stat_cache; }
static nh_num_t series_samples(const nh_rv_t *rec) { return nh_rv_series(rec).samples; }

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
	struct strlist cg_reasons = {0};
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		char a[32], b[32], d[32], e[32];
		double file = max_over(p, c, cg_file);
		if (isnan(file))
			file = max_over(p, c, cg_cache);
		double samples = max_over(p, c, series_samples);
		cell(w, "%s", c->name);
		cell(w, "%s", bytes(a, sizeof a, max_over(p, c, vm_hwm)));
		cell(w, "%s", bytes(b, sizeof b, max_over(p, c, anon_huge)));
		cell(w, "%s", bytes(d, sizeof d, max_over(p, c, cg_current)));
		cell(w, "%s", bytes(e, sizeof e, file));
		if (isfinite(samples))
			cell(w, "%.0f", samples);
		else
			cell(w, "–");
		for (unsigned r = 0; r < c->c->run_count; r++) {
			const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
			nh_str_t why = nh_rv_cgroup(rec).unavailable;
			if (why.present)
				strlist_add(&cg_reasons, why.s);
		}
	}
	table_end(w);
	for (unsigned i = 0; i < cg_reasons.n; i++) {
		p_begin(w);
		text(w, "cgroup memory unavailable: %s", cg_reasons.items[i]);
		p_end(w);
	}
	free(cg_reasons.items);
}

/* Say why an optional document is not there: \p absent when there is no such file (a results
 * directory need not have one), else where it could not be read. */
static void doc_missing(struct w *w, const char *name, const char *absent,
			const nh_results_doc_error_t *why)
{
	p_begin(w);
	if (why->absent)
		text(w, "%s", absent);
	else
		text(w, "%s could not be read: line %d: %s", name, why->line, why->text);
	p_end(w);
}

static void section_expectations(struct w *w, struct rep *p)
{
	heading(w, 2, "expectations", "Expectations");
	nh_results_doc_error_t why;
	nh_checks_view_t *doc = nh_results_checks_load(p->r, &why);
	if (!doc) {
		doc_missing(w, "checks.json",
			    "No expectations (no checks.json in the results directory).", &why);
		return;
	}
	unsigned pass = 0, fail = 0, ne = 0, n = nh_checks_view_count(doc);
	for (unsigned i = 0; i < n; i++) {
		const char *st = nh_str_or(nh_checks_view_at(doc, i).status, "");
		pass += strcmp(st, "pass") == 0;
		fail += strcmp(st, "fail") == 0;
		ne += strcmp(st, "not-evaluated") == 0;
	}
	p_begin(w);
	text(w, "%u passed, %u failed, %u not evaluated.", pass, fail, ne);
	p_end(w);
	if (n) {
		table_begin(w, "llll", "status", "check", "detail", "source", NULL);
		for (unsigned i = 0; i < n; i++) {
			nh_check_view_t k = nh_checks_view_at(doc, i);
			const char *st = nh_str_or(k.status, "?");
			bool gate = nh_flag_true(k.fails_gate) || strcmp(st, "fail") == 0;
			cell_status(w, st, gate);
			cell(w, "%s", nh_str_or(k.name, ""));
			cell(w, "%s", nh_str_or(k.detail, ""));
			cell(w, "%s", nh_str_or(k.source, ""));
		}
		table_end(w);
	}
	nh_checks_view_free(doc);
}

static void section_compare(struct w *w, struct rep *p)
{
	heading(w, 2, "comparison", "Comparison with a baseline");
	nh_results_doc_error_t why;
	nh_cmp_view_t *doc = nh_results_comparison_load(p->r, &why);
	if (!doc) {
		char absent[PATH_MAX + 80];
		snprintf(absent, sizeof absent,
			 "No comparison (no compare.json; numaharness compare BASELINE %s writes "
			 "one).",
			 nh_results_dir(p->r));
		doc_missing(w, "compare.json", absent, &why);
		return;
	}
	p_begin(w);
	text(w, "Baseline ");
	code(w, "%s", nh_str_or(nh_cmp_view_baseline(doc), "?"));
	text(w, ", candidate ");
	code(w, "%s", nh_str_or(nh_cmp_view_candidate(doc), "?"));
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	const char *verdict;
	long long count;
	for (bool first = true; nh_cmp_view_summary_next(doc, &it, &verdict, &count);
	     first = false) {
		if (first)
			text(w, ":");
		text(w, "%s %lld %s", first ? "" : ",", count, verdict);
	}
	text(w, ".");
	const char *rule = nh_str_or(nh_cmp_view_rule(doc), NULL);
	if (rule)
		text(w, " A change is %s.", rule);
	p_end(w);
	unsigned nrows = nh_cmp_view_row_count(doc);
	if (nrows) {
		table_begin(w, "llrrrrrl", "configuration", "metric", "baseline", "candidate",
			    "change", "interval", "p (Mann-Whitney)", "verdict", NULL);
		for (unsigned i = 0; i < nrows; i++) {
			nh_cmp_row_view_t r = nh_cmp_view_row(doc, i);
			char a[32], b[32], d[32];
			const char *unit = nh_str_or(r.unit, "");
			double ch = num_or_nan(r.change_pct);
			double lo = num_or_nan(r.interval_lo_pct);
			double hi = num_or_nan(r.interval_hi_pct);
			const char *row_verdict = nh_str_or(r.verdict, "?");
			cell(w, "%s", nh_str_or(r.label, nh_str_or(r.key, "?")));
			cell_open(w, NULL);
			code(w, "%s", nh_str_or(r.metric, "?"));
			if (unit[0])
				text(w, " (%s)", unit);
			cell_close(w);
			cell(w, "%s", num(a, sizeof a, num_or_nan(r.base_median)));
			cell(w, "%s", num(b, sizeof b, num_or_nan(r.cand_median)));
			if (isfinite(ch))
				cell(w, "%+.1f%%", ch);
			else
				cell(w, "–");
			if (isfinite(lo) && isfinite(hi))
				cell(w, "%+.1f%% .. %+.1f%%", lo, hi);
			else
				cell(w, "–");
			double pmw = num_or_nan(r.p_mann_whitney);
			cell(w, "%s",
			     isfinite(pmw) ? (snprintf(d, sizeof d, "%.3g", pmw), d) : "–");
			cell_status(w, row_verdict, strcmp(row_verdict, "regression") == 0);
		}
		table_end(w);
	}
	for (int side = 0; side < 2; side++) {
		unsigned n = nh_cmp_view_only_count(doc, side);
		if (!n)
			continue;
		p_begin(w);
		text(w, "Only in the %s:", side ? "candidate" : "baseline");
		for (unsigned i = 0; i < n; i++) {
			nh_cmp_only_view_t o = nh_cmp_view_only(doc, side, i);
			text(w, i ? ", " : " ");
			code(w, "%s", nh_str_or(o.label, nh_str_or(o.key, "?")));
		}
		text(w, ".");
		p_end(w);
	}
	unsigned nnotes = nh_cmp_view_note_count(doc);
	if (nnotes) {
		ul_begin(w);
		for (unsigned i = 0; i < nnotes; i++) {
			li_begin(w);
			text(w, "Note: %s", nh_str_or(nh_cmp_view_note(doc, i), ""));
			li_end(w);
		}
		ul_end(w);
	}
	nh_cmp_view_free(doc);
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
	const char *scenario = nh_str_or(nh_mv_scenario_name(p->manifest), nh_results_dir(p->r));
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
