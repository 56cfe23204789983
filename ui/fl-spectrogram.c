/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-spectrogram"

#include "fl-spectrogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A dark-to-bright scale (magma's look, in five stops), from silence to the
 * loudest. */
static const guint8 scale_stops[5][3] = {
  {   0,   0,   4 },
  {  81,  18, 124 },
  { 183,  55, 121 },
  { 252, 137,  97 },
  { 252, 253, 191 },
};

static void
scale_colour (float t, guint8 rgb[3])
{
  float x = CLAMP (t, 0.0f, 1.0f) * 4.0f;
  int k = MIN ((int) x, 3);
  float u = x - (float) k;

  for (int c = 0; c < 3; c++)
    rgb[c] = (guint8) lrintf ((1.0f - u) * scale_stops[k][c] + u * scale_stops[k + 1][c]);
}

static int
cmp_float (const void *a, const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

GdkTexture *
fl_spectrogram_texture_new (const float *logmel,
                            int          mels,
                            int          frames)
{
  gsize n = (gsize) mels * frames;
  g_autofree float *sorted = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint8 *rgb;
  float lo, hi;

  g_return_val_if_fail (logmel != NULL && mels > 0 && frames > 0, NULL);

  sorted = g_memdup2 (logmel, n * sizeof (float));
  qsort (sorted, n, sizeof (float), cmp_float);
  lo = sorted[n / 20];
  hi = sorted[n - 1];
  rgb = g_malloc (3 * n);
  for (int m = 0; m < mels; m++)
    for (int t = 0; t < frames; t++)
      {
        float v = logmel[(gsize) m * frames + t];
        float u = hi > lo && isfinite (v) ? (v - lo) / (hi - lo) : 0.0f;

        /* the lowest band at the bottom */
        scale_colour (u, rgb + 3 * ((gsize) (mels - 1 - m) * frames + t));
      }
  bytes = g_bytes_new_take (rgb, 3 * n);
  return gdk_memory_texture_new (frames, mels, GDK_MEMORY_R8G8B8, bytes, (gsize) 3 * frames);
}

gboolean
fl_can_play_sound (void)
{
  static gsize once = 0;
  static gboolean can = FALSE;

  if (g_once_init_enter (&once))
    {
      /* GTK picks the backend when a media file is made: its stand-in,
       * which only reports an error, is GtkNoMediaFile */
      g_autoptr(GtkMediaStream) probe = gtk_media_file_new ();

      can = strcmp (G_OBJECT_TYPE_NAME (probe), "GtkNoMediaFile") != 0;
      g_once_init_leave (&once, 1);
    }
  return can;
}
