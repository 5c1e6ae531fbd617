/* Unit tests of the sweep engine (harness/run/sweep.c) driven with the real worker and with stand-ins
 * that crash, hang and fail: every run becomes a stored record with its outcome, in plan order;
 * the callbacks see each run and each finished configuration; a cancel stops between runs. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../e2e/proc.h"
#include "results.h"
#include "sweep.h"

typedef struct seen {
	unsigned starts, records, configs;
	unsigned start_index[16];
	unsigned config_id[8], config_n[8];
	bool cancel_after_first;
	int skip_run;	       /* before_run skips this run index (-1: none) */
	int stop_after_record; /* after_run stops the sweep after this many records (0: never) */
	bool stop_after_config;
} seen_t;

static int on_start(void *ctx, const nh_run_spec_t *spec, unsigned i, unsigned total, char *skip,
		    size_t skip_len, nh_err_t *err)
{
	seen_t *s = ctx;
	assert_int_equal(spec->index, i);
	assert_true(i < total);
	s->start_index[s->starts++ % 16] = i;
	if (s->skip_run >= 0 && (unsigned)s->skip_run == i) {
		snprintf(skip, skip_len, "skipped by the test");
		return 1;
	}
	(void)err;
	return 0;
}

static int on_record(void *ctx, const nh_record_t *rec, unsigned total, nh_err_t *err)
{
	seen_t *s = ctx;
	assert_int_equal(rec->spec.index, s->records);
	s->records++;
	if (s->cancel_after_first)
		nh_run_cancel();
	(void)total;
	if (s->stop_after_record && s->records == (unsigned)s->stop_after_record) {
		errno = EINVAL;
		return nh_err_set(err, "x.lua:7: enough (in after_run)");
	}
	return 0;
}

static int on_config(void *ctx, unsigned config, const nh_record_t *const *recs, unsigned n,
		     nh_err_t *err)
{
	seen_t *s = ctx;
	for (unsigned k = 0; k < n; k++)
		assert_int_equal(recs[k]->spec.config, config);
	s->config_id[s->configs % 8] = config;
	s->config_n[s->configs % 8] = n;
	s->configs++;
	if (s->stop_after_config) {
		errno = EINVAL;
		return nh_err_set(err, "x.lua:9: seen one (in after_config)");
	}
	return 0;
}

typedef struct fixture {
	nh_topo_t *topo;
	nh_plan_t *plan;
	nh_store_t *store;
	nh_record_t *recs;
	char *root, out[64];
} fixture_t;

/* A plan of STREAM over \p sizes (one configuration each) × \p reps, a store in a temp dir. */
static void setup(fixture_t *f, const char *const *sizes, unsigned nsizes, unsigned reps, double timeout)
{
	nh_err_t err;
	memset(f, 0, sizeof *f);
	f->topo = nh_topo_load_system(&err);
	assert_non_null(f->topo);
	f->plan = nh_plan_new(f->topo);
	nh_plan_group_t g = {.workload = "stream", .reps = reps, .timeout_s = timeout, .source = "test",
			     .param_count = 2};
	g.params[0].name = "size";
	g.params[0].value_count = nsizes;
	for (unsigned i = 0; i < nsizes; i++)
		g.params[0].values[i] = sizes[i];
	g.params[1].name = "ntimes";
	g.params[1].value_count = 1;
	g.params[1].values[0] = "2";
	if (nh_plan_add_group(f->plan, &g, &err) < 0)
		fail_msg("%s", err.msg);
	f->root = nh_tmpdir();
	assert_non_null(f->root);
	snprintf(f->out, sizeof f->out, "%s/r", f->root);
	nh_manifest_info_t mi = {.scenario_name = "sweep-test", .planned_runs = nh_plan_count(f->plan)};
	f->store = nh_record_store_create(f->out, NULL, f->topo, NULL, &mi, &err);
	assert_non_null(f->store);
	f->recs = calloc(nh_plan_count(f->plan), sizeof *f->recs);
	assert_non_null(f->recs);
}

static void teardown(fixture_t *f)
{
	nh_store_free(f->store);
	free(f->recs);
	nh_plan_free(f->plan);
	nh_topo_free(f->topo);
	nh_rm_rf(f->root);
	free(f->root);
}

static int sweep(fixture_t *f, const char *worker, seen_t *seen, nh_sweep_summary_t *sum, nh_err_t *err)
{
	nh_runner_opts_t ro = {.worker_path = worker, .topo = f->topo, .placement_threshold = 0.99,
			       .oom_score_adj = 1000, .results_dir = f->out};
	nh_sweep_callbacks_t cb = {.ctx = seen, .before_run = on_start, .after_run = on_record,
				   .after_config = on_config};
	return nh_sweep_run(f->plan, &ro, f->store, &cb, f->recs, sum, err);
}

static unsigned stored(const fixture_t *f)
{
	nh_err_t err;
	nh_results_t *r = nh_results_load(f->out, &err);
	assert_non_null(r);
	unsigned n = nh_results_count(r);
	nh_results_free(r);
	return n;
}

/* The real worker: two configurations of two runs, all ok, stored in order; the callbacks see
 * four starts, four records and two finished configurations of two records each. */
static void real_worker_in_order(void **state)
{
	static const char *const sizes[] = {"1M", "2M"};
	fixture_t f;
	setup(&f, sizes, 2, 2, 60);
	seen_t seen = {.skip_run = -1};
	nh_sweep_summary_t sum;
	nh_err_t err;
	assert_int_equal(sweep(&f, NH_WORKER, &seen, &sum, &err), 0);
	assert_int_equal(sum.planned, 4);
	assert_int_equal(sum.done, 4);
	assert_int_equal(sum.went_wrong, 0);
	assert_false(sum.interrupted);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(f.recs[i].outcome, NH_OUTCOME_OK);
		assert_int_equal(seen.start_index[i], i);
	}
	assert_int_equal(seen.records, 4);
	assert_int_equal(seen.configs, 2);
	assert_int_equal(seen.config_id[0], 0);
	assert_int_equal(seen.config_n[0], 2);
	assert_int_equal(seen.config_id[1], 1);
	assert_int_equal(seen.config_n[1], 2);
	assert_int_equal(stored(&f), 4);
	teardown(&f);
	(void)state;
}

/* Stand-ins that crash, fail and hang: each run is a stored record with that outcome and the
 * sweep goes on to the next; the engine itself succeeds. */
static void outcome_of(const char *stand_in, double timeout, enum nh_outcome want, const char *reason)
{
	static const char *const sizes[] = {"1M"};
	fixture_t f;
	setup(&f, sizes, 1, 2, timeout);
	char worker[PATH_MAX];
	snprintf(worker, sizeof worker, "%s/tests/e2e/%s", NH_SOURCE_DIR, stand_in);
	seen_t seen = {.skip_run = -1};
	nh_sweep_summary_t sum;
	nh_err_t err;
	assert_int_equal(sweep(&f, worker, &seen, &sum, &err), 0);
	assert_int_equal(sum.done, 2);
	assert_int_equal(sum.went_wrong, 2);
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(f.recs[i].outcome, want);
		if (!strstr(f.recs[i].reason, reason))
			fail_msg("reason '%s' lacks '%s'", f.recs[i].reason, reason);
	}
	assert_int_equal(seen.configs, 1);
	assert_int_equal(stored(&f), 2);
	teardown(&f);
}

static void crash_fail_hang_are_outcomes(void **state)
{
	outcome_of("fake-worker-crash.sh", 60, NH_OUTCOME_CRASHED, "Segmentation fault");
	outcome_of("fake-worker-fail.sh", 60, NH_OUTCOME_FAILED, "disk on fire");
	/* A stderr line longer than the reason keeps is cut visibly; the exit status stays. */
	outcome_of("fake-worker-fail-long.sh", 60, NH_OUTCOME_FAILED, "nh-worker: 000");
	outcome_of("fake-worker-fail-long.sh", 60, NH_OUTCOME_FAILED, "000... (exit status 1)");
	outcome_of("fake-worker-hang.sh", 1, NH_OUTCOME_TIMEOUT, "");
	(void)state;
}

/* A worker that cannot be started is an outcome too (failed, saying why), not an engine error. */
static void missing_worker(void **state)
{
	static const char *const sizes[] = {"1M"};
	fixture_t f;
	setup(&f, sizes, 1, 1, 60);
	seen_t seen = {.skip_run = -1};
	nh_sweep_summary_t sum;
	nh_err_t err;
	int rc = sweep(&f, "/nonexistent/nh-worker", &seen, &sum, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(sum.done, 1);
	assert_int_not_equal(f.recs[0].outcome, NH_OUTCOME_OK);
	assert_non_null(strstr(f.recs[0].reason, "/nonexistent/nh-worker"));
	teardown(&f);
	(void)state;
}

/* A cancel (what Ctrl-C does) after the first record: the sweep stops there, interrupted, with
 * that one record stored. Cancelling is for good in a process: this runs in a child. */
static void cancel_stops_between_runs(void **state)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static const char *const sizes[] = {"1M"};
		fixture_t f;
		setup(&f, sizes, 1, 3, 60);
		seen_t seen = {.skip_run = -1, .cancel_after_first = true};
		nh_sweep_summary_t sum;
		nh_err_t err;
		bool ok = sweep(&f, NH_WORKER, &seen, &sum, &err) == 0 && sum.interrupted && sum.done == 1 &&
			  seen.starts == 1 && stored(&f) == 1;
		teardown(&f);
		_exit(ok ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	(void)state;
}

/* before_run skipping a run: it is stored as skipped with the reason, and the sweep goes on. */
static void callback_skips_a_run(void **state)
{
	static const char *const sizes[] = {"1M"};
	fixture_t f;
	setup(&f, sizes, 1, 3, 60);
	seen_t seen = {.skip_run = 1};
	nh_sweep_summary_t sum;
	nh_err_t err;
	assert_int_equal(sweep(&f, NH_WORKER, &seen, &sum, &err), 0);
	assert_int_equal(sum.done, 3);
	assert_int_equal(f.recs[0].outcome, NH_OUTCOME_OK);
	assert_int_equal(f.recs[1].outcome, NH_OUTCOME_SKIPPED);
	assert_string_equal(f.recs[1].reason, "skipped by the test");
	assert_int_equal(f.recs[2].outcome, NH_OUTCOME_OK);
	assert_int_equal(stored(&f), 3);
	assert_int_equal(sum.went_wrong, 0);
	teardown(&f);
	(void)state;
}

/* A callback failing stops the sweep at once with its message: the records so far are stored
 * (after_run's own record included), nothing after. */
static void callback_error_stops(void **state)
{
	static const char *const sizes[] = {"1M", "2M"};
	fixture_t f;
	setup(&f, sizes, 2, 2, 60);
	seen_t seen = {.skip_run = -1, .stop_after_record = 3};
	nh_sweep_summary_t sum;
	nh_err_t err;
	assert_int_equal(sweep(&f, NH_WORKER, &seen, &sum, &err), -1);
	assert_true(sum.stopped);
	assert_false(sum.interrupted);
	assert_string_equal(err.msg, "x.lua:7: enough (in after_run)");
	assert_int_equal(sum.done, 3);
	assert_int_equal(stored(&f), 3);
	teardown(&f);

	setup(&f, sizes, 2, 2, 60);
	seen = (seen_t){.skip_run = -1, .stop_after_config = true};
	assert_int_equal(sweep(&f, NH_WORKER, &seen, &sum, &err), -1);
	assert_string_equal(err.msg, "x.lua:9: seen one (in after_config)");
	assert_int_equal(sum.done, 2);
	assert_int_equal(seen.configs, 1);
	assert_int_equal(stored(&f), 2);
	teardown(&f);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_worker_in_order),
		cmocka_unit_test(crash_fail_hang_are_outcomes),
		cmocka_unit_test(missing_worker),
		cmocka_unit_test(cancel_stops_between_runs),
		cmocka_unit_test(callback_skips_a_run),
		cmocka_unit_test(callback_error_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
