/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window.h"

#include "fl-confusion-view.h"
#include "fl-preview-grid.h"
#include "fl-train-worker.h"

#include <string.h>

/* Okabe–Ito colours, told apart by colour-blind viewers too; the train and
 * validation curves also differ in dash and marker shape. */
#define COLOUR_TRAIN "#0072B2"   /* blue */
#define COLOUR_VAL   "#D55E00"   /* vermillion */
#define COLOUR_BATCH "#56B4E9"   /* sky blue */

struct _FlWindow {
  GtkApplicationWindow parent_instance;

  /* template widgets */
  GtkRevealer        *banner_revealer;
  GtkLabel           *banner_label;
  FlDataPanel        *data_panel;
  FlTrainPanel       *train_panel;
  GtkStack           *content_stack;
  FlPreviewGrid      *preview_grid;
  GtkInscription     *status_label;
  GtkInscription     *speed_label;
  GtkProgressBar     *train_progress;
  FlPlotView         *loss_plot;
  FlPlotView         *accuracy_plot;
  FlResultsView      *results_view;
  GtkImage           *pause_image;
  GtkLabel           *pause_label;
  GtkWidget          *pause_button;

  FlTrainWorker      *worker;         /* the current or last run */
  FlBatchStats        last_batch;
  FlEpochStats        last_epoch;
  gboolean            start_after_load;
  GError             *finish_error;   /* how the run being shown ended */
  gboolean            run_complete;   /* the worker's run trained every epoch */
  gboolean            pause_shows_resume;
  guint               finish_tick;    /* the end of a run, being shown */
  guint               finish_frames;
  char               *error_message;
};

G_DEFINE_FINAL_TYPE (FlWindow, fl_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_TRAINING,
  N_PROPS
};

enum {
  RUN_FINISHED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* "1:05", "12:40", "2:03:07" */
static char *
format_duration (double seconds)
{
  gint64 s = (gint64) (seconds + 0.5);

  if (s >= 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", s / 3600, (int) (s / 60 % 60), (int) (s % 60));
  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

static void
show_error (FlWindow   *self,
            const char *title,
            const char *message)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>  %s", title, message);

  g_free (self->error_message);
  self->error_message = g_strdup_printf ("%s %s", title, message);
  gtk_label_set_markup (self->banner_label, markup);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
dismiss_banner_cb (FlWindow  *self,
                   GtkButton *button)
{
  g_clear_pointer (&self->error_message, g_free);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

/* From train.start until the end of a run is on screen. */
static gboolean
is_training (FlWindow *self)
{
  return self->finish_tick != 0 || (self->worker != NULL && fl_train_worker_get_running (self->worker));
}

static void
set_status (FlWindow   *self,
            const char *status)
{
  gtk_inscription_set_text (self->status_label, status);
}

static void
update_actions (FlWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean training = is_training (self);
  gboolean paused = training && fl_train_worker_get_paused (self->worker);
  gboolean loading = fl_data_panel_get_loading (self->data_panel);
  gboolean have_data = fl_data_panel_get_dataset (self->data_panel) != NULL;

  gtk_widget_action_set_enabled (widget, "train.start", have_data && !loading && !training);
  gtk_widget_action_set_enabled (widget, "train.pause", training);
  gtk_widget_action_set_enabled (widget, "train.stop", training);
  gtk_widget_action_set_enabled (widget, "train.save-model", !training && self->run_complete);

  /* only on a change: each of these asks for a relayout, and a new tooltip
   * for a round trip to the X server */
  if (self->pause_shows_resume != paused)
    {
      self->pause_shows_resume = paused;
      gtk_image_set_from_icon_name (self->pause_image, paused ? "media-playback-start-symbolic"
                                                              : "media-playback-pause-symbolic");
      gtk_label_set_text (self->pause_label, paused ? "Resume" : "Pause");
      gtk_widget_set_tooltip_text (self->pause_button, paused ? "Resume training (Ctrl+P)"
                                                              : "Pause training (Ctrl+P)");
    }

  /* the data cannot change under a running model; the settings can, for
   * the next run (whole panels made insensitive would restyle and redraw
   * the sidebar as a run starts and ends, in frames that have enough to do) */
  fl_data_panel_set_locked (self->data_panel, training);
  fl_train_panel_set_running (self->train_panel, training);
}

static void
update_idle_status (FlWindow *self)
{
  FlDataset *ds = fl_data_panel_get_dataset (self->data_panel);

  if (is_training (self))
    return;
  if (fl_data_panel_get_loading (self->data_panel))
    set_status (self, "Loading the data…");
  else if (ds == NULL)
    set_status (self, "Choose an image folder and a text CSV to begin.");
  else if (!fl_results_view_has_results (self->results_view))
    set_status (self, "Ready: press Train (Ctrl+Return) to start.");
}

/* Called from the worker's signals: on the main thread, at most once a
 * frame, with everything that happened since the last time. */
static void
batch_done_cb (FlWindow           *self,
               const FlBatchStats *stats,
               FlTrainWorker      *worker)
{
  double done = (stats->epoch - 1) + (double) stats->batch / stats->n_batches;
  double fraction = done / stats->n_epochs;
  g_autofree char *status = NULL;

  self->last_batch = *stats;
  fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_BATCH, done, stats->loss);
  gtk_progress_bar_set_fraction (self->train_progress, fraction);

  if (fl_train_worker_get_paused (worker))
    status = g_strdup_printf ("Paused at epoch %d/%d · batch %d/%d",
                              stats->epoch, stats->n_epochs, stats->batch, stats->n_batches);
  else if (fraction > 0.0 && stats->elapsed > 1.0)
    {
      g_autofree char *left = format_duration (stats->elapsed * (1.0 - fraction) / fraction);

      status = g_strdup_printf ("Epoch %d/%d · batch %d/%d · %s left",
                                stats->epoch, stats->n_epochs, stats->batch, stats->n_batches, left);
    }
  else
    status = g_strdup_printf ("Epoch %d/%d · batch %d/%d",
                              stats->epoch, stats->n_epochs, stats->batch, stats->n_batches);
  set_status (self, status);
}

static void
epoch_done_cb (FlWindow           *self,
               const FlEpochStats *stats,
               FlTrainWorker      *worker)
{
  g_autofree char *speed = NULL;

  self->last_epoch = *stats;
  fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_TRAIN, stats->epoch, stats->train_loss);
  fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_VAL, stats->epoch, stats->val_loss);
  fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_TRAIN, stats->epoch, stats->train_acc);
  fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_VAL, stats->epoch, stats->val_acc);

  speed = g_strdup_printf ("%.0f samples/s", stats->samples_per_s);
  gtk_inscription_set_text (self->speed_label, speed);
  fl_results_view_add_epoch (self->results_view, stats);
}

static void
show_results (FlWindow *self,
              FlRun    *run)
{
  const FlTrainSettings *settings = fl_run_settings (run);
  g_autofree char *took = format_duration (self->last_batch.elapsed);
  g_autofree char *detail = NULL;
  int n_val = 0;

  fl_run_val_indices (run, &n_val);
  detail = g_strdup_printf ("%d validation samples · %s fusion · %d epochs in %s",
                            n_val, fl_fusion_title (settings->fusion), settings->epochs, took);
  fl_results_view_show (self->results_view, fl_run_metrics (run),
                        (const char *const *) fl_run_dataset (run)->class_names, detail);
}

/* A run has ended and its results are on screen. */
static void
finish_run (FlWindow *self)
{
  g_autoptr(GError) error = g_steal_pointer (&self->finish_error);

  self->finish_tick = 0;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
  g_signal_emit (self, signals[RUN_FINISHED], 0, error);
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
  finish_run (self);
  return G_SOURCE_REMOVE;
}

static void
finished_cb (FlWindow      *self,
             const GError  *error,
             FlTrainWorker *worker)
{
  const FlTrainSettings *settings = fl_train_worker_get_settings (worker);
  FlRun *run = fl_train_worker_get_run (worker);
  g_autofree char *status = NULL;

  self->run_complete = error == NULL && run != NULL;
  if (self->run_complete)
    {
      const FlMetrics *metrics = fl_run_metrics (run);
      g_autofree char *took = format_duration (self->last_batch.elapsed);

      status = g_strdup_printf ("Finished %d epochs in %s · accuracy %.1f%% · macro-F1 %.3f",
                                settings->epochs, took, 100.0 * fl_metrics_accuracy (metrics),
                                fl_metrics_macro_f1 (metrics));
      gtk_progress_bar_set_fraction (self->train_progress, 1.0);
      show_results (self, run);
    }
  else if (fl_train_worker_error_is_cancelled (error))
    {
      if (self->last_batch.epoch > 0)
        status = g_strdup_printf ("Stopped at epoch %d/%d, batch %d/%d.",
                                  self->last_batch.epoch, self->last_batch.n_epochs,
                                  self->last_batch.batch, self->last_batch.n_batches);
      else
        status = g_strdup ("Stopped before the first batch.");
    }
  else
    {
      show_error (self, "Training stopped.", error ? error->message : "The run could not start.");
      status = g_strdup ("Training stopped with an error.");
    }

  set_status (self, status);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.pause", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.stop", FALSE);

  /* The rest a few frames later, after the results: what the end of a run
   * changes is spread over frames so that none of them takes long (the
   * buttons and the sidebar coming back to life restyle a good part of the
   * window). */
  g_clear_error (&self->finish_error);
  self->finish_error = error ? g_error_copy (error) : NULL;
  self->finish_frames = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->finish_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), finish_tick_cb, NULL, NULL);
  else
    finish_run (self);
}

static void
start_training (FlWindow *self)
{
  FlDataset *ds = fl_data_panel_get_dataset (self->data_panel);
  FlTrainSettings settings;
  g_autofree char *status = NULL;
  int cores = (int) g_get_num_processors ();

  g_return_if_fail (ds != NULL);

  fl_train_panel_get_settings (self->train_panel, &settings);
  /* leave one core to the interface, so the window never stutters */
  settings.n_threads = MAX (1, cores - 1);

  if (self->worker != NULL)
    {
      fl_train_worker_join (self->worker);
      g_clear_object (&self->worker);
    }
  self->run_complete = FALSE;
  self->worker = fl_train_worker_new (ds, &settings);
  g_signal_connect_object (self->worker, "batch-done", G_CALLBACK (batch_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "epoch-done", G_CALLBACK (epoch_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "finished", G_CALLBACK (finished_cb), self, G_CONNECT_SWAPPED);

  memset (&self->last_batch, 0, sizeof self->last_batch);
  memset (&self->last_epoch, 0, sizeof self->last_epoch);
  fl_plot_view_clear (self->loss_plot);
  fl_plot_view_clear (self->accuracy_plot);
  fl_plot_view_set_x_max (self->loss_plot, settings.epochs);
  fl_plot_view_set_x_max (self->accuracy_plot, settings.epochs);
  fl_results_view_begin (self->results_view);
  gtk_progress_bar_set_fraction (self->train_progress, 0.0);
  gtk_inscription_set_text (self->speed_label, "");
  dismiss_banner_cb (self, NULL);

  status = g_strdup_printf ("Preparing: splitting %d samples, building the vocabulary and the %s model…",
                            ds->n, fl_fusion_title (settings.fusion));
  set_status (self, status);
  gtk_stack_set_visible_child_name (self->content_stack, "training");

  fl_train_worker_start (self->worker);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
}

static void
train_start_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  if (is_training (self) || fl_data_panel_get_dataset (self->data_panel) == NULL)
    return;

  /* the image size changed since the data was loaded: load it again first */
  if (fl_data_panel_get_stale (self->data_panel))
    {
      self->start_after_load = TRUE;
      fl_data_panel_reload (self->data_panel);
      return;
    }
  start_training (self);
}

static void
train_pause_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  gboolean paused;

  if (!is_training (self))
    return;
  paused = !fl_train_worker_get_paused (self->worker);
  fl_train_worker_set_paused (self->worker, paused);
  if (paused && self->last_batch.epoch > 0)
    {
      g_autofree char *status = g_strdup_printf ("Paused at epoch %d/%d · batch %d/%d",
                                                 self->last_batch.epoch, self->last_batch.n_epochs,
                                                 self->last_batch.batch, self->last_batch.n_batches);
      set_status (self, status);
    }
  else if (paused)
    set_status (self, "Paused.");
  update_actions (self);
}

static void
train_stop_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  if (!is_training (self))
    return;
  fl_train_worker_stop (self->worker);
  set_status (self, "Stopping…");
  gtk_widget_action_set_enabled (widget, "train.pause", FALSE);
  gtk_widget_action_set_enabled (widget, "train.stop", FALSE);
}

static void
save_response_cb (GtkNativeDialog *native,
                  int              response,
                  FlWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT && self->worker != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      g_autoptr(GError) error = NULL;
      FlRun *run = fl_train_worker_get_run (self->worker);

      if (path != NULL && run != NULL && !fl_run_save_model (run, path, &error))
        show_error (self, "Could not save the model.", error->message);
      else if (path != NULL)
        {
          g_autofree char *name = g_path_get_basename (path);
          g_autofree char *status = g_strdup_printf ("Saved the model to %s.", name);
          set_status (self, status);
        }
    }
  g_object_unref (native);
}

static void
save_model_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new ("Save the Model", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, "_Save", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), "model.safetensors");
  g_signal_connect_object (native, "response", G_CALLBACK (save_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
choose_images_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  if (!is_training (self))
    gtk_widget_activate_action (GTK_WIDGET (self->data_panel), "data.choose-images", NULL);
}

static void
choose_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);

  if (!is_training (self))
    gtk_widget_activate_action (GTK_WIDGET (self->data_panel), "data.choose-csv", NULL);
}

static void
dataset_changed_cb (FlWindow    *self,
                    GParamSpec  *pspec,
                    FlDataPanel *panel)
{
  FlDataset *ds = fl_data_panel_get_dataset (panel);

  /* the last run borrows the old dataset, which is about to be freed */
  if (self->worker != NULL)
    {
      fl_train_worker_join (self->worker);
      g_clear_object (&self->worker);
    }
  self->run_complete = FALSE;
  fl_results_view_clear (self->results_view);
  fl_plot_view_clear (self->loss_plot);
  fl_plot_view_clear (self->accuracy_plot);
  gtk_progress_bar_set_fraction (self->train_progress, 0.0);
  gtk_inscription_set_text (self->speed_label, "");

  fl_preview_grid_set_dataset (self->preview_grid, ds);
  if (ds != NULL)
    {
      g_autofree char *subtitle = g_path_get_basename (ds->csv_path);
      g_autofree char *title = g_strdup_printf ("Fusion Lab — %s", subtitle);

      gtk_window_set_title (GTK_WINDOW (self), title);
      dismiss_banner_cb (self, NULL);
    }
  else
    gtk_window_set_title (GTK_WINDOW (self), "Fusion Lab");

  if (ds != NULL && self->start_after_load)
    {
      self->start_after_load = FALSE;
      update_actions (self);
      start_training (self);
      return;
    }
  if (ds != NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "data");
  update_actions (self);
  update_idle_status (self);
}

static void
loading_changed_cb (FlWindow    *self,
                    GParamSpec  *pspec,
                    FlDataPanel *panel)
{
  if (!fl_data_panel_get_loading (panel))
    self->start_after_load = FALSE;
  update_actions (self);
  update_idle_status (self);
}

static void
data_error_cb (FlWindow     *self,
               const GError *error,
               FlDataPanel  *panel)
{
  show_error (self, "Could not load the data.", error->message);
}

static void
image_size_changed_cb (FlWindow     *self,
                       GParamSpec   *pspec,
                       FlTrainPanel *panel)
{
  fl_data_panel_set_image_size (self->data_panel, fl_train_panel_get_image_size (panel));
}

/* Drops: a folder is the image folder, a .csv file the texts. */
static gboolean
drop_cb (FlWindow      *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GSList *files;
  g_autofree char *images_dir = NULL;
  g_autofree char *csv_path = NULL;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  if (is_training (self))
    {
      show_error (self, "Training is running.", "Stop it before loading other data.");
      return FALSE;
    }

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path == NULL)
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_free (images_dir);
          images_dir = g_steal_pointer (&path);
        }
      else if (g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV") ||
               g_str_has_suffix (path, ".tsv") || g_str_has_suffix (path, ".txt"))
        {
          g_free (csv_path);
          csv_path = g_steal_pointer (&path);
        }
    }
  g_slist_free (files);

  if (images_dir == NULL && csv_path == NULL)
    {
      show_error (self, "Nothing to load.", "Drop a folder of images and/or a CSV file of texts.");
      return FALSE;
    }
  fl_data_panel_load (self->data_panel, images_dir, csv_path);
  return TRUE;
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
  g_clear_error (&self->finish_error);

  /* stop and join the training thread before the data it reads goes away */
  if (self->worker != NULL)
    {
      fl_train_worker_join (self->worker);
      g_clear_object (&self->worker);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_WINDOW);

  G_OBJECT_CLASS (fl_window_parent_class)->dispose (object);
}

static void
fl_window_finalize (GObject *object)
{
  FlWindow *self = FL_WINDOW (object);

  g_free (self->error_message);

  G_OBJECT_CLASS (fl_window_parent_class)->finalize (object);
}

static void
fl_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FlWindow *self = FL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_TRAINING:
      g_value_set_boolean (value, is_training (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_window_class_init (FlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_window_dispose;
  object_class->finalize = fl_window_finalize;
  object_class->get_property = fl_window_get_property;

  properties[PROP_TRAINING] =
    g_param_spec_boolean ("training", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (const GError *error): a run ended; NULL when it ran every epoch */
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, data_panel);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, train_panel);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, preview_grid);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, speed_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, train_progress);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, accuracy_plot);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, results_view);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, pause_image);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, pause_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, pause_button);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_banner_cb);
  gtk_widget_class_bind_template_callback (widget_class, dataset_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, loading_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, data_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_size_changed_cb);

  gtk_widget_class_install_action (widget_class, "train.start", NULL, train_start_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, train_pause_action);
  gtk_widget_class_install_action (widget_class, "train.stop", NULL, train_stop_action);
  gtk_widget_class_install_action (widget_class, "train.save-model", NULL, save_model_action);
  gtk_widget_class_install_action (widget_class, "data.choose-images", NULL, choose_images_action);
  gtk_widget_class_install_action (widget_class, "data.choose-csv", NULL, choose_csv_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "train.pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "train.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "train.save-model", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "data.choose-images", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "data.choose-csv", NULL);
}

/* The style sheet, once per display: here rather than in the application
 * so that a window made without one (the tests) looks the same. */
static void
load_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) css = NULL;

  if (g_object_get_data (G_OBJECT (display), "fl-style") != NULL)
    return;
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/fusionlab/FusionLab/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "fl-style", g_steal_pointer (&css), g_object_unref);
}

static void
fl_window_init (FlWindow *self)
{
  GtkDropTarget *target;

  load_style (gtk_widget_get_display (GTK_WIDGET (self)));

  g_type_ensure (FL_TYPE_DATA_PANEL);
  g_type_ensure (FL_TYPE_TRAIN_PANEL);
  g_type_ensure (FL_TYPE_PREVIEW_GRID);
  g_type_ensure (FL_TYPE_PLOT_VIEW);
  g_type_ensure (FL_TYPE_RESULTS_VIEW);

  gtk_widget_init_template (GTK_WIDGET (self));

  fl_plot_view_add_series (self->loss_plot, "Train, per batch", COLOUR_BATCH, FL_PLOT_STYLE_SMOOTHED);
  fl_plot_view_add_series (self->loss_plot, "Train", COLOUR_TRAIN, FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->loss_plot, "Validation", COLOUR_VAL, FL_PLOT_STYLE_DASHED);
  fl_plot_view_add_series (self->accuracy_plot, "Train", COLOUR_TRAIN, FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->accuracy_plot, "Validation", COLOUR_VAL, FL_PLOT_STYLE_DASHED);

  target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  update_actions (self);
  update_idle_status (self);
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
  return is_training (self);
}

const char *
fl_window_get_status (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return gtk_inscription_get_text (self->status_label);
}

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
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           "the window is not on screen yet");
      return FALSE;
    }

  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the window drew nothing");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not write %s", path);
      return FALSE;
    }
  return TRUE;
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

FlPlotView *
fl_window_get_loss_plot (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->loss_plot;
}

FlPlotView *
fl_window_get_accuracy_plot (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->accuracy_plot;
}

FlResultsView *
fl_window_get_results_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->results_view;
}

const char *
fl_window_get_error_message (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->error_message;
}
