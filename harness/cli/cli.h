/* SPDX-License-Identifier: MIT */
/* cli: the numaharness subcommands. Each returns the process exit status. */
#ifndef NH_CLI_H
#define NH_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "topo.h"

/* Exit statuses shared by every command. */
enum { NH_EXIT_OK = 0, NH_EXIT_CHECK_FAILED = 1, NH_EXIT_ERROR = 2, NH_EXIT_INTERRUPTED = 130 };

int nh_cli_topo(int argc, char **argv);
int nh_cli_run(int argc, char **argv);
int nh_cli_bench(int argc, char **argv);
int nh_cli_workloads(int argc, char **argv);
int nh_cli_events(int argc, char **argv);
int nh_cli_matrix(int argc, char **argv);
int nh_cli_report(int argc, char **argv);
/** \brief Write the report of results directory \p dir (nh_report_write) and say where it is on
 *  \p out ("report: DIR/report.html", and why charts were not drawn). 0, or -1 with a message. */
int nh_cli_report_dir(const char *dir, bool no_charts, FILE *out, nh_err_t *err);
int nh_cli_compare(int argc, char **argv);
int nh_cli_inspect(int argc, char **argv);
int nh_cli_export(int argc, char **argv);
int nh_cli_fleet(int argc, char **argv);
int nh_cli_forecast(int argc, char **argv);
int nh_cli_healthcheck(int argc, char **argv);

/** \brief Print "numaharness: message" on stderr (one line). */
void nh_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** \brief The system topology, honouring $NH_TOPO_SYNTHETIC / $NH_TOPO_XML (tests). */
nh_topo_t *nh_cli_load_topo(nh_err_t *err);

#endif
