/* End-to-end tests of the forecasts: `numaharness forecast DIR` on a results directory written
 * here in the harness's formats (a membind=1 run whose node 1 fills at a known rate, a run
 * without a series, a run with a recorded forecast section, a torn series) — text, --run,
 * --until, --limit, --json, its bad input; the report's Forecasts section; and `inspect --watch
 * --forecast` on a live process that grows at a known rate, in a memory cgroup with a limit
 * where one can be made. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"
#include "util.h"

#define MiB 1048576.0

static char *dir; /* the results directory */

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Run 0: membind=1, node 1 grows 1 MiB/s from 20 MiB over 60 s with 300 MiB free at the end;
 * the cgroup holds it and 6 MiB on node 0. Run 1: skipped, no series. Run 2: a recorded
 * forecast section (what the harness writes after a run), its series torn mid-line. */
static int make_results(void **state)
{
	dir = nh_tmpdir();
	char path[600];
	snprintf(path, sizeof path, "%s/series", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/series/run-0.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("t_s,rss_bytes,rss_anon_bytes,cgroup_bytes,cgroup_node0_bytes,cgroup_node1_bytes,"
	      "node0_free_bytes,node1_free_bytes\n", f);
	for (unsigned i = 0; i <= 600; i++) {
		double t = i * 0.1, on1 = 20 * MiB + MiB * t;
		fprintf(f, "%.3f,%.0f,,%.0f,%.0f,%.0f,%.0f,%.0f\n", t, on1 + 4 * MiB, on1 + 6 * MiB,
			6 * MiB, on1, 9000 * MiB, 300 * MiB + 60 * MiB - MiB * t);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/series/run-2.csv", dir);
	write_text(path, "t_s,rss_bytes\n0.0,1000\n0.1,1000\n0.2,10");
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	write_text(path,
		   "{\"run\":0,\"config\":0,\"rep\":0,\"warmup\":false,\"workload\":\"grow\",\"params\":{},"
		   "\"outcome\":\"ok\",\"reason\":\"\",\"policy\":{\"requested\":\"membind=1\",\"applied\":"
		   "{\"spec\":\"membind=1\",\"mem_mode\":\"bind\",\"mem_nodes\":\"1\",\"cpus\":\"0-1\"}},"
		   "\"metrics\":{},\"series\":{\"file\":\"series/run-0.csv\",\"samples\":601}}\n"
		   "{\"run\":1,\"config\":1,\"rep\":0,\"warmup\":false,\"workload\":\"grow\",\"params\":{},"
		   "\"outcome\":\"skipped\",\"reason\":\"no\",\"policy\":{\"requested\":\"default\"},"
		   "\"metrics\":{},\"series\":{\"file\":null,\"unavailable\":\"the run was skipped\"}}\n"
		   "{\"run\":2,\"config\":2,\"rep\":0,\"warmup\":false,\"workload\":\"grow\",\"params\":{},"
		   "\"outcome\":\"oom-killed\",\"reason\":\"\",\"policy\":{\"requested\":\"default\"},"
		   "\"metrics\":{},\"series\":{\"file\":\"series/run-2.csv\",\"samples\":3},"
		   "\"forecast\":{\"series\":\"series/run-2.csv\",\"rows\":2,\"nearest\":\"cgroup\","
		   "\"layers\":[{\"layer\":\"cgroup\",\"label\":\"the cgroup\",\"verdict\":\"at limit\","
		   "\"sentence\":\"the cgroup is at its limit already (255 MiB of memory.max 256 MiB)\","
		   "\"limit\":{\"name\":\"memory.max\",\"node\":null,\"bytes\":268435456},"
		   "\"time_to_limit_s\":0,\"low\":0,\"high\":0,\"high_never\":false,"
		   "\"steps\":{\"count\":0,\"size\":null,\"period_s\":null}}]}}\n");
	(void)state;
	return 0;
}

static int remove_results(void **state)
{
	nh_rm_rf(dir);
	free(dir);
	(void)state;
	return 0;
}

static nh_proc_result_t forecast(const char *a1, const char *a2, const char *a3, const char *a4,
				 const char *a5)
{
	char *argv[] = {NH_BIN, "forecast", dir, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
			(char *)a5, NULL};
	nh_proc_result_t r;
	if (nh_proc_run(NULL, argv, NULL, &r) != 0)
		fail_msg("could not run %s", NH_BIN);
	return r;
}

static void text_per_run(void **state)
{
	nh_proc_result_t r = forecast(NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "");
	assert_non_null(strstr(r.out, "run 0 (grow, policy membind=1, ok): series/run-0.csv, 601 rows\n"
				      "  nearest limit: node 1 capacity (380 MiB)\n"));
	/* 300 MiB to go at 1 MiB/s: 5 min; noiseless, so the interval is the point. */
	assert_non_null(strstr(r.out, "  node 1 fills in 5 min 00 s (5 min 00 s \xe2\x80\x93 5 min 00 s) at 1.0 MiB/s\n"));
	assert_non_null(strstr(r.out, "  node 0: no growth (slope 0 B/s)\n"));
	assert_non_null(strstr(r.out, "run 1: no series: the run was skipped\n"));
	/* The torn series: its complete rows only, and said. */
	assert_non_null(strstr(r.out, "run 2 (grow, policy default, oom-killed): series/run-2.csv, 2 rows (a torn last line ignored)\n"));
	assert_non_null(strstr(r.out, "  RSS: insufficient data (2 points, at least 8 needed)\n"));
	nh_proc_free(&r);
	(void)state;
}

/* What was known at t = 20 s: 40 MiB on node 1, 340 MiB free, the same rate. */
static void until_and_limit(void **state)
{
	nh_proc_result_t r = forecast("--run", "0", "--until", "20", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "601 rows, 201 up to t = 20 s\n"));
	assert_non_null(strstr(r.out, "  node 1 fills in 5 min 40 s (5 min 40 s \xe2\x80\x93 5 min 40 s) at 1.0 MiB/s\n"));
	assert_null(strstr(r.out, "run 1"));
	nh_proc_free(&r);
	/* A limit on the run's memory: its cgroup (86 MiB at the end) reaches 100 MiB in 14 s. */
	r = forecast("--run", "0", "--limit", "100M", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "  nearest limit: the given limit (100 MiB)\n"));
	assert_non_null(strstr(r.out, "  the cgroup reaches the given limit 100 MiB in 14 s (14 s \xe2\x80\x93 14 s) at 1.0 MiB/s\n"));
	nh_proc_free(&r);
	(void)state;
}

static void json_per_run(void **state)
{
	nh_proc_result_t r = forecast("--json", NULL, NULL, NULL, NULL);
	assert_int_equal(r.status, 0);
	assert_int_equal(nh_count_lines(r.out), 3);
	char *line = r.out;
	json_t *runs[3];
	for (unsigned i = 0; i < 3; i++) {
		char *nl = strchr(line, '\n');
		*nl = '\0';
		runs[i] = json_loads(line, 0, NULL);
		assert_non_null(runs[i]);
		line = nl + 1;
	}
	json_t *f0 = json_object_get(runs[0], "forecast");
	assert_int_equal(json_integer_value(json_object_get(runs[0], "run")), 0);
	assert_string_equal(json_string_value(json_object_get(f0, "nearest")), "node1");
	assert_string_equal(json_string_value(json_object_get(f0, "series")), "series/run-0.csv");
	json_t *layers = json_object_get(f0, "layers"), *node1 = NULL, *l;
	size_t i;
	json_array_foreach(layers, i, l)
		if (strcmp(json_string_value(json_object_get(l, "layer")), "node1") == 0)
			node1 = l;
	assert_non_null(node1);
	assert_string_equal(json_string_value(json_object_get(node1, "verdict")), "growth");
	assert_string_equal(json_string_value(json_object_get(node1, "pattern")), "ramp");
	assert_true(fabs(json_number_value(json_object_get(node1, "slope")) - MiB) < 1);
	assert_true(fabs(json_number_value(json_object_get(node1, "time_to_limit_s")) - 300) < 1e-6);
	assert_true(fabs(json_number_value(json_object_get(node1, "limit_at_s")) - 360) < 1e-6);
	json_t *limit = json_object_get(node1, "limit");
	assert_int_equal(json_integer_value(json_object_get(limit, "node")), 1);
	assert_true(fabs(json_number_value(json_object_get(limit, "bytes")) - 380 * MiB) < 1);
	/* The run without a series says why; never a fake forecast. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(runs[1], "forecast"),
							       "unavailable")),
			    "the run was skipped");
	assert_true(json_is_true(json_object_get(json_object_get(runs[2], "forecast"), "torn_last_line")));
	for (unsigned k = 0; k < 3; k++)
		json_decref(runs[k]);
	nh_proc_free(&r);
	(void)state;
}

static void expect_bad(const char *a1, const char *a2, const char *message)
{
	nh_proc_result_t r = forecast(a1, a2, NULL, NULL, NULL);
	assert_int_equal(r.status, 2);
	assert_int_equal(nh_count_lines(r.err), 1);
	if (!strstr(r.err, message))
		fail_msg("expected '%s' in: %s", message, r.err);
	assert_string_equal(r.out, "");
	nh_proc_free(&r);
}

static void bad_input(void **state)
{
	char want[800];
	snprintf(want, sizeof want, "numaharness: forecast: %s has no run 7 (3 runs)\n", dir);
	expect_bad("--run", "7", want);
	expect_bad("--run", "1", "numaharness: forecast: run 1 has no series to forecast from: the run was skipped\n");
	expect_bad("--until", "soon", "numaharness: forecast: --until: bad duration 'soon'");
	/* A series that is not one: its file and line. */
	char path[700];
	snprintf(path, sizeof path, "%s/series/run-2.csv", dir);
	write_text(path, "t_s,rss_bytes\n0.0,1000\n0.1,many\n");
	snprintf(want, sizeof want, "numaharness: forecast: run 2: %s/series/run-2.csv:3: column rss_bytes: not a number: 'many'\n", dir);
	expect_bad("--run", "2", want);
	write_text(path, "t_s,rss_bytes\n0.0,1000\n0.1,1000\n0.2,10");
	(void)state;
}

/* The report says each run's forecast: made from the series where the record has none, the
 * recorded one where it has. */
static void report_section(void **state)
{
	char *argv[] = {NH_BIN, "report", dir, "--no-charts", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	char path[700];
	snprintf(path, sizeof path, "%s/report.md", dir);
	char *md = nh_read_file(path, NULL, NULL);
	assert_non_null(md);
	assert_non_null(strstr(md, "## Forecasts\n"));
	assert_non_null(strstr(md, "| 0 | grow membind=1 | ok | node 1 fills in 5 min 00 s (5 min 00 s \xe2\x80\x93 5 min 00 s) at 1.0 MiB/s (made by the report) |\n"));
	assert_non_null(strstr(md, "| 2 | grow default | **oom-killed** | the cgroup is at its limit already (255 MiB of memory.max 256 MiB) |\n"));
	free(md);
	(void)state;
}

/* ---- inspect --watch --forecast ---- */

#define RATE (16u << 20) /* bytes per second the child grows by */
#define CAP (256u << 20) /* where it stops */

static char cgroup_dir[512];

/* A v1 memory cgroup of our own with a 1 GiB limit, under the one this test runs in; "" when
 * none can be made (not root, no v1 memory hierarchy). */
static void make_cgroup(void)
{
	cgroup_dir[0] = '\0';
	char *cg = nh_read_file("/proc/self/cgroup", NULL, NULL);
	const char *line = cg ? strstr(cg, ":memory:") : NULL;
	if (line) {
		char own[256];
		sscanf(line + 8, "%255[^\n]", own);
		snprintf(cgroup_dir, sizeof cgroup_dir, "/sys/fs/cgroup/memory%s/nh-forecast-test-%d",
			 strcmp(own, "/") == 0 ? "" : own, (int)getpid());
		char limit[600];
		snprintf(limit, sizeof limit, "%s/memory.limit_in_bytes", cgroup_dir);
		FILE *f = mkdir(cgroup_dir, 0755) == 0 ? fopen(limit, "w") : NULL;
		if (!f || fputs("1073741824\n", f) < 0 || fclose(f) != 0) {
			rmdir(cgroup_dir);
			cgroup_dir[0] = '\0';
		}
	}
	free(cg);
}

/* A child that grows at RATE up to CAP (catching up when it was not scheduled), in the cgroup
 * when there is one; its pid. */
static pid_t start_grower(void)
{
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		struct timespec t0, t;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		size_t done = 0;
		for (;;) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			double e = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) * 1e-9;
			size_t want = (size_t)(RATE * e);
			while (done + (1u << 20) <= want && done < CAP) {
				volatile char *p = malloc(1u << 20);
				for (size_t i = 0; p && i < (1u << 20); i += 4096)
					p[i] = 1;
				done += 1u << 20;
			}
			usleep(10000);
		}
	}
	close(go[0]);
	if (cgroup_dir[0]) {
		char procs[600], num[32];
		snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup_dir);
		snprintf(num, sizeof num, "%d\n", (int)pid);
		FILE *f = fopen(procs, "w");
		if (!f || fputs(num, f) < 0 || fclose(f) != 0)
			cgroup_dir[0] = '\0'; /* then without it */
	}
	assert_int_equal(write(go[1], "g", 1), 1);
	close(go[1]);
	return pid;
}

static void stop_grower(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* An emptied cgroup may be busy for a moment. */
	for (unsigned i = 0; cgroup_dir[0] && i < 50 && rmdir(cgroup_dir) != 0 && errno == EBUSY; i++)
		usleep(20000);
}

static json_t *layer_of(json_t *forecast, const char *name)
{
	json_t *l;
	size_t i;
	json_array_foreach(json_object_get(forecast, "layers"), i, l)
		if (strcmp(json_string_value(json_object_get(l, "layer")), name) == 0)
			return l;
	return NULL;
}

static void inspect_forecast_on_a_growing_process(void **state)
{
	make_cgroup();
	pid_t pid = start_grower();
	char p[16];
	snprintf(p, sizeof p, "%d", (int)pid);
	char *argv[] = {NH_BIN, "inspect", p, "--watch", "200ms", "--count", "12", "--forecast",
			"--json", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	char *text_argv[] = {NH_BIN, "inspect", p, "--watch", "200ms", "--count", "9", "--forecast", NULL};
	nh_proc_result_t t;
	assert_int_equal(nh_proc_run(NULL, text_argv, NULL, &t), 0);
	stop_grower(pid);

	assert_int_equal(r.status, 0);
	json_t *doc = json_loads(r.out, 0, NULL);
	assert_non_null(doc);
	json_t *samples = json_object_get(doc, "samples");
	assert_int_equal(json_array_size(samples), 12);
	/* Every sample has its forecast; the first has too few points to say anything. */
	json_t *first = layer_of(json_object_get(json_array_get(samples, 0), "forecast"), "rss");
	assert_string_equal(json_string_value(json_object_get(first, "verdict")), "insufficient data");
	assert_string_equal(json_string_value(json_object_get(first, "why")), "1 point, at least 8 needed");
	json_t *f = json_object_get(doc, "forecast");
	json_t *rss = layer_of(f, "rss");
	assert_non_null(rss);
	assert_string_equal(json_string_value(json_object_get(rss, "verdict")), "growth");
	/* It grew at RATE: the slope is that, within what a loaded machine's scheduling allows. */
	double slope = json_number_value(json_object_get(rss, "slope"));
	assert_true(slope > 0.5 * RATE && slope < 2.0 * RATE);
	/* Its own memory on a node grew too, against that node's capacity when it is bound to it. */
	json_t *node0 = layer_of(f, "node0");
	assert_non_null(node0);
	assert_string_equal(json_string_value(json_object_get(node0, "verdict")), "growth");
	if (cgroup_dir[0]) {
		/* 1 GiB is nearer than any node's free memory here. */
		json_t *cg = layer_of(f, "cgroup");
		json_t *limit = json_object_get(cg, "limit");
		assert_string_equal(json_string_value(json_object_get(limit, "name")), "memory.limit_in_bytes");
		assert_int_equal((long long)json_number_value(json_object_get(limit, "bytes")), 1073741824);
		assert_string_equal(json_string_value(json_object_get(f, "nearest")), "cgroup");
		assert_string_equal(json_string_value(json_object_get(cg, "verdict")), "growth");
		assert_true(json_number_value(json_object_get(cg, "time_to_limit_s")) > 0);
	} else {
		fprintf(stderr, "note: no memory cgroup could be made here: the cgroup limit is not tested\n");
	}
	json_decref(doc);
	nh_proc_free(&r);

	/* Text: a forecast line under each sample line. */
	assert_int_equal(t.status, 0);
	assert_non_null(strstr(t.out, "t=   0.0s own:"));
	assert_non_null(strstr(t.out, "\n  forecast: insufficient data (1 point, at least 8 needed)\n"));
	assert_non_null(strstr(t.out, "\n  forecast: insufficient data (7 points, at least 8 needed)\n"));
	assert_non_null(strstr(t.out, "\n  forecast: nearest: "));
	assert_non_null(strstr(t.out, "RSS grows at "));
	nh_proc_free(&t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_per_run),
		cmocka_unit_test(until_and_limit),
		cmocka_unit_test(json_per_run),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(report_section),
		cmocka_unit_test(inspect_forecast_on_a_growing_process),
	};
	return cmocka_run_group_tests_name("forecast (e2e)", tests, make_results, remove_results);
}
