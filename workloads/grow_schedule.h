/* SPDX-License-Identifier: MIT */
/* grow_schedule: the grow workload's known truth — how many bytes it holds at any time of its
 * run, as a pure function of the schedule, so the workload and its tests read the same figures.
 * Times are nanoseconds from the start of growth; sizes are bytes. */
#ifndef NH_GROW_SCHEDULE_H
#define NH_GROW_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum grow_pattern { GROW_RAMP, GROW_STEPS, GROW_SAWTOOTH };
enum grow_kind { GROW_ANON, GROW_FILE, GROW_BOTH };

#define GROW_NEVER UINT64_MAX /* no further event */

typedef struct grow_schedule {
	enum grow_pattern pattern;
	enum grow_kind kind;
	uint64_t rate;	     /* B/s of growth: ramp, and sawtooth while a cycle grows */
	uint64_t step;	     /* steps: bytes added at once every period */
	uint64_t period_ns;  /* steps */
	uint64_t cycle;	     /* sawtooth: bytes grown per cycle before the free */
	uint64_t retained;   /* sawtooth: bytes each cycle keeps (retain x cycle, whole pages) */
	uint64_t cycle_ns;   /* sawtooth: one cycle — its growth, then its top held one chunk's time */
	uint64_t duration_ns;
	uint64_t max;	     /* stop growing there, whole pages (0: no cap) */
	uint64_t chunk;	     /* the growth granule: ramp and sawtooth grow a chunk at a time */
	uint64_t page;	     /* the page size the sizes are whole multiples of */
} grow_schedule_t;

/* The parameters as text, as the plan check and the run both have them. */
typedef struct grow_texts {
	const char *pattern, *kind, *rate, *step, *period, *cycle, *retain, *duration, *max, *chunk;
	const char *prefault; /* the run option: refused, it would touch everything at once */
} grow_texts_t;

/** \brief Build the schedule from the parameters' texts (already type-checked) for pages of
 *  \p page bytes, refusing combinations that make no sense. 0, or -1 with a one-line reason
 *  naming the parameter ("period=5s is longer than duration=2s: no step would happen"). */
int grow_schedule_init(grow_schedule_t *s, const grow_texts_t *t, size_t page, char *why,
		       size_t len);
/** \brief "0.25" → 0.25: a retain fraction in [0, 1]; -1 when it is not one. */
int grow_parse_fraction(const char *text, double *out);

/** \brief Bytes held at \p t_ns: after every event at or before it (t beyond the duration
 *  reads as the duration). */
uint64_t grow_bytes_at(const grow_schedule_t *s, uint64_t t_ns);
/** \brief The time of the next event after \p t_ns (a chunk, a step, a free), at most the
 *  duration; GROW_NEVER when nothing changes any more. Always more than \p t_ns. */
uint64_t grow_next_event(const grow_schedule_t *s, uint64_t t_ns);
/** \brief The most bytes held at any time of the run (a sawtooth's highest top). */
uint64_t grow_peak(const grow_schedule_t *s);
/** \brief The anonymous share of \p total bytes for the schedule's kind (both: half, whole
 *  pages); the rest is file. */
uint64_t grow_anon_part(const grow_schedule_t *s, uint64_t total);

/* A test's look at the run: called after each event is applied, with the event's time (the
 * schedule's, not the clock's) and the bytes held by kind. NULL: none. */
typedef void (*grow_observer_t)(uint64_t t_ns, uint64_t anon, uint64_t file, void *arg);
void nh_grow_set_observer(grow_observer_t fn, void *arg);

#endif
