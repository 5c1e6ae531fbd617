/* SPDX-License-Identifier: MIT */
/* cgroup: the parent of the runs' cgroups, and one cgroup per run — made, configured, joined,
 * read and removed. v2 where the memory controller is there, else the v1 memory (and, for a
 * cpuset, cpuset) hierarchies. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sample_memory.h"

#define PARENT_NAME "numaharness" /* the default parent, under the mount (v2) or our cgroup (v1) */
/* v1 shows "no limit" as the largest page count in bytes (9223372036854771712 with 4 KiB pages). */
#define V1_UNLIMITED (UINT64_C(1) << 62)
#define SETTLE_S 2.0 /* how long a killed cgroup may take to empty, and a busy one to go */
#define STALE_AFTER_S 60 /* a run's cgroup is joined within milliseconds of its mkdir */

/* out = a/b; -1 (ENAMETOOLONG) with a message when it does not fit: a cut path names another cgroup. */
static int join_path(char *out, size_t len, const char *a, const char *b, nh_err_t *err)
{
	int n = snprintf(out, len, "%s/%s", a, b);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "cgroup path too long: %.200s/%s", a, b);
	}
	return 0;
}

/* Write \p value to DIR/NAME (an existing file: cgroup files are never created). */
static int write_in(const char *dir, const char *name, const char *value, nh_err_t *err)
{
	char path[NH_CGROUP_PATH_MAX + 64];
	if (join_path(path, sizeof path, dir, name, err) < 0)
		return -1;
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return nh_err_set(err, "%s: %s", path, strerror(errno));
	size_t len = strlen(value);
	ssize_t n = write(fd, value, len);
	int saved = errno;
	close(fd);
	if (n != (ssize_t)len) {
		errno = n < 0 ? saved : EIO;
		return nh_err_set(err, "%s: writing '%s': %s", path, value, strerror(errno));
	}
	return 0;
}

/* DIR/NAME's first line (newline stripped). */
static int read_in(const char *dir, const char *name, char *buf, size_t len, nh_err_t *err)
{
	char path[NH_CGROUP_PATH_MAX + 64];
	if (join_path(path, sizeof path, dir, name, err) < 0)
		return -1;
	if (nh_read_line(path, buf, len) == 0)
		return 0;
	if (errno == ENODATA) { /* an empty file: nothing enabled, or no cpus yet */
		buf[0] = '\0';
		return 0;
	}
	return nh_err_set(err, "%s: %s", path, strerror(errno));
}

/* A limit file: a number, or "max" (v2) / the v1 no-limit value, which set *limited false. */
static int read_limit(const char *dir, const char *name, bool *limited, uint64_t *v, nh_err_t *err)
{
	char text[64], *end;
	if (read_in(dir, name, text, sizeof text, err) < 0)
		return -1;
	*limited = false;
	if (strcmp(text, "max") == 0)
		return 0;
	errno = 0;
	*v = strtoull(text, &end, 10);
	if (errno || end == text || *end) {
		errno = EINVAL;
		return nh_err_set(err, "%s/%s: not a number: '%s'", dir, name, text);
	}
	*limited = *v < V1_UNLIMITED;
	return 0;
}

/* ---- the parent ---- */

/* The mount that holds \p path: the longest cgroup2 or v1-memory mount point above it. */
static int mount_of(const char *path, const char *mountinfo, int *version, char *point, size_t len)
{
	size_t best = 0;
	*version = 0;
	for (const char *line = mountinfo; line && *line; line = nh_next_line(line)) {
		nh_mount_t m;
		if (!nh_mountinfo_line(line, &m))
			continue;
		int v = strcmp(m.fstype, "cgroup2") == 0 ? 2
			: strcmp(m.fstype, "cgroup") == 0 && nh_has_token(m.super, strlen(m.super), "memory", ',')
				? 1
				: 0;
		size_t pl = strlen(m.point);
		if (!v || pl <= best || strncmp(path, m.point, pl) != 0 || (path[pl] != '\0' && path[pl] != '/'))
			continue;
		best = pl;
		*version = v;
		snprintf(point, len, "%s", m.point);
	}
	return *version ? 0 : -1;
}

/* The mount point of the cgroup2 hierarchy (/sys/fs/cgroup when several) or of the v1 one
 * carrying \p controller. */
static bool mount_point(const char *mountinfo, int version, const char *controller, char *point, size_t len)
{
	bool found = false;
	for (const char *line = mountinfo; line && *line; line = nh_next_line(line)) {
		nh_mount_t m;
		if (!nh_mountinfo_line(line, &m))
			continue;
		bool match = version == 2 ? strcmp(m.fstype, "cgroup2") == 0
					  : strcmp(m.fstype, "cgroup") == 0 &&
						    nh_has_token(m.super, strlen(m.super), controller, ',');
		if (!match || (found && (version == 1 || strcmp(m.point, "/sys/fs/cgroup") != 0)))
			continue;
		found = true;
		snprintf(point, len, "%s", m.point);
	}
	return found;
}

/* Enable \p ctl in \p dir's cgroup.subtree_control unless it is; -1 with why not. */
static int enable_controller(const char *dir, const char *ctl, nh_err_t *err)
{
	char have[256], offered[256];
	if (read_in(dir, "cgroup.subtree_control", have, sizeof have, err) < 0)
		return -1;
	if (nh_has_token(have, strlen(have), ctl, ' '))
		return 0;
	if (read_in(dir, "cgroup.controllers", offered, sizeof offered, err) < 0)
		return -1;
	if (!nh_has_token(offered, strlen(offered), ctl, ' ')) {
		errno = ENOTSUP;
		return nh_err_set(err, "no %s controller in %s (cgroup.controllers: '%s')", ctl, dir, offered);
	}
	char plus[32];
	snprintf(plus, sizeof plus, "+%s", ctl);
	if (write_in(dir, "cgroup.subtree_control", plus, err) < 0) {
		if (errno == EBUSY)
			nh_err_set(err, "cannot enable %s in %s/cgroup.subtree_control: the cgroup has "
					"processes of its own (cgroup v2 gives controllers only to the children "
					"of a cgroup without processes)", ctl, dir);
		return -1;
	}
	return 0;
}

/* v2: make \p p->dir and enable memory (required) and cpuset (where offered) in every
 * cgroup.subtree_control from the mount's root down to it. */
static int prepare_v2(nh_cgroup_parent_t *p, const char *point, nh_err_t *err)
{
	if (nh_mkdir_p(p->dir, err) < 0)
		return -1;
	char level[NH_CGROUP_PATH_MAX];
	size_t pl = strlen(point);
	p->cpuset = true;
	for (size_t end = pl;; end++) {
		if (p->dir[end] != '/' && p->dir[end] != '\0')
			continue;
		snprintf(level, sizeof level, "%.*s", (int)end, p->dir);
		if (enable_controller(level, "memory", err) < 0)
			return -1;
		nh_err_t cerr;
		if (p->cpuset && enable_controller(level, "cpuset", &cerr) < 0) {
			p->cpuset = false;
			nh_format_cut(p->cpuset_why, sizeof p->cpuset_why, "%s", cerr.msg);
		}
		if (p->dir[end] == '\0')
			break;
	}
	return 0;
}

int nh_cgroup_parent_check(const char *setting, nh_err_t *err)
{
	if (strcmp(setting, "off") == 0)
		return 0;
	if (setting[0] != '/') {
		errno = EINVAL;
		return nh_err_set(err, "'%s' is neither an absolute path nor 'off'", setting);
	}
	if (strlen(setting) > NH_CGROUP_PATH_MAX - 64) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "'%.60s...' is longer than %d bytes", setting, NH_CGROUP_PATH_MAX - 64);
	}
	return 0;
}

/* The v1 cpuset parent: the memory parent's place in the cpuset hierarchy (a path given) or our
 * own cpuset cgroup + /numaharness (the default); false when there is no cpuset hierarchy. */
static bool v1_cpuset_dir(const char *setting, const char *proc_cgroup, const char *mountinfo,
			  nh_cgroup_parent_t *p)
{
	char cpuset_mount[256], mem_mount[256], own[NH_CGROUP_PATH_MAX];
	if (!mount_point(mountinfo, 1, "cpuset", cpuset_mount, sizeof cpuset_mount))
		return false;
	if (setting && *setting)
		return mount_point(mountinfo, 1, "memory", mem_mount, sizeof mem_mount) &&
		       strncmp(p->dir, mem_mount, strlen(mem_mount)) == 0 &&
		       snprintf(p->cpuset_dir, sizeof p->cpuset_dir, "%s%s", cpuset_mount,
				p->dir + strlen(mem_mount)) < (int)sizeof p->cpuset_dir;
	return nh_cgroup_locate_controller(proc_cgroup, mountinfo, "cpuset", own, sizeof own, NULL) == 1 &&
	       join_path(p->cpuset_dir, sizeof p->cpuset_dir, own, PARENT_NAME, NULL) == 0;
}

static int resolve(const char *setting, const char *proc_cgroup, const char *mountinfo,
		   nh_cgroup_parent_t *p, nh_err_t *err)
{
	char point[256] = "", own[NH_CGROUP_PATH_MAX];
	if (setting && strcmp(setting, "off") == 0)
		return nh_err_set(err, "per-run cgroups are off (cgroup parent 'off')");
	if (setting && *setting) {
		if (nh_cgroup_parent_check(setting, err) < 0)
			return nh_err_prefix(err, "cgroup parent");
		if (mount_of(setting, mountinfo, &p->version, point, sizeof point) < 0)
			return nh_err_set(err, "cgroup parent %s is in no cgroup2 mount and no v1 memory "
					       "hierarchy", setting);
		snprintf(p->dir, sizeof p->dir, "%s", setting);
		while (strlen(p->dir) > 1 && p->dir[strlen(p->dir) - 1] == '/')
			p->dir[strlen(p->dir) - 1] = '\0';
	} else {
		p->version = nh_cgroup_locate(proc_cgroup, mountinfo, own, sizeof own, err);
		if (p->version < 0)
			return -1;
		if (p->version == 2 && !mount_point(mountinfo, 2, NULL, point, sizeof point))
			return nh_err_set(err, "no cgroup2 mount");
		if (join_path(p->dir, sizeof p->dir, p->version == 2 ? point : own, PARENT_NAME, err) < 0)
			return -1;
	}
	if (p->version == 2)
		return prepare_v2(p, point, err);
	if (nh_mkdir_p(p->dir, err) < 0)
		return -1;
	p->cpuset = v1_cpuset_dir(setting, proc_cgroup, mountinfo, p);
	if (p->cpuset)
		p->cpuset_why[0] = '\0';
	else
		p->cpuset_dir[0] = '\0';
	return 0;
}

void nh_cgroup_parent_resolve_from(const char *setting, const char *proc_cgroup, const char *mountinfo,
				   nh_cgroup_parent_t *p)
{
	nh_err_t err;
	memset(p, 0, sizeof *p);
	snprintf(p->cpuset_why, sizeof p->cpuset_why, "no v1 cpuset hierarchy");
	if (resolve(setting, proc_cgroup, mountinfo, p, &err) < 0)
		nh_format_cut(p->why, sizeof p->why, "%s", err.msg); /* a reason: cut visibly */
	else
		p->available = true;
}

void nh_cgroup_parent_resolve(const char *setting, nh_cgroup_parent_t *p)
{
	nh_err_t err;
	char *cg = nh_read_file("/proc/self/cgroup", NULL, &err);
	char *mi = cg ? nh_read_file("/proc/self/mountinfo", NULL, &err) : NULL;
	if (!mi) {
		memset(p, 0, sizeof *p);
		nh_format_cut(p->why, sizeof p->why, "%s", err.msg);
	} else {
		nh_cgroup_parent_resolve_from(setting, cg, mi, p);
	}
	free(cg);
	free(mi);
}

/* "run-PID-N": the PID, or -1 when \p name is not one. */
static long run_name_pid(const char *name)
{
	long pid;
	unsigned idx;
	int end = 0;
	if (sscanf(name, "run-%ld-%u%n", &pid, &idx, &end) != 2 || name[end] != '\0' || pid <= 0)
		return -1;
	return pid;
}

unsigned nh_cgroup_remove_stale(const nh_cgroup_parent_t *p)
{
	unsigned removed = 0;
	if (!p->available)
		return 0;
	DIR *d = opendir(p->dir);
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		long pid = run_name_pid(e->d_name);
		/* rmdir refuses a cgroup that holds a process: a live run is never touched. A harness
		 * in another PID namespace sharing the parent has PIDs we cannot see: a young cgroup
		 * may be its run between mkdir and join, so only old ones go. */
		if (pid < 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		char path[NH_CGROUP_PATH_MAX + 64], cpuset[NH_CGROUP_PATH_MAX + 64];
		struct stat st;
		if (join_path(path, sizeof path, p->dir, e->d_name, NULL) < 0 || stat(path, &st) < 0 ||
		    time(NULL) - st.st_mtime < STALE_AFTER_S || rmdir(path) < 0)
			continue;
		if (p->cpuset_dir[0] && join_path(cpuset, sizeof cpuset, p->cpuset_dir, e->d_name, NULL) == 0)
			(void)rmdir(cpuset);
		nh_log(NH_LOG_INFO, "removed %s, left by harness %ld, which is gone", path, pid);
		removed++;
	}
	closedir(d);
	return removed;
}

/* ---- a run's cgroup ---- */

/* A v1 cpuset cgroup takes tasks only once cpus and mems are set: a new directory (or one left
 * empty) gets its parent's. */
static int v1_cpuset_inherit(const char *dir, const char *file, nh_err_t *err)
{
	char have[256], parent[NH_CGROUP_PATH_MAX], value[256];
	if (read_in(dir, file, have, sizeof have, err) < 0)
		return -1;
	if (have[0])
		return 0;
	snprintf(parent, sizeof parent, "%s", dir);
	char *slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	if (read_in(parent, file, value, sizeof value, err) < 0)
		return -1;
	return write_in(dir, file, value, err);
}

/* v1: make the cpuset parent, level by level below the deepest existing directory, each with
 * its parent's cpus and mems. */
static int v1_cpuset_parent(const char *dir, nh_err_t *err)
{
	char level[NH_CGROUP_PATH_MAX];
	struct stat st;
	if (stat(dir, &st) == 0)
		return v1_cpuset_inherit(dir, "cpuset.cpus", err) < 0 ? -1
		       : v1_cpuset_inherit(dir, "cpuset.mems", err);
	snprintf(level, sizeof level, "%s", dir);
	char *slash = strrchr(level, '/');
	if (!slash || slash == level) {
		errno = ENOENT;
		return nh_err_set(err, "%s: no cpuset hierarchy above it", dir);
	}
	*slash = '\0';
	if (v1_cpuset_parent(level, err) < 0)
		return -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return nh_err_set(err, "cannot create cgroup %s: %s", dir, strerror(errno));
	return v1_cpuset_inherit(dir, "cpuset.cpus", err) < 0 ? -1
	       : v1_cpuset_inherit(dir, "cpuset.mems", err);
}

int nh_cgroup_run_configure(nh_cgroup_run_t *run, const nh_cgroup_limits_t *lim, nh_err_t *err)
{
	char num[32];
	nh_err_t ignored;
	bool v2 = run->version == 2;
	if (lim->memory_high && !v2) {
		errno = ENOTSUP;
		return nh_err_set(err, "memory_high: cgroup v1 has no memory.high (a cgroup v2 setting)");
	}
	if (lim->memory_max) {
		snprintf(num, sizeof num, "%" PRIu64, lim->memory_max);
		if (write_in(run->path, v2 ? "memory.max" : "memory.limit_in_bytes", num, err) < 0)
			return -1;
		/* Without swap the limit is the run's memory, as in a container without swap; where
		 * swap is not accounted the file is missing, and there is nothing to cap. */
		(void)(v2 ? write_in(run->path, "memory.swap.max", "0", &ignored)
			  : write_in(run->path, "memory.memsw.limit_in_bytes", num, &ignored));
	}
	if (lim->memory_high) {
		snprintf(num, sizeof num, "%" PRIu64, lim->memory_high);
		if (write_in(run->path, "memory.high", num, err) < 0)
			return -1;
	}
	const char *cpuset_dir = v2 ? run->path : run->cpuset_path;
	bool want_cpuset = lim->cpus[0] || lim->mems[0];
	if (want_cpuset && !cpuset_dir[0]) {
		errno = ENOTSUP;
		return nh_err_set(err, "cpuset: the run's cgroup has no cpuset hierarchy");
	}
	if (want_cpuset) {
		if (!v2 && (v1_cpuset_inherit(cpuset_dir, "cpuset.cpus", err) < 0 ||
			    v1_cpuset_inherit(cpuset_dir, "cpuset.mems", err) < 0))
			return -1;
		if ((lim->cpus[0] && write_in(cpuset_dir, "cpuset.cpus", lim->cpus, err) < 0) ||
		    (lim->mems[0] && write_in(cpuset_dir, "cpuset.mems", lim->mems, err) < 0))
			return -1;
	}

	/* What the kernel holds (page-rounded limits, normalised lists) is what the record says. */
	if (read_limit(run->path, v2 ? "memory.max" : "memory.limit_in_bytes", &run->has_memory_max,
		       &run->memory_max, err) < 0 && lim->memory_max)
		return -1;
	if (v2 && read_limit(run->path, "memory.high", &run->has_memory_high, &run->memory_high, err) < 0 &&
	    lim->memory_high)
		return -1;
	if (lim->cpus[0] && read_in(cpuset_dir, "cpuset.cpus", run->cpus, sizeof run->cpus, err) < 0)
		return -1;
	if (lim->mems[0] && read_in(cpuset_dir, "cpuset.mems", run->mems, sizeof run->mems, err) < 0)
		return -1;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void nh_cgroup_run_close(nh_cgroup_run_t *run)
{
	close_fd(&run->procs_fd);
	close_fd(&run->cpuset_procs_fd);
}

static int open_procs(const char *dir, int *fd, nh_err_t *err)
{
	char path[NH_CGROUP_PATH_MAX + 64];
	if (join_path(path, sizeof path, dir, "cgroup.procs", err) < 0)
		return -1;
	*fd = open(path, O_WRONLY | O_CLOEXEC);
	return *fd < 0 ? nh_err_set(err, "%s: %s", path, strerror(errno)) : 0;
}

int nh_cgroup_run_create(const nh_cgroup_parent_t *p, pid_t harness_pid, unsigned index,
			 const nh_cgroup_limits_t *lim, nh_cgroup_run_t *run, nh_err_t *err)
{
	char name[64];
	memset(run, 0, sizeof *run);
	run->procs_fd = run->cpuset_procs_fd = -1;
	run->version = p->version;
	bool want_cpuset = lim->cpus[0] || lim->mems[0];
	if (!p->available) {
		errno = ENOTSUP;
		nh_err_set(err, "%s", p->why);
		goto fail;
	}
	if (lim->memory_high && p->version == 1) {
		errno = ENOTSUP;
		nh_err_set(err, "memory_high: cgroup v1 has no memory.high (a cgroup v2 setting)");
		goto fail;
	}
	if (want_cpuset && !p->cpuset) {
		errno = ENOTSUP;
		nh_err_set(err, "%s: no cpuset controller for the run's cgroup: %s",
			   lim->cpus[0] ? "cpuset_cpus" : "cpuset_mems", p->cpuset_why);
		goto fail;
	}
	snprintf(name, sizeof name, "run-%ld-%u", (long)harness_pid, index);
	if (join_path(run->path, sizeof run->path, p->dir, name, err) < 0)
		goto fail;
	if (mkdir(run->path, 0755) < 0) {
		nh_err_set(err, "cannot create cgroup %s: %s", run->path, strerror(errno));
		run->path[0] = '\0'; /* not ours to remove */
		goto fail;
	}
	if (want_cpuset && p->version == 1) {
		if (v1_cpuset_parent(p->cpuset_dir, err) < 0 ||
		    join_path(run->cpuset_path, sizeof run->cpuset_path, p->cpuset_dir, name, err) < 0)
			goto fail;
		if (mkdir(run->cpuset_path, 0755) < 0) {
			nh_err_set(err, "cannot create cgroup %s: %s", run->cpuset_path, strerror(errno));
			run->cpuset_path[0] = '\0';
			goto fail;
		}
	}
	if (nh_cgroup_run_configure(run, lim, err) < 0 || open_procs(run->path, &run->procs_fd, err) < 0 ||
	    (run->cpuset_path[0] && open_procs(run->cpuset_path, &run->cpuset_procs_fd, err) < 0))
		goto fail;
	run->available = true;
	return 0;
fail:;
	int saved = errno;
	nh_cgroup_run_close(run);
	if (run->cpuset_path[0])
		(void)rmdir(run->cpuset_path);
	if (run->path[0])
		(void)rmdir(run->path);
	run->available = false;
	nh_format_cut(run->why, sizeof run->why, "%s", err ? err->msg : "cannot make the run's cgroup");
	errno = saved;
	return -1;
}

int nh_cgroup_run_join(const nh_cgroup_run_t *run)
{
	/* The cpuset first: on v1 it narrows the CPUs before the memory cgroup charges anything. */
	if (run->cpuset_procs_fd >= 0 && write(run->cpuset_procs_fd, "0", 1) != 1)
		return -1;
	if (run->procs_fd >= 0 && write(run->procs_fd, "0", 1) != 1)
		return -1;
	return 0;
}

/* The number of \p name in memory.events / memory.oom_control, through the cgroup layer's parser. */
static bool event_count(const char *dir, int version, const char *name, uint64_t *v)
{
	char path[NH_CGROUP_PATH_MAX + 64];
	if (join_path(path, sizeof path, dir, version == 2 ? "memory.events" : "memory.oom_control", NULL) < 0)
		return false;
	char *text = nh_read_file(path, NULL, NULL);
	nh_cgroup_mem_t *c = calloc(1, sizeof *c);
	bool found = false;
	if (text && c) {
		c->version = version;
		if (nh_cgroup_parse_events(text, c, NULL) == 0)
			for (unsigned i = 0; i < c->event_count && !found; i++)
				if (strcmp(c->events[i].name, name) == 0) {
					*v = c->events[i].value;
					found = true;
				}
	}
	free(c);
	free(text);
	return found;
}

void nh_cgroup_run_read_final(nh_cgroup_run_t *run)
{
	if (!run->available)
		return;
	run->has_oom_kill = event_count(run->path, run->version, "oom_kill", &run->oom_kill);
	bool limited;
	uint64_t peak;
	/* memory.peak is 5.19+; a missing file leaves the peak unknown, not 0 */
	if (read_limit(run->path, run->version == 2 ? "memory.peak" : "memory.max_usage_in_bytes", &limited,
		       &peak, NULL) == 0 && limited) {
		run->has_memory_peak = true;
		run->memory_peak = peak;
	}
}

/* The PIDs listed in DIR/FILE (cgroup.procs, tasks): how many, -1 when unreadable. With
 * \p sig, each is sent it. */
static int list_pids(const char *dir, const char *file, int sig)
{
	char path[NH_CGROUP_PATH_MAX + 64];
	if (join_path(path, sizeof path, dir, file, NULL) < 0)
		return -1;
	char *text = nh_read_file(path, NULL, NULL);
	if (!text)
		return -1;
	int n = 0;
	for (const char *line = text; line && *line; line = nh_next_line(line)) {
		long pid = strtol(line, NULL, 10);
		if (pid <= 0)
			continue;
		n++;
		if (sig)
			(void)kill((pid_t)pid, sig);
	}
	free(text);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Kill what is left in \p dir and wait (up to SETTLE_S) for it to empty. */
static void empty_cgroup(const char *dir, int version)
{
	const char *file = version == 2 ? "cgroup.procs" : "tasks";
	if (list_pids(dir, file, 0) <= 0)
		return;
	nh_err_t ignored;
	/* v2's cgroup.kill (5.14+) takes forks in flight too; else one by one. */
	if (version != 2 || write_in(dir, "cgroup.kill", "1", &ignored) < 0)
		(void)list_pids(dir, file, SIGKILL);
	for (double waited = 0; waited < SETTLE_S && list_pids(dir, file, 0) > 0; waited += 0.01)
		sleep_ms(10);
}

/* rmdir, again while the kernel still calls it busy (tasks on their way out). */
static int remove_dir(const char *dir, nh_err_t *err)
{
	for (double waited = 0;; waited += 0.01) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || waited >= SETTLE_S)
			return nh_err_set(err, "cannot remove cgroup %s: %s", dir, strerror(errno));
		sleep_ms(10);
	}
}

int nh_cgroup_run_remove(nh_cgroup_run_t *run, nh_err_t *err)
{
	int rc = 0;
	nh_cgroup_run_close(run);
	if (!run->available)
		return 0;
	empty_cgroup(run->path, run->version);
	if (run->cpuset_path[0]) {
		empty_cgroup(run->cpuset_path, 1);
		rc = remove_dir(run->cpuset_path, err);
	}
	if (remove_dir(run->path, rc < 0 ? NULL : err) < 0)
		rc = -1;
	return rc;
}
