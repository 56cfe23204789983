/* SPDX-License-Identifier: MIT
 *
 * fl-run-item.h — one run of the comparison as the interface shows it: its
 * name, fusion, settings, status and figures, its curves (a copy of every
 * epoch, and of every batch's loss once it has ended), whether its curves
 * are shown, and its colour.
 *
 * Items live on the main thread only: the session copies into them what
 * the training thread reports, so that no view ever reads a result the
 * worker may be writing. Every figure is a property, so that a view bound
 * to an item follows it.
 */
#pragma once

#include <gio/gio.h>

#include "fl-compare.h"
#include "fl-matcher.h"

G_BEGIN_DECLS

#define FL_TYPE_RUN_ITEM (fl_run_item_get_type ())
G_DECLARE_FINAL_TYPE (FlRunItem, fl_run_item, FL, RUN_ITEM, GObject)

/* Run index of the comparison, from its result r as it is now (read on the
 * main thread while no worker writes it). */
FlRunItem             *fl_run_item_new            (int                 index,
                                                   const FlRunResult  *r);
/* Takes every figure and curve of r again: the run has ended. */
void                   fl_run_item_update         (FlRunItem          *self,
                                                   const FlRunResult  *r);
/* The run has started training: its figures start afresh. */
void                   fl_run_item_start          (FlRunItem          *self);
/* An epoch of the run training: its figures are those of the last epoch. */
void                   fl_run_item_add_epoch      (FlRunItem          *self,
                                                   const FlEpochStats *stats);

/* A matching run, the index-th of the session's (its name "match 1", its
 * colour index's): its accuracy is its best R@1 and its macro-F1 the R@10
 * of that epoch, each the mean of image→text and text→image, and its
 * figures texts say so ("R@1 14.2%"). Its epochs are FlMatchEpochs. */
FlRunItem             *fl_run_item_new_match      (int                    index,
                                                   const FlMatchSettings *settings);
void                   fl_run_item_add_match_epoch (FlRunItem         *self,
                                                   const FlMatchEpoch *epoch);
/* It ended: error is NULL (every epoch), a cancellation or a failure. */
void                   fl_run_item_end_match      (FlRunItem          *self,
                                                   const GError       *error,
                                                   guint64             n_params);
gboolean               fl_run_item_get_match      (FlRunItem          *self);
const FlMatchSettings *fl_run_item_get_match_settings (FlRunItem      *self);
/* Of FlMatchEpoch, every epoch so far (empty for a classifier); owned by
 * the item. */
GArray                *fl_run_item_get_match_epochs (FlRunItem        *self);

int                    fl_run_item_get_index      (FlRunItem          *self);
const char            *fl_run_item_get_name       (FlRunItem          *self);
FlFusion               fl_run_item_get_fusion     (FlRunItem          *self);
const FlTrainSettings *fl_run_item_get_settings   (FlRunItem          *self);
int                    fl_run_item_get_image_size (FlRunItem          *self);
FlRunStatus            fl_run_item_get_status     (FlRunItem          *self);
/* Why it failed, or NULL. */
const char            *fl_run_item_get_error      (FlRunItem          *self);
/* FALSE before its first epoch: no accuracy to show. */
gboolean               fl_run_item_get_has_figures (FlRunItem         *self);
double                 fl_run_item_get_accuracy   (FlRunItem          *self);
double                 fl_run_item_get_f1         (FlRunItem          *self);
int                    fl_run_item_get_best_epoch (FlRunItem          *self);
double                 fl_run_item_get_seconds    (FlRunItem          *self);
guint64                fl_run_item_get_n_params   (FlRunItem          *self);
/* Of FlEpochStats, every epoch so far; owned by the item. */
GArray                *fl_run_item_get_epochs     (FlRunItem          *self);
/* Of double, the loss of every batch, once the run has ended (or was
 * reopened); owned by the item. */
GArray                *fl_run_item_get_batch_loss (FlRunItem          *self);
int                    fl_run_item_get_batches_per_epoch (FlRunItem   *self);

/* A test on other data (fl_comparison_add_test()): its figures are the
 * test's; it has no epoch, no curves and no model. */
gboolean               fl_run_item_get_test       (FlRunItem          *self);
/* Its index in the comparison, once a run before it was removed. */
void                   fl_run_item_set_index      (FlRunItem          *self,
                                                   int                 index);

/* Whether its curves are drawn (a check box in the runs list, or its name
 * clicked in a legend). */
gboolean               fl_run_item_get_visible    (FlRunItem          *self);
void                   fl_run_item_set_visible    (FlRunItem          *self,
                                                   gboolean            visible);
/* The best run of the list (set by FlRunList). */
gboolean               fl_run_item_get_best       (FlRunItem          *self);
void                   fl_run_item_set_best       (FlRunItem          *self,
                                                   gboolean            best);
/* Its curves' colour ("#0072B2") and the CSS class of that colour. */
const char            *fl_run_item_get_color      (FlRunItem          *self);
const char            *fl_run_item_get_color_class (FlRunItem         *self);
/* The branches of the data it trains on (fl_dataset_branches()), for the
 * words of its route ("fusion-explain"); 0 (at first): not known, and
 * the words are those of image and text. */
void                   fl_run_item_set_data_branches (FlRunItem       *self,
                                                      guint            branches);
/* The entry of the palette it is drawn in (fl_run_color()): its index at
 * first; a fold of a cross-validation takes its route's. */
void                   fl_run_item_set_color_index (FlRunItem         *self,
                                                    int                color);

G_END_DECLS
