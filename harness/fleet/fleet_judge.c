/* SPDX-License-Identifier: MIT */
/* fleet_judge: the hosts judged together. Planned hosts without results become MISSING; each
 * cohort's usual configuration is the value most of its hosts share, and a host that differs
 * drifts; per cohort × node × metric the median and MAD (or the baseline's) are the reference
 * each host's figure is scored against; then each host's verdict, reasons and plain readings,
 * and the fleet-level warnings that make a comparison invalid. */
#include "fleet_internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	return slash && slash[1] ? slash + 1 : dir;
}

/* A planned name is a host's name (its id) or the name of its directory (what the engine
 * fetched it into). */
static int mark_planned(nh_fleet_t *f)
{
	unsigned found_hosts = f->host_count;
	for (unsigned p = 0; p < f->planned_count; p++) {
		bool found = false;
		for (unsigned i = 0; i < found_hosts; i++) {
			fleet_host_t *h = &f->hosts[i];
			if (strcmp(h->name, f->planned[p]) == 0 ||
			    (h->dir && strcmp(base_name(h->dir), f->planned[p]) == 0)) {
				h->planned = found = true;
			}
		}
		if (found)
			continue;
		fleet_host_t *h = fleet_new_host(f);
		if (!h || !(h->name = strdup(f->planned[p])))
			return -1;
		h->planned = true;
		h->cohort = UINT_MAX;
		h->verdict = NH_FLEET_MISSING;
		if (fleet_strv_add(&h->reasons, "planned (%s), no results: never started, unreachable, "
				   "or its files were not fetched", f->planned_path) < 0)
			return -1;
	}
	return 0;
}

static int by_host_name(const void *a, const void *b)
{
	const fleet_host_t *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->dir ? x->dir : "", y->dir ? y->dir : "");
}

static bool judged_host(const fleet_host_t *h)
{
	return h->verdict != NH_FLEET_MISSING && !h->error;
}

/* ---- drift: each cohort's usual value of each fact ---- */

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* The distinct values among \p ids (sorted), most hosts first, then by name. */
typedef struct value_count {
	unsigned id, hosts;
	const char *text;
} value_count_t;

static int by_hosts(const void *a, const void *b)
{
	const value_count_t *x = a, *y = b;
	if (x->hosts != y->hosts)
		return x->hosts > y->hosts ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Runs of equal ids into \p out (room for \p n); returns how many values. */
static unsigned value_counts(const nh_fleet_t *f, const unsigned *ids, unsigned n,
			     value_count_t *out)
{
	unsigned count = 0;
	for (unsigned i = 0, run; i < n; i += run) {
		for (run = 1; i + run < n && ids[i + run] == ids[i]; run++)
			;
		out[count++] = (value_count_t){.id = ids[i], .hosts = run, .text = fleet_str(f, ids[i])};
	}
	qsort(out, count, sizeof *out, by_hosts);
	return count;
}

/* \p order: host indexes grouped by cohort, \p start[c] .. start[c + 1] those of cohort c. */
static int usual_values(nh_fleet_t *f, const unsigned *order, const unsigned *start)
{
	unsigned *ids = malloc((f->host_count + 1) * sizeof *ids);
	value_count_t *counts = malloc((f->host_count + 1) * sizeof *counts);
	if (!ids || !counts) {
		free(ids);
		free(counts);
		return -1;
	}
	for (unsigned c = 0; c < f->cohort_count; c++) {
		fleet_cohort_t *co = &f->cohorts[c];
		for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++) {
			unsigned n = 0;
			for (unsigned k = start[c]; k < start[c + 1]; k++) {
				const fleet_host_t *h = &f->hosts[order[k]];
				if (judged_host(h) && h->fact[fact])
					ids[n++] = h->fact[fact];
			}
			if (!n)
				continue;
			qsort(ids, n, sizeof *ids, cmp_unsigned);
			unsigned distinct = value_counts(f, ids, n, counts);
			if (distinct == 1 || counts[0].hosts > counts[1].hosts) {
				co->usual[fact] = counts[0].id;
				continue;
			}
			/* no value most hosts share: nothing to call drift, said once */
			char text[1024];
			snprintf(text, sizeof text, "%s: no usual value (%u values",
				 nh_fleet_fact_def(fact)->label, distinct);
			for (unsigned i = 0; i < distinct && i < 3; i++) {
				size_t used = strlen(text);
				nh_format_cut(text + used, sizeof text - used, "%s %s: %u hosts",
					      i ? ";" : ":", counts[i].text, counts[i].hosts);
			}
			if (fleet_strv_add(&co->notes, "%s)", text) < 0) {
				free(ids);
				free(counts);
				return -1;
			}
		}
	}
	free(ids);
	free(counts);
	return 0;
}

static int host_drift(nh_fleet_t *f, fleet_host_t *h)
{
	const fleet_cohort_t *co = &f->cohorts[h->cohort];
	for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++) {
		if (!h->fact[fact] || !co->usual[fact] || h->fact[fact] == co->usual[fact])
			continue;
		h->drift = true;
		h->drift_facts |= 1u << fact;
		const nh_fleet_fact_def_t *d = nh_fleet_fact_def(fact);
		if (d->shape) {
			h->drift_shape = true;
			h->other_shape |= fact == NH_FACT_NODES;
			if (fleet_strv_add(&h->reasons, "%s %s, the cohort's usual %s%s", d->label,
					   fleet_str(f, h->fact[fact]), fleet_str(f, co->usual[fact]),
					   fact == NH_FACT_NODES ? ": per-node figures not compared"
								 : "") < 0)
				return -1;
		} else if (fleet_strv_add(&h->notes, "%s %s, the cohort's usual %s (drift, a note)",
					  d->label, fleet_str(f, h->fact[fact]),
					  fleet_str(f, co->usual[fact])) < 0) {
			return -1;
		}
	}
	return 0;
}

/* ---- references: cohort × node × metric ---- */

static fleet_ref_t *ref_at(nh_fleet_t *f, unsigned *index, unsigned cohort, unsigned node,
			   enum nh_fleet_metric m)
{
	unsigned *slot = &index[(cohort * NH_FLEET_MAX_NODES + node) * NH_FLEET_METRICS + m];
	if (*slot)
		return &f->refs[*slot - 1];
	if (f->ref_count == f->ref_cap) {
		unsigned cap = f->ref_cap ? 2 * f->ref_cap : 64;
		fleet_ref_t *grown = realloc(f->refs, cap * sizeof *grown);
		if (!grown)
			return NULL;
		f->refs = grown;
		f->ref_cap = cap;
	}
	fleet_ref_t *r = &f->refs[f->ref_count++];
	*r = (fleet_ref_t){.cohort = cohort, .node = node, .metric = m, .median = NAN, .mad = NAN,
			   .ref_median = NAN, .ref_mad = NAN};
	*slot = f->ref_count;
	return r;
}

static int push(fleet_ref_t *r, double v)
{
	if (r->n == r->cap) {
		unsigned cap = r->cap ? 2 * r->cap : 16;
		double *grown = realloc(r->values, cap * sizeof *grown);
		if (!grown)
			return -1;
		r->values = grown;
		r->cap = cap;
	}
	r->values[r->n++] = v;
	return 0;
}

static const struct fleet_baseline_ref *baseline_of(const nh_fleet_t *f, const fleet_ref_t *r)
{
	unsigned name = f->cohorts[r->cohort].name;
	for (unsigned i = 0; i < f->base_count; i++)
		if (f->base[i].cohort_name == name && f->base[i].node == r->node &&
		    f->base[i].metric == r->metric)
			return &f->base[i];
	return NULL;
}

static int references(nh_fleet_t *f, unsigned *index)
{
	for (unsigned i = 0; i < f->host_count; i++) {
		fleet_host_t *h = &f->hosts[i];
		if (!judged_host(h) || h->other_shape)
			continue;
		for (unsigned k = 0; k < h->node_count; k++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
				const fleet_value_t *v = &h->nodes[k].m[m];
				if (!v->present)
					continue;
				fleet_ref_t *r = ref_at(f, index, h->cohort, h->nodes[k].id, m);
				if (!r || push(r, v->v) < 0)
					return -1;
			}
	}
	for (unsigned i = 0; i < f->ref_count; i++) {
		fleet_ref_t *r = &f->refs[i];
		double *scratch = malloc((r->n ? r->n : 1) * sizeof *scratch);
		if (!scratch)
			return -1;
		r->median = fleet_median(r->values, r->n);
		r->mad = fleet_mad(r->values, r->n, r->median, scratch);
		free(scratch);
		free(r->values);
		r->values = NULL;
		r->cap = 0;
		const struct fleet_baseline_ref *b = baseline_of(f, r);
		if (b && b->n >= NH_FLEET_MIN_COHORT) {
			r->judged = r->baseline = true;
			r->ref_median = b->median;
			r->ref_mad = isfinite(b->mad) ? b->mad : r->n >= 2 ? r->mad : 0;
			r->ref_n = b->n;
		} else if (r->n >= NH_FLEET_MIN_COHORT) {
			r->judged = true;
			r->ref_median = r->median;
			r->ref_mad = r->mad;
			r->ref_n = r->n;
		}
	}
	return 0;
}

/* One figure against its reference: the modified z-score over the noise floor, the deviation,
 * and whether it is an outlier (both past the z limit and the practical threshold, in a bad
 * direction), noisy or within. */
static void score(const nh_fleet_t *f, fleet_host_t *h, fleet_value_t *v, enum nh_fleet_metric m,
		  fleet_ref_t *r)
{
	const nh_fleet_metric_def_t *d = nh_fleet_metric_def(m);
	bool noisy = d->repeated && isfinite(v->cv) && v->cv > f->o.max_cv;
	if (!r->judged) {
		v->flag = noisy ? FL_NOISY : FL_INSUFFICIENT;
		h->insufficient = true;
		return;
	}
	h->compared = true;
	double floor = fmax(fmax(r->ref_mad, v->spread), d->floor_frac * fabs(r->ref_median));
	v->ref = r->ref_median;
	v->dev_pct = r->ref_median != 0 ? 100 * (v->v - r->ref_median) / fabs(r->ref_median) : NAN;
	v->z = floor > 0 ? NH_FLEET_Z_SCALE * (v->v - r->ref_median) / floor : 0;
	bool bad_way = d->bad == 0 || (d->bad < 0 ? v->v < r->ref_median : v->v > r->ref_median);
	v->deviates = bad_way && fabs(v->z) > NH_FLEET_Z_LIMIT && isfinite(v->dev_pct) &&
		      fabs(v->dev_pct) >= f->o.threshold_pct[m];
	if (noisy)
		v->flag = FL_NOISY;
	else if (v->deviates)
		v->flag = v->v < r->ref_median ? FL_LOW : FL_HIGH;
	else
		v->flag = FL_OK;
	if (v->flag == FL_LOW)
		r->low++;
	else if (v->flag == FL_HIGH)
		r->high++;
}

/* A figure as text: "76,512 MB/s", "95.1 ns", "187.5 GiB", "1.82". */
static void figure(char *buf, size_t len, enum nh_fleet_metric m, double v)
{
	switch (m) {
	case NH_FLEET_TRIAD: snprintf(buf, len, "%.0f MB/s", v); break;
	case NH_FLEET_LATENCY: snprintf(buf, len, "%.1f ns", v); break;
	case NH_FLEET_MEMTOTAL: snprintf(buf, len, "%.2f GiB", v / (1024.0 * 1024 * 1024)); break;
	default: snprintf(buf, len, "%.2f", v); break;
	}
}

/* Verdict, reasons and readings of one host, its figures scored. */
static int conclude(nh_fleet_t *f, fleet_host_t *h, unsigned *index)
{
	if (h->verdict == NH_FLEET_MISSING)
		return 0;
	if (h->error) {
		h->verdict = NH_FLEET_ERROR;
		for (unsigned k = 0; k < h->node_count; k++)
			for (unsigned m = 0; m < NH_FLEET_METRICS; m++)
				if (h->nodes[k].m[m].present)
					h->nodes[k].m[m].flag = FL_NOT_COMPARED;
		return 0;
	}
	bool outlier = false, noisy = false;
	const fleet_ref_t *short_ref = NULL;
	nh_fleet_signals_t *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	s->max_cv = f->o.max_cv;
	for (unsigned k = 0; k < h->node_count; k++) {
		fleet_node_t *node = &h->nodes[k];
		nh_fleet_node_signals_t *ns = k < NH_FLEET_MAX_NODES ? &s->nodes[k] : NULL;
		if (ns) {
			ns->node = node->id;
			s->node_count = k + 1;
		}
		for (unsigned m = 0; m < NH_FLEET_METRICS; m++) {
			fleet_value_t *v = &node->m[m];
			if (!v->present)
				continue;
			if (h->other_shape) {
				v->flag = FL_NOT_COMPARED;
				continue;
			}
			fleet_ref_t *r = ref_at(f, index, h->cohort, node->id, m);
			if (!r) {
				free(s);
				return -1;
			}
			score(f, h, v, m, r);
			if (!r->judged && !short_ref)
				short_ref = r;
			noisy |= v->flag == FL_NOISY;
			outlier |= v->flag == FL_LOW || v->flag == FL_HIGH;
			if (!ns)
				continue;
			ns->judged[m] = r->judged;
			ns->runs[m] = v->n;
			if (v->flag == FL_NOISY)
				ns->noisy_cv[m] = v->cv;
			if (v->flag == FL_LOW || v->flag == FL_HIGH) {
				ns->dev_pct[m] = v->dev_pct;
				ns->sig |= m == NH_FLEET_TRIAD	     ? NH_SIG_TRIAD_LOW
					   : m == NH_FLEET_LATENCY   ? NH_SIG_LATENCY_HIGH
					   : m == NH_FLEET_MEMTOTAL ? NH_SIG_MEM_LOW
					   : v->flag == FL_HIGH	     ? NH_SIG_RATIO_HIGH
								     : NH_SIG_RATIO_LOW;
			}
			char val[64], ref[64], pct[32];
			int rc = 0;
			if (v->flag == FL_LOW || v->flag == FL_HIGH) {
				const nh_fleet_metric_def_t *d = nh_fleet_metric_def(m);
				figure(val, sizeof val, m, v->v);
				figure(ref, sizeof ref, m, v->ref);
				rc = fleet_strv_add(&h->reasons,
						    "node %u %s %s: %s against the %s median %s (z %s%.1f; "
						    "threshold %g %% %s)",
						    node->id, d->label, val, nh_fleet_pct(pct, sizeof pct, v->dev_pct),
						    r->baseline ? "baseline's" : "cohort", ref,
						    v->z < 0 ? "\u2212" : "+", fabs(v->z),
						    f->o.threshold_pct[m],
						    d->bad < 0 ? "low" : d->bad > 0 ? "high" : "either way");
			} else if (v->flag == FL_NOISY) {
				rc = fleet_strv_add(&h->reasons,
						    "node %u %s: CV %.2f over its %u runs, above --max-cv %.2f",
						    node->id, nh_fleet_metric_def(m)->label, v->cv, v->n,
						    f->o.max_cv);
			}
			if (rc < 0) {
				free(s);
				return -1;
			}
		}
	}
	for (unsigned fact = 0; fact < NH_FACT_COUNT; fact++)
		if (h->drift_facts & (1u << fact)) {
			s->drift_value[fact] = fleet_str(f, h->fact[fact]);
			s->drift_usual[fact] = fleet_str(f, f->cohorts[h->cohort].usual[fact]);
		}

	h->verdict = h->checks_failed			 ? NH_FLEET_FAIL
		     : h->drift_shape || outlier ? NH_FLEET_OUTLIER
		     : noisy			 ? NH_FLEET_UNSTABLE
						 : NH_FLEET_PASS;
	int rc = 0;
	if (short_ref) {
		const char *what = nh_fleet_metric_def(short_ref->metric)->label;
		rc = fleet_strv_add(&h->notes,
				    "not compared: cohort %s has %u host%s with a %s on node %u (at "
				    "least %u, or --baseline with this cohort)",
				    fleet_str(f, f->cohorts[h->cohort].name), short_ref->n,
				    short_ref->n == 1 ? "" : "s", what, short_ref->node,
				    NH_FLEET_MIN_COHORT);
	}
	if (rc == 0 && (h->drift_shape || outlier || noisy)) {
		char (*out)[NH_FLEET_READING_LEN] = malloc(NH_FLEET_MAX_READINGS * sizeof *out);
		if (!out) {
			free(s);
			return -1;
		}
		unsigned n = nh_fleet_readings(s, out, h->rules, NH_FLEET_MAX_READINGS);
		for (unsigned i = 0; i < n && rc == 0; i++)
			rc = fleet_strv_add(&h->readings, "%s", out[i]);
		free(out);
	}
	free(s);
	return rc;
}

/* Mixed tool versions or scenarios: the hosts did not measure the same way. */
static int mixed(nh_fleet_t *f, const char *what, size_t offset)
{
	unsigned *ids = malloc((f->host_count + 1) * sizeof *ids), n = 0;
	if (!ids)
		return -1;
	for (unsigned i = 0; i < f->host_count; i++) {
		const fleet_host_t *h = &f->hosts[i];
		unsigned id = *(const unsigned *)((const char *)h + offset);
		const char *s = fleet_str(f, id);
		if (judged_host(h) && s && strcmp(s, "unknown") != 0)
			ids[n++] = id;
	}
	qsort(ids, n, sizeof *ids, cmp_unsigned);
	value_count_t *counts = malloc((n + 1) * sizeof *counts);
	if (!counts) {
		free(ids);
		return -1;
	}
	unsigned distinct = value_counts(f, ids, n, counts);
	int rc = 0;
	if (distinct > 1) {
		char text[1024];
		snprintf(text, sizeof text, "mixed %s across the fleet: ", what);
		for (unsigned v = 0; v < distinct && v < 4; v++) {
			/* a few host names of each value, so the odd ones can be found */
			char hosts[256] = "";
			unsigned named = 0;
			for (unsigned k = 0; k < f->host_count && named < 3; k++) {
				const fleet_host_t *h = &f->hosts[k];
				if (judged_host(h) &&
				    *(const unsigned *)((const char *)h + offset) == counts[v].id) {
					size_t hu = strlen(hosts);
					nh_format_cut(hosts + hu, sizeof hosts - hu, "%s%s",
						      named++ ? ", " : "", h->name);
				}
			}
			size_t used = strlen(text);
			nh_format_cut(text + used, sizeof text - used, "%s%s (%u host%s: %s%s)",
				      v ? "; " : "", counts[v].text, counts[v].hosts,
				      counts[v].hosts == 1 ? "" : "s", hosts,
				      counts[v].hosts > 3 ? ", ..." : "");
		}
		rc = fleet_strv_add(&f->warnings, "%s — the hosts did not measure the same way, so "
				    "the comparison is not valid: rerun them alike", text);
	}
	free(counts);
	free(ids);
	return rc;
}

int fleet_judge(nh_fleet_t *f, nh_err_t *err)
{
	if (mark_planned(f) < 0)
		return nh_err_set(err, "out of memory");
	qsort(f->hosts, f->host_count, sizeof *f->hosts, by_host_name);
	for (unsigned i = 1; i < f->host_count; i++) {
		const fleet_host_t *a = &f->hosts[i - 1], *b = &f->hosts[i];
		if (strcmp(a->name, b->name) == 0 && a->dir && b->dir &&
		    (i < 2 || strcmp(f->hosts[i - 2].name, a->name) != 0) &&
		    fleet_strv_add(&f->warnings, "host name %s is used by more than one directory "
				   "(%s, %s): each host needs its own id (--host-id)",
				   a->name, a->dir, b->dir) < 0)
			return nh_err_set(err, "out of memory");
	}
	unsigned unplanned = 0;
	for (unsigned i = 0; f->planned_count && i < f->host_count; i++)
		if (!f->hosts[i].planned &&
		    unplanned++ < 10 &&
		    fleet_strv_add(&f->notes, "%s (%s) is not in %s: judged, not gated", f->hosts[i].name,
				   f->hosts[i].dir, f->planned_path) < 0)
			return nh_err_set(err, "out of memory");
	if (unplanned > 10 &&
	    fleet_strv_add(&f->notes, "and %u more hosts not in %s", unplanned - 10, f->planned_path) < 0)
		return nh_err_set(err, "out of memory");

	/* hosts grouped by cohort */
	unsigned *start = calloc(f->cohort_count + 2, sizeof *start);
	unsigned *order = malloc((f->host_count + 1) * sizeof *order);
	unsigned *index = calloc((size_t)(f->cohort_count ? f->cohort_count : 1) * NH_FLEET_MAX_NODES *
				 NH_FLEET_METRICS, sizeof *index);
	int rc = -1;
	if (!start || !order || !index)
		goto out;
	for (unsigned i = 0; i < f->host_count; i++) {
		fleet_host_t *h = &f->hosts[i];
		if (h->cohort == UINT_MAX)
			continue;
		start[h->cohort + 2]++;
		f->cohorts[h->cohort].hosts++;
		f->cohorts[h->cohort].errors += h->error;
	}
	for (unsigned c = 0; c < f->cohort_count; c++)
		start[c + 2] += start[c + 1];
	for (unsigned i = 0; i < f->host_count; i++)
		if (f->hosts[i].cohort != UINT_MAX)
			order[start[f->hosts[i].cohort + 1]++] = i;
	if (usual_values(f, order, start) < 0)
		goto out;
	for (unsigned i = 0; i < f->host_count; i++)
		if (judged_host(&f->hosts[i]) && host_drift(f, &f->hosts[i]) < 0)
			goto out;
	if (references(f, index) < 0)
		goto out;
	for (unsigned i = 0; i < f->host_count; i++) {
		if (conclude(f, &f->hosts[i], index) < 0)
			goto out;
		f->counts[f->hosts[i].verdict]++;
	}
	if (mixed(f, "tool versions", offsetof(fleet_host_t, tool_version)) < 0 ||
	    mixed(f, "scenario SHA-256", offsetof(fleet_host_t, scenario_sha)) < 0)
		goto out;
	rc = 0;
out:
	free(start);
	free(order);
	free(index);
	return rc < 0 ? nh_err_set(err, "out of memory") : 0;
}
