/* SPDX-License-Identifier: MIT */
/* The capacity scenario end to end (`numaharness run capacity --set quick=true`, by name from
 * scenarios/): its summary opens report.md, before the parameters, host and results, with a row
 * per node of this host holding measured numbers (memory, peak triad, knee, idle latency), the
 * remote penalty "one node: no remote memory" on one node and ratios on several; its answers are
 * checks (the knee a pass, the others passed or not evaluated with the reason, never failed), and
 * the exit status is 0. About a minute on the 2-CPU development VM. */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proc.h"
#include "util.h"

#define SUMMARY_HEADER                                                                             \
	"| node | CPUs | MemTotal (GiB) | MemFree (GiB) | peak triad (MB/s) | knee (threads) | "    \
	"idle latency (ns) | latency at 50 % (ns) | latency at 80 % (ns) | latency at 95 % (ns) | " \
	"remote latency (x local) | remote triad (x local) | notes |\n"

static size_t at_offset(const char *md, const char *text)
{
	const char *p = strstr(md, text);
	if (!p)
		fail_msg("report.md has no \"%s\"", text);
	return (size_t)(p - md);
}

/* The cells of one Markdown table row "| a | b |", trimmed, into \p cells (at most \p max). */
static unsigned row_cells(const char *line, char cells[][256], unsigned max)
{
	unsigned n = 0;
	const char *p = strchr(line, '|');
	while (p && n < max) {
		const char *q = strchr(p + 1, '|'), *end = strchr(p + 1, '\n');
		if (!q || (end && q > end))
			break;
		const char *a = p + 1, *b = q;
		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		snprintf(cells[n++], 256, "%.*s", (int)(b - a), a);
		p = q;
	}
	return n;
}

static double number(const char *cell, const char *what, unsigned node)
{
	char *end;
	double v = strtod(cell, &end);
	if (end == cell || *end || !isfinite(v))
		fail_msg("node %u: %s is \"%s\", not a number", node, what, cell);
	return v;
}

static json_t *check_named(json_t *checks, const char *name)
{
	for (size_t i = 0; i < json_array_size(checks); i++) {
		json_t *c = json_array_get(checks, i);
		if (strcmp(json_string_value(json_object_get(c, "name")), name) == 0)
			return c;
	}
	fail_msg("no check \"%s\"", name);
	return NULL;
}

static void quick_capacity(void **state)
{
	char *dir = nh_tmpdir();
	char out[600], path_env[700];
	snprintf(out, sizeof out, "%s/r", dir);
	snprintf(path_env, sizeof path_env, "NH_SCENARIO_PATH=%s/scenarios", NH_SOURCE_DIR);
	char *argv[] = {NH_BIN, "run", "capacity", "--set", "quick=true", "--out", out, "--quiet",
			NULL};
	char *env[] = {path_env, NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(dir, argv, env, &r), 0);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	nh_proc_free(&r);

	/* This host's nodes, from the manifest. */
	char *text = nh_read_in(out, "manifest.json");
	json_t *manifest = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(manifest);
	assert_string_equal(json_string_value(json_object_get(manifest, "status")), "complete");
	json_t *nodes = json_object_get(json_object_get(manifest, "host"), "nodes");
	size_t n_nodes = json_array_size(nodes);
	assert_true(n_nodes >= 1);

	/* The summary opens the report: after the title block, before everything else. */
	char *md = nh_read_in(out, "report.md");
	size_t summary = at_offset(md, "## Capacity summary\n\n" SUMMARY_HEADER);
	assert_true(at_offset(md, "# numaharness report: capacity\n") < summary);
	assert_int_equal(at_offset(md, "\n## ") + 1, summary); /* the first of the sections */
	assert_true(summary < at_offset(md, "## Host\n"));
	assert_true(summary < at_offset(md, "## Results per workload and policy\n"));
	assert_true(at_offset(md, "## Reading the capacity summary\n") < at_offset(md, "## Host\n"));
	const char *line = strchr(md + summary + strlen("## Capacity summary\n\n" SUMMARY_HEADER), '|');
	line = strchr(line, '\n') + 1; /* past the alignment row */
	for (size_t i = 0; i < n_nodes; i++, line = strchr(line, '\n') + 1) {
		json_t *node = json_array_get(nodes, i);
		unsigned id = (unsigned)json_integer_value(json_object_get(node, "id"));
		size_t cpus = json_array_size(json_object_get(node, "cpus"));
		char cells[16][256];
		if (row_cells(line, cells, 16) != 13)
			fail_msg("row %zu of the summary: %.200s", i, line);
		assert_int_equal(number(cells[0], "node", id), id);
		assert_int_equal(number(cells[1], "CPUs", id), cpus);
		double total = number(cells[2], "MemTotal", id), free_ = number(cells[3], "MemFree", id);
		assert_true(total > 0 && free_ >= 0 && free_ <= total);
		if (!cpus)
			continue; /* memory only: the CPU-side figures are the other nodes' */
		double peak = number(cells[4], "peak triad", id), knee = number(cells[5], "knee", id);
		assert_true(peak > 0);
		assert_true(knee >= 1 && knee <= (double)cpus);
		assert_true(number(cells[6], "idle latency", id) > 0);
		/* Latency at 50/80/95 % of peak: a number, or – with the reason in the notes. */
		for (int c = 7; c <= 9; c++)
			if (strcmp(cells[c], "–") != 0)
				assert_true(number(cells[c], "loaded latency", id) > 0);
			else
				assert_non_null(strstr(cells[12], "not reached"));
		if (n_nodes == 1) {
			assert_string_equal(cells[10], "one node: no remote memory");
			assert_string_equal(cells[11], "one node: no remote memory");
		} else {
			assert_true(number(cells[10], "remote latency", id) > 0);
			assert_true(number(cells[11], "remote triad", id) > 0);
		}
	}
	assert_true(strncmp(line, "\n", 1) == 0); /* a row per node, no more */
	free(md);

	/* The answers as checks: the knee passed; the others passed or not evaluated with why. */
	text = nh_read_in(out, "checks.json");
	json_t *checks = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(checks);
	for (size_t i = 0; i < n_nodes; i++) {
		json_t *node = json_array_get(nodes, i);
		if (!json_array_size(json_object_get(node, "cpus")))
			continue;
		unsigned id = (unsigned)json_integer_value(json_object_get(node, "id"));
		char name[96];
		snprintf(name, sizeof name, "node %u: local triad saturates", id);
		json_t *c = check_named(checks, name);
		assert_string_equal(json_string_value(json_object_get(c, "status")), "pass");
		assert_non_null(strstr(json_string_value(json_object_get(c, "detail")), "knee at "));
		snprintf(name, sizeof name, "node %u: loaded latency at 80 %% of peak", id);
		c = check_named(checks, name);
		const char *status = json_string_value(json_object_get(c, "status"));
		assert_true(strcmp(status, "pass") == 0 || strcmp(status, "not-evaluated") == 0);
		snprintf(name, sizeof name, "node %u: remote penalty", id);
		c = check_named(checks, name);
		if (n_nodes == 1) {
			assert_string_equal(json_string_value(json_object_get(c, "status")),
					    "not-evaluated");
			assert_string_equal(json_string_value(json_object_get(c, "detail")),
					    "not applicable: one node: no remote memory");
		} else {
			assert_string_equal(json_string_value(json_object_get(c, "status")), "pass");
		}
	}
	for (size_t i = 0; i < json_array_size(checks); i++)
		assert_string_not_equal(
			json_string_value(json_object_get(json_array_get(checks, i), "status")), "fail");
	json_decref(checks);

	/* Kept for `report DIR`: the summary is the first item, placed at the top. */
	text = nh_read_in(out, "scenario-report.json");
	json_t *doc = json_loads(text, 0, NULL);
	free(text);
	json_t *first = json_array_get(json_object_get(doc, "items"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "title")), "Capacity summary");
	assert_string_equal(json_string_value(json_object_get(first, "placement")), "top");
	assert_int_equal(json_array_size(json_object_get(first, "rows")), n_nodes);
	json_decref(doc);
	json_decref(manifest);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quick_capacity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
