/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-layout"

#include "fl-plot-layout.h"
#include "fl-ui-util.h"

#define PAD FL_PLOT_PAD
#define GAP FL_PLOT_GAP

/* The data's extent over the drawn series. */
typedef struct {
  double   ymin, ymax;
  double   xmax;
  gboolean have_y;
} Extent;

PangoLayout *
fl_plot_layout_text (const FlPlotLayout *lay,
                     const char         *markup)
{
  PangoLayout *text = pango_layout_new (lay->context);

  if (lay->font_scale != 1.0)
    {
      PangoFontDescription *desc = pango_font_description_copy (pango_context_get_font_description (lay->context));

      pango_font_description_set_size (desc, (int) (pango_font_description_get_size (desc) * lay->font_scale));
      pango_layout_set_font_description (text, desc);
      pango_font_description_free (desc);
    }
  if (markup != NULL)
    pango_layout_set_markup (text, markup, -1);
  return text;
}

/* markup_format with its one string argument escaped, laid out. */
static PangoLayout *
text_escaped (const FlPlotLayout *lay,
              const char         *markup_format,
              const char         *text)
{
  g_autofree char *markup = g_markup_printf_escaped (markup_format, text != NULL ? text : "");

  return fl_plot_layout_text (lay, markup);
}

/* A round step (1, 2 or 5 × 10^k) that cuts range into about n pieces. */
static double
nice_step (double range,
           double n)
{
  double raw, mag, norm;

  if (!(range > 0.0))
    return 1.0;
  raw = range / MAX (n, 1.0);
  mag = pow (10.0, floor (log10 (raw)));
  norm = raw / mag;
  if (norm <= 1.0)
    return mag;
  if (norm <= 2.0)
    return 2.0 * mag;
  if (norm <= 5.0)
    return 5.0 * mag;
  return 10.0 * mag;
}

static void
tick_clear (gpointer data)
{
  g_clear_object (&((FlPlotTick *) data)->label);
}

static void
legend_entry_clear (gpointer data)
{
  g_clear_object (&((FlPlotLegendEntry *) data)->label);
}

static GArray *
ticks_new (void)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (FlPlotTick));

  g_array_set_clear_func (ticks, tick_clear);
  return ticks;
}

/* Appends a tick at value labelled markup. */
static FlPlotTick *
ticks_add (const FlPlotLayout *lay,
           GArray             *ticks,
           double              value,
           const char         *markup)
{
  FlPlotTick t = { .value = value };

  t.label = fl_plot_layout_text (lay, markup);
  fl_layout_size (t.label, &t.label_w, &t.label_h);
  g_array_append_val (ticks, t);
  return &g_array_index (ticks, FlPlotTick, ticks->len - 1);
}

/* A series' legend label, struck through when the user has switched the
 * series off. */
static PangoLayout *
legend_label (const FlPlotLayout *lay,
              FlPlotModel        *model,
              guint               series)
{
  PangoLayout *label = fl_plot_layout_text (lay, NULL);

  pango_layout_set_text (label, fl_plot_model_get_label (model, series), -1);
  if (!fl_plot_model_get_series_active (model, series))
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_strikethrough_new (TRUE));
      pango_layout_set_attributes (label, attrs);
      pango_attr_list_unref (attrs);
    }
  return label;
}

/* The legend's entries, sized, not yet placed; returns their width on one
 * row. */
static double
legend_add_entries (FlPlotLayout *lay,
                    FlPlotModel  *model,
                    gboolean      with_inactive)
{
  double total = 0.0;

  for (guint i = 0; i < fl_plot_model_get_n_series (model); i++)
    {
      FlPlotLegendEntry e = { .series = i };
      double w, h;

      if (!fl_plot_model_get_series_visible (model, i) ||
          (!with_inactive && !fl_plot_model_get_series_active (model, i)) ||
          fl_plot_model_get_style (model, i) == FL_PLOT_STYLE_THIN)
        continue;
      e.label = legend_label (lay, model, i);
      fl_layout_size (e.label, &w, &h);
      graphene_rect_init (&e.rect, 0.0, 0.0, FL_PLOT_SWATCH + GAP + w, h);
      total += (lay->legend->len > 0 ? 16.0 : 0.0) + e.rect.size.width;
      g_array_append_val (lay->legend, e);
    }
  return total;
}

/* The legend sits on the title's row, flush right, when it fits there, or
 * else flows over as many rows as it needs below the title. Sets header_h,
 * the height of the title and legend rows. */
static void
legend_place (FlPlotLayout *lay,
              FlPlotModel  *model,
              gboolean      with_inactive)
{
  double title_w, title_h, total, x, y;
  gboolean below;
  int rows = 1;

  fl_layout_size (lay->title, &title_w, &title_h);
  total = legend_add_entries (lay, model, with_inactive);

  below = title_w + 24.0 + total > lay->width - 2 * PAD;
  x = below ? PAD : lay->width - PAD - total;
  y = PAD + (below ? title_h + GAP : 0.0);
  for (guint k = 0; k < lay->legend->len; k++)
    {
      FlPlotLegendEntry *e = &g_array_index (lay->legend, FlPlotLegendEntry, k);

      if (below && x > PAD && x + e->rect.size.width > lay->width - PAD)
        {
          x = PAD;
          y += title_h;
          rows++;
        }
      e->rect.origin.x = x;
      e->rect.origin.y = y;
      x += e->rect.size.width + 16.0;
    }
  lay->header_h = below ? (1 + rows) * title_h + GAP : title_h;
}

/* Widens ex to y; on a log scale, a value that is not positive is left
 * out (and FALSE returned). */
static gboolean
extent_add (Extent   *ex,
            double    y,
            gboolean  log_y)
{
  if (log_y && !(y > 0.0))
    return FALSE;
  if (log_y && !ex->have_y)
    ex->ymin = ex->ymax = y;
  ex->have_y = TRUE;
  ex->ymax = MAX (ex->ymax, y);
  ex->ymin = MIN (ex->ymin, y);
  return TRUE;
}

/* The data's extent: epoch markers and the smoothed line, not the raw
 * batch losses, whose early spikes would squash everything else, and the
 * bands around points. On a log scale, values that are not positive are
 * left out. */
static Extent
data_extent (FlPlotModel *model,
             gboolean     log_y)
{
  Extent ex = { 0 };

  for (guint i = 0; i < fl_plot_model_get_n_series (model); i++)
    {
      const double *smooth = fl_plot_model_get_smoothed (model, i);
      const FlPlotPoint *points;
      const FlPlotBand *bands;
      guint n;

      if (!fl_plot_model_series_drawn (model, i))
        continue;
      points = fl_plot_model_get_points (model, i, &n);
      bands = fl_plot_model_get_bands (model, i);
      for (guint j = 0; j < n; j++)
        {
          if (extent_add (&ex, smooth != NULL ? smooth[j] : points[j].y, log_y))
            ex.xmax = MAX (ex.xmax, points[j].x);
          if (bands != NULL && !isnan (bands[j].lo))
            {
              extent_add (&ex, bands[j].lo, log_y);
              extent_add (&ex, bands[j].hi, log_y);
            }
        }
    }
  return ex;
}

/* The y range and step for about approx_h pixels of plot; returns the
 * decimals the tick labels need. */
static int
y_range (FlPlotLayout *lay,
         FlPlotModel  *model,
         const Extent *ex,
         double        approx_h)
{
  double ymin = ex->ymin, ymax = ex->ymax;

  if (fl_plot_model_get_percent (model))
    {
      lay->y0 = 0.0;
      lay->y1 = 1.0;
      lay->ystep = approx_h >= 180 ? 0.2 : 0.25;
      if (approx_h < 100)
        lay->ystep = 0.5;
      return 0;
    }
  if (lay->log_y)
    {
      double l0 = ex->have_y ? log10 (ymin) : -1.0, l1 = ex->have_y ? log10 (ymax) : 0.0;

      if (!(l1 > l0 + 0.05))
        l1 = l0 + 0.3;
      lay->ystep = MAX (nice_step ((l1 - l0) * 1.05, MAX (approx_h / 45.0, 2.0)), 0.05);
      lay->y0 = floor (l0 / lay->ystep) * lay->ystep;
      lay->y1 = ceil (l1 / lay->ystep) * lay->ystep;
      return 0;
    }
  if (!(ymax > ymin))
    ymax = ymin + 1.0;
  lay->ystep = nice_step ((ymax - ymin) * 1.05, MAX (approx_h / 45.0, 2.0));
  lay->y0 = floor (ymin / lay->ystep) * lay->ystep;
  lay->y1 = ceil (ymax * 1.05 / lay->ystep) * lay->ystep;
  return (int) MAX (0.0, -floor (log10 (lay->ystep) + 1e-9));
}

static char *
format_tick (FlPlotLayout *lay,
             FlPlotModel  *model,
             double        v,
             int           decimals)
{
  if (lay->log_y)
    return g_strdup_printf ("<small>%.3g</small>", pow (10.0, v));
  if (fl_plot_model_get_percent (model))
    return g_strdup_printf ("<small>%.0f%%</small>", v * 100.0);
  return g_strdup_printf ("<small>%.*f</small>", decimals, fabs (v) < 1e-12 ? 0.0 : v);
}

/* The y ticks' labels; returns the widest's width. Their places come once
 * the plot area is known. */
static double
y_ticks_label (FlPlotLayout *lay,
               FlPlotModel  *model,
               int           decimals)
{
  double widest = 0.0;

  for (double v = lay->y0; v <= lay->y1 + lay->ystep * 1e-6; v += lay->ystep)
    {
      g_autofree char *markup = format_tick (lay, model, v, decimals);
      double w = ticks_add (lay, lay->y_ticks, v, markup)->label_w;

      widest = MAX (widest, w);
    }
  return widest;
}

/* The x ticks, in the axis's units: whole epochs, or round numbers of
 * samples, which need wider labels. Returns the labels' height. */
static double
x_ticks_place (FlPlotLayout *lay)
{
  double xstep, label_h = 0.0;

  if (lay->xscale == 1.0)
    xstep = MAX (1.0, round (nice_step (lay->x1 - lay->x0, MAX ((lay->right - lay->left) / 60.0, 1.0))));
  else
    xstep = nice_step ((lay->x1 - lay->x0) * lay->xscale, MAX ((lay->right - lay->left) / 90.0, 1.0));

  for (double v = lay->x0 * lay->xscale; v <= lay->x1 * lay->xscale * (1 + 1e-9); v += xstep)
    {
      g_autofree char *markup = g_strdup_printf ("<small>%.0f</small>", v);
      FlPlotTick *t = ticks_add (lay, lay->x_ticks, v, markup);

      t->px = round (fl_plot_layout_x_to_px (lay, v / lay->xscale)) + 0.5;
      label_h = t->label_h;
    }
  return label_h;
}

/* The axis titles, the placeholder and the series' colours. */
static void
add_titles (FlPlotLayout *lay,
            FlPlotModel  *model,
            double        tick_h)
{
  const char *placeholder = fl_plot_model_get_placeholder_text (model);
  double w;

  lay->x_title = text_escaped (lay, "<small>%s</small>", fl_plot_model_get_x_axis_title (model));
  fl_layout_size (lay->x_title, &w, NULL);
  lay->x_title_x = (lay->left + lay->right) / 2 - w / 2;
  lay->x_title_y = lay->bottom + GAP + tick_h + GAP / 2;

  lay->y_title = text_escaped (lay, "<small>%s</small>", fl_plot_model_get_y_axis_title (model));
  fl_layout_size (lay->y_title, &w, NULL);
  lay->y_title_x = PAD;
  lay->y_title_y = (lay->top + lay->bottom) / 2 + w / 2;

  if (placeholder != NULL && !fl_plot_model_has_points (model))
    {
      lay->placeholder = fl_plot_layout_text (lay, NULL);
      pango_layout_set_text (lay->placeholder, placeholder, -1);
    }

  g_array_set_size (lay->colors, fl_plot_model_get_n_series (model));
  for (guint i = 0; i < lay->colors->len; i++)
    if (!gdk_rgba_parse (&g_array_index (lay->colors, GdkRGBA, i), fl_plot_model_get_color (model, i)))
      g_array_index (lay->colors, GdkRGBA, i) = (GdkRGBA) { 0.0, 0.0, 0.0, 1.0 };
}

static FlPlotLayout *
layout_alloc (PangoContext *context,
              double        font_scale,
              double        width,
              double        height)
{
  FlPlotLayout *lay = g_new0 (FlPlotLayout, 1);

  lay->width = width;
  lay->height = height;
  lay->context = g_object_ref (context);
  lay->font_scale = font_scale;
  lay->x_ticks = ticks_new ();
  lay->y_ticks = ticks_new ();
  lay->legend = g_array_new (FALSE, FALSE, sizeof (FlPlotLegendEntry));
  g_array_set_clear_func (lay->legend, legend_entry_clear);
  lay->colors = g_array_new (FALSE, TRUE, sizeof (GdkRGBA));
  return lay;
}

FlPlotLayout *
fl_plot_layout_new (FlPlotModel  *model,
                    PangoContext *context,
                    double        font_scale,
                    double        width,
                    double        height,
                    gboolean      with_inactive)
{
  g_autoptr(PangoLayout) probe = NULL;
  FlPlotLayout *lay;
  double tick_h, widest, x_tick_h;
  Extent ex;
  int decimals;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (model), NULL);
  g_return_val_if_fail (PANGO_IS_CONTEXT (context), NULL);

  lay = layout_alloc (context, font_scale, width, height);
  probe = fl_plot_layout_text (lay, "<small>0.0</small>");
  fl_layout_size (probe, NULL, &tick_h);
  lay->title = text_escaped (lay, "<b>%s</b>", fl_plot_model_get_title (model));
  legend_place (lay, model, with_inactive);

  lay->log_y = fl_plot_model_get_log_scale (model) && !fl_plot_model_get_percent (model);
  ex = data_extent (model, lay->log_y);
  lay->x0 = 0.0;
  lay->x1 = MAX (MAX (fl_plot_model_get_x_max (model), ceil (ex.xmax - 1e-9)), 1.0);
  lay->xscale = fl_plot_model_get_x_scale (model);
  decimals = y_range (lay, model, &ex, height - 2 * PAD - lay->header_h - 3 * tick_h - 3 * GAP);
  widest = y_ticks_label (lay, model, decimals);

  /* left: rotated axis title, tick labels; bottom: tick labels, axis title */
  lay->left = PAD + tick_h + GAP + widest + GAP;
  lay->right = width - PAD - 8.0;
  lay->top = PAD + lay->header_h + 2 * GAP;
  lay->bottom = height - PAD - tick_h - GAP - tick_h - GAP;

  for (guint k = 0; k < lay->y_ticks->len; k++)
    {
      FlPlotTick *t = &g_array_index (lay->y_ticks, FlPlotTick, k);

      t->px = round (fl_plot_layout_axis_to_px (lay, t->value)) + 0.5;
    }
  x_tick_h = x_ticks_place (lay);
  add_titles (lay, model, x_tick_h);
  return lay;
}

void
fl_plot_layout_free (FlPlotLayout *lay)
{
  if (lay == NULL)
    return;
  g_array_unref (lay->x_ticks);
  g_array_unref (lay->y_ticks);
  g_array_unref (lay->legend);
  g_array_unref (lay->colors);
  g_clear_object (&lay->title);
  g_clear_object (&lay->x_title);
  g_clear_object (&lay->y_title);
  g_clear_object (&lay->placeholder);
  g_object_unref (lay->context);
  g_free (lay);
}

int
fl_plot_layout_legend_at (const FlPlotLayout *lay,
                          double              x,
                          double              y)
{
  g_return_val_if_fail (lay != NULL, -1);

  for (guint k = 0; k < lay->legend->len; k++)
    {
      const FlPlotLegendEntry *e = &g_array_index (lay->legend, FlPlotLegendEntry, k);

      if (graphene_rect_contains_point (&e->rect, &GRAPHENE_POINT_INIT (x, y)))
        return e->series;
    }
  return -1;
}

const FlPlotLegendEntry *
fl_plot_layout_legend_entry (const FlPlotLayout *lay,
                             guint               series)
{
  g_return_val_if_fail (lay != NULL, NULL);

  for (guint k = 0; k < lay->legend->len; k++)
    {
      const FlPlotLegendEntry *e = &g_array_index (lay->legend, FlPlotLegendEntry, k);

      if (e->series == series)
        return e;
    }
  return NULL;
}

const FlPlotLayout *
fl_plot_layout_cache_get (FlPlotLayoutCache *cache,
                          FlPlotModel       *model,
                          PangoContext      *context,
                          double             font_scale,
                          double             width,
                          double             height)
{
  FlPlotLayout *old = cache->layout;
  guint model_serial = fl_plot_model_get_serial (model);
  guint context_serial = pango_context_get_serial (context);

  if (old != NULL && cache->model == model && cache->model_serial == model_serial &&
      old->context == context && cache->context_serial == context_serial &&
      old->font_scale == font_scale && old->width == width && old->height == height)
    return old;

  /* made before the old one is freed, so that it has another address */
  cache->layout = fl_plot_layout_new (model, context, font_scale, width, height, TRUE);
  cache->model = model;
  cache->model_serial = model_serial;
  cache->context_serial = context_serial;
  fl_plot_layout_free (old);
  return cache->layout;
}

void
fl_plot_layout_cache_clear (FlPlotLayoutCache *cache)
{
  g_clear_pointer (&cache->layout, fl_plot_layout_free);
  cache->model = NULL;
}
