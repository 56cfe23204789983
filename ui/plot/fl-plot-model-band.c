/* SPDX-License-Identifier: MIT
 *
 * The plot model's bands, and whole series set at once (see
 * fl-plot-model.h); the rest of the model is in fl-plot-model.c.
 */
#define G_LOG_DOMAIN "fl-plot-model"

#include "fl-plot-model-private.h"

#include <math.h>

void
fl_plot_model_set_band (FlPlotModel *self,
                        guint        series,
                        guint        i,
                        double       lo,
                        double       hi)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);
  g_return_if_fail (i < get_series (self, series)->points->len);

  fl_plot_series_set_band (get_series (self, series), i, lo, hi);
  _fl_plot_model_changed (self);
}

gboolean
fl_plot_model_get_band (FlPlotModel *self,
                        guint        series,
                        guint        i,
                        double      *lo,
                        double      *hi)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);

  if (series >= self->series->len)
    return FALSE;
  return fl_plot_series_get_band (get_series (self, series), i, lo, hi);
}

const FlPlotBand *
fl_plot_model_get_bands (FlPlotModel *self,
                         guint        series)
{
  FlPlotSeries *s;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);

  s = get_series (self, series);
  return s->band != NULL ? (const FlPlotBand *) s->band->data : NULL;
}

void
fl_plot_model_set_points (FlPlotModel       *self,
                          guint              series,
                          const FlPlotPoint *points,
                          const FlPlotBand  *bands,
                          guint              n)
{
  FlPlotSeries *s;

  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);
  g_return_if_fail (points != NULL || n == 0);

  s = get_series (self, series);
  fl_plot_series_clear (s);
  for (guint j = 0; j < n; j++)
    {
      if (!isfinite (points[j].x) || !isfinite (points[j].y))
        continue;
      fl_plot_series_append (s, points[j].x, points[j].y, self->smooth_tau);
      if (bands != NULL)
        fl_plot_series_set_band (s, s->points->len - 1, bands[j].lo, bands[j].hi);
    }
  _fl_plot_model_changed (self);
}

void
fl_plot_model_set_band_note (FlPlotModel *self,
                             const char  *note)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));

  if (g_strcmp0 (self->band_note, note) == 0)
    return;
  g_free (self->band_note);
  self->band_note = g_strdup (note);
  _fl_plot_model_changed (self);
}

const char *
fl_plot_model_get_band_note (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  return self->band_note;
}
