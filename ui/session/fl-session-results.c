/* SPDX-License-Identifier: MIT
 *
 * The session's results: the run shown, the experiment file, and
 * predictions on new data.
 */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session-private.h"

#include "fl-transfer.h"

#include "fl-predictor.h"
#include "fl-style.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

/* ---- the run shown -------------------------------------------------------- */

int
fl_session_get_shown_run (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), -1);
  return self->shown_run;
}

gboolean
fl_session_show_run (FlSession *self,
                     int        run)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);

  if (self->cmp == NULL || run < 0 || run >= fl_run_list_get_n_runs (self->runs) ||
      fl_session_get_training (self) || fl_comparison_result (self->cmp, run)->validation == NULL)
    return FALSE;
  self->shown_run = run;
  /* each time: the data it is shown with may have changed */
  _fl_session_notify_shown_run (self);
  return TRUE;
}

FlRun *
fl_session_get_shown_model (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);

  if (self->cmp == NULL || self->shown_run < 0 || fl_session_get_training (self))
    return NULL;
  return fl_comparison_run (self->cmp, self->shown_run);
}

FlDataset *
fl_session_get_run_samples (FlSession  *self,
                            int         run,
                            char      **why)
{
  const FlRunResult *r;
  FlRun *trained;
  FlDataset *ds;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (FL_IS_SESSION (self), NULL);

  if (self->cmp == NULL || run < 0 || run >= fl_comparison_n_runs (self->cmp))
    return NULL;
  r = fl_comparison_result (self->cmp, run);
  if (r->tested_on != NULL)
    {
      ds = _fl_session_test_samples (self, run);
      if (ds == NULL && why != NULL)
        /* TRANSLATORS: %s is a test's name ("concat · test: tango") */
        *why = g_strdup_printf (_("The test data of %s is not loaded: its samples are not shown."), r->name);
      return ds;
    }
  trained = fl_comparison_run (self->cmp, run);
  /* a trained run's own data: its samples as the model saw them, whatever
   * is loaded now */
  ds = trained != NULL ? fl_run_dataset (trained) : _fl_session_runs_dataset (self);
  if (ds != NULL && r->validation != NULL && !fl_validation_matches (r->validation, ds, &error))
    {
      if (why != NULL)
        /* TRANSLATORS: %1$s a run's name, %2$s the reason */
        *why = g_strdup_printf (_("The data loaded is not what %s was trained on (%s): its samples are not shown."),
                                r->name, error->message);
      return NULL;
    }
  return ds;
}

/* " · the vote: picture 60%, words 40%": the late route's weights w of
 * its heads, one per branch in branches. */
static char *
describe_vote (guint branches, const float *w)
{
  g_autoptr(GPtrArray) heads = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  int k = 0;

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      {
        g_autofree char *word = g_ascii_strdown (fl_branch_title (b), -1);

        /* TRANSLATORS: one head's weight in the late route's vote: "picture 60%" */
        g_ptr_array_add (heads, g_strdup_printf (_("%s %.0f%%"), word, 100.0 * w[k]));
        k++;
      }
  g_ptr_array_add (heads, NULL);
  /* TRANSLATORS: between the heads of the vote: "picture 60%, words 40%" */
  list = g_strjoinv (C_("list separator", ", "), (char **) heads->pdata);
  /* TRANSLATORS: appended to a run's description; %s is "picture 60%, words 40%" */
  return g_strdup_printf (_(" · the vote: %s"), list);
}

char *
fl_session_describe_run (FlSession *self,
                         int        i)
{
  const FlRunResult *r;
  FlRun *run;
  g_autofree char *took = NULL, *heads = NULL, *trained = NULL;
  int n_epochs, n_val;
  float w[FL_N_BRANCHES];

  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  g_return_val_if_fail (self->cmp != NULL && i >= 0 && i < fl_comparison_n_runs (self->cmp), NULL);

  r = fl_comparison_result (self->cmp, i);
  if (r->tested_on != NULL)
    return _fl_session_describe_test_run (self, i);
  run = fl_comparison_run (self->cmp, i);
  took = fl_format_duration (r->train_seconds);
  n_epochs = r->epochs->len > 0 ? g_array_index (r->epochs, FlEpochStats, r->epochs->len - 1).epoch : 0;
  /* the late route's learned vote: how much each head's answer counts */
  if (run != NULL && fl_model_late_weights (fl_run_model (run), w) > 0)
    heads = describe_vote (fl_run_branches (run), w);
  /* a model trained elsewhere (fl_comparison_add_trained()): no training here */
  if (r->epochs->len == 1 && isnan (g_array_index (r->epochs, FlEpochStats, 0).train_loss))
    trained = g_strdup (_("trained elsewhere, evaluated here"));
  else
    /* TRANSLATORS: %s is a duration ("1 min 12 s") */
    trained = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d epoch in %s", "%d epochs in %s", n_epochs),
                               n_epochs, took);
  n_val = r->validation != NULL ? r->validation->n : 0;
  /* TRANSLATORS: a run's description: its name, the validation samples,
   * a fusion method's title, "10 epochs in 12 s", then optional notes */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %d validation sample · %s fusion · %s%s%s",
                                       "%s · %d validation samples · %s fusion · %s%s%s", n_val),
                          r->name, n_val, fl_fusion_title (r->settings.fusion),
                          trained, heads != NULL ? heads : "",
                          run == NULL ? _(" · reopened: train again to save its model") : "");
}

/* ---- experiments ------------------------------------------------------------ */

/* The data the experiment file records: the runs' files and columns, at
 * the image size loaded (or, if it is not loaded, the one it had). */
static void
experiment_data (FlSession        *self,
                 FlExperimentData *data)
{
  const FlExperimentData *d = &self->runs_data;
  FlDataset *ds = _fl_session_runs_dataset (self);

  memset (data, 0, sizeof *data);
  data->images_dir = g_strdup (d->images_dir);
  data->csv_path = g_strdup (d->csv_path);
  data->image_col = g_strdup (d->image_col);
  data->text_col = g_strdup (d->text_col);
  data->label_col = g_strdup (d->label_col);
  data->audio_col = g_strdup (d->audio_col);
  data->numeric_cols = g_strdupv (d->numeric_cols);
  data->image_size = ds != NULL ? ds->image_size : d->image_size;
  data->image_fit = ds != NULL ? ds->image_fit : d->image_fit;
  data->samples = d->samples;
}

gboolean
fl_session_save_experiment (FlSession   *self,
                            const char  *path,
                            GError     **error)
{
  g_auto(FlExperimentData) data = { 0 };
  g_autofree gboolean *shown = NULL;

  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);

  if (self->cmp == NULL || fl_session_get_training (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           self->cmp == NULL ? _("There are no runs to save yet.")
                                             : _("Wait for the training to finish."));
      return FALSE;
    }
  experiment_data (self, &data);
  shown = fl_run_list_get_shown (self->runs);
  return fl_experiment_save (path, &data, self->cmp, shown, error);
}

/* Asks for the reopened runs' data to be loaded, with their column mapping
 * and image size, unless it is what is loaded; FALSE if it is gone. */
static gboolean
load_runs_data (FlSession *self)
{
  const FlExperimentData *d = &self->runs_data;

  if (_fl_session_runs_dataset (self) != NULL)
    return TRUE;
  if (!g_file_test (d->images_dir, G_FILE_TEST_IS_DIR) || !g_file_test (d->csv_path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  g_signal_emit (self, fl_session_signals[SIGNAL_LOAD_DATA], 0, d);
  return TRUE;
}

/* The runs of a comparison just read, with their curves shown or not as
 * they were saved, and the best one's results. */
static void
take_runs (FlSession      *self,
           FlComparison   *cmp,
           const gboolean *shown)
{
  int n = fl_comparison_n_runs (cmp), best;

  self->cmp = cmp;
  /* more runs can join it on its own data, loaded */
  fl_comparison_set_dataset (self->cmp, _fl_session_runs_dataset (self));
  for (int i = 0; i < n; i++)
    fl_run_item_set_visible (fl_run_list_append (self->runs, fl_comparison_result (cmp, i)), shown[i]);
  best = _fl_session_mark_best (self);
  fl_session_show_run (self, best >= 0 ? best : n - 1);
}

gboolean
fl_session_open_experiment (FlSession   *self,
                            const char  *path,
                            GError     **error)
{
  g_auto(FlExperimentData) data = { 0 };
  g_autofree gboolean *shown = NULL;
  g_autofree char *name = g_path_get_basename (path);
  FlComparison *cmp;
  int n;

  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);

  if (fl_session_get_training (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("Stop the training before opening an experiment."));
      return FALSE;
    }
  cmp = fl_experiment_load (path, &data, &shown, error);
  if (cmp == NULL)
    return FALSE;
  /* a Train waiting for the data to load was for the runs now closed */
  self->pending_set = FALSE;
  _fl_session_clear (self);
  self->runs_data = data;
  memset (&data, 0, sizeof data);
  take_runs (self, cmp, shown);

  n = fl_comparison_n_runs (cmp);
  if (load_runs_data (self))
    /* TRANSLATORS: %s is an experiment file's name */
    _fl_session_set_status (self, g_dngettext (GETTEXT_PACKAGE, "Opened %s: %d run.", "Opened %s: %d runs.", n),
                            name, n);
  else
    /* TRANSLATORS: %1$s an experiment file's name, %3$s the CSV file of its data */
    _fl_session_set_status (self, g_dngettext (GETTEXT_PACKAGE,
                                               "Opened %s: %d run. Its data (%s) is not there: load it to see "
                                               "the samples or to train more.",
                                               "Opened %s: %d runs. Its data (%s) is not there: load it to see "
                                               "the samples or to train more.", n),
                            name, n, self->runs_data.csv_path);
  return TRUE;
}

const FlTrainSettings *
fl_session_get_base_settings (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->cmp != NULL ? fl_comparison_base_settings (self->cmp) : NULL;
}

/* ---- predictions on new data ---------------------------------------------------
 *
 * The shown run predicts the rows of a new CSV whose images live under the
 * run's image folder (the usual case: new rows for the same tree); the
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
  FlSession *self = FL_SESSION (source);
  PredictJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->predicting);
  _fl_session_notify_predicting (self);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *name = g_path_get_basename (j->out_path);
      _fl_session_set_status (self, g_dngettext (GETTEXT_PACKAGE, "Wrote %d prediction to %s.",
                                                 "Wrote %d predictions to %s.", j->n), j->n, name);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fl_session_set_status (self, _("Prediction cancelled: nothing was written."));
  else
    _fl_session_error (self, _("Could not predict."), error->message);
}

/* NAME.csv → NAME-predictions.csv, in the same folder */
static char *
predictions_path (const char *csv_path)
{
  g_autofree char *dir = g_path_get_dirname (csv_path);
  g_autofree char *base = g_path_get_basename (csv_path);
  g_autofree char *stem = g_str_has_suffix (base, ".csv") ? g_strndup (base, strlen (base) - 4) : g_strdup (base);
  g_autofree char *name = g_strdup_printf ("%s-predictions.csv", stem);

  return g_build_filename (dir, name, NULL);
}

gboolean
fl_session_predict (FlSession  *self,
                    const char *csv_path)
{
  FlRun *run = fl_session_get_shown_model (self);
  g_autoptr(GTask) task = NULL;
  PredictJob *j;

  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);

  if (run == NULL)
    {
      _fl_session_error (self, _("Nothing to predict with."), _("Train a model first, or pick a run that has one."));
      return FALSE;
    }
  if (self->predicting != NULL)
    {
      _fl_session_error (self, _("A prediction is running."), _("Wait for it, or cancel it."));
      return FALSE;
    }
  j = g_new0 (PredictJob, 1);
  j->pred = fl_run_predictor (run);
  /* the images of the new rows live where the model's did */
  j->images_dir = g_strdup (fl_run_dataset (run)->images_dir);
  j->csv_path = g_strdup (csv_path);
  j->out_path = predictions_path (csv_path);
  self->predicting = g_cancellable_new ();
  _fl_session_notify_predicting (self);
  fl_session_set_status (self, _("Predicting…"));
  task = g_task_new (self, self->predicting, predict_done_cb, NULL);
  /* what happened, even if cancelled too late to stop the writing */
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, j, predict_job_free);
  g_task_run_in_thread (task, predict_thread);
  return TRUE;
}

gboolean
fl_session_get_predicting (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  return self->predicting != NULL;
}

void
fl_session_cancel_predict (FlSession *self)
{
  g_return_if_fail (FL_IS_SESSION (self));

  if (self->predicting != NULL)
    g_cancellable_cancel (self->predicting);
}

const FlExperimentData *
fl_session_get_runs_data (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);
  return self->runs_data.csv_path != NULL ? &self->runs_data : NULL;
}

/* text with every path in it by its base name */
static char *
with_base_name (const char *text,
                const char *path)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *base = NULL;

  if (path == NULL || *path == '\0')
    return g_strdup (text);
  parts = g_strsplit (text, path, -1);
  base = g_path_get_basename (path);
  return g_strjoinv (base, parts);
}

/* (the files by their base names: the status line is one line, and the
 * full paths are in the run's settings and experiment file) */
char *
_fl_session_transfer_note (FlRun *run)
{
  const char *report = run != NULL ? fl_run_transfer_report (run) : NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *line = NULL, *short_files = NULL, *shorter = NULL;

  if (report == NULL)
    return g_strdup ("");
  lines = g_strsplit (report, "\n", -1);
  line = g_strjoinv ("; ", lines);
  short_files = with_base_name (line, fl_run_settings (run)->init_from);
  shorter = with_base_name (short_files, fl_run_settings (run)->word_vectors);
  return g_strconcat (" · ", shorter, NULL);
}

void
_fl_session_warn_held_out (FlSession *self,
                           FlRun     *run)
{
  g_autofree char *why = NULL;
  /* the engine's warning starts so (fl_transfer_held_out_seen()); the
   * heading says it here */
  const char *warning = _("warning: ");

  if (run != NULL && fl_transfer_held_out_seen (run, &why, NULL))
    _fl_session_error (self, _("Careful:"), g_str_has_prefix (why, warning) ? why + strlen (warning) : why);
}
