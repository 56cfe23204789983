/* SPDX-License-Identifier: MIT
 *
 * fl-plot-renderer.h — draws a plot model with its layout onto any cairo_t:
 * the widget's snapshot and the PNG, SVG and PDF exports share it.
 * Neither needs a display.
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
/* The readout at x (in epochs, as fl_plot_readout_snap() gives it): a
 * guide line, the series' markers there highlighted and a box with their
 * values. */
void fl_plot_renderer_draw_readout (cairo_t            *cr,
                                    FlPlotModel        *model,
                                    const FlPlotLayout *layout,
                                    double              x,
                                    const GdkRGBA      *fg);

/* Draws model, width × height, on a white page into path: PNG, SVG or PDF
 * after the name's extension (G_IO_ERROR_INVALID_ARGUMENT for another).
 * Text is laid out with context scaled by font_scale; the switched-off
 * series are left out, legend included, and there is no readout. */
gboolean fl_plot_renderer_export   (FlPlotModel        *model,
                                    PangoContext       *context,
                                    double              font_scale,
                                    const char         *path,
                                    int                 width,
                                    int                 height,
                                    GError            **error);

G_END_DECLS
