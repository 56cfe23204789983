/* SPDX-License-Identifier: MIT
 *
 * fuzz-text.c — the tokenizer (fl_tokenize) on arbitrary bytes, and a
 * vocabulary built from the text and encoding it back.
 */
#define G_LOG_DOMAIN "fl-fuzz"

#include "fl-text.h"
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
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) tokens = fl_tokenize (text);
  const char *texts[] = { text };
  g_autoptr(FlVocab) vocab = fl_vocab_build (texts, 1, 8);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));

  for (int i = 0; tokens != NULL && tokens[i] != NULL; i++)
    g_assert (tokens[i][0] != '\0' && g_utf8_validate (tokens[i], -1, NULL));
  fl_vocab_encode (vocab, text, ids);
  /* every token of the vocabulary came from the text, so each is found */
  g_assert_cmpint ((int) ids->len, ==, fl_vocab_size (vocab));
  return 0;
}
