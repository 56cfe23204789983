/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-route-curves"

#include "fl-route-curves.h"

#include "fl-stats.h"

#include <math.h>

static void
route_free (FlRouteCurve *route)
{
  g_array_unref (route->runs);
  g_array_unref (route->points);
  g_free (route);
}

/* The mean and sample sd of the finite values of x[0..n), by fl-stats;
 * NaN and 0 when there is none. */
static void
mean_sd (double *x,
         int     n,
         double *mean,
         double *sd)
{
  int m = 0;

  for (int i = 0; i < n; i++)
    if (isfinite (x[i]))
      x[m++] = x[i];
  *mean = m > 0 ? fl_stats_mean (x, m) : NAN;
  *sd = fl_stats_sd (x, m);
}

void
fl_route_curve_update (FlRouteCurve *route,
                       FlRunList    *runs)
{
  g_autofree double *loss = g_new (double, MAX (route->runs->len, 1));
  g_autofree double *acc = g_new (double, MAX (route->runs->len, 1));

  g_array_set_size (route->points, 0);
  for (guint e = 0;; e++)
    {
      FlRoutePoint p = { .epoch = e + 1 };

      /* epoch e + 1 of every run that has reached it */
      for (guint k = 0; k < route->runs->len; k++)
        {
          FlRunItem *item = fl_run_list_get (runs, g_array_index (route->runs, int, k));
          GArray *epochs = item != NULL ? fl_run_item_get_epochs (item) : NULL;
          const FlEpochStats *st;

          if (epochs == NULL || e >= epochs->len)
            continue;
          st = &g_array_index (epochs, FlEpochStats, e);
          p.epoch = st->epoch;
          loss[p.n] = st->val_loss;
          acc[p.n] = st->val_acc;
          p.n++;
        }
      if (p.n == 0)
        break;
      mean_sd (loss, p.n, &p.loss_mean, &p.loss_sd);
      mean_sd (acc, p.n, &p.acc_mean, &p.acc_sd);
      g_array_append_val (route->points, p);
    }
}

/* The route of fusion in routes, added at the end when there is none. */
static FlRouteCurve *
route_of (GPtrArray *routes,
          FlFusion   fusion)
{
  FlRouteCurve *route;

  for (guint r = 0; r < routes->len; r++)
    if (((FlRouteCurve *) g_ptr_array_index (routes, r))->fusion == fusion)
      return g_ptr_array_index (routes, r);
  route = g_new0 (FlRouteCurve, 1);
  route->fusion = fusion;
  route->runs = g_array_new (FALSE, FALSE, sizeof (int));
  route->points = g_array_new (FALSE, FALSE, sizeof (FlRoutePoint));
  g_ptr_array_add (routes, route);
  return route;
}

GPtrArray *
fl_route_curves_new (FlRunList *runs,
                     int        folds)
{
  GPtrArray *routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);

  g_return_val_if_fail (FL_IS_RUN_LIST (runs), routes);

  for (int i = 0; folds >= 2 && i < fl_run_list_get_n_runs (runs); i++)
    {
      FlRunItem *item = fl_run_list_get (runs, i);

      if (!fl_run_item_get_test (item) && fl_run_item_get_settings (item)->kfold == folds)
        g_array_append_val (route_of (routes, fl_run_item_get_fusion (item))->runs, i);
    }
  for (guint r = 0; r < routes->len; r++)
    fl_route_curve_update (g_ptr_array_index (routes, r), runs);
  return routes;
}

int
fl_route_curves_find (GPtrArray *routes,
                      int        run)
{
  for (guint r = 0; routes != NULL && r < routes->len; r++)
    {
      FlRouteCurve *route = g_ptr_array_index (routes, r);

      for (guint k = 0; k < route->runs->len; k++)
        if (g_array_index (route->runs, int, k) == run)
          return (int) r;
    }
  return -1;
}
