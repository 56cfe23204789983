/* SPDX-License-Identifier: MIT
 *
 * The matching task's operators (fl-match.h): every backward against
 * central finite differences, the InfoNCE loss against a direct
 * double-precision computation, the temperature clamp, and the retrieval
 * metrics against a brute-force sort and hand-made matrices.
 *
 * Tolerances as in test-ops.c: the error of one element is
 * |analytic - numeric| / max(|analytic|, |numeric|, 1e-2). The L2-norm
 * uses ε = 1e-3 through its float forward and must agree to 1e-2. The
 * InfoNCE and hinge differences are taken of double-precision reference
 * losses written out here (the forwards are checked against the same
 * references), so float rounding does not swamp them: InfoNCE must agree to
 * 1e-4, tight enough that a gradient 0.1% off fails. The hinge loss is
 * linear in u and v while its active set holds, so it uses ε = 1e-3 on
 * random inputs (no kink within reach at this seed) and must agree to 1e-3.
 *
 * The mapping losses (cosine through the L2-norm, MSE on raw rows) against
 * their definitions in double, by finite differences to 1e-4.
 *
 * tests/data/match-fixture.json, written by tools/make-match-fixture.py,
 * holds PyTorch's loss and gradients of normalize → InfoNCE/hinge, and of
 * 1 - cosine_similarity and mse_loss, in float64
 * for float32 inputs; the engine's float chain must agree to 1e-5 in the
 * loss and to 1e-4 of the largest gradient element.
 */
#include "fl-match.h"
#include "fl-test-util.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#define TOL_LINEAR 1e-3
#define TOL_SMOOTH 1e-2
#define TOL_NCE 1e-4

/* ---- L2-normalisation --------------------------------------------------- */

typedef struct {
  int N, E;
  float *x, *y, *r;
} NormCtx;

static double
norm_loss (gpointer p)
{
  NormCtx *c = p;
  fl_l2norm_forward (c->y, c->x, c->N, c->E);
  return dot_loss (c->r, c->y, (gsize) c->N * c->E);
}

static void
test_l2norm_forward (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);
  const int N = 4, E = 7;
  float x[4 * 7], y[4 * 7];

  fill_uniform (rng, x, N * E, -2, 2);
  memset (x + 2 * E, 0, sizeof (float) * E);   /* row 2 is all zero */
  fl_l2norm_forward (y, x, N, E);
  for (int n = 0; n < N; n++)
    {
      double s = 0.0, r = 0.0;
      for (int e = 0; e < E; e++)
        {
          s += (double) y[n * E + e] * y[n * E + e];
          r += (double) x[n * E + e] * x[n * E + e];
        }
      if (n == 2)
        g_assert_cmpfloat (s, ==, 0.0);        /* the guard: 0, not NaN */
      else
        {
          g_assert_cmpfloat_with_epsilon (s, 1.0, 1e-6);
          for (int e = 0; e < E; e++)
            g_assert_cmpfloat_with_epsilon (y[n * E + e], x[n * E + e] / sqrt (r), 1e-6);
        }
    }
}

static void
test_l2norm_grad (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (12);
  NormCtx c = { .N = 5, .E = 6 };
  gsize n = (gsize) c.N * c.E;
  g_autofree float *dx = g_new (float, n);

  c.x = g_new (float, n);
  c.y = g_new (float, n);
  c.r = g_new (float, n);
  fill_uniform (rng, c.x, n, -1, 1);
  fill_uniform (rng, c.r, n, -1, 1);
  fl_l2norm_forward (c.y, c.x, c.N, c.E);
  fl_l2norm_backward (dx, c.r, c.x, c.y, c.N, c.E);
  g_assert_cmpfloat (grad_check (c.x, n, dx, norm_loss, &c, 1e-3, 1e-2, 0), <, TOL_SMOOTH);

  /* rows below the guard: y = x / eps, linear, so dx = dy / eps */
  fill_uniform (rng, c.x, n, -1e-14, 1e-14);
  fl_l2norm_forward (c.y, c.x, c.N, c.E);
  fl_l2norm_backward (dx, c.r, c.x, c.y, c.N, c.E);
  g_assert_cmpfloat_with_epsilon (dx[3] * FL_L2NORM_EPS, c.r[3], 1e-6);
  g_assert_cmpfloat (grad_check (c.x, n, dx, norm_loss, &c, 1e-16, 1e-2, 0), <, TOL_LINEAR);

  g_free (c.x); g_free (c.y); g_free (c.r);
}

/* ---- InfoNCE ------------------------------------------------------------ */

typedef struct {
  int N, E;
  float *u, *v, *logits;
  float s[1];
} NceCtx;

/* The loss written out in double from its definition, with no shared code:
 * t = min(e^s, 100), Z = t·u vᵀ, the two cross-entropies with a plain
 * (shifted) log Σ exp. */
static double
nce_reference (gpointer p)
{
  NceCtx *c = p;
  int N = c->N, E = c->E;
  g_autofree double *Z = g_new (double, (gsize) N * N);
  double t = MIN (exp ((double) c->s[0]), 100.0), loss = 0.0;

  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      {
        double d = 0.0;
        for (int e = 0; e < E; e++)
          d += (double) c->u[i * E + e] * c->v[j * E + e];
        Z[i * N + j] = t * d;
      }
  for (int i = 0; i < N; i++)
    {
      double mr = -INFINITY, mc = -INFINITY, sr = 0.0, sc = 0.0;
      for (int k = 0; k < N; k++)
        {
          mr = MAX (mr, Z[i * N + k]);
          mc = MAX (mc, Z[k * N + i]);
        }
      for (int k = 0; k < N; k++)
        {
          sr += exp (Z[i * N + k] - mr);
          sc += exp (Z[k * N + i] - mc);
        }
      loss += (mr + log (sr) - Z[i * N + i]) + (mc + log (sc) - Z[i * N + i]);
    }
  return loss / (2.0 * N);
}

/* Unit rows u, v (N,E) drawn at random, s = log(1/0.07). */
static void
nce_init (NceCtx *c, GRand *rng)
{
  gsize n = (gsize) c->N * c->E;
  g_autofree float *raw = g_new (float, n);

  c->u = g_new (float, n);
  c->v = g_new (float, n);
  c->logits = g_new (float, (gsize) c->N * c->N);
  fill_uniform (rng, raw, n, -1, 1);
  fl_l2norm_forward (c->u, raw, c->N, c->E);
  fill_uniform (rng, raw, n, -1, 1);
  fl_l2norm_forward (c->v, raw, c->N, c->E);
  c->s[0] = (float) FL_INFONCE_INIT_LOG_SCALE;
}

static void
nce_clear (NceCtx *c)
{
  g_free (c->u); g_free (c->v); g_free (c->logits);
}

static void
test_infonce_forward (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (21);
  NceCtx c = { .N = 9, .E = 5 };
  double loss;

  nce_init (&c, rng);
  g_assert_cmpfloat_with_epsilon (exp (c.s[0]), 1 / 0.07, 1e-4);
  loss = fl_infonce_forward (c.logits, c.u, c.v, c.s[0], c.N, c.E);
  g_assert_cmpfloat_with_epsilon (loss, nce_reference (&c), 1e-5);
  g_assert_cmpfloat_with_epsilon (c.logits[2 * c.N + 7],
                                  exp (c.s[0]) * (c.u[2 * c.E] * c.v[7 * c.E] +
                                                  c.u[2 * c.E + 1] * c.v[7 * c.E + 1] +
                                                  c.u[2 * c.E + 2] * c.v[7 * c.E + 2] +
                                                  c.u[2 * c.E + 3] * c.v[7 * c.E + 3] +
                                                  c.u[2 * c.E + 4] * c.v[7 * c.E + 4]), 1e-4);

  /* u = v, t = 100: logits of 100 on the diagonal, no overflow, and a loss
   * near 0 when the rows are far apart (here orthogonal: e^-100 terms) */
  memset (c.u, 0, sizeof (float) * c.N * c.E);
  for (int i = 0; i < c.E; i++)
    c.u[i * c.E + i] = 1.0f;
  c.s[0] = 10.0f;
  loss = fl_infonce_forward (c.logits, c.u, c.u, c.s[0], c.E, c.E);
  g_assert_true (isfinite (loss));
  g_assert_cmpfloat (loss, <, 1e-30);
  g_assert_cmpfloat (loss, >=, 0.0);
  nce_clear (&c);
}

static void
test_infonce_grad (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (22);
  NceCtx c = { .N = 6, .E = 4 };
  gsize n = (gsize) c.N * c.E;
  g_autofree float *du = g_new (float, n);
  g_autofree float *dv = g_new (float, n);
  g_autofree float *scratch = g_new (float, (gsize) c.N * c.N);
  float ds = 0.25f;   /* accumulates: the check is of ds - 0.25 */

  nce_init (&c, rng);
  c.s[0] = 1.0f;      /* t = e: sharper curvature than 14.3 makes FD coarse */
  fl_infonce_forward (c.logits, c.u, c.v, c.s[0], c.N, c.E);
  fl_infonce_backward (du, dv, &ds, scratch, c.logits, c.u, c.v, c.s[0], c.N, c.E);
  ds -= 0.25f;
  g_assert_cmpfloat (fabs (ds), >, 1e-4);
  g_assert_cmpfloat (grad_check (c.u, n, du, nce_reference, &c, 1e-3, 1e-2, 0), <, TOL_NCE);
  g_assert_cmpfloat (grad_check (c.v, n, dv, nce_reference, &c, 1e-3, 1e-2, 0), <, TOL_NCE);
  g_assert_cmpfloat (grad_check (c.s, 1, &ds, nce_reference, &c, 1e-3, 1e-2, 0), <, TOL_NCE);

  /* at CLIP's starting temperature too */
  c.s[0] = (float) FL_INFONCE_INIT_LOG_SCALE;
  ds = 0.0f;
  fl_infonce_forward (c.logits, c.u, c.v, c.s[0], c.N, c.E);
  fl_infonce_backward (du, dv, &ds, scratch, c.logits, c.u, c.v, c.s[0], c.N, c.E);
  g_assert_cmpfloat (grad_check (c.u, n, du, nce_reference, &c, 1e-4, 1e-2, 0), <, TOL_NCE);
  g_assert_cmpfloat (grad_check (c.v, n, dv, nce_reference, &c, 1e-4, 1e-2, 0), <, TOL_NCE);
  g_assert_cmpfloat (grad_check (c.s, 1, &ds, nce_reference, &c, 1e-4, 1e-2, 0), <, TOL_NCE);
  nce_clear (&c);
}

/* Above log 100 the scale is held at 100: the loss is that of t = 100, the
 * log-scale gets no gradient, u and v get the gradients of t = 100. */
static void
test_infonce_clamp (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (23);
  NceCtx c = { .N = 5, .E = 3 };
  gsize n = (gsize) c.N * c.E;
  g_autofree float *du = g_new (float, n);
  g_autofree float *dv = g_new (float, n);
  g_autofree float *du100 = g_new (float, n);
  g_autofree float *scratch = g_new (float, (gsize) c.N * c.N);
  float ds = 0.5f, zero = 0.0f;
  double loss, loss100;

  nce_init (&c, rng);
  g_assert_cmpfloat (fl_infonce_scale (log (200.0)), ==, 100.0);
  g_assert_cmpfloat_with_epsilon (fl_infonce_scale (log (50.0)), 50.0, 1e-4);

  /* the largest float s that the clamp leaves alone: t = 100 (1 - 1e-7) */
  c.s[0] = (float) log (100.0);
  while (exp ((double) c.s[0]) > 100.0)
    c.s[0] = nextafterf (c.s[0], 0.0f);
  g_assert_cmpfloat_with_epsilon (fl_infonce_scale (c.s[0]), 100.0, 1e-4);
  loss100 = fl_infonce_forward (c.logits, c.u, c.v, c.s[0], c.N, c.E);
  fl_infonce_backward (du100, NULL, NULL, scratch, c.logits, c.u, c.v, c.s[0], c.N, c.E);

  c.s[0] = (float) log (200.0);
  loss = fl_infonce_forward (c.logits, c.u, c.v, c.s[0], c.N, c.E);
  fl_infonce_backward (du, dv, &ds, scratch, c.logits, c.u, c.v, c.s[0], c.N, c.E);
  g_assert_cmpfloat_with_epsilon (loss, loss100, 1e-4);
  g_assert_cmpfloat_with_epsilon (loss, nce_reference (&c), 1e-5);
  g_assert_cmpfloat (ds, ==, 0.5f);                 /* nothing added */
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (du[i], du100[i], 1e-4 * MAX (1.0, fabs (du100[i])));
  /* and finite differences agree: flat in s, the same in u and v */
  g_assert_cmpfloat (grad_check (c.s, 1, &zero, nce_reference, &c, 1e-2, 1e-2, 0), ==, 0.0);
  g_assert_cmpfloat (grad_check (c.u, n, du, nce_reference, &c, 1e-4, 1e-2, 0), <, TOL_NCE);
  g_assert_cmpfloat (grad_check (c.v, n, dv, nce_reference, &c, 1e-4, 1e-2, 0), <, TOL_NCE);
  nce_clear (&c);
}

/* ---- max-of-hinges ------------------------------------------------------ */

typedef struct {
  int N, E;
  float *u, *v, *sim;
  float margin;
} HingeCtx;

static double
hinge_loss (gpointer p)
{
  HingeCtx *c = p;
  return fl_hinge_forward (c->sim, c->u, c->v, c->margin, c->N, c->E);
}

/* The loss by its definition, in double. */
static double
hinge_reference (gpointer p)
{
  const HingeCtx *c = p;
  int N = c->N, E = c->E;
  double total = 0.0;

  for (int i = 0; i < N; i++)
    {
      double sii = 0.0, worst_t = 0.0, worst_i = 0.0;
      for (int e = 0; e < E; e++)
        sii += (double) c->u[i * E + e] * c->v[i * E + e];
      for (int j = 0; j < N; j++)
        {
          double sij = 0.0, sji = 0.0;
          if (j == i)
            continue;
          for (int e = 0; e < E; e++)
            {
              sij += (double) c->u[i * E + e] * c->v[j * E + e];
              sji += (double) c->u[j * E + e] * c->v[i * E + e];
            }
          worst_t = MAX (worst_t, c->margin + sij - sii);
          worst_i = MAX (worst_i, c->margin + sji - sii);
        }
      total += worst_t + worst_i;
    }
  return total / N;
}

static void
test_hinge (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (31);
  HingeCtx c = { .N = 7, .E = 5, .margin = 0.2f };
  gsize n = (gsize) c.N * c.E;
  g_autofree float *du = g_new (float, n);
  g_autofree float *dv = g_new (float, n);
  g_autofree float *scratch = g_new (float, (gsize) c.N * c.N);
  double loss;

  c.u = g_new (float, n);
  c.v = g_new (float, n);
  c.sim = g_new (float, (gsize) c.N * c.N);
  fill_uniform (rng, c.u, n, -1, 1);
  fill_uniform (rng, c.v, n, -1, 1);
  loss = hinge_loss (&c);
  g_assert_cmpfloat (loss, >, 0.0);
  g_assert_cmpfloat_with_epsilon (loss, hinge_reference (&c), 1e-5);
  fl_hinge_backward (du, dv, scratch, c.sim, c.u, c.v, c.margin, c.N, c.E);
  g_assert_cmpfloat (grad_check (c.u, n, du, hinge_reference, &c, 1e-3, 1e-2, 0), <, TOL_LINEAR);
  g_assert_cmpfloat (grad_check (c.v, n, dv, hinge_reference, &c, 1e-3, 1e-2, 0), <, TOL_LINEAR);

  /* u = v = one-hot rows: S = I, every hinge is m - 1 < 0: no loss, no gradient */
  memset (c.u, 0, sizeof (float) * n);
  for (int i = 0; i < c.E; i++)
    c.u[i * c.E + i] = 1.0f;
  loss = fl_hinge_forward (c.sim, c.u, c.u, c.margin, c.E, c.E);
  g_assert_cmpfloat (loss, ==, 0.0);
  fl_hinge_backward (du, dv, scratch, c.sim, c.u, c.u, c.margin, c.E, c.E);
  for (int i = 0; i < c.E * c.E; i++)
    g_assert_cmpfloat (du[i], ==, 0.0f);

  g_free (c.u); g_free (c.v); g_free (c.sim);
}

/* ---- mapping -------------------------------------------------------------- */

typedef struct {
  int N, E;
  float *x, *y;
  gboolean mse;
} MapCtx;

/* Both losses from their definitions, in double, on the raw rows: the
 * cosine as x·y / (‖x‖ ‖y‖), no shared code with fl_l2norm. */
static double
map_reference (gpointer p)
{
  const MapCtx *c = p;
  double total = 0.0;

  for (int n = 0; n < c->N; n++)
    {
      const float *x = c->x + n * c->E, *y = c->y + n * c->E;
      double xy = 0.0, xx = 0.0, yy = 0.0, d2 = 0.0;
      for (int e = 0; e < c->E; e++)
        {
          xy += (double) x[e] * y[e];
          xx += (double) x[e] * x[e];
          yy += (double) y[e] * y[e];
          d2 += ((double) x[e] - y[e]) * ((double) x[e] - y[e]);
        }
      total += c->mse ? d2 / c->E : 1.0 - xy / sqrt (xx * yy);
    }
  return total / c->N;
}

/* The engine's chain on the raw rows, as the matcher runs it: cosine
 * through fl_l2norm, mse on the rows themselves; dx, dy when not NULL. */
static double
map_chain (const MapCtx *c, float *dx, float *dy)
{
  gsize n = (gsize) c->N * c->E;
  g_autofree float *u = g_new (float, n), *v = g_new (float, n);
  g_autofree float *du = g_new (float, n), *dv = g_new (float, n);
  double loss;

  if (c->mse)
    {
      loss = fl_map_mse_forward (c->x, c->y, c->N, c->E);
      if (dx != NULL)
        fl_map_mse_backward (dx, dy, c->x, c->y, c->N, c->E);
      return loss;
    }
  fl_l2norm_forward (u, c->x, c->N, c->E);
  fl_l2norm_forward (v, c->y, c->N, c->E);
  loss = fl_map_cosine_forward (u, v, c->N, c->E);
  if (dx == NULL)
    return loss;
  fl_map_cosine_backward (du, dy != NULL ? dv : NULL, u, v, c->N, c->E);
  fl_l2norm_backward (dx, du, c->x, u, c->N, c->E);
  if (dy != NULL)
    fl_l2norm_backward (dy, dv, c->y, v, c->N, c->E);
  return loss;
}

static void
test_mapping (gconstpointer data)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (51);
  MapCtx c = { .N = 6, .E = 5, .mse = GPOINTER_TO_INT (data) };
  gsize n = (gsize) c.N * c.E;
  g_autofree float *dx = g_new (float, n), *dy = g_new (float, n);
  g_autofree float *dx_alone = g_new (float, n);

  c.x = g_new (float, n);
  c.y = g_new (float, n);
  fill_uniform (rng, c.x, n, -1, 1);
  fill_uniform (rng, c.y, n, -1, 1);
  g_assert_cmpfloat_with_epsilon (map_chain (&c, dx, dy), map_reference (&c), 1e-6);
  g_assert_cmpfloat (map_reference (&c), >, 0.1);
  g_assert_cmpfloat (grad_check (c.x, n, dx, map_reference, &c, 1e-3, 1e-2, 0), <, TOL_NCE);
  g_assert_cmpfloat (grad_check (c.y, n, dy, map_reference, &c, 1e-3, 1e-2, 0), <, TOL_NCE);
  /* the frozen target's gradient is optional, and skipping it changes nothing */
  map_chain (&c, dx_alone, NULL);
  g_assert_true (memcmp (dx, dx_alone, sizeof (float) * n) == 0);

  /* f(x) = y: no loss, no gradient (for cosine, y any positive multiple) */
  for (gsize i = 0; i < n; i++)
    c.y[i] = c.mse ? c.x[i] : 3.0f * c.x[i];
  g_assert_cmpfloat (fabs (map_chain (&c, dx, dy)), <, 1e-6);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (dx[i]), <, 1e-6);
  g_free (c.x); g_free (c.y);
}

/* ---- retrieval metrics -------------------------------------------------- */

typedef struct {
  float score;
  int id;
  gboolean truth;
} Cand;

/* Best first; on equal scores the true pair goes last (ties count against it). */
static int
cand_cmp (const void *a, const void *b)
{
  const Cand *x = a, *y = b;

  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  return x->truth - y->truth;
}

/* The brute-force rank: sort the candidates, find the true pair. */
static int
brute_rank (const float *sim, int q, int N, gboolean by_row)
{
  g_autofree Cand *c = g_new (Cand, N);

  for (int k = 0; k < N; k++)
    c[k] = (Cand) { by_row ? sim[q * N + k] : sim[k * N + q], k, k == q };
  qsort (c, N, sizeof (Cand), cand_cmp);
  for (int k = 0; k < N; k++)
    if (c[k].truth)
      return k + 1;
  g_assert_not_reached ();
}

/* The k-th smallest (0-based) of n ints, by counting: the value with at
 * most k below it and more than k at or below it. */
static int
kth_smallest (const int *x, int n, int k)
{
  for (int q = 0; q < n; q++)
    {
      int below = 0, at_or_below = 0;
      for (int m = 0; m < n; m++)
        below += x[m] < x[q], at_or_below += x[m] <= x[q];
      if (below <= k && k < at_or_below)
        return x[q];
    }
  g_assert_not_reached ();
}

/* R@k and the median from a brute-force count over the ranks. */
static void
assert_recall_brute (const FlRecall *r, const float *sim, int N, gboolean by_row)
{
  g_autofree int *ranks = g_new (int, N);
  int hits[3] = { 0, 0, 0 };
  double median;

  for (int q = 0; q < N; q++)
    {
      ranks[q] = brute_rank (sim, q, N, by_row);
      g_assert_cmpint (ranks[q], ==, fl_retrieval_rank (sim, q, by_row ? N : 1, by_row ? 1 : N, N));
      hits[0] += ranks[q] <= 1, hits[1] += ranks[q] <= 5, hits[2] += ranks[q] <= 10;
    }
  median = N % 2 == 1 ? kth_smallest (ranks, N, N / 2)
                      : (kth_smallest (ranks, N, N / 2 - 1) + kth_smallest (ranks, N, N / 2)) / 2.0;
  g_assert_cmpfloat (r->r1, ==, (double) hits[0] / N);
  g_assert_cmpfloat (r->r5, ==, (double) hits[1] / N);
  g_assert_cmpfloat (r->r10, ==, (double) hits[2] / N);
  g_assert_cmpfloat (r->median_rank, ==, median);
}

static void
assert_recall (const FlRecall *r, double r1, double r5, double r10, double median)
{
  g_assert_cmpfloat_with_epsilon (r->r1, r1, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->r5, r5, 1e-12);
  g_assert_cmpfloat_with_epsilon (r->r10, r10, 1e-12);
  g_assert_cmpfloat (r->median_rank, ==, median);
}

static void
test_retrieval_random (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (41);
  FlRetrieval m;

  for (int N = 1; N <= 40; N += 13)
    {
      g_autofree float *sim = g_new (float, (gsize) N * N);
      fill_uniform (rng, sim, (gsize) N * N, -1, 1);
      /* a signal, so that the ranks spread over 1 … N; and some ties */
      for (int i = 0; i < N; i++)
        sim[i * N + i] += 0.6f;
      for (int k = 0; k < N; k++)
        sim[g_rand_int_range (rng, 0, N * N)] = 0.25f;
      fl_retrieval_metrics (&m, sim, N);
      assert_recall_brute (&m.i2t, sim, N, TRUE);
      assert_recall_brute (&m.t2i, sim, N, FALSE);
    }
}

static void
test_retrieval_hand (void)
{
  enum { N = 12 };
  float sim[N * N];
  FlRetrieval m;

  /* the perfect diagonal */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      sim[i * N + j] = i == j ? 1.0f : 0.0f;
  fl_retrieval_metrics (&m, sim, N);
  assert_recall (&m.i2t, 1, 1, 1, 1);
  assert_recall (&m.t2i, 1, 1, 1, 1);

  /* reversed: every true pair is the worst */
  for (int i = 0; i < N; i++)
    sim[i * N + i] = -1.0f;
  fl_retrieval_metrics (&m, sim, N);
  assert_recall (&m.i2t, 0, 0, 0, N);
  assert_recall (&m.t2i, 0, 0, 0, N);

  /* all tied: a constant matrix ranks every true pair last, not first */
  for (int i = 0; i < N * N; i++)
    sim[i] = 0.5f;
  fl_retrieval_metrics (&m, sim, N);
  assert_recall (&m.i2t, 0, 0, 0, N);

  /* sim[i][j] = -|i - j + shift|-ish by hand: image i's true text has i
   * texts strictly above it (so rank i + 1); text j's true image is first */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      sim[i * N + j] = j < i ? 2.0f : (j == i ? 1.0f : -1.0f);
  fl_retrieval_metrics (&m, sim, N);
  /* ranks 1 … 12: R@1 1/12, R@5 5/12, R@10 10/12, median (6 + 7) / 2 */
  assert_recall (&m.i2t, 1.0 / N, 5.0 / N, 10.0 / N, 6.5);
  /* column j: rows i > j hold 2 > 1, so text j's true image ranks N - j */
  assert_recall (&m.t2i, 1.0 / N, 5.0 / N, 10.0 / N, 6.5);

  /* one tie with the true pair costs it a place; a NaN counts against it */
  for (int i = 0; i < N * N; i++)
    sim[i] = 0.0f;
  for (int i = 0; i < N; i++)
    sim[i * N + i] = 1.0f;
  sim[0 * N + 3] = 1.0f;
  sim[1 * N + 1] = NAN;
  g_assert_cmpint (fl_retrieval_rank (sim, 0, N, 1, N), ==, 2);
  g_assert_cmpint (fl_retrieval_rank (sim, 3, 1, N, N), ==, 2);
  g_assert_cmpint (fl_retrieval_rank (sim, 1, N, 1, N), ==, N);
  g_assert_cmpint (fl_retrieval_rank (sim, 2, N, 1, N), ==, 1);
  fl_retrieval_metrics (&m, sim, N);
  assert_recall (&m.i2t, 10.0 / N, 11.0 / N, 11.0 / N, 1);
}

/* ---- against PyTorch ---------------------------------------------------- */

/* A JSON array of numbers as a new float array of n. */
static float *
json_floats (JsonObject *o, const char *member, gsize n)
{
  JsonArray *a = json_object_get_array_member (o, member);
  float *x = g_new (float, n);

  g_assert_cmpuint (json_array_get_length (a), ==, n);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) json_array_get_double_element (a, i);
  return x;
}

/* Every element of got within 1e-4 of the largest |want| of the member. */
static void
assert_close_to (const float *got, JsonObject *c, const char *member, gsize n)
{
  g_autofree float *want = json_floats (c, member, n);
  double scale = 0.0;

  for (gsize i = 0; i < n; i++)
    scale = MAX (scale, fabs (want[i]));
  g_assert_cmpfloat (scale, >, 0.0);
  for (gsize i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > 1e-4 * scale)
      g_error ("%s %s[%zu]: engine %g, torch %g", json_object_get_string_member (c, "name"),
               member, i, got[i], want[i]);
}

/* The mapping cases: the engine's chain (map_chain) on the raw rows. */
static void
check_torch_mapping (JsonObject *c, int N, int E, float *x, float *y)
{
  MapCtx m = { N, E, x, y, g_str_equal (json_object_get_string_member (c, "loss_kind"), "map_mse") };
  gsize n = (gsize) N * E;
  g_autofree float *dx = g_new (float, n), *dy = g_new (float, n);

  g_assert_cmpfloat_with_epsilon (map_chain (&m, dx, dy), json_object_get_double_member (c, "loss"), 1e-5);
  assert_close_to (dx, c, "dx", n);
  assert_close_to (dy, c, "dy", n);
}

/* Runs normalize → loss → backward → normalize backward on one case. */
static void
check_torch_case (JsonObject *c)
{
  int N = json_object_get_int_member (c, "N"), E = json_object_get_int_member (c, "E");
  gsize n = (gsize) N * E;
  const char *kind = json_object_get_string_member (c, "loss_kind");
  gboolean nce = g_str_equal (kind, "infonce");
  g_autofree float *x = json_floats (c, "x", n), *y = json_floats (c, "y", n);
  g_autofree float *u = g_new (float, n), *v = g_new (float, n);
  g_autofree float *du = g_new (float, n), *dv = g_new (float, n);
  g_autofree float *dx = g_new (float, n), *dy = g_new (float, n);
  g_autofree float *z = g_new (float, (gsize) N * N), *scratch = g_new (float, (gsize) N * N);
  float s = nce ? (float) json_object_get_double_member (c, "s") : 0.0f;
  float ds = 0.0f;
  double loss;

  if (g_str_has_prefix (kind, "map_"))
    {
      check_torch_mapping (c, N, E, x, y);
      return;
    }
  fl_l2norm_forward (u, x, N, E);
  fl_l2norm_forward (v, y, N, E);
  if (nce)
    {
      loss = fl_infonce_forward (z, u, v, s, N, E);
      fl_infonce_backward (du, dv, &ds, scratch, z, u, v, s, N, E);
      g_assert_cmpfloat_with_epsilon (ds, json_object_get_double_member (c, "ds"), 1e-5);
    }
  else
    {
      float m = (float) json_object_get_double_member (c, "margin");
      loss = fl_hinge_forward (z, u, v, m, N, E);
      fl_hinge_backward (du, dv, scratch, z, u, v, m, N, E);
    }
  fl_l2norm_backward (dx, du, x, u, N, E);
  fl_l2norm_backward (dy, dv, y, v, N, E);
  g_assert_cmpfloat_with_epsilon (loss, json_object_get_double_member (c, "loss"), 1e-5);
  assert_close_to (dx, c, "dx", n);
  assert_close_to (dy, c, "dy", n);
}

static void
test_torch_fixture (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "match-fixture.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *cases;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  cases = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "cases");
  g_assert_cmpuint (json_array_get_length (cases), ==, 6);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    check_torch_case (json_array_get_object_element (cases, i));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/match/l2norm/forward", test_l2norm_forward);
  g_test_add_func ("/match/l2norm/grad", test_l2norm_grad);
  g_test_add_func ("/match/infonce/forward", test_infonce_forward);
  g_test_add_func ("/match/infonce/grad", test_infonce_grad);
  g_test_add_func ("/match/infonce/clamp", test_infonce_clamp);
  g_test_add_func ("/match/hinge", test_hinge);
  g_test_add_data_func ("/match/mapping/cosine", GINT_TO_POINTER (FALSE), test_mapping);
  g_test_add_data_func ("/match/mapping/mse", GINT_TO_POINTER (TRUE), test_mapping);
  g_test_add_func ("/match/retrieval/random", test_retrieval_random);
  g_test_add_func ("/match/retrieval/hand", test_retrieval_hand);
  g_test_add_func ("/match/torch-fixture", test_torch_fixture);
  return g_test_run ();
}
