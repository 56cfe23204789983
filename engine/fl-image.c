/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-image"

#include "fl-image.h"
#include "fl-model.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stb_image.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* No image within the pixel limit needs a bigger file: an uncompressed
 * 50-megapixel RGBA BMP is 200 MB. Refusing larger files keeps n_threads
 * concurrent reads from holding gigabytes. */
#define MAX_FILE_BYTES (256u << 20)

static gboolean
data_error (GError **error, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
data_error (GError **error, const char *path, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;
  g_autofree char *name = g_filename_display_name (path);

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA, "%s: %s", name, msg);
  return FALSE;
}

/* stb_image's failure reasons are terse codes ("outofdata", "bad png sig");
 * say what they mean, and keep the code for whoever debugs it. */
static gboolean
stb_error (GError **error, const char *path)
{
  static const struct { const char *code, *words; } table[] = {
    { "unknown image type", "not an image in a known format (PNG, JPEG, BMP, GIF, TGA)" },
    { "outofdata", "the file is truncated" },
    { "read past buffer", "the file is truncated" },
    { "not enough pixels", "the file is truncated" },
    { "no IDAT", "the file is truncated: it has no image data" },
    { "outofmem", "out of memory" },
    { "too large", "the image is too large to decode" },
    { "bad png sig", "not a PNG file" },
    { "not GIF", "not a GIF file" },
    { "no SOI", "not a JPEG file" },
    { "0-pixel image", "the image has no pixels" },
    { "0 width", "the image has no pixels" },
  };
  const char *code = stbi_failure_reason ();

  if (code == NULL)
    return data_error (error, path, "the image could not be decoded");
  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (code, table[i].code) == 0)
      return data_error (error, path, "%s (stb_image: %s)", table[i].words, code);
  return data_error (error, path, "the image is corrupt or uses an unsupported "
                     "variant of its format (stb_image: %s)", code);
}

/* The size of the open file fd: a regular file of 1 to MAX_FILE_BYTES
 * bytes; 0 with an error otherwise. */
static gsize
file_size (int fd, const char *path, GError **error)
{
  struct stat st;

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      data_error (error, path, "%s", g_strerror (saved));
      return 0;
    }
  if (!S_ISREG (st.st_mode))
    {
      data_error (error, path, "not a regular file");
      return 0;
    }
  if (st.st_size == 0)
    {
      data_error (error, path, "the file is empty");
      return 0;
    }
  if ((guint64) st.st_size > MAX_FILE_BYTES)
    {
      g_autofree char *size_str = g_format_size ((guint64) st.st_size);
      data_error (error, path, "the file is %s, too large for an image", size_str);
      return 0;
    }
  return (gsize) st.st_size;
}

/* Reads size bytes of fd into buf; *got is fewer when the file shrank
 * since fstat (what is there is decoded). */
static gboolean
read_fully (int fd, const char *path, guint8 *buf, gsize size, gsize *got, GError **error)
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
          data_error (error, path, "%s", g_strerror (saved));
          return FALSE;
        }
      if (r == 0)
        break;
      *got += (gsize) r;
    }
  return TRUE;
}

/* Reads the whole file. read(), not mmap(): a file truncated or a drive
 * unplugged under a mapping raises SIGBUS, where read() returns an error.
 * O_NONBLOCK so that a FIFO named like an image cannot hang us before the
 * S_ISREG check. */
static guint8 *
read_file (const char *path, gsize *len, GError **error)
{
  g_autofree guint8 *buf = NULL;
  gsize size, got = 0;
  gboolean ok = FALSE;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

  if (fd < 0)
    {
      int saved = errno;
      data_error (error, path, "%s", g_strerror (saved));
      return NULL;
    }
  size = file_size (fd, path, error);
  if (size > 0)
    {
      buf = g_malloc (size);
      ok = read_fully (fd, path, buf, size, &got, error);
    }
  close (fd);
  if (!ok)
    return NULL;
  if (got == 0)
    {
      data_error (error, path, "the file is empty");
      return NULL;
    }
  *len = got;
  return g_steal_pointer (&buf);
}

/* stb_image's PNG header scan itself fails ("too large") when w·h·channels
 * exceeds 2^30, so for PNG we read the IHDR ourselves to report the size. */
static gboolean
png_header_size (const guint8 *p, gsize len, guint32 *w, guint32 *h)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  /* signature, then the IHDR chunk: length (4), "IHDR", width, height */
  if (len < 24 || memcmp (p, sig, 8) != 0 || memcmp (p + 12, "IHDR", 4) != 0)
    return FALSE;
  *w = (guint32) p[16] << 24 | (guint32) p[17] << 16 | (guint32) p[18] << 8 | p[19];
  *h = (guint32) p[20] << 24 | (guint32) p[21] << 16 | (guint32) p[22] << 8 | p[23];
  return TRUE;
}

static gboolean
check_size (const char *path, guint64 w, guint64 h, GError **error)
{
  if (w == 0 || h == 0)
    return data_error (error, path, "the image has no pixels");
  if (w * h > FL_IMAGE_MAX_PIXELS)
    return data_error (error, path, "image is %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT
                       " pixels, larger than the %d-megapixel limit",
                       w, h, FL_IMAGE_MAX_PIXELS / 1000000);
  if (w > FL_IMAGE_MAX_SIDE || h > FL_IMAGE_MAX_SIDE)
    return data_error (error, path, "image is %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT
                       " pixels, wider or taller than the %d-pixel limit",
                       w, h, FL_IMAGE_MAX_SIDE);
  return TRUE;
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

/* For each of the out positions, the two source indices and the weight of
 * the second, as in PyTorch's upsample_bilinear2d with align_corners=False:
 *   src = max((dst + 0.5)·in/out - 0.5, 0); i0 = ⌊src⌋; i1 = min(i0 + 1, in - 1)
 *   value = (1 - λ)·x[i0] + λ·x[i1], λ = src - i0
 * (at the far edge i1 = i0, so the weight is moot and the edge pixel repeats). */
static void
bilinear_taps (int *i0, int *i1, float *lambda, int in, int out)
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

/* pix is (h,w,comp) interleaved; out is (3,S,S) planar. */
static void
resize_to_chw (guint8 *out, const guint8 *pix, int w, int h, int comp, int S)
{
  g_autofree int *x0 = g_new (int, S), *x1 = g_new (int, S);
  g_autofree int *y0 = g_new (int, S), *y1 = g_new (int, S);
  g_autofree float *lx = g_new (float, S), *ly = g_new (float, S);
  const gsize plane = (gsize) S * S;
  const gsize stride = (gsize) w * comp;

  bilinear_taps (x0, x1, lx, w, S);
  bilinear_taps (y0, y1, ly, h, S);

  for (int y = 0; y < S; y++)
    {
      const guint8 *r0 = pix + y0[y] * stride, *r1 = pix + y1[y] * stride;
      for (int x = 0; x < S; x++)
        {
          float p00[3], p01[3], p10[3], p11[3];

          fetch_rgb (p00, r0 + (gsize) x0[x] * comp, comp);
          fetch_rgb (p01, r0 + (gsize) x1[x] * comp, comp);
          fetch_rgb (p10, r1 + (gsize) x0[x] * comp, comp);
          fetch_rgb (p11, r1 + (gsize) x1[x] * comp, comp);
          for (int c = 0; c < 3; c++)
            {
              float v = (1.0f - ly[y]) * ((1.0f - lx[x]) * p00[c] + lx[x] * p01[c]) +
                        ly[y] * ((1.0f - lx[x]) * p10[c] + lx[x] * p11[c]);
              /* round to nearest, halves up; v is within [0, 255] up to rounding */
              out[c * plane + (gsize) y * S + x] = (guint8) CLAMP ((int) (v + 0.5f), 0, 255);
            }
        }
    }
}

gboolean
fl_image_load (const char *path, int S, guint8 *out, GError **error)
{
  g_autofree guint8 *data = NULL;
  gsize len = 0;
  int w = 0, h = 0, comp = 0;
  guint32 pw, ph;
  stbi_uc *pix;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (S > 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = read_file (path, &len, error);
  if (data == NULL)
    return FALSE;

  /* the header alone, before anything is allocated for the pixels */
  if (!stbi_info_from_memory (data, (int) len, &w, &h, &comp))
    {
      if (png_header_size (data, len, &pw, &ph) && !check_size (path, pw, ph, error))
        return FALSE;
      return stb_error (error, path);
    }
  if (!check_size (path, (guint64) w, (guint64) h, error))
    return FALSE;

  pix = stbi_load_from_memory (data, (int) len, &w, &h, &comp, 0);
  if (pix == NULL)
    return stb_error (error, path);
  /* the decoder agrees with the header for every format we know, but the
   * limits must hold for what was actually decoded */
  if (comp < 1 || comp > 4 || !check_size (path, (guint64) w, (guint64) h, error))
    {
      if (comp < 1 || comp > 4)
        data_error (error, path, "unsupported number of channels (%d)", comp);
      stbi_image_free (pix);
      return FALSE;
    }

  resize_to_chw (out, pix, w, h, comp, S);
  stbi_image_free (pix);
  return TRUE;
}

/* ---- many images in parallel ------------------------------------------ */

typedef struct {
  const char *const *paths;
  int                n;
  int                S;
  guint8            *out;
  GError           **errors;
  GCancellable      *cancellable;
  FlProgressFunc     progress;
  gpointer           user_data;
  gint64             step;       /* report every step images */

  gint               next;       /* atomic: the next index to take */
  gint               done;       /* atomic: images finished */
  GMutex             lock;       /* serialises progress calls */
  gint64             reported;   /* the last done passed to progress */
} LoadCtx;

static void
report_progress (LoadCtx *ctx, gint64 done)
{
  g_mutex_lock (&ctx->lock);
  if (done > ctx->reported)
    {
      ctx->reported = done;
      ctx->progress (done, ctx->n, ctx->user_data);
    }
  g_mutex_unlock (&ctx->lock);
}

static gpointer
load_worker (gpointer data)
{
  LoadCtx *ctx = data;
  const gsize slot = (gsize) 3 * ctx->S * ctx->S;

  while (!g_cancellable_is_cancelled (ctx->cancellable))
    {
      int i = g_atomic_int_add (&ctx->next, 1);
      GError *local = NULL;
      gint64 done;

      if (i >= ctx->n)
        break;
      if (!fl_image_load (ctx->paths[i], ctx->S, ctx->out + i * slot, &local))
        {
          memset (ctx->out + i * slot, 0, slot);
          if (ctx->errors != NULL)
            ctx->errors[i] = local;
          else
            g_error_free (local);
        }
      done = g_atomic_int_add (&ctx->done, 1) + 1;
      if (ctx->progress != NULL && (done % ctx->step == 0 || done == ctx->n))
        report_progress (ctx, done);
    }
  return NULL;
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
  LoadCtx ctx = {
    .paths = paths, .n = n, .S = S, .out = out, .errors = errors,
    .cancellable = cancellable, .progress = progress, .user_data = user_data,
    .step = MAX (1, n / 100),
  };
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();

  g_return_val_if_fail (n >= 0, FALSE);
  g_return_val_if_fail (n == 0 || (paths != NULL && out != NULL), FALSE);
  g_return_val_if_fail (S > 0, FALSE);

  if (n == 0)
    return TRUE;
  if (n_threads <= 0)
    n_threads = (int) g_get_num_processors ();
  n_threads = CLAMP (n_threads, 1, n);

  g_mutex_init (&ctx.lock);
  /* the calling thread is one of the workers; if the system refuses more
   * threads, fewer do the work */
  for (int t = 1; t < n_threads; t++)
    {
      GThread *th = g_thread_try_new ("fl-image-load", load_worker, &ctx, NULL);
      if (th == NULL)
        break;
      g_ptr_array_add (threads, th);
    }
  load_worker (&ctx);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (threads->pdata[t]);
  g_mutex_clear (&ctx.lock);

  return g_atomic_int_get (&ctx.done) == n;
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
