/* SPDX-License-Identifier: MIT
 *
 * fl-compare-cv.c — a cross-validated comparison read route by route: each
 * fusion's per-fold scores, their mean ± sd, the paired tests of two routes
 * and the verdict in words.
 *
 * Why not the mean alone: on one split with one seed the order of the
 * routes changes with the seed (issue 12). Why not the plain paired t-test
 * over folds: the folds' training sets overlap, so their scores are
 * correlated and the plain test's variance is too small — it finds
 * differences that are not there (Dietterich 1998; Nadeau & Bengio 2003).
 * The corrected resampled t-test widens the variance by n_test/n_train;
 * Bouckaert & Frank (2004) found it replicable for r × k-fold.
 */
#define G_LOG_DOMAIN "fl-compare"

#include "fl-compare.h"
#include "fl-i18n.h"

#include <math.h>

void
fl_route_summary_free (FlRouteSummary *route)
{
  if (route == NULL)
    return;
  g_free (route->acc);
  g_free (route->f1);
  g_free (route->run);
  g_free (route);
}

static FlRouteSummary *
route_new (FlFusion fusion, int folds, int repeats)
{
  FlRouteSummary *route = g_new0 (FlRouteSummary, 1);

  route->fusion = fusion;
  route->folds = folds;
  route->repeats = repeats;
  route->n_runs = folds * repeats;
  route->acc = g_new (double, route->n_runs);
  route->f1 = g_new (double, route->n_runs);
  route->run = g_new (int, route->n_runs);
  for (int k = 0; k < route->n_runs; k++)
    {
      route->acc[k] = route->f1[k] = NAN;
      route->run[k] = -1;
    }
  return route;
}

/* The route of fusion in routes, added if it is not there yet. */
static FlRouteSummary *
route_of (GPtrArray *routes, FlFusion fusion, int folds, int repeats)
{
  for (guint i = 0; i < routes->len; i++)
    if (((FlRouteSummary *) routes->pdata[i])->fusion == fusion)
      return routes->pdata[i];
  g_ptr_array_add (routes, route_new (fusion, folds, repeats));
  return routes->pdata[routes->len - 1];
}

/* Mean and sample sd of the finished folds. */
static void
route_sum_up (FlRouteSummary *route)
{
  g_autofree double *acc = g_new (double, route->n_runs);
  g_autofree double *f1 = g_new (double, route->n_runs);
  int n = 0;

  for (int k = 0; k < route->n_runs; k++)
    if (!isnan (route->acc[k]))
      {
        acc[n] = route->acc[k];
        f1[n++] = route->f1[k];
      }
  route->n_done = n;
  route->acc_mean = fl_stats_mean (acc, n);
  route->acc_sd = fl_stats_sd (acc, n);
  route->f1_mean = fl_stats_mean (f1, n);
  route->f1_sd = fl_stats_sd (f1, n);
}

GPtrArray *
fl_comparison_routes (FlComparison *cmp)
{
  GPtrArray *routes = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_route_summary_free);
  int folds = fl_comparison_cv_folds (cmp), repeats = fl_comparison_cv_repeats (cmp);

  if (folds < 2)
    return routes;
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      const FlRunResult *r = fl_comparison_result (cmp, i);
      FlRouteSummary *route;
      int slot;

      if (r->tested_on != NULL || r->settings.kfold != folds || r->repeat < 0 || r->repeat >= repeats ||
          r->settings.fold < 0 || r->settings.fold >= folds)
        continue;
      route = route_of (routes, r->fusion, folds, repeats);
      slot = r->repeat * folds + r->settings.fold;
      if (route->run[slot] >= 0)
        continue;   /* the first run of a fold counts */
      route->run[slot] = i;
      if (r->status == FL_RUN_DONE && r->epochs->len > 0)
        {
          const FlEpochStats *last = &g_array_index (r->epochs, FlEpochStats, r->epochs->len - 1);

          route->acc[slot] = last->val_acc;
          route->f1[slot] = last->val_f1;
        }
    }
  for (guint i = 0; i < routes->len; i++)
    route_sum_up (routes->pdata[i]);
  return routes;
}

gboolean
fl_route_diff (const FlRouteSummary *a, const FlRouteSummary *b, FlRouteDiff *out)
{
  g_autofree double *d = NULL;
  int k = a->folds, n = 0;

  g_return_val_if_fail (a->folds == b->folds && a->repeats == b->repeats, FALSE);
  *out = (FlRouteDiff) { 0 };
  d = g_new (double, a->n_runs);
  for (int s = 0; s < a->n_runs; s++)
    if (!isnan (a->acc[s]) && !isnan (b->acc[s]))
      {
        d[n++] = a->acc[s] - b->acc[s];
        out->wins_a += a->acc[s] > b->acc[s];
        out->wins_b += a->acc[s] < b->acc[s];
      }
  out->n = n;
  out->mean = fl_stats_mean (d, n);
  out->sd = fl_stats_sd (d, n);
  if (n < 2)
    return FALSE;
  /* k-fold tests on n/k samples after training on n(k−1)/k: the ratio is
   * 1/(k−1) (Nadeau & Bengio's n2/n1); the correlation of two folds' scores
   * is taken as ρ = n_test/n = 1/k (Benavoli et al. 2017, §3.1) */
  fl_stats_corrected_ttest (d, n, 1.0 / (k - 1), &out->ttest);
  fl_stats_bayes_correlated (d, n, 1.0 / k, FL_CV_ROPE, &out->bayes);
  out->significant = out->ttest.p < FL_CV_ALPHA;
  return TRUE;
}

/* "p = 0.42", "p = 0.0143", "p < 0.001": three significant digits under
 * 0.1, so that a p just under FL_CV_ALPHA never prints as 0.05. */
static char *
format_p (double p)
{
  if (p < 0.001)
    return g_strdup ("p < 0.001");
  return g_strdup_printf (p < 0.1 ? "p = %.3g" : "p = %.2f", p);
}

char *
fl_route_verdict (const FlRouteSummary *a, const char *name_a,
                  const FlRouteSummary *b, const char *name_b)
{
  FlRouteDiff d;
  gboolean a_ahead;
  g_autofree char *p = NULL;

  if (!fl_route_diff (a, b, &d))
    return g_strdup_printf (_("too few folds finished to compare %s and %s (%d of %d)"),
                            name_a, name_b, d.n, a->n_runs);
  if (d.ttest.constant && d.mean == 0.0)
    return g_strdup_printf (_("%s and %s are equal in every fold (p = 1)"), name_a, name_b);
  p = format_p (d.ttest.p);
  if (!d.significant)
    return g_strdup_printf (_("no clear winner between %s and %s (%s; folds won %d to %d)"),
                            name_a, name_b, p, d.wins_a, d.wins_b);
  a_ahead = d.mean > 0;
  if (d.ttest.constant)
    return g_strdup_printf (_("%s beats %s in %d of %d folds, by %.1f points in every fold "
                            "(no spread, so p = 0)"),
                            a_ahead ? name_a : name_b, a_ahead ? name_b : name_a,
                            a_ahead ? d.wins_a : d.wins_b, d.n, 100 * fabs (d.mean));
  return g_strdup_printf (_("%s beats %s in %d of %d folds, by %.1f ± %.1f points (%s)"),
                          a_ahead ? name_a : name_b, a_ahead ? name_b : name_a,
                          a_ahead ? d.wins_a : d.wins_b, d.n, 100 * fabs (d.mean),
                          100 * d.sd, p);
}

int
fl_routes_best (GPtrArray *routes)
{
  for (guint i = 0; i < routes->len; i++)
    {
      gboolean ahead_of_all = routes->len > 1;

      for (guint j = 0; j < routes->len && ahead_of_all; j++)
        {
          FlRouteDiff d;

          if (j != i)
            ahead_of_all = fl_route_diff (routes->pdata[i], routes->pdata[j], &d) &&
                           d.significant && d.mean > 0;
        }
      if (ahead_of_all)
        return (int) i;
    }
  return -1;
}

/* One line per route: mean ± sd of both scores, then each fold's
 * accuracy in (repeat, fold) order, "-" for one not finished. */
static void
append_routes_table (GString *s, GPtrArray *routes, int best)
{
  g_string_append_printf (s, "%-9s %7s %-17s %-17s %4s  %s\n", "route", "folds",
                          "val_acc", "val_f1", "best", "val_acc per fold");
  for (guint i = 0; i < routes->len; i++)
    {
      const FlRouteSummary *r = routes->pdata[i];

      g_string_append_printf (s, "%-9s %3d/%-3d %.4f ± %.4f  %.4f ± %.4f  %4s ",
                              fl_fusion_to_string (r->fusion), r->n_done, r->n_runs,
                              r->acc_mean, r->acc_sd, r->f1_mean, r->f1_sd,
                              (int) i == best ? "*" : "");
      for (int k = 0; k < r->n_runs; k++)
        {
          if (isnan (r->acc[k]))
            g_string_append (s, " -");
          else
            g_string_append_printf (s, " %.3f", r->acc[k]);
        }
      g_string_append_c (s, '\n');
    }
}

/* Every pair's verdict, with the Bayesian test's three probabilities. */
static void
append_verdicts (GString *s, GPtrArray *routes)
{
  for (guint i = 0; i < routes->len; i++)
    for (guint j = i + 1; j < routes->len; j++)
      {
        const FlRouteSummary *a = routes->pdata[i], *b = routes->pdata[j];
        const char *na = fl_fusion_to_string (a->fusion), *nb = fl_fusion_to_string (b->fusion);
        g_autofree char *v = fl_route_verdict (a, na, b, nb);
        FlRouteDiff d;

        g_string_append_printf (s, "  %s\n", v);
        if (fl_route_diff (a, b, &d))
          g_string_append_printf (s, _("    Bayesian: P(%s ahead) %.2f · P(within %g point) %.2f · "
                                  "P(%s ahead) %.2f\n"), na, d.bayes.right, 100 * FL_CV_ROPE,
                                  d.bayes.rope, nb, d.bayes.left);
      }
}

char *
fl_comparison_cv_report (FlComparison *cmp)
{
  g_autoptr(GPtrArray) routes = NULL;
  GString *s;
  int best;

  if (fl_comparison_cv_folds (cmp) < 2)
    return NULL;
  routes = fl_comparison_routes (cmp);
  best = fl_routes_best (routes);
  s = g_string_new (NULL);
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE,
                                          "%d-fold cross-validation × %d repeat; each fold scored "
                                          "at its final epoch\n\n",
                                          "%d-fold cross-validation × %d repeats; each fold scored "
                                          "at its final epoch\n\n", fl_comparison_cv_repeats (cmp)),
                          fl_comparison_cv_folds (cmp), fl_comparison_cv_repeats (cmp));
  append_routes_table (s, routes, best);
  if (best >= 0)
    g_string_append_printf (s, _("\nbest: %s, significantly ahead of every other route\n"),
                            fl_fusion_to_string (((FlRouteSummary *) routes->pdata[best])->fusion));
  else
    g_string_append (s, _("\nbest: none — no route is significantly ahead of every other\n"));
  g_string_append_printf (s, _("\nverdicts (val_acc; corrected resampled t-test, significant at "
                          "p < %g):\n"), FL_CV_ALPHA);
  append_verdicts (s, routes);
  return g_string_free (s, FALSE);
}

/* Writes text to path atomically. */
static gboolean
write_text (const char *path, GString *text, GError **error)
{
  return g_file_set_contents_full (path, text->str, (gssize) text->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

gboolean
fl_comparison_write_routes_csv (FlComparison *cmp, const char *path, GError **error)
{
  g_autoptr(GPtrArray) routes = fl_comparison_routes (cmp);
  g_autoptr(GString) s = g_string_new ("route,folds_done,acc_mean,acc_sd,f1_mean,f1_sd,best");
  int n = fl_comparison_cv_folds (cmp) * fl_comparison_cv_repeats (cmp), best = fl_routes_best (routes);

  for (int k = 0; k < n; k++)
    g_string_append_printf (s, ",acc_%d", k + 1);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < routes->len; i++)
    {
      const FlRouteSummary *r = routes->pdata[i];

      g_string_append_printf (s, "%s,%d,%.6f,%.6f,%.6f,%.6f,%d", fl_fusion_to_string (r->fusion), r->n_done,
                              r->acc_mean, r->acc_sd, r->f1_mean, r->f1_sd, (int) i == best);
      for (int k = 0; k < r->n_runs; k++)
        g_string_append_printf (s, isfinite (r->acc[k]) ? ",%.6f" : ",", r->acc[k]);
      g_string_append_c (s, '\n');
    }
  return write_text (path, s, error);
}

gboolean
fl_comparison_write_verdicts_csv (FlComparison *cmp, const char *path, GError **error)
{
  g_autoptr(GPtrArray) routes = fl_comparison_routes (cmp);
  g_autoptr(GString) s = g_string_new ("route_a,route_b,folds,wins_a,wins_b,diff_mean,diff_sd,t,df,p,"
                                       "significant,p_a_better,p_equivalent,p_b_better\n");

  for (guint i = 0; i < routes->len; i++)
    for (guint j = i + 1; j < routes->len; j++)
      {
        const FlRouteSummary *a = routes->pdata[i], *b = routes->pdata[j];
        FlRouteDiff d;

        if (!fl_route_diff (a, b, &d))
          continue;
        g_string_append_printf (s, "%s,%s,%d,%d,%d,%.6f,%.6f,%.6f,%.0f,%.6g,%d,%.6f,%.6f,%.6f\n",
                                fl_fusion_to_string (a->fusion), fl_fusion_to_string (b->fusion), d.n,
                                d.wins_a, d.wins_b, d.mean, d.sd, d.ttest.t, d.ttest.df, d.ttest.p,
                                d.significant, d.bayes.right, d.bayes.rope, d.bayes.left);
      }
  return write_text (path, s, error);
}
