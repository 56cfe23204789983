/* SPDX-License-Identifier: MIT
 *
 * Rendering the main window to a PNG file, in process and through
 * `fusionlab --screenshot`, the way the README's picture is made.
 */
#define G_LOG_DOMAIN "test-ui-screenshot"

#include "test-ui-util.h"

#include <string.h>

static char *data_dir;
static char *images, *csv;   /* its image folder and CSV */

/* How many different colours a picture has, roughly: a blank or broken
 * rendering has a handful. */
static guint
n_colours (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint32 *px = g_new (guint32, (gsize) w * h);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, (guint8 *) px, (gsize) w * 4);
  for (int i = 0; i < w * h; i++)
    g_hash_table_add (seen, GUINT_TO_POINTER (px[i] & 0xf0f0f0f0));
  return g_hash_table_size (seen);
}

static void
check_png (const char *path,
           int         min_width,
           int         min_height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  guint colours;

  g_assert_no_error (error);
  colours = n_colours (texture);
  g_test_message ("%s: %d×%d, %u colours", path, gdk_texture_get_width (texture),
                  gdk_texture_get_height (texture), colours);
  g_assert_cmpint (gdk_texture_get_width (texture), >=, min_width);
  g_assert_cmpint (gdk_texture_get_height (texture), >=, min_height);
  g_assert_cmpuint (colours, >, 40);
}

static void
test_window_png (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 32);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "test-ui-screenshot.png", NULL);
  g_autoptr(GError) error = NULL;

  fl_train_panel_set_epochs (ui_train_panel (window), 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_run_shown, window, 240));
  ui_spin (0.3);

  g_assert_true (fl_window_save_png (window, path, &error));
  g_assert_no_error (error);
  check_png (path, gtk_widget_get_width (GTK_WIDGET (window)),
             gtk_widget_get_height (GTK_WIDGET (window)));

  gtk_window_destroy (GTK_WINDOW (window));
  ui_spin (0.05);
}

/* The app run with args (its own instance, whether or not a session bus
 * is around); its exit status, and what it printed into out and err. */
static int
run_app (const char *const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  child = g_subprocess_launcher_spawnv (launcher, args, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("fusionlab said: %s%s", *out, *err);
  g_assert_true (g_subprocess_get_if_exited (child));
  return g_subprocess_get_exit_status (child);
}

/* The app's path, or NULL (and the test skipped) without one. */
static const char *
app_or_skip (void)
{
  const char *app = g_getenv ("FUSIONLAB_APP");

  if (app == NULL)
    g_test_skip ("FUSIONLAB_APP is not set (run through meson test)");
  return app;
}

static void
test_command_line (void)
{
  const char *app = app_or_skip ();
  g_autofree char *png = g_build_filename (data_dir, "shot.png", NULL);
  g_autofree char *out = NULL, *err = NULL;

  if (app == NULL)
    return;
  g_assert_cmpint (run_app ((const char *const[]) { app, "--images", images, "--csv", csv, "--train-epochs", "2",
                                                    "--screenshot", png, NULL }, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "saved "));
  check_png (png, 1000, 600);
}

/* --compare-folds 1 compares on one split, and goes only with
 * --compare-epochs. */
static void
test_compare_folds (void)
{
  const char *app = app_or_skip ();
  g_autofree char *png = g_build_filename (data_dir, "runs.png", NULL);
  g_autofree char *out = NULL, *err = NULL, *refused_out = NULL, *refused = NULL;

  if (app == NULL)
    return;
  g_assert_cmpint (run_app ((const char *const[]) { app, "--images", images, "--csv", csv, "--compare-folds", "2",
                                                    NULL }, &refused_out, &refused), ==, 1);
  g_assert_nonnull (strstr (refused, "--compare-folds goes with --compare-epochs"));
  g_assert_cmpint (run_app ((const char *const[]) { app, "--images", images, "--csv", csv, "--image-size", "16",
                                                    "--compare-epochs", "1", "--compare-folds", "1",
                                                    "--screenshot", png, "--screenshot-page", "runs", NULL },
                            &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "saved "));
  check_png (png, 1000, 600);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_dataset (40);
  images = g_build_filename (data_dir, "images", NULL);
  csv = g_build_filename (data_dir, "texts.csv", NULL);

  g_test_add_func ("/ui/screenshot/window-png", test_window_png);
  g_test_add_func ("/ui/screenshot/command-line", test_command_line);
  g_test_add_func ("/ui/screenshot/compare-folds", test_compare_folds);

  ret = g_test_run ();
  ui_remove_tree (data_dir);
  g_free (data_dir);
  g_free (images);
  g_free (csv);
  return ret;
}
