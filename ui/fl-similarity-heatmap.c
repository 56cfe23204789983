/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-similarity-heatmap"

#include "fl-similarity-heatmap.h"
#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

#define PAD       6.0
#define GAP       6.0
#define MIN_CELL 22.0
#define MAX_CELL 40.0
#define MAX_TEXT 230.0   /* texts wider than this many pixels are ellipsized */
#define LEGEND_H 24.0
#define RAMP_W  140.0

/* Where things go at one width. */
typedef struct {
  double x0, y0;     /* top-left of the matrix */
  double cell;
  double text_w;     /* the text column, left of x0 */
  double height;
} Layout;

struct _FlSimilarityHeatmap {
  GtkWidget         parent_instance;

  int               n;
  float            *sims;        /* (n,n), row = text */
  float             lo, hi;      /* their range, which the shades span */
  cairo_surface_t **pictures;    /* n */
  char            **texts;       /* n, NULL-terminated */
  guint8           *unseen;      /* n: no word of the text is known */

  /* The words drawn, made once per change of the data or the font, not at
   * every frame nor at every pointer motion. */
  PangoContext     *context;     /* the one they were made with, */
  guint             serial;      /* and its serial then */
  GPtrArray        *text_layouts;  /* n, ellipsized to MAX_TEXT */
  GPtrArray        *cell_layouts;  /* n×n values, "0.62" */
  PangoLayout      *pictures_title, *texts_title, *lo_layout, *hi_layout, *scale_title, *pair_title;
  double            text_w;      /* the widest text, up to MAX_TEXT */
  double            value_w;     /* the widest value */
};

G_DEFINE_FINAL_TYPE (FlSimilarityHeatmap, fl_similarity_heatmap, GTK_TYPE_WIDGET)

enum {
  PICTURE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the words ------------------------------------------------------------ */

static void
forget_layouts (FlSimilarityHeatmap *self)
{
  g_clear_pointer (&self->text_layouts, g_ptr_array_unref);
  g_clear_pointer (&self->cell_layouts, g_ptr_array_unref);
  g_clear_object (&self->pictures_title);
  g_clear_object (&self->texts_title);
  g_clear_object (&self->lo_layout);
  g_clear_object (&self->hi_layout);
  g_clear_object (&self->scale_title);
  g_clear_object (&self->pair_title);
  g_clear_object (&self->context);
  self->serial = 0;
}

static PangoLayout *
small_layout (FlSimilarityHeatmap *self,
              const char          *text)
{
  return fl_small_layout (gtk_widget_get_pango_context (GTK_WIDGET (self)), text);
}

static PangoLayout *
value_layout (FlSimilarityHeatmap *self,
              double               v)
{
  /* never "-0.00" */
  g_autofree char *text = g_strdup_printf ("%.2f", fabs (v) < 0.005 ? 0.0 : v);

  return small_layout (self, text);
}

static void
make_layouts (FlSimilarityHeatmap *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  self->text_layouts = g_ptr_array_new_full (self->n, g_object_unref);
  self->cell_layouts = g_ptr_array_new_full (self->n * self->n, g_object_unref);
  self->text_w = self->value_w = 0;
  for (int i = 0; i < self->n; i++)
    {
      PangoLayout *l = gtk_widget_create_pango_layout (widget, NULL);
      g_autofree char *markup = g_markup_printf_escaped (self->unseen[i] ? "<i>%s</i>" : "%s", self->texts[i]);
      double w;

      pango_layout_set_markup (l, markup, -1);

      pango_layout_set_width (l, (int) (MAX_TEXT * PANGO_SCALE));
      pango_layout_set_ellipsize (l, PANGO_ELLIPSIZE_END);
      pango_layout_set_single_paragraph_mode (l, TRUE);
      fl_layout_size (l, &w, NULL);
      self->text_w = MAX (self->text_w, w);
      g_ptr_array_add (self->text_layouts, l);
    }
  for (int i = 0; i < self->n * self->n; i++)
    {
      PangoLayout *l = value_layout (self, self->sims[i]);
      double w;

      fl_layout_size (l, &w, NULL);
      self->value_w = MAX (self->value_w, w);
      g_ptr_array_add (self->cell_layouts, l);
    }
  /* TRANSLATORS: the heatmap's axis titles: its columns are pictures,
   * its rows texts */
  self->pictures_title = small_layout (self, _("pictures →"));
  self->texts_title = small_layout (self, _("texts ↓"));
  self->lo_layout = value_layout (self, self->lo);
  self->hi_layout = value_layout (self, self->hi);
  self->scale_title = small_layout (self, _("cosine similarity"));
  self->pair_title = small_layout (self, _("a true pair"));
}

/* Makes the layouts unless those made are still right for the font. */
static void
ensure_layouts (FlSimilarityHeatmap *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));

  if (self->text_layouts != NULL && self->context == context &&
      self->serial == pango_context_get_serial (context))
    return;
  forget_layouts (self);
  self->context = g_object_ref (context);
  self->serial = pango_context_get_serial (context);
  make_layouts (self);
}

/* ---- where things go ------------------------------------------------------ */

static void
compute_layout (FlSimilarityHeatmap *self,
                double               width,
                Layout              *lay)
{
  double avail, left;

  ensure_layouts (self);
  lay->text_w = self->text_w;
  avail = width - 2 * PAD - lay->text_w - GAP;
  lay->cell = floor (CLAMP (avail / MAX (self->n, 1), MIN_CELL, MAX_CELL));
  /* the whole centred in the width */
  left = floor (MAX (PAD, (width - (lay->text_w + GAP + self->n * lay->cell)) / 2));
  lay->x0 = left + lay->text_w + GAP;
  lay->y0 = PAD + lay->cell + GAP;
  lay->height = lay->y0 + self->n * lay->cell + 2 * GAP + LEGEND_H + PAD;
}

static gboolean
cell_at (FlSimilarityHeatmap *self,
         double               x,
         double               y,
         int                 *t,
         int                 *p)
{
  Layout lay;

  if (self->n == 0)
    return FALSE;
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)), &lay);
  *p = (int) floor ((x - lay.x0) / lay.cell);
  *t = (int) floor ((y - lay.y0) / lay.cell);
  /* a thumbnail counts as its column */
  if (y >= PAD && y < lay.y0)
    *t = -1;
  return *p >= 0 && *p < self->n && *t >= -1 && *t < self->n;
}

/* ---- drawing -------------------------------------------------------------- */

/* ColorBrewer's "Blues": light for the least similar, dark for the most. */
static void
shade (double   f,
       GdkRGBA *rgba)
{
  static const double stops[3][3] = { { 0.969, 0.984, 1.000 }, { 0.420, 0.682, 0.839 }, { 0.031, 0.188, 0.420 } };
  int k = f < 0.5 ? 0 : 1;
  double u = CLAMP (f < 0.5 ? 2 * f : 2 * f - 1, 0.0, 1.0);

  rgba->red = stops[k][0] + u * (stops[k + 1][0] - stops[k][0]);
  rgba->green = stops[k][1] + u * (stops[k + 1][1] - stops[k][1]);
  rgba->blue = stops[k][2] + u * (stops[k + 1][2] - stops[k][2]);
  rgba->alpha = 1;
}

static double
fraction (FlSimilarityHeatmap *self,
          double               v)
{
  return self->hi > self->lo ? (v - self->lo) / (self->hi - self->lo) : 0.5;
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

/* The pictures along the top, each as big as its column. */
static void
draw_pictures (FlSimilarityHeatmap *self,
               cairo_t             *cr,
               const Layout        *lay)
{
  for (int p = 0; p < self->n; p++)
    {
      cairo_surface_t *s = self->pictures[p];
      double size = lay->cell - 4, w = cairo_image_surface_get_width (s);

      cairo_save (cr);
      cairo_translate (cr, lay->x0 + p * lay->cell + 2, PAD);
      cairo_rectangle (cr, 0, 0, size, size);
      cairo_clip (cr);
      cairo_scale (cr, size / w, size / w);
      cairo_set_source_surface (cr, s, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_restore (cr);
    }
}

/* The texts down the left, right-aligned against the matrix, and the two
 * axis titles in the corner between them. */
static void
draw_texts (FlSimilarityHeatmap *self,
            cairo_t             *cr,
            const Layout        *lay,
            const GdkRGBA       *fg)
{
  double w, h;

  for (int t = 0; t < self->n; t++)
    {
      PangoLayout *l = g_ptr_array_index (self->text_layouts, t);

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * (self->unseen[t] ? 0.5 : 1.0));
      fl_layout_size (l, &w, &h);
      show_layout (cr, l, lay->x0 - GAP - w, lay->y0 + t * lay->cell + (lay->cell - h) / 2);
    }
  cairo_save (cr);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha * 0.6);
  fl_layout_size (self->pictures_title, &w, &h);
  show_layout (cr, self->pictures_title, lay->x0 - GAP - w, PAD);
  fl_layout_size (self->texts_title, &w, &h);
  show_layout (cr, self->texts_title, lay->x0 - GAP - w, lay->y0 - GAP - h);
  cairo_restore (cr);
}

static void
draw_cells (FlSimilarityHeatmap *self,
            cairo_t             *cr,
            const Layout        *lay)
{
  gboolean values = self->value_w <= lay->cell - 4;

  for (int t = 0; t < self->n; t++)
    for (int p = 0; p < self->n; p++)
      {
        double f = fraction (self, self->sims[t * self->n + p]);
        double x = lay->x0 + p * lay->cell, y = lay->y0 + t * lay->cell;
        GdkRGBA rgba;

        shade (f, &rgba);
        gdk_cairo_set_source_rgba (cr, &rgba);
        cairo_rectangle (cr, x, y, lay->cell, lay->cell);
        cairo_fill (cr);
        if (values)
          {
            PangoLayout *l = g_ptr_array_index (self->cell_layouts, t * self->n + p);
            double w, h;

            fl_layout_size (l, &w, &h);
            cairo_set_source_rgb (cr, f > 0.55 ? 1 : 0.1, f > 0.55 ? 1 : 0.1, f > 0.55 ? 1 : 0.1);
            show_layout (cr, l, x + (lay->cell - w) / 2, y + (lay->cell - h) / 2);
          }
      }
}

static void
outline (cairo_t *cr,
         double   x,
         double   y,
         double   size)
{
  GdkRGBA rgba;

  fl_color_rgba (FL_COLOR_VERMILLION, &rgba);
  gdk_cairo_set_source_rgba (cr, &rgba);
  cairo_set_line_width (cr, 2.5);
  cairo_rectangle (cr, x + 1.25, y + 1.25, size - 2.5, size - 2.5);
  cairo_stroke (cr);
}

/* "cosine similarity 0.03 [ramp] 0.81   [] a true pair" */
static void
draw_legend (FlSimilarityHeatmap *self,
             cairo_t             *cr,
             const Layout        *lay,
             const GdkRGBA       *fg)
{
  double x = lay->x0, y = lay->y0 + self->n * lay->cell + 2 * GAP, w, h;
  cairo_pattern_t *ramp;

  gdk_cairo_set_source_rgba (cr, fg);
  fl_layout_size (self->scale_title, &w, &h);
  show_layout (cr, self->scale_title, x, y + (LEGEND_H - h) / 2);
  x += w + GAP;
  fl_layout_size (self->lo_layout, &w, &h);
  show_layout (cr, self->lo_layout, x, y + (LEGEND_H - h) / 2);
  x += w + 4;

  ramp = cairo_pattern_create_linear (x, 0, x + RAMP_W, 0);
  for (int k = 0; k <= 8; k++)
    {
      GdkRGBA rgba;

      shade (k / 8.0, &rgba);
      cairo_pattern_add_color_stop_rgb (ramp, k / 8.0, rgba.red, rgba.green, rgba.blue);
    }
  cairo_set_source (cr, ramp);
  cairo_rectangle (cr, x, y + LEGEND_H / 2 - 6, RAMP_W, 12);
  cairo_fill (cr);
  cairo_pattern_destroy (ramp);
  x += RAMP_W + 4;

  gdk_cairo_set_source_rgba (cr, fg);
  fl_layout_size (self->hi_layout, &w, &h);
  show_layout (cr, self->hi_layout, x, y + (LEGEND_H - h) / 2);
  x += w + 3 * GAP;

  outline (cr, x, y + LEGEND_H / 2 - 8, 16);
  gdk_cairo_set_source_rgba (cr, fg);
  fl_layout_size (self->pair_title, &w, &h);
  show_layout (cr, self->pair_title, x + 16 + GAP, y + (LEGEND_H - h) / 2);
}

static void
get_fg (FlSimilarityHeatmap *self,
        GdkRGBA             *fg)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

double
fl_similarity_heatmap_render (FlSimilarityHeatmap *self,
                              cairo_t             *cr,
                              double               width)
{
  Layout lay;
  GdkRGBA fg;

  g_return_val_if_fail (FL_IS_SIMILARITY_HEATMAP (self), 0);

  if (self->n == 0)
    return 0;
  get_fg (self, &fg);
  compute_layout (self, width, &lay);
  draw_pictures (self, cr, &lay);
  draw_texts (self, cr, &lay, &fg);
  draw_cells (self, cr, &lay);
  for (int i = 0; i < self->n; i++)
    outline (cr, lay.x0 + i * lay.cell, lay.y0 + i * lay.cell, lay.cell);
  draw_legend (self, cr, &lay, &fg);
  return lay.height;
}

/* ---- the widget ----------------------------------------------------------- */

static void
fl_similarity_heatmap_snapshot (GtkWidget   *widget,
                                GtkSnapshot *snapshot)
{
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (FL_SIMILARITY_HEATMAP (widget)->n == 0 || width < 1 || height < 1)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  fl_similarity_heatmap_render (FL_SIMILARITY_HEATMAP (widget), cr, width);
  cairo_destroy (cr);
}

static GtkSizeRequestMode
fl_similarity_heatmap_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* As wide as the texts and n cells of the largest size, at least of the
 * smallest; as tall as that width makes it. */
static void
fl_similarity_heatmap_measure (GtkWidget      *widget,
                               GtkOrientation  orientation,
                               int             for_size,
                               int            *minimum,
                               int            *natural,
                               int            *minimum_baseline,
                               int            *natural_baseline)
{
  FlSimilarityHeatmap *self = FL_SIMILARITY_HEATMAP (widget);
  Layout lay;

  *minimum = *natural = 0;
  if (self->n == 0)
    return;
  ensure_layouts (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) ceil (2 * PAD + self->text_w + GAP + self->n * MIN_CELL);
      *natural = (int) ceil (2 * PAD + self->text_w + GAP + self->n * MAX_CELL);
      return;
    }
  compute_layout (self, for_size >= 0 ? for_size : 2 * PAD + self->text_w + GAP + self->n * MAX_CELL, &lay);
  *minimum = *natural = (int) ceil (lay.height);
}

static gboolean
query_tooltip_cb (FlSimilarityHeatmap *self,
                  int                  x,
                  int                  y,
                  gboolean             keyboard,
                  GtkTooltip          *tooltip)
{
  g_autofree char *markup = NULL;
  int t, p;

  if (keyboard || !cell_at (self, x, y, &t, &p))
    return FALSE;
  if (t < 0)
    markup = g_markup_printf_escaped (_("Picture %d, whose text is\n“%s”\n<small>Click to see the texts "
                                        "that match it best</small>"), p + 1, self->texts[p]);
  else
    /* TRANSLATORS: a cell's tooltip: a text, then the note below or
     * nothing, then a picture and its text, their similarity and " — a
     * true pair" or nothing */
    markup = g_markup_printf_escaped (_("“%s”%s\nand picture %d (whose text is “%s”)\ncosine similarity "
                                        "<b>%.3f</b>%s"), self->texts[t],
                                      self->unseen[t] ? _("\n<small>(none of its words was in the training texts)</small>") : "",
                                      p + 1, self->texts[p],
                                      self->sims[t * self->n + p], t == p ? _(" — <b>a true pair</b>") : "");
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
click_released_cb (FlSimilarityHeatmap *self,
                   int                  n_press,
                   double               x,
                   double               y,
                   GtkGestureClick     *gesture)
{
  int t, p;

  if (cell_at (self, x, y, &t, &p))
    g_signal_emit (self, signals[PICTURE_ACTIVATED], 0, p);
}

static void
clear_data (FlSimilarityHeatmap *self)
{
  for (int i = 0; i < self->n; i++)
    cairo_surface_destroy (self->pictures[i]);
  g_clear_pointer (&self->pictures, g_free);
  g_clear_pointer (&self->sims, g_free);
  g_clear_pointer (&self->texts, g_strfreev);
  g_clear_pointer (&self->unseen, g_free);
  self->n = 0;
  forget_layouts (self);
}

static void
fl_similarity_heatmap_finalize (GObject *object)
{
  clear_data (FL_SIMILARITY_HEATMAP (object));

  G_OBJECT_CLASS (fl_similarity_heatmap_parent_class)->finalize (object);
}

static void
fl_similarity_heatmap_class_init (FlSimilarityHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_similarity_heatmap_finalize;
  widget_class->snapshot = fl_similarity_heatmap_snapshot;
  widget_class->measure = fl_similarity_heatmap_measure;
  widget_class->get_request_mode = fl_similarity_heatmap_get_request_mode;

  /* (int picture): a picture's thumbnail or one of its cells was clicked */
  signals[PICTURE_ACTIVATED] =
    g_signal_new ("picture-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "similarityheatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fl_similarity_heatmap_init (FlSimilarityHeatmap *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect_object (click, "released", G_CALLBACK (click_released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
fl_similarity_heatmap_new (void)
{
  return g_object_new (FL_TYPE_SIMILARITY_HEATMAP, NULL);
}

/* The texture's pixels as a Cairo surface, for drawing onto any cairo_t:
 * gdk_texture_download() writes Cairo's ARGB32 layout. */
static cairo_surface_t *
surface_from_texture (GdkTexture *texture)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);

  gdk_texture_download (texture, cairo_image_surface_get_data (s), cairo_image_surface_get_stride (s));
  cairo_surface_mark_dirty (s);
  return s;
}

void
fl_similarity_heatmap_set_data (FlSimilarityHeatmap *self,
                                int                  n,
                                const float         *sims,
                                GdkTexture  *const  *pictures,
                                const char  *const  *texts,
                                const guint8        *unseen)
{
  g_return_if_fail (FL_IS_SIMILARITY_HEATMAP (self));
  g_return_if_fail (n >= 0);
  g_return_if_fail (n == 0 || (sims != NULL && pictures != NULL && texts != NULL));

  clear_data (self);
  self->n = n;
  if (n > 0)
    {
      self->sims = g_memdup2 (sims, sizeof (float) * n * n);
      self->pictures = g_new (cairo_surface_t *, n);
      self->texts = g_new0 (char *, n + 1);
      self->unseen = unseen != NULL ? g_memdup2 (unseen, n) : g_new0 (guint8, n);
      self->lo = self->hi = sims[0];
      for (int i = 0; i < n * n; i++)
        {
          self->lo = MIN (self->lo, sims[i]);
          self->hi = MAX (self->hi, sims[i]);
        }
      for (int i = 0; i < n; i++)
        {
          self->pictures[i] = surface_from_texture (pictures[i]);
          self->texts[i] = g_strdup (texts[i]);
        }
    }
  if (n > 0)
    {
      g_autofree char *label = g_strdup_printf (_("The cosine similarity of %d texts and %d pictures, "
                                                  "from %.2f to %.2f"), n, n, self->lo, self->hi);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
fl_similarity_heatmap_get_n (FlSimilarityHeatmap *self)
{
  g_return_val_if_fail (FL_IS_SIMILARITY_HEATMAP (self), 0);
  return self->n;
}

float
fl_similarity_heatmap_get_cell (FlSimilarityHeatmap *self,
                                int                  text,
                                int                  picture)
{
  g_return_val_if_fail (FL_IS_SIMILARITY_HEATMAP (self), NAN);
  g_return_val_if_fail (text >= 0 && text < self->n && picture >= 0 && picture < self->n, NAN);
  return self->sims[text * self->n + picture];
}
