/* guest_cases: shared by the guest test programs — boot output split into cases ("@@case NAME",
 * output, "@@status N"), and small JSON accessors. Header-only: each test is one executable. */
#ifndef NH_GUEST_CASES_H
#define NH_GUEST_CASES_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define MAX_CASES 32

typedef struct guest_case {
	char name[64];
	char *text;   /* what the case printed */
	int status;   /* its exit status inside the guest */
	json_t *json; /* the first JSON value it printed (a record, or topo's object) */
} guest_case_t;

static guest_case_t cases[MAX_CASES];
static unsigned case_count;

/* ---- running the guest and splitting its output into cases ---- */

static char *run_capture(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	if (!p)
		return NULL;
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (size_t n; (n = fread(buf + len, 1, cap - len - 1, p)) > 0;) {
		len += n;
		if (cap - len < 4096)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	int st = pclose(p);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return buf;
}

static void split_cases(char *out)
{
	guest_case_t *c = NULL;
	size_t used = 0, cap = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "@@case ", 7) == 0 && case_count < MAX_CASES) {
			c = &cases[case_count++];
			snprintf(c->name, sizeof c->name, "%s", line + 7);
			cap = 1 << 16;
			c->text = calloc(1, cap);
			used = 0;
			c->status = -1;
		} else if (c && strncmp(line, "@@status ", 9) == 0) {
			c->status = atoi(line + 9);
			json_error_t e;
			const char *brace = strchr(c->text, '{');
			c->json = brace ? json_loadb(brace, strlen(brace), JSON_DISABLE_EOF_CHECK, &e) : NULL;
			c = NULL;
		} else if (c) {
			size_t n = strlen(line);
			if (used + n + 2 > cap)
				c->text = realloc(c->text, cap = (used + n + 2) * 2);
			memcpy(c->text + used, line, n);
			used += n;
			c->text[used++] = '\n';
			c->text[used] = '\0';
		}
	}
}

static guest_case_t *get_case(const char *name)
{
	for (unsigned i = 0; i < case_count; i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	fail_msg("the guest did not report case '%s'", name);
	return NULL;
}

/* ---- JSON helpers ---- */

static json_t *at(json_t *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
		o = json_object_get(o, k);
	return o;
}

static const char *str(json_t *o, const char *path)
{
	json_t *v = at(o, path);
	return json_is_string(v) ? json_string_value(v) : "";
}

static long long num(json_t *o, const char *path)
{
	return (long long)json_integer_value(at(o, path));
}

/* ---- booting ---- */

/* 77 after printing the reason when no guest can be booted here (not root, no qemu): ctest
 * then reports SKIP. 0 when one can. */
static int guest_unavailable(const char *kernel)
{
	char check[1024];
	snprintf(check, sizeof check, "%s/tests/guest/guest.sh --check --kernel %s", NH_SOURCE_DIR,
		 kernel);
	int status;
	char *why = run_capture(check, &status);
	if (status == 77)
		printf("%s", why ? why : "SKIP: guest unavailable\n");
	free(why);
	return status == 77 ? 77 : 0;
}

/* Boot tests/guest/guest.sh with \p args (after --build) and split what the guest printed into
 * cases. 0, or -1 after printing the guest's output. */
static int guest_boot(const char *args)
{
	char cmd[4096];
	/* Emulation is slow and slower still beside the suite's other work: a boot gets 420 s
	 * (ctest's limit for the test is 480), well over the 30-90 s it takes on an idle machine. */
	snprintf(cmd, sizeof cmd, "%s/tests/guest/guest.sh --build %s --timeout 420 %s 2>&1", NH_SOURCE_DIR,
		 NH_BUILD_DIR, args);
	int status;
	char *out = run_capture(cmd, &status);
	if (!out || status != 0) {
		fprintf(stderr, "guest failed (status %d):\n%s\n", status, out ? out : "");
		free(out);
		return -1;
	}
	split_cases(out);
	free(out);
	return 0;
}

#endif
