/* SPDX-License-Identifier: MIT */
/* cli_compare: `numaharness compare BASELINE CANDIDATE` — the table, compare.md and
 * compare.json, and the exit status that gates a change on its regressions. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"

#define MAX_METRIC_ARGS 64

static void compare_usage(FILE *out)
{
	fputs("usage: numaharness compare BASELINE CANDIDATE [options]\n"
	      "  Matches the configurations (workload, parameters, policy, allocator) of two "
	      "results\n"
	      "  directories and compares each metric's runs: medians, change, bootstrap "
	      "interval,\n"
	      "  Mann-Whitney and Welch p, and a verdict (regression, improvement, same, "
	      "insufficient).\n"
	      "options:\n"
	      "  --fail-on-regression PCT  exit 1 when a regression's |change| is PCT percent or "
	      "more\n"
	      "  --metric NAME             compare only this metric (repeatable; also metrics with "
	      "no\n"
	      "                            better-direction, which are skipped by default)\n"
	      "  --alpha A                 significance level (default 0.05)\n"
	      "  --md FILE                 Markdown section (default CANDIDATE/compare.md)\n"
	      "  --json FILE               JSON (default CANDIDATE/compare.json)\n"
	      "  --no-write                write neither file (read-only directories)\n"
	      "  --quiet                   no table on stdout\n"
	      "Exit status: 0 compared (regressions below the gate included), 1 a regression at "
	      "or\n"
	      "beyond --fail-on-regression, 2 bad input (missing or unreadable results, bad "
	      "options).\n",
	      out);
}

/* "5", "2.5", "10%": a non-negative percentage. */
static int parse_pct(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (end == text || errno || !isfinite(v) || v < 0)
		return -1;
	if (*end == '%')
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static int write_text(const char *path, const char *text, nh_err_t *err)
{
	return nh_write_file_atomic(path, text, strlen(text), err);
}

static int write_outputs(const nh_compare_t *c, const char *md_path, const char *json_path,
			 nh_err_t *err)
{
	char *md = nh_compare_markdown(c);
	json_t *j = nh_compare_json(c);
	char *js = j ? json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(10)) : NULL;
	int rc = -1;
	if (!md || !js) {
		nh_err_set(err, "out of memory for the comparison's files");
		goto out;
	}
	size_t n = strlen(js);
	char *jsn = realloc(js, n + 2);
	if (!jsn) {
		nh_err_set(err, "out of memory for the comparison's files");
		goto out;
	}
	js = jsn;
	memcpy(js + n, "\n", 2);
	if (write_text(md_path, md, err) < 0 || write_text(json_path, js, err) < 0)
		goto out;
	rc = 0;
out:
	free(md);
	free(js);
	json_decref(j);
	return rc;
}

/* The regression that most exceeds the gate, for the one-line failure message. */
static const nh_compare_row_t *worst_regression(const nh_compare_t *c)
{
	const nh_compare_row_t *worst = NULL;
	for (unsigned i = 0; i < nh_compare_row_count(c); i++) {
		const nh_compare_row_t *r = nh_compare_row(c, i);
		if (r->verdict != NH_COMPARE_REGRESSION)
			continue;
		if (!worst || !isfinite(r->change) ||
		    (isfinite(worst->change) && fabs(r->change) > fabs(worst->change)))
			worst = r;
	}
	return worst;
}

int nh_cli_compare(int argc, char **argv)
{
	enum { O_FAIL = 256, O_METRIC, O_ALPHA, O_MD, O_JSON, O_NO_WRITE, O_QUIET };
	static const struct option longopts[] = {
		{"fail-on-regression", required_argument, NULL, O_FAIL},
		{"metric", required_argument, NULL, O_METRIC},
		{"alpha", required_argument, NULL, O_ALPHA},
		{"md", required_argument, NULL, O_MD},
		{"json", required_argument, NULL, O_JSON},
		{"no-write", no_argument, NULL, O_NO_WRITE},
		{"quiet", no_argument, NULL, O_QUIET},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *metrics[MAX_METRIC_ARGS];
	nh_compare_opts_t o = {.metrics = metrics};
	const char *md_path = NULL, *json_path = NULL;
	double fail_pct = -1;
	bool quiet = false, no_write = false;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
		switch (c) {
		case O_FAIL:
			if (parse_pct(optarg, &fail_pct) < 0) {
				nh_cli_error("compare: --fail-on-regression: '%s' is not a "
					     "percentage (e.g. 5 or 2.5%%)",
					     optarg);
				return NH_EXIT_ERROR;
			}
			break;
		case O_METRIC:
			if (o.metric_count == MAX_METRIC_ARGS) {
				nh_cli_error("compare: --metric: at most %d metrics",
					     MAX_METRIC_ARGS);
				return NH_EXIT_ERROR;
			}
			metrics[o.metric_count++] = optarg;
			break;
		case O_ALPHA: {
			char *end;
			o.alpha = strtod(optarg, &end);
			if (end == optarg || *end || !(o.alpha > 0 && o.alpha <= 0.5)) {
				nh_cli_error("compare: --alpha: '%s' is not a number in (0, 0.5]",
					     optarg);
				return NH_EXIT_ERROR;
			}
			break;
		}
		case O_MD: md_path = optarg; break;
		case O_JSON: json_path = optarg; break;
		case O_NO_WRITE: no_write = true; break;
		case O_QUIET: quiet = true; break;
		case 'h': compare_usage(stdout); return NH_EXIT_OK;
		default:
			nh_cli_error("compare: bad option '%s' (see numaharness compare --help)",
				     argv[optind - 1]);
			return NH_EXIT_ERROR;
		}
	}
	if (argc - optind != 2) {
		nh_cli_error("compare: expected BASELINE and CANDIDATE results directories (see "
			     "numaharness "
			     "compare --help)");
		return NH_EXIT_ERROR;
	}
	const char *base_dir = argv[optind], *cand_dir = argv[optind + 1];
	nh_err_t err;
	int status = NH_EXIT_ERROR;
	nh_results_t *base = NULL, *cand = NULL;
	nh_compare_t *cmp = NULL;
	char *table = NULL;
	if (!(base = nh_results_load(base_dir, &err)) ||
	    !(cand = nh_results_load(cand_dir, &err)) ||
	    nh_compare_run(base, cand, &o, &cmp, &err) < 0) {
		nh_cli_error("compare: %s", err.msg);
		goto out;
	}
	if (!quiet) {
		if (!(table = nh_compare_table(cmp))) {
			nh_cli_error("compare: out of memory for the table");
			goto out;
		}
		fputs(table, stdout);
	}
	if (!no_write) {
		char md_default[4200], json_default[4200];
		snprintf(md_default, sizeof md_default, "%s/compare.md", nh_results_dir(cand));
		snprintf(json_default, sizeof json_default, "%s/compare.json",
			 nh_results_dir(cand));
		md_path = md_path ? md_path : md_default;
		json_path = json_path ? json_path : json_default;
		if (write_outputs(cmp, md_path, json_path, &err) < 0) {
			nh_cli_error("compare: %s", err.msg);
			goto out;
		}
		if (!quiet)
			printf("written: %s, %s\n", md_path, json_path);
		/* The candidate's report shows the comparison once its compare.json is there. */
		if (strcmp(json_path, json_default) == 0 &&
		    nh_cli_report_dir(nh_results_dir(cand), false, quiet ? NULL : stdout, &err) < 0)
			nh_log(NH_LOG_WARN, "report: %s", err.msg);
	}
	fflush(stdout);
	status = NH_EXIT_OK;
	unsigned failing = fail_pct >= 0 ? nh_compare_regressions_beyond(cmp, fail_pct) : 0;
	if (failing) {
		const nh_compare_row_t *w = worst_regression(cmp);
		char change[32];
		if (isfinite(w->change))
			snprintf(change, sizeof change, "%+.1f%%", w->change * 100);
		else
			snprintf(change, sizeof change, "from 0");
		nh_cli_error("compare: %u regression%s of %g%% or more (worst: %s %s %s)", failing,
			     failing == 1 ? "" : "s", fail_pct, w->label, w->metric, change);
		status = NH_EXIT_CHECK_FAILED;
	}
out:
	free(table);
	nh_compare_free(cmp);
	nh_results_free(cand);
	nh_results_free(base);
	return status;
}
