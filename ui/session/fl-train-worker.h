/* SPDX-License-Identifier: MIT
 *
 * fl-train-worker.h — training runs of a comparison, one after another, on
 * a background thread.
 *
 * The engine's callbacks run on the worker thread; they put their statistics
 * into a queue under a mutex and schedule one main-loop source at a time,
 * no sooner than a frame (16 ms) after the previous one. That source drains
 * the queue and emits the signals below on the main thread, so every handler
 * may touch widgets.
 *
 * Pausing blocks the worker on a condition variable inside the per-batch
 * callback, between two batches. Stopping cancels the GCancellable the
 * engine checks before every batch, so it takes effect within one batch.
 * Disposing the worker stops it and joins its thread: no signal is emitted
 * afterwards.
 *
 * This is a plain GObject, not a widget, so it has no .ui template.
 */
#pragma once

#include <gio/gio.h>

#include "fl-compare.h"
#include "fl-matcher.h"

G_BEGIN_DECLS

#define FL_TYPE_TRAIN_WORKER (fl_train_worker_get_type ())
G_DECLARE_FINAL_TYPE (FlTrainWorker, fl_train_worker, FL, TRAIN_WORKER, GObject)

/* Trains the runs of cmp listed in runs, in order, with fl_comparison_train;
 * cmp is borrowed and must outlive the worker, and only this worker may add
 * to it or read the results of those runs until "finished". */
FlTrainWorker *fl_train_worker_new            (FlComparison          *cmp,
                                               const int             *runs,
                                               int                    n_runs);

/* A matching run (fl-matcher.h) of ds instead: the matcher is made and
 * trained on the thread, and each epoch emits ::match-epoch (const
 * FlMatchEpoch *) rather than the signals of a comparison's runs; pausing
 * waits for the end of an epoch. The settings are settings->train. */
FlTrainWorker *fl_train_worker_new_match      (FlDataset             *ds,
                                               const FlMatchSettings *settings);
/* Once "finished" (or the join): the matching run's matcher, trained as
 * far as it went, or NULL when it could not be made; yours to free. */
FlMatcher     *fl_train_worker_steal_matcher  (FlTrainWorker         *self);

/* Starts the thread; once only. */
void           fl_train_worker_start          (FlTrainWorker         *self);
void           fl_train_worker_set_paused     (FlTrainWorker         *self,
                                               gboolean               paused);
gboolean       fl_train_worker_get_paused     (FlTrainWorker         *self);
/* Asks the run to stop; "finished" follows with a cancelled error. */
void           fl_train_worker_stop           (FlTrainWorker         *self);
/* Stops the run, waits for the thread to end and drops what is queued. */
void           fl_train_worker_join           (FlTrainWorker         *self);
/* TRUE from start until "finished" has been emitted (or the join). */
gboolean       fl_train_worker_get_running    (FlTrainWorker         *self);

const FlTrainSettings *fl_train_worker_get_settings (FlTrainWorker   *self);

/* The last run, once finished (NULL before, or when it could not be
 * created); owned by the comparison. */
FlRun         *fl_train_worker_get_run        (FlTrainWorker         *self);
/* In the signal handlers: the comparison's index of the run the signal is
 * about. */
int            fl_train_worker_get_current    (FlTrainWorker         *self);
/* The index of the last run that started. */
int            fl_train_worker_get_last_run   (FlTrainWorker         *self);

/* The number of worker threads started and not yet joined, in the whole
 * process; for tests. */
guint          fl_train_worker_get_n_threads  (void);

G_END_DECLS
