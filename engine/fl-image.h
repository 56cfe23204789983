/* SPDX-License-Identifier: MIT
 *
 * fl-image.h — decoding images into the model's input layout (SPEC §3).
 *
 * An image file (PNG, JPEG, BMP, GIF — first frame only — or TGA; stb_image
 * also reads PSD, PIC, PNM and HDR) becomes S×S RGB bytes, planar (3,S,S):
 *
 *   - alpha is composited over white: c' = a·c + (1 - a)·255, a = alpha/255;
 *     grey becomes R = G = B;
 *   - the picture is resized with bilinear interpolation using half-pixel
 *     centres, the convention of PyTorch's
 *     F.interpolate(mode='bilinear', align_corners=False):
 *       src = (dst + 0.5) · in/out - 0.5, clamped to [0, in - 1],
 *     blending the two nearest source pixels on each axis. There is no
 *     antialiasing: shrinking by more than 2× skips source pixels, exactly as
 *     PyTorch does (and unlike PIL's resize, which filters);
 *   - each value is rounded to the nearest integer when stored.
 *
 * Before decoding, the header alone is read and an image wider or taller than
 * FL_IMAGE_MAX_SIDE, or larger than FL_IMAGE_MAX_PIXELS, is refused, so a
 * crafted header never makes the decoder allocate gigabytes.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FL_IMAGE_MAX_SIDE   16384
#define FL_IMAGE_MAX_PIXELS 50000000   /* 50 megapixels */

/* Called with the number of images done so far out of total. */
typedef void (*FlProgressFunc) (gint64 done, gint64 total, gpointer user_data);

/* Decodes the file at path into out, (3,S,S) bytes. A missing, unreadable,
 * empty, truncated, corrupt or oversized file is a FL_ENGINE_ERROR_DATA whose
 * message starts with path. On failure out is left unchanged. Thread-safe. */
gboolean fl_image_load (const char *path,
                        int         S,
                        guint8     *out,
                        GError    **error);

/* Decodes paths[0..n) into out, (n,3,S,S) bytes, over n_threads worker
 * threads (≤ 0: one per processor).
 *
 * errors, if not NULL, is an array of n NULL GError pointers: errors[i] is
 * set when image i fails, and its slot of out is then zero-filled. The
 * caller frees them.
 *
 * progress, if not NULL, is called FROM THE WORKER THREADS (marshal it to
 * your main loop yourself) with done counts that only increase, about every
 * 1% of n and once with done == n; the calls never overlap one another.
 *
 * Returns FALSE if cancellable was cancelled: the images not reached keep
 * whatever out held and their errors[] stay NULL. Returns TRUE otherwise,
 * even when some images failed. */
gboolean fl_image_load_many (const char *const *paths,
                             int                n,
                             int                S,
                             guint8            *out,
                             GError           **errors,
                             int                n_threads,
                             FlProgressFunc     progress,
                             gpointer           user_data,
                             GCancellable      *cancellable);

/* in is (n,3,S,S) bytes; out is (n,3,S,S) floats = (x/255 - mean[c]) / std[c].
 * Every std[c] must be > 0. */
void fl_image_to_float (float        *out,
                        const guint8 *in,
                        int           n,
                        int           S,
                        const float   mean[3],
                        const float   std[3]);

/* Per-channel mean and population standard deviation of x/255 over the
 * images images[idx[0..n_idx)] of an (·,3,S,S) byte array (idx NULL: the
 * first n_idx images). Sums are exact (integers) and the moments are
 * formed in double. A channel with no variation, or n_idx == 0, gets
 * std 1 (and mean 0 when n_idx == 0), so fl_image_to_float() never divides
 * by zero. */
void fl_image_channel_stats (const guint8 *images,
                             const gint32 *idx,
                             int           n_idx,
                             int           S,
                             float         mean[3],
                             float         std[3]);

G_END_DECLS
