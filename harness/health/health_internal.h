/* SPDX-License-Identifier: MIT */
/* What the health module's files share. */
#ifndef NH_HEALTH_INTERNAL_H
#define NH_HEALTH_INTERNAL_H

#include "health.h"

/** \brief Make \p s printable ASCII in place (other bytes as '?'): what a detail, a drain
 *  reason and the JSON document may hold, whatever a fact file or an admin's reason had. */
void nh_health_printable(char *s);
/** \brief Set a check's status and detail (cut visibly when long, printable ASCII). */
void nh_health_set(nh_health_check_t *c, enum nh_health_status s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/** \brief \p root + \p rel into \p buf ("" or "/" root: the running system); false when it
 *  does not fit. */
bool nh_health_path(char *buf, size_t len, const char *root, const char *rel);
/** \brief The validation check of \p node: its record in the entry's directory. */
void nh_health_check_validation(const nh_health_entry_t *e, const char *node,
				const nh_health_env_t *env, nh_health_check_t *c);

#endif
