/* End-to-end tests of the per-run cgroup on this host's real hierarchy (cgroup v1 memory and
 * cpuset here; v2 in the 2-node guest): an OOM kill under memory_limit inside a sweep, the
 * cgroup's figures against a known allocation, the cgroup gone after ok, timed-out and
 * interrupted runs, an unusable parent (the run still runs, the limit is skipped), the series'
 * per-node columns on every row, a cpuset narrowing the CPUs. Exit 77 (skipped) with the reason
 * where this host gives us no cgroup to make. */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup.h"
#include "proc.h"
#include "results.h"
#include "util.h"

static nh_cgroup_parent_t parent; /* the default parent, as the harness finds it */

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* numaharness ARGS... with \p env; asserts the exit status. */
static void nh(int want_status, char *const *env, const char *const *args)
{
	char *argv[40] = {NH_BIN};
	int n = 1;
	for (const char *const *a = args; *a && n < 39; a++)
		argv[n++] = (char *)*a;
	argv[n] = NULL;
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, env, &r), 0);
	if (r.status != want_status)
		fail_msg("exit %d (want %d): %s", r.status, want_status, r.err);
	nh_proc_free(&r);
}

/* The records of runs.jsonl in \p dir, in order (at most \p max). */
static unsigned records(const char *dir, json_t **recs, unsigned max)
{
	char path[700];
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	char *text = nh_read_file(path, NULL, NULL);
	assert_non_null(text);
	unsigned n = 0;
	for (const char *line = text; line && *line && n < max; line = nh_next_line(line)) {
		json_error_t e;
		recs[n] = json_loadb(line, strcspn(line, "\n"), 0, &e);
		if (!recs[n])
			fail_msg("%s: %s", path, e.text);
		n++;
	}
	free(text);
	return n;
}

/* A member by dotted path ("run_cgroup.path"). */
static json_t *at(json_t *o, const char *path)
{
	char key[64];
	while (o && *path) {
		size_t k = strcspn(path, ".");
		snprintf(key, sizeof key, "%.*s", (int)k, path);
		o = json_object_get(o, key);
		path += k + (path[k] == '.');
	}
	return o;
}

static const char *str(json_t *o, const char *path)
{
	json_t *v = at(o, path);
	return json_is_string(v) ? json_string_value(v) : "";
}

static double num(json_t *o, const char *path)
{
	json_t *v = at(o, path);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static void free_records(json_t **recs, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		json_decref(recs[i]);
}

/* (a) In one sweep: the middle run over its memory_limit is OOM-killed, the reason naming its
 * cgroup's own count; the runs before and after are intact. Each cgroup is gone after it. */
static void oom_kill_in_its_cgroup(void **state)
{
	char *tmp = nh_tmpdir(), out[600];
	snprintf(out, sizeof out, "%s/r", tmp);
	nh(1, NULL, (const char *[]){"run", "tests/e2e/cgroup-oom.lua", "--out", out, "--quiet", NULL});
	json_t *recs[4];
	assert_int_equal(records(out, recs, 4), 3);
	for (unsigned i = 0; i < 3; i += 2) {
		assert_string_equal(str(recs[i], "outcome"), "ok");
		assert_string_equal(str(recs[i], "policy.observed.verdict"), "ok");
		assert_true(num(recs[i], "metrics.triad.value") > 0);
		assert_int_equal(num(recs[i], "run_cgroup.oom_kill"), 0);
	}
	json_t *mid = recs[1];
	assert_string_equal(str(mid, "outcome"), "oom-killed");
	const char *want = parent.version == 2
				   ? "killed by the OOM killer in its cgroup (memory.max 64.0 MiB, cgroup oom_kill +1)"
				   : "killed by the OOM killer in its cgroup (memory.limit_in_bytes 64.0 MiB, cgroup "
				     "oom_kill +1)";
	assert_string_equal(str(mid, "reason"), want);
	assert_int_equal(num(mid, "run_cgroup.memory_max"), 64 << 20);
	assert_int_equal(num(mid, "run_cgroup.oom_kill"), 1);
	assert_true(num(mid, "run_cgroup.memory_peak") <= 64 << 20);
	assert_string_equal(str(mid, "params.memory_limit"), "64M");
	/* the limit is not among the other runs' parameters: their configuration is as ever */
	assert_null(at(recs[0], "params.memory_limit"));
	for (unsigned i = 0; i < 3; i++) {
		const char *path = str(recs[i], "run_cgroup.path");
		assert_true(strncmp(path, parent.dir, strlen(parent.dir)) == 0);
		if (exists(path))
			fail_msg("run %u: its cgroup %s is still there", i, path);
	}
	free_records(recs, 3);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* (b) The cgroup's figures against a known allocation: STREAM's three arrays (size= is all
 * three) are the run's anonymous memory at its snapshot, and its peak is at least that. Read
 * through the results module. (e) Its series has the run's memory on node 0 every row. */
static void figures_match_the_allocation(void **state)
{
	char *tmp = nh_tmpdir(), out[600];
	snprintf(out, sizeof out, "%s/r", tmp);
	const double size = 300.0 * (1 << 20), charged = NH_TOUCHED_MEMORY(size);
	nh(0, NULL, (const char *[]){"bench", "stream", "size=300M", "ntimes=3", "threads=1", "--out", out,
				     "--quiet", NULL});
	nh_err_t err;
	nh_results_t *res = nh_results_load(out, &err);
	if (!res)
		fail_msg("%s", err.msg);
	const nh_rv_t *rec = nh_results_record(res, 0);
	nh_rv_run_cgroup_t rc;
	if (!nh_rv_run_cgroup(rec, &rc))
		fail_msg("no cgroup of its own: %s", rc.why);
	assert_int_equal(rc.version.v, parent.version);
	assert_false(rc.memory_max.present); /* no limit asked */
	assert_false(rc.cpus.present);
	assert_true(rc.memory_peak.present && rc.memory_peak.v >= size);
	assert_false(exists(rc.path.s));
	/* the layer at the snapshot is the run's own cgroup, and its anon is the arrays */
	json_t *recs[1];
	records(out, recs, 1);
	assert_string_equal(str(recs[0], "cgroup.path"), rc.path.s);
	double anon = num(recs[0], parent.version == 2 ? "cgroup.stat.anon" : "cgroup.stat.rss");
	printf("# stream size=300M: cgroup %s %.1f MiB (arrays %.1f MiB, %+.2f%%), peak %.1f MiB\n",
	       parent.version == 2 ? "anon" : "rss", anon / (1 << 20), charged / (1 << 20),
	       100 * (anon - charged) / charged, rc.memory_peak.v / (1 << 20));
	if (!(fabs(anon - charged) <= 0.03 * charged))
		fail_msg("cgroup anon %.0f bytes, the arrays take %.0f", anon, charged);

	/* (e) every row: the run's cgroup on node 0 (within the budget whatever the size) and the
	 * node's free memory; the last row holds the arrays */
	char path[700];
	snprintf(path, sizeof path, "%s/%s", out, nh_rv_series(rec).file.s);
	char *csv = nh_read_file(path, NULL, NULL);
	assert_non_null(csv);
	char *cells[256];
	int col_node = -1, col_free = -1, col_bytes = -1;
	unsigned rows = 0;
	double last = 0;
	for (char *line = csv, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned n = 0;
		for (char *p = line; n < 256;) {
			cells[n++] = p;
			char *c = strchr(p, ',');
			if (!c)
				break;
			*c = '\0';
			p = c + 1;
		}
		if (col_node < 0) {
			for (unsigned i = 0; i < n; i++) {
				col_node = strcmp(cells[i], "cgroup_node0_bytes") == 0 ? (int)i : col_node;
				col_free = strcmp(cells[i], "node0_free_bytes") == 0 ? (int)i : col_free;
				col_bytes = strcmp(cells[i], "cgroup_bytes") == 0 ? (int)i : col_bytes;
			}
			assert_true(col_node > 0 && col_free > 0 && col_bytes > 0);
			continue;
		}
		rows++;
		if (!*cells[col_node] || !*cells[col_free] || !*cells[col_bytes])
			fail_msg("row %u: cgroup_node0_bytes '%s', node0_free_bytes '%s', cgroup_bytes '%s'", rows,
				 cells[col_node], cells[col_free], cells[col_bytes]);
		last = strtod(cells[col_node], NULL);
	}
	printf("# series: %u rows, every one with cgroup_node0_bytes; last %.1f MiB\n", rows, last / (1 << 20));
	assert_true(rows >= 3);
	assert_true(fabs(last - charged) <= 0.05 * charged);
	free(csv);
	free_records(recs, 1);
	nh_results_free(res);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* (c) A run killed at its timeout: its cgroup goes too. */
static void gone_after_a_timeout(void **state)
{
	char *tmp = nh_tmpdir(), out[600];
	snprintf(out, sizeof out, "%s/r", tmp);
	nh(1, NULL, (const char *[]){"bench", "stream", "size=32M", "ntimes=10000", "threads=1", "--timeout", "2s",
				     "--out", out, "--quiet", NULL});
	json_t *recs[1];
	assert_int_equal(records(out, recs, 1), 1);
	assert_string_equal(str(recs[0], "outcome"), "timeout");
	const char *path = str(recs[0], "run_cgroup.path");
	assert_true(*path);
	assert_false(exists(path));
	free_records(recs, 1);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* The run-<pid>-* cgroups of harness \p pid under the parent. */
static unsigned cgroups_of(pid_t pid)
{
	char prefix[32];
	snprintf(prefix, sizeof prefix, "run-%d-", (int)pid);
	DIR *d = opendir(parent.dir);
	unsigned n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	return n;
}

/* (c) Ctrl-C in the middle of a run: the harness removes the run's cgroup on its way out. */
static void gone_after_ctrl_c(void **state)
{
	char *tmp = nh_tmpdir(), out[600], errpath[700];
	snprintf(out, sizeof out, "%s/r", tmp);
	snprintf(errpath, sizeof errpath, "%s/stderr", tmp);
	char *bench[] = {NH_BIN, "bench", "stream", "size=32M", "ntimes=10000", "threads=1", "--out", out,
			 "--quiet", NULL};
	pid_t pid = nh_proc_start(NH_BIN, NULL, errpath, bench);
	/* until its run's cgroup is there (or 60 s) */
	for (int tries = 0; tries < 600 && cgroups_of(pid) == 0; tries++)
		usleep(100 * 1000);
	assert_int_equal(cgroups_of(pid), 1);
	assert_int_equal(nh_proc_interrupt(pid), 130);
	assert_int_equal(cgroups_of(pid), 0);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* A cgroup left by a harness that was killed (its PID gone, nothing in it, an hour old) is
 * removed when the next harness starts with that parent. */
static void stale_removed_at_start(void **state)
{
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	char path[700];
	snprintf(path, sizeof path, "%s/run-%d-0", parent.dir, (int)gone);
	assert_int_equal(mkdir(path, 0755), 0);
	struct timeval hour_ago[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};
	assert_int_equal(utimes(path, hour_ago), 0);
	char *tmp = nh_tmpdir(), out[600];
	snprintf(out, sizeof out, "%s/r", tmp);
	nh(0, NULL, (const char *[]){"bench", "stream", "size=8M", "ntimes=2", "--out", out, "--quiet", NULL});
	if (exists(path)) {
		rmdir(path);
		fail_msg("%s is still there", path);
	}
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* (d) A parent where no cgroup can be made: the run still runs and says why; a limit asked
 * there is skipped with that reason. The same for off, by flag and by NH_CGROUP_PARENT. */
static void no_cgroup_possible(void **state)
{
	char *tmp = nh_tmpdir(), out[600];
	snprintf(out, sizeof out, "%s/a", tmp);
	nh(0, NULL, (const char *[]){"bench", "stream", "size=8M", "ntimes=2", "--cgroup-parent", "/proc/nonexistent",
				     "--out", out, "--quiet", NULL});
	json_t *recs[1];
	records(out, recs, 1);
	const char *why = "cgroup parent /proc/nonexistent is in no cgroup2 mount and no v1 memory hierarchy";
	assert_string_equal(str(recs[0], "outcome"), "ok");
	assert_string_equal(str(recs[0], "run_cgroup.unavailable"), why);
	/* the layer is then the harness's own cgroup, and the series has no run cgroup columns */
	assert_true(strncmp(str(recs[0], "cgroup.path"), parent.dir, strlen(parent.dir)) != 0);
	json_decref(recs[0]);

	snprintf(out, sizeof out, "%s/b", tmp);
	nh(0, NULL, (const char *[]){"bench", "stream", "size=8M", "ntimes=2", "memory_limit=64M", "--cgroup-parent",
				     "/proc/nonexistent", "--out", out, "--quiet", NULL});
	records(out, recs, 1);
	assert_string_equal(str(recs[0], "outcome"), "skipped");
	char want[512];
	snprintf(want, sizeof want, "memory_limit=64M needs a cgroup of the run's own: %s", why);
	assert_string_equal(str(recs[0], "reason"), want);
	json_decref(recs[0]);

	snprintf(out, sizeof out, "%s/c", tmp);
	char *env[] = {"NH_CGROUP_PARENT=off", NULL};
	nh(0, env, (const char *[]){"bench", "stream", "size=8M", "ntimes=2", "--out", out, "--quiet", NULL});
	records(out, recs, 1);
	assert_string_equal(str(recs[0], "run_cgroup.unavailable"), "per-run cgroups are off (cgroup parent 'off')");
	json_decref(recs[0]);

	/* bad settings: one line, exit 2, nothing written */
	snprintf(out, sizeof out, "%s/d", tmp);
	char *bad_env[] = {"NH_CGROUP_PARENT=relative", NULL};
	char *argv[] = {NH_BIN, "bench", "stream", "--out", out, NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, bad_env, &r), 0);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "numaharness: NH_CGROUP_PARENT: 'relative' is neither an absolute path nor "
				   "'off'\n");
	nh_proc_free(&r);
	char *argv2[] = {NH_BIN, "run", "tests/e2e/cgroup-oom.lua", "--cgroup-parent", "x", "--out", out, NULL};
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv2, NULL, &r), 0);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "numaharness: run: --cgroup-parent: 'x' is neither an absolute path nor 'off'\n");
	nh_proc_free(&r);
	assert_false(exists(out));
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* v1 has no memory.high: a run asking for it is skipped with that reason, never run without. */
static void memory_high_where_there_is_none(void **state)
{
	if (parent.version != 1)
		skip();
	char *tmp = nh_tmpdir(), out[600];
	snprintf(out, sizeof out, "%s/r", tmp);
	nh(0, NULL, (const char *[]){"bench", "stream", "size=8M", "ntimes=2", "memory_high=64M", "--out", out,
				     "--quiet", NULL});
	json_t *recs[1];
	records(out, recs, 1);
	assert_string_equal(str(recs[0], "outcome"), "skipped");
	assert_string_equal(str(recs[0], "reason"), "memory_high: cgroup v1 has no memory.high (a cgroup v2 setting)");
	json_decref(recs[0]);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* A cpuset narrows what the policy and the workload see: the threads ran on its CPU only. */
static void cpuset_narrows_the_cpus(void **state)
{
	if (!parent.cpuset || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("# skipped: %s\n", parent.cpuset ? "one CPU" : parent.cpuset_why);
		skip();
	}
	char *tmp = nh_tmpdir(), out[600];
	snprintf(out, sizeof out, "%s/r", tmp);
	nh(0, NULL, (const char *[]){"bench", "stream", "size=8M", "ntimes=2", "cpuset_cpus=1", "--out", out,
				     "--quiet", NULL});
	json_t *recs[1];
	records(out, recs, 1);
	assert_string_equal(str(recs[0], "outcome"), "ok");
	assert_string_equal(str(recs[0], "run_cgroup.cpus"), "1");
	assert_string_equal(str(recs[0], "policy.applied.cpus"), "1");
	assert_string_equal(str(recs[0], "policy.observed.threads_ran_on"), "1");
	json_decref(recs[0]);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

int main(void)
{
	nh_cgroup_parent_resolve(NULL, &parent);
	if (!parent.available) {
		printf("skipped: no cgroup of a run's own can be made here: %s\n", parent.why);
		return 77;
	}
	printf("# parent %s (cgroup v%d)\n", parent.dir, parent.version);
	unsetenv("NH_CGROUP_PARENT");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(oom_kill_in_its_cgroup),
		cmocka_unit_test(figures_match_the_allocation),
		cmocka_unit_test(gone_after_a_timeout),
		cmocka_unit_test(gone_after_ctrl_c),
		cmocka_unit_test(stale_removed_at_start),
		cmocka_unit_test(no_cgroup_possible),
		cmocka_unit_test(memory_high_where_there_is_none),
		cmocka_unit_test(cpuset_narrows_the_cpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
