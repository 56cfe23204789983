/* SPDX-License-Identifier: MIT
 *
 * The frozen matching model (fl-embedder.h): the embeddings of a trained
 * matcher's embedder rank its held-out pairs exactly as the matcher's own
 * evaluation does (also past FL_MATCH_MAX_EVAL pairs, of which the first
 * are ranked); a text embeds to the same bits alone or in a batch; top-k
 * against brute force, ties included; zero-shot classification right where
 * it must be, and wrong where the class names are swapped.
 */
#include "fl-embedder.h"

#include "fl-test-util.h"
#include "fl-trainer-private.h"

#include <cblas.h>
#include <string.h>

#include "test-match-util.h"

static FlMatcher *
trained_matcher (FlDataset *ds, int epochs, double val_fraction, int batch_size)
{
  g_autoptr(GError) error = NULL;
  FlMatchSettings s;
  FlMatcher *m;

  fl_match_settings_init_default (&s);
  s.embed_dim = 16;
  s.train.feat_dim = 32;
  s.train.batch_size = batch_size;
  s.train.n_threads = 1;
  s.train.epochs = MAX (epochs, 1);
  s.train.lr = 3e-3f;
  s.train.val_fraction = val_fraction;
  m = fl_matcher_new (ds, &s, &error);
  g_assert_no_error (error);
  if (epochs > 0)   /* 0: the initial weights */
    fl_matcher_train (m, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return m;
}

/* The pictures (n,3,S,S) and texts of samples idx[0..n) of ds. */
static guint8 *
gather (const FlDataset *ds, const gint32 *idx, int n, const char **texts)
{
  const gsize img = (gsize) 3 * ds->image_size * ds->image_size;
  guint8 *images = g_new (guint8, n * img);

  for (int i = 0; i < n; i++)
    {
      memcpy (images + i * img, ds->images + idx[i] * img, img);
      texts[i] = ds->texts[idx[i]];
    }
  return images;
}

/* The retrieval of the first n held-out pairs of m, through e. */
static void
embedder_retrieval (FlEmbedder *e, FlMatcher *m, int n, FlRetrieval *out)
{
  FlRun *run = fl_matcher_run (m);
  const int E = fl_embedder_dim (e);
  const gint32 *vi = fl_run_val_indices (run, NULL);
  g_autofree const char **texts = g_new (const char *, n);
  g_autofree guint8 *images = gather (run->ds, vi, n, texts);
  g_autofree float *u = g_new (float, (gsize) n * E), *v = g_new (float, (gsize) n * E);
  g_autofree float *sim = g_new (float, (gsize) n * n);

  fl_embedder_embed_images (e, images, n, u);
  fl_embedder_embed_texts (e, texts, n, v);
  /* as fl_matcher_evaluate() does */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, n, E, 1.0f, u, E, v, E, 0.0f, sim, n);
  fl_retrieval_metrics (out, sim, n);
}

static void
assert_same_retrieval (const FlRetrieval *a, const FlRetrieval *b)
{
  const FlRecall *x[2] = { &a->i2t, &a->t2i }, *y[2] = { &b->i2t, &b->t2i };

  for (int d = 0; d < 2; d++)
    {
      g_assert_cmpfloat (x[d]->r1, ==, y[d]->r1);
      g_assert_cmpfloat (x[d]->r5, ==, y[d]->r5);
      g_assert_cmpfloat (x[d]->r10, ==, y[d]->r10);
      g_assert_cmpfloat (x[d]->median_rank, ==, y[d]->median_rank);
    }
}

/* The embedder ranks the held-out pairs (95, in batches of the matcher's
 * 48) as fl_matcher_evaluate() does, after training has moved the weights
 * well above chance: the same bits, so exactly the same figures. */
static void
test_same_as_matcher (void)
{
  g_autoptr(FlDataset) ds = make_match_dataset (480, 16, FALSE, 7);
  g_autoptr(FlMatcher) m = trained_matcher (ds, 6, 0.2, 48);
  g_autoptr(FlEmbedder) e = fl_matcher_embedder (m);
  FlRetrieval want, got;
  int nv = fl_matcher_evaluate (m, &want);

  g_assert_cmpint (nv, >, 64);   /* two batches */
  g_assert_cmpint (fl_embedder_dim (e), ==, 16);
  g_assert_cmpint (fl_embedder_image_size (e), ==, 16);
  g_assert_cmpint (fl_embedder_loss (e), ==, FL_MATCH_LOSS_INFONCE);
  g_assert_null (fl_embedder_data_spec (e)->images_dir);   /* data from memory */
  g_assert_cmpfloat (want.i2t.r5, >, 4 * 5.0 / nv);
  embedder_retrieval (e, m, nv, &got);
  assert_same_retrieval (&want, &got);
}

/* A text or a picture embeds alone as in a batch of others, but for
 * sgemm's rounding (fl-embedder.h), and to the same bits on 2 threads as
 * on 1; every embedding is a unit vector; the embedder outlives its
 * matcher. */
static void
test_batch_invariant (void)
{
  g_autoptr(FlDataset) ds = make_match_dataset (200, 16, FALSE, 3);
  g_autoptr(FlEmbedder) e = NULL;
  const int n = 150, E = 16;
  g_autofree float *all = g_new (float, (gsize) n * E), *one = g_new (float, E);
  g_autofree float *imgs = g_new (float, (gsize) n * E), *imgs2 = g_new (float, (gsize) n * E);
  const gsize img = (gsize) 3 * 16 * 16;

  {
    g_autoptr(FlMatcher) m = trained_matcher (ds, 1, 0.2, 64);
    e = fl_matcher_embedder (m);
  }
  fl_embedder_embed_texts (e, (const char *const *) ds->texts, n, all);
  fl_embedder_embed_images (e, ds->images, n, imgs);
  for (int i = 0; i < n; i += 37)
    {
      fl_embedder_embed_texts (e, (const char *const *) ds->texts + i, 1, one);
      for (int k = 0; k < E; k++)
        g_assert_cmpfloat_with_epsilon (one[k], all[(gsize) i * E + k], 1e-5);
      fl_embedder_embed_images (e, ds->images + i * img, 1, one);
      for (int k = 0; k < E; k++)
        g_assert_cmpfloat_with_epsilon (one[k], imgs[(gsize) i * E + k], 1e-5);
    }
  fl_embedder_set_threads (e, 2);
  fl_embedder_embed_images (e, ds->images, n, imgs2);
  g_assert_cmpmem (imgs, n * E * sizeof (float), imgs2, n * E * sizeof (float));
  for (int i = 0; i < n; i++)
    {
      double norm = 0.0;
      for (int k = 0; k < E; k++)
        norm += (double) all[(gsize) i * E + k] * all[(gsize) i * E + k];
      g_assert_cmpfloat (fabs (norm - 1.0), <, 1e-5);
    }
}

/* With more held-out pairs than FL_MATCH_MAX_EVAL, the first 5000 of the
 * split are ranked, no more, and as the embedder ranks them. */
static void
test_eval_cap (void)
{
  g_autoptr(FlDataset) ds = make_match_dataset (10100, 4, FALSE, 11);
  g_autoptr(FlMatcher) m = trained_matcher (ds, 0, 0.5, 64);
  g_autoptr(FlEmbedder) e = fl_matcher_embedder (m);
  FlRetrieval want, got;
  int n_split;

  fl_run_val_indices (fl_matcher_run (m), &n_split);
  g_assert_cmpint (n_split, >, FL_MATCH_MAX_EVAL);
  g_assert_cmpint (fl_matcher_evaluate (m, &want), ==, FL_MATCH_MAX_EVAL);
  embedder_retrieval (e, m, FL_MATCH_MAX_EVAL, &got);
  assert_same_retrieval (&want, &got);
}

/* Every score and index of top-k against a sort by hand: rows with equal
 * scores (repeated rows) come lowest index first, a NaN row last, k past
 * the rows gives them all, k 0 none. */
static void
test_top_k (void)
{
  const int n = 40, E = 8;
  g_autoptr(GRand) rng = g_rand_new_with_seed (5);
  g_autofree float *rows = g_new (float, (gsize) n * E), *q = g_new (float, E);
  g_autofree float *want_s = g_new (float, n), *score = g_new (float, n + 5);
  g_autofree int *want_i = g_new (int, n), *idx = g_new (int, n + 5);

  fill_uniform (rng, q, E, -1, 1);
  fill_uniform (rng, rows, (gsize) n * E, -1, 1);
  for (int i = 10; i < 20; i++)   /* ties: rows 10..19 repeat rows 0..9, two in reverse */
    memcpy (rows + (gsize) i * E, rows + (gsize) (i == 10 ? 3 : i - 10) * E, sizeof (float) * E);
  rows[(gsize) 25 * E] = NAN;
  /* brute force: each score as a dot product in double, then the best
   * remaining one picked n times */
  {
    g_autofree float *all = g_new (float, n);
    g_autofree gboolean *taken = g_new0 (gboolean, n);

    for (int i = 0; i < n; i++)
      {
        double d = 0.0;
        for (int k = 0; k < E; k++)
          d += (double) q[k] * rows[(gsize) i * E + k];
        all[i] = (float) d;
      }
    for (int r = 0; r < n; r++)
      {
        int best = -1;
        for (int i = n - 1; i >= 0; i--)   /* downwards: a tie goes to the lower index */
          if (!taken[i] && (best < 0 || isnan (all[best]) || all[i] >= all[best]))
            best = i;
        taken[best] = TRUE;
        want_i[r] = best;
        want_s[r] = all[best];
      }
  }
  g_assert_cmpint (want_i[n - 1], ==, 25);
  for (int k = 1; k <= n + 5; k += 7)
    {
      int got = fl_embedder_top_k (q, rows, n, E, k, idx, score);

      g_assert_cmpint (got, ==, MIN (k, n));
      for (int j = 0; j < got; j++)
        {
          g_assert_cmpint (idx[j], ==, want_i[j]);
          if (!isnan (want_s[j]))
            g_assert_cmpfloat (score[j], ==, want_s[j]);
        }
    }
  /* a tie does show: row 3 and its copy 10 stand side by side, 3 first */
  fl_embedder_top_k (q, rows, n, E, n, idx, score);
  for (int j = 0; j < n; j++)
    if (idx[j] == 3)
      g_assert_cmpint (idx[j + 1], ==, 10);
  g_assert_cmpint (fl_embedder_top_k (q, rows, n, E, 0, idx, score), ==, 0);
}

/* Trained on texts that are the class names themselves, zero-shot with
 * "{label}" must classify the held-out pictures (a colour square each):
 * nearly all right. Its predictions are the nearest prompt by hand, the
 * template is filled at every "{label}", and with the names rotated the
 * same embeddings are nearly all wrong. */
static void
test_zero_shot (void)
{
  g_autoptr(FlDataset) ds = make_match_dataset (400, 16, TRUE, 9);
  g_autoptr(FlMatcher) m = trained_matcher (ds, 4, 0.2, 32);
  g_autoptr(FlEmbedder) e = fl_matcher_embedder (m);
  const int E = fl_embedder_dim (e), C = ds->n_classes;
  int n;
  const gint32 *vi = fl_run_val_indices (fl_matcher_run (m), &n);
  g_autofree const char **texts = g_new (const char *, n);
  g_autofree guint8 *images = gather (ds, vi, n, texts);
  g_autofree gint32 *labels = g_new (gint32, n), *pred = g_new (gint32, n), *pred2 = g_new (gint32, n);
  g_autofree float *u = g_new (float, (gsize) n * E), *prompts = g_new (float, (gsize) C * E);
  const char *rotated[4], *filled[4];
  double acc, acc2;

  for (int i = 0; i < n; i++)
    labels[i] = ds->labels[vi[i]];
  g_assert_cmpint (fl_embedder_known_words (e, "Red, red: a blue banana"), ==, 2);
  g_assert_cmpint (fl_embedder_known_words (e, ""), ==, 0);
  fl_embedder_embed_images (e, images, n, u);
  acc = fl_embedder_zero_shot (e, u, n, labels, (const char *const *) ds->class_names, C, NULL, pred);
  g_test_message ("zero-shot accuracy %.3f on %d pictures", acc, n);
  g_assert_cmpfloat (acc, >=, 0.9);

  /* the predictions of a template, against the nearest filled prompt */
  for (int c = 0; c < C; c++)
    filled[c] = g_strdup_printf ("{%s} %s or %s", ds->class_names[c], ds->class_names[c], ds->class_names[c]);
  fl_embedder_embed_texts (e, filled, C, prompts);
  acc2 = fl_embedder_zero_shot (e, u, n, NULL, (const char *const *) ds->class_names, C,
                                "{{label}} {label} or {label}", pred2);
  g_assert_cmpfloat (acc2, ==, -1.0);
  for (int i = 0; i < n; i++)
    {
      int best;
      fl_embedder_top_k (u + (gsize) i * E, prompts, C, E, 1, &best, NULL);
      g_assert_cmpint (pred2[i], ==, best);
    }
  for (int c = 0; c < C; c++)
    g_free ((char *) filled[c]);

  for (int c = 0; c < C; c++)
    rotated[c] = ds->class_names[(c + 1) % C];
  acc2 = fl_embedder_zero_shot (e, u, n, labels, rotated, C, "{label}", pred2);
  g_assert_cmpfloat (acc2, <=, 0.1);
  for (int i = 0; i < n; i++)
    g_assert_cmpint (pred2[i], ==, (pred[i] + C - 1) % C);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/embedder/same-as-matcher", test_same_as_matcher);
  g_test_add_func ("/embedder/batch-invariant", test_batch_invariant);
  g_test_add_func ("/embedder/eval-cap", test_eval_cap);
  g_test_add_func ("/embedder/top-k", test_top_k);
  g_test_add_func ("/embedder/zero-shot", test_zero_shot);
  return g_test_run ();
}
