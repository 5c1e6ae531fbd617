/* SPDX-License-Identifier: MIT */
/* expect: a scenario's expectations checked against its results directory — pass, fail or not
 * evaluated with the reason — written as checks.json (for the report) and checks.xml (JUnit). */
#ifndef NH_EXPECT_H
#define NH_EXPECT_H

#include <stdbool.h>

#include "results.h"
#include "util.h"
#include "workload.h"

enum nh_expect_kind {
	NH_EXPECT_NODES,	 /* number of NUMA nodes (manifest) */
	NH_EXPECT_CPUS_PER_NODE, /* CPUs of every node that has CPUs (manifest) */
	NH_EXPECT_DISTANCE,	 /* every remote SLIT distance (manifest) */
	NH_EXPECT_LATENCY_RATIO, /* chase: remote / local ns_per_load (cpunodebind=A membind=B) */
	NH_EXPECT_PLACEMENT,	 /* per configuration: every run's fraction_on_expected >= min */
	NH_EXPECT_NUMA_MISS,	 /* per configuration: every run's numa_miss_ratio <= max */
	NH_EXPECT_METRIC,	 /* per configuration: median of a metric within [min, max] */
	NH_EXPECT_RATIO,	 /* per configuration pair: median(of) / median(to) in [min, max] */
	NH_EXPECT_COUNTER,	 /* per configuration: median of a counter within [min, max] */
	NH_EXPECT_OUTCOMES,	 /* per configuration: every counted run ok (or skipped) */
	NH_EXPECT_NODE_MEMORY,	 /* MemTotal of every node, bytes (manifest) */
	NH_EXPECT_SCRIPT,	 /* nh.check from the scenario's own code (not an expect { } kind) */
};

/** \brief The kind's name as checks.json spells it ("placement", "ratio", ...). */
const char *nh_expect_kind_name(enum nh_expect_kind k);
/** \brief Parse a kind as scenario.lua normalises it ("nodes", "ratio", ...); -1 if unknown. */
int nh_expect_kind_parse(const char *name);

/* One expectation as the scenario wrote it. Unset bounds are NAN; empty strings match anything. */
typedef struct nh_expect {
	enum nh_expect_kind kind;
	char source[160];   /* "scenario.lua:14", or the scenario's own line for implied checks */
	char name[128];     /* the user's name for the check; "" = a generated one */
	char workload[32];  /* filter */
	char policy[256];   /* filter, normalised like the records' policy.requested */
	nh_params_t params; /* filter: each name=value must match the configuration's */
	char what[64];      /* metric or counter name */
	char of[256], to[256]; /* ratio: the two policies, normalised */
	double min, max;
	bool strict; /* placement / numa_miss: runs whose verdict is fallback count as failing */
	bool allow_skipped; /* outcomes: skipped runs pass ("ok-or-skipped") */
	bool implied;       /* added because the scenario had no expectation of this kind */
	bool report;        /* host kinds: no bound, the host's figures as evidence only
			     * (status not evaluated, saying so) */
} nh_expect_t;

typedef struct nh_expect_set nh_expect_set_t;

nh_expect_set_t *nh_expect_set_new(void);
void nh_expect_set_free(nh_expect_set_t *set);
/** \brief Add a copy of \p e. Policies (filter, of, to) are parsed and normalised here, so a
 *  bad one is an error naming e->source. Returns 0, or -1 (EINVAL, ENOMEM) with a message. */
int nh_expect_add(nh_expect_set_t *set, const nh_expect_t *e, nh_err_t *err);
/** \brief Scenario-wide settings: where the scenario was declared (source of implied checks),
 *  its placement threshold (the implied placement check) and whether a not-evaluated check
 *  fails the gate. */
void nh_expect_set_scenario(nh_expect_set_t *set, const char *name, const char *source,
			    double placement_threshold, bool unevaluated_fails);
/** \brief A metric the scenario derives (derive { }): expectations may name it. 0, or -1 (E2BIG:
 *  more than 8, or a name of 32 bytes or more). */
int nh_expect_set_derived(nh_expect_set_t *set, const char *metric);
unsigned nh_expect_count(const nh_expect_set_t *set);
const nh_expect_t *nh_expect_at(const nh_expect_set_t *set, unsigned i);

/** \brief Before anything runs: every filter (workload, policy, params), metric name and ratio
 *  policy must match something the plan will run, so a typo is a file:line error, not a check
 *  that silently never applies. Returns 0, or -1 (EINVAL) with
 *  "x.lua:14: expect: no run of this scenario has policy 'membind=9' (policies: ...)". */
typedef struct nh_expect_planned {
	const nh_workload_t *wl;
	const char *policy;	    /* the policy as written (nh_policy_t.spec) */
	const nh_params_t *params;
} nh_expect_planned_t;
/* The plan is passed as what expectations filter on (report does not depend on run's plan). */
int nh_expect_check_plan(const nh_expect_set_t *set, const nh_expect_planned_t *plan, unsigned n,
			 nh_err_t *err);

enum nh_check_status { NH_CHECK_PASS, NH_CHECK_FAIL, NH_CHECK_NOT_EVALUATED };
/** \brief "pass", "fail", "not-evaluated". */
const char *nh_check_status_name(enum nh_check_status s);

/* One evaluated check: an expectation applied to one configuration (or pair, or the host). */
typedef struct nh_check {
	enum nh_expect_kind kind;
	enum nh_check_status status;
	bool fails_gate; /* fail, or not-evaluated under unevaluated = "fail" (not implied) */
	char name[384];  /* "placement ≥ 0.99 (stream membind=0)" */
	char source[160];
	/* configuration key ("" for host checks; "A => B" for ratios: two whole keys) */
	char config[2 * sizeof(((nh_results_config_t *)0)->key) + sizeof " => " - 2];
	double value;      /* what was measured, NAN when nothing */
	double min, max;   /* the bounds, NAN when open */
	char detail[512];  /* measured value against the bound, or why it was not evaluated */
} nh_check_t;

typedef struct nh_checks {
	char scenario[64];
	nh_check_t *items;
	unsigned count, cap;
	unsigned passed, failed, not_evaluated;
	bool unevaluated_fails;
	bool gate_failed; /* some check fails the gate */
} nh_checks_t;

/** \brief Apply every expectation (plus the implied outcome and placement checks) to the
 *  results. Fills \p out (free with nh_checks_free). Returns 0, or -1 (ENOMEM) with a message. */
int nh_expect_evaluate(const nh_expect_set_t *set, const nh_results_t *res, nh_checks_t *out,
		       nh_err_t *err);
/** \brief Is \p k read from the manifest's host facts alone (nodes, cpus_per_node, distance,
 *  node_memory)? Those can be checked before the first run. */
bool nh_expect_kind_is_host(enum nh_expect_kind k);
/** \brief The host kinds alone, as nh_expect_evaluate checks them (same names, details,
 *  statuses), from a results directory whose manifest is written and whose runs may not be:
 *  a host that is not what the scenario says fails before the sweep. With \p others_reason,
 *  every other expectation (implied ones included) gets one not-evaluated check with that
 *  reason, which does not fail the gate, in nh_expect_evaluate's order; with NULL they are
 *  left out. Returns 0, or -1 (ENOMEM) with a message. */
int nh_expect_evaluate_host(const nh_expect_set_t *set, const nh_results_t *res,
			    const char *others_reason, nh_checks_t *out, nh_err_t *err);
void nh_checks_free(nh_checks_t *c);
/** \brief Append a check the scenario's code made (nh.check: kind NH_EXPECT_SCRIPT, its name,
 *  file:line, status, value and bounds, detail) to \p c, counted like the others; it fails the
 *  gate when it failed, or was not evaluated under unevaluated = "fail". 0, or -1 (ENOMEM). */
int nh_checks_add(nh_checks_t *c, const nh_check_t *check, nh_err_t *err);

/** \brief checks.json: a JSON array of {name, kind, source, status, fails_gate, config, value,
 *  min, max, detail}, malloc'd; NULL on ENOMEM. */
char *nh_checks_to_json(const nh_checks_t *c);
/** \brief checks.xml: JUnit XML, one testsuite "numaharness.<scenario>", one testcase per
 *  check, malloc'd; NULL on ENOMEM. */
char *nh_checks_to_junit(const nh_checks_t *c);
/** \brief Write DIR/checks.json and DIR/checks.xml atomically. 0 or -1 with errno and a message. */
int nh_checks_write(const nh_checks_t *c, const char *dir, nh_err_t *err);

/** \brief \p s with XML's special characters escaped (& < > " ') and control characters other
 *  than tab and newline dropped (XML 1.0 cannot carry them), malloc'd; NULL on ENOMEM. */
char *nh_xml_escape(const char *s);

#endif
