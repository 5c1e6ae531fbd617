/* SPDX-License-Identifier: MIT */
/* Fuzz target: the one-value parsers of command lines and parameters — sizes, numbers,
 * durations, CPU/node lists (numactl's and libvirt's) and sysfs selector lines — one per line of
 * the input; a parsed list must also read back the same from its compact form. */
#include "fuzz_common.h"
#include "libvirt_xml.h"

/* nh_set_format's compact form must parse back to the same set: records and messages print
 * sets that way, and compare and inspect read them back. */
static void round_trip(const nh_set_t *s)
{
	static char buf[NH_SET_BITS * 6];
	nh_set_t again;
	nh_err_t err;
	nh_set_format(s, buf, sizeof buf);
	if (nh_set_empty(s))
		return;
	if (nh_set_parse(&again, buf, &err) < 0 || !nh_set_equal(s, &again)) {
		fprintf(stderr, "fuzz: set formatted as '%.200s' does not parse back\n", buf);
		abort();
	}
}

static void one_value(const char *line, void *arg)
{
	nh_err_t err;
	uint64_t u;
	double d;
	nh_set_t s;
	char buf[64];
	if (nh_parse_size(line, &u, &err) == 0)
		nh_format_size(u, buf, sizeof buf);
	nh_parse_uint(line, 0, UINT64_MAX, &u, &err);
	nh_parse_uint(line, 1, 100000, &u, &err);
	nh_parse_duration(line, &d, &err);
	if (nh_set_parse(&s, line, &err) == 0)
		round_trip(&s);
	if (nh_lv_parse_set(line, &s, &err) == 0)
		round_trip(&s);
	nh_host_parse_selected(line, buf, sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	nh_fuzz_lines(in.text, 64, one_value, NULL);
	nh_fuzz_input_free(&in);
	return 0;
}
