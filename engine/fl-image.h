/* SPDX-License-Identifier: MIT
 *
 * fl-image.h — decoding images into the model's input layout (SPEC §3).
 *
 * An image file — PNG (libpng), JPEG (libjpeg-turbo), BMP, GIF (first frame
 * only) or TGA (stb_image, built with those three loaders alone), told
 * apart by their contents — becomes S×S RGB bytes, planar (3,S,S):
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
 * A JPEG is decoded smaller in the DCT domain (1/8 to 8/8) when both sides
 * stay ≥ S, several times faster for photos; the result stays within a few
 * levels of a full decode followed by the same resize (tests/test-image.c
 * measures it). A change that makes any file decode to other bytes must
 * bump FL_IMAGE_CACHE_DECODER (fl-image-cache.h), or the cache would give
 * the old ones.
 *
 * Hostile files (SPEC §6): before decoding, the header alone is read and an
 * image wider or taller than FL_IMAGE_MAX_SIDE, or larger than
 * FL_IMAGE_MAX_PIXELS, is refused, so a crafted header never makes the
 * decoder allocate gigabytes; a file costs at most its declared pixels plus
 * a bounded overhead (a PNG whose compressed data goes on past its image, a
 * decompression bomb, is refused after a few kilobytes; a truncated file of
 * any format is refused, never filled with whatever memory held). Files
 * are read whole into memory (at most 256 MiB) and decoded from there.
 */
#pragma once

#include <gio/gio.h>

#include "fl-parallel.h"   /* FlProgressFunc */

G_BEGIN_DECLS

#define FL_IMAGE_MAX_SIDE   16384
#define FL_IMAGE_MAX_PIXELS 50000000   /* 50 megapixels */

/* How a picture that is not square becomes S×S (issue 18):
 *
 *   - SQUASH stretches the whole picture to S×S (a 4:3 photo is distorted);
 *     what every version before this one did, and the default;
 *   - CROP keeps the centred square of the shorter side, m = min(w, h),
 *     starting at ⌊(w - m)/2⌋, ⌊(h - m)/2⌋, and resizes it to S×S: what
 *     torchvision's Resize(S) + CenterCrop(S) keep, nothing distorted,
 *     the edges of the longer side lost;
 *   - PAD (letterbox) resizes the whole picture to fit S×S, its longer
 *     side to S and its shorter to round(S·short/long) (at least 1),
 *     centred, the rest white: white because a transparent pixel is
 *     composited over white, so an icon's empty margin and the padding
 *     look alike to the model, and a photo's bands are one flat colour.
 *
 * A square picture gives the same bytes under all three. The resize is
 * the bilinear one described above, restricted to the kept rectangle. */
typedef enum {
  FL_IMAGE_FIT_SQUASH,
  FL_IMAGE_FIT_CROP,
  FL_IMAGE_FIT_PAD,
  FL_N_IMAGE_FITS
} FlImageFit;

/* "squash", "crop", "pad": static. */
const char *fl_image_fit_to_string   (FlImageFit fit);
/* FALSE (and *fit untouched) for any other string, NULL included. */
gboolean    fl_image_fit_from_string (const char *str,
                                      FlImageFit *fit);

typedef enum {
  FL_IMAGE_DECODE_DEFAULT   = 0,
  FL_IMAGE_DECODE_FULL_SIZE = 1 << 0,   /* no DCT-domain reduction of JPEGs */
} FlImageDecodeFlags;

/* Decodes the image file held in data[0..len) into out, (3,S,S) bytes,
 * fitted to S×S as fit says. An
 * empty, truncated, corrupt or oversized image is a FL_ENGINE_ERROR_DATA
 * whose message starts with name (which is only used for messages). On
 * failure out is left unchanged. Thread-safe. */
gboolean fl_image_decode (const guint8      *data,
                          gsize              len,
                          const char        *name,
                          int                S,
                          FlImageFit         fit,
                          FlImageDecodeFlags flags,
                          guint8            *out,
                          GError           **error);

/* Reads the open file fd (from its current offset; it stays open) and
 * decodes it as fl_image_decode() does. Not a regular file, or over 256 MiB,
 * is a FL_ENGINE_ERROR_DATA too. Decoding from the descriptor that was
 * opened, never from a path, is what keeps a link swapped in later out. */
gboolean fl_image_load_fd (int         fd,
                           const char *name,
                           int         S,
                           FlImageFit  fit,
                           guint8     *out,
                           GError    **error);

/* Opens the file at path (following links) and decodes it as
 * fl_image_load_fd() does, squashed; a missing or unreadable file is a
 * FL_ENGINE_ERROR_DATA whose message starts with path. */
gboolean fl_image_load (const char *path,
                        int         S,
                        guint8     *out,
                        GError    **error);
/* fl_image_load() fitted as fit says: a picture to embed or predict as a
 * model of that fit saw its own. */
gboolean fl_image_load_fitted (const char *path,
                               int         S,
                               FlImageFit  fit,
                               guint8     *out,
                               GError    **error);

/* Decodes paths[0..n) into out, (n,3,S,S) bytes, squashed, over n_threads
 * worker threads (≤ 0: one per processor).
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

/* Opens image i for fl_image_load_many_cached(): a descriptor that the caller
 * closes, or -1 with error set. Called from the worker threads. */
typedef int (*FlImageOpenFunc) (int       i,
                                gpointer  user_data,
                                GError  **error);

/* fl_image_load_many() with each image opened by open_image (NULL: names
 * are paths, opened as fl_image_load() does) and fitted as fit says (the
 * cache's fit, when there is a cache); names[i] is image i's name in
 * messages. The image loader of fl_dataset_load(), which opens every file
 * beneath the image folder (fl_image_tree_open()). Through a cache of
 * decoded images (fl-image-cache.h; NULL: none), an image whose file is
 * unchanged since it was cached is read from there, the others are decoded
 * and the cache file is rewritten at the end; the results, errors included,
 * are those without it. */
typedef struct FlImageCache FlImageCache;
gboolean fl_image_load_many_cached (FlImageCache      *cache,
                                    const char *const *names,
                                    FlImageOpenFunc    open_image,
                                    gpointer           open_data,
                                    int                n,
                                    int                S,
                                    FlImageFit         fit,
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

/* out (3,S,S) = the per-pixel mean of images[idx[0..n_idx)] (idx NULL: the
 * first n_idx), normalised as fl_image_to_float() normalises a picture:
 * (Σ x/255 / n_idx - mean[c]) / std[c]; every std[c] > 0. The mean image
 * of a split, where a picture is taken away: not all zeros, which only
 * the per-channel mean would give, but the split's average picture. Exact
 * integer sums; 0 everywhere when n_idx == 0. */
void fl_image_pixel_mean (float        *out,
                          const guint8 *images,
                          const gint32 *idx,
                          int           n_idx,
                          int           S,
                          const float   mean[3],
                          const float   std[3]);

G_END_DECLS
