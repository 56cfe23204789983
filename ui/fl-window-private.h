/* SPDX-License-Identifier: MIT
 *
 * fl-window-private.h — shared by the three files of the window:
 * fl-window.c (the template and the wiring to the session),
 * fl-window-actions.c (the actions, what is enabled, the file choosers
 * and exports) and fl-window-dnd.c (drag and drop).
 */
#pragma once

#include "fl-window.h"

#include "fl-match-view.h"
#include "fl-augment-strip.h"
#include "fl-preview-grid.h"
#include "fl-search-view.h"
#include "fl-routes-view.h"
#include "fl-sample-gallery.h"
#include "fl-why-view.h"

struct _FlWindow {
  GtkApplicationWindow parent_instance;

  /* template widgets */
  GtkRevealer        *banner_revealer;
  GtkLabel           *banner_label;
  GtkRevealer        *data_prompt;
  GtkLabel           *data_prompt_label;
  GtkWidget          *cancel_predict_button;
  FlDataPanel        *data_panel;
  FlTrainPanel       *train_panel;
  GtkStack           *content_stack;
  FlPreviewGrid      *preview_grid;
  FlAugmentStrip     *augment_strip;
  GtkInscription     *status_label;
  GtkInscription     *speed_label;
  GtkProgressBar     *train_progress;
  FlTrainingView     *training_view;
  FlMatchView        *match_view;
  FlSearchView       *search_view;
  FlResultsView      *results_view;
  GtkImage           *pause_image;
  GtkLabel           *pause_label;
  GtkWidget          *pause_button;
  GtkWidget          *runs_section;
  GtkStack           *bottom_stack;
  GtkLabel           *bottom_title;
  gboolean            showing_test;   /* the results of a test on other data */
  GtkWidget          *bottom_header;
  FlSampleGallery    *gallery;
  GtkWidget          *sidebar;
  FlRunsView         *runs_view;
  FlRoutesView       *routes_view;
  FlWhyView          *why_view;

  FlSession          *session;
  gboolean            compare_requested;
  gboolean            pause_shows_resume;
  guint               finish_tick;    /* the end of a run, being shown */
  guint               finish_frames;
  char               *error_message;
  gboolean            match_running;  /* the runs training are a matching run */
  FlRunItem          *searched;       /* the matching run the Search page shows, or NULL */
  double              searched_acc;   /* the classifier's accuracy shown beside it */
  GtkRecentManager   *recent;         /* NULL: nothing recorded or listed */
  GMenu              *recent_section; /* of the menu: Open Recent, when there are any */
  char               *pending_model;  /* to open once the data has loaded, or NULL */
  gboolean            model_opening;  /* the session evaluates a model this window opened */
};

/* fl-window.c */
void     _fl_window_show_error      (FlWindow   *self,
                                     const char *title,
                                     const char *message);
void     _fl_window_dismiss_banner  (FlWindow   *self);
/* Loads the reopened experiment's data, as its prompt's button does. */
void     _fl_window_load_runs_data  (FlWindow   *self);

/* fl-window-actions.c */
void     _fl_window_class_add_actions (GtkWidgetClass *widget_class);
void     _fl_window_update_actions  (FlWindow   *self);
/* What Compare will cost, beneath its folds and repeats. */
void     _fl_window_update_compare_note (FlWindow *self);

/* fl-window-match.c: the task chosen in the training panel */
gboolean _fl_window_get_matching    (FlWindow   *self);
void     _fl_window_wire_match      (FlWindow   *self);
void     _fl_window_class_add_match (GtkWidgetClass *widget_class);

/* fl-window-torch.c: Export to PyTorch… and Open Model… */
void     _fl_window_class_add_torch (GtkWidgetClass *widget_class);
void     _fl_window_update_torch_actions (FlWindow *self);
void     _fl_window_wire_torch      (FlWindow   *self);
/* Opens the model --model named, once the data has loaded. */
void     _fl_window_open_pending_model (FlWindow *self);
/* fl-window-pictures.c: the picture fit and the augmentation strip */
void     _fl_window_wire_pictures      (FlWindow       *self);
void     _fl_window_class_add_pictures (GtkWidgetClass *widget_class);

/* fl-window-dnd.c */
void     _fl_window_add_drop_target (FlWindow   *self);

/* fl-window-recent.c: an experiment file was opened or saved */
void     _fl_window_experiment_file (FlWindow   *self,
                                     const char *path);
void     _fl_window_class_add_recent (GtkWidgetClass *widget_class);
/* fl-window-test.c: Evaluate on Test Data… */
void     _fl_window_wire_test       (FlWindow   *self);
/* The title of the bottom page called page while a test's results are
 * shown, or NULL to keep the runs' title. */
const char *_fl_window_test_title   (const char *page);
/* The Runs page's title: whether its runs validated on the same samples,
 * and that its tests on other data did not. */
const char *_fl_window_runs_title   (FlWindow   *self);
void     _fl_window_class_add_test  (GtkWidgetClass *widget_class);
