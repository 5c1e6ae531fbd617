/* SPDX-License-Identifier: MIT */
/* Fuzz target: numactl-style policy specs (scenario policies, `bench --policy`, `inspect
 * --expect`) — parsed syntax-only and against two topologies, resolved, validated, gated. */
#include "fuzz_common.h"
#include "policy.h"

/* What a caller does with a parsed policy: validate it and ask where pages should go. */
static void use(const nh_policy_t *p, const nh_topo_t *topo)
{
	nh_err_t err;
	nh_set_t expected;
	char reason[256];
	nh_policy_validate(p, topo, &err);
	nh_policy_expected_nodes(p, &expected);
	nh_policy_supported_on(p, "6.1.0-13-amd64", "/nonexistent", reason, sizeof reason);
	(void)nh_policy_mem_mode_name(p->mem_mode);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	const nh_topo_t *topos[] = {nh_fuzz_topo_synthetic(), nh_fuzz_topo_sysfs()};
	nh_policy_t p;
	nh_err_t err;
	for (size_t i = 0; i < NH_ARRAY_LEN(topos); i++)
		if (nh_policy_parse(&p, in.text, topos[i], &err) == 0)
			use(&p, topos[i]);
	/* Syntax only, as plans check a spec before the topology is known, then resolved. */
	if (nh_policy_parse(&p, in.text, NULL, &err) == 0)
		for (size_t i = 0; i < NH_ARRAY_LEN(topos); i++) {
			nh_policy_t r = p;
			if (nh_policy_resolve(&r, topos[i], &err) == 0)
				use(&r, topos[i]);
		}
	nh_fuzz_input_free(&in);
	return 0;
}
