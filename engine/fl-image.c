/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-image"

#include "fl-image.h"
#include "fl-image-cache.h"
#include "fl-image-decode.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* No image within the pixel limit needs a bigger file: an uncompressed
 * 50-megapixel RGBA BMP is 200 MB. Refusing larger files keeps n_threads
 * concurrent reads from holding gigabytes. */
#define MAX_FILE_BYTES (256u << 20)

/* The size of the open file fd: a regular file of 1 to MAX_FILE_BYTES
 * bytes; 0 with an error otherwise. */
static gsize
file_size (int fd, const char *name, GError **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      fl_image_fail (error, name, "%s", g_strerror (saved));
      return 0;
    }
  if (!S_ISREG (st.st_mode))
    {
      fl_image_fail (error, name, _("not a regular file"));
      return 0;
    }
  if (st.st_size == 0)
    {
      fl_image_fail (error, name, _("the file is empty"));
      return 0;
    }
  if ((guint64) st.st_size > MAX_FILE_BYTES)
    {
      g_autofree char *size_str = g_format_size ((guint64) st.st_size);
      fl_image_fail (error, name, _("the file is %s, too large for an image"), size_str);
      return 0;
    }
  return (gsize) st.st_size;
}

/* Reads size bytes of fd into buf; *got is fewer when the file shrank
 * since fstat (what is there is decoded). */
static gboolean
read_fully (int fd, const char *name, guint8 *buf, gsize size, gsize *got, GError **error)
{
  *got = 0;
  while (*got < size)
    {
      ssize_t r = read (fd, buf + *got, size - *got);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved = errno;
          fl_image_fail (error, name, "%s", g_strerror (saved));
          return FALSE;
        }
      if (r == 0)
        break;
      *got += (gsize) r;
    }
  return TRUE;
}

/* Reads the whole of the open file fd, at most MAX_FILE_BYTES. read(), not
 * mmap(): a file truncated or a drive unplugged under a mapping raises
 * SIGBUS, where read() returns an error. */
static guint8 *
read_fd (int fd, const char *name, gsize *len, GError **error)
{
  g_autofree guint8 *buf = NULL;
  gsize size, got = 0;

  size = file_size (fd, name, error);
  if (size == 0)
    return NULL;
  buf = g_malloc (size);
  if (!read_fully (fd, name, buf, size, &got, error))
    return NULL;
  if (got == 0)
    {
      fl_image_fail (error, name, _("the file is empty"));
      return NULL;
    }
  *len = got;
  return g_steal_pointer (&buf);
}

/* One source pixel of a comp-channel image (grey, grey+alpha, RGB, RGBA),
 * composited over white: c' = a·c + (1 - a)·255. */
static inline void
fetch_rgb (float rgb[3], const guint8 *p, int comp)
{
  float a, c[3];

  switch (comp)
    {
    case 1:
      rgb[0] = rgb[1] = rgb[2] = p[0];
      return;
    case 2:
      c[0] = c[1] = c[2] = p[0];
      a = p[1] / 255.0f;
      break;
    case 3:
      rgb[0] = p[0]; rgb[1] = p[1]; rgb[2] = p[2];
      return;
    default:
      c[0] = p[0]; c[1] = p[1]; c[2] = p[2];
      a = p[3] / 255.0f;
      break;
    }
  for (int k = 0; k < 3; k++)
    rgb[k] = a * c[k] + (1.0f - a) * 255.0f;
}

/* As in PyTorch's upsample_bilinear2d with align_corners=False:
 *   src = max((dst + 0.5)·in/out - 0.5, 0); i0 = ⌊src⌋; i1 = min(i0 + 1, in - 1)
 *   value = (1 - λ)·x[i0] + λ·x[i1], λ = src - i0
 * (at the far edge i1 = i0, so the weight is moot and the edge pixel repeats). */
void
fl_image_bilinear_taps (int *i0, int *i1, float *lambda, int in, int out)
{
  const double scale = (double) in / out;

  for (int d = 0; d < out; d++)
    {
      double src = MAX ((d + 0.5) * scale - 0.5, 0.0);
      int i = MIN ((int) src, in - 1);
      i0[d] = i;
      i1[d] = MIN (i + 1, in - 1);
      lambda[d] = (float) (src - i);
    }
}

/* An S×S image: at scale 1 every tap is src = d with weight 0 on its
 * neighbour, so the bilinear result is the pixel itself (composited and
 * rounded the same way), without the interpolation's cost. */
static void
copy_to_chw (guint8 *out, const guint8 *pix, int comp, int S)
{
  const gsize plane = (gsize) S * S;

  for (gsize i = 0; i < plane; i++)
    {
      float rgb[3];

      fetch_rgb (rgb, pix + i * comp, comp);
      for (int c = 0; c < 3; c++)
        out[c * plane + i] = (guint8) CLAMP ((int) (rgb[c] + 0.5f), 0, 255);
    }
}

static const char *const fit_names[FL_N_IMAGE_FITS] = { "squash", "crop", "pad" };

const char *
fl_image_fit_to_string (FlImageFit fit)
{
  g_return_val_if_fail (fit >= 0 && fit < FL_N_IMAGE_FITS, NULL);
  return fit_names[fit];
}

gboolean
fl_image_fit_from_string (const char *str, FlImageFit *fit)
{
  for (int f = 0; f < FL_N_IMAGE_FITS && str != NULL; f++)
    if (strcmp (str, fit_names[f]) == 0)
      {
        *fit = f;
        return TRUE;
      }
  return FALSE;
}

/* Where a w×h picture goes in the S×S output (fl-image.h, FlImageFit):
 * its source rectangle (sx, sy, sw, sh) is resized onto the destination
 * rectangle (dx, dy, dw, dh); outside that, white. */
typedef struct {
  int sx, sy, sw, sh;
  int dx, dy, dw, dh;
} FitRect;

static FitRect
fit_rect (int w, int h, int S, FlImageFit fit)
{
  FitRect r = { 0, 0, w, h, 0, 0, S, S };
  const int lo = MIN (w, h), hi = MAX (w, h);

  if (fit == FL_IMAGE_FIT_CROP)
    {
      r.sx = (w - lo) / 2;
      r.sy = (h - lo) / 2;
      r.sw = r.sh = lo;
    }
  else if (fit == FL_IMAGE_FIT_PAD)
    {
      /* round (S·lo/hi) in integers, at least one pixel */
      int s = MAX ((int) (((gint64) 2 * S * lo + hi) / (2 * hi)), 1);
      r.dw = w >= h ? S : s;
      r.dh = w >= h ? s : S;
      r.dx = (S - r.dw) / 2;
      r.dy = (S - r.dh) / 2;
    }
  return r;
}

/* pix is (h,w,comp) interleaved; out is (3,S,S) planar: the rectangle r
 * of pix resized bilinearly onto r's destination, white around it. */
static void
resize_to_chw (guint8 *out, const guint8 *pix, int w, int h, int comp, int S, FlImageFit fit)
{
  const FitRect r = fit_rect (w, h, S, fit);
  g_autofree int *x0 = g_new (int, r.dw), *x1 = g_new (int, r.dw);
  g_autofree int *y0 = g_new (int, r.dh), *y1 = g_new (int, r.dh);
  g_autofree float *lx = g_new (float, r.dw), *ly = g_new (float, r.dh);
  const gsize plane = (gsize) S * S;
  const gsize stride = (gsize) w * comp;

  if (w == S && h == S)
    {
      copy_to_chw (out, pix, comp, S);
      return;
    }
  if (r.dw < S || r.dh < S)
    memset (out, 255, 3 * plane);
  fl_image_bilinear_taps (x0, x1, lx, r.sw, r.dw);
  fl_image_bilinear_taps (y0, y1, ly, r.sh, r.dh);

  for (int y = 0; y < r.dh; y++)
    {
      const guint8 *r0 = pix + (r.sy + y0[y]) * stride, *r1 = pix + (r.sy + y1[y]) * stride;
      for (int x = 0; x < r.dw; x++)
        {
          const gsize c0 = (gsize) (r.sx + x0[x]) * comp, c1 = (gsize) (r.sx + x1[x]) * comp;
          const gsize o = (gsize) (r.dy + y) * S + r.dx + x;
          float p00[3], p01[3], p10[3], p11[3];

          fetch_rgb (p00, r0 + c0, comp);
          fetch_rgb (p01, r0 + c1, comp);
          fetch_rgb (p10, r1 + c0, comp);
          fetch_rgb (p11, r1 + c1, comp);
          for (int c = 0; c < 3; c++)
            {
              float v = (1.0f - ly[y]) * ((1.0f - lx[x]) * p00[c] + lx[x] * p01[c]) +
                        ly[y] * ((1.0f - lx[x]) * p10[c] + lx[x] * p11[c]);
              /* round to nearest, halves up; v is within [0, 255] up to rounding */
              out[c * plane + o] = (guint8) CLAMP ((int) (v + 0.5f), 0, 255);
            }
        }
    }
}

gboolean
fl_image_decode (const guint8      *data,
                 gsize              len,
                 const char        *name,
                 int                S,
                 FlImageFit         fit,
                 FlImageDecodeFlags flags,
                 guint8            *out,
                 GError           **error)
{
  FlPixels px = { 0 };
  int min_side = (flags & FL_IMAGE_DECODE_FULL_SIZE) ? 0 : S;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (S > 0, FALSE);
  g_return_val_if_fail (fit >= 0 && fit < FL_N_IMAGE_FITS, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len == 0)
    return fl_image_fail (error, name, _("the file is empty"));
  if (!fl_image_decode_pixels (data, len, name, min_side, &px, error))
    return FALSE;
  /* min_side S keeps both sides of a JPEG decoded in the DCT domain ≥ S:
   * the cropped square's side (the shorter one) and the padded picture's
   * longer side then still have at least S source pixels. Not 2·S: the
   * DCT reduction averages whole blocks, the bilinear resize after it
   * (PyTorch's, no antialiasing) only two pixels a side, so the more of
   * the reduction the DCT does the better: from the box-filtered full
   * decode, 2.49 ± 2.29 levels off at ≥ S, 5.11 ± 4.39 at ≥ 2·S
   * (bench/jpeg-scale.py, 36 photos at S = 64) */
  resize_to_chw (out, px.pix, px.w, px.h, px.comp, S, fit);
  g_free (px.pix);
  return TRUE;
}

gboolean
fl_image_load_fd (int fd, const char *name, int S, FlImageFit fit, guint8 *out, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (fd >= 0, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = read_fd (fd, name, &len, error);
  if (data == NULL)
    return FALSE;
  return fl_image_decode (data, len, name, S, fit, FL_IMAGE_DECODE_DEFAULT, out, error);
}

gboolean
fl_image_load (const char *path, int S, guint8 *out, GError **error)
{
  return fl_image_load_fitted (path, S, FL_IMAGE_FIT_SQUASH, out, error);
}

gboolean
fl_image_load_fitted (const char *path, int S, FlImageFit fit, guint8 *out, GError **error)
{
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (S > 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = fl_image_open_path (path, error);
  if (fd < 0)
    return FALSE;
  ok = fl_image_load_fd (fd, path, S, fit, out, error);
  close (fd);
  return ok;
}

/* ---- many images in parallel ------------------------------------------ */

typedef struct {
  const char *const *names;
  FlImageOpenFunc    open_image;   /* NULL: names are paths to open */
  gpointer           open_data;
  FlImageCache      *cache;        /* NULL: every image is decoded */
  int                S;
  FlImageFit         fit;
  guint8            *out;
  GError           **errors;
} LoadCtx;

/* Decodes image i into its slot (or takes it from the cache); on failure
 * the slot is zero-filled and errors[i] set. */
static void
load_one (int i, gpointer data)
{
  LoadCtx *ctx = data;
  const gsize slot = (gsize) 3 * ctx->S * ctx->S;
  guint8 *dst = ctx->out + i * slot;
  GError *local = NULL;
  gboolean ok = FALSE;
  int fd = ctx->open_image != NULL ? ctx->open_image (i, ctx->open_data, &local)
                                   : fl_image_open_path (ctx->names[i], &local);

  if (fd >= 0)
    {
      ok = ctx->cache != NULL ? fl_image_cache_load_fd (ctx->cache, fd, i, ctx->names[i], dst, &local)
                              : fl_image_load_fd (fd, ctx->names[i], ctx->S, ctx->fit, dst, &local);
      close (fd);
    }
  if (ok)
    return;
  memset (dst, 0, slot);
  if (ctx->errors != NULL)
    ctx->errors[i] = local;
  else
    g_error_free (local);
}

gboolean
fl_image_load_many (const char *const *paths,
                    int                n,
                    int                S,
                    guint8            *out,
                    GError           **errors,
                    int                n_threads,
                    FlProgressFunc     progress,
                    gpointer           user_data,
                    GCancellable      *cancellable)
{
  return fl_image_load_many_cached (NULL, paths, NULL, NULL, n, S, FL_IMAGE_FIT_SQUASH, out, errors, n_threads,
                                    progress, user_data, cancellable);
}

gboolean
fl_image_load_many_cached (FlImageCache      *cache,
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
                           GCancellable      *cancellable)
{
  LoadCtx ctx = {
    .names = names, .open_image = open_image, .open_data = open_data, .cache = cache,
    .S = S, .fit = fit, .out = out, .errors = errors,
  };

  g_return_val_if_fail (n >= 0, FALSE);
  g_return_val_if_fail (n == 0 || (names != NULL && out != NULL), FALSE);
  g_return_val_if_fail (S > 0, FALSE);

  if (n == 0)
    return TRUE;
  if (cache != NULL && !fl_image_cache_begin (cache, names, n, S, fit))
    ctx.cache = cache = NULL;
  if (!fl_parallel_for (n, n_threads, load_one, &ctx, progress, user_data, cancellable))
    return FALSE;
  if (cache != NULL)
    fl_image_cache_commit (cache, out);
  return TRUE;
}

/* ---- to float, statistics --------------------------------------------- */

void
fl_image_to_float (float        *out,
                   const guint8 *in,
                   int           n,
                   int           S,
                   const float   mean[3],
                   const float   std[3])
{
  const gsize plane = (gsize) S * S;
  float lut[3][256];

  g_return_if_fail (std[0] > 0 && std[1] > 0 && std[2] > 0);

  /* 256 possible values per channel: compute each once, in double */
  for (int c = 0; c < 3; c++)
    for (int v = 0; v < 256; v++)
      lut[c][v] = (float) ((v / 255.0 - mean[c]) / std[c]);

  for (gsize i = 0; i < (gsize) n; i++)
    for (int c = 0; c < 3; c++)
      {
        const guint8 *src = in + (i * 3 + c) * plane;
        float *dst = out + (i * 3 + c) * plane;
        for (gsize k = 0; k < plane; k++)
          dst[k] = lut[c][src[k]];
      }
}

void
fl_image_channel_stats (const guint8 *images,
                        const gint32 *idx,
                        int           n_idx,
                        int           S,
                        float         mean[3],
                        float         std[3])
{
  const gsize plane = (gsize) S * S;
  /* a histogram per channel: exact counts, and a variance that is exactly
   * 0 for a constant channel */
  guint64 hist[3][256] = { { 0 } };

  for (int j = 0; j < n_idx; j++)
    {
      gsize i = idx != NULL ? (gsize) idx[j] : (gsize) j;
      for (int c = 0; c < 3; c++)
        {
          const guint8 *p = images + (i * 3 + c) * plane;
          for (gsize k = 0; k < plane; k++)
            hist[c][p[k]]++;
        }
    }

  for (int c = 0; c < 3; c++)
    {
      double count = (double) n_idx * (double) plane, m, var = 0.0;
      guint64 sum = 0;

      if (n_idx == 0)
        {
          mean[c] = 0.0f;
          std[c] = 1.0f;
          continue;
        }
      for (int v = 0; v < 256; v++)
        sum += hist[c][v] * (guint64) v;
      /* one correctly rounded division of exact integers: for a constant
       * channel of value v this is the same double as v / 255.0 */
      m = (double) sum / (255.0 * count);
      /* population variance: Σ (x - mean)² / count */
      for (int v = 0; v < 256; v++)
        var += (double) hist[c][v] * (v / 255.0 - m) * (v / 255.0 - m);
      var /= count;
      mean[c] = (float) m;
      std[c] = var > 0.0 ? (float) sqrt (var) : 1.0f;
    }
}

void
fl_image_pixel_mean (float        *out,
                     const guint8 *images,
                     const gint32 *idx,
                     int           n_idx,
                     int           S,
                     const float   mean[3],
                     const float   std[3])
{
  const gsize plane = (gsize) S * S, size = 3 * plane;
  g_autofree guint64 *sum = g_new0 (guint64, size);

  g_return_if_fail (std[0] > 0 && std[1] > 0 && std[2] > 0);

  for (int j = 0; j < n_idx; j++)
    {
      const guint8 *p = images + (idx != NULL ? (gsize) idx[j] : (gsize) j) * size;
      for (gsize k = 0; k < size; k++)
        sum[k] += p[k];
    }
  for (gsize k = 0; k < size; k++)
    {
      int c = (int) (k / plane);
      out[k] = n_idx > 0 ? (float) (((double) sum[k] / (255.0 * n_idx) - mean[c]) / std[c]) : 0.0f;
    }
}
