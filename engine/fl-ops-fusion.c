/* SPDX-License-Identifier: MIT
 *
 * The fusion operators of K branch vectors: the parameter-free routes, the
 * gated multimodal unit, low-rank bilinear fusion and late fusion's vote.
 * Each keeps, for K = 2, exactly the float operations of its two-branch
 * form, so that image + text models keep their bits.
 */
#define G_LOG_DOMAIN "fl-ops"

#include "fl-ops.h"
#include "fl-ops-private.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

int
fl_name_index (const char *const *names, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (g_strcmp0 (name, names[i]) == 0)
      return i;
  return -1;
}

static const char *const fusion_names[FL_N_FUSIONS] = {
  [FL_FUSION_CONCAT] = "concat",
  [FL_FUSION_MEAN] = "mean",
  [FL_FUSION_PRODUCT] = "product",
  [FL_FUSION_IMAGE] = "image",
  [FL_FUSION_TEXT] = "text",
  [FL_FUSION_GATED] = "gated",
  [FL_FUSION_LATE] = "late",
  [FL_FUSION_LOWRANK] = "lowrank",
  [FL_FUSION_AUDIO] = "audio",
  [FL_FUSION_NUMERIC] = "numeric",
};

const char *
fl_fusion_to_string (FlFusion fusion)
{
  g_return_val_if_fail (fusion < FL_N_FUSIONS, NULL);
  return fusion_names[fusion];
}

gboolean
fl_fusion_from_string (const char *name,
                       FlFusion   *fusion)
{
  int i = fl_name_index (fusion_names, FL_N_FUSIONS, name);

  if (i >= 0)
    *fusion = (FlFusion) i;
  return i >= 0;
}

int
fl_fusion_width (FlFusion fusion, int K, int D)
{
  return fusion == FL_FUSION_CONCAT || fusion == FL_FUSION_LATE ? K * D : D;
}

gboolean
fl_fusion_has_params (FlFusion fusion)
{
  return fusion == FL_FUSION_GATED || fusion == FL_FUSION_LOWRANK;
}

int
fl_fusion_single_branch (FlFusion fusion)
{
  switch (fusion)
    {
    case FL_FUSION_IMAGE: return 0;
    case FL_FUSION_TEXT: return 1;
    case FL_FUSION_AUDIO: return 2;
    case FL_FUSION_NUMERIC: return 3;
    default: return -1;
    }
}

/* ---- the parameter-free fusions ------------------------------------------ */

void
fl_fusion_forward (float              *out,
                   const float *const *x,
                   int                 K,
                   FlFusion            fusion,
                   int N, int D)
{
  gsize ND = (gsize) N * D;

  g_return_if_fail (K >= 1 && K <= FL_MAX_BRANCHES);
  switch (fusion)
    {
    case FL_FUSION_CONCAT:
    case FL_FUSION_LATE:
      for (int k = 0; k < K; k++)
        rows_copy (out + (gsize) k * D, K * D, x[k], D, N, D);
      break;
    case FL_FUSION_MEAN:
      /* for K = 2, 0.5f · (a + b) */
      for (gsize i = 0; i < ND; i++)
        {
          float s = x[0][i];
          for (int k = 1; k < K; k++)
            s += x[k][i];
          out[i] = s * (1.0f / K);
        }
      break;
    case FL_FUSION_PRODUCT:
      /* a ⊙ b for two; for more Π_k (1 + x_k) − 1 (fl-ops.h), as
       * p_k = p_{k-1} + x_k + p_{k-1} x_k, which never rounds x_k by
       * adding it to 1 */
      for (gsize i = 0; i < ND; i++)
        {
          float p = x[0][i];
          for (int k = 1; k < K; k++)
            p = K == 2 ? p * x[k][i] : p + x[k][i] + p * x[k][i];
          out[i] = p;
        }
      break;
    default:
      /* a unimodal route: its one branch passes through */
      g_assert (fl_fusion_single_branch (fusion) >= 0 && K == 1);
      memcpy (out, x[0], sizeof (float) * ND);
      break;
    }
}

void
fl_fusion_backward (float *const       *dx,
                    const float        *dout,
                    const float *const *x,
                    int                 K,
                    FlFusion            fusion,
                    int N, int D)
{
  gsize ND = (gsize) N * D;

  g_return_if_fail (K >= 1 && K <= FL_MAX_BRANCHES);
  switch (fusion)
    {
    case FL_FUSION_CONCAT:
    case FL_FUSION_LATE:
      for (int k = 0; k < K; k++)
        rows_copy (dx[k], D, dout + (gsize) k * D, K * D, N, D);
      break;
    case FL_FUSION_MEAN:
      for (gsize i = 0; i < ND; i++)
        for (int k = 0; k < K; k++)
          dx[k][i] = dout[i] * (1.0f / K);
      break;
    case FL_FUSION_PRODUCT:
      {
        /* d(a ⊙ b)/da = b; for more d/dx_k = Π_{j≠k} (1 + x_j); formed
         * without dividing (a ReLU leaves zeros) */
        const float one = K >= 3 ? 1.0f : 0.0f;

        for (gsize i = 0; i < ND; i++)
          for (int k = 0; k < K; k++)
            {
              float g = dout[i];
              for (int j = 0; j < K; j++)
                if (j != k)
                  g *= one + x[j][i];
              dx[k][i] = g;
            }
      }
      break;
    default:
      g_assert (fl_fusion_single_branch (fusion) >= 0 && K == 1);
      memcpy (dx[0], dout, sizeof (float) * ND);
      break;
    }
}

/* ---- gated multimodal unit ---------------------------------------------- */

/* The gate of one feature from its K-1 logits l (read D apart) into z
 * (written D apart), and the branch outputs h_k (h[k][i]) mixed into the
 * returned f. K = 2 is σ, exactly as the two-branch unit computes it. */
static inline float
gate_mix (float *z, const float *l, float *const *h, gsize i, int K, int D)
{
  float m = 0.0f, s, rest = 1.0f, f = 0.0f;
  float e[FL_MAX_BRANCHES];

  if (K == 2)
    {
      z[0] = 1.0f / (1.0f + expf (-l[0]));
      return z[0] * h[0][i] + (1.0f - z[0]) * h[1][i];
    }
  /* softmax over [l_1 … l_{K-1}, 0]; the last branch takes what is left */
  for (int k = 0; k < K - 1; k++)
    m = MAX (m, l[(gsize) k * D]);
  s = expf (-m);
  for (int k = 0; k < K - 1; k++)
    s += e[k] = expf (l[(gsize) k * D] - m);
  for (int k = 0; k < K - 1; k++)
    {
      z[(gsize) k * D] = e[k] / s;
      rest -= z[(gsize) k * D];
      f += z[(gsize) k * D] * h[k][i];
    }
  return f + rest * h[K - 1][i];
}

void
fl_gmu_forward (float              *out,
                float *const       *h,
                float              *z,
                const float *const *x,
                const float *const *w,
                const float *const *b,
                const float        *wz,
                const float        *bz,
                int K, int N, int D)
{
  const int L = (K - 1) * D;

  g_return_if_fail (K >= 2 && K <= FL_MAX_BRANCHES);
  for (int k = 0; k < K; k++)
    fl_linear_forward (h[k], x[k], w[k], b[k], N, D, D);
  /* the logits z (N,L) = bz + Σ_k x_k · wz[:, kD:(k+1)D]^T: the product
   * with [x_1; …; x_K] as K products, without building the concatenation */
  rows_set (z, bz, N, L);
  for (int k = 0; k < K; k++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, L, D,
                 1.0f, x[k], D, wz + (gsize) k * D, K * D, 1.0f, z, L);
  for (int n = 0; n < N; n++)
    for (int d = 0; d < D; d++)
      {
        gsize i = (gsize) n * D + d;
        float *zi = z + (gsize) n * L + d;

        for (int k = 0; k < K; k++)
          h[k][i] = tanhf (h[k][i]);
        out[i] = gate_mix (zi, zi, h, i, K, D);
      }
}

/* The gradients at the pre-activations of h_k (dh[k][i]) and at the gate's
 * logits (dl, D apart) of one feature, from df = dout[i]. K = 2 as the
 * two-branch unit: df/dz = h_1 − h_2, σ' = σ (1 − σ). */
static inline void
gate_grad (float *const *dh, float *dl, float df, const float *z, const float *const *h,
           gsize i, int K, int D)
{
  float rest = 1.0f, mean;
  float zk[FL_MAX_BRANCHES];

  if (K == 2)
    {
      dh[0][i] = df * z[0] * (1.0f - h[0][i] * h[0][i]);
      dh[1][i] = df * (1.0f - z[0]) * (1.0f - h[1][i] * h[1][i]);
      dl[0] = df * (h[0][i] - h[1][i]) * z[0] * (1.0f - z[0]);
      return;
    }
  for (int k = 0; k < K - 1; k++)
    {
      zk[k] = z[(gsize) k * D];
      rest -= zk[k];
    }
  zk[K - 1] = rest;
  /* df/dz_k = h_k; through the softmax dl_j = z_j (h_j − Σ_k z_k h_k) df */
  mean = 0.0f;
  for (int k = 0; k < K; k++)
    {
      dh[k][i] = df * zk[k] * (1.0f - h[k][i] * h[k][i]);
      mean += zk[k] * h[k][i];
    }
  for (int k = 0; k < K - 1; k++)
    dl[(gsize) k * D] = df * zk[k] * (h[k][i] - mean);
}

void
fl_gmu_backward (float *const       *dx,
                 float *const       *dw,
                 float *const       *db,
                 float              *dwz,
                 float              *dbz,
                 const float        *dout,
                 const float *const *x,
                 const float *const *h,
                 const float        *z,
                 const float *const *w,
                 const float        *wz,
                 int K, int N, int D)
{
  const int L = (K - 1) * D;
  gsize ND = (gsize) N * D;
  /* the gradients at the K pre-activations and at the gate's logits */
  g_autofree float *block = g_new (float, K * ND + (gsize) N * L);
  float *dh[FL_MAX_BRANCHES], *dl = block + K * ND;

  g_return_if_fail (K >= 2 && K <= FL_MAX_BRANCHES);
  for (int k = 0; k < K; k++)
    dh[k] = block + k * ND;
  for (int n = 0; n < N; n++)
    for (int d = 0; d < D; d++)
      {
        gsize i = (gsize) n * D + d;
        gate_grad (dh, dl + (gsize) n * L + d, dout[i], z + (gsize) n * L + d,
                   h, i, K, D);
      }
  for (int k = 0; k < K; k++)
    fl_linear_backward (dx[k], dw[k], db[k], dh[k], x[k], w[k], N, D, D);
  /* dwz[:, kD:(k+1)D] += dl^T · x_k (rows KD apart) */
  for (int k = 0; k < K; k++)
    cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, L, D, N,
                 1.0f, dl, L, x[k], D, 1.0f, dwz + (gsize) k * D, K * D);
  rows_sum_into (dbz, dl, N, L);
  /* dx_k += dl · wz[:, kD:(k+1)D] */
  for (int k = 0; k < K; k++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, L,
                 1.0f, dl, L, wz + (gsize) k * D, K * D, 1.0f, dx[k], D);
}

/* ---- low-rank bilinear fusion ------------------------------------------ */

/* p (N,D) = [x,1] · w^T for one (D,D+1) factor w: the bias is its last
 * column, read D+1 apart. */
static void
lmf_factor_forward (float *p, const float *x, const float *w, int N, int D)
{
  for (int n = 0; n < N; n++)
    for (int d = 0; d < D; d++)
      p[(gsize) n * D + d] = w[(gsize) d * (D + 1) + D];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, D, D,
               1.0f, x, D, w, D + 1, 1.0f, p, D);
}

/* The adjoint of lmf_factor_forward for dp (N,D): dw (D,D+1) += dp^T · [x,1];
 * dx (N,D) += dp · w[:, :D]. */
static void
lmf_factor_backward (float *dx, float *dw, const float *dp, const float *x, const float *w,
                     int N, int D)
{
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, D, D, N,
               1.0f, dp, D, x, D, 1.0f, dw, D + 1);
  for (int n = 0; n < N; n++)
    for (int d = 0; d < D; d++)
      dw[(gsize) d * (D + 1) + D] += dp[(gsize) n * D + d];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, D,
               1.0f, dp, D, w, D + 1, 1.0f, dx, D);
}

void
fl_lmf_forward (float              *out,
                float *const       *p,
                const float *const *x,
                const float *const *w,
                int K, int N, int D, int R)
{
  gsize ND = (gsize) N * D, WD = (gsize) D * (D + 1);

  g_return_if_fail (K >= 2 && K <= FL_MAX_BRANCHES);
  memset (out, 0, sizeof (float) * ND);
  for (int r = 0; r < R; r++)
    {
      for (int k = 0; k < K; k++)
        lmf_factor_forward (p[k] + r * ND, x[k], w[k] + r * WD, N, D);
      for (gsize i = 0; i < ND; i++)
        {
          float prod = p[0][r * ND + i];
          for (int k = 1; k < K; k++)
            prod *= p[k][r * ND + i];
          out[i] += prod;
        }
    }
}

void
fl_lmf_backward (float *const       *dx,
                 float *const       *dw,
                 const float        *dout,
                 const float *const *x,
                 const float *const *p,
                 const float *const *w,
                 int K, int N, int D, int R)
{
  gsize ND = (gsize) N * D, WD = (gsize) D * (D + 1);
  g_autofree float *dp = g_new (float, ND);

  g_return_if_fail (K >= 2 && K <= FL_MAX_BRANCHES);
  for (int k = 0; k < K; k++)
    memset (dx[k], 0, sizeof (float) * ND);
  for (int r = 0; r < R; r++)
    for (int k = 0; k < K; k++)
      {
        /* d(Π_j p_j)/dp_k = Π_{j≠k} p_j */
        for (gsize i = 0; i < ND; i++)
          {
            float g = dout[i];
            for (int j = 0; j < K; j++)
              if (j != k)
                g *= p[j][r * ND + i];
            dp[i] = g;
          }
        lmf_factor_backward (dx[k], dw[k] + r * WD, dp, x[k], w[k] + r * WD, N, D);
      }
}

/* ---- late fusion -------------------------------------------------------- */

void
fl_late_weights (float *w, const float *alpha, int K)
{
  float m = alpha[0], s = 0.0f;

  for (int k = 1; k < K; k++)
    m = MAX (m, alpha[k]);
  for (int k = 0; k < K; k++)
    s += w[k] = expf (alpha[k] - m);
  for (int k = 0; k < K; k++)
    w[k] /= s;
}

void
fl_late_forward (float              *out,
                 float              *w,
                 const float *const *l,
                 const float        *alpha,
                 int K, int N, int C)
{
  g_return_if_fail (K >= 2 && K <= FL_MAX_BRANCHES);
  fl_late_weights (w, alpha, K);
  for (gsize i = 0; i < (gsize) N * C; i++)
    {
      float s = w[0] * l[0][i];
      for (int k = 1; k < K; k++)
        s += w[k] * l[k][i];
      out[i] = s;
    }
}

void
fl_late_backward (float *const       *dl,
                  float              *dalpha,
                  const float        *dout,
                  const float *const *l,
                  const float        *alpha,
                  int K, int N, int C)
{
  float w[FL_MAX_BRANCHES];
  double g[FL_MAX_BRANCHES] = { 0 }, mean;

  g_return_if_fail (K >= 2 && K <= FL_MAX_BRANCHES);
  fl_late_weights (w, alpha, K);
  for (int k = 0; k < K; k++)
    for (gsize i = 0; i < (gsize) N * C; i++)
      {
        g[k] += (double) dout[i] * l[k][i];
        dl[k][i] = w[k] * dout[i];
      }
  mean = w[0] * g[0];
  for (int k = 1; k < K; k++)
    mean += w[k] * g[k];
  for (int k = 0; k < K; k++)
    dalpha[k] += (float) (w[k] * (g[k] - mean));
}
