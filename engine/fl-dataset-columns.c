/* SPDX-License-Identifier: MIT
 *
 * The CSV's columns: the header names each role is detected by, the column
 * a load uses for each role, and the columns that hold numbers.
 */
#define G_LOG_DOMAIN "fl-dataset"

#include "fl-dataset-private.h"

#include "fl-model.h"
#include "fl-i18n.h"

#include <math.h>
#include <string.h>

static const char *const image_names[] = { "image", "file", "path", "filename", "image_path", "img", NULL };
static const char *const text_names[] = { "text", "caption", "description", "sentence", NULL };
static const char *const label_names[] = { "label", "class", "category", "target", NULL };
static const char *const audio_names[] = { "audio", "sound", "clip", "audio_path", "audio_file", NULL };
/* how messages call each role */
/* TRANSLATORS: what a column of the CSV holds, in "no %s column found" */
static const char *const role_names[] = { NC_("column role", "image"), NC_("column role", "text"),
                                          NC_("column role", "label"), NC_("column role", "audio") };
#define ROLE_NAME(r) g_dpgettext2 (GETTEXT_PACKAGE, "column role", role_names[r])

const char *const *
fl_dataset_column_names (FlColumnRole role)
{
  static const char *const *const names[] = {
    [FL_COLUMN_IMAGE] = image_names,
    [FL_COLUMN_TEXT] = text_names,
    [FL_COLUMN_LABEL] = label_names,
    [FL_COLUMN_AUDIO] = audio_names,
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

int
_fl_dataset_pick_column (FlCsv *csv, const char *user, FlColumnRole role, GError **error)
{
  const char *const *candidates = fl_dataset_column_names (role);
  gboolean required = role == FL_COLUMN_IMAGE || role == FL_COLUMN_TEXT;
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
                 _("%s has no column “%s” for the %s; its columns are %s"),
                 fl_csv_name (csv), user, ROLE_NAME (role), cols);
  else
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                 _("%s: no %s column found (looked for a header named %s, %s or %s); "
                 "its columns are %s — choose one"),
                 fl_csv_name (csv), ROLE_NAME (role), candidates[0], candidates[1], candidates[2], cols);
  return -1;
}

gboolean
_fl_dataset_parse_number (const char *cell, float *value)
{
  g_autofree char *s = g_strstrip (g_strdup (cell != NULL ? cell : ""));
  char *end = NULL;
  double v;

  if (s[0] == '\0')
    {
      *value = NAN;
      return TRUE;
    }
  v = g_ascii_strtod (s, &end);
  /* the whole cell; finite, and finite as a float too */
  if (end == s || *end != '\0' || !isfinite (v) || fabs (v) > G_MAXFLOAT)
    return FALSE;
  *value = (float) v;
  return TRUE;
}

/* Whether column c has a non-empty cell and all its cells are numbers. */
static gboolean
is_numeric_column (FlCsv *csv, int c)
{
  gboolean any = FALSE;
  float v;

  for (int r = 0; r < fl_csv_n_rows (csv); r++)
    {
      if (!_fl_dataset_parse_number (fl_csv_get (csv, r, c), &v))
        return FALSE;
      any |= !isnan (v);
    }
  return any;
}

char **
fl_dataset_numeric_columns (FlCsv *csv, const FlDataSpec *spec)
{
  const char *chosen[] = { spec ? spec->image_col : NULL, spec ? spec->text_col : NULL,
                           spec ? spec->label_col : NULL, spec ? spec->audio_col : NULL };
  const FlColumnRole roles[] = { FL_COLUMN_IMAGE, FL_COLUMN_TEXT, FL_COLUMN_LABEL, FL_COLUMN_AUDIO };
  g_autoptr(GPtrArray) out = g_ptr_array_new ();
  int used[G_N_ELEMENTS (roles)];

  g_return_val_if_fail (csv != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    used[i] = _fl_dataset_pick_column (csv, chosen[i], roles[i], NULL);
  for (int c = 0; c < fl_csv_n_cols (csv); c++)
    {
      gboolean taken = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
        taken |= used[i] == c;
      if (!taken && is_numeric_column (csv, c))
        g_ptr_array_add (out, g_strdup (fl_csv_header (csv, c)));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* The column called name, for a numeric feature; -1 with error set. */
static int
numeric_column (FlCsv *csv, const char *name, const int used[4], GError **error)
{
  int c = fl_csv_column_by_name (csv, name);

  if (c < 0)
    {
      g_autofree char *cols = column_list (csv);
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s has no column “%s” for a numeric feature; its columns are %s"),
                   fl_csv_name (csv), name, cols);
      return -1;
    }
  for (int i = 0; i < 4; i++)
    if (used[i] == c)
      {
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                     _("%s: column “%s” is the %s column; it cannot also be a numeric feature"),
                     fl_csv_name (csv), fl_csv_header (csv, c), ROLE_NAME (i));
        return -1;
      }
  return c;
}

gboolean
_fl_dataset_pick_numeric (FlCsv              *csv,
                          const char *const  *names,
                          const int           used[4],
                          GArray             *cols,
                          GError            **error)
{
  for (int i = 0; names != NULL && names[i] != NULL; i++)
    {
      int c = numeric_column (csv, names[i], used, error);

      if (c < 0)
        return FALSE;
      for (guint k = 0; k < cols->len; k++)
        if (g_array_index (cols, int, k) == c)
          {
            g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                         _("%s: column “%s” is chosen twice as a numeric feature"),
                         fl_csv_name (csv), fl_csv_header (csv, c));
            return FALSE;
          }
      g_array_append_val (cols, c);
    }
  return TRUE;
}
