/* SPDX-License-Identifier: MIT */
/* run_forecast: see run_forecast.h. */
#include "run_forecast.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "forecast.h"

static void limits_of(const nh_record_t *rec, nh_fc_limits_t *lim)
{
	const nh_record_cgroup_t *cg = &rec->run_cgroup;
	nh_fc_limits_init(lim);
	nh_fc_limits_cgroup(lim, cg->available ? NULL : cg->unavailable, cg->version,
			    cg->available && cg->has_memory_max ? (double)cg->memory_max : NAN);
	/* What the worker read back is what held; a run that never got that far confines nothing
	 * the forecast could rely on. */
	nh_fc_limits_confine(lim, rec->applied_valid ? rec->applied_mem_mode : NULL,
			     rec->applied_valid ? rec->applied_mem_nodes : NULL,
			     cg->available && cg->mems[0] ? cg->mems : NULL);
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		lim->rlimit_as = (double)rl.rlim_cur;
	long page = sysconf(_SC_PAGESIZE);
	lim->page_bytes = page > 0 ? (double)page : 4096;
}

/* Put \p section (stolen) as the record's "forecast"; one that does not fit says so. */
static void put_section(nh_record_t *rec, json_t *section)
{
	char *text = section ? json_dumps(section, JSON_COMPACT) : NULL;
	json_decref(section);
	if (!text || nh_sections_put(&rec->sections, NH_SECTION_FORECAST, "forecast", text,
				     strlen(text)) < 0) {
		static const char too_big[] =
			"{\"unavailable\":\"the forecast did not fit the record's sections\"}";
		(void)nh_sections_put(&rec->sections, NH_SECTION_FORECAST, "forecast", too_big,
				      sizeof too_big - 1);
	}
	free(text);
}

void nh_run_forecast(nh_record_t *rec, const char *series_path)
{
	if (!rec->series_file[0])
		return;
	nh_fc_limits_t lim;
	limits_of(rec, &lim);
	nh_forecast_t f;
	nh_err_t err;
	if (nh_forecast_file(series_path, &lim, NAN, NULL, &f, &err) < 0) {
		put_section(rec, nh_forecast_json_unavailable(err.msg));
		return;
	}
	put_section(rec, nh_forecast_json(&f, rec->series_file));
	nh_metric_t m[4];
	unsigned n = nh_forecast_metrics(&f, m, NH_ARRAY_LEN(m));
	for (unsigned i = 0; i < n; i++)
		nh_record_add_metric(rec, m[i].name, m[i].unit, m[i].better, m[i].value);
	nh_forecast_free(&f);
}
