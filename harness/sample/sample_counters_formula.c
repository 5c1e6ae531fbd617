/* SPDX-License-Identifier: MIT */
/* sample_counters_formula: the interpreter of event-set metric formulas ("misses / (references
 * + 1) * 100"): recursive descent with a depth bound, and reasons that name the missing input. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "sample_counters_internal.h"


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

int nh_counters_eval_scoped(const char *formula, const struct eval_scope *scope, double *out, nh_err_t *err)
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
	return nh_counters_eval_scoped(formula, &scope, out, err);
}
