/* SPDX-License-Identifier: MIT
 *
 * fl-stats.h — the statistics of a cross-validated comparison: mean and
 * sample standard deviation, the Student t distribution, and two tests of
 * paired per-fold differences that allow for the folds' overlapping
 * training sets:
 *
 *  - the corrected resampled t-test (Nadeau & Bengio, "Inference for the
 *    generalization error", Machine Learning 52, 2003; for r repeats of
 *    k-fold, Bouckaert & Frank, "Evaluating the replicability of
 *    significance tests for comparing learning algorithms", PAKDD 2004);
 *  - the Bayesian correlated t-test (Corani & Benavoli 2015; Benavoli,
 *    Corani, Demšar & Zaffalon, "Time for a change: a tutorial for comparing
 *    multiple classifiers through Bayesian analysis", JMLR 18, 2017), as in
 *    the baycomp package and Orange.
 *
 * Plain C on doubles: nothing here allocates or needs a main loop.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The mean of x[0..n); 0 for n = 0. */
double fl_stats_mean (const double *x, int n);
/* The sample variance, Σ(x − mean)² / (n − 1); 0 for n < 2. */
double fl_stats_variance (const double *x, int n);
/* The sample standard deviation, √variance. */
double fl_stats_sd (const double *x, int n);

/* The regularized incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1. */
double fl_stats_beta_inc (double a, double b, double x);
/* The Student t distribution with df > 0 degrees of freedom:
 * P(T ≤ t) and P(T > t). Each is computed in the tail it is small in, so a
 * tiny probability keeps its relative precision. */
double fl_stats_t_cdf (double t, double df);
double fl_stats_t_sf (double t, double df);

typedef struct {
  int      n;          /* the number of differences, k·r */
  double   mean;       /* mean of d */
  double   sd;         /* sample sd of d */
  double   t;          /* mean / corrected standard error; ±INFINITY or 0
                        * when every difference is the same (see below) */
  double   df;         /* n − 1 */
  double   p;          /* two-sided p-value */
  gboolean constant;   /* var(d) = 0: every difference is the same */
} FlTTest;

/* The corrected resampled t-test of paired differences d[0..n), n ≥ 2, each
 * measured with n_test samples for testing and n_train for training
 * (test_train_ratio = n_test / n_train; 1/(k−1) for k-fold):
 *
 *   t = mean(d) / √((1/n + n_test/n_train) · var(d)),   df = n − 1,
 *
 * the 1/n of the ordinary paired t-test widened by n_test/n_train for the
 * correlation between folds that share training data; p = 2·P(T > |t|).
 * When var(d) = 0 there is no spread to test against: p = 0 if mean(d) ≠ 0
 * (every fold agrees on the same non-zero margin) and p = 1 if every
 * difference is 0, with constant set. Returns FALSE for n < 2. */
gboolean fl_stats_corrected_ttest (const double *d,
                                   int           n,
                                   double        test_train_ratio,
                                   FlTTest      *out);

typedef struct {
  double mean;         /* the posterior's location, mean(d) */
  double scale;        /* its scale, √((1/n + ρ/(1−ρ)) · var(d)) */
  double df;           /* n − 1 */
  double left;         /* P(μ < −rope): the second of the pair is better */
  double rope;         /* P(−rope ≤ μ ≤ rope): practically equivalent */
  double right;        /* P(μ > rope): the first of the pair is better */
} FlBayesTTest;

/* The Bayesian correlated t-test of paired differences d[0..n), n ≥ 2, with
 * correlation rho between them (ρ = 1/k for k-fold, as Benavoli et al. 2017
 * §3.1 and baycomp take it) and a region of practical equivalence of
 * half-width rope (0.01 = one accuracy point). The posterior of the mean
 * difference μ is Student t with df = n − 1, location mean(d) and scale
 * √((1/n + ρ/(1−ρ)) · var(d)). With var(d) = 0 the posterior is a point at
 * mean(d), and the three probabilities are 0 or 1. Returns FALSE for n < 2
 * or rho outside [0, 1). */
gboolean fl_stats_bayes_correlated (const double *d,
                                    int           n,
                                    double        rho,
                                    double        rope,
                                    FlBayesTTest *out);

G_END_DECLS
