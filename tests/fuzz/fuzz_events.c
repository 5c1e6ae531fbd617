/* SPDX-License-Identifier: MIT */
/* Fuzz target: counter event-set files (harness/sample/events/NAME.events: directives, variants, events,
 * metric formulas checked against the members), and each line evaluated as a formula. */
#include "fuzz_common.h"
#include "sample_counters.h"

/* The name the file declares ("set llc"), so that real files are read as theirs: a file must be
 * named after its set. "fuzz" when there is no set line. */
static void declared_name(const char *text, char *name, size_t len)
{
	snprintf(name, len, "fuzz");
	for (const char *line = text; line && *line; line = nh_next_line(line)) {
		line += strspn(line, " \t");
		if (strncmp(line, "set", 3) == 0 && (line[3] == ' ' || line[3] == '\t')) {
			const char *w = line + 4 + strspn(line + 4, " \t");
			snprintf(name, len, "%.*s", (int)strcspn(w, " \t\r\n"), w);
			return;
		}
	}
}

static void eval_line(const char *line, void *arg)
{
	static const char *const names[] = {"misses", "references", "cycles", "zero"};
	static const double values[] = {1e6, 4e7, 3e9, 0};
	double out;
	nh_err_t err;
	nh_counters_eval(line, names, values, NH_ARRAY_LEN(names), &out, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_fuzz_input_t in;
	nh_fuzz_input(&in, data, size);
	char name[64];
	nh_err_t err;
	declared_name(in.text, name, sizeof name);
	/* The embedded files carry their length: NULs and all go in. */
	nh_counters_check_set_file(name, in.text, in.size, &err);
	nh_fuzz_lines(in.text, 32, eval_line, NULL);
	nh_fuzz_input_free(&in);
	return 0;
}
