/* SPDX-License-Identifier: MIT */
/* record_view: typed reads of a record and a manifest over the JSON the results reader loaded.
 * Every key name of runs.jsonl and manifest.json a reader needs is here; each absent value names
 * its field and whether it was missing, null (not measured) or of another type. */
#include "record_view.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

/* A view is the loaded JSON object itself: nothing is copied, nothing can go stale. */
#define REC(rv) ((json_t *)(rv))
#define MAN(mv) ((json_t *)(mv))

static const char NO_MANIFEST[] = "no manifest.json in the results directory";

/* Reasons are literals built from the field's path, so they live as long as the program. */
#define WHY(path, what) path ": " what

static nh_num_t num_of(const json_t *v, bool integer_only, const char *absent, const char *null,
		       const char *other)
{
	if (!v)
		return (nh_num_t){.why = absent};
	if (json_is_null(v))
		return (nh_num_t){.why = null};
	if (integer_only ? !json_is_integer(v) : !json_is_number(v))
		return (nh_num_t){.why = other};
	return (nh_num_t){.present = true, .v = json_number_value(v)};
}

static nh_str_t str_of(const json_t *v, const char *absent, const char *null, const char *other)
{
	if (!v)
		return (nh_str_t){.why = absent};
	if (json_is_null(v))
		return (nh_str_t){.why = null};
	if (!json_is_string(v))
		return (nh_str_t){.why = other};
	return (nh_str_t){.present = true, .s = json_string_value(v)};
}

static nh_flag_t flag_of(const json_t *v, const char *absent, const char *null, const char *other)
{
	if (!v)
		return (nh_flag_t){.why = absent};
	if (json_is_null(v))
		return (nh_flag_t){.why = null};
	if (!json_is_boolean(v))
		return (nh_flag_t){.why = other};
	return (nh_flag_t){.present = true, .v = json_is_true(v)};
}

/* NUM(obj, "key", "path.key"): the member as a number, or absent with the path in the reason. */
#define NUM(o, key, path)                                                                          \
	num_of(json_object_get((o), key), false, WHY(path, "not recorded"),                        \
	       WHY(path, "null (not measured)"), WHY(path, "not a number"))
#define INT(o, key, path)                                                                          \
	num_of(json_object_get((o), key), true, WHY(path, "not recorded"),                         \
	       WHY(path, "null (not measured)"), WHY(path, "not an integer"))
#define STR(o, key, path)                                                                          \
	str_of(json_object_get((o), key), WHY(path, "not recorded"), WHY(path, "null"),           \
	       WHY(path, "not a string"))
#define FLAG(o, key, path)                                                                         \
	flag_of(json_object_get((o), key), WHY(path, "not recorded"), WHY(path, "null"),          \
		WHY(path, "not true or false"))

/* Walk an object's members in their recorded order. */
static bool iter_next(json_t *obj, nh_rv_iter_t *it, const char **key, json_t **value)
{
	if (!json_is_object(obj))
		return false;
	it->it = it->started ? json_object_iter_next(obj, it->it) : json_object_iter(obj);
	it->started = true;
	if (!it->it)
		return false;
	*key = json_object_iter_key(it->it);
	*value = json_object_iter_value(it->it);
	return true;
}

/* ---- record keys (record.c writes them) ---- */

#define K_POLICY "policy"
#define K_OBSERVED "observed"
#define K_METRICS "metrics"
#define K_COUNTERS "counters"
#define K_NUMASTAT "numastat"
#define K_MEMORY "memory"
#define K_CGROUP "cgroup"
#define K_RUN_CGROUP "run_cgroup"
#define K_SERIES "series"
#define K_ALLOCATOR "allocator"
#define K_NOTES "notes"
#define K_PARAMS "params"
#define K_UNAVAILABLE "unavailable"

nh_str_t nh_rv_workload(const nh_rv_t *rv) { return STR(REC(rv), "workload", "workload"); }
nh_num_t nh_rv_run(const nh_rv_t *rv) { return INT(REC(rv), "run", "run"); }
nh_num_t nh_rv_config(const nh_rv_t *rv) { return INT(REC(rv), "config", "config"); }
nh_num_t nh_rv_rep(const nh_rv_t *rv) { return INT(REC(rv), "rep", "rep"); }
nh_flag_t nh_rv_warmup(const nh_rv_t *rv) { return FLAG(REC(rv), "warmup", "warmup"); }
nh_str_t nh_rv_outcome(const nh_rv_t *rv) { return STR(REC(rv), "outcome", "outcome"); }
nh_str_t nh_rv_reason(const nh_rv_t *rv) { return STR(REC(rv), "reason", "reason"); }
nh_str_t nh_rv_started_at(const nh_rv_t *rv) { return STR(REC(rv), "started_at", "started_at"); }
nh_num_t nh_rv_duration_s(const nh_rv_t *rv) { return NUM(REC(rv), "duration_s", "duration_s"); }
nh_num_t nh_rv_exit_status(const nh_rv_t *rv)
{
	return INT(REC(rv), "exit_status", "exit_status");
}
nh_num_t nh_rv_signal(const nh_rv_t *rv) { return INT(REC(rv), "signal", "signal"); }
nh_str_t nh_rv_source(const nh_rv_t *rv) { return STR(REC(rv), "source", "source"); }
nh_str_t nh_rv_origin(const nh_rv_t *rv) { return STR(REC(rv), "origin", "origin"); }
nh_str_t nh_rv_tag(const nh_rv_t *rv) { return STR(REC(rv), "tag", "tag"); }

nh_str_t nh_rv_policy_requested(const nh_rv_t *rv)
{
	return STR(json_object_get(REC(rv), K_POLICY), "requested", "policy.requested");
}

nh_rv_applied_t nh_rv_policy_applied(const nh_rv_t *rv)
{
	json_t *a = json_object_get(json_object_get(REC(rv), K_POLICY), "applied");
	return (nh_rv_applied_t){
		.spec = STR(a, "spec", "policy.applied.spec"),
		.mem_mode = STR(a, "mem_mode", "policy.applied.mem_mode"),
		.mem_nodes = STR(a, "mem_nodes", "policy.applied.mem_nodes"),
		.cpus = STR(a, "cpus", "policy.applied.cpus"),
	};
}

static bool param_of(const char *name, json_t *v, nh_rv_param_t *out)
{
	memset(out, 0, sizeof *out);
	out->name = name;
	out->is_string = json_is_string(v);
	out->is_number = json_is_number(v);
	if (out->is_string)
		out->text = json_string_value(v);
	else if (json_is_integer(v))
		snprintf(out->num, sizeof out->num, "%lld", (long long)json_integer_value(v));
	else if (json_is_number(v))
		snprintf(out->num, sizeof out->num, "%.17g", json_number_value(v));
	else
		snprintf(out->num, sizeof out->num, "?");
	if (!out->is_string)
		out->text = out->num;
	return true;
}

bool nh_rv_has_params(const nh_rv_t *rv)
{
	return json_is_object(json_object_get(REC(rv), K_PARAMS));
}

bool nh_rv_param_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_param_t *out)
{
	const char *name;
	json_t *v;
	if (!iter_next(json_object_get(REC(rv), K_PARAMS), it, &name, &v))
		return false;
	return param_of(name, v, out);
}

bool nh_rv_param_find(const nh_rv_t *rv, const char *name, nh_rv_param_t *out)
{
	json_t *v = json_object_get(json_object_get(REC(rv), K_PARAMS), name);
	return v && param_of(name, v, out);
}

nh_str_t nh_rv_param(const nh_rv_t *rv, const char *name)
{
	json_t *params = json_object_get(REC(rv), K_PARAMS);
	if (!params)
		return (nh_str_t){.why = WHY("params", "not recorded")};
	return str_of(json_object_get(params, name), "params: no such parameter",
		      "params: null parameter", "params: parameter not a string");
}

bool nh_rv_param_equal(const nh_rv_param_t *a, const nh_rv_param_t *b)
{
	/* a copy's text points into its own num[]: compare the texts, not the pointers */
	return a->is_string == b->is_string && strcmp(a->text, b->text) == 0;
}

nh_rv_allocator_t nh_rv_allocator(const nh_rv_t *rv)
{
	json_t *a = json_object_get(REC(rv), K_ALLOCATOR);
	return (nh_rv_allocator_t){
		.requested = STR(a, "requested", "allocator.requested"),
		.preload = STR(a, "preload", "allocator.preload"),
		.tunables = STR(a, "tunables", "allocator.tunables"),
		.confirmed_name = STR(json_object_get(a, "confirmed"), "name",
				      "allocator.confirmed.name"),
	};
}

static int better_of(const char *s)
{
	return !s ? 0 : strcmp(s, "higher") == 0 ? 1 : strcmp(s, "lower") == 0 ? -1 : 0;
}

static nh_rv_metric_t metric_of(const char *name, json_t *m)
{
	nh_rv_metric_t out = {.name = name};
	if (!json_is_object(m)) {
		out.why = m ? "metrics: entry not an object" : "metrics: not in the record";
		out.value = (nh_num_t){.why = out.why};
		out.unit = (nh_str_t){.why = out.why};
		return out;
	}
	out.present = true;
	out.value = NUM(m, "value", "metrics.<name>.value");
	out.unit = STR(m, "unit", "metrics.<name>.unit");
	out.better = better_of(json_string_value(json_object_get(m, "better")));
	return out;
}

nh_rv_metric_t nh_rv_metric(const nh_rv_t *rv, const char *name)
{
	return metric_of(name, json_object_get(json_object_get(REC(rv), K_METRICS), name));
}

bool nh_rv_metric_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_metric_t *out)
{
	const char *name;
	json_t *m;
	if (!iter_next(json_object_get(REC(rv), K_METRICS), it, &name, &m))
		return false;
	*out = metric_of(name, m);
	return true;
}

static json_t *observed(const nh_rv_t *rv)
{
	return json_object_get(json_object_get(REC(rv), K_POLICY), K_OBSERVED);
}

nh_rv_placement_t nh_rv_placement(const nh_rv_t *rv)
{
	json_t *o = observed(rv);
	return (nh_rv_placement_t){
		.verdict = STR(o, "verdict", "policy.observed.verdict"),
		.verdict_reason = STR(o, "verdict_reason", "policy.observed.verdict_reason"),
		.expected_nodes = STR(o, "expected_nodes", "policy.observed.expected_nodes"),
		.threads_ran_on = STR(o, "threads_ran_on", "policy.observed.threads_ran_on"),
		.fraction_on_expected = NUM(o, "fraction_on_expected",
					    "policy.observed.fraction_on_expected"),
		.pages_total = INT(o, "pages_total", "policy.observed.pages_total"),
		.pages_absent = INT(o, "pages_absent", "policy.observed.pages_absent"),
	};
}

unsigned nh_rv_pages_by_node(const nh_rv_t *rv, bool numa_maps, nh_rv_node_pages_t *out,
			     unsigned max)
{
	json_t *by = json_object_get(observed(rv),
				     numa_maps ? "numa_maps_pages_by_node" : "pages_by_node");
	unsigned n = 0;
	const char *node;
	json_t *v;
	json_object_foreach(by, node, v)
	{
		unsigned id;
		int end = 0;
		if (!json_is_number(v) || sscanf(node, "%u%n", &id, &end) != 1 || node[end])
			continue;
		if (n < max)
			out[n] = (nh_rv_node_pages_t){.node = id, .pages = json_number_value(v)};
		n++;
	}
	return n;
}

static const char *const NUMASTAT_FIELDS[NH_RV_NUMASTAT_FIELDS] = {
	"numa_hit", "numa_miss", "numa_foreign", "interleave_hit", "local_node", "other_node"};

const char *nh_rv_numastat_field(unsigned i)
{
	return i < NH_RV_NUMASTAT_FIELDS ? NUMASTAT_FIELDS[i] : NULL;
}

static json_t *numastat_by_node(const nh_rv_t *rv)
{
	return json_object_get(json_object_get(REC(rv), K_NUMASTAT), "delta_by_node");
}

bool nh_rv_numastat_present(const nh_rv_t *rv, const char **why)
{
	json_t *ns = json_object_get(REC(rv), K_NUMASTAT);
	bool ok = json_is_object(json_object_get(ns, "delta_by_node"));
	if (why)
		*why = ok ? NULL
		       : !ns ? WHY(K_NUMASTAT, "not recorded")
			     : WHY(K_NUMASTAT ".delta_by_node", "not recorded");
	return ok;
}

bool nh_rv_numastat_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_numastat_node_t *out)
{
	const char *node;
	json_t *v;
	if (!iter_next(numastat_by_node(rv), it, &node, &v))
		return false;
	out->node = node;
	for (unsigned f = 0; f < NH_RV_NUMASTAT_FIELDS; f++)
		out->field[f] = num_of(json_object_get(v, NUMASTAT_FIELDS[f]), false,
				       WHY("numastat.delta_by_node", "field not recorded"),
				       WHY("numastat.delta_by_node", "field null"),
				       WHY("numastat.delta_by_node", "field not a number"));
	return true;
}

nh_num_t nh_rv_numa_miss_ratio(const nh_rv_t *rv)
{
	return NUM(json_object_get(REC(rv), K_NUMASTAT), "numa_miss_ratio",
		   "numastat.numa_miss_ratio");
}

nh_str_t nh_rv_counters_unavailable(const nh_rv_t *rv)
{
	return STR(json_object_get(REC(rv), K_COUNTERS), K_UNAVAILABLE, "counters.unavailable");
}

static nh_rv_counter_t counter_of(const char *name, json_t *v)
{
	nh_rv_counter_t c = {.name = name, .present = v != NULL};
	c.unavailable = STR(v, K_UNAVAILABLE, "counters.<name>.unavailable");
	c.event = STR(v, "event", "counters.<name>.event");
	c.unit = STR(v, "unit", "counters.<name>.unit");
	c.value = NUM(v, "value", "counters.<name>.value");
	if (!c.value.present && c.unavailable.present)
		c.value.why = c.unavailable.s; /* the counter's own reason says more */
	c.multiplexed = json_is_true(json_object_get(v, "multiplexed"));
	return c;
}

nh_rv_counter_t nh_rv_counter(const nh_rv_t *rv, const char *name)
{
	return counter_of(name, json_object_get(json_object_get(REC(rv), K_COUNTERS), name));
}

bool nh_rv_counter_next(const nh_rv_t *rv, nh_rv_iter_t *it, nh_rv_counter_t *out)
{
	const char *name;
	json_t *v;
	if (!iter_next(json_object_get(REC(rv), K_COUNTERS), it, &name, &v))
		return false;
	*out = counter_of(name, v);
	return true;
}

nh_rv_memory_t nh_rv_memory(const nh_rv_t *rv)
{
	json_t *m = json_object_get(REC(rv), K_MEMORY);
	return (nh_rv_memory_t){
		.vm_rss_bytes = NUM(m, "vm_rss_bytes", "memory.vm_rss_bytes"),
		.vm_hwm_bytes = NUM(m, "vm_hwm_bytes", "memory.vm_hwm_bytes"),
		.anon_huge_pages_bytes =
			NUM(m, "anon_huge_pages_bytes", "memory.anon_huge_pages_bytes"),
		.numa_maps_page_bytes = INT(json_object_get(m, "numa_maps"), "page_bytes",
					    "memory.numa_maps.page_bytes"),
		.unavailable = STR(m, K_UNAVAILABLE, "memory.unavailable"),
	};
}

nh_rv_cgroup_t nh_rv_cgroup(const nh_rv_t *rv)
{
	json_t *c = json_object_get(REC(rv), K_CGROUP);
	json_t *stat = json_object_get(c, "stat");
	return (nh_rv_cgroup_t){
		.version = INT(c, "version", "cgroup.version"),
		.memory_current = NUM(c, "memory_current", "cgroup.memory_current"),
		.stat_file = NUM(stat, "file", "cgroup.stat.file"),
		.stat_cache = NUM(stat, "cache", "cgroup.stat.cache"),
		.unavailable = STR(c, K_UNAVAILABLE, "cgroup.unavailable"),
	};
}

bool nh_rv_run_cgroup(const nh_rv_t *rv, nh_rv_run_cgroup_t *out)
{
	json_t *c = json_object_get(REC(rv), K_RUN_CGROUP);
	*out = (nh_rv_run_cgroup_t){
		.path = STR(c, "path", "run_cgroup.path"),
		.version = INT(c, "version", "run_cgroup.version"),
		.memory_max = INT(c, "memory_max", "run_cgroup.memory_max"),
		.memory_high = INT(c, "memory_high", "run_cgroup.memory_high"),
		.cpus = STR(c, "cpus", "run_cgroup.cpus"),
		.mems = STR(c, "mems", "run_cgroup.mems"),
		.oom_kill = INT(c, "oom_kill", "run_cgroup.oom_kill"),
		.memory_peak = INT(c, "memory_peak", "run_cgroup.memory_peak"),
	};
	nh_str_t unavailable = STR(c, K_UNAVAILABLE, "run_cgroup.unavailable");
	if (!json_is_object(c))
		out->why = WHY("run_cgroup", "not recorded");
	else if (unavailable.present)
		out->why = unavailable.s;
	else if (!out->path.present)
		out->why = out->path.why;
	else
		out->present = true;
	return out->present;
}

nh_rv_series_t nh_rv_series(const nh_rv_t *rv)
{
	json_t *s = json_object_get(REC(rv), K_SERIES);
	return (nh_rv_series_t){
		.file = STR(s, "file", "series.file"),
		.samples = NUM(s, "samples", "series.samples"),
		.interval_s = NUM(s, "interval_s", "series.interval_s"),
		.overhead = NUM(s, "overhead", "series.overhead"),
		.unavailable = STR(s, K_UNAVAILABLE, "series.unavailable"),
	};
}

nh_str_t nh_rv_note(const nh_rv_t *rv, const char *key)
{
	return STR(json_object_get(REC(rv), K_NOTES), key, "notes.<key>");
}

bool nh_rv_note_next(const nh_rv_t *rv, nh_rv_iter_t *it, const char **key, const char **value)
{
	json_t *v;
	json_t *notes = json_object_get(REC(rv), K_NOTES);
	while (iter_next(notes, it, key, &v)) {
		if (json_is_string(v)) {
			*value = json_string_value(v);
			return true;
		}
	}
	return false;
}

/* ---- manifest keys (store.c writes them) ---- */

#define M_NUM(mv, key) (mv ? NUM(MAN(mv), key, key) : (nh_num_t){.why = NO_MANIFEST})
#define M_STR(mv, key) (mv ? STR(MAN(mv), key, key) : (nh_str_t){.why = NO_MANIFEST})

nh_num_t nh_mv_schema_version(const nh_mv_t *mv) { return M_NUM(mv, "schema_version"); }
nh_str_t nh_mv_tool_version(const nh_mv_t *mv) { return M_STR(mv, "tool_version"); }
nh_str_t nh_mv_command(const nh_mv_t *mv) { return M_STR(mv, "command"); }
nh_str_t nh_mv_status(const nh_mv_t *mv) { return M_STR(mv, "status"); }
nh_str_t nh_mv_started_at(const nh_mv_t *mv) { return M_STR(mv, "started_at"); }
nh_str_t nh_mv_finished_at(const nh_mv_t *mv) { return M_STR(mv, "finished_at"); }
nh_num_t nh_mv_planned_runs(const nh_mv_t *mv) { return M_NUM(mv, "planned_runs"); }

nh_num_t nh_mv_outcome_count(const nh_mv_t *mv, const char *outcome)
{
	if (!mv)
		return (nh_num_t){.why = NO_MANIFEST};
	return num_of(json_object_get(json_object_get(MAN(mv), "outcomes"), outcome), true,
		      "outcomes: not recorded", "outcomes: null", "outcomes: not an integer");
}

static json_t *scenario(const nh_mv_t *mv) { return json_object_get(MAN(mv), "scenario"); }

#define S_STR(mv, key)                                                                             \
	(mv ? STR(scenario(mv), key, "scenario." key) : (nh_str_t){.why = NO_MANIFEST})

nh_str_t nh_mv_scenario_name(const nh_mv_t *mv) { return S_STR(mv, "name"); }
nh_str_t nh_mv_scenario_path(const nh_mv_t *mv) { return S_STR(mv, "path"); }
nh_str_t nh_mv_scenario_sha256(const nh_mv_t *mv) { return S_STR(mv, "sha256"); }

static json_t *scenario_params(const nh_mv_t *mv)
{
	json_t *p = json_object_get(scenario(mv), "parameters");
	return json_is_object(p) ? p : NULL;
}

unsigned nh_mv_param_count(const nh_mv_t *mv)
{
	return (unsigned)json_object_size(scenario_params(mv));
}

/* A parameter's value as `run --set` takes it: true/false, 3, 0.15, text; "" shown as "". */
static void param_text(char *buf, size_t len, const json_t *v)
{
	if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.15g", json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, len, "%s", *json_string_value(v) ? json_string_value(v) : "\"\"");
	else
		snprintf(buf, len, "?");
}

bool nh_mv_param_next(const nh_mv_t *mv, nh_rv_iter_t *it, nh_mv_param_t *out)
{
	const char *name;
	json_t *v;
	if (!iter_next(scenario_params(mv), it, &name, &v))
		return false;
	out->name = name;
	param_text(out->value, sizeof out->value, json_object_get(v, "value"));
	param_text(out->dflt, sizeof out->dflt, json_object_get(v, "default"));
	out->set = FLAG(v, "set", "scenario.parameters.<name>.set");
	return true;
}

static json_t *host(const nh_mv_t *mv) { return json_object_get(MAN(mv), "host"); }

nh_mv_host_t nh_mv_host(const nh_mv_t *mv)
{
	json_t *h = json_object_get(host(mv), "host");
	nh_mv_host_t out = {
		.present = json_is_object(h),
		.kernel = STR(h, "kernel", "host.host.kernel"),
		.cpu_model = STR(h, "cpu_model", "host.host.cpu_model"),
		.thp_enabled = STR(h, "thp_enabled", "host.host.thp_enabled"),
		.thp_defrag = STR(h, "thp_defrag", "host.host.thp_defrag"),
		.cgroup = STR(h, "cgroup", "host.host.cgroup"),
		.allowed_cpus = STR(h, "allowed_cpus", "host.host.allowed_cpus"),
		.allowed_mems = STR(h, "allowed_mems", "host.host.allowed_mems"),
		.numa_balancing = FLAG(h, "numa_balancing", "host.host.numa_balancing"),
		.perf_event_paranoid =
			INT(h, "perf_event_paranoid", "host.host.perf_event_paranoid"),
		.source = STR(host(mv), "source", "host.source"),
	};
	if (!out.present)
		out.why = !mv ? NO_MANIFEST : WHY("host.host", "not recorded");
	return out;
}

/* A firmware fact, or absent with the reason the writer recorded in firmware.absent. */
static nh_str_t firmware_fact(const nh_mv_t *mv, const char *key, const char *path)
{
	json_t *fw = json_object_get(host(mv), "firmware");
	if (!mv)
		return (nh_str_t){.why = NO_MANIFEST};
	if (!json_is_object(fw))
		return (nh_str_t){.why = WHY("host.firmware", "not recorded")};
	json_t *why = json_object_get(json_object_get(fw, "absent"), key);
	if (!json_object_get(fw, key) && json_is_string(why))
		return (nh_str_t){.why = json_string_value(why)};
	return str_of(json_object_get(fw, key), path, path, path);
}

nh_mv_identity_t nh_mv_identity(const nh_mv_t *mv)
{
	json_t *h = host(mv);
	return (nh_mv_identity_t){
		.hostname = STR(h, "hostname", "host.hostname"),
		.id = STR(h, "id", "host.id"),
		.id_source = STR(h, "id_source", "host.id_source"),
		.bios_vendor = firmware_fact(mv, "bios_vendor", WHY("host.firmware.bios_vendor", "not a string")),
		.bios_version = firmware_fact(mv, "bios_version", WHY("host.firmware.bios_version", "not a string")),
		.bios_date = firmware_fact(mv, "bios_date", WHY("host.firmware.bios_date", "not a string")),
		.product_name = firmware_fact(mv, "product_name", WHY("host.firmware.product_name", "not a string")),
		.board_vendor = firmware_fact(mv, "board_vendor", WHY("host.firmware.board_vendor", "not a string")),
		.board_name = firmware_fact(mv, "board_name", WHY("host.firmware.board_name", "not a string")),
	};
}

nh_str_t nh_mv_label(const nh_mv_t *mv, const char *name)
{
	if (!mv)
		return (nh_str_t){.why = NO_MANIFEST};
	return str_of(json_object_get(json_object_get(host(mv), "labels"), name),
		      WHY("host.labels", "no such label"), WHY("host.labels", "null"),
		      WHY("host.labels", "not a string"));
}

bool nh_mv_label_next(const nh_mv_t *mv, nh_rv_iter_t *it, const char **name, const char **value)
{
	json_t *labels = json_object_get(host(mv), "labels"), *v;
	while (iter_next(labels, it, name, &v))
		if (json_is_string(v)) {
			*value = json_string_value(v);
			return true;
		}
	return false;
}

nh_str_t nh_mv_engine(const nh_mv_t *mv, const char *engine, const char *field)
{
	if (!mv)
		return (nh_str_t){.why = NO_MANIFEST};
	json_t *e = json_object_get(json_object_get(host(mv), "engine"), engine);
	if (!json_is_object(e))
		return (nh_str_t){.why = WHY("host.engine", "that engine was not found")};
	return str_of(json_object_get(e, field), WHY("host.engine", "no such field"),
		      WHY("host.engine", "null"), WHY("host.engine", "not a string"));
}

bool nh_mv_engine_next(const nh_mv_t *mv, nh_rv_iter_t *it, const char **engine)
{
	json_t *v;
	return iter_next(json_object_get(host(mv), "engine"), it, engine, &v);
}

static json_t *nodes(const nh_mv_t *mv) { return json_object_get(host(mv), "nodes"); }

bool nh_mv_has_nodes(const nh_mv_t *mv, const char **why)
{
	bool ok = json_is_array(nodes(mv));
	if (why)
		*why = ok ? NULL : !mv ? NO_MANIFEST : WHY("host.nodes", "not recorded");
	return ok;
}

unsigned nh_mv_node_count(const nh_mv_t *mv) { return (unsigned)json_array_size(nodes(mv)); }

nh_mv_node_t nh_mv_node(const nh_mv_t *mv, unsigned i)
{
	json_t *n = json_array_get(nodes(mv), i);
	json_t *cpus = json_object_get(n, "cpus");
	nh_mv_node_t out = {
		.id = INT(n, "id", "host.nodes[].id"),
		.cpu_count = (unsigned)json_array_size(cpus),
		.mem_total_bytes = NUM(n, "mem_total_bytes", "host.nodes[].mem_total_bytes"),
		.mem_free_bytes = NUM(n, "mem_free_bytes", "host.nodes[].mem_free_bytes"),
	};
	nh_set_clear(&out.cpus);
	size_t k;
	json_t *v;
	json_array_foreach(cpus, k, v)
	{
		if (json_is_integer(v))
			nh_set_add(&out.cpus, (unsigned)json_integer_value(v));
	}
	return out;
}

static json_t *distances(const nh_mv_t *mv) { return json_object_get(host(mv), "distances"); }

unsigned nh_mv_distance_rows(const nh_mv_t *mv)
{
	return (unsigned)json_array_size(distances(mv));
}

unsigned nh_mv_distance_cols(const nh_mv_t *mv, unsigned row)
{
	return (unsigned)json_array_size(json_array_get(distances(mv), row));
}

nh_num_t nh_mv_distance(const nh_mv_t *mv, unsigned row, unsigned col)
{
	return num_of(json_array_get(json_array_get(distances(mv), row), col), true,
		      WHY("host.distances", "no such entry"), WHY("host.distances", "null"),
		      WHY("host.distances", "entry not an integer"));
}

static json_t *caches(const nh_mv_t *mv) { return json_object_get(host(mv), "caches"); }

unsigned nh_mv_cache_count(const nh_mv_t *mv) { return (unsigned)json_array_size(caches(mv)); }

nh_mv_cache_t nh_mv_cache(const nh_mv_t *mv, unsigned i)
{
	json_t *c = json_array_get(caches(mv), i);
	return (nh_mv_cache_t){
		.type = STR(c, "type", "host.caches[].type"),
		.level = INT(c, "level", "host.caches[].level"),
		.size_bytes = INT(c, "size_bytes", "host.caches[].size_bytes"),
		.count = INT(c, "count", "host.caches[].count"),
	};
}

/* ---- the forecast section ---- */

#define K_FORECAST "forecast"

nh_rv_forecast_t nh_rv_forecast(const nh_rv_t *rv)
{
	json_t *f = json_object_get(REC(rv), K_FORECAST);
	if (!json_is_object(f))
		return (nh_rv_forecast_t){.why = f ? WHY("forecast", "not an object")
						   : WHY("forecast", "not recorded")};
	return (nh_rv_forecast_t){
		.present = true,
		.unavailable = STR(f, K_UNAVAILABLE, "forecast.unavailable"),
		.series = STR(f, "series", "forecast.series"),
		.nearest = STR(f, "nearest", "forecast.nearest"),
		.note = STR(f, "note", "forecast.note"),
		.rows = INT(f, "rows", "forecast.rows"),
		.until_s = NUM(f, "until_s", "forecast.until_s"),
		.layer_count = (unsigned)json_array_size(json_object_get(f, "layers")),
	};
}

nh_rv_forecast_layer_t nh_rv_forecast_layer(const nh_rv_t *rv, unsigned i)
{
	json_t *l = json_array_get(json_object_get(json_object_get(REC(rv), K_FORECAST), "layers"), i);
	json_t *steps = json_object_get(l, "steps"), *limit = json_object_get(l, "limit");
	return (nh_rv_forecast_layer_t){
		.layer = STR(l, "layer", "forecast.layers[].layer"),
		.label = STR(l, "label", "forecast.layers[].label"),
		.verdict = STR(l, "verdict", "forecast.layers[].verdict"),
		.pattern = STR(l, "pattern", "forecast.layers[].pattern"),
		.sentence = STR(l, "sentence", "forecast.layers[].sentence"),
		.why = STR(l, "why", "forecast.layers[].why"),
		.points = INT(l, "points", "forecast.layers[].points"),
		.t_last_s = NUM(l, "t_last_s", "forecast.layers[].t_last_s"),
		.last = NUM(l, "last", "forecast.layers[].last"),
		.level = NUM(l, "level", "forecast.layers[].level"),
		.slope = NUM(l, "slope", "forecast.layers[].slope"),
		.slope_low = NUM(l, "slope_low", "forecast.layers[].slope_low"),
		.slope_high = NUM(l, "slope_high", "forecast.layers[].slope_high"),
		.intercept = NUM(l, "intercept", "forecast.layers[].intercept"),
		.steps_count = INT(steps, "count", "forecast.layers[].steps.count"),
		.steps_size = NUM(steps, "size", "forecast.layers[].steps.size"),
		.steps_period_s = NUM(steps, "period_s", "forecast.layers[].steps.period_s"),
		.limit_name = STR(limit, "name", "forecast.layers[].limit.name"),
		.no_limit = STR(l, "no_limit", "forecast.layers[].no_limit"),
		.limit_node = INT(limit, "node", "forecast.layers[].limit.node"),
		.limit_bytes = NUM(limit, "bytes", "forecast.layers[].limit.bytes"),
		.time_to_limit_s = NUM(l, "time_to_limit_s", "forecast.layers[].time_to_limit_s"),
		.low = NUM(l, "low", "forecast.layers[].low"),
		.high = NUM(l, "high", "forecast.layers[].high"),
		.limit_at_s = NUM(l, "limit_at_s", "forecast.layers[].limit_at_s"),
		.high_never = FLAG(l, "high_never", "forecast.layers[].high_never"),
	};
}
