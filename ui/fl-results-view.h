/* SPDX-License-Identifier: MIT
 *
 * fl-results-view.h — the outcome of a run: accuracy and macro-F1 on the
 * validation split, precision/recall/F1 per class, and the confusion matrix
 * with a Counts / Proportions switch beside it (its "proportions" property;
 * the choice stays from one run to the next).
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-confusion-view.h"
#include "fl-metrics.h"
#include "fl-trainer.h"

G_BEGIN_DECLS

#define FL_TYPE_RESULTS_VIEW (fl_results_view_get_type ())
G_DECLARE_FINAL_TYPE (FlResultsView, fl_results_view, FL, RESULTS_VIEW, GtkWidget)

GtkWidget       *fl_results_view_new                (void);

/* A run starts: empty figures and an empty table of epochs. */
void             fl_results_view_begin              (FlResultsView      *self);

/* During a run: one epoch's figures, added to the table and shown as the
 * latest validation accuracy and macro-F1. */
void             fl_results_view_add_epoch          (FlResultsView      *self,
                                                     const FlEpochStats *stats);

/* At the end of a run: shows metrics (read during the call only), over the
 * next few frames for classes named class_names;
 * detail is a line under the figures ("240 validation samples · …"). */
void             fl_results_view_show               (FlResultsView      *self,
                                                     const FlMetrics    *metrics,
                                                     const char *const  *class_names,
                                                     const char         *detail);
void             fl_results_view_clear              (FlResultsView      *self);
gboolean         fl_results_view_has_results        (FlResultsView      *self);

/* The final figures as text: "Accuracy 87.5% · macro-F1 0.861"; "" until
 * they are all on screen. */
const char      *fl_results_view_get_headline       (FlResultsView      *self);
FlConfusionView *fl_results_view_get_confusion_view (FlResultsView      *self);

/* The run whose validation samples a click on a confusion-matrix cell shows
 * (borrowed: call with NULL before it goes away). */
void             fl_results_view_set_run            (FlResultsView      *self,
                                                     FlRun              *run);
FlRun           *fl_results_view_get_run            (FlResultsView      *self);

G_END_DECLS
