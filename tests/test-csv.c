/* SPDX-License-Identifier: MIT
 *
 * The CSV reader on inline strings: RFC 4180 quoting, BOM, CRLF, line
 * numbers of rows that span lines, ragged rows, blank lines, invalid UTF-8,
 * header matching, and every fatal error.
 */
#include "fl-csv.h"
#include "fl-model.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static FlCsv *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  FlCsv *csv = fl_csv_parse (text, strlen (text), "t.csv", &error);

  g_assert_no_error (error);
  g_assert_nonnull (csv);
  return csv;
}

/* Asserts that parsing fails with code and a message holding each of the
 * NULL-terminated fragments. */
static void
assert_parse_fails (const char *data, gsize len, int code, ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlCsv) csv = fl_csv_parse (data, len, "t.csv", &error);
  va_list ap;

  g_assert_null (csv);
  g_assert_error (error, FL_ENGINE_ERROR, code);
  g_test_message ("error: %s", error->message);
  va_start (ap, code);
  for (const char *frag = va_arg (ap, const char *); frag != NULL; frag = va_arg (ap, const char *))
    g_assert_nonnull (strstr (error->message, frag));
  va_end (ap);
}

static void
test_basic (void)
{
  g_autoptr(FlCsv) csv = parse_ok ("image,text,label\n"
                                   "a.png,a red car,car\n"
                                   "b.png,,bike\n");

  g_assert_cmpstr (fl_csv_name (csv), ==, "t.csv");
  g_assert_cmpint (fl_csv_n_cols (csv), ==, 3);
  g_assert_cmpstr (fl_csv_header (csv, 0), ==, "image");
  g_assert_cmpstr (fl_csv_header (csv, 2), ==, "label");
  g_assert_cmpint (fl_csv_n_rows (csv), ==, 2);
  g_assert_cmpstr (fl_csv_get (csv, 0, 0), ==, "a.png");
  g_assert_cmpstr (fl_csv_get (csv, 0, 1), ==, "a red car");
  g_assert_cmpstr (fl_csv_get (csv, 1, 1), ==, "");   /* empty, not missing */
  g_assert_cmpstr (fl_csv_get (csv, 1, 2), ==, "bike");
  g_assert_cmpint (fl_csv_row_line (csv, 0), ==, 2);
  g_assert_cmpint (fl_csv_row_line (csv, 1), ==, 3);
}

static void
test_bom_crlf (void)
{
  g_autoptr(FlCsv) csv = parse_ok ("\xEF\xBB\xBFimage,label\r\n"
                                   "a.png,cat\r\n"
                                   "b.png,dog\r\n");

  /* the BOM is not part of the first header, CR not part of the last field */
  g_assert_cmpstr (fl_csv_header (csv, 0), ==, "image");
  g_assert_cmpint (fl_csv_column_by_name (csv, "image"), ==, 0);
  g_assert_cmpstr (fl_csv_get (csv, 0, 1), ==, "cat");
  g_assert_cmpstr (fl_csv_get (csv, 1, 1), ==, "dog");
  g_assert_cmpint (fl_csv_row_line (csv, 1), ==, 3);
}

static void
test_no_final_newline (void)
{
  g_autoptr(FlCsv) csv = parse_ok ("a,b\n1,2");

  g_assert_cmpint (fl_csv_n_rows (csv), ==, 1);
  g_assert_cmpstr (fl_csv_get (csv, 0, 1), ==, "2");
}

static void
test_quoting (void)
{
  g_autoptr(FlCsv) csv = parse_ok ("image,text,label\n"
                                   "a.png,\"red, shiny car\",car\n"
                                   "b.png,\"the \"\"fast\"\" one\",bike\n"
                                   "c.png,\"two\nlines\r\nand three\",bus\n"
                                   "d.png,\"  kept  \",  trimmed  \n"
                                   "e.png,after,\"\"\n");

  g_assert_cmpint (fl_csv_n_rows (csv), ==, 5);
  g_assert_cmpstr (fl_csv_get (csv, 0, 1), ==, "red, shiny car");
  g_assert_cmpint (fl_csv_row_n_fields (csv, 0), ==, 3);
  g_assert_cmpstr (fl_csv_get (csv, 1, 1), ==, "the \"fast\" one");
  g_assert_cmpstr (fl_csv_get (csv, 2, 1), ==, "two\nlines\r\nand three");
  g_assert_cmpstr (fl_csv_get (csv, 2, 2), ==, "bus");
  /* quoted spaces are data; unquoted surrounding spaces are trimmed */
  g_assert_cmpstr (fl_csv_get (csv, 3, 1), ==, "  kept  ");
  g_assert_cmpstr (fl_csv_get (csv, 3, 2), ==, "trimmed");
  g_assert_cmpstr (fl_csv_get (csv, 4, 2), ==, "");

  /* lines: header 1, a 2, b 3, c 4..6 (the quoted field spans three), d 7 */
  g_assert_cmpint (fl_csv_row_line (csv, 0), ==, 2);
  g_assert_cmpint (fl_csv_row_line (csv, 1), ==, 3);
  g_assert_cmpint (fl_csv_row_line (csv, 2), ==, 4);
  g_assert_cmpint (fl_csv_row_line (csv, 3), ==, 7);
  g_assert_cmpint (fl_csv_row_line (csv, 4), ==, 8);
}

static void
test_quoted_first_field_spans_lines (void)
{
  /* The row starts on the line of its opening quote, not where its first
   * field ends. */
  g_autoptr(FlCsv) csv = parse_ok ("text,label\n\n\"line one\nline two\",x\ny,z\n");

  g_assert_cmpint (fl_csv_n_rows (csv), ==, 2);
  g_assert_cmpstr (fl_csv_get (csv, 0, 0), ==, "line one\nline two");
  g_assert_cmpint (fl_csv_row_line (csv, 0), ==, 3);
  g_assert_cmpint (fl_csv_row_line (csv, 1), ==, 5);
}

static void
test_ragged_and_blank (void)
{
  g_autoptr(FlCsv) csv = parse_ok ("a,b,c\n"
                                   "1,2,3\n"
                                   "\n"
                                   "   \t\r\n"
                                   "4,5\n"
                                   "6,7,8,9\n"
                                   ",,\n"
                                   "\n\n");

  /* blank lines are skipped; a line of commas is a row of empty fields */
  g_assert_cmpint (fl_csv_n_rows (csv), ==, 4);
  g_assert_cmpint (fl_csv_row_n_fields (csv, 0), ==, 3);
  g_assert_cmpint (fl_csv_row_n_fields (csv, 1), ==, 2);
  g_assert_cmpint (fl_csv_row_line (csv, 1), ==, 5);
  g_assert_cmpstr (fl_csv_get (csv, 1, 1), ==, "5");
  g_assert_null (fl_csv_get (csv, 1, 2));
  g_assert_cmpint (fl_csv_row_n_fields (csv, 2), ==, 4);
  g_assert_cmpstr (fl_csv_get (csv, 2, 3), ==, "9");
  g_assert_cmpint (fl_csv_row_line (csv, 2), ==, 6);
  g_assert_cmpint (fl_csv_row_n_fields (csv, 3), ==, 3);
  g_assert_cmpstr (fl_csv_get (csv, 3, 2), ==, "");
  g_assert_cmpint (fl_csv_row_line (csv, 3), ==, 7);
}

static void
test_lone_cr (void)
{
  g_autoptr(FlCsv) csv = parse_ok ("a,b\r1,2\r3,4\r");

  g_assert_cmpint (fl_csv_n_rows (csv), ==, 2);
  g_assert_cmpstr (fl_csv_get (csv, 1, 0), ==, "3");
  g_assert_cmpint (fl_csv_row_line (csv, 1), ==, 3);
}

static void
test_invalid_utf8 (void)
{
  /* "caf\xE9" is Latin-1 é; "\xF0\x9F" is a truncated 4-byte sequence. */
  g_autoptr(FlCsv) csv = parse_ok ("text,label\ncaf\xE9 au lait,x\nok,\xF0\x9F\n");

  g_assert_cmpstr (fl_csv_get (csv, 0, 0), ==, "caf\xEF\xBF\xBD au lait");   /* U+FFFD */
  g_assert_true (g_utf8_validate (fl_csv_get (csv, 1, 1), -1, NULL));
  /* GLib replaces each bad byte with its own U+FFFD */
  g_assert_cmpstr (fl_csv_get (csv, 1, 1), ==, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void
test_find_column (void)
{
  g_autoptr(FlCsv) csv = parse_ok ("  File Name ,CAPTION, Path ,Class\nx,y,z,w\n");
  const char *image_names[] = { "image", "path", "file name", NULL };
  const char *text_names[] = { "text", "caption", "description", NULL };
  const char *none[] = { "label", "category", NULL };

  /* the first candidate present wins, even if its column comes later */
  g_assert_cmpint (fl_csv_find_column (csv, image_names), ==, 2);
  g_assert_cmpint (fl_csv_find_column (csv, text_names), ==, 1);
  g_assert_cmpint (fl_csv_find_column (csv, none), ==, -1);
  g_assert_cmpint (fl_csv_column_by_name (csv, "class"), ==, 3);
  g_assert_cmpint (fl_csv_column_by_name (csv, "file name"), ==, 0);
  g_assert_cmpint (fl_csv_column_by_name (csv, "FILE NAME "), ==, 0);
  g_assert_cmpint (fl_csv_column_by_name (csv, "file"), ==, -1);
  /* headers are returned as written (bar libcsv's trimming) */
  g_assert_cmpstr (fl_csv_header (csv, 0), ==, "File Name");
}

static void
test_errors (void)
{
  static const char nul[] = "a,b\n1,2\n3,\0\n";

  assert_parse_fails ("", 0, FL_ENGINE_ERROR_DATA, "t.csv", "empty", NULL);
  assert_parse_fails ("\xEF\xBB\xBF\n\r\n  \n", 9, FL_ENGINE_ERROR_DATA, "t.csv", "empty", NULL);
  assert_parse_fails ("image,label\n", 12, FL_ENGINE_ERROR_DATA, "t.csv", "line 1", "no data rows", NULL);
  assert_parse_fails ("image,label\r\n\r\n", 15, FL_ENGINE_ERROR_DATA, "no data rows", NULL);
  assert_parse_fails ("a,b\n1,2\n3,\"open\n4,5\n", 20, FL_ENGINE_ERROR_FORMAT,
                      "t.csv, line 3", "never closed", NULL);
  /* a quote closed then followed by text reopens in libcsv's lenient mode
   * and so also ends up unterminated */
  assert_parse_fails ("a,b\n\"x\"y,2\n", 11, FL_ENGINE_ERROR_FORMAT, "line 2", NULL);
  assert_parse_fails (nul, sizeof nul - 1, FL_ENGINE_ERROR_FORMAT, "t.csv, line 3", "NUL", NULL);
  /* UTF-16LE "a,b\n" with its BOM */
  assert_parse_fails ("\xFF\xFE" "a\0,\0b\0\n\0", 10, FL_ENGINE_ERROR_FORMAT, "line 1", NULL);
}

static void
test_load_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(FlCsv) csv = NULL;
  g_autoptr(FlCsv) missing = NULL;
  g_autofree char *missing_path = NULL;
  int fd = g_file_open_tmp ("fl-test-XXXXXX.csv", &path, &error);
  const char *text = "image,label\na.png,cat\n";

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  g_close (fd, NULL);

  csv = fl_csv_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_csv_n_rows (csv), ==, 1);
  g_assert_cmpstr (fl_csv_get (csv, 0, 1), ==, "cat");
  /* messages name the file by its base name */
  g_assert_false (strchr (fl_csv_name (csv), G_DIR_SEPARATOR));
  g_assert_true (g_str_has_prefix (fl_csv_name (csv), "fl-test-"));

  missing_path = g_strconcat (path, ".missing", NULL);
  missing = fl_csv_load (missing_path, &error);
  g_assert_null (missing);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, ".missing"));
  g_clear_error (&error);

  /* a header-only file on disk names the file */
  g_assert_true (g_file_set_contents (path, "image,label\n", -1, &error));
  g_assert_null (fl_csv_load (path, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "fl-test-"));

  g_unlink (path);
}

static void
assert_load_refused (const char *path,
                     const char *reason)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlCsv) csv = fl_csv_load (path, &error);

  g_assert_null (csv);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, reason));
}

/* A CSV named by somebody's experiment file may be a device that never
 * ends, a folder, or huge: each is refused before it is read. */
static void
test_hostile_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-csv-XXXXXX", NULL);
  g_autofree char *big = g_build_filename (dir, "big.csv", NULL);
  FILE *f = fopen (big, "w");

  g_assert_nonnull (f);
  /* sparse: 300 MB that take no room */
  g_assert_cmpint (ftruncate (fileno (f), 300 << 20), ==, 0);
  fclose (f);
  assert_load_refused ("/dev/zero", "not a regular file");
  assert_load_refused (dir, "not a regular file");
  assert_load_refused (big, "over 256 MB");
  g_remove (big);
  g_rmdir (dir);
}

/* A row of thousands of fields (a pointer each) is refused, not indexed. */
static void
test_too_many_fields (void)
{
  g_autoptr(GString) data = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlCsv) csv = NULL;

  for (int i = 0; i < 5000; i++)
    g_string_append (data, i > 0 ? ",c" : "c");
  g_string_append (data, "\nx,y\n");
  csv = fl_csv_parse (data->str, data->len, "wide.csv", &error);
  g_assert_null (csv);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "wide.csv, line 1: more than 4096 fields"));
}

/* Fields written with fl_csv_append_field read back as one field each,
 * whatever they hold; formulas come back with a ' in front. */
static void
test_write_field (void)
{
  static const struct {
    const char *value;
    const char *written;   /* what the file holds */
    const char *read;      /* what the field reads as */
  } cases[] = {
    { "plain", "plain", "plain" },
    { "a,b", "\"a,b\"", "a,b" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"", "say \"hi\"" },
    { "two\nlines", "\"two\nlines\"", "two\nlines" },
    { "=1+2", "'=1+2", "'=1+2" },
    { "+SUM(A1)", "'+SUM(A1)", "'+SUM(A1)" },
    { "-2", "'-2", "'-2" },
    { "@cmd", "'@cmd", "'@cmd" },
    { "=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"", "'=HYPERLINK(\"x\",\"y\")" },
    { "\tx", "'\tx", "'\tx" },
    { "", "", "" },
  };
  g_autoptr(GString) file = g_string_new ("n,value\n");
  g_autoptr(FlCsv) csv = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      fl_csv_append_field (line, cases[i].value);
      g_assert_cmpstr (line->str, ==, cases[i].written);
      g_string_append_printf (file, "%u,%s\n", i, line->str);
    }
  csv = fl_csv_parse (file->str, file->len, "written.csv", &error);
  g_assert_no_error (error);
  /* (the blank last value makes no blank line: its row still has the n) */
  g_assert_cmpint (fl_csv_n_rows (csv), ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (fl_csv_row_n_fields (csv, (int) i), ==, 2);
      /* quoted fields keep their spaces and tabs; unquoted ones are trimmed */
      if (cases[i].value[0] != '\t')
        g_assert_cmpstr (fl_csv_get (csv, (int) i, 1), ==, cases[i].read);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/basic", test_basic);
  g_test_add_func ("/csv/bom-crlf", test_bom_crlf);
  g_test_add_func ("/csv/no-final-newline", test_no_final_newline);
  g_test_add_func ("/csv/quoting", test_quoting);
  g_test_add_func ("/csv/quoted-first-field-spans-lines", test_quoted_first_field_spans_lines);
  g_test_add_func ("/csv/ragged-and-blank", test_ragged_and_blank);
  g_test_add_func ("/csv/lone-cr", test_lone_cr);
  g_test_add_func ("/csv/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/csv/find-column", test_find_column);
  g_test_add_func ("/csv/errors", test_errors);
  g_test_add_func ("/csv/load-file", test_load_file);
  g_test_add_func ("/csv/write-field", test_write_field);
  g_test_add_func ("/csv/hostile-files", test_hostile_files);
  g_test_add_func ("/csv/too-many-fields", test_too_many_fields);
  return g_test_run ();
}
