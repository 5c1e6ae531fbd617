/* SPDX-License-Identifier: MIT */
/* cli_common: helpers shared by the subcommands — error printing and topology loading. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

void nh_cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("numaharness: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

nh_topo_t *nh_cli_load_topo(nh_err_t *err)
{
	/* Test hooks: validate policies against a described machine instead of this one. */
	const char *synthetic = getenv("NH_TOPO_SYNTHETIC");
	const char *xml = getenv("NH_TOPO_XML");
	if (synthetic && *synthetic)
		return nh_topo_load_synthetic(synthetic, NULL, err);
	if (xml && *xml)
		return nh_topo_load_xml(xml, err);
	return nh_topo_load_system(err);
}
