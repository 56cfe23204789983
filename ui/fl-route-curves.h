/* SPDX-License-Identifier: MIT
 *
 * fl-route-curves.h — a cross-validated comparison's validation curves
 * route by route: which runs make up each route (one fusion's folds), and
 * at each epoch the mean of their validation loss and accuracy over the
 * folds that have reached it, with the sample standard deviation (n − 1,
 * as fl_stats_sd() and the engine's route summaries) around it. The
 * training view draws each as a line in a band of ± 1 sd; it is kept apart
 * from the widget so that it is tested on hand-made runs.
 */
#pragma once

#include "fl-run-list.h"

G_BEGIN_DECLS

/* A route at one epoch. */
typedef struct {
  double epoch;
  int    n;          /* folds that have reached it */
  double loss_mean;  /* over those whose value is finite; NaN for none */
  double loss_sd;    /* 0 for fewer than 2 */
  double acc_mean;
  double acc_sd;
} FlRoutePoint;

typedef struct {
  FlFusion  fusion;
  GArray   *runs;    /* of int: the indices in the list of its runs, in order */
  GArray   *points;  /* of FlRoutePoint, epoch by epoch */
} FlRouteCurve;

/* The routes among the runs of a k-fold design (folds = k ≥ 2): one per
 * fusion, in the order of its first run, of the runs with settings.kfold
 * = folds, their points computed. Runs outside the design (one trained
 * later on a single split, another k) belong to no route. Empty for folds
 * < 2. Free with g_ptr_array_unref(). */
GPtrArray *fl_route_curves_new    (FlRunList    *runs,
                                   int           folds);
/* Computes a route's points again from its runs' epochs as they are now. */
void       fl_route_curve_update  (FlRouteCurve *route,
                                   FlRunList    *runs);
/* The index in routes of run i's route, or -1. */
int        fl_route_curves_find   (GPtrArray    *routes,
                                   int           run);

G_END_DECLS
