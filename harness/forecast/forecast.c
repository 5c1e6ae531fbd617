/* SPDX-License-Identifier: MIT */
/* forecast: one layer's trend, shape and time to its nearest limit, and the sentence that says
 * it; durations and rates in human units. */
#include "forecast_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Within this share of a limit, a series is at it: a cgroup at memory.max hovers just under it
 * while the kernel reclaims, a node keeps its min watermark free. */
#define AT_LIMIT_SHARE 0.02

static const char MINUS[] = "\xe2\x88\x92";   /* U+2212 */
static const char EN_DASH[] = "\xe2\x80\x93"; /* U+2013 */

const char *nh_fc_verdict_name(enum nh_fc_verdict v)
{
	switch (v) {
	case NH_FC_NO_GROWTH: return "no growth";
	case NH_FC_GROWTH: return "growth";
	case NH_FC_AT_LIMIT: return "at limit";
	default: return "insufficient data";
	}
}

const char *nh_fc_pattern_name(enum nh_fc_pattern p)
{
	switch (p) {
	case NH_FC_RAMP: return "ramp";
	case NH_FC_STEPS: return "steps";
	case NH_FC_SAWTOOTH: return "sawtooth";
	default: return "flat";
	}
}

/* ---- human forms ---- */

char *nh_fc_size(double bytes, char *buf, size_t len)
{
	/* A series can hold anything: what no uint64_t holds is shown as the most one does. */
	uint64_t b = !(bytes > 0) ? 0 : bytes >= 18446744073709549568.0 ? UINT64_MAX : (uint64_t)bytes;
	return nh_format_size(b, buf, len);
}

char *nh_fc_duration(double s, char *buf, size_t len)
{
	if (isnan(s)) {
		snprintf(buf, len, "unknown");
		return buf;
	}
	if (!isfinite(s)) {
		snprintf(buf, len, "never");
		return buf;
	}
	if (s < 0)
		s = 0;
	/* Two fields at most, the second zero-padded: "3 h 05 min". Rounded in the smaller
	 * unit first, so 59.7 s is "1 min 00 s", never "60 s". */
	if (s < 9.95) {
		snprintf(buf, len, "%.1f s", s);
	} else if (s < 59.5) {
		snprintf(buf, len, "%.0f s", s);
	} else if (s < 3600 - 0.5) {
		long r = lround(s);
		snprintf(buf, len, "%ld min %02ld s", r / 60, r % 60);
	} else if (s < 48 * 3600 - 30) {
		long r = lround(s / 60);
		snprintf(buf, len, "%ld h %02ld min", r / 60, r % 60);
	} else if (s < 60 * 86400.0) {
		long r = lround(s / 3600);
		snprintf(buf, len, "%ld d %02ld h", r / 24, r % 24);
	} else if (s < 730 * 86400.0) {
		snprintf(buf, len, "%.0f days", s / 86400);
	} else {
		snprintf(buf, len, "%.1f years", s / (365.25 * 86400));
	}
	return buf;
}

/* The time unit that shows \p magnitude bytes/s as at least 0.1 MiB per unit (per day at
 * most), and the size unit of that amount: "1.2 MiB/min", "0.2 MiB/min", "12 KiB/day". */
static void rate_units(double magnitude, double *per, const char **per_name, double *size,
		       const char **size_name)
{
	static const struct {
		double s;
		const char *name;
	} times[] = {{1, "s"}, {60, "min"}, {3600, "h"}, {86400, "day"}};
	const double MiB = 1048576.0;
	unsigned t = 0;
	while (t + 1 < NH_ARRAY_LEN(times) && magnitude * times[t].s < 0.1 * MiB)
		t++;
	*per = times[t].s;
	*per_name = times[t].name;
	double v = magnitude * times[t].s;
	if (v >= 1024 * MiB) {
		*size = 1024 * MiB;
		*size_name = "GiB";
	} else if (v >= 0.1 * MiB) {
		*size = MiB;
		*size_name = "MiB";
	} else if (v >= 0.1 * 1024) {
		*size = 1024;
		*size_name = "KiB";
	} else {
		*size = 1;
		*size_name = "B";
	}
}

/* "1.2", "12", "0.25", "−0.03", "+0.2": two significant digits under 1 in the unit, one decimal
 * under 10, whole numbers above. */
static void number(char *buf, size_t len, double v, bool sign)
{
	double a = fabs(v);
	const char *s = v < 0 ? MINUS : sign ? "+" : "";
	if (a >= 9.95)
		snprintf(buf, len, "%s%.0f", s, a);
	else if (a >= 0.995 || a == 0)
		snprintf(buf, len, "%s%.1f", s, a);
	else
		snprintf(buf, len, "%s%.2g", s, a);
}

char *nh_fc_rate(double bps, char *buf, size_t len)
{
	if (!isfinite(bps)) {
		snprintf(buf, len, "an unknown rate");
		return buf;
	}
	double per, size;
	const char *per_name, *size_name;
	rate_units(fabs(bps), &per, &per_name, &size, &size_name);
	char n[32];
	number(n, sizeof n, bps * per / size, false);
	snprintf(buf, len, "%s %s/%s", n, size_name, per_name);
	return buf;
}

char *nh_fc_rate_range(double low, double high, char *buf, size_t len)
{
	if (!isfinite(low) || !isfinite(high)) {
		snprintf(buf, len, "unknown");
		return buf;
	}
	if (low == 0 && high == 0) { /* a constant series */
		snprintf(buf, len, "0 B/s");
		return buf;
	}
	double per, size;
	const char *per_name, *size_name;
	rate_units(fmax(fabs(low), fabs(high)), &per, &per_name, &size, &size_name);
	char a[32], b[32];
	number(a, sizeof a, low * per / size, true);
	number(b, sizeof b, high * per / size, true);
	snprintf(buf, len, "%s to %s %s/%s", a, b, size_name, per_name);
	return buf;
}

/* ---- one layer ---- */

void nh_fc_sentence(nh_fc_layer_t *l)
{
	char rate[64], range[80], when[48], lo[48], hi[48], lim[32], last[32];
	nh_fc_size(l->has_limit ? l->limit.bytes : 0, lim, sizeof lim);
	nh_fc_size(l->last, last, sizeof last);
	nh_fc_rate(l->trend.slope, rate, sizeof rate);
	nh_fc_rate_range(l->trend.low, l->trend.high, range, sizeof range);
	bool node = l->has_limit && l->limit.capacity;
	bool plural = strncmp(l->label, "nodes ", 6) == 0; /* "nodes 0-1 fill" */
	char *s = l->sentence;
	size_t cap = sizeof l->sentence;
	int used = 0;
	switch (l->verdict) {
	case NH_FC_INSUFFICIENT:
		used = snprintf(s, cap, "%s: insufficient data (%s)", l->label, l->why);
		break;
	case NH_FC_AT_LIMIT:
		if (node)
			used = snprintf(s, cap, "%s %s full already (%s of %s %s for the run)", l->label,
					plural ? "are" : "is", last, plural ? "their" : "its", lim);
		else
			used = snprintf(s, cap, "%s is at its limit already (%s of %s %s)", l->label, last,
					l->limit.name, lim);
		break;
	case NH_FC_NO_GROWTH:
		used = snprintf(s, cap, "%s: no growth (slope %s%s%s)", l->label, range,
				l->plateau ? "; " : "", l->plateau ? l->why : "");
		break;
	case NH_FC_GROWTH:
		if (!l->has_limit) {
			used = snprintf(s, cap, "%s %s at %s (%s); no limit to reach: %s", l->label,
					plural ? "grow" : "grows", rate, range, l->no_limit);
			break;
		}
		nh_fc_duration(l->ttl, when, sizeof when);
		nh_fc_duration(l->ttl_low, lo, sizeof lo);
		nh_fc_duration(l->ttl_high, hi, sizeof hi);
		if (node)
			used = snprintf(s, cap, "%s %s in %s (%s %s %s) at %s", l->label,
					plural ? "fill" : "fills", when, lo, EN_DASH, hi, rate);
		else
			used = snprintf(s, cap, "%s reaches %s %s in %s (%s %s %s) at %s", l->label,
					l->limit.name, lim, when, lo, EN_DASH, hi, rate);
		break;
	}
	if (used < 0 || (size_t)used >= cap)
		return;
	/* How it grows, when it is not a plain ramp. */
	char a[32], b[48];
	if (l->pattern == NH_FC_STEPS && l->verdict != NH_FC_INSUFFICIENT) {
		nh_fc_size(l->steps.size, a, sizeof a);
		nh_fc_duration(l->steps.period_s, b, sizeof b);
		snprintf(s + used, cap - (size_t)used, "; in %u steps of %s every %s", l->steps.count,
			 a, b);
	} else if (l->pattern == NH_FC_SAWTOOTH && l->verdict != NH_FC_INSUFFICIENT) {
		nh_fc_size(l->saw.drop, a, sizeof a);
		nh_fc_duration(l->saw.period_s, b, sizeof b);
		snprintf(s + used, cap - (size_t)used, "; a sawtooth freeing %s every %s, its troughs %s",
			 a, b, l->verdict == NH_FC_NO_GROWTH ? "level" : "rising");
	}
}

/* The smallest limit: with one slope, the nearest. */
static const nh_limit_t *nearest_limit(const nh_limit_t *limits, unsigned n)
{
	const nh_limit_t *best = NULL;
	for (unsigned i = 0; i < n; i++)
		if (isfinite(limits[i].bytes) && limits[i].bytes > 0 && (!best || limits[i].bytes < best->bytes))
			best = &limits[i];
	return best;
}

void nh_fc_layer(const char *layer, const char *label, const double *t, const double *y, unsigned n,
		 const nh_limit_t *limits, unsigned nlimits, const char *no_limit,
		 const nh_fc_opts_t *opts, nh_fc_layer_t *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->layer, sizeof out->layer, "%s", layer);
	snprintf(out->label, sizeof out->label, "%s", label);
	double confidence = opts && opts->confidence > 0 ? opts->confidence : 0.95;
	double min_step = opts && opts->min_step > 0 ? opts->min_step : 1048576.0;
	unsigned min_points = opts && opts->min_points ? opts->min_points : NH_FC_MIN_POINTS;
	out->trend.slope = out->trend.low = out->trend.high = out->trend.intercept = NAN;
	out->steps.size = out->steps.period_s = NAN;
	out->saw.drop = out->saw.amplitude = out->saw.period_s = NAN;
	out->ttl = out->ttl_low = out->ttl_high = out->limit_at_s = NAN;
	out->t_first = out->t_last = out->last = out->level = NAN;
	double first = NAN;
	const nh_limit_t *lim = nearest_limit(limits, nlimits);
	if (lim) {
		out->has_limit = true;
		out->limit = *lim;
	} else {
		snprintf(out->no_limit, sizeof out->no_limit, "%s", no_limit ? no_limit : "none given");
	}
	for (unsigned i = 0; i < n; i++) {
		if (!isfinite(y[i]) || !isfinite(t[i]))
			continue;
		if (!out->points++) {
			out->t_first = t[i];
			first = y[i];
		}
		out->t_last = t[i];
		out->last = y[i];
	}
	/* At the limit needs no trend: the last sample says it. */
	if (out->points && lim && out->last >= lim->bytes * (1 - AT_LIMIT_SHARE)) {
		out->verdict = NH_FC_AT_LIMIT;
		out->ttl = out->ttl_low = out->ttl_high = 0;
		out->limit_at_s = out->t_last;
	}
	if (out->points < min_points) {
		if (out->verdict != NH_FC_AT_LIMIT) {
			out->verdict = NH_FC_INSUFFICIENT;
			snprintf(out->why, sizeof out->why, "%u point%s, at least %u needed", out->points,
				 out->points == 1 ? "" : "s", min_points);
		}
		nh_fc_sentence(out);
		return;
	}
	const char *failed = NULL;
	/* A long series is looked at in bins: every pass below then costs the same. */
	double *vt = NULL, *vy = NULL;
	long m = nh_fc_valid_binned(t, y, n, NH_FC_SHAPE_POINTS, &vt, &vy);
	if (m < 0)
		failed = "out of memory";
	if (!failed && (nh_steps_detect(vt, vy, (unsigned)m, min_step, &out->steps) < 0 ||
			nh_sawtooth_detect(vt, vy, (unsigned)m, min_step, &out->saw) < 0))
		failed = "out of memory";
	/* A sawtooth grows by what each cycle keeps: the trend of its troughs. */
	bool saw = !failed && out->saw.detected;
	int fit = failed ? -1
		  : saw	 ? nh_trend_fit(out->saw.trough_t, out->saw.trough_y, out->saw.troughs,
					confidence, &out->trend)
			 : nh_trend_fit(vt, vy, (unsigned)m, confidence, &out->trend);
	if (!failed && fit < 0)
		failed = errno == ENOMEM ? "out of memory" : "every point at the same time";
	/* Growth that has stopped is not growth: a run that allocates at its start and then holds
	 * (STREAM's first touch) rose, but its last third is flat. Judged on that third when the
	 * series is no sawtooth and no stair (whose flat stretches between steps are the pattern). */
	double net_rise = out->last - first;
	bool stair = out->steps.count >= 2 && net_rise > 0 && out->steps.total >= 0.5 * net_rise;
	unsigned tail = (unsigned)m / 3;
	if (!failed && !saw && !stair && out->trend.low > 0 && tail >= min_points) {
		nh_trend_t recent;
		unsigned from = (unsigned)m - tail;
		if (nh_trend_fit(vt + from, vy + from, tail, confidence, &recent) == 0 && recent.low <= 0 &&
		    recent.high >= 0) {
			out->trend = recent;
			out->plateau = true;
			snprintf(out->why, sizeof out->why, "grew until about t = %.0f s, flat since",
				 vt[from]);
		}
	}
	free(vt);
	free(vy);
	nh_sawtooth_free(&out->saw);
	if (failed) {
		if (out->verdict != NH_FC_AT_LIMIT) {
			out->verdict = NH_FC_INSUFFICIENT;
			snprintf(out->why, sizeof out->why, "%u points, but %s", out->points, failed);
		}
		nh_fc_sentence(out);
		return;
	}
	out->thinned = (unsigned)m < out->points || out->trend.used < out->trend.n;
	out->level = out->trend.intercept + out->trend.slope * out->t_last;
	if (saw) /* the peaks reach a limit first */
		out->level += isfinite(out->saw.amplitude) ? out->saw.amplitude : 0;
	if (out->verdict != NH_FC_AT_LIMIT)
		out->verdict = out->trend.low > 0 ? NH_FC_GROWTH : NH_FC_NO_GROWTH;
	double net = out->last - first;
	if (saw)
		out->pattern = NH_FC_SAWTOOTH;
	else if (out->steps.count >= 2 && net > 0 && out->steps.total >= 0.5 * net)
		out->pattern = NH_FC_STEPS;
	else
		out->pattern = out->verdict == NH_FC_GROWTH ? NH_FC_RAMP : NH_FC_FLAT;

	if (lim && out->verdict != NH_FC_AT_LIMIT) {
		double room = lim->bytes - out->level;
		double b = out->trend.slope, lo = out->trend.low, hi = out->trend.high;
		if (room <= 0) { /* the trend is past it between samples: now */
			out->ttl = out->ttl_low = 0;
			out->ttl_high = lo > 0 ? 0 : INFINITY;
		} else {
			out->ttl = b > 0 ? room / b : INFINITY;
			out->ttl_low = hi > 0 ? room / hi : INFINITY;
			out->ttl_high = lo > 0 ? room / lo : INFINITY;
		}
		/* No growth: no time to state, only the soonest the interval allows. */
		if (out->verdict == NH_FC_NO_GROWTH)
			out->ttl = NAN;
		out->limit_at_s = isfinite(out->ttl) ? out->t_last + out->ttl : NAN;
	}
	nh_fc_sentence(out);
}
