/* SPDX-License-Identifier: MIT */
/* sections: JSON text in fixed slots, appended into one buffer. */
#include "sections.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int nh_sections_put(nh_sections_t *s, unsigned index, const char *key, const char *text, size_t len)
{
	if (index >= NH_SECTION_MAX || strlen(key) >= NH_SECTION_KEY_LEN) {
		errno = EINVAL;
		return -1;
	}
	/* A slot written again (a prefilled section replaced by the real one) leaves its old text
	 * behind: rewrites are one or two per run, so appending is simpler than compacting. */
	if (s->used > NH_SECTIONS_TEXT || len > NH_SECTIONS_TEXT - s->used) {
		errno = ENOSPC;
		return -1;
	}
	memcpy(s->text + s->used, text, len);
	nh_section_slot_t *slot = &s->slot[index];
	slot->offset = s->used;
	slot->len = (uint32_t)len;
	s->used += (uint32_t)len;
	snprintf(slot->key, sizeof slot->key, "%s", key);
	return 0;
}

bool nh_sections_has(const nh_sections_t *s, unsigned index)
{
	return index < NH_SECTION_MAX && s->slot[index].key[0];
}

bool nh_sections_get(const nh_sections_t *s, unsigned index, const char **key, const char **text,
		     size_t *len)
{
	if (!nh_sections_has(s, index))
		return false;
	const nh_section_slot_t *slot = &s->slot[index];
	if (!memchr(slot->key, '\0', sizeof slot->key) || slot->offset > NH_SECTIONS_TEXT ||
	    slot->len > NH_SECTIONS_TEXT - slot->offset)
		return false;
	*key = slot->key;
	*text = s->text + slot->offset;
	*len = slot->len;
	return true;
}
