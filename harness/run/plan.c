/* SPDX-License-Identifier: MIT */
/* plan: expands scenario groups into run specs — every parameter combination × policy, warm-ups
 * then repetitions — validating workloads, parameters and policies up front so a sweep never
 * dies half-way on a typo. */
#include "plan.h"

#include "allocator.h"
#include "run_options.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nh_plan {
	const nh_topo_t *topo;
	unsigned count, cap;
	nh_run_spec_t *runs;
	unsigned configs;
	unsigned max_runs;
};

nh_plan_t *nh_plan_new(const nh_topo_t *topo)
{
	nh_plan_t *plan = calloc(1, sizeof *plan);
	if (plan) {
		plan->topo = topo;
		plan->max_runs = NH_PLAN_DEFAULT_MAX_RUNS;
	}
	return plan;
}

void nh_plan_set_max_runs(nh_plan_t *plan, unsigned max) { plan->max_runs = max; }

/* Runs a group expands to, saturating (32 lists of 32 values overflow any integer). */
static uint64_t group_runs(const nh_plan_group_t *g)
{
	uint64_t n = (uint64_t)(g->policy_count ? g->policy_count : 1) * (g->warmup + (g->reps ? g->reps : 1));
	for (unsigned i = 0; i < g->param_count; i++) {
		uint64_t v = g->params[i].value_count;
		n = v && n > UINT64_MAX / v ? UINT64_MAX : n * v;
	}
	return n;
}

/* The refusal of a plan over the limit, with the group's factors so the operator sees which
 * list to shorten: "360000 runs = 30 sizes x 2 threads x 2 policies x 100 reps". */
static int too_many_runs(const nh_plan_t *plan, const nh_plan_group_t *g, const char *src, uint64_t runs,
			 nh_err_t *err)
{
	char factors[768] = "";
	size_t used = 0;
	for (unsigned i = 0; i < g->param_count && used < sizeof factors; i++)
		if (g->params[i].value_count > 1)
			used += (size_t)snprintf(factors + used, sizeof factors - used, " x %u %s%s",
						 g->params[i].value_count, g->params[i].name,
						 g->params[i].name[strlen(g->params[i].name) - 1] == 's' ? "" : "s");
	unsigned npol = g->policy_count ? g->policy_count : 1;
	if (npol > 1 && used < sizeof factors)
		used += (size_t)snprintf(factors + used, sizeof factors - used, " x %u policies", npol);
	if (used < sizeof factors) {
		unsigned reps = g->reps ? g->reps : 1;
		if (g->warmup) /* a sum: bracketed when it multiplies something */
			snprintf(factors + used, sizeof factors - used, used ? " x (%u reps + %u warm-up%s)"
									     : " x %u reps + %u warm-up%s",
				 reps, g->warmup, g->warmup == 1 ? "" : "s");
		else
			snprintf(factors + used, sizeof factors - used, " x %u rep%s", reps, reps == 1 ? "" : "s");
	}
	char total[96] = "";
	if (plan->count)
		snprintf(total, sizeof total, " (%" PRIu64 " with the %u planned before)",
			 runs > UINT64_MAX - plan->count ? UINT64_MAX : runs + plan->count, plan->count);
	char count[32];
	if (runs == UINT64_MAX)
		snprintf(count, sizeof count, "more than %" PRIu64, UINT64_MAX - 1);
	else
		snprintf(count, sizeof count, "%" PRIu64, runs);
	errno = E2BIG;
	return nh_err_set(err, "%s: %s runs = %s%s, over the limit of %u; --max-runs N to allow", src, count,
			  factors + 3, total, plan->max_runs);
}

void nh_plan_free(nh_plan_t *plan)
{
	if (!plan)
		return;
	free(plan->runs);
	free(plan);
}

unsigned nh_plan_count(const nh_plan_t *plan) { return plan->count; }
const nh_run_spec_t *nh_plan_run(const nh_plan_t *plan, unsigned i) { return &plan->runs[i]; }
unsigned nh_plan_config_count(const nh_plan_t *plan) { return plan->configs; }

static nh_run_spec_t *append(nh_plan_t *plan, nh_err_t *err)
{
	if (plan->count == plan->cap) {
		unsigned cap = plan->cap ? plan->cap * 2 : 32;
		nh_run_spec_t *grown = realloc(plan->runs, cap * sizeof *grown);
		if (!grown) {
			nh_err_set(err, "out of memory growing the plan");
			return NULL;
		}
		plan->runs = grown;
		plan->cap = cap;
	}
	nh_run_spec_t *r = &plan->runs[plan->count];
	memset(r, 0, sizeof *r);
	r->index = plan->count++;
	return r;
}

/* "file:line" into a fixed field; a path too long for it keeps its tail, where the file name
 * and the line are: "...nios/bios-check.lua:12". */
static void source_tail(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);
	if (n < len)
		memcpy(dst, src, n + 1);
	else
		snprintf(dst, len, "...%s", src + n - (len - 4));
}

/* Runs of one configuration: warm-ups first, then the counted repetitions. */
static int add_config(nh_plan_t *plan, const nh_plan_group_t *g, const nh_workload_t *wl,
		      const nh_params_t *params, const nh_policy_t *pol, nh_err_t *err)
{
	char reason[256] = "";
	bool skip = !nh_policy_supported(pol, reason, sizeof reason);
	char wl_reason[256] = "";
	if (!skip && wl->supported && wl->supported(wl_reason, sizeof wl_reason) < 0) {
		skip = true;
		snprintf(reason, sizeof reason, "%s", wl_reason);
	}
	/* A missing allocator library skips the run, naming the path it looked for. */
	char allocator_path[256] = "";
	const char *allocator = nh_params_get(params, "allocator");
	if (!skip && allocator &&
	    (nh_allocator_preloadable(allocator, reason, sizeof reason) < 0 ||
	     nh_allocator_resolve(allocator, allocator_path, sizeof allocator_path, reason, sizeof reason) < 0))
		skip = true;
	unsigned total = g->warmup + (g->reps ? g->reps : 1);
	for (unsigned k = 0; k < total; k++) {
		nh_run_spec_t *r = append(plan, err);
		if (!r)
			return -1;
		r->config = plan->configs;
		r->warmup = k < g->warmup;
		r->rep = r->warmup ? k : k - g->warmup;
		r->wl = wl;
		r->params = *params;
		r->policy = *pol;
		r->skip = skip;
		snprintf(r->allocator_path, sizeof r->allocator_path, "%s", allocator_path);
		snprintf(r->skip_reason, sizeof r->skip_reason, "%s", reason);
		r->timeout_s = g->timeout_s > 0 ? g->timeout_s : 300;
		source_tail(r->source, sizeof r->source, g->source ? g->source : "");
	}
	plan->configs++;
	return 0;
}

/* A cpuset run option as a set; false when not asked (its text was checked as a list). */
static bool cpuset_option(const nh_params_t *params, const char *name, nh_set_t *set)
{
	const char *v = nh_params_get(params, name);
	nh_set_clear(set);
	return v && nh_set_parse(set, v, NULL) == 0;
}

/* cpuset_cpus / cpuset_mems within what this host gives the harness: a cgroup cannot have
 * more than its parent, so anything else could only fail at run time. */
static int check_cpuset(const nh_plan_t *plan, const nh_workload_t *wl, const nh_params_t *params,
			const char *src, nh_err_t *err)
{
	const nh_host_facts_t *f = nh_topo_facts(plan->topo);
	static const struct {
		const char *option, *what;
	} lists[] = {{"cpuset_cpus", "CPU"}, {"cpuset_mems", "node"}};
	for (unsigned i = 0; i < NH_ARRAY_LEN(lists); i++) {
		nh_set_t asked, outside;
		if (!cpuset_option(params, lists[i].option, &asked))
			continue;
		const nh_set_t *host = i == 0 ? &f->allowed_cpus : &f->allowed_mems;
		nh_set_minus(&outside, &asked, host);
		if (nh_set_empty(&outside))
			continue;
		char out[128], have[128];
		errno = EINVAL;
		return nh_err_set(err, "%s: %s: %s=%s: %s %s not among this host's %ss (%s)", src, wl->name,
				  lists[i].option, nh_params_get(params, lists[i].option), lists[i].what,
				  nh_set_format(&outside, out, sizeof out), lists[i].what,
				  nh_set_format(host, have, sizeof have));
	}
	return 0;
}

/* What only makes sense against the policy's CPUs (e.g. more threads than the node has), within
 * the run's cpuset when it has one; a policy with no CPU or node left in that cpuset. */
static int check_against_policy(const nh_plan_t *plan, const nh_workload_t *wl, const nh_params_t *params,
				const nh_policy_t *pol, const char *src, nh_err_t *err)
{
	nh_set_t cpus = nh_topo_facts(plan->topo)->allowed_cpus, cpuset, mems;
	bool narrowed = cpuset_option(params, "cpuset_cpus", &cpuset);
	if (narrowed)
		nh_set_and(&cpus, &cpuset);
	if (pol->cpu_mode != NH_CPU_ANY)
		nh_set_and(&cpus, &pol->cpus);
	if (narrowed && nh_set_empty(&cpus)) {
		errno = EINVAL;
		return nh_err_set(err, "%s: %s: policy '%s' leaves no CPU of cpuset_cpus=%s", src, wl->name,
				  pol->spec, nh_params_get(params, "cpuset_cpus"));
	}
	if (cpuset_option(params, "cpuset_mems", &mems) && !nh_set_empty(&pol->mem_nodes)) {
		nh_set_and(&mems, &pol->mem_nodes);
		if (nh_set_empty(&mems)) {
			errno = EINVAL;
			return nh_err_set(err, "%s: %s: policy '%s' names no node of cpuset_mems=%s", src,
					  wl->name, pol->spec, nh_params_get(params, "cpuset_mems"));
		}
	}
	if (!wl->check_plan)
		return 0;
	char why[256] = "";
	if (wl->check_plan(params, nh_set_count(&cpus), why, sizeof why) == 0)
		return 0;
	errno = EINVAL;
	return nh_err_set(err, "%s: %s: %s (policy '%s')", src, wl->name, why, pol->spec);
}

int nh_plan_add_group(nh_plan_t *plan, const nh_plan_group_t *g, nh_err_t *err)
{
	const char *src = g->source ? g->source : "scenario";
	const nh_workload_t *wl = nh_workload_find(g->workload ? g->workload : "(none)", err);
	if (!wl)
		return nh_err_prefix(err, "%s", src);
	/* Before expanding anything: a typo'd list must not allocate hundreds of thousands of
	 * specs, let alone start them. */
	uint64_t runs = group_runs(g);
	if (runs > plan->max_runs || plan->count + runs > plan->max_runs)
		return too_many_runs(plan, g, src, runs, err);

	/* Parse and validate every policy once, before expanding anything. */
	unsigned npol = g->policy_count ? g->policy_count : 1;
	nh_policy_t *pols = calloc(npol, sizeof *pols);
	if (!pols)
		return nh_err_set(err, "%s: out of memory", src);
	int rc = -1;
	/* A group is all or nothing: on error, roll back what it appended. */
	unsigned saved_count = plan->count, saved_configs = plan->configs;
	for (unsigned i = 0; i < npol; i++) {
		const char *spec = g->policy_count ? g->policies[i] : "default";
		if (nh_policy_parse(&pols[i], spec, plan->topo, err) < 0 ||
		    nh_policy_validate(&pols[i], plan->topo, err) < 0) {
			nh_err_prefix(err, "%s", src);
			goto out;
		}
	}

	/* Odometer over the parameter value lists: every combination once. */
	unsigned idx[NH_MAX_PARAMS] = {0};
	for (unsigned i = 0; i < g->param_count; i++) {
		if (g->params[i].value_count == 0) {
			errno = EINVAL;
			nh_err_set(err, "%s: %s: parameter '%s' has an empty list of values", src, wl->name,
				   g->params[i].name);
			goto out;
		}
	}
	for (;;) {
		nh_params_t params = {0};
		for (unsigned i = 0; i < g->param_count; i++) {
			if (nh_params_set(&params, g->params[i].name, g->params[i].values[idx[i]], err) < 0) {
				nh_err_prefix(err, "%s", src);
				goto out;
			}
		}
		if (nh_run_options_check(wl, &params, err) < 0) {
			nh_err_prefix(err, "%s", src);
			goto out;
		}
		if (check_cpuset(plan, wl, &params, src, err) < 0)
			goto out;
		for (unsigned p = 0; p < npol; p++) {
			if (check_against_policy(plan, wl, &params, &pols[p], src, err) < 0 ||
			    add_config(plan, g, wl, &params, &pols[p], err) < 0)
				goto out;
		}
		unsigned i = 0;
		while (i < g->param_count && ++idx[i] == g->params[i].value_count)
			idx[i++] = 0;
		if (i == g->param_count)
			break;
	}
	rc = 0;
out:
	if (rc < 0) {
		plan->count = saved_count;
		plan->configs = saved_configs;
	}
	free(pols);
	return rc;
}
