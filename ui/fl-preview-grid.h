/* SPDX-License-Identifier: MIT
 *
 * fl-preview-grid.h — thumbnails of a dataset's samples with their text and
 * label, as the model sees them (S×S): every sample, the classes taking
 * turns so that the first rows show a few of each, or those of one class.
 * A GtkGridView makes cards only for the rows on screen and reuses them as
 * it scrolls, so 100,000 samples scroll as smoothly as 100 (bench/scale.sh).
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-dataset.h"
#include "fl-sample-card.h"

G_BEGIN_DECLS

#define FL_TYPE_PREVIEW_GRID (fl_preview_grid_get_type ())
G_DECLARE_FINAL_TYPE (FlPreviewGrid, fl_preview_grid, FL, PREVIEW_GRID, GtkWidget)

GtkWidget  *fl_preview_grid_new         (void);

/* Shows the samples of ds (referenced while shown); NULL shows the empty
 * state. */
void        fl_preview_grid_set_dataset (FlPreviewGrid   *self,
                                         FlDataset       *ds);
/* The samples listed (of the class chosen, or all). */
guint       fl_preview_grid_get_n_samples (FlPreviewGrid *self);
/* The vertical scrolling of the grid (bench/scale.sh scrolls it). */
GtkAdjustment *fl_preview_grid_get_vadjustment (FlPreviewGrid *self);

/* An RGB texture of image i of ds, from its planar (3,S,S) bytes: the
 * picture as the model sees it, which every card of a sample shows. */
GdkTexture *fl_texture_new_from_sample  (const FlDataset *ds,
                                         int              i);
/* A card of sample i of ds: its picture, label, text and, where ds has
 * sound, its clip (fl_sample_card_set_sound()). */
GtkWidget  *fl_sample_card_new_for     (const FlDataset *ds,
                                        int              i,
                                        const char      *label);
/* Shows sample i of ds on card, as fl_sample_card_new_for() does. */
void        fl_sample_card_show_sample (FlSampleCard    *card,
                                        const FlDataset *ds,
                                        int              i,
                                        const char      *label);

G_END_DECLS
