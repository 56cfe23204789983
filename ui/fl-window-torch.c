/* SPDX-License-Identifier: MIT
 *
 * The window's hand-off to PyTorch and back (issue 17): Export to
 * PyTorch… writes the run the sidebar would train as a folder for
 * torchrun (fl-torch-export.h), in the background; Open Model… (and
 * `fusionlab --model FILE`) adds a model trained elsewhere as a run
 * (fl_session_open_model()), once the data it is evaluated on is loaded.
 */
#define G_LOG_DOMAIN "fl-window"

#include "fl-window-private.h"

#include "fl-i18n.h"
#include "fl-torch-export.h"
#include "fl-ui-util.h"

/* The banner, for news rather than a failure: a note the user can select
 * (and so copy the command from); fl_window_get_error_message() gives it
 * as it gives an error. */
static void
show_note (FlWindow   *self,
           const char *title,
           const char *message)
{
  _fl_window_show_error (self, title, message);
  gtk_label_set_selectable (self->banner_label, TRUE);
}

/* ---- Export to PyTorch… ---- */

typedef struct {
  FlDataset      *ds;
  FlTrainSettings settings;
  char           *dir;
} ExportJob;

static void
export_job_free (gpointer p)
{
  ExportJob *job = p;

  fl_dataset_unref (job->ds);
  g_free (job->dir);
  g_free (job);
}

/* On a worker thread: the run the sidebar would start, not trained, and
 * its folder (the shards of a large dataset take a while to write). */
static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  ExportJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = fl_run_new (job->ds, &job->settings, &error);

  /* (not translated: the command line written into the export's README) */
  if (run != NULL && fl_torch_export (run, job->dir, FALSE, "Fusion Lab: Export to PyTorch…", &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  FlWindow *self = FL_WINDOW (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *quoted = NULL, *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      fl_session_set_status (self->session, _("The export to PyTorch failed."));
      _fl_window_show_error (self, _("Could not export to PyTorch."), error->message);
      return;
    }
  quoted = g_shell_quote (job->dir);
  /* TRANSLATORS: the samples' count, their width and height in pixels,
   * the folder written, the folder again (quoted for the shell) */
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d sample at %d×%d in %s. Train it with: cd %s && "
                                          "torchrun --nproc_per_node 2 train.py (its README.md says more).",
                                          "%d samples at %d×%d in %s. Train them with: cd %s && "
                                          "torchrun --nproc_per_node 2 train.py (its README.md says more).",
                                          job->ds->n),
                             job->ds->n, job->ds->image_size, job->ds->image_size, job->dir, quoted);
  fl_session_set_status (self->session, _("Exported to PyTorch."));
  show_note (self, _("Exported to PyTorch."), message);
}

/* Exports the data loaded with the sidebar's settings into dir. */
void
fl_window_export_torch (FlWindow   *self,
                        const char *dir)
{
  FlDataset *ds = fl_data_panel_get_dataset (self->data_panel);
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (FL_IS_WINDOW (self));
  if (ds == NULL)
    {
      _fl_window_show_error (self, _("Could not export to PyTorch."), _("Load the data first."));
      return;
    }
  job = g_new0 (ExportJob, 1);
  job->ds = fl_dataset_ref (ds);
  job->dir = g_strdup (dir);
  fl_train_panel_get_settings (self->train_panel, &job->settings);
  fl_session_set_status (self->session, _("Exporting to PyTorch…"));
  task = g_task_new (self, NULL, export_done_cb, NULL);
  g_task_set_task_data (task, job, export_job_free);
  g_task_run_in_thread (task, export_thread);
}

/* ---- Open Model… ---- */

gboolean
fl_window_open_model (FlWindow   *self,
                      const char *path)
{
  FlTrainSettings split;

  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);
  /* the data is still on its way, or still to be chosen: once it is there */
  if (fl_data_panel_get_loading (self->data_panel) || fl_data_panel_get_dataset (self->data_panel) == NULL)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *status = g_strdup_printf (_("Load the data to evaluate %s on: it opens then."), base);

      g_free (self->pending_model);
      self->pending_model = g_strdup (path);
      if (!fl_data_panel_get_loading (self->data_panel))
        fl_session_set_status (self->session, status);
      return TRUE;
    }
  fl_train_panel_get_settings (self->train_panel, &split);
  self->model_opening = fl_session_open_model (self->session, path, &split);
  _fl_window_update_actions (self);
  return self->model_opening;
}

/* The model opened is the run shown: its results, on the Training page. */
static void
shown_run_cb (FlWindow   *self,
              GParamSpec *pspec,
              FlSession  *session)
{
  if (!self->model_opening || fl_session_get_opening (session))
    return;
  self->model_opening = FALSE;
  gtk_stack_set_visible_child_name (self->content_stack, "training");
  gtk_stack_set_visible_child_name (self->bottom_stack, "results");
  _fl_window_update_actions (self);
}

/* An error while it was evaluated ends the wait as well. */
static void
error_cb (FlWindow   *self,
          const char *title,
          const char *message,
          FlSession  *session)
{
  if (!fl_session_get_opening (session) && self->model_opening)
    {
      self->model_opening = FALSE;
      _fl_window_update_actions (self);
    }
}

void
_fl_window_wire_torch (FlWindow *self)
{
  g_signal_connect_object (self->session, "notify::shown-run", G_CALLBACK (shown_run_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->session, "error", G_CALLBACK (error_cb), self, G_CONNECT_SWAPPED);
}

gboolean
fl_window_get_opening_model (FlWindow *self)
{
  g_return_val_if_fail (FL_IS_WINDOW (self), FALSE);
  return self->pending_model != NULL || fl_session_get_opening (self->session);
}

void
_fl_window_open_pending_model (FlWindow *self)
{
  g_autofree char *path = g_steal_pointer (&self->pending_model);

  if (path != NULL)
    fl_window_open_model (self, path);
}

/* ---- the choosers ---- */

static void
chooser_response_cb (GtkNativeDialog *native,
                     int              response,
                     FlWindow        *self)
{
  g_autofree char *path = fl_chooser_get_path (native, response);
  gboolean folder = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (native)) == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;

  if (path != NULL && folder)
    fl_window_export_torch (self, path);
  else if (path != NULL)
    fl_window_open_model (self, path);
  g_object_unref (native);
}

static void
choose (FlWindow            *self,
        const char          *title,
        GtkFileChooserAction action,
        const char          *accept)
{
  GtkFileChooserNative *native = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                              accept, _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _("Model files (safetensors)"));
      gtk_file_filter_add_suffix (filter, "safetensors");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  g_signal_connect_object (native, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_model_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose (FL_WINDOW (widget), _("Open a Model Trained Elsewhere"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"));
}

static void
export_torch_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  choose (FL_WINDOW (widget), _("Export to PyTorch: an Empty Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
          _("_Export"));
}

void
_fl_window_update_torch_actions (FlWindow *self)
{
  gboolean training = fl_window_get_training (self);
  gboolean have_data = fl_data_panel_get_dataset (self->data_panel) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-model", !training && have_data &&
                                 !fl_session_get_opening (self->session));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-torch", have_data &&
                                 !_fl_window_get_matching (self));
}

void
_fl_window_class_add_torch (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open-model", NULL, open_model_action);
  gtk_widget_class_install_action (widget_class, "win.export-torch", NULL, export_torch_action);
}
