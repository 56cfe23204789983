/* SPDX-License-Identifier: MIT
 *
 * The session's tests on other labelled data (issue 18, "Evaluate on Test
 * Data…"): a model — the shown run's, or a model file — predicts a folder
 * and CSV loaded at the model's image size and fit, in a worker thread, by
 * the code of `fusionlab-cli evaluate` (fl-evaluation.h). The last test
 * stays with its data for the results view and the galleries, and each
 * test joins the runs as a row of its own (fl_comparison_add_test()),
 * shown at once, holding its data while the row lives.
 */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session-private.h"

#include "fl-evaluation.h"
#include "fl-predictor.h"
#include "fl-i18n.h"

#include <string.h>

typedef struct {
  FlPredictor  *pred;         /* NULL: loaded from model_path in the thread */
  char         *model_path;
  char         *images_dir;
  char         *csv_path;
  FlDataset    *ds;
  FlEvaluation *ev;
  FlComparison *cmp;          /* the runs when it started, compared only */
  int           of;           /* the run tested, or -1 (a model file) */
} TestJob;

/* Where a test row keeps its data (a reference on the FlRunItem). */
#define TEST_SAMPLES "fl-test-samples"

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

/* "model" of "model.safetensors" */
static char *
model_name (const char *path)
{
  char *name = g_path_get_basename (path), *dot = strrchr (name, '.');

  if (dot != NULL && dot != name)
    *dot = '\0';
  return name;
}

/* The last test as a row of the runs, and shown: when the runs are those
 * it started with and nothing trains (the worker owns the results of the
 * runs it trains). Without runs (a model file tested first), no row. */
static void
add_test_row (FlSession *self,
              TestJob   *j)
{
  g_autofree char *name = j->model_path != NULL ? model_name (j->model_path) : NULL;
  FlFusion fusion = fl_model_config (fl_predictor_model (j->pred))->fusion;
  FlRunItem *item;
  int i;

  if (self->cmp == NULL || self->cmp != j->cmp || fl_session_get_training (self) ||
      j->of >= fl_comparison_n_runs (self->cmp))
    return;
  i = fl_comparison_add_test (self->cmp, j->of, name, fusion, j->images_dir, j->csv_path,
                              fl_validation_copy (self->test_eval->validation));
  fl_comparison_result (self->cmp, i)->n_params = fl_model_n_params (fl_predictor_model (j->pred));
  item = fl_run_list_append (self->runs, fl_comparison_result (self->cmp, i));
  g_object_set_data_full (G_OBJECT (item), TEST_SAMPLES, fl_dataset_ref (self->test_ds),
                          (GDestroyNotify) fl_dataset_unref);
  fl_session_show_run (self, i);
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
  add_test_row (self, j);
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
  j->cmp = self->cmp;
  j->of = model_path == NULL ? self->shown_run : -1;
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

gboolean
fl_session_remove_test (FlSession *self,
                        int        run)
{
  g_return_val_if_fail (FL_IS_SESSION (self), FALSE);

  /* the worker reads the results by their indices */
  if (self->cmp == NULL || run < 0 || run >= fl_comparison_n_runs (self->cmp) ||
      fl_session_get_training (self) || !fl_comparison_remove_test (self->cmp, run))
    return FALSE;
  fl_run_list_remove (self->runs, run);
  if (self->shown_run == run)
    {
      self->shown_run = -1;
      fl_session_show_run (self, fl_run_list_get_best (self->runs));
      if (self->shown_run == -1)
        _fl_session_notify_shown_run (self);
    }
  else if (self->shown_run > run)
    self->shown_run--;
  return TRUE;
}

FlDataset *
_fl_session_test_samples (FlSession *self,
                          int        run)
{
  FlRunItem *item = fl_run_list_get (self->runs, run);

  return item != NULL ? g_object_get_data (G_OBJECT (item), TEST_SAMPLES) : NULL;
}

/* The last test's words, or for an earlier one (or reopened) what its row
 * holds: the same sentence, without the rows skipped and classes unknown. */
char *
_fl_session_describe_test_run (FlSession *self,
                               int        run)
{
  const FlRunResult *r = fl_comparison_result (self->cmp, run);
  g_autofree char *csv = g_path_get_basename (r->tested_on);
  int n = r->validation != NULL ? r->validation->n : 0;

  if (self->test_ds != NULL && _fl_session_test_samples (self, run) == self->test_ds)
    return fl_session_describe_test (self);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Tested on %s: %d test sample",
                                       "Tested on %s: %d test samples", n), csv, n);
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
