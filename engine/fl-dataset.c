/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-dataset"

#include "fl-dataset-private.h"

#include "fl-image-cache.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

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
  g_free (ds->report.audio_col);
  g_strfreev (ds->report.numeric_cols);
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

void
_fl_dataset_fingerprint (FlDataset *ds)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (int i = 0; i < ds->n; i++)
    {
      h = fnv1a (h, ds->image_files[i]);
      h = fnv1a (h, ds->texts[i]);
      h = fnv1a (h, ds->class_names[ds->labels[i]]);
      /* the other branches only where the data has them, so that image and
       * text data keeps the number it always had */
      if (ds->audio_files != NULL)
        h = fnv1a (h, ds->audio_files[i]);
      for (int k = 0; ds->numeric != NULL && k < ds->n_numeric; k++)
        {
          float v = ds->numeric[(gsize) i * ds->n_numeric + k];
          char cell[G_ASCII_DTOSTR_BUF_SIZE];

          /* every empty cell alike, whatever NaN's bits */
          h = fnv1a (h, isnan (v) ? "" : g_ascii_dtostr (cell, sizeof cell, v));
        }
    }
  ds->fingerprint = h;
}

void
_fl_dataset_index_classes (FlDataset *ds, char **label_strings)
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
_fl_dataset_alloc (int n, int image_size)
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
  FlDataset *ds = _fl_dataset_alloc (n, image_size);
  gsize img = (gsize) 3 * image_size * image_size;

  ds->n = n;
  ds->images = images != NULL ? g_memdup2 (images, img * n) : g_malloc0 (img * MAX (n, 1));
  for (int i = 0; i < n; i++)
    {
      ds->texts[i] = g_strdup (texts[i]);
      ds->image_files[i] = g_strdup_printf ("sample-%d", i);
      ds->csv_lines[i] = i + 2;
    }
  _fl_dataset_index_classes (ds, (char **) labels);
  _fl_dataset_fingerprint (ds);
  ds->report.n_rows = n;
  ds->report.reasons = g_ptr_array_new_with_free_func (g_free);
  return ds;
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

guint
fl_dataset_branches (const FlDataset *ds)
{
  guint mask = FL_BRANCHES_IMAGE_TEXT;

  g_return_val_if_fail (ds != NULL, 0);
  if (ds->audio != NULL)
    mask |= FL_BRANCH_BIT (FL_BRANCH_AUDIO);
  if (ds->n_numeric > 0 && ds->numeric != NULL)
    mask |= FL_BRANCH_BIT (FL_BRANCH_NUMERIC);
  return mask;
}

/* "columns: image “File”, text “Caption”, label “Category”, audio
 * “sound”, numeric “age”, “weight”" */
static void
describe_columns (GString *s, const FlLoadReport *r)
{
  if (r->label_col != NULL)
    g_string_append_printf (s, _("columns: image “%s”, text “%s”, label “%s”"), r->image_col,
                            r->text_col, r->label_col);
  else
    g_string_append_printf (s, _("columns: image “%s”, text “%s”, label from each image's folder"),
                            r->image_col, r->text_col);
  if (r->audio_col != NULL)
    g_string_append_printf (s, _(", audio “%s”"), r->audio_col);
  for (int c = 0; r->numeric_cols != NULL && r->numeric_cols[c] != NULL; c++)
    g_string_append_printf (s, c == 0 ? _(", numeric “%s”") : _(", “%s”"), r->numeric_cols[c]);
  g_string_append_c (s, '\n');
}

char *
fl_dataset_describe (const FlDataset *ds)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, _("%d samples in %d classes"), ds->n, ds->n_classes);
  if (ds->report.n_rows > 0)
    g_string_append_printf (s, _(" (from %d rows; %d skipped)"), ds->report.n_rows, ds->report.n_skipped);
  g_string_append_c (s, '\n');
  if (ds->report.image_col != NULL)
    describe_columns (s, &ds->report);
  for (int c = 0; c < ds->n_classes; c++)
    g_string_append_printf (s, "  %-24s %d\n", ds->class_names[c], ds->class_counts[c]);
  if (ds->report.n_skipped > 0)
    {
      g_string_append_printf (s, _("skipped rows (first %u of %d):\n"),
                              ds->report.reasons->len, ds->report.n_skipped);
      for (guint i = 0; i < ds->report.reasons->len; i++)
        g_string_append_printf (s, "  %s\n", (char *) ds->report.reasons->pdata[i]);
    }
  return g_string_free (s, FALSE);
}
