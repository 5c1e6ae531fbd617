/* SPDX-License-Identifier: MIT */
/* notes: a workload's free-form notes as typed key/value entries — a fixed table, plain data so
 * that it crosses the worker's shared report as it is. Nothing is lost silently: a value or key
 * that does not fit, or a note past the table's end, is counted and named in the overflow text,
 * which the record writes as the note "notes_truncated". */
#ifndef NH_NOTES_H
#define NH_NOTES_H

#include "util.h"

#define NH_NOTE_MAX 32	      /* notes per run (churn, the most talkative, writes 16) */
#define NH_NOTE_KEY_LEN 32    /* bytes with the NUL */
#define NH_NOTE_VALUE_LEN 256 /* bytes with the NUL */
/* The key under which an overflow is reported. */
#define NH_NOTES_TRUNCATED_KEY "notes_truncated"

typedef struct nh_note {
	char key[NH_NOTE_KEY_LEN];
	char value[NH_NOTE_VALUE_LEN];
} nh_note_t;

typedef struct nh_notes {
	unsigned count;
	nh_note_t entries[NH_NOTE_MAX];
	unsigned dropped;   /* notes that found the table full */
	unsigned cut;	    /* keys or values cut to fit */
	char cut_keys[128]; /* which ones, ", "-joined (itself cut with "...") */
} nh_notes_t;

/** \brief Set note \p key to \p value: a key already there gets the new value in its place (as
 *  a JSON object would), a new one is appended. A key or value longer than its field is cut and
 *  counted; a new key when the table is full is dropped and counted. */
void nh_notes_set(nh_notes_t *n, const char *key, const char *value);
/** \brief Value of \p key, or NULL. */
const char *nh_notes_get(const nh_notes_t *n, const char *key);
/** \brief Whether anything was cut or dropped. */
bool nh_notes_overflowed(const nh_notes_t *n);
/** \brief What was lost, one line: "2 notes dropped (at most 32); cut to fit: dir, cleanup".
 *  "" when nothing was. Returns \p buf. */
char *nh_notes_overflow_text(const nh_notes_t *n, char *buf, size_t len);
/** \brief Clamp counts read from another process's memory (the worker's report) before any
 *  indexing, and terminate every string. */
void nh_notes_sanitize(nh_notes_t *n);
/** \brief "key=value;key=value", with the overflow note last when there is one: a one-string
 *  view for logs and tests. malloc'd; NULL on ENOMEM. */
char *nh_notes_format(const nh_notes_t *n);

#endif
