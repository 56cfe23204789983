/* SPDX-License-Identifier: MIT
 *
 * Transfer from the command line, on the bundled demo data: train
 * --init-from / --freeze / --word-vectors and match --init-from say what
 * they loaded on stderr; bad values are one error line; label-efficiency
 * checks that the pretrained model saw only the training split (and train
 * and match warn when a model of this data was trained on another), prints
 * its table (and --json) and draws its PNG.
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "test-cli-util.h"

typedef struct {
  char *dir, *images, *csv, *model;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  Result r;

  f->dir = g_dir_make_tmp ("fl-cli-transfer-XXXXXX", NULL);
  f->images = demo ("images");
  f->csv = demo ("texts.csv");
  f->model = g_build_filename (f->dir, "demo.fl", NULL);
  r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--epochs", "1", "--image-size", "16",
               "--save", f->model, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
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
  g_free (f->dir); g_free (f->images); g_free (f->csv); g_free (f->model);
}

/* The error: stderr's last line, and its only one that says error. */
static void
assert_error (Result *r, const char *part)
{
  const char *line = strstr (r->err, "fusionlab-cli: error: ");

  g_test_message ("%s", r->err);
  g_assert_cmpint (r->status, !=, 0);
  g_assert_nonnull (line);
  g_assert_true (line == r->err || line[-1] == '\n');
  g_assert_cmpint (strchr (line, '\n') - line + 1, ==, (int) strlen (line));
  g_assert_nonnull (strstr (line, part));
  result_clear (r);
}

static void
test_train (Fixture *f, gconstpointer data)
{
  g_autofree char *vectors = g_build_filename (f->dir, "vectors.txt", NULL);
  GString *text = g_string_new ("2 100\nsunny");
  Result r;

  for (int k = 0; k < 100; k++)
    g_string_append_printf (text, " 0.%d", k);
  g_string_append (text, "\nzzzz");
  for (int k = 0; k < 100; k++)
    g_string_append (text, " 1");
  g_string_append_c (text, '\n');
  g_assert_true (g_file_set_contents (vectors, text->str, text->len, NULL));
  g_string_free (text, TRUE);

  r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--epochs", "1", "--image-size", "16",
               "--init-from", f->model, "--freeze", "image", "--word-vectors", vectors, NULL);
  g_test_message ("%s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "\nword vectors: 1 of "));
  g_assert_nonnull (strstr (r.err, "\ninit from "));
  g_assert_nonnull (strstr (r.err, ": image loaded (conv1, conv2, img_fc); text loaded (txt_emb: "));
  g_assert_nonnull (strstr (r.err, "\nfrozen: image (no gradient step)\n"));
  g_assert_nonnull (strstr (r.out, "epoch 1/1 "));
  result_clear (&r);

  r = run_cli ("match", "--images", f->images, "--csv", f->csv, "--epochs", "1", "--image-size", "16",
               "--init-from", f->model, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, ": image loaded"));
  result_clear (&r);

  r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--freeze", "image,sound", NULL);
  assert_error (&r, "--freeze “image,sound” is not a list");
  r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--init-from", vectors, "--epochs", "1",
               "--image-size", "16", NULL);
  assert_error (&r, vectors);
  r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--word-vectors", f->model, "--epochs", "1",
               "--image-size", "16", NULL);
  assert_error (&r, f->model);
}

/* The held-out warning (fl_transfer_held_out_seen()): only for a model of
 * this data and another split; once, on its own line. */
static void
assert_warned (const char *cmd, Fixture *f, const char *seed, const char *csv, gboolean warned)
{
  Result r = run_cli (cmd, "--images", f->images, "--csv", csv, "--epochs", "1", "--image-size", "16",
                      "--init-from", f->model, "--seed", seed, "--quiet", NULL);
  const char *w = strstr (r.err, "warning: ");

  g_test_message ("%s %s: %s", cmd, seed, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true ((w != NULL) == warned);
  if (warned)
    {
      g_assert_true (w == r.err || w[-1] == '\n');
      g_assert_nonnull (strstr (w, f->model));
      g_assert_nonnull (strstr (w, "may have seen held-out samples"));
      g_assert_null (strstr (w + 1, "warning: "));
    }
  result_clear (&r);
}

static void
test_held_out (Fixture *f, gconstpointer data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out = g_string_new (NULL);

  /* Other data: the same pictures with other words. */
  g_assert_true (g_file_get_contents (f->csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", 3);

      g_string_append_printf (out, "%s,%s,%s\n", cells[0], i == 0 ? "text" : "quux zork", cells[2]);
    }
  g_assert_true (g_file_set_contents (other, out->str, out->len, NULL));
  g_string_free (out, TRUE);
  g_assert_true (g_str_has_prefix (text, "image,text,label\n"));

  assert_warned ("train", f, "42", f->csv, FALSE);   /* the model's own split */
  assert_warned ("train", f, "7", f->csv, TRUE);
  assert_warned ("match", f, "7", f->csv, TRUE);
  assert_warned ("train", f, "7", other, FALSE);
  assert_warned ("match", f, "7", other, FALSE);
}

/* label-efficiency: the split check (the demo model was trained with seed
 * 42 and the default val fraction; seed 7 makes another split), a row
 * per fraction with mean ± sd, --json, and the plot. */
static void
test_label_efficiency (Fixture *f, gconstpointer data)
{
  g_autofree char *png = g_build_filename (f->dir, "le.png", NULL);
  g_autofree char *head = NULL;
  g_auto(GStrv) lines = NULL;
  int rows = 0, runs = 0;
  gsize len = 0;
  Result r;

  r = run_cli ("label-efficiency", "--images", f->images, "--csv", f->csv, "--image-size", "16",
               "--pretrained", f->model, "--fractions", "50,100", "--seeds", "2", "--epochs", "1",
               "--freeze", "image", "--plot", png, "--quiet", NULL);
  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "# held out: 180 of 900 samples (seed 42, val 0.2)"));
  g_assert_nonnull (strstr (r.out, "it never saw the held-out samples"));
  lines = g_strsplit (r.out, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      runs += g_str_has_prefix (lines[i], "# run ");
      rows += (g_str_has_prefix (lines[i], "      50%     360 ") ||
               g_str_has_prefix (lines[i], "     100%     720 ")) && strstr (lines[i], " ± ") != NULL;
    }
  /* 2 fractions × 2 seeds × scratch, pretrained, frozen */
  g_assert_cmpint (runs, ==, 12);
  g_assert_cmpint (rows, ==, 2);
  g_assert_true (g_file_get_contents (png, &head, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_cmpmem (head, 8, "\x89PNG\r\n\x1a\n", 8);
  result_clear (&r);

  r = run_cli ("label-efficiency", "--images", f->images, "--csv", f->csv, "--image-size", "16",
               "--pretrained", f->model, "--fractions", "100", "--seeds", "1", "--epochs", "1",
               "--seed", "7", "--json", "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_strfreev (lines);
  lines = g_strsplit (g_strchomp (r.out), "\n", -1);
  /* the split, 2 runs, 2 cells: each a JSON object */
  g_assert_cmpint (g_strv_length (lines), ==, 5);
  g_assert_nonnull (strstr (lines[0], "\"same_split\": false"));
  for (int i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) p = json_parser_new ();
      g_assert_true (json_parser_load_from_data (p, lines[i], -1, NULL));
    }
  result_clear (&r);

  r = run_cli ("label-efficiency", "--images", f->images, "--csv", f->csv, "--pretrained", f->model,
               "--fractions", "50,25", NULL);
  assert_error (&r, "--fractions must be");
  r = run_cli ("label-efficiency", "--images", f->images, "--csv", f->csv, NULL);
  assert_error (&r, "--pretrained MODEL is required");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-transfer/train", Fixture, NULL, fixture_setup, test_train, fixture_teardown);
  g_test_add ("/cli-transfer/held-out", Fixture, NULL, fixture_setup, test_held_out, fixture_teardown);
  g_test_add ("/cli-transfer/label-efficiency", Fixture, NULL, fixture_setup, test_label_efficiency,
              fixture_teardown);
  return g_test_run ();
}
