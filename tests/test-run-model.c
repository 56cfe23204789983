/* SPDX-License-Identifier: MIT
 *
 * fl_run_new_from_model() (issue 17): a model file read back as a run
 * predicts what the run that saved it predicted, on the same split; one
 * of another image size, of other classes, of a branch the data lacks,
 * or whose vocabulary knows none of the data's words is refused with one
 * error naming the file and the reason; and it can be trained on. Both
 * text encoders: the bag of words and the GRU.
 */
#define G_LOG_DOMAIN "test-run-model"

#include "fl-test-util.h"
#include "fl-predictor.h"
#include "fl-trainer.h"

#include <glib/gstdio.h>
#include <string.h>

#define N 60

/* Two classes told apart by brightness and by a word; words from words. */
static FlDataset *
make_dataset (int S, const char *const words[2], const char *const names[2])
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  g_autofree guint8 *images = g_new (guint8, (gsize) N * 3 * S * S);
  const char *texts[N], *labels[N];

  for (int i = 0; i < N; i++)
    {
      for (int k = 0; k < 3 * S * S; k++)
        images[(gsize) i * 3 * S * S + k] = (guint8) (i % 2 ? g_rand_int_range (rng, 150, 256)
                                                            : g_rand_int_range (rng, 0, 100));
      texts[i] = words[i % 2];
      labels[i] = names[i % 2];
    }
  return fl_dataset_new_from_memory (N, S, images, texts, labels);
}

static const char *const WORDS[2] = { "dark night", "bright day" };
static const char *const NAMES[2] = { "dark", "light" };

typedef struct {
  char            *dir;
  char            *path;
  FlTrainSettings  s;
  FlDataset       *ds;
  FlRun           *run;    /* trained, and saved to path */
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("fl-run-model-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "model.safetensors", NULL);
  f->ds = make_dataset (8, WORDS, NAMES);
  fl_train_settings_init_default (&f->s);
  f->s.epochs = 2;
  f->s.batch_size = 16;
  f->s.n_threads = 1;
  f->s.fusion = FL_FUSION_GATED;
  f->s.text_encoder = (FlTextEncoder) GPOINTER_TO_INT (data);
  f->run = fl_run_new (f->ds, &f->s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (f->run, NULL, NULL, &error));
  g_assert_true (fl_run_save_model (f->run, f->path, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  fl_run_free (f->run);
  fl_dataset_unref (f->ds);
}

/* fl_run_new_from_model() of f's file on ds with f's split. */
static FlRun *
open_on (Fixture *f, FlDataset *ds, GError **error)
{
  g_autoptr(FlPredictor) pred = fl_predictor_load (f->path, error);

  return pred != NULL ? fl_run_new_from_model (ds, &f->s, pred, f->path, error) : NULL;
}

static void
test_same_predictions (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = open_on (f, f->ds, &error);
  g_autoptr(FlValidation) want = fl_run_validation (f->run);
  g_autoptr(FlValidation) got = NULL;

  g_assert_no_error (error);
  got = fl_run_validation (run);
  g_assert_cmpint (fl_run_settings (run)->fusion, ==, FL_FUSION_GATED);
  g_assert_cmpint (got->n, ==, want->n);
  g_assert_cmpmem (got->rows, sizeof (gint32) * got->n, want->rows, sizeof (gint32) * want->n);
  g_assert_cmpmem (got->probs, sizeof (float) * got->n * 2, want->probs, sizeof (float) * want->n * 2);
  /* and it trains on from there */
  g_assert_true (fl_run_train (run, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* opening f's file on ds fails with one error naming the file and why */
static void
assert_refused (Fixture *f, FlDataset *ds, const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = open_on (f, ds, &error);

  g_assert_null (run);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, f->path));
  g_assert_nonnull (strstr (error->message, why));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  static const char *const other_words[2] = { "alpha", "beta" };
  static const char *const other_names[2] = { "dark", "shade" };
  g_autoptr(FlDataset) small = make_dataset (12, WORDS, NAMES);
  g_autoptr(FlDataset) words = make_dataset (8, other_words, NAMES);
  g_autoptr(FlDataset) classes = make_dataset (8, WORDS, other_names);

  assert_refused (f, small, "it takes 8×8 pictures and the data is loaded at 12×12");
  assert_refused (f, words, "not one word of the data's texts is in its vocabulary");
  assert_refused (f, classes, "its classes (dark, light) are not the data's (dark, shade)");
}

/* A text-only model opens on data of any image size: it reads no picture. */
static void
test_text_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) other_size = make_dataset (12, WORDS, NAMES);
  g_autoptr(FlRun) text = NULL, run = NULL;

  f->s.fusion = FL_FUSION_TEXT;
  text = fl_run_new (f->ds, &f->s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_save_model (text, f->path, &error));
  run = open_on (f, other_size, &error);
  g_assert_no_error (error);
  g_assert_nonnull (run);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/run-model/same-predictions", Fixture, NULL, fixture_setup, test_same_predictions,
              fixture_teardown);
  /* a GRU's texts are read again as its first tokens in order */
  g_test_add ("/run-model/same-predictions-gru", Fixture, GINT_TO_POINTER (FL_TEXT_GRU), fixture_setup,
              test_same_predictions, fixture_teardown);
  g_test_add ("/run-model/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/run-model/text-only", Fixture, NULL, fixture_setup, test_text_only, fixture_teardown);
  return g_test_run ();
}
