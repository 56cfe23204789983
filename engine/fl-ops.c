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
