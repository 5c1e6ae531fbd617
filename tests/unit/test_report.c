/* Unit tests of report and charts: report.md / report.html of a real results directory
 * (tests/data/report/stream), the charts' data, gnuplot missing or failing, escaping. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
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
#include "report.h"
#include "results.h"

#define FIXTURE NH_TEST_DATA "/report/stream"

/* ---- helpers ---- */

static void copy_file(const char *from, const char *to)
{
	size_t len;
	char *text = nh_read_file(from, &len, NULL);
	assert_non_null(text);
	FILE *f = fopen(to, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(text);
}

/* The fixture is read-only input: each test writes its report into a copy. */
static void copy_tree(const char *from, const char *to)
{
	assert_int_equal(nh_mkdir_p(to, NULL), 0);
	DIR *d = opendir(from);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char a[4096], b[4096];
		snprintf(a, sizeof a, "%s/%s", from, e->d_name);
		snprintf(b, sizeof b, "%s/%s", to, e->d_name);
		struct stat st;
		assert_int_equal(stat(a, &st), 0);
		if (S_ISDIR(st.st_mode))
			copy_tree(a, b);
		else
			copy_file(a, b);
	}
	closedir(d);
}

static char tmpdir[64];

static int make_copy(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/nh-report-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char dir[128];
	snprintf(dir, sizeof dir, "%s/stream", tmpdir);
	copy_tree(FIXTURE, dir);
	unsetenv("NH_GNUPLOT");
	*state = strdup(dir);
	return 0;
}

static int remove_copy(void **state)
{
	free(*state);
	nh_empty_dir(tmpdir, NULL);
	rmdir(tmpdir);
	unsetenv("NH_GNUPLOT");
	return 0;
}

static char *slurp(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	size_t len;
	return nh_read_file(path, &len, NULL);
}

static bool exists(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void write_report(const char *dir, bool no_charts, nh_report_info_t *info)
{
	nh_err_t err = {{0}};
	nh_report_opts_t o = {.no_charts = no_charts};
	int rc = nh_report_write(dir, &o, info, &err);
	if (rc != 0)
		fail_msg("nh_report_write: %s", err.msg);
}

static bool have_gnuplot(void)
{
	char path[512];
	return nh_charts_find_gnuplot(path, sizeof path, NULL) == 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* What the fixture's records say, computed here independently of results.c and stats.c:
 * triad of the ok, counted runs of one policy. */
static unsigned triad_values(const char *policy, double *v, unsigned max)
{
	size_t len;
	char *text = nh_read_file(FIXTURE "/runs.jsonl", &len, NULL);
	assert_non_null(text);
	unsigned n = 0;
	for (const char *line = text; line && *line; line = nh_next_line(line)) {
		const char *end = strchr(line, '\n');
		json_t *rec = json_loadb(line, end ? (size_t)(end - line) : strlen(line), 0, NULL);
		assert_non_null(rec);
		const char *p = json_string_value(
				json_object_get(json_object_get(rec, "policy"), "requested"));
		json_t *val = json_object_get(
				json_object_get(json_object_get(rec, "metrics"), "triad"), "value");
		if (strcmp(p, policy) == 0 && !json_is_true(json_object_get(rec, "warmup")) &&
		    strcmp(json_string_value(json_object_get(rec, "outcome")), "ok") == 0 &&
		    json_is_number(val) && n < max)
			v[n++] = json_number_value(val);
		json_decref(rec);
	}
	free(text);
	qsort(v, n, sizeof *v, cmp_double);
	return n;
}

static double median(const double *v, unsigned n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- the report of the fixture ---- */

static void md_has_sections(void **state)
{
	const char *dir = *state;
	nh_report_info_t info;
	write_report(dir, false, &info);
	char *md = slurp(dir, "report.md");
	assert_non_null(md);
	static const char *const headings[] = {
			"# numaharness report: report-fixture\n",
			"## Host\n",
			"## Topology\n",
			"## Results per workload and policy\n",
			"### stream\n",
			"#### stream default\n",
			"#### stream membind=0\n",
			"## Placement\n",
			"## Outcomes\n",
			"## Kernel NUMA counters\n",
			"## Hardware counters\n",
			"## Memory layers\n",
			"## Expectations\n",
			"## Comparison with a baseline\n",
			"## Charts\n",
	};
	const char *at = md;
	for (size_t i = 0; i < sizeof headings / sizeof headings[0]; i++) {
		const char *h = strstr(at, headings[i]);
		if (!h)
			fail_msg("report.md lacks (in order) %s", headings[i]);
		at = h;
	}
	assert_non_null(strstr(md, "- 6 runs in 2 configurations: 6 ok\n"));
	assert_non_null(strstr(
			md,
			"| stream default | cpu-local | 3 | 0 | 0 | 0 | 0 | 100.0% | 100.0% |\n"));
	assert_non_null(strstr(md, "| stream membind=0 | 3 | 0 | 0 | 0 | 0 | 0 |\n"));
	assert_string_equal(info.md + strlen(info.md) - 10, "/report.md");
	free(md);
}

/* Each configuration's triad row: median, min, max and n as the records give them. */
static void md_triad_rows(void **state)
{
	const char *dir = *state;
	write_report(dir, true, NULL);
	char *md = slurp(dir, "report.md");
	static const char *const policies[] = {"default", "membind=0"};
	for (unsigned i = 0; i < 2; i++) {
		double v[16];
		unsigned n = triad_values(policies[i], v, 16);
		assert_int_equal(n, 3);
		char heading[64], row[160];
		snprintf(heading, sizeof heading, "#### stream %s\n", policies[i]);
		snprintf(row, sizeof row, "| `triad` | MB/s | higher | %.0f | %.0f | %.0f | ",
			 median(v, n), v[0], v[n - 1]);
		const char *h = strstr(md, heading);
		assert_non_null(h);
		const char *r = strstr(h, row);
		if (!r)
			fail_msg("no row '%s' under '%s'", row, heading);
		const char *eol = strchr(r, '\n');
		assert_non_null(eol);
		assert_memory_equal(eol - 5, "| 3 |", 5);
		/* and in the overview of the workload */
		snprintf(row, sizeof row, "| `%s` | 3 / 3 | %.0f | %.0f | %.0f | ", policies[i],
			 median(v, n), v[0], v[n - 1]);
		assert_non_null(strstr(md, row));
	}
	free(md);
}

static void html_self_contained(void **state)
{
	const char *dir = *state;
	nh_report_info_t info;
	write_report(dir, false, &info);
	char *html = slurp(dir, "report.html");
	assert_non_null(html);
	assert_memory_equal(html, "<!DOCTYPE html>\n", 16);
	size_t len = strlen(html);
	assert_string_equal(html + len - 8, "</html>\n");
	/* the host's kernel, from the manifest */
	json_t *m = json_load_file(FIXTURE "/manifest.json", 0, NULL);
	assert_non_null(m);
	const char *kernel = json_string_value(json_object_get(
			json_object_get(json_object_get(m, "host"), "host"), "kernel"));
	assert_non_null(kernel);
	char cell[256];
	snprintf(cell, sizeof cell, "<td>kernel</td><td>%s</td>", kernel);
	assert_non_null(strstr(html, cell));
	json_decref(m);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<?xml")); /* SVG prologs do not belong inside HTML */
	if (have_gnuplot()) {
		assert_non_null(strstr(html, "<svg"));
		assert_true(info.rendered > 0);
		assert_true(exists(dir, "charts/bandwidth-1.png"));
		assert_true(exists(dir, "charts/bandwidth-1.svg"));
		/* every inline chart got its own ids */
		assert_non_null(strstr(html, "id='c0-gpDot'"));
		assert_non_null(strstr(html, "id='c1-gpDot'"));
	}
	free(html);
}

/* The bandwidth chart's data: one row per policy with the triad's median, min, max and n. */
static void bandwidth_dat(void **state)
{
	const char *dir = *state;
	setenv("NH_GNUPLOT", "/nonexistent", 1); /* the data does not depend on drawing */
	write_report(dir, false, NULL);
	char *dat = slurp(dir, "charts/bandwidth-1.dat");
	assert_non_null(dat);
	assert_true(exists(dir, "charts/bandwidth.gp"));
	static const char *const policies[] = {"default", "membind=0"};
	unsigned rows = 0;
	for (const char *line = dat; line && *line; line = nh_next_line(line)) {
		if (*line == '#')
			continue;
		unsigned idx, n;
		char label[64];
		double med, lo, hi;
		assert_int_equal(sscanf(line, "%u \"%63[^\"]\" %lf %lf %lf %u", &idx, label, &med,
					&lo, &hi, &n),
				 6);
		assert_true(idx < 2);
		assert_int_equal(idx, rows);
		assert_string_equal(label, policies[idx]);
		double v[16];
		unsigned k = triad_values(policies[idx], v, 16);
		assert_int_equal(n, k);
		assert_true(fabs(med - median(v, k)) <= 1e-5 * med);
		assert_true(fabs(lo - v[0]) <= 1e-5 * lo);
		assert_true(fabs(hi - v[k - 1]) <= 1e-5 * hi);
		rows++;
	}
	assert_int_equal(rows, 2);
	free(dat);
	/* the time series of the one run whose CSV the fixture kept */
	char *ts = slurp(dir, "charts/timeseries-1.dat");
	assert_non_null(ts);
	assert_non_null(strstr(ts, "\"t_s\" \"RSS\""));
	assert_false(exists(dir, "charts/timeseries-2.dat"));
	free(ts);
}

static void gnuplot_missing(void **state)
{
	const char *dir = *state;
	setenv("NH_GNUPLOT", "/nonexistent/gnuplot", 1);
	nh_report_info_t info;
	write_report(dir, false, &info);
	assert_int_equal(info.rendered, 0);
	assert_true(info.charts >= 2);
	assert_non_null(strstr(info.charts_note, "gnuplot not found"));
	char *md = slurp(dir, "report.md"), *html = slurp(dir, "report.html");
	assert_non_null(strstr(md, "gnuplot not found"));
	assert_non_null(strstr(html, "gnuplot not found"));
	assert_null(strstr(html, "<svg"));
	/* what is needed to draw later stays */
	assert_true(exists(dir, "charts/bandwidth-1.dat"));
	assert_true(exists(dir, "charts/bandwidth.gp"));
	assert_false(exists(dir, "charts/bandwidth-1.png"));
	assert_non_null(strstr(md, "gnuplot -e \"datafile='bandwidth-1.dat'; "
				   "outfile='bandwidth-1.png'; fmt='png'"));
	free(md);
	free(html);
}

static void gnuplot_failing(void **state)
{
	const char *dir = *state;
	setenv("NH_GNUPLOT", "/bin/false", 1);
	nh_report_info_t info;
	write_report(dir, false, &info);
	assert_int_equal(info.rendered, 0);
	char *md = slurp(dir, "report.md");
	assert_non_null(strstr(md, "Not drawn: gnuplot (png) failed"));
	free(md);
}

static void no_charts(void **state)
{
	const char *dir = *state;
	write_report(dir, true, NULL);
	char *md = slurp(dir, "report.md");
	assert_non_null(strstr(md, "Charts were not drawn (--no-charts)."));
	assert_false(exists(dir, "charts"));
	free(md);
}

static void expectations_and_comparison(void **state)
{
	const char *dir = *state;
	setenv("NH_GNUPLOT", "/nonexistent", 1);
	write_report(dir, false, NULL);
	char *md = slurp(dir, "report.md");
	assert_non_null(strstr(md, "4 passed, 0 failed, 0 not evaluated.\n"));
	assert_non_null(strstr(md,
			       "| pass | runs ok or skipped (stream default) | 3 of 3 runs ok |"));
	assert_non_null(strstr(md, "| stream default | `triad` (MB/s) | "));
	assert_true(exists(dir, "charts/compare-1.dat"));
	free(md);

	char path[4096];
	snprintf(path, sizeof path, "%s/checks.json", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/compare.json", dir);
	unlink(path);
	write_report(dir, false, NULL);
	md = slurp(dir, "report.md");
	assert_non_null(strstr(md, "No expectations (no checks.json in the results directory)."));
	assert_non_null(strstr(md, "No comparison (no compare.json"));
	assert_false(exists(dir, "charts/compare-1.dat"));
	free(md);
}

/* The scenario's parameters (manifest scenario.parameters) in the run context, before the
 * host: value, default and whether --set gave it; none in the manifest, no table. */
static void scenario_parameters(void **state)
{
	const char *dir = *state;
	write_report(dir, true, NULL);
	char *md = slurp(dir, "report.md");
	assert_null(strstr(md, "Scenario parameters"));
	free(md);

	char path[4096];
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	json_t *m = json_load_file(path, 0, NULL);
	assert_non_null(m);
	json_t *params = json_pack("{s{sisisbss}s{sfsfsbss}s{sssssbss}s{sbsbsbss}}",
				   "nodes", "value", 2, "default", 0, "set", 1, "help", "node count",
				   "ratio", "value", 1.3, "default", 1.3, "set", 0, "help", "r",
				   "size", "value", "", "default", "", "set", 0, "help", "s",
				   "quick", "value", 1, "default", 0, "set", 1, "help", "q");
	assert_non_null(params);
	json_object_set_new(json_object_get(m, "scenario"), "parameters", params);
	assert_int_equal(json_dump_file(m, path, JSON_INDENT(1)), 0);
	json_decref(m);

	write_report(dir, true, NULL);
	md = slurp(dir, "report.md");
	char *html = slurp(dir, "report.html");
	const char *table = strstr(md, "| parameter | value | default | --set |\n");
	assert_non_null(table);
	assert_true(table < strstr(md, "## Host\n"));
	assert_non_null(strstr(table, "| `nodes` | `2` | `0` | yes |\n"
				      "| `ratio` | `1.3` | `1.3` | no |\n"
				      "| `size` | `\"\"` | `\"\"` | no |\n"
				      "| `quick` | `true` | `false` | yes |\n"));
	assert_non_null(strstr(html, "<tr><td><code>nodes</code></td><td><code>2</code></td>"
				     "<td><code>0</code></td><td>yes</td></tr>"));
	free(md);
	free(html);
}

/* ---- hand-made results: what a report must survive ---- */

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Strings from records go into HTML and Markdown escaped, whatever they hold. */
static void escapes_record_text(void **state)
{
	char dir[128];
	snprintf(dir, sizeof dir, "%s/nasty", tmpdir);
	assert_int_equal(nh_mkdir_p(dir, NULL), 0);
	write_text(dir, "runs.jsonl",
		   "{\"run\":0,\"config\":0,\"rep\":0,\"warmup\":false,\"workload\":\"stream\","
		   "\"params\":{\"size\":\"<b>&x|y\"},\"outcome\":\"failed\",\"reason\":\"<script>"
		   "alert(1)</script> | *x*\","
		   "\"policy\":{\"requested\":\"membind=0\"},\"metrics\":{}}\n");
	setenv("NH_GNUPLOT", "/nonexistent", 1);
	write_report(dir, false, NULL);
	char *md = slurp(dir, "report.md"), *html = slurp(dir, "report.html");
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "<b>"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt; | *x*"));
	assert_non_null(strstr(html, "size=&lt;b&gt;&amp;x|y"));
	assert_non_null(strstr(md, "\\<script\\>alert(1)\\</script\\> \\| \\*x\\*"));
	assert_non_null(strstr(md, "No manifest.json"));
	free(md);
	free(html);
}

static void not_a_results_directory(void **state)
{
	(void)state;
	nh_err_t err = {{0}};
	assert_int_equal(nh_report_write(tmpdir, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "not a results directory"));
	assert_int_equal(nh_report_write("/nonexistent/dir", NULL, NULL, &err), -1);
}

/* ---- helpers the charts and the report share ---- */

static void params_and_labels(void **state)
{
	(void)state;
	char buf[256];
	assert_string_equal(nh_charts_param("size=1G threads=2", "threads", buf, sizeof buf), "2");
	assert_string_equal(nh_charts_param("load_threads=3 threads=2", "threads", buf, sizeof buf),
			    "2");
	assert_null(nh_charts_param("size=1G", "siz", buf, sizeof buf));
	/* defaults leave the short form; sizes in bytes read in their unit */
	nh_charts_short_params("chase", "size=1258291200 samples=2000 pages=4k counters=default",
			       buf, sizeof buf);
	assert_string_equal(buf, "size=1200M");
	nh_charts_short_params("stream", "size=16M ntimes=10 threads=all", buf, sizeof buf);
	assert_string_equal(buf, "size=16M");
	assert_string_equal(nh_charts_headline_metric("stream"), "triad");
	assert_string_equal(nh_charts_headline_metric("chase"), "ns_per_load");
	assert_null(nh_charts_headline_metric("nosuch"));

	nh_results_config_t a = {.workload = "chase",
				 .policy = "membind=0",
				 .params = "size=16K samples=100",
				 .allocator = "glibc"};
	nh_results_config_t b = a, c = a;
	snprintf(b.params, sizeof b.params, "size=32K samples=100");
	snprintf(c.policy, sizeof c.policy, "membind=1");
	const nh_results_config_t *cfgs[] = {&a, &b, &c};
	char labels[3][256], common[256];
	nh_charts_labels(cfgs, 3, NULL, labels, common, sizeof common);
	assert_string_equal(labels[0], "membind=0 size=16K");
	assert_string_equal(labels[1], "membind=0 size=32K");
	assert_string_equal(labels[2], "membind=1 size=16K");
	assert_string_equal(common, "samples=100");
	/* with size on the x axis, the lines are told apart by policy alone */
	nh_charts_labels(cfgs, 3, "size", labels, common, sizeof common);
	assert_string_equal(labels[1], "membind=0");
	assert_string_equal(labels[2], "membind=1");
	/* one configuration: its policy names it */
	nh_charts_labels(cfgs, 1, NULL, labels, common, sizeof common);
	assert_string_equal(labels[0], "membind=0");
	assert_string_equal(common, "size=16K samples=100, membind=0");
	/* a label too long for its 255 bytes is cut, and ends in "..." */
	memset(c.policy, 'p', sizeof c.policy - 1);
	c.policy[sizeof c.policy - 1] = '\0';
	nh_charts_labels(cfgs, 3, NULL, labels, common, sizeof common);
	assert_string_equal(labels[0], "membind=0 size=16K");
	assert_int_equal(strlen(labels[2]), 255);
	assert_string_equal(labels[2] + 252, "...");
	assert_int_equal(strspn(labels[2], "p"), 252);
}

/* A scenario of chase and STREAM runs (bios-check): each run is named among its own
 * workload's, so no chase parameter turns up in a STREAM run's chart title as "samples=-". */
static void labels_per_workload(void **state)
{
	(void)state;
	nh_results_config_t a = {.workload = "chase",
				 .policy = "cpunodebind=0 membind=0",
				 .params = "samples=200 size=256M",
				 .allocator = "glibc"};
	nh_results_config_t b = a, c = {.workload = "stream",
					.policy = "default",
					.params = "ntimes=3 size=64M threads=all",
					.allocator = "glibc"};
	nh_results_config_t d = c;
	snprintf(b.policy, sizeof b.policy, "cpunodebind=0 membind=1");
	snprintf(d.policy, sizeof d.policy, "interleave=all");
	const nh_results_config_t *cfgs[] = {&a, &c, &b, &d};
	char labels[4][256];
	assert_int_equal(nh_charts_workload_labels(cfgs, 4, labels), 0);
	assert_string_equal(labels[0], "cpunodebind=0 membind=0");
	assert_string_equal(labels[1], "default");
	assert_string_equal(labels[2], "cpunodebind=0 membind=1");
	assert_string_equal(labels[3], "interleave=all");
}

static void find_gnuplot(void **state)
{
	(void)state;
	char path[512];
	nh_err_t err = {{0}};
	setenv("NH_GNUPLOT", "/nonexistent", 1);
	assert_int_equal(nh_charts_find_gnuplot(path, sizeof path, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(
			err.msg,
			"gnuplot not found (NH_GNUPLOT=/nonexistent is not an executable file)");
	/* a bare name is looked up on PATH and made absolute (gnuplot runs in charts/) */
	setenv("NH_GNUPLOT", "sh", 1);
	assert_int_equal(nh_charts_find_gnuplot(path, sizeof path, &err), 0);
	assert_int_equal(path[0], '/');
	/* one too long for the buffer is refused, not cut to name another file */
	char tiny[4];
	errno = 0;
	assert_int_equal(nh_charts_find_gnuplot(tiny, sizeof tiny, &err), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(tiny, "");
	assert_non_null(strstr(err.msg, "gnuplot not found (its path is too long: "));
	assert_non_null(strstr(err.msg, " bytes, at most 3): /"));
	unsetenv("NH_GNUPLOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
			cmocka_unit_test_setup_teardown(md_has_sections, make_copy, remove_copy),
			cmocka_unit_test_setup_teardown(md_triad_rows, make_copy, remove_copy),
			cmocka_unit_test_setup_teardown(html_self_contained, make_copy,
							remove_copy),
			cmocka_unit_test_setup_teardown(bandwidth_dat, make_copy, remove_copy),
			cmocka_unit_test_setup_teardown(gnuplot_missing, make_copy, remove_copy),
			cmocka_unit_test_setup_teardown(gnuplot_failing, make_copy, remove_copy),
			cmocka_unit_test_setup_teardown(no_charts, make_copy, remove_copy),
			cmocka_unit_test_setup_teardown(expectations_and_comparison, make_copy,
							remove_copy),
			cmocka_unit_test_setup_teardown(scenario_parameters, make_copy,
							remove_copy),
			cmocka_unit_test_setup_teardown(escapes_record_text, make_copy,
							remove_copy),
			cmocka_unit_test_setup_teardown(not_a_results_directory, make_copy,
							remove_copy),
			cmocka_unit_test(params_and_labels),
			cmocka_unit_test(labels_per_workload),
			cmocka_unit_test(find_gnuplot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
