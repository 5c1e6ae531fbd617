/* Unit tests of the numastat sampler on real-format sysfs fixtures. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sample.h"

static void parse_host_fixture(void **state)
{
	uint64_t v[NH_NUMASTAT_FIELDS];
	nh_err_t err;
	char *text = nh_read_file(NH_TEST_DATA "/numastat/host-node0.numastat", NULL, &err);
	assert_non_null(text);
	assert_int_equal(nh_numastat_parse(text, v, &err), 0);
	assert_true(v[NH_NUMA_HIT] > 0);
	assert_int_equal(v[NH_NUMA_MISS], 0);
	free(text);
	(void)state;
}

static void parse_missing_field(void **state)
{
	uint64_t v[NH_NUMASTAT_FIELDS];
	nh_err_t err;
	assert_int_equal(nh_numastat_parse("numa_hit 1\nnuma_miss 2\n", v, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "numastat: field 'numa_foreign' missing");
	(void)state;
}

static void read_two_nodes_and_delta(void **state)
{
	nh_numastat_t before, after, delta;
	nh_err_t err;
	assert_int_equal(nh_numastat_read(NH_TEST_DATA "/numastat/2node", &after, &err), 0);
	assert_int_equal(after.count, 2);
	assert_int_equal(after.node[0], 0);
	assert_int_equal(after.node[1], 1);
	assert_int_equal(after.v[1][NH_NUMA_MISS], 5242880);
	assert_int_equal(after.v[0][NH_NUMA_FOREIGN], 5242880);
	assert_int_equal(after.v[1][NH_OTHER_NODE], 5305057);
	/* A "before" with 1 GiB less traffic on node 1, as a membind=1 run from node 0 would leave. */
	before = after;
	before.v[1][NH_NUMA_MISS] -= 262144;
	before.v[1][NH_NUMA_HIT] -= 0;
	before.v[1][NH_OTHER_NODE] -= 262144;
	nh_numastat_delta(&before, &after, &delta);
	assert_int_equal(delta.count, 2);
	assert_int_equal(delta.v[1][NH_NUMA_MISS], 262144);
	assert_int_equal(delta.v[1][NH_OTHER_NODE], 262144);
	assert_int_equal(delta.v[0][NH_NUMA_HIT], 0);
	double ratio = nh_numastat_miss_ratio(&delta);
	assert_true(ratio > 0.999 && ratio <= 1.0);
	(void)state;
}

static void miss_ratio_without_traffic(void **state)
{
	nh_numastat_t d = {.count = 1};
	assert_true(nh_numastat_miss_ratio(&d) < 0);
	(void)state;
}

static void read_missing_dir(void **state)
{
	nh_numastat_t s;
	nh_err_t err;
	assert_int_equal(nh_numastat_read("/nonexistent", &s, &err), -1);
	assert_string_equal(err.msg, "/nonexistent: No such file or directory");
	(void)state;
}

static void read_this_host(void **state)
{
	nh_numastat_t s;
	nh_err_t err;
	assert_int_equal(nh_numastat_read("/sys/devices/system/node", &s, &err), 0);
	assert_true(s.count >= 1);
	(void)state;
}

/* numa_maps (a 2-node machine's format): only the mappings that overlap the ranges count,
 * huge-page mappings are scaled to base pages. */
static void numa_maps_for_ranges(void **state)
{
	nh_err_t err;
	char *numa_maps = nh_read_file(NH_TEST_DATA "/numa_maps/numa_maps", NULL, &err);
	char *maps = nh_read_file(NH_TEST_DATA "/numa_maps/maps", NULL, &err);
	assert_non_null(numa_maps);
	assert_non_null(maps);
	uint64_t pages[NH_MAX_NODES];
	/* A range inside the bind:1 mapping. */
	nh_range_t inside = {0x7f3a40001000, 0x7f3a40002000};
	assert_int_equal(nh_numa_maps_pages(numa_maps, maps, &inside, 1, pages, &err), 1);
	assert_int_equal(pages[0], 12);
	assert_int_equal(pages[1], 49140);
	/* Two ranges: the anon mapping and the 2 MiB hugetlb one (2 + 2 huge pages = 512 each). */
	nh_range_t two[] = {{0x7f3a4c000100, 0x7f3a4c000200}, {0x7f3a50000000, 0x7f3a50000001}};
	assert_int_equal(nh_numa_maps_pages(numa_maps, maps, two, 2, pages, &err), 2);
	assert_int_equal(pages[0], 3 + 2 * 512);
	assert_int_equal(pages[1], 2 * 512);
	/* A range in no mapping. */
	nh_range_t none = {0x1000, 0x2000};
	assert_int_equal(nh_numa_maps_pages(numa_maps, maps, &none, 1, pages, &err), 0);
	assert_int_equal(pages[0], 0);
	assert_int_equal(nh_numa_maps_pages("garbage\n", maps, &none, 1, pages, &err), -1);
	free(numa_maps);
	free(maps);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_host_fixture),
		cmocka_unit_test(parse_missing_field),
		cmocka_unit_test(read_two_nodes_and_delta),
		cmocka_unit_test(miss_ratio_without_traffic),
		cmocka_unit_test(read_missing_dir),
		cmocka_unit_test(read_this_host),
		cmocka_unit_test(numa_maps_for_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
