/* SPDX-License-Identifier: MIT */
/* fleet: the fleet's tables (metrics, verdicts), its options, the hosts it is given (host
 * directories found, planned hosts, the baseline), interned strings, and what it found. */
#include "fleet_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_summary.h"

static const nh_fleet_metric_def_t METRICS[NH_FLEET_METRICS] = {
	[NH_FLEET_TRIAD] = {"triad", "local triad", "MB/s", -1, 15.0, 0.01, true},
	[NH_FLEET_LATENCY] = {"latency", "idle latency", "ns", +1, 10.0, 0.01, true},
	/* MemTotal is a count the kernel keeps, not a measurement: its noise is the few MiB of
	 * boot-time reservations, so a 1 % floor would hide the 2 % threshold (|z| > 3.5 needs
	 * 3.5 / 0.6745 = 5.2 floors); a quarter of a percent lets the threshold decide. */
	[NH_FLEET_MEMTOTAL] = {"memtotal", "MemTotal", "B", -1, 2.0, 0.0025, false},
	[NH_FLEET_RATIO] = {"ratio", "remote/local latency ratio", "x", 0, 10.0, 0.01, true},
};

const nh_fleet_metric_def_t *nh_fleet_metric_def(enum nh_fleet_metric m)
{
	return m < NH_FLEET_METRICS ? &METRICS[m] : NULL;
}

const char *nh_fleet_verdict_name(enum nh_fleet_verdict v)
{
	static const char *const names[NH_FLEET_VERDICTS] = {"PASS",	 "FAIL",  "OUTLIER",
							     "UNSTABLE", "ERROR", "MISSING"};
	return v < NH_FLEET_VERDICTS ? names[v] : "?";
}

const char *nh_fleet_flag_name(enum fleet_flag f)
{
	static const char *const names[] = {"absent", "ok",	      "low",	      "high",
					    "noisy",  "insufficient", "not-compared"};
	return f < NH_ARRAY_LEN(names) ? names[f] : "?";
}

/* ---- options ---- */

void nh_fleet_opts_default(nh_fleet_opts_t *o)
{
	memset(o, 0, sizeof *o);
	snprintf(o->cohort_label, sizeof o->cohort_label, "cohort");
	for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
		o->threshold_pct[m] = METRICS[m].threshold_pct;
	o->max_cv = NH_FLEET_MAX_CV;
}

static int parse_number(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || errno || !isfinite(v))
		return -1;
	*out = v;
	return *end == '%' && end[1] == '\0' ? 1 : *end ? -1 : 0;
}

int nh_fleet_parse_thresholds(nh_fleet_opts_t *o, const char *text, nh_err_t *err)
{
	char names[128] = "";
	for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", m ? ", " : "",
			 METRICS[m].name);
	if (!*text) {
		errno = EINVAL;
		return nh_err_set(err, "--threshold: empty (e.g. triad=10,latency=5; metrics: %s)",
				  names);
	}
	char copy[512];
	if (snprintf(copy, sizeof copy, "%s", text) >= (int)sizeof copy) {
		errno = EINVAL;
		return nh_err_set(err, "--threshold: too long (%zu bytes, at most %zu)", strlen(text),
				  sizeof copy - 1);
	}
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq) {
			errno = EINVAL;
			return nh_err_set(err, "--threshold: '%.64s' is not metric=PCT (metrics: %s)",
					  item, names);
		}
		*eq = '\0';
		int m = -1;
		for (unsigned k = 0; k < NH_FLEET_METRICS; k++)
			if (strcmp(item, METRICS[k].name) == 0)
				m = (int)k;
		if (m < 0) {
			errno = EINVAL;
			return nh_err_set(err, "--threshold: unknown metric '%.64s' (metrics: %s)",
					  item, names);
		}
		double pct;
		if (parse_number(eq + 1, &pct) < 0 || pct <= 0 || pct > 100) {
			errno = EINVAL;
			return nh_err_set(err,
					  "--threshold: %s=%.64s: expected a percentage in (0, 100]",
					  item, eq + 1);
		}
		o->threshold_pct[m] = pct;
	}
	return 0;
}

int nh_fleet_parse_cohort_by(nh_fleet_opts_t *o, const char *text, nh_err_t *err)
{
	if (strcmp(text, "none") == 0) {
		o->cohort_label[0] = '\0';
		return 0;
	}
	const char *name = strncmp(text, "label:", 6) == 0 ? text + 6 : NULL;
	bool ok = name && *name && strlen(name) < sizeof o->cohort_label;
	for (const char *p = name; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("_-.", *p);
	if (!ok) {
		errno = EINVAL;
		return nh_err_set(err,
				  "--cohort-by '%.64s': expected label:NAME (a host label set with "
				  "--label NAME=VALUE; letters, digits, _ - .) or none",
				  text);
	}
	snprintf(o->cohort_label, sizeof o->cohort_label, "%s", name);
	return 0;
}

int nh_fleet_parse_max_cv(nh_fleet_opts_t *o, const char *text, nh_err_t *err)
{
	double v;
	int kind = parse_number(text, &v);
	if (kind == 1)
		v /= 100;
	if (kind < 0 || v <= 0 || v > 10) {
		errno = EINVAL;
		return nh_err_set(err, "--max-cv '%.64s': expected a fraction (0.1) or a percentage "
				  "(10%%) above 0", text);
	}
	o->max_cv = v;
	return 0;
}

/* ---- owned strings ---- */

int fleet_strv_add(fleet_strv_t *v, const char *fmt, ...)
{
	if (v->n == v->cap) {
		unsigned cap = v->cap ? 2 * v->cap : 4;
		char **grown = realloc(v->s, cap * sizeof *grown);
		if (!grown)
			return -1;
		v->s = grown;
		v->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	int rc = vasprintf(&v->s[v->n], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	v->n++;
	return 0;
}

void fleet_strv_free(fleet_strv_t *v)
{
	for (unsigned i = 0; i < v->n; i++)
		free(v->s[i]);
	free(v->s);
	memset(v, 0, sizeof *v);
}

/* ---- interned strings: the few distinct kernels, BIOS versions, cohorts of thousands of
 * hosts, each kept once ---- */

static unsigned hash_of(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static int rehash(nh_fleet_t *f, unsigned cap)
{
	unsigned *table = calloc(cap, sizeof *table);
	if (!table)
		return -1;
	for (unsigned id = 1; id < f->str_count; id++) {
		unsigned k = hash_of(f->strs[id]) & (cap - 1);
		while (table[k])
			k = (k + 1) & (cap - 1);
		table[k] = id;
	}
	free(f->str_hash);
	f->str_hash = table;
	f->hash_cap = cap;
	return 0;
}

unsigned fleet_intern(nh_fleet_t *f, const char *s)
{
	if (!s)
		return 0;
	if (f->str_count * 2 >= f->hash_cap && rehash(f, f->hash_cap ? 2 * f->hash_cap : 256) < 0)
		return 0;
	unsigned k = hash_of(s) & (f->hash_cap - 1);
	for (; f->str_hash[k]; k = (k + 1) & (f->hash_cap - 1))
		if (strcmp(f->strs[f->str_hash[k]], s) == 0)
			return f->str_hash[k];
	if (f->str_count == f->str_cap) {
		unsigned cap = f->str_cap ? 2 * f->str_cap : 64;
		char **grown = realloc(f->strs, cap * sizeof *grown);
		if (!grown)
			return 0;
		f->strs = grown;
		f->str_cap = cap;
	}
	char *copy = strdup(s);
	if (!copy)
		return 0;
	f->strs[f->str_count] = copy;
	f->str_hash[k] = f->str_count;
	return f->str_count++;
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double fleet_median(double *x, unsigned n)
{
	if (n == 0)
		return NAN;
	qsort(x, n, sizeof *x, cmp_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

double fleet_mad(const double *x, unsigned n, double median, double *scratch)
{
	if (n == 0)
		return NAN;
	for (unsigned i = 0; i < n; i++)
		scratch[i] = fabs(x[i] - median);
	return fleet_median(scratch, n);
}

/* ---- the fleet ---- */

nh_fleet_t *nh_fleet_new(const nh_fleet_opts_t *o, nh_err_t *err)
{
	nh_fleet_t *f = calloc(1, sizeof *f);
	if (f) {
		f->str_cap = 64;
		f->strs = calloc(f->str_cap, sizeof *f->strs);
		f->str_count = 1; /* id 0 stands for none */
	}
	if (!f || !f->strs || rehash(f, 256) < 0) {
		nh_err_set(err, "out of memory");
		nh_fleet_free(f);
		return NULL;
	}
	f->o = *o;
	nh_utc_stamp(f->created_at, sizeof f->created_at, true);
	return f;
}

void nh_fleet_free(nh_fleet_t *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < f->host_count; i++) {
		fleet_host_t *h = &f->hosts[i];
		free(h->name);
		free(h->dir);
		free(h->nodes);
		fleet_strv_free(&h->reasons);
		fleet_strv_free(&h->readings);
		fleet_strv_free(&h->notes);
	}
	free(f->hosts);
	for (unsigned i = 0; i < f->cohort_count; i++)
		fleet_strv_free(&f->cohorts[i].notes);
	free(f->cohorts);
	for (unsigned i = 0; i < f->ref_count; i++)
		free(f->refs[i].values);
	free(f->refs);
	for (unsigned i = 1; i < f->str_count; i++)
		free(f->strs[i]);
	free(f->strs);
	free(f->str_hash);
	for (unsigned i = 0; i < f->planned_count; i++)
		free(f->planned[i]);
	free(f->planned);
	free(f->base);
	fleet_strv_free(&f->inputs);
	fleet_strv_free(&f->warnings);
	fleet_strv_free(&f->notes);
	free(f);
}

fleet_host_t *fleet_new_host(nh_fleet_t *f)
{
	if (f->host_count == f->host_cap) {
		unsigned cap = f->host_cap ? 2 * f->host_cap : 64;
		fleet_host_t *grown = realloc(f->hosts, cap * sizeof *grown);
		if (!grown)
			return NULL;
		f->hosts = grown;
		f->host_cap = cap;
	}
	fleet_host_t *h = &f->hosts[f->host_count++];
	memset(h, 0, sizeof *h);
	return h;
}

unsigned fleet_cohort_of(nh_fleet_t *f, const char *name)
{
	unsigned id = fleet_intern(f, name);
	for (unsigned i = 0; i < f->cohort_count; i++)
		if (f->cohorts[i].name == id)
			return i;
	if (f->cohort_count == f->cohort_cap) {
		unsigned cap = f->cohort_cap ? 2 * f->cohort_cap : 8;
		fleet_cohort_t *grown = realloc(f->cohorts, cap * sizeof *grown);
		if (!grown)
			return UINT_MAX;
		f->cohorts = grown;
		f->cohort_cap = cap;
	}
	memset(&f->cohorts[f->cohort_count], 0, sizeof f->cohorts[0]);
	f->cohorts[f->cohort_count].name = id;
	return f->cohort_count++;
}

int nh_fleet_baseline(nh_fleet_t *f, const char *path, nh_err_t *err)
{
	nh_fleet_doc_t *d = nh_fleet_doc_load(path, err);
	if (!d)
		return nh_err_prefix(err, "--baseline");
	unsigned n = nh_fleet_doc_count(d);
	f->base = calloc(n ? n : 1, sizeof *f->base);
	if (!f->base) {
		nh_fleet_doc_free(d);
		return nh_err_set(err, "out of memory");
	}
	for (unsigned i = 0; i < n; i++) {
		nh_fleet_ref_t r = nh_fleet_doc_ref(d, i);
		int m = -1;
		for (unsigned k = 0; k < NH_FLEET_METRICS; k++)
			if (strcmp(r.metric, METRICS[k].name) == 0)
				m = (int)k;
		if (m < 0)
			continue; /* a metric a later version judges: not ours to use */
		f->base[f->base_count++] = (struct fleet_baseline_ref){
			.cohort_name = fleet_intern(f, r.cohort),
			.node = r.node,
			.metric = (enum nh_fleet_metric)m,
			.n = r.n,
			.median = r.median,
			.mad = r.mad.present ? r.mad.v : NAN,
		};
	}
	nh_str_t created = nh_fleet_doc_created_at(d);
	snprintf(f->baseline_created, sizeof f->baseline_created, "%s", nh_str_or(created, ""));
	snprintf(f->baseline_path, sizeof f->baseline_path, "%s", path);
	nh_fleet_doc_free(d);
	return 0;
}

int nh_fleet_planned(nh_fleet_t *f, const char *path, nh_err_t *err)
{
	FILE *in = fopen(path, "re");
	if (!in)
		return nh_err_set(err, "--planned-hosts %s: %s", path,
				  errno == ENOENT ? "no such file" : strerror(errno));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	int rc = -1;
	while ((len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if ((size_t)len != strlen(line)) {
			errno = EINVAL;
			nh_err_set(err, "%s:%u: a NUL byte in the line (not a text file?)", path, lineno);
			goto out;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = line, *e = line + strlen(line);
		while (*s && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*s)
			continue;
		for (const char *p = s; *p; p++)
			if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
				errno = EINVAL;
				nh_err_set(err, "%s:%u: '%.64s' is not a host name (one name a line, no "
					   "blanks or control characters inside)", path, lineno, s);
				goto out;
			}
		if (e - s > 255) {
			errno = EINVAL;
			nh_err_set(err, "%s:%u: host name of %zu bytes (at most 255)", path, lineno,
				   (size_t)(e - s));
			goto out;
		}
		for (unsigned i = 0; i < f->planned_count; i++)
			if (strcmp(f->planned[i], s) == 0) {
				errno = EINVAL;
				nh_err_set(err, "%s:%u: host '%s' is planned twice", path, lineno, s);
				goto out;
			}
		if (f->planned_count == f->planned_cap) {
			unsigned c = f->planned_cap ? 2 * f->planned_cap : 64;
			char **grown = realloc(f->planned, c * sizeof *grown);
			if (!grown) {
				nh_err_set(err, "out of memory");
				goto out;
			}
			f->planned = grown;
			f->planned_cap = c;
		}
		if (!(f->planned[f->planned_count] = strdup(s))) {
			nh_err_set(err, "out of memory");
			goto out;
		}
		f->planned_count++;
	}
	if (ferror(in)) {
		nh_err_set(err, "--planned-hosts %s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(f->planned_path, sizeof f->planned_path, "%s", path);
	rc = 0;
out:
	free(line);
	fclose(in);
	return rc;
}

/* Does \p dir hold \p name? */
static bool holds(const char *dir, const char *name)
{
	char path[4200];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
		return false;
	return access(path, F_OK) == 0;
}

static bool is_host_dir(const char *dir)
{
	return holds(dir, "manifest.json") || holds(dir, "error.txt");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int nh_fleet_check_input(const char *path, nh_err_t *err)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return nh_err_set(err, "%s: %s", path,
				  errno == ENOENT ? "no such directory" : strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return nh_err_set(err, "%s: not a directory (a host directory or a directory of them)",
				  path);
	}
	return 0;
}

int nh_fleet_add(nh_fleet_t *f, const char *path, nh_err_t *err)
{
	struct stat st;
	if (nh_fleet_check_input(path, err) < 0)
		return -1;
	if (fleet_strv_add(&f->inputs, "%s", path) < 0)
		return nh_err_set(err, "out of memory");
	if (is_host_dir(path))
		return fleet_read_host(f, path, err);
	struct dirent **list;
	int n = scandir(path, &list, NULL, by_name);
	if (n < 0)
		return nh_err_set(err, "%s: %s", path, strerror(errno));
	char **hosts = calloc((size_t)n + 1, sizeof *hosts);
	unsigned count = 0;
	int rc = hosts ? 0 : nh_err_set(err, "out of memory");
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		char sub[4200];
		bool skip = rc < 0 || name[0] == '.' ||
			    snprintf(sub, sizeof sub, "%s/%s", path, name) >= (int)sizeof sub ||
			    stat(sub, &st) < 0 || !S_ISDIR(st.st_mode);
		if (!skip && holds(sub, "fleet.json")) {
			/* an earlier report written among the hosts */
			if (fleet_strv_add(&f->notes, "%s: an earlier fleet report, not a host: passed "
					   "over", sub) < 0)
				rc = nh_err_set(err, "out of memory");
			skip = true;
		}
		if (!skip && !(hosts[count++] = strdup(sub)))
			rc = nh_err_set(err, "out of memory");
		free(list[i]);
	}
	free(list);
	if (rc == 0)
		rc = fleet_read_hosts(f, hosts, count, err);
	for (unsigned i = 0; hosts && i < count; i++)
		free(hosts[i]);
	free(hosts);
	if (rc == 0 && count == 0 &&
	    fleet_strv_add(&f->notes, "%s: no host directories in it", path) < 0)
		rc = nh_err_set(err, "out of memory");
	return rc;
}

int nh_fleet_judge(nh_fleet_t *f, nh_err_t *err)
{
	if (f->judged) {
		errno = EINVAL;
		return nh_err_set(err, "the fleet is judged already");
	}
	f->judged = true;
	return fleet_judge(f, err);
}

/* ---- what was found ---- */

unsigned nh_fleet_host_count(const nh_fleet_t *f) { return f->host_count; }

nh_fleet_host_view_t nh_fleet_host(const nh_fleet_t *f, unsigned i)
{
	if (i >= f->host_count)
		return (nh_fleet_host_view_t){0};
	const fleet_host_t *h = &f->hosts[i];
	return (nh_fleet_host_view_t){
		.name = h->name,
		.dir = h->dir,
		.cohort = h->cohort < f->cohort_count ? fleet_str(f, f->cohorts[h->cohort].name) : "-",
		.verdict = h->verdict,
		.drift = h->drift,
		.planned = h->planned,
		.compared = h->compared,
		.reading = h->readings.n ? h->readings.s[0] : h->reasons.n ? h->reasons.s[0] : "",
	};
}

int nh_fleet_find(const nh_fleet_t *f, const char *name)
{
	for (unsigned i = 0; i < f->host_count; i++)
		if (strcmp(f->hosts[i].name, name) == 0)
			return (int)i;
	return -1;
}

unsigned nh_fleet_host_readings(const nh_fleet_t *f, unsigned i)
{
	return i < f->host_count ? f->hosts[i].readings.n : 0;
}

const char *nh_fleet_host_reading(const nh_fleet_t *f, unsigned i, unsigned k)
{
	return i < f->host_count && k < f->hosts[i].readings.n ? f->hosts[i].readings.s[k] : NULL;
}

unsigned nh_fleet_host_reasons(const nh_fleet_t *f, unsigned i)
{
	return i < f->host_count ? f->hosts[i].reasons.n : 0;
}

const char *nh_fleet_host_reason(const nh_fleet_t *f, unsigned i, unsigned k)
{
	return i < f->host_count && k < f->hosts[i].reasons.n ? f->hosts[i].reasons.s[k] : NULL;
}

nh_fleet_value_view_t nh_fleet_value(const nh_fleet_t *f, unsigned host, unsigned node,
				     enum nh_fleet_metric m)
{
	nh_fleet_value_view_t out = {.flag = "absent", .why = "no such node on this host",
				     .ref_median = NAN, .deviation_pct = NAN, .z = NAN, .cv = NAN};
	if (host >= f->host_count || m >= NH_FLEET_METRICS)
		return out;
	const fleet_host_t *h = &f->hosts[host];
	for (unsigned i = 0; i < h->node_count; i++) {
		if (h->nodes[i].id != node)
			continue;
		const fleet_value_t *v = &h->nodes[i].m[m];
		return (nh_fleet_value_view_t){
			.present = v->present,
			.value = v->v,
			.spread = v->spread,
			.cv = v->cv,
			.runs = v->n,
			.flag = nh_fleet_flag_name(v->flag),
			.ref_median = v->ref,
			.deviation_pct = v->dev_pct,
			.z = v->z,
			.why = v->why,
		};
	}
	return out;
}

unsigned nh_fleet_verdict_count(const nh_fleet_t *f, enum nh_fleet_verdict v)
{
	return v < NH_FLEET_VERDICTS ? f->counts[v] : 0;
}

unsigned nh_fleet_cohort_count(const nh_fleet_t *f) { return f->cohort_count; }
unsigned nh_fleet_warning_count(const nh_fleet_t *f) { return f->warnings.n; }

const char *nh_fleet_warning(const nh_fleet_t *f, unsigned i)
{
	return i < f->warnings.n ? f->warnings.s[i] : NULL;
}

bool nh_fleet_gate_passed(const nh_fleet_t *f)
{
	if (f->warnings.n)
		return false;
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		if ((h->planned || !f->planned_count) && h->verdict != NH_FLEET_PASS)
			return false;
	}
	return true;
}
