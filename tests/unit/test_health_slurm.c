/* Unit tests of healthcheck --drain's pieces (harness/health/health_slurm.c): State= and Reason=
 * from `scontrol show node NAME -o` lines captured from Slurm 22.05 (idle, drained by the health
 * check, by an admin, by a burn-in, in a maintenance reservation, draining with a job, down, not
 * responding: tests/fixtures/health/scontrol/), the drain/resume/leave decision for each, finding
 * scontrol, and running a program without a shell under a timeout. */
#include <errno.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../e2e/proc.h"
#include "health_slurm.h"

#define CAPTURES NH_HEALTH_FIXTURES "/scontrol/"

static nh_slurm_node_t parse_capture(const char *name)
{
	char path[600];
	snprintf(path, sizeof path, CAPTURES "%s.txt", name);
	char *text = nh_read_file(path, NULL, NULL);
	assert_non_null(text);
	nh_slurm_node_t s;
	nh_err_t err;
	if (nh_slurm_parse_node(text, "n1", &s, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	free(text);
	return s;
}

/* What slurmctld reported, exactly; the " [root@time]" it adds is not part of the reason. */
static void parse_captures(void **state)
{
	static const struct {
		const char *capture, *state, *reason;
		bool out;
	} cases[] = {
		{"idle", "IDLE", "", false},
		{"drain-health", "IDLE+DRAIN", "numaharness health: nodes: 1 NUMA node, expected 7", true},
		{"drain-admin", "IDLE+DRAIN", "admin: DIMM B2 replaced, memtest pending", true},
		{"drain-burnin", "IDLE+DRAIN", "numaharness: check failed: nodes = 7: 1 node != 7", true},
		{"drain-maint", "IDLE+DRAIN+MAINTENANCE+RESERVED",
		 "numaharness: node0 local triad -65% vs cohort", true},
		{"draining-health", "MIXED+DRAIN", "numaharness health: thp: always, expected madvise", true},
		{"down-admin", "DOWN", "admin down [x] a=b", true},
		{"notresponding", "DOWN+DRAIN+NOT_RESPONDING",
		 "numaharness health: nodes: 1 NUMA node, expected 2", true},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		nh_slurm_node_t s = parse_capture(cases[i].capture);
		if (strcmp(s.state, cases[i].state) != 0 || strcmp(s.reason, cases[i].reason) != 0)
			fail_msg("%s: got State=%s Reason='%s'", cases[i].capture, s.state, s.reason);
		if (nh_slurm_node_is_out(&s) != cases[i].out)
			fail_msg("%s: out should be %d", cases[i].capture, cases[i].out);
	}
	(void)state;
}

static void parse_odd(void **state)
{
	nh_slurm_node_t s;
	nh_err_t err;
	/* the multi-line form (without -o), a reason holding a stamp-like text of its own */
	assert_int_equal(nh_slurm_parse_node("NodeName=n1 Arch=x86_64 CoresPerSocket=1\n"
					     "   State=IDLE+DRAIN ThreadsPerCore=1 TmpDisk=0\n"
					     "   Reason=copied [bob@2026-12-01T00:00:00] note "
					     "[root@2026-12-06T08:03:06]\n",
					     "n1", &s, &err),
			 0);
	assert_string_equal(s.state, "IDLE+DRAIN");
	assert_string_equal(s.reason, "copied [bob@2026-12-01T00:00:00] note");
	/* a later Slurm's field after the stamp is not part of the reason */
	assert_int_equal(nh_slurm_parse_node("NodeName=n1 State=DOWN Reason=r r [slurm@2026-12-06T08:03:06] "
					     "Comment=x\n", "n1", &s, &err), 0);
	assert_string_equal(s.reason, "r r");
	/* another node's line, or no State= */
	assert_int_equal(nh_slurm_parse_node("NodeName=n10 State=IDLE\n", "n1", &s, &err), -1);
	assert_string_equal(err.msg, "no NodeName=n1 in what it printed");
	assert_int_equal(nh_slurm_parse_node("NodeName=n1 Arch=x86_64\n", "n1", &s, &err), -1);
	assert_string_equal(err.msg, "no State= for node n1 in what it printed");
	/* an admin's UTF-8 reason: ours are ASCII, what is shown of theirs too */
	assert_int_equal(nh_slurm_parse_node("NodeName=n1 State=IDLE+DRAIN Reason=M\xc3\xbcller: DIMM\n",
					     "n1", &s, &err), 0);
	assert_string_equal(s.reason, "M??ller: DIMM");
	/* NextState= is not State= */
	assert_int_equal(nh_slurm_parse_node("NodeName=n1 NextState=RESUME State=IDLE\n", "n1", &s,
					     &err), 0);
	assert_string_equal(s.state, "IDLE");
	assert_string_equal(s.reason, "");
	static const struct {
		const char *state;
		bool out;
	} states[] = {{"ALLOCATED", false}, {"MIXED+COMPLETING", false}, {"IDLE+FAIL", true},
		      {"drained", true},    {"down*", true},		 {"IDLE+NOT_RESPONDING", false},
		      {"FUTURE", false},    {"IDLE+MAINTENANCE+RESERVED", false}};
	for (size_t i = 0; i < NH_ARRAY_LEN(states); i++) {
		snprintf(s.state, sizeof s.state, "%s", states[i].state);
		if (nh_slurm_node_is_out(&s) != states[i].out)
			fail_msg("%s: out should be %d", states[i].state, states[i].out);
	}
	static const struct {
		const char *state;
		bool maint;
	} maint[] = {{"IDLE+MAINTENANCE+RESERVED", true}, {"IDLE+DRAIN+MAINTENANCE+RESERVED", true},
		     {"maint", true},			  {"IDLE+RESERVED", false},
		     {"IDLE", false},			  {"MAINTENANCE_X", false}};
	for (size_t i = 0; i < NH_ARRAY_LEN(maint); i++) {
		snprintf(s.state, sizeof s.state, "%s", maint[i].state);
		if (nh_slurm_node_in_maintenance(&s) != maint[i].maint)
			fail_msg("%s: in maintenance should be %d", maint[i].state, maint[i].maint);
	}
	(void)state;
}

/* The decision for every state the captures show, after a failure and after a pass. */
static void drain_plans(void **state)
{
	static const struct {
		const char *capture;
		bool failed, unknown;
		const char *reason; /* the report's */
		enum nh_drain_step step;
		const char *action;
	} cases[] = {
		{"idle", true, false, "nodes: 1 NUMA node, expected 2", NH_DRAIN_DRAIN, "drained"},
		{"drain-admin", true, false, "nodes: 1 NUMA node, expected 2", NH_DRAIN_NOTHING,
		 "left: drained by someone else (admin: DIMM B2 replaced, memtest pending)"},
		{"down-admin", true, false, "nodes: 1 NUMA node, expected 2", NH_DRAIN_NOTHING,
		 "left: drained by someone else (admin down [x] a=b)"},
		{"drain-health", true, false, "nodes: 1 NUMA node, expected 7", NH_DRAIN_NOTHING, "none"},
		{"drain-health", true, false, "nodes: 1 NUMA node, expected 2", NH_DRAIN_DRAIN, "drained"},
		{"draining-health", true, false, "nodes: 1 NUMA node, expected 2", NH_DRAIN_DRAIN,
		 "drained"},
		{"drain-burnin", true, false, "nodes: 1 NUMA node, expected 2", NH_DRAIN_NOTHING,
		 "left: drained by the burn-in (numaharness: check failed: nodes = 7: 1 node != 7)"},
		{"idle", false, false, "", NH_DRAIN_NOTHING, "none"},
		{"drain-health", false, false, "", NH_DRAIN_RESUME, "resumed"},
		{"draining-health", false, false, "", NH_DRAIN_RESUME, "resumed"},
		{"notresponding", false, false, "", NH_DRAIN_RESUME, "resumed"},
		{"drain-health", false, true, "", NH_DRAIN_NOTHING,
		 "left: not resumed while a check is unknown (numaharness health: nodes: 1 NUMA node, "
		 "expected 7)"},
		{"drain-burnin", false, false, "", NH_DRAIN_NOTHING,
		 "left: drained by the burn-in (numaharness: check failed: nodes = 7: 1 node != 7)"},
		/* in a maintenance reservation (a burn-in at work): left either way */
		{"drain-maint", false, false, "", NH_DRAIN_NOTHING,
		 "left: in a maintenance reservation (a burn-in or an admin at work)"},
		{"drain-maint", true, false, "validation: never validated", NH_DRAIN_NOTHING,
		 "left: in a maintenance reservation (a burn-in or an admin at work)"},
		{"maint", true, false, "validation: last validation FAIL (2026-12-06)", NH_DRAIN_NOTHING,
		 "left: in a maintenance reservation (a burn-in or an admin at work)"},
		{"maint", false, false, "", NH_DRAIN_NOTHING,
		 "left: in a maintenance reservation (a burn-in or an admin at work)"},
		{"drain-admin", false, false, "", NH_DRAIN_NOTHING,
		 "left: drained by someone else (admin: DIMM B2 replaced, memtest pending)"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		nh_slurm_node_t s = parse_capture(cases[i].capture);
		nh_health_report_t r = {.failed = cases[i].failed, .unknown = cases[i].unknown};
		snprintf(r.reason, sizeof r.reason, "%s", cases[i].reason);
		nh_drain_plan_t p;
		nh_health_drain_plan(&r, &s, &p);
		if (p.step != cases[i].step || strcmp(p.action, cases[i].action) != 0)
			fail_msg("case %zu (%s, %s): got step %d '%s'", i, cases[i].capture,
				 cases[i].failed ? "failed" : "passed", p.step, p.action);
		if (p.step == NH_DRAIN_DRAIN) {
			char want[600];
			snprintf(want, sizeof want, "numaharness health: %s", cases[i].reason);
			assert_string_equal(p.reason, want);
		}
	}
	/* A node down with no reason at all (never seen from slurmctld, but possible) */
	nh_slurm_node_t s = {.state = "DOWN"};
	nh_health_report_t r = {.failed = true, .reason = "x: y"};
	nh_drain_plan_t p;
	nh_health_drain_plan(&r, &s, &p);
	assert_string_equal(p.action, "left: drained by someone else (no reason given)");
	(void)state;
}

/* nh_slurm_find_scontrol with exactly these variables of the process environment set. */
static int find_with(const char *given, const char *nh_scontrol, const char *path_var, char *path,
		     size_t len, nh_err_t *err)
{
	if (nh_scontrol)
		setenv("NH_SCONTROL", nh_scontrol, 1);
	else
		unsetenv("NH_SCONTROL");
	if (path_var)
		setenv("PATH", path_var, 1);
	else
		unsetenv("PATH");
	return nh_slurm_find_scontrol(given, nh_env_process, NULL, path, len, err);
}

static void find_scontrol(void **state)
{
	char path[4096], link[700], *saved_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	nh_err_t err;
	const char *fake = NH_HEALTH_FIXTURES "/fake-scontrol";
	assert_int_equal(find_with(fake, NULL, NULL, path, sizeof path, &err), 0);
	assert_string_equal(path, fake);
	assert_int_equal(find_with("/nonexistent/scontrol", NULL, NULL, path, sizeof path, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "--scontrol /nonexistent/scontrol: not an executable file");
	assert_int_equal(find_with(NULL, NH_HEALTH_FIXTURES, NULL, path, sizeof path, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "NH_SCONTROL=" NH_HEALTH_FIXTURES ": not an executable file");
	assert_int_equal(find_with(NULL, "/bin/true", "/nonexistent", path, sizeof path, &err), 0);
	assert_string_equal(path, "/bin/true");

	/* from PATH: the first directory holding an executable scontrol, empty entries skipped */
	char *tmp = nh_tmpdir(), path_var[800];
	snprintf(link, sizeof link, "%s/scontrol", tmp);
	assert_int_equal(symlink(fake, link), 0);
	snprintf(path_var, sizeof path_var, "::/nonexistent:%s", tmp);
	assert_int_equal(find_with(NULL, NULL, path_var, path, sizeof path, &err), 0);
	assert_string_equal(path, link);

	/* no PATH (what slurmd gives a health check): /usr/bin/scontrol, where Slurm puts it */
	int rc = find_with(NULL, NULL, NULL, path, sizeof path, &err);
	if (access("/usr/bin/scontrol", X_OK) == 0) {
		assert_int_equal(rc, 0);
		assert_string_equal(path, "/usr/bin/scontrol");
	} else {
		assert_int_equal(rc, -1);
		assert_int_equal(errno, ENOENT);
		assert_string_equal(err.msg, "scontrol not found (searched PATH and /usr/bin/scontrol; "
					     "--scontrol PATH or NH_SCONTROL=PATH names it)");
	}
	if (saved_path)
		setenv("PATH", saved_path, 1);
	unsetenv("NH_SCONTROL");
	free(saved_path);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* Running a program: its output and exit status; one that cannot start; one that outlives its
 * timeout is killed with what it started (its process group), and the call returns. */
static void run_programs(void **state)
{
	char *out = NULL;
	nh_err_t err;
	char *echo[] = {"echo", "State=IDLE", NULL};
	assert_int_equal(nh_slurm_run("/bin/echo", echo, 5, &out, &err), 0);
	assert_string_equal(out, "State=IDLE\n");
	free(out);

	/* the site's SLURM_TIME_FORMAT does not reach scontrol: the reason's stamp has one shape */
	setenv("SLURM_TIME_FORMAT", "relative", 1);
	char *fmt[] = {"sh", "-c", "echo \"$SLURM_TIME_FORMAT\"", NULL};
	assert_int_equal(nh_slurm_run("/bin/sh", fmt, 5, &out, &err), 0);
	assert_string_equal(out, "standard\n");
	free(out);
	unsetenv("SLURM_TIME_FORMAT");

	char *fails[] = {"sh", "-c", "echo 'slurm_load_node error: Unable to contact slurm controller' >&2; "
				     "exit 1", NULL};
	assert_int_equal(nh_slurm_run("/bin/sh", fails, 5, &out, &err), 1);
	char said[200];
	nh_slurm_last_line(out, said, sizeof said);
	assert_string_equal(said, "slurm_load_node error: Unable to contact slurm controller");
	free(out);

	char *missing[] = {"scontrol", "show", NULL};
	assert_int_equal(nh_slurm_run("/nonexistent/scontrol", missing, 5, &out, &err), -1);
	assert_null(out);
	assert_string_equal(err.msg, "cannot run /nonexistent/scontrol: No such file or directory");

	char *tmp = nh_tmpdir(), marker[600], script[900];
	snprintf(marker, sizeof marker, "%s/child.pid", tmp);
	/* a child that leaves a grandchild holding the pipe, both sleeping (for ever, as far as
	 * this test goes: a call that did not kill them would not return before ctest's timeout) */
	snprintf(script, sizeof script, "sleep 100000 & echo $! > %s; sleep 100000", marker);
	char *hangs[] = {"scontrol", "-c", script, NULL};
	assert_int_equal(nh_slurm_run("/bin/sh", hangs, 0.3, &out, &err), -1);
	assert_null(out);
	assert_string_equal(err.msg, "scontrol did not finish in 0.3 s (killed)");
	char *pid_text = nh_read_file(marker, NULL, NULL);
	assert_non_null(pid_text);
	pid_t grandchild = (pid_t)atoi(pid_text);
	free(pid_text);
	/* the grandchild was killed with its group (a zombie of init at most, never running) */
	for (int i = 0; i < 200 && kill(grandchild, 0) == 0; i++) {
		char stat_path[64], *st;
		snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int)grandchild);
		st = nh_read_file(stat_path, NULL, NULL);
		bool zombie = st && strstr(st, ") Z ");
		free(st);
		if (zombie)
			break;
		usleep(10000);
	}
	char stat_path[64];
	snprintf(stat_path, sizeof stat_path, "/proc/%d/stat", (int)grandchild);
	char *st = nh_read_file(stat_path, NULL, NULL);
	assert_true(!st || strstr(st, ") Z "));
	free(st);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_captures),
		cmocka_unit_test(parse_odd),
		cmocka_unit_test(drain_plans),
		cmocka_unit_test(find_scontrol),
		cmocka_unit_test(run_programs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
