/* SPDX-License-Identifier: MIT */
/* expect: a scenario's expectations — the set as the scenario declares it, and its checks
 * against the plan before anything runs (a filter that matches nothing, a metric the workload
 * does not have). Evaluating them on the records is expect_eval.c; writing the checks is
 * expect_output.c. */
#include "expect_internal.h"
#include "policy.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const KIND_NAMES[] = {
	[NH_EXPECT_NODES] = "nodes",
	[NH_EXPECT_CPUS_PER_NODE] = "cpus_per_node",
	[NH_EXPECT_DISTANCE] = "distance",
	[NH_EXPECT_LATENCY_RATIO] = "remote_local_latency_ratio",
	[NH_EXPECT_PLACEMENT] = "placement",
	[NH_EXPECT_NUMA_MISS] = "numa_miss_ratio",
	[NH_EXPECT_METRIC] = "metric",
	[NH_EXPECT_RATIO] = "ratio",
	[NH_EXPECT_COUNTER] = "counter",
	[NH_EXPECT_OUTCOMES] = "outcomes",
	[NH_EXPECT_NODE_MEMORY] = "node_memory",
	[NH_EXPECT_SCRIPT] = "script",
};

const char *nh_expect_kind_name(enum nh_expect_kind k)
{
	return (unsigned)k < NH_ARRAY_LEN(KIND_NAMES) ? KIND_NAMES[k] : "?";
}

int nh_expect_kind_parse(const char *name)
{
	for (size_t i = 0; name && i < NH_ARRAY_LEN(KIND_NAMES); i++)
		if (i != NH_EXPECT_SCRIPT && strcmp(name, KIND_NAMES[i]) == 0) /* not written in expect { } */
			return (int)i;
	return -1;
}

const char *nh_check_status_name(enum nh_check_status s)
{
	static const char *const names[] = {"pass", "fail", "not-evaluated"};
	return (unsigned)s < NH_ARRAY_LEN(names) ? names[s] : "?";
}

/* Kinds that look at configurations, and so take the workload / policy / params filter. */
bool nh_expect_per_config(enum nh_expect_kind k)
{
	return k == NH_EXPECT_PLACEMENT || k == NH_EXPECT_NUMA_MISS || k == NH_EXPECT_METRIC ||
	       k == NH_EXPECT_RATIO || k == NH_EXPECT_COUNTER || k == NH_EXPECT_OUTCOMES;
}

/* ---- the set ---- */

nh_expect_set_t *nh_expect_set_new(void)
{
	nh_expect_set_t *set = calloc(1, sizeof *set);
	if (set)
		set->placement_threshold = 0.99;
	return set;
}

void nh_expect_set_free(nh_expect_set_t *set)
{
	if (!set)
		return;
	free(set->items);
	free(set);
}

void nh_expect_set_scenario(nh_expect_set_t *set, const char *name, const char *source,
			    double placement_threshold, bool unevaluated_fails)
{
	snprintf(set->scenario, sizeof set->scenario, "%s", name ? name : "");
	snprintf(set->source, sizeof set->source, "%s", source ? source : "");
	set->placement_threshold = placement_threshold > 0 ? placement_threshold : 0.99;
	set->unevaluated_fails = unevaluated_fails;
}

int nh_expect_set_derived(nh_expect_set_t *set, const char *metric)
{
	if (set->derived_count == NH_ARRAY_LEN(set->derived) || strlen(metric) >= sizeof set->derived[0]) {
		errno = E2BIG;
		return -1;
	}
	snprintf(set->derived[set->derived_count++], sizeof set->derived[0], "%s", metric);
	return 0;
}

unsigned nh_expect_count(const nh_expect_set_t *set) { return set->count; }

const nh_expect_t *nh_expect_at(const nh_expect_set_t *set, unsigned i)
{
	return i < set->count ? &set->items[i] : NULL;
}

/* The records hold policy.requested as the policy parser spells it ("-m 0" is "membind=0"), so
 * filters are spelt the same way before anything compares them. */
static int normalise_policy(char *text, size_t len, const char *what, const char *source,
			    nh_err_t *err)
{
	if (!text[0])
		return 0;
	nh_policy_t p;
	if (nh_policy_parse(&p, text, NULL, err) < 0)
		return what ? nh_err_prefix(err, "%s: expect: %s", source, what)
			    : nh_err_prefix(err, "%s: expect", source);
	snprintf(text, len, "%s", p.spec);
	return 0;
}

int nh_expect_add(nh_expect_set_t *set, const nh_expect_t *e, nh_err_t *err)
{
	if (set->count == set->cap) {
		unsigned cap = set->cap ? set->cap * 2 : 8;
		nh_expect_t *grown = realloc(set->items, cap * sizeof *grown);
		if (!grown) {
			errno = ENOMEM;
			return nh_err_set(err, "out of memory for expectations");
		}
		set->items = grown;
		set->cap = cap;
	}
	nh_expect_t *x = &set->items[set->count];
	*x = *e;
	if (normalise_policy(x->policy, sizeof x->policy, NULL, x->source, err) < 0 ||
	    normalise_policy(x->of, sizeof x->of, "ratio.of", x->source, err) < 0 ||
	    normalise_policy(x->to, sizeof x->to, "ratio.to", x->source, err) < 0)
		return -1;
	if (x->kind == NH_EXPECT_RATIO && strcmp(x->of, x->to) == 0) {
		errno = EINVAL;
		return nh_err_set(err, "%s: expect: ratio of '%s' to itself", x->source, x->of);
	}
	set->count++;
	return 0;
}

/* ---- plan-time checks ---- */

/* Metrics every run may carry besides the workload's own: the series layer adds the first
 * three, the forecast after the run (harness/run/run_forecast.c) the others. */
static const char *const SERIES_METRICS[] = {"rss_growth",	    "file_growth",
					     "rss_steps",	    "time_to_limit_s",
					     "time_to_limit_low_s", "time_to_limit_high_s"};

bool nh_expect_workload_has_metric(const nh_workload_t *wl, const char *name)
{
	for (const nh_metric_def_t *d = wl ? wl->metrics : NULL; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return true;
	for (size_t i = 0; i < NH_ARRAY_LEN(SERIES_METRICS); i++)
		if (strcmp(SERIES_METRICS[i], name) == 0)
			return true;
	return false;
}

/* Append ", item" to a list text once (lists in messages stay short and unique). */
void nh_expect_list_add(char *buf, size_t len, const char *item)
{
	size_t n = strlen(item), used = strlen(buf);
	for (const char *p = buf; (p = strstr(p, item)); p += n)
		if ((p == buf || p[-2] == ',') && (p[n] == ',' || p[n] == '\0'))
			return;
	if (used + n + 8 >= len) {
		if (!strstr(buf, ", ..."))
			snprintf(buf + used, len - used, ", ...");
		return;
	}
	snprintf(buf + used, len - used, "%s%s", used ? ", " : "", item);
}

static bool spec_params_match(const nh_expect_t *e, const nh_expect_planned_t *s, unsigned upto)
{
	for (unsigned i = 0; i < e->params.count && i < upto; i++) {
		const char *v = nh_params_get(s->params, e->params.kv[i].name);
		if (!v || strcmp(v, e->params.kv[i].value) != 0)
			return false;
	}
	return true;
}

/* Does the filter, with \p policy in place of the expectation's own, pick something? Names the
 * first filter that picks nothing, listing what there is. */
static int check_filter(const nh_expect_t *e, const nh_expect_planned_t *plan, unsigned n, const char *policy,
			const char *what, nh_err_t *err)
{
	char seen[400] = "";
	bool any = false;
	for (unsigned i = 0; i < n; i++) {
		const nh_expect_planned_t *s = &plan[i];
		nh_expect_list_add(seen, sizeof seen, s->wl->name);
		any |= !e->workload[0] || strcmp(s->wl->name, e->workload) == 0;
	}
	errno = EINVAL;
	if (!any)
		return nh_err_set(
			err,
			"%s: expect: no run of this scenario has workload '%s' (workloads: %s)",
			e->source, e->workload, seen);
	seen[0] = '\0';
	any = false;
	for (unsigned i = 0; i < n; i++) {
		const nh_expect_planned_t *s = &plan[i];
		if (e->workload[0] && strcmp(s->wl->name, e->workload) != 0)
			continue;
		nh_expect_list_add(seen, sizeof seen, s->policy);
		any |= !policy[0] || strcmp(s->policy, policy) == 0;
	}
	if (!any)
		return nh_err_set(err,
				  "%s: expect: no run of this scenario has %s '%s' (policies: %s)",
				  e->source, what, policy, seen);
	for (unsigned k = 0; k < e->params.count; k++) {
		const char *name = e->params.kv[k].name;
		seen[0] = '\0';
		any = false;
		for (unsigned i = 0; i < n; i++) {
			const nh_expect_planned_t *s = &plan[i];
			if ((e->workload[0] && strcmp(s->wl->name, e->workload) != 0) ||
			    (policy[0] && strcmp(s->policy, policy) != 0) ||
			    !spec_params_match(e, s, k))
				continue;
			const char *v = nh_params_get(s->params, name);
			if (v)
				nh_expect_list_add(seen, sizeof seen, v);
			any |= v && strcmp(v, e->params.kv[k].value) == 0;
		}
		if (!any && !seen[0])
			return nh_err_set(err,
					  "%s: expect: the runs it picks have no parameter '%s'",
					  e->source, name);
		if (!any)
			return nh_err_set(err, "%s: expect: no run it picks has %s=%s (%s: %s)",
					  e->source, name, e->params.kv[k].value, name, seen);
	}
	return 0;
}

static bool spec_matches(const nh_expect_t *e, const nh_expect_planned_t *s, const char *policy)
{
	return (!e->workload[0] || strcmp(s->wl->name, e->workload) == 0) &&
	       (!policy[0] || strcmp(s->policy, policy) == 0) &&
	       spec_params_match(e, s, e->params.count);
}

/* Two specs of the same configuration apart from the policy: what a ratio compares. */
static bool same_but_policy(const nh_expect_planned_t *a, const nh_expect_planned_t *b)
{
	if (a->wl != b->wl || a->params->count != b->params->count)
		return false;
	for (unsigned i = 0; i < a->params->count; i++) {
		const char *v = nh_params_get(b->params, a->params->kv[i].name);
		if (!v || strcmp(v, a->params->kv[i].value) != 0)
			return false;
	}
	return true;
}

int nh_expect_check_plan(const nh_expect_set_t *set, const nh_expect_planned_t *plan, unsigned n,
			 nh_err_t *err)
{
	for (unsigned k = 0; k < set->count; k++) {
		const nh_expect_t *e = &set->items[k];
		if (!nh_expect_per_config(e->kind)) {
			if (e->kind == NH_EXPECT_LATENCY_RATIO && e->params.count &&
			    check_filter(e, plan, n, "", "policy", err) < 0)
				return -1;
			continue;
		}
		if (e->kind == NH_EXPECT_RATIO) {
			if (check_filter(e, plan, n, e->of, "ratio.of policy", err) < 0 ||
			    check_filter(e, plan, n, e->to, "ratio.to policy", err) < 0)
				return -1;
		} else if (check_filter(e, plan, n, e->policy, "policy", err) < 0) {
			return -1;
		}
		if (e->kind == NH_EXPECT_METRIC || e->kind == NH_EXPECT_RATIO) {
			/* The metric must be one that some picked workload produces. */
			char metrics[400] = "";
			bool known = false;
			for (unsigned i = 0; i < n; i++) {
				const nh_expect_planned_t *s = &plan[i];
				if (!spec_matches(e, s,
						  e->kind == NH_EXPECT_RATIO ? e->of : e->policy))
					continue;
				known |= nh_expect_workload_has_metric(s->wl, e->what);
				for (unsigned d = 0; d < set->derived_count; d++)
					known |= strcmp(set->derived[d], e->what) == 0;
				for (const nh_metric_def_t *d = s->wl->metrics; d && d->name; d++)
					nh_expect_list_add(metrics, sizeof metrics, d->name);
			}
			if (!known) {
				errno = EINVAL;
				return nh_err_set(
					err,
					"%s: expect: no run it picks has metric '%s' (metrics: %s)",
					e->source, e->what, metrics);
			}
		}
		if (e->kind == NH_EXPECT_RATIO) {
			bool paired = false;
			for (unsigned i = 0; i < n && !paired; i++) {
				const nh_expect_planned_t *a = &plan[i];
				if (!spec_matches(e, a, e->of))
					continue;
				for (unsigned j = 0; j < n && !paired; j++) {
					const nh_expect_planned_t *b = &plan[j];
					paired = spec_matches(e, b, e->to) && same_but_policy(a, b);
				}
			}
			if (!paired) {
				errno = EINVAL;
				return nh_err_set(err,
						  "%s: expect: ratio: no '%s' run has a '%s' run with "
						  "the same workload and parameters to compare with",
						  e->source, e->of, e->to);
			}
		}
	}
	return 0;
}
