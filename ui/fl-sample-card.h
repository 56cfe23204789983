/* SPDX-License-Identifier: MIT
 *
 * fl-sample-card.h — one sample in the preview grid: its picture, label and
 * text, and its clip's spectrogram where the data has sound.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_SAMPLE_CARD (fl_sample_card_get_type ())
G_DECLARE_FINAL_TYPE (FlSampleCard, fl_sample_card, FL, SAMPLE_CARD, GtkWidget)

/* texture is referenced; file is shown in the tooltip. */
GtkWidget  *fl_sample_card_new       (GdkTexture *texture,
                                      const char *label,
                                      const char *text,
                                      const char *file);
/* Shows another sample (the grid's cards are reused as it scrolls): as
 * fl_sample_card_new(), without sound. */
void        fl_sample_card_set_sample (FlSampleCard *self,
                                       GdkTexture   *texture,
                                       const char   *label,
                                       const char   *text,
                                       const char   *file);
const char *fl_sample_card_get_label (FlSampleCard *self);
const char *fl_sample_card_get_text  (FlSampleCard *self);

/* Shows the sample's clip beneath its picture: its spectrogram
 * (referenced; NULL hides the clip) and, when path is not NULL and GTK can play sound
 * (fl_can_play_sound()), a button that plays the file at path. */
void        fl_sample_card_set_sound       (FlSampleCard *self,
                                            GdkTexture   *spectrogram,
                                            const char   *path);
/* Whether the card offers to play its clip. */
gboolean    fl_sample_card_get_can_play    (FlSampleCard *self);
/* Why the clip could not be played (the play button's tooltip then), or
 * NULL. */
const char *fl_sample_card_get_play_error (FlSampleCard *self);

/* Widens the labels to chars characters (14 by default). */
void        fl_sample_card_set_width_chars (FlSampleCard *self,
                                            int           chars);

G_END_DECLS
