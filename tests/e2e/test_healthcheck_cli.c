/* End-to-end tests of `numaharness healthcheck`: the real binary against fixture sysfs/procfs
 * trees (--root) and match files — the text, --quiet, --json and --print-set outputs and their
 * exit statuses, where the node name and the match file come from, every bad input as one line
 * and exit 2 — and --drain against a stand-in scontrol (tests/fixtures/health/fake-scontrol) that
 * records its argv and prints `scontrol show node -o` lines captured from Slurm 22.05: exactly
 * which scontrol calls each node state and outcome makes. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"
#include "util.h"

#define FIX NH_HEALTH_FIXTURES
#define FAKE FIX "/fake-scontrol"

/* The variables healthcheck reads: none may come from the outside. */
static int clean_env(void **state)
{
	static const char *const vars[] = {"SLURMD_NODENAME", "NH_HEALTH_MATCH", "NH_SCONTROL",
					   "FAKE_SCONTROL_LOG", "FAKE_SCONTROL_SHOW",
					   "FAKE_SCONTROL_SHOW_EXIT", "FAKE_SCONTROL_UPDATE_EXIT"};
	for (size_t i = 0; i < NH_ARRAY_LEN(vars); i++)
		unsetenv(vars[i]);
	(void)state;
	return 0;
}

/* A temporary directory with a match file, where the stand-in scontrol logs its calls, and the
 * environment entries naming both. */
struct tmp {
	char *dir;
	char match[600], log[600];
	char match_env[700], log_env[700]; /* NH_HEALTH_MATCH=..., FAKE_SCONTROL_LOG=... */
};

static struct tmp tmp_with(const char *match_text)
{
	struct tmp t = {.dir = nh_tmpdir()};
	assert_non_null(t.dir);
	snprintf(t.match, sizeof t.match, "%s/nodes.conf", t.dir);
	snprintf(t.log, sizeof t.log, "%s/scontrol.log", t.dir);
	snprintf(t.match_env, sizeof t.match_env, "NH_HEALTH_MATCH=%s", t.match);
	snprintf(t.log_env, sizeof t.log_env, "FAKE_SCONTROL_LOG=%s", t.log);
	FILE *f = fopen(t.match, "w");
	assert_non_null(f);
	fputs(match_text, f);
	fclose(f);
	return t;
}

static void tmp_done(struct tmp *t)
{
	nh_rm_rf(t->dir);
	free(t->dir);
}

/* healthcheck ARGS... with extra environment entries; the result. */
static nh_proc_result_t hc(char *const *env, const char *const *args)
{
	char *argv[32] = {NH_BIN, "healthcheck"};
	int n = 2;
	for (const char *const *a = args; *a; a++)
		argv[n++] = (char *)*a;
	argv[n] = NULL;
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, env, &r), 0);
	return r;
}

static void expect(nh_proc_result_t *r, int status, const char *out, const char *err)
{
	if (r->status != status || (out && strcmp(r->out, out) != 0) || (err && strcmp(r->err, err) != 0))
		fail_msg("exit %d (expected %d)\n--- stdout:\n%s--- expected:\n%s--- stderr:\n%s"
			 "--- expected:\n%s",
			 r->status, status, r->out, out ? out : "(any)\n", r->err, err ? err : "(any)\n");
	nh_proc_free(r);
}

static const char *const TWO_NODE_MATCH =
	"# the fleet's expectations\n"
	"*          thp=madvise thp_defrag=madvise\n"
	"n[01-16]   nodes=2 cpus_per_node=32 node_memory=90G distance_min=11 distance_max=30\n"
	"n03        distances=10,21/21,10 numa_balancing=1\n"
	"n07        nodes=4\n";

/* The text output: a line a check, the verdict naming the node and the matching lines. */
static void text_pass_and_fail(void **state)
{
	struct tmp t = tmp_with(TWO_NODE_MATCH);
	const char *pass[] = {"--match", t.match, "--node", "n03", "--root", FIX "/2node", NULL};
	nh_proc_result_t r = hc(NULL, pass);
	char want[2000];
	snprintf(want, sizeof want,
		 "PASS  nodes: 2\n"
		 "PASS  cpus_per_node: 32 on each of 2 nodes\n"
		 "PASS  node_memory: least 94.1 GiB (node 0), at least 90 GiB (90G)\n"
		 "PASS  distance_min: least remote distance 21 (at least 11)\n"
		 "PASS  distance_max: largest remote distance 21 (at most 30)\n"
		 "PASS  distances: 10,21/21,10\n"
		 "PASS  thp: madvise\n"
		 "PASS  thp_defrag: madvise\n"
		 "PASS  numa_balancing: 1 (on)\n"
		 "SKIP  validation: not in the match entry\n"
		 "verdict: pass (node n03, %s lines 2, 3, 4)\n",
		 t.match);
	expect(&r, 0, want, "");

	const char *fail[] = {"--match", t.match, "--node", "n07", "--root", FIX "/2node", NULL};
	r = hc(NULL, fail);
	snprintf(want, sizeof want,
		 "FAIL  nodes: 2 NUMA nodes, expected 4\n"
		 "PASS  cpus_per_node: 32 on each of 2 nodes\n"
		 "PASS  node_memory: least 94.1 GiB (node 0), at least 90 GiB (90G)\n"
		 "PASS  distance_min: least remote distance 21 (at least 11)\n"
		 "PASS  distance_max: largest remote distance 21 (at most 30)\n"
		 "SKIP  distances: not in the match entry\n"
		 "PASS  thp: madvise\n"
		 "PASS  thp_defrag: madvise\n"
		 "SKIP  numa_balancing: not in the match entry\n"
		 "SKIP  validation: not in the match entry\n"
		 "verdict: fail (node n07, %s lines 2, 3, 5): nodes: 2 NUMA nodes, expected 4\n",
		 t.match);
	expect(&r, 1, want, "");

	/* unknown facts fail nothing, and the verdict says how many there were */
	const char *bare[] = {"--match", t.match, "--node", "n99", "--root", FIX "/1node-bare", NULL};
	r = hc(NULL, bare);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "UNKNOWN  thp: cannot read " FIX
				      "/1node-bare/sys/kernel/mm/transparent_hugepage/enabled: No "
				      "such file or directory\n"));
	snprintf(want, sizeof want, "verdict: pass (node n99, %s line 2), 2 checks unknown\n", t.match);
	assert_non_null(strstr(r.out, want));
	nh_proc_free(&r);
	tmp_done(&t);
	(void)state;
}

static void quiet_and_json(void **state)
{
	struct tmp t = tmp_with(TWO_NODE_MATCH);
	const char *pass[] = {"--match", t.match, "--node", "n03", "--root", FIX "/2node", "--quiet",
			      NULL};
	nh_proc_result_t r = hc(NULL, pass);
	expect(&r, 0, "", "");
	const char *fail[] = {"--match", t.match, "--node", "n03", "--root", FIX "/4node", "--quiet",
			      NULL};
	r = hc(NULL, fail);
	expect(&r, 1, "nodes: 4 NUMA nodes, expected 2\n", "");

	const char *json[] = {"--match", t.match, "--node", "n03", "--root", FIX "/4node", "--json",
			      NULL};
	r = hc(NULL, json);
	assert_int_equal(r.status, 1);
	json_error_t jerr;
	json_t *o = json_loads(r.out, 0, &jerr);
	if (!o)
		fail_msg("not JSON (%s): %s", jerr.text, r.out);
	assert_string_equal(json_string_value(json_object_get(o, "node")), "n03");
	assert_string_equal(json_string_value(json_object_get(o, "match")), t.match);
	json_t *lines = json_object_get(o, "lines");
	assert_int_equal(json_array_size(lines), 3);
	assert_int_equal(json_integer_value(json_array_get(lines, 2)), 4);
	json_t *entry = json_object_get(o, "entry");
	assert_int_equal(json_integer_value(json_object_get(entry, "nodes")), 2);
	assert_int_equal(json_integer_value(json_object_get(entry, "numa_balancing")), 1);
	assert_string_equal(json_string_value(json_object_get(entry, "distances")), "10,21/21,10");
	json_t *checks = json_object_get(o, "checks");
	assert_int_equal(json_array_size(checks), 9); /* validation: not in the entry */
	json_t *cpus = json_array_get(checks, 1);
	assert_string_equal(json_string_value(json_object_get(cpus, "name")), "cpus_per_node");
	assert_string_equal(json_string_value(json_object_get(cpus, "status")), "fail");
	assert_string_equal(json_string_value(json_object_get(cpus, "detail")),
			    "node 0 has 16 CPUs, expected 32 (and other nodes differ too)");
	assert_string_equal(json_string_value(json_object_get(o, "verdict")), "fail");
	assert_string_equal(json_string_value(json_object_get(o, "reason")),
			    "nodes: 4 NUMA nodes, expected 2");
	assert_string_equal(json_string_value(json_object_get(o, "action")), "none");
	json_decref(o);
	nh_proc_free(&r);
	tmp_done(&t);
	(void)state;
}

/* --print-set: bios-check's keys of the merged entry, nothing else; no entry, nothing. */
static void print_set(void **state)
{
	struct tmp t = tmp_with(TWO_NODE_MATCH);
	const char *n03[] = {"--match", t.match, "--node", "n03", "--print-set", NULL};
	nh_proc_result_t r = hc(NULL, n03);
	expect(&r, 0,
	       "nodes=2\ncpus_per_node=32\nnode_memory=90G\ndistance_min=11\ndistance_max=30\n", "");
	const char *n07[] = {"--match", t.match, "--node", "n07", "--print-set", NULL};
	r = hc(NULL, n07);
	expect(&r, 0,
	       "nodes=4\ncpus_per_node=32\nnode_memory=90G\ndistance_min=11\ndistance_max=30\n", "");
	const char *other[] = {"--match", t.match, "--node", "x1", "--print-set", NULL};
	r = hc(NULL, other); /* only the thp defaults: none of bios-check's */
	expect(&r, 0, "", "");
	tmp_done(&t);

	/* The README's example fleet: a rack's memory exception, a partition, a login node */
	const char *cn1300[] = {"--match", FIX "/example-fleet.conf", "--node", "cn1300", "--print-set",
				NULL};
	r = hc(NULL, cn1300);
	expect(&r, 0,
	       "nodes=2\ncpus_per_node=128\nnode_memory=120G\ndistance_min=21\ndistance_max=21\n", "");
	const char *gpu017[] = {"--match", FIX "/example-fleet.conf", "--node", "gpu017", "--print-set",
				NULL};
	r = hc(NULL, gpu017);
	expect(&r, 0, "nodes=4\ncpus_per_node=32\nnode_memory=120G\ndistance_min=11\ndistance_max=32\n",
	       "");
	const char *login2[] = {"--match", FIX "/example-fleet.conf", "--node", "login2", "--json",
				"--root", FIX "/1node", "--now", "1796515200", NULL};
	r = hc(NULL, login2);
	assert_int_equal(r.status, 1); /* 2 CPUs, not 32 */
	json_error_t jerr;
	json_t *o = json_loads(r.out, 0, &jerr);
	assert_non_null(o);
	json_t *entry = json_object_get(o, "entry");
	assert_string_equal(json_string_value(json_object_get(entry, "validation_max_age")), "365d");
	assert_string_equal(json_string_value(json_object_get(entry, "validation")),
			    "/shared/numaharness/nodes");
	assert_string_equal(json_string_value(json_object_get(entry, "thp")), "madvise");
	json_t *lines = json_object_get(o, "lines");
	assert_int_equal(json_array_size(lines), 4);
	json_decref(o);
	nh_proc_free(&r);
	(void)state;
}

/* The node from --node, else SLURMD_NODENAME, else the short hostname; the match file from
 * --match, else NH_HEALTH_MATCH. No matching line: one line, exit 0. */
static void where_names_come_from(void **state)
{
	struct tmp t = tmp_with("n[1-3] nodes=1\n");
	char want[900];
	char *env_n2[] = {t.match_env, "SLURMD_NODENAME=n2", NULL};
	const char *root[] = {"--root", FIX "/1node", NULL};
	nh_proc_result_t r = hc(env_n2, root);
	snprintf(want, sizeof want, "verdict: pass (node n2, %s line 1)\n", t.match);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, want));
	nh_proc_free(&r);

	const char *node_wins[] = {"--root", FIX "/1node", "--node", "n9", NULL};
	r = hc(env_n2, node_wins);
	snprintf(want, sizeof want, "nothing to check: no line of %s matches node n9\n", t.match);
	expect(&r, 0, want, "");

	struct utsname u;
	assert_int_equal(uname(&u), 0);
	u.nodename[strcspn(u.nodename, ".")] = '\0';
	char *env_host[] = {t.match_env, NULL};
	r = hc(env_host, root);
	snprintf(want, sizeof want, "nothing to check: no line of %s matches node %s\n", t.match,
		 u.nodename);
	expect(&r, 0, want, "");

	const char *quiet[] = {"--root", FIX "/1node", "--node", "n9", "--quiet", NULL};
	r = hc(env_host, quiet);
	expect(&r, 0, "", "");
	const char *json[] = {"--root", FIX "/1node", "--node", "n9", "--json", NULL};
	r = hc(env_host, json);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "\"checks\": []"));
	assert_non_null(strstr(r.out, "\"verdict\": \"pass\""));
	nh_proc_free(&r);

	/* the default match file, where the package's configuration lives */
	const char *dflt[] = {"--node", "n1", NULL};
	r = hc(NULL, dflt);
	if (access("/etc/numaharness/nodes.conf", F_OK) != 0)
		expect(&r, 2, "",
		       "numaharness: healthcheck: cannot read the match file /etc/numaharness/nodes.conf: "
		       "No such file or directory (the default; --match FILE or NH_HEALTH_MATCH names "
		       "another)\n");
	else
		nh_proc_free(&r);
	tmp_done(&t);
	(void)state;
}

/* Every bad input: one line naming it, exit 2, nothing on stdout, and never a drain. */
static void bad_inputs(void **state)
{
	struct tmp t = tmp_with("* thp=madvise\n\nn[1-2] nodes=2 node_memory=lots\n");
	struct tmp good = tmp_with("n1 nodes=2\n");
	char want_line[900];
	snprintf(want_line, sizeof want_line,
		 "numaharness: healthcheck: %s:3: node_memory: bad size 'lots': expected a number "
		 "with an optional K/M/G/T suffix\n", t.match);
	char *env[] = {"FAKE_SCONTROL_SHOW=" FIX "/scontrol/idle.txt", t.log_env, NULL};
	const struct {
		const char *args[12];
		const char *err;
	} cases[] = {
		{{"--match", t.match, "--node", "n1", "--drain", "--scontrol", FAKE}, want_line},
		{{"--bogus"}, "numaharness: healthcheck: bad option '--bogus' (see numaharness "
			      "healthcheck --help)\n"},
		{{"extra"}, "numaharness: healthcheck: unexpected argument 'extra' (options only)\n"},
		{{"--match"}, "numaharness: healthcheck: bad option '--match' (see numaharness "
			      "healthcheck --help)\n"},
		{{"--match", good.match, "--now", "yesterday"},
		 "numaharness: healthcheck: --now: bad number 'yesterday' (unix seconds)\n"},
		{{"--match", good.match, "--node", "n1", "--root", "/nonexistent"},
		 "numaharness: healthcheck: --root /nonexistent: No such file or directory\n"},
		{{"--match", good.match, "--node", "n1", "--root", FAKE},
		 "numaharness: healthcheck: --root " FAKE ": not a directory\n"},
		{{"--match", good.match, "--node", "a/b"},
		 "numaharness: healthcheck: --node: node name 'a/b' has '/' (letters, digits, '.', '_' "
		 "and '-' only)\n"},
		{{"--match", good.match, "--node", ""}, "numaharness: healthcheck: --node: node name is "
							"empty\n"},
		{{"--match", good.match, "--json", "--quiet"},
		 "numaharness: healthcheck: --json and --quiet: pick one\n"},
		{{"--match", good.match, "--print-set", "--drain"},
		 "numaharness: healthcheck: --print-set prints the entry only: not with --drain, "
		 "--json or --quiet\n"},
		{{"--match", good.match, "--node", "n1", "--drain", "--scontrol", "/nonexistent/scontrol"},
		 "numaharness: healthcheck: --scontrol /nonexistent/scontrol: not an executable file\n"},
		{{"--match", "/nonexistent/nodes.conf", "--node", "n1"},
		 "numaharness: healthcheck: cannot read the match file /nonexistent/nodes.conf: No "
		 "such file or directory\n"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		nh_proc_result_t r = hc(env, cases[i].args);
		if (r.status != 2 || strcmp(r.err, cases[i].err) != 0 || r.out[0])
			fail_msg("case %zu: exit %d, stderr:\n%s--- expected:\n%s--- stdout:\n%s", i,
				 r.status, r.err, cases[i].err, r.out);
		nh_proc_free(&r);
	}
	assert_int_equal(access(t.log, F_OK), -1); /* scontrol was never run */
	char *bad_env[] = {"NH_SCONTROL=/nonexistent/scontrol", NULL};
	const char *args[] = {"--match", good.match, "--node", "n1", "--drain", NULL};
	nh_proc_result_t r = hc(bad_env, args);
	expect(&r, 2, "", "numaharness: healthcheck: NH_SCONTROL=/nonexistent/scontrol: not an "
			  "executable file\n");
	/* A distance_min above distance_max, once merged: bad input for that node only */
	struct tmp contra = tmp_with("* distance_min=30\nn1 distance_max=20\n");
	const char *c1[] = {"--match", contra.match, "--node", "n1", NULL};
	r = hc(NULL, c1);
	snprintf(want_line, sizeof want_line,
		 "numaharness: healthcheck: %s:2: distance_min 30 is above distance_max 20 (line 1) "
		 "for node n1\n", contra.match);
	expect(&r, 2, "", want_line);
	tmp_done(&contra);
	char *env_match[] = {"NH_HEALTH_MATCH=/nonexistent/x.conf", NULL};
	const char *n1[] = {"--node", "n1", NULL};
	r = hc(env_match, n1);
	expect(&r, 2, "", "numaharness: healthcheck: cannot read the match file /nonexistent/x.conf: "
			  "No such file or directory (from NH_HEALTH_MATCH)\n");
	tmp_done(&good);
	tmp_done(&t);
	(void)state;
}

/* ---- --drain against the stand-in scontrol ---- */

/* One --drain run: the node's canned state, the outcome expected, and the scontrol calls (the
 * argv log: a call a line, arguments separated by tabs). */
static void drain_case(const char *match_line, const char *root, const char *capture,
		       const char *extra_env, int status, const char *action, const char *calls)
{
	struct tmp t = tmp_with(match_line);
	char show_env[300];
	snprintf(show_env, sizeof show_env, "FAKE_SCONTROL_SHOW=" FIX "/scontrol/%s.txt", capture);
	char *env[] = {t.log_env, show_env, (char *)extra_env, NULL};
	const char *args[] = {"--match", t.match, "--node", "n1", "--root", root, "--drain",
			      "--scontrol", FAKE, "--json", NULL};
	nh_proc_result_t r = hc(env, args);
	json_error_t jerr;
	json_t *o = json_loads(r.out, 0, &jerr);
	if (r.status != status || !o ||
	    strcmp(json_string_value(json_object_get(o, "action")), action) != 0)
		fail_msg("%s on %s: exit %d (expected %d)\n%s%s", capture, root, r.status, status, r.out,
			 r.err);
	json_decref(o);
	nh_proc_free(&r);
	char *log = nh_read_file(t.log, NULL, NULL);
	assert_non_null(log);
	if (strcmp(log, calls) != 0)
		fail_msg("%s: scontrol calls:\n%s--- expected:\n%s", capture, log, calls);
	free(log);
	tmp_done(&t);
}

#define SHOW "show\tnode\tn1\t-o\n"
#define DRAIN(reason) "update\tNodeName=n1\tState=DRAIN\tReason=numaharness health: " reason "\n"
#define RESUME "update\tNodeName=n1\tState=RESUME\n"

/* A mismatch drains, except over an admin's reason or with the very same reason. */
static void drain_on_failure(void **state)
{
	const char *two = "n1 nodes=2\n", *seven = "n1 nodes=7\n";
	drain_case(two, FIX "/1node", "idle", NULL, 1, "drained",
		   SHOW DRAIN("nodes: 1 NUMA node, expected 2"));
	drain_case(two, FIX "/1node", "drain-admin", NULL, 1,
		   "left: drained by someone else (admin: DIMM B2 replaced, memtest pending)", SHOW);
	drain_case(two, FIX "/1node", "down-admin", NULL, 1,
		   "left: drained by someone else (admin down [x] a=b)", SHOW);
	drain_case(seven, FIX "/1node", "drain-health", NULL, 1, "none", SHOW);
	drain_case(two, FIX "/1node", "drain-health", NULL, 1, "drained",
		   SHOW DRAIN("nodes: 1 NUMA node, expected 2"));
	drain_case("n1 thp=never\n", FIX "/1node", "draining-health", NULL, 1, "drained",
		   SHOW DRAIN("thp: madvise, expected never"));
	/* a burn-in's drain holds evidence the health check cannot see: kept, never replaced */
	drain_case(two, FIX "/1node", "drain-burnin", NULL, 1,
		   "left: drained by the burn-in (numaharness: check failed: nodes = 7: 1 node != 7)",
		   SHOW);
	(void)state;
}

/* A pass resumes what the health check drained, and nothing else. */
static void resume_on_pass(void **state)
{
	const char *one = "n1 nodes=1\n";
	drain_case(one, FIX "/1node", "idle", NULL, 0, "none", SHOW);
	drain_case(one, FIX "/1node", "drain-health", NULL, 0, "resumed", SHOW RESUME);
	drain_case(one, FIX "/1node", "draining-health", NULL, 0, "resumed", SHOW RESUME);
	drain_case(one, FIX "/1node", "notresponding", NULL, 0, "resumed", SHOW RESUME);
	drain_case(one, FIX "/1node", "drain-burnin", NULL, 0,
		   "left: drained by the burn-in (numaharness: check failed: nodes = 7: 1 node != 7)",
		   SHOW);
	drain_case(one, FIX "/1node", "drain-maint", NULL, 0,
		   "left: in a maintenance reservation (a burn-in or an admin at work)", SHOW);
	/* a node a burn-in resumed into its reservation is not drained for the validation it is
	 * about to get: that would hold its job and the judge */
	drain_case("n1 nodes=7\n", FIX "/1node", "maint", NULL, 1,
		   "left: in a maintenance reservation (a burn-in or an admin at work)", SHOW);
	drain_case(one, FIX "/1node", "drain-admin", NULL, 0,
		   "left: drained by someone else (admin: DIMM B2 replaced, memtest pending)", SHOW);
	/* a check that could not tell: the node's state is left as it is */
	drain_case("n1 nodes=1 thp=madvise\n", FIX "/1node-bare", "drain-health", NULL, 0,
		   "left: not resumed while a check is unknown (numaharness health: nodes: 1 NUMA "
		   "node, expected 7)",
		   SHOW);
	(void)state;
}

/* scontrol failing: said on stderr in one line and in the action; a mismatch still exits 1, a
 * pass that could not reach Slurm exits 2. */
static void scontrol_failures(void **state)
{
	drain_case("n1 nodes=2\n", FIX "/1node", "idle", "FAKE_SCONTROL_SHOW_EXIT=1", 1,
		   "error: scontrol show node n1 -o: exit 1: Node n1 not found", SHOW);
	drain_case("n1 nodes=1\n", FIX "/1node", "idle", "FAKE_SCONTROL_SHOW_EXIT=1", 2,
		   "error: scontrol show node n1 -o: exit 1: Node n1 not found", SHOW);
	drain_case("n1 nodes=2\n", FIX "/1node", "idle", "FAKE_SCONTROL_UPDATE_EXIT=1", 1,
		   "error: scontrol update NodeName=n1 State=DRAIN Reason=numaharness health: nodes: 1 "
		   "NUMA node, expected 2: exit 1: slurm_update error: Invalid node state specified",
		   SHOW DRAIN("nodes: 1 NUMA node, expected 2"));
	drain_case("n1 nodes=1\n", FIX "/1node", "drain-health", "FAKE_SCONTROL_UPDATE_EXIT=1", 2,
		   "error: scontrol update NodeName=n1 State=RESUME: exit 1: slurm_update error: "
		   "Invalid node state specified",
		   SHOW RESUME);

	/* the text form: the error line on stderr, the action line after the verdict */
	struct tmp t = tmp_with("n1 nodes=2\n");
	char *env[] = {t.log_env, "FAKE_SCONTROL_SHOW_EXIT=1", NULL};
	const char *args[] = {"--match", t.match, "--node", "n1", "--root", FIX "/1node", "--drain",
			      "--scontrol", FAKE, "--quiet", NULL};
	nh_proc_result_t r = hc(env, args);
	expect(&r, 1, "nodes: 1 NUMA node, expected 2\n",
	       "numaharness: healthcheck: --drain: scontrol show node n1 -o: exit 1: Node n1 not found\n");
	tmp_done(&t);
	(void)state;
}

/* Which scontrol: --scontrol, else NH_SCONTROL, else the first scontrol on PATH. */
static void scontrol_lookup(void **state)
{
	struct tmp t = tmp_with("n1 nodes=2\n");
	char bin[700], path_env[800];
	snprintf(bin, sizeof bin, "%s/bin", t.dir);
	assert_int_equal(mkdir(bin, 0755), 0);
	snprintf(bin, sizeof bin, "%s/bin/scontrol", t.dir);
	assert_int_equal(symlink(FAKE, bin), 0);
	snprintf(path_env, sizeof path_env, "PATH=%s/bin:/usr/bin:/bin", t.dir);
	char *env[] = {t.log_env, "FAKE_SCONTROL_SHOW=" FIX "/scontrol/idle.txt", path_env, NULL};
	const char *args[] = {"--match", t.match, "--node", "n1", "--root", FIX "/1node", "--drain",
			      "--quiet", NULL};
	nh_proc_result_t r = hc(env, args);
	expect(&r, 1, "nodes: 1 NUMA node, expected 2\n", "");
	char *log = nh_read_file(t.log, NULL, NULL);
	assert_non_null(log);
	assert_string_equal(log, SHOW DRAIN("nodes: 1 NUMA node, expected 2"));
	free(log);
	unlink(t.log);
	char *env2[] = {t.log_env, "FAKE_SCONTROL_SHOW=" FIX "/scontrol/idle.txt",
			"NH_SCONTROL=" FAKE, "PATH=/nonexistent", NULL};
	r = hc(env2, args);
	expect(&r, 1, "nodes: 1 NUMA node, expected 2\n", "");
	assert_int_equal(access(t.log, F_OK), 0);
	tmp_done(&t);
	(void)state;
}

/* As slurmd runs a HealthCheckProgram: an environment of SLURMD_NODENAME alone (here with the
 * match file's and scontrol's variables a wrapper sets), no PATH, the cwd a log directory. */
static void slurmd_environment(void **state)
{
	struct tmp t = tmp_with("n[1-6] nodes=7\n");
	char *argv[] = {"/usr/bin/env", "-i", "SLURMD_NODENAME=n1", t.match_env, "NH_SCONTROL=" FAKE,
			t.log_env, "FAKE_SCONTROL_SHOW=" FIX "/scontrol/idle.txt", NH_BIN, "healthcheck",
			"--drain", "--quiet", "--root", FIX "/2node", NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(t.dir, argv, NULL, &r), 0);
	expect(&r, 1, "nodes: 2 NUMA nodes, expected 7\n", "");
	char *log = nh_read_file(t.log, NULL, NULL);
	assert_non_null(log);
	assert_string_equal(log, SHOW DRAIN("nodes: 2 NUMA nodes, expected 7"));
	free(log);
	tmp_done(&t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(text_pass_and_fail, clean_env),
		cmocka_unit_test_setup(quiet_and_json, clean_env),
		cmocka_unit_test_setup(print_set, clean_env),
		cmocka_unit_test_setup(where_names_come_from, clean_env),
		cmocka_unit_test_setup(bad_inputs, clean_env),
		cmocka_unit_test_setup(drain_on_failure, clean_env),
		cmocka_unit_test_setup(resume_on_pass, clean_env),
		cmocka_unit_test_setup(scontrol_failures, clean_env),
		cmocka_unit_test_setup(scontrol_lookup, clean_env),
		cmocka_unit_test_setup(slurmd_environment, clean_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
