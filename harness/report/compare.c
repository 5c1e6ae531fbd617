/* SPDX-License-Identifier: MIT */
/* compare: match the configurations of two results directories and judge, per metric, whether
 * the candidate differs from the baseline by more than the runs' own noise. */
#include "compare.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The significance rule. Benchmark repetitions are few (3–10), not normal, and often carry one
 * wild run (a page-cache flush, a timer interrupt storm), so the verdict rests on rank and
 * resampling statistics, with Welch's t-test reported alongside for reference only:
 *
 *   (a) the two-sided Mann–Whitney p is below alpha — exact for small samples without ties, so
 *       it is honest at n = 5 and one outlier cannot produce or hide a difference;
 *   (b) the bootstrap percentile interval (level 1 - alpha) of the change of medians excludes
 *       0 — the medians, not just the rank order, moved;
 *   (c) |change| exceeds the runs' own noise: the half interquartile range over the median of
 *       the steadier side — with many runs (a) and (b) accept changes too small to matter next
 *       to the run-to-run spread. The steadier side, not the noisier, because a degradation
 *       often brings its own noise (a competing process that comes and goes): measuring the
 *       change against that would excuse the regression by its own symptom. It also keeps the
 *       rule symmetric: swapping baseline and candidate swaps the verdict.
 *
 * Fewer than 3 ok runs on a side is `insufficient`, and so are sample sizes with which even
 * complete separation could not reach p < alpha (3 against 3 gives at best p = 0.1): a verdict
 * of `same` there would claim more than the data can show. A significant change is a
 * regression or an improvement by the metric's better-direction, `changed` when it has none.
 */
static const char RULE[] =
	"significant when the Mann-Whitney two-sided p < alpha, the bootstrap (1 - alpha) interval "
	"of the change of medians excludes 0, and |change| exceeds the runs' noise (the half "
	"interquartile range over the median of the steadier side); fewer than 3 ok runs on a "
	"side, or "
	"too few for any result to reach p < alpha, is insufficient";

#define MIN_RUNS 3
#define DEFAULT_ALPHA 0.05
#define DEFAULT_RESAMPLES 2000
#define DEFAULT_SEED UINT64_C(0x6e756d61) /* "numa": the same intervals on every run */
#define MAX_METRICS 256

struct nh_compare {
	char base_dir[4096], cand_dir[4096];
	double alpha;
	unsigned resamples;
	nh_compare_row_t *rows;
	unsigned row_count, row_cap;
	nh_compare_unmatched_t *only[2]; /* [0] candidate, [1] baseline */
	unsigned only_count[2];
	char (*notes)[256];
	unsigned note_count;
};

static const char *const VERDICT_NAMES[NH_COMPARE_VERDICTS] = {
	[NH_COMPARE_SAME] = "same",
	[NH_COMPARE_IMPROVEMENT] = "improvement",
	[NH_COMPARE_REGRESSION] = "regression",
	[NH_COMPARE_CHANGED] = "changed",
	[NH_COMPARE_INSUFFICIENT] = "insufficient",
};

const char *nh_compare_verdict_name(enum nh_compare_verdict v)
{
	return (unsigned)v < NH_COMPARE_VERDICTS ? VERDICT_NAMES[v] : "?";
}

const char *nh_compare_rule(void) { return RULE; }

static int add_note(nh_compare_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_note(nh_compare_t *c, const char *fmt, ...)
{
	char(*grown)[256] = realloc(c->notes, sizeof *grown * (c->note_count + 1));
	if (!grown)
		return -1;
	c->notes = grown;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->notes[c->note_count++], sizeof *grown, fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- labels: the parameters that tell configurations apart ---- */

/* A configuration's parameters are those of its first run (NULL: it has none). */
static const nh_rv_t *config_record(const nh_results_t *r, const nh_results_config_t *cfg)
{
	return nh_results_config_run(r, cfg, 0);
}

typedef struct cfg_ref {
	const nh_results_t *r;
	const nh_results_config_t *cfg;
} cfg_ref_t;

/* Does parameter \p name have the same value in every configuration of this workload? Only
 * the ones that differ are worth a column of the reader's attention. */
static bool param_varies(const cfg_ref_t *all, unsigned n, const char *workload,
			 const nh_rv_param_t *value)
{
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(all[i].cfg->workload, workload) != 0)
			continue;
		nh_rv_param_t v;
		if (!nh_rv_param_find(config_record(all[i].r, all[i].cfg), value->name, &v) ||
		    !nh_rv_param_equal(&v, value))
			return true;
	}
	return false;
}

static bool allocator_varies(const cfg_ref_t *all, unsigned n, const char *workload,
			     const char *alloc)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(all[i].cfg->workload, workload) == 0 &&
		    strcmp(all[i].cfg->allocator, alloc) != 0)
			return true;
	return false;
}

static void make_label(const cfg_ref_t *all, unsigned n, const cfg_ref_t *me, char *buf, size_t len)
{
	const nh_results_config_t *cfg = me->cfg;
	size_t used = (size_t)snprintf(buf, len, "%s %s", cfg->workload, cfg->policy);
	if ((strcmp(cfg->allocator, "glibc") != 0 ||
	     allocator_varies(all, n, cfg->workload, cfg->allocator)) &&
	    used < len)
		used += (size_t)snprintf(buf + used, len - used, " %s", cfg->allocator);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_rv_param_t p;
	while (nh_rv_param_next(config_record(me->r, cfg), &it, &p)) {
		if (strcmp(p.name, "allocator") == 0 || !param_varies(all, n, cfg->workload, &p))
			continue;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, " %s=%s", p.name,
						 p.is_string ? p.text : "?");
	}
}

/* ---- rows ---- */

static void side_of(const double *x, unsigned n, nh_compare_side_t *s)
{
	nh_summary_t sum;
	*s = (nh_compare_side_t){
		.n = n, .median = NAN, .min = NAN, .max = NAN, .mean = NAN, .cv = NAN, .iqr = NAN};
	if (n && nh_stats_summary(x, n, &sum, NULL) == 0) {
		s->median = sum.median;
		s->min = sum.min;
		s->max = sum.max;
		s->mean = sum.mean;
		s->cv = sum.cv;
		s->iqr = sum.iqr;
	}
}

static double rel_half_iqr(const nh_compare_side_t *s)
{
	return s->median != 0 && isfinite(s->iqr) ? s->iqr / 2 / fabs(s->median) : 0;
}

static int judge(nh_compare_row_t *row, const double *bx, unsigned nb, const double *cx,
		 unsigned nc, const nh_compare_t *c, uint64_t seed, nh_err_t *err)
{
	row->change = row->ci_lo = row->ci_hi = row->p_mw = row->p_welch = row->noise = NAN;
	if (nb && nc) {
		if (row->base.median != 0)
			row->change = row->cand.median / row->base.median - 1;
		else if (row->cand.median == 0)
			row->change = 0;
	}
	if (nb < MIN_RUNS || nc < MIN_RUNS) {
		row->verdict = NH_COMPARE_INSUFFICIENT;
		snprintf(row->reason, sizeof row->reason, "%u and %u ok runs; need %u a side", nb,
			 nc, MIN_RUNS);
		return 0;
	}
	nh_mwu_t mw;
	nh_ttest_t tt;
	nh_boot_t boot;
	if (nh_stats_mann_whitney(bx, nb, cx, nc, &mw, err) < 0 ||
	    nh_stats_bootstrap_medians(bx, nb, cx, nc, c->resamples, 1 - c->alpha, seed, &boot,
				       err) < 0)
		return -1;
	row->p_mw = mw.p;
	if (nh_stats_welch(bx, nb, cx, nc, &tt, NULL) == 0)
		row->p_welch = tt.p;
	row->ci_lo = boot.change_lo;
	row->ci_hi = boot.change_hi;
	double nb_noise = rel_half_iqr(&row->base), nc_noise = rel_half_iqr(&row->cand);
	row->noise = nb_noise < nc_noise ? nb_noise : nc_noise;

	double min_p = nh_stats_mann_whitney_min_p(nb, nc);
	if (min_p >= c->alpha) {
		row->verdict = NH_COMPARE_INSUFFICIENT;
		snprintf(row->reason, sizeof row->reason,
			 "%u and %u runs cannot reach p < %g (best %.3g)", nb, nc, c->alpha, min_p);
		return 0;
	}
	/* (b) on the difference: its interval excludes 0 exactly when the ratio's does (same signs
	 * resample by resample) and it exists even when a baseline median is 0. */
	bool excludes0 = boot.diff_lo > 0 || boot.diff_hi < 0;
	bool beyond_noise = isnan(row->change) || fabs(row->change) > row->noise;
	row->verdict = NH_COMPARE_SAME;
	if (!(mw.p < c->alpha))
		snprintf(row->reason, sizeof row->reason, "p %.3g >= %g", mw.p, c->alpha);
	else if (!excludes0)
		snprintf(row->reason, sizeof row->reason, "p %.3g but the interval includes 0",
			 mw.p);
	else if (!beyond_noise)
		snprintf(row->reason, sizeof row->reason, "|change| %.2f%% within the noise %.2f%%",
			 fabs(row->change) * 100, row->noise * 100);
	else {
		bool up = boot.diff_lo > 0;
		row->verdict = row->better == 0          ? NH_COMPARE_CHANGED
			       : (row->better > 0) == up ? NH_COMPARE_IMPROVEMENT
							 : NH_COMPARE_REGRESSION;
		snprintf(row->reason, sizeof row->reason,
			 "p %.3g, interval excludes 0, beyond the noise %.2f%%", mw.p,
			 row->noise * 100);
	}
	return 0;
}

static nh_compare_row_t *new_row(nh_compare_t *c)
{
	if (c->row_count == c->row_cap) {
		unsigned cap = c->row_cap ? c->row_cap * 2 : 16;
		nh_compare_row_t *grown = realloc(c->rows, sizeof *grown * cap);
		if (!grown)
			return NULL;
		c->rows = grown;
		c->row_cap = cap;
	}
	nh_compare_row_t *row = &c->rows[c->row_count++];
	memset(row, 0, sizeof *row);
	return row;
}

static bool named(const nh_compare_opts_t *o, const char *metric)
{
	for (unsigned i = 0; i < o->metric_count; i++)
		if (strcmp(o->metrics[i], metric) == 0)
			return true;
	return false;
}

static bool has_name(const char *const *names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

static int compare_config(nh_compare_t *c, const nh_results_t *base, const nh_results_config_t *bc,
			  const nh_results_t *cand, const nh_results_config_t *cc,
			  const char *label, const nh_compare_opts_t *o, uint64_t seed,
			  nh_err_t *err)
{
	const char *bnames[MAX_METRICS], *cnames[MAX_METRICS];
	unsigned nbm = nh_results_metric_names(base, bc, bnames, MAX_METRICS);
	unsigned ncm = nh_results_metric_names(cand, cc, cnames, MAX_METRICS);
	double *bx = malloc(sizeof *bx * (bc->run_count + 1)),
	       *cx = malloc(sizeof *cx * (cc->run_count + 1));
	int rc = -1;
	if (!bx || !cx) {
		errno = ENOMEM;
		nh_err_set(err, "out of memory");
		goto out;
	}
	for (unsigned m = 0; m < nbm; m++) {
		const char *metric = bnames[m];
		if (!has_name(cnames, ncm, metric) || (o->metric_count && !named(o, metric)))
			continue;
		const char *bunit, *cunit;
		int bbetter, cbetter;
		unsigned nb =
			nh_results_values(base, bc, metric, bx, bc->run_count, &bunit, &bbetter);
		unsigned nc =
			nh_results_values(cand, cc, metric, cx, cc->run_count, &cunit, &cbetter);
		if (bbetter == 0 && !o->metric_count)
			continue; /* no direction: a difference would mean nothing unless asked for
				   */
		if ((bunit || cunit) && (!bunit || !cunit || strcmp(bunit, cunit) != 0)) {
			if (add_note(c,
				     "%s: %s is in %s in the baseline but %s in the candidate; not "
				     "compared",
				     label, metric, bunit ? bunit : "no unit",
				     cunit ? cunit : "no unit") < 0)
				goto oom;
			continue;
		}
		nh_compare_row_t *row = new_row(c);
		if (!row)
			goto oom;
		snprintf(row->key, sizeof row->key, "%s", bc->key);
		snprintf(row->label, sizeof row->label, "%s", label);
		snprintf(row->workload, sizeof row->workload, "%s", bc->workload);
		snprintf(row->policy, sizeof row->policy, "%s", bc->policy);
		snprintf(row->params, sizeof row->params, "%s", bc->params);
		snprintf(row->allocator, sizeof row->allocator, "%s", bc->allocator);
		snprintf(row->metric, sizeof row->metric, "%s", metric);
		snprintf(row->unit, sizeof row->unit, "%s", bunit ? bunit : "");
		row->better = bbetter;
		side_of(bx, nb, &row->base);
		side_of(cx, nc, &row->cand);
		if (judge(row, bx, nb, cx, nc, c, seed, err) < 0) {
			nh_err_prefix(err, "%s: %s", label, metric);
			goto out;
		}
	}
	rc = 0;
	goto out;
oom:
	errno = ENOMEM;
	nh_err_set(err, "out of memory");
out:
	free(bx);
	free(cx);
	return rc;
}

static int add_unmatched(nh_compare_t *c, bool in_base, const nh_results_config_t *cfg,
			 const char *label)
{
	unsigned side = in_base;
	nh_compare_unmatched_t *grown =
		realloc(c->only[side], sizeof *grown * (c->only_count[side] + 1));
	if (!grown)
		return -1;
	c->only[side] = grown;
	nh_compare_unmatched_t *u = &grown[c->only_count[side]++];
	snprintf(u->key, sizeof u->key, "%s", cfg->key);
	snprintf(u->label, sizeof u->label, "%s", label);
	u->ok_count = cfg->ok_count;
	return 0;
}

/* Facts of the manifests that make a comparison suspect when they differ. */
static int host_notes(nh_compare_t *c, const nh_results_t *base, const nh_results_t *cand)
{
	const nh_mv_t *bm = nh_results_manifest(base), *cm = nh_results_manifest(cand);
	if (!bm || !cm)
		return add_note(c, "%s has no manifest.json: hosts not compared",
				!bm ? c->base_dir : c->cand_dir);
	nh_mv_host_t bh = nh_mv_host(bm), ch = nh_mv_host(cm);
	const struct {
		const char *name;
		nh_str_t base, cand;
	} facts[] = {
		{"kernel", bh.kernel, ch.kernel},
		{"cpu_model", bh.cpu_model, ch.cpu_model},
		{"tool_version", nh_mv_tool_version(bm), nh_mv_tool_version(cm)},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(facts); i++) {
		if (facts[i].base.present && facts[i].cand.present &&
		    strcmp(facts[i].base.s, facts[i].cand.s) != 0 &&
		    add_note(c, "%s differs: %s (baseline) vs %s (candidate)", facts[i].name,
			     facts[i].base.s, facts[i].cand.s) < 0)
			return -1;
	}
	unsigned bn = nh_mv_node_count(bm), cn = nh_mv_node_count(cm);
	if (bn != cn &&
	    add_note(c, "NUMA nodes differ: %u (baseline) vs %u (candidate)", bn, cn) < 0)
		return -1;
	return 0;
}

/* Unmatched configurations are usually a parameter that changed between the two runs (samples=
 * 200 then 100): name it for the first such pair, since keys must match exactly. */
static int mismatch_note(nh_compare_t *c, const cfg_ref_t *all, unsigned nb, unsigned nc)
{
	for (unsigned i = 0; i < nb; i++) {
		if (nh_results_find(all[nb].r, all[i].cfg->key))
			continue;
		for (unsigned k = nb; k < nb + nc; k++) {
			const nh_results_config_t *b = all[i].cfg, *x = all[k].cfg;
			if (strcmp(b->workload, x->workload) != 0 ||
			    strcmp(b->policy, x->policy) != 0 ||
			    strcmp(b->allocator, x->allocator) != 0 ||
			    nh_results_find(all[0].r, x->key))
				continue;
			const nh_rv_t *bp = config_record(all[i].r, b),
				      *xp = config_record(all[k].r, x);
			char diff[200] = "";
			size_t used = 0;
			nh_rv_iter_t it = NH_RV_ITER_INIT;
			nh_rv_param_t v, w;
			while (nh_rv_param_next(bp, &it, &v)) {
				bool found = nh_rv_param_find(xp, v.name, &w);
				if (found && nh_rv_param_equal(&v, &w))
					continue;
				if (used < sizeof diff)
					used += (size_t)snprintf(diff + used, sizeof diff - used,
								 "%s%s=%s vs %s", used ? ", " : "",
								 v.name, v.is_string ? v.text : "?",
								 found && w.is_string ? w.text
										      : "(none)");
			}
			if (!used)
				continue;
			return add_note(
				c,
				"configurations match only on identical parameters; e.g. %s %s: %s",
				b->workload, b->policy, diff);
		}
	}
	return 0;
}

int nh_compare_run(const nh_results_t *base, const nh_results_t *cand,
		   const nh_compare_opts_t *opts, nh_compare_t **out, nh_err_t *err)
{
	static const nh_compare_opts_t defaults = {0};
	const nh_compare_opts_t *o = opts ? opts : &defaults;
	*out = NULL;
	double alpha = o->alpha > 0 ? o->alpha : DEFAULT_ALPHA;
	if (!(alpha > 0 && alpha <= 0.5)) {
		errno = EINVAL;
		return nh_err_set(err, "alpha %g is not in (0, 0.5]", alpha);
	}
	/* A --metric typo must not pass silently as "nothing regressed". */
	for (unsigned i = 0; i < o->metric_count; i++) {
		bool found = false;
		const nh_results_t *sides[] = {base, cand};
		for (unsigned s = 0; s < 2 && !found; s++)
			for (unsigned k = 0; k < nh_results_config_count(sides[s]) && !found; k++) {
				const char *names[MAX_METRICS];
				unsigned n = nh_results_metric_names(sides[s],
								     nh_results_config(sides[s], k),
								     names, MAX_METRICS);
				found = has_name(names, n, o->metrics[i]);
			}
		if (!found) {
			errno = EINVAL;
			return nh_err_set(err, "metric '%s' is in neither results directory",
					  o->metrics[i]);
		}
	}
	nh_compare_t *c = calloc(1, sizeof *c);
	unsigned nb = nh_results_config_count(base), nc = nh_results_config_count(cand);
	cfg_ref_t *all = calloc(nb + nc + 1, sizeof *all);
	if (!c || !all) {
		free(c);
		free(all);
		errno = ENOMEM;
		return nh_err_set(err, "out of memory");
	}
	snprintf(c->base_dir, sizeof c->base_dir, "%s", nh_results_dir(base));
	snprintf(c->cand_dir, sizeof c->cand_dir, "%s", nh_results_dir(cand));
	c->alpha = alpha;
	c->resamples = o->resamples ? o->resamples : DEFAULT_RESAMPLES;
	uint64_t seed = o->seed ? o->seed : DEFAULT_SEED;
	for (unsigned i = 0; i < nb; i++)
		all[i] = (cfg_ref_t){base, nh_results_config(base, i)};
	for (unsigned i = 0; i < nc; i++)
		all[nb + i] = (cfg_ref_t){cand, nh_results_config(cand, i)};
	if (host_notes(c, base, cand) < 0)
		goto oom;
	for (unsigned i = 0; i < nb; i++) {
		const nh_results_config_t *bc = all[i].cfg;
		const nh_results_config_t *cc = nh_results_find(cand, bc->key);
		char label[256];
		make_label(all, nb + nc, &all[i], label, sizeof label);
		if (!cc) {
			if (add_unmatched(c, true, bc, label) < 0)
				goto oom;
			continue;
		}
		if (compare_config(c, base, bc, cand, cc, label, o, seed, err) < 0)
			goto fail;
	}
	for (unsigned i = 0; i < nc; i++) {
		if (nh_results_find(base, all[nb + i].cfg->key))
			continue;
		char label[256];
		make_label(all, nb + nc, &all[nb + i], label, sizeof label);
		if (add_unmatched(c, false, all[nb + i].cfg, label) < 0)
			goto oom;
	}
	if (nb && nc && (c->only_count[0] || c->only_count[1]) && mismatch_note(c, all, nb, nc) < 0)
		goto oom;
	free(all);
	*out = c;
	return 0;
oom:
	errno = ENOMEM;
	nh_err_set(err, "out of memory");
fail:
	free(all);
	nh_compare_free(c);
	return -1;
}

void nh_compare_free(nh_compare_t *c)
{
	if (!c)
		return;
	free(c->rows);
	free(c->only[0]);
	free(c->only[1]);
	free(c->notes);
	free(c);
}

unsigned nh_compare_row_count(const nh_compare_t *c) { return c->row_count; }

const nh_compare_row_t *nh_compare_row(const nh_compare_t *c, unsigned i)
{
	return i < c->row_count ? &c->rows[i] : NULL;
}

unsigned nh_compare_unmatched_count(const nh_compare_t *c, bool in_base)
{
	return c->only_count[in_base];
}

const nh_compare_unmatched_t *nh_compare_unmatched(const nh_compare_t *c, bool in_base, unsigned i)
{
	return i < c->only_count[in_base] ? &c->only[in_base][i] : NULL;
}

unsigned nh_compare_note_count(const nh_compare_t *c) { return c->note_count; }
const char *nh_compare_note(const nh_compare_t *c, unsigned i)
{
	return i < c->note_count ? c->notes[i] : NULL;
}
double nh_compare_alpha(const nh_compare_t *c) { return c->alpha; }
const char *nh_compare_base_dir(const nh_compare_t *c) { return c->base_dir; }
const char *nh_compare_cand_dir(const nh_compare_t *c) { return c->cand_dir; }

unsigned nh_compare_count(const nh_compare_t *c, enum nh_compare_verdict v)
{
	unsigned n = 0;
	for (unsigned i = 0; i < c->row_count; i++)
		n += c->rows[i].verdict == v;
	return n;
}

unsigned nh_compare_regressions_beyond(const nh_compare_t *c, double pct)
{
	unsigned n = 0;
	for (unsigned i = 0; i < c->row_count; i++) {
		const nh_compare_row_t *r = &c->rows[i];
		/* The epsilon keeps an exact -20% from slipping under a 20% gate by rounding. */
		if (r->verdict == NH_COMPARE_REGRESSION &&
		    (!isfinite(r->change) || fabs(r->change) * 100 >= pct - 1e-9))
			n++;
	}
	return n;
}

/* ---- text ---- */

/* A growing string; a failed allocation poisons it and the caller gets NULL. */
typedef struct sbuf {
	char *s;
	size_t len, cap;
	bool failed;
} sbuf_t;

static void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
	if (b->failed)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 1024) + (n > 0 ? (size_t)n : 0);
		char *grown = n < 0 ? NULL : realloc(b->s, cap);
		if (!grown) {
			b->failed = true;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static char *sb_take(sbuf_t *b)
{
	if (b->failed || !b->s) {
		free(b->s);
		errno = ENOMEM;
		return NULL;
	}
	return b->s;
}

/* Whole numbers for big values (MB/s, ops/s), 4 significant digits for small (ns, ratios). */
static void fmt_value(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, fabs(v) >= 1000 ? "%.0f" : "%.4g", v);
}

static void fmt_pct(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", v * 100);
}

static void fmt_ci(char *buf, size_t len, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "[%+.1f, %+.1f]%%", lo * 100, hi * 100);
}

static void fmt_p(char *buf, size_t len, double p)
{
	if (!isfinite(p))
		snprintf(buf, len, "-");
	else if (p < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p);
}

static void fmt_metric(char *buf, size_t len, const nh_compare_row_t *r)
{
	if (r->unit[0])
		snprintf(buf, len, "%s (%s)", r->metric, r->unit);
	else
		snprintf(buf, len, "%s", r->metric);
}

static void summary_line(sbuf_t *b, const nh_compare_t *c, bool md)
{
	unsigned reg = nh_compare_count(c, NH_COMPARE_REGRESSION);
	sb_printf(b, md && reg ? "**%u regression%s**" : "%u regression%s", reg,
		  reg == 1 ? "" : "s");
	unsigned imp = nh_compare_count(c, NH_COMPARE_IMPROVEMENT);
	sb_printf(b, ", %u improvement%s", imp, imp == 1 ? "" : "s");
	if (nh_compare_count(c, NH_COMPARE_CHANGED))
		sb_printf(b, ", %u changed", nh_compare_count(c, NH_COMPARE_CHANGED));
	sb_printf(b, ", %u same, %u insufficient (of %u configuration-metric pairs; alpha %g)",
		  nh_compare_count(c, NH_COMPARE_SAME),
		  nh_compare_count(c, NH_COMPARE_INSUFFICIENT), c->row_count, c->alpha);
}

enum { COL_CONFIG, COL_METRIC, COL_BASE, COL_CAND, COL_CHANGE, COL_CI, COL_P, COL_VERDICT, COLS };

static void row_cells(const nh_compare_row_t *r, char cells[COLS][300])
{
	snprintf(cells[COL_CONFIG], 300, "%s", r->label);
	fmt_metric(cells[COL_METRIC], 300, r);
	fmt_value(cells[COL_BASE], 300, r->base.median);
	fmt_value(cells[COL_CAND], 300, r->cand.median);
	fmt_pct(cells[COL_CHANGE], 300, r->change);
	fmt_ci(cells[COL_CI], 300, r->ci_lo, r->ci_hi);
	fmt_p(cells[COL_P], 300, r->p_mw);
	snprintf(cells[COL_VERDICT], 300, "%s", nh_compare_verdict_name(r->verdict));
}

char *nh_compare_table(const nh_compare_t *c)
{
	static const char *const heads[COLS] = {
		"configuration", "metric",   "baseline", "candidate",
		"change",        "interval", "p",        "verdict"};
	static const bool right[COLS] = {false, false, true, true, true, true, true, false};
	int width[COLS];
	char cells[COLS][300];
	for (int k = 0; k < COLS; k++)
		width[k] = (int)strlen(heads[k]);
	for (unsigned i = 0; i < c->row_count; i++) {
		row_cells(&c->rows[i], cells);
		for (int k = 0; k < COLS; k++)
			if ((int)strlen(cells[k]) > width[k])
				width[k] = (int)strlen(cells[k]);
	}
	sbuf_t b = {0};
	sb_printf(&b, "baseline  %s\ncandidate %s\n\n", c->base_dir, c->cand_dir);
	for (int k = 0; k + 1 < COLS; k++)
		sb_printf(&b, right[k] ? "%*s  " : "%-*s  ", width[k], heads[k]);
	sb_printf(&b, "%s\n", heads[COLS - 1]);
	for (unsigned i = 0; i < c->row_count; i++) {
		row_cells(&c->rows[i], cells);
		for (int k = 0; k < COLS; k++) {
			if (k + 1 == COLS)
				sb_printf(&b, "%s\n", cells[k]);
			else
				sb_printf(&b, right[k] ? "%*s  " : "%-*s  ", width[k], cells[k]);
		}
	}
	if (!c->row_count)
		sb_printf(&b, "(no configuration and metric in common)\n");
	for (int side = 1; side >= 0; side--)
		for (unsigned i = 0; i < c->only_count[side]; i++)
			sb_printf(&b, "only in the %s: %s\n", side ? "baseline" : "candidate",
				  c->only[side][i].label);
	for (unsigned i = 0; i < c->note_count; i++)
		sb_printf(&b, "note: %s\n", c->notes[i]);
	sb_printf(&b, "\n");
	summary_line(&b, c, false);
	sb_printf(&b, "\n");
	return sb_take(&b);
}

/* Markdown table cells: a '|' would end the cell. */
static void sb_md_cell(sbuf_t *b, const char *s)
{
	sb_printf(b, " ");
	for (const char *bar; (bar = strchr(s, '|')); s = bar + 1)
		sb_printf(b, "%.*s\\|", (int)(bar - s), s);
	sb_printf(b, "%s |", s);
}

char *nh_compare_markdown(const nh_compare_t *c)
{
	sbuf_t b = {0};
	sb_printf(&b,
		  "## Comparison with the baseline\n\nBaseline `%s`, candidate `%s`: ", c->base_dir,
		  c->cand_dir);
	summary_line(&b, c, true);
	sb_printf(&b, ".\n\n");
	if (c->row_count) {
		sb_printf(&b,
			  "| configuration | metric | baseline | candidate | change | %g%% "
			  "interval | "
			  "p (Mann-Whitney) | p (Welch) | runs | verdict |\n"
			  "|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n",
			  (1 - c->alpha) * 100);
		for (unsigned i = 0; i < c->row_count; i++) {
			const nh_compare_row_t *r = &c->rows[i];
			char cells[COLS][300], welch[32], runs[32], verdict[64];
			row_cells(r, cells);
			fmt_p(welch, sizeof welch, r->p_welch);
			snprintf(runs, sizeof runs, "%u / %u", r->base.n, r->cand.n);
			snprintf(verdict, sizeof verdict,
				 r->verdict == NH_COMPARE_REGRESSION ? "**%s**" : "%s",
				 cells[COL_VERDICT]);
			sb_printf(&b, "|");
			for (int k = 0; k < COL_VERDICT; k++)
				sb_md_cell(&b, cells[k]);
			sb_md_cell(&b, welch);
			sb_md_cell(&b, runs);
			sb_md_cell(&b, verdict);
			sb_printf(&b, "\n");
		}
		sb_printf(&b, "\n");
	}
	for (int side = 1; side >= 0; side--) {
		if (!c->only_count[side])
			continue;
		sb_printf(&b, "Only in the %s:", side ? "baseline" : "candidate");
		for (unsigned i = 0; i < c->only_count[side]; i++)
			sb_printf(&b, "%s `%s`", i ? "," : "", c->only[side][i].label);
		sb_printf(&b, ".\n\n");
	}
	for (unsigned i = 0; i < c->note_count; i++)
		sb_printf(&b, "- Note: %s\n%s", c->notes[i], i + 1 == c->note_count ? "\n" : "");
	sb_printf(&b, "A change is %s.\n", RULE);
	return sb_take(&b);
}

static json_t *num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static json_t *side_json(const nh_compare_side_t *s)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "n", (json_int_t)s->n, "median",
			 num(s->median), "min", num(s->min), "max", num(s->max), "mean",
			 num(s->mean), "cv", num(s->cv), "iqr", num(s->iqr));
}

json_t *nh_compare_json(const nh_compare_t *c)
{
	json_t *o = json_object(), *rows = json_array(), *summary = json_object();
	if (!o || !rows || !summary) {
		json_decref(o);
		json_decref(rows);
		json_decref(summary);
		return NULL;
	}
	json_object_set_new(o, "schema_version", json_integer(1));
	json_object_set_new(o, "baseline", json_string(c->base_dir));
	json_object_set_new(o, "candidate", json_string(c->cand_dir));
	json_object_set_new(o, "alpha", json_real(c->alpha));
	json_object_set_new(o, "resamples", json_integer(c->resamples));
	json_object_set_new(o, "rule", json_string(RULE));
	for (int v = 0; v < NH_COMPARE_VERDICTS; v++)
		json_object_set_new(summary, VERDICT_NAMES[v],
				    json_integer(nh_compare_count(c, v)));
	json_object_set_new(o, "summary", summary);
	for (unsigned i = 0; i < c->row_count; i++) {
		const nh_compare_row_t *r = &c->rows[i];
		json_t *row = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:[o, o], "
			"s:o, s:o, s:o, "
			"s:s, s:s}",
			"key", r->key, "label", r->label, "workload", r->workload, "policy",
			r->policy, "params", r->params, "allocator", r->allocator, "metric",
			r->metric, "unit", r->unit, "better",
			r->better > 0   ? "higher"
			: r->better < 0 ? "lower"
					: "none",
			"baseline", side_json(&r->base), "candidate", side_json(&r->cand),
			"change_pct", num(r->change * 100), "interval_pct", num(r->ci_lo * 100),
			num(r->ci_hi * 100), "p_mann_whitney", num(r->p_mw), "p_welch",
			num(r->p_welch), "noise_pct", num(r->noise * 100), "verdict",
			nh_compare_verdict_name(r->verdict), "reason", r->reason);
		if (row)
			json_array_append_new(rows, row);
	}
	json_object_set_new(o, "rows", rows);
	for (int side = 1; side >= 0; side--) {
		json_t *list = json_array();
		for (unsigned i = 0; i < c->only_count[side]; i++)
			json_array_append_new(
				list, json_pack("{s:s, s:s, s:I}", "key", c->only[side][i].key,
						"label", c->only[side][i].label, "ok_runs",
						(json_int_t)c->only[side][i].ok_count));
		json_object_set_new(o, side ? "only_in_baseline" : "only_in_candidate", list);
	}
	json_t *notes = json_array();
	for (unsigned i = 0; i < c->note_count; i++)
		json_array_append_new(notes, json_string(c->notes[i]));
	json_object_set_new(o, "notes", notes);
	return o;
}
