/* SPDX-License-Identifier: MIT */
/* cli_run: `run` (a scenario file), `bench` (one ad-hoc configuration) and `workloads` — all end
 * in the same sweep: plan → run each spec in isolation → append each record → summary. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "run.h"
#include "script.h"
#include "store.h"

typedef struct sweep_opts {
	const char *out_dir;
	const char *results_root;
	const char *scenario_path;
	const char *command_line;
	double placement_threshold;
	bool json;  /* records as JSON lines on stdout */
	bool quiet; /* no per-run lines */
} sweep_opts_t;

static void on_signal(int sig)
{
	(void)sig;
	nh_run_cancel();
}

static char *join_args(int argc, char **argv)
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

/* The headline metric of a record for progress lines: the first one the workload declared. */
static void headline(const nh_record_t *r, char *buf, size_t len)
{
	buf[0] = '\0';
	const nh_metric_def_t *first = r->spec.wl && r->spec.wl->metrics ? r->spec.wl->metrics : NULL;
	for (const nh_metric_def_t *d = first; d && d->name; d++) {
		const nh_metric_t *m = nh_record_metric(r, d->name);
		if (m && strcmp(d->name, "triad") == 0) { /* STREAM's customary headline */
			snprintf(buf, len, "%s=%.0f %s", m->name, m->value, m->unit);
			return;
		}
	}
	if (r->metric_count)
		snprintf(buf, len, "%s=%.4g %s", r->metrics[0].name, r->metrics[0].value, r->metrics[0].unit);
}

static void print_progress(const nh_record_t *r, unsigned total)
{
	char head[96];
	headline(r, head, sizeof head);
	fprintf(stderr, "[%*u/%u] %-8s %-28s %-7s %-10s %-34s placement %s%s%s\n", total >= 100 ? 3 : 2,
		r->spec.index + 1, total, r->spec.wl->name, r->spec.policy.spec,
		r->spec.warmup ? "warm-up" : "", nh_outcome_name(r->outcome), head, nh_verdict_name(r->verdict),
		r->reason[0] ? " — " : "", r->reason);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Per configuration: counted runs, outcomes, verdicts, and the median of each metric. */
static void print_summary(FILE *out, const nh_record_t *recs, unsigned n, unsigned configs)
{
	fprintf(out, "\n%-4s %-8s %-28s %-6s %-12s %s\n", "cfg", "workload", "policy", "ok/n", "placement",
		"median of metrics");
	double *vals = malloc(sizeof *vals * (n ? n : 1));
	if (!vals)
		return;
	for (unsigned c = 0; c < configs; c++) {
		const nh_record_t *first = NULL;
		unsigned total = 0, ok = 0, placed_ok = 0, judged = 0;
		for (unsigned i = 0; i < n; i++) {
			if (recs[i].spec.config != c || recs[i].spec.warmup)
				continue;
			first = first ? first : &recs[i];
			total++;
			ok += recs[i].outcome == NH_OUTCOME_OK;
			judged += recs[i].verdict != NH_VERDICT_NOT_CHECKED;
			placed_ok += recs[i].verdict == NH_VERDICT_OK;
		}
		if (!first)
			continue;
		char placement[32];
		if (judged)
			snprintf(placement, sizeof placement, "%u/%u ok", placed_ok, judged);
		else
			snprintf(placement, sizeof placement, "-");
		fprintf(out, "%-4u %-8s %-28s %u/%-4u %-12s", c, first->spec.wl->name, first->spec.policy.spec,
			ok, total, placement);
		for (const nh_metric_def_t *d = first->spec.wl->metrics; d && d->name; d++) {
			unsigned k = 0;
			for (unsigned i = 0; i < n; i++) {
				if (recs[i].spec.config != c || recs[i].spec.warmup)
					continue;
				const nh_metric_t *m = nh_record_metric(&recs[i], d->name);
				if (m && isfinite(m->value))
					vals[k++] = m->value;
			}
			if (!k || strcmp(d->unit, "MB/s") != 0)
				continue; /* the terminal summary shows bandwidths; runs.jsonl has everything */
			qsort(vals, k, sizeof *vals, cmp_double);
			double med = k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
			fprintf(out, " %s=%.0f", d->name, med);
		}
		if (first->outcome == NH_OUTCOME_SKIPPED)
			fprintf(out, " skipped: %s", first->reason);
		fputc('\n', out);
	}
	free(vals);
}

static int execute(nh_plan_t *plan, const char *name, const nh_topo_t *topo, const sweep_opts_t *o)
{
	nh_err_t err;
	char worker[PATH_MAX];
	if (nh_run_find_worker(worker, sizeof worker, &err) < 0) {
		nh_cli_error("%s", err.msg);
		return NH_EXIT_ERROR;
	}
	unsigned total = nh_plan_count(plan);
	nh_manifest_info_t mi = {
		.scenario_name = name,
		.scenario_path = o->scenario_path,
		.command_line = o->command_line,
		.planned_runs = total,
	};
	const char *root = o->results_root ? o->results_root : getenv("NH_RESULTS_DIR");
	nh_store_t *store = nh_store_create(o->out_dir, root ? root : "results", topo, &mi, &err);
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
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	char scratch[PATH_MAX];
	snprintf(scratch, sizeof scratch, "%s/tmp", nh_store_dir(store));
	nh_runner_opts_t ro = {
		.worker_path = worker,
		.topo = topo,
		.placement_threshold = o->placement_threshold > 0 ? o->placement_threshold : 0.99,
		.oom_score_adj = 1000, /* under memory pressure the workload dies, not the harness */
		.scratch_dir = scratch,
		.results_dir = nh_store_dir(store),
	};
	int status = NH_EXIT_OK;
	unsigned done = 0;
	bool tty = isatty(STDERR_FILENO) && !o->quiet;
	for (unsigned i = 0; i < total; i++) {
		const nh_run_spec_t *spec = nh_plan_run(plan, i);
		if (tty)
			fprintf(stderr, "[%u/%u] %s %s ...\r", i + 1, total, spec->wl->name, spec->policy.spec);
		if (nh_run_one(&ro, spec, &recs[i], &err) < 0) {
			if (tty)
				fputs("\033[K", stderr);
			if (nh_run_cancelled())
				break;
			nh_cli_error("run %u: %s", i + 1, err.msg);
			status = NH_EXIT_ERROR;
			break;
		}
		if (nh_run_cancelled())
			break; /* the killed run is not a result: leave it out */
		if (tty)
			fputs("\033[K", stderr);
		if (nh_store_append(store, &recs[i], &err) < 0) {
			nh_cli_error("%s", err.msg);
			status = NH_EXIT_ERROR;
			break;
		}
		done++;
		if (!o->quiet)
			print_progress(&recs[i], total);
		if (o->json) {
			char *line = nh_record_to_json(&recs[i]);
			if (line) {
				puts(line);
				fflush(stdout);
			}
			free(line);
		}
		enum nh_outcome oc = recs[i].outcome;
		if (oc != NH_OUTCOME_OK && oc != NH_OUTCOME_SKIPPED && status == NH_EXIT_OK)
			status = NH_EXIT_CHECK_FAILED;
	}
	print_summary(o->json ? stderr : stdout, recs, done, nh_plan_config_count(plan));
	if (nh_run_cancelled()) {
		nh_cli_error("interrupted after %u of %u runs; results so far are in %s", done, total,
			     nh_store_dir(store));
		status = 130;
	}
	if (nh_store_finish(store, nh_run_cancelled(), &err) < 0) {
		nh_cli_error("%s", err.msg);
		status = NH_EXIT_ERROR;
	}
	fprintf(o->json ? stderr : stdout, "\nresults: %s\n", nh_store_dir(store));
	free(recs);
	nh_store_free(store);
	return status;
}

static void run_usage(FILE *out)
{
	fputs("usage: numaharness run SCENARIO.lua [--out DIR] [--results DIR] [--json] [--quiet] [--unsafe]\n"
	      "  --out DIR      write the results into DIR (created; refused if it holds results)\n"
	      "  --results DIR  parent of the per-run directory (default: results, or $NH_RESULTS_DIR)\n"
	      "  --json         print each run record as a JSON line on stdout\n"
	      "  --quiet        no per-run progress lines\n"
	      "  --unsafe       give the scenario the full Lua standard library (io, os.execute)\n",
	      out);
}

int nh_cli_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},	   {"results", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},	   {"quiet", no_argument, NULL, 'q'},
		{"unsafe", no_argument, NULL, 'u'},	   {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	sweep_opts_t o = {0};
	bool unsafe = false;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "o:r:jquh", longopts, NULL)) != -1;) {
		switch (c) {
		case 'o': o.out_dir = optarg; break;
		case 'r': o.results_root = optarg; break;
		case 'j': o.json = true; break;
		case 'q': o.quiet = true; break;
		case 'u': unsafe = true; break;
		case 'h': run_usage(stdout); return NH_EXIT_OK;
		default:
			nh_cli_error("run: bad option '%s' (see numaharness run --help)", argv[optind - 1]);
			return NH_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		nh_cli_error("run: expected exactly one scenario file (see numaharness run --help)");
		return NH_EXIT_ERROR;
	}
	o.scenario_path = argv[optind];

	nh_err_t err;
	nh_topo_t *topo = nh_cli_load_topo(&err);
	if (!topo) {
		nh_cli_error("%s", err.msg);
		return NH_EXIT_ERROR;
	}
	int status = NH_EXIT_ERROR;
	nh_plan_t *plan = NULL;
	char *cmdline = NULL;
	nh_script_t *script = nh_script_new(topo, unsafe, &err);
	if (!script) {
		nh_cli_error("%s", err.msg);
		goto out;
	}
	nh_scenario_info_t info;
	plan = nh_script_load_plan(script, o.scenario_path, &info, &err);
	if (!plan) {
		nh_cli_error("%s", err.msg);
		goto out;
	}
	o.placement_threshold = info.placement_threshold;
	cmdline = join_args(argc, argv);
	o.command_line = cmdline;
	status = execute(plan, info.name, topo, &o);
out:
	free(cmdline);
	nh_plan_free(plan);
	nh_script_free(script);
	nh_topo_free(topo);
	return status;
}

/* ---- bench ---- */

static void bench_usage(FILE *out)
{
	fputs("usage: numaharness bench WORKLOAD [POLICY FLAGS] [name=value ...] [options]\n"
	      "policy flags (numactl spellings, combinable):\n"
	      "  --membind=NODES --preferred=NODE --preferred-many=NODES --interleave=NODES\n"
	      "  --weighted-interleave=NODES|NODE:W,... --localalloc --cpunodebind=NODES\n"
	      "  --physcpubind=CPUS   or   --policy='cpunodebind=0 membind=1'\n"
	      "options:\n"
	      "  --reps N  --warmup N  --timeout DURATION  --out DIR  --results DIR  --json  --quiet\n"
	      "example: numaharness bench stream --membind=0 size=256M threads=2 --reps 3 --json\n",
	      out);
}

static int append_policy(char *spec, size_t len, const char *key, const char *value)
{
	size_t used = strlen(spec);
	int n = value ? snprintf(spec + used, len - used, "%s%s=%s", used ? " " : "", key, value)
		      : snprintf(spec + used, len - used, "%s%s", used ? " " : "", key);
	return n < 0 || (size_t)n >= len - used ? -1 : 0;
}

int nh_cli_bench(int argc, char **argv)
{
	enum { O_REPS = 256, O_WARMUP, O_TIMEOUT, O_POLICY, O_OUT, O_RESULTS, O_JSON, O_QUIET, O_LOCAL };
	static const struct option longopts[] = {
		{"membind", required_argument, NULL, 'm'},
		{"preferred", required_argument, NULL, 'p'},
		{"preferred-many", required_argument, NULL, 'P'},
		{"interleave", required_argument, NULL, 'i'},
		{"weighted-interleave", required_argument, NULL, 'w'},
		{"localalloc", no_argument, NULL, O_LOCAL},
		{"cpunodebind", required_argument, NULL, 'N'},
		{"physcpubind", required_argument, NULL, 'C'},
		{"policy", required_argument, NULL, O_POLICY},
		{"reps", required_argument, NULL, O_REPS},
		{"warmup", required_argument, NULL, O_WARMUP},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"out", required_argument, NULL, O_OUT},
		{"results", required_argument, NULL, O_RESULTS},
		{"json", no_argument, NULL, O_JSON},
		{"quiet", no_argument, NULL, O_QUIET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const struct {
		int opt;
		const char *key;
	} policy_keys[] = {
		{'m', "membind"}, {'p', "preferred"}, {'P', "preferred-many"}, {'i', "interleave"},
		{'w', "weighted-interleave"}, {'N', "cpunodebind"}, {'C', "physcpubind"},
	};
	sweep_opts_t o = {0};
	char spec[256] = "";
	const char *timeout = "300";
	uint64_t reps = 1, warmup = 0;
	nh_err_t err;
	optind = 1;
	opterr = 0;
	/* Permute so that flags and name=value parameters may be mixed, as numactl users type them. */
	for (int c; (c = getopt_long(argc, argv, "m:p:P:i:w:N:C:h", longopts, NULL)) != -1;) {
		bool handled = false;
		for (size_t k = 0; k < NH_ARRAY_LEN(policy_keys); k++) {
			if (c == policy_keys[k].opt) {
				if (append_policy(spec, sizeof spec, policy_keys[k].key, optarg) < 0) {
					nh_cli_error("bench: policy too long");
					return NH_EXIT_ERROR;
				}
				handled = true;
			}
		}
		if (handled)
			continue;
		switch (c) {
		case O_LOCAL: (void)append_policy(spec, sizeof spec, "localalloc", NULL); break;
		case O_POLICY:
			if (append_policy(spec, sizeof spec, optarg, NULL) < 0) {
				nh_cli_error("bench: policy too long");
				return NH_EXIT_ERROR;
			}
			break;
		case O_REPS:
			if (nh_parse_uint(optarg, 1, 100000, &reps, &err) < 0) {
				nh_cli_error("bench: --reps: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			break;
		case O_WARMUP:
			if (nh_parse_uint(optarg, 0, 100000, &warmup, &err) < 0) {
				nh_cli_error("bench: --warmup: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			break;
		case O_TIMEOUT: timeout = optarg; break;
		case O_OUT: o.out_dir = optarg; break;
		case O_RESULTS: o.results_root = optarg; break;
		case O_JSON: o.json = true; break;
		case O_QUIET: o.quiet = true; break;
		case 'h': bench_usage(stdout); return NH_EXIT_OK;
		default:
			nh_cli_error("bench: bad option '%s' (see numaharness bench --help)", argv[optind - 1]);
			return NH_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		nh_cli_error("bench: name a workload (see numaharness workloads)");
		return NH_EXIT_ERROR;
	}
	const char *wl_name = argv[optind++];
	nh_plan_group_t g = {.workload = wl_name, .reps = (unsigned)reps, .warmup = (unsigned)warmup,
			     .source = "bench"};
	if (nh_parse_duration(timeout, &g.timeout_s, &err) < 0) {
		nh_cli_error("bench: --timeout: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	for (int i = optind; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i]) {
			nh_cli_error("bench: unexpected argument '%s' (parameters are name=value)", argv[i]);
			return NH_EXIT_ERROR;
		}
		if (g.param_count == NH_MAX_PARAMS) {
			nh_cli_error("bench: too many parameters");
			return NH_EXIT_ERROR;
		}
		/* argv strings live for the whole call: point into them, splitting at '='. */
		argv[i][eq - argv[i]] = '\0';
		g.params[g.param_count].name = argv[i];
		g.params[g.param_count].values[0] = eq + 1;
		g.params[g.param_count].value_count = 1;
		g.param_count++;
	}
	const char *policies[1] = {spec[0] ? spec : "default"};
	g.policies = policies;
	g.policy_count = 1;

	nh_topo_t *topo = nh_cli_load_topo(&err);
	if (!topo) {
		nh_cli_error("%s", err.msg);
		return NH_EXIT_ERROR;
	}
	int status = NH_EXIT_ERROR;
	char *cmdline = join_args(argc, argv);
	nh_plan_t *plan = nh_plan_new(topo);
	if (!plan || nh_plan_add_group(plan, &g, &err) < 0) {
		nh_cli_error("%s", plan ? err.msg : "out of memory");
		goto out;
	}
	char name[96];
	snprintf(name, sizeof name, "bench-%s", wl_name);
	o.command_line = cmdline;
	status = execute(plan, name, topo, &o);
out:
	free(cmdline);
	nh_plan_free(plan);
	nh_topo_free(topo);
	return status;
}

/* ---- workloads ---- */

int nh_cli_workloads(int argc, char **argv)
{
	static const char *const types[] = {"size", "int", "bool", "enum", "string", "duration"};
	(void)argc;
	(void)argv;
	for (unsigned i = 0; i < nh_workload_count(); i++) {
		const nh_workload_t *wl = nh_workload_at(i);
		printf("%s — %s\n  parameters:\n", wl->name, wl->summary);
		for (const nh_param_def_t *d = wl->params; d && d->name; d++)
			printf("    %-10s %-6s default %-8s %s%s%s\n", d->name, types[d->type], d->def ? d->def : "(required)",
			       d->help ? d->help : "", d->choices ? " — one of " : "", d->choices ? d->choices : "");
		printf("  metrics:\n");
		for (const nh_metric_def_t *m = wl->metrics; m && m->name; m++)
			printf("    %-14s %-6s %s is better — %s\n", m->name, m->unit,
			       m->better > 0 ? "higher" : m->better < 0 ? "lower" : "neither", m->help ? m->help : "");
	}
	return NH_EXIT_OK;
}
