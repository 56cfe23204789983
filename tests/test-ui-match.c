/* SPDX-License-Identifier: MIT
 *
 * The matching task in the window (issue 15): the task chosen in the
 * training panel, a matching run trained through train.start on generated
 * pictures and words, its R@k curves beside their chance levels, its row in
 * the runs list, stopping one, and a classifier trained after it.
 */
#define G_LOG_DOMAIN "test-ui-match"

#include "test-ui-util.h"
#include "fl-embedder.h"
#include "fl-match-view.h"
#include "fl-train-worker.h"

#include <string.h>

static char *data_dir;

static FlMatchView *
match_view (FlWindow *w)
{
  return fl_window_get_match_view (w);
}

static gboolean
search_ready (gpointer data)
{
  return fl_search_view_get_ready (fl_window_get_search_view (data));
}

/* Whether the label of a panel row is shown (its text without the
 * mnemonic's underscore). */
static gboolean
row_shown (FlWindow   *w,
           const char *label)
{
  GtkLabel *found = ui_find_label (GTK_WIDGET (ui_train_panel (w)), label);

  g_assert_nonnull (found);
  return gtk_widget_get_visible (GTK_WIDGET (found));
}

static void
check_recall_plot (FlWindow         *w,
                   FlMatchDirection  direction,
                   int               n_epochs,
                   int               n_val)
{
  static const int ks[FL_MATCH_N_K] = { 1, 5, 10 };
  FlPlotView *plot = fl_match_view_get_plot (match_view (w), direction);
  FlPlotModel *model = fl_plot_view_get_model (plot);

  for (int j = 0; j < FL_MATCH_N_K; j++)
    {
      guint recall = fl_match_view_get_series (match_view (w), j, FALSE);
      guint chance = fl_match_view_get_series (match_view (w), j, TRUE);

      g_assert_cmpuint (fl_plot_view_get_n_points (plot, recall), ==, (guint) n_epochs);
      g_assert_cmpuint (fl_plot_view_get_n_points (plot, chance), ==, (guint) n_epochs);
      g_assert_cmpint (fl_plot_model_get_style (model, chance), ==, FL_PLOT_STYLE_REFERENCE);
      g_assert_true (g_str_has_prefix (fl_plot_model_get_label (model, chance), "chance"));
      for (int e = 0; e < n_epochs; e++)
        {
          double x, y;

          g_assert_true (fl_plot_view_get_point (plot, recall, (guint) e, &x, &y));
          g_assert_cmpfloat (x, ==, e + 1);
          g_assert_true (y >= 0.0 && y <= 1.0);
          /* the chance level of R@k is k/N, the same at every epoch */
          g_assert_true (fl_plot_view_get_point (plot, chance, (guint) e, &x, &y));
          g_assert_cmpfloat_with_epsilon (y, MIN (1.0, (double) ks[j] / n_val), 1e-12);
        }
    }
}

/* Back to Classify: a classifier trains as before, beside the match. */
static void
classify_after (FlWindow *window)
{
  fl_train_panel_set_task (ui_train_panel (window), FL_TASK_CLASSIFY);
  g_assert_true (row_shown (window, "Modality dropout"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ui_training_view (window))));
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_training (window));
  g_assert_true (ui_wait (ui_run_shown, window, 120));
  g_assert_null (ui_error (window));
  g_assert_cmpint (fl_comparison_n_runs (ui_comparison (window)), ==, 1);
  g_assert_cmpuint (ui_n_points (window, FALSE, FL_CURVE_VAL), ==, 2);
  g_assert_cmpint (fl_runs_view_get_n_rows (ui_runs_view (window)), ==, 2);
  g_assert_true (g_str_has_prefix (ui_status (window), "Finished 2 epochs"));
}

/* The figure of the Search page's Classifier box (the label after its
 * name). */
static const char *
classifier_figure (FlSearchView *search)
{
  GtkWidget *name = GTK_WIDGET (ui_find_label (GTK_WIDGET (search), "Classifier"));

  g_assert_nonnull (name);
  g_assert_true (GTK_IS_LABEL (gtk_widget_get_next_sibling (name)));
  return gtk_label_get_text (GTK_LABEL (gtk_widget_get_next_sibling (name)));
}

/* The Search page, shown again, has the classifier just trained (on the
 * matcher's split: the same seed and validation share) beside zero-shot. */
static void
classifier_beside_zero_shot (FlWindow *window)
{
  FlRunItem *classifier = fl_run_list_get (ui_runs (window), 0);
  FlSearchView *search = fl_window_get_search_view (window);
  g_autofree char *acc = g_strdup_printf ("%.1f%%", 100.0 * fl_run_item_get_accuracy (classifier));
  GtkStack *pages = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (search), GTK_TYPE_STACK));

  g_assert_cmpstr (classifier_figure (search), !=, acc);
  gtk_stack_set_visible_child_name (pages, "search");
  g_assert_true (ui_wait (search_ready, window, 60));
  g_assert_cmpstr (classifier_figure (search), ==, acc);
}

/* A matching run's row: R@1 and R@10 where a classifier's accuracy and F1
 * go, and the parameters it trained. */
static void
check_run_row (FlWindow  *window,
               FlRunItem *item)
{
  FlMatcher *m = fl_session_get_matcher (ui_session (window));
  g_autofree char *accuracy = NULL;
  gsize n_proj;

  g_assert_cmpint (fl_runs_view_get_n_rows (ui_runs_view (window)), ==, 1);
  g_assert_true (fl_runs_view_get_row (ui_runs_view (window), 0) == item);
  g_object_get (item, "accuracy-text", &accuracy, NULL);
  g_assert_true (g_str_has_prefix (accuracy, "R@1 "));
  g_assert_cmpint (fl_run_item_get_status (item), ==, FL_RUN_DONE);
  /* the branches and projections, not the model's unused fusion and head */
  fl_matcher_params (m, &n_proj);
  g_assert_cmpuint (fl_run_item_get_n_params (item), >, n_proj);
  g_assert_cmpuint (fl_run_item_get_n_params (item), <, fl_model_n_params (fl_matcher_model (m)) + n_proj);
  /* the engine's count, a frozen side left out (test-matcher checks it) */
  g_assert_cmpuint (fl_run_item_get_n_params (item), ==, fl_matcher_n_trained (m));
}

static void
test_match_then_classify (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  FlTrainPanel *panel = ui_train_panel (window);
  FlSession *session = ui_session (window);
  FlRunItem *item;
  GArray *epochs;
  const FlMatchEpoch *last;

  /* Classify at first: the routes shown, the matching settings not */
  g_assert_cmpint (fl_train_panel_get_task (panel), ==, FL_TASK_CLASSIFY);
  g_assert_true (row_shown (window, "Modality dropout"));
  g_assert_false (row_shown (window, "Shared space E"));

  fl_train_panel_set_task (panel, FL_TASK_MATCH);
  g_assert_false (row_shown (window, "Modality dropout"));
  g_assert_false (row_shown (window, "Fusion"));
  g_assert_true (row_shown (window, "Shared space E"));
  g_assert_true (row_shown (window, "Loss"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (match_view (window))));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ui_training_view (window))));

  /* Compare means nothing to matching */
  gtk_widget_activate_action (GTK_WIDGET (window), "train.compare", NULL);
  g_assert_false (ui_training (window));

  fl_train_panel_set_epochs (panel, 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_training (window));
  g_assert_true (ui_wait (ui_not_training, window, 120));
  g_assert_null (ui_error (window));
  g_test_message ("%s", ui_status (window));
  g_assert_true (g_str_has_prefix (ui_status (window), "Finished match 1"));

  item = fl_session_get_match_item (session);
  g_assert_nonnull (item);
  g_assert_true (fl_match_view_get_item (match_view (window)) == item);
  epochs = fl_run_item_get_match_epochs (item);
  g_assert_cmpuint (epochs->len, ==, 2);
  last = &g_array_index (epochs, FlMatchEpoch, 1);
  g_assert_cmpint (last->n_val, >=, 10);
  check_recall_plot (window, FL_MATCH_I2T, 2, last->n_val);
  check_recall_plot (window, FL_MATCH_T2I, 2, last->n_val);
  g_assert_nonnull (strstr (fl_match_view_get_summary (match_view (window)), "median rank"));
  g_assert_nonnull (fl_session_get_matcher (session));

  check_run_row (window, item);
  classify_after (window);
  classifier_beside_zero_shot (window);
  ui_destroy_window (window);
}

static gboolean
first_match_epoch (gpointer data)
{
  FlRunItem *item = fl_session_get_match_item (ui_session (data));

  return item != NULL && fl_run_item_get_match_epochs (item)->len > 0;
}

/* Pause holds a matching run at the end of an epoch, and Resume goes on. */
static void
test_match_pause (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  FlRunItem *item;
  guint held;

  fl_train_panel_set_task (ui_train_panel (window), FL_TASK_MATCH);
  fl_train_panel_set_epochs (ui_train_panel (window), 200);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (first_match_epoch, window, 60));
  gtk_widget_activate_action (GTK_WIDGET (window), "train.pause", NULL);
  g_assert_true (fl_session_get_paused (ui_session (window)));
  /* the epoch under way ends; then nothing comes while paused */
  ui_spin (1.0);
  item = fl_session_get_match_item (ui_session (window));
  held = fl_run_item_get_match_epochs (item)->len;
  ui_spin (1.0);
  g_assert_cmpuint (fl_run_item_get_match_epochs (item)->len, ==, held);
  g_assert_true (ui_training (window));

  gtk_widget_activate_action (GTK_WIDGET (window), "train.pause", NULL);
  g_assert_false (fl_session_get_paused (ui_session (window)));
  ui_spin (1.0);
  g_assert_cmpuint (fl_run_item_get_match_epochs (item)->len, >, held);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.stop", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 30));

  /* at another image size the data loads again before the next run, and
   * the runs of the same samples stay */
  fl_train_panel_set_image_size (ui_train_panel (window), 16);
  fl_train_panel_set_epochs (ui_train_panel (window), 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_data_current, window, 60));
  g_assert_true (ui_wait (ui_not_training, window, 60));
  g_assert_null (ui_error (window));
  g_assert_cmpint (fl_data_panel_get_dataset (ui_data_panel (window))->image_size, ==, 16);
  g_assert_cmpuint (g_list_model_get_n_items (fl_session_get_match_runs (ui_session (window))), ==, 2);
  g_assert_cmpuint (fl_run_item_get_match_epochs (fl_session_get_match_item (ui_session (window)))->len, ==, 1);
  ui_destroy_window (window);
}

/* The 36 samples of ui_make_dataset (12) are loaded. */
static gboolean
other_data_loaded (gpointer data)
{
  return ui_data_current (data) && fl_data_panel_get_dataset (ui_data_panel (data))->n == 36;
}

/* Other samples loaded: the matching runs go with their data. */
static void
other_data_drops_runs (FlWindow *window)
{
  g_autofree char *other = ui_make_dataset (12);
  g_autofree char *images = g_build_filename (other, "images", NULL);
  g_autofree char *csv = g_build_filename (other, "clean.csv", NULL);

  g_assert_cmpuint (g_list_model_get_n_items (fl_session_get_match_runs (ui_session (window))), ==, 1);
  fl_window_load (window, images, csv);
  g_assert_true (ui_wait (other_data_loaded, window, 60));
  g_assert_cmpuint (g_list_model_get_n_items (fl_session_get_match_runs (ui_session (window))), ==, 0);
  g_assert_null (fl_session_get_match_item (ui_session (window)));
  g_assert_cmpint (fl_runs_view_get_n_rows (ui_runs_view (window)), ==, 0);
  ui_remove_tree (other);
}

/* Stop cancels a matching run within an epoch, and it says so. */
static void
test_match_stop (void)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);
  FlTrainPanel *panel = ui_train_panel (window);
  FlRunItem *item;

  fl_train_panel_set_task (panel, FL_TASK_MATCH);
  fl_train_panel_set_epochs (panel, 200);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (first_match_epoch, window, 60));
  gtk_widget_activate_action (GTK_WIDGET (window), "train.stop", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 30));
  g_assert_cmpuint (fl_train_worker_get_n_threads (), ==, 0);

  item = fl_session_get_match_item (ui_session (window));
  g_assert_cmpint (fl_run_item_get_status (item), ==, FL_RUN_CANCELLED);
  g_assert_cmpuint (fl_run_item_get_match_epochs (item)->len, <, 200);
  g_assert_cmpstr (ui_status (window), ==, "Matching stopped.");
  g_assert_null (ui_error (window));
  /* its model is on the Search page, which is not forced on the user */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (
                     GTK_WIDGET (fl_window_get_search_view (window)), GTK_TYPE_STACK))), ==, "training");
  g_assert_true (ui_wait (search_ready, window, 60));
  other_data_drops_runs (window);
  ui_destroy_window (window);
}

/* Trains a matching run of 2 epochs with loss in a new window. */
static FlWindow *
window_with_match (FlMatchLoss loss)
{
  FlWindow *window = ui_window_with_data (data_dir, 24);

  fl_train_panel_set_task (ui_train_panel (window), FL_TASK_MATCH);
  fl_train_panel_set_match_loss (ui_train_panel (window), loss);
  fl_train_panel_set_epochs (ui_train_panel (window), 2);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 120));
  g_assert_null (ui_error (window));
  return window;
}

static gboolean
padded (gpointer data)
{
  FlDataset *ds = fl_data_panel_get_dataset (ui_data_panel (data));

  return ui_data_ready (data) && ds->image_fit == FL_IMAGE_FIT_PAD;
}

/* After the run, its model on the Search page, over its held-out pairs;
 * saved, and opened again from the file; a corrupt file said so, and so
 * is data of another picture fit than the model's. */
static void
test_match_search (void)
{
  FlWindow *window = window_with_match (FL_MATCH_LOSS_INFONCE);
  FlSearchView *search = fl_window_get_search_view (window);
  GtkStack *pages = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (search), GTK_TYPE_STACK));
  FlRun *run = fl_matcher_run (fl_session_get_matcher (ui_session (window)));
  g_autofree char *path = g_build_filename (data_dir, "matching.safetensors", NULL);
  g_autofree char *bad = g_build_filename (data_dir, "bad.safetensors", NULL);
  g_autoptr(FlEmbedder) e = NULL;
  g_autoptr(GError) error = NULL;
  const gint32 *val;
  int n_val, n;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (pages), ==, "search");
  g_assert_true (ui_wait (search_ready, window, 60));
  val = fl_run_val_indices (run, &n_val);
  fl_search_view_search (search, "red");
  n = fl_search_view_get_n_results (search);
  g_assert_cmpint (n, >, 0);
  for (int i = 0; i < n; i++)
    {
      int sample = fl_search_view_get_result (search, i, NULL);
      gboolean held_out = FALSE;

      for (int j = 0; j < n_val; j++)
        held_out |= val[j] == sample;
      g_assert_true (held_out);
    }

  /* as "Save the Matching Model" writes it, opened again */
  e = fl_matcher_embedder (fl_session_get_matcher (ui_session (window)));
  g_assert_true (fl_embedder_save (e, path, &error));
  g_assert_no_error (error);
  gtk_stack_set_visible_child_name (pages, "training");
  g_assert_true (fl_window_open_match_model (window, path));
  g_assert_null (ui_error (window));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (pages), ==, "search");
  g_assert_true (ui_wait (search_ready, window, 60));

  g_assert_true (g_file_set_contents (bad, "not a model", -1, NULL));
  g_assert_false (fl_window_open_match_model (window, bad));
  g_assert_nonnull (ui_error (window));
  g_assert_nonnull (strstr (ui_error (window), "bad.safetensors"));

  /* over data loaded with another picture fit: refused, naming the fit to
   * choose (the model's pictures were squashed) */
  fl_train_panel_set_image_fit (ui_train_panel (window), FL_IMAGE_FIT_PAD);
  g_assert_true (ui_wait (padded, window, 60));
  g_assert_false (fl_window_open_match_model (window, path));
  g_test_message ("%s", ui_error (window));
  g_assert_nonnull (strstr (ui_error (window), "choose “Squash”"));
  ui_destroy_window (window);
}

/* The seed's mapping y = f(x) trains from the window too, and its R@k are
 * drawn like the contrastive losses'. */
static void
test_match_mapping (void)
{
  FlWindow *window = window_with_match (FL_MATCH_LOSS_MAPPING);
  FlRunItem *item = fl_session_get_match_item (ui_session (window));
  FlPlotView *plot = fl_match_view_get_plot (match_view (window), FL_MATCH_T2I);

  g_assert_cmpint (fl_run_item_get_match_settings (item)->loss, ==, FL_MATCH_LOSS_MAPPING);
  g_assert_cmpint (fl_run_item_get_status (item), ==, FL_RUN_DONE);
  g_assert_cmpuint (fl_plot_view_get_n_points (plot, fl_match_view_get_series (match_view (window), 2, FALSE)), ==, 2);
  ui_destroy_window (window);
}

/* Every loss the drop-down offers gives settings the engine takes
 * (mapping: with the text side frozen), and Augment reaches them. */
static void
test_match_settings (void)
{
  FlWindow *window = fl_window_new (NULL);
  FlTrainPanel *panel = ui_train_panel (window);

  fl_train_panel_set_task (panel, FL_TASK_MATCH);
  for (int l = 0; l < FL_N_MATCH_LOSSES; l++)
    {
      g_autoptr(GError) error = NULL;
      FlMatchSettings s;

      fl_train_panel_set_match_loss (panel, l);
      fl_train_panel_set_augment (panel, l % 2 == 1);
      fl_train_panel_get_match_settings (panel, &s);
      g_assert_cmpint (s.loss, ==, l);
      g_assert_cmpint (s.train.augment, ==, l % 2 == 1);   /* matching augments too */
      g_assert_cmpint (s.embed_dim, ==, 64);
      g_assert_true (fl_match_settings_validate (&s, &error));
      g_assert_no_error (error);
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_dataset (30);
  g_test_add_func ("/match/settings", test_match_settings);
  g_test_add_func ("/match/match-then-classify", test_match_then_classify);
  g_test_add_func ("/match/stop", test_match_stop);
  g_test_add_func ("/match/pause", test_match_pause);
  g_test_add_func ("/match/search", test_match_search);
  g_test_add_func ("/match/mapping", test_match_mapping);
  status = g_test_run ();
  ui_remove_tree (data_dir);
  g_free (data_dir);
  return status;
}
