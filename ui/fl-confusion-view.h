/* SPDX-License-Identifier: MIT
 *
 * fl-confusion-view.h — a confusion matrix as a Cairo heat map.
 *
 * Rows are the true classes, columns the predicted ones; each cell shows its
 * count, shaded by the fraction of its row (so a class with few samples is as
 * readable as a large one). Hovering a cell explains it in a tooltip;
 * clicking it emits "cell-activated".
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_CONFUSION_VIEW (fl_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (FlConfusionView, fl_confusion_view, FL, CONFUSION_VIEW, GtkWidget)

GtkWidget *fl_confusion_view_new           (void);

/* counts is (n_classes, n_classes), row = true class, column = predicted;
 * class_names has n_classes entries. Both are copied. */
void       fl_confusion_view_set_matrix    (FlConfusionView    *self,
                                            int                 n_classes,
                                            const gint64       *counts,
                                            const char *const  *class_names);
void       fl_confusion_view_clear         (FlConfusionView    *self);
int        fl_confusion_view_get_n_classes (FlConfusionView    *self);
gint64     fl_confusion_view_get_count     (FlConfusionView    *self,
                                            int                 true_class,
                                            int                 predicted);

/* Emits "cell-activated" (int true_class, int predicted), as a click on
 * the cell does. */
void       fl_confusion_view_activate_cell (FlConfusionView    *self,
                                            int                 true_class,
                                            int                 predicted);

G_END_DECLS
