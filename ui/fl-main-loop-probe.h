/* SPDX-License-Identifier: MIT
 *
 * fl-main-loop-probe.h — how long the main loop is kept from iterating
 * (issue 16: "the UI main loop's longest gap while training"). A
 * high-priority 5 ms timeout notes the time between its runs; an idle loop
 * gives gaps of 5 ms, and anything the main loop does between two runs —
 * a frame drawn, a handler that works too long — adds to one gap. A gap
 * over 16 ms is a frame the window could not draw at 60 Hz.
 *
 * Used by `fusionlab --main-loop-report` (bench/mainloop.sh) and by the
 * window's test.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct FlMainLoopProbe FlMainLoopProbe;

/* Starts probing the default main context. */
FlMainLoopProbe *fl_main_loop_probe_new (void);
/* With G_MESSAGES_DEBUG=fl-main-loop-probe, a gap over 16 ms is logged
 * with the time each phase of the frame drawn in it took (update, layout,
 * paint), to tell which to look at. */
void             fl_main_loop_probe_watch_frames (FlMainLoopProbe *probe,
                                                  GdkFrameClock   *clock);
/* Stops probing; the figures stay. */
void             fl_main_loop_probe_stop (FlMainLoopProbe *probe);
void             fl_main_loop_probe_free (FlMainLoopProbe *probe);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMainLoopProbe, fl_main_loop_probe_free)

/* The longest gap in µs (0 before two runs), and when it ended, in µs
 * from the start. */
gint64 fl_main_loop_probe_worst (const FlMainLoopProbe *probe, gint64 *ended_at);
/* The gaps measured (one fewer than the runs). */
guint  fl_main_loop_probe_n_gaps (const FlMainLoopProbe *probe);
/* The gap in µs that a fraction q in [0, 1] of the gaps do not exceed
 * (the nearest rank); 0 when there are none. */
gint64 fl_main_loop_probe_quantile (const FlMainLoopProbe *probe, double q);
/* The number of gaps longer than limit µs. */
guint  fl_main_loop_probe_count_over (const FlMainLoopProbe *probe, gint64 limit);
/* "longest gap 12.7 ms (3.1 s in), median 5.1 ms, 99th percentile 9.8 ms,
 * 0 of 812 gaps over 16 ms"; free with g_free(). */
char  *fl_main_loop_probe_describe   (const FlMainLoopProbe *probe);

G_END_DECLS
