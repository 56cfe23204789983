/* SPDX-License-Identifier: MIT
 *
 * fl-why-view.h — the "Why" page: why the shown run gets its answers. The
 * samples fusion rescued from each modality alone (and those it hurt), in
 * words, each with a button that shows them; how much the model leans on
 * each modality, as a bar per modality and a sentence
 * (fl-reliance-chart.h); for the gated route, what its gate trusts per
 * class, as bars, a histogram and a sentence (fl-gate-chart.h); and a map
 * of its image, text or fused features. It listens to the session's
 * insight (fl-session-insight.h).
 *
 * Actions: why.show-rescued, why.show-hurt, why.map (the map shown:
 * 'image', 'text' or 'fused').
 *
 * Signals:
 *   ::show-rows (const gint32 *rows, int n, const char *title)
 *       samples to show, by dataset row, under title (markup): the rescued
 *       or the hurt samples, or the one clicked on the map
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-feature-map.h"
#include "fl-reliance-chart.h"
#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_WHY_VIEW (fl_why_view_get_type ())
G_DECLARE_FINAL_TYPE (FlWhyView, fl_why_view, FL, WHY_VIEW, GtkWidget)

void          fl_why_view_set_session         (FlWhyView  *self,
                                               FlSession  *session);
/* What the page shows: the insight (NULL: none yet), the counts sentence,
 * the bars' values in points by FlBranch, of the branches of the data
 * (FALSE when there are no bars), the map. */
FlInsight    *fl_why_view_get_insight         (FlWhyView  *self);
const char   *fl_why_view_get_counts_text     (FlWhyView  *self);
gboolean      fl_why_view_get_reliance        (FlWhyView  *self,
                                               double      drop[FL_N_BRANCHES],
                                               guint      *branches);
const char   *fl_why_view_get_reliance_text   (FlWhyView  *self);
/* The gate chart's mean weights per class ((n_classes, FL_N_BRANCHES))
 * and histograms ((FL_N_BRANCHES, FL_GATE_BINS)) of the branches it
 * weighs (fl_run_gate_weights()), owned by the view; FALSE when the chart
 * is hidden (any route but gated). */
gboolean      fl_why_view_get_gate            (FlWhyView      *self,
                                               const double  **mean,
                                               const guint   **hist,
                                               guint          *branches);
const char   *fl_why_view_get_gate_text       (FlWhyView  *self);
FlFeatureMap *fl_why_view_get_feature_map     (FlWhyView  *self);

G_END_DECLS
