/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-text"

#include "fl-text.h"

#include <stdlib.h>
#include <string.h>

/* ---- tokenizer ------------------------------------------------------- */

typedef enum {
  CH_SEPARATOR,
  CH_WORD,      /* a letter or digit of a script written with spaces */
  CH_MARK,      /* a combining mark: joins the character before it */
  CH_NOSPACE,   /* a letter or digit of a script written without spaces */
} CharClass;

#define PROLONGED_SOUND_MARK 0x30FC

static CharClass
classify (gunichar c)
{
  if (c == PROLONGED_SOUND_MARK)
    return CH_NOSPACE;
  if (g_unichar_ismark (c))
    return CH_MARK;
  if (!g_unichar_isalnum (c))
    return CH_SEPARATOR;
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
    case G_UNICODE_SCRIPT_THAI:
      return CH_NOSPACE;
    default:
      return CH_WORD;
    }
}

/* NFKC, case-fold, NFKC again: compatibility forms first (so "ℌ" folds like
 * "H"), then recompose what folding decomposed. */
static char *
normalize (const char *utf8)
{
  g_autofree char *valid = g_utf8_make_valid (utf8, -1);
  g_autofree char *nfkc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFKC);
  g_autofree char *folded = g_utf8_casefold (nfkc, -1);
  return g_utf8_normalize (folded, -1, G_NORMALIZE_NFKC);
}

static void
string_free (gpointer s)
{
  g_string_free (s, TRUE);
}

static void
flush_word (GPtrArray *out, GString *word)
{
  if (word->len == 0)
    return;
  g_ptr_array_add (out, g_strndup (word->str, word->len));
  g_string_truncate (word, 0);
}

/* run holds the GString characters of a no-space run: emit each, then each
 * adjacent pair. */
static void
flush_run (GPtrArray *out, GPtrArray *run)
{
  for (guint i = 0; i < run->len; i++)
    g_ptr_array_add (out, g_strdup (((GString *) run->pdata[i])->str));
  for (guint i = 1; i < run->len; i++)
    g_ptr_array_add (out, g_strconcat (((GString *) run->pdata[i - 1])->str,
                                       ((GString *) run->pdata[i])->str, NULL));
  g_ptr_array_set_size (run, 0);
}

char **
fl_tokenize (const char *utf8)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func (string_free);
  g_autoptr(GString) word = g_string_new (NULL);
  g_autofree char *norm = NULL;

  if (utf8 != NULL)
    norm = normalize (utf8);

  for (const char *p = norm; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (classify (c))
        {
        case CH_WORD:
          flush_run (out, run);
          g_string_append_unichar (word, c);
          break;
        case CH_NOSPACE:
          flush_word (out, word);
          g_ptr_array_add (run, g_string_append_unichar (g_string_new (NULL), c));
          break;
        case CH_MARK:
          /* At most one of word and run is non-empty. */
          if (word->len > 0)
            g_string_append_unichar (word, c);
          else if (run->len > 0)
            g_string_append_unichar (g_ptr_array_index (run, run->len - 1), c);
          break;
        case CH_SEPARATOR:
        default:
          flush_word (out, word);
          flush_run (out, run);
          break;
        }
    }
  flush_word (out, word);
  flush_run (out, run);

  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* ---- vocabulary ------------------------------------------------------ */

struct FlVocab {
  char      **tokens;   /* NULL-terminated, in id order */
  int         n;
  GHashTable *ids;      /* token (borrowed from tokens) → id */
};

/* Takes ownership of tokens (n of them, NULL-terminated). */
static FlVocab *
vocab_new_take (char **tokens, int n)
{
  FlVocab *vocab = g_new0 (FlVocab, 1);

  vocab->tokens = tokens;
  vocab->n = n;
  vocab->ids = g_hash_table_new (g_str_hash, g_str_equal);
  /* backwards, so that a repeated token keeps its first id */
  for (int i = n - 1; i >= 0; i--)
    g_hash_table_insert (vocab->ids, tokens[i], GINT_TO_POINTER (i));
  return vocab;
}

typedef struct {
  char *token;
  int   count;   /* number of texts holding it */
} TokenCount;

/* More texts first, then byte order. */
static int
cmp_token_count (gconstpointer pa, gconstpointer pb)
{
  const TokenCount *a = pa, *b = pb;

  if (a->count != b->count)
    return a->count > b->count ? -1 : 1;
  return strcmp (a->token, b->token);
}

FlVocab *
fl_vocab_build (const char *const *texts, int n, int max_size)
{
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (TokenCount));
  /* token (borrowed from counts) → its index in counts */
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  /* the tokens of one text already counted (borrowed from its GStrv) */
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  char **tokens;
  int size;

  g_return_val_if_fail (texts != NULL || n == 0, NULL);
  g_return_val_if_fail (n >= 0, NULL);

  for (int t = 0; t < n; t++)
    {
      g_auto(GStrv) toks = fl_tokenize (texts[t]);

      for (char **tok = toks; *tok != NULL; tok++)
        {
          gpointer slot;

          if (!g_hash_table_add (seen, *tok))
            continue;
          if (g_hash_table_lookup_extended (index, *tok, NULL, &slot))
            g_array_index (counts, TokenCount, GPOINTER_TO_UINT (slot)).count++;
          else
            {
              TokenCount tc = { g_strdup (*tok), 1 };
              g_hash_table_insert (index, tc.token, GUINT_TO_POINTER (counts->len));
              g_array_append_val (counts, tc);
            }
        }
      g_hash_table_remove_all (seen);
    }
  /* its indices go stale once counts is sorted */
  g_clear_pointer (&index, g_hash_table_unref);

  g_array_sort (counts, cmp_token_count);
  size = (int) counts->len;
  if (max_size > 0 && size > max_size)
    size = max_size;

  /* the kept strings move into the vocabulary; the rest are freed */
  tokens = g_new (char *, size + 1);
  for (guint i = 0; i < counts->len; i++)
    {
      char *tok = g_array_index (counts, TokenCount, i).token;
      if ((int) i < size)
        tokens[i] = tok;
      else
        g_free (tok);
    }
  tokens[size] = NULL;

  return vocab_new_take (tokens, size);
}

FlVocab *
fl_vocab_new_from_tokens (const char *const *tokens, int n)
{
  char **copy;

  g_return_val_if_fail (tokens != NULL || n == 0, NULL);

  if (n < 0)
    n = (int) g_strv_length ((char **) tokens);
  for (int i = 0; i < n; i++)
    g_return_val_if_fail (tokens[i] != NULL, NULL);

  copy = g_new (char *, n + 1);
  for (int i = 0; i < n; i++)
    copy[i] = g_strdup (tokens[i]);
  copy[n] = NULL;
  return vocab_new_take (copy, n);
}

void
fl_vocab_free (FlVocab *vocab)
{
  if (vocab == NULL)
    return;
  g_clear_pointer (&vocab->ids, g_hash_table_unref);
  g_strfreev (vocab->tokens);
  g_free (vocab);
}

int
fl_vocab_size (const FlVocab *vocab)
{
  g_return_val_if_fail (vocab != NULL, 0);
  return vocab->n;
}

const char *
fl_vocab_token (const FlVocab *vocab, int id)
{
  g_return_val_if_fail (vocab != NULL, NULL);
  g_return_val_if_fail (id >= 0 && id < vocab->n, NULL);
  return vocab->tokens[id];
}

const char *const *
fl_vocab_tokens (const FlVocab *vocab)
{
  g_return_val_if_fail (vocab != NULL, NULL);
  return (const char *const *) vocab->tokens;
}

int
fl_vocab_lookup (const FlVocab *vocab, const char *token)
{
  gpointer value;

  g_return_val_if_fail (vocab != NULL, -1);
  g_return_val_if_fail (token != NULL, -1);
  if (!g_hash_table_lookup_extended (vocab->ids, token, NULL, &value))
    return -1;
  return GPOINTER_TO_INT (value);
}

static int
cmp_gint32 (const void *pa, const void *pb)
{
  gint32 a = *(const gint32 *) pa, b = *(const gint32 *) pb;
  return (a > b) - (a < b);
}

int
fl_vocab_encode_sequence (const FlVocab *vocab, const char *text, int max_tokens, GArray *ids)
{
  g_auto(GStrv) toks = NULL;
  guint start;

  g_return_val_if_fail (vocab != NULL, 0);
  g_return_val_if_fail (ids != NULL, 0);
  g_return_val_if_fail (g_array_get_element_size (ids) == sizeof (gint32), 0);

  start = ids->len;
  toks = fl_tokenize (text);
  for (char **tok = toks; *tok != NULL && (max_tokens <= 0 || ids->len - start < (guint) max_tokens); tok++)
    {
      gint32 id = fl_vocab_lookup (vocab, *tok);
      if (id >= 0)
        g_array_append_val (ids, id);
    }
  return (int) (ids->len - start);
}

int
fl_vocab_encode (const FlVocab *vocab, const char *text, GArray *ids)
{
  guint start, n_unique = 0;

  g_return_val_if_fail (ids != NULL, 0);
  start = ids->len;
  fl_vocab_encode_sequence (vocab, text, 0, ids);

  /* sort and de-duplicate the appended segment in place */
  if (ids->len > start)
    {
      gint32 *seg = &g_array_index (ids, gint32, start);

      qsort (seg, ids->len - start, sizeof (gint32), cmp_gint32);
      for (guint i = 0; i < ids->len - start; i++)
        if (n_unique == 0 || seg[i] != seg[n_unique - 1])
          seg[n_unique++] = seg[i];
    }
  g_array_set_size (ids, start + n_unique);
  return (int) n_unique;
}
