/* SPDX-License-Identifier: MIT
 *
 * Evaluate on Test Data… (issue 18): a run trained in the window, then
 * tested on a CSV of the same pictures with two rows of a class it never
 * saw and a row whose picture is missing — the Results page shows the
 * test's accuracy and confusion matrix, under a line naming the unknown
 * class with its count and the row skipped; the same model saved to a file
 * and tested from the file gives the same figures; a file that is no model
 * is refused in the banner, naming it.
 *
 * Each test joins the Runs list as a row of its own ("concat · test:
 * test", status "Test", the test's accuracy and macro-F1), shown at once,
 * never the best run; it survives saving and reopening the experiment
 * (where its samples are not loaded, and it says so), and its button
 * removes it, while a run trained here cannot be removed.
 */
#define G_LOG_DOMAIN "test-ui-test-data"

#include "test-ui-util.h"
#include "fl-sample-gallery.h"

#include <string.h>

static char *data_dir;

static gboolean
not_testing (gpointer data)
{
  return !fl_session_get_testing (ui_session (data));
}

/* The clean CSV, two of its rows again as "purple" and a missing picture. */
static char *
write_test_csv (void)
{
  g_autofree char *clean = g_build_filename (data_dir, "clean.csv", NULL), *text = NULL;
  char *path = g_build_filename (data_dir, "test.csv", NULL);
  g_autoptr(GString) csv = NULL;

  g_assert_true (g_file_get_contents (clean, &text, NULL, NULL));
  csv = g_string_new (text);
  g_string_append (csv, "red-001.png,a purple thing,purple\n");
  g_string_append (csv, "green-001.png,another purple thing,purple\n");
  g_string_append (csv, "missing.png,not there,red\n");
  g_assert_true (g_file_set_contents (path, csv->str, -1, NULL));
  return path;
}

static gboolean
label_has (GtkWidget     *widget,
           gconstpointer  part)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), part) != NULL;
}

/* Whether the gallery's title for the cell (0, 0) names these samples
 * ("validation sample" or "test sample"). */
static gboolean
gallery_names (FlWindow   *window,
               const char *samples)
{
  GtkWidget *gallery = ui_find_type (GTK_WIDGET (window), FL_TYPE_SAMPLE_GALLERY);

  g_assert_nonnull (gallery);
  fl_sample_gallery_show_cell (FL_SAMPLE_GALLERY (gallery), 0, 0);
  return ui_find (gallery, label_has, samples) != NULL;
}

/* Tests model (NULL: the shown run's) on the test CSV; the headline. */
static char *
test_on (FlWindow   *window,
         const char *model,
         const char *csv)
{
  g_autofree char *images = g_build_filename (data_dir, "images", NULL);
  g_autofree char *detail = NULL;
  GtkLabel *title;

  g_assert_true (fl_window_test (window, model, images, csv));
  g_assert_true (ui_wait (not_testing, window, 60));
  g_assert_null (ui_error (window));
  g_test_message ("%s", ui_status (window));
  g_assert_true (g_str_has_prefix (ui_status (window), "Tested on test.csv: accuracy "));
  detail = fl_session_describe_test (ui_session (window));
  g_test_message ("%s", detail);
  g_assert_nonnull (strstr (detail, "36 test samples"));
  g_assert_nonnull (strstr (detail, "1 row skipped"));
  g_assert_nonnull (strstr (detail, "1 class the model does not know: purple (2)"));
  title = ui_find_label (GTK_WIDGET (window), "Results on the test data");
  g_assert_nonnull (title);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (title)));
  g_assert_true (ui_wait ((UiCondition) fl_results_view_has_results, ui_results (window), 10));
  ui_spin (0.3);
  g_assert_nonnull (ui_find_label (GTK_WIDGET (window), detail));
  g_assert_true (gallery_names (window, " test sample"));
  g_assert_false (gallery_names (window, " validation sample"));
  return g_strdup (fl_results_view_get_headline (ui_results (window)));
}

/* Row i of the runs is a test named "… · test: test" showing the headline's
 * accuracy, and the shown run. */
static void
check_test_row (FlWindow   *window,
                int         i,
                const char *headline)
{
  FlRunItem *item = fl_run_list_get (ui_runs (window), i);
  g_autofree char *status = NULL, *acc = NULL, *epoch = NULL, *settings = NULL;

  g_assert_nonnull (item);
  g_assert_true (fl_run_item_get_test (item));
  g_assert_true (g_str_has_suffix (fl_run_item_get_name (item), " · test: test"));
  g_object_get (item, "status-text", &status, "accuracy-text", &acc, "epoch-text", &epoch,
                "settings-text", &settings, NULL);
  g_test_message ("row %d: %s · %s · %s · %s · %s", i, fl_run_item_get_name (item), settings, status, acc, epoch);
  g_assert_true (g_str_has_prefix (settings, "on test.csv · "));
  g_assert_cmpstr (status, ==, "Test");
  g_assert_cmpstr (epoch, ==, "—");
  g_assert_false (fl_run_item_get_best (item));
  g_assert_false (fl_run_item_get_visible (item));
  /* "Accuracy 91.7% · macro-F1 …": the row's figure is the headline's */
  g_assert_nonnull (strstr (headline, acc));
  g_assert_cmpint (fl_session_get_shown_run (ui_session (window)), ==, i);
}

/* Saved, then reopened in a new window: the rows and their figures are the
 * same; a test's samples are not loaded, and selecting it says so. */
static void
check_reopened (FlWindow *window)
{
  g_autofree char *path = g_build_filename (data_dir, "tests.fusionlab", NULL);
  FlWindow *other = fl_window_new (NULL);
  FlRunList *runs = ui_runs (window), *again;
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_session_save_experiment (ui_session (window), path, &error));
  g_assert_no_error (error);
  g_assert_true (fl_session_open_experiment (ui_session (other), path, &error));
  g_assert_no_error (error);
  again = ui_runs (other);
  g_assert_cmpint (fl_run_list_get_n_runs (again), ==, fl_run_list_get_n_runs (runs));
  for (int i = 0; i < fl_run_list_get_n_runs (runs); i++)
    {
      FlRunItem *a = fl_run_list_get (runs, i), *b = fl_run_list_get (again, i);

      g_assert_cmpstr (fl_run_item_get_name (a), ==, fl_run_item_get_name (b));
      g_assert_cmpint (fl_run_item_get_test (a), ==, fl_run_item_get_test (b));
      g_assert_cmpfloat (fl_run_item_get_accuracy (a), ==, fl_run_item_get_accuracy (b));
      g_assert_cmpint (fl_run_item_get_best (a), ==, fl_run_item_get_best (b));
    }
  g_assert_true (fl_session_show_run (ui_session (other), 1));
  g_assert_nonnull (strstr (ui_status (other), "is not loaded"));
  g_assert_true (ui_wait ((UiCondition) fl_results_view_has_results, ui_results (other), 10));
  ui_destroy_window (other);
}

/* The test rows go by their button; a run trained here has none, and
 * cannot be removed. */
static void
check_remove (FlWindow *window)
{
  FlRunList *runs = ui_runs (window);

  g_assert_false (fl_session_remove_test (ui_session (window), 0));
  g_signal_emit_by_name (ui_runs_view (window), "remove-test", 1);
  g_assert_cmpint (fl_run_list_get_n_runs (runs), ==, 2);
  g_assert_cmpint (fl_comparison_n_runs (ui_comparison (window)), ==, 2);
  /* the model file's test moved up, and knows its new place */
  g_assert_cmpint (fl_run_item_get_index (fl_run_list_get (runs, 1)), ==, 1);
  g_assert_true (fl_session_remove_test (ui_session (window), 1));
  g_assert_cmpint (fl_run_list_get_n_runs (runs), ==, 1);
  g_assert_false (fl_run_item_get_test (fl_run_list_get (runs, 0)));
  g_assert_true (fl_run_item_get_best (fl_run_list_get (runs, 0)));
}

static void
test_evaluate (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 16);
  g_autofree char *csv = write_test_csv ();
  g_autofree char *model = g_build_filename (data_dir, "model.safetensors", NULL);
  g_autofree char *garbage = g_build_filename (data_dir, "garbage.safetensors", NULL);
  g_autofree char *from_run = NULL, *from_file = NULL;
  g_autoptr(GError) error = NULL;
  FlComparison *cmp;

  fl_train_panel_set_epochs (ui_train_panel (window), 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 120));
  g_assert_true (ui_wait (ui_run_shown, window, 10));
  g_assert_true (gallery_names (window, " validation sample"));

  from_run = test_on (window, NULL, csv);
  g_assert_true (g_str_has_prefix (from_run, "Accuracy "));
  g_assert_cmpint (fl_run_list_get_n_runs (ui_runs (window)), ==, 2);
  check_test_row (window, 1, from_run);
  g_assert_true (fl_run_item_get_best (fl_run_list_get (ui_runs (window), 0)));
  g_assert_true (g_str_has_prefix (fl_run_item_get_name (fl_run_list_get (ui_runs (window), 1)),
                                   fl_run_item_get_name (fl_run_list_get (ui_runs (window), 0))));
  /* one run trained: its own curves stay, the test draws none */
  g_assert_true (fl_plot_view_get_series_visible (ui_plot (window, FALSE), ui_series (window, FALSE, FL_CURVE_TRAIN)));
  g_assert_cmpuint (ui_n_points (window, FALSE, FL_CURVE_VAL), ==, 1);
  g_assert_false (fl_plot_view_get_series_visible (ui_plot (window, FALSE), ui_run_series (window, FALSE, 1)));
  g_assert_cmpuint (ui_run_points (window, FALSE, 1), ==, 0);

  cmp = ui_comparison (window);
  g_assert_true (fl_run_save_model (fl_comparison_run (cmp, 0), model, &error));
  g_assert_no_error (error);
  /* (the test row shown has no model: the training run's is tested) */
  g_assert_true (fl_session_show_run (ui_session (window), 0));
  from_file = test_on (window, model, csv);
  g_assert_cmpstr (from_file, ==, from_run);
  check_test_row (window, 2, from_file);
  g_assert_cmpstr (fl_run_item_get_name (fl_run_list_get (ui_runs (window), 2)), ==, "model · test: test");
  g_assert_cmpuint (fl_run_item_get_n_params (fl_run_list_get (ui_runs (window), 2)), ==,
                    fl_run_item_get_n_params (fl_run_list_get (ui_runs (window), 0)));
  check_reopened (window);
  check_remove (window);

  g_assert_true (g_file_set_contents (garbage, "not a model", -1, NULL));
  g_assert_true (fl_window_test (window, garbage, data_dir, csv));
  g_assert_true (ui_wait (not_testing, window, 60));
  g_assert_nonnull (ui_error (window));
  g_test_message ("%s", ui_error (window));
  g_assert_nonnull (strstr (ui_error (window), "garbage.safetensors"));
  ui_destroy_window (window);
}

int
main (int argc, char **argv)
{
  int status;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_dataset (12);
  g_test_add_func ("/test-data/evaluate", test_evaluate);
  status = g_test_run ();
  ui_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}
