/* SPDX-License-Identifier: MIT
 *
 * fusionlab-cli match end to end on the bundled demo data: the chance line,
 * the epoch lines (strictly parsed) and --json, --freeze keeping a side,
 * --augment changing the training pictures alone, --fit on wide pictures
 * reaching the pictures, the model file and search, and one clear error
 * line for bad arguments. (The demo's pictures show a shape and its texts name
 * the weather: nothing to match, so only the form is checked here;
 * test-matcher checks that matching learns.)
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "fl-safetensors.h"
#include "fl-test-util.h"
#include "test-cli-util.h"

#include <math.h>
#include <stb_image_write.h>

/* "epoch E/N train_loss … samples_per_s X", every figure in range. */
static void
check_epoch_line (const char *line, int epoch, int n_epochs, int n_val)
{
  int e, n, consumed = 0;
  double tl, r[6], medr[2], sps;

  g_assert_cmpint (sscanf (line, "epoch %d/%d train_loss %lf i2t_r1 %lf i2t_r5 %lf i2t_r10 %lf "
                           "t2i_r1 %lf t2i_r5 %lf t2i_r10 %lf i2t_medr %lf t2i_medr %lf "
                           "samples_per_s %lf%n", &e, &n, &tl, &r[0], &r[1], &r[2], &r[3], &r[4],
                           &r[5], &medr[0], &medr[1], &sps, &consumed), ==, 12);
  g_assert_cmpint (consumed, ==, (int) strlen (line));
  g_assert_cmpint (e, ==, epoch);
  g_assert_cmpint (n, ==, n_epochs);
  g_assert_true (tl > 0 && sps > 0);
  for (int i = 0; i < 6; i++)
    g_assert_true (r[i] >= 0 && r[i] <= 1);
  /* R@1 ≤ R@5 ≤ R@10, each way */
  g_assert_true (r[0] <= r[1] && r[1] <= r[2] && r[3] <= r[4] && r[4] <= r[5]);
  for (int i = 0; i < 2; i++)
    g_assert_true (medr[i] >= 1 && medr[i] <= n_val);
}

static void
test_lines (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_auto(GStrv) lines = NULL;
  Result r = run_cli ("match", "--images", images, "--csv", csv, "--epochs", "2", "--image-size", "16",
                      "--loss", "hinge", "--embed-dim", "8", "--quiet", NULL);

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (g_strchomp (r.out), "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 3);
  /* 900 pairs, 0.2 held out */
  g_assert_cmpstr (lines[0], ==, "# chance n_val 180 r1 0.0056 r5 0.0278 r10 0.0556 medr 90.5");
  check_epoch_line (lines[1], 1, 2, 180);
  check_epoch_line (lines[2], 2, 2, 180);
  result_clear (&r);
}

static void
test_json (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Result r = run_cli ("match", "--images", images, "--csv", csv, "--epochs", "1", "--image-size", "16",
                      "--json", "--quiet", NULL);
  JsonObject *o;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strchr (r.out, '\n'));
  g_assert_cmpint (strchr (r.out, '\n') - r.out + 1, ==, (int) strlen (r.out));
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "epoch"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "n_val"), ==, 180);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "chance_r5"), 5.0 / 180, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "chance_medr"), 90.5, 1e-9);
  for (const char *const *k = (const char *const[]) { "train_loss", "i2t_r1", "i2t_r5", "i2t_r10",
                                                      "t2i_r1", "t2i_r5", "t2i_r10", "i2t_medr",
                                                      "t2i_medr", "scale", "samples_per_s", NULL };
       *k != NULL; k++)
    g_assert_true (json_object_has_member (o, *k));
  /* InfoNCE's scale starts at 1/0.07 and stays under the cap */
  g_assert_cmpfloat (json_object_get_double_member (o, "scale"), >, 1.0);
  g_assert_cmpfloat (json_object_get_double_member (o, "scale"), <=, 100.0);
  result_clear (&r);
}

/* --loss mapping: the same lines; no temperature (scale 0) */
static void
test_mapping (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Result r = run_cli ("match", "--images", images, "--csv", csv, "--epochs", "1", "--image-size", "16",
                      "--loss", "mapping", "--map-loss", "mse", "--embed-dim", "8", "--json", "--quiet", NULL);
  JsonObject *o;

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_object_get_int_member (o, "n_val"), ==, 180);
  g_assert_cmpfloat (json_object_get_double_member (o, "train_loss"), >, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (o, "scale"), ==, 0.0);
  g_assert_cmpfloat (json_object_get_double_member (o, "i2t_medr"), <=, 180.0);
  result_clear (&r);
}

/* Whether tensor name holds the same bits in both files. */
static gboolean
same_tensor (const char *p1, const char *p2, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSafetensors) s1 = fl_safetensors_load (p1, &error);
  g_autoptr(FlSafetensors) s2 = fl_safetensors_load (p2, &error);
  gint64 shape[4];
  gsize numel = 1;
  int nd;
  g_autofree float *x = NULL, *y = NULL;

  g_assert_no_error (error);
  g_assert_true (fl_safetensors_shape (s1, name, &nd, shape));
  for (int d = 0; d < nd; d++)
    numel *= (gsize) shape[d];
  x = g_new (float, numel);
  y = g_new (float, numel);
  g_assert_true (fl_safetensors_read (s1, name, x, numel, &error));
  g_assert_true (fl_safetensors_read (s2, name, y, numel, &error));
  g_assert_no_error (error);
  return memcmp (x, y, sizeof (float) * numel) == 0;
}

/* The saved model after 1 and 2 epochs with --freeze side: the frozen
 * side's first layer and projection (frozen) are the same bits,
 * the other side's (learns) are not. */
static void
check_freeze (const char *side, const char *const frozen[2], const char *const learns[2])
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autofree char *dir = g_dir_make_tmp ("fl-cli-freeze-XXXXXX", NULL);
  char *paths[2];

  for (int k = 0; k < 2; k++)
    {
      Result r;

      paths[k] = g_strdup_printf ("%s/%d.safetensors", dir, k + 1);
      r = run_cli ("match", "--images", images, "--csv", csv, "--epochs", k == 0 ? "1" : "2",
                   "--image-size", "16", "--embed-dim", "8", "--freeze", side, "--save", paths[k],
                   "--quiet", NULL);
      g_test_message ("stderr: %s", r.err);
      g_assert_cmpint (r.status, ==, 0);
      result_clear (&r);
    }
  for (int i = 0; i < 2; i++)
    {
      g_assert_true (same_tensor (paths[0], paths[1], frozen[i]));
      g_assert_false (same_tensor (paths[0], paths[1], learns[i]));
    }
  for (int k = 0; k < 2; k++)
    {
      g_remove (paths[k]);
      g_free (paths[k]);
    }
  g_rmdir (dir);
}

static void
test_freeze (void)
{
  const char *const image[2] = { "conv1.weight", "match.image_proj.weight" };
  const char *const text[2] = { "txt_fc.weight", "match.text_proj.weight" };

  check_freeze ("image", image, text);
  check_freeze ("text", text, image);
}

/* The first line of r's --json output, parsed; its member key. */
static double
json_number (const Result *r, const char *key)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strndup (r->out, strcspn (r->out, "\n"));

  g_assert_cmpint (r->status, ==, 0);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  return json_object_get_double_member (json_node_get_object (json_parser_get_root (parser)), key);
}

/* --augment: one epoch's training loss differs from a run without it at
 * the same seed, and repeats to the digit; the saved model records it. */
static void
test_augment (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  g_autofree char *dir = g_dir_make_tmp ("fl-cli-augment-XXXXXX", NULL);
  g_autofree char *model = g_build_filename (dir, "m.safetensors", NULL);
  g_autoptr(FlSafetensors) st = NULL;
  g_autoptr(GError) error = NULL;
  Result r[3];

  for (int k = 0; k < 3; k++)
    {
      r[k] = run_cli ("match", "--images", images, "--csv", csv, "--epochs", "1", "--image-size", "16",
                      "--embed-dim", "8", "--json", "--quiet", k > 0 ? "--augment" : NULL, "--save", model, NULL);
      g_test_message ("stderr: %s", r[k].err);
    }
  g_assert_cmpfloat (json_number (&r[0], "train_loss"), !=, json_number (&r[1], "train_loss"));
  g_assert_cmpfloat (json_number (&r[1], "train_loss"), ==, json_number (&r[2], "train_loss"));
  st = fl_safetensors_load (model, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fl_safetensors_metadata (st, "augment"));
  for (int k = 0; k < 3; k++)
    result_clear (&r[k]);
  g_remove (model);
  g_rmdir (dir);
}

/* dir/images/pNN.png, 24 pictures of 32×16 in 3 classes, their left half
 * of one colour and their right of another, and dir/texts.csv naming
 * both: squash, crop and pad make other S×S pictures of each. */
static char *
make_wide_data (const char *dir)
{
  static const char *const names[] = { "red", "green", "blue", "black" };
  static const guint8 rgb[4][3] = { { 220, 30, 30 }, { 30, 200, 40 }, { 40, 50, 220 }, { 10, 10, 10 } };
  g_autofree char *images = g_build_filename (dir, "images", NULL);
  g_autoptr(GString) csv = g_string_new ("image,text,label\n");
  char *csv_path = g_build_filename (dir, "texts.csv", NULL);

  g_assert_cmpint (g_mkdir (images, 0700), ==, 0);
  for (int i = 0; i < 24; i++)
    {
      const int W = 32, H = 16, a = i % 3, b = (i / 3) % 4;
      guint8 px[32 * 16 * 3];
      g_autofree char *name = g_strdup_printf ("p%02d.png", i);
      g_autofree char *path = g_build_filename (images, name, NULL);

      for (int k = 0; k < W * H; k++)
        memcpy (px + 3 * k, rgb[k % W < W / 2 ? a : b], 3);
      g_assert_true (stbi_write_png (path, W, H, 3, px, W * 3));
      g_string_append_printf (csv, "%s,%s left %s right number %d,c%d\n", name, names[a], names[b], i, a);
    }
  g_assert_true (g_file_set_contents (csv_path, csv->str, -1, NULL));
  return csv_path;
}

/* The score search gives the result whose member key is want, among all
 * 24 of the wide data's, for the query flag (--text or --image). */
static double
search_score (const char *model, const char *flag, const char *query, const char *key, const char *want)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  Result r = run_cli ("search", "--model", model, flag, query, "-k", "24", "--json", "--quiet", NULL);
  JsonArray *results;
  double score = NAN;

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  results = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results");
  g_assert_cmpint (json_array_get_length (results), ==, 24);
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *o = json_array_get_object_element (results, i);

      if (strcmp (json_object_get_string_member (o, key), want) == 0)
        score = json_object_get_double_member (o, "score");
    }
  result_clear (&r);
  g_assert_false (isnan (score));
  return score;
}

/* --fit on pictures twice as wide as high: a run with pad trains on other
 * pictures than one with squash (another first loss at the same seed); the
 * model file says pad (squash's, like a file from before --fit, says
 * nothing); and search fits the pictures as the model did, the query
 * picture as the data's: a pair scores the same searched from its text as
 * from its picture (a query squashed against padded data would not). */
static void
test_fit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-cli-fit-XXXXXX", NULL);
  g_autofree char *csv = make_wide_data (dir);
  g_autofree char *images = g_build_filename (dir, "images", NULL);
  g_autofree char *picture = g_build_filename (images, "p05.png", NULL);
  const char *const fits[2] = { "pad", "squash" };
  const char *text = "blue left green right number 5";
  char *model[2];
  double loss[2];

  for (int k = 0; k < 2; k++)
    {
      g_autoptr(FlSafetensors) st = NULL;
      g_autoptr(GError) error = NULL;
      Result r;
      double by_text, by_image;

      model[k] = g_strdup_printf ("%s/%s.safetensors", dir, fits[k]);
      r = run_cli ("match", "--images", images, "--csv", csv, "--epochs", "1", "--image-size", "16",
                   "--embed-dim", "8", "--fit", fits[k], "--json", "--quiet", "--save", model[k], NULL);
      g_test_message ("stderr: %s", r.err);
      loss[k] = json_number (&r, "train_loss");
      result_clear (&r);
      st = fl_safetensors_load (model[k], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (fl_safetensors_metadata (st, "image_fit"), ==, k == 0 ? "pad" : NULL);
      by_text = search_score (model[k], "--text", text, "image", "p05.png");
      by_image = search_score (model[k], "--image", picture, "text", text);
      g_test_message ("%s: score %.7f by text, %.7f by picture", fits[k], by_text, by_image);
      g_assert_cmpfloat_with_epsilon (by_text, by_image, 1e-5);
      g_free (model[k]);
    }
  g_assert_cmpfloat (loss[0], !=, loss[1]);
  fl_test_remove_tree (dir);
}

/* Each bad invocation exits non-zero with one line on stderr naming it. */
static void
test_bad_input (void)
{
  g_autofree char *images = demo ("images"), *csv = demo ("texts.csv");
  struct { const char *args[10]; const char *expect; } cases[] = {
    { { "match", "--csv", csv }, "--images" },
    { { "match", "--images", images }, "--csv" },
    { { "match", "--images", images, "--csv", csv, "--loss", "mse" }, "--loss must be infonce, hinge or mapping" },
    { { "match", "--images", images, "--csv", csv, "--loss", "mapping", "--map-loss", "l1" },
      "--map-loss must be cosine or mse" },
    { { "match", "--images", images, "--csv", csv, "--map-loss", "mse" }, "--map-loss goes with --loss mapping" },
    { { "match", "--images", images, "--csv", csv, "--freeze", "image,text" }, "--freeze must be image or text" },
    { { "match", "--images", images, "--csv", csv, "--freeze", "sound" }, "--freeze must be image or text" },
    { { "match", "--images", images, "--csv", csv, "--loss", "mapping", "--freeze", "image" },
      "it takes no --freeze image" },
    { { "match", "--images", images, "--csv", csv, "--embed-dim", "0" }, "embedding dimension" },
    { { "match", "--images", images, "--csv", csv, "--epochs", "0" }, "epochs" },
    { { "match", "--images", images, "--csv", csv, "--lr", "-1" }, "learning rate" },
    { { "match", "--images", images, "--csv", csv, "--seed", "-3" }, "--seed" },
    { { "match", "--images", images, "--csv", csv, "stray" }, "unexpected argument" },
    { { "match", "--images", images, "--csv", csv, "--fit", "stretch" }, "unknown --fit “stretch”; choose squash, crop or pad" },
    { { "match", "--images", "/nonexistent", "--csv", csv }, "/nonexistent" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *const *a = cases[i].args;
      Result r = run_cli (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], NULL);

      g_test_message ("case %zu: %s", i, r.err);
      g_assert_false (g_spawn_check_wait_status (r.status, NULL));
      g_assert_nonnull (strstr (r.err, cases[i].expect));
      g_assert_true (g_str_has_prefix (r.err, "fusionlab-cli: error: "));
      g_assert_cmpint (strchr (r.err, '\n') - r.err + 1, ==, (int) strlen (r.err));
      g_free (r.out);
      g_free (r.err);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-match/lines", test_lines);
  g_test_add_func ("/cli-match/json", test_json);
  g_test_add_func ("/cli-match/mapping", test_mapping);
  g_test_add_func ("/cli-match/freeze", test_freeze);
  g_test_add_func ("/cli-match/augment", test_augment);
  g_test_add_func ("/cli-match/fit", test_fit);
  g_test_add_func ("/cli-match/bad-input", test_bad_input);
  return g_test_run ();
}
