/* SPDX-License-Identifier: MIT
 *
 * Every modality with the mouse (issue 14), end to end on a small
 * three-modality dataset made here (picture × words × sound, plus two
 * numeric columns): the sound column is detected and the cards show
 * spectrograms, the load's progress speaks of sound clips; the Sound
 * column set to None loads again without audio, and the sound-only route
 * leaves the fusion drop-down and Compare's menu; the numeric columns are
 * listed, ticked, and can be unticked one by one; a Compare over picture,
 * words and sound trains the three baselines and the fusions ticked, each
 * fusion over the three, the late route's vote naming three heads; the Why
 * page has a reliance bar per modality (fl_run_reliance()'s) and a gate
 * chart of three branches (fl_run_gate_weights()'s); the Modalities menu
 * fuses two of the three, never fewer, and the runs table says which.
 * FUSIONLAB_SHOTS=DIR: pictures of the pages.
 */
#define G_LOG_DOMAIN "test-ui-branches"

#include "test-ui-util.h"
#include "fl-preview-grid.h"
#include "fl-sample-card.h"
#include "fl-style.h"
#include "fl-why-view.h"

#include <math.h>
#include <string.h>

#define THREE (FL_BRANCHES_IMAGE_TEXT | FL_BRANCH_BIT (FL_BRANCH_AUDIO))

static char *data_dir;
static FlWindow *window;     /* loaded once, used by every test */
static int concat = -1, gated = -1, late = -1;

static FlDataset *
dataset (void)
{
  return fl_data_panel_get_dataset (ui_data_panel (window));
}

static FlColumnPicker *
picker (void)
{
  return fl_data_panel_get_column_picker (ui_data_panel (window));
}

/* ---- the data --------------------------------------------------------------- */

/* The cards of the preview under widget, and how many show a spectrogram
 * (a visible picture of a 200-frame, 64-band clip). */
static void
count_cards (GtkWidget *widget,
             int       *cards,
             int       *spectrograms)
{
  if (FL_IS_SAMPLE_CARD (widget))
    ++*cards;
  if (GTK_IS_PICTURE (widget) && gtk_widget_get_visible (widget) &&
      gtk_widget_get_visible (gtk_widget_get_parent (widget)))
    {
      GdkPaintable *p = gtk_picture_get_paintable (GTK_PICTURE (widget));

      *spectrograms += p != NULL && gdk_paintable_get_intrinsic_width (p) == 200 &&
                       gdk_paintable_get_intrinsic_height (p) == 64;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    count_cards (c, cards, spectrograms);
}

static gboolean
offers (FlFusion fusion)
{
  FlFusion offered[FL_N_FUSIONS], routes[FL_N_FUSIONS];
  guint n = fl_train_panel_get_offered (ui_train_panel (window), offered);
  guint m = fl_train_panel_get_routes (ui_train_panel (window), routes);
  gboolean in_menu = FALSE, in_compare = FALSE;

  for (guint i = 0; i < n; i++)
    in_menu = in_menu || offered[i] == fusion;
  for (guint i = 0; i < m; i++)
    in_compare = in_compare || routes[i] == fusion;
  /* the drop-down and Compare's check boxes agree */
  g_assert_true (in_menu == in_compare);
  return in_menu;
}

/* What the data loaded must be: with or without sound, so many numbers. */
typedef struct {
  gboolean audio;
  int      n_numeric;
} Want;

static gboolean
data_is (gpointer data)
{
  const Want *want = data;
  FlDataset *ds = dataset ();

  return !fl_data_panel_get_loading (ui_data_panel (window)) && ds != NULL &&
         (ds->audio != NULL) == want->audio && ds->n_numeric == want->n_numeric;
}

static void
wait_for_data (gboolean audio,
               int      n_numeric)
{
  Want want = { audio, n_numeric };

  g_assert_true (ui_wait (data_is, &want, 60));
  ui_spin (0.3);
  g_assert_null (ui_error (window));
}

static void
assert_cards (gboolean with_sound)
{
  int cards = 0, spectrograms = 0;

  count_cards (GTK_WIDGET (ui_find_type (GTK_WIDGET (window), FL_TYPE_PREVIEW_GRID)), &cards, &spectrograms);
  g_test_message ("%d cards, %d spectrograms", cards, spectrograms);
  g_assert_cmpint (cards, >, 8);
  g_assert_cmpint (spectrograms, ==, with_sound ? cards : 0);
}

static void
test_load (void)
{
  FlDataset *ds;
  GtkDropDown *sound;

  window = ui_window_with_data (data_dir, 16);
  wait_for_data (TRUE, 2);
  ds = dataset ();
  g_assert_cmpint (ds->n, ==, 8 * 6);
  g_assert_cmpstr (ds->report.audio_col, ==, "audio");
  g_assert_cmpstr (ds->numeric_names[0], ==, "noise");
  g_assert_cmpstr (ds->numeric_names[1], ==, "weight");
  g_assert_cmpuint (fl_session_get_branches (ui_session (window)), ==, FL_BRANCHES_ALL);

  /* the detected sound column is chosen; both numeric columns ticked */
  sound = fl_column_picker_get_sound_dropdown (picker ());
  g_assert_cmpstr (gtk_string_object_get_string (gtk_drop_down_get_selected_item (sound)), ==, "audio");
  g_assert_cmpstr (fl_column_picker_get_numeric_label (picker ()), ==, "All 2");
  g_assert_true (gtk_check_button_get_active (fl_column_picker_get_numeric_check (picker (), "noise")));
  g_assert_null (fl_column_picker_get_numeric_check (picker (), "label"));
  /* the progress spoke of the clips (the label keeps its last words) */
  g_assert_nonnull (ui_find_label (GTK_WIDGET (ui_data_panel (window)), "Decoding images and sound clips"));
  assert_cards (TRUE);
  g_assert_true (offers (FL_FUSION_AUDIO));
  g_assert_true (offers (FL_FUSION_NUMERIC));
}

static void
test_no_sound (void)
{
  GtkDropDown *sound = fl_column_picker_get_sound_dropdown (picker ());
  guint audio_pos = gtk_drop_down_get_selected (sound);

  /* None: the data again, without audio, and no sound-only route */
  gtk_drop_down_set_selected (sound, 0);
  wait_for_data (FALSE, 2);
  g_assert_null (dataset ()->report.audio_col);
  g_assert_cmpuint (fl_session_get_branches (ui_session (window)), ==, FL_BRANCHES_ALL & ~FL_BRANCH_BIT (FL_BRANCH_AUDIO));
  assert_cards (FALSE);
  g_assert_false (offers (FL_FUSION_AUDIO));
  g_assert_true (offers (FL_FUSION_IMAGE));
  g_assert_nonnull (ui_find_label (GTK_WIDGET (ui_data_panel (window)), "Decoding images…"));

  /* and back */
  gtk_drop_down_set_selected (sound, audio_pos);
  wait_for_data (TRUE, 2);
  assert_cards (TRUE);
  g_assert_true (offers (FL_FUSION_AUDIO));
}

static void
test_numeric (void)
{
  GtkCheckButton *noise = fl_column_picker_get_numeric_check (picker (), "noise");

  gtk_check_button_set_active (noise, FALSE);
  wait_for_data (TRUE, 1);
  g_assert_cmpstr (dataset ()->numeric_names[0], ==, "weight");
  g_assert_cmpstr (fl_column_picker_get_numeric_label (picker ()), ==, "1 of 2");
  g_assert_true (offers (FL_FUSION_NUMERIC));

  /* (the picker was filled again: its boxes are new) */
  gtk_check_button_set_active (fl_column_picker_get_numeric_check (picker (), "weight"), FALSE);
  wait_for_data (TRUE, 0);
  g_assert_cmpstr (fl_column_picker_get_numeric_label (picker ()), ==, "None");
  g_assert_false (gtk_check_button_get_active (fl_column_picker_get_numeric_check (picker (), "noise")));
  g_assert_cmpuint (fl_session_get_branches (ui_session (window)), ==, THREE);
  g_assert_false (offers (FL_FUSION_NUMERIC));
}

/* ---- Compare over three branches --------------------------------------------- */

static void
test_compare (void)
{
  const FlFusion unticked[] = { FL_FUSION_MEAN, FL_FUSION_PRODUCT, FL_FUSION_LOWRANK };
  const FlFusion want[] = { FL_FUSION_CONCAT, FL_FUSION_GATED, FL_FUSION_LATE,
                            FL_FUSION_IMAGE, FL_FUSION_TEXT, FL_FUSION_AUDIO };
  FlTrainPanel *panel = ui_train_panel (window);
  FlComparison *cmp;
  g_autofree char *late_line = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (unticked); k++)
    fl_train_panel_set_route (panel, unticked[k], FALSE);
  fl_train_panel_set_epochs (panel, 2);
  fl_train_panel_set_batch_size (panel, 16);
  fl_train_panel_set_compare (panel, 1, 1);
  gtk_widget_activate_action (GTK_WIDGET (window), "train.compare", NULL);
  g_assert_true (ui_training (window));
  g_assert_true (ui_wait (ui_not_training, window, 300));
  g_assert_null (ui_error (window));

  cmp = ui_comparison (window);
  g_assert_cmpint (fl_comparison_n_runs (cmp), ==, G_N_ELEMENTS (want));
  for (int i = 0; i < fl_comparison_n_runs (cmp); i++)
    {
      const FlRunResult *r = fl_comparison_result (cmp, i);
      FlRun *run = fl_comparison_run (cmp, i);
      int single = fl_fusion_single_branch (r->fusion);

      g_assert_cmpint (r->fusion, ==, want[i]);
      g_assert_cmpint (r->status, ==, FL_RUN_DONE);
      g_assert_nonnull (run);
      g_assert_cmpuint (fl_run_branches (run), ==, single >= 0 ? FL_BRANCH_BIT (single) : THREE);
      concat = r->fusion == FL_FUSION_CONCAT ? i : concat;
      gated = r->fusion == FL_FUSION_GATED ? i : gated;
      late = r->fusion == FL_FUSION_LATE ? i : late;
    }
  /* the late route's vote: a weight for each of its three heads */
  late_line = fl_session_describe_run (ui_session (window), late);
  g_test_message ("%s", late_line);
  g_assert_nonnull (strstr (late_line, "the vote: picture "));
  g_assert_nonnull (strstr (late_line, ", words "));
  g_assert_nonnull (strstr (late_line, ", sound "));
}

/* ---- the Why page ------------------------------------------------------------ */

static void
test_why (void)
{
  FlRun *run;
  FlReliance r;
  FlInsight *ins;
  g_autoptr(GError) error = NULL;
  double drop[FL_N_BRANCHES];
  guint branches = 0;

  g_assert_cmpint (concat, >=, 0);
  ins = ui_show_why (window, concat);
  run = fl_comparison_run (ui_comparison (window), concat);
  g_assert_true (fl_run_reliance (run, &r, NULL, &error));
  g_assert_no_error (error);
  /* a bar per modality of the data, each the engine's drop */
  g_assert_true (fl_why_view_get_reliance (ui_why_view (window), drop, &branches));
  g_test_message ("%s", fl_why_view_get_reliance_text (ui_why_view (window)));
  g_assert_cmpuint (branches, ==, THREE);
  for (int b = 0; b < FL_N_BRANCHES; b++)
    if (branches & FL_BRANCH_BIT (b))
      g_assert_cmpfloat (drop[b], ==, 100.0 * r.acc_drop[b]);
  g_assert_nonnull (strstr (fl_why_view_get_reliance_text (ui_why_view (window)), "without the sound it "));
  /* rescued from all three baselines */
  g_assert_cmpuint (ins->compared, ==, THREE);
  g_assert_cmpint (ins->baseline_run[FL_BRANCH_AUDIO], >=, 0);
  g_assert_nonnull (strstr (fl_why_view_get_counts_text (ui_why_view (window)),
                            "the picture alone, the words alone and the sound alone all got wrong"));
}

static void
test_gate (void)
{
  FlInsight *ins = ui_show_why (window, gated);
  FlRun *run = fl_comparison_run (ui_comparison (window), gated);
  g_autofree double *want = g_new (double, ins->n_classes * FL_N_BRANCHES);
  guint want_hist[FL_N_BRANCHES * FL_GATE_BINS], want_branches = 0, branches = 0;
  const double *mean;
  const guint *hist;
  g_autoptr(GError) error = NULL;

  g_assert_true (fl_run_gate_weights (run, want, want_hist, &want_branches, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fl_why_view_get_gate (ui_why_view (window), &mean, &hist, &branches));
  g_test_message ("%s", fl_why_view_get_gate_text (ui_why_view (window)));
  g_assert_cmpuint (branches, ==, THREE);
  g_assert_cmpuint (want_branches, ==, THREE);
  g_assert_cmpmem (mean, sizeof (double) * ins->n_classes * FL_N_BRANCHES,
                   want, sizeof (double) * ins->n_classes * FL_N_BRANCHES);
  g_assert_cmpmem (hist, sizeof want_hist, want_hist, sizeof want_hist);
  g_assert_true (g_str_has_prefix (fl_why_view_get_gate_text (ui_why_view (window)), "On average the gate gives the picture "));
}

/* ---- an experiment file ---------------------------------------------------- */

/* Saved and reopened, the comparison's data loads with the sound column
 * and the numeric columns it was read with — none of the CSV's two — and
 * holds the runs' samples again. */
static void
test_experiment (void)
{
  g_autofree char *path = g_build_filename (data_dir, "three.json", NULL);
  g_autofree char *why = NULL;
  g_autoptr(GError) error = NULL;
  FlWindow *reopened = fl_window_new (NULL);
  FlDataset *ds;

  g_assert_true (fl_session_save_experiment (ui_session (window), path, &error));
  g_assert_no_error (error);
  gtk_window_present (GTK_WINDOW (reopened));
  g_assert_true (fl_window_open_experiment (reopened, path));
  gtk_widget_activate_action (GTK_WIDGET (reopened), "win.load-experiment-data", NULL);
  g_assert_true (ui_wait (ui_data_ready, reopened, 60));
  ds = fl_data_panel_get_dataset (ui_data_panel (reopened));
  g_assert_cmpstr (ds->report.audio_col, ==, "audio");
  g_assert_cmpint (ds->n_numeric, ==, 0);
  g_assert_cmpstr (fl_column_picker_get_numeric_label (fl_data_panel_get_column_picker (ui_data_panel (reopened))), ==,
                   "None");
  g_assert_cmpint (fl_comparison_n_runs (ui_comparison (reopened)), ==, fl_comparison_n_runs (ui_comparison (window)));
  g_assert_true (fl_session_get_run_samples (ui_session (reopened), concat, &why) == ds);
  g_assert_null (why);
  ui_destroy_window (reopened);
}

/* ---- the modalities fused ---------------------------------------------------- */

static gboolean
run_done (gpointer data)
{
  FlComparison *cmp = ui_comparison (window);
  int n = fl_comparison_n_runs (cmp);

  return !ui_training (window) && n == GPOINTER_TO_INT (data) && fl_comparison_result (cmp, n - 1)->status == FL_RUN_DONE;
}

static void
test_modalities (void)
{
  FlTrainPanel *panel = ui_train_panel (window);
  GtkCheckButton *words = fl_train_panel_get_modality_check (panel, FL_BRANCH_TEXT);
  const guint two = FL_BRANCH_BIT (FL_BRANCH_IMAGE) | FL_BRANCH_BIT (FL_BRANCH_AUDIO);
  FlTrainSettings s;
  int n = fl_comparison_n_runs (ui_comparison (window));
  g_autofree char *settings = NULL;

  /* the numbers are not loaded: no box for them */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fl_train_panel_get_modality_check (panel, FL_BRANCH_NUMERIC))));
  g_assert_cmpuint (fl_train_panel_get_modalities (panel), ==, THREE);
  fl_train_panel_set_fusion (panel, FL_FUSION_CONCAT);
  gtk_check_button_set_active (words, FALSE);
  g_assert_cmpuint (fl_train_panel_get_modalities (panel), ==, two);
  fl_train_panel_get_settings (panel, &s);
  g_assert_cmpuint (s.branches, ==, two);
  g_assert_cmpstr (fl_train_panel_get_explanation (panel), ==,
                   "Keeps the picture's and the sound's features side by side, so the model can use each on its own.");
  /* two left: neither can be unticked */
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (fl_train_panel_get_modality_check (panel, FL_BRANCH_IMAGE))));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (fl_train_panel_get_modality_check (panel, FL_BRANCH_AUDIO))));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (words)));

  gtk_widget_activate_action (GTK_WIDGET (window), "train.start", NULL);
  g_assert_true (ui_wait (run_done, GINT_TO_POINTER (n + 1), 120));
  g_assert_cmpuint (fl_run_branches (fl_comparison_run (ui_comparison (window), n)), ==, two);
  g_object_get (fl_run_list_get (ui_runs (window), n), "settings-text", &settings, NULL);
  g_test_message ("%s", settings);
  g_assert_true (g_str_has_prefix (settings, "picture + sound · 2 ep"));

  /* all three again: the settings say 0, the data's all */
  gtk_check_button_set_active (words, TRUE);
  fl_train_panel_get_settings (panel, &s);
  g_assert_cmpuint (s.branches, ==, 0);
}

/* FUSIONLAB_SHOTS=DIR: the data page, the Why page of concat and of gated,
 * and the runs, to look at. */
static void
test_screenshot (void)
{
  const char *shots = ui_shots_or_skip ();

  if (shots == NULL)
    return;
  ui_show_why (window, concat);
  ui_save_png (window, shots, "branches-why-concat.png", FALSE);
  /* the gated run's page scrolled down to its gate chart */
  ui_show_why (window, gated);
  ui_save_png (window, shots, "branches-why-gated.png", TRUE);
  gtk_stack_set_visible_child_name (ui_bottom_stack (window), "runs");
  ui_save_png (window, shots, "branches-runs.png", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  ui_test_init (&argc, &argv);
  data_dir = ui_make_trimodal_dataset (6);

  g_test_add_func ("/ui/branches/load", test_load);
  g_test_add_func ("/ui/branches/no-sound", test_no_sound);
  g_test_add_func ("/ui/branches/numeric", test_numeric);
  g_test_add_func ("/ui/branches/compare", test_compare);
  g_test_add_func ("/ui/branches/why", test_why);
  g_test_add_func ("/ui/branches/gate", test_gate);
  g_test_add_func ("/ui/branches/experiment", test_experiment);
  g_test_add_func ("/ui/branches/modalities", test_modalities);
  g_test_add_func ("/ui/branches/screenshot", test_screenshot);

  ret = ui_run_tests (&window);
  ui_remove_tree (data_dir);
  g_free (data_dir);
  return ret;
}
