/* SPDX-License-Identifier: MIT */
/* cli_export: `numaharness export prom DIR [--out FILE]` — a results directory as a node_exporter
 * textfile (Prometheus text exposition format): the checks, local triad and idle latency per
 * node, MemTotal per node, the exit status `run` gave and when it finished, so a fleet's
 * validations are alerted on like any other host metric. Written atomically (a temp file in the
 * same directory, then rename), so the collector never reads half a file. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "results.h"

static void export_usage(FILE *out)
{
	fputs("usage: numaharness export prom DIR [--out FILE]\n"
	      "  writes the results directory DIR as a node_exporter textfile (Prometheus text\n"
	      "  format) to DIR/numaharness.prom, or to FILE (- for standard output); the file is\n"
	      "  replaced atomically (temp file in the same directory, then rename)\n"
	      "  metrics (labels host, scenario and the host's --label pairs):\n"
	      "    numaharness_info{tool_version,kernel,bios_version} 1\n"
	      "    numaharness_exit_status          what `run` exited with (0, 1, 2, 130)\n"
	      "    numaharness_last_run_timestamp_seconds   when the run finished\n"
	      "    numaharness_check_evaluated{check}, numaharness_check_passed{check}\n"
	      "    numaharness_local_triad_bytes_per_second{node}  median STREAM triad, cpunodebind=N membind=N\n"
	      "    numaharness_idle_latency_seconds{node}          median chase latency, cpunodebind=N membind=N\n"
	      "    numaharness_node_memtotal_bytes{node}\n"
	      "  a value the results do not have is left out (never written as 0)\n",
	      out);
}

/* Label names the export sets itself, and Prometheus's target labels: a host label by one of
 * these names would clash, so it is left out. */
static const char *const RESERVED[] = {"host",	     "scenario", "check",    "node", "tool_version",
				       "kernel",     "bios_version", "job",  "instance", NULL};

/* A valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not "__" reserved) that is not ours. */
static const char *label_name_problem(const char *name)
{
	if (!((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') || *name == '_'))
		return "not a valid Prometheus label name";
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return "not a valid Prometheus label name";
	if (strncmp(name, "__", 2) == 0)
		return "names starting with __ are Prometheus's own";
	for (const char *const *r = RESERVED; *r; r++)
		if (strcmp(name, *r) == 0)
			return "the export sets a label of that name itself";
	return NULL;
}

/* A label value as the exposition format needs it: backslash, double quote and newline escaped. */
static void put_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void put_label(FILE *f, bool *first, const char *name, const char *value)
{
	fprintf(f, "%s%s=\"", *first ? "" : ",", name);
	put_value(f, value);
	fputc('"', f);
	*first = false;
}

/* Text from the results in a comment line: one line, whatever it holds. */
static void put_comment_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

struct prom {
	FILE *f;
	char *common; /* host="x",scenario="y",cohort="gen3": on every sample */
	size_t common_len;
};

static void family(struct prom *p, const char *name, const char *help)
{
	fprintf(p->f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{common[,key="value"]} value */
static void sample(struct prom *p, const char *name, const char *key, const char *value, double v)
{
	fprintf(p->f, "%s{%s", name, p->common);
	if (key) {
		bool first = !p->common[0];
		put_label(p->f, &first, key, value);
	}
	fprintf(p->f, "} %.15g\n", v);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Values of one metric per node, over the configurations of the node's local policy. */
struct per_node {
	unsigned node;
	double *vals;
	unsigned n;
};
struct node_values {
	struct per_node *nodes;
	unsigned count;
};

static struct per_node *node_slot(struct node_values *nv, unsigned node)
{
	for (unsigned i = 0; i < nv->count; i++)
		if (nv->nodes[i].node == node)
			return &nv->nodes[i];
	struct per_node *grown = realloc(nv->nodes, sizeof *grown * (nv->count + 1));
	if (!grown)
		return NULL;
	nv->nodes = grown;
	nv->nodes[nv->count] = (struct per_node){.node = node};
	return &nv->nodes[nv->count++];
}

static int cmp_node(const void *a, const void *b)
{
	const struct per_node *x = a, *y = b;
	return (x->node > y->node) - (x->node < y->node);
}

static void node_values_free(struct node_values *nv)
{
	for (unsigned i = 0; i < nv->count; i++)
		free(nv->nodes[i].vals);
	free(nv->nodes);
}

/* The node N of a local policy, exactly "cpunodebind=N membind=N" (what bios-check and
 * `matrix` run); -1 for any other policy. */
static long local_node(const char *policy)
{
	unsigned a, b;
	char again[64];
	if (sscanf(policy, "cpunodebind=%u membind=%u", &a, &b) != 2 || a != b)
		return -1;
	snprintf(again, sizeof again, "cpunodebind=%u membind=%u", a, b);
	return strcmp(again, policy) == 0 ? (long)a : -1;
}

/* Every finite value of \p metric from the ok counted runs of \p workload under a local policy,
 * grouped by node. -1 when out of memory. */
static int collect(const nh_results_t *r, const char *workload, const char *metric,
		   struct node_values *nv)
{
	for (unsigned c = 0; c < nh_results_config_count(r); c++) {
		const nh_results_config_t *cfg = nh_results_config(r, c);
		long node = local_node(cfg->policy);
		if (node < 0 || strcmp(cfg->workload, workload) != 0 || !cfg->run_count)
			continue;
		struct per_node *slot = node_slot(nv, (unsigned)node);
		double *grown = slot ? realloc(slot->vals, sizeof *grown * (slot->n + cfg->run_count)) : NULL;
		if (!grown)
			return -1;
		slot->vals = grown;
		const char *unit;
		int better;
		unsigned k = nh_results_values(r, cfg, metric, slot->vals + slot->n, cfg->run_count, &unit,
					       &better);
		double *got = slot->vals + slot->n;
		unsigned kept = 0;
		for (unsigned i = 0; i < k; i++)
			if (isfinite(got[i]))
				got[kept++] = got[i];
		slot->n += kept;
	}
	qsort(nv->nodes, nv->count, sizeof *nv->nodes, cmp_node);
	return 0;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One metric per node: the median of each node's values in base units (value * mul / div:
 * powers of ten multiplied or divided exactly keep the printed digits clean); nodes without
 * values named in a comment. */
static void node_family(struct prom *p, const char *name, const char *help, double mul, double div,
			const struct node_values *nv, const char *workload)
{
	bool any = false;
	for (unsigned i = 0; i < nv->count; i++)
		any |= nv->nodes[i].n > 0;
	if (!any) {
		fprintf(p->f, "# %s left out: no ok %s run under cpunodebind=N membind=N on any node\n", name,
			workload);
		return;
	}
	family(p, name, help);
	for (unsigned i = 0; i < nv->count; i++) {
		char node[16];
		snprintf(node, sizeof node, "%u", nv->nodes[i].node);
		if (nv->nodes[i].n)
			sample(p, name, "node", node, median(nv->nodes[i].vals, nv->nodes[i].n) * mul / div);
	}
	for (unsigned i = 0; i < nv->count; i++)
		if (!nv->nodes[i].n)
			fprintf(p->f, "# %s{node=\"%u\"} left out: no ok %s run under cpunodebind=%u membind=%u\n",
				name, nv->nodes[i].node, workload, nv->nodes[i].node, nv->nodes[i].node);
}

/* "2026-11-22T00:01:00Z" as Unix time; -1 when it is not that form. */
static long long utc_seconds(const char *s)
{
	struct tm tm = {0};
	char again[32];
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
		   &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	snprintf(again, sizeof again, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year, tm.tm_mon, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (strcmp(again, s) != 0)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* What `run` exited with, from the manifest's status, its outcome counts and checks.json:
 * 0 all well, 1 a run went wrong or a check failed the gate, 2 the harness stopped, 130
 * interrupted. -1 with \p why when it cannot be told. */
static int exit_status(const nh_mv_t *m, const nh_checks_view_t *checks, const char **why)
{
	nh_str_t st = nh_mv_status(m);
	if (!st.present) {
		*why = st.why;
		return -1;
	}
	if (strcmp(st.s, "interrupted") == 0)
		return NH_EXIT_INTERRUPTED;
	if (strcmp(st.s, "stopped: host checks failed") == 0)
		return NH_EXIT_CHECK_FAILED;
	if (strncmp(st.s, "stopped", 7) == 0)
		return NH_EXIT_ERROR;
	if (strcmp(st.s, "running") == 0) {
		*why = "the manifest's status is still \"running\": the run did not finish (still "
		       "running, or the harness died)";
		return -1;
	}
	if (strcmp(st.s, "complete") != 0) {
		*why = "the manifest's status is none that `run` writes";
		return -1;
	}
	static const char *const WRONG[] = {"failed", "timeout", "crashed", "oom-killed"};
	for (size_t i = 0; i < sizeof WRONG / sizeof WRONG[0]; i++)
		if (nh_num_or(nh_mv_outcome_count(m, WRONG[i]), 0) > 0)
			return NH_EXIT_CHECK_FAILED;
	for (unsigned i = 0; checks && i < nh_checks_view_count(checks); i++) {
		nh_check_view_t c = nh_checks_view_at(checks, i);
		const char *s = nh_str_or(c.status, "");
		if (strcmp(s, "fail") == 0 || (strcmp(s, "not-evaluated") == 0 && nh_flag_true(c.fails_gate)))
			return NH_EXIT_CHECK_FAILED;
	}
	return NH_EXIT_OK;
}

/* The common labels: host, scenario, and the host's labels that are valid label names. */
static int common_labels(struct prom *p, const nh_mv_t *m, const char *host)
{
	FILE *c = open_memstream(&p->common, &p->common_len);
	if (!c)
		return -1;
	bool first = true;
	put_label(c, &first, "host", host);
	nh_str_t scenario = nh_mv_scenario_name(m);
	if (scenario.present)
		put_label(c, &first, "scenario", scenario.s);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	const char *name, *value;
	while (nh_mv_label_next(m, &it, &name, &value)) {
		const char *problem = label_name_problem(name);
		if (problem) {
			fputs("# host label '", p->f);
			put_comment_text(p->f, name);
			fprintf(p->f, "' left out: %s\n", problem);
		} else {
			put_label(c, &first, name, value);
		}
	}
	return fclose(c) == 0 ? 0 : -1;
}

static int write_checks(struct prom *p, const nh_checks_view_t *checks)
{
	unsigned n = checks ? nh_checks_view_count(checks) : 0;
	if (!n) {
		fprintf(p->f, "# numaharness_check_* left out: %s\n",
			checks ? "checks.json lists no checks" : "no checks.json (the command had no expectations)");
		return 0;
	}
	/* Two checks of one name would be one series twice, which the collector rejects: the later
	 * ones get " #2", " #3". */
	char **names = calloc(n, sizeof *names);
	if (!names)
		return -1;
	int rc = 0;
	for (unsigned i = 0; i < n && rc == 0; i++) {
		const char *name = nh_str_or(nh_checks_view_at(checks, i).name, "?");
		unsigned same = 1;
		for (unsigned j = 0; j < i; j++)
			same += strcmp(nh_str_or(nh_checks_view_at(checks, j).name, "?"), name) == 0;
		if ((same > 1 ? asprintf(&names[i], "%s #%u", name, same) : asprintf(&names[i], "%s", name)) < 0) {
			names[i] = NULL;
			rc = -1;
		}
	}
	if (rc < 0)
		goto out;
	family(p, "numaharness_check_evaluated",
	       "1 when the check could be evaluated, 0 when it could not (see checks.json for why)");
	for (unsigned i = 0; i < n; i++) {
		const char *s = nh_str_or(nh_checks_view_at(checks, i).status, "");
		sample(p, "numaharness_check_evaluated", "check", names[i],
		       strcmp(s, "pass") == 0 || strcmp(s, "fail") == 0);
	}
	bool any = false;
	for (unsigned i = 0; i < n; i++) {
		const char *s = nh_str_or(nh_checks_view_at(checks, i).status, "");
		if (strcmp(s, "pass") != 0 && strcmp(s, "fail") != 0)
			continue;
		if (!any)
			family(p, "numaharness_check_passed",
			       "1 when the check passed, 0 when it failed (evaluated checks only)");
		any = true;
		sample(p, "numaharness_check_passed", "check", names[i], strcmp(s, "pass") == 0);
	}
	if (!any)
		fputs("# numaharness_check_passed left out: no check could be evaluated\n", p->f);
out:
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* The whole textfile of results \p r into \p p->f. */
static int write_prom(struct prom *p, const nh_results_t *r, const char *dir, const nh_checks_view_t *checks)
{
	const nh_mv_t *m = nh_results_manifest(r);
	nh_mv_identity_t id = nh_mv_identity(m);
	FILE *f = p->f;
	fputs("# numaharness results as a node_exporter textfile (numaharness export prom), from ", f);
	put_comment_text(f, dir);
	fputs("\n# A value the results do not have is left out, never written as 0; a comment says why.\n", f);
	/* The host as a fleet names it: its id, else its hostname, else the directory's name. */
	const char *host = id.id.present ? id.id.s : id.hostname.present ? id.hostname.s : NULL;
	char base[PATH_MAX];
	if (!host) {
		snprintf(base, sizeof base, "%s", dir);
		size_t len = strlen(base);
		while (len > 1 && base[len - 1] == '/')
			base[--len] = '\0';
		const char *slash = strrchr(base, '/');
		host = slash && slash[1] ? slash + 1 : base;
		fputs("# host: the manifest has no host id or hostname; the directory's name stands in\n", f);
	}
	if (common_labels(p, m, host) < 0)
		return -1;

	bool first = true;
	family(p, "numaharness_info", "The harness and host software that produced these results");
	fprintf(f, "numaharness_info{%s", p->common);
	first = !p->common[0];
	nh_mv_host_t facts = nh_mv_host(m);
	if (nh_mv_tool_version(m).present)
		put_label(f, &first, "tool_version", nh_mv_tool_version(m).s);
	if (facts.kernel.present)
		put_label(f, &first, "kernel", facts.kernel.s);
	if (id.bios_version.present)
		put_label(f, &first, "bios_version", id.bios_version.s);
	fputs("} 1\n", f);

	const char *why = NULL;
	int status = exit_status(m, checks, &why);
	if (status >= 0) {
		family(p, "numaharness_exit_status",
		       "What numaharness run exited with: 0 all passed, 1 a check failed or a run went "
		       "wrong, 2 the harness could not run it, 130 interrupted");
		sample(p, "numaharness_exit_status", NULL, NULL, status);
	} else {
		fputs("# numaharness_exit_status left out: ", f);
		put_comment_text(f, why ? why : "unknown");
		fputc('\n', f);
	}
	nh_str_t finished = nh_mv_finished_at(m);
	long long t = finished.present ? utc_seconds(finished.s) : -1;
	if (t >= 0) {
		family(p, "numaharness_last_run_timestamp_seconds", "When the run finished (Unix time)");
		sample(p, "numaharness_last_run_timestamp_seconds", NULL, NULL, (double)t);
	} else {
		fputs("# numaharness_last_run_timestamp_seconds left out: ", f);
		put_comment_text(f, finished.present ? "finished_at is not a UTC time (YYYY-MM-DDTHH:MM:SSZ)"
						     : finished.why);
		fputc('\n', f);
	}
	if (write_checks(p, checks) < 0)
		return -1;

	/* Every node the manifest lists, so one without local runs is named as such. */
	struct node_values triad = {0}, latency = {0};
	int rc = 0;
	for (unsigned i = 0; i < nh_mv_node_count(m) && rc == 0; i++) {
		nh_num_t nid = nh_mv_node(m, i).id;
		if (nid.present && nid.v >= 0 &&
		    (!node_slot(&triad, (unsigned)nid.v) || !node_slot(&latency, (unsigned)nid.v)))
			rc = -1;
	}
	if (rc == 0 && collect(r, "stream", "triad", &triad) == 0 &&
	    collect(r, "chase", "ns_per_load", &latency) == 0) {
		node_family(p, "numaharness_local_triad_bytes_per_second",
			    "Median STREAM triad of the ok runs under cpunodebind=N membind=N, bytes per second",
			    1e6, 1, &triad, "stream");
		node_family(p, "numaharness_idle_latency_seconds",
			    "Median chase latency per load of the ok runs under cpunodebind=N membind=N, seconds",
			    1, 1e9, &latency, "chase");
	} else {
		rc = -1;
	}
	node_values_free(&triad);
	node_values_free(&latency);

	bool any = false;
	for (unsigned i = 0; i < nh_mv_node_count(m); i++) {
		nh_mv_node_t n = nh_mv_node(m, i);
		if (!n.id.present || !n.mem_total_bytes.present)
			continue;
		if (!any)
			family(p, "numaharness_node_memtotal_bytes", "MemTotal of the NUMA node, bytes");
		any = true;
		char node[32];
		snprintf(node, sizeof node, "%lld", (long long)n.id.v);
		sample(p, "numaharness_node_memtotal_bytes", "node", node, n.mem_total_bytes.v);
	}
	if (!any) {
		const char *nodes_why = NULL;
		fputs("# numaharness_node_memtotal_bytes left out: ", f);
		put_comment_text(f, !nh_mv_has_nodes(m, &nodes_why) ? nodes_why : "no node has mem_total_bytes");
		fputc('\n', f);
	}
	return rc;
}

int nh_cli_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1;) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': export_usage(stdout); return NH_EXIT_OK;
		default:
			nh_cli_error("export: bad option '%s' (see numaharness export --help)", argv[optind - 1]);
			return NH_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		nh_cli_error("export: say the format: prom (see numaharness export --help)");
		return NH_EXIT_ERROR;
	}
	if (strcmp(argv[optind], "prom") != 0) {
		nh_cli_error("export: unknown format '%s' (prom)", argv[optind]);
		return NH_EXIT_ERROR;
	}
	if (optind + 2 != argc) {
		nh_cli_error("export: expected exactly one results directory (see numaharness export --help)");
		return NH_EXIT_ERROR;
	}
	const char *dir = argv[optind + 1];
	char path[PATH_MAX];
	if (!out && snprintf(path, sizeof path, "%s/numaharness.prom", dir) >= (int)sizeof path) {
		nh_cli_error("export: %s: path too long", dir);
		return NH_EXIT_ERROR;
	}
	if (out && !*out) {
		nh_cli_error("export: --out: empty file name");
		return NH_EXIT_ERROR;
	}
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	if (!r) {
		nh_cli_error("export: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	int status = NH_EXIT_ERROR;
	struct prom p = {0};
	char *text = NULL;
	size_t len = 0;
	nh_checks_view_t *checks = NULL;
	nh_results_doc_error_t why;
	if (!nh_results_manifest(r)) {
		nh_cli_error("export: %s: no manifest.json (not a results directory the harness wrote)", dir);
		goto out;
	}
	/* A checks.json that is there but broken is bad input, not "no checks". */
	checks = nh_results_checks_load(r, &why);
	if (!checks && !why.absent) {
		nh_cli_error("export: %s/checks.json:%d: %s", dir, why.line, why.text);
		goto out;
	}
	p.f = open_memstream(&text, &len);
	if (!p.f || write_prom(&p, r, dir, checks) < 0) {
		nh_cli_error("export: out of memory");
		goto out;
	}
	if (fclose(p.f) != 0) {
		p.f = NULL;
		nh_cli_error("export: out of memory");
		goto out;
	}
	p.f = NULL;
	if (out && strcmp(out, "-") == 0) {
		fwrite(text, 1, len, stdout);
		status = fflush(stdout) == 0 ? NH_EXIT_OK : NH_EXIT_ERROR;
	} else if (nh_write_file_atomic(out ? out : path, text, len, &err) < 0) {
		nh_cli_error("export: %s", err.msg);
	} else {
		printf("prom: %s\n", out ? out : path);
		status = NH_EXIT_OK;
	}
out:
	if (p.f)
		fclose(p.f);
	free(text);
	free(p.common);
	nh_checks_view_free(checks);
	nh_results_free(r);
	return status;
}
