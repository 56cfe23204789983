/* SPDX-License-Identifier: MIT
 *
 * fl-text.h — tokenizer and vocabulary for the text branch (SPEC §3).
 *
 * Tokenizing. The text is normalised to NFKC, case-folded and normalised
 * again (so full-width "ＧＴＫ" and "gtk" are one token, "Straße" becomes
 * "strasse"). It is then cut into
 *   - words: maximal runs of letters and digits (g_unichar_isalnum), e.g.
 *     "Hello, WORLD! GTK4" → hello, world, gtk4. Anything else — punctuation,
 *     symbols, white space, apostrophes, underscores — separates words.
 *   - in scripts written without spaces (Han, Hiragana, Katakana, Hangul,
 *     Thai): every character of a run of such characters, then every adjacent
 *     pair, e.g. "日本語" → 日, 本, 語, 日本, 本語. A run may mix those
 *     scripts ("東京タワー" gives the pair 京タ) and ends at any other
 *     character; a word directly after it starts a new token ("GTK4日本" →
 *     gtk4, 日, 本, 日本).
 * Combining marks (g_unichar_ismark) belong to the character before them:
 * they extend a word ("हिन्दी" is one word) or a no-space character (a Thai
 * vowel or tone mark stays with its consonant, so a "character" there is a
 * base letter plus its marks). A mark with nothing before it is dropped.
 * The katakana-hiragana prolonged sound mark ー (U+30FC, and half-width
 * U+FF70 which NFKC maps to it) has script Common but is only ever written
 * in kana words, so it is treated as a katakana character: "タワー" → タ, ワ,
 * ー, タワ, ワー.
 * Tokens come out in text order, a no-space run's characters before its
 * pairs; repeats are kept.
 *
 * Vocabulary. The max_size most frequent tokens of the training texts,
 * counted once per text that holds them (document frequency: features are
 * multi-hot, so how often a token repeats inside one text does not matter).
 * Ties go to the token whose UTF-8 bytes sort first, so a vocabulary depends
 * only on the texts. Token ids are ranks: 0 is the most frequent.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_VOCAB_DEFAULT_SIZE 25000

/* Tokens of the UTF-8 text (invalid sequences are replaced first), as a
 * NULL-terminated array; free with g_strfreev(). NULL text gives no tokens. */
char **fl_tokenize (const char *utf8);

typedef struct FlVocab FlVocab;

/* The vocabulary of texts[0 .. n) (a NULL entry counts as an empty text),
 * keeping at most max_size tokens, or all of them if max_size <= 0. Free with
 * fl_vocab_free(). */
FlVocab *fl_vocab_build (const char *const *texts, int n, int max_size);

/* A vocabulary whose token id i is tokens[i], e.g. one read back from a saved
 * model; n < 0 means tokens is NULL-terminated. Tokens are taken as they are
 * (not re-tokenized); should one repeat, lookups find its first id. Free with
 * fl_vocab_free(). */
FlVocab *fl_vocab_new_from_tokens (const char *const *tokens, int n);

void fl_vocab_free (FlVocab *vocab);

int fl_vocab_size (const FlVocab *vocab);

/* The token with that id (0 <= id < size); owned by vocab. */
const char *fl_vocab_token (const FlVocab *vocab, int id);

/* All tokens in id order, NULL-terminated (for saving); owned by vocab. */
const char *const *fl_vocab_tokens (const FlVocab *vocab);

/* The id of token, or -1 if it is not in the vocabulary. */
int fl_vocab_lookup (const FlVocab *vocab, const char *token);

/* Appends to ids (a GArray of gint32) the ids of text's tokens that are in
 * the vocabulary, sorted ascending and without repeats: the multi-hot bag
 * as an index list, ready for fl_embag_forward(). Unknown tokens are
 * dropped. Returns how many ids were appended. */
int fl_vocab_encode (const FlVocab *vocab, const char *text, GArray *ids);

/* The same for a sequence model: the ids of text's known tokens in text
 * order, repeats kept, the first max_tokens of them (all if max_tokens
 * <= 0). */
int fl_vocab_encode_sequence (const FlVocab *vocab, const char *text, int max_tokens, GArray *ids);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlVocab, fl_vocab_free)

G_END_DECLS
