/* Unit tests of the cgroup module on fixture trees: a temporary directory of real-format cgroup
 * files (v2 and v1) named by a mountinfo text as the cgroup mounts, so the parent's resolution,
 * the limits written, what is read back and after a run, the removal and the error messages are
 * checked without touching /sys/fs/cgroup. Also the run options and plan checks of the cgroup
 * options. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../e2e/proc.h"
#include "cgroup.h"
#include "plan.h"
#include "run_options.h"

extern const nh_workload_t nh_workload_stream;

static void put(const char *dir, const char *name, const char *text)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The first line of DIR/NAME ("" when empty). */
static const char *got(const char *dir, const char *name)
{
	static char buf[256];
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	if (!fgets(buf, sizeof buf, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static char *sub(const char *dir, const char *rel)
{
	static char buf[4][1024];
	static unsigned k;
	char *b = buf[k++ % 4];
	snprintf(b, sizeof buf[0], "%s/%s", dir, rel);
	return b;
}

static void mk(const char *path) { assert_int_equal(mkdir(path, 0755), 0); }

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* A cgroup2 mount at TMP/cg2 as /proc/self/mountinfo would show it. */
static char *mountinfo_v2(const char *tmp)
{
	static char mi[2048];
	snprintf(mi, sizeof mi,
		 "22 1 8:1 / / rw,relatime - ext4 /dev/root rw\n"
		 "30 22 0:26 / %s/cg2 rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw,nsdelegate\n",
		 tmp);
	return mi;
}

/* A v1 host (as this one): memory and cpuset hierarchies, and an unused cgroup2 mount. */
static char *mountinfo_v1(const char *tmp)
{
	static char mi[2048];
	snprintf(mi, sizeof mi,
		 "22 1 8:1 / / rw,relatime - ext4 /dev/root rw\n"
		 "31 22 0:27 / %s/unified rw,nosuid - cgroup2 cgroup2 rw\n"
		 "32 22 0:28 / %s/memory rw,nosuid - cgroup cgroup rw,memory\n"
		 "33 22 0:29 / %s/cpuset rw,nosuid - cgroup cgroup rw,cpuset\n",
		 tmp, tmp, tmp);
	return mi;
}

static const char V1_PROC_CGROUP[] = "4:memory:/process_api/x\n3:cpuset:/\n2:cpu,cpuacct:/\n0::/\n";

/* ---- the parent ---- */

/* v2 default: <mount>/numaharness made, memory and cpuset enabled from the root down. */
static void v2_default_parent(void **state)
{
	char *tmp = nh_tmpdir();
	mk(sub(tmp, "cg2"));
	put(sub(tmp, "cg2"), "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(sub(tmp, "cg2"), "cgroup.subtree_control", ""); /* a v2 file with nothing enabled is empty */
	/* mkdir makes no files in a fixture: the files a kernel would give the new directory */
	mk(sub(tmp, "cg2/numaharness"));
	put(sub(tmp, "cg2/numaharness"), "cgroup.controllers", "cpuset memory\n");
	put(sub(tmp, "cg2/numaharness"), "cgroup.subtree_control", "memory\n");
	nh_cgroup_parent_t p;
	nh_cgroup_parent_resolve_from(NULL, "0::/user.slice/session-1.scope\n", mountinfo_v2(tmp), &p);
	assert_true(p.available);
	assert_int_equal(p.version, 2);
	assert_string_equal(p.dir, sub(tmp, "cg2/numaharness"));
	/* the root had neither: memory then cpuset written (a fixture keeps the last write) */
	assert_string_equal(got(sub(tmp, "cg2"), "cgroup.subtree_control"), "+cpuset");
	assert_string_equal(got(sub(tmp, "cg2/numaharness"), "cgroup.subtree_control"), "+cpuset");
	assert_true(p.cpuset);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* Already enabled: nothing written. No cpuset offered: memory only, and cpuset says why. */
static void v2_parent_without_cpuset(void **state)
{
	char *tmp = nh_tmpdir();
	mk(sub(tmp, "cg2"));
	put(sub(tmp, "cg2"), "cgroup.controllers", "cpu io memory pids\n");
	put(sub(tmp, "cg2"), "cgroup.subtree_control", "memory pids\n");
	mk(sub(tmp, "cg2/numaharness"));
	put(sub(tmp, "cg2/numaharness"), "cgroup.controllers", "memory pids\n");
	put(sub(tmp, "cg2/numaharness"), "cgroup.subtree_control", "");
	nh_cgroup_parent_t p;
	nh_cgroup_parent_resolve_from("", "0::/\n", mountinfo_v2(tmp), &p);
	assert_true(p.available);
	assert_string_equal(got(sub(tmp, "cg2"), "cgroup.subtree_control"), "memory pids");
	assert_string_equal(got(sub(tmp, "cg2/numaharness"), "cgroup.subtree_control"), "+memory");
	assert_false(p.cpuset);
	char want[512];
	snprintf(want, sizeof want, "no cpuset controller in %s (cgroup.controllers: 'cpu io memory pids')",
		 sub(tmp, "cg2"));
	assert_string_equal(p.cpuset_why, want);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* No memory controller offered (a delegated subtree without it): unavailable, saying so. */
static void v2_parent_without_memory(void **state)
{
	char *tmp = nh_tmpdir();
	mk(sub(tmp, "cg2"));
	put(sub(tmp, "cg2"), "cgroup.controllers", "cpu io pids\n");
	put(sub(tmp, "cg2"), "cgroup.subtree_control", "");
	mk(sub(tmp, "cg2/numaharness"));
	nh_cgroup_parent_t p;
	nh_cgroup_parent_resolve_from(NULL, "0::/\n", mountinfo_v2(tmp), &p);
	assert_false(p.available);
	char want[512];
	snprintf(want, sizeof want, "no memory controller in %s (cgroup.controllers: 'cpu io pids')",
		 sub(tmp, "cg2"));
	assert_string_equal(p.why, want);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* v1 default: our memory cgroup + /numaharness (made), the cpuset one named, not made yet. */
static void v1_default_parent(void **state)
{
	char *tmp = nh_tmpdir();
	mk(sub(tmp, "memory"));
	mk(sub(tmp, "cpuset"));
	nh_cgroup_parent_t p;
	nh_cgroup_parent_resolve_from(NULL, V1_PROC_CGROUP, mountinfo_v1(tmp), &p);
	assert_true(p.available);
	assert_int_equal(p.version, 1);
	assert_string_equal(p.dir, sub(tmp, "memory/process_api/x/numaharness"));
	assert_true(exists(p.dir));
	assert_true(p.cpuset);
	assert_string_equal(p.cpuset_dir, sub(tmp, "cpuset/numaharness"));
	assert_false(exists(p.cpuset_dir));
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* A path given: in a v1 memory hierarchy (made, its cpuset twin named), off, and the bad ones. */
static void parent_settings(void **state)
{
	char *tmp = nh_tmpdir();
	mk(sub(tmp, "memory"));
	nh_cgroup_parent_t p;
	nh_cgroup_parent_resolve_from(sub(tmp, "memory/bench/nh/"), V1_PROC_CGROUP, mountinfo_v1(tmp), &p);
	assert_true(p.available);
	assert_int_equal(p.version, 1);
	assert_string_equal(p.dir, sub(tmp, "memory/bench/nh"));
	assert_true(exists(p.dir));
	assert_string_equal(p.cpuset_dir, sub(tmp, "cpuset/bench/nh"));

	nh_cgroup_parent_resolve_from("off", V1_PROC_CGROUP, mountinfo_v1(tmp), &p);
	assert_false(p.available);
	assert_string_equal(p.why, "per-run cgroups are off (cgroup parent 'off')");
	nh_cgroup_parent_resolve_from("/proc/nonexistent", V1_PROC_CGROUP, mountinfo_v1(tmp), &p);
	assert_false(p.available);
	assert_string_equal(p.why, "cgroup parent /proc/nonexistent is in no cgroup2 mount and no v1 memory "
				   "hierarchy");
	/* the cpuset hierarchy is not a memory one */
	nh_cgroup_parent_resolve_from(sub(tmp, "cpuset/x"), V1_PROC_CGROUP, mountinfo_v1(tmp), &p);
	assert_false(p.available);
	nh_cgroup_parent_resolve_from("rel/path", V1_PROC_CGROUP, mountinfo_v1(tmp), &p);
	assert_string_equal(p.why, "cgroup parent: 'rel/path' is neither an absolute path nor 'off'");
	/* no cgroup mounted at all */
	nh_cgroup_parent_resolve_from(NULL, "0::/\n", "22 1 8:1 / / rw - ext4 /dev/root rw\n", &p);
	assert_false(p.available);
	assert_string_equal(p.why, "no cgroup2 mount and no v1 memory hierarchy");

	nh_err_t err;
	assert_int_equal(nh_cgroup_parent_check("off", &err), 0);
	assert_int_equal(nh_cgroup_parent_check("/sys/fs/cgroup/x", &err), 0);
	assert_int_equal(nh_cgroup_parent_check("x", &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "'x' is neither an absolute path nor 'off'");
	char longp[600];
	memset(longp, 'a', sizeof longp - 1);
	longp[0] = '/';
	longp[sizeof longp - 1] = '\0';
	assert_int_equal(nh_cgroup_parent_check(longp, &err), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* ---- a run's cgroup ---- */

/* The files of a fresh v2 cgroup, as the kernel shows them. */
static void v2_files(const char *dir)
{
	put(dir, "memory.max", "max\n");
	put(dir, "memory.high", "max\n");
	put(dir, "memory.swap.max", "max\n");
	put(dir, "cpuset.cpus", "\n");
	put(dir, "cpuset.mems", "\n");
	put(dir, "cgroup.procs", "");
}

static void v2_limits_written(void **state)
{
	char *tmp = nh_tmpdir();
	char *dir = sub(tmp, "run-7-0");
	mk(dir);
	v2_files(dir);
	nh_cgroup_run_t run = {.version = 2, .procs_fd = -1, .cpuset_procs_fd = -1};
	snprintf(run.path, sizeof run.path, "%s", dir);
	nh_cgroup_limits_t lim = {.memory_max = 64 << 20, .memory_high = 48 << 20, .cpus = "1", .mems = "0"};
	nh_err_t err;
	assert_int_equal(nh_cgroup_run_configure(&run, &lim, &err), 0);
	assert_string_equal(got(dir, "memory.max"), "67108864");
	assert_string_equal(got(dir, "memory.high"), "50331648");
	assert_string_equal(got(dir, "memory.swap.max"), "0");
	assert_string_equal(got(dir, "cpuset.cpus"), "1");
	assert_string_equal(got(dir, "cpuset.mems"), "0");
	assert_true(run.has_memory_max);
	assert_int_equal(run.memory_max, 64 << 20);
	assert_true(run.has_memory_high);
	assert_string_equal(run.cpus, "1");
	assert_string_equal(run.mems, "0");

	/* nothing asked: "max" reads back as no limit, the cpuset as not asked */
	v2_files(dir);
	nh_cgroup_limits_t none = {0};
	memset(&run, 0, sizeof run);
	run.version = 2;
	snprintf(run.path, sizeof run.path, "%s", dir);
	assert_int_equal(nh_cgroup_run_configure(&run, &none, &err), 0);
	assert_false(run.has_memory_max);
	assert_false(run.has_memory_high);
	assert_string_equal(run.cpus, "");
	assert_string_equal(got(dir, "memory.swap.max"), "max");
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

static void v1_limits_written(void **state)
{
	char *tmp = nh_tmpdir();
	char *dir = sub(tmp, "memory/run-7-1"), *cpu_parent = sub(tmp, "cpuset"),
	     *cpu = sub(tmp, "cpuset/run-7-1");
	mk(sub(tmp, "memory"));
	mk(dir);
	mk(cpu_parent);
	mk(cpu);
	put(dir, "memory.limit_in_bytes", "9223372036854771712\n");
	put(dir, "memory.memsw.limit_in_bytes", "9223372036854771712\n");
	put(cpu_parent, "cpuset.cpus", "0-3\n");
	put(cpu_parent, "cpuset.mems", "0-1\n");
	put(cpu, "cpuset.cpus", "\n"); /* a new v1 cpuset: empty, no task may join */
	put(cpu, "cpuset.mems", "\n");
	nh_cgroup_run_t run = {.version = 1};
	snprintf(run.path, sizeof run.path, "%s", dir);
	snprintf(run.cpuset_path, sizeof run.cpuset_path, "%s", cpu);
	nh_cgroup_limits_t lim = {.memory_max = 100 << 20, .mems = "1"};
	nh_err_t err;
	assert_int_equal(nh_cgroup_run_configure(&run, &lim, &err), 0);
	assert_string_equal(got(dir, "memory.limit_in_bytes"), "104857600");
	assert_string_equal(got(dir, "memory.memsw.limit_in_bytes"), "104857600");
	assert_string_equal(got(cpu, "cpuset.cpus"), "0-3"); /* the parent's: not asked */
	assert_string_equal(got(cpu, "cpuset.mems"), "1");
	assert_true(run.has_memory_max);
	assert_int_equal(run.memory_max, 100 << 20);
	assert_string_equal(run.cpus, "");
	assert_string_equal(run.mems, "1");

	/* v1 has no memory.high; the unlimited value is no limit */
	put(dir, "memory.limit_in_bytes", "9223372036854771712\n");
	nh_cgroup_limits_t high = {.memory_high = 1 << 20};
	assert_int_equal(nh_cgroup_run_configure(&run, &high, &err), -1);
	assert_int_equal(errno, ENOTSUP);
	assert_string_equal(err.msg, "memory_high: cgroup v1 has no memory.high (a cgroup v2 setting)");
	nh_cgroup_limits_t none = {0};
	assert_int_equal(nh_cgroup_run_configure(&run, &none, &err), 0);
	assert_false(run.has_memory_max);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* Every failure names the file and the errno's text. */
static void errors_named(void **state)
{
	char *tmp = nh_tmpdir();
	char *dir = sub(tmp, "run-7-2");
	mk(dir);
	nh_cgroup_run_t run = {.version = 2};
	snprintf(run.path, sizeof run.path, "%s", dir);
	nh_cgroup_limits_t lim = {.memory_max = 64 << 20};
	nh_err_t err;
	char want[1024];
	assert_int_equal(nh_cgroup_run_configure(&run, &lim, &err), -1);
	assert_int_equal(errno, ENOENT);
	snprintf(want, sizeof want, "%s/memory.max: No such file or directory", dir);
	assert_string_equal(err.msg, want);
	mk(sub(tmp, "run-7-2/memory.max")); /* not a file */
	assert_int_equal(nh_cgroup_run_configure(&run, &lim, &err), -1);
	snprintf(want, sizeof want, "%s/memory.max: Is a directory", dir);
	assert_string_equal(err.msg, want);
	/* a cpuset file that is not there: named too */
	rmdir(sub(tmp, "run-7-2/memory.max"));
	put(dir, "memory.max", "max\n");
	assert_int_equal(nh_cgroup_run_configure(&run, &(nh_cgroup_limits_t){.mems = "0"}, &err), -1);
	snprintf(want, sizeof want, "%s/cpuset.mems: No such file or directory", dir);
	assert_string_equal(err.msg, want);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* Made under a parent; a failure on the way leaves nothing behind and says why. */
static void create_and_its_failures(void **state)
{
	char *tmp = nh_tmpdir();
	nh_cgroup_parent_t p = {.available = true, .version = 2};
	snprintf(p.dir, sizeof p.dir, "%s", tmp);
	nh_cgroup_run_t run;
	nh_err_t err;
	char want[1024];
	/* a fixture's mkdir makes no cgroup.procs: the create fails there and removes its directory */
	assert_int_equal(nh_cgroup_run_create(&p, 4242, 3, &(nh_cgroup_limits_t){0}, &run, &err), -1);
	snprintf(want, sizeof want, "%s/run-4242-3/cgroup.procs: No such file or directory", tmp);
	assert_string_equal(err.msg, want);
	assert_string_equal(run.why, want);
	assert_false(run.available);
	assert_false(exists(sub(tmp, "run-4242-3")));
	assert_int_equal(run.procs_fd, -1);

	/* what the hierarchy cannot do is said before anything is made */
	p.version = 1;
	assert_int_equal(nh_cgroup_run_create(&p, 4242, 4, &(nh_cgroup_limits_t){.memory_high = 1 << 20}, &run,
					      &err), -1);
	assert_int_equal(errno, ENOTSUP);
	assert_string_equal(err.msg, "memory_high: cgroup v1 has no memory.high (a cgroup v2 setting)");
	snprintf(p.cpuset_why, sizeof p.cpuset_why, "no v1 cpuset hierarchy");
	assert_int_equal(nh_cgroup_run_create(&p, 4242, 5, &(nh_cgroup_limits_t){.cpus = "0"}, &run, &err), -1);
	assert_string_equal(err.msg, "cpuset_cpus: no cpuset controller for the run's cgroup: no v1 cpuset "
				     "hierarchy");
	assert_false(exists(sub(tmp, "run-4242-5")));
	/* an unavailable parent: its reason */
	nh_cgroup_parent_t off = {.available = false, .why = "per-run cgroups are off (cgroup parent 'off')"};
	assert_int_equal(nh_cgroup_run_create(&off, 4242, 6, &(nh_cgroup_limits_t){0}, &run, &err), -1);
	assert_string_equal(err.msg, off.why);
	/* already there (the same PID in another PID namespace): refused, and not removed */
	mk(sub(tmp, "run-4242-7"));
	p.version = 2;
	assert_int_equal(nh_cgroup_run_create(&p, 4242, 7, &(nh_cgroup_limits_t){0}, &run, &err), -1);
	assert_int_equal(errno, EEXIST);
	assert_true(exists(sub(tmp, "run-4242-7")));
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* The child's join writes "0" (itself) into cgroup.procs. */
static void join_writes_self(void **state)
{
	char *tmp = nh_tmpdir();
	put(tmp, "cgroup.procs", "");
	nh_cgroup_run_t run = {.available = true, .version = 2, .cpuset_procs_fd = -1};
	run.procs_fd = open(sub(tmp, "cgroup.procs"), O_WRONLY);
	assert_true(run.procs_fd >= 0);
	assert_int_equal(nh_cgroup_run_join(&run), 0);
	nh_cgroup_run_close(&run);
	assert_int_equal(run.procs_fd, -1);
	assert_string_equal(got(tmp, "cgroup.procs"), "0");
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* After the run: v2 memory.events and memory.peak, v1 memory.oom_control and
 * max_usage_in_bytes, through the cgroup layer's parser; what is missing stays unset. */
static void final_figures(void **state)
{
	char *tmp = nh_tmpdir();
	put(tmp, "memory.events", "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
	put(tmp, "memory.peak", "67108864\n");
	nh_cgroup_run_t run = {.available = true, .version = 2};
	snprintf(run.path, sizeof run.path, "%s", tmp);
	nh_cgroup_run_read_final(&run);
	assert_true(run.has_oom_kill);
	assert_int_equal(run.oom_kill, 1);
	assert_true(run.has_memory_peak);
	assert_int_equal(run.memory_peak, 67108864);

	/* what is not a number is not a peak */
	put(tmp, "memory.peak", "lots\n");
	memset(&run, 0, sizeof run);
	run.available = true;
	run.version = 2;
	snprintf(run.path, sizeof run.path, "%s", tmp);
	nh_cgroup_run_read_final(&run);
	assert_false(run.has_memory_peak);
	assert_true(run.has_oom_kill);
	/* a kernel before 5.19: no memory.peak, unknown rather than 0 */
	unlink(sub(tmp, "memory.peak"));
	memset(&run, 0, sizeof run);
	run.available = true;
	run.version = 2;
	snprintf(run.path, sizeof run.path, "%s", tmp);
	nh_cgroup_run_read_final(&run);
	assert_false(run.has_memory_peak);

	put(tmp, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	put(tmp, "memory.max_usage_in_bytes", "1234567\n");
	run.version = 1;
	nh_cgroup_run_read_final(&run);
	assert_int_equal(run.oom_kill, 2);
	assert_int_equal(run.memory_peak, 1234567);
	/* before 4.13 v1 had no oom_kill line */
	put(tmp, "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n");
	memset(&run, 0, sizeof run);
	run.available = true;
	run.version = 1;
	snprintf(run.path, sizeof run.path, "%s", tmp);
	nh_cgroup_run_read_final(&run);
	assert_false(run.has_oom_kill);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

static pid_t start_sleeper(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Removal kills what is left (v1: each of tasks; v2: cgroup.kill) and names what it could not
 * remove; an empty directory goes. */
static void remove_kills_what_is_left(void **state)
{
	char *tmp = nh_tmpdir();
	char *v1 = sub(tmp, "v1"), *v2 = sub(tmp, "v2");
	mk(v1);
	pid_t pid = start_sleeper();
	char pids[32];
	snprintf(pids, sizeof pids, "%d\n", (int)pid);
	put(v1, "tasks", pids);
	nh_cgroup_run_t run = {.available = true, .version = 1, .procs_fd = -1, .cpuset_procs_fd = -1};
	snprintf(run.path, sizeof run.path, "%s", v1);
	nh_err_t err;
	char want[1024];
	assert_int_equal(nh_cgroup_run_remove(&run, &err), -1); /* a fixture keeps its files */
	snprintf(want, sizeof want, "cannot remove cgroup %s: Directory not empty", v1);
	assert_string_equal(err.msg, want);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* v2: cgroup.kill takes it all at once */
	mk(v2);
	pid = start_sleeper();
	snprintf(pids, sizeof pids, "%d\n", (int)pid);
	put(v2, "cgroup.procs", pids);
	put(v2, "cgroup.kill", "");
	run.version = 2;
	snprintf(run.path, sizeof run.path, "%s", v2);
	assert_int_equal(nh_cgroup_run_remove(&run, &err), -1);
	assert_string_equal(got(v2, "cgroup.kill"), "1");
	kill(pid, SIGKILL); /* the fixture's cgroup.kill is only a file */
	waitpid(pid, &status, 0);

	/* a cgroup with nothing in it: gone */
	char *empty = sub(tmp, "empty");
	mk(empty);
	snprintf(run.path, sizeof run.path, "%s", empty);
	run.available = true;
	assert_int_equal(nh_cgroup_run_remove(&run, &err), 0);
	assert_false(exists(empty));
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* A directory made \p age seconds ago (its mtime: a cgroup's is its creation). */
static void mk_aged(const char *path, long age)
{
	mk(path);
	struct timeval then[2] = {{time(NULL) - age, 0}, {time(NULL) - age, 0}};
	assert_int_equal(utimes(path, then), 0);
}

/* run-PID-N of a harness that is gone is removed once it is over a minute old; a young one (a
 * run of a harness in another PID namespace, between its mkdir and join), ours, a live one's,
 * a populated one and other names stay. */
static void stale_ones_removed(void **state)
{
	char *tmp = nh_tmpdir();
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	char name[64];
	nh_cgroup_parent_t p = {.available = true, .version = 1};
	snprintf(p.dir, sizeof p.dir, "%s", tmp);
	snprintf(name, sizeof name, "run-%d-0", (int)gone);
	mk_aged(sub(tmp, name), 3600);
	snprintf(name, sizeof name, "run-%d-3", (int)gone);
	mk_aged(sub(tmp, name), 5);
	snprintf(name, sizeof name, "run-%d-4", (int)gone);
	mk_aged(sub(tmp, name), 3600);
	put(sub(tmp, name), "tasks", "1\n"); /* rmdir refuses it, as it would a populated cgroup */
	snprintf(name, sizeof name, "run-%d-1", (int)getpid());
	mk_aged(sub(tmp, name), 3600);
	mk_aged(sub(tmp, "run-1-2"), 3600); /* init: alive */
	mk_aged(sub(tmp, "keep"), 3600);
	assert_int_equal(nh_cgroup_remove_stale(&p), 1);
	snprintf(name, sizeof name, "run-%d-0", (int)gone);
	assert_false(exists(sub(tmp, name)));
	snprintf(name, sizeof name, "run-%d-3", (int)gone);
	assert_true(exists(sub(tmp, name)));
	snprintf(name, sizeof name, "run-%d-4", (int)gone);
	assert_true(exists(sub(tmp, name)));
	snprintf(name, sizeof name, "run-%d-1", (int)getpid());
	assert_true(exists(sub(tmp, name)));
	assert_true(exists(sub(tmp, "run-1-2")));
	assert_true(exists(sub(tmp, "keep")));
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* ---- run options and the plan ---- */

static int check(const char *kv, nh_params_t *p, nh_err_t *err)
{
	memset(p, 0, sizeof *p);
	if (kv)
		assert_int_equal(nh_params_set_kv(p, kv, err), 0);
	return nh_run_options_check(&nh_workload_stream, p, err);
}

static void run_options(void **state)
{
	nh_params_t p, q;
	nh_err_t err;
	/* absent unless asked: the parameters of a run without them are as before */
	assert_int_equal(check(NULL, &q, &err), 0);
	assert_null(nh_params_get(&q, "memory_limit"));
	assert_null(nh_params_get(&q, "cpuset_cpus"));
	assert_int_equal(check("memory_limit=none", &p, &err), 0);
	assert_int_equal(p.count, q.count);
	assert_null(nh_params_get(&p, "memory_limit"));
	assert_int_equal(check("memory_limit=64M", &p, &err), 0);
	assert_string_equal(nh_params_get(&p, "memory_limit"), "64M");
	assert_int_equal(p.count, q.count + 1);
	assert_int_equal(check("cpuset_mems=0-1", &p, &err), 0);
	/* bad values, each named */
	assert_int_equal(check("memory_limit=64", &p, &err), -1);
	assert_string_equal(err.msg, "stream: parameter 'memory_limit': 64 is outside 1 MiB .. 1024 TiB");
	assert_int_equal(check("memory_high=lots", &p, &err), -1);
	assert_non_null(strstr(err.msg, "stream: parameter 'memory_high': "));
	assert_int_equal(check("cpuset_cpus=0-x", &p, &err), -1);
	assert_non_null(strstr(err.msg, "stream: parameter 'cpuset_cpus': "));
	/* a typo lists the cgroup options among the known ones */
	assert_int_equal(check("memory_limt=1G", &p, &err), -1);
	assert_non_null(strstr(err.msg, "stream: unknown parameter 'memory_limt' (known: size, "));
	assert_non_null(strstr(err.msg, "allocator, memory_limit, memory_high, cpuset_cpus, cpuset_mems)"));
	(void)state;
}

/* cpusets against the host, and policies against the cpuset, at plan time. */
static void plan_checks_cpusets(void **state)
{
	nh_err_t err;
	nh_topo_t *t = nh_topo_load_synthetic("pack:2 [numa(2GB)] core:2 pu:1", NULL, &err);
	assert_non_null(t);
	nh_plan_t *plan = nh_plan_new(t);
	const char *pol0[] = {"membind=0"}, *cpu0[] = {"cpunodebind=0"};
	nh_plan_group_t g = {.workload = "stream", .param_count = 1, .reps = 1, .source = "c.lua:2"};
	g.params[0].name = "cpuset_cpus";
	g.params[0].value_count = 1;
	g.params[0].values[0] = "2-5";
	assert_int_equal(nh_plan_add_group(plan, &g, &err), -1);
	assert_string_equal(err.msg, "c.lua:2: stream: cpuset_cpus=2-5: CPU 4-5 not among this host's CPUs (0-3)");
	g.params[0].name = "cpuset_mems";
	g.params[0].values[0] = "1-2";
	assert_int_equal(nh_plan_add_group(plan, &g, &err), -1);
	assert_string_equal(err.msg, "c.lua:2: stream: cpuset_mems=1-2: node 2 not among this host's nodes (0-1)");
	g.params[0].values[0] = "1";
	g.policies = pol0;
	g.policy_count = 1;
	assert_int_equal(nh_plan_add_group(plan, &g, &err), -1);
	assert_string_equal(err.msg, "c.lua:2: stream: policy 'membind=0' names no node of cpuset_mems=1");
	g.params[0].name = "cpuset_cpus";
	g.params[0].values[0] = "2-3";
	g.policies = cpu0;
	assert_int_equal(nh_plan_add_group(plan, &g, &err), -1);
	assert_string_equal(err.msg, "c.lua:2: stream: policy 'cpunodebind=0' leaves no CPU of cpuset_cpus=2-3");
	/* the workload's own check sees the cpuset's CPUs: threads=3 on 2 */
	g.workload = "churn";
	g.policies = NULL;
	g.policy_count = 0;
	g.param_count = 2;
	g.params[1].name = "threads";
	g.params[1].value_count = 1;
	g.params[1].values[0] = "3";
	assert_int_equal(nh_plan_add_group(plan, &g, &err), -1);
	assert_string_equal(err.msg, "c.lua:2: churn: threads=3 is more than the 2 CPUs the policy allows "
				     "(policy 'default')");
	g.params[1].values[0] = "2";
	if (nh_plan_add_group(plan, &g, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(nh_params_get(&nh_plan_run(plan, 0)->params, "cpuset_cpus"), "2-3");
	nh_plan_free(plan);
	nh_topo_free(t);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v2_default_parent),
		cmocka_unit_test(v2_parent_without_cpuset),
		cmocka_unit_test(v2_parent_without_memory),
		cmocka_unit_test(v1_default_parent),
		cmocka_unit_test(parent_settings),
		cmocka_unit_test(v2_limits_written),
		cmocka_unit_test(v1_limits_written),
		cmocka_unit_test(errors_named),
		cmocka_unit_test(create_and_its_failures),
		cmocka_unit_test(join_writes_self),
		cmocka_unit_test(final_figures),
		cmocka_unit_test(remove_kills_what_is_left),
		cmocka_unit_test(stale_ones_removed),
		cmocka_unit_test(run_options),
		cmocka_unit_test(plan_checks_cpusets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
