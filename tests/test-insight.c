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

/* make_dataset() with the other two branches: a spectrogram (8 bands ×
 * 16 frames) whose low half of the bands is loud for the light classes,
 * and a numeric column that is the word (0 or 1, far apart, empty now and
 * then): the sound tells what the picture tells, the number what the
 * words tell. */
static FlDataset *
make_dataset_all (void)
{
  enum { M = 8, T = 16 };
  FlDataset *ds = make_dataset ();
  g_autoptr(GRand) rng = g_rand_new_with_seed (9);
  float *clip = ds->audio = g_new (float, (gsize) ds->n * M * T);
  float *number = ds->numeric = g_new (float, ds->n);

  ds->audio_mels = M, ds->audio_frames = T, ds->n_numeric = 1;
  ds->numeric_names = g_strsplit ("word", ",", -1);
  for (int i = 0; i < ds->n; i++, clip += M * T, number++)
    {
      gboolean light = ds->labels[i] / 2, word = ds->labels[i] % 2;

      /* noise about a quiet clip's log-mel; band m of frame t at m·T + t */
      for (int k = 0; k < M * T; k++)
        clip[k] = -14.0f + (float) g_rand_double_range (rng, -1, 1) + (light && k < M / 2 * T ? 4.0f : 0.0f);
      *number = g_rand_int_range (rng, 0, 8) == 0 ? NAN : 10.0f * word + (float) g_rand_double (rng);
    }
  return ds;
}

/* A run of fusion over branches (0: all the data has). */
static FlRun *
train_branches (FlDataset *ds, FlFusion fusion, guint branches, int epochs)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlRun) run = NULL;
  FlTrainSettings s;

  fl_train_settings_init_default (&s);
  s.fusion = fusion;
  s.branches = branches;
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

static FlRun *
train (FlDataset *ds, FlFusion fusion, int epochs)
{
  return train_branches (ds, fusion, 0, epochs);
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
  g_assert_cmpfloat (ri.acc_without[FL_BRANCH_TEXT], ==, ri.acc);
  g_assert_cmpfloat (ri.f1_without[FL_BRANCH_TEXT], ==, ri.f1);
  g_assert_cmpfloat (ri.acc_drop[FL_BRANCH_TEXT], ==, 0.0);
  g_assert_cmpfloat (ri.f1_drop[FL_BRANCH_TEXT], ==, 0.0);
  g_assert_cmpfloat (rt.acc_without[FL_BRANCH_IMAGE], ==, rt.acc);
  g_assert_cmpfloat (rt.f1_without[FL_BRANCH_IMAGE], ==, rt.f1);
  g_assert_cmpfloat (rt.acc_drop[FL_BRANCH_IMAGE], ==, 0.0);
  /* the data has no sound and no numbers: nothing is taken away there */
  g_assert_cmpuint (ri.branches, ==, FL_BRANCHES_IMAGE_TEXT);
  g_assert_cmpfloat (ri.acc_drop[FL_BRANCH_AUDIO], ==, 0.0);
  g_assert_cmpfloat (ri.acc_without[FL_BRANCH_NUMERIC], ==, ri.acc);

  /* the evaluation as it is agrees with the run's own */
  g_assert_cmpfloat (ri.acc, ==, fl_metrics_accuracy (fl_run_metrics (image)));
  g_assert_cmpfloat (rt.f1, ==, fl_metrics_macro_f1 (fl_run_metrics (text)));

  /* each reads half of the class, so with it gone it guesses one class for
   * every sample: a quarter of the balanced split */
  assert_constant_without (image, FL_ABLATE_IMAGE);
  assert_constant_without (text, FL_ABLATE_TEXT);
  g_assert_cmpfloat_with_epsilon (ri.acc_without[FL_BRANCH_IMAGE], 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (rt.acc_without[FL_BRANCH_TEXT], 0.25, 1e-12);
  g_assert_cmpfloat (ri.acc_drop[FL_BRANCH_IMAGE], >, 0.1);
  g_assert_cmpfloat (rt.acc_drop[FL_BRANCH_TEXT], >, 0.1);
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
  g_assert_cmpfloat (r.acc_drop[FL_BRANCH_IMAGE], ==, r.acc - r.acc_without[FL_BRANCH_IMAGE]);
  g_assert_cmpfloat (r.f1_drop[FL_BRANCH_TEXT], ==, r.f1 - r.f1_without[FL_BRANCH_TEXT]);
  g_assert_cmpfloat (fl_metrics_accuracy (fl_run_metrics (run)), ==, acc);
  after = fl_run_validation (run);
  g_assert_cmpmem (before->probs, sizeof (float) * before->n * before->n_classes,
                   after->probs, sizeof (float) * after->n * after->n_classes);

  g_cancellable_cancel (cancel);
  g_assert_false (fl_run_reliance (run, &untouched, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpfloat (untouched.acc, ==, -1);
}

static void
count_cb (FlModel *model, const FlBatch *batch, int start, double loss, gpointer data)
{
  fl_metrics_add_scores (data, fl_model_probs (model), batch->labels, batch->n);
}

/* run's validation accuracy with ablation, evaluated here by hand */
static double
accuracy_without (FlRun *run, FlAblation ablation)
{
  g_autoptr(FlMetrics) m = fl_metrics_new (fl_run_dataset (run)->n_classes);

  g_assert_true (fl_run_forward_validation (run, ablation, count_cb, m, NULL, NULL));
  return fl_metrics_accuracy (m);
}

/* A unimodal run of fusion on four-branch data: its own branch taken
 * away, it predicts one class (a quarter of the balanced split); the three
 * others change nothing, to the bit. */
static void
assert_reads_only (FlDataset *ds,
                   FlFusion   fusion)
{
  g_autoptr(FlRun) run = train (ds, fusion, 6);
  g_autoptr(GError) error = NULL;
  FlBranch branch = fl_fusion_single_branch (fusion);
  FlReliance r;

  g_assert_true (fl_run_reliance (run, &r, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("%s only: acc %.3f, without it %.3f", fl_branch_to_string (branch), r.acc,
                  r.acc_without[branch]);
  g_assert_cmpuint (r.branches, ==, FL_BRANCHES_ALL);
  assert_constant_without (run, fl_branch_ablation (branch));
  g_assert_cmpfloat_with_epsilon (r.acc_without[branch], 0.25, 1e-12);
  g_assert_cmpfloat (r.acc_drop[branch], >, 0.1);
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (b != (int) branch)
      {
        g_assert_cmpfloat (r.acc_without[b], ==, r.acc);
        g_assert_cmpfloat (r.f1_drop[b], ==, 0.0);
      }
}

/* A fusion of all four: each figure is that branch's own ablation. */
static void
assert_own_ablations (FlRun *run)
{
  g_autoptr(GError) error = NULL;
  FlReliance r;

  g_assert_true (fl_run_reliance (run, &r, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (r.acc, ==, accuracy_without (run, FL_ABLATE_NONE));
  for (int b = 0; b < FL_N_BRANCHES; b++)
    {
      g_assert_cmpfloat (r.acc_without[b], ==, accuracy_without (run, fl_branch_ablation (b)));
      g_assert_cmpfloat (r.acc_drop[b], ==, r.acc - r.acc_without[b]);
    }
}

/* Reliance covers every branch of the data: the sound and the numbers are
 * taken away in turn like the picture and the words, each by its own
 * ablation. */
static void
test_reliance_branches (void)
{
  g_autoptr(FlDataset) ds = make_dataset_all ();

  g_assert_cmpint (fl_branch_ablation (FL_BRANCH_AUDIO), ==, FL_ABLATE_AUDIO);
  g_assert_cmpint (fl_branch_ablation (FL_BRANCH_NUMERIC), ==, FL_ABLATE_NUMERIC);
  assert_reads_only (ds, FL_FUSION_AUDIO);
  assert_reads_only (ds, FL_FUSION_NUMERIC);
  {
    g_autoptr(FlRun) concat = train (ds, FL_FUSION_CONCAT, 3);
    assert_own_ablations (concat);
  }
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

/* want[c][k] = class c's mean over its validation samples of their mean
 * z_1, z_2 and 1 − z_1 − z_2, worked out by hand from the gate (n_val,
 * 2·D) of a gate over three branches. */
static void
hand_gate_weights (FlRun *run, const float *z, int D, double want[4][3])
{
  const FlDataset *ds = fl_run_dataset (run);
  guint count[4] = { 0 };
  int n_val;
  const gint32 *rows = fl_run_val_indices (run, &n_val);

  memset (want, 0, sizeof (double) * 4 * 3);
  for (int i = 0; i < n_val; i++)
    {
      int y = ds->labels[rows[i]];
      double m[3] = { 0, 0, 0 };

      for (int j = 0; j < D; j++)
        {
          m[0] += z[i * 2 * D + j] / D;
          m[1] += z[i * 2 * D + D + j] / D;
        }
      m[2] = 1.0 - m[0] - m[1];
      for (int k = 0; k < 3; k++)
        want[y][k] += m[k];
      count[y]++;
    }
  for (int c = 0; c < 4; c++)
    for (int k = 0; k < 3; k++)
      want[c][k] /= count[c];
}

/* The gate over three branches: each class's weights are the hand average
 * of the samples' z_1, z_2 and 1 − z_1 − z_2, summing to 1; a branch not
 * fused has none; every sample lands in one bin of each branch fused. For
 * two branches the summary is the first branch's weights, to the bit. */
static void
test_gate_weights (void)
{
  const guint three = FL_BRANCH_BIT (FL_BRANCH_IMAGE) | FL_BRANCH_BIT (FL_BRANCH_TEXT) |
                      FL_BRANCH_BIT (FL_BRANCH_AUDIO);
  const int slot[3] = { FL_BRANCH_IMAGE, FL_BRANCH_TEXT, FL_BRANCH_AUDIO };
  g_autoptr(FlDataset) ds = make_dataset_all ();
  g_autoptr(FlRun) run = train_branches (ds, FL_FUSION_GATED, three, 2);
  g_autoptr(FlRun) two = train_branches (ds, FL_FUSION_GATED, FL_BRANCHES_IMAGE_TEXT, 2);
  g_autoptr(GError) error = NULL;
  g_autofree float *z = NULL;
  double mean[4 * FL_N_BRANCHES], want[4][3], first[4];
  guint hist[FL_N_BRANCHES * FL_GATE_BINS], first_hist[FL_GATE_BINS], fused = 0;
  int n_val, L = 0;

  g_assert_true (fl_run_gate_weights (run, mean, hist, &fused, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fused, ==, three);
  z = fl_run_features (run, FL_FEATURE_GATE, &L, NULL, &error);
  g_assert_cmpint (L, ==, 2 * 16);
  hand_gate_weights (run, z, 16, want);
  for (int c = 0; c < 4; c++)
    {
      double sum = 0.0;

      for (int k = 0; k < 3; k++)
        {
          g_assert_cmpfloat_with_epsilon (mean[c * FL_N_BRANCHES + slot[k]], want[c][k], 1e-6);
          sum += mean[c * FL_N_BRANCHES + slot[k]];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-9);
      g_assert_cmpfloat (mean[c * FL_N_BRANCHES + FL_BRANCH_NUMERIC], ==, 0.0);
    }
  fl_run_val_indices (run, &n_val);
  for (int b = 0; b < FL_N_BRANCHES; b++)
    {
      guint total = 0;

      for (int k = 0; k < FL_GATE_BINS; k++)
        total += hist[b * FL_GATE_BINS + k];
      g_assert_cmpuint (total, ==, b == FL_BRANCH_NUMERIC ? 0 : (guint) n_val);
    }

  g_assert_true (fl_run_gate_weights (two, mean, hist, &fused, NULL, &error));
  g_assert_true (fl_run_gate_summary (two, first, first_hist, NULL, &error));
  g_assert_cmpuint (fused, ==, FL_BRANCHES_IMAGE_TEXT);
  for (int c = 0; c < 4; c++)
    {
      g_assert_cmpfloat (first[c], ==, mean[c * FL_N_BRANCHES + FL_BRANCH_IMAGE]);
      g_assert_cmpfloat_with_epsilon (mean[c * FL_N_BRANCHES + FL_BRANCH_TEXT], 1.0 - first[c], 1e-12);
    }
  g_assert_cmpmem (first_hist, sizeof first_hist, hist + FL_BRANCH_IMAGE * FL_GATE_BINS, sizeof first_hist);
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
  g_test_add_func ("/insight/reliance/branches", test_reliance_branches);
  g_test_add_func ("/insight/features", test_features);
  g_test_add_func ("/insight/feature-map", test_feature_map);
  g_test_add_func ("/insight/gate-summary", test_gate_summary);
  g_test_add_func ("/insight/gate-weights", test_gate_weights);
  g_test_add_func ("/insight/fusion-rescues", test_fusion_rescues);
  return g_test_run ();
}
