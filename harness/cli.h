/* SPDX-License-Identifier: MIT */
/* cli: the numaharness subcommands. Each returns the process exit status. */
#ifndef NH_CLI_H
#define NH_CLI_H

#include "topo.h"

/* Exit statuses shared by every command. */
enum { NH_EXIT_OK = 0, NH_EXIT_CHECK_FAILED = 1, NH_EXIT_ERROR = 2 };

int nh_cli_topo(int argc, char **argv);
int nh_cli_run(int argc, char **argv);
int nh_cli_bench(int argc, char **argv);
int nh_cli_workloads(int argc, char **argv);
int nh_cli_events(int argc, char **argv);
int nh_cli_matrix(int argc, char **argv);
int nh_cli_compare(int argc, char **argv);

/** \brief Print "numaharness: message" on stderr (one line). */
void nh_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** \brief The system topology, honouring $NH_TOPO_SYNTHETIC / $NH_TOPO_XML (tests). */
nh_topo_t *nh_cli_load_topo(nh_err_t *err);

#endif
