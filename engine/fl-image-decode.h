/* SPDX-License-Identifier: MIT
 *
 * fl-image-decode.h — engine-internal: the bytes of an image file to
 * pixels, by the decoder its format needs (SPEC §1):
 *
 *   - PNG by libpng and JPEG by libjpeg-turbo, both fuzzed upstream, each
 *     with limits on what a file may make them allocate or inflate;
 *   - BMP, GIF (first frame) and TGA by stb_image, compiled here with only
 *     those three loaders: Debian's libstb 2.27 writes out of bounds on
 *     crafted JPEGs and PNGs, and is never linked into the engine.
 *
 * Every decoder reads the header first and refuses an image over
 * FL_IMAGE_MAX_SIDE or FL_IMAGE_MAX_PIXELS before it allocates the pixels.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint8 *pix;    /* (h,w,comp) interleaved; free with g_free() */
  int     w, h;
  int     comp;   /* 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA */
} FlPixels;

/* Decodes data[0..len) into out. min_side > 0 lets a JPEG be decoded
 * smaller, in the DCT domain, as long as both sides stay ≥ min_side; 0
 * decodes every format at full size. On failure, a FL_ENGINE_ERROR_DATA
 * whose message starts with name, and out is untouched. Thread-safe. */
gboolean fl_image_decode_pixels (const guint8 *data,
                                 gsize         len,
                                 const char   *name,
                                 int           min_side,
                                 FlPixels     *out,
                                 GError      **error);

/* BMP, GIF or TGA: fl_image_decode_pixels() for what is neither PNG nor
 * JPEG (fl-image-stb.c). */
gboolean fl_image_decode_stb (const guint8 *data,
                              gsize         len,
                              const char   *name,
                              FlPixels     *out,
                              GError      **error);

/* FALSE with a FL_ENGINE_ERROR_DATA naming the limit when a w×h image has
 * no pixels or is over FL_IMAGE_MAX_SIDE or FL_IMAGE_MAX_PIXELS. */
gboolean fl_image_check_size (const char *name,
                              guint64     w,
                              guint64     h,
                              GError    **error);

/* For each of the out positions of a bilinear resize from in pixels (half-
 * pixel centres, fl-image.h), the two source indices i0, i1 and the weight
 * λ of the second; each array has out entries. The decoder's resize and
 * the augmentation's crop (fl-augment.c) share it. */
void     fl_image_bilinear_taps (int   *i0,
                                 int   *i1,
                                 float *lambda,
                                 int    in,
                                 int    out);

/* Sets a FL_ENGINE_ERROR_DATA "name: message"; returns FALSE. */
gboolean fl_image_fail (GError    **error,
                        const char *name,
                        const char *fmt,
                        ...) G_GNUC_PRINTF (3, 4);

/* Opens path read-only for a loader (images, sound clips); -1 with an
 * fl_image_fail() error naming path. O_NONBLOCK, so that a FIFO named like
 * a file cannot hang the loader before its S_ISREG check. */
int      fl_image_open_path (const char *path,
                             GError    **error);

G_END_DECLS
