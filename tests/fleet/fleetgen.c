/* SPDX-License-Identifier: MIT */
/* nh-fleetgen: synthetic fleets for the fleet tests and the scale benchmark. Each host directory
 * holds what `numaharness run bios-check.lua` writes and the Ansible role fetches — manifest.json
 * (host identity, labels, firmware, nodes, distances, host facts, scenario), checks.json (the
 * scenario's checks) and metrics.csv (every run × metric of the latency matrix and the STREAM
 * policy sweep, a warm-up and the repetitions) — in the writers' own formats, with figures of a
 * two-socket server and run-to-run noise. Faults are planted per host with --host.
 *
 *   nh-fleetgen OUT --hosts N [--nodes K] [--cpus C] [--cohort NAME] [--prefix P] [--first I]
 *               [--reps R] [--uniform] [--host NAME:key=value,...]...
 *
 * --uniform: every host alike to the last bit, no run-to-run noise (noise= still sets it per
 * host), so a planted fault's deviation is exactly what was planted. NH_FLEETGEN_SEED varies the
 * noise.
 *
 * --host keys (PCT: a signed percentage applied to the figure; N: a node number or "all"):
 *   triad.N=PCT latency.N=PCT remote.N=PCT (remote latency from node N) memtotal.N=PCT
 *   noise=FRAC (run-to-run CV, default 0.01)  check=fail  error=TEXT (error.txt only)
 *   nodes=K cpus=C distance=D kernel=S bios=S thp=S balancing=0|1 tool=S sha=S cohort=S
 *   nolabel=1 id=S status=S (with no runs) manifest=none|broken checks=none|broken
 *   csv=none|torn|broken reps=R
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_NODES 16
#define MAX_HOSTS_OPTS 256
#define SHA "82406f971850f55becb7c4ef88006f68555e3a7d875f25deb8766370a7896d0a"

typedef struct spec {
	char name[128];
	unsigned nodes, cpus, reps, distance;
	double triad[MAX_NODES], latency[MAX_NODES], remote[MAX_NODES], memtotal[MAX_NODES];
	double noise;
	bool check_fail, nolabel, uniform;
	char error[256], kernel[128], bios[64], thp[32], tool[32], sha[80], cohort[64], id[128];
	char status[64], manifest[16], checks[16], csv[16];
	int balancing;
} spec_t;

static struct {
	char name[128];
	char kv[1024];
} overrides[MAX_HOSTS_OPTS];
static unsigned override_count;

static void die(const char *fmt, const char *what)
{
	fprintf(stderr, "nh-fleetgen: ");
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
	exit(2);
}

/* ---- deterministic noise ---- */

static uint64_t rng_state;
static double uniform(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return ((rng_state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}
static double gauss(void)
{
	double u = uniform(), v = uniform();
	return sqrt(-2 * log(u > 1e-300 ? u : 1e-300)) * cos(2 * M_PI * v);
}
static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1;
}

/* ---- one host's overrides ---- */

static void set_nodes(double *a, const char *which, double pct, unsigned nodes)
{
	if (strcmp(which, "all") == 0) {
		for (unsigned i = 0; i < MAX_NODES; i++)
			a[i] = 1 + pct / 100;
		return;
	}
	char *end;
	unsigned long n = strtoul(which, &end, 10);
	if (*end || n >= MAX_NODES)
		die("bad node '%s'", which);
	(void)nodes;
	a[n] = 1 + pct / 100;
}

static void apply(spec_t *s, const char *kv)
{
	char copy[1024];
	snprintf(copy, sizeof copy, "%s", kv);
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		if (!eq)
			die("bad override '%s' (key=value)", item);
		*eq = '\0';
		const char *v = eq + 1;
		char *dot = strchr(item, '.');
		if (dot) {
			*dot = '\0';
			double pct = atof(v);
			double *a = strcmp(item, "triad") == 0	   ? s->triad
				    : strcmp(item, "latency") == 0  ? s->latency
				    : strcmp(item, "remote") == 0   ? s->remote
				    : strcmp(item, "memtotal") == 0 ? s->memtotal
								    : NULL;
			if (!a)
				die("unknown figure '%s'", item);
			set_nodes(a, dot + 1, pct, s->nodes);
		} else if (strcmp(item, "noise") == 0) {
			s->noise = atof(v);
		} else if (strcmp(item, "check") == 0) {
			s->check_fail = strcmp(v, "fail") == 0;
		} else if (strcmp(item, "nolabel") == 0) {
			s->nolabel = atoi(v) != 0;
		} else if (strcmp(item, "nodes") == 0) {
			s->nodes = (unsigned)atoi(v);
		} else if (strcmp(item, "cpus") == 0) {
			s->cpus = (unsigned)atoi(v);
		} else if (strcmp(item, "reps") == 0) {
			s->reps = (unsigned)atoi(v);
		} else if (strcmp(item, "distance") == 0) {
			s->distance = (unsigned)atoi(v);
		} else if (strcmp(item, "balancing") == 0) {
			s->balancing = atoi(v);
		} else {
			struct {
				const char *key;
				char *dst;
				size_t len;
			} strs[] = {
				{"error", s->error, sizeof s->error},
				{"kernel", s->kernel, sizeof s->kernel},
				{"bios", s->bios, sizeof s->bios},
				{"thp", s->thp, sizeof s->thp},
				{"tool", s->tool, sizeof s->tool},
				{"sha", s->sha, sizeof s->sha},
				{"cohort", s->cohort, sizeof s->cohort},
				{"id", s->id, sizeof s->id},
				{"status", s->status, sizeof s->status},
				{"manifest", s->manifest, sizeof s->manifest},
				{"checks", s->checks, sizeof s->checks},
				{"csv", s->csv, sizeof s->csv},
			};
			bool found = false;
			for (unsigned i = 0; i < sizeof strs / sizeof strs[0]; i++)
				if (strcmp(item, strs[i].key) == 0) {
					snprintf(strs[i].dst, strs[i].len, "%s", v);
					found = true;
				}
			if (!found)
				die("unknown key '%s'", item);
		}
	}
}

/* ---- files ---- */

static FILE *create(const char *dir, const char *name)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		die("cannot write %s", path);
	return f;
}

static const char *const PARAM_HELP = "see scenarios/bios-check.lua";

static void write_manifest(const spec_t *s, const char *dir, const char *run_id, unsigned runs)
{
	if (strcmp(s->manifest, "none") == 0)
		return;
	FILE *f = create(dir, "manifest.json");
	if (strcmp(s->manifest, "broken") == 0) {
		fputs("{\n  \"schema_version\": 1,\n  \"tool\": \"numaharness\",\n  \"host\": {\n", f);
		fclose(f);
		return;
	}
	const char *id = s->id[0] ? s->id : s->name;
	fprintf(f, "{\n  \"schema_version\": 1,\n  \"tool\": \"numaharness\",\n"
		   "  \"tool_version\": \"%s\",\n"
		   "  \"command\": \"run --host-id %s --label cohort=%s --set nodes=%u /usr/share/"
		   "numaharness/scenarios/bios-check.lua\",\n",
		s->tool, id, s->cohort, s->nodes);
	fprintf(f, "  \"scenario\": {\n    \"name\": \"bios-check\",\n    \"path\": "
		   "\"/usr/share/numaharness/scenarios/bios-check.lua\",\n    \"sha256\": \"%s\",\n"
		   "    \"parameters\": {\n",
		s->sha);
	static const char *const params[][3] = {
		{"quick", "false", "false"},	   {"cpus_per_node", "0", "0"},
		{"node_memory", "\"\"", "\"\""},   {"distance_min", "11", "11"},
		{"distance_max", "254", "254"},	   {"remote_local_ratio", "1.3", "1.3"},
		{"remote_local_ratio_max", "0.0", "0.0"}, {"bandwidth_balance", "0.8", "0.8"},
		{"latency_balance", "0.8", "0.8"}, {"triad_min", "0.0", "0.0"},
		{"placement", "0.99", "0.99"},	   {"numa_miss_max", "0.15", "0.15"},
		{"strict", "false", "false"},	   {"remeasure_reps", "5", "5"},
		{"chase_size", "\"\"", "\"\""},	   {"stream_size", "\"\"", "\"\""},
	};
	fprintf(f, "      \"nodes\": {\n        \"value\": %u,\n        \"default\": 0,\n        "
		   "\"set\": true,\n        \"help\": \"%s\"\n      },\n",
		s->nodes, PARAM_HELP);
	for (unsigned i = 0; i < sizeof params / sizeof params[0]; i++)
		fprintf(f, "      \"%s\": {\n        \"value\": %s,\n        \"default\": %s,\n"
			   "        \"set\": false,\n        \"help\": \"%s\"\n      }%s\n",
			params[i][0], params[i][1], params[i][2], PARAM_HELP,
			i + 1 < sizeof params / sizeof params[0] ? "," : "");
	fprintf(f, "    }\n  },\n  \"status\": \"%s\",\n  \"started_at\": \"2026-12-06T02:16:26Z\",\n"
		   "  \"planned_runs\": %u,\n  \"host\": {\n",
		s->status[0] ? s->status : "complete", runs);
	fprintf(f, "    \"nodes\": [\n");
	unsigned cpu = 0;
	/* 12 DIMMs of 16 GiB per socket, split among its nodes, less what firmware and kernel keep */
	double node_bytes = 192.0 * (1ULL << 30) * 2 / s->nodes * 0.976;
	for (unsigned n = 0; n < s->nodes; n++) {
		fprintf(f, "      {\n        \"id\": %u,\n        \"cpus\": [", n);
		for (unsigned c = 0; c < s->cpus; c++)
			fprintf(f, "%s\n          %u", c ? "," : "", cpu++);
		double total = node_bytes * s->memtotal[n] * (s->uniform ? 1 : 1 + 0.00005 * gauss());
		fprintf(f, "\n        ],\n        \"mem_total_bytes\": %.0f,\n"
			   "        \"mem_free_bytes\": %.0f\n      }%s\n",
			floor(total / 4096) * 4096, floor(total * 0.93 / 4096) * 4096,
			n + 1 < s->nodes ? "," : "");
	}
	fprintf(f, "    ],\n    \"distances\": [\n");
	for (unsigned a = 0; a < s->nodes; a++) {
		fprintf(f, "      [");
		for (unsigned b = 0; b < s->nodes; b++)
			fprintf(f, "%s\n        %u", b ? "," : "", a == b ? 10 : s->distance);
		fprintf(f, "\n      ]%s\n", a + 1 < s->nodes ? "," : "");
	}
	fprintf(f, "    ],\n    \"caches\": [\n"
		   "      {\n        \"level\": 1,\n        \"type\": \"data\",\n        \"size_bytes\": 49152,\n"
		   "        \"count\": %u,\n        \"line_bytes\": 64\n      },\n"
		   "      {\n        \"level\": 2,\n        \"type\": \"unified\",\n        \"size_bytes\": 2097152,\n"
		   "        \"count\": %u,\n        \"line_bytes\": 64\n      },\n"
		   "      {\n        \"level\": 3,\n        \"type\": \"unified\",\n        \"size_bytes\": 110100480,\n"
		   "        \"count\": 2,\n        \"line_bytes\": 64\n      }\n    ],\n",
		cpu, cpu);
	fprintf(f, "    \"source\": \"system\",\n    \"host\": {\n      \"kernel\": \"%s\",\n"
		   "      \"cpu_model\": \"Intel(R) Xeon(R) Platinum 8480+\",\n"
		   "      \"thp_enabled\": \"%s\",\n      \"thp_defrag\": \"madvise\",\n"
		   "      \"numa_balancing\": %s,\n      \"perf_event_paranoid\": 2,\n"
		   "      \"cgroup\": \"v2 /system.slice/numaharness.service\",\n"
		   "      \"allowed_cpus\": \"0-%u\",\n      \"allowed_mems\": \"0-%u\"\n    },\n",
		s->kernel, s->thp, s->balancing ? "true" : "false", cpu - 1, s->nodes - 1);
	fprintf(f, "    \"hostname\": \"%s\",\n    \"id\": \"%s\",\n    \"id_source\": \"--host-id\",\n"
		   "    \"labels\": {",
		s->name, id);
	if (!s->nolabel)
		fprintf(f, "\n      \"cohort\": \"%s\",\n      \"rack\": \"r%02u\"\n    ", s->cohort,
			(unsigned)(hash(s->name) % 40));
	fprintf(f, "},\n    \"engine\": {\n      \"ansible\": {\n        \"host\": \"%s\"\n      }\n    },\n",
		s->name);
	fprintf(f, "    \"firmware\": {\n      \"bios_vendor\": \"Dell Inc.\",\n"
		   "      \"bios_version\": \"%s\",\n      \"bios_date\": \"03/14/2026\",\n"
		   "      \"product_name\": \"PowerEdge R760\",\n      \"board_vendor\": \"Dell Inc.\",\n"
		   "      \"board_name\": \"0WXYZ1\",\n      \"absent\": {}\n    }\n  },\n",
		s->bios);
	fprintf(f, "  \"hooks\": {\n    \"calls\": %u,\n    \"seconds\": 0.012\n  },\n"
		   "  \"finished_at\": \"2026-12-06T02:41:02Z\",\n  \"outcomes\": {\n    \"ok\": %u,\n"
		   "    \"failed\": 0,\n    \"timeout\": 0,\n    \"crashed\": 0,\n    \"oom-killed\": 0,\n"
		   "    \"skipped\": 0\n  }\n}\n",
		runs + 4, runs);
	(void)run_id;
	fclose(f);
}

/* The STREAM policies of the bios-check sweep. */
static unsigned stream_policies(const spec_t *s, char (*out)[64])
{
	unsigned n = 0;
	snprintf(out[n++], 64, "default");
	snprintf(out[n++], 64, "localalloc");
	for (unsigned i = 0; i < s->nodes; i++)
		snprintf(out[n++], 64, "membind=%u", i);
	for (unsigned i = 0; i < s->nodes; i++)
		snprintf(out[n++], 64, "preferred=%u", i);
	snprintf(out[n++], 64, "interleave=all");
	for (unsigned a = 0; a < s->nodes; a++)
		for (unsigned b = 0; b < s->nodes; b++)
			snprintf(out[n++], 64, "cpunodebind=%u membind=%u", a, b);
	return n;
}

static void check(FILE *f, bool *first, const char *name, const char *kind, const char *status,
		  const char *config, const char *detail)
{
	fprintf(f, "%s  {\n    \"name\": \"%s\",\n    \"kind\": \"%s\",\n    \"source\": "
		   "\"/usr/share/numaharness/scenarios/bios-check.lua:100\",\n    \"status\": \"%s\",\n"
		   "    \"fails_gate\": %s,\n    \"config\": %s%s%s,\n    \"value\": 0.0,\n"
		   "    \"min\": null,\n    \"max\": null,\n    \"detail\": \"%s\"\n  }",
		*first ? "" : ",\n", name, kind, status, strcmp(status, "fail") == 0 ? "true" : "false",
		config ? "\"" : "", config ? config : "null", config ? "\"" : "", detail);
	*first = false;
}

static void write_checks(const spec_t *s, const char *dir, unsigned reps)
{
	if (strcmp(s->checks, "none") == 0)
		return;
	FILE *f = create(dir, "checks.json");
	if (strcmp(s->checks, "broken") == 0) {
		fputs("[\n  {\n    \"name\": \"nodes\",\n", f);
		fclose(f);
		return;
	}
	char pol[300][64], name[256], detail[256];
	unsigned np = stream_policies(s, pol);
	bool first = true;
	fputs("[\n", f);
	snprintf(detail, sizeof detail, "%u of %u runs ok", reps, reps);
	for (unsigned a = 0; a < s->nodes; a++)
		for (unsigned b = 0; b < s->nodes; b++) {
			snprintf(name, sizeof name,
				 "runs ok or skipped (chase cpunodebind=%u membind=%u)", a, b);
			check(f, &first, name, "outcomes", "pass", NULL, detail);
		}
	for (unsigned i = 0; i < np; i++) {
		snprintf(name, sizeof name, "runs ok or skipped (stream %s)", pol[i]);
		check(f, &first, name, "outcomes", "pass", NULL, detail);
	}
	snprintf(detail, sizeof detail, "%u nodes (expected %u)", s->nodes, s->nodes);
	check(f, &first, "nodes = 2", "nodes", "pass", NULL, detail);
	check(f, &first, "CPUs per node (not checked: --set cpus_per_node=N)", "cpus_per_node",
	      "not-evaluated", NULL, "evidence only: the scenario gave no expected value");
	check(f, &first, "memory per node (not checked: --set node_memory=SIZE)", "node_memory",
	      "not-evaluated", NULL, "evidence only: the scenario gave no expected value");
	check(f, &first, "remote distances in [11, 254]", "distance", "pass", NULL,
	      "every remote distance 21");
	check(f, &first, "remote/local latency ratio \\u2265 1.3", "remote_local_latency_ratio",
	      "pass", NULL, "lowest 1.58");
	for (unsigned i = 1; i < s->nodes; i++) {
		snprintf(name, sizeof name, "local triad balance: node %u / node 0", i);
		check(f, &first, name, "ratio", "pass", NULL, "0.99 in [0.8, 1.25]");
		snprintf(name, sizeof name, "local latency balance: node %u / node 0", i);
		check(f, &first, name, "ratio", "pass", NULL, "1.01 in [0.8, 1.25]");
	}
	for (unsigned i = 0; i < np; i++) {
		snprintf(name, sizeof name, "placement \\u2265 0.99 (stream %s)", pol[i]);
		check(f, &first, name, "placement", "pass", NULL,
		      "lowest 100.00% of pages on the expected node(s)");
		snprintf(name, sizeof name, "numa_miss ratio \\u2264 0.15 (stream %s)", pol[i]);
		check(f, &first, name, "numa_miss_ratio", "pass", NULL, "highest 0.001 \\u2264 0.15");
	}
	if (s->check_fail)
		check(f, &first, "slowest node's local triad, re-measured", "script", "fail", NULL,
		      "node 1: 61234 MB/s re-measured (median of 5; the sweep's 60987), 68% of node "
		      "0's 90012 MB/s, floor 0.80 x: deficit confirmed");
	else
		check(f, &first, "slowest node's local triad, re-measured", "script", "pass", NULL,
		      "node 1: 89012 MB/s re-measured, 99% of node 0's 90012 MB/s: no deficit");
	fputs("\n]\n", f);
	fclose(f);
}

static double noisy(double v, double cv) { return cv > 0 ? v * (1 + cv * gauss()) : v; }

/* One run's rows, the figures of its workload. */
static void rows(FILE *f, const char *run_id, unsigned run, unsigned config, unsigned rep,
		 bool warmup, const char *workload, const char *params, const char *policy,
		 const char *const (*metrics)[3], const double *values, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s,%u,%u,%u,%d,%s,\"%s\",\"%s\",ok,%s,%.17g,%s,%s\n", run_id, run, config,
			rep, warmup, workload, params, policy, metrics[i][0], values[i], metrics[i][1],
			metrics[i][2]);
}

static const char *const CHASE_METRICS[][3] = {
	{"ns_per_load", "ns", "lower"}, {"p50_ns", "ns", "lower"},	{"p95_ns", "ns", "lower"},
	{"p99_ns", "ns", "lower"},	{"p999_ns", "ns", "lower"},	{"min_ns", "ns", "lower"},
	{"timer_ns", "ns", "none"},	{"rss_growth", "B/s", "none"}, {"file_growth", "B/s", "none"},
	{"rss_steps", "count", "lower"},
};
static const char *const STREAM_METRICS[][3] = {
	{"first_touch_s", "s", "lower"}, {"validation_error", "ratio", "lower"},
	{"copy", "MB/s", "higher"},	 {"scale", "MB/s", "higher"},
	{"add", "MB/s", "higher"},	 {"triad", "MB/s", "higher"},
	{"triad_avg", "MB/s", "higher"}, {"rss_growth", "B/s", "none"},
	{"file_growth", "B/s", "none"},	 {"rss_steps", "count", "lower"},
};

static unsigned write_metrics(const spec_t *s, const char *dir, const char *run_id,
			      double host_triad, double host_latency)
{
	if (strcmp(s->csv, "none") == 0)
		return 0;
	FILE *f = create(dir, "metrics.csv");
	fputs("run_id,run,config,rep,warmup,workload,params,policy,outcome,metric,value,unit,better\n",
	      f);
	if (s->status[0] && strcmp(s->status, "complete") != 0) {
		fclose(f);
		return 0; /* it never got to a run */
	}
	unsigned run = 0, config = 0;
	const char *chase_params = "samples=2000 size=440401920 pages=4k block=4096 seed=1 "
				   "load_threads=0 load=read load_size=auto throttle=0 "
				   "counters=default interval=100ms thp=inherit prefault=0 mlock=0 "
				   "allocator=glibc";
	const char *stream_params = "ntimes=10 size=auto threads=all nt=0 kernel=auto "
				    "counters=default interval=100ms thp=inherit prefault=0 mlock=0 "
				    "allocator=glibc";
	char policy[64];
	for (unsigned a = 0; a < s->nodes; a++)
		for (unsigned b = 0; b < s->nodes; b++, config++) {
			snprintf(policy, sizeof policy, "cpunodebind=%u membind=%u", a, b);
			double base = a == b ? host_latency * s->latency[a]
					     : host_latency * 1.58 * s->remote[a];
			for (unsigned rep = 0; rep <= s->reps; rep++, run++) {
				double ns = noisy(base, s->noise);
				double v[10] = {ns, ns * 0.96, ns * 1.22, ns * 1.41, ns * 2.3, ns * 0.71,
						24, 1.1e6 * (1 + 0.1 * gauss()), 0, 0};
				rows(f, run_id, run, config, rep ? rep - 1 : 0, rep == 0, "chase",
				     chase_params, policy, CHASE_METRICS, v, 10);
			}
		}
	char pol[300][64];
	unsigned np = stream_policies(s, pol);
	for (unsigned i = 0; i < np; i++, config++) {
		unsigned a, b;
		double base;
		if (sscanf(pol[i], "cpunodebind=%u membind=%u", &a, &b) == 2)
			base = a == b ? host_triad * s->triad[a] : host_triad * 0.55 * s->triad[b];
		else if (strcmp(pol[i], "interleave=all") == 0 || strcmp(pol[i], "default") == 0 ||
			 strcmp(pol[i], "localalloc") == 0)
			base = host_triad * s->nodes * 0.97;
		else
			base = host_triad * 0.8;
		for (unsigned rep = 0; rep <= s->reps; rep++, run++) {
			double t = noisy(base, s->noise);
			double v[10] = {0.41 * (1 + 0.05 * gauss()), 0, t * 0.88, t * 0.87, t * 0.99, t,
					t * 0.93, 7.4e7 * (1 + 0.1 * gauss()), 0, 0};
			rows(f, run_id, run, config, rep ? rep - 1 : 0, rep == 0, "stream",
			     stream_params, pol[i], STREAM_METRICS, v, 10);
		}
	}
	if (strcmp(s->csv, "torn") == 0)
		fprintf(f, "%s,%u,%u,0,0,stream,\"%s\",\"default\",ok,tri", run_id, run, config,
			stream_params);
	if (strcmp(s->csv, "broken") == 0)
		fprintf(f, "%s,%u,%u,0,0,stream,\"%s,default,ok\n%s,1,1,0,0,chase,x,y,ok,a,1,ns,lower\n",
			run_id, run, config, stream_params, run_id);
	fclose(f);
	return run;
}

static void host(const spec_t *base, const char *out, unsigned index, const char *prefix)
{
	spec_t s = *base;
	snprintf(s.name, sizeof s.name, "%s-%04u", prefix, index);
	for (unsigned i = 0; i < override_count; i++)
		if (strcmp(overrides[i].name, s.name) == 0)
			apply(&s, overrides[i].kv);
	rng_state = hash(s.name) ^ (uint64_t)strtoull(getenv("NH_FLEETGEN_SEED") ? getenv("NH_FLEETGEN_SEED") : "1", NULL, 10);
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/%s", out, s.name);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		die("cannot create %s", dir);
	if (s.error[0]) {
		FILE *f = create(dir, "error.txt");
		fprintf(f, "%s\n", s.error);
		fclose(f);
		return;
	}
	/* a host's own level, about 2 % apart between hosts for bandwidth, 1 % for latency */
	double host_triad = 92000 * 2 / s.nodes * (s.uniform ? 1 : 1 + 0.02 * gauss());
	double host_latency = 96 * (s.uniform ? 1 : 1 + 0.01 * gauss());
	char run_id[64];
	snprintf(run_id, sizeof run_id, "bios-check-20261206T021626Z");
	unsigned runs = write_metrics(&s, dir, run_id, host_triad, host_latency);
	write_manifest(&s, dir, run_id, runs);
	write_checks(&s, dir, s.reps);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		die("%s", "usage: nh-fleetgen OUT --hosts N [--nodes K] [--cpus C] [--cohort NAME] "
			  "[--prefix P] [--first I] [--reps R] [--host NAME:key=value,...]...");
	const char *out = argv[1], *prefix = "host";
	unsigned hosts = 10, first = 0;
	spec_t base = {.nodes = 2, .cpus = 56, .reps = 3, .distance = 21, .noise = 0.01};
	snprintf(base.kernel, sizeof base.kernel, "6.1.0-28-amd64");
	snprintf(base.bios, sizeof base.bios, "2.3.5");
	snprintf(base.thp, sizeof base.thp, "madvise");
	snprintf(base.tool, sizeof base.tool, "0.1.0");
	snprintf(base.sha, sizeof base.sha, "%s", SHA);
	snprintf(base.cohort, sizeof base.cohort, "gen3");
	for (unsigned i = 0; i < MAX_NODES; i++)
		base.triad[i] = base.latency[i] = base.remote[i] = base.memtotal[i] = 1;
	for (int i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(o, "--uniform") == 0) {
			base.uniform = true;
			base.noise = 0;
			continue;
		}
		if (!v)
			die("option %s needs a value", o);
		i++;
		if (strcmp(o, "--hosts") == 0)
			hosts = (unsigned)atoi(v);
		else if (strcmp(o, "--nodes") == 0)
			base.nodes = (unsigned)atoi(v);
		else if (strcmp(o, "--cpus") == 0)
			base.cpus = (unsigned)atoi(v);
		else if (strcmp(o, "--reps") == 0)
			base.reps = (unsigned)atoi(v);
		else if (strcmp(o, "--first") == 0)
			first = (unsigned)atoi(v);
		else if (strcmp(o, "--cohort") == 0)
			snprintf(base.cohort, sizeof base.cohort, "%s", v);
		else if (strcmp(o, "--prefix") == 0)
			prefix = v;
		else if (strcmp(o, "--host") == 0) {
			const char *colon = strchr(v, ':');
			if (!colon || override_count == MAX_HOSTS_OPTS)
				die("bad --host '%s' (NAME:key=value,...)", v);
			snprintf(overrides[override_count].name, sizeof overrides[0].name, "%.*s",
				 (int)(colon - v), v);
			snprintf(overrides[override_count].kv, sizeof overrides[0].kv, "%s", colon + 1);
			override_count++;
		} else
			die("unknown option %s", o);
	}
	if (base.nodes < 1 || base.nodes > MAX_NODES)
		die("%s", "--nodes: 1 to 16");
	if (mkdir(out, 0755) < 0 && errno != EEXIST)
		die("cannot create %s", out);
	for (unsigned i = first; i < first + hosts; i++)
		host(&base, out, i, prefix);
	return 0;
}
