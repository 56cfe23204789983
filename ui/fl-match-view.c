/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-match-view"

#include "fl-match-view.h"

#include "fl-i18n.h"
#include "fl-style.h"
#include "fl-ui-util.h"

struct _FlMatchView {
  GtkWidget   parent_instance;

  GtkLabel   *summary_label;
  FlPlotView *i2t_plot;
  FlPlotView *t2i_plot;

  FlSession  *session;
  FlRunItem  *item;        /* the run drawn, or NULL */
};

G_DEFINE_FINAL_TYPE (FlMatchView, fl_match_view, GTK_TYPE_WIDGET)

static const int ks[FL_MATCH_N_K] = { 1, 5, 10 };
/* R@k and its chance in one colour, told apart by the chance's dots */
static const FlColor k_colors[FL_MATCH_N_K] = { FL_COLOR_BLUE, FL_COLOR_ORANGE, FL_COLOR_PURPLE };

/* Each plot's series: R@1, R@5, R@10, then their chance levels. */
guint
fl_match_view_get_series (FlMatchView *self,
                          int          k_index,
                          gboolean     chance)
{
  g_return_val_if_fail (k_index >= 0 && k_index < FL_MATCH_N_K, 0);
  return (guint) (k_index + (chance ? FL_MATCH_N_K : 0));
}

FlPlotView *
fl_match_view_get_plot (FlMatchView      *self,
                        FlMatchDirection  direction)
{
  g_return_val_if_fail (FL_IS_MATCH_VIEW (self), NULL);
  return direction == FL_MATCH_I2T ? self->i2t_plot : self->t2i_plot;
}

static void
add_series (FlPlotView *plot)
{
  for (int c = 0; c < 2; c++)
    for (int j = 0; j < FL_MATCH_N_K; j++)
      {
        g_autofree char *label = c == 0 ? g_strdup_printf ("R@%d", ks[j])
                                        /* TRANSLATORS: the curve of R@k a random ranking would reach */
                                        : g_strdup_printf (_("chance R@%d"), ks[j]);

        fl_plot_view_add_series (plot, label, fl_color_hex (k_colors[j]),
                                 c == 0 ? FL_PLOT_STYLE_LINE : FL_PLOT_STYLE_REFERENCE);
      }
}

static void
append_recall (FlPlotView     *plot,
               const FlRecall *r,
               int             epoch,
               int             n_val)
{
  const double recall[FL_MATCH_N_K] = { r->r1, r->r5, r->r10 };

  for (int j = 0; j < FL_MATCH_N_K; j++)
    {
      fl_plot_view_append (plot, (guint) j, epoch, recall[j]);
      /* k/N: the chance that the true partner is among k drawn at random */
      fl_plot_view_append (plot, (guint) (j + FL_MATCH_N_K), epoch, MIN (1.0, (double) ks[j] / MAX (n_val, 1)));
    }
}

static void
set_summary (FlMatchView        *self,
             const FlMatchEpoch *e)
{
  g_autofree char *text = NULL, *scale = NULL;

  if (e == NULL)
    {
      gtk_label_set_text (self->summary_label,
                          self->item != NULL ? _("Preparing the run: its first epoch's recall comes here.")
                                             : _("Train a matching run to see how often pictures find their words."));
      return;
    }
  /* TRANSLATORS: appended to the matching run's summary: the softmax temperature */
  scale = e->scale > 0.0 ? g_strdup_printf (_(" · temperature 1/%.1f"), e->scale) : g_strdup ("");
  /* TRANSLATORS: the matching run's summary: epoch, epochs, held-out pairs,
   * median ranks image → text and text → image, the chance rank, the
   * training loss, then " · temperature 1/14.3" or nothing */
  text = g_strdup_printf (_("Epoch %d/%d on %d held-out pairs · median rank of the true partner: "
                            "image → text %.1f, text → image %.1f (chance %.1f) · training loss %.3f%s"),
                          e->epoch, e->n_epochs, e->n_val, e->val.i2t.median_rank, e->val.t2i.median_rank,
                          0.5 * (e->n_val + 1), e->train_loss, scale);
  gtk_label_set_text (self->summary_label, text);
}

static void
add_epoch (FlMatchView        *self,
           const FlMatchEpoch *e)
{
  append_recall (self->i2t_plot, &e->val.i2t, e->epoch, e->n_val);
  append_recall (self->t2i_plot, &e->val.t2i, e->epoch, e->n_val);
  set_summary (self, e);
}

void
fl_match_view_show_item (FlMatchView *self,
                         FlRunItem   *item)
{
  GArray *epochs;
  int n_epochs;

  g_return_if_fail (FL_IS_MATCH_VIEW (self));

  g_set_object (&self->item, item);
  fl_plot_view_clear (self->i2t_plot);
  fl_plot_view_clear (self->t2i_plot);
  set_summary (self, NULL);
  if (item == NULL)
    return;
  n_epochs = fl_run_item_get_settings (item)->epochs;
  fl_plot_view_set_x_max (self->i2t_plot, n_epochs);
  fl_plot_view_set_x_max (self->t2i_plot, n_epochs);
  epochs = fl_run_item_get_match_epochs (item);
  for (guint i = 0; i < epochs->len; i++)
    add_epoch (self, &g_array_index (epochs, FlMatchEpoch, i));
}

FlRunItem *
fl_match_view_get_item (FlMatchView *self)
{
  g_return_val_if_fail (FL_IS_MATCH_VIEW (self), NULL);
  return self->item;
}

const char *
fl_match_view_get_summary (FlMatchView *self)
{
  g_return_val_if_fail (FL_IS_MATCH_VIEW (self), NULL);
  return gtk_label_get_text (self->summary_label);
}

static void
match_started_cb (FlMatchView *self,
                  FlRunItem   *item,
                  FlSession   *session)
{
  fl_match_view_show_item (self, item);
}

static void
match_epoch_cb (FlMatchView        *self,
                FlRunItem          *item,
                const FlMatchEpoch *e,
                FlSession          *session)
{
  if (item == self->item)
    add_epoch (self, e);
}

void
fl_match_view_set_session (FlMatchView *self,
                           FlSession   *session)
{
  g_return_if_fail (FL_IS_MATCH_VIEW (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "match-started", G_CALLBACK (match_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "match-epoch", G_CALLBACK (match_epoch_cb), self, G_CONNECT_SWAPPED);
  fl_match_view_show_item (self, fl_session_get_match_item (session));
}

static void
fl_match_view_dispose (GObject *object)
{
  FlMatchView *self = FL_MATCH_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_MATCH_VIEW);
  fl_widget_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->item);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (fl_match_view_parent_class)->dispose (object);
}

static void
fl_match_view_class_init (FlMatchViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_match_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-match-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FlMatchView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FlMatchView, i2t_plot);
  gtk_widget_class_bind_template_child (widget_class, FlMatchView, t2i_plot);
}

static void
fl_match_view_init (FlMatchView *self)
{
  g_type_ensure (FL_TYPE_PLOT_VIEW);
  gtk_widget_init_template (GTK_WIDGET (self));
  add_series (self->i2t_plot);
  add_series (self->t2i_plot);
  set_summary (self, NULL);
}

GtkWidget *
fl_match_view_new (void)
{
  return g_object_new (FL_TYPE_MATCH_VIEW, NULL);
}
