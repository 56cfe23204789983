/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window.h"

#include "fl-predictor.h"

#include "fl-confusion-view.h"
#include "fl-experiment.h"
#include "fl-preview-grid.h"
#include "fl-runs-view.h"
#include "fl-sample-gallery.h"
#include "fl-style.h"
#include "fl-train-worker.h"
#include "fl-ui-util.h"

#include <math.h>
#include <string.h>

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
  GtkWidget          *runs_section;
  GtkStack           *bottom_stack;
  GtkLabel           *bottom_title;
  FlSampleGallery    *gallery;
  GtkRange           *smooth_scale;
  GtkPaned           *paned;
  GtkCheckButton     *log_check;
  GtkDropDown        *x_dropdown;
  GtkToggleButton    *present_toggle;
  FlRunsView         *runs_view;

  FlComparison       *cmp;            /* every run on this data, or reopened */
  int                 shown_run;      /* whose results are shown, or -1 */
  int                 guard_from;     /* runs [guard_from, guard_to) are the */
  int                 guard_to;       /*  worker's to write: not to be read */
  FlTrainWorker      *worker;         /* the current or last runs */
  gboolean            comparing;      /* the worker trains several runs */
  gboolean            compare_after_load;
  FlExperimentData    runs_data;      /* the data of the comparison's runs:
                                         * files and columns (any image size) */
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
  gint64 s;

  /* a hand-edited experiment may hold anything */
  if (!(seconds >= 0.0 && seconds < 1e9))
    return g_strdup ("—");
  s = (gint64) (seconds + 0.5);

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
  gtk_widget_action_set_enabled (widget, "train.compare", have_data && !loading && !training);
  gtk_widget_action_set_enabled (widget, "win.save-experiment", !training && self->cmp != NULL);
  gtk_widget_action_set_enabled (widget, "win.open-experiment", !training);
  gtk_widget_action_set_enabled (widget, "win.export-runs-csv", !training && self->cmp != NULL);
  gtk_widget_action_set_enabled (widget, "win.export-metrics-csv", !training && self->cmp != NULL);
  gtk_widget_action_set_enabled (widget, "train.pause", training);
  gtk_widget_action_set_enabled (widget, "train.stop", training);
  gtk_widget_action_set_enabled (widget, "train.save-model", !training && self->cmp != NULL &&
                                 self->shown_run >= 0 && fl_comparison_run (self->cmp, self->shown_run) != NULL);
  gtk_widget_action_set_enabled (widget, "train.predict", !training && self->cmp != NULL &&
                                 self->shown_run >= 0 && fl_comparison_run (self->cmp, self->shown_run) != NULL);

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
  else if (ds == NULL && self->cmp != NULL)
    set_status (self, "No data is loaded: load it again to train more runs.");
  else if (ds == NULL)
    set_status (self, "Choose an image folder and a text CSV to begin.");
  else if (!fl_results_view_has_results (self->results_view))
    set_status (self, "Ready: press Train (Ctrl+Return) to start.");
}

/* Run i's curves: its validation loss and accuracy after each epoch. */
static void
add_run_series (FlWindow *self,
                int       i)
{
  const FlRunResult *r = fl_comparison_result (self->cmp, i);

  fl_plot_view_add_series (self->loss_plot, r->name, fl_run_color (i), FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->accuracy_plot, r->name, fl_run_color (i), FL_PLOT_STYLE_LINE);
}

/* One run: its own train, validation and per-batch curves. Several: one
 * validation curve per run, in the run's colour, drawn when checked in the
 * list (or switched on in a legend: the two agree). */
static void
update_overlay (FlWindow *self)
{
  int n = self->cmp != NULL ? fl_comparison_n_runs (self->cmp) : 0;
  gboolean overlay = n >= 2;

  for (guint s = 0; s <= FL_LOSS_SERIES_VAL; s++)
    fl_plot_view_set_series_visible (self->loss_plot, s, !overlay);
  for (guint s = 0; s <= FL_ACCURACY_SERIES_VAL; s++)
    fl_plot_view_set_series_visible (self->accuracy_plot, s, !overlay);
  /* the per-batch loss is drawn for a single run only */
  gtk_widget_set_sensitive (GTK_WIDGET (self->smooth_scale), !overlay);
  for (int i = 0; i < n; i++)
    {
      gboolean active = fl_runs_view_get_visible_run (self->runs_view, i);

      fl_plot_view_set_series_visible (self->loss_plot, FL_LOSS_SERIES_RUNS + i, overlay);
      fl_plot_view_set_series_visible (self->accuracy_plot, FL_ACCURACY_SERIES_RUNS + i, overlay);
      fl_plot_view_set_series_active (self->loss_plot, FL_LOSS_SERIES_RUNS + i, active);
      fl_plot_view_set_series_active (self->accuracy_plot, FL_ACCURACY_SERIES_RUNS + i, active);
    }
}

/* A run's name clicked in a plot's legend: its check button in the runs
 * list follows, and through it the run's curve in the other plot. */
static void
legend_toggled_cb (FlWindow   *self,
                   guint       series,
                   gboolean    active,
                   FlPlotView *plot)
{
  guint first = plot == self->loss_plot ? FL_LOSS_SERIES_RUNS : FL_ACCURACY_SERIES_RUNS;
  int run = (int) series - (int) first;

  if (series < first || self->cmp == NULL || run >= fl_comparison_n_runs (self->cmp))
    return;
  fl_runs_view_set_visible_run (self->runs_view, run, active);
  update_overlay (self);
}

static void bottom_page_cb (FlWindow *self, GParamSpec *pspec, GtkStack *stack);

static void
refresh_runs (FlWindow           *self,
              int                 live,
              const FlEpochStats *live_stats)
{
  fl_runs_view_set_guard (self->runs_view, self->guard_from, self->guard_to);
  fl_runs_view_update (self->runs_view, live, live_stats);
  /* the list's title, when runs come and go (not every epoch) */
  if (live < 0)
    bottom_page_cb (self, NULL, self->bottom_stack);
  gtk_widget_set_visible (self->runs_section, self->cmp != NULL && fl_comparison_n_runs (self->cmp) > 0);
}

/* Joins the training thread of the last runs, if any, and lets it go. */
static void
drop_worker (FlWindow *self)
{
  if (self->worker != NULL)
    {
      fl_train_worker_join (self->worker);
      g_clear_object (&self->worker);
    }
}

/* Forgets the last run's figures and empties its own curves (training,
 * validation, per batch). */
static void
clear_run_curves (FlWindow *self)
{
  memset (&self->last_batch, 0, sizeof self->last_batch);
  memset (&self->last_epoch, 0, sizeof self->last_epoch);
  for (guint s = 0; s <= FL_LOSS_SERIES_VAL; s++)
    fl_plot_view_clear_series (self->loss_plot, s);
  for (guint s = 0; s <= FL_ACCURACY_SERIES_VAL; s++)
    fl_plot_view_clear_series (self->accuracy_plot, s);
}

/* Drops every run with its thread, curves and results. */
static void
clear_comparison (FlWindow *self)
{
  drop_worker (self);
  fl_runs_view_set_comparison (self->runs_view, NULL);
  fl_sample_gallery_set_validation (self->gallery, NULL, NULL);
  fl_results_view_set_run (self->results_view, NULL);
  g_clear_pointer (&self->cmp, fl_comparison_free);
  self->shown_run = -1;
  fl_plot_view_remove_series_from (self->loss_plot, FL_LOSS_SERIES_RUNS);
  fl_plot_view_remove_series_from (self->accuracy_plot, FL_ACCURACY_SERIES_RUNS);
  fl_experiment_data_clear (&self->runs_data);
  fl_results_view_clear (self->results_view);
  fl_plot_view_clear (self->loss_plot);
  fl_plot_view_clear (self->accuracy_plot);
  clear_run_curves (self);
  self->run_complete = FALSE;
  gtk_progress_bar_set_fraction (self->train_progress, 0.0);
  gtk_inscription_set_text (self->speed_label, "");
  update_overlay (self);
  refresh_runs (self, -1, NULL);
}

/* Whether every run validates on the same samples: the split depends on
 * the seed, the validation share and the fold, besides the data. */
static gboolean
same_split (FlWindow *self)
{
  int n = self->cmp != NULL ? fl_comparison_n_runs (self->cmp) : 0;

  for (int i = 1; i < n; i++)
    {
      const FlTrainSettings *a = &fl_comparison_result (self->cmp, 0)->settings;
      const FlTrainSettings *b = &fl_comparison_result (self->cmp, i)->settings;

      if (a->seed != b->seed || a->val_fraction != b->val_fraction || a->kfold != b->kfold ||
          (a->kfold >= 2 && a->fold != b->fold))
        return FALSE;
    }
  return TRUE;
}

static void
bottom_page_cb (FlWindow   *self,
                GParamSpec *pspec,
                GtkStack   *stack)
{
  const char *page = gtk_stack_get_visible_child_name (stack);

  gtk_label_set_text (self->bottom_title, g_strcmp0 (page, "runs") == 0
                                          ? (same_split (self) ? "Every run, on the same validation samples"
                                                               : "Every run — not all on the same "
                                                                 "validation samples")
                                          : g_strcmp0 (page, "samples") == 0
                                          ? "Validation samples, as the model saw them"
                                          : "Results on the validation samples");
}

/* Training samples in an epoch, from the first epoch of any run; 0 before. */
static double
samples_per_epoch (FlWindow *self)
{
  if (self->last_epoch.epoch > 0)
    return (double) self->last_epoch.samples_seen / self->last_epoch.epoch;
  for (int i = 0; self->cmp != NULL && i < fl_comparison_n_runs (self->cmp); i++)
    {
      const FlRunResult *r = fl_comparison_result (self->cmp, i);

      if (i >= self->guard_from && i < self->guard_to)
        continue;
      if (r->epochs->len > 0)
        {
          const FlEpochStats *st = &g_array_index (r->epochs, FlEpochStats, 0);
          return (double) st->samples_seen / MAX (st->epoch, 1);
        }
    }
  return 0.0;
}

static void
apply_plot_controls (FlWindow *self)
{
  double tau = gtk_range_get_value (self->smooth_scale);
  gboolean samples = gtk_drop_down_get_selected (self->x_dropdown) == 1;
  double x_scale = samples ? samples_per_epoch (self) : 1.0;
  gboolean present = gtk_toggle_button_get_active (self->present_toggle);
  double font_scale = present ? 1.5 : 1.0;

  if (tau != fl_plot_view_get_smoothing (self->loss_plot))
    fl_plot_view_set_smoothing (self->loss_plot, tau);
  fl_plot_view_set_log_scale (self->loss_plot, gtk_check_button_get_active (self->log_check));
  fl_plot_view_set_x_scale (self->loss_plot, x_scale);
  fl_plot_view_set_x_scale (self->accuracy_plot, x_scale);
  /* presenting: the plots alone, in large type */
  gtk_widget_set_visible (gtk_paned_get_start_child (self->paned), !present);
  gtk_widget_set_visible (GTK_WIDGET (self->bottom_stack), !present);
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->bottom_title)), !present);
  fl_plot_view_set_font_scale (self->loss_plot, font_scale);
  fl_plot_view_set_font_scale (self->accuracy_plot, font_scale);
}

static void
plot_controls_cb (FlWindow  *self,
                  GtkWidget *control)
{
  apply_plot_controls (self);
}

static void
plot_controls_notify_cb (FlWindow   *self,
                         GParamSpec *pspec,
                         GtkWidget  *control)
{
  apply_plot_controls (self);
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

static void
runs_toggled_cb (FlWindow   *self,
                 int         run,
                 gboolean    visible,
                 FlRunsView *view)
{
  update_overlay (self);
}

static void show_run_results (FlWindow *self, int i);

static void
runs_activated_cb (FlWindow   *self,
                   int         run,
                   FlRunsView *view)
{
  if (!is_training (self) && fl_comparison_result (self->cmp, run)->validation != NULL)
    {
      show_run_results (self, run);
      gtk_stack_set_visible_child_name (self->bottom_stack, "results");
    }
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
  fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_RUNS + fl_train_worker_get_current (worker),
                       stats->epoch, stats->val_loss);
  fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_RUNS + fl_train_worker_get_current (worker),
                       stats->epoch, stats->val_acc);
  refresh_runs (self, fl_train_worker_get_current (worker), stats);
  if (stats->epoch == 1 && gtk_drop_down_get_selected (self->x_dropdown) == 1)
    apply_plot_controls (self);
  fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_TRAIN, stats->epoch, stats->train_loss);
  fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_VAL, stats->epoch, stats->val_loss);
  fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_TRAIN, stats->epoch, stats->train_acc);
  fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_VAL, stats->epoch, stats->val_acc);

  speed = g_strdup_printf ("%.0f samples/s", stats->samples_per_s);
  gtk_inscription_set_text (self->speed_label, speed);
  fl_results_view_add_epoch (self->results_view, stats);
}

/* Whether a column the experiment names (NULL: whichever was detected) is
 * the one the data was read with. */
static gboolean
same_column (const char *named,
             const char *used)
{
  return named == NULL || g_strcmp0 (named, used) == 0;
}

/* The files and columns ds was read with, and its image size. */
static void
data_of (FlDataset        *ds,
         FlExperimentData *data)
{
  memset (data, 0, sizeof *data);
  data->images_dir = g_strdup (ds->images_dir);
  data->csv_path = g_strdup (ds->csv_path);
  data->image_col = g_strdup (ds->report.image_col);
  data->text_col = g_strdup (ds->report.text_col);
  /* "" is the folder names, which the report gives as no column */
  data->label_col = g_strdup (ds->report.label_col != NULL ? ds->report.label_col : "");
  data->image_size = ds->image_size;
  data->samples = ds->fingerprint;
}

/* Whether ds holds the samples of the comparison's runs: the same files,
 * unchanged, read with the same columns. The image size may differ: runs
 * at several sizes are compared on the same samples. */
static gboolean
is_runs_data (FlWindow  *self,
              FlDataset *ds)
{
  const FlExperimentData *d = &self->runs_data;

  return ds != NULL && d->csv_path != NULL &&
         /* the file may have changed since (0: a file of the first version) */
         (d->samples == 0 || d->samples == ds->fingerprint) &&
         g_strcmp0 (d->csv_path, ds->csv_path) == 0 &&
         g_strcmp0 (d->images_dir, ds->images_dir) == 0 &&
         same_column (d->image_col, ds->report.image_col) &&
         same_column (d->text_col, ds->report.text_col) &&
         same_column (d->label_col, ds->report.label_col != NULL ? ds->report.label_col : "");
}

/* The data loaded, when it holds the comparison's samples. */
static FlDataset *
comparison_dataset (FlWindow *self)
{
  FlDataset *ds = fl_data_panel_get_dataset (self->data_panel);

  return is_runs_data (self, ds) ? ds : NULL;
}

/* Run i's confusion matrix, per-class table and galleries, from what it
 * predicted on the validation samples; a reopened run has these too, but
 * no model to save or to predict with. */
static void
show_run_results (FlWindow *self,
                  int       i)
{
  const FlRunResult *r;
  FlRun *run;
  FlDataset *ds;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlMetrics) metrics = NULL;
  int n_epochs;
  g_autofree char *took = NULL;
  g_autofree char *detail = NULL;

  if (self->cmp == NULL || i < 0 || i >= fl_comparison_n_runs (self->cmp))
    return;
  r = fl_comparison_result (self->cmp, i);
  if (r->validation == NULL)
    return;
  run = fl_comparison_run (self->cmp, i);
  /* a trained run's own data: its samples as the model saw them, whatever
   * is loaded now */
  ds = run != NULL ? fl_run_dataset (run) : comparison_dataset (self);
  if (ds != NULL && !fl_validation_matches (r->validation, ds, &error))
    {
      g_autofree char *status = g_strdup_printf ("The data loaded is not what %s was trained on (%s): "
                                                 "its samples are not shown.", r->name, error->message);
      set_status (self, status);
      ds = NULL;
    }
  took = format_duration (r->train_seconds);
  self->shown_run = i;
  metrics = fl_validation_metrics (r->validation);
  n_epochs = r->epochs->len > 0 ? g_array_index (r->epochs, FlEpochStats, r->epochs->len - 1).epoch : 0;
  detail = g_strdup_printf ("%s · %d validation samples · %s fusion · %d epoch%s in %s%s",
                            r->name, r->validation->n, fl_fusion_title (r->settings.fusion),
                            n_epochs, n_epochs == 1 ? "" : "s",
                            took, run == NULL ? " · reopened: train again to save its model" : "");
  fl_results_view_show (self->results_view, metrics,
                        (const char *const *) r->validation->class_names, detail);
  fl_results_view_set_run (self->results_view, run);
  fl_sample_gallery_set_validation (self->gallery, r->validation, ds);
  /* Save Model and Predict, for a run with a model (only these: the rest
   * of update_actions() waits for the end of a run to be shown) */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.save-model", !is_training (self) && run != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.predict", !is_training (self) && run != NULL);
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
  self->guard_from = self->guard_to = -1;
  refresh_runs (self, -1, NULL);
  if (self->run_complete && self->comparing)
    {
      int best = fl_runs_view_get_best (self->runs_view);
      const FlRunResult *r = fl_comparison_result (self->cmp, MAX (best, 0));

      status = g_strdup_printf ("Compared %d runs · best: %s, accuracy %.1f%% · macro-F1 %.3f",
                                fl_comparison_n_runs (self->cmp), r->name, 100.0 * r->best_val_acc,
                                r->best_val_f1);
      gtk_progress_bar_set_fraction (self->train_progress, 1.0);
      show_run_results (self, MAX (best, 0));
      {
        /* not the last run's speed: the runs differ too much for one */
        double total = 0.0;
        g_autofree char *took = NULL, *speed = NULL;

        for (int i = 0; i < fl_comparison_n_runs (self->cmp); i++)
          total += fl_comparison_result (self->cmp, i)->train_seconds;
        took = format_duration (total);
        speed = g_strdup_printf ("%d runs in %s", fl_comparison_n_runs (self->cmp), took);
        gtk_inscription_set_text (self->speed_label, speed);
      }
    }
  else if (self->run_complete)
    {
      const FlMetrics *metrics = fl_run_metrics (run);
      g_autofree char *took = format_duration (self->last_batch.elapsed);

      status = g_strdup_printf ("Finished %d epoch%s in %s · accuracy %.1f%% · macro-F1 %.3f",
                                settings->epochs, settings->epochs == 1 ? "" : "s", took,
                                100.0 * fl_metrics_accuracy (metrics),
                                fl_metrics_macro_f1 (metrics));
      gtk_progress_bar_set_fraction (self->train_progress, 1.0);
      show_run_results (self, fl_train_worker_get_last_run (worker));
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
run_started_cb (FlWindow      *self,
                int            run,
                FlTrainWorker *worker)
{
  const FlRunResult *r = fl_comparison_result (self->cmp, run);
  g_autofree char *status = NULL;

  clear_run_curves (self);
  fl_results_view_begin (self->results_view);
  gtk_progress_bar_set_fraction (self->train_progress, 0.0);
  refresh_runs (self, run, NULL);

  status = g_strdup_printf ("Preparing %s: splitting the samples, building the vocabulary and the model…",
                            r->name);
  set_status (self, status);
}

static void
run_done_cb (FlWindow      *self,
             int            run,
             const GError  *error,
             FlTrainWorker *worker)
{
  /* the runs are trained in order: this one and those before are final */
  self->guard_from = run + 1;
  refresh_runs (self, -1, NULL);
}

/* Trains the runs of the comparison listed in runs, one after another. */
static void
start_runs (FlWindow  *self,
            const int *runs,
            int        n_runs)
{
  const FlTrainSettings *settings = fl_comparison_result (self->cmp, runs[0])->settings.epochs > 0
                                    ? &fl_comparison_result (self->cmp, runs[0])->settings : NULL;

  drop_worker (self);
  self->run_complete = FALSE;
  self->comparing = n_runs > 1;
  self->worker = fl_train_worker_new (self->cmp, runs, n_runs);
  /* added together, at the end of the list */
  self->guard_from = runs[0];
  self->guard_to = runs[n_runs - 1] + 1;
  g_signal_connect_object (self->worker, "batch-done", G_CALLBACK (batch_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "epoch-done", G_CALLBACK (epoch_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "run-started", G_CALLBACK (run_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "run-done", G_CALLBACK (run_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "finished", G_CALLBACK (finished_cb), self, G_CONNECT_SWAPPED);

  for (int k = 0; k < n_runs; k++)
    add_run_series (self, runs[k]);
  update_overlay (self);
  refresh_runs (self, -1, NULL);

  clear_run_curves (self);
  if (settings != NULL)
    {
      fl_plot_view_set_x_max (self->loss_plot, settings->epochs);
      fl_plot_view_set_x_max (self->accuracy_plot, settings->epochs);
    }
  fl_results_view_begin (self->results_view);
  gtk_stack_set_visible_child_name (self->bottom_stack, self->comparing ? "runs" : "results");
  gtk_progress_bar_set_fraction (self->train_progress, 0.0);
  gtk_inscription_set_text (self->speed_label, "");
  dismiss_banner_cb (self, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "training");

  fl_train_worker_start (self->worker);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
}

/* The training panel's settings, for a run on the loaded data. */
static void
get_settings (FlWindow        *self,
              FlTrainSettings *settings)
{
  fl_train_panel_get_settings (self->train_panel, settings);
  /* every core: the engine's threads run at a lower priority (see
   * fl-train-worker.c), so the interface still comes first */
  settings->n_threads = (int) g_get_num_processors ();
}

static void
ensure_comparison (FlWindow              *self,
                   FlDataset             *ds,
                   const FlTrainSettings *settings)
{
  if (self->cmp != NULL && comparison_dataset (self) == ds)
    {
      /* more runs on the same samples (reopened, or at another image size) */
      fl_comparison_set_dataset (self->cmp, ds);
      return;
    }
  /* runs on other samples (an experiment whose data is not loaded): a new
   * comparison */
  if (self->cmp != NULL)
    clear_comparison (self);
  self->cmp = fl_comparison_new (ds, settings);
  data_of (ds, &self->runs_data);
  fl_runs_view_set_comparison (self->runs_view, self->cmp);
}

static void
start_training (FlWindow *self)
{
  FlDataset *ds = fl_data_panel_get_dataset (self->data_panel);
  FlTrainSettings settings;
  int run;

  g_return_if_fail (ds != NULL);

  get_settings (self, &settings);
  drop_worker (self);
  ensure_comparison (self, ds, &settings);
  run = fl_comparison_add_settings (self->cmp, &settings);
  start_runs (self, &run, 1);
}

/* concat, mean, product, image only and text only, on the same split and
 * seed, one after another */
static void
start_compare (FlWindow *self)
{
  static const FlFusion fusions[] = {
    FL_FUSION_CONCAT, FL_FUSION_MEAN, FL_FUSION_PRODUCT, FL_FUSION_IMAGE, FL_FUSION_TEXT,
  };
  FlDataset *ds = fl_data_panel_get_dataset (self->data_panel);
  FlTrainSettings settings;
  int runs[G_N_ELEMENTS (fusions)];

  g_return_if_fail (ds != NULL);

  get_settings (self, &settings);
  drop_worker (self);
  ensure_comparison (self, ds, &settings);
  for (guint k = 0; k < G_N_ELEMENTS (fusions); k++)
    {
      settings.fusion = fusions[k];
      runs[k] = fl_comparison_add_settings (self->cmp, &settings);
    }
  start_runs (self, runs, G_N_ELEMENTS (fusions));
}

/* Starts one run, or a comparison of every fusion, once the data is
 * current: if the image size changed since loading, it loads again first. */
static void
begin_training (FlWindow *self, gboolean compare)
{
  if (is_training (self) || fl_data_panel_get_dataset (self->data_panel) == NULL)
    return;

  if (fl_data_panel_get_stale (self->data_panel))
    {
      self->start_after_load = TRUE;
      self->compare_after_load = compare;
      fl_data_panel_reload (self->data_panel);
      return;
    }
  if (compare)
    start_compare (self);
  else
    start_training (self);
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
  g_autofree char *path = fl_chooser_get_path (native, response);
  g_autoptr(GError) error = NULL;
  FlRun *run = self->cmp != NULL && self->shown_run >= 0 ? fl_comparison_run (self->cmp, self->shown_run) : NULL;

  if (path != NULL && run != NULL && !fl_run_save_model (run, path, &error))
    show_error (self, "Could not save the model.", error->message);
  else if (path != NULL)
    {
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *status = g_strdup_printf ("Saved the model to %s.", name);
      set_status (self, status);
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

/* ---- predict on new data ------------------------------------------------
 *
 * The shown run predicts the rows of a new CSV whose images live under the
 * loaded image folder (the usual case: new rows for the same tree); the
 * predictions go beside the CSV as NAME-predictions.csv, written in a worker
 * thread by the same code as `fusionlab-cli predict`. */

typedef struct {
  FlPredictor *pred;
  char        *images_dir;
  char        *csv_path;
  char        *out_path;
  int          n;
} PredictJob;

static void
predict_job_free (gpointer p)
{
  PredictJob *j = p;
  g_clear_pointer (&j->pred, fl_predictor_free);
  g_free (j->images_dir);
  g_free (j->csv_path);
  g_free (j->out_path);
  g_free (j);
}

static void
predict_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  PredictJob *j = data;
  FlDataSpec spec = { .images_dir = j->images_dir, .csv_path = j->csv_path };
  GError *error = NULL;

  if (fl_predictor_write_csv (j->pred, &spec, j->out_path, &j->n, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
predict_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  FlWindow *self = FL_WINDOW (source);
  PredictJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    show_error (self, "Could not predict.", error->message);
  else
    {
      g_autofree char *name = g_path_get_basename (j->out_path);
      g_autofree char *status = g_strdup_printf ("Wrote %d predictions to %s.", j->n, name);
      set_status (self, status);
    }
}

/* Starts predicting csv_path with the shown run; returns FALSE (and shows
 * why) when there is no trained run or no loaded image folder. */
gboolean
fl_window_predict (FlWindow   *self,
                   const char *csv_path)
{
  FlRun *run = self->cmp != NULL && self->shown_run >= 0 ? fl_comparison_run (self->cmp, self->shown_run) : NULL;
  /* the images of the new rows live where the model's did */
  FlDataset *ds = run != NULL ? fl_run_dataset (run) : NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  PredictJob *j;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);
  if (run == NULL || ds == NULL)
    {
      show_error (self, "Nothing to predict with.", "Train a model first, or pick a run that has one.");
      return FALSE;
    }
  j = g_new0 (PredictJob, 1);
  j->pred = fl_run_predictor (run);
  j->images_dir = g_strdup (ds->images_dir);
  j->csv_path = g_strdup (csv_path);
  dir = g_path_get_dirname (csv_path);
  base = g_path_get_basename (csv_path);
  stem = g_str_has_suffix (base, ".csv") ? g_strndup (base, strlen (base) - 4) : g_strdup (base);
  {
    g_autofree char *name = g_strdup_printf ("%s-predictions.csv", stem);
    j->out_path = g_build_filename (dir, name, NULL);
  }
  set_status (self, "Predicting…");
  task = g_task_new (self, NULL, predict_done_cb, NULL);
  g_task_set_task_data (task, j, predict_job_free);
  g_task_run_in_thread (task, predict_thread);
  return TRUE;
}

static void
predict_response_cb (GtkNativeDialog *native,
                     int              response,
                     FlWindow        *self)
{
  g_autofree char *path = fl_chooser_get_path (native, response);

  if (path != NULL)
    fl_window_predict (self, path);
  g_object_unref (native);
}

static void
predict_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new ("Predict the Rows of a CSV", GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, "_Predict", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (filter, "CSV files");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect_object (native, "response", G_CALLBACK (predict_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* The data the experiment file records: the runs' files and columns, at
 * the image size loaded (or, if it is not loaded, the one it had). */
static void
experiment_data (FlWindow         *self,
                 FlExperimentData *data)
{
  const FlExperimentData *d = &self->runs_data;
  FlDataset *ds = comparison_dataset (self);

  memset (data, 0, sizeof *data);
  data->images_dir = g_strdup (d->images_dir);
  data->csv_path = g_strdup (d->csv_path);
  data->image_col = g_strdup (d->image_col);
  data->text_col = g_strdup (d->text_col);
  data->label_col = g_strdup (d->label_col);
  data->image_size = ds != NULL ? ds->image_size : d->image_size;
  data->samples = d->samples;
}

gboolean
fl_window_save_experiment (FlWindow    *self,
                           const char  *path,
                           GError     **error)
{
  g_auto(FlExperimentData) data = { 0 };
  g_autofree gboolean *shown = NULL;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  if (self->cmp == NULL || is_training (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           self->cmp == NULL ? "There are no runs to save yet."
                                             : "Wait for the training to finish.");
      return FALSE;
    }
  experiment_data (self, &data);
  /* the runs view holds which runs' curves are shown */
  shown = g_new (gboolean, MAX (fl_comparison_n_runs (self->cmp), 1));
  for (int i = 0; i < fl_comparison_n_runs (self->cmp); i++)
    shown[i] = fl_runs_view_get_visible_run (self->runs_view, i);
  return fl_experiment_save (path, &data, self->cmp, shown, error);
}

/* Run i's own curves — training and validation after each epoch, the loss
 * of every batch — on the single-run series, as they were drawn live. */
static void
plot_run_curves (FlWindow *self,
                 int       i)
{
  const FlRunResult *r = fl_comparison_result (self->cmp, i);

  clear_run_curves (self);
  for (guint k = 0; r->batches_per_epoch > 0 && k < r->batch_loss->len; k++)
    {
      double loss = g_array_index (r->batch_loss, double, k);

      if (isfinite (loss))
        fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_BATCH,
                             (double) (k + 1) / r->batches_per_epoch, loss);
    }
  for (guint e = 0; e < r->epochs->len; e++)
    {
      const FlEpochStats *st = &g_array_index (r->epochs, FlEpochStats, e);

      fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_TRAIN, st->epoch, st->train_loss);
      fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_VAL, st->epoch, st->val_loss);
      fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_TRAIN, st->epoch, st->train_acc);
      fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_VAL, st->epoch, st->val_acc);
    }
}

/* Loads the reopened experiment's images and CSV, with its column mapping
 * and image size, unless they are what is loaded; FALSE if they are gone. */
static gboolean
load_opened_data (FlWindow *self)
{
  const FlExperimentData *d = &self->runs_data;

  if (comparison_dataset (self) != NULL)
    return TRUE;
  if (!g_file_test (d->images_dir, G_FILE_TEST_IS_DIR) || !g_file_test (d->csv_path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  /* the image size goes to the data panel through the training panel */
  fl_train_panel_set_image_size (self->train_panel, d->image_size);
  fl_data_panel_set_image_size (self->data_panel, d->image_size);
  fl_data_panel_load (self->data_panel, d->images_dir, d->csv_path);
  fl_data_panel_set_columns (self->data_panel, d->image_col, d->text_col, d->label_col);
  return TRUE;
}

gboolean
fl_window_open_experiment (FlWindow   *self,
                           const char *path)
{
  g_auto(FlExperimentData) data = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlComparison) cmp = NULL;
  g_autofree gboolean *shown = NULL;
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *status = NULL;
  int x_max = 1, best = -1, n;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  if (is_training (self))
    {
      show_error (self, "Training is running.", "Stop it before opening an experiment.");
      return FALSE;
    }
  cmp = fl_experiment_load (path, &data, &shown, &error);
  if (cmp == NULL)
    {
      show_error (self, "Could not open the experiment.", error->message);
      return FALSE;
    }
  /* a Train waiting for the data to load was for the runs now closed */
  self->start_after_load = FALSE;

  clear_comparison (self);

  self->runs_data = data;
  memset (&data, 0, sizeof data);
  self->cmp = g_steal_pointer (&cmp);
  n = fl_comparison_n_runs (self->cmp);
  /* more runs can join it on its own data, loaded */
  fl_comparison_set_dataset (self->cmp, comparison_dataset (self));
  fl_train_panel_set_settings (self->train_panel, fl_comparison_base_settings (self->cmp));

  fl_runs_view_set_comparison (self->runs_view, self->cmp);
  for (int i = 0; i < n; i++)
    {
      const FlRunResult *r = fl_comparison_result (self->cmp, i);

      add_run_series (self, i);
      for (guint e = 0; e < r->epochs->len; e++)
        {
          const FlEpochStats *st = &g_array_index (r->epochs, FlEpochStats, e);

          fl_plot_view_append (self->loss_plot, FL_LOSS_SERIES_RUNS + i, st->epoch, st->val_loss);
          fl_plot_view_append (self->accuracy_plot, FL_ACCURACY_SERIES_RUNS + i, st->epoch, st->val_acc);
        }
      x_max = MAX (x_max, r->settings.epochs);
    }
  if (n == 1)
    plot_run_curves (self, 0);
  refresh_runs (self, -1, NULL);
  /* the curves switched off when it was saved, still off */
  for (int i = 0; i < n; i++)
    fl_runs_view_set_visible_run (self->runs_view, i, shown[i]);
  fl_plot_view_set_x_max (self->loss_plot, x_max);
  fl_plot_view_set_x_max (self->accuracy_plot, x_max);
  update_overlay (self);
  refresh_runs (self, -1, NULL);
  apply_plot_controls (self);

  /* the best run's matrix and galleries, as after the comparison */
  best = fl_runs_view_get_best (self->runs_view);
  show_run_results (self, best >= 0 ? best : n - 1);

  dismiss_banner_cb (self, NULL);
  gtk_stack_set_visible_child_name (self->content_stack, "training");
  gtk_stack_set_visible_child_name (self->bottom_stack, "runs");
  if (load_opened_data (self))
    status = g_strdup_printf (n == 1 ? "Opened %s: %d run." : "Opened %s: %d runs.", name, n);
  else
    status = g_strdup_printf (n == 1 ? "Opened %s: %d run. Its data (%s) is not there: load it to see "
                                       "the samples or to train more."
                                     : "Opened %s: %d runs. Its data (%s) is not there: load it to see "
                                       "the samples or to train more.", name, n, self->runs_data.csv_path);
  set_status (self, status);
  update_actions (self);
  return TRUE;
}

int
fl_window_get_shown_run (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), -1);
  return self->shown_run;
}

FlRunsView *
fl_window_get_runs_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->runs_view;
}

FlComparison *
fl_window_get_comparison (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->cmp;
}

/* Every file the window writes or reads through a chooser. */
typedef enum {
  FILE_EXPERIMENT_SAVE,
  FILE_EXPERIMENT_OPEN,
  FILE_PLOT_LOSS,
  FILE_PLOT_ACCURACY,
  FILE_RUNS_CSV,
  FILE_METRICS_CSV,
} FileKind;

static void
file_response_cb (GtkNativeDialog *native,
                  int              response,
                  FlWindow        *self)
{
  FileKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (native), "kind"));
  g_autofree char *path = fl_chooser_get_path (native, response);
  g_autofree char *name = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (path == NULL)
    goto out;
  name = g_path_get_basename (path);

  switch (kind)
    {
    case FILE_EXPERIMENT_OPEN:
      fl_window_open_experiment (self, path);
      goto out;
    case FILE_EXPERIMENT_SAVE:
      ok = fl_window_save_experiment (self, path, &error);
      break;
    case FILE_PLOT_LOSS:
    case FILE_PLOT_ACCURACY:
      {
        const char *size = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (native), "size");
        int w = 1200, h = 750;

        if (size == NULL || sscanf (size, "%dx%d", &w, &h) != 2)
          {
            w = 1200;
            h = 750;
          }
        ok = fl_plot_view_export (kind == FILE_PLOT_LOSS ? self->loss_plot : self->accuracy_plot,
                                  path, w, h, &error);
      }
      break;
    case FILE_RUNS_CSV:
      ok = self->cmp != NULL && fl_comparison_write_runs_csv (self->cmp, path, &error);
      break;
    case FILE_METRICS_CSV:
      ok = self->cmp != NULL && fl_comparison_write_metrics_csv (self->cmp, path, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    show_error (self, "Could not save.", error != NULL ? error->message : "There are no runs yet.");
  else
    {
      status = g_strdup_printf ("Saved %s.", name);
      set_status (self, status);
    }
out:
  g_object_unref (native);
}

static void
choose_file (FlWindow   *self,
             FileKind    kind,
             const char *title,
             const char *name)
{
  gboolean open = kind == FILE_EXPERIMENT_OPEN;
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                        open ? GTK_FILE_CHOOSER_ACTION_OPEN : GTK_FILE_CHOOSER_ACTION_SAVE,
                                        open ? "_Open" : "_Save", "_Cancel");
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  if (kind == FILE_PLOT_LOSS || kind == FILE_PLOT_ACCURACY)
    {
      static const char *sizes[] = { "800x500", "1200x750", "1600x1000", "2400x1500", NULL };
      static const char *labels[] = { "800 × 500", "1200 × 750", "1600 × 1000", "2400 × 1500", NULL };

      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "size", "Size", sizes, labels);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (native), "size", "1200x750");
    }
  g_object_set_data (G_OBJECT (native), "kind", GINT_TO_POINTER (kind));
  g_signal_connect_object (native, "response", G_CALLBACK (file_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
save_experiment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  choose_file (FL_WINDOW (widget), FILE_EXPERIMENT_SAVE, "Save the Experiment", "experiment.json");
}

static void
open_experiment_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  choose_file (FL_WINDOW (widget), FILE_EXPERIMENT_OPEN, "Open an Experiment", NULL);
}

static void
export_plot_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gboolean loss = g_strcmp0 (g_variant_get_string (parameter, NULL), "loss") == 0;

  choose_file (FL_WINDOW (widget), loss ? FILE_PLOT_LOSS : FILE_PLOT_ACCURACY,
               "Export the Plot (PNG, SVG or PDF)", loss ? "loss.png" : "accuracy.png");
}

static void
export_runs_csv_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  choose_file (FL_WINDOW (widget), FILE_RUNS_CSV, "Export the Runs Table", "runs.csv");
}

static void
export_metrics_csv_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  choose_file (FL_WINDOW (widget), FILE_METRICS_CSV, "Export the Per-Epoch Metrics", "metrics.csv");
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

  if (self->cmp != NULL && (ds == NULL || is_runs_data (self, ds)))
    {
      /* the runs' samples again — at another image size, or the data of a
       * reopened experiment arriving — or no data (a load failed): the runs
       * stay; those trained hold their own reference to the data they
       * trained on */
      fl_comparison_set_dataset (self->cmp, ds);
      if (ds != NULL)
        {
          self->runs_data.image_size = ds->image_size;
          self->runs_data.samples = ds->fingerprint;
        }
      set_status (self, ds != NULL ? "The data is loaded: train more runs, or see a matrix cell's samples."
                                   : "No data is loaded: load it again to train more runs.");
      /* (which says so if the data is not what the run saw) */
      if (self->shown_run >= 0)
        show_run_results (self, self->shown_run);
    }
  else
    {
      /* other data: a new comparison (the last runs' thread is joined
       * first: it reads the old data) */
      clear_comparison (self);
    }

  fl_preview_grid_set_dataset (self->preview_grid, ds);
  set_window_title (self, ds);
  if (ds != NULL)
    dismiss_banner_cb (self, NULL);

  if (ds != NULL && self->start_after_load)
    {
      self->start_after_load = FALSE;
      update_actions (self);
      if (self->compare_after_load)
        start_compare (self);
      else
        start_training (self);
      return;
    }
  if (ds != NULL && self->cmp == NULL)
    gtk_stack_set_visible_child_name (self->content_stack, "data");
  update_actions (self);
  if (self->cmp == NULL)
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

  /* the panels' last signals (a load cancelled as the data panel goes)
   * must not reach a window half taken apart */
  if (self->data_panel != NULL)
    g_signal_handlers_disconnect_by_data (self->data_panel, self);
  if (self->train_panel != NULL)
    g_signal_handlers_disconnect_by_data (self->train_panel, self);

  /* stop and join the training thread before the data it reads goes away */
  drop_worker (self);
  fl_runs_view_set_comparison (self->runs_view, NULL);
  g_clear_pointer (&self->cmp, fl_comparison_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_WINDOW);

  G_OBJECT_CLASS (fl_window_parent_class)->dispose (object);
}

static void
fl_window_finalize (GObject *object)
{
  FlWindow *self = FL_WINDOW (object);

  g_free (self->error_message);
  fl_experiment_data_clear (&self->runs_data);

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
  gtk_widget_class_bind_template_child (widget_class, FlWindow, runs_section);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, runs_view);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, bottom_stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, bottom_title);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, gallery);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, smooth_scale);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, log_check);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, x_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, present_toggle);
  gtk_widget_class_bind_template_callback (widget_class, plot_controls_cb);
  gtk_widget_class_bind_template_callback (widget_class, plot_controls_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, bottom_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, runs_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, runs_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, dismiss_banner_cb);
  gtk_widget_class_bind_template_callback (widget_class, dataset_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, loading_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, data_error_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_size_changed_cb);

  gtk_widget_class_install_action (widget_class, "train.start", NULL, train_start_action);
  gtk_widget_class_install_action (widget_class, "train.compare", NULL, train_compare_action);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, train_pause_action);
  gtk_widget_class_install_action (widget_class, "win.save-experiment", NULL, save_experiment_action);
  gtk_widget_class_install_action (widget_class, "win.open-experiment", NULL, open_experiment_action);
  gtk_widget_class_install_action (widget_class, "win.export-plot", "s", export_plot_action);
  gtk_widget_class_install_action (widget_class, "win.export-runs-csv", NULL, export_runs_csv_action);
  gtk_widget_class_install_action (widget_class, "win.export-metrics-csv", NULL, export_metrics_csv_action);
  gtk_widget_class_install_action (widget_class, "train.stop", NULL, train_stop_action);
  gtk_widget_class_install_action (widget_class, "train.save-model", NULL, save_model_action);
  gtk_widget_class_install_action (widget_class, "train.predict", NULL, predict_action);
  gtk_widget_class_install_action (widget_class, "data.choose-images", NULL, choose_images_action);
  gtk_widget_class_install_action (widget_class, "data.choose-csv", NULL, choose_csv_action);

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

static void
fl_window_init (FlWindow *self)
{
  GtkDropTarget *target;

  fl_style_load (gtk_widget_get_display (GTK_WIDGET (self)));

  g_type_ensure (FL_TYPE_DATA_PANEL);
  g_type_ensure (FL_TYPE_TRAIN_PANEL);
  g_type_ensure (FL_TYPE_PREVIEW_GRID);
  g_type_ensure (FL_TYPE_PLOT_VIEW);
  g_type_ensure (FL_TYPE_RESULTS_VIEW);
  g_type_ensure (FL_TYPE_RUNS_VIEW);
  g_type_ensure (FL_TYPE_SAMPLE_GALLERY);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown_run = -1;
  self->guard_from = self->guard_to = -1;
  g_signal_connect_object (self->loss_plot, "series-toggled", G_CALLBACK (legend_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->accuracy_plot, "series-toggled", G_CALLBACK (legend_toggled_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (fl_results_view_get_confusion_view (self->results_view), "cell-activated",
                           G_CALLBACK (cell_activated_cb), self, G_CONNECT_SWAPPED);

  fl_plot_view_add_series (self->loss_plot, "Train, per batch", fl_color_hex (FL_COLOR_BATCH), FL_PLOT_STYLE_SMOOTHED);
  fl_plot_view_add_series (self->loss_plot, "Train", fl_color_hex (FL_COLOR_TRAIN), FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->loss_plot, "Validation", fl_color_hex (FL_COLOR_VAL), FL_PLOT_STYLE_DASHED);
  fl_plot_view_add_series (self->accuracy_plot, "Train", fl_color_hex (FL_COLOR_TRAIN), FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->accuracy_plot, "Validation", fl_color_hex (FL_COLOR_VAL), FL_PLOT_STYLE_DASHED);

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
