/* SPDX-License-Identifier: MIT
 *
 * fl-similarity-heatmap.h — the cosine similarity of a batch of n
 * picture–text pairs as an n×n heat map, the way CLIP's paper draws it:
 * one row per text (written on the left, ellipsized), one column per
 * picture (its thumbnail on top), each cell shaded by the similarity of its
 * text and picture (its value written in when the cell is large enough),
 * and the diagonal — the true pairs — outlined. A scale below says what
 * the shades mean. Hovering a cell explains it; clicking a cell or a
 * thumbnail emits "picture-activated" with the picture's position.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_SIMILARITY_HEATMAP (fl_similarity_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (FlSimilarityHeatmap, fl_similarity_heatmap, FL, SIMILARITY_HEATMAP, GtkWidget)

GtkWidget *fl_similarity_heatmap_new      (void);

/* sims is (n,n): sims[t * n + p] is the similarity of text t and picture
 * p, pair i being text i and picture i; pictures are n textures (each
 * reffed) and texts n strings (copied); unseen, n flags or NULL, marks the
 * texts none of whose words the model knows (drawn dim, in italics: the
 * model places them all alike). n = 0 clears it. */
void       fl_similarity_heatmap_set_data (FlSimilarityHeatmap *self,
                                           int                  n,
                                           const float         *sims,
                                           GdkTexture  *const  *pictures,
                                           const char  *const  *texts,
                                           const guint8        *unseen);
/* The pairs: the map has n×n cells. */
int        fl_similarity_heatmap_get_n    (FlSimilarityHeatmap *self);
float      fl_similarity_heatmap_get_cell (FlSimilarityHeatmap *self,
                                           int                  text,
                                           int                  picture);

/* Draws the map at width onto cr (the widget's own drawing, and a PNG's);
 * returns the height it takes at that width. */
double     fl_similarity_heatmap_render   (FlSimilarityHeatmap *self,
                                           cairo_t             *cr,
                                           double               width);

G_END_DECLS
