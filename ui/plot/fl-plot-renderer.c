/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-renderer"

#include "fl-plot-renderer.h"
#include "fl-plot-readout.h"
#include "fl-i18n.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>

#define PAD    FL_PLOT_PAD
#define GAP    FL_PLOT_GAP
#define MARKER FL_PLOT_MARKER
#define SWATCH FL_PLOT_SWATCH
#define BAND_ALPHA 0.18   /* of a band's fill: the lines on it stay clear */

static const GdkRGBA *
series_color (const FlPlotLayout *lay,
              guint               series)
{
  return &g_array_index (lay->colors, GdkRGBA, series);
}

static void
set_source_alpha (cairo_t       *cr,
                  const GdkRGBA *color,
                  double         alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, alpha);
}

static void
show_text (cairo_t     *cr,
           PangoLayout *text,
           double       x,
           double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, text);
}

static void
draw_marker (cairo_t     *cr,
             FlPlotStyle  style,
             double       x,
             double       y,
             double       r)
{
  if (style == FL_PLOT_STYLE_DASHED)
    cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
  else
    cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  cairo_fill (cr);
}

/* A short stroke in a series' style, for the legend and the readout. */
static void
draw_swatch (cairo_t       *cr,
             FlPlotStyle    style,
             const GdkRGBA *color,
             double         x,
             double         y)
{
  gdk_cairo_set_source_rgba (cr, color);
  if (style == FL_PLOT_STYLE_THIN)
    set_source_alpha (cr, color, 0.6);
  cairo_set_line_width (cr, style == FL_PLOT_STYLE_THIN ? 1.25 : style == FL_PLOT_STYLE_SMOOTHED ? 2.0
                            : style == FL_PLOT_STYLE_REFERENCE ? 1.75 : 2.25);
  if (style == FL_PLOT_STYLE_DASHED)
    cairo_set_dash (cr, (double[]) { 4.0, 3.0 }, 2, 0);
  else if (style == FL_PLOT_STYLE_REFERENCE)
    cairo_set_dash (cr, (double[]) { 2.0, 2.5 }, 2, 0);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + SWATCH, y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (style == FL_PLOT_STYLE_LINE || style == FL_PLOT_STYLE_DASHED)
    draw_marker (cr, style, x + SWATCH / 2, y, MARKER);
}

/* A series' swatch, on a patch of its band's fill when it has a band. */
static void
draw_series_swatch (cairo_t            *cr,
                    FlPlotModel        *model,
                    const FlPlotLayout *lay,
                    guint               series,
                    double              x,
                    double              y)
{
  if (fl_plot_model_get_bands (model, series) != NULL)
    {
      set_source_alpha (cr, series_color (lay, series), BAND_ALPHA * 1.5);
      cairo_rectangle (cr, x, y - 5.0, SWATCH, 10.0);
      cairo_fill (cr);
    }
  draw_swatch (cr, fl_plot_model_get_style (model, series), series_color (lay, series), x, y);
}

/* The title and the legend; a series switched off is dimmed, and its name
 * struck through. */
static void
draw_header (cairo_t            *cr,
             FlPlotModel        *model,
             const FlPlotLayout *lay,
             const GdkRGBA      *fg)
{
  gdk_cairo_set_source_rgba (cr, fg);
  show_text (cr, lay->title, PAD, PAD);
  for (guint k = 0; k < lay->legend->len; k++)
    {
      const FlPlotLegendEntry *e = &g_array_index (lay->legend, FlPlotLegendEntry, k);
      gboolean active = fl_plot_model_get_series_active (model, e->series);

      if (!active)
        cairo_push_group (cr);
      draw_series_swatch (cr, model, lay, e->series, e->rect.origin.x, e->rect.origin.y + e->rect.size.height / 2);
      gdk_cairo_set_source_rgba (cr, fg);
      show_text (cr, e->label, e->rect.origin.x + SWATCH + GAP, e->rect.origin.y);
      if (!active)
        {
          cairo_pop_group_to_source (cr);
          cairo_paint_with_alpha (cr, 0.35);
        }
    }
}

/* The grid with the y ticks, the x ticks and the axis titles. */
static void
draw_axes (cairo_t            *cr,
           const FlPlotLayout *lay,
           const GdkRGBA      *fg)
{
  cairo_set_line_width (cr, 1.0);
  for (guint k = 0; k < lay->y_ticks->len; k++)
    {
      const FlPlotTick *t = &g_array_index (lay->y_ticks, FlPlotTick, k);

      set_source_alpha (cr, fg, fabs (t->value - lay->y0) < 1e-9 ? 0.45 : 0.1);
      cairo_move_to (cr, lay->left, t->px);
      cairo_line_to (cr, lay->right, t->px);
      cairo_stroke (cr);
      set_source_alpha (cr, fg, 0.7);
      show_text (cr, t->label, lay->left - GAP - t->label_w, t->px - t->label_h / 2);
    }

  for (guint k = 0; k < lay->x_ticks->len; k++)
    {
      const FlPlotTick *t = &g_array_index (lay->x_ticks, FlPlotTick, k);

      set_source_alpha (cr, fg, 0.45);
      cairo_move_to (cr, t->px, lay->bottom);
      cairo_line_to (cr, t->px, lay->bottom + 4.0);
      cairo_stroke (cr);
      set_source_alpha (cr, fg, 0.7);
      show_text (cr, t->label, t->px - t->label_w / 2, lay->bottom + GAP);
    }

  set_source_alpha (cr, fg, 0.7);
  show_text (cr, lay->x_title, lay->x_title_x, lay->x_title_y);
  cairo_save (cr);
  cairo_translate (cr, lay->y_title_x, lay->y_title_y);
  cairo_rotate (cr, -G_PI / 2);
  show_text (cr, lay->y_title, 0, 0);
  cairo_restore (cr);
}

/* A line through points, y from ys when it is not NULL. */
static void
trace (cairo_t            *cr,
       const FlPlotLayout *lay,
       const FlPlotPoint  *points,
       const double       *ys,
       guint               n)
{
  for (guint j = 0; j < n; j++)
    cairo_line_to (cr, fl_plot_layout_x_to_px (lay, points[j].x),
                   fl_plot_layout_y_to_px (lay, ys != NULL ? ys[j] : points[j].y));
  cairo_stroke (cr);
}

/* The band over points[first..last]: the upper edge forwards, the lower
 * one back; a single point's band is a bar. */
static void
fill_band (cairo_t            *cr,
           const FlPlotLayout *lay,
           const FlPlotPoint  *points,
           const FlPlotBand   *bands,
           guint               first,
           guint               last)
{
  if (first == last)
    {
      double px = fl_plot_layout_x_to_px (lay, points[first].x);

      cairo_rectangle (cr, px - 1.5, fl_plot_layout_y_to_px (lay, bands[first].hi),
                       3.0, fl_plot_layout_y_to_px (lay, bands[first].lo)
                            - fl_plot_layout_y_to_px (lay, bands[first].hi));
      cairo_fill (cr);
      return;
    }
  for (guint j = first; j <= last; j++)
    cairo_line_to (cr, fl_plot_layout_x_to_px (lay, points[j].x), fl_plot_layout_y_to_px (lay, bands[j].hi));
  for (guint j = last + 1; j-- > first;)
    cairo_line_to (cr, fl_plot_layout_x_to_px (lay, points[j].x), fl_plot_layout_y_to_px (lay, bands[j].lo));
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* A drawn series' bands, light in its colour: each stretch of points that
 * have one. */
static void
draw_band (cairo_t            *cr,
           FlPlotModel        *model,
           const FlPlotLayout *lay,
           guint               series)
{
  const FlPlotBand *bands = fl_plot_model_get_bands (model, series);
  const FlPlotPoint *points;
  guint n, first = 0;

  points = fl_plot_model_get_points (model, series, &n);
  if (bands == NULL || !fl_plot_model_series_drawn (model, series))
    return;
  set_source_alpha (cr, series_color (lay, series), BAND_ALPHA);
  for (guint j = 0; j <= n; j++)
    {
      if (j < n && !isnan (bands[j].lo))
        continue;
      if (j > first)
        fill_band (cr, lay, points, bands, first, j - 1);
      first = j + 1;
    }
}

static void
draw_series (cairo_t            *cr,
             FlPlotModel        *model,
             const FlPlotLayout *lay,
             guint               series)
{
  FlPlotStyle style = fl_plot_model_get_style (model, series);
  const GdkRGBA *color = series_color (lay, series);
  const FlPlotPoint *points;
  guint n;

  points = fl_plot_model_get_points (model, series, &n);
  if (!fl_plot_model_series_drawn (model, series) || n == 0)
    return;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (style == FL_PLOT_STYLE_SMOOTHED)
    {
      /* the raw batch losses, barely there, under their average */
      set_source_alpha (cr, color, 0.18);
      cairo_set_line_width (cr, 1.0);
      trace (cr, lay, points, NULL, n);
      set_source_alpha (cr, color, 0.8);
      cairo_set_line_width (cr, 1.75);
      trace (cr, lay, points, fl_plot_model_get_smoothed (model, series), n);
      return;
    }

  if (style == FL_PLOT_STYLE_THIN)
    {
      set_source_alpha (cr, color, 0.6);
      cairo_set_line_width (cr, 1.25);
      trace (cr, lay, points, NULL, n);
      return;
    }
  if (style == FL_PLOT_STYLE_REFERENCE)
    {
      gdk_cairo_set_source_rgba (cr, color);
      cairo_set_line_width (cr, 1.75);
      cairo_set_dash (cr, (double[]) { 2.0, 3.0 }, 2, 0);
      trace (cr, lay, points, NULL, n);
      cairo_set_dash (cr, NULL, 0, 0);
      return;
    }
  gdk_cairo_set_source_rgba (cr, color);
  cairo_set_line_width (cr, 2.25);
  if (style == FL_PLOT_STYLE_DASHED)
    cairo_set_dash (cr, (double[]) { 7.0, 4.0 }, 2, 0);
  trace (cr, lay, points, NULL, n);
  cairo_set_dash (cr, NULL, 0, 0);
  for (guint j = 0; j < n; j++)
    draw_marker (cr, style, fl_plot_layout_x_to_px (lay, points[j].x),
                 fl_plot_layout_y_to_px (lay, points[j].y), MARKER);
}

void
fl_plot_renderer_draw (cairo_t            *cr,
                       FlPlotModel        *model,
                       const FlPlotLayout *lay,
                       const GdkRGBA      *fg)
{
  g_return_if_fail (cr != NULL && lay != NULL && fg != NULL);
  g_return_if_fail (FL_IS_PLOT_MODEL (model));
  g_return_if_fail (lay->colors->len == fl_plot_model_get_n_series (model));

  draw_header (cr, model, lay, fg);
  draw_axes (cr, lay, fg);

  /* the curves, clipped to the plot area (with room for markers) */
  cairo_save (cr);
  cairo_rectangle (cr, lay->left - MARKER - 2, lay->top - MARKER - 2,
                   lay->right - lay->left + 2 * MARKER + 4, lay->bottom - lay->top + 2 * MARKER + 4);
  cairo_clip (cr);
  /* every band under every line */
  for (guint i = 0; i < fl_plot_model_get_n_series (model); i++)
    draw_band (cr, model, lay, i);
  for (guint i = 0; i < fl_plot_model_get_n_series (model); i++)
    draw_series (cr, model, lay, i);
  cairo_restore (cr);

  if (lay->placeholder != NULL)
    {
      int w, h;

      pango_layout_get_pixel_size (lay->placeholder, &w, &h);
      set_source_alpha (cr, fg, 0.55);
      show_text (cr, lay->placeholder, (lay->left + lay->right) / 2 - w / 2.0,
                 (lay->top + lay->bottom) / 2 - h / 2.0);
    }
}

/* A dark rounded box, like a GTK tooltip. */
static void
fill_box (cairo_t *cr,
          double   x,
          double   y,
          double   w,
          double   h)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - 6, y + 6, 6, -G_PI / 2, 0);
  cairo_arc (cr, x + w - 6, y + h - 6, 6, 0, G_PI / 2);
  cairo_arc (cr, x + 6, y + h - 6, 6, G_PI / 2, G_PI);
  cairo_arc (cr, x + 6, y + 6, 6, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.12, 0.12, 0.14, 0.92);
  cairo_fill (cr);
}

void
fl_plot_renderer_draw_readout (cairo_t            *cr,
                               FlPlotModel        *model,
                               const FlPlotLayout *lay,
                               double              x,
                               const GdkRGBA      *fg)
{
  g_autoptr(GArray) readings = NULL;
  g_autoptr(PangoLayout) text = NULL;
  g_autofree char *markup = NULL;
  double px = fl_plot_layout_x_to_px (lay, x), bw, bh, bx, by, line_h;
  int tw, th;

  g_return_if_fail (FL_IS_PLOT_MODEL (model));

  /* the guide and the highlighted markers */
  set_source_alpha (cr, fg, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, round (px) + 0.5, lay->top);
  cairo_line_to (cr, round (px) + 0.5, lay->bottom);
  cairo_stroke (cr);
  readings = fl_plot_readout_read (model, x);
  for (guint r = 0; r < readings->len; r++)
    {
      const FlPlotReading *reading = &g_array_index (readings, FlPlotReading, r);
      FlPlotStyle style = fl_plot_model_get_style (model, reading->series);

      gdk_cairo_set_source_rgba (cr, series_color (lay, reading->series));
      if (style != FL_PLOT_STYLE_SMOOTHED)
        draw_marker (cr, style, px, fl_plot_layout_y_to_px (lay, reading->y), MARKER + 1.5);
    }

  markup = fl_plot_readout_markup (model, x, readings);
  text = fl_plot_layout_text (lay, markup);
  pango_layout_get_pixel_size (text, &tw, &th);
  line_h = (double) th / (readings->len + 1 + fl_plot_readout_has_note (model, readings));
  bw = tw + 2 * 10.0 + SWATCH + GAP;
  bh = th + 2 * 8.0;
  bx = px + 14.0;
  if (bx + bw > lay->width - 4.0)
    bx = px - 14.0 - bw;
  bx = MAX (bx, 4.0);
  by = lay->top + 6.0;

  fill_box (cr, bx, by, bw, bh);
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  show_text (cr, text, bx + 10.0 + SWATCH + GAP, by + 8.0);
  for (guint r = 0; r < readings->len; r++)
    {
      guint series = g_array_index (readings, FlPlotReading, r).series;

      draw_series_swatch (cr, model, lay, series, bx + 10.0, by + 8.0 + (r + 1.5) * line_h);
    }
}

typedef enum { EXPORT_PNG, EXPORT_SVG, EXPORT_PDF } ExportFormat;

/* The surface to draw an export on, after the path's extension; NULL and
 * error set for another. */
static cairo_surface_t *
export_surface_new (const char    *path,
                    int            width,
                    int            height,
                    ExportFormat  *format,
                    GError       **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".png"))
    *format = EXPORT_PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    *format = EXPORT_SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = EXPORT_PDF;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s”: choose a name ending in .png, .svg or .pdf"), path);
      return NULL;
    }

  if (*format == EXPORT_PNG)
    return cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (*format == EXPORT_SVG)
    return cairo_svg_surface_create (path, width, height);
  return cairo_pdf_surface_create (path, width, height);
}

/* On paper: a white page, dark text, and only the series drawn, in the
 * legend too. Laid out at most 800 units wide and scaled up, so that the
 * text keeps its size against the curves whatever the size chosen. */
static void
export_draw (cairo_surface_t *surface,
             FlPlotModel     *model,
             PangoContext    *context,
             double           font_scale,
             int              width,
             int              height)
{
  static const GdkRGBA black = { 0.1, 0.1, 0.12, 1.0 };
  g_autoptr(FlPlotLayout) lay = NULL;
  double scale = MAX (1.0, width / 800.0);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  lay = fl_plot_layout_new (model, context, font_scale, width / scale, height / scale, FALSE);
  fl_plot_renderer_draw (cr, model, lay, &black);
  cairo_destroy (cr);
}

gboolean
fl_plot_renderer_export (FlPlotModel   *model,
                         PangoContext  *context,
                         double         font_scale,
                         const char    *path,
                         int            width,
                         int            height,
                         GError       **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  ExportFormat format;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (model), FALSE);
  g_return_val_if_fail (PANGO_IS_CONTEXT (context), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width >= 80 && height >= 80, FALSE);

  surface = export_surface_new (path, width, height, &format, error);
  if (surface == NULL)
    return FALSE;
  export_draw (surface, model, context, font_scale, width, height);
  if (format == EXPORT_PNG)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write “%s”: %s"), path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}
