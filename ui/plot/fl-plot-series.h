/* SPDX-License-Identifier: MIT
 *
 * fl-plot-series.h — one curve of a plot: its name, colour and style, its
 * points, and for a SMOOTHED series their exponential moving average. A
 * plain struct that FlPlotModel owns, one per series.
 *
 * The moving average has a time constant tau in epochs, so that it looks
 * the same for 3 or 3000 batches per epoch. Point j is weighted by
 * w_j = e^(-(x_j - x_j-1) / tau), and
 *   num_j = w_j · num_j-1 + y_j,   den_j = w_j · den_j-1 + 1,   avg_j = num_j / den_j
 * Dividing by the sum of the weights removes the pull towards 0 that a
 * plain EMA has at its start; tau = 0 is no smoothing (avg_j = y_j).
 *
 * A series may also have a band, [lo, hi] around some of its points (the
 * training view's mean ± sd across folds): drawn as a light fill in its
 * colour behind the line, and counted in the y range and the readout.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FL_PLOT_STYLE_LINE,      /* a solid line with a round marker per point */
  FL_PLOT_STYLE_DASHED,    /* a dashed line with a square marker per point */
  FL_PLOT_STYLE_SMOOTHED,  /* many noisy points: a light moving-average line */
  FL_PLOT_STYLE_THIN,      /* one of many alike (a fold of a route): a thin,
                            * lighter line without markers, left out of the
                            * legend and the readout, where the curve of the
                            * group stands for it */
  FL_PLOT_STYLE_REFERENCE, /* a level to compare with (chance): a thin
                            * dotted line without markers, in the legend
                            * and the readout */
} FlPlotStyle;

typedef struct {
  double x, y;
} FlPlotPoint;

/* The band around a point: lo ≤ y ≤ hi, or both NaN for none. */
typedef struct {
  double lo, hi;
} FlPlotBand;

typedef struct {
  char       *label;
  char       *color;      /* "#0072B2" */
  FlPlotStyle style;
  GArray     *points;     /* of FlPlotPoint, x non-decreasing */
  GArray     *smooth;     /* SMOOTHED only (else NULL): of double, avg_j at each point */
  GArray     *band;       /* of FlPlotBand, one per point; NULL while no point has one */
  double      ema_num;    /* num_j and den_j at the last point */
  double      ema_den;
  gboolean    hidden;     /* not in the current mode: left out everywhere */
  gboolean    active;     /* the user's choice, clicked in the legend */
} FlPlotSeries;

/* A visible, active series without points. */
FlPlotSeries *fl_plot_series_new      (const char         *label,
                                       const char         *color,
                                       FlPlotStyle         style);
void          fl_plot_series_free     (FlPlotSeries       *s);
/* Appends (x, y) and its moving average with time constant tau. */
void          fl_plot_series_append   (FlPlotSeries       *s,
                                       double              x,
                                       double              y,
                                       double              tau);
/* Recomputes every moving average with time constant tau. */
void          fl_plot_series_smooth   (FlPlotSeries       *s,
                                       double              tau);
/* Drops every point, its moving average and its band. */
void          fl_plot_series_clear    (FlPlotSeries       *s);
/* Sets the band of point i (i < the number of points); lo or hi not
 * finite: none. */
void          fl_plot_series_set_band (FlPlotSeries       *s,
                                       guint               i,
                                       double              lo,
                                       double              hi);
/* The band of point i; FALSE when it has none. */
gboolean      fl_plot_series_get_band (const FlPlotSeries *s,
                                       guint               i,
                                       double             *lo,
                                       double             *hi);
/* The value s shows at x: its point at x, or for a SMOOTHED series the
 * average at its last point not after x; FALSE when there is none. */
gboolean      fl_plot_series_value_at (const FlPlotSeries *s,
                                       double              x,
                                       double             *y);
/* The band of the point at x, as fl_plot_series_value_at() finds it (a
 * SMOOTHED series has none); FALSE when there is none. */
gboolean      fl_plot_series_band_at  (const FlPlotSeries *s,
                                       double              x,
                                       double             *lo,
                                       double             *hi);

G_END_DECLS
