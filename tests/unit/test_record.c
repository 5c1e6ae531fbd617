/* Unit tests of record: placement verdicts, the JSON / CSV encodings read back, and the store's
 * appends when the disk refuses one. */
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "../e2e/proc.h"
#include "record.h"
#include "results.h"
#include "record_store.h"

extern const nh_workload_t nh_workload_stream;

static void make(nh_record_t *r, enum nh_mem_mode mode, const char *nodes, const char *spec)
{
	memset(r, 0, sizeof *r);
	r->spec.wl = &nh_workload_stream;
	r->spec.policy.mem_mode = mode;
	snprintf(r->spec.policy.spec, sizeof r->spec.policy.spec, "%s", spec);
	if (nodes)
		assert_int_equal(nh_set_parse(&r->spec.policy.mem_nodes, nodes, NULL), 0);
	snprintf(r->expected_nodes, sizeof r->expected_nodes, "%s", nodes ? nodes : "cpu-local");
	r->observed_valid = true;
}

static void place(nh_record_t *r, int node, uint64_t pages, bool expected)
{
	r->placement.pages_by_node[node] += pages;
	r->placement.pages_total += pages;
	r->placement.pages_checked += pages;
	if (expected)
		r->placement.pages_expected += pages;
}

static void verdict_bind(void **state)
{
	nh_record_t r;
	make(&r, NH_MEM_BIND, "1", "membind=1");
	place(&r, 1, 995, true);
	place(&r, 0, 5, false);
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(r.verdict, NH_VERDICT_OK);
	assert_true(fabs(r.fraction_expected - 0.995) < 1e-9);

	make(&r, NH_MEM_BIND, "1", "membind=1");
	place(&r, 1, 900, true);
	place(&r, 0, 100, false);
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(r.verdict, NH_VERDICT_VIOLATED);
	assert_string_equal(r.verdict_reason,
			    "only 90.00% of 1000 pages on the expected node(s) 1 (threshold 99%)");
	/* A node list too long for the reason is cut visibly; the threshold stays. */
	memset(r.expected_nodes, '7', sizeof r.expected_nodes - 1);
	r.expected_nodes[sizeof r.expected_nodes - 1] = '\0';
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(strlen(r.verdict_reason), sizeof r.verdict_reason - 1);
	assert_non_null(strstr(r.verdict_reason, "only 90.00% of 1000 pages on the expected node(s) 777"));
	const char *end = r.verdict_reason + strlen(r.verdict_reason) - strlen("7... (threshold 99%)");
	assert_string_equal(end, "7... (threshold 99%)");
	(void)state;
}

static void verdict_preferred_fallback(void **state)
{
	nh_record_t r;
	make(&r, NH_MEM_PREFERRED, "0", "preferred=0");
	place(&r, 0, 600, true);
	place(&r, 1, 400, false);
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(r.verdict, NH_VERDICT_FALLBACK);
	(void)state;
}

static void verdict_interleave(void **state)
{
	nh_record_t r;
	make(&r, NH_MEM_INTERLEAVE, "0-1", "interleave=all");
	place(&r, 0, 500, true);
	place(&r, 1, 500, true);
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(r.verdict, NH_VERDICT_OK);

	make(&r, NH_MEM_INTERLEAVE, "0-1", "interleave=all");
	place(&r, 0, 700, true);
	place(&r, 1, 300, true);
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(r.verdict, NH_VERDICT_UNBALANCED);
	assert_string_equal(r.verdict_reason, "node 0 holds 70.0% of the pages, expected 50.0% (±2%)");

	/* Weighted 3:1 → 75% / 25%. */
	make(&r, NH_MEM_WEIGHTED_INTERLEAVE, "0-1", "weighted-interleave=0:3,1:1");
	r.spec.policy.has_weights = true;
	r.spec.policy.weights[0] = 3;
	r.spec.policy.weights[1] = 1;
	place(&r, 0, 751, true);
	place(&r, 1, 249, true);
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(r.verdict, NH_VERDICT_OK);
	(void)state;
}

static void verdict_not_observed(void **state)
{
	nh_record_t r;
	make(&r, NH_MEM_BIND, "0", "membind=0");
	r.observed_valid = false;
	nh_record_judge_placement(&r, 0.99);
	assert_int_equal(r.verdict, NH_VERDICT_NOT_CHECKED);
	assert_true(r.fraction_expected < 0);
	(void)state;
}

static void json_contract(void **state)
{
	nh_record_t r;
	make(&r, NH_MEM_BIND, "0", "cpunodebind=0 membind=0");
	r.outcome = NH_OUTCOME_OK;
	nh_params_set(&r.spec.params, "size", "256M", NULL);
	nh_params_set(&r.spec.params, "threads", "2", NULL);
	place(&r, 0, 65536, true);
	nh_record_judge_placement(&r, 0.99);
	r.applied_valid = true;
	snprintf(r.applied_spec, sizeof r.applied_spec, "membind=0 physcpubind=0-1");
	nh_record_add_metric(&r, "triad", "MB/s", 1, 25000.5);
	nh_record_add_metric(&r, "first_touch_s", "s", -1, NAN);
	r.numastat_valid = true;
	r.numastat_delta.count = 1;
	r.numastat_delta.v[0][NH_NUMA_HIT] = 65536;
	nh_notes_set(&r.notes, "kernel", "avx512");
	nh_notes_set(&r.notes, "threads", "2");

	char *text = nh_record_to_json(&r);
	assert_non_null(text);
	assert_null(strchr(text, '\n'));
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "workload")), "stream");
	assert_string_equal(json_string_value(json_object_get(o, "outcome")), "ok");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "params"), "size")), "256M");
	json_t *pol = json_object_get(o, "policy");
	assert_string_equal(json_string_value(json_object_get(pol, "requested")), "cpunodebind=0 membind=0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(pol, "applied"), "spec")),
			    "membind=0 physcpubind=0-1");
	json_t *obs = json_object_get(pol, "observed");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(obs, "pages_by_node"), "0")), 65536);
	assert_string_equal(json_string_value(json_object_get(obs, "verdict")), "ok");
	json_t *triad = json_object_get(json_object_get(o, "metrics"), "triad");
	assert_true(json_real_value(json_object_get(triad, "value")) == 25000.5);
	assert_string_equal(json_string_value(json_object_get(triad, "unit")), "MB/s");
	assert_string_equal(json_string_value(json_object_get(triad, "better")), "higher");
	/* Not measured is null, never 0. */
	json_t *ft = json_object_get(json_object_get(o, "metrics"), "first_touch_s");
	assert_true(json_is_null(json_object_get(ft, "value")));
	json_t *ns = json_object_get(o, "numastat");
	assert_true(json_is_number(json_object_get(ns, "numa_miss_ratio")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "notes"), "kernel")), "avx512");
	json_decref(o);
	free(text);
	(void)state;
}

static void csv_rows(void **state)
{
	nh_record_t r;
	make(&r, NH_MEM_BIND, "0", "cpunodebind=0 membind=0");
	nh_params_set(&r.spec.params, "size", "1G", NULL);
	nh_record_add_metric(&r, "copy", "MB/s", 1, 1.5);
	nh_record_add_metric(&r, "triad", "MB/s", 1, 2.5);
	char *csv = nh_record_to_csv(&r, "default-20261121T000000Z");
	assert_non_null(csv);
	assert_string_equal(csv, "default-20261121T000000Z,0,0,0,0,stream,\"size=1G\",\"cpunodebind=0 membind=0\",ok,copy,1.5,MB/s,higher\n"
				 "default-20261121T000000Z,0,0,0,0,stream,\"size=1G\",\"cpunodebind=0 membind=0\",ok,triad,2.5,MB/s,higher\n");
	free(csv);
	(void)state;
}

static off_t file_size(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < sizeof path); /* a cut path would stat another file */
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* An append the disk refuses half-way (here: the file size limit, as a full disk would) is cut
 * back: both files end at the last complete record, the error says so, and the directory reads
 * back whole. */
static void store_append_failure_cuts_back(void **state)
{
	char *root = nh_tmpdir(), out[PATH_MAX];
	assert_non_null(root);
	snprintf(out, sizeof out, "%s/run", root);
	nh_manifest_info_t info = {.scenario_name = "store-test", .planned_runs = 3};
	nh_err_t err;
	nh_store_t *store = nh_record_store_create(out, NULL, NULL, NULL, &info, &err);
	assert_non_null(store);
	nh_record_t r;
	make(&r, NH_MEM_BIND, "0", "membind=0");
	r.outcome = NH_OUTCOME_OK;
	nh_params_set(&r.spec.params, "size", "1M", NULL);
	nh_record_add_metric(&r, "triad", "MB/s", 1, 1234.5);
	assert_int_equal(nh_record_store_append(store, &r, &err), 0);
	off_t runs = file_size(out, "runs.jsonl"), csv = file_size(out, "metrics.csv");

	/* Room for a few bytes more than runs.jsonl holds: the next record is cut mid-line. */
	struct rlimit saved, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	lim = saved;
	lim.rlim_cur = (rlim_t)runs + 40;
	void (*old)(int) = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	r.spec.index = 1;
	int rc = nh_record_store_append(store, &r, &err);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	signal(SIGXFSZ, old);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "append failed: File too large; runs.jsonl and metrics.csv cut "
					"back to the last complete record (run 2 not stored)"));
	assert_int_equal(file_size(out, "runs.jsonl"), runs);
	assert_int_equal(file_size(out, "metrics.csv"), csv);
	/* and the store goes on from there */
	r.spec.index = 2;
	assert_int_equal(nh_record_store_append(store, &r, &err), 0);
	nh_store_free(store);

	nh_results_t *res = nh_results_load(out, &err);
	assert_non_null(res);
	assert_int_equal(nh_results_count(res), 2);
	assert_null(nh_results_warning(res));
	nh_results_free(res);
	nh_rm_rf(root);
	free(root);
	(void)state;
}

/* Notes are typed entries: a key set again keeps its place, and what does not fit is said in
 * "notes_truncated" rather than lost (the 1 KiB "k=v;k=v" text cut them silently). */
static void notes_never_truncate_silently(void **state)
{
	nh_record_t r;
	make(&r, NH_MEM_BIND, "0", "membind=0");
	nh_notes_set(&r.notes, "kernel", "scalar");
	nh_notes_set(&r.notes, "threads", "2");
	nh_notes_set(&r.notes, "kernel", "avx512; a=b"); /* ';' and '=' need no escaping now */
	char *text = nh_record_to_json(&r);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"notes\":{\"kernel\":\"avx512; a=b\",\"threads\":\"2\"}"));
	free(text);

	char key[32], big[600];
	memset(big, 'v', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	for (unsigned i = 0; i < NH_NOTE_MAX + 3; i++) {
		snprintf(key, sizeof key, "n%u", i);
		nh_notes_set(&r.notes, key, "x");
	}
	nh_notes_set(&r.notes, "kernel", big);
	assert_int_equal(r.notes.count, NH_NOTE_MAX);
	assert_int_equal(strlen(nh_notes_get(&r.notes, "kernel")), NH_NOTE_VALUE_LEN - 1);
	text = nh_record_to_json(&r);
	json_t *o = json_loads(text, 0, NULL);
	assert_non_null(o);
	json_t *notes = json_object_get(o, "notes");
	assert_int_equal(json_object_size(notes), NH_NOTE_MAX + 1);
	assert_string_equal(json_string_value(json_object_get(notes, "notes_truncated")),
			    "5 notes dropped (at most 32); 1 cut to fit (keys 31, values 255 bytes): kernel");
	json_decref(o);
	free(text);
	char *view = nh_notes_format(&r.notes);
	assert_non_null(strstr(view, ";notes_truncated=5 notes dropped"));
	free(view);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdict_bind),
		cmocka_unit_test(verdict_preferred_fallback),
		cmocka_unit_test(verdict_interleave),
		cmocka_unit_test(verdict_not_observed),
		cmocka_unit_test(json_contract),
		cmocka_unit_test(notes_never_truncate_silently),
		cmocka_unit_test(csv_rows),
		cmocka_unit_test(store_append_failure_cuts_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
