/* Unit tests of util: list, size and duration parsing, bit sets, atomic writes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static void set_parse_and_format(void **state)
{
	nh_set_t s;
	nh_err_t err;
	char buf[128];
	assert_int_equal(nh_set_parse(&s, "0-3,8,10-11", &err), 0);
	assert_int_equal(nh_set_count(&s), 7);
	assert_true(nh_set_has(&s, 3));
	assert_false(nh_set_has(&s, 4));
	assert_string_equal(nh_set_format(&s, buf, sizeof buf), "0-3,8,10-11");
	assert_int_equal(nh_set_parse(&s, "5", &err), 0);
	assert_string_equal(nh_set_format(&s, buf, sizeof buf), "5");
	assert_int_equal(nh_set_next(&s, 0), 5);
	assert_int_equal(nh_set_next(&s, 6), -1);
	assert_int_equal(nh_set_parse(&s, "4095", &err), 0);
	assert_int_equal(nh_set_next(&s, 0), 4095);
	(void)state;
}

static void set_parse_errors(void **state)
{
	nh_set_t s;
	nh_err_t err;
	assert_int_equal(nh_set_parse(&s, "", &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(nh_set_parse(&s, "3-1", &err), -1);
	assert_string_equal(err.msg, "bad list '3-1': range 3-1 is reversed");
	assert_int_equal(nh_set_parse(&s, "1,x", &err), -1);
	assert_string_equal(err.msg, "bad list '1,x': expected a number at 'x'");
	assert_int_equal(nh_set_parse(&s, "1;2", &err), -1);
	assert_string_equal(err.msg, "bad list '1;2': unexpected ';'");
	assert_int_equal(nh_set_parse(&s, "99999", &err), -1);
	assert_int_equal(nh_set_parse(&s, "-1", &err), -1);
	(void)state;
}

static void set_algebra(void **state)
{
	nh_set_t a, b, c;
	nh_err_t err;
	assert_int_equal(nh_set_parse(&a, "0-7", &err), 0);
	assert_int_equal(nh_set_parse(&b, "2,4", &err), 0);
	assert_true(nh_set_subset(&b, &a));
	assert_false(nh_set_subset(&a, &b));
	nh_set_minus(&c, &a, &b);
	assert_int_equal(nh_set_count(&c), 6);
	assert_false(nh_set_has(&c, 2));
	nh_set_and(&c, &b);
	assert_true(nh_set_empty(&c));
	nh_set_or(&c, &b);
	assert_true(nh_set_equal(&c, &b));
	(void)state;
}

static void sizes(void **state)
{
	uint64_t v;
	nh_err_t err;
	assert_int_equal(nh_parse_size("4096", &v, &err), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(nh_parse_size("64K", &v, &err), 0);
	assert_int_equal(v, 65536);
	assert_int_equal(nh_parse_size("256M", &v, &err), 0);
	assert_int_equal(v, 256ull << 20);
	assert_int_equal(nh_parse_size("1G", &v, &err), 0);
	assert_int_equal(v, 1ull << 30);
	assert_int_equal(nh_parse_size("1.5G", &v, &err), 0);
	assert_int_equal(v, 3ull << 29);
	assert_int_equal(nh_parse_size("2GiB", &v, &err), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(nh_parse_size("512mb", &v, &err), 0);
	assert_int_equal(v, 512ull << 20);
	assert_int_equal(nh_parse_size("12B", &v, &err), 0);
	assert_int_equal(v, 12);
	assert_int_equal(nh_parse_size("12Q", &v, &err), -1);
	assert_string_equal(err.msg, "bad size '12Q': unknown unit 'Q' (use K, M, G or T)");
	assert_int_equal(nh_parse_size("lots", &v, &err), -1);
	assert_string_equal(err.msg, "bad size 'lots': expected a number with an optional K/M/G/T suffix");
	assert_int_equal(nh_parse_size("1Gx", &v, &err), -1);
	assert_string_equal(err.msg, "bad size '1Gx': trailing 'x'");
	assert_int_equal(nh_parse_size("-1M", &v, &err), -1);
	assert_int_equal(nh_parse_size("99999999T", &v, &err), -1);
	assert_int_equal(errno, ERANGE);
	(void)state;
}

static void numbers_and_durations(void **state)
{
	uint64_t v;
	double s;
	nh_err_t err;
	assert_int_equal(nh_parse_uint("12", 1, 100, &v, &err), 0);
	assert_int_equal(v, 12);
	assert_int_equal(nh_parse_uint("0", 1, 100, &v, &err), -1);
	assert_string_equal(err.msg, "number 0 out of range [1, 100]");
	assert_int_equal(nh_parse_uint("1x", 1, 100, &v, &err), -1);
	assert_int_equal(nh_parse_duration("500ms", &s, &err), 0);
	assert_true(s > 0.4999 && s < 0.5001);
	assert_int_equal(nh_parse_duration("2m", &s, &err), 0);
	assert_true(s == 120);
	assert_int_equal(nh_parse_duration("1.5", &s, &err), 0);
	assert_true(s == 1.5);
	assert_int_equal(nh_parse_duration("1h", &s, &err), 0);
	assert_true(s == 3600);
	assert_int_equal(nh_parse_duration("3 days", &s, &err), -1);
	assert_string_equal(err.msg, "bad duration '3 days': unknown unit ' days' (use ms, s, m or h)");
	(void)state;
}

static void format_size(void **state)
{
	char buf[32];
	assert_string_equal(nh_format_size(256ull << 20, buf, sizeof buf), "256 MiB");
	assert_string_equal(nh_format_size(1536, buf, sizeof buf), "1.5 KiB");
	assert_string_equal(nh_format_size(10, buf, sizeof buf), "10 B");
	(void)state;
}

static void files(void **state)
{
	char dir[] = "/tmp/nh-test-util-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[256], file[300];
	snprintf(sub, sizeof sub, "%s/a/b/c", dir);
	nh_err_t err;
	assert_int_equal(nh_mkdir_p(sub, &err), 0);
	snprintf(file, sizeof file, "%s/x.json", sub);
	assert_int_equal(nh_write_file_atomic(file, "{}\n", 3, &err), 0);
	size_t len;
	char *text = nh_read_file(file, &len, &err);
	assert_non_null(text);
	assert_int_equal(len, 3);
	assert_string_equal(text, "{}\n");
	free(text);
	/* An existing file in the way of a directory is an error that says so. */
	assert_int_equal(nh_mkdir_p(file, &err), -1);
	assert_null(nh_read_file("/nonexistent/file", NULL, &err));
	assert_string_equal(err.msg, "/nonexistent/file: No such file or directory");
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	(void)state;
}

/* nh_empty_dir removes what is inside, keeps the directory, and never follows a symlink out. */
static void empty_dir(void **state)
{
	char dir[] = "/tmp/nh-test-empty-XXXXXX", outside[] = "/tmp/nh-test-keep-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int fd = mkstemp(outside);
	assert_true(fd >= 0);
	close(fd);
	char path[300];
	nh_err_t err;
	snprintf(path, sizeof path, "%s/a/b", dir);
	assert_int_equal(nh_mkdir_p(path, &err), 0);
	snprintf(path, sizeof path, "%s/a/b/file", dir);
	assert_int_equal(nh_write_file_atomic(path, "x", 1, &err), 0);
	snprintf(path, sizeof path, "%s/link", dir);
	assert_int_equal(symlink(outside, path), 0);
	assert_int_equal(nh_empty_dir(dir, &err), 0);
	struct stat st;
	assert_int_equal(stat(dir, &st), 0);	 /* the directory stays */
	assert_int_equal(stat(outside, &st), 0); /* the link's target too */
	snprintf(path, sizeof path, "%s/a", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(nh_empty_dir("/nonexistent/nh", &err), 0);
	rmdir(dir);
	unlink(outside);
	(void)state;
}

static void error_prefix(void **state)
{
	nh_err_t err;
	errno = ENOENT;
	assert_int_equal(nh_err_set(&err, "inner %d", 1), -1);
	assert_int_equal(errno, ENOENT);
	nh_err_prefix(&err, "outer");
	assert_string_equal(err.msg, "outer: inner 1");

	/* A prefix that no longer fits shows where the message was cut. */
	char spec[400];
	memset(spec, 'x', sizeof spec - 1);
	spec[sizeof spec - 1] = '\0';
	nh_err_set(&err, "bad spec '%s'", spec);
	nh_err_prefix(&err, "scenario %s", spec);
	assert_int_equal(strlen(err.msg), sizeof err.msg - 1);
	assert_string_equal(err.msg + sizeof err.msg - 4, "...");
	(void)state;
}

static void format_cut(void **state)
{
	char buf[8];
	assert_false(nh_format_cut(buf, sizeof buf, "%s-%d", "ab", 12));
	assert_string_equal(buf, "ab-12");
	assert_false(nh_format_cut(buf, sizeof buf, "%s", "1234567"));
	assert_string_equal(buf, "1234567");
	assert_true(nh_format_cut(buf, sizeof buf, "%s", "12345678"));
	assert_string_equal(buf, "1234...");
	/* "é" is two bytes: the mark replaces the whole character, not half of it. */
	assert_true(nh_format_cut(buf, sizeof buf, "%s", "abc\xc3\xa9" "defg"));
	assert_string_equal(buf, "abc...");
	char tiny[3];
	assert_true(nh_format_cut(tiny, sizeof tiny, "%s", "abcd"));
	assert_string_equal(tiny, "ab");
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_parse_and_format),
		cmocka_unit_test(set_parse_errors),
		cmocka_unit_test(set_algebra),
		cmocka_unit_test(sizes),
		cmocka_unit_test(numbers_and_durations),
		cmocka_unit_test(format_size),
		cmocka_unit_test(files),
		cmocka_unit_test(empty_dir),
		cmocka_unit_test(error_prefix),
		cmocka_unit_test(format_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
