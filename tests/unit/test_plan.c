/* Unit tests of plan: expansion of scenario groups into run specs on a synthetic 2-node machine,
 * and the errors that name the scenario line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

static nh_topo_t *two_nodes(void)
{
	nh_err_t err;
	nh_topo_t *t = nh_topo_load_synthetic("pack:2 [numa(2GB)] core:2 pu:1", NULL, &err);
	assert_non_null(t);
	return t;
}

static void expands_every_combination(void **state)
{
	nh_topo_t *t = two_nodes();
	nh_plan_t *plan = nh_plan_new(t);
	const char *pols[] = {"membind=0", "membind=1", "interleave=all"};
	nh_plan_group_t g = {
		.workload = "stream",
		.param_count = 2,
		.params = {{"size", 2, {"1M", "2M"}}, {"threads", 3, {"1", "2", "all"}}},
		.policies = pols,
		.policy_count = 3,
		.reps = 2,
		.warmup = 1,
		.timeout_s = 30,
		.source = "x.lua:4",
	};
	nh_err_t err;
	assert_int_equal(nh_plan_add_group(plan, &g, &err), 0);
	/* 2 sizes × 3 thread counts × 3 policies = 18 configurations × (1 warm-up + 2 reps). */
	assert_int_equal(nh_plan_config_count(plan), 18);
	assert_int_equal(nh_plan_count(plan), 54);
	const nh_run_spec_t *r0 = nh_plan_run(plan, 0), *r1 = nh_plan_run(plan, 1), *r3 = nh_plan_run(plan, 3);
	assert_true(r0->warmup);
	assert_false(r1->warmup);
	assert_int_equal(r1->rep, 0);
	assert_int_equal(nh_plan_run(plan, 2)->rep, 1);
	assert_int_equal(r0->config, r1->config);
	assert_int_equal(r3->config, 1);
	assert_string_equal(r0->policy.spec, "membind=0");
	assert_string_equal(r3->policy.spec, "membind=1");
	assert_string_equal(nh_params_get(&r0->params, "size"), "1M");
	/* Defaults are filled in, so a record always lists every parameter. */
	assert_non_null(nh_params_get(&r0->params, "ntimes"));
	assert_true(r0->timeout_s == 30);
	assert_string_equal(r0->source, "x.lua:4");
	/* interleave=all resolved against the machine. */
	assert_int_equal(nh_set_count(&nh_plan_run(plan, 6)->policy.mem_nodes), 2);
	unsigned indexes_ok = 1;
	for (unsigned i = 0; i < nh_plan_count(plan); i++)
		indexes_ok &= nh_plan_run(plan, i)->index == i;
	assert_true(indexes_ok);
	nh_plan_free(plan);
	nh_topo_free(t);
	(void)state;
}

static void default_policy_and_reps(void **state)
{
	nh_topo_t *t = two_nodes();
	nh_plan_t *plan = nh_plan_new(t);
	nh_plan_group_t g = {.workload = "stream", .reps = 3, .source = "y.lua:1"};
	nh_err_t err;
	assert_int_equal(nh_plan_add_group(plan, &g, &err), 0);
	assert_int_equal(nh_plan_count(plan), 3);
	assert_string_equal(nh_plan_run(plan, 0)->policy.spec, "default");
	assert_false(nh_plan_run(plan, 0)->skip);
	nh_plan_free(plan);
	nh_topo_free(t);
	(void)state;
}

static void errors_name_the_source(void **state)
{
	nh_topo_t *t = two_nodes();
	nh_plan_t *plan = nh_plan_new(t);
	nh_err_t err;
	const char *bad_node[] = {"membind=0", "membind=2"};
	nh_plan_group_t g = {.workload = "stream", .policies = bad_node, .policy_count = 2, .reps = 1,
			     .source = "s.lua:9"};
	assert_int_equal(nh_plan_add_group(plan, &g, &err), -1);
	assert_string_equal(err.msg, "s.lua:9: policy 'membind=2': node 2 does not exist (nodes: 0-1)");

	nh_plan_group_t g2 = {.workload = "nope", .reps = 1, .source = "s.lua:10"};
	assert_int_equal(nh_plan_add_group(plan, &g2, &err), -1);
	assert_string_equal(err.msg, "s.lua:10: unknown workload 'nope' (known: stream, chase, xcache, churn, filexfer, grow)");

	nh_plan_group_t g3 = {.workload = "stream", .reps = 1, .source = "s.lua:11", .param_count = 1,
			      .params = {{"size", 2, {"1M", "1Z"}}}};
	assert_int_equal(nh_plan_add_group(plan, &g3, &err), -1);
	assert_string_equal(err.msg, "s.lua:11: stream: parameter 'size': bad size '1Z': unknown unit 'Z' (use K, M, G or T)");
	/* Nothing half-added: failed groups leave the plan as it was. */
	assert_int_equal(nh_plan_count(plan), 0);
	nh_plan_free(plan);
	nh_topo_free(t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expands_every_combination),
		cmocka_unit_test(default_policy_and_reps),
		cmocka_unit_test(errors_name_the_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
