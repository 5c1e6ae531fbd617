/* SPDX-License-Identifier: MIT */
/* host_summary: a host's manifest.json alone, and its metrics.csv streamed row by row — what the
 * fleet reads of each of its thousands of hosts, never their runs.jsonl. */
#include "host_summary.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A path in a host directory: the directory and a file name. */
#define PATH_LEN (PATH_MAX + 32)

static int join(char *path, const char *dir, const char *name, nh_err_t *err)
{
	int n = snprintf(path, PATH_LEN, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_LEN) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "%.256s...: path too long", dir);
	}
	return 0;
}

void nh_host_summary_threads(void) { json_object_seed(0); }

/* ---- manifest.json ---- */

nh_mv_t *nh_mv_load(const char *dir, nh_err_t *err)
{
	char path[PATH_LEN];
	if (join(path, dir, "manifest.json", err) < 0)
		return NULL;
	/* read whole, then parsed: jansson's own file reader takes a byte at a time, which is most
	 * of a fleet's time */
	size_t len;
	char *text = nh_read_file(path, &len, NULL);
	if (!text) {
		int saved = errno;
		nh_err_set(err, "%s: %s", path, saved == ENOENT ? "no such file" : strerror(saved));
		errno = saved;
		return NULL;
	}
	json_error_t je;
	json_t *m = json_loadb(text, len, 0, &je);
	free(text);
	if (!m) {
		errno = EINVAL;
		nh_err_set(err, "%s:%d: not JSON: %s", path, je.line, je.text);
		return NULL;
	}
	if (!json_is_object(m)) {
		json_decref(m);
		errno = EINVAL;
		nh_err_set(err, "%s:1: not a JSON object", path);
		return NULL;
	}
	return (nh_mv_t *)m; /* a manifest view is the loaded object (record_view.c) */
}

void nh_mv_free(nh_mv_t *mv) { json_decref((json_t *)mv); }

/* ---- metrics.csv ---- */

enum { MAX_COLUMNS = 32, READ_CHUNK = 1 << 16 };

/* The columns the reader hands out, by their header names. */
enum col { C_RUN_ID, C_RUN, C_CONFIG, C_REP, C_WARMUP, C_WORKLOAD, C_PARAMS, C_POLICY, C_OUTCOME,
	   C_METRIC, C_VALUE, C_UNIT, C_BETTER, C_COUNT };
static const char *const COLUMN_NAMES[C_COUNT] = {
	"run_id", "run", "config", "rep", "warmup", "workload", "params", "policy", "outcome",
	"metric", "value", "unit", "better"};
/* Without these a row says nothing a reader can use. */
static const enum col REQUIRED[] = {C_WORKLOAD, C_POLICY, C_OUTCOME, C_METRIC, C_VALUE};

struct nh_metrics_csv {
	char path[PATH_LEN];
	int fd;
	char *buf;
	size_t cap, len, pos; /* buf[pos, len): read, not yet consumed */
	bool eof;
	unsigned line;
	unsigned columns;    /* of the header */
	int index[C_COUNT];  /* column of each field, -1 when the header lacks it */
	char *field[MAX_COLUMNS];
	char warning[PATH_LEN + 96];
};

/* Nothing but blanks or NUL bytes (what a crash leaves past the last write). */
static bool only_padding(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\0' && p[i] != '\n')
			return false;
	return true;
}

/* The next line of the file, NUL-terminated in place: 1; 0 at the end; -1 on a read error.
 * *torn is set for a last line without its newline. */
static int next_line(nh_metrics_csv_t *c, char **line, size_t *n, bool *torn, nh_err_t *err)
{
	*torn = false;
	for (;;) {
		char *start = c->buf + c->pos;
		char *nl = memchr(start, '\n', c->len - c->pos);
		if (nl) {
			*nl = '\0';
			*line = start;
			*n = (size_t)(nl - start);
			c->pos = (size_t)(nl + 1 - c->buf);
			c->line++;
			return 1;
		}
		if (c->eof) {
			if (c->pos == c->len)
				return 0;
			c->line++;
			*line = start;
			*n = c->len - c->pos;
			c->buf[c->len] = '\0';
			c->pos = c->len;
			*torn = true;
			return 1;
		}
		/* keep the partial line, make room, read on */
		memmove(c->buf, start, c->len - c->pos);
		c->len -= c->pos;
		c->pos = 0;
		if (c->cap - c->len < READ_CHUNK + 1) {
			size_t cap = c->cap * 2;
			char *grown = realloc(c->buf, cap);
			if (!grown) {
				errno = ENOMEM;
				return nh_err_set(err, "%s: out of memory for a line of %zu bytes", c->path,
						  c->len);
			}
			c->buf = grown;
			c->cap = cap;
		}
		ssize_t got;
		do
			got = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
		while (got < 0 && errno == EINTR);
		if (got < 0)
			return nh_err_set(err, "%s: %s", c->path, strerror(errno));
		if (got == 0)
			c->eof = true;
		c->len += (size_t)got;
	}
}

/* Split \p line into fields in place, RFC 4180 quoting undone. Returns how many, or -1 when a
 * quoted field is not closed properly (what is wrong in \p why). */
static int split(nh_metrics_csv_t *c, char *line, size_t n, const char **why)
{
	if (n && line[n - 1] == '\r')
		line[--n] = '\0';
	int count = 0;
	char *r = line, *end = line + n;
	for (;;) {
		if (count == MAX_COLUMNS) {
			*why = "more than 32 fields";
			return -1;
		}
		char *w = r;
		c->field[count++] = w;
		if (*r == '"') {
			for (r++;; r++) {
				if (r >= end) {
					*why = "a quoted field is not closed";
					return -1;
				}
				if (*r == '"') {
					if (r + 1 < end && r[1] == '"') {
						*w++ = '"';
						r++;
						continue;
					}
					r++;
					break;
				}
				*w++ = *r;
			}
			if (r < end && *r != ',') {
				*why = "text after a quoted field's closing quote";
				return -1;
			}
		} else {
			char *comma = memchr(r, ',', (size_t)(end - r));
			w = r = comma ? comma : end;
		}
		if (r >= end) {
			*w = '\0';
			return count;
		}
		*w = '\0'; /* over the comma, or behind the closing quote */
		r++;
	}
}

static int fail_at(nh_metrics_csv_t *c, nh_err_t *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_at(nh_metrics_csv_t *c, nh_err_t *err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return nh_err_set(err, "%s:%u: %s", c->path, c->line, msg);
}

nh_metrics_csv_t *nh_metrics_csv_open(const char *dir, nh_err_t *err)
{
	nh_metrics_csv_t *c = calloc(1, sizeof *c);
	if (!c) {
		nh_err_set(err, "out of memory");
		return NULL;
	}
	c->fd = -1;
	if (join(c->path, dir, "metrics.csv", err) < 0)
		goto fail;
	c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		int saved = errno;
		nh_err_set(err, "%s: %s", c->path, saved == ENOENT ? "no such file" : strerror(saved));
		errno = saved;
		goto fail;
	}
	c->cap = 4 * READ_CHUNK;
	if (!(c->buf = malloc(c->cap))) {
		nh_err_set(err, "out of memory");
		goto fail;
	}
	char *line;
	size_t n;
	bool torn;
	int got = next_line(c, &line, &n, &torn, err);
	if (got < 0)
		goto fail;
	if (got == 0) {
		errno = EINVAL;
		nh_err_set(err, "%s: empty (no header)", c->path);
		goto fail;
	}
	const char *why;
	int columns = split(c, line, n, &why);
	if (columns < 0) {
		fail_at(c, err, "header: %s", why);
		goto fail;
	}
	c->columns = (unsigned)columns;
	for (unsigned k = 0; k < C_COUNT; k++) {
		c->index[k] = -1;
		for (unsigned i = 0; i < c->columns; i++)
			if (strcmp(c->field[i], COLUMN_NAMES[k]) == 0)
				c->index[k] = (int)i;
	}
	for (unsigned k = 0; k < NH_ARRAY_LEN(REQUIRED); k++)
		if (c->index[REQUIRED[k]] < 0) {
			fail_at(c, err, "no '%s' column in the header", COLUMN_NAMES[REQUIRED[k]]);
			goto fail;
		}
	return c;
fail:
	nh_metrics_csv_close(c);
	return NULL;
}

static const char *field_of(const nh_metrics_csv_t *c, enum col k)
{
	return c->index[k] < 0 ? "" : c->field[c->index[k]];
}

/* An integer column: absent when the header lacks it or the cell is not one. */
static nh_num_t int_of(const nh_metrics_csv_t *c, enum col k)
{
	if (c->index[k] < 0)
		return (nh_num_t){.why = "metrics.csv: no such column"};
	const char *s = field_of(c, k);
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		return (nh_num_t){.why = "metrics.csv: not an integer"};
	return (nh_num_t){.present = true, .v = (double)v};
}

int nh_metrics_csv_next(nh_metrics_csv_t *c, nh_metrics_row_t *row, nh_err_t *err)
{
	for (;;) {
		char *line;
		size_t n;
		bool torn;
		int got = next_line(c, &line, &n, &torn, err);
		if (got <= 0)
			return got;
		if (only_padding(line, n))
			continue; /* a blank line, or the NUL padding a crash can leave */
		if (torn) {
			snprintf(c->warning, sizeof c->warning,
				 "%s:%u: torn last row (%zu bytes) ignored", c->path, c->line, n);
			return 0;
		}
		const char *why;
		int fields = split(c, line, n, &why);
		if (fields < 0)
			return fail_at(c, err, "%s", why);
		if ((unsigned)fields != c->columns)
			return fail_at(c, err, "%d fields, the header has %u", fields, c->columns);
		memset(row, 0, sizeof *row);
		row->line = c->line;
		row->run_id = field_of(c, C_RUN_ID);
		row->workload = field_of(c, C_WORKLOAD);
		row->params = field_of(c, C_PARAMS);
		row->policy = field_of(c, C_POLICY);
		row->outcome = field_of(c, C_OUTCOME);
		row->metric = field_of(c, C_METRIC);
		row->unit = field_of(c, C_UNIT);
		row->run = int_of(c, C_RUN);
		row->config = int_of(c, C_CONFIG);
		row->rep = int_of(c, C_REP);
		const char *warmup = field_of(c, C_WARMUP);
		row->warmup = strcmp(warmup, "1") == 0 || strcmp(warmup, "true") == 0;
		const char *better = field_of(c, C_BETTER);
		row->better = strcmp(better, "higher") == 0 ? 1 : strcmp(better, "lower") == 0 ? -1 : 0;
		const char *value = field_of(c, C_VALUE);
		if (!*value) {
			row->value = (nh_num_t){.why = "metrics.csv value: empty (not measured)"};
		} else {
			char *end;
			double v = strtod(value, &end);
			if (end == value || *end || !isfinite(v))
				return fail_at(c, err, "value '%s' is not a number", value);
			row->value = (nh_num_t){.present = true, .v = v};
		}
		return 1;
	}
}

const char *nh_metrics_csv_warning(const nh_metrics_csv_t *c)
{
	return c->warning[0] ? c->warning : NULL;
}

void nh_metrics_csv_close(nh_metrics_csv_t *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}
