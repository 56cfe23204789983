/* SPDX-License-Identifier: MIT
 *
 * The training panel's picture settings (issue 18): the picture fit,
 * which reloads the data (property "image-fit"), and the Augment switch,
 * which with the seed is what the Data page's strip draws (property
 * "augment", notified when either changes).
 */
#define G_LOG_DOMAIN "fl-train-panel"

#include "fl-train-panel-private.h"

static void
fit_changed_cb (FlTrainPanel *self,
                GParamSpec   *pspec,
                GtkDropDown  *dropdown)
{
  g_object_notify (G_OBJECT (self), "image-fit");
}

/* The switch or the seed. */
static void
augment_changed_cb (FlTrainPanel *self)
{
  g_object_notify (G_OBJECT (self), "augment");
}

void
_fl_train_panel_class_add_pictures (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, fit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlTrainPanel, augment_switch);
  gtk_widget_class_bind_template_callback (widget_class, fit_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, augment_changed_cb);
}

FlImageFit
fl_train_panel_get_image_fit (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), FL_IMAGE_FIT_SQUASH);
  /* the drop-down lists the fits in FlImageFit order */
  return (FlImageFit) MIN (gtk_drop_down_get_selected (self->fit_dropdown), FL_N_IMAGE_FITS - 1);
}

void
fl_train_panel_set_image_fit (FlTrainPanel *self,
                              FlImageFit    fit)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_drop_down_set_selected (self->fit_dropdown, fit);
}

void
fl_train_panel_set_augment (FlTrainPanel *self,
                            gboolean      augment)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_switch_set_active (self->augment_switch, augment);
}
