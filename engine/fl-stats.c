/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-stats"

#include "fl-stats.h"

#include <float.h>
#include <math.h>

/* A spread of differences this small is rounding, not spread: accuracies
 * are fractions of at most a few million samples, and their differences
 * that are equal on paper may differ in the last bits of a double. */
#define CONSTANT_SD 1e-12

double
fl_stats_mean (const double *x, int n)
{
  double sum = 0.0;

  for (int i = 0; i < n; i++)
    sum += x[i];
  return n > 0 ? sum / n : 0.0;
}

double
fl_stats_variance (const double *x, int n)
{
  double mean = fl_stats_mean (x, n), ss = 0.0;

  if (n < 2)
    return 0.0;
  /* two passes: Σ(x − mean)², not Σx² − n·mean², which cancels */
  for (int i = 0; i < n; i++)
    ss += (x[i] - mean) * (x[i] - mean);
  return ss / (n - 1);
}

double
fl_stats_sd (const double *x, int n)
{
  return sqrt (fl_stats_variance (x, n));
}

/* The continued fraction of I_x(a, b) (Numerical Recipes §6.4, eq. 6.4.5),
 *
 *   I_x(a,b) = x^a (1−x)^b / (a·B(a,b)) · 1/(1+ d1/(1+ d2/(1+ …)))
 *   d(2m+1) = −(a+m)(a+b+m) x / ((a+2m)(a+2m+1))
 *   d(2m)   =  m(b−m) x / ((a+2m−1)(a+2m)),
 *
 * evaluated forwards by the modified Lentz method (Thompson & Barnett 1986):
 * C and D carry the ratios of successive numerators and denominators, and
 * a tiny number stands in for a zero so that no step divides by it. It
 * converges fast for x < (a+1)/(a+b+2); the caller swaps a and b beyond. */
static double
beta_cf (double a, double b, double x)
{
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

  d = 1.0 / (fabs (d) < tiny ? tiny : d);
  h = d;
  for (int m = 1; m <= 10000; m++)
    {
      for (int odd = 0; odd < 2; odd++)
        {
          double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                           : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
          double delta;

          d = 1.0 + num * d;
          d = 1.0 / (fabs (d) < tiny ? tiny : d);
          c = 1.0 + num / c;
          if (fabs (c) < tiny)
            c = tiny;
          delta = c * d;
          h *= delta;
          if (odd && fabs (delta - 1.0) < 4 * DBL_EPSILON)
            return h;
        }
    }
  return h;   /* not reached for the a, b of a t distribution of df < 10⁶ */
}

/* I_x(a, b) given y = 1 − x as well, so that neither loses its digits to a
 * subtraction near 1. */
static double
beta_inc2 (double a, double b, double x, double y)
{
  double front;

  if (x <= 0.0)
    return 0.0;
  if (y <= 0.0)
    return 1.0;
  /* x^a y^b / B(a,b), in logarithms: B overflows long before the quotient */
  front = exp (lgamma (a + b) - lgamma (a) - lgamma (b) + a * log (x) + b * log (y));
  if (x < (a + 1.0) / (a + b + 2.0))
    return front * beta_cf (a, b, x) / a;
  /* I_x(a,b) = 1 − I_{1−x}(b,a) */
  return 1.0 - front * beta_cf (b, a, y) / b;
}

double
fl_stats_beta_inc (double a, double b, double x)
{
  g_return_val_if_fail (a > 0.0 && b > 0.0 && x >= 0.0 && x <= 1.0, NAN);
  return beta_inc2 (a, b, x, 1.0 - x);
}

/* P(T > |t|) = ½ · I_{df/(df+t²)}(df/2, ½) (Abramowitz & Stegun 26.7.1):
 * small for large |t|, where the continued fraction runs in x directly. */
static double
t_upper_tail (double t, double df)
{
  double t2 = t * t;

  if (isinf (t))
    return 0.0;
  return 0.5 * beta_inc2 (df / 2.0, 0.5, df / (df + t2), t2 / (df + t2));
}

double
fl_stats_t_cdf (double t, double df)
{
  g_return_val_if_fail (df > 0.0, NAN);
  if (isnan (t))
    return NAN;
  return t < 0.0 ? t_upper_tail (t, df) : 1.0 - t_upper_tail (t, df);
}

double
fl_stats_t_sf (double t, double df)
{
  g_return_val_if_fail (df > 0.0, NAN);
  if (isnan (t))
    return NAN;
  return t > 0.0 ? t_upper_tail (t, df) : 1.0 - t_upper_tail (t, df);
}

gboolean
fl_stats_corrected_ttest (const double *d,
                          int           n,
                          double        test_train_ratio,
                          FlTTest      *out)
{
  g_return_val_if_fail (out != NULL && test_train_ratio >= 0.0, FALSE);
  *out = (FlTTest) { .n = n, .mean = fl_stats_mean (d, n), .sd = fl_stats_sd (d, n),
                     .df = n - 1, .p = NAN, .t = NAN };
  if (n < 2)
    return FALSE;
  out->constant = out->sd <= CONSTANT_SD;
  if (out->constant)
    {
      /* no spread to weigh the mean against: certain if it is not 0 */
      out->t = out->mean == 0.0 ? 0.0 : copysign (INFINITY, out->mean);
      out->p = out->mean == 0.0 ? 1.0 : 0.0;
      return TRUE;
    }
  out->t = out->mean / sqrt ((1.0 / n + test_train_ratio) * out->sd * out->sd);
  out->p = 2.0 * t_upper_tail (out->t, out->df);
  return TRUE;
}

gboolean
fl_stats_bayes_correlated (const double *d,
                           int           n,
                           double        rho,
                           double        rope,
                           FlBayesTTest *out)
{
  double var;

  g_return_val_if_fail (out != NULL && rope >= 0.0, FALSE);
  *out = (FlBayesTTest) { .mean = fl_stats_mean (d, n), .df = n - 1,
                          .left = NAN, .rope = NAN, .right = NAN };
  if (n < 2 || !(rho >= 0.0 && rho < 1.0))
    return FALSE;
  var = fl_stats_variance (d, n);
  out->scale = sqrt ((1.0 / n + rho / (1.0 - rho)) * var);
  if (sqrt (var) <= CONSTANT_SD)
    {
      /* the posterior is a point at mean(d) */
      out->left = out->mean < -rope;
      out->right = out->mean > rope;
      out->rope = !out->left && !out->right;
      return TRUE;
    }
  out->left = fl_stats_t_cdf ((-rope - out->mean) / out->scale, out->df);
  out->right = fl_stats_t_sf ((rope - out->mean) / out->scale, out->df);
  out->rope = MAX (1.0 - out->left - out->right, 0.0);
  return TRUE;
}
