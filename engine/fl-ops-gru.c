/* SPDX-License-Identifier: MIT
 *
 * One layer of torch.nn.GRU over padded token sequences, forward and
 * backward through time, and the pooling of its states into one vector.
 *
 * Layouts are sample-major, (N, T, ·): a slice of the batch (samples
 * [lo, lo+n)) is one contiguous run of every array, so the model runs the
 * slices on its threads, each with its own sgemm calls; the step-t rows of
 * a slice are a strided matrix (lda T·3D, T·D or (T+1)·D), which sgemm
 * takes as it is.
 */
#define G_LOG_DOMAIN "fl-ops"

#include "fl-ops.h"
#include "fl-ops-private.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

static inline float
sigmoidf (float x)
{
  return 1.0f / (1.0f + expf (-x));
}

/* g (N,T,3D) = x (N,T,E) · w_ih^T + b_ih: every step's input part of the
 * three gates in one product. */
static void
input_gates (float *g, const float *x, const float *w_ih, const float *b_ih, int N, int T, int E, int D)
{
  rows_set (g, b_ih, N * T, 3 * D);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N * T, 3 * D, E,
               1.0f, x, E, w_ih, E, 1.0f, g, 3 * D);
}

/* Step t's recurrent part: r and z's are added into g, n's goes to hn
 * (W_hn h + b_hn, which r multiplies). */
static void
hidden_gates (float *g, float *hn, const float *h, const float *w_hh, const float *b_hh,
              int N, int T, int D, int t)
{
  const gsize ldh = (gsize) (T + 1) * D, ldg = (gsize) T * 3 * D, ldn = (gsize) T * D;
  float *gt = g + (gsize) t * 3 * D, *hnt = hn + (gsize) t * D;

  for (int i = 0; i < N; i++)
    {
      float *gi = gt + i * ldg;
      memcpy (hnt + i * ldn, b_hh + 2 * D, sizeof (float) * D);
      for (int k = 0; k < 2 * D; k++)
        gi[k] += b_hh[k];
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, 2 * D, D,
               1.0f, h + (gsize) t * D, (int) ldh, w_hh, D, 1.0f, gt, (int) ldg);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, N, D, D,
               1.0f, h + (gsize) t * D, (int) ldh, w_hh + (gsize) 2 * D * D, D, 1.0f, hnt, (int) ldn);
}

void
fl_gru_forward (float        *h,
                float        *g,
                float        *hn,
                const float  *x,
                const gint32 *len,
                const float  *w_ih,
                const float  *w_hh,
                const float  *b_ih,
                const float  *b_hh,
                int N, int T, int E, int D)
{
  const gsize ldh = (gsize) (T + 1) * D;

  input_gates (g, x, w_ih, b_ih, N, T, E, D);
  for (int i = 0; i < N; i++)
    memset (h + i * ldh, 0, sizeof (float) * D);
  for (int t = 0; t < T; t++)
    {
      hidden_gates (g, hn, h, w_hh, b_hh, N, T, D, t);
      for (int i = 0; i < N; i++)
        {
          const float *hp = h + i * ldh + (gsize) t * D, *a = hn + ((gsize) i * T + t) * D;
          float *ho = h + i * ldh + (gsize) (t + 1) * D, *gi = g + ((gsize) i * T + t) * 3 * D;

          /* a padding step leaves the state as it is */
          if (t >= len[i])
            {
              memcpy (ho, hp, sizeof (float) * D);
              continue;
            }
          for (int k = 0; k < D; k++)
            {
              float r = sigmoidf (gi[k]), z = sigmoidf (gi[D + k]);
              float n = tanhf (gi[2 * D + k] + r * a[k]);

              gi[k] = r, gi[D + k] = z, gi[2 * D + k] = n;
              ho[k] = (1.0f - z) * n + z * hp[k];
            }
        }
    }
}

/* Step t of one sample, backward: from dho = dL/dh_{t+1}, its gates'
 * gradients (dg: r, z and n before their activations; dn_h: that of
 * W_hn h + b_hn) and dhp = dL/dh_t through z (the part through W_hh is
 * added by the caller). */
static void
step_backward (float *dhp, float *dg, float *dn_h, const float *dho, const float *hp,
               const float *gi, const float *a, int D)
{
  for (int k = 0; k < D; k++)
    {
      float r = gi[k], z = gi[D + k], n = gi[2 * D + k];
      float dn = dho[k] * (1.0f - z) * (1.0f - n * n);

      dg[k] = dn * a[k] * r * (1.0f - r);
      dg[D + k] = dho[k] * (hp[k] - n) * z * (1.0f - z);
      dg[2 * D + k] = dn;
      dn_h[k] = dn * r;
      dhp[k] += dho[k] * z;
    }
}

void
fl_gru_backward (float        *dx,
                 float        *dh,
                 float        *dg,
                 float        *dhn,
                 const float  *h,
                 const float  *g,
                 const float  *hn,
                 const gint32 *len,
                 const float  *w_ih,
                 const float  *w_hh,
                 int N, int T, int E, int D)
{
  const gsize ldh = (gsize) (T + 1) * D, ldg = (gsize) T * 3 * D, ldn = (gsize) T * D;

  for (int t = T - 1; t >= 0; t--)
    {
      for (int i = 0; i < N; i++)
        {
          float *dhp = dh + i * ldh + (gsize) t * D;
          const float *dho = dhp + D;
          float *dgi = dg + i * ldg + (gsize) t * 3 * D, *dni = dhn + i * ldn + (gsize) t * D;

          if (t >= len[i])
            {
              /* the state went through unchanged */
              for (int k = 0; k < D; k++)
                dhp[k] += dho[k];
              memset (dgi, 0, sizeof (float) * 3 * D);
              memset (dni, 0, sizeof (float) * D);
              continue;
            }
          step_backward (dhp, dgi, dni, dho, h + i * ldh + (gsize) t * D,
                         g + i * ldg + (gsize) t * 3 * D, hn + i * ldn + (gsize) t * D, D);
        }
      /* dh_t += [dr; dz] · W_hr,hz + dn_h · W_hn (a padded row adds 0) */
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, 2 * D,
                   1.0f, dg + (gsize) t * 3 * D, (int) ldg, w_hh, D, 1.0f, dh + (gsize) t * D, (int) ldh);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N, D, D,
                   1.0f, dhn + (gsize) t * D, (int) ldn, w_hh + (gsize) 2 * D * D, D,
                   1.0f, dh + (gsize) t * D, (int) ldh);
    }
  if (dx != NULL)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, N * T, E, 3 * D,
                 1.0f, dg, 3 * D, w_ih, E, 0.0f, dx, E);
}

void
fl_gru_backward_weights (float        *dw_ih,
                         float        *dw_hh,
                         float        *db_ih,
                         float        *db_hh,
                         const float  *dg,
                         const float  *dhn,
                         const float  *x,
                         const float  *h,
                         int N, int T, int E, int D)
{
  const gsize ldh = (gsize) (T + 1) * D;

  /* a padded step's gradients are 0: it adds nothing */
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, 3 * D, E, N * T,
               1.0f, dg, 3 * D, x, E, 1.0f, dw_ih, E);
  rows_sum_into (db_ih, dg, N * T, 3 * D);
  /* W_hh's gradient pairs each step's gradients with the state before it,
   * h_0 … h_{T-1}: rows 0..T-1 of each sample's T+1 */
  for (int i = 0; i < N; i++)
    {
      const float *dgi = dg + (gsize) i * T * 3 * D, *dni = dhn + (gsize) i * T * D;
      const float *hi = h + i * ldh;

      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, 2 * D, D, T,
                   1.0f, dgi, 3 * D, hi, D, 1.0f, dw_hh, D);
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, D, D, T,
                   1.0f, dni, D, hi, D, 1.0f, dw_hh + (gsize) 2 * D * D, D);
      for (int t = 0; t < T; t++)
        for (int k = 0; k < 2 * D; k++)
          db_hh[k] += dgi[(gsize) t * 3 * D + k];
      rows_sum_into (db_hh + 2 * D, dni, T, D);
    }
}

void
fl_gru_pool_forward (float        *out,
                     const float  *h,
                     const gint32 *len,
                     gboolean      mean,
                     int N, int T, int D)
{
  const gsize ldh = (gsize) (T + 1) * D;

  for (int i = 0; i < N; i++)
    {
      float *o = out + (gsize) i * D;
      const float *hi = h + i * ldh;
      int L = MIN (len[i], T);

      /* padding carried the last valid state to step T */
      if (!mean)
        {
          memcpy (o, hi + (gsize) T * D, sizeof (float) * D);
          continue;
        }
      memset (o, 0, sizeof (float) * D);
      for (int t = 1; t <= L; t++)
        for (int k = 0; k < D; k++)
          o[k] += hi[(gsize) t * D + k];
      for (int k = 0; k < D && L > 0; k++)
        o[k] /= (float) L;
    }
}

void
fl_gru_pool_backward (float        *dh,
                      const float  *dout,
                      const gint32 *len,
                      gboolean      mean,
                      int N, int T, int D)
{
  const gsize ldh = (gsize) (T + 1) * D;

  memset (dh, 0, sizeof (float) * N * ldh);
  for (int i = 0; i < N; i++)
    {
      const float *d = dout + (gsize) i * D;
      float *dhi = dh + i * ldh;
      int L = MIN (len[i], T);

      if (!mean)
        {
          memcpy (dhi + (gsize) T * D, d, sizeof (float) * D);
          continue;
        }
      for (int t = 1; t <= L; t++)
        for (int k = 0; k < D; k++)
          dhi[(gsize) t * D + k] = d[k] / (float) L;
    }
}
