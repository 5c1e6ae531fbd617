/* SPDX-License-Identifier: MIT */
/* cli_fleet: `numaharness fleet DIR...` — which hosts of a fleet are bad, and why: verdicts,
 * plain readings, the fleet report and the exit status that gates a rollout. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fleet.h"

/* Lines of flagged hosts on stdout before "see fleet.md". */
enum { SHOWN = 20 };

static void fleet_usage(FILE *out)
{
	fputs("usage: numaharness fleet DIR... [options]\n"
	      "  Judges many hosts' results together. Each DIR is a host directory (it holds\n"
	      "  manifest.json or error.txt) or a directory of them (fleet/<host>/, as the Ansible\n"
	      "  role fetches them); only manifest.json, checks.json and metrics.csv are read.\n"
	      "  Per host and NUMA node: local STREAM triad, idle latency (stream / chase under\n"
	      "  cpunodebind=N membind=N), MemTotal, remote/local latency ratio; each against its\n"
	      "  cohort's median (modified z-score over MAD, |z| > 3.5, and a practical threshold).\n"
	      "options:\n"
	      "  --planned-hosts FILE   the hosts that should be there, one a line ('#' comments):\n"
	      "                         one without results is MISSING; only these gate the exit\n"
	      "  --cohort-by label:NAME group hosts by a label (--label NAME=VALUE at run time);\n"
	      "                         default label:cohort; 'none': one cohort\n"
	      "  --threshold M=PCT,...  practical thresholds in percent (triad=15, latency=10,\n"
	      "                         memtotal=2, ratio=10 by default)\n"
	      "  --max-cv X             a host whose repeated figure varies more is UNSTABLE\n"
	      "                         (default 0.10)\n"
	      "  --baseline FLEET.json  an earlier fleet.json: its cohort medians are the reference\n"
	      "                         (so cohorts under 5 hosts are judged too)\n"
	      "  --out DIR              where the report goes (default ./fleet-<UTC time>/; must be\n"
	      "                         new or empty)\n"
	      "  --no-charts            no charts (no gnuplot run)\n"
	      "  --quiet                no summary on stdout\n"
	      "Writes fleet.json, fleet.csv, fleet.md, fleet.html (charts inline), fleet.xml (JUnit),\n"
	      "hosts-failed.txt, and the charts' data, templates and images in charts/.\n"
	      "Verdicts: PASS, FAIL (its own checks), OUTLIER, UNSTABLE, ERROR, MISSING.\n"
	      "Exit status: 0 every planned host (every host) PASS and one tool version and scenario,\n"
	      "1 otherwise, 2 bad input.\n",
	      out);
}

static void summary(const nh_fleet_t *f, const char *dir, const char *charts_note)
{
	printf("fleet: %u hosts in %u cohort%s:", nh_fleet_host_count(f), nh_fleet_cohort_count(f),
	       nh_fleet_cohort_count(f) == 1 ? "" : "s");
	bool first = true;
	for (unsigned v = 0; v < NH_FLEET_VERDICTS; v++) {
		unsigned n = nh_fleet_verdict_count(f, v);
		if (n || v == NH_FLEET_PASS) {
			printf("%s %u %s", first ? "" : ",", n, nh_fleet_verdict_name(v));
			first = false;
		}
	}
	putchar('\n');
	unsigned shown = 0, flagged = 0;
	for (unsigned i = 0; i < nh_fleet_host_count(f); i++) {
		nh_fleet_host_view_t h = nh_fleet_host(f, i);
		if (h.verdict == NH_FLEET_PASS)
			continue;
		if (flagged++ < SHOWN) {
			printf("%-8s %s (%s): %s\n", nh_fleet_verdict_name(h.verdict), h.name, h.cohort,
			       h.reading);
			shown++;
		}
	}
	if (flagged > shown)
		printf("... and %u more: see %s/fleet.md\n", flagged - shown, dir);
	for (unsigned i = 0; i < nh_fleet_warning_count(f); i++)
		printf("warning: %s\n", nh_fleet_warning(f, i));
	if (charts_note[0] && strcmp(charts_note, "--no-charts") != 0)
		printf("fleet: charts not drawn: %s; their data and templates are in %s/charts\n",
		       charts_note, dir);
	printf("fleet: %s/fleet.html (fleet.md, fleet.json, fleet.csv, fleet.xml, hosts-failed.txt, "
	       "verdicts.tsv)\n",
	       dir);
}

int nh_cli_fleet(int argc, char **argv)
{
	enum { O_PLANNED = 256, O_COHORT, O_THRESHOLD, O_BASELINE, O_OUT, O_MAX_CV, O_QUIET,
	       O_NO_CHARTS };
	static const struct option longopts[] = {
		{"planned-hosts", required_argument, NULL, O_PLANNED},
		{"cohort-by", required_argument, NULL, O_COHORT},
		{"threshold", required_argument, NULL, O_THRESHOLD},
		{"baseline", required_argument, NULL, O_BASELINE},
		{"out", required_argument, NULL, O_OUT},
		{"max-cv", required_argument, NULL, O_MAX_CV},
		{"quiet", no_argument, NULL, O_QUIET},
		{"no-charts", no_argument, NULL, O_NO_CHARTS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	nh_fleet_opts_t o;
	nh_fleet_opts_default(&o);
	const char *planned = NULL, *baseline = NULL, *out = NULL;
	bool quiet = false, charts = true;
	nh_err_t err;
	optind = 1;
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1;) {
		switch (c) {
		case O_PLANNED: planned = optarg; break;
		case O_BASELINE: baseline = optarg; break;
		case O_OUT: out = optarg; break;
		case O_QUIET: quiet = true; break;
		case O_NO_CHARTS: charts = false; break;
		case O_COHORT:
			if (nh_fleet_parse_cohort_by(&o, optarg, &err) < 0) {
				nh_cli_error("fleet: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			break;
		case O_THRESHOLD:
			if (nh_fleet_parse_thresholds(&o, optarg, &err) < 0) {
				nh_cli_error("fleet: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			break;
		case O_MAX_CV:
			if (nh_fleet_parse_max_cv(&o, optarg, &err) < 0) {
				nh_cli_error("fleet: %s", err.msg);
				return NH_EXIT_ERROR;
			}
			break;
		case 'h': fleet_usage(stdout); return NH_EXIT_OK;
		default:
			if (optopt)
				nh_cli_error("fleet: option '%s' needs a value (see numaharness fleet "
					     "--help)", argv[optind - 1]);
			else
				nh_cli_error("fleet: bad option '%s' (see numaharness fleet --help)",
					     argv[optind - 1]);
			return NH_EXIT_ERROR;
		}
	}
	if (optind == argc) {
		nh_cli_error("fleet: name at least one host directory or directory of hosts (see "
			     "numaharness fleet --help)");
		return NH_EXIT_ERROR;
	}
	int rc = NH_EXIT_ERROR;
	nh_fleet_t *f = nh_fleet_new(&o, &err);
	if (!f) {
		nh_cli_error("fleet: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	if ((planned && nh_fleet_planned(f, planned, &err) < 0) ||
	    (baseline && nh_fleet_baseline(f, baseline, &err) < 0))
		goto fail;
	/* a missing input stops it before thousands of hosts are read */
	for (int i = optind; i < argc; i++)
		if (nh_fleet_check_input(argv[i], &err) < 0)
			goto fail;
	for (int i = optind; i < argc; i++)
		if (nh_fleet_add(f, argv[i], &err) < 0)
			goto fail;
	char dir[4096], note[512];
	if (nh_fleet_judge(f, &err) < 0 || nh_fleet_out_dir(out, dir, sizeof dir, &err) < 0 ||
	    nh_fleet_write(f, dir, charts, note, sizeof note, &err) < 0)
		goto fail;
	if (!quiet)
		summary(f, dir, note);
	rc = nh_fleet_gate_passed(f) ? NH_EXIT_OK : NH_EXIT_CHECK_FAILED;
	nh_fleet_free(f);
	return rc;
fail:
	nh_cli_error("fleet: %s", err.msg);
	nh_fleet_free(f);
	return rc;
}
