/* SPDX-License-Identifier: MIT */
/* The scripted scenarios of scenarios/ end to end, small and quick: allocator-regression without
 * a baseline (every check not evaluated, naming how to give one), against its own first run
 * (every check judged), against a made-up baseline (a certain regression fails, a certain
 * improvement passes, one allocator paired with the other) and with a baseline that does not
 * exist (its line, before anything runs); bios-check's re-measure of the slowest node on this
 * host (one node: not evaluated with the reason; several: judged, with the tagged runs). */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "proc.h"
#include "util.h"

#define AR "scenarios/allocator-regression.lua"
#define REMEASURE "slowest node's local triad, re-measured"

/* The first allocator-regression run (no baseline), shared by the tests that need one. */
typedef struct shared {
	char *dir;
	char first[600];
} shared_t;

static json_t *load_json_in(const char *dir, const char *name)
{
	char *text = nh_read_in(dir, name);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(j);
	return j;
}

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* The scenario's own checks (kind "script") of checks.json, in order: a new array. */
static json_t *script_checks(const char *dir)
{
	json_t *all = load_json_in(dir, "checks.json"), *out = json_array();
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *c = json_array_get(all, i);
		if (strcmp(str_of(c, "kind"), "script") == 0)
			json_array_append(out, c);
	}
	json_decref(all);
	return out;
}

/* The line of the first line of \p file (from the source tree) containing \p text; 0 if none. */
static int line_of(const char *file, const char *text)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", NH_SOURCE_DIR, file);
	char *src = nh_read_file(path, NULL, NULL);
	assert_non_null(src);
	int n = 1, found = 0;
	for (char *line = src; line && *line; n++) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		if (strstr(line, text)) {
			found = n;
			break;
		}
		line = end ? end + 1 : NULL;
	}
	free(src);
	return found;
}

/* allocator-regression, quick, with \p allocators (glibc,jemalloc: 4 configurations of 4 runs)
 * and \p baseline (NULL: none), into \p out. */
static nh_proc_result_t run_ar(const char *out, const char *allocators, const char *baseline)
{
	char set_alloc[128], set_base[700];
	snprintf(set_alloc, sizeof set_alloc, "allocators=%s", allocators);
	char *argv[16] = {NH_BIN, "run", AR, "--set", "quick=true", "--set", set_alloc,
			  "--out", (char *)out, "--quiet"};
	int argc = 10;
	if (baseline) {
		snprintf(set_base, sizeof set_base, "baseline=%s", baseline);
		argv[argc++] = "--set";
		argv[argc++] = set_base;
	}
	argv[argc] = NULL;
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	return r;
}

#ifdef __SANITIZE_ADDRESS__
/* ASan serves malloc: no other allocator can be preloaded (those runs are skipped, saying so),
 * so the sanitizer pass compares glibc with itself. */
#define ALLOCATORS "glibc"
static const char *const CONFIG_NAMES[] = {
	"ns_per_op vs baseline: glibc, cross=0%, default",
	"ns_per_op vs baseline: glibc, cross=25%, default",
};
#else
#define ALLOCATORS "glibc,jemalloc"
static const char *const CONFIG_NAMES[] = {
	"ns_per_op vs baseline: glibc, cross=0%, default",
	"ns_per_op vs baseline: jemalloc, cross=0%, default",
	"ns_per_op vs baseline: glibc, cross=25%, default",
	"ns_per_op vs baseline: jemalloc, cross=25%, default",
};
#endif
/* Configurations of the first run, each of 4 runs. */
#define CONFIGS (sizeof CONFIG_NAMES / sizeof *CONFIG_NAMES)

static int group_setup(void **state)
{
	shared_t *s = calloc(1, sizeof *s);
	assert_non_null(s);
	s->dir = nh_tmpdir();
	assert_non_null(s->dir);
	snprintf(s->first, sizeof s->first, "%s/first", s->dir);
	nh_proc_result_t r = run_ar(s->first, ALLOCATORS, NULL);
	if (r.status != 0)
		fail_msg("first run: exit %d: %s%s", r.status, r.out, r.err);
	nh_proc_free(&r);
	*state = s;
	return 0;
}

static int group_teardown(void **state)
{
	shared_t *s = *state;
	nh_rm_rf(s->dir);
	free(s->dir);
	free(s);
	return 0;
}

/* No baseline: every run ok, each carrying the derived ns_per_op; one check per configuration,
 * each not evaluated, saying how to compare with this very run; nothing fails the gate. */
static void ar_without_baseline(void **state)
{
	shared_t *s = *state;
	char *runs = nh_read_in(s->first, "runs.jsonl");
	assert_int_equal(nh_count_lines(runs), 4 * CONFIGS);
	unsigned derived = 0;
	for (char *line = runs; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		json_t *rec = json_loadb(line, strcspn(line, "\n"), 0, NULL);
		assert_non_null(rec);
		assert_string_equal(str_of(rec, "outcome"), "ok");
		json_t *m = json_object_get(json_object_get(rec, "metrics"), "ns_per_op");
		double v = json_number_value(json_object_get(m, "value"));
		if (!(v > 1 && v < 1e6)) /* a malloc or free per thread: tens to thousands of ns */
			fail_msg("ns_per_op %g in %.200s", v, line);
		assert_string_equal(str_of(m, "unit"), "ns");
		assert_string_equal(str_of(m, "better"), "lower");
		assert_true(strncmp(str_of(m, "derived"), AR ":", strlen(AR) + 1) == 0);
		derived++;
		json_decref(rec);
	}
	assert_int_equal(derived, 4 * CONFIGS);
	free(runs);
	json_t *checks = script_checks(s->first);
	assert_int_equal(json_array_size(checks), CONFIGS);
	char want[800];
	snprintf(want, sizeof want, "no baseline to compare with: run again with --set baseline=%s "
				    "to compare with this run", s->first);
	for (size_t i = 0; i < CONFIGS; i++) {
		json_t *c = json_array_get(checks, i);
		assert_string_equal(str_of(c, "name"), CONFIG_NAMES[i]);
		assert_string_equal(str_of(c, "status"), "not-evaluated");
		assert_string_equal(str_of(c, "detail"), want);
		assert_false(json_is_true(json_object_get(c, "fails_gate")));
		assert_true(strncmp(str_of(c, "source"), AR ":", strlen(AR) + 1) == 0);
	}
	json_decref(checks);
}

/* Against its own first run: every configuration judged (pass or fail, never not evaluated),
 * with the change as value against 1 + threshold; the exit status follows the fails. */
static void ar_against_own_baseline(void **state)
{
	shared_t *s = *state;
	char out[700];
	snprintf(out, sizeof out, "%s/second", s->dir);
	nh_proc_result_t r = run_ar(out, ALLOCATORS, s->first);
	json_t *checks = script_checks(out);
	assert_int_equal(json_array_size(checks), CONFIGS);
	unsigned failed = 0;
	for (size_t i = 0; i < CONFIGS; i++) {
		json_t *c = json_array_get(checks, i);
		const char *status = str_of(c, "status"), *detail = str_of(c, "detail");
		assert_string_equal(str_of(c, "name"), CONFIG_NAMES[i]);
		if (strcmp(status, "pass") != 0 && strcmp(status, "fail") != 0)
			fail_msg("%s: %s: %s", CONFIG_NAMES[i], status, detail);
		failed += strcmp(status, "fail") == 0;
		assert_non_null(strstr(detail, "Mann-Whitney p = "));
		assert_non_null(strstr(detail, " over 4 and 4 runs: "));
		double value = json_number_value(json_object_get(c, "value"));
		assert_true(value > 0);
		assert_true(json_number_value(json_object_get(c, "max")) == 1.05);
		assert_true(json_is_null(json_object_get(c, "min")));
		/* a fail is a regression beyond the threshold: the value says so */
		if (strcmp(status, "fail") == 0)
			assert_true(value > 1.05);
	}
	json_decref(checks);
	if (r.status != (failed ? 1 : 0))
		fail_msg("exit %d with %u failed: %s%s", r.status, failed, r.out, r.err);
	nh_proc_free(&r);
}

/* A made-up baseline of glibc alone, from the first run: its cross=0 configuration impossibly
 * fast (1 ns), its cross=25 one impossibly slow (1 ms). A jemalloc run against it is paired with
 * glibc (one allocator each side); cross=0 is a certain regression (fail, exit 1), cross=25 a
 * certain improvement (pass). */
static void ar_against_made_up_baseline(void **state)
{
#ifdef __SANITIZE_ADDRESS__
	skip(); /* jemalloc cannot be preloaded under ASan; the ordinary e2e pass runs this */
#endif
	shared_t *s = *state;
	char fab[700], path[800], out[700];
	snprintf(fab, sizeof fab, "%s/fab", s->dir);
	assert_int_equal(mkdir(fab, 0755), 0);
	char *manifest = nh_read_in(s->first, "manifest.json");
	snprintf(path, sizeof path, "%s/manifest.json", fab);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(manifest, f);
	fclose(f);
	free(manifest);
	char *runs = nh_read_in(s->first, "runs.jsonl");
	snprintf(path, sizeof path, "%s/runs.jsonl", fab);
	f = fopen(path, "w");
	assert_non_null(f);
	unsigned kept = 0;
	for (char *line = runs; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		json_t *rec = json_loadb(line, strcspn(line, "\n"), 0, NULL);
		assert_non_null(rec);
		json_t *params = json_object_get(rec, "params");
		if (strcmp(str_of(params, "allocator"), "glibc") == 0) {
			bool fast = strcmp(str_of(params, "cross"), "0") == 0;
			json_t *m = json_object_get(json_object_get(rec, "metrics"), "ns_per_op");
			assert_non_null(m);
			json_object_set_new(m, "value", json_real((fast ? 1.0 : 1e6) * (1 + 0.01 * kept)));
			char *text = json_dumps(rec, JSON_COMPACT);
			fprintf(f, "%s\n", text);
			free(text);
			kept++;
		}
		json_decref(rec);
	}
	fclose(f);
	free(runs);
	assert_int_equal(kept, 8);

	snprintf(out, sizeof out, "%s/paired", s->dir);
	nh_proc_result_t r = run_ar(out, "jemalloc", fab);
	if (r.status != 1)
		fail_msg("exit %d (want 1): %s%s", r.status, r.out, r.err);
	json_t *checks = script_checks(out);
	assert_int_equal(json_array_size(checks), 2);
	static const struct {
		const char *name, *status, *says;
	} want[] = {
		{"ns_per_op vs baseline: jemalloc, cross=0%, default", "fail",
		 "a regression: worse by more than 5% and significant (paired with the baseline's glibc)"},
		{"ns_per_op vs baseline: jemalloc, cross=25%, default", "pass",
		 "better, significantly (paired with the baseline's glibc)"},
	};
	for (size_t i = 0; i < 2; i++) {
		json_t *c = json_array_get(checks, i);
		assert_string_equal(str_of(c, "name"), want[i].name);
		assert_string_equal(str_of(c, "status"), want[i].status);
		const char *detail = str_of(c, "detail");
		size_t n = strlen(detail), k = strlen(want[i].says);
		if (n < k || strcmp(detail + n - k, want[i].says) != 0)
			fail_msg("detail: %s", detail);
		/* 4 against 4, all apart: the exact test's smallest p, 2/70 */
		assert_non_null(strstr(detail, "Mann-Whitney p = 0.0286 over 4 and 4 runs"));
		assert_int_equal(json_is_true(json_object_get(c, "fails_gate")), i == 0);
		double value = json_number_value(json_object_get(c, "value"));
		assert_true(i == 0 ? value > 10 : value < 0.01);
	}
	json_decref(checks);
	if (!strstr(r.out, "FAIL   ns_per_op vs baseline: jemalloc, cross=0%, default"))
		fail_msg("stdout:\n%s", r.out);
	nh_proc_free(&r);
}

/* A baseline that is not there: the scenario's own line where it opens it, exit 2, before
 * anything runs or is written. */
static void ar_missing_baseline(void **state)
{
	shared_t *s = *state;
	char out[700], missing[700], want[900];
	snprintf(out, sizeof out, "%s/missing", s->dir);
	snprintf(missing, sizeof missing, "%s/no-such-results", s->dir);
	nh_proc_result_t r = run_ar(out, "glibc", missing);
	assert_int_equal(r.status, 2);
	int line = line_of(AR, "nh.results(baseline)");
	assert_true(line > 0);
	snprintf(want, sizeof want, "numaharness: " AR ":%d: nh.results: %s", line, missing);
	if (strncmp(r.err, want, strlen(want)) != 0)
		fail_msg("stderr: %s(want %s...)", r.err, want);
	assert_int_equal(nh_count_lines(r.err), 1);
	struct stat st;
	assert_int_not_equal(stat(out, &st), 0);
	nh_proc_free(&r);
}

/* The nodes of this host that have CPUs, as topo --json says. */
static unsigned cpu_nodes(void)
{
	char *argv[] = {NH_BIN, "topo", "--json", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	json_t *t = json_loads(r.out, 0, NULL);
	assert_non_null(t);
	json_t *nodes = json_object_get(t, "nodes");
	unsigned n = 0;
	for (size_t i = 0; i < json_array_size(nodes); i++)
		n += json_array_size(json_object_get(json_array_get(nodes, i), "cpus")) > 0;
	json_decref(t);
	nh_proc_free(&r);
	return n;
}

/* bios-check quick: the re-measure check after every declared one. One node with CPUs: not
 * evaluated with the reason, not a pass, and nothing re-run. Several (a real NUMA host): judged
 * against the best node, the slowest node's runs tagged remeasure-nN, by the script. */
static void bios_check_remeasure(void **state)
{
	(void)state;
	unsigned nodes = cpu_nodes();
	char *dir = nh_tmpdir();
	char out[600];
	snprintf(out, sizeof out, "%s/r", dir);
	char *argv[] = {NH_BIN, "run", "scenarios/bios-check.lua", "--set", "quick=true", "--out", out,
			"--quiet", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	json_t *checks = script_checks(out);
	assert_int_equal(json_array_size(checks), 1);
	json_t *c = json_array_get(checks, 0);
	assert_string_equal(str_of(c, "name"), REMEASURE);
	assert_true(strncmp(str_of(c, "source"), "scenarios/bios-check.lua:", 25) == 0);
	char *runs = nh_read_in(out, "runs.jsonl");
	if (nodes < 2) {
		if (r.status != 0)
			fail_msg("exit %d: %s%s", r.status, r.out, r.err);
		assert_string_equal(str_of(c, "status"), "not-evaluated");
		assert_string_equal(str_of(c, "detail"), "not applicable: 1 node with CPUs, no other "
							 "node's local triad to compare it with");
		assert_false(json_is_true(json_object_get(c, "fails_gate")));
		assert_true(json_is_null(json_object_get(c, "value")));
		assert_null(strstr(runs, "\"origin\":\"script\""));
		assert_null(strstr(runs, "remeasure"));
		if (!strstr(r.out, "N/E    " REMEASURE))
			fail_msg("stdout:\n%s", r.out);
	} else {
		const char *status = str_of(c, "status");
		if (strcmp(status, "pass") != 0 && strcmp(status, "fail") != 0)
			fail_msg("%s: %s", status, str_of(c, "detail"));
		assert_true(json_number_value(json_object_get(c, "value")) > 0);
		assert_true(json_number_value(json_object_get(c, "min")) > 0);
		assert_non_null(strstr(str_of(c, "detail"), " re-measured (median of 2; "));
		assert_non_null(strstr(runs, "\"tag\":\"remeasure-n"));
		assert_non_null(strstr(runs, "\"run_reason\":\"slowest node: node "));
	}
	free(runs);
	json_decref(checks);
	nh_proc_free(&r);
	nh_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ar_without_baseline),
		cmocka_unit_test(ar_against_own_baseline),
		cmocka_unit_test(ar_against_made_up_baseline),
		cmocka_unit_test(ar_missing_baseline),
		cmocka_unit_test(bios_check_remeasure),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
