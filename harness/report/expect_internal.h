/* SPDX-License-Identifier: MIT */
/* expect_internal: what the expect files share and nothing else sees — the set's layout and
 * which kinds give one check per configuration. */
#ifndef NH_EXPECT_INTERNAL_H
#define NH_EXPECT_INTERNAL_H

#include "expect.h"

struct nh_expect_set {
	nh_expect_t *items;
	unsigned count, cap;
	char scenario[64];
	char source[160];
	double placement_threshold;
	bool unevaluated_fails;
	/* Metrics the scenario derives (derive { }): every run may carry them. */
	char derived[8][32];
	unsigned derived_count;
};

/* Kinds evaluated once per matching configuration (the rest are host-wide or pairs). */
bool nh_expect_per_config(enum nh_expect_kind k);
/* Does \p wl declare metric \p name (or is it one the series layer adds to every run)? */
bool nh_expect_workload_has_metric(const nh_workload_t *wl, const char *name);
/* Append ", item" to a list text once (lists in messages stay short and unique). */
void nh_expect_list_add(char *buf, size_t len, const char *item);

#endif
