/* SPDX-License-Identifier: MIT */
/* util: error carrier, logging, bit sets, parsers and file helpers shared by every module. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

int nh_err_set(nh_err_t *err, const char *fmt, ...)
{
	int saved = errno;
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	errno = saved;
	return -1;
}

int nh_err_prefix(nh_err_t *err, const char *fmt, ...)
{
	int saved = errno;
	if (err) {
		char prefix[sizeof err->msg], old[sizeof err->msg]; /* a long quoted spec keeps its closing quote */
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(prefix, sizeof prefix, fmt, ap);
		va_end(ap);
		snprintf(old, sizeof old, "%s", err->msg);
		nh_format_cut(err->msg, sizeof err->msg, "%s: %s", prefix, old);
	}
	errno = saved;
	return -1;
}

bool nh_vformat_cut(char *buf, size_t len, const char *fmt, va_list ap)
{
	if (len == 0)
		return true;
	int n = vsnprintf(buf, len, fmt, ap);
	if (n < 0) {
		buf[0] = '\0';
		return true;
	}
	if ((size_t)n < len)
		return false;
	/* Mark the cut where there is room for the mark (a smaller buffer just keeps what fits),
	 * never inside a UTF-8 sequence. */
	if (len > 3) {
		size_t at = len - 4;
		while (at > 0 && ((unsigned char)buf[at] & 0xC0) == 0x80)
			at--;
		memcpy(buf + at, "...", 4);
	}
	return true;
}

bool nh_format_cut(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool cut = nh_vformat_cut(buf, len, fmt, ap);
	va_end(ap);
	return cut;
}

static enum nh_log_level log_level = NH_LOG_WARN;

void nh_log_set_level(enum nh_log_level level) { log_level = level; }
enum nh_log_level nh_log_get_level(void) { return log_level; }

void nh_log(enum nh_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {"error", "warning", "info", "debug"};
	if (level > log_level)
		return;
	int saved = errno;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "numaharness: %s: ", names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	errno = saved;
}

/* ---- bit sets ---- */

void nh_set_clear(nh_set_t *s) { memset(s, 0, sizeof *s); }

void nh_set_add(nh_set_t *s, unsigned bit)
{
	if (bit < NH_SET_BITS)
		s->w[bit / 64] |= UINT64_C(1) << (bit % 64);
}

void nh_set_del(nh_set_t *s, unsigned bit)
{
	if (bit < NH_SET_BITS)
		s->w[bit / 64] &= ~(UINT64_C(1) << (bit % 64));
}

bool nh_set_has(const nh_set_t *s, unsigned bit)
{
	return bit < NH_SET_BITS && (s->w[bit / 64] >> (bit % 64)) & 1;
}

unsigned nh_set_count(const nh_set_t *s)
{
	unsigned n = 0;
	for (size_t i = 0; i < NH_ARRAY_LEN(s->w); i++)
		n += (unsigned)__builtin_popcountll(s->w[i]);
	return n;
}

bool nh_set_empty(const nh_set_t *s) { return nh_set_next(s, 0) < 0; }

int nh_set_next(const nh_set_t *s, int from)
{
	if (from < 0)
		from = 0;
	for (unsigned i = (unsigned)from; i < NH_SET_BITS; i++) {
		uint64_t word = s->w[i / 64] >> (i % 64);
		if (word == 0) {
			i = (i / 64) * 64 + 63; /* skip the rest of an empty word */
			continue;
		}
		return (int)(i + (unsigned)__builtin_ctzll(word));
	}
	return -1;
}

void nh_set_or(nh_set_t *dst, const nh_set_t *src)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(dst->w); i++)
		dst->w[i] |= src->w[i];
}

void nh_set_and(nh_set_t *dst, const nh_set_t *src)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(dst->w); i++)
		dst->w[i] &= src->w[i];
}

bool nh_set_equal(const nh_set_t *a, const nh_set_t *b) { return memcmp(a, b, sizeof *a) == 0; }

bool nh_set_subset(const nh_set_t *a, const nh_set_t *b)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(a->w); i++)
		if (a->w[i] & ~b->w[i])
			return false;
	return true;
}

void nh_set_minus(nh_set_t *out, const nh_set_t *a, const nh_set_t *b)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(out->w); i++)
		out->w[i] = a->w[i] & ~b->w[i];
}

char *nh_set_format(const nh_set_t *s, char *buf, size_t len)
{
	size_t used = 0;
	if (len == 0)
		return buf;
	buf[0] = '\0';
	for (int lo = nh_set_next(s, 0); lo >= 0;) {
		int hi = lo;
		while (hi + 1 < NH_SET_BITS && nh_set_has(s, (unsigned)hi + 1))
			hi++;
		int n = hi > lo ? snprintf(buf + used, len - used, "%s%d-%d", used ? "," : "", lo, hi)
				: snprintf(buf + used, len - used, "%s%d", used ? "," : "", lo);
		if (n < 0 || (size_t)n >= len - used)
			break; /* truncated: keep what fits */
		used += (size_t)n;
		lo = nh_set_next(s, hi + 1);
	}
	return buf;
}

static int parse_list_number(const char *p, char **end, unsigned *out)
{
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	unsigned long v = strtoul(p, end, 10);
	if (errno || v >= NH_SET_BITS)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int nh_set_parse(nh_set_t *s, const char *text, nh_err_t *err)
{
	nh_set_clear(s);
	if (!text || !*text) {
		errno = EINVAL;
		return nh_err_set(err, "empty list");
	}
	const char *p = text;
	for (;;) {
		char *end;
		unsigned lo, hi;
		if (parse_list_number(p, &end, &lo) < 0) {
			errno = EINVAL;
			return nh_err_set(err, "bad list '%s': expected a number at '%s'", text, p);
		}
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			if (parse_list_number(p, &end, &hi) < 0) {
				errno = EINVAL;
				return nh_err_set(err, "bad list '%s': expected a number after '-'", text);
			}
			if (hi < lo) {
				errno = EINVAL;
				return nh_err_set(err, "bad list '%s': range %u-%u is reversed", text, lo, hi);
			}
		}
		for (unsigned i = lo; i <= hi; i++)
			nh_set_add(s, i);
		if (*end == '\0')
			return 0;
		if (*end != ',') {
			errno = EINVAL;
			return nh_err_set(err, "bad list '%s': unexpected '%c'", text, *end);
		}
		p = end + 1;
	}
}

/* ---- numbers, sizes, durations ---- */

int nh_parse_size(const char *text, uint64_t *out, nh_err_t *err)
{
	if (!text || !*text || !(isdigit((unsigned char)text[0]) || text[0] == '.')) {
		errno = EINVAL;
		return nh_err_set(err, "bad size '%s': expected a number with an optional K/M/G/T suffix",
				  text ? text : "");
	}
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || !isfinite(v) || v < 0) {
		errno = EINVAL;
		return nh_err_set(err, "bad size '%s'", text);
	}
	double mult = 1;
	switch (toupper((unsigned char)*end)) {
	case 'K': mult = 1024.0; end++; break;
	case 'M': mult = 1024.0 * 1024; end++; break;
	case 'G': mult = 1024.0 * 1024 * 1024; end++; break;
	case 'T': mult = 1024.0 * 1024 * 1024 * 1024; end++; break;
	case 'B': break;
	case '\0': break;
	default:
		errno = EINVAL;
		return nh_err_set(err, "bad size '%s': unknown unit '%s' (use K, M, G or T)", text, end);
	}
	if (mult > 1 && (strcasecmp(end, "iB") == 0 || strcasecmp(end, "B") == 0))
		end += strlen(end);
	else if (mult == 1 && strcasecmp(end, "B") == 0)
		end++;
	if (*end != '\0') {
		errno = EINVAL;
		return nh_err_set(err, "bad size '%s': trailing '%s'", text, end);
	}
	double bytes = v * mult;
	if (bytes >= 18446744073709551615.0) {
		errno = ERANGE;
		return nh_err_set(err, "bad size '%s': too large", text);
	}
	*out = (uint64_t)bytes;
	return 0;
}

int nh_parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *out, nh_err_t *err)
{
	if (!text || !isdigit((unsigned char)text[0])) {
		errno = EINVAL;
		return nh_err_set(err, "bad number '%s'", text ? text : "");
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || *end) {
		errno = EINVAL;
		return nh_err_set(err, "bad number '%s'", text);
	}
	if (v < min || v > max) {
		errno = ERANGE;
		return nh_err_set(err, "number %llu out of range [%llu, %llu]", v,
				  (unsigned long long)min, (unsigned long long)max);
	}
	*out = v;
	return 0;
}

int nh_parse_duration(const char *text, double *seconds, nh_err_t *err)
{
	char *end;
	if (!text || !*text) {
		errno = EINVAL;
		return nh_err_set(err, "bad duration ''");
	}
	errno = 0;
	double v = strtod(text, &end);
	if (errno || end == text || !isfinite(v) || v < 0) {
		errno = EINVAL;
		return nh_err_set(err, "bad duration '%s'", text);
	}
	double mult;
	if (*end == '\0' || strcmp(end, "s") == 0)
		mult = 1;
	else if (strcmp(end, "ms") == 0)
		mult = 1e-3;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mult = 60;
	else if (strcmp(end, "h") == 0)
		mult = 3600;
	else {
		errno = EINVAL;
		return nh_err_set(err, "bad duration '%s': unknown unit '%s' (use ms, s, m or h)", text, end);
	}
	*seconds = v * mult;
	return 0;
}

char *nh_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < NH_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu %s", (unsigned long long)v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/* ---- files ---- */

char *nh_read_file(const char *path, size_t *len, nh_err_t *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		nh_err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, used = 0;
	char *buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		if (used + 1 >= cap) {
			char *grown = realloc(buf, cap * 2);
			if (!grown)
				goto fail;
			buf = grown;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	close(fd);
	if (len)
		*len = used;
	return buf;
fail:
	nh_err_set(err, "%s: %s", path, strerror(errno));
	free(buf);
	close(fd);
	return NULL;
}

int nh_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		int saved = ferror(f) ? errno : ENODATA;
		fclose(f);
		errno = saved;
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int nh_write_file_atomic(const char *path, const char *data, size_t len, nh_err_t *err)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "%s: path too long", path);
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return nh_err_set(err, "cannot write %s: %s", path, strerror(errno));
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		nh_err_set(err, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		nh_err_set(err, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int nh_append_fsync(int fd, const char *data, size_t len, nh_err_t *err)
{
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
		return nh_err_set(err, "append failed: %s", strerror(errno));
	return 0;
}

int nh_mkdir_p(const char *path, nh_err_t *err)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "%s: path too long", path);
	}
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;
			*p = '\0';
			if (mkdir(buf, 0755) < 0 && errno != EEXIST)
				return nh_err_set(err, "cannot create directory %s: %s", buf, strerror(errno));
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	struct stat st;
	if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return nh_err_set(err, "%s is not a directory", path);
	}
	return 0;
}

const char *nh_next_line(const char *line)
{
	const char *nl = strchr(line, '\n');
	return nl ? nl + 1 : NULL;
}

bool nh_has_token(const char *list, size_t len, const char *tok, char sep)
{
	size_t tlen = strlen(tok);
	const char *p = list, *end = list + len;
	while (p < end) {
		const char *q = memchr(p, sep, (size_t)(end - p));
		if (!q)
			q = end;
		if ((size_t)(q - p) == tlen && memcmp(p, tok, tlen) == 0)
			return true;
		p = q + 1;
	}
	return false;
}

void nh_proc_cgroup_paths(const char *proc_cgroup, const char *controller, char *v1_path,
			  size_t v1_len, bool *have_v1, char *v2, size_t v2_len, bool *have_v2)
{
	*have_v1 = *have_v2 = false;
	v1_path[0] = v2[0] = '\0';
	/* "hierarchy-id:controller,list:path"; "0::path" is the v2 hierarchy. */
	for (const char *line = proc_cgroup; line && *line; line = nh_next_line(line)) {
		size_t llen = strcspn(line, "\n");
		const char *c1 = memchr(line, ':', llen);
		const char *c2 = c1 ? memchr(c1 + 1, ':', llen - (size_t)(c1 + 1 - line)) : NULL;
		if (!c2)
			continue;
		const char *path = c2 + 1;
		int plen = (int)(llen - (size_t)(path - line));
		if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1) {
			snprintf(v2, v2_len, "%.*s", plen, path);
			*have_v2 = true;
		} else if (nh_has_token(c1 + 1, (size_t)(c2 - c1 - 1), controller, ',')) {
			snprintf(v1_path, v1_len, "%.*s", plen, path);
			*have_v1 = true;
		}
	}
}

void nh_unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static nh_err_t *empty_dir_err;
static const char *empty_dir_root;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level == 0 || strcmp(path, empty_dir_root) == 0)
		return 0;
	if (remove(path) < 0) {
		nh_err_set(empty_dir_err, "cannot remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int nh_empty_dir(const char *dir, nh_err_t *err)
{
	if (access(dir, F_OK) < 0)
		return 0;
	empty_dir_err = err;
	empty_dir_root = dir;
	/* Depth first, without following links: a symlink is removed, never what it points to. */
	return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

double nh_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

char *nh_utc_stamp(char *buf, size_t len, bool iso)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y%m%dT%H%M%SZ", &tm);
	return buf;
}

int nh_kernel_version(int *major, int *minor)
{
	struct utsname u;
	if (uname(&u) < 0)
		return -1;
	if (sscanf(u.release, "%d.%d", major, minor) != 2) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

void nh_metric_set(nh_metric_t *m, const char *name, const char *unit, int better, double value)
{
	snprintf(m->name, sizeof m->name, "%s", name);
	snprintf(m->unit, sizeof m->unit, "%s", unit);
	m->better = better;
	m->value = value;
}
