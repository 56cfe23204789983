/* SPDX-License-Identifier: MIT
 *
 * "Start from" in the training panel (issue 15): a classifier trained in
 * the window and saved, then a run started from its file with the picture
 * branch kept fixed — that branch's weights are the file's after an epoch,
 * and the status says what was loaded; a matching run from the same file;
 * a warning when the file's model was trained on another split of this
 * data; a file that is no model stops the run with one banner naming it.
 */
#define G_LOG_DOMAIN "test-ui-transfer"

#include "test-ui-util.h"
#include "fl-matcher.h"

#include <string.h>

static char *data_dir;

/* The image branch's weights of model: one block, first to last tensor. */
static GBytes *
image_branch (FlModel *m)
{
  FlParam first, last;
  gsize lo, hi;

  fl_branch_params (FL_BRANCH_IMAGE, &first, &last);
  lo = fl_model_tensor (m, first)->offset;
  hi = fl_model_tensor (m, last)->offset + fl_model_tensor (m, last)->numel;
  return g_bytes_new (fl_model_params (m) + lo, (hi - lo) * sizeof (float));
}

static FlRun *
last_run (FlWindow *window)
{
  FlComparison *cmp = ui_comparison (window);

  return fl_comparison_run (cmp, fl_comparison_n_runs (cmp) - 1);
}

static void
train_one_epoch (FlWindow *window)
{
  fl_train_panel_set_epochs (ui_train_panel (window), 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_training (window));
  g_assert_true (ui_wait (ui_not_training, window, 120));
}

/* A matching run from the classifier's file: its branches, its text side
 * kept fixed (the projection too), said in the status. */
static void
match_from (FlWindow   *window,
            const char *path)
{
  FlTrainPanel *panel = ui_train_panel (window);
  FlMatchSettings s;

  fl_train_panel_set_task (panel, FL_TASK_MATCH);
  /* one side at most: the text side ticked last unticks the picture's */
  fl_train_panel_set_frozen (panel, FL_BRANCHES_IMAGE_TEXT);
  fl_train_panel_get_match_settings (panel, &s);
  g_assert_cmpstr (s.train.init_from, ==, path);
  g_assert_cmpuint (s.frozen, ==, FL_BRANCH_BIT (FL_BRANCH_TEXT));
  train_one_epoch (window);
  g_assert_null (ui_error (window));
  g_test_message ("%s", ui_status (window));
  g_assert_nonnull (strstr (ui_status (window), "image loaded"));
  g_assert_nonnull (strstr (ui_status (window), "frozen: text"));
  fl_train_panel_set_task (panel, FL_TASK_CLASSIFY);
}

/* From the same file, with another seed: another split of the same data,
 * whose held-out samples the file's model may have trained on — said in
 * the banner, naming the file, and the run still done. */
static void
other_split (FlWindow   *window,
             const char *path)
{
  FlTrainPanel *panel = ui_train_panel (window);
  FlTrainSettings s;

  fl_train_panel_get_settings (panel, &s);
  s.seed += 1;
  fl_train_panel_set_settings (panel, &s);
  g_assert_cmpstr (fl_train_panel_get_start (panel), ==, path);
  train_one_epoch (window);
  g_assert_nonnull (ui_error (window));
  g_test_message ("%s", ui_error (window));
  g_assert_true (g_str_has_prefix (ui_error (window), "Careful:"));
  g_assert_nonnull (strstr (ui_error (window), "start.safetensors"));
  g_assert_true (g_str_has_prefix (ui_status (window), "Finished 1 epoch"));
}

static void
test_start_from (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  FlTrainPanel *panel = ui_train_panel (window);
  g_autofree char *dir = g_dir_make_tmp ("fl-ui-transfer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "start.safetensors", NULL);
  g_autoptr(GBytes) saved = NULL, after = NULL;
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;

  /* fresh weights at first: nothing to keep fixed */
  fl_train_panel_get_settings (panel, &s);
  g_assert_null (s.init_from);
  g_assert_cmpuint (s.freeze, ==, 0);
  train_one_epoch (window);
  g_assert_null (ui_error (window));
  g_assert_null (strstr (ui_status (window), "loaded"));
  g_assert_true (fl_run_save_model (last_run (window), path, &error));
  g_assert_no_error (error);
  saved = image_branch (fl_run_model (last_run (window)));

  fl_train_panel_set_start (panel, path);
  fl_train_panel_set_frozen (panel, FL_BRANCH_BIT (FL_BRANCH_IMAGE));
  fl_train_panel_get_settings (panel, &s);
  g_assert_cmpstr (s.init_from, ==, path);
  g_assert_cmpuint (s.freeze, ==, FL_BRANCH_BIT (FL_BRANCH_IMAGE));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (panel), "start.safetensors"));
  train_one_epoch (window);
  g_assert_null (ui_error (window));
  g_test_message ("%s", ui_status (window));
  /* the file by its base name: the status is one line */
  g_assert_nonnull (strstr (ui_status (window), "init from start.safetensors: "));
  g_assert_null (strstr (ui_status (window), dir));
  g_assert_nonnull (strstr (ui_status (window), "image loaded"));
  g_assert_nonnull (strstr (ui_status (window), "frozen: image"));
  /* kept fixed through an epoch: the file's weights, to the bit */
  after = image_branch (fl_run_model (last_run (window)));
  g_assert_true (g_bytes_equal (saved, after));

  match_from (window, path);
  other_split (window, path);
  /* cleared: fresh weights, nothing frozen however the boxes stand */
  fl_train_panel_set_start (panel, NULL);
  fl_train_panel_get_settings (panel, &s);
  g_assert_null (s.init_from);
  g_assert_cmpuint (s.freeze, ==, 0);
  g_assert_nonnull (ui_find_label (GTK_WIDGET (panel), "Fresh weights"));
  ui_destroy_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

/* A file that is no model: the run stops, and the banner names the file. */
static void
test_start_from_bad_file (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  g_autofree char *dir = g_dir_make_tmp ("fl-ui-transfer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "broken.safetensors", NULL);

  g_assert_true (g_file_set_contents (path, "\x10\0\0\0\0\0\0\0{\"a\":", 14, NULL));
  fl_train_panel_set_start (ui_train_panel (window), path);
  train_one_epoch (window);
  g_assert_nonnull (ui_error (window));
  g_test_message ("%s", ui_error (window));
  g_assert_nonnull (strstr (ui_error (window), "broken.safetensors"));
  g_assert_true (g_str_has_prefix (ui_status (window), "Training stopped with an error"));
  ui_destroy_window (window);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_dataset (30);
  g_test_add_func ("/transfer/start-from", test_start_from);
  g_test_add_func ("/transfer/bad-file", test_start_from_bad_file);
  status = g_test_run ();
  ui_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}
