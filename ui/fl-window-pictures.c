/* SPDX-License-Identifier: MIT
 *
 * The window's part in the picture pipeline (issue 18): the training
 * panel's image size and picture fit reload the data, and the Data page's
 * strip shows what training draws of a few pictures — with the panel's
 * switch and seed, for the epoch a run is in.
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

static void
image_size_changed_cb (FlWindow     *self,
                       GParamSpec   *pspec,
                       FlTrainPanel *panel)
{
  fl_data_panel_set_image_size (self->data_panel, fl_train_panel_get_image_size (panel));
}

static void
image_fit_changed_cb (FlWindow     *self,
                      GParamSpec   *pspec,
                      FlTrainPanel *panel)
{
  fl_data_panel_set_image_fit (self->data_panel, fl_train_panel_get_image_fit (panel));
}

static void
augment_changed_cb (FlWindow     *self,
                    GParamSpec   *pspec,
                    FlTrainPanel *panel)
{
  FlTrainSettings s;

  fl_train_panel_get_settings (panel, &s);
  fl_augment_strip_set_augment (self->augment_strip, s.augment, s.seed);
}

static void
run_started_cb (FlWindow  *self,
                FlRunItem *item,
                FlSession *session)
{
  fl_augment_strip_set_epoch (self->augment_strip, 1);
}

static void
epoch_cb (FlWindow           *self,
          FlRunItem          *item,
          const FlEpochStats *stats,
          FlSession          *session)
{
  /* the epoch training is in now, the last one once it is done */
  fl_augment_strip_set_epoch (self->augment_strip, MIN (stats->epoch + 1, stats->n_epochs));
}

/* A matching run augments its training pairs alike (fl-matcher.h). */
static void
match_epoch_cb (FlWindow           *self,
                FlRunItem          *item,
                const FlMatchEpoch *e,
                FlSession          *session)
{
  fl_augment_strip_set_epoch (self->augment_strip, MIN (e->epoch + 1, e->n_epochs));
}

void
_fl_window_wire_pictures (FlWindow *self)
{
  g_signal_connect_object (self->train_panel, "notify::image-size", G_CALLBACK (image_size_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->train_panel, "notify::image-fit", G_CALLBACK (image_fit_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->train_panel, "notify::augment", G_CALLBACK (augment_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "run-started", G_CALLBACK (run_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "epoch", G_CALLBACK (epoch_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "match-started", G_CALLBACK (run_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "match-epoch", G_CALLBACK (match_epoch_cb), self, G_CONNECT_SWAPPED);
}

void
_fl_window_class_add_pictures (GtkWidgetClass *widget_class)
{
  g_type_ensure (FL_TYPE_AUGMENT_STRIP);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, augment_strip);
}
