/* SPDX-License-Identifier: MIT
 *
 * Open Model (issue 17): a model file trained elsewhere — here by the
 * engine outside the window, as train.py of an export to PyTorch or
 * another machine would write it — added as a run of the data loaded: it
 * predicts on the validation split exactly what the model that was saved
 * predicted, its results, galleries and reliance are shown, and it can be
 * saved and predict as a run trained here. A file that is no model, and a
 * model of other classes, each get one banner naming the file and the run
 * list stays as it was. Export to PyTorch… writes its folder and says
 * how to run it, and refuses a folder that is not empty.
 */
#define G_LOG_DOMAIN "test-ui-model"

#include "test-ui-util.h"

#include "fl-predictor.h"

#include <string.h>

static char *data_dir;
static char *tmp_dir;

/* A run of the window's data and settings, trained one epoch outside the
 * window and saved to path. */
static FlRun *
train_elsewhere (FlWindow *window, const char *path)
{
  FlTrainSettings s;
  g_autoptr(GError) error = NULL;
  FlRun *run;

  fl_train_panel_get_settings (ui_train_panel (window), &s);
  s.epochs = 1;
  s.n_threads = 1;
  run = fl_run_new (fl_data_panel_get_dataset (ui_data_panel (window)), &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (run, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fl_run_save_model (run, path, &error));
  g_assert_no_error (error);
  return run;
}

static gboolean
opened (gpointer data)
{
  return !fl_window_get_opening_model (data);
}

/* Opens path as the menu's Open Model… does, and waits for the end. */
static void
open_model (FlWindow *window, const char *path)
{
  fl_window_open_model (window, path);
  g_assert_true (ui_wait (opened, window, 60));
  ui_spin (0.2);
}

static gboolean
has_results (gpointer data)
{
  return fl_results_view_has_results (ui_results (data));
}

static void
test_open (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  g_autofree char *path = g_build_filename (tmp_dir, "elsewhere.safetensors", NULL);
  g_autoptr(FlRun) original = train_elsewhere (window, path);
  g_autoptr(FlValidation) want = fl_run_validation (original);
  const FlRunResult *r;
  FlInsight *ins;

  open_model (window, path);
  g_assert_null (ui_error (window));
  g_test_message ("%s", ui_status (window));
  g_assert_true (g_str_has_prefix (ui_status (window), "Opened elsewhere.safetensors (opened): "));
  g_assert_cmpint (fl_run_list_get_n_runs (ui_runs (window)), ==, 1);
  r = fl_comparison_result (ui_comparison (window), 0);
  g_assert_cmpint (r->status, ==, FL_RUN_DONE);
  g_assert_cmpfloat (r->best_val_acc, ==, fl_metrics_accuracy (fl_run_metrics (original)));
  /* the same validation samples, and what the saved model predicted, to the bit */
  g_assert_nonnull (r->validation);
  g_assert_cmpint (r->validation->n, ==, want->n);
  g_assert_cmpmem (r->validation->rows, sizeof (gint32) * want->n, want->rows, sizeof (gint32) * want->n);
  g_assert_cmpmem (r->validation->probs, sizeof (float) * want->n * want->n_classes,
                   want->probs, sizeof (float) * want->n * want->n_classes);
  /* shown as a run trained here: results, a model to save and predict with */
  g_assert_cmpint (fl_session_get_shown_run (ui_session (window)), ==, 0);
  /* the results view fills in on the main loop: slower under ASan */
  g_assert_true (ui_wait (has_results, window, 30));
  g_assert_nonnull (fl_session_get_shown_model (ui_session (window)));
  /* what it leans on: the reliance of the Why page */
  ins = ui_show_why (window, 0);
  g_assert_true (ins->has_reliance);
  g_test_message ("accuracy %.3f, without the picture %.3f, without the words %.3f", ins->reliance.acc,
                  ins->reliance.acc_without[FL_BRANCH_IMAGE], ins->reliance.acc_without[FL_BRANCH_TEXT]);
  g_assert_cmpfloat (ins->reliance.acc, ==, r->best_val_acc);
  ui_destroy_window (window);
  g_unlink (path);
}

/* path holds bytes, and opening it puts one banner naming it up; the runs
 * stay as they were. */
static void
open_refused (FlWindow *window, const char *path, const char *reason)
{
  int before = fl_run_list_get_n_runs (ui_runs (window));
  g_autofree char *base = g_path_get_basename (path);

  open_model (window, path);
  g_assert_nonnull (ui_error (window));
  g_test_message ("%s", ui_error (window));
  g_assert_true (g_str_has_prefix (ui_error (window), "Could not open the model."));
  g_assert_nonnull (strstr (ui_error (window), base));
  g_assert_nonnull (strstr (ui_error (window), reason));
  g_assert_cmpint (fl_run_list_get_n_runs (ui_runs (window)), ==, before);
}

static void
write_file (const char *path, const char *bytes, gsize n)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, bytes, (gssize) n, &error));
  g_assert_no_error (error);
}

static void
test_refused (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  g_autofree char *good = g_build_filename (tmp_dir, "good.safetensors", NULL);
  g_autofree char *broken = g_build_filename (tmp_dir, "broken \"model\".safetensors", NULL);
  g_autofree char *huge = g_build_filename (tmp_dir, "huge.safetensors", NULL);
  g_autofree char *other = g_build_filename (tmp_dir, "other classes.safetensors", NULL);
  g_autofree char *missing = g_build_filename (tmp_dir, "not there.safetensors", NULL);
  g_autoptr(FlRun) run = train_elsewhere (window, good);
  g_autoptr(FlPredictor) pred = fl_run_predictor (run);
  const char *const names[] = { "cat", "dog", "fish", NULL };
  g_autoptr(GError) error = NULL;

  write_file (broken, "\x10\0\0\0\0\0\0\0{\"a\":", 14);
  /* a header length of 2⁶³: no allocation of it */
  write_file (huge, "\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10);
  g_assert_true (fl_model_file_save (other, fl_run_model (run), fl_run_vocab (run), names,
                                     fl_predictor_stats (pred), &error));
  g_assert_no_error (error);
  open_refused (window, broken, "broken");
  open_refused (window, huge, "huge");
  open_refused (window, missing, "not there");
  open_refused (window, other, "its classes (cat, dog, fish) are not the data's (blue, green, red)");
  /* and the good one still opens after them */
  open_model (window, good);
  g_assert_cmpint (fl_run_list_get_n_runs (ui_runs (window)), ==, 1);
  ui_destroy_window (window);
  g_unlink (good);
  g_unlink (broken);
  g_unlink (huge);
  g_unlink (other);
}

static gboolean
exported (gpointer data)
{
  return !g_str_has_prefix (ui_status (data), "Exporting");
}

/* Export to PyTorch…: the folder, and the banner with the command; a
 * folder that is not empty is refused in the banner. */
static void
test_export (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  g_autofree char *dir = g_build_filename (tmp_dir, "for torch", NULL);
  g_autofree char *train = g_build_filename (dir, "train.py", NULL);
  g_autofree char *shard = g_build_filename (dir, "data", "shard-00000.safetensors", NULL);
  g_autofree char *init = g_build_filename (dir, "init.safetensors", NULL);
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(GError) error = NULL;

  fl_window_export_torch (window, dir);
  g_assert_true (ui_wait (exported, window, 60));
  g_test_message ("%s", ui_error (window));
  g_assert_cmpstr (ui_status (window), ==, "Exported to PyTorch.");
  g_assert_nonnull (strstr (ui_error (window), "torchrun --nproc_per_node 2 train.py"));
  g_assert_nonnull (strstr (ui_error (window), "'"));   /* the folder quoted for the shell */
  g_assert_true (g_file_test (train, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (shard, G_FILE_TEST_IS_REGULAR));
  /* the initial weights are a model file of the sidebar's route */
  pred = fl_predictor_load (init, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_predictor_image_size (pred), ==, 24);

  fl_window_export_torch (window, dir);
  g_assert_true (ui_wait (exported, window, 60));
  g_test_message ("%s", ui_error (window));
  g_assert_true (g_str_has_prefix (ui_error (window), "Could not export to PyTorch."));
  g_assert_nonnull (strstr (ui_error (window), "not empty"));
  ui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_dataset (30);
  tmp_dir = g_dir_make_tmp ("fl-ui-model-XXXXXX", NULL);
  g_test_add_func ("/model/open", test_open);
  g_test_add_func ("/model/refused", test_refused);
  g_test_add_func ("/model/export-torch", test_export);
  status = g_test_run ();
  ui_remove_tree (data_dir);
  ui_remove_tree (tmp_dir);
  g_free (data_dir);
  g_free (tmp_dir);
  return status;
}
