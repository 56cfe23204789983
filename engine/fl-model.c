/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-model"

#include "fl-model.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (fl-engine-error-quark, fl_engine_error)

/* Activations of one batch, each a pointer into one block sized for `cap`
 * samples. Those marked (grad) are only allocated once backward runs. */
typedef struct {
  float  *c1;      /* (N,c1,S,S) after ReLU */
  float  *p1;      /* (N,c1,S/2,S/2) */
  gint32 *am1;     /* argmax of p1 */
  float  *c2;      /* (N,c2,S/2,S/2) after ReLU */
  float  *p2;      /* (N,c2,S/4,S/4) = the flattened image features */
  gint32 *am2;
  float  *a;       /* (N,D) image branch output */
  float  *t1;      /* (N,Ht) */
  float  *b;       /* (N,D) text branch output */
  float  *f;       /* (N,F) fused */
  float  *h;       /* (N,Hh) */
  float  *logits;  /* (N,C) */
  float  *probs;   /* (N,C) */
} Acts;

struct FlModel {
  FlConfig     cfg;
  FlTensorInfo tensors[FL_N_PARAMS];
  gsize        n_params;
  float       *params;   /* one block each: params, grads, m, v */
  float       *grads;
  float       *m;
  float       *v;
  gint64       t;        /* Adam steps taken */

  int          cap;      /* batch capacity of the workspaces */
  float       *act_block;
  Acts         act;
  float       *grad_block;
  Acts         dact;     /* the same layout, holding dL/d activation */
  float       *scratch;  /* im2col / col2im */
};

void
fl_config_init_default (FlConfig *cfg)
{
  *cfg = (FlConfig) {
    .image_size = 64,
    .conv1 = 32,
    .conv2 = 64,
    .feat_dim = 128,
    .text_hidden = 100,
    .head_hidden = 128,
    .vocab_size = 0,
    .n_classes = 0,
    .fusion = FL_FUSION_CONCAT,
  };
}

gboolean
fl_config_validate (const FlConfig *cfg, GError **error)
{
  const struct { const char *name; int value; int lo, hi; } checks[] = {
    { "image size", cfg->image_size, 4, 1024 },
    { "conv1 channels", cfg->conv1, 1, 4096 },
    { "conv2 channels", cfg->conv2, 1, 4096 },
    { "feature size D", cfg->feat_dim, 1, 65536 },
    { "text hidden size", cfg->text_hidden, 1, 65536 },
    { "head hidden size", cfg->head_hidden, 1, 65536 },
    { "vocabulary size", cfg->vocab_size, fl_fusion_uses_text (cfg->fusion) ? 1 : 0, 10000000 },
    { "number of classes", cfg->n_classes, 2, 100000 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (checks); i++)
    if (checks[i].value < checks[i].lo || checks[i].value > checks[i].hi)
      {
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                     "%s is %d; it must be between %d and %d",
                     checks[i].name, checks[i].value, checks[i].lo, checks[i].hi);
        return FALSE;
      }
  if (cfg->image_size % 4 != 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   "image size is %d; it must be a multiple of 4", cfg->image_size);
      return FALSE;
    }
  if ((guint) cfg->fusion >= FL_N_FUSIONS)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   "unknown fusion %d", (int) cfg->fusion);
      return FALSE;
    }
  return TRUE;
}

void
fl_adam_params_init_default (FlAdamParams *hp)
{
  *hp = (FlAdamParams) { .lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8 };
}

static void
set_tensor (FlTensorInfo *t, const char *name, gboolean used, int ndim,
            int d0, int d1, int d2, int d3)
{
  int dims[4] = { d0, d1, d2, d3 };

  t->name = name;
  t->ndim = ndim;
  t->numel = used ? 1 : 0;
  for (int i = 0; i < 4; i++)
    {
      t->shape[i] = i < ndim ? dims[i] : 1;
      if (i < ndim && used)
        t->numel *= dims[i];
    }
}

static void
layout_tensors (FlModel *model)
{
  const FlConfig *c = &model->cfg;
  gboolean img = fl_fusion_uses_image (c->fusion);
  gboolean txt = fl_fusion_uses_text (c->fusion);
  int s4 = c->image_size / 4;
  int flat = c->conv2 * s4 * s4;
  int F = fl_fusion_width (c->fusion, c->feat_dim);
  FlTensorInfo *t = model->tensors;

  set_tensor (&t[FL_P_CONV1_W], "conv1.weight", img, 4, c->conv1, 3, 3, 3);
  set_tensor (&t[FL_P_CONV1_B], "conv1.bias", img, 1, c->conv1, 0, 0, 0);
  set_tensor (&t[FL_P_CONV2_W], "conv2.weight", img, 4, c->conv2, c->conv1, 3, 3);
  set_tensor (&t[FL_P_CONV2_B], "conv2.bias", img, 1, c->conv2, 0, 0, 0);
  set_tensor (&t[FL_P_IMG_FC_W], "img_fc.weight", img, 2, c->feat_dim, flat, 0, 0);
  set_tensor (&t[FL_P_IMG_FC_B], "img_fc.bias", img, 1, c->feat_dim, 0, 0, 0);
  /* stored (V,Ht): the transpose of torch's Linear(V,Ht).weight */
  set_tensor (&t[FL_P_TXT_EMB_W], "txt_emb.weight", txt, 2, c->vocab_size, c->text_hidden, 0, 0);
  set_tensor (&t[FL_P_TXT_EMB_B], "txt_emb.bias", txt, 1, c->text_hidden, 0, 0, 0);
  set_tensor (&t[FL_P_TXT_FC_W], "txt_fc.weight", txt, 2, c->feat_dim, c->text_hidden, 0, 0);
  set_tensor (&t[FL_P_TXT_FC_B], "txt_fc.bias", txt, 1, c->feat_dim, 0, 0, 0);
  set_tensor (&t[FL_P_HEAD1_W], "head1.weight", TRUE, 2, c->head_hidden, F, 0, 0);
  set_tensor (&t[FL_P_HEAD1_B], "head1.bias", TRUE, 1, c->head_hidden, 0, 0, 0);
  set_tensor (&t[FL_P_HEAD2_W], "head2.weight", TRUE, 2, c->n_classes, c->head_hidden, 0, 0);
  set_tensor (&t[FL_P_HEAD2_B], "head2.bias", TRUE, 1, c->n_classes, 0, 0, 0);

  model->n_params = 0;
  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      t[p].offset = model->n_params;
      model->n_params += t[p].numel;
    }
}

/* fan_in of each weight as PyTorch computes it; biases use their weight's. */
static int
fan_in (const FlModel *model, FlParam p)
{
  const FlTensorInfo *w = &model->tensors[p & ~1];

  if (p == FL_P_TXT_EMB_W || p == FL_P_TXT_EMB_B)
    return model->cfg.vocab_size;   /* torch Linear(V, Ht): fan_in = V */
  return w->ndim == 4 ? w->shape[1] * w->shape[2] * w->shape[3] : w->shape[1];
}

void
fl_model_init_params (FlModel *model, guint64 seed)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed_array ((const guint32 *) &seed, 2);

  /* PyTorch's default: kaiming_uniform(a=√5) for weights, which is
   * U(-1/√fan_in, 1/√fan_in), and the same bound for biases. */
  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      const FlTensorInfo *t = &model->tensors[p];
      double bound = 1.0 / sqrt ((double) MAX (fan_in (model, p), 1));
      float *x = model->params + t->offset;
      for (gsize i = 0; i < t->numel; i++)
        x[i] = (float) g_rand_double_range (rng, -bound, bound);
    }
  memset (model->grads, 0, sizeof (float) * model->n_params);
  memset (model->m, 0, sizeof (float) * model->n_params);
  memset (model->v, 0, sizeof (float) * model->n_params);
  model->t = 0;
}

FlModel *
fl_model_new (const FlConfig *cfg, guint64 seed, GError **error)
{
  FlModel *model;

  g_return_val_if_fail (cfg != NULL, NULL);
  if (!fl_config_validate (cfg, error))
    return NULL;

  model = g_new0 (FlModel, 1);
  model->cfg = *cfg;
  layout_tensors (model);
  /* params, grads, m and v side by side in one allocation */
  model->params = g_new (float, 4 * MAX (model->n_params, 1));
  model->grads = model->params + model->n_params;
  model->m = model->grads + model->n_params;
  model->v = model->m + model->n_params;
  fl_model_init_params (model, seed);
  return model;
}

void
fl_model_free (FlModel *model)
{
  if (model == NULL)
    return;
  g_free (model->params);
  g_free (model->act_block);
  g_free (model->grad_block);
  g_free (model->scratch);
  g_free (model);
}

const FlConfig *
fl_model_config (const FlModel *model)
{
  return &model->cfg;
}

const FlTensorInfo *
fl_model_tensor (const FlModel *model, FlParam p)
{
  g_return_val_if_fail (p < FL_N_PARAMS, NULL);
  return &model->tensors[p];
}

gsize fl_model_n_params (const FlModel *model) { return model->n_params; }
float *fl_model_params (FlModel *model) { return model->params; }
float *fl_model_grads (FlModel *model) { return model->grads; }
float *fl_model_adam_m (FlModel *model) { return model->m; }
float *fl_model_adam_v (FlModel *model) { return model->v; }
gint64 fl_model_adam_step_count (const FlModel *model) { return model->t; }
void fl_model_set_adam_step_count (FlModel *model, gint64 t) { model->t = t; }

#define P(model, id) ((model)->params + (model)->tensors[id].offset)
#define G(model, id) ((model)->grads + (model)->tensors[id].offset)

/* Lays out an Acts for n samples inside block (or, with block NULL, only
 * counts). Returns the number of floats needed. gint32 and float share a size,
 * so argmax arrays live in the same block. */
static gsize
layout_acts (Acts *a, float *block, const FlConfig *c, int n)
{
  gboolean img = fl_fusion_uses_image (c->fusion);
  gboolean txt = fl_fusion_uses_text (c->fusion);
  gsize S = c->image_size, S2 = S / 2, S4 = S / 4;
  gsize used = 0;
  G_STATIC_ASSERT (sizeof (gint32) == sizeof (float));

#define TAKE(field, type, count) \
  do { a->field = block ? (type *) (block + used) : NULL; used += (count); } while (0)

  TAKE (c1, float, img ? n * c->conv1 * S * S : 0);
  TAKE (p1, float, img ? n * c->conv1 * S2 * S2 : 0);
  TAKE (am1, gint32, img ? n * c->conv1 * S2 * S2 : 0);
  TAKE (c2, float, img ? n * c->conv2 * S2 * S2 : 0);
  TAKE (p2, float, img ? n * c->conv2 * S4 * S4 : 0);
  TAKE (am2, gint32, img ? n * c->conv2 * S4 * S4 : 0);
  TAKE (a, float, img ? (gsize) n * c->feat_dim : 0);
  TAKE (t1, float, txt ? (gsize) n * c->text_hidden : 0);
  TAKE (b, float, txt ? (gsize) n * c->feat_dim : 0);
  TAKE (f, float, (gsize) n * fl_fusion_width (c->fusion, c->feat_dim));
  TAKE (h, float, (gsize) n * c->head_hidden);
  TAKE (logits, float, (gsize) n * c->n_classes);
  TAKE (probs, float, (gsize) n * c->n_classes);
#undef TAKE
  return used;
}

static void
ensure_capacity (FlModel *model, int n, gboolean with_grads)
{
  const FlConfig *c = &model->cfg;

  if (n > model->cap)
    {
      g_free (model->act_block);
      g_clear_pointer (&model->grad_block, g_free);
      model->act_block = g_new (float, layout_acts (&model->act, NULL, c, n));
      layout_acts (&model->act, model->act_block, c, n);
      if (model->scratch == NULL && fl_fusion_uses_image (c->fusion))
        {
          gsize s1 = fl_conv3x3_scratch_size (3, c->image_size, c->image_size);
          gsize s2 = fl_conv3x3_scratch_size (c->conv1, c->image_size / 2, c->image_size / 2);
          model->scratch = g_new (float, MAX (s1, s2));
        }
      model->cap = n;
    }
  if (with_grads && model->grad_block == NULL)
    {
      model->grad_block = g_new (float, layout_acts (&model->dact, NULL, c, model->cap));
      layout_acts (&model->dact, model->grad_block, c, model->cap);
    }
}

double
fl_model_forward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, S = c->image_size, S2 = S / 2, S4 = S / 4;
  const int D = c->feat_dim, F = fl_fusion_width (c->fusion, D);
  Acts *x;

  g_return_val_if_fail (N > 0, 0.0);
  ensure_capacity (model, N, FALSE);
  x = &model->act;

  if (fl_fusion_uses_image (c->fusion))
    {
      g_return_val_if_fail (batch->images != NULL, 0.0);
      fl_conv3x3_forward (x->c1, batch->images, P (model, FL_P_CONV1_W),
                          P (model, FL_P_CONV1_B), model->scratch, N, 3, S, S, c->conv1);
      fl_relu_forward (x->c1, (gsize) N * c->conv1 * S * S);
      fl_maxpool2_forward (x->p1, x->am1, x->c1, N, c->conv1, S, S);
      fl_conv3x3_forward (x->c2, x->p1, P (model, FL_P_CONV2_W),
                          P (model, FL_P_CONV2_B), model->scratch, N, c->conv1, S2, S2, c->conv2);
      fl_relu_forward (x->c2, (gsize) N * c->conv2 * S2 * S2);
      fl_maxpool2_forward (x->p2, x->am2, x->c2, N, c->conv2, S2, S2);
      fl_linear_forward (x->a, x->p2, P (model, FL_P_IMG_FC_W), P (model, FL_P_IMG_FC_B),
                         N, c->conv2 * S4 * S4, D);
      fl_relu_forward (x->a, (gsize) N * D);
    }
  if (fl_fusion_uses_text (c->fusion))
    {
      g_return_val_if_fail (batch->tok_off != NULL, 0.0);
      fl_embag_forward (x->t1, batch->tok_off, batch->tok_idx, P (model, FL_P_TXT_EMB_W),
                        P (model, FL_P_TXT_EMB_B), N, c->text_hidden);
      fl_relu_forward (x->t1, (gsize) N * c->text_hidden);
      fl_linear_forward (x->b, x->t1, P (model, FL_P_TXT_FC_W), P (model, FL_P_TXT_FC_B),
                         N, c->text_hidden, D);
      fl_relu_forward (x->b, (gsize) N * D);
    }
  fl_fusion_forward (x->f, x->a, x->b, c->fusion, N, D);
  fl_linear_forward (x->h, x->f, P (model, FL_P_HEAD1_W), P (model, FL_P_HEAD1_B),
                     N, F, c->head_hidden);
  fl_relu_forward (x->h, (gsize) N * c->head_hidden);
  fl_linear_forward (x->logits, x->h, P (model, FL_P_HEAD2_W), P (model, FL_P_HEAD2_B),
                     N, c->head_hidden, c->n_classes);

  if (batch->labels == NULL)
    {
      /* probabilities only; the labels are only needed for the loss */
      static const gint32 zero = 0;
      for (int n = 0; n < N; n++)
        fl_softmax_xent (x->probs + (gsize) n * c->n_classes, NULL,
                         x->logits + (gsize) n * c->n_classes, &zero, 1, c->n_classes);
      return 0.0;
    }
  return fl_softmax_xent (x->probs, NULL, x->logits, batch->labels, N, c->n_classes);
}

const float *
fl_model_logits (const FlModel *model)
{
  return model->act.logits;
}

const float *
fl_model_probs (const FlModel *model)
{
  return model->act.probs;
}

void
fl_model_backward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, S = c->image_size, S2 = S / 2, S4 = S / 4;
  const int D = c->feat_dim, F = fl_fusion_width (c->fusion, D);
  const int C = c->n_classes;
  Acts *x, *d;

  g_return_if_fail (batch->labels != NULL);
  g_return_if_fail (N <= model->cap);
  ensure_capacity (model, N, TRUE);
  x = &model->act;
  d = &model->dact;

  memset (model->grads, 0, sizeof (float) * model->n_params);

  /* dL/dlogits = (softmax - onehot) / N, from the probabilities of forward */
  for (int n = 0; n < N; n++)
    for (int k = 0; k < C; k++)
      d->logits[(gsize) n * C + k] =
        (x->probs[(gsize) n * C + k] - (k == batch->labels[n] ? 1.0f : 0.0f)) / N;

  fl_linear_backward (d->h, G (model, FL_P_HEAD2_W), G (model, FL_P_HEAD2_B),
                      d->logits, x->h, P (model, FL_P_HEAD2_W), N, c->head_hidden, C);
  fl_relu_backward (d->h, x->h, (gsize) N * c->head_hidden);
  fl_linear_backward (d->f, G (model, FL_P_HEAD1_W), G (model, FL_P_HEAD1_B),
                      d->h, x->f, P (model, FL_P_HEAD1_W), N, F, c->head_hidden);
  fl_fusion_backward (d->a, d->b, d->f, x->a, x->b, c->fusion, N, D);

  if (fl_fusion_uses_text (c->fusion))
    {
      fl_relu_backward (d->b, x->b, (gsize) N * D);
      fl_linear_backward (d->t1, G (model, FL_P_TXT_FC_W), G (model, FL_P_TXT_FC_B),
                          d->b, x->t1, P (model, FL_P_TXT_FC_W), N, c->text_hidden, D);
      fl_relu_backward (d->t1, x->t1, (gsize) N * c->text_hidden);
      fl_embag_backward (G (model, FL_P_TXT_EMB_W), G (model, FL_P_TXT_EMB_B),
                         d->t1, batch->tok_off, batch->tok_idx, N, c->text_hidden);
    }
  if (fl_fusion_uses_image (c->fusion))
    {
      fl_relu_backward (d->a, x->a, (gsize) N * D);
      fl_linear_backward (d->p2, G (model, FL_P_IMG_FC_W), G (model, FL_P_IMG_FC_B),
                          d->a, x->p2, P (model, FL_P_IMG_FC_W), N, c->conv2 * S4 * S4, D);
      fl_maxpool2_backward (d->c2, d->p2, x->am2, N, c->conv2, S2, S2);
      fl_relu_backward (d->c2, x->c2, (gsize) N * c->conv2 * S2 * S2);
      fl_conv3x3_backward (d->p1, G (model, FL_P_CONV2_W), G (model, FL_P_CONV2_B),
                           d->c2, x->p1, P (model, FL_P_CONV2_W), model->scratch,
                           N, c->conv1, S2, S2, c->conv2);
      fl_maxpool2_backward (d->c1, d->p1, x->am1, N, c->conv1, S, S);
      fl_relu_backward (d->c1, x->c1, (gsize) N * c->conv1 * S * S);
      fl_conv3x3_backward (NULL, G (model, FL_P_CONV1_W), G (model, FL_P_CONV1_B),
                           d->c1, batch->images, P (model, FL_P_CONV1_W), model->scratch,
                           N, 3, S, S, c->conv1);
    }
}

void
fl_model_adam_step (FlModel *model, const FlAdamParams *hp)
{
  float *p = model->params, *g = model->grads, *m = model->m, *v = model->v;
  const float b1 = (float) hp->beta1, b2 = (float) hp->beta2;
  const float c1 = (float) (1.0 - hp->beta1), c2 = (float) (1.0 - hp->beta2);
  const float eps = (float) hp->eps;
  double bc1, bc2;
  float step_size, bc2_sqrt;

  model->t++;
  /* exactly torch.optim.Adam (single-tensor path):
   *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
   *   p -= lr/(1-β1^t) · m / (√v / √(1-β2^t) + ε) */
  bc1 = 1.0 - pow (hp->beta1, (double) model->t);
  bc2 = 1.0 - pow (hp->beta2, (double) model->t);
  step_size = (float) (hp->lr / bc1);
  bc2_sqrt = (float) sqrt (bc2);
  for (gsize i = 0; i < model->n_params; i++)
    {
      m[i] = b1 * m[i] + c1 * g[i];
      v[i] = b2 * v[i] + c2 * g[i] * g[i];
      p[i] -= step_size * m[i] / (sqrtf (v[i]) / bc2_sqrt + eps);
    }
}
