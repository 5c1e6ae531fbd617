/* SPDX-License-Identifier: MIT */
/* store: one results directory per sweep. The manifest is rewritten atomically; runs.jsonl and
 * metrics.csv grow by one fsynced append per run, so a killed sweep keeps every finished run. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


struct nh_store {
	char dir[PATH_MAX];
	char run_id[256]; /* the directory's base name, first column of metrics.csv */
	int runs_fd, csv_fd;
	json_t *manifest;
	unsigned counts[NH_OUTCOME_SKIPPED + 1];
};

/* dir/name into p[PATH_MAX]; a cut path would name another file. */
static int join_path(char *p, const char *dir, const char *name, nh_err_t *err)
{
	int n = snprintf(p, PATH_MAX, "%s/%s", dir, name);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "%s: path too long (%zu bytes, at most %d) under %.256s...", name,
				  strlen(dir) + 1 + strlen(name), PATH_MAX - 1, dir);
	}
	return 0;
}

/* 1 when dir/name exists, 0 when not, -1 when the path is too long. */
static int path_exists(const char *dir, const char *name, nh_err_t *err)
{
	char p[PATH_MAX];
	if (join_path(p, dir, name, err) < 0)
		return -1;
	return access(p, F_OK) == 0;
}

static int open_new(const nh_store_t *s, const char *name, nh_err_t *err)
{
	char p[PATH_MAX];
	if (join_path(p, s->dir, name, err) < 0)
		return -1;
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		nh_err_set(err, "cannot create %s: %s", p, strerror(errno));
	return fd;
}

/* SHA-256 of the scenario file, so a report can prove which scenario produced it. */
static json_t *file_sha256(const char *path)
{
	size_t len;
	char *text = path ? nh_read_file(path, &len, NULL) : NULL;
	if (!text)
		return json_null();
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char hex[2 * SHA256_DIGEST_SIZE + 1];
	sha256_init(&ctx);
	sha256_update(&ctx, len, (const uint8_t *)text);
	sha256_digest(&ctx, sizeof digest, digest);
	for (size_t i = 0; i < sizeof digest; i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
	free(text);
	return json_string(hex);
}

/* A parameter value as JSON of its type: 2, 1.3, true, "190G". */
static json_t *param_json(const char *type, const char *text)
{
	if (strcmp(type, "boolean") == 0)
		return json_boolean(strcmp(text, "true") == 0);
	if (strcmp(type, "number") == 0) {
		char *end;
		errno = 0;
		long long i = strtoll(text, &end, 10);
		if (!*end && end != text && errno == 0)
			return json_integer(i);
		double d = strtod(text, &end);
		if (!*end && end != text)
			return json_real(d);
	}
	return json_string(text);
}

/* scenario.parameters: {name: {value, default, set, help}} in declaration order. */
static json_t *params_json(const nh_manifest_info_t *info)
{
	json_t *o = json_object();
	for (unsigned i = 0; o && i < info->param_count; i++) {
		const nh_manifest_param_t *p = &info->params[i];
		json_object_set_new(o, p->name,
				    json_pack("{s:o, s:o, s:b, s:s}", "value",
					      param_json(p->type, p->value), "default",
					      param_json(p->type, p->def), "set", p->set, "help",
					      p->help));
	}
	return o;
}

static int write_manifest(nh_store_t *s, nh_err_t *err)
{
	char path[PATH_MAX];
	if (join_path(path, s->dir, "manifest.json", err) < 0)
		return -1;
	char *text = json_dumps(s->manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		return nh_err_set(err, "cannot encode manifest.json");
	size_t len = strlen(text);
	char *withnl = realloc(text, len + 2);
	if (!withnl) {
		free(text);
		return nh_err_set(err, "out of memory");
	}
	withnl[len] = '\n';
	withnl[len + 1] = '\0';
	int rc = nh_write_file_atomic(path, withnl, len + 1, err);
	free(withnl);
	return rc;
}

static int choose_dir(nh_store_t *s, const char *out_dir, const char *root, const char *name,
		      nh_err_t *err)
{
	if (out_dir) {
		if (snprintf(s->dir, sizeof s->dir, "%s", out_dir) >= (int)sizeof s->dir) {
			errno = ENAMETOOLONG;
			return nh_err_set(err, "output directory: path too long (%zu bytes, at most %zu): "
					  "%.256s...", strlen(out_dir), sizeof s->dir - 1, out_dir);
		}
		if (nh_mkdir_p(s->dir, err) < 0)
			return nh_err_prefix(err, "output directory");
		int manifest = path_exists(s->dir, "manifest.json", err);
		int runs = manifest < 0 ? -1 : path_exists(s->dir, "runs.jsonl", err);
		if (manifest < 0 || runs < 0)
			return nh_err_prefix(err, "output directory");
		if (manifest || runs) {
			errno = EEXIST;
			return nh_err_set(err, "output directory %s already holds results; choose a new one",
					  s->dir);
		}
		return 0;
	}
	if (nh_mkdir_p(root, err) < 0)
		return nh_err_prefix(err, "results directory");
	char stamp[32];
	nh_utc_stamp(stamp, sizeof stamp, false);
	for (int n = 1; n < 1000; n++) {
		int len = n == 1 ? snprintf(s->dir, sizeof s->dir, "%s/%s-%s", root, name, stamp)
				 : snprintf(s->dir, sizeof s->dir, "%s/%s-%s-%d", root, name, stamp, n);
		if (len < 0 || len >= (int)sizeof s->dir) {
			errno = ENAMETOOLONG;
			return nh_err_set(err, "results directory for %.128s: path too long (at most %zu "
					  "bytes) under %.256s...", name, sizeof s->dir - 1, root);
		}
		if (mkdir(s->dir, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return nh_err_set(err, "cannot create %s: %s", s->dir, strerror(errno));
	}
	errno = EEXIST;
	return nh_err_set(err, "cannot find a free directory name under %s", root);
}

nh_store_t *nh_store_create(const char *out_dir, const char *results_root, json_t *host,
			    const nh_manifest_info_t *info, nh_err_t *err)
{
	nh_store_t *s = calloc(1, sizeof *s);
	if (!s) {
		nh_err_set(err, "out of memory");
		return NULL;
	}
	s->runs_fd = s->csv_fd = -1;
	const char *name = info->scenario_name && *info->scenario_name ? info->scenario_name : "run";
	if (choose_dir(s, out_dir, results_root ? results_root : "results", name, err) < 0)
		goto fail;
	const char *base = strrchr(s->dir, '/');
	base = base ? base + 1 : s->dir;
	/* mkdir took it, so it fits (NAME_MAX); checked all the same: it names every CSV row. */
	if (snprintf(s->run_id, sizeof s->run_id, "%s", base) >= (int)sizeof s->run_id) {
		errno = ENAMETOOLONG;
		nh_err_set(err, "results directory name too long for a run id (at most %zu bytes): "
			   "%.256s...", sizeof s->run_id - 1, base);
		goto fail;
	}

	char started[32];
	nh_utc_stamp(started, sizeof started, true);
	s->manifest = json_object();
	json_object_set_new(s->manifest, "schema_version", json_integer(1));
	json_object_set_new(s->manifest, "tool", json_string("numaharness"));
	json_object_set_new(s->manifest, "tool_version", json_string(NH_VERSION));
	json_object_set_new(s->manifest, "command", json_string(info->command_line ? info->command_line : ""));
	json_t *sc = json_object();
	json_object_set_new(sc, "name", json_string(name));
	json_object_set_new(sc, "path", info->scenario_path ? json_string(info->scenario_path) : json_null());
	json_object_set_new(sc, "sha256", file_sha256(info->scenario_path));
	if (info->scenario_path)
		json_object_set_new(sc, "parameters", params_json(info));
	json_object_set_new(s->manifest, "scenario", sc);
	json_object_set_new(s->manifest, "status", json_string("running"));
	json_object_set_new(s->manifest, "started_at", json_string(started));
	json_object_set_new(s->manifest, "planned_runs", json_integer(info->planned_runs));
	json_object_set(s->manifest, "host", host ? host : json_null());
	if (write_manifest(s, err) < 0)
		goto fail;

	if ((s->runs_fd = open_new(s, "runs.jsonl", err)) < 0 || (s->csv_fd = open_new(s, "metrics.csv", err)) < 0)
		goto fail;
	const char *hdr = info->csv_header ? info->csv_header : "";
	if (nh_append_fsync(s->csv_fd, hdr, strlen(hdr), err) < 0)
		goto fail;
	return s;
fail:
	nh_store_free(s);
	return NULL;
}

int nh_store_append(nh_store_t *s, const char *json_line, const char *csv_rows,
		    enum nh_outcome outcome, unsigned run_number, nh_err_t *err)
{
	size_t len = strlen(json_line);
	char *line = malloc(len + 1);
	int rc = -1;
	if (!line) {
		nh_err_set(err, "out of memory storing run %u", run_number);
		return -1;
	}
	memcpy(line, json_line, len);
	line[len] = '\n'; /* in place of the NUL: the record goes out as one write */
	/* Where both files end now: a failed append (full disk, file size limit) is cut back to
	 * here, so neither file ends in a partial line and they keep the same records. */
	off_t runs_end = lseek(s->runs_fd, 0, SEEK_END), csv_end = lseek(s->csv_fd, 0, SEEK_END);
	if (nh_append_fsync(s->runs_fd, line, len + 1, err) < 0 ||
	    nh_append_fsync(s->csv_fd, csv_rows, strlen(csv_rows), err) < 0) {
		int saved = errno;
		bool cut = runs_end >= 0 && csv_end >= 0 && ftruncate(s->runs_fd, runs_end) == 0 &&
			   ftruncate(s->csv_fd, csv_end) == 0 && fsync(s->runs_fd) == 0 && fsync(s->csv_fd) == 0;
		nh_err_prefix(err, "%s", s->dir);
		size_t used = strlen(err->msg);
		snprintf(err->msg + used, sizeof err->msg - used,
			 cut ? "; runs.jsonl and metrics.csv cut back to the last complete record (run %u "
			       "not stored)"
			     : "; runs.jsonl may end in a partial line (cutting it back failed; readers skip "
			       "it, run %u not stored)",
			 run_number);
		errno = saved;
		goto out;
	}
	if (outcome <= NH_OUTCOME_SKIPPED)
		s->counts[outcome]++;
	rc = 0;
out:
	free(line);
	return rc;
}

int nh_store_finish(nh_store_t *s, enum nh_store_end end, nh_err_t *err)
{
	static const char *const names[] = {"complete", "interrupted", "stopped"};
	return nh_store_finish_as(s, names[end <= NH_STORE_STOPPED ? end : 0], err);
}

int nh_store_finish_as(nh_store_t *s, const char *status, nh_err_t *err)
{
	char finished[32];
	nh_utc_stamp(finished, sizeof finished, true);
	json_object_set_new(s->manifest, "status", json_string(status));
	json_object_set_new(s->manifest, "finished_at", json_string(finished));
	json_t *counts = json_object();
	for (unsigned o = 0; o <= NH_OUTCOME_SKIPPED; o++)
		json_object_set_new(counts, nh_outcome_name(o), json_integer(s->counts[o]));
	json_object_set_new(s->manifest, "outcomes", counts);
	return write_manifest(s, err);
}

void nh_store_set(nh_store_t *s, const char *key, json_t *value)
{
	if (value)
		json_object_set_new(s->manifest, key, value);
}

const char *nh_store_dir(const nh_store_t *s) { return s->dir; }
const char *nh_store_run_id(const nh_store_t *s) { return s->run_id; }

void nh_store_free(nh_store_t *s)
{
	if (!s)
		return;
	if (s->runs_fd >= 0)
		close(s->runs_fd);
	if (s->csv_fd >= 0)
		close(s->csv_fd);
	json_decref(s->manifest);
	free(s);
}

const char *nh_outcome_name(enum nh_outcome o)
{
	static const char *const names[] = {"ok", "failed", "timeout", "crashed", "oom-killed", "skipped"};
	return o < NH_ARRAY_LEN(names) ? names[o] : "?";
}
