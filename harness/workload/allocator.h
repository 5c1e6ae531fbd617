/* SPDX-License-Identifier: MIT */
/* allocator: the `allocator=` run option — which malloc a worker runs with (resolved to a
 * library for LD_PRELOAD at exec) and, inside the worker, which one really serves malloc. */
#ifndef NH_ALLOCATOR_H
#define NH_ALLOCATOR_H

#include "util.h"

/** \brief Check the option's text: glibc, jemalloc, tcmalloc, mimalloc, or an absolute path to
 *  a shared library. Existence is not checked here (a missing library skips the run). */
int nh_allocator_check_spec(const char *spec, nh_err_t *err);

/** \brief 0 when this build can preload allocator \p spec; -1 with the reason when it cannot
 *  (a sanitizer build, where ASan's runtime must serve malloc: such runs are skipped). */
int nh_allocator_preloadable(const char *spec, char *reason, size_t rlen);
/** \brief The library to preload for \p spec: "" for glibc, the Debian library path for the
 *  named ones (found next to the C library: /usr/lib/<multiarch>/...), the path itself for a
 *  path. Returns 0, or -1 with a reason naming the path looked for and the Debian package
 *  ("jemalloc: /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 not found (Debian package
 *  libjemalloc2)") — the run is then skipped with it. */
int nh_allocator_resolve(const char *spec, char *path, size_t len, char *reason, size_t rlen);

/* What serves malloc in the calling process. */
typedef struct nh_allocator_found {
	char name[32];	   /* glibc, jemalloc, tcmalloc, mimalloc, or "unknown" */
	char library[256]; /* the object that defines the malloc symbol in use (dladdr) */
	char version[64];  /* as the allocator reports it, "" when it cannot say */
} nh_allocator_found_t;

/** \brief Identify the allocator serving malloc: the object dladdr names for the malloc in
 *  use, then the allocator's own entry points (mallctl, tc_version, mi_version) for the name
 *  and version. */
void nh_allocator_identify(nh_allocator_found_t *found);

/** \brief Does \p found match the requested spec? (For a path: the same file.) */
bool nh_allocator_matches(const char *spec, const char *resolved_path, const nh_allocator_found_t *found);

#endif
