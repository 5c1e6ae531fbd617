/* SPDX-License-Identifier: MIT */
/* record_store: a run's record into a results directory. */
#include "record_store.h"

#include <stdlib.h>

#include "topo_json.h"

nh_store_t *nh_record_store_create(const char *out_dir, const char *results_root, const nh_topo_t *topo,
				   const nh_identity_t *identity, const nh_manifest_info_t *info,
				   nh_err_t *err)
{
	nh_manifest_info_t with_header = *info;
	with_header.csv_header = nh_record_csv_header();
	json_t *host = topo ? nh_topo_json(topo, true) : NULL;
	if (topo && (!host || (identity && nh_identity_json_add(host, identity) < 0))) {
		json_decref(host);
		nh_err_set(err, "out of memory describing the host for manifest.json");
		return NULL;
	}
	nh_store_t *s = nh_store_create(out_dir, results_root, host, &with_header, err);
	json_decref(host);
	return s;
}

int nh_record_store_append(nh_store_t *s, const nh_record_t *rec, nh_err_t *err)
{
	char *line = nh_record_to_json(rec);
	char *csv = nh_record_to_csv(rec, nh_store_run_id(s));
	int rc = -1;
	if (line && csv)
		rc = nh_store_append(s, line, csv, rec->outcome, rec->spec.index + 1, err);
	else
		nh_err_set(err, "out of memory encoding run %u", rec->spec.index + 1);
	free(line);
	free(csv);
	return rc;
}
