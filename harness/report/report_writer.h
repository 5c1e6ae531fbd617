/* SPDX-License-Identifier: MIT */
/* report_writer: one writer, two documents — every call writes the same content to report.md
 * (Markdown) and report.html (escaped HTML), so the two always say the same; figures, tables,
 * charts inline, and Markdown from a scenario (nh.report.section) through cmark. */
#ifndef NH_REPORT_WRITER_H
#define NH_REPORT_WRITER_H

#include <stdbool.h>
#include <stdio.h>

#include "charts.h"
#include "util.h"

struct rw {
	FILE *md, *html;
	char *mdbuf, *htmlbuf;
	size_t mdlen, htmllen;
	unsigned cols, cell; /* the table being written */
	const char *align;   /* per column: 'l' or 'r' */
	bool head;           /* writing its header row */
};

/* The two documents, begun together: report.md-style Markdown and a self-contained HTML page
 * titled \p title, styled by the writer's stylesheet plus \p extra_css (status colours of the
 * document's own words; may be NULL). 0, or -1 with ENOMEM and a message. */
int rw_begin(struct rw *w, const char *title, const char *extra_css, nh_err_t *err);
/* End both, and write them to \p md_path and \p html_path atomically; the writer's buffers are
 * freed either way. 0, or -1 with errno and a message. */
int rw_finish(struct rw *w, const char *md_path, const char *html_path, nh_err_t *err);
/* Free what rw_begin set up, for a document abandoned before rw_finish. */
void rw_discard(struct rw *w);

/* Text escaped for each document (a newline ends no table row). */
void rw_md_text(FILE *f, const char *s);
void rw_md_code(FILE *f, const char *s);
void rw_html_text(FILE *f, const char *s);

void rw_text(struct rw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rw_code(struct rw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A heading; \p id (or NULL) is its HTML anchor. */
void rw_heading(struct rw *w, int level, const char *id, const char *fmt, ...)
		__attribute__((format(printf, 4, 5)));
void rw_p_begin(struct rw *w);
void rw_p_end(struct rw *w);
void rw_ul_begin(struct rw *w);
void rw_ul_end(struct rw *w);
void rw_li_begin(struct rw *w);
void rw_li_end(struct rw *w);
/* A table: headers given as a NULL-terminated list; align is one 'l' or 'r' per column. */
void rw_table_begin(struct rw *w, const char *align, ...);
/* A table whose headers are an array (\p n of them). */
void rw_table_begin_v(struct rw *w, const char *align, const char *const *headers);
void rw_cell_open(struct rw *w, const char *cls);
void rw_cell_close(struct rw *w);
void rw_cell(struct rw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rw_cell_code(struct rw *w, const char *s);
/* A status word (pass, fail, ...) or a count, coloured in HTML and bold in Markdown when bad. */
void rw_cell_status(struct rw *w, const char *status, bool bad);
void rw_table_end(struct rw *w);

/* Numbers: whole for big values, 4 significant digits for small; "–" when not finite. */
const char *rw_num(char *buf, size_t len, double v);
const char *rw_pct(char *buf, size_t len, double ratio);
const char *rw_bytes(char *buf, size_t len, double v);

/* A chart of DIR/charts: inline in HTML (its SVG, else its PNG), an image link in Markdown, and
 * where its data, template and redraw command are. \p n makes its SVG ids unique. */
void rw_chart(struct rw *w, const char *dir, const nh_chart_t *c, unsigned n);

/* A scenario's Markdown (nh.report.section): parsed with cmark, its headings put under the
 * section's \p level, raw HTML shown as code (never passed through), and written to both
 * documents. False when it cannot be parsed (out of memory). */
bool rw_markdown(struct rw *w, const char *markdown, int level);

#endif
