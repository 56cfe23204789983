/* SPDX-License-Identifier: MIT
 *
 * A model trained elsewhere as a run (issue 17): a model file — from an
 * export to PyTorch's train.py, another machine or another session —
 * evaluated on the validation split of the data loaded, in the background,
 * and added to the runs, where its confusion matrix, galleries,
 * predictions and reliance work as for a run trained here.
 */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session-private.h"

#include "fl-predictor.h"
#include "fl-i18n.h"

typedef struct {
  char           *path;
  FlDataset      *ds;
  FlTrainSettings split;
  FlRun          *run;    /* the result */
} OpenJob;

static void
open_job_free (gpointer p)
{
  OpenJob *job = p;

  g_free (job->path);
  fl_dataset_unref (job->ds);
  g_clear_pointer (&job->run, fl_run_free);
  g_free (job);
}

/* On a worker thread: the file read, checked against the data and
 * evaluated. */
static void
open_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  OpenJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) pred = fl_predictor_load (job->path, &error);

  if (pred != NULL)
    job->run = fl_run_new_from_model (job->ds, &job->split, pred, job->path, &error);
  if (job->run == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* "model.safetensors (opened)", or with a number when one of that name is
 * there already. Not translated: a run's name is its identifier in the
 * experiment file, as the engine's "concat 2" is. */
static char *
run_name (FlSession *self, const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *name = g_strdup_printf ("%s (opened)", base);

  for (int k = 2; k < 1000; k++)
    {
      gboolean taken = FALSE;

      for (int i = 0; i < fl_comparison_n_runs (self->cmp) && !taken; i++)
        taken = g_strcmp0 (fl_comparison_result (self->cmp, i)->name, name) == 0;
      if (!taken)
        break;
      g_free (name);
      name = g_strdup_printf ("%s (opened %d)", base, k);
    }
  return name;
}

static void
open_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FlSession *self = FL_SESSION (source);
  OpenJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const FlMetrics *m;
  int i, n_val;

  self->opening = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      _fl_session_error (self, _("Could not open the model."), error->message);
      return;
    }
  /* the data changed, or a run started, while it was read */
  if (job->ds != self->ds || fl_session_get_training (self))
    return;
  _fl_session_ensure_comparison (self, &job->split);
  name = run_name (self, job->path);
  m = fl_run_metrics (job->run);
  fl_run_val_indices (job->run, &n_val);
  _fl_session_set_status (self, _("Opened %s: %.1f%% of %d validation samples right."), name,
                          100.0 * fl_metrics_accuracy (m), n_val);
  i = fl_comparison_add_trained (self->cmp, g_steal_pointer (&job->run), name);
  fl_run_item_set_data_branches (fl_run_list_append (self->runs, fl_comparison_result (self->cmp, i)),
                                 fl_session_get_branches (self));
  fl_run_list_update_best (self->runs);
  fl_session_show_run (self, i);
}

gboolean
fl_session_open_model (FlSession             *self,
                       const char            *path,
                       const FlTrainSettings *split)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (path != NULL && split != NULL, FALSE);

  if (self->ds == NULL || fl_session_get_training (self) || self->opening)
    {
      _fl_session_error (self, _("Could not open the model."),
                         self->ds == NULL ? _("Load the data to evaluate it on first.")
                                          : _("Wait for the runs under way to end."));
      return FALSE;
    }
  job = g_new0 (OpenJob, 1);
  job->path = g_strdup (path);
  job->ds = fl_dataset_ref (self->ds);
  job->split = *split;
  self->opening = TRUE;
  _fl_session_set_status (self, _("Evaluating the model on the validation split…"));
  task = g_task_new (self, NULL, open_done_cb, NULL);
  g_task_set_task_data (task, job, open_job_free);
  g_task_run_in_thread (task, open_thread);
  return TRUE;
}

gboolean
fl_session_get_opening (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  return self->opening;
}
