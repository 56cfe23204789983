/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-csv"

#include "fl-csv.h"
#include "fl-model.h"   /* FL_ENGINE_ERROR */
#include "fl-i18n.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a CSV of texts may hold, so that a crafted file cannot make the
 * parser's index (a pointer per field) or its text outgrow memory: a file of
 * 256 MB of commas would otherwise ask for 2 GB of field pointers. */
#define MAX_BYTES   (256u << 20)
#define MAX_COLUMNS 4096
#define MAX_FIELDS  (1 << 25)

typedef struct {
  int first;   /* index of the row's first field in FlCsv.fields */
  int n;       /* how many fields it has */
  int line;    /* 1-based line on which it starts */
} Row;

struct FlCsv {
  char         *name;
  GStringChunk *strings;   /* every field's text */
  GPtrArray    *fields;    /* const char *, into strings; all rows in order */
  GArray       *rows;      /* Row; rows[0] is the header */
};

/* State shared with libcsv's callbacks while parsing. */
typedef struct {
  FlCsv   *csv;
  int      first;     /* the open row's first field */
  int      line;      /* the line the open row started on */
  gboolean open;      /* a row has begun and not yet ended */
  int      too_wide;  /* the first line of a row over MAX_COLUMNS, or 0 */
} Parse;

static void
on_field (void *s, size_t len, void *data)
{
  Parse *ps = data;
  const char *text = s != NULL ? s : "";
  const char *field;

  /* libcsv cannot be stopped from a callback: the rest is dropped and the
   * parse fails once it returns */
  if ((int) ps->csv->fields->len - ps->first >= MAX_COLUMNS || ps->csv->fields->len >= MAX_FIELDS)
    {
      if (ps->too_wide == 0)
        ps->too_wide = ps->line;
      return;
    }
  if (g_utf8_validate_len (text, len, NULL))
    field = g_string_chunk_insert_len (ps->csv->strings, text, len);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (text, len);
      field = g_string_chunk_insert (ps->csv->strings, valid);
    }
  g_ptr_array_add (ps->csv->fields, (gpointer) field);
}

static void
on_row (int terminator, void *data)
{
  Parse *ps = data;
  Row row = {
    .first = ps->first,
    .n = (int) ps->csv->fields->len - ps->first,
    .line = ps->line,
  };

  g_array_append_val (ps->csv->rows, row);
  ps->first = (int) ps->csv->fields->len;
  ps->open = FALSE;
}

/* The end (exclusive) of the line starting at pos: just past an LF, a CRLF or
 * a lone CR, or len. */
static gsize
line_end (const char *data, gsize len, gsize pos)
{
  for (gsize i = pos; i < len; i++)
    {
      if (data[i] == '\n')
        return i + 1;
      if (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n'))
        return i + 1;
    }
  return len;
}

/* Bytes libcsv skips before a row begins: its default space and line
 * terminator characters. */
static gboolean
is_blank (const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
      return FALSE;
  return TRUE;
}

static int
line_of_offset (const char *data, gsize len, gsize offset)
{
  int line = 1;
  for (gsize pos = 0; pos < len; line++)
    {
      pos = line_end (data, len, pos);
      if (pos > offset)
        break;
    }
  return line;
}

/* FALSE, with the reason, when on_field() had to drop fields. */
static gboolean
check_width (FlCsv *csv, const Parse *ps, GError **error)
{
  if (ps->too_wide == 0)
    return TRUE;
  g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
               _("%s, line %d: more than %d fields in a row, or %d in the file: "
               "this is not a table of texts this app can read"),
               csv->name, ps->too_wide, MAX_COLUMNS, MAX_FIELDS);
  return FALSE;
}

/* libcsv reports neither lines nor offsets, so the data is fed one line at a
 * time: a row that begins while no row is open begins on the first non-blank
 * byte of the line being fed. Rows only end at a line terminator, i.e. at the
 * end of a chunk (the LF of a CRLF that may follow is blank). */
static gboolean
run_parser (FlCsv *csv, const char *data, gsize len, GError **error)
{
  struct csv_parser p;
  Parse ps = { .csv = csv };
  gboolean ok = TRUE;
  gsize pos = 0;
  int line = 1;

  if (csv_init (&p, CSV_APPEND_NULL) != 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("%s: cannot start the CSV parser"), csv->name);
      return FALSE;
    }

  for (; pos < len; line++)
    {
      gsize end = line_end (data, len, pos);

      if (!ps.open && !is_blank (data + pos, end - pos))
        {
          ps.open = TRUE;
          ps.line = line;
        }
      if (csv_parse (&p, data + pos, end - pos, on_field, on_row, &ps) != end - pos)
        {
          g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                       _("%s, line %d: %s"), csv->name, line,
                       csv_strerror (csv_error (&p)));
          ok = FALSE;
          break;
        }
      pos = end;
    }

  /* Parsing was lenient; only the end is strict, so that a quoted field
   * still open at the end of the file is an error rather than a field that
   * silently swallowed the rest of the file. */
  if (ok)
    {
      csv_set_opts (&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
      if (csv_fini (&p, on_field, on_row, &ps) != 0)
        {
          g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                       _("%s, line %d: a quoted field in the row starting here "
                       "is never closed (a \" is missing)"), csv->name, ps.line);
          ok = FALSE;
        }
    }

  csv_free (&p);
  return ok && check_width (csv, &ps, error);
}

FlCsv *
fl_csv_parse (const char *data,
              gsize       len,
              const char *name,
              GError    **error)
{
  g_autoptr(FlCsv) csv = NULL;
  const char *nul;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL)
    name = "CSV";

  nul = len > 0 ? memchr (data, '\0', len) : NULL;
  if (nul != NULL)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT,
                   _("%s, line %d: contains a NUL byte; it looks like a binary "
                   "or UTF-16 file, not a UTF-8 CSV"), name,
                   line_of_offset (data, len, (gsize) (nul - data)));
      return NULL;
    }
  /* Field and row indices are ints. */
  if (len > G_MAXINT)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s is too large (over 2 GiB)"), name);
      return NULL;
    }
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      len -= 3;
    }

  csv = g_new0 (FlCsv, 1);
  csv->name = g_strdup (name);
  csv->strings = g_string_chunk_new (MAX (len + 64, 1024));
  csv->fields = g_ptr_array_new ();
  csv->rows = g_array_new (FALSE, FALSE, sizeof (Row));

  if (!run_parser (csv, data, len, error))
    return NULL;

  if (csv->rows->len == 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s is empty"), name);
      return NULL;
    }
  if (csv->rows->len == 1)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("%s, line %d: there is a header but no data rows"), name,
                   g_array_index (csv->rows, Row, 0).line);
      return NULL;
    }
  return g_steal_pointer (&csv);
}

/* The file's bytes, if it is a regular file of a size a CSV may have: not
 * a device (/dev/zero would be read forever), a pipe or a folder. */
static char *
read_csv_file (const char *path, gsize *len, GError **error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  g_autofree char *buf = NULL;
  gsize got = 0;

  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int err = errno;
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("Cannot read the CSV file %s: %s"), path, g_strerror (err));
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || (guint64) st.st_size > MAX_BYTES)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   S_ISREG (st.st_mode) ? _("Cannot read the CSV file %s: it is over 256 MB")
                                        : _("Cannot read the CSV file %s: it is not a regular file"), path);
      close (fd);
      return NULL;
    }
  buf = g_malloc ((gsize) st.st_size + 1);
  while (got < (gsize) st.st_size)
    {
      ssize_t n = read (fd, buf + got, (gsize) st.st_size - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fd);
  *len = got;
  return g_steal_pointer (&buf);
}

FlCsv *
fl_csv_load (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *base = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  contents = read_csv_file (path, &len, error);
  if (contents == NULL)
    return NULL;
  base = g_path_get_basename (path);
  return fl_csv_parse (contents, len, base, error);
}

void
fl_csv_free (FlCsv *csv)
{
  if (csv == NULL)
    return;
  g_free (csv->name);
  g_string_chunk_free (csv->strings);
  g_ptr_array_unref (csv->fields);
  g_array_unref (csv->rows);
  g_free (csv);
}

const char *
fl_csv_name (const FlCsv *csv)
{
  g_return_val_if_fail (csv != NULL, NULL);
  return csv->name;
}

static const Row *
row_at (const FlCsv *csv, int index)
{
  return &g_array_index (csv->rows, Row, index);
}

int
fl_csv_n_cols (const FlCsv *csv)
{
  g_return_val_if_fail (csv != NULL, 0);
  return row_at (csv, 0)->n;
}

const char *
fl_csv_header (const FlCsv *csv, int col)
{
  g_return_val_if_fail (csv != NULL, NULL);
  g_return_val_if_fail (col >= 0 && col < fl_csv_n_cols (csv), NULL);
  return g_ptr_array_index (csv->fields, row_at (csv, 0)->first + col);
}

int
fl_csv_n_rows (const FlCsv *csv)
{
  g_return_val_if_fail (csv != NULL, 0);
  return (int) csv->rows->len - 1;
}

/* Data row `row` is rows[row + 1]. */
static const Row *
data_row (const FlCsv *csv, int row)
{
  g_return_val_if_fail (csv != NULL, NULL);
  g_return_val_if_fail (row >= 0 && row < fl_csv_n_rows (csv), NULL);
  return row_at (csv, row + 1);
}

const char *
fl_csv_get (const FlCsv *csv, int row, int col)
{
  const Row *r = data_row (csv, row);

  g_return_val_if_fail (r != NULL && col >= 0, NULL);
  if (col >= r->n)
    return NULL;
  return g_ptr_array_index (csv->fields, r->first + col);
}

int
fl_csv_row_n_fields (const FlCsv *csv, int row)
{
  const Row *r = data_row (csv, row);
  return r != NULL ? r->n : 0;
}

int
fl_csv_row_line (const FlCsv *csv, int row)
{
  const Row *r = data_row (csv, row);
  return r != NULL ? r->line : 0;
}

static char *
fold_trimmed (const char *s)
{
  g_autofree char *copy = g_strstrip (g_strdup (s));
  return g_utf8_casefold (copy, -1);
}

int
fl_csv_find_column (const FlCsv *csv, const char *const *names)
{
  g_autoptr(GPtrArray) headers = NULL;
  int n_cols;

  g_return_val_if_fail (csv != NULL, -1);
  g_return_val_if_fail (names != NULL, -1);

  n_cols = fl_csv_n_cols (csv);
  headers = g_ptr_array_new_full (n_cols, g_free);
  for (int c = 0; c < n_cols; c++)
    g_ptr_array_add (headers, fold_trimmed (fl_csv_header (csv, c)));

  for (const char *const *name = names; *name != NULL; name++)
    {
      g_autofree char *want = fold_trimmed (*name);
      for (int c = 0; c < n_cols; c++)
        if (strcmp (g_ptr_array_index (headers, c), want) == 0)
          return c;
    }
  return -1;
}

int
fl_csv_column_by_name (const FlCsv *csv, const char *name)
{
  const char *names[] = { name, NULL };

  g_return_val_if_fail (name != NULL, -1);
  return fl_csv_find_column (csv, names);
}

void
fl_csv_append_field (GString *line, const char *value)
{
  gboolean formula = value[0] != '\0' && strchr ("=+-@\t\r", value[0]) != NULL;

  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      if (formula)
        g_string_append_c (line, '\'');
      g_string_append (line, value);
      return;
    }
  g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}
