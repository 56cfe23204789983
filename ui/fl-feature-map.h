/* SPDX-License-Identifier: MIT
 *
 * fl-feature-map.h — a scatter plot of samples in two dimensions (a
 * feature map: the first two principal axes of a run's features), each
 * point coloured by its class, filled when the model got it right and a
 * ring when it got it wrong; the axis titles give each axis's share of the
 * variance. Clicking a point emits ::sample-activated with its dataset row.
 *
 * The positions of the points are laid out once per change of the points
 * or of the size, not per frame or pointer motion; the renderer draws onto
 * any cairo_t.
 *
 * Signals:
 *   ::sample-activated (int row)   a point was clicked: its dataset row
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_FEATURE_MAP (fl_feature_map_get_type ())
G_DECLARE_FINAL_TYPE (FlFeatureMap, fl_feature_map, FL, FEATURE_MAP, GtkWidget)

GtkWidget *fl_feature_map_new                (void);

/* n points: point k at xy[2k], xy[2k+1], of class labels[k], given class
 * predicted[k] by the model (NULL: not known, drawn filled), dataset row
 * rows[k]; class_names (NULL-terminated) name the classes; explained
 * (may be NULL) is each axis's share of the variance. All copied. n = 0
 * empties the map, which then shows its placeholder. */
void       fl_feature_map_set_points         (FlFeatureMap       *self,
                                              int                 n,
                                              const float        *xy,
                                              const gint32       *labels,
                                              const gint32       *predicted,
                                              const gint32       *rows,
                                              const char *const  *class_names,
                                              const double       *explained);
/* What an empty map says. */
void       fl_feature_map_set_placeholder    (FlFeatureMap       *self,
                                              const char         *text);
int        fl_feature_map_get_n_points       (FlFeatureMap       *self);
/* Where point k is drawn, in the widget's coordinates at its size now;
 * FALSE when there is no such point or the widget has no size. */
gboolean   fl_feature_map_get_point_position (FlFeatureMap       *self,
                                              int                 k,
                                              double             *x,
                                              double             *y);
/* The point drawn nearest (x, y), within a few pixels, or -1. */
int        fl_feature_map_point_at           (FlFeatureMap       *self,
                                              double              x,
                                              double              y);
/* What a click at (x, y) does: marks the point there and emits
 * ::sample-activated with its row, which it returns; -1 (and nothing)
 * when no point is there. */
int        fl_feature_map_activate_at        (FlFeatureMap       *self,
                                              double              x,
                                              double              y);
/* Draws the map at width × height onto cr: the widget's snapshot, or an
 * export. */
void       fl_feature_map_render             (FlFeatureMap       *self,
                                              cairo_t            *cr,
                                              int                 width,
                                              int                 height);

G_END_DECLS
