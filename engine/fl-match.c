/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-match"

#include "fl-match.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- L2-normalisation --------------------------------------------------- */

/* max(‖x‖, eps) of one row of E floats, in double. */
static double
row_norm (const float *x, int E)
{
  double s = 0.0;

  for (int e = 0; e < E; e++)
    s += (double) x[e] * x[e];
  return MAX (sqrt (s), FL_L2NORM_EPS);
}

void
fl_l2norm_forward (float       *y,
                   const float *x,
                   int N, int E)
{
  for (int n = 0; n < N; n++)
    {
      const float *xr = x + (gsize) n * E;
      float *yr = y + (gsize) n * E;
      double r = row_norm (xr, E);
      for (int e = 0; e < E; e++)
        yr[e] = (float) (xr[e] / r);
    }
}

void
fl_l2norm_backward (float       *dx,
                    const float *dy,
                    const float *x,
                    const float *y,
                    int N, int E)
{
  for (int n = 0; n < N; n++)
    {
      const float *g = dy + (gsize) n * E;
      const float *yr = y + (gsize) n * E;
      float *d = dx + (gsize) n * E;
      double r = row_norm (x + (gsize) n * E, E);
      double ydy = 0.0;

      /* below the guard y = x / eps, a linear map: no projection */
      if (r > FL_L2NORM_EPS)
        for (int e = 0; e < E; e++)
          ydy += (double) yr[e] * g[e];
      /* dL/dx = (I - y yᵀ) dL/dy / r */
      for (int e = 0; e < E; e++)
        d[e] = (float) ((g[e] - yr[e] * ydy) / r);
    }
}

/* ---- symmetric InfoNCE --------------------------------------------------- */

double
fl_infonce_scale (float log_scale)
{
  return MIN (exp ((double) log_scale), FL_INFONCE_MAX_SCALE);
}

/* log Σ_k exp z[k·stride] over n values, in double, shifted by the
 * maximum so that nothing overflows. */
static double
lse_strided (const float *z, int n, gsize stride)
{
  double zmax = z[0], sum = 0.0;

  for (int k = 1; k < n; k++)
    zmax = MAX (zmax, (double) z[k * stride]);
  for (int k = 0; k < n; k++)
    sum += exp ((double) z[k * stride] - zmax);
  return zmax + log (sum);
}

/* lse_row[i] = log Σ_j exp Z[i][j]; lse_col[j] = log Σ_i exp Z[i][j]. */
static void
infonce_lse (double *lse_row, double *lse_col, const float *logits, int N)
{
  for (int i = 0; i < N; i++)
    {
      lse_row[i] = lse_strided (logits + (gsize) i * N, N, 1);
      lse_col[i] = lse_strided (logits + i, N, N);
    }
}

double
fl_infonce_forward (float       *logits,
                    const float *u,
                    const float *v,
                    float        log_scale,
                    int N, int E)
{
  g_autofree double *lse = NULL;
  double t = fl_infonce_scale (log_scale);
  double total = 0.0;

  g_return_val_if_fail (N >= 1 && E >= 1, NAN);
  lse = g_new (double, 2 * (gsize) N);
  /* Z (N,N) = t · u (N,E) · vᵀ (E,N) */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, N, E,
               (float) t, u, E, v, E, 0.0f, logits, N);
  infonce_lse (lse, lse + N, logits, N);
  /* -log softmax of the diagonal, once along its row, once along its column */
  for (int i = 0; i < N; i++)
    total += lse[i] + lse[N + i] - 2.0 * logits[(gsize) i * N + i];
  return total / (2.0 * N);
}

void
fl_infonce_backward (float       *du,
                     float       *dv,
                     float       *dlog_scale,
                     float       *scratch,
                     const float *logits,
                     const float *u,
                     const float *v,
                     float        log_scale,
                     int N, int E)
{
  g_autofree double *lse = g_new (double, 2 * (gsize) N);
  double t = fl_infonce_scale (log_scale);
  double gz = 0.0;
  float *G = scratch;

  infonce_lse (lse, lse + N, logits, N);
  /* G = dL/dZ = (P + Q - 2I) / 2N, P and Q the row and column softmaxes */
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      {
        double z = logits[(gsize) i * N + j];
        double g = exp (z - lse[i]) + exp (z - lse[N + j]) - (i == j ? 2.0 : 0.0);
        g /= 2.0 * N;
        G[(gsize) i * N + j] = (float) g;
        gz += g * z;
      }
  /* dL/ds = dL/dt · dt/ds = Σ G∘S · t = Σ G∘Z, and 0 where the clamp holds t */
  if (dlog_scale != NULL && exp ((double) log_scale) <= FL_INFONCE_MAX_SCALE)
    *dlog_scale += (float) gz;
  /* du (N,E) = t · G (N,N) · v (N,E) */
  if (du != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, E, N,
                 (float) t, G, N, v, E, 0.0f, du, E);
  /* dv (N,E) = t · Gᵀ (N,N) · u (N,E) */
  if (dv != NULL)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, N, E, N,
                 (float) t, G, N, u, E, 0.0f, dv, E);
}

/* ---- max-of-hinges ------------------------------------------------------ */

/* The hardest negative of query q (the lowest index on a tie) among
 * S[q·sq + c·sc], c ≠ q. */
static int
hardest_negative (const float *S, int q, gsize sq, gsize sc, int N)
{
  int best = q == 0 ? 1 : 0;

  for (int c = 0; c < N; c++)
    if (c != q && S[q * sq + c * sc] > S[q * sq + best * sc])
      best = c;
  return best;
}

/* Walks the 2N hinges of S: returns L, and when G (N,N) is not NULL
 * writes dL/dS into it. */
static double
hinge_walk (float *G, const float *S, float margin, int N)
{
  double total = 0.0;
  const float w = 1.0f / N;

  if (G != NULL)
    memset (G, 0, sizeof (float) * (gsize) N * N);
  for (int q = 0; q < N; q++)
    for (int dir = 0; dir < 2; dir++)
      {
        /* dir 0: image q against the texts (row q); 1: text q (column q) */
        gsize sq = dir == 0 ? (gsize) N : 1, sc = dir == 0 ? 1 : (gsize) N;
        int c = hardest_negative (S, q, sq, sc, N);
        double h = (double) margin + S[q * sq + c * sc] - S[q * sq + q * sc];
        if (h <= 0.0)
          continue;
        total += h;
        if (G != NULL)
          {
            G[q * sq + c * sc] += w;
            G[q * sq + q * sc] -= w;
          }
      }
  return total / N;
}

double
fl_hinge_forward (float       *sim,
                  const float *u,
                  const float *v,
                  float        margin,
                  int N, int E)
{
  g_return_val_if_fail (N >= 2 && E >= 1, NAN);
  /* S (N,N) = u · vᵀ */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, N, E,
               1.0f, u, E, v, E, 0.0f, sim, N);
  return hinge_walk (NULL, sim, margin, N);
}

void
fl_hinge_backward (float       *du,
                   float       *dv,
                   float       *scratch,
                   const float *sim,
                   const float *u,
                   const float *v,
                   float        margin,
                   int N, int E)
{
  hinge_walk (scratch, sim, margin, N);
  /* du = dS · v; dv = dSᵀ · u */
  if (du != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, E, N,
                 1.0f, scratch, N, v, E, 0.0f, du, E);
  if (dv != NULL)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, N, E, N,
                 1.0f, scratch, N, u, E, 0.0f, dv, E);
}

/* ---- mapping ------------------------------------------------------------ */

double
fl_map_cosine_forward (const float *u,
                       const float *v,
                       int N, int E)
{
  double total = 0.0;

  g_return_val_if_fail (N >= 1 && E >= 1, NAN);
  for (gsize i = 0; i < (gsize) N * E; i++)
    total += (double) u[i] * v[i];
  return 1.0 - total / N;
}

void
fl_map_cosine_backward (float       *du,
                        float       *dv,
                        const float *u,
                        const float *v,
                        int N, int E)
{
  for (gsize i = 0; i < (gsize) N * E; i++)
    {
      if (du != NULL)
        du[i] = -v[i] / N;
      if (dv != NULL)
        dv[i] = -u[i] / N;
    }
}

double
fl_map_mse_forward (const float *x,
                    const float *y,
                    int N, int E)
{
  double total = 0.0;

  g_return_val_if_fail (N >= 1 && E >= 1, NAN);
  for (gsize i = 0; i < (gsize) N * E; i++)
    {
      double d = (double) x[i] - y[i];
      total += d * d;
    }
  return total / ((double) N * E);
}

void
fl_map_mse_backward (float       *dx,
                     float       *dy,
                     const float *x,
                     const float *y,
                     int N, int E)
{
  const double w = 2.0 / ((double) N * E);

  for (gsize i = 0; i < (gsize) N * E; i++)
    {
      float g = (float) (w * ((double) x[i] - y[i]));
      if (dx != NULL)
        dx[i] = g;
      if (dy != NULL)
        dy[i] = -g;
    }
}

/* ---- retrieval metrics -------------------------------------------------- */

int
fl_retrieval_rank (const float *sim,
                   int          q,
                   gsize        stride_q,
                   gsize        stride_c,
                   int          N)
{
  const float *row = sim + q * stride_q;
  float truth = row[q * stride_c];
  int rank = 1;

  /* !(x < truth): ties and NaNs (either side) count against the true pair */
  for (int c = 0; c < N; c++)
    if (c != q && !(row[c * stride_c] < truth))
      rank++;
  return rank;
}

static int
cmp_int (const void *a, const void *b)
{
  int x = *(const int *) a, y = *(const int *) b;

  return (x > y) - (x < y);
}

/* R@1/5/10 and the median of N ranks (sorted here in place). */
static void
recall_from_ranks (FlRecall *out, int *ranks, int N)
{
  int hits[3] = { 0, 0, 0 };

  for (int i = 0; i < N; i++)
    {
      hits[0] += ranks[i] <= 1;
      hits[1] += ranks[i] <= 5;
      hits[2] += ranks[i] <= 10;
    }
  out->r1 = (double) hits[0] / N;
  out->r5 = (double) hits[1] / N;
  out->r10 = (double) hits[2] / N;
  qsort (ranks, N, sizeof (int), cmp_int);
  out->median_rank = N % 2 == 1 ? ranks[N / 2]
                                : (ranks[N / 2 - 1] + ranks[N / 2]) / 2.0;
}

void
fl_retrieval_metrics (FlRetrieval *out,
                      const float *sim,
                      int          N)
{
  g_autofree int *ranks = NULL;

  g_return_if_fail (out != NULL && sim != NULL && N >= 1);
  ranks = g_new (int, N);
  for (int i = 0; i < N; i++)
    ranks[i] = fl_retrieval_rank (sim, i, N, 1, N);
  recall_from_ranks (&out->i2t, ranks, N);
  for (int j = 0; j < N; j++)
    ranks[j] = fl_retrieval_rank (sim, j, 1, N, N);
  recall_from_ranks (&out->t2i, ranks, N);
}
