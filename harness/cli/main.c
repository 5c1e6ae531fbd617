/* SPDX-License-Identifier: MIT */
/* numaharness: command-line entry point — global options, then one subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
	fputs("usage: numaharness [-v|--verbose] [--version] COMMAND [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  topo [--json]                      nodes, CPUs, memory, distances, caches, host facts\n"
	      "  run SCENARIO [--set NAME=VALUE]... [--out DIR]\n"
	      "                                     run a scenario (a .lua file, or an installed one's\n"
	      "                                     name: bios-check); results in results/<name>-<time>/\n"
	      "  bench WORKLOAD [POLICY FLAGS] [name=value ...] [--reps N] [--out DIR] [--json]\n"
	      "                                     run one configuration ad hoc (numactl-style flags)\n"
	      "  matrix latency|bandwidth|sweep     every CPU node x memory node pair (chase latency or\n"
	      "                                     stream bandwidth), or latency by working-set size\n"
	      "  compare BASELINE CANDIDATE         compare two results directories: per configuration and\n"
	      "                                     metric, change, interval, p and a verdict\n"
	      "  report DIR [--no-charts]           report.md, report.html and gnuplot charts of a results\n"
	      "                                     directory (every sweep writes one at its end)\n"
	      "  inspect PID [--expect SPEC | --libvirt-xml DOMAIN.xml] [--watch INTERVAL [--forecast]]\n"
	      "          [--json]                   a running process's threads and memory per node,\n"
	      "                                     checked against a policy or a libvirt domain; with\n"
	      "                                     --forecast, when its memory reaches a limit\n"
	      "  forecast DIR [--run N] [--until SECONDS] [--limit BYTES] [--json]\n"
	      "                                     per run's series: does memory grow, and when does it\n"
	      "                                     reach the nearest limit (cgroup, bound node)\n"
	      "  export prom DIR [--out FILE]       a results directory as a node_exporter textfile\n"
	      "                                     (Prometheus metrics: checks, triad, latency, ...)\n"
	      "  fleet DIR... [--planned-hosts FILE] [--cohort-by label:NAME] [--threshold M=PCT,...]\n"
	      "        [--baseline FLEET.json] [--out DIR]\n"
	      "                                     judge many hosts' results together: verdict per host\n"
	      "                                     (PASS, FAIL, OUTLIER, UNSTABLE, ERROR, MISSING), the bad\n"
	      "                                     ones named with a plain reading\n"
	      "  healthcheck [--match FILE] [--node NAME] [--drain] [--json] [--quiet] [--print-set]\n"
	      "                                     this node's NUMA facts against its match-file entry\n"
	      "                                     and last validation, in seconds (Slurm health check)\n"
	      "  workloads                          list workloads with their parameters and metrics\n"
	      "  events [PATTERN]                   counter event sets and events, and whether this host\n"
	      "                                     can count them (and why not)\n"
	      "\n"
	      "`numaharness COMMAND --help` gives the options of each command.\n"
	      "Exit status: 0 success, 1 a run failed / crashed / timed out / was OOM-killed,\n"
	      "2 the harness could not do what was asked (bad input, unwritable output, ...).\n",
	      out);
}

int main(int argc, char **argv)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0) {
			nh_log_set_level(nh_log_get_level() < NH_LOG_INFO ? NH_LOG_INFO : NH_LOG_DEBUG);
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return NH_EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("numaharness %s\n", NH_VERSION);
			return NH_EXIT_OK;
		} else {
			nh_cli_error("unknown option '%s' (see numaharness --help)", argv[i]);
			return NH_EXIT_ERROR;
		}
	}
	if (i == argc) {
		usage(stderr);
		return NH_EXIT_ERROR;
	}
	const char *cmd = argv[i];
	int sub_argc = argc - i;
	char **sub_argv = argv + i;
	if (strcmp(cmd, "topo") == 0)
		return nh_cli_topo(sub_argc, sub_argv);
	if (strcmp(cmd, "run") == 0)
		return nh_cli_run(sub_argc, sub_argv);
	if (strcmp(cmd, "bench") == 0)
		return nh_cli_bench(sub_argc, sub_argv);
	if (strcmp(cmd, "workloads") == 0)
		return nh_cli_workloads(sub_argc, sub_argv);
	if (strcmp(cmd, "events") == 0)
		return nh_cli_events(sub_argc, sub_argv);
	if (strcmp(cmd, "matrix") == 0)
		return nh_cli_matrix(sub_argc, sub_argv);
	if (strcmp(cmd, "report") == 0)
		return nh_cli_report(sub_argc, sub_argv);
	if (strcmp(cmd, "compare") == 0)
		return nh_cli_compare(sub_argc, sub_argv);
	if (strcmp(cmd, "inspect") == 0)
		return nh_cli_inspect(sub_argc, sub_argv);
	if (strcmp(cmd, "export") == 0)
		return nh_cli_export(sub_argc, sub_argv);
	if (strcmp(cmd, "fleet") == 0)
		return nh_cli_fleet(sub_argc, sub_argv);
	if (strcmp(cmd, "forecast") == 0)
		return nh_cli_forecast(sub_argc, sub_argv);
	if (strcmp(cmd, "healthcheck") == 0)
		return nh_cli_healthcheck(sub_argc, sub_argv);
	nh_cli_error("unknown command '%s' (commands: topo, run, bench, matrix, compare, report, inspect, fleet, export, workloads, events, forecast, healthcheck)", cmd);
	return NH_EXIT_ERROR;
}
