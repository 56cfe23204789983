/* SPDX-License-Identifier: MIT
 *
 * fusionlab-cli end to end: the epoch lines of SPEC §5 on the bundled demo
 * dataset, the model file and predict, compare on one split and on k folds,
 * and one clear error line for bad arguments and bad data.
 */
#include <gio/gio.h>
#include "fl-experiment.h"
#include "fl-predictor.h"
#include <glib/gstdio.h>
#include <string.h>

#include "test-cli-util.h"

/* The routes of image and text data: every one but the audio and numeric
 * baselines. */
#define N_ROUTES (FL_N_FUSIONS - 2)

/* The bundled demo data, and a scratch folder for what a test writes
 * (removed after the test, which removes its files). */
typedef struct {
  char *images;
  char *csv;
  char *dir;
} Demo;

static void
demo_setup (Demo *f, gconstpointer data)
{
  f->images = demo ("images");
  f->csv = demo ("texts.csv");
  f->dir = g_dir_make_tmp ("fl-cli-XXXXXX", NULL);
}

static void
demo_teardown (Demo *f, gconstpointer data)
{
  g_rmdir (f->dir);
  g_free (f->images);
  g_free (f->csv);
  g_free (f->dir);
}

/* Parses "epoch E/N train_loss … samples_per_s X" strictly; returns val_acc. */
static double
check_epoch_line (const char *line, int epoch, int n_epochs)
{
  int e, n, consumed = 0;
  double tl, ta, vl, va, vf, sps;

  g_assert_cmpint (sscanf (line, "epoch %d/%d train_loss %lf train_acc %lf val_loss %lf "
                           "val_acc %lf val_f1 %lf samples_per_s %lf%n",
                           &e, &n, &tl, &ta, &vl, &va, &vf, &sps, &consumed), ==, 8);
  g_assert_cmpint (consumed, ==, (int) strlen (line));
  g_assert_cmpint (e, ==, epoch);
  g_assert_cmpint (n, ==, n_epochs);
  g_assert_true (tl > 0 && vl > 0 && sps > 0);
  g_assert_true (ta >= 0 && ta <= 1 && va >= 0 && va <= 1 && vf >= 0 && vf <= 1);
  return va;
}

static void
test_train_demo (Demo *f, gconstpointer data)
{
  g_autofree char *model = g_build_filename (f->dir, "demo.model", NULL);
  g_autofree char *metrics = g_build_filename (f->dir, "metrics.csv", NULL);
  g_autofree char *preds = g_build_filename (f->dir, "preds.csv", NULL);
  g_autofree char *mcsv = NULL, *pcsv = NULL;
  g_auto(GStrv) lines = NULL, mlines = NULL, plines = NULL;
  Result r;
  double val_acc = 0;
  int n_epoch_lines = 0;

  r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--epochs", "8",
               "--image-size", "32", "--fusion", "concat", "--save", model,
               "--metrics-csv", metrics, "--quiet", NULL);
  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (r.out, "\n", -1);
  for (int i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (g_str_has_prefix (lines[i], "epoch "))
      val_acc = check_epoch_line (lines[i], ++n_epoch_lines, 8);
  g_assert_cmpint (n_epoch_lines, ==, 8);
  g_test_message ("demo, concat, 8 epochs at S=32: val_acc %.4f", val_acc);
  /* the label needs both the shape and the weather word: fusion gets it */
  g_assert_cmpfloat (val_acc, >=, 0.90);

  /* the metrics CSV: a header and one row per epoch */
  g_assert_true (g_file_get_contents (metrics, &mcsv, NULL, NULL));
  mlines = g_strsplit (g_strchomp (mcsv), "\n", -1);
  g_assert_cmpint (g_strv_length (mlines), ==, 1 + 8);
  g_assert_true (g_str_has_prefix (mlines[0], "run,fusion,epoch,"));

  /* predict with the saved model on the same CSV */
  result_clear (&r);
  r = run_cli ("predict", "--model", model, "--images", f->images, "--csv", f->csv,
               "--out", preds, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_get_contents (preds, &pcsv, NULL, NULL));
  plines = g_strsplit (g_strchomp (pcsv), "\n", -1);
  {
    g_autofree char *text = NULL;
    g_auto(GStrv) rows = NULL;
    g_assert_true (g_file_get_contents (f->csv, &text, NULL, NULL));
    rows = g_strsplit (g_strchomp (text), "\n", -1);
    /* one prediction per data row of the demo CSV */
    g_assert_cmpint (g_strv_length (plines), ==, g_strv_length (rows));
  }
  g_assert_true (g_str_has_prefix (plines[0], "line,image,predicted,confidence,p_circle-cold,"));
  result_clear (&r);

  g_remove (model); g_remove (metrics); g_remove (preds);
}

/* compare --experiment writes a file the app reopens: every fusion's run,
 * done, with the data it was trained on. */
static void
test_compare_experiment (Demo *f, gconstpointer test_data)
{
  g_autofree char *path = g_build_filename (f->dir, "compare.json", NULL);
  g_auto(FlExperimentData) data = { 0 };
  g_autofree gboolean *shown = NULL;
  g_autoptr(FlComparison) cmp = NULL;
  g_autoptr(GError) error = NULL;
  Result r = run_cli ("compare", "--images", f->images, "--csv", f->csv, "--epochs", "1", "--image-size", "16",
                      "--experiment", path, "--quiet", NULL);

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  cmp = fl_experiment_load (path, &data, &shown, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, N_ROUTES);
  for (int i = 0; i < N_ROUTES; i++)
    {
      g_assert_cmpint (fl_comparison_result (cmp, i)->status, ==, FL_RUN_DONE);
      g_assert_cmpint (fl_comparison_result (cmp, i)->fusion, ==, i);
      g_assert_nonnull (fl_comparison_result (cmp, i)->validation);
      g_assert_true (shown[i]);
    }
  g_assert_cmpstr (data.csv_path, ==, f->csv);
  g_assert_cmpstr (data.images_dir, ==, f->images);
  g_assert_cmpint (data.image_size, ==, 16);
  result_clear (&r);
  g_remove (path);
}

static void
test_json (Demo *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  Result r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--epochs", "1",
                      "--image-size", "16", "--fusion", "text", "--json", "--quiet", NULL);

  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (g_strchomp (r.out), "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 1);
  g_assert_true (g_str_has_prefix (lines[0], "{\"fusion\": \"text\", \"epoch\": 1, \"epochs\": 1, \"train_loss\": "));
  g_assert_nonnull (strstr (lines[0], "\"val_f1\": "));
  g_assert_nonnull (strstr (lines[0], "\"samples_per_s\": "));
  result_clear (&r);
}

/* train --fit pad --augment: the model file says pad, and predict, which
 * fits new pictures as the model did, reads it. */
static void
test_fit_augment (Demo *f, gconstpointer data)
{
  g_autofree char *model = g_build_filename (f->dir, "pad.model", NULL);
  g_autofree char *preds = g_build_filename (f->dir, "preds.csv", NULL);
  g_autoptr(FlPredictor) pred = NULL;
  g_autoptr(GError) error = NULL;
  Result r = run_cli ("train", "--images", f->images, "--csv", f->csv, "--epochs", "1",
                      "--image-size", "16", "--fit", "pad", "--augment", "--save", model, "--quiet", NULL);

  g_test_message ("stderr: %s", r.err);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  pred = fl_predictor_load (model, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_predictor_image_fit (pred), ==, FL_IMAGE_FIT_PAD);
  r = run_cli ("predict", "--model", model, "--images", f->images, "--csv", f->csv,
               "--out", preds, "--quiet", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_remove (model);
  g_remove (preds);
}

/* Each bad invocation exits non-zero with exactly one line on stderr that
 * contains the expected words. */
static void
test_bad_input (Demo *f, gconstpointer data)
{
  g_autofree char *empty = g_build_filename (f->dir, "empty.csv", NULL);
  g_autofree char *onecls = g_build_filename (f->dir, "one.csv", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.model", NULL);
  struct { const char *args[12]; const char *expect; } cases[] = {
    { { "train", "--csv", f->csv }, "--images" },
    { { "train", "--images", f->images, "--csv", f->csv, "--fusion", "sum" }, "unknown fusion" },
    { { "train", "--images", f->images, "--csv", f->csv, "--epochs", "0" }, "epochs" },
    { { "train", "--images", f->images, "--csv", f->csv, "--lr", "-1" }, "learning rate" },
    { { "train", "--images", f->images, "--csv", f->csv, "--modality-dropout", "0.9" }, "modality dropout" },
    { { "train", "--images", f->images, "--csv", f->csv, "--image-size", "30" }, "multiple of 4" },
    { { "train", "--images", "/nonexistent", "--csv", f->csv }, "/nonexistent" },
    { { "train", "--images", f->images, "--csv", "/nonexistent.csv" }, "nonexistent.csv" },
    { { "train", "--images", f->images, "--csv", empty }, "empty.csv" },
    { { "train", "--images", f->images, "--csv", onecls }, "two classes" },
    { { "train", "--images", f->images, "--csv", f->csv, "--text-col", "nope" }, "nope" },
    { { "train", "--images", f->images, "--csv", f->csv, "--audio-col", "nope" },
      "no column “nope” for the audio" },
    { { "train", "--images", f->images, "--csv", f->csv, "--numeric-cols", "label, nope" },
      "column “label” is the label column" },
    { { "train", "--images", f->images, "--csv", f->csv, "--numeric-cols", "nope" },
      "no column “nope” for a numeric feature" },
    { { "predict", "--model", junk, "--images", f->images, "--csv", f->csv, "--out", empty }, "junk.model" },
    { { "frobnicate" }, "unknown command" },
    { { "train", "--images", f->images, "--csv", f->csv, "--fit", "stretch" }, "unknown --fit" },
    { { "compare", "--images", f->images, "--csv", f->csv, "--folds", "1" }, "--folds must be between 2" },
    { { "compare", "--images", f->images, "--csv", f->csv, "--folds", "3", "--repeats", "0" },
      "--repeats must be between 1" },
    { { "compare", "--images", f->images, "--csv", f->csv, "--folds", "3", "--val-split", "0.3" },
      "leave out --val-split" },
    { { "compare", "--images", f->images, "--csv", f->csv, "--repeats", "2" }, "--repeats needs --folds" },
    { { "train", "--images", f->images, "--csv", f->csv, "--folds", "3" }, "--folds" },
    { { "train", "--images", f->images, "--csv", f->csv, "--text-encoder", "lstm" },
      "--text-encoder must be bow or gru, not “lstm”" },
    { { "compare", "--images", f->images, "--csv", f->csv, "--max-tokens", "0" },
      "--max-tokens must be between 1 and 4096" },
    { { "train", "--images", f->images, "--csv", f->csv, "--text-encoder", "gru", "--text-pool", "max" },
      "--text-pool must be last or mean, not “max”" },
    { { "compare", "--images", f->images, "--csv", f->csv, "--text-pool", "mean" },
      "--text-pool mean needs --text-encoder gru" },
  };

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (onecls, "image,text,label\n0000.png,a,x\n0001.png,b,x\n", -1, NULL));
  g_assert_true (g_file_set_contents (junk, "this is not a model", -1, NULL));

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *const *a = cases[i].args;
      Result r = run_cli (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], NULL);
      g_test_message ("case %zu: %s", i, r.err);
      g_assert_false (g_spawn_check_wait_status (r.status, NULL));
      g_assert_nonnull (strstr (r.err, cases[i].expect));
      g_assert_true (g_str_has_prefix (r.err, "fusionlab-cli: error: "));
      g_assert_cmpint (strchr (r.err, '\n') - r.err + 1, ==, (int) strlen (r.err));
      result_clear (&r);
    }
  g_remove (empty); g_remove (onecls); g_remove (junk);
}

/* Every row of the metrics CSV of compare --folds 3 (one epoch): 8 routes ×
 * 3 folds, fold and repeat appended, each route once on each fold. */
static void
check_cv_metrics (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  int seen[N_ROUTES][3] = { { 0 } };

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 1 + N_ROUTES * 3);
  g_assert_cmpstr (lines[0], ==, "run,fusion,epoch,train_loss,train_acc,val_loss,val_acc,val_f1,"
                                 "samples_per_s,seconds,samples_seen,fold,repeat");
  for (int i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      int route = -1;

      g_assert_cmpint (g_strv_length (f), ==, 13);
      for (int j = 0; j < N_ROUTES; j++)
        if (strcmp (f[1], fl_fusion_to_string (j)) == 0)
          route = j;
      g_assert_cmpint (route, >=, 0);
      g_assert_cmpstr (f[12], ==, "0");
      g_assert_true (f[11][0] >= '0' && f[11][0] <= '2' && f[11][1] == '\0');
      seen[route][f[11][0] - '0']++;
    }
  for (int j = 0; j < N_ROUTES; j++)
    for (int k = 0; k < 3; k++)
      g_assert_cmpint (seen[j][k], ==, 1);
}

/* compare --folds 3: a mean ± sd line for each of the eight routes, the
 * best route or none, and a verdict for each of the 28 pairs. */
static void
test_compare_folds (Demo *f, gconstpointer data)
{
  g_autofree char *metrics = g_build_filename (f->dir, "cv.csv", NULL);
  g_autofree char *exp = g_build_filename (f->dir, "cv.json", NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(FlExperimentData) exp_data = { 0 };
  g_autoptr(FlComparison) back = NULL;
  g_autoptr(GError) error = NULL;
  Result r = run_cli ("compare", "--images", f->images, "--csv", f->csv, "--folds", "3", "--epochs", "1",
                      "--image-size", "16", "--metrics-csv", metrics, "--experiment", exp, NULL);
  int routes = 0, verdicts = 0, best = 0, last_run = 0;

  g_test_message ("stdout: %s\nstderr: %s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "24 runs: 8 routes × 3 folds × 1 repeat"));
  lines = g_strsplit (r.out, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      double m1, s1, m2, s2;
      char name[16];

      if (sscanf (l, "%15s 3/3 %lf ± %lf %lf ± %lf", name, &m1, &s1, &m2, &s2) == 5)
        {
          g_assert_true (m1 >= 0 && m1 <= 1 && s1 >= 0 && m2 >= 0 && m2 <= 1 && s2 >= 0);
          routes++;
        }
      verdicts += g_str_has_prefix (l, "  no clear winner between ") ||
                  (g_str_has_prefix (l, "  ") && strstr (l, " beats ") != NULL) ||
                  strstr (l, "are equal in every fold") != NULL;
      best += g_str_has_prefix (l, "best: ");
      last_run += g_str_has_prefix (l, "# run 24/24 lowrank · fold 3/3");
    }
  g_assert_cmpint (routes, ==, N_ROUTES);
  g_assert_cmpint (verdicts, ==, N_ROUTES * (N_ROUTES - 1) / 2);
  g_assert_cmpint (best, ==, 1);
  g_assert_cmpint (last_run, ==, 1);
  check_cv_metrics (metrics);
  /* the experiment keeps the design */
  back = fl_experiment_load (exp, &exp_data, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_comparison_n_runs (back), ==, N_ROUTES * 3);
  g_assert_cmpint (fl_comparison_cv_folds (back), ==, 3);
  g_assert_cmpint (fl_comparison_cv_repeats (back), ==, 1);
  result_clear (&r);
  g_remove (metrics);
  g_remove (exp);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli/train-demo", Demo, NULL, demo_setup, test_train_demo, demo_teardown);
  g_test_add ("/cli/json", Demo, NULL, demo_setup, test_json, demo_teardown);
  g_test_add ("/cli/fit-augment", Demo, NULL, demo_setup, test_fit_augment, demo_teardown);
  g_test_add ("/cli/bad-input", Demo, NULL, demo_setup, test_bad_input, demo_teardown);
  g_test_add ("/cli/compare-experiment", Demo, NULL, demo_setup, test_compare_experiment, demo_teardown);
  g_test_add ("/cli/compare-folds", Demo, NULL, demo_setup, test_compare_folds, demo_teardown);
  return g_test_run ();
}
