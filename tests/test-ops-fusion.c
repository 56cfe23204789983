/* SPDX-License-Identifier: MIT
 *
 * The fusion operators over K branch vectors (K = 1 for the unimodal
 * routes, 2 to 4 for the others): forward against the formulas in double,
 * backward against central finite differences of the forward (the
 * tolerances of test-ops.c: ε = 0.1 and 1e-3 for what is linear in the
 * perturbed input, ε = 1e-3 and 1e-2 for the smooth tanh, σ and softmax).
 */
#include "fl-ops.h"
#include "fl-test-util.h"

#include <string.h>

#define TOL_LINEAR 1e-3
#define TOL_SMOOTH 1e-2

static float *
new_uniform (GRand *rng, gsize n)
{
  float *x = g_new (float, n);

  fill_uniform (rng, x, n, -1, 1);
  return x;
}

static void
assert_linear_grad (float *x, gsize n, const float *dx, LossFn loss, gpointer ctx)
{
  g_assert_cmpfloat (grad_check (x, n, dx, loss, ctx, 0.1, 1e-2, 0), <, TOL_LINEAR);
}

static void
assert_smooth_grad (float *x, gsize n, const float *dx, LossFn loss, gpointer ctx)
{
  g_assert_cmpfloat (grad_check (x, n, dx, loss, ctx, 1e-3, 1e-2, 0), <, TOL_SMOOTH);
}

/* ---- the parameter-free fusions ------------------------------------------ */

typedef struct {
  int N, D, K;
  FlFusion fusion;
  float *x[FL_MAX_BRANCHES], *out, *r;
} FuseCtx;

static double
fuse_loss (gpointer p)
{
  FuseCtx *c = p;

  fl_fusion_forward (c->out, (const float *const *) c->x, c->K, c->fusion, c->N, c->D);
  return dot_loss (c->r, c->out, (gsize) c->N * fl_fusion_width (c->fusion, c->K, c->D));
}

/* out[n, d] (or, for concat, out[n, k·D + d]) in double from the formula. */
static double
fuse_reference (const FuseCtx *c, int n, int k, int d)
{
  gsize i = (gsize) n * c->D + d;
  double s = 0, p = 1;

  /* product: a ⊙ b for two, Π (1 + x_k) − 1 for more */
  for (int j = 0; j < c->K; j++)
    {
      s += c->x[j][i];
      p *= (c->K >= 3 ? 1.0 : 0.0) + c->x[j][i];
    }
  if (c->K >= 3)
    p -= 1.0;
  switch (c->fusion)
    {
    case FL_FUSION_CONCAT:
    case FL_FUSION_LATE: return c->x[k][i];
    case FL_FUSION_MEAN: return s / c->K;
    case FL_FUSION_PRODUCT: return p;
    default: return c->x[0][i];   /* a unimodal route */
    }
}

static void
test_fusion (FlFusion fusion, int K)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (8 + K);
  FuseCtx c = { .N = 3, .D = 4, .K = K, .fusion = fusion };
  int F = fl_fusion_width (fusion, K, c.D);
  float *dx[FL_MAX_BRANCHES];
  gboolean concat = fusion == FL_FUSION_CONCAT || fusion == FL_FUSION_LATE;
  FlFusion back;

  g_assert_true (fl_fusion_from_string (fl_fusion_to_string (fusion), &back));
  g_assert_cmpint (back, ==, fusion);
  g_assert_cmpint (F, ==, concat ? K * c.D : c.D);
  for (int k = 0; k < K; k++)
    {
      c.x[k] = new_uniform (rng, c.N * c.D);
      dx[k] = g_new (float, c.N * c.D);
    }
  c.out = g_new (float, c.N * F);
  c.r = new_uniform (rng, c.N * F);

  fuse_loss (&c);
  for (int n = 0; n < c.N; n++)
    for (int k = 0; k < (concat ? K : 1); k++)
      for (int d = 0; d < c.D; d++)
        g_assert_cmpfloat_with_epsilon (c.out[n * F + k * c.D + d], fuse_reference (&c, n, k, d), 1e-6);
  /* two branches: exactly the operations of before */
  if (K == 2 && fusion == FL_FUSION_MEAN)
    g_assert_cmpfloat (c.out[0], ==, 0.5f * (c.x[0][0] + c.x[1][0]));

  fl_fusion_backward (dx, c.r, (const float *const *) c.x, K, fusion, c.N, c.D);
  for (int k = 0; k < K; k++)
    assert_linear_grad (c.x[k], c.N * c.D, dx[k], fuse_loss, &c);
  for (int k = 0; k < K; k++)
    {
      g_free (c.x[k]);
      g_free (dx[k]);
    }
  g_free (c.out); g_free (c.r);
}

static void
test_fusion_routes (gconstpointer data)
{
  FlFusion fusion = GPOINTER_TO_INT (data);

  if (fl_fusion_single_branch (fusion) >= 0)
    test_fusion (fusion, 1);
  else
    for (int K = 2; K <= FL_MAX_BRANCHES; K++)
      test_fusion (fusion, K);
}

/* ---- gated multimodal unit --------------------------------------------- */

typedef struct {
  int N, D, K;
  float *x[FL_MAX_BRANCHES], *w[FL_MAX_BRANCHES], *b[FL_MAX_BRANCHES], *wz, *bz;
  float *out, *h[FL_MAX_BRANCHES], *z, *r;
} GmuCtx;

static double
gmu_loss (gpointer p)
{
  GmuCtx *c = p;

  fl_gmu_forward (c->out, c->h, c->z, (const float *const *) c->x, (const float *const *) c->w,
                  (const float *const *) c->b, c->wz, c->bz, c->K, c->N, c->D);
  return dot_loss (c->r, c->out, (gsize) c->N * c->D);
}

/* f[n, d] in double: softmax over [l_1 … l_{K-1}, 0] of the gate's logits
 * weighing tanh(W_k x_k + b_k). */
static double
gmu_reference (const GmuCtx *c, int n, int d)
{
  const int D = c->D, K = c->K;
  double l[FL_MAX_BRANCHES] = { 0 }, h[FL_MAX_BRANCHES], m = 0, s = 0, f = 0;

  for (int k = 0; k < K; k++)
    {
      h[k] = c->b[k][d];
      for (int j = 0; j < D; j++)
        h[k] += (double) c->w[k][d * D + j] * c->x[k][n * D + j];
      h[k] = tanh (h[k]);
    }
  for (int k = 0; k < K - 1; k++)
    {
      l[k] = c->bz[k * D + d];
      for (int q = 0; q < K; q++)
        for (int j = 0; j < D; j++)
          l[k] += (double) c->wz[(gsize) (k * D + d) * K * D + q * D + j] * c->x[q][n * D + j];
      m = MAX (m, l[k]);
    }
  for (int k = 0; k < K; k++)
    s += exp (l[k] - m);   /* l[K-1] is the fixed 0 */
  for (int k = 0; k < K; k++)
    f += exp (l[k] - m) / s * h[k];
  return f;
}

static void
test_gmu (gconstpointer data)
{
  const int K = GPOINTER_TO_INT (data);
  g_autoptr(GRand) rng = g_rand_new_with_seed (9);
  GmuCtx c = { .N = 3, .D = 4, .K = K };
  const gsize ND = c.N * c.D, DD = c.D * c.D, L = (gsize) (K - 1) * c.D;
  float *dx[FL_MAX_BRANCHES], *dw[FL_MAX_BRANCHES], *db[FL_MAX_BRANCHES];
  g_autofree float *dwz = g_new0 (float, L * K * c.D), *dbz = g_new0 (float, L);

  for (int k = 0; k < K; k++)
    {
      c.x[k] = new_uniform (rng, ND);
      c.w[k] = new_uniform (rng, DD);
      c.b[k] = new_uniform (rng, c.D);
      c.h[k] = g_new (float, ND);
      dx[k] = g_new (float, ND);
      dw[k] = g_new0 (float, DD);
      db[k] = g_new0 (float, c.D);
    }
  c.wz = new_uniform (rng, L * K * c.D);
  c.bz = new_uniform (rng, L);
  c.out = g_new (float, ND);
  c.z = g_new (float, c.N * L);
  c.r = new_uniform (rng, ND);

  gmu_loss (&c);
  for (int n = 0; n < c.N; n++)
    for (int d = 0; d < c.D; d++)
      g_assert_cmpfloat_with_epsilon (c.out[n * c.D + d], gmu_reference (&c, n, d), 1e-5);
  /* two branches: the unit of Arevalo et al., z = σ(l), f = z h_1 + (1-z) h_2 */
  if (K == 2)
    g_assert_cmpfloat (c.out[0], ==, c.z[0] * c.h[0][0] + (1.0f - c.z[0]) * c.h[1][0]);

  fl_gmu_backward (dx, dw, db, dwz, dbz, c.r, (const float *const *) c.x, (const float *const *) c.h,
                   c.z, (const float *const *) c.w, c.wz, K, c.N, c.D);
  for (int k = 0; k < K; k++)
    {
      assert_smooth_grad (c.x[k], ND, dx[k], gmu_loss, &c);
      assert_smooth_grad (c.w[k], DD, dw[k], gmu_loss, &c);
      assert_smooth_grad (c.b[k], c.D, db[k], gmu_loss, &c);
    }
  assert_smooth_grad (c.wz, L * K * c.D, dwz, gmu_loss, &c);
  assert_smooth_grad (c.bz, L, dbz, gmu_loss, &c);
  for (int k = 0; k < K; k++)
    {
      g_free (c.x[k]); g_free (c.w[k]); g_free (c.b[k]); g_free (c.h[k]);
      g_free (dx[k]); g_free (dw[k]); g_free (db[k]);
    }
  g_free (c.wz); g_free (c.bz); g_free (c.out); g_free (c.z); g_free (c.r);
}

/* ---- low-rank bilinear fusion ------------------------------------------ */

typedef struct {
  int N, D, R, K;
  float *x[FL_MAX_BRANCHES], *w[FL_MAX_BRANCHES], *p[FL_MAX_BRANCHES], *out, *r;
} LmfCtx;

static double
lmf_loss (gpointer p)
{
  LmfCtx *c = p;

  fl_lmf_forward (c->out, c->p, (const float *const *) c->x, (const float *const *) c->w,
                  c->K, c->N, c->D, c->R);
  return dot_loss (c->r, c->out, (gsize) c->N * c->D);
}

/* f[n, d] = Σ_r Π_k (W_r^k [x_k;1])[d], in double */
static double
lmf_reference (const LmfCtx *c, int n, int d)
{
  double f = 0;

  for (int r = 0; r < c->R; r++)
    {
      double prod = 1;
      for (int k = 0; k < c->K; k++)
        {
          const float *w = c->w[k] + ((gsize) r * c->D + d) * (c->D + 1);
          double p = w[c->D];
          for (int j = 0; j < c->D; j++)
            p += (double) w[j] * c->x[k][n * c->D + j];
          prod *= p;
        }
      f += prod;
    }
  return f;
}

static void
test_lmf (gconstpointer data)
{
  const int K = GPOINTER_TO_INT (data);
  g_autoptr(GRand) rng = g_rand_new_with_seed (10);
  LmfCtx c = { .N = 3, .D = 4, .R = 3, .K = K };
  const gsize ND = c.N * c.D, W = (gsize) c.R * c.D * (c.D + 1);
  float *dx[FL_MAX_BRANCHES], *dw[FL_MAX_BRANCHES];

  for (int k = 0; k < K; k++)
    {
      c.x[k] = new_uniform (rng, ND);
      c.w[k] = new_uniform (rng, W);
      c.p[k] = g_new (float, c.R * ND);
      dx[k] = g_new (float, ND);
      dw[k] = g_new0 (float, W);
    }
  c.out = g_new (float, ND);
  c.r = new_uniform (rng, ND);

  lmf_loss (&c);
  for (int n = 0; n < c.N; n++)
    for (int d = 0; d < c.D; d++)
      g_assert_cmpfloat_with_epsilon (c.out[n * c.D + d], lmf_reference (&c, n, d), 1e-5);
  fl_lmf_backward (dx, dw, c.r, (const float *const *) c.x, (const float *const *) c.p,
                   (const float *const *) c.w, K, c.N, c.D, c.R);
  /* multilinear: linear in each x_k and w_k alone */
  for (int k = 0; k < K; k++)
    {
      assert_linear_grad (c.x[k], ND, dx[k], lmf_loss, &c);
      assert_linear_grad (c.w[k], W, dw[k], lmf_loss, &c);
    }
  for (int k = 0; k < K; k++)
    {
      g_free (c.x[k]); g_free (c.w[k]); g_free (c.p[k]); g_free (dx[k]); g_free (dw[k]);
    }
  g_free (c.out); g_free (c.r);
}

/* ---- late fusion -------------------------------------------------------- */

typedef struct {
  int N, C, K;
  float *l[FL_MAX_BRANCHES], *alpha, *out, *r;
} LateCtx;

static double
late_loss (gpointer p)
{
  LateCtx *c = p;
  float w[FL_MAX_BRANCHES];

  fl_late_forward (c->out, w, (const float *const *) c->l, c->alpha, c->K, c->N, c->C);
  return dot_loss (c->r, c->out, (gsize) c->N * c->C);
}

static void
test_late (gconstpointer data)
{
  const int K = GPOINTER_TO_INT (data);
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);
  LateCtx c = { .N = 3, .C = 5, .K = K };
  const gsize NC = c.N * c.C;
  float *dl[FL_MAX_BRANCHES], dalpha[FL_MAX_BRANCHES] = { 0 }, w[FL_MAX_BRANCHES];
  float zero[FL_MAX_BRANCHES] = { 0 }, sum = 0;

  for (int k = 0; k < K; k++)
    {
      c.l[k] = new_uniform (rng, NC);
      dl[k] = g_new (float, NC);
    }
  c.alpha = new_uniform (rng, K);
  c.out = g_new (float, NC); c.r = new_uniform (rng, NC);

  /* α = 0, its initial value, weighs the heads equally */
  fl_late_forward (c.out, w, (const float *const *) c.l, zero, K, c.N, c.C);
  for (int k = 0; k < K; k++)
    g_assert_cmpfloat_with_epsilon (w[k], 1.0 / K, 1e-7);
  fl_late_forward (c.out, w, (const float *const *) c.l, c.alpha, K, c.N, c.C);
  for (int k = 0; k < K; k++)
    {
      sum += w[k];
      g_assert_cmpfloat_with_epsilon (w[k] / w[0], exp (c.alpha[k] - c.alpha[0]), 1e-5);
    }
  g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-6);
  if (K == 2)
    for (gsize i = 0; i < NC; i++)
      g_assert_cmpfloat (c.out[i], ==, w[0] * c.l[0][i] + w[1] * c.l[1][i]);

  fl_late_backward (dl, dalpha, c.r, (const float *const *) c.l, c.alpha, K, c.N, c.C);
  for (int k = 0; k < K; k++)
    assert_linear_grad (c.l[k], NC, dl[k], late_loss, &c);
  assert_smooth_grad (c.alpha, K, dalpha, late_loss, &c);
  for (int k = 0; k < K; k++)
    {
      g_free (c.l[k]);
      g_free (dl[k]);
    }
  g_free (c.alpha); g_free (c.out); g_free (c.r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (int f = 0; f < FL_N_FUSIONS; f++)
    {
      g_autofree char *path = g_strdup_printf ("/ops/fusion/%s", fl_fusion_to_string (f));
      /* gated and lowrank have operators of their own, tested below */
      if (!fl_fusion_has_params (f))
        g_test_add_data_func (path, GINT_TO_POINTER (f), test_fusion_routes);
    }
  for (int K = 2; K <= FL_MAX_BRANCHES; K++)
    {
      g_autofree char *gmu = g_strdup_printf ("/ops/gmu/%d", K);
      g_autofree char *lmf = g_strdup_printf ("/ops/lmf/%d", K);
      g_autofree char *late = g_strdup_printf ("/ops/late/%d", K);

      g_test_add_data_func (gmu, GINT_TO_POINTER (K), test_gmu);
      g_test_add_data_func (lmf, GINT_TO_POINTER (K), test_lmf);
      g_test_add_data_func (late, GINT_TO_POINTER (K), test_late);
    }
  return g_test_run ();
}
