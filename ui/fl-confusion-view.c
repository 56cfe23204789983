/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-confusion-view"

#include "fl-confusion-view.h"

#include <math.h>

#define PAD       8.0
#define GAP       6.0
#define MAX_CELL 64.0
#define MAX_NAME 140.0   /* names longer than this many pixels are ellipsized */

struct _FlConfusionView {
  GtkWidget  parent_instance;

  int        n;          /* classes */
  gint64    *counts;     /* (n,n) */
  gint64    *row_sums;   /* (n) */
  char     **names;      /* n, NULL-terminated */
  gboolean   proportions; /* cells show shares of their row, not counts */
};

typedef struct {
  double   x0, y0;       /* top-left of the matrix */
  double   cell;
  double   name_w;       /* width of the row-name column */
  double   top_h;        /* height of the column names */
  gboolean rotated;      /* column names written upwards */
} Layout;

G_DEFINE_FINAL_TYPE (FlConfusionView, fl_confusion_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROPORTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Text sizes: the widget's font, <small>, and smaller still for the
 * cells of a crowded matrix. */
enum {
  SIZE_NORMAL,
  SIZE_SMALL,
  SIZE_TINY,
};

static PangoLayout *
make_layout (FlConfusionView *self,
             const char      *text,
             int              size,
             double           max_width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  if (size != SIZE_NORMAL)
    {
      g_autofree char *markup = g_markup_printf_escaped (size == SIZE_SMALL ? "<small>%s</small>"
                                                                            : "<span size='x-small'>%s</span>",
                                                         text);
      pango_layout_set_markup (layout, markup, -1);
    }
  else
    pango_layout_set_text (layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

static void
pixel_size (PangoLayout *layout,
            double      *w,
            double      *h)
{
  int pw, ph;

  pango_layout_get_pixel_size (layout, &pw, &ph);
  *w = pw;
  *h = ph;
}

/* How the cells' text is drawn, chosen for the whole matrix so that its
 * cells read alike. Counts and percentages go by the same rules: nothing in
 * cells under 20 px; the normal font in cells of 36 px and more if the
 * widest text a cell may hold fits it with a pixel to spare each side, else
 * the small font; percentages that do not fit even so lose their % sign
 * (the caption then says so); and then a smaller font still. A text that
 * does not fit its cell even so is left to the tooltip. */
typedef struct {
  gboolean text;         /* cells show text at all */
  int      size;         /* SIZE_NORMAL, SIZE_SMALL or SIZE_TINY */
  gboolean sign;         /* percentages keep their % sign */
} CellStyle;

static gboolean
text_fits (FlConfusionView *self,
           const char      *text,
           int              size,
           double           cell)
{
  g_autoptr(PangoLayout) layout = make_layout (self, text, size, -1);
  double w, h;

  pixel_size (layout, &w, &h);
  return w <= cell - 2 && h <= cell;
}

/* Whether the widest text a cell may hold fits a cell of that size: the
 * largest count, or the widest percentages, with or without their sign
 * (whether or not this matrix has them, so that its font does not change
 * from one run to the next). */
static gboolean
widest_fits (FlConfusionView *self,
             int              size,
             gboolean         sign,
             double           cell)
{
  gint64 max = 0;
  g_autofree char *text = NULL;

  if (self->proportions)
    return text_fits (self, sign ? "100%" : "100", size, cell) &&
           text_fits (self, sign ? ">99%" : ">99", size, cell);

  for (int i = 0; i < self->n * self->n; i++)
    max = MAX (max, self->counts[i]);
  text = g_strdup_printf ("%" G_GINT64_FORMAT, max);
  return text_fits (self, text, size, cell);
}

static void
choose_cell_style (FlConfusionView *self,
                   double           cell,
                   CellStyle       *style)
{
  style->text = cell >= 20;
  style->sign = TRUE;
  if (cell >= 36 && widest_fits (self, SIZE_NORMAL, TRUE, cell))
    style->size = SIZE_NORMAL;
  else if (widest_fits (self, SIZE_SMALL, TRUE, cell))
    style->size = SIZE_SMALL;
  else
    {
      /* counts have no sign to drop */
      style->sign = !self->proportions;
      style->size = widest_fits (self, SIZE_SMALL, style->sign, cell) ? SIZE_SMALL : SIZE_TINY;
    }
}

/* The text of cell (t, p); see fl_confusion_view_get_cell_text(). */
static char *
cell_text (FlConfusionView *self,
           int              t,
           int              p,
           gboolean         sign)
{
  gint64 count = self->counts[t * self->n + p];
  gint64 total = self->row_sums[t];
  const char *percent_sign = sign ? "%" : "";
  double percent;

  if (!self->proportions)
    return g_strdup_printf ("%" G_GINT64_FORMAT, count);
  if (total == 0)
    return g_strdup ("–");

  /* rounded to a whole percent, except that a few samples are never shown
   * as none, nor a class missed a few times as all of it */
  percent = 100.0 * count / total;
  if (count > 0 && percent < 0.5)
    return g_strdup_printf ("<1%s", percent_sign);
  if (count < total && percent >= 99.5)
    return g_strdup_printf (">99%s", percent_sign);
  return g_strdup_printf ("%d%s", (int) round (percent), percent_sign);
}

/* Whether a matrix is drawn at all at this size. */
static gboolean
is_drawn (double width,
          double height)
{
  return width >= 60 && height >= 60;
}

static void
compute_layout (FlConfusionView *self,
                double           width,
                double           height,
                Layout          *lay)
{
  double widest = 0, text_h = 0, avail_w, avail_h, left;

  for (int i = 0; i < self->n; i++)
    {
      g_autoptr(PangoLayout) l = make_layout (self, self->names[i], SIZE_SMALL, -1);
      double w, h;

      pixel_size (l, &w, &h);
      widest = MAX (widest, w);
      text_h = MAX (text_h, h);
    }
  lay->name_w = MIN (widest, MAX_NAME);

  /* "True" written upwards on the left, "Predicted" on top */
  left = PAD + text_h + GAP + lay->name_w + GAP;
  avail_w = width - left - PAD;

  lay->rotated = FALSE;
  lay->top_h = text_h;
  avail_h = height - (PAD + text_h + GAP + lay->top_h + GAP) - PAD;
  lay->cell = MIN (MIN (avail_w, avail_h) / MAX (self->n, 1), MAX_CELL);
  if (widest > lay->cell - 4.0)
    {
      lay->rotated = TRUE;
      lay->top_h = MIN (widest, MAX_NAME);
      avail_h = height - (PAD + text_h + GAP + lay->top_h + GAP) - PAD;
      lay->cell = MIN (MIN (avail_w, avail_h) / MAX (self->n, 1), MAX_CELL);
    }
  lay->cell = MAX (floor (lay->cell), 4.0);

  /* centre the matrix in the room left over */
  lay->x0 = left + MAX (0.0, floor ((avail_w - lay->cell * self->n) / 2));
  lay->y0 = PAD + text_h + GAP + lay->top_h + GAP;
}

static void
cell_colour (double  t,
             double *r,
             double *g,
             double *b)
{
  /* from a pale grey-blue to a deep blue (FL_COLOR_BLUE, darkened):
   * a single hue, readable by colour-blind viewers and in greyscale */
  static const double lo[3] = { 0.94, 0.96, 0.98 };
  static const double hi[3] = { 0.0, 0.30, 0.55 };

  t = pow (CLAMP (t, 0.0, 1.0), 0.75);
  *r = lo[0] + (hi[0] - lo[0]) * t;
  *g = lo[1] + (hi[1] - lo[1]) * t;
  *b = lo[2] + (hi[2] - lo[2]) * t;
}

static void
fl_confusion_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  FlConfusionView *self = FL_CONFUSION_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) pred = NULL;
  g_autoptr(PangoLayout) truth = NULL;
  cairo_t *cr;
  GdkRGBA fg;
  Layout lay;
  CellStyle style;
  double w, h, side;

  if (self->n == 0 || !is_drawn (width, height))
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  compute_layout (self, width, height, &lay);
  choose_cell_style (self, lay.cell, &style);
  side = lay.cell * self->n;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* axis titles */
  pred = make_layout (self, style.sign ? "Predicted class" : "Predicted class (cells in %)", SIZE_SMALL, -1);
  pixel_size (pred, &w, &h);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  cairo_move_to (cr, lay.x0 + side / 2 - w / 2, PAD);
  pango_cairo_show_layout (cr, pred);

  truth = make_layout (self, "True class", SIZE_SMALL, -1);
  pixel_size (truth, &w, &h);
  cairo_save (cr);
  /* beside the row names, not at the far edge when the matrix is centred */
  cairo_translate (cr, MAX (PAD, lay.x0 - GAP - lay.name_w - GAP - h), lay.y0 + side / 2 + w / 2);
  cairo_rotate (cr, -G_PI / 2);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, truth);
  cairo_restore (cr);

  /* class names: rows on the left, columns on top */
  for (int i = 0; i < self->n; i++)
    {
      g_autoptr(PangoLayout) l = make_layout (self, self->names[i], SIZE_SMALL, MAX_NAME);
      double cx = lay.x0 + (i + 0.5) * lay.cell;
      double cy = lay.y0 + (i + 0.5) * lay.cell;

      pixel_size (l, &w, &h);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.85);
      if (lay.cell >= h - 2)
        {
          cairo_move_to (cr, lay.x0 - GAP - w, cy - h / 2);
          pango_cairo_show_layout (cr, l);
        }

      if (lay.rotated)
        {
          if (lay.cell >= h - 2)
            {
              cairo_save (cr);
              cairo_translate (cr, cx - h / 2, lay.y0 - GAP);
              cairo_rotate (cr, -G_PI / 2);
              cairo_move_to (cr, 0, 0);
              pango_cairo_show_layout (cr, l);
              cairo_restore (cr);
            }
        }
      else
        {
          cairo_move_to (cr, cx - w / 2, lay.y0 - GAP - h);
          pango_cairo_show_layout (cr, l);
        }
    }

  /* the cells */
  for (int t = 0; t < self->n; t++)
    for (int p = 0; p < self->n; p++)
      {
        gint64 count = self->counts[t * self->n + p];
        double frac = self->row_sums[t] > 0 ? (double) count / self->row_sums[t] : 0.0;
        double r, g, b, x = lay.x0 + p * lay.cell, y = lay.y0 + t * lay.cell;
        g_autofree char *text = NULL;
        g_autoptr(PangoLayout) l = NULL;

        cell_colour (frac, &r, &g, &b);
        cairo_set_source_rgb (cr, r, g, b);
        cairo_rectangle (cr, x + 0.5, y + 0.5, lay.cell - 1.0, lay.cell - 1.0);
        cairo_fill (cr);

        if (!style.text)
          continue;
        text = cell_text (self, t, p, style.sign);
        l = make_layout (self, text, style.size, -1);
        pixel_size (l, &w, &h);
        if (w <= lay.cell - 2 && h <= lay.cell)
          {
            if (frac > 0.45)
              cairo_set_source_rgb (cr, 1, 1, 1);
            else
              cairo_set_source_rgba (cr, 0.1, 0.12, 0.15, count > 0 ? 1.0 : 0.35);
            cairo_move_to (cr, x + lay.cell / 2 - w / 2, y + lay.cell / 2 - h / 2);
            pango_cairo_show_layout (cr, l);
          }
      }

  cairo_destroy (cr);
}

static gboolean
query_tooltip_cb (FlConfusionView *self,
                  int              x,
                  int              y,
                  gboolean         keyboard,
                  GtkTooltip      *tooltip)
{
  g_autofree char *text = NULL;
  Layout lay;
  int t, p;
  gint64 count;

  if (self->n == 0 || keyboard)
    return FALSE;

  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &lay);
  p = (int) floor ((x - lay.x0) / lay.cell);
  t = (int) floor ((y - lay.y0) / lay.cell);
  if (p < 0 || t < 0 || p >= self->n || t >= self->n)
    return FALSE;

  count = self->counts[t * self->n + p];
  text = g_markup_printf_escaped ("True class <b>%s</b>, predicted <b>%s</b>\n"
                                  "%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT
                                  " validation samples (%.1f%%)\n"
                                  "<small>Click to see them</small>",
                                  self->names[t], self->names[p], count, self->row_sums[t],
                                  self->row_sums[t] > 0 ? 100.0 * count / self->row_sums[t] : 0.0);
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static void
click_released_cb (FlConfusionView *self,
                   int              n_press,
                   double           x,
                   double           y,
                   GtkGestureClick *gesture)
{
  Layout lay;
  int t, p;

  if (self->n == 0)
    return;
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &lay);
  p = (int) floor ((x - lay.x0) / lay.cell);
  t = (int) floor ((y - lay.y0) / lay.cell);
  if (p < 0 || t < 0 || p >= self->n || t >= self->n)
    return;
  fl_confusion_view_activate_cell (self, t, p);
}

void
fl_confusion_view_activate_cell (FlConfusionView *self,
                                 int              true_class,
                                 int              predicted)
{
  g_return_if_fail (FL_IS_CONFUSION_VIEW (self));
  g_return_if_fail (true_class >= 0 && true_class < self->n && predicted >= 0 && predicted < self->n);

  g_signal_emit (self, signals[CELL_ACTIVATED], 0, true_class, predicted);
}

static void
fl_confusion_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = 160;
  *natural = 320;
}

static void
fl_confusion_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FlConfusionView *self = FL_CONFUSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROPORTIONS:
      g_value_set_boolean (value, self->proportions);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_confusion_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FlConfusionView *self = FL_CONFUSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROPORTIONS:
      fl_confusion_view_set_proportions (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_confusion_view_finalize (GObject *object)
{
  FlConfusionView *self = FL_CONFUSION_VIEW (object);

  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->row_sums, g_free);
  g_clear_pointer (&self->names, g_strfreev);

  G_OBJECT_CLASS (fl_confusion_view_parent_class)->finalize (object);
}

static void
fl_confusion_view_class_init (FlConfusionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = fl_confusion_view_get_property;
  object_class->set_property = fl_confusion_view_set_property;
  object_class->finalize = fl_confusion_view_finalize;
  widget_class->snapshot = fl_confusion_view_snapshot;
  widget_class->measure = fl_confusion_view_measure;

  /* whether the cells show the share of their row (their true class) as a
   * percentage, rather than their count */
  properties[PROP_PROPORTIONS] =
    g_param_spec_boolean ("proportions", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (int true_class, int predicted): a cell was clicked */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-confusion-view.ui");
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);

  gtk_widget_class_set_css_name (widget_class, "confusionview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fl_confusion_view_init (FlConfusionView *self)
{
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "released", G_CALLBACK (click_released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Confusion matrix",
                                  -1);
}

GtkWidget *
fl_confusion_view_new (void)
{
  return g_object_new (FL_TYPE_CONFUSION_VIEW, NULL);
}

void
fl_confusion_view_set_matrix (FlConfusionView   *self,
                              int                n_classes,
                              const gint64      *counts,
                              const char *const *class_names)
{
  g_return_if_fail (FL_IS_CONFUSION_VIEW (self));
  g_return_if_fail (n_classes >= 0);
  g_return_if_fail (n_classes == 0 || (counts != NULL && class_names != NULL));

  fl_confusion_view_clear (self);
  self->n = n_classes;
  self->counts = g_memdup2 (counts, sizeof (gint64) * n_classes * n_classes);
  self->row_sums = g_new0 (gint64, n_classes);
  self->names = g_new0 (char *, n_classes + 1);
  for (int t = 0; t < n_classes; t++)
    {
      self->names[t] = g_strdup (class_names[t]);
      for (int p = 0; p < n_classes; p++)
        self->row_sums[t] += counts[t * n_classes + p];
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fl_confusion_view_clear (FlConfusionView *self)
{
  g_return_if_fail (FL_IS_CONFUSION_VIEW (self));

  self->n = 0;
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->row_sums, g_free);
  g_clear_pointer (&self->names, g_strfreev);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
fl_confusion_view_get_n_classes (FlConfusionView *self)
{
  g_return_val_if_fail (FL_IS_CONFUSION_VIEW (self), 0);
  return self->n;
}

gint64
fl_confusion_view_get_count (FlConfusionView *self,
                             int              true_class,
                             int              predicted)
{
  g_return_val_if_fail (FL_IS_CONFUSION_VIEW (self), 0);
  g_return_val_if_fail (true_class >= 0 && true_class < self->n, 0);
  g_return_val_if_fail (predicted >= 0 && predicted < self->n, 0);
  return self->counts[true_class * self->n + predicted];
}

void
fl_confusion_view_set_proportions (FlConfusionView *self,
                                   gboolean         proportions)
{
  g_return_if_fail (FL_IS_CONFUSION_VIEW (self));

  proportions = !!proportions;
  if (self->proportions == proportions)
    return;
  self->proportions = proportions;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROPORTIONS]);
}

gboolean
fl_confusion_view_get_proportions (FlConfusionView *self)
{
  g_return_val_if_fail (FL_IS_CONFUSION_VIEW (self), FALSE);
  return self->proportions;
}

char *
fl_confusion_view_get_cell_text (FlConfusionView *self,
                                 int              t,
                                 int              p)
{
  double width, height;
  CellStyle style = { TRUE, FALSE, TRUE };

  g_return_val_if_fail (FL_IS_CONFUSION_VIEW (self), NULL);
  g_return_val_if_fail (t >= 0 && t < self->n, NULL);
  g_return_val_if_fail (p >= 0 && p < self->n, NULL);

  /* as drawn at the present size, if the matrix is drawn */
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (is_drawn (width, height))
    {
      Layout lay;

      compute_layout (self, width, height, &lay);
      choose_cell_style (self, lay.cell, &style);
    }
  return cell_text (self, t, p, style.sign);
}
