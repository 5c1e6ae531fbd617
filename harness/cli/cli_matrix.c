/* SPDX-License-Identifier: MIT */
/* cli_matrix: `numaharness matrix latency|bandwidth|sweep` — every CPU node × memory node pair
 * (or a working-set sweep), run as ordinary recorded runs, then printed as a table like MLC's. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_sweep.h"

static void matrix_usage(FILE *out)
{
	fputs("usage: numaharness matrix latency|bandwidth|sweep [name=value ...] [options]\n"
	      "  latency    chase from every CPU node to every memory node (cpunodebind=A membind=B):\n"
	      "             mean ns per load; size defaults to 4x the last-level cache (at least 256M)\n"
	      "  bandwidth  stream triad from all CPUs of every CPU node to every memory node: MB/s\n"
	      "  sweep      chase on the first CPU node's own memory over working sets 16K .. 1G:\n"
	      "             the cache levels\n"
	      "name=value   workload parameters and run options (e.g. pages=thp, samples=500)\n"
	      "options:     --reps N (default 3)  --warmup N  --timeout DURATION  --out DIR  --max-runs N\n"
	      "             --results DIR  --json  --quiet\n"
	      NH_IDENTITY_USAGE,
	      out);
}

enum matrix_kind { MATRIX_LATENCY, MATRIX_BANDWIDTH, MATRIX_SWEEP };

/* Working sets of the sweep: powers of two from 16 KiB to 1 GiB. */
static const char *const SWEEP_SIZES[] = {"16K", "32K", "64K", "128K", "256K", "512K", "1M", "2M",
					   "4M", "8M", "16M", "32M", "64M", "128M", "256M", "512M", "1G"};

/* Node ids that have CPUs, in order. */
static unsigned cpu_nodes(const nh_topo_t *t, int *ids)
{
	unsigned n = 0;
	for (unsigned i = 0; i < nh_topo_node_count(t); i++)
		if (!nh_set_empty(&nh_topo_node(t, i)->cpus))
			ids[n++] = nh_topo_node(t, i)->id;
	return n;
}

static bool has_param(const nh_plan_group_t *g, const char *name)
{
	for (unsigned i = 0; i < g->param_count; i++)
		if (strcmp(g->params[i].name, name) == 0)
			return true;
	return false;
}

static void add_param(nh_plan_group_t *g, const char *name, const char *value)
{
	if (has_param(g, name) || g->param_count == NH_MAX_PARAMS)
		return;
	g->params[g->param_count].name = name;
	g->params[g->param_count].values[0] = value;
	g->params[g->param_count].value_count = 1;
	g->param_count++;
}

/* A pair's cell: the median, marked when its placement was not as asked. */
static void print_cell(const nh_sweep_result_t *r, unsigned config, const char *metric, int decimals)
{
	double v = nh_sweep_median(r->recs, r->count, config, metric);
	bool misplaced = false;
	for (unsigned i = 0; i < r->count; i++)
		if (r->recs[i].spec.config == config && !r->recs[i].spec.warmup &&
		    r->recs[i].verdict != NH_VERDICT_OK && r->recs[i].outcome == NH_OUTCOME_OK)
			misplaced = true;
	char cell[32];
	if (isnan(v))
		snprintf(cell, sizeof cell, "-");
	else
		snprintf(cell, sizeof cell, "%.*f", decimals, v);
	printf(" %11s%s", cell, misplaced ? "!" : " ");
}

static void print_pairs(const nh_topo_t *t, const nh_sweep_result_t *r, enum matrix_kind kind)
{
	int ids[NH_MAX_NODES];
	unsigned nc = cpu_nodes(t, ids), nm = nh_topo_node_count(t);
	const char *metric = kind == MATRIX_LATENCY ? "ns_per_load" : "triad";
	printf("\n%s (%s, median of the runs; ! = placement not as asked, see runs.jsonl)\n",
	       kind == MATRIX_LATENCY ? "idle latency" : "bandwidth",
	       kind == MATRIX_LATENCY ? "ns per load" : "stream triad MB/s");
	printf("%-9s", "cpu\\mem");
	for (unsigned m = 0; m < nm; m++)
		printf(" %11d ", nh_topo_node(t, m)->id);
	printf("\n");
	double local = 0, remote = 0;
	unsigned nlocal = 0, nremote = 0;
	for (unsigned c = 0; c < nc; c++) {
		printf("%-9d", ids[c]);
		for (unsigned m = 0; m < nm; m++) {
			unsigned config = c * nm + m;
			print_cell(r, config, metric, kind == MATRIX_LATENCY ? 1 : 0);
			double v = nh_sweep_median(r->recs, r->count, config, metric);
			if (isnan(v))
				continue;
			if (nh_topo_node(t, m)->id == ids[c])
				local += v, nlocal++;
			else
				remote += v, nremote++;
		}
		printf("\n");
	}
	/* The operator's question: is remote really slower, or did the BIOS interleave it away? */
	if (nlocal && nremote)
		printf("remote/local: %.2f (mean of %u remote and %u local pairs)\n",
		       (remote / nremote) / (local / nlocal), nremote, nlocal);
}

static void print_sweep(const nh_sweep_result_t *r)
{
	printf("\nidle latency by working set (chase, mean and p99 ns per load)\n%-8s %10s %10s\n", "size",
	       "mean", "p99");
	for (unsigned i = 0; i < NH_ARRAY_LEN(SWEEP_SIZES); i++) {
		printf("%-8s", SWEEP_SIZES[i]);
		print_cell(r, i, "ns_per_load", 2);
		print_cell(r, i, "p99_ns", 2);
		printf("\n");
	}
}

int nh_cli_matrix(int argc, char **argv)
{
	static const struct option longopts[] = {
		NH_SWEEP_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	nh_sweep_cli_t sw = {.reps = 3, .timeout = "10m"};
	nh_err_t err;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
		int taken = nh_sweep_cli_option("matrix", c, optarg, &sw);
		if (taken < 0)
			return NH_EXIT_ERROR;
		if (taken)
			continue;
		if (c == 'h') {
			matrix_usage(stdout);
			return NH_EXIT_OK;
		}
		nh_cli_error("matrix: bad option '%s' (see numaharness matrix --help)", argv[optind - 1]);
		return NH_EXIT_ERROR;
	}
	if (optind >= argc) {
		nh_cli_error("matrix: say latency, bandwidth or sweep (see numaharness matrix --help)");
		return NH_EXIT_ERROR;
	}
	const char *what = argv[optind++];
	/* Before the name=value arguments are split in place below. */
	char *cmdline = nh_cli_join_args(argc, argv);
	enum matrix_kind kind;
	if (strcmp(what, "latency") == 0)
		kind = MATRIX_LATENCY;
	else if (strcmp(what, "bandwidth") == 0)
		kind = MATRIX_BANDWIDTH;
	else if (strcmp(what, "sweep") == 0)
		kind = MATRIX_SWEEP;
	else {
		nh_cli_error("matrix: unknown kind '%s' (latency, bandwidth or sweep)", what);
		free(cmdline);
		return NH_EXIT_ERROR;
	}

	nh_plan_group_t g = {.workload = kind == MATRIX_BANDWIDTH ? "stream" : "chase",
			     .source = "matrix"};
	if (nh_sweep_cli_group("matrix", &sw, optind, argc, argv, &g) < 0) {
		free(cmdline);
		return NH_EXIT_ERROR;
	}

	nh_topo_t *topo = nh_cli_load_topo(&err);
	if (!topo) {
		nh_cli_error("%s", err.msg);
		free(cmdline);
		return NH_EXIT_ERROR;
	}
	int ids[NH_MAX_NODES];
	unsigned nc = cpu_nodes(topo, ids), nm = nh_topo_node_count(topo);
	char specs[NH_MAX_NODES * NH_MAX_NODES][64];
	const char *policies[NH_MAX_NODES * NH_MAX_NODES];
	char size[32];
	if (kind == MATRIX_SWEEP) {
		if (has_param(&g, "size")) {
			nh_cli_error("matrix: sweep sets size itself (16K .. 1G)");
			nh_topo_free(topo);
			free(cmdline);
			return NH_EXIT_ERROR;
		}
		g.params[g.param_count].name = "size";
		for (unsigned i = 0; i < NH_ARRAY_LEN(SWEEP_SIZES); i++)
			g.params[g.param_count].values[i] = SWEEP_SIZES[i];
		g.params[g.param_count].value_count = NH_ARRAY_LEN(SWEEP_SIZES);
		g.param_count++;
		snprintf(specs[0], sizeof specs[0], "cpunodebind=%d membind=%d", ids[0], ids[0]);
		policies[0] = specs[0];
		g.policy_count = 1;
	} else {
		/* Beyond every cache: 4x the LLC, at least 256 MiB (MLC uses ~100 MB per thread). */
		uint64_t llc4 = 4 * nh_topo_llc_bytes(topo);
		snprintf(size, sizeof size, "%" PRIu64, llc4 > (256u << 20) ? llc4 : (uint64_t)256 << 20);
		add_param(&g, "size", kind == MATRIX_LATENCY ? size : "auto");
		for (unsigned c = 0; c < nc; c++) {
			for (unsigned m = 0; m < nm; m++) {
				unsigned k = c * nm + m;
				snprintf(specs[k], sizeof specs[k], "cpunodebind=%d membind=%d", ids[c],
					 nh_topo_node(topo, m)->id);
				policies[k] = specs[k];
			}
		}
		g.policy_count = nc * nm;
	}
	g.policies = policies;

	int status = NH_EXIT_ERROR;
	nh_plan_t *plan = nh_sweep_cli_plan(&sw, topo);
	nh_sweep_result_t result = {0};
	if (!plan || nh_plan_add_group(plan, &g, &err) < 0) {
		nh_cli_error("%s", plan ? err.msg : "matrix: out of memory"); /* err names the group "matrix" */
		goto out;
	}
	char name[64];
	snprintf(name, sizeof name, "matrix-%s", what);
	sw.o.command_line = cmdline;
	status = nh_sweep_execute(plan, name, topo, &sw.o, &result);
	if (result.recs && !sw.o.json) {
		if (kind == MATRIX_SWEEP)
			print_sweep(&result);
		else
			print_pairs(topo, &result, kind);
	}
out:
	free(result.recs);
	free(cmdline);
	nh_plan_free(plan);
	nh_topo_free(topo);
	return status;
}
