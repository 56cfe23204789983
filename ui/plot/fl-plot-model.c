/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-model"

#include "fl-plot-model-private.h"
#include "fl-i18n.h"

#include <math.h>

#define SMOOTH_TAU 0.25   /* the default time constant, in epochs */

G_DEFINE_FINAL_TYPE (FlPlotModel, fl_plot_model, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_X_TITLE,
  PROP_Y_TITLE,
  PROP_PLACEHOLDER_TEXT,
  PROP_PERCENT,
  PROP_X_MAX,
  PROP_SMOOTHING,
  PROP_LOG_SCALE,
  PROP_X_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_fl_plot_model_changed (FlPlotModel *self)
{
  self->serial++;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* After the points of a series changed: ::changed, unless the series is
 * hidden, when nothing drawn depends on them (bench/mainloop.sh: a
 * comparison appended every batch's loss to the hidden curve of the run
 * training, and each append laid out and drew the loss plot again). */
static void
points_changed (FlPlotModel *self,
                guint        series)
{
  if (!((FlPlotSeries *) g_ptr_array_index (self->series, series))->hidden)
    _fl_plot_model_changed (self);
}

/* After a property changed: notify it, then ::changed. */
static void
property_changed (FlPlotModel *self,
                  int          prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  _fl_plot_model_changed (self);
}

static void
set_text (FlPlotModel *self,
          char       **field,
          const char  *value,
          int          prop)
{
  if (*field == value || g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  property_changed (self, prop);
}

static void
set_double (FlPlotModel *self,
            double      *field,
            double       value,
            int          prop)
{
  if (*field == value)
    return;
  *field = value;
  property_changed (self, prop);
}

static void
set_boolean (FlPlotModel *self,
             gboolean    *field,
             gboolean     value,
             int          prop)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  property_changed (self, prop);
}

static void
fl_plot_model_finalize (GObject *object)
{
  FlPlotModel *self = FL_PLOT_MODEL (object);

  g_clear_pointer (&self->series, g_ptr_array_unref);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->x_title, g_free);
  g_clear_pointer (&self->y_title, g_free);
  g_clear_pointer (&self->placeholder_text, g_free);
  g_clear_pointer (&self->band_note, g_free);

  G_OBJECT_CLASS (fl_plot_model_parent_class)->finalize (object);
}

/* Where each property is kept, for reading it. */
static const gsize prop_offsets[N_PROPS] = {
  [PROP_TITLE] = G_STRUCT_OFFSET (FlPlotModel, title),
  [PROP_X_TITLE] = G_STRUCT_OFFSET (FlPlotModel, x_title),
  [PROP_Y_TITLE] = G_STRUCT_OFFSET (FlPlotModel, y_title),
  [PROP_PLACEHOLDER_TEXT] = G_STRUCT_OFFSET (FlPlotModel, placeholder_text),
  [PROP_PERCENT] = G_STRUCT_OFFSET (FlPlotModel, percent),
  [PROP_X_MAX] = G_STRUCT_OFFSET (FlPlotModel, x_max),
  [PROP_SMOOTHING] = G_STRUCT_OFFSET (FlPlotModel, smooth_tau),
  [PROP_LOG_SCALE] = G_STRUCT_OFFSET (FlPlotModel, log_scale),
  [PROP_X_SCALE] = G_STRUCT_OFFSET (FlPlotModel, x_scale),
};

static void
fl_plot_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  gpointer field;

  if (prop_id == PROP_0 || prop_id >= N_PROPS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  field = G_STRUCT_MEMBER_P (object, prop_offsets[prop_id]);
  if (G_IS_PARAM_SPEC_STRING (pspec))
    g_value_set_string (value, *(char **) field);
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    g_value_set_boolean (value, *(gboolean *) field);
  else
    g_value_set_double (value, *(double *) field);
}

static void
fl_plot_model_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FlPlotModel *self = FL_PLOT_MODEL (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      fl_plot_model_set_title (self, g_value_get_string (value));
      break;
    case PROP_X_TITLE:
      fl_plot_model_set_x_title (self, g_value_get_string (value));
      break;
    case PROP_Y_TITLE:
      fl_plot_model_set_y_title (self, g_value_get_string (value));
      break;
    case PROP_PLACEHOLDER_TEXT:
      fl_plot_model_set_placeholder_text (self, g_value_get_string (value));
      break;
    case PROP_PERCENT:
      fl_plot_model_set_percent (self, g_value_get_boolean (value));
      break;
    case PROP_X_MAX:
      fl_plot_model_set_x_max (self, g_value_get_double (value));
      break;
    case PROP_SMOOTHING:
      fl_plot_model_set_smoothing (self, g_value_get_double (value));
      break;
    case PROP_LOG_SCALE:
      fl_plot_model_set_log_scale (self, g_value_get_boolean (value));
      break;
    case PROP_X_SCALE:
      fl_plot_model_set_x_scale (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_plot_model_class_init (FlPlotModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fl_plot_model_finalize;
  object_class->get_property = fl_plot_model_get_property;
  object_class->set_property = fl_plot_model_set_property;

  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_X_TITLE] = g_param_spec_string ("x-title", NULL, NULL, fl_plot_model_epoch_title (), flags);
  properties[PROP_Y_TITLE] = g_param_spec_string ("y-title", NULL, NULL, NULL, flags);
  properties[PROP_PLACEHOLDER_TEXT] = g_param_spec_string ("placeholder-text", NULL, NULL, NULL, flags);
  properties[PROP_PERCENT] = g_param_spec_boolean ("percent", NULL, NULL, FALSE, flags);
  properties[PROP_X_MAX] = g_param_spec_double ("x-max", NULL, NULL, 1.0, G_MAXDOUBLE, 10.0, flags);
  properties[PROP_SMOOTHING] = g_param_spec_double ("smoothing", NULL, NULL, 0.0, G_MAXDOUBLE,
                                                    SMOOTH_TAU, flags);
  properties[PROP_LOG_SCALE] = g_param_spec_boolean ("log-scale", NULL, NULL, FALSE, flags);
  properties[PROP_X_SCALE] = g_param_spec_double ("x-scale", NULL, NULL, 1.0, G_MAXDOUBLE, 1.0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Anything the plot shows changed: its series, points or properties. */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
fl_plot_model_init (FlPlotModel *self)
{
  self->series = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_plot_series_free);
  self->x_title = g_strdup (fl_plot_model_epoch_title ());
  self->x_max = 10.0;
  self->smooth_tau = SMOOTH_TAU;
  self->x_scale = 1.0;
}

FlPlotModel *
fl_plot_model_new (void)
{
  return g_object_new (FL_TYPE_PLOT_MODEL, NULL);
}

guint
fl_plot_model_add_series (FlPlotModel *self,
                          const char  *label,
                          const char  *color,
                          FlPlotStyle  style)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 0);
  g_return_val_if_fail (label != NULL && color != NULL, 0);

  g_ptr_array_add (self->series, fl_plot_series_new (label, color, style));
  _fl_plot_model_changed (self);
  return self->series->len - 1;
}

void
fl_plot_model_append (FlPlotModel *self,
                      guint        series,
                      double       x,
                      double       y)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  if (!isfinite (x) || !isfinite (y))
    return;
  fl_plot_series_append (get_series (self, series), x, y, self->smooth_tau);
  points_changed (self, series);
}

guint
fl_plot_model_get_serial (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 0);
  return self->serial;
}

guint
fl_plot_model_get_n_series (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 0);
  return self->series->len;
}

guint
fl_plot_model_get_n_points (FlPlotModel *self,
                            guint        series)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);
  return get_series (self, series)->points->len;
}

const FlPlotPoint *
fl_plot_model_get_points (FlPlotModel *self,
                          guint        series,
                          guint       *n_points)
{
  FlPlotSeries *s;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);

  s = get_series (self, series);
  if (n_points != NULL)
    *n_points = s->points->len;
  return (const FlPlotPoint *) s->points->data;
}

const double *
fl_plot_model_get_smoothed (FlPlotModel *self,
                            guint        series)
{
  FlPlotSeries *s;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);

  s = get_series (self, series);
  return s->smooth != NULL ? (const double *) s->smooth->data : NULL;
}

gboolean
fl_plot_model_get_point (FlPlotModel *self,
                         guint        series,
                         guint        i,
                         double      *x,
                         double      *y)
{
  const FlPlotPoint *p;
  FlPlotSeries *s;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);
  if (series >= self->series->len)
    return FALSE;
  s = get_series (self, series);
  if (i >= s->points->len)
    return FALSE;
  p = &g_array_index (s->points, FlPlotPoint, i);
  if (x != NULL)
    *x = p->x;
  if (y != NULL)
    *y = p->y;
  return TRUE;
}

gboolean
fl_plot_model_get_smoothed_point (FlPlotModel *self,
                                  guint        series,
                                  guint        i,
                                  double      *y)
{
  FlPlotSeries *s;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);
  if (series >= self->series->len)
    return FALSE;
  s = get_series (self, series);
  if (s->smooth == NULL || i >= s->smooth->len)
    return FALSE;
  if (y != NULL)
    *y = g_array_index (s->smooth, double, i);
  return TRUE;
}

const FlPlotSeries *
fl_plot_model_get_series (FlPlotModel *self,
                          guint        series)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);
  return get_series (self, series);
}

const char *
fl_plot_model_get_label (FlPlotModel *self,
                         guint        series)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);
  return get_series (self, series)->label;
}

const char *
fl_plot_model_get_color (FlPlotModel *self,
                         guint        series)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);
  return get_series (self, series)->color;
}

FlPlotStyle
fl_plot_model_get_style (FlPlotModel *self,
                         guint        series)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FL_PLOT_STYLE_LINE);
  g_return_val_if_fail (series < self->series->len, FL_PLOT_STYLE_LINE);
  return get_series (self, series)->style;
}

void
fl_plot_model_clear (FlPlotModel *self)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));

  for (guint i = 0; i < self->series->len; i++)
    fl_plot_series_clear (get_series (self, i));
  _fl_plot_model_changed (self);
}

void
fl_plot_model_clear_series (FlPlotModel *self,
                            guint        series)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  fl_plot_series_clear (get_series (self, series));
  points_changed (self, series);
}

void
fl_plot_model_remove_series_from (FlPlotModel *self,
                                  guint        first)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));

  if (first >= self->series->len)
    return;
  g_ptr_array_set_size (self->series, first);
  _fl_plot_model_changed (self);
}

void
fl_plot_model_set_series_visible (FlPlotModel *self,
                                  guint        series,
                                  gboolean     visible)
{
  FlPlotSeries *s;

  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  s = get_series (self, series);
  if (s->hidden == !visible)
    return;
  s->hidden = !visible;
  _fl_plot_model_changed (self);
}

gboolean
fl_plot_model_get_series_visible (FlPlotModel *self,
                                  guint        series)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);
  g_return_val_if_fail (series < self->series->len, FALSE);
  return !get_series (self, series)->hidden;
}

void
fl_plot_model_set_series_active (FlPlotModel *self,
                                 guint        series,
                                 gboolean     active)
{
  FlPlotSeries *s;

  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  s = get_series (self, series);
  if (s->active == !!active)
    return;
  s->active = !!active;
  _fl_plot_model_changed (self);
}

gboolean
fl_plot_model_get_series_active (FlPlotModel *self,
                                 guint        series)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);
  g_return_val_if_fail (series < self->series->len, FALSE);
  return get_series (self, series)->active;
}

gboolean
fl_plot_model_series_drawn (FlPlotModel *self,
                            guint        series)
{
  FlPlotSeries *s;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);
  g_return_val_if_fail (series < self->series->len, FALSE);

  s = get_series (self, series);
  return !s->hidden && s->active;
}

/* The placeholder text is for a plot with nothing yet, not for one whose
 * curves the user has all clicked away. */
gboolean
fl_plot_model_has_points (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);

  for (guint i = 0; i < self->series->len; i++)
    {
      FlPlotSeries *s = get_series (self, i);

      if (!s->hidden && s->points->len > 0)
        return TRUE;
    }
  return FALSE;
}

void
fl_plot_model_set_x_max (FlPlotModel *self,
                         double       x_max)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_double (self, &self->x_max, MAX (x_max, 1.0), PROP_X_MAX);
}

double
fl_plot_model_get_x_max (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 0.0);
  return self->x_max;
}

void
fl_plot_model_set_smoothing (FlPlotModel *self,
                             double       tau)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));

  tau = MAX (tau, 0.0);
  if (self->smooth_tau == tau)
    return;
  self->smooth_tau = tau;
  for (guint i = 0; i < self->series->len; i++)
    fl_plot_series_smooth (get_series (self, i), tau);
  property_changed (self, PROP_SMOOTHING);
}

double
fl_plot_model_get_smoothing (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 0.0);
  return self->smooth_tau;
}

void
fl_plot_model_set_log_scale (FlPlotModel *self,
                             gboolean     log_scale)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_boolean (self, &self->log_scale, log_scale, PROP_LOG_SCALE);
}

gboolean
fl_plot_model_get_log_scale (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);
  return self->log_scale;
}

void
fl_plot_model_set_x_scale (FlPlotModel *self,
                           double       samples_per_epoch)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_double (self, &self->x_scale, samples_per_epoch >= 1.0 ? samples_per_epoch : 1.0, PROP_X_SCALE);
}

double
fl_plot_model_get_x_scale (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 1.0);
  return self->x_scale;
}

void
fl_plot_model_set_percent (FlPlotModel *self,
                           gboolean     percent)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_boolean (self, &self->percent, percent, PROP_PERCENT);
}

gboolean
fl_plot_model_get_percent (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);
  return self->percent;
}

void
fl_plot_model_set_title (FlPlotModel *self,
                         const char  *title)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_text (self, &self->title, title, PROP_TITLE);
}

const char *
fl_plot_model_get_title (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  return self->title;
}

void
fl_plot_model_set_x_title (FlPlotModel *self,
                           const char  *x_title)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_text (self, &self->x_title, x_title, PROP_X_TITLE);
}

/* The default x title, in the user's language; the readout says "Epoch 3"
 * as one sentence when the title is this one. */
const char *
fl_plot_model_epoch_title (void)
{
  return C_("plot axis", "Epoch");
}

const char *
fl_plot_model_get_x_title (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  return self->x_title;
}

void
fl_plot_model_set_y_title (FlPlotModel *self,
                           const char  *y_title)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_text (self, &self->y_title, y_title, PROP_Y_TITLE);
}

const char *
fl_plot_model_get_y_title (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  return self->y_title;
}

void
fl_plot_model_set_placeholder_text (FlPlotModel *self,
                                    const char  *text)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  set_text (self, &self->placeholder_text, text, PROP_PLACEHOLDER_TEXT);
}

const char *
fl_plot_model_get_placeholder_text (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);
  return self->placeholder_text;
}

const char *
fl_plot_model_get_x_axis_title (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);

  if (self->x_scale != 1.0)
    return C_("plot axis", "Samples seen");
  return self->x_title != NULL ? self->x_title : "";
}

const char *
fl_plot_model_get_y_axis_title (FlPlotModel *self)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);

  if (self->y_title != NULL)
    return self->y_title;
  return self->title != NULL ? self->title : "";
}
