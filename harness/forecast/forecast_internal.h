/* SPDX-License-Identifier: MIT */
/* forecast_internal: what the forecast's files share and nothing else sees. */
#ifndef NH_FORECAST_INTERNAL_H
#define NH_FORECAST_INTERNAL_H

#include "forecast.h"

/* A layer of more points than this is thinned to as many bins before its shape is looked at:
 * steps and cycles shorter than a bin then read as a ramp. */
#define NH_FC_SHAPE_POINTS 4096

/* The points with a value (finite t and y), copied into fresh arrays; how many, or -1 ENOMEM. */
long nh_fc_valid_points(const double *t, const double *y, unsigned n, double **vt, double **vy);
/* The same, thinned to at most \p bins (each bin's median t and median y) as they are copied. */
long nh_fc_valid_binned(const double *t, const double *y, unsigned n, unsigned bins, double **vt,
			double **vy);
/* Thin \p n points to \p bins in place (each bin's median t and median y); how many remain. */
unsigned nh_fc_thin(double *t, double *y, unsigned n, unsigned bins);

#endif
