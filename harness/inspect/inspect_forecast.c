/* SPDX-License-Identifier: MIT */
/* inspect_forecast: a live process's memory layers over `inspect --watch`, each forecast
 * against its limit after every sample, from a history that stays bounded however long the
 * watch. */
#include "inspect_forecast.h"
#include "inspect_checks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample_memory.h"

enum { L_RSS, L_VM_SIZE, L_CGROUP, L_NODES }; /* then one per node, then the confined nodes */

struct nh_live_forecast {
	pid_t pid;
	const nh_topo_t *topo;
	unsigned nnodes;    /* the topology's nodes: a layer each */
	int node_id[NH_MAX_NODES];
	bool confined_known; /* fixed at the first sample: the sum layer's history needs one set */
	nh_set_t confined;
	char confined_from[96];
	bool sum_layer;	    /* several confined nodes: their sum is a layer too */
	unsigned layers;
	double t0;
	unsigned n;	    /* samples kept */
	double *t;	    /* [NH_LIVE_HISTORY] */
	double **y;	    /* [layers][NH_LIVE_HISTORY], NAN: not read at that sample */
	/* the latest readings the limits come from */
	double rlimit_as, cg_current, cg_limit, node_free[NH_MAX_NODES];
	char cg_limit_name[32], cg_why[192];
	nh_forecast_t result;
};

double nh_proc_limits_address_space(const char *text)
{
	const char *line = text ? strstr(text, "Max address space") : NULL;
	if (!line)
		return NAN;
	const char *p = line + strlen("Max address space");
	while (*p == ' ')
		p++;
	if (strncmp(p, "unlimited", 9) == 0)
		return INFINITY;
	char *end;
	errno = 0;
	double v = strtod(p, &end);
	return end == p || errno || !(v >= 0) ? NAN : v;
}

nh_live_forecast_t *nh_live_forecast_new(pid_t pid, const nh_topo_t *topo)
{
	nh_live_forecast_t *lf = calloc(1, sizeof *lf);
	if (!lf)
		return NULL;
	lf->pid = pid;
	lf->topo = topo;
	lf->nnodes = nh_topo_node_count(topo);
	if (lf->nnodes > NH_MAX_NODES)
		lf->nnodes = NH_MAX_NODES;
	for (unsigned i = 0; i < lf->nnodes; i++)
		lf->node_id[i] = nh_topo_node(topo, i)->id;
	lf->layers = L_NODES + lf->nnodes + 1; /* room for the sum layer */
	lf->t = malloc(NH_LIVE_HISTORY * sizeof *lf->t);
	lf->y = calloc(lf->layers, sizeof *lf->y);
	if (!lf->t || !lf->y) {
		nh_live_forecast_free(lf);
		return NULL;
	}
	for (unsigned l = 0; l < lf->layers; l++)
		if (!(lf->y[l] = malloc(NH_LIVE_HISTORY * sizeof *lf->y[l]))) {
			nh_live_forecast_free(lf);
			return NULL;
		}
	lf->result.nearest = -1;
	return lf;
}

void nh_live_forecast_free(nh_live_forecast_t *lf)
{
	if (!lf)
		return;
	for (unsigned l = 0; lf->y && l < lf->layers; l++)
		free(lf->y[l]);
	free(lf->y);
	free(lf->t);
	nh_forecast_free(&lf->result);
	free(lf);
}

const nh_forecast_t *nh_live_forecast_result(const nh_live_forecast_t *lf)
{
	return &lf->result;
}

/* The cgroup's limit: v1's hierarchical_memory_limit (its own and its ancestors' together), v2
 * the smallest memory.max from the cgroup up to the root (which has none). NAN when unlimited. */
static double cgroup_limit(const nh_cgroup_mem_t *cg, char *name, size_t len)
{
	if (cg->version == 1) {
		snprintf(name, len, "memory.limit_in_bytes");
		uint64_t v = nh_cgroup_stat(cg, "hierarchical_memory_limit");
		return v == UINT64_MAX || v >= (1ULL << 60) ? NAN : (double)v; /* "unlimited" */
	}
	snprintf(name, len, "memory.max");
	char dir[sizeof cg->path];
	snprintf(dir, sizeof dir, "%s", cg->path);
	double best = NAN;
	for (;;) {
		char path[sizeof dir + 16], line[64];
		snprintf(path, sizeof path, "%s/memory.max", dir);
		if (nh_read_line(path, line, sizeof line) < 0)
			break;
		char *end;
		double v = strtod(line, &end);
		if (end != line && *end == '\0' && (isnan(best) || v < best))
			best = v;
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	return best;
}

/* Keep every other sample once the history is full. */
static void decimate(nh_live_forecast_t *lf)
{
	unsigned kept = 0;
	for (unsigned i = 0; i < lf->n; i += 2, kept++) {
		lf->t[kept] = lf->t[i];
		for (unsigned l = 0; l < lf->layers; l++)
			lf->y[l][kept] = lf->y[l][i];
	}
	lf->n = kept;
}

/* Where the process's memory may go: its policy's nodes when it binds, within the nodes its
 * cpuset allows (the main thread's Mems_allowed); every node when neither narrows it. */
static void confinement(nh_live_forecast_t *lf, const nh_proc_snapshot_t *s)
{
	nh_set_t all;
	nh_set_clear(&all);
	for (unsigned i = 0; i < lf->nnodes; i++)
		nh_set_add(&all, (unsigned)lf->node_id[i]);
	lf->confined = all;
	const nh_thread_t *main = s->thread_count ? &s->threads[0] : NULL;
	char a[64] = "", b[64] = "";
	bool bind = main && main->policy_known && strcmp(main->policy.mode, "bind") == 0 &&
		    !nh_set_empty(&main->policy.nodes);
	if (bind)
		nh_set_and(&lf->confined, &main->policy.nodes);
	bool cpuset = main && !nh_set_empty(&main->mems_allowed) &&
		      !nh_set_subset(&all, &main->mems_allowed);
	if (cpuset)
		nh_set_and(&lf->confined, &main->mems_allowed);
	if (nh_set_empty(&lf->confined)) /* nothing in common: say every node rather than none */
		lf->confined = all;
	if (bind)
		nh_set_format(&main->policy.nodes, a, sizeof a);
	if (cpuset)
		nh_set_format(&main->mems_allowed, b, sizeof b);
	snprintf(lf->confined_from, sizeof lf->confined_from, "%s%s%s%s%s", bind ? "policy bind:" : "",
		 a, bind && cpuset ? ", " : "", cpuset ? "cpuset mems " : "", b);
	if (!bind && !cpuset)
		snprintf(lf->confined_from, sizeof lf->confined_from, "no policy or cpuset narrows it");
	lf->sum_layer = nh_set_count(&lf->confined) > 1;
	lf->confined_known = true;
}

static void read_beside(nh_live_forecast_t *lf, double *rss, double *vm_size)
{
	char path[64];
	/* RLIMIT_AS: the process's own, as /proc shows it. */
	snprintf(path, sizeof path, "/proc/%d/limits", (int)lf->pid);
	char *text = nh_read_file(path, NULL, NULL);
	lf->rlimit_as = nh_proc_limits_address_space(text);
	free(text);
	snprintf(path, sizeof path, "/proc/%d/status", (int)lf->pid);
	text = nh_read_file(path, NULL, NULL);
	nh_proc_mem_t m;
	memset(&m, 0, sizeof m);
	if (text && nh_proc_status_parse(text, &m, NULL) == 0) {
		*rss = (double)m.vm_rss;
		*vm_size = (double)m.vm_size;
	}
	free(text);
	nh_cgroup_mem_t *cg = malloc(sizeof *cg);
	lf->cg_current = lf->cg_limit = NAN;
	if (cg) {
		nh_cgroup_read(lf->pid, cg);
		if (cg->available) {
			lf->cg_current = (double)cg->current;
			lf->cg_limit = cgroup_limit(cg, lf->cg_limit_name, sizeof lf->cg_limit_name);
			snprintf(lf->cg_why, sizeof lf->cg_why, "its cgroup has none");
		} else {
			nh_format_cut(lf->cg_why, sizeof lf->cg_why, "cgroup unavailable: %s", cg->reason);
		}
		free(cg);
	}
	for (unsigned i = 0; i < lf->nnodes; i++) {
		char p[96];
		uint64_t total, free_bytes;
		snprintf(p, sizeof p, "/sys/devices/system/node/node%d/meminfo", lf->node_id[i]);
		char *mi = nh_read_file(p, NULL, NULL);
		lf->node_free[i] = mi && nh_topo_parse_meminfo(mi, &total, &free_bytes) == 0
					   ? (double)free_bytes : NAN;
		free(mi);
	}
}

static void forecast_all(nh_live_forecast_t *lf)
{
	nh_forecast_t *f = &lf->result;
	nh_forecast_free(f);
	memset(f, 0, sizeof *f);
	f->nearest = -1;
	f->until_s = NAN;
	f->rows = f->rows_total = lf->n;
	f->layers = calloc(lf->layers, sizeof *f->layers);
	if (!f->layers)
		return;
	unsigned last = lf->n - 1;
	nh_limit_t lim;
	char why[192];
	/* RSS: its limits are the cgroup's (the cgroup layer). */
	nh_fc_layer("rss", "RSS", lf->t, lf->y[L_RSS], lf->n, NULL, 0,
		    "see the cgroup", NULL, &f->layers[f->count++]);
	lim = (nh_limit_t){.name = "RLIMIT_AS", .node = -1, .bytes = lf->rlimit_as};
	snprintf(why, sizeof why, "RLIMIT_AS %s", isinf(lf->rlimit_as) ? "unlimited" : "unreadable");
	nh_fc_layer("vm_size", "the address space", lf->t, lf->y[L_VM_SIZE], lf->n, &lim,
		    isfinite(lf->rlimit_as) ? 1 : 0, why, NULL, &f->layers[f->count++]);
	lim = (nh_limit_t){.node = -1, .bytes = lf->cg_limit};
	snprintf(lim.name, sizeof lim.name, "%s", lf->cg_limit_name);
	char label[96], now[32];
	if (isfinite(lf->cg_current))
		snprintf(label, sizeof label, "the cgroup (now %s)",
			 nh_fc_size(lf->cg_current, now, sizeof now));
	else
		snprintf(label, sizeof label, "the cgroup");
	nh_fc_layer("cgroup", label, lf->t, lf->y[L_CGROUP], lf->n, &lim, isfinite(lf->cg_limit) ? 1 : 0,
		    lf->cg_why, NULL, &f->layers[f->count++]);
	unsigned nconf = nh_set_count(&lf->confined);
	char conf[64];
	nh_set_format(&lf->confined, conf, sizeof conf);
	double sum_cap = 0;
	for (unsigned i = 0; i < lf->nnodes; i++) {
		int id = lf->node_id[i];
		char key[32], lab[32];
		snprintf(key, sizeof key, "node%d", id);
		snprintf(lab, sizeof lab, "node %d", id);
		double bytes = lf->y[L_NODES + i][last];
		lim = (nh_limit_t){.node = id, .capacity = true, .bytes = bytes + lf->node_free[i]};
		snprintf(lim.name, sizeof lim.name, "node %d capacity", id);
		if (nh_set_has(&lf->confined, (unsigned)id))
			sum_cap += lim.bytes;
		unsigned nlim = 0;
		if (!nh_set_has(&lf->confined, (unsigned)id))
			nh_format_cut(why, sizeof why, "its memory is confined to node%s %s (%s)",
				 nconf > 1 ? "s" : "", conf, lf->confined_from);
		else if (nconf > 1)
			nh_format_cut(why, sizeof why, "its memory may use nodes %s together (%s): see nodes %s",
				 conf, lf->confined_from, conf);
		else if (!isfinite(lim.bytes))
			snprintf(why, sizeof why, "node %d's MemFree could not be read", id);
		else
			nlim = 1;
		nh_fc_layer(key, lab, lf->t, lf->y[L_NODES + i], lf->n, &lim, nlim, why, NULL,
			    &f->layers[f->count++]);
	}
	if (lf->sum_layer) {
		char key[80], lab[96];
		snprintf(key, sizeof key, "nodes%s", conf);
		snprintf(lab, sizeof lab, "nodes %s", conf);
		lim = (nh_limit_t){.node = -1, .capacity = true, .bytes = sum_cap};
		nh_format_cut(lim.name, sizeof lim.name, "capacity of nodes %s", conf);
		nh_fc_layer(key, lab, lf->t, lf->y[L_NODES + lf->nnodes], lf->n, &lim,
			    isfinite(sum_cap) ? 1 : 0, "a node's MemFree could not be read", NULL,
			    &f->layers[f->count++]);
	}
	/* The nearest: at a limit, else soonest, else least room (as a run's forecast picks). */
	double best = INFINITY;
	int rank = 4;
	for (unsigned i = 0; i < f->count; i++) {
		const nh_fc_layer_t *l = &f->layers[i];
		if (!l->has_limit)
			continue;
		int r = l->verdict == NH_FC_AT_LIMIT ? 0
			: l->verdict == NH_FC_GROWTH && isfinite(l->ttl) ? 1
			: isfinite(l->last) ? 2 : 3;
		double key = r == 1 ? l->ttl : r == 2 ? (l->limit.bytes - l->last) / l->limit.bytes : 0;
		if (r < rank || (r == rank && key < best)) {
			rank = r;
			best = key;
			f->nearest = (int)i;
		}
	}
}

int nh_live_forecast_add(nh_live_forecast_t *lf, const nh_proc_snapshot_t *s, nh_err_t *err)
{
	if (!lf->confined_known)
		confinement(lf, s);
	double rss = NAN, vm_size = NAN;
	read_beside(lf, &rss, &vm_size);
	if (isnan(rss)) {
		errno = ESRCH;
		return nh_err_set(err, "process %d has exited", (int)lf->pid);
	}
	if (lf->n == 0)
		lf->t0 = s->t;
	if (lf->n == NH_LIVE_HISTORY)
		decimate(lf);
	unsigned i = lf->n++;
	lf->t[i] = s->t - lf->t0;
	lf->y[L_RSS][i] = rss;
	lf->y[L_VM_SIZE][i] = vm_size;
	lf->y[L_CGROUP][i] = lf->cg_current;
	nh_memview_t own;
	nh_memview_of_process(s, &own);
	double sum = 0;
	for (unsigned k = 0; k < lf->nnodes; k++) {
		double b = lf->node_id[k] < NH_MAX_NODES ? (double)own.by_node[lf->node_id[k]] : NAN;
		lf->y[L_NODES + k][i] = b;
		if (nh_set_has(&lf->confined, (unsigned)lf->node_id[k]))
			sum += b;
	}
	lf->y[L_NODES + lf->nnodes][i] = sum;
	forecast_all(lf);
	return 0;
}

void nh_live_forecast_line(const nh_live_forecast_t *lf, char *buf, size_t len)
{
	const nh_forecast_t *f = &lf->result;
	size_t used = 0;
	bool all_short = f->count > 0;
	for (unsigned i = 0; i < f->count; i++)
		all_short &= f->layers[i].verdict == NH_FC_INSUFFICIENT;
	if (all_short) {
		nh_format_cut(buf, len, "forecast: insufficient data (%s)", f->layers[0].why);
		return;
	}
	buf[0] = '\0';
	used = (size_t)snprintf(buf, len, "forecast:");
	if (f->nearest >= 0 && used < len)
		used += (size_t)snprintf(buf + used, len - used, " nearest: %s", f->layers[f->nearest].sentence);
	for (unsigned i = 0; i < f->count && used < len; i++) {
		const nh_fc_layer_t *l = &f->layers[i];
		if ((int)i == f->nearest)
			continue;
		/* The address space only against a limit; nodes only where memory is. */
		if (strcmp(l->layer, "vm_size") == 0 && !l->has_limit)
			continue;
		if (strncmp(l->layer, "node", 4) == 0 && !(l->last > 0) && !l->has_limit)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used > 9 ? " | " : " ",
					 l->sentence);
	}
	if (used >= len && len > 4)
		memcpy(buf + len - 4, "...", 4); /* cut visibly */
}
