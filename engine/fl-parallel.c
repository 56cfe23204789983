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
