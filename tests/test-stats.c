/* SPDX-License-Identifier: MIT
 *
 * The statistics of a cross-validated comparison against SciPy: the
 * incomplete beta, the Student t distribution, the corrected resampled
 * t-test and the Bayesian correlated t-test, to 1e-6 relative (or 1e-15
 * absolute for values below 1e-9, whose relative digits a difference of two
 * probabilities near 1 cannot keep). The expected numbers are in
 * tests/data/stats-fixture.json, written by tools/make-stats-fixture.py.
 */
#include "fl-stats.h"

#include <json-glib/json-glib.h>
#include <math.h>

static void
assert_close (double got, double want, const char *what)
{
  double err = fabs (got - want);

  if (!(err <= 1e-6 * fabs (want) || (fabs (want) < 1e-9 && err <= 1e-15)))
    g_error ("%s: %.17g, SciPy %.17g (relative error %.3g)", what, got, want,
             err / fabs (want));
}

static JsonObject *
load_fixture (JsonParser *parser)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "stats-fixture.json", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_beta_inc (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *cases = json_object_get_array_member (load_fixture (parser), "beta_inc");

  g_assert_cmpuint (json_array_get_length (cases), >=, 8);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      double a = json_object_get_double_member (c, "a"), b = json_object_get_double_member (c, "b");
      double x = json_object_get_double_member (c, "x");
      g_autofree char *what = g_strdup_printf ("I_%g(%g, %g)", x, a, b);

      assert_close (fl_stats_beta_inc (a, b, x), json_object_get_double_member (c, "value"), what);
    }
  g_assert_cmpfloat (fl_stats_beta_inc (2, 3, 0), ==, 0);
  g_assert_cmpfloat (fl_stats_beta_inc (2, 3, 1), ==, 1);
}

/* Both tails of t for df 1 to 100 and |t| up to 30: a p-value of 1e-52
 * keeps its relative precision, and the two add up to 1. */
static void
test_t_distribution (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *cases = json_object_get_array_member (load_fixture (parser), "t");

  g_assert_cmpuint (json_array_get_length (cases), >=, 90);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      double t = json_object_get_double_member (c, "t"), df = json_object_get_double_member (c, "df");
      g_autofree char *cdf = g_strdup_printf ("cdf(%g, df %g)", t, df);
      g_autofree char *sf = g_strdup_printf ("sf(%g, df %g)", t, df);

      assert_close (fl_stats_t_cdf (t, df), json_object_get_double_member (c, "cdf"), cdf);
      assert_close (fl_stats_t_sf (t, df), json_object_get_double_member (c, "sf"), sf);
    }
  g_assert_cmpfloat (fl_stats_t_sf (INFINITY, 4), ==, 0);
  g_assert_cmpfloat (fl_stats_t_cdf (-INFINITY, 4), ==, 0);
  g_assert_cmpfloat (fl_stats_t_cdf (INFINITY, 4), ==, 1);
  g_assert_true (isnan (fl_stats_t_cdf (NAN, 4)));
}

static GArray *
doubles (JsonArray *a)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      double x = json_array_get_double_element (a, i);
      g_array_append_val (out, x);
    }
  return out;
}

/* One difference vector: both tests, as SciPy computes them (and, with no
 * spread, as the engine's convention says). */
static void
check_vector (JsonObject *c)
{
  g_autoptr(GArray) d = doubles (json_object_get_array_member (c, "d"));
  const char *name = json_object_get_string_member (c, "name");
  int k = (int) json_object_get_int_member (c, "folds");
  double rope = json_object_get_double_member (c, "rope");
  FlTTest t;
  FlBayesTTest b;

  g_test_message ("%s", name);
  g_assert_cmpuint (d->len, ==, k * json_object_get_int_member (c, "repeats"));
  g_assert_true (fl_stats_corrected_ttest ((double *) d->data, d->len, 1.0 / (k - 1), &t));
  g_assert_cmpint (t.n, ==, d->len);
  g_assert_cmpfloat (t.df, ==, json_object_get_double_member (c, "df"));
  assert_close (t.mean, json_object_get_double_member (c, "mean"), "mean");
  assert_close (t.sd, json_object_get_double_member (c, "sd"), "sd");
  g_assert_cmpint (t.constant, ==, json_object_get_null_member (c, "t"));
  if (!t.constant)
    assert_close (t.t, json_object_get_double_member (c, "t"), "t");
  assert_close (t.p, json_object_get_double_member (c, "p"), "p");

  g_assert_true (fl_stats_bayes_correlated ((double *) d->data, d->len, 1.0 / k, rope, &b));
  assert_close (b.scale, json_object_get_double_member (c, "scale"), "scale");
  assert_close (b.left, json_object_get_double_member (c, "left"), "P(left)");
  assert_close (b.rope, json_object_get_double_member (c, "rope_p"), "P(rope)");
  assert_close (b.right, json_object_get_double_member (c, "right"), "P(right)");
  assert_close (b.left + b.rope + b.right, 1.0, "P(left) + P(rope) + P(right)");
}

static void
test_paired_tests (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *cases = json_object_get_array_member (load_fixture (parser), "tests");

  g_assert_cmpuint (json_array_get_length (cases), >=, 10);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    check_vector (json_array_get_object_element (cases, i));
}

/* Sample statistics, and what is too little to test. */
static void
test_basics (void)
{
  const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
  FlTTest t;
  FlBayesTTest b;

  g_assert_cmpfloat (fl_stats_mean (x, 8), ==, 5.0);
  /* Σ(x − 5)² = 32; sample variance 32/7, not the population's 4 */
  g_assert_cmpfloat_with_epsilon (fl_stats_variance (x, 8), 32.0 / 7.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (fl_stats_sd (x, 8), sqrt (32.0 / 7.0), 1e-15);
  g_assert_cmpfloat (fl_stats_sd (x, 1), ==, 0.0);
  g_assert_cmpfloat (fl_stats_mean (x, 0), ==, 0.0);
  g_assert_false (fl_stats_corrected_ttest (x, 1, 0.25, &t));
  g_assert_true (isnan (t.p));
  g_assert_false (fl_stats_bayes_correlated (x, 1, 0.2, 0.01, &b));
  g_assert_false (fl_stats_bayes_correlated (x, 8, 1.0, 0.01, &b));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stats/basics", test_basics);
  g_test_add_func ("/stats/beta-inc", test_beta_inc);
  g_test_add_func ("/stats/t-distribution", test_t_distribution);
  g_test_add_func ("/stats/paired-tests", test_paired_tests);
  return g_test_run ();
}
