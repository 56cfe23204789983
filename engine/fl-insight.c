/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-insight"

#include "fl-insight.h"
#include "fl-i18n.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* LAPACK's symmetric eigensolver (MRRR), which Debian's libopenblas
 * carries whole: `nm -D libopenblas.so` lists dsyevr_, but no lapacke.h is
 * installed, so the Fortran entry point is declared here. Every argument is
 * by reference, matrices column-major; the three trailing lengths are the
 * hidden lengths of the character arguments that gfortran passes. */
extern void dsyevr_ (const char *jobz, const char *range, const char *uplo,
                     const blasint *n, double *a, const blasint *lda,
                     const double *vl, const double *vu, const blasint *il, const blasint *iu,
                     const double *abstol, blasint *m, double *w, double *z, const blasint *ldz,
                     blasint *isuppz, double *work, const blasint *lwork,
                     blasint *iwork, const blasint *liwork, blasint *info,
                     size_t jobz_len, size_t range_len, size_t uplo_len);

/* C (d, d) would take 128 MB at this width; the model's branches are 128. */
#define PCA_MAX_DIM 4096

/* ---- reliance ------------------------------------------------------------ */

static void
count_batch (FlModel *model, const FlBatch *batch, int start, double loss, gpointer data)
{
  fl_metrics_add_scores (data, fl_model_probs (model), batch->labels, batch->n);
}

/* The accuracy and macro-F1 of run on its validation split with ablation. */
static gboolean
evaluate_ablated (FlRun *run, FlAblation ablation, double *acc, double *f1,
                  GCancellable *cancellable, GError **error)
{
  g_autoptr(FlMetrics) m = fl_metrics_new (fl_run_dataset (run)->n_classes);

  if (!fl_run_forward_validation (run, ablation, count_batch, m, cancellable, error))
    return FALSE;
  *acc = fl_metrics_accuracy (m);
  *f1 = fl_metrics_macro_f1 (m);
  return TRUE;
}

FlAblation
fl_branch_ablation (FlBranch branch)
{
  static const FlAblation ablation[FL_N_BRANCHES] = {
    [FL_BRANCH_IMAGE] = FL_ABLATE_IMAGE,
    [FL_BRANCH_TEXT] = FL_ABLATE_TEXT,
    [FL_BRANCH_AUDIO] = FL_ABLATE_AUDIO,
    [FL_BRANCH_NUMERIC] = FL_ABLATE_NUMERIC,
  };

  g_return_val_if_fail ((guint) branch < FL_N_BRANCHES, FL_ABLATE_NONE);
  return ablation[branch];
}

gboolean
fl_run_reliance (FlRun         *run,
                 FlReliance    *out,
                 GCancellable  *cancellable,
                 GError       **error)
{
  FlReliance r = { 0 };

  g_return_val_if_fail (run != NULL && out != NULL, FALSE);

  /* evaluated afresh, not read from fl_run_metrics(): the figures then
   * come from the same weights by the same path, and a modality the route
   * never reads changes nothing, to the last bit */
  if (!evaluate_ablated (run, FL_ABLATE_NONE, &r.acc, &r.f1, cancellable, error))
    return FALSE;
  r.branches = fl_dataset_branches (fl_run_dataset (run));
  for (int b = 0; b < FL_N_BRANCHES; b++)
    {
      r.acc_without[b] = r.acc;
      r.f1_without[b] = r.f1;
      if ((r.branches & FL_BRANCH_BIT (b)) &&
          !evaluate_ablated (run, fl_branch_ablation (b), &r.acc_without[b], &r.f1_without[b],
                             cancellable, error))
        return FALSE;
      r.acc_drop[b] = r.acc - r.acc_without[b];
      r.f1_drop[b] = r.f1 - r.f1_without[b];
    }
  *out = r;
  return TRUE;
}

/* ---- features ------------------------------------------------------------ */

typedef struct {
  FlFeatureKind kind;
  int           dim;
  float        *out;   /* (n_val, dim) */
} FeatureJob;

static void
copy_features (FlModel *model, const FlBatch *batch, int start, double loss, gpointer data)
{
  FeatureJob *j = data;
  int dim;
  const float *f = fl_model_features (model, j->kind, &dim);

  g_assert (f != NULL && dim == j->dim);
  memcpy (j->out + (gsize) start * dim, f, sizeof (float) * batch->n * dim);
}

float *
fl_run_features (FlRun         *run,
                 FlFeatureKind  kind,
                 int           *dim,
                 GCancellable  *cancellable,
                 GError       **error)
{
  static const char *const branch[FL_N_FEATURES] = {
    N_("image branch"), N_("text branch"), N_("fused vector"), N_("gate"), N_("audio branch"),
    N_("numeric branch")
  };
  FlModel *model = fl_run_model (run);
  FeatureJob job = { .kind = kind };
  g_autofree float *out = NULL;
  int n_val;

  g_return_val_if_fail ((guint) kind < FL_N_FEATURES, NULL);

  job.dim = fl_config_feature_dim (fl_model_config (model), kind);
  if (job.dim == 0)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   /* TRANSLATORS: "the gated route has no audio branch" */
                   _("the %s route has no %s"),
                   fl_fusion_to_string (fl_model_config (model)->fusion), _(branch[kind]));
      return NULL;
    }
  fl_run_val_indices (run, &n_val);
  out = job.out = g_new (float, (gsize) MAX (n_val, 1) * job.dim);
  if (!fl_run_forward_validation (run, FL_ABLATE_NONE, copy_features, &job, cancellable, error))
    return NULL;
  if (dim != NULL)
    *dim = job.dim;
  return g_steal_pointer (&out);
}

/* ---- the gate ------------------------------------------------------------------ */

/* Adds sample i's gate weights to the sums of its class y: w (K), the
 * mean over the D features of z_1 … z_{K-1} (z (K-1, D)) and the rest. */
static void
add_gate_weights (const float *z, int K, int D, const int *slot, int y,
                  double *mean, guint *count, guint *hist)
{
  double rest = 1.0;

  for (int k = 0; k < K; k++)
    {
      double m = 0.0;

      if (k < K - 1)
        {
          for (int j = 0; j < D; j++)
            m += z[(gsize) k * D + j];
          m /= D;
          rest -= m;
        }
      else
        m = rest;
      mean[y * FL_N_BRANCHES + slot[k]] += m;
      hist[slot[k] * FL_GATE_BINS + CLAMP ((int) (m * FL_GATE_BINS), 0, FL_GATE_BINS - 1)]++;
    }
  count[y]++;
}

gboolean
fl_run_gate_weights (FlRun         *run,
                     double        *mean,
                     guint         *hist,
                     guint         *branches,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const FlDataset *ds = fl_run_dataset (run);
  const int C = ds->n_classes;
  const guint fused = fl_run_branches (run);
  g_autofree float *z = NULL;
  g_autofree guint *count = g_new0 (guint, C);
  const gint32 *rows;
  int n_val, L = 0, K = 0, slot[FL_N_BRANCHES];

  g_return_val_if_fail (run != NULL && mean != NULL && hist != NULL, FALSE);

  z = fl_run_features (run, FL_FEATURE_GATE, &L, cancellable, error);
  if (z == NULL)
    return FALSE;
  /* the gate's slot k is the k-th branch fused, in branch order */
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (fused & FL_BRANCH_BIT (b))
      slot[K++] = b;
  g_assert (K >= 2 && L % (K - 1) == 0);
  rows = fl_run_val_indices (run, &n_val);
  memset (hist, 0, sizeof (guint) * FL_N_BRANCHES * FL_GATE_BINS);
  memset (mean, 0, sizeof (double) * C * FL_N_BRANCHES);
  for (int i = 0; i < n_val; i++)
    add_gate_weights (z + (gsize) i * L, K, L / (K - 1), slot, ds->labels[rows[i]], mean, count, hist);
  for (int c = 0; c < C; c++)
    for (int k = 0; k < K; k++)
      mean[c * FL_N_BRANCHES + slot[k]] = count[c] > 0 ? mean[c * FL_N_BRANCHES + slot[k]] / count[c] : NAN;
  if (branches != NULL)
    *branches = fused;
  return TRUE;
}

gboolean
fl_run_gate_summary (FlRun         *run,
                     double        *mean_per_class,
                     guint         *hist,
                     GCancellable  *cancellable,
                     GError       **error)
{
  const int C = fl_run_dataset (run)->n_classes;
  g_autofree double *mean = g_new (double, C * FL_N_BRANCHES);
  guint all[FL_N_BRANCHES * FL_GATE_BINS], fused = 0;
  int first;

  g_return_val_if_fail (run != NULL && mean_per_class != NULL && hist != NULL, FALSE);

  if (!fl_run_gate_weights (run, mean, all, &fused, cancellable, error))
    return FALSE;
  first = g_bit_nth_lsf (fused, -1);
  for (int c = 0; c < C; c++)
    mean_per_class[c] = mean[c * FL_N_BRANCHES + first];
  memcpy (hist, all + first * FL_GATE_BINS, sizeof (guint) * FL_GATE_BINS);
  return TRUE;
}

/* ---- principal components -------------------------------------------------- */

/* xc (n, d) = x less its column means, in double; FALSE if x holds a NaN
 * or an infinity. */
static gboolean
centre (double *xc, const float *x, int n, int d)
{
  g_autofree double *mean = g_new0 (double, d);

  for (gsize i = 0; i < (gsize) n * d; i++)
    {
      if (!isfinite (x[i]))
        return FALSE;
      mean[i % d] += x[i];
    }
  for (int j = 0; j < d; j++)
    mean[j] /= n;
  for (gsize i = 0; i < (gsize) n * d; i++)
    xc[i] = x[i] - mean[i % d];
  return TRUE;
}

/* Turns v (d) to have its largest-magnitude component, the first on a tie,
 * positive: an eigenvector's sign is the solver's whim. */
static void
fix_sign (double *v, int d)
{
  int big = 0;

  for (int j = 1; j < d; j++)
    if (fabs (v[j]) > fabs (v[big]))
      big = j;
  if (v[big] < 0)
    for (int j = 0; j < d; j++)
      v[j] = -v[j];
}

/* The m largest eigenvalues of the symmetric c (d, d) into lambda (m),
 * falling, and their unit eigenvectors into axes (m, d); c is destroyed. */
static gboolean
top_eigen (double *c, int d, int m, double *lambda, double *axes, GError **error)
{
  const blasint n = d, il = d - m + 1, iu = d, query = -1;
  const double unused = 0.0, abstol = 0.0;
  blasint found = 0, info = 0, lwork, liwork, iwork_size;
  double work_size;
  g_autofree double *w = g_new (double, d);
  g_autofree double *z = g_new (double, (gsize) d * m);
  g_autofree blasint *isuppz = g_new (blasint, 2 * m);
  g_autofree double *work = NULL;
  g_autofree blasint *iwork = NULL;

  /* c is symmetric, so row- and column-major are the same matrix; 'L' then
   * reads the upper triangle that the row-major dsyrk wrote */
  dsyevr_ ("V", "I", "L", &n, c, &n, &unused, &unused, &il, &iu, &abstol, &found, w, z, &n,
           isuppz, &work_size, &query, &iwork_size, &query, &info, 1, 1, 1);
  lwork = info == 0 ? (blasint) work_size : 0;
  liwork = iwork_size;
  work = g_new (double, MAX (lwork, 1));
  iwork = g_new (blasint, MAX (liwork, 1));
  if (info == 0)
    dsyevr_ ("V", "I", "L", &n, c, &n, &unused, &unused, &il, &iu, &abstol, &found, w, z, &n,
             isuppz, work, &lwork, iwork, &liwork, &info, 1, 1, 1);
  if (info != 0 || found != m)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_NUMERIC,
                   _("the eigensolver failed (dsyevr info %d, %d of %d found)"),
                   (int) info, (int) found, m);
      return FALSE;
    }
  /* w rises and z's column j goes with w[j]: the largest comes last */
  for (int a = 0; a < m; a++)
    {
      lambda[a] = MAX (w[m - 1 - a], 0.0);
      memcpy (axes + (gsize) a * d, z + (gsize) (m - 1 - a) * d, sizeof (double) * d);
      fix_sign (axes + (gsize) a * d, d);
    }
  return TRUE;
}

/* The outputs of fl_pca() from the centred xc (n, d) and its m leading
 * axes ax (m, d) with their variances lambda (m); total is the trace of C. */
static void
pca_outputs (const double *xc, int n, int d, int k, int m, const double *ax,
             const double *lambda, double total, float *proj, float *axes, double *explained)
{
  if (proj != NULL)
    {
      /* proj = Xc · axᵀ: (n, d)·(d, m), widened to k columns */
      g_autofree double *p = g_new (double, (gsize) n * m);
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, m, d, 1.0, xc, d, ax, d, 0.0, p, m);
      for (int i = 0; i < n; i++)
        for (int a = 0; a < k; a++)
          proj[(gsize) i * k + a] = a < m ? (float) p[(gsize) i * m + a] : 0.0f;
    }
  for (int a = 0; a < k; a++)
    {
      if (axes != NULL)
        for (int j = 0; j < d; j++)
          axes[(gsize) a * d + j] = a < m ? (float) ax[(gsize) a * d + j] : 0.0f;
      if (explained != NULL)
        explained[a] = a < m && total > 0.0 ? lambda[a] / total : 0.0;
    }
}

gboolean
fl_pca (const float *x,
        int          n,
        int          d,
        int          k,
        float       *proj,
        float       *axes,
        double      *explained,
        GError     **error)
{
  const int m = MIN (k, d);
  g_autofree double *xc = NULL, *c = NULL, *ax = NULL, *lambda = NULL;
  double total = 0.0;

  g_return_val_if_fail (x != NULL && n >= 1 && d >= 1 && k >= 1, FALSE);
  if (d > PCA_MAX_DIM)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                   _("principal components of %d dimensions; at most %d"), d, PCA_MAX_DIM);
      return FALSE;
    }
  xc = g_new (double, (gsize) n * d);
  if (!centre (xc, x, n, d))
    {
      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_NUMERIC,
                           _("the features are not all finite numbers"));
      return FALSE;
    }
  /* C = Xcᵀ·Xc / n, the upper triangle (row-major) */
  c = g_new0 (double, (gsize) d * d);
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, d, n, 1.0 / n, xc, d, 0.0, c, d);
  for (int j = 0; j < d; j++)
    total += c[(gsize) j * d + j];
  ax = g_new (double, (gsize) m * d);
  lambda = g_new (double, m);
  if (!top_eigen (c, d, m, lambda, ax, error))
    return FALSE;
  pca_outputs (xc, n, d, k, m, ax, lambda, total, proj, axes, explained);
  return TRUE;
}

gboolean
fl_run_feature_map (FlRun         *run,
                    FlFeatureKind  kind,
                    float         *xy,
                    double        *explained,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree float *f = NULL;
  int dim = 0, n_val;

  g_return_val_if_fail (run != NULL && xy != NULL, FALSE);

  f = fl_run_features (run, kind, &dim, cancellable, error);
  if (f == NULL)
    return FALSE;
  fl_run_val_indices (run, &n_val);
  return fl_pca (f, n_val, dim, 2, xy, NULL, explained, error);
}
