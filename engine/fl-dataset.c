/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-dataset"

#include "fl-dataset.h"

#include "fl-image-cache.h"
#include "fl-model.h"
#include "fl-paths.h"

#include <string.h>
#include <unistd.h>

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

FlDataset *
fl_dataset_ref (FlDataset *ds)
{
  g_return_val_if_fail (ds != NULL, NULL);
  g_atomic_int_inc (&ds->ref_count);
  return ds;
}

void
fl_dataset_unref (FlDataset *ds)
{
  if (ds == NULL || !g_atomic_int_dec_and_test (&ds->ref_count))
    return;
  g_free (ds->images);
  if (ds->texts != NULL)
    for (int i = 0; i < ds->n; i++)
      g_free (ds->texts[i]);
  g_free (ds->texts);
  g_free (ds->labels);
  if (ds->image_files != NULL)
    for (int i = 0; i < ds->n; i++)
      g_free (ds->image_files[i]);
  g_free (ds->image_files);
  g_free (ds->csv_lines);
  g_strfreev (ds->class_names);
  g_free (ds->class_counts);
  g_free (ds->images_dir);
  g_free (ds->csv_path);
  g_free (ds->audio);
  if (ds->audio_files != NULL)
    for (int i = 0; i < ds->n; i++)
      g_free (ds->audio_files[i]);
  g_free (ds->audio_files);
  g_free (ds->numeric);
  g_strfreev (ds->numeric_names);
  g_clear_pointer (&ds->report.reasons, g_ptr_array_unref);
  g_free (ds->report.image_col);
  g_free (ds->report.text_col);
  g_free (ds->report.label_col);
  g_free (ds);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static guint64
fnv1a (guint64 h, const char *s)
{
  /* with the terminating NUL, so that "ab","c" and "a","bc" differ */
  do
    {
      h ^= (guchar) *s;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  while (*s++ != '\0');
  return h;
}

/* FNV-1a over every sample's image file, text and class name. */
static void
compute_fingerprint (FlDataset *ds)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (int i = 0; i < ds->n; i++)
    {
      h = fnv1a (h, ds->image_files[i]);
      h = fnv1a (h, ds->texts[i]);
      h = fnv1a (h, ds->class_names[ds->labels[i]]);
    }
  ds->fingerprint = h;
}

/* Maps each sample's label string to an index into the sorted class names. */
static void
index_classes (FlDataset *ds, char **label_strings)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (int i = 0; i < ds->n; i++)
    if (g_hash_table_add (seen, label_strings[i]))
      g_ptr_array_add (names, label_strings[i]);
  g_ptr_array_sort (names, compare_names);

  ds->n_classes = (int) names->len;
  ds->class_names = g_new0 (char *, names->len + 1);
  ds->class_counts = g_new0 (int, names->len);
  g_hash_table_remove_all (seen);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint c = 0; c < names->len; c++)
    {
      ds->class_names[c] = g_strdup (names->pdata[c]);
      g_hash_table_insert (index, names->pdata[c], GINT_TO_POINTER (c));
    }
  ds->labels = g_new (gint32, MAX (ds->n, 1));
  for (int i = 0; i < ds->n; i++)
    {
      ds->labels[i] = GPOINTER_TO_INT (g_hash_table_lookup (index, label_strings[i]));
      ds->class_counts[ds->labels[i]]++;
    }
}

/* A dataset of room for n samples, its texts, files and lines unset. */
static FlDataset *
dataset_new (int n, int image_size)
{
  FlDataset *ds = g_new0 (FlDataset, 1);

  ds->ref_count = 1;
  ds->image_size = image_size;
  ds->texts = g_new0 (char *, MAX (n, 1));
  ds->image_files = g_new0 (char *, MAX (n, 1));
  ds->csv_lines = g_new0 (int, MAX (n, 1));
  return ds;
}

FlDataset *
fl_dataset_new_from_memory (int                n,
                            int                image_size,
                            const guint8      *images,
                            const char *const *texts,
                            const char *const *labels)
{
  FlDataset *ds = dataset_new (n, image_size);
  gsize img = (gsize) 3 * image_size * image_size;

  ds->n = n;
  ds->images = images != NULL ? g_memdup2 (images, img * n) : g_malloc0 (img * MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      ds->texts[i] = g_strdup (texts[i]);
      ds->image_files[i] = g_strdup_printf ("sample-%d", i);
      ds->csv_lines[i] = i + 2;
    }
  index_classes (ds, (char **) labels);
  compute_fingerprint (ds);
  ds->report.n_rows = n;
  ds->report.reasons = g_ptr_array_new_with_free_func (g_free);
  return ds;
}

/* ---- columns ------------------------------------------------------------ */

static const char *const image_names[] = { "image", "file", "path", "filename", "image_path", "img", NULL };
static const char *const text_names[] = { "text", "caption", "description", "sentence", NULL };
static const char *const label_names[] = { "label", "class", "category", "target", NULL };
/* how messages call each role */
static const char *const role_names[] = { "image", "text", "label" };

const char *const *
fl_dataset_column_names (FlColumnRole role)
{
  static const char *const *const names[] = {
    [FL_COLUMN_IMAGE] = image_names,
    [FL_COLUMN_TEXT] = text_names,
    [FL_COLUMN_LABEL] = label_names,
  };

  g_return_val_if_fail ((guint) role < G_N_ELEMENTS (names), NULL);
  return names[role];
}

int
fl_dataset_detect_column (FlCsv *csv, FlColumnRole role)
{
  g_return_val_if_fail (csv != NULL, -1);
  return fl_csv_find_column (csv, fl_dataset_column_names (role));
}

static char *
column_list (FlCsv *csv)
{
  g_autoptr(GString) s = g_string_new (NULL);
  for (int c = 0; c < fl_csv_n_cols (csv); c++)
    g_string_append_printf (s, "%s“%s”", c > 0 ? ", " : "", fl_csv_header (csv, c));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The column named by the user, or detected from the header. -1 with error
 * set when there is none; -2 for "no column": a label chosen as "" or not
 * found, for labels from folder names. */
static int
pick_column (FlCsv *csv, const char *user, FlColumnRole role, GError **error)
{
  const char *const *candidates = fl_dataset_column_names (role);
  gboolean required = role != FL_COLUMN_LABEL;
  g_autofree char *cols = NULL;
  int col;

  if (user != NULL && user[0] == '\0' && !required)
    return -2;
  col = user != NULL ? fl_csv_column_by_name (csv, user) : fl_dataset_detect_column (csv, role);
  if (col >= 0)
    return col;
  if (!required && user == NULL)
    return -2;
  cols = column_list (csv);
  if (user != NULL)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 "%s has no column “%s” for the %s; its columns are %s",
                 fl_csv_name (csv), user, role_names[role], cols);
  else
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 "%s: no %s column found (looked for a header named %s, %s or %s); "
                 "its columns are %s — choose one",
                 fl_csv_name (csv), role_names[role], candidates[0], candidates[1], candidates[2], cols);
  return -1;
}

/* ---- loading ------------------------------------------------------------ */

/* What a load has gathered so far, freed by load_clear() at every exit:
 * the rows that name a usable image, in CSV order, and the skipped ones. */
typedef struct {
  const FlDataSpec *spec;
  FlCsv            *csv;
  int               image_col, text_col;
  int               label_col;   /* -2: labels are the images' folder names */
  int               need;        /* fields a row needs: the last column used + 1 */
  FlImageTree      *tree;
  GPtrArray        *paths;       /* of char*: absolute image paths */
  GArray           *rows;        /* of int: their CSV rows */
  GPtrArray        *labels;      /* of char*: their labels */
  GArray           *file_of;     /* of int: their index in files */
  GPtrArray        *files;       /* of char*: the distinct paths, each decoded
                                  * once however many rows name it */
  GHashTable       *file_index;  /* path (in files) → index + 1 */
  guint8           *pixels;      /* (files->len,3,S,S) once decoded */
  GError          **errors;      /* files->len once decoded: why one did not */
  GArray           *reasons;     /* of Reason: the rows skipped */
} Load;

static void
load_clear (Load *ld)
{
  for (guint i = 0; ld->errors != NULL && i < ld->files->len; i++)
    g_clear_error (&ld->errors[i]);
  g_clear_pointer (&ld->errors, g_free);
  g_clear_pointer (&ld->pixels, g_free);
  g_clear_pointer (&ld->file_index, g_hash_table_unref);
  g_clear_pointer (&ld->files, g_ptr_array_unref);
  g_clear_pointer (&ld->file_of, g_array_unref);
  g_clear_pointer (&ld->paths, g_ptr_array_unref);
  g_clear_pointer (&ld->rows, g_array_unref);
  g_clear_pointer (&ld->labels, g_ptr_array_unref);
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
  r.msg = g_strdup_printf ("%s, line %d: %s", base, r.line, msg);
  g_array_append_val (ld->reasons, r);
}

static gboolean
check_spec (const FlDataSpec *spec, GError **error)
{
  int S = spec->image_size;

  if (S < 4 || S % 4 != 0 || S > 1024)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   "image size %d must be a multiple of 4 between 4 and 1024", S);
      return FALSE;
    }
  if (!g_file_test (spec->images_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: the image folder does not exist or is not a folder", spec->images_dir);
      return FALSE;
    }
  return TRUE;
}

/* Reads the CSV and picks its image, text and label columns. */
static gboolean
read_csv (Load *ld, GError **error)
{
  const FlDataSpec *spec = ld->spec;

  ld->csv = fl_csv_load (spec->csv_path, error);
  if (ld->csv == NULL)
    return FALSE;
  ld->image_col = pick_column (ld->csv, spec->image_col, FL_COLUMN_IMAGE, error);
  if (ld->image_col < 0)
    return FALSE;
  ld->text_col = pick_column (ld->csv, spec->text_col, FL_COLUMN_TEXT, error);
  if (ld->text_col < 0)
    return FALSE;
  ld->label_col = pick_column (ld->csv, spec->label_col, FL_COLUMN_LABEL, error);
  if (ld->label_col == -1)
    return FALSE;
  ld->need = MAX (ld->image_col, MAX (ld->text_col, ld->label_col)) + 1;
  return TRUE;
}

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

/* Numbers the file abs, the next row's image, among the distinct files:
 * 3,000 rows naming one picture decode it once. Files are told apart by
 * their resolved path; one file reached by two spellings (through a link)
 * is decoded twice, which costs time, not correctness. */
static void
add_file (Load *ld, const char *abs)
{
  int f = GPOINTER_TO_INT (g_hash_table_lookup (ld->file_index, abs)) - 1;

  if (f < 0)
    {
      char *copy = g_strdup (abs);
      f = (int) ld->files->len;
      g_ptr_array_add (ld->files, copy);
      g_hash_table_insert (ld->file_index, copy, GINT_TO_POINTER (f + 1));
    }
  g_array_append_val (ld->file_of, f);
}

/* Keeps row r's image path and label, or the reason it is skipped. */
static void
resolve_row (Load *ld, int r)
{
  g_autoptr(GError) e = NULL;
  g_autofree char *abs = NULL, *label = NULL;
  int n_fields = fl_csv_row_n_fields (ld->csv, r);
  const char *value;

  if (n_fields < ld->need)
    {
      add_reason (ld, r, "has %d field%s, needs at least %d", n_fields, n_fields == 1 ? "" : "s", ld->need);
      return;
    }
  value = fl_csv_get (ld->csv, r, ld->image_col);
  abs = fl_image_tree_resolve (ld->tree, value, &e);
  if (abs == NULL)
    {
      add_reason (ld, r, "%s", e->message);
      return;
    }
  label = row_label (ld, r, abs);
  if (ld->spec->unlabelled && label == NULL)
    label = g_strdup ("");
  if (!ld->spec->unlabelled && (label == NULL || label[0] == '\0'))
    {
      add_reason (ld, r, ld->label_col >= 0 ? "the label is empty"
                  : "%s lies directly in the image folder, so it has no class folder "
                    "(add a label column or put images in one folder per class)", value);
      return;
    }
  add_file (ld, abs);
  g_ptr_array_add (ld->paths, g_steal_pointer (&abs));
  g_array_append_val (ld->rows, r);
  g_ptr_array_add (ld->labels, g_steal_pointer (&label));
}

/* Resolves every row; only those that survive are decoded. */
static void
resolve_rows (Load *ld)
{
  ld->paths = g_ptr_array_new_with_free_func (g_free);
  ld->rows = g_array_new (FALSE, FALSE, sizeof (int));
  ld->labels = g_ptr_array_new_with_free_func (g_free);
  ld->file_of = g_array_new (FALSE, FALSE, sizeof (int));
  ld->files = g_ptr_array_new_with_free_func (g_free);
  ld->file_index = g_hash_table_new (g_str_hash, g_str_equal);
  ld->reasons = g_array_new (FALSE, FALSE, sizeof (Reason));
  g_array_set_clear_func (ld->reasons, reason_clear);
  for (int r = 0; r < fl_csv_n_rows (ld->csv); r++)
    resolve_row (ld, r);
}

/* ---- memory ------------------------------------------------------------- */

/* The share of the machine's memory a dataset may take: half of it, so
 * that training, the interface and the rest of the system keep room. */
guint64
fl_dataset_max_bytes (void)
{
  const char *env = g_getenv ("FUSIONLAB_MAX_DATA_BYTES");
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);

  if (env != NULL && env[0] != '\0')
    return g_ascii_strtoull (env, NULL, 10);
  if (pages <= 0 || page <= 0)
    return G_MAXUINT64;   /* unknown: no limit but the allocator's */
  return (guint64) pages * (guint64) page / 2;
}

char *
fl_format_count (guint64 n, const char *separator)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *s = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (s, separator);
      g_string_append_c (s, digits[i]);
    }
  return g_string_free (s, FALSE);
}

/* Whether the decoded images fit in fl_dataset_max_bytes(), before they
 * are allocated: a 36 KB CSV naming one picture 3,000 times at S = 1024
 * asks for 9.4 GB, and g_malloc() would abort the whole program. The
 * images are one (rows,3,S,S) byte array; when rows share files, the
 * distinct files are decoded into a second array first. (The trainer
 * converts to floats one batch at a time.) */
static gboolean
check_memory (Load *ld, GError **error)
{
  const guint64 S = (guint64) ld->spec->image_size, img = 3 * S * S;
  const guint64 rows = ld->paths->len, files = ld->files->len;
  guint64 need = files * img + (files < rows ? rows * img : 0);
  guint64 limit = fl_dataset_max_bytes ();
  g_autofree char *n = fl_format_count (rows, ","), *need_s = g_format_size (need);
  g_autofree char *limit_s = NULL, *total_s = NULL;

  if (need <= limit)
    return TRUE;
  limit_s = g_format_size (limit);
  total_s = g_format_size (limit * 2);
  if (g_getenv ("FUSIONLAB_MAX_DATA_BYTES") != NULL)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 "%s images of %d×%d need %s, more than the %s that FUSIONLAB_MAX_DATA_BYTES "
                 "allows: choose a smaller image size", n, (int) S, (int) S, need_s, limit_s);
  else
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 "%s images of %d×%d need %s; this computer has %s and a dataset may use at "
                 "most half of it: choose a smaller image size", n, (int) S, (int) S, need_s,
                 total_s);
  return FALSE;
}

/* ---- decoding ----------------------------------------------------------- */

/* Opens distinct file i beneath the image folder: never by path, so that a
 * link swapped in since the rows were resolved cannot lead out. */
static int
open_file_cb (int i, gpointer data, GError **error)
{
  Load *ld = data;

  return fl_image_tree_open (ld->tree, relative_path (ld->tree, ld->files->pdata[i]), error);
}

/* Decodes the distinct files in parallel into ld->pixels, setting
 * ld->errors[i] for a file that does not decode. FALSE when cancelled or
 * when the images would not fit in memory. */
static gboolean
decode_images (Load *ld, FlProgressFunc progress, gpointer user_data,
               GCancellable *cancellable, GError **error)
{
  const int S = ld->spec->image_size;
  const guint n = ld->files->len;
  g_autoptr(FlImageCache) cache = NULL;

  if (!check_memory (ld, error))
    return FALSE;
  ld->pixels = g_try_malloc ((gsize) MAX (n, 1) * 3 * S * S);
  if (ld->pixels == NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "not enough memory for %u images of %d×%d: choose a smaller image size",
                   n, S, S);
      return FALSE;
    }
  ld->errors = g_new0 (GError *, MAX (n, 1));
  /* the files are root/relative path: cached by that path (fl-image-cache.h) */
  cache = fl_image_cache_new (fl_image_tree_root (ld->tree), S);
  if (!fl_image_load_many_cached (cache, (const char *const *) ld->files->pdata, open_file_cb, ld,
                                  (int) n, S, ld->pixels, ld->errors, ld->spec->n_threads,
                                  progress, user_data, cancellable))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "loading was cancelled");
      return FALSE;
    }
  return TRUE;
}

/* The number of rows whose file decoded. */
static int
count_decoded (Load *ld)
{
  int n = 0;

  for (guint i = 0; i < ld->paths->len; i++)
    n += ld->errors[g_array_index (ld->file_of, int, i)] == NULL;
  return n;
}

/* The (n,3,S,S) array of the samples, n = count_decoded(): with a file
 * per row (files numbered in row order, so row i's is file i), the
 * decoded array compacted in place; otherwise each row's file copied into
 * a new one. */
static guint8 *
sample_images (Load *ld, int n)
{
  const gsize img = (gsize) 3 * ld->spec->image_size * ld->spec->image_size;
  gboolean shared = ld->files->len < ld->paths->len;
  guint8 *out = shared ? g_malloc ((gsize) MAX (n, 1) * img) : ld->pixels;
  int k = 0;

  for (guint i = 0; i < ld->paths->len; i++)
    {
      int f = g_array_index (ld->file_of, int, i);
      if (ld->errors[f] != NULL)
        continue;
      /* forward: k ≤ f, so no image is overwritten before it is moved */
      if (shared || k != f)
        memmove (out + k * img, ld->pixels + f * img, img);
      k++;
    }
  if (shared)
    g_clear_pointer (&ld->pixels, g_free);
  else
    out = g_realloc (g_steal_pointer (&ld->pixels), (gsize) MAX (n, 1) * img);
  return out;
}

/* The samples whose image decoded, in CSV order; the rows of those that did
 * not are skipped. */
static FlDataset *
collect_samples (Load *ld)
{
  FlDataset *ds = dataset_new ((int) ld->paths->len, ld->spec->image_size);
  g_autofree char **labels = g_new0 (char *, MAX (ld->paths->len, 1));
  int n = 0;

  ds->images_dir = g_strdup (ld->spec->images_dir);
  ds->csv_path = g_strdup (ld->spec->csv_path);
  for (guint i = 0; i < ld->paths->len; i++)
    {
      int r = g_array_index (ld->rows, int, i);
      GError *e = ld->errors[g_array_index (ld->file_of, int, i)];

      if (e != NULL)
        {
          add_reason (ld, r, "%s", e->message);
          continue;
        }
      ds->texts[n] = g_strdup (fl_csv_get (ld->csv, r, ld->text_col));
      ds->image_files[n] = g_strdup (relative_path (ld->tree, ld->paths->pdata[i]));
      ds->csv_lines[n] = fl_csv_row_line (ld->csv, r);
      labels[n] = ld->labels->pdata[i];
      n++;
    }
  g_assert (n == count_decoded (ld));
  ds->images = sample_images (ld, n);
  ds->n = n;
  index_classes (ds, labels);
  compute_fingerprint (ds);
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
}

/* Some samples; and for training, from two classes to FL_MAX_CLASSES. */
static gboolean
check_usable (const FlDataset *ds, const FlDataSpec *spec, GError **error)
{
  if (ds->n == 0)
    {
      g_autofree char *first = ds->report.reasons->len > 0
        ? g_strdup_printf (" The first problem: %s", (char *) ds->report.reasons->pdata[0]) : g_strdup ("");
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: none of its %d rows is usable.%s", spec->csv_path,
                   ds->report.n_rows, first);
      return FALSE;
    }
  if (ds->n_classes > FL_MAX_CLASSES && !spec->unlabelled)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: column “%s” has %d different labels; Fusion Lab handles at most %d classes "
                   "— is it the right label column?", spec->csv_path,
                   ds->report.label_col != NULL ? ds->report.label_col : "(folder names)",
                   ds->n_classes, FL_MAX_CLASSES);
      return FALSE;
    }
  if (ds->n_classes < 2 && !spec->unlabelled)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: every usable row has the same label “%s”; training needs at least two classes",
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
  g_auto(Load) ld = { .spec = spec };
  g_autoptr(FlDataset) ds = NULL;

  g_return_val_if_fail (spec->images_dir != NULL && spec->csv_path != NULL, NULL);
  if (!check_spec (spec, error) || !read_csv (&ld, error))
    return NULL;
  ld.tree = fl_image_tree_scan (spec->images_dir, cancellable, error);
  if (ld.tree == NULL)
    return NULL;
  resolve_rows (&ld);
  if (!decode_images (&ld, progress, user_data, cancellable, error))
    return NULL;
  ds = collect_samples (&ld);
  fill_report (&ds->report, &ld);
  if (!check_usable (ds, spec, error))
    return NULL;
  return g_steal_pointer (&ds);
}

char *
fl_dataset_describe (const FlDataset *ds)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%d samples in %d classes", ds->n, ds->n_classes);
  if (ds->report.n_rows > 0)
    g_string_append_printf (s, " (from %d rows; %d skipped)", ds->report.n_rows, ds->report.n_skipped);
  g_string_append_c (s, '\n');
  if (ds->report.image_col != NULL)
    g_string_append_printf (s, "columns: image “%s”, text “%s”, label %s%s%s\n",
                            ds->report.image_col, ds->report.text_col,
                            ds->report.label_col ? "“" : "", ds->report.label_col ? ds->report.label_col
                            : "from each image's folder", ds->report.label_col ? "”" : "");
  for (int c = 0; c < ds->n_classes; c++)
    g_string_append_printf (s, "  %-24s %d\n", ds->class_names[c], ds->class_counts[c]);
  if (ds->report.n_skipped > 0)
    {
      g_string_append_printf (s, "skipped rows (first %u of %d):\n",
                              ds->report.reasons->len, ds->report.n_skipped);
      for (guint i = 0; i < ds->report.reasons->len; i++)
        g_string_append_printf (s, "  %s\n", (char *) ds->report.reasons->pdata[i]);
    }
  return g_string_free (s, FALSE);
}
