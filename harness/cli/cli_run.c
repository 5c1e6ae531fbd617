/* SPDX-License-Identifier: MIT */
/* cli_run: `run` (a scenario file), `bench` (one ad-hoc configuration) and `workloads`; both
 * run commands end in the same sweep (cli_sweep.c), and `run` then checks its expectations. */
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
#include "cli_sweep.h"
#include "expect.h"
#include "install.h"
#include "results.h"
#include "script.h"

static void run_usage(FILE *out)
{
	fputs("usage: numaharness run SCENARIO [--set NAME=VALUE]... [--out DIR] [--results DIR]\n"
	      "                       [--json] [--quiet] [--unsafe] [--max-runs N] [--keep-going]\n"
	      "                       [--lua-time DURATION] [--lua-memory SIZE]\n"
	      "                       [--host-id ID] [--label KEY=VALUE]...\n"
	      "                       [--cgroup-parent PATH|off]\n"
	      "  SCENARIO       a file (a path with '/' or ending in .lua), or the name of one in\n"
	      "                 $NH_SCENARIO_PATH (colon list), then in share/numaharness/scenarios\n"
	      "                 of the installation (bios-check: <data dir>/scenarios/bios-check.lua)\n"
	      "  --set NAME=VALUE\n"
	      "                 a value for the scenario's param(\"NAME\", default, help), read as\n"
	      "                 the default's type (number, boolean, string); repeatable; recorded\n"
	      "                 in manifest.json (scenario.parameters)\n"
	      "  --out DIR      write the results into DIR (created; refused if it holds results)\n"
	      "  --results DIR  parent of the per-run directory (default: results, or $NH_RESULTS_DIR)\n"
	      "  --json         print each run record as a JSON line on stdout\n"
	      "  --quiet        no per-run progress lines\n"
	      "  --unsafe       give the scenario the full Lua standard library (io, os.execute)\n"
	      "  --max-runs N   refuse a plan of more than N runs (default 10000)\n"
	      "  --keep-going   run the sweep even when a host check (nodes, cpus_per_node,\n"
	      "                 node_memory, distance) fails before it, for evidence; without it\n"
	      "                 such a host stops the run before its first run (exit 1)\n"
	      "  --lua-time DURATION\n"
	      "                 stop the scenario's Lua code after this long (default 60s)\n"
	      "  --lua-memory SIZE\n"
	      "                 stop it when the Lua state holds more than this (default 512M)\n"
	      NH_IDENTITY_USAGE,
	      out);
}

/* Columns of text with multi-byte characters (≥): pad by characters, not bytes. */
static void print_padded(FILE *out, const char *s, size_t width)
{
	size_t chars = 0;
	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	fputs(s, out);
	for (; chars < width; chars++)
		fputc(' ', out);
}

static void print_checks(FILE *out, const nh_checks_t *c, const char *dir)
{
	size_t width = 0;
	for (unsigned i = 0; i < c->count; i++) {
		size_t chars = 0;
		for (const char *p = c->items[i].name; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		width = chars > width ? chars : width;
	}
	width = width > 64 ? 64 : width;
	fprintf(out, "\n%-6s ", "check");
	print_padded(out, "expectation", width);
	fprintf(out, "  %s\n", "detail");
	for (unsigned i = 0; i < c->count; i++) {
		const nh_check_t *k = &c->items[i];
		/* N/E: not evaluated; a "!" marks one that fails the gate (unevaluated = "fail") */
		const char *st = k->status == NH_CHECK_PASS   ? "PASS"
				 : k->status == NH_CHECK_FAIL ? "FAIL"
				 : k->fails_gate	      ? "N/E!"
							      : "N/E";
		fprintf(out, "%-6s ", st);
		print_padded(out, k->name, width);
		fprintf(out, "  %s", k->detail);
		if (k->status != NH_CHECK_PASS)
			fprintf(out, " [%s]", k->source);
		fputc('\n', out);
	}
	fprintf(out, "\nchecks: %u passed, %u failed, %u not evaluated (%s) — %s/checks.xml\n",
		c->passed, c->failed, c->not_evaluated,
		c->unevaluated_fails ? "unevaluated = \"fail\": those fail the gate"
				     : "those do not fail the gate",
		dir);
}

/* Why the run-based checks of a sweep stopped by its host checks say nothing. */
#define NOT_RUN_REASON "not run: the host checks failed first"

/* After the sweep: the expectations against the records just written; with \p stopped (the
 * sweep was not run) the host checks, and the rest not evaluated. Returns the exit status the
 * checks call for (0, 1, or 2 when they could not be evaluated or written). */
static int check_expectations(const nh_expect_set_t *set, const nh_script_t *script, const char *dir,
			      bool json, bool stopped)
{
	nh_err_t err;
	nh_results_t *res = nh_results_load(dir, &err);
	if (!res) {
		nh_cli_error("checks: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	nh_checks_t checks;
	int status = NH_EXIT_ERROR;
	if ((stopped ? nh_expect_evaluate_host(set, res, NOT_RUN_REASON, &checks, &err)
		     : nh_expect_evaluate(set, res, &checks, &err)) < 0) {
		nh_cli_error("checks: %s", err.msg);
		goto out;
	}
	/* The scenario's own checks (nh.check), after the declared ones, in the order made. */
	for (unsigned i = 0; i < nh_script_check_count(script); i++) {
		if (nh_checks_add(&checks, nh_script_check_at(script, i), &err) < 0) {
			nh_cli_error("checks: %s", err.msg);
			goto out;
		}
	}
	if (nh_checks_write(&checks, dir, &err) < 0) {
		nh_cli_error("checks: %s", err.msg);
		goto out;
	}
	print_checks(json ? stderr : stdout, &checks, dir);
	status = checks.gate_failed ? NH_EXIT_CHECK_FAILED : NH_EXIT_OK;
out:
	nh_checks_free(&checks);
	nh_results_free(res);
	return status;
}

/* Host facts first: the host kinds read the manifest alone, so they are checked once it is
 * written, before the first run — a host that is not what the scenario says fails in seconds,
 * not after the sweep. The same evaluation as after the sweep (expect_eval.c). */
typedef struct host_first {
	const nh_expect_set_t *set;
	bool keep_going;
	bool stopped; /* a host check failed and the sweep was not run */
} host_first_t;

static int check_host_first(void *ctx, const char *dir, const char **stopped)
{
	host_first_t *h = ctx;
	bool any = false;
	for (unsigned i = 0; i < nh_expect_count(h->set); i++)
		any |= nh_expect_kind_is_host(nh_expect_at(h->set, i)->kind);
	if (!any)
		return 0; /* nothing to check: the sweep as it always was */
	nh_err_t err;
	nh_checks_t checks = {0};
	nh_results_t *res = nh_results_load(dir, &err);
	if (!res || nh_expect_evaluate_host(h->set, res, NULL, &checks, &err) < 0) {
		nh_cli_error("checks: %s", err.msg);
		nh_results_free(res);
		*stopped = "stopped: host checks could not be evaluated";
		return NH_EXIT_ERROR;
	}
	/* Only a fail stops it: a not-evaluated host check (evidence only, unevaluated = "fail")
	 * is the final checks' business, as it was. */
	const nh_check_t *first = NULL;
	unsigned failed = 0;
	for (unsigned i = 0; i < checks.count; i++) {
		if (checks.items[i].status != NH_CHECK_FAIL)
			continue;
		first = first ? first : &checks.items[i];
		failed++;
	}
	int status = 0;
	if (failed && h->keep_going) {
		fprintf(stderr, "host check%s failed (%s: %s%s); running the sweep anyway (--keep-going)\n",
			failed > 1 ? "s" : "", first->name, first->detail, failed > 1 ? ", ..." : "");
	} else if (failed) {
		h->stopped = true;
		*stopped = "stopped: host checks failed";
		status = NH_EXIT_CHECK_FAILED;
	}
	nh_checks_free(&checks);
	nh_results_free(res);
	return status;
}

int nh_cli_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},	   {"results", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},	   {"quiet", no_argument, NULL, 'q'},
		{"unsafe", no_argument, NULL, 'u'},	   {"help", no_argument, NULL, 'h'},
		{"set", required_argument, NULL, 's'},	   {"max-runs", required_argument, NULL, 'M'},
		{"lua-time", required_argument, NULL, 'T'}, {"lua-memory", required_argument, NULL, 'L'},
		{"keep-going", no_argument, NULL, 'k'},	    NH_IDENTITY_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	double lua_time = NH_SCRIPT_DEFAULT_TIME_S;
	uint64_t lua_memory = NH_SCRIPT_DEFAULT_MEMORY, max_runs = NH_PLAN_DEFAULT_MAX_RUNS;
	nh_err_t err;
	nh_sweep_opts_t o = {0};
	bool unsafe = false, keep_going = false;
	char *sets[NH_SCRIPT_MAX_PARAMS + 1];
	unsigned set_count = 0;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "o:r:jquh", longopts, NULL)) != -1;) {
		int taken = nh_sweep_identity_option("run", c, optarg, &o);
		if (taken < 0)
			return NH_EXIT_ERROR;
		if (taken)
			continue;
		switch (c) {
		case 's':
			/* one more than allowed, so nh_script_set_params names the limit */
			if (set_count < NH_ARRAY_LEN(sets))
				sets[set_count++] = optarg;
			break;
		case 'o': o.out_dir = optarg; break;
		case 'r': o.results_root = optarg; break;
		case 'j': o.json = true; break;
		case 'q': o.quiet = true; break;
		case 'u': unsafe = true; break;
		case 'k': keep_going = true; break;
		case 'M':
			if (nh_parse_uint(optarg, 1, UINT_MAX, &max_runs, &err) < 0) {
				nh_cli_error("run: --max-runs: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			break;
		case 'T':
			if (nh_parse_duration(optarg, &lua_time, &err) < 0) {
				nh_cli_error("run: --lua-time: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			if (lua_time <= 0) {
				nh_cli_error("run: --lua-time: must be positive");
				return NH_EXIT_ERROR;
			}
			break;
		case 'L':
			if (nh_parse_size(optarg, &lua_memory, &err) < 0) {
				nh_cli_error("run: --lua-memory: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			if (lua_memory < ((uint64_t)1 << 20)) {
				nh_cli_error("run: --lua-memory: at least 1M");
				return NH_EXIT_ERROR;
			}
			break;
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
	/* A name is looked up; what follows (errors at file:line, the manifest) names the file. */
	char scenario_file[PATH_MAX];
	if (nh_install_find_scenario(argv[optind], scenario_file, sizeof scenario_file, &err) < 0) {
		nh_cli_error("run: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	o.scenario_path = scenario_file;

	nh_topo_t *topo = nh_cli_load_topo(&err);
	if (!topo) {
		nh_cli_error("%s", err.msg);
		return NH_EXIT_ERROR;
	}
	int status = NH_EXIT_ERROR;
	nh_plan_t *plan = NULL;
	char *cmdline = NULL;
	nh_scenario_info_t info = {0};
	nh_script_t *script = nh_script_new(topo, unsafe, &err);
	if (!script) {
		nh_cli_error("%s", err.msg);
		goto out;
	}
	/* --set errors are about this command's arguments: "run: --set ...", as other option
	 * errors read; scenario errors keep their file:line first. */
	if (nh_script_set_params(script, sets, set_count, &err) < 0) {
		nh_cli_error("run: %s", err.msg);
		goto out;
	}
	nh_script_set_limits(script, lua_time, (size_t)lua_memory);
	nh_script_set_max_runs(script, (unsigned)max_runs);
	plan = nh_script_load_plan(script, o.scenario_path, &info, &err);
	if (!plan) {
		nh_cli_error("%s%s", strncmp(err.msg, "--set ", 6) == 0 ? "run: " : "", err.msg);
		if (nh_script_stopped(script) == NH_SCRIPT_STOP_INTERRUPT)
			status = NH_EXIT_INTERRUPTED;
		goto out;
	}
	o.params = info.params;
	o.param_count = info.param_count;
	o.placement_threshold = info.placement_threshold;
	cmdline = nh_cli_join_args(argc, argv);
	o.command_line = cmdline;
	nh_sweep_result_t swept = {0};
	o.no_report = true; /* written below, once checks.json exists */
	o.script = script;  /* the scenario's hooks, if it has any */
	host_first_t host = {.set = info.expects, .keep_going = keep_going};
	o.before_first_run = check_host_first;
	o.ctx = &host;
	status = nh_sweep_execute(plan, info.name, topo, &o, &swept);
	free(swept.recs);
	/* Checks need the whole sweep: not after an interruption or a harness error. A failed run
	 * already makes the status 1; the checks say which configurations it hit. A sweep its host
	 * checks stopped has them, and the rest not evaluated. */
	if (status == NH_EXIT_OK || status == NH_EXIT_CHECK_FAILED) {
		int checked = check_expectations(info.expects, script, swept.dir, o.json, host.stopped);
		status = checked == NH_EXIT_ERROR ? NH_EXIT_ERROR
			 : status > checked	  ? status
						  : checked;
	}
	FILE *out = o.json ? stderr : stdout;
	/* The report is a view of what is written: a failure is a warning, never the exit status.
	 * A stopped sweep's report holds the host facts and the checks that stopped it. */
	if ((swept.count || host.stopped) && nh_cli_report_dir(swept.dir, false, out, &err) < 0)
		nh_log(NH_LOG_WARN, "report: %s", err.msg);
	if (host.stopped)
		fprintf(out,
			"\nsweep not run: the host is not what the scenario expects (see the FAIL "
			"above), so none of its %u runs ran; add --keep-going to run them anyway\n",
			nh_plan_count(plan));
out:
	nh_expect_set_free(info.expects);
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
	      "  --max-runs N (refuse more runs than N; default 10000)\n"
	      NH_IDENTITY_USAGE
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
	enum { O_POLICY = 256, O_LOCAL };
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
		NH_SWEEP_LONGOPTS,
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
	nh_sweep_cli_t sw = {.reps = 1, .timeout = "300"};
	char spec[256] = "";
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
		int taken = handled ? 1 : nh_sweep_cli_option("bench", c, optarg, &sw);
		if (taken < 0)
			return NH_EXIT_ERROR;
		if (taken)
			continue;
		switch (c) {
		case O_LOCAL: (void)append_policy(spec, sizeof spec, "localalloc", NULL); break;
		case O_POLICY:
			if (append_policy(spec, sizeof spec, optarg, NULL) < 0) {
				nh_cli_error("bench: policy too long");
				return NH_EXIT_ERROR;
			}
			break;
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
	/* Before the name=value arguments are split in place below. */
	char *cmdline = nh_cli_join_args(argc, argv);
	nh_plan_group_t g = {.workload = wl_name, .source = "bench"};
	if (nh_sweep_cli_group("bench", &sw, optind, argc, argv, &g) < 0) {
		free(cmdline);
		return NH_EXIT_ERROR;
	}
	const char *policies[1] = {spec[0] ? spec : "default"};
	g.policies = policies;
	g.policy_count = 1;

	nh_topo_t *topo = nh_cli_load_topo(&err);
	if (!topo) {
		nh_cli_error("%s", err.msg);
		free(cmdline);
		return NH_EXIT_ERROR;
	}
	int status = NH_EXIT_ERROR;
	nh_plan_t *plan = nh_sweep_cli_plan(&sw, topo);
	if (!plan || nh_plan_add_group(plan, &g, &err) < 0) {
		nh_cli_error("%s", plan ? err.msg : "out of memory");
		goto out;
	}
	char name[96];
	snprintf(name, sizeof name, "bench-%s", wl_name);
	sw.o.command_line = cmdline;
	status = nh_sweep_execute(plan, name, topo, &sw.o, NULL);
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
