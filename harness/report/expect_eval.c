/* SPDX-License-Identifier: MIT */
/* expect_eval: a scenario's expectations applied to its results directory — one check per
 * expectation and configuration (or per host fact, or per pair of configurations), each pass,
 * fail or not evaluated with the reason. */
#include "expect_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading records ---- */

/* Text fields read as "" when absent: the messages name what is there. */
static const char *text_of(nh_str_t s) { return nh_str_or(s, ""); }

/* A measured value, when there is a finite one. */
static bool finite_num(nh_num_t n, double *out)
{
	if (!n.present || !isfinite(n.v))
		return false;
	*out = n.v;
	return true;
}

static long long run_number(const nh_rv_t *rec) { return (long long)nh_num_or(nh_rv_run(rec), 0); }

static const nh_rv_t *first_record(const nh_results_t *res, const nh_results_config_t *c)
{
	return nh_results_config_run(res, c, 0);
}

/* A record's parameter as text (the records keep what was given, numbers included). */
static const char *rec_param(const nh_rv_t *rec, const char *name)
{
	return nh_str_or(nh_rv_param(rec, name), NULL);
}

static bool params_match(const nh_expect_t *e, const nh_rv_t *rec)
{
	for (unsigned i = 0; i < e->params.count; i++) {
		const char *v = rec_param(rec, e->params.kv[i].name);
		if (!v || strcmp(v, e->params.kv[i].value) != 0)
			return false;
	}
	return true;
}

static bool config_matches(const nh_expect_t *e, const nh_results_t *res,
			   const nh_results_config_t *c, const char *policy)
{
	const nh_rv_t *rec = first_record(res, c);
	if (!rec)
		return false;
	if (e->workload[0] && strcmp(c->workload, e->workload) != 0)
		return false;
	if (policy[0] && strcmp(c->policy, policy) != 0)
		return false;
	/* Without a workload, a metric applies to the workloads that produce it (or whose records
	 * carry it: a metric the scenario derives). */
	if ((e->kind == NH_EXPECT_METRIC || e->kind == NH_EXPECT_RATIO) && !e->workload[0]) {
		const nh_workload_t *wl = nh_workload_find(c->workload, NULL);
		if (wl && !nh_expect_workload_has_metric(wl, e->what) && !nh_rv_metric(rec, e->what).present)
			return false;
	}
	return params_match(e, rec);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, unsigned n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- text ---- */

/* A bound as the user wrote it: 0.15, 10000, 1.3. */
static void fmt_bound_num(char *buf, size_t len, double v) { snprintf(buf, len, "%.10g", v); }

/* A measured value: whole numbers for big values (MB/s), 4 digits for small (ns, ratios). */
static void fmt_value(char *buf, size_t len, double v)
{
	snprintf(buf, len, fabs(v) >= 1000 ? "%.0f" : "%.4g", v);
}

/* "= 2", "≥ 0.99", "≤ 0.15", "in [10, 32]", each bound written by \p fmt. */
static void fmt_bounds_with(char *buf, size_t len, double min, double max,
			    void (*fmt)(char *, size_t, double))
{
	char a[32], b[32];
	if (!isnan(min))
		fmt(a, sizeof a, min);
	if (!isnan(max))
		fmt(b, sizeof b, max);
	if (!isnan(min) && !isnan(max))
		snprintf(buf, len, min == max ? "= %s" : "in [%s, %s]", a, b);
	else if (!isnan(min))
		snprintf(buf, len, "≥ %s", a);
	else
		snprintf(buf, len, "≤ %s", b);
}

static void fmt_bounds(char *buf, size_t len, double min, double max)
{
	fmt_bounds_with(buf, len, min, max, fmt_bound_num);
}

static bool within(double v, double min, double max)
{
	return (isnan(min) || v >= min) && (isnan(max) || v <= max);
}

/* Which side of the bounds a value missed: "< 10000 (min)", "> 0.15 (max)", "≠ 2". */
static void fmt_miss(char *buf, size_t len, double v, double min, double max)
{
	char b[32];
	if (!isnan(min) && !isnan(max) && min == max) {
		fmt_bound_num(b, sizeof b, min);
		snprintf(buf, len, "≠ %s", b);
	} else if (!isnan(min) && v < min) {
		fmt_bound_num(b, sizeof b, min);
		snprintf(buf, len, "< %s (min)", b);
	} else {
		fmt_bound_num(b, sizeof b, max);
		snprintf(buf, len, "> %s (max)", b);
	}
}

/* ---- evaluation ---- */

/* Per evaluation: the results and one short label per configuration. */
typedef struct eval {
	const nh_results_t *res;
	nh_checks_t *out;
	char (*labels)[512]; /* "stream membind=0 size=1G": workload, policy, varying parameters */
	char (*pair_labels)[512]; /* the same without the policy, for ratios */
	bool not_run; /* pushing a check whose runs never ran: it never fails the gate */
} eval_t;

static int push(eval_t *ev, const nh_expect_t *e, const char *name, const char *config,
		enum nh_check_status st, double value, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Room for one more check: its slot, or NULL (ENOMEM). */
static nh_check_t *next_check(nh_checks_t *out)
{
	if (out->count == out->cap) {
		unsigned cap = out->cap ? out->cap * 2 : 32;
		nh_check_t *grown = realloc(out->items, cap * sizeof *grown);
		if (!grown) {
			errno = ENOMEM;
			return NULL;
		}
		out->items = grown;
		out->cap = cap;
	}
	return &out->items[out->count++];
}

static void count_check(nh_checks_t *out, const nh_check_t *c)
{
	out->passed += c->status == NH_CHECK_PASS;
	out->failed += c->status == NH_CHECK_FAIL;
	out->not_evaluated += c->status == NH_CHECK_NOT_EVALUATED;
	out->gate_failed |= c->fails_gate;
}

int nh_checks_add(nh_checks_t *out, const nh_check_t *check, nh_err_t *err)
{
	nh_check_t *c = next_check(out);
	if (!c)
		return nh_err_set(err, "out of memory for checks");
	*c = *check;
	c->kind = NH_EXPECT_SCRIPT;
	c->fails_gate = c->status == NH_CHECK_FAIL ||
			(c->status == NH_CHECK_NOT_EVALUATED && out->unevaluated_fails);
	count_check(out, c);
	return 0;
}

static int push(eval_t *ev, const nh_expect_t *e, const char *name, const char *config,
		enum nh_check_status st, double value, const char *fmt, ...)
{
	nh_checks_t *out = ev->out;
	nh_check_t *c = next_check(out);
	if (!c)
		return -1;
	memset(c, 0, sizeof *c);
	c->kind = e->kind;
	c->status = st;
	c->value = value;
	c->min = e->min;
	c->max = e->max;
	snprintf(c->name, sizeof c->name, "%s", name);
	snprintf(c->source, sizeof c->source, "%s", e->source);
	snprintf(c->config, sizeof c->config, "%s", config ? config : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	/* unevaluated = "fail" is about what the scenario asked for: an implied check that cannot
	 * apply (a workload that registers no buffers) does not fail the gate. */
	c->fails_gate = st == NH_CHECK_FAIL ||
			(st == NH_CHECK_NOT_EVALUATED && out->unevaluated_fails && !e->implied &&
			 !ev->not_run);
	count_check(out, c);
	return 0;
}

/* Parameters whose value differs between configurations of the same workload: the ones worth
 * naming in a label (size=1G), unlike the defaults every configuration shares. */
static bool param_varies(const nh_results_t *res, const char *workload, const char *name,
			 const char *value)
{
	for (unsigned i = 0; i < nh_results_config_count(res); i++) {
		const nh_results_config_t *c = nh_results_config(res, i);
		const nh_rv_t *rec = first_record(res, c);
		if (!rec || strcmp(c->workload, workload) != 0)
			continue;
		const char *v = rec_param(rec, name);
		if (!v || strcmp(v, value) != 0)
			return true;
	}
	return false;
}

static int make_labels(eval_t *ev)
{
	unsigned n = nh_results_config_count(ev->res);
	ev->labels = calloc(n ? n : 1, sizeof *ev->labels);
	ev->pair_labels = calloc(n ? n : 1, sizeof *ev->pair_labels);
	if (!ev->labels || !ev->pair_labels)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		const nh_results_config_t *c = nh_results_config(ev->res, i);
		const nh_rv_t *rec = first_record(ev->res, c);
		char varying[400] = "";
		nh_rv_iter_t it = NH_RV_ITER_INIT;
		nh_rv_param_t p;
		while (nh_rv_param_next(rec, &it, &p)) {
			if (!p.is_string || !param_varies(ev->res, c->workload, p.name, p.text))
				continue;
			size_t used = strlen(varying);
			snprintf(varying + used, sizeof varying - used, " %s=%s", p.name, p.text);
		}
		nh_format_cut(ev->labels[i], sizeof ev->labels[i], "%s %s%s", c->workload, c->policy,
			      varying);
		snprintf(ev->pair_labels[i], sizeof ev->pair_labels[i], "%s%s", c->workload,
			 varying);
	}
	return 0;
}

/* "name (label)": the user's name, or the generated one; the label when it picks several. */
static void check_name(char *buf, size_t len, const nh_expect_t *e, const char *generated,
		       const char *label, unsigned matched)
{
	/* A name for the eye: one too long (long policies) is cut, and shows it. */
	const char *base = e->name[0] ? e->name : generated;
	if (e->name[0] ? matched > 1 : label != NULL)
		nh_format_cut(buf, len, "%s (%s)", base, label);
	else
		nh_format_cut(buf, len, "%s", base);
}

/* Why a configuration has nothing to check: all skipped (with the reason) or no ok run. */
static void no_ok_reason(const nh_results_t *res, const nh_results_config_t *c, char *buf,
			 size_t len)
{
	unsigned skipped = 0;
	const char *reason = "";
	for (unsigned i = 0; i < c->run_count; i++) {
		const nh_rv_t *rec = nh_results_config_run(res, c, i);
		if (strcmp(text_of(nh_rv_outcome(rec)), "skipped") == 0) {
			skipped++;
			reason = text_of(nh_rv_reason(rec));
		}
	}
	if (skipped == c->run_count)
		snprintf(buf, len, "skipped: %s", reason);
	else
		snprintf(buf, len,
			 "no ok run to measure (%u of %u runs did not finish ok; see the "
			 "outcomes check)",
			 c->run_count - c->ok_count, c->run_count);
}

static bool is_ok(const nh_rv_t *rec) { return strcmp(text_of(nh_rv_outcome(rec)), "ok") == 0; }

static int eval_outcomes(eval_t *ev, const nh_expect_t *e, const nh_results_config_t *c,
			 const char *name)
{
	unsigned bad = 0, skipped = 0;
	const nh_rv_t *first_bad = NULL;
	const char *skip_reason = "";
	for (unsigned i = 0; i < c->run_count; i++) {
		const nh_rv_t *rec = nh_results_config_run(ev->res, c, i);
		const char *oc = text_of(nh_rv_outcome(rec));
		if (strcmp(oc, "ok") == 0)
			continue;
		if (strcmp(oc, "skipped") == 0) {
			skipped++;
			skip_reason = text_of(nh_rv_reason(rec));
			if (e->allow_skipped)
				continue;
		}
		bad++;
		first_bad = first_bad ? first_bad : rec;
	}
	if (bad)
		return push(ev, e, name, c->key, NH_CHECK_FAIL, bad,
			    "%u of %u runs not ok; run %lld %s: %s", bad, c->run_count,
			    run_number(first_bad), text_of(nh_rv_outcome(first_bad)),
			    text_of(nh_rv_reason(first_bad)));
	if (skipped)
		return push(ev, e, name, c->key, NH_CHECK_PASS, 0,
			    "%u of %u runs ok, %u skipped: %s", c->ok_count, c->run_count, skipped,
			    skip_reason);
	return push(ev, e, name, c->key, NH_CHECK_PASS, 0, "%u of %u runs ok", c->ok_count,
		    c->run_count);
}

static int eval_placement(eval_t *ev, const nh_expect_t *e, const nh_results_config_t *c,
			  const char *name)
{
	unsigned judged = 0, exempt = 0, bad = 0;
	double worst = INFINITY;
	const nh_rv_t *first_bad = NULL, *unjudged = NULL;
	char why[256];
	for (unsigned i = 0; i < c->run_count; i++) {
		const nh_rv_t *rec = nh_results_config_run(ev->res, c, i);
		if (!is_ok(rec))
			continue;
		nh_rv_placement_t obs = nh_rv_placement(rec);
		double frac;
		if (!finite_num(obs.fraction_on_expected, &frac)) {
			unjudged = rec;
			continue;
		}
		judged++;
		const char *verdict = text_of(obs.verdict);
		/* Preferred and local policies may fall back (the kernel's choice under
		 * pressure): allowed unless the expectation is strict. Interleave off balance
		 * always counts. */
		bool fallback = strcmp(verdict, "fallback") == 0 && !e->strict;
		bool unbalanced = strcmp(verdict, "unbalanced") == 0;
		if (frac < e->min && fallback) {
			exempt++;
			continue;
		}
		worst = frac < worst ? frac : worst;
		if (frac < e->min || unbalanced) {
			bad++;
			first_bad = first_bad ? first_bad : rec;
		}
	}
	if (!c->ok_count) {
		no_ok_reason(ev->res, c, why, sizeof why);
		return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN, "%s", why);
	}
	if (!judged)
		return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN,
			    "placement not observed: %s",
			    text_of(nh_rv_placement(unjudged).verdict_reason));
	char note[160] = "";
	if (exempt)
		snprintf(note, sizeof note,
			 "; %u run%s fell back as the policy allows (strict = true "
			 "counts that as failing)",
			 exempt, exempt > 1 ? "s" : "");
	if (bad) {
		nh_rv_placement_t obs = nh_rv_placement(first_bad);
		double frac = obs.fraction_on_expected.v; /* judged: present */
		return push(ev, e, name, c->key, NH_CHECK_FAIL, worst,
			    "%u of %u runs off: run %lld has %.2f%% of its pages on node(s) %s "
			    "(threshold %.10g%%), verdict %s: %s%s",
			    bad, judged, run_number(first_bad), 100 * frac,
			    text_of(obs.expected_nodes), 100 * e->min, text_of(obs.verdict),
			    text_of(obs.verdict_reason), note);
	}
	if (!isfinite(worst)) /* every judged run fell back, and that is allowed */
		return push(ev, e, name, c->key, NH_CHECK_PASS, NAN,
			    "%u of %u runs fell back as the policy allows "
			    "(strict = true counts that as failing)",
			    exempt, judged);
	return push(ev, e, name, c->key, NH_CHECK_PASS, worst,
		    "lowest %.2f%% of pages on the expected node(s) over %u run%s "
		    "(threshold %.10g%%)%s",
		    100 * worst, judged - exempt, judged - exempt > 1 ? "s" : "", 100 * e->min,
		    note);
}

static int eval_numa_miss(eval_t *ev, const nh_expect_t *e, const nh_results_config_t *c,
			  const char *name)
{
	unsigned measured = 0, exempt = 0, bad = 0, unmeasured = 0;
	double worst = -INFINITY;
	const nh_rv_t *first_bad = NULL;
	char why[256];
	for (unsigned i = 0; i < c->run_count; i++) {
		const nh_rv_t *rec = nh_results_config_run(ev->res, c, i);
		if (!is_ok(rec))
			continue;
		double ratio;
		if (!finite_num(nh_rv_numa_miss_ratio(rec), &ratio)) {
			unmeasured++;
			continue;
		}
		/* numa_miss is what a preferred policy's fallback produces: same exemption. */
		const char *verdict = text_of(nh_rv_placement(rec).verdict);
		if (ratio > e->max && strcmp(verdict, "fallback") == 0 && !e->strict) {
			exempt++;
			continue;
		}
		measured++;
		worst = ratio > worst ? ratio : worst;
		if (ratio > e->max) {
			bad++;
			first_bad = first_bad ? first_bad : rec;
		}
	}
	if (!c->ok_count) {
		no_ok_reason(ev->res, c, why, sizeof why);
		return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN, "%s", why);
	}
	if (!measured && !exempt)
		return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN,
			    "no run has a numa_miss_ratio (numastat not read, or no allocations "
			    "counted)");
	char note[200] = "", unread[48] = "";
	if (unmeasured)
		snprintf(unread, sizeof unread, "; %u run%s without numastat", unmeasured,
			 unmeasured > 1 ? "s" : "");
	snprintf(note, sizeof note, "%s%s",
		 exempt ? "; runs whose placement fell back are exempt" : "", unread);
	if (bad) {
		double r = nh_rv_numa_miss_ratio(first_bad).v; /* measured: present */
		return push(ev, e, name, c->key, NH_CHECK_FAIL, worst,
			    "%u of %u runs over: run %lld missed %.4g > %.10g%s", bad, measured,
			    run_number(first_bad), r, e->max, note);
	}
	if (!measured)
		return push(ev, e, name, c->key, NH_CHECK_PASS, NAN,
			    "%u runs fell back as the policy allows%s", exempt, note);
	return push(ev, e, name, c->key, NH_CHECK_PASS, worst,
		    "highest %.4g over %u run%s ≤ %.10g%s", worst, measured,
		    measured > 1 ? "s" : "", e->max, note);
}

/* Median of a metric of one configuration; NAN with the reason when there is none. */
static double config_median(eval_t *ev, const nh_results_config_t *c, const char *metric,
			    const char **unit, unsigned *n, char *why, size_t len)
{
	double *vals = malloc(sizeof *vals * (c->run_count ? c->run_count : 1));
	*n = 0;
	*unit = "";
	if (!vals) {
		snprintf(why, len, "out of memory");
		return NAN;
	}
	int better = 0;
	*n = nh_results_values(ev->res, c, metric, vals, c->run_count, unit, &better);
	double med = median(vals, *n);
	free(vals);
	if (!*unit)
		*unit = "";
	if (!*n && !c->ok_count)
		no_ok_reason(ev->res, c, why, len);
	else if (!*n)
		snprintf(why, len, "metric '%s' is not in the records of %s", metric, c->workload);
	return med;
}

static int eval_metric(eval_t *ev, const nh_expect_t *e, const nh_results_config_t *c,
		       const char *name)
{
	char why[256], b[64], v[32];
	const char *unit;
	unsigned n;
	double med = config_median(ev, c, e->what, &unit, &n, why, sizeof why);
	if (!n)
		return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN, "%s", why);
	fmt_value(v, sizeof v, med);
	if (within(med, e->min, e->max)) {
		fmt_bounds(b, sizeof b, e->min, e->max);
		return push(ev, e, name, c->key, NH_CHECK_PASS, med, "median %s %s of %u run%s %s",
			    v, unit, n, n > 1 ? "s" : "", b);
	}
	fmt_miss(b, sizeof b, med, e->min, e->max);
	return push(ev, e, name, c->key, NH_CHECK_FAIL, med, "median %s %s of %u run%s %s", v, unit,
		    n, n > 1 ? "s" : "", b);
}

static int eval_counter(eval_t *ev, const nh_expect_t *e, const nh_results_config_t *c,
			const char *name)
{
	char why[256], b[64], v[32];
	double *vals = malloc(sizeof *vals * (c->run_count ? c->run_count : 1));
	if (!vals)
		return -1;
	unsigned n = 0, unavailable = 0, absent = 0;
	const char *reason = NULL, *unit = "";
	for (unsigned i = 0; i < c->run_count; i++) {
		const nh_rv_t *rec = nh_results_config_run(ev->res, c, i);
		if (!is_ok(rec))
			continue;
		nh_rv_counter_t ctr = nh_rv_counter(rec, e->what);
		double x;
		if (ctr.unavailable.present) {
			unavailable++;
			reason = reason ? reason : ctr.unavailable.s;
		} else if (finite_num(ctr.value, &x)) {
			vals[n++] = x;
			unit = nh_str_or(ctr.unit, unit);
		} else {
			absent++;
		}
	}
	double med = median(vals, n);
	free(vals);
	if (!n) {
		if (!c->ok_count) {
			no_ok_reason(ev->res, c, why, sizeof why);
			return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN, "%s", why);
		}
		if (reason)
			return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN,
				    "counter %s unavailable: %s", e->what, reason);
		const nh_rv_t *rec = first_record(ev->res, c);
		return push(ev, e, name, c->key, NH_CHECK_NOT_EVALUATED, NAN,
			    "counter %s not recorded (the runs counted: counters=%s)", e->what,
			    rec_param(rec, "counters") ? rec_param(rec, "counters") : "?");
	}
	char note[64] = "";
	if (unavailable + absent)
		snprintf(note, sizeof note, " (%u run%s without it)", unavailable + absent,
			 unavailable + absent > 1 ? "s" : "");
	fmt_value(v, sizeof v, med);
	bool ok = within(med, e->min, e->max);
	if (ok)
		fmt_bounds(b, sizeof b, e->min, e->max);
	else
		fmt_miss(b, sizeof b, med, e->min, e->max);
	return push(ev, e, name, c->key, ok ? NH_CHECK_PASS : NH_CHECK_FAIL, med,
		    "median %s%s%s of %u run%s %s%s", v, unit[0] ? " " : "", unit, n,
		    n > 1 ? "s" : "", b, note);
}

/* A ratio's generated name, "what of / to bounds", whole: check_name cuts it (visibly) to fit. */
#define RATIO_GEN_LEN (sizeof((nh_expect_t *)0)->what + sizeof((nh_expect_t *)0)->of + \
		       sizeof((nh_expect_t *)0)->to + 64 + sizeof "  /  ")

/* Every (of, to) pair of configurations that differ only in the policy. */
static int eval_ratio(eval_t *ev, const nh_expect_t *e)
{
	unsigned nc = nh_results_config_count(ev->res), pairs = 0;
	for (int pass = 0; pass < 2; pass++) {
		unsigned matched = pairs;
		pairs = 0;
		for (unsigned i = 0; i < nc; i++) {
			const nh_results_config_t *a = nh_results_config(ev->res, i);
			if (!config_matches(e, ev->res, a, e->of))
				continue;
			for (unsigned j = 0; j < nc; j++) {
				const nh_results_config_t *b = nh_results_config(ev->res, j);
				if (!config_matches(e, ev->res, b, e->to) ||
				    strcmp(a->workload, b->workload) != 0 ||
				    strcmp(a->params, b->params) != 0 ||
				    strcmp(a->allocator, b->allocator) != 0)
					continue;
				pairs++;
				if (pass == 0)
					continue;
				char gen[RATIO_GEN_LEN], name[sizeof((nh_check_t *)0)->name];
				char key[sizeof((nh_check_t *)0)->config], bounds[64], why[256];
				fmt_bounds(bounds, sizeof bounds, e->min, e->max);
				snprintf(gen, sizeof gen, "%s %s / %s %s", e->what, e->of, e->to,
					 bounds);
				check_name(name, sizeof name, e, gen, ev->pair_labels[i], matched);
				snprintf(key, sizeof key, "%s => %s", a->key, b->key); /* sized whole */
				const char *ua, *ub;
				unsigned na, nb;
				double ma =
					config_median(ev, a, e->what, &ua, &na, why, sizeof why);
				if (!na) {
					if (push(ev, e, name, key, NH_CHECK_NOT_EVALUATED, NAN,
						 "%s: %s", e->of, why) < 0)
						return -1;
					continue;
				}
				double mb =
					config_median(ev, b, e->what, &ub, &nb, why, sizeof why);
				if (!nb || mb == 0) {
					if (!nb ? push(ev, e, name, key, NH_CHECK_NOT_EVALUATED,
						       NAN, "%s: %s", e->to, why)
						: push(ev, e, name, key, NH_CHECK_NOT_EVALUATED,
						       NAN, "%s: median %s is 0, no ratio", e->to,
						       e->what) < 0)
						return -1;
					continue;
				}
				double r = ma / mb;
				char va[32], vb[32], b2[64];
				fmt_value(va, sizeof va, ma);
				fmt_value(vb, sizeof vb, mb);
				bool ok = within(r, e->min, e->max);
				if (ok)
					fmt_bounds(b2, sizeof b2, e->min, e->max);
				else
					fmt_miss(b2, sizeof b2, r, e->min, e->max);
				if (push(ev, e, name, key, ok ? NH_CHECK_PASS : NH_CHECK_FAIL, r,
					 "medians %s / %s %s = %.4g %s", va, vb, ua, r, b2) < 0)
					return -1;
			}
		}
	}
	if (!pairs) {
		char gen[RATIO_GEN_LEN], name[sizeof((nh_check_t *)0)->name], bounds[64];
		fmt_bounds(bounds, sizeof bounds, e->min, e->max);
		snprintf(gen, sizeof gen, "%s %s / %s %s", e->what, e->of, e->to, bounds);
		check_name(name, sizeof name, e, gen, NULL, 1);
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
			    "the results hold no pair of '%s' and '%s' configurations", e->of,
			    e->to);
	}
	return 0;
}

/* The generated name of a per-configuration expectation, before a configuration label. */
static void per_config_name(const nh_expect_t *e, const char *bounds, char *gen, size_t len)
{
	switch (e->kind) {
	case NH_EXPECT_PLACEMENT: snprintf(gen, len, "placement ≥ %.10g", e->min); break;
	case NH_EXPECT_NUMA_MISS: snprintf(gen, len, "numa_miss ratio ≤ %.10g", e->max); break;
	case NH_EXPECT_OUTCOMES:
		snprintf(gen, len, "%s", e->allow_skipped ? "runs ok or skipped" : "runs ok");
		break;
	default: snprintf(gen, len, "%s %s", e->what, bounds); break;
	}
}

/* Kinds evaluated per configuration: one check for each configuration the filter picks. */
static int eval_per_config(eval_t *ev, const nh_expect_t *e)
{
	if (e->kind == NH_EXPECT_RATIO)
		return eval_ratio(ev, e);
	unsigned nc = nh_results_config_count(ev->res), matched = 0;
	for (unsigned i = 0; i < nc; i++)
		matched += config_matches(e, ev->res, nh_results_config(ev->res, i), e->policy);
	char gen[256], bounds[64];
	fmt_bounds(bounds, sizeof bounds, e->min, e->max);
	per_config_name(e, bounds, gen, sizeof gen);
	if (!matched)
		return push(ev, e, e->name[0] ? e->name : gen, NULL, NH_CHECK_NOT_EVALUATED, NAN,
			    "no configuration in the results matches");
	for (unsigned i = 0; i < nc; i++) {
		const nh_results_config_t *c = nh_results_config(ev->res, i);
		if (!config_matches(e, ev->res, c, e->policy))
			continue;
		char name[384];
		check_name(name, sizeof name, e, gen, ev->labels[i], matched);
		int rc;
		switch (e->kind) {
		case NH_EXPECT_PLACEMENT: rc = eval_placement(ev, e, c, name); break;
		case NH_EXPECT_NUMA_MISS: rc = eval_numa_miss(ev, e, c, name); break;
		case NH_EXPECT_METRIC: rc = eval_metric(ev, e, c, name); break;
		case NH_EXPECT_COUNTER: rc = eval_counter(ev, e, c, name); break;
		default: rc = eval_outcomes(ev, e, c, name); break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A host check's verdict; with `report` (no bound given) the same evidence, not evaluated. */
static int host_push(eval_t *ev, const nh_expect_t *e, const char *name, enum nh_check_status st,
		     double value, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int host_push(eval_t *ev, const nh_expect_t *e, const char *name, enum nh_check_status st,
		     double value, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (e->report)
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, value,
			    "%s; evidence only: the scenario gave no expected value", detail);
	return push(ev, e, name, NULL, st, value, "%s", detail);
}

/* Sizes as an operator writes them: "≥ 16 GiB", "in [16 GiB, 64 GiB]". */
static void fmt_size(char *buf, size_t len, double v)
{
	nh_format_size((uint64_t)v, buf, len);
}

static void fmt_size_bounds(char *buf, size_t len, double min, double max)
{
	fmt_bounds_with(buf, len, min, max, fmt_size);
}

/* Memory per node: MemTotal of every node as the kernel counts it (node N's meminfo, recorded
 * in the manifest). Every node counts, memory-less ones included: a socket whose DIMMs are
 * missing is exactly what this check is for. The evidence lists every node's figure. */
static int eval_node_memory(eval_t *ev, const nh_expect_t *e, const nh_mv_t *mv, const char *name)
{
	char list[360] = "", bad[200] = "", item[64], sz[32];
	double lo = INFINITY, hi = -INFINITY;
	for (unsigned i = 0; i < nh_mv_node_count(mv); i++) {
		nh_mv_node_t node = nh_mv_node(mv, i);
		long long id = (long long)nh_num_or(node.id, 0);
		double b;
		if (!finite_num(node.mem_total_bytes, &b) || b < 0)
			return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
				    "the manifest has no mem_total_bytes for node %lld", id);
		snprintf(item, sizeof item, "node %lld: %s", id,
			 nh_format_size((uint64_t)b, sz, sizeof sz));
		nh_expect_list_add(list, sizeof list, item);
		lo = b < lo ? b : lo;
		hi = b > hi ? b : hi;
		if (within(b, e->min, e->max) || bad[0])
			continue;
		char bound[32];
		bool low = !isnan(e->min) && b < e->min;
		nh_format_size((uint64_t)(low ? e->min : e->max), bound, sizeof bound);
		char exact[40] = ""; /* the bytes, where the rounded figure hides them */
		if (b >= 1024)
			snprintf(exact, sizeof exact, " (%.0f B)", b);
		snprintf(bad, sizeof bad, "node %lld has %s%s, %s %s (%s); ", id,
			 b == 0 ? "no memory" : sz, exact, low ? "<" : ">", bound,
			 low ? "min" : "max");
	}
	if (!isfinite(lo))
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN, "the manifest lists no node");
	if (bad[0])
		/* MemTotal is the installed memory less what firmware and the kernel keep, and on
		 * VMs that initialise memory lazily it grows for a while after boot. */
		return host_push(ev, e, name, NH_CHECK_FAIL,
				 !isnan(e->min) && lo < e->min ? lo : hi,
				 "%s%s (MemTotal runs below the installed size, and on VMs with lazily "
				 "initialised memory grows after boot: leave slack in min)",
				 bad, list);
	return host_push(ev, e, name, NH_CHECK_PASS, lo, "%s", list);
}

/* Topology checks read the host facts the manifest recorded for this very run. */
static int eval_topology(eval_t *ev, const nh_expect_t *e)
{
	char gen[256], name[384], bounds[64], miss[64];
	const char *what = e->kind == NH_EXPECT_NODES		? "nodes"
			   : e->kind == NH_EXPECT_CPUS_PER_NODE ? "CPUs per node"
			   : e->kind == NH_EXPECT_NODE_MEMORY	? "memory per node"
								: "remote distances";
	if (e->report)
		snprintf(bounds, sizeof bounds, "(evidence only)");
	else if (e->kind == NH_EXPECT_NODE_MEMORY)
		fmt_size_bounds(bounds, sizeof bounds, e->min, e->max);
	else
		fmt_bounds(bounds, sizeof bounds, e->min, e->max);
	snprintf(gen, sizeof gen, "%s %s", what, bounds);
	check_name(name, sizeof name, e, gen, NULL, 1);
	const nh_mv_t *mv = nh_results_manifest(ev->res);
	if (!nh_mv_has_nodes(mv, NULL))
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
			    "the manifest has no host topology (host.nodes)");
	size_t n = nh_mv_node_count(mv);
	if (e->kind == NH_EXPECT_NODE_MEMORY)
		return eval_node_memory(ev, e, mv, name);
	if (e->kind == NH_EXPECT_NODES) {
		bool ok = within((double)n, e->min, e->max);
		fmt_miss(miss, sizeof miss, (double)n, e->min, e->max);
		return host_push(ev, e, name, ok ? NH_CHECK_PASS : NH_CHECK_FAIL, (double)n,
				 "%zu node%s%s%s", n, n == 1 ? "" : "s", ok ? "" : " ",
				 ok ? "" : miss);
	}
	if (e->kind == NH_EXPECT_CPUS_PER_NODE) {
		unsigned with_cpus = 0;
		double lo = INFINITY, hi = -INFINITY;
		char bad[160] = "", cpuless[96] = "";
		for (size_t i = 0; i < n; i++) {
			nh_mv_node_t node = nh_mv_node(mv, (unsigned)i);
			double k = (double)node.cpu_count;
			long long id = (long long)nh_num_or(node.id, 0);
			char item[32];
			if (k == 0) { /* memory-only nodes (CXL, HBM) hold no CPUs by design */
				snprintf(item, sizeof item, "%lld", id);
				nh_expect_list_add(cpuless, sizeof cpuless, item);
				continue;
			}
			with_cpus++;
			lo = k < lo ? k : lo;
			hi = k > hi ? k : hi;
			if (!within(k, e->min, e->max) && !bad[0])
				snprintf(bad, sizeof bad, "node %lld has %.0f CPUs", id, k);
		}
		char note[160] = "";
		if (cpuless[0])
			nh_format_cut(note, sizeof note, " (node(s) %s without CPUs not counted)",
				      cpuless);
		if (!with_cpus)
			return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
				    "no node has CPUs");
		if (bad[0]) {
			fmt_miss(miss, sizeof miss, lo < e->min ? lo : hi, e->min, e->max);
			return host_push(ev, e, name, NH_CHECK_FAIL,
					 !isnan(e->min) && lo < e->min ? lo : hi, "%s, %s%s", bad,
					 miss, note);
		}
		if (lo == hi)
			return host_push(ev, e, name, NH_CHECK_PASS, lo,
					 "%u node%s with %.0f CPU%s each%s", with_cpus,
					 with_cpus > 1 ? "s" : "", lo, lo == 1 ? "" : "s", note);
		return host_push(ev, e, name, NH_CHECK_PASS, lo, "%u nodes with %.0f..%.0f CPUs%s",
				 with_cpus, lo, hi, note);
	}
	/* distance: every off-diagonal entry of the SLIT matrix */
	double lo = INFINITY, hi = -INFINITY;
	char bad[96] = "";
	for (unsigned i = 0; i < nh_mv_distance_rows(mv); i++) {
		for (unsigned j = 0; j < nh_mv_distance_cols(mv, i); j++) {
			double d;
			if (i == j || !finite_num(nh_mv_distance(mv, i, j), &d))
				continue;
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
			if (!within(d, e->min, e->max) && !bad[0]) {
				long long a = (long long)nh_num_or(nh_mv_node(mv, i).id, 0);
				long long b = (long long)nh_num_or(nh_mv_node(mv, j).id, 0);
				fmt_miss(miss, sizeof miss, d, e->min, e->max);
				snprintf(bad, sizeof bad, "distance %lld→%lld is %.0f %s", a, b, d,
					 miss);
			}
		}
	}
	if (!isfinite(lo))
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
			    "%zu node%s: no remote distances", n, n == 1 ? "" : "s");
	if (bad[0])
		return host_push(ev, e, name, NH_CHECK_FAIL,
				 !isnan(e->min) && lo < e->min ? lo : hi, "%s", bad);
	if (lo == hi)
		return host_push(ev, e, name, NH_CHECK_PASS, hi, "every remote distance is %.0f",
				 lo);
	return host_push(ev, e, name, NH_CHECK_PASS, hi, "remote distances %.0f..%.0f", lo, hi);
}

/* Remote/local latency from chase runs of cpunodebind=A membind=B: about 1 with several nodes
 * means the nodes are not what they seem (sub-NUMA clusters of one socket, memory interleaved
 * behind the firmware's back, a VM's virtual nodes on one host node). */
static int eval_latency_ratio(eval_t *ev, const nh_expect_t *e)
{
	char gen[256], name[384], bounds[64];
	fmt_bounds(bounds, sizeof bounds, e->min, e->max);
	snprintf(gen, sizeof gen, "remote/local latency ratio %s", bounds);
	check_name(name, sizeof name, e, gen, NULL, 1);
	double sum[2] = {0, 0};
	unsigned cnt[2] = {0, 0}, pairs = 0;
	for (unsigned i = 0; i < nh_results_config_count(ev->res); i++) {
		const nh_results_config_t *c = nh_results_config(ev->res, i);
		const nh_rv_t *rec = first_record(ev->res, c);
		int a, b, end = 0;
		if (!rec || strcmp(c->workload, "chase") != 0 || !params_match(e, rec) ||
		    sscanf(c->policy, "cpunodebind=%d membind=%d%n", &a, &b, &end) != 2 ||
		    c->policy[end])
			continue;
		pairs++;
		const char *unit;
		unsigned n;
		char why[128];
		double med = config_median(ev, c, "ns_per_load", &unit, &n, why, sizeof why);
		if (!n)
			continue;
		sum[a != b] += med;
		cnt[a != b]++;
	}
	if (!pairs)
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
			    "no chase runs of cpunodebind=A membind=B pairs in this scenario "
			    "(policies.node_pairs(topo, \"cpunodebind=%%d membind=%%d\"))");
	unsigned host_nodes = nh_mv_node_count(nh_results_manifest(ev->res));
	if (!cnt[1] && host_nodes == 1)
		/* Not a pass: there is no remote memory to be slower. A multi-socket machine that
		 * shows one node has node interleaving on in its BIOS — the nodes check says so. */
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
			    "not applicable: 1 NUMA node, so no remote memory to compare with "
			    "(a single-socket host, a VM with one virtual node, or node "
			    "interleaving on in the BIOS)");
	if (!cnt[0] || !cnt[1])
		return push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN,
			    "no %s pair measured (%u pair%s in all)", cnt[0] ? "remote" : "local",
			    pairs, pairs > 1 ? "s" : "");
	double local = sum[0] / cnt[0], remote = sum[1] / cnt[1], r = remote / local;
	bool ok = within(r, e->min, e->max);
	char b2[64];
	if (ok)
		fmt_bounds(b2, sizeof b2, e->min, e->max);
	else
		fmt_miss(b2, sizeof b2, r, e->min, e->max);
	return push(ev, e, name, NULL, ok ? NH_CHECK_PASS : NH_CHECK_FAIL, r,
		    "remote %.4g ns / local %.4g ns = %.3g %s (%u remote, %u local pairs)%s",
		    remote, local, r, b2, cnt[1], cnt[0],
		    ok || r > 1.15 ? ""
				   : "; about 1: the nodes have no separate memory behind them "
				     "(sub-NUMA clusters of one socket, interleaved memory, or virtual "
				     "nodes on one host node)");
}

static bool has_kind(const nh_expect_set_t *set, enum nh_expect_kind k)
{
	for (unsigned i = 0; i < set->count; i++)
		if (set->items[i].kind == k)
			return true;
	return false;
}

bool nh_expect_kind_is_host(enum nh_expect_kind k)
{
	return k == NH_EXPECT_NODES || k == NH_EXPECT_CPUS_PER_NODE || k == NH_EXPECT_DISTANCE ||
	       k == NH_EXPECT_NODE_MEMORY;
}

/* The name an expectation's checks go by when no configuration is at hand: the user's, or the
 * generated one without a configuration label (as when nothing matches). */
static void plain_name(const nh_expect_t *e, char *buf, size_t len)
{
	char gen[RATIO_GEN_LEN], bounds[64] = "";
	if (!isnan(e->min) || !isnan(e->max))
		fmt_bounds(bounds, sizeof bounds, e->min, e->max);
	if (e->kind == NH_EXPECT_RATIO)
		snprintf(gen, sizeof gen, "%s %s / %s %s", e->what, e->of, e->to, bounds);
	else if (e->kind == NH_EXPECT_LATENCY_RATIO)
		snprintf(gen, sizeof gen, "remote/local latency ratio %s", bounds);
	else
		per_config_name(e, bounds, gen, sizeof gen);
	check_name(buf, len, e, gen, NULL, 1);
}

/* One expectation, or (with \p skip_reason) not evaluated for that reason when it needs runs. */
static int eval_one(eval_t *ev, const nh_expect_t *e, bool host_only, const char *skip_reason)
{
	if (host_only && !nh_expect_kind_is_host(e->kind)) {
		if (!skip_reason)
			return 0;
		char name[sizeof((nh_check_t *)0)->name];
		plain_name(e, name, sizeof name);
		/* Not a verdict on the expectation (the host checks that stopped the sweep are),
		 * so it does not fail the gate even under unevaluated = "fail". */
		ev->not_run = true;
		int rc = push(ev, e, name, NULL, NH_CHECK_NOT_EVALUATED, NAN, "%s", skip_reason);
		ev->not_run = false;
		return rc;
	}
	if (nh_expect_per_config(e->kind))
		return eval_per_config(ev, e);
	if (e->kind == NH_EXPECT_LATENCY_RATIO)
		return eval_latency_ratio(ev, e);
	return eval_topology(ev, e);
}

/* Every expectation in order, implied ones first; host_only: the host kinds alone. */
static int evaluate(const nh_expect_set_t *set, const nh_results_t *res, bool host_only,
		    const char *skip_reason, nh_checks_t *out, nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	snprintf(out->scenario, sizeof out->scenario, "%s",
		 set->scenario[0] ? set->scenario : "scenario");
	out->unevaluated_fails = set->unevaluated_fails;
	eval_t ev = {.res = res, .out = out};
	int rc = -1;
	if (make_labels(&ev) < 0)
		goto out;
	/* Implied checks, unless the scenario says otherwise: every counted run finished ok or
	 * skipped, and the placement threshold held. */
	nh_expect_t implied = {.min = NAN, .max = NAN, .implied = true};
	snprintf(implied.source, sizeof implied.source, "%s", set->source);
	if (!has_kind(set, NH_EXPECT_OUTCOMES)) {
		implied.kind = NH_EXPECT_OUTCOMES;
		implied.allow_skipped = true;
		if (eval_one(&ev, &implied, host_only, skip_reason) < 0)
			goto out;
	}
	if (!has_kind(set, NH_EXPECT_PLACEMENT)) {
		implied.kind = NH_EXPECT_PLACEMENT;
		implied.min = set->placement_threshold;
		if (eval_one(&ev, &implied, host_only, skip_reason) < 0)
			goto out;
	}
	for (unsigned i = 0; i < set->count; i++)
		if (eval_one(&ev, &set->items[i], host_only, skip_reason) < 0)
			goto out;
	rc = 0;
out:
	if (rc < 0) {
		nh_checks_free(out);
		errno = ENOMEM;
		nh_err_set(err, "out of memory evaluating expectations");
	}
	free(ev.labels);
	free(ev.pair_labels);
	return rc;
}

int nh_expect_evaluate(const nh_expect_set_t *set, const nh_results_t *res, nh_checks_t *out,
		       nh_err_t *err)
{
	return evaluate(set, res, false, NULL, out, err);
}

int nh_expect_evaluate_host(const nh_expect_set_t *set, const nh_results_t *res,
			    const char *others_reason, nh_checks_t *out, nh_err_t *err)
{
	return evaluate(set, res, true, others_reason, out, err);
}

void nh_checks_free(nh_checks_t *c)
{
	if (!c)
		return;
	free(c->items);
	c->items = NULL;
	c->count = c->cap = 0;
}
