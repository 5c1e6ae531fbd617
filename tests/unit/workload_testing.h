/* Helpers the workloads' unit tests share (include after cmocka.h). */
#ifndef NH_WORKLOAD_TESTING_H
#define NH_WORKLOAD_TESTING_H

#include <math.h>
#include <sched.h>
#include <sys/resource.h>
#include <string.h>

#include "run_options.h"
#include "workload.h"
#include "workload_ctx.h"

/* The CPUs this test may run on, as the worker would get them. */
static inline void allowed_cpus(nh_set_t *cpus)
{
	cpu_set_t cs;
	nh_set_clear(cpus);
	assert_int_equal(sched_getaffinity(0, sizeof cs, &cs), 0);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &cs))
			nh_set_add(cpus, (unsigned)c);
}

/* Check (with the run options, as the worker gets them) and run \p wl on \p cpus with an LLC of
 * \p llc bytes (0: unknown) and the NULL-terminated "name=value" list \p kvs; its status must
 * be \p want. Returns the context for inspection. */
static inline nh_wctx_t *run_workload_v(const nh_workload_t *wl, uint64_t llc, const nh_set_t *cpus,
					enum nh_wl_status want, const char *const *kvs)
{
	nh_params_t p = {0};
	nh_err_t err;
	for (; *kvs; kvs++)
		assert_int_equal(nh_params_set_kv(&p, *kvs, &err), 0);
	if (nh_run_options_check(wl, &p, &err) < 0)
		fail_msg("%s", err.msg);
	nh_wctx_t *ctx = nh_wctx_new(wl, &p, cpus, llc);
	assert_non_null(ctx);
	enum nh_wl_status got = wl->run(ctx);
	if (got != want)
		fail_msg("status %d, want %d: %s", got, want, nh_wctx_reason_text(ctx));
	return ctx;
}

/* The same with the "name=value" arguments listed after \p want, NULL-terminated. */
static inline nh_wctx_t *run_workload(const nh_workload_t *wl, uint64_t llc, const nh_set_t *cpus,
				      enum nh_wl_status want, ...)
{
	const char *kvs[32];
	unsigned n = 0;
	va_list ap;
	va_start(ap, want);
	for (const char *kv; (kv = va_arg(ap, const char *));) {
		if (n == 31)
			fail_msg("more than 31 parameters");
		kvs[n++] = kv;
	}
	va_end(ap);
	kvs[n] = NULL;
	return run_workload_v(wl, llc, cpus, want, kvs);
}

/* \p wl's check_plan on \p cpus CPUs with the "name=value" arguments after \p len
 * (NULL-terminated), which must pass the parameter check; \p why gets the refusal. */
static inline int workload_plan_check(const nh_workload_t *wl, unsigned cpus, char *why,
				      size_t len, ...)
{
	nh_params_t p = {0};
	nh_err_t err;
	va_list ap;
	va_start(ap, len);
	for (const char *kv; (kv = va_arg(ap, const char *));)
		assert_int_equal(nh_params_set_kv(&p, kv, &err), 0);
	va_end(ap);
	assert_int_equal(nh_workload_check_params(wl, &p, &err), 0);
	why[0] = '\0';
	return wl->check_plan(&p, cpus, why, len);
}

/* An address-space limit of \p bytes, so that a big mapping or malloc is refused; \p old keeps
 * the limit to restore (tests of what a workload does then; not under ASan, which reserves
 * terabytes of address space). */
static inline void limit_address_space(rlim_t bytes, struct rlimit *old)
{
	assert_int_equal(getrlimit(RLIMIT_AS, old), 0);
	struct rlimit lim = *old;
	lim.rlim_cur = bytes;
	assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
}

static inline void restore_address_space(const struct rlimit *old)
{
	assert_int_equal(setrlimit(RLIMIT_AS, old), 0);
}

static inline bool has_metric(const nh_wctx_t *ctx, const char *name)
{
	return !isnan(nh_wctx_metric_value(ctx, name));
}

static inline bool has_note(const nh_wctx_t *ctx, const char *text)
{
	return strstr(nh_wctx_notes(ctx), text) != NULL;
}

/* Check one name=value against \p wl's parameters: accepted when \p want is NULL, else refused
 * with exactly that message. */
static inline void check_workload_param(const nh_workload_t *wl, const char *kv, const char *want)
{
	nh_params_t p = {0};
	nh_err_t err;
	assert_int_equal(nh_params_set_kv(&p, kv, &err), 0);
	int rc = nh_workload_check_params(wl, &p, &err);
	if (!want) {
		if (rc != 0)
			fail_msg("%s: %s", kv, err.msg);
		return;
	}
	assert_int_equal(rc, -1);
	assert_string_equal(err.msg, want);
}

#endif
