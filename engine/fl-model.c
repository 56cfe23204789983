/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-model"

#include "fl-model.h"
#include "fl-parallel.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (fl-engine-error-quark, fl_engine_error)

/* Activations of one batch, each a pointer into one block sized for `cap`
 * samples. Those marked (grad) are only allocated once backward runs. */
typedef struct {
  float  *c1;      /* (N,c1,S,S) conv output */
  float  *p1;      /* (N,c1,S/2,S/2) pooled, after ReLU */
  gint32 *am1;     /* argmax of p1 */
  float  *c2;      /* (N,c2,S/2,S/2) conv output */
  float  *p2;      /* (N,c2,S/4,S/4) pooled, after ReLU: the flattened features */
  gint32 *am2;
  float  *a;       /* (N,D) image branch output */
  float  *t1;      /* (N,Ht) */
  float  *b;       /* (N,D) text branch output */
  float  *gv;      /* gated: (N,D) h_v = tanh(W_v a) */
  float  *gt;      /*        (N,D) h_t = tanh(W_t b) */
  float  *gz;      /*        (N,D) z = σ(W_z [a; b]) */
  float  *pa;      /* lowrank: (R,N,D) W_r^a [a;1] */
  float  *pb;      /*          (R,N,D) W_r^b [b;1] */
  float  *f;       /* (N,F) fused */
  float  *h;       /* (N,Hh), but for late */
  float  *hi;      /* late: (N,Hh) the image head's hidden layer */
  float  *ht;      /*       (N,Hh) the text head's */
  float  *li;      /*       (N,C) the image head's logits */
  float  *lt;      /*       (N,C) the text head's */
  float  *pi;      /*       (N,C) softmax(li) */
  float  *pt;      /*       (N,C) softmax(lt) */
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
  double       objective; /* the training loss of the last forward with labels */

  int          cap;      /* batch capacity of the workspaces */
  float       *act_block;
  Acts         act;
  float       *grad_block;
  Acts         dact;     /* the same layout, holding dL/d activation */
  FlPool      *pool;     /* the batch is split across its threads */
  gsize        scratch_per_thread;
  float       *scratch;  /* im2col / col2im, one slice per thread */
  gsize        partial_size;
  float       *partial;  /* conv dw/db of batch slices 1.., summed after backward */
};

/* Floats the forward pass of one sample needs, at most: the reference
 * model at S = 1024 needs 76 M (300 MB); 4096 channels of 1024² maps,
 * which each size's own range allows, would need 16 GB. */
#define MAX_ACTIVATIONS ((gsize) 1 << 27)

static gsize layout_acts (Acts *a, float *block, const FlConfig *c, int n);

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
    .rank = 8,
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
    /* only lowrank has a rank: other configs may leave it 0 */
    { "rank", cfg->rank, cfg->fusion == FL_FUSION_LOWRANK ? 1 : 0, 1024 },
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
  if (fl_config_activations (cfg) > MAX_ACTIVATIONS)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   "the model's layers would take %zu MB a sample; at most %zu MB",
                   fl_config_activations (cfg) >> 18, MAX_ACTIVATIONS >> 18);
      return FALSE;
    }
  return TRUE;
}

gsize
fl_config_activations (const FlConfig *cfg)
{
  Acts unused;

  return layout_acts (&unused, NULL, cfg, 1);
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

/* A layer's weight t[0], (d0, d1, d2, d3) over ndim dims, and its bias t[1],
 * (d0): one value per output. */
static void
set_layer (FlTensorInfo *t, const char *weight, const char *bias, gboolean used, int ndim,
           int d0, int d1, int d2, int d3)
{
  set_tensor (&t[0], weight, used, ndim, d0, d1, d2, d3);
  set_tensor (&t[1], bias, used, 1, d0, 0, 0, 0);
}

gsize
fl_model_layout (const FlConfig *cfg, FlTensorInfo tensors[FL_N_PARAMS])
{
  const FlConfig *c = cfg;
  gsize n_params = 0;
  gboolean img = fl_fusion_uses_image (c->fusion);
  gboolean txt = fl_fusion_uses_text (c->fusion);
  int s4 = c->image_size / 4;
  int flat = c->conv2 * s4 * s4;
  int D = c->feat_dim, F = fl_fusion_width (c->fusion, D);
  gboolean gated = c->fusion == FL_FUSION_GATED, late = c->fusion == FL_FUSION_LATE;
  gboolean lowrank = c->fusion == FL_FUSION_LOWRANK;
  FlTensorInfo *t = tensors;

  /* the new routes' tensors come after the first five's, so those keep
   * their offsets and draw their initial values in the same order */
  set_layer (&t[FL_P_CONV1_W], "conv1.weight", "conv1.bias", img, 4, c->conv1, 3, 3, 3);
  set_layer (&t[FL_P_CONV2_W], "conv2.weight", "conv2.bias", img, 4, c->conv2, c->conv1, 3, 3);
  set_layer (&t[FL_P_IMG_FC_W], "img_fc.weight", "img_fc.bias", img, 2, c->feat_dim, flat, 0, 0);
  /* stored (V,Ht), the transpose of torch's Linear(V,Ht).weight: its bias
   * is (Ht), the weight's second size, not set_layer()'s first */
  set_tensor (&t[FL_P_TXT_EMB_W], "txt_emb.weight", txt, 2, c->vocab_size, c->text_hidden, 0, 0);
  set_tensor (&t[FL_P_TXT_EMB_B], "txt_emb.bias", txt, 1, c->text_hidden, 0, 0, 0);
  set_layer (&t[FL_P_TXT_FC_W], "txt_fc.weight", "txt_fc.bias", txt, 2, c->feat_dim, c->text_hidden, 0, 0);
  set_layer (&t[FL_P_HEAD1_W], "head1.weight", "head1.bias", !late, 2, c->head_hidden, F, 0, 0);
  set_layer (&t[FL_P_HEAD2_W], "head2.weight", "head2.bias", !late, 2, c->n_classes, c->head_hidden, 0, 0);
  set_layer (&t[FL_P_GMU_V_W], "gmu_v.weight", "gmu_v.bias", gated, 2, D, D, 0, 0);
  set_layer (&t[FL_P_GMU_T_W], "gmu_t.weight", "gmu_t.bias", gated, 2, D, D, 0, 0);
  set_layer (&t[FL_P_GMU_Z_W], "gmu_z.weight", "gmu_z.bias", gated, 2, D, 2 * D, 0, 0);
  set_tensor (&t[FL_P_LMF_A], "lmf_a.weight", lowrank, 3, c->rank, D, D + 1, 0);
  set_tensor (&t[FL_P_LMF_B], "lmf_b.weight", lowrank, 3, c->rank, D, D + 1, 0);
  set_layer (&t[FL_P_LATE_IMG1_W], "late_img1.weight", "late_img1.bias", late, 2, c->head_hidden, D, 0, 0);
  set_layer (&t[FL_P_LATE_IMG2_W], "late_img2.weight", "late_img2.bias", late, 2, c->n_classes, c->head_hidden, 0, 0);
  set_layer (&t[FL_P_LATE_TXT1_W], "late_txt1.weight", "late_txt1.bias", late, 2, c->head_hidden, D, 0, 0);
  set_layer (&t[FL_P_LATE_TXT2_W], "late_txt2.weight", "late_txt2.bias", late, 2, c->n_classes, c->head_hidden, 0, 0);
  set_tensor (&t[FL_P_LATE_ALPHA], "late_alpha", late, 1, 2, 0, 0, 0);

  for (int p = 0; p < FL_N_PARAMS; p++)
    {
      t[p].offset = n_params;
      n_params += t[p].numel;
    }
  return n_params;
}

/* fan_in of each weight as PyTorch computes it; biases use their weight's. */
static int
fan_in (const FlModel *model, FlParam p)
{
  const FlTensorInfo *w = &model->tensors[p & ~1];

  if (p == FL_P_TXT_EMB_W || p == FL_P_TXT_EMB_B)
    return model->cfg.vocab_size;   /* torch Linear(V, Ht): fan_in = V */
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
      /* late's α starts at 0: an even vote of the two heads */
      double bound = p == FL_P_LATE_ALPHA ? 0.0 : 1.0 / sqrt ((double) MAX (fan_in (model, p), 1));
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
  model->n_params = fl_model_layout (cfg, model->tensors);
  if (model->n_params >= G_MAXINT32)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   "the model would have %zu parameters, more than 2³¹", model->n_params);
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
  gboolean gated = c->fusion == FL_FUSION_GATED, late = c->fusion == FL_FUSION_LATE;
  gboolean lowrank = c->fusion == FL_FUSION_LOWRANK;
  gsize S = c->image_size, S2 = S / 2, S4 = S / 4;
  gsize nD = (gsize) n * c->feat_dim, nH = (gsize) n * c->head_hidden, nC = (gsize) n * c->n_classes;
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
  TAKE (gv, float, gated ? nD : 0);
  TAKE (gt, float, gated ? nD : 0);
  TAKE (gz, float, gated ? nD : 0);
  TAKE (pa, float, lowrank ? nD * c->rank : 0);
  TAKE (pb, float, lowrank ? nD * c->rank : 0);
  TAKE (f, float, (gsize) n * fl_fusion_width (c->fusion, c->feat_dim));
  TAKE (h, float, late ? 0 : nH);
  TAKE (hi, float, late ? nH : 0);
  TAKE (ht, float, late ? nH : 0);
  TAKE (li, float, late ? nC : 0);
  TAKE (lt, float, late ? nC : 0);
  TAKE (pi, float, late ? nC : 0);
  TAKE (pt, float, late ? nC : 0);
  TAKE (logits, float, nC);
  TAKE (probs, float, nC);
#undef TAKE
  return used;
}

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

static void
run_tasks (FlModel *model, FlTaskFunc fn, gpointer data)
{
  if (model->pool != NULL)
    fl_pool_run (model->pool, fn, data);
  else
    fn (0, 1, data);
}


/* Linear layers run whole on the calling thread: splitting a product
 * changes OpenBLAS's tiling and with it the last bits of the sums, and these
 * layers are under a tenth of the work. */
static void
linear_forward (FlModel *model, float *out, const float *in, FlParam w, int N, int In, int Out)
{
  fl_linear_forward (out, in, P (model, w), P (model, w + 1), N, In, Out);
}

static void
linear_backward (FlModel *model, float *din, const float *dout, const float *in, FlParam w,
                 int N, int In, int Out)
{
  fl_linear_backward (din, G (model, w), G (model, w + 1), dout, in, P (model, w), N, In, Out);
}

/* The batch is cut into FL_CHUNKS fixed slices, taken by the tasks in turn
 * (task t takes slices t, t+nt, …). Forward and backward must use the same
 * slices: max-pool arg-max indices are relative to a slice's start. Conv
 * gradients are summed per slice, each into its own block, and the blocks
 * added in slice order, so the result is the same bits whatever the number
 * of threads. */
#define FL_CHUNKS 8

/* Works on the samples [lo, lo+n) of the batch, slice k (n > 0), with one
 * thread's scratch. */
typedef void (*SliceFunc) (FlModel *model, const FlBatch *batch, float *scratch,
                           int k, int lo, int n);

typedef struct {
  FlModel       *model;
  const FlBatch *batch;
  SliceFunc      fn;
} Job;

/* Task t of nt: fn on each of its slices that is not empty. */
static void
slices_task (int t, int nt, gpointer data)
{
  Job *j = data;
  float *scratch = j->model->scratch + t * j->model->scratch_per_thread;

  for (int k = t; k < FL_CHUNKS; k += nt)
    {
      int lo, hi;

      fl_share (j->batch->n, k, FL_CHUNKS, &lo, &hi);
      if (hi > lo)
        j->fn (j->model, j->batch, scratch, k, lo, hi - lo);
    }
}

/* fn on every slice of the batch, across the pool's threads. */
static void
run_slices (FlModel *model, const FlBatch *batch, SliceFunc fn)
{
  Job job = { model, batch, fn };

  run_tasks (model, slices_task, &job);
}

/* The conv part of the image branch for one slice of the batch:
 * conv → pool → ReLU → conv → pool → ReLU. Max-pooling commutes with the
 * ReLU (max is monotone), so pooling first gives the SPEC's conv → ReLU →
 * pool exactly, with the ReLU over a map four times smaller, forward and
 * backward; c1 and c2 hold the raw conv outputs. */
static void
image_forward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  const FlConfig *c = &model->cfg;
  const int S = c->image_size, S2 = S / 2, S4 = S / 4, c1 = c->conv1, c2 = c->conv2;
  Acts *x = &model->act;

  fl_conv3x3_forward (x->c1 + (gsize) lo * c1 * S * S, batch->images + (gsize) lo * 3 * S * S,
                      P (model, FL_P_CONV1_W), P (model, FL_P_CONV1_B), scratch, n, 3, S, S, c1);
  fl_maxpool2_forward (x->p1 + (gsize) lo * c1 * S2 * S2, x->am1 + (gsize) lo * c1 * S2 * S2,
                       x->c1 + (gsize) lo * c1 * S * S, n, c1, S, S);
  fl_relu_forward (x->p1 + (gsize) lo * c1 * S2 * S2, (gsize) n * c1 * S2 * S2);
  fl_conv3x3_forward (x->c2 + (gsize) lo * c2 * S2 * S2, x->p1 + (gsize) lo * c1 * S2 * S2,
                      P (model, FL_P_CONV2_W), P (model, FL_P_CONV2_B), scratch, n, c1, S2, S2, c2);
  fl_maxpool2_forward (x->p2 + (gsize) lo * c2 * S4 * S4, x->am2 + (gsize) lo * c2 * S4 * S4,
                       x->c2 + (gsize) lo * c2 * S2 * S2, n, c2, S2, S2);
  fl_relu_forward (x->p2 + (gsize) lo * c2 * S4 * S4, (gsize) n * c2 * S4 * S4);
}

/* The adjoint of image_forward_slice; slice 0 accumulates into the gradient
 * block itself, slice k > 0 into partial block k-1, zeroed by the caller. */
static void
image_backward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  const FlConfig *c = &model->cfg;
  const int S = c->image_size, S2 = S / 2, S4 = S / 4, c1 = c->conv1, c2 = c->conv2;
  const gsize o_b1 = model->tensors[FL_P_CONV1_B].offset - model->tensors[FL_P_CONV1_W].offset;
  const gsize o_w2 = model->tensors[FL_P_CONV2_W].offset - model->tensors[FL_P_CONV1_W].offset;
  const gsize o_b2 = model->tensors[FL_P_CONV2_B].offset - model->tensors[FL_P_CONV1_W].offset;
  float *g = k == 0 ? G (model, FL_P_CONV1_W) : model->partial + (k - 1) * model->partial_size;
  Acts *x = &model->act, *d = &model->dact;

  fl_relu_backward (d->p2 + (gsize) lo * c2 * S4 * S4, x->p2 + (gsize) lo * c2 * S4 * S4,
                    (gsize) n * c2 * S4 * S4);
  fl_maxpool2_backward (d->c2 + (gsize) lo * c2 * S2 * S2, d->p2 + (gsize) lo * c2 * S4 * S4,
                        x->am2 + (gsize) lo * c2 * S4 * S4, n, c2, S2, S2);
  fl_conv3x3_backward (d->p1 + (gsize) lo * c1 * S2 * S2, g + o_w2, g + o_b2,
                       d->c2 + (gsize) lo * c2 * S2 * S2, x->p1 + (gsize) lo * c1 * S2 * S2,
                       P (model, FL_P_CONV2_W), scratch, n, c1, S2, S2, c2);
  fl_relu_backward (d->p1 + (gsize) lo * c1 * S2 * S2, x->p1 + (gsize) lo * c1 * S2 * S2,
                    (gsize) n * c1 * S2 * S2);
  fl_maxpool2_backward (d->c1 + (gsize) lo * c1 * S * S, d->p1 + (gsize) lo * c1 * S2 * S2,
                        x->am1 + (gsize) lo * c1 * S2 * S2, n, c1, S, S);
  fl_conv3x3_backward (NULL, g, g + o_b1, d->c1 + (gsize) lo * c1 * S * S,
                       batch->images + (gsize) lo * 3 * S * S, P (model, FL_P_CONV1_W),
                       scratch, n, 3, S, S, c1);
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
          model->scratch_per_thread = MAX (s1, s2);
          model->scratch = g_new (float, model->scratch_per_thread * n_threads (model));
        }
      model->cap = n;
    }
  if (with_grads && model->partial == NULL && fl_fusion_uses_image (c->fusion))
    {
      /* conv1 and conv2 weights and biases are one contiguous run */
      model->partial_size = model->tensors[FL_P_IMG_FC_W].offset - model->tensors[FL_P_CONV1_W].offset;
      model->partial = g_new (float, model->partial_size * (FL_CHUNKS - 1));
    }
  if (with_grads && model->grad_block == NULL)
    {
      model->grad_block = g_new (float, layout_acts (&model->dact, NULL, c, model->cap));
      layout_acts (&model->dact, model->grad_block, c, model->cap);
    }
}

/* Modality dropout: zeroes the features of the branch batch->drop names,
 * sample by sample; with a zero ReLU output, backward's ReLU then zeroes
 * that branch's gradient too. Only a route with both branches drops one. */
static void
drop_modalities (FlModel *model, const FlBatch *batch)
{
  const int D = model->cfg.feat_dim;
  Acts *x = &model->act;

  if (batch->drop == NULL || !fl_fusion_uses_image (model->cfg.fusion) ||
      !fl_fusion_uses_text (model->cfg.fusion))
    return;
  for (int n = 0; n < batch->n; n++)
    if (batch->drop[n] == FL_DROP_IMAGE || batch->drop[n] == FL_DROP_TEXT)
      memset ((batch->drop[n] == FL_DROP_IMAGE ? x->a : x->b) + (gsize) n * D, 0,
              sizeof (float) * D);
}

/* The two branches: a (N,D) and b (N,D), those the route has. */
static gboolean
branches_forward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, S4 = c->image_size / 4, D = c->feat_dim;
  Acts *x = &model->act;

  if (fl_fusion_uses_image (c->fusion))
    {
      g_return_val_if_fail (batch->images != NULL, FALSE);
      run_slices (model, batch, image_forward_slice);
      linear_forward (model, x->a, x->p2, FL_P_IMG_FC_W, N, c->conv2 * S4 * S4, D);
      fl_relu_forward (x->a, (gsize) N * D);
    }
  if (fl_fusion_uses_text (c->fusion))
    {
      g_return_val_if_fail (batch->tok_off != NULL, FALSE);
      fl_embag_forward (x->t1, batch->tok_off, batch->tok_idx, P (model, FL_P_TXT_EMB_W),
                        P (model, FL_P_TXT_EMB_B), N, c->text_hidden);
      fl_relu_forward (x->t1, (gsize) N * c->text_hidden);
      linear_forward (model, x->b, x->t1, FL_P_TXT_FC_W, N, c->text_hidden, D);
      fl_relu_forward (x->b, (gsize) N * D);
    }
  drop_modalities (model, batch);
  return TRUE;
}

/* A head, linear(In→Hh) → ReLU → linear(Hh→C), whose first layer is w1
 * and second w1 + 2: in (N,In) → h (N,Hh) → logits (N,C). */
static void
head_forward (FlModel *model, float *logits, float *h, const float *in, FlParam w1, int N, int In)
{
  const FlConfig *c = &model->cfg;

  linear_forward (model, h, in, w1, N, In, c->head_hidden);
  fl_relu_forward (h, (gsize) N * c->head_hidden);
  linear_forward (model, logits, h, w1 + 2, N, c->head_hidden, c->n_classes);
}

/* f from a and b, then the logits: through the shared head, or for late
 * through each branch's head and the vote of the two. */
static void
fuse_forward (FlModel *model, int N)
{
  const FlConfig *c = &model->cfg;
  const int D = c->feat_dim, F = fl_fusion_width (c->fusion, D);
  Acts *x = &model->act;
  float w[2];

  if (c->fusion == FL_FUSION_GATED)
    fl_gmu_forward (x->f, x->gv, x->gt, x->gz, x->a, x->b,
                    P (model, FL_P_GMU_V_W), P (model, FL_P_GMU_V_B),
                    P (model, FL_P_GMU_T_W), P (model, FL_P_GMU_T_B),
                    P (model, FL_P_GMU_Z_W), P (model, FL_P_GMU_Z_B), N, D);
  else if (c->fusion == FL_FUSION_LOWRANK)
    fl_lmf_forward (x->f, x->pa, x->pb, x->a, x->b, P (model, FL_P_LMF_A),
                    P (model, FL_P_LMF_B), N, D, c->rank);
  else
    fl_fusion_forward (x->f, x->a, x->b, c->fusion, N, D);

  if (c->fusion != FL_FUSION_LATE)
    {
      head_forward (model, x->logits, x->h, x->f, FL_P_HEAD1_W, N, F);
      return;
    }
  head_forward (model, x->li, x->hi, x->a, FL_P_LATE_IMG1_W, N, D);
  head_forward (model, x->lt, x->ht, x->b, FL_P_LATE_TXT1_W, N, D);
  fl_late_forward (x->logits, w, x->li, x->lt, P (model, FL_P_LATE_ALPHA), N, c->n_classes);
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

  if (!branches_forward (model, batch))
    return 0.0;
  fuse_forward (model, N);

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
    {
      /* the heads' own probabilities and losses, the auxiliary terms */
      model->objective += fl_softmax_xent (x->pi, NULL, x->li, batch->labels, N, C);
      model->objective += fl_softmax_xent (x->pt, NULL, x->lt, batch->labels, N, C);
    }
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

int
fl_config_feature_dim (const FlConfig *cfg, FlFeatureKind kind)
{
  switch (kind)
    {
    case FL_FEATURE_IMAGE:
      return fl_fusion_uses_image (cfg->fusion) ? cfg->feat_dim : 0;
    case FL_FEATURE_TEXT:
      return fl_fusion_uses_text (cfg->fusion) ? cfg->feat_dim : 0;
    case FL_FEATURE_FUSED:
      return fl_fusion_width (cfg->fusion, cfg->feat_dim);
    case FL_FEATURE_GATE:
      return cfg->fusion == FL_FUSION_GATED ? cfg->feat_dim : 0;
    default:
      g_return_val_if_reached (0);
    }
}

const float *
fl_model_features (const FlModel *model, FlFeatureKind kind, int *dim)
{
  const float *x[FL_N_FEATURES] = { model->act.a, model->act.b, model->act.f, model->act.gz };
  int d;

  g_return_val_if_fail ((guint) kind < FL_N_FEATURES, NULL);
  /* before a forward, or for an absent branch, act holds NULL */
  d = x[kind] != NULL ? fl_config_feature_dim (&model->cfg, kind) : 0;
  if (dim != NULL)
    *dim = d;
  return d > 0 ? x[kind] : NULL;
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

  linear_backward (model, dh, dlogits, h, w1 + 2, N, c->head_hidden, c->n_classes);
  fl_relu_backward (dh, h, (gsize) N * c->head_hidden);
  linear_backward (model, din, dh, in, w1, N, In, c->head_hidden);
}

/* late: from d fused logits to da and db through the vote and each head,
 * each head's logits taking its own cross-entropy's gradient as well. */
static void
late_backward (FlModel *model, const gint32 *labels, int N)
{
  const int C = model->cfg.n_classes, D = model->cfg.feat_dim;
  Acts *x = &model->act, *d = &model->dact;

  fl_late_backward (d->li, d->lt, G (model, FL_P_LATE_ALPHA), d->logits, x->li, x->lt,
                    P (model, FL_P_LATE_ALPHA), N, C);
  /* loss = CE(fused) + CE(image head) + CE(text head) */
  xent_grad (d->pi, x->pi, labels, N, C);
  xent_grad (d->pt, x->pt, labels, N, C);
  for (gsize i = 0; i < (gsize) N * C; i++)
    {
      d->li[i] += d->pi[i];
      d->lt[i] += d->pt[i];
    }
  head_backward (model, d->a, d->hi, d->li, x->a, x->hi, FL_P_LATE_IMG1_W, N, D);
  head_backward (model, d->b, d->ht, d->lt, x->b, x->ht, FL_P_LATE_TXT1_W, N, D);
}

/* From d logits to da and db (N,D), through the head and the fusion. */
static void
fuse_backward (FlModel *model, const gint32 *labels, int N)
{
  const FlConfig *c = &model->cfg;
  const int D = c->feat_dim, F = fl_fusion_width (c->fusion, D);
  Acts *x = &model->act, *d = &model->dact;

  if (c->fusion == FL_FUSION_LATE)
    {
      late_backward (model, labels, N);
      return;
    }
  head_backward (model, d->f, d->h, d->logits, x->f, x->h, FL_P_HEAD1_W, N, F);
  if (c->fusion == FL_FUSION_GATED)
    fl_gmu_backward (d->a, d->b, G (model, FL_P_GMU_V_W), G (model, FL_P_GMU_V_B),
                     G (model, FL_P_GMU_T_W), G (model, FL_P_GMU_T_B),
                     G (model, FL_P_GMU_Z_W), G (model, FL_P_GMU_Z_B), d->f, x->a, x->b,
                     x->gv, x->gt, x->gz, P (model, FL_P_GMU_V_W), P (model, FL_P_GMU_T_W),
                     P (model, FL_P_GMU_Z_W), N, D);
  else if (c->fusion == FL_FUSION_LOWRANK)
    fl_lmf_backward (d->a, d->b, G (model, FL_P_LMF_A), G (model, FL_P_LMF_B), d->f, x->a, x->b,
                     x->pa, x->pb, P (model, FL_P_LMF_A), P (model, FL_P_LMF_B), N, D, c->rank);
  else
    fl_fusion_backward (d->a, d->b, d->f, x->a, x->b, c->fusion, N, D);
}

void
fl_model_backward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, S4 = c->image_size / 4, D = c->feat_dim;
  Acts *x, *d;

  g_return_if_fail (model->grads != NULL);
  g_return_if_fail (batch->labels != NULL);
  g_return_if_fail (N <= model->cap);
  ensure_capacity (model, N, TRUE);
  x = &model->act;
  d = &model->dact;

  memset (model->grads, 0, sizeof (float) * model->n_params);
  xent_grad (d->logits, x->probs, batch->labels, N, c->n_classes);
  fuse_backward (model, batch->labels, N);

  if (fl_fusion_uses_text (c->fusion))
    {
      fl_relu_backward (d->b, x->b, (gsize) N * D);
      linear_backward (model, d->t1, d->b, x->t1, FL_P_TXT_FC_W, N, c->text_hidden, D);
      fl_relu_backward (d->t1, x->t1, (gsize) N * c->text_hidden);
      fl_embag_backward (G (model, FL_P_TXT_EMB_W), G (model, FL_P_TXT_EMB_B),
                         d->t1, batch->tok_off, batch->tok_idx, N, c->text_hidden);
    }
  if (fl_fusion_uses_image (c->fusion))
    {
      fl_relu_backward (d->a, x->a, (gsize) N * D);
      linear_backward (model, d->p2, d->a, x->p2, FL_P_IMG_FC_W, N, c->conv2 * S4 * S4, D);
      /* an empty slice adds nothing, but its block is summed all the same */
      memset (model->partial, 0, sizeof (float) * model->partial_size * (FL_CHUNKS - 1));
      run_slices (model, batch, image_backward_slice);
      for (int k = 1; k < FL_CHUNKS; k++)
        {
          float *dst = G (model, FL_P_CONV1_W);
          const float *src = model->partial + (k - 1) * model->partial_size;
          for (gsize i = 0; i < model->partial_size; i++)
            dst[i] += src[i];
        }
    }
}

gboolean
fl_model_late_weights (const FlModel *model, float w[2])
{
  const float *alpha;
  float m;

  g_return_val_if_fail (model != NULL, FALSE);
  if (model->cfg.fusion != FL_FUSION_LATE)
    return FALSE;
  alpha = model->params + model->tensors[FL_P_LATE_ALPHA].offset;
  /* the softmax of fl_late_forward() */
  m = MAX (alpha[0], alpha[1]);
  w[0] = expf (alpha[0] - m);
  w[1] = expf (alpha[1] - m);
  m = w[0] + w[1];
  w[0] /= m;
  w[1] /= m;
  return TRUE;
}

typedef struct {
  FlModel *model;
  float    b1, b2, c1, c2, eps, step_size, bc2_sqrt;
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
  for (int i = lo; i < hi; i++)
    {
      m[i] = j->b1 * m[i] + j->c1 * g[i];
      v[i] = j->b2 * v[i] + j->c2 * g[i] * g[i];
      p[i] -= j->step_size * m[i] / (sqrtf (v[i]) / j->bc2_sqrt + j->eps);
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
  run_tasks (model, adam_task, &job);
}
