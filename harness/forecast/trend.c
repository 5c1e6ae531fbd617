/* SPDX-License-Identifier: MIT */
/* trend: Theil–Sen's slope with Sen's confidence interval, and the shapes a memory series takes
 * besides a ramp — stair-steps, and the sawtooth of a garbage-collected heap. */
#include "forecast_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* The median of \p n values (rearranged); NAN when n == 0. */
static double median_of(double *v, size_t n)
{
	return n ? gsl_stats_median(v, 1, n) : NAN;
}

/* The points with a value, copied (t, y) into fresh arrays; returns how many (-1 ENOMEM). */
long nh_fc_valid_points(const double *t, const double *y, unsigned n, double **vt, double **vy)
{
	return nh_fc_valid_binned(t, y, n, n ? n : 1, vt, vy);
}

long nh_fc_valid_binned(const double *t, const double *y, unsigned n, unsigned bins, double **vt,
			double **vy)
{
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++)
		k += isfinite(y[i]) && isfinite(t[i]);
	unsigned out_n = k > bins ? bins : k;
	*vt = malloc((out_n ? out_n : 1) * sizeof **vt);
	*vy = malloc((out_n ? out_n : 1) * sizeof **vy);
	/* A bin's points, for its medians (none needed when nothing is binned). */
	unsigned per = k > bins ? (k + bins - 1) / bins : 0;
	double *bt = per ? malloc(per * sizeof *bt) : NULL, *by = per ? malloc(per * sizeof *by) : NULL;
	if (!*vt || !*vy || (per && (!bt || !by))) {
		free(*vt);
		free(*vy);
		free(bt);
		free(by);
		*vt = *vy = NULL;
		errno = ENOMEM;
		return -1;
	}
	/* Bin b holds the valid points [k b / bins, k (b + 1) / bins): nh_fc_thin's bins. */
	unsigned seen = 0, b = 0, fill = 0, out = 0;
	for (unsigned i = 0; i < n; i++) {
		if (!isfinite(y[i]) || !isfinite(t[i]))
			continue;
		if (!per) {
			(*vt)[out] = t[i];
			(*vy)[out++] = y[i];
			continue;
		}
		bt[fill] = t[i];
		by[fill++] = y[i];
		seen++;
		if (seen == (unsigned)((unsigned long long)k * (b + 1) / bins)) {
			if (fill) {
				(*vt)[out] = median_of(bt, fill);
				(*vy)[out++] = median_of(by, fill);
			}
			fill = 0;
			b++;
		}
	}
	free(bt);
	free(by);
	return out;
}

/* Thin \p n points to \p bins in place: consecutive runs of about n / bins points become their
 * median t and median y. Medians, not every k-th point: the noise of a bin is averaged away, so
 * the interval of the thinned fit still reflects the whole series. */
unsigned nh_fc_thin(double *t, double *y, unsigned n, unsigned bins)
{
	unsigned out = 0;
	for (unsigned b = 0; b < bins; b++) {
		unsigned from = (unsigned)((unsigned long long)n * b / bins);
		unsigned to = (unsigned)((unsigned long long)n * (b + 1) / bins);
		if (to <= from)
			continue;
		/* The bin's points are before `from` is overwritten: out <= from always. */
		double mt = median_of(t + from, to - from), my = median_of(y + from, to - from);
		t[out] = mt;
		y[out++] = my;
	}
	return out;
}

/* Sum over groups of equal values of g(g-1)(2g+5): Kendall's S variance loses this to ties. */
static double tie_term(const double *y, unsigned n, double *scratch)
{
	memcpy(scratch, y, n * sizeof *y);
	gsl_sort(scratch, 1, n);
	double sum = 0;
	for (unsigned i = 0; i < n;) {
		unsigned j = i + 1;
		while (j < n && scratch[j] == scratch[i])
			j++;
		double g = j - i;
		sum += g * (g - 1) * (2 * g + 5);
		i = j;
	}
	return sum;
}

int nh_trend_fit(const double *t, const double *y, unsigned n, double confidence, nh_trend_t *out)
{
	memset(out, 0, sizeof *out);
	out->slope = out->low = out->high = out->intercept = NAN;
	double *vt, *vy;
	long k = nh_fc_valid_points(t, y, n, &vt, &vy);
	if (k < 0)
		return -1;
	out->n = (unsigned)k;
	int rc = -1;
	/* The intercept over every point, after the slope: its median of y - b t. */
	double *full_t = NULL, *full_y = NULL, *slopes = NULL, *scratch = NULL;
	unsigned m = (unsigned)k;
	errno = ENOMEM;
	if (m > NH_FC_MAX_POINTS) {
		full_t = malloc(m * sizeof *full_t);
		full_y = malloc(m * sizeof *full_y);
		if (!full_t || !full_y)
			goto out;
		memcpy(full_t, vt, m * sizeof *vt);
		memcpy(full_y, vy, m * sizeof *vy);
		m = nh_fc_thin(vt, vy, m, NH_FC_MAX_POINTS);
	}
	out->used = m;
	size_t pairs_cap = (size_t)m * (m - (m > 0)) / 2;
	slopes = malloc((pairs_cap ? pairs_cap : 1) * sizeof *slopes);
	scratch = malloc(((size_t)k ? (size_t)k : 1) * sizeof *scratch);
	if (!slopes || !scratch)
		goto out;
	size_t N = 0;
	for (unsigned i = 0; i < m; i++)
		for (unsigned j = i + 1; j < m; j++)
			if (vt[j] != vt[i])
				slopes[N++] = (vy[j] - vy[i]) / (vt[j] - vt[i]);
	if (N == 0) {
		errno = EINVAL;
		goto out;
	}
	/* Kendall's S variance with ties in y; C its half-width at the confidence asked. */
	double nn = m;
	double var_s = (nn * (nn - 1) * (2 * nn + 5) - tie_term(vy, m, scratch)) / 18.0;
	double z = gsl_cdf_ugaussian_Pinv(1 - (1 - confidence) / 2);
	double C = z * sqrt(var_s > 0 ? var_s : 0);
	/* Hollander & Wolfe: the M1-th and (M2 + 1)-th ordered slopes, M1 = (N - C) / 2 and
	 * M2 = (N + C) / 2 (1-based ranks), clamped to the slopes there are: with few points the
	 * interval is their whole range. */
	double m1 = round(((double)N - C) / 2), m2 = round(((double)N + C) / 2) + 1;
	size_t lo = m1 < 1 ? 0 : (size_t)m1 - 1, hi = m2 > (double)N ? N - 1 : (size_t)m2 - 1;
	out->slope = gsl_stats_median(slopes, 1, N);
	out->low = gsl_stats_select(slopes, 1, N, lo);
	out->high = gsl_stats_select(slopes, 1, N, hi);
	/* The intercept from every point when thinned, not only the bins. */
	const double *it = full_t ? full_t : vt, *iy = full_y ? full_y : vy;
	unsigned in = full_t ? (unsigned)k : m;
	for (unsigned i = 0; i < in; i++)
		scratch[i] = iy[i] - out->slope * it[i];
	out->intercept = median_of(scratch, in);
	rc = 0;
out:
	free(slopes);
	free(scratch);
	free(vt);
	free(vy);
	free(full_t);
	free(full_y);
	return rc;
}

/* ---- steps and sawtooth ---- */

#define STEP_MAX_LEN 3	/* samples a jump may take and still be one step (or one drop) */
#define NOISE_FACTOR 6	/* a step or drop is this many times the neighbour noise */

/* The noise between neighbours: the median absolute difference, robust to the steps. */
static double neighbour_noise(const double *y, unsigned n, double *scratch)
{
	for (unsigned i = 1; i < n; i++)
		scratch[i - 1] = fabs(y[i] - y[i - 1]);
	return n > 1 ? median_of(scratch, n - 1) : 0;
}

/* The level after a jump [i, j] less the level before it: the medians of up to LEVEL_SPAN
 * samples on each side, the jump's ends included. */
#define LEVEL_SPAN 5
static double level_change(const double *y, unsigned m, unsigned i, unsigned j, double *scratch)
{
	unsigned from = i + 1 >= LEVEL_SPAN ? i + 1 - LEVEL_SPAN : 0;
	unsigned to = j + LEVEL_SPAN <= m ? j + LEVEL_SPAN : m;
	memcpy(scratch, y + from, (i + 1 - from) * sizeof *y);
	double before = median_of(scratch, i + 1 - from);
	memcpy(scratch, y + j, (to - j) * sizeof *y);
	return median_of(scratch, to - j) - before;
}

int nh_steps_detect(const double *t, const double *y, unsigned n, double min_step, nh_steps_t *out)
{
	memset(out, 0, sizeof *out);
	out->size = out->period_s = NAN;
	double *vt, *vy;
	long k = nh_fc_valid_points(t, y, n, &vt, &vy);
	if (k < 0)
		return -1;
	unsigned m = (unsigned)k;
	double *scratch = malloc((m ? m : 1) * sizeof *scratch);
	double *sizes = malloc((m ? m : 1) * sizeof *sizes);
	double *when = malloc((m ? m : 1) * sizeof *when);
	int rc = 0;
	if (!scratch || !sizes || !when) {
		errno = ENOMEM;
		rc = -1;
	} else if (m >= 3) {
		double threshold = fmax(min_step, NOISE_FACTOR * neighbour_noise(vy, m, scratch));
		for (unsigned i = 0; i + 1 < m;) {
			if (vy[i + 1] - vy[i] < threshold) {
				i++;
				continue;
			}
			unsigned j = i;
			while (j + 1 < m && vy[j + 1] - vy[j] >= threshold)
				j++;
			/* [i, j] rose in big jumps: a step when short, with samples on both sides
			 * (a series that starts by rising has not stepped), and when the level
			 * holds: the return from a dip of a sample or two is no step. */
			if (j - i <= STEP_MAX_LEN && i > 0 && j + 1 < m &&
			    level_change(vy, m, i, j, scratch) >= 0.5 * (vy[j] - vy[i])) {
				sizes[out->count] = vy[j] - vy[i];
				when[out->count++] = (vt[i] + vt[j]) / 2;
			}
			i = j;
		}
	}
	for (unsigned s = 0; rc == 0 && s < out->count; s++)
		out->total += sizes[s];
	if (out->count)
		out->size = median_of(sizes, out->count);
	if (out->count >= 2) {
		for (unsigned s = 1; s < out->count; s++)
			scratch[s - 1] = when[s] - when[s - 1];
		out->period_s = median_of(scratch, out->count - 1);
	}
	free(vt);
	free(vy);
	free(scratch);
	free(sizes);
	free(when);
	return rc;
}

void nh_sawtooth_free(nh_sawtooth_t *s)
{
	free(s->trough_t);
	free(s->trough_y);
	s->trough_t = s->trough_y = NULL;
}

/* Where the cycles are: the sample index each drop starts at (its peak) and ends at (its
 * trough side). */
struct drop {
	unsigned from, to;
};

/* The drops of \p y (big falls within STEP_MAX_LEN samples); returns how many. */
static unsigned find_drops(const double *y, unsigned m, double threshold, struct drop *d)
{
	unsigned count = 0;
	for (unsigned i = 0; i + 1 < m;) {
		if (y[i] - y[i + 1] < threshold) {
			i++;
			continue;
		}
		unsigned j = i;
		while (j + 1 < m && y[j] - y[j + 1] >= threshold)
			j++;
		if (j - i <= STEP_MAX_LEN)
			d[count++] = (struct drop){i, j};
		i = j;
	}
	return count;
}

int nh_sawtooth_detect(const double *t, const double *y, unsigned n, double min_step,
		       nh_sawtooth_t *out)
{
	memset(out, 0, sizeof *out);
	out->drop = out->amplitude = out->period_s = NAN;
	double *vt, *vy;
	long k = nh_fc_valid_points(t, y, n, &vt, &vy);
	if (k < 0)
		return -1;
	unsigned m = (unsigned)k;
	double *scratch = malloc((m ? m : 1) * sizeof *scratch);
	struct drop *d = malloc((m ? m : 1) * sizeof *d);
	if (!scratch || !d)
		goto nomem;
	if (m < 3)
		goto done;
	double threshold = fmax(min_step, NOISE_FACTOR * neighbour_noise(vy, m, scratch));
	unsigned nd = find_drops(vy, m, threshold, d);
	/* Each cycle (the samples between one drop and the next) regrows over at least 3
	 * samples, and by at least half the drop that began it (the last cycle may be cut short
	 * by the end of the series). A dip and its return in a sample or two is an outlier. */
	unsigned good = 0;
	for (unsigned c = 0; c < nd; c++) {
		unsigned start = d[c].to, end = c + 1 < nd ? d[c + 1].from : m - 1;
		if (end < start + 2)
			continue;
		double lo = INFINITY, hi = -INFINITY;
		for (unsigned i = start; i <= end; i++) {
			lo = fmin(lo, vy[i]);
			hi = fmax(hi, vy[i]);
		}
		bool last = c + 1 == nd;
		double fell = vy[d[c].from] - vy[d[c].to];
		if (!last && hi - lo < 0.5 * fell)
			continue;
		/* Regrowth, not a jump back: no single rise makes half of it (of the drop for
		 * the last cycle, which may have had little time to regrow). */
		double biggest = 0;
		for (unsigned i = start; i < end; i++)
			biggest = fmax(biggest, vy[i + 1] - vy[i]);
		if (biggest >= 0.5 * (last ? fell : hi - lo))
			continue;
		d[good++] = d[c];
	}
	nd = good;
	if (nd < 2)
		goto done;
	out->detected = true;
	out->drops = nd;
	out->troughs = nd + 1;
	out->trough_t = malloc(out->troughs * sizeof *out->trough_t);
	out->trough_y = malloc(out->troughs * sizeof *out->trough_y);
	double *amp = malloc(out->troughs * sizeof *amp);
	if (!out->trough_t || !out->trough_y || !amp) {
		free(amp);
		goto nomem;
	}
	/* Troughs: the minimum of the samples before the first drop, then of each cycle; the
	 * amplitude of a complete cycle: its peak (where the next drop starts) above its trough. */
	unsigned namp = 0;
	for (unsigned c = 0; c <= nd; c++) {
		unsigned start = c ? d[c - 1].to : 0, end = c < nd ? d[c].from : m - 1;
		unsigned at = start;
		for (unsigned i = start; i <= end; i++)
			if (vy[i] < vy[at])
				at = i;
		out->trough_t[c] = vt[at];
		out->trough_y[c] = vy[at];
		if (c < nd)
			amp[namp++] = vy[d[c].from] - vy[at];
	}
	for (unsigned c = 0; c < nd; c++)
		scratch[c] = vy[d[c].from] - vy[d[c].to];
	out->drop = median_of(scratch, nd);
	out->amplitude = median_of(amp, namp);
	free(amp);
	for (unsigned c = 1; c < nd; c++)
		scratch[c - 1] = vt[d[c].from] - vt[d[c - 1].from];
	out->period_s = median_of(scratch, nd - 1);
done:
	free(vt);
	free(vy);
	free(scratch);
	free(d);
	return 0;
nomem:
	nh_sawtooth_free(out);
	free(vt);
	free(vy);
	free(scratch);
	free(d);
	errno = ENOMEM;
	return -1;
}
