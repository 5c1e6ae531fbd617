/* SPDX-License-Identifier: MIT */
/* fleet_rules: the one table of plain readings. Each rule says which signals it needs (and which
 * it must not see) and the likely cause; the first rule that fits a node (or the whole host)
 * makes its reading, with the evidence — every flagged figure of that group, its deviation —
 * before the arrow. */
#include "fleet_rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const nh_fleet_fact_def_t FACTS[NH_FACT_COUNT] = {
	[NH_FACT_NODES] = {"nodes", "node count", true},
	[NH_FACT_CPUS] = {"cpus_per_node", "CPUs per node", true},
	[NH_FACT_DISTANCES] = {"distances", "SLIT distances", true},
	[NH_FACT_ALLOWED] = {"allowed_cpus", "CPUs the runs could use", true},
	[NH_FACT_THP] = {"thp", "THP", false},
	[NH_FACT_BALANCING] = {"numa_balancing", "NUMA balancing", false},
	[NH_FACT_KERNEL] = {"kernel", "kernel", false},
	[NH_FACT_BIOS] = {"bios_version", "BIOS version", false},
	[NH_FACT_CPU_MODEL] = {"cpu_model", "CPU model", false},
	[NH_FACT_PARAMS] = {"parameters", "scenario parameters", false},
};

const nh_fleet_fact_def_t *nh_fleet_fact_def(enum nh_fleet_fact f)
{
	return f < NH_FACT_COUNT ? &FACTS[f] : NULL;
}

enum scope {
	SCOPE_SHAPE,	 /* a shape fact differs from the cohort's */
	SCOPE_ALL_NODES, /* every node with CPUs shows the same local signals (two nodes or more) */
	SCOPE_NODE,	 /* one node's local signals, or its ratio */
	SCOPE_NOISE,	 /* its repetitions disagree */
};

/* The rules, in the order they are tried. In a cause, "{node}" stands for the node's number. */
static const struct fleet_rule {
	const char *id;
	enum scope scope;
	enum nh_fleet_fact fact; /* SCOPE_SHAPE */
	unsigned requires, forbids;
	const char *cause;
} RULES[] = {
	{"node-count", SCOPE_SHAPE, NH_FACT_NODES, 0, 0,
	 "the SNC/NPS (sub-NUMA clustering) or node-interleaving BIOS setting differs, or a socket "
	 "or its memory is not seen; its per-node figures are not compared"},
	{"cpus-per-node", SCOPE_SHAPE, NH_FACT_CPUS, 0, 0,
	 "CPUs offline, or the SMT (hyper-threading) or core-count BIOS setting differs"},
	{"distances", SCOPE_SHAPE, NH_FACT_DISTANCES, 0, 0,
	 "the firmware's distance table (SLIT) differs: another BIOS version or SNC/NPS setting"},
	{"allowed-cpus", SCOPE_SHAPE, NH_FACT_ALLOWED, 0, 0,
	 "a cpuset, CPU affinity or isolcpus confined the harness to other CPUs than the cohort's "
	 "hosts: its figures are not the whole machine's; rerun it unconfined"},

	{"all-triad-latency", SCOPE_ALL_NODES, 0, NH_SIG_TRIAD_LOW | NH_SIG_LATENCY_HIGH,
	 NH_SIG_MEM_LOW,
	 "memory slower on every node alike: a lower memory speed, or the BIOS memory or power "
	 "profile"},
	{"all-triad", SCOPE_ALL_NODES, 0, NH_SIG_TRIAD_LOW, NH_SIG_MEM_LOW | NH_SIG_LATENCY_HIGH,
	 "a BIOS power/memory setting or the CPU frequency (power profile, turbo, C-states, memory "
	 "speed), every node alike"},
	{"all-latency", SCOPE_ALL_NODES, 0, NH_SIG_LATENCY_HIGH, NH_SIG_MEM_LOW | NH_SIG_TRIAD_LOW,
	 "memory slower to reach on every node: memory timings or a power-saving setting (uncore "
	 "frequency, C-states)"},
	{"all-ratio-high", SCOPE_ALL_NODES, 0, NH_SIG_RATIO_HIGH, 0,
	 "the link between the sockets is slower: UPI / Infinity Fabric running degraded (fewer "
	 "lanes, lower speed) or another snoop-mode BIOS setting"},
	{"all-ratio-low", SCOPE_ALL_NODES, 0, NH_SIG_RATIO_LOW, 0,
	 "remote memory hardly slower than local: the nodes may not have memory of their own "
	 "(node interleaving, SNC/NPS setting)"},

	{"dimm", SCOPE_NODE, 0, NH_SIG_MEM_LOW | NH_SIG_TRIAD_LOW, 0,
	 "a missing or failed DIMM on node {node}"},
	{"memory-only", SCOPE_NODE, 0, NH_SIG_MEM_LOW, NH_SIG_TRIAD_LOW,
	 "less memory on node {node} with its bandwidth intact: a smaller or mapped-out DIMM, or "
	 "memory reserved at boot (crashkernel=, memmap=)"},
	{"slow-memory", SCOPE_NODE, 0, NH_SIG_TRIAD_LOW | NH_SIG_LATENCY_HIGH, NH_SIG_MEM_LOW,
	 "node {node}'s memory is slower: DIMMs at a lower speed or with slower timings, or a "
	 "memory-controller setting of that socket"},
	{"bandwidth-only", SCOPE_NODE, 0, NH_SIG_TRIAD_LOW, NH_SIG_MEM_LOW | NH_SIG_LATENCY_HIGH,
	 "node {node}'s bandwidth alone is low: a memory channel degraded or populated unevenly "
	 "(capacity kept), or other work on node {node}'s CPUs"},
	{"latency-only", SCOPE_NODE, 0, NH_SIG_LATENCY_HIGH, NH_SIG_MEM_LOW | NH_SIG_TRIAD_LOW,
	 "node {node}'s memory takes longer to reach: slower DIMM timings or a memory power-saving "
	 "setting of that socket"},
	{"ratio-high", SCOPE_NODE, 0, NH_SIG_RATIO_HIGH, 0,
	 "remote memory from node {node} is slower than the cohort's: the link between the sockets "
	 "runs degraded, or another snoop-mode setting"},
	{"ratio-low", SCOPE_NODE, 0, NH_SIG_RATIO_LOW, 0,
	 "remote memory from node {node} is hardly slower than local: nodes without memory of "
	 "their own (node interleaving, SNC/NPS setting)"},

	{"noisy", SCOPE_NOISE, 0, 0, 0,
	 "other work ran during the measurement, or frequency scaling / power management varies: "
	 "rerun it on an idle host"},
};

unsigned nh_fleet_rule_count(void) { return NH_ARRAY_LEN(RULES); }
const char *nh_fleet_rule_id(unsigned i) { return i < NH_ARRAY_LEN(RULES) ? RULES[i].id : NULL; }

/* The metric behind each signal bit, in the order evidence is written. */
static const struct {
	unsigned sig;
	enum nh_fleet_metric metric;
} EVIDENCE[] = {
	{NH_SIG_MEM_LOW, NH_FLEET_MEMTOTAL},
	{NH_SIG_TRIAD_LOW, NH_FLEET_TRIAD},
	{NH_SIG_LATENCY_HIGH, NH_FLEET_LATENCY},
	{NH_SIG_RATIO_HIGH, NH_FLEET_RATIO},
	{NH_SIG_RATIO_LOW, NH_FLEET_RATIO},
};

char *nh_fleet_pct(char *buf, size_t len, double pct)
{
	if (!isfinite(pct))
		snprintf(buf, len, "?");
	else if (pct < 0 && fabs(pct) >= 0.05)
		snprintf(buf, len, "\u2212%.1f %%", -pct);
	else
		snprintf(buf, len, "+%.1f %%", fabs(pct));
	return buf;
}

static bool fits(const struct fleet_rule *r, unsigned sig)
{
	return (sig & r->requires) == r->requires && !(sig & r->forbids);
}

/* Append text to a reading; a cut shows as "...". */
static void add(char *buf, const char *text)
{
	size_t used = strlen(buf);
	if (used + 1 < NH_FLEET_READING_LEN)
		nh_format_cut(buf + used, NH_FLEET_READING_LEN - used, "%s", text);
}

/* The cause with "{node}" replaced. */
static void add_cause(char *buf, const char *cause, unsigned node)
{
	add(buf, " \u2192 ");
	char num[16];
	snprintf(num, sizeof num, "%u", node);
	for (const char *p = cause; *p;) {
		const char *mark = strstr(p, "{node}");
		size_t n = mark ? (size_t)(mark - p) : strlen(p);
		char part[NH_FLEET_READING_LEN];
		snprintf(part, sizeof part, "%.*s", (int)n, p);
		add(buf, part);
		if (!mark)
			break;
		add(buf, num);
		p = mark + 6;
	}
}

/* "A", "A and B", "A, B and C": the separator before item k of n. */
static const char *joiner(unsigned k, unsigned n)
{
	return k == 0 ? "" : k + 1 == n ? " and " : ", ";
}

static unsigned bit_count(unsigned x)
{
	unsigned n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

/* One node's evidence: "MemTotal −8.3 % and local triad −14.9 %". */
static void node_evidence(char *buf, const nh_fleet_node_signals_t *n, unsigned sig)
{
	unsigned k = 0, count = bit_count(sig);
	for (unsigned e = 0; e < NH_ARRAY_LEN(EVIDENCE); e++) {
		if (!(sig & EVIDENCE[e].sig))
			continue;
		char pct[32], item[128];
		snprintf(item, sizeof item, "%s%s %s", joiner(k++, count),
			 nh_fleet_metric_def(EVIDENCE[e].metric)->label,
			 nh_fleet_pct(pct, sizeof pct, n->dev_pct[EVIDENCE[e].metric]));
		add(buf, item);
	}
}

/* Every node's evidence: "local triad −20.1 % (node 0), −19.8 % (node 1)". */
static void all_evidence(char *buf, const nh_fleet_signals_t *s, const bool *members,
			 unsigned sig)
{
	unsigned k = 0, count = bit_count(sig);
	for (unsigned e = 0; e < NH_ARRAY_LEN(EVIDENCE); e++) {
		if (!(sig & EVIDENCE[e].sig))
			continue;
		enum nh_fleet_metric m = EVIDENCE[e].metric;
		char item[128];
		snprintf(item, sizeof item, "%s%s ", joiner(k++, count), nh_fleet_metric_def(m)->label);
		add(buf, item);
		bool first = true;
		for (unsigned i = 0; i < s->node_count; i++) {
			if (!members[i])
				continue;
			char pct[32];
			snprintf(item, sizeof item, "%s%s (node %u)", first ? "" : ", ",
				 nh_fleet_pct(pct, sizeof pct, s->nodes[i].dev_pct[m]), s->nodes[i].node);
			add(buf, item);
			first = false;
		}
	}
}

/* Drift that may explain what every node shows: named after the cause. */
static void add_hints(char *buf, const nh_fleet_signals_t *s)
{
	static const enum nh_fleet_fact hints[] = {NH_FACT_BIOS, NH_FACT_KERNEL, NH_FACT_CPU_MODEL,
						   NH_FACT_THP, NH_FACT_BALANCING};
	for (unsigned h = 0; h < NH_ARRAY_LEN(hints); h++) {
		enum nh_fleet_fact f = hints[h];
		if (!s->drift_value[f] || !s->drift_usual[f])
			continue;
		char item[256];
		nh_format_cut(item, sizeof item, "; its %s %s differs from the cohort's %s",
			      FACTS[f].label, s->drift_value[f], s->drift_usual[f]);
		add(buf, item);
	}
}

/* The signals of group \p mask (local or ratio) a node shows. */
static unsigned group(const nh_fleet_node_signals_t *n, unsigned mask) { return n->sig & mask; }

/* Does the node take part in an all-nodes reading of group \p mask: were its figures of that
 * group compared? (A node without CPUs has no local triad or latency.) */
static bool compared(const nh_fleet_node_signals_t *n, unsigned mask)
{
	if (mask == NH_SIG_RATIO)
		return n->judged[NH_FLEET_RATIO];
	return n->judged[NH_FLEET_TRIAD] || n->judged[NH_FLEET_LATENCY];
}

unsigned nh_fleet_readings(const nh_fleet_signals_t *s, char (*out)[NH_FLEET_READING_LEN],
			   const char **rules, unsigned max)
{
	unsigned count = 0;
	/* which node's group is already read (by an all-nodes rule) */
	bool done_local[NH_FLEET_MAX_NODES] = {0}, done_ratio[NH_FLEET_MAX_NODES] = {0};
	unsigned nodes = s->node_count < NH_FLEET_MAX_NODES ? s->node_count : NH_FLEET_MAX_NODES;
	bool shape_nodes = false;

#define EMIT(rule)                                                                                 \
	do {                                                                                       \
		if (rules)                                                                         \
			rules[count] = (rule)->id;                                                 \
		count++;                                                                           \
	} while (0)

	/* shape first: a host of another shape is not compared figure by figure */
	for (unsigned r = 0; r < NH_ARRAY_LEN(RULES) && count < max; r++) {
		const struct fleet_rule *rule = &RULES[r];
		if (rule->scope != SCOPE_SHAPE || !s->drift_value[rule->fact] ||
		    !s->drift_usual[rule->fact])
			continue;
		char *buf = out[count];
		nh_format_cut(buf, NH_FLEET_READING_LEN, "%s %s against the cohort's %s",
			      FACTS[rule->fact].label, s->drift_value[rule->fact],
			      s->drift_usual[rule->fact]);
		add_cause(buf, rule->cause, 0);
		shape_nodes |= rule->fact == NH_FACT_NODES;
		EMIT(rule);
	}
	if (shape_nodes)
		return count;

	/* every node alike: the same signals on each node whose figures were compared */
	static const unsigned groups[] = {NH_SIG_LOCAL, NH_SIG_RATIO};
	for (unsigned g = 0; g < NH_ARRAY_LEN(groups); g++) {
		unsigned mask = groups[g], sig = 0, members = 0;
		bool member[NH_FLEET_MAX_NODES] = {0}, alike = true;
		for (unsigned i = 0; i < nodes; i++) {
			if (!compared(&s->nodes[i], mask))
				continue;
			unsigned here = group(&s->nodes[i], mask);
			if (members++ == 0)
				sig = here;
			alike &= here == sig;
			member[i] = true;
		}
		if (members < 2 || !alike || !sig)
			continue;
		for (unsigned r = 0; r < NH_ARRAY_LEN(RULES) && count < max; r++) {
			const struct fleet_rule *rule = &RULES[r];
			if (rule->scope != SCOPE_ALL_NODES || !(rule->requires & mask) ||
			    !fits(rule, sig))
				continue;
			char *buf = out[count];
			buf[0] = '\0';
			add(buf, "every node: ");
			all_evidence(buf, s, member, sig);
			add(buf, " against the cohort");
			add_cause(buf, rule->cause, 0);
			add_hints(buf, s);
			for (unsigned i = 0; i < nodes; i++)
				if (member[i])
					(mask == NH_SIG_RATIO ? done_ratio : done_local)[i] = true;
			EMIT(rule);
			break;
		}
	}

	/* each node: its local signals, then its ratio */
	for (unsigned i = 0; i < nodes; i++) {
		for (unsigned g = 0; g < NH_ARRAY_LEN(groups); g++) {
			unsigned mask = groups[g], sig = group(&s->nodes[i], mask);
			if (!sig || (mask == NH_SIG_RATIO ? done_ratio : done_local)[i])
				continue;
			for (unsigned r = 0; r < NH_ARRAY_LEN(RULES) && count < max; r++) {
				const struct fleet_rule *rule = &RULES[r];
				if (rule->scope != SCOPE_NODE || !(rule->requires & mask) ||
				    !fits(rule, sig))
					continue;
				char *buf = out[count];
				snprintf(buf, NH_FLEET_READING_LEN, "node %u: ", s->nodes[i].node);
				node_evidence(buf, &s->nodes[i], sig);
				add(buf, " against the cohort");
				add_cause(buf, rule->cause, s->nodes[i].node);
				EMIT(rule);
				break;
			}
		}
	}

	/* noise: the least steady figure */
	const nh_fleet_node_signals_t *worst = NULL;
	enum nh_fleet_metric worst_m = NH_FLEET_TRIAD;
	for (unsigned i = 0; i < nodes; i++)
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
			if (s->nodes[i].noisy_cv[m] > 0 &&
			    (!worst || s->nodes[i].noisy_cv[m] > worst->noisy_cv[worst_m])) {
				worst = &s->nodes[i];
				worst_m = m;
			}
	for (unsigned r = 0; worst && r < NH_ARRAY_LEN(RULES) && count < max; r++) {
		const struct fleet_rule *rule = &RULES[r];
		if (rule->scope != SCOPE_NOISE)
			continue;
		char *buf = out[count];
		snprintf(buf, NH_FLEET_READING_LEN,
			 "node %u: %s varies by CV %.2f over its %u runs (above %.2f)", worst->node,
			 nh_fleet_metric_def(worst_m)->label, worst->noisy_cv[worst_m],
			 worst->runs[worst_m], s->max_cv);
		add_cause(buf, rule->cause, worst->node);
		EMIT(rule);
		break;
	}
#undef EMIT
	return count;
}
