/* SPDX-License-Identifier: MIT
 *
 * Predicting with a model file: batches of samples normalised as the model
 * was trained, through its forward pass.
 */
#define G_LOG_DOMAIN "fl-predictor"

#include "fl-predictor-private.h"

#include "fl-csv.h"
#include "fl-image.h"
#include "fl-metrics.h"
#include "fl-i18n.h"

#include <string.h>

/* Samples predicted at once, at most, and the most their activations may
 * take: a model of large images predicts in smaller batches. */
#define PREDICT_BATCH 64
#define PREDICT_BYTES ((gsize) 256 << 20)

/* One batch's inputs, normalised. */
typedef struct {
  float  *x;      /* (B,3,S,S) */
  gint32 *off;    /* (B+1) */
  GArray *idx;
  float  *audio;  /* (B,1,M,T), with audio */
  float  *num;    /* (B,2K), with numeric columns */
} Buffers;

static void
buffers_clear (Buffers *b)
{
  g_free (b->x);
  g_free (b->off);
  g_clear_pointer (&b->idx, g_array_unref);
  g_free (b->audio);
  g_free (b->num);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Buffers, buffers_clear)

/* Samples [start, start + nb) of the raw inputs as a batch in b. */
static FlBatch
fill_batch (FlPredictor *pred, Buffers *b, const guint8 *images, const char *const *texts,
            const float *audio, const float *numeric, int start, int nb)
{
  const FlConfig *c = fl_model_config (pred->model);
  const FlInputStats *st = &pred->stats;
  const int S = c->image_size, M = c->audio_mels, T = c->audio_frames, K = c->n_numeric;
  FlBatch batch = { .n = nb };

  if (fl_config_has_branch (c, FL_BRANCH_IMAGE))
    {
      fl_image_to_float (b->x, images + (gsize) start * 3 * S * S, nb, S, st->image_mean, st->image_std);
      batch.images = b->x;
    }
  if (fl_config_has_branch (c, FL_BRANCH_TEXT))
    {
      g_array_set_size (b->idx, 0);
      for (int i = 0; i < nb; i++)
        {
          b->off[i] = (gint32) b->idx->len;
          fl_text_encode (c, pred->vocab, texts[start + i], b->idx);
        }
      b->off[nb] = (gint32) b->idx->len;
      batch.tok_off = b->off;
      batch.tok_idx = (const gint32 *) b->idx->data;
    }
  if (fl_config_has_branch (c, FL_BRANCH_AUDIO))
    fl_audio_normalise (b->audio, audio + (gsize) start * M * T, nb, M, T, st->audio_mean, st->audio_std);
  if (fl_config_has_branch (c, FL_BRANCH_NUMERIC))
    fl_numeric_encode (b->num, numeric + (gsize) start * K, nb, K, st->numeric_mean, st->numeric_std);
  batch.audio = b->audio;
  batch.numeric = b->num;
  return batch;
}

/* Class probabilities (n,C) of the raw inputs of n samples; audio (n,M,T)
 * and numeric (n,K) as FlDataset holds them, NULL without the branch. */
static void
predict_rows (FlPredictor *pred, const guint8 *images, const char *const *texts,
              const float *audio, const float *numeric, int n, float *probs)
{
  const FlConfig *c = fl_model_config (pred->model);
  const int S = c->image_size, C = c->n_classes;
  /* at least one sample: fl_config_validate() bounds what one takes */
  const int B = (int) CLAMP (PREDICT_BYTES / sizeof (float) / fl_config_activations (c), 1, PREDICT_BATCH);
  g_auto(Buffers) b = {
    .x = g_new (float, (gsize) B * 3 * S * S),
    .off = g_new (gint32, B + 1),
    .idx = g_array_new (FALSE, FALSE, sizeof (gint32)),
  };

  if (fl_config_has_branch (c, FL_BRANCH_AUDIO))
    b.audio = g_new (float, (gsize) B * c->audio_mels * c->audio_frames);
  if (fl_config_has_branch (c, FL_BRANCH_NUMERIC))
    b.num = g_new (float, (gsize) B * 2 * c->n_numeric);
  for (int start = 0; start < n; start += B)
    {
      int nb = MIN (B, n - start);
      FlBatch batch = fill_batch (pred, &b, images, texts, audio, numeric, start, nb);

      fl_model_forward (pred->model, &batch);
      memcpy (probs + (gsize) start * C, fl_model_probs (pred->model), sizeof (float) * nb * C);
    }
}

void
fl_predictor_predict (FlPredictor       *pred,
                      const guint8      *images,
                      const char *const *texts,
                      int                n,
                      float             *probs)
{
  const FlConfig *c = fl_model_config (pred->model);

  g_return_if_fail (!fl_config_has_branch (c, FL_BRANCH_AUDIO) &&
                    !fl_config_has_branch (c, FL_BRANCH_NUMERIC));
  predict_rows (pred, images, texts, NULL, NULL, n, probs);
}

/* Why ds lacks what the model reads, or NULL. */
static char *
dataset_problem (FlPredictor *pred, const FlDataset *ds)
{
  const FlConfig *c = fl_model_config (pred->model);
  char **names = pred->stats.numeric_names;

  if (fl_config_has_branch (c, FL_BRANCH_AUDIO) &&
      (ds->audio == NULL || ds->audio_mels != c->audio_mels || ds->audio_frames != c->audio_frames))
    return g_strdup_printf (_("the model listens to audio clips (%d bands × %d frames), and the data "
                            "has none of those"), c->audio_mels, c->audio_frames);
  if (!fl_config_has_branch (c, FL_BRANCH_NUMERIC))
    return NULL;
  if (ds->numeric == NULL || ds->n_numeric != c->n_numeric)
    return g_strdup_printf (_("the model reads %d numeric columns and the data has %d"),
                            c->n_numeric, ds->numeric != NULL ? ds->n_numeric : 0);
  for (int k = 0; names != NULL && ds->numeric_names != NULL && k < c->n_numeric; k++)
    if (g_strcmp0 (names[k], ds->numeric_names[k]) != 0)
      return g_strdup_printf (_("the model's numeric column %d is “%s”, the data's “%s”"),
                              k + 1, names[k], ds->numeric_names[k]);
  return NULL;
}

gboolean
fl_predictor_predict_dataset (FlPredictor      *pred,
                              const FlDataset  *ds,
                              float            *probs,
                              GError          **error)
{
  g_autofree char *problem = dataset_problem (pred, ds);

  if (problem != NULL)
    {
      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA, problem);
      return FALSE;
    }
  g_return_val_if_fail (ds->image_size == fl_predictor_image_size (pred), FALSE);
  predict_rows (pred, ds->images, (const char *const *) ds->texts, ds->audio, ds->numeric,
                ds->n, probs);
  return TRUE;
}

FlPredictor *
fl_predictor_new (FlModel            *model,
                  const FlVocab      *vocab,
                  const char *const  *class_names,
                  const FlInputStats *stats)
{
  FlPredictor *pred = g_new0 (FlPredictor, 1);

  pred->model = fl_model_new_inference (fl_model_config (model), NULL);
  memcpy (fl_model_params (pred->model), fl_model_params (model),
          sizeof (float) * fl_model_n_params (model));
  pred->vocab = fl_vocab_new_from_tokens (fl_vocab_tokens (vocab), fl_vocab_size (vocab));
  pred->class_names = g_strdupv ((char **) class_names);
  fl_input_stats_copy (&pred->stats, stats);
  return pred;
}

const FlInputStats *
fl_predictor_stats (FlPredictor *pred)
{
  return &pred->stats;
}

gboolean
fl_predictor_write_csv (FlPredictor      *pred,
                        const FlDataSpec *spec,
                        const char       *out_path,
                        int              *n_written,
                        GCancellable     *cancellable,
                        GError          **error)
{
  FlDataSpec s = *spec;
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(GString) out = g_string_new ("line,image,predicted,confidence");
  g_autofree float *probs = NULL;
  const char *const *classes = fl_predictor_class_names (pred);
  int C = fl_model_config (pred->model)->n_classes;

  s.unlabelled = TRUE;
  s.image_size = fl_predictor_image_size (pred);
  s.image_fit = fl_predictor_image_fit (pred);
  if (s.label_col == NULL)
    s.label_col = "";   /* labels are not needed to predict */
  ds = fl_dataset_load (&s, NULL, NULL, cancellable, error);
  if (ds == NULL)
    return FALSE;

  probs = g_new (float, (gsize) ds->n * C);
  if (!fl_predictor_predict_dataset (pred, ds, probs, error))
    return FALSE;
  for (int c = 0; c < C; c++)
    {
      g_autofree char *h = g_strdup_printf ("p_%s", classes[c]);
      g_string_append_c (out, ',');
      fl_csv_append_field (out, h);
    }
  g_string_append_c (out, '\n');
  for (int i = 0; i < ds->n; i++)
    {
      const float *p = probs + (gsize) i * C;
      int best = fl_argmax (p, C);
      g_string_append_printf (out, "%d,", ds->csv_lines[i]);
      fl_csv_append_field (out, ds->image_files[i]);
      g_string_append_c (out, ',');
      fl_csv_append_field (out, classes[best]);
      g_string_append_printf (out, ",%.6f", p[best]);
      for (int c = 0; c < C; c++)
        g_string_append_printf (out, ",%.6f", p[c]);
      g_string_append_c (out, '\n');
    }
  if (n_written != NULL)
    *n_written = ds->n;
  /* cancelled while predicting: nothing is written */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return g_file_set_contents_full (out_path, out->str, (gssize) out->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
