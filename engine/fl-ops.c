/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-ops"

#include "fl-ops.h"
#include "fl-ops-private.h"

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
      if (b != NULL)
        for (int k = 0; k < K; k++)
          for (int i = 0; i < HW; i++)
            o[(gsize) k * HW + i] = b[k];
      /* out (K,HW) (+)= w (K,C9) · col (C9,HW) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, K, HW, C9,
                   1.0f, w, C9, scratch, HW, b != NULL ? 1.0f : 0.0f, o, HW);
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
      for (int k = 0; db != NULL && k < K; k++)
        db[k] += sum_floats (g + (gsize) k * HW, HW);
      if (din == NULL)
        continue;
      /* dcol (C9,HW) = w^T (C9,K) · dout (K,HW) */
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, C9, HW, K,
                   1.0f, w, C9, g, HW, 0.0f, dcol, HW);
      col2im3x3 (din + (gsize) n * C * HW, dcol, C, H, W);
    }
}

/* ---- 2x2 max-pooling ---------------------------------------------------- */

/* One output row of 2x2 windows: rows s and s + stride of the input into
 * dst (Wo floats) and am, whose entries are i0 + the winner's offset from
 * s as if rows were W apart.
 * Ties go to the first in row-major order, as in PyTorch. Selects, not
 * branches: on real maps the winner is a coin toss, and the mispredicted
 * branches made pooling cost 14% of a training step, as much as conv1. */
static inline void
pool_row (float *dst, gint32 *am, const float *s, int W, int stride, int Wo, gint32 i0)
{
  const float *t = s + stride;

  for (int x = 0; x < Wo; x++)
    {
      float m = s[2 * x];
      gint32 k = 2 * x;

      k = s[2 * x + 1] > m ? 2 * x + 1 : k;
      m = s[2 * x + 1] > m ? s[2 * x + 1] : m;
      k = t[2 * x] > m ? W + 2 * x : k;
      m = t[2 * x] > m ? t[2 * x] : m;
      k = t[2 * x + 1] > m ? W + 2 * x + 1 : k;
      m = t[2 * x + 1] > m ? t[2 * x + 1] : m;
      dst[x] = m;
      am[x] = i0 + k;
    }
}

void
fl_maxpool2_forward (float       *out,
                     gint32      *argmax,
                     const float *in,
                     int N, int C, int H, int W)
{
  const int Ho = H / 2, Wo = W / 2;

  g_return_if_fail (H % 2 == 0 && W % 2 == 0);

  for (gsize p = 0; p < (gsize) N * C; p++)
    for (int y = 0; y < Ho; y++)
      {
        gsize i0 = p * H * W + (gsize) 2 * y * W;
        gsize o = (p * Ho + y) * Wo;
        pool_row (out + o, argmax + o, in + i0, W, W, Wo, (gint32) i0);
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

/* ---- the conv blocks' pool → bias → ReLU ------------------------------ */

/* With AVX2 (the same bits): 21 µs an image for conv1's map at S=64
 * rather than 29. */
FL_AVX2_CLONE void
_fl_pool2_bias_relu_strided (float       *out,
                             gint32      *argmax,
                             const float *in,
                             const float *b,
                             int C, int H, int W, int stride, gsize plane, gsize base)
{
  const int Ho = H / 2, Wo = W / 2;

  g_return_if_fail (H % 2 == 0 && W % 2 == 0);

  for (int p = 0; p < C; p++)
    {
      const float bias = b[p];
      for (int y = 0; y < Ho; y++)
        {
          const float *s = in + p * plane + (gsize) 2 * y * stride;
          float *dst = out + ((gsize) p * Ho + y) * Wo;
          pool_row (dst, argmax + ((gsize) p * Ho + y) * Wo, s, W, stride, Wo,
                    (gint32) (base + ((gsize) p * H + 2 * y) * W));
          for (int x = 0; x < Wo; x++)
            dst[x] = MAX (dst[x] + bias, 0.0f);
        }
    }
}

void
fl_pool2_bias_relu_forward (float       *out,
                            gint32      *argmax,
                            const float *in,
                            const float *b,
                            int N, int C, int H, int W)
{
  const gsize img = (gsize) C * H * W, pooled = img / 4;

  for (int n = 0; n < N; n++)
    _fl_pool2_bias_relu_strided (out + n * pooled, argmax + n * pooled, in + n * img, b,
                                 C, H, W, W, (gsize) H * W, n * img);
}

/* Routes g[0..n), where the ReLU's output y > 0, to din at am, and returns
 * its sum. Eight at a time, masked with a select: a branch on y mispredicts
 * half the time, and tripled this pass. The eight running sums let the
 * compiler vectorise without reordering a float sum itself. */
static float
route_where_positive (float *din, const float *g, const float *y, const gint32 *am, int n)
{
  float lane[8] = { 0 }, s = 0.0f;
  int i = 0;

  for (; i + 8 <= n; i += 8)
    {
      float v[8];
      for (int j = 0; j < 8; j++)
        v[j] = y[i + j] > 0.0f ? g[i + j] : 0.0f;
      for (int j = 0; j < 8; j++)
        lane[j] += v[j];
      for (int j = 0; j < 8; j++)
        din[am[i + j]] = v[j];
    }
  for (; i < n; i++)
    {
      float v = y[i] > 0.0f ? g[i] : 0.0f;
      s += v;
      din[am[i]] = v;
    }
  for (int j = 0; j < 8; j++)
    s += lane[j];
  return s;
}

void
fl_pool2_bias_relu_backward (float        *din,
                             float        *db,
                             const float  *dout,
                             const float  *out,
                             const gint32 *argmax,
                             int N, int C, int H, int W)
{
  const gsize plane = (gsize) (H / 2) * (W / 2);

  memset (din, 0, sizeof (float) * (gsize) N * C * H * W);
  /* the bias was added after the max: its gradient is the pooled map's
   * sum, over a quarter of the conv output */
  for (gsize p = 0; p < (gsize) N * C; p++)
    db[p % C] += route_where_positive (din, dout + p * plane, out + p * plane,
                                       argmax + p * plane, (int) plane);
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
