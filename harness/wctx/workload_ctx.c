/* SPDX-License-Identifier: MIT */
/* workload_ctx: what a workload sees of the harness inside the worker — parameters, CPUs,
 * buffers to verify, metrics and notes — kept as plain data for the worker to report. */
#include "workload_ctx.h"

#include <errno.h>
#include <numa.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_CTX_CPUS 1024

struct nh_wctx {
	const nh_workload_t *wl;
	nh_params_t params;
	unsigned cpu_count;
	int cpus[MAX_CTX_CPUS];
	uint64_t llc_bytes;
	char scratch_dir[4096];
	unsigned region_count, region_cap;
	nh_wctx_region_t *regions;
	unsigned metric_count;
	nh_wctx_metric_t metrics[64];
	nh_notes_t notes;
	char *notes_text; /* nh_wctx_notes' rendering, remade on each call */
	char reason[512];
	nh_set_t expected_nodes; /* empty: expect each region on its touching CPU's node */
	bool observed;
	nh_placement_t placement;
	char placement_error[sizeof ((nh_err_t *)0)->msg]; /* a whole message: it explains a missing verdict */
	bool numa_maps_valid;
	uint64_t numa_maps_pages[NH_MAX_NODES];
	nh_set_t ran_on;
	bool memory_taken; /* process and cgroup memory at the snapshot, buffers still live */
	void (*snapshot_hook)(void *arg);
	void *snapshot_arg;
	nh_proc_mem_t memory;
	nh_cgroup_mem_t cgroup;
	unsigned buffer_count;
	struct ctx_buffer {
		void *user, *map;
		size_t map_bytes;
	} buffers[16];
	pthread_mutex_t lock; /* workloads may register regions from their threads */
};

nh_wctx_t *nh_wctx_new(const nh_workload_t *wl, const nh_params_t *params, const nh_set_t *cpus,
		       uint64_t llc_bytes)
{
	nh_wctx_t *ctx = calloc(1, sizeof *ctx);
	if (!ctx)
		return NULL;
	ctx->wl = wl;
	ctx->params = *params;
	for (int c = nh_set_next(cpus, 0); c >= 0 && ctx->cpu_count < MAX_CTX_CPUS; c = nh_set_next(cpus, c + 1))
		ctx->cpus[ctx->cpu_count++] = c;
	ctx->llc_bytes = llc_bytes;
	pthread_mutex_init(&ctx->lock, NULL);
	return ctx;
}

void nh_wctx_free(nh_wctx_t *ctx)
{
	if (!ctx)
		return;
	pthread_mutex_destroy(&ctx->lock);
	free(ctx->notes_text);
	while (ctx->buffer_count)
		nh_wctx_release(ctx, ctx->buffers[0].user); /* what a failing workload left behind */
	free(ctx->regions);
	free(ctx);
}

const char *nh_wctx_param(nh_wctx_t *ctx, const char *name)
{
	const char *v = nh_params_get(&ctx->params, name);
	if (v)
		return v;
	const nh_param_def_t *d = nh_workload_param(ctx->wl, name);
	return d && d->def ? d->def : "";
}

bool nh_wctx_param_is_keyword(nh_wctx_t *ctx, const char *name)
{
	const nh_param_def_t *d = nh_workload_param(ctx->wl, name);
	return d && d->keyword && strcmp(nh_wctx_param(ctx, name), d->keyword) == 0;
}

uint64_t nh_wctx_param_size(nh_wctx_t *ctx, const char *name)
{
	uint64_t v = 0;
	(void)nh_parse_size(nh_wctx_param(ctx, name), &v, NULL);
	return v;
}

int64_t nh_wctx_param_int(nh_wctx_t *ctx, const char *name)
{
	return strtoll(nh_wctx_param(ctx, name), NULL, 10);
}

bool nh_wctx_param_bool(nh_wctx_t *ctx, const char *name)
{
	const char *v = nh_wctx_param(ctx, name);
	return strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	       strcasecmp(v, "on") == 0;
}

unsigned nh_wctx_cpu_count(nh_wctx_t *ctx) { return ctx->cpu_count; }

int nh_wctx_cpu(nh_wctx_t *ctx, unsigned i) { return i < ctx->cpu_count ? ctx->cpus[i] : -1; }

uint64_t nh_wctx_llc_bytes(nh_wctx_t *ctx) { return ctx->llc_bytes; }

int nh_wctx_pin_thread(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
	if (rc) {
		errno = rc;
		return -1;
	}
	return 0;
}

/* A /proc/meminfo field through the memory layer's parser: bytes for "kB" fields, the number
 * for counts (HugePages_Free); 0 when absent. */
static uint64_t meminfo_field(const char *name)
{
	char *text = nh_read_file("/proc/meminfo", NULL, NULL);
	uint64_t v = 0;
	if (!text || nh_meminfo_bytes(text, name, &v) < 0)
		v = 0;
	free(text);
	return v;
}

uint64_t nh_wctx_hugetlb_free_bytes(void)
{
	return meminfo_field("HugePages_Free") * meminfo_field("Hugepagesize");
}

const char *nh_wctx_scratch_dir(nh_wctx_t *ctx) { return ctx->scratch_dir; }

void nh_wctx_set_scratch_dir(nh_wctx_t *ctx, const char *dir)
{
	snprintf(ctx->scratch_dir, sizeof ctx->scratch_dir, "%s", dir ? dir : "");
}

/* One field of a meminfo-format file, in bytes. */
static int meminfo_file_bytes(const char *path, const char *field, uint64_t *bytes)
{
	char *text = nh_read_file(path, NULL, NULL);
	if (!text)
		return -1;
	int rc = nh_meminfo_bytes(text, field, bytes);
	int saved = errno;
	free(text);
	errno = saved;
	return rc;
}

int nh_wctx_cached_bytes(uint64_t *bytes) { return meminfo_file_bytes("/proc/meminfo", "Cached", bytes); }

int nh_wctx_node_file_bytes(int node, uint64_t *bytes)
{
	char path[96];
	snprintf(path, sizeof path, "/sys/devices/system/node/node%d/meminfo", node);
	return meminfo_file_bytes(path, "FilePages", bytes);
}

int nh_wctx_cgroup_file_bytes(uint64_t *bytes, char *why, size_t len)
{
	char *cg = nh_read_file("/proc/self/cgroup", NULL, NULL);
	char *mi = nh_read_file("/proc/self/mountinfo", NULL, NULL);
	char dir[512], path[600];
	nh_err_t err;
	int version = -1;
	if (!cg || !mi)
		snprintf(why, len, "cannot read /proc/self/%s", cg ? "mountinfo" : "cgroup");
	else if ((version = nh_cgroup_locate(cg, mi, dir, sizeof dir, &err)) < 0)
		snprintf(why, len, "%s", err.msg);
	free(cg);
	free(mi);
	if (version < 0)
		return -1;
	snprintf(path, sizeof path, "%s/memory.stat", dir);
	char *text = nh_read_file(path, NULL, NULL);
	if (!text) { /* v2 root, or memory not enabled for this cgroup */
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	nh_cgroup_mem_t *c = calloc(1, sizeof *c);
	uint64_t v = UINT64_MAX;
	if (c && nh_cgroup_parse_stat(text, c, NULL) == 0) {
		/* v2 stats count the subtree; v1's total_cache does, cache does not. */
		v = nh_cgroup_stat(c, version == 2 ? "file" : "total_cache");
		if (v == UINT64_MAX && version == 1)
			v = nh_cgroup_stat(c, "cache");
	}
	free(c);
	free(text);
	if (v == UINT64_MAX) {
		snprintf(why, len, "memory.stat has no file/cache count");
		return -1;
	}
	*bytes = v;
	return 0;
}

int nh_wctx_page_nodes(void *const *pages, unsigned long count, int *nodes)
{
	return nh_pages_query(pages, count, nodes);
}

void *nh_wctx_alloc_pages(nh_wctx_t *ctx, size_t bytes, size_t align, enum nh_page_kind kind)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char human[32], pool[32];
	if (align < page)
		align = page;
	if (ctx->buffer_count == NH_ARRAY_LEN(ctx->buffers)) {
		nh_wctx_reason(ctx, "too many buffers (at most %zu)", NH_ARRAY_LEN(ctx->buffers));
		errno = ENOMEM;
		return NULL;
	}
	int flags = MAP_PRIVATE | MAP_ANONYMOUS;
	size_t map_bytes = (bytes + page - 1) / page * page + (align - page);
	if (kind == NH_PAGES_HUGETLB) {
		size_t huge = (size_t)meminfo_field("Hugepagesize");
		if (!huge)
			huge = 2 << 20;
		map_bytes = (bytes + huge - 1) / huge * huge; /* huge-page aligned by the kernel */
		flags |= MAP_HUGETLB;
	}
	void *map = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (map == MAP_FAILED) {
		if (kind == NH_PAGES_HUGETLB)
			nh_wctx_reason(ctx, "cannot map %s of huge pages: %s (HugePages_Free: %s; reserve more with vm.nr_hugepages)",
				       nh_format_size(bytes, human, sizeof human), strerror(errno),
				       nh_format_size(nh_wctx_hugetlb_free_bytes(), pool, sizeof pool));
		else
			nh_wctx_reason(ctx, "cannot map %s: %s", nh_format_size(bytes, human, sizeof human),
				       strerror(errno));
		return NULL;
	}
	char *user = kind == NH_PAGES_HUGETLB ? map : (char *)(((uintptr_t)map + align - 1) / align * align);
	const char *thp = nh_wctx_param(ctx, "thp");
	bool want_thp = kind == NH_PAGES_THP || (kind == NH_PAGES_DEFAULT && strcmp(thp, "always") == 0);
	bool no_thp = kind == NH_PAGES_4K || (kind == NH_PAGES_DEFAULT && strcmp(thp, "never") == 0);
	if (want_thp && madvise(user, bytes, MADV_HUGEPAGE) < 0)
		nh_wctx_note(ctx, "thp", "madvise(MADV_HUGEPAGE) failed: %s", strerror(errno));
	if (no_thp)
		(void)madvise(user, bytes, MADV_NOHUGEPAGE);
	/* MLOCK_ONFAULT: lock pages as they fault in, so first touch still decides placement. */
	bool lock = nh_wctx_param_bool(ctx, "mlock");
	if (lock && syscall(SYS_mlock2, user, bytes, 1 /* MLOCK_ONFAULT */) < 0) {
		int saved = errno;
		nh_wctx_reason(ctx, "cannot mlock %s: %s (RLIMIT_MEMLOCK?)",
			       nh_format_size(bytes, human, sizeof human), strerror(saved));
		munmap(map, map_bytes);
		errno = saved;
		return NULL;
	}
	if (nh_wctx_param_bool(ctx, "prefault"))
		for (size_t off = 0; off < bytes; off += page)
			((volatile char *)user)[off] = 0;
	ctx->buffers[ctx->buffer_count++] = (struct ctx_buffer){user, map, map_bytes};
	return user;
}

void *nh_wctx_alloc(nh_wctx_t *ctx, size_t bytes, size_t align)
{
	return nh_wctx_alloc_pages(ctx, bytes, align, NH_PAGES_DEFAULT);
}

void nh_wctx_release(nh_wctx_t *ctx, void *buffer)
{
	for (unsigned i = 0; i < ctx->buffer_count; i++) {
		if (ctx->buffers[i].user != buffer)
			continue;
		munmap(ctx->buffers[i].map, ctx->buffers[i].map_bytes);
		ctx->buffers[i] = ctx->buffers[--ctx->buffer_count];
		return;
	}
}

void nh_wctx_add_region(nh_wctx_t *ctx, const void *addr, size_t len, int touch_cpu)
{
	pthread_mutex_lock(&ctx->lock);
	if (ctx->region_count == ctx->region_cap) {
		unsigned cap = ctx->region_cap ? ctx->region_cap * 2 : 16;
		nh_wctx_region_t *grown = realloc(ctx->regions, cap * sizeof *grown);
		if (!grown)
			goto out; /* placement of this region is then simply not checked */
		ctx->regions = grown;
		ctx->region_cap = cap;
	}
	ctx->regions[ctx->region_count++] = (nh_wctx_region_t){addr, len, touch_cpu};
out:
	pthread_mutex_unlock(&ctx->lock);
}

void nh_wctx_metric(nh_wctx_t *ctx, const char *name, double value)
{
	const nh_metric_def_t *d = nh_workload_metric(ctx->wl, name);
	if (!d) {
		nh_log(NH_LOG_WARN, "%s: metric '%s' is not declared; ignored", ctx->wl->name, name);
		return;
	}
	for (unsigned i = 0; i < ctx->metric_count; i++) {
		if (ctx->metrics[i].def == d) {
			ctx->metrics[i].value = value;
			return;
		}
	}
	if (ctx->metric_count < NH_ARRAY_LEN(ctx->metrics))
		ctx->metrics[ctx->metric_count++] = (nh_wctx_metric_t){d, value};
}

void nh_wctx_note(nh_wctx_t *ctx, const char *key, const char *fmt, ...)
{
	/* One byte more than a note holds: a longer value reaches nh_notes_set too long, and is
	 * cut there and flagged, not here in silence. */
	char value[NH_NOTE_VALUE_LEN + 1];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(value, sizeof value, fmt, ap);
	va_end(ap);
	for (char *c = value; *c; c++) /* a note is one line */
		if (*c == '\n')
			*c = ' ';
	nh_notes_set(&ctx->notes, key, value);
}

void nh_wctx_reason(nh_wctx_t *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->reason, sizeof ctx->reason, fmt, ap);
	va_end(ap);
	ctx->reason[strcspn(ctx->reason, "\n")] = '\0';
}

void nh_wctx_set_expectation(nh_wctx_t *ctx, const nh_set_t *nodes) { ctx->expected_nodes = *nodes; }

/* The kernel's second opinion: numa_maps counts of the mappings holding the regions. */
static void observe_numa_maps(nh_wctx_t *ctx)
{
	nh_range_t *ranges = calloc(ctx->region_count ? ctx->region_count : 1, sizeof *ranges);
	char *numa_maps = nh_read_file("/proc/self/numa_maps", NULL, NULL);
	char *maps = nh_read_file("/proc/self/maps", NULL, NULL);
	ctx->numa_maps_valid = false;
	if (ranges && numa_maps && maps) {
		for (unsigned i = 0; i < ctx->region_count; i++)
			ranges[i] = (nh_range_t){(uintptr_t)ctx->regions[i].addr,
						 (uintptr_t)ctx->regions[i].addr + ctx->regions[i].len};
		ctx->numa_maps_valid = nh_numa_maps_pages(numa_maps, maps, ranges, ctx->region_count,
							  ctx->numa_maps_pages, NULL) > 0;
	}
	free(ranges);
	free(numa_maps);
	free(maps);
}

void nh_wctx_ran_on(nh_wctx_t *ctx)
{
	int cpu = sched_getcpu();
	if (cpu < 0)
		return;
	pthread_mutex_lock(&ctx->lock);
	nh_set_add(&ctx->ran_on, (unsigned)cpu);
	pthread_mutex_unlock(&ctx->lock);
}

const uint64_t *nh_wctx_numa_maps_pages(const nh_wctx_t *ctx)
{
	return ctx->numa_maps_valid ? ctx->numa_maps_pages : NULL;
}

const nh_set_t *nh_wctx_cpus_ran_on(const nh_wctx_t *ctx) { return &ctx->ran_on; }

void nh_wctx_observe_placement(nh_wctx_t *ctx)
{
	nh_err_t err;
	memset(&ctx->placement, 0, sizeof ctx->placement);
	ctx->placement_error[0] = '\0';
	bool by_cpu = nh_set_empty(&ctx->expected_nodes);
	for (unsigned i = 0; i < ctx->region_count; i++) {
		const nh_wctx_region_t *r = &ctx->regions[i];
		int node = by_cpu && r->touch_cpu >= 0 ? numa_node_of_cpu(r->touch_cpu) : -1;
		if (nh_placement_query(&ctx->placement, r->addr, r->len, by_cpu ? NULL : &ctx->expected_nodes,
				       node, &err) < 0) {
			snprintf(ctx->placement_error, sizeof ctx->placement_error, "%s", err.msg);
			ctx->observed = false;
			return;
		}
	}
	ctx->observed = true;
	observe_numa_maps(ctx);
	nh_proc_mem_read(0, true, &ctx->memory);
	nh_cgroup_read(0, &ctx->cgroup);
	ctx->memory_taken = true;
	if (ctx->snapshot_hook)
		ctx->snapshot_hook(ctx->snapshot_arg);
}

void nh_wctx_set_snapshot_hook(nh_wctx_t *ctx, void (*hook)(void *arg), void *arg)
{
	ctx->snapshot_hook = hook;
	ctx->snapshot_arg = arg;
}

bool nh_wctx_memory(const nh_wctx_t *ctx, const nh_proc_mem_t **mem, const nh_cgroup_mem_t **cgroup)
{
	*mem = &ctx->memory;
	*cgroup = &ctx->cgroup;
	return ctx->memory_taken;
}

const nh_placement_t *nh_wctx_placement(const nh_wctx_t *ctx, const char **err_out)
{
	if (err_out)
		*err_out = ctx->placement_error;
	return ctx->observed ? &ctx->placement : NULL;
}

unsigned nh_wctx_region_count(const nh_wctx_t *ctx) { return ctx->region_count; }
const nh_wctx_region_t *nh_wctx_region(const nh_wctx_t *ctx, unsigned i) { return &ctx->regions[i]; }
unsigned nh_wctx_metric_count(const nh_wctx_t *ctx) { return ctx->metric_count; }
const nh_wctx_metric_t *nh_wctx_metric_at(const nh_wctx_t *ctx, unsigned i) { return &ctx->metrics[i]; }

double nh_wctx_metric_value(const nh_wctx_t *ctx, const char *name)
{
	for (unsigned i = 0; i < ctx->metric_count; i++)
		if (strcmp(ctx->metrics[i].def->name, name) == 0)
			return ctx->metrics[i].value;
	return NAN;
}

const nh_notes_t *nh_wctx_notes_table(const nh_wctx_t *ctx) { return &ctx->notes; }

const char *nh_wctx_notes(const nh_wctx_t *ctx)
{
	/* The rendering is a cache, not state: const to callers, who only read notes. */
	nh_wctx_t *mut = (nh_wctx_t *)ctx;
	free(mut->notes_text);
	mut->notes_text = nh_notes_format(&ctx->notes);
	return mut->notes_text ? mut->notes_text : "";
}
const char *nh_wctx_reason_text(const nh_wctx_t *ctx) { return ctx->reason; }
