/* SPDX-License-Identifier: MIT
 *
 * Transfer (fl-transfer.h): a model started from a saved one holds exactly
 * the file's branch weights (the text embedding row by word) and a fresh
 * fusion and head, and keeps its own data's normalisation; shapes that disagree skip
 * a branch; a matching model's file (more tensors) loads alike; hostile
 * files are refused naming the file. In a run, frozen branches do not move
 * in training while the rest does.
 */
#include "fl-experiment.h"
#include "fl-inputs.h"
#include "fl-predictor.h"
#include "fl-safetensors.h"
#include "fl-trainer.h"
#include "fl-transfer.h"

#include "fl-test-util.h"

#include <string.h>

#define S 8

/* a name of its own for g_autoptr(), which fl-model.h does not define */
typedef FlModel TestModel;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestModel, fl_model_free)

static const char *const src_words[] = { "apple", "red", "green", "one", NULL };
/* green, red and one are the source's (rows 2, 1, 3); plum and blue are not */
static const char *const tgt_words[] = { "green", "plum", "red", "blue", "one", NULL };
static const char *const src_classes[] = { "a", "b", NULL };

typedef struct {
  char *dir;
  char *path;    /* a model file of src_cfg () */
} Fixture;

static FlConfig
config (int feat_dim, int image_size, int V, int C, FlFusion fusion)
{
  FlConfig c;

  fl_config_init_default (&c);
  c.image_size = image_size;
  c.conv1 = 4;
  c.conv2 = 6;
  c.feat_dim = feat_dim;
  c.head_hidden = 8;
  c.vocab_size = V;
  c.n_classes = C;
  c.fusion = fusion;
  return c;
}

static FlConfig src_cfg (void) { return config (16, S, 4, 2, FL_FUSION_CONCAT); }

static void
source_stats (FlInputStats *st)
{
  *st = (FlInputStats) { .image_mean = { 0.3f, 0.4f, 0.5f }, .image_std = { 0.2f, 0.25f, 0.3f } };
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FlConfig c = src_cfg ();
  g_autoptr(TestModel) m = fl_model_new (&c, 11, &error);
  g_autoptr(FlVocab) v = fl_vocab_new_from_tokens (src_words, -1);
  g_auto(FlInputStats) st;

  source_stats (&st);
  f->dir = g_dir_make_tmp ("fl-transfer-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "source.fl", NULL);
  g_assert_true (fl_model_file_save (f->path, m, v, src_classes, &st, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static const float *
tensor (FlModel *m, FlParam p)
{
  return fl_model_params (m) + fl_model_tensor (m, p)->offset;
}

static gboolean
same (FlModel *a, FlModel *b, FlParam p)
{
  gsize n = fl_model_tensor (a, p)->numel;

  g_assert_cmpuint (n, ==, fl_model_tensor (b, p)->numel);
  return memcmp (tensor (a, p), tensor (b, p), n * sizeof (float)) == 0;
}

/* Every tensor but the branches' is the fresh model's; each branch's is
 * the source's where loaded, the fresh one's where not. */
static void
assert_loaded (FlModel *m, FlModel *fresh, FlModel *src, guint loaded)
{
  for (FlParam p = 0; p < FL_N_PARAMS; p++)
    {
      gboolean is_branch = FALSE;

      if (fl_model_tensor (m, p)->numel == 0 || p == FL_P_TXT_EMB_W)
        continue;
      for (int b = 0; b < FL_N_BRANCHES; b++)
        {
          FlParam first, last;
          fl_branch_params (b, &first, &last);
          if (p >= first && p <= last && (loaded & FL_BRANCH_BIT (b)))
            is_branch = TRUE;
        }
      if (is_branch)
        g_assert_true (same (m, src, p));
      else
        g_assert_true (same (m, fresh, p));
    }
}

/* Row i of the embedding (V,Ht) of m. */
static const float *
row (FlModel *m, int i)
{
  return tensor (m, FL_P_TXT_EMB_W) + (gsize) i * fl_model_config (m)->text_hidden;
}

static void
test_exact_weights (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) src = fl_predictor_load (f->path, &error);
  FlConfig c = config (16, S, 5, 3, FL_FUSION_GATED);
  g_autoptr(TestModel) m = fl_model_new (&c, 5, NULL), fresh = fl_model_new (&c, 5, NULL);
  g_autoptr(FlVocab) v = fl_vocab_new_from_tokens (tgt_words, -1);
  FlModel *sm;
  g_autofree char *report = NULL;
  g_auto(FlInputStats) st = { .image_mean = { 0.5f, 0.5f, 0.5f }, .image_std = { 1, 1, 1 } };
  const int H = c.text_hidden;
  const int src_row[5] = { 2, -1, 1, -1, 3 };
  guint loaded = 0;

  g_assert_no_error (error);
  sm = fl_predictor_model (src);
  g_assert_true (fl_transfer_init_from (m, v, &st, f->path, &loaded, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (loaded, ==, FL_BRANCHES_IMAGE_TEXT);
  g_test_message ("%s", report);
  g_assert_nonnull (strstr (report, "image loaded (conv1, conv2, img_fc"));
  g_assert_nonnull (strstr (report, "txt_emb: 3 of 5 words found"));
  assert_loaded (m, fresh, sm, loaded);
  for (int i = 0; i < 5; i++)
    g_assert_cmpmem (row (m, i), H * sizeof (float),
                     src_row[i] >= 0 ? row (sm, src_row[i]) : row (fresh, i), H * sizeof (float));
  /* the new data keeps its own normalisation (fl-transfer.h says why) */
  g_assert_cmpfloat (st.image_mean[0], ==, 0.5f);
  g_assert_cmpfloat (st.image_std[2], ==, 1.0f);
}

/* Another D: every branch's last layer differs, so nothing is loaded;
 * another image size: img_fc differs, and the text branch still loads. */
static void
test_shapes_disagree (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) src = fl_predictor_load (f->path, &error);
  g_autoptr(FlVocab) v = fl_vocab_new_from_tokens (tgt_words, -1);
  FlConfig narrow = config (8, S, 5, 2, FL_FUSION_CONCAT), big = config (16, 2 * S, 5, 2, FL_FUSION_CONCAT);
  g_autoptr(TestModel) m = fl_model_new (&narrow, 5, NULL), fresh = fl_model_new (&narrow, 5, NULL);
  g_autoptr(TestModel) m2 = fl_model_new (&big, 5, NULL), fresh2 = fl_model_new (&big, 5, NULL);
  g_autofree char *r1 = NULL, *r2 = NULL;
  g_auto(FlInputStats) st = { .image_mean = { 0.5f, 0.5f, 0.5f }, .image_std = { 1, 1, 1 } };
  guint loaded = 99;

  g_assert_true (fl_transfer_init_from (m, v, &st, f->path, &loaded, &r1, &error));
  g_assert_cmpuint (loaded, ==, 0);
  g_test_message ("%s", r1);
  g_assert_nonnull (strstr (r1, "image skipped: img_fc.weight is (16, 24) there, (8, 24) here"));
  g_assert_nonnull (strstr (r1, "text skipped"));
  g_assert_cmpmem (fl_model_params (m), fl_model_n_params (m) * sizeof (float),
                   fl_model_params (fresh), fl_model_n_params (fresh) * sizeof (float));

  g_assert_true (fl_transfer_init_from (m2, v, &st, f->path, &loaded, &r2, &error));
  g_assert_cmpuint (loaded, ==, FL_BRANCH_BIT (FL_BRANCH_TEXT));
  g_test_message ("%s", r2);
  assert_loaded (m2, fresh2, fl_predictor_model (src), loaded);
}

/* The file of f->path again, with extra tensors (keys kept): a matching
 * model's layout. */
static char *
write_match_file (Fixture *f, const char *poison)
{
  static const char *const keys[] = { "format", "version", "config", "classes", "vocab",
                                      "image_mean", "image_std", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSafetensors) st = fl_safetensors_load (f->path, &error);
  g_autoptr(GHashTable) md = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) t = g_array_new (FALSE, TRUE, sizeof (FlStTensor));
  g_autoptr(GPtrArray) blocks = g_ptr_array_new_with_free_func (g_free);
  const char *const *names = fl_safetensors_names (st);
  static const float proj[6] = { 1, 2, 3, 4, 5, 6 };
  FlStTensor extra = { "match.image.weight", 2, { 2, 3 }, proj };
  char *out = g_build_filename (f->dir, poison != NULL ? "poisoned.fl" : "match.fl", NULL);

  for (int k = 0; keys[k] != NULL; k++)
    g_hash_table_insert (md, (gpointer) keys[k], (gpointer) fl_safetensors_metadata (st, keys[k]));
  g_hash_table_insert (md, "task", "match");
  for (int i = 0; names[i] != NULL; i++)
    {
      FlStTensor x = { names[i], 0, { 0 }, NULL };
      gsize n = 1;
      float *data;

      fl_safetensors_shape (st, names[i], &x.ndim, x.shape);
      for (int d = 0; d < x.ndim; d++)
        n *= x.shape[d];
      data = g_new (float, n);
      g_assert_true (fl_safetensors_read (st, names[i], data, n, NULL));
      if (g_strcmp0 (names[i], poison) == 0)
        data[n - 1] = NAN;
      g_ptr_array_add (blocks, data);
      x.data = data;
      g_array_append_val (t, x);
    }
  g_array_append_val (t, extra);
  g_assert_true (fl_safetensors_save (out, (FlStTensor *) t->data, (int) t->len, md, &error));
  return out;
}

static void
test_match_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_match_file (f, NULL);
  g_autoptr(FlPredictor) src = fl_predictor_load (f->path, &error);
  FlConfig c = config (16, S, 5, 4, FL_FUSION_CONCAT);
  g_autoptr(TestModel) m = fl_model_new (&c, 9, NULL), fresh = fl_model_new (&c, 9, NULL);
  g_autoptr(FlVocab) v = fl_vocab_new_from_tokens (tgt_words, -1);
  g_auto(FlInputStats) st = { .image_mean = { 0.5f, 0.5f, 0.5f }, .image_std = { 1, 1, 1 } };
  g_autofree char *report = NULL;
  guint loaded = 0;

  g_assert_true (fl_transfer_init_from (m, v, &st, path, &loaded, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (loaded, ==, FL_BRANCHES_IMAGE_TEXT);
  g_assert_nonnull (strstr (report, "(a matching model)"));
  assert_loaded (m, fresh, fl_predictor_model (src), loaded);
}

static void
test_hostile (Fixture *f, gconstpointer data)
{
  g_autofree char *poisoned = write_match_file (f, "conv2.weight");
  g_autofree char *junk = g_build_filename (f->dir, "junk.fl", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.fl", NULL);
  static const float x[2] = { 1, 2 };
  FlStTensor t = { "conv1.weight", 1, { 2 }, x };
  const char *paths[] = { poisoned, junk, foreign, "/nonexistent/model.fl" };
  FlConfig c = src_cfg ();
  g_autoptr(FlVocab) v = fl_vocab_new_from_tokens (tgt_words, -1);

  g_assert_true (g_file_set_contents (junk, "\x10\0\0\0\0\0\0\0{\"a\":", 13, NULL));
  g_assert_true (fl_safetensors_save (foreign, &t, 1, NULL, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TestModel) m = fl_model_new (&c, 1, NULL);
      g_auto(FlInputStats) st = { .image_mean = { 0 }, .image_std = { 1, 1, 1 } };
      char *report = NULL;

      g_assert_false (fl_transfer_init_from (m, v, &st, paths[i], NULL, &report, &error));
      g_assert_null (report);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, paths[i]));
    }
}

/* Two classes told apart by brightness and a word. */
static FlDataset *
make_dataset (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (3);
  g_autofree guint8 *images = g_new (guint8, 64 * 3 * S * S);
  const char *texts[64], *labels[64];
  static const char *const words[] = { "red apple", "green pear", "a red one", "some green" };

  for (int i = 0; i < 64; i++)
    {
      int c = i % 2;
      for (int k = 0; k < 3 * S * S; k++)
        images[i * 3 * S * S + k] = (guint8) (c ? g_rand_int_range (rng, 100, 256) : g_rand_int_range (rng, 0, 156));
      texts[i] = words[c + 2 * g_rand_int_range (rng, 0, 2)];
      labels[i] = c ? "light" : "dark";
    }
  return fl_dataset_new_from_memory (64, S, images, texts, labels);
}

/* A run from a trained model's file with a branch frozen: it starts from
 * the file's weights, and after training the frozen branch (and its Adam
 * moments) are as they started while the other branch and the head moved;
 * unfrozen, the same branch moves. */
static void
test_run_freeze (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autofree char *saved = g_build_filename (f->dir, "trained.fl", NULL);
  g_autoptr(FlPredictor) src = NULL;
  FlTrainSettings s;

  fl_train_settings_init_default (&s);
  s.epochs = 2;
  s.batch_size = 16;
  s.feat_dim = 16;
  s.n_threads = 2;
  {
    g_autoptr(FlRun) first = fl_run_new (ds, &s, &error);
    g_assert_true (fl_run_train (first, NULL, NULL, &error));
    g_assert_true (fl_run_save_model (first, saved, &error));
  }
  src = fl_predictor_load (saved, &error);
  g_assert_no_error (error);
  s.seed = 5;
  s.init_from = saved;
  for (guint freeze = 0; freeze <= FL_BRANCH_BIT (FL_BRANCH_IMAGE); freeze += FL_BRANCH_BIT (FL_BRANCH_IMAGE))
    {
      g_autoptr(FlRun) run = (s.freeze = freeze, fl_run_new (ds, &s, &error));
      FlModel *m = fl_run_model (run);
      FlParam first, last;
      g_autofree float *before = g_memdup2 (fl_model_params (m), fl_model_n_params (m) * sizeof (float));
      gsize lo, hi;

      g_assert_no_error (error);
      g_assert_nonnull (strstr (fl_run_transfer_report (run), "image loaded"));
      assert_loaded (m, m, fl_predictor_model (src), FL_BRANCH_BIT (FL_BRANCH_IMAGE));
      g_assert_true (same (m, fl_predictor_model (src), FL_P_TXT_EMB_W));  /* same vocabulary */
      g_assert_true (fl_run_train (run, NULL, NULL, &error));
      fl_branch_params (FL_BRANCH_IMAGE, &first, &last);
      lo = fl_model_tensor (m, first)->offset;
      hi = fl_model_tensor (m, last)->offset + fl_model_tensor (m, last)->numel;
      if (freeze)
        {
          g_assert_cmpmem (fl_model_params (m) + lo, (hi - lo) * sizeof (float), before + lo,
                           (hi - lo) * sizeof (float));
          for (gsize i = lo; i < hi; i++)
            g_assert_true (fl_model_adam_m (m)[i] == 0.0f && fl_model_adam_v (m)[i] == 0.0f);
        }
      else
        g_assert_true (memcmp (fl_model_params (m) + lo, before + lo, (hi - lo) * sizeof (float)) != 0);
      for (FlParam p = FL_P_TXT_FC_W; p <= FL_P_HEAD2_B; p++)
        g_assert_true (fl_model_tensor (m, p)->numel == 0 || memcmp (tensor (m, p), before + fl_model_tensor (m, p)->offset,
                               fl_model_tensor (m, p)->numel * sizeof (float)) != 0);
    }
}

/* split_seed holds out the same samples whatever the seed; train_fraction
 * keeps a stratified part of the training split, drawn with the seed. */
static void
test_label_fraction (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(FlRun) full = NULL, a = NULL, b = NULL, c = NULL;
  g_autoptr(GHashTable) in_full = g_hash_table_new (NULL, NULL);
  const gint32 *vf, *va, *ta, *tb, *tc, *tf;
  int nvf, nva, nta, ntb, ntc, ntf, per_class[2] = { 0, 0 };
  FlTrainSettings s;

  fl_train_settings_init_default (&s);
  s.feat_dim = 8;
  full = fl_run_new (ds, &s, &error);
  s.split_seed = 42;
  s.seed = 7;
  s.train_fraction = 0.25;
  a = fl_run_new (ds, &s, &error);
  b = fl_run_new (ds, &s, &error);
  s.seed = 8;
  c = fl_run_new (ds, &s, &error);
  g_assert_no_error (error);
  vf = fl_run_val_indices (full, &nvf);
  va = fl_run_val_indices (a, &nva);
  g_assert_cmpmem (va, nva * sizeof (gint32), vf, nvf * sizeof (gint32));
  tf = fl_run_train_indices (full, &ntf);
  ta = fl_run_train_indices (a, &nta);
  tb = fl_run_train_indices (b, &ntb);
  tc = fl_run_train_indices (c, &ntc);
  for (int i = 0; i < ntf; i++)
    g_hash_table_add (in_full, GINT_TO_POINTER (tf[i] + 1));
  for (int i = 0; i < nta; i++)
    {
      g_assert_true (g_hash_table_contains (in_full, GINT_TO_POINTER (ta[i] + 1)));
      g_assert_true (i == 0 || ta[i] > ta[i - 1]);
      per_class[fl_run_dataset (a)->labels[ta[i]]]++;
    }
  /* 26 training samples a class: a quarter of each is 26 − round (0.75 · 26) */
  g_assert_cmpint (ntf, ==, 52);
  g_assert_cmpint (per_class[0], ==, 6);
  g_assert_cmpint (per_class[1], ==, 6);
  g_assert_cmpint (nta, ==, 12);
  g_assert_cmpmem (ta, nta * sizeof (gint32), tb, ntb * sizeof (gint32));
  g_assert_true (ntc != nta || memcmp (ta, tc, nta * sizeof (gint32)) != 0);
}

/* An experiment file keeps the transfer settings. */
static void
test_experiment (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "exp.json", NULL);
  g_auto(FlExperimentData) d = { .images_dir = g_strdup ("/x"), .csv_path = g_strdup ("/x/a.csv"),
                                 .image_size = S };
  g_auto(FlExperimentData) back = { 0 };
  g_autoptr(FlComparison) cmp = NULL, cmp2 = NULL;
  const FlTrainSettings *r;
  FlTrainSettings s;

  fl_train_settings_init_default (&s);
  s.init_from = f->path;
  s.word_vectors = "/x/glove.6B.100d.txt";
  s.freeze = FL_BRANCH_BIT (FL_BRANCH_TEXT);
  cmp = fl_comparison_new (NULL, &s);
  fl_comparison_add (cmp, FL_FUSION_CONCAT);
  g_assert_true (fl_experiment_save (path, &d, cmp, NULL, &error));
  g_assert_no_error (error);
  cmp2 = fl_experiment_load (path, &back, NULL, &error);
  g_assert_no_error (error);
  r = &fl_comparison_result (cmp2, 0)->settings;
  g_assert_cmpstr (r->init_from, ==, f->path);
  g_assert_cmpstr (r->word_vectors, ==, s.word_vectors);
  g_assert_cmpuint (r->freeze, ==, s.freeze);
  g_assert_cmpstr (fl_comparison_base_settings (cmp2)->init_from, ==, f->path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/transfer/exact-weights", Fixture, NULL, fixture_setup, test_exact_weights, fixture_teardown);
  g_test_add ("/transfer/shapes-disagree", Fixture, NULL, fixture_setup, test_shapes_disagree, fixture_teardown);
  g_test_add ("/transfer/match-file", Fixture, NULL, fixture_setup, test_match_file, fixture_teardown);
  g_test_add ("/transfer/hostile", Fixture, NULL, fixture_setup, test_hostile, fixture_teardown);
  g_test_add ("/transfer/run-freeze", Fixture, NULL, fixture_setup, test_run_freeze, fixture_teardown);
  g_test_add ("/transfer/label-fraction", Fixture, NULL, fixture_setup, test_label_fraction, fixture_teardown);
  g_test_add ("/transfer/experiment", Fixture, NULL, fixture_setup, test_experiment, fixture_teardown);
  return g_test_run ();
}
