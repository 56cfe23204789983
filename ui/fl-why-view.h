/* SPDX-License-Identifier: MIT
 *
 * fl-why-view.h — the "Why" page: why the shown run gets its answers. The
 * samples fusion rescued from the picture alone and the words alone (and
 * those it hurt), in words, each with a button that shows them; how much
 * the model leans on each modality, as two bars and a sentence; for the
 * gated route, what its gate trusts per class, as bars, a histogram and a
 * sentence (fl-gate-chart.h); and a map
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
#include "fl-session.h"

G_BEGIN_DECLS

/* The reliance bars: the accuracy lost without the picture and without
 * the words, in points, with their names and values laid out. */
typedef struct {
  double       drop[2];      /* [0] without the picture, [1] without the words */
  PangoLayout *names[2];
  PangoLayout *values[2];
} FlRelianceBars;

/* Draws the bars at width × height onto cr: the widget, or an export. */
void          fl_reliance_bars_render         (const FlRelianceBars *bars,
                                               cairo_t              *cr,
                                               double                width,
                                               double                height,
                                               const GdkRGBA        *fg);

#define FL_TYPE_WHY_VIEW (fl_why_view_get_type ())
G_DECLARE_FINAL_TYPE (FlWhyView, fl_why_view, FL, WHY_VIEW, GtkWidget)

void          fl_why_view_set_session         (FlWhyView  *self,
                                               FlSession  *session);
/* What the page shows: the insight (NULL: none yet), the counts sentence,
 * the bars' values in points (FALSE when there are no bars), the map. */
FlInsight    *fl_why_view_get_insight         (FlWhyView  *self);
const char   *fl_why_view_get_counts_text     (FlWhyView  *self);
gboolean      fl_why_view_get_reliance        (FlWhyView  *self,
                                               double     *drop_image,
                                               double     *drop_text);
const char   *fl_why_view_get_reliance_text   (FlWhyView  *self);
/* The gate chart's mean gate per class (n_classes) and histogram
 * (FL_GATE_BINS), owned by the view; FALSE when the chart is hidden (any
 * route but gated). */
gboolean      fl_why_view_get_gate            (FlWhyView      *self,
                                               const double  **mean,
                                               const guint   **hist);
const char   *fl_why_view_get_gate_text       (FlWhyView  *self);
FlFeatureMap *fl_why_view_get_feature_map     (FlWhyView  *self);

G_END_DECLS
