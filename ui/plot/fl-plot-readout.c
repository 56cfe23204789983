/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-readout"

#include "fl-plot-readout.h"
#include "fl-i18n.h"

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
      FlPlotReading r = { .series = i, .lo = NAN, .hi = NAN };
      const FlPlotSeries *s = fl_plot_model_get_series (model, i);

      if (fl_plot_model_series_drawn (model, i) && s->style != FL_PLOT_STYLE_THIN &&
          fl_plot_series_value_at (s, x, &r.y))
        {
          fl_plot_series_band_at (s, x, &r.lo, &r.hi);
          g_array_append_val (readings, r);
        }
    }
  return readings;
}

char *
fl_plot_readout_format_x (FlPlotModel *model,
                          double       x)
{
  double scale = fl_plot_model_get_x_scale (model);
  const char *title = fl_plot_model_get_x_axis_title (model);
  gboolean whole = fabs (x - round (x)) < 1e-9;

  if (scale != 1.0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%.0f sample", "%.0f samples",
                                         (gulong) MIN (round (x * scale), (double) G_MAXULONG)),
                            x * scale);
  /* one sentence in the default title's case, so a language can put the
   * number inside ("第 3 轮"); another title is the caller's word */
  if (g_strcmp0 (title, fl_plot_model_epoch_title ()) == 0)
    return g_strdup_printf (whole ? C_("plot readout", "Epoch %.0f") : C_("plot readout", "Epoch %.2f"), x);
  return g_strdup_printf (whole ? "%s %.0f" : "%s %.2f", title, x);
}

char *
fl_plot_readout_format_value (FlPlotModel *model,
                              double       y)
{
  if (fl_plot_model_get_percent (model))
    return g_strdup_printf ("%.1f%%", y * 100.0);
  return g_strdup_printf ("%.4f", y);
}

char *
fl_plot_readout_format_reading (FlPlotModel         *model,
                                const FlPlotReading *reading)
{
  g_autofree char *value = fl_plot_readout_format_value (model, reading->y);
  g_autofree char *lo = NULL, *hi = NULL;
  double below = reading->y - reading->lo, above = reading->hi - reading->y;

  if (isnan (reading->lo) || isnan (reading->hi))
    return g_steal_pointer (&value);
  if (fabs (above - below) <= 1e-6 * MAX (1.0, fabs (reading->y)))
    {
      g_autofree char *half = fl_plot_readout_format_value (model, (above + below) / 2);

      return g_strdup_printf ("%s ± %s", value, half);
    }
  lo = fl_plot_readout_format_value (model, reading->lo);
  hi = fl_plot_readout_format_value (model, reading->hi);
  return g_strdup_printf ("%s (%s–%s)", value, lo, hi);
}

gboolean
fl_plot_readout_has_note (FlPlotModel  *model,
                          const GArray *readings)
{
  if (fl_plot_model_get_band_note (model) == NULL)
    return FALSE;
  for (guint r = 0; r < readings->len; r++)
    if (!isnan (g_array_index (readings, FlPlotReading, r).lo))
      return TRUE;
  return FALSE;
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
      g_autofree char *value = fl_plot_readout_format_reading (model, reading);

      append (text, markup, markup ? "\n%s  <b>%s</b>" : " · %s %s",
              fl_plot_model_get_label (model, reading->series), value);
    }
  if (fl_plot_readout_has_note (model, readings))
    append (text, markup, markup ? "\n<i>%s</i>" : " · %s", fl_plot_model_get_band_note (model));
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
