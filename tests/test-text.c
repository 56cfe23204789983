/* SPDX-License-Identifier: MIT
 *
 * Tokenizer and vocabulary (SPEC §3): exact token lists for English, digits,
 * accents, CJK, kana, Hangul, Thai and mixed text; vocabulary ranking by
 * document frequency, the size cap, tie-breaking and encoding.
 */
#include "fl-text.h"

#include <string.h>

/* Asserts fl_tokenize (text) is exactly the NULL-terminated list, in order. */
static void
check_tokens (const char *text, const char *const *expected)
{
  g_auto(GStrv) toks = fl_tokenize (text);
  g_autofree char *got = g_strjoinv (" | ", toks);
  g_autofree char *want = g_strjoinv (" | ", (char **) expected);

  g_test_message ("%s → %s", text, got);
  g_assert_cmpstr (got, ==, want);
  g_assert_cmpuint (g_strv_length (toks), ==, g_strv_length ((char **) expected));
}

#define TOKENS(text, ...) check_tokens (text, (const char *const[]) { __VA_ARGS__, NULL })

static void
test_english (void)
{
  TOKENS ("Hello, WORLD! hello", "hello", "world", "hello");
  TOKENS ("  a red\tcar...\n(fast)", "a", "red", "car", "fast");
  /* apostrophes, hyphens and underscores separate words */
  TOKENS ("don't over-fit snake_case", "don", "t", "over", "fit", "snake", "case");
  g_auto(GStrv) none = fl_tokenize ("  ,.;!? ");
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_auto(GStrv) null = fl_tokenize (NULL);
  g_assert_cmpuint (g_strv_length (null), ==, 0);
}

static void
test_digits (void)
{
  TOKENS ("iPhone 15 Pro, 2023-09-12", "iphone", "15", "pro", "2023", "09", "12");
  TOKENS ("GTK4 x86_64 3.14", "gtk4", "x86", "64", "3", "14");
  /* NFKC: full-width letters and digits are the ASCII ones */
  TOKENS ("ＧＴＫ４", "gtk4");
}

static void
test_accents (void)
{
  TOKENS ("Café CRÈME brûlée", "caf\u00e9", "cr\u00e8me", "br\u00fbl\u00e9e");
  /* a decomposed e + U+0301 is composed by NFKC into the same token */
  TOKENS ("Cafe\u0301", "caf\u00e9");
  /* full case folding */
  TOKENS ("STRASSE Straße", "strasse", "strasse");
  TOKENS ("ΣΟΦΊΑ σοφία", "σοφία", "σοφία");
  /* combining marks belong to their word; Devanagari vowel signs are marks */
  TOKENS ("हिन्दी भाषा", "हिन्दी", "भाषा");
  /* a mark with nothing before it is dropped */
  TOKENS ("\u0301abc", "abc");
}

static void
test_cjk (void)
{
  TOKENS ("日本語", "日", "本", "語", "日本", "本語");
  TOKENS ("中文，分词。", "中", "文", "中文", "分", "词", "分词");
  /* a run may mix Han and kana; ー (U+30FC) is a katakana character */
  TOKENS ("東京タワー", "東", "京", "タ", "ワ", "ー", "東京", "京タ", "タワ", "ワー");
  /* half-width katakana and its prolonged sound mark (U+FF70) via NFKC */
  TOKENS ("ﾀﾜｰ", "タ", "ワ", "ー", "タワ", "ワー");
  TOKENS ("ひらがな", "ひ", "ら", "が", "な", "ひら", "らが", "がな");
  /* a single character is just itself */
  TOKENS ("猫", "猫");
}

static void
test_korean_thai (void)
{
  TOKENS ("안녕 세계", "안", "녕", "안녕", "세", "계", "세계");
  TOKENS ("ภาษา", "ภ", "า", "ษ", "า", "ภา", "าษ", "ษา");
}

static void
test_thai_marks (void)
{
  /* ที่ is ท + U+0E35 + U+0E48: the vowel and tone marks stay with ท */
  TOKENS ("ที่นี่", "ที่", "นี่", "ที่นี่");
}

static void
test_mixed (void)
{
  TOKENS ("GTK4 日本語", "gtk4", "日", "本", "語", "日本", "本語");
  /* a word right after a run, and a run right after a word, split there */
  TOKENS ("GTK4日本語app", "gtk4", "日", "本", "語", "日本", "本語", "app");
  /* digits inside a Han run are a word and break the run */
  TOKENS ("第3回", "第", "3", "回");
  TOKENS ("abcー", "abc", "ー");
  TOKENS ("Tokyo 東京 2020", "tokyo", "東", "京", "東京", "2020");
}

/* document frequencies:
 *   the 3 (texts 0, 1, 3), sat 2, and 1 each: bird, cat, dog, zebra —
 *   zebra appears five times but in one text only. */
static const char *const vocab_texts[] = {
  "the cat sat",
  "The dog sat.",
  "zebra zebra zebra zebra zebra",
  "the bird",
};

static void
test_vocab_ranking (void)
{
  g_autoptr(FlVocab) v = fl_vocab_build (vocab_texts, G_N_ELEMENTS (vocab_texts), 0);
  const char *expected[] = { "the", "sat", "bird", "cat", "dog", "zebra" };

  g_assert_cmpint (fl_vocab_size (v), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_assert_cmpstr (fl_vocab_token (v, i), ==, expected[i]);
      g_assert_cmpint (fl_vocab_lookup (v, expected[i]), ==, i);
      g_assert_cmpstr (fl_vocab_tokens (v)[i], ==, expected[i]);
    }
  g_assert_null (fl_vocab_tokens (v)[G_N_ELEMENTS (expected)]);
  g_assert_cmpint (fl_vocab_lookup (v, "fish"), ==, -1);
  g_assert_cmpint (fl_vocab_lookup (v, "The"), ==, -1);   /* tokens are folded */
}

static void
test_vocab_cap (void)
{
  g_autoptr(FlVocab) v = fl_vocab_build (vocab_texts, G_N_ELEMENTS (vocab_texts), 3);

  g_assert_cmpint (fl_vocab_size (v), ==, 3);
  g_assert_cmpstr (fl_vocab_token (v, 0), ==, "the");
  g_assert_cmpstr (fl_vocab_token (v, 1), ==, "sat");
  g_assert_cmpstr (fl_vocab_token (v, 2), ==, "bird");   /* first of the ties */
  g_assert_cmpint (fl_vocab_lookup (v, "cat"), ==, -1);
  g_assert_cmpint (fl_vocab_lookup (v, "zebra"), ==, -1);
}

static void
test_vocab_deterministic (void)
{
  const char *reversed[G_N_ELEMENTS (vocab_texts)];
  g_autoptr(FlVocab) a = fl_vocab_build (vocab_texts, G_N_ELEMENTS (vocab_texts), 0);
  g_autoptr(FlVocab) b = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (vocab_texts); i++)
    reversed[i] = vocab_texts[G_N_ELEMENTS (vocab_texts) - 1 - i];
  b = fl_vocab_build (reversed, G_N_ELEMENTS (reversed), 0);

  g_assert_cmpint (fl_vocab_size (a), ==, fl_vocab_size (b));
  for (int i = 0; i < fl_vocab_size (a); i++)
    g_assert_cmpstr (fl_vocab_token (a, i), ==, fl_vocab_token (b, i));
}

static void
test_vocab_cjk (void)
{
  const char *texts[] = { "東京タワー", "東京駅", "京都" };
  g_autoptr(FlVocab) v = fl_vocab_build (texts, G_N_ELEMENTS (texts), 0);

  /* 京 is in all three texts; 東 and 東京 in two; then 1-text tokens */
  g_assert_cmpstr (fl_vocab_token (v, 0), ==, "京");
  g_assert_cmpint (fl_vocab_lookup (v, "東"), ==, 1);
  g_assert_cmpint (fl_vocab_lookup (v, "東京"), ==, 2);
  g_assert_cmpint (fl_vocab_lookup (v, "京都"), >=, 3);
  g_assert_cmpint (fl_vocab_lookup (v, "京駅"), >=, 3);
}

static void
test_vocab_encode (void)
{
  g_autoptr(FlVocab) v = fl_vocab_build (vocab_texts, G_N_ELEMENTS (vocab_texts), 0);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint32 sentinel = 99;
  int n;

  /* ids stay after what the array already holds */
  g_array_append_val (ids, sentinel);
  /* zebra 5, sat 1, the 0, zebra again, and three unknown tokens */
  n = fl_vocab_encode (v, "Zebra sat; THE zebra and a fish", ids);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpuint (ids->len, ==, 4);
  g_assert_cmpint (g_array_index (ids, gint32, 0), ==, 99);
  g_assert_cmpint (g_array_index (ids, gint32, 1), ==, 0);
  g_assert_cmpint (g_array_index (ids, gint32, 2), ==, 1);
  g_assert_cmpint (g_array_index (ids, gint32, 3), ==, 5);

  g_assert_cmpint (fl_vocab_encode (v, "nothing known here", ids), ==, 0);
  g_assert_cmpint (fl_vocab_encode (v, "", ids), ==, 0);
  g_assert_cmpuint (ids->len, ==, 4);

  n = fl_vocab_encode (v, "dog cat bird the sat dog", ids);
  g_assert_cmpint (n, ==, 5);
  for (int i = 0; i < 5; i++)   /* the 0, sat 1, bird 2, cat 3, dog 4 */
    g_assert_cmpint (g_array_index (ids, gint32, 4 + i), ==, i);
}

static void
test_vocab_from_tokens (void)
{
  const char *tokens[] = { "zeta", "alpha", "東京", NULL };
  const char *dup[] = { "x", "y", "x" };
  g_autoptr(FlVocab) v = fl_vocab_new_from_tokens (tokens, -1);
  g_autoptr(FlVocab) w = fl_vocab_new_from_tokens (tokens, 2);
  g_autoptr(FlVocab) d = fl_vocab_new_from_tokens (dup, 3);
  g_autoptr(FlVocab) built = fl_vocab_build (vocab_texts, G_N_ELEMENTS (vocab_texts), 0);
  g_autoptr(FlVocab) again = fl_vocab_new_from_tokens (fl_vocab_tokens (built), -1);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));

  /* ids are positions, not re-ranked */
  g_assert_cmpint (fl_vocab_size (v), ==, 3);
  g_assert_cmpint (fl_vocab_lookup (v, "zeta"), ==, 0);
  g_assert_cmpint (fl_vocab_lookup (v, "alpha"), ==, 1);
  g_assert_cmpint (fl_vocab_lookup (v, "東京"), ==, 2);
  g_assert_cmpint (fl_vocab_size (w), ==, 2);
  g_assert_cmpint (fl_vocab_lookup (w, "東京"), ==, -1);
  g_assert_cmpint (fl_vocab_lookup (d, "x"), ==, 0);

  /* a saved and reloaded vocabulary encodes the same */
  g_assert_cmpint (fl_vocab_size (again), ==, fl_vocab_size (built));
  fl_vocab_encode (again, "the zebra sat", ids);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpint (g_array_index (ids, gint32, 2), ==, fl_vocab_lookup (built, "zebra"));
  fl_vocab_encode (v, "Tokyo 東京 alpha", ids);
  g_assert_cmpuint (ids->len, ==, 5);
  g_assert_cmpint (g_array_index (ids, gint32, 3), ==, 1);
  g_assert_cmpint (g_array_index (ids, gint32, 4), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/tokenize/english", test_english);
  g_test_add_func ("/text/tokenize/digits", test_digits);
  g_test_add_func ("/text/tokenize/accents", test_accents);
  g_test_add_func ("/text/tokenize/cjk", test_cjk);
  g_test_add_func ("/text/tokenize/korean-thai", test_korean_thai);
  g_test_add_func ("/text/tokenize/thai-marks", test_thai_marks);
  g_test_add_func ("/text/tokenize/mixed", test_mixed);
  g_test_add_func ("/text/vocab/ranking", test_vocab_ranking);
  g_test_add_func ("/text/vocab/cap", test_vocab_cap);
  g_test_add_func ("/text/vocab/deterministic", test_vocab_deterministic);
  g_test_add_func ("/text/vocab/cjk", test_vocab_cjk);
  g_test_add_func ("/text/vocab/encode", test_vocab_encode);
  g_test_add_func ("/text/vocab/from-tokens", test_vocab_from_tokens);
  return g_test_run ();
}
