/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-class-chart"

#include "fl-class-chart.h"
#include "fl-style.h"

#include <math.h>

#define ROW_H    20.0
#define BAR_H    12.0
#define GAP       6.0

struct _FlClassChart {
  GtkWidget  parent_instance;

  int        n;
  char     **names;    /* n, NULL-terminated */
  int       *counts;   /* n */
  int        max;
};

G_DEFINE_FINAL_TYPE (FlClassChart, fl_class_chart, GTK_TYPE_WIDGET)

static PangoLayout *
make_layout (FlClassChart *self,
             const char   *text,
             double        max_width)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *markup = g_markup_printf_escaped ("<small>%s</small>", text);

  pango_layout_set_markup (layout, markup, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  return layout;
}

/* Width of the name column: the widest name, at most a third of the chart. */
static double
name_column (FlClassChart *self,
             double        width)
{
  double widest = 0;

  for (int i = 0; i < self->n; i++)
    {
      g_autoptr(PangoLayout) l = make_layout (self, self->names[i], -1);
      int w, h;

      pango_layout_get_pixel_size (l, &w, &h);
      widest = MAX (widest, w);
    }
  return MIN (widest, floor (width / 3));
}

static void
fl_class_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  FlClassChart *self = FL_CLASS_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double name_w, count_w, bar_max;
  g_autofree char *max_text = NULL;
  g_autoptr(PangoLayout) probe = NULL;
  cairo_t *cr;
  GdkRGBA fg, accent;
  int pw, ph;

  if (self->n == 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fl_color_rgba (FL_COLOR_ACCENT, &accent);

  name_w = name_column (self, width);
  max_text = g_strdup_printf ("%d", self->max);
  probe = make_layout (self, max_text, -1);
  pango_layout_get_pixel_size (probe, &pw, &ph);
  count_w = pw;
  bar_max = MAX (width - name_w - GAP - GAP - count_w, 10.0);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, self->n * ROW_H));
  for (int i = 0; i < self->n; i++)
    {
      g_autoptr(PangoLayout) name = make_layout (self, self->names[i], name_w);
      g_autofree char *count_text = g_strdup_printf ("%d", self->counts[i]);
      g_autoptr(PangoLayout) count = make_layout (self, count_text, -1);
      double y = i * ROW_H, bar_w = self->max > 0 ? bar_max * self->counts[i] / self->max : 0;
      int w, h;

      pango_layout_get_pixel_size (name, &w, &h);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.85);
      cairo_move_to (cr, name_w - w, y + (ROW_H - h) / 2);
      pango_cairo_show_layout (cr, name);

      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_rectangle (cr, name_w + GAP, y + (ROW_H - BAR_H) / 2, MAX (bar_w, 1.0), BAR_H);
      cairo_fill (cr);

      pango_layout_get_pixel_size (count, &w, &h);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
      cairo_move_to (cr, name_w + GAP + bar_w + GAP, y + (ROW_H - h) / 2);
      pango_cairo_show_layout (cr, count);
    }
  cairo_destroy (cr);
}

static gboolean
query_tooltip_cb (FlClassChart *self,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip)
{
  g_autofree char *text = NULL;
  int i = (int) (y / ROW_H), total = 0;

  if (keyboard || i < 0 || i >= self->n)
    return FALSE;
  for (int j = 0; j < self->n; j++)
    total += self->counts[j];
  text = g_markup_printf_escaped ("<b>%s</b>: %d samples (%.1f%%)", self->names[i],
                                  self->counts[i], total > 0 ? 100.0 * self->counts[i] / total : 0.0);
  gtk_tooltip_set_markup (tooltip, text);
  return TRUE;
}

static void
fl_class_chart_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  FlClassChart *self = FL_CLASS_CHART (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 120;
      *natural = 240;
    }
  else
    *minimum = *natural = (int) (self->n * ROW_H);
}

static void
fl_class_chart_finalize (GObject *object)
{
  FlClassChart *self = FL_CLASS_CHART (object);

  g_clear_pointer (&self->names, g_strfreev);
  g_clear_pointer (&self->counts, g_free);

  G_OBJECT_CLASS (fl_class_chart_parent_class)->finalize (object);
}

static void
fl_class_chart_class_init (FlClassChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fl_class_chart_finalize;
  widget_class->snapshot = fl_class_chart_snapshot;
  widget_class->measure = fl_class_chart_measure;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-class-chart.ui");
  gtk_widget_class_bind_template_callback (widget_class, query_tooltip_cb);

  gtk_widget_class_set_css_name (widget_class, "classchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fl_class_chart_init (FlClassChart *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Samples per class",
                                  -1);
}

GtkWidget *
fl_class_chart_new (void)
{
  return g_object_new (FL_TYPE_CLASS_CHART, NULL);
}

void
fl_class_chart_set_counts (FlClassChart      *self,
                           int                n,
                           const char *const *names,
                           const int         *counts)
{
  g_return_if_fail (FL_IS_CLASS_CHART (self));
  g_return_if_fail (n >= 0);
  g_return_if_fail (n == 0 || (names != NULL && counts != NULL));

  g_clear_pointer (&self->names, g_strfreev);
  g_clear_pointer (&self->counts, g_free);
  self->n = n;
  self->max = 0;
  self->names = g_new0 (char *, n + 1);
  self->counts = g_new0 (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      self->names[i] = g_strdup (names[i]);
      self->counts[i] = counts[i];
      self->max = MAX (self->max, counts[i]);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
fl_class_chart_get_n_bars (FlClassChart *self)
{
  g_return_val_if_fail (FL_IS_CLASS_CHART (self), 0);
  return self->n;
}
