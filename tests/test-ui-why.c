/* SPDX-License-Identifier: MIT
 *
 * The Why page end to end on the bundled demo dataset: after a comparison
 * through train.compare, with the concat run shown, its counts are
 * fl_validation_compare_fusion()'s on the same runs, its buttons show
 * exactly the rescued and the hurt samples in the gallery, its bars are
 * fl_run_reliance()'s drops, and its feature map has a point per
 * validation sample, a click on one showing that sample. A baseline shown
 * says it rescues nothing. The gated run's gate chart is
 * fl_run_gate_summary()'s, and other routes have none. FUSIONLAB_SHOTS=DIR: a picture of the page.
 */
#define G_LOG_DOMAIN "test-ui-why"

#include "test-ui-util.h"
#include "fl-sample-gallery.h"
#include "fl-style.h"
#include "fl-why-view.h"

#include <math.h>
#include <string.h>

static char *demo_dir;
static FlWindow *window;     /* compared once, used by every test */
static int concat = -1, image = -1, text = -1, gated = -1;

typedef struct {
  const char *action;
  const char *target;   /* NULL: any */
} Wanted;

static gboolean
is_wanted (GtkWidget     *widget,
           gconstpointer  data)
{
  const Wanted *w = data;
  GVariant *t;

  if (!GTK_IS_ACTIONABLE (widget) || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), w->action) != 0)
    return FALSE;
  t = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));
  return w->target == NULL || (t != NULL && g_strcmp0 (g_variant_get_string (t, NULL), w->target) == 0);
}

/* The actionable widget under widget for this action (and target). */
static GtkWidget *
find_action (GtkWidget  *widget,
             const char *action,
             const char *target)
{
  Wanted w = { action, target };

  return ui_find (widget, is_wanted, &w);
}

static FlWhyView *
why_view (void)
{
  return ui_why_view (window);
}

static FlSampleGallery *
gallery (void)
{
  return FL_SAMPLE_GALLERY (ui_find_type (GTK_WIDGET (window), FL_TYPE_SAMPLE_GALLERY));
}

static GtkStack *
bottom_stack (void)
{
  return ui_bottom_stack (window);
}

static FlInsight *
show_why (int run)
{
  return ui_show_why (window, run);
}

static void
test_compare (void)
{
  FlComparison *cmp;
  const char *shots = g_getenv ("FUSIONLAB_SHOTS");
  FlFusion routes[FL_N_FUSIONS];
  guint n_routes = fl_fusions_possible (FL_BRANCHES_IMAGE_TEXT, routes);

  window = ui_window_with_data (demo_dir, 32);
  /* a picture worth looking at takes a few more epochs */
  fl_train_panel_set_epochs (ui_train_panel (window), shots != NULL ? 5 : 2);
  /* one split: a run per route, each with its model */
  fl_train_panel_set_compare (ui_train_panel (window), 1, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.compare", NULL);
  g_assert_true (ui_training (window));
  g_assert_true (ui_wait (ui_not_training, window, 300));
  g_assert_null (ui_error (window));

  cmp = ui_comparison (window);
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, n_routes);
  for (int i = 0; i < (int) n_routes; i++)
    {
      FlFusion f = fl_comparison_result (cmp, i)->fusion;

      concat = f == FL_FUSION_CONCAT ? i : concat;
      image = f == FL_FUSION_IMAGE ? i : image;
      text = f == FL_FUSION_TEXT ? i : text;
      gated = f == FL_FUSION_GATED ? i : gated;
    }
  g_assert_cmpint (concat, >=, 0);
  g_assert_cmpint (image, >=, 0);
  g_assert_cmpint (text, >=, 0);
}

/* The rows of the engine's rescued (or hurt) samples for the concat run. */
static GArray *
engine_rows (gboolean rescued)
{
  FlComparison *cmp = ui_comparison (window);
  g_autoptr(GArray) r = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) h = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_validation_compare_fusion (fl_comparison_result (cmp, concat)->validation,
                                               fl_comparison_result (cmp, image)->validation,
                                               fl_comparison_result (cmp, text)->validation, r, h, &error));
  g_assert_no_error (error);
  return rescued ? g_steal_pointer (&r) : g_steal_pointer (&h);
}

static void
test_counts (void)
{
  FlInsight *ins = show_why (concat);
  g_autoptr(GArray) rescued = engine_rows (TRUE);
  g_autoptr(GArray) hurt = engine_rows (FALSE);
  g_autofree char *got_right = g_strdup_printf (" got %u sample%s right that both the picture alone and the "
                                                "words alone got wrong (rescued), and %u wrong",
                                                rescued->len, rescued->len == 1 ? "" : "s", hurt->len);
  const char *counts = fl_why_view_get_counts_text (why_view ());

  g_test_message ("%s", counts);
  if (strstr (counts, got_right) == NULL)
    g_error ("\"%s\" does not say \"%s\"", counts, got_right);
  g_assert_cmpint (ins->baseline_run[FL_BRANCH_IMAGE], ==, image);
  g_assert_cmpint (ins->baseline_run[FL_BRANCH_TEXT], ==, text);
  g_assert_cmpuint (ins->rescued->len, ==, rescued->len);
  g_assert_cmpmem (ins->rescued->data, ins->rescued->len * 4, rescued->data, rescued->len * 4);
  g_assert_cmpmem (ins->hurt->data, ins->hurt->len * 4, hurt->data, hurt->len * 4);
  /* fusion wins on the demo: something to see */
  g_assert_cmpuint (rescued->len, >, 0);
}

/* Clicking a button of the page shows exactly these rows in the gallery. */
static void
check_button_rows (const char *action,
                   GArray     *rows)
{
  GtkWidget *button = find_action (GTK_WIDGET (why_view ()), action, NULL);
  FlSampleGallery *g = gallery ();

  g_assert_nonnull (button);
  gtk_stack_set_visible_child_name (bottom_stack (), "why");
  ui_spin (0.1);
  g_assert_true (gtk_widget_is_sensitive (button) == (rows->len > 0));
  if (rows->len == 0)
    return;
  fl_sample_gallery_show_mistakes (g, 5);
  gtk_widget_activate (button);
  ui_spin (0.4);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (bottom_stack ()), ==, "samples");
  g_assert_cmpint (fl_sample_gallery_get_n_samples (g), ==, MIN ((int) rows->len, 120));
  for (int j = 0; j < fl_sample_gallery_get_n_samples (g); j++)
    g_assert_cmpint (fl_sample_gallery_get_sample (g, j), ==, g_array_index (rows, gint32, j));
}

static void
test_rows_in_gallery (void)
{
  g_autoptr(GArray) rescued = engine_rows (TRUE);
  g_autoptr(GArray) hurt = engine_rows (FALSE);

  show_why (concat);
  check_button_rows ("why.show-rescued", rescued);
  check_button_rows ("why.show-hurt", hurt);
}

/* The pixels of widget in this colour, give or take a little. */
static int
count_color (GtkWidget *widget,
             FlColor    color)
{
  g_autoptr(GdkTexture) texture = ui_render_widget (widget);
  g_autofree guint8 *px = ui_download (texture);
  int n = gdk_texture_get_width (texture) * gdk_texture_get_height (texture), count = 0;
  GdkRGBA c;

  fl_color_rgba (color, &c);
  for (int i = 0; i < n; i++)
    {
      /* (downloads are B, G, R, A) */
      const guint8 *p = px + 4 * i;

      count += abs (p[2] - (int) (c.red * 255)) < 6 && abs (p[1] - (int) (c.green * 255)) < 6 &&
               abs (p[0] - (int) (c.blue * 255)) < 6;
    }
  return count;
}

static void
test_reliance (void)
{
  FlRun *run;
  FlReliance want;
  g_autoptr(GError) error = NULL;
  double drop[FL_N_BRANCHES], drop_image, drop_text;
  guint branches = 0;
  GtkWidget *area;

  show_why (concat);
  run = fl_comparison_run (ui_comparison (window), concat);
  g_assert_true (fl_run_reliance (run, &want, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fl_why_view_get_reliance (why_view (), drop, &branches));
  g_assert_cmpuint (branches, ==, FL_BRANCHES_IMAGE_TEXT);
  drop_image = drop[FL_BRANCH_IMAGE];
  drop_text = drop[FL_BRANCH_TEXT];
  g_test_message ("without the picture −%.1f points, without the words −%.1f: %s", drop_image, drop_text,
                  fl_why_view_get_reliance_text (why_view ()));
  g_assert_cmpfloat (drop_image, ==, 100.0 * want.acc_drop[FL_BRANCH_IMAGE]);
  g_assert_cmpfloat (drop_text, ==, 100.0 * want.acc_drop[FL_BRANCH_TEXT]);
  g_assert_true (g_str_has_prefix (fl_why_view_get_reliance_text (why_view ()), "This model "));

  /* the bars are drawn, the longer the larger */
  area = ui_find_type (GTK_WIDGET (why_view ()), GTK_TYPE_DRAWING_AREA);
  g_assert_nonnull (area);
  g_assert_true (gtk_widget_get_mapped (area));
  if (drop_image > 1.0)
    g_assert_cmpint (count_color (area, FL_COLOR_ORANGE), >, 50);
  if (drop_text > 1.0)
    g_assert_cmpint (count_color (area, FL_COLOR_BLUE), >, 50);
  if (drop_text > drop_image + 5.0)
    g_assert_cmpint (count_color (area, FL_COLOR_BLUE), >, count_color (area, FL_COLOR_ORANGE));
}

/* The point of the map farthest from its nearest neighbour: a click on it
 * can mean no other. */
static int
loneliest_point (FlFeatureMap *map)
{
  int n = fl_feature_map_get_n_points (map), best = -1;
  double best_d = -1;

  for (int k = 0; k < n; k++)
    {
      double x, y, d = INFINITY;

      g_assert_true (fl_feature_map_get_point_position (map, k, &x, &y));
      for (int j = 0; j < n; j++)
        {
          double u, v;

          fl_feature_map_get_point_position (map, j, &u, &v);
          if (j != k)
            d = MIN (d, hypot (u - x, v - y));
        }
      if (d > best_d)
        best_d = d, best = k;
    }
  return best;
}

static void
record_row_cb (FlFeatureMap *map,
               int           row,
               int          *got)
{
  *got = row;
}

static void
test_feature_map (void)
{
  FlInsight *ins = show_why (concat);
  FlFeatureMap *map = fl_why_view_get_feature_map (why_view ());
  FlSampleGallery *g = gallery ();
  int n_val, k, got = -1;
  double x, y, fused_x, fused_y;

  fl_run_val_indices (fl_comparison_run (ui_comparison (window), concat), &n_val);
  g_assert_cmpint (fl_feature_map_get_n_points (map), ==, n_val);
  g_assert_true (fl_feature_map_get_point_position (map, 0, &fused_x, &fused_y));

  /* the image map: as many points, elsewhere */
  /* (a button's activation clicks it once its pressed look has shown) */
  gtk_widget_activate (find_action (GTK_WIDGET (why_view ()), "why.map", "image"));
  ui_spin (0.4);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_action (GTK_WIDGET (why_view ()),
                                                                                "why.map", "image"))));
  g_assert_cmpint (fl_feature_map_get_n_points (map), ==, n_val);
  g_assert_true (fl_feature_map_get_point_position (map, 0, &x, &y));
  g_assert_true (x != fused_x || y != fused_y);
  g_assert_nonnull (ins->maps[FL_FEATURE_IMAGE]);

  /* a click on a point shows that sample */
  k = loneliest_point (map);
  g_assert_true (fl_feature_map_get_point_position (map, k, &x, &y));
  g_assert_cmpint (fl_feature_map_point_at (map, x + 2, y - 1), ==, k);
  g_assert_cmpint (fl_feature_map_point_at (map, -50, -50), ==, -1);
  g_signal_connect (map, "sample-activated", G_CALLBACK (record_row_cb), &got);
  g_assert_cmpint (fl_feature_map_activate_at (map, x + 1, y + 1), ==, ins->rows[k]);
  g_signal_handlers_disconnect_by_data (map, &got);
  g_assert_cmpint (got, ==, ins->rows[k]);
  ui_spin (0.2);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (bottom_stack ()), ==, "samples");
  g_assert_cmpint (fl_sample_gallery_get_n_samples (g), ==, 1);
  g_assert_cmpint (fl_sample_gallery_get_sample (g, 0), ==, ins->rows[k]);

  gtk_widget_activate (find_action (GTK_WIDGET (why_view ()), "why.map", "fused"));
  ui_spin (0.4);
}

/* A baseline rescues nothing, and has no map of the branch it lacks. */
static void
test_baseline (void)
{
  show_why (image);
  g_assert_nonnull (strstr (fl_why_view_get_counts_text (why_view ()), "reads only the pictures"));
  g_assert_false (gtk_widget_get_visible (find_action (GTK_WIDGET (why_view ()), "why.show-rescued", NULL)));
  g_assert_false (gtk_widget_is_sensitive (find_action (GTK_WIDGET (why_view ()), "why.map", "text")));
  g_assert_true (gtk_widget_is_sensitive (find_action (GTK_WIDGET (why_view ()), "why.map", "image")));
}

/* The gated run's gate chart holds the engine's figures; concat has none. */
static void
test_gate (void)
{
  FlRun *run;
  FlInsight *ins;
  g_autoptr(GError) error = NULL;
  g_autofree double *want = NULL;
  guint want_hist[FL_GATE_BINS];
  const double *mean = NULL;
  const guint *hist = NULL;
  guint branches = 0;

  g_assert_cmpint (gated, >=, 0);
  ins = show_why (gated);
  run = fl_comparison_run (ui_comparison (window), gated);
  want = g_new (double, ins->n_classes);
  g_assert_true (fl_run_gate_summary (run, want, want_hist, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fl_why_view_get_gate (why_view (), &mean, &hist, &branches));
  g_test_message ("%s", fl_why_view_get_gate_text (why_view ()));
  /* over the picture and the words, the picture's weight is the gate z */
  g_assert_cmpuint (branches, ==, FL_BRANCHES_IMAGE_TEXT);
  for (int c = 0; c < ins->n_classes; c++)
    g_assert_cmpfloat (mean[c * FL_N_BRANCHES + FL_BRANCH_IMAGE], ==, want[c]);
  g_assert_cmpmem (hist + FL_BRANCH_IMAGE * FL_GATE_BINS, sizeof want_hist, want_hist, sizeof want_hist);
  g_assert_true (g_str_has_prefix (fl_why_view_get_gate_text (why_view ()), "For "));
  ui_spin (0.2);
  g_assert_true (gtk_widget_get_mapped (ui_find_type (GTK_WIDGET (why_view ()), GTK_TYPE_DRAWING_AREA)));

  show_why (concat);
  g_assert_false (fl_why_view_get_gate (why_view (), &mean, &hist, NULL));
}

/* FUSIONLAB_SHOTS=DIR: the page with the concat run, and with the gated
 * run, to look at. */
static void
test_screenshot (void)
{
  const char *shots = ui_shots_or_skip ();

  if (shots == NULL)
    return;
  show_why (concat);
  ui_save_png (window, shots, "why.png", FALSE);
  /* and what See the Rescued shows */
  gtk_widget_activate (find_action (GTK_WIDGET (why_view ()), "why.show-rescued", NULL));
  ui_spin (0.3);
  ui_save_png (window, shots, "why-rescued.png", FALSE);
  /* and the gated run, scrolled down to its gate chart */
  show_why (gated);
  ui_save_png (window, shots, "why-gate.png", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  ui_test_init (&argc, &argv);
  demo_dir = g_build_filename (g_getenv ("FUSIONLAB_SRCDIR"), "resources", "demo", NULL);

  g_test_add_func ("/ui/why/compare", test_compare);
  g_test_add_func ("/ui/why/counts", test_counts);
  g_test_add_func ("/ui/why/rows-in-gallery", test_rows_in_gallery);
  g_test_add_func ("/ui/why/reliance", test_reliance);
  g_test_add_func ("/ui/why/feature-map", test_feature_map);
  g_test_add_func ("/ui/why/baseline", test_baseline);
  g_test_add_func ("/ui/why/gate", test_gate);
  g_test_add_func ("/ui/why/screenshot", test_screenshot);

  ret = ui_run_tests (&window);
  g_free (demo_dir);
  return ret;
}
