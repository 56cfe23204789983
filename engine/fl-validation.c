/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-validation"

#include "fl-validation.h"
#include "fl-model.h"
#include "fl-i18n.h"

#include <string.h>

FlValidation *
fl_validation_new (int n, const char *const *class_names)
{
  FlValidation *v;

  g_return_val_if_fail (n >= 0 && class_names != NULL && class_names[0] != NULL, NULL);

  v = g_new0 (FlValidation, 1);
  v->n = n;
  v->class_names = g_strdupv ((char **) class_names);
  v->n_classes = (int) g_strv_length (v->class_names);
  v->rows = g_new0 (gint32, MAX (n, 1));
  v->labels = g_new0 (gint32, MAX (n, 1));
  v->probs = g_new0 (float, (gsize) MAX (n, 1) * v->n_classes);
  return v;
}

FlValidation *
fl_validation_copy (const FlValidation *v)
{
  FlValidation *c = fl_validation_new (v->n, (const char *const *) v->class_names);

  memcpy (c->rows, v->rows, sizeof (gint32) * v->n);
  memcpy (c->labels, v->labels, sizeof (gint32) * v->n);
  memcpy (c->probs, v->probs, sizeof (float) * v->n * v->n_classes);
  return c;
}

void
fl_validation_free (FlValidation *v)
{
  if (v == NULL)
    return;
  g_strfreev (v->class_names);
  g_free (v->rows);
  g_free (v->labels);
  g_free (v->probs);
  g_free (v);
}

int
fl_validation_predicted (const FlValidation *v, int k, float *confidence)
{
  const float *p = v->probs + (gsize) k * v->n_classes;
  int best;

  g_return_val_if_fail (k >= 0 && k < v->n, 0);

  best = fl_argmax (p, v->n_classes);
  if (confidence != NULL)
    *confidence = p[best];
  return best;
}

FlMetrics *
fl_validation_metrics (const FlValidation *v)
{
  FlMetrics *m = fl_metrics_new (v->n_classes);

  for (int k = 0; k < v->n; k++)
    fl_metrics_add (m, v->labels[k], fl_validation_predicted (v, k, NULL));
  return m;
}

gboolean
fl_validation_matches (const FlValidation *v, const FlDataset *ds, GError **error)
{
  if (ds->n_classes != v->n_classes)
    {
      g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                   _("the data has %d classes, the run had %d"), ds->n_classes, v->n_classes);
      return FALSE;
    }
  for (int c = 0; c < v->n_classes; c++)
    if (g_strcmp0 (ds->class_names[c], v->class_names[c]) != 0)
      {
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                     _("the data's class %d is “%s”, the run's was “%s”"),
                     c + 1, ds->class_names[c], v->class_names[c]);
        return FALSE;
      }
  for (int k = 0; k < v->n; k++)
    if (v->rows[k] < 0 || v->rows[k] >= ds->n || ds->labels[v->rows[k]] != v->labels[k])
      {
        g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA,
                     _("validation sample %d (data row %d) is not in the data as it was"),
                     k + 1, v->rows[k] + 1);
        return FALSE;
      }
  return TRUE;
}

/* Whether b was validated on a's samples: the same classes, rows and
 * labels, in the same order. which names b in the error. */
static gboolean
same_samples (const FlValidation *a, const FlValidation *b, const char *which, GError **error)
{
  gboolean same = a->n == b->n && a->n_classes == b->n_classes;

  for (int c = 0; same && c < a->n_classes; c++)
    same = g_strcmp0 (a->class_names[c], b->class_names[c]) == 0;
  if (same)
    same = memcmp (a->rows, b->rows, sizeof (gint32) * a->n) == 0
           && memcmp (a->labels, b->labels, sizeof (gint32) * a->n) == 0;
  if (!same)
    g_set_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID,
                 _("the %s run was not validated on the fusion run's samples "
                 "(%d and %d samples; the same rows, in the same order, are needed)"),
                 which, b->n, a->n);
  return same;
}

gboolean
fl_validation_compare_baselines (const FlValidation        *fusion,
                                 const FlValidation *const *baselines,
                                 const char *const         *names,
                                 int                        n_baselines,
                                 GArray                    *rescued_rows,
                                 GArray                    *hurt_rows,
                                 GError                   **error)
{
  g_return_val_if_fail (fusion != NULL && baselines != NULL && names != NULL && n_baselines >= 1, FALSE);

  for (int b = 0; b < n_baselines; b++)
    if (!same_samples (fusion, baselines[b], names[b], error))
      return FALSE;
  for (int k = 0; k < fusion->n; k++)
    {
      gint32 y = fusion->labels[k];
      gboolean f = fl_validation_predicted (fusion, k, NULL) == y, any = FALSE;

      for (int b = 0; b < n_baselines && !any; b++)
        any = fl_validation_predicted (baselines[b], k, NULL) == y;
      if (f && !any && rescued_rows != NULL)
        g_array_append_val (rescued_rows, fusion->rows[k]);
      else if (!f && any && hurt_rows != NULL)
        g_array_append_val (hurt_rows, fusion->rows[k]);
    }
  return TRUE;
}

gboolean
fl_validation_compare_fusion (const FlValidation *fusion,
                              const FlValidation *image,
                              const FlValidation *text,
                              GArray             *rescued_rows,
                              GArray             *hurt_rows,
                              GError            **error)
{
  const FlValidation *baselines[2] = { image, text };
  static const char *const names[2] = { "image-only", "text-only" };

  g_return_val_if_fail (fusion != NULL && image != NULL && text != NULL, FALSE);
  return fl_validation_compare_baselines (fusion, baselines, names, 2, rescued_rows, hurt_rows, error);
}
