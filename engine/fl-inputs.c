/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-inputs"

#include "fl-inputs.h"

#include "fl-model.h"

#include <math.h>
#include <string.h>

/* A spread below this is a constant: centre it, do not blow it up. */
#define MIN_STD 1e-6

void
fl_input_stats_clear (FlInputStats *st)
{
  g_clear_pointer (&st->audio_mean, g_free);
  g_clear_pointer (&st->audio_std, g_free);
  g_clear_pointer (&st->numeric_mean, g_free);
  g_clear_pointer (&st->numeric_std, g_free);
  g_clear_pointer (&st->numeric_names, g_strfreev);
  st->audio_mels = 0;
  st->n_numeric = 0;
}

void
fl_input_stats_copy (FlInputStats *dst, const FlInputStats *src)
{
  *dst = *src;
  dst->audio_mean = g_memdup2 (src->audio_mean, sizeof (float) * src->audio_mels);
  dst->audio_std = g_memdup2 (src->audio_std, sizeof (float) * src->audio_mels);
  dst->numeric_mean = g_memdup2 (src->numeric_mean, sizeof (float) * src->n_numeric);
  dst->numeric_std = g_memdup2 (src->numeric_std, sizeof (float) * src->n_numeric);
  dst->numeric_names = g_strdupv (src->numeric_names);
}

/* mean and sd (population) from the count, sum and sum of squared
 * deviations' terms; sd 1 where there is no spread. */
static void
moments (double count, double sum, double sumsq, float *mean, float *std)
{
  double m = count > 0 ? sum / count : 0.0;
  double var = count > 0 ? MAX (sumsq / count - m * m, 0.0) : 0.0;

  *mean = (float) m;
  *std = sqrt (var) < MIN_STD ? 1.0f : (float) sqrt (var);
}

void
fl_input_stats_fit_audio (FlInputStats *st, const float *audio, const gint32 *idx,
                          int n_idx, int M, int T)
{
  g_clear_pointer (&st->audio_mean, g_free);
  g_clear_pointer (&st->audio_std, g_free);
  st->audio_mels = M;
  st->audio_mean = g_new (float, M);
  st->audio_std = g_new (float, M);
  for (int m = 0; m < M; m++)
    {
      /* shifted by the band's first value, so that the sum of squares does
       * not cancel for a band far from 0 (log-mel sits near -14) */
      double shift = n_idx > 0 ? audio[((gsize) idx[0] * M + m) * T] : 0.0;
      double sum = 0.0, sumsq = 0.0;

      for (int j = 0; j < n_idx; j++)
        {
          const float *row = audio + ((gsize) idx[j] * M + m) * T;
          for (int t = 0; t < T; t++)
            {
              double v = row[t] - shift;
              sum += v;
              sumsq += v * v;
            }
        }
      moments ((double) n_idx * T, sum, sumsq, &st->audio_mean[m], &st->audio_std[m]);
      st->audio_mean[m] += (float) shift;
    }
}

void
fl_input_stats_fit_numeric (FlInputStats *st, const float *numeric, const gint32 *idx,
                            int n_idx, int K, const char *const *names)
{
  g_clear_pointer (&st->numeric_mean, g_free);
  g_clear_pointer (&st->numeric_std, g_free);
  g_clear_pointer (&st->numeric_names, g_strfreev);
  st->n_numeric = K;
  st->numeric_mean = g_new (float, K);
  st->numeric_std = g_new (float, K);
  st->numeric_names = g_strdupv ((char **) names);
  for (int k = 0; k < K; k++)
    {
      double sum = 0.0, count = 0.0, m, var = 0.0;

      for (int j = 0; j < n_idx; j++)
        {
          float v = numeric[(gsize) idx[j] * K + k];
          if (isfinite (v))
            {
              sum += v;
              count++;
            }
        }
      m = count > 0 ? sum / count : 0.0;
      /* two passes: a column of large values keeps its small spread */
      for (int j = 0; j < n_idx; j++)
        {
          float v = numeric[(gsize) idx[j] * K + k];
          if (isfinite (v))
            var += (v - m) * (v - m);
        }
      var = count > 0 ? var / count : 0.0;
      st->numeric_mean[k] = (float) m;
      st->numeric_std[k] = sqrt (var) < MIN_STD ? 1.0f : (float) sqrt (var);
    }
}

void
fl_audio_normalise (float *out, const float *audio, int n, int M, int T,
                    const float *mean, const float *std)
{
  for (int i = 0; i < n; i++)
    for (int m = 0; m < M; m++)
      {
        gsize o = ((gsize) i * M + m) * T;
        for (int t = 0; t < T; t++)
          out[o + t] = (audio[o + t] - mean[m]) / std[m];
      }
}

void
fl_numeric_encode (float *out, const float *numeric, int n, int K,
                   const float *mean, const float *std)
{
  for (int i = 0; i < n; i++)
    for (int k = 0; k < K; k++)
      {
        float v = numeric[(gsize) i * K + k];
        gboolean empty = !isfinite (v);

        out[(gsize) i * 2 * K + k] = empty ? 0.0f : (v - mean[k]) / std[k];
        out[(gsize) i * 2 * K + K + k] = empty ? 1.0f : 0.0f;
      }
}

int
fl_text_encode (const FlConfig *cfg, const FlVocab *vocab, const char *text, GArray *ids)
{
  if (cfg->text_encoder == FL_TEXT_GRU)
    return fl_vocab_encode_sequence (vocab, text, cfg->max_tokens, ids);
  return fl_vocab_encode (vocab, text, ids);
}
