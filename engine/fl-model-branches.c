/* SPDX-License-Identifier: MIT
 *
 * The model's four branches, forward and backward: image and audio (convs
 * split over the threads, slice by slice), text (a bag of words, or a GRU
 * whose slices run on the threads as the convs do) and numeric.
 */
#define G_LOG_DOMAIN "fl-model"

#include "fl-model-private.h"

#include <string.h>

/* The batch is cut into FL_CHUNKS fixed slices, taken by the tasks in turn
 * (task t takes slices t, t+nt, …). Forward and backward must use the same
 * slices: max-pool arg-max indices are relative to a slice's start. Conv
 * gradients are summed per slice, each into its own block, and the blocks
 * added in slice order, so the result is the same bits whatever the number
 * of threads. */

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

  _fl_model_run_tasks (model, slices_task, &job);
}

/* Floats of the image convs' weights and biases (one contiguous run, conv1
 * then conv2), and of the audio convs'. */
static gsize
conv_params (const FlModel *model, FlParam first, FlParam fc)
{
  return model->tensors[fc].offset - model->tensors[first].offset;
}

gsize
_fl_model_partial_size (const FlModel *model)
{
  return conv_params (model, FL_P_CONV1_W, FL_P_IMG_FC_W) +
         conv_params (model, FL_P_AUD_CONV1_W, FL_P_AUD_FC_W);
}

/* Scratch for a conv stack on (C0,H,W) with C1 channels after conv1 and C2
 * after conv2: forward, what fl_conv3x3_pool_forward needs for one image
 * (by either route); backward, the pooled-gradient passes of stack_backward. */
static gsize
stack_scratch_size (int C0, int H, int W, int C1, int C2)
{
  const gsize fwd = MAX (fl_conv3x3_pool_forward_scratch_size (C0, H, W, C1),
                         fl_conv3x3_pool_forward_scratch_size (C1, H / 2, W / 2, C2));
  const gsize bwd = MAX (fl_conv3x3_pool_weight_grad_scratch_size (C0, H, W, C1),
                         MAX (fl_conv3x3_pool_weight_grad_scratch_size (C1, H / 2, W / 2, C2),
                              fl_conv3x3_pool_input_grad_scratch_size (C1, H / 2, W / 2, C2)));

  return MAX (fwd, bwd);
}

gsize
_fl_model_scratch_size (const FlModel *model)
{
  const FlConfig *c = &model->cfg;
  gsize s = 0;

  if (model->branches & FL_BRANCH_BIT (FL_BRANCH_IMAGE))
    s = stack_scratch_size (3, c->image_size, c->image_size, c->conv1, c->conv2);
  if (model->branches & FL_BRANCH_BIT (FL_BRANCH_AUDIO))
    s = MAX (s, stack_scratch_size (1, c->audio_mels, c->audio_frames, c->audio_conv1, c->audio_conv2));
  return s;
}

/* A conv stack's shape: in (N,C0,H,W) → conv(C0→C1) → pool → ReLU →
 * conv(C1→C2) → pool → ReLU [→ pool], and where its activations and
 * parameters are. */
typedef struct {
  int     C0, C1, C2, H, W;
  gboolean third;     /* the audio branch pools once more */
  float  *p1, *p2, *p3;
  gint32 *am1, *am2, *am3;
  FlParam w1;         /* conv1's weight; its bias, conv2's weight and bias follow */
  gsize   partial;    /* where the stack's weights are in a partial block */
} Stack;

static Stack
image_stack (FlModel *model, Acts *a)
{
  const FlConfig *c = &model->cfg;

  return (Stack) { 3, c->conv1, c->conv2, c->image_size, c->image_size, FALSE,
                   a->p1, a->p2, NULL, a->am1, a->am2, NULL, FL_P_CONV1_W, 0 };
}

static Stack
audio_stack (FlModel *model, Acts *a)
{
  const FlConfig *c = &model->cfg;

  return (Stack) { 1, c->audio_conv1, c->audio_conv2, c->audio_mels, c->audio_frames, TRUE,
                   a->ap1, a->ap2, a->ap3, a->aam1, a->aam2, a->aam3,
                   FL_P_AUD_CONV1_W, conv_params (model, FL_P_CONV1_W, FL_P_IMG_FC_W) };
}

/* The convs of a stack for one slice of the batch: conv → pool → + b →
 * ReLU, twice (fl_pool2_bias_relu_forward: the SPEC's conv → ReLU → pool
 * exactly, on maps four times smaller). */
static void
stack_forward (FlModel *model, const Stack *s, const float *in, float *scratch, int lo, int n)
{
  const gsize H = s->H, W = s->W, H2 = H / 2, W2 = W / 2, H4 = H / 4, W4 = W / 4;
  const gsize o1 = (gsize) lo * s->C1, o2 = (gsize) lo * s->C2;

  fl_conv3x3_pool_forward (s->p1 + o1 * H2 * W2, s->am1 + o1 * H2 * W2,
                           in + (gsize) lo * s->C0 * H * W, P (model, s->w1),
                           P (model, s->w1 + 1), scratch, n, s->C0, H, W, s->C1);
  fl_conv3x3_pool_forward (s->p2 + o2 * H4 * W4, s->am2 + o2 * H4 * W4, s->p1 + o1 * H2 * W2,
                           P (model, s->w1 + 2), P (model, s->w1 + 3), scratch,
                           n, s->C1, H2, W2, s->C2);
  if (s->third)
    fl_maxpool2_forward (s->p3 + o2 * (H4 / 2) * (W4 / 2), s->am3 + o2 * (H4 / 2) * (W4 / 2),
                         s->p2 + o2 * H4 * W4, n, s->C2, H4, W4);
}

/* The adjoint of stack_forward, from d (the stack's gradients: dp2, or
 * dp3 with a third pooling); slice 0 accumulates into the gradient block
 * itself, slice k > 0 into its partial block, zeroed by the caller. */
static void
stack_backward (FlModel *model, const Stack *x, const Stack *d, const float *in, float *scratch,
                int k, int lo, int n)
{
  const gsize H = x->H, W = x->W, H2 = H / 2, W2 = W / 2, H4 = H / 4, W4 = W / 4;
  const gsize o1 = (gsize) lo * x->C1, o2 = (gsize) lo * x->C2;
  const gsize o_b1 = model->tensors[x->w1 + 1].offset - model->tensors[x->w1].offset;
  const gsize o_w2 = model->tensors[x->w1 + 2].offset - model->tensors[x->w1].offset;
  const gsize o_b2 = model->tensors[x->w1 + 3].offset - model->tensors[x->w1].offset;
  float *g = k == 0 ? G (model, x->w1) : model->partial + (k - 1) * model->partial_size + x->partial;

  if (x->third)
    fl_maxpool2_backward (d->p2 + o2 * H4 * W4, d->p3 + o2 * (H4 / 2) * (W4 / 2),
                          x->am3 + o2 * (H4 / 2) * (W4 / 2), n, x->C2, H4, W4);
  /* conv2: both gradients from the pooled one too, only a quarter of its
   * output's gradient being nonzero; the dense route (im2col + sgemm over
   * that mostly-zero map) took 13% more of a training step's CPU time
   * (paired runs on the icons: 1,262–1,277 against 1,074–1,112 µs per
   * sample) and agrees with torch no better (step2.conv2.weight of the
   * concat fixture: the same worst err/tol, 0.464) */
  fl_conv3x3_pool_weight_grad (g + o_w2, g + o_b2, d->p2 + o2 * H4 * W4, x->p2 + o2 * H4 * W4,
                               x->am2 + o2 * H4 * W4, x->p1 + o1 * H2 * W2, scratch, n, x->C1, H2, W2, x->C2);
  fl_conv3x3_pool_input_grad (d->p1 + o1 * H2 * W2, d->p2 + o2 * H4 * W4, x->p2 + o2 * H4 * W4,
                              x->am2 + o2 * H4 * W4, P (model, x->w1 + 2), scratch,
                              n, x->C1, H2, W2, x->C2);
  /* conv1: its weight gradient alone (nobody needs its input's) */
  fl_conv3x3_pool_weight_grad (g, g + o_b1, d->p1 + o1 * H2 * W2, x->p1 + o1 * H2 * W2,
                               x->am1 + o1 * H2 * W2, in + (gsize) lo * x->C0 * H * W,
                               scratch, n, x->C0, H, W, x->C1);
}

static void
image_forward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  Stack s = image_stack (model, &model->act);

  stack_forward (model, &s, batch->images, scratch, lo, n);
}

static void
image_backward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  Stack x = image_stack (model, &model->act), d = image_stack (model, &model->dact);

  stack_backward (model, &x, &d, batch->images, scratch, k, lo, n);
}

static void
audio_forward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  Stack s = audio_stack (model, &model->act);

  stack_forward (model, &s, batch->audio, scratch, lo, n);
}

static void
audio_backward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  Stack x = audio_stack (model, &model->act), d = audio_stack (model, &model->dact);

  stack_backward (model, &x, &d, batch->audio, scratch, k, lo, n);
}

/* The gru text encoder. Each sample reads its first max_tokens tokens,
 * laid out over text_steps, the longest of the batch: the recurrence costs
 * what the batch's texts take, not max_tokens. Its feature (text_pool) is
 * the last valid state, the seed's RNN feature and torch.nn.GRU's h_n over
 * packed sequences, or the mean of the valid states h_1 … h_len, whose
 * gradient reaches every step directly rather than through the whole
 * recurrence (test-torch compares both). On the icons and the emoji the
 * texts are 1 to 12 words, so the last state has seen all of them. */
static void
text_lengths (FlModel *model, const FlBatch *batch)
{
  int T = 1;   /* one step at least: a batch of empty texts runs one padding step */

  for (int i = 0; i < batch->n; i++)
    {
      model->act.tlen[i] = MIN (batch->tok_off[i + 1] - batch->tok_off[i], model->cfg.max_tokens);
      T = MAX (T, model->act.tlen[i]);
    }
  model->text_steps = T;
}

static void
gru_forward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  const int T = model->text_steps, E = model->cfg.text_hidden, D = model->cfg.feat_dim;
  const float *emb = P (model, FL_P_TXT_EMB_W);
  Acts *x = &model->act;
  float *tx = x->tx + (gsize) lo * T * E;

  /* the embeddings of the tokens in order, padding steps 0 */
  memset (tx, 0, sizeof (float) * n * T * E);
  for (int i = 0; i < n; i++)
    for (int t = 0; t < x->tlen[lo + i]; t++)
      memcpy (tx + ((gsize) i * T + t) * E, emb + (gsize) batch->tok_idx[batch->tok_off[lo + i] + t] * E,
              sizeof (float) * E);
  fl_gru_forward (x->th + (gsize) lo * (T + 1) * D, x->tg + (gsize) lo * T * 3 * D,
                  x->tn + (gsize) lo * T * D, tx, x->tlen + lo,
                  P (model, FL_P_TXT_GRU_W_IH), P (model, FL_P_TXT_GRU_W_HH),
                  P (model, FL_P_TXT_GRU_B_IH), P (model, FL_P_TXT_GRU_B_HH), n, T, E, D);
  fl_gru_pool_forward (x->t1 + (gsize) lo * D, x->th + (gsize) lo * (T + 1) * D, x->tlen + lo,
                       model->cfg.text_pool == FL_TEXT_POOL_MEAN, n, T, D);
}

static void
gru_backward_slice (FlModel *model, const FlBatch *batch, float *scratch, int k, int lo, int n)
{
  const int T = model->text_steps, E = model->cfg.text_hidden, D = model->cfg.feat_dim;
  Acts *x = &model->act, *d = &model->dact;
  const gsize h0 = (gsize) lo * (T + 1) * D, g0 = (gsize) lo * T * 3 * D, n0 = (gsize) lo * T * D;

  fl_gru_pool_backward (d->th + h0, d->t1 + (gsize) lo * D, x->tlen + lo,
                        model->cfg.text_pool == FL_TEXT_POOL_MEAN, n, T, D);
  fl_gru_backward (d->tx + (gsize) lo * T * E, d->th + h0, d->tg + g0, d->tn + n0,
                   x->th + h0, x->tg + g0, x->tn + n0, x->tlen + lo,
                   P (model, FL_P_TXT_GRU_W_IH), P (model, FL_P_TXT_GRU_W_HH), n, T, E, D);
}

/* The text branch's first layer: the embedding-bag (then its ReLU), or the
 * GRU's pooled states, into t1. */
static void
text_forward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  Acts *x = &model->act;

  if (c->text_encoder == FL_TEXT_GRU)
    {
      text_lengths (model, batch);
      run_slices (model, batch, gru_forward_slice);
      return;
    }
  fl_embag_forward (x->t1, batch->tok_off, batch->tok_idx, P (model, FL_P_TXT_EMB_W),
                    P (model, FL_P_TXT_EMB_B), batch->n, c->text_hidden);
  fl_relu_forward (x->t1, (gsize) batch->n * c->text_hidden);
}

/* Its adjoint, from dact.t1. The GRU's weight gradients are summed over
 * the whole batch on this thread, and its embedding rows in sample order:
 * the same bits on any number of threads. */
static void
text_backward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, T = model->text_steps, E = c->text_hidden, D = c->feat_dim;
  Acts *x = &model->act, *d = &model->dact;
  float *demb = G (model, FL_P_TXT_EMB_W);

  if (c->text_encoder == FL_TEXT_BOW)
    {
      fl_relu_backward (d->t1, x->t1, (gsize) N * c->text_hidden);
      fl_embag_backward (demb, G (model, FL_P_TXT_EMB_B), d->t1, batch->tok_off, batch->tok_idx,
                         N, c->text_hidden);
      return;
    }
  run_slices (model, batch, gru_backward_slice);
  fl_gru_backward_weights (G (model, FL_P_TXT_GRU_W_IH), G (model, FL_P_TXT_GRU_W_HH),
                           G (model, FL_P_TXT_GRU_B_IH), G (model, FL_P_TXT_GRU_B_HH),
                           d->tg, d->tn, x->tx, x->th, N, T, E, D);
  for (int i = 0; i < N; i++)
    for (int t = 0; t < x->tlen[i]; t++)
      {
        float *row = demb + (gsize) batch->tok_idx[batch->tok_off[i] + t] * E;
        const float *g = d->tx + ((gsize) i * T + t) * E;

        for (int e = 0; e < E; e++)
          row[e] += g[e];
      }
}

/* Modality dropout: zeroes the features of the branches batch->drop names,
 * sample by sample; with a zero ReLU output, backward's ReLU then zeroes
 * those branches' gradient too. Only a route with two branches or more
 * drops any. */
static void
drop_modalities (FlModel *model, const FlBatch *batch)
{
  const int D = model->cfg.feat_dim;

  if (batch->drop == NULL || model->n_branches < 2)
    return;
  for (int n = 0; n < batch->n; n++)
    for (int k = 0; k < model->n_branches; k++)
      if (batch->drop[n] & FL_BRANCH_BIT (model->order[k]))
        memset (model->act.x[model->order[k]] + (gsize) n * D, 0, sizeof (float) * D);
}

/* The width of t1, txt_fc's input. */
static int
text_width (const FlConfig *c)
{
  return c->text_encoder == FL_TEXT_GRU ? c->feat_dim : c->text_hidden;
}

static gboolean
has (const FlModel *model, FlBranch b)
{
  return (model->branches & FL_BRANCH_BIT (b)) != 0;
}

/* Whether the forward pass of branches set runs branch b. */
static gboolean
runs (const FlModel *model, guint set, FlBranch b)
{
  return has (model, b) && (set & FL_BRANCH_BIT (b)) != 0;
}

/* A branch backward computes: one the model has and that is not frozen
 * (a frozen one's gradients stay the 0 they were set to). */
static gboolean
trains (const FlModel *model, FlBranch b)
{
  return has (model, b) && (model->frozen & FL_BRANCH_BIT (b)) == 0;
}

gboolean
_fl_model_branches_forward (FlModel *model, const FlBatch *batch, guint set)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, S4 = c->image_size / 4, D = c->feat_dim;
  const int audio_flat = c->audio_conv2 * (c->audio_mels / 8) * (c->audio_frames / 8);
  Acts *x = &model->act;

  g_return_val_if_fail (N <= fl_config_max_batch (c), FALSE);
  g_return_val_if_fail (!runs (model, set, FL_BRANCH_IMAGE) || batch->images != NULL, FALSE);
  g_return_val_if_fail (!runs (model, set, FL_BRANCH_TEXT) || batch->tok_off != NULL, FALSE);
  g_return_val_if_fail (!runs (model, set, FL_BRANCH_AUDIO) || batch->audio != NULL, FALSE);
  g_return_val_if_fail (!runs (model, set, FL_BRANCH_NUMERIC) || batch->numeric != NULL, FALSE);
  if (runs (model, set, FL_BRANCH_IMAGE))
    {
      run_slices (model, batch, image_forward_slice);
      _fl_model_linear_forward (model, x->x[FL_BRANCH_IMAGE], x->p2, FL_P_IMG_FC_W, N,
                                c->conv2 * S4 * S4, D);
    }
  if (runs (model, set, FL_BRANCH_TEXT))
    {
      text_forward (model, batch);
      _fl_model_linear_forward (model, x->x[FL_BRANCH_TEXT], x->t1, FL_P_TXT_FC_W, N, text_width (c), D);
    }
  if (runs (model, set, FL_BRANCH_AUDIO))
    {
      run_slices (model, batch, audio_forward_slice);
      _fl_model_linear_forward (model, x->x[FL_BRANCH_AUDIO], x->ap3, FL_P_AUD_FC_W, N, audio_flat, D);
    }
  if (runs (model, set, FL_BRANCH_NUMERIC))
    {
      _fl_model_linear_forward (model, x->n1, batch->numeric, FL_P_NUM_FC1_W, N,
                                2 * c->n_numeric, c->numeric_hidden);
      fl_relu_forward (x->n1, (gsize) N * c->numeric_hidden);
      _fl_model_linear_forward (model, x->x[FL_BRANCH_NUMERIC], x->n1, FL_P_NUM_FC2_W, N,
                                c->numeric_hidden, D);
    }
  for (int k = 0; k < model->n_branches; k++)
    if (runs (model, set, model->order[k]))
      fl_relu_forward (x->x[model->order[k]], (gsize) N * D);
  drop_modalities (model, batch);
  return TRUE;
}

/* The conv stacks' gradients: the slices', then their partial blocks
 * added in slice order. */
static void
convs_backward (FlModel *model, const FlBatch *batch, FlParam first, gsize at, gsize size,
                SliceFunc fn)
{
  float *dst = G (model, first);

  /* an empty slice adds nothing, but its block is summed all the same */
  for (int k = 1; k < FL_CHUNKS; k++)
    memset (model->partial + (k - 1) * model->partial_size + at, 0, sizeof (float) * size);
  run_slices (model, batch, fn);
  for (int k = 1; k < FL_CHUNKS; k++)
    {
      const float *src = model->partial + (k - 1) * model->partial_size + at;
      for (gsize i = 0; i < size; i++)
        dst[i] += src[i];
    }
}

void
_fl_model_branches_backward (FlModel *model, const FlBatch *batch)
{
  const FlConfig *c = &model->cfg;
  const int N = batch->n, S4 = c->image_size / 4, D = c->feat_dim;
  const int audio_flat = c->audio_conv2 * (c->audio_mels / 8) * (c->audio_frames / 8);
  const gsize img_convs = conv_params (model, FL_P_CONV1_W, FL_P_IMG_FC_W);
  Acts *x = &model->act, *d = &model->dact;

  for (int k = 0; k < model->n_branches; k++)
    fl_relu_backward (d->x[model->order[k]], x->x[model->order[k]], (gsize) N * D);
  if (trains (model, FL_BRANCH_TEXT))
    {
      _fl_model_linear_backward (model, d->t1, d->x[FL_BRANCH_TEXT], x->t1, FL_P_TXT_FC_W, N,
                                 text_width (c), D);
      text_backward (model, batch);
    }
  if (trains (model, FL_BRANCH_IMAGE))
    {
      _fl_model_linear_backward (model, d->p2, d->x[FL_BRANCH_IMAGE], x->p2, FL_P_IMG_FC_W, N,
                                 c->conv2 * S4 * S4, D);
      convs_backward (model, batch, FL_P_CONV1_W, 0, img_convs, image_backward_slice);
    }
  if (trains (model, FL_BRANCH_AUDIO))
    {
      _fl_model_linear_backward (model, d->ap3, d->x[FL_BRANCH_AUDIO], x->ap3, FL_P_AUD_FC_W, N,
                                 audio_flat, D);
      convs_backward (model, batch, FL_P_AUD_CONV1_W, img_convs,
                      conv_params (model, FL_P_AUD_CONV1_W, FL_P_AUD_FC_W), audio_backward_slice);
    }
  if (trains (model, FL_BRANCH_NUMERIC))
    {
      _fl_model_linear_backward (model, d->n1, d->x[FL_BRANCH_NUMERIC], x->n1, FL_P_NUM_FC2_W, N,
                                 c->numeric_hidden, D);
      fl_relu_backward (d->n1, x->n1, (gsize) N * c->numeric_hidden);
      _fl_model_linear_backward (model, NULL, d->n1, batch->numeric, FL_P_NUM_FC1_W, N,
                                 2 * c->n_numeric, c->numeric_hidden);
    }
}
