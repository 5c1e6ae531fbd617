/* SPDX-License-Identifier: MIT */
/* cli_events: `numaharness events [PATTERN]` — what this host can count. (in progress) */
#include "cli.h"

int nh_cli_events(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return NH_EXIT_ERROR;
}
