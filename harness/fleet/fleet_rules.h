/* SPDX-License-Identifier: MIT */
/* fleet_rules: the plain readings — what a host's signals against its cohort most likely mean,
 * "node 1: MemTotal −8.3 % and local triad −14.9 % against the cohort → a missing or failed DIMM
 * on node 1". The rules are one table (fleet_rules.c), each with its own test; a reading is a
 * pure function of the signals, so a test needs no fleet. */
#ifndef NH_FLEET_RULES_H
#define NH_FLEET_RULES_H

#include <stdbool.h>

#include "fleet.h"

/* Facts compared by category with the cohort's usual value. */
enum nh_fleet_fact {
	NH_FACT_NODES,	  /* node count */
	NH_FACT_CPUS,	  /* CPUs of each node */
	NH_FACT_DISTANCES, /* the SLIT matrix */
	NH_FACT_ALLOWED,   /* the CPUs the harness could use (its cpuset and affinity) */
	NH_FACT_THP,
	NH_FACT_BALANCING, /* automatic NUMA balancing */
	NH_FACT_KERNEL,
	NH_FACT_BIOS,	  /* BIOS version */
	NH_FACT_CPU_MODEL,
	NH_FACT_PARAMS,	  /* the scenario's parameters (--set) */
	NH_FACT_COUNT
};

typedef struct nh_fleet_fact_def {
	const char *name;  /* fleet.json: "nodes", "kernel", ... */
	const char *label; /* in text: "node count", "kernel" */
	bool shape;	   /* differing makes the host OUTLIER; else a note beside its verdict */
} nh_fleet_fact_def_t;
const nh_fleet_fact_def_t *nh_fleet_fact_def(enum nh_fleet_fact f);

/* One node's signals: which figures are off in their bad direction (outliers), and which were
 * compared at all. */
enum {
	NH_SIG_TRIAD_LOW = 1 << 0,
	NH_SIG_LATENCY_HIGH = 1 << 1,
	NH_SIG_MEM_LOW = 1 << 2,
	NH_SIG_RATIO_HIGH = 1 << 3,
	NH_SIG_RATIO_LOW = 1 << 4,
};
#define NH_SIG_LOCAL (NH_SIG_TRIAD_LOW | NH_SIG_LATENCY_HIGH | NH_SIG_MEM_LOW)
#define NH_SIG_RATIO (NH_SIG_RATIO_HIGH | NH_SIG_RATIO_LOW)

#define NH_FLEET_MAX_NODES 64

typedef struct nh_fleet_node_signals {
	unsigned node;
	unsigned sig;			     /* NH_SIG_* */
	double dev_pct[NH_FLEET_METRICS];    /* each flagged figure's deviation from the reference */
	bool judged[NH_FLEET_METRICS];	     /* compared with a reference */
	double noisy_cv[NH_FLEET_METRICS];   /* > 0: the figure's CV, above --max-cv */
	unsigned runs[NH_FLEET_METRICS];
} nh_fleet_node_signals_t;

typedef struct nh_fleet_signals {
	unsigned node_count;
	nh_fleet_node_signals_t nodes[NH_FLEET_MAX_NODES];
	/* categorical drift: the host's value and its cohort's usual one; NULL where they agree or
	 * either is unknown */
	const char *drift_value[NH_FACT_COUNT], *drift_usual[NH_FACT_COUNT];
	double max_cv;
} nh_fleet_signals_t;

#define NH_FLEET_READING_LEN 512
#define NH_FLEET_MAX_READINGS 16

/** \brief The plain readings of \p s, one "evidence → cause" a line, into \p out (at most
 *  \p max), and the id of the rule that made each into \p rules (may be NULL): shape drift
 *  first, then what every node shows alike, then each node, then noise. Returns how many. */
unsigned nh_fleet_readings(const nh_fleet_signals_t *s, char (*out)[NH_FLEET_READING_LEN],
			   const char **rules, unsigned max);

/** \brief The rules' ids in the order they are tried (a test per rule checks it has one). */
unsigned nh_fleet_rule_count(void);
const char *nh_fleet_rule_id(unsigned i);

/* "−8.3 %" / "+12.0 %": a deviation as the readings write it (U+2212 for minus). */
char *nh_fleet_pct(char *buf, size_t len, double pct);

#endif
