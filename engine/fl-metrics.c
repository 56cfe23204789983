/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-metrics"

#include "fl-metrics.h"

#include <string.h>

struct FlMetrics {
  int     n_classes;   /* C */
  gint64 *confusion;   /* (C,C): row = true, column = predicted */
  gint64  total;
  double  loss_sum;    /* Σ mean_loss·n */
  gint64  loss_count;  /* Σ n */
};

FlMetrics *
fl_metrics_new (int n_classes)
{
  FlMetrics *m;

  g_return_val_if_fail (n_classes >= 1, NULL);

  m = g_new0 (FlMetrics, 1);
  m->n_classes = n_classes;
  m->confusion = g_new0 (gint64, (gsize) n_classes * n_classes);
  return m;
}

void
fl_metrics_free (FlMetrics *m)
{
  if (m == NULL)
    return;
  g_free (m->confusion);
  g_free (m);
}

void
fl_metrics_reset (FlMetrics *m)
{
  g_return_if_fail (m != NULL);
  memset (m->confusion, 0, sizeof (gint64) * m->n_classes * m->n_classes);
  m->total = 0;
  m->loss_sum = 0.0;
  m->loss_count = 0;
}

int
fl_metrics_n_classes (const FlMetrics *m)
{
  g_return_val_if_fail (m != NULL, 0);
  return m->n_classes;
}

void
fl_metrics_add (FlMetrics *m, int true_label, int predicted)
{
  g_return_if_fail (m != NULL);
  g_return_if_fail (true_label >= 0 && true_label < m->n_classes);
  g_return_if_fail (predicted >= 0 && predicted < m->n_classes);

  m->confusion[true_label * m->n_classes + predicted]++;
  m->total++;
}

void
fl_metrics_add_batch (FlMetrics    *m,
                      const gint32 *labels,
                      const gint32 *predicted,
                      int           n)
{
  g_return_if_fail (n == 0 || (labels != NULL && predicted != NULL));

  for (int i = 0; i < n; i++)
    fl_metrics_add (m, labels[i], predicted[i]);
}

int
fl_argmax (const float *scores, int n)
{
  int best = 0;

  for (int c = 1; c < n; c++)
    if (scores[c] > scores[best])
      best = c;
  return best;
}

void
fl_metrics_add_scores (FlMetrics    *m,
                       const float  *scores,
                       const gint32 *labels,
                       int           n)
{
  g_return_if_fail (m != NULL);
  g_return_if_fail (n == 0 || (scores != NULL && labels != NULL));

  for (int i = 0; i < n; i++)
    fl_metrics_add (m, labels[i], fl_argmax (scores + (gsize) i * m->n_classes, m->n_classes));
}

void
fl_metrics_add_loss (FlMetrics *m, double mean_loss, int n)
{
  g_return_if_fail (m != NULL);
  g_return_if_fail (n >= 0);

  m->loss_sum += mean_loss * n;
  m->loss_count += n;
}

double
fl_metrics_mean_loss (const FlMetrics *m)
{
  g_return_val_if_fail (m != NULL, 0.0);
  return m->loss_count > 0 ? m->loss_sum / (double) m->loss_count : 0.0;
}

void
fl_metrics_merge (FlMetrics *dst, const FlMetrics *src)
{
  g_return_if_fail (dst != NULL && src != NULL);
  g_return_if_fail (dst->n_classes == src->n_classes);

  for (int i = 0; i < dst->n_classes * dst->n_classes; i++)
    dst->confusion[i] += src->confusion[i];
  dst->total += src->total;
  dst->loss_sum += src->loss_sum;
  dst->loss_count += src->loss_count;
}

gint64
fl_metrics_total (const FlMetrics *m)
{
  g_return_val_if_fail (m != NULL, 0);
  return m->total;
}

const gint64 *
fl_metrics_confusion_matrix (const FlMetrics *m)
{
  g_return_val_if_fail (m != NULL, NULL);
  return m->confusion;
}

gint64
fl_metrics_confusion (const FlMetrics *m, int true_label, int predicted)
{
  g_return_val_if_fail (m != NULL, 0);
  g_return_val_if_fail (true_label >= 0 && true_label < m->n_classes, 0);
  g_return_val_if_fail (predicted >= 0 && predicted < m->n_classes, 0);
  return m->confusion[true_label * m->n_classes + predicted];
}

/* Σ of the n_classes counts confusion[first], confusion[first + stride], …:
 * a row (stride 1), a column (stride C) or the diagonal (stride C+1). */
static gint64
confusion_sum (const FlMetrics *m, int first, int stride)
{
  gint64 s = 0;

  for (int i = 0; i < m->n_classes; i++)
    s += m->confusion[first + i * stride];
  return s;
}

double
fl_metrics_accuracy (const FlMetrics *m)
{
  g_return_val_if_fail (m != NULL, 0.0);
  if (m->total == 0)
    return 0.0;
  return (double) confusion_sum (m, 0, m->n_classes + 1) / (double) m->total;
}

/* Σ of row c: TP + FN. */
gint64
fl_metrics_support (const FlMetrics *m, int c)
{
  g_return_val_if_fail (m != NULL, 0);
  g_return_val_if_fail (c >= 0 && c < m->n_classes, 0);
  return confusion_sum (m, c * m->n_classes, 1);
}

/* Σ of column c: TP + FP. */
gint64
fl_metrics_n_predicted (const FlMetrics *m, int c)
{
  g_return_val_if_fail (m != NULL, 0);
  g_return_val_if_fail (c >= 0 && c < m->n_classes, 0);
  return confusion_sum (m, c, m->n_classes);
}

static gint64
true_positives (const FlMetrics *m, int c)
{
  return m->confusion[c * m->n_classes + c];
}

double
fl_metrics_precision (const FlMetrics *m, int c)
{
  gint64 predicted = fl_metrics_n_predicted (m, c);
  return predicted > 0 ? (double) true_positives (m, c) / (double) predicted : 0.0;
}

double
fl_metrics_recall (const FlMetrics *m, int c)
{
  gint64 support = fl_metrics_support (m, c);
  return support > 0 ? (double) true_positives (m, c) / (double) support : 0.0;
}

double
fl_metrics_f1 (const FlMetrics *m, int c)
{
  double p = fl_metrics_precision (m, c), r = fl_metrics_recall (m, c);
  return p + r > 0.0 ? 2.0 * p * r / (p + r) : 0.0;
}

double
fl_metrics_macro_f1 (const FlMetrics *m)
{
  double sum = 0.0;
  int present = 0;

  g_return_val_if_fail (m != NULL, 0.0);
  for (int c = 0; c < m->n_classes; c++)
    {
      if (fl_metrics_support (m, c) == 0 && fl_metrics_n_predicted (m, c) == 0)
        continue;
      sum += fl_metrics_f1 (m, c);
      present++;
    }
  return present > 0 ? sum / present : 0.0;
}
