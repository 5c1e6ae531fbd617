/* SPDX-License-Identifier: MIT */
/* Fuzz target: a node's numastat text (before and after: NUL-separated parts; one part stands
 * for both), and the delta and miss ratio computed from the counters read. */
#include "fuzz_common.h"
#include "sample.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	nh_err_t err;
	static nh_numastat_t before, after, delta;
	before.count = after.count = 1;
	before.node[0] = after.node[0] = 0;
	if (nh_numastat_parse(in.part[0], before.v[0], &err) == 0 &&
	    nh_numastat_parse(nh_fuzz_part(&in, 1), after.v[0], &err) == 0) {
		nh_numastat_delta(&before, &after, &delta);
		nh_numastat_miss_ratio(&delta);
	}
	nh_fuzz_input_free(&in);
	return 0;
}
