/* End-to-end tests of the host identity: `run`, `bench` and `matrix` write --host-id, --label,
 * NH_HOST_ID, the engine context and the firmware facts into manifest.json, read back through the
 * results module (nh_mv_identity, nh_mv_label, nh_mv_engine) and shown in the report; bad ones
 * are one line and exit 2, before any results directory exists. */
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

#include "identity.h"
#include "proc.h"
#include "results.h"
#include "util.h"

#define SERVER_DMI "NH_DMI_DIR=" NH_SOURCE_DIR "/tests/data/dmi/server"

/* The variables these tests set in the child: none of them may come from the outside. */
static int clean_env(void **state)
{
	static const char *const vars[] = {"NH_HOST_ID",	  "NH_ANSIBLE_HOST",	"SLURM_JOB_ID",
					   "SLURMD_NODENAME",	  "SLURM_JOB_PARTITION", "KUBERNETES_SERVICE_HOST",
					   "NODE_NAME",		  "NH_DMI_DIR",		"NH_RESULTS_DIR"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
		unsetenv(vars[i]);
	(void)state;
	return 0;
}

static void out_dir(char *buf, size_t len, const char *tmp)
{
	assert_true((size_t)snprintf(buf, len, "%s/r", tmp) < len);
}

/* run the identity scenario into OUT with extra arguments and environment; asserts exit 0. */
static void run_ok(const char *out, const char *const *extra, char *const *env)
{
	char *argv[16] = {NH_BIN, "run", "tests/e2e/identity.lua", "--out", (char *)out, "--quiet"};
	int n = 6;
	for (const char *const *e = extra; e && *e; e++)
		argv[n++] = (char *)*e;
	argv[n] = NULL;
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, env, &r), 0);
	if (r.status != 0)
		fail_msg("exit %d: %s", r.status, r.err);
	nh_proc_free(&r);
}

static nh_results_t *load(const char *dir)
{
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	if (!r)
		fail_msg("%s", err.msg);
	return r;
}

static const char *hostname(void)
{
	static struct utsname u;
	assert_int_equal(uname(&u), 0);
	return u.nodename;
}

/* --host-id and two labels, Slurm's and Ansible's variables and a server's DMI files: all in the
 * manifest, read back by the results module, and in the report's host section. */
static void run_writes_identity(void **state)
{
	char *tmp = nh_tmpdir(), out[600];
	out_dir(out, sizeof out, tmp);
	const char *extra[] = {"--host-id", "x", "--label", "cohort=gen3", "--label", "rack=r1", NULL};
	char *env[] = {SERVER_DMI, "NH_HOST_ID=not-this-one", "SLURM_JOB_ID=4242",
		       "SLURMD_NODENAME=n001", "NH_ANSIBLE_HOST=web-17", NULL};
	run_ok(out, extra, env);
	nh_results_t *r = load(out);
	const nh_mv_t *m = nh_results_manifest(r);
	nh_mv_identity_t id = nh_mv_identity(m);
	assert_string_equal(nh_str_or(id.id, "?"), "x");
	assert_string_equal(nh_str_or(id.id_source, "?"), "--host-id");
	assert_string_equal(nh_str_or(id.hostname, "?"), hostname());
	assert_string_equal(nh_str_or(nh_mv_label(m, "cohort"), "?"), "gen3");
	assert_string_equal(nh_str_or(nh_mv_label(m, "rack"), "?"), "r1");
	assert_false(nh_mv_label(m, "row").present);
	assert_string_equal(nh_str_or(nh_mv_engine(m, "slurm", "job_id"), "?"), "4242");
	assert_string_equal(nh_str_or(nh_mv_engine(m, "slurm", "node"), "?"), "n001");
	assert_string_equal(nh_str_or(nh_mv_engine(m, "ansible", "host"), "?"), "web-17");
	assert_false(nh_mv_engine(m, "kubernetes", "node").present);
	assert_string_equal(nh_str_or(id.bios_vendor, "?"), "Dell Inc.");
	assert_string_equal(nh_str_or(id.bios_version, "?"), "2.19.1");
	assert_string_equal(nh_str_or(id.product_name, "?"), "PowerEdge R650");
	assert_string_equal(nh_str_or(id.board_name, "?"), "0PYXKY");
	nh_results_free(r);
	char *manifest = NULL, *report = NULL, path[700];
	snprintf(path, sizeof path, "%s/manifest.json", out);
	assert_non_null(manifest = nh_read_file(path, NULL, NULL));
	assert_null(strstr(manifest, "SECRET")); /* product_serial and product_uuid are never read */
	snprintf(path, sizeof path, "%s/report.md", out);
	assert_non_null(report = nh_read_file(path, NULL, NULL));
	assert_non_null(strstr(report, "| host id | x (from --host-id) |\n"));
	assert_non_null(strstr(report, "| labels | cohort=gen3, rack=r1 |\n"));
	assert_non_null(strstr(report, "| started by | Ansible host web-17; Slurm job 4242 on node n001 |\n"));
	assert_non_null(strstr(report, "| BIOS | Dell Inc. 2.19.1, 03/07/2024 |\n"));
	assert_non_null(strstr(report, "| board | Dell Inc. 0PYXKY |\n"));
	free(manifest);
	free(report);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* NH_HOST_ID without the flag; neither: the hostname. A DMI directory that is not there: each
 * fact absent with that reason. */
static void env_and_hostname(void **state)
{
	char *tmp = nh_tmpdir(), out[600];
	out_dir(out, sizeof out, tmp);
	char *env[] = {"NH_HOST_ID=rack3-web17", "NH_DMI_DIR=/nonexistent/dmi", NULL};
	run_ok(out, NULL, env);
	nh_results_t *r = load(out);
	nh_mv_identity_t id = nh_mv_identity(nh_results_manifest(r));
	assert_string_equal(nh_str_or(id.id, "?"), "rack3-web17");
	assert_string_equal(nh_str_or(id.id_source, "?"), "NH_HOST_ID");
	assert_false(id.bios_version.present);
	assert_string_equal(id.bios_version.why, "no DMI directory /nonexistent/dmi: the firmware gave "
						 "no DMI table, or sysfs is not mounted");
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	const char *k, *v;
	assert_false(nh_mv_label_next(nh_results_manifest(r), &it, &k, &v));
	it = NH_RV_ITER_INIT;
	assert_false(nh_mv_engine_next(nh_results_manifest(r), &it, &k));
	nh_results_free(r);
	nh_rm_rf(tmp);

	if (nh_host_id_check(hostname(), NULL) == 0) {
		char *env2[] = {SERVER_DMI, NULL};
		run_ok(out, NULL, env2);
		r = load(out);
		id = nh_mv_identity(nh_results_manifest(r));
		assert_string_equal(nh_str_or(id.id, "?"), hostname());
		assert_string_equal(nh_str_or(id.id_source, "?"), "hostname");
		nh_results_free(r);
		nh_rm_rf(tmp);
	}
	free(tmp);
	(void)state;
}

/* bench and matrix take the same flags (one option table). */
static void bench_takes_the_flags(void **state)
{
	char *tmp = nh_tmpdir(), out[600];
	out_dir(out, sizeof out, tmp);
	char *argv[] = {NH_BIN, "bench", "stream", "size=1M", "threads=1", "ntimes=2", "--label",
			"cohort=gen2", "--host-id", "b-1", "--out", out, "--quiet", NULL};
	nh_proc_result_t p;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, NULL, &p), 0);
	if (p.status != 0)
		fail_msg("exit %d: %s", p.status, p.err);
	nh_proc_free(&p);
	nh_results_t *r = load(out);
	assert_string_equal(nh_str_or(nh_mv_identity(nh_results_manifest(r)).id, "?"), "b-1");
	assert_string_equal(nh_str_or(nh_mv_label(nh_results_manifest(r), "cohort"), "?"), "gen2");
	nh_results_free(r);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* Every bad identity: exit 2, one line naming what is wrong, nothing on stdout, no directory. */
static void bad_identity(void **state)
{
	static const struct {
		const char *cmd, *opt, *value, *env, *msg;
	} cases[] = {
		{"run", "--label", "cohort", NULL,
		 "numaharness: run: --label: label 'cohort' is not key=value\n"},
		{"run", "--label", "co hort=gen3", NULL,
		 "numaharness: run: --label: label 'co hort=gen3': key 'co hort' may hold only A-Z a-z 0-9 _ . -\n"},
		{"bench", "--label", "cohort=", NULL,
		 "numaharness: bench: --label: label 'cohort=' has an empty value\n"},
		{"matrix", "--label", "=x", NULL, "numaharness: matrix: --label: label '=x' has an empty key\n"},
		{"run", "--host-id", "rack/web", NULL,
		 "numaharness: run: --host-id: host id 'rack/web' contains '/' (it names a directory)\n"},
		{"bench", "--host-id", "", NULL, "numaharness: bench: --host-id: host id is empty\n"},
		{"matrix", "--host-id", "0123456789012345678901234567890123456789012345678901234567890123",
		 NULL,
		 "numaharness: matrix: --host-id: host id '0123456789012345678901234567890123456789012345678"
		 "901234567890123' is 64 bytes long (at most 63)\n"},
		{"run", NULL, NULL, "NH_HOST_ID=../etc",
		 "numaharness: NH_HOST_ID: host id '../etc' contains '/' (it names a directory)\n"},
		{"bench", NULL, NULL, "NH_HOST_ID=web\t1",
		 "numaharness: NH_HOST_ID: host id has a byte that is not printable ASCII (0x09 at 3)\n"},
	};
	char *tmp = nh_tmpdir(), out[600];
	out_dir(out, sizeof out, tmp);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[16] = {NH_BIN, (char *)cases[i].cmd};
		int n = 2;
		if (strcmp(cases[i].cmd, "run") == 0)
			argv[n++] = "tests/e2e/identity.lua";
		else if (strcmp(cases[i].cmd, "bench") == 0)
			argv[n++] = "stream";
		else
			argv[n++] = "latency";
		argv[n++] = "size=1M";
		if (strcmp(cases[i].cmd, "run") == 0)
			n--; /* a scenario takes no name=value */
		if (cases[i].opt) {
			argv[n++] = (char *)cases[i].opt;
			argv[n++] = (char *)cases[i].value;
		}
		argv[n++] = "--out";
		argv[n++] = out;
		argv[n] = NULL;
		char *env[] = {(char *)cases[i].env, NULL};
		nh_proc_result_t r;
		assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, env, &r), 0);
		if (r.status != 2 || strcmp(r.err, cases[i].msg) != 0)
			fail_msg("case %zu: exit %d, stderr '%s' (wanted '%s')", i, r.status, r.err, cases[i].msg);
		assert_string_equal(r.out, "");
		struct stat st;
		assert_int_equal(stat(out, &st), -1); /* nothing written */
		nh_proc_free(&r);
	}
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_writes_identity),
		cmocka_unit_test(env_and_hostname),
		cmocka_unit_test(bench_takes_the_flags),
		cmocka_unit_test(bad_identity),
	};
	return cmocka_run_group_tests(tests, clean_env, NULL);
}
