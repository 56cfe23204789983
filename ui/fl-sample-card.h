/* SPDX-License-Identifier: MIT
 *
 * fl-sample-card.h — one sample in the preview grid: its picture, label and
 * text.
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
const char *fl_sample_card_get_label (FlSampleCard *self);
const char *fl_sample_card_get_text  (FlSampleCard *self);

/* Widens the labels to chars characters (14 by default). */
void        fl_sample_card_set_width_chars (FlSampleCard *self,
                                            int           chars);

G_END_DECLS
