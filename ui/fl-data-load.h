/* SPDX-License-Identifier: MIT
 *
 * fl-data-load.h — one load of the data, in a worker thread: the CSV's
 * columns, the dataset, and the decoding progress, with no widgets.
 *
 * "progress" (gint64 done, gint64 total: the images, then the sound clips,
 * decoded so far, of all) is emitted on the main context the load was
 * started from, with at most one update waiting there, so fast
 * decoding threads do not flood the main loop. The default application is
 * held until the thread has ended, so that quitting waits for a cancelled
 * load to let go of its files.
 */
#pragma once

#include <gio/gio.h>

#include "fl-dataset.h"

G_BEGIN_DECLS

/* Where the data is and which of its columns to use: an FlDataSpec's
 * strings, owned. The panel keeps the ones chosen, a load the ones it was
 * asked for. */
typedef struct {
  char *images_dir;
  char *csv_path;
  char *image_col;    /* NULL = detect */
  char *text_col;
  char *label_col;    /* NULL = detect; "" = the image's folder name */
  char *audio_col;    /* NULL = detect; "" = none */
  char **numeric_cols;  /* NULL = every column of numbers the CSV has
                       * (fl_dataset_numeric_columns()); else those of
                       * them named here, maybe none */
} FlDataFiles;

void                fl_data_files_copy        (FlDataFiles          *dst,
                                               const FlDataFiles    *src);
void                fl_data_files_clear       (FlDataFiles          *files);

#define FL_TYPE_DATA_LOAD (fl_data_load_get_type ())
G_DECLARE_FINAL_TYPE (FlDataLoad, fl_data_load, FL, DATA_LOAD, GObject)

/* A load of files (copied) with images of image_size pixels a side,
 * fitted to it as image_fit says. */
FlDataLoad         *fl_data_load_new          (const FlDataFiles    *files,
                                               int                   image_size,
                                               FlImageFit            image_fit);

/* Runs the load once; cancel it through cancellable. */
void                fl_data_load_run_async    (FlDataLoad           *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
/* The dataset (free with fl_dataset_unref()), or NULL with error set. */
FlDataset          *fl_data_load_finish       (FlDataLoad           *self,
                                               GAsyncResult         *result,
                                               GError              **error);

/* Once the load is finished, even when it failed: the CSV's column names
 * (NULL when it could not be read), the columns chosen or detected among
 * them (numeric_cols: those chosen), and the columns of numbers that may
 * be chosen (fl_dataset_numeric_columns(), NULL-terminated), for the
 * drop-downs. Owned by the load. */
const char *const  *fl_data_load_get_headers  (FlDataLoad           *self);
const FlLoadReport *fl_data_load_get_columns  (FlDataLoad           *self);
const char *const  *fl_data_load_get_numeric_columns (FlDataLoad    *self);
/* Whether the files decoded include sound clips (an audio column is
 * used): known once the first progress is reported. */
gboolean            fl_data_load_get_has_clips (FlDataLoad          *self);

/* The other half of the data, guessed from the half the user chose: a lone
 * CSV in the image folder or beside it (data/images/ + data/texts.csv), or
 * an images/ folder beside the CSV. NULL when there is no guess; free with
 * g_free(). */
char               *fl_data_load_guess_csv    (const char           *images_dir);
char               *fl_data_load_guess_images (const char           *csv_path);

G_END_DECLS
