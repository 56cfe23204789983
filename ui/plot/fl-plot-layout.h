/* SPDX-License-Identifier: MIT
 *
 * fl-plot-layout.h — where everything of a plot goes at one size: the plot
 * area, the axes' ranges and ticks with their labels laid out, the titles
 * and the legend entries. Computed from a model, a size and a Pango context
 * by fl_plot_layout_new(), which changes nothing else; a view keeps one
 * until the model, the size or the font changes, and both drawing
 * (fl-plot-renderer.h) and hit-testing read it.
 *
 * Pixels are those of the cairo_t it is drawn on, (0, 0) at the top left.
 */
#pragma once

#include <gtk/gtk.h>
#include <math.h>

#include "fl-plot-model.h"

G_BEGIN_DECLS

#define FL_PLOT_PAD    12.0   /* around everything */
#define FL_PLOT_GAP     6.0   /* between a label and what it names */
#define FL_PLOT_MARKER  3.5   /* radius of a point marker */
#define FL_PLOT_SWATCH 22.0   /* length of a legend swatch */

/* A tick of an axis and its label. */
typedef struct {
  double       value;   /* y: in axis units (log10 of the value on a log
                         * scale); x: in the x axis's units (epochs or samples) */
  double       px;      /* where its line is, across the axis (on a pixel centre) */
  PangoLayout *label;   /* owned by the layout */
  double       label_w, label_h;
} FlPlotTick;

/* One entry of the legend: a swatch of the series' line, then its label. */
typedef struct {
  guint            series;
  PangoLayout     *label;  /* owned by the layout; struck through when the
                            * series is switched off */
  graphene_rect_t  rect;   /* swatch, gap and label */
} FlPlotLegendEntry;

typedef struct {
  double        width, height;
  double        left, top, right, bottom;  /* the plot area */
  double        x0, x1;                    /* the x range, in epochs */
  double        xscale;                    /* display x = epochs × xscale */
  double        y0, y1, ystep;             /* the y range, in axis units */
  gboolean      log_y;                     /* y0, y1, ystep are log10 of the values */
  double        header_h;                  /* title (and legend) rows */
  GArray       *x_ticks;                   /* of FlPlotTick */
  GArray       *y_ticks;                   /* of FlPlotTick */
  GArray       *legend;                    /* of FlPlotLegendEntry, in series order */
  GArray       *colors;                    /* of GdkRGBA, one per series */
  PangoLayout  *title;                     /* at (PAD, PAD) */
  PangoLayout  *x_title;                   /* at x_title_x, x_title_y */
  double        x_title_x, x_title_y;
  PangoLayout  *y_title;                   /* its baseline upwards, starting at y_title_x, y_title_y */
  double        y_title_x, y_title_y;
  PangoLayout  *placeholder;               /* NULL unless the plot has no points */
  PangoContext *context;                   /* a reference, for text laid out later */
  double        font_scale;
} FlPlotLayout;

/* The layout of model at width × height, text from context (the widget's,
 * or one of pango_cairo_font_map_get_default()) scaled by font_scale. The
 * legend lists the visible series but the THIN ones, and with_inactive the
 * switched-off ones too (on screen, where a click brings them back; not in an export). */
FlPlotLayout *fl_plot_layout_new         (FlPlotModel        *model,
                                          PangoContext       *context,
                                          double              font_scale,
                                          double              width,
                                          double              height,
                                          gboolean            with_inactive);
void          fl_plot_layout_free        (FlPlotLayout       *layout);

/* The layout of a view, kept until the model, the size, the font scale or
 * the Pango context (the widget's font) changes; zero-initialise it, and
 * free its layout with fl_plot_layout_cache_clear(). */
typedef struct {
  FlPlotLayout *layout;
  FlPlotModel  *model;           /* not a reference: what layout was made of */
  guint         model_serial;
  guint         context_serial;
} FlPlotLayoutCache;

/* The on-screen layout (with_inactive) of model, the cached one when none
 * of its inputs has changed; owned by the cache, valid until the next call
 * or fl_plot_layout_cache_clear(). A new layout never has the address of
 * the one it replaces. */
const FlPlotLayout *
              fl_plot_layout_cache_get   (FlPlotLayoutCache  *cache,
                                          FlPlotModel        *model,
                                          PangoContext       *context,
                                          double              font_scale,
                                          double              width,
                                          double              height);
void          fl_plot_layout_cache_clear (FlPlotLayoutCache  *cache);

/* Text laid out as this layout's is (markup, or NULL for none); free with
 * g_object_unref(). */
PangoLayout  *fl_plot_layout_text        (const FlPlotLayout *layout,
                                          const char         *markup);
/* The series whose legend entry is at (x, y), or -1. */
int           fl_plot_layout_legend_at   (const FlPlotLayout *layout,
                                          double              x,
                                          double              y);
/* The legend entry of a series, or NULL; owned by the layout. */
const FlPlotLegendEntry *
              fl_plot_layout_legend_entry (const FlPlotLayout *layout,
                                           guint               series);

/* From data to pixels and back; x in epochs, y a value. */
static inline double
fl_plot_layout_x_to_px (const FlPlotLayout *lay,
                        double              x)
{
  return lay->left + (x - lay->x0) / (lay->x1 - lay->x0) * (lay->right - lay->left);
}

static inline double
fl_plot_layout_px_to_x (const FlPlotLayout *lay,
                        double              px)
{
  return lay->x0 + (px - lay->left) / (lay->right - lay->left) * (lay->x1 - lay->x0);
}

/* a in axis units: the value, or its log10 on a log scale */
static inline double
fl_plot_layout_axis_to_px (const FlPlotLayout *lay,
                           double              a)
{
  return lay->bottom - (a - lay->y0) / (lay->y1 - lay->y0) * (lay->bottom - lay->top);
}

static inline double
fl_plot_layout_y_to_px (const FlPlotLayout *lay,
                        double              y)
{
  return fl_plot_layout_axis_to_px (lay, lay->log_y ? log10 (MAX (y, 1e-12)) : y);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlPlotLayout, fl_plot_layout_free)

G_END_DECLS
