/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-compare"

#include "fl-compare.h"

#include "fl-csv.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

struct FlComparison {
  FlDataset      *ds;        /* a reference, or NULL */
  FlTrainSettings base;
  GPtrArray      *results;   /* of FlRunResult* */
  GPtrArray      *runs;      /* of FlRun*, NULL until trained */
  int             cv_folds;  /* the cross-validation design; 0, 0: none */
  int             cv_repeats;
};

static void
result_free (gpointer p)
{
  FlRunResult *r = p;
  g_free (r->name);
  g_free (r->error);
  g_free (r->tested_on);
  g_free (r->test_images);
  g_array_unref (r->epochs);
  g_array_unref (r->batch_loss);
  fl_validation_free (r->validation);
  g_free (r);
}

static void
run_free0 (gpointer p)
{
  if (p != NULL)
    fl_run_free (p);
}

FlComparison *
fl_comparison_new (FlDataset *ds, const FlTrainSettings *base)
{
  FlComparison *cmp = g_new0 (FlComparison, 1);

  cmp->ds = ds != NULL ? fl_dataset_ref (ds) : NULL;
  cmp->base = *base;
  cmp->results = g_ptr_array_new_with_free_func (result_free);
  cmp->runs = g_ptr_array_new_with_free_func (run_free0);
  return cmp;
}

void
fl_comparison_free (FlComparison *cmp)
{
  if (cmp == NULL)
    return;
  g_ptr_array_unref (cmp->results);
  g_ptr_array_unref (cmp->runs);
  g_clear_pointer (&cmp->ds, fl_dataset_unref);
  g_free (cmp);
}

void
fl_comparison_set_dataset (FlComparison *cmp, FlDataset *ds)
{
  if (ds != NULL)
    fl_dataset_ref (ds);
  g_clear_pointer (&cmp->ds, fl_dataset_unref);
  cmp->ds = ds;
}

const FlTrainSettings *
fl_comparison_base_settings (FlComparison *cmp)
{
  return &cmp->base;
}

int
fl_comparison_add (FlComparison *cmp, FlFusion fusion)
{
  FlTrainSettings s = cmp->base;

  s.fusion = fusion;
  return fl_comparison_add_settings (cmp, &s);
}

int
fl_comparison_add_settings (FlComparison *cmp, const FlTrainSettings *settings)
{
  FlRunResult *r = g_new0 (FlRunResult, 1);
  FlFusion fusion = settings->fusion;
  int same = 0;

  for (guint i = 0; i < cmp->results->len; i++)
    same += ((FlRunResult *) cmp->results->pdata[i])->fusion == fusion;
  r->fusion = fusion;
  r->name = same == 0 ? g_strdup (fl_fusion_to_string (fusion))
                      : g_strdup_printf ("%s #%d", fl_fusion_to_string (fusion), same + 1);
  r->settings = *settings;
  r->image_size = cmp->ds != NULL ? cmp->ds->image_size : 0;
  r->image_fit = cmp->ds != NULL ? cmp->ds->image_fit : FL_IMAGE_FIT_SQUASH;
  r->status = FL_RUN_PENDING;
  r->epochs = g_array_new (FALSE, TRUE, sizeof (FlEpochStats));
  r->batch_loss = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (cmp->results, r);
  g_ptr_array_add (cmp->runs, NULL);
  return (int) cmp->results->len - 1;
}

int
fl_comparison_add_trained (FlComparison *cmp, FlRun *run, const char *name)
{
  int i = fl_comparison_add_settings (cmp, fl_run_settings (run));
  FlRunResult *r = fl_comparison_result (cmp, i);
  const FlMetrics *m = fl_run_metrics (run);
  FlEpochStats e = {
    .epoch = 1, .n_epochs = 1, .train_loss = NAN, .train_acc = NAN,
    .val_loss = fl_metrics_mean_loss (m), .val_acc = fl_metrics_accuracy (m),
    .val_f1 = fl_metrics_macro_f1 (m),
  };

  g_free (r->name);
  r->name = g_strdup (name);
  r->image_size = fl_run_dataset (run)->image_size;
  r->status = FL_RUN_DONE;
  g_array_append_val (r->epochs, e);
  r->best_epoch = 1;
  r->best_val_acc = e.val_acc;
  r->best_val_f1 = e.val_f1;
  r->n_params = fl_model_n_params (fl_run_model (run));
  r->validation = fl_run_validation (run);
  g_ptr_array_index (cmp->runs, i) = run;
  return i;
}

int
fl_comparison_add_test (FlComparison *cmp,
                        int           of,
                        const char   *model_name,
                        FlFusion      fusion,
                        const char   *images_dir,
                        const char   *csv_path,
                        FlValidation *v)
{
  const FlRunResult *tested = of >= 0 ? fl_comparison_result (cmp, of) : NULL;
  FlTrainSettings s = tested != NULL ? tested->settings : cmp->base;
  g_autofree char *base = g_path_get_basename (csv_path);
  g_autoptr(FlMetrics) m = fl_validation_metrics (v);
  FlRunResult *r;
  int i;

  g_return_val_if_fail (of < fl_comparison_n_runs (cmp), -1);

  if (tested == NULL)
    s.fusion = fusion;
  i = fl_comparison_add_settings (cmp, &s);
  r = fl_comparison_result (cmp, i);
  if (g_str_has_suffix (base, ".csv"))
    base[strlen (base) - 4] = '\0';
  g_free (r->name);
  r->name = g_strdup_printf ("%s · test: %s", tested != NULL ? tested->name : model_name, base);
  r->tested_on = g_strdup (csv_path);
  r->test_images = g_strdup (images_dir);
  r->test_of = of;
  if (tested != NULL)
    {
      r->image_size = tested->image_size;
      r->image_fit = tested->image_fit;
      r->n_params = tested->n_params;
    }
  r->status = FL_RUN_DONE;
  r->best_val_acc = fl_metrics_accuracy (m);
  r->best_val_f1 = fl_metrics_macro_f1 (m);
  r->validation = v;
  return i;
}

gboolean
fl_comparison_remove_test (FlComparison *cmp, int i)
{
  g_return_val_if_fail (i >= 0 && i < fl_comparison_n_runs (cmp), FALSE);

  if (fl_comparison_result (cmp, i)->tested_on == NULL)
    return FALSE;
  g_ptr_array_remove_index (cmp->results, (guint) i);
  g_ptr_array_remove_index (cmp->runs, (guint) i);
  /* a test is of a training run, never of the test removed */
  for (int k = i; k < fl_comparison_n_runs (cmp); k++)
    {
      FlRunResult *r = fl_comparison_result (cmp, k);

      if (r->tested_on != NULL && r->test_of > i)
        r->test_of--;
    }
  return TRUE;
}

int
fl_comparison_add_cv (FlComparison          *cmp,
                      const FlTrainSettings *base,
                      const FlFusion        *fusions,
                      int                    n_fusions,
                      int                    folds,
                      int                    repeats)
{
  int first = fl_comparison_n_runs (cmp);

  g_return_val_if_fail (base != NULL && fusions != NULL && n_fusions >= 1, -1);
  g_return_val_if_fail (folds >= 2 && repeats >= 1, -1);
  for (int r = 0; r < repeats; r++)
    for (int f = 0; f < folds; f++)
      for (int j = 0; j < n_fusions; j++)
        {
          FlTrainSettings s = *base;
          FlRunResult *res;

          s.fusion = fusions[j];
          s.kfold = folds;
          s.fold = f;
          s.seed = base->seed + (guint64) r;
          res = fl_comparison_result (cmp, fl_comparison_add_settings (cmp, &s));
          res->repeat = r;
          g_free (res->name);
          res->name = repeats > 1
                      ? g_strdup_printf ("%s · r%d · fold %d/%d", fl_fusion_to_string (s.fusion),
                                         r + 1, f + 1, folds)
                      : g_strdup_printf ("%s · fold %d/%d", fl_fusion_to_string (s.fusion),
                                         f + 1, folds);
        }
  fl_comparison_set_cv (cmp, folds, repeats);
  return first;
}

int
fl_comparison_cv_folds (FlComparison *cmp)
{
  return cmp->cv_folds;
}

int
fl_comparison_cv_repeats (FlComparison *cmp)
{
  return cmp->cv_repeats;
}

void
fl_comparison_set_cv (FlComparison *cmp, int folds, int repeats)
{
  g_return_if_fail ((folds == 0 && repeats == 0) || (folds >= 2 && repeats >= 1));
  cmp->cv_folds = folds;
  cmp->cv_repeats = repeats;
}

int
fl_comparison_n_runs (FlComparison *cmp)
{
  return (int) cmp->results->len;
}

FlRunResult *
fl_comparison_result (FlComparison *cmp, int i)
{
  g_return_val_if_fail (i >= 0 && i < (int) cmp->results->len, NULL);
  return cmp->results->pdata[i];
}

FlRun *
fl_comparison_run (FlComparison *cmp, int i)
{
  g_return_val_if_fail (i >= 0 && i < (int) cmp->runs->len, NULL);
  return cmp->runs->pdata[i];
}

void
fl_comparison_release_run (FlComparison *cmp, int i)
{
  g_return_if_fail (i >= 0 && i < (int) cmp->runs->len);
  g_clear_pointer (&g_ptr_array_index (cmp->runs, i), fl_run_free);
}

typedef struct {
  FlRunResult              *r;
  const FlCompareCallbacks *cb;
} Relay;

static void
relay_batch (const FlBatchStats *s, gpointer data)
{
  Relay *rl = data;

  g_array_append_val (rl->r->batch_loss, s->loss);
  rl->r->batches_per_epoch = s->n_batches;
  if (rl->cb != NULL && rl->cb->batch_done != NULL)
    rl->cb->batch_done (rl->r, s, rl->cb->user_data);
}

static void
relay_epoch (const FlEpochStats *s, gpointer data)
{
  Relay *rl = data;
  FlRunResult *r = rl->r;

  g_array_append_val (r->epochs, *s);
  r->train_seconds += s->seconds;
  if (r->best_epoch == 0 || s->val_acc > r->best_val_acc)
    {
      r->best_epoch = s->epoch;
      r->best_val_acc = s->val_acc;
      r->best_val_f1 = s->val_f1;
    }
  if (rl->cb != NULL && rl->cb->epoch_done != NULL)
    rl->cb->epoch_done (r, s, rl->cb->user_data);
}

gboolean
fl_comparison_train (FlComparison             *cmp,
                     int                       i,
                     const FlCompareCallbacks *callbacks,
                     GCancellable             *cancellable,
                     GError                  **error)
{
  FlRunResult *r = fl_comparison_result (cmp, i);
  Relay relay = { r, callbacks };
  FlTrainCallbacks tcb = { relay_batch, relay_epoch, &relay };
  g_autoptr(GError) local = NULL;
  FlRun *run;

  g_return_val_if_fail (r != NULL, FALSE);
  g_array_set_size (r->epochs, 0);
  g_array_set_size (r->batch_loss, 0);
  r->batches_per_epoch = 0;
  g_clear_pointer (&r->validation, fl_validation_free);
  r->best_epoch = 0;
  r->best_val_acc = r->best_val_f1 = r->train_seconds = 0;
  g_clear_pointer (&r->error, g_free);
  g_clear_pointer (&g_ptr_array_index (cmp->runs, i), fl_run_free);
  if (cmp->ds == NULL)
    {
      g_set_error_literal (&local, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                           _("no data is loaded to train on"));
      r->status = FL_RUN_FAILED;
      r->error = g_strdup (local->message);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }

  run = fl_run_new (cmp->ds, &r->settings, &local);
  if (run != NULL)
    {
      g_ptr_array_index (cmp->runs, i) = run;
      r->n_params = fl_model_n_params (fl_run_model (run));
      r->status = FL_RUN_RUNNING;
      if (fl_run_train (run, &tcb, cancellable, &local))
        {
          r->validation = fl_run_validation (run);
          r->status = FL_RUN_DONE;
          return TRUE;
        }
      /* a stopped run keeps what its last evaluation predicted — not one
       * whose numbers broke down: those came from weights thrown away */
      if (!g_error_matches (local, FL_ENGINE_ERROR, FL_ENGINE_ERROR_NUMERIC))
        r->validation = fl_run_validation (run);
    }
  r->status = g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED)
              ? FL_RUN_CANCELLED : FL_RUN_FAILED;
  r->error = g_strdup (local->message);
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static const char *const status_names[] = {
  [FL_RUN_PENDING] = "pending",
  [FL_RUN_RUNNING] = "running",
  [FL_RUN_DONE] = "done",
  [FL_RUN_FAILED] = "failed",
  [FL_RUN_CANCELLED] = "cancelled",
};

const char *
fl_run_status_to_string (FlRunStatus status)
{
  g_return_val_if_fail ((guint) status < G_N_ELEMENTS (status_names), "?");
  return status_names[status];
}

gboolean
fl_run_status_from_string (const char *name, FlRunStatus *status)
{
  int i = fl_name_index (status_names, G_N_ELEMENTS (status_names), name);

  if (i >= 0)
    *status = (FlRunStatus) i;
  return i >= 0;
}

gboolean
fl_run_outranks (FlRunStatus status,
                 double      acc,
                 int         best,
                 double      best_acc)
{
  return status == FL_RUN_DONE && (best < 0 || acc > best_acc);
}

int
fl_comparison_best (FlComparison *cmp)
{
  int best = -1;

  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      const FlRunResult *r = fl_comparison_result (cmp, i);

      if (r->tested_on == NULL && fl_run_outranks (r->status, r->best_val_acc, best,
                           best >= 0 ? fl_comparison_result (cmp, best)->best_val_acc : 0.0))
        best = i;
    }
  return best;
}

char *
fl_comparison_table (FlComparison *cmp)
{
  GString *s = g_string_new (NULL);
  int best = fl_comparison_best (cmp);

  g_string_append_printf (s, "%-12s %-9s %8s %8s %10s %9s %10s %7s\n",
                          "run", "status", "val_acc", "val_f1", "best_epoch",
                          "train_s", "params", "best");
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      FlRunResult *r = fl_comparison_result (cmp, i);
      g_string_append_printf (s, "%-12s %-9s %8.4f %8.4f %10d %9.1f %10zu %7s\n",
                              r->name, fl_run_status_to_string (r->status), r->best_val_acc, r->best_val_f1,
                              r->best_epoch, r->train_seconds, r->n_params,
                              i == best ? "*" : "");
    }
  return g_string_free (s, FALSE);
}

gboolean
fl_comparison_write_runs_csv (FlComparison *cmp, const char *path, GError **error)
{
  g_autoptr(GString) s = g_string_new ("run,fusion,status,best_val_acc,best_val_f1,best_epoch,"
                                       "train_seconds,params,epochs,batch_size,lr,feat_dim,"
                                       "val_fraction,seed,image_size,tested_on\n");

  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      FlRunResult *r = fl_comparison_result (cmp, i);

      /* the name may come from anybody's experiment file */
      fl_csv_append_field (s, r->name);
      g_string_append_printf (s, ",%s,%s,%.6f,%.6f,%d,%.3f,%zu,%d,%d,%g,%d,%g,%" G_GUINT64_FORMAT ",%d,",
                              fl_fusion_to_string (r->fusion), fl_run_status_to_string (r->status),
                              r->best_val_acc, r->best_val_f1, r->best_epoch, r->train_seconds,
                              r->n_params, r->settings.epochs, r->settings.batch_size,
                              r->settings.lr, r->settings.feat_dim, r->settings.val_fraction,
                              r->settings.seed, r->image_size);
      if (r->tested_on != NULL)
        fl_csv_append_field (s, r->tested_on);
      g_string_append_c (s, '\n');
    }
  return g_file_set_contents_full (path, s->str, (gssize) s->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

gboolean
fl_comparison_write_metrics_csv (FlComparison *cmp, const char *path, GError **error)
{
  g_autoptr(GString) s = g_string_new ("run,fusion,epoch,train_loss,train_acc,val_loss,val_acc,"
                                       "val_f1,samples_per_s,seconds,samples_seen,fold,repeat\n");

  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      FlRunResult *r = fl_comparison_result (cmp, i);
      for (guint e = 0; e < r->epochs->len; e++)
        {
          FlEpochStats *st = &g_array_index (r->epochs, FlEpochStats, e);

          fl_csv_append_field (s, r->name);
          g_string_append_printf (s, ",%s,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.1f,%.3f,%" G_GINT64_FORMAT,
                                  fl_fusion_to_string (r->fusion), st->epoch,
                                  st->train_loss, st->train_acc, st->val_loss, st->val_acc,
                                  st->val_f1, st->samples_per_s, st->seconds, st->samples_seen);
          if (r->settings.kfold >= 2)
            g_string_append_printf (s, ",%d,%d\n", r->settings.fold, r->repeat);
          else
            g_string_append (s, ",,\n");
        }
    }
  return g_file_set_contents_full (path, s->str, (gssize) s->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
