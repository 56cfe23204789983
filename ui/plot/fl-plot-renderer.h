/* SPDX-License-Identifier: MIT
 *
 * fl-plot-renderer.h — draws a plot model with its layout onto any cairo_t:
 * the widget's snapshot and the PNG, SVG and PDF exports share it.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-plot-layout.h"
#include "fl-plot-model.h"

G_BEGIN_DECLS

/* The title, legend, axes, grid, curves and (without points) the
 * placeholder, text and axes in fg. A series switched off is left out of
 * the curves; its legend entry, if the layout has one, is dimmed. */
void fl_plot_renderer_draw         (cairo_t            *cr,
                                    FlPlotModel        *model,
                                    const FlPlotLayout *layout,
                                    const GdkRGBA      *fg);
/* The readout at x (in epochs, as fl_plot_model_snap_x() gives it): a
 * guide line, the series' markers there highlighted and a box with their
 * values. */
void fl_plot_renderer_draw_readout (cairo_t            *cr,
                                    FlPlotModel        *model,
                                    const FlPlotLayout *layout,
                                    double              x,
                                    const GdkRGBA      *fg);

G_END_DECLS
