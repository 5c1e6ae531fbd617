/* Unit tests of expect: every kind of expectation evaluated on synthetic results directories
 * (pass, fail, not evaluated, boundary values), memory per node from real-format node meminfo
 * fixtures, the plan-time filter checks, and checks.json / checks.xml (JUnit well-formed,
 * escaped). */
#include <jansson.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "expect.h"
#include "plan.h"
#include "topo.h"
#include "topo_json.h"

/* ---- synthetic results ---- */

typedef struct rec_opts {
	const char *workload, *policy, *size, *outcome, *reason, *verdict;
	bool warmup;
	double frac, miss;  /* NAN: null in the record */
	const char *metric; /* one metric, NULL for none */
	double value;
	const char *counter;  /* one counter, NULL for none */
	double counter_value; /* NAN: unavailable */
	const char *allocator;
} rec_opts_t;

/* REC(.field = value): the defaults below, then the fields given; a later designated initialiser
 * overriding an earlier one is exactly what is meant here. */
#pragma GCC diagnostic ignored "-Woverride-init"
#define REC(...)                                                                             \
	(rec_opts_t)                                                                         \
	{                                                                                    \
		.workload = "stream", .policy = "membind=0", .size = "1M", .outcome = "ok",  \
		.verdict = "ok", .frac = 1.0, .miss = 0.0, .metric = "triad", .value = 1000, \
		.counter_value = NAN, __VA_ARGS__                                            \
	}

typedef struct dir {
	char path[256];
	json_t *runs; /* array of records */
	json_t *manifest;
} dir_t;

static json_t *num_or_null(double v) { return isnan(v) ? json_null() : json_real(v); }

static void add(dir_t *d, rec_opts_t o)
{
	json_t *r = json_object();
	json_object_set_new(r, "run", json_integer((json_int_t)json_array_size(d->runs)));
	json_object_set_new(r, "warmup", json_boolean(o.warmup));
	json_object_set_new(r, "workload", json_string(o.workload));
	json_object_set_new(r, "params",
			    json_pack("{s:s, s:s, s:s}", "size", o.size, "threads", "2",
				      "allocator", o.allocator ? o.allocator : "glibc"));
	json_object_set_new(r, "outcome", json_string(o.outcome));
	json_object_set_new(r, "reason", json_string(o.reason ? o.reason : ""));
	json_t *obs = json_object();
	json_object_set_new(obs, "expected_nodes", json_string("0"));
	json_object_set_new(obs, "fraction_on_expected", num_or_null(o.frac));
	json_object_set_new(obs, "verdict", json_string(isnan(o.frac) ? "not-checked" : o.verdict));
	json_object_set_new(obs, "verdict_reason",
			    json_string(isnan(o.frac) ? "no resident pages to check" : "why"));
	json_object_set_new(r, "policy",
			    json_pack("{s:s, s:o}", "requested", o.policy, "observed", obs));
	json_t *metrics = json_object();
	if (o.metric && strcmp(o.outcome, "ok") == 0)
		json_object_set_new(metrics, o.metric,
				    json_pack("{s:f, s:s, s:s}", "value", o.value, "unit", "MB/s",
					      "better", "higher"));
	json_object_set_new(r, "metrics", metrics);
	json_object_set_new(
		r, "numastat",
		json_pack("{s:{}, s:o}", "delta_by_node", "numa_miss_ratio", num_or_null(o.miss)));
	json_t *counters = json_object();
	if (o.counter)
		json_object_set_new(counters, o.counter,
				    isnan(o.counter_value)
					    ? json_pack("{s:s}", "unavailable",
							"no hardware PMU available to this process")
					    : json_pack("{s:f}", "value", o.counter_value));
	json_object_set_new(r, "counters", counters);
	json_array_append_new(d->runs, r);
}

static dir_t *new_dir(void)
{
	dir_t *d = calloc(1, sizeof *d);
	snprintf(d->path, sizeof d->path, "/tmp/nh-test-expect-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	d->runs = json_array();
	return d;
}

/* A two-node host: CPUs 0-1 and 2-3, SLIT 10/21. */
static json_t *two_node_manifest(void)
{
	return json_pack("{s:{s:[{s:i, s:[i,i]}, {s:i, s:[i,i]}], s:[[i,i],[i,i]]}}", "host",
			 "nodes", "id", 0, "cpus", 0, 1, "id", 1, "cpus", 2, 3, "distances", 10, 21,
			 21, 10);
}

/* Write the directory and load it back as the harness does after a sweep. */
static nh_results_t *load(dir_t *d)
{
	char path[300];
	snprintf(path, sizeof path, "%s/runs.jsonl", d->path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	size_t i;
	json_t *r;
	json_array_foreach(d->runs, i, r) {
		char *line = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fprintf(f, "%s\n", line);
		free(line);
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/manifest.json", d->path);
	unlink(path);
	if (d->manifest)
		assert_int_equal(json_dump_file(d->manifest, path, 0), 0);
	nh_err_t err;
	nh_results_t *res = nh_results_load(d->path, &err);
	if (!res)
		fail_msg("%s", err.msg);
	return res;
}

static void free_dir(dir_t *d)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
	json_decref(d->runs);
	json_decref(d->manifest);
	free(d);
}

static nh_expect_t X(enum nh_expect_kind kind)
{
	nh_expect_t e = {.kind = kind, .min = NAN, .max = NAN};
	snprintf(e.source, sizeof e.source, "t.lua:%d", 10 + (int)kind);
	return e;
}

static nh_expect_set_t *set_of(const nh_expect_t *e, unsigned n, bool unevaluated_fails)
{
	nh_expect_set_t *set = nh_expect_set_new();
	assert_non_null(set);
	nh_expect_set_scenario(set, "t", "t.lua:1", 0.99, unevaluated_fails);
	nh_err_t err;
	for (unsigned i = 0; i < n; i++)
		if (nh_expect_add(set, &e[i], &err) < 0)
			fail_msg("%s", err.msg);
	return set;
}

static void evaluate(dir_t *d, const nh_expect_t *e, unsigned n, bool unevaluated_fails,
		     nh_checks_t *out)
{
	nh_results_t *res = load(d);
	nh_expect_set_t *set = set_of(e, n, unevaluated_fails);
	nh_err_t err;
	if (nh_expect_evaluate(set, res, out, &err) < 0)
		fail_msg("%s", err.msg);
	nh_expect_set_free(set);
	nh_results_free(res);
}

/* The checks of one kind, in order. */
static const nh_check_t *nth(const nh_checks_t *c, enum nh_expect_kind kind, unsigned n)
{
	for (unsigned i = 0; i < c->count; i++)
		if (c->items[i].kind == kind && n-- == 0)
			return &c->items[i];
	fail_msg("no check %u of kind %s", n, nh_expect_kind_name(kind));
	return NULL;
}

static unsigned count_kind(const nh_checks_t *c, enum nh_expect_kind kind)
{
	unsigned n = 0;
	for (unsigned i = 0; i < c->count; i++)
		n += c->items[i].kind == kind;
	return n;
}

static void has(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("'%s' lacks '%s'", text, part);
}

/* ---- implied checks ---- */

static void implied_outcomes_and_placement(void **state)
{
	dir_t *d = new_dir();
	add(d, REC(.warmup = true, .outcome = "crashed")); /* warm-ups are not counted */
	add(d, REC());
	add(d, REC());
	add(d, REC(.policy = "membind=1", .outcome = "crashed", .reason = "killed by signal 11"));
	add(d, REC(.policy = "membind=1"));
	add(d, REC(.policy = "weighted-interleave=0", .outcome = "skipped",
		   .reason = "needs Linux 6.9"));
	nh_checks_t c;
	evaluate(d, NULL, 0, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_OUTCOMES), 3);
	assert_int_equal(count_kind(&c, NH_EXPECT_PLACEMENT), 3);
	const nh_check_t *o0 = nth(&c, NH_EXPECT_OUTCOMES, 0), *o1 = nth(&c, NH_EXPECT_OUTCOMES, 1),
			 *o2 = nth(&c, NH_EXPECT_OUTCOMES, 2);
	assert_int_equal(o0->status, NH_CHECK_PASS);
	assert_string_equal(o0->name, "runs ok or skipped (stream membind=0)");
	assert_string_equal(o0->source, "t.lua:1"); /* implied: the scenario's own line */
	assert_int_equal(o1->status, NH_CHECK_FAIL);
	has(o1->detail, "1 of 2 runs not ok; run 3 crashed: killed by signal 11");
	assert_int_equal(o2->status, NH_CHECK_PASS); /* skipped is fine by default */
	has(o2->detail, "skipped: needs Linux 6.9");
	assert_int_equal(nth(&c, NH_EXPECT_PLACEMENT, 0)->status, NH_CHECK_PASS);
	assert_string_equal(nth(&c, NH_EXPECT_PLACEMENT, 0)->name,
			    "placement ≥ 0.99 (stream membind=0)");
	assert_int_equal(nth(&c, NH_EXPECT_PLACEMENT, 1)->status, NH_CHECK_PASS); /* its ok run */
	const nh_check_t *p2 = nth(&c, NH_EXPECT_PLACEMENT, 2);
	assert_int_equal(p2->status, NH_CHECK_NOT_EVALUATED);
	assert_string_equal(p2->detail, "skipped: needs Linux 6.9");
	assert_false(p2->fails_gate);
	assert_true(c.gate_failed);
	assert_int_equal(c.failed, 1);
	assert_int_equal(c.not_evaluated, 1);
	assert_int_equal(c.passed, 4);
	nh_checks_free(&c);

	/* An explicit outcomes = "ok" replaces the implied one: now skipped fails. */
	nh_expect_t e = X(NH_EXPECT_OUTCOMES);
	e.allow_skipped = false;
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_OUTCOMES), 3);
	assert_int_equal(nth(&c, NH_EXPECT_OUTCOMES, 2)->status, NH_CHECK_FAIL);
	assert_string_equal(nth(&c, NH_EXPECT_OUTCOMES, 2)->source, "t.lua:19");
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- placement ---- */

static void placement_boundaries(void **state)
{
	dir_t *d = new_dir();
	add(d, REC(.frac = 0.99));
	add(d, REC(.frac = 1.0));
	add(d, REC(.policy = "membind=1", .frac = 0.9899, .verdict = "violated"));
	add(d, REC(.policy = "preferred=1", .frac = 0.5, .verdict = "fallback"));
	add(d, REC(.policy = "interleave=all", .frac = 1.0, .verdict = "unbalanced"));
	add(d, REC(.policy = "default", .frac = NAN));
	nh_expect_t e = X(NH_EXPECT_PLACEMENT);
	e.min = 0.99;
	nh_checks_t c;
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_PLACEMENT), 5); /* explicit: no implied one */
	const nh_check_t *p;
	p = nth(&c, NH_EXPECT_PLACEMENT, 0); /* exactly at the threshold passes */
	assert_int_equal(p->status, NH_CHECK_PASS);
	assert_true(fabs(p->value - 0.99) < 1e-12);
	has(p->detail, "lowest 99.00% of pages on the expected node(s) over 2 runs");
	p = nth(&c, NH_EXPECT_PLACEMENT, 1); /* just below fails */
	assert_int_equal(p->status, NH_CHECK_FAIL);
	has(p->detail, "run 2 has 98.99% of its pages on node(s) 0");
	p = nth(&c, NH_EXPECT_PLACEMENT, 2); /* preferred fell back: allowed */
	assert_int_equal(p->status, NH_CHECK_PASS);
	has(p->detail, "fell back as the policy allows");
	p = nth(&c, NH_EXPECT_PLACEMENT, 3); /* interleave off balance fails even above threshold */
	assert_int_equal(p->status, NH_CHECK_FAIL);
	has(p->detail, "verdict unbalanced");
	p = nth(&c, NH_EXPECT_PLACEMENT, 4);
	assert_int_equal(p->status, NH_CHECK_NOT_EVALUATED);
	has(p->detail, "placement not observed: no resident pages to check");
	nh_checks_free(&c);

	/* strict: a fallback counts as failing. */
	e.strict = true;
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_PLACEMENT, 2)->status, NH_CHECK_FAIL);
	nh_checks_free(&c);

	/* A filter picks configurations; a lower threshold lets the 98.99% run pass. */
	e.strict = false;
	e.min = 0.98;
	snprintf(e.policy, sizeof e.policy, "membind=1");
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_PLACEMENT), 1);
	assert_int_equal(nth(&c, NH_EXPECT_PLACEMENT, 0)->status, NH_CHECK_PASS);
	assert_string_equal(nth(&c, NH_EXPECT_PLACEMENT, 0)->name,
			    "placement ≥ 0.98 (stream membind=1)");
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- numa_miss ---- */

static void numa_miss_ratio(void **state)
{
	dir_t *d = new_dir();
	add(d, REC(.miss = 0.15));
	add(d, REC(.miss = 0.01));
	add(d, REC(.policy = "membind=1", .miss = 0.1501));
	add(d, REC(.policy = "preferred=1", .miss = 0.6, .frac = 0.5, .verdict = "fallback"));
	add(d, REC(.policy = "default", .miss = NAN));
	nh_expect_t e = X(NH_EXPECT_NUMA_MISS);
	e.max = 0.15;
	nh_checks_t c;
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_NUMA_MISS), 4);
	assert_int_equal(nth(&c, NH_EXPECT_NUMA_MISS, 0)->status, NH_CHECK_PASS); /* = max passes */
	has(nth(&c, NH_EXPECT_NUMA_MISS, 0)->detail, "highest 0.15 over 2 runs");
	assert_int_equal(nth(&c, NH_EXPECT_NUMA_MISS, 1)->status, NH_CHECK_FAIL);
	has(nth(&c, NH_EXPECT_NUMA_MISS, 1)->detail, "missed 0.1501 > 0.15");
	assert_int_equal(nth(&c, NH_EXPECT_NUMA_MISS, 2)->status,
			 NH_CHECK_PASS); /* fallback exempt */
	assert_int_equal(nth(&c, NH_EXPECT_NUMA_MISS, 3)->status, NH_CHECK_NOT_EVALUATED);
	has(nth(&c, NH_EXPECT_NUMA_MISS, 3)->detail, "no run has a numa_miss_ratio");
	nh_checks_free(&c);
	e.strict = true;
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_NUMA_MISS, 2)->status, NH_CHECK_FAIL);
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- metrics and ratios ---- */

static void metric_thresholds(void **state)
{
	dir_t *d = new_dir();
	add(d, REC(.value = 900));
	add(d, REC(.value = 1000));
	add(d, REC(.value = 5000)); /* median of three: 1000 */
	add(d, REC(.size = "2M", .value = 400));
	add(d, REC(.size = "2M", .value = 600)); /* median of two: 500 */
	add(d, REC(.size = "4M", .outcome = "failed", .reason = "boom"));
	add(d, REC(.size = "8M", .metric = "copy"));
	nh_expect_t e[3] = {X(NH_EXPECT_METRIC), X(NH_EXPECT_METRIC), X(NH_EXPECT_METRIC)};
	snprintf(e[0].what, sizeof e[0].what, "triad");
	e[0].min = 1000; /* boundary: passes at exactly the median */
	snprintf(e[1].what, sizeof e[1].what, "triad");
	e[1].max = 499.99;
	nh_params_set(&e[1].params, "size", "2M", NULL);
	snprintf(e[1].name, sizeof e[1].name, "small arrays stay slow");
	snprintf(e[2].what, sizeof e[2].what, "triad");
	e[2].min = 1;
	e[2].max = 2;
	nh_params_set(&e[2].params, "size", "2M", NULL);
	snprintf(e[2].workload, sizeof e[2].workload, "chase"); /* picks nothing */
	nh_checks_t c;
	evaluate(d, e, 3, false, &c);
	const nh_check_t *m = nth(&c, NH_EXPECT_METRIC, 0);
	assert_int_equal(m->status, NH_CHECK_PASS);
	assert_string_equal(m->name, "triad ≥ 1000 (stream membind=0 size=1M)");
	assert_true(m->value == 1000);
	has(m->detail, "median 1000 MB/s of 3 runs ≥ 1000");
	m = nth(&c, NH_EXPECT_METRIC, 1);
	assert_int_equal(m->status, NH_CHECK_FAIL);
	has(m->detail, "median 500 MB/s of 2 runs < 1000 (min)");
	m = nth(&c, NH_EXPECT_METRIC, 2);
	assert_int_equal(m->status, NH_CHECK_NOT_EVALUATED);
	has(m->detail, "no ok run to measure");
	m = nth(&c, NH_EXPECT_METRIC, 3);
	assert_int_equal(m->status, NH_CHECK_NOT_EVALUATED);
	has(m->detail, "metric 'triad' is not in the records of stream");
	m = nth(&c, NH_EXPECT_METRIC, 4); /* the user's name; one configuration picked: no label */
	assert_string_equal(m->name, "small arrays stay slow");
	assert_int_equal(m->status, NH_CHECK_FAIL);
	assert_string_equal(m->source, "t.lua:16");
	has(m->detail, "median 500 MB/s of 2 runs > 499.99 (max)");
	m = nth(&c, NH_EXPECT_METRIC, 5);
	assert_int_equal(m->status, NH_CHECK_NOT_EVALUATED);
	has(m->detail, "no configuration in the results matches");
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

static void ratios_between_policies(void **state)
{
	dir_t *d = new_dir();
	add(d, REC(.policy = "interleave=all", .value = 900));
	add(d, REC(.policy = "membind=0", .value = 1000));
	add(d, REC(.policy = "interleave=all", .size = "2M", .value = 800));
	add(d, REC(.policy = "membind=0", .size = "2M", .value = 1000));
	add(d, REC(.policy = "interleave=all", .size = "4M", .value = 800)); /* no partner */
	nh_expect_t e = X(NH_EXPECT_RATIO);
	snprintf(e.what, sizeof e.what, "triad");
	snprintf(e.of, sizeof e.of, "interleave=all");
	snprintf(e.to, sizeof e.to, "membind=0");
	e.min = 0.9;
	nh_checks_t c;
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_RATIO), 2);
	const nh_check_t *r0 = nth(&c, NH_EXPECT_RATIO, 0), *r1 = nth(&c, NH_EXPECT_RATIO, 1);
	assert_int_equal(r0->status, NH_CHECK_PASS); /* 0.9 exactly */
	assert_true(fabs(r0->value - 0.9) < 1e-12);
	assert_string_equal(r0->name, "triad interleave=all / membind=0 ≥ 0.9 (stream size=1M)");
	has(r0->detail, "medians 900 / 1000 MB/s = 0.9 ≥ 0.9");
	has(r0->config, " => ");
	assert_int_equal(r1->status, NH_CHECK_FAIL);
	has(r1->detail, "= 0.8 < 0.9 (min)");
	nh_checks_free(&c);
	free_dir(d);

	/* Keys over half a key's size each: the pair's config holds both whole (it is a field of
	 * checks.json). */
	d = new_dir();
	char size[601];
	memset(size, '7', sizeof size - 1);
	size[sizeof size - 1] = '\0';
	add(d, REC(.policy = "interleave=all", .size = size, .value = 900));
	add(d, REC(.policy = "membind=0", .size = size, .value = 1000));
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_RATIO), 1);
	r0 = nth(&c, NH_EXPECT_RATIO, 0);
	char want[sizeof r0->config];
	snprintf(want, sizeof want, "stream|size=%s threads=2|interleave=all|glibc => "
		 "stream|size=%s threads=2|membind=0|glibc", size, size);
	assert_int_equal(strlen(want), 2 * (sizeof "stream|size= threads=2||glibc" - 1 + 600) +
					       sizeof "interleave=allmembind=0 => " - 1);
	assert_string_equal(r0->config, want);
	assert_string_equal(r0->name, "triad interleave=all / membind=0 ≥ 0.9 (stream)");
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- counters ---- */

static void counters_and_the_unevaluated_flag(void **state)
{
	dir_t *d = new_dir();
	add(d, REC(.counter = "llc.miss_ratio", .counter_value = 0.3));
	add(d, REC(.counter = "llc.miss_ratio", .counter_value = 0.5));
	add(d, REC(.policy = "membind=1", .counter = "llc.miss_ratio", .counter_value = NAN));
	add(d, REC(.policy = "default"));
	add(d, REC(.policy = "preferred=0", .frac = NAN));
	nh_expect_t e = X(NH_EXPECT_COUNTER);
	snprintf(e.what, sizeof e.what, "llc.miss_ratio");
	e.max = 0.4;
	snprintf(e.workload, sizeof e.workload, "stream");
	nh_checks_t c;
	evaluate(d, &e, 1, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_COUNTER, 0)->status, NH_CHECK_PASS); /* median 0.4 */
	has(nth(&c, NH_EXPECT_COUNTER, 0)->detail, "median 0.4 of 2 runs ≤ 0.4");
	const nh_check_t *u = nth(&c, NH_EXPECT_COUNTER, 1);
	assert_int_equal(u->status, NH_CHECK_NOT_EVALUATED);
	assert_string_equal(
		u->detail,
		"counter llc.miss_ratio unavailable: no hardware PMU available to this process");
	assert_false(u->fails_gate);
	has(nth(&c, NH_EXPECT_COUNTER, 2)->detail, "counter llc.miss_ratio not recorded");
	assert_false(c.gate_failed);
	nh_checks_free(&c);

	/* unevaluated = "fail": the same checks now fail the gate (and count as JUnit failures). */
	evaluate(d, &e, 1, true, &c);
	assert_true(nth(&c, NH_EXPECT_COUNTER, 1)->fails_gate);
	assert_int_equal(nth(&c, NH_EXPECT_COUNTER, 1)->status, NH_CHECK_NOT_EVALUATED);
	assert_true(c.gate_failed);
	/* ... but not an implied check that cannot apply (no placement observed) */
	assert_int_equal(nth(&c, NH_EXPECT_PLACEMENT, 3)->status, NH_CHECK_NOT_EVALUATED);
	assert_false(nth(&c, NH_EXPECT_PLACEMENT, 3)->fails_gate);
	char *xml = nh_checks_to_junit(&c);
	has(xml, "<failure type=\"not-evaluated\" message=\"not evaluated: counter llc.miss_ratio "
		 "unavailable");
	free(xml);
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- host topology (from the manifest) ---- */

static void topology_from_manifest(void **state)
{
	dir_t *d = new_dir();
	add(d, REC());
	d->manifest = two_node_manifest();
	nh_expect_t e[6] = {X(NH_EXPECT_NODES),         X(NH_EXPECT_NODES),
			    X(NH_EXPECT_CPUS_PER_NODE), X(NH_EXPECT_CPUS_PER_NODE),
			    X(NH_EXPECT_DISTANCE),      X(NH_EXPECT_DISTANCE)};
	e[0].min = e[0].max = 2;
	e[1].min = e[1].max = 4;
	e[2].min = e[2].max = 2;
	e[3].min = 8;
	e[4].min = 10;
	e[4].max = 32;
	e[5].max = 20;
	nh_checks_t c;
	evaluate(d, e, 6, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_NODES, 0)->status, NH_CHECK_PASS);
	assert_string_equal(nth(&c, NH_EXPECT_NODES, 0)->name, "nodes = 2");
	assert_int_equal(nth(&c, NH_EXPECT_NODES, 1)->status, NH_CHECK_FAIL);
	assert_string_equal(nth(&c, NH_EXPECT_NODES, 1)->detail, "2 nodes ≠ 4");
	assert_int_equal(nth(&c, NH_EXPECT_CPUS_PER_NODE, 0)->status, NH_CHECK_PASS);
	assert_int_equal(nth(&c, NH_EXPECT_CPUS_PER_NODE, 1)->status, NH_CHECK_FAIL);
	has(nth(&c, NH_EXPECT_CPUS_PER_NODE, 1)->detail, "node 0 has 2 CPUs, < 8 (min)");
	assert_int_equal(nth(&c, NH_EXPECT_DISTANCE, 0)->status, NH_CHECK_PASS);
	assert_string_equal(nth(&c, NH_EXPECT_DISTANCE, 0)->detail, "every remote distance is 21");
	assert_int_equal(nth(&c, NH_EXPECT_DISTANCE, 1)->status, NH_CHECK_FAIL);
	has(nth(&c, NH_EXPECT_DISTANCE, 1)->detail, "distance 0→1 is 21 > 20 (max)");
	nh_checks_free(&c);

	/* One node: no remote distance to judge. No manifest: nothing to judge. */
	json_decref(d->manifest);
	d->manifest = json_pack("{s:{s:[{s:i, s:[i]}], s:[[i]]}}", "host", "nodes", "id", 0, "cpus",
				0, "distances", 10);
	evaluate(d, &e[4], 1, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_DISTANCE, 0)->status, NH_CHECK_NOT_EVALUATED);
	assert_string_equal(nth(&c, NH_EXPECT_DISTANCE, 0)->detail, "1 node: no remote distances");
	nh_checks_free(&c);
	json_decref(d->manifest);
	d->manifest = NULL;
	evaluate(d, &e[0], 1, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_NODES, 0)->status, NH_CHECK_NOT_EVALUATED);
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* Host checks without a bound ("report"): the same evidence, not evaluated, saying so. */
static void topology_evidence_only(void **state)
{
	dir_t *d = new_dir();
	add(d, REC());
	d->manifest = two_node_manifest();
	nh_expect_t e[3] = {X(NH_EXPECT_NODES), X(NH_EXPECT_CPUS_PER_NODE), X(NH_EXPECT_DISTANCE)};
	for (int i = 0; i < 3; i++)
		e[i].report = true;
	snprintf(e[0].name, sizeof e[0].name, "nodes (not checked: --set nodes=N)");
	nh_checks_t c;
	evaluate(d, e, 3, false, &c);
	const nh_check_t *k = nth(&c, NH_EXPECT_NODES, 0);
	assert_int_equal(k->status, NH_CHECK_NOT_EVALUATED);
	assert_string_equal(k->name, "nodes (not checked: --set nodes=N)");
	assert_string_equal(k->detail,
			    "2 nodes; evidence only: the scenario gave no expected value");
	assert_true(k->value == 2); /* the evidence, for checks.json */
	assert_true(isnan(k->min) && isnan(k->max));
	assert_false(k->fails_gate);
	k = nth(&c, NH_EXPECT_CPUS_PER_NODE, 0);
	assert_string_equal(k->name, "CPUs per node (evidence only)");
	has(k->detail, "2 nodes with 2 CPUs each; evidence only");
	k = nth(&c, NH_EXPECT_DISTANCE, 0);
	assert_int_equal(k->status, NH_CHECK_NOT_EVALUATED);
	has(k->detail, "every remote distance is 21; evidence only");
	assert_false(c.gate_failed);
	nh_checks_free(&c);
	/* unevaluated = "fail": asking for no value fails a strict gate */
	evaluate(d, e, 1, true, &c);
	assert_true(nth(&c, NH_EXPECT_NODES, 0)->fails_gate);
	assert_true(c.gate_failed);
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- memory per node: node N's meminfo MemTotal, as the manifest records it ---- */

/* The manifest's host as the store writes it (nh_topo_json of the topology), read from a
 * sysfs-style fixture of real-format node meminfo files. */
static json_t *manifest_from_sysfs(const char *fixture)
{
	char root[512];
	snprintf(root, sizeof root, "%s/%s", NH_TEST_DATA, fixture);
	nh_err_t err;
	nh_topo_t *t = nh_topo_load_sysfs(root, &err);
	if (!t)
		fail_msg("%s", err.msg);
	json_t *host = nh_topo_json(t, false);
	nh_topo_free(t);
	assert_non_null(host);
	return json_pack("{s:o}", "host", host);
}

static nh_expect_t node_memory(double min, double max)
{
	nh_expect_t e = X(NH_EXPECT_NODE_MEMORY);
	e.min = min;
	e.max = max;
	return e;
}

#define GIB (1024.0 * 1024 * 1024)

static void node_memory_from_meminfo(void **state)
{
	/* Two sockets: node 0 MemTotal 197912328 kB (its 192 GiB of DIMMs less what firmware and
	 * kernel keep), node 1 164556812 kB (one 32 GiB DIMM short). */
	const double node0 = 197912328.0 * 1024, node1 = 164556812.0 * 1024;
	dir_t *d = new_dir();
	add(d, REC());
	d->manifest = manifest_from_sysfs("node_memory/two-socket");
	nh_expect_t e[5] = {node_memory(180 * GIB, NAN), node_memory(150 * GIB, NAN),
			    node_memory(NAN, 160 * GIB), node_memory(150 * GIB, 190 * GIB),
			    node_memory(node1, NAN)};
	nh_checks_t c;
	evaluate(d, e, 5, false, &c);
	assert_int_equal(count_kind(&c, NH_EXPECT_NODE_MEMORY), 5);
	const nh_check_t *k = nth(&c, NH_EXPECT_NODE_MEMORY, 0);
	assert_int_equal(k->status, NH_CHECK_FAIL);
	assert_string_equal(k->name, "memory per node ≥ 180 GiB");
	assert_true(k->value == node1);
	assert_true(k->min == 180 * GIB);
	/* the node that missed, exactly, then every node's figure, then why min needs slack */
	has(k->detail, "node 1 has 156.9 GiB (168506175488 B), < 180 GiB (min); "
		       "node 0: 188.7 GiB, node 1: 156.9 GiB (MemTotal runs below the installed "
		       "size");
	has(k->detail, "leave slack in min");
	assert_true(k->fails_gate);
	k = nth(&c, NH_EXPECT_NODE_MEMORY, 1);
	assert_int_equal(k->status, NH_CHECK_PASS);
	assert_string_equal(k->detail, "node 0: 188.7 GiB, node 1: 156.9 GiB");
	assert_true(k->value == node1); /* the smallest node: what a minimum judges */
	k = nth(&c, NH_EXPECT_NODE_MEMORY, 2);
	assert_int_equal(k->status, NH_CHECK_FAIL);
	assert_string_equal(k->name, "memory per node ≤ 160 GiB");
	has(k->detail, "node 0 has 188.7 GiB (202662223872 B), > 160 GiB (max)");
	assert_true(k->value == node0);
	k = nth(&c, NH_EXPECT_NODE_MEMORY, 3);
	assert_int_equal(k->status, NH_CHECK_PASS);
	assert_string_equal(k->name, "memory per node in [150 GiB, 190 GiB]");
	/* exactly at the bound passes */
	assert_int_equal(nth(&c, NH_EXPECT_NODE_MEMORY, 4)->status, NH_CHECK_PASS);
	nh_checks_free(&c);

	/* report: the figures as evidence, not evaluated */
	nh_expect_t r = X(NH_EXPECT_NODE_MEMORY);
	r.report = true;
	evaluate(d, &r, 1, false, &c);
	k = nth(&c, NH_EXPECT_NODE_MEMORY, 0);
	assert_int_equal(k->status, NH_CHECK_NOT_EVALUATED);
	assert_string_equal(k->name, "memory per node (evidence only)");
	assert_string_equal(k->detail, "node 0: 188.7 GiB, node 1: 156.9 GiB; evidence only: the "
				       "scenario gave no expected value");
	nh_checks_free(&c);

	/* checks.json carries the bounds and the value in bytes */
	evaluate(d, e, 1, false, &c);
	char *text = nh_checks_to_json(&c);
	json_t *arr = json_loads(text, 0, NULL);
	json_t *m = json_array_get(arr, json_array_size(arr) - 1);
	assert_string_equal(json_string_value(json_object_get(m, "kind")), "node_memory");
	assert_true(json_number_value(json_object_get(m, "min")) == 180 * GIB);
	assert_true(json_number_value(json_object_get(m, "value")) == node1);
	json_decref(arr);
	free(text);
	nh_checks_free(&c);

	/* A node without memory (a socket with no DIMMs, a CPU-only node) counts: it is what the
	 * check is for. The 4-node fixture's node 4 has CPUs 8-9 and 0 kB. */
	json_decref(d->manifest);
	d->manifest = manifest_from_sysfs("topo/sysfs-4node");
	nh_expect_t one = node_memory(1 * GIB, NAN);
	evaluate(d, &one, 1, false, &c);
	k = nth(&c, NH_EXPECT_NODE_MEMORY, 0);
	assert_int_equal(k->status, NH_CHECK_FAIL);
	assert_true(k->value == 0);
	has(k->detail, "node 4 has no memory, < 1 GiB (min); node 0: 8 GiB, node 2: 16 GiB, "
		       "node 4: 0 B (MemTotal");
	nh_checks_free(&c);

	/* A manifest without the figure: not evaluated, never a 0 that fails or passes */
	json_decref(d->manifest);
	d->manifest = json_pack("{s:{s:[{s:i, s:[i]}], s:[[i]]}}", "host", "nodes", "id", 0, "cpus",
				0, "distances", 10);
	evaluate(d, &one, 1, false, &c);
	k = nth(&c, NH_EXPECT_NODE_MEMORY, 0);
	assert_int_equal(k->status, NH_CHECK_NOT_EVALUATED);
	assert_string_equal(k->detail, "the manifest has no mem_total_bytes for node 0");
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

static void remote_local_latency(void **state)
{
	dir_t *d = new_dir();
	const char *pols[] = {"cpunodebind=0 membind=0", "cpunodebind=0 membind=1",
			      "cpunodebind=1 membind=0", "cpunodebind=1 membind=1"};
	const double ns[] = {100, 150, 160, 110};
	for (int i = 0; i < 4; i++)
		add(d, REC(.workload = "chase", .policy = pols[i], .metric = "ns_per_load",
			   .value = ns[i]));
	add(d, REC()); /* a stream run is not a pair */
	nh_expect_t e[2] = {X(NH_EXPECT_LATENCY_RATIO), X(NH_EXPECT_LATENCY_RATIO)};
	e[0].min = 1.3;
	e[1].min = 1.5;
	nh_checks_t c;
	evaluate(d, e, 2, false, &c);
	/* remote (150 + 160) / 2 = 155, local (100 + 110) / 2 = 105: 1.476 */
	const nh_check_t *r = nth(&c, NH_EXPECT_LATENCY_RATIO, 0);
	assert_int_equal(r->status, NH_CHECK_PASS);
	assert_true(fabs(r->value - 155.0 / 105.0) < 1e-9);
	has(r->detail, "remote 155 ns / local 105 ns = 1.48 ≥ 1.3 (2 remote, 2 local pairs)");
	assert_int_equal(nth(&c, NH_EXPECT_LATENCY_RATIO, 1)->status, NH_CHECK_FAIL);
	nh_checks_free(&c);
	free_dir(d);

	/* Without pairs: not evaluated, saying why. */
	d = new_dir();
	add(d,
	    REC(.workload = "chase", .policy = "cpunodebind=0 membind=0", .metric = "ns_per_load"));
	evaluate(d, e, 1, false, &c);
	has(nth(&c, NH_EXPECT_LATENCY_RATIO, 0)->detail, "no remote pair measured");
	nh_checks_free(&c);
	free_dir(d);
	/* One NUMA node: not applicable — there is no remote memory — and never a pass. */
	d = new_dir();
	add(d,
	    REC(.workload = "chase", .policy = "cpunodebind=0 membind=0", .metric = "ns_per_load"));
	d->manifest = json_pack("{s:{s:[{s:i, s:[i,i]}], s:[[i]]}}", "host", "nodes", "id", 0,
				"cpus", 0, 1, "distances", 10);
	evaluate(d, e, 1, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_LATENCY_RATIO, 0)->status, NH_CHECK_NOT_EVALUATED);
	assert_true(isnan(nth(&c, NH_EXPECT_LATENCY_RATIO, 0)->value));
	has(nth(&c, NH_EXPECT_LATENCY_RATIO, 0)->detail,
	    "not applicable: 1 NUMA node, so no remote memory to compare with");
	nh_checks_free(&c);
	free_dir(d);
	d = new_dir();
	add(d, REC());
	evaluate(d, e, 1, false, &c);
	assert_int_equal(nth(&c, NH_EXPECT_LATENCY_RATIO, 0)->status, NH_CHECK_NOT_EVALUATED);
	has(nth(&c, NH_EXPECT_LATENCY_RATIO, 0)->detail,
	    "no chase runs of cpunodebind=A membind=B pairs");
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- labels ---- */

static void labels_name_what_varies(void **state)
{
	dir_t *d = new_dir();
	add(d, REC(.allocator = "glibc"));
	add(d, REC(.allocator = "jemalloc"));
	nh_checks_t c;
	evaluate(d, NULL, 0, false, &c);
	/* size and threads are the same everywhere; the allocator is what differs */
	assert_string_equal(nth(&c, NH_EXPECT_OUTCOMES, 1)->name,
			    "runs ok or skipped (stream membind=0 allocator=jemalloc)");
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* ---- plan-time checks ---- */

static nh_plan_t *small_plan(nh_topo_t **topo)
{
	nh_err_t err;
	*topo = nh_topo_load_synthetic("pack:2 [numa(2GB)] core:2 pu:1", NULL, &err);
	assert_non_null(*topo);
	nh_plan_t *plan = nh_plan_new(*topo);
	const char *pols[] = {"membind=0", "interleave=all"};
	nh_plan_group_t g = {
		.workload = "stream",
		.param_count = 1,
		.params = {{"size", 2, {"1M", "2M"}}},
		.policies = pols,
		.policy_count = 2,
		.reps = 1,
		.source = "x.lua:4",
	};
	assert_int_equal(nh_plan_add_group(plan, &g, &err), 0);
	return plan;
}

static const char *plan_error(const nh_plan_t *plan, nh_expect_t e)
{
	static nh_err_t err;
	nh_expect_set_t *set = nh_expect_set_new();
	err.msg[0] = '\0';
	nh_expect_planned_t planned[16];
	unsigned n = nh_plan_count(plan);
	assert_true(n <= 16);
	for (unsigned i = 0; i < n; i++) {
		const nh_run_spec_t *s = nh_plan_run(plan, i);
		planned[i] = (nh_expect_planned_t){s->wl, s->policy.spec, &s->params};
	}
	if (nh_expect_add(set, &e, &err) == 0 && nh_expect_check_plan(set, planned, n, &err) == 0)
		snprintf(err.msg, sizeof err.msg, "(accepted)");
	nh_expect_set_free(set);
	return err.msg;
}

static void plan_checks_name_the_line(void **state)
{
	nh_topo_t *topo;
	nh_plan_t *plan = small_plan(&topo);
	nh_expect_t e = X(NH_EXPECT_METRIC);
	snprintf(e.source, sizeof e.source, "x.lua:9");
	snprintf(e.what, sizeof e.what, "triad");
	e.min = 1;
	assert_string_equal(plan_error(plan, e), "(accepted)");
	nh_expect_t bad = e;
	snprintf(bad.policy, sizeof bad.policy, "membind=1");
	assert_string_equal(plan_error(plan, bad), "x.lua:9: expect: no run of this scenario has "
						   "policy 'membind=1' (policies: membind=0, "
						   "interleave=all)");
	/* numactl spellings are normalised like the records' */
	bad = e;
	snprintf(bad.policy, sizeof bad.policy, "--membind 0");
	assert_string_equal(plan_error(plan, bad), "(accepted)");
	bad = e;
	snprintf(bad.policy, sizeof bad.policy, "membind=x");
	has(plan_error(plan, bad), "x.lua:9: expect: policy 'membind=x': ");
	bad = e;
	snprintf(bad.what, sizeof bad.what, "triadd");
	has(plan_error(plan, bad),
	    "x.lua:9: expect: no run it picks has metric 'triadd' (metrics: copy, scale");
	bad = e;
	snprintf(bad.what, sizeof bad.what,
		 "rss_growth"); /* the series layer's metrics exist too */
	assert_string_equal(plan_error(plan, bad), "(accepted)");
	bad = e;
	snprintf(bad.workload, sizeof bad.workload, "chase");
	assert_string_equal(plan_error(plan, bad), "x.lua:9: expect: no run of this scenario has "
						   "workload 'chase' (workloads: stream)");
	bad = e;
	nh_params_set(&bad.params, "size", "3M", NULL);
	assert_string_equal(plan_error(plan, bad),
			    "x.lua:9: expect: no run it picks has size=3M (size: 1M, 2M)");
	bad = e;
	nh_params_set(&bad.params, "sise", "1M", NULL);
	assert_string_equal(plan_error(plan, bad),
			    "x.lua:9: expect: the runs it picks have no parameter 'sise'");
	nh_expect_t r = X(NH_EXPECT_RATIO);
	snprintf(r.source, sizeof r.source, "x.lua:11");
	snprintf(r.what, sizeof r.what, "triad");
	snprintf(r.of, sizeof r.of, "interleave=all");
	snprintf(r.to, sizeof r.to, "membind=0");
	r.min = 0.9;
	assert_string_equal(plan_error(plan, r), "(accepted)");
	snprintf(r.to, sizeof r.to, "interleave=all");
	assert_string_equal(plan_error(plan, r),
			    "x.lua:11: expect: ratio of 'interleave=all' to itself");
	nh_plan_free(plan);
	nh_topo_free(topo);
	(void)state;
}

/* ---- output ---- */

/* A small XML well-formedness check: tags nest, attributes are quoted, '&' starts an entity,
 * no '<' inside text or attributes, no control characters. Enough to catch missed escapes. */
static void assert_well_formed(const char *x)
{
	const char *stack[64];
	size_t lens[64];
	int depth = 0;
	if (strncmp(x, "<?xml ", 6) != 0)
		fail_msg("no XML declaration");
	x = strstr(x, "?>") + 2;
	for (const char *p = x; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20 && ch != '\n' && ch != '\t')
			fail_msg("control character 0x%02x", ch);
		if (*p == '&') {
			static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;",
							   "&apos;"};
			bool ok = false;
			for (size_t i = 0; i < 5; i++)
				ok |= strncmp(p, ents[i], strlen(ents[i])) == 0;
			if (!ok)
				fail_msg("bare '&' at: %.20s", p);
			continue;
		}
		if (*p != '<')
			continue;
		bool closing = p[1] == '/';
		const char *name = p + 1 + closing;
		size_t n = strcspn(name, " />");
		const char *q = name + n;
		while (*q && *q != '>') { /* attributes: name="value" */
			if (*q == '"') {
				const char *end = strchr(q + 1, '"');
				if (!end)
					fail_msg("unterminated attribute");
				for (const char *v = q + 1; v < end; v++)
					if (*v == '<')
						fail_msg("'<' in an attribute: %.40s", q);
				q = end;
			} else if (*q == '<') {
				fail_msg("'<' inside a tag");
			}
			q++;
		}
		if (!*q)
			fail_msg("unterminated tag");
		bool empty = q[-1] == '/';
		if (closing) {
			if (depth == 0 || lens[depth - 1] != n ||
			    strncmp(stack[depth - 1], name, n) != 0)
				fail_msg("mismatched </%.*s>", (int)n, name);
			depth--;
		} else if (!empty) {
			assert_true(depth < 64);
			stack[depth] = name;
			lens[depth++] = n;
		}
		p = q;
	}
	assert_int_equal(depth, 0);
}

static void junit_escaped_and_well_formed(void **state)
{
	char *esc = nh_xml_escape("a<b>&\"c'\x01\td");
	assert_string_equal(esc, "a&lt;b&gt;&amp;&quot;c&apos;\td");
	free(esc);

	dir_t *d = new_dir();
	add(d,
	    REC(.policy = "membind=1", .outcome = "failed", .reason = "exit <1> & \"oops\"\x02"));
	add(d, REC(.counter = "llc.miss_ratio", .counter_value = NAN));
	nh_expect_t e[2] = {X(NH_EXPECT_METRIC), X(NH_EXPECT_COUNTER)};
	snprintf(e[0].what, sizeof e[0].what, "triad");
	e[0].min = 1e12;
	snprintf(e[0].policy, sizeof e[0].policy, "membind=0");
	snprintf(e[0].name, sizeof e[0].name, "triad <&\"> absurd");
	snprintf(e[1].what, sizeof e[1].what, "llc.miss_ratio");
	e[1].max = 0.5;
	snprintf(e[1].policy, sizeof e[1].policy, "membind=0");
	nh_checks_t c;
	evaluate(d, e, 2, false, &c);
	/* outcomes ×2 (1 fail), placement ×2, metric (fail), counter (not evaluated) */
	assert_int_equal(c.count, 6);
	char *xml = nh_checks_to_junit(&c);
	assert_non_null(xml);
	assert_well_formed(xml);
	has(xml, "<testsuites name=\"numaharness\" tests=\"6\" failures=\"2\" errors=\"0\" "
		 "skipped=\"2\">");
	has(xml, "<testsuite name=\"numaharness.t\" tests=\"6\" failures=\"2\" errors=\"0\" "
		 "skipped=\"2\">");
	has(xml, "<testcase classname=\"t\" name=\"triad &lt;&amp;&quot;&gt; absurd\" "
		 "file=\"t.lua\" line=\"16\">");
	has(xml, "run 0 failed: exit &lt;1&gt; &amp; &quot;oops&quot;\"");
	has(xml, "<skipped message=\"not evaluated: counter llc.miss_ratio unavailable: no "
		 "hardware PMU");
	has(xml, "<system-out>");
	free(xml);

	/* checks.json: the same checks, for the report */
	char *text = nh_checks_to_json(&c);
	json_t *arr = json_loads(text, 0, NULL);
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), 6);
	json_t *m = json_array_get(arr, 4);
	assert_string_equal(json_string_value(json_object_get(m, "name")), "triad <&\"> absurd");
	assert_string_equal(json_string_value(json_object_get(m, "status")), "fail");
	assert_string_equal(json_string_value(json_object_get(m, "kind")), "metric");
	assert_true(json_is_true(json_object_get(m, "fails_gate")));
	assert_true(json_number_value(json_object_get(m, "min")) == 1e12);
	assert_true(json_is_null(json_object_get(m, "max")));
	assert_true(json_number_value(json_object_get(m, "value")) == 1000);
	json_t *ne = json_array_get(arr, 5);
	assert_string_equal(json_string_value(json_object_get(ne, "status")), "not-evaluated");
	assert_true(json_is_null(json_object_get(ne, "value")));
	json_decref(arr);
	free(text);

	/* Both files land in the results directory. */
	nh_err_t err;
	assert_int_equal(nh_checks_write(&c, d->path, &err), 0);
	char path[300];
	snprintf(path, sizeof path, "%s/checks.xml", d->path);
	char *back = nh_read_file(path, NULL, NULL);
	assert_non_null(back);
	assert_well_formed(back);
	free(back);
	snprintf(path, sizeof path, "%s/checks.json", d->path);
	json_t *j = json_load_file(path, 0, NULL);
	assert_int_equal(json_array_size(j), 6);
	json_decref(j);
	nh_checks_free(&c);
	free_dir(d);
	(void)state;
}

/* No checks at all (nothing ran): still a valid, empty suite. */
static void junit_empty(void **state)
{
	nh_checks_t c = {0};
	snprintf(c.scenario, sizeof c.scenario, "empty");
	char *xml = nh_checks_to_junit(&c);
	assert_well_formed(xml);
	has(xml, "tests=\"0\" failures=\"0\"");
	free(xml);
	char *json = nh_checks_to_json(&c);
	assert_string_equal(json, "[]");
	free(json);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(implied_outcomes_and_placement),
		cmocka_unit_test(placement_boundaries),
		cmocka_unit_test(numa_miss_ratio),
		cmocka_unit_test(metric_thresholds),
		cmocka_unit_test(ratios_between_policies),
		cmocka_unit_test(counters_and_the_unevaluated_flag),
		cmocka_unit_test(topology_from_manifest),
		cmocka_unit_test(topology_evidence_only),
		cmocka_unit_test(node_memory_from_meminfo),
		cmocka_unit_test(remote_local_latency),
		cmocka_unit_test(labels_name_what_varies),
		cmocka_unit_test(plan_checks_name_the_line),
		cmocka_unit_test(junit_escaped_and_well_formed),
		cmocka_unit_test(junit_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
