/* SPDX-License-Identifier: MIT
 *
 * The session's tests on other labelled data (issue 18, "Evaluate on Test
 * Data…"): a model — the shown run's, or a model file — predicts a folder
 * and CSV loaded at the model's image size and fit, in a worker thread, by
 * the code of `fusionlab-cli evaluate` (fl-evaluation.h). The last test
 * stays with its data for the results view and the galleries.
 */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session-private.h"

#include "fl-evaluation.h"
#include "fl-predictor.h"
#include "fl-i18n.h"

typedef struct {
  FlPredictor  *pred;         /* NULL: loaded from model_path in the thread */
  char         *model_path;
  char         *images_dir;
  char         *csv_path;
  FlDataset    *ds;
  FlEvaluation *ev;
} TestJob;

static void
test_job_free (gpointer p)
{
  TestJob *j = p;

  g_clear_pointer (&j->pred, fl_predictor_free);
  g_clear_pointer (&j->ds, fl_dataset_unref);
  g_clear_pointer (&j->ev, fl_evaluation_free);
  g_free (j->model_path);
  g_free (j->images_dir);
  g_free (j->csv_path);
  g_free (j);
}

static void
test_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  TestJob *j = data;
  FlDataSpec spec = { .images_dir = j->images_dir, .csv_path = j->csv_path };
  GError *error = NULL;

  if (j->pred == NULL && (j->pred = fl_predictor_load (j->model_path, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  fl_evaluation_spec (j->pred, &spec);
  if ((j->ds = fl_dataset_load (&spec, NULL, NULL, cancellable, &error)) == NULL ||
      (j->ev = fl_evaluation_run (j->pred, j->ds, &error)) == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
_fl_session_clear_test (FlSession *self)
{
  g_clear_pointer (&self->test_ds, fl_dataset_unref);
  g_clear_pointer (&self->test_eval, fl_evaluation_free);
  g_clear_pointer (&self->test_name, g_free);
}

static void
test_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FlSession *self = FL_SESSION (source);
  TestJob *j = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(FlMetrics) m = NULL;
  int n;

  g_clear_object (&self->testing);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _fl_session_error (self, _("Could not test the model."), error->message);
      fl_session_set_status (self, _("Testing stopped."));
      return;
    }
  _fl_session_clear_test (self);
  self->test_ds = g_steal_pointer (&j->ds);
  self->test_eval = g_steal_pointer (&j->ev);
  self->test_name = g_path_get_basename (j->csv_path);
  m = fl_evaluation_metrics (self->test_eval);
  n = self->test_eval->validation->n;
  /* TRANSLATORS: %s is the test data's CSV file */
  _fl_session_set_status (self, g_dngettext (GETTEXT_PACKAGE,
                                             "Tested on %s: accuracy %.1f%% · macro-F1 %.3f over %d sample",
                                             "Tested on %s: accuracy %.1f%% · macro-F1 %.3f over %d samples", n),
                          self->test_name, 100.0 * fl_metrics_accuracy (m), fl_metrics_macro_f1 (m), n);
  g_signal_emit (self, fl_session_signals[SIGNAL_TESTED], 0);
}

gboolean
fl_session_test (FlSession  *self,
                 const char *model_path,
                 const char *images_dir,
                 const char *csv_path)
{
  FlRun *run = fl_session_get_shown_model (self);
  g_autoptr(GTask) task = NULL;
  TestJob *j;

  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  g_return_val_if_fail (images_dir != NULL && csv_path != NULL, FALSE);

  if (model_path == NULL && run == NULL)
    {
      _fl_session_error (self, _("Nothing to test."),
                         _("Train a model first, pick a run that has one, or choose a model file."));
      return FALSE;
    }
  if (self->testing != NULL)
    {
      _fl_session_error (self, _("A test is running."), _("Wait for it to end."));
      return FALSE;
    }
  j = g_new0 (TestJob, 1);
  j->pred = model_path == NULL ? fl_run_predictor (run) : NULL;
  j->model_path = g_strdup (model_path);
  j->images_dir = g_strdup (images_dir);
  j->csv_path = g_strdup (csv_path);
  self->testing = g_cancellable_new ();
  fl_session_set_status (self, _("Testing the model on other data…"));
  task = g_task_new (self, self->testing, test_done_cb, NULL);
  g_task_set_task_data (task, j, test_job_free);
  g_task_run_in_thread (task, test_thread);
  return TRUE;
}

gboolean
fl_session_get_testing (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);
  return self->testing != NULL;
}

const FlEvaluation *
fl_session_get_test (FlSession  *self,
                     FlDataset **ds)
{
  g_return_val_if_fail (FL_IS_SESSION (self), NULL);

  if (ds != NULL)
    *ds = self->test_ds;
  return self->test_eval;
}

char *
fl_session_describe_test (FlSession *self)
{
  g_autofree char *unknown = NULL;
  g_autoptr(GString) s = NULL;
  int n, skipped;

  g_return_val_if_fail (FL_IS_SESSION (self), NULL);

  if (self->test_eval == NULL)
    return NULL;
  unknown = fl_evaluation_unknown_note (self->test_eval);
  s = g_string_new (NULL);
  n = self->test_eval->validation->n;
  skipped = self->test_ds->report.n_skipped;
  /* TRANSLATORS: %s is the test data's CSV file */
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "Tested on %s: %d test sample",
                                          "Tested on %s: %d test samples", n), self->test_name, n);
  if (skipped > 0)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " · %d row skipped (unreadable or incomplete)",
                                            " · %d rows skipped (unreadable or incomplete)", skipped), skipped);
  if (unknown != NULL)
    g_string_append_printf (s, " · %s", unknown);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

void
_fl_session_class_add_test_signals (GType type)
{
  fl_session_signals[SIGNAL_TESTED] =
    g_signal_new ("tested", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}
