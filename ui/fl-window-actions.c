/* SPDX-License-Identifier: MIT
 *
 * The window's actions — train, compare, pause, stop, save and open
 * experiments, export plots and tables, save a model, predict — what of
 * them is enabled, in one place, and the file choosers they open.
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <stdio.h>

void
_fl_window_update_actions (FlWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean training = fl_window_get_training (self);
  gboolean paused = fl_session_get_paused (self->session);
  gboolean loading = fl_data_panel_get_loading (self->data_panel);
  gboolean have_data = fl_data_panel_get_dataset (self->data_panel) != NULL;
  gboolean have_runs = fl_session_get_comparison (self->session) != NULL;
  gboolean have_model = !training && fl_session_get_shown_model (self->session) != NULL;

  gtk_widget_action_set_enabled (widget, "train.start", have_data && !loading && !training);
  gtk_widget_action_set_enabled (widget, "train.compare", have_data && !loading && !training &&
                                 !_fl_window_get_matching (self));
  gtk_widget_action_set_enabled (widget, "win.save-experiment", !training && have_runs);
  gtk_widget_action_set_enabled (widget, "win.open-experiment", !training);
  gtk_widget_action_set_enabled (widget, "win.open-recent", !training);
  gtk_widget_action_set_enabled (widget, "win.export-runs-csv", !training && have_runs);
  gtk_widget_action_set_enabled (widget, "win.export-metrics-csv", !training && have_runs);
  gtk_widget_action_set_enabled (widget, "win.export-routes-csv", !training && have_runs &&
                                 fl_comparison_cv_folds (fl_session_get_comparison (self->session)) >= 2);
  gtk_widget_action_set_enabled (widget, "win.export-verdicts-csv", !training && have_runs &&
                                 fl_comparison_cv_folds (fl_session_get_comparison (self->session)) >= 2);
  gtk_widget_action_set_enabled (widget, "train.pause", training);
  gtk_widget_action_set_enabled (widget, "train.stop", training);
  gtk_widget_action_set_enabled (widget, "train.save-model", have_model);
  gtk_widget_action_set_enabled (widget, "train.save-match-model",
                                 !training && fl_session_get_matcher (self->session) != NULL);
  gtk_widget_action_set_enabled (widget, "win.open-match-model", !training);
  gtk_widget_action_set_enabled (widget, "train.predict", have_model && !fl_session_get_predicting (self->session));
  gtk_widget_action_set_enabled (widget, "train.cancel-predict", fl_session_get_predicting (self->session));
  gtk_widget_action_set_enabled (widget, "train.test-data", have_model);
  gtk_widget_action_set_enabled (widget, "win.test-model-file", !training);
  gtk_widget_action_set_enabled (widget, "win.load-experiment-data",
                                 !training && fl_session_get_runs_data (self->session) != NULL);
  _fl_window_update_torch_actions (self);

  /* only on a change: each of these asks for a relayout, and a new tooltip
   * for a round trip to the X server */
  if (self->pause_shows_resume != paused)
    {
      self->pause_shows_resume = paused;
      gtk_image_set_from_icon_name (self->pause_image, paused ? "media-playback-start-symbolic"
                                                              : "media-playback-pause-symbolic");
      gtk_label_set_text (self->pause_label, paused ? _("Resume") : _("Pause"));
      gtk_widget_set_tooltip_text (self->pause_button, paused ? _("Resume training (Ctrl+P)")
                                                              : _("Pause training (Ctrl+P)"));
    }

  /* the data cannot change under a running model; the settings can, for
   * the next run (whole panels made insensitive would restyle and redraw
   * the sidebar as a run starts and ends, in frames that have enough to do) */
  fl_data_panel_set_locked (self->data_panel, training);
  fl_train_panel_set_running (self->train_panel, training);
}

/* Compare's folds, repeats and routes, from the sidebar to the session. */
static void
set_compare (FlWindow *self)
{
  FlFusion routes[FL_N_FUSIONS];
  guint n = fl_train_panel_get_routes (self->train_panel, routes);

  fl_session_set_design (self->session, fl_train_panel_get_folds (self->train_panel),
                         fl_train_panel_get_repeats (self->train_panel));
  /* none ticked: every one, rather than a comparison of nothing */
  fl_session_set_routes (self->session, routes, n);
}

/* What Compare will cost, beneath its folds and repeats. */
void
_fl_window_update_compare_note (FlWindow *self)
{
  FlDataset *ds = fl_data_panel_get_dataset (self->data_panel);
  int folds = fl_train_panel_get_folds (self->train_panel), runs;
  FlTrainSettings s;
  double n_train, speed;
  g_autofree char *note = NULL;

  if (ds == NULL)
    {
      fl_train_panel_set_compare_note (self->train_panel, NULL);
      return;
    }
  fl_train_panel_get_settings (self->train_panel, &s);
  set_compare (self);
  runs = fl_session_get_compare_runs (self->session);
  n_train = folds >= 2 ? ds->n * (folds - 1.0) / folds : ds->n * (1.0 - s.val_fraction);
  speed = fl_session_get_measured_speed (self->session);
  if (speed > 0.0)
    {
      /* training, and about a fifth more for each epoch's evaluation */
      g_autofree char *took = fl_format_duration (1.2 * runs * s.epochs * n_train / speed);
      /* TRANSLATORS: under Compare's folds and repeats; %s is a duration
       * such as "3 min" */
      note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Compare: %d run of %d epochs · about %s",
                                           "Compare: %d runs of %d epochs · about %s", runs),
                              runs, s.epochs, took);
    }
  else
    /* TRANSLATORS: under Compare's folds and repeats */
    note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Compare: %d run of %d epochs; how long it takes shows "
                                         "once a run has trained",
                                         "Compare: %d runs of %d epochs; how long they take shows once a run has trained",
                                         runs),
                            runs, s.epochs);
  fl_train_panel_set_compare_note (self->train_panel, note);
}

/* A matching run, as Train starts a classifier's. */
static void
begin_matching (FlWindow *self)
{
  FlMatchSettings settings;

  fl_train_panel_get_match_settings (self->train_panel, &settings);
  settings.train.n_threads = (int) g_get_num_processors ();
  self->compare_requested = FALSE;
  if (fl_data_panel_get_stale (self->data_panel))
    {
      fl_session_train_match_after_load (self->session, &settings);
      fl_data_panel_reload (self->data_panel);
      return;
    }
  fl_session_train_match (self->session, &settings);
}

/* Starts one run, or a comparison of every fusion, once the data is
 * current: if the image size changed since loading, it loads again first. */
static void
begin_training (FlWindow *self,
                gboolean  compare)
{
  FlTrainSettings settings;

  if (fl_window_get_training (self) || fl_data_panel_get_dataset (self->data_panel) == NULL)
    return;
  if (_fl_window_get_matching (self))
    {
      begin_matching (self);
      return;
    }
  fl_train_panel_get_settings (self->train_panel, &settings);
  /* every core: the engine's threads run at a lower priority (see
   * fl-train-worker.c), so the interface still comes first */
  settings.n_threads = (int) g_get_num_processors ();
  self->compare_requested = compare;
  set_compare (self);
  if (fl_data_panel_get_stale (self->data_panel))
    {
      fl_session_train_after_load (self->session, &settings, compare);
      fl_data_panel_reload (self->data_panel);
      return;
    }
  fl_session_train (self->session, &settings, compare);
}

static void
train_start_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  begin_training (FL_WINDOW (widget), FALSE);
}

static void
train_compare_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  begin_training (FL_WINDOW (widget), TRUE);
}

static void
train_pause_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  fl_session_set_paused (self->session, !fl_session_get_paused (self->session));
}

static void
train_stop_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  if (!fl_session_get_training (self->session))
    return;
  fl_session_stop (self->session);
  gtk_widget_action_set_enabled (widget, "train.pause", FALSE);
  gtk_widget_action_set_enabled (widget, "train.stop", FALSE);
}

/* "results", "samples", "runs", "why": a page of the bottom stack;
 * "rescued": the samples fusion rescued, in the gallery; "matching": the
 * matching task's curves (and its runs beneath); "search": the Search page,
 * once it has a model. */
static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  const char *page = g_variant_get_string (parameter, NULL);

  if (g_strcmp0 (page, "rescued") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self->why_view), "why.show-rescued", NULL);
  else if (g_strcmp0 (page, "matching") == 0)
    {
      fl_train_panel_set_task (self->train_panel, FL_TASK_MATCH);
      gtk_stack_set_visible_child_name (self->content_stack, "training");
    }
  else if (g_strcmp0 (page, "search") == 0)
    gtk_stack_set_visible_child_name (self->content_stack, "search");
  else if (gtk_stack_get_child_by_name (self->bottom_stack, page) != NULL)
    gtk_stack_set_visible_child_name (self->bottom_stack, page);
}

static void
cancel_predict_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  fl_session_cancel_predict (FL_WINDOW (widget)->session);
}

static void
load_experiment_data_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  _fl_window_load_runs_data (FL_WINDOW (widget));
}

/* ---- files ---- */

gboolean
fl_window_save_png (FlWindow    *self,
                    const char  *path,
                    GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width, height;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (renderer == NULL || width <= 0 || height <= 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED, _("the window is not on screen yet"));
      return FALSE;
    }
  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the window drew nothing"));
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("could not write %s"), path);
      return FALSE;
    }
  return TRUE;
}


/* Every file the window writes or reads through a chooser. */
typedef enum {
  FILE_EXPERIMENT_SAVE,
  FILE_EXPERIMENT_OPEN,
  FILE_PLOT_LOSS,
  FILE_PLOT_ACCURACY,
  FILE_RUNS_CSV,
  FILE_METRICS_CSV,
  FILE_MODEL,
  FILE_PREDICT,
  FILE_ROUTES_CSV,
  FILE_VERDICTS_CSV,
  FILE_MATCH_MODEL,
  FILE_MATCH_MODEL_OPEN,
} FileKind;

static const struct {
  const char *title;
  const char *name;      /* suggested, for a file to save */
} files[] = {
  [FILE_EXPERIMENT_SAVE] = { N_("Save the Experiment"), "experiment.json" },
  [FILE_EXPERIMENT_OPEN] = { N_("Open an Experiment"), NULL },
  [FILE_PLOT_LOSS] = { N_("Export the Plot (PNG, SVG or PDF)"), "loss.png" },
  [FILE_PLOT_ACCURACY] = { N_("Export the Plot (PNG, SVG or PDF)"), "accuracy.png" },
  [FILE_RUNS_CSV] = { N_("Export the Runs Table"), "runs.csv" },
  [FILE_METRICS_CSV] = { N_("Export the Per-Epoch Metrics"), "metrics.csv" },
  [FILE_MODEL] = { N_("Save the Model"), "model.safetensors" },
  [FILE_PREDICT] = { N_("Predict the Rows of a CSV"), NULL },
  [FILE_ROUTES_CSV] = { N_("Export the Routes, Mean ± SD over the Folds"), "routes.csv" },
  [FILE_VERDICTS_CSV] = { N_("Export the Pairwise Tests"), "verdicts.csv" },
  [FILE_MATCH_MODEL] = { N_("Save the Matching Model"), "matching.safetensors" },
  [FILE_MATCH_MODEL_OPEN] = { N_("Open a Matching Model"), NULL },
};

static gboolean
export_plot (FlWindow         *self,
             GtkFileChooser   *chooser,
             FileKind          kind,
             const char       *path,
             GError          **error)
{
  const char *size = gtk_file_chooser_get_choice (chooser, "size");
  FlPlotView *plot = kind == FILE_PLOT_LOSS ? fl_training_view_get_loss_plot (self->training_view)
                                            : fl_training_view_get_accuracy_plot (self->training_view);
  int w = 1200, h = 750;

  if (size == NULL || sscanf (size, "%dx%d", &w, &h) != 2)
    {
      w = 1200;
      h = 750;
    }
  return fl_plot_view_export (plot, path, w, h, error);
}

/* Writes the file of kind to path; FALSE with error when it could not. */
static gboolean
save_file (FlWindow        *self,
           GtkFileChooser  *chooser,
           FileKind         kind,
           const char      *path,
           GError         **error)
{
  FlComparison *cmp = fl_session_get_comparison (self->session);
  FlRun *run = fl_session_get_shown_model (self->session);
  FlMatcher *matcher = fl_session_get_matcher (self->session);

  if ((kind == FILE_RUNS_CSV || kind == FILE_METRICS_CSV || kind == FILE_ROUTES_CSV ||
       kind == FILE_VERDICTS_CSV) && cmp == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There are no runs yet."));
      return FALSE;
    }
  if ((kind == FILE_MODEL && run == NULL) || (kind == FILE_MATCH_MODEL && matcher == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no trained model to save."));
      return FALSE;
    }
  switch (kind)
    {
    case FILE_EXPERIMENT_SAVE: return fl_session_save_experiment (self->session, path, error);
    case FILE_PLOT_LOSS:
    case FILE_PLOT_ACCURACY: return export_plot (self, chooser, kind, path, error);
    case FILE_RUNS_CSV: return fl_comparison_write_runs_csv (cmp, path, error);
    case FILE_METRICS_CSV: return fl_comparison_write_metrics_csv (cmp, path, error);
    case FILE_MODEL: return fl_run_save_model (run, path, error);
    case FILE_ROUTES_CSV: return fl_comparison_write_routes_csv (cmp, path, error);
    case FILE_VERDICTS_CSV: return fl_comparison_write_verdicts_csv (cmp, path, error);
    case FILE_MATCH_MODEL:
      {
        g_autoptr(FlEmbedder) e = fl_matcher_embedder (matcher);

        return fl_embedder_save (e, path, error);
      }
    default: g_assert_not_reached ();
    }
}

static void
file_response_cb (GtkNativeDialog *native,
                  int              response,
                  FlWindow        *self)
{
  FileKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "kind"));
  g_autofree char *path = fl_chooser_get_path (native, response);
  g_autofree char *name = path != NULL ? g_path_get_basename (path) : NULL;
  g_autofree char *status = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    ;
  else if (kind == FILE_EXPERIMENT_OPEN)
    fl_window_open_experiment (self, path);
  else if (kind == FILE_PREDICT)
    fl_session_predict (self->session, path);
  else if (kind == FILE_MATCH_MODEL_OPEN)
    fl_window_open_match_model (self, path);
  else if (!save_file (self, GTK_FILE_CHOOSER (native), kind, path, &error))
    _fl_window_show_error (self, kind == FILE_MODEL || kind == FILE_MATCH_MODEL ? _("Could not save the model.")
                                                                                 : _("Could not save."),
                           error->message);
  else
    {
      /* TRANSLATORS: %s is the name of the file written */
      status = g_strdup_printf (kind == FILE_MODEL || kind == FILE_MATCH_MODEL ? _("Saved the model to %s.")
                                                                               : _("Saved %s."), name);
      fl_session_set_status (self->session, status);
      if (kind == FILE_EXPERIMENT_SAVE)
        _fl_window_experiment_file (self, path);
    }
  g_object_unref (native);
}

static void
choose_file (FlWindow *self,
             FileKind  kind)
{
  gboolean open = kind == FILE_EXPERIMENT_OPEN || kind == FILE_PREDICT || kind == FILE_MATCH_MODEL_OPEN;
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_(files[kind].title), GTK_WINDOW (self),
                                        open ? GTK_FILE_CHOOSER_ACTION_OPEN : GTK_FILE_CHOOSER_ACTION_SAVE,
                                        kind == FILE_PREDICT ? _("_Predict") : open ? _("_Open") : _("_Save"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (files[kind].name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), files[kind].name);
  if (kind == FILE_PLOT_LOSS || kind == FILE_PLOT_ACCURACY)
    {
      static const char *sizes[] = { "800x500", "1200x750", "1600x1000", "2400x1500", NULL };
      static const char *labels[] = { "800 × 500", "1200 × 750", "1600 × 1000", "2400 × 1500", NULL };

      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "size", _("Size"), sizes, labels);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (native), "size", "1200x750");
    }
  if (kind == FILE_PREDICT)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("CSV files"));
      gtk_file_filter_add_suffix (filter, "csv");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  g_object_set_data (G_OBJECT (native), "kind", GINT_TO_POINTER (kind));
  g_signal_connect_object (native, "response", G_CALLBACK (file_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* The actions that open a chooser, by name: one handler for them all. */
static const struct {
  const char *action;
  FileKind    kind;
} file_actions[] = {
  { "win.save-experiment", FILE_EXPERIMENT_SAVE },
  { "win.open-experiment", FILE_EXPERIMENT_OPEN },
  { "win.export-runs-csv", FILE_RUNS_CSV },
  { "win.export-metrics-csv", FILE_METRICS_CSV },
  { "train.save-model", FILE_MODEL },
  { "train.predict", FILE_PREDICT },
  { "win.export-routes-csv", FILE_ROUTES_CSV },
  { "win.export-verdicts-csv", FILE_VERDICTS_CSV },
  { "train.save-match-model", FILE_MATCH_MODEL },
  { "win.open-match-model", FILE_MATCH_MODEL_OPEN },
};

static void
file_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  for (guint i = 0; i < G_N_ELEMENTS (file_actions); i++)
    if (g_strcmp0 (action_name, file_actions[i].action) == 0)
      choose_file (FL_WINDOW (widget), file_actions[i].kind);
}

static void
export_plot_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gboolean loss = g_strcmp0 (g_variant_get_string (parameter, NULL), "loss") == 0;

  choose_file (FL_WINDOW (widget), loss ? FILE_PLOT_LOSS : FILE_PLOT_ACCURACY);
}

/* Ctrl+O and Shift+Ctrl+O from anywhere in the window: the data panel's
 * choosers, unless a model trains on the data. */
static void
choose_data_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  if (!fl_window_get_training (self))
    gtk_widget_activate_action (GTK_WIDGET (self->data_panel),
                                g_strcmp0 (action_name, "data.choose-csv") == 0 ? "data.choose-csv"
                                                                                : "data.choose-images", NULL);
}

void
_fl_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "train.start", NULL, train_start_action);
  gtk_widget_class_install_action (widget_class, "train.compare", NULL, train_compare_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, train_pause_action);
  gtk_widget_class_install_action (widget_class, "train.stop", NULL, train_stop_action);
  gtk_widget_class_install_action (widget_class, "train.cancel-predict", NULL, cancel_predict_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.load-experiment-data", NULL, load_experiment_data_action);
  for (guint i = 0; i < G_N_ELEMENTS (file_actions); i++)
    gtk_widget_class_install_action (widget_class, file_actions[i].action, NULL, file_action);
  gtk_widget_class_install_action (widget_class, "win.export-plot", "s", export_plot_action);
  gtk_widget_class_install_action (widget_class, "data.choose-images", NULL, choose_data_action);
  gtk_widget_class_install_action (widget_class, "data.choose-csv", NULL, choose_data_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "train.compare", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "train.compare", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "train.pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "train.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "train.save-model", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.save-experiment", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "data.choose-images", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "data.choose-csv", NULL);
}
