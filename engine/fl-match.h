/* SPDX-License-Identifier: MIT
 *
 * fl-match.h — the operators and metrics of the matching task (SPEC §4,
 * issue 15): L2-normalisation into the shared space, the symmetric
 * contrastive loss of CLIP (InfoNCE with a learnable temperature), the
 * max-of-hinges loss of VSE++, the mapping losses (cosine and MSE
 * regression of one side by the other), and retrieval metrics (Recall@k,
 * median rank).
 *
 * Conventions as in fl-ops.h: row-major float arrays, outputs first, every
 * size spelled out; backward functions overwrite input gradients and
 * accumulate (+=) into parameter gradients (here only the log-scale).
 * Row n of u is image n's embedding, row n of v is text n's; the pairs
 * (u[n], v[n]) are the true ones.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- L2-normalisation of rows ------------------------------------------ */

/* The guard of torch.nn.functional.normalize (x, dim=1, eps=1e-12): a row
 * is divided by max(‖x‖, eps), so an all-zero row stays zero, not NaN. */
#define FL_L2NORM_EPS 1e-12

/* x is (N,E); y (N,E) = x / max(‖x_n‖, FL_L2NORM_EPS), row by row, the norm
 * computed in double. y may not alias x. */
void fl_l2norm_forward (float       *y,
                        const float *x,
                        int N, int E);

/* dy, x and y are (N,E), y from fl_l2norm_forward (y, x); dx (N,E) is
 * overwritten. With r = ‖x_n‖:
 *   r > eps:  dx = (dy - y · (y·dy)) / r   (the tangent part of dy, over r)
 *   r ≤ eps:  dx = dy / eps                (the guard is a constant divisor)
 * which is what autograd gives for torch's normalize. */
void fl_l2norm_backward (float       *dx,
                         const float *dy,
                         const float *x,
                         const float *y,
                         int N, int E);

/* ---- symmetric InfoNCE (CLIP) -------------------------------------------
 *
 * t = min(exp(s), FL_INFONCE_MAX_SCALE); logits Z (N,N) = t · u vᵀ, so
 * Z[i][j] is image i against text j;
 *   L = (CE(Z, diag) + CE(Zᵀ, diag)) / 2, each CE the mean over the N rows.
 * The caller starts s at log(1/0.07) (FL_INFONCE_INIT_LOG_SCALE).
 *
 * The clamp: CLIP caps the temperature at 100. Here the cap is applied in
 * the forward pass, like torch.clamp (s.exp(), max=100): while exp(s) ≤ 100
 * the gradient is the true one (dL/ds = Σ G∘Z, see below), and once
 * exp(s) > 100 the loss no longer depends on s, so dL/ds = 0 (at exactly
 * 100 the gradient still flows, as torch.clamp's does). u and v still get
 * their gradients, scaled by t = 100. OpenAI's and open_clip's training
 * loops instead clamp the parameter itself after each optimiser step
 * (s ← min(s, log 100)); a trainer that wants that can do it as well — the
 * two agree on the loss whenever s ≤ log 100.
 */
#define FL_INFONCE_MAX_SCALE 100.0
#define FL_INFONCE_INIT_LOG_SCALE 2.6592600369327779 /* log(1/0.07) */

/* The temperature t the loss uses for log-scale s (the clamp above). */
double fl_infonce_scale (float log_scale);

/* u and v are (N,E) (unit rows, though nothing here requires it); logits
 * (N,N) receives Z = t · u vᵀ (one sgemm), kept for the backward pass.
 * Returns L, the log-softmaxes taken in double. */
double fl_infonce_forward (float       *logits,
                           const float *u,
                           const float *v,
                           float        log_scale,
                           int N, int E);

/* logits from fl_infonce_forward (same u, v, log_scale); scratch holds N·N
 * floats. With P the row softmax of Z and Q its column softmax,
 *   G = dL/dZ = (P + Q - 2I) / 2N,
 *   du = t · G v,  dv = t · Gᵀ u      (overwritten),
 *   *dlog_scale += Σ G∘Z  while exp(s) ≤ 100, += 0 above (the clamp).
 * du, dv or dlog_scale may be NULL when nobody needs them. */
void fl_infonce_backward (float       *du,
                          float       *dv,
                          float       *dlog_scale,
                          float       *scratch,
                          const float *logits,
                          const float *u,
                          const float *v,
                          float        log_scale,
                          int N, int E);

/* ---- max-of-hinges (VSE++) ----------------------------------------------
 *
 * S (N,N) = u vᵀ;
 *   L = (1/N) Σ_i [ max_{j≠i} [m + S_ij - S_ii]₊ + max_{j≠i} [m + S_ji - S_ii]₊ ]
 * the hardest negative text of each image plus the hardest negative image of
 * each text (Faghri et al. 2018). VSE++ sums over the batch; this is the
 * mean, so that the learning rate does not depend on N. A tie for the
 * hardest negative goes to the lowest index (the subgradient torch's max
 * picks). N ≥ 2.
 */

/* sim (N,N) receives S = u vᵀ, kept for the backward pass. Returns L. */
double fl_hinge_forward (float       *sim,
                         const float *u,
                         const float *v,
                         float        margin,
                         int N, int E);

/* sim from fl_hinge_forward; scratch holds N·N floats; du and dv (N,E) are
 * overwritten: du = dS v, dv = dSᵀ u, where each active hinge adds +1/N at
 * its negative and -1/N at its diagonal. */
void fl_hinge_backward (float       *du,
                        float       *dv,
                        float       *scratch,
                        const float *sim,
                        const float *u,
                        const float *v,
                        float        margin,
                        int N, int E);

/* ---- mapping (the seed's y = f(x)) ---------------------------------------
 *
 * Regression of one side's vectors y (the target, the text side) by the
 * other's f(x) (the image side), pair by pair: no negatives, so a target
 * that learned too would collapse onto f(x); the trainer freezes it
 * (fl-matcher.h).
 *
 * cosine: u and v are the L2-normalised f(x) and y (N,E);
 *   L = (1/N) Σ_n (1 - u_n·v_n)
 * the mean of torch's 1 - F.cosine_similarity (f(x), y) (whose eps guard
 * differs from fl_l2norm's only for rows of nearly zero length).
 *
 * mse: x and y are the unnormalised f(x) and y (N,E);
 *   L = (1/N) Σ_n ‖x_n - y_n‖² / E
 * F.mse_loss (x, y), the mean over all N·E elements. On unit rows it would
 * be (2/E)(1 - cos), the cosine loss again; unnormalised it is the seed's
 * literal regression, which must match each target's length too. */

/* Returns L. N ≥ 1. */
double fl_map_cosine_forward (const float *u,
                              const float *v,
                              int N, int E);

/* du = -v / N, dv = -u / N (overwritten); either may be NULL (the frozen
 * target needs none). */
void   fl_map_cosine_backward (float       *du,
                               float       *dv,
                               const float *u,
                               const float *v,
                               int N, int E);

/* Returns L, summed in double. N ≥ 1. */
double fl_map_mse_forward (const float *x,
                           const float *y,
                           int N, int E);

/* dx = 2 (x - y) / (N E), dy = -dx (overwritten); either may be NULL. */
void   fl_map_mse_backward (float       *dx,
                            float       *dy,
                            const float *x,
                            const float *y,
                            int N, int E);

/* ---- retrieval metrics ------------------------------------------------- */

/* One direction of retrieval over N queries. */
typedef struct {
  double r1, r5, r10;   /* fraction of queries whose true match ranks ≤ k */
  double median_rank;   /* 1-based; for even N the mean of the two middle
                         * ranks (numpy.median) */
} FlRecall;

typedef struct {
  FlRecall i2t;         /* image i as the query, texts ranked by row i */
  FlRecall t2i;         /* text j as the query, images ranked by column j */
} FlRetrieval;

/* sim is (N,N), sim[i][j] image i against text j, N ≥ 1. The rank of a true
 * pair is 1 + the number of candidates that are not strictly worse than it:
 * a tie counts against the true pair (so a constant matrix ranks every true
 * pair last, never first), and so does a NaN on either side. */
void fl_retrieval_metrics (FlRetrieval *out,
                           const float *sim,
                           int N);

/* The 1-based rank of the true pair of query q, as above: candidates are
 * sim[q·stride_q + c·stride_c] for c in [0, N), the true one at c = q.
 * Row-wise (i2t) is stride_q = N, stride_c = 1; column-wise (t2i) the
 * opposite. */
int fl_retrieval_rank (const float *sim,
                       int          q,
                       gsize        stride_q,
                       gsize        stride_c,
                       int          N);

G_END_DECLS
