/* SPDX-License-Identifier: MIT */
/* charts_labels: how configurations are named in charts and the report — a parameter's value,
 * the parameters off their defaults, sizes in their units, and labels that tell configurations
 * apart by what varies among them. */
#include "charts_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run_options.h"
#include "workload.h"

const char *nh_charts_param(const char *params, const char *name, char *buf, size_t len)
{
	size_t nl = strlen(name);
	for (const char *p = params; p && *p;) {
		while (*p == ' ')
			p++;
		const char *end = strchr(p, ' ');
		size_t tl = end ? (size_t)(end - p) : strlen(p);
		if (tl > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			snprintf(buf, len, "%.*s", (int)(tl - nl - 1), p + nl + 1);
			return buf;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

static const nh_param_def_t *param_def(const nh_workload_t *wl, const char *name)
{
	for (const nh_param_def_t *d = wl ? wl->params : NULL; d && d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	for (const nh_param_def_t *d = nh_run_options; d->name; d++)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

static const char *param_default(const nh_workload_t *wl, const char *name)
{
	const nh_param_def_t *d = param_def(wl, name);
	return d ? d->def : NULL;
}

/* How a value reads in a label: a size in plain bytes (as scenarios compute them) in its largest
 * exact binary unit, "1258291200" -> "1200M", still a valid spelling of the parameter. */
static const char *display_value(const nh_workload_t *wl, const char *name, const char *v,
				 char *buf, size_t len)
{
	const nh_param_def_t *d = param_def(wl, name);
	if (d && d->type == NH_PARAM_SIZE && *v && strspn(v, "0123456789") == strlen(v)) {
		unsigned long long b = strtoull(v, NULL, 10);
		const char *units = "KMGT";
		int u = -1;
		for (int i = 0; i < 4 && b >> (10 * (i + 1)) && b % (1ULL << (10 * (i + 1))) == 0;
		     i++)
			u = i;
		if (u >= 0) {
			snprintf(buf, len, "%llu%c", b >> (10 * (u + 1)), units[u]);
			return buf;
		}
	}
	snprintf(buf, len, "%s", v);
	return buf;
}

char *nh_charts_short_params(const char *workload, const char *params, char *buf, size_t len)
{
	const nh_workload_t *wl = nh_workload_find(workload, NULL);
	size_t used = 0;
	buf[0] = '\0';
	for (const char *p = params; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t tl = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', tl);
		if (eq) {
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)(eq - p), p);
			const char *def = param_default(wl, name);
			size_t vl = tl - (size_t)(eq + 1 - p);
			bool is_default = def && strlen(def) == vl && strncmp(def, eq + 1, vl) == 0;
			char value[160], shown[160];
			snprintf(value, sizeof value, "%.*s", (int)vl, eq + 1);
			display_value(wl, name, value, shown, sizeof shown);
			if (!is_default && used + strlen(name) + strlen(shown) + 3 < len)
				used += (size_t)snprintf(buf + used, len - used, "%s%s=%s",
							 used ? " " : "", name, shown);
		}
		p = end ? end + 1 : NULL;
	}
	return buf;
}

const char *nh_charts_headline_metric(const char *workload)
{
	const nh_workload_t *wl = nh_workload_find(workload, NULL);
	if (!wl || !wl->metrics || !wl->metrics[0].name)
		return NULL;
	if (nh_workload_metric(wl, "triad"))
		return "triad"; /* STREAM is read by its triad, as McCalpin reports it */
	return wl->metrics[0].name;
}

/* The parameter list without \p except (NULL: all of it): what the points of one line share. */
void nh_charts_params_without(const char *params, const char *except, char *buf, size_t len)
{
	size_t used = 0, el = except ? strlen(except) : 0;
	buf[0] = '\0';
	for (const char *p = params; p && *p;) {
		const char *end = strchr(p, ' ');
		size_t tl = end ? (size_t)(end - p) : strlen(p);
		bool skip = except && tl > el && strncmp(p, except, el) == 0 && p[el] == '=';
		if (!skip && used + tl + 2 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%.*s", used ? " " : "",
						 (int)tl, p);
		p = end ? end + 1 : NULL;
	}
}

void nh_charts_labels(const nh_results_config_t *const *cfgs, unsigned n, const char *except,
		      char (*labels)[256], char *common, size_t common_len)
{
	bool policy_varies = false, alloc_varies = false;
	for (unsigned i = 1; i < n; i++) {
		policy_varies |= strcmp(cfgs[i]->policy, cfgs[0]->policy) != 0;
		alloc_varies |= strcmp(cfgs[i]->allocator, cfgs[0]->allocator) != 0;
	}
	char shared[640];
	nh_charts_params_without(cfgs[0]->params, except, shared, sizeof shared);
	for (unsigned i = 0; i < n; i++)
		labels[i][0] = '\0';
	size_t cu = 0;
	common[0] = '\0';
	/* Each parameter of the first configuration: part of every label when it varies, of the
	 * common text when it does not (and is not its default). */
	const nh_workload_t *wl = nh_workload_find(cfgs[0]->workload, NULL);
	for (const char *p = shared; *p;) {
		const char *end = strchr(p, ' ');
		size_t tl = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', tl);
		if (eq) {
			char name[64], v0[160], vi[160];
			snprintf(name, sizeof name, "%.*s", (int)(eq - p), p);
			snprintf(v0, sizeof v0, "%.*s", (int)(tl - (size_t)(eq + 1 - p)), eq + 1);
			bool varies = false;
			for (unsigned i = 1; i < n && !varies; i++) {
				const char *v = nh_charts_param(cfgs[i]->params, name, vi,
								sizeof vi);
				varies = !v || strcmp(v, v0) != 0;
			}
			char shown[160];
			if (varies) {
				for (unsigned i = 0; i < n; i++) {
					const char *v = nh_charts_param(cfgs[i]->params, name, vi,
									sizeof vi);
					/* A label too long ends in "..." (and stays so). */
					char was[256];
					memcpy(was, labels[i], sizeof was);
					nh_format_cut(labels[i], 256, "%s%s%s=%s", was,
						      was[0] ? " " : "", name,
						      v ? display_value(wl, name, v, shown,
									sizeof shown)
							: "-");
				}
			} else {
				const char *def = param_default(wl, name);
				display_value(wl, name, v0, shown, sizeof shown);
				if ((!def || strcmp(def, v0) != 0) &&
				    cu + strlen(name) + strlen(shown) + 3 < common_len)
					cu += (size_t)snprintf(common + cu, common_len - cu,
							       "%s%s=%s", cu ? " " : "", name,
							       shown);
			}
		}
		p = end ? end + 1 : p + tl;
	}
	for (unsigned i = 0; i < n; i++) {
		char rest[256];
		memcpy(rest, labels[i], sizeof rest);
		const char *policy = policy_varies || (!alloc_varies && !rest[0]) ? cfgs[i]->policy : "";
		const char *alloc = alloc_varies ? cfgs[i]->allocator : "";
		/* "policy allocator parameters": a label, so one too long is cut, and shows it. */
		nh_format_cut(labels[i], 256, "%s%s%s%s%s", policy, policy[0] && alloc[0] ? " " : "",
			      alloc, (policy[0] || alloc[0]) && rest[0] ? " " : "", rest);
	}
	if (!policy_varies && cu + 2 < common_len)
		cu += (size_t)snprintf(common + cu, common_len - cu, "%s%s", cu ? ", " : "",
				       cfgs[0]->policy);
	if (!alloc_varies && strcmp(cfgs[0]->allocator, "glibc") != 0 && cu + 2 < common_len)
		snprintf(common + cu, common_len - cu, "%s%s", cu ? ", " : "", cfgs[0]->allocator);
}

int nh_charts_workload_labels(const nh_results_config_t *const *cfgs, unsigned n,
			      char (*labels)[256])
{
	const nh_results_config_t **same = calloc(n ? n : 1, sizeof *same);
	char(*own)[256] = calloc(n ? n : 1, sizeof *own);
	unsigned *idx = calloc(n ? n : 1, sizeof *idx);
	bool *done = calloc(n ? n : 1, sizeof *done);
	int rc = -1;
	if (!same || !own || !idx || !done) {
		errno = ENOMEM;
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		if (done[i])
			continue;
		unsigned m = 0;
		for (unsigned k = i; k < n; k++)
			if (!done[k] && strcmp(cfgs[k]->workload, cfgs[i]->workload) == 0) {
				done[k] = true;
				idx[m] = k;
				same[m++] = cfgs[k];
			}
		char common[512];
		nh_charts_labels(same, m, NULL, own, common, sizeof common);
		for (unsigned k = 0; k < m; k++)
			snprintf(labels[idx[k]], 256, "%s", own[k]);
	}
	rc = 0;
out:
	free(same);
	free(own);
	free(idx);
	free(done);
	return rc;
}
