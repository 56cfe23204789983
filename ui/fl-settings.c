/* SPDX-License-Identifier: MIT */
#define G_LOG_DOMAIN "fl-settings"

#include "fl-settings.h"

/* The schema compiled in the build tree: gnome.compile_schemas() in
 * resources/meson.build writes build/resources/gschemas.compiled, and the
 * programs run from the build tree live in build/app and build/tests. An
 * installed program (PREFIX/bin) has no PREFIX/resources, and uses the
 * schemas installed. */
static GSettingsSchemaSource *
build_tree_source (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autofree char *schemas = dir != NULL ? g_build_filename (dir, "..", "resources", NULL) : NULL;
  g_autofree char *compiled = schemas != NULL ? g_build_filename (schemas, "gschemas.compiled", NULL) : NULL;

  if (compiled == NULL || !g_file_test (compiled, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_settings_schema_source_new_from_directory (schemas, g_settings_schema_source_get_default (),
                                                      FALSE, NULL);
}

GSettings *
fl_settings_new (GSettingsBackend *backend)
{
  g_autoptr(GSettingsSchemaSource) tree = build_tree_source ();
  GSettingsSchemaSource *source = tree != NULL ? tree : g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, FL_SETTINGS_SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("no schema %s: nothing will be remembered", FL_SETTINGS_SCHEMA_ID);
      return NULL;
    }
  return g_settings_new_full (schema, backend, NULL);
}

/* The training panel: the numbers of a run, its route, task and image size. */
static void
restore_train (GSettings    *settings,
               FlTrainPanel *panel)
{
  g_autofree char *route = g_settings_get_string (settings, "route");
  g_autofree char *loss = g_settings_get_string (settings, "match-loss");
  g_autofree char *task = g_settings_get_string (settings, "task");
  g_autofree char *fit_name = g_settings_get_string (settings, "picture-fit");
  g_autofree char *encoder = g_settings_get_string (settings, "text-encoder");
  g_autofree char *pool = g_settings_get_string (settings, "text-pool");
  FlImageFit fit = FL_IMAGE_FIT_SQUASH;
  FlMatchLoss match_loss;
  FlTrainSettings s;

  fl_train_settings_init_default (&s);
  /* the schema's choices are the engine's names, which GSettings checks */
  fl_fusion_from_string (route, &s.fusion);
  s.feat_dim = g_settings_get_int (settings, "feature-size");
  s.epochs = g_settings_get_int (settings, "epochs");
  s.batch_size = g_settings_get_int (settings, "batch-size");
  s.lr = (float) g_settings_get_double (settings, "learning-rate");
  s.val_fraction = g_settings_get_double (settings, "validation-share");
  s.seed = g_settings_get_uint64 (settings, "seed");
  s.modality_dropout = g_settings_get_double (settings, "modality-dropout");
  s.rank = g_settings_get_int (settings, "rank");
  s.augment = g_settings_get_boolean (settings, "augment");
  fl_text_encoder_from_string (encoder, &s.text_encoder);
  fl_text_pool_from_string (pool, &s.text_pool);
  fl_train_panel_set_settings (panel, &s);
  fl_train_panel_set_image_size (panel, g_settings_get_int (settings, "image-size"));
  fl_image_fit_from_string (fit_name, &fit);
  fl_train_panel_set_image_fit (panel, fit);
  if (fl_match_loss_from_string (loss, &match_loss))
    fl_train_panel_set_match_loss (panel, match_loss);
  fl_train_panel_set_task (panel, g_strcmp0 (task, "match") == 0 ? FL_TASK_MATCH : FL_TASK_CLASSIFY);
}

/* 0.001, not the float's 0.0010000000474974513: the digits the spin
 * button shows, for whoever reads the settings (gsettings, dconf-editor). */
static double
as_shown (float x)
{
  char digits[G_ASCII_DTOSTR_BUF_SIZE];

  return g_ascii_strtod (g_ascii_formatd (digits, sizeof digits, "%.6g", x), NULL);
}

static void
save_train (GSettings    *settings,
            FlTrainPanel *panel)
{
  FlMatchSettings m;
  FlTrainSettings train;
  const FlTrainSettings *s = &train;

  /* (a matching run's settings have their own route: concat) */
  fl_train_panel_get_settings (panel, &train);
  fl_train_panel_get_match_settings (panel, &m);
  g_settings_set_string (settings, "route", fl_fusion_to_string (s->fusion));
  g_settings_set_string (settings, "match-loss", fl_match_loss_to_string (m.loss));
  g_settings_set_string (settings, "task", fl_train_panel_get_task (panel) == FL_TASK_MATCH ? "match" : "classify");
  g_settings_set_int (settings, "image-size", fl_train_panel_get_image_size (panel));
  g_settings_set_int (settings, "feature-size", s->feat_dim);
  g_settings_set_int (settings, "epochs", s->epochs);
  g_settings_set_int (settings, "batch-size", s->batch_size);
  g_settings_set_double (settings, "learning-rate", as_shown (s->lr));
  g_settings_set_double (settings, "validation-share", s->val_fraction);
  g_settings_set_uint64 (settings, "seed", s->seed);
  g_settings_set_double (settings, "modality-dropout", s->modality_dropout);
  g_settings_set_int (settings, "rank", s->rank);
  g_settings_set_string (settings, "picture-fit", fl_image_fit_to_string (fl_train_panel_get_image_fit (panel)));
  g_settings_set_boolean (settings, "augment", s->augment);
  g_settings_set_string (settings, "text-encoder", fl_text_encoder_to_string (s->text_encoder));
  g_settings_set_string (settings, "text-pool", fl_text_pool_to_string (s->text_pool));
}

/* The data loaded, with the columns its load used (the report's: what was
 * detected, or chosen in the column picker); nothing when none is loaded,
 * so that a failed load forgets nothing. */
static void
save_data (GSettings   *settings,
           FlDataPanel *panel)
{
  FlDataset *ds = fl_data_panel_get_dataset (panel);
  const FlLoadReport *r = ds != NULL ? &ds->report : NULL;
  const char *const none[] = { NULL };

  if (ds == NULL)
    return;
  g_settings_set_string (settings, "images-folder", ds->images_dir);
  g_settings_set_string (settings, "csv-file", ds->csv_path);
  g_settings_set_string (settings, "image-column", r->image_col != NULL ? r->image_col : "");
  g_settings_set_string (settings, "text-column", r->text_col != NULL ? r->text_col : "");
  g_settings_set_string (settings, "label-column", r->label_col != NULL ? r->label_col : "");
  g_settings_set_string (settings, "sound-column", r->audio_col != NULL ? r->audio_col : "");
  g_settings_set_strv (settings, "numeric-columns",
                       (const char *const *) (r->numeric_cols != NULL ? (const char *const *) r->numeric_cols : none));
}

/* The window as it goes: unrealize comes before its children are disposed,
 * whether it was closed or destroyed (app.quit destroys it). A maximised
 * window keeps its unmaximised size as its default size. */
static void
window_gone_cb (FlWindow  *window,
                GSettings *settings)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", CLAMP (width, 320, 8192));
      g_settings_set_int (settings, "window-height", CLAMP (height, 240, 8192));
    }
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (window)));
  save_train (settings, fl_window_get_train_panel (window));
  save_data (settings, fl_window_get_data_panel (window));
}

void
fl_settings_attach (GSettings *settings,
                    FlWindow  *window)
{
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (FL_IS_WINDOW (window));

  gtk_window_set_default_size (GTK_WINDOW (window), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (window));
  restore_train (settings, fl_window_get_train_panel (window));
  /* the toggle in the curves' header bar, kept as it is switched */
  g_settings_bind (settings, "presenting", fl_window_get_training_view (window), "presenting",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (window, "unrealize", G_CALLBACK (window_gone_cb), settings, 0);
  fl_window_set_recent_manager (window, gtk_recent_manager_get_default ());
}

/* A route of the sound or numeric columns is offered once data that has
 * them is loaded: chosen again then, once. */
typedef struct {
  GSettings *settings;
  FlWindow  *window;
  gulong     handler;
} RouteLater;

static void
route_later_free (gpointer data, GClosure *closure)
{
  RouteLater *later = data;

  g_object_unref (later->settings);
  g_free (later);
}

static void
data_loaded_cb (FlDataPanel *panel,
                GParamSpec  *pspec,
                RouteLater  *later)
{
  g_autofree char *route = g_settings_get_string (later->settings, "route");
  FlFusion fusion;

  if (fl_data_panel_get_dataset (panel) == NULL)
    return;
  if (fl_fusion_from_string (route, &fusion))
    fl_train_panel_set_fusion (fl_window_get_train_panel (later->window), fusion);
  g_signal_handler_disconnect (panel, later->handler);
}

gboolean
fl_settings_restore_data (GSettings *settings,
                          FlWindow  *window)
{
  FlDataPanel *panel = fl_window_get_data_panel (window);
  g_autofree char *images = g_settings_get_string (settings, "images-folder");
  g_autofree char *csv = g_settings_get_string (settings, "csv-file");
  g_autofree char *image_col = g_settings_get_string (settings, "image-column");
  g_autofree char *text_col = g_settings_get_string (settings, "text-column");
  g_autofree char *label_col = g_settings_get_string (settings, "label-column");
  g_autofree char *sound_col = g_settings_get_string (settings, "sound-column");
  g_auto(GStrv) numeric = g_settings_get_strv (settings, "numeric-columns");
  RouteLater *later;

  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  /* moved or deleted since: start empty, as the first time */
  if (!g_file_test (images, G_FILE_TEST_IS_DIR) || !g_file_test (csv, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  /* as an experiment file's data is loaded (_fl_window_load_runs_data()):
   * the new CSV detects its columns, then the ones remembered are chosen */
  later = g_new0 (RouteLater, 1);
  later->settings = g_object_ref (settings);
  later->window = window;
  /* after the window's handler, which offers the data's routes */
  later->handler = g_signal_connect_data (panel, "notify::dataset", G_CALLBACK (data_loaded_cb), later,
                                          route_later_free, G_CONNECT_AFTER);
  g_debug ("loading the data remembered: %s, %s", images, csv);
  fl_data_panel_load (panel, images, csv);
  fl_data_panel_set_branch_columns (panel, sound_col, (const char *const *) numeric);
  fl_data_panel_set_columns (panel, *image_col != '\0' ? image_col : NULL, *text_col != '\0' ? text_col : NULL,
                             label_col);
  return TRUE;
}
