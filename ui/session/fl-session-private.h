/* SPDX-License-Identifier: MIT
 *
 * fl-session-private.h — shared by fl-session.c (the data and the
 * training) and fl-session-files.c (experiments and predictions).
 */
#pragma once

#include "fl-session.h"
#include "fl-evaluation.h"
#include "fl-train-worker.h"

struct _FlSession {
  GObject           parent_instance;

  FlRunList        *runs;
  FlComparison     *cmp;           /* every run on this data, or reopened */
  FlExperimentData  runs_data;     /* the files and columns of its runs */
  FlDataset        *ds;            /* the data loaded, a reference */
  gboolean          loading;
  FlTrainWorker    *worker;        /* the current or last runs */
  gboolean          comparing;     /* the worker trains several runs */
  FlBatchStats      last_batch;
  FlTrainSettings   pending;       /* to train once the data arrives */
  FlMatchSettings   pending_match; /* or this, when pending_is_match */
  gboolean          pending_set;
  gboolean          pending_compare;
  gboolean          pending_is_match;
  int               folds;           /* of Compare: ≥ 2 for k-fold, else one split */
  int               repeats;
  FlFusion          routes[FL_N_FUSIONS];   /* Compare's, in order */
  guint             n_routes;               /* 0: every one */
  int               shown_run;
  char             *status;
  double            progress;
  char             *speed;
  GCancellable     *predicting;     /* while a prediction runs, or NULL */
  gboolean          opening;        /* a model file is being evaluated */
  /* fl-session-match.c */
  GListStore       *match_runs;     /* of FlRunItem, the matching runs */
  FlRunItem        *match_item;     /* the last of them, or NULL */
  FlMatcher        *matcher;        /* its matcher once it ended, or NULL */
  guint64           match_samples;  /* the fingerprint of their data */
  /* fl-session-test.c */
  GCancellable     *testing;        /* while a test on other data runs */
  FlDataset        *test_ds;        /* the last test's data and results */
  FlEvaluation     *test_eval;
  char             *test_name;      /* its CSV's name */
};

enum {
  SIGNAL_RUN_STARTED,
  SIGNAL_BATCH,
  SIGNAL_EPOCH,
  SIGNAL_FINISHED,
  SIGNAL_ERROR,
  SIGNAL_LOAD_DATA,
  SIGNAL_MATCH_STARTED,
  SIGNAL_MATCH_EPOCH,
  SIGNAL_TESTED,
  N_SESSION_SIGNALS
};

extern guint fl_session_signals[N_SESSION_SIGNALS];

void       _fl_session_error            (FlSession  *self,
                                         const char *title,
                                         const char *message);
/* The comparison the next runs join: this one while the data loaded
 * holds its samples, else a new one of settings. */
void       _fl_session_ensure_comparison (FlSession            *self,
                                          const FlTrainSettings *settings);
/* Drops every run with its thread. */
void       _fl_session_clear            (FlSession  *self);
/* fl-session-compare.c: whether ds holds the samples of the comparison's
 * runs, read with the same columns; the data loaded, when it does. */
gboolean   _fl_session_is_runs_data     (FlSession  *self,
                                         FlDataset  *ds);
FlDataset *_fl_session_runs_dataset     (FlSession  *self);
void       _fl_session_set_status       (FlSession  *self,
                                         const char *format,
                                         ...) G_GNUC_PRINTF (2, 3);
void       _fl_session_idle_status      (FlSession  *self);
void       _fl_session_notify_shown_run (FlSession  *self);
void       _fl_session_notify_predicting (FlSession *self);
void       _fl_session_notify_training  (FlSession  *self);
/* The progress bar's fraction and the speed beside it (NULL: as it is). */
void       _fl_session_set_progress     (FlSession  *self,
                                         double      progress,
                                         const char *speed);
/* Joins the last runs' thread and lets it go. */
void       _fl_session_drop_worker      (FlSession  *self);
/* fl-session-match.c: trains what waited for the data (either task). */
void       _fl_session_train_pending    (FlSession  *self);
/* Drops the matching runs and the last matcher. */
void       _fl_session_clear_match      (FlSession  *self);
void       _fl_session_class_add_match_signals (GType type);
/* fl-session-test.c: drops the last test on other data. */
void       _fl_session_clear_test       (FlSession  *self);
void       _fl_session_class_add_test_signals (GType type);
/* The test data a test row's predictions are about, while its row holds
 * them (a test of this session), or NULL. */
FlDataset *_fl_session_test_samples     (FlSession  *self,
                                         int         run);
/* fl_session_describe_run() of a test on other data. */
char      *_fl_session_describe_test_run (FlSession *self,
                                          int        run);
/* fl-session-compare.c: adds Compare's runs to the comparison, their
 * indices to runs (of int). */
void       _fl_session_add_compare_runs (FlSession             *self,
                                         const FlTrainSettings *settings,
                                         GArray                *runs);
/* Marks the best run, or in a cross-validation the runs of the route
 * significantly ahead of all others; returns the run to show, or -1. */
int        _fl_session_mark_best        (FlSession             *self);
/* The status line once a cross-validation has ended. */
char      *_fl_session_cv_status        (FlSession             *self);
/* fl-session-results.c: " · " and what a run's transfer loaded, on one
 * line (fl_run_transfer_report()), or "" when it started fresh */
char      *_fl_session_transfer_note    (FlRun                 *run);
/* In the banner, when the model the run started from was trained on this
 * data but another split: its validation figures may be too high
 * (fl_transfer_held_out_seen()) */
void       _fl_session_warn_held_out    (FlSession             *self,
                                         FlRun                 *run);
