/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-image-cache"

#include "fl-image-cache-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The writes are gathered into blocks of this size. */
#define WRITE_BLOCK (1u << 20)

/* An entry to write: an image of the load (pixels in its output) or an old
 * entry of the file (pixels NULL), whose bytes are checked as they are
 * copied. */
typedef struct {
  const char   *name;     /* NULL once dropped */
  FileKey       key;
  const guint8 *pixels;
  int           old;      /* the old entry's index when pixels is NULL */
  guint32       crc;
} Item;

static void
add_item (GArray *items, GHashTable *named, const char *name, const FileKey *key,
          const guint8 *pixels, int old)
{
  Item it = { name, *key, pixels, old, 0 };

  /* a name given twice is written once */
  if (items->len < FL_IMAGE_CACHE_MAX_ENTRIES && g_hash_table_add (named, (gpointer) name))
    g_array_append_val (items, it);
}

/* What to write: the load's images that came from the cache or decoded,
 * then the old entries whose names the load did not give (a name it gave
 * but could not use is stale). */
static GArray *
plan_items (FlImageCache *cache, const guint8 *out)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (Item));
  g_autoptr(GHashTable) named = g_hash_table_new (g_str_hash, g_str_equal);

  for (int i = 0; out != NULL && i < cache->n; i++)
    if (cache->state[i] != FL_CACHE_NONE)
      add_item (items, named, cache->rel[i], &cache->keys[i], out + (gsize) i * cache->img, -1);
  for (int i = 0; i < cache->n; i++)
    if (cache->rel[i] != NULL)
      g_hash_table_add (named, (gpointer) cache->rel[i]);
  for (guint k = 0; k < cache->entries->len; k++)
    {
      const Entry *e = &g_array_index (cache->entries, Entry, k);
      if (!g_hash_table_contains (named, e->name))
        add_item (items, named, e->name, &e->key, NULL, (int) k);
    }
  return items;
}

/* The size of the file if every item is kept. */
static guint64
planned_size (FlImageCache *cache, GArray *items)
{
  guint64 size = FL_CACHE_HEADER_BYTES + strlen (cache->real);

  for (guint k = 0; k < items->len; k++)
    size += cache->img + FL_CACHE_ENTRY_BYTES + strlen (g_array_index (items, Item, k).name);
  return size;
}

typedef struct {
  int     fd;
  guint8 *buf;    /* WRITE_BLOCK bytes */
  gsize   len;
  int     err;    /* the errno of the first write that failed, or 0 */
} Writer;

static void
write_all (Writer *w, const guint8 *p, gsize n)
{
  while (n > 0 && w->err == 0)
    {
      ssize_t r = write (w->fd, p, n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r <= 0)
        {
          w->err = r < 0 ? errno : EIO;
          return;
        }
      p += r;
      n -= (gsize) r;
    }
}

static void
put (Writer *w, const void *p, gsize n)
{
  if (w->len + n > WRITE_BLOCK)
    {
      write_all (w, w->buf, w->len);
      w->len = 0;
    }
  if (n > WRITE_BLOCK)
    {
      write_all (w, p, n);
      return;
    }
  memcpy (w->buf + w->len, p, n);
  w->len += n;
}

/* Writes each item's pixels, dropping the old entries that no longer read
 * back intact; returns the number written. */
static guint32
write_pixels (FlImageCache *cache, Writer *w, GArray *items)
{
  g_autofree guint8 *scratch = g_malloc (cache->img);
  guint32 n = 0;

  for (guint k = 0; k < items->len; k++)
    {
      Item *it = &g_array_index (items, Item, k);
      const guint8 *p = it->pixels;

      if (p == NULL)
        {
          if (!fl_image_cache_read_entry (cache, it->old, scratch))
            {
              it->name = NULL;
              continue;
            }
          p = scratch;
        }
      it->crc = fl_cache_crc (p, cache->img);
      put (w, p, cache->img);
      n++;
    }
  return n;
}

static void
put_u16 (GByteArray *b, guint16 v)
{
  v = GUINT16_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &v, sizeof v);
}

static void
put_u32 (GByteArray *b, guint32 v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &v, sizeof v);
}

static void
put_u64 (GByteArray *b, guint64 v)
{
  v = GUINT64_TO_LE (v);
  g_byte_array_append (b, (const guint8 *) &v, sizeof v);
}

static GByteArray *
build_index (FlImageCache *cache, GArray *items)
{
  GByteArray *b = g_byte_array_new ();

  g_byte_array_append (b, (const guint8 *) cache->real, (guint) strlen (cache->real));
  for (guint k = 0; k < items->len; k++)
    {
      const Item *it = &g_array_index (items, Item, k);
      if (it->name == NULL)
        continue;
      put_u64 (b, it->key.size);
      put_u64 (b, (guint64) it->key.mtime_ns);
      put_u64 (b, (guint64) it->key.ctime_ns);
      put_u64 (b, it->key.ino);
      put_u64 (b, it->key.dev);
      put_u32 (b, it->crc);
      put_u16 (b, (guint16) strlen (it->name));
      g_byte_array_append (b, (const guint8 *) it->name, (guint) strlen (it->name));
    }
  return b;
}

static GByteArray *
build_header (FlImageCache *cache, guint32 n, GByteArray *index)
{
  GByteArray *b = g_byte_array_new ();

  g_byte_array_append (b, (const guint8 *) FL_CACHE_MAGIC, FL_CACHE_MAGIC_BYTES);
  put_u32 (b, FL_CACHE_FORMAT);
  put_u32 (b, fl_cache_decoder_stamp (cache->fit));
  put_u32 (b, (guint32) cache->S);
  put_u32 (b, n);
  put_u32 (b, (guint32) strlen (cache->real));
  put_u64 (b, index->len);
  put_u32 (b, fl_cache_crc (index->data, index->len));
  put_u32 (b, fl_cache_crc (b->data, b->len));
  g_assert (b->len == FL_CACHE_HEADER_BYTES);
  return b;
}

/* Writes the cache file to fd: a blank header, the pixels, the index, then
 * the header. */
static gboolean
write_file (FlImageCache *cache, int fd, GArray *items, GError **error)
{
  const guint8 blank[FL_CACHE_HEADER_BYTES] = { 0 };
  g_autofree guint8 *buf = g_malloc (WRITE_BLOCK);
  Writer w = { .fd = fd, .buf = buf };
  g_autoptr(GByteArray) index = NULL, head = NULL;
  guint32 n;

  put (&w, blank, sizeof blank);
  n = write_pixels (cache, &w, items);
  index = build_index (cache, items);
  put (&w, index->data, index->len);
  write_all (&w, w.buf, w.len);
  head = build_header (cache, n, index);
  if (w.err == 0 && pwrite (fd, head->data, head->len, 0) != (ssize_t) head->len)
    w.err = errno != 0 ? errno : EIO;
  if (w.err != 0)
    return fl_cache_fail (error, cache, "not written: %s", g_strerror (w.err));
  return TRUE;
}

gboolean
fl_image_cache_save (FlImageCache *cache, const guint8 *out, GError **error)
{
  g_autoptr(GArray) items = NULL;
  g_autofree char *base = NULL, *tmp = NULL;
  guint64 cap = fl_cache_cap (), size;
  gboolean ok;
  int fd;

  g_return_val_if_fail (cache != NULL, FALSE);
  items = plan_items (cache, out);
  size = planned_size (cache, items);
  if (size > cap)
    {
      g_autofree char *size_s = g_format_size (size), *cap_s = g_format_size (cap);
      return fl_cache_fail (error, cache, "not written: it would take %s, more than the cache's %s",
                            size_s, cap_s);
    }
  if (g_mkdir_with_parents (cache->dir, 0700) != 0)
    return fl_cache_fail (error, cache, "its folder cannot be made: %s", g_strerror (errno));
  base = g_path_get_basename (cache->path);
  tmp = g_strdup_printf ("%s/.%s.XXXXXX", cache->dir, base);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return fl_cache_fail (error, cache, "no temporary file beside it: %s", g_strerror (errno));
  ok = write_file (cache, fd, items, error);
  if (close (fd) != 0 && ok)
    ok = fl_cache_fail (error, cache, "not written: %s", g_strerror (errno));
  if (ok && g_rename (tmp, cache->path) != 0)
    ok = fl_cache_fail (error, cache, "not replaced: %s", g_strerror (errno));
  if (!ok)
    g_unlink (tmp);
  return ok;
}

/* ---- trimming ----------------------------------------------------------- */

typedef struct {
  char   *path;
  guint64 size;
  gint64  mtime_ns;
} CacheFile;

static void
cache_file_clear (gpointer p)
{
  g_free (((CacheFile *) p)->path);
}

/* Oldest first; the path breaks ties, so the order is the same each time. */
static int
cmp_age (gconstpointer a, gconstpointer b)
{
  const CacheFile *x = a, *y = b;

  if (x->mtime_ns != y->mtime_ns)
    return x->mtime_ns < y->mtime_ns ? -1 : 1;
  return strcmp (x->path, y->path);
}

/* A cache file, or a temporary one being written (or left by a crash). */
static gboolean
is_cache_file (const char *name)
{
  return g_str_has_suffix (name, FL_CACHE_SUFFIX) ||
         (name[0] == '.' && strstr (name, FL_CACHE_SUFFIX ".") != NULL);
}

/* The cache files of dir, oldest first, and their total size. */
static GArray *
list_files (const char *dir, guint64 *total)
{
  GArray *files = g_array_new (FALSE, FALSE, sizeof (CacheFile));
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_array_set_clear_func (files, cache_file_clear);
  *total = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      CacheFile f = { NULL, 0, 0 };
      struct stat st;

      if (!is_cache_file (name))
        continue;
      f.path = g_build_filename (dir, name, NULL);
      if (lstat (f.path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_free (f.path);
          continue;
        }
      f.size = (guint64) st.st_size;
      f.mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
      *total += f.size;
      g_array_append_val (files, f);
    }
  if (d != NULL)
    g_dir_close (d);
  g_array_sort (files, cmp_age);
  return files;
}

void
fl_image_cache_trim (const char *dir, guint64 cap_bytes)
{
  guint64 total;
  g_autoptr(GArray) files = NULL;

  g_return_if_fail (dir != NULL);
  files = list_files (dir, &total);
  for (guint k = 0; k < files->len && total > cap_bytes; k++)
    {
      const CacheFile *f = &g_array_index (files, CacheFile, k);
      if (g_unlink (f->path) == 0 || errno == ENOENT)
        total -= f->size;
      else
        g_debug ("%s: not removed: %s", f->path, g_strerror (errno));
    }
}
