/* SPDX-License-Identifier: MIT */
/* Fuzz target: the health check's outside texts, NUL-separated — a match file (parsed, then the
 * entry of a few node names merged from it, each matched pattern checked again on its own), a
 * validation record, and `scontrol show node` output (State= and Reason=, and the drain plan
 * that follows from them). */
#include "fuzz_common.h"
#include "health.h"
#include "health_slurm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input_split(&in, data, size, '\0');
	static const char *const nodes[] = {"n1", "n01", "cn0043", "gpu17a", "rack2n04", "login1"};
	nh_health_match_t *m = nh_health_match_parse(in.part[0], "fuzz.conf", NULL);
	for (size_t i = 0; m && i < sizeof nodes / sizeof *nodes; i++) {
		nh_health_entry_t e;
		(void)nh_health_match_entry(m, nodes[i], &e, NULL);
	}
	nh_health_match_free(m);
	if (nh_health_patterns_check(in.part[0], NULL) == 0)
		for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
			(void)nh_health_patterns_match(in.part[0], nodes[i]);

	nh_health_record_t rec;
	(void)nh_health_record_parse(in.part[1], "fuzz.validation", &rec, NULL);
	uint64_t age;
	(void)nh_health_parse_age(in.part[1], &age, NULL);

	nh_slurm_node_t s;
	if (nh_slurm_parse_node(in.part[2], "n1", &s, NULL) == 0) {
		nh_health_report_t pass = {0}, fail = {.failed = true};
		snprintf(fail.reason, sizeof fail.reason, "nodes: 1 NUMA node, expected 2");
		nh_drain_plan_t plan;
		nh_health_drain_plan(&pass, &s, &plan);
		nh_health_drain_plan(&fail, &s, &plan);
	}
	free(in.text);
	return 0;
}
