/* SPDX-License-Identifier: MIT
 *
 * fl-cli-plot.h — a line chart as a PNG for the command line (Cairo).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char   *name;   /* in the legend */
  const double *mean;   /* (n) the line */
  const double *sd;     /* (n) the bars: mean ± sd */
} FlCliSeries;

/* Writes a 900×540 PNG to path: the series over x[0..n) (fractions in
 * [0, 1], shown as percentages, ascending), on a y axis of tenths that
 * holds every bar, with a dashed line at chance (≤ 0: none), the title
 * above and a legend beside. FALSE with error set if it cannot be written. */
gboolean fl_cli_plot_lines (const char        *path,
                            const char        *title,
                            const char        *x_label,
                            const char        *y_label,
                            const double      *x,
                            int                n,
                            const FlCliSeries *series,
                            int                n_series,
                            double             chance,
                            GError           **error);

G_END_DECLS
