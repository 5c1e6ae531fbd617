/* SPDX-License-Identifier: MIT */
/* nh-worker: the process a run execs. Policy and affinity are already in place (inherited across
 * exec); it reads them back, runs the workload, checks where the pages landed and reports through
 * the shared block. It never loads Lua or the topology: it gets a plain run spec on its command line. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "run_options.h"
#include "workload_ctx.h"
#include "worker_report.h"

static void usage_exit(const char *msg)
{
	fprintf(stderr, "nh-worker: %s (this program is started by numaharness)\n", msg);
	exit(NH_WORKER_EXIT_USAGE);
}

static void copy_metrics(nh_worker_report_t *rep, const nh_wctx_t *ctx)
{
	rep->metric_count = 0;
	for (unsigned i = 0; i < nh_wctx_metric_count(ctx) && rep->metric_count < NH_MAX_METRICS; i++) {
		const nh_wctx_metric_t *m = nh_wctx_metric_at(ctx, i);
		nh_metric_t *out = &rep->metrics[rep->metric_count++];
		snprintf(out->name, sizeof out->name, "%s", m->def->name);
		snprintf(out->unit, sizeof out->unit, "%s", m->def->unit);
		out->better = m->def->better;
		out->value = m->value;
	}
}

/* The samplers around the workload: cgroup events before, counters and the time series during,
 * memory at the snapshot. */
typedef struct layers {
	nh_cgroup_mem_t cgroup_before;
	nh_counters_t *counters;
	nh_series_t *series;
	nh_worker_report_t *rep;
} layers_t;

/* The series ends at the workload's snapshot (its buffers still live), or after run(). */
static void stop_series(void *arg)
{
	layers_t *l = arg;
	if (!l->series)
		return;
	nh_series_stop(l->series, &l->rep->layers.series);
	l->rep->layers.series_valid = true;
	l->series = NULL;
}

static void start_layers(layers_t *l, nh_worker_report_t *rep, nh_wctx_t *ctx, const char *series_path)
{
	nh_err_t err;
	memset(l, 0, sizeof *l);
	l->rep = rep;
	nh_wctx_set_snapshot_hook(ctx, stop_series, l);
	/* thp=never for the whole process too: libraries' own allocations included. */
	if (strcmp(nh_wctx_param(ctx, "thp"), "never") == 0 && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0)
		nh_wctx_note(ctx, "thp", "prctl(PR_SET_THP_DISABLE): %s", strerror(errno));
	nh_cgroup_read(0, &l->cgroup_before);
	/* Opened before the workload starts its threads: inherit makes them count too. */
	const char *spec = nh_wctx_param(ctx, "counters");
	if (strcmp(spec, "none") != 0 && !(l->counters = nh_counters_open(spec, &err)))
		fprintf(stderr, "nh-worker: counters: %s\n", err.msg);
	if (!series_path || nh_wctx_param_is_keyword(ctx, "interval")) {
		snprintf(rep->layers.series_error, sizeof rep->layers.series_error, "%s",
			 series_path ? "interval=off" : "no series file given");
		return;
	}
	double interval = 0.1;
	(void)nh_parse_duration(nh_wctx_param(ctx, "interval"), &interval, NULL);
	if (!(l->series = nh_series_start(series_path, interval, l->counters, &err)))
		snprintf(rep->layers.series_error, sizeof rep->layers.series_error, "%s", err.msg);
}

static void finish_layers(layers_t *l, nh_worker_report_t *rep, nh_wctx_t *ctx)
{
	stop_series(l);
	if (l->counters) {
		(void)nh_counters_settle(1, 0.1); /* exited threads' counts fold in just after join */
		rep->layers.counter_count = nh_counters_read(l->counters, rep->layers.counters, NH_MAX_COUNTERS);
		rep->layers.derived_count = nh_counters_derive(l->counters, rep->layers.counters, rep->layers.counter_count,
							rep->layers.derived, NH_MAX_DERIVED);
		nh_counters_close(l->counters);
	}
	const nh_proc_mem_t *mem;
	const nh_cgroup_mem_t *cg;
	if (nh_wctx_memory(ctx, &mem, &cg)) {
		rep->layers.memory = *mem;
		rep->layers.cgroup = *cg;
	} else { /* the workload took no snapshot: the state now, after it returned */
		nh_proc_mem_read(0, true, &rep->layers.memory);
		nh_cgroup_read(0, &rep->layers.cgroup);
	}
	rep->layers.memory_valid = true;
	nh_cgroup_events_delta(&l->cgroup_before, &rep->layers.cgroup, &rep->layers.cgroup_events_delta);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"report-fd", required_argument, NULL, 'r'}, {"workload", required_argument, NULL, 'w'},
		{"policy", required_argument, NULL, 'p'},    {"llc", required_argument, NULL, 'l'},
		{"expect", required_argument, NULL, 'e'},    {"scratch", required_argument, NULL, 's'},
		{"series", required_argument, NULL, 'S'},    {NULL, 0, NULL, 0},
	};
	int report_fd = -1;
	const char *wl_name = NULL, *expect = "", *series_path = NULL, *scratch = NULL;
	uint64_t llc = 0;
	for (int c; (c = getopt_long(argc, argv, "", longopts, NULL)) != -1;) {
		switch (c) {
		case 'r': report_fd = atoi(optarg); break;
		case 'w': wl_name = optarg; break;
		case 'p': break; /* informational: the policy is already applied */
		case 'l': llc = strtoull(optarg, NULL, 10); break;
		case 'e': expect = optarg; break;
		case 's': scratch = optarg; break;
		case 'S': series_path = optarg; break;
		default: usage_exit("bad arguments");
		}
	}
	if (report_fd < 0 || !wl_name)
		usage_exit("--report-fd and --workload are required");
	nh_worker_report_t *rep =
		mmap(NULL, sizeof *rep, PROT_READ | PROT_WRITE, MAP_SHARED, report_fd, 0);
	if (rep == MAP_FAILED)
		usage_exit("cannot map the report block");
	close(report_fd);
	rep->magic = NH_REPORT_MAGIC;
	rep->phase = NH_PHASE_STARTED;

	nh_err_t err;
	if (nh_policy_read_back(&rep->applied, &err) == 0)
		rep->applied_valid = true;
	else
		fprintf(stderr, "nh-worker: reading back the policy: %s\n", err.msg);
	rep->phase = NH_PHASE_POLICY_READ;

	const nh_workload_t *wl = nh_workload_find(wl_name, &err);
	nh_params_t params = {0};
	if (!wl)
		usage_exit(err.msg);
	for (int i = optind; i < argc; i++)
		if (nh_params_set_kv(&params, argv[i], &err) < 0)
			usage_exit(err.msg);
	if (nh_run_options_check(wl, &params, &err) < 0)
		usage_exit(err.msg);
	if (wl->supported) {
		char reason[256] = "";
		if (wl->supported(reason, sizeof reason) < 0) {
			snprintf(rep->reason, sizeof rep->reason, "%s", reason);
			return NH_WORKER_EXIT_SKIPPED;
		}
	}

	/* The allocator must really be the one serving malloc: a preload that did not take would
	 * otherwise pass for a comparison. */
	nh_allocator_identify(&rep->layers.allocator);
	rep->layers.allocator_valid = true;
	const char *allocator = nh_params_get(&params, "allocator");
	char preload[256] = "", why[256] = "";
	if (allocator && nh_allocator_resolve(allocator, preload, sizeof preload, why, sizeof why) == 0 &&
	    !nh_allocator_matches(allocator, preload, &rep->layers.allocator)) {
		snprintf(rep->reason, sizeof rep->reason,
			 "allocator %s requested, but malloc is served by %s (%s)", allocator,
			 rep->layers.allocator.library[0] ? rep->layers.allocator.library : "an unknown object",
			 rep->layers.allocator.name);
		return NH_WORKER_EXIT_FAILED;
	}

	nh_set_t expected;
	nh_set_clear(&expected);
	if (*expect && nh_set_parse(&expected, expect, &err) < 0)
		usage_exit(err.msg);
	snprintf(rep->expected_nodes, sizeof rep->expected_nodes, "%s", *expect ? expect : "cpu-local");

	nh_wctx_t *ctx = nh_wctx_new(wl, &params, &rep->applied.cpus, llc);
	if (!ctx) {
		snprintf(rep->reason, sizeof rep->reason, "out of memory creating the workload context");
		return NH_WORKER_EXIT_FAILED;
	}
	nh_wctx_set_expectation(ctx, &expected);
	nh_wctx_set_scratch_dir(ctx, scratch);
	layers_t layers;
	start_layers(&layers, rep, ctx, series_path);
	rep->phase = NH_PHASE_RUNNING;
	enum nh_wl_status status = wl->run(ctx);
	finish_layers(&layers, rep, ctx);

	rep->phase = NH_PHASE_PLACEMENT;
	const char *perr = NULL;
	const nh_placement_t *pl = nh_wctx_placement(ctx, &perr);
	if (!pl && nh_wctx_region_count(ctx) > 0 && !(perr && *perr)) {
		nh_wctx_observe_placement(ctx); /* the workload did not snapshot: do it now */
		pl = nh_wctx_placement(ctx, &perr);
	}
	if (pl) {
		rep->placement = *pl;
		rep->observed_valid = true;
		const uint64_t *kernel_view = nh_wctx_numa_maps_pages(ctx);
		if (kernel_view) {
			memcpy(rep->numa_maps_pages, kernel_view, sizeof rep->numa_maps_pages);
			rep->numa_maps_valid = true;
		}
	} else if (perr && *perr) {
		fprintf(stderr, "nh-worker: placement: %s\n", perr);
	}
	rep->ran_on = *nh_wctx_cpus_ran_on(ctx);
	copy_metrics(rep, ctx);
	rep->notes = *nh_wctx_notes_table(ctx);
	snprintf(rep->reason, sizeof rep->reason, "%s", nh_wctx_reason_text(ctx));
	nh_wctx_free(ctx);
	rep->phase = NH_PHASE_DONE;
	switch (status) {
	case NH_WL_OK: return NH_WORKER_EXIT_OK;
	case NH_WL_SKIP: return NH_WORKER_EXIT_SKIPPED;
	default: return NH_WORKER_EXIT_FAILED;
	}
}
