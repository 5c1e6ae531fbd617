/* SPDX-License-Identifier: MIT */
/* nh-standin: a qemu-shaped process for the inspect tests. It has what `numaharness inspect
 * --libvirt-xml` looks for in a real qemu: vCPU threads named "CPU N/KVM", iothreads named
 * "IO iothreadN", an emulator (main) thread, and guest RAM — one mapping per guest NUMA cell, of
 * the cell's size, as memory-backend-memfd maps it, optionally mbind()ed as libvirt's
 * <memnode> has qemu do — or plain anonymous RAM following the task policy (start it under
 * numactl). It pins its threads itself, as libvirt would from outside, touches all its memory,
 * prints "ready PID" and sleeps until killed.
 *
 * usage: nh-standin [--vcpus N] [--vcpu-pin V:CPUS] [--emulator-pin CPUS] [--iothread N:CPUS]
 *                   [--sched V:fifo|rr:PRIO] [--ram SIZE] [--cell SIZE[:bind|interleave|prefer:NODES]]
 *                   [--mbind-first NODES] [--main-exits]
 * --mbind-first binds the process's first mapping (its text) to NODES with a policy of its own:
 * what inspect's one-line read of each thread's policy must notice and not be fooled by.
 * Each iothread starts a "worker" thread, as qemu's thread pool does from the iothread's own
 * context so that it inherits the iothread's CPUs. --main-exits ends the main thread once ready
 * (pthread_exit): the process lives on in its other threads, its leader a zombie.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAX_THREADS 16

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "nh-standin: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

/* "0-2,5" into a CPU set or a node mask. */
static void parse_list(const char *text, cpu_set_t *cpus, unsigned long *mask)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", text);
	if (cpus)
		CPU_ZERO(cpus);
	if (mask)
		*mask = 0;
	for (char *save = NULL, *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		unsigned lo, hi;
		int n = sscanf(part, "%u-%u", &lo, &hi);
		if (n < 1)
			die("bad list '%s'", text);
		if (n == 1)
			hi = lo;
		for (unsigned i = lo; i <= hi; i++) {
			if (cpus)
				CPU_SET(i, cpus);
			if (mask)
				*mask |= 1ul << i;
		}
	}
}

static size_t parse_size(const char *text)
{
	char *end;
	unsigned long long v = strtoull(text, &end, 10);
	switch (*end) {
	case 'G': v <<= 30; break;
	case 'M': v <<= 20; break;
	case 'K': v <<= 10; break;
	case '\0': case ':': break;
	default: die("bad size '%s'", text);
	}
	return (size_t)v;
}

struct thread_spec {
	char name[16];
	bool pinned;
	cpu_set_t cpus;
	int sched, prio;
};

static struct thread_spec specs[MAX_THREADS];
static unsigned nspecs;
static pthread_barrier_t started;

/* qemu's thread-pool worker: started by an iothread, it runs on the iothread's CPUs. */
static void *worker_main(void *arg)
{
	pthread_setname_np(pthread_self(), "worker");
	pthread_barrier_wait(arg);
	for (;;)
		pause();
	return NULL;
}

static void start_worker(void)
{
	static pthread_barrier_t named;
	pthread_t th;
	pthread_barrier_init(&named, NULL, 2);
	if (pthread_create(&th, NULL, worker_main, &named) != 0)
		die("pthread_create failed%s", "");
	pthread_barrier_wait(&named);
}

static void *thread_main(void *arg)
{
	struct thread_spec *t = arg;
	pthread_setname_np(pthread_self(), t->name);
	if (t->pinned && sched_setaffinity(0, sizeof t->cpus, &t->cpus) != 0)
		die("sched_setaffinity: %s", strerror(errno));
	if (t->sched) {
		struct sched_param sp = {.sched_priority = t->prio};
		if (sched_setscheduler(0, t->sched, &sp) != 0)
			die("sched_setscheduler: %s", strerror(errno));
	}
	if (strncmp(t->name, "IO iothread", 11) == 0)
		start_worker();
	pthread_barrier_wait(&started);
	for (;;)
		pause();
	return NULL;
}

static struct thread_spec *vcpu(unsigned v)
{
	for (unsigned i = 0; i < nspecs; i++) {
		unsigned id;
		if (sscanf(specs[i].name, "CPU %u/KVM", &id) == 1 && id == v)
			return &specs[i];
	}
	die("no vCPU %s (give --vcpus first)", "");
	return NULL;
}

/* Guest RAM of one cell: a memfd mapping, as qemu's memory-backend-memfd makes it. */
static void map_cell(const char *spec)
{
	size_t size = parse_size(spec);
	int fd = memfd_create("memory-backend-memfd", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
		die("memfd: %s", strerror(errno));
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	const char *policy = strchr(spec, ':');
	if (policy) {
		char mode[16];
		const char *nodes = strchr(policy + 1, ':');
		if (!nodes)
			die("bad --cell '%s' (SIZE:MODE:NODES)", spec);
		snprintf(mode, sizeof mode, "%.*s", (int)(nodes - policy - 1), policy + 1);
		int m = strcmp(mode, "bind") == 0 ? MPOL_BIND :
			strcmp(mode, "interleave") == 0 ? MPOL_INTERLEAVE :
			strcmp(mode, "prefer") == 0 ? MPOL_PREFERRED : -1;
		if (m < 0)
			die("bad mode in --cell '%s'", spec);
		unsigned long mask;
		parse_list(nodes + 1, NULL, &mask);
		if (mbind(p, size, m, &mask, sizeof mask * 8, 0) != 0)
			die("mbind: %s", strerror(errno));
	}
	for (size_t i = 0; i < size; i += 4096)
		p[i] = 1;
}

/* mbind(MPOL_BIND) the first mapping of /proc/self/maps. */
static void mbind_first(const char *nodes)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, mask;
	if (!f || fscanf(f, "%lx-%lx", &lo, &hi) != 2)
		die("cannot read /proc/self/maps%s", "");
	fclose(f);
	parse_list(nodes, NULL, &mask);
	if (mbind((void *)lo, hi - lo, MPOL_BIND, &mask, sizeof mask * 8, 0) != 0)
		die("mbind of the first mapping: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	size_t ram = 0;
	const char *cells[8];
	unsigned ncells = 0;
	cpu_set_t emulator;
	bool emulator_pinned = false, main_exits = false;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(opt, "--main-exits") == 0) {
			main_exits = true;
			continue;
		}
		if (!val)
			die("%s needs a value", opt);
		i++;
		unsigned id;
		char rest[64];
		if (strcmp(opt, "--vcpus") == 0) {
			for (unsigned v = 0; v < (unsigned)atoi(val) && nspecs < MAX_THREADS; v++)
				snprintf(specs[nspecs++].name, sizeof specs[0].name, "CPU %u/KVM", v);
		} else if (strcmp(opt, "--vcpu-pin") == 0 && sscanf(val, "%u:%63s", &id, rest) == 2) {
			struct thread_spec *t = vcpu(id);
			t->pinned = true;
			parse_list(rest, &t->cpus, NULL);
		} else if (strcmp(opt, "--sched") == 0 && sscanf(val, "%u:%63s", &id, rest) == 2) {
			struct thread_spec *t = vcpu(id);
			char *colon = strchr(rest, ':');
			if (!colon)
				die("bad --sched '%s' (V:fifo|rr:PRIO)", val);
			*colon = '\0';
			t->sched = strcmp(rest, "fifo") == 0 ? SCHED_FIFO : SCHED_RR;
			t->prio = atoi(colon + 1);
		} else if (strcmp(opt, "--iothread") == 0 && sscanf(val, "%u:%63s", &id, rest) == 2 &&
			   nspecs < MAX_THREADS) {
			struct thread_spec *t = &specs[nspecs++];
			snprintf(t->name, sizeof t->name, "IO iothread%u", id);
			t->pinned = true;
			parse_list(rest, &t->cpus, NULL);
		} else if (strcmp(opt, "--emulator-pin") == 0) {
			parse_list(val, &emulator, NULL);
			emulator_pinned = true;
		} else if (strcmp(opt, "--mbind-first") == 0) {
			mbind_first(val);
		} else if (strcmp(opt, "--ram") == 0) {
			ram = parse_size(val);
		} else if (strcmp(opt, "--cell") == 0 && ncells < 8) {
			cells[ncells++] = val;
		} else {
			die("bad option '%s'", opt);
		}
	}
	if (emulator_pinned && sched_setaffinity(0, sizeof emulator, &emulator) != 0)
		die("sched_setaffinity: %s", strerror(errno));
	for (unsigned i = 0; i < ncells; i++)
		map_cell(cells[i]);
	if (ram) {
		char *p = mmap(NULL, ram, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap: %s", strerror(errno));
		for (size_t i = 0; i < ram; i += 4096)
			p[i] = 1;
	}
	pthread_barrier_init(&started, NULL, nspecs + 1);
	for (unsigned i = 0; i < nspecs; i++) {
		pthread_t th;
		if (pthread_create(&th, NULL, thread_main, &specs[i]) != 0)
			die("pthread_create failed%s", "");
	}
	pthread_barrier_wait(&started);
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (main_exits)
		pthread_exit(NULL);
	for (;;)
		pause();
}
