/* SPDX-License-Identifier: MIT */
/* charts: the chart builders — which configurations of a results directory make a bandwidth
 * chart, a node matrix, a line over a parameter, a memory time series or the comparison, and
 * the data of each; labels are charts_labels.c's, files and gnuplot charts_gnuplot.c's. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "charts_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stats.h"

/* Median, min and max of a metric over a configuration's ok counted runs. */
typedef struct agg {
	unsigned n;
	double median, min, max;
} agg_t;

/* ---- a configuration's figures ---- */

static bool config_agg(const nh_results_t *r, const nh_results_config_t *c, const char *metric,
		       agg_t *a)
{
	memset(a, 0, sizeof *a);
	double *v = malloc(sizeof *v * (c->run_count ? c->run_count : 1));
	if (!v)
		return false;
	const char *unit;
	int better;
	unsigned n = nh_results_values(r, c, metric, v, c->run_count, &unit, &better);
	nh_summary_t s;
	bool ok = n && nh_stats_summary(v, n, &s, NULL) == 0;
	if (ok) {
		a->n = s.n;
		a->median = s.median;
		a->min = s.min;
		a->max = s.max;
	}
	free(v);
	return ok;
}

static const char *metric_unit(const nh_results_t *r, const nh_results_config_t *c,
			       const char *metric)
{
	double v;
	const char *unit = NULL;
	int better;
	nh_results_values(r, c, metric, &v, 1, &unit, &better);
	return unit ? unit : "";
}

/* ---- grouping configurations ---- */

static bool matrix_pair(const char *policy, unsigned *cpu, unsigned *mem)
{
	int end = -1;
	return sscanf(policy, "cpunodebind=%u membind=%u%n", cpu, mem, &end) == 2 && end > 0 &&
	       policy[end] == '\0';
}

static bool loaded(const nh_results_config_t *c)
{
	char v[32];
	return nh_charts_param(c->params, "load_threads", v, sizeof v) && strtoul(v, NULL, 10) > 0;
}

/* Configurations grouped by a text key (first-seen order). */
struct group {
	char key[1400];
	const nh_results_config_t **cfgs;
	unsigned n;
};

struct groups {
	struct group *g;
	unsigned n;
};

static struct group *group_add(struct groups *gs, const char *key, const nh_results_config_t *c,
			       unsigned max)
{
	struct group *g = NULL;
	for (unsigned i = 0; i < gs->n && !g; i++)
		if (strcmp(gs->g[i].key, key) == 0)
			g = &gs->g[i];
	if (!g) {
		g = &gs->g[gs->n++];
		snprintf(g->key, sizeof g->key, "%s", key);
		g->cfgs = calloc(max, sizeof *g->cfgs);
		g->n = 0;
		if (!g->cfgs)
			return NULL;
	}
	g->cfgs[g->n++] = c;
	return g;
}

static void groups_free(struct groups *gs)
{
	for (unsigned i = 0; i < gs->n; i++)
		free(gs->g[i].cfgs);
	free(gs->g);
	gs->g = NULL;
	gs->n = 0;
}

static int groups_init(struct groups *gs, unsigned max, nh_err_t *err)
{
	gs->n = 0;
	gs->g = calloc(max ? max : 1, sizeof *gs->g);
	if (!gs->g) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for chart groups");
	}
	return 0;
}

static int nomem(struct nh_charts_ctx *x)
{
	errno = ENOMEM;
	return nh_err_set(x->err, "out of memory for charts");
}

/* ---- bandwidth by policy: stream triad, one chart per parameter set ---- */

static int chart_bandwidth(struct nh_charts_ctx *x)
{
	unsigned nc = nh_results_config_count(x->r);
	struct groups gs;
	if (groups_init(&gs, nc, x->err) < 0)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < nc; i++) {
		const nh_results_config_t *c = nh_results_config(x->r, i);
		agg_t a;
		if (strcmp(c->workload, "stream") != 0 || !config_agg(x->r, c, "triad", &a))
			continue;
		if (!group_add(&gs, c->params, c, nc)) {
			rc = nomem(x);
			goto out;
		}
	}
	for (unsigned gi = 0; gi < gs.n && rc == 0; gi++) {
		struct group *g = &gs.g[gi];
		unsigned n = g->n < MAX_BARS ? g->n : MAX_BARS;
		char(*labels)[256] = calloc(n, sizeof *labels);
		if (!labels) {
			rc = nomem(x);
			break;
		}
		char common[512], title[256];
		nh_charts_labels(g->cfgs, n, NULL, labels, common, sizeof common);
		/* The policy is on the axis: the title keeps only the parameters. */
		char sp[400];
		nh_charts_short_params("stream", g->cfgs[0]->params, sp, sizeof sp);
		/* A title: too many parameters are cut, and show it. */
		nh_format_cut(title, sizeof title, "STREAM triad by policy%s%s%s", sp[0] ? " (" : "",
			      sp, sp[0] ? ")" : "");
		char *buf = NULL;
		size_t len = 0;
		FILE *f = nh_charts_dat_open(&buf, &len, title,
				   "index policy median_MBps min_MBps max_MBps n");
		if (!f) {
			free(labels);
			rc = nomem(x);
			break;
		}
		for (unsigned i = 0; i < n; i++) {
			agg_t a;
			config_agg(x->r, g->cfgs[i], "triad", &a);
			fprintf(f, "%u ", i);
			nh_charts_shorten(labels[i], 36);
			nh_charts_dat_string(f, labels[i]);
			fprintf(f, " %.6g %.6g %.6g %u\n", a.median, a.min, a.max, a.n);
		}
		rc = nh_charts_dat_finish(x, f, &buf, &len, "bandwidth", title, NULL);
		free(labels);
	}
out:
	groups_free(&gs);
	return rc;
}

/* ---- matrices: "cpunodebind=A membind=B" runs, chase latency and stream bandwidth ---- */

static int chart_matrix(struct nh_charts_ctx *x, const char *workload, const char *metric, const char *kind,
			const char *what)
{
	unsigned nc = nh_results_config_count(x->r);
	struct groups gs;
	if (groups_init(&gs, nc, x->err) < 0)
		return -1;
	int rc = 0;
	unsigned made = 0;
	for (unsigned i = 0; i < nc; i++) {
		const nh_results_config_t *c = nh_results_config(x->r, i);
		unsigned cpu, mem;
		agg_t a;
		if (strcmp(c->workload, workload) != 0 || !matrix_pair(c->policy, &cpu, &mem) ||
		    loaded(c) || !config_agg(x->r, c, metric, &a))
			continue;
		char key[1400];
		snprintf(key, sizeof key, "%s|%s", c->params, c->allocator);
		if (!group_add(&gs, key, c, nc)) {
			rc = nomem(x);
			goto out;
		}
	}
	for (unsigned gi = 0; gi < gs.n && rc == 0; gi++) {
		struct group *g = &gs.g[gi];
		/* A single cell is a matrix only on a one-node host's own `matrix` run; among
		 * several groups (a working-set sweep on one pair) it is a point of another chart. */
		if (g->n < 2 && gs.n > 1)
			continue;
		if (made == MAX_MATRICES)
			break;
		made++;
		char sp[400], title[256];
		nh_charts_short_params(workload, g->cfgs[0]->params, sp, sizeof sp);
		if (strcmp(g->cfgs[0]->allocator, "glibc") != 0) {
			size_t l = strlen(sp);
			snprintf(sp + l, sizeof sp - l, "%s%s", l ? " " : "",
				 g->cfgs[0]->allocator);
		}
		nh_format_cut(title, sizeof title, "%s%s%s%s", what, sp[0] ? " (" : "", sp,
			      sp[0] ? ")" : "");
		char *buf = NULL;
		size_t len = 0;
		FILE *f = nh_charts_dat_open(&buf, &len, title, "mem_node cpu_node median min max n");
		if (!f) {
			rc = nomem(x);
			break;
		}
		for (unsigned i = 0; i < g->n; i++) {
			unsigned cpu, mem;
			agg_t a;
			matrix_pair(g->cfgs[i]->policy, &cpu, &mem);
			config_agg(x->r, g->cfgs[i], metric, &a);
			fprintf(f, "%u %u %.6g %.6g %.6g %u\n", mem, cpu, a.median, a.min, a.max,
				a.n);
		}
		rc = nh_charts_dat_finish(x, f, &buf, &len, kind, title, NULL);
	}
out:
	groups_free(&gs);
	return rc;
}

/* ---- line charts: configurations that differ only in one parameter (the x axis) ---- */

/* One point of a line: x, the metric's aggregate, and the parameter's text. */
struct point {
	double x;
	agg_t y;
	agg_t x_agg; /* loaded latency: the bandwidth, itself a median */
	char text[64];
};

static int cmp_point(const void *a, const void *b)
{
	double u = ((const struct point *)a)->x, v = ((const struct point *)b)->x;
	return (u > v) - (u < v);
}

/* The thread count of a configuration: its parameter, or for "all" the CPUs its runs had. */
static double threads_of(const nh_results_t *r, const nh_results_config_t *c, const char *v)
{
	char *end;
	double t = strtod(v, &end);
	if (end != v && *end == '\0')
		return t;
	for (unsigned i = 0; i < c->run_count; i++) {
		nh_str_t cpus = nh_rv_policy_applied(nh_results_config_run(r, c, i)).cpus;
		nh_set_t set;
		if (cpus.present && nh_set_parse(&set, cpus.s, NULL) == 0)
			return nh_set_count(&set);
	}
	return NAN;
}

/* The x value of a configuration for \p param; NAN when it has none. */
static double x_of(const nh_results_t *r, const nh_results_config_t *c, const char *param,
		   char *text, size_t len)
{
	if (!nh_charts_param(c->params, param, text, len))
		return NAN;
	if (strcmp(param, "size") == 0) {
		uint64_t b;
		return nh_parse_size(text, &b, NULL) == 0 ? (double)b : NAN;
	}
	if (strcmp(param, "threads") == 0)
		return threads_of(r, c, text);
	char *end;
	double v = strtod(text, &end);
	return end != text && *end == '\0' ? v : NAN;
}

/* Which configurations a line chart takes, and what it plots. */
struct line_spec {
	const char *kind;
	const char *param;    /* x axis */
	const char *workload; /* NULL: any (scaling, one chart per workload) */
	bool want_loaded;     /* chase with load threads (loaded latency) or without */
	const char *metric;   /* NULL: the workload's headline metric */
	const char *xmetric;  /* loaded latency: x is this metric's median, not the parameter */
	unsigned min_points;  /* per line */
};

static int write_lines(struct nh_charts_ctx *x, const struct line_spec *ls, struct group **lines, unsigned nl,
		       const char *metric, const char *title)
{
	const nh_results_config_t **heads = calloc(nl, sizeof *heads);
	char(*labels)[256] = calloc(nl, sizeof *labels);
	struct point *pts = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int rc = -1;
	if (!heads || !labels) {
		nomem(x);
		goto out;
	}
	for (unsigned i = 0; i < nl; i++)
		heads[i] = lines[i]->cfgs[0];
	char common[512];
	nh_charts_labels(heads, nl, ls->param, labels, common, sizeof common);
	char full[256];
	/* A title: what the lines share, cut visibly when there is too much of it. */
	nh_format_cut(full, sizeof full, "%s%s%s%s", title, common[0] ? " (" : "", common,
		      common[0] ? ")" : "");
	bool cache_block = strcmp(ls->kind, "latency-size") == 0;
	const char *cols = cache_block   ? "block 0: cache_bytes label; then per line: size_bytes "
					   "median_ns min_ns max_ns size"
			   : ls->xmetric ? "per line: load_MBps median_ns min_ns max_ns throttle"
					 : "per line: threads median min max n";
	f = nh_charts_dat_open(&buf, &len, full, cols);
	if (!f) {
		nomem(x);
		goto out;
	}
	if (cache_block) {
		/* The host's data caches, so the steps of the curve can be read against them. */
		const nh_mv_t *mv = nh_results_manifest(x->r);
		unsigned written = 0;
		for (unsigned i = 0; i < nh_mv_cache_count(mv); i++) {
			nh_mv_cache_t cache = nh_mv_cache(mv, i);
			const char *type = nh_str_or(cache.type, NULL);
			long long level = (long long)nh_num_or(cache.level, 0);
			long long bytes = (long long)nh_num_or(cache.size_bytes, 0);
			if (!type || strcmp(type, "instruction") == 0 || bytes <= 0)
				continue;
			char size[32], label[64];
			nh_format_size((uint64_t)bytes, size, sizeof size);
			snprintf(label, sizeof label, "L%lld%s %s", (long long)level,
				 strcmp(type, "data") == 0 ? "d" : "", size);
			fprintf(f, "%lld ", (long long)bytes);
			nh_charts_dat_string(f, label);
			fputc('\n', f);
			written++;
		}
		if (!written) /* block 0 must exist for the template's indexes; off the chart */
			fprintf(f, "1 \"\"\n");
		fputs("\n\n", f);
	}
	for (unsigned li = 0; li < nl; li++) {
		struct group *g = lines[li];
		pts = calloc(g->n, sizeof *pts);
		if (!pts) {
			nomem(x);
			goto out;
		}
		unsigned np = 0;
		for (unsigned i = 0; i < g->n; i++) {
			struct point *p = &pts[np];
			if (!config_agg(x->r, g->cfgs[i], metric, &p->y))
				continue;
			p->x = x_of(x->r, g->cfgs[i], ls->param, p->text, sizeof p->text);
			if (ls->xmetric) {
				if (!config_agg(x->r, g->cfgs[i], ls->xmetric, &p->x_agg))
					continue;
				p->x = p->x_agg.median;
			}
			if (isfinite(p->x))
				np++;
		}
		qsort(pts, np, sizeof *pts, cmp_point);
		if (li)
			fputs("\n\n", f);
		nh_charts_shorten(labels[li], 48);
		nh_charts_dat_string(f, labels[li]);
		fputc('\n', f);
		for (unsigned i = 0; i < np; i++) {
			const struct point *p = &pts[i];
			if (cache_block) {
				fprintf(f, "%.17g %.6g %.6g %.6g ", p->x, p->y.median, p->y.min,
					p->y.max);
				nh_charts_dat_string(f, p->text);
			} else if (ls->xmetric) {
				fprintf(f, "%.6g %.6g %.6g %.6g ", p->x, p->y.median, p->y.min,
					p->y.max);
				nh_charts_dat_string(f, p->text);
			} else {
				fprintf(f, "%.6g %.6g %.6g %.6g %u", p->x, p->y.median, p->y.min,
					p->y.max, p->y.n);
			}
			fputc('\n', f);
		}
		free(pts);
		pts = NULL;
	}
	char ylabel[160];
	snprintf(ylabel, sizeof ylabel, "%s (%s)", metric, metric_unit(x->r, heads[0], metric));
	rc = nh_charts_dat_finish(x, f, &buf, &len, ls->kind, full,
			ls->xmetric || ls->metric ? NULL : ylabel);
	f = NULL;
out:
	if (f) {
		fclose(f);
		free(buf);
	}
	free(pts);
	free(heads);
	free(labels);
	return rc;
}

static int chart_lines(struct nh_charts_ctx *x, const struct line_spec *ls)
{
	unsigned nc = nh_results_config_count(x->r);
	struct groups gs;
	if (groups_init(&gs, nc, x->err) < 0)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < nc; i++) {
		const nh_results_config_t *c = nh_results_config(x->r, i);
		if (ls->workload && strcmp(c->workload, ls->workload) != 0)
			continue;
		if (strcmp(c->workload, "chase") == 0 && loaded(c) != ls->want_loaded)
			continue;
		const char *metric =
				ls->metric ? ls->metric : nh_charts_headline_metric(c->workload);
		char text[64];
		agg_t a;
		if (!metric || !isfinite(x_of(x->r, c, ls->param, text, sizeof text)) ||
		    !config_agg(x->r, c, metric, &a))
			continue;
		char rest[700], key[1400];
		nh_charts_params_without(c->params, ls->param, rest, sizeof rest);
		snprintf(key, sizeof key, "%s|%s|%s|%s", c->workload, rest, c->policy,
			 c->allocator);
		if (!group_add(&gs, key, c, nc)) {
			rc = nomem(x);
			goto out;
		}
	}
	/* Lines of enough distinct points, per workload, at most MAX_SERIES a chart. */
	struct group **lines = calloc(gs.n ? gs.n : 1, sizeof *lines);
	if (!lines) {
		rc = nomem(x);
		goto out;
	}
	bool *done = calloc(gs.n ? gs.n : 1, sizeof *done);
	if (!done) {
		free(lines);
		rc = nomem(x);
		goto out;
	}
	for (unsigned gi = 0; gi < gs.n && rc == 0; gi++) {
		if (done[gi])
			continue;
		const char *wl = gs.g[gi].cfgs[0]->workload;
		unsigned nl = 0;
		for (unsigned k = gi; k < gs.n && nl < MAX_SERIES; k++) {
			if (done[k] || strcmp(gs.g[k].cfgs[0]->workload, wl) != 0)
				continue;
			done[k] = true;
			if (gs.g[k].n >= ls->min_points)
				lines[nl++] = &gs.g[k];
		}
		if (!nl)
			continue;
		const char *metric = ls->metric ? ls->metric : nh_charts_headline_metric(wl);
		char title[256];
		if (strcmp(ls->kind, "latency-size") == 0)
			snprintf(title, sizeof title, "Latency by working-set size: %s", wl);
		else if (strcmp(ls->kind, "loaded-latency") == 0)
			snprintf(title, sizeof title, "Loaded latency: %s", wl);
		else
			snprintf(title, sizeof title, "Scaling with threads: %s %s", wl, metric);
		/* Lines past MAX_SERIES stay not done: a later turn of this loop draws them. */
		rc = write_lines(x, ls, lines, nl, metric, title);
	}
	free(done);
	free(lines);
out:
	groups_free(&gs);
	return rc;
}

/* ---- time series: the median run of each configuration, from its series CSV ---- */

/* The counted ok run whose headline metric is the median (the lower middle for even counts). */
static const nh_rv_t *median_run(const nh_results_t *r, const nh_results_config_t *c,
				 const char *metric, unsigned *index)
{
	const nh_rv_t *best = NULL;
	double *v = malloc(sizeof *v * (c->run_count ? c->run_count : 1));
	if (!v)
		return NULL;
	unsigned n = 0;
	for (unsigned i = 0; i < c->run_count; i++) {
		nh_num_t val = nh_rv_metric(nh_results_config_run(r, c, i), metric).value;
		if (val.present)
			v[n++] = val.v;
	}
	double med = NAN;
	if (n) {
		/* sort a copy to pick an actual run's value */
		for (unsigned i = 1; i < n; i++)
			for (unsigned k = i; k > 0 && v[k - 1] > v[k]; k--) {
				double t = v[k];
				v[k] = v[k - 1];
				v[k - 1] = t;
			}
		med = v[(n - 1) / 2];
	}
	free(v);
	for (unsigned i = 0; i < c->run_count && !best; i++) {
		const nh_rv_t *rec = nh_results_config_run(r, c, i);
		nh_str_t outcome = nh_rv_outcome(rec);
		nh_num_t val = nh_rv_metric(rec, metric).value;
		if (!outcome.present || strcmp(outcome.s, "ok") != 0 ||
		    !nh_rv_series(rec).file.present)
			continue;
		if (isnan(med) || (val.present && val.v == med)) {
			best = rec;
			*index = c->runs[i];
		}
	}
	return best;
}

/* Split one CSV line in place (the series has no quoted cells). */
static unsigned csv_split(char *line, char **cells, unsigned max)
{
	unsigned n = 0;
	for (char *p = line; n < max;) {
		cells[n++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

enum { MAX_CSV_COLS = 256 };

static int chart_timeseries_one(struct nh_charts_ctx *x, const nh_results_config_t *c, const char *label)
{
	const char *metric = nh_charts_headline_metric(c->workload);
	unsigned index = 0;
	const nh_rv_t *rec = median_run(x->r, c, metric ? metric : "", &index);
	if (!rec)
		return 0;
	const char *file = nh_rv_series(rec).file.s; /* median_run picks runs with a series */
	long long page = (long long)nh_num_or(nh_rv_memory(rec).numa_maps_page_bytes, 0);
	if (page <= 0)
		page = 4096;
	if (strstr(file, "..") || file[0] == '/')
		return 0; /* not the harness's own series/run-N.csv */
	char path[PATH_MAX + 200];
	snprintf(path, sizeof path, "%s/%s", nh_results_dir(x->r), file);
	size_t len;
	char *text = nh_read_file(path, &len, NULL);
	if (!text)
		return 0; /* pruned or never written: no chart, not an error */
	char *cells[MAX_CSV_COLS];
	int want[MAX_CSV_COLS]; /* the CSV column of each output column */
	double scale[MAX_CSV_COLS];
	unsigned nw = 0, rows = 0;
	char *line = text, *next = strchr(line, '\n');
	if (next)
		*next++ = '\0';
	unsigned nh = csv_split(line, cells, MAX_CSV_COLS);
	const double mib = 1024.0 * 1024.0;
	static const struct {
		const char *col, *title;
	} fixed[] = {
			{"t_s", "t_s"},
			{"rss_bytes", "RSS"},
			{"rss_file_bytes", "file-backed RSS"},
			{"cgroup_file_bytes", "cgroup page cache"},
	};
	char *buf = NULL;
	size_t blen = 0;
	char title[256];
	int rid = (int)nh_num_or(nh_rv_run(rec), 0);
	snprintf(title, sizeof title, "Memory over time: %s %s (run %d%s%s)", c->workload, label,
		 rid, metric ? ", the median " : "", metric ? metric : "");
	FILE *f = nh_charts_dat_open(&buf, &blen, title, "t_s then MiB per series; ? = not sampled");
	if (!f) {
		free(text);
		return nomem(x);
	}
	char titles[MAX_CSV_COLS][48];
	for (unsigned k = 0; k < NH_ARRAY_LEN(fixed); k++)
		for (unsigned i = 0; i < nh; i++)
			if (strcmp(cells[i], fixed[k].col) == 0) {
				want[nw] = (int)i;
				scale[nw] = k ? mib : 1;
				snprintf(titles[nw++], sizeof titles[0], "%s", fixed[k].title);
			}
	/* Per node: the run's own cgroup (memory.numa_stat, every tick whatever the size) where its
	 * first row has it, else the page-table walk's pages (only while its budget allowed). */
	bool by_cgroup = false;
	const char *first_row = next ? next : "";
	char *row = strndup(first_row, strcspn(first_row, "\n"));
	char *row_cells[MAX_CSV_COLS];
	unsigned nr = row ? csv_split(row, row_cells, MAX_CSV_COLS) : 0;
	for (unsigned i = 0; i < nh && i < nr && !by_cgroup; i++) {
		unsigned node;
		int end = -1;
		by_cgroup = sscanf(cells[i], "cgroup_node%u_bytes%n", &node, &end) == 1 && end > 0 &&
			    cells[i][end] == '\0' && row_cells[i][0];
	}
	free(row);
	for (unsigned i = 0; i < nh && nw < MAX_CSV_COLS; i++) {
		unsigned node;
		int end = -1;
		if (sscanf(cells[i], by_cgroup ? "cgroup_node%u_bytes%n" : "node%u_pages%n", &node, &end) == 1 &&
		    end > 0 && cells[i][end] == '\0') {
			want[nw] = (int)i;
			scale[nw] = by_cgroup ? mib : mib / (double)page;
			snprintf(titles[nw++], sizeof titles[0], "node %u", node);
		}
	}
	if (nw < 2 || strcmp(titles[0], "t_s") != 0) {
		fclose(f);
		free(buf);
		free(text);
		return 0;
	}
	for (unsigned k = 0; k < nw; k++) {
		fputs(k ? " " : "", f);
		nh_charts_dat_string(f, titles[k]);
	}
	fputc('\n', f);
	for (line = next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned n = csv_split(line, cells, MAX_CSV_COLS);
		for (unsigned k = 0; k < nw; k++) {
			const char *cell = (unsigned)want[k] < n ? cells[want[k]] : "";
			char *end;
			double v = strtod(cell, &end);
			if (!*cell || end == cell)
				fputs(k ? " ?" : "?", f);
			else
				fprintf(f, k ? " %.6g" : "%.6g", v / scale[k]);
		}
		fputc('\n', f);
		rows++;
	}
	free(text);
	if (rows < MIN_SERIES_ROWS) {
		fclose(f);
		free(buf);
		return 0;
	}
	return nh_charts_dat_finish(x, f, &buf, &blen, "timeseries", title, NULL);
}

static int chart_timeseries(struct nh_charts_ctx *x)
{
	unsigned nc = nh_results_config_count(x->r);
	const nh_results_config_t **all = calloc(nc ? nc : 1, sizeof *all);
	char(*labels)[256] = calloc(nc ? nc : 1, sizeof *labels);
	int rc = 0;
	if (!all || !labels) {
		rc = nomem(x);
		goto out;
	}
	for (unsigned i = 0; i < nc; i++)
		all[i] = nh_results_config(x->r, i);
	if (nh_charts_workload_labels(all, nc, labels) < 0) {
		rc = nomem(x);
		goto out;
	}
	unsigned made = 0;
	for (unsigned i = 0; i < nc && made < MAX_TIMESERIES && rc == 0; i++) {
		unsigned before = x->out->count;
		rc = chart_timeseries_one(x, all[i], labels[i]);
		made += x->out->count > before;
	}
out:
	free(all);
	free(labels);
	return rc;
}

/* ---- comparison: DIR/compare.json, the change of each row's median ---- */

static int chart_compare(struct nh_charts_ctx *x)
{
	nh_results_doc_error_t why;
	nh_cmp_view_t *doc = nh_results_comparison_load(x->r, &why);
	if (!doc)
		return 0;
	char *buf = NULL;
	size_t len = 0;
	const char *title = "Candidate against baseline: change of the median";
	FILE *f = nh_charts_dat_open(&buf, &len, title,
			   "index label change_pct ci_lo_pct ci_hi_pct colour(0xRRGGBB) verdict");
	if (!f) {
		nh_cmp_view_free(doc);
		return nomem(x);
	}
	unsigned n = 0;
	for (unsigned i = 0; i < nh_cmp_view_row_count(doc); i++) {
		if (n == MAX_COMPARE_ROWS)
			break;
		nh_cmp_row_view_t row = nh_cmp_view_row(doc, i);
		double change = nh_num_or(row.change_pct, NAN);
		if (!isfinite(change))
			continue; /* from a baseline median of 0: no finite bar to draw */
		double lo = nh_num_or(row.interval_lo_pct, NAN),
		       hi = nh_num_or(row.interval_hi_pct, NAN);
		const char *verdict = nh_str_or(row.verdict, "");
		/* Regressions red, improvements green, other significant changes amber, the rest
		 * grey. */
		unsigned colour = strcmp(verdict, "regression") == 0    ? 0xd62728
				  : strcmp(verdict, "improvement") == 0 ? 0x2ca02c
				  : strcmp(verdict, "changed") == 0     ? 0xff9f1c
									: 0x9e9e9e;
		char text[320];
		snprintf(text, sizeof text, "%s %s", nh_str_or(row.label, nh_str_or(row.key, NULL)),
			 nh_str_or(row.metric, ""));
		nh_charts_shorten(text, 56);
		fprintf(f, "%u ", n);
		nh_charts_dat_string(f, text);
		fprintf(f, " %.6g %.6g %.6g %u ", change, isfinite(lo) ? lo : change,
			isfinite(hi) ? hi : change, colour);
		nh_charts_dat_string(f, verdict);
		fputc('\n', f);
		n++;
	}
	nh_cmp_view_free(doc);
	if (!n) {
		fclose(f);
		free(buf);
		return 0;
	}
	return nh_charts_dat_finish(x, f, &buf, &len, "compare", title, NULL);
}

/* ---- the whole set ---- */

int nh_charts_make(const nh_results_t *r, bool render, nh_charts_t *out, nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	struct nh_charts_ctx x = {.r = r, .out = out, .render = render, .log_fd = -1, .err = err};
	snprintf(x.dir, sizeof x.dir, "%s/charts", nh_results_dir(r));
	/* Charts are derived data: a new report replaces what an earlier one drew. */
	if (nh_mkdir_p(x.dir, err) < 0 || nh_empty_dir(x.dir, err) < 0)
		return -1;
	if (render) {
		nh_err_t gerr;
		if (nh_charts_find_gnuplot(out->gnuplot, sizeof out->gnuplot, &gerr) < 0)
			snprintf(out->note, sizeof out->note, "%s", gerr.msg);
	} else {
		snprintf(out->note, sizeof out->note, "charts not drawn (asked not to)");
	}
	char log[PATH_MAX + 20];
	snprintf(log, sizeof log, "%s/gnuplot.log", x.dir);
	if (out->gnuplot[0]) {
		x.log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (x.log_fd < 0) {
			nh_err_set(err, "%s: %s", log, strerror(errno));
			return -1;
		}
	}
	static const struct line_spec size_lines = {.kind = "latency-size",
						    .param = "size",
						    .workload = "chase",
						    .metric = "ns_per_load",
						    .min_points = 2};
	static const struct line_spec loaded_lines = {.kind = "loaded-latency",
						      .param = "throttle",
						      .workload = "chase",
						      .want_loaded = true,
						      .metric = "ns_per_load",
						      .xmetric = "load_MBps",
						      .min_points = 1};
	static const struct line_spec thread_lines = {
			.kind = "scaling", .param = "threads", .min_points = 2};
	int rc = 0;
	if (rc == 0)
		rc = chart_bandwidth(&x);
	if (rc == 0)
		rc = chart_matrix(&x, "stream", "triad", "bandwidth-matrix",
				  "STREAM triad bandwidth (MB/s), CPU node to memory node");
	if (rc == 0)
		rc = chart_matrix(&x, "chase", "ns_per_load", "latency-matrix",
				  "Idle latency (ns per load), CPU node to memory node");
	if (rc == 0)
		rc = chart_lines(&x, &size_lines);
	if (rc == 0)
		rc = chart_lines(&x, &loaded_lines);
	if (rc == 0)
		rc = chart_lines(&x, &thread_lines);
	if (rc == 0)
		rc = chart_timeseries(&x);
	if (rc == 0)
		rc = nh_charts_forecast(&x);
	if (rc == 0)
		rc = chart_compare(&x);
	if (rc == 0)
		rc = nh_charts_scenario(&x);
	if (x.log_fd >= 0) {
		/* Keep the log only when gnuplot had something to say. */
		struct stat st;
		if (fstat(x.log_fd, &st) == 0 && st.st_size == 0)
			unlink(log);
		close(x.log_fd);
	}
	if (rc == 0 && out->count == 0 && !out->note[0])
		snprintf(out->note, sizeof out->note, "no chart applies to these results");
	return rc;
}

void nh_charts_free(nh_charts_t *c)
{
	if (!c)
		return;
	free(c->charts);
	c->charts = NULL;
	c->count = 0;
}
