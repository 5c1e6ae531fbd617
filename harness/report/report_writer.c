/* SPDX-License-Identifier: MIT */
/* report_writer: the writer of report.md and report.html (see report_writer.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "report_writer.h"

#include <cmark.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"


static char *rw_vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

/* ---- the two documents ---- */

/* What every report page looks like; a document adds the colours of its own status words. */
static const char CSS[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;"
	"max-width:1100px;padding:0 1em;color:#222;line-height:1.45}\n"
	"h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}\n"
	"table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}\n"
	"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}\n"
	"th{background:#f3f3f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"tbody tr:nth-child(even){background:#fafafa}\n"
	"code{background:#f2f2f2;padding:0 .2em;border-radius:3px;font-size:.92em}\n"
	".bad{color:#b00020;font-weight:bold}\n"
	"figure.chart{margin:1em 0}figure.chart svg,figure.chart img{width:100%;height:auto;"
	"max-width:1000px;border:1px solid #eee}\n";

void rw_discard(struct rw *w)
{
	if (w->md)
		fclose(w->md);
	if (w->html)
		fclose(w->html);
	free(w->mdbuf);
	free(w->htmlbuf);
	memset(w, 0, sizeof *w);
}

int rw_begin(struct rw *w, const char *title, const char *extra_css, nh_err_t *err)
{
	memset(w, 0, sizeof *w);
	w->md = open_memstream(&w->mdbuf, &w->mdlen);
	w->html = open_memstream(&w->htmlbuf, &w->htmllen);
	if (!w->md || !w->html) {
		rw_discard(w);
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for %s", title);
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	      w->html);
	rw_html_text(w->html, title);
	fprintf(w->html, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n", CSS,
		extra_css ? extra_css : "");
	return 0;
}

int rw_finish(struct rw *w, const char *md_path, const char *html_path, nh_err_t *err)
{
	fputs("</body>\n</html>\n", w->html);
	bool bad = ferror(w->md) || ferror(w->html);
	bad |= fclose(w->md) != 0;
	bad |= fclose(w->html) != 0;
	w->md = w->html = NULL;
	int rc = -1;
	if (bad || !w->mdbuf || !w->htmlbuf) {
		errno = ENOMEM;
		nh_err_set(err, "out of memory for %s", md_path);
	} else if (nh_write_file_atomic(md_path, w->mdbuf, w->mdlen, err) == 0 &&
		   nh_write_file_atomic(html_path, w->htmlbuf, w->htmllen, err) == 0) {
		rc = 0;
	}
	rw_discard(w);
	return rc;
}

/* Markdown: backslash what would otherwise be markup; a newline would end a table row. */
void rw_md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
}

void rw_md_code(FILE *f, const char *s)
{
	/* A backtick inside needs a longer fence; a pipe is escaped even in code inside tables. */
	const char *fence = strchr(s, '`') ? "`` " : "`";
	fputs(fence, f);
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
	}
	fputs(strchr(fence, ' ') ? " ``" : "`", f);
}

void rw_html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f);
		}
	}
}

void rw_text(struct rw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rw_vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	rw_md_text(w->md, s);
	rw_html_text(w->html, s);
	free(s);
}

void rw_code(struct rw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rw_vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	rw_md_code(w->md, s);
	fputs("<code>", w->html);
	rw_html_text(w->html, s);
	fputs("</code>", w->html);
	free(s);
}

void rw_heading(struct rw *w, int level, const char *id, const char *fmt, ...)
		__attribute__((format(printf, 4, 5)));
void rw_heading(struct rw *w, int level, const char *id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rw_vfmt(fmt, ap);
	va_end(ap);
	if (!s)
		return;
	fprintf(w->md, "%.*s ", level, "######");
	rw_md_text(w->md, s);
	fputs("\n\n", w->md);
	if (id)
		fprintf(w->html, "<h%d id=\"%s\">", level, id);
	else
		fprintf(w->html, "<h%d>", level);
	rw_html_text(w->html, s);
	fprintf(w->html, "</h%d>\n", level);
	free(s);
}

void rw_p_begin(struct rw *w) { fputs("<p>", w->html); }

void rw_p_end(struct rw *w)
{
	fputs("\n\n", w->md);
	fputs("</p>\n", w->html);
}

void rw_ul_begin(struct rw *w) { fputs("<ul>\n", w->html); }

void rw_ul_end(struct rw *w)
{
	fputs("\n", w->md);
	fputs("</ul>\n", w->html);
}

void rw_li_begin(struct rw *w)
{
	fputs("- ", w->md);
	fputs("<li>", w->html);
}

void rw_li_end(struct rw *w)
{
	fputs("\n", w->md);
	fputs("</li>\n", w->html);
}

/* A table: headers given as a NULL-terminated list; align is one 'l' or 'r' per column. */
void rw_table_begin_v(struct rw *w, const char *align, const char *const *headers)
{
	w->cols = (unsigned)strlen(align);
	w->align = align;
	w->cell = 0;
	fputs("<table>\n<thead><tr>", w->html);
	fputc('|', w->md);
	for (unsigned i = 0; i < w->cols; i++) {
		fputc(' ', w->md);
		rw_md_text(w->md, headers[i]);
		fputs(" |", w->md);
		fprintf(w->html, "<th%s>", align[i] == 'r' ? " class=\"num\"" : "");
		rw_html_text(w->html, headers[i]);
		fputs("</th>", w->html);
	}
	fputs("\n|", w->md);
	for (unsigned i = 0; i < w->cols; i++)
		fputs(align[i] == 'r' ? "--:|" : "---|", w->md);
	fputs("\n", w->md);
	fputs("</tr></thead>\n<tbody>\n", w->html);
}

void rw_table_begin(struct rw *w, const char *align, ...)
{
	const char *headers[32];
	size_t n = strlen(align);
	va_list ap;
	va_start(ap, align);
	for (size_t i = 0; i < n && i < NH_ARRAY_LEN(headers); i++)
		headers[i] = va_arg(ap, const char *);
	va_end(ap);
	rw_table_begin_v(w, align, headers);
}

void rw_cell_open(struct rw *w, const char *cls)
{
	if (w->cell == 0) {
		fputc('|', w->md);
		fputs("<tr>", w->html);
	}
	fputc(' ', w->md);
	bool num = w->cell < w->cols && w->align[w->cell] == 'r';
	if (num || cls)
		fprintf(w->html, "<td class=\"%s%s%s\">", num ? "num" : "", num && cls ? " " : "",
			cls ? cls : "");
	else
		fputs("<td>", w->html);
}

void rw_cell_close(struct rw *w)
{
	fputs(" |", w->md);
	fputs("</td>", w->html);
	if (++w->cell == w->cols) {
		fputc('\n', w->md);
		fputs("</tr>\n", w->html);
		w->cell = 0;
	}
}

void rw_cell(struct rw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = rw_vfmt(fmt, ap);
	va_end(ap);
	rw_cell_open(w, NULL);
	if (s) {
		rw_md_text(w->md, s);
		rw_html_text(w->html, s);
	}
	rw_cell_close(w);
	free(s);
}

void rw_cell_code(struct rw *w, const char *s)
{
	rw_cell_open(w, NULL);
	if (*s)
		rw_code(w, "%s", s);
	rw_cell_close(w);
}

/* A status word (pass, fail, ...) or a count, coloured in HTML and bold in Markdown when it
 * is bad news. */
void rw_cell_status(struct rw *w, const char *status, bool bad)
{
	char cls[48];
	snprintf(cls, sizeof cls, "st-%s", status);
	for (char *p = cls; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			*p = '-';
	rw_cell_open(w, bad ? "bad" : cls);
	if (bad)
		fputs("**", w->md);
	rw_md_text(w->md, status);
	if (bad)
		fputs("**", w->md);
	rw_html_text(w->html, status);
	rw_cell_close(w);
}

void rw_table_end(struct rw *w)
{
	while (w->cell) /* a short row is completed, never left open */
		rw_cell(w, "%s", "");
	fputs("\n", w->md);
	fputs("</tbody>\n</table>\n", w->html);
}

/* ---- number formatting ---- */

/* Whole numbers for big values (MB/s, ops/s), 4 significant digits for small (ns, ratios). */
const char *rw_num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "–");
	else if (fabs(v) >= 1000)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

const char *rw_pct(char *buf, size_t len, double ratio)
{
	if (!isfinite(ratio))
		snprintf(buf, len, "–");
	else
		snprintf(buf, len, "%.1f%%", ratio * 100);
	return buf;
}

const char *rw_bytes(char *buf, size_t len, double v)
{
	if (!isfinite(v) || v < 0)
		snprintf(buf, len, "–");
	else
		nh_format_size((uint64_t)v, buf, len);
	return buf;
}


/* ---- charts ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void rw_base64(FILE *f, const unsigned char *d, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0) |
			     (i + 2 < n ? d[i + 2] : 0);
		fputc(B64[v >> 18 & 63], f);
		fputc(B64[v >> 12 & 63], f);
		fputc(i + 1 < n ? B64[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? B64[v & 63] : '=', f);
	}
}

/* gnuplot's SVG inline: its XML prolog dropped, its ids (gpPt0, textbox, ...) made unique per
 * chart since every chart defines the same ones and an HTML document shares one id space. */
bool rw_inline_svg(FILE *html, const char *path, unsigned n, const char *title)
{
	size_t len;
	char *svg = nh_read_file(path, &len, NULL);
	if (!svg)
		return false;
	char *start = strstr(svg, "<svg");
	if (!start) {
		free(svg);
		return false;
	}
	char prefix[16];
	snprintf(prefix, sizeof prefix, "c%u-", n);
	static const char *const refs[] = {"id='", "id=\"", "href='#", "href=\"#", "url(#"};
	fputs("<figure class=\"chart\">\n", html);
	for (const char *s = start; *s;) {
		if (strncmp(s, "<title>Gnuplot</title>", 22) == 0) {
			fputs("<title>", html);
			rw_html_text(html, title);
			fputs("</title>", html);
			s += 22;
			continue;
		}
		bool hit = false;
		for (unsigned i = 0; i < NH_ARRAY_LEN(refs) && !hit; i++) {
			size_t l = strlen(refs[i]);
			if (strncmp(s, refs[i], l) == 0) {
				fwrite(s, 1, l, html);
				fputs(prefix, html);
				s += l;
				hit = true;
			}
		}
		if (!hit)
			fputc(*s++, html);
	}
	fputs("</figure>\n", html);
	free(svg);
	return true;
}

bool rw_inline_png(FILE *html, const char *path, const char *title)
{
	size_t len;
	char *png = nh_read_file(path, &len, NULL);
	if (!png)
		return false;
	fputs("<figure class=\"chart\"><img alt=\"", html);
	rw_html_text(html, title);
	fputs("\" src=\"data:image/png;base64,", html);
	rw_base64(html, (const unsigned char *)png, len);
	fputs("\"></figure>\n", html);
	free(png);
	return true;
}


void rw_chart(struct rw *w, const char *dir, const nh_chart_t *c, unsigned n)
{
	char path[PATH_MAX + 100];
	if (c->png) {
		fprintf(w->md, "![");
		rw_md_text(w->md, c->title);
		fprintf(w->md, "](charts/%s.png)\n\n", c->name);
	}
	bool shown = false;
	if (c->svg) {
		snprintf(path, sizeof path, "%s/charts/%s.svg", dir, c->name);
		shown = rw_inline_svg(w->html, path, n, c->title);
	}
	if (!shown && c->png) {
		snprintf(path, sizeof path, "%s/charts/%s.png", dir, c->name);
		shown = rw_inline_png(w->html, path, c->title);
	}
	rw_p_begin(w);
	if (c->error[0])
		rw_text(w, "Not drawn: %s. ", c->error);
	rw_text(w, "Data ");
	rw_code(w, "charts/%s.dat", c->name);
	rw_text(w, ", template ");
	rw_code(w, "charts/%s.gp", c->kind);
	if (c->svg) {
		rw_text(w, ", SVG ");
		rw_code(w, "charts/%s.svg", c->name);
	}
	rw_text(w, "; again by hand: ");
	rw_code(w, "%s", c->command);
	rw_p_end(w);
}

/* ---- a scenario's Markdown ---- */

/* Raw HTML in a scenario's Markdown becomes code showing it: a report is read in browsers, and
 * a script's text must not run there (cmark's safe mode would drop it silently instead). */
static bool html_to_code(cmark_node *node)
{
	cmark_node_type t = cmark_node_get_type(node);
	bool block = t == CMARK_NODE_HTML_BLOCK;
	cmark_node *code = cmark_node_new(block ? CMARK_NODE_CODE_BLOCK : CMARK_NODE_CODE);
	if (!code)
		return false;
	cmark_node_set_literal(code, cmark_node_get_literal(node));
	cmark_node_replace(node, code);
	cmark_node_free(node);
	return true;
}

bool rw_markdown(struct rw *w, const char *markdown, int level)
{
	cmark_node *doc = cmark_parse_document(markdown, strlen(markdown),
					       CMARK_OPT_VALIDATE_UTF8);
	if (!doc)
		return false;
	/* Headings under the section's own (a "# x" in the script is level + 1), at most 6; the
	 * raw HTML nodes are collected first, as replacing one mid-walk would end the walk. */
	cmark_node **raw = NULL;
	size_t nraw = 0, cap = 0;
	bool ok = true;
	cmark_iter *it = cmark_iter_new(doc);
	for (cmark_event_type ev; ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *node = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(node);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_HEADING) {
			int l = cmark_node_get_heading_level(node) + level;
			cmark_node_set_heading_level(node, l > 6 ? 6 : l);
		} else if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			if (nraw == cap) {
				cap = cap ? 2 * cap : 8;
				cmark_node **grown = realloc(raw, cap * sizeof *grown);
				ok = grown != NULL;
				if (ok)
					raw = grown;
			}
			if (ok)
				raw[nraw++] = node;
		}
	}
	cmark_iter_free(it);
	for (size_t i = 0; ok && i < nraw; i++)
		ok = html_to_code(raw[i]);
	free(raw);
	char *md = ok ? cmark_render_commonmark(doc, CMARK_OPT_DEFAULT, 0) : NULL;
	char *html = ok ? cmark_render_html(doc, CMARK_OPT_DEFAULT) : NULL;
	cmark_node_free(doc);
	ok = md && html;
	if (ok) {
		fputs(md, w->md);
		fputs("\n", w->md);
		fputs(html, w->html);
	}
	free(md);
	free(html);
	return ok;
}
