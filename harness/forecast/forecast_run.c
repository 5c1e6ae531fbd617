/* SPDX-License-Identifier: MIT */
/* forecast_run: a run's series — its layers (process RSS, the run's cgroup, each node, the
 * nodes memory is confined to together) — each against the limits that bound it. */
#include "forecast.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_MAX_NODES 64

void nh_fc_limits_init(nh_fc_limits_t *l)
{
	memset(l, 0, sizeof *l);
	l->memory_max = l->extra = l->rlimit_as = NAN;
	snprintf(l->memory_max_name, sizeof l->memory_max_name, "memory.max");
	snprintf(l->memory_max_why, sizeof l->memory_max_why, "no cgroup limit known");
}

void nh_fc_limits_cgroup(nh_fc_limits_t *l, const char *no_cgroup, int version, double memory_max)
{
	snprintf(l->memory_max_name, sizeof l->memory_max_name, "%s",
		 !no_cgroup && version == 1 ? "memory.limit_in_bytes" : "memory.max");
	l->memory_max = no_cgroup ? NAN : memory_max;
	if (no_cgroup)
		nh_format_cut(l->memory_max_why, sizeof l->memory_max_why,
			      "the run had no cgroup of its own: %s", no_cgroup);
	else if (isnan(memory_max))
		snprintf(l->memory_max_why, sizeof l->memory_max_why, "no memory_limit was set for the run");
	else
		l->memory_max_why[0] = '\0';
}

void nh_fc_limits_confine(nh_fc_limits_t *l, const char *mem_mode, const char *mem_nodes,
			  const char *cpuset_mems)
{
	nh_set_t bind, mems;
	bool by_policy = mem_mode && mem_nodes && strcmp(mem_mode, "bind") == 0 &&
			 nh_set_parse(&bind, mem_nodes, NULL) == 0 && !nh_set_empty(&bind);
	bool by_cpuset = cpuset_mems && *cpuset_mems && nh_set_parse(&mems, cpuset_mems, NULL) == 0 &&
			 !nh_set_empty(&mems);
	nh_set_clear(&l->mem_nodes);
	l->mem_nodes_from[0] = '\0';
	if (!by_policy && !by_cpuset)
		return;
	if (by_policy && by_cpuset) {
		l->mem_nodes = bind;
		nh_set_and(&l->mem_nodes, &mems);
		if (nh_set_empty(&l->mem_nodes)) /* nothing in common: the run could not allocate */
			l->mem_nodes = mems;
	} else {
		l->mem_nodes = by_policy ? bind : mems;
	}
	nh_format_cut(l->mem_nodes_from, sizeof l->mem_nodes_from, "%s%s%s%s%s",
		      by_policy ? "policy bind:" : "", by_policy ? mem_nodes : "",
		      by_policy && by_cpuset ? ", " : "", by_cpuset ? "cpuset mems " : "",
		      by_cpuset ? cpuset_mems : "");
}

void nh_forecast_free(nh_forecast_t *f)
{
	if (!f)
		return;
	free(f->layers);
	f->layers = NULL;
	f->count = 0;
}

/* The columns of a series that make its layers. */
struct columns {
	int t, rss, cgroup;
	int node_bytes[FC_MAX_NODES]; /* cgroup_node<N>_bytes */
	int node_pages[FC_MAX_NODES]; /* node<N>_pages (older series, the process's numa_maps) */
	int node_free[FC_MAX_NODES];  /* node<N>_free_bytes */
	nh_set_t nodes;		      /* nodes with a bytes or pages column */
};

static bool node_column(const char *name, const char *prefix, const char *suffix, unsigned *node)
{
	size_t pl = strlen(prefix), sl = strlen(suffix), nl = strlen(name);
	if (nl <= pl + sl || strncmp(name, prefix, pl) != 0 || strcmp(name + nl - sl, suffix) != 0)
		return false;
	unsigned v = 0;
	for (size_t i = pl; i < nl - sl; i++) {
		if (name[i] < '0' || name[i] > '9' || v > 1000)
			return false;
		v = v * 10 + (unsigned)(name[i] - '0');
	}
	*node = v;
	return v < FC_MAX_NODES;
}

static bool column_has_values(const nh_series_csv_t *s, int c)
{
	for (unsigned r = 0; c >= 0 && r < s->rows; r++)
		if (isfinite(s->col[c][r]))
			return true;
	return false;
}

static void find_columns(const nh_series_csv_t *s, struct columns *k)
{
	memset(k, 0, sizeof *k);
	k->t = nh_series_csv_find(s, "t_s");
	k->rss = nh_series_csv_find(s, "rss_bytes");
	k->cgroup = nh_series_csv_find(s, "cgroup_bytes");
	for (unsigned n = 0; n < FC_MAX_NODES; n++)
		k->node_bytes[n] = k->node_pages[n] = k->node_free[n] = -1;
	for (unsigned c = 0; c < s->cols; c++) {
		unsigned n;
		if (node_column(s->names[c], "cgroup_node", "_bytes", &n))
			k->node_bytes[n] = (int)c;
		else if (node_column(s->names[c], "node", "_pages", &n))
			k->node_pages[n] = (int)c;
		else if (node_column(s->names[c], "node", "_free_bytes", &n))
			k->node_free[n] = (int)c;
	}
	/* The run's own cgroup figures when they were read, else the process's pages. */
	for (unsigned n = 0; n < FC_MAX_NODES; n++) {
		if (!column_has_values(s, k->node_bytes[n]))
			k->node_bytes[n] = -1;
		if (k->node_bytes[n] >= 0 || k->node_pages[n] >= 0)
			nh_set_add(&k->nodes, n);
	}
}

/* Node \p n's bytes at row \p r: NAN when not measured. */
static double node_value(const nh_series_csv_t *s, const struct columns *k, unsigned n, unsigned r,
			 double page)
{
	if (k->node_bytes[n] >= 0)
		return s->col[k->node_bytes[n]][r];
	if (k->node_pages[n] >= 0)
		return s->col[k->node_pages[n]][r] * page;
	return NAN;
}

/* "nodes0-1" / "nodes 0-1" of a set. */
static void set_names(const nh_set_t *set, char *key, size_t klen, char *label, size_t llen)
{
	char list[64];
	nh_set_format(set, list, sizeof list);
	snprintf(key, klen, "nodes%s", list);
	snprintf(label, llen, "nodes %s", list);
}

bool nh_forecast_layer_values(const nh_series_csv_t *csv, const char *layer, double page_bytes,
			      double *y)
{
	struct columns k;
	find_columns(csv, &k);
	double page = page_bytes > 0 ? page_bytes : 4096;
	unsigned node;
	int c = strcmp(layer, "rss") == 0 ? k.rss : strcmp(layer, "cgroup") == 0 ? k.cgroup : -2;
	if (c >= 0) {
		if (csv->rows) /* no rows: no column storage at all */
			memcpy(y, csv->col[c], csv->rows * sizeof *y);
		return true;
	}
	if (c == -1)
		return false;
	if (strncmp(layer, "nodes", 5) == 0) {
		nh_set_t set;
		if (nh_set_parse(&set, layer + 5, NULL) < 0 || nh_set_empty(&set) ||
		    !nh_set_subset(&set, &k.nodes))
			return false;
		for (unsigned r = 0; r < csv->rows; r++) {
			y[r] = 0;
			for (int n = nh_set_next(&set, 0); n >= 0; n = nh_set_next(&set, n + 1))
				y[r] += node_value(csv, &k, (unsigned)n, r, page);
		}
		return true;
	}
	if (sscanf(layer, "node%u", &node) == 1 && node < FC_MAX_NODES && nh_set_has(&k.nodes, node)) {
		char again[32];
		snprintf(again, sizeof again, "node%u", node);
		if (strcmp(again, layer) != 0)
			return false;
		for (unsigned r = 0; r < csv->rows; r++)
			y[r] = node_value(csv, &k, node, r, page);
		return true;
	}
	return false;
}

/* Capacity of node \p n for the run: its bytes there plus the node's MemFree, at the last row
 * (of those used) that has both; NAN when none has. */
static double node_capacity(const nh_series_csv_t *s, const struct columns *k, unsigned n,
			    const unsigned *rows, unsigned nrows, double page)
{
	if (k->node_free[n] < 0)
		return NAN;
	for (unsigned i = nrows; i-- > 0;) {
		double b = node_value(s, k, n, rows[i], page), f = s->col[k->node_free[n]][rows[i]];
		if (isfinite(b) && isfinite(f))
			return b + f;
	}
	return NAN;
}

/* The layer nearest its limit: at it first, then the soonest to reach it, then the least room
 * left. */
static int nearest_layer(const nh_forecast_t *f)
{
	int best = -1;
	double best_key = INFINITY;
	int best_rank = 4;
	for (unsigned i = 0; i < f->count; i++) {
		const nh_fc_layer_t *l = &f->layers[i];
		if (!l->has_limit)
			continue;
		int rank;
		double key;
		if (l->verdict == NH_FC_AT_LIMIT) {
			rank = 0;
			key = 0;
		} else if (l->verdict == NH_FC_GROWTH && isfinite(l->ttl)) {
			rank = 1;
			key = l->ttl;
		} else if (isfinite(l->last)) {
			rank = 2;
			key = (l->limit.bytes - l->last) / l->limit.bytes;
		} else {
			rank = 3;
			key = 0;
		}
		if (rank < best_rank || (rank == best_rank && key < best_key)) {
			best = (int)i;
			best_rank = rank;
			best_key = key;
		}
	}
	return best;
}

int nh_forecast_series(const nh_series_csv_t *csv, const nh_fc_limits_t *lim, double until_s,
		       const nh_fc_opts_t *opts, nh_forecast_t *out, nh_err_t *err)
{
	memset(out, 0, sizeof *out);
	out->nearest = -1;
	out->until_s = until_s;
	out->torn = csv->torn;
	out->rows_total = csv->rows;
	struct columns k;
	find_columns(csv, &k);
	double page = lim->page_bytes > 0 ? lim->page_bytes : 4096;
	unsigned nn = nh_set_count(&k.nodes);
	/* rss, cgroup, each node, the confined nodes together */
	unsigned max_layers = 3 + nn;
	unsigned *rows = malloc((csv->rows ? csv->rows : 1) * sizeof *rows);
	double *t = malloc((csv->rows ? csv->rows : 1) * sizeof *t);
	double *y = malloc((csv->rows ? csv->rows : 1) * sizeof *y);
	out->layers = calloc(max_layers, sizeof *out->layers);
	if (!rows || !t || !y || !out->layers) {
		free(rows);
		free(t);
		free(y);
		nh_forecast_free(out);
		errno = ENOMEM;
		return nh_err_set(err, "out of memory for the forecast");
	}
	unsigned n = 0;
	for (unsigned r = 0; r < csv->rows; r++)
		if (isnan(until_s) || csv->col[k.t][r] <= until_s) {
			rows[n] = r;
			t[n++] = csv->col[k.t][r];
		}
	out->rows = n;

	/* Where memory may go: the confined nodes the series has, else every node it has. */
	nh_set_t confined = lim->mem_nodes;
	nh_set_and(&confined, &k.nodes);
	bool is_confined = !nh_set_empty(&confined);
	if (!is_confined)
		confined = k.nodes;
	char confined_text[64];
	nh_set_format(&confined, confined_text, sizeof confined_text);

	/* The run's own limits go to its cgroup layer, or to RSS when the series has none. */
	nh_limit_t run_limits[2];
	unsigned nrun = 0;
	if (isfinite(lim->memory_max) && lim->memory_max > 0) {
		run_limits[nrun] = (nh_limit_t){.node = -1, .bytes = lim->memory_max};
		snprintf(run_limits[nrun++].name, sizeof run_limits[0].name, "%s", lim->memory_max_name);
	}
	if (isfinite(lim->extra) && lim->extra > 0) {
		run_limits[nrun] = (nh_limit_t){.node = -1, .bytes = lim->extra};
		snprintf(run_limits[nrun++].name, sizeof run_limits[0].name, "the given limit");
	}
	char run_why[256];
	snprintf(run_why, sizeof run_why, "%s", lim->memory_max_why);
	bool has_cgroup = column_has_values(csv, k.cgroup);
	char note[256] = "";
	size_t used = 0;

	if (k.rss >= 0) {
		for (unsigned i = 0; i < n; i++)
			y[i] = csv->col[k.rss][rows[i]];
		const char *why = has_cgroup ? "the run's limits bound its cgroup (the cgroup layer)"
					     : run_why;
		nh_fc_layer("rss", "RSS", t, y, n, has_cgroup ? NULL : run_limits, has_cgroup ? 0 : nrun,
			    why, opts, &out->layers[out->count++]);
		if (!has_cgroup && nrun)
			used += (size_t)snprintf(note + used, sizeof note - used,
						 "RSS held to the cgroup's limit: the series has no "
						 "cgroup_bytes (page cache charged to the cgroup unseen). ");
	}
	if (has_cgroup) {
		for (unsigned i = 0; i < n; i++)
			y[i] = csv->col[k.cgroup][rows[i]];
		nh_fc_layer("cgroup", "the cgroup", t, y, n, run_limits, nrun, run_why, opts,
			    &out->layers[out->count++]);
	}
	if (isfinite(lim->rlimit_as) && used < sizeof note)
		used += (size_t)snprintf(note + used, sizeof note - used,
					 "RLIMIT_AS not forecast: the series has no VmSize column "
					 "(RSS is not the address space). ");

	unsigned nconf = nh_set_count(&confined);
	for (int nd = nh_set_next(&k.nodes, 0); nd >= 0; nd = nh_set_next(&k.nodes, nd + 1)) {
		unsigned node = (unsigned)nd;
		for (unsigned i = 0; i < n; i++)
			y[i] = node_value(csv, &k, node, rows[i], page);
		char key[80], label[96], why[192];
		snprintf(key, sizeof key, "node%u", node);
		snprintf(label, sizeof label, "node %u", node);
		nh_limit_t cap = {.node = (int)node, .capacity = true};
		unsigned ncap = 0;
		if (!nh_set_has(&confined, node)) {
			snprintf(why, sizeof why, "memory is confined to node%s %s (%s)",
				 nconf > 1 ? "s" : "", confined_text, lim->mem_nodes_from);
		} else if (nconf > 1) {
			snprintf(why, sizeof why, "memory %s nodes %s together: see nodes %s",
				 is_confined ? "is confined to" : "may use every node,", confined_text,
				 confined_text);
		} else if (k.node_free[node] < 0) {
			snprintf(why, sizeof why, "the series has no node%u_free_bytes (an older "
						  "series): node %u's capacity is unknown", node, node);
		} else {
			cap.bytes = node_capacity(csv, &k, node, rows, n, page);
			snprintf(cap.name, sizeof cap.name, "node %u capacity", node);
			ncap = isfinite(cap.bytes) ? 1 : 0;
			snprintf(why, sizeof why, "node %u's free memory was never read", node);
		}
		nh_fc_layer(key, label, t, y, n, &cap, ncap, why, opts, &out->layers[out->count++]);
	}
	if (nconf > 1) {
		char key[80], label[96], why[192] = "";
		set_names(&confined, key, sizeof key, label, sizeof label);
		nh_limit_t cap = {.node = -1, .capacity = true};
		nh_format_cut(cap.name, sizeof cap.name, "capacity of nodes %s", confined_text);
		cap.bytes = 0;
		for (int nd = nh_set_next(&confined, 0); nd >= 0; nd = nh_set_next(&confined, nd + 1)) {
			double c = k.node_free[nd] < 0 ? NAN : node_capacity(csv, &k, (unsigned)nd, rows, n, page);
			if (!isfinite(c) && !why[0])
				snprintf(why, sizeof why, "node %d's free memory is unknown (%s)", nd,
					 k.node_free[nd] < 0 ? "an older series" : "never read");
			cap.bytes += c;
		}
		for (unsigned i = 0; i < n; i++) {
			y[i] = 0;
			for (int nd = nh_set_next(&confined, 0); nd >= 0; nd = nh_set_next(&confined, nd + 1))
				y[i] += node_value(csv, &k, (unsigned)nd, rows[i], page);
		}
		nh_fc_layer(key, label, t, y, n, &cap, isfinite(cap.bytes) ? 1 : 0, why, opts,
			    &out->layers[out->count++]);
	}
	if (used) /* without its last space */
		note[used < sizeof note ? used - 1 : sizeof note - 1] = '\0';
	snprintf(out->note, sizeof out->note, "%s", note);
	out->nearest = nearest_layer(out);
	free(rows);
	free(t);
	free(y);
	return 0;
}

int nh_forecast_file(const char *csv_path, const nh_fc_limits_t *lim, double until_s,
		     const nh_fc_opts_t *opts, nh_forecast_t *out, nh_err_t *err)
{
	nh_series_csv_t csv;
	memset(out, 0, sizeof *out);
	out->nearest = -1;
	if (nh_series_csv_read(csv_path, &csv, err) < 0)
		return -1;
	int rc = nh_forecast_series(&csv, lim, until_s, opts, out, err);
	nh_series_csv_free(&csv);
	return rc;
}
