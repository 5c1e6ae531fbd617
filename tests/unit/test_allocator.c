/* Unit tests of allocator resolution and identification: Debian's libraries present, missing,
 * an explicit path, and what serves malloc in this (glibc) process. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "allocator.h"

static void spec_check(void **state)
{
	nh_err_t err;
	assert_int_equal(nh_allocator_check_spec("glibc", &err), 0);
	assert_int_equal(nh_allocator_check_spec("jemalloc", &err), 0);
	assert_int_equal(nh_allocator_check_spec("/opt/lib/libfoo.so", &err), 0);
	assert_int_equal(nh_allocator_check_spec("hoard", &err), -1);
	assert_string_equal(err.msg, "unknown allocator 'hoard' (glibc, jemalloc, tcmalloc, mimalloc, or /path/to/lib.so)");
	(void)state;
}

static void resolve_named(void **state)
{
	char path[256], why[256];
	assert_int_equal(nh_allocator_resolve("glibc", path, sizeof path, why, sizeof why), 0);
	assert_string_equal(path, "");
	const char *names[] = {"jemalloc", "tcmalloc", "mimalloc"};
	const char *files[] = {"libjemalloc.so.2", "libtcmalloc_minimal.so.4", "libmimalloc.so.2"};
	for (int i = 0; i < 3; i++) {
		int rc = nh_allocator_resolve(names[i], path, sizeof path, why, sizeof why);
		/* The path is where Debian puts it, whether or not the package is installed. */
		assert_non_null(strstr(path, files[i]));
		if (access(path, R_OK) == 0) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(why, "not found (Debian package "));
			assert_non_null(strstr(why, path));
		}
	}
	(void)state;
}

static void resolve_path(void **state)
{
	char path[256], why[256];
	assert_int_equal(nh_allocator_resolve("/nonexistent/libx.so", path, sizeof path, why, sizeof why), -1);
	assert_string_equal(why, "allocator /nonexistent/libx.so: No such file or directory");
	/* An existing file resolves to itself. */
	assert_int_equal(nh_allocator_resolve("/etc/hostname", path, sizeof path, why, sizeof why), 0);
	assert_string_equal(path, "/etc/hostname");
	/* A path longer than the buffer is refused, not cut to name another file. */
	char spec[300];
	memset(spec, 'x', sizeof spec - 1);
	spec[0] = '/';
	spec[sizeof spec - 1] = '\0';
	errno = 0;
	assert_int_equal(nh_allocator_resolve(spec, path, sizeof path, why, sizeof why), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_string_equal(path, "");
	assert_non_null(strstr(why, "allocator path too long (299 bytes, at most 255): /xxx"));
	(void)state;
}

static void identify_glibc(void **state)
{
	nh_allocator_found_t f;
	nh_allocator_identify(&f);
#ifdef __SANITIZE_ADDRESS__ /* the sanitizer build: ASan's runtime serves malloc */
	assert_string_equal(f.name, "asan");
	assert_non_null(strstr(f.library, "libasan.so"));
	(void)state;
	return;
#endif
	assert_string_equal(f.name, "glibc");
	assert_non_null(strstr(f.library, "libc.so"));
	assert_true(strlen(f.version) > 0);
	assert_true(nh_allocator_matches("glibc", "", &f));
	assert_false(nh_allocator_matches("jemalloc", "", &f));
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_check),
		cmocka_unit_test(resolve_named),
		cmocka_unit_test(resolve_path),
		cmocka_unit_test(identify_glibc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
