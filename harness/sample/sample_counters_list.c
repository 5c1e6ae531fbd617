/* SPDX-License-Identifier: MIT */
/* sample_counters_list: `numaharness events [PATTERN]` — every set and event with whether this
 * host can count it and why not, and libpfm4's events matching a pattern. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sample_counters_internal.h"


/* A moment of work, so that opened events get scheduled before they are read. */
static void busy_moment(void)
{
	volatile double x = 0;
	for (double end = nh_now() + 0.002; nh_now() < end;)
		x += 1.0;
}

static void list_set(FILE *out, const struct ev_set *s, nh_err_t *err)
{
	fprintf(out, "\n%s: %s\n", s->name, s->describe);
	nh_counters_t *c = nh_counters_open(s->name, err);
	if (!c) {
		fprintf(out, "  cannot open: %s\n", err->msg);
		return;
	}
	busy_moment();
	nh_counter_t vals[NH_MAX_COUNTERS];
	unsigned n = nh_counters_read(c, vals, NH_MAX_COUNTERS);
	const struct open_set *os = &c->sets[0];
	if (!os->var) {
		fprintf(out, "  no variant for this host: %s\n", n ? vals[0].reason : "?");
	} else {
		fprintf(out, "  variant:");
		for (unsigned i = 0; i < os->var->npmus; i++)
			fprintf(out, " %s", os->var->pmus[i]);
		fprintf(out, "%s\n", os->var->generic ? " (the kernel's generic events)" : "");
		for (unsigned i = 0; i < n && i < os->var->nmembers; i++) {
			fprintf(out, "    %-18s %-42s ", os->var->members[i].name, vals[i].event);
			if (!vals[i].available)
				fprintf(out, "unavailable: %s\n", vals[i].reason);
			else if (vals[i].user_only)
				fprintf(out, "ok, user mode only (perf_event_paranoid=%d)\n",
					c->paranoid);
			else
				fprintf(out, "ok\n");
		}
		for (unsigned i = 0; i < os->var->nmetrics; i++)
			fprintf(out, "    %-18s = %s [%s]\n", os->var->metrics[i].name,
				os->var->metrics[i].formula, os->var->metrics[i].unit);
	}
	nh_counters_close(c);
}

static void print_event(FILE *out, const char *pmu, const char *event, const char *umask,
			const char *desc)
{
	char name[160];
	snprintf(name, sizeof name, "%s::%s%s%s", pmu, event, umask ? ":" : "", umask ? umask : "");
	/* First line of the description, kept short: this is a finder, showevtinfo has the rest. */
	int dlen = desc ? (int)strcspn(desc, "\n") : 0;
	if (dlen > 70)
		dlen = 70;
	fprintf(out, "  %-48s %.*s%s\n", name, dlen, desc ? desc : "",
		desc && (size_t)dlen < strcspn(desc, "\n") ? "..." : "");
}

static unsigned list_matching(FILE *out, const char *pattern)
{
	unsigned found = 0;
	pfm_pmu_info_t pinfo;
	pfm_pmu_t pmu;
	pfm_for_all_pmus (pmu) {
		if (!nh_counters_pmu_info(pmu, &pinfo))
			continue;
		for (int i = pinfo.first_event; i != -1; i = pfm_get_event_next(i)) {
			pfm_event_info_t ev;
			memset(&ev, 0, sizeof ev);
			ev.size = sizeof ev;
			if (pfm_get_event_info(i, PFM_OS_NONE, &ev) != PFM_SUCCESS)
				continue;
			if (strcasestr(ev.name, pattern)) {
				print_event(out, pinfo.name, ev.name, NULL, ev.desc);
				found++;
				continue;
			}
			for (int j = 0; j < ev.nattrs; j++) {
				pfm_event_attr_info_t at;
				memset(&at, 0, sizeof at);
				at.size = sizeof at;
				if (pfm_get_event_attr_info(i, j, PFM_OS_NONE, &at) ==
					    PFM_SUCCESS &&
				    at.type == PFM_ATTR_UMASK && strcasestr(at.name, pattern)) {
					print_event(out, pinfo.name, ev.name, at.name, at.desc);
					found++;
				}
			}
		}
	}
	return found;
}

int nh_counters_list(FILE *out, const char *pattern, nh_err_t *err)
{
	if (nh_counters_load_sets(err) < 0)
		return -1;
	int rc = nh_counters_pfm_init();
	if (rc != PFM_SUCCESS) {
		errno = ENODEV;
		return nh_err_set(err, "libpfm4 cannot initialise: %s", pfm_strerror(rc));
	}
	char pmus[256], p[16];
	nh_counters_host_pmus(pmus, sizeof pmus);
	fprintf(out, "PMUs detected by libpfm4: %s\n", pmus);
	fprintf(out, "perf_event_paranoid: %s\n", nh_counters_paranoid_text(nh_counters_read_paranoid(), p, sizeof p));
	for (unsigned i = 0; i < nh_counters_set_count(); i++)
		list_set(out, nh_counters_set_at(i), err);
	if (pattern) {
		fprintf(out, "\nlibpfm4 events matching '%s' on this host's PMUs:\n", pattern);
		if (list_matching(out, pattern) == 0)
			fprintf(out, "  (none)\n");
	}
	return 0;
}
