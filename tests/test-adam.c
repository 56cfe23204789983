/* SPDX-License-Identifier: MIT
 *
 * fl_model_adam_step against torch.optim.Adam's update written out by hand
 * in double precision, for gradients chosen to hit every regime: large,
 * small, negative, zero, and ~ε where ε decides the step.
 *
 *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²
 *   p -= lr/(1-β1^t) · m / (√v / √(1-β2^t) + ε)
 *
 * The reference uses the very hyper-parameters the engine gets (the floats
 * of FlAdamParams, widened to double). The engine works in float, so m and
 * v must match to a few float roundings (MV_REL) and p to two float ulps of
 * p plus a float rounding of the step (P_ABS): the step itself is ~lr.
 */
#include "fl-model.h"

#include <math.h>
#include <string.h>

#define MV_REL 1e-6
#define P_REL  2.4e-7   /* two ulps: a float's ulp is at most 2^-23 ≈ 1.2e-7 relative */
#define P_ABS  1e-10    /* rounding of a ~1e-3 step, ~1e-3 · 6e-8 */

/* g at step 1 and at step 2, cycled through the block with coprime
 * periods, so every pair of regimes meets somewhere. */
static const double grad1[] = { 0.5, -2.0, 0.0, 1e-3, 1e-8, -3e-5 };
static const double grad2[] = { -0.25, 0.0, 4.0, 1e-3, -1e-6 };

typedef struct {
  double *p, *m, *v;
  gsize   n;
} Ref;

static void
ref_step (Ref *r, const double *g, gint64 t, const FlAdamParams *hp)
{
  const double b1 = hp->beta1, b2 = hp->beta2, lr = hp->lr, eps = hp->eps;
  const double bc1 = 1.0 - pow (b1, (double) t), bc2 = 1.0 - pow (b2, (double) t);

  for (gsize i = 0; i < r->n; i++)
    {
      r->m[i] = b1 * r->m[i] + (1.0 - b1) * g[i];
      r->v[i] = b2 * r->v[i] + (1.0 - b2) * g[i] * g[i];
      r->p[i] -= lr / bc1 * r->m[i] / (sqrt (r->v[i]) / sqrt (bc2) + eps);
    }
}

/* Checks the engine's p, m and v against the reference; returns the worst
 * parameter error as a fraction of its tolerance. */
static double
check (FlModel *model, const Ref *r, const char *when)
{
  const float *p = fl_model_params (model);
  const float *m = fl_model_adam_m (model);
  const float *v = fl_model_adam_v (model);
  double worst = 0;

  for (gsize i = 0; i < r->n; i++)
    {
      double tol = P_ABS + P_REL * fabs (r->p[i]);
      worst = MAX (worst, fabs (p[i] - r->p[i]) / tol);
      if (fabs (p[i] - r->p[i]) > tol)
        g_test_message ("%s: p[%zu] is %.9g, expected %.9g", when, i, p[i], r->p[i]);
      g_assert_cmpfloat_with_epsilon (p[i], r->p[i], tol);
      g_assert_cmpfloat_with_epsilon (m[i], r->m[i], MV_REL * fabs (r->m[i]) + 1e-30);
      g_assert_cmpfloat_with_epsilon (v[i], r->v[i], MV_REL * fabs (r->v[i]) + 1e-30);
    }
  g_test_message ("%s: worst |p - reference| / tolerance %.3f", when, worst);
  return worst;
}

static FlModel *
tiny_model (void)
{
  g_autoptr(GError) error = NULL;
  FlConfig cfg;
  FlModel *model;

  fl_config_init_default (&cfg);
  cfg.fusion = FL_FUSION_TEXT;
  cfg.vocab_size = 3;
  cfg.text_hidden = 2;
  cfg.feat_dim = 2;
  cfg.head_hidden = 3;
  cfg.n_classes = 2;
  model = fl_model_new (&cfg, 7, &error);
  g_assert_no_error (error);
  return model;
}

static void
set_grads (FlModel *model, double *g, const double *pattern, gsize period)
{
  float *mg = fl_model_grads (model);

  for (gsize i = 0; i < fl_model_n_params (model); i++)
    {
      mg[i] = (float) pattern[i % period];
      g[i] = mg[i];   /* the reference sees the same float gradient */
    }
}

static void
test_two_steps (void)
{
  FlModel *model = tiny_model ();
  const gsize n = fl_model_n_params (model);
  g_autofree double *g = g_new (double, n);
  g_autofree float *p0 = g_memdup2 (fl_model_params (model), sizeof (float) * n);
  FlAdamParams hp;
  Ref r = { g_new0 (double, n), g_new0 (double, n), g_new0 (double, n), n };

  g_assert_cmpuint (n, >=, 30);
  fl_adam_params_init_default (&hp);
  g_assert_cmpfloat (hp.lr, ==, 1e-3);
  g_assert_cmpfloat (hp.beta1, ==, 0.9);
  g_assert_cmpfloat (hp.beta2, ==, 0.999);
  g_assert_cmpfloat (hp.eps, ==, 1e-8);
  for (gsize i = 0; i < n; i++)
    r.p[i] = p0[i];
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 0);

  /* step 1 */
  set_grads (model, g, grad1, G_N_ELEMENTS (grad1));
  fl_model_adam_step (model, &hp);
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 1);
  ref_step (&r, g, 1, &hp);
  check (model, &r, "t=1");
  for (gsize i = 0; i < n; i++)
    {
      double moved = (double) fl_model_params (model)[i] - p0[i];
      if (g[i] == 0.0)
        {
          /* a zero gradient at t=1 leaves m, v and the parameter exactly */
          g_assert_cmpfloat (fl_model_params (model)[i], ==, p0[i]);
          g_assert_cmpfloat (fl_model_adam_m (model)[i], ==, 0.0f);
          g_assert_cmpfloat (fl_model_adam_v (model)[i], ==, 0.0f);
        }
      else if (fabs (g[i]) >= 1e-5)
        /* at t=1 the bias corrections make the step lr·sign(g), up to ε;
         * measured in double around p0 (the float p carries an ulp) */
        g_assert_cmpfloat_with_epsilon (moved, -hp.lr * (g[i] > 0 ? 1 : -1),
                                        2e-3 * hp.lr + 4e-7 * fabs (p0[i]));
      else if (fabs (g[i]) < 1e-7)
        /* |g| ~ ε: ε halves the step or more */
        g_assert_cmpfloat (fabs (moved), <, 0.6 * hp.lr);
    }

  /* step 2: momentum keeps moving a parameter whose gradient is now 0 */
  set_grads (model, g, grad2, G_N_ELEMENTS (grad2));
  fl_model_adam_step (model, &hp);
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 2);
  ref_step (&r, g, 2, &hp);
  check (model, &r, "t=2");

  g_free (r.p);
  g_free (r.m);
  g_free (r.v);
  fl_model_free (model);
}

/* Resuming from a checkpoint: with m, v and t restored, the next step uses
 * the bias corrections of t+1, not of 1. */
static void
test_resume (void)
{
  FlModel *model = tiny_model ();
  const gsize n = fl_model_n_params (model);
  g_autofree double *g = g_new (double, n);
  FlAdamParams hp;
  Ref r = { g_new0 (double, n), g_new0 (double, n), g_new0 (double, n), n };

  fl_adam_params_init_default (&hp);
  for (gsize i = 0; i < n; i++)
    {
      fl_model_adam_m (model)[i] = (float) (1e-2 * ((int) (i % 5) - 2));
      fl_model_adam_v (model)[i] = (float) (1e-4 * (1 + i % 3));
      r.p[i] = fl_model_params (model)[i];
      r.m[i] = fl_model_adam_m (model)[i];
      r.v[i] = fl_model_adam_v (model)[i];
    }
  fl_model_set_adam_step_count (model, 9);
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 9);

  set_grads (model, g, grad1, G_N_ELEMENTS (grad1));
  fl_model_adam_step (model, &hp);
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 10);
  ref_step (&r, g, 10, &hp);
  check (model, &r, "t=10");

  /* re-initialising clears the optimiser state */
  fl_model_init_params (model, 3);
  g_assert_cmpint (fl_model_adam_step_count (model), ==, 0);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (fl_model_adam_m (model)[i], ==, 0.0f);
      g_assert_cmpfloat (fl_model_adam_v (model)[i], ==, 0.0f);
    }

  g_free (r.p);
  g_free (r.m);
  g_free (r.v);
  fl_model_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/adam/two-steps", test_two_steps);
  g_test_add_func ("/adam/resume", test_resume);
  return g_test_run ();
}
