/* SPDX-License-Identifier: MIT
 *
 * fl-training-view.h — the live training page's plots: loss and accuracy,
 * with their controls (smoothing, log scale, the x axis in epochs or
 * samples seen, presentation mode). It owns the plots' series and fills
 * them from the session it watches: one run's own training, validation
 * and per-batch curves; with several runs, one validation curve per run in
 * the run's colour, drawn when the run is visible (its check box in the
 * runs list and its name in either legend switch it).
 *
 * When the session's comparison is cross-validated
 * (fl_comparison_cv_folds() ≥ 2), each route — the runs of one fusion on
 * the design's folds — is one curve: the mean over the folds that have
 * reached each epoch, in a band of ± 1 sample sd, updated as epochs
 * arrive. It takes the colour of the route's first run, which in the
 * fold-major order of fl_comparison_add_cv() is fl_run_color (route
 * index), as the runs list colours that run. The folds' own curves are
 * thin lines in the route's colour, shown only with "Each fold" and left
 * out of the legends and the readout (the runs list switches them one by
 * one); a click on a route's name in a legend shows or hides all its runs.
 * Runs outside the design (one trained later on a single split) keep a
 * curve of their own, dashed.
 *
 * Property "presenting": the plots alone in large type, for a projector.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-plot-view.h"
#include "fl-session.h"

G_BEGIN_DECLS

/* One run's own curves. */
typedef enum {
  FL_CURVE_BATCH,   /* the training loss of every batch, smoothed */
  FL_CURVE_TRAIN,   /* the mean training loss or accuracy of each epoch */
  FL_CURVE_VAL,     /* the validation loss or accuracy after each epoch */
} FlCurve;

#define FL_TYPE_TRAINING_VIEW (fl_training_view_get_type ())
G_DECLARE_FINAL_TYPE (FlTrainingView, fl_training_view, FL, TRAINING_VIEW, GtkWidget)

GtkWidget  *fl_training_view_new                (void);

/* The session whose runs are drawn (a reference is kept). */
void        fl_training_view_set_session        (FlTrainingView *self,
                                                 FlSession      *session);
FlPlotView *fl_training_view_get_loss_plot      (FlTrainingView *self);
FlPlotView *fl_training_view_get_accuracy_plot  (FlTrainingView *self);
/* The series of plot that draws a curve of the run training (or shown),
 * or -1 (the accuracy plot has no per-batch curve). */
int         fl_training_view_get_series         (FlTrainingView *self,
                                                 FlPlotView     *plot,
                                                 FlCurve         curve);
/* The series of plot that draws run i's validation curve, or -1. */
int         fl_training_view_get_run_series     (FlTrainingView *self,
                                                 FlPlotView     *plot,
                                                 int             run);
/* In a cross-validation, the routes (fl-route-curves.h: one per fusion, in
 * the order of their first runs), else 0; and the series of plot that
 * draws route r's mean over its folds with a band of ± 1 sd, or -1. */
int         fl_training_view_get_n_routes       (FlTrainingView *self);
int         fl_training_view_get_route_series   (FlTrainingView *self,
                                                 FlPlotView     *plot,
                                                 int             route);
gboolean    fl_training_view_get_presenting     (FlTrainingView *self);
void        fl_training_view_set_presenting     (FlTrainingView *self,
                                                 gboolean        presenting);

G_END_DECLS
