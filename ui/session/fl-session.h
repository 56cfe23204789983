/* SPDX-License-Identifier: MIT
 *
 * fl-session.h — what the window is working on, without any widget: the
 * data loaded, the comparison and its runs (a list model), the training
 * thread, the run whose results are shown, the status line, and the
 * experiment and prediction files. Views listen to its properties and
 * signals; the window tells it what the user asked for.
 *
 * Properties: "training", "paused", "loading", "shown-run" (notified each
 * time a run's results are to be shown again), "status", "progress",
 * "speed", "predicting", "branches" (of the data loaded).
 *
 * Signals, all on the main thread:
 *   ::run-started (FlRunItem *item)       a run starts training
 *   ::batch (FlRunItem *item, const FlBatchStats *stats)
 *   ::epoch (FlRunItem *item, const FlEpochStats *stats)
 *   ::finished (const GError *error)      the runs ended (NULL: every
 *                                         epoch of every run); the list,
 *                                         the status and the shown run
 *                                         are already up to date
 *   ::error (const char *title, const char *message)
 *   ::match-started (FlRunItem *item)     a matching run starts training
 *   ::match-epoch (FlRunItem *item, const FlMatchEpoch *epoch)
 *                                         (its end is ::finished, as for
 *                                         the comparison's runs)
 *   ::load-data (const FlExperimentData *data)
 *                                         a reopened experiment's data is
 *                                         there to be loaded: its paths
 *                                         come from the file, so the user
 *                                         is to confirm them first
 */
#pragma once

#include <gio/gio.h>

#include "fl-evaluation.h"
#include "fl-experiment.h"
#include "fl-run-list.h"

G_BEGIN_DECLS

#define FL_TYPE_SESSION (fl_session_get_type ())
G_DECLARE_FINAL_TYPE (FlSession, fl_session, FL, SESSION, GObject)

FlSession     *fl_session_new                (void);

/* The runs as the views show them; owned by the session. */
FlRunList     *fl_session_get_runs           (FlSession             *self);
/* Every run on this data (or of the experiment reopened), or NULL. While
 * training, the results of the runs being trained belong to the worker. */
FlComparison  *fl_session_get_comparison     (FlSession             *self);

/* The data loaded (NULL: none, or a load failed). Runs on the same
 * samples stay (at another image size, say); other data drops them. */
void           fl_session_set_dataset        (FlSession             *self,
                                              FlDataset             *ds);
FlDataset     *fl_session_get_dataset        (FlSession             *self);
/* The branches of the data loaded (fl_dataset_branches()), 0 without
 * data: property "branches". */
guint          fl_session_get_branches       (FlSession             *self);
void           fl_session_set_loading        (FlSession             *self,
                                              gboolean               loading);
gboolean       fl_session_get_loading        (FlSession             *self);

/* Trains one run with these settings, or, with compare, every fusion
 * method and the baseline of each branch on them, one after another.
 * FALSE when there is no data or a run is training. */
gboolean       fl_session_train              (FlSession             *self,
                                              const FlTrainSettings *settings,
                                              gboolean               compare);
/* How Compare splits the data: folds ≥ 2 trains every fusion on each of
 * the stratified folds of each repeat (a new comparison: its routes are
 * summed up and tested fold by fold, fl_comparison_routes()); folds < 2,
 * on one split, as Train does. 1 and 1 at first. */
void           fl_session_set_design         (FlSession             *self,
                                              int                    folds,
                                              int                    repeats);
/* The routes Compare trains, in order (n = 0: every fusion and baseline);
 * of these, it trains those the data loaded can feed: the baselines of
 * the branches it has, and the fusions when they fuse two or more. */
void           fl_session_set_routes         (FlSession             *self,
                                              const FlFusion        *fusions,
                                              guint                  n);
/* The number of runs Compare would train with that design. */
int            fl_session_get_compare_runs   (FlSession             *self);
/* Training samples per second measured by the last runs, or 0. */
double         fl_session_get_measured_speed (FlSession             *self);

/* The same, once the data being loaded again has arrived. */
void           fl_session_train_after_load   (FlSession             *self,
                                              const FlTrainSettings *settings,
                                              gboolean               compare);
gboolean       fl_session_get_training       (FlSession             *self);
void           fl_session_set_paused         (FlSession             *self,
                                              gboolean               paused);
gboolean       fl_session_get_paused         (FlSession             *self);
void           fl_session_stop               (FlSession             *self);

const char    *fl_session_get_status         (FlSession             *self);
void           fl_session_set_status         (FlSession             *self,
                                              const char            *status);
/* Of the runs training, 0…1; and their speed ("812 samples/s"). */
double         fl_session_get_progress       (FlSession             *self);
const char    *fl_session_get_speed          (FlSession             *self);

/* The run whose results are shown, or -1; showing one that has no
 * predictions yet does nothing and returns FALSE. */
int            fl_session_get_shown_run      (FlSession             *self);
gboolean       fl_session_show_run           (FlSession             *self,
                                              int                    run);
/* The trained model of the shown run, or NULL (reopened, or none). */
FlRun         *fl_session_get_shown_model    (FlSession             *self);
/* The samples run i's predictions are about: its own data, or the data
 * loaded when it holds them; NULL (and why, to free) when neither. */
FlDataset     *fl_session_get_run_samples    (FlSession             *self,
                                              int                    run,
                                              char                 **why);

/* The shown results' one-line summary of run i: "concat · 180 validation
 * samples · Concatenate fusion · 10 epochs in 0:42", with what the late
 * route's vote gives each head, and whether it was reopened. A new string. */
char          *fl_session_describe_run       (FlSession             *self,
                                              int                    run);

/* The matching task (fl-matcher.h, in fl-session-match.c): trains one
 * matching run of the data loaded on the training thread, as Train does a
 * classifier (pause waits for the end of an epoch); FALSE when there is no
 * data or a run is training. The runs are FlRunItems of their own list,
 * not the comparison's (fl_run_item_get_match()); they stay while the data
 * loaded has their samples (at another image size, say): other samples
 * drop them. */
gboolean       fl_session_train_match        (FlSession             *self,
                                              const FlMatchSettings *settings);
/* The same, once the data being loaded again has arrived. */
void           fl_session_train_match_after_load (FlSession         *self,
                                              const FlMatchSettings *settings);
GListModel    *fl_session_get_match_runs     (FlSession             *self);
/* The last matching run (owned by the session), or NULL. */
FlRunItem     *fl_session_get_match_item     (FlSession             *self);
/* Its matcher, once it has ended (stopped early too), while nothing
 * trains; owned by the session, until the next matching run or other
 * data. NULL when there is none. */
FlMatcher     *fl_session_get_matcher        (FlSession             *self);

/* Opens a model file trained elsewhere (fl_run_new_from_model()) as a run
 * of the data loaded, on the validation split of split's settings: read
 * and evaluated in the background, then added to the runs and shown, or
 * an ::error saying why not (a foreign or hostile file, other classes, a
 * branch or image size the data does not have). FALSE (and an ::error)
 * when no data is loaded, a run trains or another model is being opened.
 * (fl-session-model.c) */
gboolean       fl_session_open_model         (FlSession             *self,
                                              const char            *path,
                                              const FlTrainSettings *split);
gboolean       fl_session_get_opening        (FlSession             *self);

/* Reopens an experiment; its errors come back, the runs stay. */
gboolean       fl_session_open_experiment    (FlSession             *self,
                                              const char            *path,
                                              GError               **error);
gboolean       fl_session_save_experiment    (FlSession             *self,
                                              const char            *path,
                                              GError               **error);
/* The settings the runs reopened were compared with, or NULL. */
const FlTrainSettings *fl_session_get_base_settings (FlSession      *self);

/* Predicts the rows of csv_path with the shown run, in the background,
 * into NAME-predictions.csv beside it; the images are looked up in the
 * run's own image folder. FALSE (and an ::error) without a trained run. */
gboolean       fl_session_predict            (FlSession             *self,
                                              const char            *csv_path);
gboolean       fl_session_get_predicting     (FlSession             *self);
/* Stops the prediction under way: nothing is written. */
void           fl_session_cancel_predict     (FlSession             *self);

/* Tests a model on other labelled data (fl-evaluation.h), in a thread: the
 * model file at model_path, or with NULL the shown run's model; then
 * ::tested, or the error signal (a bad model file, unusable data, no class
 * in common). FALSE (and the error signal) when there is no model or a
 * test is running. */
gboolean       fl_session_test               (FlSession             *self,
                                              const char            *model_path,
                                              const char            *images_dir,
                                              const char            *csv_path);
gboolean       fl_session_get_testing        (FlSession             *self);
/* The last test's results (owned by the session) and, into ds when not
 * NULL, its data; NULL before a test. */
const FlEvaluation *fl_session_get_test      (FlSession             *self,
                                              FlDataset            **ds);
/* What the last test was on: its folder, samples, rows skipped and the
 * classes the model does not know; NULL before a test. */
char          *fl_session_describe_test      (FlSession             *self);

/* Removes run i when it is a test on other data and nothing trains (the
 * runs after it move up by one; the best run is shown when it was);
 * FALSE otherwise. */
gboolean       fl_session_remove_test        (FlSession             *self,
                                              int                    run);

/* The files and columns of the runs (reopened or trained), or NULL. */
const FlExperimentData *fl_session_get_runs_data (FlSession         *self);

G_END_DECLS

/* why fusion wins: the shown run's insight */
#include "fl-session-insight.h"
