/* SPDX-License-Identifier: MIT
 *
 * The main window end to end: load a dataset, train through the actions,
 * watch the curves, pause, stop, train again, and close mid-run — with the
 * main loop's responsiveness measured while the worker trains.
 */
#define G_LOG_DOMAIN "test-ui-window"

#include "fl-main-loop-probe.h"
#include "test-ui-util.h"
#include "fl-train-worker.h"

#include <glib/gstdio.h>
#include <string.h>

static char *data_dir;

/* Under AddressSanitizer (a debug build, every allocation checked) the
 * main loop is several times slower: the latency is reported there but
 * only held to its bar in the normal build. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static void
count_frame_cb (GdkFrameClock *clock,
                guint         *frames)
{
  (*frames)++;
}

static gboolean
two_frames (gpointer data)
{
  return *(guint *) data >= 2;
}

static void
start_training (FlWindow *window)
{
  g_assert_false (ui_training (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_training (window));
}

/* A run far longer than the test, under way: its first batch is drawn. */
static void
start_long_run (FlWindow *window)
{
  fl_train_panel_set_epochs (ui_train_panel (window), 200);
  fl_train_panel_set_batch_size (ui_train_panel (window), 8);
  start_training (window);
  g_assert_true (ui_wait (ui_first_batch, window, 60));
}

static gboolean
has_error (gpointer data)
{
  return ui_error (data) != NULL;
}

static void
test_load (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 16);
  FlDataset *ds = fl_data_panel_get_dataset (ui_data_panel (window));

  g_assert_cmpint (ds->n, ==, 3 * 80);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpint (ds->report.n_skipped, ==, 2);
  g_assert_cmpstr (ds->report.image_col, ==, "image");
  g_assert_cmpstr (ds->report.label_col, ==, "label");
  g_assert_null (ui_error (window));
  g_assert_true (g_str_has_prefix (ui_status (window), "Ready"));

  /* a column that does not exist: a readable error in the window */
  fl_data_panel_set_columns (ui_data_panel (window), "image", "nonexistent", "label");
  g_assert_true (ui_wait (has_error, window, 30));
  g_test_message ("error shown: %s", ui_error (window));
  g_assert_nonnull (strstr (ui_error (window), "nonexistent"));
  g_assert_null (fl_data_panel_get_dataset (ui_data_panel (window)));
  /* train.start is disabled without data */
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_false (ui_training (window));

  /* back to the detected columns */
  fl_data_panel_set_columns (ui_data_panel (window), NULL, NULL, NULL);
  g_assert_true (ui_wait (ui_data_ready, window, 30));

  ui_destroy_window (window);
}

static gboolean
not_loading (gpointer data)
{
  return !fl_data_panel_get_loading (ui_data_panel (data));
}

static void
test_cancel_load (void)
{
  /* with the bad rows: what was gathered of them goes too */
  FlWindow *window = ui_window_loading (data_dir, "texts.csv", 256);
  FlDataPanel *panel = ui_data_panel (window);

  g_assert_true (fl_data_panel_get_loading (panel));
  gtk_widget_activate_action (GTK_WIDGET (panel), "data.cancel", NULL);
  g_assert_true (ui_wait (not_loading, window, 10));
  /* the cancelled load is dropped, quietly */
  ui_spin (0.3);
  g_assert_null (fl_data_panel_get_dataset (panel));
  g_assert_null (ui_error (window));

  /* and loading again works */
  fl_train_panel_set_image_size (ui_train_panel (window), 16);
  fl_data_panel_reload (panel);
  g_assert_true (ui_wait (ui_data_ready, window, 60));
  g_assert_cmpint (fl_data_panel_get_dataset (panel)->image_size, ==, 16);

  ui_destroy_window (window);
}

/* Closed while its data loads: the load is dropped without a warning from a
 * window half taken apart (the test fails on any critical). */
static void
test_close_mid_load (void)
{
  FlWindow *window = ui_window_loading (data_dir, "clean.csv", 256);

  g_assert_true (fl_data_panel_get_loading (ui_data_panel (window)));
  ui_destroy_window (window);
  ui_spin (0.5);
}

/* The runs stay while their samples are loaded again (another image size),
 * and go when the CSV has changed on disk: other samples, other runs. */
static void
test_changed_file (void)
{
  g_autofree char *clean = g_build_filename (data_dir, "clean.csv", NULL);
  g_autofree char *csv = g_build_filename (data_dir, "changing.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) more = NULL;
  FlWindow *window;
  FlDataPanel *panel;
  guint64 before;

  g_assert_true (g_file_get_contents (clean, &text, NULL, NULL));
  g_assert_true (g_file_set_contents (csv, text, -1, NULL));
  window = ui_window_loading (data_dir, "changing.csv", 16);
  panel = ui_data_panel (window);
  g_assert_true (ui_wait (ui_data_ready, window, 60));
  before = fl_data_panel_get_dataset (panel)->fingerprint;
  fl_train_panel_set_epochs (ui_train_panel (window), 1);
  start_training (window);
  g_assert_true (ui_wait (ui_not_training, window, 60));
  g_assert_nonnull (ui_comparison (window));

  /* the same samples at 20 pixels: the same fingerprint, the runs stay */
  fl_train_panel_set_image_size (ui_train_panel (window), 20);
  g_assert_true (ui_wait (ui_data_current, window, 60));
  g_assert_cmpint (fl_data_panel_get_dataset (panel)->image_size, ==, 20);
  g_assert_cmpuint (fl_data_panel_get_dataset (panel)->fingerprint, ==, before);
  g_assert_nonnull (ui_comparison (window));
  g_assert_cmpint (fl_comparison_n_runs (ui_comparison (window)), ==, 1);

  /* a row more in the file: other samples */
  more = g_string_new (text);
  g_string_append (more, "red-000.png,one more red row,red\n");
  g_assert_true (g_file_set_contents (csv, more->str, -1, NULL));
  fl_data_panel_reload (panel);
  g_assert_true (ui_wait (ui_data_current, window, 60));
  g_assert_cmpuint (fl_data_panel_get_dataset (panel)->fingerprint, !=, before);
  g_assert_null (ui_comparison (window));

  ui_destroy_window (window);
}

static gboolean
predictions_written (gpointer data)
{
  return g_str_has_prefix (ui_status (data), "Wrote ");
}

/* Trains window's settings to the end while a probe measures how long the
 * main loop was kept from iterating: while training, and over the first
 * two frames after train.start (the switch to the training page). */
static void
train_measured (FlWindow *window)
{
  g_autoptr(FlMainLoopProbe) probe = NULL;
  g_autoptr(FlMainLoopProbe) start_probe = NULL;
  gint64 finished_at, start, worst, worst_at, start_worst;
  guint frames = 0;
  gulong handler;

  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                              G_CALLBACK (count_frame_cb), &frames);
  ui_spin (0.2);
  frames = 0;
  start_probe = fl_main_loop_probe_new ();
  start_training (window);
  g_assert_true (ui_wait (two_frames, &frames, 60));
  fl_main_loop_probe_stop (start_probe);
  start = g_get_monotonic_time ();
  probe = fl_main_loop_probe_new ();
  g_assert_true (ui_wait (ui_not_training, window, 240));
  finished_at = g_get_monotonic_time () - start;
  g_assert_true (ui_wait (ui_run_shown, window, 10));
  fl_main_loop_probe_stop (probe);
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), handler);

  worst = fl_main_loop_probe_worst (probe, &worst_at);
  start_worst = fl_main_loop_probe_worst (start_probe, NULL);
  g_test_message ("main loop (%s renderer): longest gap %.1f ms while training, over %u gaps "
                  "and %u frames until the results were shown (the gap ended %.0f ms in, "
                  "the run finished %.0f ms in); %.1f ms over the first two frames after "
                  "train.start (the switch to the training page)",
                  g_getenv ("GSK_RENDERER"), worst / 1000.0, fl_main_loop_probe_n_gaps (probe), frames,
                  worst_at / 1000.0, finished_at / 1000.0, start_worst / 1000.0);
  if (!SANITIZED)
    {
      g_assert_cmpint (worst, <, 50000);
      g_assert_cmpint (start_worst, <, 250000);
    }
}

/* Predicts on new data with the trained run, in the background: one row
 * per usable CSV row, written beside the CSV. */
static void
check_predict (FlWindow *window)
{
  g_autofree char *csv = g_build_filename (data_dir, "clean.csv", NULL);
  g_autofree char *out = g_build_filename (data_dir, "clean-predictions.csv", NULL);
  g_autofree char *text = NULL, *in = NULL;
  g_auto(GStrv) rows = NULL, inrows = NULL;

  g_remove (out);
  g_assert_true (fl_session_predict (ui_session (window), csv));
  g_assert_true (ui_wait (predictions_written, window, 60));
  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  g_assert_true (g_file_get_contents (csv, &in, NULL, NULL));
  rows = g_strsplit (g_strchomp (text), "\n", -1);
  inrows = g_strsplit (g_strchomp (in), "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, g_strv_length (inrows));
  g_assert_true (g_str_has_prefix (rows[0], "line,image,predicted,confidence,p_"));
  g_assert_null (ui_error (window));
  g_remove (out);
}

static void
test_train_two_epochs (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 32);
  FlResultsView *results = ui_results (window);

  fl_train_panel_set_epochs (ui_train_panel (window), 2);
  fl_train_panel_set_batch_size (ui_train_panel (window), 16);
  g_assert_false (fl_results_view_has_results (results));
  train_measured (window);

  g_assert_null (ui_error (window));
  g_assert_cmpuint (ui_n_points (window, TRUE, FL_CURVE_TRAIN), ==, 2);
  g_assert_cmpuint (ui_n_points (window, TRUE, FL_CURVE_VAL), ==, 2);
  g_assert_cmpuint (ui_n_points (window, FALSE, FL_CURVE_TRAIN), ==, 2);
  g_assert_cmpuint (ui_n_points (window, FALSE, FL_CURVE_VAL), ==, 2);
  /* 192 training samples in batches of 16: 12 batches an epoch */
  g_assert_cmpuint (ui_n_points (window, TRUE, FL_CURVE_BATCH), ==, 24);

  g_assert_true (fl_results_view_has_results (results));
  g_test_message ("%s · %s", ui_status (window), fl_results_view_get_headline (results));
  g_assert_true (g_str_has_prefix (fl_results_view_get_headline (results), "Accuracy "));
  g_assert_nonnull (strstr (ui_status (window), "accuracy "));
  g_assert_nonnull (strstr (fl_results_view_get_headline (results), "macro-F1 "));
  g_assert_true (g_str_has_prefix (ui_status (window), "Finished 2 epochs"));
  g_assert_cmpint (fl_confusion_view_get_n_classes (fl_results_view_get_confusion_view (results)), ==, 3);
  /* a model to save and predict with */
  g_assert_nonnull (fl_session_get_shown_model (ui_session (window)));
  check_predict (window);

  ui_destroy_window (window);
}

static void
test_pause_resume (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 16);
  FlPlotView *loss = ui_plot (window, TRUE);
  guint before, after;

  start_long_run (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "train.pause", NULL);
  /* the batch under way when pausing may still arrive */
  ui_spin (0.5);
  before = fl_plot_view_get_n_points (loss, ui_series (window, TRUE, FL_CURVE_BATCH));
  ui_spin (0.5);
  after = fl_plot_view_get_n_points (loss, ui_series (window, TRUE, FL_CURVE_BATCH));
  g_test_message ("paused: %u batches, then %u", before, after);
  g_assert_cmpuint (after, ==, before);
  g_assert_true (g_str_has_prefix (ui_status (window), "Paused"));
  g_assert_true (ui_training (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "train.pause", NULL);
  ui_spin (0.5);
  g_assert_cmpuint (fl_plot_view_get_n_points (loss, ui_series (window, TRUE, FL_CURVE_BATCH)), >, after);

  /* stopping while paused must not hang */
  gtk_widget_activate_action (GTK_WIDGET (window), "train.pause", NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.stop", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 10));
  g_assert_true (g_str_has_prefix (ui_status (window), "Stopped"));

  ui_destroy_window (window);
}

static void
test_stop_then_train_again (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 16);
  FlPlotView *loss = ui_plot (window, TRUE);
  FlPlotView *accuracy = ui_plot (window, FALSE);
  gint64 t0;
  double took;

  start_long_run (window);

  t0 = g_get_monotonic_time ();
  gtk_widget_activate_action (GTK_WIDGET (window), "train.stop", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 10));
  took = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("stopped %.3f s after train.stop: %s", took, ui_status (window));
  g_assert_cmpfloat (took, <, 1.0);
  g_assert_true (g_str_has_prefix (ui_status (window), "Stopped at epoch "));
  g_assert_cmpuint (fl_plot_view_get_n_points (accuracy, ui_series (window, FALSE, FL_CURVE_VAL)), <, 200);
  g_assert_false (fl_results_view_has_results (ui_results (window)));
  g_assert_null (ui_error (window));

  /* again, to the end this time: the plots start afresh */
  fl_train_panel_set_epochs (ui_train_panel (window), 1);
  start_training (window);
  g_assert_true (ui_wait (ui_run_shown, window, 120));
  g_assert_cmpuint (fl_plot_view_get_n_points (loss, ui_series (window, TRUE, FL_CURVE_TRAIN)), ==, 1);
  g_assert_cmpuint (fl_plot_view_get_n_points (accuracy, ui_series (window, FALSE, FL_CURVE_VAL)), ==, 1);
  g_assert_true (fl_results_view_has_results (ui_results (window)));

  ui_destroy_window (window);
}

static void
test_close_mid_run (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 16);
  gint64 t0;
  double took;

  start_long_run (window);
  g_assert_cmpuint (fl_train_worker_get_n_threads (), ==, 1);

  t0 = g_get_monotonic_time ();
  ui_destroy_window (window);
  took = (g_get_monotonic_time () - t0) / 1e6;
  g_test_message ("closed and joined in %.3f s", took);
  /* the window's dispose joined the worker thread */
  g_assert_cmpuint (fl_train_worker_get_n_threads (), ==, 0);
  g_assert_cmpfloat (took, <, 1.0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_dataset (80);

  g_test_add_func ("/ui/window/load", test_load);
  g_test_add_func ("/ui/window/cancel-load", test_cancel_load);
  g_test_add_func ("/ui/window/close-mid-load", test_close_mid_load);
  g_test_add_func ("/ui/window/train-two-epochs", test_train_two_epochs);
  g_test_add_func ("/ui/window/pause-resume", test_pause_resume);
  g_test_add_func ("/ui/window/stop-then-train-again", test_stop_then_train_again);
  g_test_add_func ("/ui/window/close-mid-run", test_close_mid_run);
  g_test_add_func ("/ui/window/changed-file", test_changed_file);

  ret = g_test_run ();
  ui_remove_tree (data_dir);
  g_free (data_dir);
  return ret;
}
