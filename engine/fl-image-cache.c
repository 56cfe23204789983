/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-image-cache"

#include "fl-image-cache.h"
#include "fl-image-cache-private.h"
#include "fl-model.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <stdio.h>   /* before jpeglib.h, which uses FILE */
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* every cache of the process: hits and decodes (fl_image_cache_totals()) */
static gint total_hits, total_decodes;

guint32
fl_cache_get_u32 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return GUINT32_FROM_LE (v);
}

guint64
fl_cache_get_u64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_LE (v);
}

gboolean
fl_cache_fail (GError **error, FlImageCache *cache, const char *fmt, ...)
{
  g_autofree char *msg = NULL, *shown = g_filename_display_name (cache->path);
  va_list args;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT, "%s: %s", shown, msg);
  return FALSE;
}

gboolean
fl_cache_pread (int fd, void *buf, gsize len, guint64 offset)
{
  gsize got = 0;

  while (got < len)
    {
      ssize_t r = pread (fd, (guint8 *) buf + got, len - got, (off_t) (offset + got));
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        return FALSE;
      got += (gsize) r;
    }
  return TRUE;
}

guint32
fl_cache_crc (const guint8 *p, gsize len)
{
  return (guint32) crc32_z (0, p, len);
}

/* What made the pixels: our decoder's version, the codecs' versions (a
 * libjpeg-turbo upgrade may round an IDCT differently) and the fit. A
 * squash's stamp is the one every cache file had before fits, so that
 * those files are still read. */
guint32
fl_cache_decoder_stamp (FlImageFit fit)
{
  static gsize stamps[FL_N_IMAGE_FITS];

  g_return_val_if_fail (fit >= 0 && fit < FL_N_IMAGE_FITS, 0);

  if (g_once_init_enter (&stamps[fit]))
    {
      g_autofree char *fitted = fit == FL_IMAGE_FIT_SQUASH ? g_strdup ("")
                                : g_strdup_printf (" fit %s", fl_image_fit_to_string (fit));
      g_autofree char *s = g_strdup_printf ("decoder %d libpng %lu libjpeg-turbo %d stb_image 2.27%s",
                                            FL_IMAGE_CACHE_DECODER,
                                            (unsigned long) png_access_version_number (),
#ifdef LIBJPEG_TURBO_VERSION_NUMBER
                                            LIBJPEG_TURBO_VERSION_NUMBER,
#else
                                            JPEG_LIB_VERSION,
#endif
                                            fitted);
      /* | 1: never 0, which g_once_init_leave() refuses */
      g_once_init_leave (&stamps[fit], fl_cache_crc ((const guint8 *) s, strlen (s)) | 1);
    }
  return (guint32) stamps[fit];
}

guint64
fl_cache_cap (void)
{
  const char *v = g_getenv ("FUSIONLAB_IMAGE_CACHE_BYTES");
  guint64 cap;

  if (v != NULL && g_ascii_string_to_unsigned (v, 10, 0, G_MAXUINT64, &cap, NULL))
    return cap;
  return FL_IMAGE_CACHE_DEFAULT_BYTES;
}

/* ---- reading the cache file -------------------------------------------- */

typedef struct {
  guint32 n, folder_len, index_crc;
  guint64 index_bytes, index_off;
} Header;

static gboolean
parse_header (FlImageCache *cache, const guint8 *p, guint64 file_size, Header *h, GError **error)
{
  guint64 min_index;

  if (memcmp (p, FL_CACHE_MAGIC, FL_CACHE_MAGIC_BYTES) != 0)
    return fl_cache_fail (error, cache, "not an image cache file");
  if (fl_cache_crc (p, FL_CACHE_HEADER_BYTES - 4) != fl_cache_get_u32 (p + 40))
    return fl_cache_fail (error, cache, "its header fails its checksum");
  if (fl_cache_get_u32 (p + 8) != FL_CACHE_FORMAT)
    return fl_cache_fail (error, cache, "format version %u, not %d", fl_cache_get_u32 (p + 8),
                          FL_CACHE_FORMAT);
  if (fl_cache_get_u32 (p + 12) != fl_cache_decoder_stamp (cache->fit))
    return fl_cache_fail (error, cache, "written by another version of the decoders or for "
                          "another fit");
  if (fl_cache_get_u32 (p + 16) != (guint32) cache->S)
    return fl_cache_fail (error, cache, "images of %u pixels, not %d", fl_cache_get_u32 (p + 16),
                          cache->S);
  h->n = fl_cache_get_u32 (p + 20);
  h->folder_len = fl_cache_get_u32 (p + 24);
  h->index_bytes = fl_cache_get_u64 (p + 28);
  h->index_crc = fl_cache_get_u32 (p + 36);
  if (h->n > FL_IMAGE_CACHE_MAX_ENTRIES)
    return fl_cache_fail (error, cache, "%u entries, more than %d", h->n, FL_IMAGE_CACHE_MAX_ENTRIES);
  if (h->folder_len != strlen (cache->real))
    return fl_cache_fail (error, cache, "made for another folder");
  min_index = h->folder_len + (guint64) h->n * (FL_CACHE_ENTRY_BYTES + 1);
  if (h->index_bytes > FL_CACHE_MAX_INDEX_BYTES || h->index_bytes < min_index)
    return fl_cache_fail (error, cache, "an index of %" G_GUINT64_FORMAT " bytes for %u entries",
                          h->index_bytes, h->n);
  /* n ≤ 2^21 and img < 2^30: no overflow */
  h->index_off = FL_CACHE_HEADER_BYTES + (guint64) h->n * cache->img;
  if (file_size != h->index_off + h->index_bytes)
    return fl_cache_fail (error, cache, "%" G_GUINT64_FORMAT " bytes long, not %" G_GUINT64_FORMAT,
                          file_size, h->index_off + h->index_bytes);
  return TRUE;
}

/* One entry of the index at *p (end the index's end): its key, CRC and
 * name, which must be 1 to FL_IMAGE_CACHE_MAX_NAME bytes without a NUL. */
static gboolean
parse_entry (FlImageCache *cache, const guint8 **p, const guint8 *end, guint32 k, GError **error)
{
  const guint8 *q = *p;
  Entry e;
  gsize len;

  if ((gsize) (end - q) < FL_CACHE_ENTRY_BYTES)
    return fl_cache_fail (error, cache, "its index ends inside entry %u", k);
  e.key.size = fl_cache_get_u64 (q);
  e.key.mtime_ns = (gint64) fl_cache_get_u64 (q + 8);
  e.key.ctime_ns = (gint64) fl_cache_get_u64 (q + 16);
  e.key.ino = fl_cache_get_u64 (q + 24);
  e.key.dev = fl_cache_get_u64 (q + 32);
  e.crc = fl_cache_get_u32 (q + 40);
  len = q[44] | (gsize) q[45] << 8;
  q += FL_CACHE_ENTRY_BYTES;
  if (len == 0 || len > FL_IMAGE_CACHE_MAX_NAME || (gsize) (end - q) < len ||
      memchr (q, '\0', len) != NULL)
    return fl_cache_fail (error, cache, "entry %u has a bad name", k);
  e.name = g_string_chunk_insert_len (cache->names, (const char *) q, (gssize) len);
  if (g_hash_table_contains (cache->by_name, e.name))
    return fl_cache_fail (error, cache, "entry %u repeats a name", k);
  g_array_append_val (cache->entries, e);
  g_hash_table_insert (cache->by_name, (gpointer) e.name, GINT_TO_POINTER (k + 1));
  *p = q + len;
  return TRUE;
}

static gboolean
parse_index (FlImageCache *cache, const guint8 *index, const Header *h, GError **error)
{
  const guint8 *p = index, *end = index + h->index_bytes;

  if (fl_cache_crc (index, h->index_bytes) != h->index_crc)
    return fl_cache_fail (error, cache, "its index fails its checksum");
  if (memcmp (p, cache->real, h->folder_len) != 0)
    return fl_cache_fail (error, cache, "made for another folder");
  p += h->folder_len;
  for (guint32 k = 0; k < h->n; k++)
    if (!parse_entry (cache, &p, end, k, error))
      return FALSE;
  if (p != end)
    return fl_cache_fail (error, cache, "%td bytes after its last entry", end - p);
  return TRUE;
}

/* Reads the header and index of the cache file open as fd into cache. */
static gboolean
read_index (FlImageCache *cache, int fd, GError **error)
{
  guint8 head[FL_CACHE_HEADER_BYTES];
  g_autofree guint8 *index = NULL;
  struct stat st;
  Header h = { 0 };

  if (fstat (fd, &st) != 0)
    return fl_cache_fail (error, cache, "%s", g_strerror (errno));
  if (!S_ISREG (st.st_mode))
    return fl_cache_fail (error, cache, "not a regular file");
  if (st.st_uid != geteuid ())
    return fl_cache_fail (error, cache, "owned by another user");
  if (!fl_cache_pread (fd, head, sizeof head, 0))
    return fl_cache_fail (error, cache, "shorter than its header");
  if (!parse_header (cache, head, (guint64) st.st_size, &h, error))
    return FALSE;
  index = g_malloc (h.index_bytes);   /* ≥ 1 (the folder), ≤ 256 MiB */
  if (!fl_cache_pread (fd, index, h.index_bytes, h.index_off))
    return fl_cache_fail (error, cache, "truncated while it was read");
  return parse_index (cache, index, &h, error);
}

/* Opens and checks the cache file; a bad one is forgotten (and marked to be
 * rewritten), a missing one is not an error. */
static void
read_file (FlImageCache *cache)
{
  g_autoptr(GError) error = NULL;
  int fd = open (cache->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);

  if (fd < 0)
    {
      if (errno != ENOENT)
        {
          g_debug ("%s: not read: %s", cache->path, g_strerror (errno));
          cache->dirty = TRUE;
        }
      return;
    }
  if (!read_index (cache, fd, &error))
    {
      g_debug ("%s (ignored, to be rewritten)", error->message);
      close (fd);
      g_array_set_size (cache->entries, 0);
      g_hash_table_remove_all (cache->by_name);
      g_string_chunk_clear (cache->names);
      cache->dirty = TRUE;
      return;
    }
  cache->fd = fd;
}

/* ---- the cache object --------------------------------------------------- */

static char *
file_name (const char *real, int S, FlImageFit fit)
{
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, real, -1);

  if (fit == FL_IMAGE_FIT_SQUASH)
    return g_strdup_printf ("%.32s-%d" FL_CACHE_SUFFIX, hash, S);
  return g_strdup_printf ("%.32s-%d-%s" FL_CACHE_SUFFIX, hash, S, fl_image_fit_to_string (fit));
}

FlImageCache *
fl_image_cache_new_in (const char *dir, const char *folder, int S, FlImageFit fit)
{
  g_autofree char *real = NULL, *name = NULL;
  FlImageCache *cache;

  g_return_val_if_fail (dir != NULL && folder != NULL, NULL);
  g_return_val_if_fail (S > 0 && S <= FL_IMAGE_MAX_SIDE, NULL);
  g_return_val_if_fail (fit >= 0 && fit < FL_N_IMAGE_FITS, NULL);

  real = realpath (folder, NULL);
  if (real == NULL)
    {
      g_debug ("%s: no image cache: %s", folder, g_strerror (errno));
      return NULL;
    }
  name = file_name (real, S, fit);
  cache = g_new0 (FlImageCache, 1);
  cache->dir = g_strdup (dir);
  cache->path = g_build_filename (dir, name, NULL);
  cache->folder = g_strdup (folder);
  cache->real = g_steal_pointer (&real);
  cache->S = S;
  cache->fit = fit;
  cache->img = (gsize) 3 * S * S;
  cache->fd = -1;
  cache->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  cache->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  cache->names = g_string_chunk_new (16384);
  read_file (cache);
  return cache;
}

FlImageCache *
fl_image_cache_new (const char *folder, int S, FlImageFit fit)
{
  const char *v = g_getenv ("FUSIONLAB_IMAGE_CACHE");
  g_autofree char *dir = NULL;

  if (v != NULL && strcmp (v, "0") == 0)
    return NULL;
  dir = g_build_filename (g_get_user_cache_dir (), "fusionlab", "images", NULL);
  return fl_image_cache_new_in (dir, folder, S, fit);
}

static void
clear_load (FlImageCache *cache)
{
  g_clear_pointer (&cache->rel, g_free);
  g_clear_pointer (&cache->keys, g_free);
  g_clear_pointer (&cache->state, g_free);
  cache->n = 0;
}

void
fl_image_cache_free (FlImageCache *cache)
{
  if (cache == NULL)
    return;
  if (cache->fd >= 0)
    close (cache->fd);
  clear_load (cache);
  g_array_unref (cache->entries);
  g_hash_table_unref (cache->by_name);
  g_string_chunk_free (cache->names);
  g_free (cache->dir);
  g_free (cache->path);
  g_free (cache->folder);
  g_free (cache->real);
  g_free (cache);
}

const char *
fl_image_cache_path (FlImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, NULL);
  return cache->path;
}

int
fl_image_cache_n_entries (FlImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return (int) cache->entries->len;
}

gboolean
fl_image_cache_read_entry (FlImageCache *cache, int k, guint8 *out)
{
  const Entry *e;

  g_return_val_if_fail (cache != NULL && out != NULL, FALSE);
  g_return_val_if_fail (k >= 0 && k < (int) cache->entries->len, FALSE);

  e = &g_array_index (cache->entries, Entry, k);
  if (cache->fd < 0 ||
      !fl_cache_pread (cache->fd, out, cache->img, FL_CACHE_HEADER_BYTES + (guint64) k * cache->img))
    return FALSE;
  return fl_cache_crc (out, cache->img) == e->crc;
}

/* ---- a load ------------------------------------------------------------- */

/* name's path below folder, or NULL when it is not folder + "/" + a path. */
static const char *
relative_name (const char *folder, const char *name)
{
  gsize len = strlen (folder);
  const char *rest;

  if (len == 0 || strncmp (name, folder, len) != 0)
    return NULL;
  if (folder[len - 1] == '/')
    rest = name + len;
  else if (name[len] == '/')
    rest = name + len + 1;
  else
    return NULL;
  return *rest != '\0' && strlen (rest) <= FL_IMAGE_CACHE_MAX_NAME ? rest : NULL;
}

gboolean
fl_image_cache_begin (FlImageCache *cache, const char *const *names, int n, int S, FlImageFit fit)
{
  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (n >= 0 && (n == 0 || names != NULL), FALSE);
  g_return_val_if_fail (S == cache->S && fit == cache->fit, FALSE);

  clear_load (cache);
  cache->n = n;
  cache->rel = g_new0 (const char *, MAX (n, 1));
  cache->keys = g_new0 (FileKey, MAX (n, 1));
  cache->state = g_new0 (guint8, MAX (n, 1));
  cache->hits = cache->decodes = 0;
  for (int i = 0; i < n; i++)
    {
      const char *rel = relative_name (cache->folder, names[i]);
      if (rel != NULL)
        cache->rel[i] = g_string_chunk_insert (cache->names, rel);
    }
  return TRUE;
}

static void
key_of (FileKey *key, const struct stat *st)
{
  key->size = (guint64) st->st_size;
  key->mtime_ns = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
  key->ctime_ns = (gint64) st->st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_ctim.tv_nsec;
  key->ino = (guint64) st->st_ino;
  key->dev = (guint64) st->st_dev;
}

static gboolean
key_equal (const FileKey *a, const FileKey *b)
{
  return a->size == b->size && a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns &&
         a->ino == b->ino && a->dev == b->dev;
}

/* Modified so lately (or in the future) that a second change within the
 * clock's tick could leave the key as it is: decoded, not cached. */
static gboolean
is_racy (const FileKey *key)
{
  gint64 now_ns = g_get_real_time () * 1000;

  return key->mtime_ns > now_ns - FL_IMAGE_CACHE_RACY_SECONDS * G_GINT64_CONSTANT (1000000000);
}

/* Image i from its cache entry, when the key matches and the bytes are
 * intact. */
static gboolean
load_hit (FlImageCache *cache, int i, const FileKey *key, guint8 *out)
{
  int k = GPOINTER_TO_INT (g_hash_table_lookup (cache->by_name, cache->rel[i])) - 1;

  if (k < 0 || !key_equal (key, &g_array_index (cache->entries, Entry, k).key))
    return FALSE;
  if (!fl_image_cache_read_entry (cache, k, out))
    {
      g_debug ("%s: the entry of %s fails its checksum (decoded again)", cache->path, cache->rel[i]);
      g_atomic_int_set (&cache->dirty, TRUE);
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_image_cache_load_fd (FlImageCache *cache, int fd, int i, const char *name, guint8 *out,
                        GError **error)
{
  struct stat st;
  FileKey key;
  gboolean keyed;

  g_return_val_if_fail (cache != NULL && out != NULL, FALSE);
  g_return_val_if_fail (i >= 0 && i < cache->n, FALSE);

  /* a FIFO or a folder goes to the decoder, which says why it is refused */
  keyed = cache->rel[i] != NULL && fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
  if (keyed)
    {
      key_of (&key, &st);
      if (load_hit (cache, i, &key, out))
        {
          cache->keys[i] = key;
          cache->state[i] = FL_CACHE_HIT;
          g_atomic_int_inc (&cache->hits);
          g_atomic_int_inc (&total_hits);
          return TRUE;
        }
    }
  g_atomic_int_inc (&cache->decodes);
  g_atomic_int_inc (&total_decodes);
  if (!fl_image_load_fd (fd, name, cache->S, cache->fit, out, error))
    return FALSE;
  if (keyed && !is_racy (&key))
    {
      cache->keys[i] = key;
      cache->state[i] = FL_CACHE_DECODED;
    }
  return TRUE;
}

void
fl_image_cache_commit (FlImageCache *cache, const guint8 *out)
{
  g_autoptr(GError) error = NULL;
  gboolean fresh;

  g_return_if_fail (cache != NULL);

  fresh = g_atomic_int_get (&cache->dirty);
  for (int i = 0; i < cache->n && !fresh; i++)
    fresh = cache->state[i] == FL_CACHE_DECODED;
  if (fresh)
    {
      if (!fl_image_cache_save (cache, out, &error))
        g_debug ("%s", error->message);
    }
  else if (cache->fd >= 0 && futimens (cache->fd, NULL) != 0)
    g_debug ("%s: not touched: %s", cache->path, g_strerror (errno));
  fl_image_cache_trim (cache->dir, fl_cache_cap ());
}

int
fl_image_cache_hits (FlImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return g_atomic_int_get (&cache->hits);
}

int
fl_image_cache_decodes (FlImageCache *cache)
{
  g_return_val_if_fail (cache != NULL, 0);
  return g_atomic_int_get (&cache->decodes);
}

void
fl_image_cache_totals (guint *hits, guint *decodes)
{
  if (hits != NULL)
    *hits = (guint) g_atomic_int_get (&total_hits);
  if (decodes != NULL)
    *decodes = (guint) g_atomic_int_get (&total_decodes);
}
