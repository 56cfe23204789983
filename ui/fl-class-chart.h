/* SPDX-License-Identifier: MIT
 *
 * fl-class-chart.h — a small horizontal bar chart of samples per class.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_CLASS_CHART (fl_class_chart_get_type ())
G_DECLARE_FINAL_TYPE (FlClassChart, fl_class_chart, FL, CLASS_CHART, GtkWidget)

GtkWidget *fl_class_chart_new        (void);

/* names and counts have n entries; both are copied. n = 0 empties it. */
void       fl_class_chart_set_counts (FlClassChart       *self,
                                      int                 n,
                                      const char *const  *names,
                                      const int          *counts);
int        fl_class_chart_get_n_bars (FlClassChart       *self);

G_END_DECLS
