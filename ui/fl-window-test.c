/* SPDX-License-Identifier: MIT
 *
 * The window's tests on other data (issue 18): *Evaluate on Test Data…*
 * (the shown run's model) and *Evaluate a Model File on Test Data…* ask for
 * the test images' folder and its CSV (and first the model file), and the
 * session tests the model in a thread (fl_session_test()); its results
 * come into the Results page as a run's validation does — accuracy,
 * macro-F1, per class, the confusion matrix whose cells open the test
 * samples in the gallery — under a line naming the test data, the rows
 * skipped and the classes the model does not know.
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

#include "fl-i18n.h"
#include "fl-ui-util.h"

/* What the choosers have gathered so far. */
typedef struct {
  FlWindow *window;
  gboolean  asks_model; /* or tests the shown run's model */
  char     *model;
  char     *images;
} TestChoice;

static void
test_choice_free (TestChoice *c)
{
  g_free (c->model);
  g_free (c->images);
  g_free (c);
}

static void choose (TestChoice *c);

static void
chosen_cb (GtkNativeDialog *native,
           int              response,
           TestChoice      *c)
{
  g_autofree char *path = fl_chooser_get_path (native, response);

  g_object_unref (native);
  if (path == NULL)
    {
      test_choice_free (c);
      return;
    }
  if (c->asks_model && c->model == NULL)
    c->model = g_steal_pointer (&path);
  else if (c->images == NULL)
    c->images = g_steal_pointer (&path);
  else
    {
      fl_window_test (c->window, c->model, c->images, path);
      test_choice_free (c);
      return;
    }
  choose (c);
}

/* The next chooser: the model file (when asked for one), the folder, the CSV. */
static void
choose (TestChoice *c)
{
  gboolean model = c->asks_model && c->model == NULL;
  const char *title = model ? _("Choose the Model to Test") : c->images == NULL ? _("Choose the Test Images’ Folder")
                                                                               : _("Choose the Test Data’s CSV");
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (title, GTK_WINDOW (c->window),
                                        c->images == NULL && !model ? GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER
                                                                    : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        c->images != NULL ? _("_Test") : _("_Choose"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  g_signal_connect (native, "response", G_CALLBACK (chosen_cb), c);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TestChoice *c = g_new0 (TestChoice, 1);

  c->window = FL_WINDOW (widget);
  c->asks_model = g_str_equal (action_name, "win.test-model-file");
  choose (c);
}

/* The results of the test in the Results page, its samples in the gallery:
 * shown as its row of the runs is, or (a model file tested before any run,
 * with no runs to join) here. */
static void
tested_cb (FlWindow  *self,
           FlSession *session)
{
  FlDataset *ds = NULL;
  const FlEvaluation *ev = fl_session_get_test (session, &ds);
  g_autoptr(FlMetrics) m = fl_evaluation_metrics (ev);
  g_autofree char *detail = fl_session_describe_test (session);
  int row = fl_session_get_shown_run (session);

  /* its row is shown: the session added it */
  if (self->showing_test && fl_session_get_run_samples (session, row, NULL) == ds)
    {
      gtk_stack_set_visible_child_name (self->content_stack, "training");
      gtk_stack_set_visible_child_name (self->bottom_stack, "results");
      gtk_label_set_text (self->bottom_title, _fl_window_test_title ("results"));
      _fl_window_update_actions (self);
      return;
    }
  fl_results_view_show (self->results_view, m, (const char *const *) ev->validation->class_names, detail);
  fl_confusion_view_set_test_data (fl_results_view_get_confusion_view (self->results_view), TRUE);
  fl_results_view_set_run (self->results_view, NULL);
  fl_sample_gallery_set_validation (self->gallery, ev->validation, ds);
  fl_sample_gallery_set_test_data (self->gallery, TRUE);
  self->showing_test = TRUE;
  gtk_stack_set_visible_child_name (self->content_stack, "training");
  gtk_stack_set_visible_child_name (self->bottom_stack, "results");
  gtk_label_set_text (self->bottom_title, _fl_window_test_title ("results"));
  _fl_window_update_actions (self);
}

const char *
_fl_window_test_title (const char *page)
{
  if (g_strcmp0 (page, "results") == 0)
    return _("Results on the test data");
  if (g_strcmp0 (page, "samples") == 0)
    return _("Test samples, as the model saw them");
  return NULL;
}

/* The Runs page's title: whether its runs validated on the same samples,
 * and that its tests on other data did not. */
const char *
_fl_window_runs_title (FlWindow *self)
{
  FlRunList *runs = fl_session_get_runs (self->session);
  FlComparison *cmp = fl_session_get_comparison (self->session);
  gboolean tests = FALSE;

  for (int i = 0; i < fl_run_list_get_n_runs (runs); i++)
    tests |= fl_run_item_get_test (fl_run_list_get (runs, i));
  if (cmp != NULL && fl_comparison_cv_folds (cmp) >= 2)
    return tests ? _("Every route, on the same folds; tests on other data") : _("Every route, on the same folds");
  if (!fl_run_list_get_same_split (runs))
    return _("Every run — not all on the same validation samples");
  return tests ? _("Training runs on the same validation samples, tests on other data")
               : _("Every run, on the same validation samples");
}

gboolean
fl_window_test (FlWindow   *self,
                const char *model_path,
                const char *images_dir,
                const char *csv_path)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);
  return fl_session_test (self->session, model_path, images_dir, csv_path);
}

/* A run shown again: its own results, under the runs' titles (a test's,
 * under the test's), and its model to test. */
static void
shown_run_cb (FlWindow   *self,
              GParamSpec *pspec,
              FlSession  *session)
{
  FlComparison *cmp = fl_session_get_comparison (session);
  int i = fl_session_get_shown_run (session);

  self->showing_test = cmp != NULL && i >= 0 && i < fl_comparison_n_runs (cmp) &&
                       fl_comparison_result (cmp, i)->tested_on != NULL;
  g_object_notify (G_OBJECT (self->bottom_stack), "visible-child-name");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.test-data",
                                 !fl_window_get_training (self) && fl_session_get_shown_model (session) != NULL);
}

/* A test's row removed: the plots and the statistics never counted it. */
static void
remove_test_cb (FlWindow   *self,
                int         run,
                FlRunsView *view)
{
  fl_session_remove_test (self->session, run);
  _fl_window_update_actions (self);
}

void
_fl_window_wire_test (FlWindow *self)
{
  g_signal_connect_object (self->runs_view, "remove-test", G_CALLBACK (remove_test_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "tested", G_CALLBACK (tested_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "notify::shown-run", G_CALLBACK (shown_run_cb), self, G_CONNECT_SWAPPED);
}

void
_fl_window_class_add_test (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "train.test-data", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "win.test-model-file", NULL, test_action);
}
