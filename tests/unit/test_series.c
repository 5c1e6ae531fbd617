/* Unit tests of the time series: growth rate and stair-step detection on series with known
 * answers, and the sampling thread writing its CSV within its budget. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sample_series.h"

#define MIB (1024.0 * 1024.0)

static void slope_of_a_line(void **state)
{
	double t[50], y[50];
	for (int i = 0; i < 50; i++) {
		t[i] = 0.1 * i;
		y[i] = 100 * MIB + 5 * MIB * t[i] + ((i % 2) ? 0.2 : -0.2) * MIB; /* 5 MiB/s + noise */
	}
	double s = nh_series_slope(t, y, 50);
	assert_true(fabs(s - 5 * MIB) < 0.05 * MIB);
	assert_true(isnan(nh_series_slope(t, y, 1)));
	double flat_t[3] = {1, 1, 1};
	assert_true(isnan(nh_series_slope(flat_t, y, 3)));
	(void)state;
}

static void slope_skips_gaps(void **state)
{
	double t[] = {0, 1, 2, 3}, y[] = {0, NAN, 2, 3};
	assert_true(fabs(nh_series_slope(t, y, 4) - 1.0) < 1e-9);
	(void)state;
}

static void steps_in_a_staircase(void **state)
{
	/* 4 plateaus of 20 samples, each 64 MiB above the last, with small noise: 3 steps. */
	double y[80];
	for (int i = 0; i < 80; i++)
		y[i] = 200 * MIB + 64 * MIB * (i / 20) + ((i * 7919) % 13) * 4096.0;
	assert_int_equal(nh_series_steps(y, 80, MIB), 3);
	(void)state;
}

static void no_steps_in_a_ramp_or_noise(void **state)
{
	double ramp[80], noise[80];
	for (int i = 0; i < 80; i++) {
		ramp[i] = 200 * MIB + 2 * MIB * i;
		noise[i] = 200 * MIB + ((i * 7919) % 17) * 65536.0;
	}
	assert_int_equal(nh_series_steps(ramp, 80, MIB), 0);
	assert_int_equal(nh_series_steps(noise, 80, MIB), 0);
	(void)state;
}

static void step_below_the_minimum_is_noise(void **state)
{
	double y[40];
	for (int i = 0; i < 40; i++)
		y[i] = 100 * MIB + (i >= 20 ? 0.5 * MIB : 0);
	assert_int_equal(nh_series_steps(y, 40, MIB), 0);
	y[39] = 0; /* too short to tell */
	assert_int_equal(nh_series_steps(y, 2, MIB), 0);
	(void)state;
}

static void thread_writes_rows(void **state)
{
	char path[] = "/tmp/nh-series-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	nh_err_t err;
	nh_series_t *s = nh_series_start(path, 0.05, NULL, &err);
	assert_non_null(s);
	/* Grow RSS in three stairs while it samples. */
	char *bufs[3];
	for (int i = 0; i < 3; i++) {
		usleep(150 * 1000);
		bufs[i] = malloc(32 << 20);
		memset(bufs[i], 1, 32 << 20);
	}
	usleep(150 * 1000);
	nh_series_summary_t sum;
	nh_series_stop(s, &sum);
	assert_true(sum.samples >= 8);
	assert_true(sum.rss_growth_valid && sum.rss_growth_Bps > 0);
	assert_true(sum.overhead < 0.05); /* budget 1%, a short run has a fixed first sample */
	char *text = nh_read_file(path, NULL, &err);
	assert_non_null(text);
	const char *header = "t_s,rss_bytes,rss_anon_bytes,rss_file_bytes,anon_huge_bytes,threads,";
	assert_true(strncmp(text, header, strlen(header)) == 0);
	assert_non_null(strstr(text, ",node0_pages"));
	unsigned rows = 0;
	for (char *p = text; *p; p++)
		rows += *p == '\n';
	assert_int_equal(rows, sum.samples + 1);
	free(text);
	for (int i = 0; i < 3; i++)
		free(bufs[i]);
	unlink(path);
	(void)state;
}

/* Over a longer run, the sampler stays within its 1% budget even at a 10 ms interval: it leaves
 * out page walks and ticks rather than exceed it. */
static void stays_within_budget(void **state)
{
	char path[] = "/tmp/nh-series-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	nh_err_t err;
	char *buf = malloc(256 << 20);
	memset(buf, 1, 256 << 20); /* page walks cost more with more resident pages */
	nh_series_t *s = nh_series_start(path, 0.01, NULL, &err);
	assert_non_null(s);
	usleep(2 * 1000 * 1000);
	nh_series_summary_t sum;
	nh_series_stop(s, &sum);
	printf("# overhead %.4f, %u rows, %u without page walks, %u ticks skipped\n", sum.overhead,
	       sum.samples, sum.expensive_skipped, sum.ticks_skipped);
	assert_true(sum.overhead <= 0.012);
	assert_true(sum.samples >= 20);
	free(buf);
	unlink(path);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(slope_of_a_line),
		cmocka_unit_test(slope_skips_gaps),
		cmocka_unit_test(steps_in_a_staircase),
		cmocka_unit_test(no_steps_in_a_ramp_or_noise),
		cmocka_unit_test(step_below_the_minimum_is_noise),
		cmocka_unit_test(thread_writes_rows),
		cmocka_unit_test(stays_within_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
