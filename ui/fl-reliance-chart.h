/* SPDX-License-Identifier: MIT
 *
 * fl-reliance-chart.h — what a run leans on (issue 12), drawn with Cairo
 * for the Why page: a bar per modality of its data, the validation
 * accuracy it loses with that modality taken away (fl_run_reliance()), in
 * the modality's colour, and a sentence that says it in words.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-model.h"

G_BEGIN_DECLS

/* The bars, one per branch of the data in branch order: the accuracy lost
 * without it, in points, with their names and values laid out. */
typedef struct {
  int          n;
  FlBranch     branch[FL_N_BRANCHES];
  double       drop[FL_N_BRANCHES];
  PangoLayout *names[FL_N_BRANCHES];
  PangoLayout *values[FL_N_BRANCHES];
} FlRelianceBars;

/* Lays out the bars of the branches in branches, drop indexed by FlBranch
 * (in points), their words in context's font, small. */
void   fl_reliance_bars_set    (FlRelianceBars *bars,
                                guint           branches,
                                const double   *drop,
                                PangoContext   *context);
void   fl_reliance_bars_clear  (FlRelianceBars *bars);
/* The height n bars want. */
int    fl_reliance_bars_height (int             n);
/* Draws the bars at width × height onto cr: the widget, or an export. */
void   fl_reliance_bars_render (const FlRelianceBars *bars,
                                cairo_t              *cr,
                                double                width,
                                double                height,
                                const GdkRGBA        *fg);

/* A sentence on what a run of fusion leans on, from the drops (in points,
 * indexed by FlBranch) of the branches of its data; a new string. */
char  *fl_reliance_sentence    (FlFusion        fusion,
                                guint           branches,
                                const double   *drop);

G_END_DECLS
