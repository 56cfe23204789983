/* SPDX-License-Identifier: MIT
 *
 * The session and its runs list, without a display: items appended and
 * cleared at the right positions, the best run by the engine's rule; one
 * run and a comparison trained on the bundled demo data with the signals
 * they owe; stopping and pausing; an experiment saved and reopened; other
 * data dropping the runs; predictions on a CSV; and a session disposed
 * mid-run joining its thread.
 */
#define G_LOG_DOMAIN "test-session"

#include "fl-session.h"
#include "fl-style.h"
#include "fl-train-worker.h"
#include "fl-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define IMAGE_SIZE 16
#define N_ROWS 150       /* samples of each data set */
#define N_PREDICT 40     /* rows to predict */
#define BATCH 16
#define LONG_RUN 200     /* epochs: a run that is stopped long before its end */

static char *tmp_dir;    /* the CSVs and experiment files of the tests */
static char *images_dir; /* resources/demo/images */
static char *csv_a;      /* rows [0, N_ROWS) of the demo */
static char *csv_b;      /* rows [N_ROWS, 2 N_ROWS): other data */
static char *csv_new;    /* N_PREDICT rows after those, to predict */

/* ---- the data ------------------------------------------------------------ */

static void
setup_data (void)
{
  const char *srcdir = g_getenv ("FUSIONLAB_SRCDIR");
  g_autofree char *demo_csv = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (srcdir);
  images_dir = g_build_filename (srcdir, "resources", "demo", "images", NULL);
  demo_csv = g_build_filename (srcdir, "resources", "demo", "texts.csv", NULL);
  g_file_get_contents (demo_csv, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 2 * N_ROWS + N_PREDICT);

  tmp_dir = g_dir_make_tmp ("fusionlab-session-XXXXXX", &error);
  g_assert_no_error (error);
  csv_a = fl_test_write_rows (tmp_dir, lines, "a.csv", 0, N_ROWS);
  csv_b = fl_test_write_rows (tmp_dir, lines, "b.csv", N_ROWS, N_ROWS);
  csv_new = fl_test_write_rows (tmp_dir, lines, "new.csv", 2 * N_ROWS, N_PREDICT);
}

static void
teardown_data (void)
{
  fl_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (images_dir);
  g_free (csv_a);
  g_free (csv_b);
  g_free (csv_new);
}

static FlDataset *
load_data (const char *csv_path,
           int         image_size)
{
  FlDataSpec spec = {
    .images_dir = images_dir,
    .csv_path = csv_path,
    .image_size = image_size,
    .n_threads = 1,
  };
  g_autoptr(GError) error = NULL;
  FlDataset *ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->report.n_skipped, ==, 0);
  g_assert_cmpint (ds->image_size, ==, image_size);
  return ds;
}

static void
small_settings (FlTrainSettings *s,
                int              epochs)
{
  fl_train_settings_init_default (s);
  s->epochs = epochs;
  s->batch_size = BATCH;
  s->feat_dim = 32;
  s->n_threads = 1;
}

/* ---- waiting on the main loop ---------------------------------------------- */

#define wait_for fl_test_wait
#define spin fl_test_spin

/* ---- what the session signals ---------------------------------------------- */

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          int        *count)
{
  (*count)++;
}

typedef struct {
  int      run_started;
  int      batches;
  int      epochs;
  int      finished;
  int      errors;
  int      load_data;
  int      training;       /* notify::training */
  int      n_batches;      /* of an epoch, as the last batch said */
  int      wait_batches;   /* batches_cond: more batches than this */
  GError  *error;          /* ::finished's */
  char    *load_csv;       /* ::load-data's CSV */
  gboolean stop_on_batch;
  gint64   stopped_at;     /* µs */
  gint64   finished_at;    /* µs */
} Recorder;

static void
run_started_cb (FlSession *session,
                FlRunItem *item,
                Recorder  *rec)
{
  g_assert_true (FL_IS_RUN_ITEM (item));
  g_assert_cmpint (fl_run_item_get_status (item), ==, FL_RUN_RUNNING);
  g_assert_false (fl_run_item_get_has_figures (item));
  rec->run_started++;
}

static void
batch_cb (FlSession          *session,
          FlRunItem          *item,
          const FlBatchStats *stats,
          Recorder           *rec)
{
  g_assert_true (FL_IS_RUN_ITEM (item));
  rec->batches++;
  rec->n_batches = stats->n_batches;
  if (rec->stop_on_batch && rec->stopped_at == 0)
    {
      rec->stopped_at = g_get_monotonic_time ();
      fl_session_stop (session);
    }
}

static void
epoch_cb (FlSession          *session,
          FlRunItem          *item,
          const FlEpochStats *stats,
          Recorder           *rec)
{
  /* the item has taken the epoch before the views hear of it */
  g_assert_cmpuint (fl_run_item_get_epochs (item)->len, ==, (guint) stats->epoch);
  g_assert_cmpfloat (fl_run_item_get_accuracy (item), ==, stats->val_acc);
  rec->epochs++;
}

static void
finished_cb (FlSession    *session,
             const GError *error,
             Recorder     *rec)
{
  /* the list, the status and the shown run are already up to date */
  g_assert_false (fl_session_get_training (session));
  rec->finished++;
  rec->finished_at = g_get_monotonic_time ();
  g_clear_error (&rec->error);
  rec->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
error_cb (FlSession  *session,
          const char *title,
          const char *message,
          Recorder   *rec)
{
  g_assert_nonnull (title);
  g_assert_nonnull (message);
  rec->errors++;
}

static void
load_data_cb (FlSession              *session,
              const FlExperimentData *data,
              Recorder               *rec)
{
  rec->load_data++;
  g_free (rec->load_csv);
  rec->load_csv = g_strdup (data->csv_path);
}

static void
recorder_connect (Recorder  *rec,
                  FlSession *session)
{
  g_signal_connect (session, "run-started", G_CALLBACK (run_started_cb), rec);
  g_signal_connect (session, "batch", G_CALLBACK (batch_cb), rec);
  g_signal_connect (session, "epoch", G_CALLBACK (epoch_cb), rec);
  g_signal_connect (session, "finished", G_CALLBACK (finished_cb), rec);
  g_signal_connect (session, "error", G_CALLBACK (error_cb), rec);
  g_signal_connect (session, "load-data", G_CALLBACK (load_data_cb), rec);
  g_signal_connect (session, "notify::training", G_CALLBACK (count_cb), &rec->training);
}

static void
recorder_clear (Recorder *rec)
{
  g_clear_error (&rec->error);
  g_clear_pointer (&rec->load_csv, g_free);
}

static gboolean
finished_cond (gpointer data)
{
  return ((Recorder *) data)->finished > 0;
}

static gboolean
batches_cond (gpointer data)
{
  Recorder *rec = data;

  return rec->batches > rec->wait_batches;
}

static void
assert_status_prefix (FlSession  *session,
                      const char *prefix)
{
  const char *status = fl_session_get_status (session);

  if (!g_str_has_prefix (status, prefix))
    g_error ("status \"%s\" does not start with \"%s\"", status, prefix);
}

/* A session with ds, trained with s, waited for. */
static FlSession *
trained_session (FlDataset             *ds,
                 const FlTrainSettings *s,
                 gboolean               compare,
                 Recorder              *rec)
{
  FlSession *session = fl_session_new ();

  recorder_connect (rec, session);
  fl_session_set_dataset (session, ds);
  g_assert_true (fl_session_train (session, s, compare));
  g_assert_true (fl_session_get_training (session));
  /* one run at a time */
  g_assert_false (fl_session_train (session, s, compare));
  g_assert_cmpint (rec->training, ==, 1);
  g_assert_true (wait_for (finished_cond, rec, 30));
  g_assert_cmpint (rec->finished, ==, 1);
  g_assert_no_error (rec->error);
  g_assert_false (fl_session_get_training (session));
  g_assert_cmpint (rec->training, ==, 2);
  g_assert_cmpuint (fl_train_worker_get_n_threads (), ==, 0);
  return session;
}

/* ---- the runs list ----------------------------------------------------------- */

typedef struct {
  guint position, removed, added;
} Change;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *log)
{
  Change change = { position, removed, added };

  g_array_append_val (log, change);
}

/* The log holds exactly one change, this one; and is emptied. */
static void
assert_change (GArray *log,
               guint   position,
               guint   removed,
               guint   added)
{
  Change *c = &g_array_index (log, Change, 0);

  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
  g_array_set_size (log, 0);
}

/* Run i of cmp has ended with this status and best accuracy; its item
 * takes it. */
static void
set_result (FlRunList    *list,
            FlComparison *cmp,
            int           i,
            FlRunStatus   status,
            double        acc)
{
  FlRunResult *r = fl_comparison_result (cmp, i);

  r->status = status;
  r->best_val_acc = acc;
  r->best_epoch = 1;
  fl_run_item_update (fl_run_list_get (list, i), r);
  g_assert_cmpint (fl_run_item_get_status (fl_run_list_get (list, i)), ==, status);
  g_assert_true (fl_run_item_get_has_figures (fl_run_list_get (list, i)));
}

/* The list's best run is the comparison's, and only its item says so. */
static int
assert_best (FlRunList    *list,
             FlComparison *cmp)
{
  int best = fl_comparison_best (cmp);

  g_assert_cmpint (fl_run_list_update_best (list), ==, best);
  g_assert_cmpint (fl_run_list_get_best (list), ==, best);
  for (int i = 0; i < fl_run_list_get_n_runs (list); i++)
    {
      FlRunItem *item = fl_run_list_get (list, i);
      g_autofree char *status_text = NULL;

      g_assert_cmpint (fl_run_item_get_best (item), ==, i == best);
      g_object_get (item, "status-text", &status_text, NULL);
      if (i == best)
        g_assert_cmpstr (status_text, ==, "Best");
      else
        g_assert_cmpstr (status_text, ==, fl_run_status_title (fl_run_item_get_status (item)));
    }
  return best;
}

/* Appends one item per fusion, with the same seed; checks each change. */
static void
append_runs (FlRunList             *list,
             FlComparison          *cmp,
             const FlTrainSettings *s,
             GArray                *log)
{
  FlFusion fusions[FL_N_FUSIONS];
  guint n_fusions = fl_fusions_possible (FL_BRANCHES_IMAGE_TEXT, fusions);

  for (guint k = 0; k < n_fusions; k++)
    {
      FlTrainSettings t = *s;
      FlRunItem *item;
      g_autoptr(FlRunItem) got = NULL;

      t.fusion = fusions[k];
      item = fl_run_list_append (list, fl_comparison_result (cmp, fl_comparison_add_settings (cmp, &t)));
      assert_change (log, k, 0, 1);
      got = g_list_model_get_item (G_LIST_MODEL (list), k);
      g_assert_true (got == item);
      g_assert_true (fl_run_list_get (list, (int) k) == item);
      g_assert_cmpint (fl_run_item_get_index (item), ==, (int) k);
      g_assert_cmpstr (fl_run_item_get_name (item), ==, fl_comparison_result (cmp, k)->name);
      g_assert_cmpint (fl_run_item_get_fusion (item), ==, fusions[k]);
      g_assert_cmpint (fl_run_item_get_status (item), ==, FL_RUN_PENDING);
      g_assert_false (fl_run_item_get_has_figures (item));
      g_assert_true (fl_run_item_get_visible (item));
    }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_fusions);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), n_fusions));
  g_assert_null (fl_run_list_get (list, (int) n_fusions));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == FL_TYPE_RUN_ITEM);
}

/* A failed or stopped run with a higher accuracy is not the best; of
 * equals, the first is. */
static void
check_best (FlRunList    *list,
            FlComparison *cmp)
{
  g_assert_cmpint (fl_run_list_get_n_runs (list), >=, 4);
  g_assert_cmpint (assert_best (list, cmp), ==, -1);   /* all pending */

  set_result (list, cmp, 0, FL_RUN_DONE, 0.5);
  set_result (list, cmp, 1, FL_RUN_FAILED, 0.9);
  set_result (list, cmp, 2, FL_RUN_DONE, 0.5);
  set_result (list, cmp, 3, FL_RUN_CANCELLED, 0.95);
  g_assert_true (fl_run_outranks (FL_RUN_DONE, 0.5, -1, 0.0));
  g_assert_false (fl_run_outranks (FL_RUN_FAILED, 0.9, 0, 0.5));
  g_assert_false (fl_run_outranks (FL_RUN_DONE, 0.5, 0, 0.5));
  g_assert_cmpint (assert_best (list, cmp), ==, 0);

  /* run 2 now does better than run 0 */
  set_result (list, cmp, 2, FL_RUN_DONE, fl_comparison_result (cmp, 0)->best_val_acc + 0.01);
  g_assert_cmpint (assert_best (list, cmp), ==, 2);
}

/* Whether curves are shown follows each item, with one notification. */
static void
check_shown (FlRunList *list)
{
  FlRunItem *item = fl_run_list_get (list, 1);
  g_autofree gboolean *shown = NULL;
  int notified = 0;

  g_signal_connect (item, "notify::visible", G_CALLBACK (count_cb), &notified);
  fl_run_item_set_visible (item, FALSE);
  fl_run_item_set_visible (item, FALSE);
  g_assert_cmpint (notified, ==, 1);
  shown = fl_run_list_get_shown (list);
  for (int i = 0; i < fl_run_list_get_n_runs (list); i++)
    g_assert_cmpint (shown[i], ==, i != 1);
  g_signal_handlers_disconnect_by_func (item, count_cb, &notified);
}

/* An epoch of a run training updates its figures, and its text. */
static void
check_add_epoch (FlRunItem *item)
{
  FlEpochStats st = { .epoch = 1, .n_epochs = 3 };
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  int notified = 0;

  fl_run_item_start (item);
  g_assert_false (fl_run_item_get_has_figures (item));
  g_object_get (item, "accuracy-text", &text, NULL);
  g_assert_cmpstr (text, ==, "—");
  g_clear_pointer (&text, g_free);

  st.val_acc = 0.25 + fl_run_item_get_index (item) / 8.0;
  st.val_f1 = st.val_acc / 2.0;
  g_signal_connect (item, "notify::accuracy-text", G_CALLBACK (count_cb), &notified);
  fl_run_item_add_epoch (item, &st);
  g_assert_cmpint (notified, ==, 1);
  g_assert_true (fl_run_item_get_has_figures (item));
  g_assert_cmpfloat (fl_run_item_get_accuracy (item), ==, st.val_acc);
  g_assert_cmpfloat (fl_run_item_get_f1 (item), ==, st.val_f1);
  g_assert_cmpuint (fl_run_item_get_epochs (item)->len, ==, 1);
  g_object_get (item, "accuracy-text", &text, NULL);
  expected = g_strdup_printf ("%.1f%%", 100.0 * st.val_acc);
  g_assert_cmpstr (text, ==, expected);
  g_signal_handlers_disconnect_by_func (item, count_cb, &notified);
}

/* The runs table binds tooltips to a run's error and fusion explanation:
 * they are told of a change only when there is one, not at every epoch or
 * update (each tooltip set is a round trip to the X server, issue 16). */
static void
check_tooltip_notifies (FlRunItem   *item,
                        FlRunResult *r)
{
  FlEpochStats st = { .epoch = 1, .n_epochs = 3, .val_acc = 0.5 };
  int error = 0, explain = 0, figures = 0;

  g_signal_connect (item, "notify::error", G_CALLBACK (count_cb), &error);
  g_signal_connect (item, "notify::fusion-explain", G_CALLBACK (count_cb), &explain);
  g_signal_connect (item, "notify::accuracy-text", G_CALLBACK (count_cb), &figures);
  fl_run_item_add_epoch (item, &st);
  fl_run_item_update (item, r);
  g_assert_cmpint (figures, ==, 2);
  g_assert_cmpint (error, ==, 0);
  g_assert_cmpint (explain, ==, 0);

  r->error = g_strdup ("out of memory");
  fl_run_item_update (item, r);
  g_assert_cmpint (error, ==, 1);
  g_assert_cmpstr (fl_run_item_get_error (item), ==, "out of memory");
  g_clear_pointer (&r->error, g_free);
  fl_run_item_update (item, r);
  g_assert_cmpint (error, ==, 2);
  g_assert_null (fl_run_item_get_error (item));
  g_signal_handlers_disconnect_by_func (item, count_cb, &error);
  g_signal_handlers_disconnect_by_func (item, count_cb, &explain);
  g_signal_handlers_disconnect_by_func (item, count_cb, &figures);
}

static void
test_run_list (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlRunList) list = fl_run_list_new ();
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(FlComparison) cmp = NULL;
  FlTrainSettings s, other_seed;
  int n;

  small_settings (&s, 3);
  cmp = fl_comparison_new (ds, &s);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), log);
  append_runs (list, cmp, &s, log);
  g_assert_true (fl_run_list_get_same_split (list));

  check_best (list, cmp);
  check_shown (list);
  check_add_epoch (fl_run_list_get (list, 0));
  check_tooltip_notifies (fl_run_list_get (list, 1), fl_comparison_result (cmp, 1));

  /* another seed is another validation split */
  other_seed = s;
  other_seed.seed = s.seed + 1;
  n = fl_run_list_get_n_runs (list);
  fl_run_list_append (list, fl_comparison_result (cmp, fl_comparison_add_settings (cmp, &other_seed)));
  assert_change (log, n, 0, 1);
  g_assert_false (fl_run_list_get_same_split (list));

  n = fl_run_list_get_n_runs (list);
  fl_run_list_clear (list);
  assert_change (log, 0, n, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpint (fl_run_list_get_best (list), ==, -1);
  g_assert_true (fl_run_list_get_same_split (list));
  fl_run_list_clear (list);
  g_assert_cmpuint (log->len, ==, 0);
}

/* ---- training ---------------------------------------------------------------- */

static void
test_train (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlSession) session = fl_session_new ();
  Recorder rec = { 0 };
  FlTrainSettings s;
  FlRunItem *item;
  FlRun *run;
  g_autofree char *finished = NULL, *accuracy = NULL;
  int n_train, per_epoch;

  g_assert_cmpint (fl_session_get_shown_run (session), ==, -1);
  fl_session_set_dataset (session, ds);
  g_assert_true (fl_session_get_dataset (session) == ds);
  assert_status_prefix (session, "Ready");
  g_clear_object (&session);

  small_settings (&s, 1);
  session = trained_session (ds, &s, FALSE, &rec);
  g_assert_cmpint (rec.run_started, ==, 1);
  g_assert_cmpint (rec.epochs, ==, s.epochs);
  run = fl_session_get_shown_model (session);
  g_assert_nonnull (run);
  fl_run_train_indices (run, &n_train);
  per_epoch = (n_train + s.batch_size - 1) / s.batch_size;
  g_assert_cmpint (rec.n_batches, ==, per_epoch);
  g_assert_cmpint (rec.batches, ==, per_epoch * s.epochs);

  g_assert_cmpint (fl_run_list_get_n_runs (fl_session_get_runs (session)), ==, 1);
  item = fl_run_list_get (fl_session_get_runs (session), 0);
  g_assert_cmpint (fl_run_item_get_status (item), ==, FL_RUN_DONE);
  g_assert_true (fl_run_item_get_has_figures (item));
  g_assert_true (fl_run_item_get_best (item));
  g_assert_cmpfloat (fl_run_item_get_accuracy (item), ==,
                     fl_comparison_result (fl_session_get_comparison (session), 0)->best_val_acc);
  g_assert_cmpint (fl_run_item_get_batches_per_epoch (item), ==, per_epoch);
  g_assert_cmpuint (fl_run_item_get_batch_loss (item)->len, ==, (guint) rec.batches);
  g_assert_cmpint (fl_session_get_shown_run (session), ==, 0);
  g_assert_cmpfloat (fl_session_get_progress (session), ==, 1.0);

  finished = g_strdup_printf ("Finished %d epoch in ", s.epochs);
  assert_status_prefix (session, finished);
  accuracy = g_strdup_printf ("accuracy %.1f%%", 100.0 * fl_metrics_accuracy (fl_run_metrics (run)));
  g_assert_nonnull (strstr (fl_session_get_status (session), accuracy));
  g_assert_cmpint (rec.errors, ==, 0);
  recorder_clear (&rec);
}

/* A session that has compared every fusion on ds, one epoch each. */
static FlSession *
compared_session (FlDataset *ds,
                  Recorder  *rec)
{
  FlTrainSettings s;

  small_settings (&s, 1);
  return trained_session (ds, &s, TRUE, rec);
}

static void
test_compare (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  Recorder rec = { 0 };
  g_autoptr(FlSession) session = compared_session (ds, &rec);
  FlComparison *cmp = fl_session_get_comparison (session);
  FlRunList *list = fl_session_get_runs (session);
  FlFusion fusions[FL_N_FUSIONS];
  guint n_fusions = fl_fusions_possible (FL_BRANCHES_IMAGE_TEXT, fusions);
  g_autofree char *compared = g_strdup_printf ("Compared %u runs", n_fusions);
  int best;

  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, (int) n_fusions);
  g_assert_cmpint (fl_run_list_get_n_runs (list), ==, (int) n_fusions);
  g_assert_cmpint (rec.run_started, ==, (int) n_fusions);
  g_assert_cmpint (rec.epochs, ==, (int) n_fusions);
  for (guint i = 0; i < n_fusions; i++)
    {
      FlRunItem *item = fl_run_list_get (list, (int) i);

      g_assert_cmpint (fl_run_item_get_fusion (item), ==, fusions[i]);
      g_assert_cmpint (fl_run_item_get_status (item), ==, FL_RUN_DONE);
      g_assert_cmpfloat (fl_run_item_get_accuracy (item), ==, fl_comparison_result (cmp, i)->best_val_acc);
    }
  best = fl_comparison_best (cmp);
  g_assert_cmpint (best, >=, 0);
  g_assert_cmpint (fl_run_list_get_best (list), ==, best);
  g_assert_cmpint (fl_session_get_shown_run (session), ==, best);
  g_assert_true (fl_run_list_get_same_split (list));
  assert_status_prefix (session, compared);
  g_assert_nonnull (strstr (fl_session_get_status (session), fl_comparison_result (cmp, best)->name));
  recorder_clear (&rec);
}

/* ---- stopping and pausing ------------------------------------------------------ */

/* Starts a long run on ds; returns once its first batch is in. */
static FlSession *
long_run (FlDataset *ds,
          Recorder  *rec)
{
  FlSession *session = fl_session_new ();
  FlTrainSettings s;

  small_settings (&s, LONG_RUN);
  recorder_connect (rec, session);
  fl_session_set_dataset (session, ds);
  g_assert_true (fl_session_train (session, &s, FALSE));
  g_assert_true (wait_for (batches_cond, rec, 30));
  return session;
}

static void
test_stop (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlSession) session = NULL;
  Recorder rec = { .stop_on_batch = TRUE };

  session = long_run (ds, &rec);
  g_assert_cmpint (rec.stopped_at, >, 0);
  g_assert_true (wait_for (finished_cond, &rec, 10));
  g_assert_cmpint (rec.finished, ==, 1);
  g_assert_error (rec.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (rec.finished_at - rec.stopped_at, <=, 2 * G_USEC_PER_SEC);
  /* long before the end (the worker may run a frame or so ahead of what
   * is delivered) */
  g_assert_cmpint (rec.epochs, <, LONG_RUN / 4);
  g_assert_false (fl_session_get_training (session));
  assert_status_prefix (session, "Stopped");
  g_assert_cmpint (fl_run_item_get_status (fl_run_list_get (fl_session_get_runs (session), 0)), ==,
                   FL_RUN_CANCELLED);
  g_assert_cmpint (fl_run_list_get_best (fl_session_get_runs (session)), ==, -1);
  g_assert_cmpint (rec.errors, ==, 0);
  g_assert_cmpuint (fl_train_worker_get_n_threads (), ==, 0);
  recorder_clear (&rec);
}

static void
test_pause (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlSession) session = NULL;
  Recorder rec = { 0 };
  int batches;

  session = long_run (ds, &rec);
  fl_session_set_paused (session, TRUE);
  g_assert_true (fl_session_get_paused (session));
  assert_status_prefix (session, "Paused");
  /* the batch under way, and those queued, arrive; then none */
  spin (0.3);
  batches = rec.batches;
  spin (0.5);
  g_assert_cmpint (rec.batches, ==, batches);
  g_assert_true (fl_session_get_training (session));
  g_assert_cmpint (rec.finished, ==, 0);

  fl_session_set_paused (session, FALSE);
  g_assert_false (fl_session_get_paused (session));
  rec.wait_batches = batches;
  g_assert_true (wait_for (batches_cond, &rec, 10));

  fl_session_set_paused (session, TRUE);
  fl_session_stop (session);
  g_assert_true (wait_for (finished_cond, &rec, 5));
  g_assert_error (rec.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (fl_session_get_paused (session));
  assert_status_prefix (session, "Stopped");
  recorder_clear (&rec);
}

/* ---- experiments ------------------------------------------------------------ */

/* b is a as it was saved: the same runs, figures and shown curves. */
static void
assert_same_runs (FlRunList *a,
                  FlRunList *b)
{
  g_assert_cmpint (fl_run_list_get_n_runs (b), ==, fl_run_list_get_n_runs (a));
  for (int i = 0; i < fl_run_list_get_n_runs (a); i++)
    {
      FlRunItem *x = fl_run_list_get (a, i), *y = fl_run_list_get (b, i);

      g_assert_cmpstr (fl_run_item_get_name (y), ==, fl_run_item_get_name (x));
      g_assert_cmpint (fl_run_item_get_fusion (y), ==, fl_run_item_get_fusion (x));
      g_assert_cmpint (fl_run_item_get_status (y), ==, fl_run_item_get_status (x));
      g_assert_cmpfloat_with_epsilon (fl_run_item_get_accuracy (y), fl_run_item_get_accuracy (x), 1e-12);
      g_assert_cmpfloat_with_epsilon (fl_run_item_get_f1 (y), fl_run_item_get_f1 (x), 1e-12);
      g_assert_cmpint (fl_run_item_get_best_epoch (y), ==, fl_run_item_get_best_epoch (x));
      g_assert_cmpuint (fl_run_item_get_epochs (y)->len, ==, fl_run_item_get_epochs (x)->len);
      g_assert_cmpint (fl_run_item_get_visible (y), ==, fl_run_item_get_visible (x));
    }
}

/* A truncated file is refused, named, and the runs open stay. */
static void
check_corrupt_refused (FlSession  *session,
                       const char *good_path)
{
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "corrupt.json", NULL);
  g_autoptr(GError) error = NULL;
  FlComparison *cmp = fl_session_get_comparison (session);
  int n = fl_run_list_get_n_runs (fl_session_get_runs (session));
  int shown = fl_session_get_shown_run (session);
  gsize len;

  g_file_get_contents (good_path, &text, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, text, (gssize) (len / 2), &error);
  g_assert_no_error (error);

  g_assert_false (fl_session_open_experiment (session, path, &error));
  g_assert_error (error, FL_ENGINE_ERROR, FL_ENGINE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "corrupt.json"));
  g_assert_true (fl_session_get_comparison (session) == cmp);
  g_assert_cmpint (fl_run_list_get_n_runs (fl_session_get_runs (session)), ==, n);
  g_assert_cmpint (fl_session_get_shown_run (session), ==, shown);
}

/* A session training refuses to open an experiment, and keeps its run. */
static void
check_busy_refused (FlDataset  *ds,
                    const char *path)
{
  Recorder rec = { 0 };
  g_autoptr(FlSession) session = long_run (ds, &rec);
  g_autoptr(GError) error = NULL;

  g_assert_false (fl_session_open_experiment (session, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_true (fl_session_get_training (session));
  g_assert_cmpint (fl_run_list_get_n_runs (fl_session_get_runs (session)), ==, 1);
  fl_session_stop (session);
  g_assert_true (wait_for (finished_cond, &rec, 10));
  recorder_clear (&rec);
}

static void
test_experiment (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  Recorder rec = { 0 }, rec2 = { 0 };
  g_autoptr(FlSession) session = compared_session (ds, &rec);
  g_autoptr(FlSession) reopened = fl_session_new ();
  g_autofree char *path = g_build_filename (tmp_dir, "experiment.json", NULL);
  g_autoptr(GError) error = NULL;
  FlRunList *a = fl_session_get_runs (session), *b;

  g_assert_cmpint (fl_run_list_get_n_runs (a), >, 3);
  fl_run_item_set_visible (fl_run_list_get (a, 3), FALSE);
  g_assert_true (fl_session_save_experiment (session, path, &error));
  g_assert_no_error (error);

  recorder_connect (&rec2, reopened);
  g_assert_true (fl_session_open_experiment (reopened, path, &error));
  g_assert_no_error (error);
  b = fl_session_get_runs (reopened);
  assert_same_runs (a, b);
  for (int i = 0; i < fl_run_list_get_n_runs (b); i++)
    g_assert_cmpint (fl_run_item_get_visible (fl_run_list_get (b, i)), ==, i != 3);
  g_assert_cmpint (fl_run_list_get_best (b), ==, fl_run_list_get_best (a));
  g_assert_cmpint (fl_session_get_shown_run (reopened), ==, fl_run_list_get_best (a));
  g_assert_null (fl_session_get_shown_model (reopened));
  g_assert_cmpint (rec2.load_data, ==, 1);
  g_assert_cmpstr (rec2.load_csv, ==, csv_a);
  assert_status_prefix (reopened, "Opened experiment.json");

  check_corrupt_refused (reopened, path);
  check_busy_refused (ds, path);
  recorder_clear (&rec);
  recorder_clear (&rec2);
}

/* ---- other data ---------------------------------------------------------------- */

static void
test_other_data (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlDataset) smaller = load_data (csv_a, IMAGE_SIZE / 2);
  g_autoptr(FlDataset) other = load_data (csv_b, IMAGE_SIZE);
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (Change));
  Recorder rec = { 0 };
  FlTrainSettings s;
  g_autoptr(FlSession) session = NULL;
  FlComparison *cmp;
  FlRunList *list;

  small_settings (&s, 1);
  session = trained_session (ds, &s, FALSE, &rec);
  cmp = fl_session_get_comparison (session);
  list = fl_session_get_runs (session);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), log);

  /* the same samples at another size: the runs stay */
  g_assert_cmpuint (smaller->fingerprint, ==, ds->fingerprint);
  fl_session_set_dataset (session, smaller);
  g_assert_true (fl_session_get_comparison (session) == cmp);
  g_assert_cmpint (fl_run_list_get_n_runs (list), ==, 1);
  g_assert_cmpuint (log->len, ==, 0);
  g_assert_cmpint (fl_session_get_shown_run (session), ==, 0);
  g_assert_true (fl_session_get_dataset (session) == smaller);

  /* other samples: a new comparison */
  g_assert_cmpuint (other->fingerprint, !=, ds->fingerprint);
  fl_session_set_dataset (session, other);
  g_assert_null (fl_session_get_comparison (session));
  g_assert_cmpint (fl_run_list_get_n_runs (list), ==, 0);
  assert_change (log, 0, 1, 0);
  g_assert_cmpint (fl_session_get_shown_run (session), ==, -1);
  g_assert_null (fl_session_get_shown_model (session));
  assert_status_prefix (session, "Ready");
  g_signal_handlers_disconnect_by_func (list, items_changed_cb, log);
  recorder_clear (&rec);
}

/* ---- predictions ---------------------------------------------------------------- */

static gboolean
wrote_cond (gpointer data)
{
  return g_str_has_prefix (fl_session_get_status (data), "Wrote ");
}

/* out has a header naming every class and one row per row predicted. */
static void
assert_predictions (const char *out,
                    FlDataset  *ds)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (out, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_PREDICT + 1);
  g_assert_true (g_str_has_prefix (lines[0], "line,image,predicted,confidence,p_"));
  header = g_strsplit (lines[0], ",", -1);
  g_assert_cmpuint (g_strv_length (header), ==, 4 + (guint) ds->n_classes);
  for (int c = 0; c < ds->n_classes; c++)
    {
      g_autofree char *column = g_strdup_printf ("p_%s", ds->class_names[c]);
      g_assert_true (g_strv_contains ((const char *const *) header, column));
    }
}

static void
test_predict (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlSession) session = NULL;
  g_autoptr(FlSession) untrained = fl_session_new ();
  g_autofree char *out = g_build_filename (tmp_dir, "new-predictions.csv", NULL);
  g_autofree char *wrote = g_strdup_printf ("Wrote %d predictions to new-predictions.csv", N_PREDICT);
  Recorder rec = { 0 }, rec2 = { 0 };
  FlTrainSettings s;

  small_settings (&s, 1);
  session = trained_session (ds, &s, FALSE, &rec);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_true (fl_session_predict (session, csv_new));
  g_assert_true (wait_for (wrote_cond, session, 30));
  assert_status_prefix (session, wrote);
  g_assert_cmpint (rec.errors, ==, 0);
  assert_predictions (out, ds);

  /* nothing trained: nothing to predict with */
  recorder_connect (&rec2, untrained);
  fl_session_set_dataset (untrained, ds);
  g_assert_false (fl_session_predict (untrained, csv_new));
  g_assert_cmpint (rec2.errors, ==, 1);
  assert_status_prefix (untrained, "Ready");
  recorder_clear (&rec);
  recorder_clear (&rec2);
}

static gboolean
not_predicting (gpointer data)
{
  return !fl_session_get_predicting (data);
}

/* A prediction cancelled writes nothing, and says so; one at a time. */
static void
test_predict_cancel (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlSession) session = NULL;
  g_autofree char *out = g_build_filename (tmp_dir, "new-predictions.csv", NULL);
  Recorder rec = { 0 };
  FlTrainSettings s;

  small_settings (&s, 1);
  session = trained_session (ds, &s, FALSE, &rec);
  g_remove (out);
  g_assert_true (fl_session_predict (session, csv_new));
  g_assert_true (fl_session_get_predicting (session));
  g_assert_false (fl_session_predict (session, csv_new));
  g_assert_cmpint (rec.errors, ==, 1);
  fl_session_cancel_predict (session);
  g_assert_true (wait_for (not_predicting, session, 30));
  assert_status_prefix (session, "Prediction cancelled");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpint (rec.errors, ==, 1);
  recorder_clear (&rec);
}

/* The late route's summary says how its vote weighs the two heads. */
static void
test_describe_late (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  g_autoptr(FlSession) session = NULL;
  g_autofree char *said = NULL;
  Recorder rec = { 0 };
  FlTrainSettings s;
  float w[FL_N_BRANCHES];
  int picture, words;

  small_settings (&s, 1);
  s.fusion = FL_FUSION_LATE;
  session = trained_session (ds, &s, FALSE, &rec);
  said = fl_session_describe_run (session, 0);
  g_test_message ("%s", said);
  g_assert_cmpint (fl_model_late_weights (fl_run_model (fl_session_get_shown_model (session)), w), ==, 2);
  g_assert_nonnull (strstr (said, "Late"));
  g_assert_nonnull (strstr (said, "the vote: picture "));
  g_assert_cmpint (sscanf (strstr (said, "picture "), "picture %d%%, words %d%%", &picture, &words), ==, 2);
  g_assert_cmpint (picture, ==, (int) lround (100.0 * w[0]));
  g_assert_cmpint (picture + words, >=, 99);
  recorder_clear (&rec);
}

/* ---- the thread ------------------------------------------------------------------ */

static void
test_dispose_joins (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a, IMAGE_SIZE);
  Recorder rec = { 0 };
  FlSession *session = long_run (ds, &rec);
  GWeakRef weak;
  gint64 start;
  int batches;

  g_assert_true (fl_session_get_training (session));
  g_assert_cmpuint (fl_train_worker_get_n_threads (), ==, 1);
  g_weak_ref_init (&weak, session);
  start = g_get_monotonic_time ();
  g_object_unref (session);
  g_assert_cmpint (g_get_monotonic_time () - start, <=, G_USEC_PER_SEC);
  g_assert_null (g_weak_ref_get (&weak));
  g_assert_cmpuint (fl_train_worker_get_n_threads (), ==, 0);
  g_weak_ref_clear (&weak);
  /* nothing is delivered afterwards */
  batches = rec.batches;
  spin (0.2);
  g_assert_cmpint (rec.batches, ==, batches);
  g_assert_cmpint (rec.finished, ==, 0);
  recorder_clear (&rec);
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* no display: the session is GIO only */
  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  g_test_init (&argc, &argv, NULL);
  setup_data ();

  g_test_add_func ("/session/run-list", test_run_list);
  g_test_add_func ("/session/train", test_train);
  g_test_add_func ("/session/compare", test_compare);
  g_test_add_func ("/session/stop", test_stop);
  g_test_add_func ("/session/pause", test_pause);
  g_test_add_func ("/session/experiment", test_experiment);
  g_test_add_func ("/session/other-data", test_other_data);
  g_test_add_func ("/session/predict", test_predict);
  g_test_add_func ("/session/predict-cancel", test_predict_cancel);
  g_test_add_func ("/session/describe-late", test_describe_late);
  g_test_add_func ("/session/dispose-joins", test_dispose_joins);

  status = g_test_run ();
  teardown_data ();
  return status;
}
