/* SPDX-License-Identifier: MIT
 *
 * fl-model-private.h — what the model's files share: fl-model.c (config,
 * layout, parameters, Adam and the passes as a whole), fl-model-branches.c
 * (the four branches) and fl-model-fusion.c (fusion and heads).
 */
#pragma once

#include "fl-model.h"
#include "fl-parallel.h"

/* Activations of one batch, each a pointer into one block sized for `cap`
 * samples; those of a branch or route the model does not have are NULL
 * (empty). The same layout holds dL/d activation once backward runs. */
typedef struct {
  float  *p1;      /* (N,c1,S/2,S/2) pooled, after ReLU */
  gint32 *am1;     /* argmax of p1 */
  float  *p2;      /* (N,c2,S/4,S/4) pooled, after ReLU: the flattened features */
  gint32 *am2;
  float  *t1;      /* (N,Ht) text hidden layer; gru: (N,D) its last state */
  gint32 *tlen;    /* gru: (N) the tokens each sample's GRU reads */
  float  *tx;      /*      (N,L,Ht) their embeddings, L = max_tokens at most */
  float  *tg;      /*      (N,L,3D) the gates r, z, n (fl_gru_forward()) */
  float  *tn;      /*      (N,L,D) W_hn h + b_hn */
  float  *th;      /*      (N,L+1,D) the states, h_0 = 0 */
  float  *ap1;     /* (N,16,M/2,T/2) pooled, after ReLU */
  gint32 *aam1;
  float  *ap2;     /* (N,32,M/4,T/4) pooled, after ReLU */
  gint32 *aam2;
  float  *ap3;     /* (N,32,M/8,T/8) pooled once more: the flattened features */
  gint32 *aam3;
  float  *n1;      /* (N,Hn) numeric hidden layer */
  float  *x[FL_N_BRANCHES];   /* (N,D) each branch's output: a, b, c, d */
  float  *gh[FL_N_BRANCHES];  /* gated: (N,D) h_k = tanh(W_k x_k) */
  float  *gz;                 /*        (N,(k-1)·D) the gate z */
  float  *lp[FL_N_BRANCHES];  /* lowrank: (R,N,D) W_r^k [x_k;1] */
  float  *f;       /* (N,F) fused */
  float  *h;       /* (N,Hh), but for late */
  float  *hh[FL_N_BRANCHES];  /* late: (N,Hh) each head's hidden layer */
  float  *hl[FL_N_BRANCHES];  /*       (N,C) each head's logits */
  float  *hp[FL_N_BRANCHES];  /*       (N,C) softmax of each head's logits */
  float  *logits;  /* (N,C) */
  float  *probs;   /* (N,C) */
} Acts;

struct FlModel {
  FlConfig     cfg;
  guint        branches;  /* fl_config_branches (&cfg) */
  int          n_branches;
  FlBranch     order[FL_N_BRANCHES];  /* the branches it has, in order */
  FlTensorInfo tensors[FL_N_PARAMS];
  gsize        n_params;
  float       *params;   /* one block each: params, grads, m, v */
  float       *grads;
  float       *m;
  float       *v;
  gint64       t;        /* Adam steps taken */
  guint        frozen;   /* branches Adam and backward leave alone */
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
  int          text_steps; /* gru: the steps of this batch, its longest text */
  float       *partial;  /* conv dw/db of batch slices 1.., summed after
                          * backward: the image convs', then the audio's */
  float       *lin_partial;  /* a split linear layer's blocks' outputs */
  gsize        lin_partial_size;
};

#define P(model, id) ((model)->params + (model)->tensors[id].offset)
#define G(model, id) ((model)->grads + (model)->tensors[id].offset)

/* The batch is cut into FL_CHUNKS fixed slices (fl-model-branches.c). */
#define FL_CHUNKS 8

/* fl-model-linear.c: a linear layer of the model, out = in · w^T + b with
 * w and b the tensors w and w + 1, and its backward into their gradients. */
G_GNUC_INTERNAL void _fl_model_linear_forward (FlModel *model, float *out, const float *in, FlParam w,
                                               int N, int In, int Out);
G_GNUC_INTERNAL void _fl_model_linear_backward (FlModel *model, float *din, const float *dout,
                                                const float *in, FlParam w, int N, int In, int Out);
G_GNUC_INTERNAL void _fl_model_run_tasks (FlModel *model, FlTaskFunc fn, gpointer data);

/* fl-model-branches.c: the vectors x[k] (N,D) of the model's branches in
 * set (a mask of FL_BRANCH_BIT()s) from the batch, with modality dropout
 * applied; FALSE if the batch lacks one. And their adjoint, from dact.x[k]. */
G_GNUC_INTERNAL gboolean _fl_model_branches_forward (FlModel *model, const FlBatch *batch, guint set);
G_GNUC_INTERNAL void     _fl_model_branches_backward (FlModel *model, const FlBatch *batch);
/* The conv weights a slice's partial block holds (image, then audio) and
 * the scratch one thread's slices take. */
G_GNUC_INTERNAL gsize    _fl_model_partial_size (const FlModel *model);
G_GNUC_INTERNAL gsize    _fl_model_scratch_size (const FlModel *model);

/* fl-model-fusion.c: f and the logits from the branch vectors; and from d
 * logits to dact.x[k]. */
G_GNUC_INTERNAL void _fl_model_fuse_forward (FlModel *model, int N);
G_GNUC_INTERNAL void _fl_model_fuse_backward (FlModel *model, const gint32 *labels, int N);
/* For late, the heads' own cross-entropies, in branch order, added to
 * loss (the fused one): the training loss. */
G_GNUC_INTERNAL double _fl_model_late_objective (FlModel *model, const gint32 *labels, int N,
                                                 double loss);

/* fl-model-config.c: lays out an Acts for n samples inside block (or, with
 * block NULL, only counts); returns the number of floats needed. */
G_GNUC_INTERNAL gsize _fl_model_layout_acts (Acts *a, float *block, const FlConfig *c, int n);
