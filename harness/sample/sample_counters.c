/* SPDX-License-Identifier: MIT */
/* sample_counters: event sets encoded by libpfm4 and counted with perf_event_open for this process
 * and the threads it creates; a counter that cannot count is kept with the reason why. */
#include "sample_counters.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <perfmon/pfmlib_perf_event.h>

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

#define SET_MAX 16
#define VARIANT_MAX 8
#define VARIANT_PMUS 8
#define MEMBER_MAX 8
#define METRIC_MAX 4
#define WORD_LEN 32
#define EVENT_LEN sizeof(((nh_counter_t *)0)->event)
#define REASON_LEN sizeof(((nh_counter_t *)0)->reason)

struct ev_member {
	char name[WORD_LEN];
	char event[EVENT_LEN];
	bool kernel; /* only happens in kernel mode: no user-only fallback */
};

struct ev_metric {
	char name[WORD_LEN];
	char unit[16];
	char formula[160];
};

struct ev_variant {
	char pmus[VARIANT_PMUS][WORD_LEN];
	unsigned npmus;
	bool generic;
	struct ev_member members[MEMBER_MAX];
	unsigned nmembers;
	struct ev_metric metrics[METRIC_MAX];
	unsigned nmetrics;
};

struct ev_set {
	char name[WORD_LEN];
	char describe[200];
	char missing[REASON_LEN];
	struct ev_variant variants[VARIANT_MAX];
	unsigned nvariants;
	/* The most any variant needs: a spec is checked against these so that it is accepted or
	 * refused the same way on every host. */
	unsigned max_counters, max_metrics;
};

static struct ev_set sets[SET_MAX];
static unsigned nsets;
static char sets_error[400]; /* why the embedded files could not be loaded; "" when they could */
static pthread_once_t sets_once = PTHREAD_ONCE_INIT;

static const char *const default_sets[] = {"cycles", "llc", "numa", "latency", "software"};

/* ---- formulas ---- */

/* The names a formula may use: values, or why a name has none (missing[i] non-NULL). */
struct eval_scope {
	const char *const *names;
	const double *values;
	const char *const *missing;
	unsigned n;
	const char *set; /* "llc": inputs are named "llc.misses" in reasons; NULL: bare names */
	bool check;	 /* syntax and names only: a zero divisor is not an error */
};

struct eval {
	const char *formula, *p;
	const struct eval_scope *scope;
	nh_err_t *err;
	unsigned depth; /* of parentheses and unary minus: bounds the recursion */
	bool failed;
};

#define EVAL_DEPTH 64

static double eval_expr(struct eval *e);

static void eval_skip(struct eval *e)
{
	while (isspace((unsigned char)*e->p))
		e->p++;
}

static double eval_fail(struct eval *e, const char *what)
{
	if (!e->failed) {
		e->failed = true;
		if (*e->p)
			nh_err_set(e->err, "formula '%s': %s at '%s'", e->formula, what, e->p);
		else
			nh_err_set(e->err, "formula '%s': %s at the end", e->formula, what);
	}
	return NAN;
}

static double eval_name(struct eval *e)
{
	const char *start = e->p;
	while (isalnum((unsigned char)*e->p) || *e->p == '_')
		e->p++;
	size_t len = (size_t)(e->p - start);
	const struct eval_scope *s = e->scope;
	for (unsigned i = 0; i < s->n; i++) {
		if (strlen(s->names[i]) != len || strncmp(s->names[i], start, len) != 0)
			continue;
		if (s->missing && s->missing[i]) {
			if (!e->failed)
				nh_err_set(e->err, "input %s%s%.*s unavailable: %s",
					   s->set ? s->set : "", s->set ? "." : "", (int)len, start,
					   s->missing[i]);
			e->failed = true;
			return NAN;
		}
		return s->values ? s->values[i] : 1.0;
	}
	if (!e->failed)
		nh_err_set(e->err, "formula '%s': unknown name '%.*s'", e->formula, (int)len,
			   start);
	e->failed = true;
	return NAN;
}

static double eval_primary(struct eval *e)
{
	eval_skip(e);
	char c = *e->p;
	if ((c == '(' || c == '-') && e->depth == EVAL_DEPTH)
		return eval_fail(e, "nested too deeply");
	if (c == '(') {
		e->p++;
		e->depth++;
		double v = eval_expr(e);
		e->depth--;
		eval_skip(e);
		if (e->failed)
			return NAN;
		if (*e->p != ')')
			return eval_fail(e, "expected ')'");
		e->p++;
		return v;
	}
	if (c == '-') {
		e->p++;
		e->depth++;
		double v = -eval_primary(e);
		e->depth--;
		return v;
	}
	if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)e->p[1]))) {
		char *end;
		double v = strtod(e->p, &end);
		e->p = end;
		return v;
	}
	if (isalpha((unsigned char)c) || c == '_')
		return eval_name(e);
	return eval_fail(e, "expected a number, a name or '('");
}

/* "no references counted" for a zero divisor: the divisor's text, outer parentheses dropped. */
static double eval_zero_divisor(struct eval *e, const char *start, const char *end)
{
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if (end - start >= 2 && *start == '(' && end[-1] == ')') {
		start++;
		end--;
	}
	if (!e->failed)
		nh_err_set(e->err, "no %.*s counted", (int)(end - start), start);
	e->failed = true;
	return NAN;
}

static double eval_term(struct eval *e)
{
	double v = eval_primary(e);
	for (;;) {
		eval_skip(e);
		char op = *e->p;
		if (e->failed || (op != '*' && op != '/'))
			return v;
		e->p++;
		const char *start = e->p;
		double r = eval_primary(e);
		if (e->failed)
			return NAN;
		if (op == '*') {
			v *= r;
		} else if (r == 0.0) {
			if (!e->scope->check)
				return eval_zero_divisor(e, start, e->p);
			v = NAN;
		} else {
			v /= r;
		}
	}
}

static double eval_expr(struct eval *e)
{
	double v = eval_term(e);
	for (;;) {
		eval_skip(e);
		char op = *e->p;
		if (e->failed || (op != '+' && op != '-'))
			return v;
		e->p++;
		double r = eval_term(e);
		v = op == '+' ? v + r : v - r;
	}
}

static int eval_run(const char *formula, const struct eval_scope *scope, double *out, nh_err_t *err)
{
	struct eval e = {.formula = formula, .p = formula, .scope = scope, .err = err};
	double v = eval_expr(&e);
	eval_skip(&e);
	if (!e.failed && *e.p)
		eval_fail(&e, "unexpected text");
	if (e.failed) {
		errno = EINVAL;
		return -1;
	}
	if (!scope->check && !isfinite(v)) {
		errno = EINVAL;
		return nh_err_set(err, "formula '%s' is not a finite number", formula);
	}
	*out = v;
	return 0;
}

int nh_counters_eval(const char *formula, const char *const *names, const double *values,
		     unsigned n, double *out, nh_err_t *err)
{
	const struct eval_scope scope = {.names = names, .values = values, .n = n};
	return eval_run(formula, &scope, out, err);
}

/* ---- event-set files ---- */

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
		if (eval_run(m.formula, &scope, &ignored, &err) < 0) {
			snprintf(why, wlen, "%s", err.msg);
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

static int load_sets(nh_err_t *err)
{
	pthread_once(&sets_once, load_sets_once);
	if (sets_error[0]) {
		errno = EINVAL;
		return nh_err_set(err, "counters: event-set files: %s", sets_error);
	}
	return 0;
}

static const struct ev_set *find_set(const char *name)
{
	for (unsigned i = 0; i < nsets; i++)
		if (strcmp(sets[i].name, name) == 0)
			return &sets[i];
	return NULL;
}

/* "cycles, latency, llc, numa, software" (the files are embedded in name order). */
static void set_names(char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < nsets && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 sets[i].name);
}

/* ---- specs ---- */

struct spec_item {
	const struct ev_set *set; /* NULL: an event */
	char event[EVENT_LEN];
};

struct spec {
	struct spec_item items[NH_MAX_COUNTERS];
	unsigned n;
	unsigned counters, metrics; /* the most they can need */
};

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

static int parse_spec(const char *spec, struct spec *sp, nh_err_t *err)
{
	memset(sp, 0, sizeof *sp);
	if (load_sets(err) < 0)
		return -1;
	if (!spec)
		spec = "none";
	char names[200];
	set_names(names, sizeof names);
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
		const struct ev_set *set = find_set(item);
		int rc = 0;
		if (strcmp(item, "none") == 0) {
			none = true;
		} else if (strcmp(item, "default") == 0) {
			for (size_t i = 0; i < NH_ARRAY_LEN(default_sets) && rc == 0; i++)
				if (find_set(default_sets[i]))
					rc = spec_add_set(sp, find_set(default_sets[i]));
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
	return parse_spec(spec, &sp, err);
}

/* ---- libpfm4 and the host ---- */

static int pfm_rc = PFM_ERR_NOINIT;
static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;

static void pfm_init_once(void) { pfm_rc = pfm_initialize(); }

static int pfm_init(void)
{
	pthread_once(&pfm_once, pfm_init_once);
	return pfm_rc;
}

static bool pmu_info(pfm_pmu_t pmu, pfm_pmu_info_t *info)
{
	memset(info, 0, sizeof *info);
	info->size = sizeof *info;
	return pfm_get_pmu_info(pmu, info) == PFM_SUCCESS && info->is_present;
}

/* The PMUs libpfm4 detected, uncore ones left out (they cannot count one process): "spr, perf,
 * perf_raw". */
static void host_pmus(char *buf, size_t len)
{
	size_t used = 0;
	pfm_pmu_info_t info;
	buf[0] = '\0';
	if (pfm_init() != PFM_SUCCESS) {
		snprintf(buf, len, "none: libpfm4 cannot initialise");
		return;
	}
	pfm_pmu_t pmu;
	pfm_for_all_pmus (pmu) {
		if (!pmu_info(pmu, &info) || info.type == PFM_PMU_TYPE_UNCORE || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 info.name);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static bool pmu_present(const char *name)
{
	pfm_pmu_info_t info;
	pfm_pmu_t pmu;
	if (pfm_init() != PFM_SUCCESS)
		return false;
	pfm_for_all_pmus (pmu) {
		if (pmu_info(pmu, &info) && strcmp(info.name, name) == 0)
			return true;
	}
	return false;
}

static const struct ev_variant *choose_variant(const struct ev_set *s)
{
	const struct ev_variant *generic = NULL;
	for (unsigned i = 0; i < s->nvariants; i++) {
		const struct ev_variant *v = &s->variants[i];
		if (v->generic) {
			if (!generic)
				generic = v;
			continue;
		}
		for (unsigned j = 0; j < v->npmus; j++)
			if (pmu_present(v->pmus[j]))
				return v;
	}
	return generic;
}

static int sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group_fd,
			       unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

static nh_perf_open_fn perf_open = sys_perf_event_open;
static int paranoid_override = INT_MIN;

void nh_counters_set_test_hooks(nh_perf_open_fn open_fn, int paranoid)
{
	perf_open = open_fn ? open_fn : sys_perf_event_open;
	paranoid_override = paranoid;
}

static int read_paranoid(void)
{
	char line[32];
	if (paranoid_override != INT_MIN)
		return paranoid_override;
	if (nh_read_line("/proc/sys/kernel/perf_event_paranoid", line, sizeof line) < 0)
		return INT_MIN;
	char *end;
	long v = strtol(line, &end, 10);
	return end == line || v < INT_MIN + 1 || v > INT_MAX ? INT_MIN : (int)v;
}

/* ---- opening ---- */

struct counter {
	nh_counter_t r; /* name, event, availability and reason; counts are filled by reads */
	int fd;		/* -1 when unavailable */
};

struct open_set {
	const struct ev_set *def;
	const struct ev_variant *var; /* NULL: no variant for this host (one unavailable entry) */
	unsigned first;		      /* its first counter */
};

struct nh_counters {
	struct counter ctr[NH_MAX_COUNTERS];
	unsigned n;
	struct open_set sets[SET_MAX];
	unsigned nsets;
	int has_pmu;  /* hardware events can be opened at all: -1 not probed yet, 0, 1 */
	int paranoid; /* INT_MIN: unknown */
	char pmus[256];
};

static bool is_hardware(const struct perf_event_attr *a)
{
	return a->type == PERF_TYPE_HARDWARE || a->type == PERF_TYPE_HW_CACHE ||
	       a->type == PERF_TYPE_RAW || a->type >= PERF_TYPE_MAX;
}

/* Whether this process can use a hardware PMU at all: one user-mode cycles counter, opened and
 * closed. A VM without PMU passthrough answers ENOENT (or EOPNOTSUPP, ENODEV). */
static bool has_hw_pmu(nh_counters_t *c)
{
	if (c->has_pmu < 0) {
		struct perf_event_attr a;
		memset(&a, 0, sizeof a);
		a.size = sizeof a;
		a.type = PERF_TYPE_HARDWARE;
		a.config = PERF_COUNT_HW_CPU_CYCLES;
		a.disabled = 1;
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		int fd = perf_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd >= 0)
			close(fd);
		c->has_pmu = fd >= 0 || (errno != ENOENT && errno != EOPNOTSUPP && errno != ENODEV);
	}
	return c->has_pmu;
}

static void set_reason(struct counter *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct counter *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->r.reason, sizeof k->r.reason, fmt, ap);
	va_end(ap);
	k->r.available = false;
}

static const char *paranoid_text(int p, char *buf, size_t len)
{
	if (p == INT_MIN)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d", p);
	return buf;
}

/* Why perf_event_open failed with e for an event encoded as a. */
static void open_reason(nh_counters_t *c, struct counter *k, const struct perf_event_attr *a, int e)
{
	char p[16];
	paranoid_text(c->paranoid, p, sizeof p);
	if (e == EACCES || e == EPERM) {
		if (c->paranoid != INT_MIN &&
		    (c->paranoid <= 1 || (c->paranoid == 2 && a->exclude_kernel)))
			set_reason(k,
				   "not permitted: perf_event_open denied although "
				   "perf_event_paranoid=%s (seccomp or a security module?)",
				   p);
		else if (!a->exclude_kernel)
			set_reason(
				k,
				"not permitted: perf_event_paranoid=%s (needs <= 1 to count kernel "
				"mode, or CAP_PERFMON)",
				p);
		else
			set_reason(
				k,
				"not permitted: perf_event_paranoid=%s (needs <= 2 to count user "
				"mode, or CAP_PERFMON)",
				p);
	} else if ((e == ENOENT || e == EOPNOTSUPP || e == ENODEV) && is_hardware(a)) {
		if (!has_hw_pmu(c))
			set_reason(k, "no hardware PMU available to this process (virtual machine "
				      "without PMU passthrough?)");
		else
			set_reason(k, "not supported by this host's PMU or kernel (%s)",
				   strerror(e));
	} else if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV) {
		set_reason(k, "not supported by this kernel (%s)", strerror(e));
	} else {
		set_reason(k, "perf_event_open: %s", strerror(e));
	}
}

/* The event alone when the group cannot take it (full, or another PMU). */
static int open_in_group(struct perf_event_attr *a, int group_fd)
{
	int fd = perf_open(a, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && group_fd >= 0)
		fd = perf_open(a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd;
}

/* Encode and open k's event, joining *leader's group (or leading it). */
static void open_counter(nh_counters_t *c, struct counter *k, bool kernel_only, int *leader)
{
	struct perf_event_attr a;
	pfm_perf_encode_arg_t arg;
	memset(&a, 0, sizeof a);
	memset(&arg, 0, sizeof arg);
	arg.attr = &a;
	arg.size = sizeof arg;
	int rc = pfm_init();
	if (rc != PFM_SUCCESS) {
		set_reason(k, "libpfm4 cannot initialise: %s", pfm_strerror(rc));
		return;
	}
	/* User and kernel mode: a memory benchmark's page faults and migrations are kernel work. */
	rc = pfm_get_os_event_encoding(k->r.event, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT,
				       &arg);
	if (rc == PFM_ERR_NOTFOUND) {
		set_reason(k, "unknown event on this host's PMUs (libpfm4 detected: %s)", c->pmus);
		return;
	}
	if (rc != PFM_SUCCESS) {
		set_reason(k, "libpfm4: %s (libpfm4 detected: %s)", pfm_strerror(rc), c->pmus);
		return;
	}
	pfm_event_info_t ev;
	pfm_pmu_info_t pmu;
	memset(&ev, 0, sizeof ev);
	ev.size = sizeof ev;
	if (pfm_get_event_info(arg.idx, PFM_OS_PERF_EVENT_EXT, &ev) == PFM_SUCCESS &&
	    pmu_info(ev.pmu, &pmu) && pmu.type == PFM_PMU_TYPE_UNCORE) {
		set_reason(k, "uncore event: counts a whole socket, not one process");
		return;
	}
	a.size = sizeof a;
	a.inherit = 1; /* threads and processes created after the open count too */
	/* Read one by one: PERF_FORMAT_GROUP does not go with inherit on many kernels. */
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	a.disabled = 0;
	/* Only hardware events are grouped: it is counters they share. Software events always
	 * count, and in a group led by task-clock (Linux 6.x) the others get only part of the time.
	 */
	int group = is_hardware(&a) ? *leader : -1;
	int fd = open_in_group(&a, group);
	/* perf_event_paranoid=2 without CAP_PERFMON allows user mode only: count that, and say so,
	 * as perf stat does; but kernel-only events would read 0, which must never pass for a
	 * count. */
	if (fd < 0 && (errno == EACCES || errno == EPERM) && !kernel_only &&
	    (c->paranoid >= 2 || c->paranoid == INT_MIN)) {
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		fd = open_in_group(&a, group);
		k->r.user_only = fd >= 0;
	}
	if (fd < 0) {
		open_reason(c, k, &a, errno);
		return;
	}
	k->fd = fd;
	k->r.available = true;
	if (*leader < 0 && is_hardware(&a))
		*leader = fd;
}

static struct counter *add_counter(nh_counters_t *c, const char *name, const char *event)
{
	struct counter *k = &c->ctr[c->n++];
	memset(k, 0, sizeof *k);
	k->fd = -1;
	snprintf(k->r.name, sizeof k->r.name, "%s", name);
	snprintf(k->r.event, sizeof k->r.event, "%s", event);
	return k;
}

/* The "missing" text of a set with {pmus} replaced. */
static void missing_reason(const nh_counters_t *c, const struct ev_set *s, char *buf, size_t len)
{
	if (!s->missing[0]) {
		snprintf(buf, len,
			 "no variant of set '%s' for this host's PMUs (libpfm4 detected: %s)",
			 s->name, c->pmus);
		return;
	}
	const char *at = strstr(s->missing, "{pmus}");
	if (!at)
		snprintf(buf, len, "%s", s->missing);
	else
		snprintf(buf, len, "%.*s%s%s", (int)(at - s->missing), s->missing, c->pmus,
			 at + strlen("{pmus}"));
}

static void add_set(nh_counters_t *c, const struct ev_set *s)
{
	struct open_set *os = &c->sets[c->nsets++];
	os->def = s;
	os->var = choose_variant(s);
	os->first = c->n;
	if (!os->var) {
		struct counter *k = add_counter(c, s->name, "");
		missing_reason(c, s, k->r.reason, sizeof k->r.reason);
		return;
	}
	int leader = -1;
	for (unsigned i = 0; i < os->var->nmembers; i++) {
		const struct ev_member *m = &os->var->members[i];
		char name[sizeof c->ctr[0].r.name];
		snprintf(name, sizeof name, "%s.%s", s->name, m->name);
		open_counter(c, add_counter(c, name, m->event), m->kernel, &leader);
	}
}

nh_counters_t *nh_counters_open(const char *spec, nh_err_t *err)
{
	struct spec sp;
	if (parse_spec(spec, &sp, err) < 0)
		return NULL;
	nh_counters_t *c = calloc(1, sizeof *c);
	if (!c) {
		nh_err_set(err, "counters: %s", strerror(errno));
		return NULL;
	}
	c->has_pmu = -1;
	c->paranoid = read_paranoid();
	host_pmus(c->pmus, sizeof c->pmus);
	for (unsigned i = 0; i < sp.n; i++) {
		if (sp.items[i].set) {
			add_set(c, sp.items[i].set);
		} else {
			int leader = -1; /* an event of its own: no group */
			struct counter *k = add_counter(c, sp.items[i].event, sp.items[i].event);
			open_counter(c, k, false, &leader);
		}
	}
	return c;
}

/* ---- reading ---- */

unsigned nh_counters_read(nh_counters_t *c, nh_counter_t *out, unsigned max)
{
	unsigned n = 0;
	if (!c || !out)
		return 0;
	for (unsigned i = 0; i < c->n && n < max; i++) {
		const struct counter *k = &c->ctr[i];
		nh_counter_t *o = &out[n++];
		*o = k->r;
		if (k->fd < 0)
			continue;
		uint64_t v[3]; /* value, time enabled, time running */
		ssize_t got = read(k->fd, v, sizeof v);
		if (got != (ssize_t)sizeof v) {
			snprintf(o->reason, sizeof o->reason, "read failed: %s",
				 got < 0 ? strerror(errno) : "short read");
			o->available = false;
			continue;
		}
		o->raw = v[0];
		o->time_enabled = v[1];
		o->time_running = v[2];
		if (o->time_running == 0 && o->time_enabled > 0) {
			snprintf(o->reason, sizeof o->reason,
				 "never scheduled: more events than "
				 "counters (multiplexing gave it no time)");
			o->available = false;
			continue;
		}
		o->multiplexed = o->time_running < o->time_enabled;
		o->value = o->multiplexed ? (double)o->raw * ((double)o->time_enabled /
							      (double)o->time_running)
					  : (double)o->raw;
	}
	return n;
}

unsigned nh_counters_derive(const nh_counters_t *c, const nh_counter_t *vals, unsigned n,
			    nh_derived_t *out, unsigned max)
{
	unsigned nd = 0;
	if (!c || !out)
		return 0;
	for (unsigned s = 0; s < c->nsets; s++) {
		const struct open_set *os = &c->sets[s];
		if (!os->var)
			continue;
		const char *names[MEMBER_MAX], *missing[MEMBER_MAX];
		double values[MEMBER_MAX];
		for (unsigned i = 0; i < os->var->nmembers; i++) {
			const char *full = c->ctr[os->first + i].r.name;
			names[i] = os->var->members[i].name;
			missing[i] = "not read";
			values[i] = 0;
			for (unsigned j = 0; vals && j < n; j++) {
				if (strcmp(vals[j].name, full) != 0)
					continue;
				missing[i] = vals[j].available ? NULL : vals[j].reason;
				values[i] = vals[j].value;
				break;
			}
		}
		const struct eval_scope scope = {.names = names,
						 .values = values,
						 .missing = missing,
						 .n = os->var->nmembers,
						 .set = os->def->name};
		for (unsigned m = 0; m < os->var->nmetrics && nd < max; m++) {
			const struct ev_metric *def = &os->var->metrics[m];
			nh_derived_t *d = &out[nd++];
			nh_err_t err;
			memset(d, 0, sizeof *d);
			snprintf(d->name, sizeof d->name, "%s.%s", os->def->name, def->name);
			snprintf(d->unit, sizeof d->unit, "%s", def->unit);
			if (eval_run(def->formula, &scope, &d->value, &err) == 0)
				d->available = true;
			else
				snprintf(d->reason, sizeof d->reason, "%s", err.msg);
		}
	}
	return nd;
}

void nh_counters_close(nh_counters_t *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n; i++)
		if (c->ctr[i].fd >= 0)
			close(c->ctr[i].fd);
	free(c);
}

int nh_counters_settle(unsigned max_threads, double timeout_s)
{
	double deadline = nh_now() + timeout_s;
	for (;;) {
		DIR *d = opendir("/proc/self/task");
		if (!d)
			return -1;
		unsigned n = 0;
		for (struct dirent *e; (e = readdir(d));)
			n += e->d_name[0] != '.';
		closedir(d);
		if (n <= max_threads)
			return 0;
		if (nh_now() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
}

/* ---- encodings ---- */

static json_t *counter_json(const nh_counter_t *v)
{
	json_t *o = v->available
			    ? json_pack("{s:f, s:I, s:I, s:I, s:b, s:s}", "value", v->value, "raw",
					(json_int_t)v->raw, "time_enabled_ns",
					(json_int_t)v->time_enabled, "time_running_ns",
					(json_int_t)v->time_running, "multiplexed", v->multiplexed,
					"scope", v->user_only ? "user" : "user+kernel")
			    : json_pack("{s:s}", "unavailable", v->reason);
	if (o && v->event[0] && json_object_set_new(o, "event", json_string(v->event)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *nh_counters_json(const nh_counter_t *vals, unsigned n, const nh_derived_t *derived,
			 unsigned nd)
{
	json_t *root = json_object();
	if (!root)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		json_t *o = counter_json(&vals[i]);
		if (!o || json_object_set_new(root, vals[i].name, o) < 0)
			goto fail;
	}
	for (unsigned i = 0; i < nd; i++) {
		const nh_derived_t *d = &derived[i];
		json_t *o = d->available && isfinite(d->value)
				    ? json_pack("{s:f, s:s}", "value", d->value, "unit", d->unit)
				    : json_pack("{s:s, s:s}", "unavailable",
						d->available ? "not a finite number" : d->reason,
						"unit", d->unit);
		if (!o || json_object_set_new(root, d->name, o) < 0)
			goto fail;
	}
	return root;
fail:
	json_decref(root);
	errno = ENOMEM;
	return NULL;
}

/* ---- listing ---- */

/* A moment of work, so that opened events get scheduled before they are read. */
static void busy_moment(void)
{
	volatile double x = 0;
	for (double end = nh_now() + 0.002; nh_now() < end;)
		x += 1.0;
}

static void list_set(FILE *out, const struct ev_set *s, nh_err_t *err)
{
	fprintf(out, "\n%s: %s\n", s->name, s->describe);
	nh_counters_t *c = nh_counters_open(s->name, err);
	if (!c) {
		fprintf(out, "  cannot open: %s\n", err->msg);
		return;
	}
	busy_moment();
	nh_counter_t vals[NH_MAX_COUNTERS];
	unsigned n = nh_counters_read(c, vals, NH_MAX_COUNTERS);
	const struct open_set *os = &c->sets[0];
	if (!os->var) {
		fprintf(out, "  no variant for this host: %s\n", n ? vals[0].reason : "?");
	} else {
		fprintf(out, "  variant:");
		for (unsigned i = 0; i < os->var->npmus; i++)
			fprintf(out, " %s", os->var->pmus[i]);
		fprintf(out, "%s\n", os->var->generic ? " (the kernel's generic events)" : "");
		for (unsigned i = 0; i < n && i < os->var->nmembers; i++) {
			fprintf(out, "    %-18s %-42s ", os->var->members[i].name, vals[i].event);
			if (!vals[i].available)
				fprintf(out, "unavailable: %s\n", vals[i].reason);
			else if (vals[i].user_only)
				fprintf(out, "ok, user mode only (perf_event_paranoid=%d)\n",
					c->paranoid);
			else
				fprintf(out, "ok\n");
		}
		for (unsigned i = 0; i < os->var->nmetrics; i++)
			fprintf(out, "    %-18s = %s [%s]\n", os->var->metrics[i].name,
				os->var->metrics[i].formula, os->var->metrics[i].unit);
	}
	nh_counters_close(c);
}

static void print_event(FILE *out, const char *pmu, const char *event, const char *umask,
			const char *desc)
{
	char name[160];
	snprintf(name, sizeof name, "%s::%s%s%s", pmu, event, umask ? ":" : "", umask ? umask : "");
	/* First line of the description, kept short: this is a finder, showevtinfo has the rest. */
	int dlen = desc ? (int)strcspn(desc, "\n") : 0;
	if (dlen > 70)
		dlen = 70;
	fprintf(out, "  %-48s %.*s%s\n", name, dlen, desc ? desc : "",
		desc && (size_t)dlen < strcspn(desc, "\n") ? "..." : "");
}

static unsigned list_matching(FILE *out, const char *pattern)
{
	unsigned found = 0;
	pfm_pmu_info_t pinfo;
	pfm_pmu_t pmu;
	pfm_for_all_pmus (pmu) {
		if (!pmu_info(pmu, &pinfo))
			continue;
		for (int i = pinfo.first_event; i != -1; i = pfm_get_event_next(i)) {
			pfm_event_info_t ev;
			memset(&ev, 0, sizeof ev);
			ev.size = sizeof ev;
			if (pfm_get_event_info(i, PFM_OS_NONE, &ev) != PFM_SUCCESS)
				continue;
			if (strcasestr(ev.name, pattern)) {
				print_event(out, pinfo.name, ev.name, NULL, ev.desc);
				found++;
				continue;
			}
			for (int j = 0; j < ev.nattrs; j++) {
				pfm_event_attr_info_t at;
				memset(&at, 0, sizeof at);
				at.size = sizeof at;
				if (pfm_get_event_attr_info(i, j, PFM_OS_NONE, &at) ==
					    PFM_SUCCESS &&
				    at.type == PFM_ATTR_UMASK && strcasestr(at.name, pattern)) {
					print_event(out, pinfo.name, ev.name, at.name, at.desc);
					found++;
				}
			}
		}
	}
	return found;
}

int nh_counters_list(FILE *out, const char *pattern, nh_err_t *err)
{
	if (load_sets(err) < 0)
		return -1;
	int rc = pfm_init();
	if (rc != PFM_SUCCESS) {
		errno = ENODEV;
		return nh_err_set(err, "libpfm4 cannot initialise: %s", pfm_strerror(rc));
	}
	char pmus[256], p[16];
	host_pmus(pmus, sizeof pmus);
	fprintf(out, "PMUs detected by libpfm4: %s\n", pmus);
	fprintf(out, "perf_event_paranoid: %s\n", paranoid_text(read_paranoid(), p, sizeof p));
	for (unsigned i = 0; i < nsets; i++)
		list_set(out, &sets[i], err);
	if (pattern) {
		fprintf(out, "\nlibpfm4 events matching '%s' on this host's PMUs:\n", pattern);
		if (list_matching(out, pattern) == 0)
			fprintf(out, "  (none)\n");
	}
	return 0;
}
