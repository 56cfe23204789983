/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-image"

#include "fl-image-decode.h"
#include "fl-image.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>   /* before jpeglib.h, which uses FILE */
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

/* After the last row of a PNG, libpng still inflates what is left of the
 * compressed stream to check that it ends; a bomb puts hundreds of
 * megabytes there (deflate expands up to 1032×). A real file has a few
 * bytes left (the stream's end code and checksum, a chunk's CRC): past
 * this many, it is refused, so that at most about (8 KiB libpng holds +
 * this) × 1032 bytes are ever inflated beyond the image. */
#define PNG_MAX_TAIL 4096
/* No chunk we keep (PLTE, tRNS) needs more; the others are skipped.
 * libpng also refuses, through this limit, an IDAT chunk longer than both
 * it and what the declared image could need compressed. */
#define PNG_MAX_CHUNK (64u << 10)
/* A progressive JPEG of a thousand scans makes libjpeg decode the image a
 * thousand times; real encoders write at most a few dozen. */
#define JPEG_MAX_SCANS 500

gboolean
fl_image_fail (GError **error, const char *name, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;
  g_autofree char *shown = g_filename_display_name (name);

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA, "%s: %s", shown, msg);
  return FALSE;
}

int
fl_image_open_path (const char *path,
                    GError    **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);

  if (fd < 0)
    {
      int saved = errno;
      fl_image_fail (error, path, "%s", g_strerror (saved));
    }
  return fd;
}

gboolean
fl_image_check_size (const char *name, guint64 w, guint64 h, GError **error)
{
  if (w == 0 || h == 0)
    return fl_image_fail (error, name, _("the image has no pixels"));
  if (w * h > FL_IMAGE_MAX_PIXELS)
    return fl_image_fail (error, name, _("image is %llu×%llu"
                          " pixels, larger than the %d-megapixel limit"),
                          (unsigned long long) w, (unsigned long long) h, FL_IMAGE_MAX_PIXELS / 1000000);
  if (w > FL_IMAGE_MAX_SIDE || h > FL_IMAGE_MAX_SIDE)
    return fl_image_fail (error, name, _("image is %llu×%llu"
                          " pixels, wider or taller than the %d-pixel limit"),
                          (unsigned long long) w, (unsigned long long) h, FL_IMAGE_MAX_SIDE);
  return TRUE;
}

static guint32
be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* ---- PNG: libpng ---------------------------------------------------------- */

typedef struct {
  const guint8 *data;
  gsize         len, pos;
  guint32       height;      /* from the IHDR */
  gsize         tail;        /* bytes read after the last row */
  char          msg[256];    /* libpng's reason for failing */
  FlPixels      px;
  png_bytep    *rows;
} PngRead;

static void
png_error_cb (png_structp png, png_const_charp msg)
{
  PngRead *r = png_get_error_ptr (png);

  g_strlcpy (r->msg, msg, sizeof r->msg);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp msg)
{
  /* the engine never prints; what matters is an error */
}

/* libpng reads the file through here, from memory. Once the row counter
 * has passed the last row (or the seventh pass of an interlaced image),
 * libpng is only draining the compressed stream: that is the tail. */
static void
png_read_cb (png_structp png, png_bytep out, size_t n)
{
  PngRead *r = png_get_io_ptr (png);

  if (png_get_current_pass_number (png) >= 7 || png_get_current_row_number (png) >= r->height)
    {
      r->tail += n;
      if (r->tail > PNG_MAX_TAIL)
        png_error (png, "the compressed image data goes on past the end of the image "
                   "(a decompression bomb?)");
    }
  if (n > r->len - r->pos)
    png_error (png, "the file is truncated");
  memcpy (out, r->data + r->pos, n);
  r->pos += n;
}

/* Whether every chunk fits in the file, up to IEND. The rows are read
 * without png_read_end() (which would inflate whatever follows them), so
 * this is how a file cut after its pixels is still found truncated. */
static gboolean
png_chunks_complete (const guint8 *p, gsize len)
{
  gsize off = 8;

  while (len - off >= 12)
    {
      guint32 n = be32 (p + off);
      if (n > 0x7fffffffu || n > len - off - 12)
        return FALSE;
      if (memcmp (p + off + 4, "IEND", 4) == 0)
        return TRUE;
      off += 12 + (gsize) n;
    }
  return FALSE;
}

/* Runs libpng; everything it allocates for us is in r, for the caller to
 * free whether or not this returns TRUE. */
static gboolean
png_run (png_structp png, png_infop info, PngRead *r)
{
  gsize rowbytes;

  if (setjmp (png_jmpbuf (png)))
    return FALSE;
  png_set_read_fn (png, r, png_read_cb);
  png_set_user_limits (png, FL_IMAGE_MAX_SIDE, FL_IMAGE_MAX_SIDE);
  png_set_chunk_malloc_max (png, PNG_MAX_CHUNK);
  /* libpng's "benign" errors include "Too much image data": errors here */
  png_set_benign_errors (png, 0);
  /* every ancillary chunk but tRNS is skipped unread: text, ICC profiles
   * and private chunks are nothing we use, only more to parse */
  png_set_keep_unknown_chunks (png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
  png_read_info (png, info);

  /* palettes to RGB, grey below 8 bits to 8, tRNS to alpha; 16 bits keep
   * their high byte, as stb_image did */
  png_set_expand (png);
  png_set_strip_16 (png);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);

  r->px.w = (int) png_get_image_width (png, info);
  r->px.h = (int) png_get_image_height (png, info);
  r->px.comp = png_get_channels (png, info);
  rowbytes = png_get_rowbytes (png, info);
  if (r->px.comp < 1 || r->px.comp > 4 || rowbytes != (gsize) r->px.w * r->px.comp)
    png_error (png, "unsupported pixel layout");
  /* the declared size, checked against the limits, and no more */
  r->px.pix = g_malloc (rowbytes * r->px.h);
  r->rows = g_new (png_bytep, r->px.h);
  for (int y = 0; y < r->px.h; y++)
    r->rows[y] = r->px.pix + (gsize) y * rowbytes;
  png_read_image (png, r->rows);
  return TRUE;
}

static gboolean
decode_png (const guint8 *data, gsize len, const char *name, FlPixels *out, GError **error)
{
  PngRead r = { .data = data, .len = len };
  png_structp png;
  png_infop info = NULL;
  gboolean ok;

  /* the signature, then the IHDR chunk: length (4), "IHDR", width, height */
  if (len < 24 || memcmp (data + 12, "IHDR", 4) != 0)
    return fl_image_fail (error, name, _("the file is truncated"));
  if (!fl_image_check_size (name, be32 (data + 16), be32 (data + 20), error))
    return FALSE;
  if (!png_chunks_complete (data, len))
    return fl_image_fail (error, name, _("the file is truncated"));
  r.height = be32 (data + 20);

  png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &r, png_error_cb, png_warning_cb);
  if (png != NULL)
    info = png_create_info_struct (png);
  ok = info != NULL && png_run (png, info, &r);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (r.rows);
  if (!ok)
    {
      g_free (r.px.pix);
      return fl_image_fail (error, name, _("the PNG is corrupt (libpng: %s)"),
                            r.msg[0] ? r.msg : _("out of memory"));
    }
  *out = r.px;
  return TRUE;
}

/* ---- JPEG: libjpeg-turbo ------------------------------------------------- */

typedef struct {
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr         err;
  struct jpeg_progress_mgr      progress;
  jmp_buf                       jmp;
  char                          msg[JMSG_LENGTH_MAX];
  const char                   *name;
  GError                      **error;
  int                           min_side;
  FlPixels                      px;
} JpegRead;

/* libjpeg's default error_exit() calls exit(): longjmp back instead. */
static void
jpeg_error_exit_cb (j_common_ptr cinfo)
{
  JpegRead *j = cinfo->client_data;

  cinfo->err->format_message (cinfo, j->msg);
  longjmp (j->jmp, 1);
}

/* Warnings (level -1) are corrupt data that libjpeg works around. Most
 * are harmless (cameras leave stray bytes before markers), but a premature
 * end of file means the rest of the picture is invented grey: that file is
 * truncated, as a cut PNG is. */
static void
jpeg_emit_cb (j_common_ptr cinfo, int level)
{
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF)
    jpeg_error_exit_cb (cinfo);
}

static void
jpeg_progress_cb (j_common_ptr cinfo)
{
  JpegRead *j = cinfo->client_data;

  if (j->cinfo.input_scan_number > JPEG_MAX_SCANS)
    {
      g_snprintf (j->msg, sizeof j->msg, "more than %d scans", JPEG_MAX_SCANS);
      longjmp (j->jmp, 1);
    }
}

/* The largest DCT-domain reduction (num/8, libjpeg-turbo's scaled IDCTs)
 * that keeps both sides ≥ min_side, so that the bilinear resize after it
 * still has at least S source pixels per axis. It skips most of the IDCT
 * and colour conversion work: a 4000×3000 photo for S = 64 decodes at 1/8. */
static void
jpeg_pick_scale (struct jpeg_decompress_struct *ci, int min_side)
{
  ci->scale_denom = 8;
  for (unsigned num = min_side > 0 ? 1 : 8; num <= 8; num++)
    {
      ci->scale_num = num;
      jpeg_calc_output_dimensions (ci);
      if (num == 8 ||
          (ci->output_width >= (unsigned) min_side && ci->output_height >= (unsigned) min_side))
        return;
    }
}

/* CMYK as Adobe writes it (inverted, which is what libjpeg hands back for
 * CMYK and YCCK alike) to RGB in place: R = C·K/255, rounded as stb_image
 * did. */
static void
cmyk_to_rgb (guint8 *pix, gsize n)
{
  for (gsize i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      {
        unsigned t = (unsigned) pix[4 * i + c] * pix[4 * i + 3] + 128;
        pix[3 * i + c] = (guint8) ((t + (t >> 8)) >> 8);
      }
}

static gboolean
jpeg_read_pixels (JpegRead *j)
{
  struct jpeg_decompress_struct *ci = &j->cinfo;
  const gsize stride = (gsize) ci->output_width * ci->output_components;

  j->px.w = (int) ci->output_width;
  j->px.h = (int) ci->output_height;
  j->px.comp = ci->output_components;
  j->px.pix = g_malloc (stride * j->px.h);
  while (ci->output_scanline < ci->output_height)
    {
      JSAMPROW rows[8];
      unsigned n = MIN (8u, ci->output_height - ci->output_scanline);
      for (unsigned k = 0; k < n; k++)
        rows[k] = j->px.pix + (gsize) (ci->output_scanline + k) * stride;
      jpeg_read_scanlines (ci, rows, n);
    }
  if (j->px.comp == 4)
    {
      cmyk_to_rgb (j->px.pix, (gsize) j->px.w * j->px.h);
      j->px.comp = 3;
    }
  return TRUE;
}

/* Runs libjpeg on data; j->px holds what it allocated, for the caller to
 * free. FALSE with j->msg set, or with *j->error set for a size refusal. */
static gboolean
jpeg_run (JpegRead *j, const guint8 *data, gsize len)
{
  struct jpeg_decompress_struct *ci = &j->cinfo;

  if (setjmp (j->jmp))
    return FALSE;
  jpeg_create_decompress (ci);
  ci->progress = &j->progress;
  jpeg_mem_src (ci, data, (unsigned long) len);
  jpeg_read_header (ci, TRUE);
  /* before anything is allocated for the pixels; j->msg stays empty, as
   * the error is set */
  if (!fl_image_check_size (j->name, ci->image_width, ci->image_height, j->error))
    return FALSE;
  /* a progressive file keeps every coefficient (2 bytes each): the
   * declared size allows that and 32 MiB more; past it libjpeg, which has
   * no backing store here, fails instead of allocating */
  ci->mem->max_memory_to_use =
    (long) ((gsize) ci->image_width * ci->image_height * ci->num_components * 2 + (32u << 20));
  if (ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK)
    ci->out_color_space = JCS_CMYK;
  else if (ci->num_components == 1)
    ci->out_color_space = JCS_GRAYSCALE;
  else
    ci->out_color_space = JCS_RGB;
  jpeg_pick_scale (ci, j->min_side);
  jpeg_start_decompress (ci);
  /* no jpeg_finish_decompress(): nothing after the last row is needed */
  return jpeg_read_pixels (j);
}

static gboolean
decode_jpeg (const guint8 *data, gsize len, const char *name, int min_side,
             FlPixels *out, GError **error)
{
  g_autofree JpegRead *j = g_new0 (JpegRead, 1);
  gboolean ok;

  j->name = name;
  j->error = error;
  j->min_side = min_side;
  j->cinfo.err = jpeg_std_error (&j->err);
  j->err.error_exit = jpeg_error_exit_cb;
  j->err.emit_message = jpeg_emit_cb;
  j->progress.progress_monitor = jpeg_progress_cb;
  /* jpeg_create_decompress() keeps err and client_data */
  j->cinfo.client_data = j;
  ok = jpeg_run (j, data, len);
  jpeg_destroy_decompress (&j->cinfo);
  if (!ok)
    {
      g_free (j->px.pix);
      if (j->msg[0] == '\0')
        return FALSE;
      return fl_image_fail (error, name, _("%s (libjpeg: %s)"),
                            strstr (j->msg, "Premature end") != NULL ? _("the file is truncated")
                            : _("the JPEG is corrupt"), j->msg);
    }
  *out = j->px;
  return TRUE;
}

/* ---- by format ------------------------------------------------------------ */

gboolean
fl_image_decode_pixels (const guint8 *data,
                        gsize         len,
                        const char   *name,
                        int           min_side,
                        FlPixels     *out,
                        GError      **error)
{
  static const guint8 png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 jpeg_soi[3] = { 0xff, 0xd8, 0xff };

  g_return_val_if_fail (data != NULL && name != NULL && out != NULL, FALSE);

  if (len == 0)
    return fl_image_fail (error, name, _("the file is empty"));
  /* by content, never by the file's extension */
  if (len >= 8 && memcmp (data, png_sig, 8) == 0)
    return decode_png (data, len, name, out, error);
  if (len >= 3 && memcmp (data, jpeg_soi, 3) == 0)
    return decode_jpeg (data, len, name, min_side, out, error);
  return fl_image_decode_stb (data, len, name, out, error);
}
