/* SPDX-License-Identifier: MIT
 *
 * fl-run-list.h — the runs of the comparison as a GListModel of FlRunItem,
 * in the comparison's order (item i is run i). It changes on the main
 * thread only, so views bind to it without knowing which runs a worker
 * holds. It also knows which run is the best (one rule, the engine's
 * fl_run_outranks(); a test on other data never is) and whether every run validated on the same samples.
 */
#pragma once

#include "fl-run-item.h"

G_BEGIN_DECLS

#define FL_TYPE_RUN_LIST (fl_run_list_get_type ())
G_DECLARE_FINAL_TYPE (FlRunList, fl_run_list, FL, RUN_LIST, GObject)

FlRunList *fl_run_list_new            (void);

/* Appends an item for run index of the comparison, from its result. */
FlRunItem *fl_run_list_append         (FlRunList          *self,
                                       const FlRunResult  *r);
/* Removes item i; the items after it take their new indices. */
void       fl_run_list_remove         (FlRunList          *self,
                                       int                 i);
void       fl_run_list_clear          (FlRunList          *self);
/* Item i (borrowed), or NULL. */
FlRunItem *fl_run_list_get            (FlRunList          *self,
                                       int                 i);
int        fl_run_list_get_n_runs     (FlRunList          *self);

/* Marks the best run again, after figures changed; returns it, or -1. */
int        fl_run_list_update_best    (FlRunList          *self);
int        fl_run_list_get_best       (FlRunList          *self);
/* Marks runs[0..n) as the best (a route of a cross-validation: every fold
 * of it), and no other; the first is then fl_run_list_get_best(). */
void       fl_run_list_set_best_runs  (FlRunList          *self,
                                       const int          *runs,
                                       int                 n);
/* Whether every run validates on the same samples: the split depends on
 * the seed, the validation share and the fold, besides the data. */
gboolean   fl_run_list_get_same_split (FlRunList          *self);
/* Whether each run's curves are shown, n_runs entries (free with g_free). */
gboolean  *fl_run_list_get_shown      (FlRunList          *self);

G_END_DECLS
