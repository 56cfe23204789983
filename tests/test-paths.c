/* SPDX-License-Identifier: MIT
 *
 * The image folder: scanning a tree with links that leave it, link cycles
 * and hidden files; resolving CSV cells, including every way of trying to
 * get out; opening files beneath the folder, with openat2() and with the
 * fallback walk, including links swapped in after the check; the
 * class-folder name.
 *
 * The scratch tree (made fresh for each test):
 *
 *   base/
 *     outside/secret.png                the file nobody may reach
 *     root-link -> root
 *     root/
 *       a.png  x.gif  y.TGA  z.bmp  notes.txt  fake.png.txt
 *       out.png -> ../outside/secret.png
 *       cats/c1.png  cats/shared.png
 *       cats/inlink.png -> ../a.png      a link that stays inside
 *       cats/evil.png -> ../../outside/secret.png
 *       cats/up -> ..                    a cycle
 *       dogs/D1.JPG  dogs/shared.png  dogs/puppies/p1.jpeg  dogs/puppies/readme.txt
 *       sub/a.png
 *       .hidden/h.png
 *       alias -> dogs                    a folder listed twice
 *       link-out -> ../outside
 *       loop -> .
 *       cyc1 -> cyc2, cyc2 -> cyc1       links that never end
 */
#define G_LOG_DOMAIN "test-paths"

#include "fl-paths.h"
#include "fl-model.h"
#include "fl-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char *base;
  char *root;
} Fixture;

static void
touch (const char *dir, const char *rel)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents_full (path, rel, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
}

static void
link_to (const char *dir, const char *rel, const char *target)
{
  g_autofree char *path = g_build_filename (dir, rel, NULL);
  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  static const char *const files[] = {
    "a.png", "x.gif", "y.TGA", "z.bmp", "notes.txt", "fake.png.txt",
    "cats/c1.png", "cats/shared.png",
    "dogs/D1.JPG", "dogs/shared.png", "dogs/puppies/p1.jpeg", "dogs/puppies/readme.txt",
    "sub/a.png", ".hidden/h.png",
  };
  g_autoptr(GError) error = NULL;

  f->base = g_dir_make_tmp ("fl-test-paths-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->base, "root", NULL);
  touch (f->base, "outside/secret.png");
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    touch (f->root, files[i]);
  link_to (f->base, "root-link", "root");
  link_to (f->root, "out.png", "../outside/secret.png");
  link_to (f->root, "cats/inlink.png", "../a.png");
  link_to (f->root, "cats/evil.png", "../../outside/secret.png");
  link_to (f->root, "cats/up", "..");
  link_to (f->root, "alias", "dogs");
  link_to (f->root, "link-out", "../outside");
  link_to (f->root, "loop", ".");
  link_to (f->root, "cyc1", "cyc2");
  link_to (f->root, "cyc2", "cyc1");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fl_test_remove_tree (f->base);
  g_free (f->root);
  g_free (f->base);
}

/* ---- scanning ----------------------------------------------------------- */

static void
test_scan (Fixture *f, gconstpointer data)
{
  /* sorted; no .txt, nothing hidden, nothing outside, each folder once and
   * under its real name (dogs, not alias), the inside link kept */
  static const char *const expect[] = {
    "a.png", "cats/c1.png", "cats/inlink.png", "cats/shared.png",
    "dogs/D1.JPG", "dogs/puppies/p1.jpeg", "dogs/shared.png",
    "sub/a.png", "x.gif", "y.TGA", "z.bmp",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlImageTree) tree = fl_image_tree_scan (f->root, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (tree);
  g_assert_cmpstr (fl_image_tree_root (tree), ==, f->root);
  for (int i = 0; i < fl_image_tree_n_files (tree); i++)
    g_test_message ("file %d: %s", i, fl_image_tree_file (tree, i));
  g_assert_cmpint (fl_image_tree_n_files (tree), ==, G_N_ELEMENTS (expect));
  for (gsize i = 0; i < G_N_ELEMENTS (expect); i++)
    g_assert_cmpstr (fl_image_tree_file (tree, (int) i), ==, expect[i]);
}

static void
test_scan_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *missing = g_build_filename (f->base, "nowhere", NULL);
  g_autofree char *file = g_build_filename (f->root, "a.png", NULL);
  FlImageTree *tree;

  tree = fl_image_tree_scan (missing, NULL, &error);
  g_assert_null (tree);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "nowhere"));
  g_clear_error (&error);

  tree = fl_image_tree_scan (file, NULL, &error);
  g_assert_null (tree);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "not a folder"));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  tree = fl_image_tree_scan (f->root, cancellable, &error);
  g_assert_null (tree);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ---- resolving ---------------------------------------------------------- */

/* Resolves value, which must give root/expect_rel. */
static void
assert_resolves (FlImageTree *tree, const char *value, const char *expect_rel)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = fl_image_tree_resolve (tree, value, &error);
  g_autofree char *expect = g_build_filename (fl_image_tree_root (tree), expect_rel, NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, expect);
}

/* Resolving value must fail with a FL_ENGINE_ERROR_DATA containing each of
 * the NULL-terminated fragments. */
static void
assert_refused (FlImageTree *tree, const char *value, ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = fl_image_tree_resolve (tree, value, &error);
  const char *frag;
  va_list args;

  g_assert_null (got);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_test_message ("%s", error->message);
  va_start (args, value);
  while ((frag = va_arg (args, const char *)) != NULL)
    g_assert_nonnull (strstr (error->message, frag));
  va_end (args);
}

/* Sound clips are listed beside the images, and a bare clip name is found
 * anywhere in the tree, as a picture's is. */
static void
test_scan_audio (Fixture *f, gconstpointer data)
{
  static const char *const clips[] = { "meow.wav", "cats/purr.FLAC", "dogs/woof.ogg", "sub/s.oga",
                                       "sub/s.mp3" };
  g_autoptr(FlImageTree) tree = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (clips); i++)
    touch (f->root, clips[i]);
  tree = fl_image_tree_scan (f->root, NULL, &error);
  g_assert_no_error (error);
  /* the 11 pictures of test_scan() and four clips; no .mp3 */
  g_assert_cmpint (fl_image_tree_n_files (tree), ==, 15);
  g_assert_cmpstr (fl_image_tree_file (tree, 3), ==, "cats/purr.FLAC");
  got = fl_image_tree_resolve (tree, "woof.ogg", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (got, "/dogs/woof.ogg"));
  assert_refused (tree, "s.mp3", "no file of that name", NULL);
}

static void
test_resolve_found (Fixture *f, gconstpointer data)
{
  g_autoptr(FlImageTree) tree = fl_image_tree_scan (f->root, NULL, NULL);

  assert_resolves (tree, "cats/c1.png", "cats/c1.png");
  assert_resolves (tree, "./cats/c1.png", "cats/c1.png");
  assert_resolves (tree, "cats//c1.png", "cats/c1.png");
  assert_resolves (tree, "sub\\a.png", "sub/a.png");
  assert_resolves (tree, ".\\dogs\\puppies\\p1.jpeg", "dogs/puppies/p1.jpeg");
  /* ".." that stays inside is applied as written */
  assert_resolves (tree, "sub/../cats/c1.png", "cats/c1.png");
  /* a bare name in the root wins over sub/a.png */
  assert_resolves (tree, "a.png", "a.png");
  assert_resolves (tree, "./a.png", "a.png");
  /* bare names found in the tree */
  assert_resolves (tree, "c1.png", "cats/c1.png");
  assert_resolves (tree, "p1.jpeg", "dogs/puppies/p1.jpeg");
  assert_resolves (tree, "D1.JPG", "dogs/D1.JPG");
  /* links that stay inside keep their own path */
  assert_resolves (tree, "cats/inlink.png", "cats/inlink.png");
  assert_resolves (tree, "alias/D1.JPG", "alias/D1.JPG");
  /* a file that is no image by its name is still named; decoding judges it */
  assert_resolves (tree, "notes.txt", "notes.txt");
}

static void
test_resolve_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlImageTree) tree = fl_image_tree_scan (f->root, NULL, NULL);
  g_autofree char *got = NULL;

  assert_refused (tree, "", "empty", NULL);
  got = fl_image_tree_resolve (tree, "/etc/passwd", &error);
  g_assert_null (got);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_cmpstr (error->message, ==,
                   "/etc/passwd: absolute paths are not allowed; paths are relative to the image folder");
  assert_refused (tree, "\\etc\\passwd", "absolute paths are not allowed", NULL);
  assert_refused (tree, "C:\\images\\a.png", "absolute paths are not allowed", NULL);
  assert_refused (tree, "c:/images/a.png", "absolute paths are not allowed", NULL);

  assert_refused (tree, "../secret.png", "../secret.png: the path leads outside the image folder", NULL);
  assert_refused (tree, "../outside/secret.png", "leads outside the image folder", NULL);
  assert_refused (tree, "sub/../../x.png", "sub/../../x.png: the path leads outside", NULL);
  assert_refused (tree, "sub\\..\\..\\outside\\secret.png", "leads outside", NULL);
  assert_refused (tree, "./../root/a.png", "leads outside", NULL);

  /* links that leave, by folder or by file, bare or not */
  assert_refused (tree, "link-out/secret.png", "link-out/secret.png: a symbolic link leads outside", NULL);
  assert_refused (tree, "cats/evil.png", "a symbolic link leads outside", NULL);
  assert_refused (tree, "out.png", "out.png: a symbolic link leads outside", NULL);
  assert_refused (tree, "loop/cats/evil.png", "a symbolic link leads outside", NULL);

  assert_refused (tree, "missing.png", "missing.png: no file of that name", NULL);
  assert_refused (tree, "cats/missing.png", "cats/missing.png: no such file", NULL);
  assert_refused (tree, "a.png/b.png", "no such file", NULL);
  /* hidden folders are not searched for bare names */
  assert_refused (tree, "h.png", "no file of that name", NULL);
  assert_refused (tree, "shared.png", "shared.png: ambiguous", "cats/shared.png",
                  "dogs/shared.png", NULL);
  assert_refused (tree, "cats", "not a regular file", NULL);
  assert_refused (tree, ".", "does not name a file", NULL);
  assert_refused (tree, "cyc1/a.png", "cyc1/a.png: ", NULL);
}

static void
test_resolve_via_linked_root (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *link = g_build_filename (f->base, "root-link", NULL);
  g_autoptr(FlImageTree) tree = fl_image_tree_scan (link, NULL, &error);
  g_autofree char *got = NULL;

  /* the root is reached through a link: paths keep that spelling, and
   * what lies inside the real root is inside */
  g_assert_no_error (error);
  g_assert_cmpstr (fl_image_tree_root (tree), ==, link);
  g_assert_cmpint (fl_image_tree_n_files (tree), ==, 11);
  got = fl_image_tree_resolve (tree, "cats/c1.png", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (got, link));
  g_assert_true (g_str_has_suffix (got, "/cats/c1.png"));
  assert_refused (tree, "out.png", "a symbolic link leads outside", NULL);
}

/* ---- opening ----------------------------------------------------------- */

/* Opens rel beneath the tree and checks that the file holds expect (touch()
 * writes each file's own name into it). */
static void
assert_opens (FlImageTree *tree, const char *rel, const char *expect)
{
  g_autoptr(GError) error = NULL;
  char buf[256];
  int fd = fl_image_tree_open (tree, rel, &error);
  gssize n;

  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  g_assert_cmpint (n, >=, 0);
  buf[n] = '\0';
  g_assert_cmpstr (buf, ==, expect);
}

/* Opening rel must fail with a FL_ENGINE_ERROR_DATA containing words. */
static void
assert_open_refused (FlImageTree *tree, const char *rel, const char *words)
{
  g_autoptr(GError) error = NULL;
  int fd = fl_image_tree_open (tree, rel, &error);

  if (fd >= 0)
    close (fd);
  g_assert_cmpint (fd, ==, -1);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, words));
}

/* data: NULL for openat2(), non-NULL for the fallback walk. */
static FlImageTree *
scan_with (Fixture *f, gconstpointer data)
{
  FlImageTree *tree;

  if (data != NULL)
    g_setenv ("FUSIONLAB_NO_OPENAT2", "1", TRUE);
  tree = fl_image_tree_scan (f->root, NULL, NULL);
  g_unsetenv ("FUSIONLAB_NO_OPENAT2");
  g_assert_nonnull (tree);
  return tree;
}

static void
test_open (Fixture *f, gconstpointer data)
{
  g_autoptr(FlImageTree) tree = scan_with (f, data);
  const char *out_words = data == NULL ? "leads outside" : "not followed";

  assert_opens (tree, "cats/c1.png", "cats/c1.png");
  assert_opens (tree, "dogs/puppies/p1.jpeg", "dogs/puppies/p1.jpeg");
  /* links that leave are refused, by file or by folder, and ".." too */
  assert_open_refused (tree, "out.png", out_words);
  assert_open_refused (tree, "cats/evil.png", out_words);
  assert_open_refused (tree, "link-out/secret.png", out_words);
  assert_open_refused (tree, "../outside/secret.png", "leads outside");
  assert_open_refused (tree, "cats/missing.png", "No such file");
  if (data == NULL)
    {
      /* openat2 follows the links that stay inside */
      assert_opens (tree, "cats/inlink.png", "a.png");
      assert_opens (tree, "alias/D1.JPG", "dogs/D1.JPG");
    }
  else
    {
      /* the walk follows none */
      assert_open_refused (tree, "cats/inlink.png", "not followed");
      assert_open_refused (tree, "alias/D1.JPG", "not followed");
    }
}

/* Replaces the file or folder rel under the root by a link to target. */
static void
swap_for_link (Fixture *f, const char *rel, const char *target)
{
  g_autofree char *path = g_build_filename (f->root, rel, NULL);
  g_autofree char *aside = g_strconcat (path, ".old", NULL);

  g_assert_cmpint (g_rename (path, aside), ==, 0);
  g_assert_cmpint (symlink (target, path), ==, 0);
}

static void
test_open_after_swap (Fixture *f, gconstpointer data)
{
  g_autoptr(FlImageTree) tree = scan_with (f, data);
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL, *folder = NULL;

  /* the check passes while the files are real */
  file = fl_image_tree_resolve (tree, "cats/c1.png", &error);
  g_assert_no_error (error);
  folder = fl_image_tree_resolve (tree, "dogs/D1.JPG", &error);
  g_assert_no_error (error);

  /* then, before the file is opened, each becomes a link out: the file
   * itself, and a folder on its way (outside/D1.JPG is the bait) */
  touch (f->base, "outside/D1.JPG");
  swap_for_link (f, "cats/c1.png", "../../outside/secret.png");
  swap_for_link (f, "dogs", "../outside");
  /* opening by the path resolve gave would read the secret */
  {
    g_autofree char *leak = NULL;
    g_assert_true (g_file_get_contents (file, &leak, NULL, NULL));
    g_assert_cmpstr (leak, ==, "outside/secret.png");
  }
  /* opened beneath the folder, neither is read */
  assert_open_refused (tree, "cats/c1.png", data == NULL ? "leads outside" : "not followed");
  assert_open_refused (tree, "dogs/D1.JPG", data == NULL ? "leads outside" : "not followed");
}

static void
test_parent_name (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "cats/c1.png", "cats" },
    { "a/b/c.png", "b" },
    { "sub\\a.png", "sub" },
    { "./dogs/./d.png", "dogs" },
    { "x/../y/z.png", "y" },
    { "c.png", NULL },
    { "./c.png", NULL },
    { "x/../c.png", NULL },
    { "../c.png", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = fl_image_tree_parent_name (cases[i].in);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/paths/scan", Fixture, NULL, fixture_setup, test_scan, fixture_teardown);
  g_test_add ("/paths/scan-audio", Fixture, NULL, fixture_setup, test_scan_audio, fixture_teardown);
  g_test_add ("/paths/scan-errors", Fixture, NULL, fixture_setup, test_scan_errors, fixture_teardown);
  g_test_add ("/paths/resolve/found", Fixture, NULL, fixture_setup, test_resolve_found, fixture_teardown);
  g_test_add ("/paths/resolve/refused", Fixture, NULL, fixture_setup, test_resolve_refused, fixture_teardown);
  g_test_add ("/paths/resolve/linked-root", Fixture, NULL, fixture_setup,
              test_resolve_via_linked_root, fixture_teardown);
  g_test_add ("/paths/open/openat2", Fixture, NULL, fixture_setup, test_open, fixture_teardown);
  g_test_add ("/paths/open/walk", Fixture, "walk", fixture_setup, test_open, fixture_teardown);
  g_test_add ("/paths/open/swapped/openat2", Fixture, NULL, fixture_setup,
              test_open_after_swap, fixture_teardown);
  g_test_add ("/paths/open/swapped/walk", Fixture, "walk", fixture_setup,
              test_open_after_swap, fixture_teardown);
  g_test_add_func ("/paths/parent-name", test_parent_name);
  return g_test_run ();
}
