/* SPDX-License-Identifier: MIT */
/* util_mounts: /proc/PID/mountinfo lines, and from them and /proc/PID/cgroup the directory of a
 * process's cgroup for a controller — text parsing shared by the samplers, the topology's host
 * facts, inspect and the filexfer workload. */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool nh_mountinfo_line(const char *line, nh_mount_t *m)
{
	size_t llen = strcspn(line, "\n");
	char buf[1024];
	if (llen >= sizeof buf)
		return false;
	memcpy(buf, line, llen);
	buf[llen] = '\0';
	/* "id parent maj:min root mountpoint opts [optional tags...] - fstype source super-opts" */
	char *sep = strstr(buf, " - ");
	if (!sep)
		return false;
	*sep = '\0';
	m->super[0] = '\0';
	if (sscanf(buf, "%*s %*s %*s %255s %255s", m->root, m->point) != 2 ||
	    sscanf(sep + 3, "%63s %*s %511s", m->fstype, m->super) < 1)
		return false;
	nh_unescape_octal(m->root);
	nh_unescape_octal(m->point);
	return true;
}

/* A cgroup hierarchy's mount: where it is, and which cgroup its root shows. */
struct cg_mount {
	bool found;
	char root[256], point[256];
};

/* The cgroup2 mount (the one at /sys/fs/cgroup if several) and the v1 mount carrying
 * \p controller. */
static void scan_mounts(const char *mountinfo, const char *controller, struct cg_mount *v2,
			struct cg_mount *v1)
{
	for (const char *line = mountinfo; line && *line; line = nh_next_line(line)) {
		nh_mount_t m;
		if (!nh_mountinfo_line(line, &m))
			continue;
		struct cg_mount *to = NULL;
		if (strcmp(m.fstype, "cgroup2") == 0 && (!v2->found || strcmp(m.point, "/sys/fs/cgroup") == 0))
			to = v2;
		else if (strcmp(m.fstype, "cgroup") == 0 && !v1->found &&
			 nh_has_token(m.super, strlen(m.super), controller, ','))
			to = v1;
		if (!to)
			continue;
		to->found = true;
		snprintf(to->root, sizeof to->root, "%s", m.root);
		snprintf(to->point, sizeof to->point, "%s", m.point);
	}
}

/* The directory of cgroup \p path in \p mnt: a container's mount may show a subtree only (its
 * root is then a prefix of the path), and a cgroup outside that subtree is not reachable. */
static int join_mount(const struct cg_mount *mnt, const char *path, char *dir, size_t len,
		      nh_err_t *err)
{
	const char *rel = path;
	size_t rlen = strlen(mnt->root);
	if (strcmp(mnt->root, "/") != 0) {
		if (strncmp(path, mnt->root, rlen) != 0 || (path[rlen] != '\0' && path[rlen] != '/')) {
			errno = ENOENT;
			return nh_err_set(err, "cgroup %s is outside the hierarchy mounted at %s (root %s)",
					  path, mnt->point, mnt->root);
		}
		rel = path + rlen;
	}
	if (strcmp(rel, "/") == 0)
		rel = "";
	if (snprintf(dir, len, "%s%s", mnt->point, rel) >= (int)len) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "cgroup directory %s%s: path too long", mnt->point, rel);
	}
	return 0;
}

int nh_cgroup_locate(const char *proc_cgroup, const char *mountinfo, char *dir, size_t len,
		     nh_err_t *err)
{
	return nh_cgroup_locate_controller(proc_cgroup, mountinfo, "memory", dir, len, err);
}

int nh_cgroup_locate_controller(const char *proc_cgroup, const char *mountinfo,
				const char *controller, char *dir, size_t len, nh_err_t *err)
{
	char v1_path[256] = "", v2_path[256] = "";
	bool have_v1 = false, have_v2 = false;
	nh_proc_cgroup_paths(proc_cgroup, controller, v1_path, sizeof v1_path, &have_v1, v2_path,
			     sizeof v2_path, &have_v2);
	struct cg_mount v2 = {0}, v1 = {0};
	scan_mounts(mountinfo, controller, &v2, &v1);
	/* A controller lives in one hierarchy only: a mounted v1 hierarchy carrying it means cgroup2
	 * lacks it (hybrid hosts), so v1 wins whenever both are there. */
	if (have_v1 && v1.found)
		return join_mount(&v1, v1_path, dir, len, err) < 0 ? -1 : 1;
	if (have_v2 && v2.found)
		return join_mount(&v2, v2_path, dir, len, err) < 0 ? -1 : 2;
	errno = ENOENT;
	if (!v1.found && !v2.found)
		return nh_err_set(err, "no cgroup2 mount and no v1 %s hierarchy", controller);
	return nh_err_set(err, "the process is in no mounted %s hierarchy (no %s line in its "
			       "cgroup file)", controller, v1.found ? controller : "0::");
}

