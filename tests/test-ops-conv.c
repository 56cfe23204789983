/* SPDX-License-Identifier: MIT
 *
 * The conv blocks' fast paths against the plain operators they replace:
 * fl_pool2_bias_relu_*() against max-pool, + bias and ReLU one after the
 * other, a conv without its bias, and on shapes whose pooled planes end in
 * a partial block of eight (the kernels' lanes); a conv's gradients from
 * the pooled one against the plain route. Tolerances as test-ops.c.
 */
#include "fl-ops.h"
#include "fl-test-util.h"

#include <math.h>
#include <string.h>

#define TOL_LINEAR 1e-3

/* Shapes (N, C, H, W): pooled planes of 15, 1, 32 and 21 floats. */
static const int shapes[][4] = { { 2, 3, 6, 10 }, { 1, 2, 2, 2 }, { 3, 4, 8, 16 }, { 1, 5, 6, 14 } };

/* n distinct values 0.01 apart, shuffled: no ties, and no winner or ReLU
 * changes under a perturbation of 1e-3 once a bias with a fraction of
 * 0.005 is added. 84% of them below 0, so that about half the windows'
 * maxima (0.5^(1/4) = 0.84) are negative and the ReLU clips. */
static void
fill_distinct (GRand *rng, float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    x[i] = 0.01f * ((float) i - 0.84f * (float) n);
  for (gsize i = n - 1; i > 0; i--)
    {
      gsize j = g_rand_int_range (rng, 0, (gint32) i + 1);
      float t = x[i]; x[i] = x[j]; x[j] = t;
    }
}

static gsize
count_zeros (const float *x, gsize n)
{
  gsize z = 0;

  for (gsize i = 0; i < n; i++)
    z += x[i] == 0.0f;
  return z;
}

typedef struct {
  int N, C, H, W;
  float *in, *b, *out, *r;
  gint32 *am;
} BlockCtx;

static gsize
n_in (const BlockCtx *c)
{
  return (gsize) c->N * c->C * c->H * c->W;
}

static double
block_loss (gpointer p)
{
  BlockCtx *c = p;

  fl_pool2_bias_relu_forward (c->out, c->am, c->in, c->b, c->N, c->C, c->H, c->W);
  return dot_loss (c->r, c->out, n_in (c) / 4);
}

static void
block_init (BlockCtx *c, GRand *rng, const int *shape)
{
  *c = (BlockCtx) { .N = shape[0], .C = shape[1], .H = shape[2], .W = shape[3] };
  c->in = g_new (float, n_in (c));
  c->b = g_new (float, c->C);
  c->out = g_new (float, n_in (c) / 4);
  c->r = g_new (float, n_in (c) / 4);
  c->am = g_new (gint32, n_in (c) / 4);
  fill_distinct (rng, c->in, n_in (c));
  for (int k = 0; k < c->C; k++)
    c->b[k] = 0.005f + 0.01f * (float) g_rand_int_range (rng, -20, 20);
  fill_uniform (rng, c->r, n_in (c) / 4, -1, 1);
}

static void
block_clear (BlockCtx *c)
{
  g_free (c->in); g_free (c->b); g_free (c->out); g_free (c->r); g_free (c->am);
}

/* Forward: max-pool, then + b, then ReLU, bit for bit, the same winners. */
static void
test_block_forward (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (11);

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      BlockCtx c;
      block_init (&c, rng, shapes[s]);
      gsize n = n_in (&c) / 4, plane = n / (c.N * c.C);
      g_autofree float *ref = g_new (float, n);
      g_autofree gint32 *ref_am = g_new (gint32, n);

      block_loss (&c);
      fl_maxpool2_forward (ref, ref_am, c.in, c.N, c.C, c.H, c.W);
      for (gsize i = 0; i < n; i++)
        {
          float v = ref[i] + c.b[(i / plane) % c.C];
          fl_relu_forward (&v, 1);
          g_assert_cmpfloat (c.out[i], ==, v);
          g_assert_cmpint (c.am[i], ==, ref_am[i]);
        }
      block_clear (&c);
    }
}

/* Ties go to the first of the window in row-major order, as in PyTorch. */
static void
test_block_ties (void)
{
  /* one 2x4 map: windows {1,1,1,1} and {0,2,-1,2} */
  const float in[] = { 1, 1, 0, 2, 1, 1, -1, 2 };
  const float b[] = { 0 };
  float out[2];
  gint32 am[2];

  fl_pool2_bias_relu_forward (out, am, in, b, 1, 1, 2, 4);
  g_assert_cmpint (am[0], ==, 0);
  g_assert_cmpint (am[1], ==, 3);
  g_assert_cmpfloat (out[1], ==, 2.0f);
}

/* Backward: the composition's adjoint, and central differences. */
static void
test_block_backward (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (12);

  for (guint s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      BlockCtx c;
      block_init (&c, rng, shapes[s]);
      gsize n = n_in (&c) / 4, plane = n / (c.N * c.C);
      g_autofree float *din = g_new (float, n_in (&c));
      g_autofree float *ref = g_new (float, n_in (&c));
      g_autofree float *masked = g_memdup2 (c.r, sizeof (float) * n);
      g_autofree float *db = g_new0 (float, c.C);
      g_autofree double *ref_db = g_new0 (double, c.C);

      block_loss (&c);
      /* garbage in din: the backward overwrites all of it */
      fill_uniform (rng, din, n_in (&c), 5, 6);
      fl_pool2_bias_relu_backward (din, db, c.r, c.out, c.am, c.N, c.C, c.H, c.W);
      fl_relu_backward (masked, c.out, n);
      fl_maxpool2_backward (ref, masked, c.am, c.N, c.C, c.H, c.W);
      g_assert_cmpint (count_zeros (c.out, n), >, n / 4);
      for (gsize i = 0; i < n_in (&c); i++)
        g_assert_cmpfloat (din[i], ==, ref[i]);
      for (gsize i = 0; i < n; i++)
        ref_db[(i / plane) % c.C] += masked[i];
      for (int k = 0; k < c.C; k++)
        g_assert_cmpfloat_with_epsilon (db[k], ref_db[k], 1e-5);

      g_assert_cmpfloat (grad_check (c.in, n_in (&c), din, block_loss, &c, 1e-3, 1e-2, 0), <,
                         TOL_LINEAR);
      g_assert_cmpfloat (grad_check (c.b, c.C, db, block_loss, &c, 1e-3, 1e-2, 0), <, TOL_LINEAR);
      block_clear (&c);
    }
}

/* A conv without its bias is the conv with a zero bias; a backward without
 * db computes the same dw and din. */
static void
test_conv_without_bias (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (13);
  const int N = 2, C = 3, H = 5, W = 7, K = 4;
  const gsize nin = N * C * H * W, nout = N * K * H * W, nw = K * C * 9;
  g_autofree float *in = g_new (float, nin), *w = g_new (float, nw);
  g_autofree float *zero = g_new0 (float, K), *db = g_new0 (float, K);
  g_autofree float *a = g_new (float, nout), *b = g_new (float, nout);
  g_autofree float *dw_a = g_new0 (float, nw), *dw_b = g_new0 (float, nw);
  g_autofree float *din_a = g_new (float, nin), *din_b = g_new (float, nin);
  g_autofree float *scratch = g_new (float, fl_conv3x3_scratch_size (C, H, W));

  fill_uniform (rng, in, nin, -1, 1);
  fill_uniform (rng, w, nw, -1, 1);
  fl_conv3x3_forward (a, in, w, zero, scratch, N, C, H, W, K);
  fill_uniform (rng, b, nout, 5, 6);
  fl_conv3x3_forward (b, in, w, NULL, scratch, N, C, H, W, K);
  g_assert_cmpmem (a, sizeof (float) * nout, b, sizeof (float) * nout);

  fl_conv3x3_backward (din_a, dw_a, db, a, in, w, scratch, N, C, H, W, K);
  fl_conv3x3_backward (din_b, dw_b, NULL, a, in, w, scratch, N, C, H, W, K);
  g_assert_cmpmem (dw_a, sizeof (float) * nw, dw_b, sizeof (float) * nw);
  g_assert_cmpmem (din_a, sizeof (float) * nin, din_b, sizeof (float) * nin);
}

/* The backward from the pooled gradient against the plain route
 * (fl_pool2_bias_relu_backward, then fl_conv3x3_backward): dw and db
 * accumulated onto what they held, db to the bit, dw and din to float
 * rounding; with scratch of exactly the sizes asked for, full of NaN (the
 * padding lanes must not reach the results). Shapes (N, C, H, W, K): C =
 * 8 makes a patch exactly 72 floats wide, no padding lanes at all; C = 32
 * is conv2's 288 (64 columns four times, then 32). Run twice: with the
 * AVX-512 kernels where the processor has them, and with the eight-lane
 * ones. */
static void
test_pool_grads (gconstpointer data)
{
  static const int cases[][5] = { { 2, 3, 6, 10, 4 }, { 1, 1, 2, 2, 3 }, { 3, 3, 16, 64, 32 },
                                  { 1, 8, 6, 14, 5 }, { 2, 2, 10, 12, 9 }, { 2, 32, 8, 12, 6 } };
  g_autoptr(GRand) rng = g_rand_new_with_seed (14);

  fl_conv3x3_set_direct (GPOINTER_TO_INT (data));
  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      const int N = cases[t][0], C = cases[t][1], H = cases[t][2], W = cases[t][3], K = cases[t][4];
      const gsize nin = (gsize) N * C * H * W, nc = (gsize) N * K * H * W, nw = (gsize) K * C * 9;
      const gsize nsc = fl_conv3x3_pool_weight_grad_scratch_size (C, H, W, K);
      g_autofree float *in = g_new (float, nin), *w = g_new (float, nw), *b = g_new (float, K);
      g_autofree float *c = g_new (float, nc), *out = g_new (float, nc / 4);
      g_autofree float *dout = g_new (float, nc / 4), *dc = g_new (float, nc);
      g_autofree gint32 *am = g_new (gint32, nc / 4);
      g_autofree float *dw = g_new (float, nw), *ref_dw = g_new (float, nw);
      g_autofree float *db = g_new (float, K), *ref_db = g_new (float, K);
      g_autofree float *din = g_new (float, nin), *ref_din = g_new (float, nin);
      const gsize nsi = fl_conv3x3_pool_input_grad_scratch_size (C, H, W, K);
      g_autofree float *scratch = g_new (float, MAX (MAX (nsc, nsi), fl_conv3x3_scratch_size (C, H, W)));
      float big = 0.0f, big_in = 0.0f;

      fill_uniform (rng, in, nin, -1, 1);
      fill_uniform (rng, w, nw, -1, 1);
      fill_uniform (rng, b, K, -0.5, 0.5);
      fill_uniform (rng, dout, nc / 4, -1, 1);
      fill_uniform (rng, dw, nw, -1, 1);
      fill_uniform (rng, db, K, -1, 1);
      memcpy (ref_dw, dw, sizeof (float) * nw);
      memcpy (ref_db, db, sizeof (float) * K);
      fl_conv3x3_forward (c, in, w, NULL, scratch, N, C, H, W, K);
      fl_pool2_bias_relu_forward (out, am, c, b, N, K, H, W);
      g_assert_cmpint (count_zeros (out, nc / 4), >, 0);
      fl_pool2_bias_relu_backward (dc, ref_db, dout, out, am, N, K, H, W);
      fl_conv3x3_backward (ref_din, ref_dw, NULL, dc, in, w, scratch, N, C, H, W, K);

      for (gsize i = 0; i < nsc; i++)
        scratch[i] = NAN;
      fl_conv3x3_pool_weight_grad (dw, db, dout, out, am, in, scratch, N, C, H, W, K);
      g_assert_cmpmem (db, sizeof (float) * K, ref_db, sizeof (float) * K);
      for (gsize i = 0; i < nw; i++)
        big = MAX (big, fabsf (ref_dw[i]));
      for (gsize i = 0; i < nw; i++)
        g_assert_cmpfloat_with_epsilon (dw[i], ref_dw[i], 1e-5 * big);

      for (gsize i = 0; i < nsi; i++)
        scratch[i] = NAN;
      for (gsize i = 0; i < nin; i++)
        din[i] = 5.0f;   /* overwritten */
      fl_conv3x3_pool_input_grad (din, dout, out, am, w, scratch, N, C, H, W, K);
      for (gsize i = 0; i < nin; i++)
        big_in = MAX (big_in, fabsf (ref_din[i]));
      g_assert_cmpfloat (big_in, >, 0.0f);
      for (gsize i = 0; i < nin; i++)
        g_assert_cmpfloat_with_epsilon (din[i], ref_din[i], 1e-5 * big_in);
    }
  fl_conv3x3_set_direct (TRUE);
}

/* Two images' conv blocks in one call (fl_conv3x3_pool_forward), by the
 * direct route where the processor has it and by im2col + sgemm, against
 * the plain operators: the pooled values to float rounding, each winner
 * inside its window and as large as the window's maximum to rounding; with
 * scratch of exactly the size asked for, full of NaN. Shapes (C, H, W, K):
 * the model's conv1 and conv2 at S=64, K past a block of eight and not a
 * multiple of it, one channel (the audio), a plane that ends mid-block. */
static void
test_conv_pool_forward (void)
{
  static const int cases[][4] = { { 3, 64, 64, 32 }, { 32, 32, 32, 64 }, { 2, 6, 10, 5 },
                                  { 1, 8, 14, 11 }, { 4, 2, 2, 9 }, { 5, 10, 6, 17 } };
  g_autoptr(GRand) rng = g_rand_new_with_seed (15);
  const gboolean direct = fl_conv3x3_direct ();
  gsize clipped = 0;

  if (!direct)
    g_test_message ("no AVX-512 here: only the im2col + sgemm route is compared");
  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    for (int route = 0; route < 2; route++)
      {
        const int C = cases[t][0], H = cases[t][1], W = cases[t][2], K = cases[t][3];
        const int N = 2;
        const gsize nin = (gsize) N * C * H * W, nc = (gsize) N * K * H * W, nw = (gsize) K * C * 9;
        const gsize ns = fl_conv3x3_pool_forward_scratch_size (C, H, W, K);
        g_autofree float *in = g_new (float, nin), *w = g_new (float, nw), *b = g_new (float, K);
        g_autofree float *c = g_new (float, nc), *ref = g_new (float, nc / 4);
        g_autofree float *out = g_new (float, nc / 4), *scratch = g_new (float, ns);
        g_autofree float *cs = g_new (float, fl_conv3x3_scratch_size (C, H, W));
        g_autofree gint32 *ref_am = g_new (gint32, nc / 4), *am = g_new (gint32, nc / 4);
        float big = 0.0f;

        fill_uniform (rng, in, nin, -1, 1);
        fill_uniform (rng, w, nw, -1, 1);
        fill_uniform (rng, b, K, -0.5, 0.5);
        fl_conv3x3_forward (c, in, w, NULL, cs, N, C, H, W, K);
        fl_pool2_bias_relu_forward (ref, ref_am, c, b, N, K, H, W);
        for (gsize i = 0; i < nc; i++)
          big = MAX (big, fabsf (c[i]));

        fl_conv3x3_set_direct (route == 0);
        for (gsize i = 0; i < ns; i++)
          scratch[i] = NAN;
        fl_conv3x3_pool_forward (out, am, in, w, b, scratch, N, C, H, W, K);
        fl_conv3x3_set_direct (TRUE);
        clipped += count_zeros (ref, nc / 4);
        for (gsize i = 0; i < nc / 4; i++)
          {
            const gsize k = i / ((gsize) (H / 2) * (W / 2)), yx = i % ((gsize) (H / 2) * (W / 2));
            const gsize corner = k * H * W + 2 * (yx / (W / 2)) * W + 2 * (yx % (W / 2));
            const gsize a = (gsize) am[i];
            g_assert_cmpfloat_with_epsilon (out[i], ref[i], 1e-5 * big);
            g_assert_true (a == corner || a == corner + 1 || a == corner + W || a == corner + W + 1);
            g_assert_cmpfloat_with_epsilon (c[a], c[ref_am[i]], 1e-5 * big);
          }
      }
  g_assert_cmpuint (clipped, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/pool2-bias-relu/forward", test_block_forward);
  g_test_add_func ("/ops/pool2-bias-relu/ties", test_block_ties);
  g_test_add_func ("/ops/pool2-bias-relu/backward", test_block_backward);
  g_test_add_func ("/ops/conv3x3/without-bias", test_conv_without_bias);
  g_test_add_data_func ("/ops/conv3x3/pool-grads", GINT_TO_POINTER (TRUE), test_pool_grads);
  g_test_add_data_func ("/ops/conv3x3/pool-grads-8-lanes", GINT_TO_POINTER (FALSE), test_pool_grads);
  g_test_add_func ("/ops/conv3x3/pool-forward", test_conv_pool_forward);
  return g_test_run ();
}
