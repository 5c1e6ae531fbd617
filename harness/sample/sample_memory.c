/* SPDX-License-Identifier: MIT */
/* sample_memory: the process memory layer — /proc/PID/status, smaps_rollup and numa_maps. */
#include "sample_memory.h"

#include "sample_numa_maps.h"
#include "sampler.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *next_line(const char *line)
{
	const char *eol = strchr(line, '\n');
	return eol ? eol + 1 : NULL;
}

/* Append to m->reason, "; "-joined: several parts can be missing at once. */
static void add_reason(nh_proc_mem_t *m, const char *msg)
{
	size_t used = strlen(m->reason);
	snprintf(m->reason + used, sizeof m->reason - used, "%s%s", used ? "; " : "", msg);
}

/* Record a part's failure in both places callers look: the error and the struct. */
static int part_failed(nh_proc_mem_t *m, nh_err_t *err, const char *msg)
{
	add_reason(m, msg);
	errno = EINVAL;
	return nh_err_set(err, "%s", msg);
}

/* One "Key:  value [kB]" field wanted from a status-like text. */
struct keyed {
	const char *key;
	uint64_t *dst;
	bool found;
};

/* Fill the fields found in \p text; values with a " kB" unit become bytes. A key whose value is
 * not a number counts as missing: a garbled field is as unknown as an absent one. */
static void parse_keyed(const char *text, struct keyed *f, size_t count)
{
	for (const char *line = text; line && *line; line = next_line(line)) {
		size_t klen = strcspn(line, ":\n");
		if (line[klen] != ':')
			continue;
		for (size_t i = 0; i < count; i++) {
			if (strlen(f[i].key) != klen || memcmp(line, f[i].key, klen) != 0)
				continue;
			const char *p = line + klen + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			if (!isdigit((unsigned char)*p))
				break;
			char *end;
			errno = 0;
			unsigned long long v = strtoull(p, &end, 10);
			if (errno)
				break;
			if (strncmp(end, " kB", 3) == 0)
				v *= 1024;
			*f[i].dst = v;
			f[i].found = true;
			break;
		}
	}
}

/* "prefix: A, B missing" for the fields not found; false when none is missing. */
static bool list_missing(const struct keyed *f, size_t count, const char *prefix, char *out,
			 size_t len)
{
	size_t used = (size_t)snprintf(out, len, "%s: ", prefix);
	bool any = false;
	for (size_t i = 0; i < count && used < len; i++) {
		if (f[i].found)
			continue;
		used += (size_t)snprintf(out + used, len - used, "%s%s", any ? ", " : "", f[i].key);
		any = true;
	}
	if (any && used < len)
		snprintf(out + used, len - used, " missing");
	return any;
}

int nh_proc_status_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err)
{
	uint64_t threads = 0;
	struct keyed f[] = {
		{"VmSize", &m->vm_size, false}, {"VmHWM", &m->vm_hwm, false},
		{"VmRSS", &m->vm_rss, false},	{"VmData", &m->vm_data, false},
		{"VmSwap", &m->vm_swap, false}, {"Threads", &threads, false},
	};
	char msg[160];
	m->status_valid = false;
	parse_keyed(text ? text : "", f, NH_ARRAY_LEN(f));
	/* Kernel threads have no Vm* lines at all: the message lists every one. */
	if (list_missing(f, NH_ARRAY_LEN(f), "status", msg, sizeof msg))
		return part_failed(m, err, msg);
	m->threads = threads > UINT32_MAX ? UINT32_MAX : (unsigned)threads;
	m->status_valid = true;
	return 0;
}

int nh_proc_rollup_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err)
{
	struct keyed need[] = {
		{"Rss", &m->rss, false},
		{"Pss", &m->pss, false},
		{"Anonymous", &m->anonymous, false},
		{"AnonHugePages", &m->anon_huge_pages, false},
		{"Swap", &m->swap, false},
	};
	struct keyed split[] = {{"Pss_Anon", &m->pss_anon, false}, {"Pss_File", &m->pss_file, false}};
	char msg[160];
	m->rollup_valid = m->pss_split_valid = false;
	parse_keyed(text ? text : "", need, NH_ARRAY_LEN(need));
	if (list_missing(need, NH_ARRAY_LEN(need), "smaps_rollup", msg, sizeof msg))
		return part_failed(m, err, msg);
	m->rollup_valid = true;
	parse_keyed(text, split, NH_ARRAY_LEN(split));
	if (list_missing(split, NH_ARRAY_LEN(split), "smaps_rollup", msg, sizeof msg)) {
		/* The split came in 5.3; the rest of the rollup is still good. */
		size_t used = strlen(msg);
		snprintf(msg + used, sizeof msg - used, " (kernel before 5.3)");
		add_reason(m, msg);
		return 0;
	}
	m->pss_split_valid = true;
	return 0;
}

int nh_proc_numa_maps_parse(const char *text, nh_proc_mem_t *m, nh_err_t *err)
{
	const uint64_t base_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	m->numa_valid = false;
	memset(m->anon_pages_by_node, 0, sizeof m->anon_pages_by_node);
	memset(m->file_pages_by_node, 0, sizeof m->file_pages_by_node);
	for (const char *line = text ? text : ""; line && *line; line = next_line(line)) {
		size_t llen = strcspn(line, "\n");
		nh_numa_maps_entry_t e;
		nh_err_t lerr;
		if (llen == 0)
			continue;
		if (nh_numa_maps_line(line, llen, &e, &lerr) < 0)
			return part_failed(m, err, lerr.msg);
		if (e.pages == 0)
			continue;
		/* The rule of the header: whole mappings, anon when all of it is anonymous. */
		uint64_t *to = !e.file || e.anon >= e.pages ? m->anon_pages_by_node : m->file_pages_by_node;
		uint64_t scale = e.page_kb > base_kb ? e.page_kb / base_kb : 1;
		for (unsigned n = 0; n < NH_MAX_NODES; n++)
			to[n] += e.pages_by_node[n] * scale;
	}
	m->numa_valid = true;
	return 0;
}

/* Read /proc/<pid or self>/<name>; on failure the part's reason, with a hint for ENOENT. */
static char *read_proc(pid_t pid, const char *name, const char *enoent_hint, nh_proc_mem_t *m)
{
	char path[64], msg[160];
	if (pid > 0)
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	else
		snprintf(path, sizeof path, "/proc/self/%s", name);
	char *text = nh_read_file(path, NULL, NULL);
	if (!text) {
		int e = errno;
		snprintf(msg, sizeof msg, "%s: %s%s", name, strerror(e),
			 e == ENOENT && enoent_hint ? enoent_hint : "");
		add_reason(m, msg);
	}
	return text;
}

void nh_proc_mem_read(pid_t pid, bool with_numa_maps, nh_proc_mem_t *m)
{
	memset(m, 0, sizeof *m);
	char *text = read_proc(pid, "status", NULL, m);
	/* Only when status was there does a missing file say something about the kernel; otherwise
	 * the process is gone and every file is missing for that reason. */
	bool alive = text != NULL;
	if (text)
		nh_proc_status_parse(text, m, NULL);
	free(text);
	text = read_proc(pid, "smaps_rollup", alive ? " (kernel before 4.14?)" : NULL, m);
	if (text)
		nh_proc_rollup_parse(text, m, NULL);
	free(text);
	if (!with_numa_maps) {
		m->numa_skipped = true;
		return;
	}
	text = read_proc(pid, "numa_maps", alive ? " (kernel without CONFIG_NUMA?)" : NULL, m);
	if (text)
		nh_proc_numa_maps_parse(text, m, NULL);
	free(text);
}

/* Bytes as a JSON number; past what json_int_t holds, a real rather than a wrapped negative. */
static json_t *json_u64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? json_real((double)v) : json_integer((json_int_t)v);
}

static json_t *value_or_null(bool valid, uint64_t v) { return valid ? json_u64(v) : json_null(); }

json_t *nh_proc_mem_json(const nh_proc_mem_t *m)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "vm_rss_bytes", value_or_null(m->status_valid, m->vm_rss));
	json_object_set_new(o, "vm_hwm_bytes", value_or_null(m->status_valid, m->vm_hwm));
	json_object_set_new(o, "vm_data_bytes", value_or_null(m->status_valid, m->vm_data));
	json_object_set_new(o, "vm_size_bytes", value_or_null(m->status_valid, m->vm_size));
	json_object_set_new(o, "vm_swap_bytes", value_or_null(m->status_valid, m->vm_swap));
	json_object_set_new(o, "threads", value_or_null(m->status_valid, m->threads));
	json_object_set_new(o, "rss_bytes", value_or_null(m->rollup_valid, m->rss));
	json_object_set_new(o, "pss_bytes", value_or_null(m->rollup_valid, m->pss));
	json_object_set_new(o, "pss_anon_bytes",
			    value_or_null(m->rollup_valid && m->pss_split_valid, m->pss_anon));
	json_object_set_new(o, "pss_file_bytes",
			    value_or_null(m->rollup_valid && m->pss_split_valid, m->pss_file));
	json_object_set_new(o, "anonymous_bytes", value_or_null(m->rollup_valid, m->anonymous));
	json_object_set_new(o, "anon_huge_pages_bytes",
			    value_or_null(m->rollup_valid, m->anon_huge_pages));
	json_object_set_new(o, "swap_bytes", value_or_null(m->rollup_valid, m->swap));
	if (m->numa_valid) {
		json_t *nm = json_object(), *anon = json_object(), *file = json_object();
		for (unsigned n = 0; n < NH_MAX_NODES; n++) {
			if (!m->anon_pages_by_node[n] && !m->file_pages_by_node[n])
				continue;
			char key[8];
			snprintf(key, sizeof key, "%u", n);
			json_object_set_new(anon, key, json_u64(m->anon_pages_by_node[n]));
			json_object_set_new(file, key, json_u64(m->file_pages_by_node[n]));
		}
		json_object_set_new(nm, "page_bytes", json_integer(sysconf(_SC_PAGESIZE)));
		json_object_set_new(nm, "anon_pages_by_node", anon);
		json_object_set_new(nm, "file_pages_by_node", file);
		json_object_set_new(o, "numa_maps", nm);
	} else if (!m->numa_skipped) {
		json_object_set_new(o, "numa_maps", json_null());
	}
	if (m->reason[0])
		json_object_set_new(o, "unavailable", json_string(m->reason));
	return o;
}

/* ---- the sampler: the process's memory at the workload's snapshot ---- */

static void memory_snapshot(void *state, const nh_sampler_snapshot_t *snap, nh_sampler_report_t *rep)
{
	nh_proc_mem_t *m = state;
	(void)rep;
	if (snap->memory)
		*m = *snap->memory;
	else /* the workload took no snapshot: the state now, after it returned */
		nh_proc_mem_read(0, true, m);
}

static void memory_close(void *state, nh_sampler_report_t *rep)
{
	nh_sampler_put(rep, &nh_sampler_memory, nh_proc_mem_json(state));
}

const nh_sampler_t nh_sampler_memory = {
	.name = "memory",
	.state_size = sizeof(nh_proc_mem_t),
	.snapshot = memory_snapshot,
	.close = memory_close,
};
