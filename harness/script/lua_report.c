/* SPDX-License-Identifier: MIT */
/* lua_report: nh.report.section / .table / .chart — report content from the scenario's code,
 * checked where it is called (errors at the script's file:line) and kept as scenario-report.json
 * in the results directory (see results.h for its shape), rewritten whole after every call, so
 * `numaharness report DIR` shows it again without running Lua and a later hook error loses
 * nothing already added. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "script_internal.h"

#include <errno.h>
#include <stdio.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "script_api.h"

/* What one scenario may add: enough for any report, bounded so a runaway loop cannot fill the
 * disk or the harness's memory (the Lua state's cap does not cover these C-side copies). */
enum {
	MAX_ITEMS = 200,
	MAX_TITLE = 200,
	MAX_MARKDOWN = 64 << 10,
	MAX_COLUMNS = 32,
	MAX_ROWS = 2000,
	MAX_CELL = 512,
	MAX_SERIES = 8,
	MAX_POINTS = 10000,
	MAX_TOTAL = 8 << 20, /* bytes of scenario-report.json */
};

#define DOC_NAME "scenario-report.json"
#define DOC_FORMAT "numaharness-scenario-report/1"

static nh_script_t *state_of(lua_State *L, const char *fn)
{
	nh_script_t *s = *(nh_script_t **)lua_getextraspace(L);
	if (!s)
		luaL_error(L, "nh.report.%s: only a scenario run by numaharness can add to its report",
			   fn);
	return s;
}

/* Refuse any key of table \p t not in \p allowed (a misspelt "colums" must not vanish). */
static void only_fields(lua_State *L, int t, const char *fn, const char *const *allowed)
{
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		bool known = false;
		if (lua_type(L, -1) == LUA_TSTRING)
			for (const char *const *a = allowed; *a && !known; a++)
				known = strcmp(lua_tostring(L, -1), *a) == 0;
		if (!known) {
			luaL_tolstring(L, -1, NULL);
			luaL_error(L, "nh.report.%s: unknown field %s", fn, lua_tostring(L, -1));
		}
	}
}

/* Field \p key of table \p t as a string of at most \p max bytes; NULL when absent and not
 * \p required. \p label names it in messages ("series[2].name"; NULL: the key). */
static const char *field_text(lua_State *L, int t, const char *fn, const char *key,
			      const char *label, size_t max, bool required)
{
	if (!label)
		label = key;
	lua_getfield(L, t, key);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		if (required)
			luaL_error(L, "nh.report.%s: %s is missing", fn, label);
		return NULL;
	}
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "nh.report.%s: %s must be a string, got %s", fn, label,
			   luaL_typename(L, -1));
	size_t len;
	const char *v = lua_tolstring(L, -1, &len);
	if (len > max)
		luaL_error(L, "nh.report.%s: %s is %d bytes, at most %d", fn, label, (int)len, (int)max);
	if (required && !len)
		luaL_error(L, "nh.report.%s: %s is empty", fn, label);
	lua_pop(L, 1); /* still referenced by the table */
	return v;
}

static const char *opt_text(lua_State *L, int t, const char *fn, const char *key, size_t max,
			    bool required)
{
	return field_text(L, t, fn, key, NULL, max, required);
}

/* The array at field \p key (left on the stack) with its length, at most \p max. */
static lua_Integer field_array(lua_State *L, int t, const char *fn, const char *key,
			       const char *label, lua_Integer max)
{
	if (!label)
		label = key;
	lua_getfield(L, t, key);
	if (!lua_istable(L, -1))
		luaL_error(L, "nh.report.%s: %s must be a table (an array), got %s", fn, label,
			   luaL_typename(L, -1));
	lua_Integer n = luaL_len(L, -1);
	if (n > max)
		luaL_error(L, "nh.report.%s: %s has %I entries, at most %I", fn, label, n, max);
	return n;
}

static lua_Integer get_array(lua_State *L, int t, const char *fn, const char *key, lua_Integer max)
{
	return field_array(L, t, fn, key, NULL, max);
}

/* A finite number, or an error naming where it is. */
static double finite_at(lua_State *L, int idx, const char *fn, const char *where)
{
	if (lua_type(L, idx) != LUA_TNUMBER)
		luaL_error(L, "nh.report.%s: %s is %s, expected a number", fn, where,
			   lua_isnil(L, idx) ? "nil" : luaL_typename(L, idx));
	double v = lua_tonumber(L, idx);
	if (!isfinite(v))
		luaL_error(L, "nh.report.%s: %s is %s, expected a finite number (nil for no value)", fn,
			   where, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	return v;
}

static json_t *number_json(double v)
{
	/* Whole numbers stay integers in the file, as in the records. */
	if (fabs(v) < 9e15 && v == (double)(json_int_t)v)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* A table cell: string, number, boolean or nil (no value). */
static json_t *cell_json(lua_State *L, int idx, const char *where)
{
	switch (lua_type(L, idx)) {
	case LUA_TNIL: return json_null();
	case LUA_TBOOLEAN: return json_boolean(lua_toboolean(L, idx));
	case LUA_TNUMBER: return number_json(finite_at(L, idx, "table", where));
	case LUA_TSTRING: {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		if (len > MAX_CELL)
			luaL_error(L, "nh.report.table: %s is %d bytes, at most %d", where, (int)len,
				   MAX_CELL);
		return json_stringn(s, len);
	}
	default:
		return luaL_error(L, "nh.report.table: %s is a %s, expected a string, number, boolean "
				     "or nil", where, luaL_typename(L, idx)), NULL;
	}
}

/* Where the scenario called: "x.lua:12". */
static json_t *source_json(lua_State *L)
{
	luaL_where(L, 1);
	size_t n;
	const char *w = lua_tolstring(L, -1, &n);
	json_t *j = json_stringn(w, n >= 2 ? n - 2 : n); /* without ": " */
	lua_pop(L, 1);
	return j;
}

/* ---- building an item ---- */

/* The item under construction lives in a userdata whose __gc frees it: a check that raises
 * half-way (longjmp) leaks nothing. */
#define ITEM_META "nh.report.item"

static int item_gc(lua_State *L)
{
	json_t **box = lua_touserdata(L, 1);
	json_decref(*box);
	*box = NULL;
	return 0;
}

static json_t *new_item(lua_State *L, const char *type)
{
	json_t **box = lua_newuserdatauv(L, sizeof *box, 0);
	*box = NULL;
	if (luaL_newmetatable(L, ITEM_META)) {
		lua_pushcfunction(L, item_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	*box = json_object();
	if (!*box)
		luaL_error(L, "nh.report.%s: out of memory", type);
	json_object_set_new(*box, "type", json_string(type));
	return *box;
}

static void set_text(json_t *item, const char *key, const char *v)
{
	if (v)
		json_object_set_new(item, key, json_string(v));
}

/* Where the item goes: "top" opens the report (before the host and the results: a summary a
 * reader hands on), "results" (the default) in "From the scenario" after the results. Kept only
 * when given, so the files of scenarios that never ask stay as they were. */
static void set_placement(lua_State *L, json_t *item, const char *fn, const char *placement)
{
	if (!placement)
		return;
	if (strcmp(placement, "top") != 0 && strcmp(placement, "results") != 0)
		luaL_error(L, "nh.report.%s: placement must be \"top\" or \"results\", got \"%s\"", fn,
			   placement);
	json_object_set_new(item, "placement", json_string(placement));
}

/* Write the items to DIR/scenario-report.json, whole and atomically: one item a line, so a
 * diff of two runs' files reads item by item. */
static int write_doc(nh_script_t *s, nh_err_t *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool ok = f != NULL;
	if (ok) {
		json_t *path = json_string(s->path);
		char *p = path ? json_dumps(path, JSON_ENCODE_ANY | JSON_ENSURE_ASCII) : NULL;
		ok = p != NULL;
		if (ok)
			fprintf(f, "{\"format\": \"%s\", \"scenario\": %s, \"items\": [", DOC_FORMAT, p);
		free(p);
		json_decref(path);
	}
	for (size_t i = 0; ok && i < json_array_size(s->report_items); i++) {
		char *item = json_dumps(json_array_get(s->report_items, i),
					JSON_COMPACT | JSON_ENSURE_ASCII);
		ok = item != NULL;
		if (ok)
			fprintf(f, "%s\n%s", i ? "," : "", item);
		free(item);
	}
	if (f) {
		fputs("\n]}\n", f);
		ok &= fclose(f) == 0 && text;
	}
	if (!ok) {
		free(text);
		errno = ENOMEM;
		return nh_err_set(err, "out of memory");
	}
	char dest[PATH_MAX];
	nh_format_cut(dest, sizeof dest, "%s/%s", nh_store_dir(s->store), DOC_NAME);
	int rc = nh_write_file_atomic(dest, text, len, err);
	free(text);
	if (rc == 0)
		s->report_unwritten = false;
	return rc;
}

/* Take the item on top of the stack into the scenario's list and write the list out when a
 * sweep has a results directory (else it is written when one does: nh_script_attach_sweep). */
static int add_item(lua_State *L, nh_script_t *s, const char *fn)
{
	json_t **box = lua_touserdata(L, -1);
	json_t *item = *box;
	json_object_set_new(item, "source", source_json(L));
	if (!s->report_items && !(s->report_items = json_array()))
		return luaL_error(L, "nh.report.%s: out of memory", fn);
	if (json_array_size(s->report_items) >= MAX_ITEMS)
		return luaL_error(L, "nh.report.%s: the scenario has added %d items to the report "
				     "already, the most it may", fn, MAX_ITEMS);
	char *text = json_dumps(item, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!text)
		return luaL_error(L, "nh.report.%s: out of memory", fn);
	size_t len = strlen(text);
	free(text);
	if (s->report_bytes + len > MAX_TOTAL)
		return luaL_error(L, "nh.report.%s: the report's scenario content would pass %d MiB",
				  fn, MAX_TOTAL >> 20);
	if (json_array_append(s->report_items, item) < 0)
		return luaL_error(L, "nh.report.%s: out of memory", fn);
	s->report_bytes += len;
	s->report_unwritten = true;
	if (s->store) {
		nh_err_t err;
		if (write_doc(s, &err) < 0)
			return luaL_error(L, "nh.report.%s: %s", fn, err.msg);
	}
	return 0;
}

/* ---- the three calls ---- */

static int api_section(lua_State *L)
{
	nh_script_t *s = state_of(L, "section");
	luaL_checktype(L, 1, LUA_TTABLE);
	static const char *const fields[] = {"title", "markdown", "placement", NULL};
	only_fields(L, 1, "section", fields);
	const char *title = opt_text(L, 1, "section", "title", MAX_TITLE, true);
	const char *markdown = opt_text(L, 1, "section", "markdown", MAX_MARKDOWN, true);
	const char *placement = opt_text(L, 1, "section", "placement", MAX_TITLE, false);
	json_t *item = new_item(L, "section");
	set_text(item, "title", title);
	set_text(item, "markdown", markdown);
	set_placement(L, item, "section", placement);
	return add_item(L, s, "section");
}

static int api_table(lua_State *L)
{
	nh_script_t *s = state_of(L, "table");
	luaL_checktype(L, 1, LUA_TTABLE);
	static const char *const fields[] = {"title", "columns", "rows", "note", "placement", NULL};
	only_fields(L, 1, "table", fields);
	const char *title = opt_text(L, 1, "table", "title", MAX_TITLE, true);
	const char *note = opt_text(L, 1, "table", "note", MAX_CELL, false);
	const char *placement = opt_text(L, 1, "table", "placement", MAX_TITLE, false);
	json_t *item = new_item(L, "table"); /* at 2 */
	set_text(item, "title", title);
	set_text(item, "note", note);
	set_placement(L, item, "table", placement);
	json_t *columns = json_array(), *rows = json_array();
	json_object_set_new(item, "columns", columns);
	json_object_set_new(item, "rows", rows);
	if (!columns || !rows)
		return luaL_error(L, "nh.report.table: out of memory");

	lua_Integer nc = get_array(L, 1, "table", "columns", MAX_COLUMNS); /* at 3 */
	if (nc < 1)
		return luaL_error(L, "nh.report.table: columns is empty");
	for (lua_Integer c = 1; c <= nc; c++) {
		if (lua_geti(L, 3, c) != LUA_TSTRING)
			return luaL_error(L, "nh.report.table: columns[%I] is %s, expected a string", c,
					  luaL_typename(L, -1));
		size_t len;
		const char *name = lua_tolstring(L, -1, &len);
		if (len > MAX_TITLE)
			return luaL_error(L, "nh.report.table: columns[%I] is %d bytes, at most %d", c,
					  (int)len, MAX_TITLE);
		json_array_append_new(columns, json_stringn(name, len));
		lua_pop(L, 1);
	}

	lua_Integer nr = get_array(L, 1, "table", "rows", MAX_ROWS); /* at 4 */
	for (lua_Integer r = 1; r <= nr; r++) {
		char where[64];
		if (lua_geti(L, 4, r) != LUA_TTABLE) /* at 5 */
			return luaL_error(L, "nh.report.table: rows[%I] is %s, expected a table", r,
					  luaL_typename(L, -1));
		json_t *row = json_array();
		if (!row || json_array_append_new(rows, row) < 0)
			return luaL_error(L, "nh.report.table: out of memory");
		/* A row is an array in column order, or keyed by the column names. */
		lua_Integer len = luaL_len(L, 5);
		if (len > nc)
			return luaL_error(L, "nh.report.table: rows[%I] has %I cells, the table %I columns",
					  r, len, nc);
		bool keyed = false;
		lua_pushnil(L);
		while (lua_next(L, 5)) {
			lua_pop(L, 1);
			if (lua_type(L, -1) == LUA_TSTRING) {
				keyed = true;
				bool known = false;
				for (lua_Integer c = 1; c <= nc && !known; c++)
					known = strcmp(json_string_value(json_array_get(columns, (size_t)c - 1)),
						       lua_tostring(L, -1)) == 0;
				if (!known)
					return luaL_error(L, "nh.report.table: rows[%I].%s is not a column",
							  r, lua_tostring(L, -1));
			}
		}
		if (keyed && len > 0)
			return luaL_error(L, "nh.report.table: rows[%I] mixes cells by position and by "
					     "column name", r);
		for (lua_Integer c = 1; c <= nc; c++) {
			if (keyed)
				lua_getfield(L, 5, json_string_value(json_array_get(columns, (size_t)c - 1)));
			else
				lua_geti(L, 5, c);
			snprintf(where, sizeof where, "rows[%lld][%lld]", (long long)r, (long long)c);
			json_array_append_new(row, cell_json(L, -1, where));
			lua_pop(L, 1);
		}
		lua_pop(L, 1);
	}
	lua_settop(L, 2);
	return add_item(L, s, "table");
}

/* One point: {x, y [, lo, hi]}; x a number (lines) or also a label (bars), y and the range
 * numbers or nil. */
static json_t *point_json(lua_State *L, int idx, bool bars, const char *where)
{
	idx = lua_absindex(L, idx);
	if (!lua_istable(L, idx))
		return luaL_error(L, "nh.report.chart: %s is %s, expected a table {x, y [, lo, hi]}",
				  where, luaL_typename(L, idx)), NULL;
	json_t *p = json_array();
	if (!p)
		return luaL_error(L, "nh.report.chart: out of memory"), NULL;
	/* The caller's guard holds p only once appended: append to a temporary guard first. */
	json_t **box = lua_newuserdatauv(L, sizeof *box, 0);
	*box = p;
	luaL_setmetatable(L, ITEM_META);
	char w[96];
	int t = lua_geti(L, idx, 1);
	if (t == LUA_TSTRING && bars) {
		size_t len;
		const char *label = lua_tolstring(L, -1, &len);
		if (len > MAX_CELL)
			luaL_error(L, "nh.report.chart: %s[1] is %d bytes, at most %d", where, (int)len,
				   MAX_CELL);
		json_array_append_new(p, json_stringn(label, len));
	} else {
		if (t != LUA_TNUMBER)
			luaL_error(L, "nh.report.chart: %s[1] (x) is %s, expected a number%s", where,
				   luaL_typename(L, -1), bars ? " or a label" : "");
		snprintf(w, sizeof w, "%s[1] (x)", where);
		json_array_append_new(p, number_json(finite_at(L, -1, "chart", w)));
	}
	lua_pop(L, 1);
	static const char *const names[] = {"y", "lo", "hi"};
	for (int k = 2; k <= 4; k++) {
		if (lua_geti(L, idx, k) == LUA_TNIL) {
			json_array_append_new(p, json_null());
		} else {
			snprintf(w, sizeof w, "%s[%d] (%s)", where, k, names[k - 2]);
			json_array_append_new(p, number_json(finite_at(L, -1, "chart", w)));
		}
		lua_pop(L, 1);
	}
	*box = NULL; /* handed to the caller */
	lua_pop(L, 1);
	return p;
}

static int api_chart(lua_State *L)
{
	nh_script_t *s = state_of(L, "chart");
	luaL_checktype(L, 1, LUA_TTABLE);
	static const char *const fields[] = {"title", "style", "x", "y", "series", "note",
					     "placement", NULL};
	only_fields(L, 1, "chart", fields);
	const char *title = opt_text(L, 1, "chart", "title", MAX_TITLE, true);
	const char *style = opt_text(L, 1, "chart", "style", 16, false);
	if (style && strcmp(style, "lines") != 0 && strcmp(style, "bars") != 0)
		return luaL_error(L, "nh.report.chart: style must be \"lines\" or \"bars\", got \"%s\"",
				  style);
	bool bars = style && strcmp(style, "bars") == 0;
	const char *xlabel = opt_text(L, 1, "chart", "x", MAX_TITLE, false);
	const char *ylabel = opt_text(L, 1, "chart", "y", MAX_TITLE, false);
	const char *note = opt_text(L, 1, "chart", "note", MAX_CELL, false);
	const char *placement = opt_text(L, 1, "chart", "placement", MAX_TITLE, false);
	json_t *item = new_item(L, "chart"); /* at 2 */
	set_text(item, "title", title);
	json_object_set_new(item, "style", json_string(bars ? "bars" : "lines"));
	set_text(item, "x", xlabel);
	set_text(item, "y", ylabel);
	set_text(item, "note", note);
	set_placement(L, item, "chart", placement);
	json_t *series = json_array();
	if (!series || json_object_set_new(item, "series", series) < 0)
		return luaL_error(L, "nh.report.chart: out of memory");

	lua_Integer ns = get_array(L, 1, "chart", "series", MAX_SERIES); /* at 3 */
	if (ns < 1)
		return luaL_error(L, "nh.report.chart: series is empty");
	for (lua_Integer i = 1; i <= ns; i++) {
		if (lua_geti(L, 3, i) != LUA_TTABLE) /* at 4 */
			return luaL_error(L, "nh.report.chart: series[%I] is %s, expected a table "
					     "{name=, points=}", i, luaL_typename(L, -1));
		static const char *const sfields[] = {"name", "points", NULL};
		lua_pushnil(L);
		while (lua_next(L, 4)) {
			lua_pop(L, 1);
			bool known = lua_type(L, -1) == LUA_TSTRING &&
				     (strcmp(lua_tostring(L, -1), sfields[0]) == 0 ||
				      strcmp(lua_tostring(L, -1), sfields[1]) == 0);
			if (!known) {
				luaL_tolstring(L, -1, NULL);
				return luaL_error(L, "nh.report.chart: series[%I]: unknown field %s", i,
						  lua_tostring(L, -1));
			}
		}
		json_t *one = json_object(), *points = json_array();
		if (!one || !points || json_array_append_new(series, one) < 0) {
			json_decref(points);
			return luaL_error(L, "nh.report.chart: out of memory");
		}
		json_object_set_new(one, "points", points);
		char label[48];
		snprintf(label, sizeof label, "series[%lld].name", (long long)i);
		set_text(one, "name", field_text(L, 4, "chart", "name", label, MAX_TITLE, false));
		snprintf(label, sizeof label, "series[%lld].points", (long long)i);
		lua_Integer np = field_array(L, 4, "chart", "points", label, MAX_POINTS); /* at 5 */
		for (lua_Integer k = 1; k <= np; k++) {
			char where[64];
			snprintf(where, sizeof where, "series[%lld].points[%lld]", (long long)i,
				 (long long)k);
			lua_geti(L, 5, k);
			json_array_append_new(points, point_json(L, -1, bars, where));
			lua_pop(L, 1);
		}
		lua_pop(L, 2);
	}
	lua_settop(L, 2);
	return add_item(L, s, "chart");
}

void nh_lua_push_report(lua_State *L)
{
	lua_createtable(L, 0, 3);
	lua_pushcfunction(L, api_section);
	lua_setfield(L, -2, "section");
	lua_pushcfunction(L, api_table);
	lua_setfield(L, -2, "table");
	lua_pushcfunction(L, api_chart);
	lua_setfield(L, -2, "chart");
}

int nh_script_report_flush(nh_script_t *s, nh_err_t *err)
{
	if (!s->store || !s->report_unwritten || !s->report_items)
		return 0;
	return write_doc(s, err);
}
