/* SPDX-License-Identifier: MIT
 *
 * Why fusion wins, the session's part, without a display: after a
 * comparison on a slice of the demo data, the shown run's rescued and hurt
 * samples, reliance, feature maps and (for the gated route) gate summary
 * are the engine's; a baseline has no rescued samples and no map of the
 * branch it lacks; a run shown in place of another while it is worked
 * out, and training that starts, drop the work under way; a reopened run gets its counts and says why it has no
 * more; other data, and the session going, wait for the thread.
 */
#define G_LOG_DOMAIN "test-session-insight"

#include "fl-session.h"
#include "fl-style.h"
#include "fl-test-util.h"

#include <string.h>

/* The routes of image and text data: every one but the audio and numeric
 * baselines. */
#define N_ROUTES (FL_N_FUSIONS - 2)

#define IMAGE_SIZE 16
#define N_ROWS 300

static char *tmp_dir;
static char *images_dir;
static char *csv_a;      /* rows [0, N_ROWS) of the demo */
static char *csv_b;      /* rows [N_ROWS, 2 N_ROWS): other data */

static void
setup_data (void)
{
  const char *srcdir = g_getenv ("FUSIONLAB_SRCDIR");
  g_autofree char *demo_csv = NULL, *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (srcdir);
  images_dir = g_build_filename (srcdir, "resources", "demo", "images", NULL);
  demo_csv = g_build_filename (srcdir, "resources", "demo", "texts.csv", NULL);
  g_file_get_contents (demo_csv, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 2 * N_ROWS);
  tmp_dir = g_dir_make_tmp ("fusionlab-insight-XXXXXX", &error);
  g_assert_no_error (error);
  csv_a = fl_test_write_rows (tmp_dir, lines, "a.csv", 0, N_ROWS);
  csv_b = fl_test_write_rows (tmp_dir, lines, "b.csv", N_ROWS, N_ROWS);
}

static FlDataset *
load_data (const char *csv_path)
{
  FlDataSpec spec = { .images_dir = images_dir, .csv_path = csv_path, .image_size = IMAGE_SIZE, .n_threads = 1 };
  g_autoptr(GError) error = NULL;
  FlDataset *ds = fl_dataset_load (&spec, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return ds;
}

static void
small_settings (FlTrainSettings *s,
                int              epochs)
{
  fl_train_settings_init_default (s);
  s->epochs = epochs;
  s->batch_size = 16;
  s->feat_dim = 32;
  s->n_threads = 1;
}

static gboolean
not_training (gpointer data)
{
  return !fl_session_get_training (data);
}

/* The insight of run i is there. */
typedef struct {
  FlSessionInsight *tracker;
  int               run;
} Want;

static gboolean
insight_of (gpointer data)
{
  Want *want = data;
  FlInsight *ins = fl_session_insight_get_insight (want->tracker);

  return !fl_session_insight_get_busy (want->tracker) && ins != NULL && ins->run == want->run;
}

static FlInsight *
wait_insight (FlSessionInsight *tracker,
              int               run)
{
  Want want = { tracker, run };

  g_assert_true (fl_test_wait (insight_of, &want, 60));
  return fl_session_insight_get_insight (tracker);
}

/* Every insight delivered, by run. */
static void
count_insight_cb (FlSessionInsight *tracker,
                  GParamSpec       *pspec,
                  int              *delivered)
{
  FlInsight *ins = fl_session_insight_get_insight (tracker);

  if (ins != NULL && ins->run >= 0 && ins->run < 8)
    delivered[ins->run]++;
}

static void
assert_rows (GArray *got,
             GArray *want)
{
  g_assert_nonnull (got);
  g_assert_cmpuint (got->len, ==, want->len);
  g_assert_cmpmem (got->data, got->len * sizeof (gint32), want->data, want->len * sizeof (gint32));
}

/* The position of fusion in the comparison of a session: fl_fusions()'s order. */
static int
route_pos (FlFusion fusion)
{
  guint n;
  const FlFusion *order = fl_fusions (&n);

  for (guint i = 0; i < n; i++)
    if (order[i] == fusion)
      return (int) i;
  g_assert_not_reached ();
}

/* The counts are fl_validation_compare_fusion()'s on runs i, image, text. */
static void
assert_counts (FlInsight    *ins,
               FlComparison *cmp,
               int           image,
               int           text)
{
  g_autoptr(GArray) rescued = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GArray) hurt = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ins->baseline_run[FL_BRANCH_IMAGE], ==, image);
  g_assert_cmpint (ins->baseline_run[FL_BRANCH_TEXT], ==, text);
  g_assert_cmpuint (ins->compared, ==, FL_BRANCHES_IMAGE_TEXT);
  g_assert_true (fl_validation_compare_fusion (fl_comparison_result (cmp, ins->run)->validation,
                                               fl_comparison_result (cmp, image)->validation,
                                               fl_comparison_result (cmp, text)->validation,
                                               rescued, hurt, &error));
  g_assert_no_error (error);
  assert_rows (ins->rescued, rescued);
  assert_rows (ins->hurt, hurt);
  g_test_message ("%s: %u rescued, %u hurt", ins->run_name, rescued->len, hurt->len);
}

/* The reliance and the maps are the engine's on the run. */
static void
assert_model_insight (FlInsight *ins,
                      FlRun     *run)
{
  FlReliance want;
  g_autoptr(GError) error = NULL;
  int n_val;

  fl_run_val_indices (run, &n_val);
  g_assert_cmpint (ins->n, ==, n_val);
  g_assert_cmpmem (ins->rows, n_val * sizeof (gint32), fl_run_val_indices (run, NULL), n_val * sizeof (gint32));
  g_assert_true (ins->has_reliance);
  g_assert_true (fl_run_reliance (run, &want, NULL, &error));
  g_assert_cmpmem (&ins->reliance, sizeof want, &want, sizeof want);
  for (int k = 0; k < FL_N_FEATURE_MAPS; k++)
    {
      g_autofree float *xy = g_new (float, 2 * n_val);
      double explained[2];

      if (fl_config_feature_dim (fl_model_config (fl_run_model (run)), k) == 0)
        {
          g_assert_null (ins->maps[k]);
          continue;
        }
      g_assert_true (fl_run_feature_map (run, k, xy, explained, NULL, &error));
      g_assert_no_error (error);
      g_assert_nonnull (ins->maps[k]);
      g_assert_cmpmem (ins->maps[k], 2 * n_val * sizeof (float), xy, 2 * n_val * sizeof (float));
      g_assert_cmpfloat (ins->explained[k][0], ==, explained[0]);
      g_assert_cmpfloat (ins->explained[k][1], ==, explained[1]);
    }
  /* the gate, for the gated route only */
  if (fl_config_feature_dim (fl_model_config (fl_run_model (run)), FL_FEATURE_GATE) > 0)
    {
      gsize size = ins->n_classes * FL_N_BRANCHES * sizeof (double);
      g_autofree double *mean = g_malloc (size);
      guint hist[FL_N_BRANCHES * FL_GATE_BINS], branches = 0;

      g_assert_true (fl_run_gate_weights (run, mean, hist, &branches, NULL, &error));
      g_assert_no_error (error);
      g_assert_nonnull (ins->gate_mean);
      g_assert_cmpuint (ins->gate_branches, ==, branches);
      g_assert_cmpmem (ins->gate_mean, size, mean, size);
      g_assert_cmpmem (ins->gate_hist, sizeof hist, hist, sizeof hist);
    }
  else
    g_assert_null (ins->gate_mean);
}

/* A session that has compared every fusion on ds, its insight asked for
 * first. */
static FlSession *
compared_session (FlDataset         *ds,
                  FlSessionInsight **tracker)
{
  FlSession *session = fl_session_new ();
  FlTrainSettings s;

  small_settings (&s, 2);
  *tracker = fl_session_get_insight (session);
  g_assert_true (*tracker == fl_session_get_insight (session));
  g_assert_null (fl_session_insight_get_insight (*tracker));
  g_assert_nonnull (strstr (fl_session_insight_get_message (*tracker), "Compare"));
  fl_session_set_dataset (session, ds);
  g_assert_true (fl_session_train (session, &s, TRUE));
  g_assert_null (fl_session_insight_get_insight (*tracker));
  g_assert_false (fl_session_insight_get_busy (*tracker));
  g_assert_nonnull (strstr (fl_session_insight_get_message (*tracker), "training"));
  g_assert_true (fl_test_wait (not_training, session, 120));
  g_assert_cmpint (fl_comparison_n_runs (fl_session_get_comparison (session)), ==, N_ROUTES);
  return session;
}

static void
test_compare (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a);
  FlSessionInsight *tracker;
  g_autoptr(FlSession) session = compared_session (ds, &tracker);
  FlComparison *cmp = fl_session_get_comparison (session);
  FlInsight *ins;

  /* the best run's, worked out as the comparison ended */
  wait_insight (tracker, fl_session_get_shown_run (session));

  g_assert_true (fl_session_show_run (session, 0));
  ins = wait_insight (tracker, 0);
  g_assert_cmpint (ins->fusion, ==, FL_FUSION_CONCAT);
  assert_counts (ins, cmp, route_pos (FL_FUSION_IMAGE), route_pos (FL_FUSION_TEXT));
  assert_model_insight (ins, fl_comparison_run (cmp, 0));
  g_assert_null (ins->note);

  /* a baseline: no rescued samples, no map of the words */
  g_assert_true (fl_session_show_run (session, route_pos (FL_FUSION_IMAGE)));
  ins = wait_insight (tracker, route_pos (FL_FUSION_IMAGE));
  g_assert_cmpint (ins->baseline_run[FL_BRANCH_IMAGE], ==, -1);
  g_assert_null (ins->rescued);
  g_assert_nonnull (strstr (ins->note, "reads only the pictures"));
  assert_model_insight (ins, fl_comparison_run (cmp, route_pos (FL_FUSION_IMAGE)));
  g_assert_null (ins->maps[FL_FEATURE_TEXT]);
  g_assert_cmpfloat (ins->reliance.acc_drop[FL_BRANCH_TEXT], ==, 0.0);

  /* the gated route: what its gate trusts, too */
  g_assert_true (fl_session_show_run (session, route_pos (FL_FUSION_GATED)));
  ins = wait_insight (tracker, route_pos (FL_FUSION_GATED));
  assert_model_insight (ins, fl_comparison_run (cmp, route_pos (FL_FUSION_GATED)));
  g_assert_nonnull (ins->gate_mean);
}

/* Showing another run while one is worked out drops the first; training
 * drops what is under way, and the runs' end brings the new one's. */
static void
test_cancel (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a);
  FlSessionInsight *tracker;
  g_autoptr(FlSession) session = compared_session (ds, &tracker);
  int delivered[8] = { 0 };
  FlTrainSettings s;

  wait_insight (tracker, fl_session_get_shown_run (session));
  g_signal_connect (tracker, "notify::insight", G_CALLBACK (count_insight_cb), delivered);
  g_assert_true (fl_session_show_run (session, 1));
  g_assert_true (fl_session_insight_get_busy (tracker));
  g_assert_true (fl_session_show_run (session, 2));
  wait_insight (tracker, 2);
  fl_test_spin (0.3);
  g_assert_cmpint (delivered[1], ==, 0);
  g_assert_cmpint (delivered[2], ==, 1);

  g_assert_true (fl_session_show_run (session, 0));
  g_assert_true (fl_session_insight_get_busy (tracker));
  small_settings (&s, 1);
  g_assert_true (fl_session_train (session, &s, FALSE));
  g_assert_false (fl_session_insight_get_busy (tracker));
  g_assert_null (fl_session_insight_get_insight (tracker));
  g_assert_true (fl_test_wait (not_training, session, 60));
  /* the single run is shown: its insight, against the first baselines */
  wait_insight (tracker, N_ROUTES);
  g_assert_cmpint (delivered[0], ==, 0);
  assert_counts (fl_session_insight_get_insight (tracker), fl_session_get_comparison (session),
                 route_pos (FL_FUSION_IMAGE), route_pos (FL_FUSION_TEXT));
  g_signal_handlers_disconnect_by_data (tracker, delivered);
}

/* A reopened experiment: the counts, and why there is nothing more. */
static void
test_reopened (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a);
  FlSessionInsight *tracker, *tracker2;
  g_autoptr(FlSession) session = compared_session (ds, &tracker);
  g_autoptr(FlSession) reopened = fl_session_new ();
  g_autofree char *path = g_build_filename (tmp_dir, "experiment.json", NULL);
  g_autoptr(GError) error = NULL;
  FlInsight *ins;

  g_assert_true (fl_session_save_experiment (session, path, &error));
  g_assert_no_error (error);
  tracker2 = fl_session_get_insight (reopened);
  g_assert_true (fl_session_open_experiment (reopened, path, &error));
  g_assert_no_error (error);
  g_assert_true (fl_session_show_run (reopened, 1));
  /* at once: nothing to work out in a thread */
  g_assert_false (fl_session_insight_get_busy (tracker2));
  ins = fl_session_insight_get_insight (tracker2);
  g_assert_nonnull (ins);
  g_assert_cmpint (ins->run, ==, 1);
  assert_counts (ins, fl_session_get_comparison (reopened),
                 route_pos (FL_FUSION_IMAGE), route_pos (FL_FUSION_TEXT));
  g_assert_false (ins->has_reliance);
  for (int k = 0; k < FL_N_FEATURE_MAPS; k++)
    g_assert_null (ins->maps[k]);
  g_assert_nonnull (strstr (ins->note, "Train again to see why"));
  g_assert_cmpstr (fl_session_insight_get_message (tracker2), ==, ins->note);
  (void) tracker;
}

/* Other data drops the runs: the thread is waited for first. So is it when
 * the session goes while it works. */
static void
test_runs_go (void)
{
  g_autoptr(FlDataset) ds = load_data (csv_a);
  g_autoptr(FlDataset) other = load_data (csv_b);
  FlSessionInsight *tracker;
  FlSession *session = compared_session (ds, &tracker);
  GWeakRef weak;

  wait_insight (tracker, fl_session_get_shown_run (session));
  g_assert_true (fl_session_show_run (session, 0));
  g_assert_true (fl_session_insight_get_busy (tracker));
  fl_session_set_dataset (session, other);
  g_assert_null (fl_session_get_comparison (session));
  g_assert_false (fl_session_insight_get_busy (tracker));
  g_assert_null (fl_session_insight_get_insight (tracker));
  fl_test_spin (0.2);
  g_assert_null (fl_session_insight_get_insight (tracker));

  /* the session goes mid-work; its insight, kept, outlives it quietly */
  g_object_unref (session);
  session = compared_session (ds, &tracker);
  g_object_ref (tracker);
  g_weak_ref_init (&weak, tracker);
  wait_insight (tracker, fl_session_get_shown_run (session));
  g_assert_true (fl_session_show_run (session, 1));
  g_assert_true (fl_session_insight_get_busy (tracker));
  g_object_unref (session);
  fl_test_spin (0.2);
  g_object_unref (tracker);
  g_assert_null (g_weak_ref_get (&weak));
  g_weak_ref_clear (&weak);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  g_test_init (&argc, &argv, NULL);
  setup_data ();

  g_test_add_func ("/session-insight/compare", test_compare);
  g_test_add_func ("/session-insight/cancel", test_cancel);
  g_test_add_func ("/session-insight/reopened", test_reopened);
  g_test_add_func ("/session-insight/runs-go", test_runs_go);

  status = g_test_run ();
  fl_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (images_dir);
  g_free (csv_a);
  g_free (csv_b);
  return status;
}
