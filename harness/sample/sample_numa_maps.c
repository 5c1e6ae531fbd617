/* SPDX-License-Identifier: MIT */
/* sample_numa_maps: the numa_maps line parser and /proc/PID/maps extents, and per-node page
 * counts of chosen mappings (the placement check's second opinion). */
#include "sample_numa_maps.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample.h"

/* Modes whose printed names contain a space (mpol_to_str); the rest end at the first ' '. */
static const char *const spaced_modes[] = {"prefer (many)", "weighted interleave"};

size_t nh_numa_maps_policy_length(const char *p, size_t len)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(spaced_modes); i++) {
		size_t n = strlen(spaced_modes[i]);
		if (n <= len && strncmp(p, spaced_modes[i], n) == 0) {
			while (n < len && p[n] != ' ')
				n++;
			return n;
		}
	}
	size_t n = 0;
	while (n < len && p[n] != ' ')
		n++;
	return n;
}

/* Value of a "name=<number>" token, or false when \p tok is not that token. */
static bool token_value(const char *tok, size_t len, const char *name, uint64_t *out)
{
	size_t nlen = strlen(name);
	if (len <= nlen || memcmp(tok, name, nlen) != 0 || !isdigit((unsigned char)tok[nlen]))
		return false;
	*out = strtoull(tok + nlen, NULL, 10);
	return true;
}

static bool token_is(const char *tok, size_t len, const char *word)
{
	return len == strlen(word) && memcmp(tok, word, len) == 0;
}

int nh_numa_maps_line(const char *line, size_t len, nh_numa_maps_entry_t *e, nh_err_t *err)
{
	memset(e, 0, sizeof *e);
	e->page_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	size_t alen = 0;
	while (alen < len && isxdigit((unsigned char)line[alen]) && !isupper((unsigned char)line[alen]))
		alen++;
	size_t plen = alen < len ? nh_numa_maps_policy_length(line + alen + 1, len - alen - 1) : 0;
	if (alen == 0 || alen >= len || line[alen] != ' ' || plen == 0) {
		errno = EINVAL;
		return nh_err_set(err, "numa_maps: cannot parse '%.*s'", (int)(len < 60 ? len : 60), line);
	}
	e->start = (uintptr_t)strtoull(line, NULL, 16);
	e->policy = line + alen + 1;
	e->policy_len = plen;
	/* Walk the tokens in place: file= paths can be longer than any line buffer. */
	const char *end = line + len;
	for (const char *tok = e->policy + plen; tok < end;) {
		while (tok < end && *tok == ' ')
			tok++;
		size_t tlen = 0;
		while (tok + tlen < end && tok[tlen] != ' ')
			tlen++;
		if (!tlen)
			break;
		uint64_t v;
		if (tok[0] == 'N' && tlen > 1 && isdigit((unsigned char)tok[1])) {
			char *eq;
			unsigned long node = strtoul(tok + 1, &eq, 10);
			if (eq >= tok + tlen || *eq != '=' || !isdigit((unsigned char)eq[1])) {
				errno = EINVAL;
				return nh_err_set(err, "numa_maps: bad count '%.*s'", (int)(tlen < 40 ? tlen : 40), tok);
			}
			if (node >= NH_MAX_NODES) {
				errno = EINVAL;
				return nh_err_set(err, "numa_maps: node %lu beyond the %d nodes supported", node,
						  NH_MAX_NODES);
			}
			v = strtoull(eq + 1, NULL, 10);
			e->pages_by_node[node] += v;
			e->pages += v;
		} else if (token_value(tok, tlen, "anon=", &v)) {
			e->anon = v;
		} else if (token_value(tok, tlen, "kernelpagesize_kB=", &v)) {
			if (v)
				e->page_kb = v;
		} else if (tlen > 5 && memcmp(tok, "file=", 5) == 0) {
			e->file = tok + 5;
			e->file_len = tlen - 5;
		} else if (token_is(tok, tlen, "huge")) {
			e->huge = true;
		} else if (token_is(tok, tlen, "heap")) {
			e->heap = true;
		} else if (token_is(tok, tlen, "stack")) {
			e->stack = true;
		}
		tok += tlen;
	}
	return 0;
}

int nh_maps_extents_parse(const char *maps, nh_maps_extents_t *x)
{
	size_t cap = 0;
	x->r = NULL;
	x->n = 0;
	for (const char *line = maps; line && *line; line = nh_next_line(line)) {
		uintptr_t lo, hi;
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR, &lo, &hi) != 2)
			continue;
		if (x->n == cap) {
			cap = cap ? 2 * cap : 256;
			void *grown = realloc(x->r, cap * sizeof *x->r);
			if (!grown) {
				errno = ENOMEM;
				return -1;
			}
			x->r = grown;
		}
		x->r[x->n][0] = lo;
		x->r[x->n][1] = hi;
		x->n++;
	}
	return 0;
}

uintptr_t nh_maps_extent_end(const nh_maps_extents_t *x, uintptr_t start)
{
	size_t lo = 0, hi = x->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (x->r[mid][0] < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n && x->r[lo][0] == start ? x->r[lo][1] : 0;
}

void nh_maps_extents_free(nh_maps_extents_t *x)
{
	free(x->r);
	x->r = NULL;
	x->n = 0;
}

static bool overlaps(uintptr_t lo, uintptr_t hi, const nh_range_t *ranges, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (lo < ranges[i].hi && ranges[i].lo < hi)
			return true;
	return false;
}

int nh_numa_maps_pages(const char *numa_maps, const char *maps, const nh_range_t *ranges,
		       unsigned count, uint64_t pages_by_node[NH_MAX_NODES], nh_err_t *err)
{
	const uint64_t base = (uint64_t)sysconf(_SC_PAGESIZE);
	nh_maps_extents_t x;
	memset(pages_by_node, 0, sizeof(uint64_t) * NH_MAX_NODES);
	if (nh_maps_extents_parse(maps ? maps : "", &x) < 0)
		return nh_err_set(err, "out of memory");
	int matched = 0;
	for (const char *line = numa_maps; line && *line; line = nh_next_line(line)) {
		size_t len = strcspn(line, "\n");
		nh_numa_maps_entry_t e;
		if (len == 0)
			continue;
		if (nh_numa_maps_line(line, len, &e, err) < 0) {
			matched = -1;
			break;
		}
		uintptr_t end = nh_maps_extent_end(&x, e.start);
		if (!end || !overlaps(e.start, end, ranges, count))
			continue;
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			pages_by_node[n] += e.pages_by_node[n] * e.page_kb * 1024 / base;
		matched++;
	}
	nh_maps_extents_free(&x);
	return matched;
}
