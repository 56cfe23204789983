/* SPDX-License-Identifier: MIT
 *
 * The frozen matching model: embedding pictures and texts exactly as the
 * matcher's evaluation does (fl-matcher.c: the branch, then linear(D→E),
 * then L2-normalisation), nearest neighbours, and zero-shot classification.
 */
#define G_LOG_DOMAIN "fl-embedder"

#include "fl-embedder-private.h"

#include "fl-image.h"
#include "fl-ops.h"
#include "fl-match.h"
#include "fl-trainer-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The most a batch's activations may take (as fl-predictor-predict.c): a
 * model of large images embeds in smaller batches than it trained in. */
#define EMBED_BYTES ((gsize) 256 << 20)

static char *
strdup_or_null (const char *s)
{
  return s != NULL && *s != '\0' ? g_strdup (s) : NULL;
}

FlEmbedder *
_fl_embedder_new (FlModel            *model,
                  FlVocab            *vocab,
                  const FlInputStats *stats,
                  char              **class_names,
                  FlMatchLoss         loss,
                  int                 E,
                  float              *proj,
                  int                 batch_size,
                  const FlDataSpec   *spec)
{
  const FlConfig *c = fl_model_config (model);
  FlEmbedder *e = g_new0 (FlEmbedder, 1);

  e->model = model;
  e->vocab = vocab;
  fl_input_stats_copy (&e->stats, stats);
  e->class_names = class_names;
  e->loss = loss;
  e->D = c->feat_dim;
  e->E = E;
  e->n_proj = (gsize) FL_N_EMBED * ((gsize) E * e->D + E) + 1;
  e->proj = proj;
  e->batch_size = batch_size;

  e->images_dir = strdup_or_null (spec->images_dir);
  e->csv_path = strdup_or_null (spec->csv_path);
  e->image_col = strdup_or_null (spec->image_col);
  e->text_col = strdup_or_null (spec->text_col);
  e->label_col = strdup_or_null (spec->label_col);
  e->spec = (FlDataSpec) {
    .images_dir = e->images_dir, .csv_path = e->csv_path, .image_col = e->image_col,
    .text_col = e->text_col, .label_col = e->label_col, .image_size = c->image_size,
    .image_fit = stats->image_fit,
  };

  /* at least one sample: fl_config_validate() bounds what one takes */
  e->B = (int) MIN (MAX (EMBED_BYTES / sizeof (float) / fl_config_activations (c), 1), (gsize) batch_size);
  e->x = g_new (float, (gsize) e->B * 3 * c->image_size * c->image_size);
  e->off = g_new (gint32, e->B + 1);
  e->idx = g_array_new (FALSE, FALSE, sizeof (gint32));
  e->z = g_new (float, (gsize) e->B * E);
  return e;
}

FlEmbedder *
fl_matcher_embedder (FlMatcher *m)
{
  FlRun *run = fl_matcher_run (m);
  const FlMatchSettings *s = fl_matcher_settings (m);
  FlModel *src = fl_matcher_model (m), *model;
  const FlDataset *ds = run->ds;
  const FlLoadReport *r = &ds->report;
  /* absolute, for a search from another folder */
  g_autofree char *images_dir = ds->images_dir != NULL ? g_canonicalize_filename (ds->images_dir, NULL) : NULL;
  g_autofree char *csv_path = ds->csv_path != NULL ? g_canonicalize_filename (ds->csv_path, NULL) : NULL;
  FlDataSpec spec = {
    .images_dir = images_dir, .csv_path = csv_path,
    .image_col = r->image_col, .text_col = r->text_col, .label_col = r->label_col,
  };
  gsize n_proj;
  float *proj = fl_matcher_params (m, &n_proj);
  FlEmbedder *e;

  model = fl_model_new_inference (fl_model_config (src), NULL);
  memcpy (fl_model_params (model), fl_model_params (src), sizeof (float) * fl_model_n_params (src));
  e = _fl_embedder_new (model,
                           fl_vocab_new_from_tokens (fl_vocab_tokens (run->vocab), fl_vocab_size (run->vocab)),
                           &run->stats, g_strdupv (ds->class_names), s->loss, s->embed_dim,
                           g_memdup2 (proj, sizeof (float) * n_proj), s->train.batch_size, &spec);
  e->map_loss = s->loss == FL_MATCH_LOSS_MAPPING ? s->map_loss : FL_MAP_LOSS_COSINE;
  e->augmented = s->train.augment;
  return e;
}

void
fl_embedder_free (FlEmbedder *e)
{
  if (e == NULL)
    return;
  g_clear_pointer (&e->model, fl_model_free);
  g_clear_pointer (&e->vocab, fl_vocab_free);
  fl_input_stats_clear (&e->stats);
  g_strfreev (e->class_names);
  g_free (e->proj);
  g_free (e->images_dir);
  g_free (e->csv_path);
  g_free (e->image_col);
  g_free (e->text_col);
  g_free (e->label_col);
  g_free (e->x);
  g_free (e->off);
  g_clear_pointer (&e->idx, g_array_unref);
  g_free (e->z);
  g_free (e);
}

int
fl_embedder_dim (FlEmbedder *e)
{
  return e->E;
}

int
fl_embedder_image_size (FlEmbedder *e)
{
  return fl_model_config (e->model)->image_size;
}

FlImageFit
fl_embedder_image_fit (FlEmbedder *e)
{
  return e->stats.image_fit;
}

const FlDataSpec *
fl_embedder_data_spec (FlEmbedder *e)
{
  return &e->spec;
}

FlMatchLoss
fl_embedder_loss (FlEmbedder *e)
{
  return e->loss;
}

FlMapLoss
fl_embedder_map_loss (FlEmbedder *e)
{
  return e->map_loss;
}

void
fl_embedder_set_threads (FlEmbedder *e, int n_threads)
{
  fl_model_set_threads (e->model, n_threads);
}

/* The branch k's vectors of the batch, which the model has just computed,
 * projected into out (n,E): linear(D→E), then L2-normalised, as the
 * matcher's embed() does. */
static void
project (FlEmbedder *e, int k, int n, float *out)
{
  const FlFeatureKind kinds[FL_N_EMBED] = { FL_FEATURE_IMAGE, FL_FEATURE_TEXT };
  const float *x = fl_model_features (e->model, kinds[k], NULL);
  const float *w = e->proj + (gsize) k * ((gsize) e->E * e->D + e->E);

  fl_linear_forward (e->z, x, w, w + (gsize) e->E * e->D, n, e->D, e->E);
  fl_l2norm_forward (out, e->z, n, e->E);
}

void
fl_embedder_embed_texts (FlEmbedder        *e,
                         const char *const *texts,
                         int                n,
                         float             *out)
{
  for (int start = 0; start < n; start += e->B)
    {
      int nb = MIN (e->B, n - start);
      FlBatch batch = { .n = nb, .tok_off = e->off };

      g_array_set_size (e->idx, 0);
      for (int i = 0; i < nb; i++)
        {
          e->off[i] = (gint32) e->idx->len;
          fl_text_encode (fl_model_config (e->model), e->vocab, texts[start + i], e->idx);
        }
      e->off[nb] = (gint32) e->idx->len;
      batch.tok_idx = (const gint32 *) e->idx->data;
      fl_model_forward_branch_set (e->model, &batch, FL_BRANCH_BIT (FL_BRANCH_TEXT));
      project (e, FL_EMBED_TEXT, nb, out + (gsize) start * e->E);
    }
}

void
fl_embedder_embed_images (FlEmbedder   *e,
                          const guint8 *images,
                          int           n,
                          float        *out)
{
  const int S = fl_embedder_image_size (e);
  const gsize img = (gsize) 3 * S * S;

  for (int start = 0; start < n; start += e->B)
    {
      int nb = MIN (e->B, n - start);
      FlBatch batch = { .n = nb, .images = e->x };

      fl_image_to_float (e->x, images + start * img, nb, S, e->stats.image_mean, e->stats.image_std);
      fl_model_forward_branch_set (e->model, &batch, FL_BRANCH_BIT (FL_BRANCH_IMAGE));
      project (e, FL_EMBED_IMAGE, nb, out + (gsize) start * e->E);
    }
}

int
fl_embedder_known_words (FlEmbedder *e, const char *text)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint32));

  return fl_vocab_encode (e->vocab, text, ids);
}

/* q·r in double, in index order: a score depends on the row alone, so two
 * equal rows score the same wherever they stand (a BLAS kernel may sum the
 * tail rows of a block in another order). */
static float
dot (const float *q, const float *r, int E)
{
  double s = 0.0;

  for (int j = 0; j < E; j++)
    s += (double) q[j] * r[j];
  return (float) s;
}

typedef struct {
  float score;
  int   i;
} Scored;

/* Best first: the larger score, then the lower index; a NaN after every
 * number. */
static int
scored_cmp (const void *pa, const void *pb)
{
  const Scored *a = pa, *b = pb;
  gboolean na = isnan (a->score), nb = isnan (b->score);

  if (na != nb)
    return na ? 1 : -1;
  if (!na && a->score != b->score)
    return a->score > b->score ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

int
fl_embedder_top_k (const float *query,
                   const float *rows,
                   int          n_rows,
                   int          E,
                   int          k,
                   int         *idx,
                   float       *score)
{
  g_autofree Scored *all = NULL;
  int n = MIN (MAX (k, 0), n_rows);

  if (n <= 0)
    return 0;
  all = g_new (Scored, n_rows);
  for (int i = 0; i < n_rows; i++)
    all[i] = (Scored) { dot (query, rows + (gsize) i * E, E), i };
  /* a full sort: n_rows log n_rows is a few ms for 100k rows, next to
   * the embedding of one of them */
  qsort (all, n_rows, sizeof (Scored), scored_cmp);
  for (int j = 0; j < n; j++)
    {
      idx[j] = all[j].i;
      if (score != NULL)
        score[j] = all[j].score;
    }
  return n;
}

/* The class names put into template_, every "{label}" replaced. */
static char **
class_prompts (const char *const *class_names, int n_classes, const char *template_)
{
  g_auto(GStrv) parts = g_strsplit (template_ != NULL ? template_ : "{label}", "{label}", -1);
  char **prompts = g_new0 (char *, n_classes + 1);

  for (int c = 0; c < n_classes; c++)
    prompts[c] = g_strjoinv (class_names[c], parts);
  return prompts;
}

double
fl_embedder_zero_shot (FlEmbedder        *e,
                       const float       *image_emb,
                       int                n,
                       const gint32      *labels,
                       const char *const *class_names,
                       int                n_classes,
                       const char        *template_,
                       gint32            *pred)
{
  g_auto(GStrv) prompts = NULL;
  g_autofree float *classes = NULL;
  int correct = 0;

  g_return_val_if_fail (n_classes >= 1 && n >= 0, -1.0);
  prompts = class_prompts (class_names, n_classes, template_);
  classes = g_new (float, (gsize) n_classes * e->E);
  fl_embedder_embed_texts (e, (const char *const *) prompts, n_classes, classes);
  for (int i = 0; i < n; i++)
    {
      int best;
      float s;

      fl_embedder_top_k (image_emb + (gsize) i * e->E, classes, n_classes, e->E, 1, &best, &s);
      pred[i] = best;
      correct += labels != NULL && labels[i] == best;
    }
  if (labels == NULL)
    return -1.0;
  return n > 0 ? (double) correct / n : 0.0;
}
