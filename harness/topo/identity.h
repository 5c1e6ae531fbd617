/* SPDX-License-Identifier: MIT */
/* identity: who the host is — hostname, the id a fleet names it by, the operator's labels, the
 * engine that started the harness (Ansible, Slurm, Kubernetes) and the firmware's DMI facts —
 * so every results directory says which host of a fleet it came from. */
#ifndef NH_IDENTITY_H
#define NH_IDENTITY_H

#include "util.h"

#define NH_HOST_ID_MAX 63     /* a host id, in bytes (it names a fleet/<host>/ directory) */
#define NH_LABELS_MAX 32      /* --label options */
#define NH_LABEL_KEY_MAX 63   /* a label's key, in bytes */
#define NH_LABEL_VALUE_MAX 255 /* a label's value, in bytes */
#define NH_DMI_DIR_DEFAULT "/sys/class/dmi/id"

/* The environment as a lookup, so tests give one of their own. NULL: not set. */
typedef const char *(*nh_env_lookup_fn)(const char *name, void *ctx);
/** \brief The process environment (getenv), for nh_env_lookup_fn. */
const char *nh_env_process(const char *name, void *ctx);

/* The firmware facts read from the DMI directory, in the manifest's order. */
enum nh_fw_fact {
	NH_FW_BIOS_VENDOR,
	NH_FW_BIOS_VERSION,
	NH_FW_BIOS_DATE,
	NH_FW_PRODUCT_NAME,
	NH_FW_BOARD_VENDOR,
	NH_FW_BOARD_NAME,
	NH_FW_FACTS
};
/** \brief The fact's key, also its file name under the DMI directory ("bios_vendor"). */
const char *nh_firmware_key(enum nh_fw_fact f);

typedef struct nh_firmware {
	char value[NH_FW_FACTS][256];  /* printable ASCII (others as '?'), trailing blanks cut */
	char absent[NH_FW_FACTS][320]; /* why value is not there; "" when it was read */
} nh_firmware_t;
/** \brief Read the facts from \p dmi_dir (NULL: /sys/class/dmi/id). Only those six files are
 *  read (never product_serial, product_uuid, ...). Never fails: a fact that cannot be read has
 *  its reason ("cannot read DIR/bios_date: Permission denied", "DIR/board_name is empty"). */
void nh_firmware_read(const char *dmi_dir, nh_firmware_t *fw);

/* The engine that started the harness, found in its environment. Strings are printable ASCII
 * (others as '?'), at most 255 bytes; "" when that variable was not set. */
typedef struct nh_engine_ctx {
	bool ansible;		/* NH_ANSIBLE_HOST (the role sets it to inventory_hostname) */
	char ansible_host[256];
	bool slurm;		/* any of SLURM_JOB_ID, SLURMD_NODENAME, SLURM_JOB_PARTITION */
	char slurm_job_id[256], slurm_node[256], slurm_partition[256];
	bool kubernetes;	/* KUBERNETES_SERVICE_HOST (inside a pod) */
	char kubernetes_node[256]; /* NODE_NAME (the downward API), "" when the pod has none */
} nh_engine_ctx_t;
/** \brief Read the engine context through \p env (a set but empty variable counts as unset). */
void nh_engine_read(nh_env_lookup_fn env, void *ctx, nh_engine_ctx_t *e);

typedef struct nh_label {
	char key[NH_LABEL_KEY_MAX + 1];
	char value[NH_LABEL_VALUE_MAX + 1];
} nh_label_t;

typedef struct nh_identity {
	/* Given by the command line (before nh_identity_read). */
	const char *host_id; /* --host-id; NULL: $NH_HOST_ID, else the hostname */
	nh_label_t labels[NH_LABELS_MAX];
	unsigned label_count;
	/* Filled by nh_identity_read. */
	char hostname[256];
	char id[NH_HOST_ID_MAX + 1];
	const char *id_source; /* "--host-id", "NH_HOST_ID" or "hostname" */
	nh_engine_ctx_t engine;
	nh_firmware_t firmware;
} nh_identity_t;

/** \brief Is \p id usable as a host id: non-empty, printable ASCII, no '/', not "." or "..", at
 *  most 63 bytes? 0, or -1 (EINVAL) with what is wrong ("contains '/'", ...). */
int nh_host_id_check(const char *id, nh_err_t *err);
/** \brief Add a "key=value" label: key of [A-Za-z0-9_.-], at most 63 bytes; value non-empty,
 *  printable ASCII, at most 255 bytes; each key once, at most 32 labels. 0, or -1 (EINVAL) with
 *  a message quoting the label. */
int nh_identity_add_label(nh_identity_t *idn, const char *key_value, nh_err_t *err);
/** \brief Pick the id: --host-id, else NH_HOST_ID from \p env, else \p idn->hostname; checked
 *  with nh_host_id_check. 0, or -1 (EINVAL) with a message naming where the bad id came from. */
int nh_identity_choose_id(nh_identity_t *idn, nh_env_lookup_fn env, void *ctx, nh_err_t *err);
/** \brief The hostname (uname), the id, the engine context from \p env and the firmware facts
 *  from \p dmi_dir (NULL: /sys/class/dmi/id). 0, or -1 (EINVAL) when the id is not usable. */
int nh_identity_read(nh_identity_t *idn, const char *dmi_dir, nh_env_lookup_fn env, void *ctx,
		     nh_err_t *err);

#endif
