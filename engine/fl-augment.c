/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-augment"

#include "fl-augment.h"
#include "fl-image-decode.h"

#include <math.h>

/* splitmix64's finaliser: a bijection of 64 bits that mixes every input
 * bit into every output bit. */
static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

/* A counter-based stream: draw n is mix64 (key + n·golden), the key made
 * of (seed, epoch, sample). No state is shared between samples, so any
 * order or thread gives the same draws. */
typedef struct {
  guint64 key;
  guint64 n;
} Stream;

/* Uniform in [0, 1), 53 bits. */
static double
uniform (Stream *s)
{
  s->n++;
  return (double) (mix64 (s->key + s->n * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)) >> 11) * 0x1.0p-53;
}

static double
uniform_range (Stream *s, double lo, double hi)
{
  return lo + (hi - lo) * uniform (s);
}

/* torchvision's RandomResizedCrop.get_params on an S×S picture. */
static void
draw_crop (FlAugmentDraw *d, Stream *s, int S)
{
  const double area = (double) S * S;

  for (int attempt = 0; attempt < 10; attempt++)
    {
      double target = area * uniform_range (s, FL_AUGMENT_SCALE_MIN, FL_AUGMENT_SCALE_MAX);
      double ratio = exp (uniform_range (s, log (FL_AUGMENT_RATIO_MIN), log (FL_AUGMENT_RATIO_MAX)));
      int w = (int) lround (sqrt (target * ratio)), h = (int) lround (sqrt (target / ratio));

      if (w > 0 && w <= S && h > 0 && h <= S)
        {
          d->w = w;
          d->h = h;
          d->x = MIN ((int) (uniform (s) * (S - w + 1)), S - w);
          d->y = MIN ((int) (uniform (s) * (S - h + 1)), S - h);
          return;
        }
    }
  /* a square picture and a ratio range about 1: the whole of it */
  *d = (FlAugmentDraw) { .flip = d->flip, .x = 0, .y = 0, .w = S, .h = S };
}

void
fl_augment_draw (FlAugmentDraw *d, guint64 seed, int epoch, gint64 sample, int S)
{
  Stream s = { mix64 (mix64 (mix64 (seed) ^ (guint64) epoch) ^ (guint64) sample), 0 };

  g_return_if_fail (d != NULL && S > 0);

  d->flip = uniform (&s) < FL_AUGMENT_FLIP_P;
  draw_crop (d, &s, S);
  d->brightness = (float) uniform_range (&s, 1.0 - FL_AUGMENT_JITTER, 1.0 + FL_AUGMENT_JITTER);
  d->contrast = (float) uniform_range (&s, 1.0 - FL_AUGMENT_JITTER, 1.0 + FL_AUGMENT_JITTER);
}

/* out (3,S,S) = the crop (x, y, w, h) of in resized bilinearly to S×S,
 * mirrored if flip; returns the sum over pixels of the grey
 * 0.299 R + 0.587 G + 0.114 B of the result. */
static double
resample (guint8 *out, const guint8 *in, int S, const FlAugmentDraw *d)
{
  const gsize plane = (gsize) S * S;
  g_autofree int *x0 = g_new (int, S), *x1 = g_new (int, S);
  g_autofree int *y0 = g_new (int, S), *y1 = g_new (int, S);
  g_autofree float *lx = g_new (float, S), *ly = g_new (float, S);
  guint64 sum[3] = { 0, 0, 0 };

  fl_image_bilinear_taps (x0, x1, lx, d->w, S);
  fl_image_bilinear_taps (y0, y1, ly, d->h, S);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < S; y++)
      {
        const guint8 *r0 = in + c * plane + (gsize) (d->y + y0[y]) * S + d->x;
        const guint8 *r1 = in + c * plane + (gsize) (d->y + y1[y]) * S + d->x;
        guint8 *dst = out + c * plane + (gsize) y * S;

        for (int x = 0; x < S; x++)
          {
            int sx = d->flip ? S - 1 - x : x;
            float v = (1.0f - ly[y]) * ((1.0f - lx[sx]) * r0[x0[sx]] + lx[sx] * r0[x1[sx]]) +
                      ly[y] * ((1.0f - lx[sx]) * r1[x0[sx]] + lx[sx] * r1[x1[sx]]);
            dst[x] = (guint8) CLAMP ((int) (v + 0.5f), 0, 255);
            sum[c] += dst[x];
          }
      }
  return 0.299 * sum[0] + 0.587 * sum[1] + 0.114 * sum[2];
}

void
fl_augment_apply (guint8 *out, const guint8 *in, int S, const FlAugmentDraw *d)
{
  const gsize size = (gsize) 3 * S * S;
  const double b = d->brightness, c = d->contrast;
  double grey;
  guint8 lut[256];

  g_return_if_fail (out != NULL && in != NULL && out != in && d != NULL);
  g_return_if_fail (d->x >= 0 && d->y >= 0 && d->w >= 1 && d->h >= 1 &&
                    d->x + d->w <= S && d->y + d->h <= S);

  grey = resample (out, in, S, d) / ((double) S * S);
  /* x'' = c·(b·x) + (1 - c)·b·m: one table for every channel */
  for (int v = 0; v < 256; v++)
    lut[v] = (guint8) CLAMP ((int) floor (c * b * v + (1.0 - c) * b * grey + 0.5), 0, 255);
  for (gsize k = 0; k < size; k++)
    out[k] = lut[out[k]];
}

void
fl_augment_image (guint8 *out, const guint8 *in, int S, guint64 seed, int epoch, gint64 sample)
{
  FlAugmentDraw d;

  fl_augment_draw (&d, seed, epoch, sample, S);
  fl_augment_apply (out, in, S, &d);
}

/* The numbers written out, locale-free: a model file records this line. */
G_STATIC_ASSERT (FL_AUGMENT_FLIP_P == 0.5 && FL_AUGMENT_SCALE_MIN == 0.5 && FL_AUGMENT_SCALE_MAX == 1.0);
G_STATIC_ASSERT (FL_AUGMENT_RATIO_MIN == 0.75 && FL_AUGMENT_JITTER == 0.2);

const char *
fl_augment_describe (void)
{
  return "flip 0.5, crop scale 0.5-1 ratio 0.75-1.33, brightness ±0.2, contrast ±0.2";
}
