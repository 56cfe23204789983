/* SPDX-License-Identifier: MIT
 *
 * fl-window-recent.c — the experiment files the window opened or saved, in
 * a GtkRecentManager, and the menu's Open Recent submenu that lists them
 * (win.open-recent). A window without a recent manager (a test's, a
 * --screenshot run's) neither records nor lists anything.
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

#include "fl-i18n.h"

/* The group that tells Fusion Lab's experiment files from the other
 * programs' recent files. */
#define RECENT_GROUP "fusionlab-experiment"
#define RECENT_MAX   8

void
_fl_window_experiment_file (FlWindow   *self,
                            const char *path)
{
  const char *groups[] = { RECENT_GROUP, NULL };
  GtkRecentData data = {
    .mime_type = (char *) "application/json",
    .app_name = (char *) "Fusion Lab",
    .app_exec = (char *) "fusionlab --experiment %f",
    .groups = (char **) groups,
  };
  g_autofree char *uri = NULL;

  if (self->recent == NULL)
    return;
  uri = g_filename_to_uri (path, NULL, NULL);
  /* and every window's menu at once (they share the manager): GTK emits
   * "changed" only after a 250 ms timeout that coalesces changes, which a
   * loaded machine delays further (test_recent waited 10 s in vain once,
   * under ASan beside another suite); the class handler writes the file */
  if (uri != NULL && gtk_recent_manager_add_full (self->recent, uri, &data))
    g_signal_emit_by_name (self->recent, "changed");
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  return g_date_time_compare (gtk_recent_info_get_modified ((GtkRecentInfo *) b),
                              gtk_recent_info_get_modified ((GtkRecentInfo *) a));
}

/* The file of info when it is one of ours and still there, else NULL. */
static char *
experiment_path (GtkRecentInfo *info)
{
  g_autofree char *path = NULL;

  if (!gtk_recent_info_has_group (info, RECENT_GROUP))
    return NULL;
  path = g_filename_from_uri (gtk_recent_info_get_uri (info), NULL, NULL);
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

/* A menu item for path; "run_2.json" would show as "run2.json" with "_2"
 * taken for a mnemonic. */
static GMenuItem *
recent_item (GtkRecentInfo *info,
             const char    *path)
{
  g_auto(GStrv) parts = g_strsplit (gtk_recent_info_get_display_name (info), "_", -1);
  g_autofree char *label = g_strjoinv ("__", parts);
  GMenuItem *item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, "win.open-recent", g_variant_new_bytestring (path));
  return item;
}

static void
update_recent_menu (FlWindow *self)
{
  GList *infos = g_list_sort (gtk_recent_manager_get_items (self->recent), newest_first);
  g_autoptr(GMenu) files = g_menu_new ();
  int n = 0;

  for (GList *l = infos; l != NULL && n < RECENT_MAX; l = l->next)
    {
      g_autofree char *path = experiment_path (l->data);
      g_autoptr(GMenuItem) item = path != NULL ? recent_item (l->data, path) : NULL;

      if (item != NULL)
        {
          g_menu_append_item (files, item);
          n++;
        }
    }
  g_list_free_full (infos, (GDestroyNotify) gtk_recent_info_unref);

  g_menu_remove_all (self->recent_section);
  if (n > 0)
    g_menu_append_submenu (self->recent_section, _("Open _Recent"), G_MENU_MODEL (files));
}

void
fl_window_set_recent_manager (FlWindow         *self,
                              GtkRecentManager *recent)
{
  g_return_if_fail (FL_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_RECENT_MANAGER (recent));
  g_return_if_fail (self->recent == NULL);

  self->recent = g_object_ref (recent);
  g_signal_connect_object (recent, "changed", G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  update_recent_menu (self);
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  fl_window_open_experiment (FL_WINDOW (widget), g_variant_get_bytestring (parameter));
}

void
_fl_window_class_add_recent (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FlWindow, recent_section);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "ay", open_recent_action);
}
