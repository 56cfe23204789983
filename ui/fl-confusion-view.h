/* SPDX-License-Identifier: MIT
 *
 * fl-confusion-view.h — a confusion matrix as a Cairo heat map.
 *
 * Rows are the true classes, columns the predicted ones; each cell shows its
 * count — or, with "proportions" on, its share of the row as a percentage —
 * shaded by the fraction of its row (so a class with few samples is as
 * readable as a large one). Hovering a cell explains it in a tooltip with
 * both; clicking it emits "cell-activated".
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_CONFUSION_VIEW (fl_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (FlConfusionView, fl_confusion_view, FL, CONFUSION_VIEW, GtkWidget)

GtkWidget *fl_confusion_view_new             (void);

/* counts is (n_classes, n_classes), row = true class, column = predicted;
 * class_names has n_classes entries. Both are copied. */
void       fl_confusion_view_set_matrix      (FlConfusionView   *self,
                                              int                n_classes,
                                              const gint64      *counts,
                                              const char *const *class_names);
void       fl_confusion_view_clear           (FlConfusionView   *self);
int        fl_confusion_view_get_n_classes   (FlConfusionView   *self);
gint64     fl_confusion_view_get_count       (FlConfusionView   *self,
                                              int                true_class,
                                              int                predicted);

/* Whether the cells show their share of the row (the true class) as a
 * whole percentage, "83%", rather than their count; FALSE at first. The
 * diagonal then reads as each class's recall. */
void       fl_confusion_view_set_proportions (FlConfusionView   *self,
                                              gboolean           proportions);
gboolean   fl_confusion_view_get_proportions (FlConfusionView   *self);

/* Whether the matrix counts test samples (Evaluate on Test Data…) rather
 * than validation samples, for the tooltips' words; set_matrix() makes it
 * FALSE again. */
void       fl_confusion_view_set_test_data   (FlConfusionView   *self,
                                              gboolean           test_data);

/* The text the cell (true class t, predicted p) shows, whether or not it
 * fits the cell at its present size: "5" for a count; "83%" for a
 * proportion, "<1%" and ">99%" for what would round to 0% or 100% but is
 * not, and "–" in a row without samples. In cells too small for "100%"
 * even in the small font, percentages are drawn without their sign, "83",
 * and the caption says "cells in %". Free with g_free(). */
char      *fl_confusion_view_get_cell_text   (FlConfusionView   *self,
                                              int                t,
                                              int                p);

/* Emits "cell-activated" (int true_class, int predicted), as a click on
 * the cell does. */
void       fl_confusion_view_activate_cell   (FlConfusionView   *self,
                                              int                true_class,
                                              int                predicted);

G_END_DECLS
