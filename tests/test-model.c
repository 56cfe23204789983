/* SPDX-License-Identifier: MIT
 *
 * The whole reference model: gradients of every parameter tensor against
 * finite differences under each fusion route, and a tiny model overfitting
 * a tiny generated dataset.
 *
 * The gradient check is directional: for a unit direction u inside one
 * tensor, (L(p + εu) - L(p - εu)) / 2ε must equal g·u to within 2% relative
 * error (floor GRAD_FLOOR), for three directions per tensor (ĝ, and ĝ + r̂ twice
 * for a random r̂), taking the best of ε = 1e-3, 3e-4, 1e-4. A directional
 * check covers every element of a tensor at once.
 */
#include "fl-model.h"
#include "fl-model-private.h"
#include "fl-ops.h"
#include "fl-test-util.h"

#include <string.h>

#define GRAD_TOL 2e-2
/* the loss is a float: over 2ε = 2e-4 its rounding (~1e-7) is ~5e-4 of a
 * derivative, so derivatives are judged to 2% of at least this much (the
 * product route's, of features multiplied together, are ~1e-4) */
#define GRAD_FLOOR 5e-4

typedef struct {
  FlConfig  cfg;
  int       n;
  float    *images;
  gint32   *tok_off;
  gint32   *tok_idx;
  gint32   *labels;
  float    *audio;     /* (n,1,M,T) */
  float    *numeric;   /* (n,2K) */
} TinyData;

#define TINY_MELS 8
#define TINY_FRAMES 16
#define TINY_NUMERIC 3

/* Sample i's audio: noise, with the low or the high half of the bands
 * loud; its numeric columns: noise, column 0 positive or negative, and
 * column 2 empty now and then (0 and its indicator 1). */
static void
tiny_new_branches (GRand *rng, TinyData *d, int i, int band, int sign)
{
  const int M = TINY_MELS, T = TINY_FRAMES, K = TINY_NUMERIC;
  float *a = d->audio + (gsize) i * M * T, *x = d->numeric + (gsize) i * 2 * K;

  fill_uniform (rng, a, M * T, -0.5, 0.5);
  for (int m = band * M / 2; m < (band + 1) * M / 2; m++)
    for (int t = 0; t < T; t++)
      a[m * T + t] += 1.5f;
  fill_uniform (rng, x, K, -1, 1);
  memset (x + K, 0, sizeof (float) * K);
  x[0] = sign ? 0.5f + x[0] * 0.5f : -0.5f + x[0] * 0.5f;
  if (g_rand_int_range (rng, 0, 3) == 0)
    {
      x[2] = 0.0f;
      x[K + 2] = 1.0f;
    }
}

/* The label of a sample whose branches say q (image), w (text), b (audio)
 * and s (numeric), for a model of cfg: what its branches can tell. */
static int
tiny_label (const FlConfig *cfg, int q, int w, int b, int s)
{
  guint br = fl_config_branches (cfg);
  int hi = br & FL_BRANCH_BIT (FL_BRANCH_IMAGE) ? q : b;
  int lo = br & FL_BRANCH_BIT (FL_BRANCH_TEXT) ? w : s;

  switch (fl_fusion_single_branch (cfg->fusion))
    {
    case FL_BRANCH_IMAGE: return q;
    case FL_BRANCH_TEXT: return w;
    case FL_BRANCH_AUDIO: return b;
    case FL_BRANCH_NUMERIC: return s;
    default: break;
    }
  return hi * 2 + lo;
}

/* n samples of S×S images, tokens from a vocabulary of V, 8×16 spectrograms
 * and 3 numeric columns; the label is a function of the branches the model
 * of fusion over branches has (which quadrant is bright, whether token 0 is
 * present, which bands are loud, the sign of column 0) so that each route
 * has something to learn. */
static void
tiny_data_init_sized (TinyData *d, FlFusion fusion, guint branches, int n, guint32 seed, int S)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  /* the audio and numeric inputs from a generator of their own, so that
   * the pictures and words are those the tests always had */
  g_autoptr(GRand) rng2 = g_rand_new_with_seed (seed + 1000);
  const int V = 10;
  int ntok = 0;

  fl_config_init_default (&d->cfg);
  d->cfg.image_size = S;
  d->cfg.conv1 = 4;
  d->cfg.conv2 = 6;
  d->cfg.feat_dim = 8;
  d->cfg.text_hidden = 7;
  d->cfg.head_hidden = 9;
  d->cfg.vocab_size = V;
  d->cfg.n_classes = 4;
  d->cfg.fusion = fusion;
  d->cfg.branches = fl_fusion_single_branch (fusion) >= 0 ? 0 : branches;
  d->cfg.audio_mels = TINY_MELS;
  d->cfg.audio_frames = TINY_FRAMES;
  d->cfg.n_numeric = TINY_NUMERIC;
  d->cfg.numeric_hidden = 5;

  d->n = n;
  d->images = g_new (float, n * 3 * S * S);
  d->tok_off = g_new (gint32, n + 1);
  d->tok_idx = g_new (gint32, n * 4);
  d->labels = g_new (gint32, n);
  d->audio = g_new (float, (gsize) n * TINY_MELS * TINY_FRAMES);
  d->numeric = g_new (float, (gsize) n * 2 * TINY_NUMERIC);
  for (int i = 0; i < n; i++)
    {
      int quadrant = g_rand_int_range (rng, 0, 2);
      int word = g_rand_int_range (rng, 0, 2);
      int band = g_rand_int_range (rng2, 0, 2), sign = g_rand_int_range (rng2, 0, 2);
      float *img = d->images + i * 3 * S * S;
      fill_uniform (rng, img, 3 * S * S, -0.5, 0.5);
      for (int c = 0; c < 3; c++)
        for (int y = 0; y < S / 2; y++)
          for (int x = 0; x < S / 2; x++)
            img[(c * S + y + quadrant * S / 2) * S + x] += 1.5f;
      d->tok_off[i] = ntok;
      if (word)
        d->tok_idx[ntok++] = 0;
      d->tok_idx[ntok++] = g_rand_int_range (rng, 1, V);
      tiny_new_branches (rng2, d, i, band, sign);
      d->labels[i] = tiny_label (&d->cfg, quadrant, word, band, sign);
    }
  d->tok_off[n] = ntok;
}

/* The same with 8×8 images. */
static void
tiny_data_init (TinyData *d, FlFusion fusion, guint branches, int n, guint32 seed)
{
  tiny_data_init_sized (d, fusion, branches, n, seed, 8);
}

static void
tiny_data_clear (TinyData *d)
{
  g_free (d->images);
  g_free (d->tok_off);
  g_free (d->tok_idx);
  g_free (d->labels);
  g_free (d->audio);
  g_free (d->numeric);
}

static FlBatch
tiny_batch (const TinyData *d)
{
  return (FlBatch) { .n = d->n, .images = d->images, .tok_off = d->tok_off,
                     .tok_idx = d->tok_idx, .labels = d->labels, .audio = d->audio,
                     .numeric = d->numeric };
}

/* sqrt (Σ x[i]²), summed in double */
static double
norm2 (const float *x, gsize n)
{
  double s = 0;

  for (gsize i = 0; i < n; i++)
    s += (double) x[i] * x[i];
  return sqrt (s);
}

/* Fills u with a unit direction in a tensor of n parameters whose gradient
 * is g, and returns g·u. Rep 0 moves along ĝ, where the loss changes most
 * and float noise matters least; reps 1 and 2 along ĝ + r̂ for a random
 * unit r̂, which catches gradient errors orthogonal to g. A gradient of
 * zero (the product of four ReLU'd branches can be 0 in every feature of a
 * small batch) is checked along r̂: the loss must not move either. */
static double
grad_direction (GRand *rng, const float *g, gsize n, int rep, float *u)
{
  double gnorm = norm2 (g, n), norm, gu = 0;

  fill_uniform (rng, u, n, -1, 1);
  norm = norm2 (u, n);
  for (gsize i = 0; i < n; i++)
    u[i] = (float) ((gnorm > 0 ? g[i] / gnorm : 0.0) + (rep > 0 || gnorm == 0 ? u[i] / norm : 0.0));
  norm = norm2 (u, n);
  for (gsize i = 0; i < n; i++)
    {
      u[i] = (float) (u[i] / norm);
      gu += (double) g[i] * u[i];
    }
  return gu;
}

/* The relative error of (L(p + εu) - L(p - εu)) / 2ε against gu, p being a
 * tensor's n parameters: the smallest over three steps, whose difference
 * goes to *numeric. A large step may cross a ReLU or max-pool kink, a small
 * one drowns in float rounding; a wrong gradient disagrees at every step. */
static double
difference_error (FlModel *model, const FlBatch *batch, float *p, const float *u, gsize n,
                  double gu, double *numeric)
{
  g_autofree float *saved = g_memdup2 (p, sizeof (float) * n);
  double err = G_MAXDOUBLE;

  for (int k = 0; k < 3; k++)
    {
      const double eps = (double[]) { 1e-3, 3e-4, 1e-4 }[k];
      double lp, lm, d, e;

      for (gsize i = 0; i < n; i++)
        p[i] = saved[i] + (float) eps * u[i];
      fl_model_forward (model, batch);
      lp = fl_model_objective (model);
      for (gsize i = 0; i < n; i++)
        p[i] = saved[i] - (float) eps * u[i];
      fl_model_forward (model, batch);
      lm = fl_model_objective (model);
      memcpy (p, saved, sizeof (float) * n);
      d = (lp - lm) / (2 * eps);
      e = fabs (d - gu) / MAX (MAX (fabs (d), fabs (gu)), GRAD_FLOOR);
      if (e < err)
        {
          err = e;
          *numeric = d;
        }
    }
  return err;
}

/* A route over a set of branches, as a test's data. */
typedef struct {
  FlFusion fusion;
  guint    branches;   /* 0: image and text (or the route's own) */
  gboolean gru;        /* the text read by the GRU, not as a bag */
  FlTextPool pool;     /* and its feature */
} Route;

static void
test_grad (gconstpointer data)
{
  const Route *route = data;
  FlFusion fusion = route->fusion;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);
  TinyData d;
  FlModel *model;
  FlBatch batch;
  float *p;
  g_autofree float *g = NULL;
  int n_checked = 0;

  /* finite differences cross a kink within their reach with data seed 10
   * (a max-pool window of the four-branch late route within 1e-4 of a
   * tie) and 11 (a ReLU of the three-branch product's audio branch): 13
   * keeps every route's kinks farther away */
  tiny_data_init (&d, fusion, route->branches, 5, 13);
  if (route->gru)
    {
      d.cfg.text_encoder = FL_TEXT_GRU;
      d.cfg.text_pool = route->pool;
    }
  model = fl_model_new (&d.cfg, 12, &error);
  g_assert_no_error (error);
  batch = tiny_batch (&d);
  p = fl_model_params (model);

  fl_model_forward (model, &batch);
  fl_model_backward (model, &batch);
  g = g_memdup2 (fl_model_grads (model), sizeof (float) * fl_model_n_params (model));

  for (int t = 0; t < FL_N_PARAMS; t++)
    {
      const FlTensorInfo *ti = fl_model_tensor (model, t);
      /* the branches the model lacks, the shared head of late and the
       * other routes' fusion parameters have no parameters at all */
      if (ti->numel == 0)
        continue;
      for (int rep = 0; rep < 3; rep++)
        {
          g_autofree float *u = g_new (float, ti->numel);
          double gu = grad_direction (rng, g + ti->offset, ti->numel, rep, u), numeric = 0;
          double err = difference_error (model, &batch, p + ti->offset, u, ti->numel, gu, &numeric);

          g_test_message ("%s %s: g·u %.6g numeric %.6g rel.err %.2e",
                          fl_fusion_to_string (fusion), ti->name, gu, numeric, err);
          g_assert_cmpfloat (err, <, GRAD_TOL);
          n_checked++;
        }
    }
  g_assert_cmpint (n_checked, >=, 3 * 6);

  fl_model_free (model);
  tiny_data_clear (&d);
}

static void
test_overfit (gconstpointer data)
{
  const Route *route = data;
  FlFusion fusion = route->fusion;
  g_autoptr(GError) error = NULL;
  FlAdamParams hp;
  TinyData d;
  FlModel *model;
  FlBatch batch;
  double first = 0, loss = 0;
  int correct = 0;

  tiny_data_init (&d, fusion, route->branches, 16, 20);
  model = fl_model_new (&d.cfg, 21, &error);
  g_assert_no_error (error);
  fl_adam_params_init_default (&hp);
  hp.lr = 1e-2;
  batch = tiny_batch (&d);

  for (int step = 0; step < 300; step++)
    {
      loss = fl_model_forward (model, &batch);
      if (step == 0)
        first = loss;
      fl_model_backward (model, &batch);
      fl_model_adam_step (model, &hp);
    }
  loss = fl_model_forward (model, &batch);
  for (int n = 0; n < d.n; n++)
    {
      const float *pr = fl_model_probs (model) + n * d.cfg.n_classes;
      int best = 0;
      for (int k = 1; k < d.cfg.n_classes; k++)
        if (pr[k] > pr[best])
          best = k;
      correct += best == d.labels[n];
    }
  g_test_message ("%s: loss %.4f → %.4f, %d/%d correct",
                  fl_fusion_to_string (fusion), first, loss, correct, d.n);
  g_assert_cmpint (correct, ==, d.n);
  g_assert_cmpfloat (loss, <, 0.05);

  fl_model_free (model);
  tiny_data_clear (&d);
}

static void
test_init_distribution (void)
{
  g_autoptr(GError) error = NULL;
  FlConfig cfg;
  FlModel *model, *again;

  fl_config_init_default (&cfg);
  cfg.image_size = 16;
  cfg.vocab_size = 300;
  cfg.n_classes = 3;
  model = fl_model_new (&cfg, 5, &error);
  g_assert_no_error (error);

  /* PyTorch's default: every weight and bias in ±1/√fan_in, and the spread
   * fills that range (a uniform's max is close to the bound). */
  for (int t = 0; t < FL_N_PARAMS; t++)
    {
      const FlTensorInfo *ti = fl_model_tensor (model, t);
      const FlTensorInfo *w = fl_model_tensor (model, t & ~1);
      double fan = t == FL_P_TXT_EMB_W || t == FL_P_TXT_EMB_B ? cfg.vocab_size
                 : w->ndim == 4 ? w->shape[1] * 9 : w->shape[1];
      double bound = 1.0 / sqrt (fan), mx = 0;
      const float *x = fl_model_params (model) + ti->offset;
      for (gsize i = 0; i < ti->numel; i++)
        mx = MAX (mx, fabs (x[i]));
      g_assert_cmpfloat (mx, <=, bound);
      if (ti->numel >= 100)
        g_assert_cmpfloat (mx, >, 0.9 * bound);
    }

  /* the same seed gives the same weights; another seed does not */
  again = fl_model_new (&cfg, 5, &error);
  g_assert_cmpmem (fl_model_params (model), fl_model_n_params (model) * sizeof (float),
                   fl_model_params (again), fl_model_n_params (again) * sizeof (float));
  fl_model_init_params (again, 6);
  g_assert_true (memcmp (fl_model_params (model), fl_model_params (again),
                         fl_model_n_params (model) * sizeof (float)) != 0);
  fl_model_free (again);
  fl_model_free (model);
}

static void
test_config_invalid (void)
{
  g_autoptr(GError) error = NULL;
  FlConfig cfg;

  fl_config_init_default (&cfg);
  cfg.vocab_size = 10;
  cfg.n_classes = 3;
  cfg.image_size = 30;   /* not a multiple of 4 */
  g_assert_null (fl_model_new (&cfg, 1, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "multiple of 4"));
  g_clear_error (&error);

  cfg.image_size = 32;
  cfg.n_classes = 1;
  g_assert_null (fl_model_new (&cfg, 1, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "classes"));
  g_clear_error (&error);

  cfg.n_classes = 3;
  cfg.text_pool = (FlTextPool) 7;   /* what a cast from a bad number gives */
  g_assert_null (fl_model_new (&cfg, 1, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "text pooling"));
}

/* Modality dropout inside the model: every sample's image dropped leaves
 * the image branch without gradient and the loss that of zero image
 * features; the image route ignores the mask. */
static void
test_drop (void)
{
  TinyData d;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *drop = NULL;
  FlModel *model;
  FlBatch batch;
  double plain, dropped;
  const float *g;

  for (int route = 0; route < 2; route++)
    {
      FlFusion fusion = route == 0 ? FL_FUSION_GATED : FL_FUSION_IMAGE;

      tiny_data_init (&d, fusion, 0, 5, 10);
      model = fl_model_new (&d.cfg, 12, &error);
      g_assert_no_error (error);
      batch = tiny_batch (&d);
      plain = fl_model_forward (model, &batch);
      drop = g_new (guint8, d.n);
      memset (drop, FL_DROP_IMAGE, d.n);
      batch.drop = drop;
      dropped = fl_model_forward (model, &batch);
      fl_model_backward (model, &batch);
      g = fl_model_grads (model);
      for (int t = FL_P_CONV1_W; t <= FL_P_IMG_FC_B && route == 0; t++)
        {
          const FlTensorInfo *ti = fl_model_tensor (model, t);
          for (gsize i = 0; i < ti->numel; i++)
            g_assert_cmpfloat (g[ti->offset + i], ==, 0.0f);
        }
      if (route == 0)
        g_assert_cmpfloat (dropped, !=, plain);
      else
        g_assert_cmpfloat (dropped, ==, plain);
      g_clear_pointer (&drop, g_free);
      fl_model_free (model);
      tiny_data_clear (&d);
    }
}

/* The forward and backward of a model whose img_fc has 1,024 inputs, and
 * so is split across the threads in fixed blocks (fl-model-linear.c), on
 * 1 to 3 threads: the same bits; and img_fc's gradient against finite
 * differences. */
static void
test_split_linear (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rng = g_rand_new_with_seed (5);
  g_autofree float *logits = NULL, *grads = NULL;
  TinyData d;
  FlBatch batch;
  gsize np = 0, nl;

  tiny_data_init_sized (&d, FL_FUSION_CONCAT, 0, 6, 13, 32);
  d.cfg.conv2 = 16;
  nl = (gsize) d.n * d.cfg.n_classes;
  batch = tiny_batch (&d);
  for (int threads = 1; threads <= 3; threads++)
    {
      FlModel *model = fl_model_new (&d.cfg, 12, &error);

      g_assert_no_error (error);
      fl_model_set_threads (model, threads);
      fl_model_forward (model, &batch);
      fl_model_backward (model, &batch);
      np = fl_model_n_params (model);
      if (logits == NULL)
        {
          logits = g_memdup2 (fl_model_logits (model), sizeof (float) * nl);
          grads = g_memdup2 (fl_model_grads (model), sizeof (float) * np);
          g_assert_cmpint (fl_model_tensor (model, FL_P_IMG_FC_W)->numel, ==, 1024 * d.cfg.feat_dim);
          /* img_fc's weight gradient, and conv2's, which needs its input's */
          for (int t = FL_P_CONV2_W; t <= FL_P_IMG_FC_W; t += FL_P_IMG_FC_W - FL_P_CONV2_W)
            {
              const FlTensorInfo *ti = fl_model_tensor (model, t);
              g_autofree float *u = g_new (float, ti->numel);
              double numeric, gu = grad_direction (rng, grads + ti->offset, ti->numel, 1, u);

              g_assert_cmpfloat (difference_error (model, &batch, fl_model_params (model) + ti->offset,
                                                   u, ti->numel, gu, &numeric), <, GRAD_TOL);
            }
        }
      else
        {
          g_assert_cmpmem (logits, sizeof (float) * nl, fl_model_logits (model), sizeof (float) * nl);
          g_assert_cmpmem (grads, sizeof (float) * np, fl_model_grads (model), sizeof (float) * np);
        }
      fl_model_free (model);
    }
  tiny_data_clear (&d);
}

/* max |a - b| / max(|b|, 1e-3) over n floats */
static double
worst_rel (const float *a, const float *b, gsize n)
{
  double worst = 0;

  for (gsize i = 0; i < n; i++)
    worst = MAX (worst, fabs ((double) a[i] - b[i]) / MAX (fabs ((double) b[i]), 1e-3));
  return worst;
}

/* A split layer (In = 1,100: blocks of 137 and 138) computes what
 * fl_linear_forward and _backward compute whole, to float rounding. */
static void
test_split_linear_whole (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rng = g_rand_new_with_seed (6);
  const int N = 5, In = 1100, Out = 7;
  g_autofree float *in = g_new (float, N * In), *dout = g_new (float, N * Out);
  g_autofree float *out = g_new (float, N * Out), *ref = g_new (float, N * Out);
  g_autofree float *din = g_new (float, N * In), *ref_din = g_new (float, N * In);
  g_autofree float *ref_dw = g_new0 (float, In * Out), *ref_db = g_new0 (float, Out);
  FlConfig cfg;
  FlModel *model;
  float *w, *dw;

  /* img_fc of a model with 11·(40/4)² = 1,100 inputs and 7 features */
  fl_config_init_default (&cfg);
  cfg.image_size = 40;
  cfg.conv2 = 11;
  cfg.feat_dim = Out;
  cfg.vocab_size = 10;
  cfg.n_classes = 2;
  model = fl_model_new (&cfg, 1, &error);
  g_assert_no_error (error);
  fl_model_set_threads (model, 2);
  w = P (model, FL_P_IMG_FC_W);
  dw = G (model, FL_P_IMG_FC_W);
  fill_uniform (rng, in, N * In, -1, 1);
  fill_uniform (rng, dout, N * Out, -1, 1);
  fill_uniform (rng, w, In * Out, -1, 1);
  memset (dw, 0, sizeof (float) * In * Out);
  memset (G (model, FL_P_IMG_FC_B), 0, sizeof (float) * Out);

  _fl_model_linear_forward (model, out, in, FL_P_IMG_FC_W, N, In, Out);
  fl_linear_forward (ref, in, w, P (model, FL_P_IMG_FC_B), N, In, Out);
  g_assert_cmpfloat (worst_rel (out, ref, N * Out), <, 1e-4);
  _fl_model_linear_backward (model, din, dout, in, FL_P_IMG_FC_W, N, In, Out);
  fl_linear_backward (ref_din, ref_dw, ref_db, dout, in, w, N, In, Out);
  g_assert_cmpfloat (worst_rel (din, ref_din, N * In), <, 1e-4);
  g_assert_cmpfloat (worst_rel (dw, ref_dw, In * Out), <, 1e-4);
  g_assert_cmpfloat (worst_rel (G (model, FL_P_IMG_FC_B), ref_db, Out), <, 1e-4);
  fl_model_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static Route routes[FL_N_FUSIONS * 3];
  /* the GRU's two features, text alone and fused with the image */
  static const Route gru[] = {
    { FL_FUSION_TEXT, 0, TRUE, FL_TEXT_POOL_LAST }, { FL_FUSION_TEXT, 0, TRUE, FL_TEXT_POOL_MEAN },
    { FL_FUSION_CONCAT, 0, TRUE, FL_TEXT_POOL_MEAN },
  };
  static const guint sets[] = {
    0, FL_BRANCHES_IMAGE_TEXT | FL_BRANCH_BIT (FL_BRANCH_AUDIO), FL_BRANCHES_ALL,
  };
  int n = 0;

  g_test_add_func ("/model/modality-dropout", test_drop);
  for (int f = 0; f < FL_N_FUSIONS; f++)
    for (gsize k = 0; k < G_N_ELEMENTS (sets); k++)
      {
        g_autofree char *set = NULL, *p1 = NULL, *p2 = NULL;

        /* a unimodal route has its one branch */
        if (fl_fusion_single_branch (f) >= 0 && k > 0)
          continue;
        routes[n] = (Route) { f, sets[k], FALSE, FL_TEXT_POOL_LAST };
        set = sets[k] != 0 ? g_strdup_printf ("/%d-branches", fl_branches_count (sets[k])) : g_strdup ("");
        p1 = g_strdup_printf ("/model/grad/%s%s", fl_fusion_to_string (f), set);
        p2 = g_strdup_printf ("/model/overfit/%s%s", fl_fusion_to_string (f), set);
        g_test_add_data_func (p1, &routes[n], test_grad);
        g_test_add_data_func (p2, &routes[n], test_overfit);
        n++;
      }
  for (gsize k = 0; k < G_N_ELEMENTS (gru); k++)
    {
      g_autofree char *p = g_strdup_printf ("/model/grad/%s/gru-%s", fl_fusion_to_string (gru[k].fusion),
                                            fl_text_pool_to_string (gru[k].pool));
      g_test_add_data_func (p, &gru[k], test_grad);
    }
  g_test_add_func ("/model/split-linear", test_split_linear);
  g_test_add_func ("/model/split-linear/whole", test_split_linear_whole);
  g_test_add_func ("/model/init", test_init_distribution);
  g_test_add_func ("/model/config-invalid", test_config_invalid);
  return g_test_run ();
}
