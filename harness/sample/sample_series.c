/* SPDX-License-Identifier: MIT */
/* sample_series: periodic samples of the worker's memory layers and counters, with a CPU budget:
 * cheap fields (/proc/self/status, the run's own cgroup and its memory per node, each node's
 * free memory) every tick, the page-table walks (smaps_rollup, numa_maps) only while the
 * sampler's CPU time stays under 1% of the elapsed time. */
#include "sample_series.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sample_memory.h"

#define BUDGET 0.01	 /* sampler CPU time / wall time */
#define MAX_SAMPLES 100000 /* kept in memory for the summary: 2.7 h at 100 ms */

struct nh_series {
	FILE *csv;
	double interval_s, t0;
	nh_samplers_t *ticks; /* the layers with series columns: the first tick_count of them */
	unsigned tick_count;
	nh_set_t nodes; /* online nodes: one column each */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	double cpu_spent;
	double cgroup_cost;	    /* CPU seconds the last cgroup read took (a prior before the first) */
	int cg_version;		    /* the worker's memory cgroup, located once at the start; 0: none */
	char cg_dir[256];
	bool cg_own;		    /* it is the run's own: read every tick, its per-node columns filled */
	nh_cgroup_mem_t cg;	    /* the last tick's read (kept here: 5 KB) */
	uint64_t last_rss_pages;
	double walk_cost_per_page; /* page-table walks cost about this per resident page */
	unsigned expensive_skipped, ticks_skipped;
	unsigned n;
	double *t, *rss, *file; /* file: cgroup file bytes when known, else RssFile */
	bool file_from_cgroup, any_file;
};

static double thread_cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "123" or "" (not measured in this row: never a 0 that looks like a measurement). */
static void cell(FILE *f, bool valid, uint64_t v)
{
	if (valid)
		fprintf(f, ",%" PRIu64, v);
	else
		fputc(',', f);
}

static void write_header(nh_series_t *s)
{
	fputs("t_s,rss_bytes,rss_anon_bytes,rss_file_bytes,anon_huge_bytes,threads,"
	      "cgroup_anon_bytes,cgroup_file_bytes",
	      s->csv);
	for (int n = nh_set_next(&s->nodes, 0); n >= 0; n = nh_set_next(&s->nodes, n + 1))
		fprintf(s->csv, ",node%d_pages", n);
	fputs(",cgroup_bytes", s->csv);
	for (int n = nh_set_next(&s->nodes, 0); n >= 0; n = nh_set_next(&s->nodes, n + 1))
		fprintf(s->csv, ",cgroup_node%d_bytes", n);
	for (int n = nh_set_next(&s->nodes, 0); n >= 0; n = nh_set_next(&s->nodes, n + 1))
		fprintf(s->csv, ",node%d_free_bytes", n);
	for (unsigned i = 0; i < s->tick_count; i++) {
		const nh_sampler_t *d = nh_samplers_def(s->ticks, i);
		if (d->columns)
			(void)d->columns(nh_samplers_state(s->ticks, i), s->csv);
	}
	fputc('\n', s->csv);
}

/* RssAnon / RssFile are not in nh_proc_mem_t: read them here (cheap, every tick). */
static void status_split(uint64_t *anon, uint64_t *file, bool *ok)
{
	char *text = nh_read_file("/proc/self/status", NULL, NULL);
	*ok = false;
	if (!text)
		return;
	const char *a = strstr(text, "\nRssAnon:"), *f = strstr(text, "\nRssFile:");
	if (a && f) {
		*anon = strtoull(a + 9, NULL, 10) * 1024;
		*file = strtoull(f + 9, NULL, 10) * 1024;
		*ok = true;
	}
	free(text);
}

/* MemFree of node \p n (its meminfo, through the topology's parser); false when unreadable. */
static bool node_free(int n, uint64_t *bytes)
{
	char path[64];
	snprintf(path, sizeof path, "/sys/devices/system/node/node%d/meminfo", n);
	char *text = nh_read_file(path, NULL, NULL);
	bool ok = text && nh_meminfo_bytes(text, "MemFree", bytes) == 0;
	free(text);
	return ok;
}

/* One row. \p always: the first and the last rows are taken even over budget (cheap fields). */
static void sample(nh_series_t *s, bool always)
{
	double start_cpu = thread_cpu_s();
	double t = nh_now() - s->t0, budget = BUDGET * t;
	/* Over budget already (slow /proc reads): stretch the interval by skipping this tick. */
	if (!always && s->cpu_spent > budget) {
		s->ticks_skipped++;
		return;
	}
	nh_proc_mem_t m;
	memset(&m, 0, sizeof m);
	/* Cheap fields every tick; the cgroup files and the page-table walks (smaps_rollup,
	 * numa_maps, whose cost grows with the resident pages) only while the budget allows,
	 * judged by what they cost last time. */
	double walk_estimate = s->walk_cost_per_page * (s->last_rss_pages + 1);
	/* The run's own cgroup is a leaf: its files are cheap, and they are what keeps the
	 * per-node line whatever the size. A shared one may be the root: within the budget. */
	bool cgroup_ok = s->cg_version && (s->cg_own || s->cpu_spent + s->cgroup_cost <= budget);
	bool expensive = s->cpu_spent + s->cgroup_cost + walk_estimate <= budget;
	if (expensive) {
		double c0 = thread_cpu_s();
		nh_proc_mem_read(0, true, &m);
		if (m.rollup_valid && m.rss > 0)
			s->walk_cost_per_page = (thread_cpu_s() - c0) / (double)(m.rss / 4096 + 1);
	} else {
		char *text = nh_read_file("/proc/self/status", NULL, NULL);
		if (text)
			(void)nh_proc_status_parse(text, &m, NULL);
		free(text);
	}
	uint64_t anon = 0, file = 0;
	bool split;
	status_split(&anon, &file, &split);
	uint64_t cg_anon = UINT64_MAX, cg_file = UINT64_MAX;
	nh_cgroup_mem_t *cg = &s->cg;
	bool cg_read = false;
	if (cgroup_ok) {
		double c0 = thread_cpu_s();
		nh_cgroup_read_usage(s->cg_version, s->cg_dir, cg);
		if ((cg_read = cg->available)) {
			cg_anon = nh_cgroup_stat(cg, cg->version == 2 ? "anon" : "rss");
			cg_file = nh_cgroup_stat(cg, cg->version == 2 ? "file" : "cache");
		}
		s->cgroup_cost = thread_cpu_s() - c0;
	}
	bool own = s->cg_own && cg_read;

	fprintf(s->csv, "%.3f", t);
	cell(s->csv, m.status_valid, m.vm_rss);
	cell(s->csv, split, anon);
	cell(s->csv, split, file);
	cell(s->csv, expensive && m.rollup_valid, m.anon_huge_pages);
	cell(s->csv, m.status_valid, m.threads);
	cell(s->csv, cg_anon != UINT64_MAX, cg_anon);
	cell(s->csv, cg_file != UINT64_MAX, cg_file);
	for (int n = nh_set_next(&s->nodes, 0); n >= 0; n = nh_set_next(&s->nodes, n + 1))
		cell(s->csv, expensive && m.numa_valid && n < NH_MAX_NODES,
		     n < NH_MAX_NODES ? m.anon_pages_by_node[n] + m.file_pages_by_node[n] : 0);
	cell(s->csv, own, cg->current);
	for (int n = nh_set_next(&s->nodes, 0); n >= 0; n = nh_set_next(&s->nodes, n + 1)) {
		bool listed = own && cg->numa_valid && n < NH_MAX_NODES && (cg->numa_nodes >> n & 1);
		cell(s->csv, listed, listed ? cg->anon_by_node[n] + cg->file_by_node[n] : 0);
	}
	for (int n = nh_set_next(&s->nodes, 0); n >= 0; n = nh_set_next(&s->nodes, n + 1)) {
		uint64_t free_bytes = 0;
		bool ok = node_free(n, &free_bytes);
		cell(s->csv, ok, free_bytes);
	}
	for (unsigned i = 0; i < s->tick_count; i++) {
		const nh_sampler_t *d = nh_samplers_def(s->ticks, i);
		if (d->sample)
			d->sample(nh_samplers_state(s->ticks, i), s->csv);
	}
	fputc('\n', s->csv);
	/* Each row reaches the file now: a worker the OOM killer takes leaves its series up to the
	 * last tick, the evidence of how it got there (a stdio buffer would die with it). */
	fflush(s->csv);
	if (!expensive)
		s->expensive_skipped++;
	if (m.status_valid)
		s->last_rss_pages = m.vm_rss / 4096;

	if (s->n < MAX_SAMPLES && m.status_valid) {
		s->t[s->n] = t;
		s->rss[s->n] = (double)m.vm_rss;
		if (s->file_from_cgroup)
			s->file[s->n] = cg_file != UINT64_MAX ? (double)cg_file : NAN;
		else
			s->file[s->n] = split ? (double)file : NAN;
		s->any_file |= !isnan(s->file[s->n]);
		s->n++;
	}
	s->cpu_spent += thread_cpu_s() - start_cpu;
}

static void *sampler(void *arg)
{
	nh_series_t *s = arg;
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		pthread_mutex_unlock(&s->lock);
		sample(s, s->n == 0);
		/* Absolute deadlines: the interval does not drift by the sampling time. */
		long ns = next.tv_nsec + (long)(s->interval_s * 1e9);
		next.tv_sec += ns / 1000000000L;
		next.tv_nsec = ns % 1000000000L;
		pthread_mutex_lock(&s->lock);
		while (!s->stop && pthread_cond_timedwait(&s->wake, &s->lock, &next) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* The worker's memory cgroup, once: its directory does not change while it runs. */
static void locate_cgroup(nh_series_t *s, const char *run_cgroup)
{
	char *cg = nh_read_file("/proc/self/cgroup", NULL, NULL);
	char *mi = cg ? nh_read_file("/proc/self/mountinfo", NULL, NULL) : NULL;
	int version = mi ? nh_cgroup_locate(cg, mi, s->cg_dir, sizeof s->cg_dir, NULL) : -1;
	free(cg);
	free(mi);
	s->cg_version = version > 0 ? version : 0;
	s->cg_own = s->cg_version && run_cgroup && strcmp(s->cg_dir, run_cgroup) == 0;
}

nh_series_t *nh_series_start(const char *csv_path, double interval_s, nh_samplers_t *ticks,
			     nh_err_t *err)
{
	return nh_series_start_in(csv_path, interval_s, ticks, NULL, err);
}

nh_series_t *nh_series_start_in(const char *csv_path, double interval_s, nh_samplers_t *ticks,
				const char *run_cgroup, nh_err_t *err)
{
	nh_series_t *s = calloc(1, sizeof *s);
	if (!s) {
		nh_err_set(err, "out of memory");
		return NULL;
	}
	s->t = calloc(MAX_SAMPLES, sizeof *s->t);
	s->rss = calloc(MAX_SAMPLES, sizeof *s->rss);
	s->file = calloc(MAX_SAMPLES, sizeof *s->file);
	if (!s->t || !s->rss || !s->file) {
		nh_err_set(err, "out of memory");
		goto fail;
	}
	s->csv = fopen(csv_path, "we");
	if (!s->csv) {
		nh_err_set(err, "cannot create %s: %s", csv_path, strerror(errno));
		goto fail;
	}
	char online[256];
	if (nh_read_line("/sys/devices/system/node/online", online, sizeof online) < 0 ||
	    nh_set_parse(&s->nodes, online, NULL) < 0)
		nh_set_add(&s->nodes, 0);
	s->interval_s = interval_s;
	s->ticks = ticks;
	s->tick_count = ticks ? nh_samplers_count(ticks) : 0;
	s->t0 = nh_now();
	/* Priors until measured: a short run then gets no page walks at all rather than an
	 * unbudgeted one at t = 0 (the end-of-run snapshot has the layers anyway). */
	s->cgroup_cost = 0.0005;
	s->walk_cost_per_page = 200e-9; /* conservative: measured per host after the first walk */
	/* One file-bytes source for the whole series: the cgroup's (page cache is charged there)
	 * when there is one, else the process's RssFile. */
	locate_cgroup(s, run_cgroup);
	if (s->cg_version)
		nh_cgroup_read_usage(s->cg_version, s->cg_dir, &s->cg);
	s->file_from_cgroup = s->cg_version && s->cg.available;
	write_header(s);
	fflush(s->csv);
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&s->thread, NULL, sampler, s);
	if (rc) {
		errno = rc;
		nh_err_set(err, "cannot start the sampling thread: %s", strerror(rc));
		fclose(s->csv);
		goto fail;
	}
	return s;
fail:
	free(s->t);
	free(s->rss);
	free(s->file);
	free(s);
	return NULL;
}

void nh_series_stop(nh_series_t *s, nh_series_summary_t *sum)
{
	memset(sum, 0, sizeof *sum);
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	sample(s, true); /* the state at the end, whatever the phase of the ticks */
	fclose(s->csv);

	double wall = nh_now() - s->t0;
	sum->samples = s->n;
	sum->interval_s = s->interval_s;
	sum->overhead = wall > 0 ? s->cpu_spent / wall : 0;
	sum->expensive_skipped = s->expensive_skipped;
	sum->ticks_skipped = s->ticks_skipped;
	sum->rss_growth_Bps = nh_series_slope(s->t, s->rss, s->n);
	sum->rss_growth_valid = !isnan(sum->rss_growth_Bps);
	if (s->any_file) {
		sum->file_growth_Bps = nh_series_slope(s->t, s->file, s->n);
		sum->file_growth_valid = !isnan(sum->file_growth_Bps);
		snprintf(sum->file_source, sizeof sum->file_source, "%s",
			 s->file_from_cgroup ? "cgroup file" : "process RssFile");
	}
	/* A step smaller than 1 MiB is allocator noise, not the stair-step that precedes OOMs. */
	sum->rss_steps = nh_series_steps(s->rss, s->n, 1 << 20);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s->t);
	free(s->rss);
	free(s->file);
	free(s);
}

/* ---- the sampler ---- */

struct series_sampler {
	nh_series_t *series; /* NULL once stopped, or when it never started */
	char name[256];	     /* the file, relative to the results directory */
};

/* {"file": name or null, "unavailable": why}: a series that did not (yet) report. The file is
 * named when it exists: a crashed run keeps what it wrote so far, often the best evidence. */
static json_t *series_unavailable(const char *path, const char *name, const char *why)
{
	bool exists = path && name && *name && access(path, F_OK) == 0;
	return json_pack("{s:s?, s:s}", "file", exists ? name : NULL, "unavailable", why);
}

static void series_open(void *state, const nh_sampler_env_t *env, nh_samplers_t *all, nh_sampler_report_t *rep)
{
	struct series_sampler *s = state;
	nh_err_t err;
	snprintf(s->name, sizeof s->name, "%s", env->series_name ? env->series_name : "");
	if (env->series_off || !env->series_path) {
		nh_sampler_put(rep, &nh_sampler_series,
			       series_unavailable(env->series_path, s->name,
						  env->series_off ? env->series_off : "no series file given"));
		return;
	}
	if (!(s->series = nh_series_start_in(env->series_path, env->interval_s, all, env->run_cgroup, &err))) {
		nh_sampler_put(rep, &nh_sampler_series, series_unavailable(env->series_path, s->name, err.msg));
		return;
	}
	/* Until it stops: what the record says when the worker dies first. */
	nh_sampler_put(rep, &nh_sampler_series,
		       series_unavailable(env->series_path, s->name, "the worker did not report"));
}

/* The series ends at the workload's snapshot (its buffers still live), so the run's growth is
 * not blurred by its own teardown; derived figures become metrics. */
static void series_snapshot(void *state, const nh_sampler_snapshot_t *snap, nh_sampler_report_t *rep)
{
	struct series_sampler *s = state;
	nh_series_summary_t sum;
	(void)snap;
	if (!s->series)
		return;
	nh_series_stop(s->series, &sum);
	s->series = NULL;
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(s->name));
	json_object_set_new(o, "samples", json_integer(sum.samples));
	json_object_set_new(o, "interval_s", json_real(sum.interval_s));
	json_object_set_new(o, "overhead", json_real(sum.overhead));
	json_object_set_new(o, "rows_without_page_walks", json_integer(sum.expensive_skipped));
	json_object_set_new(o, "ticks_skipped", json_integer(sum.ticks_skipped));
	json_object_set_new(o, "rss_growth_Bps", sum.rss_growth_valid ? json_real(sum.rss_growth_Bps) : json_null());
	json_object_set_new(o, "file_growth_Bps", sum.file_growth_valid ? json_real(sum.file_growth_Bps) : json_null());
	json_object_set_new(o, "file_growth_source", sum.file_source[0] ? json_string(sum.file_source) : json_null());
	json_object_set_new(o, "rss_steps", json_integer(sum.rss_steps));
	nh_sampler_put(rep, &nh_sampler_series, o);
	/* better: 0 none, -1 lower (enum nh_better) */
	if (sum.rss_growth_valid)
		nh_sampler_metric(rep, "rss_growth", "B/s", 0, sum.rss_growth_Bps);
	if (sum.file_growth_valid)
		nh_sampler_metric(rep, "file_growth", "B/s", 0, sum.file_growth_Bps);
	nh_sampler_metric(rep, "rss_steps", "count", -1, sum.rss_steps);
}

static json_t *series_unreported(const char *why)
{
	(void)why; /* the series has always said this when the worker did not report */
	return series_unavailable(NULL, NULL, "the worker did not report");
}

const nh_sampler_t nh_sampler_series = {
	.name = "series",
	.state_size = sizeof(struct series_sampler),
	.open = series_open,
	.snapshot = series_snapshot,
	.unreported = series_unreported,
};

double nh_series_slope(const double *t, const double *y, unsigned n)
{
	double st = 0, sy = 0, stt = 0, sty = 0;
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++) {
		if (isnan(y[i]))
			continue;
		st += t[i];
		sy += y[i];
		stt += t[i] * t[i];
		sty += t[i] * y[i];
		k++;
	}
	double den = k * stt - st * st;
	if (k < 2 || fabs(den) < 1e-12)
		return NAN;
	return (k * sty - st * sy) / den;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

#define STEP_MAX_LEN 3 /* intervals a jump may take and still be a step */

unsigned nh_series_steps(const double *y, unsigned n, double min_step)
{
	if (n < 3)
		return 0;
	double *d = malloc((n - 1) * sizeof *d), *abs_dev = malloc((n - 1) * sizeof *abs_dev);
	if (!d || !abs_dev) {
		free(d);
		free(abs_dev);
		return 0;
	}
	for (unsigned i = 1; i < n; i++)
		d[i - 1] = y[i] - y[i - 1];
	/* Noise: the median absolute difference between neighbours, robust to the steps. */
	for (unsigned i = 0; i < n - 1; i++)
		abs_dev[i] = fabs(d[i]);
	qsort(abs_dev, n - 1, sizeof *abs_dev, cmp_double);
	double noise = abs_dev[(n - 1) / 2];
	double threshold = fmax(min_step, 6 * noise);

	unsigned steps = 0;
	for (unsigned i = 0; i < n - 1;) {
		if (d[i] < threshold) {
			i++;
			continue;
		}
		unsigned j = i;
		while (j < n - 1 && d[j] >= threshold)
			j++;
		/* [i, j) is a run of big rises: a step when short and flat on both sides. */
		bool flat_before = i > 0, flat_after = j < n - 1;
		if (j - i <= STEP_MAX_LEN && flat_before && flat_after)
			steps++;
		i = j;
	}
	free(d);
	free(abs_dev);
	return steps;
}
