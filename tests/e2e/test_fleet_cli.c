/* SPDX-License-Identifier: MIT */
/* End-to-end tests of `numaharness fleet` on synthetic fleets written by nh-fleetgen in the
 * writers' own formats: a uniform fleet passes with no false alarm; planted faults get exactly
 * their verdicts and plain readings (a DIMM, one slow node, every node slow, an SNC host, a
 * failed check, noise, error.txt, damaged files, a planned host never started); a cohort of 4 is
 * not compared until --baseline gives it earlier medians; drift, mixed tool versions; every bad
 * input is one line and exit 2. Each test works in its own directory. */
#include <jansson.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "charts.h"
#include "proc.h"
#include "util.h"

#define MINUS "\u2212"
#define ARROW " \u2192 "

/* Run nh-fleetgen OUT ARGS... (NULL-terminated). */
static void gen(const char *out, ...)
{
	char *argv[64] = {NH_FLEETGEN, (char *)out};
	unsigned n = 2;
	va_list ap;
	va_start(ap, out);
	for (char *a; (a = va_arg(ap, char *)) && n < 63;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	if (r.status != 0)
		fail_msg("nh-fleetgen failed: %s", r.err);
	nh_proc_free(&r);
}

/* numaharness fleet ARGS... (NULL-terminated) from \p cwd. */
static nh_proc_result_t fleet(const char *cwd, ...)
{
	char *argv[64] = {NH_BIN, "fleet"};
	unsigned n = 2;
	va_list ap;
	va_start(ap, cwd);
	for (char *a; (a = va_arg(ap, char *)) && n < 63;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(cwd, argv, NULL, &r), 0);
	return r;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = malloc(PATH_MAX);
	assert_non_null(p);
	int n = snprintf(p, PATH_MAX, "%s/%s", dir, name);
	assert_true(n > 0 && n < PATH_MAX);
	return p;
}

static void write_in(const char *dir, const char *name, const char *text)
{
	char *p = path_in(dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(p);
}

static json_t *load_fleet(const char *out)
{
	char *p = path_in(out, "fleet.json");
	json_error_t e;
	json_t *doc = json_load_file(p, 0, &e);
	if (!doc)
		fail_msg("%s: %s (line %d)", p, e.text, e.line);
	free(p);
	return doc;
}

static json_t *host(json_t *doc, const char *name)
{
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(doc, "hosts"), i, h)
	{
		if (strcmp(json_string_value(json_object_get(h, "name")), name) == 0)
			return h;
	}
	fail_msg("no host %s in fleet.json", name);
	return NULL;
}

static const char *verdict(json_t *doc, const char *name)
{
	return json_string_value(json_object_get(host(doc, name), "verdict"));
}

/* The host's k-th reading: its rule and text. */
static const char *reading(json_t *doc, const char *name, unsigned k, const char **rule)
{
	json_t *r = json_array_get(json_object_get(host(doc, name), "readings"), k);
	if (!r)
		fail_msg("%s has no reading %u", name, k);
	if (rule)
		*rule = json_string_value(json_object_get(r, "rule"));
	return json_string_value(json_object_get(r, "text"));
}

static const char *reason(json_t *doc, const char *name, unsigned k)
{
	const char *s = json_string_value(json_array_get(json_object_get(host(doc, name), "reasons"), k));
	if (!s)
		fail_msg("%s has no reason %u", name, k);
	return s;
}

static bool has_note(json_t *doc, const char *name, const char *text)
{
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(host(doc, name), "notes"), i, n)
	{
		if (strstr(json_string_value(n), text))
			return true;
	}
	return false;
}

static long long count(json_t *doc, const char *v)
{
	return json_integer_value(json_object_get(json_object_get(doc, "counts"), v));
}

static void contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' not in:\n%s", part, text);
}

/* A uniform fleet: every host PASS, no false alarm, exit 0; every file written and consistent. */
static void test_uniform(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "20", "--uniform", NULL);
	nh_proc_result_t r = fleet(NULL, hosts, "--out", out, NULL);
	if (r.status != 0)
		fail_msg("exit %d: %s%s", r.status, r.out, r.err);
	contains(r.out, "fleet: 20 hosts in 1 cohort: 20 PASS\n");
	json_t *doc = load_fleet(out);
	assert_int_equal(count(doc, "PASS"), 20);
	assert_string_equal(json_string_value(json_object_get(doc, "gate")), "pass");
	assert_int_equal(json_array_size(json_object_get(doc, "warnings")), 0);
	json_t *triad = json_object_get(json_object_get(json_object_get(json_array_get(
		json_object_get(json_array_get(json_object_get(doc, "cohorts"), 0), "nodes"), 1),
		"metrics"), "triad"), "mad");
	assert_true(json_real_value(triad) == 0); /* perfectly uniform: MAD 0, the floor decides */
	char *failed = nh_read_in(out, "hosts-failed.txt");
	assert_string_equal(failed, "");
	char *csv = nh_read_in(out, "fleet.csv");
	assert_int_equal(nh_count_lines(csv), 1 + 20 * 2 * 4);
	assert_null(strstr(csv, ",low\n"));
	assert_null(strstr(csv, ",high\n"));
	contains(csv, "host,cohort,node,metric,value,cohort_median,deviation_pct,z,flag\n"
		      "host-0000,gen3,0,triad,92000,92000,0.00,0.00,ok\n");
	char *xml = nh_read_in(out, "fleet.xml");
	contains(xml, "<testsuites name=\"numaharness fleet\" tests=\"21\" failures=\"0\" errors=\"0\" "
		      "skipped=\"0\">");
	char *md = nh_read_in(out, "fleet.md");
	contains(md, "| PASS | 20 |");
	contains(md, "None: every host passes.");
	free(failed), free(csv), free(xml), free(md);
	json_decref(doc);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(hosts), free(out);
}

/* Hosts that differ as real ones do (2 % in bandwidth, 1 % in latency, 1 % run to run): no
 * false alarm among 60. */
static void test_realistic_no_false_alarm(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "60", NULL);
	nh_proc_result_t r = fleet(NULL, hosts, "--out", out, "--quiet", "--no-charts", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "");
	json_t *doc = load_fleet(out);
	assert_int_equal(count(doc, "PASS"), 60);
	json_decref(doc);
	nh_proc_free(&r);
	/* one reader thread or four: the same fleet, figure for figure */
	char *one = path_in(root, "one"), *four = path_in(root, "four");
	char *argv1[] = {NH_BIN, "fleet", hosts, "--out", one, "--quiet", "--no-charts", NULL};
	char *argv4[] = {NH_BIN, "fleet", hosts, "--out", four, "--quiet", "--no-charts", NULL};
	char *env1[] = {"NH_FLEET_THREADS=1", NULL}, *env4[] = {"NH_FLEET_THREADS=4", NULL};
	assert_int_equal(nh_proc_run(NULL, argv1, env1, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	assert_int_equal(nh_proc_run(NULL, argv4, env4, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	char *csv1 = nh_read_in(one, "fleet.csv"), *csv4 = nh_read_in(four, "fleet.csv");
	assert_int_equal(nh_count_lines(csv1), 1 + 60 * 2 * 4);
	assert_string_equal(csv1, csv4);
	free(csv1), free(csv4), free(one), free(four);
	nh_rm_rf(root);
	free(root), free(hosts), free(out);
}

/* Planted faults, each with exactly its verdict and reading; planned hosts gate the exit. */
static void test_faults(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "40", "--uniform",
	    "--host", "host-0003:triad.1=-20",
	    "--host", "host-0004:memtotal.1=-8.3,triad.1=-16",
	    "--host", "host-0005:check=fail",
	    "--host", "host-0006:noise=0.3",
	    "--host", "host-0007:error=install failed: dpkg exited 1",
	    "--host", "host-0008:triad.all=-22",
	    "--host", "host-0009:nodes=4",
	    "--host", "host-0010:kernel=6.1.0-18-amd64",
	    "--host", "host-0011:bios=2.1.0,triad.all=-25",
	    "--host", "host-0012:latency.0=15",
	    "--host", "host-0013:remote.all=30",
	    "--host", "host-0014:cpus=28",
	    "--host", "host-0015:manifest=broken",
	    "--host", "host-0016:csv=torn",
	    "--host", "host-0017:csv=broken",
	    "--host", "host-0018:checks=broken",
	    "--host", "host-0019:status=running",
	    "--host", "host-0020:manifest=none",
	    NULL);
	/* planned: every host generated, one never started, and comments */
	char planned[8192] = "# the rollout's inventory\n\n";
	for (unsigned i = 0; i < 40; i++)
		snprintf(planned + strlen(planned), sizeof planned - strlen(planned),
			 "host-%04u   # rack r%u\n", i, i % 4);
	strcat(planned, "host-9999\n");
	write_in(root, "planned.txt", planned);
	char *plan = path_in(root, "planned.txt");
	nh_proc_result_t r = fleet(NULL, hosts, "--planned-hosts", plan, "--out", out, NULL);
	assert_int_equal(r.status, 1);
	json_t *doc = load_fleet(out);
	const char *rule;

	assert_string_equal(verdict(doc, "host-0003"), "OUTLIER");
	assert_string_equal(reading(doc, "host-0003", 0, &rule),
			    "node 1: local triad " MINUS "20.0 % against the cohort" ARROW "node 1's "
			    "bandwidth alone is low: a memory channel degraded or populated unevenly "
			    "(capacity kept), or other work on node 1's CPUs");
	assert_string_equal(rule, "bandwidth-only");

	assert_string_equal(verdict(doc, "host-0004"), "OUTLIER");
	assert_string_equal(reading(doc, "host-0004", 0, &rule),
			    "node 1: MemTotal " MINUS "8.3 % and local triad " MINUS "16.0 % against the "
			    "cohort" ARROW "a missing or failed DIMM on node 1");
	assert_string_equal(rule, "dimm");
	contains(reason(doc, "host-0004", 0), "node 1 local triad 77280 MB/s: " MINUS "16.0 % against "
					      "the cohort median 92000 MB/s (z " MINUS "10.8; threshold 15 % low)");

	assert_string_equal(verdict(doc, "host-0005"), "FAIL");
	contains(reason(doc, "host-0005", 0), "check failed: slowest node's local triad, re-measured: ");

	assert_string_equal(verdict(doc, "host-0006"), "UNSTABLE");
	reading(doc, "host-0006", 0, &rule);
	assert_string_equal(rule, "noisy");

	assert_string_equal(verdict(doc, "host-0007"), "ERROR");
	assert_string_equal(reason(doc, "host-0007", 0), "error.txt: install failed: dpkg exited 1");

	assert_string_equal(verdict(doc, "host-0008"), "OUTLIER");
	assert_string_equal(reading(doc, "host-0008", 0, &rule),
			    "every node: local triad " MINUS "22.0 % (node 0), " MINUS "22.0 % (node 1) "
			    "against the cohort" ARROW "a BIOS power/memory setting or the CPU frequency "
			    "(power profile, turbo, C-states, memory speed), every node alike");
	assert_string_equal(rule, "all-triad");

	assert_string_equal(verdict(doc, "host-0009"), "OUTLIER");
	assert_string_equal(reading(doc, "host-0009", 0, &rule),
			    "node count 4 against the cohort's 2" ARROW "the SNC/NPS (sub-NUMA "
			    "clustering) or node-interleaving BIOS setting differs, or a socket or its "
			    "memory is not seen; its per-node figures are not compared");
	assert_string_equal(rule, "node-count");
	assert_true(json_is_true(json_object_get(host(doc, "host-0009"), "drift")));

	/* a kernel of its own: a note beside PASS, not a verdict */
	assert_string_equal(verdict(doc, "host-0010"), "PASS");
	assert_true(json_is_true(json_object_get(host(doc, "host-0010"), "drift")));
	json_t *drift = json_array_get(json_object_get(host(doc, "host-0010"), "drift_facts"), 0);
	assert_string_equal(json_string_value(json_object_get(drift, "fact")), "kernel");
	assert_string_equal(json_string_value(json_object_get(drift, "value")), "6.1.0-18-amd64");
	assert_string_equal(json_string_value(json_object_get(drift, "usual")), "6.1.0-28-amd64");
	assert_string_equal(json_string_value(json_object_get(drift, "effect")), "note");

	assert_string_equal(reading(doc, "host-0011", 0, &rule),
			    "every node: local triad " MINUS "25.0 % (node 0), " MINUS "25.0 % (node 1) "
			    "against the cohort" ARROW "a BIOS power/memory setting or the CPU frequency "
			    "(power profile, turbo, C-states, memory speed), every node alike; its BIOS "
			    "version 2.1.0 differs from the cohort's 2.3.5");

	assert_string_equal(reading(doc, "host-0012", 0, &rule),
			    "node 0: idle latency +15.0 % against the cohort" ARROW "node 0's memory "
			    "takes longer to reach: slower DIMM timings or a memory power-saving setting "
			    "of that socket");
	assert_string_equal(verdict(doc, "host-0012"), "OUTLIER");

	assert_string_equal(verdict(doc, "host-0013"), "OUTLIER");
	reading(doc, "host-0013", 0, &rule);
	assert_string_equal(rule, "all-ratio-high");

	assert_string_equal(verdict(doc, "host-0014"), "OUTLIER");
	assert_string_equal(reading(doc, "host-0014", 0, &rule),
			    "CPUs per node 28,28 against the cohort's 56,56" ARROW "CPUs offline, or the "
			    "SMT (hyper-threading) or core-count BIOS setting differs");

	assert_string_equal(verdict(doc, "host-0015"), "ERROR");
	contains(reason(doc, "host-0015", 0), "host-0015/manifest.json:5: not JSON: ");

	assert_string_equal(verdict(doc, "host-0016"), "PASS"); /* a torn last row is not damage */
	assert_true(has_note(doc, "host-0016", "metrics.csv:602: torn last row (191 bytes) ignored"));

	assert_string_equal(verdict(doc, "host-0017"), "ERROR");
	contains(reason(doc, "host-0017", 0), "host-0017/metrics.csv:602: a quoted field is not closed");
	assert_string_equal(verdict(doc, "host-0018"), "ERROR");
	contains(reason(doc, "host-0018", 0), "checks.json:4: not JSON: ");
	assert_string_equal(verdict(doc, "host-0019"), "ERROR");
	assert_string_equal(reason(doc, "host-0019", 0),
			    "manifest status 'running' and nothing measured: the run did not finish");
	assert_string_equal(verdict(doc, "host-0020"), "ERROR");
	assert_string_equal(reason(doc, "host-0020", 0),
			    "no manifest.json and no error.txt: nothing came back from this host");

	assert_string_equal(verdict(doc, "host-9999"), "MISSING");
	assert_true(json_is_null(json_object_get(host(doc, "host-9999"), "dir")));

	/* the rest pass: nothing else flagged */
	assert_int_equal(count(doc, "PASS"), 40 - 16);
	assert_int_equal(count(doc, "OUTLIER"), 8);
	assert_int_equal(count(doc, "ERROR"), 6);
	assert_int_equal(count(doc, "MISSING"), 1);
	char *failed = nh_read_in(out, "hosts-failed.txt");
	assert_string_equal(failed, "host-0003\nhost-0004\nhost-0005\nhost-0006\nhost-0007\nhost-0008\n"
				    "host-0009\nhost-0011\nhost-0012\nhost-0013\nhost-0014\nhost-0015\n"
				    "host-0017\nhost-0018\nhost-0019\nhost-0020\nhost-9999\n");
	/* verdicts.tsv: a short ASCII summary per host, what a scheduler's drain reason shows */
	char *tsv = nh_read_in(out, "verdicts.tsv");
	assert_memory_equal(tsv, "host\tverdict\tsummary\nhost-0000\tPASS\tpass\n", 41);
	contains(tsv, "\nhost-0003\tOUTLIER\tnode1 local triad -20% vs cohort\n");
	contains(tsv, "\nhost-0004\tOUTLIER\tnode1 local triad -16%, node1 MemTotal -8.3% vs cohort\n");
	contains(tsv, "\nhost-0005\tFAIL\tcheck failed: slowest node's local triad, re-measured: "
		      "node 1: ");
	contains(tsv, "\nhost-0006\tUNSTABLE\tnode0 local triad unstable: CV ");
	contains(tsv, "\nhost-0007\tERROR\tcould not run: error.txt: install failed: dpkg exited 1\n");
	contains(tsv, "\nhost-0009\tOUTLIER\tnode count 4 vs cohort 2\n");
	contains(tsv, "\nhost-0011\tOUTLIER\tnode0 local triad -25%, node1 local triad -25% vs cohort\n");
	contains(tsv, "\nhost-0014\tOUTLIER\tCPUs per node 28,28 vs cohort 56,56; CPUs the runs "
		      "could use 0-55 vs cohort 0-111\n");
	contains(tsv, "\nhost-9999\tMISSING\tno results\n");
	for (char *line = tsv, *end; *line; line = end + 1) { /* ASCII, cut to 160 bytes */
		end = strchr(line, '\n');
		assert_non_null(end);
		const char *summary = strrchr(line, '\t') + 1;
		assert_true(end - summary <= 160);
		for (const char *c = summary; c < end; c++)
			assert_true(*c >= 0x20 && *c < 0x7f);
	}
	assert_string_equal(json_string_value(json_object_get(host(doc, "host-0009"), "summary")),
			    "node count 4 vs cohort 2");
	free(tsv);
	char *csv = nh_read_in(out, "fleet.csv");
	contains(csv, "host-0004,gen3,1,memtotal,184510144512,201210626048,-8.30,-22.39,low\n");
	contains(csv, "host-0009,gen3,3,triad,46000,,,,not-compared\n");
	char *xml = nh_read_in(out, "fleet.xml");
	contains(xml, "tests=\"42\" failures=\"10\" errors=\"7\" skipped=\"0\"");
	contains(xml, "<testcase classname=\"fleet.gen3\" name=\"host-0004\">\n      <failure "
		      "type=\"OUTLIER\" message=\"node 1: MemTotal " MINUS "8.3 % and local triad "
		      MINUS "16.0 % against the cohort" ARROW "a missing or failed DIMM on node 1\">");
	contains(xml, "<testcase classname=\"fleet.missing\" name=\"host-9999\">\n      <error "
		      "type=\"MISSING\"");
	/* stdout: the counts, then the flagged hosts with their readings */
	contains(r.out, "fleet: 41 hosts in 1 cohort: 24 PASS, 1 FAIL, 8 OUTLIER, 1 UNSTABLE, 6 ERROR, "
			"1 MISSING\n");
	contains(r.out, "OUTLIER  host-0004 (gen3): node 1: MemTotal " MINUS "8.3 % and local triad");
	char *md = nh_read_in(out, "fleet.md");
	contains(md, "- **host-0004** (gen3) OUTLIER: node 1: MemTotal " MINUS "8.3 %");
	contains(md, "| host-0010 | gen3 | kernel | 6.1.0-18-amd64 | 6.1.0-28-amd64 | note |");
	contains(md, "| host-0009 | gen3 | node count | 4 | 2 | **verdict** |");
	/* the charts: data and templates always; drawn where gnuplot is */
	char *heat = nh_read_in(out, "charts/fleet-heatmap-1.dat");
	contains(heat, "\"host\" \"n0 triad\" \"n0 latency\" \"n0 MemTotal\" \"n0 ratio\" \"n1 triad\"");
	contains(heat, "\"host-0004\" 0.00 0.00 0.00 0.00 16.00 0.00 8.30 0.00\n");
	char *ranked = nh_read_in(out, "charts/fleet-ranked-1.dat");
	contains(ranked, "1 -25.0000 1 -15 \"host-0011\"\n");
	char *html = nh_read_in(out, "fleet.html");
	contains(html, "<strong>host-0004</strong> (gen3) <span class=\"bad\">OUTLIER</span>: node 1: "
		       "MemTotal " MINUS "8.3 % and local triad " MINUS "16.0 %");
	char gnuplot[NH_CHARTS_GNUPLOT_LEN];
	if (nh_charts_find_gnuplot(gnuplot, sizeof gnuplot, NULL) == 0) {
		char *svg = nh_read_in(out, "charts/fleet-heatmap-1.svg");
		contains(svg, "host-0004");
		free(svg);
		contains(html, "<figure class=\"chart\">");
		contains(html, "<title>The 7 hosts furthest from their cohort (of 41)</title>");
	}
	free(heat), free(ranked), free(html);
	free(failed), free(csv), free(xml), free(md), free(plan);
	json_decref(doc);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(hosts), free(out);
}

/* Only planned hosts gate: a broken host nobody planned is judged and listed, exit 0. */
static void test_unplanned(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "8", "--uniform", "--reps", "1", "--host", "host-0007:error=not ours",
	    NULL);
	char planned[512] = "";
	for (unsigned i = 0; i < 7; i++)
		snprintf(planned + strlen(planned), sizeof planned - strlen(planned), "host-%04u\n", i);
	write_in(root, "planned.txt", planned);
	char *plan = path_in(root, "planned.txt");
	nh_proc_result_t r = fleet(NULL, hosts, "--planned-hosts", plan, "--out", out, "--no-charts",
				   NULL);
	assert_int_equal(r.status, 0);
	/* no charts asked: none drawn, and the report says so */
	char *charts = path_in(out, "charts");
	struct stat st;
	assert_int_equal(stat(charts, &st), -1);
	free(charts);
	char *html = nh_read_in(out, "fleet.html");
	contains(html, "<p>No charts: --no-charts.</p>");
	free(html);
	json_t *doc = load_fleet(out);
	assert_string_equal(verdict(doc, "host-0007"), "ERROR");
	assert_false(json_is_true(json_object_get(host(doc, "host-0007"), "planned")));
	assert_true(json_is_true(json_object_get(host(doc, "host-0000"), "planned")));
	/* one repetition: a PASS that says its steadiness is unknown */
	assert_string_equal(verdict(doc, "host-0000"), "PASS");
	assert_true(has_note(doc, "host-0000", "a figure from one run only: how steady it is cannot "
					       "be told"));
	contains(json_string_value(json_array_get(json_object_get(doc, "notes"), 0)),
		 "host-0007 (");
	char *failed = nh_read_in(out, "hosts-failed.txt");
	assert_string_equal(failed, "host-0007\n");
	free(failed), free(plan);
	json_decref(doc);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(hosts), free(out);
}

/* A cohort of 4 is not compared (PASS, said per host, JUnit skipped) until an earlier
 * fleet.json gives its medians; then the slow host is an OUTLIER against the baseline. */
static void test_insufficient_then_baseline(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *old = path_in(root, "old"), *now = path_in(root, "now");
	char *out1 = path_in(root, "out1"), *out2 = path_in(root, "out2"), *out3 = path_in(root, "out3");
	gen(old, "--hosts", "10", "--uniform", "--cohort", "gen2", "--prefix", "old", NULL);
	nh_proc_result_t r = fleet(NULL, old, "--out", out1, NULL);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);

	gen(now, "--hosts", "4", "--uniform", "--cohort", "gen2", "--prefix", "new", "--host",
	    "new-0002:triad.0=-20", NULL);
	r = fleet(NULL, now, "--out", out2, NULL);
	assert_int_equal(r.status, 0);
	json_t *doc = load_fleet(out2);
	assert_int_equal(count(doc, "PASS"), 4);
	assert_false(json_is_true(json_object_get(host(doc, "new-0002"), "compared")));
	assert_true(has_note(doc, "new-0002", "not compared: cohort gen2 has 4 hosts with a local "
					      "triad on node 0 (at least 5, or --baseline with this "
					      "cohort)"));
	char *xml = nh_read_in(out2, "fleet.xml");
	contains(xml, "skipped=\"4\"");
	contains(xml, "<skipped type=\"PASS\" message=\"not compared: cohort gen2 has 4 hosts");
	free(xml);
	json_decref(doc);
	nh_proc_free(&r);

	char *base = path_in(out1, "fleet.json");
	r = fleet(NULL, now, "--baseline", base, "--out", out3, NULL);
	assert_int_equal(r.status, 1);
	doc = load_fleet(out3);
	assert_string_equal(verdict(doc, "new-0002"), "OUTLIER");
	contains(reason(doc, "new-0002", 0), "against the baseline's median 92000 MB/s");
	assert_string_equal(verdict(doc, "new-0000"), "PASS");
	assert_true(json_is_true(json_object_get(host(doc, "new-0000"), "compared")));
	json_t *triad = json_object_get(json_object_get(json_object_get(json_array_get(
		json_object_get(json_array_get(json_object_get(doc, "cohorts"), 0), "nodes"), 0),
		"metrics"), "triad"), "reference");
	assert_string_equal(json_string_value(triad), "baseline");
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "baseline"),
							      "path")), base);
	json_decref(doc);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(old), free(now), free(out1), free(out2), free(out3), free(base);
}

/* No usual value when the cohort splits evenly: nobody drifts, the cohort says why. */
static void test_drift_tie(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "6", "--uniform", "--host", "host-0000:kernel=6.12.0", "--host",
	    "host-0001:kernel=6.12.0", "--host", "host-0002:kernel=6.12.0", NULL);
	nh_proc_result_t r = fleet(NULL, hosts, "--out", out, "--no-charts", NULL);
	assert_int_equal(r.status, 0);
	json_t *doc = load_fleet(out);
	json_t *cohort = json_array_get(json_object_get(doc, "cohorts"), 0);
	contains(json_string_value(json_array_get(json_object_get(cohort, "notes"), 0)),
		 "kernel: no usual value (2 values: 6.1.0-28-amd64: 3 hosts; 6.12.0: 3 hosts)");
	assert_false(json_is_true(json_object_get(host(doc, "host-0000"), "drift")));
	json_decref(doc);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(hosts), free(out);
}

/* Another tool version or scenario: every host passes, and still the comparison is not valid. */
static void test_mixed_versions(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "10", "--uniform", "--host", "host-0003:tool=0.0.9", "--host",
	    "host-0005:sha=deadbeef", NULL);
	nh_proc_result_t r = fleet(NULL, hosts, "--out", out, "--no-charts", NULL);
	assert_int_equal(r.status, 1);
	contains(r.out, "fleet: 10 hosts in 1 cohort: 10 PASS\n");
	contains(r.out, "warning: mixed tool versions across the fleet: 0.1.0 (9 hosts: host-0000, "
			"host-0001, host-0002, ...); 0.0.9 (1 host: host-0003) — the hosts did not "
			"measure the same way, so the comparison is not valid: rerun them alike\n");
	contains(r.out, "warning: mixed scenario SHA-256 across the fleet: ");
	json_t *doc = load_fleet(out);
	assert_string_equal(json_string_value(json_object_get(doc, "gate")), "fail");
	assert_int_equal(json_array_size(json_object_get(doc, "warnings")), 2);
	char *xml = nh_read_in(out, "fleet.xml");
	contains(xml, "<testcase classname=\"fleet\" name=\"comparison is valid (one tool version, "
		      "one scenario)\">\n      <failure type=\"invalid\"");
	char *failed = nh_read_in(out, "hosts-failed.txt");
	assert_string_equal(failed, "");
	free(xml), free(failed);
	json_decref(doc);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(hosts), free(out);
}

/* Two directories of one name: the fleet cannot tell them apart, and says so. */
static void test_duplicate_names(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "6", "--uniform", "--host", "host-0004:id=host-0003", NULL);
	nh_proc_result_t r = fleet(NULL, hosts, "--out", out, "--no-charts", NULL);
	assert_int_equal(r.status, 1);
	char want[1024];
	snprintf(want, sizeof want, "warning: host name host-0003 is used by more than one directory "
		 "(%s/host-0003, %s/host-0004): each host needs its own id (--host-id)\n", hosts, hosts);
	contains(r.out, want);
	char *failed = nh_read_in(out, "hosts-failed.txt");
	assert_string_equal(failed, "");
	free(failed);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(hosts), free(out);
}

/* Host directories named one by one; an earlier report and hidden directories among the hosts
 * are passed over; the default output directory is ./fleet-<UTC time>/. */
static void test_inputs_and_default_out(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet");
	gen(hosts, "--hosts", "6", "--uniform", NULL);
	char *h0 = path_in(hosts, "host-0000"), *h1 = path_in(hosts, "host-0001");
	nh_proc_result_t r = fleet(root, h0, h1, "--cohort-by", "none", NULL);
	assert_int_equal(r.status, 0);
	contains(r.out, "fleet: 2 hosts in 1 cohort: 2 PASS\n");
	contains(r.out, "fleet: fleet-");
	char dir[64];
	assert_int_equal(sscanf(strstr(r.out, "fleet: fleet-") + 7, "%63[^/]", dir), 1);
	char *made = path_in(root, dir);
	json_t *doc = load_fleet(made);
	assert_string_equal(json_string_value(json_object_get(doc, "cohort_by")), "none");
	assert_string_equal(json_string_value(json_object_get(host(doc, "host-0000"), "cohort")), "all");
	json_decref(doc);
	nh_proc_free(&r);

	/* the report written among the hosts, and a hidden directory, are not hosts */
	char *inner = path_in(hosts, "report"), *hidden = path_in(hosts, ".cache");
	r = fleet(NULL, hosts, "--out", inner, NULL);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	assert_int_equal(mkdir(hidden, 0755), 0);
	char *again = path_in(root, "again");
	r = fleet(NULL, hosts, "--out", again, NULL);
	assert_int_equal(r.status, 0);
	contains(r.out, "fleet: 6 hosts in 1 cohort: 6 PASS\n");
	doc = load_fleet(again);
	contains(json_string_value(json_array_get(json_object_get(doc, "notes"), 0)),
		 "/report: an earlier fleet report, not a host: passed over");
	json_decref(doc);
	nh_proc_free(&r);
	nh_rm_rf(root);
	free(root), free(hosts), free(h0), free(h1), free(made), free(inner), free(hidden), free(again);
}

/* Every bad input: exit 2, one line on stderr, nothing written. */
static void expect_bad(const char *cwd, const char *message, ...)
{
	char *argv[32] = {NH_BIN, "fleet"};
	unsigned n = 2;
	va_list ap;
	va_start(ap, message);
	for (char *a; (a = va_arg(ap, char *)) && n < 31;)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(cwd, argv, NULL, &r), 0);
	if (r.status != 2 || nh_count_lines(r.err) != 1 || !strstr(r.err, message))
		fail_msg("exit %d, stderr '%s', expected 2 and '%s'", r.status, r.err, message);
	assert_string_equal(r.out, "");
	nh_proc_free(&r);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	char *root = nh_tmpdir(), *hosts = path_in(root, "fleet"), *out = path_in(root, "out");
	gen(hosts, "--hosts", "3", "--uniform", NULL);
	write_in(root, "plan-bad.txt", "host-0000\n# fine\nweb 1\n");
	write_in(root, "plan-twice.txt", "host-0000\nhost-0000\n");
	write_in(root, "not-fleet.json", "{\"format\": \"numaharness-scenario-report/1\"}");
	write_in(root, "broken.json", "{\n  \"format\": \"numaharness-fleet/1\",\n  \"cohorts\": [\n");
	assert_int_equal(mkdir(out, 0755), 0);
	write_in(out, "keep.txt", "earlier work");
	char *plan_bad = path_in(root, "plan-bad.txt"), *plan_twice = path_in(root, "plan-twice.txt");
	char *not_fleet = path_in(root, "not-fleet.json"), *broken = path_in(root, "broken.json");
	char *fresh = path_in(root, "fresh");
	char msg[1024];

	expect_bad(root, "numaharness: fleet: name at least one host directory or directory of hosts",
		   NULL);
	expect_bad(root, "numaharness: fleet: /nonexistent-nh-fleet: no such directory\n",
		   "/nonexistent-nh-fleet", NULL);
	expect_bad(root, "numaharness: fleet: /etc/hostname: not a directory", "/etc/hostname", NULL);
	expect_bad(root, "numaharness: fleet: /nonexistent-nh-fleet: no such directory\n", hosts,
		   "/nonexistent-nh-fleet", "--out", fresh, NULL);
	expect_bad(root, "numaharness: fleet: --threshold: triad=abc: expected a percentage in (0, "
			 "100]\n", hosts, "--threshold", "triad=abc", NULL);
	expect_bad(root, "numaharness: fleet: --threshold: unknown metric 'speed' (metrics: triad, "
			 "latency, memtotal, ratio)\n", hosts, "--threshold", "speed=5", NULL);
	expect_bad(root, "numaharness: fleet: --cohort-by 'rack': expected label:NAME", hosts,
		   "--cohort-by", "rack", NULL);
	expect_bad(root, "numaharness: fleet: --max-cv 'lots': expected a fraction", hosts,
		   "--max-cv", "lots", NULL);
	snprintf(msg, sizeof msg, "numaharness: fleet: %s:3: 'web 1' is not a host name (one name a "
		 "line, no blanks or control characters inside)\n", plan_bad);
	expect_bad(root, msg, hosts, "--planned-hosts", plan_bad, NULL);
	snprintf(msg, sizeof msg, "numaharness: fleet: %s:2: host 'host-0000' is planned twice\n",
		 plan_twice);
	expect_bad(root, msg, hosts, "--planned-hosts", plan_twice, NULL);
	expect_bad(root, "numaharness: fleet: --planned-hosts /nonexistent-plan: no such file\n", hosts,
		   "--planned-hosts", "/nonexistent-plan", NULL);
	snprintf(msg, sizeof msg, "numaharness: fleet: --baseline: %s: not a fleet.json (format is not "
		 "\"numaharness-fleet/1\")\n", not_fleet);
	expect_bad(root, msg, hosts, "--baseline", not_fleet, NULL);
	snprintf(msg, sizeof msg, "numaharness: fleet: --baseline: %s:4: not JSON: ", broken);
	expect_bad(root, msg, hosts, "--baseline", broken, NULL);
	snprintf(msg, sizeof msg, "numaharness: fleet: output directory %s is not empty; choose a new "
		 "one\n", out);
	expect_bad(root, msg, hosts, "--out", out, NULL);
	expect_bad(root, "numaharness: fleet: output directory /etc/hostname is not a directory", hosts,
		   "--out", "/etc/hostname", NULL);
	expect_bad(root, "numaharness: fleet: bad option '--frobnicate' (see numaharness fleet --help)",
		   hosts, "--frobnicate", NULL);
	expect_bad(root, "numaharness: fleet: option '--threshold' needs a value", hosts,
		   "--threshold", NULL);
	/* nothing was written by any of them */
	struct stat st;
	assert_int_equal(stat(fresh, &st), -1);
	char *kept = nh_read_in(out, "keep.txt");
	assert_string_equal(kept, "earlier work");
	free(kept);
	char *only = path_in(out, "fleet.json");
	assert_int_equal(stat(only, &st), -1);
	free(only);
	nh_rm_rf(root);
	free(root), free(hosts), free(out), free(plan_bad), free(plan_twice), free(not_fleet);
	free(broken), free(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uniform),
		cmocka_unit_test(test_realistic_no_false_alarm),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_unplanned),
		cmocka_unit_test(test_insufficient_then_baseline),
		cmocka_unit_test(test_drift_tie),
		cmocka_unit_test(test_mixed_versions),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_inputs_and_default_out),
		cmocka_unit_test(test_bad_inputs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
