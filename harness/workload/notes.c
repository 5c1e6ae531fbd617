/* SPDX-License-Identifier: MIT */
/* notes: a fixed table of key/value notes that says what it could not hold. */
#include "notes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy \p src into \p dst of \p len bytes; false when it had to be cut. */
static bool copy_fits(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);
	bool fits = n < len;
	if (!fits) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 character: the record's JSON would refuse it */
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return fits;
}

static void note_cut(nh_notes_t *n, const char *key)
{
	size_t used = strlen(n->cut_keys), len = sizeof n->cut_keys;
	n->cut++;
	if (used + 4 >= len)
		return; /* already ends in "..." */
	int w = snprintf(n->cut_keys + used, len - used, "%s%s", used ? ", " : "", key);
	if (w < 0 || (size_t)w >= len - used)
		memcpy(n->cut_keys + len - 4, "...", 4);
}

void nh_notes_set(nh_notes_t *n, const char *key, const char *value)
{
	char k[NH_NOTE_KEY_LEN];
	bool key_fits = copy_fits(k, sizeof k, key);
	nh_note_t *e = NULL;
	for (unsigned i = 0; i < n->count && !e; i++)
		if (strcmp(n->entries[i].key, k) == 0)
			e = &n->entries[i];
	if (!e) {
		if (n->count == NH_NOTE_MAX) {
			n->dropped++;
			return;
		}
		e = &n->entries[n->count++];
		memcpy(e->key, k, sizeof k);
	}
	bool value_fits = copy_fits(e->value, sizeof e->value, value);
	if (!key_fits || !value_fits)
		note_cut(n, k);
}

const char *nh_notes_get(const nh_notes_t *n, const char *key)
{
	for (unsigned i = 0; i < n->count; i++)
		if (strcmp(n->entries[i].key, key) == 0)
			return n->entries[i].value;
	return NULL;
}

bool nh_notes_overflowed(const nh_notes_t *n) { return n->dropped || n->cut; }

char *nh_notes_overflow_text(const nh_notes_t *n, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	if (n->dropped)
		used += (size_t)snprintf(buf, len, "%u note%s dropped (at most %d)", n->dropped,
					 n->dropped == 1 ? "" : "s", NH_NOTE_MAX);
	if (n->cut && used < len)
		snprintf(buf + used, len - used, "%s%u cut to fit (keys %d, values %d bytes): %s",
			 used ? "; " : "", n->cut, NH_NOTE_KEY_LEN - 1, NH_NOTE_VALUE_LEN - 1, n->cut_keys);
	return buf;
}

void nh_notes_sanitize(nh_notes_t *n)
{
	if (n->count > NH_NOTE_MAX)
		n->count = NH_NOTE_MAX;
	for (unsigned i = 0; i < n->count; i++) {
		n->entries[i].key[sizeof n->entries[i].key - 1] = '\0';
		n->entries[i].value[sizeof n->entries[i].value - 1] = '\0';
	}
	n->cut_keys[sizeof n->cut_keys - 1] = '\0';
}

char *nh_notes_format(const nh_notes_t *n)
{
	char overflow[256];
	size_t cap = 1 + sizeof overflow + sizeof NH_NOTES_TRUNCATED_KEY + 1;
	for (unsigned i = 0; i < n->count; i++)
		cap += strlen(n->entries[i].key) + strlen(n->entries[i].value) + 2;
	char *out = malloc(cap);
	if (!out)
		return NULL;
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < n->count; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s=%s", used ? ";" : "",
					 n->entries[i].key, n->entries[i].value);
	if (nh_notes_overflowed(n))
		snprintf(out + used, cap - used, "%s%s=%s", used ? ";" : "", NH_NOTES_TRUNCATED_KEY,
			 nh_notes_overflow_text(n, overflow, sizeof overflow));
	return out;
}
