/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-parallel"

#include "fl-parallel.h"

#include <cblas.h>
#include <pthread.h>

/* POSIX mutexes and condition variables rather than GLib's: GLib builds
 * its own on raw futexes, which ThreadSanitizer cannot see, so every
 * hand-over through the pool would be reported as a race. */
struct FlPool {
  int             n;       /* threads, the caller included */
  GThread       **threads; /* n - 1 workers */
  pthread_mutex_t lock;
  pthread_cond_t  start;
  pthread_cond_t  done;
  guint64    generation;   /* bumped for each job */
  int        pending;      /* workers still running the current job */
  gboolean   quit;
  FlTaskFunc fn;
  gpointer   data;
};

typedef struct {
  FlPool *pool;
  int     index;
} Worker;

static gpointer
worker_main (gpointer p)
{
  Worker *w = p;
  FlPool *pool = w->pool;
  guint64 seen = 0;

  pthread_mutex_lock (&pool->lock);
  for (;;)
    {
      while (pool->generation == seen && !pool->quit)
        pthread_cond_wait (&pool->start, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      pthread_mutex_unlock (&pool->lock);

      pool->fn (w->index, pool->n, pool->data);

      pthread_mutex_lock (&pool->lock);
      if (--pool->pending == 0)
        pthread_cond_signal (&pool->done);
    }
  pthread_mutex_unlock (&pool->lock);
  g_free (w);
  return NULL;
}

FlPool *
fl_pool_new (int n_threads)
{
  FlPool *pool = g_new0 (FlPool, 1);

  pool->n = n_threads > 0 ? n_threads : (int) g_get_num_processors ();
  pthread_mutex_init (&pool->lock, NULL);
  pthread_cond_init (&pool->start, NULL);
  pthread_cond_init (&pool->done, NULL);
  pool->threads = g_new0 (GThread *, pool->n);
  for (int i = 1; i < pool->n; i++)
    {
      Worker *w = g_new (Worker, 1);
      w->pool = pool;
      w->index = i;
      pool->threads[i] = g_thread_new ("fl-worker", worker_main, w);
    }
  /* the pool's tasks call OpenBLAS themselves, one thread each */
  openblas_set_num_threads (1);
  return pool;
}

void
fl_pool_free (FlPool *pool)
{
  if (pool == NULL)
    return;
  pthread_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  pthread_cond_broadcast (&pool->start);
  pthread_mutex_unlock (&pool->lock);
  for (int i = 1; i < pool->n; i++)
    g_thread_join (pool->threads[i]);
  g_free (pool->threads);
  pthread_mutex_destroy (&pool->lock);
  pthread_cond_destroy (&pool->start);
  pthread_cond_destroy (&pool->done);
  g_free (pool);
}

int
fl_pool_n_threads (const FlPool *pool)
{
  return pool->n;
}

void
fl_pool_run (FlPool *pool, FlTaskFunc fn, gpointer data)
{
  if (pool->n == 1)
    {
      fn (0, 1, data);
      return;
    }
  pthread_mutex_lock (&pool->lock);
  pool->fn = fn;
  pool->data = data;
  pool->pending = pool->n - 1;
  pool->generation++;
  pthread_cond_broadcast (&pool->start);
  pthread_mutex_unlock (&pool->lock);

  fn (0, pool->n, data);

  pthread_mutex_lock (&pool->lock);
  while (pool->pending > 0)
    pthread_cond_wait (&pool->done, &pool->lock);
  pthread_mutex_unlock (&pool->lock);
}

/* ---- items taken in turn ----------------------------------------------- */

typedef struct {
  int             n;
  FlItemFunc      fn;
  gpointer        data;
  FlProgressFunc  progress;
  gpointer        user_data;
  GCancellable   *cancellable;
  gint64          step;       /* report every step items */
  gint            next;       /* atomic: the next item to take */
  gint            done;       /* atomic: items finished */
  pthread_mutex_t lock;       /* serialises progress calls */
  gint64          reported;   /* the last done passed to progress */
} ForCtx;

static void
report_progress (ForCtx *ctx, gint64 done)
{
  pthread_mutex_lock (&ctx->lock);
  if (done > ctx->reported)
    {
      ctx->reported = done;
      ctx->progress (done, ctx->n, ctx->user_data);
    }
  pthread_mutex_unlock (&ctx->lock);
}

static gpointer
for_worker (gpointer data)
{
  ForCtx *ctx = data;

  while (!g_cancellable_is_cancelled (ctx->cancellable))
    {
      int i = g_atomic_int_add (&ctx->next, 1);
      gint64 done;

      if (i >= ctx->n)
        break;
      ctx->fn (i, ctx->data);
      done = g_atomic_int_add (&ctx->done, 1) + 1;
      if (ctx->progress != NULL && (done % ctx->step == 0 || done == ctx->n))
        report_progress (ctx, done);
    }
  return NULL;
}

gboolean
fl_parallel_for (int            n,
                 int            n_threads,
                 FlItemFunc     fn,
                 gpointer       data,
                 FlProgressFunc progress,
                 gpointer       user_data,
                 GCancellable  *cancellable)
{
  ForCtx ctx = {
    .n = n, .fn = fn, .data = data, .progress = progress, .user_data = user_data,
    .cancellable = cancellable, .step = MAX (1, n / 100),
  };
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  g_return_val_if_fail (n >= 0 && fn != NULL, FALSE);

  if (n == 0)
    return TRUE;
  if (n_threads <= 0)
    n_threads = (int) g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, n);

  pthread_mutex_init (&ctx.lock, NULL);
  for (int t = 1; t < n_threads; t++)
    {
      GThread *th = g_thread_try_new ("fl-for", for_worker, &ctx, NULL);
      if (th == NULL)
        break;
      g_ptr_array_add (threads, th);
    }
  for_worker (&ctx);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (threads->pdata[t]);
  pthread_mutex_destroy (&ctx.lock);
  return g_atomic_int_get (&ctx.done) == n;
}
