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

/* in is (N,C,H,W); w is (K,C,3,3); b is (K); out is (N,K,H,W).
 * scratch holds fl_conv3x3_scratch_size() floats. */
void fl_conv3x3_forward (float       *out,
                         const float *in,
                         const float *w,
                         const float *b,
                         float       *scratch,
                         int N, int C, int H, int W, int K);

/* dout is (N,K,H,W). Accumulates dw (K,C,3,3) and db (K); writes din
 * (N,C,H,W) unless it is NULL. */
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

/* ---- softmax cross-entropy -------------------------------------------- */

/* logits is (N,C); labels is (N). Returns the mean loss over the batch.
 * probs (N,C) receives the softmax, computed with a stable log-sum-exp.
 * dlogits, unless NULL, receives d(mean loss)/d logits = (probs - onehot)/N. */
double fl_softmax_xent (float       *probs,
                        float       *dlogits,
                        const float *logits,
                        const gint32 *labels,
                        int N, int C);

/* ---- fusion of two D-vectors ------------------------------------------ */

typedef enum {
  FL_FUSION_CONCAT,   /* f = [a, b]         (2D) */
  FL_FUSION_MEAN,     /* f = (a + b) / 2    (D)  */
  FL_FUSION_PRODUCT,  /* f = a ⊙ b          (D)  */
  FL_FUSION_IMAGE,    /* f = a              (D)  */
  FL_FUSION_TEXT,     /* f = b              (D)  */
  FL_FUSION_GATED,    /* f = z⊙tanh(W_v a) + (1-z)⊙tanh(W_t b)  (D): fl_gmu_*() */
  FL_FUSION_LATE,     /* a head per branch, their logits mixed: fl_late_*();
                       * its f is [a, b] (2D), the heads' inputs side by side */
  FL_FUSION_LOWRANK,  /* f = Σ_r (W_r^a [a;1]) ⊙ (W_r^b [b;1])  (D): fl_lmf_*() */
  FL_N_FUSIONS
} FlFusion;

/* The index of name in names[0..n), or -1: the engine's enums read back
 * from their names. */
int         fl_name_index (const char *const *names, int n, const char *name);

const char *fl_fusion_to_string (FlFusion fusion);
/* Returns FALSE for an unknown name. */
gboolean    fl_fusion_from_string (const char *name, FlFusion *fusion);
/* Width of the fused vector for D-wide inputs. */
int         fl_fusion_width (FlFusion fusion, int D);
gboolean    fl_fusion_uses_image (FlFusion fusion);
gboolean    fl_fusion_uses_text (FlFusion fusion);

/* Whether the route fuses with parameters of its own (gated, lowrank):
 * those go through fl_gmu_*() and fl_lmf_*(), not fl_fusion_forward(). */
gboolean    fl_fusion_has_params (FlFusion fusion);

/* The parameter-free fusions (late: [a, b], what its heads read).
 * a, b are (N,D) (either may be NULL when the route does not use it);
 * out is (N, fl_fusion_width(fusion, D)). */
void fl_fusion_forward (float       *out,
                        const float *a,
                        const float *b,
                        FlFusion     fusion,
                        int N, int D);

/* dout is (N,F). Overwrites da and db (those the route uses). */
void fl_fusion_backward (float       *da,
                         float       *db,
                         const float *dout,
                         const float *a,
                         const float *b,
                         FlFusion     fusion,
                         int N, int D);

/* ---- gated multimodal unit (Arevalo et al. 2017, "Gated Multimodal
 * Units for Information Fusion", arXiv:1702.01992) -------------------- */

/* a, b are (N,D); wv, wt are (D,D) and wz is (D,2D), each an nn.Linear
 * weight (out, in), with biases bv, bt, bz (D):
 *   hv = tanh(a·wv^T + bv)   ht = tanh(b·wt^T + bt)   z = σ([a,b]·wz^T + bz)
 *   out = z ⊙ hv + (1 − z) ⊙ ht
 * hv, ht, z and out are (N,D); the first three are kept for backward. */
void fl_gmu_forward (float       *out,
                     float       *hv,
                     float       *ht,
                     float       *z,
                     const float *a,
                     const float *b,
                     const float *wv,
                     const float *bv,
                     const float *wt,
                     const float *bt,
                     const float *wz,
                     const float *bz,
                     int N, int D);

/* dout is (N,D). Accumulates the six weight and bias gradients (shaped as
 * their parameters); overwrites da and db (N,D). */
void fl_gmu_backward (float       *da,
                      float       *db,
                      float       *dwv,
                      float       *dbv,
                      float       *dwt,
                      float       *dbt,
                      float       *dwz,
                      float       *dbz,
                      const float *dout,
                      const float *a,
                      const float *b,
                      const float *hv,
                      const float *ht,
                      const float *z,
                      const float *wv,
                      const float *wt,
                      const float *wz,
                      int N, int D);

/* ---- low-rank bilinear fusion (Liu et al. 2018, "Efficient Low-rank
 * Multimodal Fusion with Modality-Specific Factors", ACL, LMF) -------- */

/* a, b are (N,D); wa, wb are (R,D,D+1): factor r is the (D,D+1) matrix
 * W_r^a = wa[r], whose last column multiplies the appended 1 (its bias).
 *   pa[r] = [a,1]·W_r^a^T   pb[r] = [b,1]·W_r^b^T        (R,N,D), kept
 *   out (N,D) = Σ_r pa[r] ⊙ pb[r]
 * a rank-R factorisation of the bilinear map [a;1] ⊗ [b;1] → D. */
void fl_lmf_forward (float       *out,
                     float       *pa,
                     float       *pb,
                     const float *a,
                     const float *b,
                     const float *wa,
                     const float *wb,
                     int N, int D, int R);

/* dout is (N,D). Accumulates dwa, dwb (R,D,D+1); overwrites da, db (N,D). */
void fl_lmf_backward (float       *da,
                      float       *db,
                      float       *dwa,
                      float       *dwb,
                      const float *dout,
                      const float *a,
                      const float *b,
                      const float *pa,
                      const float *pb,
                      const float *wa,
                      const float *wb,
                      int N, int D, int R);

/* ---- late fusion: a learned vote of two heads' logits ----------------- */

/* li, lt are the image and text heads' logits (N,C); alpha (2) the
 * learned scores. w (2) = softmax(alpha) is written out;
 * out (N,C) = w[0]·li + w[1]·lt. */
void fl_late_forward (float       *out,
                      float        w[2],
                      const float *li,
                      const float *lt,
                      const float *alpha,
                      int N, int C);

/* dout is (N,C). Overwrites dli = w[0]·dout and dlt = w[1]·dout (N,C);
 * accumulates dalpha (2): dα_j = w_j (g_j − Σ_k w_k g_k), g_k = Σ dout ⊙ l_k,
 * the softmax's Jacobian applied to dL/dw. */
void fl_late_backward (float       *dli,
                       float       *dlt,
                       float       *dalpha,
                       const float *dout,
                       const float *li,
                       const float *lt,
                       const float *alpha,
                       int N, int C);

G_END_DECLS
