/* SPDX-License-Identifier: MIT
 *
 * Helpers shared by the tests: seeded random fills, a central
 * finite-difference gradient check, waiting on the main loop, and removing
 * a scratch folder.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>

static inline void
fill_uniform (GRand *rng, float *x, gsize n, double lo, double hi)
{
  for (gsize i = 0; i < n; i++)
    x[i] = (float) g_rand_double_range (rng, lo, hi);
}

/* Values whose magnitudes stay at least `gap` away from 0, so a ReLU's kink
 * is never crossed by a perturbation smaller than gap. */
static inline void
fill_away_from_zero (GRand *rng, float *x, gsize n, double gap)
{
  for (gsize i = 0; i < n; i++)
    {
      double v = g_rand_double_range (rng, gap, 1.0);
      x[i] = (float) (g_rand_boolean (rng) ? v : -v);
    }
}

typedef gboolean (*FlTestCondition) (gpointer data);

static inline gboolean
fl_test_wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until cond holds (NULL: never); FALSE
 * after timeout seconds. A timeout wakes it every 10 ms, so that cond is
 * checked even when nothing else happens. */
static inline gboolean
fl_test_wait (FlTestCondition cond,
              gpointer        data,
              double          timeout)
{
  gint64 end = g_get_monotonic_time () + (gint64) (timeout * G_USEC_PER_SEC);
  guint wake = g_timeout_add (10, fl_test_wake_cb, NULL);
  gboolean ok;

  while (!(ok = cond != NULL && cond (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return ok;
}

/* Runs the main loop for a while. */
static inline void
fl_test_spin (double seconds)
{
  fl_test_wait (NULL, NULL, seconds);
}

/* Writes the header lines[0] and the rows lines[1 + first … first + n] to
 * DIR/name; returns the path (g_free). */
static inline char *
fl_test_write_rows (const char  *dir,
                    char *const *lines,
                    const char  *name,
                    int          first,
                    int          n)
{
  GString *csv = g_string_new (NULL);
  GError *error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_string_append_printf (csv, "%s\n", lines[0]);
  for (int i = 1 + first; i < 1 + first + n; i++)
    {
      g_assert_nonnull (lines[i]);
      g_string_append_printf (csv, "%s\n", lines[i]);
    }
  g_file_set_contents (path, csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_string_free (csv, TRUE);
  return path;
}

typedef double (*LossFn) (gpointer ctx);

/* Compares analytic[i] with (L(x+ε) - L(x-ε)) / 2ε for every i < n (or for
 * max_checks of them spread evenly). The error is
 *   |analytic - numeric| / max(|analytic|, |numeric|, floor)
 * where floor keeps gradients that are ~0 from dividing by nothing. Returns
 * the largest error seen. */
static inline double
grad_check (float *x, gsize n, const float *analytic, LossFn loss, gpointer ctx,
            double eps, double floor, gsize max_checks)
{
  double worst = 0.0;
  gsize stride = (max_checks > 0 && n > max_checks) ? n / max_checks : 1;

  for (gsize i = 0; i < n; i += stride)
    {
      float saved = x[i];
      float xp = (float) (saved + eps), xm = (float) (saved - eps);
      double lp, lm, numeric, err;

      x[i] = xp;
      lp = loss (ctx);
      x[i] = xm;
      lm = loss (ctx);
      x[i] = saved;
      /* divide by the step actually taken after rounding to float */
      numeric = (lp - lm) / ((double) xp - (double) xm);
      err = fabs (analytic[i] - numeric) /
            MAX (MAX (fabs (analytic[i]), fabs (numeric)), floor);
      if (err > worst)
        worst = err;
      if (err > 0.5 && g_test_verbose ())
        g_test_message ("element %zu: analytic %g numeric %g", i, analytic[i], numeric);
    }
  return worst;
}

/* Σ r_i · y_i in double: a scalar loss whose gradient w.r.t. y is r. */
static inline double
dot_loss (const float *r, const float *y, gsize n)
{
  double s = 0.0;
  for (gsize i = 0; i < n; i++)
    s += (double) r[i] * y[i];
  return s;
}

/* Removes path and, if it is a real folder, everything in it; links are
 * removed, never followed. */
static inline void
fl_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          fl_test_remove_tree (child);
        }
    }
  g_remove (path);
}
