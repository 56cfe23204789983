/* SPDX-License-Identifier: MIT
 *
 * fl-window.h — the main window: the data and model settings in a sidebar,
 * the sample preview and the live training view on the right, and the
 * train.start / train.pause / train.stop actions in the header bar. What it
 * works on lives in its FlSession; the window wires the views to it.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-data-panel.h"
#include "fl-match-view.h"
#include "fl-preview-grid.h"
#include "fl-search-view.h"
#include "fl-results-view.h"
#include "fl-runs-view.h"
#include "fl-session.h"
#include "fl-train-panel.h"
#include "fl-training-view.h"

G_BEGIN_DECLS

#define FL_TYPE_WINDOW (fl_window_get_type ())
G_DECLARE_FINAL_TYPE (FlWindow, fl_window, FL, WINDOW, GtkApplicationWindow)

FlWindow       *fl_window_new                (GtkApplication *app);

/* Loads data as the data panel's choosers would. */
void            fl_window_load               (FlWindow       *self,
                                              const char     *images_dir,
                                              const char     *csv_path);
/* From train.start until the end of the runs is on screen. */
gboolean        fl_window_get_training       (FlWindow       *self);

/* Renders the window as it is on screen to a PNG file. */
gboolean        fl_window_save_png           (FlWindow       *self,
                                              const char     *path,
                                              GError        **error);

/* What win.open-experiment does once a file is chosen; its errors are
 * shown in the banner. */
gboolean        fl_window_open_experiment    (FlWindow       *self,
                                              const char     *path);
/* The recent files (set once) that the experiment files opened and saved
 * are added to, and that the menu's Open Recent lists them from; without
 * one, as a new window is, nothing is recorded (fl-window-recent.c). */
void            fl_window_set_recent_manager (FlWindow         *self,
                                              GtkRecentManager *recent);
/* The message of the error banner, or NULL when it is hidden. */
const char     *fl_window_get_error_message  (FlWindow       *self);

FlSession      *fl_window_get_session        (FlWindow       *self);
FlDataPanel    *fl_window_get_data_panel     (FlWindow       *self);
FlTrainPanel   *fl_window_get_train_panel    (FlWindow       *self);
FlTrainingView *fl_window_get_training_view  (FlWindow       *self);
FlMatchView    *fl_window_get_match_view     (FlWindow       *self);
/* The Search page: the last matching model, once one has trained. */
FlSearchView   *fl_window_get_search_view    (FlWindow       *self);
/* Opens a matching model file (fl-embedder.h) on the Search page, over
 * every sample of the data loaded, which must be at the model's image
 * size; FALSE (and the reason in the window) when it cannot. */
gboolean        fl_window_open_match_model   (FlWindow       *self,
                                              const char     *path);
FlResultsView  *fl_window_get_results_view   (FlWindow       *self);
/* Adds a model file trained elsewhere as a run of the data loaded (once
 * it has loaded, if it is loading): fl_session_open_model() with the
 * sidebar's split. */
gboolean        fl_window_open_model         (FlWindow       *self,
                                              const char     *path);
/* Whether a model is waiting for its data or being evaluated. */
gboolean        fl_window_get_opening_model  (FlWindow       *self);
/* Writes the run the sidebar would train on the data loaded as a folder
 * for PyTorch (fl-torch-export.h), in the background; the banner says
 * where and how to run it, or why it could not. */
void            fl_window_export_torch       (FlWindow       *self,
                                              const char     *dir);
FlRunsView     *fl_window_get_runs_view      (FlWindow       *self);
/* Tests a model on other labelled data — the model file at model_path, or
 * with NULL the shown run's model — and shows the results in the Results
 * page (fl_session_test()). */
gboolean        fl_window_test               (FlWindow       *self,
                                              const char     *model_path,
                                              const char     *images_dir,
                                              const char     *csv_path);
/* The Data page's grid of samples. */
FlPreviewGrid  *fl_window_get_preview_grid   (FlWindow       *self);

G_END_DECLS
