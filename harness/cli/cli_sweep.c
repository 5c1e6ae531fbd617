/* SPDX-License-Identifier: MIT */
/* cli_sweep: the sweep every run command ends in — plan → run each spec in isolation → append
 * each record → progress lines and the summary table. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_sweep.h"
#include "cgroup.h"
#include "charts.h"
#include "results.h"
#include "run.h"
#include "store.h"
#include "sweep.h"


char *nh_cli_join_args(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	char *out = malloc(len);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (int i = 0; i < argc; i++) {
		bool quote = strchr(argv[i], ' ') != NULL;
		strcat(out, i ? " " : "");
		strcat(out, quote ? "'" : "");
		strcat(out, argv[i]);
		strcat(out, quote ? "'" : "");
	}
	return out;
}

/* The headline metric of a record for progress lines: STREAM's triad, else the first metric
 * the workload declares that the run has. */
static void headline(const nh_record_t *r, char *buf, size_t len)
{
	buf[0] = '\0';
	const nh_metric_t *m = nh_record_metric(r, "triad");
	for (const nh_metric_def_t *d = r->spec.wl ? r->spec.wl->metrics : NULL; !m && d && d->name; d++)
		m = nh_record_metric(r, d->name);
	if (m)
		snprintf(buf, len, fabs(m->value) >= 1000 ? "%s=%.0f %s" : "%s=%.4g %s", m->name, m->value, m->unit);
}

/* The policy and the parameters off their defaults ("membind=0 size=16M allocator=jemalloc"):
 * what tells this run's configuration from the others'. */
static void run_label(const nh_run_spec_t *spec, char *buf, size_t len)
{
	char params[2048] = "", shown[512];
	size_t used = 0;
	for (unsigned i = 0; i < spec->params.count && used < sizeof params; i++)
		used += (size_t)snprintf(params + used, sizeof params - used, "%s%s=%s", i ? " " : "",
					 spec->params.kv[i].name, spec->params.kv[i].value);
	nh_charts_short_params(spec->wl->name, params, shown, sizeof shown);
	nh_format_cut(buf, len, "%s%s%s", spec->policy.spec, shown[0] ? " " : "", shown);
}

static void print_progress(const nh_record_t *r, unsigned total)
{
	char head[96], label[600];
	headline(r, head, sizeof head);
	run_label(&r->spec, label, sizeof label);
	fprintf(stderr, "[%*u/%u] %-8s %-28s %-7s %-10s %-34s placement %s%s%s\n", total >= 100 ? 3 : 2,
		r->spec.index + 1, total, r->spec.wl->name, label,
		r->spec.warmup ? "warm-up" : "", nh_outcome_name(r->outcome), head, nh_verdict_name(r->verdict),
		r->reason[0] ? " — " : "", r->reason);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_of(double *vals, unsigned k)
{
	qsort(vals, k, sizeof *vals, cmp_double);
	return k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
}

double nh_sweep_median(const nh_record_t *recs, unsigned n, unsigned config, const char *name)
{
	double *vals = malloc(sizeof *vals * (n ? n : 1));
	unsigned k = 0;
	for (unsigned i = 0; vals && i < n; i++) {
		if (recs[i].spec.config != config || recs[i].spec.warmup || recs[i].outcome != NH_OUTCOME_OK)
			continue;
		const nh_metric_t *m = nh_record_metric(&recs[i], name);
		if (m && isfinite(m->value))
			vals[k++] = m->value;
	}
	double med = k ? median_of(vals, k) : NAN;
	free(vals);
	return med;
}

/* Per configuration of the results directory as it stands — planned runs, nh.run's and the
 * repetitions "again" added alike: counted runs, outcomes, verdicts, the median of each metric. */
static void print_summary(FILE *out, const char *dir)
{
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	if (!r) {
		nh_cli_error("summary: %s", err.msg);
		return;
	}
	/* Each configuration named by what tells it apart within its workload, as the report does. */
	unsigned nc = nh_results_config_count(r);
	const nh_results_config_t **cfgs = calloc(nc ? nc : 1, sizeof *cfgs);
	char(*labels)[256] = calloc(nc ? nc : 1, sizeof *labels);
	for (unsigned c = 0; cfgs && labels && c < nc; c++)
		cfgs[c] = nh_results_config(r, c);
	if (!cfgs || !labels || nh_charts_workload_labels(cfgs, nc, labels) < 0) {
		nh_cli_error("summary: out of memory");
		free(cfgs);
		free(labels);
		nh_results_free(r);
		return;
	}
	fprintf(out, "\n%-4s %-8s %-28s %-6s %-12s %s\n", "cfg", "workload", "configuration", "ok/n",
		"placement", "median of metrics");
	for (unsigned c = 0; c < nc; c++) {
		const nh_results_config_t *cfg = cfgs[c];
		const nh_rv_t *first = nh_results_config_run(r, cfg, 0);
		if (!first)
			continue; /* warm-ups only */
		unsigned placed_ok = 0, judged = 0;
		for (unsigned k = 0; k < cfg->run_count; k++) {
			const char *v = nh_str_or(nh_rv_placement(nh_results_config_run(r, cfg, k)).verdict, "");
			judged += *v && strcmp(v, "not-checked") != 0;
			placed_ok += strcmp(v, "ok") == 0;
		}
		char placement[32], policy[300];
		if (judged)
			snprintf(placement, sizeof placement, "%u/%u ok", placed_ok, judged);
		else
			snprintf(placement, sizeof placement, "-");
		nh_str_t tag = nh_rv_tag(first);
		snprintf(policy, sizeof policy, "%s%s%s%s", labels[c][0] ? labels[c] : cfg->policy,
			 tag.present ? " [" : "",
			 tag.present ? tag.s : "", tag.present ? "]" : "");
		fprintf(out, "%-4u %-8s %-28s %u/%-4u %-12s", c, cfg->workload, policy, cfg->ok_count,
			cfg->run_count, placement);
		/* The workload's first four declared metrics; runs.jsonl has everything. */
		const nh_workload_t *wl = nh_workload_find(cfg->workload, NULL);
		double *vals = malloc(sizeof *vals * (cfg->run_count ? cfg->run_count : 1));
		unsigned shown = 0;
		for (const nh_metric_def_t *d = wl ? wl->metrics : NULL; vals && d && d->name && shown < 4;
		     d++, shown++) {
			const char *unit;
			int better;
			unsigned k = nh_results_values(r, cfg, d->name, vals, cfg->run_count, &unit, &better);
			if (!k)
				continue;
			double med = median_of(vals, k);
			/* Whole numbers for big values (MB/s, ops/s), 4 digits for small (ns, ratios). */
			fprintf(out, fabs(med) >= 1000 ? " %s=%.0f" : " %s=%.4g", d->name, med);
		}
		free(vals);
		if (strcmp(nh_str_or(nh_rv_outcome(first), ""), "skipped") == 0)
			fprintf(out, " skipped: %s", nh_str_or(nh_rv_reason(first), ""));
		fputc('\n', out);
	}
	free(cfgs);
	free(labels);
	nh_results_free(r);
}

/* What the sweep shows as it goes: a transient "[i/n] ..." line on a terminal, then each record's
 * progress line (stderr) and, with --json, the record itself (stdout). */
typedef struct sweep_view {
	const nh_sweep_opts_t *o;
	bool tty;
	unsigned total; /* the plan's runs, for the progress lines of runs beyond it */
} sweep_view_t;

static int show_start(void *ctx, const nh_run_spec_t *spec, unsigned i, unsigned total, char *skip,
		      size_t skip_len, nh_err_t *err)
{
	const sweep_view_t *v = ctx;
	/* The scenario's budget.time is checked between runs, like a cancel. */
	if (v->o->script && nh_script_budget_check(v->o->script, i, err) < 0)
		return -1;
	int go = v->o->script ? nh_script_hook_before_run(v->o->script, spec, skip, skip_len, err) : 0;
	if (go >= 0 && v->tty)
		fprintf(stderr, "[%u/%u] %s %s ...\r", i + 1, total, spec->wl->name, spec->policy.spec);
	return go;
}

static int show_record(void *ctx, const nh_record_t *rec, unsigned total, nh_err_t *err)
{
	const sweep_view_t *v = ctx;
	if (v->tty)
		fputs("\033[K", stderr);
	if (!v->o->quiet)
		print_progress(rec, total);
	if (v->o->json) {
		char *line = nh_record_to_json(rec);
		if (line) {
			puts(line);
			fflush(stdout);
		}
		free(line);
	}
	return v->o->script ? nh_script_hook_after_run(v->o->script, rec, err) : 0;
}

static int derive_hook(void *ctx, nh_record_t *rec, nh_err_t *err)
{
	const sweep_view_t *v = ctx;
	return nh_script_derive(v->o->script, rec, err);
}

/* after_config, and the repetitions it asks for with "again": each run and stored as it ends, then
 * the hook called again with the configuration's records so far. */
static int config_hook(void *ctx, unsigned config, const nh_record_t *const *recs, unsigned n, nh_err_t *err)
{
	const sweep_view_t *v = ctx;
	(void)config;
	const nh_record_t **list = malloc(sizeof *list * n);
	nh_record_t **extra = NULL;
	unsigned extras = 0;
	int rc;
	if (!list) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for configuration %u's records", config);
	}
	memcpy(list, recs, sizeof *list * n);
	while ((rc = nh_script_hook_after_config(v->o->script, list, n, err)) == 1) {
		const nh_record_t **grown_list = realloc(list, sizeof *list * (n + 1));
		nh_record_t **grown_extra = grown_list ? realloc(extra, sizeof *extra * (extras + 1)) : NULL;
		nh_record_t *rec = grown_extra ? malloc(sizeof *rec) : NULL;
		if (grown_list)
			list = grown_list;
		if (grown_extra)
			extra = grown_extra;
		if (!rec) {
			errno = ENOMEM;
			rc = nh_err_set(err, "out of memory for another repetition");
			break;
		}
		extra[extras++] = rec;
		if (nh_script_run_again(v->o->script, &list[n - 1]->spec, rec, err) < 0) {
			rc = -1;
			break;
		}
		if (!v->o->quiet)
			print_progress(rec, v->total);
		list[n++] = rec;
	}
	for (unsigned i = 0; i < extras; i++)
		free(extra[i]);
	free(extra);
	free(list);
	return rc < 0 ? -1 : 0;
}

/* The status a hook's failure gives: 130 for a Ctrl-C inside it, else 2. */
static int hook_status(int saved_errno)
{
	return saved_errno == EINTR ? NH_EXIT_INTERRUPTED : NH_EXIT_ERROR;
}

int nh_sweep_execute(nh_plan_t *plan, const char *name, const nh_topo_t *topo, nh_sweep_opts_t *o,
		     nh_sweep_result_t *result)
{
	nh_err_t err;
	char worker[PATH_MAX];
	if (nh_run_find_worker(worker, sizeof worker, &err) < 0) {
		nh_cli_error("%s", err.msg);
		return NH_EXIT_ERROR;
	}
	unsigned total = nh_plan_count(plan);
	o->hook_failed = false;
	/* Who the host is, before anything runs: a bad NH_HOST_ID stops here. NH_DMI_DIR is a test
	 * hook, as NH_TOPO_XML is: firmware facts from a directory of the test's. */
	const char *dmi = getenv("NH_DMI_DIR");
	if (nh_identity_read(&o->identity, dmi && *dmi ? dmi : NULL, nh_env_process, NULL, &err) < 0) {
		nh_cli_error("%s", err.msg);
		return NH_EXIT_ERROR;
	}
	/* Where the runs' cgroups go, before anything runs: a bad NH_CGROUP_PARENT stops here too. */
	const char *cgroup_parent = o->cgroup_parent ? o->cgroup_parent : getenv("NH_CGROUP_PARENT");
	if (cgroup_parent && *cgroup_parent && nh_cgroup_parent_check(cgroup_parent, &err) < 0) {
		nh_cli_error("NH_CGROUP_PARENT: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	/* setup may abort: before anything is written, so nothing is left half-done. */
	if (o->script && nh_script_hook_setup(o->script, &err) < 0) {
		int saved = errno;
		nh_cli_error("%s", err.msg);
		o->hook_failed = true;
		return hook_status(saved);
	}
	nh_manifest_info_t mi = {
		.scenario_name = name,
		.scenario_path = o->scenario_path,
		.command_line = o->command_line,
		.planned_runs = total,
		.params = o->params,
		.param_count = o->param_count,
	};
	const char *root = o->results_root ? o->results_root : getenv("NH_RESULTS_DIR");
	nh_store_t *store = nh_record_store_create(o->out_dir, root ? root : "results", topo,
						   &o->identity, &mi, &err);
	if (!store) {
		nh_cli_error("%s", err.msg);
		return NH_EXIT_ERROR;
	}
	nh_record_t *recs = calloc(total ? total : 1, sizeof *recs);
	if (!recs) {
		nh_cli_error("out of memory for %u records", total);
		nh_store_free(store);
		return NH_EXIT_ERROR;
	}

	char scratch[PATH_MAX];
	snprintf(scratch, sizeof scratch, "%s/tmp", nh_store_dir(store));
	nh_runner_opts_t ro = {
		.worker_path = worker,
		.topo = topo,
		.placement_threshold = o->placement_threshold > 0 ? o->placement_threshold : 0.99,
		.oom_score_adj = 1000, /* under memory pressure the workload dies, not the harness */
		.scratch_dir = scratch,
		.results_dir = nh_store_dir(store),
		.cgroup_parent = cgroup_parent,
	};
	sweep_view_t view = {.o = o, .tty = isatty(STDERR_FILENO) && !o->quiet, .total = total};
	nh_sweep_callbacks_t cb = {.ctx = &view, .before_run = show_start, .after_run = show_record};
	if (o->script && nh_script_has_hook(o->script, "after_config"))
		cb.after_config = config_hook;
	if (o->script)
		cb.before_store = derive_hook;
	nh_sweep_summary_t sum = {0};
	int status = NH_EXIT_OK;
	char hook_msg[sizeof err.msg] = "";
	const char *stopped = "stopped"; /* the callback says why */
	if (o->script) /* nh.run, from the hooks, into the same directory after the planned runs */
		nh_script_attach_sweep(o->script, &ro, store, total, nh_plan_config_count(plan), 0);
	int gate = o->before_first_run ? o->before_first_run(o->ctx, nh_store_dir(store), &stopped) : 0;
	if (gate) {
		status = gate;
	} else if (nh_sweep_run(plan, &ro, store, &cb, recs, &sum, &err) < 0) {
		int saved = errno;
		if (view.tty)
			fputs("\033[K", stderr);
		nh_cli_error("%s", err.msg);
		memcpy(hook_msg, err.msg, sizeof hook_msg);
		status = sum.stopped ? hook_status(saved) : NH_EXIT_ERROR;
		o->hook_failed = sum.stopped;
	} else if (sum.went_wrong) {
		status = NH_EXIT_CHECK_FAILED;
	}
	if (o->script && !gate && !sum.stopped && !sum.interrupted && status != NH_EXIT_ERROR) {
		nh_script_done_t d = {.dir = nh_store_dir(store), .planned = total, .done = sum.done,
				      .went_wrong = sum.went_wrong};
		if (nh_script_hook_done(o->script, &d, &err) < 0) {
			int saved = errno;
			nh_cli_error("%s", err.msg);
			memcpy(hook_msg, err.msg, sizeof hook_msg);
			status = hook_status(saved);
			o->hook_failed = true;
		}
	}
	if (o->script) { /* what the scenario's own code cost, beside the runs */
		nh_script_attach_sweep(o->script, NULL, NULL, 0, 0, 0);
		double seconds;
		unsigned calls;
		nh_script_hook_time(o->script, &seconds, &calls);
		nh_store_set(store, "convergence", nh_script_convergence(o->script));
		if (calls)
			nh_store_set(store, "hooks",
				     json_pack("{s:i, s:f}", "calls", (json_int_t)calls, "seconds", seconds));
	}
	unsigned done = sum.done;
	if (!gate)
		print_summary(o->json ? stderr : stdout, nh_store_dir(store));
	if (sum.interrupted) {
		if (view.tty)
			fputs("\033[K", stderr);
		nh_cli_error("interrupted after %u of %u runs; results so far are in %s", done, total,
			     nh_store_dir(store));
		status = NH_EXIT_INTERRUPTED;
	}
	enum nh_store_end end = sum.interrupted ? NH_STORE_INTERRUPTED
				: o->hook_failed ? NH_STORE_STOPPED
						 : NH_STORE_COMPLETE;
	if (o->hook_failed) /* the line the operator saw, kept with the results */
		nh_store_set(store, "stopped_by", json_string(hook_msg));
	if ((gate ? nh_store_finish_as(store, stopped, &err) : nh_store_finish(store, end, &err)) < 0) {
		nh_cli_error("%s", err.msg);
		status = NH_EXIT_ERROR;
	}
	fprintf(o->json ? stderr : stdout, "\nresults: %s\n", nh_store_dir(store));
	/* The report is a view of the results, which are safely written by now: its failure is a
	 * warning, never a different exit status. */
	if (done && !o->no_report &&
	    nh_cli_report_dir(nh_store_dir(store), false, o->json ? stderr : stdout, &err) < 0)
		nh_log(NH_LOG_WARN, "report: %s", err.msg);
	if (result) {
		result->recs = recs;
		result->count = done;
		snprintf(result->dir, sizeof result->dir, "%s", nh_store_dir(store));
	} else {
		free(recs);
	}
	nh_store_free(store);
	return status;
}

int nh_sweep_identity_option(const char *cmd, int c, const char *arg, nh_sweep_opts_t *o)
{
	nh_err_t err;
	switch (c) {
	case NH_SWEEP_O_HOST_ID:
		if (nh_host_id_check(arg, &err) < 0) {
			nh_cli_error("%s: --host-id: %s", cmd, err.msg);
			return -1;
		}
		o->identity.host_id = arg;
		return 1;
	case NH_SWEEP_O_LABEL:
		if (nh_identity_add_label(&o->identity, arg, &err) < 0) {
			nh_cli_error("%s: --label: %s", cmd, err.msg);
			return -1;
		}
		return 1;
	case NH_SWEEP_O_CGROUP_PARENT:
		if (nh_cgroup_parent_check(arg, &err) < 0) {
			nh_cli_error("%s: --cgroup-parent: %s", cmd, err.msg);
			return -1;
		}
		o->cgroup_parent = arg;
		return 1;
	default: return 0;
	}
}

int nh_sweep_cli_option(const char *cmd, int c, const char *arg, nh_sweep_cli_t *s)
{
	nh_err_t err;
	int taken = nh_sweep_identity_option(cmd, c, arg, &s->o);
	if (taken)
		return taken;
	switch (c) {
	case NH_SWEEP_O_REPS:
		if (nh_parse_uint(arg, 1, 100000, &s->reps, &err) < 0) {
			nh_cli_error("%s: --reps: %s", cmd, err.msg);
			return -1;
		}
		return 1;
	case NH_SWEEP_O_WARMUP:
		if (nh_parse_uint(arg, 0, 100000, &s->warmup, &err) < 0) {
			nh_cli_error("%s: --warmup: %s", cmd, err.msg);
			return -1;
		}
		return 1;
	case NH_SWEEP_O_MAX_RUNS:
		if (nh_parse_uint(arg, 1, UINT_MAX, &s->max_runs, &err) < 0) {
			nh_cli_error("%s: --max-runs: %s", cmd, err.msg);
			return -1;
		}
		return 1;
	case NH_SWEEP_O_TIMEOUT: s->timeout = arg; return 1;
	case NH_SWEEP_O_OUT: s->o.out_dir = arg; return 1;
	case NH_SWEEP_O_RESULTS: s->o.results_root = arg; return 1;
	case NH_SWEEP_O_JSON: s->o.json = true; return 1;
	case NH_SWEEP_O_QUIET: s->o.quiet = true; return 1;
	default: return 0;
	}
}

int nh_sweep_cli_group(const char *cmd, const nh_sweep_cli_t *s, int first, int argc, char **argv,
		       nh_plan_group_t *g)
{
	nh_err_t err;
	g->reps = (unsigned)s->reps;
	g->warmup = (unsigned)s->warmup;
	if (nh_parse_duration(s->timeout, &g->timeout_s, &err) < 0) {
		nh_cli_error("%s: --timeout: %s", cmd, err.msg);
		return -1;
	}
	for (int i = first; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			nh_cli_error("%s: unexpected argument '%s' (parameters are name=value)", cmd, argv[i]);
			return -1;
		}
		if (g->param_count == NH_MAX_PARAMS) {
			nh_cli_error("%s: too many parameters", cmd);
			return -1;
		}
		*eq = '\0';
		g->params[g->param_count].name = argv[i];
		g->params[g->param_count].values[0] = eq + 1;
		g->params[g->param_count].value_count = 1;
		g->param_count++;
	}
	return 0;
}

nh_plan_t *nh_sweep_cli_plan(const nh_sweep_cli_t *s, const nh_topo_t *topo)
{
	nh_plan_t *plan = nh_plan_new(topo);
	if (plan && s->max_runs)
		nh_plan_set_max_runs(plan, (unsigned)s->max_runs);
	return plan;
}
