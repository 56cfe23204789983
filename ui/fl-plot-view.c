/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-view"

#include "fl-plot-view.h"
#include "fl-ui-util.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>

/* Smoothing of the per-batch series: an exponential moving average whose
 * time constant is a fixed fraction of an epoch, so it looks the same for 3
 * or 3000 batches per epoch. Each point is weighted by e^(-Δx/τ), and the
 * average is divided by the sum of the weights, which removes the pull
 * towards 0 a plain EMA has at its start. */
#define SMOOTH_TAU 0.25   /* the default */

#define PAD       12.0   /* around everything */
#define GAP        6.0   /* between a label and what it names */
#define MARKER     3.5   /* radius of a point marker */

typedef struct {
  double x, y;
} Point;

typedef struct {
  char       *label;
  GdkRGBA     color;
  FlPlotStyle style;
  GArray     *points;     /* of Point, x non-decreasing */
  GArray     *smooth;     /* SMOOTHED only: the moving average at each point */
  double      ema_num;
  double      ema_den;
  gboolean    hidden;     /* not in the current mode: left out everywhere */
  gboolean    active;     /* the user's choice, clicked in the legend */
} Series;

/* One entry of the legend: a swatch of the series' line, then its label. */
typedef struct {
  guint            series;
  PangoLayout     *label;
  graphene_rect_t  rect;             /* swatch, gap and label */
} LegendEntry;

/* Where things go for one allocation. */
typedef struct {
  double left, top, right, bottom;   /* the plot area, in widget pixels */
  double x0, x1, xstep;              /* data ranges and tick steps */
  double y0, y1, ystep;
  int    y_decimals;
  gboolean log_y;                    /* y0, y1, ystep are log10 of the values */
  double xscale;                     /* display x = epochs × xscale */
  double header_h;                   /* title (and legend) rows */
  GArray *legend;                    /* of LegendEntry, placed */
} Layout;

struct _FlPlotView {
  GtkWidget  parent_instance;

  GPtrArray *series;                 /* of Series* */
  char      *title;
  char      *placeholder_text;
  double     x_max;
  gboolean   percent;
  double     smooth_tau;             /* epochs; 0 = no smoothing */
  gboolean   log_scale;
  double     x_scale;                /* samples per epoch, or 1 for epochs */
  double     font_scale;

  gboolean   pointer_inside;
  double     pointer_x;
  double     pointer_y;
  int        legend_hover;           /* the series whose entry is under the pointer, or -1 */
  int        legend_pressed;         /* … under the pressed button, or -1 */
};

G_DEFINE_FINAL_TYPE (FlPlotView, fl_plot_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_PERCENT,
  PROP_X_MAX,
  PROP_PLACEHOLDER_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SERIES_TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A series is drawn when it belongs to the current mode and the user has
 * not switched it off in the legend. */
static inline gboolean
series_drawn (const Series *s)
{
  return !s->hidden && s->active;
}

static void
layout_clear (Layout *lay)
{
  g_clear_pointer (&lay->legend, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Layout, layout_clear)

/* The moving average at point j of s, from the one at j - 1. */
static void
smooth_push (FlPlotView *self,
             Series     *s,
             guint       j)
{
  const Point *p = &g_array_index (s->points, Point, j);
  double w = 0.0, avg;

  if (j > 0 && self->smooth_tau > 0.0)
    w = exp (-(p->x - g_array_index (s->points, Point, j - 1).x) / self->smooth_tau);
  s->ema_num = w * s->ema_num + p->y;
  s->ema_den = w * s->ema_den + 1.0;
  avg = s->ema_num / s->ema_den;
  g_array_append_val (s->smooth, avg);
}

/* Drops every point of s and its moving average. */
static void
series_clear (Series *s)
{
  g_array_set_size (s->points, 0);
  if (s->smooth != NULL)
    g_array_set_size (s->smooth, 0);
  s->ema_num = s->ema_den = 0.0;
}

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_array_unref (s->points);
  g_clear_pointer (&s->smooth, g_array_unref);
  g_free (s);
}

/* A round step (1, 2 or 5 × 10^k) that cuts range into about n pieces. */
static double
nice_step (double range, double n)
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

static PangoLayout *
make_layout (FlPlotView *self,
             const char *markup)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  if (self->font_scale != 1.0)
    {
      PangoFontDescription *desc =
        pango_font_description_copy (pango_context_get_font_description (pango_layout_get_context (layout)));

      pango_font_description_set_size (desc, (int) (pango_font_description_get_size (desc) * self->font_scale));
      pango_layout_set_font_description (layout, desc);
      pango_font_description_free (desc);
    }
  if (markup != NULL)
    pango_layout_set_markup (layout, markup, -1);
  return layout;
}

static void
layout_size (PangoLayout *layout,
             double      *w,
             double      *h)
{
  int pw, ph;

  pango_layout_get_pixel_size (layout, &pw, &ph);
  if (w != NULL)
    *w = pw;
  if (h != NULL)
    *h = ph;
}

static char *
format_tick (FlPlotView *self,
             double      v,
             int         decimals)
{
  if (self->log_scale && !self->percent)
    return g_strdup_printf ("<small>%.3g</small>", pow (10.0, v));
  if (self->percent)
    return g_strdup_printf ("<small>%.0f%%</small>", v * 100.0);
  return g_strdup_printf ("<small>%.*f</small>", decimals, fabs (v) < 1e-12 ? 0.0 : v);
}

static char *
format_value (FlPlotView *self,
              double      v)
{
  if (self->percent)
    return g_strdup_printf ("%.1f%%", v * 100.0);
  return g_strdup_printf ("%.4f", v);
}

static PangoLayout *
title_layout (FlPlotView *self)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b>", self->title ? self->title : "");

  return make_layout (self, markup);
}

/* A series' legend label, laid out, and its size; struck through when the
 * user has switched the series off. */
static PangoLayout *
legend_label (FlPlotView   *self,
              const Series *s,
              double       *w,
              double       *h)
{
  PangoLayout *l = make_layout (self, NULL);

  pango_layout_set_text (l, s->label, -1);
  if (!s->active)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_strikethrough_new (TRUE));
      pango_layout_set_attributes (l, attrs);
      pango_attr_list_unref (attrs);
    }
  layout_size (l, w, h);
  return l;
}

static void
legend_entry_clear (gpointer data)
{
  LegendEntry *e = data;

  g_clear_object (&e->label);
}

/* The legend of a plot width wide, its entries in series order, each where
 * it is drawn; drawing and hit-testing both read these rectangles. The
 * legend sits on the title's row, flush right, when it fits there, or else
 * flows over as many rows as it needs below the title. It lists the visible
 * series: on screen the switched-off ones too, dimmed, so that a click
 * brings them back; in an export only the ones drawn. *header_h: the height
 * of the title and legend rows. */
static GArray *
legend_place (FlPlotView *self,
              double      width,
              gboolean    on_screen,
              double     *header_h)
{
  GArray *entries = g_array_new (FALSE, FALSE, sizeof (LegendEntry));
  g_autoptr(PangoLayout) title = title_layout (self);
  double title_w, title_h, total = 0.0, x, y;
  gboolean below;
  int rows = 1;

  g_array_set_clear_func (entries, legend_entry_clear);
  layout_size (title, &title_w, &title_h);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      LegendEntry e = { .series = i };
      double w, h;

      if (s->hidden || (!on_screen && !s->active))
        continue;
      e.label = legend_label (self, s, &w, &h);
      graphene_rect_init (&e.rect, 0.0, 0.0, 22.0 + GAP + w, h);
      total += (entries->len > 0 ? 16.0 : 0.0) + e.rect.size.width;
      g_array_append_val (entries, e);
    }

  below = title_w + 24.0 + total > width - 2 * PAD;
  x = below ? PAD : width - PAD - total;
  y = PAD + (below ? title_h + GAP : 0.0);
  for (guint k = 0; k < entries->len; k++)
    {
      LegendEntry *e = &g_array_index (entries, LegendEntry, k);

      if (below && x > PAD && x + e->rect.size.width > width - PAD)
        {
          x = PAD;
          y += title_h;
          rows++;
        }
      e->rect.origin.x = x;
      e->rect.origin.y = y;
      x += e->rect.size.width + 16.0;
    }

  if (header_h != NULL)
    *header_h = below ? (1 + rows) * title_h + GAP : title_h;
  return entries;
}

/* Whether there is any data for the current mode, switched off or not: the
 * placeholder text is for a plot with nothing yet, not for one whose curves
 * the user has all clicked away. */
static gboolean
has_points (FlPlotView *self)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (!s->hidden && s->points->len > 0)
        return TRUE;
    }
  return FALSE;
}

/* lay must be cleared (layout_clear) after use. */
static void
compute_layout (FlPlotView *self,
                double      width,
                double      height,
                gboolean    on_screen,
                Layout     *lay)
{
  g_autoptr(PangoLayout) probe = make_layout (self, "<small>0.0</small>");
  double tick_h, ymax = 0.0, ymin = 0.0, xdata = 0.0;
  double widest = 0.0, approx_h;
  gboolean log_y = self->log_scale && !self->percent, have_y = FALSE;

  layout_size (probe, NULL, &tick_h);
  lay->legend = legend_place (self, width, on_screen, &lay->header_h);

  /* the data's extent: epoch markers and the smoothed line, not the raw
   * batch losses, whose early spikes would squash everything else */
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      GArray *ys = s->smooth != NULL ? s->smooth : NULL;

      if (!series_drawn (s))
        continue;
      for (guint j = 0; j < s->points->len; j++)
        {
          Point *p = &g_array_index (s->points, Point, j);
          double y = ys != NULL ? g_array_index (ys, double, j) : p->y;

          if (log_y && !(y > 0.0))
            continue;
          if (log_y && !have_y)
            ymin = ymax = y;
          have_y = TRUE;
          ymax = MAX (ymax, y);
          ymin = MIN (ymin, y);
          xdata = MAX (xdata, p->x);
        }
    }

  lay->x0 = 0.0;
  lay->x1 = MAX (MAX (self->x_max, ceil (xdata - 1e-9)), 1.0);
  lay->log_y = log_y;
  lay->xscale = self->x_scale;

  approx_h = height - 2 * PAD - lay->header_h - 3 * tick_h - 3 * GAP;
  if (self->percent)
    {
      lay->y0 = 0.0;
      lay->y1 = 1.0;
      lay->ystep = approx_h >= 180 ? 0.2 : 0.25;
      if (approx_h < 100)
        lay->ystep = 0.5;
      lay->y_decimals = 0;
    }
  else if (log_y)
    {
      double l0 = have_y ? log10 (ymin) : -1.0, l1 = have_y ? log10 (ymax) : 0.0;

      if (!(l1 > l0 + 0.05))
        l1 = l0 + 0.3;
      lay->ystep = MAX (nice_step ((l1 - l0) * 1.05, MAX (approx_h / 45.0, 2.0)), 0.05);
      lay->y0 = floor (l0 / lay->ystep) * lay->ystep;
      lay->y1 = ceil (l1 / lay->ystep) * lay->ystep;
      lay->y_decimals = 0;
    }
  else
    {
      if (!(ymax > ymin))
        ymax = ymin + 1.0;
      lay->ystep = nice_step ((ymax - ymin) * 1.05, MAX (approx_h / 45.0, 2.0));
      lay->y0 = floor (ymin / lay->ystep) * lay->ystep;
      lay->y1 = ceil (ymax * 1.05 / lay->ystep) * lay->ystep;
      lay->y_decimals = (int) MAX (0.0, -floor (log10 (lay->ystep) + 1e-9));
    }

  for (double v = lay->y0; v <= lay->y1 + lay->ystep * 1e-6; v += lay->ystep)
    {
      g_autofree char *markup = format_tick (self, v, lay->y_decimals);
      g_autoptr(PangoLayout) l = make_layout (self, markup);
      double w;

      layout_size (l, &w, NULL);
      widest = MAX (widest, w);
    }

  /* left: rotated axis title, tick labels; bottom: tick labels, axis title */
  lay->left = PAD + tick_h + GAP + widest + GAP;
  lay->right = width - PAD - 8.0;
  lay->top = PAD + lay->header_h + 2 * GAP;
  lay->bottom = height - PAD - tick_h - GAP - tick_h - GAP;

  if (lay->xscale == 1.0)
    lay->xstep = MAX (1.0, round (nice_step (lay->x1 - lay->x0,
                                             MAX ((lay->right - lay->left) / 60.0, 1.0))));
  else   /* in samples: wider labels */
    lay->xstep = nice_step ((lay->x1 - lay->x0) * lay->xscale,
                            MAX ((lay->right - lay->left) / 90.0, 1.0));
}

static inline double
to_px_x (const Layout *lay,
         double        x)
{
  return lay->left + (x - lay->x0) / (lay->x1 - lay->x0) * (lay->right - lay->left);
}

/* a in axis units: the value, or its log10 on a log scale */
static inline double
axis_px_y (const Layout *lay,
           double        a)
{
  return lay->bottom - (a - lay->y0) / (lay->y1 - lay->y0) * (lay->bottom - lay->top);
}

static inline double
to_px_y (const Layout *lay,
         double        y)
{
  return axis_px_y (lay, lay->log_y ? log10 (MAX (y, 1e-12)) : y);
}

static void
draw_marker (cairo_t     *cr,
             FlPlotStyle  style,
             double       x,
             double       y,
             double       r)
{
  if (style == FL_PLOT_STYLE_DASHED)
    cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
  else
    cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  cairo_fill (cr);
}

/* A short stroke in the series' style, for the legend and the readout. */
static void
draw_swatch (cairo_t      *cr,
             const Series *s,
             double        x,
             double        y)
{
  gdk_cairo_set_source_rgba (cr, &s->color);
  cairo_set_line_width (cr, s->style == FL_PLOT_STYLE_SMOOTHED ? 2.0 : 2.25);
  if (s->style == FL_PLOT_STYLE_DASHED)
    cairo_set_dash (cr, (double[]) { 4.0, 3.0 }, 2, 0);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + 22.0, y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  if (s->style != FL_PLOT_STYLE_SMOOTHED)
    draw_marker (cr, s->style, x + 11.0, y, MARKER);
}

static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* The x the readout snaps to for pointer x px: the nearest epoch point, or
 * the nearest batch point when there is no epoch point yet. */
static gboolean
snap_x (FlPlotView   *self,
        const Layout *lay,
        double        px,
        double       *out)
{
  double x = lay->x0 + (px - lay->left) / (lay->right - lay->left) * (lay->x1 - lay->x0);
  double best = G_MAXDOUBLE;
  gboolean found = FALSE;

  for (int pass = 0; pass < 2 && !found; pass++)
    for (guint i = 0; i < self->series->len; i++)
      {
        Series *s = g_ptr_array_index (self->series, i);

        if (!series_drawn (s) || (pass == 0) == (s->style == FL_PLOT_STYLE_SMOOTHED))
          continue;
        for (guint j = 0; j < s->points->len; j++)
          {
            double d = fabs (g_array_index (s->points, Point, j).x - x);

            if (d < best)
              {
                best = d;
                *out = g_array_index (s->points, Point, j).x;
                found = TRUE;
              }
          }
      }
  return found;
}

/* The value series s shows at x: its point at x, or for the smoothed
 * series the average at the last point not after x. */
static gboolean
value_at (const Series *s,
          double        x,
          double       *y)
{
  gboolean found = FALSE;

  for (guint j = 0; j < s->points->len; j++)
    {
      const Point *p = &g_array_index (s->points, Point, j);

      if (s->style == FL_PLOT_STYLE_SMOOTHED)
        {
          if (p->x > x + 1e-9)
            break;
          *y = g_array_index (s->smooth, double, j);
          found = TRUE;
        }
      else if (fabs (p->x - x) < 1e-9)
        {
          *y = p->y;
          found = TRUE;
        }
    }
  return found;
}

static char *
readout_heading (FlPlotView *self,
                 double      x)
{
  if (self->x_scale != 1.0)
    return g_strdup_printf ("%.0f samples", x * self->x_scale);
  if (fabs (x - round (x)) < 1e-9)
    return g_strdup_printf ("Epoch %.0f", x);
  return g_strdup_printf ("Epoch %.2f", x);
}

static void
draw_readout (FlPlotView   *self,
              cairo_t      *cr,
              const Layout *lay,
              double        width,
              const GdkRGBA *fg)
{
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autoptr(PangoLayout) text = NULL;
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *heading = NULL;
  double x, px, bw, bh, bx, by, line_h;

  if (!self->pointer_inside ||
      self->pointer_x < lay->left - 4 || self->pointer_x > lay->right + 4 ||
      self->pointer_y < lay->top - 4 || self->pointer_y > lay->bottom + 4 ||
      !snap_x (self, lay, self->pointer_x, &x))
    return;

  px = to_px_x (lay, x);

  /* the guide and the highlighted markers */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.35);
  cairo_set_line_width (cr, 1.0);
  cairo_move_to (cr, round (px) + 0.5, lay->top);
  cairo_line_to (cr, round (px) + 0.5, lay->bottom);
  cairo_stroke (cr);

  heading = readout_heading (self, x);
  g_string_append_printf (markup, "<b>%s</b>", heading);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      g_autofree char *value = NULL;
      g_autofree char *line = NULL;
      double y;

      if (!series_drawn (s) || !value_at (s, x, &y))
        continue;
      value = format_value (self, y);
      line = g_markup_printf_escaped ("\n%s  <b>%s</b>", s->label, value);
      g_string_append (markup, line);
      g_array_append_val (rows, i);

      gdk_cairo_set_source_rgba (cr, &s->color);
      if (s->style != FL_PLOT_STYLE_SMOOTHED)
        draw_marker (cr, s->style, px, to_px_y (lay, y), MARKER + 1.5);
    }

  text = make_layout (self, markup->str);
  layout_size (text, &bw, &bh);
  line_h = bh / (rows->len + 1);
  bw += 2 * 10.0 + 22.0 + GAP;
  bh += 2 * 8.0;
  bx = px + 14.0;
  if (bx + bw > width - 4.0)
    bx = px - 14.0 - bw;
  bx = MAX (bx, 4.0);
  by = lay->top + 6.0;

  /* a dark rounded box, like a GTK tooltip */
  cairo_new_sub_path (cr);
  cairo_arc (cr, bx + bw - 6, by + 6, 6, -G_PI / 2, 0);
  cairo_arc (cr, bx + bw - 6, by + bh - 6, 6, 0, G_PI / 2);
  cairo_arc (cr, bx + 6, by + bh - 6, 6, G_PI / 2, G_PI);
  cairo_arc (cr, bx + 6, by + 6, 6, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.12, 0.12, 0.14, 0.92);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  show_layout (cr, text, bx + 10.0 + 22.0 + GAP, by + 8.0);
  for (guint r = 0; r < rows->len; r++)
    {
      Series *s = g_ptr_array_index (self->series, g_array_index (rows, guint, r));
      draw_swatch (cr, s, bx + 10.0, by + 8.0 + (r + 1.5) * line_h);
    }
}

static void
draw_series (cairo_t      *cr,
             const Series *s,
             const Layout *lay)
{
  if (!series_drawn (s) || s->points->len == 0)
    return;

  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  if (s->style == FL_PLOT_STYLE_SMOOTHED)
    {
      /* the raw batch losses, barely there, under their average */
      cairo_set_source_rgba (cr, s->color.red, s->color.green, s->color.blue, 0.18);
      cairo_set_line_width (cr, 1.0);
      for (guint j = 0; j < s->points->len; j++)
        {
          Point *p = &g_array_index (s->points, Point, j);
          cairo_line_to (cr, to_px_x (lay, p->x), to_px_y (lay, p->y));
        }
      cairo_stroke (cr);

      cairo_set_source_rgba (cr, s->color.red, s->color.green, s->color.blue, 0.8);
      cairo_set_line_width (cr, 1.75);
      for (guint j = 0; j < s->points->len; j++)
        {
          Point *p = &g_array_index (s->points, Point, j);
          cairo_line_to (cr, to_px_x (lay, p->x),
                         to_px_y (lay, g_array_index (s->smooth, double, j)));
        }
      cairo_stroke (cr);
      return;
    }

  gdk_cairo_set_source_rgba (cr, &s->color);
  cairo_set_line_width (cr, 2.25);
  if (s->style == FL_PLOT_STYLE_DASHED)
    cairo_set_dash (cr, (double[]) { 7.0, 4.0 }, 2, 0);
  for (guint j = 0; j < s->points->len; j++)
    {
      Point *p = &g_array_index (s->points, Point, j);
      cairo_line_to (cr, to_px_x (lay, p->x), to_px_y (lay, p->y));
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  for (guint j = 0; j < s->points->len; j++)
    {
      Point *p = &g_array_index (s->points, Point, j);
      draw_marker (cr, s->style, to_px_x (lay, p->x), to_px_y (lay, p->y), MARKER);
    }
}

/* Draws the whole plot on cr, width × height, text and axes in fg: on
 * screen, and for the exports (without the pointer's readout, and without
 * the series switched off, even in the legend). */
static void
draw_plot (FlPlotView    *self,
           cairo_t       *cr,
           double         width,
           double         height,
           const GdkRGBA *fg_color,
           gboolean       on_screen)
{
  g_autoptr(PangoLayout) title = title_layout (self);
  g_autoptr(PangoLayout) xlabel = NULL;
  g_auto(Layout) lay = { 0 };
  GdkRGBA fg = *fg_color;
  double tick_h;

  compute_layout (self, width, height, on_screen, &lay);

  /* title and legend; a series switched off is dimmed, and struck through */
  gdk_cairo_set_source_rgba (cr, &fg);
  show_layout (cr, title, PAD, PAD);
  for (guint k = 0; k < lay.legend->len; k++)
    {
      const LegendEntry *e = &g_array_index (lay.legend, LegendEntry, k);
      const Series *s = g_ptr_array_index (self->series, e->series);

      if (!s->active)
        cairo_push_group (cr);
      draw_swatch (cr, s, e->rect.origin.x, e->rect.origin.y + e->rect.size.height / 2);
      gdk_cairo_set_source_rgba (cr, &fg);
      show_layout (cr, e->label, e->rect.origin.x + 22.0 + GAP, e->rect.origin.y);
      if (!s->active)
        {
          cairo_pop_group_to_source (cr);
          cairo_paint_with_alpha (cr, 0.35);
        }
    }

  /* grid and y ticks */
  cairo_set_line_width (cr, 1.0);
  for (double v = lay.y0; v <= lay.y1 + lay.ystep * 1e-6; v += lay.ystep)
    {
      g_autofree char *markup = format_tick (self, v, lay.y_decimals);
      g_autoptr(PangoLayout) l = make_layout (self, markup);
      double py = round (axis_px_y (&lay, v)) + 0.5, w, h;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, fabs (v - lay.y0) < 1e-9 ? 0.45 : 0.1);
      cairo_move_to (cr, lay.left, py);
      cairo_line_to (cr, lay.right, py);
      cairo_stroke (cr);

      layout_size (l, &w, &h);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      show_layout (cr, l, lay.left - GAP - w, py - h / 2);
    }

  /* x ticks */
  tick_h = 0;
  for (double v = lay.x0 * lay.xscale; v <= lay.x1 * lay.xscale * (1 + 1e-9); v += lay.xstep)
    {
      g_autofree char *markup = g_strdup_printf ("<small>%.0f</small>", v);
      g_autoptr(PangoLayout) l = make_layout (self, markup);
      double px = round (to_px_x (&lay, v / lay.xscale)) + 0.5, w;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.45);
      cairo_move_to (cr, px, lay.bottom);
      cairo_line_to (cr, px, lay.bottom + 4.0);
      cairo_stroke (cr);

      layout_size (l, &w, &tick_h);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      show_layout (cr, l, px - w / 2, lay.bottom + GAP);
    }

  /* axis titles */
  xlabel = make_layout (self, lay.xscale == 1.0 ? "<small>Epoch</small>" : "<small>Samples seen</small>");
  {
    double w, h;

    layout_size (xlabel, &w, &h);
    cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
    show_layout (cr, xlabel, (lay.left + lay.right) / 2 - w / 2, lay.bottom + GAP + tick_h + GAP / 2);
  }
  {
    g_autoptr(PangoLayout) yl = make_layout (self, self->percent ? "<small>Accuracy</small>"
                                                                 : "<small>Loss</small>");
    double w, h;

    layout_size (yl, &w, &h);
    cairo_save (cr);
    cairo_translate (cr, PAD, (lay.top + lay.bottom) / 2 + w / 2);
    cairo_rotate (cr, -G_PI / 2);
    show_layout (cr, yl, 0, 0);
    cairo_restore (cr);
  }

  /* the curves, clipped to the plot area (with room for markers) */
  cairo_save (cr);
  cairo_rectangle (cr, lay.left - MARKER - 2, lay.top - MARKER - 2,
                   lay.right - lay.left + 2 * MARKER + 4, lay.bottom - lay.top + 2 * MARKER + 4);
  cairo_clip (cr);
  for (guint i = 0; i < self->series->len; i++)
    draw_series (cr, g_ptr_array_index (self->series, i), &lay);
  cairo_restore (cr);

  if (!has_points (self) && self->placeholder_text != NULL)
    {
      g_autoptr(PangoLayout) l = make_layout (self, NULL);
      double w, h;

      pango_layout_set_text (l, self->placeholder_text, -1);
      layout_size (l, &w, &h);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      show_layout (cr, l, (lay.left + lay.right) / 2 - w / 2, (lay.top + lay.bottom) / 2 - h / 2);
    }

  if (on_screen)
    draw_readout (self, cr, &lay, width, &fg);
}

static void
fl_plot_view_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlPlotView *self = FL_PLOT_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;
  GdkRGBA fg;

  if (width < 80 || height < 80)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_plot (self, cr, width, height, &fg, TRUE);
  cairo_destroy (cr);
}

static void
fl_plot_view_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 260;
      *natural = 480;
    }
  else
    {
      *minimum = 200;
      *natural = 300;
    }
}

/* The legend as it is on screen, or NULL when the widget is too small to
 * be drawn. */
static GArray *
screen_legend (FlPlotView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));

  if (width < 80 || gtk_widget_get_height (GTK_WIDGET (self)) < 80)
    return NULL;
  return legend_place (self, width, TRUE, NULL);
}

/* The legend entries are links: a pointing hand over them. */
static void
set_legend_hover (FlPlotView *self,
                  int         series)
{
  if (self->legend_hover == series)
    return;
  self->legend_hover = series;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), series >= 0 ? "pointer" : NULL);
}

static void
motion_cb (FlPlotView               *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *controller)
{
  self->pointer_inside = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  set_legend_hover (self, fl_plot_view_legend_series_at (self, x, y));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (FlPlotView               *self,
          GtkEventControllerMotion *controller)
{
  self->pointer_inside = FALSE;
  set_legend_hover (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* A click on a legend entry is a press and a release on that entry; the
 * gesture claims presses there and lets any other go. */
static void
pressed_cb (FlPlotView      *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  self->legend_pressed = fl_plot_view_legend_series_at (self, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture),
                         self->legend_pressed >= 0 ? GTK_EVENT_SEQUENCE_CLAIMED
                                                   : GTK_EVENT_SEQUENCE_DENIED);
}

static void
released_cb (FlPlotView      *self,
             int              n_press,
             double           x,
             double           y,
             GtkGestureClick *gesture)
{
  int pressed = self->legend_pressed;

  self->legend_pressed = -1;
  if (pressed >= 0 && fl_plot_view_legend_series_at (self, x, y) == pressed)
    fl_plot_view_activate_legend_at (self, x, y);
}

static gboolean
fl_plot_view_query_tooltip (GtkWidget  *widget,
                            int         x,
                            int         y,
                            gboolean    keyboard_tooltip,
                            GtkTooltip *tooltip)
{
  FlPlotView *self = FL_PLOT_VIEW (widget);
  int series = fl_plot_view_legend_series_at (self, x, y);
  g_autofree char *text = NULL;
  const Series *s;

  if (series < 0)
    return FALSE;
  s = g_ptr_array_index (self->series, series);
  text = g_strdup_printf (s->active ? "Click to hide “%s”" : "Click to show “%s”", s->label);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
fl_plot_view_finalize (GObject *object)
{
  FlPlotView *self = FL_PLOT_VIEW (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->placeholder_text, g_free);

  G_OBJECT_CLASS (fl_plot_view_parent_class)->finalize (object);
}

static void
fl_plot_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FlPlotView *self = FL_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PERCENT:
      g_value_set_boolean (value, self->percent);
      break;
    case PROP_X_MAX:
      g_value_set_double (value, self->x_max);
      break;
    case PROP_PLACEHOLDER_TEXT:
      g_value_set_string (value, self->placeholder_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_plot_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FlPlotView *self = FL_PLOT_VIEW (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      fl_plot_view_set_title (self, g_value_get_string (value));
      break;
    case PROP_PERCENT:
      fl_plot_view_set_percent (self, g_value_get_boolean (value));
      break;
    case PROP_X_MAX:
      fl_plot_view_set_x_max (self, g_value_get_double (value));
      break;
    case PROP_PLACEHOLDER_TEXT:
      if (fl_set_str (&self->placeholder_text, g_value_get_string (value)))
        {
          gtk_widget_queue_draw (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_plot_view_class_init (FlPlotViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_plot_view_finalize;
  object_class->get_property = fl_plot_view_get_property;
  object_class->set_property = fl_plot_view_set_property;

  widget_class->snapshot = fl_plot_view_snapshot;
  widget_class->measure = fl_plot_view_measure;
  widget_class->query_tooltip = fl_plot_view_query_tooltip;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERCENT] =
    g_param_spec_boolean ("percent", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_X_MAX] =
    g_param_spec_double ("x-max", NULL, NULL, 1.0, G_MAXDOUBLE, 10.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLACEHOLDER_TEXT] =
    g_param_spec_string ("placeholder-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The user switched a series on or off by clicking its legend entry; not
   * emitted by fl_plot_view_set_series_active(). */
  signals[SERIES_TOGGLED] =
    g_signal_new ("series-toggled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-plot-view.ui");
  gtk_widget_class_bind_template_callback (widget_class, motion_cb);
  gtk_widget_class_bind_template_callback (widget_class, leave_cb);

  gtk_widget_class_set_css_name (widget_class, "plotview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fl_plot_view_init (FlPlotView *self)
{
  GtkGesture *click;

  self->smooth_tau = SMOOTH_TAU;
  self->x_scale = 1.0;
  self->font_scale = 1.0;
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->x_max = 10.0;
  self->legend_hover = -1;
  self->legend_pressed = -1;

  gtk_widget_init_template (GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (click, "released", G_CALLBACK (released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  "Click a name in the legend to hide or show its curve",
                                  -1);
}

GtkWidget *
fl_plot_view_new (void)
{
  return g_object_new (FL_TYPE_PLOT_VIEW, NULL);
}

guint
fl_plot_view_add_series (FlPlotView  *self,
                         const char  *label,
                         const char  *color,
                         FlPlotStyle  style)
{
  Series *s;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0);
  g_return_val_if_fail (label != NULL && color != NULL, 0);

  s = g_new0 (Series, 1);
  s->label = g_strdup (label);
  if (!gdk_rgba_parse (&s->color, color))
    g_critical ("not a colour: %s", color);
  s->style = style;
  s->active = TRUE;
  s->points = g_array_new (FALSE, FALSE, sizeof (Point));
  if (style == FL_PLOT_STYLE_SMOOTHED)
    s->smooth = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, s);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->series->len - 1;
}

void
fl_plot_view_append (FlPlotView *self,
                     guint       series,
                     double      x,
                     double      y)
{
  Series *s;
  Point p = { x, y };

  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  g_return_if_fail (series < self->series->len);

  if (!isfinite (x) || !isfinite (y))
    return;

  s = g_ptr_array_index (self->series, series);
  g_array_append_val (s->points, p);
  if (s->smooth != NULL)
    smooth_push (self, s, s->points->len - 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
fl_plot_view_get_n_series (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0);
  return self->series->len;
}

guint
fl_plot_view_get_n_points (FlPlotView *self,
                           guint       series)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);
  return ((Series *) g_ptr_array_index (self->series, series))->points->len;
}

gboolean
fl_plot_view_get_point (FlPlotView *self,
                        guint       series,
                        guint       i,
                        double     *x,
                        double     *y)
{
  Series *s;
  Point *p;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  if (series >= self->series->len)
    return FALSE;
  s = g_ptr_array_index (self->series, series);
  if (i >= s->points->len)
    return FALSE;
  p = &g_array_index (s->points, Point, i);
  if (x != NULL)
    *x = p->x;
  if (y != NULL)
    *y = p->y;
  return TRUE;
}

void
fl_plot_view_clear (FlPlotView *self)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));

  for (guint i = 0; i < self->series->len; i++)
    series_clear (g_ptr_array_index (self->series, i));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_plot_view_set_x_max (FlPlotView *self,
                        double      x_max)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));

  x_max = MAX (x_max, 1.0);
  if (self->x_max == x_max)
    return;
  self->x_max = x_max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X_MAX]);
}

double
fl_plot_view_get_x_max (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0.0);
  return self->x_max;
}

const char *
fl_plot_view_get_title (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), NULL);
  return self->title;
}

void
fl_plot_view_set_title (FlPlotView *self,
                        const char *title)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));

  if (fl_set_str (&self->title, title))
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title ? title : "",
                                      -1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

gboolean
fl_plot_view_get_percent (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  return self->percent;
}

void
fl_plot_view_set_percent (FlPlotView *self,
                          gboolean    percent)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));

  percent = !!percent;
  if (self->percent == percent)
    return;
  self->percent = percent;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERCENT]);
}

char *
fl_plot_view_describe_at (FlPlotView *self,
                          double      px)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *heading = NULL;
  g_auto(Layout) lay = { 0 };
  double x;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), NULL);

  compute_layout (self, MAX (gtk_widget_get_width (GTK_WIDGET (self)), 100),
                  MAX (gtk_widget_get_height (GTK_WIDGET (self)), 100), TRUE, &lay);
  if (!snap_x (self, &lay, px, &x))
    return NULL;

  out = g_string_new (NULL);
  g_string_append (out, heading = readout_heading (self, x));
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      g_autofree char *value = NULL;
      double y;

      if (!series_drawn (s) || !value_at (s, x, &y))
        continue;
      value = format_value (self, y);
      g_string_append_printf (out, " · %s %s", s->label, value);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
fl_plot_view_set_series_visible (FlPlotView *self,
                                 guint       series,
                                 gboolean    visible)
{
  Series *s;

  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  g_return_if_fail (series < self->series->len);

  s = g_ptr_array_index (self->series, series);
  if (s->hidden == !visible)
    return;
  s->hidden = !visible;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
fl_plot_view_get_series_visible (FlPlotView *self,
                                 guint       series)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  g_return_val_if_fail (series < self->series->len, FALSE);
  return !((Series *) g_ptr_array_index (self->series, series))->hidden;
}

void
fl_plot_view_set_series_active (FlPlotView *self,
                                guint       series,
                                gboolean    active)
{
  Series *s;

  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  g_return_if_fail (series < self->series->len);

  s = g_ptr_array_index (self->series, series);
  active = !!active;
  if (s->active == active)
    return;
  s->active = active;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
fl_plot_view_get_series_active (FlPlotView *self,
                                guint       series)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  g_return_val_if_fail (series < self->series->len, FALSE);
  return ((Series *) g_ptr_array_index (self->series, series))->active;
}

int
fl_plot_view_legend_series_at (FlPlotView *self,
                               double      x,
                               double      y)
{
  g_autoptr(GArray) legend = NULL;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), -1);

  legend = screen_legend (self);
  for (guint k = 0; legend != NULL && k < legend->len; k++)
    {
      const LegendEntry *e = &g_array_index (legend, LegendEntry, k);

      if (graphene_rect_contains_point (&e->rect, &GRAPHENE_POINT_INIT (x, y)))
        return e->series;
    }
  return -1;
}

gboolean
fl_plot_view_get_legend_entry (FlPlotView      *self,
                               guint            series,
                               graphene_rect_t *rect)
{
  g_autoptr(GArray) legend = NULL;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);

  legend = screen_legend (self);
  for (guint k = 0; legend != NULL && k < legend->len; k++)
    {
      const LegendEntry *e = &g_array_index (legend, LegendEntry, k);

      if (e->series == series)
        {
          if (rect != NULL)
            *rect = e->rect;
          return TRUE;
        }
    }
  return FALSE;
}

int
fl_plot_view_activate_legend_at (FlPlotView *self,
                                 double      x,
                                 double      y)
{
  int series;
  gboolean active;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), -1);

  series = fl_plot_view_legend_series_at (self, x, y);
  if (series < 0)
    return -1;
  active = !fl_plot_view_get_series_active (self, series);
  fl_plot_view_set_series_active (self, series, active);
  g_signal_emit (self, signals[SERIES_TOGGLED], 0, (guint) series, active);
  return series;
}

void
fl_plot_view_clear_series (FlPlotView *self,
                           guint       series)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  g_return_if_fail (series < self->series->len);

  series_clear (g_ptr_array_index (self->series, series));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_plot_view_remove_series_from (FlPlotView *self,
                                 guint       first)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));

  if (first < self->series->len)
    {
      g_ptr_array_set_size (self->series, first);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

gboolean
fl_plot_view_export (FlPlotView  *self,
                     const char  *path,
                     int          width,
                     int          height,
                     GError     **error)
{
  static const GdkRGBA black = { 0.1, 0.1, 0.12, 1.0 };
  g_autofree char *lower = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  double scale;
  cairo_t *cr;
  enum { PNG, SVG, PDF } format;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width >= 80 && height >= 80, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".png"))
    format = PNG;
  else if (g_str_has_suffix (lower, ".svg"))
    format = SVG;
  else if (g_str_has_suffix (lower, ".pdf"))
    format = PDF;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s”: choose a name ending in .png, .svg or .pdf", path);
      return FALSE;
    }

  if (format == PNG)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else if (format == SVG)
    surface = cairo_svg_surface_create (path, width, height);
  else
    surface = cairo_pdf_surface_create (path, width, height);

  cr = cairo_create (surface);
  /* on paper: a white page, dark text */
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_paint (cr);
  /* laid out at most 800 units wide and scaled up, so that the text keeps
   * its size against the curves whatever the size chosen */
  scale = MAX (1.0, width / 800.0);
  cairo_scale (cr, scale, scale);
  draw_plot (self, cr, width / scale, height / scale, &black, FALSE);
  cairo_destroy (cr);

  if (format == PNG)
    status = cairo_surface_write_to_png (surface, path);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Could not write “%s”: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

void
fl_plot_view_set_smoothing (FlPlotView *self,
                            double      tau)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));

  self->smooth_tau = MAX (tau, 0.0);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      if (s->smooth == NULL)
        continue;
      g_array_set_size (s->smooth, 0);
      s->ema_num = s->ema_den = 0.0;
      for (guint j = 0; j < s->points->len; j++)
        smooth_push (self, s, j);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
fl_plot_view_get_smoothing (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0.0);
  return self->smooth_tau;
}

gboolean
fl_plot_view_get_smoothed_point (FlPlotView *self,
                                 guint       series,
                                 guint       i,
                                 double     *y)
{
  Series *s;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  if (series >= self->series->len)
    return FALSE;
  s = g_ptr_array_index (self->series, series);
  if (s->smooth == NULL || i >= s->smooth->len)
    return FALSE;
  *y = g_array_index (s->smooth, double, i);
  return TRUE;
}

void
fl_plot_view_set_log_scale (FlPlotView *self,
                            gboolean    log_scale)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  self->log_scale = !!log_scale;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_plot_view_set_x_scale (FlPlotView *self,
                          double      samples_per_epoch)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  self->x_scale = samples_per_epoch >= 1.0 ? samples_per_epoch : 1.0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_plot_view_set_font_scale (FlPlotView *self,
                             double      scale)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  self->font_scale = CLAMP (scale, 0.5, 3.0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
