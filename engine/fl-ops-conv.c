/* SPDX-License-Identifier: MIT
 *
 * A conv block's forward for one image: conv 3x3 (no bias) → 2x2 max-pool
 * → + b → ReLU (see fl_pool2_bias_relu_forward for why that order).
 *
 * Two routes to the conv. im2col + OpenBLAS's sgemm everywhere; and, where
 * the processor has AVX-512, a direct convolution of our own: OpenBLAS
 * picks its kernels by OPENBLAS_CORETYPE, which some machines (this one)
 * pin to Haswell's 8-lane kernels because older OpenBLAS builds compute
 * wrong results on newer cores — a setting we must not override, and
 * that halves the arithmetic a core can do. The direct route reads the
 * image in place, with no im2col copy, and conv1's 27-long sums no longer
 * make a short-K sgemm (61% of sgemm's peak here).
 */
#define G_LOG_DOMAIN "fl-ops"

#include "fl-ops.h"
#include "fl-ops-private.h"

#include <string.h>

/* A block of the direct conv's output: KB channels × JB vectors of 16
 * outputs, 24 of the 32 vector registers. */
#define KB 8
#define JB 3
#define JW (JB * 16)

/* Process-wide, read by the workers: set before any model runs. */
static gint direct_allowed = TRUE;

/* The direct route works on the image with a border of zeros, each plane
 * (H + 2, W + 2) flattened: output j = y·Wp + x reads pad[j + ky·Wp + kx]
 * for its nine taps, one contiguous run of floats per tap, the last two
 * columns of each output row being garbage that the pooling skips. */
typedef struct {
  int   Wp;       /* W + 2: a padded row */
  int   L;        /* the outputs of a plane, H·Wp rounded up to whole blocks */
  int   Kp;       /* K rounded up to whole blocks (zero weights past K) */
  gsize plane;    /* (H + 2)·Wp */
  gsize pad;      /* the padded image, and what the last block reads past it */
} Geometry;

static Geometry
geometry (int C, int H, int W, int K)
{
  Geometry g;

  g.Wp = W + 2;
  g.L = (H * g.Wp + JW - 1) / JW * JW;
  g.Kp = (K + KB - 1) / KB * KB;
  g.plane = (gsize) (H + 2) * g.Wp;
  /* the last plane's last block reads up to L - 1 + 2·Wp + 2 */
  g.pad = (gsize) C * g.plane + (g.L - H * g.Wp) + 2;
  return g;
}

void
fl_conv3x3_set_direct (gboolean allowed)
{
  g_atomic_int_set (&direct_allowed, allowed);
}

gboolean
fl_conv3x3_direct (void)
{
#ifdef FL_AVX512
  return g_atomic_int_get (&direct_allowed) && __builtin_cpu_supports ("avx512f");
#else
  return FALSE;
#endif
}

gsize
fl_conv3x3_pool_forward_scratch_size (int C, int H, int W, int K)
{
  const Geometry g = geometry (C, H, W, K);
  const gsize direct = g.pad + (gsize) g.Kp * C * 9 + (gsize) g.Kp * g.L;

  return MAX (direct, (gsize) K * H * W + fl_conv3x3_scratch_size (C, H, W));
}

#ifdef FL_AVX512
/* pad (C, H + 2, Wp) = in (C,H,W) inside its border; the border and the
 * tail, zeroed once for a batch (fl_conv3x3_pool_forward), are never
 * written. */
static void
pad_image (float *pad, const float *in, const Geometry *g, int C, int H, int W)
{
  for (int c = 0; c < C; c++)
    for (int y = 0; y < H; y++)
      memcpy (pad + c * g->plane + (gsize) (y + 1) * g->Wp + 1, in + ((gsize) c * H + y) * W,
              sizeof (float) * W);
}

/* wt (Kp/KB, C, 9, KB): w (K,C,3,3) with the KB channels of a block side
 * by side, so that a block's weights are read in order; zeros past K. */
static void
block_weights (float *wt, const float *w, int C, int K, int Kp)
{
  for (int k0 = 0; k0 < Kp; k0 += KB)
    for (int c = 0; c < C; c++)
      for (int t = 0; t < 9; t++)
        for (int k = 0; k < KB; k++)
          *wt++ = k0 + k < K ? w[((gsize) (k0 + k) * C + c) * 9 + t] : 0.0f;
}

/* out (Kp, L) = the conv of pad by wt. Each block keeps its 24 sums in
 * registers through all C·9 taps: per tap three loads of the image, eight
 * broadcast weights and 24 FMAs. */
FL_AVX512_FN static void
conv_blocks_avx512 (float *out, const float *pad, const float *wt, const Geometry *g, int C)
{
  const int Wp = g->Wp;
  const int off[9] = { 0, 1, 2, Wp, Wp + 1, Wp + 2, 2 * Wp, 2 * Wp + 1, 2 * Wp + 2 };

  for (int k0 = 0; k0 < g->Kp; k0 += KB)
    for (int j0 = 0; j0 < g->L; j0 += JW)
      {
        __m512 acc[KB][JB];
        const float *wc = wt + (gsize) k0 * C * 9;

#pragma GCC unroll 8
        for (int k = 0; k < KB; k++)
#pragma GCC unroll 3
          for (int j = 0; j < JB; j++)
            acc[k][j] = _mm512_setzero_ps ();
        for (int c = 0; c < C; c++)
          {
            const float *s = pad + c * g->plane + j0;
            for (int t = 0; t < 9; t++, wc += KB)
              {
                __m512 x[JB];
#pragma GCC unroll 3
                for (int j = 0; j < JB; j++)
                  x[j] = _mm512_loadu_ps (s + off[t] + 16 * j);
#pragma GCC unroll 8
                for (int k = 0; k < KB; k++)
                  {
                    const __m512 wk = _mm512_set1_ps (wc[k]);
#pragma GCC unroll 3
                    for (int j = 0; j < JB; j++)
                      acc[k][j] = _mm512_fmadd_ps (wk, x[j], acc[k][j]);
                  }
              }
          }
#pragma GCC unroll 8
        for (int k = 0; k < KB; k++)
#pragma GCC unroll 3
          for (int j = 0; j < JB; j++)
            _mm512_storeu_ps (out + (gsize) (k0 + k) * g->L + j0 + 16 * j, acc[k][j]);
      }
}
#endif

void
fl_conv3x3_pool_forward (float       *out,
                         gint32      *argmax,
                         const float *in,
                         const float *w,
                         const float *b,
                         float       *scratch,
                         int N, int C, int H, int W, int K)
{
  const gsize img = (gsize) C * H * W, map = (gsize) K * H * W, pooled = map / 4;

  g_return_if_fail (H % 2 == 0 && W % 2 == 0);

#ifdef FL_AVX512
  if (fl_conv3x3_direct ())
    {
      const Geometry g = geometry (C, H, W, K);
      /* the padded image last: a read past it would leave the scratch */
      float *wt = scratch, *conv = wt + (gsize) g.Kp * C * 9, *pad = conv + (gsize) g.Kp * g.L;

      block_weights (wt, w, C, K, g.Kp);
      memset (pad, 0, sizeof (float) * g.pad);
      for (int n = 0; n < N; n++)
        {
          pad_image (pad, in + n * img, &g, C, H, W);
          conv_blocks_avx512 (conv, pad, wt, &g, C);
          _fl_pool2_bias_relu_strided (out + n * pooled, argmax + n * pooled, conv, b,
                                       K, H, W, g.Wp, g.L, n * map);
        }
      return;
    }
#endif
  float *conv = scratch, *col = scratch + map;

  for (int n = 0; n < N; n++)
    {
      fl_conv3x3_forward (conv, in + n * img, w, NULL, col, 1, C, H, W, K);
      _fl_pool2_bias_relu_strided (out + n * pooled, argmax + n * pooled, conv, b,
                                   K, H, W, W, (gsize) H * W, n * map);
    }
}
