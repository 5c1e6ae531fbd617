/* SPDX-License-Identifier: MIT */
/* Unit tests of lua/nh/search.lua (knee, bisect, until_stable) with synthetic measure functions,
 * in a plain Lua state; and nh.search as a scenario sees it, through nh_script_load_plan. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "plan.h"
#include "script.h"
#include "topo.h"

/* A plain state with the module as the global `search`, and the helpers the snippets share:
 * an LCG with a fixed seed (the same noise on every run) and counting wrappers. */
static int setup(void **state)
{
	lua_State *L = luaL_newstate();
	assert_non_null(L);
	luaL_openlibs(L);
	if (luaL_dofile(L, NH_SEARCH_LUA) != LUA_OK)
		fail_msg("%s: %s", NH_SEARCH_LUA, lua_tostring(L, -1));
	lua_setglobal(L, "search");
	static const char helpers[] =
		"function lcg(seed)\n"
		"  local s = seed\n"
		"  return function() s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 end\n"
		"end\n"
		"function counted(f)\n"
		"  local t = { calls = 0 }\n"
		"  t.f = function(...) t.calls = t.calls + 1; return f(...) end\n"
		"  return t\n"
		"end\n"
		"function range(a, b) local t = {}; for i = a, b do t[#t + 1] = i end; return t end\n";
	if (luaL_dostring(L, helpers) != LUA_OK)
		fail_msg("helpers: %s", lua_tostring(L, -1));
	*state = L;
	return 0;
}

static int teardown(void **state)
{
	lua_close(*state);
	return 0;
}

/* Run a snippet (chunk name "t", so its errors read "t:LINE: ..."); a Lua error fails the test. */
static void lua_ok(lua_State *L, const char *code)
{
	if (luaL_loadbuffer(L, code, strlen(code), "=t") != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK)
		fail_msg("%s", lua_tostring(L, -1));
}

/* A saturating curve (linear up to 6, flat after): the knee at 6 with far fewer calls than the
 * sweep of every point (16 points x 3 reps). */
static void knee_saturating(void **state)
{
	lua_ok(*state, "local m = counted(function(x) return 100 * math.min(x, 6) end)\n"
		       "local r = search.knee{ xs = range(1, 16), measure = m.f, fraction = 0.95, reps = 3 }\n"
		       "assert(r.x == 6 and r.value == 600, r.x)\n"
		       "assert(r.max == 600 and r.max_x == 6)\n"
		       "assert(r.method == 'bisect', r.note)\n"
		       "assert(r.runs == m.calls and r.runs == 3 * #r.measured, r.runs)\n"
		       "assert(r.runs < 16 * 3 / 2, 'runs ' .. r.runs)\n"
		       "assert(r.note:find('bisection: 5 of 16 points measured', 1, true), r.note)\n"
		       "for i = 2, #r.measured do assert(r.measured[i].x > r.measured[i - 1].x) end\n"
		       "assert(#r.measured[1].values == 3 and r.measured[1].median)\n"
		       /* the sweep of every point agrees */
		       "local best = 0; for x = 1, 16 do best = math.max(best, 100 * math.min(x, 6)) end\n"
		       "for x = 1, 16 do if 100 * math.min(x, 6) >= 0.95 * best then assert(x == 6); break end end\n"
		       /* one point, and a curve whose first point is already at the top */
		       "r = search.knee{ xs = { 4 }, measure = function() return 7 end }\n"
		       "assert(r.x == 4 and r.runs == 1 and r.method == 'bisect')\n"
		       "r = search.knee{ xs = range(1, 9), measure = function() return 5 end }\n"
		       "assert(r.x == 1 and r.method == 'bisect' and r.runs == 5, r.runs)\n");
}

/* Noise (+-0.4 % per call, fixed seed, median of 3): x=9 is at 90 % of the plateau, so it counts
 * as the knee (fraction 0.95) only with a tolerance that covers the gap: 0.07, not 0.02. */
static void knee_noise_and_tolerance(void **state)
{
	lua_ok(*state, "local function curve(seed)\n"
		       "  local rnd = lcg(seed)\n"
		       "  return function(x) return 1000 * math.min(x, 10) / 10 * (1 + (rnd() * 2 - 1) * 0.004) end\n"
		       "end\n"
		       "local r = search.knee{ xs = range(1, 12), measure = curve(42), reps = 3, tolerance = 0.02 }\n"
		       "assert(r.x == 10 and r.method == 'bisect', r.x .. ' ' .. r.note)\n"
		       "assert(r.value >= 0.95 * r.max * 0.98 and r.threshold == 0.95 * r.max)\n"
		       "for _, p in ipairs(r.measured) do\n"
		       "  if p.x < 10 then assert(p.median < 0.95 * r.max * 0.98) end\n"
		       "end\n"
		       "r = search.knee{ xs = range(1, 12), measure = curve(42), reps = 3, tolerance = 0.07 }\n"
		       "assert(r.x == 9 and r.method == 'bisect', r.x .. ' ' .. r.note)\n"
		       "assert(r.value < 0.95 * r.max and r.value >= 0.95 * r.max * 0.93)\n"
		       /* the plateau's noise is within the tolerance: no fallback over several seeds */
		       "for seed = 1, 20 do\n"
		       "  r = search.knee{ xs = range(1, 12), measure = curve(seed), reps = 3, tolerance = 0.02 }\n"
		       "  assert(r.x == 10 and r.method == 'bisect', seed .. ': ' .. r.note)\n"
		       "end\n");
}

/* A curve that peaks and falls: the bisection sees x=3 above x=6, measures every point, finds
 * the knee against the true maximum, and says why. */
static void knee_non_monotone(void **state)
{
	lua_ok(*state, "local v = { 100, 300, 900, 1000, 700, 400 }\n"
		       "local m = counted(function(x) return v[x] end)\n"
		       "local r = search.knee{ xs = range(1, 6), measure = m.f, reps = 2, tolerance = 0.02 }\n"
		       "assert(r.method == 'exhaustive', r.method)\n"
		       "assert(r.x == 4 and r.max == 1000 and r.max_x == 4, r.x)\n"
		       "assert(r.runs == 12 and m.calls == 12 and #r.measured == 6, r.runs)\n"
		       "assert(r.note:find('non-monotone beyond the tolerance 0.02: x=3 gives 900, above x=6\\'s 400', 1, true), r.note)\n"
		       "assert(r.note:find('measured every point (12 runs)', 1, true), r.note)\n"
		       /* within the tolerance a dip is not a fallback */
		       "v = { 100, 500, 1010, 1000, 1000 }\n"
		       "r = search.knee{ xs = range(1, 5), measure = function(x) return v[x] end, tolerance = 0.02 }\n"
		       "assert(r.method == 'bisect' and r.x == 3 and r.max == 1010 and r.max_x == 3, r.note)\n");
}

/* A measure that fails (nil, reason): recorded with its point, the search falls back to every
 * point and names the failed ones below the knee; a failed rep leaves the median of the rest;
 * nothing measured at all gives nil and why; non-numbers are failures too. */
static void knee_failing_measure(void **state)
{
	lua_ok(*state, "local r = search.knee{ xs = range(1, 8), measure = function(x)\n"
		       "  if x == 2 then return nil, 'worker crashed' end\n"
		       "  return 100 * math.min(x, 4)\n"
		       "end }\n"
		       "assert(r.x == 4 and r.method == 'exhaustive', r.note)\n"
		       "assert(r.note:find('measure failed at x=2 (worker crashed)', 1, true), r.note)\n"
		       "assert(r.note:find('no value at x=2, below x=4: the knee could be there', 1, true), r.note)\n"
		       "local p = r.measured[2]\n"
		       "assert(p.x == 2 and p.median == nil and #p.values == 0 and p.errors[1] == 'worker crashed')\n"
		       /* the largest x failing: every point, the max from the rest */
		       "r = search.knee{ xs = range(1, 4), measure = function(x)\n"
		       "  if x == 4 then return nil, 'timeout' end\n"
		       "  return x\n"
		       "end }\n"
		       "assert(r.x == 3 and r.max == 3 and r.method == 'exhaustive', r.note)\n"
		       "assert(r.note:find('measure failed at the largest x=4 (timeout)', 1, true), r.note)\n"
		       /* one of three reps failing: the median of the other two (x=2 is measured first) */
		       "local calls = 0\n"
		       "r = search.knee{ xs = { 1, 2 }, reps = 3, measure = function(x)\n"
		       "  calls = calls + 1\n"
		       "  if calls == 2 then return nil, 'flaky' end\n"
		       "  return x * 10 + calls\n"
		       "end }\n"
		       "assert(r.method == 'bisect' and r.measured[2].median == (21 + 23) / 2, r.measured[2].median)\n"
		       "assert(r.measured[2].errors[1] == 'flaky' and #r.measured[2].values == 2)\n"
		       "local res, why = search.knee{ xs = { 1, 2 }, measure = function() return nil, 'no worker' end }\n"
		       "assert(res == nil and why == 'search.knee: every measurement failed (x=1: no worker; x=2: no worker)', why)\n"
		       "res, why = search.knee{ xs = { 1 }, measure = function() return 'fast' end }\n"
		       "assert(res == nil and why:find('measure returned a string, not a number', 1, true), why)\n"
		       "res, why = search.knee{ xs = { 1, 2 }, measure = function() return -1 end }\n"
		       "assert(res == nil and why:find('maximum is -1', 1, true), why)\n");
}

static void bisect_threshold(void **state)
{
	lua_ok(*state, "local m = counted(function(x) return 2 * x end)\n"
		       "local r = search.bisect{ lo = 1, hi = 100, measure = m.f, pred = function(v) return v >= 74 end }\n"
		       "assert(r.x == 37 and r.value == 74 and r.below == 36 and r.exact, r.x)\n"
		       "assert(r.steps <= 7 and r.runs == r.steps + 2 and m.calls == r.runs, r.steps)\n"
		       "assert(#r.measured == r.runs and r.measured[1].x == 100 and r.measured[1].holds)\n"
		       /* pred gets x too; holds at lo already */
		       "r = search.bisect{ lo = 5, hi = 9, measure = m.f, pred = function(v, x) return x >= 2 end }\n"
		       "assert(r.x == 5 and r.exact and r.below == nil and r.steps == 0)\n"
		       /* lo == hi */
		       "r = search.bisect{ lo = 3, hi = 3, measure = m.f, pred = function() return true end }\n"
		       "assert(r.x == 3 and r.runs == 1)\n"
		       /* max_steps too small to finish: not exact */
		       "r = search.bisect{ lo = 0, hi = 1024, max_steps = 3, measure = m.f, pred = function(v) return v >= 2 end }\n"
		       "assert(r.steps == 3 and not r.exact and r.x - r.below > 1, r.x)\n"
		       /* reals: the square root of 2 */
		       "r = search.bisect{ lo = 0, hi = 2, integer = false, max_steps = 40,\n"
		       "  measure = function(x) return x * x end, pred = function(v) return v >= 2 end }\n"
		       "assert(math.abs(r.x - math.sqrt(2)) < 1e-9 and r.steps == 40 and r.x * r.x >= 2, r.x)\n"
		       /* pred false at hi; failures */
		       "local res, why = search.bisect{ lo = 1, hi = 10, measure = m.f, pred = function(v) return v > 100 end }\n"
		       "assert(res == nil and why == 'search.bisect: pred does not hold at hi=10 (value 20)', why)\n"
		       "res, why = search.bisect{ lo = 1, hi = 10, pred = function() return true end,\n"
		       "  measure = function(x) if x == 10 then return nil, 'oom' end return x end }\n"
		       "assert(res == nil and why == 'search.bisect: measure failed at hi=10: oom', why)\n"
		       "res, why = search.bisect{ lo = 1, hi = 100, pred = function(v) return v >= 50 end,\n"
		       "  measure = function(x) if x == 50 then return nil, 'timeout' end return x end }\n"
		       "assert(res == nil and why == 'search.bisect: measure failed at x=50 (timeout); pred holds at 100, not at 1', why)\n");
}

static void until_stable_steady_and_noisy(void **state)
{
	lua_ok(*state, "local rnd = lcg(7)\n"
		       "local m = counted(function() return 1000 * (1 + (rnd() * 2 - 1) * 0.001) end)\n"
		       "local r = search.until_stable{ measure = m.f }\n"
		       "assert(r.converged and r.n == 3 and m.calls == 3 and r.attempts == 3, r.n)\n"
		       "assert(r.cv <= 0.02 and r.rule == 'cv<=0.02 after n>=3', r.rule)\n"
		       "assert(math.abs(r.mean - 1000) < 2 and #r.values == 3)\n"
		       /* +-30 %: never stable, stops at max */
		       "rnd = lcg(7)\n"
		       "m = counted(function() return 1000 * (1 + (rnd() * 2 - 1) * 0.3) end)\n"
		       "r = search.until_stable{ measure = m.f, min = 4, max = 12, cv = 0.05 }\n"
		       "assert(not r.converged and r.n == 12 and m.calls == 12 and r.cv > 0.05, r.cv)\n"
		       "assert(r.rule == 'cv<=0.05 after n>=4', r.rule)\n"
		       /* steady after a noisy start: stops once the CV of all values gets there */
		       "local seq = { 95, 105 }\n"
		       "r = search.until_stable{ measure = function(i) return seq[i] or 100 end, max = 200 }\n"
		       "assert(r.converged and r.n == 14 and r.cv <= 0.02, r.n)\n"
		       /* equal values: cv 0 */
		       "r = search.until_stable{ measure = function() return 0 end, min = 2 }\n"
		       "assert(r.converged and r.n == 2 and r.cv == 0)\n"
		       /* failures count as attempts, are recorded, and may all fail */
		       "r = search.until_stable{ measure = function(i) if i == 2 then return nil, 'crash' end return 5 end }\n"
		       "assert(r.converged and r.n == 3 and r.attempts == 4 and r.failures[1].attempt == 2\n"
		       "  and r.failures[1].reason == 'crash')\n"
		       "local res, why = search.until_stable{ measure = function() return nil, 'crash' end, max = 4 }\n"
		       "assert(res == nil and why == 'search.until_stable: every measurement failed (4 of 4; first: crash)', why)\n");
}

/* Every argument error: one line, at the caller's line (t:2), naming the call and the value. */
static void argument_errors(void **state)
{
	static const struct {
		const char *call, *msg;
	} cases[] = {
		{"search.knee()", "search.knee: expected a table of arguments (search.knee{ ... }), got nil"},
		{"search.knee{ xs = { 1 } }", "search.knee: measure must be a function, got nil"},
		{"search.knee{ measure = f }", "search.knee: xs must be a non-empty list of numbers, got nil"},
		{"search.knee{ xs = {}, measure = f }", "search.knee: xs must be a non-empty list of numbers, got an empty list"},
		{"search.knee{ xs = { 1, 'a' }, measure = f }", "search.knee: xs[2] must be a number, got \"a\""},
		{"search.knee{ xs = { 1, 4, 4 }, measure = f }", "search.knee: xs must be increasing: xs[3] = 4 after xs[2] = 4"},
		{"search.knee{ xs = { 1 }, measure = f, fraction = 1.5 }", "search.knee: fraction must be in (0, 1], got 1.5"},
		{"search.knee{ xs = { 1 }, measure = f, fraction = 0 }", "search.knee: fraction must be in (0, 1], got 0"},
		{"search.knee{ xs = { 1 }, measure = f, reps = 0 }", "search.knee: reps must be an integer >= 1, got 0"},
		{"search.knee{ xs = { 1 }, measure = f, reps = 2.5 }", "search.knee: reps must be an integer >= 1, got 2.5"},
		{"search.knee{ xs = { 1 }, measure = f, tolerance = -0.1 }", "search.knee: tolerance must be in [0, 1), got -0.1"},
		{"search.knee{ xs = { 1 }, measure = f, fracton = 0.9 }",
		 "search.knee: unknown field \"fracton\" (expected fraction, measure, reps, tolerance, xs)"},
		{"search.bisect{ lo = 1, hi = 2, measure = f }", "search.bisect: pred must be a function, got nil"},
		{"search.bisect{ lo = 5, hi = 3, measure = f, pred = f }", "search.bisect: lo (5) is greater than hi (3)"},
		{"search.bisect{ hi = 3, measure = f, pred = f }", "search.bisect: lo must be a finite number, got nil"},
		{"search.bisect{ lo = 1.5, hi = 3, measure = f, pred = f }",
		 "search.bisect: lo must be an integer (or give integer = false), got 1.5"},
		{"search.bisect{ lo = 1, hi = 3, measure = f, pred = f, integer = 1 }",
		 "search.bisect: integer must be a boolean, got 1"},
		{"search.bisect{ lo = 1, hi = 3, measure = f, pred = f, max_steps = 0 }",
		 "search.bisect: max_steps must be an integer >= 1, got 0"},
		{"search.until_stable{}", "search.until_stable: measure must be a function, got nil"},
		{"search.until_stable{ measure = f, min = 1 }",
		 "search.until_stable: min must be an integer >= 2 (a CV needs two values), got 1"},
		{"search.until_stable{ measure = f, max = 2 }", "search.until_stable: max (2) is less than min (3)"},
		{"search.until_stable{ measure = f, cv = -1 }", "search.until_stable: cv must be a finite number >= 0, got -1"},
		{"search.until_stable{ measure = f, cv = '0.02' }",
		 "search.until_stable: cv must be a finite number >= 0, got \"0.02\""},
	};
	lua_State *L = *state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char code[512], want[512];
		snprintf(code, sizeof code, "local f = function() return 1 end\n%s\n", cases[i].call);
		snprintf(want, sizeof want, "t:2: %s", cases[i].msg);
		assert_int_equal(luaL_loadbuffer(L, code, strlen(code), "=t"), LUA_OK);
		if (lua_pcall(L, 0, 0, 0) == LUA_OK)
			fail_msg("%s: no error", cases[i].call);
		if (strcmp(lua_tostring(L, -1), want) != 0)
			fail_msg("%s:\n  got  %s\n  want %s", cases[i].call, lua_tostring(L, -1), want);
		lua_pop(L, 1);
	}
}

/* ---- nh.search in a scenario's environment ---- */

static nh_plan_t *load_scenario(nh_script_t *s, const char *name, nh_err_t *err)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/search/%s", NH_TEST_DATA, name);
	nh_scenario_info_t *info = calloc(1, sizeof *info);
	assert_non_null(info);
	nh_plan_t *plan = nh_script_load_plan(s, path, info, err);
	nh_expect_set_free(info->expects);
	free(info);
	return plan;
}

static nh_topo_t *two_nodes(void)
{
	nh_err_t err;
	nh_topo_t *t = nh_topo_load_synthetic("node:2 core:2 pu:1", NULL, &err);
	if (!t)
		fail_msg("%s", err.msg);
	nh_host_facts_t *f = nh_topo_facts_mut(t); /* the whole synthetic machine is allowed */
	f->allowed_mems = *nh_topo_all_nodes(t);
	f->allowed_cpus = *nh_topo_all_cpus(t);
	return t;
}

/* A scenario calls nh.search at load time with Lua functions; its nh.search is a copy (the same
 * file loaded again in the same state, after it removed until_stable from its own, still works);
 * an argument error names the scenario's line. */
static void scenario_sees_nh_search(void **state)
{
	nh_topo_t *topo = two_nodes();
	nh_err_t err;
	nh_script_t *s = nh_script_new(topo, false, &err);
	assert_non_null(s);
	for (int i = 0; i < 2; i++) {
		nh_plan_t *plan = load_scenario(s, "uses-search.lua", &err);
		if (!plan)
			fail_msg("load %d: %s", i + 1, err.msg);
		assert_int_equal(nh_plan_config_count(plan), 1);
		nh_plan_free(plan);
	}
	assert_null(load_scenario(s, "bad-fraction.lua", &err));
	if (!strstr(err.msg, "bad-fraction.lua:2: search.knee: fraction must be in (0, 1], got 2"))
		fail_msg("%s", err.msg);
	nh_script_free(s);
	nh_topo_free(topo);
	(void)state;
}

/* When the module cannot be loaded, nh.search is a stand-in that fails where it is used, saying
 * why (an unsafe scenario breaks the loader to get there). */
static void scenario_without_the_module(void **state)
{
	nh_topo_t *topo = two_nodes();
	nh_err_t err;
	nh_script_t *s = nh_script_new(topo, true, &err);
	assert_non_null(s);
	nh_plan_t *plan = load_scenario(s, "break-search.lua", &err);
	if (!plan)
		fail_msg("%s", err.msg);
	nh_plan_free(plan);
	assert_null(load_scenario(s, "missing-search.lua", &err));
	if (!strstr(err.msg, "missing-search.lua:3: nh.search is not available: broken on purpose"))
		fail_msg("%s", err.msg);
	nh_script_free(s);
	nh_topo_free(topo);
	(void)state;
}

/* policies.each_node (the module beside nh.search in a scenario's environment) puts the node in
 * every %d of its format; a format it cannot fill is an error at the scenario's line. */
static void policies_each_node(void **state)
{
	nh_topo_t *topo = two_nodes();
	nh_err_t err;
	nh_script_t *s = nh_script_new(topo, false, &err);
	assert_non_null(s);
	nh_plan_t *plan = load_scenario(s, "each-node.lua", &err);
	if (!plan)
		fail_msg("%s", err.msg);
	assert_int_equal(nh_plan_config_count(plan), 2);
	assert_string_equal(nh_plan_run(plan, 0)->policy.spec, "cpunodebind=0 membind=0");
	assert_string_equal(nh_plan_run(plan, nh_plan_count(plan) - 1)->policy.spec,
			    "cpunodebind=1 membind=1");
	nh_plan_free(plan);
	assert_null(load_scenario(s, "each-node-bad.lua", &err));
	if (!strstr(err.msg, "each-node-bad.lua:2: policies.each_node: format \"membind=%s-%q\": "))
		fail_msg("%s", err.msg);
	nh_script_free(s);
	nh_topo_free(topo);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(knee_saturating, setup, teardown),
		cmocka_unit_test_setup_teardown(knee_noise_and_tolerance, setup, teardown),
		cmocka_unit_test_setup_teardown(knee_non_monotone, setup, teardown),
		cmocka_unit_test_setup_teardown(knee_failing_measure, setup, teardown),
		cmocka_unit_test_setup_teardown(bisect_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(until_stable_steady_and_noisy, setup, teardown),
		cmocka_unit_test_setup_teardown(argument_errors, setup, teardown),
		cmocka_unit_test(scenario_sees_nh_search),
		cmocka_unit_test(scenario_without_the_module),
		cmocka_unit_test(policies_each_node),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
