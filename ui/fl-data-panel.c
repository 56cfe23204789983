/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-data-panel"

#include "fl-data-panel.h"

#include "fl-column-picker.h"
#include "fl-data-load.h"
#include "fl-i18n.h"
#include "fl-model.h"
#include "fl-ui-util.h"

/* How long the image size must stay put before the data is reloaded. */
#define RELOAD_DELAY_MS 600

struct _FlDataPanel {
  GtkWidget       parent_instance;

  /* template widgets */
  GtkWidget      *images_button;
  GtkLabel       *images_label;
  GtkWidget      *csv_button;
  GtkLabel       *csv_label;
  FlColumnPicker *column_picker;
  GtkWidget      *progress_box;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_label;
  GtkLabel       *summary_label;

  FlDataFiles     files;         /* chosen by the user */
  int             image_size;
  FlImageFit      image_fit;
  guint           reload_id;
  gboolean        locked;        /* a model is training on the data */
  gboolean        load_pending;  /* asked for while locked */

  FlDataset      *dataset;
  FlDataLoad     *load;          /* the load running, or NULL */
  GCancellable   *cancellable;
};

G_DEFINE_FINAL_TYPE (FlDataPanel, fl_data_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DATASET,
  PROP_LOADING,
  PROP_IMAGE_SIZE,
  N_PROPS
};

enum {
  SIGNAL_ERROR,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_load (FlDataPanel *self);

static char *
basename_or (const char *path,
             const char *fallback)
{
  return path != NULL ? g_path_get_basename (path) : g_strdup (fallback);
}

static void
update_file_labels (FlDataPanel *self)
{
  const FlDataFiles *files = &self->files;
  g_autofree char *images = basename_or (files->images_dir, _("Choose image folder…"));
  g_autofree char *csv = basename_or (files->csv_path, _("Choose text CSV…"));

  gtk_label_set_text (self->images_label, images);
  gtk_label_set_text (self->csv_label, csv);
  gtk_widget_set_tooltip_text (self->images_button,
                               files->images_dir ? files->images_dir : _("Choose the folder of images (Ctrl+O)"));
  gtk_widget_set_tooltip_text (self->csv_button,
                               files->csv_path ? files->csv_path : _("Choose the CSV file of texts (Shift+Ctrl+O)"));
}

/* ", sound clips, 2 numeric columns": what the data has besides images
 * and texts */
static char *
describe_branches (FlDataset *ds)
{
  GString *s = g_string_new (NULL);

  if (ds->audio != NULL)
    /* TRANSLATORS: appended to "images at 64×64" in the data summary */
    g_string_append (s, _(", sound clips"));
  if (ds->n_numeric > 0)
    /* TRANSLATORS: appended to "images at 64×64" (and ", sound clips") in the data summary */
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, ", %d numeric column", ", %d numeric columns",
                                            ds->n_numeric), ds->n_numeric);
  return g_string_free (s, FALSE);
}

static void
update_summary (FlDataPanel *self)
{
  FlDataset *ds = self->dataset;
  g_autofree char *summary = NULL;
  g_autofree char *skipped = NULL;
  g_autofree char *csv_name = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *more = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), ds != NULL);
  if (ds == NULL)
    return;

  /* one line here; the Data page shows the classes and the skipped rows */
  basename = g_path_get_basename (ds->csv_path);
  csv_name = g_markup_escape_text (basename, -1);
  more = describe_branches (ds);
  if (ds->report.n_skipped > 0)
    {
      g_autofree char *n = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d skipped", "%d skipped",
                                                         ds->report.n_skipped), ds->report.n_skipped);

      skipped = g_strdup_printf (" · <span weight='bold' foreground='#b35900'>%s</span>", n);
    }
  /* TRANSLATORS: the data summary (Pango markup): samples, classes, then
   * " · 3 skipped" or nothing; the CSV's rows, its name, the image size
   * twice, then ", sound clips, 2 numeric columns" or nothing */
  summary = g_strdup_printf (_("<b>%d</b> samples · <b>%d</b> classes%s\n"
                               "<small>from %d rows of %s, images at %d×%d%s</small>"),
                             ds->n, ds->n_classes, skipped ? skipped : "",
                             ds->report.n_rows, csv_name, ds->image_size, ds->image_size, more);
  gtk_label_set_markup (self->summary_label, summary);
}

static void
set_dataset (FlDataPanel *self,
             FlDataset   *ds)
{
  FlDataset *old = self->dataset;

  if (old == NULL && ds == NULL)
    return;
  self->dataset = ds;
  update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
  /* after the handlers let go of it */
  g_clear_pointer (&old, fl_dataset_unref);
}

static void
set_loading_ui (FlDataPanel *self,
                gboolean     loading)
{
  gtk_widget_set_visible (self->progress_box, loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel", loading);
  if (loading)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_label_set_text (self->progress_label, _("Reading the CSV and finding the files…"));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/* Main thread: show the progress the decoding threads reported. */
static void
progress_cb (FlDataPanel *self,
             gint64       done,
             gint64       total,
             FlDataLoad  *load)
{
  g_autofree char *text = NULL;

  if (load != self->load || total <= 0)
    return;

  gtk_progress_bar_set_fraction (self->progress_bar, (double) done / total);
  /* one count: the images, then the clips */
  text = g_strdup_printf (fl_data_load_get_has_clips (load) ? _("Decoding images and sound clips… %lld of %lld")
                                                            : _("Decoding images… %lld of %lld"),
                          (long long) done, (long long) total);
  gtk_label_set_text (self->progress_label, text);
}

/* Lets go of the load, which may still be running: whatever it reports now
 * is for nobody. */
static void
forget_load (FlDataPanel *self)
{
  if (self->load != NULL)
    g_signal_handlers_disconnect_by_data (self->load, self);
  g_clear_object (&self->load);
  g_clear_object (&self->cancellable);
}

static void
cancel_load (FlDataPanel *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  forget_load (self);
}

static void
load_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FlDataPanel) self = user_data;
  FlDataLoad *load = FL_DATA_LOAD (source);
  g_autoptr(GError) error = NULL;
  FlDataset *ds = fl_data_load_finish (load, result, &error);

  /* superseded by a newer load, or the panel is going away */
  if (load != self->load)
    {
      g_clear_pointer (&ds, fl_dataset_unref);
      return;
    }
  /* not loading any more when the handlers of notify::dataset run; the
   * task holds the load until this returns */
  forget_load (self);

  fl_column_picker_set_columns (self->column_picker, fl_data_load_get_headers (load),
                                ds != NULL ? &ds->report : fl_data_load_get_columns (load),
                                fl_data_load_get_numeric_columns (load));
  set_dataset (self, ds);
  set_loading_ui (self, FALSE);

  if (ds == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

static void
start_load (FlDataPanel *self)
{
  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->files.images_dir == NULL || self->files.csv_path == NULL)
    return;
  /* the dataset must not change under a training run: later */
  if (self->locked)
    {
      self->load_pending = TRUE;
      return;
    }

  cancel_load (self);
  self->load_pending = FALSE;
  self->cancellable = g_cancellable_new ();
  self->load = fl_data_load_new (&self->files, self->image_size, self->image_fit);
  g_signal_connect_object (self->load, "progress", G_CALLBACK (progress_cb), self, G_CONNECT_SWAPPED);
  fl_data_load_run_async (self->load, self->cancellable, load_done_cb, g_object_ref (self));

  set_loading_ui (self, TRUE);
}

static gboolean
reload_timeout_cb (gpointer data)
{
  FlDataPanel *self = data;

  self->reload_id = 0;
  start_load (self);
  return G_SOURCE_REMOVE;
}

static void
picker_changed_cb (FlDataPanel    *self,
                   FlColumnPicker *picker)
{
  fl_column_picker_get_columns (picker, &self->files);
  start_load (self);
}

/* The image folder's chooser picks a folder, the CSV's a file. */
static void
chooser_response_cb (GtkNativeDialog *native,
                     int              response,
                     FlDataPanel     *self)
{
  g_autofree char *path = fl_chooser_get_path (native, response);
  gboolean folder = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (native)) == GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER;

  if (path != NULL)
    fl_data_panel_load (self, folder ? path : NULL, folder ? NULL : path);
  g_object_unref (native);
}

/* Shows a chooser opened at path (or at its folder, with parent). */
static void
show_chooser (FlDataPanel          *self,
              GtkFileChooserNative *native,
              const char           *path,
              gboolean              parent)
{
  g_autofree char *dir = NULL;
  g_autoptr(GFile) folder = NULL;

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (path != NULL)
    {
      dir = parent ? g_path_get_dirname (path) : g_strdup (path);
      folder = g_file_new_for_path (dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), folder, NULL);
    }
  g_signal_connect_object (native, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
choose_images_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FlDataPanel *self = FL_DATA_PANEL (widget);
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (_("Choose the Image Folder"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Choose"), _("_Cancel"));
  show_chooser (self, native, self->files.images_dir ? self->files.images_dir : self->files.csv_path,
                self->files.images_dir != NULL);
}

static void
choose_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FlDataPanel *self = FL_DATA_PANEL (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) csv_filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all_filter = gtk_file_filter_new ();

  native = gtk_file_chooser_native_new (_("Choose the Text CSV"),
                                        GTK_WINDOW (gtk_widget_get_root (widget)),
                                        GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (csv_filter, _("CSV files"));
  gtk_file_filter_add_pattern (csv_filter, "*.csv");
  gtk_file_filter_add_pattern (csv_filter, "*.CSV");
  gtk_file_filter_add_mime_type (csv_filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), csv_filter);
  gtk_file_filter_set_name (all_filter, _("All files"));
  gtk_file_filter_add_pattern (all_filter, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all_filter);
  show_chooser (self, native, self->files.csv_path ? self->files.csv_path : self->files.images_dir, TRUE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  fl_data_panel_cancel (FL_DATA_PANEL (widget));
}

static void
fl_data_panel_unroot (GtkWidget *widget)
{
  /* the window is closing: do not finish a load nobody will see */
  fl_data_panel_cancel (FL_DATA_PANEL (widget));

  GTK_WIDGET_CLASS (fl_data_panel_parent_class)->unroot (widget);
}

static void
fl_data_panel_dispose (GObject *object)
{
  FlDataPanel *self = FL_DATA_PANEL (object);

  g_clear_handle_id (&self->reload_id, g_source_remove);
  cancel_load (self);
  g_clear_pointer (&self->dataset, fl_dataset_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_DATA_PANEL);
  fl_widget_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (fl_data_panel_parent_class)->dispose (object);
}

static void
fl_data_panel_finalize (GObject *object)
{
  FlDataPanel *self = FL_DATA_PANEL (object);

  fl_data_files_clear (&self->files);

  G_OBJECT_CLASS (fl_data_panel_parent_class)->finalize (object);
}

static void
fl_data_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FlDataPanel *self = FL_DATA_PANEL (object);

  switch (prop_id)
    {
    case PROP_DATASET:
      g_value_set_pointer (value, self->dataset);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->load != NULL);
      break;
    case PROP_IMAGE_SIZE:
      g_value_set_int (value, self->image_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_data_panel_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FlDataPanel *self = FL_DATA_PANEL (object);

  switch (prop_id)
    {
    case PROP_IMAGE_SIZE:
      fl_data_panel_set_image_size (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_data_panel_class_init (FlDataPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_data_panel_dispose;
  object_class->finalize = fl_data_panel_finalize;
  object_class->get_property = fl_data_panel_get_property;
  object_class->set_property = fl_data_panel_set_property;
  widget_class->unroot = fl_data_panel_unroot;

  properties[PROP_DATASET] =
    g_param_spec_pointer ("dataset", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_IMAGE_SIZE] =
    g_param_spec_int ("image-size", NULL, NULL, 4, 1024, 64,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (const GError *error): loading failed */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/fusionlab/FusionLab/ui/fl-data-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, images_button);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, images_label);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, csv_button);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, csv_label);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, column_picker);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, progress_box);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FlDataPanel, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, picker_changed_cb);

  gtk_widget_class_install_action (widget_class, "data.choose-images", NULL, choose_images_action);
  gtk_widget_class_install_action (widget_class, "data.choose-csv", NULL, choose_csv_action);
  gtk_widget_class_install_action (widget_class, "data.cancel", NULL, cancel_action);

  gtk_widget_class_set_css_name (widget_class, "datapanel");
}

static void
fl_data_panel_init (FlDataPanel *self)
{
  g_type_ensure (FL_TYPE_COLUMN_PICKER);
  self->image_size = 64;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel", FALSE);
}

GtkWidget *
fl_data_panel_new (void)
{
  return g_object_new (FL_TYPE_DATA_PANEL, NULL);
}

void
fl_data_panel_load (FlDataPanel *self,
                    const char  *images_dir,
                    const char  *csv_path)
{
  g_return_if_fail (FL_IS_DATA_PANEL (self));

  if (images_dir != NULL)
    fl_set_str (&self->files.images_dir, images_dir);
  if (csv_path != NULL && fl_set_str (&self->files.csv_path, csv_path))
    {
      /* another file: detect its columns afresh, and use every column
       * of numbers it has */
      g_clear_pointer (&self->files.image_col, g_free);
      g_clear_pointer (&self->files.text_col, g_free);
      g_clear_pointer (&self->files.label_col, g_free);
      g_clear_pointer (&self->files.audio_col, g_free);
      g_clear_pointer (&self->files.numeric_cols, g_strfreev);
    }

  if (self->files.csv_path == NULL && self->files.images_dir != NULL)
    self->files.csv_path = fl_data_load_guess_csv (self->files.images_dir);
  if (self->files.images_dir == NULL && self->files.csv_path != NULL)
    self->files.images_dir = fl_data_load_guess_images (self->files.csv_path);

  update_file_labels (self);
  start_load (self);
}

void
fl_data_panel_cancel (FlDataPanel *self)
{
  g_return_if_fail (FL_IS_DATA_PANEL (self));

  g_clear_handle_id (&self->reload_id, g_source_remove);
  if (self->load == NULL)
    return;
  cancel_load (self);
  set_loading_ui (self, FALSE);
}

FlDataset *
fl_data_panel_get_dataset (FlDataPanel *self)
{
  g_return_val_if_fail (FL_IS_DATA_PANEL (self), NULL);
  return self->dataset;
}

gboolean
fl_data_panel_get_loading (FlDataPanel *self)
{
  g_return_val_if_fail (FL_IS_DATA_PANEL (self), FALSE);
  return self->load != NULL;
}

/* The data again, shortly, at the new size or fit (a spin button's
 * steps coalesced), if there is any. */
static void
reload_soon (FlDataPanel *self)
{
  if (self->dataset != NULL || self->load != NULL)
    {
      g_clear_handle_id (&self->reload_id, g_source_remove);
      self->reload_id = g_timeout_add (RELOAD_DELAY_MS, reload_timeout_cb, self);
    }
}

void
fl_data_panel_set_image_size (FlDataPanel *self,
                              int          image_size)
{
  g_return_if_fail (FL_IS_DATA_PANEL (self));

  if (self->image_size == image_size)
    return;
  self->image_size = image_size;
  reload_soon (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IMAGE_SIZE]);
}

void
fl_data_panel_set_image_fit (FlDataPanel *self,
                             FlImageFit   image_fit)
{
  g_return_if_fail (FL_IS_DATA_PANEL (self));

  if (self->image_fit == image_fit)
    return;
  self->image_fit = image_fit;
  reload_soon (self);
}

FlImageFit
fl_data_panel_get_image_fit (FlDataPanel *self)
{
  g_return_val_if_fail (FL_IS_DATA_PANEL (self), FL_IMAGE_FIT_SQUASH);
  return self->image_fit;
}

int
fl_data_panel_get_image_size (FlDataPanel *self)
{
  g_return_val_if_fail (FL_IS_DATA_PANEL (self), 0);
  return self->image_size;
}

gboolean
fl_data_panel_get_stale (FlDataPanel *self)
{
  g_return_val_if_fail (FL_IS_DATA_PANEL (self), FALSE);
  return self->dataset != NULL &&
         (self->load_pending || self->dataset->image_size != self->image_size ||
          self->dataset->image_fit != self->image_fit);
}

void
fl_data_panel_reload (FlDataPanel *self)
{
  g_return_if_fail (FL_IS_DATA_PANEL (self));
  start_load (self);
}

void
fl_data_panel_set_locked (FlDataPanel *self,
                          gboolean     locked)
{
  g_return_if_fail (FL_IS_DATA_PANEL (self));

  locked = !!locked;
  if (self->locked == locked)
    return;
  self->locked = locked;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.choose-images", !locked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.choose-csv", !locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->column_picker), !locked);
  /* a change asked for meanwhile is loaded by the next fl_data_panel_reload()
   * (train.start does it), not now: that would replace the data, and with
   * it the results of the run that just ended */
}

gboolean
fl_data_panel_get_locked (FlDataPanel *self)
{
  g_return_val_if_fail (FL_IS_DATA_PANEL (self), FALSE);
  return self->locked;
}

void
fl_data_panel_set_columns (FlDataPanel *self,
                           const char  *image_col,
                           const char  *text_col,
                           const char  *label_col)
{
  g_return_if_fail (FL_IS_DATA_PANEL (self));

  fl_set_str (&self->files.image_col, image_col);
  fl_set_str (&self->files.text_col, text_col);
  fl_set_str (&self->files.label_col, label_col);
  start_load (self);
}

FlColumnPicker *
fl_data_panel_get_column_picker (FlDataPanel *self)
{
  g_return_val_if_fail (FL_IS_DATA_PANEL (self), NULL);
  return self->column_picker;
}

void
fl_data_panel_set_branch_columns (FlDataPanel       *self,
                                  const char        *audio_col,
                                  const char *const *numeric_cols)
{
  const char *const none[] = { NULL };

  g_return_if_fail (FL_IS_DATA_PANEL (self));

  fl_set_str (&self->files.audio_col, audio_col);
  g_strfreev (self->files.numeric_cols);
  self->files.numeric_cols = g_strdupv ((char **) (numeric_cols != NULL ? numeric_cols : none));
}
