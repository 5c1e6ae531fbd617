/* SPDX-License-Identifier: MIT */
/* fleet_host: one host directory read into its summary — who it is and its cohort, the facts
 * drift is judged on, its own checks, and per node the few figures the fleet compares. Its
 * metrics.csv is streamed: only the rows of local triads and latencies are kept, and only until
 * their medians are taken. */
#include "fleet_internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_summary.h"

/* What is measured per node, from which workload's metric under cpunodebind=A membind=B. */
enum kind { K_TRIAD, K_LATENCY, K_KINDS };
static const struct {
	const char *workload, *metric;
} KINDS[K_KINDS] = {
	[K_TRIAD] = {"stream", "triad"},
	[K_LATENCY] = {"chase", "ns_per_load"},
};

/* The ok counted runs of one configuration: kind, CPU node, memory node, parameters. */
typedef struct series {
	enum kind kind;
	unsigned a, b;
	unsigned params; /* index into the host's parameter strings */
	double *v;
	unsigned n, cap;
} series_t;

typedef struct host_reading {
	series_t *s;
	unsigned count, cap;
	fleet_strv_t params; /* the parameter sets met, in order */
	unsigned last_param;
	unsigned not_ok[K_KINDS]; /* runs of the kind that did not end ok */
} host_reading_t;

static void reading_free(host_reading_t *r)
{
	for (unsigned i = 0; i < r->count; i++)
		free(r->s[i].v);
	free(r->s);
	fleet_strv_free(&r->params);
}

/* "cpunodebind=A membind=B" in either order, one node each: the pair, or false. */
static bool node_pair(const char *policy, unsigned *a, unsigned *b)
{
	unsigned x, y;
	int end = 0;
	if (sscanf(policy, "cpunodebind=%u membind=%u%n", &x, &y, &end) == 2 && !policy[end]) {
		*a = x, *b = y;
		return x < NH_FLEET_MAX_NODES && y < NH_FLEET_MAX_NODES;
	}
	end = 0;
	if (sscanf(policy, "membind=%u cpunodebind=%u%n", &y, &x, &end) == 2 && !policy[end]) {
		*a = x, *b = y;
		return x < NH_FLEET_MAX_NODES && y < NH_FLEET_MAX_NODES;
	}
	return false;
}

static int param_index(host_reading_t *r, const char *params, unsigned *out)
{
	if (r->params.n && strcmp(r->params.s[r->last_param], params) == 0) {
		*out = r->last_param; /* rows come a run at a time */
		return 0;
	}
	for (unsigned i = 0; i < r->params.n; i++)
		if (strcmp(r->params.s[i], params) == 0) {
			*out = r->last_param = i;
			return 0;
		}
	if (fleet_strv_add(&r->params, "%s", params) < 0)
		return -1;
	*out = r->last_param = r->params.n - 1;
	return 0;
}

static int add_value(host_reading_t *r, enum kind k, unsigned a, unsigned b, const char *params,
		     double v)
{
	unsigned p;
	if (param_index(r, params, &p) < 0)
		return -1;
	series_t *s = NULL;
	for (unsigned i = 0; i < r->count && !s; i++)
		if (r->s[i].kind == k && r->s[i].a == a && r->s[i].b == b && r->s[i].params == p)
			s = &r->s[i];
	if (!s) {
		if (r->count == r->cap) {
			unsigned cap = r->cap ? 2 * r->cap : 16;
			series_t *grown = realloc(r->s, cap * sizeof *grown);
			if (!grown)
				return -1;
			r->s = grown;
			r->cap = cap;
		}
		s = &r->s[r->count++];
		*s = (series_t){.kind = k, .a = a, .b = b, .params = p};
	}
	if (s->n == s->cap) {
		unsigned cap = s->cap ? 2 * s->cap : 8;
		double *grown = realloc(s->v, cap * sizeof *grown);
		if (!grown)
			return -1;
		s->v = grown;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

/* The configuration a figure is taken from: of several parameter sets for one kind and node
 * pair (a sweep of sizes), the one with the most runs, the first seen on a tie. */
static series_t *pick(host_reading_t *r, enum kind k, unsigned a, unsigned b)
{
	series_t *best = NULL;
	for (unsigned i = 0; i < r->count; i++) {
		series_t *s = &r->s[i];
		if (s->kind == k && s->a == a && s->b == b && (!best || s->n > best->n))
			best = s;
	}
	return best;
}

/* A figure from its runs: median, the host's own spread (MAD), CV. */
static fleet_value_t of_runs(series_t *s)
{
	fleet_value_t v = {.present = true, .n = s->n, .cv = NAN, .ref = NAN, .dev_pct = NAN, .z = NAN};
	double mean = 0;
	for (unsigned i = 0; i < s->n; i++)
		mean += s->v[i];
	mean /= s->n;
	if (s->n >= 2 && mean != 0) {
		double ss = 0;
		for (unsigned i = 0; i < s->n; i++)
			ss += (s->v[i] - mean) * (s->v[i] - mean);
		v.cv = sqrt(ss / (s->n - 1)) / fabs(mean);
	}
	v.v = fleet_median(s->v, s->n);
	double *scratch = malloc(s->n * sizeof *scratch);
	v.spread = scratch ? fleet_mad(s->v, s->n, v.v, scratch) : 0;
	free(scratch);
	return v;
}

static fleet_node_t *node_of(fleet_host_t *h, unsigned id)
{
	for (unsigned i = 0; i < h->node_count; i++)
		if (h->nodes[i].id == id)
			return &h->nodes[i];
	return NULL;
}

static int ensure_node(fleet_host_t *h, unsigned id)
{
	if (node_of(h, id))
		return 0;
	fleet_node_t *grown = realloc(h->nodes, (h->node_count + 1) * sizeof *grown);
	if (!grown)
		return -1;
	h->nodes = grown;
	unsigned at = h->node_count++;
	while (at > 0 && h->nodes[at - 1].id > id) { /* kept in id order */
		h->nodes[at] = h->nodes[at - 1];
		at--;
	}
	fleet_node_t *n = &h->nodes[at];
	memset(n, 0, sizeof *n);
	n->id = id;
	for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
		n->m[m] = (fleet_value_t){.why = "not measured", .cv = NAN, .ref = NAN,
					  .dev_pct = NAN, .z = NAN};
	return 0;
}

/* Per node: local triad and latency, the remote/local ratio. */
static int figures(fleet_host_t *h, host_reading_t *r)
{
	for (unsigned i = 0; i < r->count; i++)
		if (ensure_node(h, r->s[i].a) < 0 || ensure_node(h, r->s[i].b) < 0)
			return -1;
	for (unsigned i = 0; i < h->node_count; i++) {
		fleet_node_t *n = &h->nodes[i];
		series_t *triad = pick(r, K_TRIAD, n->id, n->id);
		series_t *local = pick(r, K_LATENCY, n->id, n->id);
		if (triad)
			n->m[NH_FLEET_TRIAD] = of_runs(triad);
		else
			n->m[NH_FLEET_TRIAD].why =
				r->not_ok[K_TRIAD] ? "no stream run under cpunodebind=N membind=N ended ok"
						   : "no stream run under cpunodebind=N membind=N";
		if (local)
			n->m[NH_FLEET_LATENCY] = of_runs(local);
		else
			n->m[NH_FLEET_LATENCY].why =
				r->not_ok[K_LATENCY] ? "no chase run under cpunodebind=N membind=N ended ok"
						     : "no chase run under cpunodebind=N membind=N";
		fleet_value_t *ratio = &n->m[NH_FLEET_RATIO];
		if (!local) {
			ratio->why = "no local latency to compare the remote ones with";
			continue;
		}
		double sum = 0, spread = 0, cv = NAN;
		unsigned remote = 0;
		fleet_value_t lv = n->m[NH_FLEET_LATENCY];
		for (unsigned j = 0; j < h->node_count; j++) {
			series_t *s = h->nodes[j].id == n->id ? NULL
							       : pick(r, K_LATENCY, n->id, h->nodes[j].id);
			if (!s)
				continue;
			fleet_value_t rv = of_runs(s);
			sum += rv.v;
			spread += rv.spread;
			if (isfinite(rv.cv) && !(rv.cv <= cv))
				cv = rv.cv;
			remote++;
		}
		if (!remote || lv.v <= 0) {
			ratio->why = h->node_count < 2 ? "one node: nothing remote"
						       : "no chase run from this node to another's memory";
			continue;
		}
		if (isfinite(lv.cv) && !(lv.cv <= cv))
			cv = lv.cv;
		double mean = sum / remote;
		*ratio = (fleet_value_t){
			.present = true,
			.v = mean / lv.v,
			/* relative spreads add, to first order */
			.spread = mean / lv.v * (lv.spread / lv.v + (mean > 0 ? spread / remote / mean : 0)),
			.cv = cv,
			.n = lv.n,
			.ref = NAN, .dev_pct = NAN, .z = NAN,
		};
	}
	return 0;
}

/* ---- one host ---- */

static int set_error(fleet_host_t *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ERROR with its reason (the first of its reasons); -1 only when memory runs out. */
static int set_error(fleet_host_t *h, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(reason, sizeof reason, fmt, ap);
	va_end(ap);
	h->error = true;
	return fleet_strv_add(&h->reasons, "%s", reason);
}

/* The first line of error.txt, what the engine wrote when the harness could not run. */
static void read_error_txt(const char *dir, char *buf, size_t len)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/error.txt", dir);
	buf[0] = '\0';
	FILE *in = fopen(path, "re");
	if (!in) {
		snprintf(buf, len, "error.txt unreadable: %s", strerror(errno));
		return;
	}
	if (fgets(buf, (int)len, in)) {
		buf[strcspn(buf, "\r\n")] = '\0';
		for (char *p = buf; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
	}
	fclose(in);
	if (!buf[0])
		snprintf(buf, len, "error.txt is empty: the harness could not run there");
}

/* A host as read, before it joins the fleet: its summary and, as text, what the fleet interns
 * (facts, cohort, versions). Reading one touches nothing shared, so hosts are read in parallel. */
typedef struct host_raw {
	fleet_host_t h;
	char *fact[NH_FACT_COUNT];
	char *cohort, *tool_version, *scenario_sha, *status;
	bool oom;
} host_raw_t;

static void raw_free_strings(host_raw_t *raw)
{
	for (unsigned i = 0; i < NH_FACT_COUNT; i++)
		free(raw->fact[i]);
	free(raw->cohort);
	free(raw->tool_version);
	free(raw->scenario_sha);
	free(raw->status);
}

static char *dup_fmt(host_raw_t *raw, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *dup_fmt(host_raw_t *raw, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *copy = strdup(buf);
	raw->oom |= !copy;
	return copy;
}

/* Identity, cohort, and the facts drift is judged on. */
static int identity(const nh_fleet_opts_t *o, host_raw_t *raw, const nh_mv_t *mv)
{
	fleet_host_t *h = &raw->h;
	nh_mv_identity_t id = nh_mv_identity(mv);
	const char *name = id.id.present && *id.id.s		 ? id.id.s
			   : id.hostname.present && *id.hostname.s ? id.hostname.s
								   : NULL;
	if (name) {
		char *copy = strdup(name);
		if (!copy)
			return -1;
		free(h->name);
		h->name = copy;
	}
	if (o->cohort_label[0]) {
		nh_str_t label = nh_mv_label(mv, o->cohort_label);
		raw->cohort = label.present ? dup_fmt(raw, "%s", label.s)
					    : dup_fmt(raw, "(no %s label)", o->cohort_label);
	} else {
		raw->cohort = dup_fmt(raw, "all");
	}
	raw->tool_version = dup_fmt(raw, "%s", nh_str_or(nh_mv_tool_version(mv), "unknown"));
	raw->scenario_sha = dup_fmt(raw, "%s", nh_str_or(nh_mv_scenario_sha256(mv), "unknown"));
	raw->status = dup_fmt(raw, "%s", nh_str_or(nh_mv_status(mv), "unknown"));

	nh_mv_host_t host = nh_mv_host(mv);
	if (nh_mv_has_nodes(mv, NULL)) {
		unsigned n = nh_mv_node_count(mv);
		raw->fact[NH_FACT_NODES] = dup_fmt(raw, "%u", n);
		char cpus[512] = "";
		for (unsigned i = 0; i < n; i++)
			snprintf(cpus + strlen(cpus), sizeof cpus - strlen(cpus), "%s%u", i ? "," : "",
				 nh_mv_node(mv, i).cpu_count);
		raw->fact[NH_FACT_CPUS] = dup_fmt(raw, "%s", cpus);
	}
	unsigned rows = nh_mv_distance_rows(mv);
	if (rows) {
		char dist[1024] = "";
		for (unsigned r = 0; r < rows; r++)
			for (unsigned c = 0; c < nh_mv_distance_cols(mv, r); c++) {
				nh_num_t d = nh_mv_distance(mv, r, c);
				size_t used = strlen(dist);
				snprintf(dist + used, sizeof dist - used, "%s%s%.0f",
					 c ? " " : r ? "/" : "", d.present ? "" : "?", d.v);
			}
		raw->fact[NH_FACT_DISTANCES] = dup_fmt(raw, "%s", dist);
	}
	if (host.thp_enabled.present)
		raw->fact[NH_FACT_THP] = dup_fmt(raw, "enabled=%s defrag=%s", host.thp_enabled.s,
						 nh_str_or(host.thp_defrag, "?"));
	if (host.numa_balancing.present)
		raw->fact[NH_FACT_BALANCING] = dup_fmt(raw, "%s", host.numa_balancing.v ? "on" : "off");
	/* Categorical, so noise cannot hide it: a host whose runs were confined to fewer CPUs
	 * measured less than its machine (a Slurm job's cpuset, a service's AllowedCPUs). */
	if (host.allowed_cpus.present)
		raw->fact[NH_FACT_ALLOWED] = dup_fmt(raw, "%s", host.allowed_cpus.s);
	if (host.kernel.present)
		raw->fact[NH_FACT_KERNEL] = dup_fmt(raw, "%s", host.kernel.s);
	if (host.cpu_model.present)
		raw->fact[NH_FACT_CPU_MODEL] = dup_fmt(raw, "%s", host.cpu_model.s);
	if (id.bios_version.present)
		raw->fact[NH_FACT_BIOS] = dup_fmt(raw, "%s", id.bios_version.s);
	/* the parameters given with --set (the defaults come with the scenario, whose hash is
	 * compared fleet-wide) */
	char params[1024] = "";
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	nh_mv_param_t p;
	while (nh_mv_param_next(mv, &it, &p))
		if (nh_flag_true(p.set)) {
			size_t used = strlen(params);
			nh_format_cut(params + used, sizeof params - used, "%s%s=%s", used ? " " : "",
				      p.name, p.value);
		}
	raw->fact[NH_FACT_PARAMS] = dup_fmt(raw, "%s", params[0] ? params : "(defaults)");

	for (unsigned i = 0; i < nh_mv_node_count(mv); i++) {
		nh_mv_node_t node = nh_mv_node(mv, i);
		if (!node.id.present || node.id.v < 0 || node.id.v >= NH_FLEET_MAX_NODES)
			continue;
		if (ensure_node(h, (unsigned)node.id.v) < 0)
			return -1;
		fleet_value_t *mem = &node_of(h, (unsigned)node.id.v)->m[NH_FLEET_MEMTOTAL];
		if (node.mem_total_bytes.present && node.mem_total_bytes.v > 0)
			*mem = (fleet_value_t){.present = true, .v = node.mem_total_bytes.v,
					       .cv = NAN, .ref = NAN, .dev_pct = NAN, .z = NAN};
		else
			mem->why = "manifest.json: no mem_total_bytes for this node";
	}
	return raw->oom ? -1 : 0;
}

/* Its own checks: failures that fail the gate make it FAIL. */
static int own_checks(fleet_host_t *h, const char *dir)
{
	nh_results_doc_error_t why;
	nh_checks_view_t *v = nh_checks_view_load(dir, &why);
	if (!v) {
		if (why.absent)
			return fleet_strv_add(&h->notes, "no checks.json: its own checks are unknown");
		char msg[256];
		snprintf(msg, sizeof msg, "checks.json:%d: not JSON: %s", why.line, why.text);
		return set_error(h, "%s", msg);
	}
	int rc = 0;
	unsigned listed = 0;
	for (unsigned i = 0; i < nh_checks_view_count(v) && rc == 0; i++) {
		nh_check_view_t k = nh_checks_view_at(v, i);
		bool failed = nh_flag_true(k.fails_gate) ||
			      (k.status.present && strcmp(k.status.s, "fail") == 0);
		if (!failed)
			continue;
		h->checks_failed++;
		if (listed++ < 5)
			rc = fleet_strv_add(&h->reasons, "check failed: %s: %s",
					    nh_str_or(k.name, "(unnamed)"), nh_str_or(k.detail, ""));
	}
	if (rc == 0 && listed > 5)
		rc = fleet_strv_add(&h->reasons, "and %u more failed checks (checks.json)", listed - 5);
	nh_checks_view_free(v);
	return rc;
}

/* metrics.csv streamed: the rows of local and cross-node triads and latencies. -1: out of
 * memory. */
static int stream_metrics(fleet_host_t *h, const char *dir, host_reading_t *r)
{
	nh_err_t why;
	nh_metrics_csv_t *c = nh_metrics_csv_open(dir, &why);
	if (!c)
		return set_error(h, "%s", errno == ENOENT ? "no metrics.csv" : why.msg);
	nh_metrics_row_t row;
	int got;
	while ((got = nh_metrics_csv_next(c, &row, &why)) > 0) {
		enum kind k = K_KINDS;
		for (unsigned i = 0; i < K_KINDS; i++)
			if (strcmp(row.metric, KINDS[i].metric) == 0 &&
			    strcmp(row.workload, KINDS[i].workload) == 0)
				k = i;
		unsigned a, b;
		if (k == K_KINDS || row.warmup || !node_pair(row.policy, &a, &b))
			continue;
		if (strcmp(row.outcome, "ok") != 0 || !row.value.present) {
			r->not_ok[k]++;
			continue;
		}
		if (add_value(r, k, a, b, row.params, row.value.v) < 0) {
			nh_metrics_csv_close(c);
			return -1;
		}
	}
	int rc = 0;
	if (got < 0)
		rc = set_error(h, "%s", why.msg);
	else if (nh_metrics_csv_warning(c))
		rc = fleet_strv_add(&h->notes, "%s", nh_metrics_csv_warning(c));
	nh_metrics_csv_close(c);
	return rc;
}

/* A run that did not finish and measured nothing has nothing to judge. */
static int status_check(host_raw_t *raw)
{
	fleet_host_t *h = &raw->h;
	const char *status = raw->status;
	bool measured = false;
	for (unsigned i = 0; i < h->node_count; i++)
		measured |= h->nodes[i].m[NH_FLEET_TRIAD].present ||
			    h->nodes[i].m[NH_FLEET_LATENCY].present;
	bool single = false;
	for (unsigned i = 0; i < h->node_count; i++)
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
			single |= nh_fleet_metric_def(m)->repeated && h->nodes[i].m[m].present &&
				  h->nodes[i].m[m].n < 2;
	if (single && fleet_strv_add(&h->notes, "a figure from one run only: how steady it is "
				     "cannot be told (not judged for UNSTABLE; run more repetitions)") < 0)
		return -1;
	if (!status || strcmp(status, "complete") == 0 || strcmp(status, "unknown") == 0)
		return measured ? 0
				: fleet_strv_add(&h->notes,
						 "no local triad or latency in metrics.csv (stream / "
						 "chase under cpunodebind=N membind=N): compared by "
						 "MemTotal only");
	if (strncmp(status, "stopped", 7) == 0 && h->checks_failed)
		return 0; /* its host checks stopped it: FAIL says why */
	if (!measured) {
		char what[256];
		snprintf(what, sizeof what, "%s", status);
		return set_error(h, "manifest status '%s' and nothing measured: the run did not finish",
				 what);
	}
	return fleet_strv_add(&h->notes, "manifest status '%s': judged on what it measured", status);
}

/* Read one host directory into \p raw (zeroed by the caller). -1 only when memory runs out. */
static int read_raw(const nh_fleet_opts_t *o, const char *dir, host_raw_t *raw)
{
	fleet_host_t *h = &raw->h;
	h->dir = strdup(dir);
	if (!h->dir)
		return -1;
	/* named by its directory until its manifest says who it is */
	char base[4200];
	snprintf(base, sizeof base, "%s", dir);
	for (size_t n = strlen(base); n > 1 && base[n - 1] == '/';)
		base[--n] = '\0';
	const char *slash = strrchr(base, '/');
	h->name = strdup(slash && slash[1] ? slash + 1 : base);
	if (!h->name)
		return -1;

	int rc = 0;
	nh_err_t why;
	nh_mv_t *mv = nh_mv_load(dir, &why);
	bool no_manifest = !mv && errno == ENOENT;
	char path[4200], error_txt[512];
	snprintf(path, sizeof path, "%s/error.txt", dir);
	bool has_error_txt = access(path, F_OK) == 0;
	if (has_error_txt)
		read_error_txt(dir, error_txt, sizeof error_txt);
	if (mv && identity(o, raw, mv) < 0) {
		rc = -1;
		goto out;
	}
	if (has_error_txt) {
		rc = set_error(h, "error.txt: %s", error_txt);
		goto out;
	}
	if (!mv) {
		rc = set_error(h, "%s", no_manifest ? "no manifest.json and no error.txt: nothing came "
						      "back from this host"
						    : why.msg);
		goto out;
	}
	if ((rc = own_checks(h, dir)) < 0 || h->error)
		goto out;
	host_reading_t r = {0};
	rc = stream_metrics(h, dir, &r);
	if (rc == 0 && !h->error && figures(h, &r) < 0)
		rc = -1;
	reading_free(&r);
	if (rc == 0 && !h->error)
		rc = status_check(raw);
out:
	nh_mv_free(mv);
	return rc;
}

/* The host joins the fleet: its text interned, its cohort found. \p raw is emptied. */
static int merge(nh_fleet_t *f, host_raw_t *raw)
{
	fleet_host_t *h = fleet_new_host(f);
	if (!h)
		return -1;
	*h = raw->h;
	memset(&raw->h, 0, sizeof raw->h);
	h->cohort = UINT_MAX; /* no manifest, no cohort: an ERROR host is in none */
	if (raw->cohort && (h->cohort = fleet_cohort_of(f, raw->cohort)) == UINT_MAX)
		return -1;
	for (unsigned i = 0; i < NH_FACT_COUNT; i++)
		if (raw->fact[i] && !(h->fact[i] = fleet_intern(f, raw->fact[i])))
			return -1;
	if ((raw->tool_version && !(h->tool_version = fleet_intern(f, raw->tool_version))) ||
	    (raw->scenario_sha && !(h->scenario_sha = fleet_intern(f, raw->scenario_sha))) ||
	    (raw->status && !(h->status = fleet_intern(f, raw->status))))
		return -1;
	return 0;
}

static void raw_free(host_raw_t *raw)
{
	fleet_host_t *h = &raw->h;
	free(h->name);
	free(h->dir);
	free(h->nodes);
	fleet_strv_free(&h->reasons);
	fleet_strv_free(&h->readings);
	fleet_strv_free(&h->notes);
	raw_free_strings(raw);
	memset(raw, 0, sizeof *raw);
}

/* A batch of hosts read by a few threads: each takes the next index until none is left. */
typedef struct batch {
	const nh_fleet_opts_t *o;
	char *const *dirs;
	host_raw_t *raw;
	unsigned count;
	unsigned next; /* atomic */
	int failed;    /* atomic: a read ran out of memory */
} batch_t;

static void *reader(void *arg)
{
	batch_t *b = arg;
	for (;;) {
		unsigned i = __atomic_fetch_add(&b->next, 1, __ATOMIC_RELAXED);
		if (i >= b->count)
			return NULL;
		if (read_raw(b->o, b->dirs[i], &b->raw[i]) < 0)
			__atomic_store_n(&b->failed, 1, __ATOMIC_RELAXED);
	}
}

/* How many threads read hosts: the CPUs this process may use, at most 16 (reading is mostly
 * parsing; more threads than that wait on the disk); $NH_FLEET_THREADS when set. */
static unsigned reader_threads(void)
{
	const char *env = getenv("NH_FLEET_THREADS");
	long n = env && *env ? strtol(env, NULL, 10) : 0;
	if (n <= 0) {
		cpu_set_t set;
		n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
	}
	return n < 1 ? 1 : n > 16 ? 16 : (unsigned)n;
}

int fleet_read_hosts(nh_fleet_t *f, char *const *dirs, unsigned count, nh_err_t *err)
{
	enum { BATCH = 256 }; /* hosts in memory at once before they join the fleet */
	host_raw_t *raw = calloc(BATCH, sizeof *raw);
	if (!raw)
		return nh_err_set(err, "out of memory");
	unsigned threads = count > 1 ? reader_threads() : 1;
	if (threads > 1)
		nh_host_summary_threads();
	int rc = 0;
	for (unsigned start = 0; start < count && rc == 0; start += BATCH) {
		batch_t b = {.o = &f->o, .dirs = dirs + start, .raw = raw,
			     .count = count - start < BATCH ? count - start : BATCH};
		pthread_t tid[16];
		unsigned started = 0;
		for (unsigned t = 1; t < threads && t < b.count; t++)
			if (pthread_create(&tid[started], NULL, reader, &b) == 0)
				started++;
		reader(&b); /* this thread reads too */
		for (unsigned t = 0; t < started; t++)
			pthread_join(tid[t], NULL);
		if (b.failed)
			rc = nh_err_set(err, "out of memory reading hosts");
		/* in directory order, so the fleet is the same however the threads ran */
		for (unsigned i = 0; i < b.count; i++) {
			if (rc == 0 && merge(f, &raw[i]) < 0)
				rc = nh_err_set(err, "out of memory");
			raw_free(&raw[i]);
		}
	}
	free(raw);
	return rc;
}

int fleet_read_host(nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	char *dirs[] = {(char *)dir};
	return fleet_read_hosts(f, dirs, 1, err);
}
