/* SPDX-License-Identifier: MIT
 *
 * Comparisons and experiment files: five runs on one split, the runs and
 * metrics CSVs, the table, an experiment saved and reopened exactly, and
 * corrupt experiment files refused with a clear message; a repeated k-fold
 * of two routes on the same folds, and the verdicts on per-fold scores.
 */
#include "fl-csv.h"
#include "fl-experiment.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* The routes of image and text data: every one but the audio and numeric
 * baselines. */
#define N_ROUTES (FL_N_FUSIONS - 2)

#define N_SAMPLES 80
#define S 8

static FlDataset *
make_dataset (void)
{
  g_autoptr(GRand) rng = g_rand_new_with_seed (5);
  g_autofree guint8 *images = g_new (guint8, N_SAMPLES * 3 * S * S);
  const char *texts[N_SAMPLES], *labels[N_SAMPLES];
  static const char *const words[] = { "hot", "cold" };
  static const char *const names[] = { "dark-hot", "dark-cold", "light-hot", "light-cold" };

  for (int i = 0; i < N_SAMPLES; i++)
    {
      int light = i % 2, cold = (i / 2) % 2;
      for (int k = 0; k < 3 * S * S; k++)
        images[i * 3 * S * S + k] = (guint8) (light ? g_rand_int_range (rng, 150, 256)
                                                    : g_rand_int_range (rng, 0, 100));
      texts[i] = words[cold];
      labels[i] = names[light * 2 + cold];
    }
  return fl_dataset_new_from_memory (N_SAMPLES, S, images, texts, labels);
}

static void
assert_settings_equal (const FlTrainSettings *a, const FlTrainSettings *b)
{
  /* field by field: the struct has padding */
  g_assert_cmpint (a->fusion, ==, b->fusion);
  g_assert_cmpuint (a->branches, ==, b->branches);
  g_assert_cmpint (a->feat_dim, ==, b->feat_dim);
  g_assert_cmpint (a->epochs, ==, b->epochs);
  g_assert_cmpint (a->batch_size, ==, b->batch_size);
  g_assert_cmpfloat (a->lr, ==, b->lr);
  g_assert_cmpfloat (a->val_fraction, ==, b->val_fraction);
  g_assert_cmpuint (a->seed, ==, b->seed);
  g_assert_cmpint (a->kfold, ==, b->kfold);
  g_assert_cmpint (a->fold, ==, b->fold);
  g_assert_cmpint (a->max_vocab, ==, b->max_vocab);
  g_assert_cmpint (a->n_threads, ==, b->n_threads);
  g_assert_cmpfloat (a->modality_dropout, ==, b->modality_dropout);
  g_assert_cmpint (a->rank, ==, b->rank);
  g_assert_cmpint (a->text_encoder, ==, b->text_encoder);
  g_assert_cmpint (a->max_tokens, ==, b->max_tokens);
  g_assert_cmpint (a->text_pool, ==, b->text_pool);
}

static int
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  return (int) g_strv_length (lines);
}

typedef struct {
  int epochs_seen;
} Counter;

static void
epoch_cb (const FlRunResult *r, const FlEpochStats *st, gpointer data)
{
  Counter *c = data;
  c->epochs_seen++;
  g_assert_cmpint (r->epochs->len, ==, st->epoch);
}

/* A finished run keeps its last evaluation: the validation rows in split
 * order, their classes, probabilities giving the run's own confusion matrix,
 * and every batch's loss. */
static void
assert_validation_of_run (const FlRunResult *r, FlRun *run, FlDataset *ds)
{
  const FlValidation *v = r->validation;
  g_autoptr(FlMetrics) m = NULL;
  g_autoptr(GError) error = NULL;
  const gint32 *val;
  int n_val, n_train;
  gint64 sum = 0;

  g_assert_nonnull (v);
  val = fl_run_val_indices (run, &n_val);
  fl_run_train_indices (run, &n_train);
  g_assert_cmpint (v->n, ==, n_val);
  g_assert_cmpint (v->n_classes, ==, ds->n_classes);
  g_assert_cmpmem (v->rows, v->n * sizeof (gint32), val, n_val * sizeof (gint32));
  for (int k = 0; k < v->n; k++)
    g_assert_cmpint (v->labels[k], ==, ds->labels[val[k]]);
  m = fl_validation_metrics (v);
  g_assert_cmpmem (fl_metrics_confusion_matrix (m), sizeof (gint64) * v->n_classes * v->n_classes,
                   fl_metrics_confusion_matrix (fl_run_metrics (run)),
                   sizeof (gint64) * v->n_classes * v->n_classes);
  for (int c = 0; c < v->n_classes * v->n_classes; c++)
    sum += fl_metrics_confusion_matrix (m)[c];
  g_assert_cmpint (sum, ==, n_val);
  g_assert_cmpfloat (fl_metrics_accuracy (m), ==,
                     g_array_index (r->epochs, FlEpochStats, r->epochs->len - 1).val_acc);
  g_assert_true (fl_validation_matches (v, ds, &error));
  g_assert_no_error (error);

  g_assert_cmpint (r->batches_per_epoch, ==, (n_train + r->settings.batch_size - 1) / r->settings.batch_size);
  g_assert_cmpuint (r->batch_loss->len, ==, (guint) (r->epochs->len * r->batches_per_epoch));
  for (guint k = 0; k < r->batch_loss->len; k++)
    g_assert_true (isfinite (g_array_index (r->batch_loss, double, k)));
}

/* Other data — classes renamed, or fewer rows — is not taken for the data
 * the predictions were made on. */
static void
test_validation_matches (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  const char *names[] = { "dark-cold", "dark-hot", "light-cold", "light-hot", NULL };
  const char *other[] = { "a", "b", "c", "d", NULL };
  g_autoptr(FlValidation) v = fl_validation_new (3, names);
  g_autoptr(FlValidation) w = fl_validation_new (1, other);
  g_autoptr(GError) error = NULL;

  for (int k = 0; k < 3; k++)
    {
      v->rows[k] = k * 7;
      v->labels[k] = ds->labels[k * 7];
      v->probs[k * 4 + (k % 4)] = 1.0f;
    }
  g_assert_true (fl_validation_matches (v, ds, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_validation_predicted (v, 2, NULL), ==, 2);

  v->rows[2] = N_SAMPLES;   /* beyond the data */
  g_assert_false (fl_validation_matches (v, ds, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_assert_nonnull (strstr (error->message, "validation sample 3"));
  g_clear_error (&error);

  v->rows[2] = 1;           /* a row of another class */
  v->labels[2] = (ds->labels[1] + 1) % 4;
  g_assert_false (fl_validation_matches (v, ds, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_clear_error (&error);

  g_assert_false (fl_validation_matches (w, ds, &error));
  g_assert_nonnull (strstr (error->message, "“a”"));
}

/* The runs list's settings column: the three that always matter, then
 * only those that differ from the defaults. */
static void
test_settings_describe (void)
{
  FlTrainSettings s;
  g_autofree char *plain = NULL, *more = NULL;

  fl_train_settings_init_default (&s);
  plain = fl_train_settings_describe (&s);
  g_assert_cmpstr (plain, ==, "10 ep · lr 0.001 · bs 64");
  s.epochs = 3;
  s.lr = 0.01f;
  s.batch_size = 16;
  s.feat_dim = 8;
  s.seed = 7;
  s.kfold = 5;
  s.fold = 2;
  more = fl_train_settings_describe (&s);
  g_assert_cmpstr (more, ==, "3 ep · lr 0.01 · bs 16 · D 8 · seed 7 · fold 2 (k=5)");
}

/* Five runs, one of each fusion, two epochs each, on ds. */
static FlComparison *
train_every_fusion (FlDataset *ds)
{
  g_autoptr(GError) error = NULL;
  FlComparison *cmp;
  FlTrainSettings s;
  Counter counter = { 0 };
  FlCompareCallbacks cb = { .epoch_done = epoch_cb, .user_data = &counter };

  fl_train_settings_init_default (&s);
  s.epochs = 2;
  s.batch_size = 16;
  s.feat_dim = 8;
  s.lr = 1e-2f;
  s.seed = G_GUINT64_CONSTANT (0xfedcba9876543210);   /* beyond a double's 53 bits */
  s.branches = FL_BRANCHES_IMAGE_TEXT;                 /* kept in the experiment file */
  s.modality_dropout = 0.125;
  s.rank = 3;                                         /* not the default 8 */
  s.text_encoder = FL_TEXT_GRU;                       /* not the default bow */
  s.max_tokens = 5;
  s.text_pool = FL_TEXT_POOL_MEAN;                    /* not the default last */
  cmp = fl_comparison_new (ds, &s);
  for (int f = 0; f < N_ROUTES; f++)
    g_assert_cmpint (fl_comparison_add (cmp, f), ==, f);
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      g_assert_true (fl_comparison_train (cmp, i, &cb, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (counter.epochs_seen, ==, N_ROUTES * 2);
  return cmp;
}

/* Every run of cmp done, on the same split, with its last evaluation. */
static void
assert_runs_done (FlComparison *cmp, FlDataset *ds)
{
  int n0, n;
  const gint32 *v0 = fl_run_val_indices (fl_comparison_run (cmp, 0), &n0);

  for (int i = 1; i < N_ROUTES; i++)
    {
      const gint32 *v = fl_run_val_indices (fl_comparison_run (cmp, i), &n);
      g_assert_cmpmem (v0, n0 * sizeof (gint32), v, n * sizeof (gint32));
    }
  for (int i = 0; i < N_ROUTES; i++)
    {
      FlRunResult *r = fl_comparison_result (cmp, i);
      g_assert_cmpint (r->status, ==, FL_RUN_DONE);
      g_assert_cmpint (r->epochs->len, ==, 2);
      g_assert_cmpint (r->best_epoch, >=, 1);
      g_assert_cmpuint (r->n_params, >, 0);
      assert_validation_of_run (r, fl_comparison_run (cmp, i), ds);
    }
}

/* b, reopened from an experiment file, is a: its settings, results, curves
 * and every prediction, to the bit. */
static void
assert_run_reopened (const FlRunResult *a, const FlRunResult *b, FlDataset *ds)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->fusion, ==, b->fusion);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpint (a->repeat, ==, b->repeat);
  g_assert_cmpint (a->image_size, ==, S);
  g_assert_cmpint (b->image_size, ==, S);
  assert_settings_equal (&a->settings, &b->settings);
  g_assert_cmpfloat (a->best_val_acc, ==, b->best_val_acc);
  g_assert_cmpfloat (a->best_val_f1, ==, b->best_val_f1);
  g_assert_cmpint (a->best_epoch, ==, b->best_epoch);
  g_assert_cmpfloat (a->train_seconds, ==, b->train_seconds);
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  g_assert_cmpmem (a->epochs->data, a->epochs->len * sizeof (FlEpochStats),
                   b->epochs->data, b->epochs->len * sizeof (FlEpochStats));
  g_assert_cmpint (a->batches_per_epoch, ==, b->batches_per_epoch);
  g_assert_cmpmem (a->batch_loss->data, a->batch_loss->len * sizeof (double),
                   b->batch_loss->data, b->batch_loss->len * sizeof (double));
  g_assert_nonnull (b->validation);
  g_assert_cmpint (a->validation->n, ==, b->validation->n);
  g_assert_cmpint (a->validation->n_classes, ==, b->validation->n_classes);
  for (int c = 0; c < a->validation->n_classes; c++)
    g_assert_cmpstr (a->validation->class_names[c], ==, b->validation->class_names[c]);
  g_assert_cmpmem (a->validation->rows, a->validation->n * sizeof (gint32),
                   b->validation->rows, b->validation->n * sizeof (gint32));
  g_assert_cmpmem (a->validation->labels, a->validation->n * sizeof (gint32),
                   b->validation->labels, b->validation->n * sizeof (gint32));
  g_assert_cmpmem (a->validation->probs, a->validation->n * a->validation->n_classes * sizeof (float),
                   b->validation->probs, b->validation->n * b->validation->n_classes * sizeof (float));
  g_assert_true (fl_validation_matches (b->validation, ds, &error));
}

/* cmp, trained on ds, saved to path with run 3's curves switched off and
 * reopened: the same data, settings, runs and curves. */
static FlComparison *
save_and_reopen (FlComparison *cmp, FlDataset *ds, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlComparison) back = NULL;
  g_auto(FlExperimentData) data = { .images_dir = g_strdup ("/data/pics"),
                                    .csv_path = g_strdup ("/data/texts.csv"),
                                    .label_col = g_strdup (""), .image_size = S,
                                    .audio_col = g_strdup ("sound"),
                                    .numeric_cols = g_strsplit ("age,weight", ",", -1) };
  g_auto(FlExperimentData) data2 = { 0 };
  gboolean shown[FL_N_FUSIONS];
  g_autofree gboolean *shown2 = NULL;

  for (int i = 0; i < N_ROUTES; i++)
    shown[i] = i != 3;

  data.samples = ds->fingerprint;
  g_assert_cmpuint (ds->fingerprint, !=, 0);
  g_assert_true (fl_experiment_save (path, &data, cmp, shown, &error));
  g_assert_no_error (error);
  back = fl_experiment_load (path, &data2, &shown2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (data2.images_dir, ==, "/data/pics");
  g_assert_cmpstr (data2.csv_path, ==, "/data/texts.csv");
  g_assert_null (data2.image_col);
  g_assert_cmpstr (data2.label_col, ==, "");
  g_assert_cmpstr (data2.audio_col, ==, "sound");
  g_assert_nonnull (data2.numeric_cols);
  g_assert_cmpuint (g_strv_length (data2.numeric_cols), ==, 2);
  g_assert_cmpstr (data2.numeric_cols[1], ==, "weight");
  g_assert_cmpint (data2.image_size, ==, S);
  g_assert_cmpuint (data2.samples, ==, ds->fingerprint);
  g_assert_cmpint (fl_comparison_n_runs (back), ==, N_ROUTES);
  assert_settings_equal (fl_comparison_base_settings (cmp), fl_comparison_base_settings (back));
  for (int i = 0; i < N_ROUTES; i++)
    {
      assert_run_reopened (fl_comparison_result (cmp, i), fl_comparison_result (back, i), ds);
      g_assert_cmpint (shown2[i], ==, shown[i]);
      g_assert_cmpint (shown2[i], ==, i != 3);
      g_assert_null (fl_comparison_run (back, i));
    }
  return g_steal_pointer (&back);
}

static void
test_compare_and_experiment (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  g_autoptr(FlComparison) cmp = train_every_fusion (ds), back = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *runs_csv = g_build_filename (dir, "runs.csv", NULL);
  g_autofree char *metrics_csv = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *exp = g_build_filename (dir, "e.fusionlab", NULL);
  g_autofree char *table = NULL, *t2 = NULL, *m1 = NULL, *m2 = NULL;

  assert_runs_done (cmp, ds);
  table = fl_comparison_table (cmp);
  g_assert_nonnull (strstr (table, "concat"));
  g_assert_nonnull (strstr (table, "text"));
  g_assert_nonnull (strchr (table, '*'));
  g_assert_true (fl_comparison_write_runs_csv (cmp, runs_csv, &error));
  g_assert_cmpint (count_lines (runs_csv), ==, 1 + N_ROUTES);
  g_assert_true (fl_comparison_write_metrics_csv (cmp, metrics_csv, &error));
  g_assert_cmpint (count_lines (metrics_csv), ==, 1 + N_ROUTES * 2);

  back = save_and_reopen (cmp, ds, exp);
  /* the same table, and the same CSV written from the reopened runs */
  t2 = fl_comparison_table (back);
  g_assert_cmpstr (table, ==, t2);
  g_assert_true (g_file_get_contents (metrics_csv, &m1, NULL, NULL));
  g_assert_true (fl_comparison_write_metrics_csv (back, metrics_csv, &error));
  g_assert_true (g_file_get_contents (metrics_csv, &m2, NULL, NULL));
  g_assert_cmpstr (m1, ==, m2);

  /* reopened without data, training says so instead of crashing */
  g_assert_false (fl_comparison_train (back, 0, NULL, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_DATA);
  g_clear_error (&error);
  fl_comparison_set_dataset (back, ds);
  g_assert_true (fl_comparison_train (back, 0, NULL, NULL, &error));

  g_remove (runs_csv); g_remove (metrics_csv); g_remove (exp); g_rmdir (dir);
}

/* An experiment of one run whose validation predictions are given. */
#define RUN_WITH(rows, labels, probs) \
  "{ \"format\": \"fusionlab-experiment-1\", \"data\": { \"images\": \"a\", \"csv\": \"b\", " \
  "\"image_col\": null, \"text_col\": null, \"label_col\": null, \"image_size\": 64 }, " \
  "\"settings\": " SETTINGS ", \"runs\": [ { \"name\": \"mean\", \"fusion\": \"mean\", " \
  "\"status\": \"done\", \"error\": null, \"settings\": " SETTINGS ", \"best_val_acc\": 0.5, " \
  "\"best_val_f1\": 0.5, \"best_epoch\": 1, \"train_seconds\": 1, \"n_params\": 10, " \
  "\"epochs\": [], \"batches_per_epoch\": 2, \"batch_loss\": [0.7, null], " \
  "\"validation\": { \"classes\": [\"x\", \"y\"], \"rows\": " rows ", \"labels\": " labels ", " \
  "\"probs\": " probs " } } ] }"
#define SETTINGS \
  "{ \"fusion\": \"mean\", \"seed\": \"1\", \"feat_dim\": 8, \"epochs\": 1, \"batch_size\": 4, " \
  "\"lr\": 0.1, \"val_fraction\": 0.2, \"kfold\": 0, \"fold\": 0, \"max_vocab\": 10, \"n_threads\": 1 }"

/* The same experiment with valid predictions loads, a not-finite batch loss
 * (written as null) coming back as NaN. */
static void
test_experiment_validation (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ok.fusionlab", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(FlExperimentData) data = { 0 };
  g_autoptr(FlComparison) cmp = NULL;
  const FlRunResult *r;

  g_assert_true (g_file_set_contents (path, RUN_WITH ("[3, 1]", "[1, 0]", "[0.25, 0.75, 0.5, 0.5]"),
                                      -1, NULL));
  cmp = fl_experiment_load (path, &data, NULL, &error);
  g_assert_no_error (error);
  r = fl_comparison_result (cmp, 0);
  g_assert_cmpint (r->batch_loss->len, ==, 2);
  g_assert_cmpfloat (g_array_index (r->batch_loss, double, 0), ==, 0.7);
  g_assert_true (isnan (g_array_index (r->batch_loss, double, 1)));
  g_assert_cmpint (r->validation->n, ==, 2);
  g_assert_cmpstr (r->validation->class_names[1], ==, "y");
  g_assert_cmpint (r->validation->rows[0], ==, 3);
  g_assert_cmpint (fl_validation_predicted (r->validation, 0, NULL), ==, 1);
  g_assert_cmpint (fl_validation_predicted (r->validation, 1, NULL), ==, 0);   /* a tie: the first */
  g_remove (path);
  g_rmdir (dir);
}

/* json with its first from replaced by to. */
static char *
replaced (const char *json, const char *from, const char *to)
{
  const char *at = strstr (json, from);
  g_autofree char *head = NULL;

  g_assert_nonnull (at);
  head = g_strndup (json, at - json);
  return g_strconcat (head, to, at + strlen (from), NULL);
}

/* json, written to path, does not open: a format error naming the file and
 * saying why, and no data left behind. */
static void
assert_refused (const char *path, const char *json, const char *why)
{
  g_autoptr(GError) error = NULL;
  g_auto(FlExperimentData) data = { 0 };
  g_autofree char *name = g_path_get_basename (path);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  g_assert_null (fl_experiment_load (path, &data, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, why));
  g_assert_null (data.images_dir);
}

/* Values no version writes, each refused with a message naming it — and
 * never cast to an int on the way (UBSan watches). */
static void
test_hostile_values (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hostile.fusionlab", NULL);
  const char *ok = RUN_WITH ("[3, 1]", "[1, 0]", "[0.25, 0.75, 0.5, 0.5]");
  const char *cases[][3] = {
    { "\"rows\": [3, 1]", "\"rows\": [null, 1]", "row is not a row number" },
    { "\"rows\": [3, 1]", "\"rows\": [1e20, 1]", "row is not a row number" },
    { "\"labels\": [1, 0]", "\"labels\": [1e20, 0]", "label is not a class" },
    { "\"labels\": [1, 0]", "\"labels\": [null, 0]", "label is not a class" },
    { "\"train_seconds\": 1", "\"train_seconds\": null", "“train_seconds” is not a number from 0" },
    { "\"train_seconds\": 1", "\"train_seconds\": 1e300", "“train_seconds” is not a number from 0" },
    { "\"best_val_acc\": 0.5", "\"best_val_acc\": 2", "“best_val_acc” is not a fraction" },
    { "\"image_size\": 64", "\"image_size\": 100000", "“image_size” is not a whole number from 4 to 1024" },
    { "\"image_size\": 64", "\"image_size\": 30", "“image_size” is not a multiple of 4" },
    { "\"image_size\": 64", "\"image_size\": 64, \"samples\": \"12zz\"", "“samples” is not a fingerprint" },
    { "\"best_epoch\": 1", "\"best_epoch\": -3", "“best_epoch” is not a whole number" },
    { "\"n_threads\": 1 }, \"runs\"", "\"n_threads\": 1e12 }, \"runs\"", "“n_threads” is not a whole number" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = replaced (ok, cases[i][0], cases[i][1]);

      assert_refused (path, json, cases[i][2]);
    }
  g_remove (path);
  g_rmdir (dir);
}

/* A file of the first version — no per-batch losses, predictions or shown
 * flags — opens, its runs without them. */
static void
test_experiment_first_version (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.fusionlab", NULL);
  g_autofree char *a = replaced (RUN_WITH ("[3, 1]", "[1, 0]", "[0.25, 0.75, 0.5, 0.5]"),
                                 ", \"batches_per_epoch\": 2, \"batch_loss\": [0.7, null]", "");
  g_autoptr(GError) error = NULL;
  g_auto(FlExperimentData) data = { 0 };
  g_autoptr(FlComparison) cmp = NULL;
  g_autofree char *head = NULL, *old = NULL;
  g_autofree gboolean *shown = NULL;
  const char *v = strstr (a, ", \"validation\"");
  const FlRunResult *r;

  g_assert_nonnull (v);
  head = g_strndup (a, v - a);
  old = g_strconcat (head, " } ] }", NULL);
  g_assert_true (g_file_set_contents (path, old, -1, NULL));
  cmp = fl_experiment_load (path, &data, &shown, &error);
  g_assert_no_error (error);
  r = fl_comparison_result (cmp, 0);
  g_assert_cmpuint (r->batch_loss->len, ==, 0);
  g_assert_null (r->validation);
  /* from before text encoders: a bag of words */
  g_assert_cmpint (r->settings.text_encoder, ==, FL_TEXT_BOW);
  g_assert_cmpint (r->settings.max_tokens, ==, FL_MAX_TOKENS_DEFAULT);
  /* and from before poolings: the last state */
  g_assert_cmpint (r->settings.text_pool, ==, FL_TEXT_POOL_LAST);
  /* from before sound and numbers: neither was used */
  g_assert_cmpstr (data.audio_col, ==, "");
  g_assert_null (data.numeric_cols);
  g_assert_nonnull (shown);
  g_assert_true (shown[0]);
  /* no version member, no design: a comparison on one split */
  g_assert_cmpint (fl_comparison_cv_folds (cmp), ==, 0);
  g_assert_cmpint (r->repeat, ==, 0);
  g_remove (path);
  g_rmdir (dir);
}

/* A run whose predictions are not numbers is saved without them, and the
 * file reads back. */
static void
test_experiment_not_finite (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "nan.fusionlab", NULL);
  g_auto(FlExperimentData) data = { .images_dir = g_strdup ("/a"), .csv_path = g_strdup ("/b.csv"),
                                    .image_size = S };
  g_auto(FlExperimentData) back_data = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlComparison) cmp = NULL, back = NULL;
  g_autofree gboolean *shown = NULL;
  FlTrainSettings s;
  FlRunResult *r;

  fl_train_settings_init_default (&s);
  s.epochs = 1;
  s.batch_size = 16;
  s.feat_dim = 8;
  cmp = fl_comparison_new (ds, &s);
  fl_comparison_add (cmp, FL_FUSION_MEAN);
  g_assert_true (fl_comparison_train (cmp, 0, NULL, NULL, &error));
  r = fl_comparison_result (cmp, 0);
  g_assert_nonnull (r->validation);
  r->validation->probs[1] = NAN;
  g_array_index (r->batch_loss, double, 0) = INFINITY;
  g_assert_true (fl_experiment_save (path, &data, cmp, NULL, &error));
  back = fl_experiment_load (path, &back_data, &shown, &error);
  g_assert_no_error (error);
  g_assert_true (shown[0]);   /* saved with shown NULL: every run shown */
  g_assert_null (fl_comparison_result (back, 0)->validation);
  g_assert_true (isnan (g_array_index (fl_comparison_result (back, 0)->batch_loss, double, 0)));
  g_remove (path);
  g_rmdir (dir);
}

static void
test_corrupt_experiment (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.fusionlab", NULL);
  const char *cases[][2] = {
    { "{ \"format\": \"fusionlab-experiment-1\", \"data\": ", "bad.fusionlab" },
    { "[1, 2, 3]", "not a JSON object" },
    { "{ \"format\": \"something-else\" }", "format tag" },
    { "{ \"format\": \"fusionlab-experiment-1\", \"data\": {} }", "images" },
    { "{ \"format\": \"fusionlab-experiment-1\", \"data\": { \"images\": \"a\", \"csv\": \"b\", "
      "\"image_col\": null, \"text_col\": null, \"label_col\": null, \"image_size\": 64 }, "
      "\"settings\": { \"fusion\": \"sum\", \"seed\": \"1\", \"feat_dim\": 8, \"epochs\": 1, "
      "\"batch_size\": 4, \"lr\": 0.1, \"val_fraction\": 0.2, \"kfold\": 0, \"fold\": 0, "
      "\"max_vocab\": 10, \"n_threads\": 1 }, \"runs\": [] }", "unknown fusion “sum”" },
    { "{ \"format\": \"fusionlab-experiment-1\", \"data\": { \"images\": \"a\", \"csv\": \"b\", "
      "\"image_col\": null, \"text_col\": null, \"label_col\": null, \"image_size\": 64 }, "
      "\"settings\": { \"fusion\": \"mean\", \"seed\": \"1\", \"feat_dim\": 8, \"epochs\": 0, "
      "\"batch_size\": 4, \"lr\": 0.1, \"val_fraction\": 0.2, \"kfold\": 0, \"fold\": 0, "
      "\"max_vocab\": 10, \"n_threads\": 1 }, \"runs\": [] }", "epochs must be" },
    { RUN_WITH ("[0, 1]", "[0, 2]", "[0.5, 0.5, 0.25, 0.75]"), "label is not a class" },
    { RUN_WITH ("[0, 1]", "[0, 1]", "[0.5, 0.5, 0.25]"), "“probs” has 3 numbers instead of 4" },
    { RUN_WITH ("[0, 1.5]", "[0, 1]", "[0.5, 0.5, 0.25, 0.75]"), "row is not a row number" },
    { RUN_WITH ("[0, 1]", "[0, 1]", "[0.5, 0.5, 1.25, 0.75]"), "probability is not in [0, 1]" },
    { NULL, "more classes than a dataset can have" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *many = NULL;

      if (cases[i][0] == NULL)
        {
          /* a million classes and no rows: refused before any matrix of them */
          g_autoptr(GString) names = g_string_new ("[");
          for (int c = 0; c < 1000000; c++)
            g_string_append_printf (names, "%s\"c%d\"", c > 0 ? ", " : "", c);
          g_string_append (names, "]");
          many = replaced (RUN_WITH ("[]", "[]", "[]"), "[\"x\", \"y\"]", names->str);
        }
      assert_refused (path, many != NULL ? many : cases[i][0], cases[i][1]);
    }
  g_remove (path);
  g_rmdir (dir);
}

#define TEST_OF(of) "\"tested_on\": \"/t/tango.csv\", \"test_images\": \"/t\", \"test_of\": " of

#define EPOCH \
  "{ \"epoch\": 1, \"n_epochs\": 1, \"train_loss\": 0.5, \"train_acc\": 0.5, \"val_loss\": 0.5, " \
  "\"val_acc\": 0.5, \"val_f1\": 0.5, \"samples_per_s\": 1, \"seconds\": 1, \"samples_seen\": 1 }"

/* RUN_WITH's file with its first from replaced by to; to NULL: from itself
 * is the file. */
typedef struct {
  const char *from, *to, *why;
} Hostile;

/* Files shaped to exhaust the reader: nested without end (json-glib would
 * recurse until the stack, the main thread's, ran out), numbers json-glib
 * would wrap, more epochs or batch losses than the settings make. */
static const Hostile hostile_cases[] = {
  { "\"epochs\": []", "\"epochs\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
    "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "nested more than 64" },
  { "\"n_params\": 10", "\"n_params\": 99999999999999999999", "20 digits" },
  { "\"epochs\": []", "\"epochs\": [" EPOCH ", " EPOCH "]", "more epochs than its settings train" },
  { "[0.7, null]", "[0.7, null, 0.1]", "more batch losses than its epochs have batches" },
  { "", NULL, "not a JSON object" },
  { "\"format\": \"fusionlab-experiment-1\",", "\"format\": \"fusionlab-experiment-1\", \"version\": 3,",
    "“version” is not one this Fusion Lab reads" },
  { "\"format\": \"fusionlab-experiment-1\",", "\"format\": \"fusionlab-experiment-1\", \"version\": \"2\",",
    "“version” is missing or not a number" },
  { "\"runs\": [", "\"cross_validation\": { \"folds\": 1, \"repeats\": 1 }, \"runs\": [",
    "“folds” is not a whole number from 2 to 100" },
  { "\"runs\": [", "\"cross_validation\": { \"folds\": 5, \"repeats\": 1e9 }, \"runs\": [",
    "“repeats” is not a whole number from 1 to 100" },
  { "\"runs\": [", "\"cross_validation\": [5, 1], \"runs\": [", "“cross_validation” is missing or not an object" },
  { "\"image_size\": 64 },", "\"image_size\": 64, \"numeric_cols\": [\"a\", 7] },",
    "a numeric column's name is not a string" },
  { "\"image_size\": 64 },", "\"image_size\": 64, \"numeric_cols\": \"a,b\" },",
    "“numeric_cols” is missing or not a list" },
  { "\"image_size\": 64 },", "\"image_size\": 64, \"audio_col\": 3 },",
    "“audio_col” is missing or not a string" },
  { "\"status\": \"done\",", "\"status\": \"done\", \"repeat\": -1,", "“repeat” is not a whole number from 0" },
  /* a test on other data: of a run before it, named, predicted, no epochs */
  { "\"status\": \"done\",", "\"status\": \"done\", " TEST_OF ("0") ",",
    "“test_of” is not a whole number from -1 to -1" },
  { "\"status\": \"done\",", "\"status\": \"done\", \"tested_on\": 3, \"test_images\": \"i\", \"test_of\": -1,",
    "“tested_on” is missing or not a string" },
  { "\"status\": \"done\",", "\"status\": \"done\", \"tested_on\": \"t.csv\", \"test_of\": -1,",
    "“test_images” is missing" },
  { "\"status\": \"done\",", "\"status\": \"done\", \"tested_on\": null, \"test_images\": \"i\", \"test_of\": -1,",
    "a test on other data does not name its data" },
  { "\"epochs\": []", "\"epochs\": [" EPOCH "], " TEST_OF ("-1"), "a test on other data has no predictions, or has epochs" },
};

static void
test_experiment_hostile (gconstpointer data)
{
  const Hostile *h = data;
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "hostile.fusionlab", NULL);
  g_autofree char *json = h->to == NULL ? g_strdup (h->from)
                        : replaced (RUN_WITH ("[3, 1]", "[1, 0]", "[0.25, 0.75, 0.5, 0.5]"), h->from, h->to);

  assert_refused (path, json, h->why);
  g_remove (path);
  g_rmdir (dir);
}

/* Tests on other data as runs of a comparison: an experiment written before
 * them opens with none; a test of run 0 and one of a model file are never
 * the best run, come back from the file as they were, are the last column
 * of the runs CSV and can be removed — a run trained here cannot. */
static void
test_experiment_tests (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *old = g_build_filename (dir, "old.fusionlab", NULL);
  g_autofree char *path = g_build_filename (dir, "tests.fusionlab", NULL);
  g_autofree char *csv = g_build_filename (dir, "runs.csv", NULL), *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(FlExperimentData) data = { 0 };
  g_auto(FlExperimentData) data2 = { 0 };
  g_autoptr(FlComparison) cmp = NULL, back = NULL;
  FlValidation *v;
  const FlRunResult *r;

  g_assert_true (g_file_set_contents (old, RUN_WITH ("[3, 1]", "[1, 0]", "[0.25, 0.75, 0.5, 0.5]"), -1, NULL));
  cmp = fl_experiment_load (old, &data, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (fl_comparison_result (cmp, 0)->tested_on);
  /* both right on the test: 100%, above the run's 50% */
  v = fl_validation_copy (fl_comparison_result (cmp, 0)->validation);
  v->probs[0] = 0.0f, v->probs[1] = 1.0f, v->probs[2] = 1.0f, v->probs[3] = 0.0f;
  g_assert_cmpint (fl_comparison_add_test (cmp, 0, NULL, FL_FUSION_MEAN, "/t", "/t/tango.csv", v), ==, 1);
  v = fl_validation_copy (fl_comparison_result (cmp, 0)->validation);
  g_assert_cmpint (fl_comparison_add_test (cmp, -1, "model", FL_FUSION_CONCAT, "/u", "/u/clip.csv", v), ==, 2);
  r = fl_comparison_result (cmp, 1);
  g_assert_cmpstr (r->name, ==, "mean · test: tango");
  g_assert_cmpfloat (r->best_val_acc, ==, 1.0);
  g_assert_cmpint (r->epochs->len, ==, 0);
  g_assert_cmpstr (fl_comparison_result (cmp, 2)->name, ==, "model · test: clip");
  g_assert_cmpint (fl_comparison_result (cmp, 2)->fusion, ==, FL_FUSION_CONCAT);
  g_assert_cmpint (fl_comparison_best (cmp), ==, 0);

  g_assert_true (fl_experiment_save (path, &data, cmp, NULL, &error));
  g_assert_no_error (error);
  back = fl_experiment_load (path, &data2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_comparison_n_runs (back), ==, 3);
  r = fl_comparison_result (back, 1);
  g_assert_cmpstr (r->name, ==, "mean · test: tango");
  g_assert_cmpstr (r->tested_on, ==, "/t/tango.csv");
  g_assert_cmpstr (r->test_images, ==, "/t");
  g_assert_cmpint (r->test_of, ==, 0);
  g_assert_cmpfloat (r->best_val_acc, ==, 1.0);
  g_assert_cmpint (r->validation->n, ==, 2);
  g_assert_cmpint (fl_comparison_result (back, 2)->test_of, ==, -1);
  g_assert_null (fl_comparison_result (back, 0)->tested_on);
  g_assert_cmpint (fl_comparison_best (back), ==, 0);

  g_assert_true (fl_comparison_write_runs_csv (back, csv, &error));
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, ",image_size,tested_on\n"));
  g_assert_nonnull (strstr (text, ",/t/tango.csv\n"));

  g_assert_false (fl_comparison_remove_test (back, 0));
  g_assert_true (fl_comparison_remove_test (back, 1));
  g_assert_cmpint (fl_comparison_n_runs (back), ==, 2);
  g_assert_cmpstr (fl_comparison_result (back, 1)->name, ==, "model · test: clip");
  g_remove (old); g_remove (path); g_remove (csv); g_rmdir (dir);
}

/* 100,000 “[”: the whole file nested. */
static void
test_experiment_deep (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "deep.fusionlab", NULL);
  g_autofree char *deep = g_strnfill (100000, '[');

  assert_refused (path, deep, "nested more than 64");
  g_remove (path);
  g_rmdir (dir);
}

/* Ten thousand and one runs, each of which would be refused on its own
 * had it been read. */
static void
test_experiment_many_runs (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "many.fusionlab", NULL);
  g_autoptr(GString) runs = g_string_new ("[");
  g_autofree char *many = NULL;

  for (int i = 0; i < 10001; i++)
    g_string_append (runs, i > 0 ? ", {}" : "{}");
  many = g_strconcat ("{ \"format\": \"fusionlab-experiment-1\", \"data\": { \"images\": \"a\", "
                      "\"csv\": \"b\", \"image_col\": null, \"text_col\": null, \"label_col\": null, "
                      "\"image_size\": 64 }, \"settings\": " SETTINGS ", \"runs\": ", runs->str, "] }", NULL);
  assert_refused (path, many, "more runs than a comparison makes");
  g_remove (path);
  g_rmdir (dir);
}

/* 300 MB of nothing (a sparse file): refused before it is parsed. */
static void
test_experiment_huge (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-compare-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "huge.fusionlab", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(FlExperimentData) data = { 0 };

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_cmpint (truncate (path, (off_t) 300 << 20), ==, 0);
  g_assert_null (fl_experiment_load (path, &data, NULL, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "over the 256 MB"));
  g_remove (path);
  g_rmdir (dir);
}

/* A run's name from somebody's experiment file neither adds rows to the
 * exported tables nor becomes a spreadsheet formula. */
static void
test_csv_hostile_names (void)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-csv-names-XXXXXX", NULL);
  g_autofree char *runs = g_build_filename (dir, "runs.csv", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.csv", NULL);
  const char *names[] = { "a,b\nevil,row", "=HYPERLINK(\"http://x\")", "@SUM(1)" };
  FlTrainSettings s;
  g_autoptr(FlComparison) cmp = NULL;
  g_autoptr(GError) error = NULL;
  FlEpochStats st = { .epoch = 1, .n_epochs = 1 };

  fl_train_settings_init_default (&s);
  cmp = fl_comparison_new (NULL, &s);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      FlRunResult *r = fl_comparison_result (cmp, fl_comparison_add_settings (cmp, &s));

      g_free (r->name);
      r->name = g_strdup (names[i]);
      g_array_append_val (r->epochs, st);
    }
  g_assert_true (fl_comparison_write_runs_csv (cmp, runs, &error));
  g_assert_true (fl_comparison_write_metrics_csv (cmp, metrics, &error));
  g_assert_no_error (error);
  for (const char *const *path = (const char *const[]) { runs, metrics, NULL }; *path; path++)
    {
      g_autofree char *text = NULL;
      g_autoptr(FlCsv) csv = NULL;

      g_assert_true (g_file_get_contents (*path, &text, NULL, NULL));
      csv = fl_csv_parse (text, strlen (text), "export.csv", &error);
      g_assert_no_error (error);
      g_assert_cmpint (fl_csv_n_rows (csv), ==, G_N_ELEMENTS (names));
      g_assert_cmpstr (fl_csv_get (csv, 0, 0), ==, names[0]);
      g_assert_cmpstr (fl_csv_get (csv, 1, 0), ==, "'=HYPERLINK(\"http://x\")");
      g_assert_cmpstr (fl_csv_get (csv, 2, 0), ==, "'@SUM(1)");
      g_remove (*path);
    }
  g_rmdir (dir);
}

/* A repeated k-fold of two routes on ds: 3 folds × 2 repeats, one epoch. */
static FlComparison *
cv_comparison (FlDataset *ds, int *first)
{
  const FlFusion fusions[] = { FL_FUSION_CONCAT, FL_FUSION_TEXT };
  FlComparison *cmp;
  FlTrainSettings s;

  fl_train_settings_init_default (&s);
  s.epochs = 1;
  s.batch_size = 16;
  s.feat_dim = 8;
  s.lr = 1e-2f;
  s.seed = 7;
  cmp = fl_comparison_new (ds, &s);
  fl_comparison_add (cmp, FL_FUSION_MEAN);   /* a run on one split, outside the design */
  *first = fl_comparison_add_cv (cmp, &s, fusions, 2, 3, 2);
  return cmp;
}

/* The runs come fold-major — each repeat's folds in turn, every route
 * within a fold — with the fold, repeat and seed in their settings. */
static void
assert_cv_order (FlComparison *cmp, int first)
{
  g_assert_cmpint (first, ==, 1);
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, 1 + 2 * 3 * 2);
  g_assert_cmpint (fl_comparison_cv_folds (cmp), ==, 3);
  g_assert_cmpint (fl_comparison_cv_repeats (cmp), ==, 2);
  for (int i = 0; i < 12; i++)
    {
      const FlRunResult *r = fl_comparison_result (cmp, first + i);

      g_assert_cmpint (r->fusion, ==, i % 2 == 0 ? FL_FUSION_CONCAT : FL_FUSION_TEXT);
      g_assert_cmpint (r->settings.fusion, ==, r->fusion);
      g_assert_cmpint (r->settings.fold, ==, (i / 2) % 3);
      g_assert_cmpint (r->repeat, ==, i / 6);
      g_assert_cmpint (r->settings.kfold, ==, 3);
      g_assert_cmpuint (r->settings.seed, ==, 7 + i / 6);
      g_assert_cmpint (r->status, ==, FL_RUN_PENDING);
    }
  g_assert_cmpstr (fl_comparison_result (cmp, first)->name, ==, "concat · r1 · fold 1/3");
  g_assert_cmpstr (fl_comparison_result (cmp, first + 9)->name, ==, "text · r2 · fold 2/3");
}

/* Run i's validation rows, as a sorted array. */
static GArray *
val_rows (FlComparison *cmp, int i)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (gint32));
  int n;
  const gint32 *v = fl_run_val_indices (fl_comparison_run (cmp, i), &n);

  g_array_append_vals (a, v, n);
  return a;
}

static gboolean
same_rows (GArray *a, GArray *b)
{
  return a->len == b->len && memcmp (a->data, b->data, a->len * sizeof (gint32)) == 0;
}

/* Both routes validate on exactly the same rows in every fold; a repeat's
 * folds partition the data; the two repeats shuffle it differently. */
static void
assert_cv_folds (FlComparison *cmp, int first)
{
  gboolean repeats_differ = FALSE;

  for (int r = 0; r < 2; r++)
    {
      g_autofree int *seen = g_new0 (int, N_SAMPLES);

      for (int f = 0; f < 3; f++)
        {
          int i = first + r * 6 + f * 2;
          g_autoptr(GArray) a = val_rows (cmp, i);
          g_autoptr(GArray) b = val_rows (cmp, i + 1);
          g_autoptr(GArray) other = val_rows (cmp, first + (1 - r) * 6 + f * 2);

          g_assert_true (same_rows (a, b));
          repeats_differ |= !same_rows (a, other);
          for (guint k = 0; k < a->len; k++)
            seen[g_array_index (a, gint32, k)]++;
        }
      for (int k = 0; k < N_SAMPLES; k++)
        g_assert_cmpint (seen[k], ==, 1);
    }
  g_assert_true (repeats_differ);
}

/* Each route's per-fold scores are its runs' final epochs, in (repeat,
 * fold) order, and the mean ± sd are theirs. */
static void
assert_cv_routes (FlComparison *cmp, int first, int n_trained)
{
  g_autoptr(GPtrArray) routes = fl_comparison_routes (cmp);

  g_assert_cmpuint (routes->len, ==, 2);
  for (int j = 0; j < 2; j++)
    {
      const FlRouteSummary *route = routes->pdata[j];
      double acc[6];
      int n = 0;

      g_assert_cmpint (route->fusion, ==, j == 0 ? FL_FUSION_CONCAT : FL_FUSION_TEXT);
      g_assert_cmpint (route->n_runs, ==, 6);
      for (int slot = 0; slot < 6; slot++)
        {
          const FlRunResult *r = fl_comparison_result (cmp, route->run[slot]);

          g_assert_cmpint (route->run[slot], ==, first + slot * 2 + j);
          if (route->run[slot] - first >= n_trained)
            {
              g_assert_true (isnan (route->acc[slot]));
              continue;
            }
          g_assert_cmpfloat (route->acc[slot], ==,
                             g_array_index (r->epochs, FlEpochStats, r->epochs->len - 1).val_acc);
          acc[n++] = route->acc[slot];
        }
      g_assert_cmpint (route->n_done, ==, n);
      g_assert_cmpfloat_with_epsilon (route->acc_mean, fl_stats_mean (acc, n), 1e-12);
      g_assert_cmpfloat_with_epsilon (route->acc_sd, fl_stats_sd (acc, n), 1e-12);
    }
}

/* cmp saved to an experiment and reopened: version 2, the same design,
 * repeats, and the same report to the character. */
static void
assert_cv_reopened (FlComparison *cmp, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "cv.fusionlab", NULL);
  g_auto(FlExperimentData) data = { .images_dir = g_strdup ("/a"), .csv_path = g_strdup ("/b.csv"),
                                    .image_size = S };
  g_auto(FlExperimentData) data2 = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlComparison) back = NULL;
  g_autofree char *text = NULL, *r1 = fl_comparison_cv_report (cmp), *r2 = NULL;

  g_assert_true (fl_experiment_save (path, &data, cmp, NULL, &error));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"version\" : 2"));
  back = fl_experiment_load (path, &data2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_comparison_cv_folds (back), ==, 3);
  g_assert_cmpint (fl_comparison_cv_repeats (back), ==, 2);
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      g_assert_cmpint (fl_comparison_result (back, i)->repeat, ==, fl_comparison_result (cmp, i)->repeat);
      g_assert_cmpstr (fl_comparison_result (back, i)->name, ==, fl_comparison_result (cmp, i)->name);
    }
  r2 = fl_comparison_cv_report (back);
  g_assert_cmpstr (r1, ==, r2);
  g_remove (path);
}

/* Stopped midway, what finished stays: after 7 of 12 runs, concat has 4
 * folds and text 3, and the pair is tested on the 3 they share. */
static void
test_cv_runs (void)
{
  g_autoptr(FlDataset) ds = make_dataset ();
  g_autoptr(GError) error = NULL;
  int first;
  g_autoptr(FlComparison) cmp = cv_comparison (ds, &first);
  g_autoptr(GPtrArray) routes = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-cv-XXXXXX", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.csv", NULL);
  g_autofree char *text = NULL, *report = NULL;
  g_auto(GStrv) lines = NULL;
  FlRouteDiff d;

  assert_cv_order (cmp, first);
  for (int i = first; i < first + 7; i++)
    g_assert_true (fl_comparison_train (cmp, i, NULL, NULL, &error));
  assert_cv_routes (cmp, first, 7);
  routes = fl_comparison_routes (cmp);
  g_assert_false (fl_route_diff (routes->pdata[0], routes->pdata[1], &d) && d.n != 3);
  g_assert_cmpint (d.n, ==, 3);

  /* the run on one split is no route's */
  g_assert_true (fl_comparison_train (cmp, 0, NULL, NULL, &error));
  for (int i = first + 7; i < first + 12; i++)
    g_assert_true (fl_comparison_train (cmp, i, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_cv_folds (cmp, first);
  assert_cv_routes (cmp, first, 12);
  report = fl_comparison_cv_report (cmp);
  g_test_message ("%s", report);
  g_assert_nonnull (strstr (report, "concat      6/6  "));
  g_assert_nonnull (strstr (report, "text      "));

  /* the metrics CSV: fold and repeat appended, empty for the single split */
  g_assert_true (fl_comparison_write_metrics_csv (cmp, metrics, &error));
  g_assert_true (g_file_get_contents (metrics, &text, NULL, NULL));
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + 1 + 12);
  g_assert_true (g_str_has_suffix (lines[0], ",samples_seen,fold,repeat"));
  g_assert_true (g_str_has_prefix (lines[1], "mean,mean,1,"));
  g_assert_true (g_str_has_suffix (lines[1], ",,"));
  g_assert_true (g_str_has_prefix (lines[2], "concat · r1 · fold 1/3,concat,1,"));
  g_assert_true (g_str_has_suffix (lines[2], ",0,0"));
  g_assert_true (g_str_has_prefix (lines[13], "text · r2 · fold 3/3,text,1,"));
  g_assert_true (g_str_has_suffix (lines[13], ",2,1"));

  assert_cv_reopened (cmp, dir);

  /* a released run keeps its result */
  fl_comparison_release_run (cmp, first);
  g_assert_null (fl_comparison_run (cmp, first));
  g_assert_nonnull (fl_comparison_result (cmp, first)->validation);
  g_remove (metrics);
  g_rmdir (dir);
}

/* A route of k folds and one repeat, scored acc[0..k). */
static FlRouteSummary *
route_with (FlFusion fusion, const double *acc, int k)
{
  FlRouteSummary *r = g_new0 (FlRouteSummary, 1);

  r->fusion = fusion;
  r->folds = r->n_runs = r->n_done = k;
  r->repeats = 1;
  r->acc = g_memdup2 (acc, k * sizeof (double));
  r->f1 = g_memdup2 (acc, k * sizeof (double));
  r->run = g_new0 (int, k);
  return r;
}

/* b = a + sign·d, fold by fold. */
static FlRouteSummary *
route_plus (FlFusion fusion, const double *a, double sign, const double *d, int k)
{
  double b[16];

  for (int i = 0; i < k; i++)
    b[i] = a[i] + sign * d[i];
  return route_with (fusion, b, k);
}

static void
assert_verdict (const FlRouteSummary *a, const FlRouteSummary *b, const char *want)
{
  g_autofree char *v = fl_route_verdict (a, fl_fusion_to_string (a->fusion),
                                         b, fl_fusion_to_string (b->fusion));

  g_test_message ("%s", v);
  g_assert_cmpstr (v, ==, want);
}

/* The sentences for a clear winner (either way round), a tie, the same
 * margin in every fold, no difference at all, and too few folds; and the
 * best route only when it is significantly ahead of every other. */
static void
test_verdicts (void)
{
  const double base[] = { 0.80, 0.82, 0.79, 0.81, 0.83 };
  const double clear[] = { 0.031, 0.052, 0.018, 0.044, 0.035 };   /* p = 0.0143 (SciPy) */
  const double tie[] = { 0.012, -0.021, 0.015, -0.006, 0.0 };
  const double same[] = { 0.03, 0.03, 0.03, 0.03, 0.03 }, zero[5] = { 0 };
  g_autoptr(FlRouteSummary) text = route_with (FL_FUSION_TEXT, base, 5);
  g_autoptr(FlRouteSummary) product = route_plus (FL_FUSION_PRODUCT, base, +1, clear, 5);
  g_autoptr(FlRouteSummary) concat = route_plus (FL_FUSION_CONCAT, base, -1, tie, 5);
  g_autoptr(FlRouteSummary) mean = route_plus (FL_FUSION_MEAN, base, -1, same, 5);
  g_autoptr(FlRouteSummary) image = route_plus (FL_FUSION_IMAGE, base, -1, zero, 5);
  g_autoptr(GPtrArray) routes = g_ptr_array_new ();
  FlRouteDiff d;

  assert_verdict (product, text, "product beats text in 5 of 5 folds, by 3.6 ± 1.3 points (p = 0.0143)");
  assert_verdict (text, product, "product beats text in 5 of 5 folds, by 3.6 ± 1.3 points (p = 0.0143)");
  assert_verdict (text, concat, "no clear winner between text and concat (p = 1.00; folds won 2 to 2)");
  assert_verdict (text, mean, "text beats mean in 5 of 5 folds, by 3.0 points in every fold "
                              "(no spread, so p = 0)");
  assert_verdict (image, text, "image and text are equal in every fold (p = 1)");
  g_assert_true (fl_route_diff (product, text, &d));
  g_assert_true (d.significant);
  g_assert_cmpint (d.wins_a, ==, 5);
  g_assert_cmpint (d.wins_b, ==, 0);
  g_assert_cmpfloat (d.bayes.right, >, 0.9);

  /* product is ahead of text, mean and image, but not of a route it ties */
  g_ptr_array_add (routes, text);
  g_ptr_array_add (routes, product);
  g_ptr_array_add (routes, mean);
  g_assert_cmpint (fl_routes_best (routes), ==, 1);
  g_ptr_array_add (routes, route_plus (FL_FUSION_CONCAT, product->acc, -1, tie, 5));
  g_assert_cmpint (fl_routes_best (routes), ==, -1);
  fl_route_summary_free (routes->pdata[3]);
  g_ptr_array_set_size (routes, 1);
  g_assert_cmpint (fl_routes_best (routes), ==, -1);   /* nothing to beat */

  /* folds not finished do not pair */
  concat->acc[1] = concat->acc[2] = concat->acc[3] = concat->acc[4] = NAN;
  assert_verdict (text, concat, "too few folds finished to compare text and concat (1 of 5)");
}

/* The routes and the verdicts as CSV, from folds whose accuracy is set by
 * hand: the figures read back are the routes' and the tests'. */
static void
test_cv_csv (void)
{
  static const double acc[2][3] = { { 0.90, 0.85, 0.88 }, { 0.70, 0.72, 0.65 } };
  const FlFusion fusions[] = { FL_FUSION_CONCAT, FL_FUSION_TEXT };
  g_autofree char *dir = g_dir_make_tmp ("fl-cv-csv-XXXXXX", NULL);
  g_autofree char *routes_path = g_build_filename (dir, "routes.csv", NULL);
  g_autofree char *pairs_path = g_build_filename (dir, "verdicts.csv", NULL);
  g_autofree char *routes_text = NULL, *pairs_text = NULL;
  g_autoptr(FlComparison) cmp = NULL;
  g_autoptr(FlCsv) routes = NULL, pairs = NULL;
  g_autoptr(GPtrArray) summary = NULL;
  g_autoptr(GError) error = NULL;
  FlRouteDiff d;
  FlTrainSettings s;
  int first;

  fl_train_settings_init_default (&s);
  cmp = fl_comparison_new (NULL, &s);
  first = fl_comparison_add_cv (cmp, &s, fusions, 2, 3, 1);
  for (int f = 0; f < 3; f++)
    for (int k = 0; k < 2; k++)
      {
        FlRunResult *r = fl_comparison_result (cmp, first + f * 2 + k);
        FlEpochStats st = { .epoch = 1, .n_epochs = 1, .val_acc = acc[k][f], .val_f1 = acc[k][f] / 2 };

        r->status = FL_RUN_DONE;
        g_array_append_val (r->epochs, st);
      }
  g_assert_true (fl_comparison_write_routes_csv (cmp, routes_path, &error));
  g_assert_true (fl_comparison_write_verdicts_csv (cmp, pairs_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (routes_path, &routes_text, NULL, NULL));
  g_assert_true (g_file_get_contents (pairs_path, &pairs_text, NULL, NULL));
  routes = fl_csv_parse (routes_text, strlen (routes_text), "routes.csv", &error);
  pairs = fl_csv_parse (pairs_text, strlen (pairs_text), "verdicts.csv", &error);
  g_assert_no_error (error);
  summary = fl_comparison_routes (cmp);
  g_assert_cmpint (fl_csv_n_rows (routes), ==, 2);
  g_assert_cmpstr (fl_csv_get (routes, 0, 0), ==, "concat");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fl_csv_get (routes, 0, 2), NULL), (0.90 + 0.85 + 0.88) / 3, 1e-6);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fl_csv_get (routes, 0, 3), NULL),
                                  ((FlRouteSummary *) summary->pdata[0])->acc_sd, 1e-6);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fl_csv_get (routes, 1, 8), NULL), 0.72, 1e-6);
  g_assert_true (fl_route_diff (summary->pdata[0], summary->pdata[1], &d));
  g_assert_cmpint (fl_csv_n_rows (pairs), ==, 1);
  g_assert_cmpstr (fl_csv_get (pairs, 0, 3), ==, "3");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fl_csv_get (pairs, 0, 9), NULL), d.ttest.p, 1e-6 * d.ttest.p);
  g_assert_cmpstr (fl_csv_get (pairs, 0, 10), ==, d.significant ? "1" : "0");
  g_remove (routes_path);
  g_remove (pairs_path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/compare/runs-and-experiment", test_compare_and_experiment);
  g_test_add_func ("/compare/corrupt-experiment", test_corrupt_experiment);
  g_test_add_func ("/compare/experiment-validation", test_experiment_validation);
  g_test_add_func ("/compare/hostile-values", test_hostile_values);
  g_test_add_func ("/compare/experiment-first-version", test_experiment_first_version);
  g_test_add_func ("/compare/experiment-not-finite", test_experiment_not_finite);
  g_test_add_func ("/compare/validation-matches", test_validation_matches);
  g_test_add_func ("/compare/settings-describe", test_settings_describe);
  g_test_add_func ("/compare/csv-hostile-names", test_csv_hostile_names);
  g_test_add_func ("/compare/experiment-deep", test_experiment_deep);
  g_test_add_func ("/compare/experiment-tests", test_experiment_tests);
  g_test_add_func ("/compare/experiment-many-runs", test_experiment_many_runs);
  g_test_add_func ("/compare/experiment-huge", test_experiment_huge);
  for (gsize i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/compare/experiment-hostile/%" G_GSIZE_FORMAT, i);
      g_test_add_data_func (name, &hostile_cases[i], test_experiment_hostile);
    }
  g_test_add_func ("/compare/cv-runs", test_cv_runs);
  g_test_add_func ("/compare/cv-csv", test_cv_csv);
  g_test_add_func ("/compare/verdicts", test_verdicts);
  return g_test_run ();
}
