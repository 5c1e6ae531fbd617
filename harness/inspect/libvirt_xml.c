/* SPDX-License-Identifier: MIT */
/* libvirt_xml: <vcpu>, <cpu><numa>, <numatune> and <cputune> of a libvirt domain XML into plain
 * data. The rules follow libvirt's own parser (domain_conf.c, numa_conf.c) where it matters for
 * placement: defaults, required attributes, units, set syntax; host checks are the caller's. */
#include "libvirt_xml.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* ---- sets ---- */

static void skip_spaces(const char **p)
{
	while (isspace((unsigned char)**p))
		(*p)++;
}

static int set_number(const char **p, unsigned *out, char *why, size_t len)
{
	if (!isdigit((unsigned char)**p)) {
		if (**p)
			snprintf(why, len, "expected a number at '%s'", *p);
		else
			snprintf(why, len, "expected a number at the end");
		return -1;
	}
	char *end;
	errno = 0;
	unsigned long v = strtoul(*p, &end, 10);
	if (errno || v >= NH_SET_BITS) {
		snprintf(why, len, "%.*s is too large (at most %d)", (int)(end - *p), *p, NH_SET_BITS - 1);
		return -1;
	}
	*out = (unsigned)v;
	*p = end;
	return 0;
}

/* Our own loop rather than nh_set_parse: libvirt allows spaces around the items, and applies
 * '^N' left to right (virBitmapParseInternal), so "^3,0-7" keeps 3 and "0-7,^3" drops it. On
 * failure \p why gets the reason, without the text (callers quote it their own way). */
static int lv_set(const char *text, nh_set_t *out, char *why, size_t len)
{
	const char *p = text;
	bool excluded = false;
	nh_set_clear(out);
	skip_spaces(&p);
	if (!*p) {
		snprintf(why, len, "the set is empty");
		return -1;
	}
	for (;;) {
		bool neg = *p == '^';
		unsigned lo, hi;
		if (neg)
			p++;
		if (set_number(&p, &lo, why, len) < 0)
			return -1;
		hi = lo;
		skip_spaces(&p);
		if (*p == '-') {
			if (neg) {
				snprintf(why, len, "'^' excludes one number, not a range ('^%u-')", lo);
				return -1;
			}
			p++;
			skip_spaces(&p);
			if (!isdigit((unsigned char)*p)) {
				snprintf(why, len, "expected a number after '%u-'", lo);
				return -1;
			}
			if (set_number(&p, &hi, why, len) < 0)
				return -1;
			if (hi < lo) {
				snprintf(why, len, "range %u-%u is reversed", lo, hi);
				return -1;
			}
			skip_spaces(&p);
		}
		for (unsigned i = lo; i <= hi; i++) {
			if (neg)
				nh_set_del(out, i);
			else
				nh_set_add(out, i);
		}
		excluded |= neg;
		if (!*p)
			break;
		if (*p != ',') {
			snprintf(why, len, "unexpected '%c'", *p);
			return -1;
		}
		p++;
		skip_spaces(&p);
	}
	/* libvirt refuses an empty cpuset or nodeset ("Invalid value of 'nodeset'"). */
	if (nh_set_empty(out)) {
		snprintf(why, len, excluded ? "nothing is left after the exclusions" : "the set is empty");
		return -1;
	}
	return 0;
}

int nh_lv_parse_set(const char *text, nh_set_t *out, nh_err_t *err)
{
	char why[256];
	if (lv_set(text ? text : "", out, why, sizeof why) < 0) {
		errno = EINVAL;
		return nh_err_set(err, "bad set '%s': %s", text ? text : "", why);
	}
	return 0;
}

const char *nh_lv_mem_mode_name(enum nh_lv_mem_mode m)
{
	static const char *const names[] = {"", "strict", "preferred", "interleave", "restrictive"};
	return (unsigned)m < NH_ARRAY_LEN(names) ? names[m] : "";
}

/* ---- reading the tree ---- */

typedef struct lv_ctx {
	nh_lv_domain_t *d;
	nh_err_t *err;
} lv_ctx_t;

static int line_of(const xmlNode *n)
{
	long l = xmlGetLineNo(n);
	return l > 0 && l <= INT_MAX ? (int)l : 0;
}

/* "FILE:LINE: message", errno EINVAL: every content error goes through here. */
static int bad(const lv_ctx_t *c, const xmlNode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int bad(const lv_ctx_t *c, const xmlNode *n, const char *fmt, ...)
{
	char msg[sizeof c->err->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return nh_err_set(c->err, "%s:%d: %s", c->d->path, line_of(n), msg);
}

/* libvirt matches its elements without a namespace ("./vcpu"): <qemu:...> and friends are not ours. */
static bool is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns == NULL && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *first_child(const xmlNode *parent, const char *name)
{
	for (xmlNode *n = parent->children; n; n = n->next)
		if (is_elem(n, name))
			return n;
	return NULL;
}

/* An attribute's value straight from the tree, no copy; NULL when absent. Entity references
 * are refused rather than expanded: nothing in a domain XML needs them, and expanding them is
 * where XML bombs live. */
static int attr(const lv_ctx_t *c, const xmlNode *n, const char *name, const char **out)
{
	*out = NULL;
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		if (a->ns || strcmp((const char *)a->name, name) != 0)
			continue;
		if (!a->children) {
			*out = "";
			return 0;
		}
		if (a->children->type != XML_TEXT_NODE || a->children->next)
			return bad(c, n, "<%s %s=...>: entity references are not supported", n->name, name);
		*out = (const char *)a->children->content;
		return 0;
	}
	return 0;
}

/* The element's own text (comments skipped), trimmed, into buf. */
static int text_of(const lv_ctx_t *c, const xmlNode *n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (const xmlNode *t = n->children; t; t = t->next) {
		if (t->type == XML_ENTITY_REF_NODE)
			return bad(c, n, "<%s>: entity references are not supported", n->name);
		if (t->type != XML_TEXT_NODE && t->type != XML_CDATA_SECTION_NODE)
			continue;
		if (!t->content)
			continue;
		int k = snprintf(buf + used, len - used, "%s", (const char *)t->content);
		used = k < 0 || (size_t)k >= len - used ? len - 1 : used + (size_t)k;
	}
	char *s = buf;
	while (isspace((unsigned char)*s))
		s++;
	size_t l = strlen(s);
	while (l > 0 && isspace((unsigned char)s[l - 1]))
		l--;
	memmove(buf, s, l);
	buf[l] = '\0';
	return 0;
}

/* Digits only, at most \p max: what libvirt's virXMLPropUInt accepts in practice. */
static bool parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* A set attribute: "<elem attr='text'>: reason" on failure. */
static int set_attr(const lv_ctx_t *c, const xmlNode *n, const char *name, const char *text,
		    nh_set_t *set, char *copy, size_t copy_len)
{
	char why[256];
	if (lv_set(text, set, why, sizeof why) < 0)
		return bad(c, n, "<%s %s='%s'>: %s", n->name, name, text, why);
	if (copy)
		snprintf(copy, copy_len, "%s", text);
	return 0;
}

/* The vCPU count the other elements are checked against: libvirt's default is one vCPU. */
static unsigned vcpu_total(const nh_lv_domain_t *d)
{
	return d->vcpus ? d->vcpus : 1;
}

static const char *vcpu_range(const nh_lv_domain_t *d, char *buf, size_t len)
{
	unsigned n = vcpu_total(d);
	if (n == 1)
		snprintf(buf, len, "the domain has 1 vCPU: 0");
	else
		snprintf(buf, len, "the domain has %u vCPUs: 0-%u", n, n - 1);
	return buf;
}

/* ---- <vcpu> ---- */

static int read_vcpu(const lv_ctx_t *c, const xmlNode *n)
{
	nh_lv_domain_t *d = c->d;
	const char *placement, *cpuset, *current;
	char text[64];
	uint64_t v;
	if (attr(c, n, "placement", &placement) < 0 || attr(c, n, "cpuset", &cpuset) < 0 ||
	    attr(c, n, "current", &current) < 0 || text_of(c, n, text, sizeof text) < 0)
		return -1;
	d->vcpu_line = line_of(n);
	if (!parse_uint(text, UINT_MAX, &v))
		return bad(c, n, "<vcpu>%s</vcpu>: not a number of vCPUs", text);
	if (v < 1 || v > NH_LV_MAX_VCPUS)
		return bad(c, n, "<vcpu>%s</vcpu>: the vCPU count must be 1-%d", text, NH_LV_MAX_VCPUS);
	d->vcpus = (unsigned)v;
	d->vcpu_current = d->vcpus;
	if (current) {
		if (!parse_uint(current, UINT_MAX, &v))
			return bad(c, n, "<vcpu current='%s'>: not a number of vCPUs", current);
		if (v < 1 || v > d->vcpus)
			return bad(c, n, "<vcpu current='%s'>: must be 1-%u (the <vcpu> count)", current,
				   d->vcpus);
		d->vcpu_current = (unsigned)v;
	}
	if (placement && strcmp(placement, "auto") == 0)
		d->vcpu_placement_auto = true;
	else if (placement && strcmp(placement, "static") != 0)
		return bad(c, n, "<vcpu placement='%s'>: unknown placement (static, auto)", placement);
	if (cpuset) {
		nh_set_t set;
		if (set_attr(c, n, "cpuset", cpuset, &set, NULL, 0) < 0)
			return -1;
		/* With placement='auto' libvirt ignores cpuset: numad's advice decides. */
		if (!d->vcpu_placement_auto) {
			d->vcpu_cpuset_given = true;
			d->vcpu_cpuset = set;
			snprintf(d->vcpu_cpuset_text, sizeof d->vcpu_cpuset_text, "%s", cpuset);
		}
	}
	return 0;
}

/* ---- <cpu><numa><cell> ---- */

/* libvirt's virScaleInteger: case-insensitive; b/byte/bytes; k, KiB, M, MiB... are powers of
 * 1024; KB, MB... powers of 1000; P and E too. */
static bool unit_scale(const char *unit, uint64_t *scale)
{
	static const char prefixes[] = "kmgtpe";
	if (!unit || !*unit) {
		*scale = 1024; /* KiB, libvirt's default */
		return true;
	}
	if (strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 || strcasecmp(unit, "bytes") == 0) {
		*scale = 1;
		return true;
	}
	const char *at = strchr(prefixes, tolower((unsigned char)unit[0]));
	if (!at || !*at)
		return false;
	uint64_t base;
	if (unit[1] == '\0' || strcasecmp(unit + 1, "iB") == 0)
		base = 1024;
	else if (tolower((unsigned char)unit[1]) == 'b' && unit[2] == '\0')
		base = 1000;
	else
		return false;
	*scale = 1;
	for (const char *q = prefixes; q <= at; q++)
		*scale *= base;
	return true;
}

static int read_cell(const lv_ctx_t *c, const xmlNode *n, unsigned index, unsigned count, xmlNode **seen)
{
	nh_lv_domain_t *d = c->d;
	const char *id_text, *cpus, *memory, *unit;
	char range[64];
	uint64_t id = index, mem, scale;
	if (attr(c, n, "id", &id_text) < 0 || attr(c, n, "cpus", &cpus) < 0 ||
	    attr(c, n, "memory", &memory) < 0 || attr(c, n, "unit", &unit) < 0)
		return -1;
	/* libvirt: id defaults to the position; ids are exactly 0..count-1, in any order. */
	if (id_text && !parse_uint(id_text, UINT_MAX, &id))
		return bad(c, n, "<cell id='%s'>: not a cell number", id_text);
	if (id >= count) /* only when given: a position is always below the count */
		return bad(c, n, "<cell id='%s'>: cell ids must be %s%u (one per cell, %u cell%s)", id_text,
			   count > 1 ? "0-" : "", count - 1, count, count > 1 ? "s" : "");
	if (seen[id])
		return bad(c, n, "<cell id='%u'>: a second cell %u (the first is at line %d)", (unsigned)id,
			   (unsigned)id, line_of(seen[id]));
	seen[id] = (xmlNode *)n;
	nh_lv_cell_t *cell = &d->cells[id];
	cell->id = (unsigned)id;
	cell->line = line_of(n);
	if (!memory)
		return bad(c, n, "<cell id='%u'>: memory is required", cell->id);
	if (!parse_uint(memory, UINT64_MAX, &mem))
		return bad(c, n, "<cell memory='%s'>: not a number", memory);
	if (!unit_scale(unit, &scale))
		return bad(c, n, "<cell unit='%s'>: unknown unit (b, KB, k, KiB, MB, M, MiB, GB, G, GiB, "
			   "TB, T, TiB)", unit);
	if (mem > UINT64_MAX / scale)
		return bad(c, n, "<cell memory='%s' unit='%s'>: too large", memory, unit);
	cell->memory_bytes = mem * scale;
	/* cpus is optional since libvirt 6.5 (memory-only cells). */
	if (cpus && *cpus) {
		if (set_attr(c, n, "cpus", cpus, &cell->vcpus, NULL, 0) < 0)
			return -1;
		int last = -1;
		for (int v = nh_set_next(&cell->vcpus, 0); v >= 0; v = nh_set_next(&cell->vcpus, v + 1))
			last = v;
		if ((unsigned)last >= vcpu_total(d))
			return bad(c, n, "<cell cpus='%s'>: vCPU %d out of range (%s)", cpus, last,
				   vcpu_range(d, range, sizeof range));
	}
	return 0;
}

static int read_cells(const lv_ctx_t *c, const xmlNode *numa)
{
	nh_lv_domain_t *d = c->d;
	xmlNode *seen[NH_LV_MAX_CELLS] = {0};
	unsigned count = 0, index = 0;
	for (xmlNode *n = numa->children; n; n = n->next) {
		if (!is_elem(n, "cell"))
			continue;
		if (++count > NH_LV_MAX_CELLS)
			return bad(c, n, "<cell>: more than %d guest NUMA cells", NH_LV_MAX_CELLS);
	}
	for (xmlNode *n = numa->children; n; n = n->next)
		if (is_elem(n, "cell") && read_cell(c, n, index++, count, seen) < 0)
			return -1;
	d->cell_count = count;
	/* libvirt refuses a vCPU in two cells; the message points at the later of the two. */
	for (unsigned i = 0; i < count; i++)
		for (unsigned j = 0; j < i; j++) {
			const nh_lv_cell_t *a = &d->cells[i], *b = &d->cells[j];
			nh_set_t both = a->vcpus;
			nh_set_and(&both, &b->vcpus);
			if (nh_set_empty(&both))
				continue;
			if (a->line < b->line) {
				const nh_lv_cell_t *t = a;
				a = b;
				b = t;
			}
			errno = EINVAL;
			return nh_err_set(c->err, "%s:%d: <cell id='%u'>: vCPU %d is also in cell %u (line %d)",
					  d->path, a->line, a->id, nh_set_next(&both, 0), b->id, b->line);
		}
	return 0;
}

/* ---- <numatune> ---- */

static int mem_mode(const lv_ctx_t *c, const xmlNode *n, const char *mode, enum nh_lv_mem_mode *out)
{
	static const char *const names[] = {"strict", "preferred", "interleave", "restrictive"};
	if (!mode) {
		*out = NH_LV_MEM_STRICT;
		return 0;
	}
	for (unsigned i = 0; i < NH_ARRAY_LEN(names); i++)
		if (strcmp(mode, names[i]) == 0) {
			*out = (enum nh_lv_mem_mode)(NH_LV_MEM_STRICT + i);
			return 0;
		}
	return bad(c, n, "<%s mode='%s'>: unknown mode (strict, preferred, interleave, restrictive)",
		   n->name, mode);
}

static int read_memory(const lv_ctx_t *c, const xmlNode *n)
{
	nh_lv_domain_t *d = c->d;
	nh_lv_memory_t *m = &d->memory;
	const char *mode, *nodeset, *placement;
	if (m->mode != NH_LV_MEM_NONE)
		return bad(c, n, "<memory>: a second <memory> in <numatune> (the first is at line %d)", m->line);
	if (attr(c, n, "mode", &mode) < 0 || attr(c, n, "nodeset", &nodeset) < 0 ||
	    attr(c, n, "placement", &placement) < 0)
		return -1;
	m->line = line_of(n);
	if (mem_mode(c, n, mode, &m->mode) < 0)
		return -1;
	/* libvirt's default placement: static with a nodeset, else that of <vcpu>. */
	if (placement && strcmp(placement, "auto") == 0)
		m->placement_auto = true;
	else if (placement && strcmp(placement, "static") != 0)
		return bad(c, n, "<memory placement='%s'>: unknown placement (static, auto)", placement);
	else if (!placement && !nodeset)
		m->placement_auto = d->vcpu_placement_auto;
	if (nodeset && set_attr(c, n, "nodeset", nodeset, &m->nodeset, m->nodeset_text,
				sizeof m->nodeset_text) < 0)
		return -1;
	if (m->placement_auto) {
		/* libvirt drops a nodeset given with placement='auto': numad picks the nodes. */
		nh_set_clear(&m->nodeset);
		m->nodeset_text[0] = '\0';
	} else if (!nodeset) {
		return bad(c, n, "<memory>: no nodeset (required unless placement='auto')");
	}
	return 0;
}

static int read_memnode(const lv_ctx_t *c, const xmlNode *n)
{
	nh_lv_domain_t *d = c->d;
	const char *cellid, *mode, *nodeset;
	uint64_t id;
	if (attr(c, n, "cellid", &cellid) < 0 || attr(c, n, "mode", &mode) < 0 ||
	    attr(c, n, "nodeset", &nodeset) < 0)
		return -1;
	if (!cellid)
		return bad(c, n, "<memnode>: cellid is required");
	if (!parse_uint(cellid, UINT_MAX, &id))
		return bad(c, n, "<memnode cellid='%s'>: not a cell number", cellid);
	if (d->cell_count > 0 && id >= d->cell_count)
		return bad(c, n, "<memnode cellid='%s'>: no guest NUMA cell %s (<cpu><numa> has cells %s%u)",
			   cellid, cellid, d->cell_count > 1 ? "0-" : "", d->cell_count - 1);
	if (id >= NH_LV_MAX_CELLS)
		return bad(c, n, "<memnode cellid='%s'>: cell numbers stop at %d", cellid, NH_LV_MAX_CELLS - 1);
	nh_lv_memory_t *m = &d->memnodes[id];
	if (d->memnode_given[id])
		return bad(c, n, "<memnode cellid='%s'>: a second <memnode> for cell %s (the first is at line %d)",
			   cellid, cellid, m->line);
	m->line = line_of(n);
	if (mem_mode(c, n, mode, &m->mode) < 0)
		return -1;
	if (!nodeset)
		return bad(c, n, "<memnode cellid='%s'>: nodeset is required", cellid);
	if (set_attr(c, n, "nodeset", nodeset, &m->nodeset, m->nodeset_text, sizeof m->nodeset_text) < 0)
		return -1;
	d->memnode_given[id] = true;
	return 0;
}

static int read_numatune(const lv_ctx_t *c, const xmlNode *numatune)
{
	nh_lv_domain_t *d = c->d;
	/* <memory> first, wherever it is: <memnode> checks depend on its placement. */
	for (xmlNode *n = numatune->children; n; n = n->next)
		if (is_elem(n, "memory") && read_memory(c, n) < 0)
			return -1;
	for (xmlNode *n = numatune->children; n; n = n->next) {
		if (!is_elem(n, "memnode"))
			continue;
		if (read_memnode(c, n) < 0)
			return -1;
		if (d->memory.mode != NH_LV_MEM_NONE && d->memory.placement_auto)
			return bad(c, n, "<memnode>: per-cell binding is not compatible with <memory "
				   "placement='auto'> (line %d)", d->memory.line);
	}
	return 0;
}

/* ---- <cputune> ---- */

static int read_pin(const lv_ctx_t *c, const xmlNode *n, const char *id_name, nh_lv_pin_t *pin)
{
	const char *cpuset;
	if (attr(c, n, "cpuset", &cpuset) < 0)
		return -1;
	pin->line = line_of(n);
	if (!cpuset) {
		if (id_name)
			return bad(c, n, "<%s %s='%u'>: cpuset is required", n->name, id_name, pin->id);
		return bad(c, n, "<%s>: cpuset is required", n->name);
	}
	return set_attr(c, n, "cpuset", cpuset, &pin->cpus, pin->cpus_text, sizeof pin->cpus_text);
}

static int read_vcpupin(const lv_ctx_t *c, const xmlNode *n)
{
	nh_lv_domain_t *d = c->d;
	const char *vcpu;
	char range[64];
	uint64_t id;
	if (attr(c, n, "vcpu", &vcpu) < 0)
		return -1;
	if (!vcpu)
		return bad(c, n, "<vcpupin>: vcpu is required");
	if (!parse_uint(vcpu, UINT_MAX, &id))
		return bad(c, n, "<vcpupin vcpu='%s'>: not a vCPU number", vcpu);
	if (id >= vcpu_total(d))
		return bad(c, n, "<vcpupin vcpu='%s'>: vCPU %s out of range (%s)", vcpu, vcpu,
			   vcpu_range(d, range, sizeof range));
	for (unsigned i = 0; i < d->vcpupin_count; i++)
		if (d->vcpupins[i].id == id)
			return bad(c, n, "<vcpupin vcpu='%s'>: a second <vcpupin> for vCPU %s (the first is "
				   "at line %d)", vcpu, vcpu, d->vcpupins[i].line);
	/* Distinct ids below vcpu_total() <= NH_LV_MAX_VCPUS: the array cannot overflow. */
	nh_lv_pin_t *pin = &d->vcpupins[d->vcpupin_count];
	pin->id = (unsigned)id;
	if (read_pin(c, n, "vcpu", pin) < 0)
		return -1;
	d->vcpupin_count++;
	return 0;
}

static int read_iothreadpin(const lv_ctx_t *c, const xmlNode *n)
{
	nh_lv_domain_t *d = c->d;
	const char *iothread;
	uint64_t id;
	if (attr(c, n, "iothread", &iothread) < 0)
		return -1;
	if (!iothread)
		return bad(c, n, "<iothreadpin>: iothread is required");
	if (!parse_uint(iothread, UINT_MAX, &id))
		return bad(c, n, "<iothreadpin iothread='%s'>: not an iothread number", iothread);
	if (id == 0)
		return bad(c, n, "<iothreadpin iothread='0'>: iothread ids start at 1");
	for (unsigned i = 0; i < d->iothreadpin_count; i++)
		if (d->iothreadpins[i].id == id)
			return bad(c, n, "<iothreadpin iothread='%s'>: a second <iothreadpin> for iothread %s "
				   "(the first is at line %d)", iothread, iothread, d->iothreadpins[i].line);
	if (d->iothreadpin_count >= NH_LV_MAX_IOTHREADS)
		return bad(c, n, "<iothreadpin>: more than %d iothread pins", NH_LV_MAX_IOTHREADS);
	nh_lv_pin_t *pin = &d->iothreadpins[d->iothreadpin_count];
	pin->id = (unsigned)id;
	if (read_pin(c, n, "iothread", pin) < 0)
		return -1;
	d->iothreadpin_count++;
	return 0;
}

static int read_emulatorpin(const lv_ctx_t *c, const xmlNode *n)
{
	nh_lv_domain_t *d = c->d;
	if (d->emulatorpin_given)
		return bad(c, n, "<emulatorpin>: a second <emulatorpin> (the first is at line %d)",
			   d->emulatorpin.line);
	d->emulatorpin.id = 0;
	if (read_pin(c, n, NULL, &d->emulatorpin) < 0)
		return -1;
	d->emulatorpin_given = true;
	return 0;
}

static int read_vcpusched(const lv_ctx_t *c, const xmlNode *n)
{
	nh_lv_domain_t *d = c->d;
	const char *vcpus, *scheduler, *priority;
	char range[64];
	uint64_t prio;
	if (attr(c, n, "vcpus", &vcpus) < 0 || attr(c, n, "scheduler", &scheduler) < 0 ||
	    attr(c, n, "priority", &priority) < 0)
		return -1;
	if (!vcpus)
		return bad(c, n, "<vcpusched>: vcpus is required");
	/* Read into a local and stored once checked: with every vCPU scheduled already, the slot
	 * at the count is past the array (writing it there clobbered the count and the cells). */
	nh_lv_sched_t sched = {.line = line_of(n)}, *s = &sched;
	if (set_attr(c, n, "vcpus", vcpus, &s->vcpus, NULL, 0) < 0)
		return -1;
	for (int v = nh_set_next(&s->vcpus, 0); v >= 0; v = nh_set_next(&s->vcpus, v + 1)) {
		if ((unsigned)v >= vcpu_total(d))
			return bad(c, n, "<vcpusched vcpus='%s'>: vCPU %d out of range (%s)", vcpus, v,
				   vcpu_range(d, range, sizeof range));
		for (unsigned i = 0; i < d->vcpusched_count; i++)
			if (nh_set_has(&d->vcpuscheds[i].vcpus, (unsigned)v))
				return bad(c, n, "<vcpusched vcpus='%s'>: vCPU %d already has a scheduler "
					   "(line %d)", vcpus, v, d->vcpuscheds[i].line);
	}
	if (!scheduler)
		return bad(c, n, "<vcpusched vcpus='%s'>: scheduler is required", vcpus);
	bool realtime = strcmp(scheduler, "fifo") == 0 || strcmp(scheduler, "rr") == 0;
	if (!realtime && strcmp(scheduler, "batch") != 0 && strcmp(scheduler, "idle") != 0)
		return bad(c, n, "<vcpusched scheduler='%s'>: unknown scheduler (fifo, rr, batch, idle)",
			   scheduler);
	snprintf(s->scheduler, sizeof s->scheduler, "%s", scheduler);
	/* libvirt ignores priority for batch and idle. */
	if (realtime) {
		if (!priority)
			return bad(c, n, "<vcpusched scheduler='%s'>: priority is required for fifo and rr",
				   scheduler);
		if (!parse_uint(priority, 99, &prio) || prio < 1)
			return bad(c, n, "<vcpusched priority='%s'>: priority must be 1-99", priority);
		s->priority = (int)prio;
	}
	/* At most one element per vCPU (checked above), so the array cannot overflow. */
	d->vcpuscheds[d->vcpusched_count++] = sched;
	return 0;
}

static int read_cputune(const lv_ctx_t *c, const xmlNode *cputune)
{
	for (xmlNode *n = cputune->children; n; n = n->next) {
		int rc = 0;
		if (is_elem(n, "vcpupin"))
			rc = read_vcpupin(c, n);
		else if (is_elem(n, "emulatorpin"))
			rc = read_emulatorpin(c, n);
		else if (is_elem(n, "iothreadpin"))
			rc = read_iothreadpin(c, n);
		else if (is_elem(n, "vcpusched"))
			rc = read_vcpusched(c, n);
		/* shares, period, quota, emulatorsched, cachetune...: nothing about placement. */
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- the document ---- */

static int read_domain(const lv_ctx_t *c, const xmlDoc *doc)
{
	nh_lv_domain_t *d = c->d;
	const xmlNode *root = xmlDocGetRootElement(doc);
	if (!root || strcmp((const char *)root->name, "domain") != 0) {
		errno = EINVAL;
		return nh_err_set(c->err, "%s: not a libvirt domain (root element is <%s>)", d->path,
				  root ? (const char *)root->name : "");
	}
	/* Like libvirt, the first of each: XPath "./vcpu[1]". Order matters: vCPU count, then
	 * cells, then what is checked against them. */
	const xmlNode *name = first_child(root, "name"), *vcpu = first_child(root, "vcpu");
	const xmlNode *cpu = first_child(root, "cpu"), *numatune = first_child(root, "numatune");
	const xmlNode *cputune = first_child(root, "cputune");
	const xmlNode *numa = cpu ? first_child(cpu, "numa") : NULL;
	if (name && text_of(c, name, d->name, sizeof d->name) < 0)
		return -1;
	if (vcpu && read_vcpu(c, vcpu) < 0)
		return -1;
	if (numa && read_cells(c, numa) < 0)
		return -1;
	if (numatune && read_numatune(c, numatune) < 0)
		return -1;
	/* libvirt: <vcpu placement='auto'> without a <memory> implies strict, auto placement. */
	if (d->vcpu_placement_auto && d->memory.mode == NH_LV_MEM_NONE) {
		d->memory.mode = NH_LV_MEM_STRICT;
		d->memory.placement_auto = true;
		d->memory.line = d->vcpu_line;
	}
	if (cputune && read_cputune(c, cputune) < 0)
		return -1;
	return 0;
}

/* The first error, not xmlGetLastError()'s last: after a tag mismatch libxml2 goes on to
 * "Premature end of data", which points at the end of the file instead of the mistake. */
typedef struct first_error {
	bool have;
	int line;
	char msg[384];
} first_error_t;

#if LIBXML_VERSION >= 21200
static void on_error(void *data, const xmlError *e)
#else
static void on_error(void *data, xmlErrorPtr e)
#endif
{
	xmlParserCtxtPtr ctxt = data;
	first_error_t *first = ctxt ? ctxt->_private : NULL;
	if (!first || first->have || !e || e->level < XML_ERR_ERROR)
		return;
	first->have = true;
	first->line = e->line;
	snprintf(first->msg, sizeof first->msg, "%s", e->message ? e->message : "unknown error");
	size_t l = strlen(first->msg);
	while (l > 0 && (first->msg[l - 1] == '\n' || first->msg[l - 1] == ' '))
		first->msg[--l] = '\0';
}

int nh_lv_domain_parse(const char *xml, size_t len, const char *name, nh_lv_domain_t *d,
		       nh_err_t *err)
{
	memset(d, 0, sizeof *d);
	snprintf(d->path, sizeof d->path, "%s", name ? name : "domain.xml");
	if (len > INT_MAX) {
		errno = EFBIG;
		return nh_err_set(err, "%s: too large for a domain XML", d->path);
	}
	xmlInitParser();
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		errno = ENOMEM;
		return nh_err_set(err, "%s: out of memory", d->path);
	}
	first_error_t first = {0};
	/* Per context, not xmlSetStructuredErrorFunc: no global state, and nothing printed. */
	ctxt->_private = &first;
	ctxt->sax->serror = on_error;
	/* NONET: never fetch; no NOENT / DTDLOAD: entities are neither substituted nor loaded. */
	xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)len, d->path, NULL,
					  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
						  XML_PARSE_BIG_LINES);
	if (!doc) {
		const xmlError *last = xmlCtxtGetLastError(ctxt);
		if (!first.have && last && last->message) {
			first.have = true;
			first.line = last->line;
			snprintf(first.msg, sizeof first.msg, "%s", last->message);
			size_t l = strlen(first.msg);
			while (l > 0 && first.msg[l - 1] == '\n')
				first.msg[--l] = '\0';
		}
		xmlFreeParserCtxt(ctxt);
		errno = EINVAL;
		return nh_err_set(err, "%s:%d: malformed XML: %s", d->path, first.line,
				  first.have ? first.msg : "unknown error");
	}
	xmlFreeParserCtxt(ctxt);
	lv_ctx_t c = {d, err};
	int rc = read_domain(&c, doc);
	int saved = errno;
	xmlFreeDoc(doc);
	errno = saved;
	return rc;
}

int nh_lv_domain_read(const char *path, nh_lv_domain_t *d, nh_err_t *err)
{
	size_t len;
	/* Read it ourselves: the open error keeps its errno (ENOENT, EACCES) and reads "path: why". */
	char *text = nh_read_file(path, &len, err);
	if (!text) {
		memset(d, 0, sizeof *d);
		snprintf(d->path, sizeof d->path, "%s", path);
		return -1;
	}
	int rc = nh_lv_domain_parse(text, len, path, d, err);
	int saved = errno;
	free(text);
	errno = saved;
	return rc;
}
