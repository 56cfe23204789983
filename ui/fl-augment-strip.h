/* SPDX-License-Identifier: MIT
 *
 * fl-augment-strip.h — "What the model sees in epoch N": a row of a few
 * samples' pictures as training shows them that epoch, augmented by the
 * engine's own fl_augment_image() with the run's seed (the same bits the
 * trainer draws), or as they are when augmentation is off. Shuffle shows
 * other samples.
 */
#pragma once

#include <gtk/gtk.h>

#include "fl-dataset.h"

G_BEGIN_DECLS

#define FL_AUGMENT_STRIP_N 8   /* pictures in the row */

#define FL_TYPE_AUGMENT_STRIP (fl_augment_strip_get_type ())
G_DECLARE_FINAL_TYPE (FlAugmentStrip, fl_augment_strip, FL, AUGMENT_STRIP, GtkWidget)

GtkWidget *fl_augment_strip_new         (void);
/* The strip keeps a reference to ds (NULL: nothing to show). */
void       fl_augment_strip_set_dataset (FlAugmentStrip *self,
                                         FlDataset      *ds);
/* Whether training augments, and with which seed (FlTrainSettings). */
void       fl_augment_strip_set_augment (FlAugmentStrip *self,
                                         gboolean        augment,
                                         guint64         seed);
/* The epoch shown, 1-based: the one training is in, or the next. */
void       fl_augment_strip_set_epoch   (FlAugmentStrip *self,
                                         int             epoch);
int        fl_augment_strip_get_epoch   (FlAugmentStrip *self);
/* Sample indices shown, FL_AUGMENT_STRIP_N of them (fewer with a smaller
 * dataset): how many, into idx (tests). */
int        fl_augment_strip_get_samples (FlAugmentStrip *self,
                                         int            *idx);

/* An opaque texture of a planar (3,S,S) RGB picture, in GDK_MEMORY_DEFAULT. */
GdkTexture *fl_texture_new_from_chw     (const guint8   *chw,
                                         int             S);

G_END_DECLS
