/* SPDX-License-Identifier: MIT
 *
 * A cross-validated comparison in the training view: its runs grouped into
 * routes with the mean and sd of each epoch worked out by hand
 * (fl-route-curves.h), then an experiment of 2 routes × 3 folds and a run
 * of its own reopened in a window: one curve per route in a band of ± 1 sd,
 * the folds' curves on demand, a route's name in the legend switching all
 * its runs, an epoch arriving, and the plot exported with its bands. With
 * FUSIONLAB_TEST_PICTURES set to a folder, a larger comparison's plots are
 * left there to look at.
 */
#define G_LOG_DOMAIN "test-ui-bands"

#include "test-ui-util.h"
#include "fl-experiment.h"
#include "fl-plot-readout.h"
#include "fl-route-curves.h"
#include "fl-style.h"

#include <math.h>
#include <string.h>

static char *tmp_dir;

/* The validation accuracy of fold f of route r at epoch e (1-based), by
 * hand: NaN where the fold has not reached the epoch. The loss is
 * 2 − 2·accuracy, except text's fold 3 at epoch 1: NaN (it diverged). */
static const double hand_acc[2][3][3] = {
  { { 0.5, 0.7, 0.8 }, { 0.6, 0.8, 0.9 }, { 0.4, 0.6, NAN } },      /* concat */
  { { 0.3, 0.4, 0.5 }, { 0.35, 0.45, 0.5 }, { 0.25, 0.35, 0.5 } },  /* text */
};

static double
hand_value (int      r,
            int      f,
            int      e,
            gboolean loss)
{
  double acc = hand_acc[r][f][e - 1];

  if (loss && r == 1 && f == 2 && e == 1)
    return NAN;
  return loss ? 2.0 - 2.0 * acc : acc;
}

/* The same without the NaN, which an experiment file does not take. */
static double
saved_value (int      r,
             int      f,
             int      e,
             gboolean loss)
{
  return loss ? 2.0 - 2.0 * hand_acc[r][f][e - 1] : hand_value (r, f, e, loss);
}

/* A result as a comparison would hold it, with epochs 1… until value()
 * gives NaN accuracy. */
typedef double (*ValueFunc) (int r, int f, int e, gboolean loss);

static void
fill_result (FlRunResult *res,
             int          r,
             int          f,
             int          n_epochs,
             ValueFunc    value)
{
  g_array_set_size (res->epochs, 0);
  for (int e = 1; e <= n_epochs && !isnan (value (r, f, e, FALSE)); e++)
    {
      FlEpochStats st = { .epoch = e, .n_epochs = n_epochs, .train_loss = 1.0, .train_acc = 0.5,
                          .val_loss = value (r, f, e, TRUE), .val_acc = value (r, f, e, FALSE),
                          .samples_seen = 100 * e };

      g_array_append_val (res->epochs, st);
      if (st.val_acc > res->best_val_acc)
        {
          res->best_val_acc = st.val_acc;
          res->best_epoch = e;
        }
    }
  res->status = FL_RUN_DONE;
}

static FlRunResult
hand_result (FlFusion fusion,
             int      kfold,
             int      r,
             int      f)
{
  FlRunResult res = { .name = "run", .fusion = fusion };

  fl_train_settings_init_default (&res.settings);
  res.settings.kfold = kfold;
  res.settings.fold = f;
  res.epochs = g_array_new (FALSE, FALSE, sizeof (FlEpochStats));
  res.batch_loss = g_array_new (FALSE, FALSE, sizeof (double));
  if (r >= 0)
    fill_result (&res, r, f, 3, hand_value);
  return res;
}

static void
assert_point (const FlRoutePoint *p,
              int                 n,
              double              acc_mean,
              double              acc_sd,
              double              loss_mean,
              double              loss_sd)
{
  g_assert_cmpint (p->n, ==, n);
  g_assert_cmpfloat_with_epsilon (p->acc_mean, acc_mean, 1e-12);
  g_assert_cmpfloat_with_epsilon (p->acc_sd, acc_sd, 1e-12);
  g_assert_cmpfloat_with_epsilon (p->loss_mean, loss_mean, 1e-12);
  g_assert_cmpfloat_with_epsilon (p->loss_sd, loss_sd, 1e-12);
}

/* Fold-major runs of concat and text, 3 folds, then a concat run on a
 * single split and one of another k: two routes of three runs each, the
 * means and sample sds of each epoch over the folds that reached it. */
static void
test_route_curves (void)
{
  g_autoptr(FlRunList) runs = fl_run_list_new ();
  g_autoptr(GPtrArray) routes = NULL;
  const FlRouteCurve *concat, *text;

  for (int f = 0; f < 3; f++)
    for (int r = 0; r < 2; r++)
      {
        FlRunResult res = hand_result (r == 0 ? FL_FUSION_CONCAT : FL_FUSION_TEXT, 3, r, f);

        fl_run_list_append (runs, &res);
        g_array_unref (res.epochs);
        g_array_unref (res.batch_loss);
      }
  for (int kfold = 0; kfold <= 5; kfold += 5)
    {
      FlRunResult res = hand_result (FL_FUSION_CONCAT, kfold, 0, 0);

      fl_run_list_append (runs, &res);
      g_array_unref (res.epochs);
      g_array_unref (res.batch_loss);
    }

  routes = fl_route_curves_new (runs, 0);
  g_assert_cmpuint (routes->len, ==, 0);
  g_ptr_array_unref (routes);
  routes = fl_route_curves_new (runs, 3);
  g_assert_cmpuint (routes->len, ==, 2);
  concat = g_ptr_array_index (routes, 0);
  text = g_ptr_array_index (routes, 1);
  g_assert_cmpint (concat->fusion, ==, FL_FUSION_CONCAT);
  g_assert_cmpint (text->fusion, ==, FL_FUSION_TEXT);
  g_assert_cmpuint (concat->runs->len, ==, 3);
  g_assert_cmpint (g_array_index (concat->runs, int, 2), ==, 4);
  g_assert_cmpint (g_array_index (text->runs, int, 0), ==, 1);
  g_assert_cmpint (fl_route_curves_find (routes, 5), ==, 1);
  g_assert_cmpint (fl_route_curves_find (routes, 6), ==, -1);   /* a single split */
  g_assert_cmpint (fl_route_curves_find (routes, 7), ==, -1);   /* k = 5 */

  /* concat, epoch 1: 0.5, 0.6, 0.4 → 0.5 ± 0.1; epoch 3: two folds, 0.8
   * and 0.9 → 0.85 ± √0.005; the loss 2 − 2·acc: twice the sd */
  g_assert_cmpuint (concat->points->len, ==, 3);
  assert_point (&g_array_index (concat->points, FlRoutePoint, 0), 3, 0.5, 0.1, 1.0, 0.2);
  assert_point (&g_array_index (concat->points, FlRoutePoint, 1), 3, 0.7, 0.1, 0.6, 0.2);
  assert_point (&g_array_index (concat->points, FlRoutePoint, 2), 2, 0.85, sqrt (0.005), 0.3, 2 * sqrt (0.005));
  g_assert_cmpfloat (g_array_index (concat->points, FlRoutePoint, 2).epoch, ==, 3.0);
  /* text, epoch 1: the loss of fold 3 is NaN, left out: 1.4 and 1.3; at
   * epoch 3 every fold agrees: sd 0 */
  assert_point (&g_array_index (text->points, FlRoutePoint, 0), 3, 0.3, 0.05, 1.35, sqrt (0.005));
  assert_point (&g_array_index (text->points, FlRoutePoint, 2), 3, 0.5, 0.0, 1.0, 0.0);

  /* a fold starting again has no epochs: the route goes on without it */
  fl_run_item_start (fl_run_list_get (runs, 0));
  fl_route_curve_update (g_ptr_array_index (routes, 0), runs);
  assert_point (&g_array_index (concat->points, FlRoutePoint, 0), 2, 0.5, sqrt (0.02), 1.0, 2 * sqrt (0.02));
  g_assert_cmpuint (concat->points->len, ==, 3);
}

/* Writes an experiment of a cross-validation of fusions[0..n) on k folds,
 * n_epochs each, its values from value(), and then a concat run of its
 * own on a single split. */
static void
write_cv_experiment (const char     *path,
                     const FlFusion *fusions,
                     int             n,
                     int             folds,
                     int             n_epochs,
                     ValueFunc       value)
{
  FlExperimentData data = { .csv_path = g_build_filename (tmp_dir, "gone.csv", NULL),
                            .images_dir = g_build_filename (tmp_dir, "gone", NULL), .image_size = 32 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlComparison) cmp = NULL;
  FlTrainSettings base;
  int single;

  fl_train_settings_init_default (&base);
  base.epochs = n_epochs;
  cmp = fl_comparison_new (NULL, &base);
  fl_comparison_add_cv (cmp, &base, fusions, n, folds, 1);
  for (int i = 0; i < n * folds; i++)
    fill_result (fl_comparison_result (cmp, i), i % n, i / n, n_epochs, value);
  single = fl_comparison_add (cmp, FL_FUSION_CONCAT);
  fill_result (fl_comparison_result (cmp, single), 0, 0, n_epochs, value);
  g_assert_true (fl_experiment_save (path, &data, cmp, NULL, &error));
  g_assert_no_error (error);
  fl_experiment_data_clear (&data);
}

static FlWindow *
open_experiment (const char *path)
{
  FlWindow *window = fl_window_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (fl_window_open_experiment (window, path));
  g_assert_null (ui_error (window));
  ui_spin (0.2);
  return window;
}

static void
assert_route_point (FlPlotView *plot,
                    guint       series,
                    guint       i,
                    double      mean,
                    double      sd)
{
  FlPlotModel *model = fl_plot_view_get_model (plot);
  double x, y, lo, hi;

  g_assert_true (fl_plot_view_get_point (plot, series, i, &x, &y));
  g_assert_cmpfloat (x, ==, i + 1);
  g_assert_cmpfloat_with_epsilon (y, mean, 1e-12);
  if (isnan (sd))
    {
      g_assert_false (fl_plot_model_get_band (model, series, i, &lo, &hi));
      return;
    }
  g_assert_true (fl_plot_model_get_band (model, series, i, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (lo, mean - sd, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, mean + sd, 1e-12);
}

/* Clicks the legend entry of series in plot. */
static void
click_legend (FlPlotView *plot,
              guint       series)
{
  graphene_rect_t r;

  g_assert_true (fl_plot_view_get_legend_entry (plot, series, &r));
  g_assert_cmpint (fl_plot_view_activate_legend_at (plot, r.origin.x + r.size.width / 2,
                                                    r.origin.y + r.size.height / 2), ==, (int) series);
}

static void
check_routes_drawn (FlWindow *window)
{
  FlTrainingView *view = ui_training_view (window);
  FlPlotView *loss = ui_plot (window, TRUE), *accuracy = ui_plot (window, FALSE);
  guint concat_acc, text_loss;

  g_assert_cmpint (fl_training_view_get_n_routes (view), ==, 2);
  concat_acc = fl_training_view_get_route_series (view, accuracy, 0);
  text_loss = fl_training_view_get_route_series (view, loss, 1);
  g_assert_cmpint (concat_acc, ==, ui_run_series (window, FALSE, 6) + 1);
  g_assert_cmpint (fl_training_view_get_route_series (view, accuracy, 2), ==, -1);
  g_assert_cmpuint (fl_plot_view_get_n_series (accuracy), ==, concat_acc + 2);
  g_assert_cmpstr (fl_plot_model_get_label (fl_plot_view_get_model (accuracy), concat_acc), ==, "concat");
  g_assert_cmpstr (fl_plot_model_get_color (fl_plot_view_get_model (accuracy), concat_acc), ==, fl_run_color (0));
  g_assert_cmpstr (fl_plot_model_get_color (fl_plot_view_get_model (loss), text_loss), ==, fl_run_color (1));

  g_assert_cmpuint (fl_plot_view_get_n_points (accuracy, concat_acc), ==, 3);
  assert_route_point (accuracy, concat_acc, 0, 0.5, 0.1);
  assert_route_point (accuracy, concat_acc, 2, 0.85, sqrt (0.005));
  assert_route_point (loss, text_loss, 0, 1.4, 0.1);

  /* the folds hidden, a fold of the route's colour; the run of its own shown */
  for (int i = 0; i < 6; i++)
    g_assert_false (fl_plot_view_get_series_visible (accuracy, ui_run_series (window, FALSE, i)));
  g_assert_true (fl_plot_view_get_series_visible (accuracy, ui_run_series (window, FALSE, 6)));
  g_assert_true (fl_plot_view_get_series_visible (loss, text_loss));
  g_assert_cmpstr (fl_plot_model_get_color (fl_plot_view_get_model (accuracy), ui_run_series (window, FALSE, 2)),
                   ==, fl_run_color (0));
  g_assert_cmpint (fl_plot_model_get_style (fl_plot_view_get_model (accuracy), ui_run_series (window, FALSE, 2)),
                   ==, FL_PLOT_STYLE_THIN);
  g_assert_cmpint (fl_plot_model_get_style (fl_plot_view_get_model (accuracy), ui_run_series (window, FALSE, 6)),
                   ==, FL_PLOT_STYLE_DASHED);
}

static GtkCheckButton *
find_check (GtkWidget  *widget,
            const char *label)
{
  if (GTK_IS_CHECK_BUTTON (widget) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), label) == 0)
    return GTK_CHECK_BUTTON (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkCheckButton *found = find_check (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* "Each fold" shows the folds' curves; a route's name in a legend hides
 * or shows all its runs, in both plots and the runs list. */
static void
check_folds_and_legend (FlWindow *window)
{
  FlTrainingView *view = ui_training_view (window);
  FlPlotView *loss = ui_plot (window, TRUE), *accuracy = ui_plot (window, FALSE);
  GtkCheckButton *folds = find_check (GTK_WIDGET (view), "Each _fold");
  g_autoptr(GArray) readings = NULL;
  guint concat_acc = fl_training_view_get_route_series (view, accuracy, 0);

  g_assert_nonnull (folds);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (folds)));
  gtk_check_button_set_active (folds, TRUE);
  for (int i = 0; i < 6; i++)
    g_assert_true (fl_plot_view_get_series_visible (loss, ui_run_series (window, TRUE, i)));
  /* drawn, but neither in the legend nor in the readout */
  g_assert_false (fl_plot_view_get_legend_entry (loss, ui_run_series (window, TRUE, 0), NULL));
  readings = fl_plot_readout_read (fl_plot_view_get_model (loss), 1);
  g_assert_cmpuint (readings->len, ==, 3);   /* the two routes and the run of its own */
  gtk_check_button_set_active (folds, FALSE);
  g_assert_false (fl_plot_view_get_series_visible (loss, ui_run_series (window, TRUE, 0)));

  ui_spin (0.2);
  click_legend (accuracy, concat_acc);
  for (int i = 0; i < 6; i += 2)
    g_assert_false (fl_run_item_get_visible (fl_run_list_get (ui_runs (window), i)));
  g_assert_true (fl_run_item_get_visible (fl_run_list_get (ui_runs (window), 1)));
  g_assert_true (fl_run_item_get_visible (fl_run_list_get (ui_runs (window), 6)));
  g_assert_false (fl_plot_view_get_series_active (accuracy, concat_acc));
  g_assert_false (fl_plot_view_get_series_active (loss, fl_training_view_get_route_series (view, loss, 0)));
  g_assert_true (fl_plot_view_get_series_active (loss, fl_training_view_get_route_series (view, loss, 1)));
  click_legend (accuracy, concat_acc);
  for (int i = 0; i < 6; i += 2)
    g_assert_true (fl_run_item_get_visible (fl_run_list_get (ui_runs (window), i)));
  g_assert_true (fl_plot_view_get_series_active (accuracy, concat_acc));

  /* one fold hidden in the runs list: the route is still drawn */
  fl_run_item_set_visible (fl_run_list_get (ui_runs (window), 2), FALSE);
  g_assert_true (fl_plot_view_get_series_active (accuracy, concat_acc));
  fl_run_item_set_visible (fl_run_list_get (ui_runs (window), 2), TRUE);
}

/* The third fold of concat reaches epoch 3 (0.7): the route's point there
 * is now the mean of three, 0.8 ± 0.1. */
static void
check_live_epoch (FlWindow *window)
{
  FlPlotView *accuracy = ui_plot (window, FALSE);
  guint concat_acc = fl_training_view_get_route_series (ui_training_view (window), accuracy, 0);
  FlRunItem *item = fl_run_list_get (ui_runs (window), 4);
  FlEpochStats st = { .epoch = 3, .n_epochs = 3, .val_acc = 0.7, .val_loss = 0.6, .samples_seen = 300 };
  g_autofree char *readout = NULL;

  fl_run_item_add_epoch (item, &st);
  g_signal_emit_by_name (ui_session (window), "epoch", item, &st);
  assert_route_point (accuracy, concat_acc, 2, 0.8, 0.1);
  readout = fl_plot_readout_describe (fl_plot_view_get_model (accuracy), 3);
  g_test_message ("%s", readout);
  g_assert_nonnull (strstr (readout, "concat 80.0% ± 10.0%"));
  g_assert_nonnull (strstr (readout, "Mean ± sd across folds"));
}

static void
test_window (void)
{
  static const FlFusion fusions[] = { FL_FUSION_CONCAT, FL_FUSION_TEXT };
  g_autofree char *path = g_build_filename (tmp_dir, "cv.json", NULL);
  g_autofree char *png = g_build_filename (tmp_dir, "accuracy.png", NULL);
  g_autoptr(GError) error = NULL;
  FlWindow *window;
  cairo_surface_t *surface;

  write_cv_experiment (path, fusions, 2, 3, 3, saved_value);
  window = open_experiment (path);
  g_assert_null (ui_error (window));
  g_assert_cmpint (fl_comparison_cv_folds (ui_comparison (window)), ==, 3);
  check_routes_drawn (window);
  check_folds_and_legend (window);
  check_live_epoch (window);

  /* exported, the bands are there: vermillion (text's) at 0.18 on white */
  g_assert_true (fl_plot_view_export (ui_plot (window, FALSE), png, 800, 500, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_assert_cmpint (g_unlink (png), ==, 0);
  g_assert_cmpint (g_unlink (path), ==, 0);
  ui_destroy_window (window);
}

/* A smooth learning curve per route with a little noise per fold, for a
 * picture: accuracy rising to a route's own level, the loss falling. */
static double
picture_value (int      r,
               int      f,
               int      e,
               gboolean loss)
{
  static const double level[] = { 0.86, 0.83, 0.80, 0.62, 0.71 };
  double noise = 0.035 * sin (1.7 * f + 2.3 * e + r) * (1.0 + 0.5 * cos (f * e));
  double acc = 0.34 + (level[r] - 0.34) * (1.0 - exp (-e / 2.5)) + noise;

  return loss ? 1.1 * (1.0 - acc) + 0.05 * noise * e : acc;
}

/* 5 routes × 5 folds of 12 epochs, both plots exported into the folder
 * FUSIONLAB_TEST_PICTURES names, with every fold and without. */
static void
test_picture (void)
{
  static const FlFusion fusions[] = { FL_FUSION_CONCAT, FL_FUSION_MEAN, FL_FUSION_PRODUCT,
                                      FL_FUSION_IMAGE, FL_FUSION_TEXT };
  const char *dir = g_getenv ("FUSIONLAB_TEST_PICTURES");
  g_autofree char *path = g_build_filename (tmp_dir, "picture.json", NULL);
  g_autoptr(GError) error = NULL;
  FlWindow *window;

  if (dir == NULL)
    {
      g_test_skip ("FUSIONLAB_TEST_PICTURES names no folder");
      return;
    }
  write_cv_experiment (path, fusions, 5, 5, 12, picture_value);
  window = open_experiment (path);
  g_assert_cmpint (fl_training_view_get_n_routes (ui_training_view (window)), ==, 5);
  for (int each = 0; each < 2; each++)
    {
      g_autofree char *loss = g_strdup_printf ("%s/bands-loss%s.png", dir, each ? "-folds" : "");
      g_autofree char *acc = g_strdup_printf ("%s/bands-accuracy%s.png", dir, each ? "-folds" : "");

      gtk_check_button_set_active (find_check (GTK_WIDGET (ui_training_view (window)), "Each _fold"), each);
      g_assert_true (fl_plot_view_export (ui_plot (window, TRUE), loss, 900, 520, &error));
      g_assert_true (fl_plot_view_export (ui_plot (window, FALSE), acc, 900, 520, &error));
      g_assert_no_error (error);
      g_test_message ("wrote %s and %s", loss, acc);
    }
  g_assert_cmpint (g_unlink (path), ==, 0);
  ui_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  ui_test_init (&argc, &argv);
  tmp_dir = g_dir_make_tmp ("fusionlab-bands-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/bands/route-curves", test_route_curves);
  g_test_add_func ("/ui/bands/window", test_window);
  g_test_add_func ("/ui/bands/picture", test_picture);

  ret = g_test_run ();
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return ret;
}
