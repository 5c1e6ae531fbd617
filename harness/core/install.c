/* SPDX-License-Identifier: MIT */
/* install: the installed layout, relative to the executable so an installed tree can move
 * (a package under /usr, `cmake --install --prefix ~/opt/nh`, an unpacked .deb). */
#include "install.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* From CMake (harness/core/CMakeLists.txt): GNUInstallDirs paths from bin/ to the others, and
 * the configured data directory. Defaults for a build without them (a fuzz target's, say). */
#ifndef NH_BIN_TO_LIBEXEC
#define NH_BIN_TO_LIBEXEC "../libexec/numaharness"
#endif
#ifndef NH_BIN_TO_DATA
#define NH_BIN_TO_DATA "../share/numaharness"
#endif
#ifndef NH_INSTALL_DATADIR
#define NH_INSTALL_DATADIR "/usr/local/share/numaharness"
#endif

int nh_install_exe_dir(char *buf, size_t len, nh_err_t *err)
{
	char self[PATH_MAX];
	ssize_t got = readlink("/proc/self/exe", self, sizeof self - 1);
	if (got < 0)
		return nh_err_set(err, "cannot locate own executable (/proc/self/exe): %s",
				  strerror(errno));
	self[got] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s", self) >= len) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "own executable's directory too long: %s", self);
	}
	return 0;
}

/* base/rel into buf, resolved when it exists; else its leading "../" taken off \p base by hand
 * (base, from /proc/self/exe, has no links to step back through), so a message shows
 * /usr/share/numaharness rather than /usr/bin/../share/numaharness. 0, or -1: too long. */
static int join_resolved(const char *base, const char *rel, char *buf, size_t len, nh_err_t *err)
{
	char joined[PATH_MAX];
	int n = snprintf(joined, sizeof joined, "%s/%s", base, rel);
	if (n < 0 || (size_t)n >= sizeof joined || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "path too long: %s/%s", base, rel);
	}
	char real[PATH_MAX];
	if (realpath(joined, real) && strlen(real) < len) {
		snprintf(buf, len, "%s", real);
		return 0;
	}
	char up[PATH_MAX];
	snprintf(up, sizeof up, "%s", base);
	while (strncmp(rel, "../", 3) == 0) {
		char *slash = strrchr(up, '/');
		if (!slash)
			break;
		*slash = '\0'; /* "/bin" up one: "", so the join below starts at "/" */
		rel += 3;
	}
	snprintf(buf, len, "%s/%s", up, rel);
	return 0;
}

int nh_install_libexec_dir(const char *dir_of_exe, char *buf, size_t len, nh_err_t *err)
{
	return join_resolved(dir_of_exe, NH_BIN_TO_LIBEXEC, buf, len, err);
}

static int same_place(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	if (realpath(a, ra) && realpath(b, rb))
		return strcmp(ra, rb) == 0;
	return strcmp(a, b) == 0;
}

unsigned nh_install_scenario_dirs(char **dirs, unsigned max)
{
	unsigned n = 0;
	const char *env = getenv("NH_SCENARIO_PATH");
	for (const char *p = env; p && *p && n < max;) {
		const char *end = strchr(p, ':');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (l > 0) {
			char *d = strndup(p, l);
			if (d)
				dirs[n++] = d;
		}
		p = end ? end + 1 : NULL;
	}
	char exe[PATH_MAX], rel[PATH_MAX];
	bool have_rel = false;
	if (n < max && nh_install_exe_dir(exe, sizeof exe, NULL) == 0 &&
	    join_resolved(exe, NH_BIN_TO_DATA "/scenarios", rel, sizeof rel, NULL) == 0) {
		char *d = strdup(rel);
		if (d) {
			dirs[n++] = d;
			have_rel = true;
		}
	}
	/* The configured prefix: for a binary copied out of its tree. Said once when it is the
	 * same directory as the one beside the executable. */
	const char *configured = NH_INSTALL_DATADIR "/scenarios";
	if (n < max && !(have_rel && same_place(rel, configured))) {
		char *d = strdup(configured);
		if (d)
			dirs[n++] = d;
	}
	return n;
}

int nh_install_is_scenario_name(const char *arg)
{
	size_t l = strlen(arg);
	return !strchr(arg, '/') && !(l >= 4 && strcmp(arg + l - 4, ".lua") == 0);
}

static int regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "a, b, c": the NAME of every NAME.lua in dirs, sorted, each once ("none" when none). */
static void list_available(char *const *dirs, unsigned count, char *buf, size_t len)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	for (unsigned i = 0; i < count; i++) {
		DIR *d = opendir(dirs[i]);
		if (!d)
			continue;
		for (struct dirent *e; (e = readdir(d));) {
			size_t l = strlen(e->d_name);
			if (e->d_name[0] == '.' || l <= 4 || strcmp(e->d_name + l - 4, ".lua") != 0)
				continue;
			if (n == cap) {
				size_t want = cap ? cap * 2 : 16;
				char **grown = realloc(names, want * sizeof *names);
				if (!grown)
					break;
				names = grown;
				cap = want;
			}
			if ((names[n] = strndup(e->d_name, l - 4)))
				n++;
		}
		closedir(d);
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!buf[0])
		snprintf(buf, len, "none");
}

int nh_install_find_scenario(const char *arg, char *path, size_t len, nh_err_t *err)
{
	if (!nh_install_is_scenario_name(arg)) {
		if ((size_t)snprintf(path, len, "%s", arg) >= len) {
			errno = ENAMETOOLONG;
			return nh_err_set(err, "scenario path too long (%zu bytes)", strlen(arg));
		}
		return 0;
	}
	if (!*arg) {
		errno = EINVAL;
		return nh_err_set(err, "empty scenario name (give a name like bios-check, or a file)");
	}
	char *dirs[64];
	unsigned count = nh_install_scenario_dirs(dirs, NH_ARRAY_LEN(dirs));
	int found = 0;
	for (unsigned i = 0; i < count && !found; i++) {
		int n = snprintf(path, len, "%s/%s.lua", dirs[i], arg);
		if (n < 0 || (size_t)n >= len) {
			nh_err_set(err, "scenario path too long: %s/%s.lua", dirs[i], arg);
			found = -1;
			break;
		}
		found = regular_file(path);
	}
	if (found < 0) {
		path[0] = '\0';
	} else if (!found) {
		char looked[1024] = "", available[1024];
		size_t used = 0;
		for (unsigned i = 0; i < count && used < sizeof looked; i++)
			used += (size_t)snprintf(looked + used, sizeof looked - used, "%s%s",
						 i ? ", " : "", dirs[i]);
		list_available(dirs, count, available, sizeof available);
		path[0] = '\0';
		if (err)
			nh_format_cut(err->msg, sizeof err->msg,
				      "scenario '%s' not found: no %s.lua in %s (NH_SCENARIO_PATH adds "
				      "directories); available: %s",
				      arg, arg, looked, available);
	}
	for (unsigned i = 0; i < count; i++)
		free(dirs[i]);
	if (found <= 0) {
		errno = found < 0 ? ENAMETOOLONG : ENOENT;
		return -1;
	}
	return 0;
}
