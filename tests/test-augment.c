/* SPDX-License-Identifier: MIT
 *
 * Augmentation (fl-augment.h, issue 18): the draws are a function of
 * (seed, epoch, sample) alone and within their ranges; the identity draw
 * gives the picture back, a flip mirrors it exactly, brightness and
 * contrast follow their formula; a run that augments repeats bit for bit,
 * gives the same weights on 1 and 2 threads, differs from one that does
 * not, and never augments what it validates on. Model and experiment
 * files keep the fit and the augmentation, and files from before both
 * still open (tests/data/experiment-before-fit.json was written by the
 * version before them).
 */
#include "fl-augment.h"
#include "fl-experiment.h"
#include "fl-predictor.h"
#include "fl-safetensors.h"
#include "fl-trainer.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define S 8
#define IMG (3 * S * S)

static void
random_picture (guint8 *px, guint32 seed)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);

  for (int k = 0; k < IMG; k++)
    px[k] = (guint8) g_rand_int_range (rng, 0, 256);
}

static void
test_draws (void)
{
  FlAugmentDraw a, b;
  int flips = 0, cropped = 0, n = 4000;

  fl_augment_draw (&a, 42, 3, 17, 64);
  fl_augment_draw (&b, 42, 3, 17, 64);
  g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
  for (int i = 0; i < n; i++)
    {
      FlAugmentDraw d;
      double area;

      fl_augment_draw (&d, 42, 1 + i % 5, i / 5, 64);
      flips += d.flip;
      area = (double) d.w * d.h / (64.0 * 64.0);
      cropped += d.w < 64 || d.h < 64;
      g_assert_cmpint (d.x, >=, 0);
      g_assert_cmpint (d.y, >=, 0);
      g_assert_cmpint (d.x + d.w, <=, 64);
      g_assert_cmpint (d.y + d.h, <=, 64);
      /* rounding the sides may take the area a little out of [0.5, 1] */
      g_assert_cmpfloat (area, >=, 0.45);
      g_assert_cmpfloat ((double) d.w / d.h, >=, 0.70);
      g_assert_cmpfloat ((double) d.w / d.h, <=, 1.40);
      g_assert_cmpfloat (fabs (d.brightness - 1.0), <=, FL_AUGMENT_JITTER + 1e-6);
      g_assert_cmpfloat (fabs (d.contrast - 1.0), <=, FL_AUGMENT_JITTER + 1e-6);
    }
  /* half flipped: 2000 ± 4 sd (sd = √(4000/4) ≈ 32) */
  g_assert_cmpint (ABS (flips - n / 2), <, 130);
  g_assert_cmpint (cropped, >, n * 9 / 10);

  /* each key part changes the draws */
  fl_augment_draw (&b, 43, 3, 17, 64);
  g_assert_true (memcmp (&a, &b, sizeof a) != 0);
  fl_augment_draw (&b, 42, 4, 17, 64);
  g_assert_true (memcmp (&a, &b, sizeof a) != 0);
  fl_augment_draw (&b, 42, 3, 18, 64);
  g_assert_true (memcmp (&a, &b, sizeof a) != 0);
}

static void
test_apply (void)
{
  guint8 in[IMG], out[IMG];
  FlAugmentDraw id = { .flip = FALSE, .x = 0, .y = 0, .w = S, .h = S, .brightness = 1, .contrast = 1 };
  FlAugmentDraw d;
  double grey = 0;

  random_picture (in, 5);
  fl_augment_apply (out, in, S, &id);
  g_assert_cmpmem (out, IMG, in, IMG);

  d = id;
  d.flip = TRUE;
  fl_augment_apply (out, in, S, &d);
  for (int c = 0; c < 3; c++)
    for (int y = 0; y < S; y++)
      for (int x = 0; x < S; x++)
        g_assert_cmpint (out[(c * S + y) * S + x], ==, in[(c * S + y) * S + S - 1 - x]);

  /* the top-left quarter, at scale 2 upwards: output (0, 0) is the source
   * pixel (0, 0) (src -0.25 clamped), output (1, 1) three quarters of it */
  d = id;
  d.w = d.h = S / 2;
  fl_augment_apply (out, in, S, &d);
  g_assert_cmpint (out[0], ==, in[0]);

  /* brightness 1.1, contrast 0.9: x'' = 0.99·x + 0.1·1.1·m, m the mean grey */
  d = id;
  d.brightness = 1.1f;
  d.contrast = 0.9f;
  for (int k = 0; k < S * S; k++)
    grey += 0.299 * in[k] + 0.587 * in[S * S + k] + 0.114 * in[2 * S * S + k];
  grey /= S * S;
  fl_augment_apply (out, in, S, &d);
  for (int k = 0; k < IMG; k++)
    {
      double want = (double) d.contrast * d.brightness * in[k] + (1.0 - d.contrast) * d.brightness * grey;
      g_assert_cmpfloat (fabs (out[k] - CLAMP (want, 0, 255)), <=, 0.5 + 1e-3);
    }
}

/* Two classes told apart by the left half's brightness, and one word. */
static FlDataset *
make_dataset (void)
{
  enum { N = 64 };
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  g_autofree guint8 *images = g_new (guint8, N * IMG);
  const char *texts[N], *labels[N];

  for (int i = 0; i < N; i++)
    {
      random_picture (images + i * IMG, (guint32) i + 100);
      for (int k = 0; k < IMG; k++)
        if (k % S < S / 2)
          images[i * IMG + k] = (guint8) ((i % 2) ? 200 + k % 50 : k % 50);
      texts[i] = (i % 2) ? (g_rand_boolean (rng) ? "light" : "bright") : "dark";
      labels[i] = (i % 2) ? "light" : "dark";
    }
  return fl_dataset_new_from_memory (N, S, images, texts, labels);
}

static float *
trained (FlDataset *ds, gboolean augment, int threads, FlRun **keep)
{
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;
  FlRun *run;
  float *params;

  fl_train_settings_init_default (&s);
  s.epochs = 2;
  s.batch_size = 16;
  s.feat_dim = 16;
  s.n_threads = threads;
  s.augment = augment;
  run = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (run, NULL, NULL, &error));
  g_assert_no_error (error);
  params = g_memdup2 (fl_model_params (fl_run_model (run)), sizeof (float) * fl_model_n_params (fl_run_model (run)));
  if (keep != NULL)
    *keep = run;
  else
    fl_run_free (run);
  return params;
}

static void
test_run (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) run = NULL;
  g_autofree float *a1 = trained (ds, TRUE, 1, &run);
  g_autofree float *a2 = trained (ds, TRUE, 2, NULL);
  g_autofree float *again = trained (ds, TRUE, 1, NULL);
  g_autofree float *off = trained (ds, FALSE, 1, NULL);
  const gsize np = fl_model_n_params (fl_run_model (run)) * sizeof (float);
  g_autoptr(FlPredictor) pred = fl_run_predictor (run);
  g_autofree guint8 *images = NULL;
  g_autofree float *probs = NULL;
  const char **texts;
  const gint32 *vi;
  int nv, C = ds->n_classes;

  g_assert_cmpmem (a1, np, a2, np);
  g_assert_cmpmem (a1, np, again, np);
  g_assert_true (memcmp (a1, off, np) != 0);

  /* validation is not augmented: the run's probabilities are those of a
   * predictor (which never augments) on the plain validation pictures */
  vi = fl_run_val_indices (run, &nv);
  images = g_new (guint8, (gsize) nv * IMG);
  texts = g_new (const char *, nv);
  for (int i = 0; i < nv; i++)
    {
      memcpy (images + (gsize) i * IMG, ds->images + (gsize) vi[i] * IMG, IMG);
      texts[i] = ds->texts[vi[i]];
    }
  probs = g_new (float, (gsize) nv * C);
  fl_predictor_predict (pred, images, texts, nv, probs);
  for (int k = 0; k < nv * C; k++)
    g_assert_cmpfloat (fabsf (probs[k] - fl_run_val_probs (run)[k]), <, 1e-5f);
  g_free (texts);
}

/* A model file of a run on ds with augment: its fit read back by the
 * predictor, its "augment" line there when it augmented. */
static void
assert_model_file (FlDataset *ds, gboolean augment, FlImageFit fit)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-augment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.safetensors", NULL);
  g_autoptr(FlRun) run = NULL;
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(FlSafetensors) st = NULL;
  g_autofree float *params = NULL;

  ds->image_fit = fit;
  params = trained (ds, augment, 1, &run);
  g_assert_true (fl_run_save_model (run, path, &error));
  g_assert_no_error (error);
  pred = fl_predictor_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_predictor_image_fit (pred), ==, fit);
  st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);
  /* a squashing model without augmentation writes what files had before */
  g_assert_cmpstr (fl_safetensors_metadata (st, "augment"), ==, augment ? fl_augment_describe () : NULL);
  g_assert_cmpstr (fl_safetensors_metadata (st, "image_fit"), ==,
                   fit == FL_IMAGE_FIT_SQUASH ? NULL : fl_image_fit_to_string (fit));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_model_file (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();

  assert_model_file (ds, FALSE, FL_IMAGE_FIT_SQUASH);
  assert_model_file (ds, TRUE, FL_IMAGE_FIT_CROP);
  assert_model_file (ds, FALSE, FL_IMAGE_FIT_PAD);
}

static void
test_experiment_file (void)
{
  g_autofree char *old = g_test_build_filename (G_TEST_DIST, "data", "experiment-before-fit.json", NULL);
  g_autofree char *dir = g_dir_make_tmp ("fl-augment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "e.json", NULL);
  g_autofree char *text = NULL, *bad = NULL;
  g_auto(FlExperimentData) data = { 0 }, again = { 0 };
  g_autoptr(FlComparison) cmp = NULL, back = NULL;
  g_autoptr(GError) error = NULL;
  FlTrainSettings s;

  cmp = fl_experiment_load (old, &data, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (data.image_fit, ==, FL_IMAGE_FIT_SQUASH);
  g_assert_false (fl_comparison_base_settings (cmp)->augment);
  g_assert_cmpint (fl_comparison_result (cmp, 0)->image_fit, ==, FL_IMAGE_FIT_SQUASH);

  /* written with crop and augmentation, read back so */
  data.image_fit = FL_IMAGE_FIT_CROP;
  s = *fl_comparison_base_settings (cmp);
  s.augment = TRUE;
  g_clear_pointer (&cmp, fl_comparison_free);
  cmp = fl_comparison_new (NULL, &s);
  fl_comparison_add_settings (cmp, &s);
  fl_comparison_result (cmp, 0)->image_fit = FL_IMAGE_FIT_PAD;
  g_assert_true (fl_experiment_save (path, &data, cmp, NULL, &error));
  g_assert_no_error (error);
  back = fl_experiment_load (path, &again, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again.image_fit, ==, FL_IMAGE_FIT_CROP);
  g_assert_true (fl_comparison_base_settings (back)->augment);
  g_assert_true (fl_comparison_result (back, 0)->settings.augment);
  g_assert_cmpint (fl_comparison_result (back, 0)->image_fit, ==, FL_IMAGE_FIT_PAD);

  /* an unknown fit is refused, naming the file */
  g_clear_pointer (&back, fl_comparison_free);
  fl_experiment_data_clear (&again);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  bad = g_strdup (text);
  memcpy (strstr (bad, "\"crop\""), "\"pipe\"", 6);
  g_assert_true (g_file_set_contents (path, bad, -1, NULL));
  back = fl_experiment_load (path, &again, NULL, &error);
  g_assert_null (back);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "image_fit"));
  g_assert_nonnull (strstr (error->message, "e.json"));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/augment/draws", test_draws);
  g_test_add_func ("/augment/apply", test_apply);
  g_test_add_func ("/augment/run", test_run);
  g_test_add_func ("/augment/model-file", test_model_file);
  g_test_add_func ("/augment/experiment-file", test_experiment_file);
  return g_test_run ();
}
