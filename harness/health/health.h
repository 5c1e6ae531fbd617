/* SPDX-License-Identifier: MIT */
/* health: the passive tier of a fleet's validation — a node's NUMA facts (sysfs and procfs, read
 * directly: no workload, no hwloc) against the expectation a match file gives for its name, plus
 * the age and verdict of its last full validation. Seconds, so Slurm can run it on every node as
 * its HealthCheckProgram. */
#ifndef NH_HEALTH_H
#define NH_HEALTH_H

#include <stdint.h>

#include "topo.h"
#include "util.h"

#define NH_HEALTH_MATCH_DEFAULT "/etc/numaharness/nodes.conf"
#define NH_HEALTH_NODE_MAX 63 /* bytes of a node name */

/* The keys of a match entry, in the order the checks run. */
enum nh_health_key {
	NH_HK_NODES,		/* NUMA nodes (bios-check's nodes) */
	NH_HK_CPUS_PER_NODE,	/* CPUs of every node that has CPUs */
	NH_HK_NODE_MEMORY,	/* least MemTotal of every node (SIZE) */
	NH_HK_DISTANCE_MIN,	/* least remote SLIT distance */
	NH_HK_DISTANCE_MAX,	/* largest remote SLIT distance */
	NH_HK_DISTANCES,	/* the whole SLIT matrix, "10,21/21,10" */
	NH_HK_THP,		/* transparent_hugepage/enabled's selected value */
	NH_HK_THP_DEFRAG,	/* transparent_hugepage/defrag's selected value */
	NH_HK_NUMA_BALANCING,	/* kernel.numa_balancing, 0-3 */
	NH_HK_VALIDATION,	/* directory of validation records, DIR/<node>.validation */
	NH_HK_VALIDATION_MAX_AGE, /* DURATION: 30d, 12h, 90m */
	NH_HK_COUNT
};
/** \brief The key's name as the match file spells it ("cpus_per_node"). */
const char *nh_health_key_name(enum nh_health_key k);
/** \brief Is \p k one of bios-check's parameters (what --print-set prints)? */
bool nh_health_key_is_bios(enum nh_health_key k);

/* One key of a merged entry. */
typedef struct nh_health_value {
	bool set;
	unsigned line;	  /* the match file's line that set it (the last matching one) */
	const char *text; /* as written (points into the match file: valid while it is) */
	uint64_t num;	  /* the number: nodes, CPUs, distance bound, numa_balancing; bytes of
			   * node_memory; seconds of validation_max_age */
} nh_health_value_t;

/* What the match file expects of one node: every matching line merged in file order. */
typedef struct nh_health_entry {
	nh_health_value_t v[NH_HK_COUNT];
	unsigned lines[32]; /* the matching lines, in order (the first 32) */
	unsigned line_count; /* how many lines matched (may exceed 32) */
	unsigned dist_n;     /* distances: an n x n matrix */
	uint8_t dist[NH_MAX_NODES][NH_MAX_NODES];
} nh_health_entry_t;

typedef struct nh_health_match nh_health_match_t;

/** \brief Read and check a whole match file. Every bad line, pattern, key or value is an error
 *  "FILE:LINE: what" (errno EINVAL); an unreadable file names it. NULL on error. */
nh_health_match_t *nh_health_match_load(const char *path, nh_err_t *err);
/** \brief The same from a text already read; \p name is what errors call the file. */
nh_health_match_t *nh_health_match_parse(const char *text, const char *name, nh_err_t *err);
void nh_health_match_free(nh_health_match_t *m);
/** \brief The file's name as given. */
const char *nh_health_match_path(const nh_health_match_t *m);
/** \brief Merge every line whose patterns match \p node into \p e, in file order (a later line's
 *  key overrides an earlier one's). Returns how many lines matched (0: nothing to check), or -1
 *  (EINVAL) when the merged keys contradict each other ("FILE:LINE: distance_min 30 is above
 *  distance_max 20 (line 2)"). */
int nh_health_match_entry(const nh_health_match_t *m, const char *node, nh_health_entry_t *e,
			  nh_err_t *err);

/** \brief Check a PATTERNS field: comma-separated Slurm hostlist expressions ("n[01-16,20]",
 *  "gpu[1-4]a") and globs ("*", "gpu*"). 0, or -1 (EINVAL) naming the bad pattern and why. */
int nh_health_patterns_check(const char *patterns, nh_err_t *err);
/** \brief Does one of the (checked) patterns match \p node? Hostlist numbers keep their zero
 *  padding ("n[01-16]" matches n01, not n1). */
bool nh_health_patterns_match(const char *patterns, const char *node);

/** \brief Is \p name a usable node name: 1 to 63 bytes of letters, digits, '.', '_', '-', not
 *  starting with '.'? 0, or -1 (EINVAL) saying what is wrong. */
int nh_health_node_check(const char *name, nh_err_t *err);

/* ---- the checks ---- */

enum nh_health_status { NH_HEALTH_PASS, NH_HEALTH_FAIL, NH_HEALTH_UNKNOWN, NH_HEALTH_SKIP };
/** \brief "pass", "fail", "unknown", "skip". */
const char *nh_health_status_name(enum nh_health_status s);

typedef struct nh_health_check {
	enum nh_health_key key; /* the check is named by its key (validation_max_age: none of its own) */
	enum nh_health_status status;
	char detail[400]; /* "1 NUMA node, expected 2", "not in the match entry", or why a fact
			   * could not be read ("cannot read PATH: ...") */
} nh_health_check_t;

#define NH_HEALTH_CHECKS (NH_HK_COUNT - 1) /* validation_max_age is part of validation */

typedef struct nh_health_report {
	nh_health_check_t checks[NH_HEALTH_CHECKS];
	unsigned count;
	bool failed;	   /* some check failed */
	bool unknown;	   /* some check could not tell */
	char reason[480];  /* "<name>: <detail>" of the first failure; "" on a pass */
} nh_health_report_t;

/* Where the facts come from: a root directory holding sys/ and proc/ ("" or "/": the running
 * system), and the time the validation record's age is measured against. */
typedef struct nh_health_env {
	const char *root;
	int64_t now;		  /* unix seconds */
	double storage_timeout_s; /* how long the validation directory may take to answer (a
				   * hung NFS mount): 0 is NH_HEALTH_STORAGE_TIMEOUT_S */
} nh_health_env_t;
#define NH_HEALTH_STORAGE_TIMEOUT_S 5.0

/** \brief Run every check of \p e against the node seen under env->root, in key order: keys not
 *  in the entry are SKIP, facts that cannot be read are UNKNOWN with the reason (never a fake
 *  value), a mismatch is FAIL. Reads only sysfs/procfs files and the validation record. */
void nh_health_run(const nh_health_entry_t *e, const char *node, const nh_health_env_t *env,
		   nh_health_report_t *r);

/* ---- validation records (written by nh-burnin's judge) ---- */

typedef struct nh_health_record {
	char verdict[16]; /* PASS, FAIL, OUTLIER, UNSTABLE, ERROR */
	int64_t time;	  /* unix seconds */
	char summary[256];
	char results[512];
} nh_health_record_t;

/** \brief Parse a validation record (key=value lines; unknown keys ignored; verdict and time
 *  required). 0, or -1 (EINVAL) with "NAME:LINE: what" (or "NAME: no verdict= line"). */
int nh_health_record_parse(const char *text, const char *name, nh_health_record_t *rec,
			   nh_err_t *err);
/** \brief Parse a DURATION of the match file ("30d", "12h", "90m", "45s") into seconds. 0, or
 *  -1 (EINVAL / ERANGE) with a message quoting the text. */
int nh_health_parse_age(const char *text, uint64_t *seconds, nh_err_t *err);

/* ---- output ---- */

/** \brief The JSON document of a check: {"node", "match", "lines", "entry", "checks",
 *  "verdict", "reason", "action"}, malloc'd text; NULL on ENOMEM. */
char *nh_health_to_json(const char *node, const char *match, const nh_health_entry_t *e,
			const nh_health_report_t *r, const char *action);

#endif
