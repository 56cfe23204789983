/* SPDX-License-Identifier: MIT
 *
 * Word vectors (fl-word-vectors.h) from small generated files: GloVe and
 * fastText layouts, rows set only for the vocabulary's words, exact words
 * before folded ones, the first of repeats kept; bad lines skipped with
 * the reason, and files of another width or binary data refused naming
 * the file and the line. Then a run's text embedding from such a file.
 */
#include "fl-trainer.h"
#include "fl-word-vectors.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#define D 3
#define V 3

static const char *const words[] = { "red", "green", "apple", NULL };

typedef struct {
  gboolean           ok;
  GError            *error;
  float              rows[V * D];
  guint8             found[V];
  FlWordVectorsStats st;
} Read;

static void
read_clear (Read *r)
{
  g_clear_error (&r->error);
  fl_word_vectors_stats_clear (&r->st);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Read, read_clear)

/* Reads text (len < 0: NUL-terminated) with rows starting at -1. */
static void
read_text (Read *r, const char *text, gssize len)
{
  g_autoptr(FlVocab) vocab = fl_vocab_new_from_tokens (words, -1);
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_data (text, n, NULL);

  for (int i = 0; i < V * D; i++)
    r->rows[i] = -1.0f;
  r->ok = fl_word_vectors_read (in, "vectors.txt", vocab, D, r->rows, r->found, &r->st, NULL, &r->error);
}

static void
assert_row (Read *r, int i, float a, float b, float c)
{
  const float want[D] = { a, b, c };
  g_assert_cmpmem (r->rows + i * D, sizeof want, want, sizeof want);
}

static void
test_glove (void)
{
  g_auto(Read) r = { 0 };

  /* CRLF, a blank line, a word outside the vocabulary, no final newline */
  read_text (&r, "red 1 2 3\r\nzebra 7 8 9\n\napple 4.5 -5e-1 6\n   \nmore 0 0 0", -1);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpint (r.st.found, ==, 2);
  g_assert_cmpint (r.st.lines, ==, 6);
  g_assert_cmpint (r.st.skipped, ==, 0);
  assert_row (&r, 0, 1, 2, 3);
  assert_row (&r, 1, -1, -1, -1);   /* green: left alone */
  assert_row (&r, 2, 4.5f, -0.5f, 6);
  g_assert_cmpmem (r.found, V, ((guint8[V]) { 1, 0, 1 }), V);
}

static void
test_fasttext_header (void)
{
  g_auto(Read) r = { 0 }, wrong = { 0 };

  read_text (&r, "2 3\ngreen 1 1 1 \nred 2 2 2\n", -1);
  g_assert_no_error (r.error);
  g_assert_cmpint (r.st.found, ==, 2);
  assert_row (&r, 1, 1, 1, 1);
  read_text (&wrong, "2 300\ngreen 1 1 1\n", -1);
  g_assert_false (wrong.ok);
  g_assert_error (wrong.error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (wrong.error->message, "vectors.txt: line 1: its header says vectors of 300"));
}

/* The first vector sets the file's width: another than the embedding's
 * is an error there, and later lines of the wrong count are skipped. */
static void
test_dimensions (void)
{
  g_auto(Read) r = { 0 }, wrong = { 0 }, wide = { 0 };

  read_text (&wrong, "zebra 1 2\nred 1 2 3\n", -1);
  g_assert_false (wrong.ok);
  g_assert_nonnull (strstr (wrong.error->message, "vectors.txt: line 1: a vector of 2 numbers; "
                                                  "the text embedding is 3 wide"));
  read_text (&wide, "\nzebra 1 2 3 4 5\n", -1);
  g_assert_nonnull (strstr (wide.error->message, "line 2: a vector of more than 3 numbers"));
  read_text (&r, "zebra 1 2 3\nred 1 2\ngreen 1 2 3 4\napple 1 2 3\n", -1);
  g_assert_true (r.ok);
  g_assert_cmpint (r.st.found, ==, 1);
  g_assert_cmpint (r.st.skipped, ==, 2);
  g_assert_cmpstr (r.st.first_skip, ==, "line 2: “red” has 2 numbers, not 3");
}

static void
test_bad_numbers (void)
{
  const char *bad[] = { "nan", "inf", "-INF", "0x1p3", "1e9", "1..2", "", "1,5" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_auto(Read) r = { 0 };
      g_autofree char *text = g_strdup_printf ("zebra 1 2 3\nred 1 %s 3\ngreen 1 2 3\n", bad[i]);

      read_text (&r, text, -1);
      g_assert_true (r.ok);
      g_assert_false (r.found[0]);
      g_assert_true (r.found[1]);
      /* an empty field is no field: "red 1  3" has two numbers */
      g_assert_cmpint (r.st.skipped, ==, 1);
      g_test_message ("%s → %s", bad[i], r.st.first_skip);
    }
}

/* The exact word beats a folded one (“Red” → red); of two alike the first
 * is kept. */
static void
test_duplicates_and_folding (void)
{
  g_auto(Read) r = { 0 };

  read_text (&r, "Green 1 1 1\ngreen 2 2 2\nGREEN 3 3 3\nred 4 4 4\nred 5 5 5\nÁpple 6 6 6\nAPPLE 7 7 7\n", -1);
  g_assert_true (r.ok);
  assert_row (&r, 0, 4, 4, 4);
  assert_row (&r, 1, 2, 2, 2);
  /* "Ápple" folds to "ápple", no token of ours: APPLE is the first fold */
  assert_row (&r, 2, 7, 7, 7);
  g_assert_cmpint (r.st.duplicates, ==, 1);
}

static void
test_long_line (void)
{
  g_auto(Read) r = { 0 };
  GString *text = g_string_new ("zebra 1 2 3\nred");

  while (text->len < FL_WORD_VECTORS_MAX_LINE + 100)
    g_string_append (text, " 0.25");
  g_string_append (text, "\ngreen 1 2 3\n");
  read_text (&r, text->str, -1);
  g_assert_true (r.ok);
  g_assert_false (r.found[0]);
  g_assert_true (r.found[1]);
  g_assert_cmpint (r.st.lines, ==, 3);
  g_assert_cmpstr (r.st.first_skip, ==, "line 2: longer than 65536 bytes");
  g_string_free (text, TRUE);
}

static void
test_binary (void)
{
  static const char junk[] = "red 1 2 3\ngreen \0\x01\x02 3\n";
  g_auto(Read) r = { 0 };

  read_text (&r, junk, sizeof junk - 1);
  g_assert_false (r.ok);
  g_assert_nonnull (strstr (r.error->message, "vectors.txt: line 2: a NUL byte"));
}

/* A run's text embedding, the bag of words' or the gru's, from a file of
 * the embedding's width (100): the rows of the words the file has, the
 * report, and a missing file. */
static void
test_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-wv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "glove.txt", NULL);
  GString *text = g_string_new (NULL);
  const char *texts[8] = { "red one", "green one", "red two", "green two",
                           "red one", "green one", "red two", "green two" };
  const char *labels[8] = { "a", "b", "a", "b", "a", "b", "a", "b" };
  g_autofree guint8 *images = g_new0 (guint8, 8 * 3 * 4 * 4);
  g_autoptr(FlDataset) ds = fl_dataset_new_from_memory (8, 4, images, texts, labels);
  g_autoptr(FlRun) run = NULL;
  FlTrainSettings s;
  const FlTensorInfo *t;
  int id;

  g_string_append (text, "red");
  for (int k = 0; k < 100; k++)
    g_string_append_printf (text, " %d", k);
  g_string_append (text, "\nplum");
  for (int k = 0; k < 100; k++)
    g_string_append (text, " 1");
  g_string_append_c (text, '\n');
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  fl_train_settings_init_default (&s);
  s.val_fraction = 0.25;
  s.word_vectors = path;
  /* the bag of words' embedding, and the gru's: the same table */
  for (int enc = 0; enc < FL_N_TEXT_ENCODERS; enc++)
    {
      s.text_encoder = enc;
      g_clear_pointer (&run, fl_run_free);
      run = fl_run_new (ds, &s, &error);
      g_assert_no_error (error);
      g_test_message ("%s", fl_run_transfer_report (run));
      g_assert_true (g_str_has_prefix (fl_run_transfer_report (run), "word vectors: 1 of "));
      id = fl_vocab_lookup (fl_run_vocab (run), "red");
      t = fl_model_tensor (fl_run_model (run), FL_P_TXT_EMB_W);
      g_assert_cmpint (id, >=, 0);
      for (int k = 0; k < 100; k++)
        g_assert_cmpfloat (fl_model_params (fl_run_model (run))[t->offset + id * 100 + k], ==, k);
    }
  g_assert_cmpuint (fl_model_tensor (fl_run_model (run), FL_P_TXT_GRU_W_IH)->numel, >, 0);
  g_remove (path);
  s.word_vectors = path;
  g_clear_pointer (&run, fl_run_free);
  run = fl_run_new (ds, &s, &error);
  g_assert_null (run);
  g_assert_nonnull (strstr (error->message, path));
  g_rmdir (dir);
  g_string_free (text, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/word-vectors/glove", test_glove);
  g_test_add_func ("/word-vectors/fasttext-header", test_fasttext_header);
  g_test_add_func ("/word-vectors/dimensions", test_dimensions);
  g_test_add_func ("/word-vectors/bad-numbers", test_bad_numbers);
  g_test_add_func ("/word-vectors/duplicates-and-folding", test_duplicates_and_folding);
  g_test_add_func ("/word-vectors/long-line", test_long_line);
  g_test_add_func ("/word-vectors/binary", test_binary);
  g_test_add_func ("/word-vectors/run", test_run);
  return g_test_run ();
}
