/* SPDX-License-Identifier: MIT
 *
 * fl-tooltip.h — a tooltip that shows a string property of an object, made
 * when it is asked for. Binding the property to "tooltip-text" would set
 * the tooltip at every change, and each setting asks the X server where the
 * pointer is (gtk_widget_set_tooltip_text → XIQueryPointer, two round
 * trips): for a status updated at every batch, half the main loop's work
 * while training (perf, issue 16).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows the string property of object (kept alive while widget lives) as
 * widget's tooltip; none while it is NULL or empty. */
void fl_tooltip_follow (GtkWidget  *widget,
                        GObject    *object,
                        const char *property);

G_END_DECLS
