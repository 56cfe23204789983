/* SPDX-License-Identifier: MIT
 *
 * fl-plot-readout.h — what the readout under the pointer says: the x it
 * snaps to, each drawn series' value there, and that as text. The widget's
 * readout box (fl-plot-renderer.h) and its accessible description
 * (fl_plot_view_describe_at()) both say it from here.
 */
#pragma once

#include "fl-plot-model.h"

G_BEGIN_DECLS

/* One series' value at an x, and the band around it (lo and hi NaN for
 * none). */
typedef struct {
  guint  series;
  double y;
  double lo, hi;
} FlPlotReading;

/* The x the readout snaps to near x (both in epochs): the nearest point of
 * a drawn series with markers, or of a SMOOTHED one when no other has
 * points; FALSE when no drawn series has any. */
gboolean  fl_plot_readout_snap         (FlPlotModel  *model,
                                        double        x,
                                        double       *snapped);
/* What each drawn series but the THIN ones shows at x (a snapped x), by
 * fl_plot_series_value_at(): an array of FlPlotReading in series order;
 * free with g_array_unref(). */
GArray   *fl_plot_readout_read         (FlPlotModel  *model,
                                        double        x);
/* "Epoch 2", "Epoch 2.50" (after the x title) or "1280 samples"; free with
 * g_free(). */
char     *fl_plot_readout_format_x     (FlPlotModel  *model,
                                        double        x);
/* "0.4100", or "41.0%" for a percent plot; free with g_free(). */
char     *fl_plot_readout_format_value (FlPlotModel  *model,
                                        double        y);
/* A reading's value: "0.4100", with a band around it "0.4100 ± 0.0300"
 * (or "0.4100 (0.3800–0.4300)" when it is not even). Free with g_free(). */
char     *fl_plot_readout_format_reading (FlPlotModel         *model,
                                          const FlPlotReading *reading);
/* Whether the readout says the model's band note under the readings: it
 * has one and a reading has a band. */
gboolean  fl_plot_readout_has_note     (FlPlotModel  *model,
                                        const GArray *readings);
/* The readout at x on one line, "Epoch 2 · Train 0.41 · Validation 0.52";
 * or as Pango markup for the box, the x in bold and a line per reading,
 * its value in bold. Then the band note, when a reading has a band. Free
 * with g_free(). */
char     *fl_plot_readout_describe     (FlPlotModel  *model,
                                        double        x);
char     *fl_plot_readout_markup       (FlPlotModel  *model,
                                        double        x,
                                        const GArray *readings);

G_END_DECLS
