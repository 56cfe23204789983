/* SPDX-License-Identifier: MIT
 *
 * fl_tooltip_follow (issue 16): the tooltip shows the property as it is
 * when asked for, none while it is empty, and nothing sets the widget's
 * tooltip text (each setting is a round trip to the X server).
 */
#define G_LOG_DOMAIN "test-ui-tooltip"

#include "fl-tooltip.h"
#include "test-ui-util.h"

static gboolean
query (GtkWidget *widget)
{
  g_autoptr(GtkTooltip) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  gboolean shown = FALSE;

  g_signal_emit_by_name (widget, "query-tooltip", 1, 1, FALSE, tooltip, &shown);
  return shown;
}

static void
test_follow (void)
{
  GtkWidget *status = g_object_ref_sink (gtk_label_new ("Epoch 1/5 · batch 3/40"));
  GtkWidget *widget = g_object_ref_sink (gtk_label_new (NULL));

  fl_tooltip_follow (widget, G_OBJECT (status), "label");
  g_assert_true (gtk_widget_get_has_tooltip (widget));
  g_assert_true (query (widget));

  gtk_label_set_label (GTK_LABEL (status), "");
  g_assert_false (query (widget));
  gtk_label_set_label (GTK_LABEL (status), "Done");
  g_assert_true (query (widget));
  g_assert_null (gtk_widget_get_tooltip_text (widget));

  /* the widget keeps what it follows alive */
  g_object_unref (status);
  g_assert_true (query (widget));
  g_object_unref (widget);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  g_test_add_func ("/tooltip/follow", test_follow);
  return g_test_run ();
}
