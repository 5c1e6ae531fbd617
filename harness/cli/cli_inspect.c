/* SPDX-License-Identifier: MIT */
/* cli_inspect: `numaharness inspect PID` — where a running process's threads and memory are,
 * checked against a numactl-style expectation or a libvirt domain XML, once or over time. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "inspect.h"
#include "inspect_checks.h"
#include "inspect_forecast.h"

struct inspect_opts {
	pid_t pid;
	const char *expect_spec;
	const char *libvirt_xml;
	double min_share;
	double interval;	/* --watch; 0 = one snapshot */
	unsigned long count;	/* --count: samples, 0 = until --duration, exit or Ctrl-C */
	double duration;	/* --duration, 0 = none */
	bool forecast;		/* --forecast: with --watch, each layer's time to its limit */
	bool json;
};

static void usage(FILE *out)
{
	fputs("usage: numaharness inspect PID [--expect SPEC] [--libvirt-xml DOMAIN.xml]\n"
	      "                          [--min-share F] [--watch INTERVAL [--count N] [--duration D]\n"
	      "                          [--forecast]]\n"
	      "                          [--json]\n"
	      "  Where a running process's threads run and its memory sits, per node: allowed and\n"
	      "  last CPUs, memory policies (numa_maps), anon / shmem / hugetlb / page cache per node,\n"
	      "  the cgroup's effective cpuset.\n"
	      "  --expect SPEC          check against a numactl-style policy, e.g. 'membind=1',\n"
	      "                         'cpunodebind=1 membind=1', 'interleave=0,1'\n"
	      "  --libvirt-xml FILE     check against a domain's <numatune>, <vcpu cpuset>, <cputune>\n"
	      "                         (virsh dumpxml output); PID is the domain's qemu process\n"
	      "  --min-share F          share of the process's own memory (anon + shmem + hugetlb)\n"
	      "                         that must be on the expected nodes (default 0.99)\n"
	      "  --watch INTERVAL       sample every INTERVAL (e.g. 1s) and report drift: memory moving\n"
	      "                         between nodes (NUMA balancing), growth; stops after --count\n"
	      "                         samples, --duration, when the process exits, or on Ctrl-C\n"
	      "  --forecast             with --watch: after each sample, when its memory reaches the\n"
	      "                         nearest limit (cgroup limit, a bound node's capacity,\n"
	      "                         RLIMIT_AS), or that it does not grow (Theil-Sen slope, 95%%\n"
	      "                         interval); RSS, the cgroup and each node\n"
	      "  --json                 one JSON document on stdout\n"
	      "Exit status: 0 checks pass (or none asked), 1 a check failed, 2 could not inspect.\n",
	      out);
}

static volatile sig_atomic_t interrupted;
static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int parse_opts(int argc, char **argv, struct inspect_opts *o)
{
	static const struct option longopts[] = {
		{"expect", required_argument, NULL, 'e'},   {"libvirt-xml", required_argument, NULL, 'x'},
		{"min-share", required_argument, NULL, 'm'}, {"watch", required_argument, NULL, 'w'},
		{"count", required_argument, NULL, 'c'},    {"duration", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},	    {"help", no_argument, NULL, 'h'},
		{"forecast", no_argument, NULL, 'f'},	    {NULL, 0, NULL, 0}};
	nh_err_t err;
	uint64_t v;
	*o = (struct inspect_opts){.min_share = 0.99};
	opterr = 0; /* our own one-line message below */
	for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
		switch (c) {
		case 'e': o->expect_spec = optarg; break;
		case 'x': o->libvirt_xml = optarg; break;
		case 'j': o->json = true; break;
		case 'f': o->forecast = true; break;
		case 'm': {
			char *end;
			errno = 0;
			o->min_share = strtod(optarg, &end);
			if (errno || *end || !(o->min_share > 0 && o->min_share <= 1)) {
				nh_cli_error("inspect: --min-share '%s': a fraction in (0, 1] is expected", optarg);
				return -1;
			}
			break;
		}
		case 'w':
			if (nh_parse_duration(optarg, &o->interval, &err) < 0) {
				nh_cli_error("inspect: --watch: %s", err.msg);
				return -1;
			}
			if (o->interval <= 0) {
				nh_cli_error("inspect: --watch '%s': the interval must be positive", optarg);
				return -1;
			}
			break;
		case 'c':
			if (nh_parse_uint(optarg, 1, 100000000, &v, &err) < 0) {
				nh_cli_error("inspect: --count: %s", err.msg);
				return -1;
			}
			o->count = (unsigned long)v;
			break;
		case 'd':
			if (nh_parse_duration(optarg, &o->duration, &err) < 0) {
				nh_cli_error("inspect: --duration: %s", err.msg);
				return -1;
			}
			break;
		case 'h': usage(stdout); return 1;
		default:
			nh_cli_error("inspect: bad option '%s' (see numaharness inspect --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1) {
		nh_cli_error(optind == argc ? "inspect: which process? (numaharness inspect PID)" :
					      "inspect: one PID expected, got '%s' too", argv[optind + 1]);
		return -1;
	}
	if (nh_parse_uint(argv[optind], 1, 4194304, &v, &err) < 0) {
		nh_cli_error("inspect: '%s' is not a process id", argv[optind]);
		return -1;
	}
	o->pid = (pid_t)v;
	if ((o->count || o->duration > 0) && o->interval <= 0) {
		nh_cli_error("inspect: --count and --duration go with --watch INTERVAL");
		return -1;
	}
	if (o->forecast && o->interval <= 0) {
		nh_cli_error("inspect: --forecast goes with --watch INTERVAL (a forecast needs samples)");
		return -1;
	}
	if (o->expect_spec && o->libvirt_xml) {
		nh_cli_error("inspect: give --expect or --libvirt-xml, not both");
		return -1;
	}
	return 0;
}

/* ---- checks ---- */

struct expectation {
	nh_policy_t policy;
	nh_lv_domain_t *domain;
};

static int evaluate(const struct inspect_opts *o, const struct expectation *x,
		    const nh_proc_snapshot_t *s, const nh_topo_t *topo, nh_ichecks_t *out, nh_err_t *err)
{
	if (o->expect_spec)
		nh_inspect_expect(s, &x->policy, o->min_share, out);
	else if (x->domain)
		return nh_inspect_libvirt(s, x->domain, topo, o->min_share, out, err);
	return 0;
}

/* The first failure of each check during a watch, detail prefixed with when it happened. */
static void note_failures(nh_ichecks_t *failures, const nh_ichecks_t *sample, double t)
{
	for (unsigned i = 0; i < sample->count; i++) {
		const nh_icheck_t *k = &sample->items[i];
		bool known = false;
		for (unsigned j = 0; j < failures->count && !known; j++)
			known = strcmp(failures->items[j].name, k->name) == 0;
		if (k->status == NH_CHECK_FAIL && !known)
			nh_ichecks_add(failures, NH_CHECK_FAIL, k->name, "t=%.1fs: %s", t, k->detail);
	}
}

/* A check that failed at some sample fails the watch, even if it passed again by the end. */
static void apply_failures(nh_ichecks_t *final, const nh_ichecks_t *failures)
{
	for (unsigned i = 0; i < failures->count; i++) {
		const nh_icheck_t *k = &failures->items[i];
		for (unsigned j = 0; j < final->count; j++) {
			nh_icheck_t *f = &final->items[j];
			if (strcmp(f->name, k->name) != 0 || f->status == NH_CHECK_FAIL)
				continue;
			if (f->status == NH_CHECK_PASS)
				final->passed--;
			else
				final->not_evaluated--;
			final->failed++;
			f->status = NH_CHECK_FAIL;
			char was[sizeof f->detail];
			snprintf(was, sizeof was, "%s", f->detail);
			/* Evidence for the eye: a long end detail is cut, and shows it. */
			nh_format_cut(f->detail, sizeof f->detail, "failed at %.400s; at the end: %s",
				      k->detail, was);
		}
	}
}

/* ---- text output ---- */

static void print_memory_table(const nh_proc_snapshot_t *s, const nh_topo_t *topo)
{
	unsigned nn = nh_topo_node_count(topo);
	char sz[32];
	printf("\n%-22s", "memory by node:");
	for (unsigned i = 0; i < nn; i++) {
		char head[16];
		snprintf(head, sizeof head, "node%d", nh_topo_node(topo, i)->id);
		printf("  %12s", head);
	}
	printf("  %12s\n", "total");
	static const char *const labels[NH_MEM_KINDS] = {"  anon", "  shmem", "  huge (hugetlb)",
							 "  file (page cache)"};
	for (unsigned k = 0; k < NH_MEM_KINDS; k++) {
		printf("%-22s", labels[k]);
		for (unsigned i = 0; i < nn; i++)
			printf("  %12s", nh_format_size(s->bytes_by_kind_node[k][nh_topo_node(topo, i)->id], sz, sizeof sz));
		printf("  %12s\n", nh_format_size(s->bytes_by_kind[k], sz, sizeof sz));
	}
	nh_memview_t own;
	nh_memview_of_process(s, &own);
	printf("%-22s", "  own (all but file)");
	for (unsigned i = 0; i < nn; i++) {
		int id = nh_topo_node(topo, i)->id;
		char cell[40];
		snprintf(cell, sizeof cell, "%.1f%%", own.total ? 100.0 * (double)own.by_node[id] / (double)own.total : 0.0);
		printf("  %12s", cell);
	}
	printf("  %12s\n", nh_format_size(own.total, sz, sizeof sz));
}

static void print_snapshot(const nh_proc_snapshot_t *s, const nh_topo_t *topo)
{
	char a[256], b[256];
	printf("process %d (%s): %s\n", (int)s->pid, s->comm, s->cmdline);
	if (s->thread_count && s->threads[0].tid == s->pid &&
	    (s->threads[0].state == 'Z' || s->threads[0].state == 'X'))
		printf("its main thread has exited; %u other thread(s) run on\n", s->thread_count - 1);
	if (s->cpuset_available && s->cgroup_count > 1)
		printf("cgroup cpuset: %u cgroups (main thread: %s): cpus %s, mems %s together\n",
		       s->cgroup_count, s->cgroup_path, nh_set_format(&s->cgroup_cpus, a, sizeof a),
		       nh_set_format(&s->cgroup_mems, b, sizeof b));
	else if (s->cpuset_available)
		printf("cgroup cpuset: %s: cpus %s, mems %s\n", s->cgroup_path,
		       nh_set_format(&s->cgroup_cpus, a, sizeof a), nh_set_format(&s->cgroup_mems, b, sizeof b));
	else
		printf("cgroup cpuset: unavailable: %s\n", s->cpuset_reason);
	printf("\nthreads (%u):\n  %-8s %-16s %-14s %-12s %-13s %-24s %s\n", s->thread_count, "TID",
	       "NAME", "ALLOWED CPUS", "ALLOWED MEMS", "LAST CPU/NODE", "MEMPOLICY", "SCHED");
	for (unsigned i = 0; i < s->thread_count; i++) {
		const nh_thread_t *t = &s->threads[i];
		char last[32];
		if (t->last_cpu < 0)
			snprintf(last, sizeof last, "?");
		else if (t->last_node < 0)
			snprintf(last, sizeof last, "%d/?", t->last_cpu);
		else
			snprintf(last, sizeof last, "%d/%d", t->last_cpu, t->last_node);
		printf("  %-8d %-16s %-14s %-12s %-13s %-24s %s", (int)t->tid, t->comm,
		       nh_set_format(&t->cpus_allowed, a, sizeof a), nh_set_format(&t->mems_allowed, b, sizeof b),
		       last, t->policy_known ? t->policy.text : "?", nh_sched_policy_name(t->sched_policy));
		if (t->rt_priority)
			printf(" %d", t->rt_priority);
		putchar('\n');
	}
	print_memory_table(s, topo);
	uint64_t own = nh_proc_own_bytes(s, NULL);
	bool header = false;
	for (unsigned i = 0; i < s->mapping_count; i++) {
		const nh_mapping_t *m = &s->mappings[i];
		if (!nh_inspect_mapping_notable(m, own))
			continue;
		if (!header) {
			printf("\nmappings with a policy of their own, or >= 1 MiB and 1%% of own memory:\n");
			header = true;
		}
		nh_memview_t v = {0};
		nh_memview_add_mapping(&v, m);
		char size[32], res[32], where[256];
		printf("  %012lx %-6s size %-10s resident %-10s %s%s: %s  %s\n", (unsigned long)m->start,
		       nh_mem_kind_name(m->kind),
		       nh_format_size(m->end > m->start ? m->end - m->start : 0, size, sizeof size),
		       nh_format_size(m->bytes, res, sizeof res), m->policy.text,
		       m->own_policy ? " (mbind)" : "", nh_memview_format(&v, where, sizeof where), m->name);
	}
}

static void print_drift(const nh_drift_t *d, const nh_topo_t *topo)
{
	printf("\ndrift over %.1f s (own memory by node):", d->seconds);
	for (unsigned i = 0; i < nh_topo_node_count(topo); i++) {
		int id = nh_topo_node(topo, i)->id;
		int64_t own = 0;
		for (unsigned k = 0; k < NH_MEM_KINDS; k++)
			if (k != NH_MEM_FILE)
				own += d->delta_by_kind_node[k][id];
		char sz[32];
		printf(" node%d %s%s", id, own < 0 ? "-" : "+",
		       nh_format_size((uint64_t)(own < 0 ? -own : own), sz, sizeof sz));
	}
	char moved[32];
	printf("; moved between nodes: at least %s",
	       nh_format_size(d->moved_bytes, moved, sizeof moved));
	if (d->pages_migrated != UINT64_MAX)
		printf("; NUMA balancing migrated %llu pages", (unsigned long long)d->pages_migrated);
	else
		printf("; NUMA balancing migrations: not reported by this kernel");
	putchar('\n');
}

static void print_sample_line(const nh_proc_snapshot_t *s, const nh_proc_snapshot_t *first,
			      const nh_topo_t *topo)
{
	nh_memview_t now, then;
	nh_memview_of_process(s, &now);
	nh_memview_of_process(first, &then);
	printf("t=%6.1fs own:", s->t - first->t);
	for (unsigned i = 0; i < nh_topo_node_count(topo); i++) {
		int id = nh_topo_node(topo, i)->id;
		char sz[32], dz[32];
		int64_t delta = (int64_t)(now.by_node[id] - then.by_node[id]);
		printf(" node%d %s (%s%s)", id, nh_format_size(now.by_node[id], sz, sizeof sz),
		       delta < 0 ? "-" : "+", nh_format_size((uint64_t)(delta < 0 ? -delta : delta), dz, sizeof dz));
	}
	printf("  threads %u\n", s->thread_count);
	fflush(stdout);
}

static void print_checks(const nh_ichecks_t *c, const char *against)
{
	printf("\nchecks against %s:\n", against);
	for (unsigned i = 0; i < c->count; i++) {
		const nh_icheck_t *k = &c->items[i];
		static const char *const tags[] = {"PASS", "FAIL", "N/A "};
		printf("  %s  %s: %s\n", tags[k->status], k->name, k->detail);
	}
	printf("verdict: %s (%u passed, %u failed, %u not evaluated)\n", c->failed ? "FAIL" : "PASS",
	       c->passed, c->failed, c->not_evaluated);
}

/* ---- the command ---- */

static int load_expectation(const struct inspect_opts *o, const nh_topo_t *topo,
			    struct expectation *x)
{
	nh_err_t err = {""};
	if (o->expect_spec && (nh_policy_parse(&x->policy, o->expect_spec, topo, &err) < 0 ||
			       nh_policy_validate(&x->policy, topo, &err) < 0)) {
		nh_cli_error("inspect: --expect: %s", err.msg);
		return -1;
	}
	if (!o->libvirt_xml)
		return 0;
	x->domain = calloc(1, sizeof *x->domain);
	if (!x->domain || nh_lv_domain_read(o->libvirt_xml, x->domain, &err) < 0 ||
	    nh_inspect_libvirt_validate(x->domain, topo, &err) < 0) {
		nh_cli_error("inspect: %s", x->domain ? err.msg : "out of memory");
		return -1;
	}
	return 0;
}

/* Sleep \p seconds unless interrupted. */
static void nap(double seconds)
{
	struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
	while (!interrupted && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Sample every interval until --count, --duration, the process's exit or a signal. \p last
 * gets the last snapshot (first's storage when there was only one), \p checks its verdicts with
 * every earlier failure kept. Returns 0, or -1 after printing the error. */
/* --forecast: add \p s to the forecast, print its line or put it in the sample's JSON.
 * Returns 0, or -1 with errno ESRCH when the process is gone. */
static int forecast_sample(const struct inspect_opts *o, nh_live_forecast_t *lf,
			   const nh_proc_snapshot_t *s, json_t *sample, nh_err_t *err)
{
	if (!lf)
		return 0;
	if (nh_live_forecast_add(lf, s, err) < 0)
		return -1;
	if (o->json) {
		json_t *f = nh_forecast_json(nh_live_forecast_result(lf), NULL);
		if (f)
			json_object_set_new(sample, "forecast", f);
		return 0;
	}
	char line[2048];
	nh_live_forecast_line(lf, line, sizeof line);
	printf("  %s\n", line);
	fflush(stdout);
	return 0;
}

static int watch(const struct inspect_opts *o, const struct expectation *x, const nh_topo_t *topo,
		 const nh_proc_snapshot_t *first, nh_proc_snapshot_t *last, nh_ichecks_t *checks,
		 json_t *samples, nh_live_forecast_t *lf)
{
	struct sigaction sa = {.sa_handler = on_interrupt};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	nh_ichecks_t failures = {0};
	nh_err_t err = {""};
	note_failures(&failures, checks, 0);
	if (!o->json)
		print_sample_line(first, first, topo);
	json_t *sample = nh_proc_sample_json(first, first->t, topo);
	json_array_append_new(samples, sample);
	*last = *first;
	int rc = 0;
	bool gone = false; /* between its first snapshot and the reads beside it */
	if (forecast_sample(o, lf, first, sample, &err) < 0) {
		if (!o->json)
			printf("process %d exited\n", (int)o->pid);
		gone = true;
	}
	for (unsigned long n = 1; !gone && !interrupted && (!o->count || n < o->count); n++) {
		if (o->duration > 0 && nh_now() - first->t + o->interval > o->duration + 1e-3)
			break;
		nap(o->interval);
		if (interrupted)
			break;
		nh_proc_snapshot_t s;
		if (nh_proc_snapshot_take(o->pid, topo, &s, &err) < 0) {
			if (errno == ESRCH) {
				if (!o->json)
					printf("process %d exited\n", (int)o->pid);
				break;
			}
			nh_cli_error("inspect: %s", err.msg);
			rc = -1;
			break;
		}
		if (!o->json)
			print_sample_line(&s, first, topo);
		sample = nh_proc_sample_json(&s, first->t, topo);
		json_array_append_new(samples, sample);
		if (forecast_sample(o, lf, &s, sample, &err) < 0 && errno == ESRCH) {
			/* gone between the snapshot and the reads beside it */
			if (!o->json)
				printf("process %d exited\n", (int)o->pid);
			nh_proc_snapshot_free(&s);
			break;
		}
		nh_ichecks_t now = {0};
		if (evaluate(o, x, &s, topo, &now, &err) < 0) { /* cannot happen after the first */
			nh_cli_error("inspect: %s", err.msg);
			rc = -1;
		}
		note_failures(&failures, &now, s.t - first->t);
		nh_ichecks_free(checks);
		*checks = now;
		if (last->threads != first->threads)
			nh_proc_snapshot_free(last);
		*last = s;
		if (rc < 0)
			break;
	}
	apply_failures(checks, &failures);
	nh_ichecks_free(&failures);
	return rc;
}

int nh_cli_inspect(int argc, char **argv)
{
	struct inspect_opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? NH_EXIT_OK : NH_EXIT_ERROR;
	nh_err_t err = {""};
	nh_topo_t *topo = nh_cli_load_topo(&err);
	if (!topo) {
		nh_cli_error("inspect: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	struct expectation x = {0};
	nh_proc_snapshot_t first = {0}, last = {0};
	nh_ichecks_t checks = {0};
	json_t *samples = json_array();
	nh_live_forecast_t *lf = NULL;
	int status = NH_EXIT_ERROR;
	if (load_expectation(&o, topo, &x) < 0)
		goto out;
	if (nh_proc_snapshot_take(o.pid, topo, &first, &err) < 0 ||
	    evaluate(&o, &x, &first, topo, &checks, &err) < 0) {
		nh_cli_error("inspect: %s", err.msg);
		goto out;
	}
	bool checking = o.expect_spec || x.domain;
	if (o.forecast && !(lf = nh_live_forecast_new(o.pid, topo))) {
		nh_cli_error("inspect: out of memory for the forecast");
		goto out;
	}
	if (o.interval > 0) {
		if (watch(&o, &x, topo, &first, &last, &checks, samples, lf) < 0)
			goto out_last;
	} else {
		last = first;
	}
	nh_drift_t drift;
	nh_inspect_drift(&first, &last, &drift);
	if (o.json) {
		json_t *doc = nh_proc_snapshot_json(&last, topo);
		if (o.interval > 0) {
			json_object_set_new(doc, "samples", samples);
			samples = NULL;
			json_object_set_new(doc, "drift", nh_drift_json(&drift, topo));
			if (lf)
				json_object_set_new(doc, "forecast",
						    nh_forecast_json(nh_live_forecast_result(lf), NULL));
		}
		if (checking) {
			json_object_set_new(doc, "expect", json_string(o.expect_spec ? o.expect_spec : o.libvirt_xml));
			json_object_set_new(doc, "checks", nh_ichecks_json(&checks));
			json_object_set_new(doc, "verdict", json_string(checks.failed ? "fail" : "pass"));
		}
		char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) : NULL;
		json_decref(doc);
		if (!text) {
			nh_cli_error("inspect: could not encode the JSON document (out of memory)");
			status = NH_EXIT_ERROR;
			goto out_last;
		}
		puts(text);
		free(text);
	} else {
		if (o.interval > 0)
			putchar('\n');
		print_snapshot(&last, topo);
		if (o.interval > 0)
			print_drift(&drift, topo);
		if (checking)
			print_checks(&checks, o.expect_spec ? o.expect_spec : o.libvirt_xml);
	}
	status = checks.failed ? NH_EXIT_CHECK_FAILED : NH_EXIT_OK;
out_last:
	if (last.threads != first.threads)
		nh_proc_snapshot_free(&last);
out:
	nh_proc_snapshot_free(&first);
	nh_ichecks_free(&checks);
	json_decref(samples);
	nh_live_forecast_free(lf);
	free(x.domain);
	nh_topo_free(topo);
	return status;
}
