/* SPDX-License-Identifier: MIT
 *
 * Model files that strangers made (issue 11): each part checked against the
 * others before the model is used — vocabulary and class names against the
 * config, every tensor's shape against the config before anything is
 * allocated, the image normalisation finite, JSON of the wrong type or
 * nested without end refused — and the writer refusing to write what the
 * reader would refuse. A loaded model holds its weights only. Files of
 * version 2 carry a set of branches, the audio and numeric sizes, their
 * normalisation and the numeric columns' names: each refused, naming the
 * file and the reason, when it is not one the rest agrees with.
 */
#include "fl-predictor.h"
#include "fl-safetensors.h"

#include "fl-test-util.h"

#include <math.h>
#include <string.h>

/* A small model of every part, written as fl_model_file_save() writes one,
 * with each piece of metadata a JSON string a test may replace. */
typedef struct {
  char       *dir;
  char       *path;
  FlConfig    cfg;
  FlModel    *model;
  GHashTable *md;         /* key → JSON text */
  FlStTensor  t[FL_N_PARAMS + 1];   /* room for one tensor more */
  int         n;
  GPtrArray  *names;
  float      *emb_t;
} Fixture;

static char *
config_json (const FlConfig *c)
{
  return g_strdup_printf ("{\"image_size\": %d, \"conv1\": %d, \"conv2\": %d, \"feat_dim\": %d, "
                          "\"text_hidden\": %d, \"head_hidden\": %d, \"vocab_size\": %d, "
                          "\"n_classes\": %d, \"fusion\": \"%s\"}",
                          c->image_size, c->conv1, c->conv2, c->feat_dim, c->text_hidden,
                          c->head_hidden, c->vocab_size, c->n_classes,
                          fl_fusion_to_string (c->fusion));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("fl-test-model-file-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "m.safetensors", NULL);
  fl_config_init_default (&f->cfg);
  f->cfg = (FlConfig) { .image_size = 8, .conv1 = 2, .conv2 = 3, .feat_dim = 4, .text_hidden = 5,
                        .head_hidden = 6, .vocab_size = 3, .n_classes = 2,
                        .fusion = FL_FUSION_CONCAT };
  f->model = fl_model_new (&f->cfg, 7, &error);
  g_assert_no_error (error);
  f->names = g_ptr_array_new_with_free_func (g_free);
  f->n = fl_model_torch_tensors (f->model, "", f->t, f->names, &f->emb_t);
  f->md = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (f->md, "format", g_strdup ("fusionlab-model-1"));
  g_hash_table_insert (f->md, "config", config_json (&f->cfg));
  g_hash_table_insert (f->md, "classes", g_strdup ("[\"cat\", \"dog\"]"));
  g_hash_table_insert (f->md, "vocab", g_strdup ("[\"red\", \"green\", \"blue\"]"));
  g_hash_table_insert (f->md, "image_mean", g_strdup ("[0.5, 0.5, 0.5]"));
  g_hash_table_insert (f->md, "image_std", g_strdup ("[0.25, 0.25, 0.25]"));
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  fl_model_free (f->model);
  g_hash_table_unref (f->md);
  g_ptr_array_unref (f->names);
  g_free (f->emb_t);
}

static void
fixture_write (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_safetensors_save (f->path, f->t, f->n, f->md, &error));
  g_assert_no_error (error);
}

/* The fixture's file, written with metadata key set to json (NULL: left
 * out), is refused with one message naming the file and holding hint; key
 * is then restored. */
static void
assert_metadata_refused (Fixture *f, const char *key, const char *json, const char *hint)
{
  g_autofree char *saved = g_strdup (g_hash_table_lookup (f->md, key));
  g_autoptr(GError) error = NULL;

  if (json != NULL)
    g_hash_table_insert (f->md, (gpointer) key, g_strdup (json));
  else
    g_hash_table_remove (f->md, key);
  fixture_write (f);
  g_assert_null (fl_predictor_load (f->path, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, hint));
  g_assert_null (strchr (error->message, '\n'));
  if (saved != NULL)
    g_hash_table_insert (f->md, (gpointer) key, g_steal_pointer (&saved));
}

static void
assert_refused (Fixture *f, const char *hint)
{
  g_autoptr(GError) error = NULL;

  fixture_write (f);
  g_assert_null (fl_predictor_load (f->path, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, f->path));
  g_assert_nonnull (strstr (error->message, hint));
}

/* The fixture as it is loads, and predicts what its model predicts. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *images = g_new0 (guint8, 2 * 3 * 8 * 8);
  const char *texts[] = { "red blue", "green" };
  float probs[4];

  for (int i = 0; i < 2 * 3 * 8 * 8; i++)
    images[i] = (guint8) (i * 37);
  fixture_write (f);
  pred = fl_predictor_load (f->path, &error);
  g_assert_no_error (error);
  fl_predictor_predict (pred, images, texts, 2, probs);
  for (int i = 0; i < 4; i++)
    g_assert_true (probs[i] > 0.0f && probs[i] < 1.0f);
  g_assert_cmpmem (fl_model_params (fl_predictor_model (pred)),
                   fl_model_n_params (f->model) * sizeof (float),
                   fl_model_params (f->model), fl_model_n_params (f->model) * sizeof (float));
}

/* More tokens than embedding rows: predicting would read past the
 * embedding, and put what lies beyond it in the predictions. */
static void
test_vocab_too_long (Fixture *f, gconstpointer data)
{
  assert_metadata_refused (f, "vocab", "[\"red\", \"green\", \"blue\", \"past\"]",
                           "vocabulary has 4 tokens but its config says 3");
  assert_metadata_refused (f, "vocab", "[\"red\"]", "vocabulary has 1 tokens");
}

/* Metadata that parses but disagrees with itself or the tensors. */
static void
test_inconsistent (Fixture *f, gconstpointer data)
{
  FlConfig c = f->cfg;
  g_autofree char *odd = NULL;

  assert_metadata_refused (f, "classes", "[\"cat\", \"dog\", \"eel\"]", "names 3 classes");
  assert_metadata_refused (f, "image_std", "[0.25, 0, 0.25]", "divides by nothing");
  assert_metadata_refused (f, "image_std", "[0.25, -1, 0.25]", "divides by nothing");
  assert_metadata_refused (f, "image_std", "[1e-30, 1, 1]", "divides by nothing");
  assert_metadata_refused (f, "image_mean", "[1e20, 1, 1]", "not finite");
  /* past what a float holds, and infinite */
  assert_metadata_refused (f, "image_mean", "[1e39, 1, 1]", "normalisation is unreadable");
  assert_metadata_refused (f, "image_std", "[1e999, 1, 1]", "normalisation is unreadable");
  c.image_size = 10;
  odd = config_json (&c);
  assert_metadata_refused (f, "config", odd, "multiple of 4");
}

/* Tensors that are not exactly those of the config. */
static void
test_tensor_shapes (Fixture *f, gconstpointer data)
{
  FlStTensor *head1 = &f->t[f->n - 4];
  const float x[2] = { 1, 2 };

  g_assert_cmpstr (head1->name, ==, "head1.weight");
  /* the same count of floats, the other way round */
  head1->shape[0] = f->cfg.head_hidden / 2;
  head1->shape[1] *= 2;
  assert_refused (f, "tensor “head1.weight” is (3, 16) but its config makes it (6, 8)");
  head1->shape[0] = f->cfg.head_hidden;
  head1->shape[1] /= 2;
  f->t[f->n] = (FlStTensor) { "extra", 1, { 2 }, x };
  f->n++;
  assert_refused (f, "tensor “extra” its config has no place for");
  f->n -= 2;
  assert_refused (f, "it has no tensor “head2.bias”");
}

/* A file of 2 KB whose config claims a model of 1,966 million parameters
 * (with gradients and Adam moments, 31 GB): refused by the tensors' shapes
 * before anything of that size is allocated. */
static void
test_huge_config (Fixture *f, gconstpointer data)
{
  FlConfig c = f->cfg;
  g_autofree char *huge = NULL, *wide = NULL;

  c.head_hidden = 65536;
  c.feat_dim = 15000;
  huge = config_json (&c);
  assert_metadata_refused (f, "config", huge, "its config makes it");
  /* 4096 channels of 1024² maps: 16 GB a sample to predict */
  c = f->cfg;
  c.image_size = 1024;
  c.conv1 = 4096;
  wide = config_json (&c);
  assert_metadata_refused (f, "config", wide, "a sample");
}

/* JSON of the wrong type where the config wants a number or a string, and
 * numbers that do not fit: refused, never warned about (criticals are
 * fatal here) nor cast. */
static void
test_wrong_types (Fixture *f, gconstpointer data)
{
  g_autofree char *good = config_json (&f->cfg);
  const char *cases[][3] = {
    { "\"image_size\": 8", "\"image_size\": []", "“image_size” is missing or not a whole number" },
    { "\"image_size\": 8", "\"image_size\": {}", "“image_size”" },
    { "\"image_size\": 8", "\"image_size\": \"8\"", "“image_size”" },
    { "\"image_size\": 8", "\"image_size\": 8.0", "“image_size”" },
    { "\"conv1\": 2", "\"conv1\": 1e300", "“conv1”" },
    /* 2³² + 2, which an int cast would make 2 */
    { "\"n_classes\": 2", "\"n_classes\": 4294967298", "“n_classes”" },
    { "\"n_classes\": 2", "\"n_classes\": -2", "“n_classes”" },
    { "\"feat_dim\": 4", "\"feat_dim\": 99999999999999999999", "20 digits" },
    { "\"fusion\": \"concat\"", "\"fusion\": []", "“fusion”" },
    { "\"fusion\": \"concat\"", "\"fusion\": 3", "“fusion”" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) json = g_string_new (good);

      g_assert_cmpuint (g_string_replace (json, cases[i][0], cases[i][1], 1), ==, 1);
      assert_metadata_refused (f, "config", json->str, cases[i][2]);
    }
  assert_metadata_refused (f, "config", "[]", "config is not a JSON object");
  assert_metadata_refused (f, "image_std", "[[1], 1, 1]", "normalisation is unreadable");
  assert_metadata_refused (f, "image_std", "[\"1\", 1, 1]", "normalisation is unreadable");
  assert_metadata_refused (f, "image_std", "{}", "normalisation is unreadable");
  assert_metadata_refused (f, "classes", "[\"cat\", 2]", "class names or vocabulary");
  assert_metadata_refused (f, "vocab", "{\"red\": 1}", "class names or vocabulary");
}

/* 100,000 nested arrays in the config, which json-glib would follow down
 * until the stack ran out. */
static void
test_deep (Fixture *f, gconstpointer data)
{
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *deep_obj = NULL;
  g_autoptr(GString) o = g_string_new (NULL);

  assert_metadata_refused (f, "config", deep, "nested more than 64");
  assert_metadata_refused (f, "vocab", deep, "class names or vocabulary");
  assert_metadata_refused (f, "image_mean", deep, "normalisation is unreadable");
  for (int i = 0; i < 100000; i++)
    g_string_append (o, "{\"a\":");
  deep_obj = g_string_free (g_steal_pointer (&o), FALSE);
  assert_metadata_refused (f, "config", deep_obj, "nested more than 64");
}

/* A NaN or infinite weight would make every prediction NaN. */
static void
test_not_finite (Fixture *f, gconstpointer data)
{
  float *head2 = (float *) f->t[f->n - 2].data;

  g_assert_cmpstr (f->t[f->n - 2].name, ==, "head2.weight");
  head2[3] = NAN;
  assert_refused (f, "tensor “head2.weight” holds NaN or infinite values");
  head2[3] = -INFINITY;
  assert_refused (f, "tensor “head2.weight” holds NaN");
}

/* A loaded model has its weights and nothing a trainer needs. */
static void
test_weights_only (Fixture *f, gconstpointer data)
{
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(GError) error = NULL;
  FlModel *m;

  fixture_write (f);
  pred = fl_predictor_load (f->path, &error);
  g_assert_no_error (error);
  m = fl_predictor_model (pred);
  g_assert_nonnull (fl_model_params (m));
  g_assert_null (fl_model_grads (m));
  g_assert_null (fl_model_adam_m (m));
  g_assert_null (fl_model_adam_v (m));
  m = fl_model_new_inference (&f->cfg, &error);
  g_assert_no_error (error);
  g_assert_null (fl_model_grads (m));
  g_assert_cmpuint (fl_model_n_params (m), ==, fl_model_n_params (f->model));
  fl_model_free (m);
}

/* The writer refuses what the reader would refuse, and writes nothing. */
static void
test_save_refuses (Fixture *f, gconstpointer data)
{
  const char *three[] = { "red", "green", "blue" }, *four[] = { "red", "green", "blue", "past" };
  g_autoptr(FlVocab) ok_vocab = fl_vocab_new_from_tokens (three, 3);
  g_autoptr(FlVocab) long_vocab = fl_vocab_new_from_tokens (four, 4);
  const char *const two[] = { "cat", "dog", NULL }, *const one[] = { "cat", NULL };
  const float mean[3] = { 0.5f, 0.5f, 0.5f }, std[3] = { 0.25f, 0.25f, 0.25f };
  const float zero_std[3] = { 0.25f, 0.0f, 0.25f };
  struct { const FlVocab *vocab; const char *const *classes; const float *std; const char *hint; } cases[] = {
    { long_vocab, two, std, "vocabulary has 4 tokens" },
    { ok_vocab, one, std, "names 1 classes" },
    { ok_vocab, two, zero_std, "divides by nothing" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      FlInputStats st;

      memset (&st, 0, sizeof st);

      memcpy (st.image_mean, mean, sizeof mean);
      memcpy (st.image_std, cases[i].std, sizeof std);
      g_assert_false (fl_model_file_save (f->path, f->model, cases[i].vocab, cases[i].classes,
                                          &st, &error));
      g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].hint));
      g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
    }
  fl_model_params (f->model)[0] = NAN;
  {
    g_autoptr(GError) error = NULL;
    FlInputStats st;

      memset (&st, 0, sizeof st);

    memcpy (st.image_mean, mean, sizeof mean);
    memcpy (st.image_std, std, sizeof std);
    g_assert_false (fl_model_file_save (f->path, f->model, ok_vocab, two, &st, &error));
    g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "not all finite"));
    g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  }
}

/* ---- version 2: branch sets, audio and numeric ------------------------- */

/* The config as a version-2 file has it: the first ones without the
 * audio convs' channels (whose defaults then stand), later ones with. */
static char *
config_json_v2 (const FlConfig *c, gboolean audio_convs)
{
  g_autofree char *branches = fl_branches_to_string (fl_config_branches (c));
  g_autofree char *first = config_json (c);
  g_autoptr(GString) json = g_string_new (first);

  g_string_truncate (json, json->len - 1);   /* the closing brace */
  g_string_append_printf (json, ", \"rank\": %d, \"branches\": \"%s\", \"audio_mels\": %d, "
                          "\"audio_frames\": %d, \"n_numeric\": %d, \"numeric_hidden\": %d",
                          c->rank, branches, c->audio_mels, c->audio_frames, c->n_numeric,
                          c->numeric_hidden);
  if (audio_convs)
    g_string_append_printf (json, ", \"audio_conv1\": %d, \"audio_conv2\": %d",
                            c->audio_conv1, c->audio_conv2);
  g_string_append_c (json, '}');
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/* The fixture's config with the member "key": old replaced by "key": new. */
static char *
config_with (Fixture *f, const char *old, const char *new)
{
  g_autofree char *good = config_json_v2 (&f->cfg, FALSE);
  g_autoptr(GString) json = g_string_new (good);

  g_assert_cmpuint (g_string_replace (json, old, new, 1), ==, 1);
  return g_string_free (g_steal_pointer (&json), FALSE);
}

/* Each case { old, new, hint }: the fixture's config with the member old
 * made new is refused with hint. */
static void
assert_configs_refused (Fixture *f, const char *const (*cases)[3], gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *json = config_with (f, cases[i][0], cases[i][1]);
      assert_metadata_refused (f, "config", json, cases[i][2]);
    }
}

/* A version-2 file of a concat model over all four branches: image and
 * text as the first fixture's, a spectrogram of 8 bands × 8 frames through
 * the default channels (16, 32), and two numeric columns. Its config has
 * no audio convs' channels, as the first version-2 files. */
static void
fixture_setup_v2 (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture_setup (f, data);
  fl_model_free (f->model);
  g_ptr_array_set_size (f->names, 0);
  g_clear_pointer (&f->emb_t, g_free);
  f->cfg.branches = FL_BRANCHES_ALL;
  f->cfg.audio_mels = 8;
  f->cfg.audio_frames = 8;
  f->cfg.audio_conv1 = 16;
  f->cfg.audio_conv2 = 32;
  f->cfg.n_numeric = 2;
  f->cfg.numeric_hidden = 3;
  f->model = fl_model_new (&f->cfg, 8, &error);
  g_assert_no_error (error);
  f->n = fl_model_torch_tensors (f->model, "", f->t, f->names, &f->emb_t);
  g_hash_table_insert (f->md, "version", g_strdup ("2"));
  g_hash_table_insert (f->md, "config", config_json_v2 (&f->cfg, FALSE));
  g_hash_table_insert (f->md, "audio_mean", g_strdup ("[-12, -11, -10, -9, -9, -10, -11, -12]"));
  g_hash_table_insert (f->md, "audio_std", g_strdup ("[2, 2, 2.5, 3, 3, 2.5, 2, 2]"));
  g_hash_table_insert (f->md, "numeric_mean", g_strdup ("[170, 65]"));
  g_hash_table_insert (f->md, "numeric_std", g_strdup ("[10, 12]"));
  g_hash_table_insert (f->md, "numeric_names", g_strdup ("[\"height\", \"weight\"]"));
}

/* One sample of the fixture's sizes, a cell of it empty. */
static FlDataset *
one_sample (Fixture *f)
{
  const char *const texts[] = { "red blue" }, *const labels[] = { "cat" };
  FlDataset *ds = fl_dataset_new_from_memory (1, 8, NULL, texts, labels);

  ds->audio_mels = ds->audio_frames = 8;
  ds->audio = g_new (float, 64);
  for (int i = 0; i < 64; i++)
    ds->audio[i] = -14.0f + (float) (i % 7);
  ds->n_numeric = 2;
  ds->numeric = g_new (float, 2);
  ds->numeric[0] = 181.0f;
  ds->numeric[1] = NAN;
  ds->numeric_names = g_strsplit ("height,weight", ",", -1);
  return ds;
}

/* The file loads whole: its branches, sizes (the audio convs' the
 * defaults, which it does not name), statistics, names and weights, and it
 * predicts; the same with the channels named. */
static void
test_v2_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDataset) ds = one_sample (f);
  g_autofree char *named = config_json_v2 (&f->cfg, TRUE);
  float probs[2];

  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr(FlPredictor) pred = NULL;
      const FlInputStats *st;
      const FlConfig *c;

      fixture_write (f);
      pred = fl_predictor_load (f->path, &error);
      g_assert_no_error (error);
      c = fl_model_config (fl_predictor_model (pred));
      st = fl_predictor_stats (pred);
      g_assert_cmpuint (fl_config_branches (c), ==, FL_BRANCHES_ALL);
      g_assert_cmpint (c->audio_mels, ==, 8);
      g_assert_cmpint (c->audio_conv1, ==, 16);
      g_assert_cmpint (c->audio_conv2, ==, 32);
      g_assert_cmpint (c->n_numeric, ==, 2);
      g_assert_cmpfloat (st->audio_std[2], ==, 2.5f);
      g_assert_cmpfloat (st->numeric_mean[1], ==, 65.0f);
      g_assert_cmpstr (st->numeric_names[1], ==, "weight");
      g_assert_cmpmem (fl_model_params (fl_predictor_model (pred)),
                       fl_model_n_params (f->model) * sizeof (float),
                       fl_model_params (f->model), fl_model_n_params (f->model) * sizeof (float));
      g_assert_true (fl_predictor_predict_dataset (pred, ds, probs, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (probs[0] + probs[1], 1.0f, 1e-6);
      g_hash_table_insert (f->md, "config", g_strdup (named));
    }
}

/* A set of branches that is none: unknown names, none, one twice, not a
 * string; one branch for a fusion route, another's for a unimodal one;
 * and fewer branches than the tensors. */
static void
test_v2_branches (Fixture *f, gconstpointer data)
{
#define ALL "\"branches\": \"image,text,audio,numeric\""
  const char *const cases[][3] = {
    { ALL, "\"branches\": \"image,text,audio,numeric,smell\"", "“branches” is not a set of branches" },
    { ALL, "\"branches\": \"image,text,audio,numérique\"", "“branches” is not a set of branches" },
    { ALL, "\"branches\": \"\"", "“branches” is not a set of branches" },
    { ALL, "\"branches\": \"image,image\"", "“branches” is not a set of branches" },
    /* a mask of bits is not how the file names them */
    { ALL, "\"branches\": 15", "“branches” is not a set of branches" },
    { ALL, "\"branches\": 4294967295", "“branches” is not a set of branches" },
    { ALL, "\"branches\": [\"image\", \"text\"]", "“branches” is not a set of branches" },
    { ALL, "\"branches\": \"audio\"", "a fusion route needs at least two branches" },
    /* concat of two: a head half as wide as the tensors' */
    { ALL, "\"branches\": \"image,text\"", "tensor “head1.weight” is (6, 16) but its config makes it (6, 8)" },
    { "\"fusion\": \"concat\"", "\"fusion\": \"numeric\"", "a unimodal route has its own branch only" },
  };
#undef ALL

  assert_configs_refused (f, cases, G_N_ELEMENTS (cases));
}

/* Audio sizes out of range, or other than the tensors and statistics
 * were made for. */
static void
test_v2_audio_sizes (Fixture *f, gconstpointer data)
{
  const char *const cases[][3] = {
    { "\"audio_mels\": 8", "\"audio_mels\": 0", "audio mel bands is 0; it must be between 8 and 1024" },
    { "\"audio_mels\": 8", "\"audio_mels\": 2147483647", "audio mel bands is 2147483647" },
    { "\"audio_mels\": 8", "\"audio_mels\": 4294967304", "“audio_mels” is not a whole number" },
    { "\"audio_mels\": 8", "\"audio_mels\": -8", "“audio_mels” is not a whole number" },
    { "\"audio_mels\": 8", "\"audio_mels\": 8.5", "“audio_mels” is not a whole number" },
    { "\"audio_frames\": 8", "\"audio_frames\": 12", "each must be a multiple of 8" },
    { "\"audio_frames\": 8", "\"audio_frames\": 99999", "audio frames is 99999" },
    /* in range, but not what the file holds */
    { "\"audio_mels\": 8", "\"audio_mels\": 16", "audio normalisation is missing or not 16 numbers" },
    { "\"audio_frames\": 8", "\"audio_frames\": 16",
      "tensor “aud_fc.weight” is (4, 32) but its config makes it (4, 64)" },
    /* 1024 bands × 65536 frames: gigabytes a sample, refused before any */
    { "\"audio_mels\": 8, \"audio_frames\": 8", "\"audio_mels\": 1024, \"audio_frames\": 65536",
      "a sample" },
    { "\"numeric_hidden\": 3", "\"numeric_hidden\": 3, \"audio_conv1\": 0",
      "audio conv1 channels is 0" },
    { "\"numeric_hidden\": 3", "\"numeric_hidden\": 3, \"audio_conv2\": 4097",
      "audio conv2 channels is 4097" },
    { "\"numeric_hidden\": 3", "\"numeric_hidden\": 3, \"audio_conv2\": 8",
      "tensor “aud_conv2.weight” is (32, 16, 3, 3) but its config makes it (8, 16, 3, 3)" },
  };

  assert_configs_refused (f, cases, G_N_ELEMENTS (cases));
}

/* Statistics of the wrong length, missing, not numbers, not finite, or
 * dividing by nothing. */
static void
test_v2_statistics (Fixture *f, gconstpointer data)
{
  const char *cases[][3] = {
    { "audio_mean", "[-12, -11, -10, -9, -9, -10, -11]", "audio normalisation is missing or not 8 numbers" },
    { "audio_mean", "[-12, -11, -10, -9, -9, -10, -11, -12, 0]", "not 8 numbers a band" },
    { "audio_std", NULL, "audio normalisation is missing" },
    { "audio_std", "[2, 2, 2.5, 3, 3, 2.5, 2, \"2\"]", "not 8 numbers a band" },
    { "audio_std", "[2, 2, 2.5, 3, 3, 2.5, 2, 0]", "audio normalisation (mean -12, std 0) is not finite" },
    { "audio_std", "[2, 2, 2.5, 3, 3, 2.5, 2, -1]", "divides by nothing" },
    { "audio_mean", "[-12, -11, -10, -9, -9, -10, -11, 1e39]", "not 8 numbers a band" },
    { "audio_mean", "[-12, -11, -10, -9, -9, -10, -11, 1e20]", "is not finite or divides by nothing" },
    { "audio_mean", "[-12, -11, -10, -9, -9, -10, -11, NaN]", "audio normalisation is missing" },
    { "numeric_mean", "[170]", "numeric normalisation is missing or not 2 numbers a column" },
    { "numeric_mean", NULL, "numeric normalisation is missing" },
    { "numeric_mean", "{\"height\": 170}", "numeric normalisation is missing" },
    { "numeric_std", "[10, 1e-30]", "numeric normalisation (mean 65, std 1e-30)" },
    { "numeric_std", "[10, Infinity]", "numeric normalisation is missing" },
    { "numeric_std", "[10, 1e999]", "numeric normalisation is missing" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_metadata_refused (f, cases[i][0], cases[i][1], cases[i][2]);
}

/* Names of the numeric columns, one per column or none at all. */
static void
test_v2_numeric_names (Fixture *f, gconstpointer data)
{
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(GError) error = NULL;

  assert_metadata_refused (f, "numeric_names", "[\"height\"]",
                           "it names 1 numeric columns but its config says 2");
  assert_metadata_refused (f, "numeric_names", "[\"height\", \"weight\", \"age\"]",
                           "it names 3 numeric columns but its config says 2");
  assert_metadata_refused (f, "numeric_names", "[]", "it names 0 numeric columns");
  assert_metadata_refused (f, "numeric_names", "[\"height\", 2]", "numeric column names are unreadable");
  assert_metadata_refused (f, "numeric_names", "\"height,weight\"", "numeric column names are unreadable");
  /* without names the model reads its columns by their place */
  g_hash_table_remove (f->md, "numeric_names");
  fixture_write (f);
  pred = fl_predictor_load (f->path, &error);
  g_assert_no_error (error);
  g_assert_null (fl_predictor_stats (pred)->numeric_names);
}

/* Counts far beyond the file: refused by the ranges, or by statistics and
 * names that do not have them, before anything of their size is made. */
static void
test_v2_huge_counts (Fixture *f, gconstpointer data)
{
  const char *const cases[][3] = {
    { "\"n_numeric\": 2", "\"n_numeric\": 2147483647", "number of numeric columns is 2147483647" },
    { "\"n_numeric\": 2", "\"n_numeric\": 100001", "number of numeric columns is 100001" },
    /* in range: the statistics have 2 */
    { "\"n_numeric\": 2", "\"n_numeric\": 100000", "not 100000 numbers a column" },
    { "\"numeric_hidden\": 3", "\"numeric_hidden\": 65536",
      "tensor “num_fc1.weight” is (3, 4) but its config makes it (65536, 4)" },
  };
  g_autoptr(GString) names = g_string_new ("[");
  g_autoptr(GString) means = g_string_new ("[");

  assert_configs_refused (f, cases, G_N_ELEMENTS (cases));
  /* 100,000 names and means for 2 columns */
  for (int i = 0; i < 100000; i++)
    {
      g_string_append_printf (names, "%s\"c%d\"", i > 0 ? "," : "", i);
      g_string_append_printf (means, "%s%d", i > 0 ? "," : "", i);
    }
  g_string_append_c (names, ']');
  g_string_append_c (means, ']');
  assert_metadata_refused (f, "numeric_names", names->str, "it names 100000 numeric columns");
  assert_metadata_refused (f, "numeric_mean", means->str, "not 2 numbers a column");
  assert_metadata_refused (f, "version", "3", "its “version” is not one this Fusion Lab reads");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/model-file/round-trip", test_round_trip);
  ADD ("/model-file/vocab-too-long", test_vocab_too_long);
  ADD ("/model-file/inconsistent", test_inconsistent);
  ADD ("/model-file/tensor-shapes", test_tensor_shapes);
  ADD ("/model-file/huge-config", test_huge_config);
  ADD ("/model-file/wrong-types", test_wrong_types);
  ADD ("/model-file/deep", test_deep);
  ADD ("/model-file/not-finite", test_not_finite);
  ADD ("/model-file/weights-only", test_weights_only);
  ADD ("/model-file/save-refuses", test_save_refuses);
#undef ADD
#define ADD(path, fn) \
  g_test_add (path, Fixture, NULL, fixture_setup_v2, fn, fixture_teardown)
  ADD ("/model-file/v2/round-trip", test_v2_round_trip);
  ADD ("/model-file/v2/branches", test_v2_branches);
  ADD ("/model-file/v2/audio-sizes", test_v2_audio_sizes);
  ADD ("/model-file/v2/statistics", test_v2_statistics);
  ADD ("/model-file/v2/numeric-names", test_v2_numeric_names);
  ADD ("/model-file/v2/huge-counts", test_v2_huge_counts);
#undef ADD
  return g_test_run ();
}
