/* SPDX-License-Identifier: MIT */
/* Fuzz target: a series CSV (series/run-N.csv, read back by `numaharness forecast`, the report
 * and the harness after each run), parsed and, when it parses, forecast — every layer against
 * a cgroup limit, a node bound to, and up to a time — with its JSON and metrics. */
#include <math.h>

#include "forecast.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	nh_series_csv_t csv;
	if (nh_series_csv_parse((const char *)data, size, "fuzz.csv", &csv, NULL) < 0)
		return 0;
	nh_fc_limits_t lim;
	nh_fc_limits_init(&lim);
	lim.memory_max = 256.0 * 1048576;
	nh_set_add(&lim.mem_nodes, 1);
	/* the whole series, then what was known half way */
	double until[2] = {NAN, csv.rows ? csv.col[nh_series_csv_find(&csv, "t_s")][csv.rows / 2] : 0};
	for (unsigned k = 0; k < 2; k++) {
		nh_forecast_t f;
		if (nh_forecast_series(&csv, &lim, until[k], NULL, &f, NULL) < 0)
			continue;
		json_t *j = nh_forecast_json(&f, "fuzz.csv");
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
		free(text);
		json_decref(j);
		nh_metric_t m[3];
		nh_forecast_metrics(&f, m, 3);
		for (unsigned i = 0; i < f.count; i++) {
			double *y = malloc((csv.rows ? csv.rows : 1) * sizeof *y);
			if (y && nh_forecast_layer_values(&csv, f.layers[i].layer, 4096, y))
				(void)y[csv.rows ? csv.rows - 1 : 0];
			free(y);
		}
		nh_forecast_free(&f);
		lim.extra = 1048576; /* the second pass with a limit of its own too */
	}
	nh_series_csv_free(&csv);
	return 0;
}
