/* SPDX-License-Identifier: MIT
 *
 * fl-scroll-bench.h — the main loop while a scrolled view moves (issue 16:
 * the Data page stays responsive with 100,000 samples; `fusionlab
 * --scroll-report`, bench/scale.sh). On each frame of the widget's clock
 * it moves the adjustment: a steady scroll of FL_SCROLL_BENCH_PX_PER_S
 * (some 13 rows of cards a second, a brisk flick) for 10 s, then ten jumps
 * across the whole list, one every 200 ms (as a drag of the scrollbar
 * does), with a FlMainLoopProbe over each.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_SCROLL_BENCH_PX_PER_S 2400.0

typedef struct FlScrollBench FlScrollBench;

/* Starts at once; widget and adj are referenced. */
FlScrollBench *fl_scroll_bench_new    (GtkWidget     *widget,
                                       GtkAdjustment *adj);
void           fl_scroll_bench_free   (FlScrollBench *bench);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlScrollBench, fl_scroll_bench_free)

gboolean       fl_scroll_bench_done   (FlScrollBench *bench);
/* Once done: a line on the steady scroll (with the frames drawn a second)
 * and one on the jumps, each ending in a newline; free with g_free(). */
char          *fl_scroll_bench_report (FlScrollBench *bench);

G_END_DECLS
