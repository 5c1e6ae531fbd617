/* SPDX-License-Identifier: MIT */
/* lua_stats: nh.stats, the statistics of report/stats.h over Lua arrays of numbers, so a script
 * reaches the same answers `compare` does. Bad input is a one-line Lua error naming the function
 * and what was wrong; a statistic the data leave undefined is nil plus the reason, never a 0. */
#include "lua_api_parts.h"

#include <lauxlib.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "stats.h"

/* compare's defaults (compare.c), so nh.stats.bootstrap_change(base, cand) gives the interval
 * `compare` prints for the same two samples. */
#define BOOT_DEFAULT_LEVEL 0.95
#define BOOT_DEFAULT_RESAMPLES 2000
#define BOOT_DEFAULT_SEED UINT64_C(0x6e756d61)
/* Each resample sorts both samples inside one C call, which the Lua time budget cannot stop:
 * the cap keeps one call to seconds, not hours. */
#define BOOT_MAX_RESAMPLES 100000

/* What a value is, for a message: "a string", or "nil" (also for an argument not given). */
static const char *kind_of(lua_State *L, int idx)
{
	return lua_isnoneornil(L, idx) ? "nil"
				       : lua_pushfstring(L, "a %s", luaL_typename(L, idx));
}

/* The numbers of the array at \p arg, into a buffer the Lua state owns (left on the stack), so a
 * later error frees it and --lua-memory counts it. \p which names the argument in the messages
 * of the functions that take two arrays (0 for the others); those strings stay on the stack
 * too, which keeps them alive while they are in use. */
static double *check_numbers(lua_State *L, const char *fn, int arg, int which, unsigned *n)
{
	const char *what = which ? lua_pushfstring(L, "argument %d", which) : "argument";
	const char *in = which ? lua_pushfstring(L, "argument %d, ", which) : "";
	if (!lua_istable(L, arg))
		luaL_error(L, "nh.stats.%s: %s is %s, expected an array of numbers", fn, what,
			   kind_of(L, arg));
	lua_Unsigned len = lua_rawlen(L, arg);
	if (len == 0)
		luaL_error(L, "nh.stats.%s: %s is an empty array, expected at least one number", fn,
			   what);
	if (len > UINT_MAX / sizeof(double))
		luaL_error(L, "nh.stats.%s: %s has %I values, too many", fn, what, (lua_Integer)len);
	double *x = lua_newuserdatauv(L, sizeof *x * len, 0);
	for (lua_Unsigned i = 0; i < len; i++) {
		if (lua_rawgeti(L, arg, (lua_Integer)i + 1) != LUA_TNUMBER)
			luaL_error(L, "nh.stats.%s: %selement %I is %s, expected a number", fn, in,
				   (lua_Integer)i + 1, kind_of(L, -1));
		x[i] = lua_tonumber(L, -1);
		lua_pop(L, 1);
		if (!isfinite(x[i]))
			luaL_error(L, "nh.stats.%s: %selement %I is %s, expected a finite number", fn,
				   in, (lua_Integer)i + 1,
				   isnan(x[i]) ? "nan" : x[i] > 0 ? "inf" : "-inf");
	}
	*n = (unsigned)len;
	return x;
}

/* A statistic the data leave undefined: nil and why, for `local v, why = nh.stats.cv(xs)`. */
static int undefined(lua_State *L, const char *fn, const char *why)
{
	lua_pushnil(L);
	lua_pushfstring(L, "nh.stats.%s: %s", fn, why);
	return 2;
}

/* A number field of a result table; NAN (undefined) leaves the field nil. */
static void set_number(lua_State *L, const char *name, double v)
{
	if (isnan(v))
		return;
	lua_pushnumber(L, v);
	lua_setfield(L, -2, name);
}

static void set_integer(lua_State *L, const char *name, lua_Integer v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, name);
}

static void set_boolean(lua_State *L, const char *name, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, name);
}

static int stats_median(lua_State *L)
{
	lua_settop(L, 1); /* the buffers go above the arguments */
	unsigned n;
	const double *x = check_numbers(L, "median", 1, 0, &n);
	lua_pushnumber(L, nh_stats_median(x, n));
	return 1;
}

static int stats_quantile(lua_State *L)
{
	lua_settop(L, 2);
	unsigned n;
	const double *x = check_numbers(L, "quantile", 1, 0, &n);
	if (lua_type(L, 2) != LUA_TNUMBER)
		return luaL_error(L, "nh.stats.quantile: q is %s, expected a number from 0 to 1",
				  kind_of(L, 2));
	double q = lua_tonumber(L, 2);
	if (!(q >= 0 && q <= 1))
		return luaL_error(L, "nh.stats.quantile: q is %f, expected a number from 0 to 1", q);
	lua_pushnumber(L, nh_stats_quantile(x, n, q));
	return 1;
}

static int stats_mean(lua_State *L)
{
	lua_settop(L, 1);
	unsigned n;
	const double *x = check_numbers(L, "mean", 1, 0, &n);
	lua_pushnumber(L, nh_stats_mean(x, n));
	return 1;
}

static int stats_stdev(lua_State *L)
{
	lua_settop(L, 1);
	unsigned n;
	const double *x = check_numbers(L, "stdev", 1, 0, &n);
	if (n < 2)
		return undefined(L, "stdev", "undefined for 1 value (the sample stdev needs 2)");
	lua_pushnumber(L, nh_stats_stdev(x, n));
	return 1;
}

static int stats_cv(lua_State *L)
{
	lua_settop(L, 1);
	unsigned n;
	const double *x = check_numbers(L, "cv", 1, 0, &n);
	if (n < 2)
		return undefined(L, "cv", "undefined for 1 value (the sample stdev needs 2)");
	if (nh_stats_mean(x, n) == 0)
		return undefined(L, "cv", "undefined, the mean is 0");
	lua_pushnumber(L, nh_stats_cv(x, n));
	return 1;
}

/* summary(xs): every one-sample figure compare prints for a side, in one table. */
static int stats_summary(lua_State *L)
{
	lua_settop(L, 1);
	unsigned n;
	const double *x = check_numbers(L, "summary", 1, 0, &n);
	nh_summary_t s;
	nh_err_t err;
	if (nh_stats_summary(x, n, &s, &err) < 0)
		return luaL_error(L, "nh.stats.summary: %s", err.msg);
	lua_createtable(L, 0, 10);
	set_integer(L, "n", s.n);
	set_number(L, "min", s.min);
	set_number(L, "max", s.max);
	set_number(L, "mean", s.mean);
	set_number(L, "median", s.median);
	set_number(L, "stdev", s.stdev); /* nil for one value, as stdev() */
	set_number(L, "cv", s.cv);
	set_number(L, "q1", s.q1);
	set_number(L, "q3", s.q3);
	set_number(L, "iqr", s.iqr);
	return 1;
}

static int stats_welch(lua_State *L)
{
	lua_settop(L, 2);
	unsigned nx, ny;
	const double *x = check_numbers(L, "welch", 1, 1, &nx);
	const double *y = check_numbers(L, "welch", 2, 2, &ny);
	if (nx < 2 || ny < 2) {
		lua_pushnil(L);
		lua_pushfstring(L, "nh.stats.welch: undefined, each side needs 2 values (got %d and %d)",
				(int)nx, (int)ny);
		return 2;
	}
	nh_ttest_t t;
	nh_err_t err;
	if (nh_stats_welch(x, nx, y, ny, &t, &err) < 0)
		return luaL_error(L, "nh.stats.welch: %s", err.msg);
	lua_createtable(L, 0, 3);
	set_number(L, "t", t.t);
	set_number(L, "df", t.df);
	set_number(L, "p", t.p);
	return 1;
}

static int stats_mann_whitney(lua_State *L)
{
	lua_settop(L, 2);
	unsigned nx, ny;
	const double *x = check_numbers(L, "mann_whitney", 1, 1, &nx);
	const double *y = check_numbers(L, "mann_whitney", 2, 2, &ny);
	nh_mwu_t m;
	nh_err_t err;
	if (nh_stats_mann_whitney(x, nx, y, ny, &m, &err) < 0)
		return luaL_error(L, "nh.stats.mann_whitney: %s", err.msg);
	lua_createtable(L, 0, 8);
	set_number(L, "u", m.u);
	set_number(L, "p", m.p);
	set_number(L, "z", m.z); /* nil when the p is exact */
	set_boolean(L, "exact", m.exact);
	set_boolean(L, "ties", m.ties);
	set_integer(L, "n_x", nx);
	set_integer(L, "n_y", ny);
	/* the smallest p these sample sizes can give: with 3 and 3 runs no result is below 0.1 */
	set_number(L, "min_p", nh_stats_mann_whitney_min_p(nx, ny));
	return 1;
}

struct boot_opts {
	double level;
	unsigned resamples;
	uint64_t seed;
};

/* {level=, resamples=, seed=} at \p arg, or nil for compare's defaults. A misspelt option is an
 * error: silently taking the default would give a different interval than the script asked. */
static void check_boot_opts(lua_State *L, const char *fn, int arg, struct boot_opts *o)
{
	*o = (struct boot_opts){BOOT_DEFAULT_LEVEL, BOOT_DEFAULT_RESAMPLES, BOOT_DEFAULT_SEED};
	if (lua_isnoneornil(L, arg))
		return;
	if (!lua_istable(L, arg))
		luaL_error(L, "nh.stats.%s: options are a %s, expected a table {level=, resamples=, "
			      "seed=}", fn, luaL_typename(L, arg));
	lua_pushnil(L);
	while (lua_next(L, arg)) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int isint = 0;
		lua_Integer i = lua_tointegerx(L, -1, &isint);
		if (key && strcmp(key, "level") == 0) {
			double v = lua_tonumber(L, -1);
			if (lua_type(L, -1) != LUA_TNUMBER || !(v > 0 && v < 1))
				luaL_error(L, "nh.stats.%s: level must be a number between 0 and 1 "
					      "(e.g. 0.95)", fn);
			o->level = v;
		} else if (key && strcmp(key, "resamples") == 0) {
			if (lua_type(L, -1) != LUA_TNUMBER || !isint || i < 2 ||
			    i > BOOT_MAX_RESAMPLES)
				luaL_error(L, "nh.stats.%s: resamples must be an integer from 2 to %d",
					   fn, BOOT_MAX_RESAMPLES);
			o->resamples = (unsigned)i;
		} else if (key && strcmp(key, "seed") == 0) {
			if (lua_type(L, -1) != LUA_TNUMBER || !isint || i < 0)
				luaL_error(L, "nh.stats.%s: seed must be a non-negative integer", fn);
			o->seed = (uint64_t)i;
		} else {
			if (!key)
				luaL_error(L, "nh.stats.%s: an option's name is a %s, expected a "
					      "string (level, resamples, seed)", fn, luaL_typename(L, -2));
			luaL_error(L, "nh.stats.%s: unknown option '%s' (level, resamples, seed)", fn,
				   key);
		}
		lua_pop(L, 1);
	}
}

static void set_boot_opts(lua_State *L, const struct boot_opts *o)
{
	set_number(L, "level", o->level);
	set_integer(L, "resamples", o->resamples);
	set_integer(L, "seed", (lua_Integer)o->seed);
}

/* bootstrap_ci(xs, opts): percentile interval of the median of xs. It is compare's bootstrap of
 * a change of medians against a baseline of one 0: every resampled baseline median is 0, so the
 * resampled differences are the resampled medians of xs themselves. */
static int stats_bootstrap_ci(lua_State *L)
{
	lua_settop(L, 2);
	unsigned n;
	const double *x = check_numbers(L, "bootstrap_ci", 1, 0, &n);
	struct boot_opts o;
	check_boot_opts(L, "bootstrap_ci", 2, &o);
	static const double zero_baseline[1] = {0};
	nh_boot_t b;
	nh_err_t err;
	if (nh_stats_bootstrap_medians(zero_baseline, 1, x, n, o.resamples, o.level, o.seed, &b,
				       &err) < 0)
		return luaL_error(L, "nh.stats.bootstrap_ci: %s", err.msg);
	lua_createtable(L, 0, 6);
	set_number(L, "median", b.diff);
	set_number(L, "low", b.diff_lo);
	set_number(L, "high", b.diff_hi);
	set_boot_opts(L, &o);
	return 1;
}

/* bootstrap_change(base, cand, opts): compare's interval of the change of medians from base to
 * cand: diff (cand - base) and change (the relative change, median(cand) / median(base) - 1,
 * 0.2 for +20 %), each with its interval; the change fields are nil when a baseline median is 0. */
static int stats_bootstrap_change(lua_State *L)
{
	lua_settop(L, 3);
	unsigned nx, ny;
	const double *x = check_numbers(L, "bootstrap_change", 1, 1, &nx);
	const double *y = check_numbers(L, "bootstrap_change", 2, 2, &ny);
	struct boot_opts o;
	check_boot_opts(L, "bootstrap_change", 3, &o);
	nh_boot_t b;
	nh_err_t err;
	if (nh_stats_bootstrap_medians(x, nx, y, ny, o.resamples, o.level, o.seed, &b, &err) < 0)
		return luaL_error(L, "nh.stats.bootstrap_change: %s", err.msg);
	lua_createtable(L, 0, 9);
	set_number(L, "diff", b.diff);
	set_number(L, "diff_low", b.diff_lo);
	set_number(L, "diff_high", b.diff_hi);
	set_number(L, "change", b.change);
	set_number(L, "change_low", b.change_lo);
	set_number(L, "change_high", b.change_hi);
	set_boot_opts(L, &o);
	return 1;
}

void nh_lua_push_stats(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{"median", stats_median},
		{"quantile", stats_quantile},
		{"mean", stats_mean},
		{"stdev", stats_stdev},
		{"cv", stats_cv},
		{"summary", stats_summary},
		{"welch", stats_welch},
		{"mann_whitney", stats_mann_whitney},
		{"bootstrap_ci", stats_bootstrap_ci},
		{"bootstrap_change", stats_bootstrap_change},
		{NULL, NULL},
	};
	luaL_newlib(L, fns);
}
