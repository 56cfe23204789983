/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-series"

#include "fl-plot-series.h"

#include <math.h>

FlPlotSeries *
fl_plot_series_new (const char  *label,
                    const char  *color,
                    FlPlotStyle  style)
{
  FlPlotSeries *s = g_new0 (FlPlotSeries, 1);

  s->label = g_strdup (label);
  s->color = g_strdup (color);
  s->style = style;
  s->active = TRUE;
  s->points = g_array_new (FALSE, FALSE, sizeof (FlPlotPoint));
  if (style == FL_PLOT_STYLE_SMOOTHED)
    s->smooth = g_array_new (FALSE, FALSE, sizeof (double));
  return s;
}

void
fl_plot_series_free (FlPlotSeries *s)
{
  if (s == NULL)
    return;
  g_free (s->label);
  g_free (s->color);
  g_array_unref (s->points);
  g_clear_pointer (&s->smooth, g_array_unref);
  g_clear_pointer (&s->band, g_array_unref);
  g_free (s);
}

/* avg_j from num_j-1 and den_j-1 (see the header). */
static void
smooth_push (FlPlotSeries *s,
             guint         j,
             double        tau)
{
  const FlPlotPoint *p = &g_array_index (s->points, FlPlotPoint, j);
  double w = 0.0, avg;

  if (j > 0 && tau > 0.0)
    w = exp (-(p->x - g_array_index (s->points, FlPlotPoint, j - 1).x) / tau);
  s->ema_num = w * s->ema_num + p->y;
  s->ema_den = w * s->ema_den + 1.0;
  avg = s->ema_num / s->ema_den;
  g_array_append_val (s->smooth, avg);
}

void
fl_plot_series_append (FlPlotSeries *s,
                       double        x,
                       double        y,
                       double        tau)
{
  FlPlotPoint p = { x, y };

  g_array_append_val (s->points, p);
  if (s->smooth != NULL)
    smooth_push (s, s->points->len - 1, tau);
  if (s->band != NULL)
    g_array_append_val (s->band, ((FlPlotBand) { NAN, NAN }));
}

void
fl_plot_series_smooth (FlPlotSeries *s,
                       double        tau)
{
  if (s->smooth == NULL)
    return;
  g_array_set_size (s->smooth, 0);
  s->ema_num = s->ema_den = 0.0;
  for (guint j = 0; j < s->points->len; j++)
    smooth_push (s, j, tau);
}

void
fl_plot_series_clear (FlPlotSeries *s)
{
  g_array_set_size (s->points, 0);
  if (s->smooth != NULL)
    g_array_set_size (s->smooth, 0);
  g_clear_pointer (&s->band, g_array_unref);
  s->ema_num = s->ema_den = 0.0;
}

void
fl_plot_series_set_band (FlPlotSeries *s,
                         guint         i,
                         double        lo,
                         double        hi)
{
  g_return_if_fail (i < s->points->len);

  if (!isfinite (lo) || !isfinite (hi))
    lo = hi = NAN;
  if (s->band == NULL)
    {
      if (isnan (lo))
        return;
      s->band = g_array_new (FALSE, FALSE, sizeof (FlPlotBand));
      for (guint j = 0; j < s->points->len; j++)
        g_array_append_val (s->band, ((FlPlotBand) { NAN, NAN }));
    }
  g_array_index (s->band, FlPlotBand, i) = (FlPlotBand) { MIN (lo, hi), MAX (lo, hi) };
}

gboolean
fl_plot_series_get_band (const FlPlotSeries *s,
                         guint               i,
                         double             *lo,
                         double             *hi)
{
  const FlPlotBand *b;

  if (s->band == NULL || i >= s->band->len)
    return FALSE;
  b = &g_array_index (s->band, FlPlotBand, i);
  if (isnan (b->lo))
    return FALSE;
  if (lo != NULL)
    *lo = b->lo;
  if (hi != NULL)
    *hi = b->hi;
  return TRUE;
}

gboolean
fl_plot_series_value_at (const FlPlotSeries *s,
                         double              x,
                         double             *y)
{
  gboolean found = FALSE;

  for (guint j = 0; j < s->points->len; j++)
    {
      const FlPlotPoint *p = &g_array_index (s->points, FlPlotPoint, j);

      if (s->style == FL_PLOT_STYLE_SMOOTHED)
        {
          if (p->x > x + 1e-9)
            break;
          *y = g_array_index (s->smooth, double, j);
          found = TRUE;
        }
      else if (fabs (p->x - x) < 1e-9)
        {
          *y = p->y;
          found = TRUE;
        }
    }
  return found;
}

gboolean
fl_plot_series_band_at (const FlPlotSeries *s,
                        double              x,
                        double             *lo,
                        double             *hi)
{
  gboolean found = FALSE;

  if (s->band == NULL || s->style == FL_PLOT_STYLE_SMOOTHED)
    return FALSE;
  /* the last point at x, as fl_plot_series_value_at() reads it */
  for (guint j = 0; j < s->points->len; j++)
    if (fabs (g_array_index (s->points, FlPlotPoint, j).x - x) < 1e-9)
      found = fl_plot_series_get_band (s, j, lo, hi);
  return found;
}
