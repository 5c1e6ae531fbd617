/* SPDX-License-Identifier: MIT */
/* series_csv: a series CSV read back — the header's columns and a column of numbers each, empty
 * cells kept as not measured (NAN), a torn last line (a run killed mid-write) left out. */
#include "forecast.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 1024
#define MAX_ROWS 2000000 /* 55 h at 100 ms: beyond it, not a series this harness wrote */

void nh_series_csv_free(nh_series_csv_t *s)
{
	if (!s)
		return;
	for (unsigned c = 0; c < s->cols; c++) {
		if (s->names)
			free(s->names[c]);
		if (s->col)
			free(s->col[c]);
	}
	free(s->names);
	free(s->col);
	memset(s, 0, sizeof *s);
}

int nh_series_csv_find(const nh_series_csv_t *s, const char *name)
{
	for (unsigned c = 0; c < s->cols; c++)
		if (strcmp(s->names[c], name) == 0)
			return (int)c;
	return -1;
}

/* The cells of one line [p, end): count them, or split them into \p cells (start, length). */
static unsigned count_cells(const char *p, const char *end)
{
	unsigned n = 1;
	for (; p < end; p++)
		n += *p == ',';
	return n;
}

static int fail(nh_err_t *err, int e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(nh_err_t *err, int e, const char *fmt, ...)
{
	char msg[sizeof err->msg];
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errno = e;
	return nh_err_set(err, "%s", msg);
}

/* A cell as a number: "" is not measured (NAN); anything but a whole finite number is an
 * error. */
static bool cell_value(const char *p, size_t len, double *v)
{
	if (len == 0) {
		*v = NAN;
		return true;
	}
	char buf[64];
	if (len >= sizeof buf)
		return false;
	memcpy(buf, p, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	*v = strtod(buf, &end);
	return end != buf && *end == '\0' && isfinite(*v) && errno != ERANGE;
}

static int grow_rows(nh_series_csv_t *s, unsigned *cap, nh_err_t *err)
{
	unsigned want = *cap ? *cap * 2 : 256;
	for (unsigned c = 0; c < s->cols; c++) {
		double *g = realloc(s->col[c], want * sizeof *g);
		if (!g)
			return fail(err, ENOMEM, "out of memory for the series");
		s->col[c] = g;
	}
	*cap = want;
	return 0;
}

int nh_series_csv_parse(const char *text, size_t len, const char *name, nh_series_csv_t *out,
			nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	const char *p = text, *stop = text + len;
	const char *eol = memchr(p, '\n', len);
	if (len == 0)
		return fail(err, EINVAL, "%s: empty (no header line)", name);
	if (!eol)
		return fail(err, EINVAL, "%s: no complete header line", name);
	const char *hend = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
	unsigned cols = count_cells(p, hend);
	if (cols > MAX_COLS)
		return fail(err, EINVAL, "%s:1: %u columns, more than %u", name, cols, MAX_COLS);
	out->names = calloc(cols, sizeof *out->names);
	out->col = calloc(cols, sizeof *out->col);
	if (!out->names || !out->col) {
		nh_series_csv_free(out);
		return fail(err, ENOMEM, "out of memory for the series");
	}
	out->cols = cols;
	for (unsigned c = 0; c < cols; c++) {
		const char *comma = memchr(p, ',', (size_t)(hend - p));
		const char *cend = comma ? comma : hend;
		size_t n = (size_t)(cend - p);
		if (n == 0 || memchr(p, '\0', n)) {
			nh_series_csv_free(out);
			return fail(err, EINVAL, "%s:1: column %u has no name", name, c + 1);
		}
		out->names[c] = strndup(p, n);
		if (!out->names[c]) {
			nh_series_csv_free(out);
			return fail(err, ENOMEM, "out of memory for the series");
		}
		for (unsigned d = 0; d < c; d++)
			if (strcmp(out->names[d], out->names[c]) == 0) {
				int rc = fail(err, EINVAL, "%s:1: column '%.64s' twice", name, out->names[c]);
				nh_series_csv_free(out);
				return rc;
			}
		p = cend + 1;
	}
	int tcol = nh_series_csv_find(out, "t_s");
	if (tcol < 0) {
		nh_series_csv_free(out);
		return fail(err, EINVAL, "%s:1: not a series CSV: no t_s column", name);
	}
	unsigned cap = 0, line = 1;
	for (p = eol + 1; p < stop; p = eol + 1) {
		line++;
		eol = memchr(p, '\n', (size_t)(stop - p));
		if (!eol) { /* written up to here when the run was killed: not a row */
			out->torn = true;
			out->torn_bytes = (size_t)(stop - p);
			break;
		}
		const char *lend = eol > p && eol[-1] == '\r' ? eol - 1 : eol;
		if (lend == p)
			continue; /* a blank line */
		unsigned n = count_cells(p, lend);
		if (n != cols) {
			int rc = fail(err, EINVAL, "%s:%u: %u cells, the header has %u", name, line, n, cols);
			nh_series_csv_free(out);
			return rc;
		}
		if (out->rows == MAX_ROWS) {
			nh_series_csv_free(out);
			return fail(err, EINVAL, "%s:%u: more than %u rows", name, line, MAX_ROWS);
		}
		if (out->rows == cap && grow_rows(out, &cap, err) < 0) {
			nh_series_csv_free(out);
			return -1;
		}
		for (unsigned c = 0; c < cols; c++) {
			const char *comma = memchr(p, ',', (size_t)(lend - p));
			const char *cend = comma ? comma : lend;
			double v;
			if (!cell_value(p, (size_t)(cend - p), &v)) {
				int w = (int)(cend - p > 32 ? 32 : cend - p);
				char shown[33];
				snprintf(shown, sizeof shown, "%.*s", w, p);
				for (char *q = shown; *q; q++)
					if ((unsigned char)*q < 0x20)
						*q = '?';
				int rc = fail(err, EINVAL, "%s:%u: column %s: not a number: '%s'", name, line,
					      out->names[c], shown);
				nh_series_csv_free(out);
				return rc;
			}
			if ((int)c == tcol && isnan(v)) {
				int rc = fail(err, EINVAL, "%s:%u: t_s is empty", name, line);
				nh_series_csv_free(out);
				return rc;
			}
			out->col[c][out->rows] = v;
			p = cend + 1;
		}
		out->rows++;
	}
	return 0;
}

int nh_series_csv_read(const char *path, nh_series_csv_t *out, nh_err_t *err)
{
	size_t len = 0;
	char *text = nh_read_file(path, &len, err);
	if (!text) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	int rc = nh_series_csv_parse(text, len, path, out, err);
	free(text);
	return rc;
}
