/* SPDX-License-Identifier: MIT
 *
 * The whole reference model: gradients of every parameter tensor against
 * finite differences under each fusion route, and a tiny model overfitting
 * a tiny generated dataset.
 *
 * The gradient check is directional: for a unit direction u inside one
 * tensor, (L(p + εu) - L(p - εu)) / 2ε must equal g·u to within 2% relative
 * error (floor 1e-4), for three directions per tensor (ĝ, and ĝ + r̂ twice
 * for a random r̂), taking the best of ε = 1e-3, 3e-4, 1e-4. A directional
 * check covers every element of a tensor at once.
 */
#include "fl-model.h"
#include "fl-test-util.h"

#include <string.h>

#define GRAD_TOL 2e-2

typedef struct {
  FlConfig  cfg;
  int       n;
  float    *images;
  gint32   *tok_off;
  gint32   *tok_idx;
  gint32   *labels;
} TinyData;

/* n samples of S×S images and tokens from a vocabulary of V; the label is a
 * function of both (which quadrant is bright, and whether token 0 is present)
 * so that each route has something to learn. */
static void
tiny_data_init (TinyData *d, FlFusion fusion, int n, guint32 seed)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (seed);
  const int S = 8, V = 10;
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

  d->n = n;
  d->images = g_new (float, n * 3 * S * S);
  d->tok_off = g_new (gint32, n + 1);
  d->tok_idx = g_new (gint32, n * 4);
  d->labels = g_new (gint32, n);
  for (int i = 0; i < n; i++)
    {
      int quadrant = g_rand_int_range (rng, 0, 2);
      int word = g_rand_int_range (rng, 0, 2);
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
      switch (fusion)
        {
        case FL_FUSION_IMAGE: d->labels[i] = quadrant; break;
        case FL_FUSION_TEXT: d->labels[i] = word; break;
        default: d->labels[i] = quadrant * 2 + word; break;
        }
    }
  d->tok_off[n] = ntok;
}

static void
tiny_data_clear (TinyData *d)
{
  g_free (d->images);
  g_free (d->tok_off);
  g_free (d->tok_idx);
  g_free (d->labels);
}

static FlBatch
tiny_batch (const TinyData *d)
{
  return (FlBatch) { .n = d->n, .images = d->images, .tok_off = d->tok_off,
                     .tok_idx = d->tok_idx, .labels = d->labels };
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
 * unit r̂, which catches gradient errors orthogonal to g. */
static double
grad_direction (GRand *rng, const float *g, gsize n, int rep, float *u)
{
  double gnorm = norm2 (g, n), norm, gu = 0;

  g_assert_cmpfloat (gnorm, >, 0);
  fill_uniform (rng, u, n, -1, 1);
  norm = norm2 (u, n);
  for (gsize i = 0; i < n; i++)
    u[i] = (float) (g[i] / gnorm + (rep > 0 ? u[i] / norm : 0.0));
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
      e = fabs (d - gu) / MAX (MAX (fabs (d), fabs (gu)), 1e-4);
      if (e < err)
        {
          err = e;
          *numeric = d;
        }
    }
  return err;
}

static void
test_grad (gconstpointer data)
{
  FlFusion fusion = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);
  TinyData d;
  FlModel *model;
  FlBatch batch;
  float *p;
  g_autofree float *g = NULL;
  int n_checked = 0;

  tiny_data_init (&d, fusion, 5, 10);
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
      if (ti->numel == 0)
        {
          /* the unused branch, the shared head of late and the other
           * routes' fusion parameters have no parameters at all */
          g_assert_true ((t >= FL_P_CONV1_W && t <= FL_P_IMG_FC_B && fusion == FL_FUSION_TEXT) ||
                         (t >= FL_P_TXT_EMB_W && t <= FL_P_TXT_FC_B && fusion == FL_FUSION_IMAGE) ||
                         (t >= FL_P_HEAD1_W && t <= FL_P_HEAD2_B && fusion == FL_FUSION_LATE) ||
                         (t >= FL_P_GMU_V_W && t <= FL_P_GMU_Z_B && fusion != FL_FUSION_GATED) ||
                         (t >= FL_P_LMF_A && t <= FL_P_LMF_B && fusion != FL_FUSION_LOWRANK) ||
                         (t >= FL_P_LATE_IMG1_W && t <= FL_P_LATE_ALPHA && fusion != FL_FUSION_LATE));
          continue;
        }
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
  FlFusion fusion = GPOINTER_TO_INT (data);
  g_autoptr(GError) error = NULL;
  FlAdamParams hp;
  TinyData d;
  FlModel *model;
  FlBatch batch;
  double first = 0, loss = 0;
  int correct = 0;

  tiny_data_init (&d, fusion, 16, 20);
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

      tiny_data_init (&d, fusion, 5, 10);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/modality-dropout", test_drop);
  for (int f = 0; f < FL_N_FUSIONS; f++)
    {
      g_autofree char *p1 = g_strdup_printf ("/model/grad/%s", fl_fusion_to_string (f));
      g_autofree char *p2 = g_strdup_printf ("/model/overfit/%s", fl_fusion_to_string (f));
      g_test_add_data_func (p1, GINT_TO_POINTER (f), test_grad);
      g_test_add_data_func (p2, GINT_TO_POINTER (f), test_overfit);
    }
  g_test_add_func ("/model/init", test_init_distribution);
  g_test_add_func ("/model/config-invalid", test_config_invalid);
  return g_test_run ();
}
