/* SPDX-License-Identifier: MIT
 *
 * fl-match-view.h — a matching run's curves, live (issue 15): Recall@1, 5
 * and 10 on the held-out pairs after each epoch, image → text in one plot
 * and text → image in the other, each R@k beside its chance level k/N (a
 * dotted line in its colour), so that one sees at a glance when the curves
 * leave chance; above them, in words, the last epoch's median ranks (and
 * theirs by chance, (N + 1)/2), loss and temperature.
 *
 * It follows the session's last matching run (::match-started,
 * ::match-epoch), or a run it is told to show.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-plot-view.h"
#include "fl-session.h"

G_BEGIN_DECLS

typedef enum {
  FL_MATCH_I2T,   /* image → text: each picture's texts ranked */
  FL_MATCH_T2I,   /* text → image */
} FlMatchDirection;

#define FL_MATCH_N_K 3   /* R@1, R@5, R@10 */

#define FL_TYPE_MATCH_VIEW (fl_match_view_get_type ())
G_DECLARE_FINAL_TYPE (FlMatchView, fl_match_view, FL, MATCH_VIEW, GtkWidget)

GtkWidget  *fl_match_view_new         (void);
/* The session whose matching runs are drawn (a reference is kept). */
void        fl_match_view_set_session (FlMatchView      *self,
                                       FlSession        *session);
/* Draws a matching run's epochs so far, and its next ones (NULL: none). */
void        fl_match_view_show_item   (FlMatchView      *self,
                                       FlRunItem        *item);
FlRunItem  *fl_match_view_get_item    (FlMatchView      *self);
FlPlotView *fl_match_view_get_plot    (FlMatchView      *self,
                                       FlMatchDirection  direction);
/* The series of a direction's plot that draws R@k (k_index 0, 1, 2 for
 * k = 1, 5, 10), or with chance, its chance level. */
guint       fl_match_view_get_series  (FlMatchView      *self,
                                       int               k_index,
                                       gboolean          chance);
/* The line of words above the plots. */
const char *fl_match_view_get_summary (FlMatchView      *self);

G_END_DECLS
