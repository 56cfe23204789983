/* SPDX-License-Identifier: MIT
 *
 * fl-plot-model.h — what a plot shows, without any drawing: a few series of
 * (x, y) points against a shared x axis in epochs, which series are shown,
 * the moving average of the noisy ones, and the axes' ranges, scales and
 * titles. A GObject of GLib alone, so that it is tested without a display.
 *
 * Every change emits ::changed (no arguments): views redraw on it and throw
 * their layouts away — but for points appended to or cleared from a hidden
 * series, which nothing drawn depends on (showing it is a change). Changes
 * of a property also notify it.
 *
 * The series are FlPlotSeries (fl-plot-series.h), which says how SMOOTHED
 * series are averaged; the readout's snapping and text are in
 * fl-plot-readout.h.
 *
 * A point may have a band [lo, hi] around it (the spread of the curves it
 * is the mean of): fl_plot_model_set_band(), or a whole series at once
 * with fl_plot_model_set_points(). Bands are drawn behind the lines in the
 * series' colour, take part in the y range and read "0.81 ± 0.03" in the
 * readout; the band note says what they are.
 */
#pragma once

#include <glib-object.h>

#include "fl-plot-series.h"

G_BEGIN_DECLS

#define FL_TYPE_PLOT_MODEL (fl_plot_model_get_type ())
G_DECLARE_FINAL_TYPE (FlPlotModel, fl_plot_model, FL, PLOT_MODEL, GObject)

FlPlotModel       *fl_plot_model_new                 (void);

/* Adds a series drawn in color ("#0072B2") and returns its index. */
guint              fl_plot_model_add_series          (FlPlotModel *self,
                                                      const char  *label,
                                                      const char  *color,
                                                      FlPlotStyle  style);
/* Appends (x, y) to a series, x not less than its last x; a point that is
 * not finite is dropped. */
void               fl_plot_model_append              (FlPlotModel *self,
                                                      guint        series,
                                                      double       x,
                                                      double       y);
/* A number that changes with every ::changed: what was computed from the
 * model at one serial holds as long as the serial is the same. */
guint              fl_plot_model_get_serial          (FlPlotModel *self);
guint              fl_plot_model_get_n_series        (FlPlotModel *self);
guint              fl_plot_model_get_n_points        (FlPlotModel *self,
                                                      guint        series);
/* The points of a series, (n_points) of them, owned by the model and valid
 * until the series next changes. */
const FlPlotPoint *fl_plot_model_get_points          (FlPlotModel *self,
                                                      guint        series,
                                                      guint       *n_points);
/* The moving averages of a SMOOTHED series, one per point (n_points), owned
 * by the model; NULL for the other styles. */
const double      *fl_plot_model_get_smoothed        (FlPlotModel *self,
                                                      guint        series);
/* The i-th point of a series, or its moving average; FALSE when there is
 * none. */
gboolean           fl_plot_model_get_point           (FlPlotModel *self,
                                                      guint        series,
                                                      guint        i,
                                                      double      *x,
                                                      double      *y);
gboolean           fl_plot_model_get_smoothed_point  (FlPlotModel *self,
                                                      guint        series,
                                                      guint        i,
                                                      double      *y);
/* The series itself, owned by the model: to read, not to change. */
const FlPlotSeries *fl_plot_model_get_series         (FlPlotModel *self,
                                                      guint        series);
/* Owned by the model. */
const char        *fl_plot_model_get_label           (FlPlotModel *self,
                                                      guint        series);
const char        *fl_plot_model_get_color           (FlPlotModel *self,
                                                      guint        series);
FlPlotStyle        fl_plot_model_get_style           (FlPlotModel *self,
                                                      guint        series);

/* Removes every point and keeps the series. */
void               fl_plot_model_clear               (FlPlotModel *self);
/* Removes the points of one series. */
void               fl_plot_model_clear_series        (FlPlotModel *self,
                                                      guint        series);
/* Removes the series first, first + 1, … */
void               fl_plot_model_remove_series_from  (FlPlotModel *self,
                                                      guint        first);

/* A hidden series (not in the current mode) is left out of everything; it
 * keeps its points. An inactive one is one the user switched off in the
 * legend. A series is drawn when it is both visible and active. */
void               fl_plot_model_set_series_visible  (FlPlotModel *self,
                                                      guint        series,
                                                      gboolean     visible);
gboolean           fl_plot_model_get_series_visible  (FlPlotModel *self,
                                                      guint        series);
void               fl_plot_model_set_series_active   (FlPlotModel *self,
                                                      guint        series,
                                                      gboolean     active);
gboolean           fl_plot_model_get_series_active   (FlPlotModel *self,
                                                      guint        series);
gboolean           fl_plot_model_series_drawn        (FlPlotModel *self,
                                                      guint        series);
/* Whether a visible series has points, switched off or not. */
gboolean           fl_plot_model_has_points          (FlPlotModel *self);

/* The band of point i of a series: lo and hi around its y (their order
 * does not matter); lo or hi not finite removes it. */
void               fl_plot_model_set_band            (FlPlotModel *self,
                                                      guint        series,
                                                      guint        i,
                                                      double       lo,
                                                      double       hi);
/* FALSE when point i has no band. */
gboolean           fl_plot_model_get_band            (FlPlotModel *self,
                                                      guint        series,
                                                      guint        i,
                                                      double      *lo,
                                                      double      *hi);
/* The bands of a series, one per point (lo and hi NaN where there is
 * none), owned by the model; NULL when no point has one. */
const FlPlotBand  *fl_plot_model_get_bands           (FlPlotModel *self,
                                                      guint        series);
/* Replaces the points of a series by points[0..n) and their bands
 * (bands[0..n), or NULL for none), with one ::changed: a curve computed
 * again as a whole (a route's mean over its folds). Points that are not
 * finite are dropped, as by fl_plot_model_append(). */
void               fl_plot_model_set_points          (FlPlotModel       *self,
                                                      guint              series,
                                                      const FlPlotPoint *points,
                                                      const FlPlotBand  *bands,
                                                      guint              n);
/* What the bands are, said under the readout ("Shaded: mean ± sd across
 * folds"); NULL (the default) for nothing. Owned by the model. */
void               fl_plot_model_set_band_note       (FlPlotModel *self,
                                                      const char  *note);
const char        *fl_plot_model_get_band_note       (FlPlotModel *self);

/* Properties. The x axis spans at least [0, x_max] epochs (x-max, ≥ 1). */
void               fl_plot_model_set_x_max           (FlPlotModel *self,
                                                      double       x_max);
double             fl_plot_model_get_x_max           (FlPlotModel *self);
/* The time constant of the moving average, in epochs ("smoothing", 0.25
 * by default; 0 = none). */
void               fl_plot_model_set_smoothing       (FlPlotModel *self,
                                                      double       tau);
double             fl_plot_model_get_smoothing       (FlPlotModel *self);
/* "log-scale": a logarithmic y axis (not for percentages). */
void               fl_plot_model_set_log_scale       (FlPlotModel *self,
                                                      gboolean     log_scale);
gboolean           fl_plot_model_get_log_scale       (FlPlotModel *self);
/* "x-scale": the x axis in samples seen, samples_per_epoch to an epoch;
 * 1: epochs. */
void               fl_plot_model_set_x_scale         (FlPlotModel *self,
                                                      double       samples_per_epoch);
double             fl_plot_model_get_x_scale         (FlPlotModel *self);
/* "percent": values in [0, 1] shown as percentages on a fixed 0–100 % axis. */
void               fl_plot_model_set_percent         (FlPlotModel *self,
                                                      gboolean     percent);
gboolean           fl_plot_model_get_percent         (FlPlotModel *self);
/* "title", above the plot; "x-title" ("Epoch" by default), under the x axis
 * and in the readout, while the x axis is in epochs (in samples it reads
 * "Samples seen"); "y-title" beside the y axis, or the title when it is
 * NULL (the default). "placeholder-text", in the middle of a plot without
 * points. Strings owned by the model. */
void               fl_plot_model_set_title           (FlPlotModel *self,
                                                      const char  *title);
const char        *fl_plot_model_get_title           (FlPlotModel *self);
void               fl_plot_model_set_x_title         (FlPlotModel *self,
                                                      const char  *x_title);
const char        *fl_plot_model_get_x_title         (FlPlotModel *self);
const char        *fl_plot_model_epoch_title         (void);
void               fl_plot_model_set_y_title         (FlPlotModel *self,
                                                      const char  *y_title);
const char        *fl_plot_model_get_y_title         (FlPlotModel *self);
void               fl_plot_model_set_placeholder_text (FlPlotModel *self,
                                                       const char  *text);
const char        *fl_plot_model_get_placeholder_text (FlPlotModel *self);
/* The titles as the axes show them now: the x title, or "Samples seen"
 * while x is in samples; the y title, or else the title, or else "". */
const char        *fl_plot_model_get_x_axis_title    (FlPlotModel *self);
const char        *fl_plot_model_get_y_axis_title    (FlPlotModel *self);

G_END_DECLS
