/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-class-chart"

#include "fl-class-chart.h"
#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

#define ROW_H    20.0
#define BAR_H    12.0
#define GAP       6.0

struct _FlClassChart {
  GtkWidget     parent_instance;

  int           n;
  char        **names;         /* n, NULL-terminated */
  int          *counts;        /* n */
  int           max;
  int           total;

  /* The text, laid out once per change of the counts or the font rather
   * than at every frame; see ensure_layouts(). */
  PangoContext *context;       /* the one the layouts were made with, */
  guint         serial;        /* and its serial then; 0 = nothing made */
  GPtrArray    *name_layouts;  /* n, ellipsized to the name column */
  GPtrArray    *count_layouts; /* n */
  double        names_w;       /* the widest name, whole */
  double        count_w;       /* the largest count's width */
};

G_DEFINE_FINAL_TYPE (FlClassChart, fl_class_chart, GTK_TYPE_WIDGET)

static PangoLayout *
make_layout (FlClassChart *self,
             const char   *text)
{
  return fl_small_layout (gtk_widget_get_pango_context (GTK_WIDGET (self)), text);
}

static void
forget_layouts (FlClassChart *self)
{
  g_clear_object (&self->context);
  self->serial = 0;
  g_clear_pointer (&self->name_layouts, g_ptr_array_unref);
  g_clear_pointer (&self->count_layouts, g_ptr_array_unref);
}

/* Makes the layouts unless they are made already; a new font (the style
 * sheet, the display's resolution) shows in the Pango context's serial. */
static void
ensure_layouts (FlClassChart *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  guint serial = pango_context_get_serial (context);
  g_autofree char *max_text = g_strdup_printf ("%d", self->max);
  g_autoptr(PangoLayout) probe = NULL;
  int w, h;

  if (context == self->context && serial == self->serial)
    return;
  forget_layouts (self);
  self->name_layouts = g_ptr_array_new_full (self->n, g_object_unref);
  self->count_layouts = g_ptr_array_new_full (self->n, g_object_unref);
  self->names_w = 0;
  for (int i = 0; i < self->n; i++)
    {
      PangoLayout *name = make_layout (self, self->names[i]);
      g_autofree char *count_text = g_strdup_printf ("%d", self->counts[i]);

      /* measured whole; the snapshot fits it to the name column */
      pango_layout_get_pixel_size (name, &w, &h);
      self->names_w = MAX (self->names_w, w);
      pango_layout_set_ellipsize (name, PANGO_ELLIPSIZE_END);
      g_ptr_array_add (self->name_layouts, name);
      g_ptr_array_add (self->count_layouts, make_layout (self, count_text));
    }
  probe = make_layout (self, max_text);
  pango_layout_get_pixel_size (probe, &w, &h);
  self->count_w = w;
  self->context = g_object_ref (context);
  self->serial = serial;
}

static void
fl_class_chart_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  FlClassChart *self = FL_CLASS_CHART (widget);
  double width = gtk_widget_get_width (widget);
  double name_w, bar_max;
  cairo_t *cr;
  GdkRGBA fg, accent;

  if (self->n == 0)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  fl_color_rgba (FL_COLOR_ACCENT, &accent);

  ensure_layouts (self);
  /* the widest name, at most a third of the chart */
  name_w = MIN (self->names_w, floor (width / 3));
  bar_max = MAX (width - name_w - GAP - GAP - self->count_w, 10.0);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, self->n * ROW_H));
  for (int i = 0; i < self->n; i++)
    {
      PangoLayout *name = g_ptr_array_index (self->name_layouts, i);
      PangoLayout *count = g_ptr_array_index (self->count_layouts, i);
      double y = i * ROW_H, bar_w = self->max > 0 ? bar_max * self->counts[i] / self->max : 0;
      int w, h;

      pango_layout_set_width (name, name_w > 0 ? (int) (name_w * PANGO_SCALE) : -1);
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
  int i = (int) (y / ROW_H);

  if (keyboard || i < 0 || i >= self->n)
    return FALSE;
  /* TRANSLATORS: a bar's tooltip on the Data page: class name, its samples, their share */
  text = g_markup_printf_escaped (g_dngettext (GETTEXT_PACKAGE, "<b>%s</b>: %d sample (%.1f%%)",
                                               "<b>%s</b>: %d samples (%.1f%%)", self->counts[i]),
                                  self->names[i], self->counts[i],
                                  self->total > 0 ? 100.0 * self->counts[i] / self->total : 0.0);
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
  forget_layouts (self);

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
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Samples per class"),
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
  self->total = 0;
  self->names = g_new0 (char *, n + 1);
  self->counts = g_new0 (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      self->names[i] = g_strdup (names[i]);
      self->counts[i] = counts[i];
      self->max = MAX (self->max, counts[i]);
      self->total += counts[i];
    }
  forget_layouts (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

int
fl_class_chart_get_n_bars (FlClassChart *self)
{
  g_return_val_if_fail (FL_IS_CLASS_CHART (self), 0);
  return self->n;
}
