/* SPDX-License-Identifier: MIT
 *
 * fl-gate-chart.h — what a gated run's gate trusts (issue 13), drawn with
 * Cairo for the Why page: one bar per class at its mean gate, from 0 (the
 * words) to 1 (the picture), and under them the histogram of every
 * validation sample's mean gate (fl_run_gate_summary()).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The height the chart wants for n_classes bars and the histogram. */
double fl_gate_chart_height (int n_classes);

/* Draws at width × height onto cr, its words laid out in pango (the
 * widget's, or pango_cairo_create_context() for an export); mean and
 * names are (n_classes), hist is (n_bins). */
void   fl_gate_chart_render (const double      *mean,
                             const char *const *names,
                             int                n_classes,
                             const guint       *hist,
                             int                n_bins,
                             cairo_t           *cr,
                             PangoContext      *pango,
                             double             width,
                             double             height,
                             const GdkRGBA     *fg);

G_END_DECLS
