/* SPDX-License-Identifier: MIT */
/* churn_loop: the churn workload's engine — block sizes, the per-thread malloc/free loop around a
 * retained live set, cross-thread handoff rings, sampled latencies, the free-all and RSS readings
 * — shared by workloads/churn.c, its unit tests and tests/bench/churn-standalone.c, so it uses
 * libc only (no harness header) and everything in it is static.
 *
 * Every block comes from the process's own malloc and goes back through free, so an allocator
 * preloaded into the process is what gets measured. The engine's own bookkeeping (live sets,
 * rings, histograms, thread records) is mapped with mmap, so the allocator's heap holds nothing
 * but the workload's blocks.
 *
 * Each of the n threads owns a share live/n of the live target. It first fills its share with
 * blocks (untimed), then, until told to stop, draws a size, releases blocks of its live set in the
 * chosen order until the new block fits, mallocs it, writes its first and last byte (touch) and
 * keeps it. A released block is freed by the thread itself, or (cross percent of them) handed
 * through a single-producer single-consumer ring to the next thread, which frees it. Bytes in a
 * ring still count against the producer's share until the consumer has freed them, so the live
 * bytes of the process never exceed the live target: with handoffs, H = min(64 KiB, share / 4)
 * of each share is reserved for blocks in flight, the live set is kept within share - H, and a
 * producer with more than H in flight waits for its consumer before it mallocs again. */
#ifndef NH_CHURN_LOOP_H
#define NH_CHURN_LOOP_H

#include "lat_tools.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#define CHURN_X86 1
#endif

#define CHURN_LINE 64
#define NH_LT_GOLDEN UINT64_C(0x9e3779b97f4a7c15)
#define CHURN_RING_CAP 4096u /* blocks in flight from one thread to the next, at most */
#define CHURN_RING_MASK (CHURN_RING_CAP - 1)
#define CHURN_SLACK_MAX (UINT64_C(64) << 10) /* H: bytes in flight per producer, at most */
#define CHURN_SHARE_BLOCKS 4 /* a thread's share must hold this many of the largest blocks */

/* sizes=mixed, a skewed small-object mix as services see it: per mille of blocks, and the byte
 * range each class draws uniformly from. Mean about 514 B; by bytes about 24% small, 49% medium
 * and 27% large. */
#define CHURN_MIX_SMALL_PM 900
#define CHURN_MIX_SMALL_LO 16
#define CHURN_MIX_SMALL_HI 256
#define CHURN_MIX_MEDIUM_PM 99
#define CHURN_MIX_MEDIUM_LO 1024
#define CHURN_MIX_MEDIUM_HI 4096
#define CHURN_MIX_LARGE_LO (16u << 10) /* the remaining 1 per mille */
#define CHURN_MIX_LARGE_HI (256u << 10)


/* ---- block sizes ---- */

enum churn_sizes { CHURN_FIXED, CHURN_UNIFORM, CHURN_MIXED };

typedef struct churn_sizer {
	enum churn_sizes kind;
	uint32_t lo, span; /* fixed: lo; uniform: lo .. lo + span - 1 */
} churn_sizer_t;

static inline churn_sizer_t churn_sizer(enum churn_sizes kind, size_t size, size_t min_size,
					size_t max_size)
{
	churn_sizer_t z = {.kind = kind};
	if (kind == CHURN_FIXED) {
		z.lo = (uint32_t)size;
	} else if (kind == CHURN_UNIFORM) {
		z.lo = (uint32_t)min_size;
		z.span = (uint32_t)(max_size - min_size + 1);
	}
	return z;
}

static inline size_t churn_sizer_min(const churn_sizer_t *z)
{
	return z->kind == CHURN_MIXED ? CHURN_MIX_SMALL_LO : z->lo;
}

static inline size_t churn_sizer_max(const churn_sizer_t *z)
{
	return z->kind == CHURN_MIXED	  ? CHURN_MIX_LARGE_HI
	       : z->kind == CHURN_UNIFORM ? (size_t)z->lo + z->span - 1
					  : z->lo;
}

static inline double churn_sizer_mean(const churn_sizer_t *z)
{
	if (z->kind == CHURN_MIXED)
		return (CHURN_MIX_SMALL_PM * (CHURN_MIX_SMALL_LO + CHURN_MIX_SMALL_HI) +
			CHURN_MIX_MEDIUM_PM * (CHURN_MIX_MEDIUM_LO + CHURN_MIX_MEDIUM_HI) +
			(1000.0 - CHURN_MIX_SMALL_PM - CHURN_MIX_MEDIUM_PM) *
				(CHURN_MIX_LARGE_LO + CHURN_MIX_LARGE_HI)) /
		       2000.0;
	return z->kind == CHURN_UNIFORM ? z->lo + (z->span - 1) / 2.0 : z->lo;
}

/* One random draw a size: the top 32 bits pick the class, the low 32 bits the size within it. */
static inline size_t churn_size_draw(const churn_sizer_t *z, uint64_t *rng)
{
	if (z->kind == CHURN_FIXED)
		return z->lo;
	uint64_t x = nh_lt_rand(rng), low = x & 0xffffffffu;
	if (z->kind == CHURN_UNIFORM)
		return z->lo + (size_t)(low * z->span >> 32);
	uint64_t pm = (x >> 32) * 1000 >> 32;
	if (pm < CHURN_MIX_SMALL_PM)
		return CHURN_MIX_SMALL_LO +
		       (size_t)(low * (CHURN_MIX_SMALL_HI - CHURN_MIX_SMALL_LO + 1) >> 32);
	if (pm < CHURN_MIX_SMALL_PM + CHURN_MIX_MEDIUM_PM)
		return CHURN_MIX_MEDIUM_LO +
		       (size_t)(low * (CHURN_MIX_MEDIUM_HI - CHURN_MIX_MEDIUM_LO + 1) >> 32);
	return CHURN_MIX_LARGE_LO +
	       (size_t)(low * (CHURN_MIX_LARGE_HI - CHURN_MIX_LARGE_LO + 1) >> 32);
}

/* ---- latency histogram: log-linear (HDR-style), as xcache's ----
 * Exact below 128, then 64 sub-buckets per power of two: a value is known within 1/64 and
 * reported as its bucket's midpoint, up to 2^48 ticks. */
/* ---- clocks ---- */

static inline double churn_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}


/* Up to len - 1 bytes of a /proc file into buf (NUL-terminated) with plain read(2): no stdio,
 * whose buffers would come from the allocator under test. Returns the length, or -1. */
static inline ssize_t churn_read_proc(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t used = 0;
	for (ssize_t n; used + 1 < len && (n = read(fd, buf + used, len - 1 - used)) != 0;) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	return (ssize_t)used;
}

/* A "Field:   N kB" line of /proc/self/status in bytes; 0 when it cannot be read. */
static inline uint64_t churn_status_bytes(const char *field)
{
	char buf[4096];
	if (churn_read_proc("/proc/self/status", buf, sizeof buf) < 0)
		return 0;
	size_t flen = strlen(field);
	for (const char *line = buf; *line;) {
		if (strncmp(line, field, flen) == 0 && line[flen] == ':')
			return strtoull(line + flen + 1, NULL, 10) * 1024;
		const char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return 0;
}

/* ---- engine memory: mmap, never malloc ---- */

static inline void *churn_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static inline void churn_unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

/* ---- a thread's live set: a ring of blocks, oldest at head ---- */

typedef struct churn_block {
	void *p;
	size_t size;
} churn_block_t;

enum churn_order { CHURN_LIFO, CHURN_FIFO, CHURN_RANDOM };

typedef struct churn_set {
	churn_block_t *b;
	size_t cap; /* a power of two */
	size_t head, count;
} churn_set_t;

static inline bool churn_set_init(churn_set_t *s, size_t want)
{
	size_t cap = 64;
	while (cap < want)
		cap <<= 1;
	*s = (churn_set_t){.b = churn_map(cap * sizeof(churn_block_t)), .cap = cap};
	return s->b != NULL;
}

static inline void churn_set_destroy(churn_set_t *s)
{
	churn_unmap(s->b, s->cap * sizeof(churn_block_t));
	s->b = NULL;
}

/* Twice the room, the blocks copied oldest first. Sized with twice the expected count up front,
 * so a run with the distribution it was sized for never gets here. */
static inline bool churn_set_grow(churn_set_t *s)
{
	churn_set_t g;
	if (!churn_set_init(&g, s->cap * 2))
		return false;
	for (size_t i = 0; i < s->count; i++)
		g.b[i] = s->b[(s->head + i) & (s->cap - 1)];
	g.count = s->count;
	churn_set_destroy(s);
	*s = g;
	return true;
}

static inline bool churn_set_push(churn_set_t *s, void *p, size_t size)
{
	if (s->count == s->cap && !churn_set_grow(s))
		return false;
	s->b[(s->head + s->count++) & (s->cap - 1)] = (churn_block_t){p, size};
	return true;
}

/* The block the order frees next, taken out of the set (count > 0). lifo: the newest; fifo: the
 * oldest; random: any, the newest moving into its slot. */
static inline churn_block_t churn_set_take(churn_set_t *s, enum churn_order order, uint64_t *rng)
{
	const size_t m = s->cap - 1;
	churn_block_t b;
	if (order == CHURN_FIFO) {
		b = s->b[s->head];
		s->head = (s->head + 1) & m;
		s->count--;
		return b;
	}
	size_t last = (s->head + --s->count) & m;
	if (order == CHURN_LIFO)
		return s->b[last];
	size_t i = (s->head + nh_lt_below(nh_lt_rand(rng), s->count + 1)) & m;
	b = s->b[i];
	s->b[i] = s->b[last];
	return b;
}

static inline const churn_block_t *churn_set_at(const churn_set_t *s, size_t i)
{
	return &s->b[(s->head + i) & (s->cap - 1)];
}

/* ---- handoff: one single-producer single-consumer ring per pair of neighbours ---- */

/* The producer's index and the consumer's on lines of their own: each side writes one line and
 * only reads the other's. */
typedef struct churn_ring {
	alignas(CHURN_LINE) _Atomic size_t tail; /* producer: blocks pushed so far */
	alignas(CHURN_LINE) _Atomic size_t head; /* consumer: blocks freed so far */
	_Atomic uint64_t returned;		 /* consumer: bytes freed so far */
	alignas(CHURN_LINE) churn_block_t slot[CHURN_RING_CAP];
} churn_ring_t;

/* ---- configuration, threads, run ---- */

typedef struct churn_run churn_run_t;

typedef struct churn_config {
	unsigned threads;
	const int *cpus; /* pinned round-robin: thread i on cpus[i % ncpus]; ncpus 0: not pinned */
	unsigned ncpus;
	churn_sizer_t sizer;
	uint64_t live;	    /* bytes, all threads */
	enum churn_order order;
	unsigned cross;	    /* percent of released blocks freed by the next thread */
	double duration;    /* seconds of the timed phase */
	unsigned sample_every;
	bool touch;
	uint64_t seed;
	/* Pin the calling thread: 0, or -1 with errno. */
	int (*pin)(int cpu);
	/* Each thread, after its timed phase (evidence of where it ran); may be NULL. */
	void (*ran_on)(void *arg);
	/* The main thread, threads parked after the timed phase with every live block still
	 * allocated: the moment to snapshot placement and memory; may be NULL. */
	void (*at_peak)(churn_run_t *r, void *arg);
	void *arg;
} churn_config_t;

typedef struct churn_thread {
	alignas(CHURN_LINE) churn_run_t *run;
	pthread_t tid;
	unsigned index;
	int cpu; /* -1: not pinned */
	int pin_errno;
	bool no_memory;	      /* engine memory could not be mapped */
	size_t failed_size;   /* malloc returned NULL for this size (0: never) */
	uint64_t failed_live; /* ... with this many bytes of this thread's live */
	uint64_t rng;
	churn_set_t own;      /* the live set: blocks this thread allocated and still holds */
	uint64_t owned_bytes; /* their requested sizes */
	churn_ring_t *inbox;  /* from the previous thread; NULL without handoffs */
	churn_ring_t *outbox; /* the next thread's inbox */
	size_t out_tail, out_head; /* producer's copy of its outbox's indices */
	uint64_t sent_bytes, returned_seen; /* bytes pushed; bytes the consumer said it freed */
	size_t in_head;		  /* consumer's index in its inbox */
	uint64_t in_returned;	  /* consumer's running total of bytes freed from the inbox */
	uint64_t peak_usage;	  /* most of owned + in flight after any malloc */
	bool tsc;
	unsigned every, free_countdown;
	uint64_t timer_overhead; /* ticks */
	nh_lt_hist_t *alloc_hist, *free_hist;
	/* counts over the whole run: fill, timed phase and free-all */
	uint64_t mallocs, frees_own, frees_received, sent;
	uint64_t alloc_bytes, freed_bytes; /* requested sizes: live = alloc_bytes - freed_bytes */
	uint64_t waits;			   /* times the handoff made this thread wait */
	/* the timed phase */
	uint64_t timed_ops; /* mallocs + frees */
	double seconds;
} churn_thread_t;

enum churn_gate { CHURN_GATE_WAIT, CHURN_GATE_GO, CHURN_GATE_ABORT };
enum churn_phase { CHURN_SETUP, CHURN_FILL, CHURN_TIMED };

struct churn_run {
	churn_config_t cfg;
	churn_thread_t *t;
	size_t t_bytes;
	unsigned n;
	uint64_t share, budget, slack; /* per thread: share of live; live set limit; H */
	bool tsc;
	pthread_barrier_t bar; /* sleeping, not spinning: the main thread shares a CPU */
	alignas(CHURN_LINE) atomic_int gate;
	/* A failure flag per phase, each written only before the barrier that ends its phase and
	 * read after it, so every thread and the main thread agree on whether to go on. */
	atomic_bool failed[3]; /* CHURN_SETUP, CHURN_FILL, CHURN_TIMED */
	alignas(CHURN_LINE) atomic_bool stop; /* read by every thread all the time: a line alone */
	alignas(CHURN_LINE) atomic_uint released; /* threads done releasing in the free-all */
	/* results */
	char error[256];
	double fill_s, free_all_s, ns_per_tick, timer_ns;
	double ops_per_s;
	uint64_t timed_ops, mallocs, frees, sent, waits;
	uint64_t peak_live;     /* sum of each thread's peak of owned + in flight */
	uint64_t live_at_peak;  /* exact, at the snapshot */
	uint64_t live_after;    /* exact, after the free-all: 0 */
	uint64_t rss_before, rss_at_peak, peak_rss, rss_after; /* VmRSS / VmHWM, bytes */
	uint64_t bookkeeping_bytes; /* engine memory mapped at the snapshot */
	nh_lt_hist_t alloc_hist, free_hist; /* merged, in ticks */
};

/* ---- the loop ---- */

static inline void churn_touch(void *p, size_t size, unsigned char tag)
{
	volatile unsigned char *b = p;
	b[0] = tag;
	b[size - 1] = tag;
}

/* free(), every `every`-th one of the timed phase timed on its own. */
static inline void churn_free(churn_thread_t *t, void *p, bool timed)
{
	if (timed && --t->free_countdown == 0) {
		t->free_countdown = t->every;
		uint64_t t0 = nh_lt_tick_begin(t->tsc);
		free(p);
		uint64_t d = nh_lt_tick_end(t->tsc) - t0;
		nh_lt_hist_add(t->free_hist, d > t->timer_overhead ? d - t->timer_overhead : 0);
	} else {
		free(p);
	}
}

/* Free what the previous thread handed over, then say how far we got and how many bytes came
 * back (its share counts them until then). */
static inline void churn_drain(churn_thread_t *t, bool timed)
{
	churn_ring_t *in = t->inbox;
	size_t tail = atomic_load_explicit(&in->tail, memory_order_acquire);
	if (tail == t->in_head)
		return;
	uint64_t bytes = 0;
	for (size_t h = t->in_head; h != tail; h++) {
		churn_block_t b = in->slot[h & CHURN_RING_MASK];
		churn_free(t, b.p, timed);
		bytes += b.size;
	}
	t->frees_received += tail - t->in_head;
	t->freed_bytes += bytes;
	t->in_returned += bytes;
	t->in_head = tail;
	atomic_store_explicit(&in->head, tail, memory_order_release);
	atomic_store_explicit(&in->returned, t->in_returned, memory_order_release);
}

/* Push a block to the next thread, waiting (and freeing our own inbox meanwhile, so two
 * threads waiting on each other both get on) while its ring is full. false: the timed phase
 * ended while waiting (only when abortable), the block not pushed. */
static inline bool churn_handoff(churn_run_t *r, churn_thread_t *t, churn_block_t b, bool timed,
				 bool abortable)
{
	churn_ring_t *out = t->outbox;
	if (t->out_tail - t->out_head == CHURN_RING_CAP) {
		unsigned spins = 0;
		t->waits++;
		while ((t->out_head = atomic_load_explicit(&out->head, memory_order_acquire)) +
			       CHURN_RING_CAP ==
		       t->out_tail) {
			if (t->inbox)
				churn_drain(t, timed);
			if (abortable && atomic_load_explicit(&r->stop, memory_order_relaxed))
				return false;
			nh_lt_backoff(&spins);
		}
	}
	out->slot[t->out_tail & CHURN_RING_MASK] = b;
	atomic_store_explicit(&out->tail, ++t->out_tail, memory_order_release);
	t->sent_bytes += b.size;
	t->sent++;
	return true;
}

/* Before a malloc in the timed phase: wait until at most `slack` bytes we handed off are still
 * unfreed. false: the timed phase ended while waiting. */
static inline bool churn_wait_returns(churn_run_t *r, churn_thread_t *t, uint64_t slack)
{
	if (t->sent_bytes - t->returned_seen <= slack)
		return true;
	unsigned spins = 0;
	bool waited = false;
	while (t->sent_bytes -
		       (t->returned_seen = atomic_load_explicit(&t->outbox->returned,
								memory_order_acquire)) >
	       slack) {
		waited = true;
		churn_drain(t, true);
		if (atomic_load_explicit(&r->stop, memory_order_relaxed))
			return false;
		nh_lt_backoff(&spins);
	}
	t->waits += waited;
	return true;
}

/* Release the next block of the live set in the run's order: free it here, or hand it to the
 * next thread (cross percent). false: stopped while waiting to hand it off; it stays live. */
static inline bool churn_release(churn_run_t *r, churn_thread_t *t, bool timed, bool abortable)
{
	const unsigned cross = t->outbox ? r->cfg.cross : 0;
	churn_block_t b = churn_set_take(&t->own, r->cfg.order, &t->rng);
	bool hand = cross >= 100 || (cross && nh_lt_below(nh_lt_rand(&t->rng), 100) < cross);
	if (hand) {
		if (!churn_handoff(r, t, b, timed, abortable)) {
			churn_set_push(&t->own, b.p, b.size); /* room: it was just taken out */
			return false;
		}
	} else {
		churn_free(t, b.p, timed);
		t->frees_own++;
		t->freed_bytes += b.size;
	}
	t->owned_bytes -= b.size;
	return true;
}

/* malloc a block of `size` into the live set. false when malloc (or the set's growth) failed:
 * the run fails with the size. */
static inline bool churn_alloc(churn_thread_t *t, size_t size, bool timed, bool touch)
{
	void *p;
	if (timed) {
		uint64_t t0 = nh_lt_tick_begin(t->tsc);
		p = malloc(size);
		uint64_t d = nh_lt_tick_end(t->tsc) - t0;
		nh_lt_hist_add(t->alloc_hist, d > t->timer_overhead ? d - t->timer_overhead : 0);
	} else {
		p = malloc(size);
	}
	if (!p || !churn_set_push(&t->own, p, size)) {
		free(p);
		t->failed_size = size;
		t->failed_live = t->alloc_bytes - t->freed_bytes;
		return false;
	}
	if (touch)
		churn_touch(p, size, (unsigned char)t->index);
	t->mallocs++;
	t->alloc_bytes += size;
	t->owned_bytes += size;
	uint64_t usage = t->owned_bytes + (t->sent_bytes - t->returned_seen);
	if (usage > t->peak_usage)
		t->peak_usage = usage;
	return true;
}

/* Untimed: malloc until the live set holds its budget. */
static inline bool churn_fill(churn_run_t *r, churn_thread_t *t)
{
	const uint64_t budget = r->budget;
	const bool touch = r->cfg.touch;
	for (;;) {
		size_t s = churn_size_draw(&r->cfg.sizer, &t->rng);
		if (t->owned_bytes + s > budget)
			return true;
		if (!churn_alloc(t, s, false, touch))
			return false;
	}
}

/* The timed phase: batches of `every` mallocs, the last of each timed on its own (as every
 * `every`-th free is), until the main thread says stop. Each malloc first drains the inbox,
 * releases blocks until the new one fits the budget and, with handoffs, waits while too many
 * bytes are in flight. */
static inline bool churn_timed(churn_run_t *r, churn_thread_t *t)
{
	const churn_sizer_t sizer = r->cfg.sizer;
	const uint64_t budget = r->budget, slack = r->slack;
	const unsigned every = r->cfg.sample_every;
	const bool touch = r->cfg.touch, inbox = t->inbox != NULL, outbox = t->outbox != NULL;
	uint64_t ops0 = t->mallocs + t->frees_own + t->frees_received;
	bool ok = true;
	double start = churn_now();

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		for (unsigned k = 1; k <= every; k++) {
			if (inbox)
				churn_drain(t, true);
			size_t s = churn_size_draw(&sizer, &t->rng);
			while (t->owned_bytes + s > budget && t->own.count)
				if (!churn_release(r, t, true, true))
					goto out;
			if (outbox && !churn_wait_returns(r, t, slack))
				goto out;
			if (!churn_alloc(t, s, k == every, touch)) {
				ok = false;
				goto out;
			}
		}
	}
out:
	t->seconds = churn_now() - start;
	t->timed_ops = t->mallocs + t->frees_own + t->frees_received - ops0;
	return ok;
}

/* Release every block (handing off cross percent as before), then keep freeing the inbox until
 * every thread is done releasing, so no block is left in a ring. */
static inline void churn_free_all(churn_run_t *r, churn_thread_t *t)
{
	while (t->own.count) {
		if (t->inbox)
			churn_drain(t, false);
		churn_release(r, t, false, false);
	}
	atomic_fetch_add(&r->released, 1);
	unsigned spins = 0;
	while (atomic_load(&r->released) < r->n) {
		if (t->inbox)
			churn_drain(t, false);
		nh_lt_backoff(&spins);
	}
	if (t->inbox)
		churn_drain(t, false);
}

static inline void churn_wait_gate(churn_run_t *r)
{
	for (unsigned i = 0;
	     atomic_load_explicit(&r->gate, memory_order_acquire) == CHURN_GATE_WAIT; i++) {
		if (i < 1000)
			nh_lt_relax();
		else
			sched_yield();
	}
}

/* A thread's engine memory, mapped after pinning so it is local to the thread: its live set,
 * its inbox (read and written by both neighbours, but more by the consumer) and histograms. */
static inline bool churn_thread_map(churn_run_t *r, churn_thread_t *t)
{
	double mean = churn_sizer_mean(&r->cfg.sizer);
	size_t want = (size_t)(2.0 * (double)r->budget / (mean > 1 ? mean : 1)) + 64;
	if (!churn_set_init(&t->own, want))
		return false;
	t->alloc_hist = churn_map(sizeof(nh_lt_hist_t));
	t->free_hist = churn_map(sizeof(nh_lt_hist_t));
	if (!t->alloc_hist || !t->free_hist)
		return false;
	if (r->slack && !(t->inbox = churn_map(sizeof(churn_ring_t))))
		return false;
	return true;
}

static inline void churn_thread_unmap(churn_thread_t *t)
{
	churn_set_destroy(&t->own);
	churn_unmap(t->alloc_hist, sizeof(nh_lt_hist_t));
	churn_unmap(t->free_hist, sizeof(nh_lt_hist_t));
	churn_unmap(t->inbox, sizeof(churn_ring_t));
	t->alloc_hist = t->free_hist = NULL;
	t->inbox = NULL;
}

static inline void *churn_thread_main(void *arg)
{
	churn_thread_t *t = arg;
	churn_run_t *r = t->run;

	churn_wait_gate(r);
	if (atomic_load(&r->gate) == CHURN_GATE_ABORT)
		return NULL;
	/* Pin before touching anything: first touch places this thread's blocks and bookkeeping
	 * on its CPU's node. */
	if (t->cpu >= 0 && r->cfg.pin && r->cfg.pin(t->cpu) < 0) {
		t->pin_errno = errno;
		atomic_store(&r->failed[CHURN_SETUP], true);
	} else if (!churn_thread_map(r, t)) {
		t->no_memory = true;
		atomic_store(&r->failed[CHURN_SETUP], true);
	}
	pthread_barrier_wait(&r->bar); /* 1: pinned and mapped, or failed */
	if (atomic_load(&r->failed[CHURN_SETUP]))
		return NULL;
	if (r->slack)
		t->outbox = r->t[(t->index + 1) % r->n].inbox;
	t->timer_overhead = nh_lt_timer_overhead(t->tsc);

	if (!churn_fill(r, t))
		atomic_store(&r->failed[CHURN_FILL], true);
	pthread_barrier_wait(&r->bar); /* 2: filled */
	if (!atomic_load(&r->failed[CHURN_FILL])) {
		if (!churn_timed(r, t)) {
			atomic_store(&r->failed[CHURN_TIMED], true);
			atomic_store(&r->stop, true);
		}
		if (r->cfg.ran_on)
			r->cfg.ran_on(r->cfg.arg);
		pthread_barrier_wait(&r->bar); /* 3: stopped, every block still live */
		pthread_barrier_wait(&r->bar); /* 4: the snapshot is taken */
	}
	churn_free_all(r, t);
	return NULL;
}

static inline void churn_sleep(double seconds)
{
	struct timespec ts = {.tv_sec = (time_t)seconds,
			      .tv_nsec = (long)((seconds - floor(seconds)) * 1e9)};
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* The reason the run failed, from the first thread that knows one. */
static inline void churn_explain(churn_run_t *r)
{
	for (unsigned i = 0; i < r->n; i++) {
		const churn_thread_t *t = &r->t[i];
		if (t->pin_errno) {
			snprintf(r->error, sizeof r->error, "cannot pin thread %u to CPU %d: %s", i,
				 t->cpu, strerror(t->pin_errno));
			return;
		}
		if (t->no_memory) {
			snprintf(r->error, sizeof r->error,
				 "cannot map thread %u's bookkeeping: %s", i, strerror(ENOMEM));
			return;
		}
		if (t->failed_size) {
			snprintf(r->error, sizeof r->error,
				 "thread %u: malloc(%zu) failed with %llu bytes of its blocks live",
				 i, t->failed_size, (unsigned long long)t->failed_live);
			return;
		}
	}
	snprintf(r->error, sizeof r->error, "failed");
}

/* Sum the threads up once they are all parked at the snapshot or gone. */
static inline void churn_collect(churn_run_t *r, bool at_peak)
{
	uint64_t live = 0, book = 0;
	for (unsigned i = 0; i < r->n; i++) {
		const churn_thread_t *t = &r->t[i];
		live += t->alloc_bytes - t->freed_bytes;
		if (!at_peak)
			continue;
		book += t->own.cap * sizeof(churn_block_t) + 2 * sizeof(nh_lt_hist_t) +
			(t->inbox ? sizeof(churn_ring_t) : 0);
		r->peak_live += t->peak_usage;
		r->ops_per_s += (double)t->timed_ops / (t->seconds > 1e-9 ? t->seconds : 1e-9);
		r->timed_ops += t->timed_ops;
		r->timer_ns += (double)t->timer_overhead / r->n;
		nh_lt_hist_merge(&r->alloc_hist, t->alloc_hist);
		nh_lt_hist_merge(&r->free_hist, t->free_hist);
	}
	if (at_peak) {
		r->live_at_peak = live;
		r->bookkeeping_bytes = book + r->t_bytes;
	} else {
		r->live_after = live;
	}
}

/* Free the run's engine memory (after churn_execute, whatever it returned). */
static inline void churn_destroy(churn_run_t *r)
{
	for (unsigned i = 0; r->t && i < r->n; i++)
		churn_thread_unmap(&r->t[i]);
	churn_unmap(r->t, r->t_bytes);
	r->t = NULL;
}

/* Run the whole workload: threads, fill, timed phase, snapshot hook, free-all, RSS after it.
 * 0, or -1 with r->error saying why; either way the counts stay readable until churn_destroy. */
static inline int churn_execute(churn_run_t *r, const churn_config_t *cfg)
{
	memset(r, 0, sizeof *r);
	r->cfg = *cfg;
	r->n = cfg->threads ? cfg->threads : 1;
	r->share = cfg->live / r->n;
	r->slack = 0;
	if (r->n > 1 && cfg->cross > 0) {
		r->slack = r->share / 4 < CHURN_SLACK_MAX ? r->share / 4 : CHURN_SLACK_MAX;
		r->slack = r->slack ? r->slack : 1;
	}
	r->budget = r->share - r->slack;
	if (churn_sizer_max(&cfg->sizer) * CHURN_SHARE_BLOCKS > r->share) {
		snprintf(r->error, sizeof r->error,
			 "each thread's share of live (%llu B) holds fewer than %d of the largest "
			 "blocks (%zu B)",
			 (unsigned long long)r->share, CHURN_SHARE_BLOCKS,
			 churn_sizer_max(&cfg->sizer));
		return -1;
	}
	r->tsc = nh_lt_tsc_usable();
	atomic_init(&r->gate, CHURN_GATE_WAIT);
	for (int i = 0; i < 3; i++)
		atomic_init(&r->failed[i], false);
	atomic_init(&r->stop, false);
	atomic_init(&r->released, 0);

	r->t_bytes = r->n * sizeof(churn_thread_t);
	r->t = churn_map(r->t_bytes);
	if (!r->t) {
		snprintf(r->error, sizeof r->error, "cannot map %u thread records: %s", r->n,
			 strerror(errno));
		return -1;
	}
	if (pthread_barrier_init(&r->bar, NULL, r->n + 1) != 0) {
		snprintf(r->error, sizeof r->error, "cannot set up a barrier for %u threads", r->n);
		return -1;
	}
	for (unsigned i = 0; i < r->n; i++) {
		churn_thread_t *t = &r->t[i];
		*t = (churn_thread_t){.run = r, .index = i, .tsc = r->tsc};
		t->cpu = cfg->ncpus ? cfg->cpus[i % cfg->ncpus] : -1;
		t->rng = nh_lt_mix64(cfg->seed ^ NH_LT_GOLDEN * (i + 1));
		t->every = cfg->sample_every ? cfg->sample_every : 1;
		t->free_countdown = t->every;
	}
	r->rss_before = churn_status_bytes("VmRSS");

	unsigned started = 0;
	int rc = 0;
	for (; started < r->n; started++)
		if ((rc = pthread_create(&r->t[started].tid, NULL, churn_thread_main,
					 &r->t[started])) != 0)
			break;
	atomic_store_explicit(&r->gate, rc ? CHURN_GATE_ABORT : CHURN_GATE_GO,
			      memory_order_release);
	bool failed = rc != 0;
	if (!failed) {
		pthread_barrier_wait(&r->bar); /* 1 */
		failed = atomic_load(&r->failed[CHURN_SETUP]);
	}
	if (!failed) {
		double t0 = churn_now();
		pthread_barrier_wait(&r->bar); /* 2 */
		r->fill_s = churn_now() - t0;
		failed = atomic_load(&r->failed[CHURN_FILL]);
		if (!failed) {
			/* The timed phase is also the TSC's calibration interval. */
			double now0 = churn_now();
			uint64_t tick0 = nh_lt_tick_end(r->tsc);
			churn_sleep(cfg->duration);
			atomic_store_explicit(&r->stop, true, memory_order_relaxed);
			pthread_barrier_wait(&r->bar); /* 3 */
			uint64_t tick1 = nh_lt_tick_end(r->tsc);
			double now1 = churn_now();
			r->ns_per_tick = r->tsc && tick1 > tick0
						 ? (now1 - now0) * 1e9 / (double)(tick1 - tick0)
						 : 1.0;
			failed = atomic_load(&r->failed[CHURN_TIMED]);
			if (!failed) {
				churn_collect(r, true);
				if (cfg->at_peak)
					cfg->at_peak(r, cfg->arg);
				r->peak_rss = churn_status_bytes("VmHWM");
				r->rss_at_peak = churn_status_bytes("VmRSS");
			}
			pthread_barrier_wait(&r->bar); /* 4 */
		}
	}
	double f0 = churn_now();
	for (unsigned i = 0; i < started; i++)
		pthread_join(r->t[i].tid, NULL);
	r->free_all_s = churn_now() - f0;
	pthread_barrier_destroy(&r->bar);
	for (unsigned i = 0; i < r->n; i++) {
		const churn_thread_t *t = &r->t[i];
		r->mallocs += t->mallocs;
		r->frees += t->frees_own + t->frees_received;
		r->sent += t->sent;
		r->waits += t->waits;
	}
	churn_collect(r, false);
	/* The engine's own maps go first, so what stays resident is the allocator's. */
	for (unsigned i = 0; i < r->n; i++)
		churn_thread_unmap(&r->t[i]);
	r->rss_after = churn_status_bytes("VmRSS");
	if (rc) {
		snprintf(r->error, sizeof r->error, "cannot start thread %u of %u: %s", started + 1,
			 r->n, strerror(rc));
		return -1;
	}
	if (failed) {
		churn_explain(r);
		return -1;
	}
	return 0;
}

#endif
