/* SPDX-License-Identifier: MIT */
/* Scenario hooks end to end (the scenarios in tests/e2e/hooks/): each hook called with what it documents,
 * in order; before_run skipping a run with its reason; a hook error mid-sweep keeping every
 * record so far with the report, exit 2 and one file:line; setup refusing before anything is
 * written; Ctrl-C inside a hook (130) and a hook over its time budget (2). */
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

#include "proc.h"
#include "results.h"
#include "util.h"

typedef struct sandbox {
	char *dir;
	char out[600];
} sandbox_t;

static void sandbox_init(sandbox_t *b)
{
	b->dir = nh_tmpdir();
	assert_non_null(b->dir);
	snprintf(b->out, sizeof b->out, "%s/r", b->dir);
}

static void sandbox_free(sandbox_t *b)
{
	nh_rm_rf(b->dir);
	free(b->dir);
}

static char *out_file(const sandbox_t *b, const char *name)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", b->out, name);
	return nh_read_file(path, NULL, NULL);
}

static void run_scenario(const sandbox_t *b, const char *scenario, nh_proc_result_t *r)
{
	char *argv[] = {NH_BIN, "run", (char *)scenario, "--out", (char *)b->out, "--quiet", NULL};
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, r), 0);
}

static const char *manifest_status(const sandbox_t *b, json_t **doc)
{
	char *text = out_file(b, "manifest.json");
	assert_non_null(text);
	*doc = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(*doc);
	return json_string_value(json_object_get(*doc, "status"));
}

/* Every hook, in order, with its arguments; the skipped run stored with the hook's reason; what
 * the hooks cost in the manifest. */
static void every_hook_in_order(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/all.lua", &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "setup\ttrue\tstring\t1M\n"
				   "after_run\t0\tok\tstream\t1M\n"
				   "after_run\t1\tok\tstream\t1M\n"
				   "after_config\t0\t2\t1M\n"
				   "after_run\t2\tok\tstream\t2M\n"
				   "after_run\t3\tskipped\tstream\t2M\n"
				   "after_config\t1\t2\t2M\n"
				   "done\t4\t4\t0\t4\n");
	char *runs = out_file(&b, "runs.jsonl");
	assert_non_null(runs);
	assert_int_equal(nh_count_lines(runs), 4);
	assert_non_null(strstr(runs, "\"reason\":\"skipped by before_run: not this one\""));
	free(runs);
	json_t *m;
	assert_string_equal(manifest_status(&b, &m), "complete");
	json_t *hooks = json_object_get(m, "hooks");
	assert_int_equal(json_integer_value(json_object_get(hooks, "calls")), 1 + 4 + 4 + 2 + 1);
	assert_true(json_real_value(json_object_get(hooks, "seconds")) >= 0);
	json_decref(m);
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* A hook failing after the third run: three records kept, the report written, manifest
 * "stopped" with the line, exit 2, and that one line on stderr. */
static void hook_error_keeps_records(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/error.lua", &r);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "numaharness: tests/e2e/hooks/error.lua:5: third run is one too many "
				   "(in after_run)\n");
	char *runs = out_file(&b, "runs.jsonl");
	assert_non_null(runs);
	assert_int_equal(nh_count_lines(runs), 3);
	free(runs);
	char *report = out_file(&b, "report.md");
	assert_non_null(report);
	free(report);
	json_t *m;
	assert_string_equal(manifest_status(&b, &m), "stopped");
	assert_string_equal(json_string_value(json_object_get(m, "stopped_by")),
			    "tests/e2e/hooks/error.lua:5: third run is one too many (in after_run)");
	json_decref(m);
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* setup refusing: exit 2 with its line, and no results directory at all. */
static void setup_refuses_before_anything(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/setup.lua", &r);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "numaharness: tests/e2e/hooks/setup.lua:3: needs "));
	assert_non_null(strstr(r.err, "(in setup)\n"));
	assert_int_equal(nh_count_lines(r.err), 1);
	struct stat st;
	assert_int_not_equal(stat(b.out, &st), 0);
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* A hook that never returns: Ctrl-C stops it (130, manifest "interrupted", the first record
 * kept), and without Ctrl-C the time budget does (2, "stopped: still running after 1 s"). */
static void endless_hook_interrupted_and_budgeted(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	char errpath[700];
	snprintf(errpath, sizeof errpath, "%s/stderr", b.dir);
	char *argv[] = {NH_BIN, "run", "tests/e2e/hooks/endless.lua", "--out", b.out, "--quiet", NULL};
	pid_t pid = nh_proc_start(NH_BIN, NH_SOURCE_DIR, errpath, argv);
	assert_true(pid > 0);
	/* until the hook has started (or 60 s) */
	for (int tries = 0; tries < 600; tries++) {
		char *err = nh_read_file(errpath, NULL, NULL);
		bool in_hook = err && strstr(err, "in after_run\n");
		free(err);
		if (in_hook)
			break;
		usleep(100 * 1000);
	}
	usleep(200 * 1000);
	assert_int_equal(nh_proc_interrupt(pid), 130);
	char *err = nh_read_file(errpath, NULL, NULL);
	assert_non_null(err);
	assert_non_null(strstr(err, "numaharness: tests/e2e/hooks/endless.lua:6: interrupted (in after_run)\n"));
	free(err);
	json_t *m;
	assert_string_equal(manifest_status(&b, &m), "interrupted");
	json_decref(m);
	char *runs = out_file(&b, "runs.jsonl");
	assert_non_null(runs);
	assert_int_equal(nh_count_lines(runs), 1);
	free(runs);
	sandbox_free(&b);

	sandbox_init(&b);
	char *timed[] = {NH_BIN, "run", "tests/e2e/hooks/endless.lua", "--out", b.out, "--quiet",
			 "--lua-time", "1", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, timed, NULL, &r), 0);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "endless.lua:6: stopped: still running after 1 s"));
	assert_non_null(strstr(r.err, "(in after_run)"));
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* nh.check at load time and from hooks: in checks.json as kind "script" with the file:line of
 * the call, pass / fail / not evaluated, value and bounds; the failed one fails the gate. */
static void script_checks(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/check.lua", &r);
	assert_int_equal(r.status, 1);
	char *text = out_file(&b, "checks.json");
	assert_non_null(text);
	json_t *checks = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(checks);
	static const struct {
		const char *name, *status, *source, *detail;
		double value, min, max; /* NAN: null */
	} want[] = {
		{"loaded", "pass", "tests/e2e/hooks/check.lua:2", "at load time", NAN, NAN, NAN},
		{"all ok (1M)", "pass", "tests/e2e/hooks/check.lua:8", "2 of 2", 2, 2, NAN},
		{"impossible", "fail", "tests/e2e/hooks/check.lua:12", "no host is this fast", 1, NAN, 0},
		{"unknowable", "not-evaluated", "tests/e2e/hooks/check.lua:13", "no baseline to compare with",
		 NAN, NAN, NAN},
	};
	size_t n = json_array_size(checks), first = n - 4;
	assert_true(n >= 4);
	for (size_t i = 0; i < 4; i++) {
		json_t *c = json_array_get(checks, first + i);
		assert_string_equal(json_string_value(json_object_get(c, "kind")), "script");
		assert_string_equal(json_string_value(json_object_get(c, "name")), want[i].name);
		assert_string_equal(json_string_value(json_object_get(c, "status")), want[i].status);
		assert_string_equal(json_string_value(json_object_get(c, "source")), want[i].source);
		assert_string_equal(json_string_value(json_object_get(c, "detail")), want[i].detail);
		const char *keys[] = {"value", "min", "max"};
		double vals[] = {want[i].value, want[i].min, want[i].max};
		for (int k = 0; k < 3; k++) {
			json_t *v = json_object_get(c, keys[k]);
			if (isnan(vals[k]))
				assert_true(json_is_null(v));
			else
				assert_true(json_number_value(v) == vals[k]);
		}
		assert_int_equal(json_is_true(json_object_get(c, "fails_gate")), i == 2);
	}
	json_decref(checks);
	assert_non_null(strstr(r.out, "FAIL   impossible"));
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* nh.run from after_config and done: the configuration object (records, ok, outcomes, tag,
 * values, median, cv with a reason for a metric nobody has), and its records in runs.jsonl with
 * origin "script", the tag, the reason and the calling line; past --max-runs, a file:line error. */
static void runs_on_demand(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/run.lua", &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "again\t3\t3\t3\tagain\ttrue\t3\tnil\tcv: no ok run of this "
				   "configuration has metric 'nosuch'\n"
				   "done\t1\t3\tscript\ttests/e2e/hooks/run.lua:11\n"
				   "find\ttrue\t|again\t2\tnil\tagain\tfalse\ttrue\n");
	/* nh.run's tagged configuration in the summary table, beside the planned one */
	assert_non_null(strstr(r.out, "\n1    stream   default [again]              3/3    3/3 ok "));
	char *text = out_file(&b, "runs.jsonl");
	assert_non_null(text);
	assert_int_equal(nh_count_lines(text), 7);
	unsigned tagged = 0, script = 0;
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		json_t *rec = json_loadb(line, strcspn(line, "\n"), 0, NULL);
		assert_non_null(rec);
		const char *origin = json_string_value(json_object_get(rec, "origin"));
		const char *tag = json_string_value(json_object_get(rec, "tag"));
		const char *source = json_string_value(json_object_get(rec, "source"));
		if (origin) {
			assert_string_equal(origin, "script");
			script++;
		}
		if (tag) {
			assert_string_equal(tag, "again");
			assert_string_equal(json_string_value(json_object_get(rec, "run_reason")), "re-measure 1M");
			assert_string_equal(source, "tests/e2e/hooks/run.lua:5");
			tagged++;
		}
		json_decref(rec);
	}
	assert_int_equal(script, 6);
	assert_int_equal(tagged, 3);
	free(text);
	nh_proc_free(&r);
	sandbox_free(&b);

	sandbox_init(&b);
	char *argv[] = {NH_BIN, "run", "tests/e2e/hooks/run_budget.lua", "--out", b.out, "--quiet",
			"--max-runs", "3", NULL};
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "numaharness: tests/e2e/hooks/run_budget.lua:5: 3 runs = 3 reps, over "
				   "the limit of 2; --max-runs N to allow (in done)\n");
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* derive { }: each ok record carries the derived metric with its line ("derived"); a from()
 * returning nil gives an absent value with the reason, never 0; expect can judge it. */
static void derived_metrics(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/derive.lua", &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "derived\ttrue\ttests/e2e/hooks/derive.lua:4\tnil\tfrom returned nil\n"
				   "derived\ttrue\ttests/e2e/hooks/derive.lua:4\tnil\tfrom returned nil\n");
	char *runs = out_file(&b, "runs.jsonl");
	assert_non_null(runs);
	assert_non_null(strstr(runs, "\"nothing_here\":{\"value\":null,\"unit\":\"\",\"better\":\"none\","
				     "\"derived\":\"tests/e2e/hooks/derive.lua:6\",\"absent\":\"from returned nil\"}"));
	free(runs);
	assert_non_null(strstr(r.out, "PASS   triad_per_thread ≥ 1 (stream default)"));
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* budget.time spent: the sweep stops between runs (exit 2, status "stopped", the line), every
 * run so far kept. */
static void budget_time_stops(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/budget_time.lua", &r);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "numaharness: tests/e2e/hooks/budget_time.lua:2: budget: "
				      "budget.time (1 s) spent after "));
	assert_int_equal(nh_count_lines(r.err), 1);
	char *runs = out_file(&b, "runs.jsonl");
	assert_non_null(runs);
	unsigned n = nh_count_lines(runs);
	assert_true(n >= 1 && n < 50);
	free(runs);
	json_t *m;
	assert_string_equal(manifest_status(&b, &m), "stopped");
	json_decref(m);
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* after_config returning "again": one more repetition of the configuration each time, stored
 * with the next rep number and its reason, and the hook called again with it, until it says no. */
static void again_adds_repetitions(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/again.lua", &r);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.err, "after_config\t1M\t2\nafter_config\t1M\t3\nafter_config\t1M\t4\n"
				   "after_config\t2M\t2\nafter_config\t2M\t3\nafter_config\t2M\t4\n");
	/* the summary table counts the repetitions "again" added */
	assert_non_null(strstr(r.out, "\n0    stream   size=1M                      4/4    4/4 ok "));
	assert_non_null(strstr(r.out, "\n1    stream   size=2M                      4/4    4/4 ok "));
	char *text = out_file(&b, "runs.jsonl");
	assert_non_null(text);
	assert_int_equal(nh_count_lines(text), 8);
	assert_non_null(strstr(text, "\"config\":0,\"rep\":3"));
	assert_non_null(strstr(text, "\"config\":1,\"rep\":3"));
	free(text);
	nh_err_t err;
	char dir[700];
	snprintf(dir, sizeof dir, "%s", b.out);
	nh_results_t *res = nh_results_load(dir, &err);
	assert_non_null(res);
	assert_int_equal(nh_results_config_count(res), 2);
	assert_int_equal(nh_results_config(res, 0)->run_count, 4);
	assert_int_equal(nh_results_config(res, 1)->run_count, 4);
	nh_results_free(res);
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* reps = { min, max, cv, metric }: a configuration whose metric is steady stops at min, a noisy
 * one reaches max; the rule, n and cv of each are in the manifest. Derived metrics stand in for
 * the measurements, so both are certain. */
static void convergence_on_dispersion(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/converge.lua", &r);
	assert_int_equal(r.status, 0);
	char *text = out_file(&b, "runs.jsonl");
	assert_non_null(text);
	assert_int_equal(nh_count_lines(text), 3 + 6);
	free(text);
	json_t *m;
	manifest_status(&b, &m);
	json_t *conv = json_object_get(m, "convergence");
	assert_int_equal(json_array_size(conv), 2);
	json_t *steady = json_array_get(conv, 0), *noisy = json_array_get(conv, 1);
	assert_string_equal(json_string_value(json_object_get(steady, "rule")), "cv(steady) <= 0.02 after 3..8 reps");
	assert_int_equal(json_integer_value(json_object_get(steady, "n")), 3);
	assert_true(json_is_true(json_object_get(steady, "converged")));
	assert_string_equal(json_string_value(json_object_get(noisy, "source")), "tests/e2e/hooks/converge.lua:7");
	assert_int_equal(json_integer_value(json_object_get(noisy, "n")), 6);
	assert_true(json_is_false(json_object_get(noisy, "converged")));
	assert_true(json_real_value(json_object_get(noisy, "cv")) > 0.5);
	json_decref(m);
	nh_proc_free(&r);
	sandbox_free(&b);
	(void)state;
}

/* What a hook or derive gives back that the harness cannot take: one line naming where, exit 2. */
static void bad_hook_results(void **state)
{
	static const struct {
		const char *scenario, *line;
	} cases[] = {
		{"tests/e2e/hooks/bad_skip.lua",
		 "numaharness: tests/e2e/hooks/bad_skip.lua:2: before_run hook: returned number: nil runs "
		 "the run; a reason string (or false, reason) skips it\n"},
		{"tests/e2e/hooks/bad_again.lua",
		 "numaharness: tests/e2e/hooks/bad_again.lua:2: after_config hook: returned more: nil goes "
		 "on, \"again\" runs one more repetition\n"},
		{"tests/e2e/hooks/bad_derive.lua",
		 "numaharness: tests/e2e/hooks/bad_derive.lua:2: derive x: from returned a string, expected "
		 "a number or nil\n"},
		{"tests/e2e/hooks/bad_tag.lua",
		 "numaharness: tests/e2e/hooks/bad_tag.lua:3: nh.run: tag must be letters, digits, '.', '_' "
		 "or '-' (at most 63), got x y (in done)\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sandbox_t b;
		sandbox_init(&b);
		nh_proc_result_t r;
		run_scenario(&b, cases[i].scenario, &r);
		assert_int_equal(r.status, 2);
		assert_string_equal(r.err, cases[i].line);
		nh_proc_free(&r);
		sandbox_free(&b);
	}
	(void)state;
}

/* The part of the report.md between "## From the scenario" and the next section. */
static char *scenario_section(const sandbox_t *b)
{
	char *md = out_file(b, "report.md");
	assert_non_null(md);
	char *start = strstr(md, "## From the scenario\n");
	assert_non_null(start);
	char *end = strstr(start + 1, "\n## ");
	assert_non_null(end);
	char *part = strndup(start, (size_t)(end - start));
	free(md);
	return part;
}

/* nh.report from load time, setup and done: kept in scenario-report.json in call order with each
 * call's file:line, shown in the report (Markdown headings under the section's, raw HTML inert,
 * tables by position and by column, a line and a bar chart drawn from the file), and shown the
 * same by `numaharness report DIR` without running Lua. */
static void report_from_scenario(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/report.lua", &r);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);

	char *text = out_file(&b, "scenario-report.json");
	assert_non_null(text);
	json_t *doc = json_loads(text, 0, NULL);
	free(text);
	assert_non_null(doc);
	json_t *items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 5);
	static const char *const want[][2] = {{"section", "tests/e2e/hooks/report.lua:4"},
					      {"table", "tests/e2e/hooks/report.lua:8"},
					      {"table", "tests/e2e/hooks/report.lua:19"},
					      {"chart", "tests/e2e/hooks/report.lua:21"},
					      {"chart", "tests/e2e/hooks/report.lua:23"}};
	for (size_t i = 0; i < 5; i++) {
		json_t *it = json_array_get(items, i);
		assert_string_equal(json_string_value(json_object_get(it, "type")), want[i][0]);
		assert_string_equal(json_string_value(json_object_get(it, "source")), want[i][1]);
	}
	/* the keyed row in column order, the nil cell as null */
	json_t *rows = json_object_get(json_array_get(items, 1), "rows");
	assert_string_equal(json_string_value(json_array_get(json_array_get(rows, 1), 1)), "known");
	assert_true(json_is_null(json_array_get(json_array_get(json_object_get(json_array_get(items, 2), "rows"), 0), 3)));
	json_decref(doc);

	char *first = scenario_section(&b);
	assert_non_null(strstr(first, "### Why this scenario\n\nLoaded *first*.\n\n#### Inside\n"));
	assert_non_null(strstr(first, "<script>alert(1)</script>\n```")); /* shown as code */
	assert_non_null(strstr(first, "| fact | value |\n|---|---|\n| nodes | 1 |\n| kernel | known |\n"));
	assert_non_null(strstr(first, "| size | MB/s | ok | gap |\n|---|--:|---|--:|\n| 1M | "));
	assert_non_null(strstr(first, "Medians of 2 runs. Added by `tests/e2e/hooks/report.lua:19`."));
	assert_non_null(strstr(first, "![Triad by configuration](charts/scenario-lines-1.png)"));
	assert_non_null(strstr(first, "![Bars](charts/scenario-bars-1.png)"));
	char *html = out_file(&b, "report.html");
	assert_non_null(html);
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	free(html);
	/* the bar chart's data: a row per label, "-" where a series has no value */
	char *bars = out_file(&b, "charts/scenario-bars-1.dat");
	assert_non_null(bars);
	assert_non_null(strstr(bars, "\"small\" 1 1 1 3 3 3\n\"large\" 2 1.5 2.5 - - -\n"));
	free(bars);

	/* again from the directory alone */
	char path[700];
	snprintf(path, sizeof path, "%s/report.md", b.out);
	unlink(path);
	snprintf(path, sizeof path, "%s/charts", b.out);
	nh_rm_rf(path);
	char *argv[] = {NH_BIN, "report", b.out, NULL};
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	char *again = scenario_section(&b);
	assert_string_equal(again, first);
	free(again);
	free(first);

	/* a hand-broken file: the report says so and leaves it out; the rest is written */
	snprintf(path, sizeof path, "%s/scenario-report.json", b.out);
	assert_int_equal(nh_write_file_atomic(path, "{\"items\": [", 11, NULL), 0);
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	char *broken = scenario_section(&b);
	assert_non_null(strstr(broken, "`scenario-report.json` cannot be read (line 1: "));
	free(broken);
	sandbox_free(&b);
	(void)state;
}

/* nh.report calls with bad arguments: one line at the script's line, exit 2, and what was added
 * before it kept in the file and the report. */
static void bad_report_calls(void **state)
{
	static const char *const lines[] = {
		"numaharness: tests/e2e/hooks/bad_report.lua:4: nh.report.table: rows[2][1] is a table, "
		"expected a string, number, boolean or nil (in done)\n",
		"numaharness: tests/e2e/hooks/bad_report.lua:5: nh.report.chart: series[1].points[1][2] (y) "
		"is nan, expected a finite number (nil for no value) (in done)\n",
		"numaharness: tests/e2e/hooks/bad_report.lua:6: nh.report.chart: style must be \"lines\" or "
		"\"bars\", got \"pie\" (in done)\n",
		"numaharness: tests/e2e/hooks/bad_report.lua:7: nh.report.section: unknown field markdwon "
		"(in done)\n",
		"numaharness: tests/e2e/hooks/bad_report.lua:8: nh.report.table: rows[1].c is not a column "
		"(in done)\n",
		"numaharness: tests/e2e/hooks/bad_report.lua:9: nh.report.chart: series[1].points[1][1] (x) "
		"is string, expected a number (in done)\n",
		"numaharness: tests/e2e/hooks/bad_report.lua:10: nh.report.table: placement must be "
		"\"top\" or \"results\", got \"bottom\" (in done)\n",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		sandbox_t b;
		sandbox_init(&b);
		char set[32];
		snprintf(set, sizeof set, "case=%zu", i + 1);
		char *argv[] = {NH_BIN, "run", "tests/e2e/hooks/bad_report.lua", "--set", set, "--out",
				b.out, "--quiet", NULL};
		nh_proc_result_t r;
		assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
		assert_int_equal(r.status, 2);
		assert_string_equal(r.err, lines[i]);
		nh_proc_free(&r);
		char *kept = scenario_section(&b);
		assert_non_null(strstr(kept, "### Kept\n\nadded before the error\n"));
		assert_null(strstr(kept, "### t\n"));
		free(kept);
		sandbox_free(&b);
	}
	(void)state;
}

/* The offset of \p text in \p md, failing when it is not there. */
static size_t at_offset(const char *md, const char *text)
{
	const char *p = strstr(md, text);
	if (!p)
		fail_msg("report.md has no \"%s\"", text);
	return (size_t)(p - md);
}

/* placement = "top": the items open the report, right after its title block and before the
 * parameters, host and results, in the order added; the others stay in "From the scenario"
 * after the results. Kept in scenario-report.json ("placement" only where given), shown the same
 * by `numaharness report DIR`; with every item at the top, "From the scenario" is left out. */
static void report_items_at_top(void **state)
{
	sandbox_t b;
	sandbox_init(&b);
	nh_proc_result_t r;
	run_scenario(&b, "tests/e2e/hooks/report_top.lua", &r);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	char *text = out_file(&b, "scenario-report.json");
	assert_non_null(text);
	json_t *doc = json_loads(text, 0, NULL);
	free(text);
	json_t *items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 4);
	static const char *const placements[] = {NULL, "top", "top", "results"};
	for (size_t i = 0; i < 4; i++) {
		json_t *p = json_object_get(json_array_get(items, i), "placement");
		if (placements[i])
			assert_string_equal(json_string_value(p), placements[i]);
		else
			assert_null(p);
	}
	json_decref(doc);

	char *md = out_file(&b, "report.md");
	assert_non_null(md);
	size_t summary = at_offset(md, "## Summary\n\n| node | MB/s |\n|--:|--:|\n| 0 | ");
	size_t chart = at_offset(md, "## Summary chart\n");
	size_t results = at_offset(md, "## Results per workload and policy\n");
	size_t scenario = at_offset(md, "## From the scenario\n");
	assert_true(at_offset(md, "# numaharness report: ") < summary);
	assert_true(summary < chart && chart < at_offset(md, "## Host\n") && chart < results);
	assert_true(results < scenario);
	at_offset(md, "The one-page summary. Added by `tests/e2e/hooks/report_top.lua:9`.");
	at_offset(md, "![Summary chart](charts/scenario-lines-1.png)");
	char *rest = scenario_section(&b);
	assert_non_null(strstr(rest, "### How to read it\n\nRead the *summary* first.\n"));
	assert_non_null(strstr(rest, "### Details\n"));
	assert_null(strstr(rest, "Summary"));
	free(rest);

	/* again from the directory alone: the same document */
	char path[700];
	snprintf(path, sizeof path, "%s/report.md", b.out);
	unlink(path);
	char *argv[] = {NH_BIN, "report", b.out, NULL};
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	char *again = out_file(&b, "report.md");
	assert_string_equal(again, md);
	free(again);
	free(md);
	sandbox_free(&b);

	sandbox_init(&b);
	char *all[] = {NH_BIN, "run", "tests/e2e/hooks/report_top.lua", "--set", "all_top=true",
		       "--out", b.out, "--quiet", NULL};
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, all, NULL, &r), 0);
	assert_int_equal(r.status, 0);
	nh_proc_free(&r);
	md = out_file(&b, "report.md");
	assert_null(strstr(md, "## From the scenario"));
	assert_true(at_offset(md, "## How to read it\n\nRead the *summary* first.\n") <
		    at_offset(md, "## Summary\n"));
	assert_true(at_offset(md, "## Details\n") < at_offset(md, "## Results per workload"));
	free(md);
	sandbox_free(&b);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_hook_in_order),
		cmocka_unit_test(hook_error_keeps_records),
		cmocka_unit_test(setup_refuses_before_anything),
		cmocka_unit_test(endless_hook_interrupted_and_budgeted),
		cmocka_unit_test(script_checks),
		cmocka_unit_test(runs_on_demand),
		cmocka_unit_test(derived_metrics),
		cmocka_unit_test(budget_time_stops),
		cmocka_unit_test(again_adds_repetitions),
		cmocka_unit_test(convergence_on_dispersion),
		cmocka_unit_test(bad_hook_results),
		cmocka_unit_test(report_from_scenario),
		cmocka_unit_test(bad_report_calls),
		cmocka_unit_test(report_items_at_top),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
