/* SPDX-License-Identifier: MIT
 *
 * fl-preview-grid.h — thumbnails of a dataset's samples with their text and
 * label: a few from every class, as the model sees them (S×S).
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-dataset.h"

G_BEGIN_DECLS

#define FL_PREVIEW_GRID_MAX 120   /* cards shown at most */

#define FL_TYPE_PREVIEW_GRID (fl_preview_grid_get_type ())
G_DECLARE_FINAL_TYPE (FlPreviewGrid, fl_preview_grid, FL, PREVIEW_GRID, GtkWidget)

GtkWidget  *fl_preview_grid_new         (void);

/* Builds the cards from ds, which is only read during the call; NULL shows
 * the empty state. */
void        fl_preview_grid_set_dataset (FlPreviewGrid   *self,
                                         const FlDataset *ds);
guint       fl_preview_grid_get_n_cards (FlPreviewGrid   *self);

/* An RGB texture of image i of ds, from its planar (3,S,S) bytes. */
GdkTexture *fl_texture_new_from_sample  (const FlDataset *ds,
                                         int              i);
/* A card of sample i of ds: its picture, label, text and, where ds has
 * sound, its clip (fl_sample_card_set_sound()). */
GtkWidget  *fl_sample_card_new_for     (const FlDataset *ds,
                                        int              i,
                                        const char      *label);

G_END_DECLS
