/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-model"

#include "fl-model-private.h"
#include "fl-i18n.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (fl-engine-error-quark, fl_engine_error)


/* fan_in of each weight as PyTorch computes it; biases use their weight's. */
static int
fan_in (const FlModel *model, FlParam p)
{
  const FlTensorInfo *t = &model->tensors[p];
  /* a bias follows its weight */
  const FlTensorInfo *w = g_str_has_suffix (t->name, ".bias") ? t - 1 : t;

  if (p == FL_P_TXT_EMB_W || p == FL_P_TXT_EMB_B)
    return model->cfg.vocab_size;   /* torch Linear(V, Ht): fan_in = V */
  if (p >= FL_P_TXT_GRU_W_IH && p <= FL_P_TXT_GRU_B_HH)
    return model->cfg.feat_dim;     /* nn.GRU: U(-1/√hidden, 1/√hidden) for all four */
  if (w->ndim == 3)
    return w->shape[2];             /* an LMF factor (R,D,D+1): D+1 */
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
      /* late's α starts at 0: an even vote of the heads */
      double bound = p == FL_P_LATE_ALPHA ? 0.0 : 1.0 / sqrt ((double) MAX (fan_in (model, p), 1));
      /* the gru's embedding is a lookup, nn.Embedding's N(0, 1) in variance
       * (drawn uniform, as the rest): U(-1/√V, 1/√V) would feed the GRU
       * inputs a hundred times smaller than its states */
      if (p == FL_P_TXT_EMB_W && model->cfg.text_encoder == FL_TEXT_GRU)
        bound = sqrt (3.0);
      float *x = model->params + t->offset;
      for (gsize i = 0; i < t->numel; i++)
        x[i] = (float) g_rand_double_range (rng, -bound, bound);
    }
  /* an inference model has no gradients or moments */
  if (model->grads != NULL)
    {
      memset (model->grads, 0, sizeof (float) * model->n_params);
      memset (model->m, 0, sizeof (float) * model->n_params);
      memset (model->v, 0, sizeof (float) * model->n_params);
    }
  model->t = 0;
}

/* A model of cfg with its parameter block laid out but not allocated;
 * NULL with error if cfg is invalid or too large. */
static FlModel *
model_alloc (const FlConfig *cfg, GError **error)
{
  FlModel *model;

  g_return_val_if_fail (cfg != NULL, NULL);
  if (!fl_config_validate (cfg, error))
    return NULL;

  model = g_new0 (FlModel, 1);
  model->cfg = *cfg;
  model->branches = fl_config_branches (cfg);
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (model->branches & FL_BRANCH_BIT (b))
      model->order[model->n_branches++] = b;
  model->n_params = fl_model_layout (cfg, model->tensors);
  if (model->n_params >= G_MAXINT32)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("the model would have %zu parameters, more than 2³¹"), model->n_params);
      g_free (model);
      return NULL;
    }
  return model;
}

FlModel *
fl_model_new (const FlConfig *cfg, guint64 seed, GError **error)
{
  FlModel *model = model_alloc (cfg, error);

  if (model == NULL)
    return NULL;
  /* params, grads, m and v side by side in one allocation */
  model->params = g_new (float, 4 * MAX (model->n_params, 1));
  model->grads = model->params + model->n_params;
  model->m = model->grads + model->n_params;
  model->v = model->m + model->n_params;
  fl_model_init_params (model, seed);
  return model;
}

FlModel *
fl_model_new_inference (const FlConfig *cfg, GError **error)
{
  FlModel *model = model_alloc (cfg, error);

  if (model == NULL)
    return NULL;
  /* a quarter of a trainable model: no gradients, no Adam moments */
  model->params = g_new0 (float, MAX (model->n_params, 1));
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
  g_free (model->partial);
  g_free (model->lin_partial);
  g_clear_pointer (&model->pool, fl_pool_free);
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

static int
n_threads (const FlModel *model)
{
  return model->pool != NULL ? fl_pool_n_threads (model->pool) : 1;
}

void
fl_model_set_threads (FlModel *model, int threads)
{
  if (threads <= 0)
    threads = (int) g_get_num_processors ();
  /* OpenBLAS runs single-threaded inside the engine's own tasks */
  openblas_set_num_threads (1);
  if (threads == n_threads (model))
    return;
  g_clear_pointer (&model->pool, fl_pool_free);
  if (threads > 1)
    model->pool = fl_pool_new (threads);
  /* workspaces are per thread: lay them out again on the next batch */
  g_clear_pointer (&model->scratch, g_free);
  g_clear_pointer (&model->partial, g_free);
}

int
fl_model_get_threads (const FlModel *model)
{
  return n_threads (model);
}

void
_fl_model_run_tasks (FlModel *model, FlTaskFunc fn, gpointer data)
{
  if (model->pool != NULL)
    fl_pool_run (model->pool, fn, data);
  else
    fn (0, 1, data);
}

static void
ensure_capacity (FlModel *model, int n, gboolean with_grads)
{
  const FlConfig *c = &model->cfg;
  gsize partial = _fl_model_partial_size (model);

  if (n > model->cap)
    {
      g_free (model->act_block);
      g_clear_pointer (&model->grad_block, g_free);
      model->act_block = g_new (float, _fl_model_layout_acts (&model->act, NULL, c, n));
      _fl_model_layout_acts (&model->act, model->act_block, c, n);
      model->cap = n;
    }
  if (model->scratch == NULL && partial > 0)
    {
      model->scratch_per_thread = _fl_model_scratch_size (model);
      model->scratch = g_new (float, model->scratch_per_thread * n_threads (model));
    }
  if (with_grads && model->partial == NULL && partial > 0)
    {
      model->partial_size = partial;
      model->partial = g_new (float, model->partial_size * (FL_CHUNKS - 1));
    }
  if (with_grads && model->grad_block == NULL)
    {
      model->grad_block = g_new (float, _fl_model_layout_acts (&model->dact, NULL, c, model->cap));
      _fl_model_layout_acts (&model->dact, model->grad_block, c, model->cap);
    }
}

double
fl_model_forward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, C = c->n_classes;
  double loss;
  Acts *x;

  g_return_val_if_fail (N > 0, 0.0);
  ensure_capacity (model, N, FALSE);
  x = &model->act;

  if (!_fl_model_branches_forward (model, batch, FL_BRANCHES_ALL))
    return 0.0;
  _fl_model_fuse_forward (model, N);

  if (batch->labels == NULL)
    {
      /* probabilities only; the labels are only needed for the loss */
      static const gint32 zero = 0;
      for (int n = 0; n < N; n++)
        fl_softmax_xent (x->probs + (gsize) n * C, NULL, x->logits + (gsize) n * C, &zero, 1, C);
      return 0.0;
    }
  loss = fl_softmax_xent (x->probs, NULL, x->logits, batch->labels, N, C);
  model->objective = loss;
  if (c->fusion == FL_FUSION_LATE)
    model->objective = _fl_model_late_objective (model, batch->labels, N, loss);
  return loss;
}

double
fl_model_objective (const FlModel *model)
{
  return model->objective;
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
  const int N = batch->n;

  g_return_if_fail (model->grads != NULL);
  g_return_if_fail (batch->labels != NULL);
  g_return_if_fail (N <= model->cap);
  ensure_capacity (model, N, TRUE);

  memset (model->grads, 0, sizeof (float) * model->n_params);
  _fl_model_fuse_backward (model, batch->labels, N);
  _fl_model_branches_backward (model, batch);
}

gboolean
fl_model_forward_branches (FlModel *model, const FlBatch *batch)
{
  return fl_model_forward_branch_set (model, batch, FL_BRANCHES_ALL);
}

gboolean
fl_model_forward_branch_set (FlModel *model, const FlBatch *batch, guint branches)
{
  g_return_val_if_fail (batch->n > 0 && batch->drop == NULL, FALSE);
  ensure_capacity (model, batch->n, FALSE);
  return _fl_model_branches_forward (model, batch, branches);
}

void
fl_model_backward_branches (FlModel *model, const FlBatch *batch, const float *const dx[FL_N_BRANCHES])
{
  const int N = batch->n, D = model->cfg.feat_dim;

  g_return_if_fail (model->grads != NULL);
  g_return_if_fail (N <= model->cap);
  ensure_capacity (model, N, TRUE);

  memset (model->grads, 0, sizeof (float) * model->n_params);
  for (int k = 0; k < model->n_branches; k++)
    {
      FlBranch b = model->order[k];

      g_return_if_fail (dx[b] != NULL);
      memcpy (model->dact.x[b], dx[b], sizeof (float) * (gsize) N * D);
    }
  _fl_model_branches_backward (model, batch);
}

void
fl_branch_params (FlBranch branch, FlParam *first, FlParam *last)
{
  static const FlParam range[FL_N_BRANCHES][2] = {
    [FL_BRANCH_IMAGE] = { FL_P_CONV1_W, FL_P_IMG_FC_B },
    [FL_BRANCH_TEXT] = { FL_P_TXT_EMB_W, FL_P_TXT_GRU_B_HH },
    [FL_BRANCH_AUDIO] = { FL_P_AUD_CONV1_W, FL_P_AUD_FC_B },
    [FL_BRANCH_NUMERIC] = { FL_P_NUM_FC1_W, FL_P_NUM_FC2_B },
  };

  g_return_if_fail ((guint) branch < FL_N_BRANCHES);
  *first = range[branch][0];
  *last = range[branch][1];
}

void
fl_model_set_frozen (FlModel *model, guint branches)
{
  g_return_if_fail ((branches & ~FL_BRANCHES_ALL) == 0);
  model->frozen = branches & model->branches;
}

guint
fl_model_get_frozen (const FlModel *model)
{
  return model->frozen;
}

typedef struct {
  FlModel *model;
  float    b1, b2, c1, c2, eps, step_size, bc2_sqrt;
  /* the trainable intervals of the block: frozen branches cut them out */
  int      n_spans;
  int      span[FL_N_BRANCHES + 1][2];
} AdamJob;

static void
adam_task (int t, int nt, gpointer data)
{
  AdamJob *j = data;
  FlModel *model = j->model;
  float *p = model->params, *g = model->grads, *m = model->m, *v = model->v;
  int lo, hi;

  /* n_params < 2^31 is checked in fl_model_new */
  fl_share ((int) model->n_params, t, nt, &lo, &hi);
  for (int k = 0; k < j->n_spans; k++)
    for (int i = MAX (lo, j->span[k][0]); i < MIN (hi, j->span[k][1]); i++)
      {
        m[i] = j->b1 * m[i] + j->c1 * g[i];
        v[i] = j->b2 * v[i] + j->c2 * g[i] * g[i];
        p[i] -= j->step_size * m[i] / (sqrtf (v[i]) / j->bc2_sqrt + j->eps);
      }
}

/* The block less the frozen branches, whose tensors are one contiguous
 * run each (fl_branch_params()), as intervals in offset order. */
static void
adam_spans (const FlModel *model, AdamJob *job)
{
  int from = 0;
  int cut[FL_N_BRANCHES][2], n_cut = 0;

  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (model->frozen & FL_BRANCH_BIT (b))
      {
        FlParam first, last;

        fl_branch_params (b, &first, &last);
        /* in offset order: the branches' runs of FlParam come in branch order */
        cut[n_cut][0] = (int) model->tensors[first].offset;
        cut[n_cut++][1] = (int) (model->tensors[last].offset + model->tensors[last].numel);
      }
  job->n_spans = 0;
  for (int k = 0; k <= n_cut; k++)
    {
      int to = k < n_cut ? cut[k][0] : (int) model->n_params;
      if (to > from)
        {
          job->span[job->n_spans][0] = from;
          job->span[job->n_spans++][1] = to;
        }
      if (k < n_cut)
        from = cut[k][1];
    }
}

void
fl_model_adam_step (FlModel *model, const FlAdamParams *hp)
{
  AdamJob job = { .model = model };

  g_return_if_fail (model->grads != NULL);
  model->t++;
  /* exactly torch.optim.Adam (single-tensor path):
   *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
   *   p -= lr/(1-β1^t) · m / (√v / √(1-β2^t) + ε)
   * with 1-β formed in double, then rounded, as torch's kernels get it */
  job.b1 = (float) hp->beta1;
  job.b2 = (float) hp->beta2;
  job.c1 = (float) (1.0 - hp->beta1);
  job.c2 = (float) (1.0 - hp->beta2);
  job.eps = (float) hp->eps;
  job.step_size = (float) (hp->lr / (1.0 - pow (hp->beta1, (double) model->t)));
  job.bc2_sqrt = (float) sqrt (1.0 - pow (hp->beta2, (double) model->t));
  adam_spans (model, &job);
  _fl_model_run_tasks (model, adam_task, &job);
}
