/* SPDX-License-Identifier: MIT
 *
 * The gru text encoder in a whole model: it learns what only word order
 * tells (a bag of words cannot), trains to the same bits on one thread or
 * two, and a saved model predicts after loading exactly as it did before;
 * a model file written before encoders opens as a bag of words, one
 * written before poolings as the last state, and one naming an unknown
 * encoder or pooling is refused, as is bench/'s export of a GRU run. The
 * operator itself is checked in test-ops-gru.c (both poolings), the whole
 * model by finite differences in test-model.c, and against torch.nn.GRU in
 * test-torch.c.
 */
#include "fl-model.h"
#include "fl-predictor.h"
#include "fl-safetensors.h"
#include "fl-trainer.h"
#include "fl-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define N_WORDS 4
#define COPIES 6
#define N_SAMPLES (N_WORDS * (N_WORDS - 1) * COPIES)

/* Every ordered pair of two different colour words, each COPIES times:
 * class "forward" when the first comes first in the list, "backward"
 * otherwise. Each bag of two words is in both classes, as often. */
static FlDataset *
order_dataset (char ***texts_out)
{
  static const char *const words[N_WORDS] = { "red", "green", "blue", "plum" };
  const char *texts[N_SAMPLES], *labels[N_SAMPLES];
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  int n = 0;

  for (int c = 0; c < COPIES; c++)
    for (int i = 0; i < N_WORDS; i++)
      for (int j = 0; j < N_WORDS; j++)
        if (i != j)
          {
            char *t = g_strdup_printf ("%s %s", words[i], words[j]);

            g_ptr_array_add (owned, t);
            texts[n] = t;
            labels[n++] = i < j ? "forward" : "backward";
          }
  g_ptr_array_add (owned, NULL);
  *texts_out = (char **) g_ptr_array_steal (owned, NULL);
  return fl_dataset_new_from_memory (n, 4, NULL, texts, labels);
}

static void
settings (FlTrainSettings *s, FlTextEncoder encoder, int threads)
{
  fl_train_settings_init_default (s);
  s->fusion = FL_FUSION_TEXT;
  s->text_encoder = encoder;
  s->feat_dim = 16;
  s->epochs = 25;
  s->batch_size = 16;
  s->lr = 1e-2f;
  s->n_threads = threads;
}

static void
on_epoch (const FlEpochStats *e, gpointer user_data)
{
  FlEpochStats *last = user_data;

  if (e->epoch == 1)
    last[0] = *e;
  last[1] = *e;
}

/* Trains a text-only model of encoder; returns the run and its first and
 * last epochs. */
static FlRun *
train (FlDataset *ds, FlTextEncoder encoder, int threads, int epochs, FlEpochStats e[2])
{
  g_autoptr(GError) error = NULL;
  FlTrainCallbacks cb = { NULL, on_epoch, e };
  FlTrainSettings s;
  FlRun *run;

  settings (&s, encoder, threads);
  s.epochs = epochs;
  run = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (run, &cb, NULL, &error));
  g_assert_no_error (error);
  return run;
}

static void
test_word_order (void)
{
  g_auto(GStrv) texts = NULL;
  g_autoptr(FlDataset) ds = order_dataset (&texts);
  FlEpochStats bow[2], gru[2];
  g_autoptr(FlRun) a = train (ds, FL_TEXT_BOW, 1, 25, bow);
  g_autoptr(FlRun) b = train (ds, FL_TEXT_GRU, 1, 25, gru);

  g_test_message ("bow: val acc %.3f, loss %.3f → %.3f; gru: val acc %.3f, loss %.3f → %.3f",
                  bow[1].val_acc, bow[0].train_loss, bow[1].train_loss,
                  gru[1].val_acc, gru[0].train_loss, gru[1].train_loss);
  g_assert_cmpfloat (gru[1].train_loss, <, 0.5 * gru[0].train_loss);
  g_assert_cmpfloat (gru[1].val_acc, >=, 0.95);
  /* the same bag is in both classes as often */
  g_assert_cmpfloat (bow[1].val_acc, <=, 0.75);
}

static void
test_threads_same_bits (void)
{
  g_auto(GStrv) texts = NULL;
  g_autoptr(FlDataset) ds = order_dataset (&texts);
  FlEpochStats e[2];
  g_autoptr(FlRun) one = train (ds, FL_TEXT_GRU, 1, 2, e);
  g_autoptr(FlRun) two = train (ds, FL_TEXT_GRU, 3, 2, e);
  FlModel *m1 = fl_run_model (one), *m2 = fl_run_model (two);

  g_assert_cmpuint (fl_model_n_params (m1), ==, fl_model_n_params (m2));
  g_assert_cmpmem (fl_model_params (m1), fl_model_n_params (m1) * sizeof (float),
                   fl_model_params (m2), fl_model_n_params (m2) * sizeof (float));
}

/* Saved and loaded: the same config and the same probabilities, bit for
 * bit, on texts of every length up to past max_tokens. */
static void
test_round_trip (void)
{
  g_auto(GStrv) texts = NULL;
  g_autoptr(FlDataset) ds = order_dataset (&texts);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-gru-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "gru.fl", NULL);
  const char *probe[] = { "", "plum", "red green", "green red blue plum red", "unknown words" };
  const int n = G_N_ELEMENTS (probe);
  g_autofree guint8 *images = g_new0 (guint8, n * 3 * 4 * 4);
  float before[G_N_ELEMENTS (probe) * 2], after[G_N_ELEMENTS (probe) * 2];
  FlEpochStats e[2];
  g_autoptr(FlRun) run = NULL;
  FlPredictor *saved, *loaded;
  FlTrainSettings s;

  settings (&s, FL_TEXT_GRU, 1);
  s.epochs = 3;
  s.max_tokens = 3;
  run = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (run, &(FlTrainCallbacks) { NULL, on_epoch, e }, NULL, &error));
  g_assert_true (fl_run_save_model (run, path, &error));
  g_assert_no_error (error);
  saved = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  fl_predictor_predict (saved, images, probe, n, before);
  loaded = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_model_config (fl_predictor_model (loaded))->text_encoder, ==, FL_TEXT_GRU);
  g_assert_cmpint (fl_model_config (fl_predictor_model (loaded))->max_tokens, ==, 3);
  fl_predictor_predict (loaded, images, probe, n, after);
  g_assert_cmpmem (before, sizeof before, after, sizeof after);
  /* the file's model is the run's: its last epoch's weights */
  g_assert_cmpmem (fl_model_params (fl_predictor_model (loaded)),
                   fl_model_n_params (fl_run_model (run)) * sizeof (float),
                   fl_model_params (fl_run_model (run)), fl_model_n_params (fl_run_model (run)) * sizeof (float));
  /* texts past max_tokens are cut: the fourth token onwards changes nothing */
  probe[3] = "green red blue";
  fl_predictor_predict (loaded, images, probe, n, after);
  g_assert_cmpmem (before + 6, 2 * sizeof (float), after + 6, 2 * sizeof (float));
  fl_predictor_free (saved);
  fl_predictor_free (loaded);
  g_remove (path);
  g_rmdir (dir);
}

/* Replaces from by to, of the same length, in the file at path (in its
 * header, where the config is a JSON string, quotes escaped): what an
 * older or a hostile writer could have written. */
static void
patch_file (const char *path, const char *from, const char *to)
{
  g_autofree char *bytes = NULL;
  gsize len;
  char *at;

  g_assert_cmpuint (strlen (from), ==, strlen (to));
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  at = g_strstr_len (bytes + 8, len - 8, from);
  g_assert_nonnull (at);
  memcpy (at, to, strlen (to));
  g_assert_true (g_file_set_contents (path, bytes, len, NULL));
}

/* A bag-of-words model's config does not name its encoder, as no file did
 * before encoders: such a file opens as a bag of words. An unknown
 * encoder is one clear error naming the file. */
static void
test_old_and_bad_files (void)
{
  g_auto(GStrv) texts = NULL;
  g_autoptr(FlDataset) ds = order_dataset (&texts);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-gru-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.fl", NULL);
  FlEpochStats e[2];
  g_autoptr(FlRun) bow = train (ds, FL_TEXT_BOW, 1, 1, e);
  g_autoptr(FlRun) gru = train (ds, FL_TEXT_GRU, 1, 1, e);
  g_autoptr(FlSafetensors) st = NULL;
  FlPredictor *pred;

  g_assert_true (fl_run_save_model (bow, path, &error));
  st = fl_safetensors_load (path, &error);
  g_assert_null (strstr (fl_safetensors_metadata (st, "config"), "text_encoder"));
  g_assert_null (strstr (fl_safetensors_metadata (st, "config"), "max_tokens"));
  pred = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_model_config (fl_predictor_model (pred))->text_encoder, ==, FL_TEXT_BOW);
  fl_predictor_free (pred);

  g_assert_true (fl_run_save_model (gru, path, &error));
  patch_file (path, "\\\"gru\\\"", "\\\"rnn\\\"");
  pred = fl_predictor_load (path, &error);
  g_assert_null (pred);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "text_encoder"));
  g_clear_error (&error);
  g_assert_true (fl_run_save_model (gru, path, &error));
  patch_file (path, "max_tokens\\\": 32", "max_tokens\\\":  0");
  pred = fl_predictor_load (path, &error);
  g_assert_null (pred);
  g_assert_nonnull (strstr (error->message, "maximum tokens"));
  g_clear_error (&error);
  /* bench/'s export of bags cannot hold a GRU run's texts */
  g_assert_false (fl_run_export (gru, path, &error));
  g_assert_nonnull (strstr (error->message, "cannot export a GRU run"));
  g_remove (path);
  g_rmdir (dir);
}

/* The mean of the states: a model file names it ("text_pool": "mean") and
 * predicts after loading as before; a last-state model's file does not,
 * as no file did before poolings, and opens as the last state; an unknown
 * pooling is one clear error naming the file. */
static void
test_mean_pool_files (void)
{
  g_auto(GStrv) texts = NULL;
  g_autoptr(FlDataset) ds = order_dataset (&texts);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-gru-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.fl", NULL);
  const char *probe[] = { "", "plum", "red green", "green red blue plum red" };
  const int n = G_N_ELEMENTS (probe);
  g_autofree guint8 *images = g_new0 (guint8, n * 3 * 4 * 4);
  float before[G_N_ELEMENTS (probe) * 2], after[G_N_ELEMENTS (probe) * 2];
  FlEpochStats e[2];
  g_autoptr(FlRun) last = train (ds, FL_TEXT_GRU, 1, 1, e);
  g_autoptr(FlRun) mean = NULL;
  g_autoptr(FlSafetensors) st = NULL;
  FlTrainSettings s;
  FlPredictor *pred;

  g_assert_true (fl_run_save_model (last, path, &error));
  st = fl_safetensors_load (path, &error);
  g_assert_null (strstr (fl_safetensors_metadata (st, "config"), "text_pool"));
  pred = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_model_config (fl_predictor_model (pred))->text_pool, ==, FL_TEXT_POOL_LAST);
  fl_predictor_free (pred);

  settings (&s, FL_TEXT_GRU, 1);
  s.epochs = 3;
  s.text_pool = FL_TEXT_POOL_MEAN;
  mean = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (mean, &(FlTrainCallbacks) { NULL, on_epoch, e }, NULL, &error));
  g_assert_true (fl_run_save_model (mean, path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&st, fl_safetensors_free);
  st = fl_safetensors_load (path, &error);
  g_assert_nonnull (strstr (fl_safetensors_metadata (st, "config"), "\"text_pool\": \"mean\""));
  pred = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_model_config (fl_predictor_model (pred))->text_pool, ==, FL_TEXT_POOL_MEAN);
  fl_predictor_predict (pred, images, probe, n, before);
  fl_predictor_free (pred);
  pred = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  fl_predictor_predict (pred, images, probe, n, after);
  g_assert_cmpmem (before, sizeof before, after, sizeof after);
  fl_predictor_free (pred);

  patch_file (path, "\\\"mean\\\"", "\\\"mode\\\"");
  pred = fl_predictor_load (path, &error);
  g_assert_null (pred);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "text_pool"));
  g_remove (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gru-model/word-order", test_word_order);
  g_test_add_func ("/gru-model/threads-same-bits", test_threads_same_bits);
  g_test_add_func ("/gru-model/round-trip", test_round_trip);
  g_test_add_func ("/gru-model/old-and-bad-files", test_old_and_bad_files);
  g_test_add_func ("/gru-model/mean-pool-files", test_mean_pool_files);
  return g_test_run ();
}
