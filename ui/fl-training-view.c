/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-training-view"

#include "fl-training-view.h"

#include "fl-i18n.h"
#include "fl-route-curves.h"
#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

/* The loss plot's series: the per-batch, training and validation curves of
 * one run, then one validation curve per run, then in a cross-validation
 * one curve per route (the mean of its folds, in a band of ± 1 sd); the
 * accuracy plot's the same without the per-batch one. */
#define LOSS_FIRST_RUN     3
#define ACCURACY_FIRST_RUN 2

/* the legend's note of a route's band (translated where shown) */
#define BAND_NOTE N_("Mean ± sd across folds")

struct _FlTrainingView {
  GtkWidget        parent_instance;

  GtkRange        *smooth_scale;
  GtkCheckButton  *log_check;
  GtkDropDown     *x_dropdown;
  GtkToggleButton *present_toggle;
  GtkCheckButton  *folds_check;
  FlPlotView      *loss_plot;
  FlPlotView      *accuracy_plot;

  FlSession       *session;
  FlRunList       *runs;
  GPtrArray       *routes;    /* of FlRouteCurve: a cross-validation's, or empty */
  gboolean         presenting;
};

G_DEFINE_FINAL_TYPE (FlTrainingView, fl_training_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PRESENTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint
first_run (FlTrainingView *self,
           FlPlotView     *plot)
{
  return plot == self->loss_plot ? LOSS_FIRST_RUN : ACCURACY_FIRST_RUN;
}

int
fl_training_view_get_series (FlTrainingView *self,
                             FlPlotView     *plot,
                             FlCurve         curve)
{
  g_return_val_if_fail (FL_IS_TRAINING_VIEW (self), -1);

  if (plot == self->loss_plot)
    return (int) curve;
  return curve == FL_CURVE_BATCH ? -1 : (int) curve - 1;
}

int
fl_training_view_get_run_series (FlTrainingView *self,
                                 FlPlotView     *plot,
                                 int             run)
{
  g_return_val_if_fail (FL_IS_TRAINING_VIEW (self), -1);

  if (self->runs == NULL || run < 0 || run >= fl_run_list_get_n_runs (self->runs))
    return -1;
  return (int) first_run (self, plot) + run;
}

int
fl_training_view_get_n_routes (FlTrainingView *self)
{
  g_return_val_if_fail (FL_IS_TRAINING_VIEW (self), 0);
  return (int) self->routes->len;
}

int
fl_training_view_get_route_series (FlTrainingView *self,
                                   FlPlotView     *plot,
                                   int             route)
{
  g_return_val_if_fail (FL_IS_TRAINING_VIEW (self), -1);

  if (route < 0 || route >= (int) self->routes->len)
    return -1;
  return (int) first_run (self, plot) + fl_run_list_get_n_runs (self->runs) + route;
}

/* The k of the session's cross-validation, or 0 on one split. */
static int
cv_folds (FlTrainingView *self)
{
  FlComparison *cmp = self->session != NULL ? fl_session_get_comparison (self->session) : NULL;

  return cmp != NULL ? fl_comparison_cv_folds (cmp) : 0;
}

/* How run i's validation curve looks: in a cross-validation, a fold of a
 * route is a thin line in its route's colour (that of the route's first
 * run), and a run outside the design a dashed line in its own, apart from
 * the routes; on one split, a line in its own. */
static void
run_look (FlTrainingView *self,
          int             i,
          const char    **color,
          FlPlotStyle    *style)
{
  FlRunItem *item = fl_run_list_get (self->runs, i);
  int folds = cv_folds (self);

  *color = fl_run_item_get_color (item);
  *style = FL_PLOT_STYLE_LINE;
  if (folds < 2)
    return;
  *style = FL_PLOT_STYLE_DASHED;
  if (fl_run_item_get_settings (item)->kfold != folds)
    return;
  for (int j = 0; j <= i; j++)
    {
      FlRunItem *first = fl_run_list_get (self->runs, j);

      if (fl_run_item_get_fusion (first) == fl_run_item_get_fusion (item) &&
          fl_run_item_get_settings (first)->kfold == folds)
        {
          *color = fl_run_item_get_color (first);
          *style = FL_PLOT_STYLE_THIN;
          return;
        }
    }
}

/* Appends a point to one of the run's own curves in both plots, or only in
 * the loss plot for the per-batch loss. */
static void
append_own (FlTrainingView *self,
            FlCurve         curve,
            double          x,
            double          loss,
            double          accuracy)
{
  fl_plot_view_append (self->loss_plot, fl_training_view_get_series (self, self->loss_plot, curve), x, loss);
  if (curve != FL_CURVE_BATCH)
    fl_plot_view_append (self->accuracy_plot, fl_training_view_get_series (self, self->accuracy_plot, curve),
                         x, accuracy);
}

static void
clear_own_curves (FlTrainingView *self)
{
  for (guint s = 0; s < LOSS_FIRST_RUN; s++)
    fl_plot_view_clear_series (self->loss_plot, s);
  for (guint s = 0; s < ACCURACY_FIRST_RUN; s++)
    fl_plot_view_clear_series (self->accuracy_plot, s);
}

/* A run's own curves — training and validation after each epoch, the loss
 * of every batch — as they were drawn live. */
static void
plot_own_curves (FlTrainingView *self,
                 FlRunItem      *item)
{
  GArray *batch_loss = fl_run_item_get_batch_loss (item);
  GArray *epochs = fl_run_item_get_epochs (item);
  int per_epoch = fl_run_item_get_batches_per_epoch (item);

  clear_own_curves (self);
  for (guint k = 0; per_epoch > 0 && k < batch_loss->len; k++)
    {
      double loss = g_array_index (batch_loss, double, k);

      if (isfinite (loss))
        append_own (self, FL_CURVE_BATCH, (double) (k + 1) / per_epoch, loss, 0.0);
    }
  for (guint e = 0; e < epochs->len; e++)
    {
      const FlEpochStats *st = &g_array_index (epochs, FlEpochStats, e);

      append_own (self, FL_CURVE_TRAIN, st->epoch, st->train_loss, st->train_acc);
      append_own (self, FL_CURVE_VAL, st->epoch, st->val_loss, st->val_acc);
    }
}

/* A route's curves drawn again from its runs' epochs: the mean, and
 * around it ± 1 sd once two folds have reached the epoch. */
static void
plot_route (FlTrainingView *self,
            int             r)
{
  FlRouteCurve *route = g_ptr_array_index (self->routes, r);
  guint n = route->points->len;
  g_autofree FlPlotPoint *loss = g_new (FlPlotPoint, MAX (n, 1));
  g_autofree FlPlotPoint *acc = g_new (FlPlotPoint, MAX (n, 1));
  g_autofree FlPlotBand *loss_band = g_new (FlPlotBand, MAX (n, 1));
  g_autofree FlPlotBand *acc_band = g_new (FlPlotBand, MAX (n, 1));

  for (guint e = 0; e < n; e++)
    {
      const FlRoutePoint *p = &g_array_index (route->points, FlRoutePoint, e);
      double spread = p->n >= 2 ? 1.0 : NAN;

      loss[e] = (FlPlotPoint) { p->epoch, p->loss_mean };
      acc[e] = (FlPlotPoint) { p->epoch, p->acc_mean };
      loss_band[e] = (FlPlotBand) { p->loss_mean - spread * p->loss_sd, p->loss_mean + spread * p->loss_sd };
      acc_band[e] = (FlPlotBand) { p->acc_mean - spread * p->acc_sd, p->acc_mean + spread * p->acc_sd };
    }
  fl_plot_model_set_points (fl_plot_view_get_model (self->loss_plot),
                            fl_training_view_get_route_series (self, self->loss_plot, r), loss, loss_band, n);
  fl_plot_model_set_points (fl_plot_view_get_model (self->accuracy_plot),
                            fl_training_view_get_route_series (self, self->accuracy_plot, r), acc, acc_band, n);
}

/* A route is in the legend whenever there are routes, and drawn while any
 * of its runs is visible. */
static void
update_route_overlay (FlTrainingView *self,
                      FlPlotView     *plot)
{
  for (guint r = 0; r < self->routes->len; r++)
    {
      FlRouteCurve *route = g_ptr_array_index (self->routes, r);
      guint s = (guint) fl_training_view_get_route_series (self, plot, (int) r);
      gboolean shown = FALSE;

      for (guint k = 0; k < route->runs->len; k++)
        shown |= fl_run_item_get_visible (fl_run_list_get (self->runs, g_array_index (route->runs, int, k)));
      fl_plot_view_set_series_visible (plot, s, TRUE);
      fl_plot_view_set_series_active (plot, s, shown);
    }
}

/* The routes of the session's cross-validation, found again among the
 * runs (none on one split), each a series at the end of both plots. */
static void
add_routes (FlTrainingView *self)
{
  g_ptr_array_unref (self->routes);
  self->routes = fl_route_curves_new (self->runs, cv_folds (self));
  for (guint r = 0; r < self->routes->len; r++)
    {
      FlRouteCurve *route = g_ptr_array_index (self->routes, r);
      FlRunItem *first = fl_run_list_get (self->runs, g_array_index (route->runs, int, 0));
      const char *name = fl_fusion_to_string (route->fusion);

      fl_plot_view_add_series (self->loss_plot, name, fl_run_item_get_color (first), FL_PLOT_STYLE_LINE);
      fl_plot_view_add_series (self->accuracy_plot, name, fl_run_item_get_color (first), FL_PLOT_STYLE_LINE);
      plot_route (self, (int) r);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->folds_check), self->routes->len > 0);
}

/* Takes the route series away, before the run series change. */
static void
remove_routes (FlTrainingView *self,
               int             n_runs)
{
  if (self->routes->len == 0)
    return;
  fl_plot_view_remove_series_from (self->loss_plot, LOSS_FIRST_RUN + n_runs);
  fl_plot_view_remove_series_from (self->accuracy_plot, ACCURACY_FIRST_RUN + n_runs);
  g_ptr_array_set_size (self->routes, 0);
}

/* The runs trained here (not the tests on other data, which have no
 * curves), and into *first the first of them. */
static int
n_trained (FlTrainingView *self,
           FlRunItem     **first)
{
  int n = 0;

  *first = NULL;
  for (int i = 0; self->runs != NULL && i < fl_run_list_get_n_runs (self->runs); i++)
    if (!fl_run_item_get_test (fl_run_list_get (self->runs, i)) && n++ == 0)
      *first = fl_run_list_get (self->runs, i);
  return n;
}

/* One run: its own train, validation and per-batch curves. Several: one
 * validation curve per run, in the run's colour, drawn when it is visible;
 * in a cross-validation, one curve per route in a band, and the folds' own
 * curves only with "Each fold". */
static void
update_overlay (FlTrainingView *self)
{
  int n = self->runs != NULL ? fl_run_list_get_n_runs (self->runs) : 0;
  FlRunItem *first;
  gboolean overlay = n_trained (self, &first) >= 2;
  FlPlotView *plots[] = { self->loss_plot, self->accuracy_plot };
  gboolean each_fold = gtk_check_button_get_active (self->folds_check);

  for (guint p = 0; p < G_N_ELEMENTS (plots); p++)
    {
      for (guint s = 0; s < first_run (self, plots[p]); s++)
        fl_plot_view_set_series_visible (plots[p], s, !overlay);
      for (int i = 0; i < n; i++)
        {
          guint s = first_run (self, plots[p]) + (guint) i;
          /* a route's folds only on demand */
          gboolean fold = fl_route_curves_find (self->routes, i) >= 0;
          gboolean test = fl_run_item_get_test (fl_run_list_get (self->runs, i));

          fl_plot_view_set_series_visible (plots[p], s, overlay && (each_fold || !fold) && !test);
          fl_plot_view_set_series_active (plots[p], s, fl_run_item_get_visible (fl_run_list_get (self->runs, i)));
        }
      update_route_overlay (self, plots[p]);
    }
  /* the per-batch loss is drawn for a single run only */
  gtk_widget_set_sensitive (GTK_WIDGET (self->smooth_scale), !overlay);
}

/* Training samples in an epoch, from the first epoch of any run; 0 before. */
static double
samples_per_epoch (FlTrainingView *self)
{
  for (int i = 0; self->runs != NULL && i < fl_run_list_get_n_runs (self->runs); i++)
    {
      GArray *epochs = fl_run_item_get_epochs (fl_run_list_get (self->runs, i));

      if (epochs->len > 0)
        {
          const FlEpochStats *st = &g_array_index (epochs, FlEpochStats, 0);
          return (double) st->samples_seen / MAX (st->epoch, 1);
        }
    }
  return 0.0;
}

static void
apply_controls (FlTrainingView *self)
{
  double tau = gtk_range_get_value (self->smooth_scale);
  gboolean samples = gtk_drop_down_get_selected (self->x_dropdown) == 1;
  double x_scale = samples ? samples_per_epoch (self) : 1.0;
  gboolean present = gtk_toggle_button_get_active (self->present_toggle);
  double font_scale = present ? 1.5 : 1.0;

  if (tau != fl_plot_view_get_smoothing (self->loss_plot))
    fl_plot_view_set_smoothing (self->loss_plot, tau);
  fl_plot_view_set_log_scale (self->loss_plot, gtk_check_button_get_active (self->log_check));
  fl_plot_view_set_x_scale (self->loss_plot, x_scale);
  fl_plot_view_set_x_scale (self->accuracy_plot, x_scale);
  fl_plot_view_set_font_scale (self->loss_plot, font_scale);
  fl_plot_view_set_font_scale (self->accuracy_plot, font_scale);
  if (self->presenting != present)
    {
      self->presenting = present;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTING]);
    }
}

static void
controls_cb (FlTrainingView *self,
             GtkWidget      *control)
{
  apply_controls (self);
}

static void
controls_notify_cb (FlTrainingView *self,
                    GParamSpec     *pspec,
                    GtkWidget      *control)
{
  apply_controls (self);
}

static void
folds_cb (FlTrainingView *self,
          GtkWidget      *control)
{
  update_overlay (self);
}

/* A run's name clicked in a legend: the run follows, and through it its
 * check box in the runs list and its curve in the other plot. A route's
 * name: every run of the route. */
static void
legend_toggled_cb (FlTrainingView *self,
                   guint           series,
                   gboolean        active,
                   FlPlotView     *plot)
{
  int run = (int) series - (int) first_run (self, plot);
  FlRunItem *item = self->runs != NULL && series >= first_run (self, plot)
                    ? fl_run_list_get (self->runs, run) : NULL;
  int route = self->runs != NULL ? run - fl_run_list_get_n_runs (self->runs) : -1;

  if (item != NULL)
    fl_run_item_set_visible (item, active);
  else if (route >= 0 && route < (int) self->routes->len)
    {
      FlRouteCurve *curve = g_ptr_array_index (self->routes, route);

      for (guint k = 0; k < curve->runs->len; k++)
        fl_run_item_set_visible (fl_run_list_get (self->runs, g_array_index (curve->runs, int, k)), active);
    }
}

static void
run_visible_cb (FlTrainingView *self,
                GParamSpec     *pspec,
                FlRunItem      *item)
{
  update_overlay (self);
}

/* Runs added: a validation curve each, with what they have already (a
 * reopened experiment's); the runs cleared: their curves go. */
static void
runs_changed_cb (FlTrainingView *self,
                 guint           position,
                 guint           removed,
                 guint           added,
                 GListModel     *runs)
{
  int n = fl_run_list_get_n_runs (self->runs), x_max = 1;
  FlRunItem *first;

  remove_routes (self, n - (int) added + (int) removed);
  if (removed > 0)
    {
      fl_plot_view_remove_series_from (self->loss_plot, LOSS_FIRST_RUN + position);
      fl_plot_view_remove_series_from (self->accuracy_plot, ACCURACY_FIRST_RUN + position);
    }
  if (n == 0)
    {
      fl_plot_view_clear (self->loss_plot);
      fl_plot_view_clear (self->accuracy_plot);
    }
  /* the series are by index: those after a run removed go with it, and
   * come back in their new places */
  for (guint i = position; i < (removed > 0 ? (guint) n : position + added); i++)
    {
      FlRunItem *item = fl_run_list_get (self->runs, (int) i);
      GArray *epochs = fl_run_item_get_epochs (item);
      const char *color;
      FlPlotStyle style;

      run_look (self, (int) i, &color, &style);
      fl_plot_view_add_series (self->loss_plot, fl_run_item_get_name (item), color, style);
      fl_plot_view_add_series (self->accuracy_plot, fl_run_item_get_name (item), color, style);
      for (guint e = 0; e < epochs->len; e++)
        {
          const FlEpochStats *st = &g_array_index (epochs, FlEpochStats, e);

          fl_plot_view_append (self->loss_plot, LOSS_FIRST_RUN + i, st->epoch, st->val_loss);
          fl_plot_view_append (self->accuracy_plot, ACCURACY_FIRST_RUN + i, st->epoch, st->val_acc);
        }
      if (i < position + added)
        g_signal_connect_object (item, "notify::visible", G_CALLBACK (run_visible_cb), self, G_CONNECT_SWAPPED);
      x_max = MAX (x_max, fl_run_item_get_settings (item)->epochs);
    }
  if (added > 0)
    {
      fl_plot_view_set_x_max (self->loss_plot, x_max);
      fl_plot_view_set_x_max (self->accuracy_plot, x_max);
    }
  /* one run: its own curves (of a run reopened, or none yet); a test
   * beside it has none */
  if (n_trained (self, &first) == 1 && added > 0)
    plot_own_curves (self, first);
  add_routes (self);
  update_overlay (self);
  apply_controls (self);
}

/* The route of a run whose epochs changed, drawn again. */
static void
update_route_of (FlTrainingView *self,
                 FlRunItem      *item)
{
  int r = fl_route_curves_find (self->routes, fl_run_item_get_index (item));

  if (r < 0)
    return;
  fl_route_curve_update (g_ptr_array_index (self->routes, r), self->runs);
  plot_route (self, r);
}

static void
run_started_cb (FlTrainingView *self,
                FlRunItem      *item,
                FlSession      *session)
{
  clear_own_curves (self);
  update_route_of (self, item);
}

static void
batch_cb (FlTrainingView     *self,
          FlRunItem          *item,
          const FlBatchStats *stats,
          FlSession          *session)
{
  double done = (stats->epoch - 1) + (double) stats->batch / stats->n_batches;

  append_own (self, FL_CURVE_BATCH, done, stats->loss, 0.0);
}

static void
epoch_cb (FlTrainingView     *self,
          FlRunItem          *item,
          const FlEpochStats *stats,
          FlSession          *session)
{
  guint run = (guint) fl_run_item_get_index (item);

  fl_plot_view_append (self->loss_plot, LOSS_FIRST_RUN + run, stats->epoch, stats->val_loss);
  fl_plot_view_append (self->accuracy_plot, ACCURACY_FIRST_RUN + run, stats->epoch, stats->val_acc);
  update_route_of (self, item);
  /* the x axis in samples needs the size of an epoch, known from now on */
  if (stats->epoch == 1 && gtk_drop_down_get_selected (self->x_dropdown) == 1)
    apply_controls (self);
  append_own (self, FL_CURVE_TRAIN, stats->epoch, stats->train_loss, stats->train_acc);
  append_own (self, FL_CURVE_VAL, stats->epoch, stats->val_loss, stats->val_acc);
}

static void
fl_training_view_dispose (GObject *object)
{
  FlTrainingView *self = FL_TRAINING_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_TRAINING_VIEW);
  fl_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->session);
  g_clear_object (&self->runs);
  g_clear_pointer (&self->routes, g_ptr_array_unref);

  G_OBJECT_CLASS (fl_training_view_parent_class)->dispose (object);
}

static void
fl_training_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FlTrainingView *self = FL_TRAINING_VIEW (object);

  switch (prop_id)
    {
    case PROP_PRESENTING:
      g_value_set_boolean (value, self->presenting);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_training_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FlTrainingView *self = FL_TRAINING_VIEW (object);

  switch (prop_id)
    {
    case PROP_PRESENTING:
      fl_training_view_set_presenting (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_training_view_class_init (FlTrainingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_training_view_dispose;
  object_class->get_property = fl_training_view_get_property;
  object_class->set_property = fl_training_view_set_property;

  properties[PROP_PRESENTING] =
    g_param_spec_boolean ("presenting", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-training-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, smooth_scale);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, log_check);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, x_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, present_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, folds_check);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, accuracy_plot);
  gtk_widget_class_bind_template_callback (widget_class, controls_cb);
  gtk_widget_class_bind_template_callback (widget_class, controls_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, folds_cb);
  gtk_widget_class_bind_template_callback (widget_class, legend_toggled_cb);
}

static void
fl_training_view_init (FlTrainingView *self)
{
  g_type_ensure (FL_TYPE_PLOT_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->routes = g_ptr_array_new ();

  /* TRANSLATORS: the curves' names in the plots' legends */
  fl_plot_view_add_series (self->loss_plot, C_("curve", "Train, per batch"), fl_color_hex (FL_COLOR_BATCH),
                           FL_PLOT_STYLE_SMOOTHED);
  fl_plot_view_add_series (self->loss_plot, C_("curve", "Train"), fl_color_hex (FL_COLOR_TRAIN), FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->loss_plot, C_("curve", "Validation"), fl_color_hex (FL_COLOR_VAL),
                           FL_PLOT_STYLE_DASHED);
  fl_plot_view_add_series (self->accuracy_plot, C_("curve", "Train"), fl_color_hex (FL_COLOR_TRAIN),
                           FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->accuracy_plot, C_("curve", "Validation"), fl_color_hex (FL_COLOR_VAL),
                           FL_PLOT_STYLE_DASHED);
  /* said under the readout wherever a route's band is */
  fl_plot_model_set_band_note (fl_plot_view_get_model (self->loss_plot), _(BAND_NOTE));
  fl_plot_model_set_band_note (fl_plot_view_get_model (self->accuracy_plot), _(BAND_NOTE));
  update_overlay (self);
}

GtkWidget *
fl_training_view_new (void)
{
  return g_object_new (FL_TYPE_TRAINING_VIEW, NULL);
}

void
fl_training_view_set_session (FlTrainingView *self,
                              FlSession      *session)
{
  g_return_if_fail (FL_IS_TRAINING_VIEW (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  self->runs = g_object_ref (fl_session_get_runs (session));
  g_signal_connect_object (self->runs, "items-changed", G_CALLBACK (runs_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "run-started", G_CALLBACK (run_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "batch", G_CALLBACK (batch_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "epoch", G_CALLBACK (epoch_cb), self, G_CONNECT_SWAPPED);
}

FlPlotView *
fl_training_view_get_loss_plot (FlTrainingView *self)
{
  g_return_val_if_fail (FL_IS_TRAINING_VIEW (self), NULL);
  return self->loss_plot;
}

FlPlotView *
fl_training_view_get_accuracy_plot (FlTrainingView *self)
{
  g_return_val_if_fail (FL_IS_TRAINING_VIEW (self), NULL);
  return self->accuracy_plot;
}

gboolean
fl_training_view_get_presenting (FlTrainingView *self)
{
  g_return_val_if_fail (FL_IS_TRAINING_VIEW (self), FALSE);
  return self->presenting;
}

/* As the toggle in the header bar would (the settings remember it). */
void
fl_training_view_set_presenting (FlTrainingView *self,
                                 gboolean        presenting)
{
  g_return_if_fail (FL_IS_TRAINING_VIEW (self));
  gtk_toggle_button_set_active (self->present_toggle, presenting);
}
