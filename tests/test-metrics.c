/* SPDX-License-Identifier: MIT
 *
 * Metrics against confusion matrices worked out by hand.
 */
#include "fl-metrics.h"

#define EPS 1e-12

/* The matrix of test_hand_computed (rows true, columns predicted):
 *
 *          p0 p1 p2 p3
 *     t0 [  3  1  0  0 ]   support 4
 *     t1 [  1  2  0  0 ]   support 3
 *     t2 [  1  1  0  0 ]   support 2
 *     t3 [  0  0  0  0 ]   never true, never predicted
 */
static FlMetrics *
hand_metrics (void)
{
  static const gint32 truth[] = { 0, 0, 0, 0, 1, 1, 1, 2, 2 };
  static const gint32 pred[] =  { 0, 1, 0, 0, 1, 0, 1, 0, 1 };
  FlMetrics *m = fl_metrics_new (4);

  fl_metrics_add_batch (m, truth, pred, G_N_ELEMENTS (truth));
  return m;
}

static void
test_hand_computed (void)
{
  g_autoptr(FlMetrics) m = hand_metrics ();
  static const gint64 expected[4][4] = {
    { 3, 1, 0, 0 }, { 1, 2, 0, 0 }, { 1, 1, 0, 0 }, { 0, 0, 0, 0 },
  };
  const gint64 *cm = fl_metrics_confusion_matrix (m);

  g_assert_cmpint (fl_metrics_n_classes (m), ==, 4);
  g_assert_cmpint (fl_metrics_total (m), ==, 9);
  for (int t = 0; t < 4; t++)
    for (int p = 0; p < 4; p++)
      {
        g_assert_cmpint (fl_metrics_confusion (m, t, p), ==, expected[t][p]);
        g_assert_cmpint (cm[t * 4 + p], ==, expected[t][p]);
      }

  /* accuracy = (3 + 2 + 0) / 9 */
  g_assert_cmpfloat_with_epsilon (fl_metrics_accuracy (m), 5.0 / 9.0, EPS);

  /* class 0: TP 3, predicted 3+1+1 = 5, support 4
   *   P = 3/5 = 0.6, R = 3/4 = 0.75, F1 = 2·0.6·0.75 / 1.35 = 0.9/1.35 = 2/3 */
  g_assert_cmpint (fl_metrics_support (m, 0), ==, 4);
  g_assert_cmpint (fl_metrics_n_predicted (m, 0), ==, 5);
  g_assert_cmpfloat_with_epsilon (fl_metrics_precision (m, 0), 0.6, EPS);
  g_assert_cmpfloat_with_epsilon (fl_metrics_recall (m, 0), 0.75, EPS);
  g_assert_cmpfloat_with_epsilon (fl_metrics_f1 (m, 0), 2.0 / 3.0, EPS);

  /* class 1: TP 2, predicted 1+2+1 = 4, support 3
   *   P = 2/4 = 0.5, R = 2/3, F1 = 2·(1/2)·(2/3) / (1/2 + 2/3) = (2/3)/(7/6) = 4/7 */
  g_assert_cmpint (fl_metrics_support (m, 1), ==, 3);
  g_assert_cmpint (fl_metrics_n_predicted (m, 1), ==, 4);
  g_assert_cmpfloat_with_epsilon (fl_metrics_precision (m, 1), 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (fl_metrics_recall (m, 1), 2.0 / 3.0, EPS);
  g_assert_cmpfloat_with_epsilon (fl_metrics_f1 (m, 1), 4.0 / 7.0, EPS);

  /* class 2: never predicted → P = 0 (zero division), R = 0/2 = 0, F1 = 0 */
  g_assert_cmpint (fl_metrics_support (m, 2), ==, 2);
  g_assert_cmpint (fl_metrics_n_predicted (m, 2), ==, 0);
  g_assert_cmpfloat (fl_metrics_precision (m, 2), ==, 0.0);
  g_assert_cmpfloat (fl_metrics_recall (m, 2), ==, 0.0);
  g_assert_cmpfloat (fl_metrics_f1 (m, 2), ==, 0.0);

  /* class 3: absent, so left out of the mean:
   *   macro-F1 = (2/3 + 4/7 + 0) / 3 = (14/21 + 12/21) / 3 = 26/63 ≈ 0.4127
   * (including it would give 26/84 instead) */
  g_assert_cmpint (fl_metrics_support (m, 3), ==, 0);
  g_assert_cmpfloat (fl_metrics_f1 (m, 3), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (fl_metrics_macro_f1 (m), 26.0 / 63.0, EPS);
}

static void
test_predicted_but_never_true (void)
{
  g_autoptr(FlMetrics) m = hand_metrics ();

  /* one more true 0 predicted as 3: t0 becomes [3 1 0 1]
   *   class 0: P = 3/5, R = 3/5, F1 = 0.6
   *   class 1: unchanged, F1 = 4/7
   *   class 2: F1 = 0
   *   class 3: predicted once, never true: P = 0/1, R = 0 (zero division),
   *            F1 = 0, and it now counts in the mean
   *   macro-F1 = (3/5 + 4/7 + 0 + 0) / 4 = (21/35 + 20/35) / 4 = 41/140
   *   accuracy = 5/10 */
  fl_metrics_add (m, 0, 3);
  g_assert_cmpfloat_with_epsilon (fl_metrics_f1 (m, 0), 0.6, EPS);
  g_assert_cmpfloat (fl_metrics_precision (m, 3), ==, 0.0);
  g_assert_cmpfloat (fl_metrics_recall (m, 3), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (fl_metrics_macro_f1 (m), 41.0 / 140.0, EPS);
  g_assert_cmpfloat_with_epsilon (fl_metrics_accuracy (m), 0.5, EPS);
}

static void
test_perfect_and_empty (void)
{
  g_autoptr(FlMetrics) m = fl_metrics_new (3);

  /* nothing added: every ratio is 0 */
  g_assert_cmpfloat (fl_metrics_accuracy (m), ==, 0.0);
  g_assert_cmpfloat (fl_metrics_macro_f1 (m), ==, 0.0);
  g_assert_cmpfloat (fl_metrics_mean_loss (m), ==, 0.0);

  fl_metrics_add (m, 0, 0);
  fl_metrics_add (m, 2, 2);
  fl_metrics_add (m, 2, 2);
  /* class 1 absent: the two present classes are perfect */
  g_assert_cmpfloat (fl_metrics_accuracy (m), ==, 1.0);
  g_assert_cmpfloat (fl_metrics_macro_f1 (m), ==, 1.0);

  fl_metrics_reset (m);
  g_assert_cmpint (fl_metrics_total (m), ==, 0);
  g_assert_cmpint (fl_metrics_confusion (m, 2, 2), ==, 0);
  g_assert_cmpfloat (fl_metrics_accuracy (m), ==, 0.0);
}

static void
test_scores_argmax (void)
{
  g_autoptr(FlMetrics) m = fl_metrics_new (3);
  /* (3,3) scores; row 1 ties between classes 1 and 2 → the lower, 1 */
  static const float scores[] = {
    0.1f, 0.7f, 0.2f,
    -1.f, 2.0f, 2.0f,
    3.0f, -5.f, 2.9f,
  };
  static const gint32 labels[] = { 1, 2, 0 };

  fl_metrics_add_scores (m, scores, labels, 3);
  g_assert_cmpint (fl_metrics_confusion (m, 1, 1), ==, 1);
  g_assert_cmpint (fl_metrics_confusion (m, 2, 1), ==, 1);
  g_assert_cmpint (fl_metrics_confusion (m, 0, 0), ==, 1);
  g_assert_cmpfloat_with_epsilon (fl_metrics_accuracy (m), 2.0 / 3.0, EPS);
}

static void
test_loss_and_merge (void)
{
  g_autoptr(FlMetrics) a = fl_metrics_new (4);
  g_autoptr(FlMetrics) b = hand_metrics ();
  g_autoptr(FlMetrics) whole = hand_metrics ();

  /* batches of 4 with mean 0.5 and 2 with mean 1.0:
   * (0.5·4 + 1.0·2) / 6 = 4/6 */
  fl_metrics_add_loss (a, 0.5, 4);
  fl_metrics_add_loss (a, 1.0, 2);
  g_assert_cmpfloat_with_epsilon (fl_metrics_mean_loss (a), 4.0 / 6.0, EPS);

  /* merging b into a gives the hand matrix and the same losses */
  fl_metrics_merge (a, b);
  g_assert_cmpint (fl_metrics_total (a), ==, fl_metrics_total (whole));
  for (int t = 0; t < 4; t++)
    for (int p = 0; p < 4; p++)
      g_assert_cmpint (fl_metrics_confusion (a, t, p), ==, fl_metrics_confusion (whole, t, p));
  g_assert_cmpfloat_with_epsilon (fl_metrics_macro_f1 (a), 26.0 / 63.0, EPS);
  g_assert_cmpfloat_with_epsilon (fl_metrics_mean_loss (a), 4.0 / 6.0, EPS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/metrics/hand-computed", test_hand_computed);
  g_test_add_func ("/metrics/predicted-but-never-true", test_predicted_but_never_true);
  g_test_add_func ("/metrics/perfect-and-empty", test_perfect_and_empty);
  g_test_add_func ("/metrics/scores-argmax", test_scores_argmax);
  g_test_add_func ("/metrics/loss-and-merge", test_loss_and_merge);
  return g_test_run ();
}
