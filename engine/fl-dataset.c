/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-dataset"

#include "fl-dataset.h"

#include "fl-csv.h"
#include "fl-model.h"
#include "fl-paths.h"

#include <string.h>

static const char *const image_names[] = { "image", "file", "path", "filename", "image_path", "img", NULL };
static const char *const text_names[] = { "text", "caption", "description", "sentence", NULL };
static const char *const label_names[] = { "label", "class", "category", "target", NULL };

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

FlDataset *
fl_dataset_new_from_memory (int                n,
                            int                image_size,
                            const guint8      *images,
                            const char *const *texts,
                            const char *const *labels)
{
  FlDataset *ds = g_new0 (FlDataset, 1);
  gsize img = (gsize) 3 * image_size * image_size;

  ds->ref_count = 1;
  ds->n = n;
  ds->image_size = image_size;
  ds->images = images != NULL ? g_memdup2 (images, img * n) : g_malloc0 (img * MAX (n, 1));
  ds->texts = g_new (char *, n);
  ds->image_files = g_new (char *, n);
  ds->csv_lines = g_new (int, n);
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

static char *
column_list (FlCsv *csv)
{
  g_autoptr(GString) s = g_string_new (NULL);
  for (int c = 0; c < fl_csv_n_cols (csv); c++)
    g_string_append_printf (s, "%s“%s”", c > 0 ? ", " : "", fl_csv_header (csv, c));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The column named by the user, or detected from the header. -1 with error
 * set when there is none; -2 for "no column" (the label's "" choice). */
static int
pick_column (FlCsv *csv, const char *user, const char *const *candidates,
             const char *what, gboolean required, GError **error)
{
  int col;

  if (user != NULL && user[0] == '\0' && !required)
    return -2;
  col = user != NULL ? fl_csv_column_by_name (csv, user) : fl_csv_find_column (csv, candidates);
  if (col >= 0)
    return col;
  if (!required && user == NULL)
    return -2;
  {
    g_autofree char *cols = column_list (csv);
    if (user != NULL)
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s has no column “%s” for the %s; its columns are %s",
                   fl_csv_name (csv), user, what, cols);
    else
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: no %s column found (looked for a header named %s, %s or %s); "
                   "its columns are %s — choose one",
                   fl_csv_name (csv), what, candidates[0], candidates[1], candidates[2], cols);
  }
  return -1;
}

static void
add_reason (GArray *reasons, FlCsv *csv, int row, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static void
add_reason (GArray *reasons, FlCsv *csv, int row, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;
  g_autofree char *base = g_path_get_basename (fl_csv_name (csv));
  Reason r;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  r.line = fl_csv_row_line (csv, row);
  r.msg = g_strdup_printf ("%s, line %d: %s", base, r.line, msg);
  g_array_append_val (reasons, r);
}

FlDataset *
fl_dataset_load (const FlDataSpec *spec,
                 FlProgressFunc    progress,
                 gpointer          user_data,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autoptr(FlCsv) csv = NULL;
  g_autoptr(FlImageTree) tree = NULL;
  g_autoptr(GArray) reasons = g_array_new (FALSE, FALSE, sizeof (Reason));
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint8 *pixels = NULL;
  g_autofree GError **errors = NULL;
  g_autoptr(FlDataset) ds = NULL;
  g_autofree char **keep_labels = NULL;
  int icol, tcol, lcol, need, S = spec->image_size, n = 0;
  gsize img;

  g_return_val_if_fail (spec->images_dir != NULL && spec->csv_path != NULL, NULL);
  g_array_set_clear_func (reasons, reason_clear);
  if (S < 4 || S % 4 != 0 || S > 1024)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   "image size %d must be a multiple of 4 between 4 and 1024", S);
      return NULL;
    }
  if (!g_file_test (spec->images_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: the image folder does not exist or is not a folder", spec->images_dir);
      return NULL;
    }
  csv = fl_csv_load (spec->csv_path, error);
  if (csv == NULL)
    return NULL;

  icol = pick_column (csv, spec->image_col, image_names, "image", TRUE, error);
  if (icol < 0)
    return NULL;
  tcol = pick_column (csv, spec->text_col, text_names, "text", TRUE, error);
  if (tcol < 0)
    return NULL;
  lcol = pick_column (csv, spec->label_col, label_names, "label", FALSE, error);
  if (lcol == -1)
    return NULL;
  need = MAX (icol, MAX (tcol, lcol)) + 1;

  tree = fl_image_tree_scan (spec->images_dir, cancellable, error);
  if (tree == NULL)
    return NULL;

  /* resolve every row; decode only those that survive */
  for (int r = 0; r < fl_csv_n_rows (csv); r++)
    {
      g_autoptr(GError) e = NULL;
      g_autofree char *label = NULL;
      char *abs;
      const char *value;

      if (fl_csv_row_n_fields (csv, r) < need)
        {
          add_reason (reasons, csv, r, "has %d field%s, needs at least %d",
                      fl_csv_row_n_fields (csv, r),
                      fl_csv_row_n_fields (csv, r) == 1 ? "" : "s", need);
          continue;
        }
      value = fl_csv_get (csv, r, icol);
      abs = fl_image_tree_resolve (tree, value, &e);
      if (abs == NULL)
        {
          add_reason (reasons, csv, r, "%s", e->message);
          continue;
        }
      if (lcol >= 0)
        label = g_strstrip (g_strdup (fl_csv_get (csv, r, lcol)));
      else
        {
          g_autofree char *rel = g_strdup (abs + strlen (fl_image_tree_root (tree)));
          label = fl_image_tree_parent_name (g_str_has_prefix (rel, "/") ? rel + 1 : rel);
        }
      if (spec->unlabelled && label == NULL)
        label = g_strdup ("");
      if (!spec->unlabelled && (label == NULL || label[0] == '\0'))
        {
          add_reason (reasons, csv, r, lcol >= 0 ? "the label is empty"
                      : "%s lies directly in the image folder, so it has no class folder "
                        "(add a label column or put images in one folder per class)", value);
          g_free (abs);
          continue;
        }
      g_ptr_array_add (paths, abs);
      g_array_append_val (rows, r);
      g_ptr_array_add (labels, g_steal_pointer (&label));
    }

  img = (gsize) 3 * S * S;
  pixels = g_malloc ((gsize) MAX (paths->len, 1) * img);
  errors = g_new0 (GError *, MAX (paths->len, 1));
  g_ptr_array_add (paths, NULL);
  if (!fl_image_load_many ((const char *const *) paths->pdata, (int) paths->len - 1, S, pixels,
                           errors, spec->n_threads, progress, user_data, cancellable))
    {
      for (guint i = 0; i + 1 < paths->len; i++)
        g_clear_error (&errors[i]);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "loading was cancelled");
      return NULL;
    }
  g_ptr_array_remove_index (paths, paths->len - 1);

  ds = g_new0 (FlDataset, 1);
  ds->ref_count = 1;
  ds->image_size = S;
  ds->images_dir = g_strdup (spec->images_dir);
  ds->csv_path = g_strdup (spec->csv_path);
  ds->texts = g_new0 (char *, MAX (paths->len, 1));
  ds->image_files = g_new0 (char *, MAX (paths->len, 1));
  ds->csv_lines = g_new0 (int, MAX (paths->len, 1));
  keep_labels = g_new0 (char *, MAX (paths->len, 1));
  for (guint i = 0; i < paths->len; i++)
    {
      int r = g_array_index (rows, int, i);
      const char *abs = paths->pdata[i];
      gsize root_len = strlen (fl_image_tree_root (tree));
      if (errors[i] != NULL)
        {
          add_reason (reasons, csv, r, "%s", errors[i]->message);
          g_clear_error (&errors[i]);
          continue;
        }
      /* compact the decoded images in place: no second copy of the cache */
      if ((guint) n != i)
        memmove (pixels + n * img, pixels + i * img, img);
      ds->texts[n] = g_strdup (fl_csv_get (csv, r, tcol));
      ds->image_files[n] = g_strdup (abs + root_len + (abs[root_len] == '/'));
      ds->csv_lines[n] = fl_csv_row_line (csv, r);
      keep_labels[n] = labels->pdata[i];
      n++;
    }
  ds->images = g_realloc (g_steal_pointer (&pixels), (gsize) MAX (n, 1) * img);
  ds->n = n;
  index_classes (ds, keep_labels);
  compute_fingerprint (ds);

  g_array_sort (reasons, reason_cmp);
  ds->report.n_rows = fl_csv_n_rows (csv);
  ds->report.n_skipped = (int) reasons->len;
  ds->report.reasons = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < reasons->len; i++)
    {
      Reason *rs = &g_array_index (reasons, Reason, i);
      if (i < FL_REPORT_MAX_REASONS)
        g_ptr_array_add (ds->report.reasons, g_steal_pointer (&rs->msg));
    }
  ds->report.image_col = g_strdup (fl_csv_header (csv, icol));
  ds->report.text_col = g_strdup (fl_csv_header (csv, tcol));
  ds->report.label_col = lcol >= 0 ? g_strdup (fl_csv_header (csv, lcol)) : NULL;

  if (ds->n == 0)
    {
      g_autofree char *first = ds->report.reasons->len > 0
        ? g_strdup_printf (" The first problem: %s", (char *) ds->report.reasons->pdata[0]) : g_strdup ("");
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: none of its %d rows is usable.%s", spec->csv_path,
                   ds->report.n_rows, first);
      return NULL;
    }
  if (ds->n_classes > FL_MAX_CLASSES && !spec->unlabelled)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: column “%s” has %d different labels; Fusion Lab handles at most %d classes "
                   "— is it the right label column?", spec->csv_path,
                   ds->report.label_col != NULL ? ds->report.label_col : "(folder names)",
                   ds->n_classes, FL_MAX_CLASSES);
      return NULL;
    }
  if (ds->n_classes < 2 && !spec->unlabelled)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   "%s: every usable row has the same label “%s”; training needs at least two classes",
                   spec->csv_path, ds->class_names[0]);
      return NULL;
    }
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
