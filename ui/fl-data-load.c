/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-data-load"

#include "fl-data-load.h"

#include "fl-csv.h"

struct _FlDataLoad {
  GObject        parent_instance;

  /* inputs, read-only once the thread runs */
  FlDataFiles    files;
  int            image_size;
  FlImageFit     image_fit;
  GMainContext  *context;      /* where "progress" is emitted */

  /* results, written by the thread before it returns */
  char         **headers;
  FlLoadReport   columns;
  char         **numeric;      /* the columns of numbers on offer */

  /* progress, shared by the decoding threads and the main thread */
  GMutex         mutex;
  gint64         done;
  gint64         total;
  gboolean       update_pending;
  gint           clips;        /* an audio column is used (atomic) */
};

G_DEFINE_FINAL_TYPE (FlDataLoad, fl_data_load, G_TYPE_OBJECT)

enum {
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
fl_data_files_copy (FlDataFiles       *dst,
                    const FlDataFiles *src)
{
  dst->images_dir = g_strdup (src->images_dir);
  dst->csv_path = g_strdup (src->csv_path);
  dst->image_col = g_strdup (src->image_col);
  dst->text_col = g_strdup (src->text_col);
  dst->label_col = g_strdup (src->label_col);
  dst->audio_col = g_strdup (src->audio_col);
  dst->numeric_cols = g_strdupv (src->numeric_cols);
}

void
fl_data_files_clear (FlDataFiles *files)
{
  g_clear_pointer (&files->images_dir, g_free);
  g_clear_pointer (&files->csv_path, g_free);
  g_clear_pointer (&files->image_col, g_free);
  g_clear_pointer (&files->text_col, g_free);
  g_clear_pointer (&files->label_col, g_free);
  g_clear_pointer (&files->audio_col, g_free);
  g_clear_pointer (&files->numeric_cols, g_strfreev);
}

/* Main thread: pass on the progress the decoding threads reported. */
static gboolean
progress_main_cb (gpointer data)
{
  FlDataLoad *self = data;
  gint64 done, total;

  g_mutex_lock (&self->mutex);
  done = self->done;
  total = self->total;
  self->update_pending = FALSE;
  g_mutex_unlock (&self->mutex);

  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, done, total);
  return G_SOURCE_REMOVE;
}

/* Decoding threads: remember the count; one main-loop update at a time. */
static void
progress_cb (gint64   done,
             gint64   total,
             gpointer user_data)
{
  FlDataLoad *self = user_data;

  g_mutex_lock (&self->mutex);
  self->done = done;
  self->total = total;
  if (!self->update_pending)
    {
      /* an idle source, not g_main_context_invoke(): that would run the
       * callback right here, on this thread, whenever the main thread
       * happens not to hold the context */
      g_autoptr(GSource) source = g_idle_source_new ();

      self->update_pending = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, progress_main_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[fusionlab] loading progress");
      g_source_attach (source, self->context);
    }
  g_mutex_unlock (&self->mutex);
}

/* The column chosen, or the one fl_dataset_load() would detect: the
 * drop-downs are pre-selected with it even when loading fails before its
 * report. */
static char *
pick_column (FlCsv        *csv,
             const char   *chosen,
             FlColumnRole  role)
{
  int col;

  if (chosen != NULL)
    return g_strdup (chosen);
  col = fl_dataset_detect_column (csv, role);
  return col >= 0 ? g_strdup (fl_csv_header (csv, col)) : NULL;
}

/* The numeric columns to load: of those on offer, every one, or those
 * chosen (NULL-terminated; maybe empty). */
static char **
chosen_numeric (char *const *offered,
                char *const *chosen)
{
  GPtrArray *out = g_ptr_array_new ();

  for (int i = 0; offered[i] != NULL; i++)
    if (chosen == NULL || g_strv_contains ((const char *const *) chosen, offered[i]))
      g_ptr_array_add (out, g_strdup (offered[i]));
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* The header alone, for the column drop-downs, even if loading fails; and
 * the columns of numbers with the other columns as chosen. */
static gboolean
read_columns (FlDataLoad  *self,
              GError     **error)
{
  g_autoptr(FlCsv) csv = fl_csv_load (self->files.csv_path, error);
  FlDataSpec spec = {
    .image_col = self->files.image_col,
    .text_col = self->files.text_col,
    .label_col = self->files.label_col,
    .audio_col = self->files.audio_col,
  };

  if (csv == NULL)
    return FALSE;
  self->headers = g_new0 (char *, fl_csv_n_cols (csv) + 1);
  for (int c = 0; c < fl_csv_n_cols (csv); c++)
    self->headers[c] = g_strdup (fl_csv_header (csv, c));
  self->columns.image_col = pick_column (csv, self->files.image_col, FL_COLUMN_IMAGE);
  self->columns.text_col = pick_column (csv, self->files.text_col, FL_COLUMN_TEXT);
  self->columns.label_col = pick_column (csv, self->files.label_col, FL_COLUMN_LABEL);
  self->columns.audio_col = pick_column (csv, self->files.audio_col, FL_COLUMN_AUDIO);
  if (self->columns.audio_col != NULL && self->columns.audio_col[0] == '\0')
    g_clear_pointer (&self->columns.audio_col, g_free);
  self->numeric = fl_dataset_numeric_columns (csv, &spec);
  self->columns.numeric_cols = chosen_numeric (self->numeric, self->files.numeric_cols);
  g_atomic_int_set (&self->clips, self->columns.audio_col != NULL);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FlDataLoad *self = source_object;
  g_autoptr(GError) error = NULL;
  FlDataSpec spec = {
    .images_dir = self->files.images_dir,
    .csv_path = self->files.csv_path,
    .image_col = self->files.image_col,
    .text_col = self->files.text_col,
    .label_col = self->files.label_col,
    .audio_col = self->files.audio_col,
    .image_size = self->image_size,
    .image_fit = self->image_fit,
    .n_threads = 0,
  };
  FlDataset *ds;

  if (!read_columns (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->columns.numeric_cols[0] != NULL)
    spec.numeric_cols = (const char *const *) self->columns.numeric_cols;
  ds = fl_dataset_load (&spec, progress_cb, self, cancellable, &error);
  if (ds == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, ds, (GDestroyNotify) fl_dataset_unref);
}

/* In the main context, after the caller's callback. */
static void
task_completed_cb (GTask        *task,
                   GParamSpec   *pspec,
                   GApplication *app)
{
  g_application_release (app);
}

static void
fl_data_load_finalize (GObject *object)
{
  FlDataLoad *self = FL_DATA_LOAD (object);

  fl_data_files_clear (&self->files);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_strfreev (self->headers);
  g_free (self->columns.image_col);
  g_free (self->columns.text_col);
  g_free (self->columns.label_col);
  g_free (self->columns.audio_col);
  g_strfreev (self->columns.numeric_cols);
  g_strfreev (self->numeric);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (fl_data_load_parent_class)->finalize (object);
}

static void
fl_data_load_class_init (FlDataLoadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fl_data_load_finalize;

  /* (gint64 done, gint64 total): images, then clips, decoded so far, of all */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
}

static void
fl_data_load_init (FlDataLoad *self)
{
  g_mutex_init (&self->mutex);
}

FlDataLoad *
fl_data_load_new (const FlDataFiles *files,
                  int                image_size,
                  FlImageFit         image_fit)
{
  FlDataLoad *self;

  g_return_val_if_fail (files != NULL, NULL);

  self = g_object_new (FL_TYPE_DATA_LOAD, NULL);
  fl_data_files_copy (&self->files, files);
  self->image_size = image_size;
  self->image_fit = image_fit;
  return self;
}

void
fl_data_load_run_async (FlDataLoad          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GApplication *app = g_application_get_default ();

  g_return_if_fail (FL_IS_DATA_LOAD (self));
  g_return_if_fail (self->context == NULL);   /* a load runs once */

  self->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_data_load_run_async);
  g_task_set_name (task, "[fusionlab] load data");
  if (app != NULL)
    {
      g_application_hold (app);
      g_signal_connect (task, "notify::completed", G_CALLBACK (task_completed_cb), app);
    }
  g_task_run_in_thread (task, load_thread);
}

FlDataset *
fl_data_load_finish (FlDataLoad    *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *const *
fl_data_load_get_headers (FlDataLoad *self)
{
  g_return_val_if_fail (FL_IS_DATA_LOAD (self), NULL);
  return (const char *const *) self->headers;
}

const FlLoadReport *
fl_data_load_get_columns (FlDataLoad *self)
{
  g_return_val_if_fail (FL_IS_DATA_LOAD (self), NULL);
  return &self->columns;
}

const char *const *
fl_data_load_get_numeric_columns (FlDataLoad *self)
{
  g_return_val_if_fail (FL_IS_DATA_LOAD (self), NULL);
  return (const char *const *) self->numeric;
}

gboolean
fl_data_load_get_has_clips (FlDataLoad *self)
{
  g_return_val_if_fail (FL_IS_DATA_LOAD (self), FALSE);
  return g_atomic_int_get (&self->clips);
}

/* The one CSV directly in dir, if there is exactly one. */
static char *
single_csv_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *found = NULL;
  int n = 0;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".csv") || g_str_has_suffix (name, ".CSV"))
      {
        g_free (found);
        found = g_build_filename (dir, name, NULL);
        n++;
      }
  if (n != 1)
    g_clear_pointer (&found, g_free);
  return found;
}

char *
fl_data_load_guess_csv (const char *images_dir)
{
  g_autofree char *parent = NULL;
  char *csv;

  g_return_val_if_fail (images_dir != NULL, NULL);

  csv = single_csv_in (images_dir);
  if (csv == NULL)
    {
      parent = g_path_get_dirname (images_dir);
      csv = single_csv_in (parent);
    }
  return csv;
}

char *
fl_data_load_guess_images (const char *csv_path)
{
  g_autofree char *dir = NULL;
  g_autofree char *images = NULL;

  g_return_val_if_fail (csv_path != NULL, NULL);

  dir = g_path_get_dirname (csv_path);
  images = g_build_filename (dir, "images", NULL);
  return g_file_test (images, G_FILE_TEST_IS_DIR) ? g_steal_pointer (&images) : NULL;
}
