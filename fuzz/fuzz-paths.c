/* SPDX-License-Identifier: MIT
 *
 * fuzz-paths.c — a property target for path containment (SPEC §3: "a path
 * in the CSV never reaches outside the chosen image folder"). The input is
 * a CSV image cell; it is resolved against a small image tree the way the
 * dataset loader does (fl_image_tree_resolve), and whatever comes back must,
 * with every link resolved, be a regular file inside the root's real path.
 * A violation aborts.
 *
 * The tree, in the scratch folder:
 *   root/a.png  root/cats/1.png  root/dogs/1.png  root/cats/.hidden.png
 *   root/..\up.png  (a file whose name holds a backslash: a separator
 *                    in a cell, a plain character on disk)
 *   root/inside.png -> cats/1.png          (a link that stays inside)
 *   root/escape.png -> ../outside/secret.png
 *   root/out -> ../outside                 (a folder link that leaves)
 *   outside/secret.png  outside/cats/1.png
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-paths.h"
#include "fuzz-util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static FlImageTree *tree;
static char *root_real;  /* realpath (root) + "/" */

/* Creates the file dir/rel (and its folders) holding a few bytes. */
static void
make_file (const char *dir, const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  if (g_mkdir_with_parents (parent, 0755) != 0 ||
      !g_file_set_contents (path, "not an image", -1, NULL))
    g_error ("cannot create %s", path);
}

static void
make_link (const char *dir, const char *rel, const char *target)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);

  if (symlink (target, path) != 0)
    g_error ("cannot link %s", path);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  const char *scratch = fl_fuzz_init ();
  g_autofree char *root = g_build_filename (scratch, "root", NULL);
  g_autofree char *outside = g_build_filename (scratch, "outside", NULL);
  const char *files[] = { "a.png", "cats/1.png", "dogs/1.png", "cats/.hidden.png", "..\\up.png" };
  char real[PATH_MAX];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    make_file (root, files[i]);
  make_file (outside, "secret.png");
  make_file (outside, "cats/1.png");
  make_link (root, "inside.png", "cats/1.png");
  make_link (root, "escape.png", "../outside/secret.png");
  make_link (root, "out", "../outside");
  tree = fl_image_tree_scan (root, NULL, &error);
  if (tree == NULL || realpath (root, real) == NULL)
    g_error ("cannot scan %s", root);
  root_real = g_strconcat (real, "/", NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *cell = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fl_image_tree_resolve (tree, cell, &error);
  char real[PATH_MAX];

  if (path == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }
  if (realpath (path, real) == NULL || !g_str_has_prefix (real, root_real) ||
      !g_file_test (real, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("\"%s\" resolved to %s, outside %s\n", cell, path, root_real);
      abort ();
    }
  return 0;
}
