/* SPDX-License-Identifier: MIT
 *
 * The window's matching task (issue 15): Classify or Match chosen in the
 * training panel, the matching run's curves in place of the classifier's,
 * its runs in the runs list, and its model on the Search page once it has
 * trained (or opened from a matching model file).
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

#include "fl-i18n.h"

#include <math.h>

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

/* The best held-out accuracy of a classifier trained on the same split as
 * the matcher (the same seed and validation share, one split), or NAN. */
static double
classifier_accuracy (FlWindow              *self,
                     const FlMatchSettings *s)
{
  FlRunList *runs = fl_session_get_runs (self->session);
  double best = NAN;

  for (int i = 0; i < fl_run_list_get_n_runs (runs); i++)
    {
      FlRunItem *item = fl_run_list_get (runs, i);
      const FlTrainSettings *t = fl_run_item_get_settings (item);

      if (fl_run_item_get_has_figures (item) && !fl_run_item_get_test (item) && t->kfold < 2 && t->seed == s->train.seed &&
          t->val_fraction == s->train.val_fraction && !(fl_run_item_get_accuracy (item) <= best))
        best = fl_run_item_get_accuracy (item);
    }
  return best;
}

/* The Search page is there once it has a model to search with. */
static void
show_search_page (FlWindow *self)
{
  gtk_stack_page_set_visible (gtk_stack_get_page (self->content_stack, GTK_WIDGET (self->search_view)), TRUE);
  gtk_stack_set_visible_child_name (self->content_stack, "search");
}

/* The last matching run's model on the Search page, with its held-out
 * pairs, beside the best classifier of the same split as it is now. */
static gboolean
set_search_model (FlWindow *self)
{
  FlMatcher *m = fl_session_get_matcher (self->session);
  FlRun *run = m != NULL ? fl_matcher_run (m) : NULL;
  const gint32 *val;
  int n_val;

  if (run == NULL)
    return FALSE;
  val = fl_run_val_indices (run, &n_val);
  g_set_object (&self->searched, fl_session_get_match_item (self->session));
  self->searched_acc = classifier_accuracy (self, fl_matcher_settings (m));
  /* (the page takes the embedder, a copy of the matcher's weights) */
  fl_search_view_set_model (self->search_view, fl_matcher_embedder (m), fl_run_dataset (run), val, n_val,
                            self->searched_acc);
  return TRUE;
}

/* The Search page shown again after a classifier trained on the split of
 * the run it searches with: the classifier's figure beside zero-shot's is
 * brought up to date (the samples are embedded again). */
static void
page_changed_cb (FlWindow   *self,
                 GParamSpec *pspec,
                 GtkStack   *stack)
{
  FlMatcher *m = fl_session_get_matcher (self->session);
  double acc;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (stack), "search") != 0 || m == NULL ||
      self->searched == NULL || self->searched != fl_session_get_match_item (self->session))
    return;
  acc = classifier_accuracy (self, fl_matcher_settings (m));
  if (acc != self->searched_acc && !(isnan (acc) && isnan (self->searched_acc)))
    set_search_model (self);
}

/* The picture fit as the training panel's Picture fit lists it. */
static const char *
fit_title (FlImageFit fit)
{
  switch (fit)
    {
    case FL_IMAGE_FIT_CROP:
      return C_("picture fit", "Crop to centre");
    case FL_IMAGE_FIT_PAD:
      return C_("picture fit", "Pad");
    case FL_IMAGE_FIT_SQUASH:
    default:
      return C_("picture fit", "Squash");
    }
}

/* A matching model file on the Search page, searching the data loaded:
 * every sample of it, since which were held out is not in the file. */
gboolean
fl_window_open_match_model (FlWindow   *self,
                            const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlEmbedder) e = NULL;
  g_autofree gint32 *all = NULL;
  g_autofree char *name = NULL, *status = NULL;
  FlDataset *ds = fl_session_get_dataset (self->session);

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);

  e = fl_embedder_load (path, &error);
  if (e == NULL)
    {
      _fl_window_show_error (self, _("Could not open the matching model."), error->message);
      return FALSE;
    }
  if (ds == NULL || ds->image_size != fl_embedder_image_size (e))
    {
      const FlDataSpec *spec = fl_embedder_data_spec (e);
      /* TRANSLATORS: the first %s is the model's image folder (or "data
       * held in memory"), the second its CSV file (or "its texts") */
      g_autofree char *why = g_strdup_printf (_("It searches the pictures and texts loaded, at its image size, %d px: "
                                                "load them first (it was trained on %s and %s)."),
                                              fl_embedder_image_size (e),
                                              spec->images_dir != NULL ? spec->images_dir : _("data held in memory"),
                                              spec->csv_path != NULL ? spec->csv_path : _("its texts"));

      _fl_window_show_error (self, _("Could not open the matching model."), why);
      return FALSE;
    }
  if (ds->image_fit != fl_embedder_image_fit (e))
    {
      /* TRANSLATORS: %s are picture fits, "squash", "crop" or "pad", as
       * the Picture fit setting names them */
      g_autofree char *why = g_strdup_printf (_("It was trained on pictures fitted by “%s”, and the data loaded is "
                                                "fitted by “%s”: choose “%s” as the Picture fit, which loads the "
                                                "data again."),
                                              fit_title (fl_embedder_image_fit (e)), fit_title (ds->image_fit),
                                              fit_title (fl_embedder_image_fit (e)));

      _fl_window_show_error (self, _("Could not open the matching model."), why);
      return FALSE;
    }
  all = g_new (gint32, ds->n);
  for (int i = 0; i < ds->n; i++)
    all[i] = i;
  g_clear_object (&self->searched);
  fl_search_view_set_model (self->search_view, g_steal_pointer (&e), ds, all, ds->n, NAN);
  show_search_page (self);
  name = g_path_get_basename (path);
  status = g_strdup_printf (_("Opened the matching model %s: it searches every sample of the data loaded."), name);
  fl_session_set_status (self->session, status);
  return TRUE;
}

static void
match_started_cb (FlWindow  *self,
                  FlRunItem *item,
                  FlSession *session)
{
  self->match_running = TRUE;
}

/* A matching run ended: with an epoch or more, its model is searched, and
 * the page shown unless the user stopped the run (the curves stay). */
static void
finished_cb (FlWindow     *self,
             const GError *error,
             FlSession    *session)
{
  FlRunItem *item = fl_session_get_match_item (session);

  if (self->match_running && item != NULL && fl_run_item_get_match_epochs (item)->len > 0 &&
      set_search_model (self))
    {
      gtk_stack_page_set_visible (gtk_stack_get_page (self->content_stack, GTK_WIDGET (self->search_view)), TRUE);
      if (error == NULL)
        gtk_stack_set_visible_child_name (self->content_stack, "search");
    }
  self->match_running = FALSE;
}

void
_fl_window_wire_match (FlWindow *self)
{
  fl_runs_view_set_match_runs (self->runs_view, fl_session_get_match_runs (self->session));
  fl_match_view_set_session (self->match_view, self->session);
  g_signal_connect_object (self->session, "match-started", G_CALLBACK (match_started_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "finished", G_CALLBACK (finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->content_stack, "notify::visible-child-name", G_CALLBACK (page_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

void
_fl_window_class_add_match (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, FlWindow, match_view);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, search_view);
  gtk_widget_class_bind_template_callback (widget_class, match_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, task_changed_cb);
}

FlMatchView *
fl_window_get_match_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->match_view;
}

FlSearchView *
fl_window_get_search_view (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), NULL);
  return self->search_view;
}
