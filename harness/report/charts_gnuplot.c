/* SPDX-License-Identifier: MIT */
/* charts_gnuplot: a chart's files and drawing — the data file, a copy of its plots/<kind>.gp
 * template, and gnuplot run through posix_spawn with an argument vector (never a shell), under
 * a timeout, to draw PNG and SVG. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "charts_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The plots/ templates, compiled in by CMake (harness/embed_files.cmake); name = base name. */
extern const struct nh_embedded_file {
	const char *name, *text;
	size_t len;
} nh_plot_files[];

/* ---- text inside data files and gnuplot strings ---- */

/* A data file's string cell: gnuplot has no escapes inside "...", so a quote becomes '. */
void nh_charts_dat_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
	fputc('"', f);
}

/* Cut \p s to at most \p max characters, keeping both ends ("stream membind=0 ... triad"):
 * a label longer than the chart's margin would be clipped mid-word. */
void nh_charts_shorten(char *s, size_t max)
{
	size_t len = strlen(s);
	if (len <= max || max < 12)
		return;
	size_t head = (max - 3) / 2, tail = max - 3 - head;
	memmove(s + head + 3, s + len - tail, tail + 1);
	memcpy(s + head, "...", 3);
}

/* Text for a gnuplot single-quoted string: '' is its only escape; control characters go. */
static void gp_quote(char *buf, size_t len, const char *s)
{
	size_t used = 0;
	for (; *s && used + 3 < len; s++) {
		if (*s == '\'')
			buf[used++] = '\'';
		buf[used++] = (unsigned char)*s < 0x20 ? ' ' : *s;
	}
	buf[used] = '\0';
}

static bool executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* The found gnuplot into \p path; one too long for it is an error: a cut path would run (or miss)
 * another file. */
static int found(char *path, size_t len, const char *abs, nh_err_t *err)
{
	int n = snprintf(path, len, "%s", abs);
	if (n >= 0 && (size_t)n < len)
		return 0;
	path[0] = '\0';
	errno = ENAMETOOLONG;
	return nh_err_set(err, "gnuplot not found (its path is too long: %zu bytes, at most %zu): "
			  "%.256s...", strlen(abs), len - 1, abs);
}

int nh_charts_find_gnuplot(char *path, size_t len, nh_err_t *err)
{
	const char *want = getenv("NH_GNUPLOT");
	bool from_env = want && *want;
	if (!from_env)
		want = "gnuplot";
	if (strchr(want, '/')) {
		/* Absolute, so it still names the same file after the child changes directory. */
		char abs[PATH_MAX];
		if (executable(want) && realpath(want, abs))
			return found(path, len, abs, err);
	} else {
		const char *p = getenv("PATH");
		for (p = p && *p ? p : "/usr/local/bin:/usr/bin:/bin"; p && *p;) {
			const char *end = strchr(p, ':');
			size_t dl = end ? (size_t)(end - p) : strlen(p);
			char cand[PATH_MAX];
			snprintf(cand, sizeof cand, "%.*s/%s", (int)dl, dl ? p : ".", want);
			char abs[PATH_MAX];
			if (executable(cand) && realpath(cand, abs))
				return found(path, len, abs, err);
			p = end ? end + 1 : NULL;
		}
	}
	path[0] = '\0';
	errno = ENOENT;
	if (from_env)
		return nh_err_set(err,
				  "gnuplot not found (NH_GNUPLOT=%s is not an executable file)",
				  want);
	return nh_err_set(err, "gnuplot not found on PATH (Debian: apt-get install gnuplot-nox)");
}

/* The last non-empty line gnuplot wrote to the log since \p from: its error message. */
static void log_tail(int fd, off_t from, char *buf, size_t len)
{
	char text[4096];
	off_t end = lseek(fd, 0, SEEK_END);
	if (end > from + (off_t)sizeof text - 1)
		from = end - (off_t)sizeof text + 1;
	ssize_t n = end > from ? pread(fd, text, (size_t)(end - from), from) : 0;
	buf[0] = '\0';
	if (n <= 0)
		return;
	text[n] = '\0';
	char *last = NULL;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		line += strspn(line, " \t^");
		if (*line)
			last = line;
	}
	if (last)
		snprintf(buf, len, "%s", last);
}

/* Run gnuplot on the chart's template for one format; 0, or -1 with the reason in ch->error. */
static int spawn_gnuplot(struct nh_charts_ctx *x, nh_chart_t *ch, const char *vars, const char *fmt)
{
	char expr[1200], tmpl[64];
	snprintf(expr, sizeof expr, "datafile='%s.dat'; outfile='%s.%s'; fmt='%s'; %s", ch->name,
		 ch->name, fmt, fmt, vars);
	snprintf(tmpl, sizeof tmpl, "%s.gp", ch->kind);
	char *argv[] = {x->out->gnuplot, "-e", expr, tmpl, NULL};

	posix_spawn_file_actions_t fa;
	if (posix_spawn_file_actions_init(&fa) != 0) {
		snprintf(ch->error, sizeof ch->error, "posix_spawn: %s", strerror(errno));
		return -1;
	}
	/* Relative names inside the charts directory: no path of the results directory (which may
	 * hold quotes) ever appears inside a gnuplot string. */
	posix_spawn_file_actions_addchdir_np(&fa, x->dir);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, x->log_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, x->log_fd, STDERR_FILENO);
	off_t from = lseek(x->log_fd, 0, SEEK_END);
	pid_t pid;
	int rc = posix_spawn(&pid, x->out->gnuplot, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		snprintf(ch->error, sizeof ch->error, "cannot run %s: %s", x->out->gnuplot,
			 strerror(rc));
		return -1;
	}
	/* A template never waits for input, but a wedged gnuplot must not hold the report. */
	int status = 0;
	double deadline = nh_now() + GNUPLOT_TIMEOUT_S;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			snprintf(ch->error, sizeof ch->error, "waitpid: %s", strerror(errno));
			return -1;
		}
		if (nh_now() > deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			snprintf(ch->error, sizeof ch->error, "gnuplot did not finish in %d s",
				 GNUPLOT_TIMEOUT_S);
			return -1;
		}
		nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
	}
	char out[PATH_MAX + 80];
	snprintf(out, sizeof out, "%s/%s.%s", x->dir, ch->name, fmt);
	struct stat st;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && stat(out, &st) == 0 && st.st_size > 0)
		return 0;
	char said[200];
	log_tail(x->log_fd, from, said, sizeof said);
	if (WIFSIGNALED(status))
		snprintf(ch->error, sizeof ch->error, "gnuplot (%s) was killed by signal %d", fmt,
			 WTERMSIG(status));
	else
		snprintf(ch->error, sizeof ch->error, "gnuplot (%s) failed%s%s", fmt,
			 said[0] ? ": " : "", said);
	unlink(out);
	return -1;
}

/* ---- one chart: data, template, drawing ---- */

static const struct nh_embedded_file *template_of(const char *kind)
{
	for (const struct nh_embedded_file *f = nh_plot_files; f->name; f++)
		if (strcmp(f->name, kind) == 0)
			return f;
	return NULL;
}

/* Write charts/<kind>-N.dat from \p data (a memstream's text) and charts/<kind>.gp, then draw;
 * \p ylabel (or NULL) is the y axis of templates whose unit depends on the data. */
static int add_chart(struct nh_charts_ctx *x, const char *kind, const char *title,
		     const nh_chart_axes_t *axes, const char *data, size_t len)
{
	const struct nh_embedded_file *tmpl = template_of(kind);
	if (!tmpl) {
		errno = ENOENT;
		return nh_err_set(x->err, "no template plots/%s.gp built in", kind);
	}
	if (x->out->count == x->cap) {
		unsigned cap = x->cap ? x->cap * 2 : 8;
		nh_chart_t *grown = realloc(x->out->charts, sizeof *grown * cap);
		if (!grown) {
			errno = ENOMEM;
			return nh_err_set(x->err, "out of memory for charts");
		}
		x->out->charts = grown;
		x->cap = cap;
	}
	unsigned seq = 1;
	for (unsigned i = 0; i < x->out->count; i++)
		seq += strcmp(x->out->charts[i].kind, kind) == 0;
	nh_chart_t *ch = &x->out->charts[x->out->count];
	memset(ch, 0, sizeof *ch);
	snprintf(ch->kind, sizeof ch->kind, "%s", kind);
	snprintf(ch->name, sizeof ch->name, "%s-%u", kind, seq);
	snprintf(ch->title, sizeof ch->title, "%s", title);
	nh_charts_shorten(ch->title, 88); /* one line across the chart */
	/* The title (and axis labels) the data implies; without them a template uses generic
	 * ones. */
	char qtitle[300], qylabel[200], qxlabel[200], vars[700];
	const char *ylabel = axes ? axes->ylabel : NULL, *xlabel = axes ? axes->xlabel : NULL;
	gp_quote(qtitle, sizeof qtitle, ch->title);
	gp_quote(qylabel, sizeof qylabel, ylabel ? ylabel : "");
	gp_quote(qxlabel, sizeof qxlabel, xlabel ? xlabel : "");
	int used = snprintf(vars, sizeof vars, "charttitle='%s'", qtitle);
	if (ylabel)
		used += snprintf(vars + used, sizeof vars - (size_t)used, "; ylabeltext='%s'", qylabel);
	if (xlabel)
		used += snprintf(vars + used, sizeof vars - (size_t)used, "; xlabeltext='%s'", qxlabel);
	if (axes && axes->series)
		snprintf(vars + used, sizeof vars - (size_t)used, "; series=%u", axes->series);
	snprintf(ch->command, sizeof ch->command,
		 "gnuplot -e \"datafile='%s.dat'; outfile='%s.png'; fmt='png'; %s\" %s.gp",
		 ch->name, ch->name, vars, kind);

	char path[PATH_MAX + 80];
	snprintf(path, sizeof path, "%s/%s.gp", x->dir, kind);
	if (nh_write_file_atomic(path, tmpl->text, tmpl->len, x->err) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s.dat", x->dir, ch->name);
	if (nh_write_file_atomic(path, data, len, x->err) < 0)
		return -1;
	x->out->count++;
	if (x->render && x->out->gnuplot[0]) {
		x->out->gnuplot_ran = true;
		ch->png = spawn_gnuplot(x, ch, vars, "png") == 0;
		char first[sizeof ch->error];
		snprintf(first, sizeof first, "%s", ch->error);
		ch->svg = spawn_gnuplot(x, ch, vars, "svg") == 0;
		if (first[0]) /* the PNG's failure says it first */
			snprintf(ch->error, sizeof ch->error, "%s", first);
	}
	return 0;
}

/* A memstream for one data file, with the header every .dat starts with. */
FILE *nh_charts_dat_open(char **buf, size_t *len, const char *title, const char *columns)
{
	FILE *f = open_memstream(buf, len);
	if (!f)
		return NULL;
	fprintf(f, "# %s\n# written by numaharness %s; columns: %s\n", title, NH_VERSION, columns);
	return f;
}

/* Close the memstream and hand its text to add_chart. */
int nh_charts_dat_finish(struct nh_charts_ctx *x, FILE *f, char **buf, size_t *len,
			 const char *kind, const char *title, const char *ylabel)
{
	nh_chart_axes_t axes = {.ylabel = ylabel};
	return nh_charts_dat_finish_axes(x, f, buf, len, kind, title, &axes);
}

int nh_charts_dat_finish_axes(struct nh_charts_ctx *x, FILE *f, char **buf, size_t *len,
			      const char *kind, const char *title, const nh_chart_axes_t *axes)
{
	if (fclose(f) != 0 || !*buf) {
		free(*buf);
		errno = ENOMEM;
		return nh_err_set(x->err, "out of memory for chart data");
	}
	int rc = add_chart(x, kind, title, axes, *buf, *len);
	free(*buf);
	*buf = NULL;
	return rc;
}

/* ---- charts of other data (the fleet's) ---- */

struct nh_charts_set {
	struct nh_charts_ctx x;
	char log[PATH_MAX + 20];
};

nh_charts_set_t *nh_charts_set_open(const char *dir, bool render, nh_charts_t *out, nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	nh_charts_set_t *s = calloc(1, sizeof *s);
	if (!s) {
		nh_err_set(err, "out of memory");
		return NULL;
	}
	s->x = (struct nh_charts_ctx){.out = out, .render = render, .log_fd = -1, .err = err};
	if (snprintf(s->x.dir, sizeof s->x.dir, "%s", dir) >= (int)sizeof s->x.dir) {
		errno = ENAMETOOLONG;
		nh_err_set(err, "%.256s...: path too long for charts", dir);
		goto fail;
	}
	if (nh_mkdir_p(s->x.dir, err) < 0 || nh_empty_dir(s->x.dir, err) < 0)
		goto fail;
	if (render) {
		nh_err_t gerr;
		if (nh_charts_find_gnuplot(out->gnuplot, sizeof out->gnuplot, &gerr) < 0)
			snprintf(out->note, sizeof out->note, "%s", gerr.msg);
	} else {
		snprintf(out->note, sizeof out->note, "charts not drawn (asked not to)");
	}
	snprintf(s->log, sizeof s->log, "%s/gnuplot.log", s->x.dir);
	if (out->gnuplot[0]) {
		s->x.log_fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (s->x.log_fd < 0) {
			nh_err_set(err, "%s: %s", s->log, strerror(errno));
			goto fail;
		}
	}
	return s;
fail:
	free(s);
	return NULL;
}

int nh_charts_set_add(nh_charts_set_t *s, const char *kind, const char *title, const char *xlabel,
		      const char *ylabel, unsigned series, const char *data, size_t len)
{
	nh_chart_axes_t axes = {.xlabel = xlabel, .ylabel = ylabel, .series = series};
	return add_chart(&s->x, kind, title, &axes, data, len);
}

void nh_charts_set_close(nh_charts_set_t *s)
{
	if (!s)
		return;
	if (s->x.log_fd >= 0) {
		/* Keep the log only when gnuplot had something to say. */
		struct stat st;
		if (fstat(s->x.log_fd, &st) == 0 && st.st_size == 0)
			unlink(s->log);
		close(s->x.log_fd);
	}
	free(s);
}
