/* SPDX-License-Identifier: MIT */
/* Fuzz target: /proc/PID/smaps_rollup as the worker reads it (required fields, the Pss split
 * of 5.3+), and the process-memory JSON made from it. */
#include "fuzz_common.h"
#include "sample_memory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	nh_err_t err;
	nh_proc_mem_t m = {0};
	nh_proc_rollup_parse(in.text, &m, &err);
	json_decref(nh_proc_mem_json(&m));
	nh_fuzz_input_free(&in);
	return 0;
}
