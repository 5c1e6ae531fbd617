/* SPDX-License-Identifier: MIT */
/* expect_output: the checks as the two files CI and the report read — checks.json and
 * checks.xml (JUnit) — written atomically into the results directory. */
#include "expect.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output ---- */

static json_t *num_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

char *nh_checks_to_json(const nh_checks_t *c)
{
	json_t *arr = json_array();
	for (unsigned i = 0; arr && i < c->count; i++) {
		const nh_check_t *k = &c->items[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(k->name));
		json_object_set_new(o, "kind", json_string(nh_expect_kind_name(k->kind)));
		json_object_set_new(o, "source", json_string(k->source));
		json_object_set_new(o, "status", json_string(nh_check_status_name(k->status)));
		json_object_set_new(o, "fails_gate", json_boolean(k->fails_gate));
		json_object_set_new(o, "config",
				    k->config[0] ? json_string(k->config) : json_null());
		json_object_set_new(o, "value", num_or_null(k->value));
		json_object_set_new(o, "min", num_or_null(k->min));
		json_object_set_new(o, "max", num_or_null(k->max));
		json_object_set_new(o, "detail", json_string(k->detail));
		json_array_append_new(arr, o);
	}
	char *text = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(arr);
	return text;
}

/* A growing string; a failed allocation sticks, so callers check once at the end. */
typedef struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
} sbuf_t;

static void sb_add(sbuf_t *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *grown = realloc(b->p, cap);
		if (!grown) {
			b->oom = true;
			return;
		}
		b->p = grown;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_printf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf_t *b, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

static void sb_xml(sbuf_t *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		switch (ch) {
		case '&': sb_add(b, "&amp;", 5); break;
		case '<': sb_add(b, "&lt;", 4); break;
		case '>': sb_add(b, "&gt;", 4); break;
		case '"': sb_add(b, "&quot;", 6); break;
		case '\'': sb_add(b, "&apos;", 6); break;
		default:
			/* XML 1.0 cannot carry other control characters, not even escaped. */
			if (ch >= 0x20 || ch == '\t' || ch == '\n')
				sb_add(b, s, 1);
			break;
		}
	}
}

char *nh_xml_escape(const char *s)
{
	sbuf_t b = {0};
	sb_add(&b, "", 0);
	sb_xml(&b, s ? s : "");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

char *nh_checks_to_junit(const nh_checks_t *c)
{
	unsigned failures = 0, skipped = 0;
	for (unsigned i = 0; i < c->count; i++) {
		failures += c->items[i].fails_gate;
		skipped += !c->items[i].fails_gate && c->items[i].status == NH_CHECK_NOT_EVALUATED;
	}
	sbuf_t b = {0};
	sb_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(&b,
		  "<testsuites name=\"numaharness\" tests=\"%u\" failures=\"%u\" errors=\"0\" "
		  "skipped=\"%u\">\n",
		  c->count, failures, skipped);
	sb_printf(&b, "  <testsuite name=\"numaharness.");
	sb_xml(&b, c->scenario);
	sb_printf(&b, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" skipped=\"%u\">\n", c->count,
		  failures, skipped);
	for (unsigned i = 0; i < c->count; i++) {
		const nh_check_t *k = &c->items[i];
		sb_printf(&b, "    <testcase classname=\"");
		sb_xml(&b, c->scenario);
		sb_printf(&b, "\" name=\"");
		sb_xml(&b, k->name);
		/* file and line as pytest writes them: CI tools link the check to its expect { } */
		const char *colon = strrchr(k->source, ':');
		if (colon && colon[1] >= '0' && colon[1] <= '9') {
			char file[160];
			snprintf(file, sizeof file, "%.*s", (int)(colon - k->source), k->source);
			sb_printf(&b, "\" file=\"");
			sb_xml(&b, file);
			sb_printf(&b, "\" line=\"%d", atoi(colon + 1));
		}
		sb_printf(&b, "\">\n");
		if (k->fails_gate) {
			const char *prefix =
				k->status == NH_CHECK_NOT_EVALUATED ? "not evaluated: " : "";
			sb_printf(&b, "      <failure type=\"%s\" message=\"%s",
				  nh_check_status_name(k->status), prefix);
			sb_xml(&b, k->detail);
			sb_printf(&b, "\">%s", prefix);
			sb_xml(&b, k->detail);
			sb_printf(&b, "</failure>\n");
		} else if (k->status == NH_CHECK_NOT_EVALUATED) {
			sb_printf(&b, "      <skipped message=\"not evaluated: ");
			sb_xml(&b, k->detail);
			sb_printf(&b, "\"/>\n");
		} else {
			sb_printf(&b, "      <system-out>");
			sb_xml(&b, k->detail);
			sb_printf(&b, "</system-out>\n");
		}
		sb_printf(&b, "    </testcase>\n");
	}
	sb_printf(&b, "  </testsuite>\n</testsuites>\n");
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

int nh_checks_write(const nh_checks_t *c, const char *dir, nh_err_t *err)
{
	char path[4200];
	char *json = nh_checks_to_json(c);
	char *xml = nh_checks_to_junit(c);
	int rc = -1;
	if (!json || !xml) {
		errno = ENOMEM;
		nh_err_set(err, "out of memory writing the checks");
		goto out;
	}
	snprintf(path, sizeof path, "%s/checks.json", dir);
	size_t len = strlen(json);
	json[len] = '\n'; /* json_dumps leaves no final newline; the NUL is not written */
	if (nh_write_file_atomic(path, json, len + 1, err) < 0)
		goto out;
	snprintf(path, sizeof path, "%s/checks.xml", dir);
	if (nh_write_file_atomic(path, xml, strlen(xml), err) < 0)
		goto out;
	rc = 0;
out:
	free(json);
	free(xml);
	return rc;
}
