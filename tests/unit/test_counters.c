/* Unit tests of the counter sampler: specs, event-set files, real software counts, reasons. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <perfmon/pfmlib_perf_event.h>

#include "sample_counters.h"

extern const struct nh_embedded_file {
	const char *name, *text;
	size_t len;
} nh_event_files[];

#define SETS "cycles, latency, llc, numa, software"
#define NO_PMU                                                                                     \
	"no hardware PMU available to this process (virtual machine without PMU passthrough?)"

static const nh_counter_t *find(const nh_counter_t *v, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	fail_msg("no counter %s", name);
	return NULL;
}

static const nh_derived_t *find_derived(const nh_derived_t *d, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(d[i].name, name) == 0)
			return &d[i];
	fail_msg("no derived metric %s", name);
	return NULL;
}

static int sys_open(struct perf_event_attr *a, int pid, int cpu, int group_fd, unsigned long flags)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, group_fd, flags);
}

static int restore_hooks(void **state)
{
	nh_counters_set_test_hooks(NULL, INT_MIN);
	(void)state;
	return 0;
}

/* ---- specs ---- */

static void spec_valid(void **state)
{
	static const char *const ok[] = {
		"none",
		"default",
		"llc",
		"llc,numa",
		" llc , numa ",
		"software,perf::PAGE-FAULTS",
		"LONGEST_LAT_CACHE:MISS",
		"default,llc",
		"page-faults",
		"NOT_A_REAL_EVENT:FOO",
		"OFFCORE_REQUESTS_OUTSTANDING:DEMAND_DATA_RD:c=1",
	};
	nh_err_t err;
	for (size_t i = 0; i < NH_ARRAY_LEN(ok); i++)
		if (nh_counters_check_spec(ok[i], &err) != 0)
			fail_msg("'%s' refused: %s", ok[i], err.msg);
	(void)state;
}

static void spec_invalid(void **state)
{
	static const struct {
		const char *spec, *msg;
	} bad[] = {
		{"lcc", "counters 'lcc': unknown event set 'lcc' (sets: " SETS ")"},
		{"llc,nuna", "counters 'llc,nuna': unknown event set 'nuna' (sets: " SETS ")"},
		{"", "counters '': empty (use none, default, or a comma list of sets (" SETS
		     ") and events)"},
		{"llc,,numa", "counters 'llc,,numa': empty item in the list"},
		{"llc,", "counters 'llc,': empty item in the list"},
		{"none,llc", "counters 'none,llc': 'none' cannot be combined with other items"},
		{"perf::PAGE FAULTS", "counters 'perf::PAGE FAULTS': 'perf::PAGE FAULTS' is not an "
				      "event name"},
	};
	nh_err_t err;
	for (size_t i = 0; i < NH_ARRAY_LEN(bad); i++) {
		errno = 0;
		assert_int_equal(nh_counters_check_spec(bad[i].spec, &err), -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err.msg, bad[i].msg);
		assert_null(nh_counters_open(bad[i].spec, &err));
		assert_string_equal(err.msg, bad[i].msg);
	}

	/* More events than a report has room for. */
	char many[2048] = "";
	for (int i = 0; i < NH_MAX_COUNTERS + 1; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many), "%sEV_%d:X", i ? "," : "",
			 i);
	assert_int_equal(nh_counters_check_spec(many, &err), -1);
	assert_non_null(strstr(err.msg, "too many"));
	char ev[200];
	memset(ev, 'A', sizeof ev - 1);
	ev[sizeof ev - 1] = '\0';
	assert_int_equal(nh_counters_check_spec(ev, &err), -1);
	assert_non_null(strstr(err.msg, "too long"));
	(void)state;
}

static void none_counts_nothing(void **state)
{
	nh_err_t err;
	nh_counter_t v[NH_MAX_COUNTERS];
	nh_derived_t d[NH_MAX_DERIVED];
	nh_counters_t *c = nh_counters_open("none", &err);
	assert_non_null(c);
	assert_int_equal(nh_counters_read(c, v, NH_MAX_COUNTERS), 0);
	assert_int_equal(nh_counters_derive(c, v, 0, d, NH_MAX_DERIVED), 0);
	nh_counters_close(c);
	(void)state;
}

/* ---- event-set files ---- */

/* One event of a PMU-specific variant, as the files spell it. */
struct file_event {
	char pmu[32], event[96], where[64];
};

static unsigned file_events(struct file_event *out, unsigned max, unsigned *generic_sets)
{
	unsigned n = 0;
	*generic_sets = 0;
	for (const struct nh_embedded_file *f = nh_event_files; f->name; f++) {
		char pmus[8][32];
		unsigned npmus = 0, lineno = 0;
		bool generic_or_missing = false;
		char *text = strndup(f->text, f->len), *save = NULL;
		for (char *line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			lineno++;
			char w[4][96];
			int k = sscanf(line, "%95s %95s %95s %95s", w[0], w[1], w[2], w[3]);
			if (k >= 1 && strcmp(w[0], "missing") == 0)
				generic_or_missing = true;
			if (k >= 2 && strcmp(w[0], "variant") == 0) {
				npmus = 0;
				for (char *tok = line + strlen("variant"), *end; npmus < 8;
				     tok = end) {
					while (*tok == ' ')
						tok++;
					if (!*tok)
						break;
					end = tok + strcspn(tok, " ");
					snprintf(pmus[npmus++], 32, "%.*s", (int)(end - tok), tok);
				}
				if (strcmp(pmus[0], "generic") == 0)
					generic_or_missing = true;
			}
			if (k >= 3 && strcmp(w[0], "event") == 0) {
				for (unsigned i = 0; i < npmus && n < max; i++, n++) {
					snprintf(out[n].pmu, sizeof out[n].pmu, "%s", pmus[i]);
					snprintf(out[n].event, sizeof out[n].event, "%s", w[2]);
					snprintf(out[n].where, sizeof out[n].where, "%s.events:%u",
						 f->name, lineno);
				}
			}
		}
		*generic_sets += generic_or_missing;
		free(text);
	}
	return n;
}

static bool encodes(const char *event)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;
	memset(&attr, 0, sizeof attr);
	memset(&arg, 0, sizeof arg);
	arg.attr = &attr;
	arg.size = sizeof arg;
	return pfm_get_os_event_encoding(event, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg) ==
	       PFM_SUCCESS;
}

/* Run by a fresh copy of this program (libpfm4 reads LIBPFM_FORCE_PMU once, and cannot be
 * re-initialised cleanly): libpfm4 believes it runs on \p pmu; encode every event the files name
 * for it. Returns the exit status: the number of failures. */
static int check_forced_pmu(const char *pmu)
{
	static struct file_event ev[256];
	unsigned generic_sets, failures = 0;
	unsigned n = file_events(ev, NH_ARRAY_LEN(ev), &generic_sets);
	if (pfm_initialize() != PFM_SUCCESS)
		return 100;
	bool present = false;
	pfm_pmu_t p;
	pfm_for_all_pmus (p) {
		pfm_pmu_info_t info;
		memset(&info, 0, sizeof info);
		info.size = sizeof info;
		if (pfm_get_pmu_info(p, &info) == PFM_SUCCESS && info.is_present &&
		    strcmp(info.name, pmu) == 0)
			present = true;
	}
	if (!present) {
		fprintf(stderr, "libpfm4 has no PMU named %s\n", pmu);
		return 101;
	}
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(ev[i].pmu, pmu) != 0 || strncmp(ev[i].event, "perf::", 6) == 0)
			continue;
		if (!encodes(ev[i].event)) {
			fprintf(stderr, "%s: %s is not an event of %s\n", ev[i].where, ev[i].event,
				pmu);
			failures++;
		}
	}
	return (int)failures;
}

static const char *self_path = "/proc/self/exe"; /* argv[0] when it is a path (valgrind) */

static int check_pmu_in_child(const char *pmu)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setenv("LIBPFM_FORCE_PMU", pmu, 1);
		setenv("NH_TEST_FORCED_PMU", pmu, 1);
		execl(self_path, "test_counters", (char *)NULL);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Every event string in a PMU-specific variant exists in this libpfm4 for that PMU, so a typo in
 * a file cannot pass for "unknown event on this CPU" on the hosts it was written for. */
static void event_files_name_real_events(void **state)
{
	static struct file_event ev[256];
	unsigned generic_sets;
	unsigned n = file_events(ev, NH_ARRAY_LEN(ev), &generic_sets);
	nh_err_t err;
	assert_int_equal(nh_counters_check_spec("default", &err), 0);
	assert_true(n > 10);
	assert_int_equal(generic_sets, 5); /* every set has a generic variant or a reason */
	assert_int_equal(pfm_initialize(), PFM_SUCCESS);
	for (unsigned i = 0; i < n; i++) {
		if (strncmp(ev[i].event, "perf::", 6) == 0 && !encodes(ev[i].event))
			fail_msg("%s: %s unknown to libpfm4", ev[i].where, ev[i].event);
		if (strcmp(ev[i].pmu, "generic") == 0)
			continue;
		bool seen = false;
		for (unsigned j = 0; j < i; j++)
			seen |= strcmp(ev[j].pmu, ev[i].pmu) == 0;
		if (!seen && check_pmu_in_child(ev[i].pmu) != 0)
			fail_msg("events for PMU %s do not all encode (see stderr)", ev[i].pmu);
	}
	(void)state;
}

/* ---- real counts ---- */

#define PAGES 256

static void *touch_pages(void *arg)
{
	char *buf = arg;
	long page = sysconf(_SC_PAGESIZE);
	for (int i = 0; i < PAGES; i++)
		buf[(size_t)i * (size_t)page] = 1;
	nanosleep(&(struct timespec){.tv_nsec = 2000000}, NULL); /* at least one context switch */
	return NULL;
}

/* The software set around real work done by a thread created after the open: its page faults
 * are counted, which only inherit can do. */
static void software_counts_thread_work(void **state)
{
	nh_err_t err;
	long page = sysconf(_SC_PAGESIZE);
	char *buf = mmap(NULL, (size_t)PAGES * (size_t)page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(buf != MAP_FAILED);
	madvise(buf, (size_t)PAGES * (size_t)page, MADV_NOHUGEPAGE); /* one fault per page */

	nh_counters_t *c = nh_counters_open("software", &err);
	assert_non_null(c);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, touch_pages, buf), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* The thread's counts join the inherited counters when it has fully exited. */
	assert_int_equal(nh_counters_settle(1, 5.0), 0);

	nh_counter_t v[NH_MAX_COUNTERS];
	unsigned n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_int_equal(n, 4);
	const nh_counter_t *clock = find(v, n, "software.task_clock");
	const nh_counter_t *faults = find(v, n, "software.page_faults");
	const nh_counter_t *cs = find(v, n, "software.context_switches");
	find(v, n, "software.cpu_migrations");
	if (!clock->available && strstr(clock->reason, "not permitted"))
		skip(); /* perf_event_open is closed to this process altogether */
	assert_true(clock->available);
	assert_true(faults->available);
	assert_string_equal(faults->event, "perf::PAGE-FAULTS");
	assert_true(clock->value > 0);
	assert_true(faults->value >= PAGES);
	for (unsigned i = 0; i < n; i++) {
		if (v[i].available) {
			assert_true(v[i].time_running > 0);
			assert_true(v[i].time_enabled >= v[i].time_running);
		} else { /* kernel-side events are refused user-only counting, never 0 */
			assert_non_null(strstr(v[i].reason, "perf_event_paranoid"));
		}
	}
	if (cs->available && !cs->user_only)
		assert_true(cs->value >= 1);
	nh_counters_close(c);
	munmap(buf, (size_t)PAGES * (size_t)page);
	(void)state;
}

static void unknown_event_has_reason(void **state)
{
	nh_err_t err;
	nh_counters_t *c = nh_counters_open("NOT_A_REAL_EVENT:FOO,perf::PAGE-FAULTS", &err);
	assert_non_null(c);
	nh_counter_t v[NH_MAX_COUNTERS];
	unsigned n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].name, "NOT_A_REAL_EVENT:FOO");
	assert_false(v[0].available);
	const char *want = "unknown event on this host's PMUs (libpfm4 detected: ";
	assert_memory_equal(v[0].reason, want, strlen(want));
	assert_non_null(strstr(v[0].reason, "perf"));
	nh_counters_close(c);
	(void)state;
}

/* On this PMU-less VM the cycles set is unavailable because of the PMU; on a host with a PMU
 * it counts (or perf_event_paranoid says why not). */
static void hardware_counts_or_says_why(void **state)
{
	nh_err_t err;
	nh_counters_t *c = nh_counters_open("cycles", &err);
	assert_non_null(c);
	nh_counter_t v[NH_MAX_COUNTERS];
	unsigned n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_int_equal(n, 2);
	for (unsigned i = 0; i < n; i++) {
		bool pmu = strstr(v[i].reason, "PMU") != NULL;
		bool perm = strstr(v[i].reason, "not permitted") != NULL;
		if (v[i].available)
			assert_true(v[i].time_running > 0 || v[i].time_enabled == 0);
		else
			assert_true(pmu || perm || strstr(v[i].reason, "never scheduled"));
		if (!v[i].available && pmu)
			assert_string_equal(v[i].reason, NO_PMU);
	}
	nh_counters_close(c);
	(void)state;
}

/* ---- injected failures ---- */

static int fake_no_pmu(struct perf_event_attr *a, int pid, int cpu, int group_fd,
		       unsigned long flags)
{
	if (a->type != PERF_TYPE_SOFTWARE) {
		errno = ENOENT;
		return -1;
	}
	return sys_open(a, pid, cpu, group_fd, flags);
}

static void no_pmu_reason_and_derived(void **state)
{
	nh_err_t err;
	nh_counters_set_test_hooks(fake_no_pmu, INT_MIN);
	nh_counters_t *c = nh_counters_open("cycles,software", &err);
	assert_non_null(c);
	nh_counter_t v[NH_MAX_COUNTERS];
	nh_derived_t d[NH_MAX_DERIVED];
	unsigned n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_int_equal(n, 6);
	assert_string_equal(find(v, n, "cycles.cycles")->reason, NO_PMU);
	assert_false(find(v, n, "cycles.instructions")->available);
	assert_true(find(v, n, "software.task_clock")->available);
	unsigned nd = nh_counters_derive(c, v, n, d, NH_MAX_DERIVED);
	assert_int_equal(nd, 1);
	assert_string_equal(d[0].name, "cycles.ipc");
	assert_string_equal(d[0].unit, "instr/cycle");
	assert_false(d[0].available);
	assert_string_equal(d[0].reason, "input cycles.instructions unavailable: " NO_PMU);

	/* The record: reasons, never a value, for what could not be counted. */
	json_t *j = nh_counters_json(v, n, d, nd);
	assert_non_null(j);
	json_t *cyc = json_object_get(j, "cycles.cycles");
	assert_non_null(cyc);
	assert_null(json_object_get(cyc, "value"));
	assert_string_equal(json_string_value(json_object_get(cyc, "unavailable")), NO_PMU);
	assert_string_equal(json_string_value(json_object_get(cyc, "event")), "perf::CYCLES");
	json_t *ipc = json_object_get(j, "cycles.ipc");
	assert_null(json_object_get(ipc, "value"));
	assert_non_null(json_object_get(ipc, "unavailable"));
	json_t *clock = json_object_get(j, "software.task_clock");
	assert_true(json_is_real(json_object_get(clock, "value")));
	assert_true(json_is_integer(json_object_get(clock, "raw")));
	assert_true(json_is_integer(json_object_get(clock, "time_enabled_ns")));
	assert_true(json_is_integer(json_object_get(clock, "time_running_ns")));
	assert_true(json_is_boolean(json_object_get(clock, "multiplexed")));
	assert_null(json_object_get(clock, "unavailable"));
	json_decref(j);
	nh_counters_close(c);
	(void)state;
}

/* perf_event_paranoid=2 without CAP_PERFMON: the kernel refuses anything that counts kernel mode.
 */
static int fake_paranoid2(struct perf_event_attr *a, int pid, int cpu, int group_fd,
			  unsigned long flags)
{
	if (!a->exclude_kernel) {
		errno = EACCES;
		return -1;
	}
	return sys_open(a, pid, cpu, group_fd, flags);
}

static int fake_denied(struct perf_event_attr *a, int pid, int cpu, int group_fd,
		       unsigned long flags)
{
	errno = EACCES;
	return -1;
}

static void paranoid_reasons(void **state)
{
	nh_err_t err;
	nh_counter_t v[NH_MAX_COUNTERS];

	nh_counters_set_test_hooks(fake_paranoid2, 2);
	nh_counters_t *c = nh_counters_open("software", &err);
	assert_non_null(c);
	unsigned n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	const nh_counter_t *clock = find(v, n, "software.task_clock");
	assert_true(clock->available);
	assert_true(clock->user_only);
	assert_true(find(v, n, "software.page_faults")->user_only);
	/* User-only would count 0 context switches: refused, with the reason. */
	assert_false(find(v, n, "software.context_switches")->available);
	assert_string_equal(
		find(v, n, "software.context_switches")->reason,
		"not permitted: perf_event_paranoid=2 (needs <= 1 to count kernel mode, "
		"or CAP_PERFMON)");
	json_t *j = nh_counters_json(v, n, NULL, 0);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(j, "software.task_clock"), "scope")),
			    "user");
	json_decref(j);
	nh_counters_close(c);

	nh_counters_set_test_hooks(fake_denied, 3);
	c = nh_counters_open("software", &err);
	n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_string_equal(
		find(v, n, "software.task_clock")->reason,
		"not permitted: perf_event_paranoid=3 (needs <= 2 to count user mode, or "
		"CAP_PERFMON)");
	nh_counters_close(c);

	nh_counters_set_test_hooks(fake_denied, 1);
	c = nh_counters_open("perf::PAGE-FAULTS", &err);
	n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_string_equal(v[0].reason, "not permitted: perf_event_open denied although "
					 "perf_event_paranoid=1 (seccomp or a security module?)");
	nh_counters_close(c);
	(void)state;
}

/* A group that will not take a member: the member counts alone. */
static int fake_no_groups(struct perf_event_attr *a, int pid, int cpu, int group_fd,
			  unsigned long flags)
{
	if (group_fd >= 0) {
		errno = EINVAL;
		return -1;
	}
	return sys_open(a, pid, cpu, group_fd, flags);
}

/* Crafted reads: each open returns a pipe holding the next {value, enabled, running}. */
static uint64_t crafted[8][3];
static unsigned crafted_next;

static int fake_crafted(struct perf_event_attr *a, int pid, int cpu, int group_fd,
			unsigned long flags)
{
	int p[2];
	if (crafted_next == NH_ARRAY_LEN(crafted) || pipe(p) < 0)
		return -1;
	if (write(p[1], crafted[crafted_next++], sizeof crafted[0]) != sizeof crafted[0])
		return -1;
	close(p[1]);
	return p[0];
}

static void scaling_and_never_scheduled(void **state)
{
	nh_err_t err;
	nh_counter_t v[NH_MAX_COUNTERS];
	nh_derived_t d[NH_MAX_DERIVED];

	nh_counters_set_test_hooks(fake_no_groups, INT_MIN);
	nh_counters_t *c = nh_counters_open("software", &err);
	unsigned n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_true(find(v, n, "software.task_clock")->available);
	nh_counters_close(c);

	/* software: task_clock, page_faults, context_switches, cpu_migrations, in file order. */
	uint64_t sw[4][3] = {{7, 100, 0}, {5, 100, 50}, {3, 100, 100}, {0, 0, 0}};
	memcpy(crafted, sw, sizeof sw);
	crafted_next = 0;
	nh_counters_set_test_hooks(fake_crafted, INT_MIN);
	c = nh_counters_open("software", &err);
	n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_int_equal(n, 4);
	assert_false(v[0].available);
	assert_string_equal(v[0].reason, "never scheduled: more events than counters (multiplexing "
					 "gave it no time)");
	assert_true(v[1].available);
	assert_true(v[1].multiplexed);
	assert_int_equal(v[1].raw, 5);
	assert_true(v[1].value > 9.999 && v[1].value < 10.001);
	assert_true(v[2].available);
	assert_false(v[2].multiplexed);
	assert_true(v[2].value == 3.0);
	assert_true(v[3].available);
	json_t *j = nh_counters_json(v, n, NULL, 0);
	assert_null(json_object_get(json_object_get(j, "software.task_clock"), "value"));
	assert_true(json_is_true(
		json_object_get(json_object_get(j, "software.page_faults"), "multiplexed")));
	json_decref(j);
	nh_counters_close(c);

	/* llc: references then misses in every variant. */
	uint64_t zero[2][3] = {{0, 10, 10}, {0, 10, 10}};
	memcpy(crafted, zero, sizeof zero);
	crafted_next = 0;
	c = nh_counters_open("llc", &err);
	n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_int_equal(nh_counters_derive(c, v, n, d, NH_MAX_DERIVED), 1);
	assert_string_equal(d[0].name, "llc.miss_ratio");
	assert_false(d[0].available);
	assert_string_equal(d[0].reason, "no references counted");
	nh_counters_close(c);

	uint64_t some[2][3] = {{200, 10, 10}, {50, 10, 10}};
	memcpy(crafted, some, sizeof some);
	crafted_next = 0;
	c = nh_counters_open("llc", &err);
	n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	assert_int_equal(nh_counters_derive(c, v, n, d, NH_MAX_DERIVED), 1);
	assert_true(find_derived(d, 1, "llc.miss_ratio")->available);
	assert_true(d[0].value == 0.25);
	assert_string_equal(d[0].unit, "ratio");
	/* Derived metrics from a read that left the inputs out: not read, not 0. */
	assert_int_equal(nh_counters_derive(c, v, 1, d, NH_MAX_DERIVED), 1);
	assert_false(d[0].available);
	assert_string_equal(d[0].reason, "input llc.misses unavailable: not read");
	nh_counters_close(c);
	(void)state;
}

/* A set with no variant for this host is one unavailable entry carrying the file's reason. */
static void latency_without_variant(void **state)
{
	nh_err_t err;
	nh_counter_t v[NH_MAX_COUNTERS];
	nh_derived_t d[NH_MAX_DERIVED];
	nh_counters_t *c = nh_counters_open("latency", &err);
	assert_non_null(c);
	unsigned n = nh_counters_read(c, v, NH_MAX_COUNTERS);
	if (n == 1) { /* no Intel variant fits: this VM, AMD, ... */
		assert_string_equal(v[0].name, "latency");
		assert_false(v[0].available);
		const char *want = "no counting-mode latency events for PMU ";
		assert_memory_equal(v[0].reason, want, strlen(want));
		assert_non_null(strstr(v[0].reason, "PEBS/IBS"));
		assert_int_equal(nh_counters_derive(c, v, n, d, NH_MAX_DERIVED), 0);
		json_t *j = nh_counters_json(v, n, NULL, 0);
		assert_non_null(json_object_get(json_object_get(j, "latency"), "unavailable"));
		assert_null(json_object_get(json_object_get(j, "latency"), "event"));
		json_decref(j);
	} else {
		assert_int_equal(n, 4);
		assert_int_equal(nh_counters_derive(c, v, n, d, NH_MAX_DERIVED), 2);
	}
	nh_counters_close(c);
	(void)state;
}

/* ---- formulas ---- */

static void formulas(void **state)
{
	static const char *const names[] = {"misses", "references", "a", "b", "zero"};
	static const double values[] = {25, 100, 6, 3, 0};
	static const struct {
		const char *f;
		double v;
	} ok[] = {
		{"misses / references", 0.25},
		{"1 + 2 * 3", 7},
		{"(1 + 2) * 3", 9},
		{"10 - 4 - 3", 3},
		{"a / b / 2", 1},
		{"-a + b", -3},
		{"a * -b", -18},
		{"2 * .5", 1},
		{"((a))", 6},
		{"a/b*b", 6},
		{"1e3 * zero + 1", 1},
		{"misses/(references+misses)", 0.2},
	};
	static const struct {
		const char *f, *msg;
	} bad[] = {
		{"misses / zero", "no zero counted"},
		{"a / (b - b)", "no b - b counted"},
		{"a / (zero)", "no zero counted"},
		{"a +", "formula 'a +': expected a number, a name or '(' at the end"},
		{"(a", "formula '(a': expected ')' at the end"},
		{"a b", "formula 'a b': unexpected text at 'b'"},
		{"a * c", "formula 'a * c': unknown name 'c'"},
		{"", "formula '': expected a number, a name or '(' at the end"},
		{"a $ b", "formula 'a $ b': unexpected text at '$ b'"},
	};
	nh_err_t err;
	double v;
	for (size_t i = 0; i < NH_ARRAY_LEN(ok); i++) {
		if (nh_counters_eval(ok[i].f, names, values, NH_ARRAY_LEN(names), &v, &err) != 0)
			fail_msg("'%s': %s", ok[i].f, err.msg);
		if (v < ok[i].v - 1e-12 || v > ok[i].v + 1e-12)
			fail_msg("'%s' = %g, not %g", ok[i].f, v, ok[i].v);
	}
	for (size_t i = 0; i < NH_ARRAY_LEN(bad); i++) {
		errno = 0;
		assert_int_equal(
			nh_counters_eval(bad[i].f, names, values, NH_ARRAY_LEN(names), &v, &err),
			-1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err.msg, bad[i].msg);
	}
	(void)state;
}

static void json_of_handmade_values(void **state)
{
	nh_counter_t v[2];
	nh_derived_t d[1];
	memset(v, 0, sizeof v);
	memset(d, 0, sizeof d);
	snprintf(v[0].name, sizeof v[0].name, "llc.misses");
	snprintf(v[0].event, sizeof v[0].event, "LONGEST_LAT_CACHE:MISS");
	v[0].available = true;
	v[0].raw = 1000;
	v[0].time_enabled = 200;
	v[0].time_running = 100;
	v[0].value = 2000;
	v[0].multiplexed = true;
	snprintf(v[1].name, sizeof v[1].name, "llc.references");
	snprintf(v[1].reason, sizeof v[1].reason, "never scheduled");
	v[1].raw = 5; /* whatever was read, an unavailable counter has no value */
	snprintf(d[0].name, sizeof d[0].name, "llc.miss_ratio");
	snprintf(d[0].unit, sizeof d[0].unit, "ratio");
	snprintf(d[0].reason, sizeof d[0].reason, "input llc.references unavailable: x");
	json_t *j = nh_counters_json(v, 2, d, 1);
	char *text = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT);
	assert_string_equal(
		text, "{\"llc.misses\":{\"value\":2000.0,\"raw\":1000,\"time_enabled_ns\":200,"
		      "\"time_running_ns\":100,\"multiplexed\":true,\"scope\":\"user+kernel\","
		      "\"event\":\"LONGEST_LAT_CACHE:MISS\"},"
		      "\"llc.references\":{\"unavailable\":\"never scheduled\"},"
		      "\"llc.miss_ratio\":{\"unavailable\":\"input llc.references unavailable: "
		      "x\",\"unit\":\"ratio\"}}");
	free(text);
	json_decref(j);
	(void)state;
}

static void listing(void **state)
{
	char *text = NULL;
	size_t len = 0;
	nh_err_t err;
	FILE *out = open_memstream(&text, &len);
	assert_non_null(out);
	assert_int_equal(nh_counters_list(out, "node", &err), 0);
	fclose(out);
	assert_non_null(strstr(text, "PMUs detected by libpfm4: "));
	assert_non_null(strstr(text, "\nsoftware: "));
	assert_non_null(strstr(text, "perf::TASK-CLOCK"));
	assert_non_null(strstr(text, "\nlatency: "));
	assert_non_null(strstr(text, "perf::NODE-LOADS")); /* the pattern, any case */
	free(text);
	(void)state;
}

int main(int argc, char **argv)
{
	if (argc > 0 && strchr(argv[0], '/'))
		self_path = argv[0];
	const char *forced = getenv("NH_TEST_FORCED_PMU");
	if (forced)
		return check_forced_pmu(forced);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_valid),
		cmocka_unit_test(spec_invalid),
		cmocka_unit_test(none_counts_nothing),
		cmocka_unit_test(software_counts_thread_work),
		cmocka_unit_test(unknown_event_has_reason),
		cmocka_unit_test(hardware_counts_or_says_why),
		cmocka_unit_test_teardown(no_pmu_reason_and_derived, restore_hooks),
		cmocka_unit_test_teardown(paranoid_reasons, restore_hooks),
		cmocka_unit_test_teardown(scaling_and_never_scheduled, restore_hooks),
		cmocka_unit_test(latency_without_variant),
		cmocka_unit_test(formulas),
		cmocka_unit_test(json_of_handmade_values),
		cmocka_unit_test(listing),
		cmocka_unit_test(event_files_name_real_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
