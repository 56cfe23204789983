/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-tooltip.h"

G_DEFINE_FINAL_TYPE (FlWindow, fl_window, GTK_TYPE_APPLICATION_WINDOW)

void
_fl_window_show_error (FlWindow   *self,
                       const char *title,
                       const char *message)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>  %s", title, message);

  g_free (self->error_message);
  self->error_message = g_strdup_printf ("%s %s", title, message);
  gtk_label_set_markup (self->banner_label, markup);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

void
_fl_window_dismiss_banner (FlWindow *self)
{
  g_clear_pointer (&self->error_message, g_free);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static void
dismiss_banner_cb (FlWindow  *self,
                   GtkButton *button)
{
  _fl_window_dismiss_banner (self);
}

/* The title of the bottom pages: which samples the runs validated on. */
static void
bottom_page_cb (FlWindow   *self,
                GParamSpec *pspec,
                GtkStack   *stack)
{
  const char *page = gtk_stack_get_visible_child_name (stack);
  const char *test = self->showing_test ? _fl_window_test_title (page) : NULL;

  gtk_label_set_text (self->bottom_title, test != NULL ? test : g_strcmp0 (page, "runs") == 0 ? _fl_window_runs_title (self)
                                          : g_strcmp0 (page, "samples") == 0
                                          ? _("Validation samples, as the model saw them")
                                          : g_strcmp0 (page, "why") == 0
                                          ? _("Why the shown run gets its answers")
                                          : _("Results on the validation samples"));
}

static void
runs_changed_cb (FlWindow   *self,
                 guint       position,
                 guint       removed,
                 guint       added,
                 GListModel *runs)
{
  gtk_widget_set_visible (self->runs_section, g_list_model_get_n_items (runs) > 0);
  bottom_page_cb (self, NULL, self->bottom_stack);
}

/* The shown run's confusion matrix, per-class table and galleries, from
 * what it predicted on the validation samples; a reopened run has these
 * too, but no model to save or to predict with. */
static void
shown_run_cb (FlWindow   *self,
              GParamSpec *pspec,
              FlSession  *session)
{
  int i = fl_session_get_shown_run (session);
  FlComparison *cmp = fl_session_get_comparison (session);
  const FlRunResult *r = cmp != NULL && i >= 0 ? fl_comparison_result (cmp, i) : NULL;
  FlRun *run = fl_session_get_shown_model (session);
  g_autofree char *why = NULL, *detail = NULL;
  g_autoptr(FlMetrics) metrics = NULL;
  FlDataset *ds;

  if (r == NULL || r->validation == NULL)
    {
      fl_sample_gallery_set_validation (self->gallery, NULL, NULL);
      fl_results_view_set_run (self->results_view, NULL);
      fl_results_view_clear (self->results_view);
      return;
    }
  ds = fl_session_get_run_samples (session, i, &why);
  if (why != NULL)
    fl_session_set_status (session, why);
  metrics = fl_validation_metrics (r->validation);
  detail = fl_session_describe_run (session, i);
  fl_results_view_show (self->results_view, metrics, (const char *const *) r->validation->class_names, detail);
  fl_results_view_set_run (self->results_view, run);
  fl_sample_gallery_set_validation (self->gallery, r->validation, ds);
  /* a test on other data: its samples are test samples */
  fl_confusion_view_set_test_data (fl_results_view_get_confusion_view (self->results_view), r->tested_on != NULL);
  fl_sample_gallery_set_test_data (self->gallery, r->tested_on != NULL);
  /* Save Model and Predict, for a run with a model (only these: the rest
   * waits for the end of a run to be shown) */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.save-model", !fl_window_get_training (self) && run != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.predict", !fl_window_get_training (self) && run != NULL);
}

static void
training_changed_cb (FlWindow   *self,
                     GParamSpec *pspec,
                     FlSession  *session)
{
  if (!fl_session_get_training (session))
    return;
  /* the runs started: from train.start, or once the data arrived */
  fl_results_view_begin (self->results_view);
  gtk_stack_set_visible_child_name (self->bottom_stack, self->compare_requested || _fl_window_get_matching (self)
                                                        ? "runs" : "results");
  _fl_window_dismiss_banner (self);
  gtk_stack_set_visible_child_name (self->content_stack, "training");
  _fl_window_update_actions (self);
}

static void
run_started_cb (FlWindow  *self,
                FlRunItem *item,
                FlSession *session)
{
  fl_results_view_begin (self->results_view);
}

static void
epoch_cb (FlWindow           *self,
          FlRunItem          *item,
          const FlEpochStats *stats,
          FlSession          *session)
{
  fl_results_view_add_epoch (self->results_view, stats);
}

static gboolean
finish_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  FlWindow *self = FL_WINDOW (widget);

  /* the results take three frames (FlResultsView) */
  if (++self->finish_frames < 4)
    return G_SOURCE_CONTINUE;
  self->finish_tick = 0;
  _fl_window_update_actions (self);
  return G_SOURCE_REMOVE;
}

/* The runs ended. What that changes is spread over frames so that none of
 * them takes long: the results first, the buttons and the sidebar coming
 * back to life (which restyle a good part of the window) a few frames
 * later. */
static void
finished_cb (FlWindow     *self,
             const GError *error,
             FlSession    *session)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.pause", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.stop", FALSE);
  bottom_page_cb (self, NULL, self->bottom_stack);
  _fl_window_update_compare_note (self);
  self->finish_frames = 0;
  if (self->finish_tick == 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->finish_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), finish_tick_cb, NULL, NULL);
  else if (self->finish_tick == 0)
    _fl_window_update_actions (self);
}

static void
session_error_cb (FlWindow   *self,
                  const char *title,
                  const char *message,
                  FlSession  *session)
{
  _fl_window_show_error (self, title, message);
}

/* A reopened experiment's data: where it is, for the user to confirm. */
static void
load_data_cb (FlWindow               *self,
              const FlExperimentData *data,
              FlSession              *session)
{
  g_autofree char *markup = g_markup_printf_escaped (_("<b>Load this experiment's data?</b>  Its images are in "
                                                       "%s and its texts in %s — folders the experiment file "
                                                       "names, which may not be yours."),
                                                     data->images_dir, data->csv_path);

  gtk_label_set_markup (self->data_prompt_label, markup);
  gtk_revealer_set_reveal_child (self->data_prompt, TRUE);
}

/* With its column mapping and image size (the image size goes to the data
 * panel through the training panel). */
void
_fl_window_load_runs_data (FlWindow *self)
{
  const FlExperimentData *data = fl_session_get_runs_data (self->session);

  gtk_revealer_set_reveal_child (self->data_prompt, FALSE);
  if (data == NULL || fl_window_get_training (self))
    return;
  fl_train_panel_set_image_size (self->train_panel, data->image_size);
  fl_data_panel_set_image_size (self->data_panel, data->image_size);
  fl_train_panel_set_image_fit (self->train_panel, data->image_fit);
  fl_data_panel_set_image_fit (self->data_panel, data->image_fit);
  fl_data_panel_load (self->data_panel, data->images_dir, data->csv_path);
  fl_data_panel_set_branch_columns (self->data_panel, data->audio_col, (const char *const *) data->numeric_cols);
  fl_data_panel_set_columns (self->data_panel, data->image_col, data->text_col, data->label_col);
}

static void
dismiss_prompt_cb (FlWindow  *self,
                   GtkButton *button)
{
  gtk_revealer_set_reveal_child (self->data_prompt, FALSE);
}

static void
runs_activated_cb (FlWindow   *self,
                   int         run,
                   FlRunsView *view)
{
  if (!fl_window_get_training (self) && fl_session_show_run (self->session, run))
    gtk_stack_set_visible_child_name (self->bottom_stack, "results");
}

static void
cell_activated_cb (FlWindow        *self,
                   int              t,
                   int              p,
                   FlConfusionView *view)
{
  fl_sample_gallery_show_cell (self->gallery, t, p);
  gtk_stack_set_visible_child_name (self->bottom_stack, "samples");
}

/* The rescued or hurt samples, or one clicked on a feature map. */
static void
why_rows_cb (FlWindow     *self,
             const gint32 *rows,
             int           n,
             const char   *title,
             FlWhyView    *view)
{
  fl_sample_gallery_show_rows (self->gallery, rows, n, title);
  gtk_stack_set_visible_child_name (self->bottom_stack, "samples");
}

/* Presenting: the plots alone, in large type. */
static void
presenting_cb (FlWindow       *self,
               GParamSpec     *pspec,
               FlTrainingView *view)
{
  gboolean present = fl_training_view_get_presenting (view);

  gtk_widget_set_visible (self->sidebar, !present);
  gtk_widget_set_visible (GTK_WIDGET (self->bottom_stack), !present);
  gtk_widget_set_visible (self->bottom_header, !present);
}

static void
set_window_title (FlWindow  *self,
                  FlDataset *ds)
{
  g_autofree char *name = ds != NULL ? g_path_get_basename (ds->csv_path) : NULL;
  g_autofree char *title = name != NULL ? g_strdup_printf ("Fusion Lab — %s", name) : NULL;

  gtk_window_set_title (GTK_WINDOW (self), title != NULL ? title : "Fusion Lab");
}

static void
dataset_changed_cb (FlWindow    *self,
                    GParamSpec  *pspec,
                    FlDataPanel *panel)
{
  FlDataset *ds = fl_data_panel_get_dataset (panel);

  fl_preview_grid_set_dataset (self->preview_grid, ds);
  fl_augment_strip_set_dataset (self->augment_strip, ds);
  set_window_title (self, ds);
  if (ds != NULL)
    gtk_revealer_set_reveal_child (self->data_prompt, FALSE);
  if (ds != NULL)
    _fl_window_dismiss_banner (self);
  /* which may start the runs waiting for it */
  fl_session_set_dataset (self->session, ds);
  if (ds != NULL && fl_session_get_comparison (self->session) == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "data");
  _fl_window_update_compare_note (self);
  _fl_window_update_actions (self);
  if (ds != NULL)
    _fl_window_open_pending_model (self);
}

static void
loading_changed_cb (FlWindow    *self,
                    GParamSpec  *pspec,
                    FlDataPanel *panel)
{
  fl_session_set_loading (self->session, fl_data_panel_get_loading (panel));
  _fl_window_update_actions (self);
}

static void
data_error_cb (FlWindow     *self,
               const GError *error,
               FlDataPanel  *panel)
{
  _fl_window_show_error (self, _("Could not load the data."), error->message);
}

static void
compare_changed_cb (FlWindow     *self,
                    FlTrainPanel *panel)
{
  _fl_window_update_compare_note (self);
}

static void
fl_window_dispose (GObject *object)
{
  FlWindow *self = FL_WINDOW (object);

  if (self->finish_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->finish_tick);
      self->finish_tick = 0;
    }
  /* the panels' last signals (a load cancelled as the data panel goes)
   * must not reach a window half taken apart */
  if (self->data_panel != NULL)
    g_signal_handlers_disconnect_by_data (self->data_panel, self);
  if (self->train_panel != NULL)
    g_signal_handlers_disconnect_by_data (self->train_panel, self);
  /* the session stops and joins the training thread */
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_object_run_dispose (G_OBJECT (self->session));
    }
  g_clear_object (&self->session);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_WINDOW);

  G_OBJECT_CLASS (fl_window_parent_class)->dispose (object);
}

static void
fl_window_finalize (GObject *object)
{
  FlWindow *self = FL_WINDOW (object);

  g_free (self->error_message);
  g_free (self->pending_model);
  g_clear_object (&self->searched);
  g_clear_object (&self->recent);

  G_OBJECT_CLASS (fl_window_parent_class)->finalize (object);
}

static void
fl_window_class_init (FlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_window_dispose;
  object_class->finalize = fl_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, data_prompt);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, data_prompt_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, cancel_predict_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, data_panel);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, train_panel);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, speed_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, train_progress);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, training_view);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, results_view);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, pause_image);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, pause_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, pause_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, runs_section);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, runs_view);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, routes_view);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, bottom_stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, bottom_title);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, bottom_header);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, gallery);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, why_view);
  gtk_widget_class_bind_template_callback (widget_class, bottom_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, runs_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, why_rows_cb);
  gtk_widget_class_bind_template_callback (widget_class, presenting_cb);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_banner_cb);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_prompt_cb);
  gtk_widget_class_bind_template_callback (widget_class, dataset_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, loading_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, data_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, compare_changed_cb);

  _fl_window_class_add_actions (widget_class);
  _fl_window_class_add_match (widget_class);
  _fl_window_class_add_recent (widget_class);
  _fl_window_class_add_torch (widget_class);
  _fl_window_class_add_test (widget_class);
  _fl_window_class_add_pictures (widget_class);
}

/* The views listen to the session; the window shows its status line. */
static void
wire_session (FlWindow *self)
{
  FlSession *s = self->session;

  g_object_bind_property (s, "status", self->status_label, "text", G_BINDING_SYNC_CREATE);
  /* a long status (what a transfer loaded) is cut short: in full here */
  fl_tooltip_follow (GTK_WIDGET (self->status_label), G_OBJECT (s), "status");
  g_object_bind_property (s, "speed", self->speed_label, "text", G_BINDING_SYNC_CREATE);
  g_object_bind_property (s, "progress", self->train_progress, "fraction", G_BINDING_SYNC_CREATE);
  g_object_bind_property (s, "predicting", self->cancel_predict_button, "visible", G_BINDING_SYNC_CREATE);
  fl_training_view_set_session (self->training_view, s);
  fl_runs_view_set_runs (self->runs_view, fl_session_get_runs (s));
  _fl_window_wire_match (self);
  _fl_window_wire_torch (self);
  _fl_window_wire_test (self);
  _fl_window_wire_pictures (self);
  fl_routes_view_set_session (self->routes_view, s);
  fl_why_view_set_session (self->why_view, s);
  fl_train_panel_set_session (self->train_panel, s);
  g_signal_connect_object (fl_session_get_runs (s), "items-changed", G_CALLBACK (runs_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::shown-run", G_CALLBACK (shown_run_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::training", G_CALLBACK (training_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::paused", G_CALLBACK (_fl_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::predicting", G_CALLBACK (_fl_window_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "run-started", G_CALLBACK (run_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "epoch", G_CALLBACK (epoch_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "finished", G_CALLBACK (finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "error", G_CALLBACK (session_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "load-data", G_CALLBACK (load_data_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fl_results_view_get_confusion_view (self->results_view), "cell-activated",
                           G_CALLBACK (cell_activated_cb), self, G_CONNECT_SWAPPED);
}

static void
fl_window_init (FlWindow *self)
{
  fl_style_load (gtk_widget_get_display (GTK_WIDGET (self)));

  g_type_ensure (FL_TYPE_DATA_PANEL);
  g_type_ensure (FL_TYPE_TRAIN_PANEL);
  g_type_ensure (FL_TYPE_PREVIEW_GRID);
  g_type_ensure (FL_TYPE_TRAINING_VIEW);
  g_type_ensure (FL_TYPE_MATCH_VIEW);
  g_type_ensure (FL_TYPE_SEARCH_VIEW);
  g_type_ensure (FL_TYPE_RESULTS_VIEW);
  g_type_ensure (FL_TYPE_RUNS_VIEW);
  g_type_ensure (FL_TYPE_ROUTES_VIEW);
  g_type_ensure (FL_TYPE_SAMPLE_GALLERY);
  g_type_ensure (FL_TYPE_WHY_VIEW);

  self->session = fl_session_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  wire_session (self);
  _fl_window_add_drop_target (self);
  _fl_window_update_actions (self);
}

FlWindow *
fl_window_new (GtkApplication *app)
{
  return g_object_new (FL_TYPE_WINDOW, "application", app, NULL);
}

void
fl_window_load (FlWindow   *self,
                const char *images_dir,
                const char *csv_path)
{
  g_return_if_fail (FL_IS_WINDOW (self));
  fl_data_panel_load (self->data_panel, images_dir, csv_path);
}

gboolean
fl_window_get_training (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);
  return self->finish_tick != 0 || fl_session_get_training (self->session);
}

gboolean
fl_window_open_experiment (FlWindow   *self,
                           const char *path)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  /* (another experiment's question goes; this one's may come) */
  if (!fl_window_get_training (self))
    gtk_revealer_set_reveal_child (self->data_prompt, FALSE);
  if (fl_window_get_training (self) || !fl_session_open_experiment (self->session, path, &error))
    {
      _fl_window_show_error (self, _("Could not open the experiment."),
                             error != NULL ? error->message : _("Stop the training before opening an experiment."));
      return FALSE;
    }
  fl_train_panel_set_settings (self->train_panel, fl_session_get_base_settings (self->session));
  {
    FlComparison *cmp = fl_session_get_comparison (self->session);

    fl_train_panel_set_compare (self->train_panel, MAX (fl_comparison_cv_folds (cmp), 1),
                                MAX (fl_comparison_cv_repeats (cmp), 1));
  }
  _fl_window_dismiss_banner (self);
  gtk_stack_set_visible_child_name (self->content_stack, "training");
  gtk_stack_set_visible_child_name (self->bottom_stack, "runs");
  _fl_window_update_actions (self);
  _fl_window_experiment_file (self, path);
  return TRUE;
}

const char *
fl_window_get_error_message (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->error_message;
}

FlSession *
fl_window_get_session (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->session;
}

FlDataPanel *
fl_window_get_data_panel (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->data_panel;
}

FlTrainPanel *
fl_window_get_train_panel (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->train_panel;
}

FlTrainingView *
fl_window_get_training_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->training_view;
}

FlResultsView *
fl_window_get_results_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->results_view;
}

FlRunsView *
fl_window_get_runs_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->runs_view;
}

FlPreviewGrid *
fl_window_get_preview_grid (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->preview_grid;
}
