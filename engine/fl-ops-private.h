/* SPDX-License-Identifier: MIT
 *
 * fl-ops-private.h — helpers the operator files share (fl-ops*.c): rows
 * of a batch, a strided pooling, the AVX2 and AVX-512 attributes.
 */
#pragma once

#include <glib.h>
#include <string.h>

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

/* Σ x[0..n): eight running sums, one per lane, so that the compiler can
 * vectorise it without reordering a float sum itself; a single sum is a
 * chain of dependent adds, and conv1's bias gradient (131,072 of them a
 * sample) cost as much as its sgemm. */
static inline float
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

/* fl_pool2_bias_relu_forward of one image whose conv map (C,H,W) has its
 * rows stride floats apart and its planes plane floats apart; argmax as
 * if the map were packed, plus base (the image's start in a batch). */
void _fl_pool2_bias_relu_strided (float       *out,
                                  gint32      *argmax,
                                  const float *in,
                                  const float *b,
                                  int C, int H, int W, int stride, gsize plane, gsize base);

/* The engine's own AVX-512 kernels (fl-ops-conv.c, fl-ops-pool-grad.c),
 * called where fl_conv3x3_direct () says so. A debug build (the
 * sanitizers' run of the tests) compiles them optimised all the same with
 * GCC (clang has no such attribute): at -O0 their sums live in memory, and
 * the tests that train took 2.7 times as long as with OpenBLAS's convs. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FL_AVX512 1
#include <immintrin.h>
#if defined(__clang__)
#define FL_AVX512_FN __attribute__ ((target ("avx512f")))
#else
#define FL_AVX512_FN __attribute__ ((target ("avx512f"), optimize ("O2")))
#endif
#endif

/* On x86-64, a function compiled twice, for AVX2 and for the baseline,
 * and picked when the program loads. Without contracting a*b+c into an
 * FMA (C11 mode), each float gets the same operations in the same order
 * either way: the same bits. */
#if defined(__x86_64__) && (defined(__clang__) || __GNUC__ >= 6)
#define FL_AVX2_CLONE __attribute__ ((target_clones ("arch=x86-64-v3", "default")))
#else
#define FL_AVX2_CLONE
#endif
