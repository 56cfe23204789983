/* SPDX-License-Identifier: MIT
 *
 * BMP, GIF and TGA by stb_image, compiled here with only those loaders (see
 * fl-image-decode.h), in a file of its own so that stb's warnings stay out
 * of ours.
 */
#define G_LOG_DOMAIN "fl-image"

#include "fl-image-decode.h"
#include "fl-i18n.h"

#include <string.h>

/* stb_image for BMP, GIF and TGA only, its functions static to this file
 * and its memory GLib's (so that FlPixels.pix is always g_free()d). The
 * files are read into memory by fl-image.c: no stdio. */
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_BMP
#define STBI_ONLY_GIF
#define STBI_ONLY_TGA
#define STBI_NO_STDIO
#define STBI_MALLOC(sz) g_try_malloc (sz)
#define STBI_REALLOC(p, newsz) g_try_realloc (p, newsz)
#define STBI_FREE(p) g_free (p)
/* the declarations of the PNG-only functions that STBI_ONLY_* leaves
 * undefined are reported at the end of the file, so this is not popped */
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb_image.h>

/* stb_image's failure reasons are terse codes ("outofdata", "bad png sig");
 * say what they mean, and keep the code for whoever debugs it. */
static gboolean
stb_error (GError **error, const char *name)
{
  static const struct { const char *code, *words; } table[] = {
    { "unknown image type", N_("not an image in a known format (PNG, JPEG, BMP, GIF, TGA)") },
    { "outofdata", N_("the file is truncated") },
    { "read past buffer", N_("the file is truncated") },
    { "not enough pixels", N_("the file is truncated") },
    { "outofmem", N_("out of memory") },
    { "too large", N_("the image is too large to decode") },
    { "not GIF", N_("not a GIF file") },
    { "0-pixel image", N_("the image has no pixels") },
    { "0 width", N_("the image has no pixels") },
  };
  const char *code = stbi_failure_reason ();

  if (code == NULL)
    return fl_image_fail (error, name, _("the image could not be decoded"));
  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (code, table[i].code) == 0)
      return fl_image_fail (error, name, _("%s (stb_image: %s)"), _(table[i].words), code);
  return fl_image_fail (error, name, _("the image is corrupt or uses an unsupported "
                        "variant of its format (stb_image: %s)"), code);
}

/* CVE-2023-45663: stb_image 2.27 decodes an uncompressed TGA that is
 * shorter than its header says into uninitialised heap memory (the short
 * read's failure is ignored), handing out whatever the heap held. The
 * size follows from the header: 18 bytes, the id, the colour map (its
 * first-entry offset and its entries), then width × height pixels of
 * ⌈bpp/8⌉ bytes. Run-length-encoded TGAs are read byte by byte, and stb
 * gives zeros past the end: those are initialised. */
static gboolean
tga_complete (const guint8 *p, gsize len)
{
  guint type, cmap_bytes, pixel_bytes;
  guint64 need;

  if (len < 18)
    return FALSE;
  type = p[2];
  if (type >= 8)
    return TRUE;
  cmap_bytes = (p[7] + 7u) / 8;
  pixel_bytes = (p[16] + 7u) / 8;
  need = 18 + (guint64) p[0];
  if (p[1] != 0)
    need += (guint64) (p[3] | p[4] << 8) + (guint64) (p[5] | p[6] << 8) * cmap_bytes;
  need += (guint64) (p[12] | p[13] << 8) * (guint64) (p[14] | p[15] << 8) * pixel_bytes;
  return need <= len;
}

gboolean
fl_image_decode_stb (const guint8 *data, gsize len, const char *name, FlPixels *out, GError **error)
{
  int w = 0, h = 0, comp = 0;
  gboolean is_tga;
  stbi_uc *pix;

  /* the header alone, before anything is allocated for the pixels */
  if (len > G_MAXINT || !stbi_info_from_memory (data, (int) len, &w, &h, &comp))
    return stb_error (error, name);
  if (!fl_image_check_size (name, (guint64) w, (guint64) h, error))
    return FALSE;
  /* stb tries BMP ("BM") and GIF ("GIF8") first; TGA has no signature */
  is_tga = memcmp (data, "BM", 2) != 0 && (len < 4 || memcmp (data, "GIF8", 4) != 0);
  if (is_tga && !tga_complete (data, len))
    return fl_image_fail (error, name, _("the file is truncated: its header promises more "
                          "pixels than it holds"));

  pix = stbi_load_from_memory (data, (int) len, &w, &h, &comp, 0);
  if (pix == NULL)
    return stb_error (error, name);
  /* the limits must hold for what was actually decoded, too */
  if (comp < 1 || comp > 4 || !fl_image_check_size (name, (guint64) w, (guint64) h, error))
    {
      if (comp < 1 || comp > 4)
        fl_image_fail (error, name, _("unsupported number of channels (%d)"), comp);
      g_free (pix);
      return FALSE;
    }
  *out = (FlPixels) { .pix = pix, .w = w, .h = h, .comp = comp };
  return TRUE;
}
