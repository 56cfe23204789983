/* SPDX-License-Identifier: MIT
 *
 * fl-spectrogram.h — a clip's log-mel spectrogram as a picture, and whether
 * this GTK can play sound.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A texture of frames × mels pixels of the (mels, frames) log-mel logmel,
 * band-major: time runs left to right, the lowest band at the bottom; the
 * clip's own quietest to loudest spread over a dark-to-bright colour scale
 * (the 5th percentile and the maximum, so that silence padding does not
 * wash the picture out). */
GdkTexture *fl_spectrogram_texture_new (const float *logmel,
                                        int          mels,
                                        int          frames);

/* Whether GTK has a media backend (libgtk-4-media-gstreamer): without one,
 * GtkMediaFile can only report an error, and a sample card offers no play
 * button. Asked of GTK once. */
gboolean    fl_can_play_sound          (void);

G_END_DECLS
