/* Unit tests of the health module (harness/health): the match file — Slurm hostlists with zero
 * padding and suffixes, globs, the override order of matching lines, every kind of bad line with
 * its FILE:LINE message — the checks against real-format sysfs/procfs trees of 1, 2 and 4 nodes
 * (and a CXL node without CPUs, a socket without memory, a kernel without THP or balancing
 * files), validation records (missing, damaged, not PASS, too old, a directory that is not
 * there or does not answer). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../e2e/proc.h"
#include "health.h"

#define FIX NH_HEALTH_FIXTURES

/* ---- patterns ---- */

static void patterns_hostlist(void **state)
{
	static const struct {
		const char *pattern, *node;
		bool match;
	} cases[] = {
		{"n[01-16,20]", "n01", true},	 {"n[01-16,20]", "n16", true},
		{"n[01-16,20]", "n20", true},	 {"n[01-16,20]", "n1", false},
		{"n[01-16,20]", "n17", false},	 {"n[01-16,20]", "n016", false},
		{"n[01-16,20]", "n19", false},	 {"n[01-16,20]", "n20x", false},
		{"n[01-16,20]", "m01", false},	 {"gpu[1-4]a", "gpu3a", true},
		{"gpu[1-4]a", "gpu3", false},	 {"gpu[1-4]a", "gpu5a", false},
		{"gpu[1-4]a", "gpu03a", false},	 {"n[1-10]", "n1", true},
		{"n[1-10]", "n10", true},	 {"n[1-10]", "n01", false},
		{"n[1-10]", "n11", false},	 {"n[08-10]", "n08", true},
		{"n[08-10]", "n10", true},	 {"n[08-10]", "n8", false},
		{"n[001-100]", "n001", true},	 {"n[001-100]", "n100", true},
		{"n[001-100]", "n1", false},	 {"n[001-100]", "n0100", false},
		{"rack[1-2]n[01-04]", "rack2n03", true}, {"rack[1-2]n[01-04]", "rack3n01", false},
		{"rack[1-2]n[01-04]", "rack2n3", false}, {"n[1-4]5", "n15", true},
		{"n[1-4]5", "n45", true},	 {"n[1-4]5", "n55", false},
		{"n[0-3]", "n0", true},		 {"n1", "n1", true},
		{"n1", "n10", false},		 {"n1,gpu*", "gpu7", true},
		{"n1,gpu*", "n1", true},	 {"n1,gpu*", "n2", false},
		{"gpu*", "gpu", true},		 {"gpu*", "cpu1", false},
		{"n?", "n1", true},		 {"n?", "n12", false},
		{"*", "anything.at-all_1", true}, {"n[1-2],n[5-6]", "n6", true},
		{"c[1-100000000]", "c99999999", true},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		nh_err_t err;
		if (nh_health_patterns_check(cases[i].pattern, &err) < 0)
			fail_msg("%s: %s", cases[i].pattern, err.msg);
		if (nh_health_patterns_match(cases[i].pattern, cases[i].node) != cases[i].match)
			fail_msg("'%s' against %s: expected %s", cases[i].pattern, cases[i].node,
				 cases[i].match ? "a match" : "no match");
	}
	(void)state;
}

static void patterns_bad(void **state)
{
	static const struct {
		const char *pattern, *message;
	} cases[] = {
		{"", "patterns '': an empty pattern (two commas, or one at an end)"},
		{"n1,,n2", "patterns 'n1,,n2': an empty pattern (two commas, or one at an end)"},
		{"n1,", "patterns 'n1,': an empty pattern (two commas, or one at an end)"},
		{"n[1-", "pattern 'n[1-': '[' without its ']'"},
		{"n[]", "pattern 'n[]': empty brackets '[]'"},
		{"n[4-1]", "pattern 'n[4-1]': range '4-1' runs backwards"},
		{"n[a-c]", "pattern 'n[a-c]': 'a-c' is not a number or a range N-M"},
		{"n[1--3]", "pattern 'n[1--3]': '1--3' is not a number or a range N-M"},
		{"n[-3]", "pattern 'n[-3]': '-3' is not a number or a range N-M"},
		{"n]1", "pattern 'n]1': ']' without its '['"},
		{"n[[1]]", "pattern 'n[[1]]': '[' without its ']'"},
		{"n[1,]", "pattern 'n[1,]': a comma with nothing after it inside brackets"},
		{"n[1-3]*", "pattern 'n[1-3]*': a hostlist (brackets) or a glob ('*', '?'), not both "
			    "in one pattern"},
		{"n/1", "pattern 'n/1': '/' is not allowed (letters, digits, '.', '_', '-', hostlist "
			"brackets, '*' and '?')"},
		{"n[1234567890123456789]", "pattern 'n[1234567890123456789]': "
					   "'1234567890123456789' has a number of more than 18 digits"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		nh_err_t err = {""};
		assert_int_equal(nh_health_patterns_check(cases[i].pattern, &err), -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err.msg, cases[i].message);
	}
	(void)state;
}

static void node_names(void **state)
{
	nh_err_t err;
	assert_int_equal(nh_health_node_check("n01", &err), 0);
	assert_int_equal(nh_health_node_check("gpu-3a.rack_1", &err), 0);
	assert_int_equal(nh_health_node_check("", &err), -1);
	assert_string_equal(err.msg, "node name is empty");
	assert_int_equal(nh_health_node_check("a/b", &err), -1);
	assert_string_equal(err.msg, "node name 'a/b' has '/' (letters, digits, '.', '_' and '-' only)");
	assert_int_equal(nh_health_node_check("..", &err), -1);
	assert_string_equal(err.msg, "node name '..' starts with '.'");
	char longname[80];
	memset(longname, 'x', 64);
	longname[64] = '\0';
	assert_int_equal(nh_health_node_check(longname, &err), -1);
	assert_non_null(strstr(err.msg, "is 64 bytes long (at most 63)"));
	(void)state;
}

/* ---- the match file ---- */

static nh_health_match_t *parse_ok(const char *text)
{
	nh_err_t err = {""};
	nh_health_match_t *m = nh_health_match_parse(text, "nodes.conf", &err);
	if (!m)
		fail_msg("%s", err.msg);
	return m;
}

/* `*` defaults first, then groups, then one node: every matching line applies in file order,
 * the later value of a key wins and names its line. */
static void match_override_order(void **state)
{
	nh_health_match_t *m = parse_ok("# the fleet\n"
					"\n"
					"*            thp=madvise numa_balancing=0   # defaults\n"
					"n[01-16,20]  nodes=2 cpus_per_node=32 node_memory=90G\n"
					"\tn03 \t node_memory=180G numa_balancing=1\n"
					"gpu[1-4]a    nodes=4 distances=10,11/11,10\n");
	nh_health_entry_t e;
	nh_err_t err;
	assert_int_equal(nh_health_match_entry(m, "n03", &e, &err), 3);
	assert_int_equal(e.line_count, 3);
	assert_int_equal(e.lines[0], 3);
	assert_int_equal(e.lines[1], 4);
	assert_int_equal(e.lines[2], 5);
	assert_true(e.v[NH_HK_NODES].set);
	assert_int_equal(e.v[NH_HK_NODES].num, 2);
	assert_int_equal(e.v[NH_HK_NODES].line, 4);
	assert_string_equal(e.v[NH_HK_NODE_MEMORY].text, "180G");
	assert_int_equal(e.v[NH_HK_NODE_MEMORY].num, 180ull << 30);
	assert_int_equal(e.v[NH_HK_NODE_MEMORY].line, 5);
	assert_int_equal(e.v[NH_HK_NUMA_BALANCING].num, 1);
	assert_int_equal(e.v[NH_HK_NUMA_BALANCING].line, 5);
	assert_string_equal(e.v[NH_HK_THP].text, "madvise");
	assert_int_equal(e.v[NH_HK_THP].line, 3);
	assert_false(e.v[NH_HK_DISTANCES].set);

	assert_int_equal(nh_health_match_entry(m, "n04", &e, &err), 2);
	assert_int_equal(e.v[NH_HK_NODE_MEMORY].num, 90ull << 30);
	assert_int_equal(e.v[NH_HK_NUMA_BALANCING].num, 0);

	assert_int_equal(nh_health_match_entry(m, "gpu2a", &e, &err), 2);
	assert_int_equal(e.v[NH_HK_NODES].num, 4);
	assert_int_equal(e.dist_n, 2);
	assert_int_equal(e.dist[0][1], 11);
	assert_int_equal(e.dist[1][1], 10);
	assert_false(e.v[NH_HK_CPUS_PER_NODE].set);

	/* n3 is not n03: only the defaults */
	assert_int_equal(nh_health_match_entry(m, "n3", &e, &err), 1);
	assert_false(e.v[NH_HK_NODES].set);
	nh_health_match_free(m);

	m = parse_ok("n1 nodes=2\n");
	assert_int_equal(nh_health_match_entry(m, "n2", &e, &err), 0);
	assert_int_equal(e.line_count, 0);
	nh_health_match_free(m);
	(void)state;
}

static void match_values(void **state)
{
	nh_health_match_t *m = parse_ok("# Ren\xc3\xa9" "e's rack: comments may be UTF-8\n"
					"n1 nodes=8 cpus_per_node=4096 node_memory=1.5T "
					"distance_min=10 distance_max=255 thp=never "
					"thp_defrag=defer+madvise numa_balancing=3 "
					"validation=/shared/nh/nodes validation_max_age=12h # \xc3\xa9t\xc3\xa9\n");
	nh_health_entry_t e;
	nh_err_t err;
	assert_int_equal(nh_health_match_entry(m, "n1", &e, &err), 1);
	assert_int_equal(e.v[NH_HK_NODES].num, 8);
	assert_int_equal(e.v[NH_HK_CPUS_PER_NODE].num, 4096);
	assert_int_equal(e.v[NH_HK_NODE_MEMORY].num, 3ull << 39);
	assert_int_equal(e.v[NH_HK_DISTANCE_MIN].num, 10);
	assert_int_equal(e.v[NH_HK_DISTANCE_MAX].num, 255);
	assert_string_equal(e.v[NH_HK_THP_DEFRAG].text, "defer+madvise");
	assert_int_equal(e.v[NH_HK_NUMA_BALANCING].num, 3);
	assert_string_equal(e.v[NH_HK_VALIDATION].text, "/shared/nh/nodes");
	assert_int_equal(e.v[NH_HK_VALIDATION_MAX_AGE].num, 12 * 3600);
	nh_health_match_free(m);

	uint64_t s;
	assert_int_equal(nh_health_parse_age("30d", &s, &err), 0);
	assert_int_equal(s, 30 * 86400);
	assert_int_equal(nh_health_parse_age("90m", &s, &err), 0);
	assert_int_equal(s, 5400);
	assert_int_equal(nh_health_parse_age("45s", &s, &err), 0);
	assert_int_equal(s, 45);
	(void)state;
}

/* Every way a line can be wrong: one message naming FILE:LINE and what. */
static void match_bad_lines(void **state)
{
	static const struct {
		const char *line, *message;
	} cases[] = {
		{"nodes=2", "nodes.conf:3: a line starts with the node names it is for (PATTERNS "
			    "key=value ...), not 'nodes=2'"},
		{"n1", "nodes.conf:3: 'n1' with no key=value (a line is PATTERNS key=value ...)"},
		{"n1 # only a comment", "nodes.conf:3: 'n1' with no key=value (a line is PATTERNS "
					"key=value ...)"},
		{"n1 nodes", "nodes.conf:3: 'nodes' is not key=value"},
		{"n1 =2", "nodes.conf:3: '=2' is not key=value"},
		{"n1 numa_nodes=2", "nodes.conf:3: unknown key 'numa_nodes' (keys: nodes, cpus_per_node, "
				    "node_memory, distance_min, distance_max, distances, thp, "
				    "thp_defrag, numa_balancing, validation, validation_max_age)"},
		{"n1 nodes=", "nodes.conf:3: nodes: no value"},
		{"n1 nodes=0", "nodes.conf:3: nodes: number 0 out of range [1, 1024]"},
		{"n1 nodes=two", "nodes.conf:3: nodes: bad number 'two'"},
		{"n1 nodes=2 nodes=3", "nodes.conf:3: nodes given twice on one line"},
		{"n1 cpus_per_node=0", "nodes.conf:3: cpus_per_node: number 0 out of range [1, 4096]"},
		{"n1 node_memory=12Q", "nodes.conf:3: node_memory: bad size '12Q': unknown unit 'Q' "
				       "(use K, M, G or T)"},
		{"n1 node_memory=0", "nodes.conf:3: node_memory: '0': must be above 0 bytes"},
		{"n1 distance_min=9", "nodes.conf:3: distance_min: number 9 out of range [10, 255]"},
		{"n1 distance_max=256", "nodes.conf:3: distance_max: number 256 out of range [10, 255]"},
		{"n1 distances=10,21/21", "nodes.conf:3: distances: row 2 has 1 value: the matrix is "
					  "2 x 2"},
		{"n1 distances=10,21,31/21,10", "nodes.conf:3: distances: row 1 has more than 2 "
						"values: the matrix is 2 x 2"},
		{"n1 distances=10;21", "nodes.conf:3: distances: '10;21': ';' where ',' or '/' belongs"},
		{"n1 distances=10,x", "nodes.conf:3: distances: '10,x': expected numbers separated by "
				      "',' in rows separated by '/' (10,21/21,10)"},
		{"n1 distances=10,300/300,10", "nodes.conf:3: distances: row 1: number 300 out of "
					       "range [10, 255]"},
		{"n1 thp=sometimes", "nodes.conf:3: thp: 'sometimes' is not one of always, madvise, never"},
		{"n1 thp_defrag=on", "nodes.conf:3: thp_defrag: 'on' is not one of always, defer, "
				     "defer+madvise, madvise, never"},
		{"n1 numa_balancing=4", "nodes.conf:3: numa_balancing: number 4 out of range [0, 3]"},
		{"n1 validation=shared/nodes", "nodes.conf:3: validation: 'shared/nodes' is not an "
					       "absolute path (slurmd runs the check from its log "
					       "directory)"},
		{"n1 validation_max_age=30", "nodes.conf:3: validation_max_age: bad duration '30': a "
					     "whole number and a unit (30d, 12h, 90m, 45s)"},
		{"n1 validation_max_age=30w", "nodes.conf:3: validation_max_age: bad duration '30w': "
					      "unknown unit 'w' (d, h, m or s)"},
		{"n1 validation_max_age=0d", "nodes.conf:3: validation_max_age: bad duration '0d': "
					     "must be above 0"},
		{"n[4-1] nodes=2", "nodes.conf:3: pattern 'n[4-1]': range '4-1' runs backwards"},
		{"n1,,n2 nodes=2", "nodes.conf:3: patterns 'n1,,n2': an empty pattern (two commas, or "
				   "one at an end)"},
		{"n1 validation=/shared/r\xc3\xa9sultats", "nodes.conf:3: byte 0xc3 in "
							   "'validation=/shared/r\xc3\xa9sultats': keys and "
							   "values are printable ASCII"},
		{"n1 thp=madvise\vnodes=2", "nodes.conf:3: byte 0x0b in 'thp=madvise\vnodes=2': keys "
					   "and values are printable ASCII"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		char text[400];
		snprintf(text, sizeof text, "# header\n* thp=madvise\n%s\nn2 nodes=1\n", cases[i].line);
		nh_err_t err = {""};
		assert_null(nh_health_match_parse(text, "nodes.conf", &err));
		if (strcmp(err.msg, cases[i].message) != 0)
			fail_msg("line '%s':\n  got      %s\n  expected %s", cases[i].line, err.msg,
				 cases[i].message);
	}
	(void)state;
}

/* Bounds that contradict each other once merged: bad input for that node, naming both lines. */
static void match_contradiction(void **state)
{
	nh_health_match_t *m = parse_ok("* distance_min=30\nn[1-4] distance_max=20\n");
	nh_health_entry_t e;
	nh_err_t err;
	assert_int_equal(nh_health_match_entry(m, "n2", &e, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_string_equal(err.msg, "nodes.conf:2: distance_min 30 is above distance_max 20 (line "
				     "1) for node n2");
	assert_int_equal(nh_health_match_entry(m, "n9", &e, &err), 1);
	nh_health_match_free(m);
	(void)state;
}

static void match_file_errors(void **state)
{
	nh_err_t err;
	assert_null(nh_health_match_load(FIX "/no-such.conf", &err));
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err.msg, "cannot read the match file " FIX "/no-such.conf: No such file or "
				     "directory");
	char *tmp = nh_tmpdir(), path[600];
	snprintf(path, sizeof path, "%s/nul.conf", tmp);
	FILE *f = fopen(path, "w");
	fwrite("n1 nodes=2\n\0n2 nodes=1\n", 1, 23, f);
	fclose(f);
	assert_null(nh_health_match_load(path, &err));
	assert_non_null(strstr(err.msg, ": a NUL byte: not a text file"));
	snprintf(path, sizeof path, "%s/ok.conf", tmp);
	f = fopen(path, "w");
	fputs("n1 nodes=2", f); /* no final newline */
	fclose(f);
	nh_health_match_t *m = nh_health_match_load(path, &err);
	assert_non_null(m);
	assert_string_equal(nh_health_match_path(m), path);
	nh_health_match_free(m);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* ---- the checks against fixture trees ---- */

static nh_health_report_t run_on(const char *root, const char *line)
{
	nh_health_match_t *m = parse_ok(line);
	nh_health_entry_t e;
	nh_err_t err;
	assert_int_equal(nh_health_match_entry(m, "n1", &e, &err), 1);
	nh_health_report_t r;
	nh_health_env_t env = {.root = root, .now = 1796515200 /* 2026-12-06 */};
	nh_health_run(&e, "n1", &env, &r);
	nh_health_match_free(m);
	return r;
}

static const nh_health_check_t *check_of(const nh_health_report_t *r, enum nh_health_key k)
{
	for (unsigned i = 0; i < r->count; i++)
		if (r->checks[i].key == k)
			return &r->checks[i];
	fail_msg("no check %s", nh_health_key_name(k));
	return NULL;
}

struct want {
	enum nh_health_key key;
	enum nh_health_status status;
	const char *detail;
};

#define P(k, d) {NH_HK_##k, NH_HEALTH_PASS, d}
#define F(k, d) {NH_HK_##k, NH_HEALTH_FAIL, d}
#define U(k, d) {NH_HK_##k, NH_HEALTH_UNKNOWN, d}

/* Each fixture tree against a match line: every check the line names with its status and
 * detail, every other one SKIP; the verdict and its reason (the first failure's). */
static const struct {
	const char *what, *root, *line, *reason;
	bool unknown;
	struct want want[NH_HEALTH_CHECKS];
} fixture_cases[] = {
	{"two sockets as they are meant to be", FIX "/2node",
	 "n1 nodes=2 cpus_per_node=32 node_memory=90G distance_min=11 distance_max=30 "
	 "distances=10,21/21,10 thp=madvise thp_defrag=madvise numa_balancing=1\n",
	 "", false,
	 {P(NODES, "2"), P(CPUS_PER_NODE, "32 on each of 2 nodes"),
	  P(NODE_MEMORY, "least 94.1 GiB (node 0), at least 90 GiB (90G)"),
	  P(DISTANCE_MIN, "least remote distance 21 (at least 11)"),
	  P(DISTANCE_MAX, "largest remote distance 21 (at most 30)"), P(DISTANCES, "10,21/21,10"),
	  P(THP, "madvise"), P(THP_DEFRAG, "madvise"), P(NUMA_BALANCING, "1 (on)")}},
	{"the same machine against wrong expectations", FIX "/2node",
	 "n1 nodes=4 cpus_per_node=16 node_memory=96G distance_max=20 distances=10,20/20,10 "
	 "thp=always thp_defrag=never numa_balancing=0\n",
	 "nodes: 2 NUMA nodes, expected 4", false,
	 {F(NODES, "2 NUMA nodes, expected 4"),
	  F(CPUS_PER_NODE, "node 0 has 32 CPUs, expected 16 (and other nodes differ too)"),
	  F(NODE_MEMORY, "node 0 has 94.1 GiB, expected at least 96 GiB (96G)"),
	  F(DISTANCE_MAX, "distance 0->1 is 21, expected at most 20"),
	  F(DISTANCES, "10,21/21,10, expected 10,20/20,10"), F(THP, "madvise, expected always"),
	  F(THP_DEFRAG, "madvise, expected never"),
	  F(NUMA_BALANCING, "1 (on), expected 0 (off)")}},
	/* This machine: node interleaving's look. No remote distance fails no bound. */
	{"one node", FIX "/1node",
	 "n1 nodes=2 cpus_per_node=2 node_memory=23G distance_min=11 distance_max=30 distances=10 "
	 "thp=madvise numa_balancing=0\n",
	 "nodes: 1 NUMA node, expected 2", false,
	 {F(NODES, "1 NUMA node, expected 2"), P(CPUS_PER_NODE, "2 on each of 1 node"),
	  P(NODE_MEMORY, "least 23.5 GiB (node 0), at least 23 GiB (23G)"),
	  P(DISTANCE_MIN, "no remote distance (1 node)"),
	  P(DISTANCE_MAX, "no remote distance (1 node)"), P(DISTANCES, "10"), P(THP, "madvise"),
	  P(NUMA_BALANCING, "0 (off)")}},
	{"sub-NUMA clustering: clusters of a socket at 11", FIX "/4node",
	 "n1 nodes=4 cpus_per_node=16 node_memory=46G distance_min=12 distance_max=21 "
	 "distances=10,11,21,21/11,10,21,21/21,21,10,11/21,21,11,10 thp=madvise thp_defrag=madvise\n",
	 "distance_min: distance 0->1 is 11, expected at least 12", false,
	 {P(NODES, "4"), P(CPUS_PER_NODE, "16 on each of 4 nodes"),
	  P(NODE_MEMORY, "least 46.8 GiB (node 0), at least 46 GiB (46G)"),
	  F(DISTANCE_MIN, "distance 0->1 is 11, expected at least 12"),
	  P(DISTANCE_MAX, "largest remote distance 21 (at most 21)"),
	  P(DISTANCES, "10,11,21,21/11,10,21,21/21,21,10,11/21,21,11,10"),
	  F(THP, "always, expected madvise"), P(THP_DEFRAG, "madvise")}},
	/* Memory without CPUs is not counted by cpus_per_node; its memory and distances are. */
	{"a CXL expander", FIX "/3node-cxl",
	 "n1 nodes=3 cpus_per_node=32 node_memory=64G distance_max=21\n",
	 "distance_max: distance 1->2 is 28, expected at most 21", false,
	 {P(NODES, "3"), P(CPUS_PER_NODE, "32 on each of 2 nodes (node 2 without CPUs not counted)"),
	  P(NODE_MEMORY, "least 64 GiB (node 2), at least 64 GiB (64G)"),
	  F(DISTANCE_MAX, "distance 1->2 is 28, expected at most 21")}},
	/* Every DIMM of a socket missing: bios-check counts the node the same way. */
	{"a socket without memory", FIX "/2node-nomem",
	 "n1 nodes=2 cpus_per_node=32 node_memory=90G\n",
	 "node_memory: node 1 has no memory, expected at least 90 GiB (90G)", false,
	 {P(NODES, "2"), P(CPUS_PER_NODE, "32 on each of 2 nodes"),
	  F(NODE_MEMORY, "node 1 has no memory, expected at least 90 GiB (90G)")}},
	/* Facts that are not there: unknown with the file, never a value made up; no failure. */
	{"a kernel without THP or NUMA balancing", FIX "/1node-bare",
	 "n1 nodes=1 thp=madvise thp_defrag=madvise numa_balancing=0\n", "", true,
	 {P(NODES, "1"),
	  U(THP, "cannot read " FIX "/1node-bare/sys/kernel/mm/transparent_hugepage/enabled: No such "
		 "file or directory"),
	  U(THP_DEFRAG, "cannot read " FIX "/1node-bare/sys/kernel/mm/transparent_hugepage/defrag: No "
			"such file or directory"),
	  U(NUMA_BALANCING, "cannot read " FIX "/1node-bare/proc/sys/kernel/numa_balancing: No such "
			    "file or directory")}},
};

static void expect_report(const char *what, const nh_health_report_t *r, const struct want *want,
			  size_t n)
{
	assert_int_equal(r->count, NH_HEALTH_CHECKS);
	for (unsigned i = 1; i < r->count; i++) /* in key order */
		assert_true(r->checks[i].key > r->checks[i - 1].key);
	for (int k = 0; k < NH_HK_COUNT; k++) {
		if (k == NH_HK_VALIDATION_MAX_AGE)
			continue; /* judged with validation */
		struct want w = {(enum nh_health_key)k, NH_HEALTH_SKIP, "not in the match entry"};
		for (size_t i = 0; i < n; i++)
			if (want[i].detail && want[i].key == (enum nh_health_key)k)
				w = want[i];
		const nh_health_check_t *c = check_of(r, (enum nh_health_key)k);
		if (c->status != w.status || strcmp(c->detail, w.detail) != 0)
			fail_msg("%s: %s: got %s '%s', expected %s '%s'", what, nh_health_key_name(w.key),
				 nh_health_status_name(c->status), c->detail,
				 nh_health_status_name(w.status), w.detail);
	}
}

static void checks_on_fixtures(void **state)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(fixture_cases); i++) {
		nh_health_report_t r = run_on(fixture_cases[i].root, fixture_cases[i].line);
		expect_report(fixture_cases[i].what, &r, fixture_cases[i].want,
			      NH_ARRAY_LEN(fixture_cases[i].want));
		assert_int_equal(r.failed, fixture_cases[i].reason[0] != '\0');
		assert_int_equal(r.unknown, fixture_cases[i].unknown);
		assert_string_equal(r.reason, fixture_cases[i].reason);
	}
	(void)state;
}

/* No NUMA sysfs at all (a kernel without CONFIG_NUMA, or --root at the wrong place): the
 * topology checks are unknown with topo's reason. */
static void checks_no_sysfs(void **state)
{
	char *tmp = nh_tmpdir(), why[700];
	nh_health_report_t r = run_on(tmp, "n1 nodes=2 cpus_per_node=4\n");
	snprintf(why, sizeof why, "%s/sys/devices/system/node: not present", tmp);
	const struct want want[] = {U(NODES, why), U(CPUS_PER_NODE, why)};
	expect_report("no sysfs", &r, want, NH_ARRAY_LEN(want));
	assert_false(r.failed);
	assert_true(r.unknown);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* ---- validation records ---- */

static void record_parse(void **state)
{
	nh_health_record_t rec;
	nh_err_t err;
	assert_int_equal(nh_health_record_parse("verdict=OUTLIER\ntime=1796515200\n"
						"summary=node1 local triad -16% vs cohort\n"
						"results=/shared/burnin-20261206T080000Z\n"
						"cohort=gen3\n",
						"n1.validation", &rec, &err),
			 0);
	assert_string_equal(rec.verdict, "OUTLIER");
	assert_int_equal(rec.time, 1796515200);
	assert_string_equal(rec.summary, "node1 local triad -16% vs cohort");
	assert_string_equal(rec.results, "/shared/burnin-20261206T080000Z");

	static const struct {
		const char *text, *message;
	} bad[] = {
		{"verdict=PASS\ngarbage\ntime=1\n", "r:2: 'garbage' is not key=value"},
		{"verdict=MAYBE\ntime=1\n", "r:1: verdict 'MAYBE' is not PASS, FAIL, OUTLIER, UNSTABLE or "
					    "ERROR"},
		{"verdict=PASS\ntime=yesterday\n", "r:2: time 'yesterday' is not unix seconds"},
		{"verdict=PASS\ntime=\n", "r:2: time '' is not unix seconds"},
		{"time=1\nsummary=x\n", "r:2: no verdict= line"},
		{"verdict=PASS\n", "r:1: no time= line"},
		{"", "r:0: no verdict= line"},
	};
	for (size_t i = 0; i < NH_ARRAY_LEN(bad); i++) {
		assert_int_equal(nh_health_record_parse(bad[i].text, "r", &rec, &err), -1);
		assert_string_equal(err.msg, bad[i].message);
	}
	(void)state;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static nh_health_check_t validation_at(const char *dir, const char *max_age, int64_t now,
				       double timeout)
{
	char line[700];
	snprintf(line, sizeof line, "n1 validation=%s%s%s\n", dir, max_age ? " validation_max_age=" : "",
		 max_age ? max_age : "");
	nh_health_match_t *m = parse_ok(line);
	nh_health_entry_t e;
	nh_err_t err;
	assert_int_equal(nh_health_match_entry(m, "n1", &e, &err), 1);
	nh_health_report_t r;
	nh_health_env_t env = {.root = "", .now = now, .storage_timeout_s = timeout};
	nh_health_run(&e, "n1", &env, &r);
	nh_health_match_free(m);
	return *check_of(&r, NH_HK_VALIDATION);
}

static void expect_validation(nh_health_check_t c, enum nh_health_status status, const char *detail)
{
	if (c.status != status || strcmp(c.detail, detail) != 0)
		fail_msg("validation: got %s '%s', expected %s '%s'", nh_health_status_name(c.status),
			 c.detail, nh_health_status_name(status), detail);
}

static void validation_records(void **state)
{
	const int64_t day = 86400, t0 = 1796515200; /* 2026-12-06T00:00:00Z */
	char *tmp = nh_tmpdir(), dir[600], rec[700], want[900];
	snprintf(dir, sizeof dir, "%s/nodes", tmp);
	snprintf(rec, sizeof rec, "%s/n1.validation", dir);

	/* shared storage not there: unknown, not a failure */
	snprintf(want, sizeof want, "cannot read %s: No such file or directory", dir);
	expect_validation(validation_at(dir, "30d", t0, 0), NH_HEALTH_UNKNOWN, want);

	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(want, sizeof want, "never validated (%s)", rec);
	expect_validation(validation_at(dir, "30d", t0, 0), NH_HEALTH_FAIL, want);

	write_text(rec, "verdict=PASS\ntime=1796083200\nsummary=pass\n"); /* 2026-12-01 */
	expect_validation(validation_at(dir, "30d", t0, 0), NH_HEALTH_PASS,
			  "PASS on 2026-12-01, 5 days old (max 30d)");
	expect_validation(validation_at(dir, NULL, t0, 0), NH_HEALTH_PASS,
			  "PASS on 2026-12-01, 5 days old");
	expect_validation(validation_at(dir, "30d", 1796083200 + 31 * day, 0), NH_HEALTH_FAIL,
			  "last validation 31 days old, max 30d");
	expect_validation(validation_at(dir, "30d", 1796083200 + 30 * day + 4 * 3600, 0),
			  NH_HEALTH_FAIL, "last validation 30 days 4 hours old, max 30d");
	expect_validation(validation_at(dir, "12h", 1796083200 + 13 * 3600, 0), NH_HEALTH_FAIL,
			  "last validation 13 hours old, max 12h");
	expect_validation(validation_at(dir, "90m", 1796083200 + 100 * 60, 0), NH_HEALTH_FAIL,
			  "last validation 100 minutes old, max 90m");
	expect_validation(validation_at(dir, "90m", 1796083200 + 90 * 60, 0), NH_HEALTH_PASS,
			  "PASS on 2026-12-01, 90 minutes old (max 90m)");

	write_text(rec, "verdict=OUTLIER\ntime=1796515200\nsummary=node1 local triad -16% vs cohort\n");
	expect_validation(validation_at(dir, "30d", t0 + 3600, 0), NH_HEALTH_FAIL,
			  "last validation OUTLIER (2026-12-06): node1 local triad -16% vs cohort");
	/* UNSTABLE is "rerun me": the judge drains nothing for it, so neither does this */
	write_text(rec, "verdict=UNSTABLE\ntime=1796515200\nsummary=node0 local triad unstable\n");
	expect_validation(validation_at(dir, "30d", t0 + 3600, 0), NH_HEALTH_UNKNOWN,
			  "last validation UNSTABLE (2026-12-06): node0 local triad unstable: rerun it");
	write_text(rec, "verdict=ERROR\ntime=1796515200\n");
	expect_validation(validation_at(dir, NULL, t0, 0), NH_HEALTH_FAIL,
			  "last validation ERROR (2026-12-06)");

	write_text(rec, "verdict=PASS\ntime=17965152OO\n");
	snprintf(want, sizeof want, "damaged record: %s:2: time '17965152OO' is not unix seconds", rec);
	expect_validation(validation_at(dir, "30d", t0, 0), NH_HEALTH_FAIL, want);

	/* A record that does not answer (a FIFO nobody writes: a hung mount's stand-in) */
	unlink(rec);
	assert_int_equal(mkfifo(rec, 0644), 0);
	snprintf(want, sizeof want, "%s did not answer in 0.2 s (shared storage down?)", dir);
	expect_validation(validation_at(dir, "30d", t0, 0.2), NH_HEALTH_UNKNOWN, want);
	int fd = open(rec, O_WRONLY | O_NONBLOCK); /* let the abandoned reader finish */
	if (fd >= 0)
		close(fd);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patterns_hostlist),
		cmocka_unit_test(patterns_bad),
		cmocka_unit_test(node_names),
		cmocka_unit_test(match_override_order),
		cmocka_unit_test(match_values),
		cmocka_unit_test(match_bad_lines),
		cmocka_unit_test(match_contradiction),
		cmocka_unit_test(match_file_errors),
		cmocka_unit_test(checks_on_fixtures),
		cmocka_unit_test(checks_no_sysfs),
		cmocka_unit_test(record_parse),
		cmocka_unit_test(validation_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
