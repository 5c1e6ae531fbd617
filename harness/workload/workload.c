/* SPDX-License-Identifier: MIT */
/* workload: parameter sets, registry lookup and typed parameter checking. */
#include "workload.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int nh_params_set(nh_params_t *p, const char *name, const char *value, nh_err_t *err)
{
	if (strlen(name) >= sizeof p->kv[0].name || strlen(value) >= sizeof p->kv[0].value) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "parameter '%s': name or value too long", name);
	}
	for (unsigned i = 0; i < p->count; i++) {
		if (strcmp(p->kv[i].name, name) == 0) {
			snprintf(p->kv[i].value, sizeof p->kv[i].value, "%s", value);
			return 0;
		}
	}
	if (p->count == NH_MAX_PARAMS) {
		errno = E2BIG;
		return nh_err_set(err, "too many parameters (at most %d)", NH_MAX_PARAMS);
	}
	snprintf(p->kv[p->count].name, sizeof p->kv[0].name, "%s", name);
	snprintf(p->kv[p->count].value, sizeof p->kv[0].value, "%s", value);
	p->count++;
	return 0;
}

const char *nh_params_get(const nh_params_t *p, const char *name)
{
	for (unsigned i = 0; i < p->count; i++)
		if (strcmp(p->kv[i].name, name) == 0)
			return p->kv[i].value;
	return NULL;
}

int nh_params_set_kv(nh_params_t *p, const char *kv, nh_err_t *err)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv) {
		errno = EINVAL;
		return nh_err_set(err, "bad parameter '%s': expected name=value", kv);
	}
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)(eq - kv), kv);
	return nh_params_set(p, name, eq + 1, err);
}

static const nh_param_def_t *find_def(const nh_param_def_t *defs, const char *name)
{
	for (const nh_param_def_t *d = defs; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

const nh_param_def_t *nh_workload_param(const nh_workload_t *wl, const char *name)
{
	return find_def(wl->params, name);
}

const nh_metric_def_t *nh_workload_metric(const nh_workload_t *wl, const char *name)
{
	for (const nh_metric_def_t *d = wl->metrics; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < NH_ARRAY_LEN(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, true;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

static bool enum_has(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *c = choices; c && *c;) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);
		if (len == n && strncmp(c, v, n) == 0)
			return true;
		c = bar ? bar + 1 : NULL;
	}
	return false;
}

/* One value against its definition; the message says what was expected. */
static int check_value(const char *owner, const nh_param_def_t *d, const char *v, nh_err_t *err)
{
	nh_err_t inner;
	if (d->keyword && strcmp(v, d->keyword) == 0)
		return 0;
	switch (d->type) {
	case NH_PARAM_SIZE: {
		uint64_t bytes;
		if (nh_parse_size(v, &bytes, &inner) < 0)
			return nh_err_set(err, "%s: parameter '%s': %s", owner, d->name, inner.msg);
		if ((double)bytes < d->min || (d->max > 0 && (double)bytes > d->max)) {
			char lo[32], hi[32];
			errno = ERANGE;
			return nh_err_set(err, "%s: parameter '%s': %s is outside %s .. %s", owner, d->name, v,
					  nh_format_size((uint64_t)d->min, lo, sizeof lo),
					  nh_format_size((uint64_t)d->max, hi, sizeof hi));
		}
		break;
	}
	case NH_PARAM_INT: {
		uint64_t n;
		if (nh_parse_uint(v, (uint64_t)d->min, (uint64_t)d->max, &n, &inner) < 0)
			return nh_err_set(err, "%s: parameter '%s': %s%s%s%s", owner, d->name, inner.msg,
					  d->keyword ? " (or '" : "", d->keyword ? d->keyword : "",
					  d->keyword ? "')" : "");
		break;
	}
	case NH_PARAM_BOOL: {
		bool b;
		if (!parse_bool(v, &b)) {
			errno = EINVAL;
			return nh_err_set(err, "%s: parameter '%s': '%s' is not a boolean (use 0/1, true/false)",
					  owner, d->name, v);
		}
		break;
	}
	case NH_PARAM_ENUM:
		if (!enum_has(d->choices, v)) {
			errno = EINVAL;
			return nh_err_set(err, "%s: parameter '%s': '%s' is not one of %s", owner, d->name, v,
					  d->choices);
		}
		break;
	case NH_PARAM_DURATION: {
		double s;
		if (nh_parse_duration(v, &s, &inner) < 0)
			return nh_err_set(err, "%s: parameter '%s': %s", owner, d->name, inner.msg);
		if (s < d->min || (d->max > 0 && s > d->max)) {
			errno = ERANGE;
			return nh_err_set(err, "%s: parameter '%s': %s is outside %g s .. %g s", owner, d->name, v,
					  d->min, d->max);
		}
		break;
	}
	case NH_PARAM_STRING:
		break;
	}
	if (d->check && d->check(v, &inner) < 0)
		return nh_err_set(err, "%s: parameter '%s': %s", owner, d->name, inner.msg);
	return 0;
}

static void list_names(const nh_param_def_t *defs, char *buf, size_t len, size_t *used)
{
	for (const nh_param_def_t *k = defs; k && k->name; k++) {
		int n = snprintf(buf + *used, len - *used, "%s%s", *used ? ", " : "", k->name);
		if (n > 0 && (size_t)n < len - *used)
			*used += (size_t)n;
	}
}

int nh_params_check(const char *owner, const nh_param_def_t *defs, const nh_param_def_t *extra,
		    nh_params_t *p, nh_err_t *err)
{
	for (unsigned i = 0; i < p->count; i++) {
		const nh_param_def_t *d = find_def(defs, p->kv[i].name);
		if (!d)
			d = find_def(extra, p->kv[i].name);
		if (!d) {
			char known[512] = "";
			size_t used = 0;
			list_names(defs, known, sizeof known, &used);
			list_names(extra, known, sizeof known, &used);
			errno = EINVAL;
			return nh_err_set(err, "%s: unknown parameter '%s' (known: %s)", owner, p->kv[i].name, known);
		}
		if (check_value(owner, d, p->kv[i].value, err) < 0)
			return -1;
	}
	const nh_param_def_t *tables[] = {defs, extra};
	for (size_t t = 0; t < NH_ARRAY_LEN(tables); t++) {
		for (const nh_param_def_t *d = tables[t]; d && d->name; d++) {
			if (nh_params_get(p, d->name))
				continue;
			if (!d->def) {
				errno = EINVAL;
				return nh_err_set(err, "%s: parameter '%s' is required", owner, d->name);
			}
			if (nh_params_set(p, d->name, d->def, err) < 0)
				return -1;
		}
	}
	return 0;
}

int nh_workload_check_params(const nh_workload_t *wl, nh_params_t *p, nh_err_t *err)
{
	return nh_params_check(wl->name, wl->params, NULL, p, err);
}
