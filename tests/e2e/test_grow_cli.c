/* End-to-end test of the grow workload through the real binary: `bench grow pattern=steps`
 * records the schedule's truth, and its time series (series/run-N.csv, written by the harness's
 * sampler) shows the stair: RSS flat between steps, each rise a whole step. */
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

#define MiB (1024.0 * 1024.0)

static double metric(json_t *rec, const char *name)
{
	json_t *m = json_object_get(json_object_get(rec, "metrics"), name);
	if (!json_is_number(json_object_get(m, "value")))
		fail_msg("metric %s missing", name);
	return json_number_value(json_object_get(m, "value"));
}

/* The rss_bytes column of a series CSV, one value a row (rows without one left out). */
static unsigned rss_column(char *csv, double *out, unsigned max)
{
	char *save = NULL, *line = strtok_r(csv, "\n", &save);
	assert_non_null(line);
	assert_true(strncmp(line, "t_s,rss_bytes,", 14) == 0);
	unsigned n = 0;
	while ((line = strtok_r(NULL, "\n", &save)) && n < max) {
		char *comma = strchr(line, ',');
		assert_non_null(comma);
		if (comma[1] != ',' && comma[1])
			out[n++] = strtod(comma + 1, NULL);
	}
	return n;
}

static void bench_steps_series(void **state)
{
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	char *argv[] = {NH_BIN, "bench", "grow", "pattern=steps", "step=8M", "period=200ms",
			"duration=2s", "--out", out, "--json", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	json_error_t e;
	json_t *rec = json_loads(r.out, 0, &e);
	if (!rec)
		fail_msg("not JSON: %s", e.text);
	assert_string_equal(json_string_value(json_object_get(rec, "outcome")), "ok");
	/* Ten steps of 8 MiB, at 0.2 s, 0.4 s, ... 2 s: all held, all resident. */
	assert_true(metric(rec, "held_bytes") == 80 * MiB);
	assert_true(metric(rec, "grown_bytes") == 80 * MiB);
	assert_true(metric(rec, "peak_bytes") == 80 * MiB);
	assert_true(metric(rec, "step_bytes") == 8 * MiB);
	assert_true(fabs(metric(rec, "period_s") - 0.2) < 1e-12);
	assert_null(json_object_get(json_object_get(rec, "metrics"), "rate_Bps"));
	json_decref(rec);

	/* The series: never falling; samples that sit on a whole number of steps above the first
	 * (the process's own few pages aside) reach at least three levels, and at least twice two
	 * samples in a row sit on the same level — flat between steps, as no ramp would. A sample
	 * may land while a step is being touched (many may, on a starved machine): those count
	 * for neither. */
	char *csv = nh_read_in(out, "series/run-0.csv");
	double rss[4096];
	unsigned n = rss_column(csv, rss, 4096);
	if (n < 4)
		fail_msg("%u samples", n);
	unsigned levels = 0, flat = 0;
	long last_level = -1, prev = -1; /* prev: the previous sample's level, -1 off-level */
	for (unsigned i = 0; i < n; i++) {
		if (i && rss[i] < rss[i - 1] - MiB)
			fail_msg("sample %u: RSS fell by %.1f MiB", i, (rss[i - 1] - rss[i]) / MiB);
		double grown = (rss[i] - rss[0]) / MiB, step = NH_TOUCHED_MEMORY(8.0);
		double steps = round(grown / step);
		if (fabs(grown - step * steps) > 1.5) {
			prev = -1;
			continue;
		}
		if ((long)steps > last_level) {
			levels++;
			last_level = (long)steps;
		}
		flat += prev == (long)steps;
		prev = (long)steps;
	}
	if (levels < 3 || flat < 2)
		fail_msg("%u levels, %u flat pairs, in %u samples", levels, flat, n);
	/* The last sample is taken at the end, with all ten steps held. */
	double total = (rss[n - 1] - rss[0]) / MiB;
	if (total < NH_TOUCHED_MEMORY(79.0) || total > NH_TOUCHED_MEMORY(84.0))
		fail_msg("%.1f MiB grown by the last sample, want %.0f", total, NH_TOUCHED_MEMORY(80.0));
	free(csv);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bench_steps_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
