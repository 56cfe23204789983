/* SPDX-License-Identifier: MIT
 *
 * The plot's model, layout and renderer without a display: the series and
 * their points, visibility and smoothing, ::changed, the cached layout and
 * its legend, and drawing on an image surface. Text is laid out with
 * pango_cairo_font_map_get_default(), as an export would be.
 */
#define G_LOG_DOMAIN "test-plot-model"

#include "fl-plot-layout.h"
#include "fl-plot-model.h"
#include "fl-fusion-diagram.h"
#include "fl-reliance-chart.h"
#include "fl-style.h"
#include "fl-plot-readout.h"
#include "fl-plot-renderer.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

/* What text is laid out with (Pango 1.50 has no g_autoptr for a context). */
static PangoContext *context;

static void
count_cb (FlPlotModel *model,
          guint       *count)
{
  (*count)++;
}

static void
notify_cb (FlPlotModel *model,
           GParamSpec  *pspec,
           guint       *count)
{
  (*count)++;
}

static void
test_series (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  const FlPlotPoint *points;
  guint a, b, n;
  double x, y;

  a = fl_plot_model_add_series (model, "Train", "#0072B2", FL_PLOT_STYLE_LINE);
  b = fl_plot_model_add_series (model, "Per batch", "#56B4E9", FL_PLOT_STYLE_SMOOTHED);
  g_assert_cmpuint (a, ==, 0);
  g_assert_cmpuint (b, ==, 1);
  g_assert_cmpuint (fl_plot_model_get_n_series (model), ==, 2);
  g_assert_cmpstr (fl_plot_model_get_label (model, b), ==, "Per batch");
  g_assert_cmpstr (fl_plot_model_get_color (model, a), ==, "#0072B2");
  g_assert_cmpint (fl_plot_model_get_style (model, b), ==, FL_PLOT_STYLE_SMOOTHED);

  fl_plot_model_append (model, a, 1, 0.5);
  fl_plot_model_append (model, a, 2, 0.25);
  fl_plot_model_append (model, a, 3, NAN);        /* not finite: dropped */
  fl_plot_model_append (model, a, INFINITY, 1.0);
  fl_plot_model_append (model, b, 0.5, 2.0);
  g_assert_cmpuint (fl_plot_model_get_n_points (model, a), ==, 2);
  points = fl_plot_model_get_points (model, a, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (points[1].x, ==, 2.0);
  g_assert_cmpfloat (points[1].y, ==, 0.25);
  g_assert_true (fl_plot_model_get_point (model, a, 0, &x, &y));
  g_assert_cmpfloat (x, ==, 1.0);
  g_assert_cmpfloat (y, ==, 0.5);
  g_assert_false (fl_plot_model_get_point (model, a, 2, &x, &y));
  g_assert_false (fl_plot_model_get_point (model, 7, 0, &x, &y));
  g_assert_null (fl_plot_model_get_smoothed (model, a));
  g_assert_false (fl_plot_model_get_smoothed_point (model, a, 0, &y));

  fl_plot_model_clear_series (model, a);
  g_assert_cmpuint (fl_plot_model_get_n_points (model, a), ==, 0);
  g_assert_cmpuint (fl_plot_model_get_n_points (model, b), ==, 1);
  fl_plot_model_clear (model);
  g_assert_cmpuint (fl_plot_model_get_n_series (model), ==, 2);
  g_assert_cmpuint (fl_plot_model_get_n_points (model, b), ==, 0);
  g_assert_false (fl_plot_model_get_smoothed_point (model, b, 0, &y));
  fl_plot_model_remove_series_from (model, 1);
  g_assert_cmpuint (fl_plot_model_get_n_series (model), ==, 1);
  fl_plot_model_remove_series_from (model, 5);
  g_assert_cmpuint (fl_plot_model_get_n_series (model), ==, 1);
}

/* Checks the averages of series s against expected (n of them). */
static void
assert_smoothed (FlPlotModel  *model,
                 guint         s,
                 const double *expected,
                 guint         n)
{
  for (guint j = 0; j < n; j++)
    {
      double y;

      g_assert_true (fl_plot_model_get_smoothed_point (model, s, j, &y));
      g_assert_cmpfloat_with_epsilon (y, expected[j], 1e-9);
      g_assert_cmpfloat_with_epsilon (fl_plot_model_get_smoothed (model, s)[j], expected[j], 1e-9);
    }
  g_assert_false (fl_plot_model_get_smoothed_point (model, s, n, NULL));
}

/* The EMA of fl-plot-model.h by hand, at x = 0.1, 0.2, 0.4, 1.4 and y = 1,
 * 3, 2, 5. With tau = 0.25 the weights are e^-0.4 = 0.670320046,
 * e^-0.8 = 0.449328964 and e^-4 = 0.018315639:
 *   avg1 = (0.670320046 + 3) / 1.670320046                       = 2.1973753202
 *   avg2 = (0.449328964 · 3.670320046 + 2) / (0.449328964 · 1.670320046 + 1)
 *        = 3.649180585 / 1.750522941                             = 2.0846231311
 *   avg3 = (0.018315639 · 3.649180585 + 5) / (0.018315639 · 1.750522941 + 1)
 *                                                               = 4.9094311457
 * and with tau = 0.5 (weights e^-0.2, e^-0.4, e^-2), likewise. */
static void
test_smoothing (void)
{
  static const double xs[] = { 0.1, 0.2, 0.4, 1.4 };
  static const double ys[] = { 1.0, 3.0, 2.0, 5.0 };
  static const double quarter[] = { 1.0, 2.1973753202, 2.0846231311, 4.9094311457 };
  static const double half[] = { 1.0, 2.0996679946, 2.0547549345, 4.3197586490 };
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  guint s;

  g_assert_cmpfloat (fl_plot_model_get_smoothing (model), ==, 0.25);
  s = fl_plot_model_add_series (model, "Per batch", "#56B4E9", FL_PLOT_STYLE_SMOOTHED);
  for (guint j = 0; j < G_N_ELEMENTS (xs); j++)
    fl_plot_model_append (model, s, xs[j], ys[j]);
  assert_smoothed (model, s, quarter, G_N_ELEMENTS (quarter));

  /* a new time constant recomputes the averages of the points there are */
  fl_plot_model_set_smoothing (model, 0.5);
  g_assert_cmpfloat (fl_plot_model_get_smoothing (model), ==, 0.5);
  assert_smoothed (model, s, half, G_N_ELEMENTS (half));
  /* none: the points themselves */
  fl_plot_model_set_smoothing (model, 0.0);
  assert_smoothed (model, s, ys, G_N_ELEMENTS (ys));
  fl_plot_model_set_smoothing (model, -3.0);
  g_assert_cmpfloat (fl_plot_model_get_smoothing (model), ==, 0.0);

  /* cleared, the average starts again from the next point */
  fl_plot_model_set_smoothing (model, 0.25);
  fl_plot_model_clear_series (model, s);
  fl_plot_model_append (model, s, 2.0, 7.0);
  assert_smoothed (model, s, (double[]) { 7.0 }, 1);
}

/* Three epoch series and a batch series, for the readout tests. */
static FlPlotModel *
new_training_model (void)
{
  FlPlotModel *model = fl_plot_model_new ();

  fl_plot_model_add_series (model, "Per batch", "#56B4E9", FL_PLOT_STYLE_SMOOTHED);
  fl_plot_model_add_series (model, "Train", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_model_add_series (model, "Validation", "#D55E00", FL_PLOT_STYLE_DASHED);
  fl_plot_model_add_series (model, "Test", "#009E73", FL_PLOT_STYLE_LINE);
  for (int k = 1; k <= 12; k++)
    fl_plot_model_append (model, 0, k / 4.0, 1.0 / k);
  for (int e = 1; e <= 3; e++)
    for (guint s = 1; s < 4; s++)
      fl_plot_model_append (model, s, e, 0.1 * e + 0.01 * s);
  return model;
}

static void
test_visibility (void)
{
  g_autoptr(FlPlotModel) model = new_training_model ();
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) some = NULL;
  double x;

  for (guint s = 0; s < 4; s++)
    {
      g_assert_true (fl_plot_model_get_series_visible (model, s));
      g_assert_true (fl_plot_model_get_series_active (model, s));
      g_assert_true (fl_plot_model_series_drawn (model, s));
    }
  /* the readout snaps to the epoch points, not the batch points */
  g_assert_true (fl_plot_readout_snap (model, 2.3, &x));
  g_assert_cmpfloat (x, ==, 2.0);
  all = fl_plot_readout_read (model, 2.0);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpuint (g_array_index (all, FlPlotReading, 0).series, ==, 0);
  /* the batch series reads its average at its last point not after x */
  g_assert_cmpfloat (g_array_index (all, FlPlotReading, 0).y, ==, fl_plot_model_get_smoothed (model, 0)[7]);
  g_assert_cmpfloat_with_epsilon (g_array_index (all, FlPlotReading, 2).y, 0.22, 1e-12);

  fl_plot_model_set_series_active (model, 2, FALSE);
  fl_plot_model_set_series_visible (model, 3, FALSE);
  g_assert_false (fl_plot_model_series_drawn (model, 2));
  g_assert_true (fl_plot_model_get_series_visible (model, 2));
  g_assert_false (fl_plot_model_series_drawn (model, 3));
  g_assert_false (fl_plot_model_get_series_visible (model, 3));
  g_assert_true (fl_plot_model_get_series_active (model, 3));
  some = fl_plot_readout_read (model, 2.0);
  g_assert_cmpuint (some->len, ==, 2);
  g_assert_cmpuint (g_array_index (some, FlPlotReading, 0).series, ==, 0);
  g_assert_cmpuint (g_array_index (some, FlPlotReading, 1).series, ==, 1);

  /* the readout's text, with Validation switched off; the batch average
   * at its 8th point, by the EMA over 1/k at x = k/4 (w = e^-1 each step) */
  {
    g_autofree char *line = fl_plot_readout_describe (model, 2.0);
    g_autofree char *markup = NULL;

    g_assert_cmpstr (line, ==, "Epoch 2 · Per batch 0.1385 · Train 0.2100");
    markup = fl_plot_readout_markup (model, 2.0, some);
    g_assert_cmpstr (markup, ==, "<b>Epoch 2</b>\nPer batch  <b>0.1385</b>\nTrain  <b>0.2100</b>");
  }

  /* with no epoch series drawn, the batch points are snapped to */
  fl_plot_model_set_series_active (model, 1, FALSE);
  g_assert_true (fl_plot_readout_snap (model, 2.3, &x));
  g_assert_cmpfloat (x, ==, 2.25);
  fl_plot_model_set_series_active (model, 0, FALSE);
  g_assert_false (fl_plot_readout_snap (model, 2.3, &x));

  /* switched off, the points still count as data; hidden, they do not */
  g_assert_true (fl_plot_model_has_points (model));
  for (guint s = 0; s < 4; s++)
    fl_plot_model_set_series_visible (model, s, FALSE);
  g_assert_false (fl_plot_model_has_points (model));
}

static void
test_text (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  g_autofree char *epoch = NULL;
  g_autofree char *fraction = NULL;
  g_autofree char *samples = NULL;
  g_autofree char *loss = NULL;
  g_autofree char *percent = NULL;

  g_assert_cmpstr (fl_plot_model_get_x_title (model), ==, "Epoch");
  g_assert_null (fl_plot_model_get_y_title (model));
  g_assert_cmpstr (fl_plot_model_get_y_axis_title (model), ==, "");
  fl_plot_model_set_title (model, "Loss");
  g_assert_cmpstr (fl_plot_model_get_y_axis_title (model), ==, "Loss");
  fl_plot_model_set_y_title (model, "Cross-entropy");
  g_assert_cmpstr (fl_plot_model_get_y_axis_title (model), ==, "Cross-entropy");

  epoch = fl_plot_readout_format_x (model, 2.0);
  fraction = fl_plot_readout_format_x (model, 2.5);
  loss = fl_plot_readout_format_value (model, 0.41);
  g_assert_cmpstr (epoch, ==, "Epoch 2");
  g_assert_cmpstr (fraction, ==, "Epoch 2.50");
  g_assert_cmpstr (loss, ==, "0.4100");
  g_assert_cmpstr (fl_plot_model_get_x_axis_title (model), ==, "Epoch");

  fl_plot_model_set_x_scale (model, 640);
  samples = fl_plot_readout_format_x (model, 2.0);
  g_assert_cmpstr (samples, ==, "1280 samples");
  g_assert_cmpstr (fl_plot_model_get_x_axis_title (model), ==, "Samples seen");
  fl_plot_model_set_x_scale (model, 0.5);   /* less than a sample: epochs */
  g_assert_cmpfloat (fl_plot_model_get_x_scale (model), ==, 1.0);

  fl_plot_model_set_percent (model, TRUE);
  percent = fl_plot_readout_format_value (model, 0.625);
  g_assert_cmpstr (percent, ==, "62.5%");
}

static void
test_changed (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  guint changed = 0, notified = 0, serial;
  guint s;

  g_signal_connect (model, "changed", G_CALLBACK (count_cb), &changed);
  g_signal_connect (model, "notify::title", G_CALLBACK (notify_cb), &notified);

  s = fl_plot_model_add_series (model, "Train", "#0072B2", FL_PLOT_STYLE_LINE);
  g_assert_cmpuint (changed, ==, 1);
  serial = fl_plot_model_get_serial (model);
  fl_plot_model_append (model, s, 1, 0.5);
  g_assert_cmpuint (changed, ==, 2);
  g_assert_cmpuint (fl_plot_model_get_serial (model), !=, serial);
  fl_plot_model_append (model, s, 2, NAN);       /* dropped: no change */
  g_assert_cmpuint (changed, ==, 2);

  fl_plot_model_set_title (model, "Loss");
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  fl_plot_model_set_title (model, "Loss");       /* the same: nothing */
  g_assert_cmpuint (changed, ==, 3);
  g_assert_cmpuint (notified, ==, 1);
  g_object_set (model, "title", "Accuracy", NULL);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpstr (fl_plot_model_get_title (model), ==, "Accuracy");

  fl_plot_model_set_series_active (model, s, TRUE);   /* it is: nothing */
  g_assert_cmpuint (changed, ==, 4);
  fl_plot_model_set_series_active (model, s, FALSE);
  fl_plot_model_set_series_visible (model, s, FALSE);
  fl_plot_model_set_x_max (model, 0.5);          /* at least 1 */
  g_assert_cmpfloat (fl_plot_model_get_x_max (model), ==, 1.0);
  fl_plot_model_set_log_scale (model, TRUE);
  fl_plot_model_set_x_scale (model, 100);
  g_assert_cmpuint (changed, ==, 9);

  /* the points of a hidden series change nothing drawn: no ::changed */
  fl_plot_model_append (model, s, 3, 0.25);
  fl_plot_model_clear_series (model, s);
  fl_plot_model_append (model, s, 4, 0.125);
  g_assert_cmpuint (changed, ==, 9);
  g_assert_cmpuint (fl_plot_model_get_n_points (model, s), ==, 1);
  fl_plot_model_set_series_visible (model, s, TRUE);    /* shown: drawn again */
  g_assert_cmpuint (changed, ==, 10);
  fl_plot_model_append (model, s, 5, 0.0625);
  g_assert_cmpuint (changed, ==, 11);
}

/* Whether two entries share any pixel. */
static gboolean
overlap (const graphene_rect_t *a,
         const graphene_rect_t *b)
{
  return a->origin.x < b->origin.x + b->size.width && b->origin.x < a->origin.x + a->size.width &&
         a->origin.y < b->origin.y + b->size.height && b->origin.y < a->origin.y + a->size.height;
}

/* The legend of lay: its entries apart, inside the width and above the
 * plot, and each one found at its centre. */
static void
assert_legend_apart (const FlPlotLayout *lay)
{
  for (guint k = 0; k < lay->legend->len; k++)
    {
      const FlPlotLegendEntry *e = &g_array_index (lay->legend, FlPlotLegendEntry, k);
      graphene_point_t centre;

      g_assert_cmpfloat (e->rect.size.width, >, FL_PLOT_SWATCH);
      g_assert_cmpfloat (e->rect.size.height, >, 5.0);
      g_assert_cmpfloat (e->rect.origin.x, >=, 0.0);
      g_assert_cmpfloat (e->rect.origin.x + e->rect.size.width, <=, lay->width);
      g_assert_cmpfloat (e->rect.origin.y + e->rect.size.height, <=, lay->top);
      graphene_rect_get_center (&e->rect, &centre);
      g_assert_cmpint (fl_plot_layout_legend_at (lay, centre.x, centre.y), ==, e->series);
      g_assert_true (fl_plot_layout_legend_entry (lay, e->series) == e);
      for (guint m = k + 1; m < lay->legend->len; m++)
        g_assert_false (overlap (&e->rect, &g_array_index (lay->legend, FlPlotLegendEntry, m).rect));
    }
}

static void
test_layout_legend (void)
{
  g_autoptr(FlPlotModel) model = new_training_model ();
  g_autoptr(FlPlotLayout) wide = NULL;
  g_autoptr(FlPlotLayout) narrow = NULL;
  g_autoptr(FlPlotLayout) exported = NULL;
  const FlPlotLegendEntry *first, *last;

  fl_plot_model_set_title (model, "Loss");
  wide = fl_plot_layout_new (model, context, 1.0, 900, 400, TRUE);
  g_assert_cmpuint (wide->legend->len, ==, 4);
  assert_legend_apart (wide);
  /* on the title's row, in series order */
  first = fl_plot_layout_legend_entry (wide, 0);
  last = fl_plot_layout_legend_entry (wide, 3);
  g_assert_cmpfloat (first->rect.origin.y, ==, last->rect.origin.y);
  g_assert_cmpfloat (first->rect.origin.x, <, last->rect.origin.x);
  g_assert_cmpint (fl_plot_layout_legend_at (wide, -5, -5), ==, -1);
  g_assert_cmpint (fl_plot_layout_legend_at (wide, (wide->left + wide->right) / 2,
                                             (wide->top + wide->bottom) / 2), ==, -1);

  /* too narrow for one row: under the title, over several */
  narrow = fl_plot_layout_new (model, context, 1.0, 260, 400, TRUE);
  g_assert_cmpuint (narrow->legend->len, ==, 4);
  assert_legend_apart (narrow);
  first = fl_plot_layout_legend_entry (narrow, 0);
  last = fl_plot_layout_legend_entry (narrow, 3);
  g_assert_cmpfloat (last->rect.origin.y, >, first->rect.origin.y);
  g_assert_cmpfloat (narrow->header_h, >, wide->header_h);

  /* switched off: on screen, still there; in an export, gone; hidden:
   * gone from both */
  fl_plot_model_set_series_active (model, 2, FALSE);
  fl_plot_model_set_series_visible (model, 3, FALSE);
  g_clear_pointer (&wide, fl_plot_layout_free);
  wide = fl_plot_layout_new (model, context, 1.0, 900, 400, TRUE);
  exported = fl_plot_layout_new (model, context, 1.0, 900, 400, FALSE);
  g_assert_nonnull (fl_plot_layout_legend_entry (wide, 2));
  g_assert_null (fl_plot_layout_legend_entry (wide, 3));
  g_assert_null (fl_plot_layout_legend_entry (exported, 2));
  g_assert_null (fl_plot_layout_legend_entry (exported, 3));
  g_assert_cmpuint (exported->legend->len, ==, 2);
  assert_legend_apart (wide);
  assert_legend_apart (exported);
}

/* The ticks of an axis: one per step over the range, in order. */
static void
test_layout_ticks (void)
{
  g_autoptr(FlPlotModel) model = new_training_model ();
  g_autoptr(FlPlotLayout) lay = NULL;
  g_autoptr(FlPlotLayout) pct = NULL;
  guint n_y;

  lay = fl_plot_layout_new (model, context, 1.0, 640, 400, TRUE);
  g_assert_cmpfloat (lay->left, >, FL_PLOT_PAD);
  g_assert_cmpfloat (lay->right, <, 640);
  g_assert_cmpfloat (lay->top, <, lay->bottom);
  g_assert_cmpfloat (lay->bottom, <, 400);
  g_assert_cmpfloat (lay->x1, ==, 10.0);          /* x-max */
  n_y = (guint) round ((lay->y1 - lay->y0) / lay->ystep) + 1;
  g_assert_cmpuint (lay->y_ticks->len, ==, n_y);
  for (guint k = 1; k < lay->y_ticks->len; k++)
    {
      const FlPlotTick *t = &g_array_index (lay->y_ticks, FlPlotTick, k);

      g_assert_cmpfloat (t->px, <, g_array_index (lay->y_ticks, FlPlotTick, k - 1).px);
      g_assert_nonnull (t->label);
    }
  /* the data fit: no point is off the y range */
  g_assert_cmpfloat (lay->y0, <=, 0.0);
  g_assert_cmpfloat (lay->y1, >=, 1.0);
  /* whole epochs from 0 to 10, evenly */
  g_assert_cmpuint (lay->x_ticks->len, >=, 3);
  g_assert_cmpfloat (g_array_index (lay->x_ticks, FlPlotTick, 0).value, ==, 0.0);
  g_assert_cmpfloat (g_array_index (lay->x_ticks, FlPlotTick, 0).px, ==, round (lay->left) + 0.5);
  g_assert_cmpfloat (g_array_index (lay->x_ticks, FlPlotTick, lay->x_ticks->len - 1).value, ==, 10.0);
  for (guint k = 1; k < lay->x_ticks->len; k++)
    {
      double step = g_array_index (lay->x_ticks, FlPlotTick, 1).value;

      g_assert_cmpfloat (step, ==, round (step));
      g_assert_cmpfloat (g_array_index (lay->x_ticks, FlPlotTick, k).value, ==, k * step);
    }
  g_assert_cmpuint (lay->colors->len, ==, 4);
  g_assert_cmpfloat_with_epsilon (g_array_index (lay->colors, GdkRGBA, 2).red, 0xD5 / 255.0, 1e-6);

  /* percent: 0 to 100 % by 20 % on 400 pixels */
  fl_plot_model_set_percent (model, TRUE);
  pct = fl_plot_layout_new (model, context, 1.0, 640, 400, TRUE);
  g_assert_cmpfloat (pct->y0, ==, 0.0);
  g_assert_cmpfloat (pct->y1, ==, 1.0);
  g_assert_cmpuint (pct->y_ticks->len, ==, 6);
  g_assert_cmpstr (pango_layout_get_text (g_array_index (pct->y_ticks, FlPlotTick, 5).label), ==, "100%");
}

static void
test_layout_cache (void)
{
  g_autoptr(FlPlotModel) model = new_training_model ();
  g_autoptr(PangoFontDescription) desc = pango_font_description_from_string ("Sans 20");
  PangoContext *own = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  FlPlotLayoutCache cache = { 0 };
  const FlPlotLayout *lay, *again;
  double header_h;

  lay = fl_plot_layout_cache_get (&cache, model, own, 1.0, 640, 400);
  again = fl_plot_layout_cache_get (&cache, model, own, 1.0, 640, 400);
  g_assert_true (lay == again);
  g_assert_cmpfloat (lay->width, ==, 640);

  /* another size */
  again = fl_plot_layout_cache_get (&cache, model, own, 1.0, 700, 400);
  g_assert_true (lay != again);
  g_assert_cmpfloat (again->width, ==, 700);
  lay = again;
  g_assert_true (fl_plot_layout_cache_get (&cache, model, own, 1.0, 700, 400) == lay);

  /* a point */
  fl_plot_model_append (model, 1, 4, 0.5);
  again = fl_plot_layout_cache_get (&cache, model, own, 1.0, 700, 400);
  g_assert_true (lay != again);
  lay = again;
  g_assert_true (fl_plot_layout_cache_get (&cache, model, own, 1.0, 700, 400) == lay);

  /* the font scale, then the context's font (the old layout is freed:
   * keep what is compared) */
  header_h = lay->header_h;
  again = fl_plot_layout_cache_get (&cache, model, own, 1.5, 700, 400);
  g_assert_true (lay != again);
  g_assert_cmpfloat (again->header_h, >, header_h);
  lay = again;
  pango_context_set_font_description (own, desc);
  again = fl_plot_layout_cache_get (&cache, model, own, 1.5, 700, 400);
  g_assert_true (lay != again);

  fl_plot_layout_cache_clear (&cache);
  g_assert_null (cache.layout);
  g_object_unref (own);
}

/* Pixels within 12 of (r, g, b) in a (h, w) image surface's data. */
static int
count_colour (cairo_surface_t *surface,
              int              r,
              int              g,
              int              b)
{
  const guint8 *px = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface), count = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < cairo_image_surface_get_height (surface); y++)
    for (int x = 0; x < cairo_image_surface_get_width (surface); x++)
      {
        const guint8 *p = px + y * stride + 4 * x;   /* BGRA on little-endian */

        if (abs (p[2] - r) <= 12 && abs (p[1] - g) <= 12 && abs (p[0] - b) <= 12)
          count++;
      }
  return count;
}

/* model drawn at 640 × 400 on white, as an export: the number of pixels of
 * the colour (r, g, b). */
static int
count_drawn (FlPlotModel  *model,
             gboolean      readout,
             int           r,
             int           g,
             int           b)
{
  static const GdkRGBA black = { 0.1, 0.1, 0.12, 1.0 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 400);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(FlPlotLayout) lay = fl_plot_layout_new (model, context, 1.0, 640, 400, FALSE);
  int count;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  fl_plot_renderer_draw (cr, model, lay, &black);
  if (readout)
    fl_plot_renderer_draw_readout (cr, model, lay, 2.0, &black);
  cairo_destroy (cr);
  count = count_colour (surface, r, g, b);
  cairo_surface_destroy (surface);
  return count;
}

static void
test_renderer (void)
{
  g_autoptr(FlPlotModel) model = new_training_model ();
  int vermillion, with_readout;

  vermillion = count_drawn (model, FALSE, 0xD5, 0x5E, 0x00);
  g_test_message ("%d vermillion pixels", vermillion);
  g_assert_cmpint (vermillion, >, 50);
  g_assert_cmpint (count_drawn (model, FALSE, 0x00, 0x72, 0xB2), >, 50);
  /* the readout highlights the markers and repeats the swatches */
  with_readout = count_drawn (model, TRUE, 0xD5, 0x5E, 0x00);
  g_assert_cmpint (with_readout, >, vermillion);

  fl_plot_model_set_series_active (model, 2, FALSE);
  g_assert_cmpint (count_drawn (model, TRUE, 0xD5, 0x5E, 0x00), ==, 0);
  g_assert_cmpint (count_drawn (model, TRUE, 0x00, 0x72, 0xB2), >, 50);
}

/* Markup in a label is text: escaped in the box, as it is in the line. */
static void
test_readout_escapes (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  g_autoptr(GArray) readings = NULL;
  g_autofree char *line = NULL;
  g_autofree char *markup = NULL;

  fl_plot_model_set_percent (model, TRUE);
  fl_plot_model_add_series (model, "Text & <image>", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_model_append (model, 0, 3, 0.5);
  readings = fl_plot_readout_read (model, 3);
  line = fl_plot_readout_describe (model, 3);
  markup = fl_plot_readout_markup (model, 3, readings);
  g_assert_cmpstr (line, ==, "Epoch 3 · Text & <image> 50.0%");
  g_assert_cmpstr (markup, ==, "<b>Epoch 3</b>\nText &amp; &lt;image&gt;  <b>50.0%</b>");
}

/* Exports without a display: a PNG with the curves in it, an SVG, and a
 * refusal for another extension. */
static void
test_export (void)
{
  g_autoptr(FlPlotModel) model = new_training_model ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fusionlab-plot-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "plot.png", NULL);
  g_autofree char *svg = g_build_filename (dir, "plot.SVG", NULL);
  g_autofree char *txt = g_build_filename (dir, "plot.txt", NULL);
  g_autofree char *contents = NULL;
  cairo_surface_t *surface;

  g_assert_no_error (error);
  g_assert_true (fl_plot_renderer_export (model, context, 1.0, png, 900, 500, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 900);
  g_assert_cmpint (count_colour (surface, 0xD5, 0x5E, 0x00), >, 50);
  cairo_surface_destroy (surface);

  g_assert_true (fl_plot_renderer_export (model, context, 1.0, svg, 640, 400, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &contents, NULL, &error));
  g_assert_true (g_str_has_prefix (contents, "<?xml"));
  g_assert_nonnull (strstr (contents, "<svg"));

  g_assert_false (fl_plot_renderer_export (model, context, 1.0, txt, 640, 400, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (g_file_test (txt, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_unlink (png), ==, 0);
  g_assert_cmpint (g_unlink (svg), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A band per point: stored in order, dropped with its points, kept in step
 * with points appended, set for a whole series at once, and removed by a
 * value that is not finite. */
static void
test_bands (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  const FlPlotPoint points[] = { { 1, 0.5 }, { 2, NAN }, { 3, 0.7 }, { 4, 0.8 } };
  const FlPlotBand bands[] = { { 0.4, 0.6 }, { 0.1, 0.9 }, { NAN, NAN }, { 0.85, 0.75 } };
  guint a, changes = 0;
  double lo, hi;

  a = fl_plot_model_add_series (model, "concat", "#0072B2", FL_PLOT_STYLE_LINE);
  g_signal_connect (model, "changed", G_CALLBACK (count_cb), &changes);
  fl_plot_model_append (model, a, 1, 0.5);
  fl_plot_model_append (model, a, 2, 0.6);
  g_assert_null (fl_plot_model_get_bands (model, a));
  g_assert_false (fl_plot_model_get_band (model, a, 0, &lo, &hi));
  fl_plot_model_set_band (model, a, 1, 0.65, 0.55);   /* either order */
  g_assert_true (fl_plot_model_get_band (model, a, 1, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0.55);
  g_assert_cmpfloat (hi, ==, 0.65);
  g_assert_false (fl_plot_model_get_band (model, a, 0, &lo, &hi));
  g_assert_true (isnan (fl_plot_model_get_bands (model, a)[0].lo));
  fl_plot_model_append (model, a, 3, 0.7);
  g_assert_false (fl_plot_model_get_band (model, a, 2, &lo, &hi));
  fl_plot_model_set_band (model, a, 1, NAN, 0.6);
  g_assert_false (fl_plot_model_get_band (model, a, 1, &lo, &hi));
  g_assert_cmpuint (changes, ==, 5);

  /* a whole series at once, with one ::changed; the NaN point is dropped */
  changes = 0;
  fl_plot_model_set_points (model, a, points, bands, G_N_ELEMENTS (points));
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (fl_plot_model_get_n_points (model, a), ==, 3);
  g_assert_true (fl_plot_model_get_band (model, a, 0, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0.4);
  g_assert_cmpfloat (hi, ==, 0.6);
  g_assert_false (fl_plot_model_get_band (model, a, 1, &lo, &hi));
  g_assert_true (fl_plot_model_get_band (model, a, 2, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 0.75);
  g_assert_cmpfloat (hi, ==, 0.85);
  fl_plot_model_set_points (model, a, points, NULL, 1);
  g_assert_null (fl_plot_model_get_bands (model, a));
  fl_plot_model_set_points (model, a, points, bands, 1);
  fl_plot_model_clear_series (model, a);
  g_assert_null (fl_plot_model_get_bands (model, a));

  fl_plot_model_set_band_note (model, "Mean ± sd across folds");
  g_assert_cmpstr (fl_plot_model_get_band_note (model), ==, "Mean ± sd across folds");
}

/* The y range takes in the bands of the series drawn, and only theirs (a
 * linear axis starts at 0 anyway: the log scale shows the low end). */
static void
test_band_range (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  const FlPlotPoint points[] = { { 1, 1.0 }, { 2, 1.1 }, { 3, 1.2 } };
  const FlPlotBand bands[] = { { 0.9, 1.1 }, { 0.2, 3.0 }, { 1.1, 1.3 } };
  FlPlotLayout *lay;
  guint a, b;

  a = fl_plot_model_add_series (model, "concat", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_model_set_points (model, a, points, bands, 3);
  lay = fl_plot_layout_new (model, context, 1.0, 640, 400, FALSE);
  g_assert_cmpfloat (lay->y0, <=, 0.2);
  g_assert_cmpfloat (lay->y1, >=, 3.0);
  fl_plot_layout_free (lay);

  /* on a log scale too */
  fl_plot_model_set_log_scale (model, TRUE);
  lay = fl_plot_layout_new (model, context, 1.0, 640, 400, FALSE);
  g_assert_cmpfloat (lay->y0, <=, log10 (0.2));
  g_assert_cmpfloat (lay->y1, >=, log10 (3.0));
  fl_plot_layout_free (lay);
  fl_plot_model_set_log_scale (model, FALSE);

  /* a switched-off or hidden series' band leaves the range */
  b = fl_plot_model_add_series (model, "text", "#D55E00", FL_PLOT_STYLE_LINE);
  fl_plot_model_append (model, b, 1, 1.05);
  fl_plot_model_set_series_active (model, a, FALSE);
  lay = fl_plot_layout_new (model, context, 1.0, 640, 400, FALSE);
  g_assert_cmpfloat (lay->y1, <, 3.0);
  fl_plot_layout_free (lay);
  fl_plot_model_set_series_active (model, a, TRUE);
  fl_plot_model_set_series_visible (model, a, FALSE);
  lay = fl_plot_layout_new (model, context, 1.0, 640, 400, FALSE);
  g_assert_cmpfloat (lay->y1, <, 3.0);
  fl_plot_layout_free (lay);
}

/* The readout says a band as ± half its width (or its ends, when it is not
 * even), then the band note. */
static void
test_band_readout (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  g_autoptr(GArray) readings = NULL;
  g_autofree char *line = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *uneven = NULL;

  fl_plot_model_set_percent (model, TRUE);
  fl_plot_model_add_series (model, "concat", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_model_add_series (model, "text", "#D55E00", FL_PLOT_STYLE_LINE);
  fl_plot_model_append (model, 0, 2, 0.81);
  fl_plot_model_set_band (model, 0, 0, 0.78, 0.84);
  fl_plot_model_append (model, 1, 2, 0.5);
  fl_plot_model_set_band_note (model, "Mean ± sd across folds");
  readings = fl_plot_readout_read (model, 2);
  g_assert_cmpuint (readings->len, ==, 2);
  g_assert_cmpfloat_with_epsilon (g_array_index (readings, FlPlotReading, 0).lo, 0.78, 1e-12);
  g_assert_true (isnan (g_array_index (readings, FlPlotReading, 1).lo));
  line = fl_plot_readout_describe (model, 2);
  g_assert_cmpstr (line, ==, "Epoch 2 · concat 81.0% ± 3.0% · text 50.0% · Mean ± sd across folds");
  markup = fl_plot_readout_markup (model, 2, readings);
  g_assert_cmpstr (markup, ==, "<b>Epoch 2</b>\nconcat  <b>81.0% ± 3.0%</b>\ntext  <b>50.0%</b>\n"
                               "<i>Mean ± sd across folds</i>");

  fl_plot_model_set_percent (model, FALSE);
  fl_plot_model_set_series_active (model, 1, FALSE);
  plain = fl_plot_readout_describe (model, 2);
  g_assert_cmpstr (plain, ==, "Epoch 2 · concat 0.8100 ± 0.0300 · Mean ± sd across folds");
  fl_plot_model_set_band (model, 0, 0, 0.80, 0.90);
  uneven = fl_plot_readout_describe (model, 2);
  g_assert_cmpstr (uneven, ==, "Epoch 2 · concat 0.8100 (0.8000–0.9000) · Mean ± sd across folds");

  /* no band at x: no note */
  fl_plot_model_set_band (model, 0, 0, NAN, NAN);
  g_clear_pointer (&plain, g_free);
  plain = fl_plot_readout_describe (model, 2);
  g_assert_cmpstr (plain, ==, "Epoch 2 · concat 0.8100");
}

/* The colour of the pixel at (x, y) of an image surface. */
static void
pixel_at (cairo_surface_t *surface,
          double           x,
          double           y,
          int             *rgb)
{
  const guint8 *p;

  cairo_surface_flush (surface);
  p = cairo_image_surface_get_data (surface) + (int) y * cairo_image_surface_get_stride (surface) + 4 * (int) x;
  rgb[0] = p[2];
  rgb[1] = p[1];
  rgb[2] = p[0];
}

static void
assert_pixel (cairo_surface_t *surface,
              double           x,
              double           y,
              const int       *want)
{
  int rgb[3];

  pixel_at (surface, x, y, rgb);
  g_test_message ("(%.0f, %.0f): %d %d %d, want %d %d %d", x, y, rgb[0], rgb[1], rgb[2], want[0], want[1], want[2]);
  for (int c = 0; c < 3; c++)
    g_assert_cmpint (abs (rgb[c] - want[c]), <=, 6);
}

/* A banded series exported to PNG: between lo and hi, the series' colour
 * at the band's low alpha over the white page; outside, the page; the
 * line on top in its own colour. Switched off, no band. */
static void
test_band_export (void)
{
  g_autoptr(FlPlotModel) model = fl_plot_model_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fusionlab-plot-XXXXXX", &error);
  g_autofree char *png = g_build_filename (dir, "bands.png", NULL);
  const int white[3] = { 255, 255, 255 }, line[3] = { 0xD5, 0x5E, 0x00 };
  /* vermillion at alpha 0.18 over white */
  const int band[3] = { 255 - (int) (0.18 * (255 - 0xD5)), 255 - (int) (0.18 * (255 - 0x5E)), 255 - (int) (0.18 * 255) };
  g_autoptr(FlPlotLayout) lay = NULL;
  cairo_surface_t *surface;
  guint a, b;

  g_assert_no_error (error);
  a = fl_plot_model_add_series (model, "concat", "#D55E00", FL_PLOT_STYLE_LINE);
  for (int e = 1; e <= 5; e++)
    {
      fl_plot_model_append (model, a, e, 0.5);
      fl_plot_model_set_band (model, a, e - 1, 0.3, 0.7);
    }
  /* 800 wide: the export lays out at 1:1, as lay is here */
  g_assert_true (fl_plot_renderer_export (model, context, 1.0, png, 800, 500, &error));
  g_assert_no_error (error);
  lay = fl_plot_layout_new (model, context, 1.0, 800, 500, FALSE);
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  for (double x = 1.5; x <= 4.5; x += 1.0)
    {
      double px = fl_plot_layout_x_to_px (lay, x);

      assert_pixel (surface, px, fl_plot_layout_y_to_px (lay, 0.62), band);
      assert_pixel (surface, px, fl_plot_layout_y_to_px (lay, 0.38), band);
      assert_pixel (surface, px, fl_plot_layout_y_to_px (lay, 0.5), line);
      assert_pixel (surface, px, fl_plot_layout_y_to_px (lay, 0.75), white);
      assert_pixel (surface, px, fl_plot_layout_y_to_px (lay, 0.25), white);
    }
  g_assert_cmpint (count_colour (surface, band[0], band[1], band[2]), >, 10000);
  cairo_surface_destroy (surface);

  fl_plot_model_set_series_active (model, a, FALSE);
  b = fl_plot_model_add_series (model, "text", "#0072B2", FL_PLOT_STYLE_LINE);
  fl_plot_model_append (model, b, 1, 0.5);
  g_assert_cmpint (count_drawn (model, FALSE, band[0], band[1], band[2]), ==, 0);

  g_assert_cmpint (g_unlink (png), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* Pixels of a fusion's diagram over branches (0: image and text), at the
 * height it wants, close to colour c (any alpha over white), in columns
 * x0 … x1 from row y0 down. */
static int
diagram_branch_pixels (FlFusion       fusion,
                       guint          branches,
                       const GdkRGBA *c,
                       int            x0,
                       int            x1,
                       int            y0)
{
  const int H = fl_fusion_diagram_height (branches);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 320, H);
  cairo_t *cr = cairo_create (surface);
  GdkRGBA fg = { 0.2, 0.2, 0.2, 1.0 };
  const guint8 *px;
  int n = 0, stride;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  fl_fusion_diagram_draw (cr, context, fusion, branches, 8, 320, H, &fg);
  cairo_surface_flush (surface);
  px = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = y0; y < H; y++)
    for (int x = x0; x < x1; x++)
      {
        const guint8 *p = px + y * stride + 4 * x;   /* B, G, R */

        n += fabs (p[2] / 255.0 - c->red) < 0.08 && fabs (p[1] / 255.0 - c->green) < 0.08 &&
             fabs (p[0] / 255.0 - c->blue) < 0.08;
      }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return n;
}

static int
diagram_pixels_in (FlFusion       fusion,
                   const GdkRGBA *c,
                   int            x0,
                   int            x1,
                   int            y0)
{
  return diagram_branch_pixels (fusion, 0, c, x0, x1, y0);
}

static int
diagram_pixels (FlFusion       fusion,
                const GdkRGBA *c)
{
  return diagram_pixels_in (fusion, c, 0, 320, 0);
}

/* Every route draws; a baseline draws the branch it ignores faintly, so
 * fewer of its pixels are that branch's full colour; late draws two heads. */
static void
test_fusion_diagrams (void)
{
  GdkRGBA words, ink = { 0.2, 0.2, 0.2, 1.0 };
  FlFusion order[FL_N_FUSIONS];
  guint n = fl_fusions_possible (FL_BRANCHES_IMAGE_TEXT, order);

  fl_color_rgba (FL_COLOR_BLUE, &words);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (diagram_pixels (order[i], &ink), >, 50);
  g_assert_cmpint (diagram_pixels (FL_FUSION_IMAGE, &words), <, diagram_pixels (FL_FUSION_CONCAT, &words) / 2);
  /* below the middle, where only late has a box: its second head */
  g_assert_cmpint (diagram_pixels_in (FL_FUSION_LATE, &ink, 130, 200, 44), >, 20);
  g_assert_cmpint (diagram_pixels_in (FL_FUSION_CONCAT, &ink, 130, 200, 44), ==, 0);
}

/* FUSIONLAB_SHOTS=DIR: every route's diagram over picture, words and
 * sound, one under another, to look at (diagrams-three.png). */
static void
save_diagrams (guint branches)
{
  const char *shots = g_getenv ("FUSIONLAB_SHOTS");
  const int H = fl_fusion_diagram_height (branches);
  FlFusion order[FL_N_FUSIONS];
  guint n = fl_fusions_possible (branches, order);
  g_autofree char *path = shots != NULL ? g_build_filename (shots, "diagrams-three.png", NULL) : NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  GdkRGBA fg = { 0.2, 0.2, 0.2, 1.0 };

  if (path == NULL)
    return;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 320, H * n);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (guint i = 0; i < n; i++)
    {
      cairo_save (cr);
      cairo_translate (cr, 0, i * H);
      fl_fusion_diagram_draw (cr, context, order[i], branches, 8, 320, H, &fg);
      cairo_restore (cr);
    }
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* Over picture, words and sound: a box per branch in its colour (the
 * sound's green only where there is sound), taller than two; late draws
 * a head in each of the three rows; the sound baseline draws the picture
 * faintly and the sound fully. */
static void
test_fusion_diagram_branches (void)
{
  const guint three = FL_BRANCHES_IMAGE_TEXT | FL_BRANCH_BIT (FL_BRANCH_AUDIO);
  const int H = fl_fusion_diagram_height (three);
  GdkRGBA picture, sound, ink = { 0.2, 0.2, 0.2, 1.0 };

  fl_color_rgba (fl_branch_color (FL_BRANCH_IMAGE), &picture);
  fl_color_rgba (fl_branch_color (FL_BRANCH_AUDIO), &sound);
  g_assert_cmpint (H, >, fl_fusion_diagram_height (FL_BRANCHES_IMAGE_TEXT));
  g_assert_cmpint (fl_fusion_diagram_height (FL_BRANCHES_ALL), >, H);
  g_assert_cmpint (diagram_branch_pixels (FL_FUSION_CONCAT, three, &sound, 0, 320, 0), >, 20);
  g_assert_cmpint (diagram_branch_pixels (FL_FUSION_CONCAT, FL_BRANCHES_IMAGE_TEXT, &sound, 0, 320, 0), ==, 0);
  /* the heads' column, in the top, middle and bottom thirds */
  for (int third = 0; third < 3; third++)
    g_assert_cmpint (diagram_branch_pixels (FL_FUSION_LATE, three, &ink, 130, 200, third * H / 3) -
                     (third < 2 ? diagram_branch_pixels (FL_FUSION_LATE, three, &ink, 130, 200, (third + 1) * H / 3)
                                : 0), >, 20);
  g_assert_cmpint (diagram_branch_pixels (FL_FUSION_AUDIO, three, &picture, 0, 320, 0), <,
                   diagram_branch_pixels (FL_FUSION_CONCAT, three, &picture, 0, 320, 0) / 2);
  g_assert_cmpint (diagram_branch_pixels (FL_FUSION_AUDIO, three, &sound, 0, 320, 0), ==,
                   diagram_branch_pixels (FL_FUSION_CONCAT, three, &sound, 0, 320, 0));
  save_diagrams (three);
}

/* What the Why page says a run leans on, from its drops in points: the
 * picture and the words as before; over three, one far ahead, all alike,
 * or the two first; a baseline reads only its own. */
static void
test_reliance_sentences (void)
{
  const guint three = FL_BRANCHES_IMAGE_TEXT | FL_BRANCH_BIT (FL_BRANCH_AUDIO);
  const struct {
    FlFusion    fusion;
    guint       branches;
    double      drop[FL_N_BRANCHES];
    const char *want;
  } cases[] = {
    { FL_FUSION_CONCAT, FL_BRANCHES_IMAGE_TEXT, { 30, 5 },
      "This model leans on the pictures: without them it loses 30.0 points, without the words it loses 5.0 points." },
    { FL_FUSION_GATED, three, { 50, 49, 50 },
      "This model leans on all three: without the picture it loses 50.0 points, without the sound it loses 50.0 "
      "points, without the words it loses 49.0 points." },
    { FL_FUSION_CONCAT, three, { 4, 1, 30 },
      "This model leans most on the sound: without the sound it loses 30.0 points, without the picture it loses "
      "4.0 points, without the words it loses 1.0 point." },
    { FL_FUSION_LATE, three, { 20, 0.5, 15 },
      "This model leans most on the picture and the sound: without the picture it loses 20.0 points, without the "
      "sound it loses 15.0 points, without the words it loses 0.5 points." },
    { FL_FUSION_MEAN, three, { 0.2, -0.4, 0.5 },
      "This model hardly needs any one of its modalities: without the sound it loses 0.5 points, without the "
      "picture it loses 0.2 points, without the words it gains 0.4 points." },
    { FL_FUSION_AUDIO, three, { 0, 0, 25 },
      "This model reads only the sound: without it, it loses 25.0 points; the other modalities cost it nothing." },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autofree char *said = fl_reliance_sentence (cases[k].fusion, cases[k].branches, cases[k].drop);

      g_assert_cmpstr (said, ==, cases[k].want);
    }
}

/* The lowrank diagram's picture at rank, as bytes (free with g_free()). */
static guint8 *
diagram_bytes (FlFusion fusion, int rank, gsize *len)
{
  const int H = fl_fusion_diagram_height (FL_BRANCHES_IMAGE_TEXT);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 320, H);
  cairo_t *cr = cairo_create (surface);
  GdkRGBA fg = { 0.2, 0.2, 0.2, 1.0 };
  guint8 *out;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  fl_fusion_diagram_draw (cr, context, fusion, FL_BRANCHES_IMAGE_TEXT, rank, 320, H, &fg);
  cairo_surface_flush (surface);
  *len = (gsize) cairo_image_surface_get_stride (surface) * H;
  out = g_memdup2 (cairo_image_surface_get_data (surface), *len);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return out;
}

/* The lowrank diagram says the rank set (its middle box), the others do
 * not change with it. */
static void
test_fusion_diagram_rank (void)
{
  gsize n8, n3, c8, c3;
  g_autofree guint8 *lr8 = diagram_bytes (FL_FUSION_LOWRANK, 8, &n8);
  g_autofree guint8 *lr3 = diagram_bytes (FL_FUSION_LOWRANK, 3, &n3);
  g_autofree guint8 *cat8 = diagram_bytes (FL_FUSION_CONCAT, 8, &c8);
  g_autofree guint8 *cat3 = diagram_bytes (FL_FUSION_CONCAT, 3, &c3);

  g_assert_cmpuint (n8, ==, n3);
  g_assert_true (memcmp (lr8, lr3, n8) != 0);
  g_assert_cmpmem (cat8, c8, cat3, c3);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* nothing here may need a display: take it away */
  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  g_test_init (&argc, &argv, NULL);
  context = pango_font_map_create_context (pango_cairo_font_map_get_default ());

  g_test_add_func ("/plot-model/series", test_series);
  g_test_add_func ("/plot-model/smoothing", test_smoothing);
  g_test_add_func ("/plot-model/visibility", test_visibility);
  g_test_add_func ("/plot-model/text", test_text);
  g_test_add_func ("/plot-model/changed", test_changed);
  g_test_add_func ("/plot-readout/escapes", test_readout_escapes);
  g_test_add_func ("/plot-layout/legend", test_layout_legend);
  g_test_add_func ("/plot-layout/ticks", test_layout_ticks);
  g_test_add_func ("/plot-layout/cache", test_layout_cache);
  g_test_add_func ("/plot-renderer/draw", test_renderer);
  g_test_add_func ("/plot-renderer/export", test_export);
  g_test_add_func ("/plot-band/model", test_bands);
  g_test_add_func ("/plot-band/range", test_band_range);
  g_test_add_func ("/plot-band/readout", test_band_readout);
  g_test_add_func ("/plot-band/export", test_band_export);
  g_test_add_func ("/fusion-diagram/routes", test_fusion_diagrams);
  g_test_add_func ("/fusion-diagram/branches", test_fusion_diagram_branches);
  g_test_add_func ("/fusion-diagram/rank", test_fusion_diagram_rank);
  g_test_add_func ("/reliance/sentences", test_reliance_sentences);

  status = g_test_run ();
  g_object_unref (context);
  return status;
}
