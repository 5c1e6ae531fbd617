/* SPDX-License-Identifier: MIT */
/* sweep: the engine that executes a plan — each run in isolation (run), each record appended to
 * the store as it ends, cancellation honoured between runs — shared by run, bench and matrix.
 * It prints nothing: what a command shows (progress, JSON lines) comes through its callbacks,
 * which are also where scenario hooks attach. */
#ifndef NH_SWEEP_H
#define NH_SWEEP_H

#include "plan.h"
#include "record.h"
#include "run.h"
#include "record_store.h"

/* What the caller sees of a sweep as it goes; every callback may be NULL. */
typedef struct nh_sweep_callbacks {
	void *ctx;
	/* Before run \p i of \p total starts (a "[3/12] stream ..." line; a scenario's before_run
	 * hook). Returns 0 to run it, 1 to skip it (a skipped record with the reason written into
	 * \p skip), -1 to stop the sweep (the message in \p err). */
	int (*before_run)(void *ctx, const nh_run_spec_t *spec, unsigned i, unsigned total, char *skip,
			  size_t skip_len, nh_err_t *err);
	/* After a run, before its record is stored: may add to it (a scenario's derived metrics).
	 * -1 stops the sweep (the record is not stored). */
	int (*before_store)(void *ctx, nh_record_t *rec, nh_err_t *err);
	/* After a run's record is stored; \p total is the plan's size. -1 stops the sweep. */
	int (*after_run)(void *ctx, const nh_record_t *rec, unsigned total, nh_err_t *err);
	/* After the last counted repetition of configuration \p config is stored, with its records
	 * (warm-ups included) in plan order. -1 stops the sweep. */
	int (*after_config)(void *ctx, unsigned config, const nh_record_t *const *recs, unsigned n,
			    nh_err_t *err);
} nh_sweep_callbacks_t;

/* How a sweep ended. */
typedef struct nh_sweep_summary {
	unsigned planned;     /* runs in the plan */
	unsigned done;	      /* records stored, in plan order from the first */
	unsigned went_wrong;  /* stored runs that failed, crashed, timed out or were OOM-killed */
	bool interrupted;     /* nh_run_cancel() was called: the run it killed is not stored */
	bool stopped;	      /* a callback stopped it (its message is the sweep's error) */
} nh_sweep_summary_t;

/** \brief Execute every run of \p plan in order with \p ro, appending each record to \p store and
 *  filling \p recs (room for nh_plan_count(plan) records). Stops early when nh_run_cancel() is
 *  called (summary->interrupted) — which SIGINT and SIGTERM do from the sweep's start on (for
 *  good: the caller finishes its manifest after a late Ctrl-C instead of dying). Returns 0 when the plan ran to its end or was interrupted — a
 *  failed, crashed, timed-out or OOM-killed run is an outcome, counted in went_wrong — and -1
 *  with a message when the harness could not go on (no worker process, the store refusing an
 *  append) or a callback stopped it (summary->stopped; a Ctrl-C inside the callback, errno
 *  EINTR, also marks it interrupted); summary->done says how far it got either way. */
int nh_sweep_run(const nh_plan_t *plan, const nh_runner_opts_t *ro, nh_store_t *store,
		 const nh_sweep_callbacks_t *cb, nh_record_t *recs, nh_sweep_summary_t *summary,
		 nh_err_t *err);

#endif
