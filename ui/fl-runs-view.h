/* SPDX-License-Identifier: MIT
 *
 * fl-runs-view.h — the runs of a comparison as a table over the session's
 * run list: a check box in the run's colour that shows or hides its
 * curves, then name, fusion, settings, status, best validation accuracy,
 * macro-F1, epoch of best, training time and parameter count. The best
 * finished run stands out. Clicking a header sorts by that column;
 * clicking a run's name emits ::activated to show its results; a test on
 * other data has a button that emits ::remove-test (int run).
 *
 * The session's matching runs follow, in the same columns: their R@1 in
 * Accuracy's and their R@10 in Macro-F1's ("R@1 14.2%"); clicking one's
 * name emits ::match-activated (FlRunItem *item).
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-run-list.h"

G_BEGIN_DECLS

#define FL_TYPE_RUNS_VIEW (fl_runs_view_get_type ())
G_DECLARE_FINAL_TYPE (FlRunsView, fl_runs_view, FL, RUNS_VIEW, GtkWidget)

GtkWidget     *fl_runs_view_new            (void);

/* The runs to show (a reference is kept; NULL: none). */
void           fl_runs_view_set_runs       (FlRunsView *self,
                                            FlRunList  *runs);
/* The matching runs, after them (a GListModel of FlRunItem; a reference is
 * kept). */
void           fl_runs_view_set_match_runs (FlRunsView *self,
                                            GListModel *match_runs);
int            fl_runs_view_get_n_rows     (FlRunsView *self);
/* The run shown in row i, as sorted now (borrowed), or NULL. */
FlRunItem     *fl_runs_view_get_row        (FlRunsView *self,
                                            int         i);
/* Sorts by the column whose English title is title ("Accuracy"), as a click on
 * its header does. */
void           fl_runs_view_sort_by        (FlRunsView *self,
                                            const char *title,
                                            GtkSortType order);

G_END_DECLS
