/* SPDX-License-Identifier: MIT
 *
 * What a run trains on: the inputs fitted to its training split, its
 * batches (with modality dropout and the ablations of fl-insight.c), and
 * the export of all of it for PyTorch.
 */
#define G_LOG_DOMAIN "fl-trainer"

#include "fl-trainer-private.h"

#include "fl-augment.h"
#include "fl-predictor.h"
#include "fl-safetensors.h"
#include "fl-i18n.h"

#include <string.h>

/* The tokens of every sample over the training vocabulary, as the run's
 * text encoder reads them: bags, or sequences. */
void
_fl_run_encode_texts (FlRun *run)
{
  FlDataset *ds = run->ds;
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (gint32));
  FlConfig how = { .text_encoder = run->s.text_encoder, .max_tokens = run->s.max_tokens };

  g_free (run->tok_off);
  g_free (run->tok_idx);
  run->tok_off = g_new (gint32, ds->n + 1);
  for (int i = 0; i < ds->n; i++)
    {
      run->tok_off[i] = (gint32) all->len;
      fl_text_encode (&how, run->vocab, ds->texts[i], all);
    }
  run->tok_off[ds->n] = (gint32) all->len;
  run->tok_idx = (gint32 *) g_array_steal (all, NULL);
}

/* The vocabulary and the statistics of every input, from the training
 * split only. */
void
_fl_run_fit_inputs (FlRun *run)
{
  FlDataset *ds = run->ds;
  const gint32 *train = (const gint32 *) run->train_idx->data;
  const int nt = (int) run->train_idx->len;
  g_autoptr(GPtrArray) train_texts = g_ptr_array_new ();

  for (int i = 0; i < nt; i++)
    g_ptr_array_add (train_texts, ds->texts[train[i]]);
  run->vocab = fl_vocab_build ((const char *const *) train_texts->pdata,
                               (int) train_texts->len, run->s.max_vocab);
  run->stats.image_fit = ds->image_fit;
  _fl_run_encode_texts (run);
  fl_image_channel_stats (ds->images, train, nt, ds->image_size, run->stats.image_mean,
                          run->stats.image_std);
  for (int c = 0; c < 3; c++)
    if (run->stats.image_std[c] < 1e-6f)
      run->stats.image_std[c] = 1.0f;   /* a constant channel: centre it, do not blow it up */
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_AUDIO))
    fl_input_stats_fit_audio (&run->stats, ds->audio, train, nt, ds->audio_mels, ds->audio_frames);
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_NUMERIC))
    fl_input_stats_fit_numeric (&run->stats, ds->numeric, train, nt, ds->n_numeric,
                                (const char *const *) ds->numeric_names);
}

void
_fl_run_alloc_batch (FlRun *run, int B)
{
  FlDataset *ds = run->ds;
  const int S = ds->image_size;

  run->xb = g_new (float, (gsize) B * 3 * S * S);
  if (run->s.augment)
    run->augb = g_new (guint8, (gsize) 3 * S * S);
  run->offb = g_new (gint32, B + 1);
  run->idxb = g_array_new (FALSE, FALSE, sizeof (gint32));
  run->labb = g_new (gint32, B);
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_AUDIO))
    run->audb = g_new (float, (gsize) B * ds->audio_mels * ds->audio_frames);
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_NUMERIC))
    run->numb = g_new (float, (gsize) B * 2 * ds->n_numeric);
}

/* The training split's mean picture, normalised: what FL_ABLATE_IMAGE
 * shows the model instead of each picture. */
static const float *
mean_image (FlRun *run)
{
  const int S = run->ds->image_size;

  if (run->mean_image == NULL)
    {
      run->mean_image = g_new (float, (gsize) 3 * S * S);
      fl_image_pixel_mean (run->mean_image, run->ds->images, (const gint32 *) run->train_idx->data,
                           (int) run->train_idx->len, S, run->stats.image_mean, run->stats.image_std);
    }
  return run->mean_image;
}

/* The audio and numeric inputs of samples idx[0..n): FL_ABLATE_AUDIO
 * makes every clip the training split's mean band energies (0 once
 * normalised), FL_ABLATE_NUMERIC every cell empty. */
static void
gather_new_branches (FlRun *run, const gint32 *idx, int n, FlAblation ablation)
{
  FlDataset *ds = run->ds;
  const FlInputStats *st = &run->stats;
  const int M = ds->audio_mels, T = ds->audio_frames, K = ds->n_numeric;

  for (int i = 0; i < n && run->audb != NULL; i++)
    {
      float *dst = run->audb + (gsize) i * M * T;
      if (ablation == FL_ABLATE_AUDIO)
        memset (dst, 0, sizeof (float) * M * T);
      else
        fl_audio_normalise (dst, ds->audio + (gsize) idx[i] * M * T, 1, M, T,
                            st->audio_mean, st->audio_std);
    }
  for (int i = 0; i < n && run->numb != NULL; i++)
    {
      float *dst = run->numb + (gsize) i * 2 * K;
      if (ablation == FL_ABLATE_NUMERIC)
        for (int k = 0; k < K; k++)
          {
            dst[k] = 0.0f;
            dst[K + k] = 1.0f;
          }
      else
        fl_numeric_encode (dst, ds->numeric + (gsize) idx[i] * K, 1, K,
                           st->numeric_mean, st->numeric_std);
    }
}

/* Sample k's picture into dst (3,S,S) floats, normalised; augmented as
 * for epoch augment_epoch when that is > 0 and the run augments. The
 * augmentation runs on this thread, keyed by k: the batch's order and
 * the model's threads do not change what it draws. */
static void
gather_image (FlRun *run, float *dst, gint32 k, int augment_epoch)
{
  const int S = run->ds->image_size;
  const guint8 *src = run->ds->images + (gsize) k * 3 * S * S;

  if (augment_epoch > 0 && run->augb != NULL)
    {
      fl_augment_image (run->augb, src, S, run->s.seed, augment_epoch, k);
      src = run->augb;
    }
  fl_image_to_float (dst, src, 1, S, run->stats.image_mean, run->stats.image_std);
}

FlBatch
_fl_run_gather (FlRun *run, const gint32 *idx, int n, gboolean with_labels, FlAblation ablation,
                int augment_epoch)
{
  FlDataset *ds = run->ds;
  const int S = ds->image_size;
  gsize img = (gsize) 3 * S * S;
  gboolean img_used = (run->branches & FL_BRANCH_BIT (FL_BRANCH_IMAGE)) != 0;
  gboolean txt_used = (run->branches & FL_BRANCH_BIT (FL_BRANCH_TEXT)) != 0;
  const float *blank = img_used && ablation == FL_ABLATE_IMAGE ? mean_image (run) : NULL;

  g_array_set_size (run->idxb, 0);
  for (int i = 0; i < n; i++)
    {
      gint32 k = idx[i];
      if (blank != NULL)
        memcpy (run->xb + i * img, blank, sizeof (float) * img);
      else if (img_used)
        gather_image (run, run->xb + i * img, k, augment_epoch);
      run->offb[i] = (gint32) run->idxb->len;
      if (txt_used && ablation != FL_ABLATE_TEXT)
        g_array_append_vals (run->idxb, run->tok_idx + run->tok_off[k],
                             run->tok_off[k + 1] - run->tok_off[k]);
      run->labb[i] = ds->labels[k];
    }
  run->offb[n] = (gint32) run->idxb->len;
  gather_new_branches (run, idx, n, ablation);
  return (FlBatch) {
    .n = n,
    .images = img_used ? run->xb : NULL,
    .tok_off = txt_used ? run->offb : NULL,
    .tok_idx = txt_used ? (const gint32 *) run->idxb->data : NULL,
    .labels = with_labels ? run->labb : NULL,
    .audio = run->audb,
    .numeric = run->numb,
  };
}


/* Modality dropout for the n samples of an epoch, from rng (after the
 * epoch's shuffle): with probability p, one of the run's k branches drawn
 * uniformly (never more); for two, the image's or the text's as g_rand_boolean()
 * has always drawn it, so that image + text runs keep their bits. */
void
_fl_run_draw_drops (FlRun *run, GRand *rng, guint8 *drops, int n)
{
  FlBranch order[FL_N_BRANCHES];
  int K = 0;

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (run->branches & FL_BRANCH_BIT (b))
      order[K++] = b;
  for (int i = 0; i < n; i++)
    {
      int k;

      if (g_rand_double (rng) >= run->s.modality_dropout)
        {
          drops[i] = FL_DROP_NONE;
          continue;
        }
      k = K == 2 ? (g_rand_boolean (rng) ? 0 : 1) : g_rand_int_range (rng, 0, K);
      drops[i] = (guint8) FL_BRANCH_BIT (order[k]);
    }
}

/* Fisher–Yates with the run's seeded generator: deterministic. */
void
_fl_run_shuffle (GRand *rng, gint32 *order, int n)
{
  for (int i = n - 1; i > 0; i--)
    {
      int j = g_rand_int_range (rng, 0, i + 1);
      gint32 t = order[i]; order[i] = order[j]; order[j] = t;
    }
}


void
_fl_run_visit_order (FlRun *run, gint32 *order, guint8 *drop)
{
  const int nt = (int) run->train_idx->len;
  g_autofree gint32 *perm = g_memdup2 (run->train_idx->data, sizeof (gint32) * nt);
  g_autoptr(GRand) rng = g_rand_copy (run->rng);

  for (int e = 0; e < run->s.epochs; e++)
    {
      _fl_run_shuffle (rng, perm, nt);
      if (drop != NULL)
        _fl_run_draw_drops (run, rng, drop + (gsize) e * nt, nt);
      memcpy (order + (gsize) e * nt, perm, sizeof (gint32) * nt);
    }
}

/* The same as floats, for fl_run_export(). */
static void
visit_order (FlRun *run, float *order, float *drop)
{
  const gsize n = (gsize) run->s.epochs * run->train_idx->len;
  g_autofree gint32 *o = g_new (gint32, MAX (n, 1));
  g_autofree guint8 *d = drop != NULL ? g_new (guint8, MAX (n, 1)) : NULL;

  _fl_run_visit_order (run, o, d);
  for (gsize i = 0; i < n; i++)
    {
      order[i] = (float) o[i];
      if (d != NULL)
        drop[i] = (float) d[i];
    }
}

/* The exported audio (n,1,M,T) and numeric (n,2K) inputs of every sample,
 * normalised as training sees them, added to t: new blocks in *audio and
 * *numeric (NULL without the branch) for the caller to g_free(). */
static void
export_new_branches (FlRun *run, GArray *t, float **audio, float **numeric)
{
  FlDataset *ds = run->ds;
  const FlInputStats *st = &run->stats;
  const int n = ds->n, M = ds->audio_mels, T = ds->audio_frames, K = ds->n_numeric;

  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_AUDIO))
    {
      FlStTensor a = { "audio", 4, { n, 1, M, T }, NULL };

      a.data = *audio = g_new (float, (gsize) n * M * T);
      fl_audio_normalise (*audio, ds->audio, n, M, T, st->audio_mean, st->audio_std);
      g_array_append_val (t, a);
    }
  if (run->branches & FL_BRANCH_BIT (FL_BRANCH_NUMERIC))
    {
      FlStTensor x = { "numeric", 2, { n, 2 * K }, NULL };

      x.data = *numeric = g_new (float, (gsize) n * 2 * K);
      fl_numeric_encode (*numeric, ds->numeric, n, K, st->numeric_mean, st->numeric_std);
      g_array_append_val (t, x);
    }
}

gboolean
fl_run_export (FlRun *run, const char *path, GError **error)
{
  FlDataset *ds = run->ds;
  FlModel *model = run->model;
  const int S = ds->image_size, V = MAX (fl_vocab_size (run->vocab), 1);
  const int nt = (int) run->train_idx->len, E = run->s.epochs;
  gsize img = (gsize) 3 * S * S;
  g_autofree float *x = g_new (float, (gsize) ds->n * img);
  g_autofree float *bags = g_new0 (float, (gsize) ds->n * V);
  g_autofree float *labels = g_new (float, ds->n);
  g_autofree float *is_val = g_new0 (float, ds->n);
  g_autofree float *order = g_new (float, (gsize) E * nt);
  g_autofree float *drop = run->drops != NULL ? g_new (float, (gsize) E * nt) : NULL;
  g_autoptr(GArray) t = g_array_new (FALSE, TRUE, sizeof (FlStTensor));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree float *emb_t = NULL, *audio = NULL, *numeric = NULL;
  g_autoptr(GHashTable) md = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  /* the texts go as bags, which a GRU cannot read (export-torch's shards
   * keep the tokens in order) */
  if (run->s.text_encoder != FL_TEXT_BOW && (run->branches & FL_BRANCH_BIT (FL_BRANCH_TEXT)))
    return g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                        _("%s: bench/'s export holds bags of words; it cannot export a GRU run"), path), FALSE;
  fl_image_to_float (x, ds->images, ds->n, S, run->stats.image_mean, run->stats.image_std);
  for (int i = 0; i < ds->n; i++)
    {
      labels[i] = (float) ds->labels[i];
      for (gint32 k = run->tok_off[i]; k < run->tok_off[i + 1]; k++)
        bags[(gsize) i * V + run->tok_idx[k]] = 1.0f;
    }
  for (guint i = 0; i < run->val_idx->len; i++)
    is_val[g_array_index (run->val_idx, gint32, i)] = 1.0f;
  visit_order (run, order, drop);

#define ADD(name_, ndim_, d0, d1, d2, d3, data_) \
  do { FlStTensor st_ = { name_, ndim_, { d0, d1, d2, d3 }, data_ }; g_array_append_val (t, st_); } while (0)
  ADD ("images", 4, ds->n, 3, S, S, x);
  ADD ("text", 2, ds->n, V, 0, 0, bags);
  ADD ("labels", 1, ds->n, 0, 0, 0, labels);
  ADD ("is_val", 1, ds->n, 0, 0, 0, is_val);
  ADD ("train_order", 2, E, nt, 0, 0, order);
  /* FlDrop mask of each visit (0 none, 1 image, 2 text, 4 audio, 8
   * numeric), with modality dropout */
  if (drop != NULL)
    ADD ("train_drop", 2, E, nt, 0, 0, drop);
  export_new_branches (run, t, &audio, &numeric);
  /* what the model fuses, in branch order */
  g_hash_table_insert (md, "branches", fl_branches_to_string (run->branches));
  /* the initial weights, in PyTorch's layout */
  {
    FlStTensor w[FL_N_PARAMS];
    int nw = fl_model_torch_tensors (model, "init.", w, names, &emb_t);
    g_array_append_vals (t, w, nw);
  }
#undef ADD
  return fl_safetensors_save (path, (FlStTensor *) t->data, (int) t->len, md, error);
}
