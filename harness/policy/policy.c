/* SPDX-License-Identifier: MIT */
/* policy: numactl-style policy specs — parse, validate against a topology, apply, read back. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <numaif.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Debian 12's numaif.h predates these modes and flags; the values are the kernel ABI. */
#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY 5
#endif
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif
#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif
#ifndef MPOL_F_RELATIVE_NODES
#define MPOL_F_RELATIVE_NODES (1 << 14)
#endif
#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES (1 << 15)
#endif
#define MODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

#define MAX_TOKENS 16
#define MAX_SPEC 1024

/* ---- parsing ---- */

enum tok_kind { TOK_MEM, TOK_CPU };
enum tok_value { VAL_NONE, VAL_NODES, VAL_CPUS, VAL_WEIGHTS };

struct tok_def {
	const char *name;  /* canonical spelling, as stored in p->spec */
	const char *alias; /* another accepted spelling, or NULL */
	char short_opt;	   /* numactl's short option letter, or 0 */
	enum tok_kind kind;
	enum tok_value value;
	int mode; /* enum nh_mem_mode or enum nh_cpu_mode */
};

static const struct tok_def tok_defs[] = {
	{"membind", NULL, 'm', TOK_MEM, VAL_NODES, NH_MEM_BIND},
	{"preferred", NULL, 'p', TOK_MEM, VAL_NODES, NH_MEM_PREFERRED},
	{"preferred-many", NULL, 'P', TOK_MEM, VAL_NODES, NH_MEM_PREFERRED_MANY},
	{"interleave", NULL, 'i', TOK_MEM, VAL_NODES, NH_MEM_INTERLEAVE},
	{"weighted-interleave", NULL, 'w', TOK_MEM, VAL_WEIGHTS, NH_MEM_WEIGHTED_INTERLEAVE},
	{"localalloc", "local", 'l', TOK_MEM, VAL_NONE, NH_MEM_LOCAL},
	{"default", NULL, 0, TOK_MEM, VAL_NONE, NH_MEM_DEFAULT},
	{"cpunodebind", "cpubind", 'N', TOK_CPU, VAL_NODES, NH_CPU_NODES},
	{"physcpubind", NULL, 'C', TOK_CPU, VAL_CPUS, NH_CPU_LIST},
};

static const struct tok_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(tok_defs); i++) {
		const struct tok_def *d = &tok_defs[i];
		if ((strlen(d->name) == len && strncmp(d->name, name, len) == 0) ||
		    (d->alias && strlen(d->alias) == len && strncmp(d->alias, name, len) == 0))
			return d;
	}
	return NULL;
}

static const struct tok_def *find_short(char c)
{
	for (size_t i = 0; i < NH_ARRAY_LEN(tok_defs); i++)
		if (tok_defs[i].short_opt && tok_defs[i].short_opt == c)
			return &tok_defs[i];
	return NULL;
}

/* nh_set_parse says "bad list 'TEXT': why"; we quote the text ourselves, so keep only "why". */
static const char *list_reason(const nh_err_t *inner, const char *text)
{
	char prefix[MAX_SPEC + 16];
	int n = snprintf(prefix, sizeof prefix, "bad list '%s': ", text);
	if (n > 0 && (size_t)n < sizeof prefix && strncmp(inner->msg, prefix, (size_t)n) == 0)
		return inner->msg + n;
	return inner->msg;
}

/* A node list: "all", or numbers and ranges below NH_MAX_NODES. */
static int parse_nodes(const char *text, nh_set_t *out, bool *all, nh_err_t *err)
{
	nh_err_t inner;
	*all = false;
	nh_set_clear(out);
	if (strcmp(text, "all") == 0) {
		*all = true;
		return 0;
	}
	if (nh_set_parse(out, text, &inner) < 0)
		return nh_err_set(err, "bad node list '%s': %s", text, list_reason(&inner, text));
	/* weights[] and the node masks are sized for NH_MAX_NODES */
	int hi = -1;
	for (int n = nh_set_next(out, 0); n >= 0; n = nh_set_next(out, n + 1))
		hi = n;
	if (hi >= NH_MAX_NODES) {
		errno = ERANGE;
		return nh_err_set(err,
				  "bad node list '%s': node %d is out of range (largest is %d)",
				  text, hi, NH_MAX_NODES - 1);
	}
	return 0;
}

static int parse_cpus(const char *text, nh_set_t *out, bool *all, nh_err_t *err)
{
	nh_err_t inner;
	*all = false;
	nh_set_clear(out);
	if (strcmp(text, "all") == 0) {
		*all = true;
		return 0;
	}
	if (nh_set_parse(out, text, &inner) < 0)
		return nh_err_set(err, "bad CPU list '%s': %s", text, list_reason(&inner, text));
	return 0;
}

/* "0:3,1:1" or "0-1:2,3:1": every item names nodes and a weight 1..255. */
static int parse_weights(nh_policy_t *p, const char *text, nh_err_t *err)
{
	char buf[MAX_SPEC];
	snprintf(buf, sizeof buf, "%s", text);
	nh_set_clear(&p->mem_nodes);
	memset(p->weights, 0, sizeof p->weights);
	char *save = NULL;
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		nh_set_t nodes;
		bool all;
		uint64_t w;
		nh_err_t inner;
		if (!colon) {
			errno = EINVAL;
			return nh_err_set(err,
					  "bad weight list '%s': '%s' has no weight (give "
					  "NODE:WEIGHT for every node, or a plain node list)",
					  text, item);
		}
		*colon = '\0';
		if (parse_nodes(item, &nodes, &all, &inner) < 0 || all)
			return nh_err_set(err, "bad weight list '%s': bad node '%s'", text, item);
		if (nh_parse_uint(colon + 1, 1, 255, &w, &inner) < 0)
			return nh_err_set(err,
					  "bad weight list '%s': weight '%s' for node %s is not "
					  "a number from 1 to 255",
					  text, colon + 1, item);
		for (int n = nh_set_next(&nodes, 0); n >= 0; n = nh_set_next(&nodes, n + 1)) {
			if (nh_set_has(&p->mem_nodes, (unsigned)n)) {
				errno = EINVAL;
				return nh_err_set(err, "bad weight list '%s': node %d given twice",
						  text, n);
			}
			nh_set_add(&p->mem_nodes, (unsigned)n);
			p->weights[n] = (unsigned)w;
		}
	}
	if (nh_set_empty(&p->mem_nodes)) {
		errno = EINVAL;
		return nh_err_set(err, "bad weight list '%s': no nodes", text);
	}
	p->has_weights = true;
	return 0;
}

/* Fill p from one token whose definition and value (NULL for none) are known. */
static int apply_token(nh_policy_t *p, const struct tok_def *d, const char *value, nh_err_t *err)
{
	bool all = false;
	if (d->value == VAL_NONE) {
		if (value) {
			errno = EINVAL;
			return nh_err_set(err, "%s takes no value", d->name);
		}
	} else if (!value) {
		errno = EINVAL;
		return nh_err_set(err, "%s needs a %s list (%s=%s)", d->name,
				  d->value == VAL_CPUS ? "CPU" : "node", d->name,
				  d->value == VAL_CPUS ? "CPUS" : "NODES");
	}
	if (d->kind == TOK_CPU) {
		p->cpu_mode = (enum nh_cpu_mode)d->mode;
		if (d->value == VAL_CPUS) {
			if (parse_cpus(value, &p->cpus, &all, err) < 0)
				return -1;
		} else if (parse_nodes(value, &p->cpu_nodes, &all, err) < 0) {
			return -1;
		}
		p->cpu_all = all;
		return 0;
	}
	p->mem_mode = (enum nh_mem_mode)d->mode;
	if (d->value == VAL_WEIGHTS && strchr(value, ':'))
		return parse_weights(p, value, err);
	if (d->value == VAL_NONE)
		return 0;
	if (parse_nodes(value, &p->mem_nodes, &all, err) < 0)
		return -1;
	/* "all" is rejected even on a one-node machine so the spec means the same everywhere */
	if (d->mode == NH_MEM_PREFERRED && (all || nh_set_count(&p->mem_nodes) != 1)) {
		errno = EINVAL;
		return nh_err_set(err, "preferred takes exactly one node (use preferred-many)");
	}
	p->mem_all = all;
	return 0;
}

/* Append "name[=value]" to the normalised spec. */
static int spec_append(nh_policy_t *p, const char *name, const char *value, nh_err_t *err)
{
	size_t used = strlen(p->spec);
	int n = snprintf(p->spec + used, sizeof p->spec - used, "%s%s%s%s", used ? " " : "", name,
			 value ? "=" : "", value ? value : "");
	if (n < 0 || (size_t)n >= sizeof p->spec - used) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "spec is too long (at most %zu characters)",
				  sizeof p->spec - 1);
	}
	return 0;
}

static int parse_tokens(nh_policy_t *p, char **tok, int ntok, nh_err_t *err)
{
	const struct tok_def *mem = NULL, *cpu = NULL;
	for (int i = 0; i < ntok; i++) {
		const char *t = tok[i], *value = NULL;
		const struct tok_def *d;
		if (t[0] == '-' && t[1] != '-') {
			/* numactl short option: "-m0" or "-m 0" */
			d = t[1] ? find_short(t[1]) : NULL;
			if (!d || (d->value == VAL_NONE && t[2])) {
				errno = EINVAL;
				return nh_err_set(err, "unknown option '%s'", t);
			}
			if (d->value != VAL_NONE)
				value = t[2] ? t + 2 : (i + 1 < ntok ? tok[++i] : NULL);
		} else {
			bool dashed = t[0] == '-';
			const char *name = t + strspn(t, "-");
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			d = find_long(name, len);
			if (!d) {
				errno = EINVAL;
				return nh_err_set(err,
						  "unknown policy '%.*s' (expected membind, "
						  "preferred, preferred-many, interleave, "
						  "weighted-interleave, localalloc, cpunodebind, "
						  "physcpubind)",
						  (int)len, name);
			}
			value = eq ? eq + 1 : NULL;
			/* "--membind 0": a long option may take its value from the next word */
			if (!eq && dashed && d->value != VAL_NONE && i + 1 < ntok)
				value = tok[++i];
		}
		const struct tok_def **slot = d->kind == TOK_MEM ? &mem : &cpu;
		if (*slot == d) {
			errno = EINVAL;
			return nh_err_set(err, "%s given twice", d->name);
		}
		if (*slot) {
			errno = EINVAL;
			return nh_err_set(err, "conflicting %s '%s' and '%s' (give one)",
					  d->kind == TOK_MEM ? "memory policies" : "CPU bindings",
					  (*slot)->name, d->name);
		}
		*slot = d;
		if (apply_token(p, d, value, err) < 0 || spec_append(p, d->name, value, err) < 0)
			return -1;
	}
	return 0;
}

int nh_policy_parse(nh_policy_t *p, const char *spec, const nh_topo_t *topo, nh_err_t *err)
{
	char buf[MAX_SPEC], shown[MAX_SPEC];
	char *tok[MAX_TOKENS];
	int ntok = 0;

	memset(p, 0, sizeof *p);
	if (!spec)
		spec = "";
	if (strlen(spec) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return nh_err_set(err, "policy '%.40s...': spec is too long", spec);
	}
	snprintf(buf, sizeof buf, "%s", spec);
	/* messages quote the spec with its spacing normalised, as the user will see it elsewhere */
	shown[0] = '\0';
	char *save = NULL;
	for (char *t = strtok_r(buf, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
		if (ntok == MAX_TOKENS) {
			errno = E2BIG;
			return nh_err_set(err, "policy '%s': too many words (at most %d)", spec,
					  MAX_TOKENS);
		}
		size_t used = strlen(shown);
		snprintf(shown + used, sizeof shown - used, "%s%s", used ? " " : "", t);
		tok[ntok++] = t;
	}
	if (parse_tokens(p, tok, ntok, err) < 0)
		return nh_err_prefix(err, "policy '%s'", shown);
	if (p->spec[0] == '\0')
		snprintf(p->spec, sizeof p->spec, "default");
	if (topo && nh_policy_resolve(p, topo, err) < 0)
		return -1;
	return 0;
}

/* The sets a policy means on \p topo, without changing it (validate takes a const policy). */
static void effective_sets(const nh_policy_t *p, const nh_topo_t *topo, nh_set_t *mem,
			   nh_set_t *cpu_nodes, nh_set_t *cpus)
{
	*mem = p->mem_all ? *nh_topo_all_nodes(topo) : p->mem_nodes;
	*cpu_nodes =
		p->cpu_mode == NH_CPU_NODES && p->cpu_all ? *nh_topo_all_nodes(topo) : p->cpu_nodes;
	if (p->cpu_mode == NH_CPU_LIST) {
		*cpus = p->cpu_all ? *nh_topo_all_cpus(topo) : p->cpus;
	} else if (p->cpu_mode == NH_CPU_NODES) {
		nh_set_clear(cpus);
		for (int n = nh_set_next(cpu_nodes, 0); n >= 0; n = nh_set_next(cpu_nodes, n + 1)) {
			const nh_topo_node_t *node = nh_topo_node_by_id(topo, n);
			if (node)
				nh_set_or(cpus, &node->cpus);
		}
	} else {
		nh_set_clear(cpus);
	}
}

int nh_policy_resolve(nh_policy_t *p, const nh_topo_t *topo, nh_err_t *err)
{
	nh_set_t mem, cpu_nodes, cpus;
	if (!topo) {
		errno = EINVAL;
		return nh_err_set(err, "policy '%s': no topology to resolve against", p->spec);
	}
	effective_sets(p, topo, &mem, &cpu_nodes, &cpus);
	p->mem_nodes = mem;
	p->cpu_nodes = cpu_nodes;
	p->cpus = cpus;
	return 0;
}

/* ---- validation ---- */

static int check_nodes_exist(const nh_policy_t *p, const nh_topo_t *topo, const nh_set_t *nodes,
			     nh_err_t *err)
{
	char list[256];
	for (int n = nh_set_next(nodes, 0); n >= 0; n = nh_set_next(nodes, n + 1)) {
		if (!nh_topo_node_by_id(topo, n)) {
			errno = ENODEV;
			return nh_err_set(
				err, "policy '%s': node %d does not exist (nodes: %s)", p->spec, n,
				nh_set_format(nh_topo_all_nodes(topo), list, sizeof list));
		}
	}
	return 0;
}

static int check_mems_allowed(const nh_policy_t *p, const nh_host_facts_t *f, const nh_set_t *nodes,
			      nh_err_t *err)
{
	char list[256];
	/* an empty set means the facts could not be read: nothing to check against */
	if (nh_set_empty(&f->allowed_mems))
		return 0;
	for (int n = nh_set_next(nodes, 0); n >= 0; n = nh_set_next(nodes, n + 1)) {
		if (!nh_set_has(&f->allowed_mems, (unsigned)n)) {
			errno = EPERM;
			return nh_err_set(err,
					  "policy '%s': node %d is not allowed by this process's "
					  "cpuset (Mems_allowed: %s)",
					  p->spec, n,
					  nh_set_format(&f->allowed_mems, list, sizeof list));
		}
	}
	return 0;
}

static int validate_weights(const nh_policy_t *p, const nh_set_t *mem, nh_err_t *err)
{
	for (int n = 0; n < NH_MAX_NODES; n++) {
		bool named = nh_set_has(mem, (unsigned)n);
		if (p->weights[n] && (!named || p->mem_mode != NH_MEM_WEIGHTED_INTERLEAVE)) {
			errno = EINVAL;
			return nh_err_set(err,
					  "policy '%s': weight given for node %d, which "
					  "weighted-interleave does not name",
					  p->spec, n);
		}
		if (p->has_weights && named && !p->weights[n]) {
			errno = EINVAL;
			return nh_err_set(err, "policy '%s': node %d has no weight", p->spec, n);
		}
		if (p->weights[n] > 255) {
			errno = ERANGE;
			return nh_err_set(err,
					  "policy '%s': weight %u for node %d is out of range "
					  "(1-255)",
					  p->spec, p->weights[n], n);
		}
	}
	return 0;
}

static int validate_cpu_nodes(const nh_policy_t *p, const nh_topo_t *topo,
			      const nh_set_t *cpu_nodes, nh_err_t *err)
{
	const nh_host_facts_t *f = nh_topo_facts(topo);
	char list[256], allowed[256];
	if (check_nodes_exist(p, topo, cpu_nodes, err) < 0)
		return -1;
	for (int n = nh_set_next(cpu_nodes, 0); n >= 0; n = nh_set_next(cpu_nodes, n + 1)) {
		const nh_topo_node_t *node = nh_topo_node_by_id(topo, n);
		nh_set_t usable = node->cpus;
		if (nh_set_empty(&node->cpus)) {
			errno = EINVAL;
			return nh_err_set(err,
					  "policy '%s': node %d has no CPUs (memory-only node); "
					  "cpunodebind needs nodes with CPUs",
					  p->spec, n);
		}
		/* partial narrowing within a node is visible in the read-back; a node with no
		 * allowed CPU at all would be dropped silently by the kernel */
		if (nh_set_empty(&f->allowed_cpus))
			continue;
		nh_set_and(&usable, &f->allowed_cpus);
		if (nh_set_empty(&usable)) {
			errno = EPERM;
			return nh_err_set(err,
					  "policy '%s': none of node %d's CPUs (%s) is allowed by "
					  "this process's cpuset (Cpus_allowed: %s)",
					  p->spec, n, nh_set_format(&node->cpus, list, sizeof list),
					  nh_set_format(&f->allowed_cpus, allowed, sizeof allowed));
		}
	}
	return 0;
}

static int validate_cpu_list(const nh_policy_t *p, const nh_topo_t *topo, const nh_set_t *cpus,
			     nh_err_t *err)
{
	const nh_host_facts_t *f = nh_topo_facts(topo);
	const nh_set_t *all = nh_topo_all_cpus(topo);
	char list[256];
	for (int c = nh_set_next(cpus, 0); c >= 0; c = nh_set_next(cpus, c + 1)) {
		if (!nh_set_has(all, (unsigned)c)) {
			errno = ENODEV;
			return nh_err_set(err, "policy '%s': CPU %d does not exist (CPUs: %s)",
					  p->spec, c, nh_set_format(all, list, sizeof list));
		}
	}
	if (nh_set_empty(&f->allowed_cpus))
		return 0;
	for (int c = nh_set_next(cpus, 0); c >= 0; c = nh_set_next(cpus, c + 1)) {
		if (!nh_set_has(&f->allowed_cpus, (unsigned)c)) {
			errno = EPERM;
			return nh_err_set(err,
					  "policy '%s': CPU %d is not allowed by this process's "
					  "cpuset (Cpus_allowed: %s)",
					  p->spec, c,
					  nh_set_format(&f->allowed_cpus, list, sizeof list));
		}
	}
	return 0;
}

int nh_policy_validate(const nh_policy_t *p, const nh_topo_t *topo, nh_err_t *err)
{
	static const nh_set_t none;
	nh_set_t mem, cpu_nodes, cpus;
	effective_sets(p, topo, &mem, &cpu_nodes, &cpus);

	bool takes_nodes = p->mem_mode != NH_MEM_DEFAULT && p->mem_mode != NH_MEM_LOCAL;
	if (takes_nodes && nh_set_empty(&mem)) {
		errno = EINVAL;
		return nh_err_set(err, "policy '%s': %s names no nodes", p->spec,
				  nh_policy_mem_mode_name(p->mem_mode));
	}
	if (p->mem_mode == NH_MEM_PREFERRED && nh_set_count(&mem) != 1) {
		errno = EINVAL;
		return nh_err_set(err,
				  "policy '%s': preferred takes exactly one node (use "
				  "preferred-many)",
				  p->spec);
	}
	if (takes_nodes && (check_nodes_exist(p, topo, &mem, err) < 0 ||
			    check_mems_allowed(p, nh_topo_facts(topo), &mem, err) < 0))
		return -1;
	if (validate_weights(p, takes_nodes ? &mem : &none, err) < 0)
		return -1;
	if (p->cpu_mode == NH_CPU_NODES)
		return validate_cpu_nodes(p, topo, &cpu_nodes, err);
	if (p->cpu_mode == NH_CPU_LIST) {
		if (nh_set_empty(&cpus)) {
			errno = EINVAL;
			return nh_err_set(err, "policy '%s': physcpubind names no CPUs", p->spec);
		}
		return validate_cpu_list(p, topo, &cpus, err);
	}
	return 0;
}

/* ---- kernel support ---- */

bool nh_policy_supported_on(const nh_policy_t *p, const char *release, const char *wi_dir,
			    char *reason, size_t len)
{
	int major = 0, minor = 0;
	struct stat st;
	if (len)
		reason[0] = '\0';
	/* an unreadable release proves nothing: apply will report what the kernel says */
	if (!release || sscanf(release, "%d.%d", &major, &minor) != 2)
		return true;
	if (p->mem_mode == NH_MEM_PREFERRED_MANY && (major < 5 || (major == 5 && minor < 15))) {
		snprintf(reason, len, "preferred-many needs Linux 5.15 or later (this kernel: %s)",
			 release);
		return false;
	}
	if (p->mem_mode == NH_MEM_WEIGHTED_INTERLEAVE) {
		if (major < 6 || (major == 6 && minor < 9)) {
			snprintf(reason, len,
				 "weighted-interleave needs Linux 6.9 or later (this "
				 "kernel: %s)",
				 release);
			return false;
		}
		if (stat(wi_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(reason, len,
				 "weighted-interleave needs %s, which this kernel (%s) "
				 "does not have",
				 wi_dir, release);
			return false;
		}
		/* explicit weights are written to sysfs by the parent: a read-only /sys (as in
		 * many containers) makes the run impossible here, not a failure */
		for (int n = 0; p->has_weights && n < NH_MAX_NODES; n++) {
			char path[256];
			if (!p->weights[n])
				continue;
			snprintf(path, sizeof path, "%s/node%d", wi_dir, n);
			if (access(path, W_OK) < 0) {
				snprintf(reason, len,
					 "weighted-interleave weights cannot be set: %s: %s", path,
					 strerror(errno));
				return false;
			}
		}
	}
	return true;
}

bool nh_policy_supported(const nh_policy_t *p, char *reason, size_t len)
{
	struct utsname u;
	if (uname(&u) < 0)
		return nh_policy_supported_on(p, NULL, NH_POLICY_WI_DIR, reason, len);
	return nh_policy_supported_on(p, u.release, NH_POLICY_WI_DIR, reason, len);
}

/* ---- weighted-interleave weights (system-wide sysfs) ---- */

static int read_uint_file(const char *path, unsigned *out)
{
	char line[32];
	char *end;
	if (nh_read_line(path, line, sizeof line) < 0)
		return -1;
	errno = 0;
	unsigned long v = strtoul(line, &end, 10);
	if (errno || end == line) {
		errno = EINVAL;
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/* sysfs wants one write(2) of the value, not a temp file and rename. */
static int write_text_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	int saved = errno;
	close(fd);
	if (n < 0 || (size_t)n != len) {
		errno = n < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

/* Linux 6.16 added an "auto" switch; a 6.18 build spells it "__auto_type" (a macro leak). */
static int auto_path(const char *dir, char *buf, size_t len)
{
	static const char *const names[] = {"auto", "__auto_type"};
	for (size_t i = 0; i < NH_ARRAY_LEN(names); i++) {
		snprintf(buf, len, "%s/%s", dir, names[i]);
		if (access(buf, F_OK) == 0)
			return 0;
	}
	return -1;
}

static void restore_nodes(const nh_policy_saved_weights_t *saved)
{
	char path[256], text[16];
	for (int n = 0; n < NH_MAX_NODES; n++) {
		if (!saved->weights[n])
			continue;
		snprintf(path, sizeof path, "%s/node%d", saved->dir, n);
		snprintf(text, sizeof text, "%u\n", saved->weights[n]);
		(void)write_text_file(path, text); /* best effort: nothing better to do */
	}
	/* writing node weights turns "auto" off; turning it back on recomputes them */
	if (saved->auto_mode == 1 && auto_path(saved->dir, path, sizeof path) == 0)
		(void)write_text_file(path, "true\n");
}

int nh_policy_set_weights_in(const char *dir, const nh_policy_t *p,
			     nh_policy_saved_weights_t *saved, nh_err_t *err)
{
	char path[256], text[16];
	int e;

	memset(saved, 0, sizeof *saved);
	saved->auto_mode = -1;
	snprintf(saved->dir, sizeof saved->dir, "%s", dir);
	if (p->mem_mode != NH_MEM_WEIGHTED_INTERLEAVE || !p->has_weights)
		return 0;
	if (access(dir, F_OK) < 0)
		return nh_err_set(err, "weighted-interleave weights: %s: %s", dir, strerror(errno));
	if (auto_path(dir, path, sizeof path) == 0) {
		if (nh_read_line(path, text, sizeof text) < 0)
			return nh_err_set(err, "weighted-interleave weights: read %s: %s", path,
					  strerror(errno));
		saved->auto_mode = text[0] == 't' || text[0] == '1' || text[0] == 'y';
	}
	/* save every old weight first, so a failure half-way can put them all back */
	nh_policy_saved_weights_t old = *saved;
	for (int n = 0; n < NH_MAX_NODES; n++) {
		if (!p->weights[n])
			continue;
		snprintf(path, sizeof path, "%s/node%d", dir, n);
		if (read_uint_file(path, &old.weights[n]) < 0) {
			return nh_err_set(err, "weighted-interleave weights: read %s: %s", path,
					  strerror(errno));
		}
	}
	for (int n = 0; n < NH_MAX_NODES; n++) {
		if (!p->weights[n])
			continue;
		snprintf(path, sizeof path, "%s/node%d", dir, n);
		snprintf(text, sizeof text, "%u\n", p->weights[n]);
		if (write_text_file(path, text) < 0) {
			nh_err_set(err, "weighted-interleave weights: write %s: %s", path,
				   strerror(errno));
			goto undo;
		}
		saved->weights[n] = old.weights[n];
	}
	saved->saved = true;
	return 0;
undo:
	/* put back the nodes already written; errno stays the failing write's */
	e = errno;
	restore_nodes(saved);
	errno = e;
	return -1;
}

int nh_policy_set_weights(const nh_policy_t *p, nh_policy_saved_weights_t *saved, nh_err_t *err)
{
	return nh_policy_set_weights_in(NH_POLICY_WI_DIR, p, saved, err);
}

void nh_policy_restore_weights(const nh_policy_saved_weights_t *saved)
{
	if (!saved || !saved->saved)
		return;
	int e = errno;
	restore_nodes(saved);
	errno = e;
}

/* ---- apply and read back ---- */

static const char *mpol_name(int mode)
{
	static const char *const names[] = {
		"MPOL_DEFAULT",
		"MPOL_PREFERRED",
		"MPOL_BIND",
		"MPOL_INTERLEAVE",
		"MPOL_LOCAL",
		"MPOL_PREFERRED_MANY",
		"MPOL_WEIGHTED_INTERLEAVE",
	};
	return mode >= 0 && (size_t)mode < NH_ARRAY_LEN(names) ? names[mode] : "MPOL_?";
}

static int mem_mode_to_mpol(enum nh_mem_mode m)
{
	switch (m) {
	case NH_MEM_LOCAL: return MPOL_LOCAL;
	case NH_MEM_BIND: return MPOL_BIND;
	case NH_MEM_PREFERRED: return MPOL_PREFERRED;
	case NH_MEM_PREFERRED_MANY: return MPOL_PREFERRED_MANY;
	case NH_MEM_INTERLEAVE: return MPOL_INTERLEAVE;
	case NH_MEM_WEIGHTED_INTERLEAVE: return MPOL_WEIGHTED_INTERLEAVE;
	case NH_MEM_DEFAULT: break;
	}
	return MPOL_DEFAULT;
}

static int apply_cpus(const nh_policy_t *p, nh_err_t *err)
{
	char list[256];
	int rc = -1;
	if (p->cpu_mode == NH_CPU_ANY)
		return 0;
	if (nh_set_empty(&p->cpus)) {
		errno = EINVAL;
		return nh_err_set(err,
				  "policy '%s': CPUs not resolved against a topology "
				  "(call nh_policy_resolve)",
				  p->spec);
	}
	cpu_set_t *mask = CPU_ALLOC(NH_SET_BITS);
	if (!mask)
		return nh_err_set(err, "policy '%s': %s", p->spec, strerror(errno));
	size_t size = CPU_ALLOC_SIZE(NH_SET_BITS);
	CPU_ZERO_S(size, mask);
	for (int c = nh_set_next(&p->cpus, 0); c >= 0; c = nh_set_next(&p->cpus, c + 1))
		CPU_SET_S((size_t)c, size, mask);
	if (sched_setaffinity(0, size, mask) < 0) {
		nh_err_set(err, "sched_setaffinity(CPUs %s): %s",
			   nh_set_format(&p->cpus, list, sizeof list), strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	CPU_FREE(mask);
	return rc;
}

static int apply_mem(const nh_policy_t *p, nh_err_t *err)
{
	unsigned long mask[NH_MAX_NODES / (8 * sizeof(unsigned long)) + 1] = {0};
	int mode = mem_mode_to_mpol(p->mem_mode);
	char list[256];
	int hi = -1;

	if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL) {
		if (set_mempolicy(mode, NULL, 0) < 0)
			return nh_err_set(err, "set_mempolicy(%s): %s", mpol_name(mode),
					  strerror(errno));
		return 0;
	}
	if (nh_set_empty(&p->mem_nodes)) {
		errno = EINVAL;
		return nh_err_set(err,
				  "policy '%s': nodes not resolved against a topology "
				  "(call nh_policy_resolve)",
				  p->spec);
	}
	for (int n = nh_set_next(&p->mem_nodes, 0); n >= 0; n = nh_set_next(&p->mem_nodes, n + 1)) {
		if (n >= NH_MAX_NODES)
			break; /* parse refuses these; the mask has no room */
		mask[n / (8 * sizeof *mask)] |= 1UL << (n % (8 * sizeof *mask));
		hi = n;
	}
	/* the kernel drops the last bit of maxnode (a historic off-by-one): + 2 keeps hi */
	if (set_mempolicy(mode, mask, (unsigned long)hi + 2) < 0)
		return nh_err_set(err, "set_mempolicy(%s, nodes %s): %s", mpol_name(mode),
				  nh_set_format(&p->mem_nodes, list, sizeof list), strerror(errno));
	return 0;
}

int nh_policy_apply(const nh_policy_t *p, nh_err_t *err)
{
	/* CPUs first, so "local" and first-touch decisions already see the new CPUs */
	if (apply_cpus(p, err) < 0)
		return -1;
	return apply_mem(p, err);
}

int nh_policy_read_back(nh_policy_applied_t *a, nh_err_t *err)
{
	unsigned long mask[NH_SET_BITS / (8 * sizeof(unsigned long))] = {0};
	const unsigned bits = 8 * sizeof *mask;
	cpu_set_t *cpus = NULL;
	int mode = 0, rc = -1;

	memset(a, 0, sizeof *a);
	if (get_mempolicy(&mode, mask, NH_SET_BITS, NULL, 0) < 0)
		return nh_err_set(err, "get_mempolicy: %s", strerror(errno));
	a->flags = (unsigned)mode & MODE_FLAGS;
	mode &= ~MODE_FLAGS;
	for (unsigned n = 0; n < NH_SET_BITS; n++)
		if (mask[n / bits] >> (n % bits) & 1)
			nh_set_add(&a->mem_nodes, n);
	switch (mode) {
	case MPOL_DEFAULT: a->mem_mode = NH_MEM_DEFAULT; break;
	case MPOL_LOCAL: a->mem_mode = NH_MEM_LOCAL; break;
	case MPOL_BIND: a->mem_mode = NH_MEM_BIND; break;
	case MPOL_INTERLEAVE: a->mem_mode = NH_MEM_INTERLEAVE; break;
	case MPOL_PREFERRED_MANY: a->mem_mode = NH_MEM_PREFERRED_MANY; break;
	case MPOL_WEIGHTED_INTERLEAVE: a->mem_mode = NH_MEM_WEIGHTED_INTERLEAVE; break;
	case MPOL_PREFERRED:
		/* kernels before 5.2 reported localalloc as preferred with no node */
		a->mem_mode = nh_set_empty(&a->mem_nodes) ? NH_MEM_LOCAL : NH_MEM_PREFERRED;
		break;
	default:
		errno = EINVAL;
		return nh_err_set(err, "get_mempolicy: unknown mode %d", mode);
	}
	if (a->mem_mode == NH_MEM_DEFAULT || a->mem_mode == NH_MEM_LOCAL)
		nh_set_clear(&a->mem_nodes);

	cpus = CPU_ALLOC(NH_SET_BITS);
	if (!cpus)
		return nh_err_set(err, "sched_getaffinity: %s", strerror(errno));
	size_t size = CPU_ALLOC_SIZE(NH_SET_BITS);
	CPU_ZERO_S(size, cpus);
	if (sched_getaffinity(0, size, cpus) < 0) {
		nh_err_set(err, "sched_getaffinity: %s", strerror(errno));
		goto cleanup;
	}
	for (unsigned c = 0; c < NH_SET_BITS; c++)
		if (CPU_ISSET_S(c, size, cpus))
			nh_set_add(&a->cpus, c);
	rc = 0;
cleanup:
	CPU_FREE(cpus);
	return rc;
}

/* ---- names and formatting ---- */

const char *nh_policy_mem_mode_name(enum nh_mem_mode m)
{
	static const char *const names[] = {
		[NH_MEM_DEFAULT] = "default",
		[NH_MEM_LOCAL] = "local",
		[NH_MEM_BIND] = "bind",
		[NH_MEM_PREFERRED] = "preferred",
		[NH_MEM_PREFERRED_MANY] = "preferred-many",
		[NH_MEM_INTERLEAVE] = "interleave",
		[NH_MEM_WEIGHTED_INTERLEAVE] = "weighted-interleave",
	};
	return (unsigned)m < NH_ARRAY_LEN(names) ? names[m] : "unknown";
}

char *nh_policy_applied_format(const nh_policy_applied_t *a, char *buf, size_t len)
{
	static const char *const keys[] = {
		[NH_MEM_BIND] = "membind",
		[NH_MEM_PREFERRED] = "preferred",
		[NH_MEM_PREFERRED_MANY] = "preferred-many",
		[NH_MEM_INTERLEAVE] = "interleave",
		[NH_MEM_WEIGHTED_INTERLEAVE] = "weighted-interleave",
	};
	char nodes[256], cpus[256];
	const char *sep = "";
	size_t used = 0;
	int n = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (a->mem_mode == NH_MEM_LOCAL) {
		n = snprintf(buf, len, "localalloc");
	} else if (a->mem_mode != NH_MEM_DEFAULT && (unsigned)a->mem_mode < NH_ARRAY_LEN(keys)) {
		n = snprintf(buf, len, "%s=%s", keys[a->mem_mode],
			     nh_set_format(&a->mem_nodes, nodes, sizeof nodes));
	}
	if (n < 0 || (size_t)n >= len)
		return buf; /* truncated: keep what fits */
	used = (size_t)n;
	if (used)
		sep = " ";
	if (!nh_set_empty(&a->cpus))
		snprintf(buf + used, len - used, "%sphyscpubind=%s", sep,
			 nh_set_format(&a->cpus, cpus, sizeof cpus));
	else if (!used)
		snprintf(buf, len, "default");
	return buf;
}

void nh_policy_expected_nodes(const nh_policy_t *p, nh_set_t *out)
{
	nh_set_clear(out);
	if (p->mem_mode != NH_MEM_DEFAULT && p->mem_mode != NH_MEM_LOCAL)
		*out = p->mem_nodes;
}
