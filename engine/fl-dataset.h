/* SPDX-License-Identifier: MIT
 *
 * fl-dataset.h — an image folder and a text CSV turned into samples.
 *
 * Each usable CSV row becomes one sample: its image decoded to uint8 (3,S,S),
 * its text, and its label; where the CSV has them, its sound clip as a
 * log-mel spectrogram (fl-audio.h) and the numbers of the numeric columns
 * chosen. Rows that cannot be used (missing or undecodable image or clip,
 * empty label, a path escaping the folder, a short row, a cell of a
 * numeric column that is not a number) are skipped and counted in the load
 * report with the first few reasons.
 *
 * Each distinct file is decoded once, however many rows name it, and opened
 * beneath the image folder (fl_image_tree_open()), never by path; a clip's
 * path follows the image's rules. Before anything is decoded, the memory
 * the samples need (rows × 3 × S² bytes of pixels, rows × 64 × 200 floats
 * of spectrogram, rows × numeric columns floats) is checked against
 * fl_dataset_max_bytes().
 */
#pragma once

#include <gio/gio.h>

#include "fl-csv.h"
#include "fl-image.h"

G_BEGIN_DECLS

/* What a CSV column holds; a header naming one is found without being
 * chosen. */
typedef enum {
  FL_COLUMN_IMAGE,
  FL_COLUMN_TEXT,
  FL_COLUMN_LABEL,
  FL_COLUMN_AUDIO,
} FlColumnRole;

/* The header names looked for, in order, NULL-terminated; static. Matched
 * ignoring case and surrounding white space (fl_csv_find_column()). */
const char *const *fl_dataset_column_names (FlColumnRole role);
/* The column of csv whose header is one of those names, or -1. */
int                fl_dataset_detect_column (FlCsv *csv, FlColumnRole role);

typedef struct {
  const char *images_dir;   /* the image folder (required) */
  const char *csv_path;     /* the text CSV (required) */
  const char *image_col;    /* column names; NULL = detect from the header
                             * (fl_dataset_column_names()) */
  const char *text_col;
  const char *label_col;    /* NULL = detect; "" = none: use parent folder */
  int         image_size;   /* S */
  FlImageFit  image_fit;    /* how a picture becomes S×S (0: squash) */
  int         n_threads;    /* for decoding; <= 0 = all cores */
  gboolean    unlabelled;   /* for prediction: labels are not needed, a row
                             * without one keeps an empty label */
  const char *audio_col;    /* sound clips, paths relative to the image
                             * folder: NULL = detect; "" = none */
  const char *const *numeric_cols;  /* NULL-terminated column names, or NULL
                             * for none (fl_dataset_numeric_columns() lists
                             * the candidates); an empty cell is NAN, any
                             * other cell must be a finite number */
} FlDataSpec;

#define FL_REPORT_MAX_REASONS 20

/* More classes than this is almost surely the wrong label column (an id, a
 * caption), and their confusion matrix alone would not fit in memory. */
#define FL_MAX_CLASSES 1000

/* The most numeric columns a model takes (fl_config_validate()). */
#define FL_MAX_NUMERIC_COLUMNS 100000

typedef struct {
  int        n_rows;        /* data rows in the CSV */
  int        n_skipped;
  GPtrArray *reasons;       /* of char*: "texts.csv, line 7: cat.png: not found" */
  char      *image_col;     /* the columns actually used (label_col NULL */
  char      *text_col;      /*  when labels come from folder names, */
  char      *label_col;     /*  audio_col and numeric_cols NULL when */
  char      *audio_col;     /*  there are none) */
  char     **numeric_cols;  /* NULL-terminated */
} FlLoadReport;

typedef struct {
  int        n;             /* samples */
  int        image_size;    /* S */
  FlImageFit image_fit;     /* how the pictures were fitted to S×S */
  guint8    *images;        /* (n,3,S,S) */
  char     **texts;         /* n UTF-8 strings */
  gint32    *labels;        /* n, in [0, n_classes) */
  char     **image_files;   /* n paths relative to the image folder */
  int       *csv_lines;     /* n line numbers in the CSV */
  int        n_classes;
  char     **class_names;   /* n_classes, sorted; NULL-terminated */
  int       *class_counts;  /* n_classes */
  char      *images_dir;
  char      *csv_path;
  /* The other branches, where the data has them (see fl_dataset_branches()).
   * Audio: each sample's clip as an unnormalised log-mel spectrogram of
   * audio_mels bands × audio_frames frames (fl-audio.h); NULL without an
   * audio column. */
  float     *audio;         /* (n, audio_mels, audio_frames) */
  int        audio_mels;    /* 64 */
  int        audio_frames;  /* 200: 2 s at a 10 ms hop */
  char     **audio_files;   /* n paths relative to the image folder */
  /* Numeric columns: raw values, NAN where the cell was empty; NULL and 0
   * when no numeric column is chosen. Standardised by the trainer with
   * the training split's mean and sd. */
  float     *numeric;       /* (n, n_numeric) */
  int        n_numeric;
  char     **numeric_names; /* n_numeric column names, NULL-terminated */
  FlLoadReport report;
  guint64    fingerprint;   /* of every sample's image file, text and label,
                             * in order: the same samples, the same number */
  int        ref_count;     /* private: fl_dataset_ref() and _unref() */
} FlDataset;

/* Loads the data; decoding runs on spec->n_threads threads and reports
 * progress from them (done and total count the distinct image files, then
 * the distinct clips: one count for both). Returns NULL with error set when
 * nothing is usable, when there is only one class, when the samples would
 * take more than fl_dataset_max_bytes() (FL_ENGINE_ERROR_DATA, saying how
 * much and why), when a chosen column does not exist or is chosen for two
 * roles, or when cancelled (G_IO_ERROR_CANCELLED). */
FlDataset *fl_dataset_load (const FlDataSpec *spec,
                            FlProgressFunc    progress,
                            gpointer          user_data,
                            GCancellable     *cancellable,
                            GError          **error);

/* The most memory a dataset's decoded images may take: half of the
 * machine's physical memory, or FUSIONLAB_MAX_DATA_BYTES (bytes) when that
 * is set in the environment (for tests). */
guint64    fl_dataset_max_bytes (void);

/* Builds a dataset from memory (for tests and generated data); takes copies.
 * With images NULL the pixels are zeroed, for the caller to fill. */
FlDataset *fl_dataset_new_from_memory (int                n,
                                       int                image_size,
                                       const guint8      *images,
                                       const char *const *texts,
                                       const char *const *labels);

/* A dataset is shared: the data panel holds one reference, and each trained
 * run another, so that a run's model outlives the data being loaded again
 * (at another image size, say). The last unref frees it; thread-safe. */
FlDataset *fl_dataset_ref (FlDataset *ds);
void       fl_dataset_unref (FlDataset *ds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlDataset, fl_dataset_unref)

/* The columns of csv that hold numbers, for FlDataSpec.numeric_cols:
 * every column, other than those spec picks for the image, text, label and
 * audio (NULL fields detected as fl_dataset_load() detects them; spec NULL:
 * all detected), that has a non-empty cell and whose non-empty cells all
 * parse whole as finite numbers (g_ascii_strtod(), white space around
 * allowed). Header names in column order; NULL-terminated, never NULL;
 * g_strfreev() it. */
char   **fl_dataset_numeric_columns (FlCsv            *csv,
                                     const FlDataSpec *spec);

/* The branches the dataset can feed, a mask of FL_BRANCH_BIT()s
 * (fl-model.h): image and text always; audio when ds->audio is set;
 * numeric when ds->n_numeric > 0. */
guint    fl_dataset_branches (const FlDataset *ds);

/* A multi-line, human-readable summary of the load report. */
char *fl_dataset_describe (const FlDataset *ds);

/* n with a separator between thousands, whatever the locale: 3000 and ","
 * give "3,000"; "\u2009" (a thin space) gives "3 000". A new string. */
char *fl_format_count (guint64 n, const char *separator);

G_END_DECLS
