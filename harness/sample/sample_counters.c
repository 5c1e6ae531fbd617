/* SPDX-License-Identifier: MIT */
/* sample_counters: the sampler — event sets encoded by libpfm4 and counted with perf_event_open for
 * this process and the threads it creates (a counter that cannot count is kept with the reason
 * why), read, derived and encoded. The formulas, the event-set files and specs, and the listing
 * are in sample_counters_formula.c, sample_counters_events.c and sample_counters_list.c. */
#include "sample_counters.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sample_counters_internal.h"
#include "sampler.h"

/* ---- libpfm4 and the host ---- */

static int pfm_rc = PFM_ERR_NOINIT;
static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;

static void pfm_init_once(void) { pfm_rc = pfm_initialize(); }

int nh_counters_pfm_init(void)
{
	pthread_once(&pfm_once, pfm_init_once);
	return pfm_rc;
}

bool nh_counters_pmu_info(pfm_pmu_t pmu, pfm_pmu_info_t *info)
{
	memset(info, 0, sizeof *info);
	info->size = sizeof *info;
	return pfm_get_pmu_info(pmu, info) == PFM_SUCCESS && info->is_present;
}

/* The PMUs libpfm4 detected, uncore ones left out (they cannot count one process): "spr, perf,
 * perf_raw". */
void nh_counters_host_pmus(char *buf, size_t len)
{
	size_t used = 0;
	pfm_pmu_info_t info;
	buf[0] = '\0';
	if (nh_counters_pfm_init() != PFM_SUCCESS) {
		snprintf(buf, len, "none: libpfm4 cannot initialise");
		return;
	}
	pfm_pmu_t pmu;
	pfm_for_all_pmus (pmu) {
		if (!nh_counters_pmu_info(pmu, &info) || info.type == PFM_PMU_TYPE_UNCORE || used >= len)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 info.name);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

static bool pmu_present(const char *name)
{
	pfm_pmu_info_t info;
	pfm_pmu_t pmu;
	if (nh_counters_pfm_init() != PFM_SUCCESS)
		return false;
	pfm_for_all_pmus (pmu) {
		if (nh_counters_pmu_info(pmu, &info) && strcmp(info.name, name) == 0)
			return true;
	}
	return false;
}

static const struct ev_variant *choose_variant(const struct ev_set *s)
{
	const struct ev_variant *generic = NULL;
	for (unsigned i = 0; i < s->nvariants; i++) {
		const struct ev_variant *v = &s->variants[i];
		if (v->generic) {
			if (!generic)
				generic = v;
			continue;
		}
		for (unsigned j = 0; j < v->npmus; j++)
			if (pmu_present(v->pmus[j]))
				return v;
	}
	return generic;
}

static int sys_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group_fd,
			       unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, cpu, group_fd, flags);
}

static nh_perf_open_fn perf_open = sys_perf_event_open;
static int paranoid_override = INT_MIN;

void nh_counters_set_test_hooks(nh_perf_open_fn open_fn, int paranoid)
{
	perf_open = open_fn ? open_fn : sys_perf_event_open;
	paranoid_override = paranoid;
}

int nh_counters_read_paranoid(void)
{
	char line[32];
	if (paranoid_override != INT_MIN)
		return paranoid_override;
	if (nh_read_line("/proc/sys/kernel/perf_event_paranoid", line, sizeof line) < 0)
		return INT_MIN;
	char *end;
	long v = strtol(line, &end, 10);
	return end == line || v < INT_MIN + 1 || v > INT_MAX ? INT_MIN : (int)v;
}

/* ---- opening ---- */


static bool is_hardware(const struct perf_event_attr *a)
{
	return a->type == PERF_TYPE_HARDWARE || a->type == PERF_TYPE_HW_CACHE ||
	       a->type == PERF_TYPE_RAW || a->type >= PERF_TYPE_MAX;
}

/* Whether this process can use a hardware PMU at all: one user-mode cycles counter, opened and
 * closed. A VM without PMU passthrough answers ENOENT (or EOPNOTSUPP, ENODEV). */
static bool has_hw_pmu(nh_counters_t *c)
{
	if (c->has_pmu < 0) {
		struct perf_event_attr a;
		memset(&a, 0, sizeof a);
		a.size = sizeof a;
		a.type = PERF_TYPE_HARDWARE;
		a.config = PERF_COUNT_HW_CPU_CYCLES;
		a.disabled = 1;
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		int fd = perf_open(&a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd >= 0)
			close(fd);
		c->has_pmu = fd >= 0 || (errno != ENOENT && errno != EOPNOTSUPP && errno != ENODEV);
	}
	return c->has_pmu;
}

static void set_reason(struct counter *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct counter *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->r.reason, sizeof k->r.reason, fmt, ap);
	va_end(ap);
	k->r.available = false;
}

const char *nh_counters_paranoid_text(int p, char *buf, size_t len)
{
	if (p == INT_MIN)
		snprintf(buf, len, "?");
	else
		snprintf(buf, len, "%d", p);
	return buf;
}

/* Why perf_event_open failed with e for an event encoded as a. */
static void open_reason(nh_counters_t *c, struct counter *k, const struct perf_event_attr *a, int e)
{
	char p[16];
	nh_counters_paranoid_text(c->paranoid, p, sizeof p);
	if (e == EACCES || e == EPERM) {
		if (c->paranoid != INT_MIN &&
		    (c->paranoid <= 1 || (c->paranoid == 2 && a->exclude_kernel)))
			set_reason(k,
				   "not permitted: perf_event_open denied although "
				   "perf_event_paranoid=%s (seccomp or a security module?)",
				   p);
		else if (!a->exclude_kernel)
			set_reason(
				k,
				"not permitted: perf_event_paranoid=%s (needs <= 1 to count kernel "
				"mode, or CAP_PERFMON)",
				p);
		else
			set_reason(
				k,
				"not permitted: perf_event_paranoid=%s (needs <= 2 to count user "
				"mode, or CAP_PERFMON)",
				p);
	} else if ((e == ENOENT || e == EOPNOTSUPP || e == ENODEV) && is_hardware(a)) {
		if (!has_hw_pmu(c))
			set_reason(k, "no hardware PMU available to this process (virtual machine "
				      "without PMU passthrough?)");
		else
			set_reason(k, "not supported by this host's PMU or kernel (%s)",
				   strerror(e));
	} else if (e == ENOENT || e == EOPNOTSUPP || e == ENODEV) {
		set_reason(k, "not supported by this kernel (%s)", strerror(e));
	} else {
		set_reason(k, "perf_event_open: %s", strerror(e));
	}
}

/* The event alone when the group cannot take it (full, or another PMU). */
static int open_in_group(struct perf_event_attr *a, int group_fd)
{
	int fd = perf_open(a, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0 && group_fd >= 0)
		fd = perf_open(a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd;
}

/* Encode and open k's event, joining *leader's group (or leading it). */
static void open_counter(nh_counters_t *c, struct counter *k, bool kernel_only, int *leader)
{
	struct perf_event_attr a;
	pfm_perf_encode_arg_t arg;
	memset(&a, 0, sizeof a);
	memset(&arg, 0, sizeof arg);
	arg.attr = &a;
	arg.size = sizeof arg;
	int rc = nh_counters_pfm_init();
	if (rc != PFM_SUCCESS) {
		set_reason(k, "libpfm4 cannot initialise: %s", pfm_strerror(rc));
		return;
	}
	/* User and kernel mode: a memory benchmark's page faults and migrations are kernel work. */
	rc = pfm_get_os_event_encoding(k->r.event, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT,
				       &arg);
	if (rc == PFM_ERR_NOTFOUND) {
		set_reason(k, "unknown event on this host's PMUs (libpfm4 detected: %s)", c->pmus);
		return;
	}
	if (rc != PFM_SUCCESS) {
		set_reason(k, "libpfm4: %s (libpfm4 detected: %s)", pfm_strerror(rc), c->pmus);
		return;
	}
	pfm_event_info_t ev;
	pfm_pmu_info_t pmu;
	memset(&ev, 0, sizeof ev);
	ev.size = sizeof ev;
	if (pfm_get_event_info(arg.idx, PFM_OS_PERF_EVENT_EXT, &ev) == PFM_SUCCESS &&
	    nh_counters_pmu_info(ev.pmu, &pmu) && pmu.type == PFM_PMU_TYPE_UNCORE) {
		set_reason(k, "uncore event: counts a whole socket, not one process");
		return;
	}
	a.size = sizeof a;
	a.inherit = 1; /* threads and processes created after the open count too */
	/* Read one by one: PERF_FORMAT_GROUP does not go with inherit on many kernels. */
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	a.disabled = 0;
	/* Only hardware events are grouped: it is counters they share. Software events always
	 * count, and in a group led by task-clock (Linux 6.x) the others get only part of the time.
	 */
	int group = is_hardware(&a) ? *leader : -1;
	int fd = open_in_group(&a, group);
	/* perf_event_paranoid=2 without CAP_PERFMON allows user mode only: count that, and say so,
	 * as perf stat does; but kernel-only events would read 0, which must never pass for a
	 * count. */
	if (fd < 0 && (errno == EACCES || errno == EPERM) && !kernel_only &&
	    (c->paranoid >= 2 || c->paranoid == INT_MIN)) {
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		fd = open_in_group(&a, group);
		k->r.user_only = fd >= 0;
	}
	if (fd < 0) {
		open_reason(c, k, &a, errno);
		return;
	}
	k->fd = fd;
	k->r.available = true;
	if (*leader < 0 && is_hardware(&a))
		*leader = fd;
}

static struct counter *add_counter(nh_counters_t *c, const char *name, const char *event)
{
	struct counter *k = &c->ctr[c->n++];
	memset(k, 0, sizeof *k);
	k->fd = -1;
	snprintf(k->r.name, sizeof k->r.name, "%s", name);
	snprintf(k->r.event, sizeof k->r.event, "%s", event);
	return k;
}

/* The "missing" text of a set with {pmus} replaced; a long PMU list is cut, visibly. */
static void missing_reason(const nh_counters_t *c, const struct ev_set *s, char *buf, size_t len)
{
	if (!s->missing[0]) {
		nh_format_cut(buf, len,
			      "no variant of set '%s' for this host's PMUs (libpfm4 detected: %s)",
			      s->name, c->pmus);
		return;
	}
	const char *at = strstr(s->missing, "{pmus}");
	if (!at)
		nh_format_cut(buf, len, "%s", s->missing);
	else
		nh_format_cut(buf, len, "%.*s%s%s", (int)(at - s->missing), s->missing, c->pmus,
			      at + strlen("{pmus}"));
}

static void add_set(nh_counters_t *c, const struct ev_set *s)
{
	struct open_set *os = &c->sets[c->nsets++];
	os->def = s;
	os->var = choose_variant(s);
	os->first = c->n;
	if (!os->var) {
		struct counter *k = add_counter(c, s->name, "");
		missing_reason(c, s, k->r.reason, sizeof k->r.reason);
		return;
	}
	int leader = -1;
	for (unsigned i = 0; i < os->var->nmembers; i++) {
		const struct ev_member *m = &os->var->members[i];
		char name[sizeof c->ctr[0].r.name];
		snprintf(name, sizeof name, "%s.%s", s->name, m->name);
		open_counter(c, add_counter(c, name, m->event), m->kernel, &leader);
	}
}

nh_counters_t *nh_counters_open(const char *spec, nh_err_t *err)
{
	struct spec sp;
	if (nh_counters_parse_spec(spec, &sp, err) < 0)
		return NULL;
	nh_counters_t *c = calloc(1, sizeof *c);
	if (!c) {
		nh_err_set(err, "counters: %s", strerror(errno));
		return NULL;
	}
	c->has_pmu = -1;
	c->paranoid = nh_counters_read_paranoid();
	nh_counters_host_pmus(c->pmus, sizeof c->pmus);
	for (unsigned i = 0; i < sp.n; i++) {
		if (sp.items[i].set) {
			add_set(c, sp.items[i].set);
		} else {
			int leader = -1; /* an event of its own: no group */
			struct counter *k = add_counter(c, sp.items[i].event, sp.items[i].event);
			open_counter(c, k, false, &leader);
		}
	}
	return c;
}

/* ---- reading ---- */

unsigned nh_counters_read(nh_counters_t *c, nh_counter_t *out, unsigned max)
{
	unsigned n = 0;
	if (!c || !out)
		return 0;
	for (unsigned i = 0; i < c->n && n < max; i++) {
		const struct counter *k = &c->ctr[i];
		nh_counter_t *o = &out[n++];
		*o = k->r;
		if (k->fd < 0)
			continue;
		uint64_t v[3]; /* value, time enabled, time running */
		ssize_t got = read(k->fd, v, sizeof v);
		if (got != (ssize_t)sizeof v) {
			snprintf(o->reason, sizeof o->reason, "read failed: %s",
				 got < 0 ? strerror(errno) : "short read");
			o->available = false;
			continue;
		}
		o->raw = v[0];
		o->time_enabled = v[1];
		o->time_running = v[2];
		if (o->time_running == 0 && o->time_enabled > 0) {
			snprintf(o->reason, sizeof o->reason,
				 "never scheduled: more events than "
				 "counters (multiplexing gave it no time)");
			o->available = false;
			continue;
		}
		o->multiplexed = o->time_running < o->time_enabled;
		o->value = o->multiplexed ? (double)o->raw * ((double)o->time_enabled /
							      (double)o->time_running)
					  : (double)o->raw;
	}
	return n;
}

unsigned nh_counters_derive(const nh_counters_t *c, const nh_counter_t *vals, unsigned n,
			    nh_derived_t *out, unsigned max)
{
	unsigned nd = 0;
	if (!c || !out)
		return 0;
	for (unsigned s = 0; s < c->nsets; s++) {
		const struct open_set *os = &c->sets[s];
		if (!os->var)
			continue;
		const char *names[MEMBER_MAX], *missing[MEMBER_MAX];
		double values[MEMBER_MAX];
		for (unsigned i = 0; i < os->var->nmembers; i++) {
			const char *full = c->ctr[os->first + i].r.name;
			names[i] = os->var->members[i].name;
			missing[i] = "not read";
			values[i] = 0;
			for (unsigned j = 0; vals && j < n; j++) {
				if (strcmp(vals[j].name, full) != 0)
					continue;
				missing[i] = vals[j].available ? NULL : vals[j].reason;
				values[i] = vals[j].value;
				break;
			}
		}
		const struct eval_scope scope = {.names = names,
						 .values = values,
						 .missing = missing,
						 .n = os->var->nmembers,
						 .set = os->def->name};
		for (unsigned m = 0; m < os->var->nmetrics && nd < max; m++) {
			const struct ev_metric *def = &os->var->metrics[m];
			nh_derived_t *d = &out[nd++];
			nh_err_t err;
			memset(d, 0, sizeof *d);
			snprintf(d->name, sizeof d->name, "%s.%s", os->def->name, def->name);
			snprintf(d->unit, sizeof d->unit, "%s", def->unit);
			if (nh_counters_eval_scoped(def->formula, &scope, &d->value, &err) == 0)
				d->available = true;
			else /* a message longer than the reason is cut, visibly */
				nh_format_cut(d->reason, sizeof d->reason, "%s", err.msg);
		}
	}
	return nd;
}

void nh_counters_close(nh_counters_t *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->n; i++)
		if (c->ctr[i].fd >= 0)
			close(c->ctr[i].fd);
	free(c);
}

int nh_counters_settle(unsigned max_threads, double timeout_s)
{
	double deadline = nh_now() + timeout_s;
	for (;;) {
		DIR *d = opendir("/proc/self/task");
		if (!d)
			return -1;
		unsigned n = 0;
		for (struct dirent *e; (e = readdir(d));)
			n += e->d_name[0] != '.';
		closedir(d);
		if (n <= max_threads)
			return 0;
		if (nh_now() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
	}
}

/* ---- encodings ---- */

static json_t *counter_json(const nh_counter_t *v)
{
	json_t *o = v->available
			    ? json_pack("{s:f, s:I, s:I, s:I, s:b, s:s}", "value", v->value, "raw",
					(json_int_t)v->raw, "time_enabled_ns",
					(json_int_t)v->time_enabled, "time_running_ns",
					(json_int_t)v->time_running, "multiplexed", v->multiplexed,
					"scope", v->user_only ? "user" : "user+kernel")
			    : json_pack("{s:s}", "unavailable", v->reason);
	if (o && v->event[0] && json_object_set_new(o, "event", json_string(v->event)) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *nh_counters_json(const nh_counter_t *vals, unsigned n, const nh_derived_t *derived,
			 unsigned nd)
{
	json_t *root = json_object();
	if (!root)
		goto fail;
	for (unsigned i = 0; i < n; i++) {
		json_t *o = counter_json(&vals[i]);
		if (!o || json_object_set_new(root, vals[i].name, o) < 0)
			goto fail;
	}
	for (unsigned i = 0; i < nd; i++) {
		const nh_derived_t *d = &derived[i];
		json_t *o = d->available && isfinite(d->value)
				    ? json_pack("{s:f, s:s}", "value", d->value, "unit", d->unit)
				    : json_pack("{s:s, s:s}", "unavailable",
						d->available ? "not a finite number" : d->reason,
						"unit", d->unit);
		if (!o || json_object_set_new(root, d->name, o) < 0)
			goto fail;
	}
	return root;
fail:
	json_decref(root);
	errno = ENOMEM;
	return NULL;
}

/* ---- the sampler ---- */

struct counters_sampler {
	nh_counters_t *c; /* NULL: counters=none, or the spec could not be opened */
	unsigned columns;
};

/* Opened before the workload starts its threads: inherit makes them count too. */
static void counters_open(void *state, const nh_sampler_env_t *env, nh_samplers_t *all, nh_sampler_report_t *rep)
{
	struct counters_sampler *s = state;
	nh_err_t err;
	(void)all;
	(void)rep;
	if (env->counters && strcmp(env->counters, "none") != 0 && !(s->c = nh_counters_open(env->counters, &err)))
		fprintf(stderr, "nh-worker: counters: %s\n", err.msg);
}

static unsigned counters_columns(void *state, FILE *csv)
{
	struct counters_sampler *s = state;
	nh_counter_t vals[NH_MAX_COUNTERS];
	if (!s->c)
		return 0;
	s->columns = nh_counters_read(s->c, vals, NH_MAX_COUNTERS);
	for (unsigned i = 0; i < s->columns; i++)
		fprintf(csv, ",%s", vals[i].name);
	return s->columns;
}

static void counters_sample(void *state, FILE *csv)
{
	struct counters_sampler *s = state;
	nh_counter_t vals[NH_MAX_COUNTERS];
	if (!s->c)
		return;
	unsigned k = nh_counters_read(s->c, vals, NH_MAX_COUNTERS);
	for (unsigned i = 0; i < s->columns; i++) {
		if (i < k && vals[i].available)
			fprintf(csv, ",%.0f", vals[i].value);
		else
			fputc(',', csv);
	}
}

static void counters_close(void *state, nh_sampler_report_t *rep)
{
	struct counters_sampler *s = state;
	nh_counter_t vals[NH_MAX_COUNTERS];
	nh_derived_t derived[NH_MAX_DERIVED];
	unsigned n = 0, nd = 0;
	if (s->c) {
		(void)nh_counters_settle(1, 0.1); /* exited threads' counts fold in just after join */
		n = nh_counters_read(s->c, vals, NH_MAX_COUNTERS);
		nd = nh_counters_derive(s->c, vals, n, derived, NH_MAX_DERIVED);
		nh_counters_close(s->c);
		s->c = NULL;
	}
	nh_sampler_put(rep, &nh_sampler_counters, nh_counters_json(vals, n, derived, nd));
}

const nh_sampler_t nh_sampler_counters = {
	.name = "counters",
	.state_size = sizeof(struct counters_sampler),
	.open = counters_open,
	.columns = counters_columns,
	.sample = counters_sample,
	.close = counters_close,
};
