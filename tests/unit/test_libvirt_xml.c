/* SPDX-License-Identifier: MIT */
/* Unit tests of libvirt_xml: dumpxml-shaped domains under tests/data/libvirt/ read back field by
 * field (every numatune mode, memnodes and cells, placement auto, pins, vcpusched, units), libvirt
 * sets with '^' exclusions, and the exact one-line message of each way a domain can be wrong. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libvirt_xml.h"

#define LV NH_TEST_DATA "/libvirt/"

/* nh_lv_domain_t is large: on the heap, and dirty, to see that reading zeroes it. */
static nh_lv_domain_t *new_domain(void)
{
	nh_lv_domain_t *d = malloc(sizeof *d);
	assert_non_null(d);
	memset(d, 0xa5, sizeof *d);
	return d;
}

static void assert_set(const nh_set_t *s, const char *expected)
{
	char buf[256];
	assert_string_equal(nh_set_format(s, buf, sizeof buf), expected);
}

static nh_lv_domain_t *read_ok(const char *path)
{
	nh_lv_domain_t *d = new_domain();
	nh_err_t err = {""};
	int rc = nh_lv_domain_read(path, d, &err);
	if (rc != 0)
		fail_msg("%s", err.msg);
	return d;
}

static void read_fails(const char *path, int expected_errno, const char *expected_msg)
{
	nh_lv_domain_t *d = new_domain();
	nh_err_t err = {""};
	errno = 0;
	assert_int_equal(nh_lv_domain_read(path, d, &err), -1);
	assert_int_equal(errno, expected_errno);
	assert_string_equal(err.msg, expected_msg);
	free(d);
}

/* ---- sets ---- */

static void set_forms(void **state)
{
	nh_set_t s;
	nh_err_t err;
	assert_int_equal(nh_lv_parse_set("0-3", &s, &err), 0);
	assert_set(&s, "0-3");
	assert_int_equal(nh_lv_parse_set("0,2", &s, &err), 0);
	assert_set(&s, "0,2");
	assert_int_equal(nh_lv_parse_set("0-7,^3", &s, &err), 0);
	assert_set(&s, "0-2,4-7");
	assert_int_equal(nh_lv_parse_set("0-7,^3,^5,9", &s, &err), 0);
	assert_set(&s, "0-2,4,6-7,9");
	assert_int_equal(nh_lv_parse_set(" 1 , 3 - 4 ", &s, &err), 0);
	assert_set(&s, "1,3-4");
	assert_int_equal(nh_lv_parse_set("4095", &s, &err), 0);
	assert_set(&s, "4095");
	/* Left to right, as libvirt: an exclusion before the range it falls in removes nothing. */
	assert_int_equal(nh_lv_parse_set("^3,0-7", &s, &err), 0);
	assert_set(&s, "0-7");
	(void)state;
}

static void set_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"", "bad set '': the set is empty"},
		{"  ", "bad set '  ': the set is empty"},
		{"x", "bad set 'x': expected a number at 'x'"},
		{"0-", "bad set '0-': expected a number after '0-'"},
		{"3-1", "bad set '3-1': range 3-1 is reversed"},
		{"0;1", "bad set '0;1': unexpected ';'"},
		{"1,", "bad set '1,': expected a number at the end"},
		{"-1", "bad set '-1': expected a number at '-1'"},
		{"4096", "bad set '4096': 4096 is too large (at most 4095)"},
		{"0-7,^2-3", "bad set '0-7,^2-3': '^' excludes one number, not a range ('^2-')"},
		{"0-3,^", "bad set '0-3,^': expected a number at the end"},
		{"0-3,^x", "bad set '0-3,^x': expected a number at 'x'"},
		{"0,^0", "bad set '0,^0': nothing is left after the exclusions"},
		{"^2", "bad set '^2': nothing is left after the exclusions"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		nh_set_t s;
		nh_err_t err = {""};
		errno = 0;
		assert_int_equal(nh_lv_parse_set(cases[i].text, &s, &err), -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err.msg, cases[i].msg);
	}
	(void)state;
}

static void mode_names(void **state)
{
	assert_string_equal(nh_lv_mem_mode_name(NH_LV_MEM_NONE), "");
	assert_string_equal(nh_lv_mem_mode_name(NH_LV_MEM_STRICT), "strict");
	assert_string_equal(nh_lv_mem_mode_name(NH_LV_MEM_PREFERRED), "preferred");
	assert_string_equal(nh_lv_mem_mode_name(NH_LV_MEM_INTERLEAVE), "interleave");
	assert_string_equal(nh_lv_mem_mode_name(NH_LV_MEM_RESTRICTIVE), "restrictive");
	(void)state;
}

/* ---- domains that read ---- */

static void strict_with_cells(void **state)
{
	nh_lv_domain_t *d = read_ok(LV "strict-cells.xml");
	assert_string_equal(d->path, LV "strict-cells.xml");
	assert_string_equal(d->name, "db-numa-2cell");
	/* <vcpu placement='static' cpuset='0-7,^3' current='3'>4</vcpu>; the <nh:vcpu> in
	 * <metadata> is someone else's. */
	assert_int_equal(d->vcpus, 4);
	assert_int_equal(d->vcpu_current, 3);
	assert_false(d->vcpu_placement_auto);
	assert_true(d->vcpu_cpuset_given);
	assert_set(&d->vcpu_cpuset, "0-2,4-7");
	assert_string_equal(d->vcpu_cpuset_text, "0-7,^3");
	assert_int_equal(d->vcpu_line, 20);

	assert_int_equal(d->memory.mode, NH_LV_MEM_STRICT);
	assert_false(d->memory.placement_auto);
	assert_set(&d->memory.nodeset, "0-1");
	assert_string_equal(d->memory.nodeset_text, "0-1");
	assert_int_equal(d->memory.line, 37);
	assert_true(d->memnode_given[0]);
	assert_int_equal(d->memnodes[0].mode, NH_LV_MEM_STRICT);
	assert_set(&d->memnodes[0].nodeset, "0");
	assert_int_equal(d->memnodes[0].line, 38);
	assert_true(d->memnode_given[1]);
	assert_int_equal(d->memnodes[1].mode, NH_LV_MEM_PREFERRED);
	assert_set(&d->memnodes[1].nodeset, "1");
	assert_string_equal(d->memnodes[1].nodeset_text, "1");
	assert_int_equal(d->memnodes[1].line, 39);
	for (unsigned i = 2; i < NH_LV_MAX_CELLS; i++)
		assert_false(d->memnode_given[i]);

	assert_int_equal(d->vcpupin_count, 4);
	static const char *const pins[] = {"0", "1", "4-5", "4-5,7"};
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(d->vcpupins[i].id, i);
		assert_set(&d->vcpupins[i].cpus, pins[i]);
		assert_int_equal(d->vcpupins[i].line, 24 + (int)i);
	}
	assert_string_equal(d->vcpupins[3].cpus_text, "4-7,^6");
	assert_true(d->emulatorpin_given);
	assert_int_equal(d->emulatorpin.id, 0);
	assert_set(&d->emulatorpin.cpus, "2-3");
	assert_string_equal(d->emulatorpin.cpus_text, "2-3");
	assert_int_equal(d->emulatorpin.line, 28);
	assert_int_equal(d->iothreadpin_count, 2);
	assert_int_equal(d->iothreadpins[0].id, 1);
	assert_set(&d->iothreadpins[0].cpus, "2");
	assert_int_equal(d->iothreadpins[0].line, 29);
	assert_int_equal(d->iothreadpins[1].id, 2);
	assert_set(&d->iothreadpins[1].cpus, "6");
	assert_int_equal(d->iothreadpins[1].line, 30);

	assert_int_equal(d->vcpusched_count, 2);
	assert_set(&d->vcpuscheds[0].vcpus, "0-1");
	assert_string_equal(d->vcpuscheds[0].scheduler, "fifo");
	assert_int_equal(d->vcpuscheds[0].priority, 10);
	assert_int_equal(d->vcpuscheds[0].line, 33);
	assert_set(&d->vcpuscheds[1].vcpus, "3");
	assert_string_equal(d->vcpuscheds[1].scheduler, "idle");
	assert_int_equal(d->vcpuscheds[1].priority, 0);
	assert_int_equal(d->vcpuscheds[1].line, 34);

	assert_int_equal(d->cell_count, 2);
	assert_int_equal(d->cells[0].id, 0);
	assert_set(&d->cells[0].vcpus, "0-1");
	assert_int_equal(d->cells[0].memory_bytes, 4096ull << 20);
	assert_int_equal(d->cells[0].line, 56);
	assert_int_equal(d->cells[1].id, 1);
	assert_set(&d->cells[1].vcpus, "2-3");
	assert_int_equal(d->cells[1].memory_bytes, 4ull << 30);
	assert_int_equal(d->cells[1].line, 57);
	free(d);
	(void)state;
}

static void preferred_without_cells(void **state)
{
	nh_lv_domain_t *d = read_ok(LV "preferred.xml");
	assert_string_equal(d->name, "web-preferred");
	assert_int_equal(d->vcpus, 2);
	assert_int_equal(d->vcpu_current, 2);
	assert_false(d->vcpu_cpuset_given);
	assert_int_equal(d->memory.mode, NH_LV_MEM_PREFERRED);
	assert_set(&d->memory.nodeset, "1");
	assert_int_equal(d->memory.line, 14);
	assert_false(d->memnode_given[0]);
	/* Pins in document order, not by vCPU. */
	assert_int_equal(d->vcpupin_count, 2);
	assert_int_equal(d->vcpupins[0].id, 1);
	assert_set(&d->vcpupins[0].cpus, "9");
	assert_int_equal(d->vcpupins[1].id, 0);
	assert_set(&d->vcpupins[1].cpus, "8");
	assert_true(d->emulatorpin_given);
	assert_set(&d->emulatorpin.cpus, "10-11");
	assert_int_equal(d->iothreadpin_count, 0);
	assert_int_equal(d->vcpusched_count, 1);
	assert_string_equal(d->vcpuscheds[0].scheduler, "rr");
	assert_int_equal(d->vcpuscheds[0].priority, 99);
	assert_int_equal(d->cell_count, 0);
	free(d);
	(void)state;
}

static void interleave_with_exclusion(void **state)
{
	nh_lv_domain_t *d = read_ok(LV "interleave.xml");
	assert_string_equal(d->name, "batch-interleave");
	assert_int_equal(d->vcpus, 4); /* "\n    4\n  " */
	assert_int_equal(d->vcpu_line, 7);
	assert_int_equal(d->memory.mode, NH_LV_MEM_INTERLEAVE);
	assert_false(d->memory.placement_auto);
	assert_set(&d->memory.nodeset, "0-1,3");
	assert_string_equal(d->memory.nodeset_text, " 0-3, ^2 ");
	assert_int_equal(d->memory.line, 11);
	assert_int_equal(d->vcpupin_count, 0);
	assert_false(d->emulatorpin_given);
	assert_int_equal(d->vcpusched_count, 0);
	assert_int_equal(d->cell_count, 4);
	assert_int_equal(d->cells[0].memory_bytes, 1ull << 30); /* default unit: KiB */
	assert_int_equal(d->cells[1].memory_bytes, 1000000000ull);
	assert_int_equal(d->cells[2].memory_bytes, 512ull << 20);
	assert_int_equal(d->cells[3].memory_bytes, 1000000000ull);
	assert_set(&d->cells[3].vcpus, "3");
	assert_int_equal(d->cells[3].line, 30);
	free(d);
	(void)state;
}

static void restrictive_memnodes_and_cell_order(void **state)
{
	nh_lv_domain_t *d = read_ok(LV "restrictive.xml");
	assert_true(d->vcpu_cpuset_given);
	assert_set(&d->vcpu_cpuset, "16-23");
	assert_int_equal(d->memory.mode, NH_LV_MEM_RESTRICTIVE);
	assert_set(&d->memory.nodeset, "2-3");
	assert_int_equal(d->memory.line, 13);
	assert_true(d->memnode_given[2]);
	assert_int_equal(d->memnodes[2].mode, NH_LV_MEM_RESTRICTIVE);
	assert_set(&d->memnodes[2].nodeset, "3");
	assert_int_equal(d->memnodes[2].line, 11);
	assert_true(d->memnode_given[0]);
	assert_int_equal(d->memnodes[0].mode, NH_LV_MEM_STRICT); /* mode absent: strict */
	assert_set(&d->memnodes[0].nodeset, "2");
	assert_int_equal(d->memnodes[0].line, 12);
	assert_false(d->memnode_given[1]);
	/* Cells are indexed by id whatever the document order. */
	assert_int_equal(d->cell_count, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(d->cells[i].id, i);
		assert_int_equal(d->cells[i].memory_bytes, 2ull << 30);
	}
	assert_set(&d->cells[0].vcpus, "0-1");
	assert_int_equal(d->cells[0].line, 21);
	assert_set(&d->cells[2].vcpus, "4-5");
	assert_int_equal(d->cells[2].line, 20);
	/* batch: priority ignored, as libvirt does. */
	assert_int_equal(d->vcpusched_count, 1);
	assert_string_equal(d->vcpuscheds[0].scheduler, "batch");
	assert_int_equal(d->vcpuscheds[0].priority, 0);
	assert_set(&d->vcpuscheds[0].vcpus, "0-5");
	free(d);
	(void)state;
}

static void placement_auto(void **state)
{
	nh_lv_domain_t *d = read_ok(LV "auto.xml");
	assert_int_equal(d->vcpus, 8);
	assert_true(d->vcpu_placement_auto);
	assert_false(d->vcpu_cpuset_given); /* libvirt ignores cpuset with placement='auto' */
	assert_int_equal(d->memory.mode, NH_LV_MEM_INTERLEAVE);
	assert_true(d->memory.placement_auto);
	assert_true(nh_set_empty(&d->memory.nodeset));
	assert_string_equal(d->memory.nodeset_text, "");
	assert_int_equal(d->memory.line, 7);
	free(d);
	(void)state;
}

static void placement_defaults(void **state)
{
	nh_lv_domain_t *d = new_domain();
	nh_err_t err = {""};
	/* <vcpu placement='auto'> and no <numatune>: libvirt adds strict, placement auto. */
	const char *implicit = "<domain type='kvm'>\n"
			       "  <name>implicit</name>\n"
			       "  <vcpu placement='auto'>2</vcpu>\n"
			       "</domain>\n";
	assert_int_equal(nh_lv_domain_parse(implicit, strlen(implicit), "dom.xml", d, &err), 0);
	assert_string_equal(d->path, "dom.xml");
	assert_int_equal(d->memory.mode, NH_LV_MEM_STRICT);
	assert_true(d->memory.placement_auto);
	assert_int_equal(d->memory.line, 3);
	/* <memory> with neither nodeset nor placement takes that of <vcpu>; a nodeset given with
	 * placement='auto' is dropped. */
	const char *inherit = "<domain>\n"
			      "  <vcpu placement='auto'>2</vcpu>\n"
			      "  <numatune><memory mode='preferred'/></numatune>\n"
			      "</domain>\n";
	assert_int_equal(nh_lv_domain_parse(inherit, strlen(inherit), "dom.xml", d, &err), 0);
	assert_int_equal(d->memory.mode, NH_LV_MEM_PREFERRED);
	assert_true(d->memory.placement_auto);
	const char *dropped = "<domain>\n"
			      "  <vcpu>2</vcpu>\n"
			      "  <numatune><memory placement='auto' nodeset='1'/></numatune>\n"
			      "</domain>\n";
	assert_int_equal(nh_lv_domain_parse(dropped, strlen(dropped), "dom.xml", d, &err), 0);
	assert_int_equal(d->memory.mode, NH_LV_MEM_STRICT);
	assert_true(d->memory.placement_auto);
	assert_true(nh_set_empty(&d->memory.nodeset));
	/* Nothing about placement at all: all zero, <vcpu> absent reads as 0. */
	const char *bare = "<domain type='qemu'><name>bare</name></domain>";
	assert_int_equal(nh_lv_domain_parse(bare, strlen(bare), "dom.xml", d, &err), 0);
	assert_string_equal(d->name, "bare");
	assert_int_equal(d->vcpus, 0);
	assert_int_equal(d->memory.mode, NH_LV_MEM_NONE);
	assert_int_equal(d->vcpupin_count + d->iothreadpin_count + d->vcpusched_count + d->cell_count, 0);
	assert_false(d->emulatorpin_given);
	/* Without <vcpu> libvirt's domain has one vCPU: vcpupin 0 is fine. */
	const char *one = "<domain><cputune><vcpupin vcpu='0' cpuset='3'/></cputune></domain>";
	assert_int_equal(nh_lv_domain_parse(one, strlen(one), "dom.xml", d, &err), 0);
	assert_int_equal(d->vcpupin_count, 1);
	/* memnode without any cell: accepted, indexed by cellid. */
	const char *nocells = "<domain><vcpu>2</vcpu><numatune><memnode cellid='5' nodeset='1'/></numatune></domain>";
	assert_int_equal(nh_lv_domain_parse(nocells, strlen(nocells), "dom.xml", d, &err), 0);
	assert_true(d->memnode_given[5]);
	assert_int_equal(d->memory.mode, NH_LV_MEM_NONE);
	free(d);
	(void)state;
}

static void every_unit(void **state)
{
	nh_lv_domain_t *d = read_ok(LV "units.xml");
	static const uint64_t bytes[] = {
		4096, 4096,					      /* b, bytes */
		3000, 3ull << 10, 3ull << 10,			      /* KB, k, KiB */
		3000000, 3ull << 20, 3ull << 20,		      /* MB, M, MiB */
		3000000000ull, 3ull << 30, 3ull << 30,		      /* GB, G, GiB */
		3000000000000ull, 3ull << 40, 3ull << 40,	      /* TB, T, TiB */
		3ull << 10,					      /* default: KiB */
		3ull << 20,					      /* case-insensitive, as libvirt */
	};
	assert_int_equal(d->cell_count, NH_ARRAY_LEN(bytes));
	for (unsigned i = 0; i < NH_ARRAY_LEN(bytes); i++) {
		assert_int_equal(d->cells[i].id, i);
		assert_int_equal(d->cells[i].memory_bytes, bytes[i]);
	}
	free(d);
	(void)state;
}

/* The fixed arrays at their limits: 512 vCPUs each pinned and scheduled, 64 cells; one more
 * cell is refused with a message, never written past the end. */
static void limits(void **state)
{
	size_t cap = 1 << 20, used = 0;
	char *xml = malloc(cap);
	assert_non_null(xml);
	nh_lv_domain_t *d = new_domain();
	nh_err_t err = {""};
	used += (size_t)snprintf(xml + used, cap - used, "<domain>\n<vcpu>%d</vcpu>\n<cputune>\n",
				 NH_LV_MAX_VCPUS);
	for (int v = 0; v < NH_LV_MAX_VCPUS; v++)
		used += (size_t)snprintf(xml + used, cap - used,
					 "<vcpupin vcpu='%d' cpuset='%d'/><vcpusched vcpus='%d' scheduler='rr' "
					 "priority='%d'/>\n", v, v, v, 1 + v % 99);
	used += (size_t)snprintf(xml + used, cap - used, "</cputune>\n<cpu><numa>\n");
	for (int cell = 0; cell < NH_LV_MAX_CELLS; cell++)
		used += (size_t)snprintf(xml + used, cap - used, "<cell id='%d' cpus='%d-%d' memory='1'/>\n",
					 cell, cell * 8, cell * 8 + 7);
	size_t before_last = used;
	used += (size_t)snprintf(xml + used, cap - used, "</numa></cpu>\n</domain>\n");
	assert_true(used < cap);
	assert_int_equal(nh_lv_domain_parse(xml, used, "big.xml", d, &err), 0);
	assert_int_equal(d->vcpus, NH_LV_MAX_VCPUS);
	assert_int_equal(d->vcpupin_count, NH_LV_MAX_VCPUS);
	assert_int_equal(d->vcpupins[NH_LV_MAX_VCPUS - 1].id, NH_LV_MAX_VCPUS - 1);
	assert_int_equal(d->vcpusched_count, NH_LV_MAX_VCPUS);
	assert_int_equal(d->vcpuscheds[NH_LV_MAX_VCPUS - 1].priority, 1 + (NH_LV_MAX_VCPUS - 1) % 99);
	assert_int_equal(d->cell_count, NH_LV_MAX_CELLS);
	assert_set(&d->cells[NH_LV_MAX_CELLS - 1].vcpus, "504-511");
	/* A 65th cell, on line 3 + 512 (pins) + 2 + 64 (cells) + 1. */
	used = before_last;
	used += (size_t)snprintf(xml + used, cap - used, "<cell memory='1'/>\n</numa></cpu>\n</domain>\n");
	errno = 0;
	assert_int_equal(nh_lv_domain_parse(xml, used, "big.xml", d, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "big.xml:582: <cell>: more than 64 guest NUMA cells");
	free(d);
	free(xml);
	(void)state;
}

/* ---- domains that do not ---- */

static void failing_fixtures(void **state)
{
	read_fails(LV "bad-malformed.xml", EINVAL,
		   LV "bad-malformed.xml:11: malformed XML: Opening and ending tag mismatch: cputune line 5 "
		      "and domain");
	read_fails(LV "bad-root.xml", EINVAL,
		   LV "bad-root.xml: not a libvirt domain (root element is <network>)");
	read_fails(LV "bad-mode.xml", EINVAL,
		   LV "bad-mode.xml:6: <memory mode='stritc'>: unknown mode (strict, preferred, interleave, "
		      "restrictive)");
	read_fails(LV "bad-nodeset.xml", EINVAL,
		   LV "bad-nodeset.xml:6: <memory nodeset='0-'>: expected a number after '0-'");
	read_fails(LV "bad-vcpupin.xml", EINVAL,
		   LV "bad-vcpupin.xml:10: <vcpupin vcpu='4'>: vCPU 4 out of range (the domain has 4 vCPUs: 0-3)");
	read_fails(LV "bad-cellid.xml", EINVAL,
		   LV "bad-cellid.xml:8: <memnode cellid='2'>: no guest NUMA cell 2 (<cpu><numa> has cells 0-1)");
	read_fails(LV "bad-fifo.xml", EINVAL,
		   LV "bad-fifo.xml:8: <vcpusched scheduler='fifo'>: priority is required for fifo and rr");
	(void)state;
}

static void file_errors(void **state)
{
	read_fails(LV "no-such-domain.xml", ENOENT, LV "no-such-domain.xml: No such file or directory");
	if (geteuid() == 0)
		return; /* root reads anything: no EACCES to see */
	char path[] = "/tmp/nh-lv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "<domain/>", 9), 9);
	close(fd);
	assert_int_equal(chmod(path, 0), 0);
	char expected[128];
	snprintf(expected, sizeof expected, "%s: Permission denied", path);
	read_fails(path, EACCES, expected);
	unlink(path);
	(void)state;
}

/* libxml2 must not print its own (multi-line) diagnostics: stderr stays empty. */
static void malformed_is_quiet(void **state)
{
	fflush(stderr);
	int saved = dup(2);
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	dup2(fileno(tmp), 2);
	nh_lv_domain_t *d = new_domain();
	nh_err_t err = {""};
	const char *xml = "<domain>\n<name>x</name>\n<vcpu>2</vcpu\n</domain>\n";
	int rc = nh_lv_domain_parse(xml, strlen(xml), "dom.xml", d, &err);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(rc, -1);
	assert_int_equal(ftell(tmp), 0);
	assert_string_equal(err.msg, "dom.xml:4: malformed XML: expected '>'");
	fclose(tmp);
	free(d);
	(void)state;
}

/* Each case: a domain (line 1 is <domain>) and its exact message, named "dom.xml". */
static const struct {
	const char *xml, *msg;
} bad_cases[] = {
	/* the document */
	{"", "dom.xml:1: malformed XML: Document is empty"},
	{"<domain>\n<name>a</name>\n", "dom.xml:3: malformed XML: Premature end of data in tag domain line 1"},
	{"<domain>\n<name>a</name>\n</domain>\n<domain/>\n",
	 "dom.xml:4: malformed XML: Extra content at the end of the document"},
	{"<?xml version='1.0'?>\n<capabilities><host/></capabilities>\n",
	 "dom.xml: not a libvirt domain (root element is <capabilities>)"},
	{"<!DOCTYPE domain [<!ENTITY n '0-1'>]>\n<domain>\n<vcpu>2</vcpu>\n"
	 "<numatune><memory nodeset='&n;'/></numatune>\n</domain>\n",
	 "dom.xml:4: <memory nodeset=...>: entity references are not supported"},
	{"<!DOCTYPE domain [<!ENTITY n '2'>]>\n<domain>\n<vcpu>&n;</vcpu>\n</domain>\n",
	 "dom.xml:3: <vcpu>: entity references are not supported"},
	/* <vcpu> */
	{"<domain>\n<vcpu>two</vcpu>\n</domain>", "dom.xml:2: <vcpu>two</vcpu>: not a number of vCPUs"},
	{"<domain>\n<vcpu/>\n</domain>", "dom.xml:2: <vcpu></vcpu>: not a number of vCPUs"},
	{"<domain>\n<vcpu>0</vcpu>\n</domain>", "dom.xml:2: <vcpu>0</vcpu>: the vCPU count must be 1-512"},
	{"<domain>\n<vcpu>513</vcpu>\n</domain>", "dom.xml:2: <vcpu>513</vcpu>: the vCPU count must be 1-512"},
	{"<domain>\n<vcpu current='5'>4</vcpu>\n</domain>",
	 "dom.xml:2: <vcpu current='5'>: must be 1-4 (the <vcpu> count)"},
	{"<domain>\n<vcpu current='x'>4</vcpu>\n</domain>", "dom.xml:2: <vcpu current='x'>: not a number of vCPUs"},
	{"<domain>\n<vcpu placement='numad'>4</vcpu>\n</domain>",
	 "dom.xml:2: <vcpu placement='numad'>: unknown placement (static, auto)"},
	{"<domain>\n<vcpu cpuset='0-7,^1-2'>4</vcpu>\n</domain>",
	 "dom.xml:2: <vcpu cpuset='0-7,^1-2'>: '^' excludes one number, not a range ('^1-')"},
	{"<domain>\n<vcpu cpuset='0-1,^0,^1'>4</vcpu>\n</domain>",
	 "dom.xml:2: <vcpu cpuset='0-1,^0,^1'>: nothing is left after the exclusions"},
	/* <numatune> */
	{"<domain>\n<vcpu>2</vcpu>\n<numatune>\n<memory mode='strict' nodeset='1,^1'/>\n</numatune>\n</domain>",
	 "dom.xml:4: <memory nodeset='1,^1'>: nothing is left after the exclusions"},
	{"<domain>\n<vcpu>2</vcpu>\n<numatune>\n<memory nodeset='0-3,^x'/>\n</numatune>\n</domain>",
	 "dom.xml:4: <memory nodeset='0-3,^x'>: expected a number at 'x'"},
	{"<domain>\n<numatune>\n<memory mode='strict'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memory>: no nodeset (required unless placement='auto')"},
	{"<domain>\n<numatune>\n<memory placement='static'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memory>: no nodeset (required unless placement='auto')"},
	{"<domain>\n<numatune>\n<memory placement='numad' nodeset='0'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memory placement='numad'>: unknown placement (static, auto)"},
	{"<domain>\n<numatune>\n<memory nodeset='0'/>\n<memory nodeset='1'/>\n</numatune>\n</domain>",
	 "dom.xml:4: <memory>: a second <memory> in <numatune> (the first is at line 3)"},
	{"<domain>\n<numatune>\n<memnode nodeset='1'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memnode>: cellid is required"},
	{"<domain>\n<numatune>\n<memnode cellid='one' nodeset='1'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memnode cellid='one'>: not a cell number"},
	{"<domain>\n<numatune>\n<memnode cellid='64' nodeset='1'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memnode cellid='64'>: cell numbers stop at 63"},
	{"<domain>\n<numatune>\n<memnode cellid='0'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memnode cellid='0'>: nodeset is required"},
	{"<domain>\n<numatune>\n<memnode cellid='0' mode='bind' nodeset='0'/>\n</numatune>\n</domain>",
	 "dom.xml:3: <memnode mode='bind'>: unknown mode (strict, preferred, interleave, restrictive)"},
	{"<domain>\n<numatune>\n<memnode cellid='0' nodeset='0'/>\n<memnode cellid='0' nodeset='1'/>\n"
	 "</numatune>\n</domain>",
	 "dom.xml:4: <memnode cellid='0'>: a second <memnode> for cell 0 (the first is at line 3)"},
	{"<domain>\n<vcpu>1</vcpu>\n<numatune>\n<memnode cellid='1' nodeset='0'/>\n</numatune>\n"
	 "<cpu><numa><cell id='0' cpus='0' memory='1024'/></numa></cpu>\n</domain>",
	 "dom.xml:4: <memnode cellid='1'>: no guest NUMA cell 1 (<cpu><numa> has cells 0)"},
	{"<domain>\n<numatune>\n<memnode cellid='0' nodeset='0'/>\n<memory placement='auto'/>\n"
	 "</numatune>\n</domain>",
	 "dom.xml:3: <memnode>: per-cell binding is not compatible with <memory placement='auto'> (line 4)"},
	/* <cputune> */
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpupin cpuset='0'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpupin>: vcpu is required"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpupin vcpu='-1' cpuset='0'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpupin vcpu='-1'>: not a vCPU number"},
	{"<domain>\n<cputune>\n<vcpupin vcpu='1' cpuset='0'/>\n</cputune>\n</domain>",
	 "dom.xml:3: <vcpupin vcpu='1'>: vCPU 1 out of range (the domain has 1 vCPU: 0)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpupin vcpu='1'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpupin vcpu='1'>: cpuset is required"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpupin vcpu='1' cpuset='0'/>\n<vcpupin vcpu='1' cpuset='1'/>\n"
	 "</cputune>\n</domain>",
	 "dom.xml:5: <vcpupin vcpu='1'>: a second <vcpupin> for vCPU 1 (the first is at line 4)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpupin vcpu='1' cpuset='^1'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpupin cpuset='^1'>: nothing is left after the exclusions"},
	{"<domain>\n<cputune>\n<emulatorpin/>\n</cputune>\n</domain>", "dom.xml:3: <emulatorpin>: cpuset is required"},
	{"<domain>\n<cputune>\n<emulatorpin cpuset='0'/>\n<emulatorpin cpuset='1'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <emulatorpin>: a second <emulatorpin> (the first is at line 3)"},
	{"<domain>\n<cputune>\n<emulatorpin cpuset='8-4'/>\n</cputune>\n</domain>",
	 "dom.xml:3: <emulatorpin cpuset='8-4'>: range 8-4 is reversed"},
	{"<domain>\n<cputune>\n<iothreadpin cpuset='0'/>\n</cputune>\n</domain>",
	 "dom.xml:3: <iothreadpin>: iothread is required"},
	{"<domain>\n<cputune>\n<iothreadpin iothread='0' cpuset='0'/>\n</cputune>\n</domain>",
	 "dom.xml:3: <iothreadpin iothread='0'>: iothread ids start at 1"},
	{"<domain>\n<cputune>\n<iothreadpin iothread='1'/>\n</cputune>\n</domain>",
	 "dom.xml:3: <iothreadpin iothread='1'>: cpuset is required"},
	{"<domain>\n<cputune>\n<iothreadpin iothread='1' cpuset='0'/>\n<iothreadpin iothread='1' cpuset='1'/>\n"
	 "</cputune>\n</domain>",
	 "dom.xml:4: <iothreadpin iothread='1'>: a second <iothreadpin> for iothread 1 (the first is at line 3)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpusched scheduler='fifo' priority='1'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpusched>: vcpus is required"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpusched vcpus='0'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpusched vcpus='0'>: scheduler is required"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpusched vcpus='0' scheduler='deadline'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpusched scheduler='deadline'>: unknown scheduler (fifo, rr, batch, idle)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpusched vcpus='0' scheduler='rr'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpusched scheduler='rr'>: priority is required for fifo and rr"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpusched vcpus='0' scheduler='fifo' priority='0'/>\n</cputune>\n"
	 "</domain>",
	 "dom.xml:4: <vcpusched priority='0'>: priority must be 1-99"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpusched vcpus='0' scheduler='rr' priority='100'/>\n</cputune>\n"
	 "</domain>",
	 "dom.xml:4: <vcpusched priority='100'>: priority must be 1-99"},
	{"<domain>\n<vcpu>2</vcpu>\n<cputune>\n<vcpusched vcpus='0-3,^2' scheduler='idle'/>\n</cputune>\n</domain>",
	 "dom.xml:4: <vcpusched vcpus='0-3,^2'>: vCPU 3 out of range (the domain has 2 vCPUs: 0-1)"},
	{"<domain>\n<vcpu>4</vcpu>\n<cputune>\n<vcpusched vcpus='0-1' scheduler='idle'/>\n"
	 "<vcpusched vcpus='3,1' scheduler='batch'/>\n</cputune>\n</domain>",
	 "dom.xml:5: <vcpusched vcpus='3,1'>: vCPU 1 already has a scheduler (line 4)"},
	/* <cpu><numa><cell> */
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='0' cpus='0' memory='1024'/>\n"
	 "<cell id='2' cpus='1' memory='1024'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:5: <cell id='2'>: cell ids must be 0-1 (one per cell, 2 cells)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='1' cpus='0' memory='1024'/>\n"
	 "<cell cpus='1' memory='1024'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:5: <cell id='1'>: a second cell 1 (the first is at line 4)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='x' memory='1024'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:4: <cell id='x'>: not a cell number"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='0' cpus='0-1'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:4: <cell id='0'>: memory is required"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='0' memory='1.5' unit='GiB'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:4: <cell memory='1.5'>: not a number"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='0' memory='1' unit='GiBs'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:4: <cell unit='GiBs'>: unknown unit (b, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='0' memory='1' unit='XiB'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:4: <cell unit='XiB'>: unknown unit (b, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB)"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='0' memory='20000000' unit='TiB'/>\n</numa></cpu>\n"
	 "</domain>",
	 "dom.xml:4: <cell memory='20000000' unit='TiB'>: too large"},
	{"<domain>\n<vcpu>2</vcpu>\n<cpu><numa>\n<cell id='0' cpus='0-3,^3' memory='1'/>\n</numa></cpu>\n"
	 "</domain>",
	 "dom.xml:4: <cell cpus='0-3,^3'>: vCPU 2 out of range (the domain has 2 vCPUs: 0-1)"},
	{"<domain>\n<vcpu>4</vcpu>\n<cpu><numa>\n<cell id='0' cpus='0-2' memory='1'/>\n"
	 "<cell id='1' cpus='2-3' memory='1'/>\n</numa></cpu>\n</domain>",
	 "dom.xml:5: <cell id='1'>: vCPU 2 is also in cell 0 (line 4)"},
};

static void messages(void **state)
{
	nh_lv_domain_t *d = new_domain();
	for (size_t i = 0; i < NH_ARRAY_LEN(bad_cases); i++) {
		nh_err_t err = {""};
		errno = 0;
		int rc = nh_lv_domain_parse(bad_cases[i].xml, strlen(bad_cases[i].xml), "dom.xml", d, &err);
		if (rc != -1 || strcmp(err.msg, bad_cases[i].msg) != 0 || errno != EINVAL)
			fail_msg("case %zu: rc %d errno %d\n  got:  %s\n  want: %s", i, rc, errno, err.msg,
				 bad_cases[i].msg);
		assert_null(strchr(err.msg, '\n'));
	}
	free(d);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_forms),
		cmocka_unit_test(set_errors),
		cmocka_unit_test(mode_names),
		cmocka_unit_test(strict_with_cells),
		cmocka_unit_test(preferred_without_cells),
		cmocka_unit_test(interleave_with_exclusion),
		cmocka_unit_test(restrictive_memnodes_and_cell_order),
		cmocka_unit_test(placement_auto),
		cmocka_unit_test(placement_defaults),
		cmocka_unit_test(every_unit),
		cmocka_unit_test(limits),
		cmocka_unit_test(failing_fixtures),
		cmocka_unit_test(file_errors),
		cmocka_unit_test(malformed_is_quiet),
		cmocka_unit_test(messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
