/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-matcher"

#include "fl-matcher.h"

#include "fl-trainer-private.h"
#include "fl-i18n.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

enum { PROJ_IMAGE, PROJ_TEXT, N_PROJ };

struct FlMatcher {
  FlMatchSettings s;
  FlRun          *run;        /* split, inputs, batches, model, its Adam */
  int             D, E, B;

  /* the projection block: for each of image and text W (E,D) then b (E),
   * then s; its gradients and Adam moments alike */
  gsize           n_proj;
  float          *proj, *dproj, *m, *v;
  gint64          t;          /* Adam steps of the block */

  /* one batch: z (B,E) projected, e (B,E) normalised, de and dz their
   * gradients, dx (B,D) the gradient handed to each branch */
  float          *z[N_PROJ], *e[N_PROJ], *de[N_PROJ], *dz[N_PROJ], *dx[N_PROJ];
  float          *logits;     /* (B,B) */
  float          *scratch;    /* (B,B) */
};

static const char *const loss_names[FL_N_MATCH_LOSSES] = { "infonce", "hinge", "mapping" };
static const char *const map_loss_names[FL_N_MAP_LOSSES] = { "cosine", "mse" };

const char *
fl_match_loss_to_string (FlMatchLoss loss)
{
  g_return_val_if_fail ((guint) loss < FL_N_MATCH_LOSSES, NULL);
  return loss_names[loss];
}

gboolean
fl_match_loss_from_string (const char *name, FlMatchLoss *loss)
{
  for (int i = 0; i < FL_N_MATCH_LOSSES; i++)
    if (g_strcmp0 (name, loss_names[i]) == 0)
      {
        *loss = i;
        return TRUE;
      }
  return FALSE;
}

const char *
fl_map_loss_to_string (FlMapLoss loss)
{
  g_return_val_if_fail ((guint) loss < FL_N_MAP_LOSSES, NULL);
  return map_loss_names[loss];
}

gboolean
fl_map_loss_from_string (const char *name, FlMapLoss *loss)
{
  for (int i = 0; i < FL_N_MAP_LOSSES; i++)
    if (g_strcmp0 (name, map_loss_names[i]) == 0)
      {
        *loss = i;
        return TRUE;
      }
  return FALSE;
}

void
fl_match_settings_init_default (FlMatchSettings *s)
{
  fl_train_settings_init_default (&s->train);
  s->train.fusion = FL_FUSION_CONCAT;
  s->train.branches = FL_BRANCHES_IMAGE_TEXT;
  s->loss = FL_MATCH_LOSS_INFONCE;
  s->embed_dim = 64;
  s->margin = 0.2f;
  s->map_loss = FL_MAP_LOSS_COSINE;
  s->frozen = 0;
}

gboolean
fl_match_settings_validate (const FlMatchSettings *s, GError **error)
{
  const guint text = FL_BRANCH_BIT (FL_BRANCH_TEXT);
  const char *bad = NULL;

  if ((guint) s->loss >= FL_N_MATCH_LOSSES)
    bad = _("the loss must be infonce, hinge or mapping");
  else if ((guint) s->map_loss >= FL_N_MAP_LOSSES)
    bad = _("the mapping loss must be cosine or mse");
  else if ((s->frozen & ~FL_BRANCHES_IMAGE_TEXT) != 0 || s->frozen == FL_BRANCHES_IMAGE_TEXT)
    bad = _("only one side, image or text, can be frozen");
  else if (s->loss == FL_MATCH_LOSS_MAPPING && s->frozen != text)
    bad = _("mapping regresses a frozen text side: freeze the text side, and only it");
  else if (s->embed_dim < 1 || s->embed_dim > FL_MATCH_MAX_EMBED)
    bad = _("the embedding dimension must be between 1 and 4096");
  else if (!(s->margin >= 0.0f && s->margin <= 2.0f))
    bad = _("the margin must be between 0 and 2");
  else if (s->train.kfold != 0 || s->train.modality_dropout != 0.0)
    bad = _("matching takes a single split and no modality dropout");
  else if (s->train.fusion != FL_FUSION_CONCAT || s->train.branches != FL_BRANCHES_IMAGE_TEXT)
    bad = _("matching runs on the image and text branches");
  if (bad != NULL)
    {
      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID, bad);
      return FALSE;
    }
  return fl_train_settings_validate (&s->train, error);
}

/* W and b of projection k, and their gradients. */
static float *proj_w (FlMatcher *m, float *block, int k) { return block + (gsize) k * (m->E * m->D + m->E); }
static float *proj_b (FlMatcher *m, float *block, int k) { return proj_w (m, block, k) + (gsize) m->E * m->D; }
static float *log_scale (FlMatcher *m, float *block) { return block + m->n_proj - 1; }

static gboolean
learns (const FlMatcher *m, int k)
{
  const FlBranch branch[N_PROJ] = { FL_BRANCH_IMAGE, FL_BRANCH_TEXT };

  return (m->s.frozen & FL_BRANCH_BIT (branch[k])) == 0;
}

/* PyTorch's nn.Linear init, U(-1/√D, 1/√D) for W and b, from its own
 * stream of seed (the model's draws stay those of a classifier). */
static void
init_proj (FlMatcher *m, guint64 seed)
{
  guint64 s2 = seed ^ G_GUINT64_CONSTANT (0x6d61746368657221); /* "matcher!" */
  g_autoptr(GRand) rng = g_rand_new_with_seed_array ((const guint32 *) &s2, 2);
  double bound = 1.0 / sqrt ((double) m->D);

  for (gsize i = 0; i + 1 < m->n_proj; i++)
    m->proj[i] = (float) g_rand_double_range (rng, -bound, bound);
  *log_scale (m, m->proj) = (float) FL_INFONCE_INIT_LOG_SCALE;
}

static void
alloc_buffers (FlMatcher *m)
{
  gsize be = (gsize) m->B * m->E, bd = (gsize) m->B * m->D;

  m->n_proj = (gsize) N_PROJ * (m->E * m->D + m->E) + 1;
  m->proj = g_new0 (float, m->n_proj);
  m->dproj = g_new0 (float, m->n_proj);
  m->m = g_new0 (float, m->n_proj);
  m->v = g_new0 (float, m->n_proj);
  for (int k = 0; k < N_PROJ; k++)
    {
      m->z[k] = g_new (float, be);
      m->e[k] = g_new (float, be);
      m->de[k] = g_new (float, be);
      m->dz[k] = g_new (float, be);
      m->dx[k] = g_new (float, bd);
    }
  m->logits = g_new (float, (gsize) m->B * m->B);
  m->scratch = g_new (float, (gsize) m->B * m->B);
}

FlMatcher *
fl_matcher_new (FlDataset *ds, const FlMatchSettings *s, GError **error)
{
  g_autoptr(FlMatcher) m = NULL;

  g_return_val_if_fail (ds != NULL && s != NULL, NULL);
  if (!fl_match_settings_validate (s, error))
    return NULL;
  m = g_new0 (FlMatcher, 1);
  m->s = *s;
  m->run = fl_run_new (ds, &s->train, error);
  if (m->run == NULL)
    return NULL;
  m->D = fl_model_config (m->run->model)->feat_dim;
  m->E = s->embed_dim;
  m->B = s->train.batch_size;
  alloc_buffers (m);
  init_proj (m, s->train.seed);
  return g_steal_pointer (&m);
}

void
fl_matcher_free (FlMatcher *m)
{
  if (m == NULL)
    return;
  g_clear_pointer (&m->run, fl_run_free);
  g_free (m->proj);
  g_free (m->dproj);
  g_free (m->m);
  g_free (m->v);
  for (int k = 0; k < N_PROJ; k++)
    {
      g_free (m->z[k]);
      g_free (m->e[k]);
      g_free (m->de[k]);
      g_free (m->dz[k]);
      g_free (m->dx[k]);
    }
  g_free (m->logits);
  g_free (m->scratch);
  g_free (m);
}

/* The branches' vectors of the n pairs idx[0..n), projected into e[k]
 * (n,E) at rows [0, n) of each of out[] (NULL: m->e). */
static void
embed (FlMatcher *m, const FlBatch *batch, float *out[N_PROJ])
{
  FlModel *model = m->run->model;
  const FlFeatureKind kinds[N_PROJ] = { FL_FEATURE_IMAGE, FL_FEATURE_TEXT };
  const int n = batch->n;

  fl_model_forward_branches (model, batch);
  for (int k = 0; k < N_PROJ; k++)
    {
      const float *x = fl_model_features (model, kinds[k], NULL);

      fl_linear_forward (m->z[k], x, proj_w (m, m->proj, k), proj_b (m, m->proj, k), n, m->D, m->E);
      fl_l2norm_forward (out != NULL ? out[k] : m->e[k], m->z[k], n, m->E);
    }
}

/* The contrastive losses of the embedded batch, and with backward de[k] =
 * dL/de[k] of the sides that learn and the log-scale's gradient (added to
 * dproj). */
static double
contrastive_loss (FlMatcher *m, int n, gboolean backward)
{
  float *de_i = learns (m, PROJ_IMAGE) ? m->de[PROJ_IMAGE] : NULL;
  float *de_t = learns (m, PROJ_TEXT) ? m->de[PROJ_TEXT] : NULL;
  const float *u = m->e[PROJ_IMAGE], *v = m->e[PROJ_TEXT];
  float s = *log_scale (m, m->proj);
  double loss;

  if (m->s.loss == FL_MATCH_LOSS_INFONCE)
    {
      loss = fl_infonce_forward (m->logits, u, v, s, n, m->E);
      if (backward)
        fl_infonce_backward (de_i, de_t, log_scale (m, m->dproj), m->scratch, m->logits, u, v, s, n, m->E);
      return loss;
    }
  loss = fl_hinge_forward (m->logits, u, v, m->s.margin, n, m->E);
  if (backward)
    fl_hinge_backward (de_i, de_t, m->scratch, m->logits, u, v, m->s.margin, n, m->E);
  return loss;
}

/* The loss of the embedded batch, and with backward dz[k] = dL/dz[k] of
 * the sides that learn. Mapping's target, the text side, is frozen
 * (fl_match_settings_validate()): only the image side gets a gradient. */
static double
loss_of (FlMatcher *m, int n, gboolean backward)
{
  const int img = PROJ_IMAGE, txt = PROJ_TEXT;
  double loss;

  if (m->s.loss == FL_MATCH_LOSS_MAPPING && m->s.map_loss == FL_MAP_LOSS_MSE)
    {
      /* on the projections themselves: no norm to go back through */
      loss = fl_map_mse_forward (m->z[img], m->z[txt], n, m->E);
      if (backward)
        fl_map_mse_backward (m->dz[img], NULL, m->z[img], m->z[txt], n, m->E);
      return loss;
    }
  if (m->s.loss == FL_MATCH_LOSS_MAPPING)
    {
      loss = fl_map_cosine_forward (m->e[img], m->e[txt], n, m->E);
      if (backward)
        fl_map_cosine_backward (m->de[img], NULL, m->e[img], m->e[txt], n, m->E);
    }
  else
    loss = contrastive_loss (m, n, backward);
  for (int k = 0; backward && k < N_PROJ; k++)
    if (learns (m, k))
      fl_l2norm_backward (m->dz[k], m->de[k], m->z[k], m->e[k], n, m->E);
  return loss;
}

/* From dz[k] back through the projections to the branches; a frozen side
 * hands its branch a zero gradient, and its projection's stays 0. */
static void
backward (FlMatcher *m, const FlBatch *batch)
{
  FlModel *model = m->run->model;
  const FlFeatureKind kinds[N_PROJ] = { FL_FEATURE_IMAGE, FL_FEATURE_TEXT };
  const float *dx[FL_N_BRANCHES] = { NULL };
  const int n = batch->n;

  for (int k = 0; k < N_PROJ; k++)
    {
      const float *x = fl_model_features (model, kinds[k], NULL);

      if (!learns (m, k))
        {
          memset (m->dx[k], 0, sizeof (float) * (gsize) n * m->D);
          continue;
        }
      /* dW += dzᵀ x; db += Σ dz; dx = dz W */
      fl_linear_backward (m->dx[k], proj_w (m, m->dproj, k), proj_b (m, m->dproj, k), m->dz[k], x,
                          proj_w (m, m->proj, k), n, m->D, m->E);
    }
  dx[FL_BRANCH_IMAGE] = m->dx[PROJ_IMAGE];
  dx[FL_BRANCH_TEXT] = m->dx[PROJ_TEXT];
  fl_model_backward_branches (model, batch, dx);
}

/* fl_matcher_batch_loss() with the pictures augmented as for epoch
 * augment_epoch (1-based) when it is > 0 and the run augments: training's
 * batches are, as a classifier's; the held-out pairs never are. */
static double
batch_loss (FlMatcher *m, const gint32 *idx, int n, gboolean backward_too, int augment_epoch)
{
  FlBatch batch = _fl_run_gather (m->run, idx, n, FALSE, FL_ABLATE_NONE, augment_epoch);
  double loss;

  embed (m, &batch, NULL);
  if (backward_too)
    memset (m->dproj, 0, sizeof (float) * m->n_proj);
  loss = loss_of (m, n, backward_too);
  if (backward_too)
    backward (m, &batch);
  return loss;
}

double
fl_matcher_batch_loss (FlMatcher *m, const gint32 *idx, int n, gboolean backward_too)
{
  g_return_val_if_fail (n >= 2 && n <= m->B, NAN);
  return batch_loss (m, idx, n, backward_too, 0);
}

/* torch.optim.Adam on the projection block, as fl_model_adam_step() does
 * on the model's: m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 * p -= lr/(1-β1^t) · m / (√v / √(1-β2^t) + ε). */
static void
adam_step (FlMatcher *m, const FlAdamParams *hp)
{
  const float b1 = (float) hp->beta1, b2 = (float) hp->beta2;
  const float c1 = (float) (1.0 - hp->beta1), c2 = (float) (1.0 - hp->beta2), eps = (float) hp->eps;
  float step, bc2;

  m->t++;
  step = (float) (hp->lr / (1.0 - pow (hp->beta1, (double) m->t)));
  bc2 = (float) sqrt (1.0 - pow (hp->beta2, (double) m->t));
  for (gsize i = 0; i < m->n_proj; i++)
    {
      float g = m->dproj[i];

      m->m[i] = b1 * m->m[i] + c1 * g;
      m->v[i] = b2 * m->v[i] + c2 * g * g;
      m->proj[i] -= step * m->m[i] / (sqrtf (m->v[i]) / bc2 + eps);
    }
}

/* One pass over the training pairs in order, epoch (1-based) choosing
 * their augmentation; the mean loss into *loss. */
static gboolean
train_epoch (FlMatcher *m, int epoch, const gint32 *order, int nt, double *loss,
             GCancellable *cancellable, GError **error)
{
  double sum = 0.0;
  int counted = 0;

  for (int start = 0; start < nt; start += m->B)
    {
      int n = MIN (m->B, nt - start);
      double l;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (n < 2)
        continue;   /* no negative to contrast with */
      l = batch_loss (m, order + start, n, TRUE, epoch);
      if (!isfinite (l))
        {
          g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_NUMERIC,
                       _("the matching loss became %s; try a smaller learning rate"),
                       isnan (l) ? "NaN" : _("infinite"));
          return FALSE;
        }
      fl_model_adam_step (m->run->model, &m->run->adam);
      adam_step (m, &m->run->adam);
      sum += l * n;
      counted += n;
    }
  *loss = counted > 0 ? sum / counted : 0.0;
  return TRUE;
}

int
fl_matcher_evaluate (FlMatcher *m, FlRetrieval *out)
{
  const gint32 *vi = (const gint32 *) m->run->val_idx->data;
  const int nv = MIN ((int) m->run->val_idx->len, FL_MATCH_MAX_EVAL), E = m->E;
  g_autofree float *u = g_new (float, (gsize) nv * E);
  g_autofree float *v = g_new (float, (gsize) nv * E);
  g_autofree float *sim = g_new (float, (gsize) nv * nv);

  for (int start = 0; start < nv; start += m->B)
    {
      int n = MIN (m->B, nv - start);
      FlBatch batch = _fl_run_gather (m->run, vi + start, n, FALSE, FL_ABLATE_NONE, 0);
      float *rows[N_PROJ] = { u + (gsize) start * E, v + (gsize) start * E };

      embed (m, &batch, rows);
    }
  /* sim (nv,nv) = u vᵀ: cosines, the rows being unit vectors */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, nv, nv, E, 1.0f, u, E, v, E, 0.0f, sim, nv);
  fl_retrieval_metrics (out, sim, nv);
  return nv;
}

gboolean
fl_matcher_train (FlMatcher *m, FlMatchEpochFunc fn, gpointer user_data, GCancellable *cancellable,
                  GError **error)
{
  int nt = (int) m->run->train_idx->len;
  g_autofree gint32 *order = g_memdup2 (m->run->train_idx->data, sizeof (gint32) * nt);

  for (int epoch = 1; epoch <= m->s.train.epochs; epoch++)
    {
      gint64 e0 = g_get_monotonic_time ();
      FlMatchEpoch e = { .epoch = epoch, .n_epochs = m->s.train.epochs };

      _fl_run_shuffle (m->run->rng, order, nt);
      if (!train_epoch (m, epoch, order, nt, &e.train_loss, cancellable, error))
        return FALSE;
      e.samples_per_s = nt / MAX ((g_get_monotonic_time () - e0) / 1e6, 1e-9);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      e.n_val = fl_matcher_evaluate (m, &e.val);
      e.scale = m->s.loss == FL_MATCH_LOSS_INFONCE ? fl_infonce_scale (*log_scale (m, m->proj)) : 0.0;
      e.seconds = (g_get_monotonic_time () - e0) / 1e6;
      if (fn != NULL)
        fn (&e, user_data);
    }
  return TRUE;
}

float *
fl_matcher_params (FlMatcher *m, gsize *n)
{
  if (n != NULL)
    *n = m->n_proj;
  return m->proj;
}

float *
fl_matcher_grads (FlMatcher *m, gsize *n)
{
  if (n != NULL)
    *n = m->n_proj;
  return m->dproj;
}

FlModel *
fl_matcher_model (FlMatcher *m)
{
  return m->run->model;
}

const FlMatchSettings *
fl_matcher_settings (FlMatcher *m)
{
  return &m->s;
}

FlRun *
fl_matcher_run (FlMatcher *m)
{
  return m->run;
}

gsize
fl_matcher_n_trained (FlMatcher *m)
{
  const FlBranch branch[N_PROJ] = { FL_BRANCH_IMAGE, FL_BRANCH_TEXT };
  FlModel *model = m->run->model;
  gsize n = m->s.loss == FL_MATCH_LOSS_INFONCE;   /* the log-scale */

  for (int k = 0; k < N_PROJ; k++)
    {
      FlParam first, last;

      if (!learns (m, k))
        continue;
      fl_branch_params (branch[k], &first, &last);
      for (int p = first; p <= (int) last; p++)
        n += fl_model_tensor (model, p)->numel;
      n += (gsize) m->E * m->D + m->E;
    }
  return n;
}
