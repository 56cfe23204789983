/* SPDX-License-Identifier: MIT
 *
 * The decoded-image cache (fl-image-cache.h): a second load reads every
 * unchanged image from the cache, byte for byte what decoding gives, and
 * decodes only the images that failed; a touched, replaced or rewritten
 * file is decoded again, and so is one modified a moment ago; a cache file
 * that is corrupt, truncated, foreign, of another S or fit or claims huge counts
 * is ignored (the load is right) and rewritten; the folder of cache files
 * stays under its size cap; FUSIONLAB_IMAGE_CACHE=0 turns it off; a
 * dataset loads the same samples and reasons with and without it.
 *
 * main() points XDG_CACHE_HOME at a scratch folder before anything asks
 * GLib for it, so the user's cache is never touched.
 */
#include "fl-dataset.h"
#include "fl-image-cache.h"
#include "fl-image-cache-private.h"
#include "fl-test-util.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stb_image_write.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S 16
#define IMG (3 * S * S)

/* the files of the fixture: w×h pictures of comp channels; the last one
 * does not decode. The BMPs' size depends on w, h and comp alone, so
 * another picture can take the place of one without changing its size. */
typedef struct {
  const char *name;
  int         w, h, comp;
} Picture;

static const Picture files[] = {
  { "a.png", 40, 30, 3 },
  { "b.bmp", 16, 16, 3 },
  { "cats/c.png", 7, 23, 1 },
  { "cats/deep/d.jpg", 64, 48, 3 },
  { "e.bmp", 33, 33, 3 },
  { "broken.png", 0, 0, 0 },
};
#define N_FILES  ((int) G_N_ELEMENTS (files))
#define N_GOOD   (N_FILES - 1)

typedef struct {
  char   *root;      /* scratch: images/ and cache/ */
  char   *images;
  char   *cache;
  char  **names;     /* images/files[i] */
  guint8 *expected;  /* (N_FILES,3,S,S), decoded without a cache */
} Fixture;

/* Sets the file's times an hour back, so that the cache does not take it
 * for one modified a moment ago (which it decodes each time). */
static void
age_file (const char *path, int hours)
{
  struct timespec t[2];

  clock_gettime (CLOCK_REALTIME, &t[0]);
  t[0].tv_sec -= 3600 * hours;
  t[1] = t[0];
  g_assert_cmpint (utimensat (AT_FDCWD, path, t, 0), ==, 0);
}

/* Picture p, random but seeded by seed, written to path. */
static void
write_picture (const char *path, const Picture *p, guint32 seed)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  const gsize len = (gsize) p->w * p->h * p->comp;
  g_autofree guint8 *px = g_new (guint8, len);
  g_autofree char *parent = g_path_get_dirname (path);

  for (gsize k = 0; k < len; k++)
    px[k] = (guint8) g_rand_int_range (rng, 0, 256);
  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  if (g_str_has_suffix (path, ".jpg"))
    g_assert_true (stbi_write_jpg (path, p->w, p->h, p->comp, px, 90));
  else if (g_str_has_suffix (path, ".bmp"))
    g_assert_true (stbi_write_bmp (path, p->w, p->h, p->comp, px));
  else
    g_assert_true (stbi_write_png (path, p->w, p->h, p->comp, px, p->w * p->comp));
  age_file (path, 1);
}

static void
decode_expected (Fixture *f)
{
  for (int i = 0; i < N_FILES; i++)
    {
      g_autoptr(GError) error = NULL;
      if (!fl_image_load (f->names[i], S, f->expected + i * IMG, &error))
        memset (f->expected + i * IMG, 0, IMG);
    }
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->root = g_dir_make_tmp ("fl-image-cache-XXXXXX", NULL);
  f->images = g_build_filename (f->root, "images", NULL);
  f->cache = g_build_filename (f->root, "cache", NULL);
  f->names = g_new0 (char *, N_FILES + 1);
  for (int i = 0; i < N_FILES; i++)
    f->names[i] = g_build_filename (f->images, files[i].name, NULL);
  for (int i = 0; i < N_GOOD; i++)
    write_picture (f->names[i], &files[i], (guint32) i + 1);
  g_assert_true (g_file_set_contents (f->names[N_GOOD], "\x89PNG\r\n\x1a\n not really", -1, NULL));
  age_file (f->names[N_GOOD], 1);
  f->expected = g_malloc (N_FILES * IMG);
  decode_expected (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fl_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->images);
  g_free (f->cache);
  g_strfreev (f->names);
  g_free (f->expected);
}

typedef struct {
  int hits, decodes, entries;  /* entries: read from the cache file */
} Counts;

/* Loads the fixture's files through a new cache over f->cache; checks the
 * bytes against a plain decode and the broken file's message against
 * fl_image_load()'s. */
static Counts
load (Fixture *f)
{
  g_autoptr(FlImageCache) cache = fl_image_cache_new_in (f->cache, f->images, S, FL_IMAGE_FIT_SQUASH);
  g_autofree guint8 *out = g_malloc (N_FILES * IMG);
  GError *errors[N_FILES] = { NULL };
  g_autoptr(GError) plain = NULL;
  guint8 scratch[IMG];
  Counts c;

  g_assert_nonnull (cache);
  c.entries = fl_image_cache_n_entries (cache);
  memset (out, 0xAB, N_FILES * IMG);
  g_assert_true (fl_image_load_many_cached (cache, (const char *const *) f->names, NULL, NULL,
                                            N_FILES, S, FL_IMAGE_FIT_SQUASH, out, errors, 2, NULL, NULL, NULL));
  g_assert_cmpmem (out, N_FILES * IMG, f->expected, N_FILES * IMG);
  for (int i = 0; i < N_GOOD; i++)
    g_assert_no_error (errors[i]);
  g_assert_false (fl_image_load (f->names[N_GOOD], S, scratch, &plain));
  g_assert_nonnull (errors[N_GOOD]);
  g_assert_cmpstr (errors[N_GOOD]->message, ==, plain->message);
  g_error_free (errors[N_GOOD]);
  c.hits = fl_image_cache_hits (cache);
  c.decodes = fl_image_cache_decodes (cache);
  return c;
}

static char *
cache_file (Fixture *f)
{
  g_autoptr(FlImageCache) cache = fl_image_cache_new_in (f->cache, f->images, S, FL_IMAGE_FIT_SQUASH);

  return g_strdup (fl_image_cache_path (cache));
}

static void
test_hit (Fixture *f, gconstpointer data)
{
  g_autofree char *path = cache_file (f);
  Counts c;
  struct stat st;

  c = load (f);
  g_assert_cmpint (c.entries, ==, 0);
  g_assert_cmpint (c.hits, ==, 0);
  g_assert_cmpint (c.decodes, ==, N_FILES);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* the broken file is not cached: decoded, and refused, again */
  c = load (f);
  g_assert_cmpint (c.entries, ==, N_GOOD);
  g_assert_cmpint (c.hits, ==, N_GOOD);
  g_assert_cmpint (c.decodes, ==, 1);
}

/* Puts another picture of the same byte count and mtime in the place of
 * files[i] (a BMP): in place keeps the inode (the ctime changes), otherwise
 * a new file is renamed over it. */
static void
rewrite_same_size (Fixture *f, int i, gboolean in_place)
{
  g_autofree char *tmp = g_strconcat (f->names[i], ".new.bmp", NULL);
  g_autofree char *fresh = NULL;
  struct stat st, st_new;
  gsize len;

  g_assert_cmpint (g_stat (f->names[i], &st), ==, 0);
  write_picture (tmp, &files[i], 1000 + (guint32) i);
  g_assert_cmpint (utimensat (AT_FDCWD, tmp, (struct timespec[2]) { st.st_atim, st.st_mtim }, 0),
                   ==, 0);
  g_assert_cmpint (g_stat (tmp, &st_new), ==, 0);
  g_assert_cmpint (st_new.st_size, ==, st.st_size);
  if (in_place)
    {
      int fd = g_open (f->names[i], O_WRONLY, 0);

      g_assert_true (g_file_get_contents (tmp, &fresh, &len, NULL));
      g_assert_cmpint (pwrite (fd, fresh, len, 0), ==, (gssize) len);
      g_assert_cmpint (futimens (fd, (struct timespec[2]) { st.st_atim, st.st_mtim }), ==, 0);
      close (fd);
      g_assert_cmpint (g_remove (tmp), ==, 0);
    }
  else
    g_assert_cmpint (g_rename (tmp, f->names[i]), ==, 0);
}

static void
test_changed (Fixture *f, gconstpointer data)
{
  Counts c;

  load (f);
  /* touched: only the mtime differs */
  age_file (f->names[0], 2);
  /* replaced by a file of the same size and mtime: another inode */
  rewrite_same_size (f, 1, FALSE);
  /* rewritten in place, mtime put back: only the ctime tells */
  rewrite_same_size (f, 4, TRUE);
  decode_expected (f);
  c = load (f);
  g_assert_cmpint (c.hits, ==, N_GOOD - 3);
  g_assert_cmpint (c.decodes, ==, 3 + 1);
  /* and they are cached again, with their new keys */
  c = load (f);
  g_assert_cmpint (c.hits, ==, N_GOOD);
}

/* A file written a moment ago may change again within the clock's tick
 * without its key changing: it is decoded every time until it is older. */
static void
test_racy (Fixture *f, gconstpointer data)
{
  Counts c;

  g_assert_cmpint (utimensat (AT_FDCWD, f->names[2], NULL, 0), ==, 0);
  load (f);
  c = load (f);
  g_assert_cmpint (c.hits, ==, N_GOOD - 1);
  g_assert_cmpint (c.decodes, ==, 2);
  age_file (f->names[2], 1);
  load (f);
  c = load (f);
  g_assert_cmpint (c.hits, ==, N_GOOD);
}

typedef void (*Damage) (const char *path, gsize size);

static void
put_le32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, 4);
}

/* Rewrites the header's bytes [at, at + 4) to v and its checksum to match,
 * as a hostile file would. */
static void
patch_header (const char *path, int at, guint32 v)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >=, FL_CACHE_HEADER_BYTES);
  put_le32 ((guint8 *) data + at, v);
  put_le32 ((guint8 *) data + 40, fl_cache_crc ((guint8 *) data, 40));
  g_assert_true (g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_NONE,
                                           0600, NULL));
}

static void
flip_byte (const char *path, gsize at)
{
  int fd = g_open (path, O_RDWR, 0);
  guint8 b;

  g_assert_cmpint (pread (fd, &b, 1, (off_t) at), ==, 1);
  b ^= 0x01;
  g_assert_cmpint (pwrite (fd, &b, 1, (off_t) at), ==, 1);
  close (fd);
}

static void damage_magic (const char *p, gsize n)   { flip_byte (p, 2); }
static void damage_header (const char *p, gsize n)  { flip_byte (p, 21); }
static void damage_index (const char *p, gsize n)   { flip_byte (p, n - 3); }
static void damage_truncate (const char *p, gsize n) { g_assert_cmpint (truncate (p, (off_t) n - 100), ==, 0); }
static void damage_short (const char *p, gsize n)   { g_assert_cmpint (truncate (p, 10), ==, 0); }
static void damage_empty (const char *p, gsize n)   { g_assert_cmpint (truncate (p, 0), ==, 0); }
static void damage_grow (const char *p, gsize n)    { g_assert_cmpint (truncate (p, (off_t) n + 1), ==, 0); }
static void damage_count (const char *p, gsize n)   { patch_header (p, 20, G_MAXUINT32); }
static void damage_count1 (const char *p, gsize n)  { patch_header (p, 20, N_GOOD + 1); }
static void damage_index_len (const char *p, gsize n) { patch_header (p, 28, G_MAXUINT32); }
static void damage_size (const char *p, gsize n)    { patch_header (p, 16, S * 2); }
static void damage_version (const char *p, gsize n) { patch_header (p, 8, FL_CACHE_FORMAT + 1); }
static void damage_stamp (const char *p, gsize n)   { patch_header (p, 12, 12345); }

static void
damage_garbage (const char *p, gsize n)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (7);
  g_autofree guint8 *junk = g_new (guint8, n);

  for (gsize k = 0; k < n; k++)
    junk[k] = (guint8) g_rand_int (rng);
  g_assert_true (g_file_set_contents_full (p, (char *) junk, (gssize) n, G_FILE_SET_CONTENTS_NONE,
                                           0600, NULL));
}

static void
test_corrupt (Fixture *f, gconstpointer data)
{
  const Damage damages[] = {
    damage_magic, damage_header, damage_index, damage_truncate, damage_short, damage_empty,
    damage_grow, damage_count, damage_count1, damage_index_len, damage_size, damage_version,
    damage_stamp, damage_garbage,
  };
  g_autofree char *path = cache_file (f);

  for (guint d = 0; d < G_N_ELEMENTS (damages); d++)
    {
      struct stat st;
      Counts c;

      load (f);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      damages[d] (path, (gsize) st.st_size);
      /* ignored: every image decoded, right, and the file rewritten */
      c = load (f);
      g_assert_cmpint (c.entries, ==, 0);
      g_assert_cmpint (c.decodes, ==, N_FILES);
      c = load (f);
      g_assert_cmpint (c.hits, ==, N_GOOD);
    }
}

/* One entry's pixels damaged: that image alone is decoded again. */
static void
test_corrupt_pixels (Fixture *f, gconstpointer data)
{
  g_autofree char *path = cache_file (f);
  Counts c;

  load (f);
  flip_byte (path, FL_CACHE_HEADER_BYTES + 2 * IMG + 17);
  c = load (f);
  g_assert_cmpint (c.entries, ==, N_GOOD);
  g_assert_cmpint (c.hits, ==, N_GOOD - 1);
  g_assert_cmpint (c.decodes, ==, 2);
  c = load (f);
  g_assert_cmpint (c.hits, ==, N_GOOD);
}

/* Another folder's cache file under this one's name is refused. */
static void
test_foreign (Fixture *f, gconstpointer data)
{
  /* as long as "images": the folder's path differs only in its bytes */
  g_autofree char *other = g_build_filename (f->root, "imageZ", NULL);
  g_autofree char *path = cache_file (f), *other_path = NULL;
  g_autoptr(FlImageCache) cache = NULL;
  g_autofree guint8 *out = g_malloc (IMG);
  const char *names[1];
  g_autofree char *name = g_build_filename (other, "a.png", NULL);
  Counts c;

  write_picture (name, &files[0], 99);
  cache = fl_image_cache_new_in (f->cache, other, S, FL_IMAGE_FIT_SQUASH);
  other_path = g_strdup (fl_image_cache_path (cache));
  names[0] = name;
  g_assert_true (fl_image_load_many_cached (cache, names, NULL, NULL, 1, S, FL_IMAGE_FIT_SQUASH, out, NULL, 1,
                                            NULL, NULL, NULL));
  g_assert_cmpint (g_rename (other_path, path), ==, 0);
  c = load (f);
  g_assert_cmpint (c.entries, ==, 0);
  g_assert_cmpint (c.decodes, ==, N_FILES);
}

/* A load of some of the files keeps the others' entries. */
static void
test_keep_others (Fixture *f, gconstpointer data)
{
  g_autoptr(FlImageCache) cache = NULL;
  g_autofree guint8 *out = g_malloc (IMG);
  Counts c;

  load (f);
  age_file (f->names[0], 3);
  cache = fl_image_cache_new_in (f->cache, f->images, S, FL_IMAGE_FIT_SQUASH);
  g_assert_true (fl_image_load_many_cached (cache, (const char *const *) f->names, NULL, NULL, 1,
                                            S, FL_IMAGE_FIT_SQUASH, out, NULL, 1, NULL, NULL, NULL));
  g_assert_cmpint (fl_image_cache_decodes (cache), ==, 1);
  c = load (f);
  g_assert_cmpint (c.hits, ==, N_GOOD);
}

static guint64
folder_bytes (const char *dir, int *n_files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint64 total = 0;

  *n_files = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      struct stat st;
      g_assert_cmpint (g_stat (p, &st), ==, 0);
      total += (guint64) st.st_size;
      (*n_files)++;
    }
  return total;
}

/* One cache file per S from 24 to 28, the cap three times the first: the
 * last two fit, not a third. */
static void
test_evict (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *out = g_malloc (N_FILES * 3 * 28 * 28);
  g_autofree char *cap_s = NULL;
  guint64 one = 0, total;
  int n;

  for (int s = 24; s <= 28; s++)
    {
      g_autoptr(FlImageCache) cache = fl_image_cache_new_in (f->cache, f->images, s, FL_IMAGE_FIT_SQUASH);
      struct stat st;

      g_assert_true (fl_image_load_many_cached (cache, (const char *const *) f->names, NULL, NULL,
                                                N_FILES, s, FL_IMAGE_FIT_SQUASH, out, NULL, 1, NULL, NULL, NULL));
      if (one == 0)
        {
          g_assert_cmpint (g_stat (fl_image_cache_path (cache), &st), ==, 0);
          one = (guint64) st.st_size;
          cap_s = g_strdup_printf ("%" G_GUINT64_FORMAT, 3 * one);
          g_setenv ("FUSIONLAB_IMAGE_CACHE_BYTES", cap_s, TRUE);
        }
      total = folder_bytes (f->cache, &n);
      g_assert_cmpuint (total, <=, 3 * one);
      /* the newest is there */
      g_assert_true (g_file_test (fl_image_cache_path (cache), G_FILE_TEST_EXISTS));
    }
  total = folder_bytes (f->cache, &n);
  g_assert_cmpint (n, ==, 2);

  /* a cap below one file: nothing is written, nothing is left */
  g_setenv ("FUSIONLAB_IMAGE_CACHE_BYTES", "1000", TRUE);
  load (f);
  total = folder_bytes (f->cache, &n);
  g_assert_cmpint (n, ==, 0);
  g_unsetenv ("FUSIONLAB_IMAGE_CACHE_BYTES");
}

static FlDataset *
load_dataset (Fixture *f, GError **error)
{
  g_autofree char *csv = g_build_filename (f->root, "data.csv", NULL);
  FlDataSpec spec = { .images_dir = f->images, .csv_path = csv, .image_size = S, .n_threads = 2 };
  GString *s = g_string_new ("image,text,label\n");

  for (int i = 0; i < N_FILES; i++)
    g_string_append_printf (s, "%s,t%d,l%d\n", files[i].name, i, i % 2);
  g_assert_true (g_file_set_contents (csv, s->str, -1, NULL));
  g_string_free (s, TRUE);
  return fl_dataset_load (&spec, NULL, NULL, NULL, error);
}

static void
assert_same_dataset (FlDataset *a, FlDataset *b)
{
  g_assert_cmpint (a->n, ==, b->n);
  g_assert_cmpmem (a->images, (gsize) a->n * IMG, b->images, (gsize) b->n * IMG);
  g_assert_cmpint (a->report.n_skipped, ==, b->report.n_skipped);
  g_assert_cmpuint (a->report.reasons->len, ==, b->report.reasons->len);
  for (guint k = 0; k < a->report.reasons->len; k++)
    g_assert_cmpstr (a->report.reasons->pdata[k], ==, b->report.reasons->pdata[k]);
}

/* fl_dataset_load() goes through the user's cache (XDG_CACHE_HOME here):
 * the second load hits it, and gives the samples and reasons that a load
 * without the cache gives. */
static void
test_dataset (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) plain = NULL, first = NULL, second = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "fusionlab", "images", NULL);
  guint hits0, decodes0, hits1, decodes1, hits2, decodes2;
  int before, after;

  g_assert_true (g_str_has_prefix (dir, g_getenv ("XDG_CACHE_HOME")));
  g_setenv ("FUSIONLAB_IMAGE_CACHE", "0", TRUE);
  fl_image_cache_totals (&hits0, &decodes0);
  plain = load_dataset (f, &error);
  g_assert_no_error (error);
  fl_image_cache_totals (&hits1, &decodes1);
  g_assert_cmpuint (hits1 + decodes1, ==, hits0 + decodes0);   /* off: not used */
  g_assert_null (fl_image_cache_new (f->images, S, FL_IMAGE_FIT_SQUASH));

  g_unsetenv ("FUSIONLAB_IMAGE_CACHE");
  folder_bytes (dir, &before);
  first = load_dataset (f, &error);
  g_assert_no_error (error);
  folder_bytes (dir, &after);
  g_assert_cmpint (after, ==, before + 1);
  fl_image_cache_totals (&hits1, &decodes1);
  second = load_dataset (f, &error);
  g_assert_no_error (error);
  fl_image_cache_totals (&hits2, &decodes2);
  g_assert_cmpuint (hits2 - hits1, ==, N_GOOD);
  g_assert_cmpuint (decodes2 - decodes1, ==, 1);
  g_assert_cmpint (plain->report.n_skipped, ==, 1);
  assert_same_dataset (plain, first);
  assert_same_dataset (plain, second);
}

/* FUSIONLAB_IMAGE_CACHE=0: no cache, nothing written. */
static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(FlImageCache) cache = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "fusionlab", "images", NULL);
  int before, after;

  folder_bytes (dir, &before);
  g_setenv ("FUSIONLAB_IMAGE_CACHE", "0", TRUE);
  g_assert_null (fl_image_cache_new (f->images, S, FL_IMAGE_FIT_SQUASH));
  ds = load_dataset (f, &error);
  g_assert_no_error (error);
  folder_bytes (dir, &after);
  g_assert_cmpint (after, ==, before);
  g_unsetenv ("FUSIONLAB_IMAGE_CACHE");
  cache = fl_image_cache_new (f->images, S, FL_IMAGE_FIT_SQUASH);
  g_assert_nonnull (cache);
}

/* A cache of another S is a programmer's mistake: a critical, and the
 * images decoded at the S asked for, without the cache. */
static void
test_wrong_size (Fixture *f, gconstpointer data)
{
  g_autoptr(FlImageCache) cache = fl_image_cache_new_in (f->cache, f->images, S, FL_IMAGE_FIT_SQUASH);
  g_autofree guint8 *out = g_malloc (N_FILES * 3 * 8 * 8), *one = g_malloc (3 * 8 * 8);

  g_test_expect_message ("fl-image-cache", G_LOG_LEVEL_CRITICAL, "*S == cache->S*");
  g_assert_true (fl_image_load_many_cached (cache, (const char *const *) f->names, NULL, NULL,
                                            N_FILES, 8, FL_IMAGE_FIT_SQUASH, out, NULL, 1, NULL, NULL, NULL));
  g_test_assert_expected_messages ();
  g_assert_true (fl_image_load (f->names[0], 8, one, NULL));
  g_assert_cmpmem (out, 3 * 8 * 8, one, 3 * 8 * 8);
  g_assert_false (g_file_test (fl_image_cache_path (cache), G_FILE_TEST_EXISTS));
}

/* Loads the fixture at fit through a cache over f->cache: the bytes those
 * of a decode at that fit without a cache; the cache's counts. */
static Counts
load_fit (Fixture *f, FlImageFit fit, guint8 *out, char **path)
{
  g_autoptr(FlImageCache) cache = fl_image_cache_new_in (f->cache, f->images, S, fit);
  g_autofree guint8 *plain = g_malloc (N_FILES * IMG);

  g_assert_true (fl_image_load_many_cached (NULL, (const char *const *) f->names, NULL, NULL,
                                            N_FILES, S, fit, plain, NULL, 1, NULL, NULL, NULL));
  g_assert_true (fl_image_load_many_cached (cache, (const char *const *) f->names, NULL, NULL,
                                            N_FILES, S, fit, out, NULL, 2, NULL, NULL, NULL));
  g_assert_cmpmem (out, N_FILES * IMG, plain, N_FILES * IMG);
  *path = g_strdup (fl_image_cache_path (cache));
  return (Counts) { fl_image_cache_hits (cache), fl_image_cache_decodes (cache),
                    fl_image_cache_n_entries (cache) };
}

/* The fit is part of the key: a crop's pixels are never read for a squash
 * or a pad, each fit keeps its own file, and a file of one fit renamed to
 * another's name is ignored (its stamp). The squash file is the one of
 * before fits (its name and stamp). */
static void
test_fit (Fixture *f, gconstpointer data)
{
  g_autofree guint8 *squash = g_malloc (N_FILES * IMG), *crop = g_malloc (N_FILES * IMG);
  g_autofree guint8 *pad = g_malloc (N_FILES * IMG);
  g_autofree char *squash_path = NULL, *crop_path = NULL, *pad_path = NULL, *again = NULL;
  g_autofree char *old = cache_file (f);
  Counts c;

  c = load_fit (f, FL_IMAGE_FIT_SQUASH, squash, &squash_path);
  g_assert_cmpstr (squash_path, ==, old);
  g_assert_cmpmem (squash, N_FILES * IMG, f->expected, N_FILES * IMG);
  g_assert_cmpint (c.decodes, ==, N_FILES);
  c = load_fit (f, FL_IMAGE_FIT_CROP, crop, &crop_path);
  g_assert_cmpint (c.hits, ==, 0);
  g_assert_cmpint (c.decodes, ==, N_FILES);
  g_assert_cmpstr (crop_path, !=, squash_path);
  /* a.png is 40×30: its crop is not its squash; b.bmp is 16×16: the same */
  g_assert_true (memcmp (crop, squash, IMG) != 0);
  g_assert_cmpmem (crop + IMG, IMG, squash + IMG, IMG);
  c = load_fit (f, FL_IMAGE_FIT_CROP, crop, &again);
  g_assert_cmpint (c.hits, ==, N_GOOD);
  g_clear_pointer (&again, g_free);
  c = load_fit (f, FL_IMAGE_FIT_SQUASH, squash, &again);
  g_assert_cmpint (c.hits, ==, N_GOOD);
  g_assert_cmpmem (squash, N_FILES * IMG, f->expected, N_FILES * IMG);

  /* the crop's file under the pad's name: refused by its stamp */
  load_fit (f, FL_IMAGE_FIT_PAD, pad, &pad_path);
  g_assert_cmpint (g_rename (crop_path, pad_path), ==, 0);
  g_clear_pointer (&again, g_free);
  c = load_fit (f, FL_IMAGE_FIT_PAD, pad, &again);
  g_assert_cmpint (c.entries, ==, 0);
  g_assert_cmpint (c.hits, ==, 0);
  g_assert_true (memcmp (pad, crop, IMG) != 0);
}

#define ADD(name, fn) g_test_add ("/image-cache/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("fl-image-cache-home-XXXXXX", NULL);
  int status;

  /* before GLib reads it: g_get_user_cache_dir() keeps the first answer */
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_unsetenv ("FUSIONLAB_IMAGE_CACHE");
  g_unsetenv ("FUSIONLAB_IMAGE_CACHE_BYTES");
  g_test_init (&argc, &argv, NULL);
  ADD ("hit", test_hit);
  ADD ("changed", test_changed);
  ADD ("racy", test_racy);
  ADD ("corrupt", test_corrupt);
  ADD ("corrupt-pixels", test_corrupt_pixels);
  ADD ("foreign", test_foreign);
  ADD ("keep-others", test_keep_others);
  ADD ("evict", test_evict);
  ADD ("wrong-size", test_wrong_size);
  ADD ("fit", test_fit);
  ADD ("dataset", test_dataset);
  ADD ("disabled", test_disabled);
  status = g_test_run ();
  fl_test_remove_tree (home);
  return status;
}
