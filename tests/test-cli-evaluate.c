/* SPDX-License-Identifier: MIT
 *
 * fusionlab-cli evaluate (issue 18): a saved classifier tested on labelled
 * data — on the demo data its accuracy and confusion matrix are the
 * engine's (fl_evaluation_run()) on the same file and data; a test CSV
 * with a class the model does not know names it with its count and leaves
 * its samples out of accuracy, and an unreadable image is skipped with a
 * reason; --json and --out; one clear error line for a file that is not a
 * model, a truncated model, and data with none of the model's classes.
 */
#include "fl-evaluation.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "fl-test-util.h"
#include "test-cli-util.h"

enum { PER_CLASS = 10, UNKNOWN = 5 };

typedef struct {
  char *dir, *model;
} Fixture;

static Fixture fx;

static void
train_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  Result r;

  fx.dir = g_dir_make_tmp ("fl-test-cli-evaluate-XXXXXX", &error);
  g_assert_no_error (error);
  fx.model = g_build_filename (fx.dir, "model.safetensors", NULL);
  r = run_cli ("train", "--images", images, "--csv", csv, "--epochs", "2", "--image-size", "16",
               "--save", fx.model, "--quiet", NULL);
  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
}

static JsonObject *
parse_object (JsonParser *parser, const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* On the demo data: the engine's figures, in the text and in the JSON. */
static void
test_demo (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autofree char *out = g_build_filename (fx.dir, "results.json", NULL), *saved = NULL;
  g_autoptr(FlPredictor) pred = fl_predictor_load (fx.model, &error);
  FlDataSpec spec = { .images_dir = images, .csv_path = csv };
  g_autoptr(FlDataset) ds = NULL;
  g_autoptr(FlEvaluation) ev = NULL;
  g_autoptr(FlMetrics) m = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  JsonObject *o;
  JsonArray *confusion;
  gint64 total = 0;
  Result r;

  g_assert_no_error (error);
  fl_evaluation_spec (pred, &spec);
  ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  ev = fl_evaluation_run (pred, ds, &error);
  g_assert_no_error (error);
  m = fl_evaluation_metrics (ev);
  g_assert_cmpint (ev->validation->n, ==, ds->n);
  g_assert_cmpint (ev->n_unknown, ==, 0);

  r = run_cli ("evaluate", "--model", fx.model, "--images", images, "--csv", csv, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  line = g_strdup_printf ("evaluated %d of %d samples: accuracy %.4f macro_f1 %.4f\n", ds->n, ds->n,
                          fl_metrics_accuracy (m), fl_metrics_macro_f1 (m));
  g_assert_true (g_str_has_prefix (r.out, line));
  g_assert_nonnull (strstr (r.out, "confusion matrix"));
  g_assert_null (strstr (r.out, "does not know"));
  result_clear (&r);

  r = run_cli ("evaluate", "--model", fx.model, "--images", images, "--csv", csv, "--quiet", "--json",
               "--out", out, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (out, &saved, NULL, NULL));
  g_assert_cmpstr (g_strchomp (r.out), ==, saved);
  o = parse_object (parser, r.out);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "accuracy"), fl_metrics_accuracy (m), 1e-9);
  g_assert_cmpint (json_object_get_int_member (o, "evaluated"), ==, ds->n);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "classes")), ==, 6);
  confusion = json_object_get_array_member (o, "confusion");
  for (guint t = 0; t < json_array_get_length (confusion); t++)
    for (guint p = 0; p < 6; p++)
      {
        gint64 n = json_array_get_int_element (json_array_get_array_element (confusion, t), p);

        g_assert_cmpint (n, ==, fl_metrics_confusion (m, (int) t, (int) p));
        total += n;
      }
  g_assert_cmpint (total, ==, ds->n);
  result_clear (&r);
}

/* A folder of PER_CLASS demo pictures of each class and UNKNOWN more of
 * circle-warm labelled as a class the model never saw (or all of them of
 * unknown classes), and a file that is not an image; its CSV. */
static char *
make_test_data (const char *dir, gboolean only_unknown)
{
  g_autofree char *csv = NULL, *demo_csv = demo ("texts.csv"), *demo_images = demo ("images");
  g_autofree char *text = NULL, *broken = g_build_filename (dir, "broken.png", NULL);
  g_autoptr(GString) out = g_string_new ("image,text,label\n");
  g_auto(GStrv) lines = NULL;
  GHashTable *taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_true (g_file_get_contents (demo_csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (int i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", 3);
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (taken, f[2]));
      g_autofree char *src = g_build_filename (demo_images, f[0], NULL), *dst = g_build_filename (dir, f[0], NULL);
      g_autofree char *bytes = NULL;
      gsize len;

      if (n >= (g_str_equal (f[2], "circle-warm") ? PER_CLASS + UNKNOWN : PER_CLASS))
        continue;
      g_hash_table_insert (taken, g_strdup (f[2]), GUINT_TO_POINTER (n + 1));
      g_assert_true (g_file_get_contents (src, &bytes, &len, NULL));
      g_assert_true (g_file_set_contents (dst, bytes, (gssize) len, NULL));
      /* circle-warm's last five: the unknown class; or every sample
       * of an unknown class, hot or cold */
      g_string_append_printf (out, "%s,%s,%s\n", f[0], f[1],
                              only_unknown ? (g_str_has_suffix (f[2], "warm") ? "hexagon-hot" : "hexagon-cold")
                              : n >= PER_CLASS ? "hexagon-hot" : f[2]);
    }
  g_hash_table_unref (taken);
  g_assert_true (g_file_set_contents (broken, "not a picture", -1, NULL));
  g_string_append (out, "broken.png,a broken file,circle-cold\n");
  csv = g_build_filename (dir, only_unknown ? "unknown.csv" : "test.csv", NULL);
  g_assert_true (g_file_set_contents (csv, out->str, -1, NULL));
  return g_steal_pointer (&csv);
}

static void
test_unknown_class (void)
{
  g_autofree char *dir = g_build_filename (fx.dir, "test", NULL);
  g_autofree char *csv = NULL, *line = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o, *u;
  JsonArray *unknown;
  Result r;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  csv = make_test_data (dir, FALSE);
  r = run_cli ("evaluate", "--model", fx.model, "--images", dir, "--csv", csv, NULL);
  g_test_message ("%s\n%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  /* 6 classes × PER_CLASS known, UNKNOWN of hexagon-hot, the broken file skipped */
  line = g_strdup_printf ("evaluated %d of %d samples:", 6 * PER_CLASS, 6 * PER_CLASS + UNKNOWN);
  g_assert_true (g_str_has_prefix (r.out, line));
  g_assert_nonnull (strstr (r.out, "1 class the model does not know: hexagon-hot (5) — their 5 samples are "
                                   "left out of accuracy"));
  g_assert_nonnull (strstr (r.err, "broken.png"));
  g_assert_nonnull (strstr (r.err, "1 skipped"));
  result_clear (&r);

  r = run_cli ("evaluate", "--model", fx.model, "--images", dir, "--csv", csv, "--json", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  o = parse_object (parser, r.out);
  g_assert_cmpint (json_object_get_int_member (o, "samples"), ==, 6 * PER_CLASS + UNKNOWN);
  g_assert_cmpint (json_object_get_int_member (o, "evaluated"), ==, 6 * PER_CLASS);
  g_assert_cmpint (json_object_get_int_member (o, "skipped_rows"), ==, 1);
  unknown = json_object_get_array_member (o, "unknown_classes");
  g_assert_cmpuint (json_array_get_length (unknown), ==, 1);
  u = json_array_get_object_element (unknown, 0);
  g_assert_cmpstr (json_object_get_string_member (u, "name"), ==, "hexagon-hot");
  g_assert_cmpint (json_object_get_int_member (u, "samples"), ==, UNKNOWN);
  result_clear (&r);
}

/* One line on stderr naming what is wrong, and a failing status. */
static void
assert_refused (Result *r, const char *says)
{
  g_test_message ("stderr: %s", r->err);
  g_assert_cmpint (r->status, !=, 0);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_true (g_str_has_prefix (r->err, "fusionlab-cli: error: "));
  g_assert_nonnull (strstr (r->err, says));
  g_assert_cmpint (strchr (r->err, '\n') - r->err, ==, (int) strlen (r->err) - 1);
  result_clear (r);
}

static void
test_refused (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autofree char *garbage = g_build_filename (fx.dir, "garbage.safetensors", NULL);
  g_autofree char *cut = g_build_filename (fx.dir, "cut.safetensors", NULL);
  g_autofree char *dir = g_build_filename (fx.dir, "other", NULL), *other = NULL, *bytes = NULL;
  gsize len;
  Result r;

  g_assert_true (g_file_set_contents (garbage, "\xff\xff\xff\xff\xff\xff\xff\x7f{", 9, NULL));
  r = run_cli ("evaluate", "--model", garbage, "--images", images, "--csv", csv, NULL);
  assert_refused (&r, "garbage.safetensors");

  g_assert_true (g_file_get_contents (fx.model, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (cut, bytes, (gssize) len / 2, NULL));
  r = run_cli ("evaluate", "--model", cut, "--images", images, "--csv", csv, NULL);
  assert_refused (&r, "cut.safetensors");

  /* data of classes the model never saw: none known, nothing to measure */
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  other = make_test_data (dir, TRUE);
  r = run_cli ("evaluate", "--model", fx.model, "--images", dir, "--csv", other, "--quiet", NULL);
  assert_refused (&r, "knows none of the data’s classes");

  r = run_cli ("evaluate", "--images", images, "--csv", csv, NULL);
  assert_refused (&r, "--model");
  r = run_cli ("evaluate", "--model", fx.model, "--csv", csv, NULL);
  assert_refused (&r, "--images");
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  train_model ();
  g_test_add_func ("/cli-evaluate/demo", test_demo);
  g_test_add_func ("/cli-evaluate/unknown-class", test_unknown_class);
  g_test_add_func ("/cli-evaluate/refused", test_refused);
  status = g_test_run ();
  fl_test_remove_tree (fx.dir);
  g_free (fx.dir);
  g_free (fx.model);
  return status;
}
