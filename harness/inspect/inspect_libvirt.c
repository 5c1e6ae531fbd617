/* SPDX-License-Identifier: MIT */
/* inspect_libvirt: a libvirt domain's <numatune> and <cputune> turned into checks on the live
 * qemu process. qemu names its threads "CPU N/KVM" (or /TCG, ...) and "IO iothreadN"; libvirt
 * pins them by those names, so that is how they are found here too. Guest NUMA cells are RAM
 * mappings of the cell's size (one memory backend each), or files named after "ram-nodeN" when
 * the RAM is file-backed (hugepages). */
#include "inspect.h"
#include "inspect_checks.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* qemu's RAM backends are mapped at their exact size; allow alignment slack. */
#define CELL_SLACK (2u << 20)
/* Brute-force assignment of same-size cells to mappings: cells and candidates at most this. */
#define MAX_ASSIGN 8
/* A check's name, as nh_icheck_t holds it. */
#define NAME_LEN sizeof(((nh_icheck_t *)0)->name)
/* How a guest cell was matched: "mapping " and a mapping's name fit whole. */
#define WHY_LEN (sizeof "mapping " - 1 + sizeof(((nh_mapping_t *)0)->name))

/* A check's name: what it checks, then where the domain XML says so: "... (dom.xml:12)". When that
 * is too long the path gives way first, keeping its tail and the line ("(...vm/dom.xml:12)"); a
 * name still too long ends in "...". */
static void check_name(char *name, size_t len, const nh_lv_domain_t *d, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void check_name(char *name, size_t len, const nh_lv_domain_t *d, int line, const char *fmt, ...)
{
	char what[NAME_LEN];
	va_list ap;
	va_start(ap, fmt);
	nh_vformat_cut(what, sizeof what, fmt, ap);
	va_end(ap);
	if (!nh_format_cut(name, len, "%s (%s:%d)", what, d->path, line))
		return;
	size_t over = (size_t)snprintf(NULL, 0, "%s (%s:%d)", what, d->path, line) - (len - 1);
	size_t plen = strlen(d->path);
	if (plen < over + 3 + 8)
		return; /* not even a few bytes of the path would stay: the cut name it is */
	const char *tail = d->path + over + 3;
	while (((unsigned char)*tail & 0xC0) == 0x80)
		tail++; /* not inside a UTF-8 sequence */
	nh_format_cut(name, len, "%s (...%s:%d)", what, tail, line);
}

/* \p set (written \p text at \p line, an attribute of \p what) within \p have, or the error
 * "dom.xml:12: numatune memory nodeset '1,3': node 3 does not exist on this host (nodes: 0-1)". */
static int check_exist(const nh_lv_domain_t *d, int line, const char *what, const char *text,
		       const nh_set_t *set, const nh_set_t *have, bool nodes, nh_err_t *err)
{
	nh_set_t missing;
	nh_set_minus(&missing, set, have);
	if (nh_set_empty(&missing))
		return 0;
	char miss[64], all[128];
	errno = EINVAL;
	bool one = nh_set_count(&missing) == 1;
	const char *noun = nodes ? (one ? "node" : "nodes") : (one ? "CPU" : "CPUs");
	return nh_err_set(err, "%s:%d: %s %s '%s': %s %s %s not exist on this host (%s: %s)", d->path,
			  line, what, nodes ? "nodeset" : "cpuset", text, noun,
			  nh_set_format(&missing, miss, sizeof miss), one ? "does" : "do",
			  nodes ? "nodes" : "CPUs", nh_set_format(have, all, sizeof all));
}

static int check_nodes_exist(const nh_lv_domain_t *d, const nh_lv_memory_t *m, const char *what,
			     const nh_topo_t *topo, nh_err_t *err)
{
	return check_exist(d, m->line, what, m->nodeset_text, &m->nodeset, nh_topo_all_nodes(topo),
			   true, err);
}

static int check_cpus_exist(const nh_lv_domain_t *d, const nh_set_t *cpus, const char *text,
			    int line, const char *what, const nh_topo_t *topo, nh_err_t *err)
{
	return check_exist(d, line, what, text, cpus, nh_topo_all_cpus(topo), false, err);
}

/* Everything the XML names must exist here, or the verdicts would be meaningless. */
int nh_inspect_libvirt_validate(const nh_lv_domain_t *d, const nh_topo_t *topo, nh_err_t *err)
{
	if (d->memory.mode != NH_LV_MEM_NONE && !d->memory.placement_auto &&
	    check_nodes_exist(d, &d->memory, "numatune memory", topo, err) < 0)
		return -1;
	for (unsigned c = 0; c < NH_LV_MAX_CELLS; c++) {
		char what[48];
		snprintf(what, sizeof what, "numatune memnode cellid=%u", c);
		if (d->memnode_given[c] && check_nodes_exist(d, &d->memnodes[c], what, topo, err) < 0)
			return -1;
	}
	if (d->vcpu_cpuset_given &&
	    check_cpus_exist(d, &d->vcpu_cpuset, d->vcpu_cpuset_text, d->vcpu_line, "vcpu", topo, err) < 0)
		return -1;
	for (unsigned i = 0; i < d->vcpupin_count; i++) {
		const nh_lv_pin_t *p = &d->vcpupins[i];
		if (check_cpus_exist(d, &p->cpus, p->cpus_text, p->line, "vcpupin", topo, err) < 0)
			return -1;
	}
	if (d->emulatorpin_given &&
	    check_cpus_exist(d, &d->emulatorpin.cpus, d->emulatorpin.cpus_text, d->emulatorpin.line,
			     "emulatorpin", topo, err) < 0)
		return -1;
	for (unsigned i = 0; i < d->iothreadpin_count; i++) {
		const nh_lv_pin_t *p = &d->iothreadpins[i];
		if (check_cpus_exist(d, &p->cpus, p->cpus_text, p->line, "iothreadpin", topo, err) < 0)
			return -1;
	}
	return 0;
}

/* ---- threads ---- */

enum thread_role { ROLE_EMULATOR, ROLE_VCPU, ROLE_IOTHREAD, ROLE_HELPER };

/* libvirt puts each thread in a cgroup of its own role (".../libvirt/vcpu0", ".../iothread1",
 * ".../emulator"), and threads a vCPU or iothread starts stay in its cgroup: qemu's "worker"
 * threads of an iothread's pool, KVM's kvm-nx-lpage-recovery task started from a vCPU. When
 * no thread is in such a cgroup, roles come from qemu's thread names. */
static bool role_from_cgroup(const nh_thread_t *t, enum thread_role *role, unsigned *id)
{
	const char *leaf = strrchr(t->cgroup, '/');
	leaf = leaf ? leaf + 1 : t->cgroup;
	if (sscanf(leaf, "vcpu%u", id) == 1)
		*role = ROLE_VCPU;
	else if (sscanf(leaf, "iothread%u", id) == 1)
		*role = ROLE_IOTHREAD;
	else if (strcmp(leaf, "emulator") == 0)
		*role = ROLE_EMULATOR;
	else
		return false;
	return true;
}

static bool named_role(const nh_thread_t *t, enum thread_role *role, unsigned *id)
{
	char accel[16];
	if (sscanf(t->comm, "CPU %u/%15s", id, accel) == 2)
		*role = ROLE_VCPU;
	else if (sscanf(t->comm, "IO iothread%u", id) == 1)
		*role = ROLE_IOTHREAD;
	else
		return false;
	return true;
}

static bool libvirt_cgroups(const nh_proc_snapshot_t *s)
{
	enum thread_role role;
	unsigned id;
	for (unsigned i = 0; i < s->thread_count; i++)
		if (role_from_cgroup(&s->threads[i], &role, &id))
			return true;
	return false;
}

struct role {
	enum thread_role role;
	unsigned id;
};

/* The role of thread \p i: by cgroup under libvirt (a thread in a vCPU's or iothread's cgroup
 * without qemu's name for it is a helper that one started); else by name, where an unnamed
 * thread (not the main one) allowed on exactly the CPUs of a named vCPU or iothread is taken for
 * a helper it started — it inherited that pin — rather than for the emulator. */
static struct role thread_role(const nh_proc_snapshot_t *s, unsigned i, bool by_cgroup)
{
	const nh_thread_t *t = &s->threads[i];
	struct role r = {ROLE_EMULATOR, 0}, named;
	if (by_cgroup) {
		if (!role_from_cgroup(t, &r.role, &r.id))
			return (struct role){ROLE_EMULATOR, 0};
		if (r.role != ROLE_EMULATOR && !named_role(t, &named.role, &named.id))
			r.role = ROLE_HELPER;
		return r;
	}
	if (named_role(t, &r.role, &r.id) || t->tid == s->pid)
		return r;
	for (unsigned j = 0; j < s->thread_count; j++)
		if (j != i && named_role(&s->threads[j], &named.role, &named.id) &&
		    nh_set_equal(&s->threads[j].cpus_allowed, &t->cpus_allowed))
			return (struct role){ROLE_HELPER, 0};
	return r;
}

/* Every thread's role, decided once: malloc'd, NULL on ENOMEM. */
static struct role *thread_roles(const nh_proc_snapshot_t *s)
{
	struct role *roles = calloc(s->thread_count ? s->thread_count : 1, sizeof *roles);
	bool by_cgroup = libvirt_cgroups(s);
	for (unsigned i = 0; roles && i < s->thread_count; i++)
		roles[i] = thread_role(s, i, by_cgroup);
	return roles;
}

static const nh_thread_t *find_thread(const nh_proc_snapshot_t *s, const struct role *roles,
				      enum thread_role role, unsigned id)
{
	for (unsigned i = 0; i < s->thread_count; i++)
		if (roles[i].role == role && roles[i].id == id)
			return &s->threads[i];
	return NULL;
}

static unsigned count_role(const nh_proc_snapshot_t *s, const struct role *roles,
			   enum thread_role role)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->thread_count; i++)
		n += roles[i].role == role;
	return n;
}

static void check_pinned_thread(nh_ichecks_t *out, const nh_proc_snapshot_t *s,
				const struct role *roles, const nh_lv_domain_t *d,
				enum thread_role role, unsigned id,
				const nh_set_t *cpus, const char *cpus_text, int line)
{
	char name[NAME_LEN];
	const char *label = role == ROLE_VCPU ? "vCPU" : "iothread";
	check_name(name, sizeof name, d, line, "%s %u pinned to %s", label, id, cpus_text);
	const nh_thread_t *t = find_thread(s, roles, role, id);
	if (!t) {
		nh_ichecks_add(out, count_role(s, roles, role) ? NH_CHECK_NOT_EVALUATED : NH_CHECK_FAIL, name,
			       "no thread named '%s %u/...' in process %d (%s)%s",
			       role == ROLE_VCPU ? "CPU" : "IO iothread", id, (int)s->pid, s->comm,
			       count_role(s, roles, role) ? ": that vCPU is offline or not started" :
						     ": is this the domain's qemu process?");
		return;
	}
	nh_check_affinity(out, name, &t, 1, cpus, true, NULL);
}

static void check_vcpu_pins(nh_ichecks_t *out, const nh_proc_snapshot_t *s,
			    const struct role *roles, const nh_lv_domain_t *d)
{
	for (unsigned v = 0; v < d->vcpus; v++) {
		const nh_lv_pin_t *pin = NULL;
		for (unsigned i = 0; i < d->vcpupin_count; i++)
			if (d->vcpupins[i].id == v)
				pin = &d->vcpupins[i];
		if (pin)
			check_pinned_thread(out, s, roles, d, ROLE_VCPU, v, &pin->cpus, pin->cpus_text,
					    pin->line);
		else if (d->vcpu_cpuset_given)
			check_pinned_thread(out, s, roles, d, ROLE_VCPU, v, &d->vcpu_cpuset,
					    d->vcpu_cpuset_text, d->vcpu_line);
	}
	for (unsigned i = 0; i < d->iothreadpin_count; i++) {
		const nh_lv_pin_t *p = &d->iothreadpins[i];
		check_pinned_thread(out, s, roles, d, ROLE_IOTHREAD, p->id, &p->cpus, p->cpus_text,
				    p->line);
	}
}

/* The emulator: the threads libvirt's emulator cgroup holds, or by name every thread that is
 * neither a vCPU, an iothread nor a helper one of those started. Without <emulatorpin>, libvirt
 * pins it to <vcpu cpuset> when that is given. */
static void check_emulator(nh_ichecks_t *out, const nh_proc_snapshot_t *s,
			   const struct role *roles, const nh_lv_domain_t *d)
{
	const nh_set_t *cpus = d->emulatorpin_given ? &d->emulatorpin.cpus :
			       d->vcpu_cpuset_given ? &d->vcpu_cpuset : NULL;
	if (!cpus)
		return;
	const char *text = d->emulatorpin_given ? d->emulatorpin.cpus_text : d->vcpu_cpuset_text;
	int line = d->emulatorpin_given ? d->emulatorpin.line : d->vcpu_line;
	const nh_thread_t **threads = malloc((s->thread_count ? s->thread_count : 1) * sizeof *threads);
	if (!threads) {
		nh_ichecks_add(out, NH_CHECK_FAIL, "emulator threads", "out of memory");
		return;
	}
	unsigned n = 0, helpers = 0;
	for (unsigned i = 0; i < s->thread_count; i++) {
		if (roles[i].role == ROLE_EMULATOR)
			threads[n++] = &s->threads[i];
		helpers += roles[i].role == ROLE_HELPER;
	}
	char name[NAME_LEN];
	check_name(name, sizeof name, d, line, "emulator threads pinned to %s", text);
	char note[160] = "";
	if (helpers)
		snprintf(note, sizeof note, "%u helper thread(s) of vCPUs / iothreads (started by them, "
			 "on their CPUs) not counted", helpers);
	nh_check_affinity(out, name, threads, n, cpus, true, helpers ? note : NULL);
	free(threads);
}

static int sched_policy_of(const char *name)
{
	static const char *const names[] = {"other", "fifo", "rr", "batch", "", "idle"};
	for (unsigned i = 0; i < NH_ARRAY_LEN(names); i++)
		if (names[i][0] && strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static void check_vcpu_sched(nh_ichecks_t *out, const nh_proc_snapshot_t *s,
			     const struct role *roles, const nh_lv_domain_t *d)
{
	for (unsigned i = 0; i < d->vcpusched_count; i++) {
		const nh_lv_sched_t *sc = &d->vcpuscheds[i];
		for (int v = nh_set_next(&sc->vcpus, 0); v >= 0; v = nh_set_next(&sc->vcpus, v + 1)) {
			char name[NAME_LEN];
			check_name(name, sizeof name, d, sc->line, "vCPU %d scheduled %s %d", v,
				   sc->scheduler, sc->priority);
			const nh_thread_t *t = find_thread(s, roles, ROLE_VCPU, (unsigned)v);
			if (!t) {
				nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name, "no thread 'CPU %d/...'", v);
				continue;
			}
			bool ok = t->sched_policy == sched_policy_of(sc->scheduler) &&
				  t->rt_priority == sc->priority;
			nh_ichecks_add(out, ok ? NH_CHECK_PASS : NH_CHECK_FAIL, name,
				       "tid %d (%s): %s, priority %d", (int)t->tid, t->comm,
				       nh_sched_policy_name(t->sched_policy), t->rt_priority);
		}
	}
}

/* ---- memory ---- */

static const char *lv_mode_policy(enum nh_lv_mem_mode m)
{
	switch (m) {
	case NH_LV_MEM_STRICT: return "bind";
	case NH_LV_MEM_PREFERRED: return "prefer";
	case NH_LV_MEM_INTERLEAVE: return "interleave";
	default: return NULL; /* restrictive: cpuset.mems only */
	}
}

/* Does a printed policy carry out mode \p m on \p nodes? libvirt and qemu turn preferred into
 * MPOL_PREFERRED_MANY wherever the kernel has it (5.15+), even for one node: numa_maps then says
 * "prefer (many)". */
static bool lv_policy_matches(const nh_mempolicy_text_t *p, enum nh_lv_mem_mode m,
			      const nh_set_t *nodes)
{
	const char *mode = lv_mode_policy(m);
	if (!mode)
		return false;
	if (m == NH_LV_MEM_PREFERRED && strcmp(p->mode, "prefer (many)") == 0)
		return !nh_set_empty(&p->nodes) && nh_set_subset(&p->nodes, nodes);
	if (m == NH_LV_MEM_PREFERRED)
		return strcmp(p->mode, "prefer") == 0 && nh_set_subset(&p->nodes, nodes);
	return nh_policy_text_matches(p, mode, nodes);
}

/* Every thread (whose policy could be read) has a matching policy, or with \p by_mems_allowed
 * its Mems_allowed within \p nodes; false when no thread could be judged. */
static bool all_threads(const nh_proc_snapshot_t *s, enum nh_lv_mem_mode m, const nh_set_t *nodes,
			bool by_mems_allowed)
{
	unsigned seen = 0;
	for (unsigned i = 0; i < s->thread_count; i++) {
		const nh_thread_t *t = &s->threads[i];
		if (by_mems_allowed) {
			if (nh_set_empty(&t->mems_allowed) || !nh_set_subset(&t->mems_allowed, nodes))
				return false;
		} else if (t->policy_known) {
			if (!lv_policy_matches(&t->policy, m, nodes))
				return false;
		} else {
			continue;
		}
		seen++;
	}
	return seen > 0;
}

/* What keeps the memory of \p maps (all own memory when count is 0) where the mode says:
 * the mappings' own policies, the threads' policies, or (strict, restrictive) the cpuset. */
static void check_enforced(nh_ichecks_t *out, const char *name, const nh_proc_snapshot_t *s,
			   const nh_lv_memory_t *m, const nh_mapping_t *const *maps, unsigned count)
{
	const char *mode = lv_mode_policy(m->mode);
	char nodes[64], mems[64] = "?";
	nh_set_format(&m->nodeset, nodes, sizeof nodes);
	if (s->thread_count)
		nh_set_format(&s->threads[0].mems_allowed, mems, sizeof mems);
	/* The kernel ignores a VMA policy on a shared mapping of a regular file (mbind(2)): only
	 * shmem and hugetlbfs keep one. */
	bool maps_ok = mode && count > 0;
	for (unsigned i = 0; maps_ok && i < count; i++)
		maps_ok = maps[i]->own_policy && maps[i]->kind != NH_MEM_FILE &&
			  lv_policy_matches(&maps[i]->policy, m->mode, &m->nodeset);
	bool cpuset_ok = (m->mode == NH_LV_MEM_STRICT || m->mode == NH_LV_MEM_RESTRICTIVE) &&
			 all_threads(s, m->mode, &m->nodeset, true);
	if (m->mode == NH_LV_MEM_RESTRICTIVE) {
		nh_ichecks_add(out, cpuset_ok ? NH_CHECK_PASS : NH_CHECK_FAIL, name,
			       "restrictive relies on the cgroup's cpuset.mems: threads' Mems_allowed %s "
			       "(want within %s)", mems, nodes);
		return;
	}
	bool threads_ok = all_threads(s, m->mode, &m->nodeset, false);
	if (maps_ok || threads_ok || cpuset_ok) {
		const char *by[3];
		unsigned n = 0;
		if (maps_ok)
			by[n++] = "the mapping's own policy";
		if (threads_ok)
			by[n++] = "every thread's policy";
		if (cpuset_ok)
			by[n++] = "the cpuset (Mems_allowed)";
		nh_ichecks_add(out, NH_CHECK_PASS, name, "enforced by %s%s%s%s%s", by[0],
			       n > 1 ? (n > 2 ? ", " : " and ") : "", n > 1 ? by[1] : "",
			       n > 2 ? " and " : "", n > 2 ? by[2] : "");
		return;
	}
	char seen[160] = "";
	if (s->thread_count && s->threads[0].policy_known)
		snprintf(seen, sizeof seen, "main thread policy %s, ", s->threads[0].policy.text);
	nh_ichecks_add(out, NH_CHECK_FAIL, name,
		       "nothing keeps it %s on %s: %sMems_allowed %s%s", mode, nodes, seen, mems,
		       count ? ", the RAM mapping has no such policy" : "");
}

static void check_memory_view(nh_ichecks_t *out, const char *what, const nh_proc_snapshot_t *s,
			      const nh_lv_domain_t *d, const nh_lv_memory_t *m,
			      const nh_memview_t *view, const nh_mapping_t *const *maps,
			      unsigned count, double min_share, const char *note)
{
	char name[NAME_LEN], nodes[64];
	nh_set_format(&m->nodeset, nodes, sizeof nodes);
	check_name(name, sizeof name, d, m->line, "%s on node(s) %s, %s", what, nodes,
		   nh_lv_mem_mode_name(m->mode));
	nh_check_share(out, name, view, &m->nodeset, min_share,
		       m->mode == NH_LV_MEM_PREFERRED ? "preferred spills when the nodes are full" : note);
	if (m->mode == NH_LV_MEM_INTERLEAVE) {
		check_name(name, sizeof name, d, m->line, "%s spread over node(s) %s", what, nodes);
		nh_check_spread(out, name, view, &m->nodeset);
	}
	check_name(name, sizeof name, d, m->line, "%s kept %s on node(s) %s", what,
		   nh_lv_mem_mode_name(m->mode), nodes);
	check_enforced(out, name, s, m, maps, count);
}

/* Does mapping \p mp look like the RAM of cell \p c? By name for file-backed RAM, else by size. */
static bool named_for_cell(const nh_mapping_t *mp, unsigned cell)
{
	char key[32];
	snprintf(key, sizeof key, "ram-node%u", cell);
	const char *at = strstr(mp->name, key);
	return at && (at[strlen(key)] < '0' || at[strlen(key)] > '9');
}

static bool sized_for_cell(const nh_mapping_t *mp, uint64_t bytes)
{
	uint64_t size = mp->end > mp->start ? mp->end - mp->start : 0;
	return mp->kind != NH_MEM_FILE && size >= bytes && size <= bytes + CELL_SLACK;
}

static double share_on(const nh_mapping_t *mp, const nh_set_t *nodes)
{
	nh_memview_t v = {0};
	nh_memview_add_mapping(&v, mp);
	return v.total ? (double)nh_memview_on(&v, nodes) / (double)v.total : 0;
}

struct assign {
	unsigned cells[MAX_ASSIGN], ncells;
	const nh_mapping_t *cand[MAX_ASSIGN];
	unsigned ncand;
	int pick[MAX_ASSIGN]; /* candidate index per cell */
	bool used[MAX_ASSIGN];
};

/* Try to give each cell its own candidate holding >= min_share on the cell's nodeset. */
static bool assign_rec(struct assign *a, const nh_lv_domain_t *d, unsigned i, double min_share)
{
	if (i == a->ncells)
		return true;
	for (unsigned j = 0; j < a->ncand; j++) {
		if (a->used[j] || share_on(a->cand[j], &d->memnodes[a->cells[i]].nodeset) < min_share)
			continue;
		a->used[j] = true;
		a->pick[i] = (int)j;
		if (assign_rec(a, d, i + 1, min_share))
			return true;
		a->used[j] = false;
	}
	return false;
}

/* Match guest cells to mappings; matched[c] is the mapping of cell c or NULL, why[c] says how
 * (or why none). */
static int match_cells(const nh_proc_snapshot_t *s, const nh_lv_domain_t *d, double min_share,
		       const nh_mapping_t **matched, char why[][WHY_LEN])
{
	bool *taken = calloc(s->mapping_count ? s->mapping_count : 1, sizeof *taken);
	if (!taken)
		return -1;
	unsigned nmaps = s->mapping_count;
	for (unsigned c = 0; c < d->cell_count; c++) {
		unsigned id = d->cells[c].id;
		if (id >= NH_LV_MAX_CELLS || !d->memnode_given[id])
			continue;
		for (unsigned i = 0; i < nmaps && !matched[id]; i++)
			if (!taken[i] && named_for_cell(&s->mappings[i], id)) {
				matched[id] = &s->mappings[i];
				taken[i] = true;
				snprintf(why[id], WHY_LEN, "mapping %s", s->mappings[i].name);
			}
	}
	/* The rest by size, cells of equal size together. */
	bool done[NH_LV_MAX_CELLS] = {false};
	for (unsigned c = 0; c < d->cell_count; c++) {
		const nh_lv_cell_t *cell = &d->cells[c];
		if (cell->id >= NH_LV_MAX_CELLS || !d->memnode_given[cell->id] || matched[cell->id] ||
		    done[cell->id])
			continue;
		struct assign a = {.ncells = 0};
		for (unsigned k = c; k < d->cell_count && a.ncells < MAX_ASSIGN; k++) {
			unsigned id = d->cells[k].id;
			if (id < NH_LV_MAX_CELLS && d->memnode_given[id] && !matched[id] &&
			    d->cells[k].memory_bytes == cell->memory_bytes) {
				a.cells[a.ncells++] = id;
				done[id] = true;
			}
		}
		unsigned idx[MAX_ASSIGN];
		for (unsigned i = 0; i < nmaps; i++)
			if (!taken[i] && sized_for_cell(&s->mappings[i], cell->memory_bytes)) {
				if (a.ncand == MAX_ASSIGN) {
					a.ncand++;
					break;
				}
				idx[a.ncand] = i;
				a.cand[a.ncand++] = &s->mappings[i];
			}
		char size[32];
		nh_format_size(cell->memory_bytes, size, sizeof size);
		for (unsigned i = 0; i < a.ncells; i++) {
			if (a.ncand == 0)
				snprintf(why[a.cells[i]], WHY_LEN, "no mapping of the cell's size (%s): guest RAM "
					 "backed in a way this cannot see", size);
			else if (a.ncand > MAX_ASSIGN)
				snprintf(why[a.cells[i]], WHY_LEN, "over %d mappings of the cell's size (%s): "
					 "cannot tell which is the cell's", MAX_ASSIGN, size);
		}
		if (a.ncand == 0 || a.ncand > MAX_ASSIGN)
			continue;
		if (a.ncells == 1 && a.ncand == 1) {
			matched[a.cells[0]] = a.cand[0];
			taken[idx[0]] = true;
			snprintf(why[a.cells[0]], WHY_LEN, "the one mapping of %s", size);
			continue;
		}
		/* Several same-size candidates: the cells are told apart by where their pages are.
		 * With no assignment that satisfies every cell, pair them in address order so the
		 * share checks show which cell is off. */
		bool found = assign_rec(&a, d, 0, min_share);
		for (unsigned i = 0; i < a.ncells; i++) {
			unsigned j = found ? (unsigned)a.pick[i] : i;
			if (j >= a.ncand) {
				snprintf(why[a.cells[i]], WHY_LEN, "more cells than mappings of %s", size);
				continue;
			}
			matched[a.cells[i]] = a.cand[j];
			taken[idx[j]] = true;
			snprintf(why[a.cells[i]], WHY_LEN, "%u mappings of %s, matched %s", a.ncand, size,
				 found ? "by placement" : "in address order (no placement fits all)");
		}
	}
	free(taken);
	return 0;
}

/* Guest RAM in a regular file (<memoryBacking><source type='file'/>: libvirt's
 * memory_backing_dir, ".../libvirt/qemu/ram/DOMAIN/pc.ram" or ".../ram-nodeN") is page cache
 * to the kernel, but it is the guest's memory all the same. */
static bool guest_ram_file(const nh_mapping_t *m)
{
	const char *base = strrchr(m->name, '/');
	return m->kind == NH_MEM_FILE &&
	       (strstr(m->name, "/libvirt/qemu/ram/") || (base && strcmp(base, "/pc.ram") == 0) ||
		(base && strncmp(base, "/ram-node", 9) == 0));
}

static int check_memory(nh_ichecks_t *out, const nh_proc_snapshot_t *s, const nh_lv_domain_t *d,
			double min_share, nh_err_t *err)
{
	const nh_mapping_t *matched[NH_LV_MAX_CELLS] = {NULL};
	char why[NH_LV_MAX_CELLS][WHY_LEN];
	memset(why, 0, sizeof why);
	if (match_cells(s, d, min_share, matched, why) < 0) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory");
	}
	nh_memview_t rest;
	nh_memview_of_process(s, &rest);
	for (unsigned i = 0; i < s->mapping_count; i++)
		if (guest_ram_file(&s->mappings[i]))
			nh_memview_add_mapping(&rest, &s->mappings[i]);
	for (unsigned c = 0; c < NH_LV_MAX_CELLS; c++) {
		if (!d->memnode_given[c])
			continue;
		char what[64];
		snprintf(what, sizeof what, "guest cell %u memory", c);
		const nh_lv_memory_t *m = &d->memnodes[c];
		if (!matched[c]) {
			char name[NAME_LEN];
			check_name(name, sizeof name, d, m->line, "%s", what);
			nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name, "%s",
				       why[c][0] ? why[c] : "the domain has no <cell> with this id");
			continue;
		}
		nh_memview_t v = {0};
		nh_memview_add_mapping(&v, matched[c]);
		if (matched[c]->kind != NH_MEM_FILE || guest_ram_file(matched[c]))
			nh_memview_sub(&rest, &v); /* it was counted in rest */
		check_memory_view(out, what, s, d, m, &v, &matched[c], 1, min_share, why[c]);
	}
	const nh_lv_memory_t *m = &d->memory;
	if (m->mode == NH_LV_MEM_NONE)
		return 0;
	if (m->placement_auto) {
		char mems[64] = "?", name[NAME_LEN];
		if (s->thread_count)
			nh_set_format(&s->threads[0].mems_allowed, mems, sizeof mems);
		check_name(name, sizeof name, d, m->line, "guest memory, placement auto");
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, name, "numad chose the nodes when the domain "
			       "started (now Mems_allowed %s); nothing in the XML to check against", mems);
		return 0;
	}
	bool cells = false;
	for (unsigned c = 0; c < NH_LV_MAX_CELLS; c++)
		cells = cells || matched[c];
	check_memory_view(out, cells ? "other guest and qemu memory" : "guest memory", s, d, m, &rest,
			  NULL, 0, min_share, NULL);
	return 0;
}

int nh_inspect_libvirt(const nh_proc_snapshot_t *s, const nh_lv_domain_t *d, const nh_topo_t *topo,
		       double min_share, nh_ichecks_t *out, nh_err_t *err)
{
	if (nh_inspect_libvirt_validate(d, topo, err) < 0)
		return -1;
	if (check_memory(out, s, d, min_share, err) < 0)
		return -1;
	struct role *roles = thread_roles(s);
	if (!roles) {
		errno = ENOMEM;
		return nh_err_set(err, "out of memory");
	}
	check_vcpu_pins(out, s, roles, d);
	check_emulator(out, s, roles, d);
	check_vcpu_sched(out, s, roles, d);
	free(roles);
	if (out->count == 0)
		nh_ichecks_add(out, NH_CHECK_NOT_EVALUATED, "domain placement",
			       "%s has no <numatune>, <vcpu cpuset>, <cputune> pins or <vcpusched>: "
			       "nothing to check", d->path);
	return 0;
}
