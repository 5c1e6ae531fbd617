/* SPDX-License-Identifier: MIT */
/* record_store: a run's record into a results directory — the record's encodings (record.c)
 * handed to the results module's store, which knows files, not runs. */
#ifndef NH_RECORD_STORE_H
#define NH_RECORD_STORE_H
#include "identity.h"
#include "record.h"
#include "store.h"
#include "topo.h"

/** \brief nh_store_create with the host's facts from \p topo (NULL: none) and who the host is
 *  from \p identity (NULL: not recorded; only with a topo) in the manifest's "host", and
 *  metrics.csv's header from the record encoder. */
nh_store_t *nh_record_store_create(const char *out_dir, const char *results_root, const nh_topo_t *topo,
				   const nh_identity_t *identity, const nh_manifest_info_t *info,
				   nh_err_t *err);
/** \brief Encode \p rec (JSON line, metrics.csv rows) and append it to the store. */
int nh_record_store_append(nh_store_t *s, const nh_record_t *rec, nh_err_t *err);
#endif
