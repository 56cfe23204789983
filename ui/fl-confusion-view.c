/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-confusion-view"

#include "fl-confusion-view-private.h"
#include "fl-i18n.h"

#include <math.h>

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

static void
fl_confusion_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  FlConfusionView *self = FL_CONFUSION_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;
  GdkRGBA fg;

  if (self->n == 0 || !_fl_confusion_view_is_drawn (width, height))
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  _fl_confusion_view_ensure_drawing (self, width, height);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  _fl_confusion_view_render (self, cr, &fg);
  cairo_destroy (cr);
}

/* The cell (true class t, predicted p) at (x, y), if there is one. */
static gboolean
cell_at (FlConfusionView *self,
         double           x,
         double           y,
         int             *t,
         int             *p)
{
  if (self->n == 0)
    return FALSE;
  _fl_confusion_view_ensure_drawing (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                     gtk_widget_get_height (GTK_WIDGET (self)));
  *p = (int) floor ((x - self->lay.x0) / self->lay.cell);
  *t = (int) floor ((y - self->lay.y0) / self->lay.cell);
  return *p >= 0 && *t >= 0 && *p < self->n && *t < self->n;
}

/* The tooltip of a cell of a matrix of n test samples of its class. */
static const char *
test_tooltip (gint64 n)
{
  /* TRANSLATORS: a cell's tooltip after Evaluate on Test Data…: true
   * class, predicted class, the cell's count of the true class's test
   * samples, the share */
  return g_dngettext (GETTEXT_PACKAGE,
                      "True class <b>%s</b>, predicted <b>%s</b>\n"
                      "%lld of %lld test sample (%.1f%%)\n"
                      "<small>Click to see them</small>",
                      "True class <b>%s</b>, predicted <b>%s</b>\n"
                      "%lld of %lld test samples (%.1f%%)\n"
                      "<small>Click to see them</small>", (gulong) n);
}

static gboolean
query_tooltip_cb (FlConfusionView *self,
                  int              x,
                  int              y,
                  gboolean         keyboard,
                  GtkTooltip      *tooltip)
{
  g_autofree char *text = NULL;
  int t, p;
  gint64 count;

  if (keyboard || !cell_at (self, x, y, &t, &p))
    return FALSE;

  count = self->counts[t * self->n + p];
  /* TRANSLATORS: a cell's tooltip: true class, predicted class, the cell's
   * count of the true class's validation samples, the share */
  text = g_markup_printf_escaped (self->test_data ? test_tooltip (self->row_sums[t]) : g_dngettext (GETTEXT_PACKAGE,
                                               "True class <b>%s</b>, predicted <b>%s</b>\n"
                                               "%lld of %lld validation sample (%.1f%%)\n"
                                               "<small>Click to see them</small>",
                                               "True class <b>%s</b>, predicted <b>%s</b>\n"
                                               "%lld of %lld validation samples (%.1f%%)\n"
                                               "<small>Click to see them</small>", (gulong) self->row_sums[t]),
                                  self->names[t], self->names[p], (long long) count, (long long) self->row_sums[t],
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
  int t, p;

  if (cell_at (self, x, y, &t, &p))
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
  _fl_confusion_view_forget_drawing (self);

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
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confusion matrix"),
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
  self->test_data = FALSE;
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
  _fl_confusion_view_forget_drawing (self);
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
  _fl_confusion_view_forget_drawing (self);
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
fl_confusion_view_set_test_data (FlConfusionView *self,
                                 gboolean         test_data)
{
  g_return_if_fail (FL_IS_CONFUSION_VIEW (self));
  self->test_data = test_data;
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
  _fl_confusion_view_forget_geometry (self);
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
  gboolean sign = TRUE;

  g_return_val_if_fail (FL_IS_CONFUSION_VIEW (self), NULL);
  g_return_val_if_fail (t >= 0 && t < self->n, NULL);
  g_return_val_if_fail (p >= 0 && p < self->n, NULL);

  /* as drawn at the present size, if the matrix is drawn */
  width = gtk_widget_get_width (GTK_WIDGET (self));
  height = gtk_widget_get_height (GTK_WIDGET (self));
  if (_fl_confusion_view_is_drawn (width, height))
    {
      _fl_confusion_view_ensure_drawing (self, width, height);
      sign = self->style.sign;
    }
  return _fl_confusion_view_cell_text (self, t, p, sign);
}
