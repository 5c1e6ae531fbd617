/* SPDX-License-Identifier: MIT */
/* Fuzz target: `run --set NAME=VALUE` values (one per line) given to a fixed tiny scenario that
 * declares a param() of each type — string, integer, float, boolean — and uses them where the
 * plan checks them (a workload size, a policy's node, an expectation's bound). */

#include "fuzz_common.h"
#include "script.h"

static const char scenario[] =
	"-- fuzz_scenario_set: one param() of each type, each used where the plan checks it\n"
	"local size = param(\"size\", \"1M\", \"a string: the stream arrays\")\n"
	"local node = param(\"node\", 0, \"an integer: the node to bind\")\n"
	"local ratio = param(\"ratio\", 1.3, \"a float: the latency ratio\")\n"
	"local quick = param(\"quick\", false, \"a boolean\")\n"
	"return scenario {\n"
	"  run { workload = \"stream\", params = { size = size, ntimes = quick and 2 or 3 },\n"
	"        policies = { \"membind=\" .. node }, reps = 1 },\n"
	"  expect { remote_local_latency_ratio = ratio },\n"
	"}\n";

static char path[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = nh_fuzz_scratch_dir();
	nh_fuzz_write(dir, "fuzz.lua", scenario, sizeof scenario - 1);
	snprintf(path, sizeof path, "%s/fuzz.lua", dir);
	nh_log_set_level(NH_LOG_ERROR);
	return 0;
}

struct sets {
	char *v[NH_SCRIPT_MAX_PARAMS + 1]; /* one more than allowed, as cli_run passes them */
	unsigned n;
};

static void add_set(const char *line, void *arg)
{
	struct sets *s = arg;
	if (s->n < NH_ARRAY_LEN(s->v) && (s->v[s->n] = strdup(line)))
		s->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	struct sets sets = {0};
	nh_fuzz_lines(in.text, NH_ARRAY_LEN(sets.v), add_set, &sets);
	nh_err_t err;
	nh_script_t *s = nh_script_new(nh_fuzz_topo_synthetic(), false, &err);
	if (!s)
		abort();
	/* Under the fuzzer's own -timeout (10 s): the harness's limits stop any runaway first, and
	 * leaving Lua puts the fuzzer's timer back. */
	nh_script_set_limits(s, 2.0, (size_t)64 << 20);
	if (nh_script_set_params(s, sets.v, sets.n, &err) == 0) {
		nh_scenario_info_t info;
		nh_plan_t *plan = nh_script_load_plan(s, path, &info, &err);
		if (plan)
			nh_expect_set_free(info.expects);
		nh_plan_free(plan);
	}
	nh_script_free(s);
	for (unsigned i = 0; i < sets.n; i++)
		free(sets.v[i]);
	nh_fuzz_input_free(&in);
	return 0;
}
