/* SPDX-License-Identifier: MIT
 *
 * The main-loop probe (ui/fl-main-loop-probe.h): an idle loop shows gaps
 * near the probe's 5 ms period; a handler that holds the loop for 40 ms
 * shows as one gap of at least 40 ms, when it happened, and in the count
 * of gaps over 16 ms; the quantiles are the nearest ranks of the gaps.
 */
#include "fl-main-loop-probe.h"

#include "fl-test-util.h"

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gboolean
hold_cb (gpointer data)
{
  gint64 until = g_get_monotonic_time () + 40000;

  while (g_get_monotonic_time () < until)
    ;
  *(gint64 *) data = g_get_monotonic_time ();
  return G_SOURCE_REMOVE;
}

/* Runs the default main context for ms milliseconds. */
static void
spin (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
}

static void
test_idle_and_held (void)
{
  g_autoptr(FlMainLoopProbe) probe = fl_main_loop_probe_new ();
  gint64 start = g_get_monotonic_time (), held_end = 0, ended_at = 0, worst;
  guint n;

  /* timing on a shared machine (CI runs the ASan build beside others):
   * the idle gaps are asserted by their median, not by their maximum */
  spin (100);
  g_assert_cmpint (fl_main_loop_probe_quantile (probe, 0.5), >=, 4000);
  g_assert_cmpint (fl_main_loop_probe_quantile (probe, 0.5), <, 16000);
  g_timeout_add (1, hold_cb, &held_end);
  spin (100);
  fl_main_loop_probe_stop (probe);

  worst = fl_main_loop_probe_worst (probe, &ended_at);
  g_assert_cmpint (worst, >=, 40000);
  g_assert_cmpint (held_end, >, 0);
  /* the worst gap ended just after the held handler returned */
  g_assert_cmpint (ended_at, >=, held_end - start - 5000);
  g_assert_cmpint (ended_at, <=, held_end - start + 20000);
  g_assert_cmpuint (fl_main_loop_probe_count_over (probe, 16000), >=, 1);
  g_assert_cmpint (fl_main_loop_probe_quantile (probe, 1.0), ==, worst);
  g_assert_cmpint (fl_main_loop_probe_quantile (probe, 0.0), <=, fl_main_loop_probe_quantile (probe, 0.5));

  /* stopped: no more gaps */
  n = fl_main_loop_probe_n_gaps (probe);
  g_assert_cmpuint (n, >=, 3);
  spin (30);
  g_assert_cmpuint (fl_main_loop_probe_n_gaps (probe), ==, n);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/main-loop-probe/idle-and-held", test_idle_and_held);
  return g_test_run ();
}
