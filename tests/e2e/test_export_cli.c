/* End-to-end tests of `numaharness export prom`: a fixture results directory (tests/data/prom,
 * made by make-fixture.py) as exact exposition-format lines — medians of the local runs only,
 * checks with escaping and a repeated name, host labels Prometheus cannot take left out with a
 * comment; the exit status `run` gave for each manifest status; --out replaces the file by
 * rename (a reader holding the old one keeps it whole); bad input exits 2; and promtool check
 * metrics accepts the file where promtool is installed. */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"
#include "util.h"

#define FIXTURE NH_SOURCE_DIR "/tests/data/prom/web-17"

/* The labels every sample of the fixture carries: its id, scenario and the two valid labels. */
#define L "host=\"web-17\",scenario=\"bios-check\",cohort=\"gen3\",note=\"a \\\"quoted\\\" \\\\ value\""

/* Everything after the first line (which names the directory). */
static const char EXPECTED[] =
	"# A value the results do not have is left out, never written as 0; a comment says why.\n"
	"# host label 'rack.row' left out: not a valid Prometheus label name\n"
	"# host label 'node' left out: the export sets a label of that name itself\n"
	"# HELP numaharness_info The harness and host software that produced these results\n"
	"# TYPE numaharness_info gauge\n"
	"numaharness_info{" L ",tool_version=\"0.1.0\",kernel=\"6.1.0-26-amd64\",bios_version=\"2.19.1\"} 1\n"
	"# HELP numaharness_exit_status What numaharness run exited with: 0 all passed, 1 a check failed or a run went wrong, 2 the harness could not run it, 130 interrupted\n"
	"# TYPE numaharness_exit_status gauge\n"
	"numaharness_exit_status{" L "} 1\n"
	"# HELP numaharness_last_run_timestamp_seconds When the run finished (Unix time)\n"
	"# TYPE numaharness_last_run_timestamp_seconds gauge\n"
	"numaharness_last_run_timestamp_seconds{" L "} 1795305660\n"
	"# HELP numaharness_check_evaluated 1 when the check could be evaluated, 0 when it could not (see checks.json for why)\n"
	"# TYPE numaharness_check_evaluated gauge\n"
	"numaharness_check_evaluated{" L ",check=\"nodes\"} 1\n"
	"numaharness_check_evaluated{" L ",check=\"slowest node's local triad, re-measured\"} 1\n"
	"numaharness_check_evaluated{" L ",check=\"remote/local latency ratio\"} 0\n"
	"numaharness_check_evaluated{" L ",check=\"say \\\"hi\\\" \\\\ now\\nplease\"} 1\n"
	"numaharness_check_evaluated{" L ",check=\"nodes #2\"} 1\n"
	"# HELP numaharness_check_passed 1 when the check passed, 0 when it failed (evaluated checks only)\n"
	"# TYPE numaharness_check_passed gauge\n"
	"numaharness_check_passed{" L ",check=\"nodes\"} 1\n"
	"numaharness_check_passed{" L ",check=\"slowest node's local triad, re-measured\"} 0\n"
	"numaharness_check_passed{" L ",check=\"say \\\"hi\\\" \\\\ now\\nplease\"} 1\n"
	"numaharness_check_passed{" L ",check=\"nodes #2\"} 1\n"
	"# HELP numaharness_local_triad_bytes_per_second Median STREAM triad of the ok runs under cpunodebind=N membind=N, bytes per second\n"
	"# TYPE numaharness_local_triad_bytes_per_second gauge\n"
	"numaharness_local_triad_bytes_per_second{" L ",node=\"0\"} 20000000000\n"
	"numaharness_local_triad_bytes_per_second{" L ",node=\"1\"} 17500000000\n"
	"# HELP numaharness_idle_latency_seconds Median chase latency per load of the ok runs under cpunodebind=N membind=N, seconds\n"
	"# TYPE numaharness_idle_latency_seconds gauge\n"
	"numaharness_idle_latency_seconds{" L ",node=\"0\"} 9.05e-08\n"
	"# numaharness_idle_latency_seconds{node=\"1\"} left out: no ok chase run under cpunodebind=1 membind=1\n"
	"# HELP numaharness_node_memtotal_bytes MemTotal of the NUMA node, bytes\n"
	"# TYPE numaharness_node_memtotal_bytes gauge\n"
	"numaharness_node_memtotal_bytes{" L ",node=\"0\"} 68719476736\n"
	"numaharness_node_memtotal_bytes{" L ",node=\"1\"} 67108864000\n";

/* A copy of the fixture in a fresh directory: TMP/web-17. */
static char *copy_fixture(char *tmp, char *dir, size_t len)
{
	snprintf(dir, len, "%s/web-17", tmp);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", FIXTURE, dir);
	assert_int_equal(system(cmd), 0);
	return dir;
}

static nh_proc_result_t export(const char *dir, const char *out)
{
	char *argv[] = {NH_BIN, "export", "prom", (char *)dir, out ? "--out" : NULL, (char *)out, NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	return r;
}

static char *read_path(const char *dir, const char *name)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	char *text = nh_read_file(path, NULL, NULL);
	if (!text)
		fail_msg("missing %s", path);
	return text;
}

/* The file minus its first line, which names the directory. */
static const char *after_first_line(const char *text)
{
	const char *nl = strchr(text, '\n');
	assert_non_null(nl);
	return nl + 1;
}

static void fixture_exact_lines(void **state)
{
	char *tmp = nh_tmpdir(), dir[600];
	copy_fixture(tmp, dir, sizeof dir);
	nh_proc_result_t r = export(dir, NULL);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	char want_out[700];
	snprintf(want_out, sizeof want_out, "prom: %s/numaharness.prom\n", dir);
	assert_string_equal(r.out, want_out);
	assert_string_equal(r.err, "");
	char *text = read_path(dir, "numaharness.prom");
	char first[800];
	snprintf(first, sizeof first,
		 "# numaharness results as a node_exporter textfile (numaharness export prom), from %s\n", dir);
	assert_int_equal(strncmp(text, first, strlen(first)), 0);
	assert_string_equal(after_first_line(text), EXPECTED);
	nh_proc_free(&r);

	/* --out - : the same text on stdout. */
	r = export(dir, "-");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, text);
	free(text);
	nh_proc_free(&r);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* --out FILE over an existing file: replaced by rename, so a reader that opened the old file
 * still reads it whole, the path holds the new one, and no temp file is left beside it. */
static void out_is_atomic(void **state)
{
	char *tmp = nh_tmpdir(), dir[600], textfiles[700], file[800];
	copy_fixture(tmp, dir, sizeof dir);
	snprintf(textfiles, sizeof textfiles, "%s/textfile", tmp);
	assert_int_equal(mkdir(textfiles, 0755), 0);
	snprintf(file, sizeof file, "%s/numaharness.prom", textfiles);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	int old_fd = open(file, O_RDONLY);
	assert_true(old_fd >= 0);
	struct stat before, after;
	assert_int_equal(fstat(old_fd, &before), 0);

	nh_proc_result_t r = export(dir, file);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	char want_out[900];
	snprintf(want_out, sizeof want_out, "prom: %s\n", file);
	assert_string_equal(r.out, want_out);
	nh_proc_free(&r);

	char old[16] = "";
	assert_int_equal(pread(old_fd, old, sizeof old - 1, 0), 4);
	assert_string_equal(old, "old\n");
	close(old_fd);
	assert_int_equal(stat(file, &after), 0);
	assert_true(after.st_ino != before.st_ino);
	char *text = read_path(textfiles, "numaharness.prom");
	assert_string_equal(after_first_line(text), EXPECTED);
	free(text);
	DIR *d = opendir(textfiles);
	assert_non_null(d);
	unsigned entries = 0;
	for (struct dirent *e; (e = readdir(d));)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			assert_string_equal(e->d_name, "numaharness.prom");
			entries++;
		}
	closedir(d);
	assert_int_equal(entries, 1);
	/* Nothing written into the results directory with --out. */
	struct stat st;
	char beside[700];
	snprintf(beside, sizeof beside, "%s/numaharness.prom", dir);
	assert_int_equal(stat(beside, &st), -1);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* Replace the first \p from in DIR/NAME with \p to. */
static void edit(const char *dir, const char *name, const char *from, const char *to)
{
	char *text = read_path(dir, name), path[1200];
	char *at = strstr(text, from);
	if (!at)
		fail_msg("%s/%s has no '%s'", dir, name, from);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	fclose(f);
	free(text);
}

/* The line of \p metric (with the fixture's labels) in an export, or the comment that says why
 * it is left out. */
static void assert_line(const char *text, const char *line)
{
	if (!strstr(text, line))
		fail_msg("no line '%s' in:\n%s", line, text);
}

/* numaharness_exit_status is what `run` exited with, told from the manifest and checks.json. */
static void exit_status_as_run(void **state)
{
	static const struct {
		const char *file, *from, *to, *line;
	} cases[] = {
		/* The fixture: a check failed → 1. Without it (no checks.json) the failed run still → 1. */
		{NULL, NULL, NULL, "numaharness_exit_status{" L "} 1\n"},
		{"checks.json", "\"status\": \"fail\"", "\"status\": \"pass\"", "numaharness_exit_status{" L "} 1\n"},
		{"manifest.json", "\"failed\": 1", "\"failed\": 0", "numaharness_exit_status{" L "} 0\n"},
		{"checks.json", "\"fails_gate\": false,\n    \"config\": null,\n    \"value\": null,\n    \"min\": null,\n    \"max\": null,\n    \"detail\": \"one node",
		 "\"fails_gate\": true,\n    \"config\": null,\n    \"value\": null,\n    \"min\": null,\n    \"max\": null,\n    \"detail\": \"one node",
		 "numaharness_exit_status{" L "} 1\n"},
	};
	char *tmp = nh_tmpdir(), dir[600];
	copy_fixture(tmp, dir, sizeof dir);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (cases[i].file)
			edit(dir, cases[i].file, cases[i].from, cases[i].to);
		nh_proc_result_t r = export(dir, "-");
		assert_int_equal(r.status, 0);
		assert_line(r.out, cases[i].line);
		nh_proc_free(&r);
	}
	/* Back to a gate that passes, then each status the manifest can end in. */
	edit(dir, "checks.json", "\"fails_gate\": true,\n    \"config\": null,\n    \"value\": null,\n    \"min\": null,\n    \"max\": null,\n    \"detail\": \"one node",
	     "\"fails_gate\": false,\n    \"config\": null,\n    \"value\": null,\n    \"min\": null,\n    \"max\": null,\n    \"detail\": \"one node");
	static const struct {
		const char *status, *line;
	} statuses[] = {
		{"interrupted", "numaharness_exit_status{" L "} 130\n"},
		{"stopped: host checks failed", "numaharness_exit_status{" L "} 1\n"},
		{"stopped", "numaharness_exit_status{" L "} 2\n"},
		{"running", "# numaharness_exit_status left out: the manifest's status is still \"running\": "
			    "the run did not finish (still running, or the harness died)\n"},
		{"complete", "numaharness_exit_status{" L "} 0\n"},
	};
	const char *was = "complete";
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		char from[64], to[64];
		snprintf(from, sizeof from, "\"status\": \"%s\"", was);
		snprintf(to, sizeof to, "\"status\": \"%s\"", statuses[i].status);
		edit(dir, "manifest.json", from, to);
		was = statuses[i].status;
		nh_proc_result_t r = export(dir, "-");
		assert_int_equal(r.status, 0);
		assert_line(r.out, statuses[i].line);
		if (strncmp(statuses[i].line, "#", 1) == 0)
			assert_null(strstr(r.out, "numaharness_exit_status{"));
		nh_proc_free(&r);
	}
	/* No finish time: the timestamp left out, never 0. */
	edit(dir, "manifest.json", "\"finished_at\": \"2026-11-22T00:01:00Z\",", "");
	nh_proc_result_t r = export(dir, "-");
	assert_int_equal(r.status, 0);
	assert_line(r.out, "# numaharness_last_run_timestamp_seconds left out: finished_at: not recorded\n");
	assert_null(strstr(r.out, "numaharness_last_run_timestamp_seconds{"));
	nh_proc_free(&r);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* Results written before the host identity: the directory's name is the host; no checks of a
 * bench run; no local runs. */
static void older_results(void **state)
{
	nh_proc_result_t r = export("tests/data/report/stream", "-");
	assert_int_equal(r.status, 0);
	assert_line(r.out, "# host: the manifest has no host id or hostname; the directory's name stands in\n");
	assert_line(r.out, "numaharness_info{host=\"stream\",scenario=\"report-fixture\",tool_version=\"0.1.0\","
			   "kernel=\"6.18.44-fc-v657\"} 1\n");
	assert_line(r.out, "numaharness_exit_status{host=\"stream\",scenario=\"report-fixture\"} 0\n");
	assert_line(r.out, "# numaharness_local_triad_bytes_per_second left out: no ok stream run under "
			   "cpunodebind=N membind=N on any node\n");
	assert_line(r.out, "numaharness_node_memtotal_bytes{host=\"stream\",scenario=\"report-fixture\","
			   "node=\"0\"} 10429353984\n");
	nh_proc_free(&r);
	r = export("tests/data/compare/baseline", "-");
	assert_int_equal(r.status, 0);
	assert_line(r.out, "# numaharness_check_* left out: no checks.json (the command had no expectations)\n");
	nh_proc_free(&r);
	(void)state;
}

static void bad_input(void **state)
{
	char *tmp = nh_tmpdir(), dir[600], nowhere[700], msg[1200];
	copy_fixture(tmp, dir, sizeof dir);
	snprintf(nowhere, sizeof nowhere, "%s/no/such/dir/x.prom", tmp);
	nh_proc_result_t r = export(dir, nowhere);
	assert_int_equal(r.status, 2);
	snprintf(msg, sizeof msg, "numaharness: export: cannot write %s: No such file or directory\n", nowhere);
	assert_string_equal(r.err, msg);
	nh_proc_free(&r);
	edit(dir, "checks.json", "[", "[[");
	r = export(dir, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "numaharness: export: "));
	assert_non_null(strstr(r.err, "/web-17/checks.json:"));
	assert_int_equal(nh_count_lines(r.err), 1);
	nh_proc_free(&r);
	struct stat st;
	snprintf(nowhere, sizeof nowhere, "%s/numaharness.prom", dir);
	assert_int_equal(stat(nowhere, &st), -1); /* nothing written */
	nh_rm_rf(tmp);
	free(tmp);

	static const struct {
		const char *args[5], *msg;
	} cases[] = {
		{{"export", NULL}, "numaharness: export: say the format: prom (see numaharness export --help)\n"},
		{{"export", "csv", "x", NULL}, "numaharness: export: unknown format 'csv' (prom)\n"},
		{{"export", "prom", NULL},
		 "numaharness: export: expected exactly one results directory (see numaharness export --help)\n"},
		{{"export", "prom", "tests/data/compare/not-results", NULL},
		 "numaharness: export: tests/data/compare/not-results: not a results directory (no runs.jsonl)\n"},
		{{"export", "prom", "tests/data/prom/web-17", "--out", ""},
		 "numaharness: export: --out: empty file name\n"},
		{{"export", "prom", "tests/data/prom/web-17", "--bogus", NULL},
		 "numaharness: export: bad option '--bogus' (see numaharness export --help)\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[8] = {NH_BIN};
		for (int k = 0; k < 5 && cases[i].args[k]; k++)
			argv[k + 1] = (char *)cases[i].args[k];
		assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
		if (r.status != 2 || strcmp(r.err, cases[i].msg) != 0)
			fail_msg("case %zu: exit %d, stderr '%s'", i, r.status, r.err);
		assert_string_equal(r.out, "");
		nh_proc_free(&r);
	}
	(void)state;
}

/* promtool (Debian's prometheus package) lints the file as Prometheus would read it. */
static void promtool_accepts(void **state)
{
	if (system("command -v promtool >/dev/null 2>&1") != 0) {
		fprintf(stderr, "promtool not installed (Debian package prometheus): not checked\n");
		skip();
	}
	char *tmp = nh_tmpdir(), dir[600], cmd[1400];
	copy_fixture(tmp, dir, sizeof dir);
	nh_proc_result_t r = export(dir, NULL);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	snprintf(cmd, sizeof cmd, "promtool check metrics < '%s/numaharness.prom'", dir);
	assert_int_equal(system(cmd), 0);
	r = export("tests/data/report/stream", "-");
	snprintf(cmd, sizeof cmd, "%s/older.prom", tmp);
	FILE *f = fopen(cmd, "w");
	assert_non_null(f);
	fputs(r.out, f);
	fclose(f);
	nh_proc_free(&r);
	snprintf(cmd, sizeof cmd, "promtool check metrics < '%s/older.prom'", tmp);
	assert_int_equal(system(cmd), 0);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixture_exact_lines),
		cmocka_unit_test(out_is_atomic),
		cmocka_unit_test(exit_status_as_run),
		cmocka_unit_test(older_results),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(promtool_accepts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
