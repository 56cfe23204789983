/* SPDX-License-Identifier: MIT
 *
 * fl-csv.h — reading a text CSV (SPEC §3) with libcsv.
 *
 * RFC 4180: fields separated by commas, a field in double quotes may hold
 * commas, line breaks and doubled quotes (""). An optional UTF-8 byte-order
 * mark is dropped; rows end in LF, CRLF or a lone CR. The first row is the
 * header. Deliberate leniencies:
 *   - spaces and tabs around an unquoted field are trimmed (libcsv's default),
 *     so "cat.png, cat" has the label "cat", not " cat"; quoted fields keep
 *     their spaces;
 *   - a stray quote inside an unquoted field (ab"c) is kept as text;
 *   - blank lines (nothing but spaces, tabs and line breaks) are skipped;
 *   - rows may have more or fewer fields than the header ("ragged"); each
 *     row's field count is kept so the dataset layer can report them;
 *   - a field that is not valid UTF-8 has each bad byte sequence replaced with
 *     U+FFFD instead of failing the whole file.
 * Fatal, as a FL_ENGINE_ERROR whose message names the file (and the line):
 * a file that cannot be read, is empty, has a header but no data row
 * (FL_ENGINE_ERROR_DATA); a quote that is never closed, a NUL byte, i.e. a
 * binary or UTF-16 file (FL_ENGINE_ERROR_FORMAT).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct FlCsv FlCsv;

/* Reads and parses the file at path. Messages name the file by its base
 * name. Returns NULL with error set on failure; free with fl_csv_free(). */
FlCsv *fl_csv_load (const char *path, GError **error);

/* Parses len bytes of data (need not be NUL-terminated); name is how error
 * messages call the file ("texts.csv"). */
FlCsv *fl_csv_parse (const char *data,
                     gsize       len,
                     const char *name,
                     GError    **error);

void fl_csv_free (FlCsv *csv);

/* The name used in messages; owned by csv. */
const char *fl_csv_name (const FlCsv *csv);

/* Number of header fields. */
int fl_csv_n_cols (const FlCsv *csv);

/* Header field col (0 <= col < n_cols) as parsed (so without the spaces
 * around an unquoted name); owned by csv. */
const char *fl_csv_header (const FlCsv *csv, int col);

/* Number of data rows; the header is not counted. */
int fl_csv_n_rows (const FlCsv *csv);

/* Field col of data row `row` (0-based, header excluded), or NULL when that
 * row has no field col (it is shorter). Never NULL for col < the row's field
 * count, even if the field is empty (""). Valid UTF-8; owned by csv. */
const char *fl_csv_get (const FlCsv *csv, int row, int col);

/* How many fields data row `row` has; it may differ from n_cols. */
int fl_csv_row_n_fields (const FlCsv *csv, int row);

/* 1-based line of the file on which data row `row` starts (a quoted field
 * with line breaks makes a row span several lines), for messages such as
 * "texts.csv, line 12: …". */
int fl_csv_row_line (const FlCsv *csv, int row);

/* The column whose header, trimmed of surrounding white space, equals one of
 * the NULL-terminated candidates ignoring case. Candidates are tried in order,
 * so the first one present wins; among equal headers the leftmost wins.
 * Returns -1 if none matches. */
int fl_csv_find_column (const FlCsv *csv, const char *const *names);

/* fl_csv_find_column() with a single candidate. */
int fl_csv_column_by_name (const FlCsv *csv, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlCsv, fl_csv_free)

/* Writing: appends one text field to a CSV line, quoted per RFC 4180 when
 * it holds a comma, a quote or a line break, and — as OWASP advises for
 * files a spreadsheet may open — with a ' before a field that starts with
 * =, +, -, @, a tab or a carriage return, so that no cell is taken for a
 * formula. Numbers are written by the caller, not through this. */
void fl_csv_append_field (GString *line, const char *value);

G_END_DECLS
