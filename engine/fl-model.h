/* SPDX-License-Identifier: MIT
 *
 * fl-model.h — the reference model of SPEC §4.
 *
 *   image (N,3,S,S) → conv3x3(3→c1) → ReLU → maxpool2 → conv3x3(c1→c2) → ReLU
 *                   → maxpool2 → flatten (c2·(S/4)²) → linear(→D) → ReLU   = a
 *   text  bag of V  → embedding-bag(V→Ht) → ReLU → linear(Ht→D) → ReLU     = b
 *   fuse (a, b) → f (F) → linear(F→Hh) → ReLU → linear(Hh→C) → logits
 *
 * Parameters, their gradients and the two Adam moments each live in one flat
 * block of floats; fl_model_tensor() names the pieces. Branches a fusion route
 * does not use have no parameters at all.
 */
#pragma once

#include <gio/gio.h>

#include "fl-ops.h"

G_BEGIN_DECLS

#define FL_ENGINE_ERROR (fl_engine_error_quark ())
GQuark fl_engine_error_quark (void);

/* Cancelling is not among these: it is reported only as G_IO_ERROR_CANCELLED,
 * the error g_cancellable_set_error_if_cancelled() sets. */
typedef enum {
  FL_ENGINE_ERROR_INVALID,   /* a bad argument or configuration */
  FL_ENGINE_ERROR_NUMERIC,   /* a NaN or infinite loss */
  FL_ENGINE_ERROR_FORMAT,    /* a corrupt or unreadable file */
  FL_ENGINE_ERROR_DATA,      /* unusable data */
} FlEngineError;

typedef struct {
  int      image_size;   /* S: images are S×S, S a multiple of 4 */
  int      conv1;        /* channels of the first conv (32) */
  int      conv2;        /* channels of the second conv (64) */
  int      feat_dim;     /* D: width of each branch's output (128) */
  int      text_hidden;  /* Ht: width of the embedding-bag (100) */
  int      head_hidden;  /* Hh: width of the head's hidden layer (128) */
  int      vocab_size;   /* V */
  int      n_classes;    /* C */
  FlFusion fusion;
} FlConfig;

/* The defaults of SPEC §4; vocab_size and n_classes are left 0. */
void     fl_config_init_default (FlConfig *cfg);
/* Checks every size, and what the forward pass of one sample would take
 * (fl_config_activations(), at most 2²⁷ floats); sets a
 * FL_ENGINE_ERROR_INVALID naming the bad field. */
gboolean fl_config_validate (const FlConfig *cfg, GError **error);
/* The floats the forward pass of one sample takes (its activations); cfg's
 * sizes must each be in range. */
gsize    fl_config_activations (const FlConfig *cfg);

typedef enum {
  FL_P_CONV1_W, FL_P_CONV1_B,
  FL_P_CONV2_W, FL_P_CONV2_B,
  FL_P_IMG_FC_W, FL_P_IMG_FC_B,
  FL_P_TXT_EMB_W, FL_P_TXT_EMB_B,
  FL_P_TXT_FC_W, FL_P_TXT_FC_B,
  FL_P_HEAD1_W, FL_P_HEAD1_B,
  FL_P_HEAD2_W, FL_P_HEAD2_B,
  FL_N_PARAMS
} FlParam;

typedef struct {
  const char *name;      /* PyTorch-style name, "conv1.weight" */
  int         ndim;
  int         shape[4];
  gsize       numel;     /* 0 when the fusion route does not use it */
  gsize       offset;    /* into the flat parameter block */
} FlTensorInfo;

/* One mini-batch. images is (n,3,S,S), already normalised; sample i's tokens
 * are tok_idx[tok_off[i] .. tok_off[i+1]); labels may be NULL when only
 * predicting. Either modality may be NULL when the route does not use it. */
typedef struct {
  int           n;
  const float  *images;
  const gint32 *tok_off;
  const gint32 *tok_idx;
  const gint32 *labels;
} FlBatch;

/* In double, as PyTorch holds them: 1 - β is formed in double and only then
 * rounded to float, exactly as torch's kernels receive it. */
typedef struct {
  double lr;      /* 1e-3 */
  double beta1;   /* 0.9 */
  double beta2;   /* 0.999 */
  double eps;     /* 1e-8 */
} FlAdamParams;

void fl_adam_params_init_default (FlAdamParams *hp);

typedef struct FlModel FlModel;

/* Returns a new model with PyTorch's default initialisation drawn from seed,
 * or NULL with error set if cfg is invalid. Free with fl_model_free(). */
FlModel *fl_model_new (const FlConfig *cfg, guint64 seed, GError **error);
/* A model for predicting only: its parameters, all 0 until the caller fills
 * fl_model_params(), and no gradients or Adam moments, so it takes a
 * quarter of fl_model_new()'s memory. fl_model_grads(), fl_model_adam_m()
 * and fl_model_adam_v() return NULL; backward and Adam steps are
 * programmer errors. */
FlModel *fl_model_new_inference (const FlConfig *cfg, GError **error);
void     fl_model_free (FlModel *model);

/* The tensors a model of cfg has (names, shapes, sizes and offsets into
 * the flat block), without making one; returns the parameter count. cfg's
 * sizes must each be in range (fl_config_validate()). */
gsize    fl_model_layout (const FlConfig *cfg, FlTensorInfo tensors[FL_N_PARAMS]);

/* Splits each batch over this many threads (≤ 0: one per core); OpenBLAS
 * gets the same number between the split parts. The default is 1. */
void     fl_model_set_threads (FlModel *model, int threads);
int      fl_model_get_threads (const FlModel *model);

/* Re-draws every parameter from seed and clears the Adam state. */
void     fl_model_init_params (FlModel *model, guint64 seed);

/* Owned by the model. */
const FlConfig     *fl_model_config (const FlModel *model);
const FlTensorInfo *fl_model_tensor (const FlModel *model, FlParam p);

/* The flat blocks, n_params floats each; owned by the model (NULL, but for
 * the parameters, in a model from fl_model_new_inference()). */
gsize  fl_model_n_params (const FlModel *model);
float *fl_model_params (FlModel *model);
float *fl_model_grads (FlModel *model);
/* Adam's first and second moments. */
float *fl_model_adam_m (FlModel *model);
float *fl_model_adam_v (FlModel *model);
gint64 fl_model_adam_step_count (const FlModel *model);
void   fl_model_set_adam_step_count (FlModel *model, gint64 t);

/* Runs the forward pass. Returns the mean cross-entropy when batch->labels is
 * set, else 0. fl_model_probs() then holds the (n,C) softmax. */
double fl_model_forward (FlModel *model, const FlBatch *batch);

/* Owned by the model; valid until the next forward. (n,C) */
const float *fl_model_logits (const FlModel *model);
const float *fl_model_probs (const FlModel *model);

/* The vectors the head is fed, for looking inside the model. */
typedef enum {
  FL_FEATURE_IMAGE,   /* a: the image branch's output, after its ReLU (D) */
  FL_FEATURE_TEXT,    /* b: the text branch's output, after its ReLU (D) */
  FL_FEATURE_FUSED,   /* f: the fusion of a and b, the head's input (F) */
  FL_N_FEATURES
} FlFeatureKind;

/* The width of features of kind in a model of cfg: D, D or
 * fl_fusion_width(); 0 for a branch the route does not have. */
int          fl_config_feature_dim (const FlConfig *cfg, FlFeatureKind kind);

/* After a forward pass, the (n, *dim) features of kind of its n samples;
 * owned by the model, valid until the next forward. NULL, with *dim 0,
 * before the first forward and for a branch the route does not have. */
const float *fl_model_features (const FlModel *model, FlFeatureKind kind, int *dim);

/* Sets the gradient block to d(mean loss)/d params for the batch of the last
 * forward (which must have had labels). */
void fl_model_backward (FlModel *model, const FlBatch *batch);

/* One step of torch.optim.Adam with default flags (no weight decay, no
 * amsgrad), applied to the whole parameter block. */
void fl_model_adam_step (FlModel *model, const FlAdamParams *hp);

G_END_DECLS
