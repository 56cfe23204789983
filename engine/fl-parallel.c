/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-parallel"

#include "fl-parallel.h"

#include <cblas.h>

struct FlPool {
  int        n;            /* threads, the caller included */
  GThread  **threads;      /* n - 1 workers */
  GMutex     lock;
  GCond      start;
  GCond      done;
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

  g_mutex_lock (&pool->lock);
  for (;;)
    {
      while (pool->generation == seen && !pool->quit)
        g_cond_wait (&pool->start, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      g_mutex_unlock (&pool->lock);

      pool->fn (w->index, pool->n, pool->data);

      g_mutex_lock (&pool->lock);
      if (--pool->pending == 0)
        g_cond_signal (&pool->done);
    }
  g_mutex_unlock (&pool->lock);
  g_free (w);
  return NULL;
}

FlPool *
fl_pool_new (int n_threads)
{
  FlPool *pool = g_new0 (FlPool, 1);

  pool->n = n_threads > 0 ? n_threads : (int) g_get_num_processors ();
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->start);
  g_cond_init (&pool->done);
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
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->start);
  g_mutex_unlock (&pool->lock);
  for (int i = 1; i < pool->n; i++)
    g_thread_join (pool->threads[i]);
  g_free (pool->threads);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->start);
  g_cond_clear (&pool->done);
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
  g_mutex_lock (&pool->lock);
  pool->fn = fn;
  pool->data = data;
  pool->pending = pool->n - 1;
  pool->generation++;
  g_cond_broadcast (&pool->start);
  g_mutex_unlock (&pool->lock);

  fn (0, pool->n, data);

  g_mutex_lock (&pool->lock);
  while (pool->pending > 0)
    g_cond_wait (&pool->done, &pool->lock);
  g_mutex_unlock (&pool->lock);
}
