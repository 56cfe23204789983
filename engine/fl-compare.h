/* SPDX-License-Identifier: MIT
 *
 * fl-compare.h — several runs on the same data, split and seed, and their
 * results: the per-epoch curves, the best epoch, the time, the size. Used by
 * `fusionlab-cli compare` and by the app's runs list, so both print the same
 * table and write the same metrics CSV.
 */
#pragma once

#include "fl-trainer.h"

G_BEGIN_DECLS

typedef enum {
  FL_RUN_PENDING,
  FL_RUN_RUNNING,
  FL_RUN_DONE,
  FL_RUN_FAILED,
  FL_RUN_CANCELLED,
} FlRunStatus;

/* "pending", "running", "done", "failed", "cancelled" */
const char *fl_run_status_to_string (FlRunStatus status);
/* FALSE for an unknown name. */
gboolean    fl_run_status_from_string (const char *name, FlRunStatus *status);

typedef struct {
  char           *name;          /* "concat", or "concat #2" for a repeat */
  FlFusion        fusion;
  FlTrainSettings settings;
  int             image_size;    /* S of the data it was added on; 0: unknown */
  FlRunStatus     status;
  char           *error;         /* with FL_RUN_FAILED */
  GArray         *epochs;        /* of FlEpochStats */
  double          best_val_acc;
  double          best_val_f1;   /* macro-F1 at the best epoch */
  int             best_epoch;    /* 1-based; 0 before the first epoch */
  double          train_seconds;
  gsize           n_params;
  GArray         *batch_loss;    /* of double: every batch's mean loss, in order */
  int             batches_per_epoch;
  FlValidation   *validation;    /* the last evaluation's predictions, or NULL */
} FlRunResult;

typedef struct {
  void   (*batch_done) (const FlRunResult *run, const FlBatchStats *stats, gpointer user_data);
  void   (*epoch_done) (const FlRunResult *run, const FlEpochStats *stats, gpointer user_data);
  gpointer user_data;
} FlCompareCallbacks;

typedef struct FlComparison FlComparison;

/* The comparison keeps a reference to ds (for the runs to come). */
FlComparison *fl_comparison_new (FlDataset *ds, const FlTrainSettings *base);
void          fl_comparison_free (FlComparison *cmp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlComparison, fl_comparison_free)

/* Replaces the data of the runs to come; NULL for none (an experiment
 * reopened before its data). */
void          fl_comparison_set_dataset (FlComparison *cmp, FlDataset *ds);
const FlTrainSettings *fl_comparison_base_settings (FlComparison *cmp);

/* Adds a pending run of the base settings with this fusion; returns its index. */
int           fl_comparison_add (FlComparison *cmp, FlFusion fusion);
/* Adds a pending run with its own settings; returns its index. */
int           fl_comparison_add_settings (FlComparison *cmp, const FlTrainSettings *settings);
int           fl_comparison_n_runs (FlComparison *cmp);
FlRunResult  *fl_comparison_result (FlComparison *cmp, int i);
/* The trained run (model, metrics, validation probabilities), or NULL before
 * it has been trained. Owned by the comparison. */
FlRun        *fl_comparison_run (FlComparison *cmp, int i);

/* Trains run i (blocking; call from a worker thread in a UI). Cancelling
 * gives G_IO_ERROR_CANCELLED and leaves the run FL_RUN_CANCELLED. */
gboolean      fl_comparison_train (FlComparison             *cmp,
                                   int                       i,
                                   const FlCompareCallbacks *callbacks,
                                   GCancellable             *cancellable,
                                   GError                  **error);

/* The rule for the best run, in one place for the table, the experiment and
 * the app's runs list: a finished run with the highest best validation
 * accuracy, the first of equals. Whether a run of this status and accuracy
 * beats the best so far (best: its index, or -1 for none yet). */
gboolean      fl_run_outranks (FlRunStatus status, double acc, int best, double best_acc);
/* The best run by that rule, or -1. */
int           fl_comparison_best (FlComparison *cmp);

/* The results table, one line per run, as printed by the CLI. */
char         *fl_comparison_table (FlComparison *cmp);

/* The runs table as CSV, one row per run. */
gboolean      fl_comparison_write_runs_csv (FlComparison *cmp, const char *path, GError **error);

/* Every run's per-epoch metrics, one row per run and epoch. */
gboolean      fl_comparison_write_metrics_csv (FlComparison *cmp, const char *path, GError **error);

G_END_DECLS
