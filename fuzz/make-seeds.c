/* SPDX-License-Identifier: MIT
 *
 * make-seeds.c — writes the seed files that fuzz/make-corpus.py cannot get
 * from fusionlab-cli: small images in every format stb_image_write knows
 * (PNG, BMP, TGA, JPEG; grey, grey+alpha, RGB, RGBA) and small safetensors
 * files written by the engine's own fl_safetensors_save(); cache files of
 * the decoded-image cache holding some of those images, as
 * fuzz-image-cache opens them (the folder "/", S = 4); and model files of
 * version 2 with audio and numeric branches (fl_model_file_save()), which
 * fusionlab-cli cannot train without data of those kinds.
 *
 *   make-seeds OUT-DIR      (writes OUT-DIR/image/…, OUT-DIR/safetensors/…,
 *                            OUT-DIR/image-cache/… and OUT-DIR/model/…)
 *
 * Built on demand only: meson compile -C build fuzz/make-seeds.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-image-cache.h"
#include "fl-predictor.h"
#include "fl-safetensors.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <stb_image_write.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* A w×h picture of comp channels: a gradient, with alpha (if any) falling
 * from opaque to transparent along the rows. */
static guint8 *
picture (int w, int h, int comp)
{
  guint8 *pix = g_malloc ((gsize) w * h * comp);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < comp; c++)
        pix[(y * w + x) * comp + c] = (guint8) (c == comp - 1 && comp % 2 == 0
                                                ? 255 - 60 * y
                                                : 40 * x + 25 * y + 70 * c);
  return pix;
}

static void
write_images (const char *dir)
{
  for (int comp = 1; comp <= 4; comp++)
    {
      int w = 3 + comp, h = 2 + comp % 3;
      g_autofree guint8 *pix = picture (w, h, comp);
      g_autofree char *png = g_strdup_printf ("%s/c%d.png", dir, comp);
      g_autofree char *bmp = g_strdup_printf ("%s/c%d.bmp", dir, comp);
      g_autofree char *tga = g_strdup_printf ("%s/c%d.tga", dir, comp);
      g_autofree char *raw = g_strdup_printf ("%s/c%d-raw.tga", dir, comp);
      g_autofree char *jpg = g_strdup_printf ("%s/c%d.jpg", dir, comp);
      gboolean ok;

      ok = stbi_write_png (png, w, h, comp, pix, w * comp) &&
           stbi_write_bmp (bmp, w, h, comp, pix) &&
           stbi_write_tga (tga, w, h, comp, pix);
      stbi_write_tga_with_rle = 0;
      ok = ok && stbi_write_tga (raw, w, h, comp, pix);
      stbi_write_tga_with_rle = 1;
      if (!ok || !stbi_write_jpg (jpg, w, h, comp, pix, 50 + 10 * comp))
        g_error ("cannot write the images in %s", dir);
    }
}

/* A safetensors file holding the first n of a few small tensors, and
 * metadata if with_metadata. */
static void
write_safetensors (const char *path, int n, gboolean with_metadata)
{
  static const float data[24] = { 0, 1, -1, 0.5f, 2, 3, 4, 5, 6, 7, 8, 9,
                                  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21 };
  const FlStTensor tensors[] = {
    { "bias", 1, { 3 }, data },
    { "weight", 2, { 2, 3 }, data + 3 },
    { "conv.weight", 4, { 2, 1, 1, 3 }, data + 9 },
    { "scalar", 0, { 0 }, data + 23 },
  };
  g_autoptr(GHashTable) md = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;

  g_hash_table_insert (md, "config", "{\"image_size\": 4}");
  g_hash_table_insert (md, "vocab", "[\"a\", \"b\"]");
  if (!fl_safetensors_save (path, tensors, n, with_metadata ? md : NULL, &error))
    g_error ("%s", error->message);
}

/* The cache of the folder "/" at S = 4 after a load of the first n of
 * names (absolute paths), copied to out. */
static void
write_image_cache (const char *out, const char *const *names, int n)
{
  g_autofree char *tmp = g_dir_make_tmp ("fl-seeds-XXXXXX", NULL);
  g_autoptr(FlImageCache) cache = fl_image_cache_new_in (tmp, "/", 4, FL_IMAGE_FIT_SQUASH);
  g_autofree guint8 *pixels = g_malloc ((gsize) MAX (n, 1) * 3 * 4 * 4);
  g_autofree char *data = NULL;
  gsize len;

  if (!fl_image_load_many_cached (cache, names, NULL, NULL, n, 4, FL_IMAGE_FIT_SQUASH, pixels, NULL, 1, NULL, NULL,
                                  NULL) ||
      !g_file_get_contents (fl_image_cache_path (cache), &data, &len, NULL) ||
      !g_file_set_contents (out, data, (gssize) len, NULL))
    g_error ("cannot write %s", out);
  g_remove (fl_image_cache_path (cache));
  g_rmdir (tmp);
}

/* dir/to: the first len bytes of dir/from (0: half of them). */
static void
cut_file (const char *dir, const char *from, const char *to, gsize len)
{
  g_autofree char *src = g_build_filename (dir, from, NULL), *dst = g_build_filename (dir, to, NULL);
  g_autofree char *data = NULL;
  gsize size;

  if (!g_file_get_contents (src, &data, &size, NULL) ||
      !g_file_set_contents (dst, data, (gssize) MIN (len > 0 ? len : size / 2, size), NULL))
    g_error ("cannot write %s", dst);
}

/* Cache files of 1 to 4 of the images in images (their times put an hour
 * back: the cache keeps no file modified a moment ago), and one where a
 * fifth file, which does not decode, is left out. */
static void
write_image_caches (const char *images, const char *dir)
{
  const char *files[] = { "c1.png", "c2.bmp", "c3.tga", "c4.jpg" };
  g_autofree char *real = realpath (images, NULL);
  g_autofree char *tmp = g_dir_make_tmp ("fl-seeds-XXXXXX", NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  struct timespec t[2];

  clock_gettime (CLOCK_REALTIME, &t[0]);
  t[0].tv_sec -= 3600;
  t[1] = t[0];
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_ptr_array_add (names, g_build_filename (real, files[i], NULL));
  g_ptr_array_add (names, g_build_filename (tmp, "broken.png", NULL));
  if (!g_file_set_contents (names->pdata[names->len - 1], "not an image", -1, NULL))
    g_error ("cannot write in %s", tmp);
  for (guint i = 0; i < names->len; i++)
    if (utimensat (AT_FDCWD, names->pdata[i], t, 0) != 0)
      g_error ("cannot age %s", (char *) names->pdata[i]);
  for (int n = 1; n <= (int) names->len; n++)
    {
      g_autofree char *out = g_strdup_printf ("%s/cache-%d.flic", dir, n);
      write_image_cache (out, (const char *const *) names->pdata, n);
    }
  cut_file (dir, "cache-4.flic", "cache-4-half.flic", 0);
  cut_file (dir, "cache-4.flic", "cache-4-header.flic", 44);
  g_remove (names->pdata[names->len - 1]);
  g_rmdir (tmp);
}

/* A tiny model of fusion over branches (a mask; 0 for a unimodal route),
 * its weights drawn from seed, with every statistic its branches need,
 * saved to dir/name. */
static void
write_model (const char *dir, const char *name, FlFusion fusion, guint branches,
             gboolean numeric_names, guint64 seed)
{
  static const char *const tokens[] = { "red", "green", "blue" };
  static const char *const classes[] = { "cat", "dog", NULL };
  static float audio_mean[8] = { -12, -11, -10, -9, -9, -10, -11, -12 };
  static float audio_std[8] = { 2, 2, 2.5f, 3, 3, 2.5f, 2, 2 };
  static float numeric_mean[2] = { 170, 65 }, numeric_std[2] = { 10, 12 };
  char *names[] = { "height", "weight", NULL };
  FlInputStats st = { .image_mean = { 0.5f, 0.4f, 0.3f }, .image_std = { 0.2f, 0.25f, 0.3f },
                      .audio_mels = 8, .audio_mean = audio_mean, .audio_std = audio_std,
                      .n_numeric = 2, .numeric_mean = numeric_mean, .numeric_std = numeric_std,
                      .numeric_names = numeric_names ? names : NULL };
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FlVocab *vocab = fl_vocab_new_from_tokens (tokens, 3);
  FlModel *model;
  FlConfig c;

  fl_config_init_default (&c);
  c.image_size = 4, c.conv1 = 2, c.conv2 = 2, c.feat_dim = 3, c.text_hidden = 3;
  c.head_hidden = 3, c.vocab_size = 3, c.n_classes = 2, c.fusion = fusion, c.rank = 2;
  c.branches = branches, c.audio_mels = 8, c.audio_frames = 8, c.audio_conv1 = 2;
  c.audio_conv2 = 2, c.n_numeric = 2, c.numeric_hidden = 3;
  if ((model = fl_model_new (&c, seed, &error)) == NULL ||
      !fl_model_file_save (path, model, vocab, classes, &st, &error))
    g_error ("cannot write %s: %s", path, error->message);
  fl_model_free (model);
  fl_vocab_free (vocab);
}

/* Model files of version 2: the routes over three and four branches and
 * the audio and numeric baselines, with and without column names. */
static void
write_models (const char *dir)
{
  const guint all = FL_BRANCHES_ALL;
  const guint tan = all & ~FL_BRANCH_BIT (FL_BRANCH_IMAGE);

  write_model (dir, "v2-concat-all.safetensors", FL_FUSION_CONCAT, all, TRUE, 1);
  write_model (dir, "v2-gated-text-audio-numeric.safetensors", FL_FUSION_GATED, tan, TRUE, 2);
  write_model (dir, "v2-late-image-numeric.safetensors", FL_FUSION_LATE,
               FL_BRANCH_BIT (FL_BRANCH_IMAGE) | FL_BRANCH_BIT (FL_BRANCH_NUMERIC), FALSE, 3);
  write_model (dir, "v2-lowrank-all.safetensors", FL_FUSION_LOWRANK, all, TRUE, 4);
  write_model (dir, "v2-audio.safetensors", FL_FUSION_AUDIO, 0, FALSE, 5);
  write_model (dir, "v2-numeric.safetensors", FL_FUSION_NUMERIC, 0, TRUE, 6);
}

int
main (int argc, char **argv)
{
  g_autofree char *images = NULL;
  g_autofree char *st = NULL;
  g_autofree char *caches = NULL;
  g_autofree char *models = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: make-seeds OUT-DIR\n");
      return 2;
    }
  images = g_build_filename (argv[1], "image", NULL);
  st = g_build_filename (argv[1], "safetensors", NULL);
  caches = g_build_filename (argv[1], "image-cache", NULL);
  models = g_build_filename (argv[1], "model", NULL);
  if (g_mkdir_with_parents (images, 0755) != 0 || g_mkdir_with_parents (st, 0755) != 0 ||
      g_mkdir_with_parents (caches, 0755) != 0 || g_mkdir_with_parents (models, 0755) != 0)
    g_error ("cannot create the folders in %s", argv[1]);
  write_images (images);
  write_image_caches (images, caches);
  write_models (models);
  for (int n = 0; n <= 4; n++)
    for (int md = 0; md <= 1; md++)
      {
        g_autofree char *path = g_strdup_printf ("%s/t%d%s.safetensors", st, n, md ? "-md" : "");
        write_safetensors (path, n, md);
      }
  return 0;
}
