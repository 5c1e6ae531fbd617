/* SPDX-License-Identifier: MIT */
/* Unit tests of the scenario's `nh` table beyond nh.log: nh.stats gives what report/stats.h
 * gives for the same arrays (it is the same code), names the function and the fault in its
 * errors and answers nil plus a reason where a statistic is undefined; nh.results reads the
 * fixture directories as the results module does, closes with <close> and refuses a closed
 * handle. Each snippet runs in a plain Lua state with `nh` as a global. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "../e2e/proc.h"
#include "results.h"
#include "script_api.h"
#include "stats.h"

#define COMPARE_DIR NH_TEST_DATA "/compare"

static int setup(void **state)
{
	lua_State *L = luaL_newstate();
	luaL_openlibs(L);
	nh_lua_push_api(L);
	lua_setglobal(L, "nh");
	lua_pushstring(L, COMPARE_DIR);
	lua_setglobal(L, "COMPARE");
	lua_pushstring(L, NH_TEST_DATA "/report");
	lua_setglobal(L, "REPORT");
	*state = L;
	return 0;
}

static int teardown(void **state)
{
	lua_close(*state);
	return 0;
}

/* Run \p code as chunk "t"; NULL when it ran, else its error message (valid until the next
 * call). Its results are left on the stack from index 1. */
static const char *run(lua_State *L, const char *code)
{
	lua_settop(L, 0);
	if (luaL_loadbuffer(L, code, strlen(code), "=t") != LUA_OK ||
	    lua_pcall(L, 0, LUA_MULTRET, 0) != LUA_OK)
		return lua_tostring(L, -1);
	return NULL;
}

static void run_ok(lua_State *L, const char *code)
{
	const char *err = run(L, code);
	if (err)
		fail_msg("%s: %s", code, err);
}

static double number(lua_State *L, const char *code)
{
	run_ok(L, code);
	assert_int_equal(lua_type(L, 1), LUA_TNUMBER);
	return lua_tonumber(L, 1);
}

static void error_is(lua_State *L, const char *code, const char *expected)
{
	const char *err = run(L, code);
	if (!err)
		fail_msg("%s: no error, expected \"%s\"", code, expected);
	assert_string_equal(err, expected);
}

/* The statistic is undefined: nil and the reason. */
static void undefined_is(lua_State *L, const char *code, const char *why)
{
	run_ok(L, code);
	assert_int_equal(lua_gettop(L), 2);
	assert_true(lua_isnil(L, 1));
	assert_string_equal(lua_tostring(L, 2), why);
}

/* ---- nh.stats ---- */

static const double xs[] = {25000, 25300, 24625, 25475, 24825, 31000, 24990};
static const double ys[] = {19820, 20120, 20340, 19640, 20060};
#define XS "{25000, 25300, 24625, 25475, 24825, 31000, 24990}"
#define YS "{19820, 20120, 20340, 19640, 20060}"
#define NX (sizeof xs / sizeof *xs)
#define NY (sizeof ys / sizeof *ys)

static void stats_as_compare_computes(void **state)
{
	lua_State *L = *state;
	assert_true(number(L, "return nh.stats.median" XS) == nh_stats_median(xs, NX));
	assert_true(number(L, "return nh.stats.quantile(" XS ", 0.9)") ==
		    nh_stats_quantile(xs, NX, 0.9));
	assert_true(number(L, "return nh.stats.quantile(" XS ", 0)") == 24625);
	assert_true(number(L, "return nh.stats.mean" XS) == nh_stats_mean(xs, NX));
	assert_true(number(L, "return nh.stats.stdev" XS) == nh_stats_stdev(xs, NX));
	assert_true(number(L, "return nh.stats.cv" XS) == nh_stats_cv(xs, NX));
	assert_true(number(L, "return nh.stats.median{4, 1, 3, 2}") == 2.5);

	nh_summary_t s;
	assert_int_equal(nh_stats_summary(xs, NX, &s, NULL), 0);
	assert_true(number(L, "return nh.stats.summary(" XS ").iqr") == s.iqr);
	assert_true(number(L, "return nh.stats.summary(" XS ").n") == NX);
	run_ok(L, "local s = nh.stats.summary{7}; assert(s.n == 1 and s.median == 7)"
		  " assert(s.stdev == nil and s.cv == nil)");

	nh_mwu_t mw;
	assert_int_equal(nh_stats_mann_whitney(xs, NX, ys, NY, &mw, NULL), 0);
	run_ok(L, "return nh.stats.mann_whitney(" XS ", " YS ")");
	lua_getfield(L, 1, "u");
	assert_true(lua_tonumber(L, -1) == mw.u);
	lua_getfield(L, 1, "p");
	assert_true(lua_tonumber(L, -1) == mw.p);
	lua_getfield(L, 1, "min_p");
	assert_true(lua_tonumber(L, -1) == nh_stats_mann_whitney_min_p(NX, NY));
	run_ok(L, "local m = nh.stats.mann_whitney(" XS ", " YS ")"
		  " assert(m.exact == true and m.ties == false and m.z == nil)"
		  " assert(m.n_x == 7 and m.n_y == 5 and m.u == 35)");
	/* ties: the normal approximation, with its deviate */
	run_ok(L, "local m = nh.stats.mann_whitney({1, 2, 2, 3}, {2, 3, 4, 4})"
		  " assert(m.exact == false and m.ties == true and type(m.z) == 'number')");

	nh_ttest_t t;
	assert_int_equal(nh_stats_welch(xs, NX, ys, NY, &t, NULL), 0);
	assert_true(number(L, "return nh.stats.welch(" XS ", " YS ").t") == t.t);
	assert_true(number(L, "return nh.stats.welch(" XS ", " YS ").p") == t.p);
}

static void bootstrap_as_compare_computes(void **state)
{
	lua_State *L = *state;
	/* compare's defaults: 2000 resamples, level 0.95, its seed */
	nh_boot_t b;
	assert_int_equal(nh_stats_bootstrap_medians(xs, NX, ys, NY, 2000, 0.95,
						    UINT64_C(0x6e756d61), &b, NULL),
			 0);
	run_ok(L, "return nh.stats.bootstrap_change(" XS ", " YS ")");
	static const char *const fields[] = {"diff",  "diff_low",  "diff_high",
					     "change", "change_low", "change_high"};
	const double want[] = {b.diff, b.diff_lo, b.diff_hi, b.change, b.change_lo, b.change_hi};
	for (unsigned i = 0; i < 6; i++) {
		lua_getfield(L, 1, fields[i]);
		assert_true(lua_tonumber(L, -1) == want[i]);
		lua_pop(L, 1);
	}
	run_ok(L, "local b = nh.stats.bootstrap_change(" XS ", " YS ")"
		  " assert(b.level == 0.95 and b.resamples == 2000 and b.seed == 0x6e756d61)");
	/* a baseline median of 0: no relative change, the difference still */
	run_ok(L, "local b = nh.stats.bootstrap_change({0, 0, 0}, {1, 2, 3})"
		  " assert(b.change == nil and b.change_low == nil and b.diff == 2)");

	/* one sample: the interval of its median, from the same resampling */
	const double zero = 0;
	assert_int_equal(nh_stats_bootstrap_medians(&zero, 1, xs, NX, 500, 0.9, 7, &b, NULL), 0);
	run_ok(L, "return nh.stats.bootstrap_ci(" XS ", {level = 0.9, resamples = 500, seed = 7})");
	lua_getfield(L, 1, "low");
	assert_true(lua_tonumber(L, -1) == b.diff_lo);
	lua_getfield(L, 1, "high");
	assert_true(lua_tonumber(L, -1) == b.diff_hi);
	lua_getfield(L, 1, "median");
	assert_true(lua_tonumber(L, -1) == nh_stats_median(xs, NX));
	run_ok(L, "local b = nh.stats.bootstrap_ci" XS
		  " assert(b.low <= b.median and b.median <= b.high)"
		  " local again = nh.stats.bootstrap_ci" XS
		  " assert(again.low == b.low and again.high == b.high)" /* fixed seed */
		  " local c = nh.stats.bootstrap_ci{5, 5, 5}"
		  " assert(c.low == 5 and c.high == 5)");
}

static void stats_errors_name_function_and_fault(void **state)
{
	lua_State *L = *state;
	error_is(L, "nh.stats.median{1, 2, 'x'}",
		 "t:1: nh.stats.median: element 3 is a string, expected a number");
	error_is(L, "nh.stats.median{}",
		 "t:1: nh.stats.median: argument is an empty array, expected at least one number");
	error_is(L, "nh.stats.mean()",
		 "t:1: nh.stats.mean: argument is nil, expected an array of numbers");
	error_is(L, "nh.stats.stdev(3)",
		 "t:1: nh.stats.stdev: argument is a number, expected an array of numbers");
	error_is(L, "nh.stats.cv{1, nil, 3}",
		 "t:1: nh.stats.cv: element 2 is nil, expected a number");
	error_is(L, "nh.stats.median{1, 0/0}",
		 "t:1: nh.stats.median: element 2 is nan, expected a finite number");
	error_is(L, "nh.stats.median{1, -math.huge}",
		 "t:1: nh.stats.median: element 2 is -inf, expected a finite number");
	error_is(L, "nh.stats.median{'1'}",
		 "t:1: nh.stats.median: element 1 is a string, expected a number");
	error_is(L, "nh.stats.quantile({1, 2}, 1.5)",
		 "t:1: nh.stats.quantile: q is 1.5, expected a number from 0 to 1");
	error_is(L, "nh.stats.quantile({1, 2})",
		 "t:1: nh.stats.quantile: q is nil, expected a number from 0 to 1");
	error_is(L, "nh.stats.mann_whitney({1}, {})",
		 "t:1: nh.stats.mann_whitney: argument 2 is an empty array, expected at least one "
		 "number");
	error_is(L, "nh.stats.mann_whitney({1, true}, {2})",
		 "t:1: nh.stats.mann_whitney: argument 1, element 2 is a boolean, expected a number");
	error_is(L, "nh.stats.welch({1, 2}, 'x')",
		 "t:1: nh.stats.welch: argument 2 is a string, expected an array of numbers");
	error_is(L, "nh.stats.bootstrap_ci({1, 2}, {levle = 0.9})",
		 "t:1: nh.stats.bootstrap_ci: unknown option 'levle' (level, resamples, seed)");
	error_is(L, "nh.stats.bootstrap_ci({1, 2}, {level = 1})",
		 "t:1: nh.stats.bootstrap_ci: level must be a number between 0 and 1 (e.g. 0.95)");
	error_is(L, "nh.stats.bootstrap_ci({1, 2}, {resamples = 1})",
		 "t:1: nh.stats.bootstrap_ci: resamples must be an integer from 2 to 100000");
	error_is(L, "nh.stats.bootstrap_ci({1, 2}, {resamples = 2.5})",
		 "t:1: nh.stats.bootstrap_ci: resamples must be an integer from 2 to 100000");
	error_is(L, "nh.stats.bootstrap_change({1}, {2}, {seed = -1})",
		 "t:1: nh.stats.bootstrap_change: seed must be a non-negative integer");
	error_is(L, "nh.stats.bootstrap_ci({1, 2}, 0.9)",
		 "t:1: nh.stats.bootstrap_ci: options are a number, expected a table {level=, "
		 "resamples=, seed=}");
	error_is(L, "nh.stats.bootstrap_ci({1, 2}, {0.9})",
		 "t:1: nh.stats.bootstrap_ci: an option's name is a number, expected a string "
		 "(level, resamples, seed)");
}

static void undefined_statistics_are_nil_with_a_reason(void **state)
{
	lua_State *L = *state;
	undefined_is(L, "return nh.stats.stdev{5}",
		     "nh.stats.stdev: undefined for 1 value (the sample stdev needs 2)");
	undefined_is(L, "return nh.stats.cv{5}",
		     "nh.stats.cv: undefined for 1 value (the sample stdev needs 2)");
	undefined_is(L, "return nh.stats.cv{-1, 1}", "nh.stats.cv: undefined, the mean is 0");
	undefined_is(L, "return nh.stats.welch({1}, {2, 3})",
		     "nh.stats.welch: undefined, each side needs 2 values (got 1 and 2)");
	/* a stdev of 0 is defined: equal values */
	assert_true(number(L, "return nh.stats.stdev{3, 3, 3}") == 0);
}

/* ---- nh.results ---- */

/* The values the results module itself gives for configuration \p index of \p dir. */
static unsigned c_values(const char *dir, unsigned index, const char *metric, double *out,
			 unsigned max)
{
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	assert_non_null(r);
	const char *unit;
	int better;
	unsigned n = nh_results_values(r, nh_results_config(r, index), metric, out, max, &unit,
				       &better);
	nh_results_free(r);
	return n;
}

static void results_reads_a_directory(void **state)
{
	lua_State *L = *state;
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		  " local cs = h:configs()"
		  " assert(#cs == 5, #cs)"
		  " local c = cs[1]"
		  " assert(c.key == 'stream|size=256M ntimes=10 threads=2 nt=0 kernel=auto "
		  "counters=default interval=100ms thp=inherit prefault=0 mlock=0|membind=0|glibc',"
		  " c.key)"
		  " assert(c.workload == 'stream' and c.policy == 'membind=0')"
		  " assert(c.allocator == 'glibc' and c.runs == 5 and c.ok == 5)"
		  " assert(c.params.threads == '2' and c.params.size == '256M')"
		  " assert(c.params.allocator == nil)" /* its own field */
		  " assert(c.metrics[1] == 'first_touch_s' and #c.metrics == 7, #c.metrics)"
		  " assert(cs[5].allocator == 'jemalloc')"
		  " assert(cs[3].workload == 'chase')");

	double want[16];
	unsigned n = c_values(COMPARE_DIR "/baseline", 0, "triad", want, 16);
	assert_int_equal(n, 5); /* the warm-up is not counted */
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		  " local v, unit = h:values(1, 'triad')"
		  " assert(unit == 'MB/s', unit)"
		  " local same = h:values(h:configs()[1].key, 'triad')"
		  " assert(#same == #v)"
		  " return v, h:median(1, 'triad')");
	assert_int_equal(lua_rawlen(L, 1), n);
	for (unsigned i = 0; i < n; i++) {
		lua_rawgeti(L, 1, i + 1);
		assert_true(lua_tonumber(L, -1) == want[i]);
		lua_pop(L, 1);
	}
	assert_true(lua_tonumber(L, 2) == nh_stats_median(want, n));

	/* a failed run is counted but has no value */
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/candidate')"
		  " local k = h:find{workload = 'stream', policy = 'membind=0', params = {threads ="
		  " 1}}"
		  " local c"
		  " for _, x in ipairs(h:configs()) do if x.key == k then c = x end end"
		  " assert(c.runs == 3 and c.ok == 2)"
		  " assert(#h:values(k, 'triad') == 2)"
		  " local none, why = h:median(k, 'ns_per_load')"
		  " assert(none == nil and why:find('has a value of ns_per_load', 1, true), why)"
		  " assert(#h:values(k, 'ns_per_load') == 0)");

	/* nh.stats over a baseline: the two parts together */
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		  " assert(nh.stats.median(h:values(1, 'triad')) == h:median(1, 'triad'))");

	run_ok(L, "local h <close> = nh.results(REPORT .. '/stream')"
		  " assert(#h:configs() >= 1) assert(h:warning() == nil)"
		  " assert(h:dir() == REPORT .. '/stream')");
}

static void results_find_and_manifest(void **state)
{
	lua_State *L = *state;
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		  " local k = h:find{workload = 'stream', policy = 'membind=0',"
		  "                  params = {threads = 2}, allocator = 'jemalloc'}"
		  " assert(k == h:configs()[5].key, k)"
		  " assert(h:find{workload = 'chase'} == h:configs()[3].key)"
		  " assert(h:find{params = {threads = '1'}} == h:configs()[4].key)"
		  " local none, why = h:find{workload = 'stream', policy = 'membind=1'}"
		  " assert(none == nil and why == 'nh.results: find: no configuration of ' .."
		  " COMPARE .. '/baseline matches', why)"
		  " assert(h:find{params = {threads = 2, nope = 'x'}} == nil)");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		    " h:find{workload = 'chase', polciy = 'x'}",
		 "t:1: nh.results: find: unknown field 'polciy' (workload, policy, params, "
		 "allocator, tag)");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		    " h:find{workload = 'chase', tag = true}",
		 "t:1: nh.results: find: tag is a boolean, expected a string (or false: untagged)");
	/* no configuration of the fixture is tagged: tag = false changes nothing, a tag finds none */
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		  " assert(h:find{workload = 'chase', tag = false} == h:find{workload = 'chase'})"
		  " assert(h:find{workload = 'chase', tag = 'x'} == nil)");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		    " h:find{workload = 'chase', params = {threads = {}}}",
		 "t:1: nh.results: find: threads is a table, expected a string or number");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		    " h:find{policy = 'interleave=all', params = 2}",
		 "t:1: nh.results: find: params is a number, expected a table");
	const char *err = run(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
				 " h:find{workload = 'stream', policy = 'membind=0'}");
	assert_non_null(err);
	assert_non_null(strstr(err, "t:1: nh.results: find: 3 configurations match, give more "
				    "fields to pick one (stream|"));

	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		  " local m = h:manifest()"
		  " assert(m.scenario == 'baseline' and m.status == 'complete')"
		  " assert(m.tool_version == '0.1.0' and m.nodes == 1 and m.planned_runs == 26)"
		  " assert(m.outcomes.ok == 26 and m.outcomes.failed == 0)"
		  " assert(math.type(m.planned_runs) == 'integer')"
		  " assert(m.kernel == '6.1.0-26-amd64')"
		  " assert(h:warning() == nil)");

	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline') h:values(6, 'triad')",
		 "t:1: nh.results: configuration 6 is not an index from 1 to 5");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline') h:values('x', 'triad')",
		 "t:1: nh.results: no configuration 'x' in " COMPARE_DIR "/baseline");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline') h:values(1)",
		 "t:1: nh.results: the metric is nil, expected its name (e.g. \"triad\")");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline') h:values({}, 'x')",
		 "t:1: nh.results: the configuration is a table, expected its key or index");
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline') h.configs()",
		 "t:1: nh.results: configs needs the handle, call it as h:configs(...)");
}

/* A directory the loader refuses: its own message, after "nh.results: ". */
static void load_error_is_the_loaders(lua_State *L, const char *dir)
{
	nh_err_t err;
	assert_null(nh_results_load(dir, &err));
	char code[512], want[1024];
	snprintf(code, sizeof code, "nh.results('%s')", dir);
	snprintf(want, sizeof want, "t:1: nh.results: %s", err.msg);
	error_is(L, code, want);
}

static void results_load_errors(void **state)
{
	lua_State *L = *state;
	load_error_is_the_loaders(L, COMPARE_DIR "/not-results");
	load_error_is_the_loaders(L, COMPARE_DIR "/bad-json");
	load_error_is_the_loaders(L, COMPARE_DIR "/no-workload");
	load_error_is_the_loaders(L, COMPARE_DIR "/no-such-directory");
	error_is(L, "nh.results()", "t:1: nh.results: the directory is nil, expected a path");
}

static void results_close(void **state)
{
	lua_State *L = *state;
	/* <close> closes at the end of the scope; the handle kept past it refuses use */
	run_ok(L, "do local h <close> = nh.results(COMPARE .. '/baseline') KEPT = h"
		  " assert(tostring(h) == 'nh.results(' .. COMPARE .. '/baseline)') end"
		  " assert(tostring(KEPT) == 'nh.results(closed)')");
	error_is(L, "KEPT:configs()", "t:1: nh.results: handle is closed");
	error_is(L, "KEPT:values(1, 'triad')", "t:1: nh.results: handle is closed");
	error_is(L, "KEPT:manifest()", "t:1: nh.results: handle is closed");
	/* close by hand, twice, and inside a <close> scope: closing is never an error */
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline') h:close() h:close()");
	error_is(L, "local h = nh.results(COMPARE .. '/baseline') h:close() h:warning()",
		 "t:1: nh.results: handle is closed");
	/* an error inside the scope still closes it */
	error_is(L, "local h <close> = nh.results(COMPARE .. '/baseline') KEPT = h error('x')",
		 "t:1: x");
	error_is(L, "KEPT:dir()", "t:1: nh.results: handle is closed");
	/* the metatable is the harness's: hidden, and __gc cannot be taken away */
	run_ok(L, "local h <close> = nh.results(COMPARE .. '/baseline')"
		  " assert(getmetatable(h) == 'nh.results')"
		  " assert(not pcall(setmetatable, h, {}))");
	/* garbage collection frees an unclosed handle (the sanitizer build sees a leak) */
	run_ok(L, "nh.results(COMPARE .. '/baseline') KEPT = nil collectgarbage()");
}

/* A torn last record loads with the warning, which h:warning() gives. */
static void results_torn_warning(void **state)
{
	lua_State *L = *state;
	char *dir = nh_tmpdir();
	char path[512];
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	size_t len;
	char *runs = nh_read_file(COMPARE_DIR "/baseline/runs.jsonl", &len, NULL);
	assert_non_null(runs);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fwrite(runs, 1, len, f);
	fputs("{\"run\": 26, \"workl", f);
	fclose(f);
	free(runs);
	lua_pushstring(L, dir);
	lua_setglobal(L, "TORN");
	run_ok(L, "local h <close> = nh.results(TORN)"
		  " local w = h:warning()"
		  " assert(w and w:find('torn last record', 1, true), w)"
		  " assert(#h:configs() == 5)"
		  " local m, why = h:manifest()"
		  " assert(m == nil and why == 'nh.results: ' .. TORN .. ' has no manifest.json', why)");
	nh_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(stats_as_compare_computes, setup, teardown),
		cmocka_unit_test_setup_teardown(bootstrap_as_compare_computes, setup, teardown),
		cmocka_unit_test_setup_teardown(stats_errors_name_function_and_fault, setup,
						teardown),
		cmocka_unit_test_setup_teardown(undefined_statistics_are_nil_with_a_reason, setup,
						teardown),
		cmocka_unit_test_setup_teardown(results_reads_a_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(results_find_and_manifest, setup, teardown),
		cmocka_unit_test_setup_teardown(results_load_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(results_close, setup, teardown),
		cmocka_unit_test_setup_teardown(results_torn_warning, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
