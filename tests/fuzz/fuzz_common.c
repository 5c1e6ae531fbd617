/* SPDX-License-Identifier: MIT */
/* fuzz_common: the scratch directory and the test topologies the fuzz targets share. */
#include "fuzz_common.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[4096];

static void remove_scratch(void)
{
	nh_empty_dir(scratch, NULL);
	rmdir(scratch);
}

char *nh_fuzz_scratch_dir(void)
{
	if (scratch[0])
		return scratch;
	const char *base = getenv("TMPDIR");
	struct stat st;
	if (!base || !*base)
		base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
	snprintf(scratch, sizeof scratch, "%s/nh-fuzz-XXXXXX", base);
	if (!mkdtemp(scratch)) {
		fprintf(stderr, "fuzz: cannot make a directory in %s: %s\n", base, strerror(errno));
		abort();
	}
	atexit(remove_scratch);
	return scratch;
}

void nh_fuzz_write(const char *dir, const char *name, const char *data, size_t len)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
		abort();
	}
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n <= 0) {
			fprintf(stderr, "fuzz: writing %s: %s\n", path, strerror(errno));
			abort();
		}
		done += (size_t)n;
	}
	close(fd);
}

static nh_topo_t *widened(nh_topo_t *t, const char *what, const nh_err_t *err)
{
	if (!t) {
		fprintf(stderr, "fuzz: %s topology: %s\n", what, err->msg);
		abort();
	}
	nh_host_facts_t *f = nh_topo_facts_mut(t);
	f->allowed_mems = *nh_topo_all_nodes(t);
	f->allowed_cpus = *nh_topo_all_cpus(t);
	return t;
}

/* Kept for the life of the process: the topologies are read-only inputs of every run. */
const nh_topo_t *nh_fuzz_topo_synthetic(void)
{
	static nh_topo_t *t;
	nh_err_t err = {{0}};
	if (!t)
		t = widened(nh_topo_load_synthetic("pack:2 [numa(1GB)] core:2 pu:1", NULL, &err),
			    "synthetic", &err);
	return t;
}

const nh_topo_t *nh_fuzz_topo_sysfs(void)
{
	static nh_topo_t *t;
	nh_err_t err = {{0}};
	if (!t)
		t = widened(nh_topo_load_sysfs(NH_TEST_DATA "/topo/sysfs-4node", &err), "sysfs",
			    &err);
	return t;
}
