/* SPDX-License-Identifier: MIT */
/* cli_topo: `numaharness topo` — print the machine as the harness sees it, as a table or JSON. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "topo_json.h"

static const char usage[] =
    "usage: numaharness topo [--json]\n"
    "\n"
    "Show what the harness sees of this machine: NUMA nodes with their CPUs and memory, the\n"
    "node distance matrix, caches, and the host facts that change how results read (kernel,\n"
    "CPU model, transparent hugepages, automatic NUMA balancing, perf_event_paranoid, cgroup,\n"
    "CPUs and memory nodes this process may use).\n"
    "\n"
    "options:\n"
    "  --json      print one JSON object (the same one results/*/manifest.json embeds)\n"
    "  -h, --help  show this help\n"
    "\n"
    "environment (tests): NH_TOPO_SYNTHETIC=<hwloc synthetic description>, NH_TOPO_XML=<file>\n"
    "describe a machine instead of discovering this one.\n";

/* 0, -1 on a write error, 1 when the JSON could not be built (already reported). */
static int print_json(const nh_topo_t *t)
{
	json_t *root = nh_topo_json(t, true);
	if (!root) {
		nh_cli_error("topo: cannot build JSON: %s", strerror(errno));
		return 1;
	}
	int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc < 0 || fputc('\n', stdout) == EOF)
		return -1;
	return 0;
}

static const char *onoff(int v) { return v < 0 ? "unknown" : v > 0 ? "on" : "off"; }

static void print_table(const nh_topo_t *t)
{
	const nh_host_facts_t *f = nh_topo_facts(t);
	unsigned n = nh_topo_node_count(t);
	/* CPU lists can be long on big machines: size the column to the longest one. */
	static char lists[NH_MAX_NODES][1024];
	int cpu_width = 4;
	for (unsigned i = 0; i < n; i++) {
		nh_set_format(&nh_topo_node(t, i)->cpus, lists[i], sizeof lists[i]);
		if (!lists[i][0])
			snprintf(lists[i], sizeof lists[i], "-");
		int len = (int)strlen(lists[i]);
		if (len > cpu_width)
			cpu_width = len;
	}

	char buf[512], buf2[64];
	printf("NUMA nodes: %u (%s)\n", n, nh_set_format(nh_topo_all_nodes(t), buf, sizeof buf));
	printf("%4s  %-*s  %10s  %10s\n", "node", cpu_width, "cpus", "mem total", "mem free");
	for (unsigned i = 0; i < n; i++) {
		const nh_topo_node_t *node = nh_topo_node(t, i);
		printf("%4d  %-*s  %10s  %10s\n", node->id, cpu_width, lists[i],
		       nh_format_size(node->mem_total_bytes, buf, sizeof buf),
		       nh_format_size(node->mem_free_bytes, buf2, sizeof buf2));
	}

	/* Same layout as numactl --hardware. */
	printf("\nnode distances:\nnode");
	for (unsigned j = 0; j < n; j++)
		printf(" %3d", nh_topo_node(t, j)->id);
	printf("\n");
	for (unsigned i = 0; i < n; i++) {
		printf(" %3d:", nh_topo_node(t, i)->id);
		for (unsigned j = 0; j < n; j++)
			printf(" %3u", nh_topo_distance(t, i, j));
		printf("\n");
	}

	printf("\ncaches:\n");
	if (nh_topo_cache_count(t) == 0)
		printf("  (unknown)\n");
	for (unsigned i = 0; i < nh_topo_cache_count(t); i++) {
		const nh_topo_cache_t *c = nh_topo_cache(t, i);
		printf("  L%d %s %s × %u, line %u B\n", c->level, c->type,
		       nh_format_size(c->size, buf, sizeof buf), c->count, c->line);
	}

	char cpus[1024], mems[1024];
	printf("\nhost:\n");
	printf("  %-26s %s\n", "kernel", f->kernel);
	printf("  %-26s %s\n", "CPU model", f->cpu_model);
	printf("  %-26s enabled %s, defrag %s\n", "transparent hugepages", f->thp_enabled,
	       f->thp_defrag);
	if (f->numa_balancing > 1)
		printf("  %-26s on (mode %d)\n", "automatic NUMA balancing", f->numa_balancing);
	else
		printf("  %-26s %s\n", "automatic NUMA balancing", onoff(f->numa_balancing));
	if (f->perf_event_paranoid == INT_MIN)
		printf("  %-26s unknown\n", "perf_event_paranoid");
	else
		printf("  %-26s %d\n", "perf_event_paranoid", f->perf_event_paranoid);
	printf("  %-26s %s\n", "cgroup", f->cgroup);
	printf("  %-26s %s\n", "allowed CPUs", nh_set_format(&f->allowed_cpus, cpus, sizeof cpus));
	printf("  %-26s %s\n", "allowed memory nodes",
	       nh_set_format(&f->allowed_mems, mems, sizeof mems));
	printf("  %-26s %s\n", "topology source", nh_topo_source(t));
}

int nh_cli_topo(int argc, char **argv)
{
	bool json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return NH_EXIT_OK;
		} else if (argv[i][0] == '-') {
			nh_cli_error("topo: unknown option '%s' (see numaharness topo --help)",
				     argv[i]);
			return NH_EXIT_ERROR;
		} else {
			nh_cli_error("topo: unexpected argument '%s' (see numaharness topo --help)",
				     argv[i]);
			return NH_EXIT_ERROR;
		}
	}

	nh_err_t err = {{0}};
	nh_topo_t *t = nh_cli_load_topo(&err);
	if (!t) {
		nh_cli_error("topo: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	int rc = 0;
	if (json)
		rc = print_json(t);
	else
		print_table(t);
	nh_topo_free(t);
	if (rc > 0)
		return NH_EXIT_ERROR;
	/* A full disk or closed pipe must not look like success. */
	if (rc < 0 || fflush(stdout) == EOF || ferror(stdout)) {
		nh_cli_error("topo: cannot write output: %s", strerror(errno));
		return NH_EXIT_ERROR;
	}
	return NH_EXIT_OK;
}
