/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-readout"

#include "fl-plot-readout.h"

#include <math.h>

/* The epoch points come first: the readout snaps to one of them, and to
 * the batch points only when there is no epoch point yet. */
gboolean
fl_plot_readout_snap (FlPlotModel *model,
                      double       x,
                      double      *snapped)
{
  double best = G_MAXDOUBLE;
  gboolean found = FALSE;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (model), FALSE);

  for (int pass = 0; pass < 2 && !found; pass++)
    for (guint i = 0; i < fl_plot_model_get_n_series (model); i++)
      {
        const FlPlotSeries *s = fl_plot_model_get_series (model, i);

        if (!fl_plot_model_series_drawn (model, i) || (pass == 0) == (s->style == FL_PLOT_STYLE_SMOOTHED))
          continue;
        for (guint j = 0; j < s->points->len; j++)
          {
            double px = g_array_index (s->points, FlPlotPoint, j).x;

            if (fabs (px - x) < best)
              {
                best = fabs (px - x);
                *snapped = px;
                found = TRUE;
              }
          }
      }
  return found;
}

GArray *
fl_plot_readout_read (FlPlotModel *model,
                      double       x)
{
  GArray *readings = g_array_new (FALSE, FALSE, sizeof (FlPlotReading));

  g_return_val_if_fail (FL_IS_PLOT_MODEL (model), readings);

  for (guint i = 0; i < fl_plot_model_get_n_series (model); i++)
    {
      FlPlotReading r = { .series = i };

      if (fl_plot_model_series_drawn (model, i) &&
          fl_plot_series_value_at (fl_plot_model_get_series (model, i), x, &r.y))
        g_array_append_val (readings, r);
    }
  return readings;
}

char *
fl_plot_readout_format_x (FlPlotModel *model,
                          double       x)
{
  double scale = fl_plot_model_get_x_scale (model);

  if (scale != 1.0)
    return g_strdup_printf ("%.0f samples", x * scale);
  if (fabs (x - round (x)) < 1e-9)
    return g_strdup_printf ("%s %.0f", fl_plot_model_get_x_axis_title (model), x);
  return g_strdup_printf ("%s %.2f", fl_plot_model_get_x_axis_title (model), x);
}

char *
fl_plot_readout_format_value (FlPlotModel *model,
                              double       y)
{
  if (fl_plot_model_get_percent (model))
    return g_strdup_printf ("%.1f%%", y * 100.0);
  return g_strdup_printf ("%.4f", y);
}

/* Appends format with its arguments to text, escaped for markup if
 * markup. */
G_GNUC_PRINTF (3, 4)
static void
append (GString    *text,
        gboolean    markup,
        const char *format,
        ...)
{
  g_autofree char *part = NULL;
  va_list args;

  va_start (args, format);
  part = markup ? g_markup_vprintf_escaped (format, args) : g_strdup_vprintf (format, args);
  va_end (args);
  g_string_append (text, part);
}

static char *
readout_text (FlPlotModel  *model,
              double        x,
              const GArray *readings,
              gboolean      markup)
{
  g_autofree char *heading = fl_plot_readout_format_x (model, x);
  GString *text = g_string_new (NULL);

  append (text, markup, markup ? "<b>%s</b>" : "%s", heading);
  for (guint r = 0; r < readings->len; r++)
    {
      const FlPlotReading *reading = &g_array_index (readings, FlPlotReading, r);
      g_autofree char *value = fl_plot_readout_format_value (model, reading->y);

      append (text, markup, markup ? "\n%s  <b>%s</b>" : " · %s %s",
              fl_plot_model_get_label (model, reading->series), value);
    }
  return g_string_free (text, FALSE);
}

char *
fl_plot_readout_describe (FlPlotModel *model,
                          double       x)
{
  g_autoptr(GArray) readings = fl_plot_readout_read (model, x);

  return readout_text (model, x, readings, FALSE);
}

char *
fl_plot_readout_markup (FlPlotModel  *model,
                        double        x,
                        const GArray *readings)
{
  return readout_text (model, x, readings, TRUE);
}
