/* SPDX-License-Identifier: MIT */
/* fleet: many hosts' results judged together — which hosts of a fleet are bad, and why.
 *
 * Each host directory gives manifest.json, checks.json and metrics.csv (never runs.jsonl): per
 * NUMA node its local STREAM triad and idle latency (stream / chase under cpunodebind=N
 * membind=N, the median of its ok counted runs), its MemTotal, and its remote/local latency
 * ratio (chase cpunodebind=N membind=M: the mean of the remote medians over the local one). Only
 * these few numbers are kept per host, so thousands of hosts fit in a few megabytes.
 *
 * Hosts are grouped into cohorts (a label, e.g. cohort=gen3); per cohort × node × metric the
 * median and MAD give each host a modified z-score, 0.6745 (x - median) / floor, with the floor
 * max(MAD, the host's own spread over its runs, a fraction of the median); a host is an outlier
 * on a metric when |z| > 3.5 and it deviates by at least the metric's practical threshold, in the
 * bad direction only. Configuration drift (node count, CPUs, distances, kernel, BIOS, ...) is
 * judged by category against the cohort's usual value. Each flagged host gets a plain reading
 * (fleet_rules.h). */
#ifndef NH_FLEET_H
#define NH_FLEET_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* The figures compared across hosts, per NUMA node. */
enum nh_fleet_metric {
	NH_FLEET_TRIAD,	   /* local STREAM triad, MB/s: low is bad */
	NH_FLEET_LATENCY,  /* local idle latency (chase ns_per_load), ns: high is bad */
	NH_FLEET_MEMTOTAL, /* MemTotal of the node, bytes: low is bad */
	NH_FLEET_RATIO,	   /* remote/local idle latency from the node's CPUs: either way is bad */
	NH_FLEET_METRICS
};

typedef struct nh_fleet_metric_def {
	const char *name;     /* as --threshold and fleet.json spell it: "triad" */
	const char *label;    /* in readings: "local triad" */
	const char *unit;     /* MB/s, ns, B, x */
	int bad;	      /* -1 low is bad, +1 high is bad, 0 both */
	double threshold_pct; /* the default practical threshold */
	double floor_frac;    /* the noise floor's share of the median */
	bool repeated;	      /* measured by repetitions: its CV over the runs can make a host UNSTABLE */
} nh_fleet_metric_def_t;

const nh_fleet_metric_def_t *nh_fleet_metric_def(enum nh_fleet_metric m);

enum nh_fleet_verdict {
	NH_FLEET_PASS,	   /* its own checks pass and nothing sets it apart from its cohort */
	NH_FLEET_FAIL,	   /* a check of its own checks.json failed the gate */
	NH_FLEET_OUTLIER,  /* a figure off its cohort's, or its shape differs (node count, ...) */
	NH_FLEET_UNSTABLE, /* its own repetitions disagree too much to judge it */
	NH_FLEET_ERROR,	   /* it could not run, or what it left cannot be read */
	NH_FLEET_MISSING,  /* planned, no results */
	NH_FLEET_VERDICTS
};

const char *nh_fleet_verdict_name(enum nh_fleet_verdict v);

/* Fixed rules, named where they are used and written into fleet.json. */
#define NH_FLEET_Z_LIMIT 3.5	  /* Iglewicz & Hoaglin: |modified z| above this is an outlier */
#define NH_FLEET_Z_SCALE 0.6745	  /* the modified z-score's constant (MAD of a normal / sigma) */
#define NH_FLEET_MIN_COHORT 5	  /* hosts a cohort needs to be its own reference */
#define NH_FLEET_MAX_CV 0.10	  /* default --max-cv */

typedef struct nh_fleet_opts {
	char cohort_label[64];		      /* group by this label; "" = one cohort, "all" */
	double threshold_pct[NH_FLEET_METRICS]; /* practical thresholds, percent */
	double max_cv;			      /* a repeated figure's CV above this: UNSTABLE */
} nh_fleet_opts_t;

/** \brief The defaults: cohorts by label "cohort", triad 15 %, latency 10 %, MemTotal 2 %,
 *  ratio 10 %, --max-cv 0.10. */
void nh_fleet_opts_default(nh_fleet_opts_t *o);
/** \brief --threshold "triad=10,latency=5,memtotal=1,ratio=8": percentages in (0, 100].
 *  Returns 0, or -1 (EINVAL) with a message naming the bad item. */
int nh_fleet_parse_thresholds(nh_fleet_opts_t *o, const char *text, nh_err_t *err);
/** \brief --cohort-by "label:NAME" or "none" (one cohort). 0, or -1 (EINVAL). */
int nh_fleet_parse_cohort_by(nh_fleet_opts_t *o, const char *text, nh_err_t *err);
/** \brief --max-cv: a fraction in (0, 10] ("0.1"), or a percentage ("10%"). 0, or -1. */
int nh_fleet_parse_max_cv(nh_fleet_opts_t *o, const char *text, nh_err_t *err);

typedef struct nh_fleet nh_fleet_t;

nh_fleet_t *nh_fleet_new(const nh_fleet_opts_t *o, nh_err_t *err);
void nh_fleet_free(nh_fleet_t *f);

/** \brief The cohort medians of an earlier fleet.json: the reference of every cohort × node ×
 *  metric it has (of at least NH_FLEET_MIN_COHORT hosts), in place of this fleet's own medians.
 *  0, or -1 with the reader's message. */
int nh_fleet_baseline(nh_fleet_t *f, const char *path, nh_err_t *err);
/** \brief The planned hosts: one name a line, '#' starts a comment, blank lines skipped. A
 *  planned host with no directory is MISSING. 0, or -1 with "FILE:LINE: ..." (a name with
 *  blanks or control characters inside, longer than 255 bytes, twice). */
int nh_fleet_planned(nh_fleet_t *f, const char *path, nh_err_t *err);
/** \brief Is \p path a directory that can be read? 0, or -1 with "PATH: no such directory" /
 *  "PATH: not a directory (...)". */
int nh_fleet_check_input(const char *path, nh_err_t *err);
/** \brief Add \p path: a host directory (it holds manifest.json or error.txt) or a directory of
 *  host directories (each subdirectory one host; hidden ones and earlier fleet reports, which
 *  hold fleet.json, are passed over). Each host is read and summarised now; a host whose files
 *  are missing or damaged becomes ERROR with the reason. -1 only when \p path itself cannot be
 *  read (no such directory) or memory runs out. */
int nh_fleet_add(nh_fleet_t *f, const char *path, nh_err_t *err);
/** \brief Judge the hosts added: cohorts, drift, outliers, verdicts, readings, warnings. Call
 *  once, after the last nh_fleet_add. 0, or -1 (ENOMEM). */
int nh_fleet_judge(nh_fleet_t *f, nh_err_t *err);

/** \brief The output directory: \p requested (created when missing, refused when it holds
 *  anything) or ./fleet-<UTC time>[-N]/, into \p out. 0, or -1 with a message. */
int nh_fleet_out_dir(const char *requested, char *out, size_t len, nh_err_t *err);
/** \brief fleet.json, fleet.csv, fleet.xml (JUnit), hosts-failed.txt, verdicts.tsv (host,
 *  verdict and summary a line, for scripts that act on verdicts), and fleet.md and
 *  fleet.html (the same content, charts inline in the HTML) into \p dir, each written
 *  atomically; with \p charts, the charts into \p dir/charts/ (gnuplot, as the report draws
 *  them). \p note (may be NULL) says why charts were not drawn ("" when they were). 0, or -1
 *  with a message. */
int nh_fleet_write(const nh_fleet_t *f, const char *dir, bool charts, char *note, size_t len,
		   nh_err_t *err);

/* ---- what was found, for the command's summary and for tests ---- */

unsigned nh_fleet_host_count(const nh_fleet_t *f);
typedef struct nh_fleet_host_view {
	const char *name, *dir; /* dir NULL for a MISSING host */
	const char *cohort;
	enum nh_fleet_verdict verdict;
	bool drift;	    /* a configuration differs from its cohort's usual one */
	bool planned;	    /* named in --planned-hosts (false without the file) */
	bool compared;	    /* at least one figure was judged against a reference */
	const char *reading; /* the first plain reading, or the first reason, or "" */
} nh_fleet_host_view_t;
nh_fleet_host_view_t nh_fleet_host(const nh_fleet_t *f, unsigned i);
/** \brief Index of the host named \p name, or -1. */
int nh_fleet_find(const nh_fleet_t *f, const char *name);
/* A summary's room: 160 bytes and the terminating NUL. */
#define NH_FLEET_SUMMARY_LEN 161
/** \brief One short ASCII line for host \p i (judged), fit for a scheduler's drain reason after
 *  "numaharness: ": "pass"; FAIL "check failed: nodes = 7: 1 node != 7[; and N more failed
 *  checks]"; OUTLIER the shape facts that differ ("CPUs the runs could use 0 vs cohort 0-1")
 *  and the figure furthest off ("node1 local triad -16% vs cohort"), "; "-joined; UNSTABLE
 *  "node0 local triad unstable: CV 0.23 over 5 runs"; ERROR "could not run: <why>"; MISSING
 *  "no results". No tab, no newline, cut with "..." to fit \p len. Returns its length. */
size_t nh_fleet_host_summary(const nh_fleet_t *f, unsigned i, char *out, size_t len);
unsigned nh_fleet_host_readings(const nh_fleet_t *f, unsigned i);
const char *nh_fleet_host_reading(const nh_fleet_t *f, unsigned i, unsigned k);
unsigned nh_fleet_host_reasons(const nh_fleet_t *f, unsigned i);
const char *nh_fleet_host_reason(const nh_fleet_t *f, unsigned i, unsigned k);

/* One host's figure on one node, as judged. */
typedef struct nh_fleet_value_view {
	bool present;
	double value, spread, cv; /* cv NAN when not measured by repetitions or one run */
	unsigned runs;
	const char *flag;	  /* ok, low, high, noisy, insufficient, not-compared, absent */
	double ref_median, deviation_pct, z; /* NAN when not compared */
	const char *why;	  /* absent: why */
} nh_fleet_value_view_t;
nh_fleet_value_view_t nh_fleet_value(const nh_fleet_t *f, unsigned host, unsigned node,
				     enum nh_fleet_metric m);

unsigned nh_fleet_verdict_count(const nh_fleet_t *f, enum nh_fleet_verdict v);
unsigned nh_fleet_cohort_count(const nh_fleet_t *f);
/** \brief Fleet-level warnings that make the comparison invalid (mixed tool versions or
 *  scenario hashes, one name for two directories). */
unsigned nh_fleet_warning_count(const nh_fleet_t *f);
const char *nh_fleet_warning(const nh_fleet_t *f, unsigned i);
/** \brief Every planned host (every host without --planned-hosts) is PASS and there is no
 *  fleet-level warning: what exit status 0 means. */
bool nh_fleet_gate_passed(const nh_fleet_t *f);

#endif
