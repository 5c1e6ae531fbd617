/* SPDX-License-Identifier: MIT */
/* Fuzz target: /proc/PID/cgroup and /proc/PID/mountinfo (NUL-separated parts) — mountinfo
 * lines, the cgroup directory per controller (v1, v2, hybrid, container subtrees) and the host
 * facts' description of the cgroup setup. */
#include "fuzz_common.h"

static void one_line(const char *line, void *arg)
{
	nh_mount_t m;
	nh_mountinfo_line(line, &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	const char *proc_cgroup = in.part[0], *mountinfo = in.part[1];
	nh_err_t err;
	char dir[256], v1[256], v2[256], described[512];
	bool have_v1, have_v2;
	for (unsigned i = 0; i < in.parts; i++)
		nh_fuzz_lines(in.part[i], 256, one_line, NULL);
	nh_cgroup_locate(proc_cgroup, mountinfo, dir, sizeof dir, &err);
	nh_cgroup_locate_controller(proc_cgroup, mountinfo, "cpuset", dir, sizeof dir, &err);
	nh_proc_cgroup_paths(proc_cgroup, "memory", v1, sizeof v1, &have_v1, v2, sizeof v2, &have_v2);
	nh_host_describe_cgroup(proc_cgroup, mountinfo, described, sizeof described);
	nh_host_describe_cgroup(proc_cgroup, NULL, described, sizeof described);
	nh_fuzz_input_free(&in);
	return 0;
}
