/* SPDX-License-Identifier: MIT */
/* install: where the harness finds its own files — next to the running executable in a build
 * tree, or in the GNU layout around it once installed (bin/, libexec/numaharness/,
 * share/numaharness/), wherever the prefix is; the configured prefix as the last resort. */
#ifndef NH_INSTALL_H
#define NH_INSTALL_H

#include <stddef.h>

#include "util.h"

/** \brief Directory of the running executable (/proc/self/exe, links resolved), e.g. /usr/bin.
 *  0, or -1 with errno and a message. */
int nh_install_exe_dir(char *buf, size_t len, nh_err_t *err);

/** \brief \p dir_of_exe joined with the installed layout's path from bin/ to libexec/numaharness
 *  (from the configured GNUInstallDirs), e.g. /usr/bin/../libexec/numaharness, resolved when it
 *  exists. 0, or -1 (ENAMETOOLONG) with a message. */
int nh_install_libexec_dir(const char *dir_of_exe, char *buf, size_t len, nh_err_t *err);

/** \brief The directories a scenario name is looked up in, in order: each entry of
 *  $NH_SCENARIO_PATH (a colon list; empty entries skipped), share/numaharness/scenarios relative
 *  to the executable, then the one under the configured prefix (unless it is the same place).
 *  Fills dirs[0..max) with malloc'd strings the caller frees; returns how many. */
unsigned nh_install_scenario_dirs(char **dirs, unsigned max);

/** \brief Is \p arg a scenario's name (to look up) rather than a file: no '/' and not ending
 *  in ".lua"? */
int nh_install_is_scenario_name(const char *arg);

/** \brief The file of the scenario \p arg: \p arg itself when it is a path (has a '/' or ends
 *  in ".lua"), else the first DIR/NAME.lua among nh_install_scenario_dirs. When none has it:
 *  -1 with errno ENOENT and one line naming where it looked and the scenarios available there. */
int nh_install_find_scenario(const char *arg, char *path, size_t len, nh_err_t *err);

#endif
