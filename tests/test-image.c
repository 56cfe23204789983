/* SPDX-License-Identifier: MIT
 *
 * Image decoding: bad files, the size guard, hostile files (a PNG
 * decompression bomb, a truncated TGA, a JPEG Huffman table too long for
 * stb_image), alpha and grey, the bilinear resize against hand-computed
 * values, every format stb writes and the PNG variants libpng expands,
 * GIF's first frame, JPEG's DCT-domain scaling against a full decode,
 * parallel loading with a bad file and cancellation, and the normalisation
 * statistics.
 *
 * Test images are made here with stb_image_write (libstb, which only the
 * tests link) or written byte by byte, compressed with zlib; the GIF is
 * embedded, generated once by tools/make-test-gif.py.
 */
#define G_LOG_DOMAIN "test-image"

#include "fl-image.h"
#include "fl-model.h"
#include "fl-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stb_image_write.h>
#include <stdio.h>   /* before jpeglib.h */
#include <string.h>
#include <sys/resource.h>
#include <jpeglib.h>
#include <zlib.h>

/* tools/make-test-gif.py: 2x2, frame 1 red green / blue white, frame 2 black */
static const guint8 two_frame_gif[112] = {
  0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x02, 0x00, 0x02, 0x00, 0x81, 0x00,
  0x00, 0xff, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
  0xff, 0x21, 0xff, 0x0b, 0x4e, 0x45, 0x54, 0x53, 0x43, 0x41, 0x50, 0x45,
  0x32, 0x2e, 0x30, 0x03, 0x01, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x00,
  0x0a, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02,
  0x00, 0x00, 0x08, 0x07, 0x00, 0x01, 0x04, 0x10, 0x30, 0x20, 0x20, 0x00,
  0x21, 0xf9, 0x04, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00,
  0x00, 0x02, 0x00, 0x02, 0x00, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x06, 0x00, 0x01, 0x08, 0x04,
  0x10, 0x10, 0x00, 0x3b,
};

/* ---- a scratch folder --------------------------------------------------- */

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static char *
write_bytes (const char *name, const void *data, gsize len)
{
  char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;

  /* no fsync: the truncation test writes hundreds of files */
  g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  return path;
}

static void
append_cb (void *context, void *data, int size)
{
  g_byte_array_append (context, data, (guint) size);
}

typedef enum { FMT_PNG, FMT_BMP, FMT_TGA, FMT_JPG } Fmt;

/* pixels is (h,w,comp) interleaved. */
static GByteArray *
encode (Fmt fmt, int w, int h, int comp, const guint8 *pixels)
{
  GByteArray *buf = g_byte_array_new ();
  int ok = 0;

  switch (fmt)
    {
    case FMT_PNG: ok = stbi_write_png_to_func (append_cb, buf, w, h, comp, pixels, w * comp); break;
    case FMT_BMP: ok = stbi_write_bmp_to_func (append_cb, buf, w, h, comp, pixels); break;
    case FMT_TGA: ok = stbi_write_tga_to_func (append_cb, buf, w, h, comp, pixels); break;
    case FMT_JPG: ok = stbi_write_jpg_to_func (append_cb, buf, w, h, comp, pixels, 100); break;
    }
  g_assert_true (ok);
  return buf;
}

static char *
write_image (const char *name, Fmt fmt, int w, int h, int comp, const guint8 *pixels)
{
  g_autoptr(GByteArray) buf = encode (fmt, w, h, comp, pixels);
  return write_bytes (name, buf->data, buf->len);
}

/* Loads path at size S, which must fail with a FL_ENGINE_ERROR_DATA whose
 * message contains each of the NULL-terminated fragments. out is untouched. */
static void
assert_load_fails (const char *path, int S, ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *out = g_malloc (3 * S * S);
  g_autofree char *base = g_path_get_basename (path);
  const char *frag;
  va_list args;

  memset (out, 0x5a, 3 * S * S);
  g_assert_false (fl_image_load (path, S, out, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, base));
  va_start (args, S);
  while ((frag = va_arg (args, const char *)) != NULL)
    g_assert_nonnull (strstr (error->message, frag));
  va_end (args);
  for (int i = 0; i < 3 * S * S; i++)
    g_assert_cmpuint (out[i], ==, 0x5a);
}

/* ---- bad files ---------------------------------------------------------- */

static void
test_empty_file (void)
{
  g_autofree char *path = write_bytes ("empty.png", "", 0);
  assert_load_fails (path, 4, "empty", NULL);
}

static void
test_missing_file (void)
{
  g_autofree char *path = tmp_path ("no-such-file.png");
  g_autofree char *dir = tmp_path ("a-folder.png");

  assert_load_fails (path, 4, "No such file", NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  assert_load_fails (dir, 4, "not a regular file", NULL);
}

static void
test_text_named_png (void)
{
  const char text[] = "image,text,label\ncat.png,a cat,cat\n";
  g_autofree char *path = write_bytes ("notes.png", text, sizeof text - 1);
  assert_load_fails (path, 4, "not an image in a known format", NULL);
}

static void
test_truncated_png (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  guint8 pix[16 * 16 * 3];
  g_autoptr(GByteArray) png = NULL;
  g_autofree char *half = NULL;

  /* noise, so that the compressed data is long */
  for (gsize i = 0; i < sizeof pix; i++)
    pix[i] = (guint8) g_rand_int_range (rng, 0, 256);
  png = encode (FMT_PNG, 16, 16, 3, pix);
  g_assert_cmpuint (png->len, >, 200);

  half = write_bytes ("half.png", png->data, png->len / 2);
  assert_load_fails (half, 4, "truncated", NULL);

  /* every cut before the final IEND chunk (12 bytes) fails cleanly */
  for (guint len = 1; len + 12 <= png->len; len++)
    {
      g_autofree char *path = write_bytes ("cut.png", png->data, len);
      g_autoptr(GError) error = NULL;
      guint8 out[3 * 4 * 4];

      g_assert_false (fl_image_load (path, 4, out, &error));
      g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
    }
}

/* ---- the size guard ----------------------------------------------------- */

static guint32
crc32_png (const guint8 *p, gsize n)
{
  guint32 c = 0xffffffffu;
  for (gsize i = 0; i < n; i++)
    {
      c ^= p[i];
      for (int k = 0; k < 8; k++)
        c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
  return c ^ 0xffffffffu;
}

static void
put_be32 (GByteArray *b, guint32 v)
{
  guint8 x[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (b, x, 4);
}

static void
put_chunk (GByteArray *b, const char *type, const guint8 *data, guint32 len)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();

  g_byte_array_append (body, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (body, data, len);
  put_be32 (b, len);
  g_byte_array_append (b, body->data, body->len);
  put_be32 (b, crc32_png (body->data, body->len));
}

typedef struct {
  guint32       w, h;
  guint8        depth, colour, interlace;
  const guint8 *plte, *trns;      /* chunk bodies, or NULL */
  guint32       plte_len, trns_len;
  guint32       idat_max;         /* split the data in IDATs of this size (0: one) */
} PngHeader;

/* A PNG of the header hd whose IDAT holds the zlib stream z[0..z_len):
 * what a decoder sees, whatever an encoder would have written. */
static char *
write_png_raw (const char *name, const PngHeader *hd, const guint8 *z, gsize z_len)
{
  static const guint8 sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GByteArray) ihdr = g_byte_array_new ();
  guint8 tail[5] = { hd->depth, hd->colour, 0, 0, hd->interlace };

  g_byte_array_append (b, sig, 8);
  put_be32 (ihdr, hd->w);
  put_be32 (ihdr, hd->h);
  g_byte_array_append (ihdr, tail, 5);
  put_chunk (b, "IHDR", ihdr->data, ihdr->len);
  if (hd->plte != NULL)
    put_chunk (b, "PLTE", hd->plte, hd->plte_len);
  if (hd->trns != NULL)
    put_chunk (b, "tRNS", hd->trns, hd->trns_len);
  for (gsize off = 0, n; off < z_len; off += n)
    {
      n = hd->idat_max > 0 ? MIN (hd->idat_max, z_len - off) : z_len;
      put_chunk (b, "IDAT", z + off, (guint32) n);
    }
  put_chunk (b, "IEND", NULL, 0);
  return write_bytes (name, b->data, b->len);
}

/* write_png_raw() with raw[0..len) (filter bytes and pixels) compressed. */
static char *
write_png_rows (const char *name, const PngHeader *hd, const guint8 *raw, gsize len)
{
  uLongf z_len = compressBound (len);
  g_autofree guint8 *z = g_malloc (z_len);

  g_assert_cmpint (compress2 (z, &z_len, raw, len, 9), ==, Z_OK);
  return write_png_raw (name, hd, z, z_len);
}

/* A well-formed PNG header for a w×h RGB image, with one small IDAT (a
 * stored zlib block of 8 zero bytes) and IEND: all a decoder needs to start
 * allocating w·h·3 bytes. */
static char *
write_png_header (const char *name, guint32 w, guint32 h)
{
  /* zlib: CMF/FLG, stored final block of LEN 8 / NLEN ~8, data, adler32(8
   * zeros) = 0x00080001 */
  static const guint8 idat[] = { 0x78, 0x01, 0x01, 0x08, 0x00, 0xf7, 0xff,
                                 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x00, 0x01 };
  PngHeader hd = { .w = w, .h = h, .depth = 8, .colour = 2 };

  return write_png_raw (name, &hd, idat, sizeof idat);
}

static void
test_crc (void)
{
  /* the IEND chunk's CRC every PNG ends with */
  g_assert_cmphex (crc32_png ((const guint8 *) "IEND", 4), ==, 0xae426082);
}

static void
test_huge_png_refused (void)
{
  g_autofree char *huge = write_png_header ("photo.png", 100000, 100000);
  g_autofree char *wide = write_png_header ("wide.png", 20000, 10);
  g_autofree char *big = write_png_header ("big.png", 7500, 7000);
  g_autoptr(GTimer) timer = g_timer_new ();

  /* stb's own header scan rejects 100000² (over 2^30 bytes), so the size
   * comes from our IHDR reader; 20000×10 and 7500×7000 pass stb's scan and
   * are refused by our limits. Either way, before any pixel buffer. */
  assert_load_fails (huge, 8, "image is 100000×100000 pixels, larger than the 50-megapixel limit", NULL);
  assert_load_fails (wide, 8, "image is 20000×10 pixels, wider or taller than the 16384-pixel limit", NULL);
  assert_load_fails (big, 8, "image is 7500×7000 pixels, larger than the 50-megapixel limit", NULL);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 1.0);
}

static void
test_huge_bmp_refused (void)
{
  /* BITMAPFILEHEADER (14 bytes) + BITMAPINFOHEADER (40), 24 bits, no data */
  guint8 bmp[54] = { 'B', 'M' };
  g_autofree char *path = NULL;

  bmp[10] = 54;            /* offset of the pixels */
  bmp[14] = 40;            /* header size */
  bmp[18] = 0xa0; bmp[19] = 0x86; bmp[20] = 0x01;   /* width 100000 = 0x186a0 */
  bmp[22] = 0xa0; bmp[23] = 0x86; bmp[24] = 0x01;   /* height 100000 */
  bmp[26] = 1;             /* planes */
  bmp[28] = 24;            /* bits per pixel */
  path = write_bytes ("huge.bmp", bmp, sizeof bmp);
  assert_load_fails (path, 8, "image is 100000×100000 pixels", NULL);
}

/* ---- hostile files -------------------------------------------------------- */

static glong
max_rss_kib (void)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &ru), ==, 0);
  return ru.ru_maxrss;
}

/* A zlib stream of n_mib MiB of zeros, made of one deflated MiB repeated:
 * after a full flush a segment refers to nothing before it, so every copy
 * decodes alike, and the bomb is built without deflating n_mib MiB here. */
static GByteArray *
zeros_zlib (int n_mib)
{
  g_autofree guint8 *mib = g_malloc0 (1 << 20);
  g_autofree guint8 *seg = g_malloc (1 << 16);
  GByteArray *z = g_byte_array_new ();
  const guint8 head[2] = { 0x78, 0xda }, end[2] = { 0x03, 0x00 };  /* final empty block */
  z_stream zs = { 0 };
  gsize seg_len;
  guint64 n = (guint64) n_mib << 20;
  /* adler32 of n zeros: a stays 1, b grows by 1 a byte */
  guint32 adler = (guint32) (n % 65521) << 16 | 1;
  guint8 adler_be[4] = { adler >> 24, adler >> 16, adler >> 8, adler };

  g_assert_cmpint (deflateInit2 (&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), ==, Z_OK);
  zs.next_in = mib;
  zs.avail_in = 1 << 20;
  zs.next_out = seg;
  zs.avail_out = 1 << 16;
  g_assert_cmpint (deflate (&zs, Z_FULL_FLUSH), ==, Z_OK);
  g_assert_cmpuint (zs.avail_in, ==, 0);
  seg_len = (1 << 16) - zs.avail_out;
  deflateEnd (&zs);

  g_byte_array_append (z, head, 2);
  for (int i = 0; i < n_mib; i++)
    g_byte_array_append (z, seg, (guint) seg_len);
  g_byte_array_append (z, end, 2);
  g_byte_array_append (z, adler_be, 4);
  return z;
}

/* Loads the bomb in path, which must be refused with reason, quickly and
 * without the process's memory growing by anything like the bomb. */
static void
assert_bomb_refused (const char *path, const char *reason)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  glong rss = max_rss_kib ();

  assert_load_fails (path, 4, reason, NULL);
  g_test_message ("refused in %.3f s", g_timer_elapsed (timer, NULL));
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 1.0);
  /* the high-water mark of the whole process */
  g_assert_cmpint (max_rss_kib () - rss, <, 64 << 10);
}

static void
test_png_bomb (void)
{
  /* declares 1×1 RGB (4 bytes of rows: a filter byte and a pixel), and its
   * IDAT, about 520 KB, inflates to 512 MiB: stb_image inflated it all,
   * doubling its buffer to 1 GiB. libpng reads the one row into a buffer of
   * the declared size and no more. */
  g_autoptr(GByteArray) z = zeros_zlib (512);
  PngHeader hd = { .w = 1, .h = 1, .depth = 8, .colour = 2 };
  g_autofree char *one = write_png_raw ("bomb.png", &hd, z->data, z->len);
  g_autofree char *split = NULL;

  g_test_message ("bomb: %u bytes", z->len);
  g_assert_cmpuint (z->len, <, 600 << 10);
  /* one IDAT: libpng refuses a chunk far longer than the declared image
   * could need (a benign error, made an error here) */
  assert_bomb_refused (one, "chunk data is too large");
  /* in 8 KiB IDATs, as libpng itself writes them: past the one row, the
   * stream is refused a few KiB in, not inflated to its end */
  hd.idat_max = 8192;
  split = write_png_raw ("bomb-split.png", &hd, z->data, z->len);
  assert_bomb_refused (split, "decompression bomb");
}

static void
test_png_extra_data (void)
{
  /* the rows of a 1×1 RGB image, then 100 bytes more in the same stream:
   * well within what is read past the image, but still too much data,
   * which libpng only warns about unless told otherwise */
  guint8 raw[4 + 100] = { 0 };
  PngHeader hd = { .w = 1, .h = 1, .depth = 8, .colour = 2 };
  g_autofree char *extra = write_png_rows ("extra.png", &hd, raw, sizeof raw);
  g_autofree char *exact = write_png_rows ("exact.png", &hd, raw, 4);
  guint8 out[3 * 2 * 2];
  g_autoptr(GError) error = NULL;

  assert_load_fails (extra, 2, "Too much image data", NULL);
  g_assert_true (fl_image_load (exact, 2, out, &error));
  g_assert_no_error (error);
}

static void
test_truncated_tga (void)
{
  /* uncompressed true-colour TGA, 8×8 at 24 bits: 18 + 192 bytes, cut to
   * 18 + 96. stb_image 2.27 ignores the short read and hands back half a
   * picture of uninitialised heap (CVE-2023-45663). */
  guint8 tga[18 + 8 * 8 * 3] = { 0 };
  g_autofree char *cut = NULL, *whole = NULL;

  tga[2] = 2;                  /* uncompressed true colour */
  tga[12] = 8; tga[14] = 8;    /* width, height */
  tga[16] = 24;                /* bits per pixel */
  tga[17] = 0x20;              /* top-left origin */
  memset (tga + 18, 0x80, sizeof tga - 18);
  cut = write_bytes ("cut.tga", tga, 18 + 96);
  assert_load_fails (cut, 4, "truncated", NULL);

  /* the whole file decodes: grey 128 */
  whole = write_bytes ("whole.tga", tga, sizeof tga);
  {
    g_autoptr(GError) error = NULL;
    guint8 out[3 * 4 * 4];

    g_assert_true (fl_image_load (whole, 4, out, &error));
    g_assert_no_error (error);
    for (gsize i = 0; i < sizeof out; i++)
      g_assert_cmpuint (out[i], ==, 0x80);
  }
}

/* The offset of the first marker 0xff type in jpg, or -1. */
static gssize
find_marker (const GByteArray *jpg, guint8 type)
{
  for (guint i = 0; i + 1 < jpg->len; i++)
    if (jpg->data[i] == 0xff && jpg->data[i + 1] == type)
      return i;
  return -1;
}

static void
test_jpeg_bad_huffman (void)
{
  /* A DHT segment whose 16 code-length counts sum to 272: stb_image 2.27
   * writes past its 257-entry size table (stb #1289/#1291). JPEG goes to
   * libjpeg, which refuses the table; under ASan nothing is written out
   * of bounds. */
  guint8 pix[16 * 16 * 3];
  g_autoptr(GByteArray) jpg = NULL;
  g_autofree char *path = NULL;
  gssize dht;

  for (gsize i = 0; i < sizeof pix; i++)
    pix[i] = (guint8) (i * 7);
  jpg = encode (FMT_JPG, 16, 16, 3, pix);
  dht = find_marker (jpg, 0xc4);
  g_assert_cmpint (dht, >, 0);
  /* FF C4, length (2), class/id (1), then the counts; the segment is
   * long enough that only the sum is wrong */
  g_assert_cmpuint ((guint) jpg->data[dht + 2] << 8 | jpg->data[dht + 3], >, 17 + 272);
  for (int k = 0; k < 16; k++)
    jpg->data[dht + 5 + k] = 17;
  path = write_bytes ("bad-huffman.jpg", jpg->data, jpg->len);
  assert_load_fails (path, 4, "Huffman", NULL);
}

static void
test_truncated_jpeg (void)
{
  guint8 pix[32 * 32 * 3];
  g_autoptr(GByteArray) jpg = NULL;
  g_autofree char *path = NULL;

  for (gsize i = 0; i < sizeof pix; i++)
    pix[i] = (guint8) (i * 13);
  jpg = encode (FMT_JPG, 32, 32, 3, pix);
  /* libjpeg would fill the missing half with grey and warn */
  path = write_bytes ("half.jpg", jpg->data, jpg->len / 2);
  assert_load_fails (path, 4, "truncated", NULL);
}

/* ---- pixels ------------------------------------------------------------- */

/* Loads path at S and checks that plane c, pixel (y,x) holds expect[c][y·S+x]. */
static void
assert_planes (const char *path, int S, const guint8 *expect_r, const guint8 *expect_g,
               const guint8 *expect_b)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *out = g_malloc (3 * S * S);
  const guint8 *expect[3] = { expect_r, expect_g, expect_b };

  g_assert_true (fl_image_load (path, S, out, &error));
  g_assert_no_error (error);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < S * S; i++)
      {
        if (out[c * S * S + i] != expect[c][i])
          g_test_message ("channel %d pixel %d: %u, expected %u", c, i,
                          out[c * S * S + i], expect[c][i]);
        g_assert_cmpuint (out[c * S * S + i], ==, expect[c][i]);
      }
}

static void
test_one_pixel (void)
{
  const guint8 pix[3] = { 10, 200, 30 };
  g_autofree char *path = write_image ("one.png", FMT_PNG, 1, 1, 3, pix);
  guint8 r[25], g[25], b[25];

  memset (r, 10, 25);
  memset (g, 200, 25);
  memset (b, 30, 25);
  assert_planes (path, 5, r, g, b);
}

static void
test_grey (void)
{
  const guint8 pix[9] = { 0, 17, 34, 100, 128, 129, 200, 254, 255 };
  g_autofree char *path = write_image ("grey.png", FMT_PNG, 3, 3, 1, pix);

  /* 3×3 at S = 3 is the identity: src = (d + 0.5)·1 - 0.5 = d */
  assert_planes (path, 3, pix, pix, pix);
}

static void
test_alpha (void)
{
  /* c' = a·c + (1 - a)·255 with a = alpha/255:
   *   (10,20,30, 0)    → (255,255,255)
   *   (0,0,0, 128)     → 0 + (127/255)·255 = 127 each
   *   (255,0,0, 128)   → R 128 + 127 = 255, G = B = 127
   *   (40,80,120, 255) → unchanged */
  const guint8 pix[16] = { 10, 20, 30, 0,    0, 0, 0, 128,
                           255, 0, 0, 128,   40, 80, 120, 255 };
  const guint8 r[4] = { 255, 127, 255, 40 };
  const guint8 g[4] = { 255, 127, 127, 80 };
  const guint8 b[4] = { 255, 127, 127, 120 };
  /* grey + alpha: (0, 128) → 127, (200, 0) → 255 */
  const guint8 ga[4] = { 0, 128, 200, 0 };
  const guint8 ga_out[2] = { 127, 255 };
  g_autofree char *rgba = write_image ("rgba.png", FMT_PNG, 2, 2, 4, pix);
  g_autofree char *rgba_tga = write_image ("rgba.tga", FMT_TGA, 2, 2, 4, pix);
  g_autofree char *grey_alpha = write_image ("ga.png", FMT_PNG, 2, 1, 2, ga);
  g_autoptr(GError) error = NULL;
  guint8 out[3 * 2 * 2];

  assert_planes (rgba, 2, r, g, b);
  assert_planes (rgba_tga, 2, r, g, b);

  /* 2×1 at S = 2: along x the identity, along y the one row twice */
  g_assert_true (fl_image_load (grey_alpha, 2, out, &error));
  g_assert_no_error (error);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < 2; y++)
      for (int x = 0; x < 2; x++)
        g_assert_cmpuint (out[(c * 2 + y) * 2 + x], ==, ga_out[x]);
}

static void
test_bilinear_up (void)
{
  /* R of the 2×2 source is [[0, 100], [200, 40]]; G = 255 - R; B = 7.
   *
   * 2 → 4 along each axis, scale 2/4 = 0.5, src = (d + 0.5)·0.5 - 0.5:
   *   d = 0: -0.25 → clamped to 0      → x[0]
   *   d = 1:  0.25                     → 0.75·x[0] + 0.25·x[1]
   *   d = 2:  0.75                     → 0.25·x[0] + 0.75·x[1]
   *   d = 3:  1.25 → i0 = i1 = 1       → x[1]
   * Rows of R, then columns:
   *   row 0 [0, 100]  → [0, 25, 75, 100]
   *   row 1 [200, 40] → [200, 160, 80, 40]
   *   out 0 = row 0                   = [0, 25, 75, 100]
   *   out 1 = 0.75·row 0 + 0.25·row 1 = [50, 58.75, 76.25, 85]  → [50, 59, 76, 85]
   *   out 2 = 0.25·row 0 + 0.75·row 1 = [150, 126.25, 78.75, 55] → [150, 126, 79, 55]
   *   out 3 = row 1                   = [200, 160, 80, 40]
   * G is 255 minus each unrounded value, so 255 - R except where R had a
   * fraction: 255 - 58.75 = 196.25 → 196, 255 - 76.25 = 178.75 → 179,
   * 255 - 126.25 = 128.75 → 129, 255 - 78.75 = 176.25 → 176. */
  const guint8 pix[12] = { 0, 255, 7,    100, 155, 7,
                           200, 55, 7,   40, 215, 7 };
  const guint8 r[16] = { 0, 25, 75, 100,   50, 59, 76, 85,
                         150, 126, 79, 55, 200, 160, 80, 40 };
  const guint8 g[16] = { 255, 230, 180, 155, 205, 196, 179, 170,
                         105, 129, 176, 200, 55, 95, 175, 215 };
  guint8 b[16];
  g_autofree char *png = write_image ("2x2.png", FMT_PNG, 2, 2, 3, pix);
  g_autofree char *bmp = write_image ("2x2.bmp", FMT_BMP, 2, 2, 3, pix);

  memset (b, 7, sizeof b);
  assert_planes (png, 4, r, g, b);
  assert_planes (bmp, 4, r, g, b);
}

static void
test_bilinear_down (void)
{
  /* 8×1 grey [0, 10, …, 70] → S = 2. Along x, scale 4:
   *   d = 0: src = 0.5·4 - 0.5 = 1.5 → (x[1] + x[2])/2 = 15
   *   d = 1: src = 1.5·4 - 0.5 = 5.5 → (x[5] + x[6])/2 = 55
   * x[0], x[3], x[4], x[7] get no weight: no antialiasing, as in
   * F.interpolate. Along y (1 → 2) both rows are the one row. */
  const guint8 pix[8] = { 0, 10, 20, 30, 40, 50, 60, 70 };
  const guint8 expect[4] = { 15, 55, 15, 55 };
  g_autofree char *path = write_image ("row.png", FMT_PNG, 8, 1, 1, pix);

  assert_planes (path, 2, expect, expect, expect);
}

static void
test_formats (void)
{
  const guint8 pix[12] = { 255, 0, 0,   0, 255, 0,
                           0, 0, 255,   255, 255, 255 };
  const guint8 r[4] = { 255, 0, 0, 255 }, g[4] = { 0, 255, 0, 255 }, b[4] = { 0, 0, 255, 255 };
  g_autofree char *tga = write_image ("rgb.tga", FMT_TGA, 2, 2, 3, pix);
  g_autofree char *bmp = write_image ("rgb.bmp", FMT_BMP, 2, 2, 3, pix);
  g_autofree char *gif = write_bytes ("two-frames.gif", two_frame_gif, sizeof two_frame_gif);
  g_autofree char *jpg = NULL;
  g_autoptr(GError) error = NULL;
  guint8 flat[8 * 8 * 3], out[3 * 4 * 4];

  assert_planes (tga, 2, r, g, b);
  assert_planes (bmp, 2, r, g, b);
  /* the first frame, not the black second one */
  assert_planes (gif, 2, r, g, b);

  /* JPEG is lossy: a flat colour comes back within a few levels */
  for (int i = 0; i < 8 * 8; i++)
    {
      flat[3 * i] = 200;
      flat[3 * i + 1] = 100;
      flat[3 * i + 2] = 50;
    }
  jpg = write_image ("flat.jpg", FMT_JPG, 8, 8, 3, flat);
  g_assert_true (fl_image_load (jpg, 4, out, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 16; i++)
    {
      g_assert_cmpint (ABS (out[i] - 200), <=, 3);
      g_assert_cmpint (ABS (out[16 + i] - 100), <=, 3);
      g_assert_cmpint (ABS (out[32 + i] - 50), <=, 3);
    }
}

static void
test_png_variants (void)
{
  /* what libpng expands, each 2×2 at S = 2 (the identity):
   * pixels R, G, B, white — as planes r, g, b below */
  const guint8 r[4] = { 255, 0, 0, 255 }, g[4] = { 0, 255, 0, 255 }, b[4] = { 0, 0, 255, 255 };
  /* a palette, its third entry half transparent: blue at alpha 128 over
   * white is (127, 127, 255) */
  const guint8 plte[12] = { 255, 0, 0,  0, 255, 0,  0, 0, 255,  255, 255, 255 };
  const guint8 trns[3] = { 255, 255, 128 };
  const guint8 pal_rows[6] = { 0, 0x01,   0, 0x23 };   /* 4-bit indices 0 1 / 2 3 */
  const guint8 rb[4] = { 255, 0, 127, 255 }, gb[4] = { 0, 255, 127, 255 };
  /* 16 bits: the high byte is kept (0x12ff → 0x12) */
  const guint8 rows16[2 * (1 + 2 * 6)] = {
    0, 0xff, 0x00, 0, 0, 0, 0,        0x00, 0x00, 0xff, 0xff, 0, 0,
    0, 0, 0, 0, 0, 0xff, 0xff,        0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  /* 1-bit grey: 1 0 / 0 1 → 255 0 / 0 255 */
  const guint8 bits[4] = { 0, 0x80, 0, 0x40 };
  const guint8 diag[4] = { 255, 0, 0, 255 };
  /* Adam7 for 2×2: pass 1 holds (0,0), pass 6 (1,0), pass 7 row 1 */
  const guint8 adam7[4 + 4 + 7] = {
    0, 255, 0, 0,   0, 0, 255, 0,   0, 0, 0, 255, 255, 255, 255 };
  PngHeader pal = { .w = 2, .h = 2, .depth = 4, .colour = 3, .plte = plte, .trns = trns,
                    .plte_len = sizeof plte, .trns_len = sizeof trns };
  PngHeader deep = { .w = 2, .h = 2, .depth = 16, .colour = 2 };
  PngHeader grey1 = { .w = 2, .h = 2, .depth = 1, .colour = 0 };
  PngHeader inter = { .w = 2, .h = 2, .depth = 8, .colour = 2, .interlace = 1 };
  g_autofree char *p1 = write_png_rows ("palette.png", &pal, pal_rows, 4);
  g_autofree char *p2 = write_png_rows ("deep.png", &deep, rows16, sizeof rows16);
  g_autofree char *p3 = write_png_rows ("bits.png", &grey1, bits, sizeof bits);
  g_autofree char *p4 = write_png_rows ("adam7.png", &inter, adam7, sizeof adam7);

  assert_planes (p1, 2, rb, gb, b);
  assert_planes (p2, 2, r, g, b);
  assert_planes (p3, 2, diag, diag, diag);
  assert_planes (p4, 2, r, g, b);
}

/* An 8×8 JPEG of one CMYK colour, stored as Adobe writes it (inverted:
 * 255 is no ink), by libjpeg: stb_image_write has no CMYK. */
static GByteArray *
encode_cmyk (const guint8 cmyk[4])
{
  struct jpeg_compress_struct ci;
  struct jpeg_error_mgr err;
  unsigned char *mem = NULL;
  unsigned long size = 0;
  guint8 row[8 * 4];
  GByteArray *jpg = g_byte_array_new ();

  for (int x = 0; x < 8; x++)
    memcpy (row + 4 * x, cmyk, 4);
  ci.err = jpeg_std_error (&err);
  jpeg_create_compress (&ci);
  jpeg_mem_dest (&ci, &mem, &size);
  ci.image_width = 8;
  ci.image_height = 8;
  ci.input_components = 4;
  ci.in_color_space = JCS_CMYK;
  jpeg_set_defaults (&ci);
  jpeg_set_quality (&ci, 100, TRUE);
  jpeg_start_compress (&ci, TRUE);
  while (ci.next_scanline < ci.image_height)
    {
      JSAMPROW r = row;
      jpeg_write_scanlines (&ci, &r, 1);
    }
  jpeg_finish_compress (&ci);
  jpeg_destroy_compress (&ci);
  g_byte_array_append (jpg, mem, (guint) size);
  free (mem);
  return jpg;
}

static void
test_jpeg_cmyk (void)
{
  /* R = C·K/255: (200, 100, 255, 128) → (100.4, 50.2, 128) */
  const guint8 cmyk[4] = { 200, 100, 255, 128 };
  const int expect[3] = { 100, 50, 128 };
  g_autoptr(GByteArray) jpg = encode_cmyk (cmyk);
  g_autoptr(GError) error = NULL;
  guint8 out[3 * 4 * 4];

  g_assert_true (fl_image_decode (jpg->data, jpg->len, "cmyk.jpg", 4, FL_IMAGE_FIT_SQUASH,
                                  FL_IMAGE_DECODE_DEFAULT, out, &error));
  g_assert_no_error (error);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 16; i++)
      g_assert_cmpint (ABS (out[c * 16 + i] - expect[c]), <=, 3);
}

/* A 1024×768 picture with what photos have: smooth light, edges, texture
 * and a little sensor noise. (h,w,3) interleaved. */
static guint8 *
photo_like (int w, int h)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);
  guint8 *pix = g_malloc ((gsize) w * h * 3);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double u = (double) x / w, v = (double) y / h;
        double d = hypot (u - 0.6, v - 0.45);
        double c[3] = { 60 + 150 * u, 90 + 100 * v, 180 - 120 * u * v };
        for (int k = 0; k < 3; k++)
          {
            if (d < 0.2)                       /* a ball, lit from the left */
              c[k] = 40 + 180 * (0.2 - d) / 0.2 * (k == 0 ? 1.0 : 0.5);
            c[k] += 12 * sin (x * 0.05 + k) * cos (y * 0.07);   /* texture */
            c[k] += g_rand_double_range (rng, -4, 4);            /* noise */
            pix[((gsize) y * w + x) * 3 + k] = (guint8) CLAMP (c[k], 0, 255);
          }
      }
  return pix;
}

/* A photo decoded at 1/8 in the DCT domain against in full, fitted as fit
 * says. */
static void
assert_jpeg_dct_scaling (FlImageFit fit)
{
  enum { W = 1024, H = 768, S = 64 };
  g_autofree guint8 *pix = photo_like (W, H);
  g_autoptr(GByteArray) jpg = encode (FMT_JPG, W, H, 3, pix);
  g_autofree guint8 *full = g_malloc (3 * S * S), *scaled = g_malloc (3 * S * S);
  g_autoptr(GError) error = NULL;
  double sum = 0;
  int worst = 0;

  /* at S = 64, 768 → 96 rows at 1/8: the scaled decode is 128×96, whose
   * centred square (crop) is 96 pixels a side, ≥ S */
  g_assert_true (fl_image_decode (jpg->data, jpg->len, "photo.jpg", S, fit,
                                  FL_IMAGE_DECODE_FULL_SIZE, full, &error));
  g_assert_no_error (error);
  g_assert_true (fl_image_decode (jpg->data, jpg->len, "photo.jpg", S, fit,
                                  FL_IMAGE_DECODE_DEFAULT, scaled, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 3 * S * S; i++)
    {
      int d = ABS (full[i] - scaled[i]);
      sum += d;
      worst = MAX (worst, d);
    }
  g_test_message ("DCT-scaled vs full decode at S = %d, %s: mean |diff| %.2f levels, max %d",
                  S, fl_image_fit_to_string (fit), sum / (3 * S * S), worst);
  /* measured (squash): mean 1.47 levels, max 58 (at the ball's edge). The full
   * decode resized without antialiasing picks single pixels, noise and
   * all; the 1/8 decode has averaged 8×8 blocks first, so the two differ
   * most where one pixel differs from its block. The mean is what
   * training sees. A mean of 0 would mean no reduction took place. */
  g_assert_cmpfloat (sum / (3 * S * S), >, 0.5);
  g_assert_cmpfloat (sum / (3 * S * S), <, 2.0);
}

static void
test_jpeg_dct_scaling (void)
{
  for (FlImageFit fit = 0; fit < FL_N_IMAGE_FITS; fit++)
    assert_jpeg_dct_scaling (fit);
}

/* Decodes the w×h grey picture pix at S with fit into out (3,S,S). */
static void
decode_fit (const guint8 *pix, int w, int h, int S, FlImageFit fit, guint8 *out)
{
  g_autoptr(GByteArray) png = encode (FMT_PNG, w, h, 1, pix);
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_image_decode (png->data, png->len, "fit.png", S, fit,
                                  FL_IMAGE_DECODE_DEFAULT, out, &error));
  g_assert_no_error (error);
  /* grey: R = G = B */
  g_assert_cmpmem (out, S * S, out + S * S, S * S);
  g_assert_cmpmem (out, S * S, out + 2 * S * S, S * S);
}

/* An 8×2 grey picture, value 10·x + 100·y:
 *   squash to 2×2: x scale 4, src = 1.5 and 5.5 → (10 + 20)/2, (50 + 60)/2;
 *     rows at scale 1 → [[15, 55], [115, 155]];
 *   crop to 2×2: the centred 2×2 square, columns 3 and 4, at scale 1 →
 *     [[30, 40], [130, 140]];
 *   pad to 4×4: 8 → 4 across, 2 → round(4·2/8) = 1 down, at row
 *     ⌊(4 - 1)/2⌋ = 1: x src = 0.5, 2.5, 4.5, 6.5 (pairs' means 5, 25,
 *     45, 65), y src = 0.5 (the rows' mean, + 50) → [55, 75, 95, 115];
 *     every other row white.
 * A square picture gives the same bytes under every fit. */
static void
test_fit (void)
{
  guint8 pix[16], out[3 * 16], squash[3 * 16];
  const guint8 want_squash[4] = { 15, 55, 115, 155 }, want_crop[4] = { 30, 40, 130, 140 };
  const guint8 want_pad_row[4] = { 55, 75, 95, 115 };
  FlImageFit fit;

  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 8; x++)
      pix[y * 8 + x] = (guint8) (10 * x + 100 * y);
  decode_fit (pix, 8, 2, 2, FL_IMAGE_FIT_SQUASH, out);
  g_assert_cmpmem (out, 4, want_squash, 4);
  decode_fit (pix, 8, 2, 2, FL_IMAGE_FIT_CROP, out);
  g_assert_cmpmem (out, 4, want_crop, 4);
  decode_fit (pix, 8, 2, 4, FL_IMAGE_FIT_PAD, out);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 4; x++)
      g_assert_cmpint (out[y * 4 + x], ==, y == 1 ? want_pad_row[x] : 255);
  /* the same picture on its side: padded left and right */
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 2; x++)
      pix[y * 2 + x] = (guint8) (10 * y + 100 * x);
  decode_fit (pix, 2, 8, 4, FL_IMAGE_FIT_PAD, out);
  for (int y = 0; y < 4; y++)
    for (int x = 0; x < 4; x++)
      g_assert_cmpint (out[y * 4 + x], ==, x == 1 ? want_pad_row[y] : 255);

  for (int i = 0; i < 16; i++)
    pix[i] = (guint8) (i * 13);
  decode_fit (pix, 4, 4, 2, FL_IMAGE_FIT_SQUASH, squash);
  for (fit = 0; fit < FL_N_IMAGE_FITS; fit++)
    {
      decode_fit (pix, 4, 4, 2, fit, out);
      g_assert_cmpmem (out, 3 * 4, squash, 3 * 4);
    }
  g_assert_true (fl_image_fit_from_string ("crop", &fit));
  g_assert_cmpint (fit, ==, FL_IMAGE_FIT_CROP);
  g_assert_cmpstr (fl_image_fit_to_string (FL_IMAGE_FIT_PAD), ==, "pad");
  g_assert_false (fl_image_fit_from_string ("stretch", &fit));
  g_assert_false (fl_image_fit_from_string (NULL, &fit));
}

/* ---- many --------------------------------------------------------------- */

typedef struct {
  gint64        calls;
  gint64        last;
  gint64        total;
  gint64        cancel_at;   /* cancel once done reaches this (0: never) */
  GCancellable *cancellable;
} Progress;

static void
progress_cb (gint64 done, gint64 total, gpointer user_data)
{
  Progress *p = user_data;

  /* the calls never overlap and done only increases */
  g_assert_cmpint (done, >, p->last);
  g_assert_cmpint (done, <=, total);
  p->calls++;
  p->last = done;
  p->total = total;
  if (p->cancel_at > 0 && done >= p->cancel_at)
    g_cancellable_cancel (p->cancellable);
}

static void
test_load_many_bad_one (void)
{
  enum { N = 7, S = 3 };
  const char *bad_text = "not an image";
  g_autofree char *bad = write_bytes ("bad.png", bad_text, strlen (bad_text));
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  const char *paths[N];
  GError *errors[N] = { NULL };
  guint8 out[N * 3 * S * S];
  Progress p = { 0 };

  /* image i is a flat grey of value 10·i + 5; image 4 is the bad one */
  for (int i = 0; i < N; i++)
    {
      guint8 pix[2 * 2];
      g_autofree char *name = g_strdup_printf ("many-%d.png", i);
      memset (pix, 10 * i + 5, sizeof pix);
      paths[i] = write_image (name, FMT_PNG, 2, 2, 1, pix);
      g_ptr_array_add (owned, (char *) paths[i]);
    }
  paths[4] = bad;
  memset (out, 0x77, sizeof out);

  g_assert_true (fl_image_load_many (paths, N, S, out, errors, 3, progress_cb, &p, NULL));
  for (int i = 0; i < N; i++)
    {
      const guint8 *slot = out + i * 3 * S * S;
      if (i == 4)
        {
          g_assert_error (errors[i], FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
          g_assert_nonnull (strstr (errors[i]->message, "bad.png"));
          for (int k = 0; k < 3 * S * S; k++)
            g_assert_cmpuint (slot[k], ==, 0);
        }
      else
        {
          g_assert_no_error (errors[i]);
          for (int k = 0; k < 3 * S * S; k++)
            g_assert_cmpuint (slot[k], ==, 10 * i + 5);
        }
      g_clear_error (&errors[i]);
    }
  /* n < 100: every image is 1% or more, so each may be reported */
  g_assert_cmpint (p.last, ==, N);
  g_assert_cmpint (p.total, ==, N);
  g_assert_cmpint (p.calls, >=, 1);
  g_assert_cmpint (p.calls, <=, N);

  /* without an errors array the bad one is still zero-filled */
  memset (out, 0x77, sizeof out);
  g_assert_true (fl_image_load_many (paths, N, S, out, NULL, 0, NULL, NULL, NULL));
  g_assert_cmpuint (out[4 * 3 * S * S], ==, 0);
  g_assert_cmpuint (out[5 * 3 * S * S], ==, 55);
}

static void
test_load_many_progress_rate (void)
{
  enum { N = 1000, S = 2 };
  guint8 pix[1] = { 42 };
  g_autofree char *path = write_image ("tiny.png", FMT_PNG, 1, 1, 1, pix);
  g_autofree const char **paths = g_new (const char *, N);
  g_autofree guint8 *out = g_malloc (N * 3 * S * S);
  Progress p = { 0 };

  for (int i = 0; i < N; i++)
    paths[i] = path;
  g_assert_true (fl_image_load_many (paths, N, S, out, NULL, 4, progress_cb, &p, NULL));
  g_assert_cmpint (p.last, ==, N);
  /* every 10 images (1%): at most 100 calls */
  g_assert_cmpint (p.calls, >=, 2);
  g_assert_cmpint (p.calls, <=, 100);
  for (int i = 0; i < N * 3 * S * S; i++)
    g_assert_cmpuint (out[i], ==, 42);
}

static void
test_load_many_cancel (void)
{
  enum { N = 200, S = 2 };
  guint8 pix[1] = { 42 };
  g_autofree char *path = write_image ("tiny.png", FMT_PNG, 1, 1, 1, pix);
  g_autofree const char **paths = g_new (const char *, N);
  g_autofree guint8 *out = g_malloc (N * 3 * S * S);
  g_autofree GError **errors = g_new0 (GError *, N);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Progress p = { .cancel_at = 10, .cancellable = cancellable };
  const int slot = 3 * S * S;

  for (int i = 0; i < N; i++)
    paths[i] = path;

  /* one thread, reports every 2 images (1% of 200): cancelling at done =
   * 10 stops after exactly ten images */
  memset (out, 0xab, N * slot);
  g_assert_false (fl_image_load_many (paths, N, S, out, errors, 1, progress_cb, &p, cancellable));
  g_assert_cmpint (p.last, ==, 10);
  for (int i = 0; i < N; i++)
    {
      g_assert_null (errors[i]);
      g_assert_cmpuint (out[i * slot], ==, i < 10 ? 42 : 0xab);
    }

  /* already cancelled: nothing is done, with any number of threads */
  memset (out, 0xab, N * slot);
  p = (Progress) { 0 };
  g_assert_false (fl_image_load_many (paths, N, S, out, errors, 4, progress_cb, &p, cancellable));
  g_assert_cmpint (p.calls, ==, 0);
  for (int i = 0; i < N * slot; i++)
    g_assert_cmpuint (out[i], ==, 0xab);
}

/* ---- statistics and normalisation --------------------------------------- */

static void
test_channel_stats (void)
{
  enum { S = 2 };
  /* image 0: R 0, G 255, B [0, 255, 0, 255]
   * image 1: excluded (left out of idx), R 100
   * image 2: R 255, G 255, B 0 */
  const guint8 images[3 * 3 * S * S] = {
    0, 0, 0, 0,          255, 255, 255, 255,  0, 255, 0, 255,
    100, 100, 100, 100,  1, 2, 3, 4,          9, 9, 9, 9,
    255, 255, 255, 255,  255, 255, 255, 255,  0, 0, 0, 0,
  };
  const gint32 idx[2] = { 2, 0 };
  float mean[3], std[3];

  /* R over 8 values: four 0, four 1 → mean 0.5, var 0.25, std 0.5
   * G: eight 1 → mean 1, no variation → std 1 by convention
   * B: two 1 and six 0 → mean 0.25, var 0.25 - 0.0625 = 0.1875,
   *    std √0.1875 = 0.4330127 */
  fl_image_channel_stats (images, idx, 2, S, mean, std);
  g_assert_cmpfloat_with_epsilon (mean[0], 0.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (std[0], 0.5, 1e-7);
  g_assert_cmpfloat (mean[1], ==, 1.0f);
  g_assert_cmpfloat (std[1], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (mean[2], 0.25, 1e-7);
  g_assert_cmpfloat_with_epsilon (std[2], 0.4330127, 1e-6);

  /* idx NULL: the first n_idx images, here image 0 alone:
   * R all 0 → mean 0, std 1; B mean 0.5, std 0.5 */
  fl_image_channel_stats (images, NULL, 1, S, mean, std);
  g_assert_cmpfloat (mean[0], ==, 0.0f);
  g_assert_cmpfloat (std[0], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (mean[2], 0.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (std[2], 0.5, 1e-7);

  /* a constant grey of 51 (0.2): its mean is exactly 51/255, so its
   * variance is exactly 0 */
  {
    guint8 flat[3 * S * S];
    memset (flat, 51, sizeof flat);
    fl_image_channel_stats (flat, NULL, 1, S, mean, std);
    g_assert_cmpfloat (mean[0], ==, (float) (51 / 255.0));
    g_assert_cmpfloat (std[0], ==, 1.0f);
  }
}

static void
test_to_float (void)
{
  enum { S = 2 };
  /* channel 0: mean 0.5, std 0.25: 0 → -2, 255 → 2, 51 → (0.2 - 0.5)/0.25 = -1.2,
   *            153 → (0.6 - 0.5)/0.25 = 0.4
   * channel 1: mean 0, std 1: x/255
   * channel 2: mean 1, std 0.5: 255 → 0, 0 → -2 */
  const guint8 in[2 * 3 * S * S] = {
    0, 255, 51, 153,   0, 255, 51, 153,   255, 0, 255, 0,
    255, 0, 153, 51,   255, 255, 0, 0,    0, 255, 0, 255,
  };
  const float expect[2 * 3 * S * S] = {
    -2, 2, -1.2f, 0.4f,   0, 1, 0.2f, 0.6f,   0, -2, 0, -2,
    2, -2, 0.4f, -1.2f,   1, 1, 0, 0,         -2, 0, -2, 0,
  };
  const float mean[3] = { 0.5f, 0.0f, 1.0f }, std[3] = { 0.25f, 1.0f, 0.5f };
  float out[2 * 3 * S * S];

  fl_image_to_float (out, in, 2, S, mean, std);
  for (int i = 0; i < 2 * 3 * S * S; i++)
    g_assert_cmpfloat_with_epsilon (out[i], expect[i], 1e-6);
}

static void
test_pixel_mean (void)
{
  enum { S = 2 };
  /* images 0 and 2 of idx, image 1 left out: pixel k of the mean is the
   * mean of the two, normalised as fl_image_to_float() would */
  const guint8 images[3 * 3 * S * S] = {
    0, 255, 51, 153,   0, 0, 0, 0,          255, 255, 0, 0,
    7, 7, 7, 7,        7, 7, 7, 7,          7, 7, 7, 7,
    255, 255, 153, 51, 255, 255, 255, 255,  255, 0, 255, 0,
  };
  const gint32 idx[2] = { 2, 0 };
  const float mean[3] = { 0.5f, 0.0f, 1.0f }, std[3] = { 0.25f, 1.0f, 0.5f };
  /* channel 0: means 0.5, 1, 0.4, 0.4 → 0, 2, -0.4, -0.4
   * channel 1: 0.5 everywhere → 0.5
   * channel 2: 1, 0.5, 0.5, 0 → 0, -1, -1, -2 */
  const float expect[3 * S * S] = { 0, 2, -0.4f, -0.4f,  0.5f, 0.5f, 0.5f, 0.5f,  0, -1, -1, -2 };
  float out[3 * S * S], one[3 * S * S];

  fl_image_pixel_mean (out, images, idx, 2, S, mean, std);
  for (int i = 0; i < 3 * S * S; i++)
    g_assert_cmpfloat_with_epsilon (out[i], expect[i], 1e-6);

  /* the mean of one image is that image, normalised */
  fl_image_pixel_mean (out, images, NULL, 1, S, mean, std);
  fl_image_to_float (one, images, 1, S, mean, std);
  for (int i = 0; i < 3 * S * S; i++)
    g_assert_cmpfloat_with_epsilon (out[i], one[i], 1e-6);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("fl-test-image-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/image/bad/empty", test_empty_file);
  g_test_add_func ("/image/bad/missing", test_missing_file);
  g_test_add_func ("/image/bad/text-named-png", test_text_named_png);
  g_test_add_func ("/image/bad/truncated-png", test_truncated_png);
  g_test_add_func ("/image/limit/crc", test_crc);
  g_test_add_func ("/image/limit/huge-png", test_huge_png_refused);
  g_test_add_func ("/image/limit/huge-bmp", test_huge_bmp_refused);
  g_test_add_func ("/image/hostile/png-bomb", test_png_bomb);
  g_test_add_func ("/image/hostile/png-extra-data", test_png_extra_data);
  g_test_add_func ("/image/hostile/truncated-tga", test_truncated_tga);
  g_test_add_func ("/image/hostile/jpeg-bad-huffman", test_jpeg_bad_huffman);
  g_test_add_func ("/image/hostile/truncated-jpeg", test_truncated_jpeg);
  g_test_add_func ("/image/pixels/one-pixel", test_one_pixel);
  g_test_add_func ("/image/pixels/grey", test_grey);
  g_test_add_func ("/image/pixels/alpha", test_alpha);
  g_test_add_func ("/image/resize/bilinear-up", test_bilinear_up);
  g_test_add_func ("/image/resize/bilinear-down", test_bilinear_down);
  g_test_add_func ("/image/resize/fit", test_fit);
  g_test_add_func ("/image/formats", test_formats);
  g_test_add_func ("/image/formats/png-variants", test_png_variants);
  g_test_add_func ("/image/formats/jpeg-dct-scaling", test_jpeg_dct_scaling);
  g_test_add_func ("/image/formats/jpeg-cmyk", test_jpeg_cmyk);
  g_test_add_func ("/image/many/bad-one", test_load_many_bad_one);
  g_test_add_func ("/image/many/progress-rate", test_load_many_progress_rate);
  g_test_add_func ("/image/many/cancel", test_load_many_cancel);
  g_test_add_func ("/image/stats", test_channel_stats);
  g_test_add_func ("/image/to-float", test_to_float);
  g_test_add_func ("/image/pixel-mean", test_pixel_mean);
  ret = g_test_run ();

  fl_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
