/* End-to-end tests of `numaharness inspect` on this host: a child process with known memory is
 * inspected (text, --json, --watch), its exit is noticed, and inspecting a process one may not
 * read fails with the capability named. Multi-node verdicts are in the guest (guest.ops). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"
#include "util.h"

#define RAM (32u << 20)

static pid_t child;

/* A process holding 32 MiB of touched anonymous memory until killed. */
static int start_child(void **state)
{
	int ready[2];
	if (pipe(ready) != 0)
		return -1;
	child = fork();
	if (child == 0) {
		volatile char *p = malloc(RAM);
		for (size_t i = 0; p && i < RAM; i += 4096)
			p[i] = 1;
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	char c;
	close(ready[1]);
	int ok = read(ready[0], &c, 1) == 1;
	close(ready[0]);
	(void)state;
	return child > 0 && ok ? 0 : -1;
}

static int stop_child(void **state)
{
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	(void)state;
	return 0;
}

static nh_proc_result_t inspect(const char *a1, const char *a2, const char *a3, const char *a4,
				const char *a5, const char *a6)
{
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)child);
	char *argv[] = {NH_BIN, "inspect", pid, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
			(char *)a5, (char *)a6, NULL};
	nh_proc_result_t r;
	if (nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r) != 0)
		fail_msg("could not run %s", NH_BIN);
	return r;
}

static void text_report(void **state)
{
	nh_proc_result_t r = inspect(NULL, NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "threads (1):"));
	assert_non_null(strstr(r.out, "memory by node:"));
	assert_non_null(strstr(r.out, "  anon "));
	/* The 32 MiB buffer is listed as a notable mapping. */
	assert_non_null(strstr(r.out, "resident 32"));
	assert_null(strstr(r.out, "checks against"));
	nh_proc_free(&r);
	(void)state;
}

static void json_with_an_expectation(void **state)
{
	/* Every host has node 0; this one may have only that. */
	nh_proc_result_t r = inspect("--expect", "membind=0", "--min-share", "0.5", "--json", NULL);
	json_error_t e;
	json_t *doc = json_loads(r.out, 0, &e);
	if (!doc)
		fail_msg("not JSON (%s): %s", e.text, r.out);
	assert_int_equal(json_integer_value(json_object_get(doc, "pid")), child);
	json_t *anon = json_object_get(json_object_get(doc, "memory"), "anon");
	assert_true(json_integer_value(json_object_get(anon, "bytes")) >= RAM);
	json_t *checks = json_object_get(doc, "checks");
	assert_true(json_array_size(checks) >= 2);
	json_t *share = json_array_get(checks, 0);
	assert_string_equal(json_string_value(json_object_get(share, "name")), "memory on node(s) 0");
	/* The child has no policy: on a one-node host its memory is on node 0 all the same, and
	 * its cpuset confines it there; the verdict follows the share and exit status the verdict. */
	const char *verdict = json_string_value(json_object_get(doc, "verdict"));
	assert_int_equal(r.status, strcmp(verdict, "pass") == 0 ? 0 : 1);
	json_decref(doc);
	nh_proc_free(&r);
	(void)state;
}

static void watch_samples(void **state)
{
	nh_proc_result_t r = inspect("--watch", "200ms", "--count", "3", "--json", NULL);
	assert_int_equal(r.status, 0);
	json_t *doc = json_loads(r.out, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "samples")), 3);
	json_t *drift = json_object_get(doc, "drift");
	assert_true(json_real_value(json_object_get(drift, "seconds")) >= 0.35);
	assert_int_equal(json_integer_value(json_object_get(drift, "moved_bytes_at_least")), 0);
	json_decref(doc);
	nh_proc_free(&r);
	(void)state;
}

/* The process ends during the watch: the samples so far are the report, not an error. It ends
 * once the watch has taken a sample, however slowly the watch started (a sanitizer build). */
static void watch_outlives_the_process(void **state)
{
	pid_t short_lived = fork();
	if (short_lived == 0) {
		pause();
		_exit(0);
	}
	char *dir = nh_tmpdir();
	char pid[16], outpath[700], errpath[700];
	snprintf(pid, sizeof pid, "%d", (int)short_lived);
	snprintf(outpath, sizeof outpath, "%s/out", dir);
	snprintf(errpath, sizeof errpath, "%s/err", dir);
	char *argv[] = {NH_BIN, "inspect", pid, "--watch", "200ms", "--duration", "5s", NULL};
	pid_t watch = nh_proc_start_out(NH_BIN, NH_SOURCE_DIR, outpath, errpath, argv);
	assert_true(nh_proc_wait_for(outpath, "t=", 60));
	/* Not reaped until the end: a zombie is an exited process too. */
	kill(short_lived, SIGKILL);
	int st;
	assert_int_equal(waitpid(watch, &st, 0), watch);
	waitpid(short_lived, NULL, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char *out = nh_read_file(outpath, NULL, NULL);
	assert_non_null(out);
	assert_non_null(strstr(out, "exited"));
	assert_non_null(strstr(out, "drift over"));
	free(out);
	nh_rm_rf(dir);
	free(dir);
	(void)state;
}

/* Each thread's policy is read from the first line of its numa_maps (one small page-table walk);
 * a first mapping with a policy of its own must not pass for the threads' policy. The stand-in
 * runs under numactl --interleave=0 with its text mbind()ed to node 0: interleave:0 it must be. */
/* Start the stand-in (argv after the program) and wait for its "ready" line. */
static pid_t start_standin(char *const argv[])
{
	int out[2];
	if (pipe(out) != 0)
		fail_msg("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(out[1]);
	char ready[64] = "";
	ssize_t n = read(out[0], ready, sizeof ready - 1);
	close(out[0]);
	if (n <= 0 || !strstr(ready, "ready"))
		fail_msg("%s did not start", argv[0]);
	return pid;
}

static void stop_standin(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static nh_proc_result_t inspect_pid(pid_t pid, const char *a1, const char *a2, const char *a3)
{
	char p[16];
	snprintf(p, sizeof p, "%d", (int)pid);
	char *argv[] = {NH_BIN, "inspect", p, (char *)a1, (char *)a2, (char *)a3, NULL};
	nh_proc_result_t r;
	if (nh_proc_run(NH_SOURCE_DIR, argv, NULL, &r) != 0)
		fail_msg("could not run %s", NH_BIN);
	return r;
}

static void thread_policy_behind_an_mbind(void **state)
{
	if (access("/usr/bin/numactl", X_OK) != 0)
		skip();
	char *argv[] = {"/usr/bin/numactl", "--interleave=0", NH_STANDIN, "--vcpus", "2",
			"--mbind-first", "0", "--ram", "8M", NULL};
	pid_t standin = start_standin(argv);
	nh_proc_result_t r = inspect_pid(standin, "--expect", "interleave=0", "--json");
	stop_standin(standin);
	json_t *doc = json_loads(r.out, 0, NULL);
	assert_non_null(doc);
	json_t *threads = json_object_get(doc, "threads"), *t;
	size_t i;
	assert_int_equal(json_array_size(threads), 3);
	json_array_foreach(threads, i, t)
		assert_string_equal(json_string_value(json_object_get(t, "mempolicy")), "interleave:0");
	/* The text mapping itself is listed with its own policy. */
	json_t *maps = json_object_get(doc, "mappings"), *m;
	bool seen = false;
	json_array_foreach(maps, i, m)
		seen = seen || (json_is_true(json_object_get(m, "own_policy")) &&
				strcmp(json_string_value(json_object_get(m, "policy")), "bind:0") == 0);
	assert_true(seen);
	assert_int_equal(r.status, 0);
	json_decref(doc);
	nh_proc_free(&r);
	(void)state;
}

/* main() returned through pthread_exit: the leader is a zombie, the process runs on in its
 * other threads and is inspected through them; a thread's id is not a process. */
static void main_thread_gone_and_thread_ids(void **state)
{
	char *argv[] = {NH_STANDIN, "--vcpus", "1", "--main-exits", "--ram", "16M", NULL};
	pid_t standin = start_standin(argv);
	nh_proc_result_t r = inspect_pid(standin, NULL, NULL, NULL);
	char task[64];
	int vcpu = 0; /* the other thread's id */
	snprintf(task, sizeof task, "/proc/%d/task", (int)standin);
	DIR *d = opendir(task);
	for (struct dirent *e; d && (e = readdir(d));)
		if (e->d_name[0] != '.' && atoi(e->d_name) != standin)
			vcpu = atoi(e->d_name);
	if (d)
		closedir(d);
	nh_proc_result_t t = inspect_pid((pid_t)vcpu, NULL, NULL, NULL);
	stop_standin(standin);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "its main thread has exited; 1 other thread(s) run on"));
	assert_non_null(strstr(r.out, "resident 16"));
	char want[96];
	snprintf(want, sizeof want, "numaharness: inspect: %d is a thread of process %d: inspect %d",
		 vcpu, (int)standin, (int)standin);
	assert_int_equal(t.status, 2);
	assert_non_null(strstr(t.err, want));
	nh_proc_free(&r);
	nh_proc_free(&t);
	(void)state;
}

/* A copy of the binary that user nobody can run: setpriv drops to nobody before exec, and a
 * checkout under a 0700 directory (a home directory) is out of nobody's reach. The copy lives in
 * a fresh 0755 directory under /tmp; its path is written into \p bin. */
static void reachable_copy(char *dir, char *bin, size_t len)
{
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(bin, len, "%s/numaharness", dir);
	size_t size = 0;
	char *image = nh_read_file(NH_BIN, &size, NULL);
	assert_non_null(image);
	int fd = open(bin, O_WRONLY | O_CREAT | O_EXCL, 0755);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, image, size), (ssize_t)size);
	close(fd);
	free(image);
}

/* Reading another user's numa_maps needs CAP_SYS_PTRACE: as nobody, inspecting our child fails
 * with the capability named, exit 2. */
static void not_permitted_names_the_capability(void **state)
{
	if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0)
		skip();
	char dir[] = "/tmp/nh-nobody-XXXXXX", bin[64];
	reachable_copy(dir, bin, sizeof bin);
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)child);
	char *argv[] = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
			bin, "inspect", pid, NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run("/", argv, NULL, &r), 0);
	if (r.status == 126 || r.status == 127) { /* /tmp mounted noexec, or no setpriv there */
		fprintf(stderr, "skipped: nobody cannot run %s: %s", bin, r.err);
		nh_proc_free(&r);
		nh_rm_rf(dir);
		skip();
	}
	assert_int_equal(r.status, 2);
	assert_int_equal(nh_count_lines(r.err), 1);
	assert_non_null(strstr(r.err, "Permission denied (reading another user's process needs "
				      "CAP_SYS_PTRACE"));
	nh_proc_free(&r);
	nh_rm_rf(dir);
	(void)state;
}

/* A kernel thread is not a process to inspect: one line saying so, exit 2 (it used to print an
 * empty report with an unknown policy and exit 0). The first one /proc shows; none is visible
 * inside a PID namespace of its own, and then there is nothing to test. */
static void kernel_thread_is_refused(void **state)
{
	int kthread = -1;
	char comm[64] = "";
	for (int pid = 2; pid < 4096 && kthread < 0; pid++) {
		char path[64], line[1024];
		snprintf(path, sizeof path, "/proc/%d/stat", pid);
		if (nh_read_line(path, line, sizeof line) < 0)
			continue;
		const char *close = strrchr(line, ')'), *open = strchr(line, '(');
		unsigned long flags = 0;
		if (close && open && sscanf(close + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags) == 1 &&
		    (flags & 0x00200000)) {
			kthread = pid;
			snprintf(comm, sizeof comm, "%.*s", (int)(close - open - 1), open + 1);
		}
	}
	if (kthread < 0)
		skip();
	char pid[16], want[256]; /* the message with a whole comm */
	snprintf(pid, sizeof pid, "%d", kthread);
	snprintf(want, sizeof want,
		 "numaharness: inspect: %d (%s) is a kernel thread: it has no user memory or policy to inspect\n",
		 kthread, comm);
	char *argv[] = {NH_BIN, "inspect", pid, NULL};
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NULL, argv, NULL, &r), 0);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");
	nh_proc_free(&r);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_report),
		cmocka_unit_test(json_with_an_expectation),
		cmocka_unit_test(watch_samples),
		cmocka_unit_test(watch_outlives_the_process),
		cmocka_unit_test(thread_policy_behind_an_mbind),
		cmocka_unit_test(main_thread_gone_and_thread_ids),
		cmocka_unit_test(not_permitted_names_the_capability),
		cmocka_unit_test(kernel_thread_is_refused),
	};
	return cmocka_run_group_tests_name("inspect (e2e)", tests, start_child, stop_child);
}
