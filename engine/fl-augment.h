/* SPDX-License-Identifier: MIT
 *
 * fl-augment.h — what a training picture may become, epoch by epoch
 * (issue 18): flipped left–right, a random part of it resized back to S×S,
 * its brightness and contrast nudged. Only training batches are augmented
 * (fl-trainer-inputs.c), never validation, prediction or export.
 *
 * Every draw comes from a counter-based generator keyed by (seed, epoch,
 * sample index): sample k of epoch e looks the same however the epoch is
 * ordered or batched and on any number of threads, and a run repeats bit
 * for bit. The settings, against torchvision's defaults:
 *
 *   - horizontal flip with probability 1/2 (RandomHorizontalFlip);
 *   - random resized crop of scale [0.5, 1] and aspect ratio [3/4, 4/3]
 *     (RandomResizedCrop has [0.08, 1]): at S = 64 an 8% crop is an 18×18
 *     patch blown up 3.5×, mostly blur, and often without the icon or
 *     emoji, which sit centred and fill most of the picture; half the area
 *     keeps the object. The ratio range is torchvision's. Ten tries as
 *     torchvision makes, then the whole picture;
 *   - brightness and contrast factors uniform in [0.8, 1.2] (ColorJitter
 *     (0.2, 0.2)), brightness first: x' = b·x, then contrast about the
 *     mean grey m of the picture (0.299 R + 0.587 G + 0.114 B):
 *     x'' = c·x' + (1 - c)·b·m.
 *
 * The crop is taken from the S×S pixels the dataset holds (decoded once,
 * cached), not from the original file: a crop of half the area is then
 * upsampled from about 45×45 pixels at S = 64, a little softer than a crop
 * of the full-size picture would be, but no file is decoded again during
 * training. Resampling is bilinear with half-pixel centres, as decoding is
 * (fl-image.h); the result is rounded to bytes, then brightness and
 * contrast go through a 256-entry table and are rounded again.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_AUGMENT_FLIP_P     0.5
#define FL_AUGMENT_SCALE_MIN  0.5
#define FL_AUGMENT_SCALE_MAX  1.0
#define FL_AUGMENT_RATIO_MIN  (3.0 / 4.0)
#define FL_AUGMENT_RATIO_MAX  (4.0 / 3.0)
#define FL_AUGMENT_JITTER     0.2   /* brightness and contrast in [1 - j, 1 + j] */

/* One picture's augmentation. */
typedef struct {
  gboolean flip;          /* mirrored left–right */
  int      x, y, w, h;    /* the crop, within the S×S picture */
  float    brightness;    /* factors */
  float    contrast;
} FlAugmentDraw;

/* The draws of sample `sample` in epoch `epoch` of a run seeded `seed`,
 * for an S×S picture. */
void fl_augment_draw  (FlAugmentDraw *d,
                       guint64        seed,
                       int            epoch,
                       gint64         sample,
                       int            S);

/* in and out are (3,S,S) bytes (distinct): in augmented as d says. */
void fl_augment_apply (guint8              *out,
                       const guint8        *in,
                       int                  S,
                       const FlAugmentDraw *d);

/* fl_augment_draw() then fl_augment_apply(): what training shows the
 * model of sample `sample` in epoch `epoch`, and what the app's strip
 * shows. */
void fl_augment_image (guint8       *out,
                       const guint8 *in,
                       int           S,
                       guint64       seed,
                       int           epoch,
                       gint64        sample);

/* The settings above in a line, for model files and the interface:
 * "flip 0.5, crop scale 0.5-1 ratio 0.75-1.33, brightness ±0.2, contrast
 * ±0.2"; static. */
const char *fl_augment_describe (void);

G_END_DECLS
