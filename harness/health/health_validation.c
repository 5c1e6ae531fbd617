/* SPDX-License-Identifier: MIT */
/* health_validation: the node's last full validation, from the record nh-burnin's judge writes
 * (DIR/<node>.validation). Shared storage that is down must not drain a cluster: a directory that
 * cannot be read, or does not answer in time (a hung NFS mount), makes the check UNKNOWN; only a
 * record that is missing from a readable directory, damaged, not PASS or too old fails it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "health.h"
#include "health_internal.h"

static const char *const verdicts[] = {"PASS", "FAIL", "OUTLIER", "UNSTABLE", "ERROR", NULL};

int nh_health_record_parse(const char *text, const char *name, nh_health_record_t *rec,
			   nh_err_t *err)
{
	memset(rec, 0, sizeof *rec);
	unsigned no = 0;
	bool have_verdict = false, have_time = false;
	errno = EINVAL;
	for (const char *line = text; line && *line; line = nh_next_line(line)) {
		no++;
		size_t len = strcspn(line, "\n");
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		const char *eq = memchr(line, '=', len);
		if (!eq || eq == line)
			return nh_err_set(err, "%s:%u: '%.*s' is not key=value", name, no,
					  (int)(len > 80 ? 80 : len), line);
		size_t klen = (size_t)(eq - line), vlen = len - klen - 1;
		const char *value = eq + 1;
		if (klen == 7 && strncmp(line, "verdict", 7) == 0) {
			bool known = false;
			for (const char *const *v = verdicts; *v && !known; v++)
				known = strlen(*v) == vlen && strncmp(*v, value, vlen) == 0;
			if (!known)
				return nh_err_set(err, "%s:%u: verdict '%.*s' is not PASS, FAIL, OUTLIER, "
						  "UNSTABLE or ERROR", name, no,
						  (int)(vlen > 40 ? 40 : vlen), value);
			snprintf(rec->verdict, sizeof rec->verdict, "%.*s", (int)vlen, value);
			have_verdict = true;
		} else if (klen == 4 && strncmp(line, "time", 4) == 0) {
			char num[24];
			uint64_t t;
			if (vlen == 0 || vlen >= sizeof num)
				return nh_err_set(err, "%s:%u: time '%.*s' is not unix seconds", name,
						  no, (int)(vlen > 40 ? 40 : vlen), value);
			memcpy(num, value, vlen);
			num[vlen] = '\0';
			if (nh_parse_uint(num, 0, INT64_MAX, &t, NULL) < 0)
				return nh_err_set(err, "%s:%u: time '%s' is not unix seconds", name, no,
						  num);
			rec->time = (int64_t)t;
			have_time = true;
		} else if (klen == 7 && strncmp(line, "summary", 7) == 0) {
			nh_format_cut(rec->summary, sizeof rec->summary, "%.*s", (int)vlen, value);
			nh_health_printable(rec->summary); /* it ends up in a drain reason */
		} else if (klen == 7 && strncmp(line, "results", 7) == 0) {
			nh_format_cut(rec->results, sizeof rec->results, "%.*s", (int)vlen, value);
		}
	}
	if (!have_verdict)
		return nh_err_set(err, "%s:%u: no verdict= line", name, no);
	if (!have_time)
		return nh_err_set(err, "%s:%u: no time= line", name, no);
	errno = 0;
	return 0;
}

/* The reads that may hang on shared storage, on a thread of their own: the caller waits a
 * bounded time and, if it gives up, leaves the probe to the thread (the last one frees it). */
struct probe {
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	bool done;
	int refs;
	char dir[PATH_MAX], file[PATH_MAX + 80];
	int dir_errno, file_errno;
	char *text;
};

static void probe_release(struct probe *p)
{
	pthread_mutex_lock(&p->lock);
	bool last = --p->refs == 0;
	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->done_cv);
	free(p->text);
	free(p);
}

static void *probe_main(void *arg)
{
	struct probe *p = arg;
	int fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		p->dir_errno = errno;
	} else {
		close(fd);
		p->text = nh_read_file(p->file, NULL, NULL);
		if (!p->text)
			p->file_errno = errno;
	}
	pthread_mutex_lock(&p->lock);
	p->done = true;
	pthread_cond_signal(&p->done_cv);
	pthread_mutex_unlock(&p->lock);
	probe_release(p);
	return NULL;
}

/* Start the probe and wait up to \p timeout_s. Returns it done (the caller releases it), or
 * NULL with \p why when it did not answer or could not start. */
static struct probe *probe_run(const char *dir, const char *node, double timeout_s, char *why,
			       size_t len)
{
	struct probe *p = calloc(1, sizeof *p);
	if (!p) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	snprintf(p->dir, sizeof p->dir, "%s", dir);
	snprintf(p->file, sizeof p->file, "%s/%s.validation", dir, node);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->done_cv, &ca);
	pthread_condattr_destroy(&ca);
	p->refs = 2;
	pthread_t th;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int rc = pthread_create(&th, &attr, probe_main, p);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		snprintf(why, len, "cannot start a thread: %s", strerror(rc));
		p->refs = 1;
		probe_release(p);
		return NULL;
	}
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	long long ns = (long long)(timeout_s * 1e9) + until.tv_nsec;
	until.tv_sec += (time_t)(ns / 1000000000);
	until.tv_nsec = (long)(ns % 1000000000);
	pthread_mutex_lock(&p->lock);
	while (!p->done && pthread_cond_timedwait(&p->done_cv, &p->lock, &until) != ETIMEDOUT)
		;
	bool done = p->done;
	pthread_mutex_unlock(&p->lock);
	if (!done) {
		snprintf(why, len, "%s did not answer in %g s (shared storage down?)", dir, timeout_s);
		probe_release(p);
		return NULL;
	}
	return p;
}

static const struct {
	char unit;
	int64_t seconds;
	const char *word;
} age_units[] = {{'d', 86400, "day"}, {'h', 3600, "hour"}, {'m', 60, "minute"}, {'s', 1, "second"}};

/* "31 days", "30 days 4 hours", "13 hours": in \p unit (a max age's: 'd', 'h', 'm', 's'; 0: the
 * largest that fits) and the next smaller one. */
static void format_age(char *buf, size_t len, int64_t age, char unit)
{
	size_t u = 0;
	if (unit)
		while (u + 1 < NH_ARRAY_LEN(age_units) && age_units[u].unit != unit)
			u++;
	else
		while (u + 1 < NH_ARRAY_LEN(age_units) && age < age_units[u].seconds)
			u++;
	int64_t main = age / age_units[u].seconds, rest = age % age_units[u].seconds;
	int n = snprintf(buf, len, "%lld %s%s", (long long)main, age_units[u].word,
			 main == 1 ? "" : "s");
	if (u + 1 < NH_ARRAY_LEN(age_units) && n >= 0 && (size_t)n < len) {
		int64_t sub = rest / age_units[u + 1].seconds;
		if (sub)
			snprintf(buf + n, len - (size_t)n, " %lld %s%s", (long long)sub,
				 age_units[u + 1].word, sub == 1 ? "" : "s");
	}
}

void nh_health_check_validation(const nh_health_entry_t *e, const char *node,
				const nh_health_env_t *env, nh_health_check_t *c)
{
	const char *dir = e->v[NH_HK_VALIDATION].text;
	char why[PATH_MAX + 100];
	double timeout = env->storage_timeout_s > 0 ? env->storage_timeout_s
						    : NH_HEALTH_STORAGE_TIMEOUT_S;
	struct probe *p = probe_run(dir, node, timeout, why, sizeof why);
	if (!p) {
		nh_health_set(c, NH_HEALTH_UNKNOWN, "%s", why);
		return;
	}
	if (p->dir_errno)
		nh_health_set(c, NH_HEALTH_UNKNOWN, "cannot read %s: %s", dir,
			      strerror(p->dir_errno));
	else if (p->file_errno == ENOENT)
		nh_health_set(c, NH_HEALTH_FAIL, "never validated (%s)", p->file);
	else if (p->file_errno)
		nh_health_set(c, NH_HEALTH_UNKNOWN, "cannot read %s: %s", p->file,
			      strerror(p->file_errno));
	if (p->dir_errno || p->file_errno) {
		probe_release(p);
		return;
	}
	nh_health_record_t rec;
	nh_err_t err;
	if (nh_health_record_parse(p->text, p->file, &rec, &err) < 0) {
		nh_health_set(c, NH_HEALTH_FAIL, "damaged record: %s", err.msg);
		probe_release(p);
		return;
	}
	probe_release(p);
	char date[16] = "?";
	time_t t = (time_t)rec.time;
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	const nh_health_value_t *max = &e->v[NH_HK_VALIDATION_MAX_AGE];
	int64_t age = env->now > rec.time ? env->now - rec.time : 0;
	char age_text[64];
	format_age(age_text, sizeof age_text, age, max->set ? max->text[strlen(max->text) - 1] : 0);
	if (strcmp(rec.verdict, "UNSTABLE") == 0) /* "rerun me", not "broken": the judge drains
						   * nothing for it, neither does this */
		nh_health_set(c, NH_HEALTH_UNKNOWN, "last validation UNSTABLE (%s)%s%s: rerun it", date,
			      rec.summary[0] ? ": " : "", rec.summary);
	else if (strcmp(rec.verdict, "PASS") != 0)
		nh_health_set(c, NH_HEALTH_FAIL, "last validation %s (%s)%s%s", rec.verdict, date,
			      rec.summary[0] ? ": " : "", rec.summary);
	else if (max->set && (uint64_t)age > max->num)
		nh_health_set(c, NH_HEALTH_FAIL, "last validation %s old, max %s", age_text,
			      max->text);
	else if (max->set)
		nh_health_set(c, NH_HEALTH_PASS, "PASS on %s, %s old (max %s)", date, age_text,
			      max->text);
	else
		nh_health_set(c, NH_HEALTH_PASS, "PASS on %s, %s old", date, age_text);
}
