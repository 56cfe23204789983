/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session-private.h"

#include "fl-style.h"
#include "fl-i18n.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (FlSession, fl_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TRAINING,
  PROP_PAUSED,
  PROP_LOADING,
  PROP_SHOWN_RUN,
  PROP_STATUS,
  PROP_PROGRESS,
  PROP_SPEED,
  PROP_PREDICTING,
  PROP_BRANCHES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
_fl_session_notify_shown_run (FlSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWN_RUN]);
}

void
_fl_session_notify_predicting (FlSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREDICTING]);
}

void
_fl_session_notify_training (FlSession *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

guint fl_session_signals[N_SESSION_SIGNALS];

/* ---- status --------------------------------------------------------- */

void
_fl_session_set_status (FlSession  *self,
                        const char *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  g_free (self->status);
  self->status = g_strdup_vprintf (format, args);
  va_end (args);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

void
fl_session_set_status (FlSession  *self,
                       const char *status)
{
  g_return_if_fail (FL_IS_SESSION (self));
  _fl_session_set_status (self, "%s", status);
}

/* What to do next, when nothing is training and no run's end is shown. */
void
_fl_session_idle_status (FlSession *self)
{
  if (fl_session_get_training (self))
    return;
  if (self->loading)
    fl_session_set_status (self, _("Loading the data…"));
  else if (self->ds == NULL && self->cmp != NULL)
    fl_session_set_status (self, _("No data is loaded: load it again to train more runs."));
  else if (self->ds == NULL)
    fl_session_set_status (self, _("Choose an image folder and a text CSV to begin."));
  else if (self->shown_run < 0)
    fl_session_set_status (self, _("Ready: press Train (Ctrl+Return) to start."));
}

void
_fl_session_set_progress (FlSession  *self,
                          double      progress,
                          const char *speed)
{
  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
  if (speed != NULL && g_strcmp0 (speed, self->speed) != 0)
    {
      g_free (self->speed);
      self->speed = g_strdup (speed);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
    }
}

void
_fl_session_error (FlSession  *self,
                   const char *title,
                   const char *message)
{
  g_signal_emit (self, fl_session_signals[SIGNAL_ERROR], 0, title, message);
}

/* ---- the runs and their data ------------------------------------------ */

void
_fl_session_drop_worker (FlSession *self)
{
  if (self->worker != NULL)
    {
      fl_train_worker_join (self->worker);
      g_clear_object (&self->worker);
    }
}

void
_fl_session_clear (FlSession *self)
{
  _fl_session_drop_worker (self);
  fl_run_list_clear (self->runs);
  g_clear_pointer (&self->cmp, fl_comparison_free);
  fl_experiment_data_clear (&self->runs_data);
  memset (&self->last_batch, 0, sizeof self->last_batch);
  if (self->shown_run != -1)
    {
      self->shown_run = -1;
      _fl_session_notify_shown_run (self);
    }
  _fl_session_set_progress (self, 0.0, "");
}

void
fl_session_set_dataset (FlSession *self,
                        FlDataset *ds)
{
  guint branches;

  g_return_if_fail (FL_IS_SESSION (self));

  branches = fl_session_get_branches (self);
  if (ds != NULL)
    fl_dataset_ref (ds);
  g_clear_pointer (&self->ds, fl_dataset_unref);
  self->ds = ds;
  if (branches != fl_session_get_branches (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BRANCHES]);

  if (self->cmp != NULL && (ds == NULL || _fl_session_is_runs_data (self, ds)))
    {
      /* the runs' samples again — at another image size, or the data of a
       * reopened experiment arriving — or no data (a load failed): the runs
       * stay; those trained hold their own reference to their data */
      fl_comparison_set_dataset (self->cmp, ds);
      if (ds != NULL)
        {
          self->runs_data.image_size = ds->image_size;
          self->runs_data.image_fit = ds->image_fit;
          self->runs_data.samples = ds->fingerprint;
        }
      fl_session_set_status (self, ds != NULL ? _("The data is loaded: train more runs, or see a matrix cell's samples.")
                                              : _("No data is loaded: load it again to train more runs."));
      /* (which says so if the data is not what the run saw) */
      if (self->shown_run >= 0)
        fl_session_show_run (self, self->shown_run);
    }
  else
    /* other data: a new comparison (the last runs' thread is joined first:
     * it reads the old data) */
    _fl_session_clear (self);
  /* the matching runs stay while the samples are theirs */
  if (ds != NULL && ds->fingerprint != self->match_samples)
    _fl_session_clear_match (self);

  if (ds != NULL && self->pending_set)
    {
      _fl_session_train_pending (self);
      return;
    }
  if (self->cmp == NULL)
    _fl_session_idle_status (self);
}

FlDataset *
fl_session_get_dataset (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->ds;
}

guint
fl_session_get_branches (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), 0);
  return self->ds != NULL ? fl_dataset_branches (self->ds) : 0;
}

void
fl_session_set_loading (FlSession *self,
                        gboolean   loading)
{
  g_return_if_fail (FL_IS_SESSION (self));

  /* a load that ends without data (cancelled, failed) starts nothing */
  if (!loading)
    self->pending_set = FALSE;
  if (self->loading != !!loading)
    {
      self->loading = !!loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
  _fl_session_idle_status (self);
}

gboolean
fl_session_get_loading (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  return self->loading;
}

/* ---- the worker's reports, on the main thread ---------------------------- */

static void
batch_done_cb (FlSession          *self,
               const FlBatchStats *stats,
               FlTrainWorker      *worker)
{
  double done = (stats->epoch - 1) + (double) stats->batch / stats->n_batches;
  double fraction = done / stats->n_epochs;
  FlRunItem *item = fl_run_list_get (self->runs, fl_train_worker_get_current (worker));

  self->last_batch = *stats;
  _fl_session_set_progress (self, fraction, NULL);
  if (fl_train_worker_get_paused (worker))
    _fl_session_set_status (self, _("Paused at epoch %d/%d · batch %d/%d"),
                            stats->epoch, stats->n_epochs, stats->batch, stats->n_batches);
  else if (fraction > 0.0 && stats->elapsed > 1.0)
    {
      g_autofree char *left = fl_format_duration (stats->elapsed * (1.0 - fraction) / fraction);

      /* TRANSLATORS: %5$s is a duration ("1 min 12 s") */
      _fl_session_set_status (self, _("Epoch %d/%d · batch %d/%d · %s left"),
                              stats->epoch, stats->n_epochs, stats->batch, stats->n_batches, left);
    }
  else
    _fl_session_set_status (self, _("Epoch %d/%d · batch %d/%d"),
                            stats->epoch, stats->n_epochs, stats->batch, stats->n_batches);
  g_signal_emit (self, fl_session_signals[SIGNAL_BATCH], 0, item, stats);
}

static void
epoch_done_cb (FlSession          *self,
               const FlEpochStats *stats,
               FlTrainWorker      *worker)
{
  FlRunItem *item = fl_run_list_get (self->runs, fl_train_worker_get_current (worker));
  g_autofree char *speed = g_strdup_printf (_("%.0f samples/s"), stats->samples_per_s);

  fl_run_item_add_epoch (item, stats);
  _fl_session_set_progress (self, self->progress, speed);
  g_signal_emit (self, fl_session_signals[SIGNAL_EPOCH], 0, item, stats);
}

static void
run_started_cb (FlSession     *self,
                int            run,
                FlTrainWorker *worker)
{
  FlRunItem *item = fl_run_list_get (self->runs, run);

  memset (&self->last_batch, 0, sizeof self->last_batch);
  fl_run_item_start (item);
  _fl_session_set_progress (self, 0.0, NULL);
  _fl_session_set_status (self, _("Preparing %s: splitting the samples, building the vocabulary and the model…"),
                          fl_run_item_get_name (item));
  g_signal_emit (self, fl_session_signals[SIGNAL_RUN_STARTED], 0, item);
}

static void
run_done_cb (FlSession     *self,
             int            run,
             const GError  *error,
             FlTrainWorker *worker)
{
  const FlRunResult *r = fl_comparison_result (self->cmp, run);

  /* the runs are trained in order: this one is final, and the worker
   * writes only the next one's results from now on */
  fl_run_item_update (fl_run_list_get (self->runs, run), r);
  /* (a cross-validation's best route is known at the end: its routes read
   * every run's results, some of which the worker is writing) */
  if (fl_comparison_cv_folds (self->cmp) < 2)
    fl_run_list_update_best (self->runs);
  /* a cross-validation keeps the models of its first fold (to save, to
   * predict with, to see why); the others' would fill the memory */
  if (r->settings.kfold >= 2 && (r->settings.fold > 0 || r->repeat > 0))
    fl_comparison_release_run (self->cmp, run);
}

/* The status line once every run has trained. */
static void
finish_complete (FlSession *self,
                 FlRun     *run)
{
  const FlTrainSettings *settings = fl_train_worker_get_settings (self->worker);
  int n = fl_comparison_n_runs (self->cmp);

  if (self->comparing)
    {
      int best = _fl_session_mark_best (self);
      FlRunItem *item = fl_run_list_get (self->runs, MAX (best, 0));
      double total = 0.0;
      g_autofree char *took = NULL, *speed = NULL;

      if (fl_comparison_cv_folds (self->cmp) >= 2)
        {
          g_autofree char *status = _fl_session_cv_status (self);
          fl_session_set_status (self, status);
        }
      else if (best < 0)
        _fl_session_set_status (self, g_dngettext (GETTEXT_PACKAGE, "Compared %d run · it did not finish.",
                                                   "Compared %d runs · none of them finished.", n), n);
      else
        /* TRANSLATORS: %2$s is the best run's name ("gated") */
        _fl_session_set_status (self, g_dngettext (GETTEXT_PACKAGE, "Compared %d run · best: %s, accuracy %.1f%% · macro-F1 %.3f",
                                                   "Compared %d runs · best: %s, accuracy %.1f%% · macro-F1 %.3f", n), n,
                                fl_run_item_get_name (item), 100.0 * fl_run_item_get_accuracy (item),
                                fl_run_item_get_f1 (item));
      /* not the last run's speed: the runs differ too much for one */
      for (int i = 0; i < n; i++)
        total += fl_comparison_result (self->cmp, i)->train_seconds;
      took = fl_format_duration (total);
      speed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d run in %s", "%d runs in %s", n), n, took);
      _fl_session_set_progress (self, 1.0, speed);
      fl_session_show_run (self, best);
    }
  else
    {
      const FlMetrics *metrics = fl_run_metrics (run);
      g_autofree char *took = fl_format_duration (self->last_batch.elapsed);
      g_autofree char *transfer = _fl_session_transfer_note (run);

      /* TRANSLATORS: %2$s is a duration, the last %s a note about the
       * weights the run started from, or empty */
      _fl_session_set_status (self, g_dngettext (GETTEXT_PACKAGE,
                                                 "Finished %d epoch in %s · accuracy %.1f%% · macro-F1 %.3f%s",
                                                 "Finished %d epochs in %s · accuracy %.1f%% · macro-F1 %.3f%s",
                                                 settings->epochs),
                              settings->epochs, took,
                              100.0 * fl_metrics_accuracy (metrics), fl_metrics_macro_f1 (metrics), transfer);
      _fl_session_set_progress (self, 1.0, NULL);
      fl_session_show_run (self, fl_train_worker_get_last_run (self->worker));
      _fl_session_warn_held_out (self, run);
    }
}

static void
finished_cb (FlSession     *self,
             const GError  *error,
             FlTrainWorker *worker)
{
  FlRun *run = fl_train_worker_get_run (worker);

  for (int i = 0; i < fl_comparison_n_runs (self->cmp); i++)
    fl_run_item_update (fl_run_list_get (self->runs, i), fl_comparison_result (self->cmp, i));
  _fl_session_mark_best (self);

  /* (a comparison's last run may have let its model go already) */
  if (error == NULL && (self->comparing || run != NULL))
    finish_complete (self, run);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->last_batch.epoch > 0)
        _fl_session_set_status (self, _("Stopped at epoch %d/%d, batch %d/%d."),
                                self->last_batch.epoch, self->last_batch.n_epochs,
                                self->last_batch.batch, self->last_batch.n_batches);
      else
        fl_session_set_status (self, _("Stopped before the first batch."));
    }
  else
    {
      _fl_session_error (self, _("Training stopped."), error != NULL ? error->message : _("The run could not start."));
      fl_session_set_status (self, _("Training stopped with an error."));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  g_signal_emit (self, fl_session_signals[SIGNAL_FINISHED], 0, error);
}

/* ---- training ------------------------------------------------------------ */

/* The comparison the next runs join: this one while the data loaded holds
 * its samples (reopened, or at another image size), else a new one. */
void
_fl_session_ensure_comparison (FlSession             *self,
                               const FlTrainSettings *settings)
{
  if (self->cmp != NULL && _fl_session_runs_dataset (self) == self->ds)
    {
      fl_comparison_set_dataset (self->cmp, self->ds);
      return;
    }
  if (self->cmp != NULL)
    _fl_session_clear (self);
  self->cmp = fl_comparison_new (self->ds, settings);
  fl_experiment_data_from_dataset (&self->runs_data, self->ds);
}

static void
start_runs (FlSession *self,
            const int *runs,
            int        n_runs)
{
  for (int k = 0; k < n_runs; k++)
    fl_run_item_set_data_branches (fl_run_list_append (self->runs, fl_comparison_result (self->cmp, runs[k])),
                                   fl_session_get_branches (self));

  self->comparing = n_runs > 1;
  self->worker = fl_train_worker_new (self->cmp, runs, n_runs);
  g_signal_connect_object (self->worker, "batch-done", G_CALLBACK (batch_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "epoch-done", G_CALLBACK (epoch_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "run-started", G_CALLBACK (run_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "run-done", G_CALLBACK (run_done_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->worker, "finished", G_CALLBACK (finished_cb), self, G_CONNECT_SWAPPED);
  memset (&self->last_batch, 0, sizeof self->last_batch);
  _fl_session_set_progress (self, 0.0, "");
  fl_train_worker_start (self->worker);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRAINING]);
}

gboolean
fl_session_train (FlSession             *self,
                  const FlTrainSettings *settings,
                  gboolean               compare)
{
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (int));

  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);

  if (self->ds == NULL || fl_session_get_training (self))
    return FALSE;
  self->pending_set = FALSE;
  _fl_session_drop_worker (self);
  /* a cross-validation is a comparison of its own: its routes are summed
   * up over its folds alone */
  if (compare && self->folds >= 2 && self->cmp != NULL)
    _fl_session_clear (self);
  _fl_session_ensure_comparison (self, settings);
  if (compare)
    _fl_session_add_compare_runs (self, settings, runs);
  else
    {
      int i = fl_comparison_add_settings (self->cmp, settings);
      g_array_append_val (runs, i);
    }
  start_runs (self, (const int *) runs->data, (int) runs->len);
  return TRUE;
}

void
fl_session_train_after_load (FlSession             *self,
                             const FlTrainSettings *settings,
                             gboolean               compare)
{
  g_return_if_fail (FL_IS_SESSION (self));

  self->pending = *settings;
  self->pending_set = TRUE;
  self->pending_compare = compare;
  self->pending_is_match = FALSE;
}

gboolean
fl_session_get_training (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  return self->worker != NULL && fl_train_worker_get_running (self->worker);
}

void
fl_session_set_paused (FlSession *self,
                       gboolean   paused)
{
  g_return_if_fail (FL_IS_SESSION (self));

  if (!fl_session_get_training (self) || fl_train_worker_get_paused (self->worker) == !!paused)
    return;
  fl_train_worker_set_paused (self->worker, paused);
  if (paused && self->last_batch.epoch > 0)
    _fl_session_set_status (self, _("Paused at epoch %d/%d · batch %d/%d"),
                            self->last_batch.epoch, self->last_batch.n_epochs,
                            self->last_batch.batch, self->last_batch.n_batches);
  else if (paused)
    fl_session_set_status (self, _("Paused."));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

gboolean
fl_session_get_paused (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  return fl_session_get_training (self) && fl_train_worker_get_paused (self->worker);
}

void
fl_session_stop (FlSession *self)
{
  g_return_if_fail (FL_IS_SESSION (self));

  if (!fl_session_get_training (self))
    return;
  fl_train_worker_stop (self->worker);
  fl_session_set_status (self, _("Stopping…"));
}

/* ---- the object ------------------------------------------------------------ */

static void
fl_session_dispose (GObject *object)
{
  FlSession *self = FL_SESSION (object);

  /* the thread reads the comparison and the data: joined first */
  _fl_session_drop_worker (self);
  if (self->predicting != NULL)
    g_cancellable_cancel (self->predicting);
  g_clear_object (&self->predicting);
  if (self->testing != NULL)
    g_cancellable_cancel (self->testing);
  g_clear_object (&self->testing);

  G_OBJECT_CLASS (fl_session_parent_class)->dispose (object);
}

static void
fl_session_finalize (GObject *object)
{
  FlSession *self = FL_SESSION (object);

  g_clear_pointer (&self->cmp, fl_comparison_free);
  g_clear_pointer (&self->ds, fl_dataset_unref);
  g_clear_object (&self->runs);
  g_clear_object (&self->match_runs);
  g_clear_object (&self->match_item);
  g_clear_pointer (&self->matcher, fl_matcher_free);
  _fl_session_clear_test (self);
  fl_experiment_data_clear (&self->runs_data);
  g_free (self->status);
  g_free (self->speed);

  G_OBJECT_CLASS (fl_session_parent_class)->finalize (object);
}

static void
fl_session_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FlSession *self = FL_SESSION (object);

  switch (prop_id)
    {
    case PROP_TRAINING: g_value_set_boolean (value, fl_session_get_training (self)); break;
    case PROP_PAUSED: g_value_set_boolean (value, fl_session_get_paused (self)); break;
    case PROP_LOADING: g_value_set_boolean (value, self->loading); break;
    case PROP_SHOWN_RUN: g_value_set_int (value, self->shown_run); break;
    case PROP_STATUS: g_value_set_string (value, self->status); break;
    case PROP_PROGRESS: g_value_set_double (value, self->progress); break;
    case PROP_SPEED: g_value_set_string (value, self->speed); break;
    case PROP_PREDICTING: g_value_set_boolean (value, self->predicting != NULL); break;
    case PROP_BRANCHES: g_value_set_uint (value, fl_session_get_branches (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
readable_boolean (const char *name)
{
  return g_param_spec_boolean (name, NULL, NULL, FALSE,
                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
fl_session_class_init (FlSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = fl_session_dispose;
  object_class->finalize = fl_session_finalize;
  object_class->get_property = fl_session_get_property;

  properties[PROP_TRAINING] = readable_boolean ("training");
  properties[PROP_PAUSED] = readable_boolean ("paused");
  properties[PROP_LOADING] = readable_boolean ("loading");
  properties[PROP_SHOWN_RUN] = g_param_spec_int ("shown-run", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, flags);
  properties[PROP_SPEED] = g_param_spec_string ("speed", NULL, NULL, NULL, flags);
  properties[PROP_PREDICTING] = readable_boolean ("predicting");
  properties[PROP_BRANCHES] = g_param_spec_uint ("branches", NULL, NULL, 0, FL_BRANCHES_ALL, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  fl_session_signals[SIGNAL_RUN_STARTED] =
    g_signal_new ("run-started", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, FL_TYPE_RUN_ITEM);
  fl_session_signals[SIGNAL_BATCH] =
    g_signal_new ("batch", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  FL_TYPE_RUN_ITEM, G_TYPE_POINTER);
  fl_session_signals[SIGNAL_EPOCH] =
    g_signal_new ("epoch", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  FL_TYPE_RUN_ITEM, G_TYPE_POINTER);
  fl_session_signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  fl_session_signals[SIGNAL_ERROR] =
    g_signal_new ("error", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING, G_TYPE_STRING);
  fl_session_signals[SIGNAL_LOAD_DATA] =
    g_signal_new ("load-data", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  _fl_session_class_add_match_signals (type);
  _fl_session_class_add_test_signals (type);
}

static void
fl_session_init (FlSession *self)
{
  self->runs = fl_run_list_new ();
  self->match_runs = g_list_store_new (FL_TYPE_RUN_ITEM);
  self->shown_run = -1;
  self->folds = self->repeats = 1;
  self->speed = g_strdup ("");
  _fl_session_idle_status (self);
}

FlSession *
fl_session_new (void)
{
  return g_object_new (FL_TYPE_SESSION, NULL);
}

FlRunList *
fl_session_get_runs (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->runs;
}

FlComparison *
fl_session_get_comparison (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->cmp;
}

double
fl_session_get_progress (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), 0.0);
  return self->progress;
}

const char *
fl_session_get_speed (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->speed;
}

const char *
fl_session_get_status (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->status;
}
