/* SPDX-License-Identifier: MIT */
/* grow: memory that grows on a clock-driven schedule with known truth — a steady ramp, a
 * stair-step (a step every period, flat between) or a sawtooth (grows, frees all but a remainder
 * each cycle, as a collected heap that leaks) — of anonymous pages, page cache (writes to a file
 * in the run's scratch directory, charged to the run's cgroup) or both, under the run's memory
 * policy. Every page is touched, so what the schedule holds is resident. */
#include "workload.h"
#include "grow_schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S UINT64_C(1000000000)
#define MAX_BYTES (64.0 * 1024 * 1024 * 1024 * 1024) /* 64 TiB: past any host's memory */
#define MAX_RATE (1024.0 * 1024 * 1024 * 1024)	      /* 1 TiB/s */
/* Anonymous memory is reserved in segments of nh_wctx_alloc'd address space, each twice the
 * last (from SEG_BASE), so a long run never asks the kernel for far more than it holds (a
 * single reservation of a schedule's whole peak can be refused by the overcommit heuristic long
 * before memory runs out). The context keeps 16 buffers; one is left spare. */
#define SEG_BASE (64ULL << 20)
#define MAX_SEGMENTS 15
#define WRITE_BUF (64u << 10)  /* page-cache writes go through this much at a time */
#define ANON_SAMPLES 512	/* pages whose placement the harness checks */
#define FILE_SAMPLES 256
#define MINCORE_WINDOW (64u << 10) /* pages per mincore call */

/* ---- the schedule ---- */

static uint64_t cap(const grow_schedule_t *s, uint64_t b) { return s->max && b > s->max ? s->max : b; }

/* Whole chunks grown at \p rate B/s in \p ns. */
static uint64_t grown_in(uint64_t rate, uint64_t ns, uint64_t chunk)
{
	unsigned __int128 b = (unsigned __int128)rate * ns / NS_PER_S;
	return (uint64_t)(b / chunk) * chunk;
}

/* The first time (ns) at which \p bytes have grown at \p rate: ceil(bytes / rate). */
static uint64_t time_for(uint64_t rate, uint64_t bytes)
{
	unsigned __int128 n = (unsigned __int128)bytes * NS_PER_S;
	return (uint64_t)((n + rate - 1) / rate);
}

uint64_t grow_bytes_at(const grow_schedule_t *s, uint64_t t)
{
	if (t > s->duration_ns)
		t = s->duration_ns;
	switch (s->pattern) {
	case GROW_RAMP: return cap(s, grown_in(s->rate, t, s->chunk));
	case GROW_STEPS: return cap(s, t / s->period_ns * s->step);
	case GROW_SAWTOOTH: {
		uint64_t k = t / s->cycle_ns, g = grown_in(s->rate, t - k * s->cycle_ns, s->chunk);
		return cap(s, k * s->retained + (g < s->cycle ? g : s->cycle));
	}
	}
	return 0;
}

uint64_t grow_next_event(const grow_schedule_t *s, uint64_t t)
{
	if (t >= s->duration_ns)
		return GROW_NEVER;
	uint64_t next = GROW_NEVER;
	switch (s->pattern) {
	case GROW_RAMP: {
		uint64_t b = grown_in(s->rate, t, s->chunk);
		if (s->max && b >= s->max)
			return GROW_NEVER;
		next = time_for(s->rate, b + s->chunk);
		break;
	}
	case GROW_STEPS: {
		uint64_t k = t / s->period_ns;
		if (s->max && k * s->step >= s->max)
			return GROW_NEVER;
		next = (k + 1) * s->period_ns;
		break;
	}
	case GROW_SAWTOOTH: {
		uint64_t k = t / s->cycle_ns, start = k * s->cycle_ns;
		if (s->max && k * s->retained >= s->max) /* what the cycles keep has reached the cap */
			return GROW_NEVER;
		uint64_t g = grown_in(s->rate, t - start, s->chunk);
		next = g < s->cycle ? start + time_for(s->rate, g + s->chunk) : start + s->cycle_ns;
		break;
	}
	}
	return next > s->duration_ns ? GROW_NEVER : next;
}

uint64_t grow_peak(const grow_schedule_t *s)
{
	uint64_t end = grow_bytes_at(s, s->duration_ns);
	if (s->pattern != GROW_SAWTOOTH)
		return end;
	/* Every cycle freed by the end reached its top, each top above the last. */
	uint64_t freed = s->duration_ns / s->cycle_ns;
	uint64_t top = freed ? cap(s, (freed - 1) * s->retained + s->cycle) : 0;
	return top > end ? top : end;
}

uint64_t grow_anon_part(const grow_schedule_t *s, uint64_t total)
{
	switch (s->kind) {
	case GROW_ANON: return total;
	case GROW_FILE: return 0;
	case GROW_BOTH: return total / 2 / s->page * s->page;
	}
	return total;
}

int grow_parse_fraction(const char *text, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (!*text || *end || errno || !isfinite(v) || v < 0 || v > 1)
		return -1;
	*out = v;
	return 0;
}

static uint64_t size_of(const char *text)
{
	uint64_t v = 0;
	(void)nh_parse_size(text, &v, NULL);
	return v;
}

static uint64_t ns_of(const char *text)
{
	double s = 0;
	(void)nh_parse_duration(text, &s, NULL);
	return (uint64_t)llround(s * (double)NS_PER_S);
}

static bool truthy(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ||
		     strcasecmp(v, "yes") == 0 || strcasecmp(v, "on") == 0);
}

#define REFUSE(...) (snprintf(why, len, __VA_ARGS__), -1)

/* A size that must be whole pages. */
static int whole_pages(const char *name, const char *text, size_t page, char *why, size_t len)
{
	return size_of(text) % page ? REFUSE("%s=%s is not a whole number of %zu-byte pages", name,
					     text, page)
				    : 0;
}

int grow_schedule_init(grow_schedule_t *s, const grow_texts_t *t, size_t page, char *why,
		       size_t len)
{
	*s = (grow_schedule_t){
		.pattern = strcmp(t->pattern, "steps") == 0	 ? GROW_STEPS
			   : strcmp(t->pattern, "sawtooth") == 0 ? GROW_SAWTOOTH
								 : GROW_RAMP,
		.kind = strcmp(t->kind, "file") == 0   ? GROW_FILE
			: strcmp(t->kind, "both") == 0 ? GROW_BOTH
						       : GROW_ANON,
		.rate = size_of(t->rate),
		.step = size_of(t->step),
		.period_ns = ns_of(t->period),
		.cycle = size_of(t->cycle),
		.duration_ns = ns_of(t->duration),
		.max = size_of(t->max),
		.chunk = size_of(t->chunk),
		.page = page,
	};
	double retain = 0;
	if (grow_parse_fraction(t->retain, &retain) < 0)
		return REFUSE("retain=%s is not a fraction from 0 to 1", t->retain);
	if (truthy(t->prefault))
		return REFUSE("prefault=1 would touch grow's whole reservation at once; grow touches "
			      "its pages on its own schedule");
	if (whole_pages("chunk", t->chunk, page, why, len) < 0 ||
	    whole_pages("max", t->max, page, why, len) < 0)
		return -1;
	if (s->kind == GROW_BOTH && s->chunk < 2 * page)
		return REFUSE("kind=both splits every chunk between anon and file: chunk=%s must be "
			      "at least two pages (%zu B)", t->chunk, 2 * page);
	if (s->max && s->max < s->chunk)
		return REFUSE("max=%s is less than one chunk (chunk=%s)", t->max, t->chunk);
	switch (s->pattern) {
	case GROW_RAMP:
		if (grown_in(s->rate, s->duration_ns, s->chunk) == 0)
			return REFUSE("rate=%s for duration=%s grows less than one chunk (chunk=%s): "
				      "nothing would grow", t->rate, t->duration, t->chunk);
		break;
	case GROW_STEPS:
		if (whole_pages("step", t->step, page, why, len) < 0)
			return -1;
		if (s->period_ns > s->duration_ns)
			return REFUSE("period=%s is longer than duration=%s: no step would happen",
				      t->period, t->duration);
		if (s->max && s->max < s->step)
			return REFUSE("max=%s is less than step=%s: the first step would pass it",
				      t->max, t->step);
		break;
	case GROW_SAWTOOTH:
		if (s->cycle % s->chunk)
			return REFUSE("cycle=%s is not a whole number of chunks (chunk=%s)", t->cycle,
				      t->chunk);
		if (s->cycle < 2 * s->chunk)
			return REFUSE("cycle=%s is less than two chunks (chunk=%s): no tooth to grow",
				      t->cycle, t->chunk);
		if (s->max && s->max < s->cycle)
			return REFUSE("max=%s is less than cycle=%s: no cycle would reach its top",
				      t->max, t->cycle);
		s->retained = (uint64_t)floor(retain * (double)s->cycle) / page * page;
		/* The top is held for one chunk's time, then freed: a sample can see it. */
		s->cycle_ns = time_for(s->rate, s->cycle + s->chunk);
		if (s->cycle_ns <= time_for(s->rate, s->cycle))
			s->cycle_ns = time_for(s->rate, s->cycle) + 1;
		if (s->cycle_ns > s->duration_ns)
			return REFUSE("one cycle (cycle=%s at rate=%s/s, its top held a chunk's time) "
				      "takes %.3g s, longer than duration=%s: nothing would be freed",
				      t->cycle, t->rate, (double)s->cycle_ns / NS_PER_S, t->duration);
		break;
	}
	return 0;
}

/* ---- test hook ---- */

static grow_observer_t observer;
static void *observer_arg;

void nh_grow_set_observer(grow_observer_t fn, void *arg)
{
	observer = fn;
	observer_arg = arg;
}

/* ---- the run ---- */

struct segment {
	char *p;
	uint64_t len;
};

struct grow {
	nh_wctx_t *ctx;
	grow_schedule_t s;
	int cpu; /* the thread's CPU, -1 unpinned */
	bool locked; /* mlock=1: freeing must unlock first */
	/* anonymous memory: the segments, filled in order */
	struct segment seg[MAX_SEGMENTS];
	unsigned nseg;
	uint64_t anon_plan, anon_mapped, anon_held;
	/* page cache: an unlinked file, so nothing outlives the run (an OOM kill included) */
	int fd;
	char dir[PATH_MAX];
	char *wbuf;
	uint64_t file_held;
	/* what was executed */
	uint64_t peak, events, max_reached_ns;
	double late_max_s;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Sleep until the absolute monotonic time \p at: the schedule's deadlines stay where they are
 * however long a step took. */
static void sleep_until(uint64_t at)
{
	struct timespec ts = {.tv_sec = (time_t)(at / NS_PER_S), .tv_nsec = (long)(at % NS_PER_S)};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int fail(struct grow *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct grow *g, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char held[32];
	nh_wctx_reason(g->ctx, "%s (holding %s)", msg,
		       nh_format_size(g->anon_held + g->file_held, held, sizeof held));
	return -1;
}

/* Address of anonymous byte \p off, and how far its segment goes from there. */
static char *anon_at(struct grow *g, uint64_t off, uint64_t *room)
{
	for (unsigned i = 0; i < g->nseg; i++) {
		if (off < g->seg[i].len) {
			*room = g->seg[i].len - off;
			return g->seg[i].p + off;
		}
		off -= g->seg[i].len;
	}
	*room = 0;
	return NULL;
}

static int map_segment(struct grow *g)
{
	uint64_t want = SEG_BASE << (g->nseg < 20 ? g->nseg : 20);
	uint64_t left = g->anon_plan > g->anon_mapped ? g->anon_plan - g->anon_mapped : 0;
	if (g->nseg == MAX_SEGMENTS - 1 || want > left)
		want = left;
	want = (want + g->s.chunk - 1) / g->s.chunk * g->s.chunk;
	if (!want || g->nseg == MAX_SEGMENTS)
		return fail(g, "anonymous growth past its plan of %" PRIu64 " B", g->anon_plan);
	char *p = nh_wctx_alloc(g->ctx, want, 0);
	if (!p) {
		char h[32];
		return fail(g, "cannot reserve %s more address space: %s",
			    nh_format_size(want, h, sizeof h), strerror(errno));
	}
	g->seg[g->nseg++] = (struct segment){p, want};
	g->anon_mapped += want;
	return 0;
}

static int anon_grow(struct grow *g, uint64_t target)
{
	while (g->anon_held < target) {
		if (g->anon_held == g->anon_mapped && map_segment(g) < 0)
			return -1;
		uint64_t room;
		volatile char *p = anon_at(g, g->anon_held, &room);
		uint64_t n = target - g->anon_held < room ? target - g->anon_held : room;
		for (uint64_t off = 0; off < n; off += g->s.page)
			p[off] = 1; /* written, not read: a read would map the shared zero page */
		g->anon_held += n;
	}
	return 0;
}

/* Give back [target, held): madvise(MADV_DONTNEED), the pages gone at once as a collector's
 * unmap would; locked pages (mlock=1) are unlocked around it and locked again on fault. The
 * raw syscalls, as the lock was taken: AddressSanitizer's munlock interceptor does nothing. */
static int anon_shrink(struct grow *g, uint64_t target)
{
	while (g->anon_held > target) {
		uint64_t base = 0; /* of the segment holding the last held byte */
		unsigned i = 0;
		while (base + g->seg[i].len < g->anon_held)
			base += g->seg[i++].len;
		uint64_t start = target > base ? target : base;
		char *p = g->seg[i].p + (start - base);
		size_t n = g->anon_held - start;
		if (madvise(p, n, MADV_DONTNEED) < 0) {
			if (errno != EINVAL || !g->locked || syscall(SYS_munlock, p, n) < 0 ||
			    madvise(p, n, MADV_DONTNEED) < 0)
				return fail(g, "madvise(MADV_DONTNEED) of %zu B: %s", n,
					    strerror(errno));
			(void)syscall(SYS_mlock2, p, n, 1 /* MLOCK_ONFAULT */);
		}
		g->anon_held = start;
	}
	return 0;
}

static int file_open(struct grow *g)
{
	const char *scratch = nh_wctx_scratch_dir(g->ctx), *tmp = getenv("TMPDIR");
	snprintf(g->dir, sizeof g->dir, "%s", *scratch ? scratch : tmp && *tmp ? tmp : "/tmp");
	nh_err_t err;
	if (*scratch && nh_mkdir_p(g->dir, &err) < 0)
		return fail(g, "%s", err.msg);
	/* Unlinked from the start: its page cache lives while the run holds it, and an OOM kill
	 * leaves nothing behind. */
	g->fd = open(g->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (g->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		char path[PATH_MAX + 32];
		snprintf(path, sizeof path, "%s/grow.XXXXXX", g->dir);
		g->fd = mkostemp(path, O_CLOEXEC);
		if (g->fd >= 0)
			unlink(path);
	}
	if (g->fd < 0)
		return fail(g, "cannot create a file in %s: %s", g->dir, strerror(errno));
	g->wbuf = malloc(WRITE_BUF);
	if (!g->wbuf)
		return fail(g, "out of memory for the write buffer");
	memset(g->wbuf, 0x5a, WRITE_BUF);
	return 0;
}

static int file_grow(struct grow *g, uint64_t target)
{
	while (g->file_held < target) {
		size_t n = target - g->file_held < WRITE_BUF ? target - g->file_held : WRITE_BUF;
		ssize_t w = pwrite(g->fd, g->wbuf, n, (off_t)g->file_held);
		if (w <= 0)
			return fail(g, "write(2) to a file in %s at byte %" PRIu64 ": %s", g->dir,
				    g->file_held, w < 0 ? strerror(errno) : "wrote nothing");
		g->file_held += (uint64_t)w;
	}
	return 0;
}

static int file_shrink(struct grow *g, uint64_t target)
{
	if (ftruncate(g->fd, (off_t)target) < 0)
		return fail(g, "ftruncate(2) of a file in %s to %" PRIu64 " B: %s", g->dir, target,
			    strerror(errno));
	g->file_held = target;
	return 0;
}

/* Hold what the schedule says at event time \p t. */
static int apply(struct grow *g, uint64_t t)
{
	uint64_t total = grow_bytes_at(&g->s, t), anon = grow_anon_part(&g->s, total);
	uint64_t file = total - anon;
	int rc = anon < g->anon_held ? anon_shrink(g, anon) : anon_grow(g, anon);
	if (rc == 0)
		rc = file < g->file_held ? file_shrink(g, file) : file_grow(g, file);
	if (rc < 0)
		return -1;
	if (total > g->peak)
		g->peak = total;
	if (g->s.max && total >= g->s.max && g->max_reached_ns == GROW_NEVER)
		g->max_reached_ns = t;
	g->events++;
	if (observer)
		observer(t, g->anon_held, g->file_held, observer_arg);
	return 0;
}

/* Walk the schedule's events in order, each at its absolute deadline (at once when late, so a
 * slow step delays the next ones only until they catch up, and a sawtooth's top is never
 * skipped), then hold until the duration ends. */
static int execute(struct grow *g)
{
	uint64_t t0 = now_ns(), t = 0;
	if (apply(g, 0) < 0)
		return -1;
	while ((t = grow_next_event(&g->s, t)) != GROW_NEVER) {
		sleep_until(t0 + t);
		if (apply(g, t) < 0)
			return -1;
		double late = (double)(now_ns() - (t0 + t)) / NS_PER_S;
		if (late > g->late_max_s)
			g->late_max_s = late;
	}
	sleep_until(t0 + g->s.duration_ns);
	return 0;
}

/* Resident pages of [p, p + len) (mincore), in windows so the vector stays small. */
static uint64_t resident_of(const char *p, uint64_t len, size_t page, unsigned char *vec)
{
	uint64_t pages = 0;
	for (uint64_t off = 0; off < len; off += (uint64_t)MINCORE_WINDOW * page) {
		uint64_t n = len - off < (uint64_t)MINCORE_WINDOW * page ? len - off
									  : (uint64_t)MINCORE_WINDOW * page;
		if (mincore((void *)(p + off), n, vec) < 0)
			return UINT64_MAX;
		for (uint64_t i = 0; i < (n + page - 1) / page; i++)
			pages += vec[i] & 1;
	}
	return pages * page;
}

struct evidence {
	uint64_t anon_resident, file_resident; /* UINT64_MAX: unknown */
	void *file_map;
	uint64_t file_map_len;
	unsigned regions;
};

/* At the end, every byte still held: how much is resident, and an even sample of pages of
 * each kind registered for the harness's placement check (the file's pages through a read-only
 * mapping, touched only where already cached, so nothing is read from disk). */
static void gather(struct grow *g, struct evidence *e)
{
	const size_t page = g->s.page;
	unsigned char *vec = malloc(MINCORE_WINDOW);
	*e = (struct evidence){.anon_resident = UINT64_MAX, .file_resident = UINT64_MAX};
	if (!vec)
		return;
	uint64_t sum = 0, left = g->anon_held;
	for (unsigned i = 0; i < g->nseg && left; i++) {
		uint64_t n = left < g->seg[i].len ? left : g->seg[i].len;
		uint64_t r = resident_of(g->seg[i].p, n, page, vec);
		sum = r == UINT64_MAX || sum == UINT64_MAX ? UINT64_MAX : sum + r;
		left -= n;
	}
	e->anon_resident = sum;
	uint64_t pages = g->anon_held / page, stride = pages > ANON_SAMPLES ? pages / ANON_SAMPLES : 1;
	for (uint64_t k = 0; k < pages; k += stride) {
		uint64_t room;
		char *p = anon_at(g, k * page, &room);
		nh_wctx_add_region(g->ctx, p, page, g->cpu);
		e->regions++;
	}
	if (g->file_held) {
		void *m = mmap(NULL, g->file_held, PROT_READ, MAP_SHARED, g->fd, 0);
		if (m != MAP_FAILED) {
			e->file_map = m;
			e->file_map_len = g->file_held;
			e->file_resident = resident_of(m, g->file_held, page, vec);
			pages = g->file_held / page;
			stride = pages > FILE_SAMPLES ? pages / FILE_SAMPLES : 1;
			for (uint64_t k = 0; k < pages; k += stride) {
				volatile const char *p = (const char *)m + k * page;
				if (mincore((void *)p, page, vec) == 0 && (vec[0] & 1)) {
					(void)*p; /* map the cached page, so its node can be read */
					nh_wctx_add_region(g->ctx, (const void *)p, page, g->cpu);
					e->regions++;
				}
			}
		}
	} else {
		e->file_resident = 0; /* no file, or an empty one */
	}
	free(vec);
}

/* clang-format off */
static int check_retain(const char *value, nh_err_t *err)
{
	double v;
	if (grow_parse_fraction(value, &v) == 0)
		return 0;
	errno = EINVAL;
	return nh_err_set(err, "'%s' is not a fraction from 0 to 1 (0.25 keeps a quarter of each "
			       "cycle)", value);
}

static const nh_param_def_t grow_params[] = {
	{.name = "pattern", .type = NH_PARAM_ENUM, .def = "ramp", .choices = "ramp|steps|sawtooth",
	 .help = "ramp: steady growth at rate; steps: a step of step bytes every period, flat "
		 "between; sawtooth: grows cycle bytes at rate, frees all but retain of it, repeats"},
	{.name = "kind", .type = NH_PARAM_ENUM, .def = "anon", .choices = "anon|file|both",
	 .help = "anon: anonymous pages; file: page cache (writes to an unlinked file in the run's "
		 "scratch directory); both: half each"},
	{.name = "rate", .type = NH_PARAM_SIZE, .def = "16M", .min = 4096, .max = MAX_RATE,
	 .help = "bytes per second of growth: ramp, and sawtooth while a cycle grows"},
	{.name = "step", .type = NH_PARAM_SIZE, .def = "16M", .min = 4096, .max = MAX_BYTES,
	 .help = "steps: bytes added at once every period"},
	{.name = "period", .type = NH_PARAM_DURATION, .def = "1s", .min = 0.001, .max = 86400,
	 .help = "steps: time between steps"},
	{.name = "cycle", .type = NH_PARAM_SIZE, .def = "64M", .min = 8192, .max = MAX_BYTES,
	 .help = "sawtooth: bytes grown per cycle before the free (a whole number of chunks)"},
	{.name = "retain", .type = NH_PARAM_STRING, .def = "0.25", .check = check_retain,
	 .help = "sawtooth: fraction 0..1 of each cycle kept after its free (0: no growth over "
		 "cycles)"},
	{.name = "duration", .type = NH_PARAM_DURATION, .def = "10s", .min = 0.01,
	 .max = 7 * 86400.0, .help = "the whole run: growth, and holding what it reached"},
	{.name = "max", .type = NH_PARAM_SIZE, .def = "0", .min = 0, .max = MAX_BYTES,
	 .help = "stop growing there and hold it for the rest of the duration (0: grow until the "
		 "duration ends or the OOM killer strikes)"},
	{.name = "chunk", .type = NH_PARAM_SIZE, .def = "1M", .min = 4096, .max = 1 << 30,
	 .help = "growth granule: ramp and sawtooth grow a chunk at a time (whole pages)"},
	{.name = NULL},
};
/* clang-format on */

static const nh_metric_def_t grow_metrics[] = {
	{"grown_bytes", "B", NH_BETTER_NONE,
	 "bytes resident at the end of the duration (mincore over what is held: anon + file)"},
	{"held_bytes", "B", NH_BETTER_NONE, "bytes the schedule holds at the end"},
	{"peak_bytes", "B", NH_BETTER_NONE, "most bytes held at any time (a sawtooth's top)"},
	{"rate_Bps", "B/s", NH_BETTER_NONE, "ramp and sawtooth: the growth rate executed"},
	{"step_bytes", "B", NH_BETTER_NONE, "steps: the size of each step"},
	{"period_s", "s", NH_BETTER_NONE, "steps: the time between steps"},
	{"cycle_bytes", "B", NH_BETTER_NONE, "sawtooth: bytes grown per cycle before its free"},
	{"cycle_s", "s", NH_BETTER_NONE,
	 "sawtooth: one cycle, its growth and its top held a chunk's time"},
	{"retained_Bpc", "B", NH_BETTER_NONE,
	 "sawtooth: bytes each cycle keeps after its free (retain x cycle, whole pages)"},
	{.name = NULL},
};

static grow_texts_t texts_of_params(const nh_params_t *p)
{
	return (grow_texts_t){
		nh_params_get(p, "pattern"), nh_params_get(p, "kind"), nh_params_get(p, "rate"),
		nh_params_get(p, "step"), nh_params_get(p, "period"), nh_params_get(p, "cycle"),
		nh_params_get(p, "retain"), nh_params_get(p, "duration"), nh_params_get(p, "max"),
		nh_params_get(p, "chunk"), nh_params_get(p, "prefault"),
	};
}

static grow_texts_t texts_of_ctx(nh_wctx_t *ctx)
{
	return (grow_texts_t){
		nh_wctx_param(ctx, "pattern"), nh_wctx_param(ctx, "kind"), nh_wctx_param(ctx, "rate"),
		nh_wctx_param(ctx, "step"), nh_wctx_param(ctx, "period"), nh_wctx_param(ctx, "cycle"),
		nh_wctx_param(ctx, "retain"), nh_wctx_param(ctx, "duration"), nh_wctx_param(ctx, "max"),
		nh_wctx_param(ctx, "chunk"), nh_wctx_param(ctx, "prefault"),
	};
}

static int grow_check_plan(const nh_params_t *params, unsigned cpus, char *why, size_t len)
{
	(void)cpus;
	grow_schedule_t s;
	grow_texts_t t = texts_of_params(params);
	return grow_schedule_init(&s, &t, (size_t)sysconf(_SC_PAGESIZE), why, len);
}

static int grow_supported(char *reason, size_t len)
{
	(void)reason;
	(void)len;
	return 0;
}

static void note_run(struct grow *g, const struct evidence *e)
{
	char a[32], b[32], c[32];
	const grow_schedule_t *s = &g->s;
	switch (s->pattern) {
	case GROW_RAMP:
		nh_wctx_note(g->ctx, "schedule", "ramp at %s/s in chunks of %s",
			     nh_format_size(s->rate, a, sizeof a), nh_format_size(s->chunk, b, sizeof b));
		break;
	case GROW_STEPS:
		nh_wctx_note(g->ctx, "schedule", "steps of %s every %.3f s",
			     nh_format_size(s->step, a, sizeof a), (double)s->period_ns / NS_PER_S);
		break;
	case GROW_SAWTOOTH:
		nh_wctx_note(g->ctx, "schedule",
			     "sawtooth: %s per cycle at %s/s, %s kept of each, a cycle every %.3f s",
			     nh_format_size(s->cycle, a, sizeof a), nh_format_size(s->rate, b, sizeof b),
			     nh_format_size(s->retained, c, sizeof c), (double)s->cycle_ns / NS_PER_S);
		break;
	}
	if (s->max)
		nh_wctx_note(g->ctx, "max", g->max_reached_ns == GROW_NEVER ? "%s, not reached"
								      : "%s, reached at %.3f s",
			     nh_format_size(s->max, a, sizeof a),
			     (double)g->max_reached_ns / NS_PER_S);
	nh_wctx_note(g->ctx, "held", "anon %s, file %s", nh_format_size(g->anon_held, a, sizeof a),
		     nh_format_size(g->file_held, b, sizeof b));
	if (e->anon_resident != UINT64_MAX && s->kind != GROW_FILE)
		nh_wctx_note(g->ctx, "anon_resident_bytes", "%" PRIu64, e->anon_resident);
	if (e->file_resident != UINT64_MAX && s->kind != GROW_ANON)
		nh_wctx_note(g->ctx, "file_resident_bytes", "%" PRIu64, e->file_resident);
	if (s->kind != GROW_ANON)
		nh_wctx_note(g->ctx, "file_dir", "%s (an unlinked file)", g->dir);
	nh_wctx_note(g->ctx, "events", "%" PRIu64, g->events);
	nh_wctx_note(g->ctx, "late_max_s", "%.6f (the latest an event was applied after its "
			     "deadline)", g->late_max_s);
	if (s->kind != GROW_FILE)
		nh_wctx_note(g->ctx, "segments", "%u (%s of address space reserved)", g->nseg,
			     nh_format_size(g->anon_mapped, a, sizeof a));
	nh_wctx_note(g->ctx, "regions", "%u sampled pages for the placement check", e->regions);
	if (g->cpu >= 0)
		nh_wctx_note(g->ctx, "cpu", "%d", g->cpu);
}

static void record_metrics(struct grow *g, const struct evidence *e)
{
	const grow_schedule_t *s = &g->s;
	if (e->anon_resident != UINT64_MAX && e->file_resident != UINT64_MAX)
		nh_wctx_metric(g->ctx, "grown_bytes", (double)(e->anon_resident + e->file_resident));
	nh_wctx_metric(g->ctx, "held_bytes", (double)(g->anon_held + g->file_held));
	nh_wctx_metric(g->ctx, "peak_bytes", (double)g->peak);
	switch (s->pattern) {
	case GROW_RAMP: nh_wctx_metric(g->ctx, "rate_Bps", (double)s->rate); break;
	case GROW_STEPS:
		nh_wctx_metric(g->ctx, "step_bytes", (double)s->step);
		nh_wctx_metric(g->ctx, "period_s", (double)s->period_ns / NS_PER_S);
		break;
	case GROW_SAWTOOTH:
		nh_wctx_metric(g->ctx, "rate_Bps", (double)s->rate);
		nh_wctx_metric(g->ctx, "cycle_bytes", (double)s->cycle);
		nh_wctx_metric(g->ctx, "cycle_s", (double)s->cycle_ns / NS_PER_S);
		nh_wctx_metric(g->ctx, "retained_Bpc", (double)s->retained);
		break;
	}
}

static enum nh_wl_status grow_run(nh_wctx_t *ctx)
{
	struct grow *g = calloc(1, sizeof *g);
	if (!g) {
		nh_wctx_reason(ctx, "out of memory");
		return NH_WL_FAIL;
	}
	*g = (struct grow){.ctx = ctx, .fd = -1, .cpu = -1, .max_reached_ns = GROW_NEVER};
	enum nh_wl_status status = NH_WL_FAIL;
	char why[400];
	grow_texts_t t = texts_of_ctx(ctx);
	if (grow_schedule_init(&g->s, &t, (size_t)sysconf(_SC_PAGESIZE), why, sizeof why) < 0) {
		nh_wctx_reason(ctx, "%s", why);
		goto out;
	}
	g->locked = nh_wctx_param_bool(ctx, "mlock");
	g->anon_plan = grow_anon_part(&g->s, grow_peak(&g->s));
	/* One thread, pinned to the policy's first CPU: the pages' expected node under the
	 * default policy is that CPU's, and under membind the policy's (it covers every thread). */
	if (nh_wctx_cpu_count(ctx) && nh_wctx_pin_thread(nh_wctx_cpu(ctx, 0)) == 0)
		g->cpu = nh_wctx_cpu(ctx, 0);
	if (g->s.kind != GROW_ANON && file_open(g) < 0)
		goto out;
	if (execute(g) < 0)
		goto out;
	nh_wctx_ran_on(ctx);
	struct evidence e;
	gather(g, &e);
	nh_wctx_observe_placement(ctx); /* also the memory layers, and the end of the series */
	note_run(g, &e);
	record_metrics(g, &e);
	if (e.file_map)
		munmap(e.file_map, e.file_map_len);
	status = NH_WL_OK;
out:
	for (unsigned i = 0; i < g->nseg; i++)
		nh_wctx_release(ctx, g->seg[i].p);
	if (g->fd >= 0)
		close(g->fd);
	free(g->wbuf);
	free(g);
	return status;
}

const nh_workload_t nh_workload_grow = {
	.name = "grow",
	.summary = "memory growing on a schedule with known truth: ramp, steps (a stair every "
		   "period) or sawtooth (grow, free all but a remainder), anon or page cache",
	.params = grow_params,
	.metrics = grow_metrics,
	.supported = grow_supported,
	.run = grow_run,
	.check_plan = grow_check_plan,
};
