/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-main-loop-probe"

#include "fl-main-loop-probe.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#define PROBE_PERIOD_MS 5

/* When each phase of a frame ended (fl_main_loop_probe_watch_frames). */
typedef struct {
  gint64 start, update, layout, paint, end;
} FrameTimes;

struct FlMainLoopProbe {
  gint64  start;
  gint64  last;      /* the last run, 0 before the first */
  gint64  last_cpu;  /* the main thread's CPU time then */
  gint64  worst;
  gint64  worst_at;
  GArray *gaps;      /* of gint64 µs: at 200 a second, 1.6 MB an hour */
  guint   id;
  GdkFrameClock *clock;  /* watched, or NULL */
  FrameTimes     frame;  /* being drawn */
  FrameTimes     drawn;  /* the last frame drawn */
};

/* Which phases of the last frame drawn took the gap's time: the tick
 * callbacks (update: a list view binds its rows there), the size requests
 * and allocations (layout) or drawing (paint). */
static void
debug_frame (FlMainLoopProbe *probe)
{
  const FrameTimes *f = &probe->drawn;

  if (probe->clock == NULL || f->end <= probe->last)
    {
      g_debug ("  no frame was drawn in it");
      return;
    }
  g_debug ("  the frame in it: update %.1f ms, layout %.1f ms, paint %.1f ms, after %.1f ms",
           (f->update - f->start) / 1000.0, (f->layout - f->update) / 1000.0,
           (f->paint - f->layout) / 1000.0, (f->end - f->paint) / 1000.0);
}

/* The CPU time of the calling thread, in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
probe_cb (gpointer data)
{
  FlMainLoopProbe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (probe->last != 0)
    {
      gint64 gap = now - probe->last;

      g_array_append_val (probe->gaps, gap);
      /* G_MESSAGES_DEBUG=fl-main-loop-probe: when, beside the other logs, and
       * on the monotonic clock to find the gap in `perf record -k CLOCK_MONOTONIC` */
      if (gap > 16000)
        {
          /* little CPU time: the thread waited for a core (or the X server), it did not work */
          g_debug ("a gap of %.1f ms, ending %.3f s in (monotonic %.6f to %.6f s); the main thread "
                   "ran %.1f ms of it", gap / 1000.0, (now - probe->start) / 1e6, probe->last / 1e6,
                   now / 1e6, (cpu - probe->last_cpu) / 1000.0);
          debug_frame (probe);
        }
      if (gap > probe->worst)
        {
          probe->worst = gap;
          probe->worst_at = now - probe->start;
        }
    }
  probe->last = now;
  probe->last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

FlMainLoopProbe *
fl_main_loop_probe_new (void)
{
  FlMainLoopProbe *probe = g_new0 (FlMainLoopProbe, 1);

  probe->gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  probe->start = g_get_monotonic_time ();
  probe->id = g_timeout_add_full (G_PRIORITY_HIGH, PROBE_PERIOD_MS, probe_cb, probe, NULL);
  return probe;
}

#define PHASE_CB(phase)                                          \
  static void                                                    \
  phase##_cb (GdkFrameClock *clock, FlMainLoopProbe *probe)      \
  {                                                              \
    probe->frame.phase = g_get_monotonic_time ();                \
  }
PHASE_CB (start)
PHASE_CB (update)
PHASE_CB (layout)
PHASE_CB (paint)

static void
end_cb (GdkFrameClock   *clock,
        FlMainLoopProbe *probe)
{
  probe->frame.end = g_get_monotonic_time ();
  probe->drawn = probe->frame;
}

/* Our handlers run after GTK's (connected when the window was realized),
 * so each notes the end of its phase. */
void
fl_main_loop_probe_watch_frames (FlMainLoopProbe *probe,
                                 GdkFrameClock   *clock)
{
  g_return_if_fail (probe->clock == NULL);

  probe->clock = g_object_ref (clock);
  g_signal_connect (clock, "before-paint", G_CALLBACK (start_cb), probe);
  g_signal_connect (clock, "update", G_CALLBACK (update_cb), probe);
  g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), probe);
  g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), probe);
  g_signal_connect (clock, "after-paint", G_CALLBACK (end_cb), probe);
}

void
fl_main_loop_probe_stop (FlMainLoopProbe *probe)
{
  g_clear_handle_id (&probe->id, g_source_remove);
  if (probe->clock != NULL)
    g_signal_handlers_disconnect_by_data (probe->clock, probe);
  g_clear_object (&probe->clock);
}

void
fl_main_loop_probe_free (FlMainLoopProbe *probe)
{
  if (probe == NULL)
    return;
  fl_main_loop_probe_stop (probe);
  g_array_unref (probe->gaps);
  g_free (probe);
}

gint64
fl_main_loop_probe_worst (const FlMainLoopProbe *probe, gint64 *ended_at)
{
  if (ended_at != NULL)
    *ended_at = probe->worst_at;
  return probe->worst;
}

guint
fl_main_loop_probe_n_gaps (const FlMainLoopProbe *probe)
{
  return probe->gaps->len;
}

static int
cmp_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

gint64
fl_main_loop_probe_quantile (const FlMainLoopProbe *probe, double q)
{
  guint n = probe->gaps->len;
  g_autofree gint64 *sorted = NULL;
  guint rank;

  if (n == 0)
    return 0;
  sorted = g_memdup2 (probe->gaps->data, n * sizeof (gint64));
  qsort (sorted, n, sizeof (gint64), cmp_gint64);
  rank = (guint) CLAMP (ceil (q * n), 1, n);   /* the nearest rank, 1-based */
  return sorted[rank - 1];
}

guint
fl_main_loop_probe_count_over (const FlMainLoopProbe *probe, gint64 limit)
{
  guint count = 0;

  for (guint i = 0; i < probe->gaps->len; i++)
    count += g_array_index (probe->gaps, gint64, i) > limit;
  return count;
}

char *
fl_main_loop_probe_describe (const FlMainLoopProbe *probe)
{
  gint64 at, worst = fl_main_loop_probe_worst (probe, &at);

  return g_strdup_printf ("longest gap %.1f ms (%.1f s in), median %.1f ms, 99th percentile %.1f ms, "
                          "%u of %u gaps over 16 ms",
                          worst / 1000.0, at / 1e6,
                          fl_main_loop_probe_quantile (probe, 0.5) / 1000.0,
                          fl_main_loop_probe_quantile (probe, 0.99) / 1000.0,
                          fl_main_loop_probe_count_over (probe, 16000),
                          fl_main_loop_probe_n_gaps (probe));
}
