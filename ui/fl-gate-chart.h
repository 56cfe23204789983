/* SPDX-License-Identifier: MIT
 *
 * fl-gate-chart.h — what a gated run's gate trusts (issue 13), drawn with
 * Cairo for the Why page (fl_run_gate_weights()). Over two branches, one
 * bar per class at its mean gate, from 0 (the second branch: the words) to
 * 1 (the first: the picture), and under them the histogram of every
 * validation sample's mean gate. Over more, each class's bar is split into
 * each branch's mean weight, in the branches' colours, under a legend, and
 * the histogram has a line per branch.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The height the chart wants for n_classes bars (and a legend over more
 * than two branches) and the histogram. */
double fl_gate_chart_height (int n_classes,
                             guint branches);

/* Draws at width × height onto cr, its words laid out in pango (the
 * widget's, or pango_cairo_create_context() for an export): branches are
 * those the gate weighs, mean is (n_classes, FL_N_BRANCHES) and hist
 * (FL_N_BRANCHES, n_bins), indexed by FlBranch; names are (n_classes). */
void   fl_gate_chart_render (const double      *mean,
                             guint              branches,
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
