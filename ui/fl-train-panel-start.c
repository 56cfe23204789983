/* SPDX-License-Identifier: MIT
 *
 * fl-train-panel-start.c — "Start from": a new run's branches from a saved
 * model (a classifier's or a matching model's file, fl-transfer.h), kept
 * fixed or fine-tuned, instead of fresh weights. The file is only named
 * here; the run loads it (fl_run_new()), so a bad file stops that run with
 * its reason in the window's banner.
 */
#define G_LOG_DOMAIN "fl-train-panel"

#include "fl-train-panel-private.h"
#include "fl-i18n.h"

static void
update_start (FlTrainPanel *self)
{
  g_autofree char *base = self->start_path != NULL ? g_path_get_basename (self->start_path) : NULL;

  gtk_button_set_label (self->start_button, base != NULL ? base : _("Fresh weights"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_button),
                               self->start_path != NULL ? self->start_path
                               : _("Start the branches from a saved model (a classifier or a matching model) "
                                   "instead of fresh weights; the fusion and the head always start fresh"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_clear), self->start_path != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->freeze_image), self->start_path != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->freeze_text), self->start_path != NULL);
}

static void
start_response_cb (GtkNativeDialog *native,
                   int              response,
                   FlTrainPanel    *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        fl_train_panel_set_start (self, path);
    }
  g_object_unref (native);
}

static void
start_clicked_cb (FlTrainPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Start From a Saved Model"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (filter, _("Fusion Lab models"));
  gtk_file_filter_add_suffix (filter, "safetensors");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  g_signal_connect_object (native, "response", G_CALLBACK (start_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
start_clear_cb (FlTrainPanel *self)
{
  fl_train_panel_set_start (self, NULL);
}

/* A matching run keeps one side fixed at most (fl-matcher.h): ticking
 * one side there unticks the other. */
static void
freeze_toggled_cb (FlTrainPanel   *self,
                   GtkCheckButton *check)
{
  GtkCheckButton *other = check == self->freeze_image ? self->freeze_text : self->freeze_image;

  if (fl_train_panel_get_task (self) == FL_TASK_MATCH && gtk_check_button_get_active (check))
    gtk_check_button_set_active (other, FALSE);
}

/* Row 15: "Start from [file] [×]"; row 16: "Keep fixed [Picture] [Text]". */
void
_fl_train_panel_init_start (FlTrainPanel *self)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (_("Start _from"));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *fixed = gtk_label_new (_("Keep fixed"));
  GtkWidget *checks = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

  self->start_button = GTK_BUTTON (gtk_button_new_with_label (_("Fresh weights")));
  gtk_widget_set_hexpand (GTK_WIDGET (self->start_button), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (self->start_button)), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->start_button));
  self->start_clear = GTK_BUTTON (gtk_button_new_from_icon_name ("edit-clear-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->start_clear), _("Back to fresh weights"));
  g_signal_connect_object (self->start_button, "clicked", G_CALLBACK (start_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->start_clear, "clicked", G_CALLBACK (start_clear_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->start_button));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->start_clear));

  self->freeze_image = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (C_("modality", "Picture")));
  self->freeze_text = GTK_CHECK_BUTTON (gtk_check_button_new_with_label (C_("modality", "Text")));
  g_signal_connect_object (self->freeze_image, "toggled", G_CALLBACK (freeze_toggled_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->freeze_text, "toggled", G_CALLBACK (freeze_toggled_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_set_tooltip_text (checks, _("Keep the loaded branch’s weights fixed (no gradient step): "
                                         "only the rest learns. Unticked, the loaded weights are fine-tuned. "
                                         "Matching keeps one side fixed at most"));
  gtk_box_append (GTK_BOX (checks), GTK_WIDGET (self->freeze_image));
  gtk_box_append (GTK_BOX (checks), GTK_WIDGET (self->freeze_text));
  gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
  gtk_label_set_xalign (GTK_LABEL (fixed), 0.0f);
  gtk_grid_attach (self->settings_grid, label, 0, 17, 1, 1);
  gtk_grid_attach (self->settings_grid, box, 1, 17, 1, 1);
  gtk_grid_attach (self->settings_grid, fixed, 0, 18, 1, 1);
  gtk_grid_attach (self->settings_grid, checks, 1, 18, 1, 1);
  update_start (self);
}

/* The start and the frozen branches into settings (their path interned:
 * settings borrow their strings, and a run outlives a change here). */
void
_fl_train_panel_get_start (FlTrainPanel    *self,
                           FlTrainSettings *settings)
{
  settings->init_from = self->start_path;
  settings->freeze = 0;
  if (self->start_path == NULL)
    return;
  if (gtk_check_button_get_active (self->freeze_image))
    settings->freeze |= FL_BRANCH_BIT (FL_BRANCH_IMAGE);
  if (gtk_check_button_get_active (self->freeze_text))
    settings->freeze |= FL_BRANCH_BIT (FL_BRANCH_TEXT);
}

void
_fl_train_panel_set_start (FlTrainPanel          *self,
                           const FlTrainSettings *settings)
{
  fl_train_panel_set_start (self, settings->init_from);
  fl_train_panel_set_frozen (self, settings->freeze);
}

void
fl_train_panel_set_start (FlTrainPanel *self,
                          const char   *path)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  self->start_path = path != NULL ? g_intern_string (path) : NULL;
  update_start (self);
}

const char *
fl_train_panel_get_start (FlTrainPanel *self)
{
  g_return_val_if_fail (FL_IS_TRAIN_PANEL (self), NULL);
  return self->start_path;
}

void
fl_train_panel_set_frozen (FlTrainPanel *self,
                           guint         branches)
{
  g_return_if_fail (FL_IS_TRAIN_PANEL (self));
  gtk_check_button_set_active (self->freeze_image, (branches & FL_BRANCH_BIT (FL_BRANCH_IMAGE)) != 0);
  gtk_check_button_set_active (self->freeze_text, (branches & FL_BRANCH_BIT (FL_BRANCH_TEXT)) != 0);
}
