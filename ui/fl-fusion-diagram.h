/* SPDX-License-Identifier: MIT
 *
 * fl-fusion-diagram.h — a small picture of how a fusion route joins the
 * picture's and the words' features, for the training panel: the two
 * branches on the left, what meets them in the middle, the classifier on
 * the right. Drawn with Cairo onto any cairo_t.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-ops.h"

G_BEGIN_DECLS

/* Draws fusion's diagram into the rectangle (0, 0, width, height) of cr,
 * its words laid out with context, in colour fg on a transparent ground. */
void fl_fusion_diagram_draw (cairo_t       *cr,
                             PangoContext  *context,
                             FlFusion       fusion,
                             double         width,
                             double         height,
                             const GdkRGBA *fg);

G_END_DECLS
