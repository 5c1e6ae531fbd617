/* SPDX-License-Identifier: MIT */
/* cli_forecast: `numaharness forecast DIR [--run N] [--until SECONDS] [--limit BYTES] [--json]` —
 * for each run of a results directory with a series, whether each layer grows and when it
 * reaches its nearest limit (the record's policy nodes and cgroup limit), as of the whole series
 * or of what was known at --until. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "forecast_record.h"
#include "results.h"

struct forecast_opts {
	const char *dir;
	long run;     /* -1: every run */
	double until; /* NAN: the whole series */
	double limit; /* NAN: none given */
	bool json;
};

static void forecast_usage(FILE *out)
{
	fputs("usage: numaharness forecast DIR [--run N] [--until SECONDS] [--limit BYTES] [--json]\n"
	      "  for each run of the results directory DIR that has a series (series/run-N.csv):\n"
	      "  per layer (RSS, the run's cgroup, each node, the nodes its policy binds it to),\n"
	      "  whether it grows (Theil-Sen slope and its 95% interval; 'no growth' when the\n"
	      "  interval includes zero), how (ramp, steps, sawtooth), and when it reaches its\n"
	      "  nearest limit: the run's cgroup limit, each bound node's capacity (the run's bytes\n"
	      "  there + the node's free memory at the last sample)\n"
	      "  --run N          that run only\n"
	      "  --until SECONDS  only the samples up to then: what was known at that time\n"
	      "  --limit BYTES    a limit on the run's memory (its cgroup, else its RSS), e.g. 2G\n"
	      "  --json           one JSON object per run and line\n"
	      "Exit status: 0 forecast made, 2 bad input or no run with a series.\n",
	      out);
}

static int parse_opts(int argc, char **argv, struct forecast_opts *o)
{
	static const struct option longopts[] = {
		{"run", required_argument, NULL, 'r'},	 {"until", required_argument, NULL, 'u'},
		{"limit", required_argument, NULL, 'l'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	 {NULL, 0, NULL, 0}};
	*o = (struct forecast_opts){.run = -1, .until = NAN, .limit = NAN};
	nh_err_t err;
	uint64_t v;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
		switch (c) {
		case 'r':
			if (nh_parse_uint(optarg, 0, 100000000, &v, &err) < 0) {
				nh_cli_error("forecast: --run: %s", err.msg);
				return -1;
			}
			o->run = (long)v;
			break;
		case 'u':
			if (nh_parse_duration(optarg, &o->until, &err) < 0) {
				nh_cli_error("forecast: --until: %s", err.msg);
				return -1;
			}
			break;
		case 'l':
			if (nh_parse_size(optarg, &v, &err) < 0) {
				nh_cli_error("forecast: --limit: %s", err.msg);
				return -1;
			}
			if (v == 0) {
				nh_cli_error("forecast: --limit '%s': a limit must be above 0 bytes", optarg);
				return -1;
			}
			o->limit = (double)v;
			break;
		case 'j': o->json = true; break;
		case 'h': forecast_usage(stdout); return 1;
		default:
			nh_cli_error("forecast: bad option '%s' (see numaharness forecast --help)",
				     argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1) {
		nh_cli_error(optind == argc ? "forecast: which results directory? (numaharness forecast DIR)"
					    : "forecast: one results directory expected, got '%s' too",
			     argv[optind + 1]);
		return -1;
	}
	o->dir = argv[optind];
	return 0;
}

/* The series file of \p rec, or NULL with \p why. */
static const char *series_path(const char *dir, const nh_rv_t *rec, char *path, size_t len,
			       const char **why)
{
	nh_rv_series_t s = nh_rv_series(rec);
	if (!s.file.present) {
		*why = s.unavailable.present ? s.unavailable.s : s.file.why;
		return NULL;
	}
	if (s.file.s[0] == '/' || strstr(s.file.s, "..")) {
		*why = "series.file is not a path inside the results directory";
		return NULL;
	}
	snprintf(path, len, "%s/%s", dir, s.file.s);
	if (access(path, R_OK) != 0) {
		*why = errno == ENOENT ? "its series file is gone (pruned, or never written)"
				       : "its series file cannot be read";
		return NULL;
	}
	return path;
}

static void print_text(const nh_rv_t *rec, long run, const char *file, const nh_forecast_t *f)
{
	printf("run %ld (%s, policy %s, %s): %s, %u rows", run, nh_str_or(nh_rv_workload(rec), "?"),
	       nh_str_or(nh_rv_policy_requested(rec), "?"), nh_str_or(nh_rv_outcome(rec), "?"), file,
	       f->rows_total);
	if (isfinite(f->until_s))
		printf(", %u up to t = %g s", f->rows, f->until_s);
	if (f->torn)
		printf(" (a torn last line ignored)");
	putchar('\n');
	if (f->nearest >= 0) {
		const nh_fc_layer_t *l = &f->layers[f->nearest];
		char sz[32];
		nh_fc_size(l->limit.bytes, sz, sizeof sz);
		printf("  nearest limit: %s (%s)\n", l->limit.name, sz);
	} else {
		printf("  nearest limit: none known\n");
	}
	for (unsigned i = 0; i < f->count; i++)
		printf("  %s\n", f->layers[i].sentence);
	if (f->note[0])
		printf("  note: %s\n", f->note);
	for (unsigned i = 0; i < f->count; i++)
		if (f->layers[i].thinned) { /* said once: every layer has the same rows */
			printf("  (a long series: %u points, seen as bins of their medians, the slope "
			       "fit over %u of them)\n", f->layers[i].points, f->layers[i].trend.used);
			break;
		}
}

static int print_json(const nh_rv_t *rec, long run, json_t *section)
{
	json_t *o = json_object();
	json_object_set_new(o, "run", json_integer(run));
	json_object_set_new(o, "workload", json_string(nh_str_or(nh_rv_workload(rec), "")));
	json_object_set_new(o, "policy", json_string(nh_str_or(nh_rv_policy_requested(rec), "")));
	json_object_set_new(o, "outcome", json_string(nh_str_or(nh_rv_outcome(rec), "")));
	json_object_set_new(o, "forecast", section);
	char *text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(o);
	if (!text)
		return -1;
	puts(text);
	free(text);
	return 0;
}

int nh_cli_forecast(int argc, char **argv)
{
	struct forecast_opts o;
	int rc = parse_opts(argc, argv, &o);
	if (rc != 0)
		return rc > 0 ? NH_EXIT_OK : NH_EXIT_ERROR;
	nh_err_t err = {""};
	nh_results_t *r = nh_results_load(o.dir, &err);
	if (!r) {
		nh_cli_error("forecast: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	int status = NH_EXIT_ERROR;
	unsigned made = 0, found = 0;
	for (unsigned i = 0; i < nh_results_count(r); i++) {
		const nh_rv_t *rec = nh_results_record(r, i);
		long run = (long)nh_num_or(nh_rv_run(rec), (double)i);
		if (o.run >= 0 && run != o.run)
			continue;
		found++;
		char path[PATH_MAX];
		const char *why = NULL, *file = series_path(o.dir, rec, path, sizeof path, &why);
		if (!file) {
			if (o.run >= 0) {
				nh_cli_error("forecast: run %ld has no series to forecast from: %s", run, why);
				goto out;
			}
			if (o.json) {
				if (print_json(rec, run, nh_forecast_json_unavailable(why)) < 0)
					goto nomem;
			} else {
				printf("run %ld: no series: %s\n", run, why);
			}
			continue;
		}
		nh_fc_limits_t lim;
		nh_fc_limits_from_record(rec, &lim);
		lim.extra = o.limit;
		nh_forecast_t f;
		if (nh_forecast_file(file, &lim, o.until, NULL, &f, &err) < 0) {
			/* A series this harness wrote always parses: one that does not is bad input. */
			nh_cli_error("forecast: run %ld: %s", run, err.msg);
			goto out;
		}
		const char *name = nh_rv_series(rec).file.s;
		if (o.json) {
			json_t *section = nh_forecast_json(&f, name);
			if (!section || print_json(rec, run, section) < 0) {
				nh_forecast_free(&f);
				goto nomem;
			}
		} else {
			print_text(rec, run, name, &f);
		}
		nh_forecast_free(&f);
		made++;
	}
	if (o.run >= 0 && !found) {
		nh_cli_error("forecast: %s has no run %ld (%u runs)", o.dir, o.run, nh_results_count(r));
		goto out;
	}
	if (!made) {
		nh_cli_error("forecast: no run in %s has a series to forecast from", o.dir);
		goto out;
	}
	status = NH_EXIT_OK;
	goto out;
nomem:
	nh_cli_error("forecast: out of memory for the JSON output");
out:
	fflush(stdout);
	nh_results_free(r);
	return status;
}
