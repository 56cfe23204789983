/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-scroll-bench"

#include "fl-scroll-bench.h"
#include "fl-main-loop-probe.h"

#define STEADY_US (10 * G_USEC_PER_SEC)
#define JUMPS     10
#define JUMP_US   (G_USEC_PER_SEC / 5)

struct FlScrollBench {
  GtkWidget       *widget;
  GtkAdjustment   *adj;
  guint            tick_id;
  gint64           start;       /* of the steady scroll, frame time */
  gint64           jumps_start; /* 0 while scrolling steadily */
  int              frames;      /* drawn while scrolling steadily */
  FlMainLoopProbe *steady;
  FlMainLoopProbe *jumps;
};

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       data)
{
  FlScrollBench *bench = data;
  double end = gtk_adjustment_get_upper (bench->adj) - gtk_adjustment_get_page_size (bench->adj);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  gint64 jump;

  if (bench->start == 0)
    {
      bench->start = now;
      fl_main_loop_probe_watch_frames (bench->steady, clock);
    }
  if (bench->jumps_start == 0 && now - bench->start < STEADY_US)
    {
      bench->frames++;
      gtk_adjustment_set_value (bench->adj, MIN (end, (now - bench->start) / 1e6 * FL_SCROLL_BENCH_PX_PER_S));
      return G_SOURCE_CONTINUE;
    }
  if (bench->jumps_start == 0)
    {
      fl_main_loop_probe_stop (bench->steady);
      bench->jumps = fl_main_loop_probe_new ();
      fl_main_loop_probe_watch_frames (bench->jumps, clock);
      bench->jumps_start = now;
    }
  jump = (now - bench->jumps_start) / JUMP_US;
  gtk_adjustment_set_value (bench->adj, end * MIN (jump, JUMPS) / JUMPS);
  if (jump <= JUMPS)
    return G_SOURCE_CONTINUE;
  fl_main_loop_probe_stop (bench->jumps);
  bench->tick_id = 0;
  return G_SOURCE_REMOVE;
}

FlScrollBench *
fl_scroll_bench_new (GtkWidget     *widget,
                     GtkAdjustment *adj)
{
  FlScrollBench *bench = g_new0 (FlScrollBench, 1);

  bench->widget = g_object_ref (widget);
  bench->adj = g_object_ref (adj);
  bench->steady = fl_main_loop_probe_new ();
  bench->tick_id = gtk_widget_add_tick_callback (widget, tick_cb, bench, NULL);
  return bench;
}

void
fl_scroll_bench_free (FlScrollBench *bench)
{
  if (bench == NULL)
    return;
  if (bench->tick_id != 0)
    gtk_widget_remove_tick_callback (bench->widget, bench->tick_id);
  fl_main_loop_probe_free (bench->steady);
  fl_main_loop_probe_free (bench->jumps);
  g_object_unref (bench->widget);
  g_object_unref (bench->adj);
  g_free (bench);
}

gboolean
fl_scroll_bench_done (FlScrollBench *bench)
{
  return bench->tick_id == 0;
}

char *
fl_scroll_bench_report (FlScrollBench *bench)
{
  g_autofree char *steady = NULL, *jumps = NULL;

  g_return_val_if_fail (fl_scroll_bench_done (bench), NULL);

  steady = fl_main_loop_probe_describe (bench->steady);
  jumps = fl_main_loop_probe_describe (bench->jumps);
  return g_strdup_printf ("main loop while scrolling the samples (%.0f frames a second): %s\n"
                          "main loop while jumping across the samples: %s\n",
                          bench->frames / ((double) STEADY_US / G_USEC_PER_SEC), steady, jumps);
}
