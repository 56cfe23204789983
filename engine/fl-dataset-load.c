/* SPDX-License-Identifier: MIT
 *
 * fl_dataset_load(): an image folder and a CSV to samples. The rows are
 * resolved first (their image and clip found in the folder, their label and
 * numbers read), the memory they need checked, the distinct images and then
 * the distinct clips decoded on all cores with one progress count, and the
 * rows whose files decoded gathered into the dataset.
 */
#define G_LOG_DOMAIN "fl-dataset"

#include "fl-dataset-private.h"

#include "fl-audio.h"
#include "fl-image-cache.h"
#include "fl-model.h"
#include "fl-paths.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

typedef struct {
  int   line;
  char *msg;
} Reason;

static void
reason_clear (gpointer p)
{
  g_clear_pointer (&((Reason *) p)->msg, g_free);
}

static int
reason_cmp (gconstpointer a, gconstpointer b)
{
  return ((const Reason *) a)->line - ((const Reason *) b)->line;
}

/* The distinct files a column names, each decoded once however many rows
 * name it: 3,000 rows naming one picture decode it once. Files are told
 * apart by their resolved path; one file reached by two spellings (through
 * a link) is decoded twice, which costs time, not correctness. */
typedef struct {
  GPtrArray  *files;    /* of char*: absolute paths, as the tree resolved them */
  GHashTable *index;    /* path (in files) → index + 1 */
  GArray     *of;       /* of int: each kept row's file */
  GError    **errors;   /* files->len once decoded: why one did not */
} FileSet;

static void
file_set_init (FileSet *fs)
{
  fs->files = g_ptr_array_new_with_free_func (g_free);
  fs->index = g_hash_table_new (g_str_hash, g_str_equal);
  fs->of = g_array_new (FALSE, FALSE, sizeof (int));
}

static void
file_set_clear (FileSet *fs)
{
  for (guint i = 0; fs->errors != NULL && i < fs->files->len; i++)
    g_clear_error (&fs->errors[i]);
  g_clear_pointer (&fs->errors, g_free);
  g_clear_pointer (&fs->index, g_hash_table_unref);
  g_clear_pointer (&fs->files, g_ptr_array_unref);
  g_clear_pointer (&fs->of, g_array_unref);
}

/* Numbers abs, the next kept row's file, among the distinct files. */
static void
file_set_add (FileSet *fs, const char *abs)
{
  int f = GPOINTER_TO_INT (g_hash_table_lookup (fs->index, abs)) - 1;

  if (f < 0)
    {
      char *copy = g_strdup (abs);
      f = (int) fs->files->len;
      g_ptr_array_add (fs->files, copy);
      g_hash_table_insert (fs->index, copy, GINT_TO_POINTER (f + 1));
    }
  g_array_append_val (fs->of, f);
}

/* Kept row i's decoding error, or NULL. */
static GError *
file_set_error (const FileSet *fs, guint i)
{
  return fs->errors[g_array_index (fs->of, int, i)];
}

/* What a load has gathered so far, freed by load_clear() at every exit:
 * the rows that name a usable image (and clip), in CSV order, and the
 * skipped ones. */
typedef struct {
  const FlDataSpec *spec;
  FlCsv            *csv;
  int               image_col, text_col;
  int               label_col;   /* -2: labels are the images' folder names */
  int               audio_col;   /* -2: no clips */
  GArray           *num_cols;    /* of int: the numeric columns chosen */
  int               need;        /* fields a row needs: the last column used + 1 */
  FlImageTree      *tree;
  GArray           *rows;        /* of int: the kept rows */
  GPtrArray        *labels;      /* of char*: their labels */
  GArray           *numbers;     /* of float: their numbers, num_cols->len each */
  FileSet           images, clips;
  guint8           *pixels;      /* (images.files->len,3,S,S) once decoded */
  float            *mels;        /* (clips.files->len,64,200) once decoded */
  GArray           *reasons;     /* of Reason: the rows skipped */
  FlProgressFunc    progress;    /* images, then clips, in one count */
  gpointer          user_data;
} Load;

static void
load_clear (Load *ld)
{
  file_set_clear (&ld->images);
  file_set_clear (&ld->clips);
  g_clear_pointer (&ld->pixels, g_free);
  g_clear_pointer (&ld->mels, g_free);
  g_clear_pointer (&ld->num_cols, g_array_unref);
  g_clear_pointer (&ld->rows, g_array_unref);
  g_clear_pointer (&ld->labels, g_ptr_array_unref);
  g_clear_pointer (&ld->numbers, g_array_unref);
  g_clear_pointer (&ld->reasons, g_array_unref);
  g_clear_pointer (&ld->tree, fl_image_tree_free);
  g_clear_pointer (&ld->csv, fl_csv_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Load, load_clear)

static void
add_reason (Load *ld, int row, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* Row `row` is skipped, for the reason fmt gives. */
static void
add_reason (Load *ld, int row, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;
  g_autofree char *base = g_path_get_basename (fl_csv_name (ld->csv));
  Reason r;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  r.line = fl_csv_row_line (ld->csv, row);
  r.msg = g_strdup_printf (_("%s, line %d: %s"), base, r.line, msg);
  g_array_append_val (ld->reasons, r);
}

static gboolean
check_spec (const FlDataSpec *spec, GError **error)
{
  int S = spec->image_size;

  if (S < 4 || S % 4 != 0 || S > 1024)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("image size %d must be a multiple of 4 between 4 and 1024"), S);
      return FALSE;
    }
  if (spec->image_fit < 0 || spec->image_fit >= FL_N_IMAGE_FITS)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("unknown picture fit %d"), (int) spec->image_fit);
      return FALSE;
    }
  if (!g_file_test (spec->images_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: the image folder does not exist or is not a folder"), spec->images_dir);
      return FALSE;
    }
  return TRUE;
}

/* Reads the CSV and picks its image, text, label and audio columns and the
 * numeric ones. */
static gboolean
read_csv (Load *ld, GError **error)
{
  const FlDataSpec *spec = ld->spec;
  int used[4];

  ld->csv = fl_csv_load (spec->csv_path, error);
  if (ld->csv == NULL)
    return FALSE;
  ld->image_col = _fl_dataset_pick_column (ld->csv, spec->image_col, FL_COLUMN_IMAGE, error);
  if (ld->image_col < 0)
    return FALSE;
  ld->text_col = _fl_dataset_pick_column (ld->csv, spec->text_col, FL_COLUMN_TEXT, error);
  if (ld->text_col < 0)
    return FALSE;
  ld->label_col = _fl_dataset_pick_column (ld->csv, spec->label_col, FL_COLUMN_LABEL, error);
  if (ld->label_col == -1)
    return FALSE;
  ld->audio_col = _fl_dataset_pick_column (ld->csv, spec->audio_col, FL_COLUMN_AUDIO, error);
  if (ld->audio_col == -1)
    return FALSE;
  used[0] = ld->image_col, used[1] = ld->text_col, used[2] = ld->label_col, used[3] = ld->audio_col;
  ld->num_cols = g_array_new (FALSE, FALSE, sizeof (int));
  if (!_fl_dataset_pick_numeric (ld->csv, spec->numeric_cols, used, ld->num_cols, error))
    return FALSE;
  ld->need = MAX (MAX (ld->image_col, ld->text_col), MAX (ld->label_col, ld->audio_col)) + 1;
  for (guint k = 0; k < ld->num_cols->len; k++)
    ld->need = MAX (ld->need, g_array_index (ld->num_cols, int, k) + 1);
  return TRUE;
}

/* ---- the rows ------------------------------------------------------------ */

/* abs, a path the tree resolved, relative to its root. */
static const char *
relative_path (FlImageTree *tree, const char *abs)
{
  gsize root_len = strlen (fl_image_tree_root (tree));

  return abs + root_len + (abs[root_len] == '/');
}

/* Row r's label, its image being abs: the label column's, or the name of
 * the image's folder; NULL or "" for none. */
static char *
row_label (Load *ld, int r, const char *abs)
{
  if (ld->label_col >= 0)
    return g_strstrip (g_strdup (fl_csv_get (ld->csv, r, ld->label_col)));
  return fl_image_tree_parent_name (relative_path (ld->tree, abs));
}

/* Row r's image (*abs) and label (*label); NULL, or why the row is
 * skipped. */
static char *
resolve_image (Load *ld, int r, char **abs, char **label)
{
  g_autoptr(GError) e = NULL;
  const char *value = fl_csv_get (ld->csv, r, ld->image_col);

  *abs = fl_image_tree_resolve (ld->tree, value, &e);
  if (*abs == NULL)
    return g_strdup (e->message);
  *label = row_label (ld, r, *abs);
  if (ld->spec->unlabelled && *label == NULL)
    *label = g_strdup ("");
  if (ld->spec->unlabelled || (*label != NULL && (*label)[0] != '\0'))
    return NULL;
  if (ld->label_col >= 0)
    return g_strdup (_("the label is empty"));
  return g_strdup_printf (_("%s lies directly in the image folder, so it has no class folder "
                          "(add a label column or put images in one folder per class)"), value);
}

/* Row r's clip (*abs); NULL, or why the row is skipped. */
static char *
resolve_clip (Load *ld, int r, char **abs)
{
  g_autoptr(GError) e = NULL;
  const char *value = fl_csv_get (ld->csv, r, ld->audio_col);

  if (value[0] == '\0')
    return g_strdup (_("the audio path is empty"));
  *abs = fl_image_tree_resolve (ld->tree, value, &e);
  return *abs == NULL ? g_strdup (e->message) : NULL;
}

/* Row r's numbers appended to ld->numbers; NULL, or why the row is skipped
 * (and nothing appended). */
static char *
resolve_numbers (Load *ld, int r)
{
  guint start = ld->numbers->len;

  for (guint k = 0; k < ld->num_cols->len; k++)
    {
      int c = g_array_index (ld->num_cols, int, k);
      const char *cell = fl_csv_get (ld->csv, r, c);
      g_autofree char *shown = NULL;
      float v;

      if (_fl_dataset_parse_number (cell, &v))
        {
          g_array_append_val (ld->numbers, v);
          continue;
        }
      g_array_set_size (ld->numbers, start);
      /* a cell of a hostile CSV may be megabytes long */
      shown = g_utf8_make_valid (cell, MIN (strlen (cell), 60));
      return g_strdup_printf (_("column “%s”: “%s%s” is not a number"), fl_csv_header (ld->csv, c),
                              shown, strlen (cell) > 60 ? "…" : "");
    }
  return NULL;
}

/* Keeps row r's files, label and numbers, or the reason it is skipped. */
static void
resolve_row (Load *ld, int r)
{
  g_autofree char *abs = NULL, *label = NULL, *clip = NULL, *why = NULL;
  int n_fields = fl_csv_row_n_fields (ld->csv, r);

  if (n_fields < ld->need)
    why = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "has %d field, needs at least %d",
                                        "has %d fields, needs at least %d", n_fields),
                           n_fields, ld->need);
  if (why == NULL)
    why = resolve_image (ld, r, &abs, &label);
  if (why == NULL && ld->audio_col >= 0)
    why = resolve_clip (ld, r, &clip);
  if (why == NULL)
    why = resolve_numbers (ld, r);
  if (why != NULL)
    {
      add_reason (ld, r, "%s", why);
      return;
    }
  file_set_add (&ld->images, abs);
  if (clip != NULL)
    file_set_add (&ld->clips, clip);
  g_array_append_val (ld->rows, r);
  g_ptr_array_add (ld->labels, g_steal_pointer (&label));
}

/* Resolves every row; only those that survive are decoded. */
static void
resolve_rows (Load *ld)
{
  ld->rows = g_array_new (FALSE, FALSE, sizeof (int));
  ld->labels = g_ptr_array_new_with_free_func (g_free);
  ld->numbers = g_array_new (FALSE, FALSE, sizeof (float));
  file_set_init (&ld->images);
  file_set_init (&ld->clips);
  ld->reasons = g_array_new (FALSE, FALSE, sizeof (Reason));
  g_array_set_clear_func (ld->reasons, reason_clear);
  for (int r = 0; r < fl_csv_n_rows (ld->csv); r++)
    resolve_row (ld, r);
}

/* ---- memory --------------------------------------------------------------- */

/* The bytes of n items of `item` bytes decoded from `files` distinct files:
 * when rows share files, the files are decoded into a second array first. */
static guint64
gathered_bytes (guint64 rows, guint64 files, guint64 item)
{
  return files * item + (files < rows ? rows * item : 0);
}

/* Whether the decoded samples fit in fl_dataset_max_bytes(), before they
 * are allocated: a 36 KB CSV naming one picture 3,000 times at S = 1024
 * asks for 9.4 GB, and g_malloc() would abort the whole program. The
 * images are one (rows,3,S,S) byte array, the clips one (rows,64,200)
 * float array, the numbers (rows, columns) floats. (The trainer converts to
 * floats one batch at a time.) */
static gboolean
check_memory (Load *ld, GError **error)
{
  const guint64 S = (guint64) ld->spec->image_size, rows = ld->rows->len;
  const gboolean audio = ld->audio_col >= 0;
  guint64 need = gathered_bytes (rows, ld->images.files->len, 3 * S * S)
               + (audio ? gathered_bytes (rows, ld->clips.files->len, sizeof (float) * FL_AUDIO_SIZE) : 0)
               + rows * ld->num_cols->len * sizeof (float);
  guint64 limit = fl_dataset_max_bytes ();
  g_autofree char *n = fl_format_count (rows, ","), *need_s = g_format_size (need);
  g_autofree char *what = NULL, *limit_s = NULL, *total_s = NULL;
  const char *advice = audio ? _("choose a smaller image size or fewer rows") : _("choose a smaller image size");

  if (need <= limit)
    return TRUE;
  what = g_strdup_printf (audio ? _("%s images of %d×%d and their sound clips need %s")
                                : _("%s images of %d×%d need %s"), n, (int) S, (int) S, need_s);
  limit_s = g_format_size (limit);
  total_s = g_format_size (limit * 2);
  if (g_getenv ("FUSIONLAB_MAX_DATA_BYTES") != NULL)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 _("%s, more than the %s that FUSIONLAB_MAX_DATA_BYTES allows: %s"),
                 what, limit_s, advice);
  else
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 _("%s; this computer has %s and a dataset may use at most half of it: %s"),
                 what, total_s, advice);
  return FALSE;
}

/* ---- decoding ------------------------------------------------------------- */

/* Opens distinct image i beneath the image folder: never by path, so that
 * a link swapped in since the rows were resolved cannot lead out. */
static int
open_image_cb (int i, gpointer data, GError **error)
{
  Load *ld = data;

  return fl_image_tree_open (ld->tree, relative_path (ld->tree, ld->images.files->pdata[i]), error);
}

/* The same for distinct clip i. */
static int
open_clip_cb (int i, gpointer data, GError **error)
{
  Load *ld = data;

  return fl_image_tree_open (ld->tree, relative_path (ld->tree, ld->clips.files->pdata[i]), error);
}

/* The load's one count: every image, then every clip. */
static void
images_progress_cb (gint64 done, gint64 total, gpointer data)
{
  Load *ld = data;

  ld->progress (done, total + ld->clips.files->len, ld->user_data);
}

static void
clips_progress_cb (gint64 done, gint64 total, gpointer data)
{
  Load *ld = data;
  gint64 images = ld->images.files->len;

  ld->progress (images + done, images + total, ld->user_data);
}

static gboolean
cancelled (GError **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("loading was cancelled"));
  return FALSE;
}

/* Decodes the distinct images in parallel into ld->pixels, setting
 * ld->images.errors[i] for one that does not decode. */
static gboolean
decode_images (Load *ld, GCancellable *cancellable, GError **error)
{
  const int S = ld->spec->image_size;
  const guint n = ld->images.files->len;
  g_autoptr(FlImageCache) cache = NULL;

  ld->pixels = g_try_malloc ((gsize) MAX (n, 1) * 3 * S * S);
  if (ld->pixels == NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("not enough memory for %u images of %d×%d: choose a smaller image size"),
                   n, S, S);
      return FALSE;
    }
  ld->images.errors = g_new0 (GError *, MAX (n, 1));
  /* the files are root/relative path: cached by that path (fl-image-cache.h) */
  cache = fl_image_cache_new (fl_image_tree_root (ld->tree), S, ld->spec->image_fit);
  if (!fl_image_load_many_cached (cache, (const char *const *) ld->images.files->pdata, open_image_cb, ld,
                                  (int) n, S, ld->spec->image_fit, ld->pixels, ld->images.errors, ld->spec->n_threads,
                                  ld->progress != NULL ? images_progress_cb : NULL, ld, cancellable))
    return cancelled (error);
  return TRUE;
}

/* Decodes the distinct clips in parallel into ld->mels, setting
 * ld->clips.errors[i] for one that is refused. */
static gboolean
decode_clips (Load *ld, GCancellable *cancellable, GError **error)
{
  const guint n = ld->clips.files->len;

  if (ld->audio_col < 0)
    return TRUE;
  ld->mels = g_try_malloc (sizeof (float) * FL_AUDIO_SIZE * MAX (n, 1));
  if (ld->mels == NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("not enough memory for the spectrograms of %u sound clips"), n);
      return FALSE;
    }
  ld->clips.errors = g_new0 (GError *, MAX (n, 1));
  if (!fl_audio_load_many_from ((const char *const *) ld->clips.files->pdata, open_clip_cb, ld,
                                (int) n, ld->mels, ld->clips.errors, ld->spec->n_threads,
                                ld->progress != NULL ? clips_progress_cb : NULL, ld, cancellable))
    return cancelled (error);
  return TRUE;
}

/* ---- the samples ------------------------------------------------------- */

/* Which kept rows' files decoded (a new array); the others are skipped with
 * their file's reason, the image's first. *n_kept counts the first. */
static gboolean *
keep_rows (Load *ld, int *n_kept)
{
  gboolean *keep = g_new0 (gboolean, MAX (ld->rows->len, 1));

  *n_kept = 0;
  for (guint i = 0; i < ld->rows->len; i++)
    {
      GError *e = file_set_error (&ld->images, i);

      if (e == NULL && ld->audio_col >= 0)
        e = file_set_error (&ld->clips, i);
      if (e != NULL)
        add_reason (ld, g_array_index (ld->rows, int, i), "%s", e->message);
      keep[i] = e == NULL;
      *n_kept += keep[i];
    }
  return keep;
}

/* The (n_kept, item) array of the kept rows' items, from blob, the
 * (files, item) array of fs's distinct files, which it takes: with a file
 * per row (files numbered in row order, so row i's is file i), blob
 * compacted in place; otherwise each row's item copied into a new one. */
static gpointer
gather_rows (gpointer blob, gsize item, const FileSet *fs, const gboolean *keep, int n_kept)
{
  gboolean shared = fs->files->len < fs->of->len;
  guint8 *in = blob, *out = shared ? g_malloc ((gsize) MAX (n_kept, 1) * item) : in;
  gsize k = 0;

  for (guint i = 0; i < fs->of->len; i++)
    {
      gsize f = (gsize) g_array_index (fs->of, int, i);
      if (!keep[i])
        continue;
      /* forward: k ≤ f, so no item is overwritten before it is moved */
      if (shared || k != f)
        memmove (out + k * item, in + f * item, item);
      k++;
    }
  if (shared)
    g_free (in);
  else
    out = g_realloc (out, (gsize) MAX (n_kept, 1) * item);
  return out;
}

/* The kept rows' clips and numbers into ds. */
static void
collect_branches (Load *ld, FlDataset *ds, const gboolean *keep, int n)
{
  const guint K = ld->num_cols->len;
  int k = 0;

  if (ld->audio_col >= 0)
    {
      ds->audio_mels = FL_AUDIO_MELS;
      ds->audio_frames = FL_AUDIO_FRAMES;
      ds->audio_files = g_new0 (char *, MAX (n, 1));
      ds->audio = gather_rows (g_steal_pointer (&ld->mels), sizeof (float) * FL_AUDIO_SIZE,
                               &ld->clips, keep, n);
    }
  if (K > 0)
    {
      ds->n_numeric = (int) K;
      ds->numeric = g_new (float, (gsize) MAX (n, 1) * K);
      ds->numeric_names = g_new0 (char *, K + 1);
      for (guint c = 0; c < K; c++)
        ds->numeric_names[c] = g_strdup (fl_csv_header (ld->csv, g_array_index (ld->num_cols, int, c)));
    }
  for (guint i = 0; i < ld->rows->len; i++)
    {
      if (!keep[i])
        continue;
      if (ds->audio_files != NULL)
        ds->audio_files[k] = g_strdup (relative_path (ld->tree, ld->clips.files->pdata[
                                         g_array_index (ld->clips.of, int, i)]));
      if (K > 0)
        memcpy (ds->numeric + (gsize) k * K, &g_array_index (ld->numbers, float, (gsize) i * K),
                sizeof (float) * K);
      k++;
    }
}

/* The samples whose image (and clip) decoded, in CSV order; the rows of
 * those that did not are skipped. */
static FlDataset *
collect_samples (Load *ld)
{
  FlDataset *ds = _fl_dataset_alloc ((int) ld->rows->len, ld->spec->image_size);
  const gsize img = (gsize) 3 * ld->spec->image_size * ld->spec->image_size;
  g_autofree char **labels = g_new0 (char *, MAX (ld->rows->len, 1));
  int n, k = 0;
  g_autofree gboolean *keep = keep_rows (ld, &n);

  ds->image_fit = ld->spec->image_fit;
  ds->images_dir = g_strdup (ld->spec->images_dir);
  ds->csv_path = g_strdup (ld->spec->csv_path);
  for (guint i = 0; i < ld->rows->len; i++)
    {
      int r = g_array_index (ld->rows, int, i);

      if (!keep[i])
        continue;
      ds->texts[k] = g_strdup (fl_csv_get (ld->csv, r, ld->text_col));
      ds->image_files[k] = g_strdup (relative_path (ld->tree, ld->images.files->pdata[
                                       g_array_index (ld->images.of, int, i)]));
      ds->csv_lines[k] = fl_csv_row_line (ld->csv, r);
      labels[k] = ld->labels->pdata[i];
      k++;
    }
  ds->images = gather_rows (g_steal_pointer (&ld->pixels), img, &ld->images, keep, n);
  collect_branches (ld, ds, keep, n);
  ds->n = n;
  _fl_dataset_index_classes (ds, labels);
  _fl_dataset_fingerprint (ds);
  return ds;
}

/* The load report: how many rows were skipped, the first reasons in line
 * order, and the columns used. */
static void
fill_report (FlLoadReport *report, Load *ld)
{
  g_array_sort (ld->reasons, reason_cmp);
  report->n_rows = fl_csv_n_rows (ld->csv);
  report->n_skipped = (int) ld->reasons->len;
  report->reasons = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < MIN (ld->reasons->len, FL_REPORT_MAX_REASONS); i++)
    g_ptr_array_add (report->reasons, g_steal_pointer (&g_array_index (ld->reasons, Reason, i).msg));
  report->image_col = g_strdup (fl_csv_header (ld->csv, ld->image_col));
  report->text_col = g_strdup (fl_csv_header (ld->csv, ld->text_col));
  report->label_col = ld->label_col >= 0 ? g_strdup (fl_csv_header (ld->csv, ld->label_col)) : NULL;
  report->audio_col = ld->audio_col >= 0 ? g_strdup (fl_csv_header (ld->csv, ld->audio_col)) : NULL;
  if (ld->num_cols->len > 0)
    {
      report->numeric_cols = g_new0 (char *, ld->num_cols->len + 1);
      for (guint c = 0; c < ld->num_cols->len; c++)
        report->numeric_cols[c] = g_strdup (fl_csv_header (ld->csv, g_array_index (ld->num_cols, int, c)));
    }
}

/* Some samples; and for training, from two classes to FL_MAX_CLASSES. */
static gboolean
check_usable (const FlDataset *ds, const FlDataSpec *spec, GError **error)
{
  if (ds->n == 0)
    {
      g_autofree char *first = ds->report.reasons->len > 0
        ? g_strdup_printf (_(" The first problem: %s"), (char *) ds->report.reasons->pdata[0]) : g_strdup ("");
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: none of its %d rows is usable.%s"), spec->csv_path,
                   ds->report.n_rows, first);
      return FALSE;
    }
  if (ds->n_classes > FL_MAX_CLASSES && !spec->unlabelled)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: column “%s” has %d different labels; Fusion Lab handles at most %d classes "
                   "— is it the right label column?"), spec->csv_path,
                   ds->report.label_col != NULL ? ds->report.label_col : _("(folder names)"),
                   ds->n_classes, FL_MAX_CLASSES);
      return FALSE;
    }
  if (ds->n_classes < 2 && !spec->unlabelled)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s: every usable row has the same label “%s”; training needs at least two classes"),
                   spec->csv_path, ds->class_names[0]);
      return FALSE;
    }
  return TRUE;
}

FlDataset *
fl_dataset_load (const FlDataSpec *spec,
                 FlProgressFunc    progress,
                 gpointer          user_data,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_auto(Load) ld = { .spec = spec, .progress = progress, .user_data = user_data };
  g_autoptr(FlDataset) ds = NULL;

  g_return_val_if_fail (spec->images_dir != NULL && spec->csv_path != NULL, NULL);
  if (!check_spec (spec, error) || !read_csv (&ld, error))
    return NULL;
  ld.tree = fl_image_tree_scan (spec->images_dir, cancellable, error);
  if (ld.tree == NULL)
    return NULL;
  resolve_rows (&ld);
  if (!check_memory (&ld, error) || !decode_images (&ld, cancellable, error) ||
      !decode_clips (&ld, cancellable, error))
    return NULL;
  ds = collect_samples (&ld);
  fill_report (&ds->report, &ld);
  if (!check_usable (ds, spec, error))
    return NULL;
  return g_steal_pointer (&ds);
}
