/* SPDX-License-Identifier: MIT
 *
 * fl-ops.h — the engine's operators.
 *
 * Every layer is a pair of plain functions over a whole batch: outputs first,
 * then inputs, then every size spelled out. Tensors are row-major float
 * arrays; images are NCHW. Backward functions *accumulate* (+=) into weight
 * and bias gradients, and *overwrite* the input gradient. An input gradient
 * pointer may be NULL when nobody needs it (the first layer of a branch).
 *
 * Layouts follow PyTorch so weights move between the two without reshaping:
 * a linear weight is (out, in), a conv weight is (K, C, 3, 3). The one
 * exception is the embedding-bag, whose weight is stored (V, H) — the
 * transpose of torch's Linear(V, H).weight — so that one token is one
 * contiguous row.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- 3x3 convolution, stride 1, padding 1 ----------------------------- */

/* Scratch floats needed by fl_conv3x3_forward/backward for one image. */
gsize fl_conv3x3_scratch_size (int C, int H, int W);

/* in is (N,C,H,W); w is (K,C,3,3); b is (K), or NULL for none (the conv
 * blocks add it after pooling); out is (N,K,H,W). scratch holds
 * fl_conv3x3_scratch_size() floats. */
void fl_conv3x3_forward (float       *out,
                         const float *in,
                         const float *w,
                         const float *b,
                         float       *scratch,
                         int N, int C, int H, int W, int K);

/* dout is (N,K,H,W). Accumulates dw (K,C,3,3) and db (K) unless it is
 * NULL; writes din (N,C,H,W) unless it is NULL. */
void fl_conv3x3_backward (float       *din,
                          float       *dw,
                          float       *db,
                          const float *dout,
                          const float *in,
                          const float *w,
                          float       *scratch,
                          int N, int C, int H, int W, int K);

/* ---- 2x2 max-pooling, stride 2 ----------------------------------------- */

/* in is (N,C,H,W) with H and W even; out is (N,C,H/2,W/2); argmax (same
 * shape as out) records which of the four inputs won, as an offset into in. */
void fl_maxpool2_forward (float       *out,
                          gint32      *argmax,
                          const float *in,
                          int N, int C, int H, int W);

/* Routes each dout to the input that won; din (N,C,H,W) is overwritten. */
void fl_maxpool2_backward (float        *din,
                           const float  *dout,
                           const gint32 *argmax,
                           int N, int C, int H, int W);

/* ---- a conv block's 2x2 max-pool → + bias → ReLU ----------------------
 *
 * conv → + b → ReLU → pool, as the SPEC has it, in one pass over the conv's
 * output taken without its bias: max-pooling commutes with adding one
 * number and with the ReLU (both monotone), so pooling first gives the same
 * values on a map four times smaller. */

/* in is (N,C,H,W), the conv's output without b (C); out (N,C,H/2,W/2) =
 * max(max of each window + b, 0); argmax as fl_maxpool2_forward's. */
void fl_pool2_bias_relu_forward (float       *out,
                                 gint32      *argmax,
                                 const float *in,
                                 const float *b,
                                 int N, int C, int H, int W);

/* dout is out's gradient: routes it, where out > 0, to the window's
 * winner in din (N,C,H,W), overwritten, and accumulates db (C). */
void fl_pool2_bias_relu_backward (float        *din,
                                  float        *db,
                                  const float  *dout,
                                  const float  *out,
                                  const gint32 *argmax,
                                  int N, int C, int H, int W);

/* ---- a conv block's forward ------------------------------------------------ */

/* Scratch floats fl_conv3x3_pool_forward() needs. */
gsize fl_conv3x3_pool_forward_scratch_size (int C, int H, int W, int K);

/* in (N,C,H,W) → conv (w (K,C,3,3), no bias) → fl_pool2_bias_relu_forward()
 * with b (K): out (N,K,H/2,W/2) and argmax (offsets into the conv's
 * (N,K,H,W) map), to float rounding the same as those two calls, one image
 * at a time: the conv's map is never whole. Where the processor
 * has AVX-512, a direct convolution (fl-ops-conv.c); else im2col + sgemm. */
void fl_conv3x3_pool_forward (float       *out,
                              gint32      *argmax,
                              const float *in,
                              const float *w,
                              const float *b,
                              float       *scratch,
                              int N, int C, int H, int W, int K);

/* Whether the engine's own AVX-512 kernels run: fl_conv3x3_pool_forward()'s
 * direct route and the sums of fl_conv3x3_pool_weight_grad() and
 * fl_conv3x3_pool_input_grad(). Allowed by default; process-wide, set
 * before any model runs (the benchmark and the tests switch them off to
 * compare). */
gboolean fl_conv3x3_direct (void);
void fl_conv3x3_set_direct (gboolean allowed);

/* ---- a conv block's backward from its pooled gradient ------------------ */

/* Scratch floats fl_conv3x3_pool_weight_grad() needs. */
gsize fl_conv3x3_pool_weight_grad_scratch_size (int C, int H, int W, int K);

/* The backward of in (N,C,H,W) → conv (w (K,C,3,3), no bias) →
 * fl_pool2_bias_relu_forward() (out, argmax, b), in two parts, without
 * the conv's gradient map: from dout (N,K,H/2,W/2), out's gradient, this
 * one accumulates dw and db (K) as fl_pool2_bias_relu_backward() then
 * fl_conv3x3_backward() would (db to the bit, dw to float rounding). */
void fl_conv3x3_pool_weight_grad (float        *dw,
                                  float        *db,
                                  const float  *dout,
                                  const float  *out,
                                  const gint32 *argmax,
                                  const float  *in,
                                  float        *scratch,
                                  int N, int C, int H, int W, int K);

/* Scratch floats fl_conv3x3_pool_input_grad() needs. */
gsize fl_conv3x3_pool_input_grad_scratch_size (int C, int H, int W, int K);

/* The same backward's input gradient: din (N,C,H,W), overwritten, as
 * fl_pool2_bias_relu_backward() then fl_conv3x3_backward() would write
 * it, to float rounding, from dout, out and argmax alone. */
void fl_conv3x3_pool_input_grad (float        *din,
                                 const float  *dout,
                                 const float  *out,
                                 const gint32 *argmax,
                                 const float  *w,
                                 float        *scratch,
                                 int N, int C, int H, int W, int K);

/* ---- linear ---------------------------------------------------------- */

/* in is (N,In); w is (Out,In); b is (Out); out is (N,Out) = in · w^T + b. */
void fl_linear_forward (float       *out,
                        const float *in,
                        const float *w,
                        const float *b,
                        int N, int In, int Out);

/* dw += dout^T · in; db += Σ_n dout; din = dout · w (skipped if NULL). */
void fl_linear_backward (float       *din,
                         float       *dw,
                         float       *db,
                         const float *dout,
                         const float *in,
                         const float *w,
                         int N, int In, int Out);

/* ---- ReLU (in place) ---------------------------------------------------- */

/* x = max(x, 0) over n elements. */
void fl_relu_forward (float *x, gsize n);

/* dx *= (y > 0), where y is the ReLU's output. */
void fl_relu_backward (float *dx, const float *y, gsize n);

/* ---- embedding-bag over a sparse multi-hot input ---------------------- */

/* Sample n's tokens are idx[off[n] .. off[n+1]); each is a row of w (V,H).
 * out (N,H) = b + Σ w[idx]. Costs O(tokens·H), never O(V·H). */
void fl_embag_forward (float       *out,
                       const gint32 *off,
                       const gint32 *idx,
                       const float *w,
                       const float *b,
                       int N, int H);

/* dw[idx] += dout[n]; db += Σ_n dout. Only the rows present are touched. */
void fl_embag_backward (float        *dw,
                        float        *db,
                        const float  *dout,
                        const gint32 *off,
                        const gint32 *idx,
                        int N, int H);

/* ---- GRU: one layer of torch.nn.GRU over padded token sequences ------- */

/* Gates in torch's order and convention, for each step t < len[i] of
 * sample i (x_t its input, h_t the state before, h_0 = 0):
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr)    z = σ(W_iz x + b_iz + W_hz h + b_hz)
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))    h_{t+1} = (1 − z) ⊙ n + z ⊙ h
 * w_ih (3D,E), w_hh (3D,D), b_ih and b_hh (3D) are weight_ih_l0 …
 * bias_hh_l0, rows r, z, n. A step t ≥ len[i] is padding: the state goes
 * through unchanged, so h (N,T+1,D) ends on the last valid state.
 * x is (N,T,E); g (N,T,3D) receives r, z, n and hn (N,T,D) W_hn h + b_hn,
 * kept for backward (a padding step's are left undefined). */
void fl_gru_forward (float        *h,
                     float        *g,
                     float        *hn,
                     const float  *x,
                     const gint32 *len,
                     const float  *w_ih,
                     const float  *w_hh,
                     const float  *b_ih,
                     const float  *b_hh,
                     int N, int T, int E, int D);

/* Backward through time. dh (N,T+1,D) holds dL/dh_t from outside (from
 * fl_gru_pool_backward()) and receives the whole of it; dg (N,T,3D) the
 * gradients of the gates before their activations (those of the input
 * part), dhn (N,T,D) that of W_hn h + b_hn; a padding step's are 0.
 * dx (N,T,E), unless NULL, is overwritten. */
void fl_gru_backward (float        *dx,
                      float        *dh,
                      float        *dg,
                      float        *dhn,
                      const float  *h,
                      const float  *g,
                      const float  *hn,
                      const gint32 *len,
                      const float  *w_ih,
                      const float  *w_hh,
                      int N, int T, int E, int D);

/* Accumulates the weights' gradients from fl_gru_backward()'s dg and dhn. */
void fl_gru_backward_weights (float        *dw_ih,
                              float        *dw_hh,
                              float        *db_ih,
                              float        *db_hh,
                              const float  *dg,
                              const float  *dhn,
                              const float  *x,
                              const float  *h,
                              int N, int T, int E, int D);

/* out (N,D): the last valid state (h_T, where padding carried it), or with
 * mean the mean of h_1 … h_len (0 for an empty sequence). */
void fl_gru_pool_forward (float        *out,
                          const float  *h,
                          const gint32 *len,
                          gboolean      mean,
                          int N, int T, int D);

/* Overwrites dh (N,T+1,D) with the pooling's adjoint of dout (N,D). */
void fl_gru_pool_backward (float        *dh,
                           const float  *dout,
                           const gint32 *len,
                           gboolean      mean,
                           int N, int T, int D);

/* ---- softmax cross-entropy -------------------------------------------- */

/* logits is (N,C); labels is (N). Returns the mean loss over the batch.
 * probs (N,C) receives the softmax, computed with a stable log-sum-exp.
 * dlogits, unless NULL, receives d(mean loss)/d logits = (probs - onehot)/N. */
double fl_softmax_xent (float       *probs,
                        float       *dlogits,
                        const float *logits,
                        const gint32 *labels,
                        int N, int C);

/* ---- fusion of K branch vectors ---------------------------------------- */

/* A model has at most this many branches (image, text, audio, numeric). */
#define FL_MAX_BRANCHES 4

/* The routes; their numbers are kept in files, so new ones go at the end.
 * x_1 … x_K are the branch vectors (N,D) of the K branches a model has, in
 * the order image, text, audio, numeric: for two, a and b. */
typedef enum {
  FL_FUSION_CONCAT,   /* f = [x_1; …; x_K]      (K·D) */
  FL_FUSION_MEAN,     /* f = (x_1 + … + x_K)/K  (D)  */
  FL_FUSION_PRODUCT,  /* f = a ⊙ b for two; for K ≥ 3 (see below)
                       * f = (1 + x_1) ⊙ … ⊙ (1 + x_K) − 1  (D) */
  FL_FUSION_IMAGE,    /* f = a                  (D)  */
  FL_FUSION_TEXT,     /* f = b                  (D)  */
  FL_FUSION_GATED,    /* f = Σ_k z_k ⊙ tanh(W_k x_k)  (D): fl_gmu_*() */
  FL_FUSION_LATE,     /* a head per branch, their logits mixed: fl_late_*();
                       * its f is [x_1; …; x_K] (K·D), the heads' inputs */
  FL_FUSION_LOWRANK,  /* f = Σ_r Π_k (W_r^k [x_k;1])  (D): fl_lmf_*() */
  FL_FUSION_AUDIO,    /* f = the audio branch's vector  (D) */
  FL_FUSION_NUMERIC,  /* f = the numeric branch's vector (D) */
  FL_N_FUSIONS
} FlFusion;

/* Product over three or four branches. Each x_k comes out of a ReLU, so
 * about half its features are 0, and x_1 ⊙ … ⊙ x_K is 0 wherever any one
 * is: with K = 4 at init only ~1/16 of the features are alive, their
 * values are products of four small numbers, and each branch's gradient,
 * Π_{j≠k} x_j, vanishes with them; modality dropout, which zeroes a
 * branch, zeroes the whole fused vector. Π_k (1 + x_k) − 1 = Σ x_k +
 * Σ x_j x_k + … + Π x_k, the sum of the products of every non-empty set
 * of the branch vectors, keeps every multiplicative interaction, the full
 * K-way product among them (as the Tensor Fusion Network appends a 1 to
 * each vector before its outer product, Zadeh et al. 2017; here feature
 * by feature); its gradient Π_{j≠k} (1 + x_j) ≥ 1 never vanishes, and a
 * dropped branch is the neutral factor 1. The − 1 keeps f = 0 where every
 * x_k is, as every other route does, and lets f be formed without adding
 * small x_k to 1 in float. Measured on four-branch data whose 16 classes need
 * every branch (one binary factor per branch, each alone a weak cue, as
 * tests/test-trainer.c makes its four-branch data; 640 samples, batch 16,
 * 10 epochs, mean validation accuracy over 3 seeds):
 *
 *                                    D = 16   D = 16, dropout 0.2   D = 128
 *   concat, for comparison           0.86     0.86                  0.86
 *   x_1 ⊙ … ⊙ x_4 (ReLU'd)           0.53     0.59                  0.84
 *   the branches' vectors un-ReLU'd  0.86     0.77                  0.85
 *   (1 + x_1) ⊙ … ⊙ (1 + x_4) − 1    0.86     0.86                  0.84
 *
 * (the un-ReLU'd product suffers from modality dropout as the ReLU'd one
 * does: a dropped branch zeroes the whole vector). On tests/test-trainer.c's
 * four-branch data itself (D = 16, dropout 0.2, 3 epochs) the ReLU'd
 * product stayed at chance (0.50), (1 + x) reaches 1.00, as concat does.
 * On the three-modality demo (tools/make-trimodal-demo.py --noise-column,
 * 480 samples, 20 epochs, D = 128, seeds 42 to 44), over image, text and
 * audio the ReLU'd product reached 0.75 (0.63, 0.91, 0.73) and (1 + x) − 1
 * 0.86 (0.90, 0.75, 0.93); with the noise column as a fourth branch 0.59
 * against 0.77 (concat: 0.96).
 *
 * Two branches keep a ⊙ b, whose numbers are in files and in the PyTorch
 * fixture, and which trains well: half the features alive, not 1/16. */

/* The index of name in names[0..n), or -1: the engine's enums read back
 * from their names. */
int         fl_name_index (const char *const *names, int n, const char *name);

const char *fl_fusion_to_string (FlFusion fusion);
/* Returns FALSE for an unknown name. */
gboolean    fl_fusion_from_string (const char *name, FlFusion *fusion);
/* Width of the fused vector of K D-wide branch vectors. */
int         fl_fusion_width (FlFusion fusion, int K, int D);
/* The one branch of a unimodal route (image 0, text 1, audio 2, numeric 3,
 * as FlBranch numbers them), or -1 for a route that fuses branches. */
int         fl_fusion_single_branch (FlFusion fusion);

/* Whether the route fuses with parameters of its own (gated, lowrank):
 * those go through fl_gmu_*() and fl_lmf_*(), not fl_fusion_forward(). */
gboolean    fl_fusion_has_params (FlFusion fusion);

/* The parameter-free fusions (late: the concatenation its heads read) of
 * x[0..K), each (N,D); a unimodal route takes K = 1. out is
 * (N, fl_fusion_width(fusion, K, D)). */
void fl_fusion_forward (float              *out,
                        const float *const *x,
                        int                 K,
                        FlFusion            fusion,
                        int N, int D);

/* dout is (N,F). Overwrites dx[0..K), each (N,D). */
void fl_fusion_backward (float *const       *dx,
                         const float        *dout,
                         const float *const *x,
                         int                 K,
                         FlFusion            fusion,
                         int N, int D);

/* ---- gated multimodal unit (Arevalo et al. 2017, "Gated Multimodal
 * Units for Information Fusion", arXiv:1702.01992), over K ≥ 2 branches - */

/* x[k] are (N,D); w[k] (D,D) and wz ((K-1)·D, K·D) are nn.Linear weights
 * (out, in), with biases b[k] (D) and bz ((K-1)·D):
 *   h_k = tanh(x_k·w_k^T + b_k)     l = [x_1, …, x_K]·wz^T + bz
 *   z = softmax over [l_1 … l_{K-1}, 0], feature by feature
 *   out = Σ_k z_k ⊙ h_k
 * For K = 2 the softmax is σ: z = σ(W_z [a; b]), out = z ⊙ h_1 + (1 − z) ⊙
 * h_2, Arevalo's unit exactly. h[k] (N,D) and z (N,(K-1)·D), z_1 … z_{K-1}
 * (the last branch's weight is 1 − their sum), are kept for backward. */
void fl_gmu_forward (float              *out,
                     float *const       *h,
                     float              *z,
                     const float *const *x,
                     const float *const *w,
                     const float *const *b,
                     const float        *wz,
                     const float        *bz,
                     int K, int N, int D);

/* dout is (N,D). Accumulates dw[k], db[k], dwz and dbz (shaped as their
 * parameters); overwrites dx[k] (N,D). */
void fl_gmu_backward (float *const       *dx,
                      float *const       *dw,
                      float *const       *db,
                      float              *dwz,
                      float              *dbz,
                      const float        *dout,
                      const float *const *x,
                      const float *const *h,
                      const float        *z,
                      const float *const *w,
                      const float        *wz,
                      int K, int N, int D);

/* ---- low-rank bilinear fusion (Liu et al. 2018, "Efficient Low-rank
 * Multimodal Fusion with Modality-Specific Factors", ACL, LMF) -------- */

/* x[k] are (N,D); w[k] are (R,D,D+1): factor r of branch k is the (D,D+1)
 * matrix W_r^k = w[k][r], whose last column multiplies the appended 1.
 *   p[k][r] = [x_k,1]·W_r^k^T                 (R,N,D) each, kept
 *   out (N,D) = Σ_r Π_k p[k][r]
 * a rank-R factorisation of the multilinear map ⊗_k [x_k;1] → D. */
void fl_lmf_forward (float              *out,
                     float *const       *p,
                     const float *const *x,
                     const float *const *w,
                     int K, int N, int D, int R);

/* dout is (N,D). Accumulates dw[k] (R,D,D+1); overwrites dx[k] (N,D). */
void fl_lmf_backward (float *const       *dx,
                      float *const       *dw,
                      const float        *dout,
                      const float *const *x,
                      const float *const *p,
                      const float *const *w,
                      int K, int N, int D, int R);

/* ---- late fusion: a learned vote of K heads' logits -------------------- */

/* w (K) = softmax(alpha (K)). */
void fl_late_weights (float *w, const float *alpha, int K);

/* l[k] are the heads' logits (N,C); alpha (K) the learned scores. w (K) =
 * softmax(alpha) is written out; out (N,C) = Σ_k w_k·l_k. */
void fl_late_forward (float              *out,
                      float              *w,
                      const float *const *l,
                      const float        *alpha,
                      int K, int N, int C);

/* dout is (N,C). Overwrites dl[k] = w_k·dout (N,C); accumulates dalpha
 * (K): dα_j = w_j (g_j − Σ_k w_k g_k), g_k = Σ dout ⊙ l_k, the softmax's
 * Jacobian applied to dL/dw. */
void fl_late_backward (float *const       *dl,
                       float              *dalpha,
                       const float        *dout,
                       const float *const *l,
                       const float        *alpha,
                       int K, int N, int C);

G_END_DECLS
