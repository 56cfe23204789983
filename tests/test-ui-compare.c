/* SPDX-License-Identifier: MIT
 *
 * The comparison workbench end to end on the bundled demo dataset: compare
 * the five fusion methods through train.compare, then the runs list and the
 * overlaid curves, the exports (plots, CSVs), the experiment file (saved,
 * reopened, and corrupt), and the confusion matrix's sample gallery.
 */
#define G_LOG_DOMAIN "test-ui-compare"

#include "test-ui-util.h"
#include "fl-experiment.h"
#include "fl-sample-gallery.h"
#include "fl-routes-view.h"
#include "fl-style.h"

#include <json-glib/json-glib.h>

#include <math.h>
#include <string.h>

/* The routes a Compare trains on image and text data. */
static int
n_routes (void)
{
  FlFusion fusions[FL_N_FUSIONS];

  return (int) fl_fusions_possible (FL_BRANCHES_IMAGE_TEXT, fusions);
}

static char *demo_dir;
static char *tmp_dir;
static FlWindow *window;     /* compared once, used by every test */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static GtkWidget *find_widget (GtkWidget *widget, GType type, const char *label);

/* Clicks run i's check box in the runs list, as a person would, and checks
 * that the run follows. */
static void
click_run_check (FlWindow *w,
                 int       run,
                 gboolean  visible)
{
  FlRunItem *item = fl_run_list_get (ui_runs (w), run);
  GtkWidget *check = find_widget (GTK_WIDGET (ui_runs_view (w)), GTK_TYPE_CHECK_BUTTON,
                                  fl_run_item_get_color_class (item));

  g_assert_nonnull (check);
  if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) != visible)
    gtk_widget_activate (check);
  g_assert_cmpint (fl_run_item_get_visible (item), ==, visible);
}

static void
test_compare (void)
{
  FlPlotView *loss, *accuracy;
  FlComparison *cmp;

  window = ui_window_with_data (demo_dir, 32);
  loss = ui_plot (window, TRUE);
  accuracy = ui_plot (window, FALSE);
  fl_train_panel_set_epochs (ui_train_panel (window), 2);
  /* one split: a run per route (cross-validation: test_cross_validation) */
  fl_train_panel_set_compare (ui_train_panel (window), 1, 1);

  gtk_widget_activate_action (GTK_WIDGET (window), "train.compare", NULL);
  g_assert_true (ui_training (window));
  g_assert_true (ui_wait (ui_not_training, window, 240));
  g_assert_null (ui_error (window));
  g_test_message ("%s", ui_status (window));

  cmp = ui_comparison (window);
  g_assert_nonnull (cmp);
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, n_routes ());
  g_assert_cmpint (fl_runs_view_get_n_rows (ui_runs_view (window)), ==, n_routes ());

  /* a curve per route in each plot, of two points each, and only those */
  g_assert_cmpuint (fl_plot_view_get_n_series (loss), ==, ui_run_series (window, TRUE, n_routes () - 1) + 1);
  g_assert_cmpuint (fl_plot_view_get_n_series (accuracy), ==, ui_run_series (window, FALSE, n_routes () - 1) + 1);
  for (int i = 0; i < n_routes (); i++)
    {
      g_assert_cmpuint (fl_plot_view_get_n_points (loss, ui_run_series (window, TRUE, i)), ==, 2);
      g_assert_cmpuint (fl_plot_view_get_n_points (accuracy, ui_run_series (window, FALSE, i)), ==, 2);
      g_assert_true (fl_plot_view_get_series_visible (loss, ui_run_series (window, TRUE, i)));
      g_assert_true (fl_plot_view_get_series_visible (accuracy, ui_run_series (window, FALSE, i)));
      g_assert_cmpint (fl_comparison_result (cmp, i)->status, ==, FL_RUN_DONE);
      g_assert_cmpint (fl_run_item_get_status (fl_run_list_get (ui_runs (window), i)), ==, FL_RUN_DONE);
    }
  g_assert_false (fl_plot_view_get_series_visible (loss, ui_series (window, TRUE, FL_CURVE_VAL)));
}

/* A run's check box switches its curves off, its name staying in the
 * legends to switch them back on; and so does a click on its name in a
 * legend: the list and the other plot follow. */
static void
test_run_toggles (void)
{
  FlPlotView *loss = ui_plot (window, TRUE), *accuracy = ui_plot (window, FALSE);
  graphene_rect_t r;

  click_run_check (window, 1, FALSE);
  g_assert_false (fl_plot_view_get_series_active (loss, ui_run_series (window, TRUE, 1)));
  g_assert_false (fl_plot_view_get_series_active (accuracy, ui_run_series (window, FALSE, 1)));
  g_assert_true (fl_plot_view_get_legend_entry (loss, ui_run_series (window, TRUE, 1), NULL));
  click_run_check (window, 1, TRUE);
  g_assert_true (fl_plot_view_get_series_active (loss, ui_run_series (window, TRUE, 1)));

  ui_spin (0.2);
  g_assert_true (fl_plot_view_get_legend_entry (accuracy, ui_run_series (window, FALSE, 2), &r));
  g_assert_cmpint (fl_plot_view_activate_legend_at (accuracy, r.origin.x + r.size.width / 2,
                                                    r.origin.y + r.size.height / 2),
                   ==, ui_run_series (window, FALSE, 2));
  g_assert_false (fl_run_item_get_visible (fl_run_list_get (ui_runs (window), 2)));
  g_assert_false (fl_plot_view_get_series_active (loss, ui_run_series (window, TRUE, 2)));
  g_assert_false (fl_plot_view_get_series_active (accuracy, ui_run_series (window, FALSE, 2)));
  g_assert_true (fl_plot_view_get_series_active (loss, ui_run_series (window, TRUE, 1)));
  /* the check box in the list follows too */
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (find_widget (
    GTK_WIDGET (ui_runs_view (window)), GTK_TYPE_CHECK_BUTTON, fl_run_color_class (2)))));
  fl_plot_view_activate_legend_at (accuracy, r.origin.x + r.size.width / 2, r.origin.y + r.size.height / 2);
  g_assert_true (fl_run_item_get_visible (fl_run_list_get (ui_runs (window), 2)));
  g_assert_true (fl_plot_view_get_series_active (loss, ui_run_series (window, TRUE, 2)));
}

/* The parameter-free fusion runs ahead of both unimodal ones (the last two
 * routes); the best is a fusion and is marked, and sorting by accuracy puts
 * it first. */
static void
test_fusion_wins (void)
{
  FlComparison *cmp = ui_comparison (window);
  const int image = n_routes () - 2, text = n_routes () - 1;
  double best_image = fl_comparison_result (cmp, image)->best_val_acc;
  double best_text = fl_comparison_result (cmp, text)->best_val_acc;
  int best = fl_run_list_get_best (ui_runs (window));

  g_assert_cmpint (fl_comparison_result (cmp, image)->fusion, ==, FL_FUSION_IMAGE);
  g_assert_cmpint (fl_comparison_result (cmp, text)->fusion, ==, FL_FUSION_TEXT);
  for (int i = 0; i < 3; i++)
    {
      const FlRunResult *r = fl_comparison_result (cmp, i);

      g_test_message ("%s %.3f (image %.3f, text %.3f)", r->name, r->best_val_acc, best_image, best_text);
      g_assert_cmpfloat (r->best_val_acc, >, best_image);
      g_assert_cmpfloat (r->best_val_acc, >, best_text);
    }
  g_assert_cmpint (best, <, image);
  g_assert_cmpint (best, ==, fl_comparison_best (cmp));
  g_assert_true (fl_run_item_get_best (fl_run_list_get (ui_runs (window), best)));

  fl_runs_view_sort_by (ui_runs_view (window), "Accuracy", GTK_SORT_ASCENDING);
  g_assert_true (fl_runs_view_get_row (ui_runs_view (window), 0) == fl_run_list_get (ui_runs (window), best));
  for (int k = 1; k < n_routes (); k++)
    g_assert_cmpfloat (fl_run_item_get_accuracy (fl_runs_view_get_row (ui_runs_view (window), k - 1)), >=,
                       fl_run_item_get_accuracy (fl_runs_view_get_row (ui_runs_view (window), k)));
  fl_runs_view_sort_by (ui_runs_view (window), "Run", GTK_SORT_ASCENDING);
  g_assert_cmpstr (fl_run_item_get_name (fl_runs_view_get_row (ui_runs_view (window), 0)), ==, "concat");
}

/* A single run joins the same list; clicking a run's name shows its
 * results. */
static void
test_single_run_joins (void)
{
  FlComparison *cmp = ui_comparison (window);
  GtkWidget *name;

  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 120));
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, n_routes () + 1);
  g_assert_cmpint (fl_runs_view_get_n_rows (ui_runs_view (window)), ==, n_routes () + 1);
  g_assert_cmpuint (ui_run_points (window, TRUE, n_routes ()), ==, 2);

  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (
    GTK_WIDGET (ui_runs_view (window)), GTK_TYPE_STACK)), "runs");
  ui_spin (0.2);
  name = find_widget (GTK_WIDGET (ui_runs_view (window)), GTK_TYPE_BUTTON, "product");
  g_assert_nonnull (name);
  /* a button's activation clicks it once its pressed look has shown */
  gtk_widget_activate (name);
  ui_spin (0.4);
  g_assert_cmpint (fl_session_get_shown_run (ui_session (window)), ==, 2);
  g_assert_true (fl_results_view_get_run (ui_results (window)) == fl_comparison_run (cmp, 2));
  g_assert_true (ui_wait (ui_run_shown, window, 10));
}

/* Compare over 3 folds: 15 runs on the same folds; the routes summed up
 * as mean ± sd of their folds' final accuracy, with the verdicts. */
static void
test_cross_validation (void)
{
  FlWindow *cv = ui_window_with_data (demo_dir, 16);
  FlComparison *cmp;
  g_autoptr(GPtrArray) routes = NULL;
  g_autofree char *said = NULL;
  g_autofree char *want_label = g_strdup_printf ("Compare: %d runs of 1 epoch", 3 * (n_routes () - 1));
  g_autofree char *want_status = g_strdup_printf ("Compared %d routes over 3 folds", n_routes () - 1);
  g_autofree char *all_label = g_strdup_printf ("Compare: %d runs of 1 epoch", 3 * n_routes ());

  fl_train_panel_set_epochs (ui_train_panel (cv), 1);
  fl_train_panel_set_compare (ui_train_panel (cv), 3, 1);
  g_assert_true (ui_find_label (GTK_WIDGET (ui_train_panel (cv)), all_label) != NULL);
  /* one route not ticked: one route fewer */
  fl_train_panel_set_route (ui_train_panel (cv), FL_FUSION_MEAN, FALSE);
  g_assert_true (ui_find_label (GTK_WIDGET (ui_train_panel (cv)), want_label) != NULL);
  gtk_widget_activate_action (GTK_WIDGET (cv), "train.compare", NULL);
  g_assert_true (ui_wait (ui_not_training, cv, 240));
  if (ui_error (cv) != NULL)
    g_test_message ("error: %s", ui_error (cv));
  g_assert_null (ui_error (cv));
  cmp = ui_comparison (cv);
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, 3 * (n_routes () - 1));
  g_assert_cmpint (fl_comparison_cv_folds (cmp), ==, 3);
  g_test_message ("%s", ui_status (cv));
  g_assert_true (g_str_has_prefix (ui_status (cv), want_status));
  routes = fl_comparison_routes (cmp);
  g_assert_cmpuint (routes->len, ==, n_routes () - 1);
  for (guint i = 0; i < routes->len; i++)
    g_assert_cmpint (((FlRouteSummary *) routes->pdata[i])->fusion, !=, FL_FUSION_MEAN);
  said = fl_routes_view_describe (FL_ROUTES_VIEW (ui_find_type (GTK_WIDGET (cv), FL_TYPE_ROUTES_VIEW)));
  g_test_message ("%s", said);
  g_assert_true (g_str_has_prefix (said, "Over 3 folds"));
  for (guint i = 0; i < routes->len; i++)
    {
      const FlRouteSummary *r = routes->pdata[i];
      g_autofree char *line = g_strdup_printf ("%s  %.1f%% ± %.1f", fl_fusion_title (r->fusion),
                                               100.0 * r->acc_mean, 100.0 * r->acc_sd);
      double sum = 0.0;

      for (int k = 0; k < 3; k++)
        {
          const FlRunResult *run = fl_comparison_result (cmp, r->run[k]);
          sum += g_array_index (run->epochs, FlEpochStats, run->epochs->len - 1).val_acc;
          g_assert_cmpint (run->settings.fold, ==, k);
        }
      g_assert_cmpfloat_with_epsilon (r->acc_mean, sum / 3, 1e-12);
      g_assert_nonnull (strstr (said, line));
    }
  /* the verdicts: every other route against the top one */
  g_assert_true (strstr (said, "between") != NULL || strstr (said, "beats") != NULL);
  /* shown: a first fold's run, which keeps its model */
  g_assert_cmpint (fl_comparison_result (cmp, fl_session_get_shown_run (ui_session (cv)))->settings.fold, ==, 0);
  g_assert_nonnull (fl_session_get_shown_model (ui_session (cv)));
  ui_destroy_window (cv);
}

static void
assert_prefix (const char *path,
               const char *prefix,
               gsize       len)
{
  g_autofree char *contents = NULL;
  gsize size = 0;

  g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
  g_assert_cmpuint (size, >=, len);
  g_assert_cmpmem (contents, len, prefix, len);
}

static int
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  int n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (const char *c = contents; *c; c++)
    n += *c == '\n';
  return n;
}

static void
test_exports (void)
{
  static const GMarkupParser no_callbacks = { 0 };
  g_autofree char *png = tmp_path ("loss.png");
  g_autofree char *svg = tmp_path ("accuracy.svg");
  g_autofree char *pdf = tmp_path ("loss.pdf");
  g_autofree char *runs = tmp_path ("runs.csv");
  g_autofree char *metrics = tmp_path ("metrics.csv");
  g_autofree char *svg_text = NULL;
  g_autoptr(GMarkupParseContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  FlComparison *cmp = ui_comparison (window);
  int n_epochs = 0;

  g_assert_nonnull (window);
  g_assert_true (fl_plot_view_export (ui_plot (window, TRUE), png, 1200, 750, &error));
  g_assert_no_error (error);
  g_assert_true (fl_plot_view_export (ui_plot (window, FALSE), svg, 800, 500, &error));
  g_assert_no_error (error);
  g_assert_true (fl_plot_view_export (ui_plot (window, TRUE), pdf, 1600, 1000, &error));
  g_assert_no_error (error);
  g_assert_false (fl_plot_view_export (ui_plot (window, TRUE), "/tmp/x.bmp", 800, 500, &error));
  g_clear_error (&error);

  assert_prefix (png, "\x89PNG\r\n\x1a\n", 8);
  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 1200);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 750);
  assert_prefix (pdf, "%PDF-", 5);

  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (svg_text, "<?xml"));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  ctx = g_markup_parse_context_new (&no_callbacks, 0, NULL, NULL);
  g_assert_true (g_markup_parse_context_parse (ctx, svg_text, -1, &error));
  g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);

  if (g_getenv ("FUSIONLAB_SHOTS") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("FUSIONLAB_SHOTS"), "accuracy-export.png", NULL);
      g_assert_true (fl_plot_view_export (ui_plot (window, FALSE), shot, 1200, 750, NULL));
    }

  /* the CSVs, through FlComparison: one row per run, and per run and epoch */
  g_assert_true (fl_comparison_write_runs_csv (cmp, runs, &error));
  g_assert_no_error (error);
  g_assert_true (fl_comparison_write_metrics_csv (cmp, metrics, &error));
  g_assert_no_error (error);
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    n_epochs += fl_comparison_result (cmp, i)->epochs->len;
  g_assert_cmpint (count_lines (runs), ==, 1 + fl_comparison_n_runs (cmp));
  g_assert_cmpint (count_lines (metrics), ==, 1 + n_epochs);
}

static FlSampleGallery *
find_gallery (GtkWidget *widget)
{
  if (FL_IS_SAMPLE_GALLERY (widget))
    return FL_SAMPLE_GALLERY (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      FlSampleGallery *g = find_gallery (c);
      if (g != NULL)
        return g;
    }
  return NULL;
}

/* The validation row of sample i, which must be one. */
static int
validation_row (const FlValidation *v,
                int                 i)
{
  int k;

  for (k = 0; k < v->n && v->rows[k] != i; k++)
    ;
  g_assert_cmpint (k, <, v->n);
  return k;
}

/* Cell (t, p) counts the samples of true class t predicted p, and its
 * gallery holds exactly those; returns the count. */
static gint64
check_cell (FlConfusionView    *matrix,
            FlSampleGallery    *gallery,
            const FlValidation *v,
            const FlDataset    *ds,
            int                 t,
            int                 p)
{
  gint64 count = fl_confusion_view_get_count (matrix, t, p), expected = 0;

  for (int k = 0; k < v->n; k++)
    expected += v->labels[k] == t && fl_validation_predicted (v, k, NULL) == p;
  g_assert_cmpint (count, ==, expected);
  fl_confusion_view_activate_cell (matrix, t, p);
  g_assert_cmpint (fl_sample_gallery_get_n_samples (gallery), ==, MIN (count, 120));
  for (int j = 0; j < fl_sample_gallery_get_n_samples (gallery); j++)
    {
      int i = fl_sample_gallery_get_sample (gallery, j);

      g_assert_cmpint (ds->labels[i], ==, t);
      g_assert_cmpint (fl_validation_predicted (v, validation_row (v, i), NULL), ==, p);
    }
  return count;
}

/* The most confident mistakes: wrong, surest first. */
static void
check_mistakes (FlSampleGallery    *gallery,
                const FlValidation *v,
                const FlDataset    *ds)
{
  float last = 2.0f;

  fl_sample_gallery_show_mistakes (gallery, 10);
  g_assert_cmpint (fl_sample_gallery_get_n_samples (gallery), >, 0);
  for (int j = 0; j < fl_sample_gallery_get_n_samples (gallery); j++)
    {
      int i = fl_sample_gallery_get_sample (gallery, j);
      float confidence;

      g_assert_cmpint (fl_validation_predicted (v, validation_row (v, i), &confidence), !=, ds->labels[i]);
      g_assert_cmpfloat (confidence, <=, last);
      last = confidence;
    }
}

/* The confusion matrix w shows is that of v, its cells add up to the
 * validation size, and the gallery of each cell holds exactly its samples of
 * ds; the mistakes gallery is wrong predictions, surest first. */
static void
check_confusion_gallery (FlWindow           *w,
                         const FlValidation *v,
                         const FlDataset    *ds,
                         const char         *shot_name)
{
  FlResultsView *results = ui_results (w);
  FlConfusionView *matrix = fl_results_view_get_confusion_view (results);
  FlSampleGallery *gallery = find_gallery (GTK_WIDGET (w));
  gint64 total = 0;
  int C;

  g_assert_true (ui_wait (ui_run_shown, w, 10));
  g_assert_nonnull (v);
  g_assert_nonnull (gallery);
  C = fl_confusion_view_get_n_classes (matrix);
  g_assert_cmpint (C, ==, ds->n_classes);
  g_assert_cmpint (C, ==, v->n_classes);

  for (int t = 0; t < C; t++)
    for (int p = 0; p < C; p++)
      total += check_cell (matrix, gallery, v, ds, t, p);
  g_assert_cmpint (total, ==, v->n);

  /* FUSIONLAB_SHOTS=DIR: pictures of the gallery, to look at */
  if (g_getenv ("FUSIONLAB_SHOTS") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("FUSIONLAB_SHOTS"), shot_name, NULL);

      fl_confusion_view_activate_cell (matrix, 1, 3);
      ui_spin (0.5);
      g_assert_true (fl_window_save_png (w, shot, NULL));
    }

  check_mistakes (gallery, v, ds);
}

static FlWindow *reopened;   /* the experiment reopened in a window of its own */

/* The runs of two comparisons agree, figure by figure and epoch by epoch. */
static void
assert_same_runs (FlComparison *cmp,
                  FlComparison *back)
{
  g_assert_cmpint (fl_comparison_n_runs (back), ==, fl_comparison_n_runs (cmp));
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      const FlRunResult *a = fl_comparison_result (cmp, i), *b = fl_comparison_result (back, i);

      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpint (a->fusion, ==, b->fusion);
      g_assert_cmpint (a->status, ==, b->status);
      g_assert_cmpint (a->best_epoch, ==, b->best_epoch);
      g_assert_cmpfloat_with_epsilon (a->best_val_acc, b->best_val_acc, 1e-9);
      g_assert_cmpint (a->settings.epochs, ==, b->settings.epochs);
      g_assert_cmpuint (a->epochs->len, ==, b->epochs->len);
      for (guint e = 0; e < a->epochs->len; e++)
        g_assert_cmpfloat_with_epsilon (g_array_index (a->epochs, FlEpochStats, e).val_loss,
                                        g_array_index (b->epochs, FlEpochStats, e).val_loss, 1e-9);
    }
}

/* Saved and reopened in another window: the same runs and curves, and a
 * run switched off stays off. */
static void
test_experiment (void)
{
  g_autofree char *path = tmp_path ("experiment.json");
  g_autoptr(GError) error = NULL;
  FlComparison *cmp = ui_comparison (window);
  int n = fl_comparison_n_runs (cmp);

  click_run_check (window, 3, FALSE);
  g_assert_true (fl_session_save_experiment (ui_session (window), path, &error));
  g_assert_no_error (error);
  click_run_check (window, 3, TRUE);

  reopened = fl_window_new (NULL);
  gtk_window_present (GTK_WINDOW (reopened));
  g_assert_true (fl_window_open_experiment (reopened, path));
  /* its data is named by the file: loaded only once the user says so */
  ui_spin (0.2);
  g_assert_false (fl_data_panel_get_loading (ui_data_panel (reopened)));
  g_assert_null (fl_data_panel_get_dataset (ui_data_panel (reopened)));
  g_assert_nonnull (find_widget (GTK_WIDGET (reopened), GTK_TYPE_BUTTON, "_Load the Data"));
  gtk_widget_activate_action (GTK_WIDGET (reopened), "win.load-experiment-data", NULL);
  g_assert_true (fl_data_panel_get_loading (ui_data_panel (reopened)));
  g_assert_false (fl_run_item_get_visible (fl_run_list_get (ui_runs (reopened), 3)));
  g_assert_false (fl_plot_view_get_series_active (ui_plot (reopened, TRUE), ui_run_series (reopened, TRUE, 3)));
  g_assert_true (fl_plot_view_get_series_active (ui_plot (reopened, TRUE), ui_run_series (reopened, TRUE, 2)));
  g_assert_null (ui_error (reopened));
  g_assert_nonnull (ui_comparison (reopened));
  assert_same_runs (cmp, ui_comparison (reopened));
  g_assert_cmpint (fl_runs_view_get_n_rows (ui_runs_view (reopened)), ==, n);
  for (int i = 0; i < n; i++)
    g_assert_cmpuint (ui_run_points (reopened, FALSE, i), ==, fl_comparison_result (cmp, i)->epochs->len);
}

/* With its data loaded again: the best run's matrix and galleries, and the
 * settings it was compared with. */
static void
test_experiment_data (void)
{
  FlComparison *cmp = ui_comparison (window), *back = ui_comparison (reopened);
  int shown;
  FlTrainSettings settings;

  g_assert_true (ui_wait (ui_data_ready, reopened, 60));
  g_assert_true (ui_wait (ui_run_shown, reopened, 10));
  g_test_message ("reopened: %s", ui_status (reopened));
  g_assert_null (strstr (ui_status (reopened), "not there"));
  shown = fl_session_get_shown_run (ui_session (reopened));
  g_assert_cmpint (shown, ==, fl_run_list_get_best (ui_runs (reopened)));
  g_assert_true (fl_comparison_result (back, shown)->validation != NULL);
  g_assert_null (fl_results_view_get_run (ui_results (reopened)));
  fl_train_panel_get_settings (ui_train_panel (reopened), &settings);
  g_assert_cmpint (settings.epochs, ==, fl_comparison_base_settings (cmp)->epochs);
  g_assert_cmpint (settings.batch_size, ==, fl_comparison_base_settings (cmp)->batch_size);
  check_confusion_gallery (reopened, fl_comparison_result (back, shown)->validation,
                           fl_data_panel_get_dataset (ui_data_panel (reopened)), "reopened.png");
}

/* A corrupt file: a clear error in the window, and the runs stay. The same
 * files read with another label column are other data: its runs do not
 * mix with those of the experiment. */
static void
test_experiment_corrupt (void)
{
  g_autofree char *corrupt = tmp_path ("corrupt.json");
  FlComparison *back = ui_comparison (reopened);

  g_assert_true (g_file_set_contents (corrupt, "{ \"runs\": [ {\"name\": ", -1, NULL));
  g_assert_false (fl_window_open_experiment (reopened, corrupt));
  g_assert_nonnull (ui_error (reopened));
  g_test_message ("error shown: %s", ui_error (reopened));
  g_assert_nonnull (strstr (ui_error (reopened), "corrupt.json"));
  g_assert_true (ui_comparison (reopened) == back);

  fl_data_panel_set_columns (ui_data_panel (reopened), NULL, NULL, "text");
  g_assert_true (ui_wait (ui_data_ready, reopened, 60));
  g_assert_cmpstr (fl_data_panel_get_dataset (ui_data_panel (reopened))->report.label_col, ==, "text");
  g_assert_null (ui_comparison (reopened));

  ui_destroy_window (g_steal_pointer (&reopened));
}

/* Writes src to dst with only its first run and, if csv is not NULL, that
 * CSV path: an experiment of one run, or one whose data has gone. */
static void
rewrite_experiment (const char *src,
                    const char *dst,
                    const char *csv)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonArray *runs;

  g_assert_true (json_parser_load_from_file (parser, src, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  runs = json_object_get_array_member (root, "runs");
  while (json_array_get_length (runs) > 1)
    json_array_remove_element (runs, json_array_get_length (runs) - 1);
  if (csv != NULL)
    json_object_set_string_member (json_object_get_object_member (root, "data"), "csv", csv);
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, dst, &error));
}

/* One run reopened: its own training, validation and per-batch curves, as
 * drawn while it trained. */
static void
test_experiment_one_run (void)
{
  g_autofree char *path = tmp_path ("experiment.json");
  g_autofree char *one = tmp_path ("one-run.json");
  const FlRunResult *r = fl_comparison_result (ui_comparison (window), 0);
  g_autoptr(GError) error = NULL;
  FlPlotView *loss;
  guint batch;

  g_assert_true (fl_session_save_experiment (ui_session (window), path, &error));
  rewrite_experiment (path, one, NULL);
  reopened = fl_window_new (NULL);
  loss = ui_plot (reopened, TRUE);
  batch = ui_series (reopened, TRUE, FL_CURVE_BATCH);
  gtk_window_present (GTK_WINDOW (reopened));
  g_assert_true (fl_window_open_experiment (reopened, one));
  gtk_widget_activate_action (GTK_WIDGET (reopened), "win.load-experiment-data", NULL);
  g_assert_cmpint (fl_comparison_n_runs (ui_comparison (reopened)), ==, 1);
  g_assert_cmpuint (r->batch_loss->len, >, 0);
  g_assert_cmpuint (fl_plot_view_get_n_points (loss, batch), ==, r->batch_loss->len);
  g_assert_cmpuint (ui_n_points (reopened, TRUE, FL_CURVE_TRAIN), ==, r->epochs->len);
  g_assert_cmpuint (ui_n_points (reopened, FALSE, FL_CURVE_VAL), ==, r->epochs->len);
  g_assert_true (fl_plot_view_get_series_visible (loss, batch));
  for (guint k = 0; k < r->batch_loss->len; k++)
    {
      double x, y;

      g_assert_true (fl_plot_view_get_point (loss, batch, k, &x, &y));
      g_assert_cmpfloat (y, ==, g_array_index (r->batch_loss, double, k));
      g_assert_cmpfloat_with_epsilon (x, (double) (k + 1) / r->batches_per_epoch, 1e-12);
    }
  g_assert_true (ui_wait (ui_data_ready, reopened, 60));
}

/* Its data gone: the figures and the matrix still, no cards, and a status
 * line that says why the samples are not shown. Training on the data that
 * is loaded — not the experiment's — then starts a comparison of its own
 * instead of joining the reopened one. */
static void
test_experiment_data_gone (void)
{
  g_autofree char *path = tmp_path ("experiment.json");
  g_autofree char *gone = tmp_path ("gone.json");
  g_autofree char *missing = tmp_path ("no-such.csv");
  const FlRunResult *r = fl_comparison_result (ui_comparison (window), 0);
  FlSampleGallery *gallery = find_gallery (GTK_WIDGET (reopened));
  FlConfusionView *matrix = fl_results_view_get_confusion_view (ui_results (reopened));
  gint64 total = 0;

  rewrite_experiment (path, gone, missing);
  g_assert_true (fl_window_open_experiment (reopened, gone));
  g_test_message ("data gone: %s", ui_status (reopened));
  g_assert_nonnull (strstr (ui_status (reopened), "not there"));
  g_assert_true (ui_wait (ui_run_shown, reopened, 10));
  for (int t = 0; t < fl_confusion_view_get_n_classes (matrix); t++)
    for (int p = 0; p < fl_confusion_view_get_n_classes (matrix); p++)
      {
        total += fl_confusion_view_get_count (matrix, t, p);
        fl_confusion_view_activate_cell (matrix, t, p);
        g_assert_cmpint (fl_sample_gallery_get_n_samples (gallery), ==, 0);
      }
  g_assert_cmpint (total, ==, r->validation->n);
  g_assert_null (ui_error (reopened));

  g_assert_cmpint (fl_comparison_result (ui_comparison (reopened), 0)->settings.epochs, ==, 2);
  fl_train_panel_set_epochs (ui_train_panel (reopened), 1);
  gtk_widget_activate_action (GTK_WIDGET (reopened), "train.start", NULL);
  g_assert_true (ui_wait (ui_not_training, reopened, 120));
  g_assert_null (ui_error (reopened));
  /* (not a pointer comparison: the new one may take the old one's place) */
  g_assert_cmpint (fl_comparison_n_runs (ui_comparison (reopened)), ==, 1);
  g_assert_cmpint (fl_comparison_result (ui_comparison (reopened), 0)->settings.epochs, ==, 1);
  g_assert_cmpint (fl_comparison_result (ui_comparison (reopened), 0)->status, ==, FL_RUN_DONE);
  ui_destroy_window (g_steal_pointer (&reopened));
}

static void
test_confusion_gallery (void)
{
  FlComparison *cmp = ui_comparison (window);
  int shown = fl_session_get_shown_run (ui_session (window));
  FlRun *run = fl_results_view_get_run (ui_results (window));

  g_assert_cmpint (shown, >=, 0);
  g_assert_nonnull (run);
  g_assert_true (run == fl_comparison_run (cmp, shown));
  check_confusion_gallery (window, fl_comparison_result (cmp, shown)->validation,
                           fl_run_dataset (run), "gallery.png");
}

typedef struct {
  GType       type;
  const char *label;
} Wanted;

/* Whether widget is of the type wanted, and its "label" is the label
 * wanted, or it has that label as a CSS class, or when the label starts
 * with "~", its tooltip starts with the rest. */
static gboolean
is_wanted (GtkWidget     *widget,
           gconstpointer  data)
{
  const Wanted *w = data;
  const char *label = w->label;
  g_autofree char *text = NULL;

  if (!G_TYPE_CHECK_INSTANCE_TYPE (widget, w->type))
    return FALSE;
  if (label[0] == '~')
    return g_str_has_prefix (gtk_widget_get_tooltip_text (widget) ? gtk_widget_get_tooltip_text (widget) : "",
                             label + 1);
  if (gtk_widget_has_css_class (widget, label))
    return TRUE;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "label") != NULL)
    g_object_get (widget, "label", &text, NULL);
  return g_strcmp0 (text, label) == 0;
}

/* The first widget of type under widget that is_wanted(). */
static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *label)
{
  Wanted w = { type, label };

  return ui_find (widget, is_wanted, &w);
}

static void
test_plot_controls (void)
{
  FlPlotView *loss = ui_plot (window, TRUE);
  GtkWidget *log_check = find_widget (GTK_WIDGET (window), GTK_TYPE_CHECK_BUTTON, "_Log scale");
  GtkWidget *present = find_widget (GTK_WIDGET (window), GTK_TYPE_TOGGLE_BUTTON, "_Presentation");
  GtkWidget *x_axis = find_widget (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN, "~Epochs:");
  GtkWidget *scale = find_widget (GTK_WIDGET (window), GTK_TYPE_SCALE, "~How much the per-batch loss");
  g_autofree char *png = tmp_path ("log.png");
  g_autofree char *readout = NULL;
  guint n = fl_plot_view_get_n_points (loss, ui_series (window, TRUE, FL_CURVE_BATCH));
  double x, y, smooth;

  g_assert_nonnull (log_check);
  g_assert_nonnull (present);
  g_assert_nonnull (x_axis);
  g_assert_nonnull (scale);
  g_assert_cmpuint (n, >, 2);

  /* no smoothing: the average is the batch loss itself */
  gtk_range_set_value (GTK_RANGE (scale), 0.0);
  g_assert_cmpfloat (fl_plot_view_get_smoothing (loss), ==, 0.0);
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (fl_plot_view_get_point (loss, ui_series (window, TRUE, FL_CURVE_BATCH), i, &x, &y));
      g_assert_true (fl_plot_view_get_smoothed_point (loss, ui_series (window, TRUE, FL_CURVE_BATCH), i, &smooth));
      g_assert_cmpfloat_with_epsilon (smooth, y, 1e-9);
    }
  gtk_range_set_value (GTK_RANGE (scale), 1.0);
  g_assert_true (fl_plot_view_get_smoothed_point (loss, ui_series (window, TRUE, FL_CURVE_BATCH), n - 1, &smooth));
  g_assert_true (fl_plot_view_get_point (loss, ui_series (window, TRUE, FL_CURVE_BATCH), n - 1, &x, &y));
  g_assert_cmpfloat (fabs (smooth - y), >, 1e-6);

  /* log scale, samples seen, large fonts: drawn and exported */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (log_check), TRUE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (x_axis), 1);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (present), TRUE);
  ui_spin (0.3);
  readout = fl_plot_view_describe_at (loss, gtk_widget_get_width (GTK_WIDGET (loss)) * 0.75);
  g_test_message ("readout: %s", readout);

  g_assert_nonnull (readout);
  g_assert_nonnull (strstr (readout, "samples"));
  g_assert_true (fl_plot_view_export (loss, png, 800, 500, NULL));
  if (g_getenv ("FUSIONLAB_SHOTS") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("FUSIONLAB_SHOTS"), "controls.png", NULL);
      gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
      g_assert_true (ui_wait (ui_not_training, window, 120));
      ui_spin (0.3);
      g_assert_true (fl_window_save_png (window, shot, NULL));
    }

  gtk_check_button_set_active (GTK_CHECK_BUTTON (log_check), FALSE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (x_axis), 0);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (present), FALSE);
  gtk_range_set_value (GTK_RANGE (scale), 0.25);
}

/* Another seed splits the samples otherwise: the list's title says so; the
 * sidebar's modality dropout, rank and text encoder reach the run. */
static void
check_other_seed (void)
{
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (
    GTK_WIDGET (ui_runs_view (window)), GTK_TYPE_STACK)), "runs");
  g_assert_nonnull (find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "Every run, on the same validation samples"));
  {
    FlTrainSettings s;

    fl_train_panel_get_settings (ui_train_panel (window), &s);
    s.seed = 7;
    s.modality_dropout = 0.15;
    s.rank = 5;
    s.text_encoder = FL_TEXT_GRU;
    fl_train_panel_set_settings (ui_train_panel (window), &s);
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 120));
  {
    /* the sidebar's modality dropout, rank and text encoder reach the run */
    FlComparison *c = ui_comparison (window);
    const FlTrainSettings *run = &fl_comparison_result (c, fl_comparison_n_runs (c) - 1)->settings;

    g_assert_cmpfloat (run->modality_dropout, ==, 0.15);
    g_assert_cmpint (run->rank, ==, 5);
    g_assert_cmpint (run->text_encoder, ==, FL_TEXT_GRU);
    g_assert_cmpuint (run->seed, ==, 7);
  }
  gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (
    GTK_WIDGET (ui_runs_view (window)), GTK_TYPE_STACK)), "runs");
  g_assert_null (find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL, "Every run, on the same validation samples"));
  g_assert_nonnull (find_widget (GTK_WIDGET (window), GTK_TYPE_LABEL,
                                 "Every run — not all on the same validation samples"));
}

/* The same samples at another image size: the runs stay, a new run joins
 * them, and the earlier runs' models — on the data as it was — still save
 * and show their samples. */
static void
test_image_size (void)
{
  FlComparison *cmp = ui_comparison (window);
  FlDataPanel *panel = ui_data_panel (window);
  int n = fl_comparison_n_runs (cmp);
  g_autofree char *model = tmp_path ("run0.safetensors");
  g_autoptr(GError) error = NULL;
  FlRun *run0 = fl_comparison_run (cmp, 0);

  g_assert_nonnull (run0);
  g_assert_cmpint (fl_run_dataset (run0)->image_size, ==, 32);
  fl_train_panel_set_image_size (ui_train_panel (window), 48);
  g_assert_true (ui_wait (ui_data_ready, window, 60));
  g_assert_true (ui_wait (ui_data_current, window, 60));
  g_assert_cmpint (fl_data_panel_get_dataset (panel)->image_size, ==, 48);

  g_assert_true (ui_comparison (window) == cmp);
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, n);
  g_assert_true (fl_comparison_run (cmp, 0) == run0);
  g_assert_cmpint (fl_run_dataset (run0)->image_size, ==, 32);
  g_assert_true (fl_run_save_model (run0, model, &error));
  g_assert_no_error (error);

  fl_train_panel_set_epochs (ui_train_panel (window), 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (ui_not_training, window, 120));
  g_assert_null (ui_error (window));
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, n + 1);
  g_assert_cmpint (fl_comparison_result (cmp, n)->image_size, ==, 48);
  g_assert_cmpint (fl_comparison_result (cmp, 0)->image_size, ==, 32);
  /* run 0's gallery, from the data loaded now: the same samples */
  g_signal_emit_by_name (ui_runs_view (window), "activated", 0);
  check_confusion_gallery (window, fl_comparison_result (cmp, 0)->validation,
                           fl_data_panel_get_dataset (panel), "image-size.png");

  check_other_seed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  ui_test_init (&argc, &argv);
  demo_dir = g_build_filename (g_getenv ("FUSIONLAB_SRCDIR"), "resources", "demo", NULL);
  tmp_dir = g_dir_make_tmp ("fusionlab-compare-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/compare/five-runs", test_compare);
  g_test_add_func ("/ui/compare/run-toggles", test_run_toggles);
  g_test_add_func ("/ui/compare/fusion-wins", test_fusion_wins);
  g_test_add_func ("/ui/compare/single-run-joins", test_single_run_joins);
  g_test_add_func ("/ui/compare/cross-validation", test_cross_validation);
  g_test_add_func ("/ui/compare/exports", test_exports);
  g_test_add_func ("/ui/compare/experiment", test_experiment);
  g_test_add_func ("/ui/compare/experiment-data", test_experiment_data);
  g_test_add_func ("/ui/compare/experiment-corrupt", test_experiment_corrupt);
  g_test_add_func ("/ui/compare/experiment-one-run", test_experiment_one_run);
  g_test_add_func ("/ui/compare/experiment-data-gone", test_experiment_data_gone);
  g_test_add_func ("/ui/compare/confusion-gallery", test_confusion_gallery);
  g_test_add_func ("/ui/compare/plot-controls", test_plot_controls);
  g_test_add_func ("/ui/compare/image-size", test_image_size);

  ret = ui_run_tests (&window);
  ui_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (demo_dir);
  return ret;
}
