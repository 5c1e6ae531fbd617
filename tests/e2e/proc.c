/* Test helper: spawn a command with captured output (see proc.h). */
#include "proc.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static char *slurp(FILE *f)
{
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	size_t got = fread(buf, 1, (size_t)n, f);
	buf[got] = '\0';
	return buf;
}

int nh_proc_run(const char *cwd, char *const argv[], char *const env[], nh_proc_result_t *r)
{
	FILE *out = tmpfile(), *err = tmpfile();
	if (!out || !err)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fileno(out), 1);
		dup2(fileno(err), 2);
		if (cwd && chdir(cwd) < 0)
			_exit(126);
		for (char *const *e = env; e && *e; e++)
			putenv(*e);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(out);
	r->err = slurp(err);
	fclose(out);
	fclose(err);
	return 0;
}

void nh_proc_free(nh_proc_result_t *r)
{
	free(r->out);
	free(r->err);
}

unsigned nh_count_lines(const char *text)
{
	unsigned n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	if (*text && text[strlen(text) - 1] != '\n')
		n++;
	return n;
}

char *nh_tmpdir(void)
{
	char *path = strdup("/tmp/nh-e2e-XXXXXX");
	return mkdtemp(path);
}

void nh_rm_rf(const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

pid_t nh_proc_start_out(const char *bin, const char *cwd, const char *outpath, const char *errpath,
			char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen(errpath, "w", stderr) || !freopen(outpath ? outpath : "/dev/null", "w", stdout) ||
		    (cwd && chdir(cwd) != 0))
			_exit(99);
		execv(bin, argv);
		_exit(98);
	}
	return pid;
}

pid_t nh_proc_start(const char *bin, const char *cwd, const char *errpath, char *const argv[])
{
	return nh_proc_start_out(bin, cwd, NULL, errpath, argv);
}

bool nh_proc_wait_for(const char *path, const char *text, double seconds)
{
	for (double waited = 0; waited < seconds; waited += 0.05) {
		char content[65536];
		size_t n = 0;
		FILE *f = fopen(path, "r");
		if (f) {
			n = fread(content, 1, sizeof content - 1, f);
			fclose(f);
		}
		content[n] = '\0';
		bool seen = strstr(content, text) != NULL;
		if (seen)
			return true;
		usleep(50 * 1000);
	}
	return false;
}

int nh_proc_interrupt(pid_t pid)
{
	int st;
	if (kill(pid, SIGINT) != 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

char *nh_read_in(const char *dir, const char *name)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof path)
		fail_msg("path too long: %s/%s", dir, name);
	char *text = nh_read_file(path, NULL, NULL);
	if (!text)
		fail_msg("missing %s", path);
	return text;
}
