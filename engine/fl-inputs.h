/* SPDX-License-Identifier: MIT
 *
 * fl-inputs.h — how a sample's audio and numeric values become the model's
 * inputs, with statistics of the training split: the audio branch's
 * spectrogram normalised per mel band, the numeric branch's columns
 * standardised with a missing indicator each. The trainer fits the
 * statistics; model files keep them (with the image's) so that a
 * prediction normalises exactly as training did.
 */
#pragma once

#include <glib.h>

#include "fl-dataset.h"
#include "fl-model.h"
#include "fl-text.h"

G_BEGIN_DECLS

/* Whatever normalises a model's inputs. The arrays are owned by the
 * struct (fl_input_stats_clear()). */
typedef struct {
  float  image_mean[3], image_std[3];
  FlImageFit image_fit;     /* how pictures were fitted to S×S (squash) */
  int    audio_mels;        /* M; 0 without audio */
  float *audio_mean;        /* (M) per mel band, over every frame */
  float *audio_std;         /* (M), each > 0 */
  int    n_numeric;         /* K; 0 without numeric columns */
  float *numeric_mean;      /* (K) over the non-empty cells */
  float *numeric_std;       /* (K), each > 0 */
  char **numeric_names;     /* K column names, NULL-terminated; may be NULL */
} FlInputStats;

void fl_input_stats_clear (FlInputStats *st);
/* dst (whose old contents are not freed) becomes a deep copy of src. */
void fl_input_stats_copy (FlInputStats *dst, const FlInputStats *src);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlInputStats, fl_input_stats_clear)

/* st's audio statistics from the clips audio[idx[0..n_idx)] of an
 * (·,M,T) array: each band's mean and population sd over all their
 * frames, in double; a band without variation (or no clip) gets sd 1. */
void fl_input_stats_fit_audio (FlInputStats *st, const float *audio, const gint32 *idx,
                               int n_idx, int M, int T);

/* st's numeric statistics from the rows numeric[idx[0..n_idx)] of an
 * (·,K) array, NAN for an empty cell: each column's mean and population
 * sd over its non-empty, finite cells; a column without any gets mean 0,
 * and one without variation sd 1. names (K, or NULL) are copied. */
void fl_input_stats_fit_numeric (FlInputStats *st, const float *numeric, const gint32 *idx,
                                 int n_idx, int K, const char *const *names);

/* out (n,1,M,T) = (audio (n,M,T) − mean[band]) / std[band]. */
void fl_audio_normalise (float *out, const float *audio, int n, int M, int T,
                         const float *mean, const float *std);

/* out (n,2K): for each row of numeric (n,K), the K values standardised,
 * (x − mean) / std, then the K missing indicators; an empty (NAN) or
 * non-finite cell gives 0 and indicator 1. */
void fl_numeric_encode (float *out, const float *numeric, int n, int K,
                        const float *mean, const float *std);

/* Appends text's token ids as a model of cfg reads them: the bag of words
 * (fl_vocab_encode()) or, for the gru, its first max_tokens in order
 * (fl_vocab_encode_sequence()). Returns how many. */
int  fl_text_encode (const FlConfig *cfg, const FlVocab *vocab, const char *text, GArray *ids);

G_END_DECLS
