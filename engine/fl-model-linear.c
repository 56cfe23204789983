/* SPDX-License-Identifier: MIT
 *
 * The model's linear layers. A large one (img_fc: 16,384 inputs, 8.5% of
 * a training step's FLOPs) is split along its inputs into FL_CHUNKS fixed
 * blocks, taken by the pool's tasks in turn; a small one runs whole on the
 * calling thread. Whole, img_fc kept one core busy and the other idle for
 * 15% of a step. The blocks do not depend on the number of threads, so
 * neither do the bits: the forward sums the blocks' products in block
 * order, and the backward's blocks write disjoint columns.
 */
#define G_LOG_DOMAIN "fl-model"

#include "fl-model-private.h"
#include "fl-ops-private.h"

#include <cblas.h>

/* Inputs from which a layer is split, in blocks of 128 or more: img_fc's
 * 16,384 (1,024 at S = 16) are, the heads' and the text branch's few
 * hundred are not. */
#define SPLIT_MIN 1024

typedef struct {
  float       *out;    /* forward: the blocks' products; backward: din */
  float       *dw;
  const float *in, *dout, *w;
  int          N, In, Out;
} Job;

static gboolean
split (int In)
{
  return In >= SPLIT_MIN;
}

/* Block j's product in[:, lo:hi) · w[:, lo:hi)^T, (N,Out), into its own
 * slot. */
static void
forward_task (int t, int nt, gpointer data)
{
  Job *j = data;

  for (int k = t; k < FL_CHUNKS; k += nt)
    {
      int lo, hi;

      fl_share (j->In, k, FL_CHUNKS, &lo, &hi);
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, j->N, j->Out, hi - lo,
                   1.0f, j->in + lo, j->In, j->w + lo, j->In, 0.0f,
                   j->out + (gsize) k * j->N * j->Out, j->Out);
    }
}

/* Block j's columns lo:hi of dw += dout^T · in and of din = dout · w. */
static void
backward_task (int t, int nt, gpointer data)
{
  Job *j = data;

  for (int k = t; k < FL_CHUNKS; k += nt)
    {
      int lo, hi;

      fl_share (j->In, k, FL_CHUNKS, &lo, &hi);
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, j->Out, hi - lo, j->N,
                   1.0f, j->dout, j->Out, j->in + lo, j->In, 1.0f, j->dw + lo, j->In);
      if (j->out != NULL)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, j->N, hi - lo, j->Out,
                     1.0f, j->dout, j->Out, j->w + lo, j->In, 0.0f, j->out + lo, j->In);
    }
}

/* The blocks' slots: FL_CHUNKS (N,Out) products. */
static float *
block_slots (FlModel *model, int N, int Out)
{
  gsize size = (gsize) FL_CHUNKS * N * Out;

  if (size > model->lin_partial_size)
    {
      g_free (model->lin_partial);
      model->lin_partial = g_new (float, size);
      model->lin_partial_size = size;
    }
  return model->lin_partial;
}

void
_fl_model_linear_forward (FlModel *model, float *out, const float *in, FlParam w, int N, int In, int Out)
{
  Job job = { .in = in, .w = P (model, w), .N = N, .In = In, .Out = Out };
  const gsize n = (gsize) N * Out;

  if (!split (In))
    {
      fl_linear_forward (out, in, P (model, w), P (model, w + 1), N, In, Out);
      return;
    }
  job.out = block_slots (model, N, Out);
  _fl_model_run_tasks (model, forward_task, &job);
  rows_set (out, P (model, w + 1), N, Out);
  for (int k = 0; k < FL_CHUNKS; k++)
    for (gsize i = 0; i < n; i++)
      out[i] += job.out[k * n + i];
}

void
_fl_model_linear_backward (FlModel *model, float *din, const float *dout, const float *in, FlParam w,
                           int N, int In, int Out)
{
  Job job = { .out = din, .dw = G (model, w), .in = in, .dout = dout, .w = P (model, w),
              .N = N, .In = In, .Out = Out };

  if (!split (In))
    {
      fl_linear_backward (din, G (model, w), G (model, w + 1), dout, in, P (model, w), N, In, Out);
      return;
    }
  _fl_model_run_tasks (model, backward_task, &job);
  rows_sum_into (G (model, w + 1), dout, N, Out);
}
