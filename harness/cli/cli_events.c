/* SPDX-License-Identifier: MIT */
/* cli_events: `numaharness events [PATTERN]` — the event sets and what this host can count. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sample_counters.h"

static const char usage[] =
	"usage: numaharness events [PATTERN]\n"
	"\n"
	"Show the counter event sets (cycles, llc, numa, latency, software: the `counters` "
	"parameter\n"
	"of a run takes these names, \"default\", \"none\" or libpfm4 event names), the variant "
	"each\n"
	"set takes on this host's PMU, and for every event whether it can be counted here, trying\n"
	"each for a moment, or why not (no PMU in a virtual machine, perf_event_paranoid, an "
	"event\n"
	"this CPU does not have).\n"
	"\n"
	"With PATTERN, also list the libpfm4 events of this host's PMUs whose names (or unit-mask\n"
	"names) contain PATTERN, ignoring case: `numaharness events NODE` finds perf::NODE-LOADS.\n"
	"\n"
	"options:\n"
	"  -h, --help  show this help\n";

int nh_cli_events(int argc, char **argv)
{
	const char *pattern = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return NH_EXIT_OK;
		} else if (argv[i][0] == '-') {
			nh_cli_error("events: unknown option '%s'", argv[i]);
			return NH_EXIT_ERROR;
		} else if (pattern) {
			nh_cli_error("events: unexpected argument '%s' (one PATTERN at most)",
				     argv[i]);
			return NH_EXIT_ERROR;
		}
		pattern = argv[i];
	}

	nh_err_t err = {{0}};
	if (nh_counters_list(stdout, pattern, &err) < 0) {
		nh_cli_error("events: %s", err.msg);
		return NH_EXIT_ERROR;
	}
	/* A full disk or closed pipe must not look like success. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		nh_cli_error("events: cannot write output: %s", strerror(errno));
		return NH_EXIT_ERROR;
	}
	return NH_EXIT_OK;
}
