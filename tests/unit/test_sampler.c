/* SPDX-License-Identifier: MIT */
/* Unit tests of the sampler interface: a table of stand-in layers run as the worker runs them
 * (open, series ticks, snapshot once, close), their sections crossing through the report slots
 * into a record that embeds them in table order, and what a layer says when it never reported. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "record.h"
#include "sample_series.h"
#include "sampler.h"

/* A layer that counts its hooks and writes them as its section. */
struct stand_in {
	unsigned opened, ticks, snapshots, closed;
	bool saw_snapshot_memory;
};

static void stand_in_open(void *state, const nh_sampler_env_t *env, nh_samplers_t *all, nh_sampler_report_t *rep)
{
	struct stand_in *s = state;
	(void)env;
	(void)all;
	(void)rep;
	s->opened++;
}

static unsigned stand_in_columns(void *state, FILE *csv)
{
	(void)state;
	fputs(",stand_in.ticks", csv);
	return 1;
}

static void stand_in_sample(void *state, FILE *csv)
{
	struct stand_in *s = state;
	fprintf(csv, ",%u", ++s->ticks);
}

static void stand_in_snapshot(void *state, const nh_sampler_snapshot_t *snap, nh_sampler_report_t *rep)
{
	struct stand_in *s = state;
	(void)rep;
	s->snapshots++;
	s->saw_snapshot_memory = snap->memory != NULL;
}

static const nh_sampler_t stand_in_a, stand_in_b;

static void stand_in_close(void *state, nh_sampler_report_t *rep, const nh_sampler_t *self)
{
	struct stand_in *s = state;
	s->closed++;
	nh_sampler_put(rep, self, json_pack("{s:i, s:i, s:b, s:f}", "opened", s->opened, "snapshots", s->snapshots,
					    "from_snapshot", s->saw_snapshot_memory, "ratio", 0.1));
	nh_sampler_metric(rep, "stand_in_ticks", "count", 0, s->ticks);
}

static void close_a(void *state, nh_sampler_report_t *rep) { stand_in_close(state, rep, &stand_in_a); }
static void close_b(void *state, nh_sampler_report_t *rep) { stand_in_close(state, rep, &stand_in_b); }

static json_t *b_unreported(const char *why) { return json_pack("{s:s, s:n}", "unavailable", why, "extra"); }

static const nh_sampler_t stand_in_a = {
	.name = "layer_a",
	.state_size = sizeof(struct stand_in),
	.open = stand_in_open,
	.columns = stand_in_columns,
	.sample = stand_in_sample,
	.snapshot = stand_in_snapshot,
	.close = close_a,
};
static const nh_sampler_t stand_in_b = {
	.name = "layer_b",
	.state_size = sizeof(struct stand_in),
	.open = stand_in_open,
	.snapshot = stand_in_snapshot,
	.close = close_b,
	.unreported = b_unreported,
};

static json_t *record_json(const nh_record_t *r)
{
	char *text = nh_record_to_json(r);
	assert_non_null(text);
	json_t *o = json_loads(text, 0, NULL);
	assert_non_null(o);
	free(text);
	return o;
}

/* The worker's order of calls; the record embeds the sections in table order, numbers as written. */
static void table_runs_and_record_embeds(void **state)
{
	static const nh_sampler_t *const table[] = {&stand_in_a, &stand_in_b};
	static nh_sampler_report_t rep;
	static nh_record_t rec;
	nh_sampler_env_t env = {.counters = "none", .series_off = "interval=off"};
	memset(&rep, 0, sizeof rep);
	nh_samplers_t *s = nh_samplers_open(table, 2, &env, &rep);
	assert_non_null(s);
	nh_proc_mem_t mem = {0};
	nh_sampler_snapshot_t snap = {&mem, NULL};
	nh_samplers_snapshot(s, &snap, &rep);
	nh_samplers_snapshot(s, &snap, &rep); /* once only */
	nh_samplers_close(s, &rep);
	assert_int_equal(rep.metric_count, 2);
	assert_string_equal(rep.metrics[0].name, "stand_in_ticks");

	memset(&rec, 0, sizeof rec);
	rec.sections = rep.sections;
	json_t *o = record_json(&rec);
	json_t *a = json_object_get(o, "layer_a");
	assert_int_equal(json_integer_value(json_object_get(a, "opened")), 1);
	assert_int_equal(json_integer_value(json_object_get(a, "snapshots")), 1);
	assert_true(json_is_true(json_object_get(a, "from_snapshot")));
	/* Table order, after the allocator and before the notes. */
	const char *keys[8];
	unsigned k = 0;
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
		if (k < 8 && (!strcmp(key, "allocator") || !strncmp(key, "layer_", 6) || !strcmp(key, "notes")))
			keys[k++] = key;
	assert_int_equal(k, 4);
	assert_string_equal(keys[1], "layer_a");
	assert_string_equal(keys[2], "layer_b");
	json_decref(o);
	char *text = nh_record_to_json(&rec);
	assert_non_null(strstr(text, "\"layer_b\":{\"opened\":1,\"snapshots\":1,\"from_snapshot\":true,\"ratio\":"));
	json_t *again = json_loads(text, 0, NULL);
	assert_true(json_real_value(json_object_get(json_object_get(again, "layer_b"), "ratio")) == 0.1);
	json_decref(again);
	free(text);
	(void)state;
}

/* A layer the worker never reported on: the default {"unavailable"} or its own shape. */
static void unreported_layers_say_why(void **state)
{
	static const nh_sampler_t *const table[] = {&stand_in_a, &stand_in_b};
	static nh_record_t rec;
	memset(&rec, 0, sizeof rec);
	nh_samplers_fill_unreported(table, 2, &rec.sections, "the run was skipped");
	char *text = nh_record_to_json(&rec);
	assert_non_null(strstr(text, "\"layer_a\":{\"unavailable\":\"the run was skipped\"},"
				     "\"layer_b\":{\"unavailable\":\"the run was skipped\",\"extra\":null}"));
	free(text);
	(void)state;
}

/* The series thread samples the columns of the layers opened before it, every tick. */
static void series_samples_the_tables_ticks(void **state)
{
	static const nh_sampler_t *const table[] = {&stand_in_a};
	static nh_sampler_report_t rep;
	char path[] = "/tmp/nh-sampler-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	nh_sampler_env_t env = {.counters = "none"};
	nh_samplers_t *s = nh_samplers_open(table, 1, &env, &rep);
	nh_err_t err;
	nh_series_t *series = nh_series_start(path, 0.01, s, &err);
	assert_non_null(series);
	usleep(50000);
	nh_series_summary_t sum;
	nh_series_stop(series, &sum);
	nh_samplers_close(s, &rep);
	char *csv = nh_read_file(path, NULL, NULL);
	assert_non_null(csv);
	assert_non_null(strstr(csv, ",stand_in.ticks\n"));
	const char *last = csv + strlen(csv) - 1;
	while (last > csv && last[-1] != '\n')
		last--;
	char want[32];
	snprintf(want, sizeof want, ",%u\n", sum.samples);
	assert_non_null(strstr(last, want)); /* one tick per row */
	free(csv);
	unlink(path);
	(void)state;
}

/* A section too big for the report is replaced by one that says so, never cut. */
static void oversized_section_says_so(void **state)
{
	static const nh_sampler_t *const table[] = {&stand_in_a};
	static nh_sampler_report_t rep;
	nh_sampler_env_t env = {.counters = "none"};
	nh_samplers_t *s = nh_samplers_open(table, 1, &env, &rep);
	char *big = malloc(NH_SECTIONS_TEXT + 1);
	memset(big, 'x', NH_SECTIONS_TEXT);
	big[NH_SECTIONS_TEXT] = '\0';
	nh_sampler_put(&rep, &stand_in_a, json_pack("{s:s}", "big", big));
	free(big);
	const char *key, *text;
	size_t len;
	assert_true(nh_sections_get(&rep.sections, 0, &key, &text, &len));
	assert_string_equal(key, "layer_a");
	assert_non_null(strstr(text, "does not fit the worker's report"));
	nh_samplers_close(s, &rep);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_runs_and_record_embeds),
		cmocka_unit_test(unreported_layers_say_why),
		cmocka_unit_test(series_samples_the_tables_ticks),
		cmocka_unit_test(oversized_section_says_so),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
