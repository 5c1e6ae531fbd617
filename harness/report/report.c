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
#include "report_forecast.h"
#include "report_scenario.h"
#include "report_writer.h"
#include "stats.h"

/* Lists of single runs (failures, reasons) stop here: the records have the rest. */
enum { MAX_LISTED = 50 };

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

static void section_title(struct rw *w, struct rep *p)
{
	const nh_mv_t *m = p->manifest;
	const char *scenario = nh_str_or(nh_mv_scenario_name(m), NULL);
	rw_heading(w, 1, NULL, "numaharness report: %s", scenario ? scenario : nh_results_dir(p->r));
	rw_ul_begin(w);
	rw_li_begin(w);
	rw_text(w, "Results: ");
	rw_code(w, "%s", nh_results_dir(p->r));
	rw_li_end(w);
	if (!m) {
		rw_li_begin(w);
		rw_text(w, "No manifest.json: the host, topology and command are unknown.");
		rw_li_end(w);
	} else {
		const char *cmd = nh_str_or(nh_mv_command(m), NULL);
		if (cmd) {
			rw_li_begin(w);
			rw_text(w, "Command: ");
			rw_code(w, "numaharness %s", cmd);
			rw_li_end(w);
		}
		const char *path = nh_str_or(nh_mv_scenario_path(m), NULL);
		if (path) {
			rw_li_begin(w);
			rw_text(w, "Scenario: ");
			rw_code(w, "%s", path);
			const char *sha = nh_str_or(nh_mv_scenario_sha256(m), NULL);
			if (sha)
				rw_text(w, " (SHA-256 %.16s…)", sha);
			rw_li_end(w);
		}
		rw_li_begin(w);
		rw_text(w, "Started %s, finished %s; status %s; numaharness %s",
		     nh_str_or(nh_mv_started_at(m), "?"), nh_str_or(nh_mv_finished_at(m), "—"),
		     nh_str_or(nh_mv_status(m), "?"), nh_str_or(nh_mv_tool_version(m), "?"));
		rw_li_end(w);
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
	rw_li_begin(w);
	rw_text(w, "%u run%s in %u configuration%s", total - warm, total - warm == 1 ? "" : "s", p->nc,
	     p->nc == 1 ? "" : "s");
	if (warm)
		rw_text(w, " (and %u warm-up runs, not counted)", warm);
	rw_text(w, ": ");
	bool first = true;
	for (unsigned i = 0; i < NH_ARRAY_LEN(OUTCOMES); i++)
		if (counts[i]) {
			rw_text(w, "%s%u %s", first ? "" : ", ", counts[i], OUTCOMES[i]);
			first = false;
		}
	if (first)
		rw_text(w, "none");
	rw_li_end(w);
	if (nh_results_warning(p->r)) { /* what the reader skipped belongs beside what it read */
		rw_li_begin(w);
		rw_text(w, "%s", nh_results_warning(p->r));
		rw_li_end(w);
	}
	rw_ul_end(w);
}

/* What the scenario was asked (manifest scenario.parameters, from its param() lines): a
 * reader of the verdicts needs the values the checks were run against, and which the
 * operator gave with --set rather than the scenario's defaults. */
static void section_parameters(struct rw *w, struct rep *p)
{
	if (nh_mv_param_count(p->manifest) == 0)
		return;
	rw_p_begin(w);
	rw_text(w, "Scenario parameters (");
	rw_code(w, "run --set NAME=VALUE");
	rw_text(w, " changes them; their help texts are in the scenario and in manifest.json):");
	rw_p_end(w);
	rw_table_begin(w, "llll", "parameter", "value", "default", "--set", NULL);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_mv_param_t v;
	while (nh_mv_param_next(p->manifest, &it, &v)) {
		rw_cell_code(w, v.name);
		rw_cell_code(w, v.value);
		rw_cell_code(w, v.dflt);
		rw_cell(w, "%s", nh_flag_true(v.set) ? "yes" : "no");
	}
	rw_table_end(w);
}

static void kv_row(struct rw *w, const char *k, const char *v)
{
	rw_cell(w, "%s", k);
	rw_cell(w, "%s", v);
}

/* A firmware fact, or "unknown (why)". */
static const char *fact_or_why(nh_str_t f, char *buf, size_t len)
{
	if (f.present)
		return f.s;
	nh_format_cut(buf, len, "unknown (%s)", f.why ? f.why : "not recorded");
	return buf;
}

/* Append to a display line; a cut ends it in "..." and later appends add nothing. */
static void append_cut(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append_cut(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	if (used + 1 >= len)
		return;
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Who the host is (manifest host.id, labels, engine, firmware): what a fleet names and groups
 * it by. Results written before the harness recorded it have none of these rows. */
static void identity_rows(struct rw *w, const nh_mv_t *m)
{
	nh_mv_identity_t id = nh_mv_identity(m);
	if (!id.id.present && !id.hostname.present)
		return;
	char buf[1024] = "", fact[512];
	nh_format_cut(buf, sizeof buf, "%s (from %s)", nh_str_or(id.id, "?"), nh_str_or(id.id_source, "?"));
	kv_row(w, "host id", buf);
	kv_row(w, "hostname", nh_str_or(id.hostname, "?"));
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	const char *name, *value;
	buf[0] = '\0';
	while (nh_mv_label_next(m, &it, &name, &value))
		append_cut(buf, sizeof buf, "%s%s=%s", buf[0] ? ", " : "", name, value);
	kv_row(w, "labels", buf[0] ? buf : "none");
	/* The engine that started it: Ansible's inventory name, the Slurm job, the Kubernetes node. */
	buf[0] = '\0';
	it = NH_RV_ITER_INIT;
	while (nh_mv_engine_next(m, &it, &name)) {
		const char *sep = buf[0] ? "; " : "";
		if (strcmp(name, "ansible") == 0)
			append_cut(buf, sizeof buf, "%sAnsible host %s", sep,
				   nh_str_or(nh_mv_engine(m, "ansible", "host"), "?"));
		else if (strcmp(name, "slurm") == 0) {
			nh_str_t part = nh_mv_engine(m, "slurm", "partition");
			append_cut(buf, sizeof buf, "%sSlurm job %s on node %s%s%s", sep,
				   nh_str_or(nh_mv_engine(m, "slurm", "job_id"), "?"),
				   nh_str_or(nh_mv_engine(m, "slurm", "node"), "?"),
				   part.present ? ", partition " : "", nh_str_or(part, ""));
		}
		else if (strcmp(name, "kubernetes") == 0)
			append_cut(buf, sizeof buf, "%sKubernetes node %s", sep,
				   nh_str_or(nh_mv_engine(m, "kubernetes", "node"), "? (no NODE_NAME in the pod)"));
		else
			append_cut(buf, sizeof buf, "%s%s", sep, name);
	}
	kv_row(w, "started by", buf[0] ? buf : "no engine found (by hand)");
	if (id.bios_version.present)
		nh_format_cut(buf, sizeof buf, "%s %s, %s", nh_str_or(id.bios_vendor, "?"), id.bios_version.s,
			      nh_str_or(id.bios_date, "date unknown"));
	else
		fact_or_why(id.bios_version, buf, sizeof buf);
	kv_row(w, "BIOS", buf);
	kv_row(w, "product", fact_or_why(id.product_name, fact, sizeof fact));
	if (id.board_name.present)
		nh_format_cut(buf, sizeof buf, "%s %s", nh_str_or(id.board_vendor, "?"), id.board_name.s);
	else
		fact_or_why(id.board_name, buf, sizeof buf);
	kv_row(w, "board", buf);
}

static void section_host(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "host", "Host");
	nh_mv_host_t h = nh_mv_host(p->manifest);
	if (!h.present) {
		rw_p_begin(w);
		rw_text(w, "The manifest has no host fingerprint.");
		rw_p_end(w);
		return;
	}
	char buf[64];
	rw_table_begin(w, "ll", "fact", "value", NULL);
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
	identity_rows(w, p->manifest);
	rw_table_end(w);
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

static void section_topology(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "topology", "Topology");
	const nh_mv_t *m = p->manifest;
	unsigned nn = nh_mv_node_count(m);
	if (!nn) {
		rw_p_begin(w);
		rw_text(w, "The manifest has no topology.");
		rw_p_end(w);
		return;
	}
	rw_table_begin(w, "rlrr", "node", "CPUs", "memory", "free at start", NULL);
	for (unsigned i = 0; i < nn; i++) {
		nh_mv_node_t n = nh_mv_node(m, i);
		char cpus[256], mem[32], fr[32];
		cpu_list(&n.cpus, cpus, sizeof cpus);
		rw_cell(w, "%lld", (long long)nh_num_or(n.id, 0));
		rw_cell(w, "%s", cpus);
		rw_cell(w, "%s", rw_bytes(mem, sizeof mem, num_or_nan(n.mem_total_bytes)));
		rw_cell(w, "%s", rw_bytes(fr, sizeof fr, num_or_nan(n.mem_free_bytes)));
	}
	rw_table_end(w);

	unsigned ncache = nh_mv_cache_count(m);
	if (ncache) {
		rw_p_begin(w);
		rw_text(w, "Caches: ");
		for (unsigned i = 0; i < ncache; i++) {
			nh_mv_cache_t c = nh_mv_cache(m, i);
			char sz[32];
			const char *type = nh_str_or(c.type, "");
			rw_text(w, "%sL%lld%s %s × %lld", i ? ", " : "", (long long)nh_num_or(c.level, 0),
			     strcmp(type, "data") == 0          ? "d"
			     : strcmp(type, "instruction") == 0 ? "i"
								: "",
			     rw_bytes(sz, sizeof sz, num_or_nan(c.size_bytes)),
			     (long long)nh_num_or(c.count, 0));
		}
		rw_text(w, ".");
		rw_p_end(w);
	}

	/* The distance matrix as numactl --hardware prints it. */
	if (nh_mv_distance_rows(m) == nn) {
		rw_p_begin(w);
		rw_text(w, "Distances (SLIT; 10 = local):");
		rw_p_end(w);
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
			rw_cell(w, "%lld", node_id(m, i));
			for (unsigned k = 0; k < nn; k++) {
				nh_num_t d = nh_mv_distance(m, i, k);
				if (d.present)
					rw_cell(w, "%lld", (long long)d.v);
				else
					rw_cell(w, "–");
			}
		}
		rw_table_end(w);
		free(align);
		w->align = "";
	}
}

/* Per workload: an overview of the headline metric, then every metric of each configuration. */
static void section_results(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "results", "Results per workload and policy");
	rw_p_begin(w);
	rw_text(w, "Over the ok runs of each configuration (warm-ups left out): median, min, max, "
		"coefficient of "
		"variation (sample standard deviation / mean) and n.");
	rw_p_end(w);
	if (!p->nc) {
		rw_p_begin(w);
		rw_text(w, "No counted runs.");
		rw_p_end(w);
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
		rw_heading(w, 3, NULL, "%s", wl);
		if (common[0]) {
			rw_p_begin(w);
			rw_text(w, "Every configuration: ");
			rw_code(w, "%s", common);
			rw_text(w, " (parameters not listed are at their defaults).");
			rw_p_end(w);
		}
		const char *head = nh_charts_headline_metric(wl);
		if (head && n > 1) {
			rw_table_begin(w, "lrrrrrl", "configuration", "ok / runs", head, "min", "max",
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
				rw_cell_code(w, c->label);
				rw_cell(w, "%u / %u", c->c->ok_count, c->c->run_count);
				rw_cell(w, "%s", ok ? rw_num(a, sizeof a, s.median) : "–");
				rw_cell(w, "%s", ok ? rw_num(b, sizeof b, s.min) : "–");
				rw_cell(w, "%s", ok ? rw_num(d, sizeof d, s.max) : "–");
				rw_cell(w, "%s", ok ? rw_pct(e, sizeof e, s.cv) : "–");
				rw_cell(w, "%s", unit ? unit : "");
			}
			rw_table_end(w);
		}
		for (unsigned k = i; k < p->nc; k++) {
			const struct cfg *c = &p->cfgs[k];
			if (strcmp(c->c->workload, wl) != 0)
				continue;
			done[k] = true;
			rw_heading(w, 4, NULL, "%s %s", wl, c->label);
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
				rw_p_begin(w);
				rw_text(w, "No ok run of %u", c->c->run_count);
				if (reason[0])
					rw_text(w, " — %s: %s", outcome, reason);
				rw_text(w, ".");
				rw_p_end(w);
				continue;
			}
			rw_table_begin(w, "lllrrrrr", "metric", "unit", "better", "median", "min",
				    "max", "CV", "n", NULL);
			for (unsigned mi = 0; mi < nm; mi++) {
				const char *unit = NULL;
				int better = 0;
				unsigned m = nh_results_values(p->r, c->c, names[mi], vals, cap,
							       &unit, &better);
				nh_summary_t s = {0};
				bool ok = m && nh_stats_summary(vals, m, &s, NULL) == 0;
				char a[32], b[32], d[32], e[32];
				rw_cell_code(w, names[mi]);
				rw_cell(w, "%s", unit ? unit : "");
				rw_cell(w, "%s", better > 0 ? "higher" : better < 0 ? "lower" : "");
				rw_cell(w, "%s", ok ? rw_num(a, sizeof a, s.median) : "–");
				rw_cell(w, "%s", ok ? rw_num(b, sizeof b, s.min) : "–");
				rw_cell(w, "%s", ok ? rw_num(d, sizeof d, s.max) : "–");
				rw_cell(w, "%s", ok ? rw_pct(e, sizeof e, s.cv) : "–");
				rw_cell(w, "%u", ok ? s.n : 0);
			}
			rw_table_end(w);
		}
	}
out:
	free(done);
	free(same);
	free(labels);
	free(vals);
}

static void section_placement(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "placement", "Placement");
	rw_p_begin(w);
	rw_text(w, "Where the pages of each run's buffers were (move_pages) against where the policy "
		"says they "
		"belong: ok, fallback (a preferred or local policy spilled), violated (a strict "
		"policy with pages "
		"elsewhere), unbalanced (interleave shares off), not-checked (the run did not get "
		"that far).");
	rw_p_end(w);
	rw_table_begin(w, "llrrrrrrr", "configuration", "expected nodes", "ok", "fallback", "violated",
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
		rw_cell(w, "%s", c->name);
		rw_cell(w, "%s", expected);
		for (unsigned i = 0; i < NH_ARRAY_LEN(VERDICTS); i++) {
			bool bad = counts[i] && (i == 2 || i == 3);
			char n[16];
			snprintf(n, sizeof n, "%u", counts[i]);
			if (bad)
				rw_cell_status(w, n, true);
			else
				rw_cell(w, "%s", n);
		}
		rw_cell(w, "%s", rw_pct(a, sizeof a, med));
		rw_cell(w, "%s", rw_pct(b, sizeof b, lo));
	}
	rw_table_end(w);
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
				rw_p_begin(w);
				rw_text(w, "Verdicts other than ok (the first run of each "
					"configuration):");
				rw_p_end(w);
				rw_ul_begin(w);
				any = true;
			}
			rw_li_begin(w);
			rw_code(w, "%s", c->name);
			rw_text(w, " run %lld: %s — %s", run_number(rec), v,
			     nh_str_or(obs.verdict_reason, ""));
			rw_li_end(w);
			listed++;
			break;
		}
	}
	if (any)
		rw_ul_end(w);
}

static void section_outcomes(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "outcomes", "Outcomes");
	rw_table_begin(w, "lrrrrrr", "configuration", "ok", "failed", "timeout", "crashed",
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
		rw_cell(w, "%s", c->name);
		for (unsigned i = 0; i < NH_ARRAY_LEN(OUTCOMES); i++) {
			char n[16];
			snprintf(n, sizeof n, "%u", counts[i]);
			if (counts[i] && i > 0 && i < 5)
				rw_cell_status(w, n, true);
			else
				rw_cell(w, "%s", n);
		}
	}
	rw_table_end(w);
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
			rw_p_begin(w);
			rw_text(w, "Runs that did not end ok:");
			rw_p_end(w);
			rw_ul_begin(w);
			any = true;
		}
		if (listed == MAX_LISTED) {
			rw_li_begin(w);
			rw_text(w, "… and more: see runs.jsonl.");
			rw_li_end(w);
			break;
		}
		rw_li_begin(w);
		rw_text(w, "run %lld (%s %s, rep %lld%s): ", run_number(rec),
		     nh_str_or(nh_rv_workload(rec), "?"),
		     nh_str_or(nh_rv_policy_requested(rec), "?"),
		     (long long)nh_num_or(nh_rv_rep(rec), 0),
		     nh_flag_true(nh_rv_warmup(rec)) ? ", warm-up" : "");
		rw_text(w, "%s%s%s", o, reason[0] ? " — " : "", reason);
		rw_li_end(w);
		listed++;
	}
	if (any)
		rw_ul_end(w);
	else {
		rw_p_begin(w);
		rw_text(w, "Every run ended ok.");
		rw_p_end(w);
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

static void section_numastat(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "numastat", "Kernel NUMA counters");
	rw_p_begin(w);
	rw_text(w, "numastat deltas around each run (pages; system-wide, so other activity on the "
		"host counts too), "
		"summed over the counted runs of each configuration. The numa_miss ratio is "
		"numa_miss / "
		"(numa_hit + numa_miss).");
	rw_p_end(w);
	rw_table_begin(w, "lrrrrrrrr", "configuration", "node", "numa_hit", "numa_miss",
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
			rw_cell(w, "%s", c->name);
			rw_cell(w, "%s", acc->node);
			for (unsigned f = 0; f < NH_RV_NUMASTAT_FIELDS; f++) {
				tot[f] += acc->sum[f];
				rw_cell(w, "%.0f", acc->sum[f]);
			}
			double hit = acc->sum[0], miss = acc->sum[1];
			rw_cell(w, "%s", rw_pct(a, sizeof a, hit + miss > 0 ? miss / (hit + miss) : NAN));
		}
		if (nodes > 1) {
			char a[32];
			rw_cell(w, "%s", c->name);
			rw_cell(w, "all");
			for (unsigned f = 0; f < NH_RV_NUMASTAT_FIELDS; f++)
				rw_cell(w, "%.0f", tot[f]);
			rw_cell(w, "%s",
			     rw_pct(a, sizeof a,
				 tot[0] + tot[1] > 0 ? tot[1] / (tot[0] + tot[1]) : NAN));
		}
		free(sums);
	}
	rw_table_end(w);
	if (!any) {
		rw_p_begin(w);
		rw_text(w, "No run recorded numastat deltas.");
		rw_p_end(w);
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

static void section_counters(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "counters", "Hardware counters");
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
				rw_table_begin(w, "lllrrrr", "configuration", "counter", "event",
					    "median", "min", "max", "n", NULL);
				table = true;
			}
			char a[32], b[32], d[32];
			const char *ev = counter_event_of(&cn, name);
			rw_cell(w, "%s", c->name);
			rw_cell_open(w, NULL);
			rw_code(w, "%s", name);
			if (unit)
				rw_text(w, " (%s)", unit);
			if (mux)
				rw_text(w, " (multiplexed: scaled estimate)");
			rw_cell_close(w);
			rw_cell(w, "%s", ev ? ev : "");
			rw_cell(w, "%s", rw_num(a, sizeof a, s.median));
			rw_cell(w, "%s", rw_num(b, sizeof b, s.min));
			rw_cell(w, "%s", rw_num(d, sizeof d, s.max));
			rw_cell(w, "%u", s.n);
		}
		free(names.items);
	}
	free(vals);
	if (table)
		rw_table_end(w);
	if (cn.names.n) {
		rw_p_begin(w);
		rw_text(w, table ? "Not counted:" : "No counter could be counted:");
		rw_p_end(w);
		rw_ul_begin(w);
		for (unsigned i = 0; i < cn.names.n; i++) {
			const char *name = cn.names.items[i];
			rw_li_begin(w);
			rw_code(w, "%s", name);
			const char *ev = counter_event_of(&cn, name);
			if (ev) {
				rw_text(w, " (");
				rw_code(w, "%s", ev);
				rw_text(w, ")");
			}
			rw_text(w, ": ");
			for (unsigned k = 0; k < cn.reasons[i].n; k++)
				rw_text(w, "%s%s", k ? "; " : "", cn.reasons[i].items[k]);
			rw_li_end(w);
		}
		rw_ul_end(w);
	} else if (!table) {
		rw_p_begin(w);
		rw_text(w, "No run recorded counters.");
		rw_p_end(w);
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
static nh_num_t run_cg_peak(const nh_rv_t *rec)
{
	nh_rv_run_cgroup_t c;
	return nh_rv_run_cgroup(rec, &c) ? c.memory_peak : (nh_num_t){.why = c.why};
}
static nh_num_t run_cg_limit(const nh_rv_t *rec)
{
	nh_rv_run_cgroup_t c;
	return nh_rv_run_cgroup(rec, &c) ? c.memory_max : (nh_num_t){.why = c.why};
}

static void section_memory(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "memory", "Memory layers");
	rw_p_begin(w);
	rw_text(w, "Largest value over the counted runs of each configuration, at the end of the "
		"timed phase: the "
		"worker's peak RSS (VmHWM), its transparent huge pages (AnonHugePages), and its "
		"cgroup's memory "
		"(memory.current, or usage_in_bytes on cgroup v1) and page cache (file, or cache "
		"on v1); over the whole run, the peak of the run's own cgroup (memory.peak, or "
		"max_usage_in_bytes) and its limit (memory_limit).");
	rw_p_end(w);
	rw_table_begin(w, "lrrrrrrr", "configuration", "peak RSS (VmHWM)", "AnonHugePages",
		    "cgroup memory", "cgroup page cache", "run cgroup peak", "run cgroup limit",
		    "series samples", NULL);
	struct strlist cg_reasons = {0}, run_cg_reasons = {0};
	for (unsigned k = 0; k < p->nc; k++) {
		const struct cfg *c = &p->cfgs[k];
		char a[32], b[32], d[32], e[32], f[32], g[32];
		double file = max_over(p, c, cg_file);
		if (isnan(file))
			file = max_over(p, c, cg_cache);
		double samples = max_over(p, c, series_samples);
		rw_cell(w, "%s", c->name);
		rw_cell(w, "%s", rw_bytes(a, sizeof a, max_over(p, c, vm_hwm)));
		rw_cell(w, "%s", rw_bytes(b, sizeof b, max_over(p, c, anon_huge)));
		rw_cell(w, "%s", rw_bytes(d, sizeof d, max_over(p, c, cg_current)));
		rw_cell(w, "%s", rw_bytes(e, sizeof e, file));
		rw_cell(w, "%s", rw_bytes(f, sizeof f, max_over(p, c, run_cg_peak)));
		rw_cell(w, "%s", rw_bytes(g, sizeof g, max_over(p, c, run_cg_limit)));
		if (isfinite(samples))
			rw_cell(w, "%.0f", samples);
		else
			rw_cell(w, "–");
		for (unsigned r = 0; r < c->c->run_count; r++) {
			const nh_rv_t *rec = nh_results_config_run(p->r, c->c, r);
			nh_str_t why = nh_rv_cgroup(rec).unavailable;
			if (why.present)
				strlist_add(&cg_reasons, why.s);
			nh_rv_run_cgroup_t rc;
			/* results from before per-run cgroups say nothing of them */
			if (!nh_rv_run_cgroup(rec, &rc) && strcmp(rc.why, "run_cgroup: not recorded") != 0)
				strlist_add(&run_cg_reasons, rc.why);
		}
	}
	rw_table_end(w);
	for (unsigned i = 0; i < cg_reasons.n; i++) {
		rw_p_begin(w);
		rw_text(w, "cgroup memory unavailable: %s", cg_reasons.items[i]);
		rw_p_end(w);
	}
	for (unsigned i = 0; i < run_cg_reasons.n; i++) {
		rw_p_begin(w);
		rw_text(w, "no cgroup of the run's own: %s", run_cg_reasons.items[i]);
		rw_p_end(w);
	}
	free(cg_reasons.items);
	free(run_cg_reasons.items);
}

/* Say why an optional document is not there: \p absent when there is no such file (a results
 * directory need not have one), else where it could not be read. */
static void doc_missing(struct rw *w, const char *name, const char *absent,
			const nh_results_doc_error_t *why)
{
	rw_p_begin(w);
	if (why->absent)
		rw_text(w, "%s", absent);
	else
		rw_text(w, "%s could not be read: line %d: %s", name, why->line, why->text);
	rw_p_end(w);
}

static void section_expectations(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "expectations", "Expectations");
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
	rw_p_begin(w);
	rw_text(w, "%u passed, %u failed, %u not evaluated.", pass, fail, ne);
	rw_p_end(w);
	if (n) {
		rw_table_begin(w, "llll", "status", "check", "detail", "source", NULL);
		for (unsigned i = 0; i < n; i++) {
			nh_check_view_t k = nh_checks_view_at(doc, i);
			const char *st = nh_str_or(k.status, "?");
			bool gate = nh_flag_true(k.fails_gate) || strcmp(st, "fail") == 0;
			rw_cell_status(w, st, gate);
			rw_cell(w, "%s", nh_str_or(k.name, ""));
			rw_cell(w, "%s", nh_str_or(k.detail, ""));
			rw_cell(w, "%s", nh_str_or(k.source, ""));
		}
		rw_table_end(w);
	}
	nh_checks_view_free(doc);
}

static void section_compare(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "comparison", "Comparison with a baseline");
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
	rw_p_begin(w);
	rw_text(w, "Baseline ");
	rw_code(w, "%s", nh_str_or(nh_cmp_view_baseline(doc), "?"));
	rw_text(w, ", candidate ");
	rw_code(w, "%s", nh_str_or(nh_cmp_view_candidate(doc), "?"));
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	const char *verdict;
	long long count;
	for (bool first = true; nh_cmp_view_summary_next(doc, &it, &verdict, &count);
	     first = false) {
		if (first)
			rw_text(w, ":");
		rw_text(w, "%s %lld %s", first ? "" : ",", count, verdict);
	}
	rw_text(w, ".");
	const char *rule = nh_str_or(nh_cmp_view_rule(doc), NULL);
	if (rule)
		rw_text(w, " A change is %s.", rule);
	rw_p_end(w);
	unsigned nrows = nh_cmp_view_row_count(doc);
	if (nrows) {
		rw_table_begin(w, "llrrrrrl", "configuration", "metric", "baseline", "candidate",
			    "change", "interval", "p (Mann-Whitney)", "verdict", NULL);
		for (unsigned i = 0; i < nrows; i++) {
			nh_cmp_row_view_t r = nh_cmp_view_row(doc, i);
			char a[32], b[32], d[32];
			const char *unit = nh_str_or(r.unit, "");
			double ch = num_or_nan(r.change_pct);
			double lo = num_or_nan(r.interval_lo_pct);
			double hi = num_or_nan(r.interval_hi_pct);
			const char *row_verdict = nh_str_or(r.verdict, "?");
			rw_cell(w, "%s", nh_str_or(r.label, nh_str_or(r.key, "?")));
			rw_cell_open(w, NULL);
			rw_code(w, "%s", nh_str_or(r.metric, "?"));
			if (unit[0])
				rw_text(w, " (%s)", unit);
			rw_cell_close(w);
			rw_cell(w, "%s", rw_num(a, sizeof a, num_or_nan(r.base_median)));
			rw_cell(w, "%s", rw_num(b, sizeof b, num_or_nan(r.cand_median)));
			if (isfinite(ch))
				rw_cell(w, "%+.1f%%", ch);
			else
				rw_cell(w, "–");
			if (isfinite(lo) && isfinite(hi))
				rw_cell(w, "%+.1f%% .. %+.1f%%", lo, hi);
			else
				rw_cell(w, "–");
			double pmw = num_or_nan(r.p_mann_whitney);
			rw_cell(w, "%s",
			     isfinite(pmw) ? (snprintf(d, sizeof d, "%.3g", pmw), d) : "–");
			rw_cell_status(w, row_verdict, strcmp(row_verdict, "regression") == 0);
		}
		rw_table_end(w);
	}
	for (int side = 0; side < 2; side++) {
		unsigned n = nh_cmp_view_only_count(doc, side);
		if (!n)
			continue;
		rw_p_begin(w);
		rw_text(w, "Only in the %s:", side ? "candidate" : "baseline");
		for (unsigned i = 0; i < n; i++) {
			nh_cmp_only_view_t o = nh_cmp_view_only(doc, side, i);
			rw_text(w, i ? ", " : " ");
			rw_code(w, "%s", nh_str_or(o.label, nh_str_or(o.key, "?")));
		}
		rw_text(w, ".");
		rw_p_end(w);
	}
	unsigned nnotes = nh_cmp_view_note_count(doc);
	if (nnotes) {
		rw_ul_begin(w);
		for (unsigned i = 0; i < nnotes; i++) {
			rw_li_begin(w);
			rw_text(w, "Note: %s", nh_str_or(nh_cmp_view_note(doc, i), ""));
			rw_li_end(w);
		}
		rw_ul_end(w);
	}
	nh_cmp_view_free(doc);
}

/* ---- charts ---- */

static void section_charts(struct rw *w, struct rep *p)
{
	rw_heading(w, 2, "charts", "Charts");
	const nh_charts_t *ch = &p->charts;
	if (p->no_charts) {
		rw_p_begin(w);
		rw_text(w, "Charts were not drawn (--no-charts).");
		rw_p_end(w);
		return;
	}
	if (!p->charts_made) {
		rw_p_begin(w);
		rw_text(w, "Charts could not be written: %s", ch->note);
		rw_p_end(w);
		return;
	}
	unsigned own = 0; /* the scenario's charts are drawn in its own section */
	for (unsigned i = 0; i < ch->count; i++)
		own += !ch->charts[i].scenario_item && strcmp(ch->charts[i].kind, "forecast") != 0;
	if (!own && !(ch->count && !ch->gnuplot_ran)) {
		rw_p_begin(w);
		rw_text(w, ch->count ? "No other chart applies to these results."
				     : "No chart applies to these results.");
		rw_p_end(w);
		return;
	}
	if (!ch->gnuplot_ran) {
		rw_p_begin(w);
		rw_text(w, "%s: the data (.dat) and gnuplot templates (.gp) of %u charts are in ",
		     ch->note, ch->count);
		rw_code(w, "charts/");
		rw_text(w, "; draw one with the command under it, run in that directory.");
		rw_p_end(w);
	} else {
		rw_p_begin(w);
		rw_text(w, "Drawn by ");
		rw_code(w, "%s", ch->gnuplot);
		rw_text(w, "; each chart's data and template are in ");
		rw_code(w, "charts/");
		rw_text(w, " beside its images.");
		rw_p_end(w);
	}
	for (unsigned i = 0; i < ch->count; i++) {
		const nh_chart_t *c = &ch->charts[i];
		if (c->scenario_item || strcmp(c->kind, "forecast") == 0) /* drawn in their sections */
			continue;
		rw_heading(w, 3, NULL, "%s", c->title);
		rw_chart(w, nh_results_dir(p->r), c, i);
	}
}

/* ---- the documents ---- */

/* The report's status words, coloured; the rest of the style is the writer's. */
static const char STATUS_CSS[] =
	".st-pass,.st-ok,.st-improvement{color:#1b7a1b}\n"
	".st-not-evaluated,.st-insufficient,.st-changed{color:#8a6d00}\n";

static int write_docs(struct rep *p, nh_report_info_t *info, nh_err_t *err)
{
	struct rw w;
	const char *scenario = nh_str_or(nh_mv_scenario_name(p->manifest), nh_results_dir(p->r));
	char title[600];
	nh_format_cut(title, sizeof title, "numaharness report: %s", scenario);
	if (rw_begin(&w, title, STATUS_CSS, err) < 0)
		return -1;

	section_title(&w, p);
	nh_report_scenario_top(&w, p->r, p->charts_made ? &p->charts : NULL,
			       p->no_charts ? "--no-charts" : p->charts_made ? "" : p->charts.note);
	section_parameters(&w, p);
	section_host(&w, p);
	section_topology(&w, p);
	section_results(&w, p);
	nh_report_section_scenario(&w, p->r, p->charts_made ? &p->charts : NULL,
				   p->no_charts ? "--no-charts" : p->charts_made ? "" : p->charts.note);
	section_placement(&w, p);
	section_outcomes(&w, p);
	section_numastat(&w, p);
	section_counters(&w, p);
	section_memory(&w, p);
	nh_report_section_forecast(&w, p->r, p->charts_made ? &p->charts : NULL);
	section_expectations(&w, p);
	section_compare(&w, p);
	section_charts(&w, p);

	char md[4200], html[4200];
	snprintf(md, sizeof md, "%s/report.md", nh_results_dir(p->r));
	snprintf(html, sizeof html, "%s/report.html", nh_results_dir(p->r));
	if (rw_finish(&w, md, html, err) < 0)
		return -1;
	if (info) {
		snprintf(info->md, sizeof info->md, "%s", md);
		snprintf(info->html, sizeof info->html, "%s", html);
	}
	return 0;
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
