/* SPDX-License-Identifier: MIT */
/* allocator: resolving allocator names to Debian's libraries, and confirming, inside the
 * worker, which allocator actually serves malloc (a preload that silently failed must not pass
 * for a comparison). */
#include "allocator.h"

#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct known_allocator {
	const char *name;
	const char *library; /* file name in the multiarch library directory */
	const char *package; /* Debian package that ships it */
} KNOWN[] = {
	{"jemalloc", "libjemalloc.so.2", "libjemalloc2"},
	{"tcmalloc", "libtcmalloc_minimal.so.4", "libtcmalloc-minimal4"},
	{"mimalloc", "libmimalloc.so.2", "libmimalloc2.0"},
};

int nh_allocator_check_spec(const char *spec, nh_err_t *err)
{
	if (strcmp(spec, "glibc") == 0 || spec[0] == '/')
		return 0;
	for (size_t i = 0; i < NH_ARRAY_LEN(KNOWN); i++)
		if (strcmp(spec, KNOWN[i].name) == 0)
			return 0;
	errno = EINVAL;
	return nh_err_set(err, "unknown allocator '%s' (glibc, jemalloc, tcmalloc, mimalloc, or /path/to/lib.so)",
			  spec);
}

/* The directory of the C library this process runs with: where Debian puts the others. */
static void libc_dir(char *dir, size_t len)
{
	Dl_info info;
	snprintf(dir, len, "/usr/lib/x86_64-linux-gnu");
	if (dladdr((void *)&fprintf, &info) && info.dli_fname) {
		char real[PATH_MAX];
		const char *p = realpath(info.dli_fname, real) ? real : info.dli_fname;
		const char *slash = strrchr(p, '/');
		if (slash) {
			snprintf(dir, len, "%.*s", (int)(slash - p), p);
			/* /lib/<multiarch> is a merged-/usr alias: report the /usr path (where it
			 * fits; the /lib one names the same directory). */
			if (strncmp(dir, "/lib/", 5) == 0) {
				char usr[PATH_MAX];
				int n = snprintf(usr, sizeof usr, "/usr%s", dir);
				if (n > 0 && (size_t)n < len && (size_t)n < sizeof usr)
					memcpy(dir, usr, (size_t)n + 1);
			}
		}
	}
}

int nh_allocator_preloadable(const char *spec, char *reason, size_t rlen)
{
#ifdef __SANITIZE_ADDRESS__
	/* ASan's runtime must serve malloc: another allocator preloaded before it crashes the run. */
	if (strcmp(spec, "glibc") != 0) {
		snprintf(reason, rlen,
			 "allocator %s: cannot be preloaded in a sanitizer build (AddressSanitizer serves malloc)",
			 spec);
		return -1;
	}
#endif
	(void)spec;
	(void)reason;
	(void)rlen;
	return 0;
}

int nh_allocator_resolve(const char *spec, char *path, size_t len, char *reason, size_t rlen)
{
	path[0] = '\0';
	if (strcmp(spec, "glibc") == 0)
		return 0;
	if (spec[0] == '/') {
		/* A cut path would preload (or miss) another file. */
		if (snprintf(path, len, "%s", spec) >= (int)len) {
			path[0] = '\0';
			snprintf(reason, rlen, "allocator path too long (%zu bytes, at most %zu): %.64s...",
				 strlen(spec), len - 1, spec);
			errno = ENAMETOOLONG;
			return -1;
		}
		if (access(path, R_OK) == 0)
			return 0;
		snprintf(reason, rlen, "allocator %s: %s", spec, strerror(errno));
		return -1;
	}
	char dir[PATH_MAX];
	libc_dir(dir, sizeof dir);
	for (size_t i = 0; i < NH_ARRAY_LEN(KNOWN); i++) {
		if (strcmp(spec, KNOWN[i].name) != 0)
			continue;
		if (snprintf(path, len, "%s/%s", dir, KNOWN[i].library) >= (int)len) {
			path[0] = '\0';
			snprintf(reason, rlen, "allocator %s: library path too long (at most %zu bytes) "
				 "under %.64s...", spec, len - 1, dir);
			errno = ENAMETOOLONG;
			return -1;
		}
		if (access(path, R_OK) == 0)
			return 0;
		snprintf(reason, rlen, "allocator %s: %s not found (Debian package %s)", spec, path,
			 KNOWN[i].package);
		return -1;
	}
	snprintf(reason, rlen, "unknown allocator '%s'", spec);
	return -1;
}

void nh_allocator_identify(nh_allocator_found_t *found)
{
	memset(found, 0, sizeof *found);
	snprintf(found->name, sizeof found->name, "unknown");
	void *sym = dlsym(RTLD_DEFAULT, "malloc");
	Dl_info info;
	if (sym && dladdr(sym, &info) && info.dli_fname)
		snprintf(found->library, sizeof found->library, "%s", info.dli_fname);
	const char *base = strrchr(found->library, '/');
	base = base ? base + 1 : found->library;

	/* Each allocator's own introspection entry point names it and its version. */
	int (*mallctl)(const char *, void *, size_t *, void *, size_t) =
		(int (*)(const char *, void *, size_t *, void *, size_t))dlsym(RTLD_DEFAULT, "mallctl");
	const char *(*tc_version)(int *, int *, const char **) =
		(const char *(*)(int *, int *, const char **))dlsym(RTLD_DEFAULT, "tc_version");
	int (*mi_version)(void) = (int (*)(void))dlsym(RTLD_DEFAULT, "mi_version");
	if (strstr(base, "jemalloc") && mallctl) {
		const char *v = NULL;
		size_t sz = sizeof v;
		snprintf(found->name, sizeof found->name, "jemalloc");
		if (mallctl("version", &v, &sz, NULL, 0) == 0 && v)
			snprintf(found->version, sizeof found->version, "%s", v);
	} else if (strstr(base, "tcmalloc") && tc_version) {
		snprintf(found->name, sizeof found->name, "tcmalloc");
		snprintf(found->version, sizeof found->version, "%s", tc_version(NULL, NULL, NULL));
	} else if (strstr(base, "mimalloc") && mi_version) {
		int v = mi_version();
		snprintf(found->name, sizeof found->name, "mimalloc");
		snprintf(found->version, sizeof found->version, "%d.%d.%d", v / 100, v / 10 % 10, v % 10);
	} else if (strncmp(base, "libasan.so", 10) == 0) {
		/* A sanitizer build: its runtime's allocator serves malloc, whatever was asked. */
		snprintf(found->name, sizeof found->name, "asan");
	} else if (strncmp(base, "libc.so", 7) == 0) {
		snprintf(found->name, sizeof found->name, "glibc");
		snprintf(found->version, sizeof found->version, "%s", gnu_get_libc_version());
	}
}

bool nh_allocator_matches(const char *spec, const char *resolved_path, const nh_allocator_found_t *found)
{
	/* "glibc" means no allocator preloaded: in a sanitizer build that is ASan's own. */
	if (strcmp(spec, "glibc") == 0 && strcmp(found->name, "asan") == 0)
		return true;
	if (spec[0] != '/')
		return strcmp(spec, found->name) == 0;
	char a[PATH_MAX], b[PATH_MAX];
	return realpath(resolved_path, a) && realpath(found->library, b) && strcmp(a, b) == 0;
}
