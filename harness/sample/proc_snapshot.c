/* SPDX-License-Identifier: MIT */
/* proc_snapshot: read a live process's threads, per-node memory and cpuset from /proc. */
#include "proc_snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample_numa_maps.h"

const char *nh_mem_kind_name(enum nh_mem_kind k)
{
	static const char *const names[NH_MEM_KINDS] = {"anon", "shmem", "huge", "file"};
	return (unsigned)k < NH_MEM_KINDS ? names[k] : "?";
}

const char *nh_sched_policy_name(int policy)
{
	switch (policy) {
	case SCHED_OTHER: return "other";
	case SCHED_FIFO: return "fifo";
	case SCHED_RR: return "rr";
	case SCHED_BATCH: return "batch";
	case SCHED_IDLE: return "idle";
	case 6: return "deadline"; /* SCHED_DEADLINE: not in every libc's headers */
	default: return "?";
	}
}

int nh_mempolicy_text_parse(const char *text, nh_mempolicy_text_t *out, nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	snprintf(out->text, sizeof out->text, "%s", text);
	/* mode[=flags][:nodes] */
	size_t mlen = strcspn(text, "=:");
	if (mlen == 0 || mlen >= sizeof out->mode) {
		errno = EINVAL;
		return nh_err_set(err, "numa_maps: cannot parse policy '%.60s'", text);
	}
	memcpy(out->mode, text, mlen);
	out->mode[mlen] = '\0';
	const char *colon = strchr(text, ':');
	if (colon && nh_set_parse(&out->nodes, colon + 1, err) < 0)
		return nh_err_prefix(err, "numa_maps: policy '%.60s'", text);
	return 0;
}

/* Shared memory the process created shows as a file of an internal filesystem. */
static enum nh_mem_kind file_kind(const char *path)
{
	static const char *const shmem_prefixes[] = {"/memfd:", "/dev/shm/", "/SYSV", "/dev/zero"};
	for (size_t i = 0; i < NH_ARRAY_LEN(shmem_prefixes); i++)
		if (strncmp(path, shmem_prefixes[i], strlen(shmem_prefixes[i])) == 0)
			return NH_MEM_SHMEM;
	return NH_MEM_FILE;
}

/* One numa_maps line into \p m: the shared parser's fields, plus the policy parsed and the kind. */
static int parse_mapping_line(const char *line, size_t len, nh_mapping_t *m, nh_err_t *err)
{
	nh_numa_maps_entry_t e;
	memset(m, 0, sizeof *m);
	if (nh_numa_maps_line(line, len, &e, err) < 0)
		return -1;
	m->start = e.start;
	char policy[96];
	snprintf(policy, sizeof policy, "%.*s", (int)e.policy_len, e.policy);
	if (nh_mempolicy_text_parse(policy, &m->policy, err) < 0)
		return -1;
	if (e.file) {
		size_t n = e.file_len < sizeof m->name ? e.file_len : sizeof m->name - 1;
		memcpy(m->name, e.file, n);
		m->name[n] = '\0';
		nh_unescape_octal(m->name); /* numa_maps writes ' ' as \040 */
	} else if (e.heap || e.stack) {
		snprintf(m->name, sizeof m->name, "[%s]", e.heap ? "heap" : "stack");
	}
	m->kind = e.huge ? NH_MEM_HUGE : e.file ? file_kind(m->name) : NH_MEM_ANON;
	m->page_bytes = e.page_kb * 1024;
	for (unsigned n = 0; n < NH_MAX_NODES; n++) {
		m->bytes_by_node[n] = e.pages_by_node[n] * m->page_bytes;
		m->bytes += m->bytes_by_node[n];
	}
	return 0;
}

int nh_proc_parse_numa_maps(const char *numa_maps, const char *maps,
			    const nh_mempolicy_text_t *thread_policy, nh_proc_snapshot_t *s,
			    nh_err_t *err)
{
	nh_maps_extents_t x;
	if (nh_maps_extents_parse(maps ? maps : "", &x) < 0)
		return nh_err_set(err, "out of memory");
	unsigned cap = s->mapping_count;
	int rc = 0;
	for (const char *line = numa_maps; line && *line; line = nh_next_line(line)) {
		size_t len = strcspn(line, "\n");
		if (len == 0)
			continue;
		nh_mapping_t m;
		if (parse_mapping_line(line, len, &m, err) < 0) {
			rc = -1;
			break;
		}
		m.end = nh_maps_extent_end(&x, m.start);
		m.own_policy = thread_policy && strcmp(m.policy.text, thread_policy->text) != 0;
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			s->bytes_by_kind_node[m.kind][n] += m.bytes_by_node[n];
		s->bytes_by_kind[m.kind] += m.bytes;
		if (s->mapping_count == cap) {
			cap = cap ? 2 * cap : 64;
			void *grown = realloc(s->mappings, cap * sizeof *s->mappings);
			if (!grown) {
				rc = nh_err_set(err, "out of memory");
				break;
			}
			s->mappings = grown;
		}
		s->mappings[s->mapping_count++] = m;
	}
	nh_maps_extents_free(&x);
	return rc;
}

/* The filesystem type of the mount holding \p path: the longest mount point that prefixes it. */
static void fstype_of(const char *mountinfo, const char *path, char *type, size_t len)
{
	size_t best = 0;
	type[0] = '\0';
	for (const char *line = mountinfo; line && *line; line = nh_next_line(line)) {
		nh_mount_t m;
		if (!nh_mountinfo_line(line, &m))
			continue;
		size_t plen = strlen(m.point);
		bool under = strcmp(m.point, "/") == 0 ||
			     (strncmp(path, m.point, plen) == 0 && (path[plen] == '/' || path[plen] == '\0'));
		if (under && plen >= best) {
			best = plen;
			snprintf(type, len, "%s", m.fstype);
		}
	}
}

void nh_proc_classify_files(nh_proc_snapshot_t *s, const char *mountinfo)
{
	for (unsigned i = 0; i < s->mapping_count; i++) {
		nh_mapping_t *m = &s->mappings[i];
		if (m->kind != NH_MEM_FILE || m->name[0] != '/')
			continue;
		char type[64];
		fstype_of(mountinfo, m->name, type, sizeof type);
		enum nh_mem_kind k = strcmp(type, "tmpfs") == 0 || strcmp(type, "ramfs") == 0 ? NH_MEM_SHMEM :
				     strcmp(type, "hugetlbfs") == 0 ? NH_MEM_HUGE : NH_MEM_FILE;
		if (k == NH_MEM_FILE)
			continue;
		for (unsigned n = 0; n < NH_MAX_NODES; n++) {
			s->bytes_by_kind_node[NH_MEM_FILE][n] -= m->bytes_by_node[n];
			s->bytes_by_kind_node[k][n] += m->bytes_by_node[n];
		}
		s->bytes_by_kind[NH_MEM_FILE] -= m->bytes;
		s->bytes_by_kind[k] += m->bytes;
		m->kind = k;
	}
}

void nh_proc_prune_mappings(nh_proc_snapshot_t *s)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < s->mapping_count; i++)
		if (s->mappings[i].bytes > 0 || s->mappings[i].own_policy)
			s->mappings[kept++] = s->mappings[i];
	s->mapping_count = kept;
}

int nh_proc_thread_policy(const char *numa_maps, nh_mempolicy_text_t *out, nh_err_t *err)
{
	/* Tally the distinct policies; a handful at most in practice. */
	struct { char text[96]; unsigned n; } seen[16];
	unsigned nseen = 0;
	for (const char *line = numa_maps; line && *line; line = nh_next_line(line)) {
		nh_numa_maps_entry_t e;
		size_t len = strcspn(line, "\n");
		if (len == 0 || nh_numa_maps_line(line, len, &e, NULL) < 0)
			continue;
		char policy[96];
		snprintf(policy, sizeof policy, "%.*s", (int)e.policy_len, e.policy);
		if (e.stack)
			return nh_mempolicy_text_parse(policy, out, err);
		unsigned i = 0;
		while (i < nseen && strcmp(seen[i].text, policy) != 0)
			i++;
		if (i == nseen && nseen < NH_ARRAY_LEN(seen)) {
			snprintf(seen[nseen].text, sizeof seen[nseen].text, "%s", policy);
			seen[nseen++].n = 0;
		}
		if (i < nseen)
			seen[i].n++;
	}
	unsigned best = 0;
	for (unsigned i = 1; i < nseen; i++)
		if (seen[i].n > seen[best].n)
			best = i;
	if (nseen == 0) {
		errno = EINVAL;
		return nh_err_set(err, "numa_maps: no mappings to read the thread's policy from");
	}
	return nh_mempolicy_text_parse(seen[best].text, out, err);
}

int nh_proc_parse_stat(const char *text, nh_thread_t *t, nh_err_t *err)
{
	/* "tid (comm) state ..." — comm may hold spaces and parentheses: it ends at the last ')'. */
	const char *open = strchr(text, '('), *close = strrchr(text, ')');
	if (!open || !close || close < open) {
		errno = EINVAL;
		return nh_err_set(err, "stat: cannot parse '%.60s'", text);
	}
	snprintf(t->comm, sizeof t->comm, "%.*s", (int)(close - open - 1), open + 1);
	/* Fields after comm start at 3 (state); flags is 9, processor 39, rt_priority 40, policy
	 * 41. */
	const char *p = close + 1;
	t->state = p[0] == ' ' ? p[1] : '?';
	long long v[42] = {0};
	int field = 2;
	while (*p && field < 41) {
		while (*p == ' ')
			p++;
		field++;
		if (field == 9 || field >= 39)
			v[field] = strtoll(p, NULL, 10);
		p += strcspn(p, " ");
	}
	enum { PF_KTHREAD = 0x00200000 }; /* include/linux/sched.h */
	t->kernel_thread = (v[9] & PF_KTHREAD) != 0;
	if (field < 41) {
		errno = EINVAL;
		return nh_err_set(err, "stat: only %d fields in '%.60s'", field, text);
	}
	t->last_cpu = (int)v[39];
	t->rt_priority = (int)v[40];
	t->sched_policy = (int)v[41];
	return 0;
}

int nh_proc_parse_status(const char *text, nh_thread_t *t, nh_err_t *err)
{
	const char *tgid = strstr(text, "\nTgid:");
	t->tgid = tgid ? (pid_t)atoi(tgid + 6) : 0;
	if (nh_status_list(text, "Cpus_allowed_list", &t->cpus_allowed, err) < 0)
		return -1;
	return nh_status_list(text, "Mems_allowed_list", &t->mems_allowed, err);
}

uint64_t nh_proc_own_bytes(const nh_proc_snapshot_t *s, const nh_set_t *nodes)
{
	uint64_t sum = 0;
	for (unsigned k = 0; k < NH_MEM_KINDS; k++) {
		if (k == NH_MEM_FILE)
			continue;
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			if (!nodes || nh_set_has(nodes, n))
				sum += s->bytes_by_kind_node[k][n];
	}
	return sum;
}

/* ---- reading a live process ---- */

/* Read a /proc file of the target; errors say which file, and for permission what is missing. */
static void permission_error(const char *path, pid_t pid, nh_err_t *err)
{
	nh_err_set(err, "%s: %s (reading another user's process needs CAP_SYS_PTRACE, or running as "
			"the user of process %d)", path, strerror(errno), (int)pid);
}

static char *read_proc(const char *path, pid_t pid, nh_err_t *err)
{
	char *text = nh_read_file(path, NULL, err);
	if (!text && (errno == EACCES || errno == EPERM))
		permission_error(path, pid, err);
	return text;
}

static uint64_t sched_field(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; line = nh_next_line(line))
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			const char *colon = strchr(line, ':');
			return colon ? strtoull(colon + 1, NULL, 10) : UINT64_MAX;
		}
	return UINT64_MAX;
}

/* The policy numa_maps shows for a thread's first mapping (the executable's text, which never has
 * a policy of its own: that is the thread's task policy). Reading a few bytes makes the kernel
 * generate only the first line — one small mapping's page-table walk instead of the whole
 * address space per thread, which for a large VM's qemu is seconds each. 0 read, 1 nothing to
 * read (the thread is exiting), -1 error. */
static int first_mapping_policy(pid_t pid, pid_t tid, nh_mempolicy_text_t *out, nh_err_t *err)
{
	char path[96], line[512];
	snprintf(path, sizeof path, "/proc/%d/task/%d/numa_maps", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		nh_err_set(err, "%s: %s", path, strerror(errno));
		if (errno == EACCES || errno == EPERM)
			permission_error(path, pid, err);
		return errno == ENOENT || errno == ESRCH ? 1 : -1;
	}
	size_t used = 0;
	for (ssize_t n; used + 1 < sizeof line && !memchr(line, '\n', used); used += (size_t)n) {
		n = read(fd, line + used, sizeof line - 1 - used < 128 ? sizeof line - 1 - used : 128);
		if (n <= 0)
			break;
	}
	close(fd);
	line[used] = '\0';
	if (used == 0)
		return 1;
	const char *sp = strchr(line, ' ');
	if (!sp) {
		errno = EINVAL;
		return nh_err_set(err, "%s: cannot parse '%.60s'", path, line);
	}
	char policy[96];
	snprintf(policy, sizeof policy, "%.*s", (int)nh_numa_maps_policy_length(sp + 1, strcspn(sp + 1, "\n")), sp + 1);
	return nh_mempolicy_text_parse(policy, out, err);
}

/* The cgroup directory of a thread in the cpuset hierarchy (v1) or the unified one (v2), from
 * its /proc/.../cgroup and our mountinfo (we read the cgroup files through our mounts). */
static void thread_cgroup(const char *path, const char *mountinfo, nh_thread_t *t, char *why,
			  size_t wlen)
{
	nh_err_t err = {""};
	char *cg = mountinfo ? nh_read_file(path, NULL, &err) : NULL;
	if (!cg || nh_cgroup_locate_controller(cg, mountinfo, "cpuset", t->cgroup, sizeof t->cgroup,
					       &err) < 0) {
		t->cgroup[0] = '\0';
		nh_format_cut(why, wlen, "%s", mountinfo ? err.msg : "cannot read /proc/self/mountinfo");
	}
	free(cg);
}

/* One thread; 1 when it vanished meanwhile (not an error), 0 read, -1 error. \p why gets the
 * reason when its cgroup cannot be located. */
static int read_thread(pid_t pid, pid_t tid, const nh_topo_t *topo, const char *mountinfo,
		       nh_thread_t *t, char *why, size_t wlen, nh_err_t *err)
{
	char path[96];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	t->last_cpu = t->last_node = -1;
	t->numa_pages_migrated = UINT64_MAX;
	const char *files[] = {"stat", "status", "sched"};
	char *text[3] = {NULL};
	int rc = 0;
	for (unsigned i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "/proc/%d/task/%d/%s", (int)pid, (int)tid, files[i]);
		text[i] = read_proc(path, pid, err);
		if (!text[i] && (errno == ENOENT || errno == ESRCH)) {
			rc = i == 2 ? 0 : 1; /* sched needs CONFIG_SCHED_DEBUG: optional */
			if (rc)
				goto out;
		} else if (!text[i]) {
			rc = -1;
			goto out;
		}
	}
	if (nh_proc_parse_stat(text[0], t, err) < 0 || nh_proc_parse_status(text[1], t, err) < 0) {
		rc = -1;
		goto out;
	}
	if (t->last_cpu >= 0)
		t->last_node = nh_topo_node_of_cpu(topo, (unsigned)t->last_cpu);
	if (text[2])
		t->numa_pages_migrated = sched_field(text[2], "numa_pages_migrated");
	snprintf(path, sizeof path, "/proc/%d/task/%d/cgroup", (int)pid, (int)tid);
	thread_cgroup(path, mountinfo, t, why, wlen);
	/* An exiting thread's numa_maps is empty: its policy is then unknown, not an error. */
	int pr = first_mapping_policy(pid, tid, &t->policy, err);
	if (pr < 0)
		rc = -1;
	t->policy_known = pr == 0;
out:
	for (unsigned i = 0; i < 3; i++)
		free(text[i]);
	return rc;
}

static int read_threads(pid_t pid, const nh_topo_t *topo, const char *mountinfo,
			nh_proc_snapshot_t *s, nh_err_t *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return nh_err_set(err, "%s: %s", path, strerror(errno));
	unsigned cap = 0;
	int rc = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		if (s->thread_count == cap) {
			cap = cap ? 2 * cap : 16;
			void *grown = realloc(s->threads, cap * sizeof *s->threads);
			if (!grown) {
				rc = nh_err_set(err, "out of memory");
				break;
			}
			s->threads = grown;
		}
		int r = read_thread(pid, (pid_t)atoi(e->d_name), topo, mountinfo,
				    &s->threads[s->thread_count], s->cpuset_reason,
				    sizeof s->cpuset_reason, err);
		if (r < 0) {
			rc = -1;
			break;
		}
		if (r == 0)
			s->thread_count++;
	}
	closedir(d);
	return rc;
}

/* The first-mapping shortcut holds unless that mapping has a policy of its own; the thread whose
 * whole numa_maps was read (\p reader) tells: its [stack] line shows its real task policy. If
 * the two differ, read every thread's whole numa_maps instead. */
static int check_thread_policies(pid_t pid, nh_thread_t *reader, const char *reader_numa_maps,
				 nh_proc_snapshot_t *s, nh_err_t *err)
{
	nh_mempolicy_text_t real;
	nh_err_t ignored;
	if (!reader->policy_known || nh_proc_thread_policy(reader_numa_maps, &real, &ignored) < 0 ||
	    strcmp(real.text, reader->policy.text) == 0)
		return 0;
	for (unsigned i = 0; i < s->thread_count; i++) {
		char path[96];
		snprintf(path, sizeof path, "/proc/%d/task/%d/numa_maps", (int)pid, (int)s->threads[i].tid);
		char *text = read_proc(path, pid, err);
		if (!text && errno != ENOENT && errno != ESRCH)
			return -1;
		s->threads[i].policy_known =
			text && text[0] && nh_proc_thread_policy(text, &s->threads[i].policy, &ignored) == 0;
		free(text);
	}
	return 0;
}

static int by_tid(const void *a, const void *b)
{
	const nh_thread_t *x = a, *y = b;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Effective CPUs and nodes of one cgroup directory: v2 names, else v1's; a v2 cgroup without
 * the cpuset controller enabled inherits its nearest ancestor's, so walk up to the mount. */
static bool cgroup_effective(const char *cgroup, nh_set_t *cpus, nh_set_t *mems)
{
	static const char *const names[2][2] = {{"cpuset.cpus.effective", "cpuset.mems.effective"},
						{"cpuset.effective_cpus", "cpuset.effective_mems"}};
	char dir[256];
	snprintf(dir, sizeof dir, "%s", cgroup);
	for (;;) {
		for (unsigned v = 0; v < 2; v++) {
			char c[4096], m[4096], f[320];
			snprintf(f, sizeof f, "%s/%s", dir, names[v][0]);
			if (nh_read_line(f, c, sizeof c) < 0)
				continue;
			snprintf(f, sizeof f, "%s/%s", dir, names[v][1]);
			if (nh_read_line(f, m, sizeof m) < 0)
				continue;
			nh_set_t tc, tm;
			if (nh_set_parse(&tc, c, NULL) < 0 || nh_set_parse(&tm, m, NULL) < 0)
				return false;
			nh_set_or(cpus, &tc);
			nh_set_or(mems, &tm);
			return true;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir || strcmp(dir, "/sys/fs/cgroup") == 0)
			return false;
		*slash = '\0';
	}
}

/* The union of the threads' effective cpusets, each distinct cgroup read once. */
static void read_cpuset(nh_proc_snapshot_t *s)
{
	const nh_thread_t *leader = &s->threads[0];
	snprintf(s->cgroup_path, sizeof s->cgroup_path, "%s", leader->cgroup);
	if (!leader->cgroup[0])
		return; /* cpuset_reason says why, from reading the threads */
	for (unsigned i = 0; i < s->thread_count; i++) {
		const char *cg = s->threads[i].cgroup;
		bool seen = !cg[0];
		for (unsigned j = 0; j < i && !seen; j++)
			seen = strcmp(s->threads[j].cgroup, cg) == 0;
		if (seen)
			continue;
		s->cgroup_count++;
		if (!cgroup_effective(cg, &s->cgroup_cpus, &s->cgroup_mems)) {
			/* A cgroup path too long for the reason is cut ("..."); the why stays. */
			static const char why[] = ": no effective cpuset files (cpuset controller not enabled)";
			char path[sizeof s->cpuset_reason - (sizeof why - 1)];
			nh_format_cut(path, sizeof path, "%s", cg);
			nh_format_cut(s->cpuset_reason, sizeof s->cpuset_reason, "%s%s", path, why);
			s->cpuset_available = false;
			return;
		}
		s->cpuset_available = true;
	}
}

/* The thread whose view of the address space is read: the main thread, or when it has exited
 * while others run on (pthread_exit in main), the first live one; NULL when none is left. */
static nh_thread_t *live_reader(nh_proc_snapshot_t *s)
{
	for (unsigned i = 0; i < s->thread_count; i++)
		if (s->threads[i].state != 'Z' && s->threads[i].state != 'X')
			return &s->threads[i];
	return NULL;
}

static int gone(pid_t pid, nh_err_t *err)
{
	errno = ESRCH;
	return nh_err_set(err, "no process %d", (int)pid);
}

int nh_proc_snapshot_take(pid_t pid, const nh_topo_t *topo, nh_proc_snapshot_t *s, nh_err_t *err)
{
	memset(s, 0, sizeof *s);
	s->pid = pid;
	s->t = nh_now();
	char path[96];
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	if (pid <= 0 || access(path, F_OK) != 0)
		return gone(pid, err);
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	if (nh_read_line(path, s->comm, sizeof s->comm) < 0)
		return gone(pid, err);
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	size_t len = 0;
	char *cmd = nh_read_file(path, &len, NULL);
	if (cmd) {
		for (size_t i = 0; i + 1 < len; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		snprintf(s->cmdline, sizeof s->cmdline, "%s", cmd);
		free(cmd);
	}
	char *mountinfo = nh_read_file("/proc/self/mountinfo", NULL, NULL);
	char *numa_maps = NULL, *maps = NULL, *pid_mounts = NULL;
	int rc = read_threads(pid, topo, mountinfo, s, err);
	if (rc < 0)
		goto done;
	qsort(s->threads, s->thread_count, sizeof *s->threads, by_tid);
	/* /proc/TID exists for every thread: a thread's id is not a process to inspect. */
	for (unsigned i = 0; i < s->thread_count; i++)
		if (s->threads[i].tid == pid && s->threads[i].tgid && s->threads[i].tgid != pid) {
			errno = EINVAL;
			rc = nh_err_set(err, "%d is a thread of process %d: inspect %d", (int)pid,
					(int)s->threads[i].tgid, (int)s->threads[i].tgid);
			goto done;
		}
	/* A kernel thread (kthreadd, kworker/...) has a /proc entry and no user memory at all. */
	if (s->thread_count && s->threads[0].kernel_thread) {
		errno = EINVAL;
		rc = nh_err_set(err, "%d (%s) is a kernel thread: it has no user memory or policy to inspect",
				(int)pid, s->comm);
		goto done;
	}
	/* A zombie keeps its /proc entry until reaped, with no memory left to inspect. */
	nh_thread_t *reader = live_reader(s);
	if (!reader) {
		errno = ESRCH;
		rc = nh_err_set(err, "process %d has exited", (int)pid);
		goto done;
	}
	snprintf(path, sizeof path, "/proc/%d/task/%d/numa_maps", (int)pid, (int)reader->tid);
	numa_maps = read_proc(path, pid, err);
	snprintf(path, sizeof path, "/proc/%d/task/%d/maps", (int)pid, (int)reader->tid);
	maps = numa_maps ? read_proc(path, pid, err) : NULL;
	rc = maps ? check_thread_policies(pid, reader, numa_maps, s, err) : -1;
	/* The reader's policy tells VMA policies apart from the task's. */
	if (rc == 0)
		rc = nh_proc_parse_numa_maps(numa_maps, maps, reader->policy_known ? &reader->policy : NULL,
					     s, err);
	if (rc < 0)
		goto done;
	snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)pid);
	pid_mounts = nh_read_file(path, NULL, NULL);
	if (pid_mounts)
		nh_proc_classify_files(s, pid_mounts);
	nh_proc_prune_mappings(s);
	read_cpuset(s);
done:
	free(mountinfo);
	free(numa_maps);
	free(maps);
	free(pid_mounts);
	if (rc == 0)
		return 0;
	/* Reaped half-way through: that is an exit, whatever the failing read said. */
	int saved = errno;
	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	if (access(path, F_OK) != 0)
		gone(pid, err);
	else
		errno = saved;
	nh_proc_snapshot_free(s);
	return -1;
}

void nh_proc_snapshot_free(nh_proc_snapshot_t *s)
{
	free(s->threads);
	free(s->mappings);
	s->threads = NULL;
	s->mappings = NULL;
	s->thread_count = s->mapping_count = 0;
}
