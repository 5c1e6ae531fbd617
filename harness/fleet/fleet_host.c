/* SPDX-License-Identifier: MIT */
/* fleet_host: one host directory read into its summary — who it is and its cohort, the facts
 * drift is judged on, its own checks, and per node the few figures the fleet compares. Its
 * metrics.csv is streamed: only the rows of local triads and latencies are kept, and only until
 * their medians are taken. */
#include "fleet_internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	char **params;
	unsigned param_count, param_cap, last_param;
	unsigned not_ok[K_KINDS]; /* runs of the kind that did not end ok */
} host_reading_t;

static void reading_free(host_reading_t *r)
{
	for (unsigned i = 0; i < r->count; i++)
		free(r->s[i].v);
	free(r->s);
	for (unsigned i = 0; i < r->param_count; i++)
		free(r->params[i]);
	free(r->params);
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
	if (r->param_count && strcmp(r->params[r->last_param], params) == 0) {
		*out = r->last_param; /* rows come a run at a time */
		return 0;
	}
	for (unsigned i = 0; i < r->param_count; i++)
		if (strcmp(r->params[i], params) == 0) {
			*out = r->last_param = i;
			return 0;
		}
	if (r->param_count == r->param_cap) {
		unsigned cap = r->param_cap ? 2 * r->param_cap : 4;
		char **grown = realloc(r->params, cap * sizeof *grown);
		if (!grown)
			return -1;
		r->params = grown;
		r->param_cap = cap;
	}
	if (!(r->params[r->param_count] = strdup(params)))
		return -1;
	*out = r->last_param = r->param_count++;
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

static unsigned intern_fmt(nh_fleet_t *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static unsigned intern_fmt(nh_fleet_t *f, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return fleet_intern(f, buf);
}

/* Identity, cohort, and the facts drift is judged on. */
static int identity(nh_fleet_t *f, fleet_host_t *h, const nh_mv_t *mv)
{
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
	if (f->o.cohort_label[0]) {
		nh_str_t label = nh_mv_label(mv, f->o.cohort_label);
		char unlabelled[96];
		snprintf(unlabelled, sizeof unlabelled, "(no %s label)", f->o.cohort_label);
		h->cohort = fleet_cohort_of(f, label.present ? label.s : unlabelled);
	} else {
		h->cohort = fleet_cohort_of(f, "all");
	}
	if (h->cohort == UINT_MAX)
		return -1;
	h->tool_version = fleet_intern(f, nh_str_or(nh_mv_tool_version(mv), "unknown"));
	h->scenario_sha = fleet_intern(f, nh_str_or(nh_mv_scenario_sha256(mv), "unknown"));
	h->status = fleet_intern(f, nh_str_or(nh_mv_status(mv), "unknown"));

	nh_mv_host_t host = nh_mv_host(mv);
	if (nh_mv_has_nodes(mv, NULL)) {
		unsigned n = nh_mv_node_count(mv);
		h->fact[NH_FACT_NODES] = intern_fmt(f, "%u", n);
		char cpus[512] = "";
		for (unsigned i = 0; i < n; i++)
			snprintf(cpus + strlen(cpus), sizeof cpus - strlen(cpus), "%s%u", i ? "," : "",
				 nh_mv_node(mv, i).cpu_count);
		h->fact[NH_FACT_CPUS] = fleet_intern(f, cpus);
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
		h->fact[NH_FACT_DISTANCES] = fleet_intern(f, dist);
	}
	if (host.thp_enabled.present)
		h->fact[NH_FACT_THP] = intern_fmt(f, "enabled=%s defrag=%s", host.thp_enabled.s,
						  nh_str_or(host.thp_defrag, "?"));
	if (host.numa_balancing.present)
		h->fact[NH_FACT_BALANCING] = fleet_intern(f, host.numa_balancing.v ? "on" : "off");
	if (host.kernel.present)
		h->fact[NH_FACT_KERNEL] = fleet_intern(f, host.kernel.s);
	if (host.cpu_model.present)
		h->fact[NH_FACT_CPU_MODEL] = fleet_intern(f, host.cpu_model.s);
	if (id.bios_version.present)
		h->fact[NH_FACT_BIOS] = fleet_intern(f, id.bios_version.s);
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
	h->fact[NH_FACT_PARAMS] = fleet_intern(f, params[0] ? params : "(defaults)");

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
	return 0;
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

/* metrics.csv streamed: the rows of local and cross-node triads and latencies. */
static int stream_metrics(fleet_host_t *h, const char *dir, host_reading_t *r, nh_err_t *err)
{
	nh_err_t why;
	nh_metrics_csv_t *c = nh_metrics_csv_open(dir, &why);
	if (!c)
		return set_error(h, "%s", errno == ENOENT ? "no metrics.csv" : why.msg) < 0
			       ? nh_err_set(err, "out of memory")
			       : 0;
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
			return nh_err_set(err, "out of memory");
		}
	}
	int rc = 0;
	if (got < 0)
		rc = set_error(h, "%s", why.msg);
	else if (nh_metrics_csv_warning(c))
		rc = fleet_strv_add(&h->notes, "%s", nh_metrics_csv_warning(c));
	nh_metrics_csv_close(c);
	return rc < 0 ? nh_err_set(err, "out of memory") : 0;
}

/* A run that did not finish and measured nothing has nothing to judge. */
static int status_check(nh_fleet_t *f, fleet_host_t *h)
{
	const char *status = fleet_str(f, h->status);
	bool measured = false;
	for (unsigned i = 0; i < h->node_count; i++)
		measured |= h->nodes[i].m[NH_FLEET_TRIAD].present ||
			    h->nodes[i].m[NH_FLEET_LATENCY].present;
	if (!status || strcmp(status, "complete") == 0)
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

int fleet_read_host(nh_fleet_t *f, const char *dir, nh_err_t *err)
{
	if (err)
		err->msg[0] = '\0'; /* an out-of-memory below that sets nothing is said at the end */
	fleet_host_t *h = fleet_new_host(f);
	if (!h)
		return nh_err_set(err, "out of memory for host %s", dir);
	h->dir = strdup(dir);
	if (!h->dir)
		return nh_err_set(err, "out of memory");
	/* named by its directory until its manifest says who it is */
	char base[4200];
	snprintf(base, sizeof base, "%s", dir);
	for (size_t n = strlen(base); n > 1 && base[n - 1] == '/';)
		base[--n] = '\0';
	const char *slash = strrchr(base, '/');
	h->name = strdup(slash && slash[1] ? slash + 1 : base);
	if (!h->name)
		return nh_err_set(err, "out of memory");
	h->cohort = UINT_MAX; /* no manifest, no cohort: an ERROR host is in none */

	int rc = 0;
	nh_err_t why;
	nh_mv_t *mv = nh_mv_load(dir, &why);
	bool no_manifest = !mv && errno == ENOENT;
	char error_txt[512];
	bool has_error_txt = false;
	{
		char path[4200];
		snprintf(path, sizeof path, "%s/error.txt", dir);
		FILE *probe = fopen(path, "re");
		if (probe) {
			fclose(probe);
			has_error_txt = true;
			read_error_txt(dir, error_txt, sizeof error_txt);
		}
	}
	if (mv && identity(f, h, mv) < 0) {
		rc = nh_err_set(err, "out of memory");
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
	rc = stream_metrics(h, dir, &r, err);
	if (rc == 0 && !h->error && figures(h, &r) < 0)
		rc = nh_err_set(err, "out of memory");
	reading_free(&r);
	if (rc == 0 && !h->error)
		rc = status_check(f, h);
out:
	nh_mv_free(mv);
	if (rc < 0 && err && !err->msg[0])
		nh_err_set(err, "out of memory");
	return rc;
}
