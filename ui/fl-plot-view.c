/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-view"

#include "fl-plot-view.h"
#include "fl-i18n.h"
#include "fl-plot-layout.h"
#include "fl-plot-readout.h"
#include "fl-plot-renderer.h"

struct _FlPlotView {
  GtkWidget          parent_instance;

  FlPlotModel       *model;
  FlPlotLayoutCache  cache;          /* the layout on screen */
  double             font_scale;

  gboolean           pointer_inside;
  double             pointer_x;
  double             pointer_y;
  int                legend_hover;   /* the series whose entry is under the pointer, or -1 */
  int                legend_pressed; /* … under the pressed button, or -1 */
};

G_DEFINE_FINAL_TYPE (FlPlotView, fl_plot_view, GTK_TYPE_WIDGET)

/* The first properties are the model's, under the same names: the view
 * passes them on, and notifies them when the model does. */
enum {
  PROP_0,
  PROP_TITLE,
  PROP_X_TITLE,
  PROP_Y_TITLE,
  PROP_PERCENT,
  PROP_X_MAX,
  PROP_PLACEHOLDER_TEXT,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SERIES_TOGGLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The layout at width × height, cached until something it depends on
 * changes: never made again for a pointer motion. */
static const FlPlotLayout *
layout_at (FlPlotView *self,
           double      width,
           double      height)
{
  return fl_plot_layout_cache_get (&self->cache, self->model,
                                   gtk_widget_get_pango_context (GTK_WIDGET (self)),
                                   self->font_scale, width, height);
}

/* The layout on screen, or NULL when the widget is too small to draw. */
static const FlPlotLayout *
screen_layout (FlPlotView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (width < 80 || height < 80)
    return NULL;
  return layout_at (self, width, height);
}

/* Lets go of the model and what was laid out from it. */
static void
drop_model (FlPlotView *self)
{
  fl_plot_layout_cache_clear (&self->cache);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);
}

static void
update_accessible_label (FlPlotView *self)
{
  const char *title = fl_plot_model_get_title (self->model);

  if (title != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
model_notify_cb (FlPlotView  *self,
                 GParamSpec  *pspec,
                 FlPlotModel *model)
{
  GParamSpec *own = g_object_class_find_property (G_OBJECT_GET_CLASS (self), pspec->name);

  if (own != NULL && own != properties[PROP_MODEL])
    g_object_notify_by_pspec (G_OBJECT (self), own);
  if (own == properties[PROP_TITLE])
    update_accessible_label (self);
}

static void
fl_plot_view_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  FlPlotView *self = FL_PLOT_VIEW (widget);
  const FlPlotLayout *lay = screen_layout (self);
  cairo_t *cr;
  GdkRGBA fg;
  double x;

  if (lay == NULL)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, lay->width, lay->height));
  fl_plot_renderer_draw (cr, self->model, lay, &fg);
  if (self->pointer_inside &&
      self->pointer_x >= lay->left - 4 && self->pointer_x <= lay->right + 4 &&
      self->pointer_y >= lay->top - 4 && self->pointer_y <= lay->bottom + 4 &&
      fl_plot_readout_snap (self->model, fl_plot_layout_px_to_x (lay, self->pointer_x), &x))
    fl_plot_renderer_draw_readout (cr, self->model, lay, x, &fg);
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
  gboolean horizontal = orientation == GTK_ORIENTATION_HORIZONTAL;

  *minimum = horizontal ? 260 : 200;
  *natural = horizontal ? 480 : 300;
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

  if (series < 0)
    return FALSE;
  /* TRANSLATORS: a legend entry's tooltip; %s is the curve's name */
  text = g_strdup_printf (fl_plot_model_get_series_active (self->model, series) ? _("Click to hide “%s”")
                                                                                 : _("Click to show “%s”"),
                          fl_plot_model_get_label (self->model, series));
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
fl_plot_view_dispose (GObject *object)
{
  drop_model (FL_PLOT_VIEW (object));

  G_OBJECT_CLASS (fl_plot_view_parent_class)->dispose (object);
}

static void
fl_plot_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FlPlotView *self = FL_PLOT_VIEW (object);

  if (prop_id == PROP_MODEL)
    g_value_set_object (value, self->model);
  else if (prop_id < N_PROPS)
    g_object_get_property (G_OBJECT (self->model), pspec->name, value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
fl_plot_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FlPlotView *self = FL_PLOT_VIEW (object);

  if (prop_id == PROP_MODEL)
    fl_plot_view_set_model (self, g_value_get_object (value));
  else if (prop_id < N_PROPS)
    g_object_set_property (G_OBJECT (self->model), pspec->name, value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

/* The view's own copy of the model's property called name. */
static GParamSpec *
model_property (const char *name)
{
  GParamSpec *m = g_object_class_find_property (g_type_class_peek (FL_TYPE_PLOT_MODEL), name);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  if (G_IS_PARAM_SPEC_STRING (m))
    return g_param_spec_string (name, NULL, NULL, G_PARAM_SPEC_STRING (m)->default_value, flags);
  if (G_IS_PARAM_SPEC_BOOLEAN (m))
    return g_param_spec_boolean (name, NULL, NULL, G_PARAM_SPEC_BOOLEAN (m)->default_value, flags);
  return g_param_spec_double (name, NULL, NULL, G_PARAM_SPEC_DOUBLE (m)->minimum,
                              G_PARAM_SPEC_DOUBLE (m)->maximum, G_PARAM_SPEC_DOUBLE (m)->default_value, flags);
}

static void
fl_plot_view_class_init (FlPlotViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_plot_view_dispose;
  object_class->get_property = fl_plot_view_get_property;
  object_class->set_property = fl_plot_view_set_property;

  widget_class->snapshot = fl_plot_view_snapshot;
  widget_class->measure = fl_plot_view_measure;
  widget_class->query_tooltip = fl_plot_view_query_tooltip;

  g_type_class_ref (FL_TYPE_PLOT_MODEL);
  properties[PROP_TITLE] = model_property ("title");
  properties[PROP_X_TITLE] = model_property ("x-title");
  properties[PROP_Y_TITLE] = model_property ("y-title");
  properties[PROP_PERCENT] = model_property ("percent");
  properties[PROP_X_MAX] = model_property ("x-max");
  properties[PROP_PLACEHOLDER_TEXT] = model_property ("placeholder-text");
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, FL_TYPE_PLOT_MODEL,
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

  self->font_scale = 1.0;
  self->legend_hover = -1;
  self->legend_pressed = -1;
  fl_plot_view_set_model (self, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (click, "released", G_CALLBACK (released_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Click a name in the legend to hide or show its curve"),
                                  -1);
}

GtkWidget *
fl_plot_view_new (void)
{
  return g_object_new (FL_TYPE_PLOT_VIEW, NULL);
}

FlPlotModel *
fl_plot_view_get_model (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), NULL);
  return self->model;
}

void
fl_plot_view_set_model (FlPlotView  *self,
                        FlPlotModel *model)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  g_return_if_fail (model == NULL || FL_IS_PLOT_MODEL (model));

  if (self->model != NULL && self->model == model)
    return;
  drop_model (self);
  self->model = model != NULL ? g_object_ref (model) : fl_plot_model_new ();
  /* the cache sees the change by the model's serial: only draw again */
  g_signal_connect_object (self->model, "changed", G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify", G_CALLBACK (model_notify_cb), self, G_CONNECT_SWAPPED);

  update_accessible_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_freeze_notify (G_OBJECT (self));
  for (guint p = PROP_0 + 1; p < N_PROPS && properties[p] != NULL; p++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[p]);
  g_object_thaw_notify (G_OBJECT (self));
}

guint
fl_plot_view_add_series (FlPlotView  *self,
                         const char  *label,
                         const char  *color,
                         FlPlotStyle  style)
{
  GdkRGBA rgba;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0);
  g_return_val_if_fail (label != NULL && color != NULL, 0);

  if (!gdk_rgba_parse (&rgba, color))
    g_critical ("not a colour: %s", color);
  return fl_plot_model_add_series (self->model, label, color, style);
}

void
fl_plot_view_append (FlPlotView *self,
                     guint       series,
                     double      x,
                     double      y)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_append (self->model, series, x, y);
}

guint
fl_plot_view_get_n_series (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0);
  return fl_plot_model_get_n_series (self->model);
}

guint
fl_plot_view_get_n_points (FlPlotView *self,
                           guint       series)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0);
  return fl_plot_model_get_n_points (self->model, series);
}

gboolean
fl_plot_view_get_point (FlPlotView *self,
                        guint       series,
                        guint       i,
                        double     *x,
                        double     *y)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  return fl_plot_model_get_point (self->model, series, i, x, y);
}

void
fl_plot_view_clear (FlPlotView *self)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_clear (self->model);
}

void
fl_plot_view_set_x_max (FlPlotView *self,
                        double      x_max)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_x_max (self->model, x_max);
}

double
fl_plot_view_get_x_max (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0.0);
  return fl_plot_model_get_x_max (self->model);
}

const char *
fl_plot_view_get_title (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), NULL);
  return fl_plot_model_get_title (self->model);
}

void
fl_plot_view_set_title (FlPlotView *self,
                        const char *title)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_title (self->model, title);
}

const char *
fl_plot_view_get_x_title (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), NULL);
  return fl_plot_model_get_x_title (self->model);
}

void
fl_plot_view_set_x_title (FlPlotView *self,
                          const char *x_title)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_x_title (self->model, x_title);
}

const char *
fl_plot_view_get_y_title (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), NULL);
  return fl_plot_model_get_y_title (self->model);
}

void
fl_plot_view_set_y_title (FlPlotView *self,
                          const char *y_title)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_y_title (self->model, y_title);
}

gboolean
fl_plot_view_get_percent (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  return fl_plot_model_get_percent (self->model);
}

void
fl_plot_view_set_percent (FlPlotView *self,
                          gboolean    percent)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_percent (self->model, percent);
}

char *
fl_plot_view_describe_at (FlPlotView *self,
                          double      px)
{
  const FlPlotLayout *lay;
  double x;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), NULL);

  lay = layout_at (self, MAX (gtk_widget_get_width (GTK_WIDGET (self)), 100),
                   MAX (gtk_widget_get_height (GTK_WIDGET (self)), 100));
  if (!fl_plot_readout_snap (self->model, fl_plot_layout_px_to_x (lay, px), &x))
    return NULL;
  return fl_plot_readout_describe (self->model, x);
}

void
fl_plot_view_set_series_visible (FlPlotView *self,
                                 guint       series,
                                 gboolean    visible)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_series_visible (self->model, series, visible);
}

gboolean
fl_plot_view_get_series_visible (FlPlotView *self,
                                 guint       series)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  return fl_plot_model_get_series_visible (self->model, series);
}

void
fl_plot_view_set_series_active (FlPlotView *self,
                                guint       series,
                                gboolean    active)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_series_active (self->model, series, active);
}

gboolean
fl_plot_view_get_series_active (FlPlotView *self,
                                guint       series)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  return fl_plot_model_get_series_active (self->model, series);
}

int
fl_plot_view_legend_series_at (FlPlotView *self,
                               double      x,
                               double      y)
{
  const FlPlotLayout *lay;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), -1);

  lay = screen_layout (self);
  return lay != NULL ? fl_plot_layout_legend_at (lay, x, y) : -1;
}

gboolean
fl_plot_view_get_legend_entry (FlPlotView      *self,
                               guint            series,
                               graphene_rect_t *rect)
{
  const FlPlotLayout *lay;
  const FlPlotLegendEntry *e;

  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);

  lay = screen_layout (self);
  e = lay != NULL ? fl_plot_layout_legend_entry (lay, series) : NULL;
  if (e != NULL && rect != NULL)
    *rect = e->rect;
  return e != NULL;
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
  active = !fl_plot_model_get_series_active (self->model, series);
  fl_plot_model_set_series_active (self->model, series, active);
  g_signal_emit (self, signals[SERIES_TOGGLED], 0, (guint) series, active);
  return series;
}

void
fl_plot_view_clear_series (FlPlotView *self,
                           guint       series)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_clear_series (self->model, series);
}

void
fl_plot_view_remove_series_from (FlPlotView *self,
                                 guint       first)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_remove_series_from (self->model, first);
}

gboolean
fl_plot_view_export (FlPlotView  *self,
                     const char  *path,
                     int          width,
                     int          height,
                     GError     **error)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  return fl_plot_renderer_export (self->model, gtk_widget_get_pango_context (GTK_WIDGET (self)),
                                  self->font_scale, path, width, height, error);
}

void
fl_plot_view_set_smoothing (FlPlotView *self,
                            double      tau)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_smoothing (self->model, tau);
}

double
fl_plot_view_get_smoothing (FlPlotView *self)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), 0.0);
  return fl_plot_model_get_smoothing (self->model);
}

gboolean
fl_plot_view_get_smoothed_point (FlPlotView *self,
                                 guint       series,
                                 guint       i,
                                 double     *y)
{
  g_return_val_if_fail (FL_IS_PLOT_VIEW (self), FALSE);
  return fl_plot_model_get_smoothed_point (self->model, series, i, y);
}

void
fl_plot_view_set_log_scale (FlPlotView *self,
                            gboolean    log_scale)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_log_scale (self->model, log_scale);
}

void
fl_plot_view_set_x_scale (FlPlotView *self,
                          double      samples_per_epoch)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  fl_plot_model_set_x_scale (self->model, samples_per_epoch);
}

void
fl_plot_view_set_font_scale (FlPlotView *self,
                             double      scale)
{
  g_return_if_fail (FL_IS_PLOT_VIEW (self));
  self->font_scale = CLAMP (scale, 0.5, 3.0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
