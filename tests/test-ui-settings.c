/* SPDX-License-Identifier: MIT
 *
 * What Fusion Lab remembers (fl-settings.h, issue 19): a window is given a
 * size, data with its columns chosen (the sound column dropped, a numeric
 * one unticked), training settings and presentation mode, then closed; a
 * second window, with settings read afresh from the same keyfile on disk
 * (as the next start of the app would), has them all back. A keyfile with
 * values out of range or of the wrong type gives the defaults. An
 * experiment opened goes to the recent files, and the menu's Open Recent
 * lists it, and opens it. A --screenshot run of the app neither reads nor
 * writes the settings. The keyfile and the recent files
 * is in a scratch folder: nothing the developer remembered is read or
 * changed.
 */
#define G_LOG_DOMAIN "test-ui-settings"

#include "test-ui-util.h"
#include "fl-settings.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

static char *data_dir;
static char *config_dir;
static FlFusion chosen;   /* the last route the first session offered */

/* Settings in a keyfile backend of their own: a new one reads the file
 * again, as a new process would. */
static GSettings *
keyfile_settings (const char *path)
{
  g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (path, "/", NULL);
  GSettings *settings = fl_settings_new (backend);

  g_assert_nonnull (settings);
  return settings;
}

static gboolean
ui_audio_dropped (gpointer data)
{
  FlDataset *ds = fl_data_panel_get_dataset (ui_data_panel (data));

  return ui_data_ready (data) && ds->audio == NULL && ds->n_numeric == 1;
}

/* The first session: everything changed from the defaults, then closed. */
static void
first_session (GSettings *settings)
{
  FlWindow *window = fl_window_new (NULL);
  g_autofree char *images = g_build_filename (data_dir, "images", NULL);
  g_autofree char *csv = g_build_filename (data_dir, "texts.csv", NULL);
  const char *const weight_only[] = { "weight", NULL };
  FlFusion offered[FL_N_FUSIONS];
  FlTrainSettings s;

  fl_settings_attach (settings, window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  fl_train_panel_set_image_size (ui_train_panel (window), 24);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_load (window, images, csv);
  g_assert_true (ui_wait (ui_data_ready, window, 60));
  g_assert_nonnull (fl_data_panel_get_dataset (ui_data_panel (window))->audio);
  /* the columns as the picker would choose them: no sound, one number */
  fl_data_panel_set_branch_columns (ui_data_panel (window), "", weight_only);
  fl_data_panel_set_columns (ui_data_panel (window), NULL, NULL, NULL);
  g_assert_true (ui_wait (ui_audio_dropped, window, 60));

  chosen = offered[fl_train_panel_get_offered (ui_train_panel (window), offered) - 1];
  g_assert_cmpint (chosen, !=, FL_FUSION_CONCAT);
  fl_train_panel_get_settings (ui_train_panel (window), &s);
  s.fusion = chosen;
  s.epochs = 7;
  s.batch_size = 16;
  s.lr = 0.01f;
  s.seed = 1234;
  s.augment = TRUE;
  s.text_encoder = FL_TEXT_GRU;
  s.text_pool = FL_TEXT_POOL_MEAN;
  fl_train_panel_set_settings (ui_train_panel (window), &s);
  fl_train_panel_set_image_fit (ui_train_panel (window), FL_IMAGE_FIT_PAD);
  g_assert_cmpint (fl_train_panel_get_fusion (ui_train_panel (window)), ==, chosen);
  fl_train_panel_set_match_loss (ui_train_panel (window), FL_MATCH_LOSS_HINGE);
  fl_training_view_set_presenting (ui_training_view (window), TRUE);
  ui_spin (0.2);
  gtk_window_close (GTK_WINDOW (window));
  ui_spin (0.2);
  g_settings_sync ();
}

static void
test_restored (void)
{
  g_autofree char *path = g_build_filename (config_dir, "restored.ini", NULL);
  g_autoptr(GSettings) first = keyfile_settings (path);
  g_autoptr(GSettings) second = NULL;
  g_autofree char *images = g_build_filename (data_dir, "images", NULL);
  FlWindow *window;
  FlDataset *ds;
  FlTrainSettings s;
  FlMatchSettings m;
  int width, height;

  first_session (first);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  second = keyfile_settings (path);
  window = fl_window_new (NULL);
  fl_settings_attach (second, window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_settings_restore_data (second, window));
  g_assert_true (ui_wait (ui_data_ready, window, 60));

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);
  g_assert_true (fl_training_view_get_presenting (ui_training_view (window)));
  ds = fl_data_panel_get_dataset (ui_data_panel (window));
  g_assert_cmpstr (ds->images_dir, ==, images);
  g_assert_cmpint (ds->image_size, ==, 24);
  g_assert_cmpint (ds->image_fit, ==, FL_IMAGE_FIT_PAD);
  g_assert_null (ds->audio);
  g_assert_cmpint (ds->n_numeric, ==, 1);
  g_assert_cmpstr (ds->numeric_names[0], ==, "weight");
  fl_train_panel_get_settings (ui_train_panel (window), &s);
  g_assert_cmpint (s.fusion, ==, chosen);
  g_assert_cmpint (s.epochs, ==, 7);
  g_assert_cmpint (s.batch_size, ==, 16);
  g_assert_true (s.augment);
  g_assert_cmpint (s.text_encoder, ==, FL_TEXT_GRU);
  g_assert_cmpint (s.text_pool, ==, FL_TEXT_POOL_MEAN);
  g_assert_cmpfloat_with_epsilon (s.lr, 0.01, 1e-6);
  g_assert_cmpuint (s.seed, ==, 1234);
  fl_train_panel_get_match_settings (ui_train_panel (window), &m);
  g_assert_cmpint (m.loss, ==, FL_MATCH_LOSS_HINGE);
  ui_destroy_window (window);
}

/* A keyfile edited by hand: out of the schema's ranges and choices, or
 * not of the key's type, each key falls back to its default; data that is
 * no longer there is not loaded. */
static void
test_bad_keyfile (void)
{
  g_autofree char *path = g_build_filename (config_dir, "bad.ini", NULL);
  const char *bad = "[org/fusionlab/FusionLab]\n"
                    "window-width=99999\n"
                    "window-height='tall'\n"
                    "route='teleport'\n"
                    "epochs=-3\n"
                    "learning-rate=1e300\n"
                    "images-folder='/nonexistent/fusionlab/images'\n"
                    "csv-file='/nonexistent/fusionlab/texts.csv'\n";
  g_autoptr(GSettings) settings = NULL;
  FlWindow *window;
  FlTrainSettings s;
  int width, height;

  g_assert_true (g_file_set_contents (path, bad, -1, NULL));
  settings = keyfile_settings (path);
  window = fl_window_new (NULL);
  fl_settings_attach (settings, window);
  g_assert_false (fl_settings_restore_data (settings, window));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1280);
  g_assert_cmpint (height, ==, 800);
  fl_train_panel_get_settings (ui_train_panel (window), &s);
  g_assert_cmpint (s.fusion, ==, FL_FUSION_CONCAT);
  g_assert_cmpint (s.epochs, ==, 10);
  g_assert_cmpfloat_with_epsilon (s.lr, 1e-3, 1e-9);
  g_assert_null (fl_data_panel_get_dataset (ui_data_panel (window)));
  g_assert_false (fl_data_panel_get_loading (ui_data_panel (window)));
  ui_destroy_window (window);
}

/* The submenu labelled label in model (its sections searched), or NULL. */
static GMenuModel *
find_submenu (GMenuModel *model,
              const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      GMenuModel *found = section != NULL ? find_submenu (section, label) : NULL;

      if (found != NULL)
        return found;
      if (submenu != NULL && g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &text) &&
          g_strcmp0 (text, label) == 0)
        return g_steal_pointer (&submenu);
    }
  return NULL;
}

static gboolean
has_menu (GtkWidget     *widget,
          gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL;
}

/* The window's Open Recent submenu, or NULL when it has none. */
static GMenuModel *
open_recent (FlWindow *window)
{
  GtkWidget *button = ui_find (GTK_WIDGET (window), has_menu, NULL);

  g_assert_nonnull (button);
  return find_submenu (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)), "Open _Recent");
}

static gboolean
recent_listed (gpointer data)
{
  g_autoptr(GMenuModel) menu = open_recent (data);

  return menu != NULL;
}

/* An experiment file of one epoch on the data, as run_1.json ("_1" must
 * not become a mnemonic in the menu). */
static char *
make_experiment (void)
{
  FlWindow *window = ui_window_loading (data_dir, "texts.csv", 16);
  char *path = g_build_filename (config_dir, "run_1.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (ui_wait (ui_data_ready, window, 60));
  fl_train_panel_set_epochs (ui_train_panel (window), 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 120));
  g_assert_true (fl_session_save_experiment (ui_session (window), path, &error));
  g_assert_no_error (error);
  ui_destroy_window (window);
  return path;
}

static void
test_recent (void)
{
  g_autofree char *xbel = g_build_filename (config_dir, "recent.xbel", NULL);
  g_autoptr(GtkRecentManager) recent = g_object_new (GTK_TYPE_RECENT_MANAGER, "filename", xbel, NULL);
  g_autofree char *path = make_experiment ();
  g_autoptr(GMenuModel) menu = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GVariant) target = NULL;
  FlWindow *window = fl_window_new (NULL);
  FlWindow *other = fl_window_new (NULL);

  fl_window_set_recent_manager (window, recent);
  fl_window_set_recent_manager (other, recent);
  g_assert_null (open_recent (window));
  g_assert_true (fl_window_open_experiment (window, path));
  /* at once: the window tells the manager's other windows itself */
  g_assert_true (recent_listed (other));
  g_assert_true (ui_wait (recent_listed, other, 10));

  /* in the other window's menu too: one file, by its name */
  menu = open_recent (other);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);
  g_assert_true (g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  g_assert_cmpstr (label, ==, "run__1.json");
  target = g_menu_model_get_item_attribute_value (menu, 0, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_BYTESTRING);
  g_assert_cmpstr (g_variant_get_bytestring (target), ==, path);
  g_assert_null (fl_session_get_comparison (ui_session (other)));
  gtk_widget_activate_action_variant (GTK_WIDGET (other), "win.open-recent", target);
  g_assert_nonnull (fl_session_get_comparison (ui_session (other)));
  g_assert_null (ui_error (other));

  ui_destroy_window (window);
  ui_destroy_window (other);
}

/* A --screenshot run of the app neither uses what was remembered (the
 * window is at its default 1280 wide, not the 700 remembered) nor changes
 * it: a developer's settings never reach the README's pictures. */
static void
test_screenshot_run (void)
{
  const char *app = g_getenv ("FUSIONLAB_APP");
  g_autofree char *cfg = g_build_filename (config_dir, "screenshot", NULL);
  g_autofree char *dir = g_build_filename (cfg, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_build_filename (dir, "keyfile", NULL);
  g_autofree char *png = g_build_filename (config_dir, "shot.png", NULL);
  g_autofree char *remembered = g_strdup_printf ("[org/fusionlab/FusionLab]\nwindow-width=700\nwindow-height=500\n"
                                                 "images-folder='%s/images'\ncsv-file='%s/texts.csv'\n",
                                                 data_dir, data_dir);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  if (app == NULL)
    {
      g_test_skip ("FUSIONLAB_APP is not set (run through meson test)");
      return;
    }
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (keyfile, remembered, -1, NULL));
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", cfg, TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  child = g_subprocess_launcher_spawnv (launcher, (const char *const[]) { app, "--screenshot", png, NULL }, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (child, NULL, &error));
  g_assert_no_error (error);

  shot = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (shot), >=, 1000);
  g_assert_true (g_file_get_contents (keyfile, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, remembered);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_trimodal_dataset (6);
  config_dir = g_dir_make_tmp ("fusionlab-settings-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/settings/restored", test_restored);
  g_test_add_func ("/settings/bad-keyfile", test_bad_keyfile);
  g_test_add_func ("/settings/recent", test_recent);
  g_test_add_func ("/settings/screenshot-run", test_screenshot_run);
  status = g_test_run ();
  ui_remove_tree (data_dir);
  ui_remove_tree (config_dir);
  g_free (data_dir);
  g_free (config_dir);
  return status;
}
