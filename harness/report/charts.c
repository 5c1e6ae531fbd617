/* SPDX-License-Identifier: MIT */
/* charts: gnuplot charts of a results directory — data files, template copies, and gnuplot run
 * through posix_spawn with an argument vector (never a shell) to draw PNG and SVG. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "charts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run_options.h"
#include "stats.h"
#include "workload.h"

extern char **environ;

/* The plots/ templates, compiled in by CMake (harness/embed_files.cmake); name = base name. */
extern const struct nh_embedded_file {
	const char *name, *text;
	size_t len;
} nh_plot_files[];

/* Limits that keep a chart legible: more lines, bars or panels than this say nothing. */
enum {
	MAX_SERIES = 8,        /* lines per chart */
	MAX_BARS = 24,         /* bars per bandwidth chart */
	MAX_MATRICES = 6,      /* heatmaps per workload */
	MAX_TIMESERIES = 12,   /* configurations that get a memory time series */
	MAX_COMPARE_ROWS = 40, /* rows of the comparison chart */
	MIN_SERIES_ROWS = 3,   /* a time series of fewer samples is not a line */
	GNUPLOT_TIMEOUT_S = 60,
};

struct ctx {
	const nh_results_t *r;
	nh_charts_t *out;
	unsigned cap;
	char dir[PATH_MAX]; /* DIR/charts */
	bool render;
	int log_fd; /* charts/gnuplot.log: what gnuplot said */
	nh_err_t *err;
};

/* Median, min and max of a metric over a configuration's ok counted runs. */
typedef struct agg {
	unsigned n;
	double median, min, max;
} agg_t;

/* ---- small helpers shared with the report ---- */

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
static void params_without(const char *params, const char *except, char *buf, size_t len)
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

static bool config_agg(const nh_results_t *r, const nh_results_config_t *c, const char *metric,
		       agg_t *a)
{
	memset(a, 0, sizeof *a);
	double *v = malloc(sizeof *v * (c->run_count ? c->run_count : 1));
	if (!v)
		return false;
	const char *unit;
	int better;
	unsigned n = nh_results_values(r, c, metric, v, c->run_count, &unit, &better);
	nh_summary_t s;
	bool ok = n && nh_stats_summary(v, n, &s, NULL) == 0;
	if (ok) {
		a->n = s.n;
		a->median = s.median;
		a->min = s.min;
		a->max = s.max;
	}
	free(v);
	return ok;
}

static const char *metric_unit(const nh_results_t *r, const nh_results_config_t *c,
			       const char *metric)
{
	double v;
	const char *unit = NULL;
	int better;
	nh_results_values(r, c, metric, &v, 1, &unit, &better);
	return unit ? unit : "";
}

/* A data file's string cell: gnuplot has no escapes inside "...", so a quote becomes '. */
static void dat_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' ? '\'' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
	fputc('"', f);
}

/* Cut \p s to at most \p max characters, keeping both ends ("stream membind=0 ... triad"):
 * a label longer than the chart's margin would be clipped mid-word. */
static void shorten(char *s, size_t max)
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

void nh_charts_labels(const nh_results_config_t *const *cfgs, unsigned n, const char *except,
		      char (*labels)[256], char *common, size_t common_len)
{
	bool policy_varies = false, alloc_varies = false;
	for (unsigned i = 1; i < n; i++) {
		policy_varies |= strcmp(cfgs[i]->policy, cfgs[0]->policy) != 0;
		alloc_varies |= strcmp(cfgs[i]->allocator, cfgs[0]->allocator) != 0;
	}
	char shared[640];
	params_without(cfgs[0]->params, except, shared, sizeof shared);
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
					size_t l = strlen(labels[i]);
					snprintf(labels[i] + l, 256 - l, "%s%s=%s", l ? " " : "",
						 name,
						 v ? display_value(wl, name, v, shown, sizeof shown)
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
		snprintf(rest, sizeof rest, "%s", labels[i]);
		labels[i][0] = '\0';
		size_t l = 0;
		if (policy_varies || (!alloc_varies && !rest[0]))
			l += (size_t)snprintf(labels[i] + l, 256 - l, "%s", cfgs[i]->policy);
		if (alloc_varies && l < 255)
			l += (size_t)snprintf(labels[i] + l, 256 - l, "%s%s", l ? " " : "",
					      cfgs[i]->allocator);
		if (rest[0] && l < 255)
			snprintf(labels[i] + l, 256 - l, "%s%s", l ? " " : "", rest);
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

/* ---- gnuplot ---- */

static bool executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
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
		if (executable(want) && realpath(want, abs)) {
			snprintf(path, len, "%s", abs);
			return 0;
		}
	} else {
		const char *p = getenv("PATH");
		for (p = p && *p ? p : "/usr/local/bin:/usr/bin:/bin"; p && *p;) {
			const char *end = strchr(p, ':');
			size_t dl = end ? (size_t)(end - p) : strlen(p);
			char cand[PATH_MAX];
			snprintf(cand, sizeof cand, "%.*s/%s", (int)dl, dl ? p : ".", want);
			char abs[PATH_MAX];
			if (executable(cand) && realpath(cand, abs)) {
				snprintf(path, len, "%s", abs);
				return 0;
			}
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
static int spawn_gnuplot(struct ctx *x, nh_chart_t *ch, const char *vars, const char *fmt)
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
static int add_chart(struct ctx *x, const char *kind, const char *title, const char *ylabel,
		     char *data, size_t len)
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
	shorten(ch->title, 88); /* one line across the chart */
	/* The title (and y label) the data implies; without them a template uses a generic one. */
	char qtitle[300], qylabel[200], vars[600];
	gp_quote(qtitle, sizeof qtitle, ch->title);
	gp_quote(qylabel, sizeof qylabel, ylabel ? ylabel : "");
	snprintf(vars, sizeof vars, "charttitle='%s'%s%s%s", qtitle, ylabel ? "; ylabeltext='" : "",
		 qylabel, ylabel ? "'" : "");
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
static FILE *dat_open(char **buf, size_t *len, const char *title, const char *columns)
{
	FILE *f = open_memstream(buf, len);
	if (!f)
		return NULL;
	fprintf(f, "# %s\n# written by numaharness %s; columns: %s\n", title, NH_VERSION, columns);
	return f;
}

/* Close the memstream and hand its text to add_chart. */
static int dat_finish(struct ctx *x, FILE *f, char **buf, size_t *len, const char *kind,
		      const char *title, const char *ylabel)
{
	if (fclose(f) != 0 || !*buf) {
		free(*buf);
		errno = ENOMEM;
		return nh_err_set(x->err, "out of memory for chart data");
	}
	int rc = add_chart(x, kind, title, ylabel, *buf, *len);
	free(*buf);
	*buf = NULL;
	return rc;
}

static bool matrix_pair(const char *policy, unsigned *cpu, unsigned *mem)
{
	int end = -1;
	return sscanf(policy, "cpunodebind=%u membind=%u%n", cpu, mem, &end) == 2 && end > 0 &&
	       policy[end] == '\0';
}

static bool loaded(const nh_results_config_t *c)
{
	char v[32];
	return nh_charts_param(c->params, "load_threads", v, sizeof v) && strtoul(v, NULL, 10) > 0;
}

/* Configurations grouped by a text key (first-seen order). */
struct group {
	char key[1400];
	const nh_results_config_t **cfgs;
	unsigned n;
};

struct groups {
	struct group *g;
	unsigned n;
};

static struct group *group_add(struct groups *gs, const char *key, const nh_results_config_t *c,
			       unsigned max)
{
	struct group *g = NULL;
	for (unsigned i = 0; i < gs->n && !g; i++)
		if (strcmp(gs->g[i].key, key) == 0)
			g = &gs->g[i];
	if (!g) {
		g = &gs->g[gs->n++];
		snprintf(g->key, sizeof g->key, "%s", key);
		g->cfgs = calloc(max, sizeof *g->cfgs);
		g->n = 0;
		if (!g->cfgs)
			return NULL;
	}
	g->cfgs[g->n++] = c;
	return g;
}

static void groups_free(struct groups *gs)
{
	for (unsigned i = 0; i < gs->n; i++)
		free(gs->g[i].cfgs);
	free(gs->g);
	gs->g = NULL;
	gs->n = 0;
}

static int groups_init(struct groups *gs, unsigned max, nh_err_t *err)
{
	gs->n = 0;
	gs->g = calloc(max ? max : 1, sizeof *gs->g);
	if (!gs->g) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for chart groups");
	}
	return 0;
}

static int nomem(struct ctx *x)
{
	errno = ENOMEM;
	return nh_err_set(x->err, "out of memory for charts");
}

/* ---- bandwidth by policy: stream triad, one chart per parameter set ---- */

static int chart_bandwidth(struct ctx *x)
{
	unsigned nc = nh_results_config_count(x->r);
	struct groups gs;
	if (groups_init(&gs, nc, x->err) < 0)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < nc; i++) {
		const nh_results_config_t *c = nh_results_config(x->r, i);
		agg_t a;
		if (strcmp(c->workload, "stream") != 0 || !config_agg(x->r, c, "triad", &a))
			continue;
		if (!group_add(&gs, c->params, c, nc)) {
			rc = nomem(x);
			goto out;
		}
	}
	for (unsigned gi = 0; gi < gs.n && rc == 0; gi++) {
		struct group *g = &gs.g[gi];
		unsigned n = g->n < MAX_BARS ? g->n : MAX_BARS;
		char(*labels)[256] = calloc(n, sizeof *labels);
		if (!labels) {
			rc = nomem(x);
			break;
		}
		char common[512], title[256];
		nh_charts_labels(g->cfgs, n, NULL, labels, common, sizeof common);
		/* The policy is on the axis: the title keeps only the parameters. */
		char sp[400];
		nh_charts_short_params("stream", g->cfgs[0]->params, sp, sizeof sp);
		snprintf(title, sizeof title, "STREAM triad by policy%s%s%s", sp[0] ? " (" : "", sp,
			 sp[0] ? ")" : "");
		char *buf = NULL;
		size_t len = 0;
		FILE *f = dat_open(&buf, &len, title,
				   "index policy median_MBps min_MBps max_MBps n");
		if (!f) {
			free(labels);
			rc = nomem(x);
			break;
		}
		for (unsigned i = 0; i < n; i++) {
			agg_t a;
			config_agg(x->r, g->cfgs[i], "triad", &a);
			fprintf(f, "%u ", i);
			shorten(labels[i], 36);
			dat_string(f, labels[i]);
			fprintf(f, " %.6g %.6g %.6g %u\n", a.median, a.min, a.max, a.n);
		}
		rc = dat_finish(x, f, &buf, &len, "bandwidth", title, NULL);
		free(labels);
	}
out:
	groups_free(&gs);
	return rc;
}

/* ---- matrices: "cpunodebind=A membind=B" runs, chase latency and stream bandwidth ---- */

static int chart_matrix(struct ctx *x, const char *workload, const char *metric, const char *kind,
			const char *what)
{
	unsigned nc = nh_results_config_count(x->r);
	struct groups gs;
	if (groups_init(&gs, nc, x->err) < 0)
		return -1;
	int rc = 0;
	unsigned made = 0;
	for (unsigned i = 0; i < nc; i++) {
		const nh_results_config_t *c = nh_results_config(x->r, i);
		unsigned cpu, mem;
		agg_t a;
		if (strcmp(c->workload, workload) != 0 || !matrix_pair(c->policy, &cpu, &mem) ||
		    loaded(c) || !config_agg(x->r, c, metric, &a))
			continue;
		char key[1400];
		snprintf(key, sizeof key, "%s|%s", c->params, c->allocator);
		if (!group_add(&gs, key, c, nc)) {
			rc = nomem(x);
			goto out;
		}
	}
	for (unsigned gi = 0; gi < gs.n && rc == 0; gi++) {
		struct group *g = &gs.g[gi];
		/* A single cell is a matrix only on a one-node host's own `matrix` run; among
		 * several groups (a working-set sweep on one pair) it is a point of another chart. */
		if (g->n < 2 && gs.n > 1)
			continue;
		if (made == MAX_MATRICES)
			break;
		made++;
		char sp[400], title[256];
		nh_charts_short_params(workload, g->cfgs[0]->params, sp, sizeof sp);
		if (strcmp(g->cfgs[0]->allocator, "glibc") != 0) {
			size_t l = strlen(sp);
			snprintf(sp + l, sizeof sp - l, "%s%s", l ? " " : "",
				 g->cfgs[0]->allocator);
		}
		snprintf(title, sizeof title, "%s%s%s%s", what, sp[0] ? " (" : "", sp,
			 sp[0] ? ")" : "");
		char *buf = NULL;
		size_t len = 0;
		FILE *f = dat_open(&buf, &len, title, "mem_node cpu_node median min max n");
		if (!f) {
			rc = nomem(x);
			break;
		}
		for (unsigned i = 0; i < g->n; i++) {
			unsigned cpu, mem;
			agg_t a;
			matrix_pair(g->cfgs[i]->policy, &cpu, &mem);
			config_agg(x->r, g->cfgs[i], metric, &a);
			fprintf(f, "%u %u %.6g %.6g %.6g %u\n", mem, cpu, a.median, a.min, a.max,
				a.n);
		}
		rc = dat_finish(x, f, &buf, &len, kind, title, NULL);
	}
out:
	groups_free(&gs);
	return rc;
}

/* ---- line charts: configurations that differ only in one parameter (the x axis) ---- */

/* One point of a line: x, the metric's aggregate, and the parameter's text. */
struct point {
	double x;
	agg_t y;
	agg_t x_agg; /* loaded latency: the bandwidth, itself a median */
	char text[64];
};

static int cmp_point(const void *a, const void *b)
{
	double u = ((const struct point *)a)->x, v = ((const struct point *)b)->x;
	return (u > v) - (u < v);
}

/* The thread count of a configuration: its parameter, or for "all" the CPUs its runs had. */
static double threads_of(const nh_results_t *r, const nh_results_config_t *c, const char *v)
{
	char *end;
	double t = strtod(v, &end);
	if (end != v && *end == '\0')
		return t;
	for (unsigned i = 0; i < c->run_count; i++) {
		nh_str_t cpus = nh_rv_policy_applied(nh_results_config_run(r, c, i)).cpus;
		nh_set_t set;
		if (cpus.present && nh_set_parse(&set, cpus.s, NULL) == 0)
			return nh_set_count(&set);
	}
	return NAN;
}

/* The x value of a configuration for \p param; NAN when it has none. */
static double x_of(const nh_results_t *r, const nh_results_config_t *c, const char *param,
		   char *text, size_t len)
{
	if (!nh_charts_param(c->params, param, text, len))
		return NAN;
	if (strcmp(param, "size") == 0) {
		uint64_t b;
		return nh_parse_size(text, &b, NULL) == 0 ? (double)b : NAN;
	}
	if (strcmp(param, "threads") == 0)
		return threads_of(r, c, text);
	char *end;
	double v = strtod(text, &end);
	return end != text && *end == '\0' ? v : NAN;
}

/* Which configurations a line chart takes, and what it plots. */
struct line_spec {
	const char *kind;
	const char *param;    /* x axis */
	const char *workload; /* NULL: any (scaling, one chart per workload) */
	bool want_loaded;     /* chase with load threads (loaded latency) or without */
	const char *metric;   /* NULL: the workload's headline metric */
	const char *xmetric;  /* loaded latency: x is this metric's median, not the parameter */
	unsigned min_points;  /* per line */
};

static int write_lines(struct ctx *x, const struct line_spec *ls, struct group **lines, unsigned nl,
		       const char *metric, const char *title)
{
	const nh_results_config_t **heads = calloc(nl, sizeof *heads);
	char(*labels)[256] = calloc(nl, sizeof *labels);
	struct point *pts = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int rc = -1;
	if (!heads || !labels) {
		nomem(x);
		goto out;
	}
	for (unsigned i = 0; i < nl; i++)
		heads[i] = lines[i]->cfgs[0];
	char common[512];
	nh_charts_labels(heads, nl, ls->param, labels, common, sizeof common);
	char full[256];
	snprintf(full, sizeof full, "%s%s%s%s", title, common[0] ? " (" : "", common,
		 common[0] ? ")" : "");
	bool cache_block = strcmp(ls->kind, "latency-size") == 0;
	const char *cols = cache_block   ? "block 0: cache_bytes label; then per line: size_bytes "
					   "median_ns min_ns max_ns size"
			   : ls->xmetric ? "per line: load_MBps median_ns min_ns max_ns throttle"
					 : "per line: threads median min max n";
	f = dat_open(&buf, &len, full, cols);
	if (!f) {
		nomem(x);
		goto out;
	}
	if (cache_block) {
		/* The host's data caches, so the steps of the curve can be read against them. */
		const nh_mv_t *mv = nh_results_manifest(x->r);
		unsigned written = 0;
		for (unsigned i = 0; i < nh_mv_cache_count(mv); i++) {
			nh_mv_cache_t cache = nh_mv_cache(mv, i);
			const char *type = nh_str_or(cache.type, NULL);
			long long level = (long long)nh_num_or(cache.level, 0);
			long long bytes = (long long)nh_num_or(cache.size_bytes, 0);
			if (!type || strcmp(type, "instruction") == 0 || bytes <= 0)
				continue;
			char size[32], label[64];
			nh_format_size((uint64_t)bytes, size, sizeof size);
			snprintf(label, sizeof label, "L%lld%s %s", (long long)level,
				 strcmp(type, "data") == 0 ? "d" : "", size);
			fprintf(f, "%lld ", (long long)bytes);
			dat_string(f, label);
			fputc('\n', f);
			written++;
		}
		if (!written) /* block 0 must exist for the template's indexes; off the chart */
			fprintf(f, "1 \"\"\n");
		fputs("\n\n", f);
	}
	for (unsigned li = 0; li < nl; li++) {
		struct group *g = lines[li];
		pts = calloc(g->n, sizeof *pts);
		if (!pts) {
			nomem(x);
			goto out;
		}
		unsigned np = 0;
		for (unsigned i = 0; i < g->n; i++) {
			struct point *p = &pts[np];
			if (!config_agg(x->r, g->cfgs[i], metric, &p->y))
				continue;
			p->x = x_of(x->r, g->cfgs[i], ls->param, p->text, sizeof p->text);
			if (ls->xmetric) {
				if (!config_agg(x->r, g->cfgs[i], ls->xmetric, &p->x_agg))
					continue;
				p->x = p->x_agg.median;
			}
			if (isfinite(p->x))
				np++;
		}
		qsort(pts, np, sizeof *pts, cmp_point);
		if (li)
			fputs("\n\n", f);
		shorten(labels[li], 48);
		dat_string(f, labels[li]);
		fputc('\n', f);
		for (unsigned i = 0; i < np; i++) {
			const struct point *p = &pts[i];
			if (cache_block) {
				fprintf(f, "%.17g %.6g %.6g %.6g ", p->x, p->y.median, p->y.min,
					p->y.max);
				dat_string(f, p->text);
			} else if (ls->xmetric) {
				fprintf(f, "%.6g %.6g %.6g %.6g ", p->x, p->y.median, p->y.min,
					p->y.max);
				dat_string(f, p->text);
			} else {
				fprintf(f, "%.6g %.6g %.6g %.6g %u", p->x, p->y.median, p->y.min,
					p->y.max, p->y.n);
			}
			fputc('\n', f);
		}
		free(pts);
		pts = NULL;
	}
	char ylabel[160];
	snprintf(ylabel, sizeof ylabel, "%s (%s)", metric, metric_unit(x->r, heads[0], metric));
	rc = dat_finish(x, f, &buf, &len, ls->kind, full,
			ls->xmetric || ls->metric ? NULL : ylabel);
	f = NULL;
out:
	if (f) {
		fclose(f);
		free(buf);
	}
	free(pts);
	free(heads);
	free(labels);
	return rc;
}

static int chart_lines(struct ctx *x, const struct line_spec *ls)
{
	unsigned nc = nh_results_config_count(x->r);
	struct groups gs;
	if (groups_init(&gs, nc, x->err) < 0)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < nc; i++) {
		const nh_results_config_t *c = nh_results_config(x->r, i);
		if (ls->workload && strcmp(c->workload, ls->workload) != 0)
			continue;
		if (strcmp(c->workload, "chase") == 0 && loaded(c) != ls->want_loaded)
			continue;
		const char *metric =
				ls->metric ? ls->metric : nh_charts_headline_metric(c->workload);
		char text[64];
		agg_t a;
		if (!metric || !isfinite(x_of(x->r, c, ls->param, text, sizeof text)) ||
		    !config_agg(x->r, c, metric, &a))
			continue;
		char rest[700], key[1400];
		params_without(c->params, ls->param, rest, sizeof rest);
		snprintf(key, sizeof key, "%s|%s|%s|%s", c->workload, rest, c->policy,
			 c->allocator);
		if (!group_add(&gs, key, c, nc)) {
			rc = nomem(x);
			goto out;
		}
	}
	/* Lines of enough distinct points, per workload, at most MAX_SERIES a chart. */
	struct group **lines = calloc(gs.n ? gs.n : 1, sizeof *lines);
	if (!lines) {
		rc = nomem(x);
		goto out;
	}
	bool *done = calloc(gs.n ? gs.n : 1, sizeof *done);
	if (!done) {
		free(lines);
		rc = nomem(x);
		goto out;
	}
	for (unsigned gi = 0; gi < gs.n && rc == 0; gi++) {
		if (done[gi])
			continue;
		const char *wl = gs.g[gi].cfgs[0]->workload;
		unsigned nl = 0;
		for (unsigned k = gi; k < gs.n && nl < MAX_SERIES; k++) {
			if (done[k] || strcmp(gs.g[k].cfgs[0]->workload, wl) != 0)
				continue;
			done[k] = true;
			if (gs.g[k].n >= ls->min_points)
				lines[nl++] = &gs.g[k];
		}
		if (!nl)
			continue;
		const char *metric = ls->metric ? ls->metric : nh_charts_headline_metric(wl);
		char title[256];
		if (strcmp(ls->kind, "latency-size") == 0)
			snprintf(title, sizeof title, "Latency by working-set size: %s", wl);
		else if (strcmp(ls->kind, "loaded-latency") == 0)
			snprintf(title, sizeof title, "Loaded latency: %s", wl);
		else
			snprintf(title, sizeof title, "Scaling with threads: %s %s", wl, metric);
		/* Lines past MAX_SERIES stay not done: a later turn of this loop draws them. */
		rc = write_lines(x, ls, lines, nl, metric, title);
	}
	free(done);
	free(lines);
out:
	groups_free(&gs);
	return rc;
}

/* ---- time series: the median run of each configuration, from its series CSV ---- */

/* The counted ok run whose headline metric is the median (the lower middle for even counts). */
static const nh_rv_t *median_run(const nh_results_t *r, const nh_results_config_t *c,
				 const char *metric, unsigned *index)
{
	const nh_rv_t *best = NULL;
	double *v = malloc(sizeof *v * (c->run_count ? c->run_count : 1));
	if (!v)
		return NULL;
	unsigned n = 0;
	for (unsigned i = 0; i < c->run_count; i++) {
		nh_num_t val = nh_rv_metric(nh_results_config_run(r, c, i), metric).value;
		if (val.present)
			v[n++] = val.v;
	}
	double med = NAN;
	if (n) {
		/* sort a copy to pick an actual run's value */
		for (unsigned i = 1; i < n; i++)
			for (unsigned k = i; k > 0 && v[k - 1] > v[k]; k--) {
				double t = v[k];
				v[k] = v[k - 1];
				v[k - 1] = t;
			}
		med = v[(n - 1) / 2];
	}
	free(v);
	for (unsigned i = 0; i < c->run_count && !best; i++) {
		const nh_rv_t *rec = nh_results_config_run(r, c, i);
		nh_str_t outcome = nh_rv_outcome(rec);
		nh_num_t val = nh_rv_metric(rec, metric).value;
		if (!outcome.present || strcmp(outcome.s, "ok") != 0 ||
		    !nh_rv_series(rec).file.present)
			continue;
		if (isnan(med) || (val.present && val.v == med)) {
			best = rec;
			*index = c->runs[i];
		}
	}
	return best;
}

/* Split one CSV line in place (the series has no quoted cells). */
static unsigned csv_split(char *line, char **cells, unsigned max)
{
	unsigned n = 0;
	for (char *p = line; n < max;) {
		cells[n++] = p;
		char *comma = strchr(p, ',');
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

enum { MAX_CSV_COLS = 256 };

static int chart_timeseries_one(struct ctx *x, const nh_results_config_t *c, const char *label)
{
	const char *metric = nh_charts_headline_metric(c->workload);
	unsigned index = 0;
	const nh_rv_t *rec = median_run(x->r, c, metric ? metric : "", &index);
	if (!rec)
		return 0;
	const char *file = nh_rv_series(rec).file.s; /* median_run picks runs with a series */
	long long page = (long long)nh_num_or(nh_rv_memory(rec).numa_maps_page_bytes, 0);
	if (page <= 0)
		page = 4096;
	if (strstr(file, "..") || file[0] == '/')
		return 0; /* not the harness's own series/run-N.csv */
	char path[PATH_MAX + 200];
	snprintf(path, sizeof path, "%s/%s", nh_results_dir(x->r), file);
	size_t len;
	char *text = nh_read_file(path, &len, NULL);
	if (!text)
		return 0; /* pruned or never written: no chart, not an error */
	char *cells[MAX_CSV_COLS];
	int want[MAX_CSV_COLS]; /* the CSV column of each output column */
	double scale[MAX_CSV_COLS];
	unsigned nw = 0, rows = 0;
	char *line = text, *next = strchr(line, '\n');
	if (next)
		*next++ = '\0';
	unsigned nh = csv_split(line, cells, MAX_CSV_COLS);
	const double mib = 1024.0 * 1024.0;
	static const struct {
		const char *col, *title;
	} fixed[] = {
			{"t_s", "t_s"},
			{"rss_bytes", "RSS"},
			{"rss_file_bytes", "file-backed RSS"},
			{"cgroup_file_bytes", "cgroup page cache"},
	};
	char *buf = NULL;
	size_t blen = 0;
	char title[256];
	int rid = (int)nh_num_or(nh_rv_run(rec), 0);
	snprintf(title, sizeof title, "Memory over time: %s %s (run %d%s%s)", c->workload, label,
		 rid, metric ? ", the median " : "", metric ? metric : "");
	FILE *f = dat_open(&buf, &blen, title, "t_s then MiB per series; ? = not sampled");
	if (!f) {
		free(text);
		return nomem(x);
	}
	char titles[MAX_CSV_COLS][48];
	for (unsigned k = 0; k < NH_ARRAY_LEN(fixed); k++)
		for (unsigned i = 0; i < nh; i++)
			if (strcmp(cells[i], fixed[k].col) == 0) {
				want[nw] = (int)i;
				scale[nw] = k ? mib : 1;
				snprintf(titles[nw++], sizeof titles[0], "%s", fixed[k].title);
			}
	for (unsigned i = 0; i < nh && nw < MAX_CSV_COLS; i++) {
		unsigned node;
		int end = -1;
		if (sscanf(cells[i], "node%u_pages%n", &node, &end) == 1 && end > 0 &&
		    cells[i][end] == '\0') {
			want[nw] = (int)i;
			scale[nw] = mib / (double)page;
			snprintf(titles[nw++], sizeof titles[0], "node %u", node);
		}
	}
	if (nw < 2 || strcmp(titles[0], "t_s") != 0) {
		fclose(f);
		free(buf);
		free(text);
		return 0;
	}
	for (unsigned k = 0; k < nw; k++) {
		fputs(k ? " " : "", f);
		dat_string(f, titles[k]);
	}
	fputc('\n', f);
	for (line = next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		unsigned n = csv_split(line, cells, MAX_CSV_COLS);
		for (unsigned k = 0; k < nw; k++) {
			const char *cell = (unsigned)want[k] < n ? cells[want[k]] : "";
			char *end;
			double v = strtod(cell, &end);
			if (!*cell || end == cell)
				fputs(k ? " ?" : "?", f);
			else
				fprintf(f, k ? " %.6g" : "%.6g", v / scale[k]);
		}
		fputc('\n', f);
		rows++;
	}
	free(text);
	if (rows < MIN_SERIES_ROWS) {
		fclose(f);
		free(buf);
		return 0;
	}
	return dat_finish(x, f, &buf, &blen, "timeseries", title, NULL);
}

static int chart_timeseries(struct ctx *x)
{
	unsigned nc = nh_results_config_count(x->r);
	const nh_results_config_t **all = calloc(nc ? nc : 1, sizeof *all);
	char(*labels)[256] = calloc(nc ? nc : 1, sizeof *labels);
	int rc = 0;
	if (!all || !labels) {
		rc = nomem(x);
		goto out;
	}
	for (unsigned i = 0; i < nc; i++)
		all[i] = nh_results_config(x->r, i);
	if (nh_charts_workload_labels(all, nc, labels) < 0) {
		rc = nomem(x);
		goto out;
	}
	unsigned made = 0;
	for (unsigned i = 0; i < nc && made < MAX_TIMESERIES && rc == 0; i++) {
		unsigned before = x->out->count;
		rc = chart_timeseries_one(x, all[i], labels[i]);
		made += x->out->count > before;
	}
out:
	free(all);
	free(labels);
	return rc;
}

/* ---- comparison: DIR/compare.json, the change of each row's median ---- */

static int chart_compare(struct ctx *x)
{
	nh_results_doc_error_t why;
	nh_cmp_view_t *doc = nh_results_comparison_load(x->r, &why);
	if (!doc)
		return 0;
	char *buf = NULL;
	size_t len = 0;
	const char *title = "Candidate against baseline: change of the median";
	FILE *f = dat_open(&buf, &len, title,
			   "index label change_pct ci_lo_pct ci_hi_pct colour(0xRRGGBB) verdict");
	if (!f) {
		nh_cmp_view_free(doc);
		return nomem(x);
	}
	unsigned n = 0;
	for (unsigned i = 0; i < nh_cmp_view_row_count(doc); i++) {
		if (n == MAX_COMPARE_ROWS)
			break;
		nh_cmp_row_view_t row = nh_cmp_view_row(doc, i);
		double change = nh_num_or(row.change_pct, NAN);
		if (!isfinite(change))
			continue; /* from a baseline median of 0: no finite bar to draw */
		double lo = nh_num_or(row.interval_lo_pct, NAN),
		       hi = nh_num_or(row.interval_hi_pct, NAN);
		const char *verdict = nh_str_or(row.verdict, "");
		/* Regressions red, improvements green, other significant changes amber, the rest
		 * grey. */
		unsigned colour = strcmp(verdict, "regression") == 0    ? 0xd62728
				  : strcmp(verdict, "improvement") == 0 ? 0x2ca02c
				  : strcmp(verdict, "changed") == 0     ? 0xff9f1c
									: 0x9e9e9e;
		char text[320];
		snprintf(text, sizeof text, "%s %s", nh_str_or(row.label, nh_str_or(row.key, NULL)),
			 nh_str_or(row.metric, ""));
		shorten(text, 56);
		fprintf(f, "%u ", n);
		dat_string(f, text);
		fprintf(f, " %.6g %.6g %.6g %u ", change, isfinite(lo) ? lo : change,
			isfinite(hi) ? hi : change, colour);
		dat_string(f, verdict);
		fputc('\n', f);
		n++;
	}
	nh_cmp_view_free(doc);
	if (!n) {
		fclose(f);
		free(buf);
		return 0;
	}
	return dat_finish(x, f, &buf, &len, "compare", title, NULL);
}

/* ---- the whole set ---- */

int nh_charts_make(const nh_results_t *r, bool render, nh_charts_t *out, nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	struct ctx x = {.r = r, .out = out, .render = render, .log_fd = -1, .err = err};
	snprintf(x.dir, sizeof x.dir, "%s/charts", nh_results_dir(r));
	/* Charts are derived data: a new report replaces what an earlier one drew. */
	if (nh_mkdir_p(x.dir, err) < 0 || nh_empty_dir(x.dir, err) < 0)
		return -1;
	if (render) {
		nh_err_t gerr;
		if (nh_charts_find_gnuplot(out->gnuplot, sizeof out->gnuplot, &gerr) < 0)
			snprintf(out->note, sizeof out->note, "%s", gerr.msg);
	} else {
		snprintf(out->note, sizeof out->note, "charts not drawn (asked not to)");
	}
	char log[PATH_MAX + 20];
	snprintf(log, sizeof log, "%s/gnuplot.log", x.dir);
	if (out->gnuplot[0]) {
		x.log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
		if (x.log_fd < 0) {
			nh_err_set(err, "%s: %s", log, strerror(errno));
			return -1;
		}
	}
	static const struct line_spec size_lines = {.kind = "latency-size",
						    .param = "size",
						    .workload = "chase",
						    .metric = "ns_per_load",
						    .min_points = 2};
	static const struct line_spec loaded_lines = {.kind = "loaded-latency",
						      .param = "throttle",
						      .workload = "chase",
						      .want_loaded = true,
						      .metric = "ns_per_load",
						      .xmetric = "load_MBps",
						      .min_points = 1};
	static const struct line_spec thread_lines = {
			.kind = "scaling", .param = "threads", .min_points = 2};
	int rc = 0;
	if (rc == 0)
		rc = chart_bandwidth(&x);
	if (rc == 0)
		rc = chart_matrix(&x, "stream", "triad", "bandwidth-matrix",
				  "STREAM triad bandwidth (MB/s), CPU node to memory node");
	if (rc == 0)
		rc = chart_matrix(&x, "chase", "ns_per_load", "latency-matrix",
				  "Idle latency (ns per load), CPU node to memory node");
	if (rc == 0)
		rc = chart_lines(&x, &size_lines);
	if (rc == 0)
		rc = chart_lines(&x, &loaded_lines);
	if (rc == 0)
		rc = chart_lines(&x, &thread_lines);
	if (rc == 0)
		rc = chart_timeseries(&x);
	if (rc == 0)
		rc = chart_compare(&x);
	if (x.log_fd >= 0) {
		/* Keep the log only when gnuplot had something to say. */
		struct stat st;
		if (fstat(x.log_fd, &st) == 0 && st.st_size == 0)
			unlink(log);
		close(x.log_fd);
	}
	if (rc == 0 && out->count == 0 && !out->note[0])
		snprintf(out->note, sizeof out->note, "no chart applies to these results");
	return rc;
}

void nh_charts_free(nh_charts_t *c)
{
	if (!c)
		return;
	free(c->charts);
	c->charts = NULL;
	c->count = 0;
}
