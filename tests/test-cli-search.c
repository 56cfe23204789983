/* SPDX-License-Identifier: MIT
 *
 * fusionlab-cli match --save / --zero-shot and fusionlab-cli search end to
 * end on the bundled demo data: the zero-shot line and object, and each
 * search's results (by text and by picture, on the data the model
 * recorded) exactly those of the engine's embedder on the same file and
 * data; --json; one clear error line for bad arguments and for a
 * classifier's file, and predict's for a matching model's.
 */
#include "fl-embedder.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "fl-test-util.h"
#include "test-cli-util.h"

typedef struct {
  char *dir, *model;
} Fixture;

/* One matching model of the demo data for every test. */
static Fixture fx;

static void
train_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_auto(GStrv) lines = NULL;
  Result r;
  double acc;
  int classes, consumed = 0;

  fx.dir = g_dir_make_tmp ("fl-test-cli-search-XXXXXX", &error);
  g_assert_no_error (error);
  fx.model = g_build_filename (fx.dir, "match.safetensors", NULL);
  r = run_cli ("match", "--images", images, "--csv", csv, "--epochs", "2", "--image-size", "16",
               "--embed-dim", "8", "--zero-shot", "--save", fx.model, "--quiet", NULL);
  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_test (fx.model, G_FILE_TEST_IS_REGULAR));
  lines = g_strsplit (g_strchomp (r.out), "\n", -1);
  /* the chance line, 2 epochs, the zero-shot line */
  g_assert_cmpint (g_strv_length (lines), ==, 4);
  g_assert_cmpint (sscanf (lines[3], "zero_shot_acc %lf classes %d template \"{label}\"%n",
                           &acc, &classes, &consumed), ==, 2);
  g_assert_cmpint (consumed, ==, (int) strlen (lines[3]));
  g_assert_cmpint (classes, ==, 6);   /* 3 shapes × warm or cold */
  g_assert_true (acc >= 0 && acc <= 1);
  result_clear (&r);
}

/* The demo data as search loads it, at the model's size. */
static FlDataset *
load_demo (FlEmbedder *e)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  FlDataSpec spec = { .images_dir = images, .csv_path = csv, .image_size = fl_embedder_image_size (e),
                      .unlabelled = TRUE, .label_col = "", .audio_col = "" };
  FlDataset *ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

/* The engine's top k for a text (or, text NULL, the picture of sample
 * image_of), against the lines of out. */
static void
check_results (const char *out, const char *text, int image_of, int k)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlEmbedder) e = fl_embedder_load (fx.model, &error);
  g_autoptr(FlDataset) ds = NULL;
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  const int E = fl_embedder_dim (e);
  g_autofree float *q = g_new (float, E), *rows = NULL, *score = g_new (float, k);
  g_autofree int *idx = g_new (int, k);
  const gsize img = (gsize) 3 * fl_embedder_image_size (e) * fl_embedder_image_size (e);

  g_assert_no_error (error);
  ds = load_demo (e);
  rows = g_new (float, (gsize) ds->n * E);
  if (text != NULL)
    {
      fl_embedder_embed_texts (e, &text, 1, q);
      fl_embedder_embed_images (e, ds->images, ds->n, rows);
    }
  else
    {
      fl_embedder_embed_images (e, ds->images + image_of * img, 1, q);
      fl_embedder_embed_texts (e, (const char *const *) ds->texts, ds->n, rows);
    }
  g_assert_cmpint (fl_embedder_top_k (q, rows, ds->n, E, k, idx, score), ==, k);
  g_assert_cmpint (g_strv_length (lines), ==, k + 1);   /* the last one empty */
  for (int r = 0; r < k; r++)
    {
      g_autofree char *want = g_strdup_printf ("%d\t%.4f\t%s\t%s", r + 1, score[r],
                                               ds->image_files[idx[r]], ds->texts[idx[r]]);
      g_assert_cmpstr (lines[r], ==, want);
    }
  g_assert_cmpstr (lines[k], ==, "");
}

static void
test_text (void)
{
  Result r = run_cli ("search", "--model", fx.model, "--text", "a sunny holiday at the lake", "-k", "7",
                      "--quiet", NULL);

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  check_results (r.out, "a sunny holiday at the lake", -1, 7);
  result_clear (&r);
}

/* A picture from the demo folder (sample 0's, as the CSV orders them),
 * ranked against every text of the data given by --images and --csv. */
static void
test_image (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autofree char *picture = g_build_filename (images, "0047.png", NULL);
  Result r = run_cli ("search", "--model", fx.model, "--image", picture, "--images", images,
                      "--csv", csv, "--quiet", NULL);

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  check_results (r.out, NULL, 0, 5);
  result_clear (&r);
}

static void
test_json (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Result r = run_cli ("search", "--model", fx.model, "--text", "cold \"morning\"", "-k", "3", "--json",
                      "--quiet", NULL);
  JsonObject *o;
  JsonArray *res;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, r.out, -1, &error));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "text"), ==, "cold \"morning\"");
  res = json_object_get_array_member (o, "results");
  g_assert_cmpint (json_array_get_length (res), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *x = json_array_get_object_element (res, i);
      g_assert_cmpint (json_object_get_int_member (x, "rank"), ==, i + 1);
      g_assert_true (json_object_get_double_member (x, "score") <= 1.0001);
      g_assert_true (g_str_has_suffix (json_object_get_string_member (x, "image"), ".png"));
      g_assert_true (json_object_get_int_member (x, "line") >= 2);
      g_assert_nonnull (json_object_get_string_member (x, "text"));
      if (i > 0)
        g_assert_true (json_object_get_double_member (x, "score") <=
                       json_object_get_double_member (json_array_get_object_element (res, i - 1), "score"));
    }
  result_clear (&r);
}

/* --zero-shot --json: one object a template after the epochs', each
 * template as given. */
static void
test_zero_shot_json (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  Result r = run_cli ("match", "--images", images, "--csv", csv, "--epochs", "1", "--image-size", "16",
                      "--embed-dim", "8", "--zero-shot", "--template", "a \"{label}\" picture",
                      "--template", "{label}", "--json", "--quiet", NULL);
  g_auto(GStrv) lines = NULL;
  JsonObject *o;

  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (g_strchomp (r.out), "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 3);
  for (int t = 0; t < 2; t++)
    {
      g_assert_true (json_parser_load_from_data (parser, lines[1 + t], -1, &error));
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (o, "template"), ==,
                       t == 0 ? "a \"{label}\" picture" : "{label}");
      g_assert_cmpint (json_object_get_int_member (o, "classes"), ==, 6);
      g_assert_cmpint (json_object_get_int_member (o, "n"), ==, 180);
      g_assert_true (json_object_get_double_member (o, "zero_shot_acc") >= 0);
      /* circle-warm: "warm" is in the demo's texts; the shapes are not */
      g_assert_cmpint (json_object_get_int_member (o, "unknown_classes"), ==, 0);
    }
  result_clear (&r);
}

/* Each mistake is one line on stderr and a non-zero exit. */
static void
test_errors (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autofree char *classifier = g_build_filename (fx.dir, "classifier.safetensors", NULL);
  g_autofree char *missing = g_build_filename (fx.dir, "nothing.png", NULL);
  const char *const cases[][10] = {
    { "search", "--text", "x", NULL },
    { "search", "--model", fx.model, NULL },
    { "search", "--model", fx.model, "--text", "x", "--image", missing, NULL },
    { "search", "--model", fx.model, "--text", "x", "-k", "0", NULL },
    { "search", "--model", fx.model, "--text", "x", "--images", images, NULL },
    { "search", "--model", fx.model, "--image", missing, NULL },
    { "search", "--model", classifier, "--text", "x", NULL },
    { "predict", "--model", fx.model, "--images", images, "--csv", csv, "--out", missing, NULL },
    { "match", "--images", images, "--csv", csv, "--template", "{label}", NULL },
    { "match", "--images", images, "--csv", csv, "--zero-shot", "--template", "{name}", NULL },
  };
  const char *hints[] = {
    "--model", "--text", "one of", "-k", "--csv", "nothing.png", "a classifier, not a matching model",
    "a matching model (task match): use fusionlab-cli search", "--zero-shot", "{label}",
  };
  Result t = run_cli ("train", "--images", images, "--csv", csv, "--epochs", "1", "--image-size", "16",
                      "--save", classifier, "--quiet", NULL);

  g_assert_cmpint (t.status, ==, 0);
  result_clear (&t);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *const *a = cases[i];
      Result r = run_cli (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], NULL);

      g_test_message ("%s", r.err);
      g_assert_cmpint (r.status, !=, 0);
      g_assert_true (g_str_has_prefix (r.err, "fusionlab-cli: error: "));
      g_assert_nonnull (strstr (r.err, hints[i]));
      g_assert_cmpint ((int) (strchr (r.err, '\n') - r.err), ==, (int) strlen (r.err) - 1);
      result_clear (&r);
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  train_model ();
  g_test_add_func ("/cli-search/text", test_text);
  g_test_add_func ("/cli-search/image", test_image);
  g_test_add_func ("/cli-search/json", test_json);
  g_test_add_func ("/cli-search/zero-shot-json", test_zero_shot_json);
  g_test_add_func ("/cli-search/errors", test_errors);
  status = g_test_run ();
  fl_test_remove_tree (fx.dir);
  g_free (fx.dir);
  g_free (fx.model);
  return status;
}
