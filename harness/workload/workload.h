/* SPDX-License-Identifier: MIT */
/* workload: the descriptor every workload exports, typed parameters, and the context API a
 * workload uses inside the worker process (parameters, CPUs, buffers to verify, metrics). */
#ifndef NH_WORKLOAD_H
#define NH_WORKLOAD_H

#include "util.h"

enum nh_param_type {
	NH_PARAM_SIZE,	 /* bytes, "256M" */
	NH_PARAM_INT,	 /* integer within [min, max] */
	NH_PARAM_BOOL,	 /* 0/1, true/false, yes/no, on/off */
	NH_PARAM_ENUM,	 /* one of `choices`, "a|b|c" */
	NH_PARAM_STRING, /* free text */
	NH_PARAM_DURATION, /* "100ms", "2s", "1m" */
};

typedef struct nh_param_def {
	const char *name;
	enum nh_param_type type;
	const char *def;     /* default text; NULL = required */
	double min, max;     /* bounds for SIZE / INT */
	const char *choices; /* ENUM choices "a|b|c" */
	const char *keyword; /* a word accepted besides numbers, e.g. "auto" or "all" */
	const char *help;
	/* Extra validation after the type check (e.g. a counters spec): 0, or -1 + message. */
	int (*check)(const char *value, nh_err_t *err);
} nh_param_def_t;

enum nh_better { NH_BETTER_NONE = 0, NH_BETTER_HIGHER = 1, NH_BETTER_LOWER = -1 };

typedef struct nh_metric_def {
	const char *name;
	const char *unit;
	enum nh_better better;
	const char *help;
} nh_metric_def_t;

typedef struct nh_wctx nh_wctx_t;

/* What run() returns; the worker turns it into an exit code and the parent into an outcome. */
enum nh_wl_status { NH_WL_OK = 0, NH_WL_FAIL = 1, NH_WL_SKIP = 2 };

/* ---- parameter sets: plain data, passed from plan to worker on the command line ---- */
#define NH_MAX_PARAMS 32
typedef struct nh_params {
	unsigned count;
	struct {
		char name[32];
		char value[128];
	} kv[NH_MAX_PARAMS];
} nh_params_t;

typedef struct nh_workload {
	const char *name;
	const char *summary;
	const nh_param_def_t *params; /* terminated by { .name = NULL } */
	const nh_metric_def_t *metrics; /* terminated by { .name = NULL } */
	/* Can this host run it at all? 0, or -1 with a reason (the run is recorded as skipped). */
	int (*supported)(char *reason, size_t len);
	/* Run in the worker, after policy and affinity are in place. */
	enum nh_wl_status (*run)(nh_wctx_t *ctx);
	/* Optional, at plan time, with checked parameters and the number of CPUs the run's policy
	 * allows: 0, or -1 with a one-line reason ("threads=4 is more than the 2 CPUs ...").
	 * Catches what only makes sense against the placement, before anything runs. */
	int (*check_plan)(const nh_params_t *params, unsigned cpus, char *why, size_t len);
} nh_workload_t;

/** \brief Set (or replace) name=value. -1 (E2BIG / ENAMETOOLONG) with a message when full. */
int nh_params_set(nh_params_t *p, const char *name, const char *value, nh_err_t *err);
/** \brief Value text, or NULL when absent. */
const char *nh_params_get(const nh_params_t *p, const char *name);
/** \brief Parse "name=value" into the set. */
int nh_params_set_kv(nh_params_t *p, const char *kv, nh_err_t *err);

/* ---- registry ---- */
/** \brief Number of registered workloads and the i-th one. */
unsigned nh_workload_count(void);
const nh_workload_t *nh_workload_at(unsigned i);
/** \brief Find by name; NULL with a message listing the known names. */
const nh_workload_t *nh_workload_find(const char *name, nh_err_t *err);
/** \brief Check every given parameter exists in \p defs or \p extra (either may be NULL) and
 *  parses with its type and bounds, then fill in defaults for the rest. \p owner prefixes the
 *  messages: "stream: parameter 'size': bad size 'x'...". */
int nh_params_check(const char *owner, const nh_param_def_t *defs, const nh_param_def_t *extra,
		    nh_params_t *p, nh_err_t *err);
/** \brief nh_params_check with the workload's own parameters only. */
int nh_workload_check_params(const nh_workload_t *wl, nh_params_t *p, nh_err_t *err);
const nh_param_def_t *nh_workload_param(const nh_workload_t *wl, const char *name);
const nh_metric_def_t *nh_workload_metric(const nh_workload_t *wl, const char *name);

/* ---- context API used by workloads inside the worker ---- */
/** \brief Parameter values (already checked by the parent, so these do not fail). */
const char *nh_wctx_param(nh_wctx_t *ctx, const char *name);
uint64_t nh_wctx_param_size(nh_wctx_t *ctx, const char *name);
int64_t nh_wctx_param_int(nh_wctx_t *ctx, const char *name);
bool nh_wctx_param_bool(nh_wctx_t *ctx, const char *name);
/** \brief true when the parameter holds its descriptor's keyword (e.g. "auto"). */
bool nh_wctx_param_is_keyword(nh_wctx_t *ctx, const char *name);

/** \brief CPUs this process may run on (after the policy), ascending. */
unsigned nh_wctx_cpu_count(nh_wctx_t *ctx);
int nh_wctx_cpu(nh_wctx_t *ctx, unsigned i);
/** \brief Last-level cache bytes of the machine (0 unknown), for size defaults. */
uint64_t nh_wctx_llc_bytes(nh_wctx_t *ctx);
/** \brief Pin the calling thread to one CPU (0 or -1 with errno). */
int nh_wctx_pin_thread(int cpu);

/** \brief Allocate an anonymous buffer of \p bytes starting on a multiple of \p align (a
 *  power of two >= the page size, or 0 for the page size), applying the run's memory options:
 *  thp=always|never (madvise), mlock=1 (locked as pages fault in, so first touch still places
 *  them), prefault=1 (the calling thread touches every page now). Pages are otherwise untouched.
 *  NULL with errno, after setting the run's reason. Free with nh_wctx_release. */
void *nh_wctx_alloc(nh_wctx_t *ctx, size_t bytes, size_t align);
/* Page kinds for nh_wctx_alloc_pages, overriding the run's thp option for this buffer. */
enum nh_page_kind {
	NH_PAGES_DEFAULT, /* the run's thp option */
	NH_PAGES_4K,	  /* MADV_NOHUGEPAGE */
	NH_PAGES_THP,	  /* MADV_HUGEPAGE */
	NH_PAGES_HUGETLB, /* MAP_HUGETLB from the reserved pool: NULL (ENOMEM) when it is short */
};
/** \brief nh_wctx_alloc with an explicit page kind. For NH_PAGES_HUGETLB, \p bytes is rounded
 *  up to the huge page size and the reason names the pool (HugePages_Free) when it is short. */
void *nh_wctx_alloc_pages(nh_wctx_t *ctx, size_t bytes, size_t align, enum nh_page_kind kind);
/** \brief Free huge pages of the default size (HugePages_Free × Hugepagesize), 0 when none. */
uint64_t nh_wctx_hugetlb_free_bytes(void);
void nh_wctx_release(nh_wctx_t *ctx, void *buffer);

/** \brief The run's scratch directory: temporary space for files, emptied by the harness after
 *  every run (killed ones too); "" when the run has none (tests, a worker started by hand). */
const char *nh_wctx_scratch_dir(nh_wctx_t *ctx);

/* Page-cache accounting for workloads that move files, read with the harness's own parsers of
 * /proc/meminfo, the nodes' meminfo and the cgroup's memory.stat. */
/** \brief Host page cache in bytes (/proc/meminfo Cached). 0, or -1 with errno. */
int nh_wctx_cached_bytes(uint64_t *bytes);
/** \brief File pages on \p node in bytes (its meminfo FilePages). 0, or -1 with errno. */
int nh_wctx_node_file_bytes(int node, uint64_t *bytes);
/** \brief Page cache charged to the worker's cgroup in bytes: memory.stat "file" (v2), or
 *  "total_cache", else "cache" (v1). 0, or -1 with \p why: the cgroup could not be located, its
 *  memory.stat not read ("DIR/memory.stat: reason"), or "memory.stat has no file/cache count". */
int nh_wctx_cgroup_file_bytes(uint64_t *bytes, char *why, size_t len);
/** \brief The node of each of \p count pages of this process (a move_pages(2) query; it moves
 *  nothing): \p nodes[i] is the node, or a negative errno (-ENOENT: not faulted in). 0, or -1
 *  with errno. */
int nh_wctx_page_nodes(void *const *pages, unsigned long count, int *nodes);

/** \brief Register a buffer whose page placement the harness checks after run() returns.
 *  \p touch_cpu is the CPU of the thread that first touched it (-1 unknown): under the default
 *  and localalloc policies the pages are expected on that CPU's node. */
void nh_wctx_add_region(nh_wctx_t *ctx, const void *addr, size_t len, int touch_cpu);

/** \brief Snapshot the placement of every registered region now (call after the timed phase,
 *  before freeing the buffers). The worker snapshots at the end if the workload did not. */
void nh_wctx_observe_placement(nh_wctx_t *ctx);

/** \brief Note the CPU the calling thread is running on now (sched_getcpu), for the record's
 *  "threads ran on" evidence. Call from each worker thread after its timed phase. */
void nh_wctx_ran_on(nh_wctx_t *ctx);

/** \brief Record a metric declared in the descriptor. */
void nh_wctx_metric(nh_wctx_t *ctx, const char *name, double value);
/** \brief A free-form note kept in the record's "notes" (e.g. the kernel variant used): one
 *  line, the value as formatted (up to 255 bytes). Setting a key again replaces its value. A
 *  value cut to fit, or a note past the 32 a run may keep, is not lost silently: the record
 *  then has the note "notes_truncated" saying what was. */
void nh_wctx_note(nh_wctx_t *ctx, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** \brief Set the reason for a FAIL or SKIP result (one line). */
void nh_wctx_reason(nh_wctx_t *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
