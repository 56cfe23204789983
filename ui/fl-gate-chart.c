/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-gate-chart"

#include "fl-gate-chart.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

#define ROW_H   20.0
#define BAR_H   12.0
#define HIST_H  56.0
#define AXIS_H  18.0
#define GAP      8.0

double
fl_gate_chart_height (int n_classes)
{
  return n_classes * ROW_H + GAP + HIST_H + AXIS_H;
}

static PangoLayout *
small_text (PangoContext *pango,
            const char   *text)
{
  PangoLayout *layout = pango_layout_new (pango);
  g_autofree char *markup = g_markup_printf_escaped ("<small>%s</small>", text);

  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

/* Shows text with its top-left at x, y (right-aligned at x when right). */
static void
show_text (cairo_t       *cr,
           PangoContext  *pango,
           const char    *text,
           double         x,
           double         y,
           gboolean       right,
           const GdkRGBA *fg)
{
  g_autoptr(PangoLayout) layout = small_text (pango, text);
  double w;

  fl_layout_size (layout, &w, NULL);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
  cairo_move_to (cr, right ? x - w : x, y);
  pango_cairo_show_layout (cr, layout);
}

/* The class bars: the picture's share in orange, the words' in blue, as in
 * the reliance bars. */
static void
render_bars (const double *mean, const char *const *names, int n, double x0, double area,
             cairo_t *cr, PangoContext *pango, const GdkRGBA *fg)
{
  GdkRGBA picture, words;

  fl_color_rgba (FL_COLOR_ORANGE, &picture);
  fl_color_rgba (FL_COLOR_BLUE, &words);
  for (int c = 0; c < n; c++)
    {
      double y = c * ROW_H, m = isfinite (mean[c]) ? CLAMP (mean[c], 0.0, 1.0) : 0.0;
      g_autofree char *value = isfinite (mean[c]) ? g_strdup_printf ("%.0f%%", 100.0 * m) : g_strdup ("—");

      show_text (cr, pango, names[c], x0 - GAP, y + 2, TRUE, fg);
      gdk_cairo_set_source_rgba (cr, &words);
      cairo_rectangle (cr, x0, y + (ROW_H - BAR_H) / 2, area, BAR_H);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &picture);
      cairo_rectangle (cr, x0, y + (ROW_H - BAR_H) / 2, area * m, BAR_H);
      cairo_fill (cr);
      show_text (cr, pango, value, x0 + area + GAP / 2, y + 2, FALSE, fg);
    }
}

/* The histogram over [0, 1], under the bars, on the same scale. */
static void
render_hist (const guint *hist, int n_bins, double x0, double area, double top,
             cairo_t *cr, PangoContext *pango, const GdkRGBA *fg)
{
  guint most = 1;
  double bw = area / n_bins;

  for (int k = 0; k < n_bins; k++)
    most = MAX (most, hist[k]);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.55);
  for (int k = 0; k < n_bins; k++)
    {
      double h = HIST_H * hist[k] / most;
      cairo_rectangle (cr, x0 + k * bw + 0.5, top + HIST_H - h, MAX (bw - 1.0, 1.0), h);
    }
  cairo_fill (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.4);
  cairo_rectangle (cr, x0, top + HIST_H, area, 1);
  cairo_fill (cr);
  show_text (cr, pango, "0 words", x0, top + HIST_H + 2, FALSE, fg);
  show_text (cr, pango, "picture 1", x0 + area, top + HIST_H + 2, TRUE, fg);
  show_text (cr, pango, "samples", x0 - GAP, top, TRUE, fg);
}

void
fl_gate_chart_render (const double      *mean,
                      const char *const *names,
                      int                n_classes,
                      const guint       *hist,
                      int                n_bins,
                      cairo_t           *cr,
                      PangoContext      *pango,
                      double             width,
                      double             height,
                      const GdkRGBA     *fg)
{
  double name_w = 0, value_w, x0, area, w;

  for (int c = 0; c < n_classes; c++)
    {
      g_autoptr(PangoLayout) layout = small_text (pango, names[c]);
      fl_layout_size (layout, &w, NULL);
      name_w = MAX (name_w, w);
    }
  {
    g_autoptr(PangoLayout) layout = small_text (pango, "100%");
    fl_layout_size (layout, &value_w, NULL);
  }
  x0 = name_w + GAP;
  area = MAX (width - x0 - GAP - value_w, 10.0);
  render_bars (mean, names, n_classes, x0, area, cr, pango, fg);
  render_hist (hist, n_bins, x0, area, n_classes * ROW_H + GAP, cr, pango, fg);
}
