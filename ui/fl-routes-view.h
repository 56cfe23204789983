/* SPDX-License-Identifier: MIT
 *
 * fl-routes-view.h — a cross-validated comparison summed up: per route
 * (fusion), the mean ± sd of validation accuracy and macro-F1 over the
 * folds with each fold's accuracy as a dot, and in words which route beats
 * which and whether the difference is real (a corrected resampled t-test
 * over the folds). A route is called the best only when it is
 * significantly ahead of every other one. Hidden for a comparison on one
 * split.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_ROUTES_VIEW (fl_routes_view_get_type ())
G_DECLARE_FINAL_TYPE (FlRoutesView, fl_routes_view, FL, ROUTES_VIEW, GtkWidget)

GtkWidget  *fl_routes_view_new          (void);
/* The session whose comparison is summed up (a reference is kept). */
void        fl_routes_view_set_session  (FlRoutesView *self,
                                         FlSession    *session);
/* What it says, for tests and screen readers: the heading, then a line per
 * route ("Product  80.8% ± 2.6  …"), then the verdicts. */
char       *fl_routes_view_describe     (FlRoutesView *self);

G_END_DECLS
