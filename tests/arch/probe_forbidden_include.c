/* SPDX-License-Identifier: MIT */
/* A file of the report module reaching into run, which report may not use: must not compile. */
#include "plan.h"

unsigned arch_probe_forbidden(const nh_plan_t *p);
unsigned arch_probe_forbidden(const nh_plan_t *p) { return nh_plan_count(p); }
