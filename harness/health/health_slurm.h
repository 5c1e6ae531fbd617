/* SPDX-License-Identifier: MIT */
/* health_slurm: `healthcheck --drain` — a node's state and reason as `scontrol show node NAME -o`
 * prints them, what the health check does about them (drain, resume, leave alone), and scontrol
 * itself, run without a shell and with a timeout. */
#ifndef NH_HEALTH_SLURM_H
#define NH_HEALTH_SLURM_H

#include "health.h"
#include "identity.h"

#define NH_HEALTH_REASON_PREFIX "numaharness health: " /* every reason the check sets */
#define NH_SCONTROL_TIMEOUT_S 10.0

typedef struct nh_slurm_node {
	char state[128];  /* "IDLE+DRAIN", "DOWN+DRAIN+NOT_RESPONDING" */
	char reason[512]; /* as it was set: without the " [user@time]" slurmctld adds; "" if none */
} nh_slurm_node_t;

/** \brief State= and Reason= of \p node from `scontrol show node NAME [-o]` output (a reason
 *  runs to the end of its line and may hold spaces, '=' and brackets). 0, or -1 (EINVAL) when
 *  the text is not about \p node or has no State=. */
int nh_slurm_parse_node(const char *text, const char *node, nh_slurm_node_t *s, nh_err_t *err);
/** \brief Is the node drained, draining, down or failing (a DRAIN, DOWN or FAIL part)? */
bool nh_slurm_node_is_out(const nh_slurm_node_t *s);
/** \brief Is the node in a maintenance reservation (a MAINTENANCE part)? */
bool nh_slurm_node_in_maintenance(const nh_slurm_node_t *s);

enum nh_drain_step { NH_DRAIN_NOTHING, NH_DRAIN_DRAIN, NH_DRAIN_RESUME };

typedef struct nh_drain_plan {
	enum nh_drain_step step;
	char reason[512]; /* to drain with: "numaharness health: <the report's reason>" */
	char action[640]; /* "drained", "resumed", "left: drained by someone else (<reason>)",
			   * "left: in a maintenance reservation (...)",
			   * "left: drained by the burn-in (<reason>)",
			   * "left: ...", "none" */
} nh_drain_plan_t;

/** \brief What to do in Slurm after report \p r, the node being \p s. A failure drains, unless
 *  the node is out already with a reason not its own (an admin's or a burn-in's: never
 *  overwritten) or with this very reason. A pass resumes a node out with a reason starting
 *  "numaharness health:", unless a check was unknown (storage down must not change a node's
 *  state either way); a burn-in's drain ("numaharness: ...") is never resumed here. A node in
 *  a maintenance reservation is left as it is either way: a burn-in (or an admin) is at work on
 *  it, and a drain would hold the burn-in's job. */
void nh_health_drain_plan(const nh_health_report_t *r, const nh_slurm_node_t *s,
			  nh_drain_plan_t *p);

/** \brief The scontrol to run: \p given (--scontrol), else $NH_SCONTROL, else scontrol in $PATH,
 *  else /usr/bin/scontrol (slurmd gives its health check no PATH). 0, or -1 with errno EINVAL
 *  (given or NH_SCONTROL is not an executable file: bad input) or ENOENT (none found). */
int nh_slurm_find_scontrol(const char *given, nh_env_lookup_fn env, void *ctx, char *path,
			   size_t len, nh_err_t *err);
/** \brief Run \p argv (argv[0] names it in messages) from \p path without a shell, stdin from
 *  /dev/null, SLURM_TIME_FORMAT=standard (one shape of time stamp, whatever the site set), in
 *  a process group of its own that is killed after \p timeout_s. Its stdout and
 *  stderr together (the first 64 KiB) in *output (malloc'd). Returns its exit status (0-255), or
 *  -1 with a message when it could not start, was killed by a signal or ran out of time. */
int nh_slurm_run(const char *path, char *const argv[], double timeout_s, char **output,
		 nh_err_t *err);
/** \brief The last non-empty line of \p text into \p buf (what a failing scontrol said). */
void nh_slurm_last_line(const char *text, char *buf, size_t len);

#endif
