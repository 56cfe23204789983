/* SPDX-License-Identifier: MIT
 *
 * fl-fusion-diagram.h — a small picture of how a fusion route joins the
 * features of its branches, for the training panel: a box per branch on
 * the left (picture, words, sound, numbers, in their colours), what meets
 * them in the middle (for late, a head per branch), the classifier on the
 * right. Drawn with Cairo onto any cairo_t.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-model.h"

G_BEGIN_DECLS

/* The height the diagram wants for a box per branch of branches. */
int  fl_fusion_diagram_height (guint          branches);

/* Draws fusion's diagram into the rectangle (0, 0, width, height) of cr,
 * its words laid out with context, in colour fg on a transparent ground:
 * a box per branch of branches (a mask of FL_BRANCH_BIT()s; 0 = image and
 * text), those fusion does not read (all but a baseline's own) faded;
 * rank is the lowrank fusion's, which its middle box shows. */
void fl_fusion_diagram_draw   (cairo_t       *cr,
                               PangoContext  *context,
                               FlFusion       fusion,
                               guint          branches,
                               int            rank,
                               double         width,
                               double         height,
                               const GdkRGBA *fg);

G_END_DECLS
