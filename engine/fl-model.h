/* SPDX-License-Identifier: MIT
 *
 * fl-model.h — the reference model of SPEC §4, over a set of branches.
 *
 *   image (N,3,S,S) → conv3x3(3→c1) → ReLU → maxpool2 → conv3x3(c1→c2) → ReLU
 *                   → maxpool2 → flatten (c2·(S/4)²) → linear(→D) → ReLU   = a
 *   text  bag of V  → embedding-bag(V→Ht) → ReLU → linear(Ht→D) → ReLU     = b
 *     or  tokens in order (≤ max_tokens) → embedding(V→Ht) → GRU(Ht→D), its
 *         last valid state → linear(D→D) → ReLU                           = b
 *   audio (N,1,M,T) → conv3x3(1→a1) → ReLU → maxpool2 → conv3x3(a1→a2) → ReLU
 *                   → maxpool2 → maxpool2 → flatten (a2·(M/8)·(T/8))
 *                   → linear(→D) → ReLU                                   = c
 *   numeric (N,2K)  → linear(2K→Hn) → ReLU → linear(Hn→D) → ReLU          = d
 *   fuse (x_1 … x_k) → f (F) → linear(F→Hh) → ReLU → linear(Hh→C) → logits
 *
 * A model has a set of branches (FlBranch, a mask in FlConfig.branches):
 * any two or more for a fusion route, one for a unimodal one. x_1 … x_k are
 * the vectors of the branches it has, in the order image, text, audio,
 * numeric; an image + text model is the model of before, to the bit.
 *
 * The fusion routes (FlFusion) are concat, mean, product, the unimodal
 * baselines, and three with parameters of their own. Product is a ⊙ b
 * for two branches and (1 + x_1) ⊙ … ⊙ (1 + x_k) − 1 for three or four: a
 * product of k ReLU outputs is 0 wherever any one is, and with four
 * branches trained poorly (fl-ops.h says why, and what was measured).
 * With parameters:
 *   gated    the gated multimodal unit (Arevalo et al. 2017), with a k-way
 *            softmax gate: fl_gmu_*()
 *   lowrank  low-rank bilinear fusion, rank R (Liu et al. 2018, LMF), a
 *            factor per branch: fl_lmf_*()
 *   late     no shared head: a head per branch, each as the shared one
 *            (linear(D→Hh) → ReLU → linear(Hh→C)), whose logits are mixed
 *            with weights w = softmax(α), α (k) learned and initialised to 0
 *            (an even vote). Its training loss adds each head's own
 *            cross-entropy to the fused one, loss = CE(fused) + Σ CE(head),
 *            weights 1 each: auxiliary unimodal losses, the simple form of
 *            gradient blending (Wang et al. 2020, "What Makes Training
 *            Multi-modal Classification Networks Hard?"), so that no head
 *            is left untrained while the others carry the vote.
 *
 * Parameters, their gradients and the two Adam moments each live in one flat
 * block of floats; fl_model_tensor() names the pieces. Branches a model does
 * not have, and the parameters of other routes, have no parameters at all.
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

/* The branches, and a set of them as a mask of (1 << branch). */
typedef enum {
  FL_BRANCH_IMAGE = 0,
  FL_BRANCH_TEXT = 1,
  FL_BRANCH_AUDIO = 2,
  FL_BRANCH_NUMERIC = 3,
  FL_N_BRANCHES
} FlBranch;

G_STATIC_ASSERT (FL_N_BRANCHES == FL_MAX_BRANCHES);

#define FL_BRANCH_BIT(branch) (1u << (branch))
#define FL_BRANCHES_ALL ((1u << FL_N_BRANCHES) - 1)
/* The set of every model before branch sets: image and text. */
#define FL_BRANCHES_IMAGE_TEXT (FL_BRANCH_BIT (FL_BRANCH_IMAGE) | FL_BRANCH_BIT (FL_BRANCH_TEXT))

/* "image", "text", "audio", "numeric" */
const char *fl_branch_to_string (FlBranch branch);
gboolean    fl_branch_from_string (const char *name, FlBranch *branch);
/* "image,text,audio": the set's names in branch order, comma-separated
 * (a new string; "" for 0). */
char       *fl_branches_to_string (guint branches);
/* Parses what fl_branches_to_string() writes, in any order; FALSE for an
 * unknown name, a repeated one or none. */
gboolean    fl_branches_from_string (const char *names, guint *branches);
int         fl_branches_count (guint branches);

/* The text branch's encoder; the numbers are not kept in files (names are). */
typedef enum {
  FL_TEXT_BOW,   /* a bag of words: an embedding-bag over the set of tokens */
  FL_TEXT_GRU,   /* the tokens in order through a GRU (fl_gru_*()) */
  FL_N_TEXT_ENCODERS
} FlTextEncoder;

/* "bow", "gru" */
const char *fl_text_encoder_to_string (FlTextEncoder encoder);
/* Returns FALSE for an unknown name. */
gboolean    fl_text_encoder_from_string (const char *name, FlTextEncoder *encoder);

/* What the gru makes of its states h_1 … h_len (len = the text's tokens,
 * max_tokens at most): the last one (torch.nn.GRU's h_n), or their mean.
 * An empty text gives 0 either way. The bag of words has no steps. */
typedef enum {
  FL_TEXT_POOL_LAST,   /* the default, what every gru model was before */
  FL_TEXT_POOL_MEAN,
  FL_N_TEXT_POOLS
} FlTextPool;

/* "last", "mean" */
const char *fl_text_pool_to_string (FlTextPool pool);
/* Returns FALSE for an unknown name. */
gboolean    fl_text_pool_from_string (const char *name, FlTextPool *pool);

/* The GRU reads at most this many tokens of a text by default: every text
 * of the icons (1 to 5 words, median 2) and of the emoji (1 to 12, median
 * 3, 99% at most 8) whole, and a sentence or two of a caption; a batch
 * costs what its longest text takes, not this. */
#define FL_MAX_TOKENS_DEFAULT 32

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
  int      rank;         /* R of the lowrank fusion (8); other routes ignore it */
  /* The branches the model has, a mask of FL_BRANCH_BIT()s: two or more
   * for a fusion route. 0 means image and text for a fusion route (what
   * every model was before branch sets) and the route's own branch for a
   * unimodal one, which may name only that: fl_config_branches(). */
  guint    branches;
  int      audio_mels;   /* M: the spectrogram's mel bands (64), a multiple of 8 */
  int      audio_frames; /* T: its frames (200), a multiple of 8 */
  int      n_numeric;    /* K numeric columns: the branch reads 2K values */
  int      numeric_hidden; /* Hn: width of the numeric branch's hidden layer (64) */
  int      audio_conv1;  /* a1: channels of the audio branch's first conv (16) */
  int      audio_conv2;  /* a2: channels of its second conv (32) */
  FlTextEncoder text_encoder; /* bow (what every model was before) or gru */
  int      max_tokens;   /* gru: the tokens of a text it reads, the first ones (32) */
  FlTextPool text_pool;  /* gru: its feature, the last state (the default) or the mean */
} FlConfig;

/* The branches a model of cfg has, 0 resolved (see FlConfig.branches). */
guint    fl_config_branches (const FlConfig *cfg);
gboolean fl_config_has_branch (const FlConfig *cfg, FlBranch branch);

/* The defaults of SPEC §4; vocab_size and n_classes are left 0. */
void     fl_config_init_default (FlConfig *cfg);
/* Checks every size, and what the forward pass of one sample would take
 * (fl_config_activations(), at most 2²⁷ floats); sets a
 * FL_ENGINE_ERROR_INVALID naming the bad field. */
gboolean fl_config_validate (const FlConfig *cfg, GError **error);
/* The floats the forward pass of one sample takes (its activations); cfg's
 * sizes must each be in range. */
gsize    fl_config_activations (const FlConfig *cfg);
/* The largest batch a model of cfg takes: the pooling's arg-maxes are
 * 32-bit offsets into the conv maps of a slice of the batch. */
int      fl_config_max_batch (const FlConfig *cfg);

typedef enum {
  FL_P_CONV1_W, FL_P_CONV1_B,
  FL_P_CONV2_W, FL_P_CONV2_B,
  FL_P_IMG_FC_W, FL_P_IMG_FC_B,
  FL_P_TXT_EMB_W, FL_P_TXT_EMB_B,
  FL_P_TXT_FC_W, FL_P_TXT_FC_B,
  /* the gru text encoder: torch.nn.GRU(Ht, D)'s weight_ih_l0 (3D,Ht),
   * weight_hh_l0 (3D,D), bias_ih_l0 and bias_hh_l0 (3D); empty for bow, so
   * a bow model's tensors keep their offsets */
  FL_P_TXT_GRU_W_IH, FL_P_TXT_GRU_W_HH, FL_P_TXT_GRU_B_IH, FL_P_TXT_GRU_B_HH,
  FL_P_HEAD1_W, FL_P_HEAD1_B,
  FL_P_HEAD2_W, FL_P_HEAD2_B,
  /* gated: the GMU's three nn.Linear layers */
  FL_P_GMU_V_W, FL_P_GMU_V_B,   /* (D,D), (D): h_v = tanh(W_v a) */
  FL_P_GMU_T_W, FL_P_GMU_T_B,   /* (D,D), (D): h_t = tanh(W_t b) */
  FL_P_GMU_Z_W, FL_P_GMU_Z_B,   /* (D,2D), (D): z = σ(W_z [a; b]) */
  /* lowrank: the R factors of each modality, (R,D,D+1) each, the bias as
   * their last column */
  FL_P_LMF_A, FL_P_LMF_B,
  /* late: the image head and the text head, each as head1/head2 */
  FL_P_LATE_IMG1_W, FL_P_LATE_IMG1_B,
  FL_P_LATE_IMG2_W, FL_P_LATE_IMG2_B,
  FL_P_LATE_TXT1_W, FL_P_LATE_TXT1_B,
  FL_P_LATE_TXT2_W, FL_P_LATE_TXT2_B,
  FL_P_LATE_ALPHA,              /* (k): the heads' weights, softmax(α) */
  /* the audio branch (as the image one) and the numeric branch */
  FL_P_AUD_CONV1_W, FL_P_AUD_CONV1_B,
  FL_P_AUD_CONV2_W, FL_P_AUD_CONV2_B,
  FL_P_AUD_FC_W, FL_P_AUD_FC_B,
  FL_P_NUM_FC1_W, FL_P_NUM_FC1_B,
  FL_P_NUM_FC2_W, FL_P_NUM_FC2_B,
  /* their parts of gated (h = tanh(W x)), lowrank (a factor each) and late
   * (a head each); with more than two branches gmu_z is ((k-1)·D, k·D) */
  FL_P_GMU_AUD_W, FL_P_GMU_AUD_B,
  FL_P_GMU_NUM_W, FL_P_GMU_NUM_B,
  FL_P_LMF_AUD, FL_P_LMF_NUM,
  FL_P_LATE_AUD1_W, FL_P_LATE_AUD1_B,
  FL_P_LATE_AUD2_W, FL_P_LATE_AUD2_B,
  FL_P_LATE_NUM1_W, FL_P_LATE_NUM1_B,
  FL_P_LATE_NUM2_W, FL_P_LATE_NUM2_B,
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
 * are tok_idx[tok_off[i] .. tok_off[i+1]); audio is (n,1,M,T), normalised
 * per mel band; numeric is (n,2K), K standardised values (0 where the cell
 * was empty) then K missing indicators (1 where it was); labels may be NULL
 * when only predicting. A branch the model does not have may be NULL. */
typedef struct {
  int           n;
  const float  *images;
  const gint32 *tok_off;
  const gint32 *tok_idx;
  const gint32 *labels;
  /* Modality dropout, training only: NULL, or (n) masks of FlDrop, the
   * branches whose features sample i has zeroed (after their ReLU, so
   * their gradient is zero too). Ignored by the unimodal routes, which
   * have one branch only. */
  const guint8 *drop;
  const float  *audio;
  const float  *numeric;
} FlBatch;

/* Bits of FlBatch.drop: FL_BRANCH_BIT() of each branch. */
typedef enum {
  FL_DROP_NONE = 0,
  FL_DROP_IMAGE = 1 << FL_BRANCH_IMAGE,
  FL_DROP_TEXT = 1 << FL_BRANCH_TEXT,
  FL_DROP_AUDIO = 1 << FL_BRANCH_AUDIO,
  FL_DROP_NUMERIC = 1 << FL_BRANCH_NUMERIC,
} FlDrop;

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

/* Runs the forward pass. Returns the mean cross-entropy of the logits when
 * batch->labels is set, else 0 (for late, that of the fused logits only: the
 * figure every route reports; backward adds the heads' own). fl_model_probs() then holds the (n,C) softmax. */
double fl_model_forward (FlModel *model, const FlBatch *batch);

/* The training loss of the last forward with labels, the one backward
 * differentiates: fl_model_forward()'s figure, but for late
 * CE(fused) + the CE of each branch's head. */
double fl_model_objective (const FlModel *model);

/* Owned by the model; valid until the next forward. (n,C) */
const float *fl_model_logits (const FlModel *model);
const float *fl_model_probs (const FlModel *model);

/* The vectors the head is fed, and the gated route's gate, for looking
 * inside the model. The kinds before FL_N_FEATURE_MAPS are the vectors
 * that have a feature map (fl_run_feature_map()). */
typedef enum {
  FL_FEATURE_IMAGE,   /* a: the image branch's output, after its ReLU (D) */
  FL_FEATURE_TEXT,    /* b: the text branch's output, after its ReLU (D) */
  FL_FEATURE_FUSED,   /* f: the fusion of the branches, the head's input (F) */
  FL_FEATURE_GATE,    /* gated only: z_1 … z_{k-1}, the gate's weights of all
                       * branches but the last (which gets the rest); for two,
                       * z = σ(W_z [a; b]): 1 trusts a, 0 trusts b ((k-1)·D) */
  FL_FEATURE_AUDIO,   /* c: the audio branch's output, after its ReLU (D) */
  FL_FEATURE_NUMERIC, /* d: the numeric branch's output, after its ReLU (D) */
  FL_N_FEATURES,
  /* the interface's feature maps: image, text and fused */
  FL_N_FEATURE_MAPS = FL_FEATURE_GATE
} FlFeatureKind;

/* The feature kind of a branch's output. */
FlFeatureKind fl_branch_feature (FlBranch branch);

/* The width of features of kind in a model of cfg: D for a branch,
 * fl_fusion_width() or (k-1)·D; 0 for a branch the model does not have
 * (and for the gate of any route but gated). */
int          fl_config_feature_dim (const FlConfig *cfg, FlFeatureKind kind);

/* After a forward pass, the (n, *dim) features of kind of its n samples;
 * owned by the model, valid until the next forward. NULL, with *dim 0,
 * before the first forward and for a branch the route does not have. */
const float *fl_model_features (const FlModel *model, FlFeatureKind kind, int *dim);

/* The late route's current weights of its heads, softmax(α), one per
 * branch it has in branch order (w has room for FL_N_BRANCHES; for image +
 * text, w[0] is the image head's); returns how many, or 0 (and w left
 * alone) for any other route. */
int          fl_model_late_weights (const FlModel *model, float w[FL_N_BRANCHES]);

/* Sets the gradient block to d(training loss)/d params for the batch of the
 * last forward (which must have had labels): the mean cross-entropy, for
 * late plus its heads' own. */
void fl_model_backward (FlModel *model, const FlBatch *batch);

/* The matching task (fl-matcher.h) uses the branches only. Runs each
 * branch's forward pass, not the fusion or the head; fl_model_features()
 * of each branch then holds its (n,D) vector. batch->drop must be NULL.
 * FALSE if the batch lacks a branch the model has. */
gboolean fl_model_forward_branches (FlModel *model, const FlBatch *batch);
/* The same for the model's branches in the set branches (a mask of
 * FL_BRANCH_BIT()s) only: the batch needs only their inputs, and the other
 * branches' features are left as they were. One modality embedded alone
 * (fl-embedder.h) runs no other branch. */
gboolean fl_model_forward_branch_set (FlModel *model, const FlBatch *batch, guint branches);

/* After fl_model_forward_branches() of this batch: sets the gradient block
 * to the adjoint of dx, dx[k] (n,D) being dL/d(branch k's vector) for each
 * branch the model has (indexed by FlBranch). The parameters of the fusion
 * and the head get 0, so an Adam step leaves them as they are. */
void     fl_model_backward_branches (FlModel            *model,
                                     const FlBatch      *batch,
                                     const float *const  dx[FL_N_BRANCHES]);

/* One step of torch.optim.Adam with default flags (no weight decay, no
 * amsgrad), applied to the whole parameter block but for the frozen
 * branches' tensors. */
void fl_model_adam_step (FlModel *model, const FlAdamParams *hp);

/* The parameters of a branch, first to last: a run of FlParam in enum
 * order, and so one contiguous block of the flat parameters. */
void  fl_branch_params (FlBranch branch, FlParam *first, FlParam *last);

/* Freezes the branches of the mask (FL_BRANCH_BIT()s; 0 thaws them all):
 * backward leaves their gradients 0 and skips their work, and Adam skips
 * their tensors, so their weights and their moments stay as they are.
 * The rest trains as before, to the bit. */
void  fl_model_set_frozen (FlModel *model, guint branches);
guint fl_model_get_frozen (const FlModel *model);

G_END_DECLS
