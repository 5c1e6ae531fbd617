/* SPDX-License-Identifier: MIT */
/* fleet_summary: one short line per judged host, for what acts on a verdict — a scheduler's drain
 * reason ("numaharness: node1 local triad -16% vs cohort"), a ticket title. ASCII only, no tab or
 * newline, at most NH_FLEET_SUMMARY_LEN - 1 bytes: Slurm shows a reason in narrow columns and
 * some tools choke on anything else. The full evidence stays in fleet.json and fleet.md. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fleet_internal.h"

/* The report's typography, spelled in ASCII. */
static const struct {
	const char *utf8, *ascii;
} ascii_of[] = {
	{"\u2260", "!="}, {"\u2212", "-"}, {"\u2192", "->"}, {"\u00d7", "x"},   {"\u2265", ">="},
	{"\u2264", "<="}, {"\u2026", "..."}, {"\u2013", "-"}, {"\u2014", "-"},  {"\u00b5", "u"},
	{"\u00b1", "+/-"}, {"\u2248", "~"},
};

/* Append \p text to \p out (of \p len, holding \p used bytes) in ASCII; returns the new length.
 * Stops short of the end; the caller marks a cut. */
static size_t put_ascii(char *out, size_t len, size_t used, const char *text)
{
	for (const char *p = text; *p && used + 1 < len;) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80) {
			out[used++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
			p++;
			continue;
		}
		const char *swap = "?";
		size_t skip = 1;
		for (size_t k = 0; k < NH_ARRAY_LEN(ascii_of); k++)
			if (strncmp(p, ascii_of[k].utf8, strlen(ascii_of[k].utf8)) == 0) {
				swap = ascii_of[k].ascii;
				skip = strlen(ascii_of[k].utf8);
				break;
			}
		if (skip == 1) /* an unknown character: skip its continuation bytes */
			while ((p[skip] & 0xc0) == 0x80)
				skip++;
		for (const char *s = swap; *s && used + 1 < len; s++)
			out[used++] = *s;
		p += skip;
	}
	out[used] = '\0';
	return used;
}

static size_t put_fmt(char *out, size_t len, size_t used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t put_fmt(char *out, size_t len, size_t used, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	return put_ascii(out, len, used, text);
}

static const char *first_reason(const fleet_host_t *h, const char *prefix)
{
	for (unsigned i = 0; i < h->reasons.n; i++)
		if (strncmp(h->reasons.s[i], prefix, strlen(prefix)) == 0)
			return h->reasons.s[i];
	return NULL;
}

static const fleet_value_t *first_noisy(const fleet_host_t *h, unsigned *node, unsigned *metric)
{
	for (unsigned n = 0; n < h->node_count; n++)
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
			if (h->nodes[n].m[m].flag == FL_NOISY) {
				*node = h->nodes[n].id;
				*metric = m;
				return &h->nodes[n].m[m];
			}
	return NULL;
}

/* A deviation as a drain reason shows it: "-16%", "-8.3%". */
static const char *short_pct(char *out, size_t len, double pct)
{
	snprintf(out, len, fabs(pct) >= 10 ? "%+.0f%%" : "%+.1f%%", pct);
	return out;
}

/* Shape facts first (a node count that differs says it all; a long value, such as a SLIT
 * matrix, is named, not shown), then every figure off in its bad direction, furthest first. */
static size_t outlier_summary(const nh_fleet_t *f, const fleet_host_t *h, char *out, size_t len)
{
	size_t used = 0;
	const unsigned *usual = f->cohorts[h->cohort].usual;
	for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++) {
		const nh_fleet_fact_def_t *d = nh_fleet_fact_def(fact);
		if (!d->shape || !(h->drift_facts & (1u << fact)))
			continue;
		const char *mine = fleet_str(f, h->fact[fact]), *theirs = fleet_str(f, usual[fact]);
		if (strlen(mine) + strlen(theirs) > 40)
			used = put_fmt(out, len, used, "%s%s differ from the cohort's", used ? "; " : "",
				       d->label);
		else
			used = put_fmt(out, len, used, "%s%s %s vs cohort %s", used ? "; " : "",
				       d->label, mine, theirs);
		if (fact == NH_FACT_NODES)
			break;
	}
	/* the deviating figures, by size; a host has few nodes × 4 metrics */
	enum { MAX = NH_FLEET_MAX_NODES * NH_FLEET_METRICS };
	const fleet_value_t *picked[MAX];
	unsigned node_of[MAX], metric_of[MAX];
	unsigned n = 0;
	bool baseline = false;
	for (unsigned k = 0; k < h->node_count && k < NH_FLEET_MAX_NODES; k++)
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
			const fleet_value_t *v = &h->nodes[k].m[m];
			if (v->flag != FL_LOW && v->flag != FL_HIGH)
				continue;
			unsigned at = n++;
			while (at > 0 && fabs(picked[at - 1]->dev_pct) < fabs(v->dev_pct)) {
				picked[at] = picked[at - 1];
				node_of[at] = node_of[at - 1];
				metric_of[at] = metric_of[at - 1];
				at--;
			}
			picked[at] = v;
			node_of[at] = h->nodes[k].id;
			metric_of[at] = m;
		}
	for (unsigned r = 0; r < f->ref_count && n; r++)
		if (f->refs[r].cohort == h->cohort && f->refs[r].node == node_of[0] &&
		    f->refs[r].metric == (enum nh_fleet_metric)metric_of[0])
			baseline = f->refs[r].baseline;
	for (unsigned i = 0; i < n; i++) {
		char pct[16];
		used = put_fmt(out, len, used, "%snode%u %s %s", i ? ", " : used ? "; " : "",
			       node_of[i], nh_fleet_metric_def(metric_of[i])->label,
			       short_pct(pct, sizeof pct, picked[i]->dev_pct));
	}
	if (n)
		used = put_fmt(out, len, used, " vs %s", baseline ? "baseline" : "cohort");
	return used;
}

size_t nh_fleet_host_summary(const nh_fleet_t *f, unsigned i, char *out, size_t len)
{
	if (!len)
		return 0;
	out[0] = '\0';
	if (i >= f->host_count)
		return 0;
	const fleet_host_t *h = &f->hosts[i];
	size_t used = 0;
	unsigned node = 0, metric = 0;
	const fleet_value_t *v;
	switch (h->verdict) {
	case NH_FLEET_PASS:
		used = put_ascii(out, len, 0, "pass");
		break;
	case NH_FLEET_FAIL: {
		const char *why = first_reason(h, "check failed: ");
		used = put_ascii(out, len, 0, why ? why : "check failed (checks.json)");
		if (h->checks_failed > 1)
			used = put_fmt(out, len, used, "; and %u more failed checks", h->checks_failed - 1);
		break;
	}
	case NH_FLEET_OUTLIER:
		used = outlier_summary(f, h, out, len);
		break;
	case NH_FLEET_UNSTABLE:
		v = first_noisy(h, &node, &metric);
		if (v)
			used = put_fmt(out, len, 0, "node%u %s unstable: CV %.2f over %u runs", node,
				       nh_fleet_metric_def(metric)->label, v->cv, v->n);
		break;
	case NH_FLEET_ERROR:
		used = put_fmt(out, len, 0, "could not run: %s", h->reasons.n ? h->reasons.s[0] : "?");
		break;
	case NH_FLEET_MISSING:
		used = put_ascii(out, len, 0, "no results");
		break;
	case NH_FLEET_VERDICTS:
		break;
	}
	if (used + 1 >= len && len > 4) /* cut: say so */
		memcpy(out + len - 4, "...", 4), used = len - 1;
	return used;
}
