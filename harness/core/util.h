/* SPDX-License-Identifier: MIT */
/* util: error type, logging, small file helpers, and the size / CPU-list / node-list parsers. */
#ifndef NH_UTIL_H
#define NH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Error carrier: library functions return -1 and fill one of these; only the CLI decides to stop. */
typedef struct nh_err {
	char msg[512];
} nh_err_t;

/** \brief Format a message into \p err (NULL is allowed). Always returns -1 so callers can
 *  `return nh_err_set(err, ...)`. errno is preserved. */
int nh_err_set(nh_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** \brief Prefix an existing message: "prefix: old message". Returns -1, errno preserved. */
int nh_err_prefix(nh_err_t *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** \brief snprintf for display text that may be shortened: when the text does not fit, it ends
 *  in "..." so the cut shows. Returns true when it cut. Never for paths or record fields. */
bool nh_format_cut(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool nh_vformat_cut(char *buf, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

enum nh_log_level { NH_LOG_ERROR, NH_LOG_WARN, NH_LOG_INFO, NH_LOG_DEBUG };
void nh_log_set_level(enum nh_log_level level);
enum nh_log_level nh_log_get_level(void);
void nh_log(enum nh_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A fixed-size bit set for CPU and node numbers: plain data, so it can live in shared memory. */
#define NH_SET_BITS 4096
typedef struct nh_set {
	uint64_t w[NH_SET_BITS / 64];
} nh_set_t;

void nh_set_clear(nh_set_t *s);
void nh_set_add(nh_set_t *s, unsigned bit);
void nh_set_del(nh_set_t *s, unsigned bit);
bool nh_set_has(const nh_set_t *s, unsigned bit);
unsigned nh_set_count(const nh_set_t *s);
bool nh_set_empty(const nh_set_t *s);
/** \brief Lowest member >= \p from, or -1 when none. */
int nh_set_next(const nh_set_t *s, int from);
void nh_set_or(nh_set_t *dst, const nh_set_t *src);
void nh_set_and(nh_set_t *dst, const nh_set_t *src);
bool nh_set_equal(const nh_set_t *a, const nh_set_t *b);
/** \brief true when every member of \p a is in \p b. */
bool nh_set_subset(const nh_set_t *a, const nh_set_t *b);
/** \brief Members of \p a missing from \p b written into \p out. */
void nh_set_minus(nh_set_t *out, const nh_set_t *a, const nh_set_t *b);
/** \brief Compact list form, "0-3,8,10-11"; "" for the empty set. Returns \p buf. */
char *nh_set_format(const nh_set_t *s, char *buf, size_t len);
/** \brief Parse a numactl-style list of numbers and ranges: "0", "0-3", "0,2-4,7".
 *  Returns 0, or -1 with errno EINVAL / ERANGE and a message naming the bad part. */
int nh_set_parse(nh_set_t *s, const char *text, nh_err_t *err);

/** \brief Parse a byte size: "4096", "64K", "256M", "1G", "1.5G", "2GiB", "512MB" (binary units).
 *  Returns 0 or -1 (EINVAL / ERANGE) with a message quoting the text. */
int nh_parse_size(const char *text, uint64_t *out, nh_err_t *err);
/** \brief Parse a non-negative integer in [min, max]. Returns 0 or -1 (EINVAL / ERANGE). */
int nh_parse_uint(const char *text, uint64_t min, uint64_t max, uint64_t *out, nh_err_t *err);
/** \brief Parse a duration: "500ms", "30s", "2m", "1h", or plain seconds ("1.5"). */
int nh_parse_duration(const char *text, double *seconds, nh_err_t *err);
/** \brief Human form of a byte count, e.g. "256 MiB". Returns \p buf. */
char *nh_format_size(uint64_t bytes, char *buf, size_t len);

/** \brief Read a whole (small, /proc or /sys) file into a malloc'd NUL-terminated string.
 *  Returns NULL with errno set and a message naming the path. */
char *nh_read_file(const char *path, size_t *len, nh_err_t *err);
/** \brief Read the first line of a file into \p buf (newline stripped). 0 or -1 with errno. */
int nh_read_line(const char *path, char *buf, size_t len);
/** \brief Write \p data to \p path atomically: temp file in the same directory, fsync, rename.
 *  Returns 0 or -1 with errno and a message. */
int nh_write_file_atomic(const char *path, const char *data, size_t len, nh_err_t *err);
/** \brief Append one record (a single write) to \p fd and fsync it. */
int nh_append_fsync(int fd, const char *data, size_t len, nh_err_t *err);
/** \brief mkdir -p. 0 or -1 with errno and a message. */
int nh_mkdir_p(const char *path, nh_err_t *err);

/** \brief Start of the line after \p line, or NULL at the end of the text. */
const char *nh_next_line(const char *line);
/** \brief Is \p tok one of the \p sep-separated items of list[0..len)? */
bool nh_has_token(const char *list, size_t len, const char *tok, char sep);
/** \brief From a /proc/PID/cgroup text: the path in the v1 hierarchy carrying \p controller
 *  ("memory", "cpuset") and the v2 path ("0::/path"), each flagged when present. */
void nh_proc_cgroup_paths(const char *proc_cgroup, const char *controller, char *v1_path,
			  size_t v1_len, bool *have_v1, char *v2, size_t v2_len, bool *have_v2);

/* One line of /proc/PID/mountinfo. */
typedef struct nh_mount {
	char root[256];	  /* the part of the filesystem mounted ("/" or a subtree) */
	char point[256];  /* where, \ooo escapes undone */
	char fstype[64];  /* "cgroup2", "tmpfs", ... */
	char super[512];  /* super options ("rw,memory" names a v1 cgroup's controllers) */
} nh_mount_t;
/** \brief Parse the mountinfo line at \p line (up to its newline); false when it is not one. */
bool nh_mountinfo_line(const char *line, nh_mount_t *m);
/** \brief The cgroup directory of a process for \p controller ("memory", "cpuset") from its
 *  /proc/PID/cgroup and a /proc/self/mountinfo text: the v1 hierarchy carrying the controller
 *  when one is mounted and named (a hybrid host's cgroup2 then lacks it), else the v2 directory
 *  ("0::" line and a cgroup2 mount; whether the controller is enabled there only the directory
 *  tells). A container's mount may show a subtree only. Returns the version (1/2), or -1 (errno
 *  ENOENT) with a message saying why none. */
int nh_cgroup_locate_controller(const char *proc_cgroup, const char *mountinfo,
				const char *controller, char *dir, size_t len, nh_err_t *err);
/** \brief nh_cgroup_locate_controller for "memory". */
int nh_cgroup_locate(const char *proc_cgroup, const char *mountinfo, char *dir, size_t len, nh_err_t *err);

/** \brief Undo the kernel's \ooo escapes of /proc texts (mountinfo, numa_maps: space, tab,
 *  newline, backslash, '=') in place. */
void nh_unescape_octal(char *s);

/** \brief Remove everything inside \p dir (not \p dir itself); a missing dir is fine.
 *  Returns 0, or -1 with a message naming what could not be removed. */
int nh_empty_dir(const char *dir, nh_err_t *err);

/** \brief Monotonic time in seconds. */
double nh_now(void);
/** \brief UTC time stamp "20261121T224500Z" (compact, for directory names) or ISO-8601 when
 *  \p iso is true ("2026-11-21T22:45:00Z"). */
char *nh_utc_stamp(char *buf, size_t len, bool iso);

/** \brief Kernel release as (major, minor); 0 or -1. */
int nh_kernel_version(int *major, int *minor);

#define NH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A named measurement: its unit and which way is better (+1 higher, -1 lower, 0 none: enum
 * nh_better of workload.h). What a workload, a sampler and a record all carry. */
typedef struct nh_metric {
	char name[32];
	char unit[16];
	int better;
	double value;
} nh_metric_t;
/** \brief Fill \p m (name and unit cut to their fields). */
void nh_metric_set(nh_metric_t *m, const char *name, const char *unit, int better, double value);

#endif
