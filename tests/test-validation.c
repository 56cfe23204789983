/* SPDX-License-Identifier: MIT
 *
 * Validations compared sample by sample (issue 12): the samples a fusion
 * run rescued from both unimodal baselines and those it lost, on a case
 * whose probabilities are set by hand; runs validated on other samples are
 * refused.
 */
#include "fl-validation.h"
#include "fl-model.h"

#include <string.h>

static const char *const classes[] = { "cat", "dog", "fox", NULL };

/* Six samples of rows 10, 11, …, labels 0 1 2 0 1 2; predicted[k] is the
 * class given probability 0.6 (the other two 0.2 each). */
static FlValidation *
make (const int predicted[6])
{
  FlValidation *v = fl_validation_new (6, classes);

  for (int k = 0; k < 6; k++)
    {
      v->rows[k] = 10 + k;
      v->labels[k] = k % 3;
      for (int c = 0; c < 3; c++)
        v->probs[k * 3 + c] = c == predicted[k] ? 0.6f : 0.2f;
    }
  return v;
}

/*            sample:   0  1  2  3  4  5     label 0 1 2 0 1 2
 * fusion right on 0 1 2 4, image on 1 3 4, text on 1 3 5:
 *   rescued (fusion right, both wrong): 0 2
 *   hurt (fusion wrong, one right): 3 (both right), 5 (text right) */
static const int fusion_pred[6] = { 0, 1, 2, 1, 1, 0 };
static const int image_pred[6]  = { 1, 1, 0, 0, 1, 0 };
static const int text_pred[6]   = { 2, 1, 1, 0, 0, 2 };

static void
test_rescued_hurt (void)
{
  g_autoptr(FlValidation) f = make (fusion_pred);
  g_autoptr(FlValidation) i = make (image_pred);
  g_autoptr(FlValidation) t = make (text_pred);
  g_autoptr(GArray) rescued = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) hurt = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_validation_compare_fusion (f, i, t, rescued, hurt, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rescued->len, ==, 2);
  g_assert_cmpint (g_array_index (rescued, gint32, 0), ==, 10);
  g_assert_cmpint (g_array_index (rescued, gint32, 1), ==, 12);
  g_assert_cmpint (hurt->len, ==, 2);
  g_assert_cmpint (g_array_index (hurt, gint32, 0), ==, 13);
  g_assert_cmpint (g_array_index (hurt, gint32, 1), ==, 15);

  /* either list may be left out; a tie goes to the first class, as
   * fl_validation_predicted() has it: sample 0 of fusion becomes 0.4 0.4 0.2,
   * still right */
  f->probs[1] = 0.4f;
  f->probs[0] = 0.4f;
  g_array_set_size (rescued, 0);
  g_assert_true (fl_validation_compare_fusion (f, i, t, rescued, NULL, &error));
  g_assert_cmpint (rescued->len, ==, 2);

  /* a run compared with itself as both baselines rescues and hurts nothing */
  g_array_set_size (rescued, 0);
  g_array_set_size (hurt, 0);
  g_assert_true (fl_validation_compare_fusion (f, f, f, rescued, hurt, &error));
  g_assert_cmpint (rescued->len, ==, 0);
  g_assert_cmpint (hurt->len, ==, 0);
}

/* Three baselines: rescued only where all three are wrong, hurt where any
 * one is right; a third run on other samples is refused, naming it. */
static void
test_three_baselines (void)
{
  /* the picture, the words as in test_rescued_hurt, and a sound-only run
   * right on 0 and 3: sample 0 is no longer rescued (the sound got it), 2
   * still is; hurt stays 3 and 5 */
  const int sound_pred[6] = { 0, 0, 0, 0, 0, 0 };
  const int *const preds[3] = { image_pred, text_pred, sound_pred };
  g_autoptr(FlValidation) f = make (fusion_pred);
  g_autoptr(FlValidation) fewer = fl_validation_new (5, classes);
  g_autoptr(GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_validation_free);
  const FlValidation *three[3];
  const char *const names[3] = { "image-only", "text-only", "audio-only" };
  g_autoptr(GArray) rescued = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) hurt = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GError) error = NULL;

  for (int b = 0; b < 3; b++)
    {
      FlValidation *v = make (preds[b]);

      g_ptr_array_add (made, v);
      three[b] = v;
    }
  g_assert_true (fl_validation_compare_baselines (f, three, names, 3, rescued, hurt, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rescued->len, ==, 1);
  g_assert_cmpint (g_array_index (rescued, gint32, 0), ==, 12);
  g_assert_cmpint (hurt->len, ==, 2);
  g_assert_cmpint (g_array_index (hurt, gint32, 0), ==, 13);
  g_assert_cmpint (g_array_index (hurt, gint32, 1), ==, 15);

  three[2] = fewer;
  g_array_set_size (rescued, 0);
  g_array_set_size (hurt, 0);
  g_assert_false (fl_validation_compare_baselines (f, three, names, 3, rescued, hurt, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "audio-only"));
  g_assert_cmpint (rescued->len + hurt->len, ==, 0);
}

static void
expect_refused (const FlValidation *f, const FlValidation *i, const FlValidation *t)
{
  g_autoptr(GArray) rescued = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) hurt = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GError) error = NULL;

  g_assert_false (fl_validation_compare_fusion (f, i, t, rescued, hurt, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_assert_cmpint (rescued->len + hurt->len, ==, 0);
}

static void
test_other_samples_refused (void)
{
  const int pred[6] = { 0, 1, 2, 0, 1, 2 };
  static const char *const other_classes[] = { "cat", "dog", "owl", NULL };
  g_autoptr(FlValidation) f = make (pred);
  g_autoptr(FlValidation) same = make (pred);
  g_autoptr(FlValidation) order = make (pred);
  g_autoptr(FlValidation) fewer = fl_validation_new (5, classes);
  g_autoptr(FlValidation) names = fl_validation_new (6, other_classes);

  /* the same rows in another order */
  order->rows[0] = 13;
  order->rows[3] = 10;
  expect_refused (f, order, same);
  expect_refused (f, same, order);
  expect_refused (f, same, fewer);
  for (int k = 0; k < 6; k++)
    {
      names->rows[k] = f->rows[k];
      names->labels[k] = f->labels[k];
    }
  expect_refused (f, names, same);
  /* the same rows, another label: another dataset */
  same->labels[2] = 0;
  expect_refused (f, same, f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/validation/rescued-hurt", test_rescued_hurt);
  g_test_add_func ("/validation/three-baselines", test_three_baselines);
  g_test_add_func ("/validation/other-samples-refused", test_other_samples_refused);
  return g_test_run ();
}
