/* SPDX-License-Identifier: MIT
 *
 * fl-plot-view.h — a line chart of training curves, drawn with Cairo.
 *
 * A plot holds a few series of (x, y) points against a shared x axis (epochs).
 * Epoch curves are lines with a marker per point; a noisy per-batch series is
 * drawn as a light line smoothed with an exponential moving average. The view
 * draws axes with round-number ticks, a legend, and, under the pointer, a
 * readout of every series' value at the nearest x. Clicking a name in the
 * legend switches its curve off or back on.
 *
 * What it shows is an FlPlotModel (fl-plot-model.h), which the functions
 * below change; it is laid out by fl-plot-layout.h, once per change of the
 * model, the size or the font, and drawn by fl-plot-renderer.h, which the
 * exports share.
 *
 * Properties: "title"; "x-title" (the x axis in epochs, "Epoch" by
 * default; in samples it reads "Samples seen"); "y-title" (NULL by default:
 * the title); "percent"; "x-max"; "placeholder-text" (shown while there are
 * no points); "model".
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-plot-model.h"

G_BEGIN_DECLS

#define FL_TYPE_PLOT_VIEW (fl_plot_view_get_type ())
G_DECLARE_FINAL_TYPE (FlPlotView, fl_plot_view, FL, PLOT_VIEW, GtkWidget)

GtkWidget  *fl_plot_view_new          (void);

/* The model the view shows; the view keeps a reference, and the one
 * returned is not yours. Setting NULL gives the view a new, empty one. */
FlPlotModel *fl_plot_view_get_model   (FlPlotView  *self);
void        fl_plot_view_set_model    (FlPlotView  *self,
                                       FlPlotModel *model);

/* Adds a series drawn in color ("#0072B2") and returns its index. */
guint       fl_plot_view_add_series   (FlPlotView  *self,
                                       const char  *label,
                                       const char  *color,
                                       FlPlotStyle  style);
void        fl_plot_view_append       (FlPlotView  *self,
                                       guint        series,
                                       double       x,
                                       double       y);
guint       fl_plot_view_get_n_series (FlPlotView  *self);
guint       fl_plot_view_get_n_points (FlPlotView  *self,
                                       guint        series);
/* The i-th point of a series; FALSE when there is none. */
gboolean    fl_plot_view_get_point    (FlPlotView  *self,
                                       guint        series,
                                       guint        i,
                                       double      *x,
                                       double      *y);
/* Removes every point and keeps the series. */
void        fl_plot_view_clear        (FlPlotView  *self);

/* The x axis spans at least [0, x_max] (the number of epochs of the run). */
void        fl_plot_view_set_x_max    (FlPlotView  *self,
                                       double       x_max);
double      fl_plot_view_get_x_max    (FlPlotView  *self);

const char *fl_plot_view_get_title    (FlPlotView  *self);
void        fl_plot_view_set_title    (FlPlotView  *self,
                                       const char  *title);
const char *fl_plot_view_get_x_title  (FlPlotView  *self);
void        fl_plot_view_set_x_title  (FlPlotView  *self,
                                       const char  *x_title);
const char *fl_plot_view_get_y_title  (FlPlotView  *self);
void        fl_plot_view_set_y_title  (FlPlotView  *self,
                                       const char  *y_title);
/* Values in [0, 1] shown as percentages on a fixed 0–100 % axis. */
gboolean    fl_plot_view_get_percent  (FlPlotView  *self);
void        fl_plot_view_set_percent  (FlPlotView  *self,
                                       gboolean     percent);

/* The readout the pointer would show at widget coordinate x, as text
 * ("Epoch 2 · Train 0.41 · Validation 0.52"); NULL when x is outside the
 * data. Used by the tooltip-less accessibility path and by tests. */
char       *fl_plot_view_describe_at  (FlPlotView  *self,
                                       double       x);

/* A hidden series is left out of the curves, the legend, the readout and
 * the y range; it keeps its points. */
void        fl_plot_view_set_series_visible (FlPlotView *self,
                                             guint       series,
                                             gboolean    visible);
gboolean    fl_plot_view_get_series_visible (FlPlotView *self,
                                             guint       series);
/* An active series is one the user has not switched off by clicking its
 * name in the legend (all are, at first). A series is drawn when it is both
 * visible and active; a visible, inactive one stays in the legend on screen,
 * dimmed and struck through, so that a click brings it back, and is left out
 * of the readout and the y range. Exports leave it out altogether, legend
 * included. Setting it here does not emit ::series-toggled.
 *
 * Signal ::series-toggled (guint series, gboolean active): the user clicked
 * the series' legend entry, which switched it to active. */
void        fl_plot_view_set_series_active  (FlPlotView *self,
                                             guint       series,
                                             gboolean    active);
gboolean    fl_plot_view_get_series_active  (FlPlotView *self,
                                             guint       series);
/* The series whose legend entry (swatch and name) is at widget coordinates
 * (x, y), or -1. */
int         fl_plot_view_legend_series_at   (FlPlotView *self,
                                             double      x,
                                             double      y);
/* Where the legend entry of a series is, in widget coordinates; FALSE when
 * the series is not in the legend (hidden, or the plot too small to draw). */
gboolean    fl_plot_view_get_legend_entry   (FlPlotView      *self,
                                             guint            series,
                                             graphene_rect_t *rect);
/* What a click at widget coordinates (x, y) does: switches the series whose
 * legend entry is there on or off and emits ::series-toggled. Returns that
 * series, or -1 (and does nothing) when there is no entry there. */
int         fl_plot_view_activate_legend_at (FlPlotView *self,
                                             double      x,
                                             double      y);
/* Removes the points of one series. */
void        fl_plot_view_clear_series       (FlPlotView *self,
                                             guint       series);
/* Removes the series first, first + 1, … */
void        fl_plot_view_remove_series_from (FlPlotView *self,
                                             guint       first);

/* The time constant of the moving average of SMOOTHED series, in epochs
 * (0.25 by default; 0 = none). */
void        fl_plot_view_set_smoothing      (FlPlotView *self,
                                             double      tau);
double      fl_plot_view_get_smoothing      (FlPlotView *self);
/* The moving average at point i of a SMOOTHED series. */
gboolean    fl_plot_view_get_smoothed_point (FlPlotView *self,
                                             guint       series,
                                             guint       i,
                                             double     *y);
/* A logarithmic y axis (not for percentages). */
void        fl_plot_view_set_log_scale      (FlPlotView *self,
                                             gboolean    log_scale);
/* The x axis in samples seen, samples_per_epoch to an epoch; 1: epochs. */
void        fl_plot_view_set_x_scale        (FlPlotView *self,
                                             double      samples_per_epoch);
/* Text larger (presentation) or smaller by this factor. */
void        fl_plot_view_set_font_scale     (FlPlotView *self,
                                             double      scale);

/* Draws the plot, width × height, on a white page into path: PNG, SVG or
 * PDF after the name's extension. */
gboolean    fl_plot_view_export             (FlPlotView  *self,
                                             const char  *path,
                                             int          width,
                                             int          height,
                                             GError     **error);

G_END_DECLS
