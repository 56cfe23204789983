/* SPDX-License-Identifier: MIT
 *
 * test-dataset-util.h — the scratch data folder the dataset tests build
 * (test-dataset, test-dataset-branches): a temp folder with images/ and the
 * CSVs, its little grey PNGs, its CSVs, and its removal.
 */
#pragma once

#include "fl-test-util.h"

#include <stb_image_write.h>
#include <string.h>

typedef struct {
  char *root;     /* a temp folder holding images/ and the CSVs */
  char *images;
} Fixture;

/* A 4×4 PNG of one grey at dir/rel, its folders made. */
static inline void
write_png (const char *dir, const char *rel, guint8 grey)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  guint8 px[4 * 4 * 3];

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  memset (px, grey, sizeof px);
  g_assert_true (stbi_write_png (path, 4, 4, 3, px, 4 * 3));
}

static inline void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fl_test_remove_tree (f->root);
  g_free (f->root);
  g_free (f->images);
}

/* Writes contents to root/name; returns the path (free it). */
static inline char *
write_csv (Fixture *f, const char *name, const char *contents)
{
  char *path = g_build_filename (f->root, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}
