/* SPDX-License-Identifier: MIT */
/* libvirt_xml: the placement-related parts of a libvirt domain XML (`virsh dumpxml`), read
 * with libxml2 — <numatune>, <vcpu>, <cputune> pins and scheduling, guest NUMA cells — into
 * plain data, each item remembering the line it came from so checks can point at it. */
#ifndef NH_LIBVIRT_XML_H
#define NH_LIBVIRT_XML_H

#include "util.h"

#define NH_LV_MAX_VCPUS 512
#define NH_LV_MAX_CELLS 64
#define NH_LV_MAX_IOTHREADS 64

enum nh_lv_mem_mode {
	NH_LV_MEM_NONE = 0,	/* no <memory> / <memnode> element: nothing to check */
	NH_LV_MEM_STRICT,	/* mode='strict' (libvirt's default when mode is absent) */
	NH_LV_MEM_PREFERRED,
	NH_LV_MEM_INTERLEAVE,
	NH_LV_MEM_RESTRICTIVE,	/* libvirt 9.4+: cgroup cpuset.mems only, no mempolicy */
};

/* One <memory> or <memnode>. */
typedef struct nh_lv_memory {
	enum nh_lv_mem_mode mode;
	bool placement_auto;	/* placement='auto': numad picks the nodes at start, nodeset empty */
	nh_set_t nodeset;	/* host nodes ("0-3,^2" resolved) */
	char nodeset_text[128];	/* as written */
	int line;		/* line of the element in the file */
} nh_lv_memory_t;

/* A CPU pin: <vcpupin vcpu=N cpuset=...>, <emulatorpin cpuset=...>, <iothreadpin iothread=N>. */
typedef struct nh_lv_pin {
	unsigned id;		/* vCPU or iothread number; 0 for the emulator */
	nh_set_t cpus;
	char cpus_text[128];
	int line;
} nh_lv_pin_t;

/* <vcpusched vcpus='0-1' scheduler='fifo' priority='10'/>, expanded per vCPU. */
typedef struct nh_lv_sched {
	nh_set_t vcpus;
	char scheduler[16];	/* "batch", "idle", "fifo", "rr" */
	int priority;		/* fifo / rr only, else 0 */
	int line;
} nh_lv_sched_t;

/* A guest NUMA cell: <cpu><numa><cell id= cpus= memory= unit=/></numa></cpu>. */
typedef struct nh_lv_cell {
	unsigned id;
	nh_set_t vcpus;
	uint64_t memory_bytes;	/* memory × unit (libvirt's default unit is KiB) */
	int line;
} nh_lv_cell_t;

typedef struct nh_lv_domain {
	char path[256];		/* the file read, for messages ("dom.xml:12: ...") */
	char name[128];		/* <name> */
	unsigned vcpus;		/* <vcpu>N</vcpu> (the maximum), 0 when absent */
	unsigned vcpu_current;	/* <vcpu current='N'>: vCPUs online at boot; = vcpus when absent */
	bool vcpu_cpuset_given;	/* <vcpu cpuset='...'>: default pin of vCPUs and the emulator */
	nh_set_t vcpu_cpuset;
	char vcpu_cpuset_text[128];
	bool vcpu_placement_auto; /* <vcpu placement='auto'> */
	int vcpu_line;

	nh_lv_memory_t memory;	/* <numatune><memory>; mode NONE when absent */
	nh_lv_memory_t memnodes[NH_LV_MAX_CELLS]; /* <memnode cellid=N>, indexed by cellid */
	bool memnode_given[NH_LV_MAX_CELLS];

	nh_lv_pin_t vcpupins[NH_LV_MAX_VCPUS];
	unsigned vcpupin_count;
	bool emulatorpin_given;
	nh_lv_pin_t emulatorpin;
	nh_lv_pin_t iothreadpins[NH_LV_MAX_IOTHREADS];
	unsigned iothreadpin_count;
	nh_lv_sched_t vcpuscheds[NH_LV_MAX_VCPUS];
	unsigned vcpusched_count;

	nh_lv_cell_t cells[NH_LV_MAX_CELLS]; /* indexed by id: libvirt wants ids 0..cell_count-1 */
	unsigned cell_count;
} nh_lv_domain_t;

/** \brief Parse a libvirt node/CPU set: "0-3", "0,2", "0-7,^3" ('^' excludes). Returns 0, or -1
 *  (EINVAL) with a message quoting the text. */
int nh_lv_parse_set(const char *text, nh_set_t *out, nh_err_t *err);

/** \brief Read \p path (a domain XML). Returns 0, or -1 with a one-line message naming the file
 *  and line: "dom.xml:7: malformed XML: Opening and ending tag mismatch: cputune line 5 and
 *  domain", "dom.xml:12: <memory mode='stritc'>: unknown mode (strict, preferred, interleave,
 *  restrictive)", "dom.xml: not a libvirt domain (root element is <network>)". errno is EINVAL
 *  for bad content, or the errno of opening the file (ENOENT, EACCES). */
int nh_lv_domain_read(const char *path, nh_lv_domain_t *d, nh_err_t *err);

/** \brief The same from a string (tests); \p name stands in for the path in messages. */
int nh_lv_domain_parse(const char *xml, size_t len, const char *name, nh_lv_domain_t *d,
		       nh_err_t *err);

/** \brief "strict", "preferred", "interleave", "restrictive"; "" for NONE. */
const char *nh_lv_mem_mode_name(enum nh_lv_mem_mode m);

#endif
