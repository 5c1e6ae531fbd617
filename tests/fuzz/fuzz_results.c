/* SPDX-License-Identifier: MIT */
/* Fuzz target: a results directory as report/compare/expect read it — runs.jsonl records
 * (after a manifest.json and a form feed when the input has one: JSON never holds a raw form
 * feed, while a torn runs.jsonl may hold NULs) loaded from a scratch directory, grouped into
 * configurations, read back through every accessor, and compared with itself as `numaharness
 * compare` does (statistics, labels, table, Markdown, JSON). */
#include <unistd.h>

#include "compare.h"
#include "fuzz_common.h"
#include "results.h"

static char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dir = nh_fuzz_scratch_dir();
	nh_log_set_level(NH_LOG_ERROR); /* a torn last record is logged as a warning each time */
	return 0;
}

/* Everything a reader asks of a loaded directory. */
static void read_back(nh_results_t *r)
{
	(void)nh_results_dir(r);
	(void)nh_results_warning(r);
	json_t *manifest = nh_results_manifest(r);
	(void)nh_json_path(manifest, "host", "kernel", NULL);
	for (unsigned i = 0; i <= nh_results_count(r); i++) /* one past the end: NULL */
		(void)nh_json_path(nh_results_record(r, i), "metrics", "bandwidth", "value");
	for (unsigned i = 0; i <= nh_results_config_count(r); i++) {
		const nh_results_config_t *c = nh_results_config(r, i);
		if (!c)
			continue;
		if (nh_results_find(r, c->key) != c)
			abort(); /* the first configuration of a key is the one found */
		const char *names[64];
		unsigned n = nh_results_metric_names(r, c, names, NH_ARRAY_LEN(names));
		for (unsigned k = 0; k < n; k++) {
			double values[32];
			const char *unit;
			int better;
			nh_results_values(r, c, names[k], values, NH_ARRAY_LEN(values), &unit, &better);
		}
	}
	(void)nh_results_find(r, "stream||default|glibc");
}

static void compare_with_itself(const nh_results_t *r)
{
	/* Few resamples: the bootstrap's cost is not what is fuzzed. */
	const nh_compare_opts_t opts = {.resamples = 20};
	nh_compare_t *c;
	nh_err_t err;
	if (nh_compare_run(r, r, &opts, &c, &err) < 0)
		return;
	free(nh_compare_table(c));
	free(nh_compare_markdown(c));
	json_decref(nh_compare_json(c));
	nh_compare_regressions_beyond(c, 5);
	nh_compare_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input_split(&in, data, size, '\f');
	unsigned runs = in.parts > 1 ? 1 : 0;
	nh_fuzz_write(dir, "runs.jsonl", in.part[runs], in.len[runs]);
	char manifest[4200];
	snprintf(manifest, sizeof manifest, "%s/manifest.json", dir);
	if (in.parts > 1)
		nh_fuzz_write(dir, "manifest.json", in.part[0], in.len[0]);
	else
		unlink(manifest);
	nh_err_t err;
	nh_results_t *r = nh_results_load(dir, &err);
	if (r) {
		read_back(r);
		compare_with_itself(r);
	}
	nh_results_free(r);
	nh_fuzz_input_free(&in);
	return 0;
}
