/* SPDX-License-Identifier: MIT */
/* churn-standalone: the churn workload's allocation loop (workloads/churn_loop.h, the very code
 * the harness runs) in a plain program with no harness around it — no worker, counters, sampler
 * thread or placement snapshot — for tests/bench/churn-vs-standalone.sh to measure what the
 * harness costs.
 *
 * usage: churn-standalone [name=value ...]
 *   the workload's parameters and defaults: sizes=mixed size=64 min_size=16 max_size=4K
 *   live=64M order=random threads=all cross=0 duration=2s sample_every=64 touch=1 seed=1
 *   (threads=all: one per CPU this process may use, pinned round-robin as the harness does)
 * Prints one line of "name value" pairs: ops_per_s, alloc_p50_ns, alloc_p99_ns, alloc_p999_ns,
 * free_p99_ns, peak_live_bytes, peak_rss_bytes, rss_overhead, rss_after_free_bytes,
 * returned_ratio. Run it with LD_PRELOAD=... to measure another allocator.
 * Build: cc -std=gnu11 -O3 -fno-tree-loop-distribute-patterns -pthread -o churn-standalone
 *        churn-standalone.c -lm */
#define _GNU_SOURCE
#include "../../workloads/churn_loop.h"

#include <ctype.h>

static void usage_exit(const char *why, const char *arg)
{
	fprintf(stderr, "churn-standalone: %s '%s'\n", why, arg);
	exit(2);
}

/* "64", "4K", "64M", "1G": binary units, as the harness reads sizes. */
static uint64_t parse_size(const char *v)
{
	char *end;
	double n = strtod(v, &end);
	double m = 1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': m = 1024.0; break;
	case 'M': m = 1024.0 * 1024; break;
	case 'G': m = 1024.0 * 1024 * 1024; break;
	case 'T': m = 1024.0 * 1024 * 1024 * 1024; break;
	default: usage_exit("bad size", v);
	}
	if (end == v || n <= 0 || (*end && end[1] && toupper((unsigned char)end[1]) != 'B'))
		usage_exit("bad size", v);
	return (uint64_t)(n * m);
}

/* "2s", "500ms", "1m". */
static double parse_duration(const char *v)
{
	char *end;
	double n = strtod(v, &end);
	if (end == v || n <= 0)
		usage_exit("bad duration", v);
	if (strcmp(end, "ms") == 0)
		return n / 1000;
	if (strcmp(end, "m") == 0)
		return n * 60;
	if (strcmp(end, "s") == 0 || !*end)
		return n;
	usage_exit("bad duration", v);
	return 0;
}

static int pin(int cpu)
{
	cpu_set_t cs;
	CPU_ZERO(&cs);
	CPU_SET(cpu, &cs);
	int rc = pthread_setaffinity_np(pthread_self(), sizeof cs, &cs);
	if (rc) {
		errno = rc;
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sizes = "mixed", *order = "random", *threads = "all";
	uint64_t size = 64, min_size = 16, max_size = 4096, live = 64 << 20;
	unsigned cross = 0, every = 64;
	double duration = 2.0;
	bool touch = true;
	uint64_t seed = 1;

	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			usage_exit("expected name=value, got", argv[i]);
		*eq = '\0';
		const char *k = argv[i], *v = eq + 1;
		if (strcmp(k, "sizes") == 0)
			sizes = v;
		else if (strcmp(k, "size") == 0)
			size = parse_size(v);
		else if (strcmp(k, "min_size") == 0)
			min_size = parse_size(v);
		else if (strcmp(k, "max_size") == 0)
			max_size = parse_size(v);
		else if (strcmp(k, "live") == 0)
			live = parse_size(v);
		else if (strcmp(k, "order") == 0)
			order = v;
		else if (strcmp(k, "threads") == 0)
			threads = v;
		else if (strcmp(k, "cross") == 0)
			cross = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(k, "duration") == 0)
			duration = parse_duration(v);
		else if (strcmp(k, "sample_every") == 0)
			every = (unsigned)strtoul(v, NULL, 10);
		else if (strcmp(k, "touch") == 0)
			touch = strcmp(v, "0") != 0;
		else if (strcmp(k, "seed") == 0)
			seed = strtoull(v, NULL, 10);
		else
			usage_exit("unknown parameter", k);
	}

	cpu_set_t cs;
	int cpus[CPU_SETSIZE];
	unsigned ncpus = 0;
	if (sched_getaffinity(0, sizeof cs, &cs) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &cs))
				cpus[ncpus++] = c;
	enum churn_sizes kind = strcmp(sizes, "fixed") == 0     ? CHURN_FIXED
				: strcmp(sizes, "uniform") == 0 ? CHURN_UNIFORM
								: CHURN_MIXED;
	churn_config_t cfg = {
		.threads = strcmp(threads, "all") == 0 ? (ncpus ? ncpus : 1)
						       : (unsigned)strtoul(threads, NULL, 10),
		.cpus = cpus,
		.ncpus = ncpus,
		.sizer = churn_sizer(kind, size, min_size, max_size),
		.live = live,
		.order = strcmp(order, "lifo") == 0   ? CHURN_LIFO
			 : strcmp(order, "fifo") == 0 ? CHURN_FIFO
						      : CHURN_RANDOM,
		.cross = cross,
		.duration = duration,
		.sample_every = every ? every : 1,
		.touch = touch,
		.seed = seed,
		.pin = pin,
	};
	static churn_run_t run;
	churn_run_t *r = &run;
	if (churn_execute(r, &cfg) < 0) {
		fprintf(stderr, "churn-standalone: %s\n", r->error);
		churn_destroy(r);
		return 1;
	}
	double t = r->ns_per_tick;
	printf("ops_per_s %.0f alloc_p50_ns %.1f alloc_p99_ns %.1f alloc_p999_ns %.1f "
	       "free_p99_ns %.1f peak_live_bytes %llu peak_rss_bytes %llu rss_overhead %.4f "
	       "rss_after_free_bytes %llu returned_ratio %.4f\n",
	       r->ops_per_s, nh_lt_hist_quantile(&r->alloc_hist, 0.5) * t,
	       nh_lt_hist_quantile(&r->alloc_hist, 0.99) * t,
	       nh_lt_hist_quantile(&r->alloc_hist, 0.999) * t,
	       nh_lt_hist_quantile(&r->free_hist, 0.99) * t, (unsigned long long)r->peak_live,
	       (unsigned long long)r->peak_rss, (double)r->peak_rss / (double)r->peak_live,
	       (unsigned long long)r->rss_after,
	       r->peak_rss ? (double)(r->peak_rss - (r->rss_after < r->peak_rss ? r->rss_after
										   : r->peak_rss)) /
				     (double)r->peak_rss
			   : 0.0);
	churn_destroy(r);
	return 0;
}
