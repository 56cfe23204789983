/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-training-view"

#include "fl-training-view.h"

#include "fl-style.h"
#include "fl-ui-util.h"

#include <math.h>

/* The loss plot's series: the per-batch, training and validation curves of
 * one run, then one validation curve per run; the accuracy plot's the
 * same without the per-batch one. */
#define LOSS_FIRST_RUN     3
#define ACCURACY_FIRST_RUN 2

struct _FlTrainingView {
  GtkWidget        parent_instance;

  GtkRange        *smooth_scale;
  GtkCheckButton  *log_check;
  GtkDropDown     *x_dropdown;
  GtkToggleButton *present_toggle;
  FlPlotView      *loss_plot;
  FlPlotView      *accuracy_plot;

  FlSession       *session;
  FlRunList       *runs;
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

/* One run: its own train, validation and per-batch curves. Several: one
 * validation curve per run, in the run's colour, drawn when it is visible. */
static void
update_overlay (FlTrainingView *self)
{
  int n = self->runs != NULL ? fl_run_list_get_n_runs (self->runs) : 0;
  gboolean overlay = n >= 2;
  FlPlotView *plots[] = { self->loss_plot, self->accuracy_plot };

  for (guint p = 0; p < G_N_ELEMENTS (plots); p++)
    {
      for (guint s = 0; s < first_run (self, plots[p]); s++)
        fl_plot_view_set_series_visible (plots[p], s, !overlay);
      for (int i = 0; i < n; i++)
        {
          guint s = first_run (self, plots[p]) + (guint) i;

          fl_plot_view_set_series_visible (plots[p], s, overlay);
          fl_plot_view_set_series_active (plots[p], s, fl_run_item_get_visible (fl_run_list_get (self->runs, i)));
        }
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

/* A run's name clicked in a legend: the run follows, and through it its
 * check box in the runs list and its curve in the other plot. */
static void
legend_toggled_cb (FlTrainingView *self,
                   guint           series,
                   gboolean        active,
                   FlPlotView     *plot)
{
  int run = (int) series - (int) first_run (self, plot);
  FlRunItem *item = self->runs != NULL && series >= first_run (self, plot)
                    ? fl_run_list_get (self->runs, run) : NULL;

  if (item != NULL)
    fl_run_item_set_visible (item, active);
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
  for (guint i = position; i < position + added; i++)
    {
      FlRunItem *item = fl_run_list_get (self->runs, (int) i);
      GArray *epochs = fl_run_item_get_epochs (item);

      fl_plot_view_add_series (self->loss_plot, fl_run_item_get_name (item), fl_run_item_get_color (item),
                               FL_PLOT_STYLE_LINE);
      fl_plot_view_add_series (self->accuracy_plot, fl_run_item_get_name (item), fl_run_item_get_color (item),
                               FL_PLOT_STYLE_LINE);
      for (guint e = 0; e < epochs->len; e++)
        {
          const FlEpochStats *st = &g_array_index (epochs, FlEpochStats, e);

          fl_plot_view_append (self->loss_plot, LOSS_FIRST_RUN + i, st->epoch, st->val_loss);
          fl_plot_view_append (self->accuracy_plot, ACCURACY_FIRST_RUN + i, st->epoch, st->val_acc);
        }
      g_signal_connect_object (item, "notify::visible", G_CALLBACK (run_visible_cb), self, G_CONNECT_SWAPPED);
      x_max = MAX (x_max, fl_run_item_get_settings (item)->epochs);
    }
  if (added > 0)
    {
      fl_plot_view_set_x_max (self->loss_plot, x_max);
      fl_plot_view_set_x_max (self->accuracy_plot, x_max);
    }
  /* one run: its own curves (of a run reopened, or none yet) */
  if (n == 1 && added > 0)
    plot_own_curves (self, fl_run_list_get (self->runs, 0));
  update_overlay (self);
  apply_controls (self);
}

static void
run_started_cb (FlTrainingView *self,
                FlRunItem      *item,
                FlSession      *session)
{
  clear_own_curves (self);
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
fl_training_view_class_init (FlTrainingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_training_view_dispose;
  object_class->get_property = fl_training_view_get_property;

  properties[PROP_PRESENTING] =
    g_param_spec_boolean ("presenting", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-training-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, smooth_scale);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, log_check);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, x_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, present_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, loss_plot);
  gtk_widget_class_bind_template_child (widget_class, FlTrainingView, accuracy_plot);
  gtk_widget_class_bind_template_callback (widget_class, controls_cb);
  gtk_widget_class_bind_template_callback (widget_class, controls_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, legend_toggled_cb);
}

static void
fl_training_view_init (FlTrainingView *self)
{
  g_type_ensure (FL_TYPE_PLOT_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));

  fl_plot_view_add_series (self->loss_plot, "Train, per batch", fl_color_hex (FL_COLOR_BATCH), FL_PLOT_STYLE_SMOOTHED);
  fl_plot_view_add_series (self->loss_plot, "Train", fl_color_hex (FL_COLOR_TRAIN), FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->loss_plot, "Validation", fl_color_hex (FL_COLOR_VAL), FL_PLOT_STYLE_DASHED);
  fl_plot_view_add_series (self->accuracy_plot, "Train", fl_color_hex (FL_COLOR_TRAIN), FL_PLOT_STYLE_LINE);
  fl_plot_view_add_series (self->accuracy_plot, "Validation", fl_color_hex (FL_COLOR_VAL), FL_PLOT_STYLE_DASHED);
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
