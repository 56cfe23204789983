/* SPDX-License-Identifier: MIT
 *
 * Why fusion wins (issue 12): principal components on data whose axes are
 * known; modality reliance, exactly none for a modality a route does not
 * read; the feature map of a trained run, deterministic; and, on data where
 * the picture tells one half of the class and the text the other, fusion
 * rescuing the samples its two baselines each get wrong.
 */
#include "fl-insight.h"

#include <math.h>
#include <string.h>

#define N_SAMPLES 160
#define S 8

/* Four classes, "dark-a", "dark-b", "light-a", "light-b": the picture tells
 * dark from light (its brightness), the text a from b (one word). */
static FlDataset *
make_dataset (void)
{
  static const char *const names[] = { "dark-a", "dark-b", "light-a", "light-b" };
  static const char *const words[] = { "alpha here", "beta here", "an alpha", "a beta" };
  g_autoptr(GRand) rng = g_rand_new_with_seed (5);
  g_autofree guint8 *images = g_new (guint8, N_SAMPLES * 3 * S * S);
  const char *texts[N_SAMPLES], *labels[N_SAMPLES];

  for (int i = 0; i < N_SAMPLES; i++)
    {
      int c = i % 4, light = c / 2, word = c % 2;
      for (int k = 0; k < 3 * S * S; k++)
        images[i * 3 * S * S + k] = (guint8) (light ? g_rand_int_range (rng, 128, 256)
                                                    : g_rand_int_range (rng, 0, 128));
      texts[i] = words[word + 2 * g_rand_int_range (rng, 0, 2)];
      labels[i] = names[c];
    }
  return fl_dataset_new_from_memory (N_SAMPLES, S, images, texts, labels);
}

static FlRun *
train (FlDataset *ds, FlFusion fusion, int epochs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = NULL;
  FlTrainSettings s;

  fl_train_settings_init_default (&s);
  s.fusion = fusion;
  s.epochs = epochs;
  s.batch_size = 16;
  s.feat_dim = 16;
  s.n_threads = 2;
  run = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_run_train (run, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&run);
}

/* ---- principal components ---------------------------------------------------- */

static double
dot (const double *a, const float *b, int d)
{
  double s = 0.0;

  for (int j = 0; j < d; j++)
    s += a[j] * b[j];
  return s;
}

/* Points c + t·u + s·v in 5-D, t spread ten times wider than s, u ⊥ v:
 * the first axis is ±u, the second ±v, and they explain everything. */
static void
test_pca_line (void)
{
  enum { N = 200, D = 5 };
  const double u[D] = { 0.7, -0.5, 0.4, 0.3, 0.1 };                   /* unit */
  const double v[D] = { 0.5 / sqrt (0.74), 0.7 / sqrt (0.74), 0, 0, 0 };  /* unit, ⊥ u */
  const double c[D] = { 3.0, -1.0, 2.0, 0.5, 7.0 };
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);
  g_autoptr(GError) error = NULL;
  float x[N * D], proj[N * 2], axes[2 * D];
  double t[N], explained[2], tmean = 0.0;

  /* in pairs (t, s) and (t, -s): t and s uncorrelated exactly, so that
   * the axes are u and v themselves, not a sample's tilt of them */
  for (int i = 0; i < N; i++)
    {
      double s = (i % 2 ? -1.0 : 1.0) * (0.05 + 0.05 * (i / 2 % 3));
      t[i] = i % 2 ? t[i - 1] : g_rand_double_range (rng, -1.0, 1.0);
      tmean += t[i] / N;
      for (int j = 0; j < D; j++)
        x[i * D + j] = (float) (c[j] + t[i] * u[j] + s * v[j]);
    }
  g_assert_true (fl_pca (x, N, D, 2, proj, axes, explained, &error));
  g_assert_no_error (error);

  /* the axes are u and v, signs included: each has its largest component
   * positive, as fl_pca() turns them */
  for (int j = 0; j < D; j++)
    {
      g_assert_cmpfloat_with_epsilon (axes[j], u[j], 1e-4);
      g_assert_cmpfloat_with_epsilon (axes[D + j], v[j], 1e-4);
    }
  g_assert_cmpfloat_with_epsilon (dot (u, axes, D), 1.0, 1e-6);
  g_assert_cmpfloat (explained[0], >, explained[1]);
  g_assert_cmpfloat (explained[0], >, 0.95);
  g_assert_cmpfloat_with_epsilon (explained[0] + explained[1], 1.0, 1e-6);
  /* along the first axis each point sits at its t, centred */
  for (int i = 0; i < N; i++)
    g_assert_cmpfloat_with_epsilon (proj[i * 2], t[i] - tmean, 1e-4);
}

/* One dimension asked for two axes: the second is all 0; constant data
 * explains nothing; NaN and very wide data are refused. */
static void
test_pca_edges (void)
{
  const float line[4] = { 1, 2, 3, 4 }, flat[6] = { 2, 5, 2, 5, 2, 5 };
  float proj[4 * 2], axes[2 * 2];
  double explained[2];
  g_autofree float *wide = g_new0 (float, 4097);
  float bad[4] = { 1, NAN, 3, 4 };
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_pca (line, 4, 1, 2, proj, axes, explained, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (axes[0], ==, 1.0f);
  g_assert_cmpfloat (axes[1], ==, 0.0f);
  g_assert_cmpfloat (explained[0], ==, 1.0);
  g_assert_cmpfloat (explained[1], ==, 0.0);
  for (int i = 0; i < 4; i++)
    {
      g_assert_cmpfloat (proj[i * 2], ==, line[i] - 2.5f);
      g_assert_cmpfloat (proj[i * 2 + 1], ==, 0.0f);
    }

  g_assert_true (fl_pca (flat, 3, 2, 2, proj, NULL, explained, &error));
  g_assert_cmpfloat (explained[0], ==, 0.0);
  for (int i = 0; i < 3 * 2; i++)
    g_assert_cmpfloat (proj[i], ==, 0.0f);

  g_assert_false (fl_pca (bad, 2, 2, 2, proj, NULL, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_NUMERIC);
  g_clear_error (&error);
  g_assert_false (fl_pca (wide, 1, 4097, 2, proj, NULL, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
}

/* ---- reliance ------------------------------------------------------------------ */

/* Whether every validation sample got the same prediction from fn's
 * forward passes: what a model shows when both its inputs are constant. */
static void
all_same_cb (FlModel *model, const FlBatch *batch, int start, double loss, gpointer data)
{
  int *first = data, C = fl_model_config (model)->n_classes;

  for (int i = 0; i < batch->n; i++)
    {
      int p = fl_argmax (fl_model_probs (model) + i * C, C);
      if (*first < 0)
        *first = p;
      g_assert_cmpint (p, ==, *first);
    }
}

/* A unimodal run whose only modality is taken away sees one input for
 * every sample, and so predicts one class for all. */
static void
assert_constant_without (FlRun *run, FlAblation ablation)
{
  int first = -1;

  g_assert_true (fl_run_forward_validation (run, ablation, all_same_cb, &first, NULL, NULL));
  g_assert_cmpint (first, >=, 0);
}

static void
test_reliance_unimodal (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) image = train (ds, FL_FUSION_IMAGE, 4);
  g_autoptr(FlRun) text = train (ds, FL_FUSION_TEXT, 4);
  g_autoptr(GError) error = NULL;
  FlReliance ri, rt;

  g_assert_true (fl_run_reliance (image, &ri, NULL, &error));
  g_assert_true (fl_run_reliance (text, &rt, NULL, &error));
  g_assert_no_error (error);

  /* exactly: the route never reads the text (the pictures) */
  g_assert_cmpfloat (ri.acc_no_text, ==, ri.acc);
  g_assert_cmpfloat (ri.f1_no_text, ==, ri.f1);
  g_assert_cmpfloat (ri.acc_drop_text, ==, 0.0);
  g_assert_cmpfloat (ri.f1_drop_text, ==, 0.0);
  g_assert_cmpfloat (rt.acc_no_image, ==, rt.acc);
  g_assert_cmpfloat (rt.f1_no_image, ==, rt.f1);
  g_assert_cmpfloat (rt.acc_drop_image, ==, 0.0);

  /* the evaluation as it is agrees with the run's own */
  g_assert_cmpfloat (ri.acc, ==, fl_metrics_accuracy (fl_run_metrics (image)));
  g_assert_cmpfloat (rt.f1, ==, fl_metrics_macro_f1 (fl_run_metrics (text)));

  /* each reads half of the class, so with it gone it guesses one class for
   * every sample: a quarter of the balanced split */
  assert_constant_without (image, FL_ABLATE_IMAGE);
  assert_constant_without (text, FL_ABLATE_TEXT);
  g_assert_cmpfloat_with_epsilon (ri.acc_no_image, 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (rt.acc_no_text, 0.25, 1e-12);
  g_assert_cmpfloat (ri.acc_drop_image, >, 0.1);
  g_assert_cmpfloat (rt.acc_drop_text, >, 0.1);
}

/* Reliance leaves the run's metrics and validation probabilities as they
 * were, and stops when cancelled. */
static void
test_reliance_leaves_run (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) run = train (ds, FL_FUSION_CONCAT, 2);
  g_autoptr(FlValidation) before = fl_run_validation (run);
  g_autoptr(FlValidation) after = NULL;
  g_autoptr(GCancellable) cancel = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  double acc = fl_metrics_accuracy (fl_run_metrics (run));
  FlReliance r, untouched = { .acc = -1 };

  g_assert_true (fl_run_reliance (run, &r, NULL, &error));
  g_assert_cmpfloat (r.acc, ==, acc);
  g_assert_cmpfloat (r.acc_drop_image, ==, r.acc - r.acc_no_image);
  g_assert_cmpfloat (r.f1_drop_text, ==, r.f1 - r.f1_no_text);
  g_assert_cmpfloat (fl_metrics_accuracy (fl_run_metrics (run)), ==, acc);
  after = fl_run_validation (run);
  g_assert_cmpmem (before->probs, sizeof (float) * before->n * before->n_classes,
                   after->probs, sizeof (float) * after->n * after->n_classes);

  g_cancellable_cancel (cancel);
  g_assert_false (fl_run_reliance (run, &untouched, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (untouched.acc, ==, -1);
}

/* ---- features and the feature map ----------------------------------------------- */

static void
test_features (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) run = train (ds, FL_FUSION_CONCAT, 2);
  g_autoptr(FlRun) image = train (ds, FL_FUSION_IMAGE, 1);
  g_autoptr(GError) error = NULL;
  g_autofree float *a = NULL, *b = NULL, *f = NULL;
  int n_val, da = 0, db = 0, df = 0;

  fl_run_val_indices (run, &n_val);
  a = fl_run_features (run, FL_FEATURE_IMAGE, &da, NULL, &error);
  b = fl_run_features (run, FL_FEATURE_TEXT, &db, NULL, &error);
  f = fl_run_features (run, FL_FEATURE_FUSED, &df, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (da, ==, 16);
  g_assert_cmpint (db, ==, 16);
  g_assert_cmpint (df, ==, 32);
  /* concat: each fused row is the image row, then the text row */
  for (int i = 0; i < n_val; i++)
    {
      g_assert_cmpmem (f + i * 32, 16 * sizeof (float), a + i * 16, 16 * sizeof (float));
      g_assert_cmpmem (f + i * 32 + 16, 16 * sizeof (float), b + i * 16, 16 * sizeof (float));
    }

  /* an image-only run has no text branch */
  g_assert_null (fl_run_features (image, FL_FEATURE_TEXT, &db, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "the image route has no text branch");
}

static void
test_feature_map (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) run = train (ds, FL_FUSION_CONCAT, 3);
  g_autoptr(GError) error = NULL;
  int n_val;

  fl_run_val_indices (run, &n_val);
  for (int kind = 0; kind < FL_N_FEATURE_MAPS; kind++)
    {
      g_autofree float *xy = g_new (float, n_val * 2);
      g_autofree float *again = g_new (float, n_val * 2);
      double explained[2];

      g_assert_true (fl_run_feature_map (run, kind, xy, explained, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (fl_run_feature_map (run, kind, again, NULL, NULL, &error));
      g_assert_cmpmem (xy, sizeof (float) * n_val * 2, again, sizeof (float) * n_val * 2);
      g_assert_cmpfloat (explained[0], >=, explained[1]);
      g_assert_cmpfloat (explained[1], >=, 0.0);
      g_assert_cmpfloat (explained[0] + explained[1], <=, 1.0 + 1e-9);
      for (int i = 0; i < n_val * 2; i++)
        g_assert_true (isfinite (xy[i]));
    }
}

/* ---- the gate ----------------------------------------------------------------- */

/* The gate summary is the hand average of the gate's rows: per sample over
 * its D features, then per class; every sample lands in one bin. */
static void
test_gate_summary (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) run = train (ds, FL_FUSION_GATED, 2);
  g_autoptr(FlRun) concat = train (ds, FL_FUSION_CONCAT, 1);
  g_autoptr(GError) error = NULL;
  g_autofree float *z = NULL;
  double mean[4], want[4] = { 0 }, dummy[4];
  guint hist[FL_GATE_BINS], total = 0, count[4] = { 0 };
  const gint32 *rows;
  int n_val, D = 0;

  g_assert_true (fl_run_gate_summary (run, mean, hist, NULL, &error));
  g_assert_no_error (error);
  z = fl_run_features (run, FL_FEATURE_GATE, &D, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (D, ==, 16);
  rows = fl_run_val_indices (run, &n_val);
  for (int i = 0; i < n_val; i++)
    {
      double m = 0.0;
      for (int j = 0; j < D; j++)
        {
          g_assert_cmpfloat (z[i * D + j], >=, 0.0f);
          g_assert_cmpfloat (z[i * D + j], <=, 1.0f);
          m += z[i * D + j];
        }
      want[ds->labels[rows[i]]] += m / D;
      count[ds->labels[rows[i]]]++;
    }
  for (int c = 0; c < 4; c++)
    {
      g_assert_cmpuint (count[c], >, 0);
      g_assert_cmpfloat (mean[c], >=, 0.0);
      g_assert_cmpfloat (mean[c], <=, 1.0);
      g_assert_cmpfloat_with_epsilon (mean[c], want[c] / count[c], 1e-9);
    }
  for (int k = 0; k < FL_GATE_BINS; k++)
    total += hist[k];
  g_assert_cmpuint (total, ==, (guint) n_val);

  /* only the gated route has a gate */
  g_assert_cmpint (fl_config_feature_dim (fl_model_config (fl_run_model (concat)), FL_FEATURE_GATE), ==, 0);
  g_assert_false (fl_run_gate_summary (concat, dummy, hist, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "the concat route has no gate");
}

/* ---- fusion rescues -------------------------------------------------------------- */

/* The picture tells half the class, the text the other half: each baseline
 * is right on about half the samples, fusion on nearly all, so it rescues
 * many and hurts few. */
static void
test_fusion_rescues (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) f = train (ds, FL_FUSION_CONCAT, 20);
  g_autoptr(FlRun) i = train (ds, FL_FUSION_IMAGE, 20);
  g_autoptr(FlRun) t = train (ds, FL_FUSION_TEXT, 20);
  g_autoptr(FlValidation) vf = fl_run_validation (f);
  g_autoptr(FlValidation) vi = fl_run_validation (i);
  g_autoptr(FlValidation) vt = fl_run_validation (t);
  g_autoptr(GArray) rescued = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) hurt = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_validation_compare_fusion (vf, vi, vt, rescued, hurt, &error));
  g_assert_no_error (error);
  g_test_message ("acc concat %.3f image %.3f text %.3f; rescued %u, hurt %u of %d",
                  fl_metrics_accuracy (fl_run_metrics (f)), fl_metrics_accuracy (fl_run_metrics (i)),
                  fl_metrics_accuracy (fl_run_metrics (t)), rescued->len, hurt->len, vf->n);
  g_assert_cmpfloat (fl_metrics_accuracy (fl_run_metrics (f)), >, 0.9);
  g_assert_cmpuint (rescued->len, >, (guint) vf->n / 8);
  g_assert_cmpuint (hurt->len, <, rescued->len);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/insight/pca/line", test_pca_line);
  g_test_add_func ("/insight/pca/edges", test_pca_edges);
  g_test_add_func ("/insight/reliance/unimodal", test_reliance_unimodal);
  g_test_add_func ("/insight/reliance/leaves-run", test_reliance_leaves_run);
  g_test_add_func ("/insight/features", test_features);
  g_test_add_func ("/insight/feature-map", test_feature_map);
  g_test_add_func ("/insight/gate-summary", test_gate_summary);
  g_test_add_func ("/insight/fusion-rescues", test_fusion_rescues);
  return g_test_run ();
}
