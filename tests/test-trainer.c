/* SPDX-License-Identifier: MIT
 *
 * The trainer: determinism for a seed, cancellation between batches, the NaN
 * stop that keeps the last good weights, k-fold, and model files (save,
 * load, predict the same probabilities, corrupt files refused).
 */
#include "fl-inputs.h"
#include "fl-predictor.h"
#include "fl-safetensors.h"
#include "fl-trainer.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define N_SAMPLES 96
#define S 8

/* Two classes told apart by the brightness of the image and one word. */
static FlDataset *
make_dataset (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  g_autofree guint8 *images = g_new (guint8, N_SAMPLES * 3 * S * S);
  const char *texts[N_SAMPLES], *labels[N_SAMPLES];
  static const char *const words[] = { "red apple", "green pear", "a red one", "some green" };

  for (int i = 0; i < N_SAMPLES; i++)
    {
      int c = i % 2;
      for (int k = 0; k < 3 * S * S; k++)
        images[i * 3 * S * S + k] = (guint8) (c ? g_rand_int_range (rng, 128, 256)
                                                : g_rand_int_range (rng, 0, 128));
      texts[i] = words[c + 2 * g_rand_int_range (rng, 0, 2)];
      labels[i] = c ? "light" : "dark";
    }
  return fl_dataset_new_from_memory (N_SAMPLES, S, images, texts, labels);
}

static void
small_settings (FlTrainSettings *s)
{
  fl_train_settings_init_default (s);
  s->epochs = 3;
  s->batch_size = 16;
  s->feat_dim = 16;
  s->n_threads = 2;
}

typedef struct {
  GArray       *epochs;      /* FlEpochStats */
  int           batches;
  int           cancel_at;   /* cancel in the callback of this batch */
  GCancellable *cancellable;
  FlRun        *run;
  int           poison_at_epoch;
  float        *good;        /* params after the poisoned epoch's predecessor */
} Log;

static void
batch_cb (const FlBatchStats *st, gpointer data)
{
  Log *log = data;
  log->batches++;
  g_assert_true (isfinite (st->loss));
  g_assert_cmpint (st->batch, >=, 1);
  g_assert_cmpint (st->batch, <=, st->n_batches);
  if (log->cancel_at > 0 && log->batches == log->cancel_at)
    g_cancellable_cancel (log->cancellable);
}

static void
epoch_cb (const FlEpochStats *st, gpointer data)
{
  Log *log = data;
  g_array_append_val (log->epochs, *st);
  if (log->poison_at_epoch > 0 && st->epoch == log->poison_at_epoch)
    {
      FlModel *m = fl_run_model (log->run);
      log->good = g_memdup2 (fl_model_params (m), sizeof (float) * fl_model_n_params (m));
      /* the next forward pass meets a NaN weight */
      fl_model_params (m)[fl_model_tensor (m, FL_P_HEAD2_B)->offset] = NAN;
    }
}

static void
test_deterministic (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;
  g_autoptr(FlRun) a = NULL, b = NULL, c = NULL;
  Log la = { .epochs = g_array_new (FALSE, FALSE, sizeof (FlEpochStats)) };
  Log lb = { .epochs = g_array_new (FALSE, FALSE, sizeof (FlEpochStats)) };
  FlTrainCallbacks cba = { batch_cb, epoch_cb, &la }, cbb = { batch_cb, epoch_cb, &lb };
  gsize np;

  small_settings (&s);
  a = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  b = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (a, &cba, NULL, &error));
  g_assert_true (fl_run_train (b, &cbb, NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (la.epochs->len, ==, 3);
  g_assert_cmpint (la.batches, ==, 3 * ((int) (N_SAMPLES * 0.8 + 15) / 16));
  np = fl_model_n_params (fl_run_model (a));
  g_assert_cmpmem (fl_model_params (fl_run_model (a)), np * sizeof (float),
                   fl_model_params (fl_run_model (b)), np * sizeof (float));
  for (guint e = 0; e < la.epochs->len; e++)
    {
      FlEpochStats *x = &g_array_index (la.epochs, FlEpochStats, e);
      FlEpochStats *y = &g_array_index (lb.epochs, FlEpochStats, e);
      g_assert_cmpfloat (x->train_loss, ==, y->train_loss);
      g_assert_cmpfloat (x->val_loss, ==, y->val_loss);
      g_assert_cmpfloat (x->val_acc, ==, y->val_acc);
    }
  /* the loss goes down on data this easy */
  g_assert_cmpfloat (g_array_index (la.epochs, FlEpochStats, 2).train_loss, <,
                     g_array_index (la.epochs, FlEpochStats, 0).train_loss);

  /* another seed: another split, initialisation and order */
  s.seed = 7;
  c = fl_run_new (ds, &s, &error);
  g_assert_true (fl_run_train (c, NULL, NULL, &error));
  g_assert_true (memcmp (fl_model_params (fl_run_model (a)), fl_model_params (fl_run_model (c)),
                         np * sizeof (float)) != 0);
  g_array_unref (la.epochs);
  g_array_unref (lb.epochs);
}

/* The parameters after training with these settings on 1 to 3 threads:
 * the same bits. */
static void
assert_threads_same_bits (FlDataset *ds, const FlTrainSettings *base)
{
  g_autoptr(GError) error = NULL;
  g_autofree float *ref = NULL;
  gsize np = 0;

  for (int threads = 1; threads <= 3; threads++)
    {
      FlTrainSettings s = *base;
      g_autoptr(FlRun) run = NULL;
      s.n_threads = threads;
      run = fl_run_new (ds, &s, &error);
      g_assert_no_error (error);
      g_assert_true (fl_run_train (run, NULL, NULL, &error));
      np = fl_model_n_params (fl_run_model (run));
      if (ref == NULL)
        ref = g_memdup2 (fl_model_params (fl_run_model (run)), np * sizeof (float));
      else
        g_assert_cmpmem (ref, np * sizeof (float), fl_model_params (fl_run_model (run)), np * sizeof (float));
    }
}

/* The same bits whatever the number of threads: the default route, the
 * three with fusion parameters or heads of their own, and modality dropout. */
static void
test_threads_same_bits (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  const FlFusion routes[] = { FL_FUSION_CONCAT, FL_FUSION_GATED, FL_FUSION_LATE, FL_FUSION_LOWRANK };
  FlTrainSettings s;

  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      small_settings (&s);
      s.fusion = routes[i];
      g_test_message ("%s", fl_fusion_to_string (s.fusion));
      assert_threads_same_bits (ds, &s);
    }
  small_settings (&s);
  s.fusion = FL_FUSION_GATED;
  s.modality_dropout = 0.3;
  assert_threads_same_bits (ds, &s);
}

/* The parameters of a run of s, trained; free with g_free(). */
static float *
trained_params (FlDataset *ds, const FlTrainSettings *s, gsize *np)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = fl_run_new (ds, s, &error);

  g_assert_no_error (error);
  g_assert_true (fl_run_train (run, NULL, NULL, &error));
  *np = fl_model_n_params (fl_run_model (run));
  return g_memdup2 (fl_model_params (fl_run_model (run)), *np * sizeof (float));
}

/* Modality dropout: the same seed gives the same bits, and training
 * differs from that without it; a unimodal route ignores it; p is checked. */
static void
test_modality_dropout (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  g_autofree float *a = NULL, *b = NULL, *off = NULL, *img = NULL, *img_drop = NULL;
  FlTrainSettings s;
  gsize n1, n2, n3;

  small_settings (&s);
  s.modality_dropout = 0.5;
  a = trained_params (ds, &s, &n1);
  b = trained_params (ds, &s, &n2);
  g_assert_cmpmem (a, n1 * sizeof (float), b, n2 * sizeof (float));
  s.modality_dropout = 0.0;
  off = trained_params (ds, &s, &n3);
  g_assert_cmpuint (n3, ==, n1);
  g_assert_true (memcmp (a, off, n1 * sizeof (float)) != 0);

  /* the image route has one branch: nothing to drop */
  s.fusion = FL_FUSION_IMAGE;
  img = trained_params (ds, &s, &n1);
  s.modality_dropout = 0.5;
  img_drop = trained_params (ds, &s, &n2);
  g_assert_cmpmem (img, n1 * sizeof (float), img_drop, n2 * sizeof (float));

  s.modality_dropout = 0.6;
  g_assert_false (fl_train_settings_validate (&s, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
}

/* The rank setting reaches the lowrank model (R factors of (D, D+1) per
 * branch) and is checked; the other routes ignore it. */
static void
test_rank (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;
  gsize n8, n3;

  small_settings (&s);
  s.fusion = FL_FUSION_LOWRANK;
  g_assert_cmpint (s.rank, ==, 8);
  {
    g_autoptr(FlRun) run = fl_run_new (ds, &s, &error);
    g_assert_no_error (error);
    n8 = fl_model_n_params (fl_run_model (run));
    g_assert_cmpint (fl_model_config (fl_run_model (run))->rank, ==, 8);
  }
  s.rank = 3;
  {
    g_autoptr(FlRun) run = fl_run_new (ds, &s, &error);
    g_assert_no_error (error);
    n3 = fl_model_n_params (fl_run_model (run));
  }
  g_assert_cmpuint (n8 - n3, ==, (gsize) 2 * 5 * s.feat_dim * (s.feat_dim + 1));
  {
    g_autofree char *text = fl_train_settings_describe (&s);
    g_assert_nonnull (strstr (text, " · rank 3"));
  }
  s.rank = 0;
  g_assert_false (fl_train_settings_validate (&s, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  s.rank = FL_MAX_RANK + 1;
  g_assert_false (fl_train_settings_validate (&s, &error));
}

static void
test_cancel (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  FlTrainSettings s;
  g_autoptr(FlRun) run = NULL;
  Log log = { .epochs = g_array_new (FALSE, FALSE, sizeof (FlEpochStats)),
              .cancel_at = 2, .cancellable = cancellable };
  FlTrainCallbacks cb = { batch_cb, epoch_cb, &log };

  small_settings (&s);
  run = fl_run_new (ds, &s, &error);
  g_assert_false (fl_run_train (run, &cb, cancellable, &error));
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  /* stopped before the next batch: exactly two ran, no epoch finished */
  g_assert_cmpint (log.batches, ==, 2);
  g_assert_cmpint (log.epochs->len, ==, 0);
  g_array_unref (log.epochs);
}

static void
test_nan_keeps_last_good (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;
  g_autoptr(FlRun) run = NULL;
  Log log = { .epochs = g_array_new (FALSE, FALSE, sizeof (FlEpochStats)), .poison_at_epoch = 1 };
  FlTrainCallbacks cb = { batch_cb, epoch_cb, &log };
  FlModel *m;

  small_settings (&s);
  run = fl_run_new (ds, &s, &error);
  log.run = run;
  g_assert_false (fl_run_train (run, &cb, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_NUMERIC);
  g_assert_nonnull (strstr (error->message, "NaN"));
  g_assert_nonnull (strstr (error->message, "epoch 2"));
  g_assert_cmpstr (error->message, ==, "the loss became NaN at epoch 2, batch 1; training stopped and "
                   "the weights of the last good epoch were kept. Try a smaller learning rate.");
  g_assert_cmpint (log.epochs->len, ==, 1);
  /* the weights are those of the end of epoch 1, not the poisoned ones */
  m = fl_run_model (run);
  g_assert_cmpmem (fl_model_params (m), fl_model_n_params (m) * sizeof (float),
                   log.good, fl_model_n_params (m) * sizeof (float));
  g_free (log.good);
  g_array_unref (log.epochs);
}

static void
test_kfold (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;
  int n_val = 0, n_train = 0;
  g_autoptr(FlRun) run = NULL;

  small_settings (&s);
  s.kfold = 4;
  s.fold = 1;
  run = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  fl_run_val_indices (run, &n_val);
  fl_run_train_indices (run, &n_train);
  g_assert_cmpint (n_val, ==, N_SAMPLES / 4);
  g_assert_cmpint (n_train, ==, N_SAMPLES - N_SAMPLES / 4);

  s.fold = 4;   /* out of range */
  g_assert_null (fl_run_new (ds, &s, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
}

/* pred, loaded from run's model file, predicts what run predicted on its
 * validation samples. */
static void
assert_predicts_as_run (FlPredictor *pred, FlRun *run, FlDataset *ds)
{
  int n_val, C = ds->n_classes;
  const gint32 *vi = fl_run_val_indices (run, &n_val);
  g_autofree guint8 *images = g_new (guint8, n_val * 3 * S * S);
  g_autofree const char **texts = g_new (const char *, n_val);
  g_autofree float *probs = g_new (float, n_val * C);

  for (int i = 0; i < n_val; i++)
    {
      memcpy (images + i * 3 * S * S, ds->images + vi[i] * 3 * S * S, 3 * S * S);
      texts[i] = ds->texts[vi[i]];
    }
  fl_predictor_predict (pred, images, texts, n_val, probs);
  for (int i = 0; i < n_val * C; i++)
    g_assert_cmpfloat_with_epsilon (probs[i], fl_run_val_probs (run)[i], 1e-6);
}

/* A run of this fusion, trained, saved to path and loaded back. */
static void
check_model_file (FlDataset *ds, FlFusion fusion, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = NULL;
  g_autoptr(FlPredictor) pred = NULL;
  FlTrainSettings s;

  small_settings (&s);
  s.fusion = fusion;
  s.epochs = 1;
  run = fl_run_new (ds, &s, &error);
  g_assert_true (fl_run_train (run, NULL, NULL, &error));
  fl_run_evaluate (run);
  g_assert_true (fl_run_save_model (run, path, &error));
  g_assert_no_error (error);

  pred = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_predictor_image_size (pred), ==, S);
  g_assert_cmpstr (fl_predictor_class_names (pred)[0], ==, "dark");
  g_assert_cmpstr (fl_predictor_class_names (pred)[1], ==, "light");
  g_assert_cmpint (fl_model_config (fl_predictor_model (pred))->fusion, ==, fusion);
  assert_predicts_as_run (pred, run, ds);
}

/* A truncated copy of the model file at path and a foreign file, both
 * written to bad, are refused, naming the file. */
static void
assert_bad_files_refused (const char *path, const char *bad)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  float x = 1;
  FlStTensor t = { "x", 1, { 1 }, &x };

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (bad, contents, (gssize) len - 100, NULL));
  g_assert_null (fl_predictor_load (bad, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "bad.safetensors"));
  g_clear_error (&error);
  /* valid safetensors, but not a Fusion Lab model */
  g_assert_true (fl_safetensors_save (bad, &t, 1, NULL, NULL));
  g_assert_null (fl_predictor_load (bad, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "not a Fusion Lab model"));
}

static void
test_model_file (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autofree char *dir = g_dir_make_tmp ("fl-trainer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.safetensors", NULL);

  FlFusion routes[FL_N_FUSIONS];
  int n = fl_train_routes (FL_BRANCHES_IMAGE_TEXT, routes);

  g_assert_cmpint (n, ==, FL_N_FUSIONS - 2);
  for (int i = 0; i < n; i++)
    check_model_file (ds, routes[i], path);
  assert_bad_files_refused (path, bad);

  g_remove (path);
  g_remove (bad);
  g_rmdir (dir);
}

/* make_dataset() with a spectrogram per sample (8 bands × 16 frames, log-mel
 * sized, its loud half of the bands the class) and two numeric columns
 * (the first the class, far from 0; the second empty now and then): data
 * on which the audio and numeric baselines can learn. */
static FlDataset *
make_dataset_all (void)
{
  FlDataset *ds = make_dataset ();
  g_autoptr(GRand) rng = g_rand_new_with_seed (4);
  const int M = 8, T = 16;

  ds->audio_mels = M;
  ds->audio_frames = T;
  ds->audio = g_new (float, (gsize) ds->n * M * T);
  ds->n_numeric = 2;
  ds->numeric = g_new (float, (gsize) ds->n * 2);
  ds->numeric_names = g_strsplit ("height,weight", ",", -1);
  for (int i = 0; i < ds->n; i++)
    {
      int c = ds->labels[i];
      for (int m = 0; m < M; m++)
        for (int t = 0; t < T; t++)
          ds->audio[((gsize) i * M + m) * T + t] = -14.0f + (float) g_rand_double_range (rng, -1, 1)
                                                   + ((m < M / 2) == c ? 3.0f : 0.0f);
      ds->numeric[i * 2] = 100.0f + 20.0f * c + (float) g_rand_double_range (rng, -5, 5);
      ds->numeric[i * 2 + 1] = g_rand_int_range (rng, 0, 4) == 0 ? NAN : (float) g_rand_double (rng);
    }
  return ds;
}

/* Every route trains on data of four branches: the audio and numeric
 * baselines learn their branch, a four-branch run is the same bits on one
 * thread and on two, and its model file predicts what it predicted. */
static void
test_four_branches (void)
{
  g_autoptr(FlDataset) ds = make_dataset_all ();
  g_autofree char *dir = g_dir_make_tmp ("fl-trainer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.safetensors", NULL);
  FlFusion routes[FL_N_FUSIONS];
  int n = fl_train_routes (fl_dataset_branches (ds), routes);

  g_assert_cmpint (n, ==, FL_N_FUSIONS);
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FlRun) run = NULL, again = NULL;
      g_autoptr(FlPredictor) pred = NULL;
      g_autofree float *probs = g_new (float, ds->n * 2);
      FlTrainSettings s;
      int n_val;
      const gint32 *vi;

      small_settings (&s);
      s.fusion = routes[i];
      s.modality_dropout = 0.2;
      run = fl_run_new (ds, &s, &error);
      g_assert_no_error (error);
      g_assert_true (fl_run_train (run, NULL, NULL, &error));
      g_test_message ("%s: val acc %.3f", fl_fusion_to_string (routes[i]),
                      fl_metrics_accuracy (fl_run_metrics (run)));
      if (routes[i] == FL_FUSION_AUDIO || routes[i] == FL_FUSION_NUMERIC)
        g_assert_cmpfloat (fl_metrics_accuracy (fl_run_metrics (run)), >=, 0.9);
      s.n_threads = 1;
      again = fl_run_new (ds, &s, &error);
      g_assert_true (fl_run_train (again, NULL, NULL, &error));
      g_assert_cmpmem (fl_model_params (fl_run_model (run)), fl_model_n_params (fl_run_model (run)) * 4,
                       fl_model_params (fl_run_model (again)), fl_model_n_params (fl_run_model (again)) * 4);

      g_assert_true (fl_run_save_model (run, path, &error));
      pred = fl_predictor_load (path, &error);
      g_assert_no_error (error);
      g_assert_true (fl_predictor_predict_dataset (pred, ds, probs, &error));
      vi = fl_run_val_indices (run, &n_val);
      for (int k = 0; k < n_val; k++)
        for (int c = 0; c < 2; c++)
          g_assert_cmpfloat_with_epsilon (probs[vi[k] * 2 + c], fl_run_val_probs (run)[k * 2 + c], 1e-6);
    }
  g_remove (path);
  g_rmdir (dir);
}

/* A batch whose slices' conv maps outgrow the pooling's 32-bit arg-maxes
 * is refused with a message, before any model is made: at S = 1024 (conv1
 * 32 channels, 33.5 M floats a picture) at most 8 × 63 = 504. */
static void
test_batch_too_large (void)
{
  enum { N = 4, BIG = 1024 };
  g_autofree guint8 *images = g_new0 (guint8, (gsize) N * 3 * BIG * BIG);
  const char *texts[N] = { "a", "b", "c", "d" }, *labels[N] = { "x", "y", "x", "y" };
  g_autoptr(FlDataset) ds = fl_dataset_new_from_memory (N, BIG, images, texts, labels);
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;
  FlConfig cfg;

  fl_config_init_default (&cfg);
  cfg.image_size = BIG;
  g_assert_cmpint (fl_config_max_batch (&cfg), ==, 504);
  cfg.image_size = 64;
  g_assert_cmpint (fl_config_max_batch (&cfg), >, 65536);
  small_settings (&s);
  s.batch_size = 505;
  s.val_fraction = 0.5;
  g_assert_null (fl_run_new (ds, &s, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "504"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/trainer/deterministic", test_deterministic);
  g_test_add_func ("/trainer/threads-same-bits", test_threads_same_bits);
  g_test_add_func ("/trainer/modality-dropout", test_modality_dropout);
  g_test_add_func ("/trainer/rank", test_rank);
  g_test_add_func ("/trainer/cancel", test_cancel);
  g_test_add_func ("/trainer/nan-keeps-last-good", test_nan_keeps_last_good);
  g_test_add_func ("/trainer/kfold", test_kfold);
  g_test_add_func ("/trainer/four-branches", test_four_branches);
  g_test_add_func ("/trainer/model-file", test_model_file);
  g_test_add_func ("/trainer/batch-too-large", test_batch_too_large);
  return g_test_run ();
}
