/* SPDX-License-Identifier: MIT */
/* cli_report: `numaharness report DIR [--no-charts]` — report.md, report.html and the charts of a
 * results directory; also what every sweep runs at its end. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static void report_usage(FILE *out)
{
	fputs("usage: numaharness report DIR [--no-charts]\n"
	      "  writes DIR/report.md and DIR/report.html (self-contained: charts inline as SVG), "
	      "and\n"
	      "  the charts' data (.dat), gnuplot templates (.gp) and images (PNG, SVG) in "
	      "DIR/charts/\n"
	      "  --no-charts    no charts (no gnuplot run; DIR/charts/ left as it is)\n"
	      "  gnuplot is looked up on PATH, or taken from $NH_GNUPLOT; without it the report "
	      "says so\n"
	      "  and keeps the .dat and .gp files to draw later\n",
	      out);
}

int nh_cli_report_dir(const char *dir, bool no_charts, FILE *out, nh_err_t *err)
{
	nh_report_opts_t o = {.no_charts = no_charts};
	nh_report_info_t info;
	if (nh_report_write(dir, &o, &info, err) < 0)
		return -1;
	if (!out)
		return 0;
	fprintf(out, "report: %s\n", info.html);
	if (info.charts_note[0] && !no_charts)
		fprintf(out, "report: %s; the charts' data and templates are in %s/charts\n",
			info.charts_note, dir);
	else if (info.charts > info.rendered)
		fprintf(out,
			"report: %u of %u charts could not be drawn (see %s/charts/gnuplot.log)\n",
			info.charts - info.rendered, info.charts, dir);
	return 0;
}

int nh_cli_report(int argc, char **argv)
{
	static const struct option longopts[] = {
			{"no-charts", no_argument, NULL, 'n'},
			{"help", no_argument, NULL, 'h'},
			{NULL, 0, NULL, 0},
	};
	bool no_charts = false;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
		switch (c) {
		case 'n': no_charts = true; break;
		case 'h': report_usage(stdout); return NH_EXIT_OK;
		default:
			nh_cli_error("report: bad option '%s' (see numaharness report --help)",
				     argv[optind - 1]);
			return NH_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		nh_cli_error("report: expected exactly one results directory (see numaharness "
			     "report --help)");
		return NH_EXIT_ERROR;
	}
	nh_err_t err;
	if (nh_cli_report_dir(argv[optind], no_charts, stdout, &err) < 0) {
		nh_cli_error("report: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	return NH_EXIT_OK;
}
