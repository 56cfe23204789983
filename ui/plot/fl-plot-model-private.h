/* SPDX-License-Identifier: MIT
 *
 * fl-plot-model-private.h — the plot model's insides, shared by the files
 * it is written in: fl-plot-model.c (series, points, properties) and
 * fl-plot-model-band.c (the bands around points and whole series set at
 * once). Nothing outside ui/plot/fl-plot-model*.c includes it.
 */
#pragma once

#include "fl-plot-model.h"

G_BEGIN_DECLS

struct _FlPlotModel {
  GObject    parent_instance;

  GPtrArray *series;      /* of FlPlotSeries* */
  guint      serial;      /* counts the changes */
  char      *title;
  char      *x_title;
  char      *y_title;
  char      *placeholder_text;
  char      *band_note;   /* what the bands are, for the readout; or NULL */
  double     x_max;
  double     smooth_tau;  /* epochs; 0 = no smoothing */
  double     x_scale;     /* samples per epoch, or 1 for epochs */
  gboolean   percent;
  gboolean   log_scale;
};

/* Counts a change and emits ::changed. */
void _fl_plot_model_changed (FlPlotModel *self);

static inline FlPlotSeries *
get_series (FlPlotModel *self,
            guint        series)
{
  return g_ptr_array_index (self->series, series);
}

G_END_DECLS
