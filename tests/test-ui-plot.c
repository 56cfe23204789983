/* SPDX-License-Identifier: MIT
 *
 * The drawing widgets on their own: the plot's series and readout, the
 * confusion matrix, the class chart, and the conversion of dataset images
 * to textures.
 */
#define G_LOG_DOMAIN "test-ui-plot"

#include "test-ui-util.h"
#include "fl-class-chart.h"
#include "fl-confusion-view.h"
#include "fl-plot-view.h"
#include "fl-preview-grid.h"

#include <math.h>
#include <string.h>

/* Renders widget as it is on screen, into memory as (h, w, 4) bytes. */
static guint8 *
render_widget (GtkWidget *widget,
               int       *width,
               int       *height)
{
  g_autoptr(GdkTexture) texture = ui_render_widget (widget);

  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  return ui_download (texture);
}

/* Pixels within tol of the colour (r, g, b); downloads are BGRA on
 * little-endian machines (CAIRO_FORMAT_ARGB32). */
static int
count_colour (const guint8 *px,
              int           n,
              int           r,
              int           g,
              int           b,
              int           tol)
{
  int count = 0;

  for (int i = 0; i < n; i++)
    if (abs (px[4 * i + 2] - r) <= tol && abs (px[4 * i + 1] - g) <= tol && abs (px[4 * i] - b) <= tol)
      count++;
  return count;
}

static void
test_series (void)
{
  g_autoptr(FlPlotView) plot = g_object_ref_sink (FL_PLOT_VIEW (fl_plot_view_new ()));
  guint a, b;
  double x, y;

  a = fl_plot_view_add_series (plot, "Train", "#0072B2", FL_PLOT_STYLE_LINE);
  b = fl_plot_view_add_series (plot, "Per batch", "#56B4E9", FL_PLOT_STYLE_SMOOTHED);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (b, ==, 1);
  g_assert_cmpuint (fl_plot_view_get_n_series (plot), ==, 2);

  fl_plot_view_append (plot, a, 1, 0.5);
  fl_plot_view_append (plot, a, 2, 0.25);
  fl_plot_view_append (plot, a, 3, NAN);   /* not finite: dropped */
  for (int i = 1; i <= 10; i++)
    fl_plot_view_append (plot, b, i / 10.0, 1.0 / i);
  g_assert_cmpuint (fl_plot_view_get_n_points (plot, a), ==, 2);
  g_assert_cmpuint (fl_plot_view_get_n_points (plot, b), ==, 10);
  g_assert_true (fl_plot_view_get_point (plot, a, 1, &x, &y));
  g_assert_cmpfloat (x, ==, 2.0);
  g_assert_cmpfloat (y, ==, 0.25);
  g_assert_false (fl_plot_view_get_point (plot, a, 2, &x, &y));

  fl_plot_view_set_x_max (plot, 10);
  g_assert_cmpfloat (fl_plot_view_get_x_max (plot), ==, 10.0);
  fl_plot_view_set_title (plot, "Loss");
  g_assert_cmpstr (fl_plot_view_get_title (plot), ==, "Loss");

  fl_plot_view_clear (plot);
  g_assert_cmpuint (fl_plot_view_get_n_series (plot), ==, 2);
  g_assert_cmpuint (fl_plot_view_get_n_points (plot, a), ==, 0);
  g_assert_cmpuint (fl_plot_view_get_n_points (plot, b), ==, 0);
}

static void
test_readout_and_drawing (void)
{
  GtkWidget *plot = fl_plot_view_new ();
  FlPlotView *view = FL_PLOT_VIEW (plot);
  GtkWidget *window;
  g_autofree char *right = NULL;
  g_autofree char *left = NULL;
  g_autofree guint8 *px = NULL;
  int w, h, blue, vermillion;

  fl_plot_view_set_title (view, "Accuracy");
  fl_plot_view_set_percent (view, TRUE);
  fl_plot_view_add_series (view, "Train", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (view, "Validation", "#D55E00", FL_PLOT_STYLE_DASHED);
  fl_plot_view_set_x_max (view, 2);
  fl_plot_view_append (view, 0, 1, 0.50);
  fl_plot_view_append (view, 0, 2, 0.75);
  fl_plot_view_append (view, 1, 1, 0.40);
  fl_plot_view_append (view, 1, 2, 0.625);

  window = ui_show_in_window (plot, 640, 400);

  /* the pointer near the right edge reads the last epoch */
  right = fl_plot_view_describe_at (view, gtk_widget_get_width (plot) - 20);
  g_test_message ("readout: %s", right);
  g_assert_cmpstr (right, ==, "Epoch 2 · Train 75.0% · Validation 62.5%");
  /* and a third of the way across, the first */
  left = fl_plot_view_describe_at (view, gtk_widget_get_width (plot) * 0.4);
  g_assert_true (g_str_has_prefix (left, "Epoch 1 · Train 50.0%"));

  /* both curves are drawn in their colours */
  px = render_widget (plot, &w, &h);
  blue = count_colour (px, w * h, 0x00, 0x72, 0xB2, 12);
  vermillion = count_colour (px, w * h, 0xD5, 0x5E, 0x00, 12);
  g_test_message ("%d×%d plot: %d blue and %d vermillion pixels", w, h, blue, vermillion);
  g_assert_cmpint (blue, >, 100);
  g_assert_cmpint (vermillion, >, 50);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* The titles are properties, settable from a .ui file; they and the others
 * are the model's, which can be swapped for another. */
static void
test_titles_and_model (void)
{
  static const char *const ui =
    "<interface><object class='FlPlotView' id='plot'>"
    "<property name='title'>Loss</property>"
    "<property name='x-title'>Step</property>"
    "<property name='y-title'>Cross-entropy</property>"
    "</object></interface>";
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(FlPlotModel) other = fl_plot_model_new ();
  g_autofree char *readout = NULL;
  FlPlotView *plot;
  guint notified = 0;

  g_type_ensure (FL_TYPE_PLOT_VIEW);
  builder = gtk_builder_new_from_string (ui, -1);
  plot = FL_PLOT_VIEW (gtk_builder_get_object (builder, "plot"));
  g_object_ref_sink (plot);
  g_assert_cmpstr (fl_plot_view_get_title (plot), ==, "Loss");
  g_assert_cmpstr (fl_plot_view_get_x_title (plot), ==, "Step");
  g_assert_cmpstr (fl_plot_view_get_y_title (plot), ==, "Cross-entropy");
  g_assert_cmpstr (fl_plot_model_get_x_title (fl_plot_view_get_model (plot)), ==, "Step");

  /* the readout names x after the x title */
  fl_plot_view_add_series (plot, "Train", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_view_append (plot, 0, 1, 0.5);
  readout = fl_plot_view_describe_at (plot, 50);
  g_assert_cmpstr (readout, ==, "Step 1 · Train 0.5000");

  /* a change made on the model is the view's too */
  g_signal_connect (plot, "notify::title", G_CALLBACK (count_notify_cb), &notified);
  fl_plot_model_set_title (fl_plot_view_get_model (plot), "Accuracy");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (fl_plot_view_get_title (plot), ==, "Accuracy");

  fl_plot_model_set_title (other, "Other");
  fl_plot_view_set_model (plot, other);
  g_assert_true (fl_plot_view_get_model (plot) == other);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpstr (fl_plot_view_get_title (plot), ==, "Other");
  g_assert_cmpuint (fl_plot_view_get_n_series (plot), ==, 0);
  fl_plot_view_set_model (plot, NULL);
  g_assert_nonnull (fl_plot_view_get_model (plot));
  g_assert_null (fl_plot_view_get_title (plot));
  g_assert_cmpstr (fl_plot_view_get_x_title (plot), ==, "Epoch");
  g_object_unref (plot);
}

typedef struct {
  guint    n;
  guint    series;
  gboolean active;
} Toggled;

static void
series_toggled_cb (FlPlotView *plot,
                   guint       series,
                   gboolean    active,
                   Toggled    *toggled)
{
  toggled->n++;
  toggled->series = series;
  toggled->active = active;
}

/* Exports plot to dir/name and returns the file's contents. */
static char *
export_to (FlPlotView *plot,
           const char *dir,
           const char *name,
           gsize      *length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (fl_plot_view_export (plot, path, 640, 400, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, length, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  return contents;
}

/* Pixels of the colour (r, g, b) in plot exported as a PNG. */
static int
count_exported_colour (FlPlotView *plot,
                       const char *dir,
                       int         r,
                       int         g,
                       int         b)
{
  g_autofree char *path = g_build_filename (dir, "plot.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree guint8 *px = NULL;
  int w, h;

  g_assert_true (fl_plot_view_export (plot, path, 640, 400, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  w = gdk_texture_get_width (texture);
  h = gdk_texture_get_height (texture);
  px = ui_download (texture);
  return count_colour (px, w * h, r, g, b, 12);
}

/* Cairo writes an SVG's text as outlines, one <use> of a glyph per
 * character, so the label itself is not in the file: count the glyphs. */
static guint
count_svg_glyphs (const char *svg)
{
  guint n = 0;

  for (const char *p = svg; (p = strstr (p, "href=\"#glyph")) != NULL; p++)
    n++;
  return n;
}

/* The widget's first event controller of type type. */
static gpointer
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;   /* the widget keeps it */
    }
  g_assert_not_reached ();
}

static const char *
cursor_name (GtkWidget *widget)
{
  GdkCursor *cursor = gtk_widget_get_cursor (widget);

  return cursor != NULL ? gdk_cursor_get_name (cursor) : NULL;
}

/* svg without the ids of cairo's surfaces, which count every surface the
 * process has made. */
static char *
svg_without_ids (const char *svg)
{
  g_autoptr(GRegex) ids = g_regex_new ("surface[0-9]+", 0, 0, NULL);

  return g_regex_replace_literal (ids, svg, -1, 0, "surface", 0, NULL);
}

/* Three series in a shown plot, for the legend tests. Clicking a name in
 * the legend switches its curve off: the entry stays, the curve, its
 * readout and its place in exports go. */
typedef struct {
  GtkWidget  *widget;
  FlPlotView *plot;
  GtkWidget  *window;
  char       *dir;       /* for exports */
  Toggled     toggled;   /* what ::series-toggled said */
} Legend;

static void
legend_setup (Legend        *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("fusionlab-plot-XXXXXX", &error);
  g_assert_no_error (error);
  f->widget = fl_plot_view_new ();
  f->plot = FL_PLOT_VIEW (f->widget);
  /* percent: a fixed y axis, so that only the legend's text can change */
  fl_plot_view_set_title (f->plot, "Accuracy");
  fl_plot_view_set_percent (f->plot, TRUE);
  fl_plot_view_set_x_max (f->plot, 4);
  fl_plot_view_add_series (f->plot, "Train", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (f->plot, "Validation", "#D55E00", FL_PLOT_STYLE_DASHED);
  fl_plot_view_add_series (f->plot, "Test", "#009E73", FL_PLOT_STYLE_LINE);
  for (int e = 1; e <= 3; e++)
    for (guint s = 0; s < 3; s++)
      fl_plot_view_append (f->plot, s, e, 0.3 + 0.1 * e + 0.05 * s);
  g_signal_connect (f->plot, "series-toggled", G_CALLBACK (series_toggled_cb), &f->toggled);
  f->window = ui_show_in_window (f->widget, 640, 400);
}

static void
legend_teardown (Legend        *f,
                 gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

/* Pixels of the colour (r, g, b) in the plot as it is on screen. */
static int
count_rendered_colour (GtkWidget *widget,
                       int        r,
                       int        g,
                       int        b)
{
  g_autofree guint8 *px = NULL;
  int w, h;

  px = render_widget (widget, &w, &h);
  return count_colour (px, w * h, r, g, b, 12);
}

/* The centre of the legend entry of series; fails when it has none. */
static graphene_point_t
legend_centre (FlPlotView *plot,
               guint       series)
{
  graphene_rect_t entry;
  graphene_point_t centre;

  g_assert_true (fl_plot_view_get_legend_entry (plot, series, &entry));
  graphene_rect_get_center (&entry, &centre);
  return centre;
}

/* Whether the readout three-quarters across names the series label. */
static gboolean
readout_names (Legend     *f,
               const char *label)
{
  g_autofree char *readout = fl_plot_view_describe_at (f->plot, gtk_widget_get_width (f->widget) * 0.7);

  g_test_message ("readout: %s", readout);
  return strstr (readout, label) != NULL;
}

/* The entries, in series order, each found under its swatch and name. */
static void
test_legend_entries (Legend        *f,
                     gconstpointer  data)
{
  graphene_rect_t entry, other;
  graphene_point_t centre;

  for (guint s = 0; s < 3; s++)
    g_assert_true (fl_plot_view_get_series_active (f->plot, s));

  /* the entry of series 1, between those of 0 and 2 */
  g_assert_true (fl_plot_view_get_legend_entry (f->plot, 1, &entry));
  g_assert_cmpfloat (entry.size.width, >, 22.0);
  g_assert_cmpfloat (entry.size.height, >, 5.0);
  g_assert_true (fl_plot_view_get_legend_entry (f->plot, 0, &other));
  g_assert_cmpfloat (other.origin.x + other.size.width, <, entry.origin.x);
  g_assert_true (fl_plot_view_get_legend_entry (f->plot, 2, &other));
  g_assert_cmpfloat (entry.origin.x + entry.size.width, <, other.origin.x);
  graphene_rect_get_center (&entry, &centre);
  g_assert_cmpint (fl_plot_view_legend_series_at (f->plot, centre.x, centre.y), ==, 1);
  /* the swatch is part of the entry */
  g_assert_cmpint (fl_plot_view_legend_series_at (f->plot, entry.origin.x + 2, centre.y), ==, 1);
  /* the middle of the plot area, and outside the widget, are not */
  g_assert_cmpint (fl_plot_view_legend_series_at (f->plot, gtk_widget_get_width (f->widget) / 2.0,
                                                  gtk_widget_get_height (f->widget) / 2.0), ==, -1);
  g_assert_cmpint (fl_plot_view_legend_series_at (f->plot, -50, -50), ==, -1);
  g_assert_cmpint (fl_plot_view_activate_legend_at (f->plot, -50, -50), ==, -1);
  g_assert_cmpuint (f->toggled.n, ==, 0);
}

/* A click on an entry switches its series off; on screen, its entry stays,
 * dimmed (no pixel in its full colour), to be clicked back on. */
static void
test_legend_click_off (Legend        *f,
                       gconstpointer  data)
{
  graphene_point_t centre = legend_centre (f->plot, 1);

  g_assert_cmpint (count_rendered_colour (f->widget, 0xD5, 0x5E, 0x00), >, 50);
  g_assert_cmpint (fl_plot_view_activate_legend_at (f->plot, centre.x, centre.y), ==, 1);
  g_assert_cmpuint (f->toggled.n, ==, 1);
  g_assert_cmpuint (f->toggled.series, ==, 1);
  g_assert_false (f->toggled.active);
  g_assert_false (fl_plot_view_get_series_active (f->plot, 1));
  g_assert_true (fl_plot_view_get_series_active (f->plot, 0));
  g_assert_true (fl_plot_view_get_series_visible (f->plot, 1));
  g_assert_true (readout_names (f, "Train"));
  g_assert_true (readout_names (f, "Test"));
  g_assert_false (readout_names (f, "Validation"));

  ui_spin (0.1);
  centre = legend_centre (f->plot, 1);
  g_assert_cmpint (fl_plot_view_legend_series_at (f->plot, centre.x, centre.y), ==, 1);
  g_assert_cmpint (count_rendered_colour (f->widget, 0xD5, 0x5E, 0x00), ==, 0);
  g_assert_cmpint (count_rendered_colour (f->widget, 0x00, 0x72, 0xB2), >, 100);
}

/* Exports leave a switched-off series out, legend and all: its label's
 * glyphs are gone and nothing is in its colour, while Train is still
 * drawn; just as if it were hidden. Setting it from code says nothing. */
static void
test_legend_export_off (Legend        *f,
                        gconstpointer  data)
{
  g_autofree char *svg_on = export_to (f->plot, f->dir, "plot.svg", NULL);
  g_autofree char *svg_off = NULL;
  g_autofree char *svg_hidden = NULL;
  g_autofree char *off_text = NULL;
  g_autofree char *hidden_text = NULL;
  graphene_point_t centre = legend_centre (f->plot, 1);

  g_assert_cmpint (fl_plot_view_activate_legend_at (f->plot, centre.x, centre.y), ==, 1);
  svg_off = export_to (f->plot, f->dir, "plot.svg", NULL);
  g_test_message ("SVG glyphs: %u with Validation, %u without",
                  count_svg_glyphs (svg_on), count_svg_glyphs (svg_off));
  g_assert_cmpuint (count_svg_glyphs (svg_off), >, 0);
  g_assert_cmpuint (count_svg_glyphs (svg_on) - count_svg_glyphs (svg_off), ==, strlen ("Validation"));
  g_assert_cmpint (count_exported_colour (f->plot, f->dir, 0xD5, 0x5E, 0x00), ==, 0);
  g_assert_cmpint (count_exported_colour (f->plot, f->dir, 0x00, 0x72, 0xB2), >, 100);

  fl_plot_view_set_series_active (f->plot, 1, TRUE);
  fl_plot_view_set_series_visible (f->plot, 1, FALSE);
  g_assert_false (fl_plot_view_get_legend_entry (f->plot, 1, NULL));
  g_assert_cmpint (fl_plot_view_legend_series_at (f->plot, centre.x, centre.y), !=, 1);
  svg_hidden = export_to (f->plot, f->dir, "plot.svg", NULL);
  off_text = svg_without_ids (svg_off);
  hidden_text = svg_without_ids (svg_hidden);
  g_assert_cmpstr (off_text, ==, hidden_text);
  fl_plot_view_set_series_visible (f->plot, 1, TRUE);
  fl_plot_view_set_series_active (f->plot, 1, FALSE);
  g_assert_cmpuint (f->toggled.n, ==, 1);
}

/* A click brings a switched-off series back, through the widget's own
 * controllers: a pointing hand over the entry, and a press and release
 * there (a press there released on another entry is no click). */
static void
test_legend_click_on (Legend        *f,
                      gconstpointer  data)
{
  GtkEventController *motion = find_controller (f->widget, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  GtkGesture *click = find_controller (f->widget, GTK_TYPE_GESTURE_CLICK);
  graphene_point_t centre, other;

  fl_plot_view_set_series_active (f->plot, 1, FALSE);
  centre = legend_centre (f->plot, 1);
  other = legend_centre (f->plot, 0);
  g_signal_emit_by_name (motion, "motion", centre.x, centre.y);
  g_assert_cmpstr (cursor_name (f->widget), ==, "pointer");
  g_signal_emit_by_name (click, "pressed", 1, centre.x, centre.y);
  g_signal_emit_by_name (click, "released", 1, other.x, other.y);
  g_assert_cmpuint (f->toggled.n, ==, 0);
  g_assert_true (fl_plot_view_get_series_active (f->plot, 0));
  g_signal_emit_by_name (click, "pressed", 1, centre.x, centre.y);
  g_signal_emit_by_name (click, "released", 1, centre.x, centre.y);
  g_assert_cmpuint (f->toggled.n, ==, 1);
  g_assert_cmpuint (f->toggled.series, ==, 1);
  g_assert_true (f->toggled.active);
  g_assert_true (fl_plot_view_get_series_active (f->plot, 1));
  g_signal_emit_by_name (motion, "motion", gtk_widget_get_width (f->widget) / 2.0,
                         gtk_widget_get_height (f->widget) / 2.0);
  g_assert_null (cursor_name (f->widget));
  g_signal_emit_by_name (motion, "motion", centre.x, centre.y);
  g_signal_emit_by_name (motion, "leave");
  g_assert_null (cursor_name (f->widget));

  g_assert_true (readout_names (f, "Validation"));
  g_assert_cmpint (count_exported_colour (f->plot, f->dir, 0xD5, 0x5E, 0x00), >, 50);
  ui_spin (0.1);
  g_assert_cmpint (count_rendered_colour (f->widget, 0xD5, 0x5E, 0x00), >, 50);
}

/* A hidden series has no entry, whatever its state. */
static void
test_legend_hidden (Legend        *f,
                    gconstpointer  data)
{
  fl_plot_view_set_series_visible (f->plot, 2, FALSE);
  g_assert_false (fl_plot_view_get_legend_entry (f->plot, 2, NULL));
  g_assert_true (fl_plot_view_get_legend_entry (f->plot, 1, NULL));
  fl_plot_view_set_series_active (f->plot, 2, FALSE);
  g_assert_false (fl_plot_view_get_legend_entry (f->plot, 2, NULL));
}

static void
test_confusion (void)
{
  static const gint64 counts[] = { 5, 1, 0,
                                   2, 7, 1,
                                   0, 0, 9 };
  static const char *const names[] = { "cat", "dog", "a very long class name indeed", NULL };
  GtkWidget *view = fl_confusion_view_new ();
  FlConfusionView *cv = FL_CONFUSION_VIEW (view);
  GtkWidget *window;
  g_autofree guint8 *px = NULL;
  int w, h;

  fl_confusion_view_set_matrix (cv, 3, counts, names);
  g_assert_cmpint (fl_confusion_view_get_n_classes (cv), ==, 3);
  g_assert_cmpint (fl_confusion_view_get_count (cv, 1, 0), ==, 2);
  g_assert_cmpint (fl_confusion_view_get_count (cv, 2, 2), ==, 9);

  window = ui_show_in_window (view, 420, 420);
  px = render_widget (view, &w, &h);
  /* the diagonal of the last row (9 of 9) is the darkest blue */
  g_assert_cmpint (count_colour (px, w * h, 0x00, 0x4C, 0x8C, 10), >, 100);

  fl_confusion_view_clear (cv);
  g_assert_cmpint (fl_confusion_view_get_n_classes (cv), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_class_chart (void)
{
  static const char *const names[] = { "actions", "places", "status" };
  static const int counts[] = { 182, 36, 233 };
  g_autoptr(FlClassChart) chart = g_object_ref_sink (FL_CLASS_CHART (fl_class_chart_new ()));
  int min, nat;

  fl_class_chart_set_counts (chart, 3, names, counts);
  g_assert_cmpint (fl_class_chart_get_n_bars (chart), ==, 3);
  gtk_widget_measure (GTK_WIDGET (chart), GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
  g_assert_cmpint (nat, ==, 3 * 20);
  fl_class_chart_set_counts (chart, 0, NULL, NULL);
  g_assert_cmpint (fl_class_chart_get_n_bars (chart), ==, 0);
}

static void
test_texture_from_sample (void)
{
  /* two 4×4 images, planar: image 0 is R = 10, G = 20, B = 30 everywhere
   * but pixel (1, 2), which is (200, 100, 50) */
  const int S = 4;
  guint8 images[2 * 3 * 4 * 4];
  const char *const texts[] = { "first", "second" };
  const char *const labels[] = { "a", "b" };
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  guint8 out[4 * 4 * 4];

  for (int c = 0; c < 3; c++)
    memset (images + c * S * S, 10 * (c + 1), S * S);
  memset (images + 3 * S * S, 0, 3 * S * S);
  images[0 * S * S + 2 * S + 1] = 200;
  images[1 * S * S + 2 * S + 1] = 100;
  images[2 * S * S + 2 * S + 1] = 50;

  ds = fl_dataset_new_from_memory (2, S, images, texts, labels);
  texture = fl_texture_new_from_sample (ds, 0);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, S);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, S);
  gdk_texture_download (texture, out, S * 4);
  /* BGRA */
  g_assert_cmpint (out[0], ==, 30);
  g_assert_cmpint (out[1], ==, 20);
  g_assert_cmpint (out[2], ==, 10);
  g_assert_cmpint (out[3], ==, 255);
  g_assert_cmpint (out[(2 * S + 1) * 4 + 0], ==, 50);
  g_assert_cmpint (out[(2 * S + 1) * 4 + 1], ==, 100);
  g_assert_cmpint (out[(2 * S + 1) * 4 + 2], ==, 200);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/plot/series", test_series);
  g_test_add_func ("/ui/plot/readout-and-drawing", test_readout_and_drawing);
  g_test_add_func ("/ui/plot/titles-and-model", test_titles_and_model);
  g_test_add ("/ui/plot/legend/entries", Legend, NULL, legend_setup, test_legend_entries, legend_teardown);
  g_test_add ("/ui/plot/legend/click-off", Legend, NULL, legend_setup, test_legend_click_off, legend_teardown);
  g_test_add ("/ui/plot/legend/export-off", Legend, NULL, legend_setup, test_legend_export_off, legend_teardown);
  g_test_add ("/ui/plot/legend/click-on", Legend, NULL, legend_setup, test_legend_click_on, legend_teardown);
  g_test_add ("/ui/plot/legend/hidden", Legend, NULL, legend_setup, test_legend_hidden, legend_teardown);
  g_test_add_func ("/ui/confusion-view", test_confusion);
  g_test_add_func ("/ui/class-chart", test_class_chart);
  g_test_add_func ("/ui/texture-from-sample", test_texture_from_sample);

  return g_test_run ();
}
