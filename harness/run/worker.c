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

/* The samplers' snapshot: the memory the workload context took with its placement snapshot. */
struct snapshot_hook {
	nh_samplers_t *samplers;
	nh_worker_report_t *rep;
	nh_wctx_t *ctx;
};

static void at_snapshot(void *arg)
{
	struct snapshot_hook *h = arg;
	nh_sampler_snapshot_t snap = {NULL, NULL};
	if (!h->samplers)
		return;
	(void)nh_wctx_memory(h->ctx, &snap.memory, &snap.cgroup);
	nh_samplers_snapshot(h->samplers, &snap, &h->rep->samplers);
}

/* The record names the series file relative to the results directory: the parent passes
 * RESULTS/series/run-N.csv, so that is its last two components. */
static const char *relative_series_name(const char *path)
{
	const char *last = strrchr(path, '/');
	if (!last)
		return path;
	const char *dir = last;
	while (dir > path && dir[-1] != '/')
		dir--;
	return dir;
}

static nh_samplers_t *open_samplers(nh_worker_report_t *rep, nh_wctx_t *ctx, const char *series_path,
				    const char *run_cgroup, struct snapshot_hook *hook)
{
	/* thp=never for the whole process too: libraries' own allocations included. */
	if (strcmp(nh_wctx_param(ctx, "thp"), "never") == 0 && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) < 0)
		nh_wctx_note(ctx, "thp", "prctl(PR_SET_THP_DISABLE): %s", strerror(errno));
	nh_sampler_env_t env = {
		.counters = nh_wctx_param(ctx, "counters"),
		.series_path = series_path,
		.series_name = series_path ? relative_series_name(series_path) : NULL,
		.series_off = !series_path				 ? "no series file given"
			      : nh_wctx_param_is_keyword(ctx, "interval") ? "interval=off"
									 : NULL,
		.interval_s = 0.1,
		.run_cgroup = run_cgroup,
	};
	(void)nh_parse_duration(nh_wctx_param(ctx, "interval"), &env.interval_s, NULL);
	*hook = (struct snapshot_hook){NULL, rep, ctx};
	hook->samplers = nh_samplers_open(nh_samplers, nh_sampler_count, &env, &rep->samplers);
	if (!hook->samplers)
		fprintf(stderr, "nh-worker: out of memory opening the samplers\n");
	nh_wctx_set_snapshot_hook(ctx, at_snapshot, hook);
	return hook->samplers;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"report-fd", required_argument, NULL, 'r'}, {"workload", required_argument, NULL, 'w'},
		{"policy", required_argument, NULL, 'p'},    {"llc", required_argument, NULL, 'l'},
		{"expect", required_argument, NULL, 'e'},    {"scratch", required_argument, NULL, 's'},
		{"series", required_argument, NULL, 'S'},    {"cgroup", required_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	int report_fd = -1;
	const char *wl_name = NULL, *expect = "", *series_path = NULL, *scratch = NULL, *run_cgroup = NULL;
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
		case 'c': run_cgroup = optarg; break; /* the run's own cgroup, which we are in */
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
	nh_allocator_identify(&rep->allocator);
	rep->allocator_valid = true;
	const char *allocator = nh_params_get(&params, "allocator");
	char preload[256] = "", why[256] = "";
	if (allocator && nh_allocator_resolve(allocator, preload, sizeof preload, why, sizeof why) == 0 &&
	    !nh_allocator_matches(allocator, preload, &rep->allocator)) {
		snprintf(rep->reason, sizeof rep->reason,
			 "allocator %s requested, but malloc is served by %s (%s)", allocator,
			 rep->allocator.library[0] ? rep->allocator.library : "an unknown object",
			 rep->allocator.name);
		return NH_WORKER_EXIT_FAILED;
	}

	nh_set_t expected;
	nh_set_clear(&expected);
	if (*expect && nh_set_parse(&expected, expect, &err) < 0)
		usage_exit(err.msg);
	/* A record field: a cut list would name other nodes than the ones judged. */
	if (snprintf(rep->expected_nodes, sizeof rep->expected_nodes, "%s", *expect ? expect : "cpu-local") >=
	    (int)sizeof rep->expected_nodes)
		usage_exit("--expect: node list too long");

	nh_wctx_t *ctx = nh_wctx_new(wl, &params, &rep->applied.cpus, llc);
	if (!ctx) {
		snprintf(rep->reason, sizeof rep->reason, "out of memory creating the workload context");
		return NH_WORKER_EXIT_FAILED;
	}
	nh_wctx_set_expectation(ctx, &expected);
	nh_wctx_set_scratch_dir(ctx, scratch);
	struct snapshot_hook hook;
	nh_samplers_t *samplers = open_samplers(rep, ctx, series_path, run_cgroup, &hook);
	rep->phase = NH_PHASE_RUNNING;
	enum nh_wl_status status = wl->run(ctx);
	nh_wctx_set_snapshot_hook(ctx, NULL, NULL);
	if (samplers)
		nh_samplers_close(samplers, &rep->samplers); /* snapshot first when the workload took none */

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
