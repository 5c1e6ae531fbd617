/* SPDX-License-Identifier: MIT */
/* A file of the report module calling into run without its header (a hand-written prototype
 * would be the only way): the call alone must not compile. */
#include "results.h"

unsigned arch_probe_call(const void *p);
unsigned arch_probe_call(const void *p) { return nh_plan_count(p); }
