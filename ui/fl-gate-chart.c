/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-gate-chart"

#include "fl-gate-chart.h"
#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

#define ROW_H   20.0
#define BAR_H   12.0
#define HIST_H  56.0
#define AXIS_H  18.0
#define GAP      8.0

/* The branches the gate weighs, in order, into b; returns how many. */
static int
branch_list (guint branches,
             int   b[FL_N_BRANCHES])
{
  int n = 0;

  for (int k = 0; k < FL_N_BRANCHES; k++)
    if (branches & FL_BRANCH_BIT (k))
      b[n++] = k;
  return n;
}

double
fl_gate_chart_height (int   n_classes,
                      guint branches)
{
  return (fl_branches_count (branches) > 2 ? ROW_H : 0) + n_classes * ROW_H + GAP + HIST_H + AXIS_H;
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
  g_autoptr(PangoLayout) layout = fl_small_layout (pango, text);
  double w;

  fl_layout_size (layout, &w, NULL);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
  cairo_move_to (cr, right ? x - w : x, y);
  pango_cairo_show_layout (cr, layout);
}

/* A branch's word on the chart: "picture", "words", "sound", "numbers". */
static char *
branch_word (int b)
{
  return g_ascii_strdown (fl_branch_title (b), -1);
}

/* The class bars over two branches b[0] and b[1]: the first's share in its
 * colour over the second's (the picture's orange over the words' blue). */
static void
render_bars_two (const double *mean, const int *b, const char *const *names, int n, double x0, double area,
                 cairo_t *cr, PangoContext *pango, const GdkRGBA *fg)
{
  GdkRGBA first, second;

  fl_color_rgba (fl_branch_color (b[0]), &first);
  fl_color_rgba (fl_branch_color (b[1]), &second);
  for (int c = 0; c < n; c++)
    {
      double y = c * ROW_H, v = mean[c * FL_N_BRANCHES + b[0]], m = isfinite (v) ? CLAMP (v, 0.0, 1.0) : 0.0;
      g_autofree char *value = isfinite (v) ? g_strdup_printf ("%.0f%%", 100.0 * m) : g_strdup ("—");

      show_text (cr, pango, names[c], x0 - GAP, y + 2, TRUE, fg);
      gdk_cairo_set_source_rgba (cr, &second);
      cairo_rectangle (cr, x0, y + (ROW_H - BAR_H) / 2, area, BAR_H);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &first);
      cairo_rectangle (cr, x0, y + (ROW_H - BAR_H) / 2, area * m, BAR_H);
      cairo_fill (cr);
      show_text (cr, pango, value, x0 + area + GAP / 2, y + 2, FALSE, fg);
    }
}

/* Over more branches: a legend, then each class's bar split into the
 * branches' mean weights, in branch order; the largest one's share at
 * its end. */
static void
render_bars_many (const double *mean, const int *b, int K, const char *const *names, int n, double x0,
                  double area, cairo_t *cr, PangoContext *pango, const GdkRGBA *fg)
{
  double lx = x0;

  for (int k = 0; k < K; k++)
    {
      g_autofree char *word = branch_word (b[k]);
      g_autoptr(PangoLayout) layout = fl_small_layout (pango, word);
      GdkRGBA color;
      double w;

      fl_color_rgba (fl_branch_color (b[k]), &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, lx, (ROW_H - BAR_H) / 2, BAR_H, BAR_H);
      cairo_fill (cr);
      show_text (cr, pango, word, lx + BAR_H + 4, 2, FALSE, fg);
      fl_layout_size (layout, &w, NULL);
      lx += BAR_H + 4 + w + 2 * GAP;
    }
  for (int c = 0; c < n; c++)
    {
      double y = (c + 1) * ROW_H, x = x0, top = -1.0;
      GdkRGBA color, top_color = *fg;

      show_text (cr, pango, names[c], x0 - GAP, y + 2, TRUE, fg);
      for (int k = 0; k < K; k++)
        {
          double v = mean[c * FL_N_BRANCHES + b[k]], m = isfinite (v) ? CLAMP (v, 0.0, 1.0) : 0.0;

          fl_color_rgba (fl_branch_color (b[k]), &color);
          gdk_cairo_set_source_rgba (cr, &color);
          cairo_rectangle (cr, x, y + (ROW_H - BAR_H) / 2, area * m, BAR_H);
          cairo_fill (cr);
          x += area * m;
          if (m > top)
            top = m, top_color = color;
        }
      {
        /* the largest share, in its branch's colour */
        g_autofree char *value = isfinite (mean[c * FL_N_BRANCHES + b[0]]) ? g_strdup_printf ("%.0f%%", 100.0 * top)
                                                                            : g_strdup ("—");
        show_text (cr, pango, value, x0 + area + GAP / 2, y + 2, FALSE, &top_color);
      }
    }
}

/* The histogram over [0, 1], under the bars, on the same scale: of the
 * first branch's weight (two branches), or a line per branch. */
static void
render_hist (const guint *hist, const int *b, int K, int n_bins, double x0, double area, double top,
             cairo_t *cr, PangoContext *pango, const GdkRGBA *fg)
{
  guint most = 1;
  double bw = area / n_bins;
  g_autofree char *first = branch_word (b[0]), *second = branch_word (b[1]);
  g_autofree char *left = g_strdup_printf ("0 %s", second), *right = g_strdup_printf ("%s 1", first);

  for (int k = 0; k < (K > 2 ? K : 1); k++)
    for (int i = 0; i < n_bins; i++)
      most = MAX (most, hist[b[k] * n_bins + i]);
  if (K == 2)
    {
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.55);
      for (int i = 0; i < n_bins; i++)
        {
          double h = HIST_H * hist[b[0] * n_bins + i] / most;
          cairo_rectangle (cr, x0 + i * bw + 0.5, top + HIST_H - h, MAX (bw - 1.0, 1.0), h);
        }
      cairo_fill (cr);
    }
  for (int k = 0; K > 2 && k < K; k++)
    {
      GdkRGBA color;

      fl_color_rgba (fl_branch_color (b[k]), &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_move_to (cr, x0, top + HIST_H);
      for (int i = 0; i < n_bins; i++)
        {
          double y = top + HIST_H - HIST_H * hist[b[k] * n_bins + i] / most;
          cairo_line_to (cr, x0 + i * bw, y);
          cairo_line_to (cr, x0 + (i + 1) * bw, y);
        }
      cairo_line_to (cr, x0 + area, top + HIST_H);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.4);
  cairo_rectangle (cr, x0, top + HIST_H, area, 1);
  cairo_fill (cr);
  show_text (cr, pango, K > 2 ? "0" : left, x0, top + HIST_H + 2, FALSE, fg);
  /* TRANSLATORS: the right end of the gate weights' histogram axis, 0 to 1 */
  show_text (cr, pango, K > 2 ? _("weight 1") : right, x0 + area, top + HIST_H + 2, TRUE, fg);
  /* TRANSLATORS: the gate weights' histogram's vertical axis: how many samples */
  show_text (cr, pango, C_("gate chart", "samples"), x0 - GAP, top, TRUE, fg);
}

void
fl_gate_chart_render (const double      *mean,
                      guint              branches,
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
  int b[FL_N_BRANCHES], K = branch_list (branches, b);

  g_return_if_fail (K >= 2);

  for (int c = 0; c < n_classes; c++)
    {
      g_autoptr(PangoLayout) layout = fl_small_layout (pango, names[c]);
      fl_layout_size (layout, &w, NULL);
      name_w = MAX (name_w, w);
    }
  {
    g_autoptr(PangoLayout) layout = fl_small_layout (pango, "100%");
    fl_layout_size (layout, &value_w, NULL);
  }
  x0 = name_w + GAP;
  area = MAX (width - x0 - GAP - value_w, 10.0);
  if (K == 2)
    render_bars_two (mean, b, names, n_classes, x0, area, cr, pango, fg);
  else
    render_bars_many (mean, b, K, names, n_classes, x0, area, cr, pango, fg);
  render_hist (hist, b, K, n_bins, x0, area, (K > 2 ? ROW_H : 0) + n_classes * ROW_H + GAP, cr, pango, fg);
}
