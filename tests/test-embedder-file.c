/* SPDX-License-Identifier: MIT
 *
 * The matching model file (fl-embedder-file.c): what fl_embedder_save()
 * writes, fl_embedder_load() reads back to the same embeddings, bit for
 * bit; a classifier's file and a matching model's are each refused by the
 * other's reader with one message that says which it is; and a file
 * truncated, corrupted, or with any of its matching parts wrong (task,
 * loss, E, batch size, data, the projections' shapes, names and values) is
 * refused with one line naming the file and the reason. The picture fit
 * comes back; a file without it (written before matching took --fit)
 * opens as squash.
 */
#include "fl-embedder.h"
#include "fl-predictor.h"
#include "fl-safetensors.h"

#include "fl-test-util.h"

#include <string.h>

#define S 8
#define N 100

/* The metadata a matching model file has. */
static const char *const md_keys[] = {
  "format", "version", "config", "classes", "vocab", "image_mean", "image_std",
  "task", "loss", "map_loss", "embed_dim", "batch_size", "data", "image_fit", "augment",
};

/* A matching model of a few epochs on random pictures and texts, saved;
 * its file's tensors and metadata, for a test to change and write again. */
typedef struct {
  char       *dir, *path, *bad;
  FlDataset  *ds;
  FlEmbedder *e;
  GHashTable *md;       /* key → value */
  GArray     *t;        /* FlStTensor, their names and data in keep */
  GPtrArray  *keep;
} Fixture;

static FlDataset *
random_dataset (void)
{
  static const char *const words[] = { "red", "green", "blue", "dog", "cat", "sun", "rain", "big" };
  static const char *const labels[] = { "a", "b" };
  g_autoptr(GRand) rng = g_rand_new_with_seed (1);
  g_autofree guint8 *images = g_new (guint8, (gsize) N * 3 * S * S);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree const char **l = g_new (const char *, N);

  for (gsize i = 0; i < (gsize) N * 3 * S * S; i++)
    images[i] = (guint8) g_rand_int_range (rng, 0, 256);
  for (int i = 0; i < N; i++)
    {
      g_ptr_array_add (texts, g_strdup_printf ("%s %s", words[g_rand_int_range (rng, 0, 8)],
                                               words[g_rand_int_range (rng, 0, 8)]));
      l[i] = labels[i % 2];
    }
  return fl_dataset_new_from_memory (N, S, images, (const char *const *) texts->pdata, l);
}

static void
read_back (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSafetensors) st = fl_safetensors_load (f->path, &error);
  const char *const *names;

  g_assert_no_error (error);
  names = fl_safetensors_names (st);
  for (int i = 0; names[i] != NULL; i++)
    {
      FlStTensor t = { .name = g_strdup (names[i]) };
      gsize numel = 1;
      float *data;

      g_assert_true (fl_safetensors_shape (st, names[i], &t.ndim, t.shape));
      for (int d = 0; d < t.ndim; d++)
        numel *= (gsize) t.shape[d];
      t.data = data = g_new (float, MAX (numel, 1));
      g_assert_true (fl_safetensors_read (st, names[i], data, numel, &error));
      g_ptr_array_add (f->keep, (gpointer) t.name);
      g_ptr_array_add (f->keep, data);
      g_array_append_val (f->t, t);
    }
  for (gsize k = 0; k < G_N_ELEMENTS (md_keys); k++)
    {
      const char *v = fl_safetensors_metadata (st, md_keys[k]);
      if (v != NULL)
        g_hash_table_insert (f->md, (gpointer) md_keys[k], g_strdup (v));
    }
  g_assert_cmpstr (g_hash_table_lookup (f->md, "task"), ==, "match");
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlMatcher) m = NULL;
  FlMatchSettings s;

  f->dir = g_dir_make_tmp ("fl-test-embedder-file-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "match.safetensors", NULL);
  f->bad = g_build_filename (f->dir, "bad.safetensors", NULL);
  f->ds = random_dataset ();
  fl_match_settings_init_default (&s);
  s.embed_dim = 6;
  s.train.feat_dim = 8;
  s.train.batch_size = 24;
  s.train.epochs = 2;
  s.train.n_threads = 1;
  m = fl_matcher_new (f->ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_matcher_train (m, NULL, NULL, NULL, &error));
  f->e = fl_matcher_embedder (m);
  g_assert_true (fl_embedder_save (f->e, f->path, &error));
  g_assert_no_error (error);
  f->md = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  f->t = g_array_new (FALSE, FALSE, sizeof (FlStTensor));
  f->keep = g_ptr_array_new_with_free_func (g_free);
  read_back (f);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->bad);
  fl_dataset_unref (f->ds);
  fl_embedder_free (f->e);
  g_hash_table_unref (f->md);
  g_array_unref (f->t);
  g_ptr_array_unref (f->keep);
}

/* The index of tensor name in f->t. */
static FlStTensor *
tensor (Fixture *f, const char *name)
{
  for (guint i = 0; i < f->t->len; i++)
    if (strcmp (g_array_index (f->t, FlStTensor, i).name, name) == 0)
      return &g_array_index (f->t, FlStTensor, i);
  g_assert_not_reached ();
}

/* path is refused by fl_embedder_load() with one line naming it and
 * holding hint. */
static void
assert_refused_path (const char *path, const char *hint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlEmbedder) e = fl_embedder_load (path, &error);

  g_assert_null (e);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, hint));
  g_assert_null (strchr (error->message, '\n'));
}

/* The fixture's tensors and metadata written to f->bad, refused. */
static void
assert_refused (Fixture *f, const char *hint)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_safetensors_save (f->bad, (FlStTensor *) f->t->data, (int) f->t->len, f->md, &error));
  assert_refused_path (f->bad, hint);
}

/* Every picture and text of the data embed to the same bits through the
 * loaded file as through the embedder that wrote it (100 samples, in
 * batches of the matcher's 24); its sizes and loss come back. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlEmbedder) back = fl_embedder_load (f->path, &error);
  const int E = 6;
  g_autofree float *a = g_new (float, N * E), *b = g_new (float, N * E);
  const FlDataSpec *spec;

  g_assert_no_error (error);
  g_assert_cmpint (fl_embedder_dim (back), ==, E);
  g_assert_cmpint (fl_embedder_image_size (back), ==, S);
  g_assert_cmpint (fl_embedder_loss (back), ==, FL_MATCH_LOSS_INFONCE);
  fl_embedder_embed_texts (f->e, (const char *const *) f->ds->texts, N, a);
  fl_embedder_embed_texts (back, (const char *const *) f->ds->texts, N, b);
  g_assert_cmpmem (a, N * E * sizeof (float), b, N * E * sizeof (float));
  fl_embedder_embed_images (f->e, f->ds->images, N, a);
  fl_embedder_embed_images (back, f->ds->images, N, b);
  g_assert_cmpmem (a, N * E * sizeof (float), b, N * E * sizeof (float));
  spec = fl_embedder_data_spec (back);
  g_assert_null (spec->images_dir);   /* data from memory */
  g_assert_null (spec->csv_path);
  g_assert_cmpint (spec->image_size, ==, S);
  /* the branch tensors have a classifier's names; CLIP's logit_scale is a scalar */
  g_assert_cmpint (tensor (f, "conv1.weight")->ndim, ==, 4);
  g_assert_cmpint (tensor (f, "txt_fc.weight")->ndim, ==, 2);
  g_assert_cmpint (tensor (f, "match.image_proj.weight")->shape[0], ==, E);
  g_assert_cmpint (tensor (f, "match.log_scale")->ndim, ==, 0);
}

/* The data a model trained on comes back as recorded, members absent
 * where unknown. */
static void
test_data_spec (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlEmbedder) e = NULL;
  const FlDataSpec *spec;

  g_hash_table_insert (f->md, "data", g_strdup ("{\"images\": \"/srv/pics\", \"csv\": \"/srv/t.csv\", "
                                                "\"text_col\": \"caption\"}"));
  g_assert_true (fl_safetensors_save (f->bad, (FlStTensor *) f->t->data, (int) f->t->len, f->md, &error));
  e = fl_embedder_load (f->bad, &error);
  g_assert_no_error (error);
  spec = fl_embedder_data_spec (e);
  g_assert_cmpstr (spec->images_dir, ==, "/srv/pics");
  g_assert_cmpstr (spec->csv_path, ==, "/srv/t.csv");
  g_assert_cmpstr (spec->text_col, ==, "caption");
  g_assert_null (spec->image_col);
  g_assert_null (spec->label_col);
}

/* Each reader refuses the other kind, saying which it is. */
static void
test_confusion (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPredictor) pred = fl_predictor_load (f->path, &error);
  g_autofree char *classifier = g_build_filename (f->dir, "classifier.safetensors", NULL);
  FlConfig cfg;
  FlModel *model;
  g_autoptr(FlVocab) vocab = NULL;
  const char *const classes[] = { "a", "b", NULL }, *const texts[] = { "red dog" };
  FlInputStats st = { .image_mean = { 0.5f, 0.5f, 0.5f }, .image_std = { 0.2f, 0.2f, 0.2f } };

  g_assert_null (pred);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, "a matching model (task match): use fusionlab-cli search"));
  g_clear_error (&error);

  fl_config_init_default (&cfg);
  cfg.image_size = S;
  cfg.conv1 = 2, cfg.conv2 = 2, cfg.feat_dim = 4, cfg.text_hidden = 3, cfg.head_hidden = 3;
  cfg.vocab_size = 2, cfg.n_classes = 2;
  model = fl_model_new (&cfg, 1, &error);
  vocab = fl_vocab_build (texts, 1, 0);
  g_assert_true (fl_model_file_save (classifier, model, vocab, classes, &st, &error));
  g_assert_no_error (error);
  fl_model_free (model);
  assert_refused_path (classifier, "a classifier, not a matching model");
}

/* A file cut short, or its header's JSON broken, is refused. */
static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (f->path, &bytes, &len, &error));
  for (gsize cut = 0; cut < len; cut += len / 7 + 1)
    {
      g_assert_true (g_file_set_contents (f->bad, bytes, (gssize) cut, &error));
      assert_refused_path (f->bad, "");
    }
  bytes[20] = '{';   /* inside the header's JSON */
  g_assert_true (g_file_set_contents (f->bad, bytes, (gssize) len, &error));
  assert_refused_path (f->bad, "");
}

/* The fixture's tensors and metadata, written to f->bad and loaded. */
static FlEmbedder *
load_changed (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  FlEmbedder *e;

  g_assert_true (fl_safetensors_save (f->bad, (FlStTensor *) f->t->data, (int) f->t->len, f->md, &error));
  e = fl_embedder_load (f->bad, &error);
  g_assert_no_error (error);
  return e;
}

/* Mapping's kind: an MSE mapping model's comes back; a file without it
 * (written before it was recorded) loads as cosine; an unknown one is
 * refused. */
static void
test_map_loss (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "mse.safetensors", NULL);
  g_autoptr(FlMatcher) m = NULL;
  g_autoptr(FlEmbedder) e = NULL, back = NULL;
  FlMatchSettings s;

  g_assert_null (g_hash_table_lookup (f->md, "map_loss"));   /* InfoNCE's file has none */
  g_assert_cmpint (fl_embedder_map_loss (f->e), ==, FL_MAP_LOSS_COSINE);
  fl_match_settings_init_default (&s);
  s.loss = FL_MATCH_LOSS_MAPPING;
  s.map_loss = FL_MAP_LOSS_MSE;
  s.frozen = FL_BRANCH_BIT (FL_BRANCH_TEXT);
  s.embed_dim = 6;
  s.train.feat_dim = 8;
  s.train.epochs = 1;
  s.train.n_threads = 1;
  m = fl_matcher_new (f->ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_matcher_train (m, NULL, NULL, NULL, &error));
  e = fl_matcher_embedder (m);
  g_assert_cmpint (fl_embedder_map_loss (e), ==, FL_MAP_LOSS_MSE);
  g_assert_true (fl_embedder_save (e, path, &error));
  back = fl_embedder_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_embedder_loss (back), ==, FL_MATCH_LOSS_MAPPING);
  g_assert_cmpint (fl_embedder_map_loss (back), ==, FL_MAP_LOSS_MSE);
  g_clear_pointer (&back, fl_embedder_free);

  g_hash_table_insert (f->md, (gpointer) "loss", g_strdup ("mapping"));
  back = load_changed (f);   /* no map_loss: an older file */
  g_assert_cmpint (fl_embedder_loss (back), ==, FL_MATCH_LOSS_MAPPING);
  g_assert_cmpint (fl_embedder_map_loss (back), ==, FL_MAP_LOSS_COSINE);
  g_clear_pointer (&back, fl_embedder_free);
  g_hash_table_insert (f->md, (gpointer) "map_loss", g_strdup ("mse"));
  back = load_changed (f);
  g_assert_cmpint (fl_embedder_map_loss (back), ==, FL_MAP_LOSS_MSE);
  g_hash_table_insert (f->md, (gpointer) "map_loss", g_strdup ("l1"));
  assert_refused (f, "map_loss");
}

/* The picture fit: a model of padded, augmented pictures records both and
 * its fit comes back (and in its data spec, for search to load with); a
 * file without "image_fit" — every file written before matching took
 * --fit, and a squash model's — opens as squash; an unknown fit is refused
 * naming the file. */
static void
test_image_fit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "pad.safetensors", NULL);
  g_autoptr(FlDataset) ds = random_dataset ();
  g_autoptr(FlMatcher) m = NULL;
  g_autoptr(FlEmbedder) e = NULL, back = NULL;
  g_autoptr(FlSafetensors) st = NULL;
  FlMatchSettings s;

  g_assert_null (g_hash_table_lookup (f->md, "image_fit"));   /* squash's file has none */
  g_assert_null (g_hash_table_lookup (f->md, "augment"));
  g_assert_cmpint (fl_embedder_image_fit (f->e), ==, FL_IMAGE_FIT_SQUASH);
  ds->image_fit = FL_IMAGE_FIT_PAD;   /* as fl_dataset_load() of --fit pad leaves it */
  fl_match_settings_init_default (&s);
  s.embed_dim = 6;
  s.train.feat_dim = 8;
  s.train.epochs = 1;
  s.train.n_threads = 1;
  s.train.augment = TRUE;
  m = fl_matcher_new (ds, &s, &error);
  g_assert_no_error (error);
  g_assert_true (fl_matcher_train (m, NULL, NULL, NULL, &error));
  e = fl_matcher_embedder (m);
  g_assert_cmpint (fl_embedder_image_fit (e), ==, FL_IMAGE_FIT_PAD);
  g_assert_true (fl_embedder_save (e, path, &error));
  st = fl_safetensors_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_safetensors_metadata (st, "image_fit"), ==, "pad");
  g_assert_nonnull (fl_safetensors_metadata (st, "augment"));
  back = fl_embedder_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_embedder_image_fit (back), ==, FL_IMAGE_FIT_PAD);
  g_assert_cmpint (fl_embedder_data_spec (back)->image_fit, ==, FL_IMAGE_FIT_PAD);
  g_clear_pointer (&back, fl_embedder_free);

  g_hash_table_insert (f->md, (gpointer) "image_fit", g_strdup ("crop"));
  back = load_changed (f);
  g_assert_cmpint (fl_embedder_image_fit (back), ==, FL_IMAGE_FIT_CROP);
  g_clear_pointer (&back, fl_embedder_free);
  g_hash_table_remove (f->md, "image_fit");   /* an older file */
  back = load_changed (f);
  g_assert_cmpint (fl_embedder_image_fit (back), ==, FL_IMAGE_FIT_SQUASH);
  g_hash_table_insert (f->md, (gpointer) "image_fit", g_strdup ("stretch"));
  assert_refused (f, "image_fit");
}

/* Every matching part, wrong in turn. */
static void
test_bad_metadata (Fixture *f, gconstpointer data)
{
  static const char *const cases[][3] = {   /* key, value (NULL: absent), hint */
    { "task", "regress", "task" },
    { "task", NULL, "a classifier, not a matching model" },
    { "loss", NULL, "loss" },
    { "loss", "mse", "loss" },
    { "embed_dim", "0", "embed_dim" },
    { "embed_dim", "4097", "embed_dim" },
    { "embed_dim", "6.0", "embed_dim" },
    { "embed_dim", "5", "match.image_proj.weight" },
    { "batch_size", "-1", "batch_size" },
    { "batch_size", NULL, "batch_size" },
    { "data", "[1]", "data" },
    { "data", "{\"images\": 3}", "images" },
    { "data", "{\"images\": ", "data" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *saved = g_strdup (g_hash_table_lookup (f->md, cases[i][0]));

      if (cases[i][1] != NULL)
        g_hash_table_insert (f->md, (gpointer) cases[i][0], g_strdup (cases[i][1]));
      else
        g_hash_table_remove (f->md, cases[i][0]);
      assert_refused (f, cases[i][2]);
      g_hash_table_insert (f->md, (gpointer) cases[i][0], g_steal_pointer (&saved));
    }
}

/* The projections: a shape, a name too many or missing, a NaN. */
static void
test_bad_projections (Fixture *f, gconstpointer data)
{
  FlStTensor *w = tensor (f, "match.text_proj.weight"), *b = tensor (f, "match.image_proj.bias");
  FlStTensor extra;

  w->shape[1]--;   /* (E, D-1): fewer bytes, a consistent file */
  assert_refused (f, "match.text_proj.weight");
  w->shape[1]++;
  ((float *) b->data)[2] = NAN;
  assert_refused (f, "NaN");
  ((float *) b->data)[2] = 0.5f;
  extra = *b;
  extra.name = "match.temperature";
  g_array_append_val (f->t, extra);
  assert_refused (f, "match.temperature");
  g_array_set_size (f->t, f->t->len - 1);
  tensor (f, "match.log_scale")->name = "match.logit_scale";
  assert_refused (f, "match.log_scale");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/embedder-file/round-trip", test_round_trip);
  ADD ("/embedder-file/data-spec", test_data_spec);
  ADD ("/embedder-file/confusion", test_confusion);
  ADD ("/embedder-file/truncated", test_truncated);
  ADD ("/embedder-file/bad-metadata", test_bad_metadata);
  ADD ("/embedder-file/map-loss", test_map_loss);
  ADD ("/embedder-file/image-fit", test_image_fit);
  ADD ("/embedder-file/bad-projections", test_bad_projections);
#undef ADD
  return g_test_run ();
}
