/* Helpers the workloads' unit tests share (include after cmocka.h). */
#ifndef NH_WORKLOAD_TESTING_H
#define NH_WORKLOAD_TESTING_H

#include "workload.h"

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
