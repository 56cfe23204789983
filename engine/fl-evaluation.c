/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-evaluation"

#include "fl-evaluation.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <string.h>

void
fl_evaluation_free (FlEvaluation *ev)
{
  if (ev == NULL)
    return;
  fl_validation_free (ev->validation);
  g_strfreev (ev->unknown_classes);
  g_free (ev->unknown_counts);
  g_free (ev);
}

void
fl_evaluation_spec (FlPredictor *pred,
                    FlDataSpec  *spec)
{
  const FlInputStats *st = fl_predictor_stats (pred);

  spec->image_size = fl_predictor_image_size (pred);
  spec->image_fit = fl_predictor_image_fit (pred);
  spec->unlabelled = FALSE;
  if (st->audio_mels == 0)
    spec->audio_col = "";
  spec->numeric_cols = st->n_numeric > 0 ? (const char *const *) st->numeric_names : NULL;
}

/* The model's class of each of ds's classes, -1 for one it does not know. */
static int *
map_classes (FlPredictor     *pred,
             const FlDataset *ds)
{
  const char *const *known = fl_predictor_class_names (pred);
  int *map = g_new (int, MAX (ds->n_classes, 1));

  for (int c = 0; c < ds->n_classes; c++)
    {
      map[c] = -1;
      for (int k = 0; known[k] != NULL; k++)
        if (strcmp (known[k], ds->class_names[c]) == 0)
          map[c] = k;
    }
  return map;
}

/* The unknown classes of ds (map[c] < 0) and their counts into ev. */
static void
note_unknown (FlEvaluation    *ev,
              const FlDataset *ds,
              const int       *map)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (int));

  for (int c = 0; c < ds->n_classes; c++)
    if (map[c] < 0)
      {
        g_ptr_array_add (names, g_strdup (ds->class_names[c]));
        g_array_append_val (counts, ds->class_counts[c]);
        ev->n_unknown += ds->class_counts[c];
      }
  g_ptr_array_add (names, NULL);
  ev->unknown_classes = (char **) g_ptr_array_steal (names, NULL);
  ev->unknown_counts = (int *) g_array_steal (counts, NULL);
}

static char *
no_class_known (FlPredictor     *pred,
                const FlDataset *ds)
{
  const char *const *known = fl_predictor_class_names (pred);
  g_autofree char *model = g_strjoinv (", ", (char **) known);
  g_autofree char *data = g_strjoinv (", ", ds->class_names);

  return g_strdup_printf (_("the model knows none of the data’s classes: the data has %s; the model knows %s"),
                          data, model);
}

FlEvaluation *
fl_evaluation_run (FlPredictor     *pred,
                   const FlDataset *ds,
                   GError         **error)
{
  const int C = (int) g_strv_length ((char **) fl_predictor_class_names (pred));
  g_autofree float *probs = NULL;
  g_autofree int *map = NULL;
  g_autoptr(FlEvaluation) ev = g_new0 (FlEvaluation, 1);
  FlValidation *v;
  int k = 0;

  g_return_val_if_fail (pred != NULL && ds != NULL, NULL);

  map = map_classes (pred, ds);
  note_unknown (ev, ds, map);
  ev->n_samples = ds->n;
  if (ev->n_unknown == ds->n)
    {
      g_autofree char *why = no_class_known (pred, ds);

      g_set_error_literal (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA, why);
      return NULL;
    }
  probs = g_new (float, (gsize) ds->n * C);
  if (!fl_predictor_predict_dataset (pred, ds, probs, error))
    return NULL;

  v = ev->validation = fl_validation_new (ds->n - ev->n_unknown, fl_predictor_class_names (pred));
  for (int i = 0; i < ds->n; i++)
    if (map[ds->labels[i]] >= 0)
      {
        v->rows[k] = i;
        v->labels[k] = map[ds->labels[i]];
        memcpy (v->probs + (gsize) k * C, probs + (gsize) i * C, sizeof (float) * C);
        k++;
      }
  return g_steal_pointer (&ev);
}

FlMetrics *
fl_evaluation_metrics (const FlEvaluation *ev)
{
  g_return_val_if_fail (ev != NULL, NULL);
  return fl_validation_metrics (ev->validation);
}

char *
fl_evaluation_unknown_note (const FlEvaluation *ev)
{
  g_autoptr(GString) s = NULL;
  guint n;

  g_return_val_if_fail (ev != NULL, NULL);

  n = g_strv_length (ev->unknown_classes);
  if (n == 0)
    return NULL;
  s = g_string_new (NULL);
  g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "%u class the model does not know: ",
                                          "%u classes the model does not know: ", n), n);
  for (guint c = 0; c < n; c++)
    g_string_append_printf (s, "%s%s (%d)", c > 0 ? ", " : "", ev->unknown_classes[c], ev->unknown_counts[c]);
  if (ev->n_unknown == 1)
    g_string_append (s, _(" — its sample is left out of accuracy"));
  else
    g_string_append_printf (s, _(" — their %d samples are left out of accuracy"), ev->n_unknown);
  return g_string_free (g_steal_pointer (&s), FALSE);
}
