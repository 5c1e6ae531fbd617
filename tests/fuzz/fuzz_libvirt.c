/* SPDX-License-Identifier: MIT */
/* Fuzz target: a libvirt domain XML (`virsh dumpxml`, `inspect --libvirt-xml`) parsed with
 * libxml2 into numatune, vCPU pins and scheduling, and guest NUMA cells; a parsed domain must
 * hold nothing beyond the counts it reports. */
#include "fuzz_common.h"
#include "libvirt_xml.h"

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/* The parser starts from a cleared domain and fills its arrays up to their counts: anything
 * written past a count (an overflow inside the struct, which ASan cannot see) shows here. */
static void check(const nh_lv_domain_t *d)
{
	const struct {
		const char *what;
		const void *from;
		size_t len;
	} tails[] = {
		{"vcpupins", d->vcpupins + d->vcpupin_count,
		 sizeof d->vcpupins[0] * (NH_LV_MAX_VCPUS - d->vcpupin_count)},
		{"iothreadpins", d->iothreadpins + d->iothreadpin_count,
		 sizeof d->iothreadpins[0] * (NH_LV_MAX_IOTHREADS - d->iothreadpin_count)},
		{"vcpuscheds", d->vcpuscheds + d->vcpusched_count,
		 sizeof d->vcpuscheds[0] * (NH_LV_MAX_VCPUS - d->vcpusched_count)},
		{"cells", d->cells + d->cell_count,
		 sizeof d->cells[0] * (NH_LV_MAX_CELLS - d->cell_count)},
	};
	if (d->vcpupin_count > NH_LV_MAX_VCPUS || d->iothreadpin_count > NH_LV_MAX_IOTHREADS ||
	    d->vcpusched_count > NH_LV_MAX_VCPUS || d->cell_count > NH_LV_MAX_CELLS) {
		fprintf(stderr, "fuzz: libvirt: a count beyond its array\n");
		abort();
	}
	for (size_t i = 0; i < NH_ARRAY_LEN(tails); i++)
		if (!all_zero(tails[i].from, tails[i].len)) {
			fprintf(stderr, "fuzz: libvirt: %s written past the count\n", tails[i].what);
			abort();
		}
	for (unsigned i = 0; i < NH_LV_MAX_CELLS; i++)
		if (!d->memnode_given[i] && !all_zero(&d->memnodes[i], sizeof d->memnodes[i])) {
			fprintf(stderr, "fuzz: libvirt: memnode %u written but not given\n", i);
			abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static nh_lv_domain_t d; /* about 700 KiB: not on the stack */
	nh_err_t err;
	/* The parser takes a length, so the bytes go in as they are, NULs included. */
	if (nh_lv_domain_parse((const char *)data, size, "fuzz.xml", &d, &err) == 0) {
		check(&d);
		(void)nh_lv_mem_mode_name(d.memory.mode);
	}
	return 0;
}
