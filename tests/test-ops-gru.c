/* SPDX-License-Identifier: MIT
 *
 * The GRU operator: forward against torch.nn.GRU's equations run in double
 * on each sample alone (its own length, no padding), padding that changes
 * nothing, and backward (the inputs, the four tensors, both poolings)
 * against central finite differences of the forward (ε = 1e-2, to 1e-2),
 * on batches of mixed
 * lengths: full, short, length 1 and empty. The check against torch
 * itself is in test-torch.c.
 */
#include "fl-ops.h"
#include "fl-test-util.h"

#include <math.h>
#include <string.h>

#define TOL_SMOOTH 1e-2
/* not test-ops.c's 1e-3: the loss sums states through several float steps,
 * and its rounding (about 3e-5 of a gradient at ε = 1e-3) is a third of
 * the tolerance for the smallest gradients; at 1e-2 the O(ε²) term stays
 * near 1e-4 */
#define EPS 1e-2

typedef struct {
  int N, T, E, D;
  gboolean mean;
  const gint32 *len;
  float *x, *w_ih, *w_hh, *b_ih, *b_hh;   /* the inputs */
  float *h, *g, *hn, *out, *r;           /* forward's */
} GruCtx;

static void
ctx_init (GruCtx *c, GRand *rng, int N, int T, int E, int D, const gint32 *len, gboolean mean)
{
  *c = (GruCtx) { .N = N, .T = T, .E = E, .D = D, .mean = mean, .len = len };
  c->x = g_new0 (float, (gsize) N * T * E);
  c->w_ih = g_new (float, 3 * D * E);
  c->w_hh = g_new (float, 3 * D * D);
  c->b_ih = g_new (float, 3 * D);
  c->b_hh = g_new (float, 3 * D);
  c->h = g_new (float, (gsize) N * (T + 1) * D);
  c->g = g_new (float, (gsize) N * T * 3 * D);
  c->hn = g_new (float, (gsize) N * T * D);
  c->out = g_new (float, (gsize) N * D);
  c->r = g_new (float, (gsize) N * D);
  /* padding steps hold zeros, as the model gathers them */
  for (int i = 0; i < N; i++)
    fill_uniform (rng, c->x + (gsize) i * T * E, (gsize) MIN (len[i], T) * E, -1, 1);
  /* weights of torch's initial scale, ±1/√D, keep the gates off their
   * flat tails, where float differences lose their digits */
  fill_uniform (rng, c->w_ih, 3 * D * E, -1 / sqrt (D), 1 / sqrt (D));
  fill_uniform (rng, c->w_hh, 3 * D * D, -1 / sqrt (D), 1 / sqrt (D));
  fill_uniform (rng, c->b_ih, 3 * D, -1, 1);
  fill_uniform (rng, c->b_hh, 3 * D, -1, 1);
  fill_uniform (rng, c->r, (gsize) N * D, -1, 1);
}

static void
ctx_clear (GruCtx *c)
{
  float *all[] = { c->x, c->w_ih, c->w_hh, c->b_ih, c->b_hh, c->h, c->g, c->hn, c->out, c->r };

  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    g_free (all[i]);
}

static void
ctx_forward (GruCtx *c)
{
  fl_gru_forward (c->h, c->g, c->hn, c->x, c->len, c->w_ih, c->w_hh, c->b_ih, c->b_hh,
                  c->N, c->T, c->E, c->D);
  fl_gru_pool_forward (c->out, c->h, c->len, c->mean, c->N, c->T, c->D);
}

static double
gru_loss (gpointer p)
{
  GruCtx *c = p;

  ctx_forward (c);
  return dot_loss (c->r, c->out, (gsize) c->N * c->D);
}

/* Σ_k w[j,k] v[k] + b[j] in double. */
static double
affine (const float *w, const float *b, const double *v, int j, int n)
{
  double s = b[j];

  for (int k = 0; k < n; k++)
    s += w[(gsize) j * n + k] * v[k];
  return s;
}

/* Sample i's pooled state from the equations, in double, over its own
 * steps only. */
static void
reference (const GruCtx *c, int i, double *out)
{
  const int D = c->D, E = c->E, L = MIN (c->len[i], c->T);
  g_autofree double *h = g_new0 (double, D), *hn = g_new (double, D), *x = g_new (double, E);

  memset (out, 0, sizeof (double) * D);
  for (int t = 0; t < L; t++)
    {
      for (int e = 0; e < E; e++)
        x[e] = c->x[((gsize) i * c->T + t) * E + e];
      for (int k = 0; k < D; k++)
        {
          double r = 1 / (1 + exp (-(affine (c->w_ih, c->b_ih, x, k, E) + affine (c->w_hh, c->b_hh, h, k, D))));
          double z = 1 / (1 + exp (-(affine (c->w_ih, c->b_ih, x, D + k, E) +
                                     affine (c->w_hh, c->b_hh, h, D + k, D))));
          double n = tanh (affine (c->w_ih, c->b_ih, x, 2 * D + k, E) +
                           r * affine (c->w_hh, c->b_hh, h, 2 * D + k, D));
          hn[k] = (1 - z) * n + z * h[k];
        }
      memcpy (h, hn, sizeof (double) * D);
      for (int k = 0; k < D; k++)
        out[k] += c->mean ? h[k] / L : 0;
    }
  if (!c->mean)
    memcpy (out, h, sizeof (double) * D);
}

static const gint32 mixed[] = { 4, 2, 1, 0, 3 };

static void
test_gru_forward_reference (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  double want[6];

  for (int mean = 0; mean <= 1; mean++)
    {
      GruCtx c;

      ctx_init (&c, rng, G_N_ELEMENTS (mixed), 4, 5, 6, mixed, mean);
      ctx_forward (&c);
      for (int i = 0; i < c.N; i++)
        {
          reference (&c, i, want);
          for (int k = 0; k < c.D; k++)
            g_assert_cmpfloat (fabs (c.out[(gsize) i * c.D + k] - want[k]), <, 1e-5);
        }
      ctx_clear (&c);
    }
}

/* Whatever a padding step's input holds, the pooled states stay the same
 * bits, and so do a sample's alone and in a batch of longer ones. */
static void
test_gru_padding (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (4);
  const int D = 6, E = 5;

  for (int mean = 0; mean <= 1; mean++)
    {
      GruCtx c, one;
      g_autofree float *before = NULL;

      ctx_init (&c, rng, G_N_ELEMENTS (mixed), 4, E, D, mixed, mean);
      ctx_forward (&c);
      before = g_memdup2 (c.out, sizeof (float) * c.N * D);
      for (int i = 0; i < c.N; i++)
        for (int t = mixed[i]; t < c.T; t++)
          fill_uniform (rng, c.x + ((gsize) i * c.T + t) * E, E, -5, 5);
      ctx_forward (&c);
      g_assert_cmpmem (before, sizeof (float) * c.N * D, c.out, sizeof (float) * c.N * D);

      /* sample 1 (length 2) alone, laid out over 2 steps */
      ctx_init (&one, rng, 1, 2, E, D, &mixed[1], mean);
      memcpy (one.x, c.x + (gsize) 1 * c.T * E, sizeof (float) * 2 * E);
      memcpy (one.w_ih, c.w_ih, sizeof (float) * 3 * D * E);
      memcpy (one.w_hh, c.w_hh, sizeof (float) * 3 * D * D);
      memcpy (one.b_ih, c.b_ih, sizeof (float) * 3 * D);
      memcpy (one.b_hh, c.b_hh, sizeof (float) * 3 * D);
      ctx_forward (&one);
      for (int k = 0; k < D; k++)
        g_assert_cmpfloat (fabs (one.out[k] - c.out[D + k]), <, 1e-6);
      ctx_clear (&one);
      ctx_clear (&c);
    }
}

static void
check_grads (int T, const gint32 *len, int N, gboolean mean)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (5 + T);
  const int E = 4, D = 5;
  GruCtx c;
  g_autofree float *dh = NULL, *dg = NULL, *dhn = NULL, *dx = NULL;
  g_autofree float *dw_ih = g_new0 (float, 3 * D * E), *dw_hh = g_new0 (float, 3 * D * D);
  g_autofree float *db_ih = g_new0 (float, 3 * D), *db_hh = g_new0 (float, 3 * D);

  ctx_init (&c, rng, N, T, E, D, len, mean);
  dh = g_new (float, (gsize) N * (T + 1) * D);
  dg = g_new (float, (gsize) N * T * 3 * D);
  dhn = g_new (float, (gsize) N * T * D);
  dx = g_new (float, (gsize) N * T * E);
  ctx_forward (&c);
  fl_gru_pool_backward (dh, c.r, len, mean, N, T, D);
  fl_gru_backward (dx, dh, dg, dhn, c.h, c.g, c.hn, len, c.w_ih, c.w_hh, N, T, E, D);
  fl_gru_backward_weights (dw_ih, dw_hh, db_ih, db_hh, dg, dhn, c.x, c.h, N, T, E, D);

  g_assert_cmpfloat (grad_check (c.x, (gsize) N * T * E, dx, gru_loss, &c, EPS, 1e-2, 0), <, TOL_SMOOTH);
  g_assert_cmpfloat (grad_check (c.w_ih, 3 * D * E, dw_ih, gru_loss, &c, EPS, 1e-2, 0), <, TOL_SMOOTH);
  g_assert_cmpfloat (grad_check (c.w_hh, 3 * D * D, dw_hh, gru_loss, &c, EPS, 1e-2, 0), <, TOL_SMOOTH);
  g_assert_cmpfloat (grad_check (c.b_ih, 3 * D, db_ih, gru_loss, &c, EPS, 1e-2, 0), <, TOL_SMOOTH);
  g_assert_cmpfloat (grad_check (c.b_hh, 3 * D, db_hh, gru_loss, &c, EPS, 1e-2, 0), <, TOL_SMOOTH);
  /* a padding step's input has no gradient */
  for (int i = 0; i < N; i++)
    for (gsize k = (gsize) MIN (len[i], T) * E; k < (gsize) T * E; k++)
      g_assert_cmpfloat (dx[(gsize) i * T * E + k], ==, 0.0f);
  ctx_clear (&c);
}

static void
test_gru_grad_mixed (void)
{
  check_grads (4, mixed, G_N_ELEMENTS (mixed), FALSE);
  check_grads (4, mixed, G_N_ELEMENTS (mixed), TRUE);
}

/* Length 1: one step, h_0 = 0, so W_hh gets no gradient but through its
 * bias; the check still holds (a zero gradient both ways). */
static void
test_gru_grad_length_one (void)
{
  static const gint32 ones[] = { 1, 1 };

  check_grads (1, ones, 2, FALSE);
  check_grads (1, ones, 2, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/gru/forward-reference", test_gru_forward_reference);
  g_test_add_func ("/ops/gru/padding", test_gru_padding);
  g_test_add_func ("/ops/gru/grad-mixed-lengths", test_gru_grad_mixed);
  g_test_add_func ("/ops/gru/grad-length-one", test_gru_grad_length_one);
  return g_test_run ();
}
