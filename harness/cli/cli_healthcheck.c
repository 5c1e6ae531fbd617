/* SPDX-License-Identifier: MIT */
/* cli_healthcheck: `numaharness healthcheck` — the passive tier for Slurm's HealthCheckProgram
 * and NHC: this node's NUMA facts against its match-file entry and its last validation, in
 * seconds and without a workload; with --drain, the node drained (or resumed) through scontrol. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

#include "cli.h"
#include "health.h"
#include "health_slurm.h"

struct hc_opts {
	const char *match, *node, *root, *scontrol;
	bool drain, json, quiet, print_set;
	int64_t now;
};

static void healthcheck_usage(FILE *out)
{
	fputs("usage: numaharness healthcheck [--match FILE] [--node NAME] [--drain] [--json] [--quiet]\n"
	      "                               [--print-set] [--root DIR] [--scontrol PATH] [--now EPOCH]\n"
	      "  this node's NUMA facts (sysfs, procfs: no workload) against its entry in a match file,\n"
	      "  and its last validation record; seconds, for Slurm's HealthCheckProgram and NHC\n"
	      "  --match FILE     the match file (else $NH_HEALTH_MATCH, else " NH_HEALTH_MATCH_DEFAULT ");\n"
	      "                   lines 'PATTERNS key=value ...', every matching line applies in order\n"
	      "  --node NAME      the node's name (else $SLURMD_NODENAME, else the short hostname)\n"
	      "  --drain          on a mismatch: scontrol update State=DRAIN Reason=\"numaharness health:\n"
	      "                   ...\" (never over an admin's or a burn-in's reason); on a\n"
	      "                   pass: resume a node this check drained\n"
	      "  --json           one JSON object: node, match, entry, checks, verdict, reason, action\n"
	      "  --quiet          nothing on a pass; the reason, one line, on a mismatch\n"
	      "  --print-set      the entry's bios-check keys as key=value lines (for run --set)\n"
	      "  --root DIR       read DIR/sys and DIR/proc instead of /sys and /proc\n"
	      "  --scontrol PATH  the scontrol to run (else $NH_SCONTROL, else PATH, else /usr/bin)\n"
	      "  --now EPOCH      the time a validation record's age is measured against\n"
	      "Exit status: 0 pass (or nothing to check), 1 a mismatch, 2 bad input (or --drain could\n"
	      "not reach Slurm on a pass).\n",
	      out);
}

static int parse_opts(int argc, char **argv, struct hc_opts *o)
{
	static const struct option longopts[] = {
		{"match", required_argument, NULL, 'm'},    {"node", required_argument, NULL, 'n'},
		{"drain", no_argument, NULL, 'd'},	    {"json", no_argument, NULL, 'j'},
		{"quiet", no_argument, NULL, 'q'},	    {"print-set", no_argument, NULL, 'p'},
		{"root", required_argument, NULL, 'r'},	    {"scontrol", required_argument, NULL, 's'},
		{"now", required_argument, NULL, 't'},	    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	*o = (struct hc_opts){.now = (int64_t)time(NULL)};
	nh_err_t err;
	uint64_t v;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
		switch (c) {
		case 'm': o->match = optarg; break;
		case 'n': o->node = optarg; break;
		case 'd': o->drain = true; break;
		case 'j': o->json = true; break;
		case 'q': o->quiet = true; break;
		case 'p': o->print_set = true; break;
		case 'r': o->root = optarg; break;
		case 's': o->scontrol = optarg; break;
		case 't':
			if (nh_parse_uint(optarg, 0, INT64_MAX, &v, &err) < 0) {
				nh_cli_error("healthcheck: --now: %s (unix seconds)", err.msg);
				return -1;
			}
			o->now = (int64_t)v;
			break;
		case 'h': healthcheck_usage(stdout); return 1;
		default:
			nh_cli_error("healthcheck: bad option '%s' (see numaharness healthcheck --help)",
				     argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		nh_cli_error("healthcheck: unexpected argument '%s' (options only)", argv[optind]);
		return -1;
	}
	if (o->json && o->quiet) {
		nh_cli_error("healthcheck: --json and --quiet: pick one");
		return -1;
	}
	if (o->print_set && (o->drain || o->json || o->quiet)) {
		nh_cli_error("healthcheck: --print-set prints the entry only: not with --drain, --json "
			     "or --quiet");
		return -1;
	}
	struct stat st;
	if (o->root && stat(o->root, &st) < 0) {
		nh_cli_error("healthcheck: --root %s: %s", o->root, strerror(errno));
		return -1;
	}
	if (o->root && !S_ISDIR(st.st_mode)) {
		nh_cli_error("healthcheck: --root %s: not a directory", o->root);
		return -1;
	}
	return 0;
}

/* --node, else $SLURMD_NODENAME (what slurmd gives its health check), else the short hostname. */
static int node_name(const struct hc_opts *o, char buf[NH_HEALTH_NODE_MAX + 1])
{
	const char *from = "--node", *name = o->node;
	struct utsname u;
	if (!name && getenv("SLURMD_NODENAME") && *getenv("SLURMD_NODENAME")) {
		from = "SLURMD_NODENAME";
		name = getenv("SLURMD_NODENAME");
	}
	if (!name) {
		from = "the hostname";
		if (uname(&u) < 0) {
			nh_cli_error("healthcheck: no node name: uname: %s (give --node)", strerror(errno));
			return -1;
		}
		u.nodename[strcspn(u.nodename, ".")] = '\0';
		name = u.nodename;
	}
	nh_err_t err;
	if (nh_health_node_check(name, &err) < 0) {
		nh_cli_error("healthcheck: %s: %s", from, err.msg);
		return -1;
	}
	memcpy(buf, name, strlen(name) + 1); /* checked: at most NH_HEALTH_NODE_MAX bytes */
	return 0;
}

static void print_lines(const nh_health_entry_t *e, const char *match)
{
	printf("%s line%s ", match, e->line_count == 1 ? "" : "s");
	unsigned shown = e->line_count < NH_ARRAY_LEN(e->lines) ? e->line_count
								: (unsigned)NH_ARRAY_LEN(e->lines);
	for (unsigned i = 0; i < shown; i++)
		printf("%s%u", i ? ", " : "", e->lines[i]);
	if (shown < e->line_count)
		printf(", ...");
}

static void print_text(const char *node, const char *match, const nh_health_entry_t *e,
		       const nh_health_report_t *r, const char *action)
{
	static const char *const words[] = {[NH_HEALTH_PASS] = "PASS", [NH_HEALTH_FAIL] = "FAIL",
					    [NH_HEALTH_UNKNOWN] = "UNKNOWN", [NH_HEALTH_SKIP] = "SKIP"};
	unsigned unknown = 0;
	for (unsigned i = 0; i < r->count; i++) {
		const nh_health_check_t *c = &r->checks[i];
		printf("%s  %s: %s\n", words[c->status], nh_health_key_name(c->key), c->detail);
		unknown += c->status == NH_HEALTH_UNKNOWN;
	}
	printf("verdict: %s (node %s, ", r->failed ? "fail" : "pass", node);
	print_lines(e, match);
	printf(")");
	if (r->failed)
		printf(": %s", r->reason);
	else if (unknown)
		printf(", %u check%s unknown", unknown, unknown == 1 ? "" : "s");
	putchar('\n');
	if (action)
		printf("action: %s\n", action);
}

static int print_json(const char *node, const char *match, const nh_health_entry_t *e,
		      const nh_health_report_t *r, const char *action)
{
	char *text = nh_health_to_json(node, match, e, r, action ? action : "none");
	if (!text) {
		nh_cli_error("healthcheck: out of memory");
		return -1;
	}
	puts(text);
	free(text);
	return 0;
}

/* scontrol ARGS...: 0 when it exited 0, else -1 with what it said. */
static int scontrol(const char *path, char *const argv[], char **output, nh_err_t *err)
{
	char what[200] = "";
	for (unsigned i = 0; argv[i]; i++)
		nh_format_cut(what + strlen(what), sizeof what - strlen(what), "%s%s", i ? " " : "",
			      argv[i]);
	int rc = nh_slurm_run(path, argv, NH_SCONTROL_TIMEOUT_S, output, err);
	if (rc < 0)
		return nh_err_prefix(err, "%s", what);
	if (rc == 0)
		return 0;
	char said[300];
	nh_slurm_last_line(*output, said, sizeof said);
	free(*output);
	*output = NULL;
	return nh_err_set(err, "%s: exit %d%s%s", what, rc, said[0] ? ": " : "", said);
}

/* The node's state, the plan, and the update: the action done, or -1 with why not. */
static int drain_or_resume(const char *path, const char *node, const nh_health_report_t *r,
			   nh_drain_plan_t *plan, nh_err_t *err)
{
	char *out = NULL;
	char *show[] = {"scontrol", "show", "node", (char *)node, "-o", NULL};
	if (scontrol(path, show, &out, err) < 0)
		return -1;
	nh_slurm_node_t s;
	int rc = nh_slurm_parse_node(out, node, &s, err);
	free(out);
	if (rc < 0)
		return nh_err_prefix(err, "scontrol show node %s -o", node);
	nh_health_drain_plan(r, &s, plan);
	if (plan->step == NH_DRAIN_NOTHING)
		return 0;
	char name_arg[NH_HEALTH_NODE_MAX + 16], reason_arg[sizeof plan->reason + 8];
	snprintf(name_arg, sizeof name_arg, "NodeName=%s", node);
	snprintf(reason_arg, sizeof reason_arg, "Reason=%s", plan->reason);
	char *drain[] = {"scontrol", "update", name_arg, "State=DRAIN", reason_arg, NULL};
	char *resume[] = {"scontrol", "update", name_arg, "State=RESUME", NULL};
	rc = scontrol(path, plan->step == NH_DRAIN_DRAIN ? drain : resume, &out, err);
	free(out);
	return rc;
}

int nh_cli_healthcheck(int argc, char **argv)
{
	struct hc_opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? NH_EXIT_OK : NH_EXIT_ERROR;
	char node[NH_HEALTH_NODE_MAX + 1];
	if (node_name(&o, node) < 0)
		return NH_EXIT_ERROR;
	const char *match = o.match, *match_from = "";
	if (!match && getenv("NH_HEALTH_MATCH") && *getenv("NH_HEALTH_MATCH")) {
		match = getenv("NH_HEALTH_MATCH");
		match_from = " (from NH_HEALTH_MATCH)";
	} else if (!match) {
		match = NH_HEALTH_MATCH_DEFAULT;
		match_from = " (the default; --match FILE or NH_HEALTH_MATCH names another)";
	}
	nh_err_t err = {""};
	char scontrol_path[PATH_MAX] = "";
	bool have_scontrol = false;
	nh_err_t scontrol_err = {""};
	if (o.drain) {
		if (nh_slurm_find_scontrol(o.scontrol, nh_env_process, NULL, scontrol_path,
					   sizeof scontrol_path, &scontrol_err) == 0)
			have_scontrol = true;
		else if (errno == EINVAL) {
			nh_cli_error("healthcheck: %s", scontrol_err.msg);
			return NH_EXIT_ERROR;
		}
	}
	nh_health_match_t *m = nh_health_match_load(match, &err);
	if (!m) {
		bool unread = errno != EINVAL && errno != ENOMEM;
		nh_cli_error("healthcheck: %s%s", err.msg, unread ? match_from : "");
		return NH_EXIT_ERROR;
	}
	nh_health_entry_t *e = malloc(sizeof *e);
	int status = NH_EXIT_ERROR;
	if (!e) {
		nh_cli_error("healthcheck: out of memory");
		goto out;
	}
	int matched = nh_health_match_entry(m, node, e, &err);
	if (matched < 0) {
		nh_cli_error("healthcheck: %s", err.msg);
		goto out;
	}
	if (o.print_set) {
		for (int k = 0; k < NH_HK_COUNT; k++)
			if (e->v[k].set && nh_health_key_is_bios((enum nh_health_key)k))
				printf("%s=%s\n", nh_health_key_name((enum nh_health_key)k), e->v[k].text);
		status = NH_EXIT_OK;
		goto out;
	}
	nh_health_report_t r;
	if (matched == 0) {
		/* Nothing expected of this node: nothing to check, and nothing done in Slurm. */
		memset(&r, 0, sizeof r);
		if (o.json)
			print_json(node, match, e, &r, "none");
		else if (!o.quiet)
			printf("nothing to check: no line of %s matches node %s\n", match, node);
		status = NH_EXIT_OK;
		goto out;
	}
	nh_health_env_t env = {.root = o.root ? o.root : "", .now = o.now};
	nh_health_run(e, node, &env, &r);
	status = r.failed ? NH_EXIT_CHECK_FAILED : NH_EXIT_OK;
	char action[700];
	if (o.drain) {
		nh_drain_plan_t plan;
		if (!have_scontrol || drain_or_resume(scontrol_path, node, &r, &plan, &err) < 0) {
			const char *why = have_scontrol ? err.msg : scontrol_err.msg;
			nh_cli_error("healthcheck: --drain: %s", why);
			nh_format_cut(action, sizeof action, "error: %s", why);
			if (!r.failed)
				status = NH_EXIT_ERROR; /* a mismatch stays 1 */
		} else {
			snprintf(action, sizeof action, "%s", plan.action);
		}
	}
	if (o.json)
		print_json(node, match, e, &r, o.drain ? action : NULL);
	else if (o.quiet && r.failed)
		printf("%s\n", r.reason);
	else if (!o.quiet)
		print_text(node, match, e, &r, o.drain ? action : NULL);
out:
	free(e);
	nh_health_match_free(m);
	return status;
}
