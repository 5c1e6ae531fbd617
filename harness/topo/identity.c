/* SPDX-License-Identifier: MIT */
/* identity: hostname, host id, labels, engine context and DMI firmware facts of this host. */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

const char *nh_env_process(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static bool printable(unsigned char c) { return c >= 0x20 && c < 0x7f; }

/* A value from outside (a DMI file, the environment) as printable ASCII: the manifest is JSON
 * and reports print it, so a stray byte becomes '?' rather than an unreadable record. */
static void copy_printable(char *out, size_t len, const char *in, size_t n)
{
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = printable((unsigned char)in[i]) ? in[i] : '?';
	out[n] = '\0';
}

/* ---- firmware (DMI) ---- */

static const char *const FW_KEYS[NH_FW_FACTS] = {
	[NH_FW_BIOS_VENDOR] = "bios_vendor",   [NH_FW_BIOS_VERSION] = "bios_version",
	[NH_FW_BIOS_DATE] = "bios_date",       [NH_FW_PRODUCT_NAME] = "product_name",
	[NH_FW_BOARD_VENDOR] = "board_vendor", [NH_FW_BOARD_NAME] = "board_name",
};

const char *nh_firmware_key(enum nh_fw_fact f) { return f < NH_FW_FACTS ? FW_KEYS[f] : "?"; }

/* One fact: its first line, or why there is none. */
static void read_fact(const char *dir, enum nh_fw_fact f, nh_firmware_t *fw)
{
	char path[4200], buf[sizeof fw->value[0]];
	char *why = fw->absent[f];
	size_t why_len = sizeof fw->absent[f];
	if (snprintf(path, sizeof path, "%s/%s", dir, FW_KEYS[f]) >= (int)sizeof path) {
		nh_format_cut(why, why_len, "DMI directory path too long: %s", dir);
		return;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		nh_format_cut(why, why_len, "cannot read %s: %s", path, strerror(saved));
		return;
	}
	buf[n] = '\0';
	size_t len = strcspn(buf, "\n");
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\r'))
		len--;
	if (len == 0) {
		nh_format_cut(why, why_len, "%s is empty", path);
		return;
	}
	copy_printable(fw->value[f], sizeof fw->value[f], buf, len);
}

void nh_firmware_read(const char *dmi_dir, nh_firmware_t *fw)
{
	const char *dir = dmi_dir ? dmi_dir : NH_DMI_DIR_DEFAULT;
	memset(fw, 0, sizeof *fw);
	struct stat st;
	int rc = stat(dir, &st), saved = rc < 0 ? errno : ENOTDIR;
	/* One reason for all six when there is no DMI table at all (most ARM boards, some VMs). */
	if (rc < 0 || !S_ISDIR(st.st_mode)) {
		for (unsigned f = 0; f < NH_FW_FACTS; f++) {
			if (saved == ENOENT)
				nh_format_cut(fw->absent[f], sizeof fw->absent[f],
					 "no DMI directory %s: the firmware gave no DMI table, or sysfs "
					 "is not mounted", dir);
			else
				nh_format_cut(fw->absent[f], sizeof fw->absent[f], "cannot read %s: %s", dir,
					 strerror(saved));
		}
		return;
	}
	for (unsigned f = 0; f < NH_FW_FACTS; f++)
		read_fact(dir, (enum nh_fw_fact)f, fw);
}

/* ---- engine context ---- */

/* A variable's value, "" when unset or empty; true when it had one. */
static bool env_value(nh_env_lookup_fn env, void *ctx, const char *name, char *out, size_t len)
{
	const char *v = env ? env(name, ctx) : NULL;
	out[0] = '\0';
	if (!v || !*v)
		return false;
	copy_printable(out, len, v, strlen(v));
	return true;
}

void nh_engine_read(nh_env_lookup_fn env, void *ctx, nh_engine_ctx_t *e)
{
	memset(e, 0, sizeof *e);
	e->ansible = env_value(env, ctx, "NH_ANSIBLE_HOST", e->ansible_host, sizeof e->ansible_host);
	bool job = env_value(env, ctx, "SLURM_JOB_ID", e->slurm_job_id, sizeof e->slurm_job_id);
	bool node = env_value(env, ctx, "SLURMD_NODENAME", e->slurm_node, sizeof e->slurm_node);
	bool part = env_value(env, ctx, "SLURM_JOB_PARTITION", e->slurm_partition,
			      sizeof e->slurm_partition);
	e->slurm = job || node || part;
	char service[256];
	e->kubernetes = env_value(env, ctx, "KUBERNETES_SERVICE_HOST", service, sizeof service);
	if (e->kubernetes)
		env_value(env, ctx, "NODE_NAME", e->kubernetes_node, sizeof e->kubernetes_node);
}

/* ---- id and labels ---- */

int nh_host_id_check(const char *id, nh_err_t *err)
{
	errno = EINVAL;
	if (!*id)
		return nh_err_set(err, "host id is empty");
	size_t len = strlen(id);
	if (len > NH_HOST_ID_MAX)
		return nh_err_set(err, "host id '%.80s%s' is %zu bytes long (at most %d)", id,
				  len > 80 ? "..." : "", len, NH_HOST_ID_MAX);
	for (const char *p = id; *p; p++) {
		if (!printable((unsigned char)*p))
			return nh_err_set(err, "host id has a byte that is not printable ASCII (0x%02x at %zu)",
					  (unsigned char)*p, (size_t)(p - id));
		if (*p == '/')
			return nh_err_set(err, "host id '%s' contains '/' (it names a directory)", id);
	}
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return nh_err_set(err, "host id '%s' cannot name a directory", id);
	errno = 0;
	return 0;
}

static bool key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '.' || c == '-';
}

int nh_identity_add_label(nh_identity_t *idn, const char *kv, nh_err_t *err)
{
	errno = EINVAL;
	const char *eq = strchr(kv, '=');
	/* Quoted with %.80s: the label is the operator's text, maybe long or odd. */
	if (!eq)
		return nh_err_set(err, "label '%.80s' is not key=value", kv);
	size_t klen = (size_t)(eq - kv), vlen = strlen(eq + 1);
	if (klen == 0)
		return nh_err_set(err, "label '%.80s' has an empty key", kv);
	if (klen > NH_LABEL_KEY_MAX)
		return nh_err_set(err, "label '%.80s...': key longer than %d bytes", kv, NH_LABEL_KEY_MAX);
	for (size_t i = 0; i < klen; i++)
		if (!key_char(kv[i]))
			return nh_err_set(err, "label '%.80s': key '%.*s' may hold only A-Z a-z 0-9 _ . -", kv,
					  (int)klen, kv);
	if (vlen == 0)
		return nh_err_set(err, "label '%.80s' has an empty value", kv);
	if (vlen > NH_LABEL_VALUE_MAX)
		return nh_err_set(err, "label '%.*s': value longer than %d bytes", (int)klen, kv,
				  NH_LABEL_VALUE_MAX);
	for (const char *p = eq + 1; *p; p++)
		if (!printable((unsigned char)*p))
			return nh_err_set(err, "label '%.*s': value has a byte that is not printable ASCII "
					  "(0x%02x)", (int)klen, kv, (unsigned char)*p);
	for (unsigned i = 0; i < idn->label_count; i++)
		if (strlen(idn->labels[i].key) == klen && strncmp(idn->labels[i].key, kv, klen) == 0)
			return nh_err_set(err, "label '%.*s' given twice", (int)klen, kv);
	if (idn->label_count == NH_LABELS_MAX)
		return nh_err_set(err, "label '%.80s': more than %d labels", kv, NH_LABELS_MAX);
	nh_label_t *l = &idn->labels[idn->label_count++];
	memcpy(l->key, kv, klen);
	l->key[klen] = '\0';
	memcpy(l->value, eq + 1, vlen + 1);
	errno = 0;
	return 0;
}

int nh_identity_choose_id(nh_identity_t *idn, nh_env_lookup_fn env, void *ctx, nh_err_t *err)
{
	const char *from_env = env ? env("NH_HOST_ID", ctx) : NULL;
	const char *id;
	if (idn->host_id) {
		id = idn->host_id;
		idn->id_source = "--host-id";
	} else if (from_env && *from_env) {
		id = from_env;
		idn->id_source = "NH_HOST_ID";
	} else {
		id = idn->hostname;
		idn->id_source = "hostname";
	}
	if (nh_host_id_check(id, err) < 0) {
		if (strcmp(idn->id_source, "hostname") == 0)
			return nh_err_prefix(err, "the hostname is no usable host id (give one with "
					     "--host-id or NH_HOST_ID)");
		return nh_err_prefix(err, "%s", idn->id_source);
	}
	memcpy(idn->id, id, strlen(id) + 1); /* checked: at most NH_HOST_ID_MAX bytes */
	return 0;
}

int nh_identity_read(nh_identity_t *idn, const char *dmi_dir, nh_env_lookup_fn env, void *ctx,
		     nh_err_t *err)
{
	struct utsname u;
	if (uname(&u) == 0)
		snprintf(idn->hostname, sizeof idn->hostname, "%s", u.nodename);
	else
		idn->hostname[0] = '\0';
	if (nh_identity_choose_id(idn, env, ctx, err) < 0)
		return -1;
	nh_engine_read(env, ctx, &idn->engine);
	nh_firmware_read(dmi_dir, &idn->firmware);
	return 0;
}
