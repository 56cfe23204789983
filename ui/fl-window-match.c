/* SPDX-License-Identifier: MIT
 *
 * The window's matching task (issue 15): Classify or Match chosen in the
 * training panel, the matching run's curves in place of the classifier's,
 * and its runs in the runs list.
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

gboolean
_fl_window_get_matching (FlWindow *self)
{
  return fl_train_panel_get_task (self->train_panel) == FL_TASK_MATCH;
}

/* Classify or Match: the plots of the one chosen, and what it can do. The
 * bottom pages other than the runs are about a classifier. */
static void
task_changed_cb (FlWindow     *self,
                 GParamSpec   *pspec,
                 FlTrainPanel *panel)
{
  gboolean match = _fl_window_get_matching (self);

  gtk_widget_set_visible (GTK_WIDGET (self->training_view), !match);
  gtk_widget_set_visible (GTK_WIDGET (self->match_view), match);
  /* the runs list alone beneath, as high as it asks (not as the tallest
   * of the classifier's pages): the R@k plots take the rest */
  gtk_widget_set_size_request (GTK_WIDGET (self->bottom_stack), -1, match ? 170 : 290);
  gtk_stack_set_vhomogeneous (self->bottom_stack, !match);
  gtk_widget_set_vexpand (GTK_WIDGET (self->bottom_stack), !match);
  if (match)
    gtk_stack_set_visible_child_name (self->bottom_stack, "runs");
  _fl_window_update_actions (self);
}

/* A matching run's name clicked in the runs list: its curves. */
static void
match_activated_cb (FlWindow   *self,
                    FlRunItem  *item,
                    FlRunsView *view)
{
  fl_match_view_show_item (self->match_view, item);
  fl_train_panel_set_task (self->train_panel, FL_TASK_MATCH);
}

void
_fl_window_wire_match (FlWindow *self)
{
  fl_runs_view_set_match_runs (self->runs_view, fl_session_get_match_runs (self->session));
  fl_match_view_set_session (self->match_view, self->session);
}

void
_fl_window_class_add_match (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FlWindow, match_view);
  gtk_widget_class_bind_template_callback (widget_class, match_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, task_changed_cb);
}

FlMatchView *
fl_window_get_match_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->match_view;
}
