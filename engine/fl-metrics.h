/* SPDX-License-Identifier: MIT
 *
 * fl-metrics.h — classification metrics accumulated over batches (SPEC §4):
 * a confusion matrix, accuracy, macro-F1, per-class precision/recall/F1, and
 * the mean loss.
 *
 * Conventions, matching scikit-learn's precision_recall_fscore_support with
 * zero_division=0 over the labels present in y_true ∪ y_pred:
 *   precision_c = TP / (TP + FP), 0 when nothing was predicted as c;
 *   recall_c    = TP / (TP + FN), 0 when no sample is truly c;
 *   F1_c        = 2·P·R / (P + R), 0 when P + R = 0;
 *   macro-F1    = mean of F1_c over the classes that occur at least once as
 *                 a true or as a predicted label; classes with neither are
 *                 left out of the mean (0 if no class occurs).
 * Every ratio over no samples at all (accuracy, mean loss) is 0.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct FlMetrics FlMetrics;

/* Empty metrics for n_classes classes (>= 1); free with fl_metrics_free(). */
FlMetrics *fl_metrics_new (int n_classes);
void       fl_metrics_free (FlMetrics *m);

/* Forgets every sample and loss. */
void fl_metrics_reset (FlMetrics *m);

int fl_metrics_n_classes (const FlMetrics *m);

/* One sample whose true class is true_label and predicted class predicted,
 * both in [0, n_classes). */
void fl_metrics_add (FlMetrics *m, int true_label, int predicted);

/* labels and predicted are (n). */
void fl_metrics_add_batch (FlMetrics    *m,
                           const gint32 *labels,
                           const gint32 *predicted,
                           int           n);

/* The predicted class of one row of n scores (logits or probabilities):
 * the index of the largest, the lowest on a tie. */
int fl_argmax (const float *scores, int n);

/* scores is (n,C) — logits or probabilities; labels is (n). The prediction is
 * fl_argmax() of each row. */
void fl_metrics_add_scores (FlMetrics    *m,
                            const float  *scores,
                            const gint32 *labels,
                            int           n);

/* Adds the mean loss of a batch of n samples: sum += mean_loss·n, count += n. */
void   fl_metrics_add_loss (FlMetrics *m, double mean_loss, int n);
/* Loss sum / loss count; 0 if no loss was added. */
double fl_metrics_mean_loss (const FlMetrics *m);

/* Adds the counts and losses of src (same n_classes) to dst. */
void fl_metrics_merge (FlMetrics *dst, const FlMetrics *src);

/* Number of samples added. */
gint64 fl_metrics_total (const FlMetrics *m);

/* The (C,C) confusion matrix, row = true class, column = predicted class;
 * owned by m. */
const gint64 *fl_metrics_confusion_matrix (const FlMetrics *m);
/* One cell of it: samples of class true_label predicted as predicted. */
gint64        fl_metrics_confusion (const FlMetrics *m, int true_label, int predicted);

/* Σ_c confusion[c][c] / total. */
double fl_metrics_accuracy (const FlMetrics *m);
double fl_metrics_macro_f1 (const FlMetrics *m);

/* Per class c, as above. Support is the number of samples truly of class c,
 * n_predicted the number predicted as c. */
double fl_metrics_precision (const FlMetrics *m, int c);
double fl_metrics_recall (const FlMetrics *m, int c);
double fl_metrics_f1 (const FlMetrics *m, int c);
gint64 fl_metrics_support (const FlMetrics *m, int c);
gint64 fl_metrics_n_predicted (const FlMetrics *m, int c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMetrics, fl_metrics_free)

G_END_DECLS
