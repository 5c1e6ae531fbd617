/* SPDX-License-Identifier: MIT */
/* fleet_charts: the fleet's charts, drawn by the report's gnuplot path into OUT/charts/ — each
 * large cohort's local triad per host, ranked, with the median and the threshold's zone; the
 * histogram of every deviation; and a heatmap of the hosts furthest from their cohort (their
 * rows only, so it reads the same at 50 hosts or 5,000). */
#include "fleet_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charts.h"

enum {
	RANKED_COHORTS = 4, /* the largest cohorts get a ranked chart */
	RANKED_LABELS = 8,  /* outliers named on it */
	HEAT_ROWS = 40,	    /* hosts on the heatmap */
	HEAT_NODES = 8,	    /* nodes across it */
	HIST_SPAN = 60,	    /* the histogram's bins: -60 % .. +60 %, the rest in the end bins */
};

/* How far a figure is in its bad direction, in percent (0 when within or better). */
static double badness(enum nh_fleet_metric m, const fleet_value_t *v)
{
	if (!v->present || !isfinite(v->dev_pct) || v->flag == FL_INSUFFICIENT ||
	    v->flag == FL_NOT_COMPARED)
		return NAN;
	int bad = nh_fleet_metric_def(m)->bad;
	double d = bad < 0 ? -v->dev_pct : bad > 0 ? v->dev_pct : fabs(v->dev_pct);
	return d > 0 ? d : 0;
}

static FILE *dat_open(char **buf, size_t *len, const char *title, const char *columns)
{
	FILE *f = open_memstream(buf, len);
	if (f)
		fprintf(f, "# %s\n# written by numaharness fleet %s; columns: %s\n", title, NH_VERSION,
			columns);
	return f;
}

static int dat_add(nh_charts_set_t *set, FILE *f, char **buf, size_t *len, const char *kind,
		   const char *title, const char *ylabel, unsigned series, nh_err_t *err)
{
	if (fclose(f) != 0 || !*buf) {
		free(*buf);
		*buf = NULL;
		return nh_err_set(err, "out of memory for chart data");
	}
	int rc = nh_charts_set_add(set, kind, title, NULL, ylabel, series, *buf, *len);
	free(*buf);
	*buf = NULL;
	return rc;
}

/* A data file's string cell: gnuplot has no escapes inside "...". */
static void dat_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++)
		fputc(*s == '"' ? '\'' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
	fputc('"', f);
}

typedef struct ranked {
	double dev;
	bool flagged;
	const char *name;
} ranked_t;

static int by_dev(const void *a, const void *b)
{
	const ranked_t *x = a, *y = b;
	return (x->dev > y->dev) - (x->dev < y->dev);
}

/* Each large cohort: its hosts' worst local triad, ranked. */
static int ranked_charts(const nh_fleet_t *f, nh_charts_set_t *set, nh_err_t *err)
{
	ranked_t *rows = malloc((f->host_count + 1) * sizeof *rows);
	bool *done = calloc(f->cohort_count + 1, sizeof *done);
	if (!rows || !done) {
		free(rows);
		free(done);
		return nh_err_set(err, "out of memory for charts");
	}
	int rc = 0;
	for (unsigned chart = 0; chart < RANKED_COHORTS && rc == 0; chart++) {
		unsigned best = UINT32_MAX;
		for (unsigned c = 0; c < f->cohort_count; c++)
			if (!done[c] && (best == UINT32_MAX || f->cohorts[c].hosts > f->cohorts[best].hosts))
				best = c;
		if (best == UINT32_MAX)
			break;
		done[best] = true;
		unsigned n = 0;
		for (unsigned i = 0; i < f->host_count; i++) {
			const fleet_host_t *h = &f->hosts[i];
			if (h->cohort != best)
				continue;
			double worst = NAN;
			bool flagged = false;
			for (unsigned k = 0; k < h->node_count; k++) {
				const fleet_value_t *v = &h->nodes[k].m[NH_FLEET_TRIAD];
				if (isnan(badness(NH_FLEET_TRIAD, v)))
					continue;
				if (isnan(worst) || v->dev_pct < worst)
					worst = v->dev_pct;
				flagged |= v->flag == FL_LOW;
			}
			if (!isnan(worst))
				rows[n++] = (ranked_t){.dev = worst, .flagged = flagged, .name = h->name};
		}
		if (n == 0)
			continue;
		qsort(rows, n, sizeof *rows, by_dev);
		char *buf = NULL, title[256];
		size_t len = 0;
		nh_format_cut(title, sizeof title, "Cohort %s: local triad per host, ranked (worst node)",
			      fleet_str(f, f->cohorts[best].name));
		FILE *d = dat_open(&buf, &len, title,
				   "rank deviation_pct flagged threshold_pct \"label\"");
		if (!d) {
			rc = nh_err_set(err, "out of memory for charts");
			break;
		}
		unsigned named = 0;
		for (unsigned i = 0; i < n; i++) {
			fprintf(d, "%u %.4f %d %g ", i + 1, rows[i].dev, rows[i].flagged,
				-f->o.threshold_pct[NH_FLEET_TRIAD]);
			dat_string(d, rows[i].flagged && named++ < RANKED_LABELS ? rows[i].name : "");
			fputc('\n', d);
		}
		rc = dat_add(set, d, &buf, &len, "fleet-ranked", title,
			     "local triad against the cohort median (%)", 0, err);
	}
	free(rows);
	free(done);
	return rc;
}

/* Every judged figure's deviation, binned by 1 %. */
static int histogram_chart(const nh_fleet_t *f, nh_charts_set_t *set, nh_err_t *err)
{
	enum { BINS = 2 * HIST_SPAN + 1 };
	unsigned counts[BINS][NH_FLEET_METRICS];
	memset(counts, 0, sizeof counts);
	int lo = HIST_SPAN, hi = -HIST_SPAN;
	unsigned total = 0;
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		for (unsigned k = 0; k < h->node_count; k++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
				const fleet_value_t *v = &h->nodes[k].m[m];
				if (isnan(badness(m, v)))
					continue;
				double b = round(v->dev_pct);
				int bin = b < -HIST_SPAN ? -HIST_SPAN : b > HIST_SPAN ? HIST_SPAN : (int)b;
				counts[bin + HIST_SPAN][m]++;
				lo = bin < lo ? bin : lo;
				hi = bin > hi ? bin : hi;
				total++;
			}
	}
	if (!total)
		return 0;
	/* keep the thresholds in view */
	for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
		int t = (int)ceil(f->o.threshold_pct[m]);
		lo = -t < lo ? -t : lo;
		hi = t > hi ? t : hi;
	}
	lo = lo < -HIST_SPAN ? -HIST_SPAN : lo;
	hi = hi > HIST_SPAN ? HIST_SPAN : hi;
	char *buf = NULL, title[160];
	size_t len = 0;
	snprintf(title, sizeof title, "Deviation from the cohort median: %u figures of %u hosts",
		 total, f->host_count);
	FILE *d = dat_open(&buf, &len, title,
			   "bin_pct triad latency memtotal ratio thr_triad thr_latency thr_memtotal "
			   "thr_ratio (the end bins hold everything beyond)");
	if (!d)
		return nh_err_set(err, "out of memory for charts");
	for (int bin = lo; bin <= hi; bin++) {
		fprintf(d, "%d", bin);
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
			fprintf(d, " %u", counts[bin + HIST_SPAN][m]);
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
			int bad = nh_fleet_metric_def(m)->bad;
			fprintf(d, " %g", bad > 0 ? f->o.threshold_pct[m] : -f->o.threshold_pct[m]);
		}
		fputc('\n', d);
	}
	return dat_add(set, d, &buf, &len, "fleet-histogram", title, NULL, 0, err);
}

typedef struct scored {
	double score; /* the worst figure's badness over its threshold */
	unsigned host;
} scored_t;

static int by_score(const void *a, const void *b)
{
	const scored_t *x = a, *y = b;
	return (x->score < y->score) - (x->score > y->score);
}

/* The hosts furthest from their cohort, one row each. */
static int heatmap_chart(const nh_fleet_t *f, nh_charts_set_t *set, nh_err_t *err)
{
	scored_t *s = malloc((f->host_count + 1) * sizeof *s);
	if (!s)
		return nh_err_set(err, "out of memory for charts");
	unsigned n = 0, nodes = 0;
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		double score = -1;
		for (unsigned k = 0; k < h->node_count; k++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
				double b = badness(m, &h->nodes[k].m[m]);
				if (!isnan(b) && b / f->o.threshold_pct[m] > score)
					score = b / f->o.threshold_pct[m];
			}
		if (score > 0) /* a host exactly at its cohort's median has nothing to show */
			s[n++] = (scored_t){.score = score, .host = i};
	}
	qsort(s, n, sizeof *s, by_score);
	n = n < HEAT_ROWS ? n : HEAT_ROWS;
	for (unsigned r = 0; r < n; r++) {
		const fleet_host_t *h = &f->hosts[s[r].host];
		for (unsigned k = 0; k < h->node_count; k++)
			if (h->nodes[k].id + 1 > nodes)
				nodes = h->nodes[k].id + 1;
	}
	nodes = nodes < HEAT_NODES ? nodes : HEAT_NODES;
	if (!n || !nodes) {
		free(s);
		return 0;
	}
	static const char *const short_name[NH_FLEET_METRICS] = {"triad", "latency", "MemTotal",
								 "ratio"};
	char *buf = NULL, title[160];
	size_t len = 0;
	snprintf(title, sizeof title, "The %u host%s furthest from their cohort (of %u)", n,
		 n == 1 ? "" : "s", f->host_count);
	FILE *d = dat_open(&buf, &len, title,
			   "a matrix: host, then per node and figure its deviation in the bad "
			   "direction (%), NaN not compared");
	if (!d) {
		free(s);
		return nh_err_set(err, "out of memory for charts");
	}
	fputs("\"host\"", d);
	for (unsigned k = 0; k < nodes; k++)
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
			fprintf(d, " \"n%u %s\"", k, short_name[m]);
	fputc('\n', d);
	for (unsigned r = 0; r < n; r++) {
		const fleet_host_t *h = &f->hosts[s[r].host];
		char label[64];
		nh_format_cut(label, sizeof label, "%s", h->name);
		dat_string(d, label);
		for (unsigned node = 0; node < nodes; node++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
				double b = NAN;
				for (unsigned k = 0; k < h->node_count; k++)
					if (h->nodes[k].id == node)
						b = badness(m, &h->nodes[k].m[m]);
				if (isnan(b))
					fputs(" NaN", d);
				else
					fprintf(d, " %.2f", b);
			}
		fputc('\n', d);
	}
	free(s);
	return dat_add(set, d, &buf, &len, "fleet-heatmap", title, NULL, n, err);
}

int fleet_charts(const nh_fleet_t *f, const char *out_dir, bool render, nh_charts_t *charts,
		 nh_err_t *err)
{
	char dir[4200];
	if (snprintf(dir, sizeof dir, "%s/charts", out_dir) >= (int)sizeof dir)
		return nh_err_set(err, "%.256s...: path too long", out_dir);
	nh_charts_set_t *set = nh_charts_set_open(dir, render, charts, err);
	if (!set)
		return -1;
	int rc = ranked_charts(f, set, err);
	if (rc == 0)
		rc = histogram_chart(f, set, err);
	if (rc == 0)
		rc = heatmap_chart(f, set, err);
	nh_charts_set_close(set);
	return rc;
}
