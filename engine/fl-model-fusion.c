/* SPDX-License-Identifier: MIT
 *
 * The model's fusion of its branch vectors and its head (or, for late, a
 * head per branch and their vote), forward and backward, and what can be
 * seen inside: the features and the late route's weights.
 */
#define G_LOG_DOMAIN "fl-model"

#include "fl-model-private.h"

#include <math.h>
#include <string.h>

/* The parameters of each branch's part in the routes that have one:
 * gated's W_k, lowrank's factor, late's head. */
static const struct {
  FlParam gmu, lmf, late;
} parts[FL_N_BRANCHES] = {
  [FL_BRANCH_IMAGE] = { FL_P_GMU_V_W, FL_P_LMF_A, FL_P_LATE_IMG1_W },
  [FL_BRANCH_TEXT] = { FL_P_GMU_T_W, FL_P_LMF_B, FL_P_LATE_TXT1_W },
  [FL_BRANCH_AUDIO] = { FL_P_GMU_AUD_W, FL_P_LMF_AUD, FL_P_LATE_AUD1_W },
  [FL_BRANCH_NUMERIC] = { FL_P_GMU_NUM_W, FL_P_LMF_NUM, FL_P_LATE_NUM1_W },
};

/* A route's operands, one per branch the model has, in branch order:
 * pointers into the activations a (x, gh, lp, hl) and the parameters. */
typedef struct {
  int    K;
  float *x[FL_N_BRANCHES], *gh[FL_N_BRANCHES], *lp[FL_N_BRANCHES];
  float *hh[FL_N_BRANCHES], *hl[FL_N_BRANCHES], *hp[FL_N_BRANCHES];
  float *w[FL_N_BRANCHES], *b[FL_N_BRANCHES];   /* gmu W_k, b_k; or lmf factors */
} Operands;

/* An array of pointers, read only. */
#define RO(a) ((const float *const *) (a))

static Operands
operands (FlModel *model, Acts *a, float *block)
{
  Operands o = { .K = model->n_branches };
  gboolean lowrank = model->cfg.fusion == FL_FUSION_LOWRANK;

  for (int k = 0; k < o.K; k++)
    {
      FlBranch br = model->order[k];
      FlParam w = lowrank ? parts[br].lmf : parts[br].gmu;

      o.x[k] = a->x[br];
      o.gh[k] = a->gh[br];
      o.lp[k] = a->lp[br];
      o.hl[k] = a->hl[br];
      o.hh[k] = a->hh[br];
      o.hp[k] = a->hp[br];
      o.w[k] = block + model->tensors[w].offset;
      o.b[k] = lowrank ? NULL : block + model->tensors[w + 1].offset;
    }
  return o;
}

/* A head, linear(In→Hh) → ReLU → linear(Hh→C), whose first layer is w1
 * and second w1 + 2: in (N,In) → h (N,Hh) → logits (N,C). */
static void
head_forward (FlModel *model, float *logits, float *h, const float *in, FlParam w1, int N, int In)
{
  const FlConfig *c = &model->cfg;

  _fl_model_linear_forward (model, h, in, w1, N, In, c->head_hidden);
  fl_relu_forward (h, (gsize) N * c->head_hidden);
  _fl_model_linear_forward (model, logits, h, w1 + 2, N, c->head_hidden, c->n_classes);
}

/* f from the branch vectors, then the logits: through the shared head, or
 * for late through each branch's head and the vote of them. */
void
_fl_model_fuse_forward (FlModel *model, int N)
{
  const FlConfig *c = &model->cfg;
  const int D = c->feat_dim;
  Acts *x = &model->act;
  Operands o = operands (model, x, model->params);
  float w[FL_N_BRANCHES];

  if (c->fusion == FL_FUSION_GATED)
    fl_gmu_forward (x->f, o.gh, x->gz, RO (o.x), RO (o.w), RO (o.b), P (model, FL_P_GMU_Z_W),
                    P (model, FL_P_GMU_Z_B), o.K, N, D);
  else if (c->fusion == FL_FUSION_LOWRANK)
    fl_lmf_forward (x->f, o.lp, RO (o.x), RO (o.w), o.K, N, D, c->rank);
  else
    fl_fusion_forward (x->f, RO (o.x), o.K, c->fusion, N, D);

  if (c->fusion != FL_FUSION_LATE)
    {
      head_forward (model, x->logits, x->h, x->f, FL_P_HEAD1_W, N,
                    fl_fusion_width (c->fusion, o.K, D));
      return;
    }
  for (int k = 0; k < o.K; k++)
    head_forward (model, o.hl[k], o.hh[k], o.x[k], parts[model->order[k]].late, N, D);
  fl_late_forward (x->logits, w, RO (o.hl), P (model, FL_P_LATE_ALPHA), o.K,
                   N, c->n_classes);
}

double
_fl_model_late_objective (FlModel *model, const gint32 *labels, int N, double loss)
{
  Operands o = operands (model, &model->act, model->params);

  /* the heads' own probabilities and losses, the auxiliary terms */
  for (int k = 0; k < o.K; k++)
    loss += fl_softmax_xent (o.hp[k], NULL, o.hl[k], labels, N, model->cfg.n_classes);
  return loss;
}

/* dlogits (N,C) = (probs - onehot(labels)) / N: d(mean cross-entropy) */
static void
xent_grad (float *dlogits, const float *probs, const gint32 *labels, int N, int C)
{
  for (int n = 0; n < N; n++)
    for (int k = 0; k < C; k++)
      dlogits[(gsize) n * C + k] = (probs[(gsize) n * C + k] - (k == labels[n] ? 1.0f : 0.0f)) / N;
}

/* The adjoint of head_forward: din (N,In) from dlogits (N,C), with dh (N,Hh)
 * for the hidden layer's gradient. */
static void
head_backward (FlModel *model, float *din, float *dh, const float *dlogits, const float *in,
               const float *h, FlParam w1, int N, int In)
{
  const FlConfig *c = &model->cfg;

  _fl_model_linear_backward (model, dh, dlogits, h, w1 + 2, N, c->head_hidden, c->n_classes);
  fl_relu_backward (dh, h, (gsize) N * c->head_hidden);
  _fl_model_linear_backward (model, din, dh, in, w1, N, In, c->head_hidden);
}

/* late: from d fused logits to each dx_k through the vote and each head,
 * each head's logits taking its own cross-entropy's gradient as well. */
static void
late_backward (FlModel *model, const gint32 *labels, int N)
{
  const int C = model->cfg.n_classes, D = model->cfg.feat_dim;
  Operands x = operands (model, &model->act, model->params);
  Operands d = operands (model, &model->dact, model->params);

  fl_late_backward (d.hl, G (model, FL_P_LATE_ALPHA), model->dact.logits, RO (x.hl), P (model, FL_P_LATE_ALPHA), x.K, N, C);
  /* loss = CE(fused) + Σ_k CE(head k) */
  for (int k = 0; k < x.K; k++)
    xent_grad (d.hp[k], x.hp[k], labels, N, C);
  for (gsize i = 0; i < (gsize) N * C; i++)
    for (int k = 0; k < x.K; k++)
      d.hl[k][i] += d.hp[k][i];
  for (int k = 0; k < x.K; k++)
    head_backward (model, d.x[k], d.hh[k], d.hl[k], x.x[k], x.hh[k],
                   parts[model->order[k]].late, N, D);
}

/* From d logits to each dx_k (N,D), through the head and the fusion. */
void
_fl_model_fuse_backward (FlModel *model, const gint32 *labels, int N)
{
  const FlConfig *c = &model->cfg;
  const int D = c->feat_dim;
  Acts *x = &model->act, *d = &model->dact;
  Operands ox, od, g;

  xent_grad (d->logits, x->probs, labels, N, c->n_classes);
  if (c->fusion == FL_FUSION_LATE)
    {
      late_backward (model, labels, N);
      return;
    }
  ox = operands (model, x, model->params);
  od = operands (model, d, model->params);
  g = operands (model, d, model->grads);   /* the parameters' gradients */
  head_backward (model, d->f, d->h, d->logits, x->f, x->h, FL_P_HEAD1_W, N,
                 fl_fusion_width (c->fusion, ox.K, D));
  if (c->fusion == FL_FUSION_GATED)
    fl_gmu_backward (od.x, g.w, g.b, G (model, FL_P_GMU_Z_W), G (model, FL_P_GMU_Z_B), d->f,
                     RO (ox.x), RO (ox.gh), x->gz, RO (ox.w), P (model, FL_P_GMU_Z_W), ox.K, N, D);
  else if (c->fusion == FL_FUSION_LOWRANK)
    fl_lmf_backward (od.x, g.w, d->f, RO (ox.x), RO (ox.lp), RO (ox.w), ox.K, N, D, c->rank);
  else
    fl_fusion_backward (od.x, d->f, RO (ox.x), ox.K, c->fusion, N, D);
}

FlFeatureKind
fl_branch_feature (FlBranch branch)
{
  static const FlFeatureKind kinds[FL_N_BRANCHES] = {
    FL_FEATURE_IMAGE, FL_FEATURE_TEXT, FL_FEATURE_AUDIO, FL_FEATURE_NUMERIC,
  };

  g_return_val_if_fail ((guint) branch < FL_N_BRANCHES, FL_FEATURE_IMAGE);
  return kinds[branch];
}

int
fl_config_feature_dim (const FlConfig *cfg, FlFeatureKind kind)
{
  int K = fl_branches_count (fl_config_branches (cfg));

  switch (kind)
    {
    case FL_FEATURE_IMAGE:
      return fl_config_has_branch (cfg, FL_BRANCH_IMAGE) ? cfg->feat_dim : 0;
    case FL_FEATURE_TEXT:
      return fl_config_has_branch (cfg, FL_BRANCH_TEXT) ? cfg->feat_dim : 0;
    case FL_FEATURE_AUDIO:
      return fl_config_has_branch (cfg, FL_BRANCH_AUDIO) ? cfg->feat_dim : 0;
    case FL_FEATURE_NUMERIC:
      return fl_config_has_branch (cfg, FL_BRANCH_NUMERIC) ? cfg->feat_dim : 0;
    case FL_FEATURE_FUSED:
      return fl_fusion_width (cfg->fusion, K, cfg->feat_dim);
    case FL_FEATURE_GATE:
      return cfg->fusion == FL_FUSION_GATED ? (K - 1) * cfg->feat_dim : 0;
    default:
      g_return_val_if_reached (0);
    }
}

const float *
fl_model_features (const FlModel *model, FlFeatureKind kind, int *dim)
{
  const Acts *a = &model->act;
  const float *x[FL_N_FEATURES] = {
    [FL_FEATURE_IMAGE] = a->x[FL_BRANCH_IMAGE], [FL_FEATURE_TEXT] = a->x[FL_BRANCH_TEXT],
    [FL_FEATURE_FUSED] = a->f, [FL_FEATURE_GATE] = a->gz,
    [FL_FEATURE_AUDIO] = a->x[FL_BRANCH_AUDIO], [FL_FEATURE_NUMERIC] = a->x[FL_BRANCH_NUMERIC],
  };
  int d;

  g_return_val_if_fail ((guint) kind < FL_N_FEATURES, NULL);
  /* before a forward, or for an absent branch, act holds NULL */
  d = x[kind] != NULL ? fl_config_feature_dim (&model->cfg, kind) : 0;
  if (dim != NULL)
    *dim = d;
  return d > 0 ? x[kind] : NULL;
}

int
fl_model_late_weights (const FlModel *model, float w[FL_N_BRANCHES])
{
  g_return_val_if_fail (model != NULL, 0);
  if (model->cfg.fusion != FL_FUSION_LATE)
    return 0;
  /* the softmax of fl_late_forward() */
  fl_late_weights (w, model->params + model->tensors[FL_P_LATE_ALPHA].offset, model->n_branches);
  return model->n_branches;
}
