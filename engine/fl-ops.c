/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-ops"

#include "fl-ops.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* ---- 3x3 convolution ---------------------------------------------------
 *
 * im2col: col is (C·9, H·W); row c·9 + ky·3 + kx, column y·W + x holds
 * in[c, y+ky-1, x+kx-1] (zero outside the image). Then the convolution of one
 * image is one sgemm: out (K, H·W) = w (K, C·9) · col.
 */

static void
im2col3x3 (float *col, const float *in, int C, int H, int W)
{
  for (int c = 0; c < C; c++)
    for (int ky = 0; ky < 3; ky++)
      for (int kx = 0; kx < 3; kx++)
        {
          float *row = col + ((gsize) (c * 9 + ky * 3 + kx)) * H * W;
          const float *src = in + (gsize) c * H * W;
          int x0 = kx == 0 ? 1 : 0;           /* first x with x+kx-1 >= 0 */
          int x1 = kx == 2 ? W - 1 : W;       /* one past last x with x+kx-1 < W */
          for (int y = 0; y < H; y++)
            {
              int yy = y + ky - 1;
              float *dst = row + (gsize) y * W;
              if (yy < 0 || yy >= H)
                {
                  memset (dst, 0, sizeof (float) * W);
                  continue;
                }
              if (x0 > 0)
                dst[0] = 0.0f;
              if (x1 < W)
                dst[W - 1] = 0.0f;
              memcpy (dst + x0, src + (gsize) yy * W + x0 + kx - 1,
                      sizeof (float) * (x1 - x0));
            }
        }
}

/* The adjoint of im2col3x3: din (C,H,W) = Σ over the rows of dcol that read
 * each pixel. */
static void
col2im3x3 (float *din, const float *dcol, int C, int H, int W)
{
  memset (din, 0, sizeof (float) * (gsize) C * H * W);
  for (int c = 0; c < C; c++)
    for (int ky = 0; ky < 3; ky++)
      for (int kx = 0; kx < 3; kx++)
        {
          const float *row = dcol + ((gsize) (c * 9 + ky * 3 + kx)) * H * W;
          float *dst = din + (gsize) c * H * W;
          int x0 = kx == 0 ? 1 : 0;
          int x1 = kx == 2 ? W - 1 : W;
          for (int y = 0; y < H; y++)
            {
              int yy = y + ky - 1;
              if (yy < 0 || yy >= H)
                continue;
              const float *s = row + (gsize) y * W;
              float *d = dst + (gsize) yy * W + kx - 1;
              for (int x = x0; x < x1; x++)
                d[x] += s[x];
            }
        }
}

gsize
fl_conv3x3_scratch_size (int C, int H, int W)
{
  return 2 * (gsize) C * 9 * H * W;
}

void
fl_conv3x3_forward (float       *out,
                    const float *in,
                    const float *w,
                    const float *b,
                    float       *scratch,
                    int N, int C, int H, int W, int K)
{
  const int HW = H * W;
  const int C9 = C * 9;

  for (int n = 0; n < N; n++)
    {
      float *o = out + (gsize) n * K * HW;
      im2col3x3 (scratch, in + (gsize) n * C * HW, C, H, W);
      for (int k = 0; k < K; k++)
        for (int i = 0; i < HW; i++)
          o[(gsize) k * HW + i] = b[k];
      /* out (K,HW) += w (K,C9) · col (C9,HW) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, K, HW, C9,
                   1.0f, w, C9, scratch, HW, 1.0f, o, HW);
    }
}

void
fl_conv3x3_backward (float       *din,
                     float       *dw,
                     float       *db,
                     const float *dout,
                     const float *in,
                     const float *w,
                     float       *scratch,
                     int N, int C, int H, int W, int K)
{
  const int HW = H * W;
  const int C9 = C * 9;
  float *col = scratch;
  float *dcol = scratch + (gsize) C9 * HW;

  for (int n = 0; n < N; n++)
    {
      const float *g = dout + (gsize) n * K * HW;
      im2col3x3 (col, in + (gsize) n * C * HW, C, H, W);
      /* dw (K,C9) += dout (K,HW) · col^T */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, K, C9, HW,
                   1.0f, g, HW, col, HW, 1.0f, dw, C9);
      for (int k = 0; k < K; k++)
        {
          float s = 0.0f;
          for (int i = 0; i < HW; i++)
            s += g[(gsize) k * HW + i];
          db[k] += s;
        }
      if (din == NULL)
        continue;
      /* dcol (C9,HW) = w^T (C9,K) · dout (K,HW) */
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, C9, HW, K,
                   1.0f, w, C9, g, HW, 0.0f, dcol, HW);
      col2im3x3 (din + (gsize) n * C * HW, dcol, C, H, W);
    }
}

/* ---- 2x2 max-pooling ---------------------------------------------------- */

void
fl_maxpool2_forward (float       *out,
                     gint32      *argmax,
                     const float *in,
                     int N, int C, int H, int W)
{
  const int Ho = H / 2, Wo = W / 2;

  g_return_if_fail (H % 2 == 0 && W % 2 == 0);

  for (gsize p = 0; p < (gsize) N * C; p++)
    {
      const float *src = in + p * H * W;
      float *dst = out + p * Ho * Wo;
      gint32 *am = argmax + p * Ho * Wo;
      for (int y = 0; y < Ho; y++)
        for (int x = 0; x < Wo; x++)
          {
            int i0 = (2 * y) * W + 2 * x;
            int best = i0;
            /* ties go to the first in row-major order, as in PyTorch */
            if (src[i0 + 1] > src[best]) best = i0 + 1;
            if (src[i0 + W] > src[best]) best = i0 + W;
            if (src[i0 + W + 1] > src[best]) best = i0 + W + 1;
            dst[y * Wo + x] = src[best];
            am[y * Wo + x] = (gint32) (p * H * W + best);
          }
    }
}

void
fl_maxpool2_backward (float        *din,
                      const float  *dout,
                      const gint32 *argmax,
                      int N, int C, int H, int W)
{
  gsize n_out = (gsize) N * C * (H / 2) * (W / 2);

  memset (din, 0, sizeof (float) * (gsize) N * C * H * W);
  /* windows do not overlap, so each input receives at most one gradient */
  for (gsize i = 0; i < n_out; i++)
    din[argmax[i]] = dout[i];
}

/* ---- rows of a batch ---------------------------------------------------- */

/* Every row of out (N,W) = b (W): the bias a layer's output starts from. */
static inline void
rows_set (float *out, const float *b, int N, int W)
{
  for (int n = 0; n < N; n++)
    memcpy (out + (gsize) n * W, b, sizeof (float) * W);
}

/* db (W) += Σ_n dout (N,W): the bias gradient of a layer that added b to
 * every row. */
static inline void
rows_sum_into (float *db, const float *dout, int N, int W)
{
  for (int n = 0; n < N; n++)
    for (int w = 0; w < W; w++)
      db[w] += dout[(gsize) n * W + w];
}

/* N rows of W floats from src, rows src_stride apart, to dst, rows
 * dst_stride apart: concat's halves in and out. */
static inline void
rows_copy (float *dst, int dst_stride, const float *src, int src_stride, int N, int W)
{
  for (int n = 0; n < N; n++)
    memcpy (dst + (gsize) n * dst_stride, src + (gsize) n * src_stride, sizeof (float) * W);
}

/* ---- linear ------------------------------------------------------------- */

void
fl_linear_forward (float       *out,
                   const float *in,
                   const float *w,
                   const float *b,
                   int N, int In, int Out)
{
  rows_set (out, b, N, Out);
  /* out (N,Out) += in (N,In) · w^T (In,Out) */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, Out, In,
               1.0f, in, In, w, In, 1.0f, out, Out);
}

void
fl_linear_backward (float       *din,
                    float       *dw,
                    float       *db,
                    const float *dout,
                    const float *in,
                    const float *w,
                    int N, int In, int Out)
{
  /* dL/dw (Out,In) += dout^T (Out,N) · in (N,In) */
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, Out, In, N,
               1.0f, dout, Out, in, In, 1.0f, dw, In);
  rows_sum_into (db, dout, N, Out);
  /* dL/din (N,In) = dout (N,Out) · w (Out,In) */
  if (din != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, In, Out,
                 1.0f, dout, Out, w, In, 0.0f, din, In);
}

/* ---- ReLU --------------------------------------------------------------- */

void
fl_relu_forward (float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

void
fl_relu_backward (float *dx, const float *y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    dx[i] = y[i] > 0.0f ? dx[i] : 0.0f;
}

/* ---- embedding-bag ------------------------------------------------------ */

void
fl_embag_forward (float        *out,
                  const gint32 *off,
                  const gint32 *idx,
                  const float  *w,
                  const float  *b,
                  int N, int H)
{
  rows_set (out, b, N, H);
  for (int n = 0; n < N; n++)
    {
      float *o = out + (gsize) n * H;
      for (gint32 t = off[n]; t < off[n + 1]; t++)
        {
          const float *row = w + (gsize) idx[t] * H;
          for (int h = 0; h < H; h++)
            o[h] += row[h];
        }
    }
}

void
fl_embag_backward (float        *dw,
                   float        *db,
                   const float  *dout,
                   const gint32 *off,
                   const gint32 *idx,
                   int N, int H)
{
  rows_sum_into (db, dout, N, H);
  for (int n = 0; n < N; n++)
    {
      const float *g = dout + (gsize) n * H;
      for (gint32 t = off[n]; t < off[n + 1]; t++)
        {
          float *row = dw + (gsize) idx[t] * H;
          for (int h = 0; h < H; h++)
            row[h] += g[h];
        }
    }
}

/* ---- softmax cross-entropy ---------------------------------------------- */

double
fl_softmax_xent (float        *probs,
                 float        *dlogits,
                 const float  *logits,
                 const gint32 *labels,
                 int N, int C)
{
  double total = 0.0;

  for (int n = 0; n < N; n++)
    {
      const float *z = logits + (gsize) n * C;
      float *p = probs + (gsize) n * C;
      float zmax = z[0];
      for (int c = 1; c < C; c++)
        zmax = MAX (zmax, z[c]);
      /* log Σ exp z = zmax + log Σ exp (z - zmax): no overflow */
      double sum = 0.0;
      for (int c = 0; c < C; c++)
        sum += exp ((double) z[c] - zmax);
      double lse = zmax + log (sum);
      for (int c = 0; c < C; c++)
        p[c] = (float) exp ((double) z[c] - lse);
      total += lse - z[labels[n]];
      if (dlogits != NULL)
        {
          float *d = dlogits + (gsize) n * C;
          for (int c = 0; c < C; c++)
            d[c] = (p[c] - (c == labels[n] ? 1.0f : 0.0f)) / N;
        }
    }
  return total / N;
}

/* ---- fusion ------------------------------------------------------------- */

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
fl_fusion_width (FlFusion fusion, int D)
{
  return fusion == FL_FUSION_CONCAT || fusion == FL_FUSION_LATE ? 2 * D : D;
}

gboolean
fl_fusion_has_params (FlFusion fusion)
{
  return fusion == FL_FUSION_GATED || fusion == FL_FUSION_LOWRANK;
}

gboolean
fl_fusion_uses_image (FlFusion fusion)
{
  return fusion != FL_FUSION_TEXT;
}

gboolean
fl_fusion_uses_text (FlFusion fusion)
{
  return fusion != FL_FUSION_IMAGE;
}

void
fl_fusion_forward (float       *out,
                   const float *a,
                   const float *b,
                   FlFusion     fusion,
                   int N, int D)
{
  gsize ND = (gsize) N * D;

  switch (fusion)
    {
    case FL_FUSION_CONCAT:
    case FL_FUSION_LATE:
      rows_copy (out, 2 * D, a, D, N, D);
      rows_copy (out + D, 2 * D, b, D, N, D);
      break;
    case FL_FUSION_MEAN:
      for (gsize i = 0; i < ND; i++)
        out[i] = 0.5f * (a[i] + b[i]);
      break;
    case FL_FUSION_PRODUCT:
      for (gsize i = 0; i < ND; i++)
        out[i] = a[i] * b[i];
      break;
    case FL_FUSION_IMAGE:
    case FL_FUSION_TEXT:
      /* the one branch the route uses passes through */
      memcpy (out, fusion == FL_FUSION_IMAGE ? a : b, sizeof (float) * ND);
      break;
    default:
      g_assert_not_reached ();
    }
}

void
fl_fusion_backward (float       *da,
                    float       *db,
                    const float *dout,
                    const float *a,
                    const float *b,
                    FlFusion     fusion,
                    int N, int D)
{
  gsize ND = (gsize) N * D;

  switch (fusion)
    {
    case FL_FUSION_CONCAT:
    case FL_FUSION_LATE:
      rows_copy (da, D, dout, 2 * D, N, D);
      rows_copy (db, D, dout + D, 2 * D, N, D);
      break;
    case FL_FUSION_MEAN:
      for (gsize i = 0; i < ND; i++)
        da[i] = db[i] = 0.5f * dout[i];
      break;
    case FL_FUSION_PRODUCT:
      /* d(a⊙b)/da = b, d(a⊙b)/db = a */
      for (gsize i = 0; i < ND; i++)
        {
          da[i] = dout[i] * b[i];
          db[i] = dout[i] * a[i];
        }
      break;
    case FL_FUSION_IMAGE:
    case FL_FUSION_TEXT:
      memcpy (fusion == FL_FUSION_IMAGE ? da : db, dout, sizeof (float) * ND);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ---- gated multimodal unit ---------------------------------------------- */

void
fl_gmu_forward (float       *out,
                float       *hv,
                float       *ht,
                float       *z,
                const float *a,
                const float *b,
                const float *wv,
                const float *bv,
                const float *wt,
                const float *bt,
                const float *wz,
                const float *bz,
                int N, int D)
{
  gsize ND = (gsize) N * D;

  fl_linear_forward (hv, a, wv, bv, N, D, D);
  fl_linear_forward (ht, b, wt, bt, N, D, D);
  /* z (N,D) = bz + a · wz[:, :D]^T + b · wz[:, D:]^T: the product with
   * [a, b] as two products, without building the (N,2D) concatenation */
  rows_set (z, bz, N, D);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, D, D,
               1.0f, a, D, wz, 2 * D, 1.0f, z, D);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, D, D,
               1.0f, b, D, wz + D, 2 * D, 1.0f, z, D);
  for (gsize i = 0; i < ND; i++)
    {
      hv[i] = tanhf (hv[i]);
      ht[i] = tanhf (ht[i]);
      z[i] = 1.0f / (1.0f + expf (-z[i]));
      out[i] = z[i] * hv[i] + (1.0f - z[i]) * ht[i];
    }
}

void
fl_gmu_backward (float       *da,
                 float       *db,
                 float       *dwv,
                 float       *dbv,
                 float       *dwt,
                 float       *dbt,
                 float       *dwz,
                 float       *dbz,
                 const float *dout,
                 const float *a,
                 const float *b,
                 const float *hv,
                 const float *ht,
                 const float *z,
                 const float *wv,
                 const float *wt,
                 const float *wz,
                 int N, int D)
{
  gsize ND = (gsize) N * D;
  /* the gradients at the three pre-activations, (N,D) each */
  g_autofree float *dv = g_new (float, 3 * ND);
  float *dt = dv + ND, *dz = dv + 2 * ND;

  /* df/dhv = z, df/dht = 1 − z, df/dz = hv − ht;
   * tanh' = 1 − tanh², σ' = σ (1 − σ) */
  for (gsize i = 0; i < ND; i++)
    {
      dv[i] = dout[i] * z[i] * (1.0f - hv[i] * hv[i]);
      dt[i] = dout[i] * (1.0f - z[i]) * (1.0f - ht[i] * ht[i]);
      dz[i] = dout[i] * (hv[i] - ht[i]) * z[i] * (1.0f - z[i]);
    }
  fl_linear_backward (da, dwv, dbv, dv, a, wv, N, D, D);
  fl_linear_backward (db, dwt, dbt, dt, b, wt, N, D, D);
  /* dwz[:, :D] += dz^T · a, dwz[:, D:] += dz^T · b (rows 2D apart) */
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, D, D, N,
               1.0f, dz, D, a, D, 1.0f, dwz, 2 * D);
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, D, D, N,
               1.0f, dz, D, b, D, 1.0f, dwz + D, 2 * D);
  rows_sum_into (dbz, dz, N, D);
  /* da += dz · wz[:, :D], db += dz · wz[:, D:] */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, D,
               1.0f, dz, D, wz, 2 * D, 1.0f, da, D);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, D,
               1.0f, dz, D, wz + D, 2 * D, 1.0f, db, D);
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
fl_lmf_forward (float       *out,
                float       *pa,
                float       *pb,
                const float *a,
                const float *b,
                const float *wa,
                const float *wb,
                int N, int D, int R)
{
  gsize ND = (gsize) N * D, WD = (gsize) D * (D + 1);

  memset (out, 0, sizeof (float) * ND);
  for (int r = 0; r < R; r++)
    {
      float *par = pa + r * ND, *pbr = pb + r * ND;

      lmf_factor_forward (par, a, wa + r * WD, N, D);
      lmf_factor_forward (pbr, b, wb + r * WD, N, D);
      for (gsize i = 0; i < ND; i++)
        out[i] += par[i] * pbr[i];
    }
}

void
fl_lmf_backward (float       *da,
                 float       *db,
                 float       *dwa,
                 float       *dwb,
                 const float *dout,
                 const float *a,
                 const float *b,
                 const float *pa,
                 const float *pb,
                 const float *wa,
                 const float *wb,
                 int N, int D, int R)
{
  gsize ND = (gsize) N * D, WD = (gsize) D * (D + 1);
  g_autofree float *dp = g_new (float, ND);

  memset (da, 0, sizeof (float) * ND);
  memset (db, 0, sizeof (float) * ND);
  for (int r = 0; r < R; r++)
    {
      /* d(pa ⊙ pb)/dpa = pb, and the other way round */
      for (gsize i = 0; i < ND; i++)
        dp[i] = dout[i] * pb[r * ND + i];
      lmf_factor_backward (da, dwa + r * WD, dp, a, wa + r * WD, N, D);
      for (gsize i = 0; i < ND; i++)
        dp[i] = dout[i] * pa[r * ND + i];
      lmf_factor_backward (db, dwb + r * WD, dp, b, wb + r * WD, N, D);
    }
}

/* ---- late fusion -------------------------------------------------------- */

/* w = softmax(alpha) over the two heads */
static void
late_weights (float w[2], const float *alpha)
{
  float m = MAX (alpha[0], alpha[1]);
  float e0 = expf (alpha[0] - m), e1 = expf (alpha[1] - m);

  w[0] = e0 / (e0 + e1);
  w[1] = e1 / (e0 + e1);
}

void
fl_late_forward (float       *out,
                 float        w[2],
                 const float *li,
                 const float *lt,
                 const float *alpha,
                 int N, int C)
{
  late_weights (w, alpha);
  for (gsize i = 0; i < (gsize) N * C; i++)
    out[i] = w[0] * li[i] + w[1] * lt[i];
}

void
fl_late_backward (float       *dli,
                  float       *dlt,
                  float       *dalpha,
                  const float *dout,
                  const float *li,
                  const float *lt,
                  const float *alpha,
                  int N, int C)
{
  float w[2];
  double g[2] = { 0.0, 0.0 }, mean;

  late_weights (w, alpha);
  for (gsize i = 0; i < (gsize) N * C; i++)
    {
      g[0] += (double) dout[i] * li[i];
      g[1] += (double) dout[i] * lt[i];
      dli[i] = w[0] * dout[i];
      dlt[i] = w[1] * dout[i];
    }
  mean = w[0] * g[0] + w[1] * g[1];
  dalpha[0] += (float) (w[0] * (g[0] - mean));
  dalpha[1] += (float) (w[1] * (g[1] - mean));
}
