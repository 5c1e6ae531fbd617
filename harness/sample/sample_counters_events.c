/* SPDX-License-Identifier: MIT */
/* sample_counters_events: the event-set files (harness/events/NAME.events, compiled in) parsed
 * into sets, variants, members and metrics, once per process. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_counters_internal.h"

/*
 * Event-set files: harness/events/NAME.events, compiled into the binary (CMakeLists.txt) as
 * nh_event_files[]. Line-oriented, in the spirit of LIKWID's performance groups; a line whose first
 * non-blank character is '#' is a comment, blank lines are ignored, words are separated by blanks.
 *
 *   set NAME                     first directive; NAME is the file's base name, a lowercase word
 *   describe TEXT                one line for `numaharness events` (repeated lines are joined)
 *   missing TEXT                 the reason recorded when no variant fits this host; "{pmus}" is
 *                                replaced by the PMUs libpfm4 detected (repeated lines are joined)
 *   variant PMU...               starts a variant: the following events and metrics apply when one
 *                                of these libpfm4 PMU names (pfm_pmu_info_t.name: spr, icx, skx,
 *                                amd64_fam19h_zen4, ...) is present; "generic" alone names the
 *                                variant taken when no other fits (perf:: events, which the kernel
 *                                maps onto whatever PMU it has)
 *   event MEMBER EVENT [kernel]  a counter: a lowercase member name and a libpfm4 event string;
 *                                "kernel" marks events that only happen in kernel mode (context
 *                                switches), which must not fall back to user-only counting
 *   metric NAME UNIT = FORMULA   a derived metric over the variant's member names: numbers, names,
 *                                + - * /, parentheses, unary minus
 *
 * The first variant (in file order) with a PMU present on the host wins, then "generic"; with
 * neither the set is recorded as one unavailable entry carrying the "missing" reason. The events
 * of a set that count on the hardware PMU are opened as one group (led by the first that opens) so
 * that their ratios are measured over the same time; an event the group cannot take, and every
 * software event, is counted alone.
 */

/* Compiled in by harness/embed_files.cmake, in file-name order, terminated by {NULL}. */
extern const struct nh_embedded_file {
	const char *name, *text;
	size_t len;
} nh_event_files[];

static struct ev_set sets[SET_MAX];
static unsigned nsets;
static char sets_error[400]; /* why the embedded files could not be loaded; "" when they could */
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static bool lower_word(const char *s)
{
	if (!islower((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* Copy the next blank-separated word of *p into buf; false when there is none or it is too long. */
static bool next_word(const char **p, char *buf, size_t len)
{
	const char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = 0;
	while (s[n] && s[n] != ' ' && s[n] != '\t')
		n++;
	*p = s + n;
	if (n == 0 || n >= len)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

static const char *rest_of_line(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Append one more line of text to a describe/missing field, joined by a blank. */
static void append_text(char *dst, size_t len, const char *text)
{
	size_t used = strlen(dst);
	snprintf(dst + used, len - used, "%s%s", used ? " " : "", text);
}

static bool variant_has(const struct ev_variant *v, const char *name)
{
	for (unsigned i = 0; i < v->nmembers; i++)
		if (strcmp(v->members[i].name, name) == 0)
			return true;
	for (unsigned i = 0; i < v->nmetrics; i++)
		if (strcmp(v->metrics[i].name, name) == 0)
			return true;
	return false;
}

/* One directive; -1 with the reason in why. */
static int parse_line(struct ev_set *s, const char *file, const char *line, char *why, size_t wlen)
{
	char word[WORD_LEN];
	const char *p = line;
	if (!next_word(&p, word, sizeof word)) {
		snprintf(why, wlen, "unknown directive '%.40s'", line);
		return -1;
	}
	struct ev_variant *v = s->nvariants ? &s->variants[s->nvariants - 1] : NULL;
	if (strcmp(word, "set") == 0) {
		if (s->name[0] || !next_word(&p, s->name, sizeof s->name) || *rest_of_line(p) ||
		    strcmp(s->name, file) != 0 || !lower_word(s->name)) {
			snprintf(why, wlen, "expected 'set %s' once, first", file);
			return -1;
		}
		return 0;
	}
	if (!s->name[0]) {
		snprintf(why, wlen, "expected 'set %s' first", file);
		return -1;
	}
	if (strcmp(word, "describe") == 0) {
		append_text(s->describe, sizeof s->describe, rest_of_line(p));
	} else if (strcmp(word, "missing") == 0) {
		append_text(s->missing, sizeof s->missing, rest_of_line(p));
	} else if (strcmp(word, "variant") == 0) {
		if (s->nvariants == VARIANT_MAX) {
			snprintf(why, wlen, "more than %d variants", VARIANT_MAX);
			return -1;
		}
		v = &s->variants[s->nvariants++];
		while (*rest_of_line(p)) {
			if (v->npmus == VARIANT_PMUS ||
			    !next_word(&p, v->pmus[v->npmus], WORD_LEN)) {
				snprintf(why, wlen, "at most %d PMU names of at most %d characters",
					 VARIANT_PMUS, WORD_LEN - 1);
				return -1;
			}
			v->npmus++;
		}
		v->generic = v->npmus == 1 && strcmp(v->pmus[0], "generic") == 0;
		if (v->npmus == 0) {
			snprintf(why, wlen, "variant without PMU names");
			return -1;
		}
	} else if (strcmp(word, "event") == 0) {
		struct ev_member m = {0};
		char flag[WORD_LEN] = "";
		if (!v || v->nmembers == MEMBER_MAX) {
			snprintf(why, wlen, "event outside a variant, or more than %d", MEMBER_MAX);
			return -1;
		}
		if (!next_word(&p, m.name, sizeof m.name) || !lower_word(m.name) ||
		    !next_word(&p, m.event, sizeof m.event) || variant_has(v, m.name)) {
			snprintf(why, wlen,
				 "expected 'event MEMBER EVENT [kernel]' with a new member");
			return -1;
		}
		if (*rest_of_line(p) && (!next_word(&p, flag, sizeof flag) ||
					 strcmp(flag, "kernel") != 0 || *rest_of_line(p))) {
			snprintf(why, wlen, "unknown event flag (only 'kernel')");
			return -1;
		}
		m.kernel = flag[0] != '\0';
		v->members[v->nmembers++] = m;
	} else if (strcmp(word, "metric") == 0) {
		struct ev_metric m = {0};
		char eq[4];
		if (!v || v->nmetrics == METRIC_MAX) {
			snprintf(why, wlen, "metric outside a variant, or more than %d",
				 METRIC_MAX);
			return -1;
		}
		if (!next_word(&p, m.name, sizeof m.name) || !lower_word(m.name) ||
		    variant_has(v, m.name) || !next_word(&p, m.unit, sizeof m.unit) ||
		    !next_word(&p, eq, sizeof eq) || strcmp(eq, "=") != 0 || !*rest_of_line(p)) {
			snprintf(why, wlen,
				 "expected 'metric NAME UNIT = FORMULA' with a new name");
			return -1;
		}
		snprintf(m.formula, sizeof m.formula, "%s", rest_of_line(p));
		/* Check it now: names must be members of this variant. */
		const char *names[MEMBER_MAX];
		for (unsigned i = 0; i < v->nmembers; i++)
			names[i] = v->members[i].name;
		const struct eval_scope scope = {.names = names, .n = v->nmembers, .check = true};
		nh_err_t err;
		double ignored;
		if (nh_counters_eval_scoped(m.formula, &scope, &ignored, &err) < 0) {
			nh_format_cut(why, wlen, "%s", err.msg); /* a long one is cut, visibly */
			return -1;
		}
		v->metrics[v->nmetrics++] = m;
	} else {
		snprintf(why, wlen, "unknown directive '%s'", word);
		return -1;
	}
	return 0;
}

/* One event-set file; -1 with "FILE.events:LINE: reason" in error. */
static int parse_file(struct ev_set *s, const char *file, const char *text, size_t len, char *error,
		      size_t elen)
{
	char line[512], why[300];
	unsigned lineno = 0;
	for (const char *p = text, *end = text + len; p < end; lineno++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n >= sizeof line) {
			snprintf(error, elen, "%s.events:%u: line too long", file, lineno + 1);
			return -1;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + 1;
		while (n > 0 && isspace((unsigned char)line[n - 1]))
			line[--n] = '\0';
		const char *t = rest_of_line(line);
		if (!*t || *t == '#')
			continue;
		if (parse_line(s, file, t, why, sizeof why) < 0) {
			snprintf(error, elen, "%s.events:%u: %s", file, lineno + 1, why);
			return -1;
		}
	}
	if (!s->name[0] || (s->nvariants == 0 && !s->missing[0])) {
		snprintf(error, elen, "%s.events: needs 'set' and a variant", file);
		return -1;
	}
	s->max_counters = 1; /* a set with no variant for the host is still one entry */
	for (unsigned i = 0; i < s->nvariants; i++) {
		const struct ev_variant *v = &s->variants[i];
		if (v->nmembers == 0) {
			snprintf(error, elen, "%s.events: variant %s has no events", file,
				 v->pmus[0]);
			return -1;
		}
		if (v->nmembers > s->max_counters)
			s->max_counters = v->nmembers;
		if (v->nmetrics > s->max_metrics)
			s->max_metrics = v->nmetrics;
	}
	return 0;
}

int nh_counters_check_set_file(const char *name, const char *text, size_t len, nh_err_t *err)
{
	struct ev_set *s = calloc(1, sizeof *s);
	char error[sizeof sets_error];
	if (!s) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory");
	}
	int rc = parse_file(s, name, text, len, error, sizeof error);
	free(s);
	if (rc < 0) {
		errno = EINVAL;
		return nh_err_set(err, "%s", error);
	}
	return 0;
}

static void load_sets_once(void)
{
	for (const struct nh_embedded_file *f = nh_event_files; f->name; f++) {
		if (nsets == SET_MAX) {
			snprintf(sets_error, sizeof sets_error, "more than %d event sets", SET_MAX);
			return;
		}
		if (parse_file(&sets[nsets], f->name, f->text, f->len, sets_error,
			       sizeof sets_error) < 0)
			return;
		nsets++;
	}
}

int nh_counters_load_sets(nh_err_t *err)
{
	pthread_once(&sets_once, load_sets_once);
	if (sets_error[0]) {
		errno = EINVAL;
		return nh_err_set(err, "counters: event-set files: %s", sets_error);
	}
	return 0;
}

const struct ev_set *nh_counters_find_set(const char *name)
{
	for (unsigned i = 0; i < nsets; i++)
		if (strcmp(sets[i].name, name) == 0)
			return &sets[i];
	return NULL;
}

/* "cycles, latency, llc, numa, software" (the files are embedded in name order). */
void nh_counters_set_names(char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < nsets && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 sets[i].name);
}

unsigned nh_counters_set_count(void) { return nsets; }

const struct ev_set *nh_counters_set_at(unsigned i) { return i < nsets ? &sets[i] : NULL; }

/* ---- specs ---- */

/* What counters=default opens. */
static const char *const default_sets[] = {"cycles", "llc", "numa", "latency", "software"};


static int spec_add_set(struct spec *sp, const struct ev_set *set)
{
	for (unsigned i = 0; i < sp->n; i++)
		if (sp->items[i].set == set)
			return 0; /* "default,llc": listed twice is harmless */
	if (sp->n == NH_MAX_COUNTERS)
		return -1;
	sp->items[sp->n++].set = set;
	sp->counters += set->max_counters;
	sp->metrics += set->max_metrics;
	return 0;
}

static int spec_add_event(struct spec *sp, const char *event)
{
	for (unsigned i = 0; i < sp->n; i++)
		if (!sp->items[i].set && strcmp(sp->items[i].event, event) == 0)
			return 0;
	if (sp->n == NH_MAX_COUNTERS)
		return -1;
	struct spec_item *it = &sp->items[sp->n++];
	it->set = NULL;
	snprintf(it->event, sizeof it->event, "%s", event);
	sp->counters++;
	return 0;
}

int nh_counters_parse_spec(const char *spec, struct spec *sp, nh_err_t *err)
{
	memset(sp, 0, sizeof *sp);
	if (nh_counters_load_sets(err) < 0)
		return -1;
	if (!spec)
		spec = "none";
	char names[200];
	nh_counters_set_names(names, sizeof names);
	errno = EINVAL;
	const char *p = spec;
	if (!*rest_of_line(spec))
		return nh_err_set(err,
				  "counters '%s': empty (use none, default, or a comma list of "
				  "sets (%s) and events)",
				  spec, names);
	unsigned items = 0;
	bool none = false;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)p[len - 1]))
			len--;
		char item[EVENT_LEN];
		if (len == 0)
			return nh_err_set(err, "counters '%s': empty item in the list", spec);
		if (len >= sizeof item)
			return nh_err_set(err,
					  "counters '%s': event '%.*s...' is too long (at most %zu "
					  "characters)",
					  spec, 20, p, sizeof item - 1);
		memcpy(item, p, len);
		item[len] = '\0';
		items++;
		for (size_t i = 0; i < len; i++)
			if (isspace((unsigned char)item[i]))
				return nh_err_set(err, "counters '%s': '%s' is not an event name",
						  spec, item);
		const struct ev_set *set = nh_counters_find_set(item);
		int rc = 0;
		if (strcmp(item, "none") == 0) {
			none = true;
		} else if (strcmp(item, "default") == 0) {
			for (size_t i = 0; i < NH_ARRAY_LEN(default_sets) && rc == 0; i++)
				if (nh_counters_find_set(default_sets[i]))
					rc = spec_add_set(sp, nh_counters_find_set(default_sets[i]));
		} else if (set) {
			rc = spec_add_set(sp, set);
		} else if (lower_word(item)) {
			/* A lowercase word is a mistyped set far more often than an event: libpfm4
			 * event names have a PMU prefix ("perf::") or are upper case. */
			return nh_err_set(err, "counters '%s': unknown event set '%s' (sets: %s)",
					  spec, item, names);
		} else {
			rc = spec_add_event(sp, item);
		}
		if (rc < 0)
			sp->counters = NH_MAX_COUNTERS + 1; /* more items than counters */
		if (!comma || rc < 0)
			break;
		p = comma + 1;
	}
	if (none && items > 1)
		return nh_err_set(err, "counters '%s': 'none' cannot be combined with other items",
				  spec);
	if (sp->counters > NH_MAX_COUNTERS || sp->metrics > NH_MAX_DERIVED)
		return nh_err_set(err,
				  "counters '%s': too many (needs up to %u counters and %u "
				  "derived metrics; at most %d and %d)",
				  spec, sp->counters, sp->metrics, NH_MAX_COUNTERS, NH_MAX_DERIVED);
	return 0;
}

int nh_counters_check_spec(const char *spec, nh_err_t *err)
{
	struct spec sp;
	return nh_counters_parse_spec(spec, &sp, err);
}
