/* SPDX-License-Identifier: MIT */
/* filexfer: large file transfers by pinned streams — write files, read them back (read/write,
 * sendfile, splice, mmap or O_DIRECT) — measuring MB/s, the page cache the run grew (global,
 * per node, the cgroup's file) and on which node each file's own cached pages sit. */
#include "workload.h"
#include "filexfer_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CACHE_LINE 64
#define DIRECT_ALIGN 4096      /* O_DIRECT offsets, lengths and buffers: safe for every device */
#define MAX_NODES 1024	       /* node numbers counted in the per-node tallies */
#define RES_WINDOW 16384       /* pages per mincore/move_pages batch (64 MiB of 4 KiB pages) */
#define NAME_PREFIX "filexfer" /* files are NAME_PREFIX.<pid>.<index>[.copy] */
/* resolve_dir leaves this much of PATH_MAX after the directory for "/" and a file's name, and
 * a file's path has room for the longest directory and name, so none is cut. */
#define NAME_ROOM 64
#define FILE_PATH_LEN (PATH_MAX + NAME_ROOM)
_Static_assert(sizeof("/" NAME_PREFIX ".-9223372036854775808.4294967295.copy") <= NAME_ROOM,
	       "the longest file name fits NAME_ROOM");
#define STAMP_MAGIC UINT64_C(0xf11e5eed00000000)

enum mode { MODE_READWRITE, MODE_SENDFILE, MODE_SPLICE, MODE_MMAP, MODE_DIRECT };
static const char *const mode_names[] = {"readwrite", "sendfile", "splice", "mmap", "direct"};

/* ---- test hooks ---- */

static nh_filexfer_hooks_t hooks;
static bool hooks_on;

void nh_filexfer_set_hooks(const nh_filexfer_hooks_t *h)
{
	hooks_on = h != NULL;
	hooks = h ? *h : (nh_filexfer_hooks_t){0};
}

/* Should this call on this file fail? Then errno says how, as the real call would. */
static bool injected(const char *call, unsigned file)
{
	if (!hooks_on || !hooks.fail_call || file != hooks.fail_file ||
	    strcmp(call, hooks.fail_call) != 0)
		return false;
	errno = hooks.fail_errno ? hooks.fail_errno : EIO;
	return true;
}

/* ---- parsers ---- */

uint64_t nh_filexfer_space_needed(uint64_t files, uint64_t size, bool copies)
{
	uint64_t bytes = files * size * (copies ? 2 : 1);
	return bytes + (bytes + 19) / 20;
}

/* ---- page-cache state ---- */

struct cache_state {
	bool cached_ok, cgroup_ok;
	uint64_t cached, cgroup_file;
	char cgroup_why[160]; /* why cgroup_ok is false */
	bool node_ok[MAX_NODES];
	uint64_t file_pages[MAX_NODES];
};

/* ---- the run ---- */

struct file_state {
	bool made, copy_made; /* set by the stream that owns the file, read after the join */
};

struct xfer {
	nh_wctx_t *ctx;
	enum mode mode;
	uint64_t size, block;
	unsigned files, streams;
	bool fresh, dontneed, do_fsync, cold;
	char dir[PATH_MAX];
	long pid;
	size_t page;
	struct file_state *fs;
	nh_set_t nodes; /* online nodes */

	pthread_mutex_t lock;
	pthread_cond_t cond;
	int gate; /* 0 wait, 1 go, -1 abort */
	unsigned arrived, generation;
	atomic_int failed;
	enum nh_wl_status fail_status;
	char reason[512];
	double t_start, t_written, t_dropped, t_read;
};

struct stream {
	alignas(CACHE_LINE) struct xfer *x;
	pthread_t tid;
	unsigned index;
	int cpu;     /* -1: not pinned */
	char *buf;   /* reuse: this stream's slice; NULL when buffers are fresh */
	int devnull; /* splice's sink */
	int pipe[2];
	size_t pipe_bytes;
	uint64_t sink; /* mmap's byte sums, kept so the reads are not optimised away */
	nh_set_t io_nodes;
};

static bool failed(const struct xfer *x)
{
	return atomic_load_explicit(&x->failed, memory_order_relaxed) != 0;
}

/* The first failure wins; the others stop at their next chunk. */
__attribute__((format(printf, 3, 4))) static int fail(struct xfer *x, enum nh_wl_status st,
						      const char *fmt, ...)
{
	pthread_mutex_lock(&x->lock);
	if (!failed(x)) {
		va_list ap;
		va_start(ap, fmt);
		nh_vformat_cut(x->reason, sizeof x->reason, fmt, ap); /* paths make long ones: cut visibly */
		va_end(ap);
		x->fail_status = st;
		atomic_store(&x->failed, 1);
	}
	pthread_mutex_unlock(&x->lock);
	return -1;
}

static void file_path(const struct xfer *x, unsigned f, bool copy, char buf[static FILE_PATH_LEN])
{
	snprintf(buf, FILE_PATH_LEN, "%s/" NAME_PREFIX ".%ld.%u%s", x->dir, x->pid, f,
		 copy ? ".copy" : "");
}

/* "write(2) /dir/filexfer.12.0 at byte 1048576: Input/output error"; errno is the cause. */
static int fail_sys(struct xfer *x, const char *call, unsigned f, bool copy, int64_t at)
{
	int e = errno;
	char path[FILE_PATH_LEN], where[48] = "";
	file_path(x, f, copy, path);
	if (at >= 0)
		snprintf(where, sizeof where, " at byte %" PRId64, at);
	return fail(x, NH_WL_FAIL, "%s(2) %s%s: %s", call, path, where, strerror(e));
}

static bool wait_gate(struct xfer *x)
{
	pthread_mutex_lock(&x->lock);
	while (x->gate == 0)
		pthread_cond_wait(&x->cond, &x->lock);
	bool go = x->gate > 0;
	pthread_mutex_unlock(&x->lock);
	return go;
}

static void open_gate(struct xfer *x, int gate)
{
	pthread_mutex_lock(&x->lock);
	x->gate = gate;
	pthread_cond_broadcast(&x->cond);
	pthread_mutex_unlock(&x->lock);
}

/* Wait for every stream; the last to arrive stamps the time, which ends one phase and starts
 * the next. Phases last long enough that a futex round trip is noise. */
static void phase_wait(struct xfer *x, double *stamp)
{
	pthread_mutex_lock(&x->lock);
	unsigned gen = x->generation;
	if (++x->arrived == x->streams) {
		*stamp = nh_now();
		x->arrived = 0;
		x->generation++;
		pthread_cond_broadcast(&x->cond);
	} else {
		while (gen == x->generation)
			pthread_cond_wait(&x->cond, &x->lock);
	}
	pthread_mutex_unlock(&x->lock);
}

/* The node the stream runs on now, for "local" in the residency share. */
static void note_node(struct stream *s)
{
	unsigned cpu, node;
	if (getcpu(&cpu, &node) == 0 && node < NH_SET_BITS)
		nh_set_add(&s->io_nodes, node);
}

/* Each chunk begins with a word naming its file and offset, so a read that returns data from the
 * wrong place (a short read mishandled, a stale page) is caught. */
static inline uint64_t stamp_of(unsigned f, uint64_t off)
{
	return STAMP_MAGIC ^ ((uint64_t)f << 44) ^ off;
}

static void put_stamp(char *buf, size_t n, unsigned f, uint64_t off)
{
	uint64_t v = stamp_of(f, off);
	if (n >= sizeof v)
		memcpy(buf, &v, sizeof v);
}

static int check_stamp(struct xfer *x, const char *call, const char *buf, size_t n, unsigned f,
		       uint64_t off)
{
	uint64_t v;
	if (n < sizeof v)
		return 0;
	memcpy(&v, buf, sizeof v);
	if (v == stamp_of(f, off))
		return 0;
	char path[FILE_PATH_LEN];
	file_path(x, f, false, path);
	return fail(x, NH_WL_FAIL,
		    "%s(2) %s at byte %" PRIu64 ": data differs from what was written", call, path,
		    off);
}

/* A buffer for one chunk: the stream's own slice, or (buffer=fresh) a new allocation every
 * time — the allocator and page-fault churn of code that mallocs per transfer. */
static char *chunk_get(struct stream *s, size_t n)
{
	if (!s->x->fresh)
		return s->buf;
	void *p = NULL;
	if (s->x->mode == MODE_DIRECT) {
		if (posix_memalign(&p, DIRECT_ALIGN, n) != 0)
			p = NULL;
	} else {
		p = malloc(n);
	}
	if (!p)
		fail(s->x, NH_WL_FAIL, "out of memory for a %zu-byte buffer", n);
	return p;
}

static void chunk_put(struct stream *s, char *p)
{
	if (s->x->fresh)
		free(p);
}

static int write_all(struct xfer *x, int fd, const char *p, size_t n, unsigned f, uint64_t off)
{
	for (size_t done = 0; done < n;) {
		ssize_t w = injected("write", f) ? -1 : write(fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = EIO;
			return fail_sys(x, "write", f, false, (int64_t)(off + done));
		}
		done += (size_t)w;
	}
	return 0;
}

/* Read until \p n bytes or end of file: the byte count, or -1 (failed). */
static ssize_t read_full(struct xfer *x, int fd, char *p, size_t n, unsigned f, uint64_t off)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = injected("read", f) ? -1 : read(fd, p + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail_sys(x, "read", f, false, (int64_t)(off + done));
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

static int open_file(struct xfer *x, unsigned f, bool copy, int flags)
{
	char path[FILE_PATH_LEN];
	file_path(x, f, copy, path);
	int fd = injected("open", f) ? -1 : open(path, flags | O_CLOEXEC, 0600);
	int e = errno;
	/* With O_EXCL the name was free, so unless that is the error the file may be ours now: an
	 * open can fail after creating it (ramfs refuses O_DIRECT only then). Removal is told to
	 * try; it ignores a file that is not there. */
	if ((flags & O_CREAT) && (fd >= 0 || e != EEXIST)) {
		if (copy)
			x->fs[f].copy_made = true;
		else
			x->fs[f].made = true;
	}
	errno = e;
	if (fd >= 0 || failed(x))
		return fd;
	/* Filesystems without O_DIRECT (some FUSE and network ones) refuse it at open. */
	if ((flags & O_DIRECT) && errno == EINVAL)
		fail(x, NH_WL_SKIP,
		     "O_DIRECT is not supported by the filesystem of %s (open(2) %s: %s)", x->dir,
		     path, strerror(EINVAL));
	else
		fail_sys(x, "open", f, copy, -1);
	return -1;
}

static int close_file(struct xfer *x, int fd, unsigned f, bool copy)
{
	/* close reports delayed write errors on some filesystems (NFS): a transfer that lost data
	 * must not count as done. EINTR still closes the descriptor on Linux. */
	bool inject = injected("close", f);
	int e = errno;
	if ((close(fd) == 0 || errno == EINTR) && !inject)
		return 0;
	if (inject)
		errno = e;
	return fail_sys(x, "close", f, copy, -1);
}

/* Write phase: every mode writes with write(2) from the stream's buffer, O_DIRECT for direct. */
static void write_file(struct stream *s, unsigned f)
{
	struct xfer *x = s->x;
	bool direct = x->mode == MODE_DIRECT;
	int fd = open_file(x, f, false, O_WRONLY | O_CREAT | O_EXCL | (direct ? O_DIRECT : 0));
	if (fd < 0)
		return;
	note_node(s);
	for (uint64_t off = 0; off < x->size && !failed(x);) {
		size_t n = (size_t)(x->size - off < x->block ? x->size - off : x->block);
		/* O_DIRECT takes whole blocks only: the file's unaligned tail goes buffered. */
		if (direct && n % DIRECT_ALIGN) {
			int fl = fcntl(fd, F_GETFL);
			if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_DIRECT) < 0) {
				fail_sys(x, "fcntl", f, false, -1);
				break;
			}
			direct = false;
		}
		char *buf = chunk_get(s, n);
		if (!buf)
			break;
		if (x->fresh)
			memset(buf, 0x5a ^ (int)(off >> 20), n);
		put_stamp(buf, n, f, off);
		int rc = write_all(x, fd, buf, n, f, off);
		chunk_put(s, buf);
		if (rc < 0)
			break;
		off += n;
	}
	if (!failed(x) && x->do_fsync && (injected("fsync", f) || fsync(fd) < 0))
		fail_sys(x, "fsync", f, false, -1);
	close_file(x, fd, f, false);
}

static void drop_cached(struct xfer *x, int fd, unsigned f, bool copy)
{
	if (!x->dontneed || failed(x))
		return;
	int rc =
		injected("posix_fadvise", f) ? errno : posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	if (rc) {
		errno = rc;
		fail_sys(x, "posix_fadvise", f, copy, -1);
	}
}

static void short_file(struct xfer *x, const char *call, unsigned f, uint64_t got)
{
	char path[FILE_PATH_LEN];
	file_path(x, f, false, path);
	fail(x, NH_WL_FAIL, "%s(2) %s: %" PRIu64 " bytes, but %" PRIu64 " were written", call, path,
	     got, x->size);
}

/* readwrite and direct: read(2) block by block into the stream's buffer. */
static void read_rw(struct stream *s, unsigned f, int fd)
{
	struct xfer *x = s->x;
	uint64_t off = 0;
	/* Direct reads ask for whole aligned blocks; the last comes back short at end of file. */
	size_t want = (size_t)x->block;
	while (!failed(x)) {
		char *buf = chunk_get(s, want);
		if (!buf)
			return;
		ssize_t got = read_full(x, fd, buf, want, f, off);
		if (got > 0 && off + (uint64_t)got <= x->size)
			check_stamp(x, "read", buf, (size_t)got, f, off);
		chunk_put(s, buf);
		if (got < 0)
			return;
		off += (uint64_t)got;
		if ((size_t)got < want)
			break;
	}
	if (!failed(x) && off != x->size)
		short_file(x, "read", f, off);
}

static void read_sendfile(struct stream *s, unsigned f, int fd)
{
	struct xfer *x = s->x;
	int out = open_file(x, f, true, O_WRONLY | O_CREAT | O_EXCL);
	if (out < 0)
		return;
	uint64_t done = 0;
	while (done < x->size && !failed(x)) {
		uint64_t left = x->size - done;
		size_t n = (size_t)(left < x->block ? left : x->block);
		ssize_t r = injected("sendfile", f) ? -1 : sendfile(out, fd, NULL, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fail_sys(x, "sendfile", f, false, (int64_t)done);
			break;
		}
		if (r == 0) {
			short_file(x, "sendfile", f, done);
			break;
		}
		done += (uint64_t)r;
	}
	drop_cached(x, out, f, true);
	close_file(x, out, f, true);
}

/* splice: file -> pipe -> /dev/null; the data never enters user space. */
static void read_splice(struct stream *s, unsigned f, int fd)
{
	struct xfer *x = s->x;
	uint64_t done = 0;
	while (done < x->size && !failed(x)) {
		uint64_t left = x->size - done;
		size_t n = left < s->pipe_bytes ? (size_t)left : s->pipe_bytes;
		ssize_t r = injected("splice", f)
				    ? -1
				    : splice(fd, NULL, s->pipe[1], NULL, n, SPLICE_F_MOVE);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fail_sys(x, "splice", f, false, (int64_t)done);
			return;
		}
		if (r == 0) {
			short_file(x, "splice", f, done);
			return;
		}
		for (ssize_t out = 0; out < r;) {
			ssize_t w = splice(s->pipe[0], NULL, s->devnull, NULL, (size_t)(r - out),
					   SPLICE_F_MOVE);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				fail(x, NH_WL_FAIL, "splice(2) pipe -> /dev/null: %s",
				     w ? strerror(errno) : "no progress");
				return;
			}
			out += w;
		}
		done += (uint64_t)r;
	}
}

/* Four independent sums: the loop runs at memory speed without -O3. */
static uint64_t sum_words(const unsigned char *p, size_t n)
{
	uint64_t a = 0, b = 0, c = 0, d = 0, w[4];
	size_t i = 0;
	for (; i + sizeof w <= n; i += sizeof w) {
		memcpy(w, p + i, sizeof w);
		a += w[0];
		b += w[1];
		c += w[2];
		d += w[3];
	}
	for (; i < n; i++)
		a += p[i];
	return a + b + c + d;
}

/* mmap: map the file and read every byte through the mapping. */
static void read_mmap(struct stream *s, unsigned f, int fd)
{
	struct xfer *x = s->x;
	struct stat st;
	/* Touching a mapping beyond the end of the file is SIGBUS: make sure it is all there. */
	if (fstat(fd, &st) < 0) {
		fail_sys(x, "fstat", f, false, -1);
		return;
	}
	if ((uint64_t)st.st_size != x->size) {
		short_file(x, "fstat", f, (uint64_t)st.st_size);
		return;
	}
	const unsigned char *m = injected("mmap", f)
					 ? MAP_FAILED
					 : mmap(NULL, x->size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		fail_sys(x, "mmap", f, false, -1);
		return;
	}
	(void)madvise((void *)m, x->size, MADV_SEQUENTIAL);
	for (uint64_t off = 0; off < x->size && !failed(x); off += x->block) {
		size_t n = (size_t)(x->size - off < x->block ? x->size - off : x->block);
		check_stamp(x, "mmap", (const char *)m + off, n, f, off);
		s->sink += sum_words(m + off, n);
	}
	munmap((void *)m, x->size);
}

static void read_file(struct stream *s, unsigned f)
{
	struct xfer *x = s->x;
	int fd = open_file(x, f, false, O_RDONLY | (x->mode == MODE_DIRECT ? O_DIRECT : 0));
	if (fd < 0)
		return;
	note_node(s);
	switch (x->mode) {
	case MODE_READWRITE:
	case MODE_DIRECT: read_rw(s, f, fd); break;
	case MODE_SENDFILE: read_sendfile(s, f, fd); break;
	case MODE_SPLICE: read_splice(s, f, fd); break;
	case MODE_MMAP: read_mmap(s, f, fd); break;
	}
	drop_cached(x, fd, f, false);
	close_file(x, fd, f, false);
}

/* Per-stream setup after pinning: first-touch and fill the buffer slice (so its pages sit on
 * the stream's node), and for splice a pipe as large as a block and a /dev/null to drain into. */
static int stream_setup(struct stream *s)
{
	struct xfer *x = s->x;
	if (s->buf) {
		uint64_t state = 0x9e3779b97f4a7c15u * (s->index + 1);
		for (size_t i = 0; i + 8 <= x->block; i += 8) {
			state = state * 6364136223846793005u + 1442695040888963407u;
			memcpy(s->buf + i, &state, 8);
		}
		nh_wctx_add_region(x->ctx, s->buf, (size_t)x->block, s->cpu);
	}
	if (x->mode != MODE_SPLICE)
		return 0;
	s->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (s->devnull < 0)
		return fail(x, NH_WL_FAIL, "open(2) /dev/null: %s", strerror(errno));
	if (pipe2(s->pipe, O_CLOEXEC) < 0)
		return fail(x, NH_WL_FAIL, "pipe2(2): %s", strerror(errno));
	/* A pipe above /proc/sys/fs/pipe-max-size needs CAP_SYS_RESOURCE: keep what we get. */
	(void)fcntl(s->pipe[1], F_SETPIPE_SZ, (int)(x->block < INT_MAX ? x->block : INT_MAX));
	int sz = fcntl(s->pipe[1], F_GETPIPE_SZ);
	s->pipe_bytes = sz > 0 ? (size_t)sz : 65536;
	return 0;
}

/* cold=1, between the phases (untimed): write the file back and drop its pages, so the read
 * phase reads from the device and allocates the page cache itself — where a buffered read's
 * pages land is then the reader's policy at work, not the writer's. Pages of tmpfs are the
 * file itself: they stay. */
static void evict_file(struct xfer *x, unsigned f)
{
	int fd = open_file(x, f, false, O_RDONLY);
	if (fd < 0)
		return;
	if (injected("fdatasync", f) || fdatasync(fd) < 0) {
		fail_sys(x, "fdatasync", f, false, -1);
	} else {
		int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		if (rc) {
			errno = rc;
			fail_sys(x, "posix_fadvise", f, false, -1);
		}
	}
	close_file(x, fd, f, false);
}

static void *stream_main(void *arg)
{
	struct stream *s = arg;
	struct xfer *x = s->x;
	if (!wait_gate(x))
		return NULL;
	/* Pin before touching anything, so the buffer and the page cache the stream allocates
	 * follow its CPU's node under the default policy. */
	if (s->cpu >= 0 && nh_wctx_pin_thread(s->cpu) < 0)
		fail(x, NH_WL_FAIL, "cannot pin stream %u to CPU %d: %s", s->index, s->cpu,
		     strerror(errno));
	else
		stream_setup(s);
	phase_wait(x, &x->t_start);
	for (unsigned f = s->index; f < x->files && !failed(x); f += x->streams)
		write_file(s, f);
	phase_wait(x, &x->t_written);
	if (x->cold) {
		for (unsigned f = s->index; f < x->files && !failed(x); f += x->streams)
			evict_file(x, f);
		phase_wait(x, &x->t_dropped);
	}
	for (unsigned f = s->index; f < x->files && !failed(x); f += x->streams)
		read_file(s, f);
	phase_wait(x, &x->t_read);
	nh_wctx_ran_on(x->ctx);
	if (s->devnull >= 0)
		close(s->devnull);
	if (s->pipe[0] >= 0) {
		close(s->pipe[0]);
		close(s->pipe[1]);
	}
	return NULL;
}

/* ---- page-cache accounting ---- */

static void read_cache_state(const struct xfer *x, struct cache_state *st)
{
	memset(st, 0, sizeof *st);
	st->cached_ok = nh_wctx_cached_bytes(&st->cached) == 0;
	for (int n = nh_set_next(&x->nodes, 0); n >= 0 && n < MAX_NODES;
	     n = nh_set_next(&x->nodes, n + 1))
		st->node_ok[n] = nh_wctx_node_file_bytes(n, &st->file_pages[n]) == 0;
	st->cgroup_ok = nh_wctx_cgroup_file_bytes(&st->cgroup_file, st->cgroup_why,
						  sizeof st->cgroup_why) == 0;
}

/* "0:123,1:-4096" from per-node values; \p signed_growth: after - before. */
static void node_list(const struct xfer *x, const int64_t *v, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int n = nh_set_next(&x->nodes, 0); n >= 0 && n < MAX_NODES && used < len;
	     n = nh_set_next(&x->nodes, n + 1))
		used += (size_t)snprintf(buf + used, len - used, "%s%d:%" PRId64, used ? "," : "",
					 n, v[n]);
}

/* ---- residency: the run's files, page by page ---- */

struct residency {
	uint64_t resident, unknown; /* pages */
	uint64_t by_node[MAX_NODES];
	unsigned char vec[RES_WINDOW];
	void *addr[RES_WINDOW];
	int status[RES_WINDOW];
};

/* mincore says which pages of the file are cached; move_pages reports a node only for pages
 * mapped in this process, so each cached page is read once through a MAP_SHARED mapping first.
 * That is a minor fault mapping the cached page as it is: nothing is read from the disk,
 * allocated or moved (MADV_RANDOM stops the fault from starting readahead of pages that are
 * not cached). -1 with \p why on error. */
static int file_residency(const char *path, size_t page, struct residency *r, char *why,
			  size_t wlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(why, wlen, "%s %s: %s", fd < 0 ? "open(2)" : "fstat(2)", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t bytes = (size_t)st.st_size;
	unsigned char *m = bytes ? mmap(NULL, bytes, PROT_READ, MAP_SHARED, fd, 0) : NULL;
	close(fd);
	if (m == MAP_FAILED) {
		snprintf(why, wlen, "mmap(2) %s: %s", path, strerror(errno));
		return -1;
	}
	(void)madvise(m, bytes, MADV_RANDOM);
	size_t pages = (bytes + page - 1) / page;
	int rc = 0;
	for (size_t w = 0; w < pages && rc == 0; w += RES_WINDOW) {
		size_t n = pages - w < RES_WINDOW ? pages - w : RES_WINDOW, k = 0;
		if (mincore(m + w * page, n * page, r->vec) < 0) {
			snprintf(why, wlen, "mincore(2) %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		for (size_t i = 0; i < n; i++)
			if (r->vec[i] & 1)
				r->addr[k++] = m + (w + i) * page;
		for (size_t i = 0; i < k; i++)
			(void)*(volatile const unsigned char *)r->addr[i];
		if (k && nh_wctx_page_nodes(r->addr, (unsigned long)k, r->status) < 0) {
			snprintf(why, wlen, "move_pages(2) %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		for (size_t i = 0; i < k; i++) {
			if (r->status[i] >= 0 && r->status[i] < MAX_NODES)
				r->by_node[r->status[i]]++;
			else
				r->unknown++;
		}
		r->resident += k;
	}
	if (m)
		munmap(m, bytes);
	return rc;
}

static void record_residency(struct xfer *x, const nh_set_t *io_nodes)
{
	struct residency *r = calloc(1, sizeof *r);
	char path[FILE_PATH_LEN], why[FILE_PATH_LEN + 64], buf[256];
	if (!r) {
		nh_wctx_note(x->ctx, "residency", "out of memory");
		return;
	}
	for (unsigned f = 0; f < x->files; f++) {
		for (int copy = 0; copy < 2; copy++) {
			if (!(copy ? x->fs[f].copy_made : x->fs[f].made))
				continue;
			file_path(x, f, copy, path);
			if (file_residency(path, x->page, r, why, sizeof why) < 0) {
				nh_wctx_note(x->ctx, "residency", "%s", why);
				free(r);
				return;
			}
		}
	}
	uint64_t local = 0;
	int64_t v[MAX_NODES] = {0};
	for (int n = 0; n < MAX_NODES; n++) {
		v[n] = (int64_t)r->by_node[n];
		if (nh_set_has(io_nodes, (unsigned)n))
			local += r->by_node[n];
	}
	nh_wctx_metric(x->ctx, "resident_bytes", (double)r->resident * (double)x->page);
	node_list(x, v, buf, sizeof buf);
	nh_wctx_note(x->ctx, "resident_by_node", "%s", buf);
	if (r->unknown)
		nh_wctx_note(x->ctx, "resident_node_unknown", "%" PRIu64 " pages", r->unknown);
	if (r->resident > r->unknown)
		nh_wctx_metric(x->ctx, "resident_local_share",
			       (double)local / (double)(r->resident - r->unknown));
	free(r);
}

static void record_growth(struct xfer *x, const struct cache_state *a, const struct cache_state *b)
{
	if (a->cached_ok && b->cached_ok)
		nh_wctx_metric(x->ctx, "cached_growth_bytes",
			       (double)b->cached - (double)a->cached);
	int64_t v[MAX_NODES] = {0}, total = 0;
	bool any = false;
	for (int n = nh_set_next(&x->nodes, 0); n >= 0 && n < MAX_NODES;
	     n = nh_set_next(&x->nodes, n + 1)) {
		if (!a->node_ok[n] || !b->node_ok[n])
			continue;
		v[n] = (int64_t)b->file_pages[n] - (int64_t)a->file_pages[n];
		total += v[n];
		any = true;
	}
	if (any) {
		char buf[256];
		node_list(x, v, buf, sizeof buf);
		nh_wctx_note(x->ctx, "filepages_growth_by_node", "%s", buf);
		nh_wctx_metric(x->ctx, "node_file_growth_bytes", (double)total);
	}
	if (a->cgroup_ok && b->cgroup_ok)
		nh_wctx_metric(x->ctx, "cgroup_file_growth_bytes",
			       (double)b->cgroup_file - (double)a->cgroup_file);
	else
		nh_wctx_note(x->ctx, "cgroup_file", "unavailable: %s",
			     a->cgroup_ok ? b->cgroup_why : a->cgroup_why);
}

static void record_speed(struct xfer *x)
{
	double bytes = (double)x->files * (double)x->size;
	double tw = x->t_written - x->t_start;
	double tr = x->t_read - (x->cold ? x->t_dropped : x->t_written);
	tw = tw > 1e-9 ? tw : 1e-9; /* a clock that did not move */
	tr = tr > 1e-9 ? tr : 1e-9;
	nh_wctx_metric(x->ctx, "write_MBps", bytes / tw / 1e6);
	nh_wctx_metric(x->ctx, "read_MBps", bytes / tr / 1e6);
	nh_wctx_metric(x->ctx, "throughput", 2 * bytes / (tw + tr) / 1e6);
	nh_wctx_metric(x->ctx, "write_s", tw);
	nh_wctx_metric(x->ctx, "read_s", tr);
}

/* ---- set-up and clean-up ---- */

/* Files a killed run (timeout, OOM kill) left in the scratch directory: ours by their name,
 * their process gone. Only there: another directory may be shared with other namespaces. */
static unsigned remove_stale(const char *dir, long self)
{
	DIR *d = opendir(dir);
	unsigned removed = 0;
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		long pid;
		unsigned idx;
		int end = 0;
		if (sscanf(e->d_name, NAME_PREFIX ".%ld.%u%n", &pid, &idx, &end) != 2 || pid <= 0 ||
		    pid == self || (e->d_name[end] && strcmp(e->d_name + end, ".copy") != 0))
			continue;
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH &&
		    unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}

/* The target directory: dir=, else the worker's scratch directory (created), else /tmp. */
static int resolve_dir(struct xfer *x)
{
	const char *d = nh_wctx_param(x->ctx, "dir"), *scratch = nh_wctx_scratch_dir(x->ctx);
	bool is_scratch = !*d && *scratch;
	struct stat st;
	nh_err_t err;
	if (!*d)
		d = is_scratch ? scratch : "/tmp";
	if (snprintf(x->dir, sizeof x->dir, "%s", d) >= (int)sizeof x->dir - NAME_ROOM)
		return fail(x, NH_WL_FAIL, "dir %.64s...: path too long", d);
	if (is_scratch && nh_mkdir_p(x->dir, &err) < 0)
		return fail(x, NH_WL_FAIL, "%s", err.msg);
	if (stat(x->dir, &st) < 0)
		return fail(x, NH_WL_FAIL, "dir %s: %s", x->dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return fail(x, NH_WL_FAIL, "dir %s: not a directory", x->dir);
	if (is_scratch) {
		unsigned n = remove_stale(x->dir, x->pid);
		if (n)
			nh_wctx_note(x->ctx, "stale_removed", "%u files of killed runs", n);
	}
	return 0;
}

/* Enough room for every file (and copy), plus 5%, before writing anything: a full disk halfway
 * through would measure the filesystem's error path, and hurt whatever else uses it. */
static int check_space(struct xfer *x)
{
	struct statvfs sv;
	uint64_t free_bytes;
	bool copies = x->mode == MODE_SENDFILE;
	if (hooks_on && hooks.free_bytes) {
		free_bytes = hooks.free_bytes;
	} else {
		if (statvfs(x->dir, &sv) < 0)
			return fail(x, NH_WL_FAIL, "statvfs(2) %s: %s", x->dir, strerror(errno));
		free_bytes = (uint64_t)sv.f_bavail * sv.f_frsize;
		if (sv.f_blocks == 0) { /* ramfs (an initramfs root) has no size and no limit */
			nh_wctx_note(x->ctx, "space_check", "skipped: %s reports no size", x->dir);
			return 0;
		}
	}
	uint64_t need = nh_filexfer_space_needed(x->files, x->size, copies);
	if (need <= free_bytes)
		return 0;
	char n1[32], n2[32], n3[32];
	return fail(x, NH_WL_FAIL,
		    "filexfer needs %s (%u file%s of %s%s, 5%% headroom) but %s has %s free",
		    nh_format_size(need, n1, sizeof n1), x->files, x->files == 1 ? "" : "s",
		    nh_format_size(x->size, n2, sizeof n2), copies ? " and their copies" : "",
		    x->dir, nh_format_size(free_bytes, n3, sizeof n3));
}

/* Every file the run created goes, whatever happened: hundreds of MiB left per failed run would
 * fill the results' filesystem. */
static void remove_files(struct xfer *x)
{
	char path[FILE_PATH_LEN];
	for (unsigned f = 0; x->fs && f < x->files; f++) {
		for (int copy = 0; copy < 2; copy++) {
			if (!(copy ? x->fs[f].copy_made : x->fs[f].made))
				continue;
			file_path(x, f, copy, path);
			if (hooks_on && hooks.before_unlink)
				hooks.before_unlink(path, hooks.arg);
			if (unlink(path) < 0 && errno != ENOENT)
				nh_wctx_note(x->ctx, "cleanup", "unlink(2) %s: %s", path,
					     strerror(errno));
		}
	}
}

/* ---- the workload ---- */

/* clang-format off */
static const nh_param_def_t filexfer_params[] = {
	{.name = "dir", .type = NH_PARAM_STRING, .def = "",
	 .help = "directory for the files; empty: the run's scratch directory (tmp/ of the "
		 "results directory), else /tmp"},
	{.name = "size", .type = NH_PARAM_SIZE, .def = "256M", .min = 1,
	 .max = 1024.0 * 1024 * 1024 * 1024, .help = "bytes per file"},
	{.name = "files", .type = NH_PARAM_INT, .def = "2", .min = 1, .max = 4096,
	 .help = "files written then read back"},
	{.name = "streams", .type = NH_PARAM_INT, .def = "1", .min = 1, .max = 4096,
	 .keyword = "all",
	 .help = "concurrent streams (threads pinned round-robin to the allowed CPUs), each "
		 "taking files round-robin; all: one per allowed CPU"},
	{.name = "mode", .type = NH_PARAM_ENUM, .def = "readwrite",
	 .choices = "readwrite|sendfile|splice|mmap|direct",
	 .help = "how files are read back: read(2); sendfile(2) into a copy; splice(2) through a "
		 "pipe to /dev/null; mmap and read every byte; O_DIRECT (direct also writes "
		 "O_DIRECT; the others write with write(2))"},
	{.name = "block", .type = NH_PARAM_SIZE, .def = "1M", .min = 4096,
	 .max = 1024.0 * 1024 * 1024, .help = "bytes per I/O call"},
	{.name = "buffer", .type = NH_PARAM_ENUM, .def = "reuse", .choices = "reuse|fresh",
	 .help = "reuse: one buffer per stream; fresh: a new malloc'd, touched buffer per block"},
	{.name = "fadvise", .type = NH_PARAM_ENUM, .def = "none", .choices = "none|dontneed",
	 .help = "dontneed: posix_fadvise(DONTNEED) on each file after reading it (dirty pages "
		 "stay: add fsync=1 to drop them)"},
	{.name = "fsync", .type = NH_PARAM_BOOL, .def = "0",
	 .help = "fsync(2) each file after writing it (timed in the write phase)"},
	{.name = "cold", .type = NH_PARAM_BOOL, .def = "0",
	 .help = "between the phases (untimed), write each file back and drop it from the page "
		 "cache, so reads come from the device (fio's invalidate=1); 0: reads find the "
		 "pages the write left"},
	{.name = NULL},
};
/* clang-format on */

static const nh_metric_def_t filexfer_metrics[] = {
	{"throughput", "MB/s", NH_BETTER_HIGHER,
	 "bytes written plus bytes read over the write and read phases' time"},
	{"write_MBps", "MB/s", NH_BETTER_HIGHER,
	 "bytes of all files over the write phase (open, write, fsync if asked, close)"},
	{"read_MBps", "MB/s", NH_BETTER_HIGHER,
	 "bytes of all files over the read phase (open, the mode's transfer, fadvise, close)"},
	{"write_s", "s", NH_BETTER_LOWER, "write phase, first stream start to last stream done"},
	{"read_s", "s", NH_BETTER_LOWER,
	 "read phase, first stream start to last stream done (after the eviction when cold=1)"},
	{"cached_growth_bytes", "B", NH_BETTER_NONE,
	 "/proc/meminfo Cached after the read phase minus before the write phase (whole host)"},
	{"node_file_growth_bytes", "B", NH_BETTER_NONE,
	 "FilePages growth summed over the nodes' meminfo (per node: note "
	 "filepages_growth_by_node)"},
	{"cgroup_file_growth_bytes", "B", NH_BETTER_NONE,
	 "growth of the worker cgroup's page cache (memory.stat file, v1 total_cache)"},
	{"resident_bytes", "B", NH_BETTER_NONE,
	 "cached pages of the run's own files after the read phase (mincore), whole pages"},
	{"resident_local_share", "ratio", NH_BETTER_HIGHER,
	 "share of those pages on the nodes the streams ran on (move_pages; per node: note "
	 "resident_by_node)"},
	{.name = NULL},
};

static int filexfer_check_plan(const nh_params_t *params, unsigned cpus, char *why, size_t len)
{
	const char *v = nh_params_get(params, "streams"), *mode = nh_params_get(params, "mode");
	if (v && strcmp(v, "all") != 0) {
		unsigned long long n = strtoull(v, NULL, 10);
		if (n > cpus) {
			snprintf(why, len,
				 "streams=%llu is more than the %u CPU%s the policy allows", n,
				 cpus, cpus == 1 ? "" : "s");
			return -1;
		}
	}
	uint64_t block = 0;
	const char *b = nh_params_get(params, "block");
	if (mode && strcmp(mode, "direct") == 0 && b && nh_parse_size(b, &block, NULL) == 0 &&
	    block % DIRECT_ALIGN) {
		snprintf(why, len, "mode=direct needs block to be a multiple of 4 KiB (block=%s)",
			 b);
		return -1;
	}
	return 0;
}

static enum mode parse_mode(const char *m)
{
	for (unsigned i = 0; i < NH_ARRAY_LEN(mode_names); i++)
		if (strcmp(m, mode_names[i]) == 0)
			return (enum mode)i;
	return MODE_READWRITE;
}

static enum nh_wl_status filexfer_run(nh_wctx_t *ctx)
{
	long sys_page = sysconf(_SC_PAGESIZE);
	unsigned ncpus = nh_wctx_cpu_count(ctx);
	struct xfer *x = calloc(1, sizeof *x);
	struct cache_state *before = calloc(2, sizeof *before), *after = before + 1;
	struct stream *s = NULL;
	char *base = NULL;
	enum nh_wl_status status = NH_WL_FAIL;
	if (!x || !before) {
		nh_wctx_reason(ctx, "out of memory for the run's state");
		free(x);
		free(before);
		return NH_WL_FAIL;
	}
	x->ctx = ctx;
	x->page = sys_page > 0 ? (size_t)sys_page : 4096;
	x->pid = (long)getpid();
	x->mode = parse_mode(nh_wctx_param(ctx, "mode"));
	x->size = nh_wctx_param_size(ctx, "size");
	x->block = nh_wctx_param_size(ctx, "block");
	x->files = (unsigned)nh_wctx_param_int(ctx, "files");
	x->streams = nh_wctx_param_is_keyword(ctx, "streams")
			     ? (ncpus ? ncpus : 1)
			     : (unsigned)nh_wctx_param_int(ctx, "streams");
	x->fresh = strcmp(nh_wctx_param(ctx, "buffer"), "fresh") == 0;
	x->dontneed = strcmp(nh_wctx_param(ctx, "fadvise"), "dontneed") == 0;
	x->do_fsync = nh_wctx_param_bool(ctx, "fsync");
	x->cold = nh_wctx_param_bool(ctx, "cold");
	pthread_mutex_init(&x->lock, NULL);
	pthread_cond_init(&x->cond, NULL);
	atomic_init(&x->failed, 0);

	char line[256];
	if (nh_read_line("/sys/devices/system/node/online", line, sizeof line) < 0 ||
	    nh_set_parse(&x->nodes, line, NULL) < 0) {
		nh_set_clear(&x->nodes);
		nh_set_add(&x->nodes, 0);
	}
	if (x->mode == MODE_DIRECT && x->block % DIRECT_ALIGN) {
		fail(x, NH_WL_FAIL, "mode=direct needs block to be a multiple of 4 KiB (block=%s)",
		     nh_wctx_param(ctx, "block"));
		goto out;
	}
	x->fs = calloc(x->files, sizeof *x->fs);
	s = aligned_alloc(CACHE_LINE, x->streams * sizeof *s);
	if (!x->fs || !s) {
		fail(x, NH_WL_FAIL, "out of memory for %u files and %u streams", x->files,
		     x->streams);
		goto out;
	}
	if (resolve_dir(x) < 0 || check_space(x) < 0)
		goto out;
	nh_wctx_note(ctx, "dir", "%s", x->dir);
	if (ncpus && x->streams > ncpus)
		nh_wctx_note(ctx, "oversubscribed", "%u streams share %u CPUs", x->streams, ncpus);
	if (x->streams > x->files)
		nh_wctx_note(ctx, "idle_streams", "%u (fewer files than streams)",
			     x->streams - x->files);
	if (x->mode == MODE_DIRECT && x->size % DIRECT_ALIGN)
		nh_wctx_note(ctx, "direct_tail", "last %" PRIu64 " bytes of each file not O_DIRECT",
			     x->size % DIRECT_ALIGN);

	/* One buffer for all streams, a page-aligned slice each (O_DIRECT needs the alignment),
	 * left untouched until each stream first-touches its own slice after pinning. */
	size_t slice = (size_t)((x->block + x->page - 1) / x->page * x->page);
	if (!x->fresh && !(base = nh_wctx_alloc(ctx, slice * x->streams, 0))) {
		status = NH_WL_FAIL; /* the reason says what could not be allocated and why */
		goto out_files;
	}
	unsigned started = 0;
	int rc = 0;
	for (unsigned i = 0; i < x->streams; i++) {
		s[i] = (struct stream){.x = x, .index = i, .devnull = -1, .pipe = {-1, -1}};
		s[i].cpu = ncpus ? nh_wctx_cpu(ctx, i % ncpus) : -1;
		s[i].buf = base ? base + i * slice : NULL;
	}
	read_cache_state(x, before);
	for (; started < x->streams; started++) {
		rc = pthread_create(&s[started].tid, NULL, stream_main, &s[started]);
		if (rc)
			break;
	}
	open_gate(x, rc ? -1 : 1);
	for (unsigned i = 0; i < started; i++)
		pthread_join(s[i].tid, NULL);
	if (rc) {
		fail(x, NH_WL_FAIL, "cannot start stream %u of %u: %s", started + 1, x->streams,
		     strerror(rc));
		goto out_files;
	}
	if (failed(x))
		goto out_files;

	/* The state the incident is about: the files written and read, still there. */
	read_cache_state(x, after);
	nh_wctx_observe_placement(ctx);
	record_speed(x);
	record_growth(x, before, after);
	nh_set_t io_nodes;
	char nodes[128];
	nh_set_clear(&io_nodes);
	for (unsigned i = 0; i < x->streams; i++)
		nh_set_or(&io_nodes, &s[i].io_nodes);
	nh_wctx_note(ctx, "io_nodes", "%s", nh_set_format(&io_nodes, nodes, sizeof nodes));
	record_residency(x, &io_nodes);
	status = NH_WL_OK;
out_files:
	remove_files(x);
	if (base)
		nh_wctx_release(ctx, base);
out:
	if (failed(x)) {
		status = x->fail_status;
		nh_wctx_reason(ctx, "%s", x->reason);
	}
	pthread_cond_destroy(&x->cond);
	pthread_mutex_destroy(&x->lock);
	free(s);
	free(x->fs);
	free(x);
	free(before);
	return status;
}

const nh_workload_t nh_workload_filexfer = {
	.name = "filexfer",
	.summary = "large file transfers: write files, read them back; MB/s, page-cache growth "
		   "(global, per node, cgroup) and per-node residency of the files' cached pages",
	.params = filexfer_params,
	.metrics = filexfer_metrics,
	.run = filexfer_run,
	.check_plan = filexfer_check_plan,
};
