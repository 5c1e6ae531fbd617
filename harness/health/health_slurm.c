/* SPDX-License-Identifier: MIT */
/* health_slurm: the node's state from scontrol, the drain/resume decision, and scontrol run with
 * posix_spawn (no shell) under a timeout: slurmd kills a health check at 60 s, and a controller
 * that does not answer must not take the check with it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "health_internal.h"
#include "health_slurm.h"

extern char **environ;

#define OUTPUT_MAX (64 * 1024)

/* Where "KEY=" starts a field: at a line's start or after a blank. NULL when absent. */
static const char *field(const char *text, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = strstr(text, key); p; p = strstr(p + 1, key))
		if (p == text || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n')
			return p + n;
	return NULL;
}

/* Does [p, end) open slurmctld's " [user@2026-12-06T08:03:06]" suffix? */
static bool stamp_at(const char *p, const char *end)
{
	if (end - p < 4 || p[0] != ' ' || p[1] != '[' || end[-1] != ']')
		return false;
	const char *at = memchr(p + 2, '@', (size_t)(end - p - 2));
	if (!at || at == p + 2)
		return false;
	/* YYYY-MM-DDTHH:MM:SS between '@' and ']' */
	const char *t = at + 1;
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	if (end - 1 - t != (ptrdiff_t)strlen(shape))
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)t[i]) : t[i] != shape[i])
			return false;
	return true;
}

int nh_slurm_parse_node(const char *text, const char *node, nh_slurm_node_t *s, nh_err_t *err)
{
	memset(s, 0, sizeof *s);
	errno = EINVAL;
	const char *name = field(text, "NodeName=");
	size_t n = strlen(node);
	if (!name || strncmp(name, node, n) != 0 || (name[n] && !isspace((unsigned char)name[n])))
		return nh_err_set(err, "no NodeName=%s in what it printed", node);
	const char *state = field(name, "State=");
	if (!state)
		return nh_err_set(err, "no State= for node %s in what it printed", node);
	size_t len = strcspn(state, " \t\n");
	if (len >= sizeof s->state)
		return nh_err_set(err, "State= of node %s is %zu bytes long", node, len);
	memcpy(s->state, state, len);
	const char *reason = field(name, "Reason=");
	if (reason) {
		const char *end = reason + strcspn(reason, "\n");
		/* The reason runs to the line's end; slurmctld adds who set it and when. The last such
		 * stamp is slurmctld's, whatever the reason itself holds. */
		for (const char *p = end; p > reason; p--)
			if (p[-1] == ']') {
				const char *open = p - 1;
				while (open > reason && *open != '[')
					open--;
				if (open > reason && stamp_at(open - 1, p)) {
					end = open - 1;
					break;
				}
			}
		nh_format_cut(s->reason, sizeof s->reason, "%.*s", (int)(end - reason), reason);
	}
	nh_health_printable(s->reason); /* an admin's reason may be UTF-8: ours are ASCII */
	errno = 0;
	return 0;
}

/* Does the state ("IDLE+DRAIN+MAINTENANCE") hold one of \p parts (NULL-ended)? */
static bool state_has(const nh_slurm_node_t *s, const char *const *parts)
{
	for (const char *p = s->state; *p;) {
		size_t len = strcspn(p, "+");
		while (len > 0 && strchr("*~#!%$@^-", p[len - 1])) /* sinfo's suffixes */
			len--;
		for (const char *const *part = parts; *part; part++)
			if (strlen(*part) == len && strncasecmp(p, *part, len) == 0)
				return true;
		p += strcspn(p, "+");
		if (*p)
			p++;
	}
	return false;
}

bool nh_slurm_node_is_out(const nh_slurm_node_t *s)
{
	static const char *const out[] = {"DRAIN",   "DRAINED", "DRAINING", "DOWN",
					  "FAIL",    "FAILING", NULL};
	return state_has(s, out);
}

bool nh_slurm_node_in_maintenance(const nh_slurm_node_t *s)
{
	static const char *const maint[] = {"MAINTENANCE", "MAINT", NULL};
	return state_has(s, maint);
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void nh_health_drain_plan(const nh_health_report_t *r, const nh_slurm_node_t *s,
			  nh_drain_plan_t *p)
{
	memset(p, 0, sizeof *p);
	bool out = nh_slurm_node_is_out(s);
	const char *theirs = s->reason[0] ? s->reason : "no reason given";
	/* In a maintenance reservation (a burn-in's, an admin's) the node is out of users' reach and
	 * being worked on: a burn-in resumed it there to measure it, and draining it for the
	 * validation it is about to get would hold its job, and the judge, forever. */
	if (nh_slurm_node_in_maintenance(s)) {
		if (r->failed)
			nh_format_cut(p->reason, sizeof p->reason, NH_HEALTH_REASON_PREFIX "%s",
				      r->reason);
		snprintf(p->action, sizeof p->action,
			 "left: in a maintenance reservation (a burn-in or an admin at work)");
		return;
	}
	if (r->failed) {
		nh_format_cut(p->reason, sizeof p->reason, NH_HEALTH_REASON_PREFIX "%s", r->reason);
		/* Only its own reason is replaced: a burn-in's ("numaharness: ...") carries evidence
		 * the health check cannot see, and replacing it would let a later pass resume it. */
		if (out && starts_with(s->reason, "numaharness: ")) {
			nh_format_cut(p->action, sizeof p->action, "left: drained by the burn-in (%s)",
				      theirs);
		} else if (out && !starts_with(s->reason, NH_HEALTH_REASON_PREFIX)) {
			nh_format_cut(p->action, sizeof p->action, "left: drained by someone else (%s)",
				      theirs);
		} else if (out && strcmp(s->reason, p->reason) == 0) {
			snprintf(p->action, sizeof p->action, "none");
		} else {
			p->step = NH_DRAIN_DRAIN;
			snprintf(p->action, sizeof p->action, "drained");
		}
		return;
	}
	if (!out) {
		snprintf(p->action, sizeof p->action, "none");
	} else if (starts_with(s->reason, "numaharness: ")) {
		nh_format_cut(p->action, sizeof p->action, "left: drained by the burn-in (%s)", theirs);
	} else if (!starts_with(s->reason, NH_HEALTH_REASON_PREFIX)) {
		nh_format_cut(p->action, sizeof p->action, "left: drained by someone else (%s)",
			      theirs);
	} else if (r->unknown) {
		nh_format_cut(p->action, sizeof p->action,
			      "left: not resumed while a check is unknown (%s)", theirs);
	} else {
		p->step = NH_DRAIN_RESUME;
		snprintf(p->action, sizeof p->action, "resumed");
	}
}

static bool executable_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int found(char *path, size_t len, const char *what, nh_err_t *err)
{
	if ((size_t)snprintf(path, len, "%s", what) >= len) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "scontrol path too long");
	}
	return 0;
}

int nh_slurm_find_scontrol(const char *given, nh_env_lookup_fn env, void *ctx, char *path,
			   size_t len, nh_err_t *err)
{
	const char *from_env = env("NH_SCONTROL", ctx);
	if (given || (from_env && *from_env)) {
		const char *want = given ? given : from_env;
		if (!executable_file(want)) {
			errno = EINVAL;
			return nh_err_set(err, "%s%s: not an executable file",
					  given ? "--scontrol " : "NH_SCONTROL=", want);
		}
		return found(path, len, want, err);
	}
	const char *search = env("PATH", ctx);
	for (const char *p = search; p && *p;) {
		const char *end = strchr(p, ':');
		size_t dl = end ? (size_t)(end - p) : strlen(p);
		char cand[PATH_MAX];
		if (dl > 0 && (size_t)snprintf(cand, sizeof cand, "%.*s/scontrol", (int)dl, p) <
				      sizeof cand && executable_file(cand))
			return found(path, len, cand, err);
		p = end ? end + 1 : NULL;
	}
	if (executable_file("/usr/bin/scontrol"))
		return found(path, len, "/usr/bin/scontrol", err);
	errno = ENOENT;
	return nh_err_set(err, "scontrol not found (searched PATH and /usr/bin/scontrol; "
			  "--scontrol PATH or NH_SCONTROL=PATH names it)");
}

void nh_slurm_last_line(const char *text, char *buf, size_t len)
{
	buf[0] = '\0';
	for (const char *line = text; line && *line; line = nh_next_line(line)) {
		size_t n = strcspn(line, "\n");
		while (n > 0 && isspace((unsigned char)line[n - 1]))
			n--;
		if (n > 0)
			nh_format_cut(buf, len, "%.*s", (int)n, line);
	}
}

/* Read what the child writes until it closes the pipe or \p deadline; false on the deadline. */
static bool read_output(int fd, double deadline, char *buf, size_t cap, size_t *used)
{
	for (;;) {
		double left = deadline - nh_now();
		if (left <= 0)
			return false;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int rc = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue; /* the deadline decides */
		char chunk[4096];
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		size_t take = (size_t)n < cap - *used ? (size_t)n : cap - *used;
		memcpy(buf + *used, chunk, take);
		*used += take;
	}
}

/* Wait for \p pid until \p deadline (it closed its output: it is ending). true when reaped. */
static bool reap(pid_t pid, double deadline, int *status)
{
	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return true;
		if (w < 0 && errno != EINTR)
			return true;
		if (nh_now() > deadline)
			return false;
		nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL);
	}
}

int nh_slurm_run(const char *path, char *const argv[], double timeout_s, char **output,
		 nh_err_t *err)
{
	*output = NULL;
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return nh_err_set(err, "%s: pipe: %s", argv[0], strerror(errno));
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	posix_spawnattr_init(&attr);
	/* Its own process group, so a timeout kills whatever it started too; default signals. */
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGTERM);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
					       POSIX_SPAWN_SETSIGDEF);
	/* This environment, but slurmctld's stamp after a reason in one shape whatever the site's
	 * SLURM_TIME_FORMAT ("[root@2026-12-06T08:03:06]"), so it can be told from the reason. */
	size_t n = 0;
	while (environ[n])
		n++;
	char **envp = calloc(n + 2, sizeof *envp);
	pid_t pid;
	int rc = ENOMEM;
	if (envp) {
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (strncmp(environ[i], "SLURM_TIME_FORMAT=", 18) != 0)
				envp[k++] = environ[i];
		envp[k] = "SLURM_TIME_FORMAT=standard";
		rc = posix_spawn(&pid, path, &fa, &attr, argv, envp);
		free(envp);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(pipefd[1]);
	if (rc != 0) {
		close(pipefd[0]);
		errno = rc;
		return nh_err_set(err, "cannot run %s: %s", path, strerror(rc));
	}
	char *buf = malloc(OUTPUT_MAX + 1);
	size_t used = 0;
	double deadline = nh_now() + timeout_s;
	bool closed = buf && read_output(pipefd[0], deadline, buf, OUTPUT_MAX, &used);
	close(pipefd[0]);
	int status = 0;
	if (!closed || !reap(pid, deadline, &status)) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		free(buf);
		errno = buf ? ETIMEDOUT : ENOMEM;
		if (!buf)
			return nh_err_set(err, "%s: out of memory", argv[0]);
		return nh_err_set(err, "%s did not finish in %g s (killed)", argv[0], timeout_s);
	}
	buf[used] = '\0';
	if (WIFSIGNALED(status)) {
		char said[200];
		nh_slurm_last_line(buf, said, sizeof said);
		free(buf);
		errno = EINTR;
		return nh_err_set(err, "%s was killed by signal %d%s%s", argv[0], WTERMSIG(status),
				  said[0] ? ": " : "", said);
	}
	*output = buf;
	return WEXITSTATUS(status);
}
