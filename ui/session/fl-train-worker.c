/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-train-worker"

#include "fl-train-worker.h"

#include "fl-ui-util.h"

#include <pthread.h>

/* The shortest time between two deliveries to the main loop: one frame. */
#define FRAME_US 16000

typedef enum {
  ITEM_BATCH,
  ITEM_EPOCH,
  ITEM_RUN_STARTED,
  ITEM_RUN_DONE,
  ITEM_FINISHED,
  ITEM_MATCH_EPOCH,
} ItemKind;

typedef struct {
  ItemKind kind;
  int      run;         /* the comparison's index of the run it is about */
  union {
    FlBatchStats batch;
    FlEpochStats epoch;
    FlMatchEpoch match;
  };
  GError  *error;       /* ITEM_RUN_DONE, ITEM_FINISHED: why it ended early, or NULL */
} Item;

struct _FlTrainWorker {
  GObject          parent_instance;

  /* set before the thread starts, then read-only */
  FlComparison    *cmp;
  GArray          *runs;           /* of int: the comparison's runs to train, in order */
  FlTrainSettings  settings;
  FlDataset       *match_data;     /* a matching run's data (a reference), or NULL */
  FlMatchSettings  match_settings;
  GCancellable    *cancellable;
  GMainContext    *context;

  GThread         *thread;
  int              thread_run;     /* worker thread only: the run training */
  FlMatcher       *matcher;        /* the worker thread's until it ends, then the main thread's */
  int              current;        /* main thread only: the run being delivered */
  int              last_run;       /* main thread only: the last run that started */
  gboolean         running;        /* main thread only */
  gboolean         joined;         /* main thread only */

  /* shared with the worker thread, under mutex */
  /* POSIX, not GLib's futex-based ones, so that ThreadSanitizer sees
   * the hand-over (see engine/fl-parallel.c) */
  pthread_mutex_t  mutex;
  pthread_cond_t   cond;
  GArray          *queue;          /* of Item */
  GSource         *pending;        /* the one scheduled delivery, or NULL */
  gint64           last_delivery;  /* monotonic µs */
  gboolean         paused;
  gboolean         stopping;
  gint64           paused_since;   /* µs, when paused */
  gint64           paused_total;   /* µs spent paused */
  gint64           started;        /* µs */
};

G_DEFINE_FINAL_TYPE (FlTrainWorker, fl_train_worker, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PAUSED,
  PROP_RUNNING,
  N_PROPS
};

enum {
  BATCH_DONE,
  EPOCH_DONE,
  RUN_STARTED,
  RUN_DONE,
  FINISHED,
  MATCH_EPOCH,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];
static guint n_threads;   /* atomic */

static void
item_clear (gpointer data)
{
  Item *item = data;

  g_clear_error (&item->error);
}

static gboolean deliver_cb (gpointer data);

/* Worker thread, mutex held: queue an item and make sure one delivery is
 * scheduled, a frame after the last one at the earliest. */
static void
push_locked (FlTrainWorker *self,
             Item          *item)
{
  g_array_append_vals (self->queue, item, 1);

  if (self->pending == NULL)
    {
      gint64 wait = self->last_delivery + FRAME_US - g_get_monotonic_time ();
      GSource *source = g_timeout_source_new ((guint) CLAMP (wait / 1000, 0, FRAME_US / 1000));

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, deliver_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[fusionlab] training progress");
      g_source_attach (source, self->context);
      self->pending = source;   /* keeps the reference of g_timeout_source_new */
    }
}

/* Time spent training so far, without the pauses; mutex held. */
static double
active_seconds_locked (FlTrainWorker *self)
{
  return (g_get_monotonic_time () - self->started - self->paused_total) / 1e6;
}

static void
batch_done_cb (const FlRunResult  *result,
               const FlBatchStats *stats,
               gpointer            user_data)
{
  FlTrainWorker *self = user_data;
  Item item = { .kind = ITEM_BATCH, .run = self->thread_run, .batch = *stats };

  pthread_mutex_lock (&self->mutex);
  item.batch.elapsed = active_seconds_locked (self);
  push_locked (self, &item);

  /* pause between batches: wait here until resumed or stopped */
  if (self->paused && !self->stopping)
    {
      self->paused_since = g_get_monotonic_time ();
      while (self->paused && !self->stopping)
        pthread_cond_wait (&self->cond, &self->mutex);
      self->paused_total += g_get_monotonic_time () - self->paused_since;
    }
  pthread_mutex_unlock (&self->mutex);
}

static void
epoch_done_cb (const FlRunResult  *result,
               const FlEpochStats *stats,
               gpointer            user_data)
{
  FlTrainWorker *self = user_data;
  Item item = { .kind = ITEM_EPOCH, .run = self->thread_run, .epoch = *stats };

  pthread_mutex_lock (&self->mutex);
  push_locked (self, &item);
  pthread_mutex_unlock (&self->mutex);
}

static void
match_epoch_cb (const FlMatchEpoch *e,
                gpointer            user_data)
{
  FlTrainWorker *self = user_data;
  Item item = { .kind = ITEM_MATCH_EPOCH, .match = *e };

  pthread_mutex_lock (&self->mutex);
  push_locked (self, &item);
  /* fl_matcher_train() reports epochs only: a pause waits here, between two */
  while (self->paused && !self->stopping)
    pthread_cond_wait (&self->cond, &self->mutex);
  pthread_mutex_unlock (&self->mutex);
}

/* A matching run: its matcher is built here too, since splitting the data
 * and fitting the vocabulary take a while on a large set. */
static void
train_match (FlTrainWorker *self,
             GError       **error)
{
  self->matcher = fl_matcher_new (self->match_data, &self->match_settings, error);
  if (self->matcher != NULL)
    fl_matcher_train (self->matcher, match_epoch_cb, self, self->cancellable, error);
}

/* The comparison's run self->thread_run, between its started and done
 * items. */
static void
train_run (FlTrainWorker *self,
           GError       **error)
{
  const FlCompareCallbacks callbacks = { batch_done_cb, epoch_done_cb, self };
  Item started = { .kind = ITEM_RUN_STARTED, .run = self->thread_run };
  Item done = { .kind = ITEM_RUN_DONE, .run = self->thread_run };

  pthread_mutex_lock (&self->mutex);
  self->started = g_get_monotonic_time ();
  self->paused_total = 0;
  push_locked (self, &started);
  pthread_mutex_unlock (&self->mutex);

  fl_comparison_train (self->cmp, self->thread_run, &callbacks, self->cancellable, error);

  pthread_mutex_lock (&self->mutex);
  done.error = *error != NULL ? g_error_copy (*error) : NULL;
  push_locked (self, &done);
  pthread_mutex_unlock (&self->mutex);
}

static gpointer
worker_thread (gpointer data)
{
  FlTrainWorker *self = data;
  g_autoptr(GError) last_error = NULL;
  Item item = { .kind = ITEM_FINISHED };

  /* and the engine's pool, started from here */
  fl_thread_run_in_background ();

  if (self->match_data != NULL)
    train_match (self, &last_error);

  /* one run after the other; a failed run does not stop the next, a
   * cancellation stops them all */
  for (guint k = 0; k < self->runs->len; k++)
    {
      g_autoptr(GError) error = NULL;

      if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
        {
          g_clear_error (&last_error);
          last_error = g_steal_pointer (&error);
          break;
        }

      self->thread_run = g_array_index (self->runs, int, k);
      train_run (self, &error);

      if (error != NULL)
        {
          g_clear_error (&last_error);
          last_error = g_steal_pointer (&error);
          if (g_error_matches (last_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            break;
        }
    }

  pthread_mutex_lock (&self->mutex);
  item.run = self->thread_run;
  item.error = g_steal_pointer (&last_error);
  push_locked (self, &item);
  pthread_mutex_unlock (&self->mutex);
  return NULL;
}

/* Main thread: the thread has nothing left to do but return. */
static void
finish (FlTrainWorker *self,
        const GError  *error)
{
  if (self->thread != NULL)
    {
      g_thread_join (g_steal_pointer (&self->thread));
      g_atomic_int_add (&n_threads, -1);
    }
  self->joined = TRUE;
  self->running = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[FINISHED], 0, error);
}

/* Main thread: hand everything queued to the signal handlers. */
static gboolean
deliver_cb (gpointer data)
{
  FlTrainWorker *self = data;
  g_autoptr(GArray) items = NULL;

  pthread_mutex_lock (&self->mutex);
  items = self->queue;
  self->queue = g_array_new (FALSE, FALSE, sizeof (Item));
  g_array_set_clear_func (self->queue, item_clear);
  g_clear_pointer (&self->pending, g_source_unref);
  self->last_delivery = g_get_monotonic_time ();
  pthread_mutex_unlock (&self->mutex);

  if (self->joined)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < items->len && !self->joined; i++)
    {
      Item *item = &g_array_index (items, Item, i);

      self->current = item->run;
      switch (item->kind)
        {
        case ITEM_BATCH:
          g_signal_emit (self, signals[BATCH_DONE], 0, &item->batch);
          break;

        case ITEM_EPOCH:
          g_signal_emit (self, signals[EPOCH_DONE], 0, &item->epoch);
          break;

        case ITEM_MATCH_EPOCH:
          g_signal_emit (self, signals[MATCH_EPOCH], 0, &item->match);
          break;

        case ITEM_RUN_STARTED:
          self->last_run = item->run;
          g_signal_emit (self, signals[RUN_STARTED], 0, item->run);
          break;

        case ITEM_RUN_DONE:
          g_signal_emit (self, signals[RUN_DONE], 0, item->run, item->error);
          break;

        case ITEM_FINISHED:
          finish (self, item->error);
          break;

        default:
          g_assert_not_reached ();
        }
    }
  return G_SOURCE_REMOVE;
}

static void
fl_train_worker_dispose (GObject *object)
{
  FlTrainWorker *self = FL_TRAIN_WORKER (object);

  fl_train_worker_join (self);

  G_OBJECT_CLASS (fl_train_worker_parent_class)->dispose (object);
}

static void
fl_train_worker_finalize (GObject *object)
{
  FlTrainWorker *self = FL_TRAIN_WORKER (object);

  g_clear_pointer (&self->runs, g_array_unref);
  g_clear_pointer (&self->match_data, fl_dataset_unref);
  g_clear_pointer (&self->matcher, fl_matcher_free);
  g_clear_pointer (&self->queue, g_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  pthread_mutex_destroy (&self->mutex);
  pthread_cond_destroy (&self->cond);

  G_OBJECT_CLASS (fl_train_worker_parent_class)->finalize (object);
}

static void
fl_train_worker_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FlTrainWorker *self = FL_TRAIN_WORKER (object);

  switch (prop_id)
    {
    case PROP_PAUSED:
      g_value_set_boolean (value, fl_train_worker_get_paused (self));
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_train_worker_class_init (FlTrainWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_train_worker_dispose;
  object_class->finalize = fl_train_worker_finalize;
  object_class->get_property = fl_train_worker_get_property;

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (const FlBatchStats *stats): elapsed leaves out the time spent paused */
  signals[BATCH_DONE] =
    g_signal_new ("batch-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const FlEpochStats *stats) */
  signals[EPOCH_DONE] =
    g_signal_new ("epoch-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const FlMatchEpoch *epoch): of a matching run */
  signals[MATCH_EPOCH] =
    g_signal_new ("match-epoch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (int run): the comparison's run i starts */
  signals[RUN_STARTED] =
    g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /* (int run, const GError *error): run i ended; NULL when every epoch ran */
  signals[RUN_DONE] =
    g_signal_new ("run-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
  /* (const GError *error): NULL when every run ran every epoch; else the
   * last error, or the cancellation */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
fl_train_worker_init (FlTrainWorker *self)
{
  pthread_mutex_init (&self->mutex, NULL);
  pthread_cond_init (&self->cond, NULL);
  self->queue = g_array_new (FALSE, FALSE, sizeof (Item));
  g_array_set_clear_func (self->queue, item_clear);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

FlTrainWorker *
fl_train_worker_new (FlComparison *cmp,
                     const int    *runs,
                     int           n_runs)
{
  FlTrainWorker *self;

  g_return_val_if_fail (cmp != NULL, NULL);
  g_return_val_if_fail (runs != NULL && n_runs > 0, NULL);

  self = g_object_new (FL_TYPE_TRAIN_WORKER, NULL);
  self->cmp = cmp;
  self->runs = g_array_sized_new (FALSE, FALSE, sizeof (int), n_runs);
  g_array_append_vals (self->runs, runs, n_runs);
  self->settings = fl_comparison_result (cmp, runs[0])->settings;
  self->current = self->last_run = self->thread_run = runs[0];
  return self;
}

FlTrainWorker *
fl_train_worker_new_match (FlDataset             *ds,
                           const FlMatchSettings *settings)
{
  FlTrainWorker *self;

  g_return_val_if_fail (ds != NULL && settings != NULL, NULL);

  self = g_object_new (FL_TYPE_TRAIN_WORKER, NULL);
  self->match_data = fl_dataset_ref (ds);
  self->match_settings = *settings;
  self->settings = settings->train;
  self->runs = g_array_new (FALSE, FALSE, sizeof (int));
  self->current = self->last_run = self->thread_run = -1;
  return self;
}

FlMatcher *
fl_train_worker_steal_matcher (FlTrainWorker *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_WORKER (self), NULL);
  /* the thread has ended: "finished" was emitted, or it was joined */
  g_return_val_if_fail (self->thread == NULL, NULL);
  return g_steal_pointer (&self->matcher);
}

void
fl_train_worker_start (FlTrainWorker *self)
{
  g_return_if_fail (FL_IS_TRAIN_WORKER (self));
  g_return_if_fail (self->thread == NULL && !self->joined);

  self->started = g_get_monotonic_time ();
  self->running = TRUE;
  g_atomic_int_inc (&n_threads);
  self->thread = g_thread_new ("fl-train", worker_thread, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

void
fl_train_worker_set_paused (FlTrainWorker *self,
                            gboolean       paused)
{
  gboolean changed;

  g_return_if_fail (FL_IS_TRAIN_WORKER (self));

  pthread_mutex_lock (&self->mutex);
  changed = self->paused != !!paused;
  self->paused = !!paused;
  pthread_cond_broadcast (&self->cond);
  pthread_mutex_unlock (&self->mutex);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

gboolean
fl_train_worker_get_paused (FlTrainWorker *self)
{
  gboolean paused;

  g_return_val_if_fail (FL_IS_TRAIN_WORKER (self), FALSE);

  pthread_mutex_lock (&self->mutex);
  paused = self->paused;
  pthread_mutex_unlock (&self->mutex);
  return paused;
}

void
fl_train_worker_stop (FlTrainWorker *self)
{
  g_return_if_fail (FL_IS_TRAIN_WORKER (self));

  pthread_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  pthread_cond_broadcast (&self->cond);
  pthread_mutex_unlock (&self->mutex);
  g_cancellable_cancel (self->cancellable);
}

void
fl_train_worker_join (FlTrainWorker *self)
{
  GSource *pending;

  g_return_if_fail (FL_IS_TRAIN_WORKER (self));

  if (self->thread != NULL)
    {
      fl_train_worker_stop (self);
      g_thread_join (g_steal_pointer (&self->thread));
      g_atomic_int_add (&n_threads, -1);
    }
  self->joined = TRUE;

  pthread_mutex_lock (&self->mutex);
  pending = g_steal_pointer (&self->pending);
  g_array_set_size (self->queue, 0);
  pthread_mutex_unlock (&self->mutex);

  /* outside the lock: destroying it drops the reference it holds on us */
  if (pending != NULL)
    {
      g_source_destroy (pending);
      g_source_unref (pending);
    }

  if (self->running)
    {
      self->running = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
}

gboolean
fl_train_worker_get_running (FlTrainWorker *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_WORKER (self), FALSE);
  return self->running;
}

const FlTrainSettings *
fl_train_worker_get_settings (FlTrainWorker *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_WORKER (self), NULL);
  return &self->settings;
}

FlRun *
fl_train_worker_get_run (FlTrainWorker *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_WORKER (self), NULL);
  return self->running || self->cmp == NULL ? NULL : fl_comparison_run (self->cmp, self->last_run);
}

int
fl_train_worker_get_current (FlTrainWorker *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_WORKER (self), -1);
  return self->current;
}

int
fl_train_worker_get_last_run (FlTrainWorker *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_WORKER (self), -1);
  return self->last_run;
}

guint
fl_train_worker_get_n_threads (void)
{
  return (guint) g_atomic_int_get (&n_threads);
}
