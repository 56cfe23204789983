/* SPDX-License-Identifier: MIT
 *
 * Drag and drop onto the window: a folder is the image folder, a .csv file
 * the texts.
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

#include "fl-i18n.h"
#include "fl-ui-util.h"

static gboolean
is_table (const char *path)
{
  return g_str_has_suffix (path, ".csv") || g_str_has_suffix (path, ".CSV") ||
         g_str_has_suffix (path, ".tsv") || g_str_has_suffix (path, ".txt");
}

static gboolean
drop_cb (FlWindow      *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GSList *files;
  g_autofree char *images_dir = NULL;
  g_autofree char *csv_path = NULL;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  if (fl_window_get_training (self))
    {
      _fl_window_show_error (self, _("Training is running."), _("Stop it before loading other data."));
      return FALSE;
    }

  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);

      if (path != NULL && g_file_test (path, G_FILE_TEST_IS_DIR))
        fl_set_str (&images_dir, path);
      else if (path != NULL && is_table (path))
        fl_set_str (&csv_path, path);
    }
  g_slist_free (files);

  if (images_dir == NULL && csv_path == NULL)
    {
      _fl_window_show_error (self, _("Nothing to load."),
                             _("Drop a folder of images and/or a CSV file of texts."));
      return FALSE;
    }
  fl_data_panel_load (self->data_panel, images_dir, csv_path);
  return TRUE;
}

void
_fl_window_add_drop_target (FlWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect_object (target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));
}
