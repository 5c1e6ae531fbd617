/* SPDX-License-Identifier: MIT */
/* results: a results directory read back — manifest.json, the records of runs.jsonl, and the
 * counted runs grouped into configurations by what was run rather than by config number, so
 * two directories can be matched. */
#include "results.h"

#include <jansson.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A path in the directory: the directory (stat took it, so under PATH_MAX) and a file name. */
#define PATH_LEN 4200
/* What the torn-record warning says besides the path, with the largest numbers. */
#define TORN_TEXT ":4294967295: torn last record (18446744073709551615 bytes) ignored; the " \
		  "4294967295 complete records before it are read"

struct nh_results {
	char dir[4096];
	json_t *manifest;
	json_t **recs;
	unsigned count;
	nh_results_config_t *configs;
	unsigned config_count;
	char warning[PATH_LEN + sizeof TORN_TEXT]; /* a torn last record, when there was one: whole */
};

static int fail_line(nh_err_t *err, const char *path, unsigned line, const char *what)
{
	errno = EINVAL;
	return nh_err_set(err, "%s:%u: %s", path, line, what);
}

/* A configuration field copied whole: a cut one could give two configurations one key. */
static int copy_field(char *dst, size_t len, const char *src, const char *path, unsigned line,
		      const char *what, nh_err_t *err)
{
	int n = snprintf(dst, len, "%s", src);
	if (n < 0 || (size_t)n >= len) {
		errno = EINVAL;
		return nh_err_set(err, "%s:%u: %s too long for a configuration (%d bytes, at most %zu)",
				  path, line, what, n, len - 1);
	}
	return 0;
}

/* The configuration fields of one record; the key is what two directories are matched on. */
static int record_config(const nh_rv_t *rec, nh_results_config_t *c, const char *path,
			 unsigned line, nh_err_t *err)
{
	nh_str_t workload = nh_rv_workload(rec);
	nh_str_t policy = nh_rv_policy_requested(rec);
	if (!workload.present || !*workload.s)
		return fail_line(err, path, line, "record has no 'workload'");
	if (!nh_rv_has_params(rec))
		return fail_line(err, path, line, "record has no 'params' object");
	if (!policy.present)
		return fail_line(err, path, line, "record has no 'policy.requested'");
	memset(c, 0, sizeof *c);
	if (copy_field(c->workload, sizeof c->workload, workload.s, path, line, "workload", err) < 0 ||
	    copy_field(c->policy, sizeof c->policy, policy.s, path, line, "policy.requested", err) < 0)
		return -1;
	/* The allocator is a run option among the parameters; it is kept apart so a report can put
	 * allocators side by side, but it stays part of the key. */
	nh_str_t alloc = nh_rv_param(rec, "allocator");
	if (!alloc.present)
		alloc = nh_rv_allocator(rec).requested;
	if (copy_field(c->allocator, sizeof c->allocator, nh_str_or(alloc, "glibc"), path, line,
		       "allocator", err) < 0)
		return -1;
	size_t used = 0;
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_rv_param_t p;
	while (nh_rv_param_next(rec, &it, &p)) {
		if (strcmp(p.name, "allocator") == 0)
			continue;
		/* the harness writes strings; numbers from other writers still key the same */
		if (!p.is_string && !p.is_number)
			return fail_line(err, path, line, "a parameter value is not a string");
		int n = snprintf(c->params + used, sizeof c->params - used, "%s%s=%s",
				 used ? " " : "", p.name, p.text);
		if (n < 0 || (size_t)n >= sizeof c->params - used)
			return fail_line(err, path, line,
					 "parameters too long for a configuration key");
		used += (size_t)n;
	}
	/* A tagged run (nh.run's tag) is a configuration of its own; untagged keys are as ever. */
	nh_str_t tag = nh_rv_tag(rec);
	int n = tag.present ? snprintf(c->key, sizeof c->key, "%s|%s|%s|%s|%s", c->workload, c->params,
				       c->policy, c->allocator, tag.s)
			    : snprintf(c->key, sizeof c->key, "%s|%s|%s|%s", c->workload, c->params,
				       c->policy, c->allocator);
	if (n < 0 || (size_t)n >= sizeof c->key)
		return fail_line(err, path, line, "configuration too long for a key");
	return 0;
}

static nh_results_config_t *find_config(nh_results_t *r, const char *key)
{
	for (unsigned i = 0; i < r->config_count; i++)
		if (strcmp(r->configs[i].key, key) == 0)
			return &r->configs[i];
	return NULL;
}

/* Counted runs (not warm-ups) join their configuration, which is created on first sight so
 * configurations keep the order of the sweep. */
static int add_record(nh_results_t *r, unsigned index, const char *path, unsigned line,
		      nh_err_t *err)
{
	const nh_rv_t *rec = (const nh_rv_t *)r->recs[index];
	nh_str_t outcome = nh_rv_outcome(rec);
	if (!outcome.present)
		return fail_line(err, path, line, "record has no 'outcome'");
	nh_results_config_t c;
	if (record_config(rec, &c, path, line, err) < 0)
		return -1;
	if (nh_flag_true(nh_rv_warmup(rec)))
		return 0;
	nh_results_config_t *cfg = find_config(r, c.key);
	if (!cfg) {
		nh_results_config_t *grown =
			realloc(r->configs, sizeof *grown * (r->config_count + 1));
		if (!grown) {
			errno = ENOMEM;
			return nh_err_set(err, "out of memory for configurations");
		}
		r->configs = grown;
		cfg = &r->configs[r->config_count++];
		*cfg = c;
	}
	unsigned *runs = realloc(cfg->runs, sizeof *runs * (cfg->run_count + 1));
	if (!runs) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for runs");
	}
	cfg->runs = runs;
	cfg->runs[cfg->run_count++] = index;
	cfg->ok_count += strcmp(outcome.s, "ok") == 0;
	return 0;
}

static int load_manifest(nh_results_t *r, nh_err_t *err)
{
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/manifest.json", r->dir);
	struct stat st;
	if (stat(path, &st) < 0 && errno == ENOENT)
		return 0; /* a directory being written by hand or by an older tool: runs are enough
			   */
	json_error_t je;
	r->manifest = json_load_file(path, 0, &je);
	if (!r->manifest) {
		errno = EINVAL;
		return nh_err_set(err, "%s:%d: not JSON: %s", path, je.line, je.text);
	}
	if (!json_is_object(r->manifest)) {
		errno = EINVAL;
		return nh_err_set(err, "%s:1: not a JSON object", path);
	}
	return 0;
}

/* Nothing but line ends, blanks or NUL bytes (what a crash leaves past the last write) in
 * [p, end). */
static bool only_padding(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t' && *p != '\0')
			return false;
	return true;
}

/* Each record is one fsynced write of its line: a run killed mid-append, a full disk or a power
 * loss can leave only the last line torn. That one is skipped with a warning, so the complete
 * records before it stay readable; a bad line with records after it is damage, and an error. */
static int load_runs(nh_results_t *r, nh_err_t *err)
{
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/runs.jsonl", r->dir);
	size_t len;
	char *text = nh_read_file(path, &len, err);
	if (!text)
		return -1;
	const char *end = text + len;
	unsigned cap = 0, line = 0;
	int rc = -1;
	for (const char *p = text, *next; p < end; p = next) {
		line++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		next = nl ? nl + 1 : end;
		if (only_padding(p, p + n))
			continue; /* blank line */
		json_error_t je;
		json_t *rec = json_loadb(p, n, 0, &je);
		if (!rec && only_padding(next, end)) {
			snprintf(r->warning, sizeof r->warning,
				 "%s:%u: torn last record (%zu bytes) ignored; the %u complete records before it are read",
				 path, line, (size_t)(end - p), r->count);
			nh_log(NH_LOG_WARN, "%s", r->warning);
			break;
		}
		if (!rec) {
			errno = EINVAL;
			nh_err_set(err, "%s:%u: not JSON: %s", path, line, je.text);
			goto out;
		}
		if (!json_is_object(rec)) {
			json_decref(rec);
			fail_line(err, path, line, "not a JSON object");
			goto out;
		}
		if (r->count == cap) {
			cap = cap ? cap * 2 : 64;
			json_t **grown = realloc(r->recs, sizeof *grown * cap);
			if (!grown) {
				json_decref(rec);
				errno = ENOMEM;
				nh_err_set(err, "out of memory for %u records", cap);
				goto out;
			}
			r->recs = grown;
		}
		r->recs[r->count++] = rec;
		if (add_record(r, r->count - 1, path, line, err) < 0)
			goto out;
	}
	rc = 0;
out:
	free(text);
	return rc;
}

const char *nh_results_warning(const nh_results_t *r) { return r->warning[0] ? r->warning : NULL; }

nh_results_t *nh_results_load(const char *dir, nh_err_t *err)
{
	struct stat st;
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			nh_err_set(err, "%s: no such directory", dir);
		else
			nh_err_set(err, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		nh_err_set(err, "%s: not a directory", dir);
		return NULL;
	}
	char path[PATH_LEN];
	snprintf(path, sizeof path, "%s/runs.jsonl", dir);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			nh_err_set(err, "%s: not a results directory (no runs.jsonl)", dir);
		else
			nh_err_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	nh_results_t *r = calloc(1, sizeof *r);
	if (!r) {
		nh_err_set(err, "out of memory");
		return NULL;
	}
	snprintf(r->dir, sizeof r->dir, "%s", dir);
	/* Trailing slashes would show in every path and message built from the directory. */
	for (size_t n = strlen(r->dir); n > 1 && r->dir[n - 1] == '/';)
		r->dir[--n] = '\0';
	if (load_manifest(r, err) < 0 || load_runs(r, err) < 0) {
		nh_results_free(r);
		return NULL;
	}
	return r;
}

void nh_results_free(nh_results_t *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->count; i++)
		json_decref(r->recs[i]);
	for (unsigned i = 0; i < r->config_count; i++)
		free(r->configs[i].runs);
	free(r->configs);
	free(r->recs);
	json_decref(r->manifest);
	free(r);
}

const char *nh_results_dir(const nh_results_t *r) { return r->dir; }
/* The views are the loaded JSON itself (record_view.c reads them). */
const nh_mv_t *nh_results_manifest(const nh_results_t *r) { return (const nh_mv_t *)r->manifest; }
unsigned nh_results_count(const nh_results_t *r) { return r->count; }
const nh_rv_t *nh_results_record(const nh_results_t *r, unsigned i)
{
	return i < r->count ? (const nh_rv_t *)r->recs[i] : NULL;
}

const nh_rv_t *nh_results_config_run(const nh_results_t *r, const nh_results_config_t *c,
				     unsigned k)
{
	return k < c->run_count ? nh_results_record(r, c->runs[k]) : NULL;
}
unsigned nh_results_config_count(const nh_results_t *r) { return r->config_count; }

const nh_results_config_t *nh_results_config(const nh_results_t *r, unsigned i)
{
	return i < r->config_count ? &r->configs[i] : NULL;
}

const nh_results_config_t *nh_results_find(const nh_results_t *r, const char *key)
{
	return find_config((nh_results_t *)r, key);
}

unsigned nh_results_values(const nh_results_t *r, const nh_results_config_t *c, const char *metric,
			   double *out, unsigned max, const char **unit, int *better)
{
	unsigned n = 0;
	bool described = false;
	if (unit)
		*unit = NULL;
	if (better)
		*better = 0;
	for (unsigned i = 0; i < c->run_count; i++) {
		const nh_rv_t *rec = nh_results_config_run(r, c, i);
		nh_rv_metric_t m = nh_rv_metric(rec, metric);
		if (!m.present)
			continue;
		if (!described) {
			described = true;
			if (unit)
				*unit = m.unit.s;
			if (better)
				*better = m.better;
		}
		nh_str_t outcome = nh_rv_outcome(rec);
		/* null is "could not be measured": leave it out rather than count it as 0 */
		if (!outcome.present || strcmp(outcome.s, "ok") != 0 || !m.value.present)
			continue;
		if (isfinite(m.value.v) && n < max)
			out[n++] = m.value.v;
	}
	return n;
}

unsigned nh_results_metric_names(const nh_results_t *r, const nh_results_config_t *c,
				 const char **names, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; i < c->run_count && n < max; i++) {
		nh_rv_iter_t it = NH_RV_ITER_INIT;
		nh_rv_metric_t m;
		while (nh_rv_metric_next(nh_results_config_run(r, c, i), &it, &m)) {
			bool seen = false;
			for (unsigned k = 0; k < n && !seen; k++)
				seen = strcmp(names[k], m.name) == 0;
			if (!seen && n < max)
				names[n++] = m.name;
		}
	}
	return n;
}
