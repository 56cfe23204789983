/* SPDX-License-Identifier: MIT
 *
 * fuzz-image-cache.c — a decoded-image cache file (fl-image-cache.h) from
 * arbitrary bytes: it is opened as the cache of the folder "/" at S = 4
 * (a folder whose real path is the same in every process, so that seeds
 * made elsewhere still match it), every entry it lists is read back, and
 * then the cache is written again from what survived. A property target:
 * the file written from a hostile one must read back whole (as many
 * entries as read back intact before, each intact again), or it aborts.
 *
 * Each input is tried twice: as it is, and with its header made to agree
 * with it (the current decoder stamp, the index taken to be whatever
 * follows n·3·S·S bytes of pixels, both checksums recomputed), so that
 * the fuzzer gets past the checksums to the index's parser.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-image-cache.h"
#include "fl-image-cache-private.h"
#include "fuzz-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define SIZE 4
#define FOLDER "/"

static char *dir;    /* the cache folder, in the scratch folder */
static char *path;   /* the cache file of FOLDER at SIZE there */

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr(FlImageCache) cache = NULL;

  dir = g_build_filename (fl_fuzz_init (), "cache", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    g_error ("cannot create %s", dir);
  cache = fl_image_cache_new_in (dir, FOLDER, SIZE, FL_IMAGE_FIT_SQUASH);
  path = g_strdup (fl_image_cache_path (cache));
  /* no cap from the environment: every input is small */
  g_unsetenv ("FUSIONLAB_IMAGE_CACHE_BYTES");
  return 0;
}

/* The entries of the cache file that read back intact. */
static int
count_intact (FlImageCache *cache)
{
  guint8 out[3 * SIZE * SIZE];
  int n = 0;

  for (int k = 0; k < fl_image_cache_n_entries (cache); k++)
    n += fl_image_cache_read_entry (cache, k, out);
  return n;
}

static void
put_u32 (guint8 *p, guint32 v)
{
  v = GUINT32_TO_LE (v);
  memcpy (p, &v, sizeof v);
}

/* data's header made to agree with the rest of data; FALSE when data is
 * too short for a header or its counts leave no room for an index. */
static gboolean
fix_header (guint8 *data, gsize size)
{
  guint64 index_off, index_bytes;

  if (size < FL_CACHE_HEADER_BYTES)
    return FALSE;
  put_u32 (data + 12, fl_cache_decoder_stamp (FL_IMAGE_FIT_SQUASH));
  index_off = FL_CACHE_HEADER_BYTES + (guint64) fl_cache_get_u32 (data + 20) * 3 * SIZE * SIZE;
  if (index_off >= size)
    return FALSE;
  index_bytes = size - index_off;
  index_bytes = GUINT64_TO_LE (index_bytes);
  memcpy (data + 28, &index_bytes, sizeof index_bytes);
  put_u32 (data + 36, fl_cache_crc (data + index_off, size - index_off));
  put_u32 (data + 40, fl_cache_crc (data, 40));
  return TRUE;
}

static void
try_file (const guint8 *data, gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlImageCache) cache = NULL, again = NULL;
  int intact;

  if (!g_file_set_contents_full (path, (const char *) data, (gssize) size,
                                 G_FILE_SET_CONTENTS_NONE, 0600, &error))
    g_error ("cannot write %s: %s", path, error->message);
  cache = fl_image_cache_new_in (dir, FOLDER, SIZE, FL_IMAGE_FIT_SQUASH);
  g_assert (cache != NULL);
  intact = count_intact (cache);

  fl_image_cache_begin (cache, NULL, 0, SIZE, FL_IMAGE_FIT_SQUASH);
  if (!fl_image_cache_save (cache, NULL, &error))
    g_error ("%s", error->message);
  again = fl_image_cache_new_in (dir, FOLDER, SIZE, FL_IMAGE_FIT_SQUASH);
  g_assert (fl_image_cache_n_entries (again) == intact);
  g_assert (count_intact (again) == intact);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree guint8 *fixed = g_memdup2 (data, size);

  try_file (data, size);
  if (fix_header (fixed, size))
    try_file (fixed, size);
  return 0;
}
