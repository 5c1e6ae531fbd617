/* SPDX-License-Identifier: MIT */
/* Fuzz target: "Key: value" host texts the topology reads — a node's meminfo (or /proc/meminfo)
 * for MemTotal/MemFree, and /proc/cpuinfo for the CPU model. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	uint64_t total, free_bytes;
	char model[128];
	nh_topo_parse_meminfo(in.text, &total, &free_bytes);
	nh_host_parse_cpu_model(in.text, model, sizeof model);
	nh_fuzz_input_free(&in);
	return 0;
}
