/* SPDX-License-Identifier: MIT */
/* filexfer_internal: the filexfer workload's space rule and fault-injection hooks,
 * exposed for its unit tests only (the workload itself is used through its descriptor). */
#ifndef NH_FILEXFER_INTERNAL_H
#define NH_FILEXFER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** \brief Bytes the target must have free: every file (and its copy when \p copies), plus 5%. */
uint64_t nh_filexfer_space_needed(uint64_t files, uint64_t size, bool copies);

/* Test hooks: nothing here runs unless a test installs it. */
typedef struct nh_filexfer_hooks {
	/* Make the syscall named \p fail_call ("open", "write", "fsync", "close", "read",
	 * "sendfile", "splice", "mmap") fail with \p fail_errno on file \p fail_file. */
	const char *fail_call;
	unsigned fail_file;
	int fail_errno;
	/* Free bytes to report instead of asking statvfs (0: ask statvfs). */
	uint64_t free_bytes;
	/* Called for every file the run created, after the residency snapshot and before the file
	 * is removed (on failed runs too): the test can look at the file while it exists. */
	void (*before_unlink)(const char *path, void *arg);
	void *arg;
} nh_filexfer_hooks_t;

/** \brief Install \p hooks (copied; NULL removes them). Not thread-safe: call between runs. */
void nh_filexfer_set_hooks(const nh_filexfer_hooks_t *hooks);

#endif
