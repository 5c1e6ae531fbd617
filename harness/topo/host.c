/* SPDX-License-Identifier: MIT */
/* host: facts about the running host that change how results must be read — kernel, CPU model,
 * THP, NUMA balancing, perf_event_paranoid, the cgroup setup, the CPUs and nodes allowed. */
#include "host.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

/* ---- parsers (exposed for tests) ---- */

/* The value after "key:" up to the end of the line, without surrounding blanks. */
static void copy_value(const char *v, char *out, size_t len)
{
	while (*v == ' ' || *v == '\t')
		v++;
	size_t n = strcspn(v, "\n");
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

int nh_status_list(const char *text, const char *key, nh_set_t *out, nh_err_t *err)
{
	/* Lists, unlike the hex masks, stay short even on big machines. */
	char buf[16384];
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; line = nh_next_line(line)) {
		if (strncmp(line, key, klen) != 0 || line[klen] != ':')
			continue;
		const char *v = line + klen + 1;
		v += strspn(v, " \t");
		int n = (int)strcspn(v, "\n");
		if (snprintf(buf, sizeof buf, "%.*s", n, v) >= (int)sizeof buf) {
			errno = EINVAL;
			return nh_err_set(err, "status: %s: list longer than %zu bytes", key, sizeof buf - 1);
		}
		if (nh_set_parse(out, buf, err) < 0)
			return nh_err_prefix(err, "status: %s", key);
		return 0;
	}
	errno = EINVAL;
	return nh_err_set(err, "status: no %s line", key);
}

int nh_host_parse_status(const char *text, nh_set_t *cpus, nh_set_t *mems)
{
	nh_set_clear(cpus);
	nh_set_clear(mems);
	int rc = nh_status_list(text, "Cpus_allowed_list", cpus, NULL);
	if (nh_status_list(text, "Mems_allowed_list", mems, NULL) < 0)
		rc = -1;
	if (rc < 0)
		errno = EINVAL;
	return rc;
}

int nh_host_parse_selected(const char *line, char *out, size_t len)
{
	const char *open = strchr(line, '[');
	const char *close = open ? strchr(open, ']') : NULL;
	if (!close || close == open + 1 || len == 0) {
		errno = EINVAL;
		return -1;
	}
	size_t n = (size_t)(close - open - 1);
	if (n >= len)
		n = len - 1;
	memcpy(out, open + 1, n);
	out[n] = '\0';
	return 0;
}

int nh_host_parse_cpu_model(const char *cpuinfo, char *out, size_t len)
{
	for (const char *line = cpuinfo; line && *line; line = nh_next_line(line)) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		const char *colon = strchr(line, ':');
		const char *eol = strchr(line, '\n');
		if (!colon || (eol && colon > eol))
			continue;
		copy_value(colon + 1, out, len);
		return 0;
	}
	errno = ENOENT;
	return -1;
}

/* Mount facts that matter here: is cgroup2 mounted (and at /sys/fs/cgroup), is a v1 memory
 * hierarchy mounted. */
static void scan_mountinfo(const char *mountinfo, bool *v2_any, bool *v2_root, bool *v1_memory)
{
	for (const char *line = mountinfo; line && *line; line = nh_next_line(line)) {
		nh_mount_t m;
		if (!nh_mountinfo_line(line, &m))
			continue;
		if (strcmp(m.fstype, "cgroup2") == 0) {
			*v2_any = true;
			if (strcmp(m.point, "/sys/fs/cgroup") == 0)
				*v2_root = true;
		} else if (strcmp(m.fstype, "cgroup") == 0 &&
			   nh_has_token(m.super, strlen(m.super), "memory", ',')) {
			*v1_memory = true;
		}
	}
}

void nh_host_describe_cgroup(const char *proc_cgroup, const char *mountinfo, char *out, size_t len)
{
	char v1_path[256] = "", v2_path[256] = "";
	bool have_v1 = false, have_v2 = false;
	nh_proc_cgroup_paths(proc_cgroup, "memory", v1_path, sizeof v1_path, &have_v1, v2_path, sizeof v2_path, &have_v2);
	if (mountinfo) {
		/* The kernel lists only mounted v1 hierarchies, but a "0::" line stays once cgroup2
		 * was ever mounted: mountinfo says whether it is mounted now. */
		bool v2_any = false, v2_root = false, v1_memory = false;
		scan_mountinfo(mountinfo, &v2_any, &v2_root, &v1_memory);
		have_v1 = have_v1 && v1_memory && !v2_root;
		have_v2 = have_v2 && v2_any;
	}
	if (have_v1 && have_v2)
		snprintf(out, len, "hybrid (v1 memory:%s, v2 %s)", v1_path, v2_path);
	else if (have_v1)
		snprintf(out, len, "v1 memory:%s", v1_path);
	else if (have_v2)
		snprintf(out, len, "v2 %s", v2_path);
	else
		snprintf(out, len, "unavailable: no cgroup2 or v1 memory hierarchy mounted");
}

/* ---- host facts ---- */

/* "unavailable: <reason>" where the reason is short enough for the small fields. */
static void unavailable(char *out, size_t len, int errnum)
{
	snprintf(out, len, "unavailable: %s", errnum == ENOENT ? "not present" : strerror(errnum));
}

static void read_selected(const char *path, char *out, size_t len)
{
	char line[256];
	if (nh_read_line(path, line, sizeof line) < 0)
		unavailable(out, len, errno);
	else if (nh_host_parse_selected(line, out, len) < 0)
		snprintf(out, len, "unavailable: unparsed");
}

static int read_int(const char *path, int *out)
{
	char line[64], *end;
	if (nh_read_line(path, line, sizeof line) < 0)
		return -1;
	errno = 0;
	long v = strtol(line, &end, 10);
	if (errno || end == line || v < INT_MIN + 1 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

void nh_host_facts_read(nh_host_facts_t *f)
{
	memset(f, 0, sizeof *f);

	struct utsname u;
	if (uname(&u) == 0)
		snprintf(f->kernel, sizeof f->kernel, "%s", u.release);
	else
		unavailable(f->kernel, sizeof f->kernel, errno);

	char *text = nh_read_file("/proc/cpuinfo", NULL, NULL);
	if (!text)
		unavailable(f->cpu_model, sizeof f->cpu_model, errno);
	else if (nh_host_parse_cpu_model(text, f->cpu_model, sizeof f->cpu_model) < 0)
		snprintf(f->cpu_model, sizeof f->cpu_model,
			 "unavailable: no model name in /proc/cpuinfo");
	free(text);

	read_selected("/sys/kernel/mm/transparent_hugepage/enabled", f->thp_enabled,
		      sizeof f->thp_enabled);
	read_selected("/sys/kernel/mm/transparent_hugepage/defrag", f->thp_defrag,
		      sizeof f->thp_defrag);

	/* Absent when the kernel has no NUMA balancing: unknown, not "off". */
	if (read_int("/proc/sys/kernel/numa_balancing", &f->numa_balancing) < 0)
		f->numa_balancing = -1;
	if (read_int("/proc/sys/kernel/perf_event_paranoid", &f->perf_event_paranoid) < 0)
		f->perf_event_paranoid = INT_MIN;

	char *cg = nh_read_file("/proc/self/cgroup", NULL, NULL);
	if (!cg) {
		snprintf(f->cgroup, sizeof f->cgroup, "unavailable: /proc/self/cgroup: %s",
			 strerror(errno));
	} else {
		char *mi = nh_read_file("/proc/self/mountinfo", NULL, NULL);
		nh_host_describe_cgroup(cg, mi, f->cgroup, sizeof f->cgroup);
		free(mi);
		free(cg);
	}

	char *status = nh_read_file("/proc/self/status", NULL, NULL);
	if (!status || nh_host_parse_status(status, &f->allowed_cpus, &f->allowed_mems) < 0) {
		/* Fall back to the affinity mask; an empty mems set is filled in by the loaders. */
		cpu_set_t mask;
		if (nh_set_empty(&f->allowed_cpus) && sched_getaffinity(0, sizeof mask, &mask) == 0)
			for (unsigned c = 0; c < CPU_SETSIZE && c < NH_SET_BITS; c++)
				if (CPU_ISSET(c, &mask))
					nh_set_add(&f->allowed_cpus, c);
	}
	free(status);
}
