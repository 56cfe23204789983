/* SPDX-License-Identifier: MIT
 *
 * The session's comparisons: every fusion on one split, or on every fold of
 * a repeated stratified k-fold, and what such a comparison will cost.
 */
#define G_LOG_DOMAIN "fl-session"

#include "fl-session-private.h"
#include "fl-i18n.h"

#include "fl-style.h"

#include <string.h>

/* ---- the comparison's data --------------------------------------------------- */

/* Whether a column the experiment names (NULL: whichever was detected) is
 * the one the data was read with. */
static gboolean
same_column (const char *named,
             const char *used)
{
  return named == NULL || g_strcmp0 (named, used) == 0;
}

/* Whether the numeric columns an experiment names are those the data was
 * read with (NULL: none). */
static gboolean
same_columns (const char *const *named,
              const char *const *used)
{
  const char *const none[] = { NULL };

  return g_strv_equal (named != NULL ? named : none, used != NULL ? used : none);
}

/* Whether ds holds the samples of the comparison's runs: the same files,
 * unchanged, read with the same columns, the sound and numeric ones too
 * (NULL for the sound: whichever was detected). The image size may
 * differ: runs at several sizes are compared on the same samples. */
gboolean
_fl_session_is_runs_data (FlSession *self,
                          FlDataset *ds)
{
  const FlExperimentData *d = &self->runs_data;

  return ds != NULL && d->csv_path != NULL &&
         /* the file may have changed since (0: a file of the first version) */
         (d->samples == 0 || d->samples == ds->fingerprint) &&
         g_strcmp0 (d->csv_path, ds->csv_path) == 0 &&
         g_strcmp0 (d->images_dir, ds->images_dir) == 0 &&
         same_column (d->image_col, ds->report.image_col) &&
         same_column (d->text_col, ds->report.text_col) &&
         same_column (d->label_col, ds->report.label_col != NULL ? ds->report.label_col : "") &&
         same_column (d->audio_col, ds->report.audio_col != NULL ? ds->report.audio_col : "") &&
         same_columns ((const char *const *) d->numeric_cols, (const char *const *) ds->report.numeric_cols);
}

FlDataset *
_fl_session_runs_dataset (FlSession *self)
{
  return _fl_session_is_runs_data (self, self->ds) ? self->ds : NULL;
}

/* ---- Compare ----------------------------------------------------------------- */

/* The branches of the data loaded (image and text without data: what
 * every dataset has). */
static guint
present_branches (FlSession *self)
{
  return self->ds != NULL ? fl_dataset_branches (self->ds) : FL_BRANCHES_IMAGE_TEXT;
}

/* The routes Compare trains, in order, into out: those chosen (or all),
 * less those the data cannot feed — a baseline whose branch it lacks, or
 * every fusion when s (may be NULL) fuses fewer than two of its branches. */
static guint
compare_routes (FlSession             *self,
                const FlTrainSettings *s,
                FlFusion               out[FL_N_FUSIONS])
{
  guint present = present_branches (self), n_fusions, n = 0;
  guint fused = s != NULL && s->branches != 0 ? s->branches : present;
  const FlFusion *fusions = fl_fusions (&n_fusions);

  if (self->n_routes > 0)
    {
      fusions = self->routes;
      n_fusions = self->n_routes;
    }
  for (guint k = 0; k < n_fusions; k++)
    if (fl_train_route_possible (fusions[k], present) &&
        (fl_fusion_single_branch (fusions[k]) >= 0 || ((fused & ~present) == 0 && fl_branches_count (fused) >= 2)))
      out[n++] = fusions[k];
  return n;
}

/* Adds the runs of a comparison to cmp, into runs. */
void
_fl_session_add_compare_runs (FlSession             *self,
                              const FlTrainSettings *settings,
                              GArray                *runs)
{
  FlFusion fusions[FL_N_FUSIONS];
  guint n_fusions = compare_routes (self, settings, fusions);
  int first, n;

  if (self->folds >= 2)
    {
      first = fl_comparison_add_cv (self->cmp, settings, fusions, (int) n_fusions, self->folds, self->repeats);
      n = (int) n_fusions * self->folds * self->repeats;
    }
  else
    {
      /* every route, on the same split and seed */
      first = fl_comparison_n_runs (self->cmp);
      n = (int) n_fusions;
      for (guint k = 0; k < n_fusions; k++)
        {
          FlTrainSettings s = *settings;

          s.fusion = fusions[k];
          fl_comparison_add_settings (self->cmp, &s);
        }
    }
  for (int i = first; i < first + n; i++)
    g_array_append_val (runs, i);
}

void
fl_session_set_design (FlSession *self,
                       int        folds,
                       int        repeats)
{
  g_return_if_fail (FL_IS_SESSION (self));

  self->folds = folds >= 2 ? folds : 1;
  self->repeats = folds >= 2 ? MAX (repeats, 1) : 1;
}

int
fl_session_get_compare_runs (FlSession *self)
{
  FlFusion fusions[FL_N_FUSIONS];

  g_return_val_if_fail (FL_IS_SESSION (self), 0);
  return (int) compare_routes (self, NULL, fusions) * self->folds * self->repeats;
}

double
fl_session_get_measured_speed (FlSession *self)
{
  g_return_val_if_fail (FL_IS_SESSION (self), 0.0);

  for (int i = fl_run_list_get_n_runs (self->runs) - 1; i >= 0; i--)
    {
      GArray *epochs = fl_run_item_get_epochs (fl_run_list_get (self->runs, i));

      if (epochs->len > 0)
        return g_array_index (epochs, FlEpochStats, epochs->len - 1).samples_per_s;
    }
  return 0.0;
}


/* The route significantly ahead of every other one, or -1; its runs
 * marked best in the list. */
static int
mark_best_route (FlSession *self,
                 GPtrArray *routes)
{
  int best = fl_routes_best (routes);
  const FlRouteSummary *r = best >= 0 ? g_ptr_array_index (routes, best) : NULL;
  g_autoptr(GArray) runs = g_array_new (FALSE, FALSE, sizeof (int));

  for (int k = 0; r != NULL && k < r->n_runs; k++)
    if (r->run[k] >= 0)
      g_array_append_val (runs, r->run[k]);
  fl_run_list_set_best_runs (self->runs, (const int *) runs->data, (int) runs->len);
  return best;
}

int
_fl_session_mark_best (FlSession *self)
{
  g_autoptr(GPtrArray) routes = NULL;
  const FlRouteSummary *r;
  int best;

  if (self->cmp == NULL || fl_comparison_cv_folds (self->cmp) < 2)
    return fl_run_list_update_best (self->runs);
  routes = fl_comparison_routes (self->cmp);
  best = mark_best_route (self, routes);
  /* shown: the best route's (or the first route's) first fold, which keeps
   * its model */
  r = routes->len > 0 ? g_ptr_array_index (routes, MAX (best, 0)) : NULL;
  return r != NULL ? r->run[0] : -1;
}

char *
_fl_session_cv_status (FlSession *self)
{
  g_autoptr(GPtrArray) routes = fl_comparison_routes (self->cmp);
  int best = fl_routes_best (routes), folds = fl_comparison_cv_folds (self->cmp);
  int repeats = fl_comparison_cv_repeats (self->cmp);
  /* TRANSLATORS: the cross-validation's design in the status line: "5 folds × 3 repeats" */
  g_autofree char *design = repeats > 1 ? g_strdup_printf (_("%d folds × %d repeats"), folds, repeats)
                                        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d fold", "%d folds",
                                                                        folds), folds);
  const FlRouteSummary *r;

  if (best < 0)
    /* TRANSLATORS: %2$s is "5 folds" or "5 folds × 3 repeats" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Compared %u route over %s · no route is clearly ahead of every "
                                         "other: see the verdicts",
                                         "Compared %u routes over %s · no route is clearly ahead of every "
                                         "other: see the verdicts", routes->len),
                            routes->len, design);
  r = g_ptr_array_index (routes, best);
  /* TRANSLATORS: %2$s is "5 folds" or "5 folds × 3 repeats", %3$s a fusion
   * method's title, then the accuracy's mean ± its standard deviation */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Compared %u route over %s · %s is ahead of every other: "
                                       "accuracy %.1f%% ± %.1f",
                                       "Compared %u routes over %s · %s is ahead of every other: "
                                       "accuracy %.1f%% ± %.1f", routes->len),
                          routes->len, design, fl_fusion_title (r->fusion), 100.0 * r->acc_mean,
                          100.0 * r->acc_sd);
}

void
fl_session_set_routes (FlSession      *self,
                       const FlFusion *fusions,
                       guint           n)
{
  g_return_if_fail (FL_IS_SESSION (self));
  g_return_if_fail (n <= FL_N_FUSIONS);

  self->n_routes = n;
  if (n > 0)
    memcpy (self->routes, fusions, n * sizeof *fusions);
}
