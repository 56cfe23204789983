/* SPDX-License-Identifier: MIT
 *
 * Every operator's backward against central finite differences of its
 * forward, plus forward checks against naive reference loops.
 *
 * Tolerances: the error of one element is |analytic - numeric| divided by
 * max(|analytic|, |numeric|, 1e-2). Operators that are linear in the
 * perturbed input (conv, linear, embedding-bag) use ε = 0.1, where a
 * central difference is exact up to float rounding, and must agree to 1e-3.
 * Piecewise-linear ones (ReLU, max-pool) use inputs kept ≥ 0.01 from any
 * kink and ε = 1e-3, and must agree to 1e-3. Softmax cross-entropy uses
 * ε = 1e-3 and must agree to 1e-2 (its curvature makes the O(ε²) term).
 * The fusion operators are in test-ops-fusion.c.
 */
#include "fl-ops.h"
#include "fl-test-util.h"

#include <string.h>

#define TOL_LINEAR 1e-3
#define TOL_SMOOTH 1e-2

/* A new array of n floats drawn from U(-1, 1). */
static float *
new_uniform (GRand *rng, gsize n)
{
  float *x = g_new (float, n);

  fill_uniform (rng, x, n, -1, 1);
  return x;
}

/* dx, the gradient of an operator linear in x (n floats), agrees with
 * central differences of loss at ε = 0.1. */
static void
assert_linear_grad (float *x, gsize n, const float *dx, LossFn loss, gpointer ctx)
{
  g_assert_cmpfloat (grad_check (x, n, dx, loss, ctx, 0.1, 1e-2, 0), <, TOL_LINEAR);
}

/* ---- conv --------------------------------------------------------------- */

typedef struct {
  int N, C, H, W, K;
  float *in, *w, *b, *out, *r, *scratch;
} ConvCtx;

static double
conv_loss (gpointer p)
{
  ConvCtx *c = p;
  fl_conv3x3_forward (c->out, c->in, c->w, c->b, c->scratch, c->N, c->C, c->H, c->W, c->K);
  return dot_loss (c->r, c->out, (gsize) c->N * c->K * c->H * c->W);
}

static void
test_conv_forward_reference (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (1);
  const int N = 2, C = 3, H = 5, W = 7, K = 4;
  g_autofree float *in = g_new (float, N * C * H * W);
  g_autofree float *w = g_new (float, K * C * 9);
  g_autofree float *b = g_new (float, K);
  g_autofree float *out = g_new (float, N * K * H * W);
  g_autofree float *scratch = g_new (float, fl_conv3x3_scratch_size (C, H, W));

  fill_uniform (rng, in, N * C * H * W, -1, 1);
  fill_uniform (rng, w, K * C * 9, -1, 1);
  fill_uniform (rng, b, K, -1, 1);
  fl_conv3x3_forward (out, in, w, b, scratch, N, C, H, W, K);

  for (int n = 0; n < N; n++)
    for (int k = 0; k < K; k++)
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            double s = b[k];
            for (int c = 0; c < C; c++)
              for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++)
                  {
                    int yy = y + ky - 1, xx = x + kx - 1;
                    if (yy >= 0 && yy < H && xx >= 0 && xx < W)
                      s += (double) w[((k * C + c) * 3 + ky) * 3 + kx] *
                           in[((n * C + c) * H + yy) * W + xx];
                  }
            g_assert_cmpfloat_with_epsilon (out[((n * K + k) * H + y) * W + x], s, 1e-5);
          }
}

static void
test_conv_grad (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (2);
  ConvCtx c = { .N = 2, .C = 3, .H = 6, .W = 5, .K = 4 };
  gsize nin = c.N * c.C * c.H * c.W, nw = c.K * c.C * 9, nout = c.N * c.K * c.H * c.W;
  g_autofree float *din = g_new (float, nin);
  g_autofree float *dw = g_new0 (float, nw);
  g_autofree float *db = g_new0 (float, c.K);

  c.in = new_uniform (rng, nin);
  c.w = new_uniform (rng, nw);
  c.b = new_uniform (rng, c.K);
  c.out = g_new (float, nout);
  c.r = new_uniform (rng, nout);
  c.scratch = g_new (float, fl_conv3x3_scratch_size (c.C, c.H, c.W));

  fl_conv3x3_backward (din, dw, db, c.r, c.in, c.w, c.scratch, c.N, c.C, c.H, c.W, c.K);

  assert_linear_grad (c.in, nin, din, conv_loss, &c);
  assert_linear_grad (c.w, nw, dw, conv_loss, &c);
  assert_linear_grad (c.b, c.K, db, conv_loss, &c);

  g_free (c.in); g_free (c.w); g_free (c.b); g_free (c.out); g_free (c.r); g_free (c.scratch);
}

/* ---- max-pool ----------------------------------------------------------- */

typedef struct {
  int N, C, H, W;
  float *in, *out, *r;
  gint32 *am;
} PoolCtx;

static double
pool_loss (gpointer p)
{
  PoolCtx *c = p;
  fl_maxpool2_forward (c->out, c->am, c->in, c->N, c->C, c->H, c->W);
  return dot_loss (c->r, c->out, (gsize) c->N * c->C * (c->H / 2) * (c->W / 2));
}

static void
test_maxpool (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  PoolCtx c = { .N = 2, .C = 3, .H = 6, .W = 8 };
  gsize nin = c.N * c.C * c.H * c.W, nout = nin / 4;
  g_autofree float *din = g_new (float, nin);

  c.in = g_new (float, nin);
  c.out = g_new (float, nout);
  c.r = g_new (float, nout);
  c.am = g_new (gint32, nout);
  /* distinct values 0.01 apart, shuffled: no ties, no winner changes under ε */
  for (gsize i = 0; i < nin; i++)
    c.in[i] = 0.01f * (float) i - 1.0f;
  for (gsize i = nin - 1; i > 0; i--)
    {
      gsize j = g_rand_int_range (rng, 0, (gint32) i + 1);
      float t = c.in[i]; c.in[i] = c.in[j]; c.in[j] = t;
    }
  fill_uniform (rng, c.r, nout, -1, 1);

  pool_loss (&c);
  for (int p = 0; p < c.N * c.C; p++)
    for (int y = 0; y < c.H / 2; y++)
      for (int x = 0; x < c.W / 2; x++)
        {
          const float *s = c.in + p * c.H * c.W;
          float m = MAX (MAX (s[2 * y * c.W + 2 * x], s[2 * y * c.W + 2 * x + 1]),
                         MAX (s[(2 * y + 1) * c.W + 2 * x], s[(2 * y + 1) * c.W + 2 * x + 1]));
          g_assert_cmpfloat (c.out[(p * c.H / 2 + y) * c.W / 2 + x], ==, m);
        }

  fl_maxpool2_backward (din, c.r, c.am, c.N, c.C, c.H, c.W);
  g_assert_cmpfloat (grad_check (c.in, nin, din, pool_loss, &c, 1e-3, 1e-2, 0), <, TOL_LINEAR);

  g_free (c.in); g_free (c.out); g_free (c.r); g_free (c.am);
}

/* ---- linear ------------------------------------------------------------- */

typedef struct {
  int N, I, O;
  float *in, *w, *b, *out, *r;
} LinCtx;

static double
lin_loss (gpointer p)
{
  LinCtx *c = p;
  fl_linear_forward (c->out, c->in, c->w, c->b, c->N, c->I, c->O);
  return dot_loss (c->r, c->out, (gsize) c->N * c->O);
}

static void
test_linear (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (4);
  LinCtx c = { .N = 3, .I = 7, .O = 5 };
  g_autofree float *din = g_new (float, c.N * c.I);
  g_autofree float *dw = g_new0 (float, c.O * c.I);
  g_autofree float *db = g_new0 (float, c.O);

  c.in = new_uniform (rng, c.N * c.I);
  c.w = new_uniform (rng, c.O * c.I);
  c.b = new_uniform (rng, c.O);
  c.out = g_new (float, c.N * c.O);
  c.r = new_uniform (rng, c.N * c.O);

  lin_loss (&c);
  for (int n = 0; n < c.N; n++)
    for (int o = 0; o < c.O; o++)
      {
        double s = c.b[o];
        for (int i = 0; i < c.I; i++)
          s += (double) c.in[n * c.I + i] * c.w[o * c.I + i];
        g_assert_cmpfloat_with_epsilon (c.out[n * c.O + o], s, 1e-5);
      }

  fl_linear_backward (din, dw, db, c.r, c.in, c.w, c.N, c.I, c.O);
  assert_linear_grad (c.in, c.N * c.I, din, lin_loss, &c);
  assert_linear_grad (c.w, c.O * c.I, dw, lin_loss, &c);
  assert_linear_grad (c.b, c.O, db, lin_loss, &c);

  g_free (c.in); g_free (c.w); g_free (c.b); g_free (c.out); g_free (c.r);
}

/* ---- ReLU --------------------------------------------------------------- */

typedef struct {
  gsize n;
  float *x, *y, *r;
} ReluCtx;

static double
relu_loss (gpointer p)
{
  ReluCtx *c = p;
  memcpy (c->y, c->x, sizeof (float) * c->n);
  fl_relu_forward (c->y, c->n);
  return dot_loss (c->r, c->y, c->n);
}

static void
test_relu (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (5);
  ReluCtx c = { .n = 64 };
  g_autofree float *dx = g_new (float, c.n);

  c.x = g_new (float, c.n);
  c.y = g_new (float, c.n);
  c.r = g_new (float, c.n);
  fill_away_from_zero (rng, c.x, c.n, 0.01);
  fill_uniform (rng, c.r, c.n, -1, 1);

  relu_loss (&c);
  for (gsize i = 0; i < c.n; i++)
    g_assert_cmpfloat (c.y[i], ==, c.x[i] > 0 ? c.x[i] : 0.0f);
  memcpy (dx, c.r, sizeof (float) * c.n);
  fl_relu_backward (dx, c.y, c.n);
  g_assert_cmpfloat (grad_check (c.x, c.n, dx, relu_loss, &c, 1e-3, 1e-2, 0), <, TOL_LINEAR);

  g_free (c.x); g_free (c.y); g_free (c.r);
}

/* ---- embedding-bag ------------------------------------------------------ */

typedef struct {
  int N, V, H;
  gint32 *off, *idx;
  float *w, *b, *out, *r;
} BagCtx;

static double
bag_loss (gpointer p)
{
  BagCtx *c = p;
  fl_embag_forward (c->out, c->off, c->idx, c->w, c->b, c->N, c->H);
  return dot_loss (c->r, c->out, (gsize) c->N * c->H);
}

static void
test_embag (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (6);
  /* sample 0: tokens {1, 4, 7}; sample 1: none; sample 2: {4, 9} */
  gint32 off[] = { 0, 3, 3, 5 };
  gint32 idx[] = { 1, 4, 7, 4, 9 };
  BagCtx c = { .N = 3, .V = 12, .H = 5, .off = off, .idx = idx };
  g_autofree float *dw = g_new0 (float, c.V * c.H);
  g_autofree float *db = g_new0 (float, c.H);

  c.w = new_uniform (rng, c.V * c.H);
  c.b = new_uniform (rng, c.H);
  c.out = g_new (float, c.N * c.H);
  c.r = new_uniform (rng, c.N * c.H);

  /* forward equals the dense multi-hot product x · w + b */
  bag_loss (&c);
  for (int n = 0; n < c.N; n++)
    for (int h = 0; h < c.H; h++)
      {
        double s = c.b[h];
        for (int t = off[n]; t < off[n + 1]; t++)
          s += c.w[idx[t] * c.H + h];
        g_assert_cmpfloat_with_epsilon (c.out[n * c.H + h], s, 1e-6);
      }

  fl_embag_backward (dw, db, c.r, off, idx, c.N, c.H);
  /* rows of absent tokens are never touched */
  for (int v = 0; v < c.V; v++)
    if (v != 1 && v != 4 && v != 7 && v != 9)
      for (int h = 0; h < c.H; h++)
        g_assert_cmpfloat (dw[v * c.H + h], ==, 0.0f);
  assert_linear_grad (c.w, c.V * c.H, dw, bag_loss, &c);
  assert_linear_grad (c.b, c.H, db, bag_loss, &c);

  g_free (c.w); g_free (c.b); g_free (c.out); g_free (c.r);
}

/* ---- softmax cross-entropy ---------------------------------------------- */

typedef struct {
  int N, C;
  float *logits, *probs;
  gint32 *labels;
} XentCtx;

static double
xent_loss (gpointer p)
{
  XentCtx *c = p;
  return fl_softmax_xent (c->probs, NULL, c->logits, c->labels, c->N, c->C);
}

static void
test_softmax_xent (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (7);
  gint32 labels[] = { 0, 3, 2, 3 };
  XentCtx c = { .N = 4, .C = 5, .labels = labels };
  g_autofree float *dlogits = g_new (float, c.N * c.C);
  float big[2] = { 1000.0f, -1000.0f };
  gint32 lab1 = 1;
  float pbig[2];
  double loss;

  c.logits = g_new (float, c.N * c.C);
  c.probs = g_new (float, c.N * c.C);
  fill_uniform (rng, c.logits, c.N * c.C, -3, 3);

  loss = fl_softmax_xent (c.probs, dlogits, c.logits, labels, c.N, c.C);
  {
    double ref = 0.0;
    for (int n = 0; n < c.N; n++)
      {
        double z = 0.0, psum = 0.0;
        for (int k = 0; k < c.C; k++)
          z += exp (c.logits[n * c.C + k]);
        ref += log (z) - c.logits[n * c.C + labels[n]];
        for (int k = 0; k < c.C; k++)
          psum += c.probs[n * c.C + k];
        g_assert_cmpfloat_with_epsilon (psum, 1.0, 1e-6);
      }
    g_assert_cmpfloat_with_epsilon (loss, ref / c.N, 1e-6);
  }
  g_assert_cmpfloat (grad_check (c.logits, c.N * c.C, dlogits, xent_loss, &c, 1e-3, 1e-2, 0),
                     <, TOL_SMOOTH);

  /* huge logits: no overflow, loss of the losing class is the gap */
  loss = fl_softmax_xent (pbig, NULL, big, &lab1, 1, 2);
  g_assert_true (isfinite (loss));
  g_assert_cmpfloat_with_epsilon (loss, 2000.0, 1e-3);

  g_free (c.logits); g_free (c.probs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/conv3x3/forward-reference", test_conv_forward_reference);
  g_test_add_func ("/ops/conv3x3/grad", test_conv_grad);
  g_test_add_func ("/ops/maxpool2", test_maxpool);
  g_test_add_func ("/ops/linear", test_linear);
  g_test_add_func ("/ops/relu", test_relu);
  g_test_add_func ("/ops/embag", test_embag);
  g_test_add_func ("/ops/softmax-xent", test_softmax_xent);
  return g_test_run ();
}
