/* Unit tests of the grow workload: the schedule's truth (bytes at given times of each pattern,
 * the events between which nothing changes, the peak, max), the parameter and plan checks, and
 * whole runs through a context — anon, file (page cache in a temporary scratch directory) and
 * both — whose every applied event the test observes against the schedule. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "workload_testing.h"

#include "workload_ctx.h"
#include "../e2e/proc.h"
#include "../../workloads/grow_schedule.h"

extern const nh_workload_t nh_workload_grow;

#define MiB (UINT64_C(1) << 20)
#define KiB (UINT64_C(1) << 10)
#define MS UINT64_C(1000000)
#define SEC UINT64_C(1000000000)

/* ---- the schedule ---- */

/* The schedule of the "name=value" arguments (NULL-terminated) over the parameters' defaults;
 * init must accept them. */
static grow_schedule_t schedule(const char *first, ...)
{
	nh_params_t p = {0};
	nh_err_t err;
	va_list ap;
	va_start(ap, first);
	for (const char *kv = first; kv; kv = va_arg(ap, const char *))
		assert_int_equal(nh_params_set_kv(&p, kv, &err), 0);
	va_end(ap);
	if (nh_workload_check_params(&nh_workload_grow, &p, &err) < 0)
		fail_msg("%s", err.msg);
	grow_texts_t t = {
		nh_params_get(&p, "pattern"), nh_params_get(&p, "kind"), nh_params_get(&p, "rate"),
		nh_params_get(&p, "step"), nh_params_get(&p, "period"), nh_params_get(&p, "cycle"),
		nh_params_get(&p, "retain"), nh_params_get(&p, "duration"), nh_params_get(&p, "max"),
		nh_params_get(&p, "chunk"), NULL,
	};
	grow_schedule_t s;
	char why[256];
	if (grow_schedule_init(&s, &t, 4096, why, sizeof why) < 0)
		fail_msg("%s", why);
	return s;
}

static void at(const grow_schedule_t *s, uint64_t t_ns, uint64_t want)
{
	uint64_t got = grow_bytes_at(s, t_ns);
	if (got != want)
		fail_msg("at %.6f s: %llu B, want %llu B", (double)t_ns / SEC,
			 (unsigned long long)got, (unsigned long long)want);
}

/* Between two events nothing changes, every event is later than the last, and the walk ends
 * within the duration with the bytes at the end. Returns the number of events. */
static unsigned walk(const grow_schedule_t *s)
{
	unsigned n = 0;
	uint64_t t = 0, peak = grow_bytes_at(s, 0);
	for (uint64_t next; (next = grow_next_event(s, t)) != GROW_NEVER; t = next, n++) {
		if (next <= t || next > s->duration_ns)
			fail_msg("event %u at %llu ns after %llu ns", n, (unsigned long long)next,
				 (unsigned long long)t);
		assert_int_equal(grow_bytes_at(s, next - 1), grow_bytes_at(s, t));
		if (grow_bytes_at(s, next) > peak)
			peak = grow_bytes_at(s, next);
	}
	assert_int_equal(grow_bytes_at(s, t), grow_bytes_at(s, s->duration_ns));
	assert_int_equal(peak, grow_peak(s));
	return n;
}

static void ramp_truth(void **state)
{
	grow_schedule_t s = schedule("pattern=ramp", "rate=1M", "chunk=256K", "duration=2s", NULL);
	at(&s, 0, 0);
	at(&s, 250 * MS - 1, 0);
	at(&s, 250 * MS, 256 * KiB);
	at(&s, 1 * SEC, 1 * MiB);
	at(&s, 1500 * MS + 1, 1536 * KiB);
	at(&s, 2 * SEC, 2 * MiB);
	at(&s, 5 * SEC, 2 * MiB); /* past the end reads as the end */
	assert_int_equal(grow_peak(&s), 2 * MiB);
	assert_int_equal(walk(&s), 8); /* a chunk every 250 ms */

	/* max: grown to it, then held: no event after it. */
	s = schedule("pattern=ramp", "rate=1M", "chunk=256K", "duration=2s", "max=768K", NULL);
	at(&s, 750 * MS, 768 * KiB);
	at(&s, 2 * SEC, 768 * KiB);
	assert_int_equal(grow_next_event(&s, 750 * MS), GROW_NEVER);
	assert_int_equal(walk(&s), 3);
	(void)state;
}

static void steps_truth(void **state)
{
	grow_schedule_t s = schedule("pattern=steps", "step=8M", "period=200ms", "duration=2s",
				     NULL);
	at(&s, 0, 0);
	at(&s, 199 * MS, 0);
	at(&s, 200 * MS, 8 * MiB);
	at(&s, 399 * MS, 8 * MiB); /* flat between steps */
	at(&s, 1999 * MS, 72 * MiB);
	at(&s, 2 * SEC, 80 * MiB);
	assert_int_equal(grow_next_event(&s, 0), 200 * MS);
	assert_int_equal(grow_next_event(&s, 250 * MS), 400 * MS);
	assert_int_equal(walk(&s), 10);

	s = schedule("pattern=steps", "step=8M", "period=200ms", "duration=2s", "max=20M", NULL);
	at(&s, 400 * MS, 16 * MiB);
	at(&s, 600 * MS, 20 * MiB); /* the last step stops at max */
	at(&s, 2 * SEC, 20 * MiB);
	assert_int_equal(walk(&s), 3);
	(void)state;
}

/* rate 1 MiB/s, cycle 1 MiB in chunks of 256 KiB: the top is reached at 1 s and held until the
 * cycle ends at 1.25 s (a chunk's time), then all but retain x cycle is freed. */
static void sawtooth_truth(void **state)
{
	grow_schedule_t s = schedule("pattern=sawtooth", "rate=1M", "cycle=1M", "chunk=256K",
				     "retain=0.25", "duration=5s", NULL);
	assert_int_equal(s.retained, 256 * KiB);
	assert_int_equal(s.cycle_ns, 1250 * MS);
	at(&s, 0, 0);
	at(&s, 500 * MS, 512 * KiB);
	at(&s, 1 * SEC, 1 * MiB);		/* the top */
	at(&s, 1250 * MS - 1, 1 * MiB);	/* held */
	at(&s, 1250 * MS, 256 * KiB);		/* freed but the retained quarter */
	at(&s, 1500 * MS, 512 * KiB);
	at(&s, 2250 * MS, 256 * KiB + 1 * MiB); /* the second top, a quarter higher */
	at(&s, 2500 * MS, 512 * KiB);
	at(&s, 5 * SEC, 4 * 256 * KiB); /* four cycles done: four quarters kept */
	assert_int_equal(grow_peak(&s), 3 * 256 * KiB + 1 * MiB);
	assert_int_equal(walk(&s), 4 * 5); /* per cycle: 4 chunks and the free */

	/* retain=0: every cycle starts from nothing — no growth over cycles. */
	s = schedule("pattern=sawtooth", "rate=1M", "cycle=1M", "chunk=256K", "retain=0",
		     "duration=5s", NULL);
	for (uint64_t k = 0; k <= 4; k++)
		at(&s, k * 1250 * MS, 0);
	assert_int_equal(grow_peak(&s), 1 * MiB);
	walk(&s);

	/* retain=1 keeps everything: the troughs climb a cycle at a time. */
	s = schedule("pattern=sawtooth", "rate=1M", "cycle=1M", "chunk=256K", "retain=1",
		     "duration=5s", NULL);
	at(&s, 2500 * MS, 2 * MiB);
	walk(&s);

	/* max caps the tops and, once the kept part reaches it, ends the events. */
	s = schedule("pattern=sawtooth", "rate=1M", "cycle=1M", "chunk=256K", "retain=0.5",
		     "duration=5s", "max=1536K", NULL);
	at(&s, 2250 * MS, 1536 * KiB); /* 512 K kept + a whole cycle, capped */
	at(&s, 2500 * MS, 1 * MiB);
	at(&s, 3750 * MS, 1536 * KiB);
	assert_int_equal(grow_next_event(&s, 3750 * MS), GROW_NEVER);
	walk(&s);
	(void)state;
}

static void kinds_split(void **state)
{
	grow_schedule_t s = schedule("kind=both", NULL);
	assert_int_equal(grow_anon_part(&s, 8 * MiB), 4 * MiB);
	assert_int_equal(grow_anon_part(&s, 3 * 4096), 4096); /* whole pages, the rest is file */
	s = schedule("kind=file", NULL);
	assert_int_equal(grow_anon_part(&s, 8 * MiB), 0);
	s = schedule("kind=anon", NULL);
	assert_int_equal(grow_anon_part(&s, 8 * MiB), 8 * MiB);
	(void)state;
}

/* ---- parameters and plan ---- */

static void check_param(const char *kv, const char *want)
{
	check_workload_param(&nh_workload_grow, kv, want);
}

static void params_checked(void **state)
{
	check_param("pattern=spike", "grow: parameter 'pattern': 'spike' is not one of "
				     "ramp|steps|sawtooth");
	check_param("kind=shm", "grow: parameter 'kind': 'shm' is not one of anon|file|both");
	check_param("retain=1.5", "grow: parameter 'retain': '1.5' is not a fraction from 0 to 1 "
				  "(0.25 keeps a quarter of each cycle)");
	check_param("retain=half", "grow: parameter 'retain': 'half' is not a fraction from 0 to 1 "
				   "(0.25 keeps a quarter of each cycle)");
	check_param("rate=1K", "grow: parameter 'rate': 1K is outside 4 KiB .. 1 TiB");
	check_param("chunk=2G", "grow: parameter 'chunk': 2G is outside 4 KiB .. 1 GiB");
	check_param("duration=1ms", "grow: parameter 'duration': 1ms is outside 0.01 s .. 604800 s");
	check_param("period=0", "grow: parameter 'period': 0 is outside 0.001 s .. 86400 s");
	check_param("retain=0", NULL);
	check_param("retain=1", NULL);
	check_param("max=0", NULL);

	nh_params_t p = {0};
	nh_err_t err;
	assert_int_equal(nh_workload_check_params(&nh_workload_grow, &p, &err), 0);
	assert_string_equal(nh_params_get(&p, "pattern"), "ramp");
	assert_string_equal(nh_params_get(&p, "kind"), "anon");
	assert_string_equal(nh_params_get(&p, "rate"), "16M");
	assert_string_equal(nh_params_get(&p, "duration"), "10s");
	assert_string_equal(nh_params_get(&p, "max"), "0");
	assert_string_equal(nh_params_get(&p, "chunk"), "1M");
	(void)state;
}

#define plan_check(...) workload_plan_check(&nh_workload_grow, 2, why, sizeof why, __VA_ARGS__)

static void refused(const char *want, int rc, const char *why)
{
	assert_int_equal(rc, -1);
	assert_string_equal(why, want);
}

static void plan_checks(void **state)
{
	char why[256];
	assert_non_null(nh_workload_grow.check_plan);
	assert_int_equal(plan_check(NULL), 0);
	assert_int_equal(plan_check("pattern=steps", NULL), 0);
	refused("period=5s is longer than duration=2s: no step would happen",
		plan_check("pattern=steps", "period=5s", "duration=2s", NULL), why);
	refused("max=4M is less than step=8M: the first step would pass it",
		plan_check("pattern=steps", "step=8M", "max=4M", NULL), why);
	refused("step=5000 is not a whole number of 4096-byte pages",
		plan_check("pattern=steps", "step=5000", NULL), why);
	/* The defaults' cycle (64M at 16M/s, a chunk's hold) does not fit 2 s. */
	refused("one cycle (cycle=64M at rate=16M/s, its top held a chunk's time) takes 4.06 s, "
		"longer than duration=2s: nothing would be freed",
		plan_check("pattern=sawtooth", "duration=2s", NULL), why);
	refused("cycle=10M is not a whole number of chunks (chunk=4M)",
		plan_check("pattern=sawtooth", "cycle=10M", "chunk=4M", NULL), why);
	refused("cycle=1M is less than two chunks (chunk=1M): no tooth to grow",
		plan_check("pattern=sawtooth", "cycle=1M", NULL), why);
	refused("max=32M is less than cycle=64M: no cycle would reach its top",
		plan_check("pattern=sawtooth", "max=32M", NULL), why);
	refused("max=512K is less than one chunk (chunk=1M)", plan_check("max=512K", NULL), why);
	refused("rate=4K for duration=100ms grows less than one chunk (chunk=1M): nothing would "
		"grow", plan_check("rate=4K", "duration=100ms", NULL), why);
	refused("kind=both splits every chunk between anon and file: chunk=4K must be at least "
		"two pages (8192 B)", plan_check("kind=both", "chunk=4K", NULL), why);
	refused("chunk=6K is not a whole number of 4096-byte pages", plan_check("chunk=6K", NULL),
		why);
	/* Parameters of other patterns are not judged. */
	assert_int_equal(plan_check("pattern=ramp", "cycle=10M", "chunk=4M", "period=1h", NULL), 0);

	/* prefault (a run option) would touch everything at once. */
	nh_params_t p = {0};
	nh_err_t err;
	assert_int_equal(nh_params_set_kv(&p, "prefault=1", &err), 0);
	assert_int_equal(nh_run_options_check(&nh_workload_grow, &p, &err), 0);
	refused("prefault=1 would touch grow's whole reservation at once; grow touches its pages "
		"on its own schedule", nh_workload_grow.check_plan(&p, 2, why, sizeof why), why);
	(void)state;
}

/* ---- whole runs ---- */

/* What the test saw of a run: every applied event. */
struct seen {
	unsigned n;
	uint64_t t[4096], anon[4096], file[4096];
};

static void observe(uint64_t t, uint64_t anon, uint64_t file, void *arg)
{
	struct seen *s = arg;
	if (s->n < 4096) {
		s->t[s->n] = t;
		s->anon[s->n] = anon;
		s->file[s->n] = file;
	}
	s->n++;
}

/* The run walked the schedule: its events at the schedule's times, in order, holding the
 * schedule's bytes split by kind at each — a late event is applied late, never skipped. */
static void walked(const struct seen *seen, const grow_schedule_t *s)
{
	uint64_t t = 0;
	unsigned i = 0;
	for (;; i++) {
		if (i >= seen->n)
			fail_msg("the run applied %u events, the schedule has more", seen->n);
		assert_int_equal(seen->t[i], t);
		uint64_t total = grow_bytes_at(s, t), anon = grow_anon_part(s, total);
		assert_int_equal(seen->anon[i], anon);
		assert_int_equal(seen->file[i], total - anon);
		if ((t = grow_next_event(s, t)) == GROW_NEVER)
			break;
	}
	assert_int_equal(seen->n, i + 1);
}

static double metric(const nh_wctx_t *ctx, const char *name)
{
	double v = nh_wctx_metric_value(ctx, name);
	if (isnan(v))
		fail_msg("metric %s missing", name);
	return v;
}

/* Run grow with \p kvs (NULL-terminated) in the scratch directory \p scratch (NULL: none). */
static nh_wctx_t *run_grow_in(const char *scratch, enum nh_wl_status want, struct seen *seen,
			      const char *const *kvs)
{
	nh_set_t cpus;
	allowed_cpus(&cpus);
	nh_params_t p = {0};
	nh_err_t err;
	for (; *kvs; kvs++)
		assert_int_equal(nh_params_set_kv(&p, *kvs, &err), 0);
	if (nh_run_options_check(&nh_workload_grow, &p, &err) < 0)
		fail_msg("%s", err.msg);
	nh_wctx_t *ctx = nh_wctx_new(&nh_workload_grow, &p, &cpus, 0);
	assert_non_null(ctx);
	nh_wctx_set_scratch_dir(ctx, scratch);
	memset(seen, 0, sizeof *seen);
	nh_grow_set_observer(observe, seen);
	enum nh_wl_status got = nh_workload_grow.run(ctx);
	nh_grow_set_observer(NULL, NULL);
	if (got != want)
		fail_msg("status %d, want %d: %s", got, want, nh_wctx_reason_text(ctx));
	return ctx;
}

static struct seen seen; /* too big for a test's stack */

static void run_steps_anon(void **state)
{
	const char *kvs[] = {"pattern=steps", "step=1M", "period=50ms", "duration=300ms", NULL};
	nh_wctx_t *ctx = run_grow_in(NULL, NH_WL_OK, &seen, kvs);
	grow_schedule_t s = schedule("pattern=steps", "step=1M", "period=50ms", "duration=300ms",
				     NULL);
	walked(&seen, &s);
	assert_int_equal(metric(ctx, "held_bytes"), 6 * MiB);
	assert_int_equal(metric(ctx, "grown_bytes"), 6 * MiB); /* touched, so resident */
	assert_int_equal(metric(ctx, "peak_bytes"), 6 * MiB);
	assert_int_equal(metric(ctx, "step_bytes"), 1 * MiB);
	assert_true(fabs(metric(ctx, "period_s") - 0.05) < 1e-12);
	/* Only what applies to steps: no fake rate or cycle. */
	assert_false(has_metric(ctx, "rate_Bps"));
	assert_false(has_metric(ctx, "retained_Bpc"));
	assert_false(has_metric(ctx, "cycle_s"));
	assert_true(has_note(ctx, "schedule=steps of 1 MiB every 0.050 s"));
	assert_true(has_note(ctx, "held=anon 6 MiB, file 0 B"));
	assert_true(has_note(ctx, "events=7;"));
	/* The placement snapshot over sampled pages, touched by the pinned thread's CPU. */
	const nh_placement_t *pl = nh_wctx_placement(ctx, NULL);
	assert_non_null(pl);
	assert_int_equal(pl->pages_total, 512); /* every third of the 1536 pages */
	assert_int_equal(nh_wctx_region_count(ctx), 512);
	const nh_proc_mem_t *mem;
	const nh_cgroup_mem_t *cg;
	assert_true(nh_wctx_memory(ctx, &mem, &cg));
	nh_wctx_free(ctx);
	(void)state;
}

static void run_sawtooth_anon(void **state)
{
	/* cycle 2M in chunks of 512K at 16M/s: a cycle every 2.5M / 16M = 156.25 ms. */
	const char *kvs[] = {"pattern=sawtooth", "rate=16M", "cycle=2M", "chunk=512K",
			     "retain=0.5", "duration=500ms", NULL};
	nh_wctx_t *ctx = run_grow_in(NULL, NH_WL_OK, &seen, kvs);
	grow_schedule_t s = schedule("pattern=sawtooth", "rate=16M", "cycle=2M", "chunk=512K",
				     "retain=0.5", "duration=500ms", NULL);
	walked(&seen, &s);
	/* Three cycles freed (1M kept of each), 512K into the fourth. */
	assert_int_equal(metric(ctx, "held_bytes"), 3 * MiB + 512 * KiB);
	assert_int_equal(metric(ctx, "grown_bytes"), 3 * MiB + 512 * KiB);
	assert_int_equal(metric(ctx, "peak_bytes"), 2 * MiB + 2 * MiB); /* the third top */
	assert_int_equal(metric(ctx, "retained_Bpc"), 1 * MiB);
	assert_int_equal(metric(ctx, "cycle_bytes"), 2 * MiB);
	assert_int_equal(metric(ctx, "rate_Bps"), 16 * MiB);
	assert_true(fabs(metric(ctx, "cycle_s") - 0.15625) < 1e-9);
	assert_false(has_metric(ctx, "step_bytes"));
	nh_wctx_free(ctx);

	/* retain=0: freed to nothing each cycle; the free really gave the pages back. */
	const char *zero[] = {"pattern=sawtooth", "rate=16M", "cycle=2M", "chunk=512K",
			      "retain=0", "duration=320ms", NULL};
	ctx = run_grow_in(NULL, NH_WL_OK, &seen, zero);
	s = schedule("pattern=sawtooth", "rate=16M", "cycle=2M", "chunk=512K", "retain=0",
		     "duration=320ms", NULL);
	walked(&seen, &s);
	assert_int_equal(metric(ctx, "retained_Bpc"), 0);
	assert_int_equal(metric(ctx, "held_bytes"), 0);
	assert_int_equal(metric(ctx, "grown_bytes"), 0);
	assert_int_equal(metric(ctx, "peak_bytes"), 2 * MiB);
	nh_wctx_free(ctx);
	(void)state;
}

static void run_ramp_max_locked(void **state)
{
	/* mlock=1 as well: the held pages are locked, and the run still ends holding max. */
	const char *kvs[] = {"pattern=ramp", "rate=32M", "chunk=1M", "duration=300ms", "max=5M",
			     "mlock=1", NULL};
	nh_wctx_t *ctx = run_grow_in(NULL, NH_WL_OK, &seen, kvs);
	grow_schedule_t s = schedule("pattern=ramp", "rate=32M", "chunk=1M", "duration=300ms",
				     "max=5M", NULL);
	walked(&seen, &s);
	assert_int_equal(metric(ctx, "held_bytes"), 5 * MiB);
	assert_int_equal(metric(ctx, "grown_bytes"), 5 * MiB);
	assert_int_equal(metric(ctx, "rate_Bps"), 32 * MiB);
	assert_false(has_metric(ctx, "period_s"));
	assert_true(has_note(ctx, "max=5 MiB, reached at 0.15"));
	nh_wctx_free(ctx);

	const char *locked[] = {"pattern=sawtooth", "rate=64M", "cycle=2M", "chunk=1M",
				"retain=0.5", "duration=200ms", "mlock=1", NULL};
	ctx = run_grow_in(NULL, NH_WL_OK, &seen, locked);
	s = schedule("pattern=sawtooth", "rate=64M", "cycle=2M", "chunk=1M", "retain=0.5",
		     "duration=200ms", NULL);
	walked(&seen, &s);
	assert_int_equal(metric(ctx, "grown_bytes"), metric(ctx, "held_bytes"));
	nh_wctx_free(ctx);
	(void)state;
}

static unsigned entries(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	unsigned n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Page cache: written into an unlinked file of the scratch directory, resident at the end,
 * nothing left behind; both: half each. */
static void run_file_kinds(void **state)
{
	char *tmp = nh_tmpdir();
	char scratch[4200];
	snprintf(scratch, sizeof scratch, "%s/scratch", tmp); /* created by the run */
	const char *kvs[] = {"pattern=steps", "kind=file", "step=2M", "period=50ms",
			     "duration=200ms", NULL};
	nh_wctx_t *ctx = run_grow_in(scratch, NH_WL_OK, &seen, kvs);
	grow_schedule_t s = schedule("pattern=steps", "kind=file", "step=2M", "period=50ms",
				     "duration=200ms", NULL);
	walked(&seen, &s);
	assert_int_equal(metric(ctx, "held_bytes"), 8 * MiB);
	/* Dirty page cache is resident until written back and reclaimed; this test's cgroup has
	 * room for 8 MiB. */
	assert_int_equal(metric(ctx, "grown_bytes"), 8 * MiB);
	assert_true(has_note(ctx, "held=anon 0 B, file 8 MiB"));
	assert_true(has_note(ctx, "file_resident_bytes=8388608"));
	char want[4300];
	snprintf(want, sizeof want, "file_dir=%s (an unlinked file)", scratch);
	assert_true(has_note(ctx, want));
	assert_false(has_note(ctx, "segments="));
	assert_true(nh_wctx_region_count(ctx) > 0); /* the file's cached pages, sampled */
	nh_wctx_free(ctx);
	assert_int_equal(entries(scratch), 0);

	const char *both[] = {"pattern=sawtooth", "kind=both", "rate=32M", "cycle=4M", "chunk=1M",
			      "retain=0.5", "duration=400ms", NULL};
	ctx = run_grow_in(scratch, NH_WL_OK, &seen, both);
	s = schedule("pattern=sawtooth", "kind=both", "rate=32M", "cycle=4M", "chunk=1M",
		     "retain=0.5", "duration=400ms", NULL);
	walked(&seen, &s);
	uint64_t held = grow_bytes_at(&s, s.duration_ns);
	assert_int_equal(metric(ctx, "held_bytes"), held);
	assert_int_equal(metric(ctx, "grown_bytes"), held);
	char note[64];
	snprintf(note, sizeof note, "anon_resident_bytes=%llu", (unsigned long long)(held / 2));
	assert_true(has_note(ctx, note));
	snprintf(note, sizeof note, "file_resident_bytes=%llu", (unsigned long long)(held / 2));
	assert_true(has_note(ctx, note));
	nh_wctx_free(ctx);
	assert_int_equal(entries(scratch), 0);
	nh_rm_rf(tmp);
	free(tmp);
	(void)state;
}

/* A context the plan never saw: the run refuses with the plan's message. */
static void run_rejects_bad_combinations(void **state)
{
	const char *kvs[] = {"pattern=steps", "period=2s", "duration=1s", NULL};
	nh_wctx_t *ctx = run_grow_in(NULL, NH_WL_FAIL, &seen, kvs);
	assert_string_equal(nh_wctx_reason_text(ctx),
			    "period=2s is longer than duration=1s: no step would happen");
	assert_int_equal(seen.n, 0);
	assert_false(has_metric(ctx, "held_bytes"));
	nh_wctx_free(ctx);
	(void)state;
}

/* A scratch directory that cannot be made fails the run naming it, before any growth. */
static void run_file_unwritable(void **state)
{
	const char *kvs[] = {"kind=file", "duration=100ms", "rate=64M", NULL};
	nh_wctx_t *ctx = run_grow_in("/proc/version/scratch", NH_WL_FAIL, &seen, kvs);
	const char *why = nh_wctx_reason_text(ctx);
	if (!strstr(why, "/proc/version"))
		fail_msg("reason: %s", why);
	assert_int_equal(seen.n, 0);
	nh_wctx_free(ctx);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ramp_truth),
		cmocka_unit_test(steps_truth),
		cmocka_unit_test(sawtooth_truth),
		cmocka_unit_test(kinds_split),
		cmocka_unit_test(params_checked),
		cmocka_unit_test(plan_checks),
		cmocka_unit_test(run_steps_anon),
		cmocka_unit_test(run_sawtooth_anon),
		cmocka_unit_test(run_ramp_max_locked),
		cmocka_unit_test(run_file_kinds),
		cmocka_unit_test(run_rejects_bad_combinations),
		cmocka_unit_test(run_file_unwritable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
