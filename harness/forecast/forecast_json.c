/* SPDX-License-Identifier: MIT */
/* forecast_json: a forecast as the record's "forecast" section and as the metrics of its
 * nearest limit. Unknown is null (or absent), never 0. */
#include "forecast.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A whole number (bytes, counts) as an integer, so a writer's real precision never rounds it. */
static json_t *num(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *layer_json(const nh_fc_layer_t *l)
{
	json_t *o = json_object();
	json_object_set_new(o, "layer", json_string(l->layer));
	json_object_set_new(o, "label", json_string(l->label));
	json_object_set_new(o, "verdict", json_string(nh_fc_verdict_name(l->verdict)));
	json_object_set_new(o, "pattern", json_string(nh_fc_pattern_name(l->pattern)));
	json_object_set_new(o, "why", l->why[0] ? json_string(l->why) : json_null());
	json_object_set_new(o, "points", json_integer(l->points));
	json_object_set_new(o, "points_used", json_integer(l->trend.used));
	json_object_set_new(o, "thinned", json_boolean(l->thinned));
	json_object_set_new(o, "plateau", json_boolean(l->plateau));
	json_object_set_new(o, "t_last_s", num(l->t_last));
	json_object_set_new(o, "last", num(l->last));
	json_object_set_new(o, "level", num(l->level));
	json_object_set_new(o, "slope", num(l->trend.slope));
	json_object_set_new(o, "slope_low", num(l->trend.low));
	json_object_set_new(o, "slope_high", num(l->trend.high));
	json_object_set_new(o, "intercept", num(l->trend.intercept));
	json_object_set_new(o, "steps",
			    json_pack("{s:i, s:o, s:o}", "count", (json_int_t)l->steps.count, "size",
				      num(l->steps.size), "period_s", num(l->steps.period_s)));
	json_object_set_new(o, "sawtooth",
			    l->pattern == NH_FC_SAWTOOTH
				    ? json_pack("{s:i, s:o, s:o, s:o}", "drops", (json_int_t)l->saw.drops,
						"drop", num(l->saw.drop), "amplitude", num(l->saw.amplitude),
						"period_s", num(l->saw.period_s))
				    : json_null());
	if (l->has_limit) {
		json_object_set_new(o, "limit",
				    json_pack("{s:s, s:o, s:o}", "name", l->limit.name, "node",
					      l->limit.node >= 0 ? json_integer(l->limit.node) : json_null(),
					      "bytes", num(l->limit.bytes)));
		json_object_set_new(o, "no_limit", json_null());
	} else {
		json_object_set_new(o, "limit", json_null());
		json_object_set_new(o, "no_limit", json_string(l->no_limit));
	}
	json_object_set_new(o, "time_to_limit_s", num(l->ttl));
	json_object_set_new(o, "low", num(l->ttl_low));
	json_object_set_new(o, "high", num(l->ttl_high));
	/* JSON has no infinity: a bound the interval leaves open is null, and says so. */
	json_object_set_new(o, "high_never", json_boolean(isinf(l->ttl_high)));
	json_object_set_new(o, "limit_at_s", num(l->limit_at_s));
	json_object_set_new(o, "sentence", json_string(l->sentence));
	return o;
}

json_t *nh_forecast_json(const nh_forecast_t *f, const char *series_name)
{
	json_t *o = json_object();
	json_t *layers = json_array();
	if (!o || !layers) {
		json_decref(o);
		json_decref(layers);
		return NULL;
	}
	json_object_set_new(o, "series", series_name ? json_string(series_name) : json_null());
	json_object_set_new(o, "rows", json_integer(f->rows));
	json_object_set_new(o, "rows_total", json_integer(f->rows_total));
	json_object_set_new(o, "until_s", num(f->until_s));
	json_object_set_new(o, "torn_last_line", json_boolean(f->torn));
	json_object_set_new(o, "nearest",
			    f->nearest >= 0 ? json_string(f->layers[f->nearest].layer) : json_null());
	json_object_set_new(o, "note", f->note[0] ? json_string(f->note) : json_null());
	for (unsigned i = 0; i < f->count; i++)
		json_array_append_new(layers, layer_json(&f->layers[i]));
	json_object_set_new(o, "layers", layers);
	return o;
}

json_t *nh_forecast_json_unavailable(const char *why)
{
	return json_pack("{s:s}", "unavailable", why ? why : "unknown");
}

unsigned nh_forecast_metrics(const nh_forecast_t *f, nh_metric_t *out, unsigned max)
{
	if (f->nearest < 0)
		return 0;
	const nh_fc_layer_t *l = &f->layers[f->nearest];
	/* Only a forecast that reaches the limit has a time to it. */
	if (l->verdict != NH_FC_GROWTH && l->verdict != NH_FC_AT_LIMIT)
		return 0;
	const struct {
		const char *name;
		double v;
	} m[] = {{"time_to_limit_s", l->ttl},
		 {"time_to_limit_low_s", l->ttl_low},
		 {"time_to_limit_high_s", l->ttl_high}};
	unsigned n = 0;
	for (unsigned i = 0; i < NH_ARRAY_LEN(m) && n < max; i++)
		if (isfinite(m[i].v)) /* better: +1, more time is better */
			nh_metric_set(&out[n++], m[i].name, "s", 1, m[i].v);
	return n;
}
