/* SPDX-License-Identifier: MIT
 *
 * fl-insight.h — why fusion wins (issue 12), the engine's part: how much a
 * trained run leans on each modality, and a 2-D map of the features its
 * branches and its fusion make of the validation samples. The samples a
 * fusion run rescued from its baselines are fl_validation_compare_fusion()
 * (fl-validation.h).
 *
 * Each of these runs the model over the validation split
 * (fl_run_forward_validation()), so none may run while the run trains; none
 * touches the run's stored metrics or validation probabilities.
 */
#pragma once

#include "fl-trainer.h"

G_BEGIN_DECLS

/* A run's validation accuracy and macro-F1 as it is, and with each branch
 * its data has taken away in turn: every picture replaced by the training
 * split's mean image, every text emptied, every clip replaced by the
 * training split's mean band energies, every numeric cell emptied (the
 * FlAblation of the branch). The drops are what each modality is worth to
 * the run: exactly 0 for a modality its route does not read, and negative
 * when taking it away helps. The arrays are indexed by FlBranch; a branch
 * the data does not have is left as the normal evaluation (drop 0). */
typedef struct {
  double acc, f1;                        /* the normal evaluation */
  guint  branches;                       /* the branches taken away in turn:
                                          * fl_dataset_branches() of the run's data */
  double acc_without[FL_N_BRANCHES];     /* with that branch taken away */
  double f1_without[FL_N_BRANCHES];
  double acc_drop[FL_N_BRANCHES];        /* acc - acc_without */
  double f1_drop[FL_N_BRANCHES];         /* f1 - f1_without */
} FlReliance;

/* The ablation that takes branch away (FL_ABLATE_IMAGE for the image). */
FlAblation fl_branch_ablation (FlBranch branch);

/* Evaluates run as it is, then once without each branch of its data, into
 * out. FALSE with G_IO_ERROR_CANCELLED when cancelled (checked before
 * every batch), out then unset. */
gboolean fl_run_reliance (FlRun         *run,
                          FlReliance    *out,
                          GCancellable  *cancellable,
                          GError       **error);

/* The (n_val, *dim) features of kind of the validation samples, in the
 * order of fl_run_val_indices(); free with g_free(). NULL with
 * FL_ENGINE_ERROR_INVALID when the run's route has no such branch (the
 * text features of an image-only run), or with G_IO_ERROR_CANCELLED. */
float   *fl_run_features (FlRun         *run,
                          FlFeatureKind  kind,
                          int           *dim,
                          GCancellable  *cancellable,
                          GError       **error);

/* The bins of fl_run_gate_summary()'s histogram, over [0, 1]. */
#define FL_GATE_BINS 20

/* How much a gated run's gate trusts each branch it fuses. For each
 * validation sample, its weight of branch k is the mean over the D
 * features of the gate's z_k (FL_FEATURE_GATE; the last branch gets what
 * the others leave, so the weights sum to 1). Fills mean ((n_classes,
 * FL_N_BRANCHES), indexed [c * FL_N_BRANCHES + branch]) with the mean
 * weight of each class's validation samples (NAN for a class with none),
 * and hist ((FL_N_BRANCHES, FL_GATE_BINS), [branch * FL_GATE_BINS + bin])
 * with how many samples' weight of each branch falls in each bin of width
 * 1/20, a weight of 1 in the last; entries of branches the run does not
 * fuse are 0. *branches (may be NULL) is set to the branches it fuses.
 * Fails as fl_run_features() does: with FL_ENGINE_ERROR_INVALID for any
 * route but gated. */
gboolean fl_run_gate_weights (FlRun         *run,
                              double        *mean,
                              guint         *hist,
                              guint         *branches,
                              GCancellable  *cancellable,
                              GError       **error);

/* fl_run_gate_weights() of the first branch the gate weighs (the picture,
 * for image and text: 1 when the fused vector is all the picture's, 0 when
 * all the words'): mean_per_class (n_classes) and hist (FL_GATE_BINS). */
gboolean fl_run_gate_summary (FlRun         *run,
                              double        *mean_per_class,
                              guint         *hist,
                              GCancellable  *cancellable,
                              GError       **error);

/* Principal component analysis of the n rows of x (n, d): the k leading
 * axes of the covariance C = Xcᵀ·Xc / n (Xc: x less its column means), by
 * LAPACK's symmetric eigensolver (dsyevr, in double). Fills, each when not
 * NULL: proj (n, k), the rows of Xc projected on the axes; axes (k, d), the
 * unit axes, by falling variance, each with its largest-magnitude
 * component (the first, on a tie) positive, so the result is the same
 * whatever sign the solver picks; explained (k), each axis's share of the
 * total variance (0 when there is none). When k > d the axes past d are 0.
 * A FL_ENGINE_ERROR_INVALID when d exceeds 4096 (C alone would take
 * 128 MB), FL_ENGINE_ERROR_NUMERIC when x is not finite or the solver
 * fails. */
gboolean fl_pca (const float *x,
                 int          n,
                 int          d,
                 int          k,
                 float       *proj,
                 float       *axes,
                 double      *explained,
                 GError     **error);

/* The feature map for teaching: the validation samples' features of kind
 * (fl_run_features()) projected on their first two principal axes
 * (fl_pca()) into xy (n_val, 2), with each axis's share of the variance in
 * explained (2; may be NULL). Deterministic: the same run gives the same
 * map. Fails as fl_run_features() and fl_pca() do. */
gboolean fl_run_feature_map (FlRun         *run,
                             FlFeatureKind  kind,
                             float         *xy,
                             double        *explained,
                             GCancellable  *cancellable,
                             GError       **error);

G_END_DECLS
