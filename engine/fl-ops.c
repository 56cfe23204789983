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

/* Σ x[0..n): eight running sums, one per lane, so that the compiler can
 * vectorise it without reordering a float sum itself; a single sum is a
 * chain of dependent adds, and conv1's bias gradient (131,072 of them a
 * sample) cost as much as its sgemm. */
static float
sum_floats (const float *x, int n)
{
  float lane[8] = { 0 }, s = 0.0f;
  int i = 0;

  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++)
      lane[j] += x[i + j];
  for (; i < n; i++)
    s += x[i];
  for (int j = 0; j < 8; j++)
    s += lane[j];
  return s;
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

/* One output row of 2x2 windows: rows s and s + W of the input into dst
 * (Wo floats) and am, whose entries are i0 + the winner's offset from s.
 * Ties go to the first in row-major order, as in PyTorch. Selects, not
 * branches: on real maps the winner is a coin toss, and the mispredicted
 * branches made pooling cost 14% of a training step, as much as conv1. */
static inline void
pool_row (float *dst, gint32 *am, const float *s, int W, int Wo, gint32 i0)
{
  const float *t = s + W;

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
        pool_row (out + o, argmax + o, in + i0, W, Wo, (gint32) i0);
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

void
fl_pool2_bias_relu_forward (float       *out,
                            gint32      *argmax,
                            const float *in,
                            const float *b,
                            int N, int C, int H, int W)
{
  const int Ho = H / 2, Wo = W / 2;

  g_return_if_fail (H % 2 == 0 && W % 2 == 0);

  for (gsize p = 0; p < (gsize) N * C; p++)
    {
      const float bias = b[p % C];
      for (int y = 0; y < Ho; y++)
        {
          gsize i0 = p * H * W + (gsize) 2 * y * W;
          float *dst = out + (p * Ho + y) * Wo;
          pool_row (dst, argmax + (p * Ho + y) * Wo, in + i0, W, Wo, (gint32) i0);
          for (int x = 0; x < Wo; x++)
            dst[x] = MAX (dst[x] + bias, 0.0f);
        }
    }
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

/* ---- the first conv's weight gradient, from the pooled gradient --------
 *
 * Nobody needs the input's gradient, so conv1's backward is its weight
 * gradient alone, dw (K,C9) = Σ dc · col^T; and after pooling and the ReLU
 * dc is 0 but at one window winner in four. The plain route wrote dc in
 * full (a memset and a scatter of a 512 KB map per image at S=64),
 * im2col'ed the input again and ran an sgemm with K = H·W whose three
 * quarters multiply zeros: 155 µs an image on this machine. Here each
 * pooled gradient adds its value × the 3×3×C patch under its window's
 * winner, read from the image's patches laid out one pixel a row, a band
 * of rows at a time so that they stay in L1 for all K planes: 45 µs. */

/* Pooled rows a band holds: 4 pixel rows of 64 patches of 32 floats are
 * 32 KB, within L1 (48 KB here). The whole image's patches (512 KB), read
 * again for each of the 32 planes, took 55 µs an image; bands of 1 or 8
 * pooled rows 51 and 53. */
#define PATCH_BAND 2

/* Rounds C·9 up to lanes of eight: a patch row's length. */
static int
patch_width (int C)
{
  return (C * 9 + 7) / 8 * 8;
}

/* pad (C, rows + 2, W + 2) = the image rows y0 - 1 … y0 + rows with a
 * border of zeros, and one float more: patches3x3 reads one past. */
static inline __attribute__ ((always_inline)) void
pad_rows (float *pad, const float *in, int C, int H, int W, int y0, int rows)
{
  const int W2 = W + 2;

  for (int c = 0; c < C; c++)
    for (int r = 0; r < rows + 2; r++)
      {
        float *d = pad + ((gsize) c * (rows + 2) + r) * W2;
        const int y = y0 + r - 1;
        if (y < 0 || y >= H)
          {
            memset (d, 0, sizeof (float) * W2);
            continue;
          }
        d[0] = d[W + 1] = 0.0f;
        memcpy (d + 1, in + ((gsize) c * H + y) * W, sizeof (float) * W);
      }
  pad[(gsize) C * (rows + 2) * W2] = 0.0f;
}

/* patches (rows·W, patch_width (C)): row (y - y0)·W + x, for the image
 * rows y0 ≤ y < y0 + rows, holds in[c, y+ky-1, x+kx-1] at c·9 + ky·3 + kx
 * (0 outside the image); past C·9, whatever (sum_patches' sums there are
 * dropped). Each (c, ky) is three floats in a row of pad: copied four at
 * a time, the fourth overwritten by the next copy. */
static inline __attribute__ ((always_inline)) void
patches3x3 (float *patches, const float *pad, int C, int W, int rows)
{
  const int P = patch_width (C), W2 = W + 2;

  for (int y = 0; y < rows; y++)
    for (int x = 0; x < W; x++)
      {
        float *d = patches + ((gsize) y * W + x) * P;
        for (int c = 0; c < C; c++)
          for (int ky = 0; ky < 3; ky++)
            memcpy (d + c * 9 + ky * 3, pad + ((gsize) c * (rows + 2) + y + ky) * W2 + x,
                    4 * sizeof (float));
      }
}

/* Eight floats: one AVX register. */
typedef float Lanes8 __attribute__ ((vector_size (32)));

/* a += v × the eight floats at p. */
#define ADD_SCALED(a, v, p) \
  G_STMT_START { Lanes8 r_; memcpy (&r_, (p), sizeof r_); (a) += (v) * r_; } G_STMT_END

/* One plane's pooled gradients g where the ReLU passed (y > 0), else 0,
 * into v, and its winners' offsets am - base into pix: one pass that
 * streams g, y and am from memory, ahead of the band loop, which visits
 * each plane 32 times and, reading them there, took a cache miss each
 * time (half this function's time in training). g is read whatever y is:
 * "y > 0 ? g : 0" alone became an AVX2 masked load. */
static inline __attribute__ ((always_inline)) void
passed (float *v, gint32 *pix, const float *g, const float *y, const gint32 *am, gint32 base,
        int n)
{
  for (int i = 0; i < n; i++)
    {
      const float gi = g[i], yi = y[i];
      v[i] = yi > 0.0f ? gi : 0.0f;
      pix[i] = am[i] - base;
    }
}

/* acc (P floats) += Σ_i v[i] × the patch of pixel pix[i] - base of the
 * band: 32 columns at a time (conv1's 27 taps) in four independent chains
 * of adds, then the rest eight at a time. A gradient the ReLU stopped adds
 * 0 × its patch: cheaper than a branch on a coin toss or gathering the
 * others first (measured). */
static inline __attribute__ ((always_inline)) void
sum_patches (float *acc, const float *patches, int P, const float *v, const gint32 *pix,
             gint32 base, int n)
{
  int j0 = 0;

  for (; j0 + 32 <= P; j0 += 32)
    {
      Lanes8 a[4], b[4] = { { 0 } };
      memcpy (a, acc + j0, sizeof a);
      for (int i = 0; i < n; i++)
        {
          const float *r = patches + (gsize) (pix[i] - base) * P + j0;
          for (int c = 0; c < 4; c++)
            ADD_SCALED (b[c], v[i], r + 8 * c);
        }
      for (int c = 0; c < 4; c++)
        a[c] += b[c];
      memcpy (acc + j0, a, sizeof a);
    }
  for (; j0 < P; j0 += 8)
    {
      Lanes8 a, b = { 0 };
      memcpy (&a, acc + j0, sizeof a);
      for (int i = 0; i < n; i++)
        ADD_SCALED (b, v[i], patches + (gsize) (pix[i] - base) * P + j0);
      a += b;
      memcpy (acc + j0, &a, sizeof a);
    }
}

gsize
fl_conv3x3_pool_weight_grad_scratch_size (int C, int H, int W, int K)
{
  /* acc, v and pix, patches, pad */
  return (gsize) K * patch_width (C) + (gsize) 2 * K * (H / 2) * (W / 2)
         + ((gsize) 2 * PATCH_BAND * W + 1) * patch_width (C)
         + (gsize) C * (2 * PATCH_BAND + 2) * (W + 2) + 1;
}

/* One image's conv gradient into acc (K, P) from v and pix (K pooled
 * planes), band by band. */
static inline __attribute__ ((always_inline)) void
image_weight_grad (float *acc, float *patches, float *pad, const float *v, const gint32 *pix,
                   const float *in, int C, int H, int W, int K)
{
  const int P = patch_width (C), Wo = W / 2;
  const gsize plane = (gsize) (H / 2) * Wo;

  memset (acc, 0, sizeof (float) * K * P);
  for (int r = 0; r < H / 2; r += PATCH_BAND)
    {
      const int rows = MIN (PATCH_BAND, H / 2 - r);
      const gsize at = (gsize) r * Wo;
      pad_rows (pad, in, C, H, W, 2 * r, 2 * rows);
      patches3x3 (patches, pad, C, W, 2 * rows);
      for (int k = 0; k < K; k++)
        sum_patches (acc + (gsize) k * P, patches, P, v + k * plane + at, pix + k * plane + at,
                     2 * r * W, rows * Wo);
    }
}

/* On x86-64, compiled twice, for AVX2 and for the baseline, and picked
 * when the program loads: eight-float vectors in SSE registers took 2.5
 * times as long. */
#if defined(__x86_64__) && (defined(__clang__) || __GNUC__ >= 6)
#define FL_AVX2_CLONE __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define FL_AVX2_CLONE
#endif

FL_AVX2_CLONE void
fl_conv3x3_pool_weight_grad (float        *dw,
                             float        *db,
                             const float  *dout,
                             const float  *out,
                             const gint32 *argmax,
                             const float  *in,
                             float        *scratch,
                             int N, int C, int H, int W, int K)
{
  const int P = patch_width (C), C9 = C * 9;
  const gsize HW = (gsize) H * W, plane = (gsize) (H / 2) * (W / 2);
  float *acc = scratch, *v = acc + (gsize) K * P;
  gint32 *pix = (gint32 *) (v + K * plane);
  float *patches = (float *) (pix + K * plane), *pad = patches + ((gsize) 2 * PATCH_BAND * W + 1) * P;

  G_STATIC_ASSERT (sizeof (gint32) == sizeof (float));
  g_return_if_fail (H % 2 == 0 && W % 2 == 0);

  for (int n = 0; n < N; n++)
    {
      for (int k = 0; k < K; k++)
        {
          const gsize p = (gsize) n * K + k;
          passed (v + k * plane, pix + k * plane, dout + p * plane, out + p * plane,
                  argmax + p * plane, (gint32) (p * HW), (int) plane);
          /* the bias was added after the max: its gradient is the pooled map's
           * sum, summed as route_where_positive sums it (the same bits) */
          db[k] += sum_floats (v + k * plane, (int) plane);
        }
      image_weight_grad (acc, patches, pad, v, pix, in + (gsize) n * C * HW, C, H, W, K);
      for (int k = 0; k < K; k++)
        for (int j = 0; j < C9; j++)
          dw[(gsize) k * C9 + j] += acc[(gsize) k * P + j];
    }
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
