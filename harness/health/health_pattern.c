/* SPDX-License-Identifier: MIT */
/* health_pattern: the PATTERNS of a match file line — Slurm hostlist expressions and globs —
 * checked and matched against a node name without expanding them (n[1-100000] costs nothing). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

#define DIGITS_MAX 18 /* a hostlist number: fits in uint64_t with room */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The end of the pattern starting at \p p: the next comma outside brackets, or the end. */
static const char *pattern_end(const char *p)
{
	bool in_bracket = false;
	for (; *p; p++) {
		if (*p == '[')
			in_bracket = true;
		else if (*p == ']')
			in_bracket = false;
		else if (*p == ',' && !in_bracket)
			break;
	}
	return p;
}

/* One "lo" or "lo-hi" of a bracket, [p, end): its bounds and zero-padded width (Slurm's: the
 * number of digits written for lo). 0, or -1 with what is wrong. */
static int parse_range(const char *p, const char *end, uint64_t *lo, uint64_t *hi, unsigned *width,
		       char *why, size_t len)
{
	const char *dash = memchr(p, '-', (size_t)(end - p));
	const char *lo_end = dash ? dash : end;
	size_t lo_n = (size_t)(lo_end - p), hi_n = dash ? (size_t)(end - dash - 1) : 0;
	if (lo_n == 0 || (dash && hi_n == 0)) {
		snprintf(why, len, "'%.*s' is not a number or a range N-M", (int)(end - p), p);
		return -1;
	}
	for (const char *q = p; q < end; q++)
		if (!is_digit(*q) && q != dash) {
			snprintf(why, len, "'%.*s' is not a number or a range N-M", (int)(end - p), p);
			return -1;
		}
	if (lo_n > DIGITS_MAX || hi_n > DIGITS_MAX) {
		snprintf(why, len, "'%.*s' has a number of more than %d digits", (int)(end - p), p,
			 DIGITS_MAX);
		return -1;
	}
	*lo = strtoull(p, NULL, 10);
	*hi = dash ? strtoull(dash + 1, NULL, 10) : *lo;
	*width = (unsigned)lo_n;
	if (*hi < *lo) {
		snprintf(why, len, "range '%.*s' runs backwards", (int)(end - p), p);
		return -1;
	}
	return 0;
}

/* Check one pattern [p, end); 0, or -1 with \p why. */
static int check_one(const char *p, const char *end, char *why, size_t len)
{
	if (p == end) {
		snprintf(why, len, "an empty pattern (two commas, or one at an end)");
		return -1;
	}
	bool glob = false, brackets = false;
	for (const char *q = p; q < end; q++) {
		if (*q == '*' || *q == '?') {
			glob = true;
		} else if (*q == '[') {
			brackets = true;
			const char *close = q + 1;
			while (close < end && *close != ']' && *close != '[')
				close++;
			if (close == end || *close != ']') {
				snprintf(why, len, "'[' without its ']'");
				return -1;
			}
			if (close == q + 1) {
				snprintf(why, len, "empty brackets '[]'");
				return -1;
			}
			for (const char *item = q + 1; item < close;) {
				const char *item_end = memchr(item, ',', (size_t)(close - item));
				if (!item_end)
					item_end = close;
				uint64_t lo, hi;
				unsigned width;
				if (parse_range(item, item_end, &lo, &hi, &width, why, len) < 0)
					return -1;
				item = item_end + 1;
				if (item_end < close && item == close) {
					snprintf(why, len, "a comma with nothing after it inside brackets");
					return -1;
				}
			}
			q = close;
		} else if (*q == ']') {
			snprintf(why, len, "']' without its '['");
			return -1;
		} else if (!name_char(*q)) {
			if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
				snprintf(why, len, "byte 0x%02x is not allowed (letters, digits, '.', "
					 "'_', '-', hostlist brackets, '*' and '?')", (unsigned char)*q);
			else
				snprintf(why, len, "'%c' is not allowed (letters, digits, '.', '_', '-', "
					 "hostlist brackets, '*' and '?')", *q);
			return -1;
		}
	}
	if (glob && end - p > 255) {
		snprintf(why, len, "a glob longer than 255 bytes");
		return -1;
	}
	if (glob && brackets) {
		snprintf(why, len, "a hostlist (brackets) or a glob ('*', '?'), not both in one "
			 "pattern");
		return -1;
	}
	return 0;
}

int nh_health_patterns_check(const char *patterns, nh_err_t *err)
{
	for (const char *p = patterns;;) {
		const char *end = pattern_end(p);
		char why[200];
		if (check_one(p, end, why, sizeof why) < 0) {
			errno = EINVAL;
			if (end > p)
				return nh_err_set(err, "pattern '%.*s': %s", (int)(end - p), p, why);
			return nh_err_set(err, "patterns '%s': %s", patterns, why);
		}
		if (!*end)
			return 0;
		p = end + 1;
	}
}

static unsigned digits_of(uint64_t v)
{
	unsigned n = 1;
	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Does the hostlist pattern [p, end) match all of \p name? A bracket takes as many digits as one
 * of its numbers printed at its width ("%0*lu", as Slurm prints hostnames). */
static bool hostlist_match(const char *p, const char *end, const char *name)
{
	for (; p < end && *p != '['; p++, name++)
		if (*p != *name)
			return false;
	if (p == end)
		return *name == '\0';
	const char *close = memchr(p, ']', (size_t)(end - p));
	size_t run = strspn(name, "0123456789");
	if (run > DIGITS_MAX)
		run = DIGITS_MAX;
	for (const char *item = p + 1; item < close;) {
		const char *item_end = memchr(item, ',', (size_t)(close - item));
		if (!item_end)
			item_end = close;
		uint64_t lo, hi, v = 0;
		unsigned width;
		char why[8];
		if (parse_range(item, item_end, &lo, &hi, &width, why, sizeof why) == 0) {
			for (size_t k = 1; k <= run; k++) {
				v = v * 10 + (uint64_t)(name[k - 1] - '0');
				unsigned shown = digits_of(v) > width ? digits_of(v) : width;
				if (v >= lo && v <= hi && k == shown &&
				    hostlist_match(close + 1, end, name + k))
					return true;
			}
		}
		item = item_end + 1;
	}
	return false;
}

bool nh_health_patterns_match(const char *patterns, const char *node)
{
	for (const char *p = patterns;;) {
		const char *end = pattern_end(p);
		size_t n = (size_t)(end - p);
		if (memchr(p, '*', n) || memchr(p, '?', n)) {
			char glob[256];
			if (n < sizeof glob) {
				memcpy(glob, p, n);
				glob[n] = '\0';
				if (fnmatch(glob, node, 0) == 0)
					return true;
			}
		} else if (hostlist_match(p, end, node)) {
			return true;
		}
		if (!*end)
			return false;
		p = end + 1;
	}
}

int nh_health_node_check(const char *name, nh_err_t *err)
{
	errno = EINVAL;
	size_t len = strlen(name);
	if (len == 0)
		return nh_err_set(err, "node name is empty");
	if (len > NH_HEALTH_NODE_MAX)
		return nh_err_set(err, "node name '%.80s%s' is %zu bytes long (at most %d)", name,
				  len > 80 ? "..." : "", len, NH_HEALTH_NODE_MAX);
	for (const char *p = name; *p; p++)
		if (!name_char(*p)) {
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
				return nh_err_set(err, "node name has byte 0x%02x (letters, digits, '.', '_' "
						  "and '-' only)", (unsigned char)*p);
			return nh_err_set(err, "node name '%s' has '%c' (letters, digits, '.', '_' and "
					  "'-' only)", name, *p);
		}
	if (name[0] == '.')
		return nh_err_set(err, "node name '%s' starts with '.'", name);
	errno = 0;
	return 0;
}
