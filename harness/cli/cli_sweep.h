/* SPDX-License-Identifier: MIT */
/* cli_sweep: running a plan into a results directory, shared by run, bench and matrix. */
#ifndef NH_CLI_SWEEP_H
#define NH_CLI_SWEEP_H

#include "identity.h"
#include "plan.h"
#include "record.h"
#include "script.h"
#include "store.h"

typedef struct nh_sweep_opts {
	const char *out_dir;
	const char *results_root;
	const char *scenario_path;
	const char *command_line;
	double placement_threshold;
	bool json;  /* records as JSON lines on stdout */
	bool quiet; /* no per-run lines */
	bool no_report; /* the caller writes the report itself (after the expectations) */
	const nh_manifest_param_t *params; /* the scenario's parameters, for the manifest */
	unsigned param_count;
	/* The scenario's hooks run here: setup before the results directory exists, before_run /
	 * after_run / after_config during the sweep, done after it. A hook error keeps every record
	 * so far, still writes the report, and makes the exit status 2 (130 for a Ctrl-C). */
	nh_script_t *script;
	bool hook_failed; /* out: a hook stopped the sweep (the caller skips the expectations) */
	/* Called once manifest.json (with the host facts) is written, before the first run. A
	 * non-zero return is the exit status and the sweep is not run; the manifest then gets
	 * *stopped as its status. NULL: always run. */
	int (*before_first_run)(void *ctx, const char *dir, const char **stopped);
	void *ctx;
	/* Who the host is, for the manifest: --host-id and --label here (nh_sweep_identity_option);
	 * the rest read by nh_sweep_execute. */
	nh_identity_t identity;
	/* --cgroup-parent (nh_sweep_identity_option), else $NH_CGROUP_PARENT, else the default. */
	const char *cgroup_parent;
} nh_sweep_opts_t;

/* The records of a finished sweep, for commands that print their own tables (matrix). */
typedef struct nh_sweep_result {
	nh_record_t *recs; /* malloc'd; free() it */
	unsigned count;
	char dir[4096];
} nh_sweep_result_t;

/** \brief Run every spec of \p plan, appending each record to a new results directory; print
 *  progress and the summary. Returns the exit status (0 ok, 1 some run went wrong, 2 the
 *  harness could not run, 130 interrupted). With \p result, hands the records back. */
int nh_sweep_execute(nh_plan_t *plan, const char *name, const nh_topo_t *topo, nh_sweep_opts_t *o,
		     nh_sweep_result_t *result);

/* The host identity options of every command that writes a results directory (run, bench,
 * matrix), and where its runs' cgroups go: put NH_IDENTITY_LONGOPTS in the getopt_long table
 * and offer each option to nh_sweep_identity_option. */
enum { NH_SWEEP_O_HOST_ID = 500, NH_SWEEP_O_LABEL, NH_SWEEP_O_CGROUP_PARENT };
#define NH_IDENTITY_LONGOPTS                                                                   \
	{"host-id", required_argument, NULL, NH_SWEEP_O_HOST_ID},                              \
	{"label", required_argument, NULL, NH_SWEEP_O_LABEL},                                  \
	{"cgroup-parent", required_argument, NULL, NH_SWEEP_O_CGROUP_PARENT}
/* Their help lines, for the usage texts. */
#define NH_IDENTITY_USAGE                                                                      \
	"  --host-id ID   the host's id in manifest.json (default: $NH_HOST_ID, else the\n"      \
	"                 hostname): at most 63 printable characters, no '/'\n"                   \
	"  --label KEY=VALUE\n"                                                                  \
	"                 a label of the host in manifest.json (e.g. cohort=gen3), repeatable,\n"  \
	"                 at most 32; KEY of A-Z a-z 0-9 _ . -\n"                               \
	"  --cgroup-parent PATH|off\n"                                                          \
	"                 where each run's own cgroup is made (default: $NH_CGROUP_PARENT, else\n" \
	"                 <cgroup2 mount>/numaharness, or our v1 memory cgroup + /numaharness);\n" \
	"                 off: runs share the harness's cgroup (no memory_limit, cpuset_*)\n"
/** \brief Take option \p c if it is --host-id, --label or --cgroup-parent. Returns 1 taken, 0 not one of them,
 *  -1 bad value (printed: "CMD: --label: label 'x' is not key=value"). */
int nh_sweep_identity_option(const char *cmd, int c, const char *arg, nh_sweep_opts_t *o);

/* The options every ad-hoc sweep command (bench, matrix) takes, parsed in one place: put
 * NH_SWEEP_LONGOPTS in the getopt_long table and offer each option to nh_sweep_cli_option. */
enum { NH_SWEEP_O_REPS = 512, NH_SWEEP_O_WARMUP, NH_SWEEP_O_TIMEOUT, NH_SWEEP_O_OUT,
       NH_SWEEP_O_RESULTS, NH_SWEEP_O_JSON, NH_SWEEP_O_QUIET, NH_SWEEP_O_MAX_RUNS };
#define NH_SWEEP_LONGOPTS                                                                      \
	NH_IDENTITY_LONGOPTS,                                                                  \
	{"reps", required_argument, NULL, NH_SWEEP_O_REPS},                                    \
	{"warmup", required_argument, NULL, NH_SWEEP_O_WARMUP},                                \
	{"timeout", required_argument, NULL, NH_SWEEP_O_TIMEOUT},                              \
	{"out", required_argument, NULL, NH_SWEEP_O_OUT},                                      \
	{"results", required_argument, NULL, NH_SWEEP_O_RESULTS},                              \
	{"json", no_argument, NULL, NH_SWEEP_O_JSON}, {"quiet", no_argument, NULL, NH_SWEEP_O_QUIET}, \
	{"max-runs", required_argument, NULL, NH_SWEEP_O_MAX_RUNS}

typedef struct nh_sweep_cli {
	nh_sweep_opts_t o;
	uint64_t reps, warmup;
	uint64_t max_runs; /* 0: NH_PLAN_DEFAULT_MAX_RUNS */
	const char *timeout; /* as given; nh_sweep_cli_group parses it */
} nh_sweep_cli_t;

/** \brief Take option \p c (with \p arg) if it is one of NH_SWEEP_LONGOPTS. Returns 1 taken,
 *  0 not a sweep option, -1 bad value (printed: "CMD: --reps: ..."). */
int nh_sweep_cli_option(const char *cmd, int c, const char *arg, nh_sweep_cli_t *s);

/** \brief Fill \p g's repetitions and timeout from \p s, and its parameters from the name=value
 *  arguments argv[first..argc) (split in place at '='; argv must outlive the plan). Returns 0,
 *  or -1 after printing "CMD: unexpected argument 'x' (parameters are name=value)", "CMD: too
 *  many parameters" or "CMD: --timeout: ...". */
int nh_sweep_cli_group(const char *cmd, const nh_sweep_cli_t *s, int first, int argc, char **argv,
		       nh_plan_group_t *g);

/** \brief A plan with the limit --max-runs set; NULL when out of memory. */
nh_plan_t *nh_sweep_cli_plan(const nh_sweep_cli_t *s, const nh_topo_t *topo);

/** \brief The command line as one string (arguments with spaces quoted), malloc'd. */
char *nh_cli_join_args(int argc, char **argv);

/** \brief Median of metric \p name over the counted (non-warm-up, ok) runs of configuration
 *  \p config; NAN when none has it. */
double nh_sweep_median(const nh_record_t *recs, unsigned n, unsigned config, const char *name);

#endif
