/* The bad-input corpus: every case in tests/badinput/cases.txt runs the real binary and must exit
 * with the given status and print exactly one stderr line containing the expected text. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proc.h"

typedef struct bad_case {
	int line;
	int exit_status;
	char expected[512];
	char *argv[32];
	char args_text[1024];
} bad_case_t;

/* Split like a shell would for simple cases: spaces separate, '...' groups. */
static int split_args(char *text, char **argv, int max)
{
	int n = 0;
	for (char *p = text; *p && n < max - 1;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		char *out = p, *start = p;
		while (*p && *p != ' ') {
			if (*p == '\'') {
				p++;
				while (*p && *p != '\'')
					*out++ = *p++;
				if (*p)
					p++;
			} else {
				*out++ = *p++;
			}
		}
		bool end = *p == '\0';
		*out = '\0';
		argv[n++] = start;
		if (end)
			break;
		p++;
	}
	argv[n] = NULL;
	return n;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n'))
		s[--n] = '\0';
	size_t lead = strspn(s, " ");
	memmove(s, s + lead, strlen(s + lead) + 1);
}

static void run_case(void **state)
{
	bad_case_t *c = *state;
	char *argv[34];
	argv[0] = NH_BIN;
	int i = 0;
	for (; c->argv[i]; i++)
		argv[i + 1] = c->argv[i];
	argv[i + 1] = NULL;
	char *tmp = nh_tmpdir();
	char results[600], *env[] = {results, NULL};
	snprintf(results, sizeof results, "NH_RESULTS_DIR=%s", tmp);
	nh_proc_result_t r;
	assert_int_equal(nh_proc_run(NH_SOURCE_DIR, argv, env, &r), 0);
	if (r.status != c->exit_status || !strstr(r.err, c->expected) || nh_count_lines(r.err) != 1) {
		fprintf(stderr, "cases.txt:%d: %s\n  expected exit %d and one stderr line containing: %s\n"
				"  got exit %d, stderr:\n%s\n",
			c->line, c->args_text, c->exit_status, c->expected, r.status, r.err);
		fail();
	}
	nh_proc_free(&r);
	nh_rm_rf(tmp);
	free(tmp);
}

int main(void)
{
	FILE *f = fopen(NH_SOURCE_DIR "/tests/badinput/cases.txt", "r");
	if (!f) {
		perror("cases.txt");
		return 1;
	}
	static bad_case_t cases[256];
	static struct CMUnitTest tests[256];
	static char names[256][sizeof "line -2147483648: " + 80]; /* "line %d: %.80s" whole */
	int n = 0, lineno = 0;
	char line[2048];
	while (fgets(line, sizeof line, f) && n < 256) {
		lineno++;
		if (line[0] == '#' || line[strspn(line, " \n")] == '\0')
			continue;
		char *bar1 = strchr(line, '|'), *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
		if (!bar2) {
			fprintf(stderr, "cases.txt:%d: expected 'EXIT | TEXT | ARGS'\n", lineno);
			return 1;
		}
		*bar1 = *bar2 = '\0';
		bad_case_t *c = &cases[n];
		c->line = lineno;
		c->exit_status = atoi(line);
		snprintf(c->expected, sizeof c->expected, "%s", bar1 + 1);
		trim(c->expected);
		snprintf(c->args_text, sizeof c->args_text, "%s", bar2 + 1);
		trim(c->args_text);
		char *copy = strdup(c->args_text);
		split_args(copy, c->argv, 32);
		snprintf(names[n], sizeof names[n], "line %d: %.80s", lineno, c->args_text);
		tests[n] = (struct CMUnitTest){names[n], run_case, NULL, NULL, c};
		n++;
	}
	fclose(f);
	if (n == 0) {
		fprintf(stderr, "cases.txt: no cases\n");
		return 1;
	}
	return _cmocka_run_group_tests("badinput", tests, (size_t)n, NULL, NULL);
}
