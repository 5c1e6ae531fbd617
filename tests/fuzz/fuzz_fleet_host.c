/* SPDX-License-Identifier: MIT */
/* Fuzz target: a fleet host's files as `numaharness fleet` reads them — the input is metrics.csv,
 * manifest.json, checks.json and an earlier fleet.json (for --baseline), separated by form feeds
 * (JSON never holds a raw one; a part not given is a file left out). Five hosts with these files
 * (a cohort large enough to be judged) are read, judged and written as the fleet report (no
 * charts), and every host's view and figure read back. */
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleet.h"
#include "fuzz_common.h"

static char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dir = nh_fuzz_scratch_dir();
	nh_log_set_level(NH_LOG_ERROR);
	return 0;
}

static void put(const char *host, const char *name, const nh_fuzz_input_t *in, unsigned part)
{
	char path[4400];
	snprintf(path, sizeof path, "%s/%s", host, name);
	if (part < in->parts)
		nh_fuzz_write(host, name, in->part[part], in->len[part]);
	else
		unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input_split(&in, data, size, '\f');
	char fleet_dir[4200], out[4200], host[4300], base[4200];
	snprintf(fleet_dir, sizeof fleet_dir, "%s/fleet", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	nh_empty_dir(dir, NULL);
	if (mkdir(fleet_dir, 0700) < 0 || mkdir(out, 0700) < 0)
		abort();
	for (unsigned h = 0; h < 5; h++) {
		snprintf(host, sizeof host, "%s/h%u", fleet_dir, h);
		if (mkdir(host, 0700) < 0)
			abort();
		put(host, "metrics.csv", &in, 0);
		put(host, "manifest.json", &in, 1);
		put(host, "checks.json", &in, 2);
	}
	put(dir, "baseline.json", &in, 3);
	snprintf(base, sizeof base, "%s/baseline.json", dir);

	nh_fleet_opts_t o;
	nh_fleet_opts_default(&o);
	nh_err_t err;
	nh_fleet_t *f = nh_fleet_new(&o, &err);
	if (!f)
		abort();
	if (in.parts > 3)
		(void)nh_fleet_baseline(f, base, &err); /* a bad one is a one-line error */
	if (nh_fleet_add(f, fleet_dir, &err) < 0 || nh_fleet_judge(f, &err) < 0)
		abort(); /* only memory can fail here: a bad host is that host's ERROR */
	if (nh_fleet_host_count(f) != 5)
		abort();
	for (unsigned i = 0; i < nh_fleet_host_count(f); i++) {
		nh_fleet_host_view_t h = nh_fleet_host(f, i);
		if (!h.name || h.verdict >= NH_FLEET_VERDICTS || !h.reading)
			abort();
		for (unsigned k = 0; k < nh_fleet_host_readings(f, i); k++)
			(void)strlen(nh_fleet_host_reading(f, i, k));
		for (unsigned k = 0; k < nh_fleet_host_reasons(f, i); k++)
			(void)strlen(nh_fleet_host_reason(f, i, k));
		for (unsigned node = 0; node < 4; node++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
				nh_fleet_value_view_t v = nh_fleet_value(f, i, node, m);
				if (v.present && !isfinite(v.value))
					abort(); /* a figure is a number or absent, never NaN */
			}
	}
	if (nh_fleet_write(f, out, false, NULL, 0, &err) < 0)
		abort();
	nh_fleet_free(f);
	nh_fuzz_input_free(&in);
	return 0;
}
