/* SPDX-License-Identifier: MIT
 *
 * The matching run (fl-matcher.h): its gradient through the projections,
 * the branches and the log-scale against finite differences, for each loss
 * (mapping with its frozen text side, InfoNCE with a frozen image side: a
 * frozen side gets no gradient and keeps its weights to the bit); the same
 * bits on 1 and 2 threads; retrieval well above chance on held-out
 * pairs after a few epochs on generated pictures whose texts name what they
 * show; and augmentation of the training pictures only.
 */
#include "fl-matcher.h"

#include "fl-augment.h"
#include "fl-embedder.h"
#include "fl-test-util.h"

#include <cblas.h>
#include <string.h>

#include "test-match-util.h"

#define S 16

static void
small_settings (FlMatchSettings *s, FlMatchLoss loss)
{
  fl_match_settings_init_default (s);
  s->loss = loss;
  s->embed_dim = 16;
  s->train.feat_dim = 32;
  s->train.batch_size = 32;
  s->train.n_threads = 1;
}

typedef struct {
  FlMatcher *m;
  gint32     idx[8];
} GradCtx;

static double
batch_loss (gpointer data)
{
  GradCtx *g = data;
  return fl_matcher_batch_loss (g->m, g->idx, 8, FALSE);
}

/* The losses and freezings checked: mapping's target, the text side, is
 * frozen; InfoNCE with a frozen image side checks the flag the other way. */
enum { N_SIDES = 2 };   /* image, text: the projections' order */

typedef struct {
  FlMatchLoss loss;
  FlMapLoss   map_loss;
  guint       frozen;
} Case;

static const Case cases[] = {
  { FL_MATCH_LOSS_INFONCE, FL_MAP_LOSS_COSINE, 0 },
  { FL_MATCH_LOSS_HINGE, FL_MAP_LOSS_COSINE, 0 },
  { FL_MATCH_LOSS_MAPPING, FL_MAP_LOSS_COSINE, FL_BRANCH_BIT (FL_BRANCH_TEXT) },
  { FL_MATCH_LOSS_MAPPING, FL_MAP_LOSS_MSE, FL_BRANCH_BIT (FL_BRANCH_TEXT) },
  { FL_MATCH_LOSS_INFONCE, FL_MAP_LOSS_COSINE, FL_BRANCH_BIT (FL_BRANCH_IMAGE) },
};

static void
case_settings (FlMatchSettings *s, const Case *c)
{
  small_settings (s, c->loss);
  s->map_loss = c->map_loss;
  s->frozen = c->frozen;
}

/* Side k's tensors: its projection's W and b, and its branch's last layer
 * (the whole chain back to it: norm, projection, the branch's ReLU). */
static void
check_side (GradCtx *g, int k, gboolean frozen, float *dproj, float *dmodel)
{
  FlModel *model = fl_matcher_model (g->m);
  const FlTensorInfo *t = fl_model_tensor (model, k == 0 ? FL_P_IMG_FC_W : FL_P_TXT_FC_W);
  const FlTensorInfo *branch[] = {
    fl_model_tensor (model, k == 0 ? FL_P_CONV1_W : FL_P_TXT_EMB_W),
    fl_model_tensor (model, k == 0 ? FL_P_IMG_FC_B : FL_P_TXT_FC_B),
  };
  gsize per = (gsize) 16 * 32 + 16;   /* E·D + E */
  float *p = fl_matcher_params (g->m, NULL) + k * per;
  double worst;

  if (frozen)
    {
      /* no gradient at all: the projection, and the branch's first and last tensors */
      for (gsize i = 0; i < per; i++)
        g_assert_cmpfloat (dproj[k * per + i], ==, 0.0f);
      for (gsize b = 0; b < G_N_ELEMENTS (branch); b++)
        for (gsize i = 0; i < branch[b]->numel; i++)
          g_assert_cmpfloat (dmodel[branch[b]->offset + i], ==, 0.0f);
      return;
    }
  worst = grad_check (p, per, dproj + k * per, batch_loss, g, 1e-2, 1e-2, 200);
  g_test_message ("side %d projection: worst relative error %.3g", k, worst);
  g_assert_cmpfloat (worst, <, 5e-2);
  worst = grad_check (fl_model_params (model) + t->offset, t->numel, dmodel + t->offset,
                      batch_loss, g, 1e-3, 1e-2, 200);
  g_test_message ("side %d branch: worst relative error %.3g", k, worst);
  g_assert_cmpfloat (worst, <, 5e-2);
}

/* Each side's projection and a branch tensor against finite differences
 * (a frozen side: exactly no gradient), and s. */
static void
check_grad (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(FlDataset) ds = make_match_dataset (64, S, FALSE, 7);
  g_autoptr(FlMatcher) m = NULL;
  g_autoptr(GError) error = NULL;
  FlMatchSettings s;
  GradCtx g;
  gsize n;
  float *p;
  FlModel *model;
  g_autofree float *dmodel = NULL, *dproj = NULL;
  double worst;

  case_settings (&s, c);
  m = fl_matcher_new (ds, &s, &error);
  g_assert_no_error (error);
  g.m = m;
  for (int i = 0; i < 8; i++)
    g.idx[i] = i * 7;
  g_assert_cmpfloat (fl_matcher_batch_loss (m, g.idx, 8, TRUE), >, 0.0);
  p = fl_matcher_params (m, &n);
  g_assert_cmpuint (n, ==, 2 * (16 * 32 + 16) + 1);
  dproj = g_memdup2 (fl_matcher_grads (m, NULL), sizeof (float) * n);
  model = fl_matcher_model (m);
  dmodel = g_memdup2 (fl_model_grads (model), sizeof (float) * fl_model_n_params (model));

  check_side (&g, 0, (c->frozen & FL_BRANCH_BIT (FL_BRANCH_IMAGE)) != 0, dproj, dmodel);
  check_side (&g, 1, (c->frozen & FL_BRANCH_BIT (FL_BRANCH_TEXT)) != 0, dproj, dmodel);
  worst = grad_check (p + n - 1, 1, dproj + n - 1, batch_loss, &g, 1e-2, 1e-2, 0);
  g_assert_cmpfloat (worst, <, 5e-2);
  if (c->loss == FL_MATCH_LOSS_INFONCE)
    g_assert_cmpfloat (fabs (dproj[n - 1]), >, 1e-6);   /* s learns */
  else
    g_assert_cmpfloat (dproj[n - 1], ==, 0.0f);
}

typedef struct {
  GArray *epochs;   /* FlMatchEpoch */
} Log;

static void
epoch_cb (const FlMatchEpoch *e, gpointer data)
{
  Log *log = data;

  g_test_message ("epoch %d loss %.4f i2t R@1 %.3f R@5 %.3f t2i R@1 %.3f R@5 %.3f medr %.1f %.1f (n %d)",
                  e->epoch, e->train_loss, e->val.i2t.r1, e->val.i2t.r5, e->val.t2i.r1, e->val.t2i.r5,
                  e->val.i2t.median_rank, e->val.t2i.median_rank, e->n_val);
  g_array_append_val (log->epochs, *e);
}

/* Trains; returns the epochs' stats (g_array_unref) and the final
 * parameters of the projections and the model in *params. */
static GArray *
train (FlDataset *ds, const FlMatchSettings *s, float **params)
{
  g_autoptr(FlMatcher) m = NULL;
  g_autoptr(GError) error = NULL;
  Log log = { g_array_new (FALSE, FALSE, sizeof (FlMatchEpoch)) };

  m = fl_matcher_new (ds, s, &error);
  g_assert_no_error (error);
  fl_matcher_train (m, epoch_cb, &log, NULL, &error);
  g_assert_no_error (error);
  if (params != NULL)
    {
      gsize n, nm = fl_model_n_params (fl_matcher_model (m));
      const float *proj = fl_matcher_params (m, &n);

      *params = g_new (float, nm + n);
      memcpy (*params, fl_model_params (fl_matcher_model (m)), nm * sizeof (float));
      memcpy (*params + nm, proj, n * sizeof (float));
    }
  return log.epochs;
}

/* Held-out pairs are ranked well above chance: 16 kinds of picture, so the
 * best R@1 is about 16/N (fillers break the ties within a kind). */
static void
test_learns (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(FlDataset) ds = make_match_dataset (480, S, FALSE, 7);
  g_autoptr(GArray) ep = NULL;
  FlMatchSettings s;
  const FlMatchEpoch *first, *last;
  double chance1, chance5;

  case_settings (&s, c);
  s.train.epochs = 8;
  s.train.lr = 3e-3f;
  ep = train (ds, &s, NULL);
  first = &g_array_index (ep, FlMatchEpoch, 0);
  last = &g_array_index (ep, FlMatchEpoch, ep->len - 1);
  chance1 = 1.0 / last->n_val;
  chance5 = 5.0 / last->n_val;
  g_assert_cmpint (last->n_val, >=, 90);
  g_assert_cmpfloat (last->train_loss, <, first->train_loss);
  g_assert_cmpfloat (last->val.i2t.r1, >, 4 * chance1);
  g_assert_cmpfloat (last->val.t2i.r1, >, 4 * chance1);
  g_assert_cmpfloat (last->val.i2t.r5, >, 3 * chance5);
  g_assert_cmpfloat (last->val.t2i.r5, >, 3 * chance5);
  g_assert_cmpfloat (last->val.i2t.median_rank, <, last->n_val / 8.0);
  g_assert_cmpfloat (last->val.t2i.median_rank, <, last->n_val / 8.0);
}

/* Mapping onto the frozen, random text side learns too, less (8 epochs:
 * median ranks about 10 and 6 of 95, R@5 0.31 and 0.43). */
static void
test_learns_mapping (void)
{
  g_autoptr(FlDataset) ds = make_match_dataset (480, S, FALSE, 7);
  g_autoptr(GArray) ep = NULL;
  FlMatchSettings s;
  const FlMatchEpoch *first, *last;

  case_settings (&s, &cases[2]);
  s.train.epochs = 8;
  s.train.lr = 3e-3f;
  ep = train (ds, &s, NULL);
  first = &g_array_index (ep, FlMatchEpoch, 0);
  last = &g_array_index (ep, FlMatchEpoch, ep->len - 1);
  g_assert_cmpfloat (last->train_loss, <, first->train_loss);
  g_assert_cmpfloat (last->val.i2t.r5, >, 3 * 5.0 / last->n_val);
  g_assert_cmpfloat (last->val.t2i.r5, >, 3 * 5.0 / last->n_val);
  g_assert_cmpfloat (last->val.i2t.median_rank, <, last->n_val / 4.0);
  g_assert_cmpfloat (last->val.t2i.median_rank, <, last->n_val / 4.0);
}

/* A frozen side ends training with its weights to the bit, projection and
 * branch; the other side's have moved; fl_matcher_n_trained() counts the
 * learning sides' and the log-scale where InfoNCE trains it. */
static void
test_frozen (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(FlDataset) ds = make_match_dataset (160, S, FALSE, 7);
  g_autoptr(FlMatcher) m = NULL;
  g_autoptr(GError) error = NULL;
  const FlParam first[N_SIDES] = { FL_P_CONV1_W, FL_P_TXT_EMB_W }, last[N_SIDES] = { FL_P_IMG_FC_B, FL_P_TXT_FC_B };
  g_autofree float *model0 = NULL, *proj0 = NULL;
  FlMatchSettings s;
  FlModel *model;
  gsize n, per = (gsize) 16 * 32 + 16, trained = c->loss == FL_MATCH_LOSS_INFONCE;

  case_settings (&s, c);
  s.train.epochs = 2;
  m = fl_matcher_new (ds, &s, &error);
  g_assert_no_error (error);
  model = fl_matcher_model (m);
  model0 = g_memdup2 (fl_model_params (model), sizeof (float) * fl_model_n_params (model));
  fl_matcher_params (m, &n);
  proj0 = g_memdup2 (fl_matcher_params (m, NULL), sizeof (float) * n);
  g_assert_true (fl_matcher_train (m, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (int k = 0; k < N_SIDES; k++)
    {
      gboolean frozen = (c->frozen & FL_BRANCH_BIT (k == 0 ? FL_BRANCH_IMAGE : FL_BRANCH_TEXT)) != 0;
      /* the branch's tensors lie in one run of the flat block, first to last */
      gsize lo = fl_model_tensor (model, first[k])->offset;
      gsize hi = fl_model_tensor (model, last[k])->offset + fl_model_tensor (model, last[k])->numel;
      gboolean same_branch = memcmp (fl_model_params (model) + lo, model0 + lo, sizeof (float) * (hi - lo)) == 0;
      gboolean same_proj = memcmp (fl_matcher_params (m, NULL) + k * per, proj0 + k * per, sizeof (float) * per) == 0;

      g_assert_true (lo < hi);
      g_assert_cmpint (same_branch, ==, frozen);
      g_assert_cmpint (same_proj, ==, frozen);
      trained += frozen ? 0 : hi - lo + per;
    }
  g_assert_cmpuint (fl_matcher_n_trained (m), ==, trained);
}

/* Mapping regresses a frozen text side, and only one side can be frozen. */
static void
test_validate (void)
{
  FlMatchSettings s;
  g_autoptr(GError) error = NULL;
  FlMapLoss ml;

  fl_match_settings_init_default (&s);
  g_assert_cmpuint (s.frozen, ==, 0);
  s.loss = FL_MATCH_LOSS_MAPPING;
  g_assert_false (fl_match_settings_validate (&s, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
  g_clear_error (&error);
  s.frozen = FL_BRANCH_BIT (FL_BRANCH_IMAGE);
  g_assert_false (fl_match_settings_validate (&s, &error));
  g_clear_error (&error);
  s.frozen = FL_BRANCH_BIT (FL_BRANCH_TEXT);
  g_assert_true (fl_match_settings_validate (&s, &error));
  s.loss = FL_MATCH_LOSS_INFONCE;
  s.frozen = FL_BRANCHES_IMAGE_TEXT;
  g_assert_false (fl_match_settings_validate (&s, &error));
  g_clear_error (&error);
  s.frozen = FL_BRANCH_BIT (FL_BRANCH_AUDIO);
  g_assert_false (fl_match_settings_validate (&s, &error));
  g_clear_error (&error);
  s.frozen = 0;
  s.map_loss = FL_N_MAP_LOSSES;
  g_assert_false (fl_match_settings_validate (&s, &error));
  g_assert_true (fl_map_loss_from_string ("mse", &ml) && ml == FL_MAP_LOSS_MSE);
  g_assert_false (fl_map_loss_from_string ("l1", &ml));
  g_assert_cmpstr (fl_match_loss_to_string (FL_MATCH_LOSS_MAPPING), ==, "mapping");
}

/* The same seed gives the same bits on 1 and 2 threads: every epoch's
 * figures and every final weight. */
static void
test_threads (void)
{
  g_autoptr(FlDataset) ds = make_match_dataset (160, S, FALSE, 7);
  g_autoptr(GArray) a = NULL, b = NULL;
  g_autofree float *pa = NULL, *pb = NULL;
  FlMatchSettings s;
  gsize n;

  small_settings (&s, FL_MATCH_LOSS_INFONCE);
  s.train.epochs = 2;
  a = train (ds, &s, &pa);
  s.train.n_threads = 2;
  b = train (ds, &s, &pb);
  g_assert_cmpint (a->len, ==, b->len);
  for (guint e = 0; e < a->len; e++)
    {
      const FlMatchEpoch *x = &g_array_index (a, FlMatchEpoch, e), *y = &g_array_index (b, FlMatchEpoch, e);

      g_assert_cmpfloat (x->train_loss, ==, y->train_loss);
      g_assert_true (memcmp (&x->val, &y->val, sizeof x->val) == 0);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FlMatcher) m = fl_matcher_new (ds, &s, &error);

    g_assert_no_error (error);
    fl_matcher_params (m, &n);
    n += fl_model_n_params (fl_matcher_model (m));
  }
  g_assert_true (memcmp (pa, pb, n * sizeof (float)) == 0);
}

/* The held-out pairs' retrieval through an embedder of m's current
 * weights, their pictures as the dataset holds them, or augmented as for
 * epoch when it is > 0; their picture embeddings (nv,E) into *u_out. */
static void
held_out_retrieval (FlMatcher *m, int epoch, FlRetrieval *out, float **u_out)
{
  g_autoptr(FlEmbedder) e = fl_matcher_embedder (m);
  FlRun *run = fl_matcher_run (m);
  const FlDataset *ds = fl_run_dataset (run);
  const gsize img = (gsize) 3 * S * S;
  const int E = fl_embedder_dim (e);
  int nv;
  const gint32 *vi = fl_run_val_indices (run, &nv);
  g_autofree guint8 *images = g_new (guint8, nv * img);
  g_autofree const char **texts = g_new (const char *, nv);
  g_autofree float *v = g_new (float, (gsize) nv * E), *sim = g_new (float, (gsize) nv * nv);
  float *u = g_new (float, (gsize) nv * E);

  for (int i = 0; i < nv; i++)
    {
      if (epoch > 0)
        fl_augment_image (images + i * img, ds->images + vi[i] * img, S, fl_matcher_settings (m)->train.seed,
                          epoch, vi[i]);
      else
        memcpy (images + i * img, ds->images + vi[i] * img, img);
      texts[i] = ds->texts[vi[i]];
    }
  fl_embedder_embed_images (e, images, nv, u);
  fl_embedder_embed_texts (e, texts, nv, v);
  /* as fl_matcher_evaluate() does */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, nv, nv, E, 1.0f, u, E, v, E, 0.0f, sim, nv);
  fl_retrieval_metrics (out, sim, nv);
  *u_out = u;
}

static FlMatcher *
new_matcher (FlDataset *ds, const FlMatchSettings *s)
{
  g_autoptr(GError) error = NULL;
  FlMatcher *m = fl_matcher_new (ds, s, &error);

  g_assert_no_error (error);
  return m;
}

/* s.train.augment: untrained matchers of the same seed, with and without
 * it, embed the held-out pictures to the same bits (the split, the initial
 * weights and the statistics do not depend on it); its first epoch's
 * training loss differs (the training pictures are augmented) and repeats
 * to the bit; and its epochs' retrieval is that of the held-out pictures
 * as they are: an embedder of the trained weights gives the same figures
 * from the plain pictures, other embeddings from augmented ones. */
static void
test_augment (void)
{
  g_autoptr(FlDataset) ds = make_match_dataset (160, S, FALSE, 7);
  g_autoptr(FlMatcher) plain = NULL, aug = NULL;
  g_autoptr(GArray) again = NULL;
  g_autofree float *u0 = NULL, *u1 = NULL, *u2 = NULL;
  Log la = { g_array_new (FALSE, FALSE, sizeof (FlMatchEpoch)) }, lb = { g_array_new (FALSE, FALSE, sizeof (FlMatchEpoch)) };
  FlMatchSettings s;
  FlRetrieval r0, r1, want;
  int nv;

  small_settings (&s, FL_MATCH_LOSS_INFONCE);
  s.train.epochs = 2;
  plain = new_matcher (ds, &s);
  s.train.augment = TRUE;
  aug = new_matcher (ds, &s);
  held_out_retrieval (plain, 0, &r0, &u0);
  held_out_retrieval (aug, 0, &r1, &u1);
  fl_run_val_indices (fl_matcher_run (aug), &nv);
  g_assert_true (memcmp (u0, u1, sizeof (float) * nv * s.embed_dim) == 0);
  g_clear_pointer (&u0, g_free);
  g_clear_pointer (&u1, g_free);

  g_assert_true (fl_matcher_train (plain, epoch_cb, &la, NULL, NULL));
  g_assert_true (fl_matcher_train (aug, epoch_cb, &lb, NULL, NULL));
  again = train (ds, &s, NULL);
  g_assert_cmpfloat (g_array_index (la.epochs, FlMatchEpoch, 0).train_loss, !=,
                     g_array_index (lb.epochs, FlMatchEpoch, 0).train_loss);
  for (guint e = 0; e < lb.epochs->len; e++)
    {
      const FlMatchEpoch *x = &g_array_index (lb.epochs, FlMatchEpoch, e), *y = &g_array_index (again, FlMatchEpoch, e);

      g_assert_cmpfloat (x->train_loss, ==, y->train_loss);
      g_assert_true (memcmp (&x->val, &y->val, sizeof x->val) == 0);
    }
  want = g_array_index (lb.epochs, FlMatchEpoch, lb.epochs->len - 1).val;
  held_out_retrieval (aug, 0, &r0, &u0);
  held_out_retrieval (aug, 2, &r1, &u2);
  g_assert_true (memcmp (&want, &r0, sizeof want) == 0);
  g_assert_false (memcmp (u0, u2, sizeof (float) * nv * s.embed_dim) == 0);
  g_array_unref (la.epochs);
  g_array_unref (lb.epochs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/matcher/grad/infonce", &cases[0], check_grad);
  g_test_add_data_func ("/matcher/grad/hinge", &cases[1], check_grad);
  g_test_add_data_func ("/matcher/grad/mapping-cosine", &cases[2], check_grad);
  g_test_add_data_func ("/matcher/grad/mapping-mse", &cases[3], check_grad);
  g_test_add_data_func ("/matcher/grad/infonce-frozen-image", &cases[4], check_grad);
  g_test_add_data_func ("/matcher/learns/infonce", &cases[0], test_learns);
  g_test_add_data_func ("/matcher/learns/hinge", &cases[1], test_learns);
  g_test_add_func ("/matcher/learns/mapping", test_learns_mapping);
  g_test_add_func ("/matcher/threads", test_threads);
  g_test_add_data_func ("/matcher/frozen/none", &cases[0], test_frozen);
  g_test_add_data_func ("/matcher/frozen/mapping-mse", &cases[3], test_frozen);
  g_test_add_data_func ("/matcher/frozen/image", &cases[4], test_frozen);
  g_test_add_func ("/matcher/validate", test_validate);
  g_test_add_func ("/matcher/augment", test_augment);
  return g_test_run ();
}
