/* SPDX-License-Identifier: MIT
 *
 * fl-window.h — the main window: the data and model settings in a sidebar,
 * the sample preview and the live training view on the right, and the
 * train.start / train.pause / train.stop actions in the header bar.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-data-panel.h"
#include "fl-plot-view.h"
#include "fl-results-view.h"
#include "fl-runs-view.h"
#include "fl-train-panel.h"

G_BEGIN_DECLS

/* The series of the loss plot and of the accuracy plot. */
enum {
  FL_LOSS_SERIES_BATCH,    /* training loss of every batch, smoothed */
  FL_LOSS_SERIES_TRAIN,    /* mean training loss of each epoch */
  FL_LOSS_SERIES_VAL,      /* validation loss after each epoch */
  FL_LOSS_SERIES_RUNS,     /* then run i's validation loss: FL_LOSS_SERIES_RUNS + i */
};

enum {
  FL_ACCURACY_SERIES_TRAIN,
  FL_ACCURACY_SERIES_VAL,
  FL_ACCURACY_SERIES_RUNS, /* then run i's validation accuracy */
};

#define FL_TYPE_WINDOW (fl_window_get_type ())
G_DECLARE_FINAL_TYPE (FlWindow, fl_window, FL, WINDOW, GtkApplicationWindow)

FlWindow      *fl_window_new                (GtkApplication *app);

/* Loads data as the data panel's choosers would. */
void           fl_window_load               (FlWindow       *self,
                                             const char     *images_dir,
                                             const char     *csv_path);
gboolean       fl_window_get_training       (FlWindow       *self);

/* The progress line: "Epoch 3/10 · batch 12/40 · 0:42 left". */
const char    *fl_window_get_status         (FlWindow       *self);

/* Renders the window as it is on screen to a PNG file. */
gboolean       fl_window_save_png           (FlWindow       *self,
                                             const char     *path,
                                             GError        **error);

FlDataPanel   *fl_window_get_data_panel     (FlWindow       *self);
FlTrainPanel  *fl_window_get_train_panel    (FlWindow       *self);
FlPlotView    *fl_window_get_loss_plot      (FlWindow       *self);
FlPlotView    *fl_window_get_accuracy_plot  (FlWindow       *self);
FlResultsView *fl_window_get_results_view   (FlWindow       *self);
FlRunsView    *fl_window_get_runs_view      (FlWindow       *self);
/* Every run of this data (or of the experiment reopened), or NULL. */
FlComparison  *fl_window_get_comparison     (FlWindow       *self);
/* The run whose matrix and galleries are shown, or -1. */
int            fl_window_get_shown_run      (FlWindow       *self);

/* What win.save-experiment and win.open-experiment do once a file is
 * chosen; opening shows its errors in the banner. */
/* Predicts the rows of csv_path with the shown run, in the background, into
 * NAME-predictions.csv beside it; images are looked up in the loaded folder. */
gboolean       fl_window_predict            (FlWindow       *self,
                                             const char     *csv_path);
gboolean       fl_window_save_experiment    (FlWindow       *self,
                                             const char     *path,
                                             GError        **error);
gboolean       fl_window_open_experiment    (FlWindow       *self,
                                             const char     *path);

/* The message of the error banner, or NULL when it is hidden. */
const char    *fl_window_get_error_message  (FlWindow       *self);

G_END_DECLS
