/* SPDX-License-Identifier: MIT
 *
 * fl-runs-view.h — the runs of a comparison as a table: a check button in
 * the run's colour that shows or hides its curves, then name, fusion,
 * status, best validation accuracy, macro-F1, epoch of best, training time
 * and parameter count. The best finished run is highlighted. Clicking a
 * header sorts by that column; clicking a run's name shows its results.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-compare.h"

G_BEGIN_DECLS

#define FL_TYPE_RUNS_VIEW (fl_runs_view_get_type ())
G_DECLARE_FINAL_TYPE (FlRunsView, fl_runs_view, FL, RUNS_VIEW, GtkWidget)

GtkWidget  *fl_runs_view_new             (void);

/* cmp is borrowed (NULL: no runs); call fl_runs_view_update() after. */
void        fl_runs_view_set_comparison  (FlRunsView         *self,
                                          FlComparison       *cmp);
/* Rebuilds the rows from the comparison. The results of run live (≥ 0) are
 * being written by a worker thread: its row is drawn from live_stats
 * (its last epoch, or NULL) instead. */
void        fl_runs_view_update          (FlRunsView         *self,
                                          int                 live,
                                          const FlEpochStats *live_stats);
/* The results of runs [from, to) belong to a worker thread: they are shown
 * as waiting, without being read. (-1, -1): none. */
void        fl_runs_view_set_guard       (FlRunsView         *self,
                                          int                 from,
                                          int                 to);
int         fl_runs_view_get_n_rows      (FlRunsView         *self);
/* The finished run with the best validation accuracy, or -1. */
int         fl_runs_view_get_best        (FlRunsView         *self);
gboolean    fl_runs_view_get_visible_run (FlRunsView         *self,
                                          int                 run);
void        fl_runs_view_set_visible_run (FlRunsView         *self,
                                          int                 run,
                                          gboolean            visible);

G_END_DECLS
