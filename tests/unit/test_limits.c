/* Unit tests at every documented limit (README "Limits"): each limit itself is accepted and
 * works, one past it is refused with a message naming it. Run under the sanitizer build too,
 * where an overflow at a limit (like the worker's argument vector once) is a failure. */
#include <errno.h>
#include <limits.h>
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
#include "plan.h"
#include "policy.h"
#include "run.h"
#include "script.h"

extern const nh_workload_t nh_workload_stream;

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* ---- parameters: NH_MAX_PARAMS of them, names < 32 and values < 128 characters ---- */

static void params_at_the_limit(void **state)
{
	nh_params_t p = {0};
	nh_err_t err;
	char name[64], value[256];
	for (unsigned i = 0; i < NH_MAX_PARAMS; i++) {
		snprintf(name, sizeof name, "p%u", i);
		assert_int_equal(nh_params_set(&p, name, "v", &err), 0);
	}
	assert_int_equal(p.count, NH_MAX_PARAMS);
	assert_int_equal(nh_params_set(&p, "p0", "again", &err), 0); /* replacing is not adding */
	assert_int_equal(nh_params_set(&p, "one-more", "v", &err), -1);
	assert_int_equal(errno, E2BIG);
	assert_string_equal(err.msg, "too many parameters (at most 32)");

	nh_params_t q = {0};
	memset(name, 'n', 31);
	name[31] = '\0';
	memset(value, 'v', 127);
	value[127] = '\0';
	assert_int_equal(nh_params_set(&q, name, value, &err), 0);
	assert_int_equal(strlen(q.kv[0].name), 31);
	assert_int_equal(strlen(q.kv[0].value), 127);
	name[31] = 'n';
	name[32] = '\0';
	assert_int_equal(nh_params_set(&q, name, "v", &err), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	value[127] = 'v';
	value[128] = '\0';
	assert_int_equal(nh_params_set(&q, "short", value, &err), -1);
	assert_non_null(strstr(err.msg, "name or value too long"));
	(void)state;
}

/* The worker's command line with every option present (report fd, workload, policy, LLC, an
 * expected node set, a series file, scratch space, the run's cgroup) and NH_MAX_PARAMS parameters: every one
 * arrives, in order. This once wrote past the end of argv. */
static void worker_argv_with_every_option_and_all_params(void **state)
{
	char *dir = nh_tmpdir(), worker[PATH_MAX], argfile[PATH_MAX], scratch[PATH_MAX];
	assert_non_null(dir);
	snprintf(worker, sizeof worker, "%s/worker.sh", dir);
	snprintf(argfile, sizeof argfile, "%s/argv", dir);
	snprintf(scratch, sizeof scratch, "%s/tmp", dir);
	write_text(worker, "#!/bin/sh\nprintf '%s\\n' \"$@\" >\"$(dirname \"$0\")/argv\"\nexit 1\n");
	assert_int_equal(chmod(worker, 0755), 0);
	assert_int_equal(mkdir(scratch, 0755), 0);

	nh_err_t err;
	nh_topo_t *topo = nh_topo_load_system(&err);
	assert_non_null(topo);
	static nh_run_spec_t spec;
	memset(&spec, 0, sizeof spec);
	spec.wl = &nh_workload_stream;
	spec.timeout_s = 30;
	char node[16];
	snprintf(node, sizeof node, "membind=%d", nh_topo_node(topo, 0)->id);
	assert_int_equal(nh_policy_parse(&spec.policy, node, topo, &err), 0);
	for (unsigned i = 0; i < NH_MAX_PARAMS; i++) {
		char name[16], value[16];
		snprintf(name, sizeof name, "p%u", i);
		snprintf(value, sizeof value, "v%u", i);
		assert_int_equal(nh_params_set(&spec.params, name, value, &err), 0);
	}
	nh_runner_opts_t ro = {.worker_path = worker, .topo = topo, .placement_threshold = 0.99,
			       .oom_score_adj = INT_MIN, .scratch_dir = scratch, .results_dir = dir};
	static nh_record_t rec;
	assert_int_equal(nh_run_one(&ro, &spec, &rec, &err), 0);
	assert_int_equal(rec.outcome, NH_OUTCOME_FAILED); /* the stand-in writes no report */

	char *args = nh_read_file(argfile, NULL, NULL);
	assert_non_null(args);
	for (const char *opt = "--report-fd\n--workload\nstream\n--policy\n"; *opt;) {
		const char *nl = strchr(opt, '\n');
		char want[32];
		snprintf(want, sizeof want, "%.*s\n", (int)(nl - opt), opt);
		assert_non_null(strstr(args, want));
		opt = nl + 1;
	}
	assert_non_null(strstr(args, "--llc\n"));
	assert_non_null(strstr(args, "--expect\n"));
	assert_non_null(strstr(args, "--series\n"));
	assert_non_null(strstr(args, "--scratch\n"));
	if (rec.run_cgroup.available) /* its own cgroup, where the host lets us make one */
		assert_non_null(strstr(args, "--cgroup\n"));
	const char *params = strstr(args, "\n--\n");
	assert_non_null(params);
	params += 4;
	for (unsigned i = 0; i < NH_MAX_PARAMS; i++) {
		char want[32];
		snprintf(want, sizeof want, "p%u=v%u\n", i, i);
		assert_true(strncmp(params, want, strlen(want)) == 0);
		params += strlen(want);
	}
	assert_string_equal(params, "");
	free(args);
	nh_topo_free(topo);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* ---- nodes and CPUs: NH_MAX_NODES nodes, CPU sets of NH_SET_BITS ---- */

static nh_topo_t *synthetic(const char *desc, nh_err_t *err)
{
	nh_topo_t *t = nh_topo_load_synthetic(desc, NULL, err);
	if (t) { /* not about this process's cpuset: the whole synthetic machine is allowed */
		nh_host_facts_t *f = nh_topo_facts_mut(t);
		f->allowed_mems = *nh_topo_all_nodes(t);
		f->allowed_cpus = *nh_topo_all_cpus(t);
	}
	return t;
}

static void nodes_and_cpus_at_the_limit(void **state)
{
	nh_err_t err;
	/* 64 nodes of 64 CPUs: 4096 CPUs, the most a set holds */
	nh_topo_t *t = synthetic("node:64 core:64 pu:1", &err);
	if (!t)
		fail_msg("64 nodes: %s", err.msg);
	assert_int_equal(nh_topo_node_count(t), NH_MAX_NODES);
	assert_int_equal(nh_set_count(nh_topo_all_cpus(t)), NH_SET_BITS);
	nh_policy_t p;
	static const char *const ok[] = {"membind=63", "interleave=all", "preferred-many=0-63",
					 "physcpubind=4095", "cpunodebind=63 membind=0-63",
					 "weighted-interleave=0:3,63:1"};
	for (size_t i = 0; i < NH_ARRAY_LEN(ok); i++) {
		if (nh_policy_parse(&p, ok[i], t, &err) < 0 || nh_policy_validate(&p, t, &err) < 0)
			fail_msg("%s: %s", ok[i], err.msg);
	}
	assert_int_equal(nh_set_count(&p.mem_nodes), 2);
	assert_int_equal(nh_policy_parse(&p, "interleave=all", t, &err), 0);
	assert_int_equal(nh_set_count(&p.mem_nodes), 64);
	assert_int_equal(nh_policy_parse(&p, "membind=64", t, &err) == 0 &&
				 nh_policy_validate(&p, t, &err) == 0,
			 0);
	assert_non_null(strstr(err.msg, "node 64 is out of range (largest is 63)"));
	nh_topo_free(t);

	t = synthetic("node:65 core:1 pu:1", &err);
	assert_null(t);
	assert_non_null(strstr(err.msg, "more than 64 NUMA nodes"));

	nh_set_t s;
	assert_int_equal(nh_set_parse(&s, "0-4095", &err), 0);
	assert_int_equal(nh_set_count(&s), 4096);
	assert_int_equal(nh_set_parse(&s, "4096", &err), -1);
	assert_int_equal(nh_set_parse(&s, "0-4096", &err), -1);
	(void)state;
}

/* A policy as typed may be up to 1023 characters, its normalised spec (policy.spec[256]) up
 * to 255: a CPU list of exactly that length is accepted, one character more is refused. */
static void policy_spec_length(void **state)
{
	nh_err_t err;
	nh_topo_t *t = synthetic("node:4 core:64 pu:1", &err);
	assert_non_null(t);
	char spec[1100] = "physcpubind=0";
	size_t len = strlen(spec);
	for (unsigned cpu = 1;; cpu++) {
		char next[16];
		int n = snprintf(next, sizeof next, ",%u", cpu);
		if (len + (size_t)n > 255)
			break;
		memcpy(spec + len, next, (size_t)n + 1);
		len += (size_t)n;
	}
	/* pad the first CPU ("0" → "000") to exactly 255 characters */
	size_t pad = 255 - len;
	memmove(spec + 12 + pad, spec + 12, len - 12 + 1);
	memset(spec + 12, '0', pad);
	assert_int_equal(strlen(spec), 255);
	nh_policy_t p;
	if (nh_policy_parse(&p, spec, t, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(p.spec, spec);
	memmove(spec + 13, spec + 12, 255 - 12 + 1);
	assert_int_equal(nh_policy_parse(&p, spec, t, &err), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "': spec is too long (at most 255 characters)"));

	/* as typed: spaces are only separators, up to 1023 characters in all */
	memset(spec, ' ', 1023);
	memcpy(spec, "membind=0", 9);
	spec[1023] = '\0';
	assert_int_equal(nh_policy_parse(&p, spec, t, &err), 0);
	assert_string_equal(p.spec, "membind=0");
	spec[1023] = ' ';
	spec[1024] = '\0';
	assert_int_equal(nh_policy_parse(&p, spec, t, &err), -1);
	assert_non_null(strstr(err.msg, "spec is too long"));
	nh_topo_free(t);
	(void)state;
}

/* ---- scenarios: NH_MAX_VALUES values a list, NH_MAX_PARAMS a run, NH_SCRIPT_MAX_PARAMS
 * param() declarations and --set values ---- */

static nh_plan_t *load(const char *dir, const char *text, nh_err_t *err, char *const *sets, unsigned nsets)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/limits.lua", dir);
	write_text(path, text);
	static nh_topo_t *topo;
	if (!topo)
		topo = synthetic("node:2 core:2 pu:1", err);
	assert_non_null(topo);
	nh_script_t *s = nh_script_new(topo, false, err);
	assert_non_null(s);
	if (nh_script_set_params(s, sets, nsets, err) < 0) {
		nh_script_free(s);
		return NULL;
	}
	nh_scenario_info_t *info = calloc(1, sizeof *info);
	assert_non_null(info);
	nh_plan_t *plan = nh_script_load_plan(s, path, info, err);
	nh_expect_set_free(info->expects);
	free(info);
	nh_script_free(s);
	return plan;
}

static void scenario_lists_and_params(void **state)
{
	char *dir = nh_tmpdir(), text[8192];
	assert_non_null(dir);
	nh_err_t err;
	/* 32 sizes: accepted, 32 configurations */
	int n = snprintf(text, sizeof text, "local s = {}\nfor i = 1, %d do s[i] = i .. 'M' end\n"
					    "return scenario { run { workload = 'stream', params = { size = s } } }\n",
			 NH_MAX_VALUES);
	assert_true(n > 0);
	nh_plan_t *plan = load(dir, text, &err, NULL, 0);
	if (!plan)
		fail_msg("%s", err.msg);
	assert_int_equal(nh_plan_config_count(plan), NH_MAX_VALUES);
	nh_plan_free(plan);
	snprintf(text, sizeof text, "local s = {}\nfor i = 1, %d do s[i] = i .. 'M' end\n"
				    "return scenario { run { workload = 'stream', params = { size = s } } }\n",
		 NH_MAX_VALUES + 1);
	assert_null(load(dir, text, &err, NULL, 0));
	assert_non_null(strstr(err.msg, "limits.lua:3: parameter 'size' has more than 32 values"));

	/* 64 param() declarations and 64 --set values; one more of either is refused */
	size_t used = 0;
	for (int i = 0; i < NH_SCRIPT_MAX_PARAMS; i++)
		used += (size_t)snprintf(text + used, sizeof text - used, "local p%d = param('p%d', %d)\n", i, i, i);
	snprintf(text + used, sizeof text - used, "return scenario { run { workload = 'stream' } }\n");
	char *sets[NH_SCRIPT_MAX_PARAMS + 1], buf[NH_SCRIPT_MAX_PARAMS + 1][16];
	for (int i = 0; i <= NH_SCRIPT_MAX_PARAMS; i++) {
		snprintf(buf[i], sizeof buf[i], "p%d=%d", i, i + 1);
		sets[i] = buf[i];
	}
	plan = load(dir, text, &err, sets, NH_SCRIPT_MAX_PARAMS);
	if (!plan)
		fail_msg("%s", err.msg);
	nh_plan_free(plan);
	assert_null(load(dir, text, &err, sets, NH_SCRIPT_MAX_PARAMS + 1));
	assert_string_equal(err.msg, "--set: too many values (at most 64)");
	snprintf(text + used, sizeof text - used,
		 "local extra = param('extra', 1)\nreturn scenario { run { workload = 'stream' } }\n");
	assert_null(load(dir, text, &err, NULL, 0));
	assert_non_null(strstr(err.msg, "declares 65 parameters (at most 64)"));
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* A run's source ("file:line", 160 bytes) from a scenario path longer than that keeps its tail,
 * where the file name and line are. */
static void long_scenario_path(void **state)
{
	nh_err_t err;
	nh_topo_t *t = synthetic("node:1 core:2 pu:1", &err);
	assert_non_null(t);
	nh_plan_t *plan = nh_plan_new(t);
	char source[400];
	memset(source, 'd', 300);
	snprintf(source + 300, sizeof source - 300, "/scenarios/x.lua:12");
	nh_plan_group_t g = {.workload = "stream", .reps = 1, .source = source};
	assert_int_equal(nh_plan_add_group(plan, &g, &err), 0);
	const char *got = nh_plan_run(plan, 0)->source;
	assert_int_equal(strlen(got), sizeof nh_plan_run(plan, 0)->source - 1);
	assert_true(strncmp(got, "...ddd", 6) == 0);
	assert_non_null(strstr(got, "ddd/scenarios/x.lua:12"));
	assert_string_equal(got + strlen(got) - 19, "/scenarios/x.lua:12");
	nh_plan_free(plan);
	nh_topo_free(t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(params_at_the_limit),
		cmocka_unit_test(worker_argv_with_every_option_and_all_params),
		cmocka_unit_test(nodes_and_cpus_at_the_limit),
		cmocka_unit_test(policy_spec_length),
		cmocka_unit_test(scenario_lists_and_params),
		cmocka_unit_test(long_scenario_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
