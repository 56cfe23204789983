/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-tooltip"

#include "fl-tooltip.h"

typedef struct {
  GObject *object;
  char    *property;
} Follow;

static void
follow_free (gpointer data,
             GClosure *closure)
{
  Follow *f = data;

  g_object_unref (f->object);
  g_free (f->property);
  g_free (f);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  Follow     *f)
{
  g_autofree char *text = NULL;

  g_object_get (f->object, f->property, &text, NULL);
  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
fl_tooltip_follow (GtkWidget  *widget,
                   GObject    *object,
                   const char *property)
{
  Follow *f;

  g_return_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (object), property) != NULL);

  f = g_new0 (Follow, 1);
  f->object = g_object_ref (object);
  f->property = g_strdup (property);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect_data (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), f, follow_free, 0);
}
