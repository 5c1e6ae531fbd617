/* SPDX-License-Identifier: MIT */
/* sweep: executes a plan run by run — runner, store append, callbacks — and stops between runs
 * when cancelled; see sweep.h. */
#include "sweep.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* Ctrl-C or SIGTERM during a sweep: kill the running worker's group and stop after it. */
static void on_signal(int sig)
{
	(void)sig;
	nh_run_cancel();
}

/* The records of the configuration that ends at run \p last (its runs are contiguous in a plan:
 * warm-ups, then repetitions), handed to after_config. */
static int config_done(const nh_sweep_callbacks_t *cb, const nh_record_t *recs, unsigned first,
		       unsigned last, nh_err_t *err)
{
	unsigned n = last - first + 1;
	const nh_record_t **list = malloc(sizeof *list * n);
	if (!list) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for configuration %u's records", recs[last].spec.config);
	}
	for (unsigned k = 0; k < n; k++)
		list[k] = &recs[first + k];
	int rc = cb->after_config(cb->ctx, recs[last].spec.config, list, n, err);
	free(list);
	return rc;
}

/* A callback stopped the sweep: a Ctrl-C inside it is an interruption like any other. */
static int stop_by_callback(nh_sweep_summary_t *summary)
{
	if (errno == EINTR)
		nh_run_cancel();
	summary->stopped = true;
	return -1;
}

int nh_sweep_run(const nh_plan_t *plan, const nh_runner_opts_t *ro, nh_store_t *store,
		 const nh_sweep_callbacks_t *cb, nh_record_t *recs, nh_sweep_summary_t *summary,
		 nh_err_t *err)
{
	static const nh_sweep_callbacks_t none = {0};
	cb = cb ? cb : &none;
	unsigned total = nh_plan_count(plan);
	*summary = (nh_sweep_summary_t){.planned = total};
	unsigned config_first = 0;
	/* Installed for good: a Ctrl-C after the last run (while the caller finishes the manifest
	 * and the report) must cancel, not kill, or the manifest would say "running" for ever. */
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	int rc = 0;
	for (unsigned i = 0; i < total; i++) {
		if (nh_run_cancelled())
			break;
		const nh_run_spec_t *spec = nh_plan_run(plan, i);
		char skip[sizeof spec->skip_reason] = "";
		int go = cb->before_run ? cb->before_run(cb->ctx, spec, i, total, skip, sizeof skip, err) : 0;
		if (go < 0) {
			rc = stop_by_callback(summary);
			break;
		}
		nh_run_spec_t skipped;
		if (go == 1) { /* skipped by the caller: recorded as any skipped run, with its reason */
			skipped = *spec;
			skipped.skip = true;
			memcpy(skipped.skip_reason, skip, sizeof skip);
			spec = &skipped;
		}
		if (nh_run_one(ro, spec, &recs[i], err) < 0) {
			if (!nh_run_cancelled())
				rc = nh_err_prefix(err, "run %u", i + 1);
			break;
		}
		if (nh_run_cancelled())
			break; /* the run it killed is not a result: leave it out */
		if (cb->before_store && cb->before_store(cb->ctx, &recs[i], err) < 0) {
			rc = stop_by_callback(summary);
			break;
		}
		if (nh_record_store_append(store, &recs[i], err) < 0) {
			rc = -1;
			break;
		}
		summary->done++;
		enum nh_outcome oc = recs[i].outcome;
		summary->went_wrong += oc != NH_OUTCOME_OK && oc != NH_OUTCOME_SKIPPED;
		if (cb->after_run && cb->after_run(cb->ctx, &recs[i], total, err) < 0) {
			rc = stop_by_callback(summary);
			break;
		}
		bool config_ends = i + 1 == total || nh_plan_run(plan, i + 1)->config != spec->config;
		if (config_ends) {
			if (cb->after_config && config_done(cb, recs, config_first, i, err) < 0) {
				rc = stop_by_callback(summary);
				break;
			}
			config_first = i + 1;
		}
	}
	summary->interrupted = nh_run_cancelled();
	return rc;
}
