/* SPDX-License-Identifier: MIT */
/* run: one run spec in its own process. fork → CPU affinity → memory policy → exec the worker;
 * the parent enforces the timeout and turns exit codes and signals into outcomes, so a crash,
 * hang or OOM kill of a workload is a record, never the end of the sweep. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "install.h"
#include "run_forecast.h"
#include "run_options.h"
#include "worker_report.h"

/* buf = the worker when \p candidate is an executable file; 1 found, 0 not, -1 too long. */
static int worker_at(const char *candidate, char *buf, size_t len, nh_err_t *err)
{
	int n = snprintf(buf, len, "%s", candidate);
	/* A cut path would name (and exec) another file. */
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		errno = ENAMETOOLONG;
		return nh_err_set(err, "worker path too long (%d bytes, at most %zu)", n, len - 1);
	}
	/* errno says why not (stat's or access's; EISDIR, EINVAL for another kind of file). */
	struct stat st;
	if (stat(buf, &st) < 0)
		return 0;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		return 0;
	}
	return access(buf, X_OK) == 0;
}

/* $NH_WORKER, else nh-worker beside the executable (a build tree), else in the installed
 * layout's libexec/numaharness relative to it (a package, any prefix). */
int nh_run_find_worker(char *buf, size_t len, nh_err_t *err)
{
	const char *env = getenv("NH_WORKER");
	if (env && *env) {
		int got = worker_at(env, buf, len, err);
		if (got < 0)
			return -1;
		if (!got)
			return nh_err_set(err, "worker '%s' (NH_WORKER) is not an executable file: %s",
					  env, strerror(errno));
		nh_log(NH_LOG_INFO, "worker %s (NH_WORKER)", buf);
		return 0;
	}
	char dir[PATH_MAX], beside[PATH_MAX], libexec[PATH_MAX], installed[PATH_MAX];
	if (nh_install_exe_dir(dir, sizeof dir, err) < 0)
		return -1;
	if (snprintf(beside, sizeof beside, "%s/nh-worker", dir) >= (int)sizeof beside ||
	    nh_install_libexec_dir(dir, libexec, sizeof libexec, err) < 0 ||
	    snprintf(installed, sizeof installed, "%s/nh-worker", libexec) >= (int)sizeof installed) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "worker path too long (the executable is in %s)", dir);
	}
	const char *where[] = {beside, installed};
	for (unsigned i = 0; i < NH_ARRAY_LEN(where); i++) {
		int got = worker_at(where[i], buf, len, err);
		if (got < 0)
			return -1;
		if (got) {
			nh_log(NH_LOG_INFO, "worker %s", buf);
			return 0;
		}
	}
	buf[0] = '\0';
	errno = ENOENT;
	return nh_err_set(err, "worker nh-worker not found: not an executable file at %s nor %s "
			  "(set NH_WORKER to its path)", beside, installed);
}

static volatile sig_atomic_t running_pid;
static volatile sig_atomic_t cancelled;

void nh_run_cancel(void)
{
	cancelled = 1;
	pid_t pid = running_pid;
	if (pid > 0)
		kill(-pid, SIGKILL);
}

bool nh_run_cancelled(void) { return cancelled; }

/* /proc/vmstat oom_kill: tells an OOM kill from any other SIGKILL. */
static long long read_oom_kills(void)
{
	char *text = nh_read_file("/proc/vmstat", NULL, NULL);
	long long v = -1;
	if (!text)
		return -1;
	const char *p = strstr(text, "\noom_kill ");
	if (p)
		v = strtoll(p + 10, NULL, 10);
	free(text);
	return v;
}

/* Last non-empty line the worker wrote to stderr: the best reason we have for a crash. */
static void stderr_tail(int fd, char *out, size_t len)
{
	out[0] = '\0';
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0)
		return;
	char buf[2048];
	off_t start = size > (off_t)sizeof buf - 1 ? size - (off_t)sizeof buf + 1 : 0;
	ssize_t n = pread(fd, buf, sizeof buf - 1, start);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	char *line = strrchr(buf, '\n');
	/* Evidence for a reason text: a longer line is cut, and shows it. */
	nh_format_cut(out, len, "%s", line ? line + 1 : buf);
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Wait for the child up to timeout_s; returns 1 when it exited, 0 on timeout. */
static int wait_with_timeout(pid_t pid, double timeout_s, int *status)
{
	double deadline = nh_now() + timeout_s;
	int pfd = pidfd_open_compat(pid);
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR)
			break;
		double left = deadline - nh_now();
		if (left <= 0) {
			if (pfd >= 0)
				close(pfd);
			return 0;
		}
		if (pfd >= 0) {
			struct pollfd p = {.fd = pfd, .events = POLLIN};
			int ms = left > 1.0 ? 1000 : (int)(left * 1000) + 1;
			(void)poll(&p, 1, ms);
		} else {
			usleep(left > 0.01 ? 10000 : (useconds_t)(left * 1e6) + 1);
		}
	}
	if (pfd >= 0)
		close(pfd);
	return 1;
}

/* Child side, between fork and exec. Only async-signal-safe-ish work: we are single-threaded. */
static void child_exec(const nh_runner_opts_t *opts, const nh_run_spec_t *spec, nh_worker_report_t *rep,
		       int report_fd, int stderr_fd, char *const argv[], const nh_cgroup_run_t *cg,
		       bool cg_asked)
{
	nh_err_t err;
	setpgid(0, 0); /* the parent kills the whole group on timeout */
	if (stderr_fd >= 0)
		dup2(stderr_fd, STDERR_FILENO);
	/* Into the run's cgroup before anything is charged or placed: a cpuset narrows the CPUs
	 * the policy then applies within. A limit that cannot hold is a skip; else the run goes
	 * on without, and the record says why. */
	if (cg->available && nh_cgroup_run_join(cg) < 0) {
		rep->cgroup_join_errno = errno;
		if (cg_asked) {
			nh_format_cut(rep->reason, sizeof rep->reason, "cannot join the run's cgroup %s: %s",
				      cg->path, strerror(errno));
			_exit(NH_WORKER_EXIT_SKIPPED);
		}
	}
	if (opts->oom_score_adj != INT_MIN) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY);
		if (fd >= 0) {
			char v[16];
			int n = snprintf(v, sizeof v, "%d", opts->oom_score_adj);
			(void)!write(fd, v, (size_t)n);
			close(fd);
		}
	}
	/* The allocator takes effect at exec: LD_PRELOAD, and glibc's tunables. */
	if (spec->allocator_path[0])
		setenv("LD_PRELOAD", spec->allocator_path, 1);
	char tunables[1024];
	if (nh_run_options_tunables(&spec->params, tunables, sizeof tunables) > 0)
		setenv("GLIBC_TUNABLES", tunables, 1);
	int flags = fcntl(report_fd, F_GETFD);
	fcntl(report_fd, F_SETFD, flags & ~FD_CLOEXEC);
	if (nh_policy_apply(&spec->policy, &err) < 0) {
		/* The kernel refused the policy on this host: not applicable, so skipped. A message
		 * as long as the reason field is cut, visibly. */
		nh_format_cut(rep->reason, sizeof rep->reason, "policy not applicable: %s", err.msg);
		_exit(NH_WORKER_EXIT_SKIPPED);
	}
	execv(argv[0], argv);
	snprintf(rep->reason, sizeof rep->reason, "cannot exec worker %s: %s", argv[0], strerror(errno));
	_exit(NH_WORKER_EXIT_FAILED);
}

/* "WHY (exit status N)": a why as long as the field is cut ("...") so the exit status stays. */
static void failed_reason(nh_record_t *rec, const char *why)
{
	char status[32], cut[sizeof rec->reason];
	int n = snprintf(status, sizeof status, "%s(exit status %d)", why[0] ? " " : "", rec->exit_status);
	size_t room = sizeof rec->reason - (size_t)n; /* for why and the NUL */
	nh_format_cut(cut, room < sizeof cut ? room : sizeof cut, "%s", why);
	nh_format_cut(rec->reason, sizeof rec->reason, "%s%s", cut, status);
}

/* "64.0 MiB", as the OOM reason gives a limit. */
static const char *mib(uint64_t bytes, char *buf, size_t len)
{
	snprintf(buf, len, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
	return buf;
}

/* An OOM kill the run's own cgroup counted: "killed by the OOM killer in its cgroup (memory.max
 * 64.0 MiB, cgroup oom_kill +1)". */
static void cgroup_oom_reason(nh_record_t *rec)
{
	const nh_record_cgroup_t *c = &rec->run_cgroup;
	char limit[32];
	if (c->has_memory_max)
		snprintf(rec->reason, sizeof rec->reason,
			 "killed by the OOM killer in its cgroup (%s %s, cgroup oom_kill +%" PRIu64 ")",
			 c->version == 2 ? "memory.max" : "memory.limit_in_bytes",
			 mib(c->memory_max, limit, sizeof limit), c->oom_kill);
	else
		snprintf(rec->reason, sizeof rec->reason,
			 "killed by the OOM killer (its cgroup has no limit of its own: the host's or a "
			 "parent cgroup's memory ran out; cgroup oom_kill +%" PRIu64 ")", c->oom_kill);
}

static void classify(nh_record_t *rec, const nh_worker_report_t *rep, int status, bool timed_out,
		     long long oom_before, double timeout_s, const char *tail)
{
	bool have_report = rep->magic == NH_REPORT_MAGIC || rep->reason[0];
	rec->exit_status = -1;
	if (timed_out) {
		rec->outcome = NH_OUTCOME_TIMEOUT;
		snprintf(rec->reason, sizeof rec->reason, "killed after the %.0f s timeout", timeout_s);
		return;
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		long long oom_after = read_oom_kills();
		rec->term_signal = sig;
		/* The run's own cgroup counts the kills of its processes, whichever OOM killer
		 * struck; without one, the host's count tells an OOM kill from another SIGKILL. */
		if (sig == SIGKILL && rec->run_cgroup.available && rec->run_cgroup.has_oom_kill &&
		    rec->run_cgroup.oom_kill > 0) {
			rec->outcome = NH_OUTCOME_OOM_KILLED;
			cgroup_oom_reason(rec);
		} else if (sig == SIGKILL && oom_before >= 0 && oom_after > oom_before) {
			rec->outcome = NH_OUTCOME_OOM_KILLED;
			snprintf(rec->reason, sizeof rec->reason,
				 "killed by the OOM killer (SIGKILL; /proc/vmstat oom_kill +%lld)", oom_after - oom_before);
		} else {
			rec->outcome = NH_OUTCOME_CRASHED;
			snprintf(rec->reason, sizeof rec->reason, "killed by signal %d (%s)%s%s", sig, strsignal(sig),
				 tail[0] ? ": " : "", tail);
		}
		return;
	}
	rec->exit_status = WEXITSTATUS(status);
	const char *why = have_report && rep->reason[0] ? rep->reason : tail;
	switch (rec->exit_status) {
	case NH_WORKER_EXIT_OK:
		rec->outcome = NH_OUTCOME_OK;
		snprintf(rec->reason, sizeof rec->reason, "%s", "");
		break;
	case NH_WORKER_EXIT_SKIPPED:
		rec->outcome = NH_OUTCOME_SKIPPED;
		snprintf(rec->reason, sizeof rec->reason, "%s", why[0] ? why : "skipped by the workload");
		break;
	default:
		rec->outcome = NH_OUTCOME_FAILED;
		failed_reason(rec, why);
		break;
	}
}

/* The layers' sections and the metrics they derived, whatever the layers are. */
static void copy_layers(nh_record_t *rec, const nh_worker_report_t *rep)
{
	rec->allocator_valid = rep->allocator_valid;
	rec->allocator = rep->allocator;
	rec->sections = rep->samplers.sections; /* offsets are checked where they are read */
	unsigned n = rep->samplers.metric_count < NH_SAMPLER_METRIC_MAX ? rep->samplers.metric_count
									: NH_SAMPLER_METRIC_MAX;
	for (unsigned i = 0; i < n; i++) {
		const nh_metric_t *m = &rep->samplers.metrics[i];
		char name[sizeof m->name], unit[sizeof m->unit];
		snprintf(name, sizeof name, "%.*s", (int)sizeof m->name - 1, m->name);
		snprintf(unit, sizeof unit, "%.*s", (int)sizeof m->unit - 1, m->unit);
		nh_record_add_metric(rec, name, unit, m->better, m->value);
	}
}

/* A layer the worker did not report on says so, with why. */
static void fill_unreported(nh_record_t *rec)
{
	nh_samplers_fill_unreported(nh_samplers, nh_sampler_count, &rec->sections, rec->outcome == NH_OUTCOME_SKIPPED
							    ? "the run was skipped"
							    : "the worker ended before reporting");
}

static void copy_report(nh_record_t *rec, const nh_worker_report_t *rep)
{
	if (rep->magic != NH_REPORT_MAGIC)
		return;
	if (rep->applied_valid) {
		rec->applied_valid = true;
		nh_policy_applied_format(&rep->applied, rec->applied_spec, sizeof rec->applied_spec);
		snprintf(rec->applied_mem_mode, sizeof rec->applied_mem_mode, "%s",
			 nh_policy_mem_mode_name(rep->applied.mem_mode));
		nh_set_format(&rep->applied.mem_nodes, rec->applied_mem_nodes, sizeof rec->applied_mem_nodes);
		nh_set_format(&rep->applied.cpus, rec->applied_cpus, sizeof rec->applied_cpus);
	}
	if (rep->observed_valid) {
		rec->observed_valid = true;
		rec->placement = rep->placement;
		snprintf(rec->expected_nodes, sizeof rec->expected_nodes, "%s", rep->expected_nodes);
		rec->numa_maps_valid = rep->numa_maps_valid;
		memcpy(rec->numa_maps_pages, rep->numa_maps_pages, sizeof rec->numa_maps_pages);
	}
	nh_set_format(&rep->ran_on, rec->ran_on, sizeof rec->ran_on);
	unsigned n = rep->metric_count < NH_MAX_METRICS ? rep->metric_count : NH_MAX_METRICS;
	for (unsigned i = 0; i < n; i++)
		rec->metrics[i] = rep->metrics[i];
	rec->metric_count = n;
	rec->notes = rep->notes;
	nh_notes_sanitize(&rec->notes); /* the block came from another process */
	copy_layers(rec, rep);
}

/* The parent of the runs' cgroups, found (or made) once per setting — and again when it has gone
 * — with the cgroups a killed harness left there removed on the way. */
static struct {
	bool resolved;
	char setting[NH_CGROUP_PATH_MAX];
	nh_cgroup_parent_t parent;
} cg_parent;

static const nh_cgroup_parent_t *cgroup_parent(const char *setting, bool again)
{
	const char *s = setting ? setting : "";
	if (cg_parent.resolved && !again && strcmp(cg_parent.setting, s) == 0)
		return &cg_parent.parent;
	nh_cgroup_parent_resolve(s, &cg_parent.parent);
	snprintf(cg_parent.setting, sizeof cg_parent.setting, "%s", s);
	cg_parent.resolved = true;
	if (cg_parent.parent.available) {
		nh_cgroup_remove_stale(&cg_parent.parent);
		nh_log(NH_LOG_INFO, "each run in a cgroup of its own under %s (cgroup v%d)", cg_parent.parent.dir,
		       cg_parent.parent.version);
	} else {
		nh_log(NH_LOG_INFO, "runs without a cgroup of their own: %s", cg_parent.parent.why);
	}
	return &cg_parent.parent;
}

/* What the run asks of its cgroup (plan-checked run options); the first option asked as
 * "name=value" in \p asked, "" when none. */
static void cgroup_limits(const nh_params_t *p, nh_cgroup_limits_t *lim, char *asked, size_t len)
{
	static const char *const names[] = {"memory_limit", "memory_high", "cpuset_cpus", "cpuset_mems"};
	memset(lim, 0, sizeof *lim);
	asked[0] = '\0';
	for (unsigned i = 0; i < NH_ARRAY_LEN(names); i++) {
		const char *v = nh_params_get(p, names[i]);
		if (!v)
			continue;
		if (!asked[0])
			snprintf(asked, len, "%s=%s", names[i], v);
		switch (i) {
		case 0: (void)nh_parse_size(v, &lim->memory_max, NULL); break;
		case 1: (void)nh_parse_size(v, &lim->memory_high, NULL); break;
		case 2: snprintf(lim->cpus, sizeof lim->cpus, "%s", v); break;
		default: snprintf(lim->mems, sizeof lim->mems, "%s", v); break;
		}
	}
}

/* Make the run's cgroup into \p cg and say so in the record. -1 when the run must be skipped
 * (it asked for a limit or cpuset that cannot be had): the reason is then the record's. */
static int make_cgroup(const nh_runner_opts_t *opts, const nh_run_spec_t *spec, const nh_cgroup_limits_t *lim,
		       const char *asked, nh_cgroup_run_t *cg, nh_record_t *rec)
{
	nh_record_cgroup_t *rc = &rec->run_cgroup;
	nh_err_t cerr;
	const nh_cgroup_parent_t *p = cgroup_parent(opts->cgroup_parent, false);
	int made = nh_cgroup_run_create(p, getpid(), spec->index, lim, cg, &cerr);
	if (made < 0 && errno == ENOENT && p->available) /* the parent went meanwhile */
		made = nh_cgroup_run_create(cgroup_parent(opts->cgroup_parent, true), getpid(), spec->index, lim,
					    cg, &cerr);
	if (made < 0) {
		rc->available = false;
		nh_format_cut(rc->unavailable, sizeof rc->unavailable, "%s", cerr.msg);
		if (!asked[0])
			return 0;
		/* A reason that names the option stands alone; else it says what asked for it. */
		size_t opt = strcspn(asked, "=");
		if (strncmp(cerr.msg, asked, opt) == 0 && cerr.msg[opt] == ':')
			nh_format_cut(rec->reason, sizeof rec->reason, "%s", cerr.msg);
		else
			nh_format_cut(rec->reason, sizeof rec->reason, "%s needs a cgroup of the run's own: %s",
				      asked, cerr.msg);
		return -1;
	}
	rc->available = true;
	snprintf(rc->path, sizeof rc->path, "%s", cg->path);
	rc->version = cg->version;
	rc->has_memory_max = cg->has_memory_max;
	rc->memory_max = cg->memory_max;
	rc->has_memory_high = cg->has_memory_high;
	rc->memory_high = cg->memory_high;
	snprintf(rc->cpus, sizeof rc->cpus, "%s", cg->cpus);
	snprintf(rc->mems, sizeof rc->mems, "%s", cg->mems);
	return 0;
}

/* After the run: what its cgroup saw, unless the worker never got into it. */
static void cgroup_after(nh_cgroup_run_t *cg, const nh_worker_report_t *rep, nh_record_t *rec)
{
	nh_record_cgroup_t *rc = &rec->run_cgroup;
	if (!cg->available)
		return;
	if (rep->cgroup_join_errno) {
		rc->available = false;
		nh_format_cut(rc->unavailable, sizeof rc->unavailable, "the worker could not join %s: %s",
			      cg->path, strerror(rep->cgroup_join_errno));
		return;
	}
	nh_cgroup_run_read_final(cg);
	rc->has_oom_kill = cg->has_oom_kill;
	rc->oom_kill = cg->oom_kill;
	rc->has_memory_peak = cg->has_memory_peak;
	rc->memory_peak = cg->memory_peak;
}

int nh_run_one(const nh_runner_opts_t *opts, const nh_run_spec_t *spec, nh_record_t *rec, nh_err_t *err)
{
	memset(rec, 0, sizeof *rec);
	rec->spec = *spec;
	rec->exit_status = -1;
	rec->fraction_expected = -1;
	nh_utc_stamp(rec->started_at, sizeof rec->started_at, true);
	if (cancelled) {
		errno = EINTR;
		return nh_err_set(err, "interrupted");
	}
	snprintf(rec->run_cgroup.unavailable, sizeof rec->run_cgroup.unavailable, "%s",
		 "the run was skipped before its cgroup was made");
	if (spec->skip) {
		rec->outcome = NH_OUTCOME_SKIPPED;
		snprintf(rec->reason, sizeof rec->reason, "%s", spec->skip_reason);
		nh_record_judge_placement(rec, opts->placement_threshold);
		fill_unreported(rec);
		return 0;
	}

	int rc = -1, report_fd = -1, stderr_fd = -1;
	nh_worker_report_t *rep = MAP_FAILED;
	nh_cgroup_run_t cg = {.procs_fd = -1, .cpuset_procs_fd = -1};
	nh_policy_saved_weights_t weights = {0};
	report_fd = memfd_create("nh-report", MFD_CLOEXEC);
	stderr_fd = memfd_create("nh-worker-stderr", MFD_CLOEXEC);
	if (report_fd < 0 || stderr_fd < 0 || ftruncate(report_fd, sizeof *rep) < 0) {
		nh_err_set(err, "cannot create the shared report: %s", strerror(errno));
		goto out;
	}
	rep = mmap(NULL, sizeof *rep, PROT_READ | PROT_WRITE, MAP_SHARED, report_fd, 0);
	if (rep == MAP_FAILED) {
		nh_err_set(err, "cannot map the shared report: %s", strerror(errno));
		goto out;
	}

	/* Weighted-interleave weights are system-wide: set them for this run only. */
	nh_err_t werr;
	if (nh_policy_set_weights(&spec->policy, &weights, &werr) < 0) {
		rec->outcome = NH_OUTCOME_SKIPPED;
		nh_format_cut(rec->reason, sizeof rec->reason, "policy not applicable: %s", werr.msg);
		rc = 0;
		goto out;
	}

	/* Its own cgroup, before anything of it runs: skipped when a limit it asks for cannot be. */
	nh_cgroup_limits_t lim;
	char asked[160];
	cgroup_limits(&spec->params, &lim, asked, sizeof asked);
	if (make_cgroup(opts, spec, &lim, asked, &cg, rec) < 0) {
		rec->outcome = NH_OUTCOME_SKIPPED;
		rc = 0;
		goto out;
	}

	char fd_arg[16], llc_arg[32], threshold_arg[32];
	snprintf(fd_arg, sizeof fd_arg, "%d", report_fd);
	snprintf(llc_arg, sizeof llc_arg, "%" PRIu64, opts->topo ? nh_topo_llc_bytes(opts->topo) : 0);
	snprintf(threshold_arg, sizeof threshold_arg, "%g", opts->placement_threshold);
	/* Every option the worker can get, each with its value, "--", every parameter, NULL: sized
	 * from that list, and each push checked against it (a parameter set at its limit with every
	 * option present once overflowed a guess here). */
	enum { WORKER_OPTIONS = 8 /* report-fd workload policy llc expect series scratch cgroup */ };
	char *argv[1 + 2 * WORKER_OPTIONS + 1 + NH_MAX_PARAMS + 1];
	char param_args[NH_MAX_PARAMS][sizeof spec->params.kv[0].name + sizeof spec->params.kv[0].value + 2];
	unsigned a = 0;
	_Static_assert(NH_ARRAY_LEN(param_args) == NH_MAX_PARAMS, "one argument per parameter");
	argv[a++] = (char *)opts->worker_path;
	argv[a++] = "--report-fd";
	argv[a++] = fd_arg;
	argv[a++] = "--workload";
	argv[a++] = (char *)spec->wl->name;
	argv[a++] = "--policy";
	argv[a++] = (char *)spec->policy.spec;
	argv[a++] = "--llc";
	argv[a++] = llc_arg;
	nh_set_t expected;
	char expect_arg[256];
	nh_policy_expected_nodes(&spec->policy, &expected);
	nh_set_format(&expected, expect_arg, sizeof expect_arg);
	if (expect_arg[0]) {
		argv[a++] = "--expect";
		argv[a++] = expect_arg;
	}
	char series_arg[PATH_MAX + 32];
	if (opts->results_dir) {
		char dir[PATH_MAX];
		/* A cut path would put the series somewhere else. */
		int nd = snprintf(dir, sizeof dir, "%s/series", opts->results_dir);
		if (nd < 0 || (size_t)nd >= sizeof dir) {
			errno = ENAMETOOLONG;
			nh_err_set(err, "series directory: path too long (at most %zu bytes) under %.256s...",
				   sizeof dir - 1, opts->results_dir);
			goto out;
		}
		snprintf(rec->series_file, sizeof rec->series_file, "series/run-%u.csv", spec->index);
		snprintf(series_arg, sizeof series_arg, "%s/%s", opts->results_dir, rec->series_file);
		if (nh_mkdir_p(dir, err) < 0)
			goto out;
		argv[a++] = "--series";
		argv[a++] = series_arg;
	}
	if (opts->scratch_dir) {
		argv[a++] = "--scratch";
		argv[a++] = (char *)opts->scratch_dir;
	}
	if (cg.available) { /* the series reads the run's own cgroup only when it is in it */
		argv[a++] = "--cgroup";
		argv[a++] = cg.path;
	}
	argv[a++] = "--";
	if (spec->params.count > NH_MAX_PARAMS || a + spec->params.count >= NH_ARRAY_LEN(argv)) {
		errno = E2BIG;
		nh_err_set(err, "internal: %u parameters do not fit the worker's argument vector",
			   spec->params.count);
		goto out;
	}
	for (unsigned i = 0; i < spec->params.count; i++) {
		snprintf(param_args[i], sizeof param_args[i], "%s=%s", spec->params.kv[i].name,
			 spec->params.kv[i].value);
		argv[a++] = param_args[i];
	}
	argv[a] = NULL;

	nh_numastat_t before, after;
	nh_err_t nerr;
	bool numastat_ok = nh_numastat_read("/sys/devices/system/node", &before, &nerr) == 0;
	long long oom_before = read_oom_kills();
	double t0 = nh_now();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		nh_err_set(err, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		child_exec(opts, spec, rep, report_fd, stderr_fd, argv, &cg, asked[0] != '\0');
	nh_cgroup_run_close(&cg); /* the child's to write; removal goes by path */
	setpgid(pid, pid); /* also here, so a kill of the group cannot race the child's own call */
	running_pid = pid;
	if (cancelled)
		kill(-pid, SIGKILL); /* cancelled between the check and the fork */

	int status = 0;
	bool timed_out = !wait_with_timeout(pid, spec->timeout_s, &status);
	if (timed_out) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	running_pid = 0;
	rec->duration_s = nh_now() - t0;
	/* The scratch space is per run: what a killed workload left there (files of a filexfer
	 * that timed out) must not fill the disk for the next run. */
	nh_err_t serr;
	if (opts->scratch_dir && nh_empty_dir(opts->scratch_dir, &serr) < 0)
		nh_log(NH_LOG_WARN, "%s", serr.msg);
	if (numastat_ok && nh_numastat_read("/sys/devices/system/node", &after, &nerr) == 0) {
		nh_numastat_delta(&before, &after, &rec->numastat_delta);
		rec->numastat_valid = true;
	}
	cgroup_after(&cg, rep, rec);
	char tail[256];
	stderr_tail(stderr_fd, tail, sizeof tail);
	copy_report(rec, rep);
	/* A crashed run keeps the series it wrote so far: often the best evidence of why. */
	if (rec->series_file[0] && access(series_arg, F_OK) != 0)
		rec->series_file[0] = '\0';
	classify(rec, rep, status, timed_out, oom_before, spec->timeout_s, tail);
	nh_record_judge_placement(rec, opts->placement_threshold);
	nh_run_forecast(rec, series_arg);
	rc = 0;
out:;
	/* Every way out removes the run's cgroup: ended, killed at the timeout or by a Ctrl-C. */
	nh_err_t cgerr;
	if (nh_cgroup_run_remove(&cg, &cgerr) < 0)
		nh_log(NH_LOG_WARN, "%s", cgerr.msg);
	if (rc == 0)
		fill_unreported(rec);
	nh_policy_restore_weights(&weights);
	if (rep != MAP_FAILED)
		munmap(rep, sizeof *rep);
	if (report_fd >= 0)
		close(report_fd);
	if (stderr_fd >= 0)
		close(stderr_fd);
	return rc;
}
