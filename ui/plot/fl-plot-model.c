/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-plot-model"

#include "fl-plot-model.h"

#include <math.h>

#define SMOOTH_TAU 0.25   /* the default time constant, in epochs */

typedef struct {
  char       *label;
  char       *color;
  FlPlotStyle style;
  GArray     *points;     /* of FlPlotPoint, x non-decreasing */
  GArray     *smooth;     /* SMOOTHED only: of double, the average at each point */
  double      ema_num;
  double      ema_den;
  gboolean    hidden;     /* not in the current mode: left out everywhere */
  gboolean    active;     /* the user's choice, clicked in the legend */
} Series;

struct _FlPlotModel {
  GObject    parent_instance;

  GPtrArray *series;      /* of Series* */
  guint      serial;      /* counts the changes */
  char      *title;
  char      *x_title;
  char      *y_title;
  char      *placeholder_text;
  double     x_max;
  double     smooth_tau;  /* epochs; 0 = no smoothing */
  double     x_scale;     /* samples per epoch, or 1 for epochs */
  gboolean   percent;
  gboolean   log_scale;
};

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

static void
emit_changed (FlPlotModel *self)
{
  self->serial++;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* After a property changed: notify it, then ::changed. */
static void
property_changed (FlPlotModel *self,
                  int          prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  emit_changed (self);
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

static Series *
get_series (FlPlotModel *self,
            guint        series)
{
  return g_ptr_array_index (self->series, series);
}

/* The moving average at point j of s, from the one at j - 1. */
static void
smooth_push (FlPlotModel *self,
             Series      *s,
             guint        j)
{
  const FlPlotPoint *p = &g_array_index (s->points, FlPlotPoint, j);
  double w = 0.0, avg;

  if (j > 0 && self->smooth_tau > 0.0)
    w = exp (-(p->x - g_array_index (s->points, FlPlotPoint, j - 1).x) / self->smooth_tau);
  s->ema_num = w * s->ema_num + p->y;
  s->ema_den = w * s->ema_den + 1.0;
  avg = s->ema_num / s->ema_den;
  g_array_append_val (s->smooth, avg);
}

/* Recomputes the moving average of s over all its points. */
static void
smooth_all (FlPlotModel *self,
            Series      *s)
{
  if (s->smooth == NULL)
    return;
  g_array_set_size (s->smooth, 0);
  s->ema_num = s->ema_den = 0.0;
  for (guint j = 0; j < s->points->len; j++)
    smooth_push (self, s, j);
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
  g_free (s->color);
  g_array_unref (s->points);
  g_clear_pointer (&s->smooth, g_array_unref);
  g_free (s);
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

  G_OBJECT_CLASS (fl_plot_model_parent_class)->finalize (object);
}

static void
fl_plot_model_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FlPlotModel *self = FL_PLOT_MODEL (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_X_TITLE:
      g_value_set_string (value, self->x_title);
      break;
    case PROP_Y_TITLE:
      g_value_set_string (value, self->y_title);
      break;
    case PROP_PLACEHOLDER_TEXT:
      g_value_set_string (value, self->placeholder_text);
      break;
    case PROP_PERCENT:
      g_value_set_boolean (value, self->percent);
      break;
    case PROP_X_MAX:
      g_value_set_double (value, self->x_max);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smooth_tau);
      break;
    case PROP_LOG_SCALE:
      g_value_set_boolean (value, self->log_scale);
      break;
    case PROP_X_SCALE:
      g_value_set_double (value, self->x_scale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
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
  properties[PROP_X_TITLE] = g_param_spec_string ("x-title", NULL, NULL, "Epoch", flags);
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
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->x_title = g_strdup ("Epoch");
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
  Series *s;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), 0);
  g_return_val_if_fail (label != NULL && color != NULL, 0);

  s = g_new0 (Series, 1);
  s->label = g_strdup (label);
  s->color = g_strdup (color);
  s->style = style;
  s->active = TRUE;
  s->points = g_array_new (FALSE, FALSE, sizeof (FlPlotPoint));
  if (style == FL_PLOT_STYLE_SMOOTHED)
    s->smooth = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, s);
  emit_changed (self);
  return self->series->len - 1;
}

void
fl_plot_model_append (FlPlotModel *self,
                      guint        series,
                      double       x,
                      double       y)
{
  FlPlotPoint p = { x, y };
  Series *s;

  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  if (!isfinite (x) || !isfinite (y))
    return;

  s = get_series (self, series);
  g_array_append_val (s->points, p);
  if (s->smooth != NULL)
    smooth_push (self, s, s->points->len - 1);
  emit_changed (self);
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
  Series *s;

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
  Series *s;

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
  Series *s;

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
  Series *s;

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
    series_clear (get_series (self, i));
  emit_changed (self);
}

void
fl_plot_model_clear_series (FlPlotModel *self,
                            guint        series)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  series_clear (get_series (self, series));
  emit_changed (self);
}

void
fl_plot_model_remove_series_from (FlPlotModel *self,
                                  guint        first)
{
  g_return_if_fail (FL_IS_PLOT_MODEL (self));

  if (first >= self->series->len)
    return;
  g_ptr_array_set_size (self->series, first);
  emit_changed (self);
}

void
fl_plot_model_set_series_visible (FlPlotModel *self,
                                  guint        series,
                                  gboolean     visible)
{
  Series *s;

  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  s = get_series (self, series);
  if (s->hidden == !visible)
    return;
  s->hidden = !visible;
  emit_changed (self);
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
  Series *s;

  g_return_if_fail (FL_IS_PLOT_MODEL (self));
  g_return_if_fail (series < self->series->len);

  s = get_series (self, series);
  if (s->active == !!active)
    return;
  s->active = !!active;
  emit_changed (self);
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
  Series *s;

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
      Series *s = get_series (self, i);

      if (!s->hidden && s->points->len > 0)
        return TRUE;
    }
  return FALSE;
}

/* The epoch points come first: the readout snaps to one of them, and to
 * the batch points only when there is no epoch point yet. */
gboolean
fl_plot_model_snap_x (FlPlotModel *self,
                      double       x,
                      double      *snapped)
{
  double best = G_MAXDOUBLE;
  gboolean found = FALSE;

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), FALSE);

  for (int pass = 0; pass < 2 && !found; pass++)
    for (guint i = 0; i < self->series->len; i++)
      {
        Series *s = get_series (self, i);

        if (!fl_plot_model_series_drawn (self, i) || (pass == 0) == (s->style == FL_PLOT_STYLE_SMOOTHED))
          continue;
        for (guint j = 0; j < s->points->len; j++)
          {
            double px = g_array_index (s->points, FlPlotPoint, j).x;

            if (fabs (px - x) < best)
              {
                best = fabs (px - x);
                *snapped = px;
                found = TRUE;
              }
          }
      }
  return found;
}

/* The value s shows at x: its point at x, or for a smoothed series the
 * average at the last point not after x. */
static gboolean
series_value_at (const Series *s,
                 double        x,
                 double       *y)
{
  gboolean found = FALSE;

  for (guint j = 0; j < s->points->len; j++)
    {
      const FlPlotPoint *p = &g_array_index (s->points, FlPlotPoint, j);

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

GArray *
fl_plot_model_read_at (FlPlotModel *self,
                       double       x)
{
  GArray *readings = g_array_new (FALSE, FALSE, sizeof (FlPlotReading));

  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), readings);

  for (guint i = 0; i < self->series->len; i++)
    {
      FlPlotReading r = { .series = i };

      if (fl_plot_model_series_drawn (self, i) && series_value_at (get_series (self, i), x, &r.y))
        g_array_append_val (readings, r);
    }
  return readings;
}

char *
fl_plot_model_format_x (FlPlotModel *self,
                        double       x)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);

  if (self->x_scale != 1.0)
    return g_strdup_printf ("%.0f samples", x * self->x_scale);
  if (fabs (x - round (x)) < 1e-9)
    return g_strdup_printf ("%s %.0f", fl_plot_model_get_x_axis_title (self), x);
  return g_strdup_printf ("%s %.2f", fl_plot_model_get_x_axis_title (self), x);
}

char *
fl_plot_model_format_value (FlPlotModel *self,
                            double       y)
{
  g_return_val_if_fail (FL_IS_PLOT_MODEL (self), NULL);

  if (self->percent)
    return g_strdup_printf ("%.1f%%", y * 100.0);
  return g_strdup_printf ("%.4f", y);
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
    smooth_all (self, get_series (self, i));
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
    return "Samples seen";
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
