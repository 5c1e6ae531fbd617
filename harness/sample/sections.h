/* SPDX-License-Identifier: MIT */
/* sections: record sections as JSON text in fixed slots — how a sampler's results cross from the
 * worker to the record without the parent or the record knowing the layer. Each sampler writes
 * its section into its own slot of the worker's shared report; the parent copies the slots into
 * the record, whose writer embeds each one under its key, in slot order. Plain data (it lives in
 * shared memory), so it holds offsets, never pointers. */
#ifndef NH_SECTIONS_H
#define NH_SECTIONS_H

#include "util.h"

#define NH_SECTION_MAX 8	 /* slots: one per sampler with a record section */
#define NH_SECTION_KEY_LEN 32
#define NH_SECTIONS_TEXT 32768 /* all sections' text: the counters' is the largest, ~17 KiB at most */

typedef struct nh_section_slot {
	char key[NH_SECTION_KEY_LEN]; /* "" while empty */
	uint32_t offset, len;	      /* into text */
} nh_section_slot_t;

typedef struct nh_sections {
	nh_section_slot_t slot[NH_SECTION_MAX];
	uint32_t used;
	char text[NH_SECTIONS_TEXT];
} nh_sections_t;

/** \brief Put \p text (JSON, \p len bytes) as section \p key into slot \p index, replacing what
 *  it held. Returns 0, or -1 (ENOSPC / EINVAL) when it does not fit or the index is out of range
 *  (the slot is then left as it was). */
int nh_sections_put(nh_sections_t *s, unsigned index, const char *key, const char *text, size_t len);
/** \brief Whether slot \p index holds a section. */
bool nh_sections_has(const nh_sections_t *s, unsigned index);
/** \brief Section \p index: its key, and its text and length; false when empty or invalid
 *  (offsets checked: the block may come from another process). */
bool nh_sections_get(const nh_sections_t *s, unsigned index, const char **key, const char **text,
		     size_t *len);

#endif
