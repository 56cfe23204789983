/* SPDX-License-Identifier: MIT
 *
 * A conv block's backward from its pooled gradient: after 2x2 max-pooling
 * and the ReLU the gradient of a conv's output is 0 but at one window
 * winner in four, and there only where the ReLU passed. The dense route —
 * write that map in full, then sgemm over it — multiplies zeros three
 * times in four; these take the pooled gradients one by one instead. The
 * model uses them for conv1 (weights only: nobody needs the image's
 * gradient) and for both of conv2's gradients.
 */
#define G_LOG_DOMAIN "fl-ops"

#include "fl-ops.h"
#include "fl-ops-private.h"

#include <string.h>

/* ---- the weight gradient ---------------------------------------------------
 *
 * dw (K,C9) = Σ dc · col^T. For conv1 the plain route wrote dc in full (a
 * memset and a scatter of a 512 KB map per image at S=64), im2col'ed the
 * input again and ran an sgemm with K = H·W whose three quarters multiply
 * zeros: 155 µs an image on this machine. Here each
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

/* acc[j0 … j0 + 8·L) += Σ_i v[i] × those columns of the patch of pixel
 * pix[i] - base of the band, in L independent chains of adds: the adds'
 * latency, not the loads, bounds this loop, so conv2's 288 columns go 64
 * at a time (eight chains), conv1's 32 in four. A gradient the ReLU
 * stopped adds 0 × its patch: cheaper than a branch on a coin toss or
 * gathering the others first (measured). */
static inline __attribute__ ((always_inline)) void
sum_patches (float *acc, const float *patches, int P, int j0, const float *v,
             const gint32 *pix, gint32 base, int n, int L)
{
  Lanes8 a[8], b[8] = { { 0 } };

  memcpy (a, acc + j0, sizeof (Lanes8) * L);
  for (int i = 0; i < n; i++)
    {
      const float *r = patches + (gsize) (pix[i] - base) * P + j0;
      for (int c = 0; c < L; c++)
        ADD_SCALED (b[c], v[i], r + 8 * c);
    }
  for (int c = 0; c < L; c++)
    a[c] += b[c];
  memcpy (acc + j0, a, sizeof (Lanes8) * L);
}

/* The same for the eight columns from j0. */
static inline __attribute__ ((always_inline)) void
sum_patches8 (float *acc, const float *patches, int P, int j0, const float *v,
              const gint32 *pix, gint32 base, int n)
{
  Lanes8 a, b = { 0 };

  memcpy (&a, acc + j0, sizeof a);
  for (int i = 0; i < n; i++)
    ADD_SCALED (b, v[i], patches + (gsize) (pix[i] - base) * P + j0);
  a += b;
  memcpy (acc + j0, &a, sizeof a);
}

#ifdef FL_AVX512
/* d[0 … 16·L) += Σ_i v[i] × the 16·L floats at src + (row[i] - row0)·stride,
 * with AVX-512 FMAs, where fl_conv3x3_direct () allows: U entries at a
 * time into their own sums, U·L ≥ 8 chains, as an FMA's latency is four
 * cycles and a core does two a cycle (conv2's weight gradient took 20% of
 * a training step on the demo with eight-float adds). Past n, an entry
 * repeats the last one at weight 0. */
static inline __attribute__ ((always_inline, target ("avx512f"))) void
sum_rows_avx512 (float *d, const float *src, const gint32 *row, gint32 row0, gsize stride,
                 const float *v, int n, const int L, const int U)
{
  __m512 a[4][6];

#pragma GCC unroll 4
  for (int u = 0; u < U; u++)
#pragma GCC unroll 6
    for (int c = 0; c < L; c++)
      a[u][c] = _mm512_setzero_ps ();
  for (int i = 0; i < n; i += U)
#pragma GCC unroll 4
    for (int u = 0; u < U; u++)
      {
        const int e = MIN (i + u, n - 1);
        const float *r = src + (gsize) (row[e] - row0) * stride;
        const __m512 w = _mm512_set1_ps (i + u < n ? v[e] : 0.0f);
#pragma GCC unroll 6
        for (int c = 0; c < L; c++)
          a[u][c] = _mm512_fmadd_ps (w, _mm512_loadu_ps (r + 16 * c), a[u][c]);
      }
#pragma GCC unroll 6
  for (int c = 0; c < L; c++)
    {
      __m512 t = _mm512_loadu_ps (d + 16 * c);
#pragma GCC unroll 4
      for (int u = 0; u < U; u++)
        t = _mm512_add_ps (t, a[u][c]);
      _mm512_storeu_ps (d + 16 * c, t);
    }
}

/* sum_patches' 64 columns from j0 (four vectors, two entries at a time)… */
FL_AVX512_FN static void
sum_patches64_avx512 (float *acc, const float *patches, int P, int j0, const float *v,
                      const gint32 *pix, gint32 base, int n)
{
  sum_rows_avx512 (acc + j0, patches + j0, pix, base, P, v, n, 4, 2);
}

/* … and 32 (conv1's whole patch: two vectors, four entries at a time). */
FL_AVX512_FN static void
sum_patches32_avx512 (float *acc, const float *patches, int P, int j0, const float *v,
                      const gint32 *pix, gint32 base, int n)
{
  sum_rows_avx512 (acc + j0, patches + j0, pix, base, P, v, n, 2, 4);
}
#endif

/* The cols (64, 32 or 8) columns from j0 of the weight gradient's sums,
 * with AVX-512 where avx512 says so and the kernel exists. */
static inline __attribute__ ((always_inline)) void
sum_columns (float *acc, const float *patches, int P, int j0, const float *v, const gint32 *pix,
             gint32 base, int n, int cols, gboolean avx512)
{
#ifdef FL_AVX512
  if (avx512 && cols == 64)
    sum_patches64_avx512 (acc, patches, P, j0, v, pix, base, n);
  else if (avx512 && cols == 32)
    sum_patches32_avx512 (acc, patches, P, j0, v, pix, base, n);
  else
#endif
  if (cols == 8)
    sum_patches8 (acc, patches, P, j0, v, pix, base, n);
  else
    sum_patches (acc, patches, P, j0, v, pix, base, n, cols / 8);
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
                   const float *in, int C, int H, int W, int K, gboolean avx512)
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
      /* 64 columns of the band's patches for every plane, then the next
       * 64: conv2's band (4 rows × 32 pixels × 288 floats, 147 KB) is
       * read from L1, not from L2 once per plane. */
      int j0 = 0;
      for (; j0 + 64 <= P; j0 += 64)
        for (int k = 0; k < K; k++)
          sum_columns (acc + (gsize) k * P, patches, P, j0, v + k * plane + at,
                       pix + k * plane + at, 2 * r * W, rows * Wo, 64, avx512);
      for (; j0 + 32 <= P; j0 += 32)
        for (int k = 0; k < K; k++)
          sum_columns (acc + (gsize) k * P, patches, P, j0, v + k * plane + at,
                       pix + k * plane + at, 2 * r * W, rows * Wo, 32, avx512);
      for (; j0 < P; j0 += 8)
        for (int k = 0; k < K; k++)
          sum_columns (acc + (gsize) k * P, patches, P, j0, v + k * plane + at,
                       pix + k * plane + at, 2 * r * W, rows * Wo, 8, avx512);
    }
}


/* With AVX2: eight-float vectors in SSE registers took 2.5 times as long. */
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
  float *patches = (float *) (pix + K * plane);
  float *pad = patches + ((gsize) 2 * PATCH_BAND * W + 1) * P;
  const gboolean avx512 = fl_conv3x3_direct ();

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
      image_weight_grad (acc, patches, pad, v, pix, in + (gsize) n * C * HW, C, H, W, K, avx512);
      for (int k = 0; k < K; k++)
        for (int j = 0; j < C9; j++)
          dw[(gsize) k * C9 + j] += acc[(gsize) k * P + j];
    }
}

/* ---- the input gradient -----------------------------------------------------
 *
 * din = the adjoint of the conv, from dc: each pooled gradient v ≠ 0 of
 * channel k at the winner (y, x) adds v × w[k, c, ky, kx] to
 * din[c, y+ky-1, x+kx-1]. The entries are bucketed by their winner's
 * pixel; each pixel sums its entries' v × w[k] (3×3×C) in registers and
 * adds that once to din^T (H+2, W+2, C), channels-last with a border that
 * catches the taps outside the image, where a row of three taps is 3·C
 * floats in a row; then din^T is transposed into din. Its cost follows the
 * gradients the ReLU passes. For conv2 at S=64 (single thread, a random
 * conv where 94% pass): the dense route, an sgemm dcol = w^T · dc with a
 * 1.2 MB result then col2im, 344 µs an image; each entry's taps added to
 * din^T in turn (read-modify-writes), 330 µs; by pixel, 210 µs. */

/* Rounds C up to lanes of eight. */
static int
lanes_width (int C)
{
  return (C + 7) / 8 * 8;
}

gsize
fl_conv3x3_pool_input_grad_scratch_size (int C, int H, int W, int K)
{
  const gsize CP = lanes_width (C), HW = (gsize) H * W;

  /* wT, din^T, the entries' values and channels bucketed, the same and
   * their pixels gathered, each pixel's first */
  return (gsize) K * 9 * CP + (gsize) (H + 2) * (W + 2) * CP + 5 * (gsize) K * (HW / 4)
         + HW + 1;
}

/* Image n's entries (planes p0 … p0+K-1) bucketed by their winner's
 * pixel: pixel p's are ek, ev [first[p], first[p+1]), channels in order.
 * The passed ones are gathered first into cv, ck, cp without a branch (a
 * coin toss on real maps: branching on it cost 30 µs an image). */
static inline __attribute__ ((always_inline)) void
bucket_entries (gint32 *first, gint32 *ek, float *ev, float *cv, gint32 *ck, gint32 *cp,
                const float *dout, const float *out, const gint32 *argmax, gsize p0,
                int H, int W, int K)
{
  const gsize HW = (gsize) H * W, plane = HW / 4;
  int m = 0;

  for (int k = 0; k < K; k++)
    for (gsize i = 0; i < plane; i++)
      {
        const gsize at = (p0 + k) * plane + i;
        const float g = dout[at], y = out[at];
        cv[m] = g;
        ck[m] = k;
        cp[m] = argmax[at] - (gint32) ((p0 + k) * HW);
        m += (y > 0.0f) & (g != 0.0f);
      }
  memset (first, 0, sizeof (gint32) * (HW + 1));
  for (int e = 0; e < m; e++)
    first[cp[e] + 1]++;
  for (gsize p = 0; p < HW; p++)
    first[p + 1] += first[p];
  /* first[p] counts up as p's entries land, and ends at first[p+1]:
   * shifted back after */
  for (int e = 0; e < m; e++)
    {
      ek[first[cp[e]]] = ck[e];
      ev[first[cp[e]]++] = cv[e];
    }
  for (gsize p = HW; p > 0; p--)
    first[p] = first[p - 1];
  first[0] = 0;
}

/* d (n floats, a multiple of 8) += Σ_e ev[e] × the n floats of wT at row
 * ek[e]·9·CP + off: 96 floats (a row of conv2's taps) at a time, twelve
 * independent chains of adds (with four, each entry waited on the last's
 * adds), then eight at a time. */
static inline __attribute__ ((always_inline)) void
add_entries (float *d, const float *wT, const gint32 *ek, const float *ev, int e0, int e1,
             gsize off, int CP, int n)
{
  int j0 = 0;

  for (; j0 + 96 <= n; j0 += 96)
    {
      Lanes8 a[12] = { { 0 } };
      for (int e = e0; e < e1; e++)
        {
          const float *w = wT + (gsize) ek[e] * 9 * CP + off + j0;
          for (int c = 0; c < 12; c++)
            ADD_SCALED (a[c], ev[e], w + 8 * c);
        }
      for (int c = 0; c < 12; c++)
        {
          Lanes8 t;
          memcpy (&t, d + j0 + 8 * c, sizeof t);
          t += a[c];
          memcpy (d + j0 + 8 * c, &t, sizeof t);
        }
    }
  for (; j0 < n; j0 += 8)
    {
      Lanes8 a = { 0 }, t;
      for (int e = e0; e < e1; e++)
        ADD_SCALED (a, ev[e], wT + (gsize) ek[e] * 9 * CP + off + j0);
      memcpy (&t, d + j0, sizeof t);
      t += a;
      memcpy (d + j0, &t, sizeof t);
    }
}

#ifdef FL_AVX512
/* add_entries' 96-float rows (six vectors, two entries at a time). */
FL_AVX512_FN static void
add_entries96_avx512 (float *d, const float *wT, const gint32 *ek, const float *ev, int e0,
                      int e1, gsize off, int CP)
{
  sum_rows_avx512 (d, wT + off, ek + e0, 0, (gsize) 9 * CP, ev + e0, e1 - e0, 6, 2);
}
#endif

/* dT (H+2, W+2, CP) += each pixel's entries × their taps; a row of taps
 * 96 floats wide (C = 32) with AVX-512 where avx512 says so. */
static inline __attribute__ ((always_inline)) void
scatter_pixels (float *dT, const float *wT, const gint32 *first, const gint32 *ek,
                const float *ev, int H, int W, int CP, gboolean avx512)
{
  const int W2 = W + 2;

  for (int p = 0; p < H * W; p++)
    {
      if (first[p] == first[p + 1])
        continue;
      for (int ky = 0; ky < 3; ky++)
        {
          float *d = dT + ((gsize) (p / W + ky) * W2 + p % W) * CP;
#ifdef FL_AVX512
          if (avx512 && 3 * CP == 96)
            {
              add_entries96_avx512 (d, wT, ek, ev, first[p], first[p + 1], (gsize) ky * 3 * CP, CP);
              continue;
            }
#endif
          add_entries (d, wT, ek, ev, first[p], first[p + 1], (gsize) ky * 3 * CP, CP, 3 * CP);
        }
    }
}

FL_AVX2_CLONE void
fl_conv3x3_pool_input_grad (float        *din,
                            const float  *dout,
                            const float  *out,
                            const gint32 *argmax,
                            const float  *w,
                            float        *scratch,
                            int N, int C, int H, int W, int K)
{
  const int CP = lanes_width (C), W2 = W + 2;
  const gsize HW = (gsize) H * W;
  float *wT = scratch, *dT = wT + (gsize) K * 9 * CP, *ev = dT + (gsize) (H + 2) * W2 * CP;
  gint32 *ek = (gint32 *) (ev + (gsize) K * (HW / 4));
  float *cv = (float *) (ek + (gsize) K * (HW / 4));
  gint32 *ck = (gint32 *) (cv + (gsize) K * (HW / 4)), *cp = ck + (gsize) K * (HW / 4);
  gint32 *first = cp + (gsize) K * (HW / 4);

  g_return_if_fail (H % 2 == 0 && W % 2 == 0);

  /* wT (K, 9, CP): tap t of channel k, c side by side */
  memset (wT, 0, sizeof (float) * K * 9 * CP);
  for (int k = 0; k < K; k++)
    for (int c = 0; c < C; c++)
      for (int t = 0; t < 9; t++)
        wT[((gsize) k * 9 + t) * CP + c] = w[((gsize) k * C + c) * 9 + t];
  for (int n = 0; n < N; n++)
    {
      bucket_entries (first, ek, ev, cv, ck, cp, dout, out, argmax, (gsize) n * K, H, W, K);
      memset (dT, 0, sizeof (float) * (H + 2) * W2 * CP);
      scatter_pixels (dT, wT, first, ek, ev, H, W, CP, fl_conv3x3_direct ());
      for (int c = 0; c < C; c++)
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            din[((gsize) n * C + c) * HW + (gsize) y * W + x] =
              dT[((gsize) (y + 1) * W2 + x + 1) * CP + c];
    }
}
