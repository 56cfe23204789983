/* SPDX-License-Identifier: MIT
 *
 * fuzz-word-vectors.c — fl_word_vectors_read() on arbitrary bytes, for a
 * small vocabulary and vectors 4 wide: it either fails with an error or
 * sets rows that are finite and within the bound, and only those.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-word-vectors.h"
#include "fuzz-util.h"

#include <math.h>

#define DIM 4

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fl_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const words[] = { "the", "red", "apple", "日本", "ápple", NULL };
  const int V = 5;
  g_autoptr(FlVocab) vocab = fl_vocab_new_from_tokens (words, -1);
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr(GError) error = NULL;
  g_auto(FlWordVectorsStats) st = { 0 };
  float rows[5 * DIM];
  guint8 found[5];
  int n = 0;

  for (int i = 0; i < V * DIM; i++)
    rows[i] = 12345.0f;
  if (!fl_word_vectors_read (in, "fuzz.txt", vocab, DIM, rows, found, &st, NULL, &error))
    {
      g_assert (error != NULL && g_str_has_prefix (error->message, "fuzz.txt"));
      return 0;
    }
  g_assert (error == NULL);
  for (int i = 0; i < V; i++)
    for (int k = 0; k < DIM; k++)
      {
        float x = rows[i * DIM + k];
        /* a row found holds a vector; the others are untouched */
        g_assert (found[i] ? isfinite (x) && fabs (x) <= FL_WORD_VECTORS_MAX_VALUE : x == 12345.0f);
      }
  for (int i = 0; i < V; i++)
    n += found[i];
  g_assert (n == st.found && st.lines >= st.skipped);
  g_assert ((st.skipped > 0) == (st.first_skip != NULL));
  return 0;
}
