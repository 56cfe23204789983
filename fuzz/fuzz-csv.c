/* SPDX-License-Identifier: MIT
 *
 * fuzz-csv.c — the CSV reader (fl_csv_parse) on arbitrary bytes, then every
 * field and the column detection, as the dataset loader reads them.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-csv.h"
#include "fuzz-util.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fl_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const image_names[] = { "image", "file", "path", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlCsv) csv = fl_csv_parse ((const char *) data, size, "fuzz.csv", &error);

  if (csv == NULL)
    return 0;
  for (int row = 0; row < fl_csv_n_rows (csv); row++)
    for (int col = 0; col < fl_csv_row_n_fields (csv, row) + 1; col++)
      {
        const char *v = fl_csv_get (csv, row, col);
        /* a field is promised valid UTF-8, and NULL only past the row's end */
        g_assert (v == NULL ? col >= fl_csv_row_n_fields (csv, row)
                            : g_utf8_validate (v, -1, NULL));
      }
  (void) fl_csv_find_column (csv, image_names);
  return 0;
}
