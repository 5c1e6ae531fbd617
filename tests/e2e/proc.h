/* Test helper: run the numaharness binary, capture exit status, stdout and stderr. */
#ifndef NH_TEST_PROC_H
#define NH_TEST_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The memory \p bytes of touched buffers take in a run: under AddressSanitizer (the sanitizer
 * pass builds the worker with it too) a shadow byte for every 8, charged to the same cgroup and
 * counted in the same RSS. */
#ifdef __SANITIZE_ADDRESS__
#define NH_TOUCHED_MEMORY(bytes) ((bytes) * 9 / 8)
#else
#define NH_TOUCHED_MEMORY(bytes) (bytes)
#endif

typedef struct nh_proc_result {
	int status; /* exit status, or 128 + signal */
	char *out;  /* malloc'd, NUL-terminated */
	char *err;
} nh_proc_result_t;

/* Run argv (argv[0] is the program path) in \p cwd with extra environment entries
 * ("NAME=value", NULL-terminated, may be NULL). Returns 0, or -1 if it could not start. */
int nh_proc_run(const char *cwd, char *const argv[], char *const env[], nh_proc_result_t *r);
void nh_proc_free(nh_proc_result_t *r);
/* \p bin started in the background from \p cwd (NULL: here), stderr into \p errpath, stdout
 * discarded; its pid. */
pid_t nh_proc_start(const char *bin, const char *cwd, const char *errpath, char *const argv[]);
/* The same with stdout into \p outpath (NULL: discarded). */
pid_t nh_proc_start_out(const char *bin, const char *cwd, const char *outpath, const char *errpath,
			char *const argv[]);
/* Whether the file \p path holds \p text within \p seconds (polled): a process started in the
 * background has reached a point, however slow the machine (a sanitizer build, a loaded CI). */
bool nh_proc_wait_for(const char *path, const char *text, double seconds);
/* Ctrl-C to \p pid and wait: its exit status, or -1 when it died of a signal instead. */
int nh_proc_interrupt(pid_t pid);
/* Number of lines in text (a final line without newline counts). */
unsigned nh_count_lines(const char *text);
/* The whole of \p dir/\p name (malloc'd): the test fails, naming the file, when it is missing or
 * its path would not fit (a cut path would read another file). */
char *nh_read_in(const char *dir, const char *name);
/* A fresh empty directory under /tmp (malloc'd path); nh_rm_rf removes it. */
char *nh_tmpdir(void);
void nh_rm_rf(const char *path);

#endif
