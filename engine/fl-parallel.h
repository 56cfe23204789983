/* SPDX-License-Identifier: MIT
 *
 * fl-parallel.h — a tiny fork–join pool: n persistent threads (the caller is
 * one of them) run tasks 0..n-1 of one job and the caller waits for all.
 *
 * The engine splits the convolutions of a batch across the pool's threads
 * and keeps OpenBLAS single-threaded, so the two never fight over the cores,
 * and every sum runs in the same order whatever the number of threads:
 * results are the same bits on 1 thread or 16.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct FlPool FlPool;

typedef void (*FlTaskFunc) (int task, int n_tasks, gpointer data);

/* n_threads ≤ 0 means one per core. */
FlPool *fl_pool_new (int n_threads);
void    fl_pool_free (FlPool *pool);
int     fl_pool_n_threads (const FlPool *pool);

/* Runs fn (t, n, data) for t in 0..n-1, one per thread, and returns when all
 * have finished. Not reentrant. */
void    fl_pool_run (FlPool *pool, FlTaskFunc fn, gpointer data);

/* Called with the number of items (images, clips) done so far out of
 * total. */
typedef void (*FlProgressFunc) (gint64 done, gint64 total, gpointer user_data);

typedef void (*FlItemFunc) (int i, gpointer data);

/* Runs fn (i, data) for every i in 0..n-1 over n_threads threads (≤ 0: one
 * per processor; the caller is one of them, and fewer run if the system
 * refuses more), each taking the next item not yet taken: for work whose
 * items differ in cost, such as decoding files. Threads are made for the
 * call, not taken from a pool.
 *
 * progress, if not NULL, is called FROM THE THREADS with done counts that
 * only increase, about every 1% of n and once with done == n; the calls
 * never overlap one another.
 *
 * Stops taking items once cancellable is cancelled, and then returns FALSE
 * (the items not reached were not run); TRUE when every item ran. */
gboolean fl_parallel_for (int            n,
                          int            n_threads,
                          FlItemFunc     fn,
                          gpointer       data,
                          FlProgressFunc progress,
                          gpointer       user_data,
                          GCancellable  *cancellable);

/* The half-open share [*lo, *hi) of n items that task t of n_tasks takes. */
static inline void
fl_share (int n, int t, int n_tasks, int *lo, int *hi)
{
  *lo = (int) ((gint64) n * t / n_tasks);
  *hi = (int) ((gint64) n * (t + 1) / n_tasks);
}

G_END_DECLS
