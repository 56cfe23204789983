/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-feature-map"

#include "fl-feature-map.h"
#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

#define RADIUS      3.5   /* a point */
#define PICK        8.0   /* how near a click must be to a point */
#define PAD         8.0
#define SWATCH     10.0   /* a class's dot in the legend */

struct _FlFeatureMap {
  GtkWidget     parent_instance;

  /* the points */
  int           n;
  float        *xy;           /* (n, 2) */
  gint32       *labels;       /* (n) */
  gint32       *predicted;    /* (n), or NULL */
  gint32       *rows;         /* (n) */
  char        **class_names;  /* NULL-terminated */
  int           n_classes;
  double        explained[2];
  char         *placeholder;
  int           selected;     /* the point clicked last, or -1 */

  /* the text, made once per change of the points or of the font */
  PangoContext *context;      /* the one the layouts were made with, */
  guint         serial;       /* and its serial then; 0 = nothing made */
  PangoLayout  *x_title;
  PangoLayout  *y_title;
  PangoLayout  *hint;         /* "● right ○ wrong" */
  PangoLayout  *empty;        /* the placeholder */
  GPtrArray    *legend;       /* of PangoLayout: the class names */
  double        legend_w;

  /* the positions, made once per change of the points or of the size */
  int           width, height;  /* what they were made for; 0 = stale */
  graphene_rect_t plot;         /* the frame of the points */
  double       *pos;            /* (n, 2), widget coordinates */
};

G_DEFINE_FINAL_TYPE (FlFeatureMap, fl_feature_map, GTK_TYPE_WIDGET)

enum {
  SIGNAL_SAMPLE_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- layout --------------------------------------------------------------- */

static PangoLayout *
make_layout (FlFeatureMap *self,
             const char   *markup)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

static void
forget_text (FlFeatureMap *self)
{
  g_clear_object (&self->context);
  self->serial = 0;
  g_clear_object (&self->x_title);
  g_clear_object (&self->y_title);
  g_clear_object (&self->hint);
  g_clear_object (&self->empty);
  g_clear_pointer (&self->legend, g_ptr_array_unref);
  self->width = self->height = 0;
}

/* "1st principal axis (41% of the variance)", "2nd axis (12%)": the
 * second, upright, has the height of the plot only */
static char *
axis_title (int    axis,
            double explained)
{
  g_autofree char *title = axis == 0 ? g_strdup_printf (_("1st principal axis (%.0f%% of the variance)"),
                                                        100.0 * explained)
                                     : g_strdup_printf (_("2nd axis (%.0f%%)"), 100.0 * explained);

  return g_markup_printf_escaped ("<small>%s</small>", title);
}

static void
ensure_text (FlFeatureMap *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);
  g_autofree char *x = axis_title (0, self->explained[0]), *y = axis_title (1, self->explained[1]);
  g_autofree char *empty = g_markup_printf_escaped ("%s", self->placeholder != NULL ? self->placeholder : "");

  if (context == self->context && serial == self->serial)
    return;
  forget_text (self);
  self->x_title = make_layout (self, x);
  self->y_title = make_layout (self, y);
  /* TRANSLATORS: the feature map's key: a filled dot for a sample classified
   * right, a hollow one for a wrong one */
  self->hint = make_layout (self, _("<small>● right   ○ wrong</small>"));
  self->empty = make_layout (self, empty);
  pango_layout_set_alignment (self->empty, PANGO_ALIGN_CENTER);
  pango_layout_set_wrap (self->empty, PANGO_WRAP_WORD);
  self->legend = g_ptr_array_new_with_free_func (g_object_unref);
  fl_layout_size (self->hint, &self->legend_w, NULL);
  for (int c = 0; c < self->n_classes; c++)
    {
      g_autofree char *name = g_markup_printf_escaped ("<small>%s</small>", self->class_names[c]);
      PangoLayout *layout = make_layout (self, name);
      double w;

      fl_layout_size (layout, &w, NULL);
      self->legend_w = MAX (self->legend_w, SWATCH + 6 + w);
      g_ptr_array_add (self->legend, layout);
    }
  self->context = g_object_ref (context);
  self->serial = serial;
}

/* The range of coordinate c of the points, a little wider. */
static void
point_range (FlFeatureMap *self,
             int           c,
             double       *lo,
             double       *hi)
{
  double a = INFINITY, b = -INFINITY;

  for (int k = 0; k < self->n; k++)
    {
      a = MIN (a, self->xy[2 * k + c]);
      b = MAX (b, self->xy[2 * k + c]);
    }
  if (!(b > a))
    {
      a = (isfinite (a) ? a : 0.0) - 1.0;
      b = a + 2.0;
    }
  *lo = a - 0.04 * (b - a);
  *hi = b + 0.04 * (b - a);
}

/* The frame and every point's position, for width × height. */
static void
ensure_layout (FlFeatureMap *self,
               int           width,
               int           height)
{
  double th, yw, x0, x1, y0, y1;

  ensure_text (self);
  if (width == self->width && height == self->height)
    return;
  fl_layout_size (self->x_title, NULL, &th);
  fl_layout_size (self->y_title, NULL, &yw);
  self->plot = GRAPHENE_RECT_INIT (yw + PAD, PAD, MAX (width - yw - PAD - self->legend_w - 3 * PAD, 1.0),
                                   MAX (height - th - 3 * PAD, 1.0));
  self->pos = g_renew (double, self->pos, 2 * (gsize) MAX (self->n, 1));
  point_range (self, 0, &x0, &x1);
  point_range (self, 1, &y0, &y1);
  for (int k = 0; k < self->n; k++)
    {
      self->pos[2 * k] = self->plot.origin.x + (self->xy[2 * k] - x0) / (x1 - x0) * self->plot.size.width;
      /* up is the larger */
      self->pos[2 * k + 1] = self->plot.origin.y + (y1 - self->xy[2 * k + 1]) / (y1 - y0) * self->plot.size.height;
    }
  self->width = width;
  self->height = height;
}

/* ---- the renderer --------------------------------------------------------------- */

static void
class_color (int      c,
             GdkRGBA *rgba)
{
  fl_color_rgba ((FlColor) (c % FL_N_COLORS), rgba);
}

static void
draw_points (FlFeatureMap  *self,
             cairo_t       *cr,
             const GdkRGBA *fg)
{
  cairo_set_line_width (cr, 1.5);
  for (int k = 0; k < self->n; k++)
    {
      gboolean right = self->predicted == NULL || self->predicted[k] == self->labels[k];
      GdkRGBA color;

      class_color (self->labels[k], &color);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.85);
      cairo_new_sub_path (cr);
      cairo_arc (cr, self->pos[2 * k], self->pos[2 * k + 1], right ? RADIUS : RADIUS - 0.75, 0, 2 * G_PI);
      if (right)
        cairo_fill (cr);
      else
        cairo_stroke (cr);
    }
  if (self->selected >= 0 && self->selected < self->n)
    {
      gdk_cairo_set_source_rgba (cr, fg);
      cairo_new_sub_path (cr);
      cairo_arc (cr, self->pos[2 * self->selected], self->pos[2 * self->selected + 1], RADIUS + 4, 0, 2 * G_PI);
      cairo_stroke (cr);
    }
}

static void
draw_legend (FlFeatureMap  *self,
             cairo_t       *cr,
             const GdkRGBA *fg)
{
  double x = self->plot.origin.x + self->plot.size.width + 2 * PAD, y = self->plot.origin.y, h;

  for (guint c = 0; c < self->legend->len; c++)
    {
      PangoLayout *name = g_ptr_array_index (self->legend, c);
      GdkRGBA color;

      fl_layout_size (name, NULL, &h);
      class_color ((int) c, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_arc (cr, x + SWATCH / 2, y + h / 2, SWATCH / 2 - 1, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.85);
      cairo_move_to (cr, x + SWATCH + 6, y);
      pango_cairo_show_layout (cr, name);
      y += h + 2;
    }
  if (self->predicted != NULL)
    {
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.6);
      cairo_move_to (cr, x, y + 6);
      pango_cairo_show_layout (cr, self->hint);
    }
}

/* The frame, the axes through the mean (the origin of the principal axes)
 * and their titles. */
static void
draw_axes (FlFeatureMap  *self,
           cairo_t       *cr,
           const GdkRGBA *fg)
{
  const graphene_rect_t *p = &self->plot;
  double w, h;

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.25);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, p->origin.x + 0.5, p->origin.y + 0.5, p->size.width - 1, p->size.height - 1);
  cairo_stroke (cr);

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
  fl_layout_size (self->x_title, &w, &h);
  cairo_move_to (cr, p->origin.x + (p->size.width - w) / 2, p->origin.y + p->size.height + PAD / 2);
  pango_cairo_show_layout (cr, self->x_title);
  fl_layout_size (self->y_title, &w, &h);
  cairo_save (cr);
  cairo_move_to (cr, PAD / 2, p->origin.y + (p->size.height + w) / 2);
  cairo_rotate (cr, -G_PI / 2);
  pango_cairo_show_layout (cr, self->y_title);
  cairo_restore (cr);
}

void
fl_feature_map_render (FlFeatureMap *self,
                       cairo_t      *cr,
                       int           width,
                       int           height)
{
  GdkRGBA fg;
  double w, h;

  g_return_if_fail (FL_IS_FEATURE_MAP (self));

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  ensure_layout (self, width, height);
  if (self->n == 0)
    {
      pango_layout_set_width (self->empty, (int) (MAX (width - 4 * PAD, 1) * PANGO_SCALE));
      fl_layout_size (self->empty, &w, &h);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      cairo_move_to (cr, 2 * PAD, (height - h) / 2);
      pango_cairo_show_layout (cr, self->empty);
      return;
    }
  draw_axes (self, cr, &fg);
  draw_legend (self, cr, &fg);
  cairo_save (cr);
  cairo_rectangle (cr, self->plot.origin.x, self->plot.origin.y, self->plot.size.width, self->plot.size.height);
  cairo_clip (cr);
  draw_points (self, cr, &fg);
  cairo_restore (cr);
}

/* ---- the widget ------------------------------------------------------------------ */

static void
fl_feature_map_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  fl_feature_map_render (FL_FEATURE_MAP (widget), cr, width, height);
  cairo_destroy (cr);
}

static void
fl_feature_map_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 240;
}

static void
fl_feature_map_css_changed (GtkWidget         *widget,
                            GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (fl_feature_map_parent_class)->css_changed (widget, change);
  /* a new font: the text and the frame are laid out again */
  forget_text (FL_FEATURE_MAP (widget));
  gtk_widget_queue_draw (widget);
}

static void
released_cb (FlFeatureMap    *self,
             int              n_press,
             double           x,
             double           y,
             GtkGestureClick *gesture)
{
  fl_feature_map_activate_at (self, x, y);
}

static gboolean
query_tooltip_cb (FlFeatureMap *self,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip)
{
  int k = keyboard ? -1 : fl_feature_map_point_at (self, x, y);
  const char *truth, *given;
  g_autofree char *text = NULL;

  if (k < 0)
    return FALSE;
  truth = self->class_names[self->labels[k]];
  given = self->predicted != NULL ? self->class_names[self->predicted[k]] : truth;
  if (g_strcmp0 (truth, given) == 0)
    /* TRANSLATORS: a point's tooltip: its class, its row in the CSV */
    text = g_markup_printf_escaped (_("<b>%s</b>, recognised · row %d · click to see it"), truth, self->rows[k]);
  else
    /* TRANSLATORS: a point's tooltip: its class, the class predicted, its row in the CSV */
    text = g_markup_printf_escaped (_("<b>%s</b>, taken for <b>%s</b> · row %d · click to see it"),
                                    truth, given, self->rows[k]);
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static void
clear_points (FlFeatureMap *self)
{
  self->n = 0;
  self->n_classes = 0;
  self->selected = -1;
  g_clear_pointer (&self->xy, g_free);
  g_clear_pointer (&self->labels, g_free);
  g_clear_pointer (&self->predicted, g_free);
  g_clear_pointer (&self->rows, g_free);
  g_clear_pointer (&self->class_names, g_strfreev);
  g_clear_pointer (&self->pos, g_free);
}

static void
fl_feature_map_finalize (GObject *object)
{
  FlFeatureMap *self = FL_FEATURE_MAP (object);

  clear_points (self);
  forget_text (self);
  g_free (self->placeholder);

  G_OBJECT_CLASS (fl_feature_map_parent_class)->finalize (object);
}

static void
fl_feature_map_class_init (FlFeatureMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_feature_map_finalize;
  widget_class->snapshot = fl_feature_map_snapshot;
  widget_class->measure = fl_feature_map_measure;
  widget_class->css_changed = fl_feature_map_css_changed;

  signals[SIGNAL_SAMPLE_ACTIVATED] =
    g_signal_new ("sample-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-feature-map.ui");
  gtk_widget_class_bind_template_callback (widget_class, released_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);

  gtk_widget_class_set_css_name (widget_class, "featuremap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fl_feature_map_init (FlFeatureMap *self)
{
  self->selected = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Feature map: the validation samples on the first two principal axes"), -1);
}

GtkWidget *
fl_feature_map_new (void)
{
  return g_object_new (FL_TYPE_FEATURE_MAP, NULL);
}

void
fl_feature_map_set_points (FlFeatureMap      *self,
                           int                n,
                           const float       *xy,
                           const gint32      *labels,
                           const gint32      *predicted,
                           const gint32      *rows,
                           const char *const *class_names,
                           const double      *explained)
{
  g_return_if_fail (FL_IS_FEATURE_MAP (self));
  g_return_if_fail (n == 0 || (xy != NULL && labels != NULL && rows != NULL && class_names != NULL));

  clear_points (self);
  self->explained[0] = explained != NULL ? explained[0] : 0.0;
  self->explained[1] = explained != NULL ? explained[1] : 0.0;
  if (n > 0)
    {
      self->n = n;
      self->xy = g_memdup2 (xy, sizeof (float) * 2 * n);
      self->labels = g_memdup2 (labels, sizeof (gint32) * n);
      self->predicted = predicted != NULL ? g_memdup2 (predicted, sizeof (gint32) * n) : NULL;
      self->rows = g_memdup2 (rows, sizeof (gint32) * n);
      self->class_names = g_strdupv ((char **) class_names);
      self->n_classes = (int) g_strv_length (self->class_names);
      for (int k = 0; k < n; k++)
        g_return_if_fail (labels[k] >= 0 && labels[k] < self->n_classes &&
                          (predicted == NULL || (predicted[k] >= 0 && predicted[k] < self->n_classes)));
    }
  forget_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_feature_map_set_placeholder (FlFeatureMap *self,
                                const char   *text)
{
  g_return_if_fail (FL_IS_FEATURE_MAP (self));

  if (!fl_set_str (&self->placeholder, text))
    return;
  forget_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
fl_feature_map_get_n_points (FlFeatureMap *self)
{
  g_return_val_if_fail (FL_IS_FEATURE_MAP (self), 0);
  return self->n;
}

gboolean
fl_feature_map_get_point_position (FlFeatureMap *self,
                                   int           k,
                                   double       *x,
                                   double       *y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));

  g_return_val_if_fail (FL_IS_FEATURE_MAP (self), FALSE);

  if (k < 0 || k >= self->n || width <= 0 || height <= 0)
    return FALSE;
  ensure_layout (self, width, height);
  *x = self->pos[2 * k];
  *y = self->pos[2 * k + 1];
  return TRUE;
}

int
fl_feature_map_point_at (FlFeatureMap *self,
                         double        x,
                         double        y)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self)), height = gtk_widget_get_height (GTK_WIDGET (self));
  double best = PICK * PICK;
  int found = -1;

  g_return_val_if_fail (FL_IS_FEATURE_MAP (self), -1);

  if (self->n == 0 || width <= 0 || height <= 0)
    return -1;
  ensure_layout (self, width, height);
  /* the last drawn, on top, wins a tie */
  for (int k = 0; k < self->n; k++)
    {
      double dx = self->pos[2 * k] - x, dy = self->pos[2 * k + 1] - y;

      if (dx * dx + dy * dy <= best)
        {
          best = dx * dx + dy * dy;
          found = k;
        }
    }
  return found;
}

int
fl_feature_map_activate_at (FlFeatureMap *self,
                            double        x,
                            double        y)
{
  int k = fl_feature_map_point_at (self, x, y);

  if (k < 0)
    return -1;
  self->selected = k;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_SAMPLE_ACTIVATED], 0, self->rows[k]);
  return self->rows[k];
}
