/* SPDX-License-Identifier: MIT */
/* health_match: the match file — "PATTERNS key=value ..." lines, every one checked when the file
 * is read (a broken config is bad input, never a reason to drain), and the entry of one node:
 * every matching line merged in file order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

static const char *const key_names[NH_HK_COUNT] = {
	[NH_HK_NODES] = "nodes",
	[NH_HK_CPUS_PER_NODE] = "cpus_per_node",
	[NH_HK_NODE_MEMORY] = "node_memory",
	[NH_HK_DISTANCE_MIN] = "distance_min",
	[NH_HK_DISTANCE_MAX] = "distance_max",
	[NH_HK_DISTANCES] = "distances",
	[NH_HK_THP] = "thp",
	[NH_HK_THP_DEFRAG] = "thp_defrag",
	[NH_HK_NUMA_BALANCING] = "numa_balancing",
	[NH_HK_VALIDATION] = "validation",
	[NH_HK_VALIDATION_MAX_AGE] = "validation_max_age",
};

const char *nh_health_key_name(enum nh_health_key k)
{
	return (unsigned)k < NH_HK_COUNT ? key_names[k] : "?";
}

bool nh_health_key_is_bios(enum nh_health_key k)
{
	return k == NH_HK_NODES || k == NH_HK_CPUS_PER_NODE || k == NH_HK_NODE_MEMORY ||
	       k == NH_HK_DISTANCE_MIN || k == NH_HK_DISTANCE_MAX;
}

struct match_kv {
	enum nh_health_key key;
	const char *value;
};

struct match_line {
	unsigned no;
	const char *patterns;
	struct match_kv kv[NH_HK_COUNT]; /* each key at most once a line */
	unsigned count;
};

struct nh_health_match {
	char *path;
	char *text; /* the file, cut into NUL-terminated tokens that the lines point at */
	struct match_line *lines;
	unsigned count, cap;
};

/* The selected values the kernel offers (mm/huge_memory.c). */
static const char *const thp_choices[] = {"always", "madvise", "never", NULL};
static const char *const defrag_choices[] = {"always", "defer", "defer+madvise", "madvise",
					     "never", NULL};

static int parse_choice(const char *text, const char *const *choices, nh_err_t *err)
{
	for (const char *const *c = choices; *c; c++)
		if (strcmp(text, *c) == 0)
			return 0;
	char list[96] = "";
	for (const char *const *c = choices; *c; c++)
		nh_format_cut(list + strlen(list), sizeof list - strlen(list), "%s%s",
			      c == choices ? "" : ", ", *c);
	errno = EINVAL;
	return nh_err_set(err, "'%s' is not one of %s", text, list);
}

/* "10,21/21,10": rows separated by '/', a square matrix of SLIT values 10..255. */
static int parse_matrix(const char *text, nh_health_entry_t *e, nh_err_t *err)
{
	unsigned rows = 1, cols = 0, row = 0, col = 0;
	for (const char *p = text; *p; p++)
		rows += *p == '/';
	if (rows > NH_MAX_NODES) {
		errno = ERANGE;
		return nh_err_set(err, "%u rows: more than %d nodes", rows, NH_MAX_NODES);
	}
	for (const char *p = text;;) {
		size_t n = strspn(p, "0123456789");
		char num[8];
		uint64_t v;
		if (n == 0 || n >= sizeof num) {
			errno = EINVAL;
			return nh_err_set(err, "'%s': expected numbers separated by ',' in rows "
					  "separated by '/' (10,21/21,10)", text);
		}
		memcpy(num, p, n);
		num[n] = '\0';
		if (nh_parse_uint(num, 10, 255, &v, err) < 0)
			return nh_err_prefix(err, "row %u", row + 1);
		if (col >= rows) {
			errno = EINVAL;
			return nh_err_set(err, "row %u has more than %u values: the matrix is %u x %u",
					  row + 1, rows, rows, rows);
		}
		e->dist[row][col++] = (uint8_t)v;
		p += n;
		if (*p == ',') {
			p++;
			continue;
		}
		if (col != rows) {
			errno = EINVAL;
			return nh_err_set(err, "row %u has %u value%s: the matrix is %u x %u", row + 1,
					  col, col == 1 ? "" : "s", rows, rows);
		}
		cols = col;
		if (*p == '\0')
			break;
		if (*p != '/') {
			errno = EINVAL;
			return nh_err_set(err, "'%s': '%c' where ',' or '/' belongs", text, *p);
		}
		p++;
		row++;
		col = 0;
	}
	e->dist_n = cols;
	return 0;
}

int nh_health_parse_age(const char *text, uint64_t *seconds, nh_err_t *err)
{
	size_t n = strspn(text, "0123456789");
	static const struct {
		char unit;
		uint64_t seconds;
	} units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
	if (n == 0 || n > 9 || !text[n] || text[n + 1]) {
		errno = EINVAL;
		return nh_err_set(err, "bad duration '%s': a whole number and a unit (30d, 12h, 90m, 45s)",
				  text);
	}
	for (size_t i = 0; i < NH_ARRAY_LEN(units); i++)
		if (text[n] == units[i].unit) {
			uint64_t v = strtoull(text, NULL, 10);
			if (v == 0) {
				errno = ERANGE;
				return nh_err_set(err, "bad duration '%s': must be above 0", text);
			}
			*seconds = v * units[i].seconds;
			return 0;
		}
	errno = EINVAL;
	return nh_err_set(err, "bad duration '%s': unknown unit '%c' (d, h, m or s)", text, text[n]);
}

/* Parse \p text as the value of key \p k into \p num (and \p e's matrix for distances); the
 * message says what is wrong, without FILE:LINE. */
static int parse_value(enum nh_health_key k, const char *text, uint64_t *num, nh_health_entry_t *e,
		       nh_err_t *err)
{
	*num = 0;
	switch (k) {
	case NH_HK_NODES: return nh_parse_uint(text, 1, 1024, num, err);
	case NH_HK_CPUS_PER_NODE: return nh_parse_uint(text, 1, NH_SET_BITS, num, err);
	case NH_HK_NODE_MEMORY:
		if (nh_parse_size(text, num, err) < 0)
			return -1;
		if (*num == 0) {
			errno = ERANGE;
			return nh_err_set(err, "'%s': must be above 0 bytes", text);
		}
		return 0;
	case NH_HK_DISTANCE_MIN:
	case NH_HK_DISTANCE_MAX: return nh_parse_uint(text, 10, 255, num, err);
	case NH_HK_DISTANCES: return parse_matrix(text, e, err);
	case NH_HK_THP: return parse_choice(text, thp_choices, err);
	case NH_HK_THP_DEFRAG: return parse_choice(text, defrag_choices, err);
	case NH_HK_NUMA_BALANCING: return nh_parse_uint(text, 0, 3, num, err);
	case NH_HK_VALIDATION:
		if (text[0] != '/') {
			errno = EINVAL;
			return nh_err_set(err, "'%s' is not an absolute path (slurmd runs the check "
					  "from its log directory)", text);
		}
		return 0;
	case NH_HK_VALIDATION_MAX_AGE: return nh_health_parse_age(text, num, err);
	case NH_HK_COUNT: break;
	}
	errno = EINVAL;
	return nh_err_set(err, "no such key");
}

static int key_parse(const char *name, size_t len)
{
	for (int k = 0; k < NH_HK_COUNT; k++)
		if (strlen(key_names[k]) == len && strncmp(key_names[k], name, len) == 0)
			return k;
	return -1;
}

/* The next whitespace-separated token of *p, NUL-terminated in place; NULL at the end. */
static char *next_token(char **p)
{
	char *s = *p + strspn(*p, " \t\r");
	if (!*s)
		return NULL;
	char *end = s + strcspn(s, " \t\r");
	if (*end)
		*end++ = '\0';
	*p = end;
	return s;
}

static int parse_line(nh_health_match_t *m, char *line, unsigned no, nh_err_t *err)
{
	char *p = line, *patterns = next_token(&p);
	if (!patterns || patterns[0] == '#')
		return 0;
	errno = EINVAL;
	if (strchr(patterns, '='))
		return nh_err_set(err, "%s:%u: a line starts with the node names it is for "
				  "(PATTERNS key=value ...), not '%s'", m->path, no, patterns);
	if (nh_health_patterns_check(patterns, err) < 0)
		return nh_err_prefix(err, "%s:%u", m->path, no);
	struct match_line l = {.no = no, .patterns = patterns};
	for (char *tok; (tok = next_token(&p)) && tok[0] != '#';) {
		for (const char *b = tok; *b; b++)
			if ((unsigned char)*b < 0x21 || (unsigned char)*b >= 0x7f)
				return nh_err_set(err, "%s:%u: byte 0x%02x in '%s': keys and values are "
						  "printable ASCII", m->path, no, (unsigned char)*b,
						  tok);
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok)
			return nh_err_set(err, "%s:%u: '%s' is not key=value", m->path, no, tok);
		int k = key_parse(tok, (size_t)(eq - tok));
		if (k < 0) {
			char keys[300] = "";
			for (int i = 0; i < NH_HK_COUNT; i++)
				nh_format_cut(keys + strlen(keys), sizeof keys - strlen(keys), "%s%s",
					      i ? ", " : "", key_names[i]);
			return nh_err_set(err, "%s:%u: unknown key '%.*s' (keys: %s)", m->path, no,
					  (int)(eq - tok), tok, keys);
		}
		for (unsigned i = 0; i < l.count; i++)
			if (l.kv[i].key == (enum nh_health_key)k)
				return nh_err_set(err, "%s:%u: %s given twice on one line", m->path,
						  no, key_names[k]);
		const char *value = eq + 1;
		if (!*value)
			return nh_err_set(err, "%s:%u: %s: no value", m->path, no, key_names[k]);
		nh_health_entry_t scratch;
		uint64_t num;
		if (parse_value((enum nh_health_key)k, value, &num, &scratch, err) < 0)
			return nh_err_prefix(err, "%s:%u: %s", m->path, no, key_names[k]);
		l.kv[l.count++] = (struct match_kv){(enum nh_health_key)k, value};
	}
	if (l.count == 0)
		return nh_err_set(err, "%s:%u: '%s' with no key=value (a line is PATTERNS key=value "
				  "...)", m->path, no, patterns);
	if (m->count == m->cap) {
		unsigned cap = m->cap ? m->cap * 2 : 16;
		struct match_line *grown = realloc(m->lines, sizeof *grown * cap);
		if (!grown) {
			errno = ENOMEM;
			return nh_err_set(err, "out of memory reading %s", m->path);
		}
		m->lines = grown;
		m->cap = cap;
	}
	m->lines[m->count++] = l;
	errno = 0;
	return 0;
}

nh_health_match_t *nh_health_match_parse(const char *text, const char *name, nh_err_t *err)
{
	nh_health_match_t *m = calloc(1, sizeof *m);
	if (!m || !(m->path = strdup(name)) || !(m->text = strdup(text))) {
		nh_health_match_free(m);
		errno = ENOMEM;
		nh_err_set(err, "out of memory reading %s", name);
		return NULL;
	}
	unsigned no = 1;
	for (char *line = m->text; line; no++) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (parse_line(m, line, no, err) < 0) {
			nh_health_match_free(m);
			return NULL;
		}
		line = nl ? nl + 1 : NULL;
	}
	return m;
}

nh_health_match_t *nh_health_match_load(const char *path, nh_err_t *err)
{
	size_t len;
	char *text = nh_read_file(path, &len, NULL);
	if (!text) {
		nh_err_set(err, "cannot read the match file %s: %s", path, strerror(errno));
		return NULL;
	}
	if (memchr(text, '\0', len)) {
		free(text);
		errno = EINVAL;
		nh_err_set(err, "%s: a NUL byte: not a text file", path);
		return NULL;
	}
	nh_health_match_t *m = nh_health_match_parse(text, path, err);
	free(text);
	return m;
}

void nh_health_match_free(nh_health_match_t *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->text);
	free(m->lines);
	free(m);
}

const char *nh_health_match_path(const nh_health_match_t *m) { return m->path; }

int nh_health_match_entry(const nh_health_match_t *m, const char *node, nh_health_entry_t *e,
			  nh_err_t *err)
{
	memset(e, 0, sizeof *e);
	for (unsigned i = 0; i < m->count; i++) {
		const struct match_line *l = &m->lines[i];
		if (!nh_health_patterns_match(l->patterns, node))
			continue;
		if (e->line_count < NH_ARRAY_LEN(e->lines))
			e->lines[e->line_count] = l->no;
		e->line_count++;
		for (unsigned j = 0; j < l->count; j++) {
			nh_health_value_t *v = &e->v[l->kv[j].key];
			/* Checked when the file was read: this parse cannot fail. */
			if (parse_value(l->kv[j].key, l->kv[j].value, &v->num, e, err) < 0)
				return nh_err_prefix(err, "%s:%u: %s", m->path, l->no,
						     key_names[l->kv[j].key]);
			v->set = true;
			v->line = l->no;
			v->text = l->kv[j].value;
		}
	}
	const nh_health_value_t *lo = &e->v[NH_HK_DISTANCE_MIN], *hi = &e->v[NH_HK_DISTANCE_MAX];
	if (lo->set && hi->set && lo->num > hi->num) {
		const nh_health_value_t *later = lo->line >= hi->line ? lo : hi;
		errno = EINVAL;
		return nh_err_set(err, "%s:%u: distance_min %s is above distance_max %s (line %u) for "
				  "node %s", m->path, later->line, lo->text, hi->text,
				  later == lo ? hi->line : lo->line, node);
	}
	return (int)e->line_count;
}
