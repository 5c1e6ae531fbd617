/* Unit tests of the host identity (topo/identity.c): the DMI reader against fixture directories
 * (a server's sysfs copy, and odd files made here: empty, unreadable, stray bytes), the engine
 * context against a fixture environment, host id and label validation, and the manifest JSON
 * read back through the results module's accessors (nh_mv_identity, nh_mv_label, nh_mv_engine). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "identity.h"
#include "results.h"
#include "topo_json.h"

#define SERVER_DMI NH_TEST_DATA "/dmi/server"

/* A fixture environment: "NAME=value" entries, NULL-terminated. */
static const char *fixture_env(const char *name, void *ctx)
{
	size_t len = strlen(name);
	for (const char *const *e = ctx; *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			return *e + len + 1;
	return NULL;
}

static void write_file(const char *dir, const char *name, const char *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static char *make_tmpdir(void)
{
	char *path = strdup("/tmp/nh-identity-XXXXXX");
	assert_non_null(mkdtemp(path));
	return path;
}

static void rm_rf(const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* The six facts of a server's /sys/class/dmi/id copy, blanks at the end of a line cut. */
static void firmware_from_server(void **state)
{
	nh_firmware_t fw;
	nh_firmware_read(SERVER_DMI, &fw);
	assert_string_equal(fw.value[NH_FW_BIOS_VENDOR], "Dell Inc.");
	assert_string_equal(fw.value[NH_FW_BIOS_VERSION], "2.19.1");
	assert_string_equal(fw.value[NH_FW_BIOS_DATE], "03/07/2024");
	assert_string_equal(fw.value[NH_FW_PRODUCT_NAME], "PowerEdge R650");
	assert_string_equal(fw.value[NH_FW_BOARD_VENDOR], "Dell Inc.");
	assert_string_equal(fw.value[NH_FW_BOARD_NAME], "0PYXKY");
	for (unsigned f = 0; f < NH_FW_FACTS; f++)
		assert_string_equal(fw.absent[f], "");
	assert_string_equal(nh_firmware_key(NH_FW_PRODUCT_NAME), "product_name");
	(void)state;
}

/* A missing file, an empty one and stray bytes: each fact on its own, with its reason. */
static void firmware_odd_files(void **state)
{
	char *dir = make_tmpdir();
	write_file(dir, "bios_vendor", "American Megatrends\x01Inc.\n", 25);
	write_file(dir, "bios_version", "\n", 1);
	write_file(dir, "product_name", "no newline", 10);
	write_file(dir, "board_vendor", "two\nlines\n", 10);
	char sub[600];
	snprintf(sub, sizeof sub, "%s/board_name", dir); /* a directory where a file should be */
	assert_int_equal(mkdir(sub, 0755), 0);
	nh_firmware_t fw;
	nh_firmware_read(dir, &fw);
	assert_string_equal(fw.value[NH_FW_BIOS_VENDOR], "American Megatrends?Inc.");
	assert_string_equal(fw.value[NH_FW_BIOS_VERSION], "");
	char want[700];
	snprintf(want, sizeof want, "%s/bios_version is empty", dir);
	assert_string_equal(fw.absent[NH_FW_BIOS_VERSION], want);
	snprintf(want, sizeof want, "cannot read %s/bios_date: No such file or directory", dir);
	assert_string_equal(fw.absent[NH_FW_BIOS_DATE], want);
	assert_string_equal(fw.value[NH_FW_PRODUCT_NAME], "no newline");
	assert_string_equal(fw.value[NH_FW_BOARD_VENDOR], "two");
	snprintf(want, sizeof want, "cannot read %s/board_name: Is a directory", dir);
	assert_string_equal(fw.absent[NH_FW_BOARD_NAME], want);
	rm_rf(dir);
	free(dir);
	(void)state;
}

/* No DMI directory at all: one reason for all six. */
static void firmware_no_dmi(void **state)
{
	nh_firmware_t fw;
	nh_firmware_read(NH_TEST_DATA "/dmi/none", &fw);
	for (unsigned f = 0; f < NH_FW_FACTS; f++) {
		assert_string_equal(fw.value[f], "");
		assert_string_equal(fw.absent[f], "no DMI directory " NH_TEST_DATA "/dmi/none: the firmware "
						  "gave no DMI table, or sysfs is not mounted");
	}
	(void)state;
}

/* A root-only file (as product_serial is on real sysfs) read by a user: "Permission denied".
 * Root reads anything, so as root the read runs in a child that dropped to nobody. */
static void firmware_permission_denied(void **state)
{
	char *dir = make_tmpdir();
	assert_int_equal(chmod(dir, 0755), 0);
	write_file(dir, "bios_vendor", "Vendor\n", 7);
	write_file(dir, "bios_version", "1.0\n", 4);
	char path[600];
	snprintf(path, sizeof path, "%s/bios_version", dir);
	assert_int_equal(chmod(path, 0400), 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		if (geteuid() == 0 && (setgid(65534) < 0 || setuid(65534) < 0))
			_exit(3);
		nh_firmware_t fw;
		nh_firmware_read(dir, &fw);
		ssize_t n = write(fds[1], &fw, sizeof fw);
		_exit(n == (ssize_t)sizeof fw ? 0 : 4);
	}
	close(fds[1]);
	nh_firmware_t fw;
	size_t got = 0;
	for (ssize_t n; got < sizeof fw && (n = read(fds[0], (char *)&fw + got, sizeof fw - got)) > 0;)
		got += (size_t)n;
	close(fds[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(got, sizeof fw);
	assert_string_equal(fw.value[NH_FW_BIOS_VENDOR], "Vendor");
	char want[700];
	snprintf(want, sizeof want, "cannot read %s/bios_version: Permission denied", dir);
	assert_string_equal(fw.absent[NH_FW_BIOS_VERSION], want);
	rm_rf(dir);
	free(dir);
	(void)state;
}

static void engine_none(void **state)
{
	const char *env[] = {"HOME=/root", "SLURM_JOB_ID=", "NODE_NAME=k1", NULL};
	nh_engine_ctx_t e;
	nh_engine_read(fixture_env, env, &e);
	/* An empty SLURM_JOB_ID is unset; NODE_NAME outside a pod is not Kubernetes. */
	assert_false(e.ansible);
	assert_false(e.slurm);
	assert_false(e.kubernetes);
	(void)state;
}

static void engine_found(void **state)
{
	const char *env[] = {"NH_ANSIBLE_HOST=web-17", "SLURM_JOB_ID=4242", "SLURMD_NODENAME=n001",
			     "SLURM_JOB_PARTITION=bench", "KUBERNETES_SERVICE_HOST=10.96.0.1",
			     "NODE_NAME=worker\x7f" "3", NULL};
	nh_engine_ctx_t e;
	nh_engine_read(fixture_env, env, &e);
	assert_true(e.ansible);
	assert_string_equal(e.ansible_host, "web-17");
	assert_true(e.slurm);
	assert_string_equal(e.slurm_job_id, "4242");
	assert_string_equal(e.slurm_node, "n001");
	assert_string_equal(e.slurm_partition, "bench");
	assert_true(e.kubernetes);
	assert_string_equal(e.kubernetes_node, "worker?3");

	/* Slurm's node alone (an salloc shell), a pod without the downward API's NODE_NAME. */
	const char *env2[] = {"SLURMD_NODENAME=n002", "KUBERNETES_SERVICE_HOST=10.96.0.1", NULL};
	nh_engine_read(fixture_env, env2, &e);
	assert_true(e.slurm);
	assert_string_equal(e.slurm_job_id, "");
	assert_string_equal(e.slurm_node, "n002");
	assert_true(e.kubernetes);
	assert_string_equal(e.kubernetes_node, "");
	(void)state;
}

static void host_id_rules(void **state)
{
	nh_err_t err;
	char longest[NH_HOST_ID_MAX + 2];
	memset(longest, 'a', sizeof longest);
	longest[NH_HOST_ID_MAX] = '\0';
	assert_int_equal(nh_host_id_check("web-17.dc1 rack 3", &err), 0);
	assert_int_equal(nh_host_id_check(longest, &err), 0);
	longest[NH_HOST_ID_MAX] = 'a';
	longest[NH_HOST_ID_MAX + 1] = '\0';
	assert_int_equal(nh_host_id_check(longest, &err), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err.msg, "is 64 bytes long (at most 63)"));
	assert_int_equal(nh_host_id_check("", &err), -1);
	assert_string_equal(err.msg, "host id is empty");
	assert_int_equal(nh_host_id_check("rack1/web", &err), -1);
	assert_string_equal(err.msg, "host id 'rack1/web' contains '/' (it names a directory)");
	assert_int_equal(nh_host_id_check("..", &err), -1);
	assert_string_equal(err.msg, "host id '..' cannot name a directory");
	assert_int_equal(nh_host_id_check("web\t17", &err), -1);
	assert_string_equal(err.msg, "host id has a byte that is not printable ASCII (0x09 at 3)");
	assert_int_equal(nh_host_id_check("h\xc3\xa9", &err), -1);
	(void)state;
}

static void label_rules(void **state)
{
	nh_identity_t *idn = calloc(1, sizeof *idn);
	nh_err_t err;
	assert_int_equal(nh_identity_add_label(idn, "cohort=gen3", &err), 0);
	assert_int_equal(nh_identity_add_label(idn, "sku.v2-x_y=a=b c", &err), 0);
	assert_int_equal(idn->label_count, 2);
	assert_string_equal(idn->labels[1].key, "sku.v2-x_y");
	assert_string_equal(idn->labels[1].value, "a=b c");
	static const struct {
		const char *label, *msg;
	} bad[] = {
		{"cohort", "label 'cohort' is not key=value"},
		{"=gen3", "label '=gen3' has an empty key"},
		{"co hort=gen3", "label 'co hort=gen3': key 'co hort' may hold only A-Z a-z 0-9 _ . -"},
		{"rack/1=a", "label 'rack/1=a': key 'rack/1' may hold only A-Z a-z 0-9 _ . -"},
		{"cohort=", "label 'cohort=' has an empty value"},
		{"rack=r\n1", "label 'rack': value has a byte that is not printable ASCII (0x0a)"},
		{"cohort=gen4", "label 'cohort' given twice"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(nh_identity_add_label(idn, bad[i].label, &err), -1);
		assert_int_equal(errno, EINVAL);
		assert_string_equal(err.msg, bad[i].msg);
	}
	char big[400];
	snprintf(big, sizeof big, "k=%0300d", 0);
	assert_int_equal(nh_identity_add_label(idn, big, &err), -1);
	assert_string_equal(err.msg, "label 'k': value longer than 255 bytes");
	memset(big, 'k', 64);
	snprintf(big + 64, sizeof big - 64, "=v");
	assert_int_equal(nh_identity_add_label(idn, big, &err), -1);
	assert_non_null(strstr(err.msg, "key longer than 63 bytes"));
	assert_int_equal(idn->label_count, 2); /* the bad ones left nothing behind */
	for (unsigned i = 2; i < NH_LABELS_MAX; i++) {
		char kv[32];
		snprintf(kv, sizeof kv, "l%u=v", i);
		assert_int_equal(nh_identity_add_label(idn, kv, &err), 0);
	}
	assert_int_equal(nh_identity_add_label(idn, "one=more", &err), -1);
	assert_string_equal(err.msg, "label 'one=more': more than 32 labels");
	free(idn);
	(void)state;
}

/* --host-id, else NH_HOST_ID, else the hostname; a bad one says where it came from. */
static void id_precedence(void **state)
{
	nh_identity_t *idn = calloc(1, sizeof *idn);
	nh_err_t err;
	const char *with_env[] = {"NH_HOST_ID=from-env", NULL}, *without[] = {NULL};
	snprintf(idn->hostname, sizeof idn->hostname, "node-a");
	assert_int_equal(nh_identity_choose_id(idn, fixture_env, without, &err), 0);
	assert_string_equal(idn->id, "node-a");
	assert_string_equal(idn->id_source, "hostname");
	assert_int_equal(nh_identity_choose_id(idn, fixture_env, with_env, &err), 0);
	assert_string_equal(idn->id, "from-env");
	assert_string_equal(idn->id_source, "NH_HOST_ID");
	idn->host_id = "from-flag";
	assert_int_equal(nh_identity_choose_id(idn, fixture_env, with_env, &err), 0);
	assert_string_equal(idn->id, "from-flag");
	assert_string_equal(idn->id_source, "--host-id");
	idn->host_id = NULL;
	const char *bad_env[] = {"NH_HOST_ID=a/b", NULL};
	assert_int_equal(nh_identity_choose_id(idn, fixture_env, bad_env, &err), -1);
	assert_string_equal(err.msg, "NH_HOST_ID: host id 'a/b' contains '/' (it names a directory)");
	idn->hostname[0] = '\0';
	assert_int_equal(nh_identity_choose_id(idn, fixture_env, without, &err), -1);
	assert_string_equal(err.msg, "the hostname is no usable host id (give one with --host-id or "
				     "NH_HOST_ID): host id is empty");
	/* The whole read: uname's nodename, unless it is no usable id. */
	struct utsname u;
	assert_int_equal(uname(&u), 0);
	if (nh_host_id_check(u.nodename, NULL) == 0) {
		assert_int_equal(nh_identity_read(idn, SERVER_DMI, fixture_env, without, &err), 0);
		assert_string_equal(idn->hostname, u.nodename);
		assert_string_equal(idn->id, u.nodename);
		assert_string_equal(idn->firmware.value[NH_FW_BOARD_NAME], "0PYXKY");
	}
	free(idn);
	(void)state;
}

/* The writer's JSON in a manifest, read back by the results module: the contract between them. */
static void manifest_round_trip(void **state)
{
	nh_identity_t *idn = calloc(1, sizeof *idn);
	nh_err_t err;
	const char *env[] = {"NH_ANSIBLE_HOST=web-17", "SLURM_JOB_ID=4242", "SLURMD_NODENAME=n001", NULL};
	idn->host_id = "web-17";
	assert_int_equal(nh_identity_add_label(idn, "cohort=gen3", &err), 0);
	assert_int_equal(nh_identity_add_label(idn, "rack=r1", &err), 0);
	char *dir = make_tmpdir();
	assert_int_equal(nh_identity_read(idn, SERVER_DMI, fixture_env, env, &err), 0);
	/* One fact missing, as on a machine whose board has no name. */
	idn->firmware.value[NH_FW_BOARD_NAME][0] = '\0';
	snprintf(idn->firmware.absent[NH_FW_BOARD_NAME], sizeof idn->firmware.absent[0], "board says nothing");
	json_t *host = json_object(), *manifest = json_object();
	assert_int_equal(nh_identity_json_add(host, idn), 0);
	json_object_set_new(manifest, "schema_version", json_integer(1));
	json_object_set_new(manifest, "host", host);
	char *text = json_dumps(manifest, 0);
	/* Only the six facts are read: never the serial number or the UUID beside them. */
	assert_null(strstr(text, "SECRET"));
	write_file(dir, "manifest.json", text, strlen(text));
	write_file(dir, "runs.jsonl", "", 0);
	free(text);
	json_decref(manifest);

	nh_results_t *r = nh_results_load(dir, &err);
	assert_non_null(r);
	const nh_mv_t *m = nh_results_manifest(r);
	nh_mv_identity_t id = nh_mv_identity(m);
	assert_string_equal(nh_str_or(id.id, "?"), "web-17");
	assert_string_equal(nh_str_or(id.id_source, "?"), "--host-id");
	assert_string_equal(nh_str_or(id.hostname, "?"), idn->hostname);
	assert_string_equal(nh_str_or(id.bios_vendor, "?"), "Dell Inc.");
	assert_string_equal(nh_str_or(id.bios_version, "?"), "2.19.1");
	assert_string_equal(nh_str_or(id.bios_date, "?"), "03/07/2024");
	assert_string_equal(nh_str_or(id.product_name, "?"), "PowerEdge R650");
	assert_false(id.board_name.present);
	assert_string_equal(id.board_name.why, "board says nothing");
	assert_string_equal(nh_str_or(nh_mv_label(m, "cohort"), "?"), "gen3");
	assert_string_equal(nh_str_or(nh_mv_label(m, "rack"), "?"), "r1");
	assert_false(nh_mv_label(m, "row").present);
	nh_rv_iter_t it = NH_RV_ITER_INIT;
	const char *k, *v;
	assert_true(nh_mv_label_next(m, &it, &k, &v));
	assert_string_equal(k, "cohort");
	assert_true(nh_mv_label_next(m, &it, &k, &v));
	assert_string_equal(k, "rack");
	assert_false(nh_mv_label_next(m, &it, &k, &v));
	assert_string_equal(nh_str_or(nh_mv_engine(m, "ansible", "host"), "?"), "web-17");
	assert_string_equal(nh_str_or(nh_mv_engine(m, "slurm", "job_id"), "?"), "4242");
	assert_string_equal(nh_str_or(nh_mv_engine(m, "slurm", "node"), "?"), "n001");
	assert_false(nh_mv_engine(m, "slurm", "partition").present);
	assert_false(nh_mv_engine(m, "kubernetes", "node").present);
	it = NH_RV_ITER_INIT;
	assert_true(nh_mv_engine_next(m, &it, &k));
	assert_string_equal(k, "ansible");
	assert_true(nh_mv_engine_next(m, &it, &k));
	assert_string_equal(k, "slurm");
	assert_false(nh_mv_engine_next(m, &it, &k));
	nh_results_free(r);
	rm_rf(dir);
	free(dir);
	free(idn);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(firmware_from_server),
		cmocka_unit_test(firmware_odd_files),
		cmocka_unit_test(firmware_no_dmi),
		cmocka_unit_test(firmware_permission_denied),
		cmocka_unit_test(engine_none),
		cmocka_unit_test(engine_found),
		cmocka_unit_test(host_id_rules),
		cmocka_unit_test(label_rules),
		cmocka_unit_test(id_precedence),
		cmocka_unit_test(manifest_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
