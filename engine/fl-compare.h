/* SPDX-License-Identifier: MIT
 *
 * fl-compare.h — several runs on the same data, split and seed, and their
 * results: the per-epoch curves, the best epoch, the time, the size. Used by
 * `fusionlab-cli compare` and by the app's runs list, so both print the same
 * table and write the same metrics CSV.
 *
 * A comparison on one split is a poor judge of which fusion is better (issue
 * 12: text beat product with seed 42, product led by 8 points with seed 43),
 * so a comparison can also be a repeated stratified k-fold of every route on
 * the same folds (fl_comparison_add_cv()), read route by route with paired
 * tests and a verdict in words (the second half of this header).
 */
#pragma once

#include "fl-stats.h"
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
  char           *name;          /* "concat", "concat #2" for a repeat, or in a
                                  * cross-validation "concat · fold 2/5" */
  FlFusion        fusion;
  FlTrainSettings settings;
  int             repeat;        /* in a cross-validation (fl_comparison_add_cv),
                                  * the repeat, 0-based; 0 otherwise */
  int             image_size;    /* S of the data it was added on; 0: unknown */
  FlImageFit      image_fit;     /* and how its pictures were fitted */
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
  /* A test on other data (fl_comparison_add_test()), not a training run:
   * its figures are the test's, over the known-class samples, and it has
   * no epochs, no curves and no model. NULL for a run trained here. */
  char           *tested_on;     /* the test data's CSV */
  char           *test_images;   /* and its images' folder */
  int             test_of;       /* the run whose model was tested, or -1
                                  * (a model file); with tested_on only */
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
/* Adds a repeated stratified k-fold cross-validation of every fusion in
 * fusions[0..n_fusions): for each repeat r < repeats, each fold f < folds
 * and each fusion, in that order, a pending run of base with that fusion,
 * kfold = folds, fold = f and seed = base->seed + r.
 *
 * A k-fold split depends only on the labels, k and the seed
 * (fl_split_kfold()), so every route of a repeat trains and validates on
 * exactly the same folds, and starts from the same initialisation seed; a
 * repeat is another shuffle of the data into folds. Fold-major order means
 * that a comparison stopped midway has whole folds of every route, and so
 * paired differences to test, as early as possible.
 *
 * Runs are named "concat · fold 2/5", and with repeats > 1 "concat · r2 ·
 * fold 2/5" (both 1-based; settings.fold and the metrics CSV count from 0).
 * The comparison keeps folds and repeats as its design
 * (fl_comparison_cv_folds()). folds ≥ 2, repeats ≥ 1. Returns the index of
 * the first run added. */
int           fl_comparison_add_cv (FlComparison          *cmp,
                                    const FlTrainSettings *base,
                                    const FlFusion        *fusions,
                                    int                    n_fusions,
                                    int                    folds,
                                    int                    repeats);
/* The cross-validation design: folds and repeats, or 0 and 0 for a
 * comparison on one split. Set by fl_comparison_add_cv(), and by an
 * experiment file reopened. */
int           fl_comparison_cv_folds (FlComparison *cmp);
int           fl_comparison_cv_repeats (FlComparison *cmp);
void          fl_comparison_set_cv (FlComparison *cmp, int folds, int repeats);

int           fl_comparison_n_runs (FlComparison *cmp);
FlRunResult  *fl_comparison_result (FlComparison *cmp, int i);
/* Adds a run trained elsewhere and evaluated (fl_run_new_from_model()),
 * which the comparison takes: a finished run named name, whose one epoch
 * holds its validation figures (its training figures NaN: not measured
 * here). Returns its index. */
int           fl_comparison_add_trained (FlComparison *cmp, FlRun *run, const char *name);
/* Adds a test on other data of run of's model (or, with of = -1, of a
 * model file of this fusion named model_name), whose predictions v the
 * comparison takes: a finished run named "concat · test: tango" (the CSV's
 * name without ".csv"), with of's settings (the base's otherwise), whose
 * accuracy and macro-F1 are the test's. It is never the best run, nor a
 * fold of a route. Returns its index. */
int           fl_comparison_add_test (FlComparison *cmp,
                                      int           of,
                                      const char   *model_name,
                                      FlFusion      fusion,
                                      const char   *images_dir,
                                      const char   *csv_path,
                                      FlValidation *v);
/* Removes run i when it is a test (the runs after it move up by one);
 * FALSE, and nothing changes, for a training run. */
gboolean      fl_comparison_remove_test (FlComparison *cmp, int i);

/* The trained run (model, metrics, validation probabilities), or NULL before
 * it has been trained. Owned by the comparison. */
FlRun        *fl_comparison_run (FlComparison *cmp, int i);
/* Frees run i's trained model, keeping its result (curves, metrics and last
 * predictions): a cross-validation of 25 runs at S = 64 would otherwise
 * hold 25 models and their Adam moments. fl_comparison_run() then returns
 * NULL for it. */
void          fl_comparison_release_run (FlComparison *cmp, int i);

/* Trains run i (blocking; call from a worker thread in a UI). Cancelling
 * gives G_IO_ERROR_CANCELLED and leaves the run FL_RUN_CANCELLED. */
gboolean      fl_comparison_train (FlComparison             *cmp,
                                   int                       i,
                                   const FlCompareCallbacks *callbacks,
                                   GCancellable             *cancellable,
                                   GError                  **error);

/* The rule for the best run, in one place for the table, the experiment and
 * the app's runs list: a finished run with the highest best validation
 * accuracy, the first of equals — a test on other data never is (its
 * accuracy is on other samples). Whether a run of this status and accuracy
 * beats the best so far (best: its index, or -1 for none yet). */
gboolean      fl_run_outranks (FlRunStatus status, double acc, int best, double best_acc);
/* The best run by that rule, or -1. */
int           fl_comparison_best (FlComparison *cmp);

/* The results table, one line per run, as printed by the CLI. */
char         *fl_comparison_table (FlComparison *cmp);

/* The runs table as CSV, one row per run; the last column, tested_on, is
 * the test data's CSV of a test on other data (empty for a training run). */
gboolean      fl_comparison_write_runs_csv (FlComparison *cmp, const char *path, GError **error);

/* Every run's per-epoch metrics, one row per run and epoch: run, fusion,
 * epoch, train_loss, train_acc, val_loss, val_acc, val_f1, samples_per_s,
 * seconds, samples_seen, then fold and repeat (0-based; both empty for a
 * run on a single split) — appended, so that the columns before keep their
 * places. */
gboolean      fl_comparison_write_metrics_csv (FlComparison *cmp, const char *path, GError **error);

/* ---- a cross-validated comparison, route by route (fl-compare-cv.c) ---- */

/* Differences are significant at p < FL_CV_ALPHA (corrected resampled
 * t-test); the Bayesian test's region of practical equivalence is ±FL_CV_ROPE
 * of accuracy (one point). */
#define FL_CV_ALPHA 0.05
#define FL_CV_ROPE  0.01
/* The largest design the command line and experiment files take. */
#define FL_CV_MAX_FOLDS   100
#define FL_CV_MAX_REPEATS 100

/* One route — a fusion — of a cross-validation: the runs of its folds.
 *
 * A fold's score is the validation accuracy (and macro-F1) of the run's
 * FINAL epoch, not of its best: picking the best of the epochs by the very
 * fold it is scored on is optimistic — the fold would take part in the
 * choice of the model it then grades — and more so for the route with the
 * noisiest curve. (The single-split table keeps best_val_acc, as before.) */
typedef struct {
  FlFusion fusion;
  int      folds;       /* k */
  int      repeats;     /* r */
  int      n_runs;      /* k·r */
  int      n_done;      /* runs finished, FL_RUN_DONE */
  double   acc_mean;    /* over the finished runs */
  double   acc_sd;      /* sample sd (n − 1); 0 with fewer than 2 */
  double   f1_mean;
  double   f1_sd;
  double  *acc;         /* (n_runs): repeat r, fold f at r·k + f; NaN
                         * until that run is finished */
  double  *f1;          /* (n_runs), likewise */
  int     *run;         /* (n_runs): the run's index in the comparison, or
                         * -1 where there is none */
} FlRouteSummary;

void fl_route_summary_free (FlRouteSummary *route);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlRouteSummary, fl_route_summary_free)

/* The routes of cmp's cross-validation, one per fusion in the order of its
 * first run, each owning its arrays; a new array (free it with
 * g_ptr_array_unref()), empty when cmp has no design. Runs outside the
 * design (another k, a repeat beyond it, a single split) are left out. */
GPtrArray *fl_comparison_routes (FlComparison *cmp);

/* Two routes, fold by fold: the folds that both finished, paired. */
typedef struct {
  int          n;            /* paired folds */
  int          wins_a;       /* folds where a's accuracy is higher */
  int          wins_b;       /* … where b's is; the rest are ties */
  double       mean;         /* mean of acc_a − acc_b */
  double       sd;           /* its sample sd */
  FlTTest      ttest;        /* corrected, n_test/n_train = 1/(k−1) */
  FlBayesTTest bayes;        /* correlated, ρ = 1/k, rope ±FL_CV_ROPE;
                              * right: a better, left: b better */
  gboolean     significant;  /* ttest.p < FL_CV_ALPHA */
} FlRouteDiff;

/* Compares a and b (of the same design) on accuracy. Returns FALSE, with
 * out->n set, when fewer than 2 folds are paired: nothing to test. */
gboolean fl_route_diff (const FlRouteSummary *a, const FlRouteSummary *b, FlRouteDiff *out);

/* The comparison in words, naming the routes name_a and name_b (the UI's
 * labels, or fl_fusion_to_string()):
 *   "product beats text in 5 of 5 folds, by 3.1 ± 1.2 points (p = 0.0143)"
 *   "no clear winner between concat and product (p = 0.42; folds won 3 to 2)"
 * and what it says when every fold gives the same difference, or when too
 * few folds are finished. A new string. */
char    *fl_route_verdict (const FlRouteSummary *a, const char *name_a,
                           const FlRouteSummary *b, const char *name_b);

/* The index in routes of the route significantly ahead of every other one
 * (p < FL_CV_ALPHA and a positive mean difference against each), or -1:
 * no route is best merely by its mean. */
int      fl_routes_best (GPtrArray *routes);

/* The report of `fusionlab-cli compare --folds K`: per route mean ± sd of
 * accuracy and macro-F1 and every fold's accuracy, the best route if there
 * is one, then the verdict of every pair of routes. A new string; NULL
 * without a design. */
char    *fl_comparison_cv_report (FlComparison *cmp);

/* The routes as CSV: per route the folds done, mean and sd of accuracy and
 * macro-F1, whether it is the best, then every fold's accuracy. */
gboolean fl_comparison_write_routes_csv (FlComparison *cmp, const char *path, GError **error);
/* Every pair of routes with at least 2 paired folds: folds won, the mean
 * and sd of the accuracy difference, the corrected t-test (t, df, p,
 * significant) and the Bayesian test's three probabilities. */
gboolean fl_comparison_write_verdicts_csv (FlComparison *cmp, const char *path, GError **error);

G_END_DECLS
