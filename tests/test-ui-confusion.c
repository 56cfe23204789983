/* SPDX-License-Identifier: MIT
 *
 * The confusion matrix's two displays — counts, and proportions of the true
 * class — and the Counts / Proportions switch beside it on the results page.
 *
 * FUSIONLAB_SHOTS=DIR writes pictures of the results page in both displays,
 * and of a crowded matrix, to look at.
 */
#define G_LOG_DOMAIN "test-ui-confusion"

#include "test-ui-util.h"
#include "fl-confusion-view.h"
#include "fl-metrics.h"
#include "fl-results-view.h"

#include <string.h>

/* 3 classes; nothing of the last one among the validation samples */
static const gint64 small_counts[] = { 5, 1, 0,
                                       2, 2, 0,
                                       0, 0, 0 };
static const char *const small_names[] = { "cat", "dog", "bird", NULL };

static void
check_cell_texts (FlConfusionView   *cv,
                  int                n,
                  const char *const *expected)
{
  for (int t = 0; t < n; t++)
    for (int p = 0; p < n; p++)
      {
        g_autofree char *text = fl_confusion_view_get_cell_text (cv, t, p);

        g_assert_cmpstr (text, ==, expected[t * n + p]);
      }
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          int        *n)
{
  (*n)++;
}

static void
toggled_cb (GtkToggleButton *button,
            int             *n)
{
  (*n)++;
}

static void
test_cell_text (void)
{
  static const char *const as_counts[] = { "5", "1", "0",
                                           "2", "2", "0",
                                           "0", "0", "0" };
  static const char *const as_shares[] = { "83%", "17%", "0%",
                                           "50%", "50%", "0%",
                                           "–", "–", "–" };
  /* 299 of 300 is not 100%, nor is 1 of 300 none */
  static const gint64 skewed[] = { 299, 1,
                                   0, 3 };
  static const char *const skewed_shares[] = { ">99%", "<1%",
                                               "0%", "100%" };
  static const char *const skewed_names[] = { "many", "few", NULL };
  g_autoptr(FlConfusionView) cv = g_object_ref_sink (FL_CONFUSION_VIEW (fl_confusion_view_new ()));

  fl_confusion_view_set_matrix (cv, 3, small_counts, small_names);
  g_assert_false (fl_confusion_view_get_proportions (cv));
  check_cell_texts (cv, 3, as_counts);

  fl_confusion_view_set_proportions (cv, TRUE);
  check_cell_texts (cv, 3, as_shares);

  /* the display is kept across matrices */
  fl_confusion_view_set_matrix (cv, 2, skewed, skewed_names);
  g_assert_true (fl_confusion_view_get_proportions (cv));
  check_cell_texts (cv, 2, skewed_shares);
  fl_confusion_view_clear (cv);
  g_assert_true (fl_confusion_view_get_proportions (cv));

  fl_confusion_view_set_matrix (cv, 3, small_counts, small_names);
  fl_confusion_view_set_proportions (cv, FALSE);
  check_cell_texts (cv, 3, as_counts);
}

static void
test_notify (void)
{
  g_autoptr(FlConfusionView) cv = g_object_ref_sink (FL_CONFUSION_VIEW (fl_confusion_view_new ()));
  gboolean value = FALSE;
  int n = 0;

  g_signal_connect (cv, "notify::proportions", G_CALLBACK (count_cb), &n);

  fl_confusion_view_set_proportions (cv, TRUE);
  g_assert_cmpint (n, ==, 1);
  fl_confusion_view_set_proportions (cv, TRUE);
  g_assert_cmpint (n, ==, 1);
  fl_confusion_view_set_proportions (cv, FALSE);
  g_assert_cmpint (n, ==, 2);
  g_assert_false (fl_confusion_view_get_proportions (cv));

  /* as a property too */
  g_object_set (cv, "proportions", TRUE, NULL);
  g_assert_cmpint (n, ==, 3);
  g_object_set (cv, "proportions", TRUE, NULL);
  g_assert_cmpint (n, ==, 3);
  g_object_get (cv, "proportions", &value, NULL);
  g_assert_true (value);
  g_assert_true (fl_confusion_view_get_proportions (cv));
}

static gboolean
is_large (gpointer data)
{
  return gtk_widget_get_width (data) >= 800 && gtk_widget_get_height (data) >= 700;
}

static gboolean
has_results (gpointer data)
{
  return fl_results_view_has_results (data);
}

static void
save_shot (GdkTexture *texture,
           const char *name)
{
  g_autofree char *path = NULL;

  if (g_getenv ("FUSIONLAB_SHOTS") == NULL)
    return;
  path = g_build_filename (g_getenv ("FUSIONLAB_SHOTS"), name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("wrote %s", path);
}

/* The toggle button under widget whose label is label. */
static GtkToggleButton *
find_toggle (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_TOGGLE_BUTTON (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return GTK_TOGGLE_BUTTON (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkToggleButton *found = find_toggle (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A validation split of 4 colours and a fifth class none of whose samples
 * landed in it. */
static FlMetrics *
make_metrics (const char *const **names)
{
  static const int counts[5][5] = { { 41, 3, 1, 0, 0 },
                                    { 4, 35, 9, 2, 0 },
                                    { 0, 6, 38, 1, 0 },
                                    { 1, 0, 0, 7, 0 },
                                    { 0, 0, 0, 0, 0 } };
  static const char *const colours[] = { "red", "green", "blue", "yellow", "grey", NULL };
  FlMetrics *m = fl_metrics_new (5);

  for (int t = 0; t < 5; t++)
    for (int p = 0; p < 5; p++)
      for (int k = 0; k < counts[t][p]; k++)
        fl_metrics_add (m, t, p);
  *names = colours;
  return m;
}

/* The results page with a matrix shown, with the app's style sheet, and
 * counters on the display and on the switch's two buttons. */
typedef struct {
  const char *const *names;
  FlMetrics         *metrics;
  GtkCssProvider    *css;
  GtkWidget         *window;
  GtkWidget         *widget;
  FlResultsView     *results;
  FlConfusionView   *cv;
  GtkToggleButton   *counts;
  GtkToggleButton   *proportions;
  int                n_notify;
  int                n_toggled;
  int                n_counts_toggled;
} Results;

static void
results_set_up (Results       *f,
                gconstpointer  data)
{
  f->metrics = make_metrics (&f->names);
  f->widget = fl_results_view_new ();
  f->results = FL_RESULTS_VIEW (f->widget);
  f->cv = fl_results_view_get_confusion_view (f->results);

  /* the app's style sheet, as FlWindow loads it, and about the size of the
   * results page in a 1280×800 window */
  f->css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (f->css, "/org/fusionlab/FusionLab/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (f->css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  f->window = ui_show_in_window (f->widget, 880, 290);
  fl_results_view_show (f->results, f->metrics, f->names, "245 validation samples");
  g_assert_true (ui_wait (has_results, f->results, 10));
  ui_spin (0.1);

  f->counts = find_toggle (f->widget, "Counts");
  f->proportions = find_toggle (f->widget, "Proportions");
  g_assert_nonnull (f->counts);
  g_assert_nonnull (f->proportions);
  g_signal_connect (f->cv, "notify::proportions", G_CALLBACK (count_cb), &f->n_notify);
  g_signal_connect (f->proportions, "toggled", G_CALLBACK (toggled_cb), &f->n_toggled);
  g_signal_connect (f->counts, "toggled", G_CALLBACK (toggled_cb), &f->n_counts_toggled);
}

static void
results_tear_down (Results       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (f->css));
  g_clear_object (&f->css);
  g_clear_pointer (&f->metrics, fl_metrics_free);
  ui_spin (0.05);
}

/* The display changed n times, each time notifying once and toggling both
 * buttons once. */
static void
assert_changes (Results *f,
                int      n)
{
  g_assert_cmpint (f->n_notify, ==, n);
  g_assert_cmpint (f->n_toggled, ==, n);
  g_assert_cmpint (f->n_counts_toggled, ==, n);
}

/* The display is the proportions (or the counts), and the switch says so. */
static void
assert_display (Results  *f,
                gboolean  proportions)
{
  g_assert_cmpint (fl_confusion_view_get_proportions (f->cv), ==, proportions);
  g_assert_cmpint (gtk_toggle_button_get_active (f->proportions), ==, proportions);
  g_assert_cmpint (gtk_toggle_button_get_active (f->counts), ==, !proportions);
}

static void
test_results_switch (Results       *f,
                     gconstpointer  data)
{
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->proportions)));
  assert_display (f, FALSE);
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (GTK_WIDGET (f->proportions)),
                                   "Each cell as a share of its true class"));
  /* the switch sits beside the matrix: it takes none of the matrix's height */
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (f->cv)), ==,
                   gtk_widget_get_height (gtk_widget_get_parent (GTK_WIDGET (f->cv))));
}

/* A click on Proportions: the cells' text is drawn anew, in the same place. */
static void
test_results_proportions (Results       *f,
                          gconstpointer  data)
{
  g_autoptr(GdkTexture) as_counts = ui_render_widget (f->widget);
  g_autoptr(GdkTexture) as_shares = NULL;
  g_autofree guint8 *px_counts = NULL;
  g_autofree guint8 *px_shares = NULL;
  g_autofree char *text = NULL;

  save_shot (as_counts, "results-counts.png");
  gtk_toggle_button_set_active (f->proportions, TRUE);
  assert_display (f, TRUE);
  assert_changes (f, 1);
  text = fl_confusion_view_get_cell_text (f->cv, 1, 2);
  g_assert_cmpstr (text, ==, "18%");       /* 9 of 50 */
  g_clear_pointer (&text, g_free);
  text = fl_confusion_view_get_cell_text (f->cv, 4, 4);
  g_assert_cmpstr (text, ==, "–");

  ui_spin (0.1);
  as_shares = ui_render_widget (f->widget);
  save_shot (as_shares, "results-proportions.png");
  px_counts = ui_download (as_counts);
  px_shares = ui_download (as_shares);
  g_assert_cmpint (gdk_texture_get_width (as_shares), ==, gdk_texture_get_width (as_counts));
  g_assert_cmpint (gdk_texture_get_height (as_shares), ==, gdk_texture_get_height (as_counts));
  g_assert_true (memcmp (px_counts, px_shares, (gsize) gdk_texture_get_width (as_counts) *
                                                 gdk_texture_get_height (as_counts) * 4) != 0);
}

/* A click on Proportions, then one on Counts. */
static void
test_results_counts (Results       *f,
                     gconstpointer  data)
{
  gtk_toggle_button_set_active (f->proportions, TRUE);
  assert_changes (f, 1);

  gtk_toggle_button_set_active (f->counts, TRUE);
  assert_display (f, FALSE);
  assert_changes (f, 2);
}

/* The property set from code presses the matching button. */
static void
test_results_from_code (Results       *f,
                        gconstpointer  data)
{
  fl_confusion_view_set_proportions (f->cv, TRUE);
  assert_display (f, TRUE);
  assert_changes (f, 1);

  g_object_set (f->cv, "proportions", FALSE, NULL);
  assert_display (f, FALSE);
  assert_changes (f, 2);
}

/* The next run's matrix keeps the display chosen. */
static void
test_results_next_run (Results       *f,
                       gconstpointer  data)
{
  gtk_toggle_button_set_active (f->proportions, TRUE);
  fl_results_view_clear (f->results);
  g_assert_false (fl_results_view_has_results (f->results));
  fl_results_view_show (f->results, f->metrics, f->names, "245 validation samples");
  g_assert_true (ui_wait (has_results, f->results, 10));
  assert_display (f, TRUE);
  g_assert_cmpint (fl_confusion_view_get_n_classes (f->cv), ==, 5);
}

/* Many classes in a small matrix: cells of about 20 px, where counts and
 * percentages fall back to the small font or are left to the tooltip. */
static void
test_crowded (void)
{
  enum { N = 12 };
  gint64 counts[N * N];
  char *names[N + 1] = { NULL };
  GtkWidget *view = fl_confusion_view_new ();
  FlConfusionView *cv = FL_CONFUSION_VIEW (view);
  g_autoptr(GdkTexture) as_counts = NULL;
  g_autoptr(GdkTexture) as_shares = NULL;
  GtkWidget *window;

  for (int t = 0; t < N; t++)
    {
      names[t] = g_strdup_printf ("class %d", t);
      for (int p = 0; p < N; p++)
        counts[t * N + p] = t == p ? 40 + 7 * t : (t + 2 * p) % 5;
    }
  fl_confusion_view_set_matrix (cv, N, counts, (const char *const *) names);
  window = ui_show_in_window (view, 460, 330);

  as_counts = ui_render_widget (view);
  save_shot (as_counts, "crowded-counts.png");
  fl_confusion_view_set_proportions (cv, TRUE);
  ui_spin (0.1);
  as_shares = ui_render_widget (view);
  save_shot (as_shares, "crowded-proportions.png");

  /* too small for "100%": every percentage is drawn without its sign */
  for (int t = 0; t < N; t++)
    for (int p = 0; p < N; p++)
      {
        g_autofree char *text = fl_confusion_view_get_cell_text (cv, t, p);

        g_assert_null (strchr (text, '%'));
        g_assert_true (g_ascii_isdigit (text[strlen (text) - 1]));
      }

  /* with room, they have it again */
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 800);
  g_assert_true (ui_wait (is_large, view, 10));
  for (int t = 0; t < N; t++)
    for (int p = 0; p < N; p++)
      {
        g_autofree char *text = fl_confusion_view_get_cell_text (cv, t, p);

        g_assert_true (g_str_has_suffix (text, "%"));
      }

  for (int t = 0; t < N; t++)
    g_free (names[t]);
  gtk_window_destroy (GTK_WINDOW (window));
  ui_spin (0.05);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/confusion/cell-text", test_cell_text);
  g_test_add_func ("/ui/confusion/notify", test_notify);
  g_test_add ("/ui/confusion/results-toggle/switch", Results, NULL,
              results_set_up, test_results_switch, results_tear_down);
  g_test_add ("/ui/confusion/results-toggle/proportions", Results, NULL,
              results_set_up, test_results_proportions, results_tear_down);
  g_test_add ("/ui/confusion/results-toggle/counts", Results, NULL,
              results_set_up, test_results_counts, results_tear_down);
  g_test_add ("/ui/confusion/results-toggle/from-code", Results, NULL,
              results_set_up, test_results_from_code, results_tear_down);
  g_test_add ("/ui/confusion/results-toggle/next-run", Results, NULL,
              results_set_up, test_results_next_run, results_tear_down);
  g_test_add_func ("/ui/confusion/crowded", test_crowded);

  return g_test_run ();
}
