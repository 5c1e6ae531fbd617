/* Unit tests of the filexfer workload: the parsers it reads the page cache through, its space
 * rule and plan checks, then whole runs through a context — exact bytes in every mode, clean-up after success and after failures,
 * refusal without space, page-cache residency per node, the scratch directory. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "workload_testing.h"

#include "sample_memory.h"
#include "workload_ctx.h"
#include "../../workloads/filexfer_internal.h"

extern const nh_workload_t nh_workload_filexfer;

#define ODD_SIZE 3145745 /* 3 MiB + 17: a short last block, and an O_DIRECT tail */

/* ---- parsers: the memory layer's, which filexfer reads the page cache through ---- */

static void meminfo_fields(void **state)
{
	static const char global[] = "MemTotal:       24731708 kB\n"
				     "Buffers:            1032 kB\n"
				     "Cached:            16580 kB\n"
				     "SwapCached:            0 kB\n"
				     "HugePages_Total:       0\n";
	static const char node[] = "Node 1 MemTotal:       10184916 kB\n"
				   "Node 1 Active(file):     591440 kB\n"
				   "Node 1 FilePages:       2563548 kB\n"
				   "Node 1 Mapped:            10220 kB\n";
	uint64_t v = 0;
	assert_int_equal(nh_meminfo_bytes(global, "Cached", &v), 0);
	assert_int_equal(v, UINT64_C(16580) * 1024);
	/* "SwapCached" ends in "Cached": only the whole name matches. */
	assert_int_equal(nh_meminfo_bytes(global, "SwapCached", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nh_meminfo_bytes(global, "HugePages_Total", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(nh_meminfo_bytes(node, "FilePages", &v), 0);
	assert_int_equal(v, UINT64_C(2563548) * 1024);
	errno = 0;
	assert_int_equal(nh_meminfo_bytes(node, "Cached", &v), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(nh_meminfo_bytes("", "Cached", &v), -1);
	(void)state;
}

static void stat_values(void **state)
{
	static const char v1[] = "cache 32768\nrss 1708032\nmapped_file 0\ntotal_cache 65536\n";
	static const char v2[] = "anon 1000\nfile 123456\nfile_mapped 7\nfile_dirty 8\n";
	static nh_cgroup_mem_t c1, c2;
	assert_int_equal(nh_cgroup_parse_stat(v1, &c1, NULL), 0);
	assert_int_equal(nh_cgroup_parse_stat(v2, &c2, NULL), 0);
	assert_int_equal(nh_cgroup_stat(&c1, "cache"), 32768);
	assert_int_equal(nh_cgroup_stat(&c1, "total_cache"), 65536);
	assert_int_equal(nh_cgroup_stat(&c2, "file"), 123456); /* not file_mapped */
	assert_true(nh_cgroup_stat(&c2, "cache") == UINT64_MAX); /* absent */
	(void)state;
}

static void cgroup_dirs(void **state)
{
	/* A hybrid host (this one): v1 memory mounted, an empty cgroup2 beside it. */
	static const char hybrid_cg[] = "9:name=systemd:/\n4:memory:/process_api/abc\n0::/\n";
	static const char hybrid_mi[] =
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
	/* Pure v2, and a container that sees only its own subtree. */
	static const char v2_cg[] = "0::/system.slice/x.service\n";
	static const char v2_mi[] =
		"30 23 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 rw\n";
	static const char ct_cg[] = "0::/kubepods/pod1/c1\n";
	static const char ct_mi[] =
		"30 23 0:26 /kubepods/pod1/c1 /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n";
	/* The workload finds where its page cache is charged with util's nh_cgroup_locate. */
	char dir[256];
	nh_err_t err;
	assert_int_equal(nh_cgroup_locate(hybrid_cg, hybrid_mi, dir, sizeof dir, &err), 1);
	assert_string_equal(dir, "/sys/fs/cgroup/memory/process_api/abc");
	assert_int_equal(nh_cgroup_locate(v2_cg, v2_mi, dir, sizeof dir, &err), 2);
	assert_string_equal(dir, "/sys/fs/cgroup/system.slice/x.service");
	assert_int_equal(nh_cgroup_locate(ct_cg, ct_mi, dir, sizeof dir, &err), 2);
	assert_string_equal(dir, "/sys/fs/cgroup");
	assert_int_equal(nh_cgroup_locate("0::/other\n", ct_mi, dir, sizeof dir, &err), -1);
	assert_string_equal(err.msg, "cgroup /other is outside the hierarchy mounted at "
				     "/sys/fs/cgroup (root /kubepods/pod1/c1)");
	assert_int_equal(nh_cgroup_locate(v2_cg, "", dir, sizeof dir, &err), -1);
	assert_string_equal(err.msg, "no cgroup2 mount and no v1 memory hierarchy");
	(void)state;
}

static void space_rule(void **state)
{
	/* 5% of 512 MiB is 26843545.6 bytes: rounded up. */
	assert_int_equal(nh_filexfer_space_needed(2, 256 << 20, false),
			 (UINT64_C(512) << 20) + 26843546);
	assert_int_equal(nh_filexfer_space_needed(2, 256 << 20, true),
			 (UINT64_C(1024) << 20) + 53687092);
	assert_int_equal(nh_filexfer_space_needed(1, 1, false), 2); /* headroom rounds up */
	assert_int_equal(nh_filexfer_space_needed(4096, UINT64_C(1) << 40, true),
			 (UINT64_C(1) << 53) + ((UINT64_C(1) << 53) + 19) / 20);
	(void)state;
}

/* ---- parameters and plan ---- */

static void check_param(const char *kv, const char *want)
{
	check_workload_param(&nh_workload_filexfer, kv, want);
}

static void params_checked(void **state)
{
	check_param("mode=aio", "filexfer: parameter 'mode': 'aio' is not one of "
				"readwrite|sendfile|splice|mmap|direct");
	check_param("buffer=pool",
		    "filexfer: parameter 'buffer': 'pool' is not one of reuse|fresh");
	check_param("fadvise=willneed",
		    "filexfer: parameter 'fadvise': 'willneed' is not one of none|dontneed");
	check_param("streams=0",
		    "filexfer: parameter 'streams': number 0 out of range [1, 4096] (or 'all')");
	check_param("files=0", "filexfer: parameter 'files': number 0 out of range [1, 4096]");
	check_param("size=3145745", NULL);
	check_param("streams=all", NULL);
	check_param("fsync=yes", NULL);
	check_param("dir=/var/tmp", NULL);

	nh_params_t p = {0};
	nh_err_t err;
	assert_int_equal(nh_workload_check_params(&nh_workload_filexfer, &p, &err), 0);
	assert_string_equal(nh_params_get(&p, "dir"), "");
	assert_string_equal(nh_params_get(&p, "size"), "256M");
	assert_string_equal(nh_params_get(&p, "files"), "2");
	assert_string_equal(nh_params_get(&p, "streams"), "1");
	assert_string_equal(nh_params_get(&p, "mode"), "readwrite");
	assert_string_equal(nh_params_get(&p, "block"), "1M");
	assert_string_equal(nh_params_get(&p, "buffer"), "reuse");
	assert_string_equal(nh_params_get(&p, "fadvise"), "none");
	assert_string_equal(nh_params_get(&p, "fsync"), "0");
	assert_string_equal(nh_params_get(&p, "cold"), "0");
	(void)state;
}

#define plan_check(...) workload_plan_check(&nh_workload_filexfer, __VA_ARGS__)

static void plan_checks(void **state)
{
	char why[256] = "";
	assert_non_null(nh_workload_filexfer.check_plan);
	assert_int_equal(plan_check(2, why, sizeof why, "streams=4", NULL), -1);
	assert_string_equal(why, "streams=4 is more than the 2 CPUs the policy allows");
	assert_int_equal(plan_check(1, why, sizeof why, "streams=2", NULL), -1);
	assert_string_equal(why, "streams=2 is more than the 1 CPU the policy allows");
	assert_int_equal(plan_check(2, why, sizeof why, "streams=2", NULL), 0);
	assert_int_equal(plan_check(1, why, sizeof why, "streams=all", NULL), 0);
	assert_int_equal(plan_check(1, why, sizeof why, NULL), 0);
	assert_int_equal(plan_check(1, why, sizeof why, "mode=direct", "block=6K", NULL), -1);
	assert_string_equal(why, "mode=direct needs block to be a multiple of 4 KiB (block=6K)");
	assert_int_equal(plan_check(1, why, sizeof why, "mode=direct", "block=8K", NULL), 0);
	assert_int_equal(plan_check(1, why, sizeof why, "mode=mmap", "block=6K", NULL), 0);
	(void)state;
}

/* ---- whole runs ---- */

/* Check and run on every allowed CPU with "name=value" arguments (NULL-terminated); the context
 * for inspection. */
static nh_wctx_t *run_v(enum nh_wl_status want, const char **kvs)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	return run_workload_v(&nh_workload_filexfer, 0, &cpus, want, kvs);
}

#define run_fx(want, ...) run_v(want, (const char *[]){__VA_ARGS__})

/* The value of note \p key ("" when absent), copied into \p buf. */
static const char *note(const nh_wctx_t *ctx, const char *key, char *buf, size_t len)
{
	char pat[64];
	snprintf(pat, sizeof pat, "%s=", key);
	const char *notes = nh_wctx_notes(ctx), *p = notes;
	buf[0] = '\0';
	while ((p = strstr(p, pat))) {
		if (p == notes || p[-1] == ';') {
			p += strlen(pat);
			snprintf(buf, len, "%.*s", (int)strcspn(p, ";"), p);
			break;
		}
		p++;
	}
	return buf;
}

static unsigned entries(const char *dir)
{
	DIR *d = opendir(dir);
	unsigned n = 0;
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

struct seen {
	unsigned count;
	char path[16][512];
	long long size[16];
};

static void see_file(const char *path, void *arg)
{
	struct seen *s = arg;
	struct stat st;
	if (s->count >= 16)
		return;
	snprintf(s->path[s->count], sizeof s->path[0], "%s", path);
	s->size[s->count++] = stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static char *make_dir(char *buf, size_t len)
{
	snprintf(buf, len, "/tmp/nh-filexfer-XXXXXX");
	assert_non_null(mkdtemp(buf));
	return buf;
}

/* Every mode and both buffer kinds write exactly the requested bytes into each file (and the
 * copy, for sendfile), read them back and leave the directory empty. */
static void every_mode_exact_bytes(void **state)
{
	static const char *const modes[] = {"readwrite", "sendfile", "splice", "mmap", "direct"};
	static const char *const buffers[] = {"reuse", "fresh"};
	char dir[64], dirkv[80], modekv[32], bufkv[32], size[32];
	make_dir(dir, sizeof dir);
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	snprintf(size, sizeof size, "size=%d", ODD_SIZE);
	for (size_t m = 0; m < NH_ARRAY_LEN(modes); m++) {
		for (size_t b = 0; b < NH_ARRAY_LEN(buffers); b++) {
			struct seen seen = {0};
			nh_filexfer_hooks_t h = {.before_unlink = see_file, .arg = &seen};
			nh_filexfer_set_hooks(&h);
			snprintf(modekv, sizeof modekv, "mode=%s", modes[m]);
			snprintf(bufkv, sizeof bufkv, "buffer=%s", buffers[b]);
			nh_wctx_t *ctx = run_fx(NH_WL_OK, dirkv, size, "files=2", "block=1M",
						modekv, bufkv, NULL);
			nh_filexfer_set_hooks(NULL);
			bool copies = strcmp(modes[m], "sendfile") == 0;
			assert_int_equal(seen.count, copies ? 4 : 2);
			for (unsigned i = 0; i < seen.count; i++)
				if (seen.size[i] != ODD_SIZE)
					fail_msg("%s %s: %s has %lld bytes", modes[m], buffers[b],
						 seen.path[i], seen.size[i]);
			assert_int_equal(entries(dir), 0);
			assert_true(nh_wctx_metric_value(ctx, "write_MBps") > 0);
			assert_true(nh_wctx_metric_value(ctx, "read_MBps") > 0);
			assert_true(nh_wctx_metric_value(ctx, "throughput") > 0);
			assert_true(has_metric(ctx, "cached_growth_bytes"));
			assert_true(has_metric(ctx, "node_file_growth_bytes"));
			assert_true(has_metric(ctx, "resident_bytes"));
			nh_wctx_free(ctx);
		}
	}
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* Several streams share the files round-robin; each is pinned, its buffer slice registered. */
static void streams_share_files(void **state)
{
	char dir[64], dirkv[80], buf[64];
	struct seen seen = {0};
	nh_set_t cpus;
	allowed_cpus(&cpus);
	make_dir(dir, sizeof dir);
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	nh_filexfer_hooks_t h = {.before_unlink = see_file, .arg = &seen};
	nh_filexfer_set_hooks(&h);
	nh_wctx_t *ctx = run_fx(NH_WL_OK, dirkv, "size=1M", "files=5", "streams=all", NULL);
	nh_filexfer_set_hooks(NULL);
	assert_int_equal(seen.count, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(seen.size[i], 1 << 20);
	assert_int_equal(nh_wctx_region_count(ctx), nh_set_count(&cpus));
	assert_true(nh_set_subset(nh_wctx_cpus_ran_on(ctx), &cpus));
	assert_string_not_equal(note(ctx, "io_nodes", buf, sizeof buf), "");
	assert_int_equal(entries(dir), 0);
	nh_wctx_free(ctx);
	/* More streams than files: the idle ones are noted. */
	ctx = run_fx(NH_WL_OK, dirkv, "size=64K", "files=1", "streams=all", NULL);
	if (nh_set_count(&cpus) > 1)
		assert_string_not_equal(note(ctx, "idle_streams", buf, sizeof buf), "");
	nh_wctx_free(ctx);
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* A failing syscall anywhere makes the run FAIL with a reason naming the syscall and the file,
 * and every file created so far is removed. */
static void failures_clean_up(void **state)
{
	static const struct {
		const char *mode, *call, *extra;
		unsigned file;
		int err;
	} cases[] = {
		{"readwrite", "open", "fsync=0", 1, EACCES},
		{"readwrite", "write", "fsync=0", 1, ENOSPC},
		{"readwrite", "fsync", "fsync=1", 0, EIO},
		{"readwrite", "close", "fsync=0", 2, EIO},
		{"readwrite", "read", "fsync=0", 1, EIO},
		{"readwrite", "posix_fadvise", "fadvise=dontneed", 0, EINVAL},
		{"readwrite", "fdatasync", "cold=1", 1, EIO},
		{"direct", "read", "fsync=0", 2, EIO},
		{"sendfile", "sendfile", "fsync=0", 1, EIO},
		{"splice", "splice", "fsync=0", 0, EIO},
		{"mmap", "mmap", "fsync=0", 2, ENOMEM},
	};
	char dir[64], dirkv[80], modekv[32], want[512];
	make_dir(dir, sizeof dir);
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	for (size_t i = 0; i < NH_ARRAY_LEN(cases); i++) {
		struct seen seen = {0};
		nh_filexfer_hooks_t h = {.fail_call = cases[i].call,
					 .fail_file = cases[i].file,
					 .fail_errno = cases[i].err,
					 .before_unlink = see_file,
					 .arg = &seen};
		nh_filexfer_set_hooks(&h);
		snprintf(modekv, sizeof modekv, "mode=%s", cases[i].mode);
		nh_wctx_t *ctx = run_fx(NH_WL_FAIL, dirkv, "size=2M", "files=3", "block=1M", modekv,
					cases[i].extra, NULL);
		nh_filexfer_set_hooks(NULL);
		snprintf(want, sizeof want, "%s(2) %s/filexfer.%ld.%u", cases[i].call, dir,
			 (long)getpid(), cases[i].file);
		const char *reason = nh_wctx_reason_text(ctx);
		if (strncmp(reason, want, strlen(want)) != 0 ||
		    !strstr(reason, strerror(cases[i].err)))
			fail_msg("%s on file %u: reason '%s'", cases[i].call, cases[i].file,
				 reason);
		/* Files created before the failure existed and were handed to the hook, then
		 * removed. */
		assert_true(seen.count >= 1 || strcmp(cases[i].call, "open") == 0);
		assert_int_equal(entries(dir), 0);
		nh_wctx_free(ctx);
	}
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* A filesystem whose open refuses O_DIRECT (EINVAL) makes a direct run SKIP, saying so. */
static void direct_unsupported_skips(void **state)
{
	char dir[64], dirkv[80], want[256];
	make_dir(dir, sizeof dir);
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	nh_filexfer_hooks_t h = {.fail_call = "open", .fail_file = 0, .fail_errno = EINVAL};
	nh_filexfer_set_hooks(&h);
	nh_wctx_t *ctx = run_fx(NH_WL_SKIP, dirkv, "size=1M", "files=1", "mode=direct", NULL);
	nh_filexfer_set_hooks(NULL);
	snprintf(want, sizeof want,
		 "O_DIRECT is not supported by the filesystem of %s (open(2) %s/filexfer.%ld.0: "
		 "Invalid argument)",
		 dir, dir, (long)getpid());
	assert_string_equal(nh_wctx_reason_text(ctx), want);
	assert_int_equal(entries(dir), 0);
	nh_wctx_free(ctx);
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* Not enough free space: refused before anything is written, the reason giving the numbers. */
static void refuses_without_space(void **state)
{
	char dir[64], dirkv[80], want[256];
	make_dir(dir, sizeof dir);
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	nh_filexfer_hooks_t h = {.free_bytes = UINT64_C(100) << 20};
	nh_filexfer_set_hooks(&h);
	nh_wctx_t *ctx = run_fx(NH_WL_FAIL, dirkv, NULL);
	snprintf(want, sizeof want,
		 "filexfer needs 537.6 MiB (2 files of 256 MiB, 5%% headroom) but %s has 100 MiB "
		 "free",
		 dir);
	assert_string_equal(nh_wctx_reason_text(ctx), want);
	nh_wctx_free(ctx);
	ctx = run_fx(NH_WL_FAIL, dirkv, "mode=sendfile", "files=1", "size=64M", NULL);
	snprintf(
		want, sizeof want,
		"filexfer needs 134.4 MiB (1 file of 64 MiB and their copies, 5%% headroom) but %s "
		"has 100 MiB free",
		dir);
	assert_string_equal(nh_wctx_reason_text(ctx), want);
	nh_wctx_free(ctx);
	nh_filexfer_set_hooks(NULL);
	assert_int_equal(entries(dir), 0);
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* The same against a real small filesystem (root only: an 8 MiB tmpfs): statvfs refuses 8 MiB
 * of files; past the check (the hook lies about free space), the disk fills mid-run and the
 * failure names the write, with nothing left behind. */
static void small_tmpfs(void **state)
{
	char dir[64], dirkv[80], want[256], human[32];
	make_dir(dir, sizeof dir);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=8M") < 0) {
		int e = errno;
		rmdir(dir);
		print_message("skipped: cannot mount a tmpfs (%s): not root?\n", strerror(e));
		skip();
	}
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	struct statvfs sv;
	assert_int_equal(statvfs(dir, &sv), 0);
	nh_wctx_t *ctx = run_fx(NH_WL_FAIL, dirkv, "size=8M", "files=1", NULL);
	snprintf(want, sizeof want,
		 "filexfer needs 8.4 MiB (1 file of 8 MiB, 5%% headroom) but %s has %s free", dir,
		 nh_format_size((uint64_t)sv.f_bavail * sv.f_frsize, human, sizeof human));
	assert_string_equal(nh_wctx_reason_text(ctx), want);
	nh_wctx_free(ctx);
	assert_int_equal(entries(dir), 0);

	nh_filexfer_hooks_t h = {.free_bytes = UINT64_C(1) << 40};
	nh_filexfer_set_hooks(&h);
	ctx = run_fx(NH_WL_FAIL, dirkv, "size=6M", "files=2", NULL);
	nh_filexfer_set_hooks(NULL);
	snprintf(want, sizeof want, "write(2) %s/filexfer.%ld.1 at byte ", dir, (long)getpid());
	const char *reason = nh_wctx_reason_text(ctx);
	if (strncmp(reason, want, strlen(want)) != 0 || !strstr(reason, strerror(ENOSPC)))
		fail_msg("reason '%s'", reason);
	assert_int_equal(entries(dir), 0);
	nh_wctx_free(ctx);
	/* A small file fits, and tmpfs (shmem) pages show up as resident like any page cache. */
	ctx = run_fx(NH_WL_OK, dirkv, "size=1M", "files=1", NULL);
	assert_true(nh_wctx_metric_value(ctx, "resident_bytes") == 1 << 20);
	nh_wctx_free(ctx);
	assert_int_equal(umount(dir), 0);
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* ramfs (what an initramfs root can be) reports no size, so the space check stands aside, and
 * it has no O_DIRECT, which it refuses only after creating the file: the run is SKIP with the
 * reason, and that file is removed too (root only). */
static void ramfs_target(void **state)
{
	char dir[64], dirkv[80], want[256], buf[128];
	make_dir(dir, sizeof dir);
	if (mount("ramfs", dir, "ramfs", 0, NULL) < 0) {
		int e = errno;
		rmdir(dir);
		print_message("skipped: cannot mount a ramfs (%s): not root?\n", strerror(e));
		skip();
	}
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	nh_wctx_t *ctx = run_fx(NH_WL_SKIP, dirkv, "size=1M", "files=2", "mode=direct", NULL);
	snprintf(want, sizeof want,
		 "O_DIRECT is not supported by the filesystem of %s (open(2) %s/filexfer.%ld.0: "
		 "Invalid argument)",
		 dir, dir, (long)getpid());
	assert_string_equal(nh_wctx_reason_text(ctx), want);
	assert_int_equal(entries(dir), 0);
	nh_wctx_free(ctx);
	ctx = run_fx(NH_WL_OK, dirkv, "size=1M", "files=2", NULL);
	snprintf(want, sizeof want, "skipped: %s reports no size", dir);
	assert_string_equal(note(ctx, "space_check", buf, sizeof buf), want);
	assert_true(nh_wctx_metric_value(ctx, "resident_bytes") == 2 << 20);
	assert_int_equal(entries(dir), 0);
	nh_wctx_free(ctx);
	assert_int_equal(umount(dir), 0);
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* Sum of "node:pages" pairs, and the pages on node \p node. */
static uint64_t node_pages(const char *list, int node, uint64_t *on_node)
{
	uint64_t total = 0;
	*on_node = 0;
	for (const char *p = list; *p;) {
		char *end;
		long n = strtol(p, &end, 10);
		assert_true(*end == ':');
		uint64_t v = strtoull(end + 1, &end, 10);
		total += v;
		if (n == node)
			*on_node = v;
		p = *end == ',' ? end + 1 : end;
	}
	return total;
}

/* A 4 MiB file written then read back is cached whole: 1024 pages, all of them on a node the
 * stream ran on (node 0 on a one-node host). The page cache grew by about as much. */
static void residency_of_a_small_file(void **state)
{
	char dir[64], dirkv[80], buf[256], io[64];
	long page = sysconf(_SC_PAGESIZE);
	uint64_t on0;
	make_dir(dir, sizeof dir);
	snprintf(dirkv, sizeof dirkv, "dir=%s", dir);
	nh_wctx_t *ctx = run_fx(NH_WL_OK, dirkv, "size=4M", "files=1", NULL);
	assert_true(nh_wctx_metric_value(ctx, "resident_bytes") == 4 << 20);
	note(ctx, "resident_by_node", buf, sizeof buf);
	assert_int_equal(node_pages(buf, 0, &on0), (4 << 20) / page);
	note(ctx, "io_nodes", io, sizeof io);
	if (strcmp(io, "0") == 0) {
		assert_int_equal(on0, (4 << 20) / page);
		assert_true(nh_wctx_metric_value(ctx, "resident_local_share") == 1.0);
	}
	assert_true(nh_wctx_metric_value(ctx, "resident_local_share") >= 0.0);
	assert_string_not_equal(note(ctx, "filepages_growth_by_node", buf, sizeof buf), "");
	/* The cgroup's count is there, or the note says why not. */
	assert_true(has_metric(ctx, "cgroup_file_growth_bytes") ||
		    *note(ctx, "cgroup_file", buf, sizeof buf));
	nh_wctx_free(ctx);

	/* Dropped after reading (synced first, so no page is dirty): nothing stays cached. */
	ctx = run_fx(NH_WL_OK, dirkv, "size=4M", "files=1", "fadvise=dontneed", "fsync=1", NULL);
	assert_true(nh_wctx_metric_value(ctx, "resident_bytes") == 0);
	assert_false(has_metric(ctx, "resident_local_share"));
	nh_wctx_free(ctx);

	/* Evicted between the phases, read back from the device: the read's own pages are
	 * resident, clean, and dropped by fadvise. */
	ctx = run_fx(NH_WL_OK, dirkv, "size=4M", "files=1", "cold=1", NULL);
	assert_true(nh_wctx_metric_value(ctx, "resident_bytes") == 4 << 20);
	assert_true(nh_wctx_metric_value(ctx, "read_s") > 0);
	nh_wctx_free(ctx);
	ctx = run_fx(NH_WL_OK, dirkv, "size=4M", "files=1", "cold=1", "fadvise=dontneed", NULL);
	assert_true(nh_wctx_metric_value(ctx, "resident_bytes") == 0);
	nh_wctx_free(ctx);

	/* O_DIRECT bypasses the cache: only the unaligned tail's page may be there. */
	ctx = run_fx(NH_WL_OK, dirkv, "size=3145745", "files=1", "mode=direct", NULL);
	assert_true(nh_wctx_metric_value(ctx, "resident_bytes") <= page);
	assert_string_equal(note(ctx, "direct_tail", buf, sizeof buf),
			    "last 17 bytes of each file not O_DIRECT");
	nh_wctx_free(ctx);
	assert_int_equal(entries(dir), 0);
	assert_int_equal(rmdir(dir), 0);
	(void)state;
}

/* run_fx with the run's scratch directory set in the context, as the worker sets it. */
static nh_wctx_t *run_in_scratch(const char *scratch, enum nh_wl_status want, const char *const *kvs)
{
	nh_params_t p = {0};
	nh_err_t err;
	nh_set_t cpus;
	allowed_cpus(&cpus);
	for (; *kvs; kvs++)
		assert_int_equal(nh_params_set_kv(&p, *kvs, &err), 0);
	if (nh_run_options_check(&nh_workload_filexfer, &p, &err) < 0)
		fail_msg("%s", err.msg);
	nh_wctx_t *ctx = nh_wctx_new(&nh_workload_filexfer, &p, &cpus, 0);
	assert_non_null(ctx);
	nh_wctx_set_scratch_dir(ctx, scratch);
	enum nh_wl_status got = nh_workload_filexfer.run(ctx);
	if (got != want)
		fail_msg("status %d, want %d: %s", got, want, nh_wctx_reason_text(ctx));
	return ctx;
}

/* dir="" uses the run's scratch directory, creating it, and clears files that killed runs left there (dead
 * PIDs only); a directory that does not exist is an error naming it. */
static void scratch_dir(void **state)
{
	char base[64], scratch[128], stale[192], other[192], foreign[192], buf[256];
	make_dir(base, sizeof base);
	snprintf(scratch, sizeof scratch, "%s/results/tmp", base);
	const char *small[] = {"size=64K", "files=1", NULL};
	nh_wctx_t *ctx = run_in_scratch(scratch, NH_WL_OK, small);
	assert_string_equal(note(ctx, "dir", buf, sizeof buf), scratch);
	assert_int_equal(entries(scratch), 0);
	nh_wctx_free(ctx);

	pid_t dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	snprintf(stale, sizeof stale, "%s/filexfer.%d.0", scratch, (int)dead);
	snprintf(other, sizeof other, "%s/filexfer.%d.3.copy", scratch, (int)dead);
	snprintf(foreign, sizeof foreign, "%s/filexfer.notes", scratch);
	const char *made[] = {stale, other, foreign};
	for (size_t i = 0; i < NH_ARRAY_LEN(made); i++) {
		FILE *f = fopen(made[i], "w");
		assert_non_null(f);
		fclose(f);
	}
	ctx = run_in_scratch(scratch, NH_WL_OK, small);
	assert_string_equal(note(ctx, "stale_removed", buf, sizeof buf), "2 files of killed runs");
	assert_int_equal(entries(scratch), 1); /* only the file that is not ours */
	assert_int_equal(unlink(foreign), 0);
	nh_wctx_free(ctx);

	ctx = run_fx(NH_WL_FAIL, "dir=/nonexistent/filexfer", NULL);
	assert_string_equal(nh_wctx_reason_text(ctx),
			    "dir /nonexistent/filexfer: No such file or directory");
	nh_wctx_free(ctx);
	assert_int_equal(rmdir(scratch), 0);
	snprintf(scratch, sizeof scratch, "%s/results", base);
	assert_int_equal(rmdir(scratch), 0);
	assert_int_equal(rmdir(base), 0);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(meminfo_fields),
		cmocka_unit_test(stat_values),
		cmocka_unit_test(cgroup_dirs),
		cmocka_unit_test(space_rule),
		cmocka_unit_test(params_checked),
		cmocka_unit_test(plan_checks),
		cmocka_unit_test(every_mode_exact_bytes),
		cmocka_unit_test(streams_share_files),
		cmocka_unit_test(failures_clean_up),
		cmocka_unit_test(direct_unsupported_skips),
		cmocka_unit_test(refuses_without_space),
		cmocka_unit_test(small_tmpfs),
		cmocka_unit_test(ramfs_target),
		cmocka_unit_test(residency_of_a_small_file),
		cmocka_unit_test(scratch_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
